/*
 * NAME
 *	conf 3
 * SUMMARY
 *	the configuration file: keys, values, validation
 * SYNOPSIS
 *	#include "conf.h"
 * DESCRIPTION
 *	The key table below has one row per key: its name, the kind of
 *	value, the field it sets and its default. Defaults go through the
 *	same parsers as the file, so a default can never be a value the file
 *	would refuse. A key set twice is refused, except the list keys
 *	(several lines add up) and the one-per-line keys RateLimit and DNSBL;
 *	the first line of a list key replaces its default.
 * DIAGNOSTICS
 *	"file:line: message" for every problem found; parsing goes on after
 *	an error so that one run reports them all.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <pwd.h>
#include <grp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "conf.h"
#include "conf_value.h"
#include "textfile.h"
#include "xalloc.h"

enum kind {
	K_STRING,		/* char *, non-empty */
	K_STRING_EMPTY,		/* char *, may be empty */
	K_SOCKET,
	K_USER,
	K_PATH,			/* char *, a file that must be readable */
	K_BOOL,
	K_DURATION,		/* unsigned long milliseconds */
	K_INT,
	K_FACILITY,
	K_LOGLEVEL,
	K_MODE,
	K_ROLE,
	K_DEFAULT_ROLE,
	K_DAEMON_ROLES,
	K_PORTS,
	K_DOMAINS,
	K_NETWORKS,
	K_HOSTPORTS,
	K_NULL_SENDER,
	K_PORT25,
	K_STATE_ERROR,
	K_RATE_LIMIT,
	K_LOGIN_QUARANTINE,
	K_DNSBL,
	K_SPF_ACTION,
	K_DYNAMIC_CHECKS,
	K_SIZE,			/* unsigned long long octets: 512M, 1G */
	K_RECIPIENTS,		/* AlwaysAllowRecipients */
	K_SUPPORT,
	K_ESCALATION,
	K_ALERT_LIMIT,
	K_COMMAND,		/* char *: a command line run without a shell */
	K_SECRET,
	K_UMASK,		/* unsigned: an octal mode mask */
	K_GROUP,		/* char *: an existing group */
	K_PASSWORD,		/* char *: the value, or file:/path holding it */
};

struct key {
	const char *name;
	enum kind kind;
	size_t	offset;
	const char *def;	/* NULL: unset */
	long	min;		/* K_INT, K_DURATION (ms) */
	long	max;
};

#define F(field) offsetof(struct conf, field)

