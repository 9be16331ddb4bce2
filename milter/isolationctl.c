/*
 * NAME
 *	isolationctl 8
 * SUMMARY
 *	the operator's tool: quarantines in the shared store, the event
 *	log, the alerting consumer, and explain
 * SYNOPSIS
 *	isolationctl [-c file] command [argument...]
 *	isolationctl -h | -V
 * DESCRIPTION
 *	Reads the daemon's configuration (the same file, the same parser)
 *	and works on the daemon's state store through lib/store.h, so that
 *	what it lists, sets and lifts is what every node enforces. Commands:
 *	list, show, quarantine, release (also a customer's self-service
 *	release with --code), stats (the store), events (the event log,
 *	ctl_events.c), notify (the alerting consumer, ctl_notify.c) and
 *	explain (offline, ctl_explain.c). See man/isolationctl.8.
 *
 *	The store is the daemon's own (conf_store_open): the StateFile on
 *	one server, opened beside the running daemon (LMDB lets several
 *	processes share it), or the cluster's Redis, as a client with one
 *	connection and a longer command timeout than the sessions'.
 *
 *	release ip|login KEY --code CODE is what an ISP's web portal runs
 *	for a customer: the code must be the one the alert mail gave for
 *	the live incident (relcode_check: the incident number is part of
 *	the code, so it never works for another incident, nor twice), and
 *	a key releases itself at most once per SelfReleaseInterval (the
 *	note "selfrelease:KIND:KEY", claimed atomically). Each outcome is
 *	also logged to syslog (SyslogFacility, notice), unless Syslog no:
 *	"self-release kind=ip key=192.0.2.7 incident=7 released" or
 *	"... refused reason=\"wrong release code\"".
 * DIAGNOSTICS
 *	Exit 0: done (quarantined, released, accepted, events printed,
 *	notify stopped); 1: the answer is no (not quarantined, nothing to
 *	release, a self-release refused, explain refused); 2: usage,
 *	configuration (file:line: message), or store error.
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "ctl.h"
#include "declog.h"
#include "log.h"
#include "netset.h"
#include "relcode.h"
#include "store.h"

#define USAGE_PREFIX	"usage: isolationctl [-c file] "

/* A store command's target: kind and key (an IP in canonical text). */
struct target {
	enum store_kind kind;
	const char *key;
	char	ip[IP_KEY_MAX];
};

struct command {
	const char *name;
	int	(*run)(const struct ctl *, int, char **); /* -1: usage */
	int	store;			/* needs the shared store */
	const char *args;		/* for the usage text */
};

