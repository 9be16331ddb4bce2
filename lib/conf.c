/*
 * NAME
 *	conf 3
 * SUMMARY
 *	the configuration file: keys, values, validation
 * SYNOPSIS
 *	#include "conf.h"
 * DESCRIPTION
 *	The key table below has one row per key: its name, its kind of
 *	value, the field it sets, its default and bounds. A kind (struct
 *	kind, conf_value.h) is one row of function pointers: how a value is
 *	parsed, or a list item; how the first line of a list forgets the
 *	default; whether lines add up. Nothing here looks a key up by its
 *	name but the reader of the file: the checks that span keys (ties)
 *	name the fields they tie.
 *
 *	Defaults go through the same parsers as the file, so a default can
 *	never be a value the file would refuse; a default of one value a
 *	line (SPFAction) holds them separated by newlines. A key set twice
 *	is refused, except the list keys (several lines add up) and the
 *	one-per-line keys RateLimit, DNSBL and SPFAction; the first line of
 *	a list key replaces its default, SPFAction's lines add to theirs.
 *
 *	Each line that sets a key is kept with its number and its value as
 *	written, for conf_dump() (conf_dump.c); the key table is the one
 *	place that knows a key's name, so the line names its row.
 * DIAGNOSTICS
 *	"file:line: message" for every problem found; parsing goes on after
 *	an error so that one run reports them all. Out of memory is such a
 *	problem ("Key: out of memory"): the configuration is refused, the
 *	process goes on.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "conf.h"
#include "conf_value.h"
#include "textfile.h"

static conf_parse_fn set_string, set_delimiter, set_path, set_bool,
	    set_duration, set_int, set_choice, set_facility, set_log_level,
	    set_role, set_default_role, set_listen;

/* The kinds of value: parse the whole value, or each item of a list. */
static const struct kind
	k_string = {set_string, NULL, NULL, 0},
	k_delimiter = {set_delimiter, NULL, NULL, KIND_EMPTY},
	k_path = {set_path, NULL, NULL, 0},
	k_bool = {set_bool, NULL, NULL, 0},
	k_duration = {set_duration, NULL, NULL, 0},
	k_int = {set_int, NULL, NULL, 0},
	k_choice = {set_choice, NULL, NULL, 0},
	k_facility = {set_facility, NULL, NULL, 0},
	k_log_level = {set_log_level, NULL, NULL, 0},
	k_role = {set_role, NULL, NULL, 0},
	k_default_role = {set_default_role, NULL, NULL, 0},
	k_listen = {set_listen, NULL, NULL, 0},
	k_socket = {conf_set_socket, NULL, NULL, 0},
	k_user = {conf_set_user, NULL, NULL, 0},
	k_group = {conf_set_group, NULL, NULL, 0},
	k_umask = {conf_set_umask, NULL, NULL, 0},
	k_size = {conf_set_size, NULL, NULL, 0},
	k_redis_server = {conf_set_redis_server, NULL, NULL, 0},
	k_password = {conf_set_password, NULL, NULL, 0},
	k_count_window = {conf_set_count_window, NULL, NULL, 0},
	k_support = {conf_set_support, NULL, NULL, 0},
	k_escalation = {conf_set_escalation, NULL, NULL, 0},
	k_command = {conf_set_command, NULL, NULL, 0},
	k_secret = {conf_set_release_secret, NULL, NULL, 0},
	k_daemon_roles = {NULL, conf_add_daemon_role, conf_clear_daemon_roles,
	    KIND_LIST},
	k_ports = {NULL, conf_add_port, conf_clear_ports, KIND_LIST},
	k_domains = {NULL, conf_add_domain, conf_clear_strings, KIND_LIST},
	k_networks = {NULL, conf_add_network, conf_clear_networks, KIND_LIST},
	k_hostports = {NULL, conf_add_hostport, conf_clear_strings, KIND_LIST},
	k_dynamic_checks = {NULL, conf_add_dynamic_check, conf_clear_bits,
	    KIND_LIST},
	k_recipients = {NULL, conf_add_allowed_rcpt, conf_clear_strings,
	    KIND_LIST},
	k_rate_limit = {conf_set_rate_limit, NULL, NULL, KIND_LIST},
	k_dnsbl = {conf_set_dnsbl, NULL, NULL, KIND_LIST},
	k_spf_action = {conf_set_spf_action, NULL, NULL, KIND_LIST};

