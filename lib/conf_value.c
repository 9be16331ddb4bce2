/*
 * NAME
 *	conf_value 3
 * SUMMARY
 *	the configuration's value parsers
 * SYNOPSIS
 *	#include "conf_value.h"
#include "dns.h"
 * DESCRIPTION
 *	See conf_value.h. conf_parse_bool() and conf_parse_duration() are
 *	public (conf.h): other modules parse the same syntax.
 * DIAGNOSTICS
 *	Every refusal names the key and what was expected.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_value.h"
#include "dns.h"
#include "xalloc.h"

/* conf_err - record "file:line: message" */
void
conf_err(const struct where *w, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->line > 0)
		strlist_addf(w->errors, "%s:%d: %s", w->file, w->line, msg);
	else
		strlist_addf(w->errors, "%s: %s", w->file, msg);
}

/* conf_parse_bool - yes/no/true/false/on/off/1/0; 0 ok, -1 invalid */
int
conf_parse_bool(const char *text, int *bool_r)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*bool_r = 1;
			return 0;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*bool_r = 0;
			return 0;
		}
	}
	return -1;
}

/* conf_parse_duration - "250ms", "30s", "5m", "24h", "1d"; 0 ok, -1 bad */
int
conf_parse_duration(const char *text, unsigned long *ms_r)
{
	static const struct {
		const char *unit;
		unsigned long ms;
	} units[] = {
		{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000},
		{"d", 86400000},
	};
	unsigned long n;
	char *end;
	size_t i;

	if (!isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	n = strtoul(text, &end, 10);
	if (errno != 0)
		return -1;
	if (*end == '\0') {
		if (n != 0)
			return -1;	/* a unit is required but for 0 */
		*ms_r = 0;
		return 0;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit) == 0) {
			if (n > ULONG_MAX / units[i].ms)
				return -1;
			*ms_r = n * units[i].ms;
			return 0;
		}
	}
	return -1;
}