static const struct key keys[] = {
	{"Socket", K_SOCKET, F(socket), CONF_DEFAULT_SOCKET, 0, 0},
	{"UMask", K_UMASK, F(socket_umask), "007", 0, 0777},
	{"SocketGroup", K_GROUP, F(socket_group), NULL, 0, 0},
	{"PidFile", K_STRING, F(pidfile), NULL, 0, 0},
	{"UserID", K_USER, F(userid), NULL, 0, 0},
	{"CoreDumps", K_BOOL, F(core_dumps), "no", 0, 0},
	{"Syslog", K_BOOL, F(syslog), "yes", 0, 0},
	{"SyslogFacility", K_FACILITY, F(syslog_facility), "mail", 0, 0},
	{"LogLevel", K_LOGLEVEL, F(log_level), "info", 0, 0},
	{"Mode", K_MODE, F(mode_report), "enforce", 0, 0},
	{"Role", K_ROLE, F(role), "auto", 0, 0},
	{"DefaultRole", K_DEFAULT_ROLE, F(default_role), "inbound", 0, 0},
	{"DaemonRoles", K_DAEMON_ROLES, 0,
	"ORIGINATING=outbound MSA=outbound INBOUND=inbound MTA=inbound", 0, 0},
	{"SubmissionPorts", K_PORTS, 0, "587 465", 0, 0},
	{"LocalDomains", K_DOMAINS, F(local_domains), "", 0, 0},
	{"CustomerNetworks", K_NETWORKS, F(customer_networks), "", 0, 0},
	{"CustomerServers", K_NETWORKS, F(customer_servers), "", 0, 0},
	{"TrustedNetworks", K_NETWORKS, F(trusted_networks),
	"127.0.0.0/8 ::1/128", 0, 0},
	{"IPv6Prefix", K_INT, F(ipv6_prefix), "64", 32, 128},
	{"SenderLoginMap", K_PATH, F(sender_login_map), NULL, 0, 0},
	{"LoginIsAddress", K_BOOL, F(login_is_address), "yes", 0, 0},
	{"SubaddressDelimiter", K_STRING_EMPTY, F(subaddress_delimiter), "+",
	0, 0},
	{"NullSender", K_NULL_SENDER, F(null_sender_reject), "allow", 0, 0},
	{"CustomerPort25", K_PORT25, F(customer_port25_open), "auth", 0, 0},
	{"RateLimit", K_RATE_LIMIT, 0, NULL, 0, 0},
	{"LoginQuarantine", K_LOGIN_QUARANTINE, 0, "10/1h", 0, 0},
	{"QuarantineTTL", K_DURATION, F(quarantine_ttl_ms), "24h",
	1000, 365L * 86400 * 1000},
	{"OnStateError", K_STATE_ERROR, F(on_state_error_tempfail),
	"continue", 0, 0},
	{"RedisServer", K_STRING, F(redis_server), NULL, 0, 0},
	{"RedisSentinels", K_HOSTPORTS, F(redis_sentinels), NULL, 0, 0},
	{"RedisMasterName", K_STRING, F(redis_master_name), NULL, 0, 0},
	{"RedisPassword", K_PASSWORD, F(redis_password), NULL, 0, 0},
	{"RedisUser", K_STRING, F(redis_user), NULL, 0, 0},
	{"RedisDatabase", K_INT, F(redis_database), "0", 0, 15},
	{"RedisPrefix", K_STRING, F(redis_prefix), "iso:", 0, 0},
	{"RedisTimeout", K_DURATION, F(redis_timeout_ms), "250ms", 1, 60000},
	{"DNSBL", K_DNSBL, 0, NULL, 0, 0},
	{"SPF", K_BOOL, F(spf), "yes", 0, 0},
	{"SPFAction", K_SPF_ACTION, 0, NULL, 0, 0},
	{"DynamicIPChecks", K_DYNAMIC_CHECKS, F(dynamic_checks),
	"dnsbl generic no_ptr", 0, 0},
	{"DNSTimeout", K_DURATION, F(dns_timeout_ms), "5s", 1000, 20000},
	{"StateFile", K_PATH, F(state_file), CONF_DEFAULT_STATE_FILE, 0, 0},
	{"StateFileSize", K_SIZE, F(state_file_size), "1G", 0, 0},
	{"EventLogSize", K_INT, F(event_log_size), "100000", 100, 10000000},
	{"AlwaysAllowRecipients", K_RECIPIENTS, F(always_allow),
	"postmaster@ abuse@", 0, 0},
	{"SupportContact", K_SUPPORT, F(support_contact), NULL, 0, 0},
	{"QuarantineEscalation", K_ESCALATION, 0, "off", 0, 0},
	{"LastLoginTTL", K_DURATION, F(last_login_ttl_ms), "30d", 60000,
	365L * 86400 * 1000},
	{"AlertTemplate", K_PATH, F(alert_template_path), NULL, 0, 0},
	{"AlertSendmail", K_COMMAND, F(alert_sendmail),
	"/usr/sbin/sendmail -t -i", 0, 0},
	{"AlertContacts", K_PATH, F(alert_contacts_path), NULL, 0, 0},
	{"AlertLimit", K_ALERT_LIMIT, 0, "5/1d", 0, 0},
	{"EventCommand", K_COMMAND, F(event_command), NULL, 0, 0},
	{"EventCommandTimeout", K_DURATION, F(event_command_timeout_ms), "30s",
	1000, 600000},
	{"ReleaseSecret", K_SECRET, 0, NULL, 0, 0},
	{"SelfReleaseInterval", K_DURATION, F(self_release_interval_ms), "7d",
	0, 365L * 86400 * 1000},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const struct {
	const char *name;
	int	value;
} facilities[] = {
	{"mail", LOG_MAIL}, {"daemon", LOG_DAEMON}, {"user", LOG_USER},
	{"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
	{"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
	{"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
};

/* Per-parse bookkeeping: which keys were seen, and where. */
struct parse_state {
	int	seen_line[NKEYS];
	int	seen_action[RULE_COUNT];
};

/* next_item - split a list on commas and white space */
static char *
next_item(char **cursor)
{
	char *p = *cursor, *start;

	while (*p == ',' || isspace((unsigned char)*p))
		p++;
	if (*p == '\0') {
		*cursor = p;
		return NULL;
	}
	start = p;
	while (*p && *p != ',' && !isspace((unsigned char)*p))
		p++;
	if (*p)
		*p++ = '\0';
	*cursor = p;
	return start;
}

typedef void (*item_fn)(struct conf *, const char *, void *, const char *,
			const struct where *);

/* for_each_item - call fn per list item, expanding file:/path items */
static void
for_each_item(struct conf *conf, const struct key *key, const char *value,
    const struct where *w, item_fn fn)
{
	char *copy = xstrdup(value), *cursor = copy, *item;

	while ((item = next_item(&cursor)) != NULL) {
		struct strlist errs = {0};
		struct where fw;
		char *text, *at, *line;

		if (strncmp(item, "file:", 5) != 0) {
			fn(conf, key->name, (char *)conf + key->offset, item, w);
			continue;
		}
		if ((text = textfile_read(item + 5, &errs)) == NULL) {
			conf_err(w, "%s: %s", key->name, errs.v[0]);
			strlist_clear(&errs);
			continue;
		}
		fw.file = item + 5;
		fw.line = 0;
		fw.errors = w->errors;
		for (at = text; (line = textfile_line(&at)) != NULL;) {
			fw.line++;
			if (*line != '\0' && *line != '#')
				fn(conf, key->name, (char *)conf + key->offset, line,
				    &fw);
		}
		free(text);
	}
	free(copy);
}

/* set_word - one of a fixed set of words into an int field */
static void
set_word(struct conf *conf, const struct key *key, const char *value,
    const struct where *w, const char *const *words, const int *values,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcasecmp(value, words[i]) == 0) {
			*(int *)((char *)conf + key->offset) = values[i];
			return;
		}
	}
	if (n == 2)
		conf_err(w, "%s: \"%s\" is not %s or %s", key->name, value, words[0],
		    words[1]);
	else
		conf_err(w, "%s: \"%s\" is not valid", key->name, value);
}

/* set_string - a string field, replacing any earlier value */
static void
set_string(struct conf *conf, const struct key *key, const char *value)
{
	char **field = (char **)((char *)conf + key->offset);

	free(*field);
	*field = xstrdup(value);
}

/* set_user - UserID: an existing user, optionally user:group */
static void
set_user(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	char user[256];
	const char *colon = strchr(value, ':');
	size_t len = colon ? (size_t)(colon - value) : strlen(value);

	if (len == 0 || len >= sizeof(user)) {
		conf_err(w, "%s: expected USER or USER:GROUP", key->name);
		return;
	}
	memcpy(user, value, len);
	user[len] = '\0';
	if (getpwnam(user) == NULL) {
		conf_err(w, "%s: no such user \"%s\"", key->name, user);
		return;
	}
	if (colon != NULL && getgrnam(colon + 1) == NULL) {
		conf_err(w, "%s: no such group \"%s\"", key->name, colon + 1);
		return;
	}
	set_string(conf, key, value);
}

/* clear_list - forget a list's earlier (default) value */
static void
clear_list(struct conf *conf, const struct key *key)
{
	switch (key->kind) {
	case K_DOMAINS:
	case K_HOSTPORTS:
	case K_RECIPIENTS:
		strlist_clear((struct strlist *)((char *)conf + key->offset));
		break;
	case K_NETWORKS:{
			struct netset **set = (struct netset **)((char *)conf +
			    key->offset);

			netset_free(*set);
			*set = NULL;
			break;
		}
	case K_DYNAMIC_CHECKS:
		conf->dynamic_checks = 0;
		break;
	case K_PORTS:
		free(conf->submission_ports);
		conf->submission_ports = NULL;
		conf->n_submission_ports = 0;
		break;
	case K_DAEMON_ROLES:{
			size_t i;

			for (i = 0; i < conf->n_daemon_roles; i++)
				free(conf->daemon_roles[i].name);
			free(conf->daemon_roles);
			conf->daemon_roles = NULL;
			conf->n_daemon_roles = 0;
			break;
		}
	default:
		break;
	}
}

/* apply - parse one value for one key into conf */
static void
apply(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	static const char *const mode_words[] = {"enforce", "report"};
	static const char *const null_words[] = {"allow", "reject"};
	static const char *const port25_words[] = {"auth", "open"};
	static const char *const state_words[] = {"continue", "tempfail"};
	static const int zero_one[] = {0, 1};
	void *field = (char *)conf + key->offset;
	unsigned long n;
	const char *why;
	size_t i;

	switch (key->kind) {
	case K_STRING:
		if (*value == '\0') {
			conf_err(w, "%s: missing value", key->name);
			return;
		}
		set_string(conf, key, value);
		return;
	case K_STRING_EMPTY:
		set_string(conf, key, value);
		return;
	case K_SOCKET:
		if ((why = conf_valid_socket(value)) != NULL) {
			conf_err(w, "%s: \"%s\": %s", key->name, value, why);
			return;
		}
		set_string(conf, key, value);
		return;
	case K_USER:
		set_user(conf, key, value, w);
		return;
	case K_PATH:
		if (value[0] != '/') {
			conf_err(w, "%s: \"%s\" is not an absolute path", key->name,
			    value);
			return;
		}
		set_string(conf, key, value);
		return;
	case K_BOOL:
		if (conf_parse_bool(value, (int *)field) < 0)
			conf_err(w, "%s: \"%s\" is not yes or no", key->name, value);
		return;
	case K_DURATION:
		if (conf_parse_duration(value, &n) < 0) {
			conf_err(w, "%s: \"%s\" is not a duration (a number with ms, s, m, h or d)",
			    key->name, value);
			return;
		}
		if (n < (unsigned long)key->min || n > (unsigned long)key->max) {
			conf_err(w, "%s: %s is out of range (%ldms to %ldms)",
			    key->name, value, key->min, key->max);
			return;
		}
		*(unsigned long *)field = n;
		return;
	case K_INT:
		if (conf_parse_ulong(value, (unsigned long)key->min,
		    (unsigned long)key->max, &n) < 0) {
			conf_err(w, "%s: \"%s\" is not a number from %ld to %ld",
			    key->name, value, key->min, key->max);
			return;
		}
		*(int *)field = (int)n;
		return;
	case K_FACILITY:
		for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++) {
			if (strcasecmp(value, facilities[i].name) == 0) {
				*(int *)field = facilities[i].value;
				return;
			}
		}
		conf_err(w, "%s: \"%s\" is not a syslog facility (mail, daemon, local0..local7)",
		    key->name, value);
		return;
	case K_LOGLEVEL:
		if (log_level_parse(value, (enum log_level *)field) < 0)
			conf_err(w, "%s: \"%s\" is not error, warning, notice, info or debug",
			    key->name, value);
		return;
	case K_MODE:
		set_word(conf, key, value, w, mode_words, zero_one, 2);
		return;
	case K_NULL_SENDER:
		set_word(conf, key, value, w, null_words, zero_one, 2);
		return;
	case K_PORT25:
		set_word(conf, key, value, w, port25_words, zero_one, 2);
		return;
	case K_STATE_ERROR:
		set_word(conf, key, value, w, state_words, zero_one, 2);
		return;
	case K_ROLE:
		if (role_parse(value, (enum role *)field) < 0)
			conf_err(w, "%s: \"%s\" is not auto, inbound or outbound",
			    key->name, value);
		return;
	case K_DEFAULT_ROLE:
		if (role_parse(value, (enum role *)field) < 0 ||
		    *(enum role *)field == ROLE_AUTO) {
			*(enum role *)field = ROLE_INBOUND;
			conf_err(w, "%s: \"%s\" is not inbound or outbound",
			    key->name, value);
		}
		return;
	case K_DAEMON_ROLES:
		for_each_item(conf, key, value, w, conf_add_daemon_role);
		return;
	case K_PORTS:
		for_each_item(conf, key, value, w, conf_add_port);
		return;
	case K_DOMAINS:
		for_each_item(conf, key, value, w, conf_add_domain);
		return;
	case K_NETWORKS:
		for_each_item(conf, key, value, w, conf_add_network);
		return;
	case K_HOSTPORTS:
		for_each_item(conf, key, value, w, conf_add_hostport);
		return;
	case K_RATE_LIMIT:
		conf_set_rate_limit(conf, value, w);
		return;
	case K_LOGIN_QUARANTINE:
		conf_set_login_quarantine(conf, value, w);
		return;
	case K_DNSBL:
		conf_set_dnsbl(conf, value, w);
		return;
	case K_SPF_ACTION:
		conf_set_spf_action(conf, value, w);
		return;
	case K_DYNAMIC_CHECKS:
		for_each_item(conf, key, value, w, conf_add_dynamic_check);
		return;
	case K_SIZE:
		conf_set_size((unsigned long long *)field, key->name, value, w);
		return;
	case K_RECIPIENTS:
		for_each_item(conf, key, value, w, conf_add_allowed_rcpt);
		return;
	case K_SUPPORT:
		conf_set_support(conf, value, w);
		return;
	case K_ESCALATION:
		conf_set_escalation(conf, value, w);
		return;
	case K_ALERT_LIMIT:
		conf_set_alert_limit(conf, value, w);
		return;
	case K_COMMAND:
		conf_set_command((char **)field, key->name, value, w);
		return;
	case K_SECRET:
		conf_set_release_secret(conf, value, w);
		return;
	case K_UMASK:
		if (conf_parse_octal(value, (unsigned long)key->max, &n) < 0) {
			conf_err(w, "%s: \"%s\" is not an octal mask from 000 to %lo",
			    key->name, value, (unsigned long)key->max);
			return;
		}
		*(unsigned *)field = (unsigned)n;
		return;
	case K_GROUP:
		if (getgrnam(value) == NULL) {
			conf_err(w, "%s: no such group \"%s\"", key->name, value);
			return;
		}
		set_string(conf, key, value);
		return;
	case K_PASSWORD:
		conf_set_password((char **)field, key->name, value, w);
		return;
	}
}

/* is_list - keys whose lines add up */
static int
is_list(const struct key *key)
{
	switch (key->kind) {
	case K_DAEMON_ROLES:
	case K_PORTS:
	case K_DOMAINS:
	case K_NETWORKS:
	case K_HOSTPORTS:
	case K_RATE_LIMIT:
	case K_DNSBL:
	case K_SPF_ACTION:
	case K_DYNAMIC_CHECKS:
	case K_RECIPIENTS:
		return 1;
	default:
		return 0;
	}
}

/* parse_action_key - Action.<rule id> */
static void
parse_action_key(struct conf *conf, struct parse_state *ps, const char *name,
    const char *value, const struct where *w)
{
	enum rule_id id;
	enum action action;

	if (!rule_lookup(name + 7, &id)) {
		conf_err(w, "unknown rule \"%s\" in %s (see the rule table in isolation-milter(8))",
		    name + 7, name);
		return;
	}
	if (ps->seen_action[id]) {
		conf_err(w, "%s is already set at line %d", name, ps->seen_action[id]);
		return;
	}
	ps->seen_action[id] = w->line;
	if (action_parse(value, &action) < 0) {
		conf_err(w, "%s: \"%s\" is not reject, tempfail, report or off",
		    name, value);
		return;
	}
	conf->actions[id] = action;
}

/* parse_line - one non-comment line */
static void
parse_line(struct conf *conf, struct parse_state *ps, char *line,
    const struct where *w)
{
	char *name = line, *value;
	size_t i;

	value = name;
	while (*value && !isspace((unsigned char)*value))
		value++;
	if (*value)
		*value++ = '\0';
	while (isspace((unsigned char)*value))
		value++;

	if (strncasecmp(name, "Action.", 7) == 0) {
		parse_action_key(conf, ps, name, value, w);
		return;
	}
	for (i = 0; i < NKEYS; i++)
		if (strcasecmp(name, keys[i].name) == 0)
			break;
	if (i == NKEYS) {
		conf_err(w, "unknown key \"%s\"", name);
		return;
	}
	if (*value == '\0' && keys[i].kind != K_STRING_EMPTY && !is_list(&keys[i])) {
		conf_err(w, "%s: missing value", keys[i].name);
		return;
	}
	if (ps->seen_line[i] && !is_list(&keys[i])) {
		conf_err(w, "%s is already set at line %d", keys[i].name,
		    ps->seen_line[i]);
		return;
	}
	if (!ps->seen_line[i])
		clear_list(conf, &keys[i]);
	ps->seen_line[i] = w->line;
	apply(conf, &keys[i], value, w);
}

/* apply_defaults - every default through the same parsers */
static void
apply_defaults(struct conf *conf, struct strlist *errors)
{
	struct where w = {"(defaults)", 0, errors};
	size_t i;
	int r;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].def != NULL)
			apply(conf, &keys[i], keys[i].def, &w);
	for (r = 0; r < RULE_COUNT; r++)
		conf->actions[r] = rule_get((enum rule_id)r)->default_action;
	for (r = 0; r < SPF_RESULT_COUNT; r++)
		conf->spf_actions[r] = ACTION_OFF;
	conf->spf_actions[SPF_RESULT_SOFTFAIL] = ACTION_REPORT;
	conf->spf_actions[SPF_RESULT_TEMPERROR] = ACTION_TEMPFAIL;
	conf->spf_actions[SPF_RESULT_PERMERROR] = ACTION_REPORT;
}