/* ctl_error - "isolationctl: message" on stderr */
void
ctl_error(const char *fmt, ...)
{
	va_list ap;

	fputs("isolationctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ctl_escape - s as the log shows client text: unsafe octets as \xHH */
void
ctl_escape(FILE *fp, const char *s, int keep_space)
{
	size_t len = strlen(s) * 4 + 1;
	char *buf;

	if (*s == '\0')
		return;
	if ((buf = malloc(len)) == NULL) {
		fputs("(out of memory)", fp);
		return;
	}
	fputs(declog_escape(s, keep_space, buf, len), fp);
	free(buf);
}

static volatile sig_atomic_t stop_requested;

/* on_stop - SIGINT, SIGTERM: finish what is in hand, then stop */
static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* ctl_catch_stop - SIGINT and SIGTERM set the stop flag */
void
ctl_catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a wait in progress ends early */
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* ctl_stopping - has a stop signal arrived? */
int
ctl_stopping(void)
{
	return stop_requested;
}

/* ctl_pause_ms - sleep ms milliseconds, or until a stop signal */
void
ctl_pause_ms(unsigned long ms)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	if (!stop_requested)
		nanosleep(&ts, NULL);
}

/* kind_name - the word for a store kind */
static const char *
kind_name(enum store_kind kind)
{
	return kind == STORE_LOGIN ? "login" : "ip";
}

/* parse_kind - "ip" or "login"; 0 ok, -1 with a message */
static int
parse_kind(const char *text, enum store_kind *kind_r)
{
	if (strcmp(text, "ip") == 0)
		*kind_r = STORE_IP;
	else if (strcmp(text, "login") == 0)
		*kind_r = STORE_LOGIN;
	else {
		ctl_error("\"%s\" is neither ip nor login", text);
		return -1;
	}
	return 0;
}

/* parse_target - "ip|login KEY"; an IP as the daemon keys it (IPv6: a prefix) */
static int
parse_target(const struct ctl *ctl, const char *kind, const char *key,
    struct target *t)
{
	char why[128];

	if (parse_kind(kind, &t->kind) < 0)
		return -1;
	t->key = key;
	if (*key == '\0') {
		ctl_error("empty %s", kind);
		return -1;
	}
	if (t->kind == STORE_LOGIN)
		return 0;
	/* ip_store_key()'s spelling: "::ffff:1.2.3.4" is 1.2.3.4, and an
	 * IPv6 address or prefix is the IPv6Prefix network holding it */
	if (ip_key_parse(key, ctl->conf->ipv6_prefix, t->ip, sizeof(t->ip),
	    why, sizeof(why)) < 0) {
		fprintf(stderr, "isolationctl: %s: ", why);
		ctl_escape(stderr, key, 0);
		fputc('\n', stderr);
		return -1;
	}
	t->key = t->ip;
	return 0;
}

/* ctl_iso_time - a time as ISO 8601 UTC, "2026-11-20T10:00:00Z" */
const char *
ctl_iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

/* print_line - one record on one line, as list shows it */
static void
print_line(enum store_kind kind, const char *key, const struct quarantine *q,
    time_t now)
{
	char when[32];

	printf("%s ", kind_name(kind));
	ctl_escape(stdout, key, 0);
	printf(" rule=%s hits=%lu expires_in=%llds first_seen=%s node=",
	    rule_name(q->rule), q->hits, (long long)(q->expires - now),
	    ctl_iso_time(q->first_seen, when, sizeof(when)));
	ctl_escape(stdout, q->node[0] ? q->node : "-", 0);
	fputs(" reason=\"", stdout);
	ctl_escape(stdout, q->reason, 1);
	fputs("\"\n", stdout);
}

/* print_field - "name: value", the value escaped */
static void
print_field(const char *name, const char *value)
{
	printf("%-11s ", name);
	ctl_escape(stdout, value[0] ? value : "-", 1);
	fputc('\n', stdout);
}

/* print_record - one field a line, as show and quarantine print it */
static void
print_record(const struct target *t, const struct quarantine *q, time_t now)
{
	char buf[64];

	print_field("kind:", kind_name(t->kind));
	print_field("key:", t->key);
	print_field("rule:", rule_name(q->rule));
	print_field("reason:", q->reason);
	print_field("evidence:", q->evidence);
	print_field("node:", q->node);
	snprintf(buf, sizeof(buf), "%lu", q->hits);
	print_field("hits:", buf);
	print_field("first_seen:",
	    ctl_iso_time(q->first_seen, buf, sizeof(buf)));
	print_field("last_seen:",
	    ctl_iso_time(q->last_seen, buf, sizeof(buf)));
	print_field("expires:",
	    ctl_iso_time(q->expires, buf, sizeof(buf)));
	snprintf(buf, sizeof(buf), "%llds", (long long)(q->expires - now));
	print_field("expires_in:", buf);
}

/* store_failed - report why a store call failed; the exit status */
static int
store_failed(const struct ctl *ctl, const char *what,
    const struct store_err *err)
{
	ctl_error("%s: %s store: %s", what, store_name(ctl->store), err->text);
	return CTL_ERROR;
}

/* list_one - store_list_fn of list: one line; stops when stdout fails */
static int
list_one(void *arg, enum store_kind kind, const char *key,
    const struct quarantine *q)
{
	const struct ctl *ctl = arg;

	print_line(kind, key, q, ctl->now);
	return ferror(stdout);
}

/* cmd_list - list [ip|login]: every live quarantine */
static int
cmd_list(const struct ctl *ctl, int argc, char **argv)
{
	enum store_kind kind = STORE_IP;
	struct store_err err;
	int i;

	if (argc > 1)
		return -1;
	if (argc == 1 && parse_kind(argv[0], &kind) < 0)
		return CTL_ERROR;
	for (i = STORE_IP; i <= STORE_LOGIN; i++) {
		if (argc == 1 && (enum store_kind)i != kind)
			continue;
		if (store_quarantine_list(ctl->store, (enum store_kind)i,
		    ctl->now, list_one, (void *)ctl, &err) < 0)
			return store_failed(ctl, "list", &err);
	}
	return CTL_OK;
}

/* cmd_show - show ip|login KEY: the record, 0 if quarantined, else 1 */
static int
cmd_show(const struct ctl *ctl, int argc, char **argv)
{
	struct quarantine q;
	struct store_err err;
	struct target t;
	int rc;

	if (argc != 2)
		return -1;
	if (parse_target(ctl, argv[0], argv[1], &t) < 0)
		return CTL_ERROR;
	rc = store_quarantine_get(ctl->store, t.kind, t.key, ctl->now, &q,
	    &err);
	if (rc < 0)
		return store_failed(ctl, "show", &err);
	if (rc == 0) {
		printf("%s ", kind_name(t.kind));
		ctl_escape(stdout, t.key, 0);
		printf(" is not quarantined\n");
		return CTL_NO;
	}
	print_record(&t, &q, ctl->now);
	return CTL_OK;
}

/* operator_record - the record an operator's quarantine puts */
static int
operator_record(const struct ctl *ctl, const char *duration,
    const char *reason, struct quarantine *q)
{
	unsigned long ttl_ms = ctl->conf->quarantine_ttl_ms;
	struct passwd *pw = getpwuid(getuid());

	if (duration != NULL && (conf_parse_duration(duration, &ttl_ms) < 0 ||
	    ttl_ms < 1000 || ttl_ms > 365UL * 86400 * 1000)) {
		ctl_error("-t %s: not a duration from 1s to 365d (e.g. 2h)",
		    duration);
		return -1;
	}
	if (strlen(reason) >= sizeof(q->reason)) {
		ctl_error("-r: the reason is longer than %zu octets",
		    sizeof(q->reason) - 1);
		return -1;
	}
	memset(q, 0, sizeof(*q));
	/* no rule raised it: RULE_NONE, stored as "-"; the evidence says who */
	q->rule = RULE_NONE;
	snprintf(q->reason, sizeof(q->reason), "%s", reason);
	snprintf(q->evidence, sizeof(q->evidence), "isolationctl user=%s",
	    pw != NULL ? pw->pw_name : "?");
	if (gethostname(q->node, sizeof(q->node)) < 0)
		snprintf(q->node, sizeof(q->node), "unknown");
	q->node[sizeof(q->node) - 1] = '\0';
	/* whole seconds, rounded up: records keep seconds */
	q->expires = ctl->now + (time_t)((ttl_ms + 999) / 1000);
	return 0;
}

/* cmd_quarantine - quarantine ip|login KEY [-t DURATION] [-r REASON] */
static int
cmd_quarantine(const struct ctl *ctl, int argc, char **argv)
{
	const char *pos[2], *duration = NULL;
	const char *reason = "quarantined by the operator";
	struct quarantine q, merged;
	struct store_err err;
	struct target t;
	int i, n = 0, opts = 1;

	for (i = 0; i < argc; i++) {
		if (opts && strcmp(argv[i], "--") == 0)
			opts = 0;
		else if (opts && strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			duration = argv[++i];
		else if (opts && strcmp(argv[i], "-r") == 0 && i + 1 < argc)
			reason = argv[++i];
		else if ((opts && argv[i][0] == '-') || n == 2)
			return -1;
		else
			pos[n++] = argv[i];
	}
	if (n != 2)
		return -1;
	if (parse_target(ctl, pos[0], pos[1], &t) < 0 ||
	    operator_record(ctl, duration, reason, &q) < 0)
		return CTL_ERROR;
	if (store_quarantine_put(ctl->store, t.kind, t.key, &q, NULL,
	    ctl->now, &merged, &err) < 0)
		return store_failed(ctl, "quarantine", &err);
	print_record(&t, &merged, ctl->now);
	return CTL_OK;
}

/* notice - a self-release outcome for syslog too: the portal's audit trail */
static void __attribute__((format(printf, 2, 3)))
notice(const struct conf *conf, const char *fmt, ...)
{
	va_list ap;

	if (!conf->syslog)
		return;
	openlog("isolationctl", LOG_PID, conf->syslog_facility);
	va_start(ap, fmt);
	vsyslog(LOG_NOTICE, fmt, ap);
	va_end(ap);
	closelog();
}

/* span - a SelfReleaseInterval in words: "7 days", "12 hours" */
static const char *
span(unsigned long ms, char *buf, size_t len)
{
	static const struct {
		unsigned long ms;
		const char *unit;
	} units[] = {
		{86400000UL, "day"}, {3600000UL, "hour"}, {60000UL, "minute"},
		{1000UL, "second"},
	};
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if ((n = (ms + units[i].ms - 1) / units[i].ms) >= 1 &&
		    ms >= units[i].ms)
			break;
	if (i == sizeof(units) / sizeof(units[0]))
		i--;
	snprintf(buf, len, "%lu %s%s", n, units[i].unit, n == 1 ? "" : "s");
	return buf;
}

/* self_release - release --code: the customer's own, once per interval */
static int
self_release(const struct ctl *ctl, const struct target *t, const char *code)
{
	const struct conf *conf = ctl->conf;
	const char *kind = kind_name(t->kind);
	char key[STORE_KEY_MAX * 4 + 1], note[STORE_NOTE_MAX], num[24];
	char when[64];
	struct quarantine q;
	struct store_err err;
	int rc;

	if (conf->release_secret == NULL) {
		ctl_error("self-service release is off (ReleaseSecret)");
		return CTL_NO;
	}
	declog_escape(t->key, 0, key, sizeof(key));
	if ((rc = store_quarantine_get(ctl->store, t->kind, t->key, ctl->now,
	    &q, &err)) < 0)
		return store_failed(ctl, "release", &err);
	if (rc == 0) {
		printf("%s %s is not quarantined\n", kind, key);
		return CTL_NO;
	}
	if (!relcode_check(conf->release_secret, conf->release_secret_len,
	    t->kind, t->key, q.incident, code)) {
		ctl_error("%s %s: wrong release code", kind, key);
		notice(conf, "self-release kind=%s key=%s incident=%lu refused "
		    "reason=\"wrong release code\"", kind, key, q.incident);
		return CTL_NO;
	}
	if (conf->self_release_interval_ms > 0) {
		snprintf(note, sizeof(note), "selfrelease:%s:%s", kind, t->key);
		snprintf(num, sizeof(num), "%lu", q.incident);
		if ((rc = store_note_put(ctl->store, note, num, ctl->now +
		    (time_t)((conf->self_release_interval_ms + 999) / 1000), 1,
		    ctl->now, &err)) < 0)
			return store_failed(ctl, "release", &err);
		if (rc == 0) {
			span(conf->self_release_interval_ms, when,
			    sizeof(when));
			ctl_error("%s %s released itself within the last %s; "
			    "ask the help desk%s%s", kind, key, when,
			    conf->support_contact ? ": " : "",
			    conf->support_contact ? conf->support_contact : "");
			notice(conf, "self-release kind=%s key=%s incident=%lu "
			    "refused reason=\"released itself within the last "
			    "%s\"", kind, key, q.incident, when);
			return CTL_NO;
		}
	}
	if ((rc = store_quarantine_release(ctl->store, t->kind, t->key,
	    ctl->now, &err)) < 0)
		return store_failed(ctl, "release", &err);
	if (rc == 0) {
		printf("%s %s is not quarantined\n", kind, key);
		return CTL_NO;
	}
	printf("%s %s released\n", kind, key);
	notice(conf, "self-release kind=%s key=%s incident=%lu released", kind,
	    key, q.incident);
	return CTL_OK;
}

/* cmd_release - release ip|login KEY [--code CODE]: 0 released, 1 not */
static int
cmd_release(const struct ctl *ctl, int argc, char **argv)
{
	const char *pos[2], *code = NULL;
	struct store_err err;
	struct target t;
	int i, n = 0, opts = 1, rc;

	for (i = 0; i < argc; i++) {
		if (opts && strcmp(argv[i], "--") == 0)
			opts = 0;
		else if (opts && strcmp(argv[i], "--code") == 0 && i + 1 < argc)
			code = argv[++i];
		else if ((opts && argv[i][0] == '-') || n == 2)
			return -1;
		else
			pos[n++] = argv[i];
	}
	if (n != 2)
		return -1;
	if (parse_target(ctl, pos[0], pos[1], &t) < 0)
		return CTL_ERROR;
	if (code != NULL)
		return self_release(ctl, &t, code);
	if ((rc = store_quarantine_release(ctl->store, t.kind, t.key,
	    ctl->now, &err)) < 0)
		return store_failed(ctl, "release", &err);
	printf("%s ", kind_name(t.kind));
	ctl_escape(stdout, t.key, 0);
	fputs(rc == 1 ? " released\n" : " was not quarantined\n", stdout);
	return rc == 1 ? CTL_OK : CTL_NO;
}

/* count_one - store_list_fn of stats: count only */
static int
count_one(void *arg, enum store_kind kind, const char *key,
    const struct quarantine *q)
{
	(void)arg;
	(void)kind;
	(void)key;
	(void)q;
	return 0;
}

/* cmd_stats - live quarantines per kind, and the server's figures */
static int
cmd_stats(const struct ctl *ctl, int argc, char **argv)
{
	struct store_server_info info;
	struct store_err err;
	char name[32];
	int i, n, rc;

	(void)argv;
	if (argc != 0)
		return -1;
	printf("%-18s %s\n", "store:", store_name(ctl->store));
	for (i = STORE_IP; i <= STORE_LOGIN; i++) {
		if ((n = store_quarantine_list(ctl->store, (enum store_kind)i,
		    ctl->now, count_one, NULL, &err)) < 0)
			return store_failed(ctl, "stats", &err);
		snprintf(name, sizeof(name), "quarantined_%s:",
		    kind_name((enum store_kind)i));
		printf("%-18s %d\n", name, n);
	}
	if ((rc = store_server_info(ctl->store, &info, &err)) < 0)
		return store_failed(ctl, "stats", &err);
	if (rc == 1)
		printf("%-18s %s\n%-18s %llu\n%-18s %lu\n", "redis_version:",
		    info.version, "used_memory:", info.used_memory,
		    "connected_clients:", info.connected_clients);
	return CTL_OK;
}

static const struct command commands[] = {
	{"list", cmd_list, 1, "list [ip|login]"},
	{"show", cmd_show, 1, "show ip|login KEY"},
	{"quarantine", cmd_quarantine, 1,
	    "quarantine ip|login KEY [-t DURATION] [-r REASON]"},
	{"release", cmd_release, 1, "release ip|login KEY [--code CODE]"},
	{"stats", cmd_stats, 1, "stats"},
	{"events", ctl_events, 1, "events [--follow] [--from ID]"},
	{"notify", ctl_notify, 1,
	    "notify [--once] [--group NAME] [--consumer NAME]"},
	{"explain", ctl_explain, 0, "explain [--ip ADDR] [--port N] [--daemon NAME] "
	    "[--helo NAME]\n[--auth LOGIN] [--from ADDR] [--rcpt ADDR] "
	    "[--role inbound|outbound]\n[--quarantined] [--spf RESULT] "
	    "[--dynamic] [--header-from VALUE]"},
};

#define N_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

/* find_command - a command by its name, NULL if unknown */
static const struct command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* print_args - a command's synopsis, continuation lines under its options */
static void
print_args(FILE *fp, int indent, const struct command *cmd)
{
	const char *args = cmd->args, *nl;

	indent += (int)strlen(cmd->name) + 1;
	for (; (nl = strchr(args, '\n')) != NULL; args = nl + 1)
		fprintf(fp, "%.*s\n%*s", (int)(nl - args), args, indent, "");
	fprintf(fp, "%s\n", args);
}

/* usage - the -h text */
static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp, USAGE_PREFIX "command [argument...]\n"
	    "       isolationctl -h | -V\n"
	    "  -c file  the daemon's configuration (default %s)\n"
	    "Commands:\n", CONF_DEFAULT_FILE);
	for (i = 0; i < N_COMMANDS; i++) {
		fputs("  ", fp);
		print_args(fp, 2, &commands[i]);
	}
	fprintf(fp, "Exit status: 0 done, quarantined or accepted; 1 not "
	    "quarantined, nothing\nreleased or refused; 2 usage, "
	    "configuration or store error.\nThe store commands need the "
	    "daemon's state store (StateFile or Redis). See isolationctl(8).\n");
}

