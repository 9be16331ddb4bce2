/*
 * NAME
 *	conf_list 3
 * SUMMARY
 *	the configuration's lists: their items, and keys whose lines add up
 * SYNOPSIS
 *	#include "conf_value.h"
 * DESCRIPTION
 *	One function per kind of list item (domains, networks, HOST:PORT,
 *	ports, NAME=role, DynamicIPChecks words, AlwaysAllowRecipients
 *	entries), called by conf.c for each item of a list value, a
 *	file:/path list read one item per line; the functions that forget a
 *	list's default when its first line comes; and the keys of one entry
 *	per line (DNSBL, RateLimit, SPFAction).
 * DIAGNOSTICS
 *	"file:line: message" through conf_err().
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_value.h"
#include "dns.h"

/* grow - an array of n elements with room for one more; NULL: out of memory */
static void *
grow(void *array, size_t n, size_t size, const struct where *w,
    const struct key *key)
{
	void *v;

	if ((v = conf_realloc(array, (n + 1) * size)) == NULL)
		conf_oom(w, key);
	return v;
}

/* add_unique - add s to a list of strings unless it is there */
static void
add_unique(struct strlist *list, const char *s, const struct where *w,
    const struct key *key)
{
	if (!strlist_contains_nocase(list, s) && strlist_add(list, s) < 0)
		conf_oom(w, key);
}

/* conf_add_domain - one LocalDomains entry, stored lower case */
void
conf_add_domain(struct conf *conf, const struct key *key, const char *item,
    const struct where *w)
{
	char d[256];
	size_t len = strlen(item), i;

	if (len > 0 && item[len - 1] == '.')
		len--;
	if (len >= sizeof(d)) {
		conf_err(w, "%s: domain name too long", key->name);
		return;
	}
	for (i = 0; i < len; i++)
		d[i] = (char)tolower((unsigned char)item[i]);
	d[len] = '\0';
	if (!conf_valid_domain(d)) {
		conf_err(w, "%s: \"%s\" is not a domain name", key->name, item);
		return;
	}
	add_unique(CONF_FIELD(conf, key, struct strlist), d, w, key);
}

/* conf_add_network - one CIDR entry */
void
conf_add_network(struct conf *conf, const struct key *key, const char *item,
    const struct where *w)
{
	struct netset **set = CONF_FIELD(conf, key, struct netset *);
	char msg[256];

	if (*set == NULL && (*set = netset_new()) == NULL) {
		conf_oom(w, key);
		return;
	}
	if (netset_add(*set, item, msg, sizeof(msg)) < 0)
		conf_err(w, "%s: %s", key->name, msg);
}

/* conf_add_hostport - one HOST:PORT entry (RedisSentinels) */
void
conf_add_hostport(struct conf *conf, const struct key *key, const char *item,
    const struct where *w)
{
	char host[CONF_HOST_MAX];
	unsigned port;

	if (conf_parse_hostport(item, host, sizeof(host), &port) < 0) {
		conf_err(w, "%s: \"%s\" is not HOST:PORT", key->name, item);
		return;
	}
	if (strlist_add(CONF_FIELD(conf, key, struct strlist), item) < 0)
		conf_oom(w, key);
}

/* conf_add_port - one SubmissionPorts entry */
void
conf_add_port(struct conf *conf, const struct key *key, const char *item,
    const struct where *w)
{
	unsigned long port;
	unsigned *v;

	if (conf_parse_ulong(item, 1, 65535, &port) < 0) {
		conf_err(w, "%s: \"%s\" is not a port number (1-65535)",
		    key->name, item);
		return;
	}
	if ((v = grow(conf->submission_ports, conf->n_submission_ports,
	    sizeof(*v), w, key)) == NULL)
		return;
	v[conf->n_submission_ports++] = (unsigned)port;
	conf->submission_ports = v;
}