/* check_whole - rules that span keys */
static void
check_whole(struct conf *conf, const struct parse_state *ps,
    const struct where *file)
{
	struct where w = *file;
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].name, "RedisSentinels") == 0 &&
		    ps->seen_line[i] && conf->redis_master_name == NULL) {
			w.line = ps->seen_line[i];
			conf_err(&w, "RedisSentinels needs RedisMasterName");
		}
		if (strcmp(keys[i].name, "RedisServer") == 0 &&
		    ps->seen_line[i] && conf->redis_sentinels.n > 0) {
			w.line = ps->seen_line[i];
			conf_err(&w, "RedisServer and RedisSentinels exclude each other");
		}
	}
	if (conf->subaddress_delimiter != NULL &&
	    strlen(conf->subaddress_delimiter) > 1) {
		w.line = 0;
		for (i = 0; i < NKEYS; i++)
			if (strcmp(keys[i].name, "SubaddressDelimiter") == 0)
				w.line = ps->seen_line[i];
		conf_err(&w, "SubaddressDelimiter: one character, or empty to disable");
	}
}

/* conf_parse - build a configuration from text; NULL on any error */
struct conf *
conf_parse(const char *name, const char *text, struct strlist *errors)
{
	struct conf *conf;
	struct parse_state ps;
	struct where w = {name, 0, errors};
	size_t before = errors->n;
	char *copy = xstrdup(text), *at = copy, *line;

	if ((conf = calloc(1, sizeof(*conf))) == NULL)
		fatalx("out of memory");
	memset(&ps, 0, sizeof(ps));
	conf->path = xstrdup(name);
	apply_defaults(conf, errors);
	while ((line = textfile_line(&at)) != NULL) {
		w.line++;
		if (*line != '\0' && *line != '#')
			parse_line(conf, &ps, line, &w);
	}
	free(copy);
	w.line = 0;
	check_whole(conf, &ps, &w);
	if (errors->n == before && conf->sender_login_map != NULL)
		conf->sender_map = sendermap_load(conf->sender_login_map, errors);
	if (errors->n == before)
		conf_load_incident_files(conf, errors);
	if (errors->n != before) {
		conf_free(conf);
		return NULL;
	}
	return conf;
}

