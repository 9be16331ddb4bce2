/*
 * NAME
 *	check_conf - unit tests for lib/conf.c
 * DESCRIPTION
 *	Tables of configuration texts with the value or the exact
 *	"file:line: message" each must give.
 *
 *	The program is linked with ld --wrap=conf_realloc (Makefile.am):
 *	__wrap_conf_realloc() below stands for the one allocator of a load
 *	(conf_alloc.h: lib/conf*, and the files, lists, map, template and
 *	contacts read with it) and fails the call numbered fail_at, so
 *	that a test can make each allocation of a load fail in turn.
 *
 *	conf_dump() is tested by loading what it prints: the same
 *	configuration, and the same dump but for the origin comments.
 */
#include "config.h"

#include <check.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "dns.h"

void   *__real_conf_realloc(void *p, size_t n);
void   *__wrap_conf_realloc(void *p, size_t n);

static unsigned long alloc_calls;	/* conf_realloc calls so far */
static unsigned long fail_at;		/* the call that fails; 0: none */

/* __wrap_conf_realloc - conf_realloc, failing call number fail_at */
void *
__wrap_conf_realloc(void *p, size_t n)
{
	if (++alloc_calls == fail_at)
		return NULL;
	return __real_conf_realloc(p, n);
}

/* parse - a text through conf_parse with the errors joined by '|' */
static struct conf *
parse(const char *text, char *errs, size_t len)
{
	struct strlist errors = {0};
	struct conf *conf;
	size_t i, pos = 0;

	conf = conf_parse("test.conf", text, &errors);
	errs[0] = '\0';
	for (i = 0; i < errors.n; i++)
		pos += (size_t)snprintf(errs + pos, len - pos, "%s%s",
		    i ? "|" : "", errors.v[i]);
	strlist_clear(&errors);
	return conf;
}

START_TEST(test_defaults)
{
	char errs[1024];
	struct conf *c = parse("", errs, sizeof(errs));
	struct ipaddr ip;
	enum role role;

	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->socket, "inet:8895@127.0.0.1");
	ck_assert_int_eq(c->syslog, 1);
	ck_assert_int_eq(c->syslog_facility, LOG_MAIL);
	ck_assert_int_eq(c->log_level, LOG_LEVEL_INFO);
	ck_assert_int_eq(c->mode_report, 0);
	ck_assert_int_eq(c->role, ROLE_AUTO);
	ck_assert_int_eq(c->default_role, ROLE_INBOUND);
	ck_assert_uint_eq(c->n_daemon_roles, 4);
	ck_assert_int_eq(conf_daemon_role(c, "originating", &role), 1);
	ck_assert_int_eq(role, ROLE_OUTBOUND);
	ck_assert_int_eq(conf_daemon_role(c, "MTA", &role), 1);
	ck_assert_int_eq(role, ROLE_INBOUND);
	ck_assert_int_eq(conf_daemon_role(c, "other", &role), 0);
	ck_assert_int_eq(conf_is_submission_port(c, 587), 1);
	ck_assert_int_eq(conf_is_submission_port(c, 465), 1);
	ck_assert_int_eq(conf_is_submission_port(c, 25), 0);
	ck_assert_uint_eq(c->local_domains.n, 0);
	ck_assert_int_eq(ip_parse("127.0.0.1", &ip), 0);
	ck_assert_int_eq(netset_contains(c->trusted_networks, &ip), 1);
	ck_assert_int_eq(ip_parse("::1", &ip), 0);
	ck_assert_int_eq(netset_contains(c->trusted_networks, &ip), 1);
	ck_assert_int_eq(c->login_is_address, 1);
	ck_assert_str_eq(c->subaddress_delimiter, "+");
	ck_assert_int_eq(c->null_sender_reject, 0);
	ck_assert_int_eq(c->customer_port25_open, 0);
	ck_assert_uint_eq(c->quarantine_ttl_ms, 86400000UL);
	ck_assert_int_eq(c->on_state_error_tempfail, 0);
	ck_assert_str_eq(c->redis_prefix, "iso:");
	ck_assert_uint_eq(c->redis_timeout_ms, 250);
	ck_assert_int_eq(c->redis_connections, 16);
	ck_assert_int_eq(c->spf, 1);
	ck_assert_int_eq(c->spf_actions[SPF_RESULT_SOFTFAIL], ACTION_REPORT);
	ck_assert_int_eq(c->spf_actions[SPF_RESULT_TEMPERROR], ACTION_TEMPFAIL);
	ck_assert_int_eq(c->spf_actions[SPF_RESULT_PERMERROR], ACTION_REPORT);
	ck_assert_int_eq(c->spf_actions[SPF_RESULT_PASS], ACTION_OFF);
	ck_assert_uint_eq(c->dynamic_checks,
	    DYNAMIC_DNSBL | DYNAMIC_GENERIC | DYNAMIC_NO_PTR);
	ck_assert_uint_eq(c->dns_timeout_ms, 5000);
	ck_assert_int_eq(c->actions[RULE_INBOUND_AUTH], ACTION_REJECT);
	ck_assert_int_eq(c->actions[RULE_OUTBOUND_RATE], ACTION_TEMPFAIL);
	/* the embedded store and the incident loop */
	ck_assert_str_eq(c->state_file,
	    LOCALSTATEDIR "/lib/isolation-milter/state.lmdb");
	ck_assert(c->state_file_size == 1ULL << 30);
	ck_assert_int_eq(c->event_log_size, 100000);
	ck_assert_uint_eq(c->always_allow.n, 2);
	ck_assert_str_eq(c->always_allow.v[0], "postmaster@");
	ck_assert_str_eq(c->always_allow.v[1], "abuse@");
	ck_assert_ptr_null(c->support_contact);
	ck_assert_uint_eq(c->esc_factor, 0);
	ck_assert_uint_eq(c->last_login_ttl_ms, 30UL * 86400 * 1000);
	ck_assert_ptr_null(c->alert_template);
	ck_assert_str_eq(c->alert_sendmail, "/usr/sbin/sendmail -t -i");
	ck_assert_ptr_null(c->alert_contacts);
	ck_assert_uint_eq(c->alert_limit, 5);
	ck_assert_uint_eq(c->alert_limit_window_ms, 86400000UL);
	ck_assert_ptr_null(c->event_command);
	ck_assert_uint_eq(c->event_command_timeout_ms, 30000);
	ck_assert_ptr_null(c->release_secret);
	ck_assert_uint_eq(c->self_release_interval_ms, 7UL * 86400 * 1000);
	ck_assert_uint_eq(c->socket_umask, 07);
	ck_assert_ptr_null(c->socket_group);
	ck_assert_int_eq(c->ipv6_prefix, 64);
	conf_free(c);
}
END_TEST