/* conf_add_daemon_role - one NAME=role entry */
void
conf_add_daemon_role(struct conf *conf, const struct key *key,
    const char *item, const struct where *w)
{
	const char *eq = strchr(item, '=');
	size_t len = eq != NULL ? (size_t)(eq - item) : 0, i;
	struct daemon_role *v;
	enum role role;
	char *name;

	if (eq == NULL || eq == item || role_parse(eq + 1, &role) < 0 ||
	    role == ROLE_AUTO) {
		conf_err(w, "%s: \"%s\" is not NAME=inbound or NAME=outbound",
		    key->name, item);
		return;
	}
	for (i = 0; i < conf->n_daemon_roles; i++) {
		if (strncasecmp(conf->daemon_roles[i].name, item, len) == 0 &&
		    conf->daemon_roles[i].name[len] == '\0') {
			conf_err(w, "%s: daemon name \"%.*s\" given twice",
			    key->name, (int)len, item);
			return;
		}
	}
	if ((name = conf_strndup(item, len)) == NULL) {
		conf_oom(w, key);
		return;
	}
	if ((v = grow(conf->daemon_roles, conf->n_daemon_roles, sizeof(*v), w,
	    key)) == NULL) {
		free(name);
		return;
	}
	v[conf->n_daemon_roles].name = name;
	v[conf->n_daemon_roles++].role = role;
	conf->daemon_roles = v;
}

/* conf_add_dynamic_check - one DynamicIPChecks word */
void
conf_add_dynamic_check(struct conf *conf, const struct key *key,
    const char *item, const struct where *w)
{
	static const struct {
		const char *name;
		unsigned bit;
	} checks[] = {
		{"dnsbl", DYNAMIC_DNSBL}, {"generic", DYNAMIC_GENERIC},
		{"no_ptr", DYNAMIC_NO_PTR}, {"unconfirmed", DYNAMIC_UNCONFIRMED},
	};
	size_t i;

	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		if (strcasecmp(item, checks[i].name) == 0) {
			*CONF_FIELD(conf, key, unsigned) |= checks[i].bit;
			return;
		}
	}
	conf_err(w, "%s: \"%s\" is not dnsbl, generic, no_ptr or unconfirmed",
	    key->name, item);
}

/* conf_add_allowed_rcpt - "local@" (every LocalDomain) or "local@domain" */
void
conf_add_allowed_rcpt(struct conf *conf, const struct key *key,
    const char *item, const struct where *w)
{
	const char *at = strrchr(item, '@');
	char entry[320];
	size_t i, len = strlen(item);

	if (at == NULL || at == item || len >= sizeof(entry) ||
	    (at[1] != '\0' && !conf_valid_domain(at + 1))) {
		conf_err(w, "%s: \"%s\" is not local@ or local@domain",
		    key->name, item);
		return;
	}
	for (i = 0; i < (size_t)(at - item); i++) {
		unsigned char c = (unsigned char)item[i];

		if (c <= ' ' || c >= 127 || strchr("\"<>()[],;:\\@", c) != NULL) {
			conf_err(w, "%s: \"%s\": the local part must be plain "
			    "ASCII", key->name, item);
			return;
		}
	}
	for (i = 0; i < len; i++)
		entry[i] = (char)tolower((unsigned char)item[i]);
	entry[len] = '\0';
	if (entry[len - 1] == '.')
		entry[len - 1] = '\0';
	add_unique(CONF_FIELD(conf, key, struct strlist), entry, w, key);
}

/* conf_clear_strings - forget a list of strings */
void
conf_clear_strings(struct conf *conf, const struct key *key)
{
	strlist_clear(CONF_FIELD(conf, key, struct strlist));
}

/* conf_clear_networks - forget a set of networks */
void
conf_clear_networks(struct conf *conf, const struct key *key)
{
	struct netset **set = CONF_FIELD(conf, key, struct netset *);

	netset_free(*set);
	*set = NULL;
}

/* conf_clear_bits - forget a set of flags */
void
conf_clear_bits(struct conf *conf, const struct key *key)
{
	*CONF_FIELD(conf, key, unsigned) = 0;
}

/* conf_clear_ports - forget SubmissionPorts */
void
conf_clear_ports(struct conf *conf, const struct key *key)
{
	(void)key;
	free(conf->submission_ports);
	conf->submission_ports = NULL;
	conf->n_submission_ports = 0;
}

/* conf_clear_daemon_roles - forget DaemonRoles */
void
conf_clear_daemon_roles(struct conf *conf, const struct key *key)
{
	size_t i;

	(void)key;
	for (i = 0; i < conf->n_daemon_roles; i++)
		free(conf->daemon_roles[i].name);
	free(conf->daemon_roles);
	conf->daemon_roles = NULL;
	conf->n_daemon_roles = 0;
}

/* conf_set_dnsbl - one DNSBL line: zone[=filter], the filter compiled
 * here by the parser that matching uses (dns.h) */