/* conf_parse_ulong - a decimal number within bounds; 0 ok, -1 bad */
int
conf_parse_ulong(const char *text, unsigned long min, unsigned long max,
    unsigned long *n_r)
{
	unsigned long n;
	char *end;

	if (!isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	n = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*n_r = n;
	return 0;
}

/* conf_parse_octal - an octal number up to max (UMask 027); 0 ok, -1 bad */
int
conf_parse_octal(const char *text, unsigned long max, unsigned long *n_r)
{
	unsigned long n;
	char *end;

	if (strspn(text, "01234567") != strlen(text) || *text == '\0' ||
	    strlen(text) > 4)
		return -1;
	n = strtoul(text, &end, 8);
	if (n > max)
		return -1;
	*n_r = n;
	return 0;
}

/* conf_valid_domain - a DNS name of LDH labels (UTF-8 bytes allowed) */
int
conf_valid_domain(const char *d)
{
	size_t len = strlen(d), label = 0;
	const unsigned char *p;

	if (len == 0 || len > 253)
		return 0;
	for (p = (const unsigned char *)d; *p; p++) {
		if (*p == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!(isalnum(*p) || *p == '-' || *p == '_' || *p >= 0x80))
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0;
}

/* conf_valid_socket - unix:PATH, local:PATH, inet:PORT@HOST, inet6:PORT@HOST */
const char *
conf_valid_socket(const char *s)
{
	const char *at, *p;
	unsigned long port;
	char buf[16];

	if (strncmp(s, "unix:", 5) == 0 || strncmp(s, "local:", 6) == 0) {
		p = strchr(s, ':') + 1;
		if (*p != '/')
			return "a unix socket needs an absolute path (unix:/run/isolation-milter/milter.sock)";
		return NULL;
	}
	if (strncmp(s, "inet:", 5) == 0)
		p = s + 5;
	else if (strncmp(s, "inet6:", 6) == 0)
		p = s + 6;
	else
		return "expected unix:PATH, inet:PORT@HOST or inet6:PORT@HOST";
	at = strchr(p, '@');
	if (at == NULL || at[1] == '\0')
		return "expected PORT@HOST after inet: (inet:8895@127.0.0.1)";
	if ((size_t)(at - p) >= sizeof(buf))
		return "bad port number";
	memcpy(buf, p, (size_t)(at - p));
	buf[at - p] = '\0';
	if (conf_parse_ulong(buf, 1, 65535, &port) < 0)
		return "bad port number (1-65535)";
	return NULL;
}

/* conf_set_dnsbl - one DNSBL line: zone[=filter], the filter compiled
 * here by the parser that matching uses (dns.h) */
void
conf_set_dnsbl(struct conf *conf, const char *value, const struct where *w)
{
	const char *eq = strchr(value, '='), *why = NULL;
	char *zone = eq ? strndup(value, (size_t)(eq - value)) : strdup(value);
	struct dnsbl_filter *filter = NULL;
	struct dnsbl *v;
	size_t i;

	if (zone == NULL) {
		conf_err(w, "DNSBL: out of memory");
		return;
	}
	for (i = 0; zone[i]; i++)
		zone[i] = (char)tolower((unsigned char)zone[i]);
	if (i > 0 && zone[i - 1] == '.')
		zone[i - 1] = '\0';
	if (!conf_valid_domain(zone)) {
		conf_err(w, "DNSBL: \"%s\" is not a zone name", zone);
		free(zone);
		return;
	}
	if (eq != NULL && (filter = dnsbl_filter_parse(eq + 1, &why)) == NULL) {
		conf_err(w, "DNSBL: bad answer filter \"%s\": %s (expected e.g. 127.0.0.2, 127.0.0.[10..11] or 127.0.0.[2;4;8..10])",
		    eq + 1, why);
		free(zone);
		return;
	}
	v = realloc(conf->dnsbls, (conf->n_dnsbls + 1) * sizeof(*v));
	if (v == NULL) {
		conf_err(w, "DNSBL: out of memory");
		free(filter);
		free(zone);
		return;
	}
	v[conf->n_dnsbls].zone = zone;
	v[conf->n_dnsbls].filter = filter;
	conf->n_dnsbls++;
	conf->dnsbls = v;
}

/* conf_count_window - "N/window": 1 to 100000000 within 1s to 7d; 0 ok, -1 */
int
conf_count_window(const char *name, const char *text, unsigned long *n_r,
    unsigned long *window_r, const struct where *w)
{
	char spec[64], *slash;

	snprintf(spec, sizeof(spec), "%s", text);
	if ((slash = strchr(spec, '/')) == NULL) {
		conf_err(w, "%s: \"%s\" is not N/window (e.g. 500/1h)", name, text);
		return -1;
	}
	*slash = '\0';
	if (conf_parse_ulong(spec, 1, 100000000, n_r) < 0) {
		conf_err(w, "%s: \"%s\" is not a count (1-100000000)", name, spec);
		return -1;
	}
	if (conf_parse_duration(slash + 1, window_r) < 0 ||
	    *window_r < 1000 || *window_r > 7UL * 86400 * 1000) {
		conf_err(w, "%s: window \"%s\" is not a duration from 1s to 7d (e.g. 1h)",
		    name, slash + 1);
		return -1;
	}
	return 0;
}

/* conf_set_login_quarantine - LoginQuarantine N/window, or off */
void
conf_set_login_quarantine(struct conf *conf, const char *value,
    const struct where *w)
{
	unsigned long n, window;

	if (strcasecmp(value, "off") == 0) {
		conf->login_strikes = 0;
		return;
	}
	if (conf_count_window("LoginQuarantine", value, &n, &window, w) < 0)
		return;
	conf->login_strikes = n;
	conf->login_strikes_window_ms = window;
}

/* conf_set_rate_limit - one RateLimit line: <ip|login> <messages|recipients> N/window */
void
conf_set_rate_limit(struct conf *conf, const char *value, const struct where *w)
{
	char scope[16], what[16], spec[64], extra[2];
	struct rate_limit rl, *v;

	if (sscanf(value, "%15s %15s %63s %1s", scope, what, spec, extra) != 3) {
		conf_err(w, "RateLimit: expected <ip|login> <messages|recipients> N/window, e.g. \"login recipients 500/1h\"");
		return;
	}
	if (strcasecmp(scope, "ip") == 0)
		rl.scope = RATE_SCOPE_IP;
	else if (strcasecmp(scope, "login") == 0)
		rl.scope = RATE_SCOPE_LOGIN;
	else {
		conf_err(w, "RateLimit: \"%s\" is not ip or login", scope);
		return;
	}
	if (strcasecmp(what, "messages") == 0)
		rl.what = RATE_MESSAGES;
	else if (strcasecmp(what, "recipients") == 0)
		rl.what = RATE_RECIPIENTS;
	else {
		conf_err(w, "RateLimit: \"%s\" is not messages or recipients", what);
		return;
	}
	if (conf_count_window("RateLimit", spec, &rl.limit, &rl.window_ms, w) < 0)
		return;
	if (conf->n_rate_limits == CONF_RATE_LIMITS_MAX) {
		conf_err(w, "RateLimit: more than %d lines", CONF_RATE_LIMITS_MAX);
		return;
	}
	v = realloc(conf->rate_limits, (conf->n_rate_limits + 1) * sizeof(*v));
	if (v == NULL)
		fatalx("out of memory");
	v[conf->n_rate_limits++] = rl;
	conf->rate_limits = v;
}

/* conf_set_spf_action - one SPFAction line: <result> <action> */
void
conf_set_spf_action(struct conf *conf, const char *value, const struct where *w)
{
	char result[32], action[32], extra[2];
	enum spf_result r;
	enum action a;

	if (sscanf(value, "%31s %31s %1s", result, action, extra) != 2) {
		conf_err(w, "SPFAction: expected <result> <action>, e.g. \"softfail report\"");
		return;
	}
	if (spf_result_parse(result, &r) < 0) {
		conf_err(w, "SPFAction: \"%s\" is not none, neutral, pass, softfail, temperror or permerror",
		    result);
		return;
	}
	if (r == SPF_RESULT_FAIL) {
		conf_err(w, "SPFAction: the action for fail is Action.inbound.spf_fail");
		return;
	}
	if (action_parse(action, &a) < 0) {
		conf_err(w, "SPFAction: \"%s\" is not reject, tempfail, report or off",
		    action);
		return;
	}
	conf->spf_actions[r] = a;
}

