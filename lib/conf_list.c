/*
 * NAME
 *	conf_list 3
 * SUMMARY
 *	the configuration's list items
 * SYNOPSIS
 *	#include "conf_value.h"
 * DESCRIPTION
 *	One function per kind of list item (domains, networks, HOST:PORT,
 *	ports, NAME=role, DynamicIPChecks words), called by conf.c for each
 *	item of a list value, a file:/path list read one item per line.
 *	name is the key's, for messages; field the list the key fills.
 * DIAGNOSTICS
 *	"file:line: message" through conf_err().
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_value.h"

/* conf_add_domain - one LocalDomains entry, stored lower case */
void
conf_add_domain(struct conf *conf, const char *name, void *field,
    const char *item, const struct where *w)
{
	struct strlist *list = (struct strlist *)field;
	char d[256];
	size_t len = strlen(item), i;

	(void)conf;
	if (len > 0 && item[len - 1] == '.')
		len--;
	if (len >= sizeof(d)) {
		conf_err(w, "%s: domain name too long", name);
		return;
	}
	for (i = 0; i < len; i++)
		d[i] = (char)tolower((unsigned char)item[i]);
	d[len] = '\0';
	if (!conf_valid_domain(d)) {
		conf_err(w, "%s: \"%s\" is not a domain name", name, item);
		return;
	}
	if (!strlist_contains_nocase(list, d))
		strlist_add(list, d);
}

/* conf_add_network - one CIDR entry */
void
conf_add_network(struct conf *conf, const char *name, void *field,
    const char *item, const struct where *w)
{
	struct netset **set = (struct netset **)field;
	char msg[256];

	(void)conf;
	if (*set == NULL && (*set = netset_new()) == NULL)
		fatalx("out of memory");
	if (netset_add(*set, item, msg, sizeof(msg)) < 0)
		conf_err(w, "%s: %s", name, msg);
}

/* conf_add_hostport - one HOST:PORT entry (RedisSentinels) */
void
conf_add_hostport(struct conf *conf, const char *name, void *field,
    const char *item, const struct where *w)
{
	struct strlist *list = (struct strlist *)field;
	const char *colon = strrchr(item, ':');
	unsigned long port;

	(void)conf;
	if (colon == NULL || colon == item ||
	    conf_parse_ulong(colon + 1, 1, 65535, &port) < 0) {
		conf_err(w, "%s: \"%s\" is not HOST:PORT", name, item);
		return;
	}
	strlist_add(list, item);
}

/* conf_add_port - one SubmissionPorts entry */
void
conf_add_port(struct conf *conf, const char *name, void *field,
    const char *item, const struct where *w)
{
	unsigned long port;
	unsigned *v;

	(void)field;
	if (conf_parse_ulong(item, 1, 65535, &port) < 0) {
		conf_err(w, "%s: \"%s\" is not a port number (1-65535)", name,
		    item);
		return;
	}
	v = realloc(conf->submission_ports,
	    (conf->n_submission_ports + 1) * sizeof(*v));
	if (v == NULL)
		fatalx("out of memory");
	v[conf->n_submission_ports++] = (unsigned)port;
	conf->submission_ports = v;
}

/* conf_add_daemon_role - one NAME=role entry */
void
conf_add_daemon_role(struct conf *conf, const char *name, void *field,
    const char *item, const struct where *w)
{
	const char *eq = strchr(item, '=');
	struct daemon_role *v;
	enum role role;
	size_t i;

	(void)field;
	if (eq == NULL || eq == item || role_parse(eq + 1, &role) < 0 ||
	    role == ROLE_AUTO) {
		conf_err(w, "%s: \"%s\" is not NAME=inbound or NAME=outbound",
		    name, item);
		return;
	}
	for (i = 0; i < conf->n_daemon_roles; i++) {
		if (strncasecmp(conf->daemon_roles[i].name, item,
		    (size_t)(eq - item)) == 0 &&
		    conf->daemon_roles[i].name[eq - item] == '\0') {
			conf_err(w, "%s: daemon name \"%.*s\" given twice", name,
			    (int)(eq - item), item);
			return;
		}
	}
	v = realloc(conf->daemon_roles,
	    (conf->n_daemon_roles + 1) * sizeof(*v));
	if (v == NULL)
		fatalx("out of memory");
	v[conf->n_daemon_roles].name = strndup(item, (size_t)(eq - item));
	if (v[conf->n_daemon_roles].name == NULL)
		fatalx("out of memory");
	v[conf->n_daemon_roles].role = role;
	conf->n_daemon_roles++;
	conf->daemon_roles = v;
}

/* conf_add_dynamic_check - one DynamicIPChecks word */
void
conf_add_dynamic_check(struct conf *conf, const char *name, void *field,
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

	(void)conf;
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		if (strcasecmp(item, checks[i].name) == 0) {
			*(unsigned *)field |= checks[i].bit;
			return;
		}
	}
	conf_err(w, "%s: \"%s\" is not dnsbl, generic, no_ptr or unconfirmed",
	    name, item);
}