void
conf_set_dnsbl(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	const char *eq = strchr(value, '='), *why = NULL;
	struct dnsbl_filter *filter = NULL;
	struct dnsbl *v;
	char *zone;
	size_t i;

	if ((zone = conf_strndup(value, eq ? (size_t)(eq - value) :
	    strlen(value))) == NULL) {
		conf_oom(w, key);
		return;
	}
	for (i = 0; zone[i]; i++)
		zone[i] = (char)tolower((unsigned char)zone[i]);
	if (i > 0 && zone[i - 1] == '.')
		zone[i - 1] = '\0';
	if (!conf_valid_domain(zone)) {
		conf_err(w, "%s: \"%s\" is not a zone name", key->name, zone);
		free(zone);
		return;
	}
	if (eq != NULL && (filter = dnsbl_filter_parse(eq + 1, &why)) == NULL) {
		conf_err(w, "%s: bad answer filter \"%s\": %s (expected e.g. 127.0.0.2, 127.0.0.[10..11] or 127.0.0.[2;4;8..10])",
		    key->name, eq + 1, why);
		free(zone);
		return;
	}
	if ((v = grow(conf->dnsbls, conf->n_dnsbls, sizeof(*v), w,
	    key)) == NULL) {
		free(filter);
		free(zone);
		return;
	}
	v[conf->n_dnsbls].zone = zone;
	v[conf->n_dnsbls++].filter = filter;
	conf->dnsbls = v;
}

/* conf_set_rate_limit - one RateLimit line: <ip|login> <messages|recipients> N/window */
void
conf_set_rate_limit(struct conf *conf, const struct key *key,
    const char *value, const struct where *w)
{
	char scope[16], what[16], spec[64], extra[2];
	struct rate_limit rl, *v;

	if (sscanf(value, "%15s %15s %63s %1s", scope, what, spec, extra) != 3) {
		conf_err(w, "%s: expected <ip|login> <messages|recipients> N/window, e.g. \"login recipients 500/1h\"",
		    key->name);
		return;
	}
	if (strcasecmp(scope, "ip") == 0)
		rl.scope = RATE_SCOPE_IP;
	else if (strcasecmp(scope, "login") == 0)
		rl.scope = RATE_SCOPE_LOGIN;
	else {
		conf_err(w, "%s: \"%s\" is not ip or login", key->name, scope);
		return;
	}
	if (strcasecmp(what, "messages") == 0)
		rl.what = RATE_MESSAGES;
	else if (strcasecmp(what, "recipients") == 0)
		rl.what = RATE_RECIPIENTS;
	else {
		conf_err(w, "%s: \"%s\" is not messages or recipients",
		    key->name, what);
		return;
	}
	if (conf_count_window(key->name, spec, &rl.limit, &rl.window_ms, w) < 0)
		return;
	if (conf->n_rate_limits == CONF_RATE_LIMITS_MAX) {
		conf_err(w, "%s: more than %d lines", key->name,
		    CONF_RATE_LIMITS_MAX);
		return;
	}
	if ((v = grow(conf->rate_limits, conf->n_rate_limits, sizeof(*v), w,
	    key)) == NULL)
		return;
	v[conf->n_rate_limits++] = rl;
	conf->rate_limits = v;
}

/* conf_set_spf_action - one SPFAction line: <result> <action> */
void
conf_set_spf_action(struct conf *conf, const struct key *key,
    const char *value, const struct where *w)
{
	char result[32], action[32], extra[2];
	enum spf_result r;
	enum action a;

	if (sscanf(value, "%31s %31s %1s", result, action, extra) != 2) {
		conf_err(w, "%s: expected <result> <action>, e.g. \"softfail report\"",
		    key->name);
		return;
	}
	if (spf_result_parse(result, &r) < 0) {
		conf_err(w, "%s: \"%s\" is not none, neutral, pass, softfail, temperror or permerror",
		    key->name, result);
		return;
	}
	if (r == SPF_RESULT_FAIL) {
		conf_err(w, "%s: the action for fail is Action.inbound.spf_fail",
		    key->name);
		return;
	}
	if (action_parse(action, &a) < 0) {
		conf_err(w, "%s: \"%s\" is not reject, tempfail, report or off",
		    key->name, action);
		return;
	}
	CONF_FIELD(conf, key, enum action)[r] = a;
}