/* conf_load - read and parse a file */
struct conf *
conf_load(const char *path, struct strlist *errors)
{
	struct conf *conf;
	char *text;

	if ((text = textfile_read(path, errors)) == NULL)
		return NULL;
	conf = conf_parse(path, text, errors);
	free(text);
	return conf;
}

/* conf_free - release a configuration (NULL ok) */
void
conf_free(struct conf *conf)
{
	size_t i;

	if (conf == NULL)
		return;
	free(conf->path);
	free(conf->socket);
	free(conf->socket_group);
	free(conf->pidfile);
	free(conf->userid);
	for (i = 0; i < conf->n_daemon_roles; i++)
		free(conf->daemon_roles[i].name);
	free(conf->daemon_roles);
	free(conf->submission_ports);
	strlist_clear(&conf->local_domains);
	netset_free(conf->customer_networks);
	netset_free(conf->customer_servers);
	netset_free(conf->trusted_networks);
	free(conf->sender_login_map);
	sendermap_free(conf->sender_map);
	free(conf->subaddress_delimiter);
	free(conf->rate_limits);
	for (i = 0; i < conf->n_dnsbls; i++) {
		free(conf->dnsbls[i].zone);
		free(conf->dnsbls[i].filter);
	}
	free(conf->dnsbls);
	free(conf->redis_server);
	strlist_clear(&conf->redis_sentinels);
	free(conf->redis_master_name);
	free(conf->redis_password);
	free(conf->redis_user);
	free(conf->redis_prefix);
	conf_free_incident(conf);
	free(conf);
}