/* The incident loop's keys, set. */
START_TEST(test_incident_keys)
{
	static const char text[] =
	    "StateFile /var/tmp/x.lmdb\n"
	    "StateFileSize 256M\n"
	    "EventLogSize 500\n"
	    "LocalDomains example.net\n"
	    "AlwaysAllowRecipients Help@Example.NET abuse@\n"
	    "SupportContact https://help.example.net/q or 0800 123\n"
	    "QuarantineEscalation 3x up to 2d within 10d\n"
	    "LastLoginTTL 2h\n"
	    "AlertSendmail /usr/lib/sendmail -t -i -f abuse@example.net\n"
	    "AlertLimit off\n"
	    "EventCommand /usr/local/bin/hook --router r1\n"
	    "EventCommandTimeout 5s\n"
	    "SelfReleaseInterval 0s\n";
	char errs[1024];
	struct conf *c = parse(text, errs, sizeof(errs));
	struct store_escalation e;
	struct addr a;
	const char *why;

	ck_assert_msg(c != NULL, "%s", errs);
	ck_assert_str_eq(c->state_file, "/var/tmp/x.lmdb");
	ck_assert(c->state_file_size == 256ULL << 20);
	ck_assert_int_eq(c->event_log_size, 500);
	ck_assert_str_eq(c->always_allow.v[0], "help@example.net");
	ck_assert_str_eq(c->support_contact,
	    "https://help.example.net/q or 0800 123");
	conf_escalation(c, &e);
	ck_assert_uint_eq(e.factor, 3);
	ck_assert_int_eq(e.max_ttl, 2 * 86400);
	ck_assert_int_eq(e.window, 10 * 86400);
	ck_assert_uint_eq(c->last_login_ttl_ms, 7200000UL);
	ck_assert_str_eq(c->alert_sendmail,
	    "/usr/lib/sendmail -t -i -f abuse@example.net");
	ck_assert_uint_eq(c->alert_limit, 0);
	ck_assert_str_eq(c->event_command, "/usr/local/bin/hook --router r1");
	ck_assert_uint_eq(c->event_command_timeout_ms, 5000);
	ck_assert_uint_eq(c->self_release_interval_ms, 0);
	ck_assert_int_eq(addr_parse("<HELP@example.net>", &a, &why), 0);
	ck_assert_int_eq(conf_is_always_allowed(c, &a), 1);
	ck_assert_int_eq(addr_parse("<abuse@EXAMPLE.net>", &a, &why), 0);
	ck_assert_int_eq(conf_is_always_allowed(c, &a), 1);
	ck_assert_int_eq(addr_parse("<abuse@other.test>", &a, &why), 0);
	ck_assert_int_eq(conf_is_always_allowed(c, &a), 0);
	ck_assert_int_eq(addr_parse("<postmaster@example.net>", &a, &why), 0);
	ck_assert_int_eq(conf_is_always_allowed(c, &a), 0);
	conf_free(c);
}
END_TEST