/* open_store - the daemon's store: its StateFile, or the cluster's Redis */
static int
open_store(const struct conf *conf, struct store **st_r)
{
	char err[256], node[sizeof(((struct quarantine *)0)->node)];

	if (gethostname(node, sizeof(node)) < 0)
		snprintf(node, sizeof(node), "unknown");
	node[sizeof(node) - 1] = '\0';
	if ((*st_r = conf_store_open(conf, node, 1, err, sizeof(err))) == NULL) {
		ctl_error("%s: state store: %s", conf->path, err);
		return -1;
	}
	return 0;
}

/* run - load the configuration and the store, then the command */
static int
run(const char *path, const struct command *cmd, int argc, char **argv)
{
	struct strlist errors = {0};
	struct ctl ctl;
	struct conf *conf;
	size_t i;
	int rc;

	if ((conf = conf_load(path, &errors)) == NULL) {
		for (i = 0; i < errors.n; i++)
			fprintf(stderr, "%s\n", errors.v[i]);
		strlist_clear(&errors);
		return CTL_ERROR;
	}
	memset(&ctl, 0, sizeof(ctl));
	ctl.conf = conf;
	ctl.now = time(NULL);
	/* explain reads quarantines when it can, and goes on without */
	if (open_store(conf, &ctl.store) < 0 && cmd->store) {
		conf_free(conf);
		return CTL_ERROR;
	}
	rc = cmd->run(&ctl, argc, argv);
	if (rc < 0) {
		fputs(USAGE_PREFIX, stderr);
		print_args(stderr, (int)strlen(USAGE_PREFIX), cmd);
		rc = CTL_ERROR;
	}
	store_free(ctl.store);
	conf_free(conf);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *path = CONF_DEFAULT_FILE;
	const struct command *cmd;
	int ch, rc;

	/* hiredis writes to sockets that Redis may have closed */
	signal(SIGPIPE, SIG_IGN);
	log_init("isolationctl", LOG_TO_STDERR, 0);
	while ((ch = getopt(argc, argv, "+c:hV")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			return CTL_OK;
		case 'V':
			printf("isolationctl (%s) %s\n", PACKAGE_NAME,
			    PACKAGE_VERSION);
			return CTL_OK;
		default:
			usage(stderr);
			return CTL_ERROR;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CTL_ERROR;
	}
	if ((cmd = find_command(argv[optind])) == NULL) {
		ctl_error("unknown command \"%s\"", argv[optind]);
		usage(stderr);
		return CTL_ERROR;
	}
	rc = run(path, cmd, argc - optind - 1, argv + optind + 1);
	/* a closed pipe (| head) ends the output; that is not an error */
	if ((fflush(stdout) != 0 || ferror(stdout)) && errno != EPIPE) {
		ctl_error("standard output: %s", strerror(errno));
		return CTL_ERROR;
	}
	return rc;
}
