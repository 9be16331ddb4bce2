/*
 * NAME
 *	conf_value 3
 * SUMMARY
 *	the configuration's errors, memory, and values with a syntax
 * SYNOPSIS
 *	#include "conf_value.h"
 * DESCRIPTION
 *	See conf_value.h. conf_parse_bool(), conf_parse_duration() and
 *	conf_parse_hostport() are public (conf.h): other modules parse the
 *	same syntax.
 *
 *	Every value that the daemon would only find wrong when it starts is
 *	refused here, so that isolation-milter -n refuses it too: a Socket
 *	that libmilter or the socket checks could not take (a unix path
 *	longer than sun_path, a host or port longer than the daemon's
 *	buffers), a RedisServer that is not HOST:PORT or unix:/path, a user
 *	or group that does not exist (resolved here, once; the daemon uses
 *	the ids found), a StateFileSize this system cannot map. The Socket
 *	is taken apart here too (family, unix path, host, port), so that the
 *	daemon uses the parts and never parses it again.
 * DIAGNOSTICS
 *	Every refusal names the key and what was expected.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "conf_value.h"

#define SOCKET_PORT_MAX	7	/* digits the daemon's socket check holds */
#define SUN_PATH_MAX	(sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

/* conf_err - record "file:line: message"; without memory, only that it failed */
void
conf_err(const struct where *w, const char *fmt, ...)
{
	char msg[1024], num[16] = "";
	va_list ap;

	*w->bad = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->line > 0)
		snprintf(num, sizeof(num), ":%d", w->line);
	strlist_addf(w->errors, "%s%s: %s", w->file, num, msg);
}

/* conf_oom - the value of key could not be kept: out of memory */
void
conf_oom(const struct where *w, const struct key *key)
{
	conf_err(w, "%s: out of memory", key->name);
}

/* conf_strndup - a copy of n octets of s; NULL when out of memory (here,
 * apart from conf_realloc, so that a test's wrapper sees its calls) */