/* ReleaseSecret: a file, private, long enough. */
START_TEST(test_release_secret)
{
	char dir[] = "/tmp/check_conf.XXXXXX", path[64], text[128], errs[1024];
	struct conf *c;
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/secret", dir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("0123456789abcdefXYZ\n", fp);
	fclose(fp);
	chmod(path, 0640);
	snprintf(text, sizeof(text), "ReleaseSecret file:%s\n", path);
	c = parse(text, errs, sizeof(errs));
	ck_assert_msg(c != NULL, "%s", errs);
	ck_assert_uint_eq(c->release_secret_len, 19);	/* newline dropped */
	ck_assert_int_eq(memcmp(c->release_secret, "0123456789abcdefXYZ", 19), 0);
	conf_free(c);
	chmod(path, 0644);
	ck_assert_ptr_null(parse(text, errs, sizeof(errs)));
	ck_assert_msg(strstr(errs, "test.conf:1: ReleaseSecret: ") != NULL &&
	    strstr(errs, "readable or writable by others") != NULL, "%s", errs);
	fp = fopen(path, "w");
	fputs("short\n", fp);
	fclose(fp);
	chmod(path, 0600);
	ck_assert_ptr_null(parse(text, errs, sizeof(errs)));
	ck_assert_msg(strstr(errs, "must hold 16 to 4096 octets") != NULL, "%s",
	    errs);
	/* RedisPassword file:/path, one line */
	fp = fopen(path, "w");
	fputs("redis-pw\n", fp);
	fclose(fp);
	chmod(path, 0600);
	snprintf(text, sizeof(text), "RedisPassword file:%s\nUMask 027\n"
	    "SocketGroup root\nIPv6Prefix 56\n", path);
	c = parse(text, errs, sizeof(errs));
	ck_assert_msg(c != NULL, "%s", errs);
	ck_assert_str_eq(c->redis_password, "redis-pw");
	ck_assert_uint_eq(c->socket_umask, 027);
	ck_assert_str_eq(c->socket_group, "root");
	ck_assert_int_eq(c->ipv6_prefix, 56);
	conf_free(c);
	chmod(path, 0604);
	ck_assert_ptr_null(parse(text, errs, sizeof(errs)));
	ck_assert_msg(strstr(errs, "RedisPassword: ") != NULL &&
	    strstr(errs, "readable or writable by others") != NULL, "%s", errs);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* every key of the roles, the policy and Redis, set */
static const char full_text[] =
	"# a comment\n"
	"\n"
	"socket unix:/run/isolation-milter/milter.sock\n"
	"  PIDFILE   /run/isolation-milter.pid  \n"
	"Syslog no\n"
	"SyslogFacility local3\n"
	"LogLevel DEBUG\n"
	"Mode report\n"
	"Role outbound\n"
	"DefaultRole outbound\n"
	"DaemonRoles SUB=outbound, MX=inbound\n"
	"SubmissionPorts 587,2525\n"
	"LocalDomains Example.NET. example.org\n"
	"LocalDomains example.com\n"
	"CustomerNetworks 10.0.0.0/8, 2001:db8::/32\n"
	"CustomerServers 10.1.2.3\n"
	"TrustedNetworks 192.0.2.0/24\n"
	"LoginIsAddress no\n"
	"SubaddressDelimiter\n"
	"NullSender reject\n"
	"CustomerPort25 open\n"
	"RateLimit login recipients 500/1h\n"
	"RateLimit ip messages 100/10m\n"
	"QuarantineTTL 2d\n"
	"OnStateError tempfail\n"
	"RedisSentinels 127.0.0.1:26379 127.0.0.1:26380\n"
	"RedisMasterName mymaster\n"
	"RedisPassword s3cr#t\n"
	"RedisUser milter\n"
	"RedisDatabase 3\n"
	"RedisPrefix cluster1:\n"
	"RedisTimeout 1s\n"
	"RedisConnections 64\n"
	"DNSBL zen.spamhaus.org=127.0.0.[10..11]\n"
	"DNSBL bl.example.test\n"
	"SPF off\n"
	"SPFAction softfail reject\n"
	"SPFAction permerror tempfail\n"
	"DynamicIPChecks dnsbl, unconfirmed\n"
	"DNSTimeout 1500ms\n"
	"Action.inbound.spf_fail report\n"
	"action.OUTBOUND.AUTH_REQUIRED tempfail\n";

START_TEST(test_full)
{
	char errs[1024];
	struct conf *c = parse(full_text, errs, sizeof(errs));
	struct ipaddr ip, answer;
	enum role role;

	ck_assert_msg(c != NULL, "errors: %s", errs);
	ck_assert_str_eq(c->socket, "unix:/run/isolation-milter/milter.sock");
	ck_assert_str_eq(c->pidfile, "/run/isolation-milter.pid");
	ck_assert_int_eq(c->syslog, 0);
	ck_assert_int_eq(c->syslog_facility, LOG_LOCAL3);
	ck_assert_int_eq(c->log_level, LOG_LEVEL_DEBUG);
	ck_assert_int_eq(c->mode_report, 1);
	ck_assert_int_eq(c->role, ROLE_OUTBOUND);
	ck_assert_int_eq(c->default_role, ROLE_OUTBOUND);
	ck_assert_uint_eq(c->n_daemon_roles, 2);
	ck_assert_int_eq(conf_daemon_role(c, "ORIGINATING", &role), 0);
	ck_assert_int_eq(conf_daemon_role(c, "mx", &role), 1);
	ck_assert_int_eq(role, ROLE_INBOUND);
	ck_assert_int_eq(conf_is_submission_port(c, 2525), 1);
	ck_assert_int_eq(conf_is_submission_port(c, 465), 0);
	ck_assert_uint_eq(c->local_domains.n, 3);
	ck_assert_int_eq(conf_is_local_domain(c, "example.net"), 1);
	ck_assert_int_eq(conf_is_local_domain(c, "example.com"), 1);
	ck_assert_int_eq(ip_parse("10.200.0.1", &ip), 0);
	ck_assert_int_eq(netset_contains(c->customer_networks, &ip), 1);
	ck_assert_int_eq(ip_parse("2001:db8:1::5", &ip), 0);
	ck_assert_int_eq(netset_contains(c->customer_networks, &ip), 1);
	ck_assert_int_eq(ip_parse("127.0.0.1", &ip), 0);
	ck_assert_int_eq(netset_contains(c->trusted_networks, &ip), 0);
	ck_assert_int_eq(c->login_is_address, 0);
	ck_assert_str_eq(c->subaddress_delimiter, "");
	ck_assert_int_eq(c->null_sender_reject, 1);
	ck_assert_int_eq(c->customer_port25_open, 1);
	ck_assert_uint_eq(c->n_rate_limits, 2);
	ck_assert_int_eq(c->rate_limits[0].scope, RATE_SCOPE_LOGIN);
	ck_assert_int_eq(c->rate_limits[0].what, RATE_RECIPIENTS);
	ck_assert_uint_eq(c->rate_limits[0].limit, 500);
	ck_assert_uint_eq(c->rate_limits[0].window_ms, 3600000UL);
	ck_assert_uint_eq(c->rate_limits[1].window_ms, 600000UL);
	ck_assert_uint_eq(c->quarantine_ttl_ms, 2 * 86400000UL);
	ck_assert_int_eq(c->on_state_error_tempfail, 1);
	ck_assert_uint_eq(c->redis_sentinels.n, 2);
	ck_assert_str_eq(c->redis_master_name, "mymaster");
	ck_assert_str_eq(c->redis_password, "s3cr#t");
	ck_assert_int_eq(c->redis_database, 3);
	ck_assert_str_eq(c->redis_prefix, "cluster1:");
	ck_assert_uint_eq(c->redis_timeout_ms, 1000);
	ck_assert_int_eq(c->redis_connections, 64);
	ck_assert_uint_eq(c->n_dnsbls, 2);
	ck_assert_str_eq(c->dnsbls[0].zone, "zen.spamhaus.org");
	ck_assert_str_eq(dnsbl_filter_text(c->dnsbls[0].filter),
	    "127.0.0.[10..11]");
	ck_assert_ptr_null(c->dnsbls[1].filter);
	/* compiled once, here: matching uses the same parse */
	ck_assert_int_eq(ip_parse("127.0.0.11", &answer), 0);
	ck_assert_int_eq(dnsbl_filter_match(c->dnsbls[0].filter, &answer), 1);
	ck_assert_int_eq(ip_parse("127.0.0.2", &answer), 0);
	ck_assert_int_eq(dnsbl_filter_match(c->dnsbls[0].filter, &answer), 0);
	ck_assert_int_eq(dnsbl_filter_match(c->dnsbls[1].filter, &answer), 1);
	ck_assert_int_eq(c->spf, 0);
	ck_assert_int_eq(c->spf_actions[SPF_RESULT_SOFTFAIL], ACTION_REJECT);
	ck_assert_int_eq(c->spf_actions[SPF_RESULT_PERMERROR], ACTION_TEMPFAIL);
	ck_assert_int_eq(c->spf_actions[SPF_RESULT_TEMPERROR], ACTION_TEMPFAIL);
	ck_assert_int_eq(c->spf_actions[SPF_RESULT_NONE], ACTION_OFF);
	ck_assert_uint_eq(c->dynamic_checks, DYNAMIC_DNSBL | DYNAMIC_UNCONFIRMED);
	ck_assert_uint_eq(c->dns_timeout_ms, 1500);
	ck_assert_int_eq(c->actions[RULE_INBOUND_SPF_FAIL], ACTION_REPORT);
	ck_assert_int_eq(c->actions[RULE_OUTBOUND_AUTH_REQUIRED],
	    ACTION_TEMPFAIL);
	ck_assert_int_eq(c->actions[RULE_INBOUND_AUTH], ACTION_REJECT);
	conf_free(c);
}
END_TEST

#define X10(s)	s s s s s s s s s s
#define X50(s)	X10(s) X10(s) X10(s) X10(s) X10(s)

/* Each bad text and the exact error list it must produce. */
static const struct {
	const char *text;
	const char *want_errors;
} bad[] = {
	{"Nonsense 1\n", "test.conf:1: unknown key \"Nonsense\""},
	{"\n\nLogLevel\n", "test.conf:3: LogLevel: missing value"},
	{"LogLevel loud\n",
	"test.conf:1: LogLevel: \"loud\" is not error, warning, notice, info or debug"},
	{"Socket tcp:25\n",
	"test.conf:1: Socket: \"tcp:25\": expected unix:PATH, inet:PORT@HOST or inet6:PORT@HOST"},
	{"Socket inet:99999@127.0.0.1\n",
	"test.conf:1: Socket: \"inet:99999@127.0.0.1\": bad port number (1-65535)"},
	{"Socket inet:8895\n",
	"test.conf:1: Socket: \"inet:8895\": expected PORT@HOST after inet: (inet:8895@127.0.0.1)"},
	{"Socket unix:relative.sock\n",
	"test.conf:1: Socket: \"unix:relative.sock\": a unix socket needs an absolute path (unix:/run/isolation-milter/milter.sock)"},
	{"Syslog maybe\n", "test.conf:1: Syslog: \"maybe\" is not yes or no"},
	{"SyslogFacility kern\n",
	"test.conf:1: SyslogFacility: \"kern\" is not a syslog facility (mail, daemon, local0..local7)"},
	{"Mode strict\n", "test.conf:1: Mode: \"strict\" is not enforce or report"},
	{"Role both\n", "test.conf:1: Role: \"both\" is not auto, inbound or outbound"},
	{"DefaultRole auto\n",
	"test.conf:1: DefaultRole: \"auto\" is not inbound or outbound"},
	{"DaemonRoles MSA\n",
	"test.conf:1: DaemonRoles: \"MSA\" is not NAME=inbound or NAME=outbound"},
	{"DaemonRoles A=inbound a=outbound\n",
	"test.conf:1: DaemonRoles: daemon name \"a\" given twice"},
	{"SubmissionPorts 587 0\n",
	"test.conf:1: SubmissionPorts: \"0\" is not a port number (1-65535)"},
	{"LocalDomains exa mple..net\n",
	"test.conf:1: LocalDomains: \"mple..net\" is not a domain name"},
	{"CustomerNetworks 10.0.0.0/33\n", NULL},
	{"TrustedNetworks 10.1.0.0/8\n", NULL},
	{"CustomerServers banana\n", NULL},
	{"SenderLoginMap relative/path\n",
	"test.conf:1: SenderLoginMap: \"relative/path\" is not an absolute path"},
	{"NullSender maybe\n",
	"test.conf:1: NullSender: \"maybe\" is not allow or reject"},
	{"CustomerPort25 closed\n",
	"test.conf:1: CustomerPort25: \"closed\" is not auth or open"},
	{"RateLimit login 500/1h\n",
	"test.conf:1: RateLimit: expected <ip|login> <messages|recipients> N/window, e.g. \"login recipients 500/1h\""},
	{"RateLimit user messages 5/1h\n",
	"test.conf:1: RateLimit: \"user\" is not ip or login"},
	{"RateLimit ip mails 5/1h\n",
	"test.conf:1: RateLimit: \"mails\" is not messages or recipients"},
	{"RateLimit ip messages 0/1h\n",
	"test.conf:1: RateLimit: \"0\" is not a count (1-100000000)"},
	{"RateLimit ip messages 5/1w\n",
	"test.conf:1: RateLimit: window \"1w\" is not a duration from 1s to 7d (e.g. 1h)"},
	{"RateLimit ip messages 5\n",
	"test.conf:1: RateLimit: \"5\" is not N/window (e.g. 500/1h)"},
	{"QuarantineTTL 24\n",
	"test.conf:1: QuarantineTTL: \"24\" is not a duration (a number with ms, s, m, h or d)"},
	{"QuarantineTTL 10ms\n",
	"test.conf:1: QuarantineTTL: 10ms is out of range (1000ms to 31536000000ms)"},
	{"OnStateError panic\n",
	"test.conf:1: OnStateError: \"panic\" is not continue or tempfail"},
	{"RedisDatabase 16\n",
	"test.conf:1: RedisDatabase: \"16\" is not a number from 0 to 15"},
	{"RedisConnections 0\n",
	"test.conf:1: RedisConnections: \"0\" is not a number from 1 to 1024"},
	{"RedisTimeout -1s\n",
	"test.conf:1: RedisTimeout: \"-1s\" is not a duration (a number with ms, s, m, h or d)"},
	{"RedisSentinels 127.0.0.1\nRedisMasterName m\n",
	"test.conf:1: RedisSentinels: \"127.0.0.1\" is not HOST:PORT"},
	{"RedisSentinels 127.0.0.1:26379\n",
	"test.conf:1: RedisSentinels needs RedisMasterName"},
	{"RedisServer 127.0.0.1:6379\nRedisSentinels 127.0.0.1:26379\nRedisMasterName m\n",
	"test.conf:1: RedisServer and RedisSentinels exclude each other"},
	{"DNSBL bad..zone\n", "test.conf:1: DNSBL: \"bad..zone\" is not a zone name"},
	{"DNSBL zen.example=127.0.0.[11..10]\n",
	"test.conf:1: DNSBL: bad answer filter \"127.0.0.[11..10]\": a range that ends below its start (expected e.g. 127.0.0.2, 127.0.0.[10..11] or 127.0.0.[2;4;8..10])"},
	{"DNSBL zen.example=127.0.0\n",
	"test.conf:1: DNSBL: bad answer filter \"127.0.0\": not four octets separated by dots (expected e.g. 127.0.0.2, 127.0.0.[10..11] or 127.0.0.[2;4;8..10])"},
	/* what matching would never have matched is refused at -n */
	{"LogLevel info\nDNSBL zen.test=127.0.0.0002\n",
	"test.conf:2: DNSBL: bad answer filter \"127.0.0.0002\": a number with a leading zero (expected e.g. 127.0.0.2, 127.0.0.[10..11] or 127.0.0.[2;4;8..10])"},
	{"DNSBL zen.test=127.0.0.256\n",
	"test.conf:1: DNSBL: bad answer filter \"127.0.0.256\": a number over 255 (expected e.g. 127.0.0.2, 127.0.0.[10..11] or 127.0.0.[2;4;8..10])"},
	{"DNSBL zen.test=127.0.0.[2;4;8..]\n",
	"test.conf:1: DNSBL: bad answer filter \"127.0.0.[2;4;8..]\": expected a number from 0 to 255 (expected e.g. 127.0.0.2, 127.0.0.[10..11] or 127.0.0.[2;4;8..10])"},
	{"DNSBL zen.test=\n",
	"test.conf:1: DNSBL: bad answer filter \"\": expected a number from 0 to 255 (expected e.g. 127.0.0.2, 127.0.0.[10..11] or 127.0.0.[2;4;8..10])"},
	{"SPF perhaps\n", "test.conf:1: SPF: \"perhaps\" is not yes or no"},
	{"SPFAction softfail\n",
	"test.conf:1: SPFAction: expected <result> <action>, e.g. \"softfail report\""},
	{"SPFAction hardfail reject\n",
	"test.conf:1: SPFAction: \"hardfail\" is not none, neutral, pass, softfail, temperror or permerror"},
	{"SPFAction fail reject\n",
	"test.conf:1: SPFAction: the action for fail is Action.inbound.spf_fail"},
	{"SPFAction softfail bounce\n",
	"test.conf:1: SPFAction: \"bounce\" is not reject, tempfail, report or off"},
	{"DynamicIPChecks dnsbl rbl\n",
	"test.conf:1: DynamicIPChecks: \"rbl\" is not dnsbl, generic, no_ptr or unconfirmed"},
	{"DNSTimeout 30s\n",
	"test.conf:1: DNSTimeout: 30s is out of range (1000ms to 20000ms)"},
	{"Action.inbound.nothing reject\n",
	"test.conf:1: unknown rule \"inbound.nothing\" in Action.inbound.nothing (see the rule table in isolation-milter(8))"},
	{"Action.inbound.auth deny\n",
	"test.conf:1: Action.inbound.auth: \"deny\" is not reject, tempfail, report or off"},
	{"Action.inbound.auth off\nAction.INBOUND.AUTH report\n",
	"test.conf:2: Action.INBOUND.AUTH is already set at line 1"},
	{"LogLevel info\nloglevel debug\n",
	"test.conf:2: LogLevel is already set at line 1"},
	{"SubaddressDelimiter +-\n",
	"test.conf:1: SubaddressDelimiter: one character, or empty to disable"},
	{"UserID no-such-user-here\n",
	"test.conf:1: UserID: no such user \"no-such-user-here\""},
	{"PidFile   # none yet\n", "test.conf:1: PidFile: missing value"},
	{"SupportContact #5\n", "test.conf:1: SupportContact: missing value"},
	{"Foo 1\nMode x\nBar\n",
	"test.conf:1: unknown key \"Foo\"|test.conf:2: Mode: \"x\" is not enforce or report|test.conf:3: unknown key \"Bar\""},
	{"LocalDomains file:/nonexistent/domains\n",
	"test.conf:1: LocalDomains: /nonexistent/domains: cannot open: No such file or directory"},
	{"LoginQuarantine 10\n",
	"test.conf:1: LoginQuarantine: \"10\" is not N/window (e.g. 500/1h)"},
	{"LoginQuarantine 0/1h\n",
	"test.conf:1: LoginQuarantine: \"0\" is not a count (1-100000000)"},
	{"UMask 0800\n",
	"test.conf:1: UMask: \"0800\" is not an octal mask from 000 to 777"},
	{"UMask -7\n", NULL},
	{"SocketGroup no-such-group-here\n",
	"test.conf:1: SocketGroup: no such group \"no-such-group-here\""},
	{"IPv6Prefix 16\n",
	"test.conf:1: IPv6Prefix: \"16\" is not a number from 32 to 128"},
	{"RedisPassword file:relative\n",
	"test.conf:1: RedisPassword: file:relative is not an absolute path"},
	{"RedisPassword file:/nonexistent/pw\n",
	"test.conf:1: RedisPassword: /nonexistent/pw: No such file or directory"},
	{"StateFile state.lmdb\n",
	"test.conf:1: StateFile: \"state.lmdb\" is not an absolute path"},
	{"StateFileSize 10K\n",
	"test.conf:1: StateFileSize: \"10K\" is not a size from 1M to 1T (e.g. 512M, 2G)"},
	{"StateFileSize 2X\n", NULL},
	{"EventLogSize 5\n",
	"test.conf:1: EventLogSize: \"5\" is not a number from 100 to 10000000"},
	{"AlwaysAllowRecipients abuse\n",
	"test.conf:1: AlwaysAllowRecipients: \"abuse\" is not local@ or local@domain"},
	{"AlwaysAllowRecipients a\"b@\n", NULL},
	{"AlwaysAllowRecipients abuse@bad..domain\n", NULL},
	{"SupportContact call\x01us\n",
	"test.conf:1: SupportContact: only printable ASCII goes into an SMTP reply"},
	{"QuarantineEscalation double\n",
	"test.conf:1: QuarantineEscalation: expected off or \"Nx up to MAX [within WINDOW]\", e.g. \"2x up to 7d\""},
	{"QuarantineEscalation 1x up to 7d\n",
	"test.conf:1: QuarantineEscalation: the factor must be 2x to 10x"},
	{"QuarantineEscalation 2x up to 5m\n",
	"test.conf:1: QuarantineEscalation: the longest quarantine \"5m\" is not a duration from 1h to 365d"},
	{"QuarantineEscalation 2x up to 7d during 30d\n", NULL},
	{"AlertLimit 5\n",
	"test.conf:1: AlertLimit: \"5\" is not N/window (e.g. 500/1h)"},
	{"AlertSendmail sendmail -t -i\n",
	"test.conf:1: AlertSendmail: \"sendmail -t -i\" does not start with an absolute path (the command runs without a shell)"},
	{"EventCommand /bin/hook\x1b[2J\n",
	"test.conf:1: EventCommand: control character in the command"},
	{"EventCommandTimeout 0s\n", NULL},
	{"ReleaseSecret s3cret-in-the-file\n",
	"test.conf:1: ReleaseSecret: expected file:/absolute/path (the secret itself never goes into the configuration)"},
	{"ReleaseSecret file:/nonexistent/secret\n",
	"test.conf:1: ReleaseSecret: /nonexistent/secret: No such file or directory"},
	/* once refused only when the daemon started; now by -n too */
	{"RedisServer localhost\n",
	"test.conf:1: RedisServer: \"localhost\" is not HOST:PORT (port 1-65535) or unix:/path"},
	{"RedisServer 127.0.0.1:65536\n",
	"test.conf:1: RedisServer: \"127.0.0.1:65536\" is not HOST:PORT (port 1-65535) or unix:/path"},
	{"RedisServer :6379\n",
	"test.conf:1: RedisServer: \":6379\" is not HOST:PORT (port 1-65535) or unix:/path"},
	{"RedisServer 127.0.0.1:63x9\n", NULL},
	{"RedisServer []:6379\n", NULL},
	{"RedisServer unix:run/redis.sock\n",
	"test.conf:1: RedisServer: \"unix:run/redis.sock\" is not unix:/absolute/path (or the path is too long)"},
	{"RedisServer unix:/" X10("0123456789ab") "\n",
	"test.conf:1: RedisServer: \"unix:/" X10("0123456789ab") "\" is not unix:/absolute/path (or the path is too long)"},
	{"RedisSentinels [::1]:26379 []:26379\nRedisMasterName m\n",
	"test.conf:1: RedisSentinels: \"[]:26379\" is not HOST:PORT"},
	{"RedisServer 127.0.0.1:6379\nRedisUser milter\n",
	"test.conf:2: RedisUser needs RedisPassword"},
	{"Socket unix:/" X10("0123456789ab") "\n",
	"test.conf:1: Socket: \"unix:/" X10("0123456789ab") "\": the path of a unix socket is too long"},
	{"Socket inet:000008895@127.0.0.1\n",
	"test.conf:1: Socket: \"inet:000008895@127.0.0.1\": bad port number"},
	{"Socket inet6:8895@[]\n",
	"test.conf:1: Socket: \"inet6:8895@[]\": the host is empty or too long"},
	{"UserID nobody:no-such-group-here\n",
	"test.conf:1: UserID: no such group \"no-such-group-here\""},
	{"StateFile /" X10(X10(X10("abcde"))) "\n",
	"test.conf:1: StateFile: the path is longer than 4090 octets"},
	{"Mode report\nRedisSentinels 127.0.0.1:26379\nRedisServer 127.0.0.1:6379\n",
	"test.conf:2: RedisSentinels needs RedisMasterName|test.conf:3: RedisServer and RedisSentinels exclude each other"},
};

START_TEST(test_bad)
{
	char errs[2048];
	struct conf *c = parse(bad[_i].text, errs, sizeof(errs));

	ck_assert_ptr_null(c);
	if (bad[_i].want_errors != NULL)
		ck_assert_str_eq(errs, bad[_i].want_errors);
	else
		ck_assert_msg(strncmp(errs, "test.conf:1: ", 13) == 0 &&
		    strchr(errs, '|') == NULL, "got %s", errs);
}
END_TEST

static const struct {
	const char *text;
	int	want_rc;
	unsigned long want_ms;
} durations[] = {
	{"0", 0, 0}, {"250ms", 0, 250}, {"30s", 0, 30000}, {"5m", 0, 300000},
	{"24h", 0, 86400000UL}, {"1d", 0, 86400000UL}, {"10", -1, 7},
	{"", -1, 7}, {"s", -1, 7}, {"1x", -1, 7}, {"-5s", -1, 7},
	{"1.5h", -1, 7}, {" 5s", -1, 7}, {"5 s", -1, 7},
	{"99999999999999999999s", -1, 7},
};

START_TEST(test_duration)
{
	unsigned long ms = 7;

	ck_assert_int_eq(conf_parse_duration(durations[_i].text, &ms),
	    durations[_i].want_rc);
	ck_assert_uint_eq(ms, durations[_i].want_ms);
}
END_TEST

START_TEST(test_list_file)
{
	char path[] = "/tmp/check_conf_XXXXXX", text[256], errs[1024];
	struct conf *c;
	FILE *fp;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	fputs("# our domains\nexample.net\n\n  Example.ORG  \nbad..domain\n", fp);
	fclose(fp);
	snprintf(text, sizeof(text), "LocalDomains example.com, file:%s\n", path);
	c = parse(text, errs, sizeof(errs));
	ck_assert_ptr_null(c);
	snprintf(text, sizeof(text),
	    "%s:5: LocalDomains: \"bad..domain\" is not a domain name", path);
	ck_assert_str_eq(errs, text);

	fp = fopen(path, "w");
	fputs("# our domains\nexample.net\n\n  Example.ORG  \n", fp);
	fclose(fp);
	snprintf(text, sizeof(text), "LocalDomains example.com, file:%s\n", path);
	c = parse(text, errs, sizeof(errs));
	ck_assert_msg(c != NULL, "errors: %s", errs);
	ck_assert_uint_eq(c->local_domains.n, 3);
	ck_assert_int_eq(conf_is_local_domain(c, "example.org"), 1);
	conf_free(c);
	unlink(path);
}
END_TEST

START_TEST(test_load)
{
	struct strlist errors = {0};
	char path[] = "/tmp/check_conf_XXXXXX";
	struct conf *c;
	FILE *fp;
	int fd;

	c = conf_load("/nonexistent/isolation-milter.conf", &errors);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(errors.n, 1);
	ck_assert_str_eq(errors.v[0],
	    "/nonexistent/isolation-milter.conf: cannot open: No such file or directory");
	strlist_clear(&errors);

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	fputs("LocalDomains example.net\nMode  report\n", fp);
	fclose(fp);
	c = conf_load(path, &errors);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(errors.n, 0);
	ck_assert_int_eq(c->mode_report, 1);
	conf_free(c);
	unlink(path);
}
END_TEST

/* SenderLoginMap is read with the configuration and refuses it when broken */
START_TEST(test_sender_map)
{
	char path[] = "/tmp/check_conf_XXXXXX", text[256], errs[1024], want[512];
	struct conf *c;
	FILE *fp;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	fputs("alice@example.net alice\nbob@example.net\n", fp);
	fclose(fp);
	snprintf(text, sizeof(text), "SenderLoginMap %s\n", path);
	c = parse(text, errs, sizeof(errs));
	ck_assert_ptr_null(c);
	snprintf(want, sizeof(want), "%s:2: ", path);
	ck_assert_msg(strncmp(errs, want, strlen(want)) == 0, "errors: %s", errs);

	fp = fopen(path, "w");
	fputs("alice@example.net alice\n", fp);
	fclose(fp);
	c = parse(text, errs, sizeof(errs));
	ck_assert_msg(c != NULL, "errors: %s", errs);
	ck_assert_ptr_nonnull(c->sender_map);
	conf_free(c);

	unlink(path);
	c = parse(text, errs, sizeof(errs));
	ck_assert_ptr_null(c);
	snprintf(want, sizeof(want), "%s: cannot open", path);
	ck_assert_msg(strncmp(errs, want, strlen(want)) == 0, "errors: %s", errs);
}
END_TEST

/* What the daemon used to check at start-up only, accepted and resolved */
START_TEST(test_checked_when_read)
{
	static const char text[] =
	    "Socket unix:/" X10("0123456789") "123456\n"	/* 107 */
	    "UserID nobody:root\n"
	    "SocketGroup root\n"
	    "RedisServer [::1]:6379\n"
	    "RedisUser milter\n"
	    "RedisPassword pw\n";
	char errs[1024];
	struct passwd *pw = getpwnam("nobody");
	struct conf *c;

	ck_assert_ptr_nonnull(pw);
	c = parse(text, errs, sizeof(errs));
	ck_assert_msg(c != NULL, "%s", errs);
	ck_assert_uint_eq(c->user_uid, pw->pw_uid);
	ck_assert_uint_eq(c->user_gid, 0);
	ck_assert_uint_eq(c->socket_gid, 0);
	ck_assert_str_eq(c->redis_server, "[::1]:6379");
	conf_free(c);
	c = parse("UserID nobody\nRedisServer unix:/run/redis/redis.sock\n", errs,
	    sizeof(errs));
	ck_assert_msg(c != NULL, "%s", errs);
	ck_assert_uint_eq(c->user_uid, pw->pw_uid);
	ck_assert_uint_eq(c->user_gid, pw->pw_gid);
	conf_free(c);
}
END_TEST

static const struct {
	const char *text;
	int	want_rc;
	const char *want_host;
	unsigned want_port;
} hostports[] = {
	{"127.0.0.1:6379", 0, "127.0.0.1", 6379},
	{"localhost:1", 0, "localhost", 1},
	{"[::1]:65535", 0, "::1", 65535},
	{"::1:6379", 0, "::1", 6379},
	{X50("abcde") "abcde:1", 0, X50("abcde") "abcde", 1},	/* 255 */
	{X50("abcde") "abcdef:1", -1, "-", 7},
	{"127.0.0.1", -1, "-", 7},
	{"127.0.0.1:0", -1, "-", 7},
	{"127.0.0.1:65536", -1, "-", 7},
	{"127.0.0.1:", -1, "-", 7},
	{"127.0.0.1:+1", -1, "-", 7},
	{"127.0.0.1:63x9", -1, "-", 7},
	{":6379", -1, "-", 7},
	{"[]:6379", -1, "-", 7},
	{"", -1, "-", 7},
};

START_TEST(test_hostport)
{
	char host[CONF_HOST_MAX] = "-";
	unsigned port = 7;

	ck_assert_int_eq(conf_parse_hostport(hostports[_i].text, host,
	    sizeof(host), &port), hostports[_i].want_rc);
	ck_assert_str_eq(host, hostports[_i].want_host);
	ck_assert_uint_eq(port, hostports[_i].want_port);
}
END_TEST

/* Comments end a line: a # after white space; \# after white space is a # */
START_TEST(test_comments)
{
	static const char text[] =
	    "LocalDomains example.net, example.org   # ours\n"
	    "Mode report\t# rolling out\n"
	    "SupportContact call \\#5 or \\\\# # the help desk\n"
	    "RedisPassword s3cr#t#\n"
	    "AlertSendmail /usr/sbin/sendmail -t -i -f a#b@example.net\n"
	    "Action.inbound.auth report # for now\n";
	char errs[1024];
	struct conf *c = parse(text, errs, sizeof(errs));

	ck_assert_msg(c != NULL, "%s", errs);
	ck_assert_uint_eq(c->local_domains.n, 2);
	ck_assert_int_eq(c->mode_report, 1);
	ck_assert_str_eq(c->support_contact, "call #5 or \\\\#");
	ck_assert_str_eq(c->redis_password, "s3cr#t#");
	ck_assert_str_eq(c->alert_sendmail,
	    "/usr/sbin/sendmail -t -i -f a#b@example.net");
	ck_assert_int_eq(c->actions[RULE_INBOUND_AUTH], ACTION_REPORT);
	conf_free(c);
}
END_TEST

/* The Socket taken apart once, for the daemon */
static const struct {
	const char *text;
	int	want_family;
	const char *want_path;
	const char *want_host;
	unsigned want_port;
} sockets[] = {
	{"", AF_INET, NULL, "127.0.0.1", 8895},
	{"Socket inet:25@localhost\n", AF_INET, NULL, "localhost", 25},
	{"Socket inet6:8895@[::1]\n", AF_INET6, NULL, "::1", 8895},
	{"Socket inet6:0008895@::1\n", AF_INET6, NULL, "::1", 8895},
	{"Socket unix:/run/m.sock\n", AF_UNIX, "/run/m.sock", "", 0},
	{"Socket local:/run/m.sock\n", AF_UNIX, "/run/m.sock", "", 0},
};

START_TEST(test_socket_parts)
{
	char errs[1024];
	struct conf *c = parse(sockets[_i].text, errs, sizeof(errs));

	ck_assert_msg(c != NULL, "%s", errs);
	ck_assert_int_eq(c->socket_family, sockets[_i].want_family);
	if (sockets[_i].want_path == NULL)
		ck_assert_ptr_null(c->socket_path);
	else
		ck_assert_str_eq(c->socket_path, sockets[_i].want_path);
	ck_assert_str_eq(c->socket_host, sockets[_i].want_host);
	ck_assert_uint_eq(c->socket_port, sockets[_i].want_port);
	conf_free(c);
}
END_TEST

/* dump - conf_dump() of c as a string (free it) */
static char *
dump(const struct conf *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(conf_dump(c, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
	return text;
}

/* strip_comments - a dump without its origin comments, in place */
static char *
strip_comments(char *text)
{
	char *r = text, *w = text, *cut;

	while (*r != '\0') {
		cut = r;
		while (*cut != '\0' && *cut != '\n' &&
		    !((*cut == ' ' || *cut == '\t') && cut[1] == '#'))
			cut++;
		memmove(w, r, (size_t)(cut - r));
		w += cut - r;
		while (w > text && w[-1] == ' ')
			w--;
		*w++ = '\n';
		r = strchr(cut, '\n');
		r = r != NULL ? r + 1 : cut + strlen(cut);
	}
	*w = '\0';
	return text;
}

/* has_line - 1 if text holds the line "key value", padded, then "# origin" */
static int
has_line(const char *text, const char *kv, const char *origin)
{
	const char *p, *end;
	size_t n = strlen(kv);

	for (p = text; *p != '\0'; p = *end ? end + 1 : end) {
		end = strchr(p, '\n');
		if (end == NULL)
			end = p + strlen(p);
		if (strncmp(p, kv, n) != 0 || p[n] != ' ')
			continue;
		p += n + strspn(p + n, " ");
		if (p[0] == '#' && p[1] == ' ' &&
		    (size_t)(end - p - 2) == strlen(origin) &&
		    strncmp(p + 2, origin, strlen(origin)) == 0)
			return 1;
	}
	return 0;
}

/* isolation-milter -d: every key, its value, where it came from; the
 * dump loads to the same configuration and dumps the same again */
START_TEST(test_dump)
{
	char path[] = "/tmp/check_conf_XXXXXX", text[2048], errs[2048];
	char *d1, *d2, *t1;
	struct conf *c, *c2;
	struct ipaddr ip;
	FILE *fp;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	fputs("# more domains\nexample.com\n", fp);
	fclose(fp);
	snprintf(text, sizeof(text),
	    "Socket inet6:8895@[::1]\n"
	    "LocalDomains Example.NET. example.org\n"
	    "LocalDomains file:%s # and these\n"
	    "CustomerNetworks 10.0.0.0/8, 2001:db8::/32\n"
	    "TrustedNetworks\n"
	    "DaemonRoles SUB=outbound, MX=inbound\n"
	    "SubaddressDelimiter\n"
	    "RateLimit login recipients 500/1h\n"
	    "RateLimit ip messages 100/10m\n"
	    "DNSBL zen.spamhaus.org=127.0.0.[10..11]\n"
	    "DNSBL bl.example.test\n"
	    "SPFAction SoftFail reject\n"
	    "DNSTimeout 1500ms\n"
	    "QuarantineEscalation 3x up to 2d within 10d\n"
	    "SupportContact call \\#5, \"the desk\" # weekdays\n"
	    "RedisPassword s3cr#t\n"
	    "RedisServer [::1]:6379\n"
	    "AlertSendmail /usr/lib/sendmail -t -i\n"
	    "action.INBOUND.spf_fail report\n"
	    "Action.outbound.rate off\n", path);
	c = parse(text, errs, sizeof(errs));
	ck_assert_msg(c != NULL, "%s", errs);
	d1 = dump(c);
	/* untouched keys: their default; unset ones commented out */
	ck_assert_msg(has_line(d1, "DNSTimeout 1500ms", "test.conf:13"), "%s", d1);
	ck_assert_msg(has_line(d1, "QuarantineTTL 24h", "default"), "%s", d1);
	ck_assert_msg(has_line(d1, "#PidFile", "default: not set"), "%s", d1);
	ck_assert_msg(has_line(d1, "Action.inbound.auth reject", "default"),
	    "%s", d1);
	/* keys from the file: as written, each line with its own origin */
	ck_assert_msg(has_line(d1, "LocalDomains Example.NET. example.org",
	    "test.conf:2"), "%s", d1);
	snprintf(text, sizeof(text), "LocalDomains file:%s", path);
	ck_assert_msg(has_line(d1, text, "test.conf:3"), "%s", d1);
	ck_assert_msg(has_line(d1, "RateLimit ip messages 100/10m",
	    "test.conf:9"), "%s", d1);
	ck_assert_msg(has_line(d1, "TrustedNetworks", "test.conf:5"), "%s", d1);
	ck_assert_msg(has_line(d1, "SupportContact call \\#5, \"the desk\"",
	    "test.conf:15"), "%s", d1);
	ck_assert_msg(has_line(d1, "Action.inbound.spf_fail report",
	    "test.conf:19"), "%s", d1);
	/* SPFAction's file line adds to the defaults it leaves */
	ck_assert_msg(has_line(d1, "SPFAction SoftFail reject", "test.conf:12"),
	    "%s", d1);
	ck_assert_msg(has_line(d1, "SPFAction permerror report", "default"),
	    "%s", d1);
	ck_assert_ptr_null(strstr(d1, "SPFAction softfail report"));

	/* the dump is a configuration file: the same one */
	c2 = parse(d1, errs, sizeof(errs));
	ck_assert_msg(c2 != NULL, "%s\n%s", errs, d1);
	ck_assert_str_eq(c2->socket_host, "::1");
	ck_assert_uint_eq(c2->local_domains.n, 3);
	ck_assert_int_eq(conf_is_local_domain(c2, "example.com"), 1);
	ck_assert_int_eq(ip_parse("2001:db8::5", &ip), 0);
	ck_assert_int_eq(netset_contains(c2->customer_networks, &ip), 1);
	ck_assert_ptr_null(c2->trusted_networks);
	ck_assert_uint_eq(c2->n_daemon_roles, 2);
	ck_assert_str_eq(c2->subaddress_delimiter, "");
	ck_assert_uint_eq(c2->n_rate_limits, 2);
	ck_assert_uint_eq(c2->rate_limits[1].window_ms, 600000UL);
	ck_assert_uint_eq(c2->n_dnsbls, 2);
	ck_assert_str_eq(dnsbl_filter_text(c2->dnsbls[0].filter),
	    "127.0.0.[10..11]");
	ck_assert_int_eq(c2->spf_actions[SPF_RESULT_SOFTFAIL], ACTION_REJECT);
	ck_assert_int_eq(c2->spf_actions[SPF_RESULT_PERMERROR], ACTION_REPORT);
	ck_assert_int_eq(c2->spf_actions[SPF_RESULT_TEMPERROR], ACTION_TEMPFAIL);
	ck_assert_uint_eq(c2->dns_timeout_ms, 1500);
	ck_assert_uint_eq(c2->esc_factor, 3);
	ck_assert_str_eq(c2->support_contact, "call #5, \"the desk\"");
	ck_assert_str_eq(c2->redis_password, "s3cr#t");
	ck_assert_str_eq(c2->alert_sendmail, "/usr/lib/sendmail -t -i");
	ck_assert_int_eq(c2->actions[RULE_INBOUND_SPF_FAIL], ACTION_REPORT);
	ck_assert_int_eq(c2->actions[RULE_OUTBOUND_RATE], ACTION_OFF);
	ck_assert_int_eq(c2->actions[RULE_INBOUND_AUTH], ACTION_REJECT);
	/* ... whose dump is the same, but for where each line came from */
	d2 = dump(c2);
	ck_assert_msg(!has_line(d2, "QuarantineTTL 24h", "default") &&
	    strstr(d2, "QuarantineTTL 24h ") != NULL, "%s", d2);
	t1 = strip_comments(d1);
	ck_assert_str_eq(strip_comments(d2), t1);
	free(d1);
	free(d2);
	conf_free(c2);
	conf_free(c);
	unlink(path);
}
END_TEST

/* write_file - a file of the test's own, mode 0600 */
static void
write_file(char *path, const char *text)
{
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Each allocation of a load fails in turn: an error, never an exit */
START_TEST(test_out_of_memory)
{
	char text[4096], errs[4096], conf_path[] = "/tmp/check_conf_XXXXXX",
	    map[] = "/tmp/check_conf_XXXXXX", tmpl[] = "/tmp/check_conf_XXXXXX",
	    contacts[] = "/tmp/check_conf_XXXXXX",
	    domains[] = "/tmp/check_conf_XXXXXX";
	const char *files[] = {conf_path, map, tmpl, contacts, domains};
	int seen[5] = {0};
	struct strlist errors = {0};
	struct conf *c;
	unsigned long n;
	size_t i, k, pos;

	write_file(map, "alice@example.net alice, alice2\n"
	    "@shop.example.net shopadmin\n  moreadmin\nbob bob\n");
	write_file(tmpl, "# the alert\nFrom: abuse@example.net\nTo: ${to}\n"
	    "Subject: ${ip} is blocked\n\nBlocked for ${reason}; $$0.\n");
	write_file(contacts, "192.0.2.0/28 noc@customer.example\n"
	    "2001:db8::/32 v6@customer.example\n");
	write_file(domains, "example.com\nexample.info\n");
	snprintf(text, sizeof(text), "%s"
	    "UserID nobody\n"
	    "SocketGroup root\n"
	    "AlwaysAllowRecipients help@example.net abuse@\n"
	    "SupportContact call 0800 123 # weekdays\n"
	    "QuarantineEscalation 3x up to 2d within 10d\n"
	    "AlertSendmail /usr/lib/sendmail -t -i\n"
	    "AlertLimit 3/1h\n"
	    "EventCommand /usr/local/bin/hook\n"
	    "StateFile /var/tmp/x.lmdb\n"
	    "SenderLoginMap %s\n"
	    "AlertTemplate %s\n"
	    "AlertContacts %s\n"
	    "LocalDomains file:%s\n", full_text, map, tmpl, contacts, domains);
	write_file(conf_path, text);
	for (n = 1;; n++) {
		alloc_calls = 0;
		fail_at = n;
		c = conf_load(conf_path, &errors);
		errs[0] = '\0';
		for (i = 0, pos = 0; i < errors.n && pos < sizeof(errs); i++)
			pos += (size_t)snprintf(errs + pos, sizeof(errs) - pos,
			    "%s%s", i ? "|" : "", errors.v[i]);
		strlist_clear(&errors);
		if (alloc_calls < n) {		/* none failed: the whole load */
			fail_at = 0;
			ck_assert_msg(c != NULL, "%s", errs);
			conf_free(c);
			break;
		}
		ck_assert_msg(c == NULL, "allocation %lu failed, the load went on",
		    n);
		ck_assert_msg(strstr(errs, "out of memory") != NULL,
		    "allocation %lu: \"%s\"", n, errs);
		/* which file's loader ran out (the last one named) */
		for (k = 0; k < 5; k++)
			if (strstr(errs, files[k]) != NULL)
				seen[k] = 1;
	}
	/* every kind of value allocates: a count this small misses some */
	ck_assert_uint_gt(n, 100);
	/* the file itself, the map, the template, the contacts, a file: list */
	for (k = 0; k < 5; k++)
		ck_assert_msg(seen[k], "no failure reported for %s", files[k]);
	for (k = 0; k < 5; k++)
		unlink(files[k]);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc;

	tc = tcase_create("defaults");
	tcase_add_test(tc, test_defaults);
	suite_add_tcase(s, tc);
	tc = tcase_create("every key");
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_incident_keys);
	tcase_add_test(tc, test_release_secret);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("checked when read");
	tcase_add_test(tc, test_checked_when_read);
	tcase_add_loop_test(tc, test_hostport, 0,
	    sizeof(hostports) / sizeof(hostports[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("out of memory");
	tcase_add_test(tc, test_out_of_memory);
	suite_add_tcase(s, tc);
	tc = tcase_create("comments");
	tcase_add_test(tc, test_comments);
	suite_add_tcase(s, tc);
	tc = tcase_create("socket");
	tcase_add_loop_test(tc, test_socket_parts, 0,
	    sizeof(sockets) / sizeof(sockets[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("dump");
	tcase_add_test(tc, test_dump);
	suite_add_tcase(s, tc);
	tc = tcase_create("durations");
	tcase_add_loop_test(tc, test_duration, 0,
	    sizeof(durations) / sizeof(durations[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_test(tc, test_list_file);
	tcase_add_test(tc, test_load);
	tcase_add_test(tc, test_sender_map);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