/* k_choice: the first word sets 0, the second 1 */
static const char *const mode_words[] = {"enforce", "report"};
static const char *const null_words[] = {"allow", "reject"};
static const char *const port25_words[] = {"auth", "open"};
static const char *const state_words[] = {"continue", "tempfail"};

#define F(field) offsetof(struct conf, field)
#define DAY_MS	(86400L * 1000)

/* name, kind, field, default, min, max, second field, words */
static const struct key keys[] = {
	{"Socket", &k_socket, F(socket), CONF_DEFAULT_SOCKET, 0, 0, 0, NULL},
	{"UMask", &k_umask, F(socket_umask), "007", 0, 0777, 0, NULL},
	{"SocketGroup", &k_group, F(socket_group), NULL, 0, 0, 0, NULL},
	{"MilterTimeout", &k_duration, F(milter_timeout_ms), "7210s", 1000,
	7 * DAY_MS, 0, NULL},
	{"PidFile", &k_string, F(pidfile), NULL, 0, 0, 0, NULL},
	{"UserID", &k_user, F(userid), NULL, 0, 0, 0, NULL},
	{"CoreDumps", &k_bool, F(core_dumps), "no", 0, 0, 0, NULL},
	{"MetricsListen", &k_listen, F(metrics_listen), NULL, 0, 0, 0, NULL},
	{"NotifyMetricsListen", &k_listen, F(notify_metrics_listen), NULL, 0, 0,
	0, NULL},
	{"Syslog", &k_bool, F(syslog), "yes", 0, 0, 0, NULL},
	{"SyslogFacility", &k_facility, F(syslog_facility), "mail", 0, 0, 0,
	NULL},
	{"LogLevel", &k_log_level, F(log_level), "info", 0, 0, 0, NULL},
	{"Mode", &k_choice, F(mode_report), "enforce", 0, 0, 0, mode_words},
	{"Role", &k_role, F(role), "auto", 0, 0, 0, NULL},
	{"DefaultRole", &k_default_role, F(default_role), "inbound", 0, 0, 0,
	NULL},
	{"DaemonRoles", &k_daemon_roles, F(daemon_roles),
	"ORIGINATING=outbound MSA=outbound INBOUND=inbound MTA=inbound", 0, 0,
	0, NULL},
	{"SubmissionPorts", &k_ports, F(submission_ports), "587 465", 0, 0, 0,
	NULL},
	{"LocalDomains", &k_domains, F(local_domains), "", 0, 0, 0, NULL},
	{"CustomerNetworks", &k_networks, F(customer_networks), "", 0, 0, 0,
	NULL},
	{"CustomerServers", &k_networks, F(customer_servers), "", 0, 0, 0,
	NULL},
	{"TrustedNetworks", &k_networks, F(trusted_networks),
	"127.0.0.0/8 ::1/128", 0, 0, 0, NULL},
	{"IPv6Prefix", &k_int, F(ipv6_prefix), "64", 32, 128, 0, NULL},
	{"SenderLoginMap", &k_path, F(sender_login_map), NULL, 0, 0, 0, NULL},
	{"LoginIsAddress", &k_bool, F(login_is_address), "yes", 0, 0, 0, NULL},
	{"SubaddressDelimiter", &k_delimiter, F(subaddress_delimiter), "+", 0,
	0, 0, NULL},
	{"NullSender", &k_choice, F(null_sender_reject), "allow", 0, 0, 0,
	null_words},
	{"CustomerPort25", &k_choice, F(customer_port25_open), "auth", 0, 0, 0,
	port25_words},
	{"RateLimit", &k_rate_limit, F(rate_limits), NULL, 0, 0, 0, NULL},
	{"LoginQuarantine", &k_count_window, F(login_strikes), "10/1h", 0, 0,
	F(login_strikes_window_ms), NULL},
	{"QuarantineTTL", &k_duration, F(quarantine_ttl_ms), "24h", 1000,
	365 * DAY_MS, 0, NULL},
	{"OnStateError", &k_choice, F(on_state_error_tempfail), "continue", 0,
	0, 0, state_words},
	{"RedisServer", &k_redis_server, F(redis_server), NULL, 0, 0, 0, NULL},
	{"RedisSentinels", &k_hostports, F(redis_sentinels), NULL, 0, 0, 0,
	NULL},
	{"RedisMasterName", &k_string, F(redis_master_name), NULL, 0, 0, 0,
	NULL},
	{"RedisPassword", &k_password, F(redis_password), NULL, 0, 0, 0, NULL},
	{"RedisUser", &k_string, F(redis_user), NULL, 0, 0, 0, NULL},
	{"RedisDatabase", &k_int, F(redis_database), "0", 0, 15, 0, NULL},
	{"RedisPrefix", &k_string, F(redis_prefix), "iso:", 0, 0, 0, NULL},
	{"RedisTimeout", &k_duration, F(redis_timeout_ms), "250ms", 1, 60000,
	0, NULL},
	{"RedisConnections", &k_int, F(redis_connections), "16", 1, 1024, 0,
	NULL},
	{"DNSBL", &k_dnsbl, F(dnsbls), NULL, 0, 0, 0, NULL},
	{"SPF", &k_bool, F(spf), "yes", 0, 0, 0, NULL},
	{"SPFAction", &k_spf_action, F(spf_actions),
	"softfail report\ntemperror tempfail\npermerror report", 0, 0, 0, NULL},
	{"DynamicIPChecks", &k_dynamic_checks, F(dynamic_checks),
	"dnsbl generic no_ptr", 0, 0, 0, NULL},
	{"DNSTimeout", &k_duration, F(dns_timeout_ms), "5s", 1000, 20000, 0,
	NULL},
	{"StateFile", &k_path, F(state_file), CONF_DEFAULT_STATE_FILE, 0, 0, 0,
	NULL},
	{"StateFileSize", &k_size, F(state_file_size), "1G", 0, 0, 0, NULL},
	{"EventLogSize", &k_int, F(event_log_size), "100000", 100, 10000000, 0,
	NULL},
	{"AlwaysAllowRecipients", &k_recipients, F(always_allow),
	"postmaster@ abuse@", 0, 0, 0, NULL},
	{"SupportContact", &k_support, F(support_contact), NULL, 0, 0, 0, NULL},
	{"QuarantineEscalation", &k_escalation, F(esc_factor), "off", 0, 0, 0,
	NULL},
	{"LastLoginTTL", &k_duration, F(last_login_ttl_ms), "30d", 60000,
	365 * DAY_MS, 0, NULL},
	{"AlertTemplate", &k_path, F(alert_template_path), NULL, 0, 0, 0, NULL},
	{"AlertSendmail", &k_command, F(alert_sendmail),
	"/usr/sbin/sendmail -t -i", 0, 0, 0, NULL},
	{"AlertContacts", &k_path, F(alert_contacts_path), NULL, 0, 0, 0, NULL},
	{"AlertLimit", &k_count_window, F(alert_limit), "5/1d", 0, 0,
	F(alert_limit_window_ms), NULL},
	{"EventCommand", &k_command, F(event_command), NULL, 0, 0, 0, NULL},
	{"EventCommandTimeout", &k_duration, F(event_command_timeout_ms), "30s",
	1000, 600000, 0, NULL},
	{"ReleaseSecret", &k_secret, F(release_secret), NULL, 0, 0, 0, NULL},
	{"SelfReleaseInterval", &k_duration, F(self_release_interval_ms), "7d",
	0, 365 * DAY_MS, 0, NULL},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* Keys given in the file that need another, or exclude another. */
static const struct {
	size_t	key;
	size_t	other;
	int	excludes;		/* 0: key needs other */
} ties[] = {
	{F(redis_sentinels), F(redis_master_name), 0},
	{F(redis_server), F(redis_sentinels), 1},
	{F(redis_user), F(redis_password), 0},
};

static const struct {
	const char *name;
	int	value;
} facilities[] = {
	{"mail", LOG_MAIL}, {"daemon", LOG_DAEMON}, {"user", LOG_USER},
	{"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
	{"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
	{"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
};

/* conf_key_table - the key table, for conf_dump.c */
const struct key *
conf_key_table(size_t *n_r)
{
	*n_r = NKEYS;
	return keys;
}

/* Per-parse bookkeeping: which keys were seen, and where. */
struct parse_state {
	int	seen_line[NKEYS];
	int	seen_action[RULE_COUNT];
};

/* set_string - a string, replacing any earlier value */
static void
set_string(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	conf_set_text(CONF_FIELD(conf, key, char *), value, w, key);
}

/* set_delimiter - one character, or empty to disable */
static void
set_delimiter(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	if (strlen(value) > 1) {
		conf_err(w, "%s: one character, or empty to disable", key->name);
		return;
	}
	set_string(conf, key, value, w);
}

/* set_path - an absolute path, short enough for a "-lock" beside it */
static void
set_path(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	if (value[0] != '/') {
		conf_err(w, "%s: \"%s\" is not an absolute path", key->name,
		    value);
		return;
	}
	if (strlen(value) + sizeof("-lock") > PATH_MAX) {
		conf_err(w, "%s: the path is longer than %zu octets", key->name,
		    PATH_MAX - sizeof("-lock"));
		return;
	}
	set_string(conf, key, value, w);
}

/* set_bool - yes or no into an int */
static void
set_bool(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	if (conf_parse_bool(value, CONF_FIELD(conf, key, int)) < 0)
		conf_err(w, "%s: \"%s\" is not yes or no", key->name, value);
}

/* set_duration - milliseconds within the key's bounds */
static void
set_duration(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	unsigned long n;

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
	*CONF_FIELD(conf, key, unsigned long) = n;
}

/* set_int - a number within the key's bounds into an int */
static void
set_int(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	unsigned long n;

	if (conf_parse_ulong(value, (unsigned long)key->min,
	    (unsigned long)key->max, &n) < 0) {
		conf_err(w, "%s: \"%s\" is not a number from %ld to %ld",
		    key->name, value, key->min, key->max);
		return;
	}
	*CONF_FIELD(conf, key, int) = (int)n;
}

/* set_choice - one of the key's two words into an int: 0 or 1 */
static void
set_choice(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (strcasecmp(value, key->words[i]) == 0) {
			*CONF_FIELD(conf, key, int) = i;
			return;
		}
	}
	conf_err(w, "%s: \"%s\" is not %s or %s", key->name, value,
	    key->words[0], key->words[1]);
}

/* set_facility - a syslog facility */
static void
set_facility(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	size_t i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++) {
		if (strcasecmp(value, facilities[i].name) == 0) {
			*CONF_FIELD(conf, key, int) = facilities[i].value;
			return;
		}
	}
	conf_err(w, "%s: \"%s\" is not a syslog facility (mail, daemon, local0..local7)",
	    key->name, value);
}

/* set_log_level - error ... debug */
static void
set_log_level(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	if (log_level_parse(value, CONF_FIELD(conf, key, enum log_level)) < 0)
		conf_err(w, "%s: \"%s\" is not error, warning, notice, info or debug",
		    key->name, value);
}

/* set_role - auto, inbound or outbound */
static void
set_role(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	if (role_parse(value, CONF_FIELD(conf, key, enum role)) < 0)
		conf_err(w, "%s: \"%s\" is not auto, inbound or outbound",
		    key->name, value);
}

/* set_default_role - inbound or outbound */
static void
set_default_role(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	enum role role;

	if (role_parse(value, &role) < 0 || role == ROLE_AUTO) {
		conf_err(w, "%s: \"%s\" is not inbound or outbound", key->name,
		    value);
		return;
	}
	*CONF_FIELD(conf, key, enum role) = role;
}

/* set_listen - IP:PORT or [IPv6]:PORT, an address to bind: no name */
static void
set_listen(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	char host[CONF_HOST_MAX];
	unsigned char addr[sizeof(struct in6_addr)];
	unsigned port;

	if (conf_parse_hostport(value, host, sizeof(host), &port) < 0 ||
	    (inet_pton(AF_INET, host, addr) != 1 &&
	    inet_pton(AF_INET6, host, addr) != 1)) {
		conf_err(w, "%s: \"%s\" is not IP:PORT or [IPv6]:PORT (port "
		    "1-65535), e.g. 127.0.0.1:9795", key->name, value);
		return;
	}
	set_string(conf, key, value, w);
}

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

/* file_items - the items of a file:/path list item, one per line */
static void
file_items(struct conf *conf, const struct key *key, const char *path,
    const struct where *w)
{
	struct strlist errs = {0};
	struct where fw = {path, 0, w->errors, w->bad};
	char *text, *at, *line;

	if ((text = textfile_read(path, &errs)) == NULL) {
		conf_err(w, "%s: %s", key->name, errs.n ? errs.v[0] :
		    "out of memory");
		strlist_clear(&errs);
		return;
	}
	for (at = text; (line = textfile_line(&at)) != NULL;) {
		fw.line++;
		if (*line != '\0' && *line != '#')
			key->kind->item(conf, key, line, &fw);
	}
	free(text);
}

/* for_each_item - the kind's item parser per list item */
static void
for_each_item(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	char *copy, *cursor, *item;

	if ((copy = conf_strndup(value, strlen(value))) == NULL) {
		conf_oom(w, key);
		return;
	}
	for (cursor = copy; (item = next_item(&cursor)) != NULL;) {
		if (strncmp(item, "file:", 5) == 0)
			file_items(conf, key, item + 5, w);
		else
			key->kind->item(conf, key, item, w);
	}
	free(copy);
}

/* apply - parse one value for one key into conf */
static void
apply(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	if (key->kind->item != NULL)
		for_each_item(conf, key, value, w);
	else
		key->kind->parse(conf, key, value, w);
}

/* remember - keep the line that set a key (NULL: Action.<rule>) */
static void
remember(struct conf *conf, const char *key, enum rule_id rule,
    const char *value, const struct where *w)
{
	struct conf_line *v;
	char *copy;

	if ((copy = conf_strndup(value, strlen(value))) == NULL ||
	    (v = conf_realloc(conf->lines,
	    (conf->n_lines + 1) * sizeof(*v))) == NULL) {
		free(copy);
		conf_err(w, "%s%s: out of memory", key ? key : "Action.",
		    key ? "" : rule_name(rule));
		return;
	}
	v[conf->n_lines].key = key;
	v[conf->n_lines].rule = rule;
	v[conf->n_lines].line = w->line;
	v[conf->n_lines++].value = copy;
	conf->lines = v;
}

/* strip_comment - cut off a comment (white space, then #), make "\#"
 * after white space a #, and trim the end */
static void
strip_comment(char *line)
{
	char *r, *w;

	for (r = w = line; *r != '\0';) {
		if ((*r == ' ' || *r == '\t') && r[1] == '#')
			break;
		if ((*r == ' ' || *r == '\t') && r[1] == '\\' && r[2] == '#') {
			*w++ = *r;
			*w++ = '#';
			r += 3;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
	while (w > line && isspace((unsigned char)w[-1]))
		*--w = '\0';
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
	remember(conf, NULL, id, value, w);
}

/* parse_line - one non-comment line */
static void
parse_line(struct conf *conf, struct parse_state *ps, char *line,
    const struct where *w)
{
	char *name = line, *value;
	const struct key *key;
	size_t i;

	strip_comment(line);
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
	key = &keys[i];
	if (*value == '\0' &&
	    (key->kind->flags & (KIND_LIST | KIND_EMPTY)) == 0) {
		conf_err(w, "%s: missing value", key->name);
		return;
	}
	if (ps->seen_line[i] && (key->kind->flags & KIND_LIST) == 0) {
		conf_err(w, "%s is already set at line %d", key->name,
		    ps->seen_line[i]);
		return;
	}
	if (!ps->seen_line[i] && key->kind->clear != NULL)
		key->kind->clear(conf, key);
	ps->seen_line[i] = w->line;
	remember(conf, key->name, RULE_NONE, value, w);
	apply(conf, key, value, w);
}

/* apply_default - a key's default, each of its lines */
static void
apply_default(struct conf *conf, const struct key *key, const struct where *w)
{
	const char *p, *nl;
	char value[256];

	for (p = key->def; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		snprintf(value, sizeof(value), "%.*s", (int)(nl - p), p);
		apply(conf, key, value, w);
	}
	apply(conf, key, p, w);
}

/* apply_defaults - every default through the same parsers */
static void
apply_defaults(struct conf *conf, struct strlist *errors, int *bad)
{
	struct where w = {"(defaults)", 0, errors, bad};
	size_t i;
	int r;

	/* what SPFAction's default lines do not name */
	for (r = 0; r < SPF_RESULT_COUNT; r++)
		conf->spf_actions[r] = ACTION_OFF;
	for (i = 0; i < NKEYS; i++)
		if (keys[i].def != NULL)
			apply_default(conf, &keys[i], &w);
	for (r = 0; r < RULE_COUNT; r++)
		conf->actions[r] = rule_get((enum rule_id)r)->default_action;
}

/* key_at - the row of the key that sets the field at offset; NULL: none */
static const struct key *
key_at(size_t offset)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].offset == offset)
			return &keys[i];
	return NULL;
}

/* check_ties - keys that need, or exclude, another key of the file */
static void
check_ties(const struct parse_state *ps, const struct where *file)
{
	const struct key *key, *other;
	struct where w = *file;
	size_t i;
	int seen;

	for (i = 0; i < sizeof(ties) / sizeof(ties[0]); i++) {
		if ((key = key_at(ties[i].key)) == NULL ||
		    (other = key_at(ties[i].other)) == NULL ||
		    (w.line = ps->seen_line[key - keys]) == 0)
			continue;
		seen = ps->seen_line[other - keys] != 0;
		if (ties[i].excludes && seen)
			conf_err(&w, "%s and %s exclude each other", key->name,
			    other->name);
		else if (!ties[i].excludes && !seen)
			conf_err(&w, "%s needs %s", key->name, other->name);
	}
}

/* conf_new - an empty configuration; NULL after an error */
static struct conf *
conf_new(const char *name, const struct where *w)
{
	struct conf *conf;

	if ((conf = conf_realloc(NULL, sizeof(*conf))) == NULL) {
		conf_err(w, "out of memory");
		return NULL;
	}
	memset(conf, 0, sizeof(*conf));
	if ((conf->path = conf_strndup(name, strlen(name))) == NULL) {
		conf_err(w, "out of memory");
		free(conf);
		return NULL;
	}
	return conf;
}

/* conf_parse - build a configuration from text; NULL on any error */
struct conf *
conf_parse(const char *name, const char *text, struct strlist *errors)
{
	struct conf *conf;
	struct parse_state ps;
	int bad = 0;
	struct where w = {name, 0, errors, &bad};
	size_t before = errors->n;
	char *copy, *at, *line;

	if ((conf = conf_new(name, &w)) == NULL)
		return NULL;
	if ((copy = conf_strndup(text, strlen(text))) == NULL) {
		conf_err(&w, "out of memory");
		conf_free(conf);
		return NULL;
	}
	memset(&ps, 0, sizeof(ps));
	apply_defaults(conf, errors, &bad);
	for (at = copy; (line = textfile_line(&at)) != NULL;) {
		w.line++;
		if (*line != '\0' && *line != '#')
			parse_line(conf, &ps, line, &w);
	}
	free(copy);
	w.line = 0;
	check_ties(&ps, &w);
	/* each loader reports what is wrong; NULL is refusal enough when
	 * memory ran out even for the message */
	if (conf->sender_login_map != NULL && (conf->sender_map =
	    sendermap_load(conf->sender_login_map, errors)) == NULL)
		bad = 1;
	if (conf_load_incident_files(conf, errors) < 0)
		bad = 1;
	if (bad || errors->n != before) {
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
	for (i = 0; i < conf->n_lines; i++)
		free(conf->lines[i].value);
	free(conf->lines);
	free(conf->socket);
	free(conf->socket_group);
	free(conf->pidfile);
	free(conf->userid);
	free(conf->metrics_listen);
	free(conf->notify_metrics_listen);
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