char *
conf_strndup(const char *s, size_t n)
{
	char *p;

	if ((p = conf_realloc(NULL, n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* conf_set_text - replace a string field with a copy of value; 0 ok, -1 */
int
conf_set_text(char **field, const char *value, const struct where *w,
    const struct key *key)
{
	char *copy;

	if ((copy = conf_strndup(value, strlen(value))) == NULL) {
		conf_oom(w, key);
		return -1;
	}
	free(*field);
	*field = copy;
	return 0;
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

/* conf_parse_hostport - "host:port" or "[v6]:port"; 0 ok, -1 not */
int
conf_parse_hostport(const char *text, char *host, size_t hostlen,
    unsigned *port_r)
{
	const char *colon = strrchr(text, ':'), *start = text, *end = colon;
	unsigned long port;
	size_t len;

	if (colon == NULL || conf_parse_ulong(colon + 1, 1, 65535, &port) < 0)
		return -1;
	if (*start == '[' && end > start + 1 && end[-1] == ']') {
		start++;
		end--;
	}
	if ((len = (size_t)(end - start)) == 0 || len >= hostlen)
		return -1;
	memcpy(host, start, len);
	host[len] = '\0';
	*port_r = (unsigned)port;
	return 0;
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

/* split_socket - unix:PATH, local:PATH, inet:PORT@HOST, inet6:PORT@HOST
 * into its family and, for inet, host (without []) and port; NULL ok,
 * else why not */
static const char *
split_socket(const char *s, int *family_r, char host[CONF_HOST_MAX],
    unsigned *port_r)
{
	const char *at, *p, *h;
	unsigned long port;
	char buf[SOCKET_PORT_MAX + 1];
	size_t len;

	if (strncmp(s, "unix:", 5) == 0 || strncmp(s, "local:", 6) == 0) {
		p = strchr(s, ':') + 1;
		if (*p != '/')
			return "a unix socket needs an absolute path (unix:/run/isolation-milter/milter.sock)";
		if (strlen(p) > SUN_PATH_MAX)
			return "the path of a unix socket is too long";
		*family_r = AF_UNIX;
		return NULL;
	}
	if (strncmp(s, "inet:", 5) == 0) {
		p = s + 5;
		*family_r = AF_INET;
	} else if (strncmp(s, "inet6:", 6) == 0) {
		p = s + 6;
		*family_r = AF_INET6;
	} else
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
	h = at + 1;
	len = strlen(h);
	if (h[0] == '[' && len >= 2 && h[len - 1] == ']') {
		h++;
		len -= 2;
	}
	if (len == 0 || len >= CONF_HOST_MAX)
		return "the host is empty or too long";
	memcpy(host, h, len);
	host[len] = '\0';
	*port_r = (unsigned)port;
	return NULL;
}

/* conf_set_socket - Socket, kept as written and taken apart for the daemon */
void
conf_set_socket(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	char host[CONF_HOST_MAX] = "", **field = CONF_FIELD(conf, key, char *);
	unsigned port = 0;
	const char *why;
	int family;

	if ((why = split_socket(value, &family, host, &port)) != NULL) {
		conf_err(w, "%s: \"%s\": %s", key->name, value, why);
		return;
	}
	if (conf_set_text(field, value, w, key) < 0)
		return;
	conf->socket_family = family;
	conf->socket_path = family == AF_UNIX ? strchr(*field, ':') + 1 : NULL;
	memcpy(conf->socket_host, host, sizeof(host));
	conf->socket_port = port;
}

/* conf_set_redis_server - HOST:PORT, [v6]:PORT or unix:/path */
void
conf_set_redis_server(struct conf *conf, const struct key *key,
    const char *value, const struct where *w)
{
	char host[CONF_HOST_MAX];
	unsigned port;

	if (strncmp(value, "unix:", 5) == 0) {
		if (value[5] != '/' || strlen(value + 5) > SUN_PATH_MAX) {
			conf_err(w, "%s: \"%s\" is not unix:/absolute/path (or "
			    "the path is too long)", key->name, value);
			return;
		}
	} else if (conf_parse_hostport(value, host, sizeof(host), &port) < 0) {
		conf_err(w, "%s: \"%s\" is not HOST:PORT (port 1-65535) or "
		    "unix:/path", key->name, value);
		return;
	}
	conf_set_text(CONF_FIELD(conf, key, char *), value, w, key);
}

/* conf_set_user - UserID: an existing user, optionally user:group,
 * resolved to the ids the daemon becomes */
void
conf_set_user(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	const char *colon = strchr(value, ':');
	size_t len = colon ? (size_t)(colon - value) : strlen(value);
	struct passwd *pw;
	struct group *gr = NULL;
	char user[256];

	if (len == 0 || len >= sizeof(user)) {
		conf_err(w, "%s: expected USER or USER:GROUP", key->name);
		return;
	}
	memcpy(user, value, len);
	user[len] = '\0';
	if ((pw = getpwnam(user)) == NULL) {
		conf_err(w, "%s: no such user \"%s\"", key->name, user);
		return;
	}
	conf->user_uid = pw->pw_uid;
	conf->user_gid = pw->pw_gid;
	if (colon != NULL && (gr = getgrnam(colon + 1)) == NULL) {
		conf_err(w, "%s: no such group \"%s\"", key->name, colon + 1);
		return;
	}
	if (gr != NULL)
		conf->user_gid = gr->gr_gid;
	conf_set_text(CONF_FIELD(conf, key, char *), value, w, key);
}

/* conf_set_group - SocketGroup: an existing group, resolved */
void
conf_set_group(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	struct group *gr;

	if ((gr = getgrnam(value)) == NULL) {
		conf_err(w, "%s: no such group \"%s\"", key->name, value);
		return;
	}
	conf->socket_gid = gr->gr_gid;
	conf_set_text(CONF_FIELD(conf, key, char *), value, w, key);
}

/* conf_set_umask - an octal mask from 000 to key->max (UMask 027) */
void
conf_set_umask(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	size_t len = strlen(value);
	unsigned long n;

	if (len == 0 || len > 4 || strspn(value, "01234567") != len ||
	    (n = strtoul(value, NULL, 8)) > (unsigned long)key->max) {
		conf_err(w, "%s: \"%s\" is not an octal mask from 000 to %lo",
		    key->name, value, (unsigned long)key->max);
		return;
	}
	*CONF_FIELD(conf, key, unsigned) = (unsigned)n;
}

/* conf_set_size - octets with K, M, G or T (powers of 1024): 1M to 1T,
 * and no more than this system can map */
void
conf_set_size(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	unsigned long long n, unit = 1;
	char *end;

	errno = 0;
	n = strtoull(value, &end, 10);
	switch (toupper((unsigned char)*end)) {
	case 'K':
		unit = 1ULL << 10;
		end++;
		break;
	case 'M':
		unit = 1ULL << 20;
		end++;
		break;
	case 'G':
		unit = 1ULL << 30;
		end++;
		break;
	case 'T':
		unit = 1ULL << 40;
		end++;
		break;
	default:
		break;
	}
	if (errno != 0 || end == value || !isdigit((unsigned char)value[0]) ||
	    *end != '\0' || n > (1ULL << 40) / unit || n * unit < (1ULL << 20) ||
	    n * unit > (1ULL << 40)) {
		conf_err(w, "%s: \"%s\" is not a size from 1M to 1T (e.g. 512M, "
		    "2G)", key->name, value);
		return;
	}
	if (n * unit > (unsigned long long)SIZE_MAX) {
		conf_err(w, "%s: %s is more than this system can map", key->name,
		    value);
		return;
	}
	*CONF_FIELD(conf, key, unsigned long long) = n * unit;
}
