/*
 * NAME
 *	check_policy - unit tests for lib/policy.c
 * DESCRIPTION
 *	Role selection (DESIGN §2) and the first rules, as tables of
 *	configuration + facts -> verdict. The engine is pure, so every case
 *	is one call.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static const char base_conf[] =
    "LocalDomains example.net\n"
    "CustomerNetworks 10.0.0.0/8\n"
    "CustomerServers 10.9.9.9\n"
    "TrustedNetworks 192.0.2.0/24 127.0.0.0/8\n";

/* conf_with - base configuration plus extra lines ("RAW:" text alone) */
static struct conf *
conf_with(const char *extra)
{
	struct strlist errors = {0};
	char text[2048];
	struct conf *c;

	/* "RAW:" replaces the base configuration */
	if (extra != NULL && strncmp(extra, "RAW:", 4) == 0)
		snprintf(text, sizeof(text), "%s", extra + 4);
	else
		snprintf(text, sizeof(text), "%s%s", base_conf, extra ? extra : "");
	c = conf_parse("policy.conf", text, &errors);
	ck_assert_msg(c != NULL, "config: %s", errors.n ? errors.v[0] : "?");
	strlist_clear(&errors);
	return c;
}

static const struct {
	const char *conf;
	const char *daemon_name;
	unsigned port;
	enum role want;
} roles[] = {
	{NULL, "ORIGINATING", 25, ROLE_OUTBOUND},
	{NULL, "MSA", 25, ROLE_OUTBOUND},
	{NULL, "INBOUND", 587, ROLE_INBOUND},	/* name beats port */
	{NULL, "MTA", 0, ROLE_INBOUND},
	{NULL, "mta", 0, ROLE_INBOUND},
	{NULL, "smtpd", 587, ROLE_OUTBOUND},	/* unknown name: port */
	{NULL, NULL, 465, ROLE_OUTBOUND},
	{NULL, NULL, 25, ROLE_INBOUND},		/* DefaultRole */
	{NULL, NULL, 0, ROLE_INBOUND},
	{"DefaultRole outbound\n", NULL, 25, ROLE_OUTBOUND},
	{"Role inbound\n", "ORIGINATING", 587, ROLE_INBOUND},
	{"Role outbound\n", "MTA", 25, ROLE_OUTBOUND},
	{"DaemonRoles relay=outbound\n", "MSA", 25, ROLE_INBOUND},
	{"DaemonRoles relay=outbound\n", "RELAY", 25, ROLE_OUTBOUND},
	{"SubmissionPorts 2525\n", NULL, 587, ROLE_INBOUND},
	{"SubmissionPorts 2525\n", NULL, 2525, ROLE_OUTBOUND},
};

START_TEST(test_role)
{
	struct conf *c = conf_with(roles[_i].conf);

	ck_assert_int_eq(policy_role(c, roles[_i].daemon_name, roles[_i].port),
	    roles[_i].want);
	conf_free(c);
}
END_TEST

static const struct {
	const char *name;
	const char *conf;
	enum role role;
	const char *ip;
	unsigned port;
	const char *auth;
	enum stage stage;
	enum rule_id want_rule;
	enum action want_action;
	const char *want_code;
	const char *want_ecode;
	size_t want_reports;
	enum action want_would;		/* of the first report */
} cases[] = {
	{"outside server on the MX", NULL, ROLE_INBOUND, "198.51.100.7", 25,
	NULL, STAGE_MAIL, RULE_NONE, ACTION_ACCEPT, "", "", 0, 0},
	{"MX on 587", NULL, ROLE_INBOUND, "198.51.100.7", 587,
	NULL, STAGE_MAIL, RULE_INBOUND_SUBMISSION_PORT, ACTION_REJECT,
	"550", "5.7.1", 0, 0},
	{"MX on 465", NULL, ROLE_INBOUND, "198.51.100.7", 465,
	NULL, STAGE_MAIL, RULE_INBOUND_SUBMISSION_PORT, ACTION_REJECT,
	"550", "5.7.1", 0, 0},
	{"MX on 587 from a trusted relay", NULL, ROLE_INBOUND, "192.0.2.5",
	587, NULL, STAGE_MAIL, RULE_NONE, ACTION_ACCEPT, "", "", 0, 0},
	{"MX on 587, tempfail", "Action.inbound.submission_port tempfail\n",
	ROLE_INBOUND, "198.51.100.7", 587, NULL, STAGE_MAIL,
	RULE_INBOUND_SUBMISSION_PORT, ACTION_TEMPFAIL, "451", "4.7.1", 0, 0},
	{"MX on 587, off", "Action.inbound.submission_port off\n",
	ROLE_INBOUND, "198.51.100.7", 587, NULL, STAGE_MAIL,
	RULE_NONE, ACTION_ACCEPT, "", "", 0, 0},
	{"AUTH on the MX", NULL, ROLE_INBOUND, "198.51.100.7", 25,
	"alice@example.net", STAGE_MAIL, RULE_INBOUND_AUTH, ACTION_REJECT,
	"550", "5.7.1", 0, 0},
	{"AUTH on the MX, report", "Action.inbound.auth report\n",
	ROLE_INBOUND, "198.51.100.7", 25, "alice", STAGE_MAIL, RULE_NONE,
	ACTION_ACCEPT, "", "", 1, ACTION_REJECT},
	{"AUTH on the MX not at RCPT", NULL, ROLE_INBOUND, "198.51.100.7", 25,
	"alice", STAGE_RCPT, RULE_NONE, ACTION_ACCEPT, "", "", 0, 0},
	{"AUTH on 587 of the MX: port first", NULL, ROLE_INBOUND,
	"198.51.100.7", 587, "alice", STAGE_MAIL,
	RULE_INBOUND_SUBMISSION_PORT, ACTION_REJECT, "550", "5.7.1", 0, 0},
	{"Mode report on the MX", "Mode report\n", ROLE_INBOUND,
	"198.51.100.7", 587, "alice", STAGE_MAIL, RULE_NONE, ACTION_ACCEPT,
	"", "", 2, ACTION_REJECT},
	{"Mode report keeps tempfail as would",
	"Mode report\nAction.inbound.submission_port tempfail\n",
	ROLE_INBOUND, "198.51.100.7", 587, NULL, STAGE_MAIL, RULE_NONE,
	ACTION_ACCEPT, "", "", 1, ACTION_TEMPFAIL},
	{"customer on the MX", NULL, ROLE_INBOUND, "10.1.2.3", 25, NULL,
	STAGE_MAIL, RULE_INBOUND_CUSTOMER_DIRECT, ACTION_REJECT, "550",
	"5.7.1", 0, 0},
	{"customer server on the MX", NULL, ROLE_INBOUND, "10.9.9.9", 25, NULL,
	STAGE_MAIL, RULE_NONE, ACTION_ACCEPT, "", "", 0, 0},
	{"customer on the MX, trusted too",
	"TrustedNetworks 10.1.0.0/16\n", ROLE_INBOUND, "10.1.2.3", 25, NULL,
	STAGE_MAIL, RULE_NONE, ACTION_ACCEPT, "", "", 0, 0},
	{"customer on the MX, off", "Action.inbound.customer_direct off\n",
	ROLE_INBOUND, "10.1.2.3", 25, NULL, STAGE_MAIL, RULE_NONE,
	ACTION_ACCEPT, "", "", 0, 0},
	{"customer with AUTH on the MX: customer first", NULL, ROLE_INBOUND,
	"10.1.2.3", 25, "alice", STAGE_MAIL, RULE_INBOUND_CUSTOMER_DIRECT,
	ACTION_REJECT, "550", "5.7.1", 0, 0},
	{"submission without AUTH", NULL, ROLE_OUTBOUND, "203.0.113.4", 587,
	NULL, STAGE_MAIL, RULE_OUTBOUND_AUTH_REQUIRED, ACTION_REJECT, "530",
	"5.7.0", 0, 0},
	{"submission without AUTH from a customer", NULL, ROLE_OUTBOUND,
	"10.1.1.1", 587, NULL, STAGE_MAIL, RULE_OUTBOUND_AUTH_REQUIRED,
	ACTION_REJECT, "530", "5.7.0", 0, 0},
	{"submission with AUTH", NULL, ROLE_OUTBOUND, "203.0.113.4", 587,
	"alice@example.net", STAGE_MAIL, RULE_NONE, ACTION_ACCEPT, "", "",
	0, 0},
	{"submission, port unknown", NULL, ROLE_OUTBOUND, "203.0.113.4", 0,
	NULL, STAGE_MAIL, RULE_OUTBOUND_AUTH_REQUIRED, ACTION_REJECT, "530",
	"5.7.0", 0, 0},
	{"trusted relay without AUTH", NULL, ROLE_OUTBOUND, "192.0.2.9", 25,
	NULL, STAGE_MAIL, RULE_NONE, ACTION_ACCEPT, "", "", 0, 0},
	{"customer on port 25, auth", NULL, ROLE_OUTBOUND, "10.1.1.1", 25,
	NULL, STAGE_MAIL, RULE_OUTBOUND_AUTH_REQUIRED, ACTION_REJECT, "530",
	"5.7.0", 0, 0},
	{"customer on port 25, open", "CustomerPort25 open\n", ROLE_OUTBOUND,
	"10.1.1.1", 25, NULL, STAGE_MAIL, RULE_NONE, ACTION_ACCEPT, "", "",
	0, 0},
	{"customer on 587, open still needs AUTH", "CustomerPort25 open\n",
	ROLE_OUTBOUND, "10.1.1.1", 587, NULL, STAGE_MAIL,
	RULE_OUTBOUND_AUTH_REQUIRED, ACTION_REJECT, "530", "5.7.0", 0, 0},
	{"customer server on port 25 is an outsider", "CustomerPort25 open\n",
	ROLE_OUTBOUND, "10.9.9.9", 25, NULL, STAGE_MAIL,
	RULE_OUTBOUND_OUTSIDER_PORT25, ACTION_REJECT, "550", "5.7.1", 0, 0},
	{"outsider on port 25", NULL, ROLE_OUTBOUND, "203.0.113.4", 25, NULL,
	STAGE_MAIL, RULE_OUTBOUND_OUTSIDER_PORT25, ACTION_REJECT, "550",
	"5.7.1", 0, 0},
	{"outsider on port 25 with AUTH", NULL, ROLE_OUTBOUND, "203.0.113.4",
	25, "alice", STAGE_MAIL, RULE_NONE, ACTION_ACCEPT, "", "", 0, 0},
	{"auth_required tempfail", "Action.outbound.auth_required tempfail\n",
	ROLE_OUTBOUND, "203.0.113.4", 587, NULL, STAGE_MAIL,
	RULE_OUTBOUND_AUTH_REQUIRED, ACTION_TEMPFAIL, "451", "4.7.0", 0, 0},
	{"auth_required report", "Action.outbound.auth_required report\n",
	ROLE_OUTBOUND, "203.0.113.4", 587, NULL, STAGE_MAIL, RULE_NONE,
	ACTION_ACCEPT, "", "", 1, ACTION_REJECT},
	{"inbound rules do not apply outbound", NULL, ROLE_OUTBOUND,
	"203.0.113.4", 587, "alice", STAGE_MAIL, RULE_NONE, ACTION_ACCEPT,
	"", "", 0, 0},
	{"unknown client address", NULL, ROLE_OUTBOUND, NULL, 587, NULL,
	STAGE_MAIL, RULE_OUTBOUND_AUTH_REQUIRED, ACTION_REJECT, "530",
	"5.7.0", 0, 0},
	{"nothing at end of message", NULL, ROLE_OUTBOUND, "203.0.113.4", 587,
	NULL, STAGE_EOM, RULE_NONE, ACTION_ACCEPT, "", "", 0, 0},
};

START_TEST(test_decide)
{
	struct conf *c = conf_with(cases[_i].conf);
	struct facts f;
	struct decision d;

	memset(&f, 0, sizeof(f));
	f.role = cases[_i].role;
	if (cases[_i].ip != NULL) {
		ck_assert_int_eq(ip_parse(cases[_i].ip, &f.ip), 0);
		f.ip_known = 1;
	}
	f.daemon_port = cases[_i].port;
	f.auth_login = cases[_i].auth;
	memset(&d, 0x5a, sizeof(d));
	policy_decide(c, &f, cases[_i].stage, &d);
	ck_assert_msg(d.final.rule == cases[_i].want_rule, "%s: rule %s",
	    cases[_i].name, rule_name(d.final.rule));
	ck_assert_msg(d.final.action == cases[_i].want_action, "%s: action %s",
	    cases[_i].name, action_name(d.final.action));
	if (cases[_i].want_action != ACTION_ACCEPT) {
		ck_assert_str_eq(d.final.code, cases[_i].want_code);
		ck_assert_str_eq(d.final.ecode, cases[_i].want_ecode);
		ck_assert_str_eq(d.final.text, rule_get(d.final.rule)->text);
	}
	ck_assert_msg(d.n_reports == cases[_i].want_reports, "%s: %zu reports",
	    cases[_i].name, d.n_reports);
	if (d.n_reports > 0) {
		ck_assert_int_eq(d.reports[0].action, ACTION_REPORT);
		ck_assert_int_eq(d.reports[0].would, cases[_i].want_would);
	}
	conf_free(c);
}
END_TEST


/* The inbound rules that need addresses, HELO, DNS and store facts. */
static const struct {
	const char *name;
	const char *conf;
	const char *ip;
	const char *helo;
	const char *from;
	const char *rcpt;
	enum stage stage;
	int	quarantined;
	int	dynamic;
	int	spf_checked;
	enum spf_result spf;
	enum rule_id want_rule;
	enum action want_action;
	const char *want_code;
	const char *want_ecode;
	int	want_quarantine;
} inbound[] = {
	{"clean outside server", NULL, "198.51.100.7", "mx.outside.test",
	"<a@outside.test>", NULL, STAGE_MAIL, FACT_NO, FACT_NO, 1,
	SPF_RESULT_PASS, RULE_NONE, ACTION_ACCEPT, "", "", 0},
	{"customer on the MX is quarantined", NULL, "10.1.2.3", "pc",
	"<a@outside.test>", NULL, STAGE_MAIL, FACT_NO, FACT_NO, 0, 0,
	RULE_INBOUND_CUSTOMER_DIRECT, ACTION_REJECT, "550", "5.7.1", 1},
	{"customer on the MX, tempfail still quarantines",
	"Action.inbound.customer_direct tempfail\n", "10.1.2.3", "pc",
	"<a@outside.test>", NULL, STAGE_MAIL, FACT_NO, FACT_NO, 0, 0,
	RULE_INBOUND_CUSTOMER_DIRECT, ACTION_TEMPFAIL, "451", "4.7.1", 1},
	{"customer on the MX, report: no quarantine",
	"Action.inbound.customer_direct report\n", "10.1.2.3", "pc",
	"<a@outside.test>", NULL, STAGE_MAIL, FACT_NO, FACT_NO, 0, 0,
	RULE_NONE, ACTION_ACCEPT, "", "", 0},
	{"quarantined outside IP", NULL, "198.51.100.7", "h", "<a@o.test>",
	"<bob@example.net>", STAGE_RCPT, FACT_YES, FACT_NO, 0, 0,
	RULE_INBOUND_QUARANTINED, ACTION_REJECT, "550", "5.7.1", 0},
	{"quarantined: not decided at MAIL", NULL, "198.51.100.7", "h",
	"<a@o.test>", NULL, STAGE_MAIL, FACT_YES, FACT_NO, 0, 0, RULE_NONE,
	ACTION_ACCEPT, "", "", 0},
	{"quarantined, to abuse@ (walled garden)", NULL, "198.51.100.7", "h",
	"<a@o.test>", "<Abuse@Example.NET>", STAGE_RCPT, FACT_YES, FACT_NO,
	0, 0, RULE_NONE, ACTION_ACCEPT, "", "", 0},
	{"quarantined, to <postmaster>", NULL, "198.51.100.7", "h",
	"<a@o.test>", "<postmaster>", STAGE_RCPT, FACT_YES, FACT_NO, 0, 0,
	RULE_NONE, ACTION_ACCEPT, "", "", 0},
	{"quarantined, to abuse@ of another domain", NULL, "198.51.100.7",
	"h", "<a@o.test>", "<abuse@other.test>", STAGE_RCPT, FACT_YES, FACT_NO,
	0, 0, RULE_INBOUND_QUARANTINED, ACTION_REJECT, "550", "5.7.1", 0},
	{"quarantined, abuse+x@ is not abuse@", NULL, "198.51.100.7", "h",
	"<a@o.test>", "<abuse+x@example.net>", STAGE_RCPT, FACT_YES, FACT_NO,
	0, 0, RULE_INBOUND_QUARANTINED, ACTION_REJECT, "550", "5.7.1", 0},
	{"quarantined, walled garden off", "AlwaysAllowRecipients\n",
	"198.51.100.7", "h", "<a@o.test>", "<abuse@example.net>", STAGE_RCPT,
	FACT_YES, FACT_NO, 0, 0, RULE_INBOUND_QUARANTINED, ACTION_REJECT,
	"550", "5.7.1", 0},
	{"quarantined, a listed address", "AlwaysAllowRecipients "
	"help@example.net\n", "198.51.100.7", "h", "<a@o.test>",
	"<HELP@example.net>", STAGE_RCPT, FACT_YES, FACT_NO, 0, 0, RULE_NONE,
	ACTION_ACCEPT, "", "", 0},
	{"store down, continue", NULL, "198.51.100.7", "h", "<a@o.test>",
	"<bob@example.net>", STAGE_RCPT, FACT_UNKNOWN, FACT_NO, 0, 0,
	RULE_NONE, ACTION_ACCEPT, "", "", 0},
	{"store down, tempfail", "OnStateError tempfail\n", "198.51.100.7",
	"h", "<a@o.test>", "<bob@example.net>", STAGE_RCPT, FACT_UNKNOWN,
	FACT_NO, 0, 0, RULE_INBOUND_QUARANTINED, ACTION_TEMPFAIL, "451",
	"4.3.0", 0},
	{"store down, tempfail, to abuse@", "OnStateError tempfail\n",
	"198.51.100.7", "h", "<a@o.test>", "<abuse@example.net>", STAGE_RCPT,
	FACT_UNKNOWN, FACT_NO, 0, 0, RULE_NONE, ACTION_ACCEPT, "", "", 0},
	{"dynamic IP", NULL, "198.51.100.7", "h", "<a@o.test>", NULL,
	STAGE_MAIL, FACT_NO, FACT_YES, 0, 0, RULE_INBOUND_DYNAMIC_IP,
	ACTION_REJECT, "550", "5.7.1", 0},
	{"dynamic unknown (DNS error) is not dynamic", NULL, "198.51.100.7",
	"h", "<a@o.test>", NULL, STAGE_MAIL, FACT_NO, FACT_UNKNOWN, 0, 0,
	RULE_NONE, ACTION_ACCEPT, "", "", 0},
	{"dynamic but a customer server", NULL, "10.9.9.9", "h", "<a@o.test>",
	NULL, STAGE_MAIL, FACT_NO, FACT_YES, 0, 0, RULE_NONE, ACTION_ACCEPT,
	"", "", 0},
	{"HELO our domain", NULL, "198.51.100.7", "example.net",
	"<a@o.test>", NULL, STAGE_MAIL, FACT_NO, FACT_NO, 0, 0,
	RULE_INBOUND_HELO_IMPERSONATION, ACTION_REJECT, "550", "5.7.1", 0},
	{"HELO a host in our domain, upper case, trailing dot", NULL,
	"198.51.100.7", "MX1.Example.NET.", "<a@o.test>", NULL, STAGE_MAIL,
	FACT_NO, FACT_NO, 0, 0, RULE_INBOUND_HELO_IMPERSONATION,
	ACTION_REJECT, "550", "5.7.1", 0},
	{"HELO our hostname", NULL, "198.51.100.7", "mx.isp.test",
	"<a@o.test>", NULL, STAGE_MAIL, FACT_NO, FACT_NO, 0, 0,
	RULE_INBOUND_HELO_IMPERSONATION, ACTION_REJECT, "550", "5.7.1", 0},
	{"HELO our address literal", NULL, "198.51.100.7", "[192.0.2.1]",
	"<a@o.test>", NULL, STAGE_MAIL, FACT_NO, FACT_NO, 0, 0,
	RULE_INBOUND_HELO_IMPERSONATION, ACTION_REJECT, "550", "5.7.1", 0},
	{"HELO look-alike domain is not ours", NULL, "198.51.100.7",
	"example.net.evil.test", "<a@o.test>", NULL, STAGE_MAIL, FACT_NO,
	FACT_NO, 0, 0, RULE_NONE, ACTION_ACCEPT, "", "", 0},
	{"HELO notexample.net is not ours", NULL, "198.51.100.7",
	"notexample.net", "<a@o.test>", NULL, STAGE_MAIL, FACT_NO, FACT_NO, 0,
	0, RULE_NONE, ACTION_ACCEPT, "", "", 0},
	{"HELO ours from a trusted relay", NULL, "192.0.2.5", "example.net",
	"<a@o.test>", NULL, STAGE_MAIL, FACT_NO, FACT_NO, 0, 0, RULE_NONE,
	ACTION_ACCEPT, "", "", 0},
	{"own domain from outside", NULL, "198.51.100.7", "h",
	"<alice@example.net>", NULL, STAGE_MAIL, FACT_NO, FACT_NO, 0, 0,
	RULE_INBOUND_OWN_DOMAIN, ACTION_REJECT, "550", "5.7.1", 0},
	{"own domain, mixed case and trailing dot", NULL, "198.51.100.7", "h",
	"<Alice@EXAMPLE.Net.>", NULL, STAGE_MAIL, FACT_NO, FACT_NO, 0, 0,
	RULE_INBOUND_OWN_DOMAIN, ACTION_REJECT, "550", "5.7.1", 0},
	{"own domain through a source route", NULL, "198.51.100.7", "h",
	"<@relay.test:alice@example.net>", NULL, STAGE_MAIL, FACT_NO,
	FACT_NO, 0, 0, RULE_INBOUND_OWN_DOMAIN, ACTION_REJECT, "550",
	"5.7.1", 0},
	{"own domain from a trusted relay", NULL, "192.0.2.5", "h",
	"<alice@example.net>", NULL, STAGE_MAIL, FACT_NO, FACT_NO, 0, 0,
	RULE_NONE, ACTION_ACCEPT, "", "", 0},
	{"null sender is not our domain", NULL, "198.51.100.7", "h", "<>",
	NULL, STAGE_MAIL, FACT_NO, FACT_NO, 0, 0, RULE_NONE, ACTION_ACCEPT,
	"", "", 0},
	{"SPF fail", NULL, "198.51.100.7", "h", "<a@o.test>", NULL,
	STAGE_MAIL, FACT_NO, FACT_NO, 1, SPF_RESULT_FAIL,
	RULE_INBOUND_SPF_FAIL, ACTION_REJECT, "550", "5.7.23", 0},
	{"SPF fail, off", "Action.inbound.spf_fail off\n", "198.51.100.7",
	"h", "<a@o.test>", NULL, STAGE_MAIL, FACT_NO, FACT_NO, 1,
	SPF_RESULT_FAIL, RULE_NONE, ACTION_ACCEPT, "", "", 0},
	{"SPF softfail is reported", NULL, "198.51.100.7", "h", "<a@o.test>",
	NULL, STAGE_MAIL, FACT_NO, FACT_NO, 1, SPF_RESULT_SOFTFAIL, RULE_NONE,
	ACTION_ACCEPT, "", "", 0},
	{"SPF softfail, reject", "SPFAction softfail reject\n",
	"198.51.100.7", "h", "<a@o.test>", NULL, STAGE_MAIL, FACT_NO,
	FACT_NO, 1, SPF_RESULT_SOFTFAIL, RULE_INBOUND_SPF_FAIL, ACTION_REJECT,
	"550", "5.7.23", 0},
	{"SPF temperror tempfails", NULL, "198.51.100.7", "h", "<a@o.test>",
	NULL, STAGE_MAIL, FACT_NO, FACT_NO, 1, SPF_RESULT_TEMPERROR,
	RULE_INBOUND_SPF_FAIL, ACTION_TEMPFAIL, "451", "4.7.24", 0},
	{"SPF permerror, reject", "SPFAction permerror reject\n",
	"198.51.100.7", "h", "<a@o.test>", NULL, STAGE_MAIL, FACT_NO,
	FACT_NO, 1, SPF_RESULT_PERMERROR, RULE_INBOUND_SPF_FAIL,
	ACTION_REJECT, "550", "5.7.24", 0},
	{"SPF none", NULL, "198.51.100.7", "h", "<a@o.test>", NULL,
	STAGE_MAIL, FACT_NO, FACT_NO, 1, SPF_RESULT_NONE, RULE_NONE,
	ACTION_ACCEPT, "", "", 0},
	{"SPF off entirely", "SPF no\n", "198.51.100.7", "h", "<a@o.test>",
	NULL, STAGE_MAIL, FACT_NO, FACT_NO, 1, SPF_RESULT_FAIL, RULE_NONE,
	ACTION_ACCEPT, "", "", 0},
	{"relay to another domain", NULL, "198.51.100.7", "h", "<a@o.test>",
	"<x@other.test>", STAGE_RCPT, FACT_NO, FACT_NO, 0, 0,
	RULE_INBOUND_RELAY, ACTION_REJECT, "550", "5.7.1", 0},
	{"recipient in our domain, upper case", NULL, "198.51.100.7", "h",
	"<a@o.test>", "<Bob@EXAMPLE.NET>", STAGE_RCPT, FACT_NO, FACT_NO, 0, 0,
	RULE_NONE, ACTION_ACCEPT, "", "", 0},
	{"recipient with a %-hack", NULL, "198.51.100.7", "h", "<a@o.test>",
	"<x%other.test@example.net>", STAGE_RCPT, FACT_NO, FACT_NO, 0, 0,
	RULE_INBOUND_RELAY, ACTION_REJECT, "550", "5.7.1", 0},
	{"recipient look-alike domain", NULL, "198.51.100.7", "h",
	"<a@o.test>", "<bob@example.net.evil.test>", STAGE_RCPT, FACT_NO,
	FACT_NO, 0, 0, RULE_INBOUND_RELAY, ACTION_REJECT, "550", "5.7.1", 0},
	{"unparseable recipient", NULL, "198.51.100.7", "h", "<a@o.test>",
	"<bob@example.net@evil.test>", STAGE_RCPT, FACT_NO, FACT_NO, 0, 0,
	RULE_INBOUND_RELAY, ACTION_REJECT, "550", "5.7.1", 0},
	{"postmaster without domain", NULL, "198.51.100.7", "h", "<a@o.test>",
	"<postmaster>", STAGE_RCPT, FACT_NO, FACT_NO, 0, 0, RULE_NONE,
	ACTION_ACCEPT, "", "", 0},
	{"relay from a trusted relay", NULL, "192.0.2.5", "h", "<a@o.test>",
	"<x@other.test>", STAGE_RCPT, FACT_NO, FACT_NO, 0, 0, RULE_NONE,
	ACTION_ACCEPT, "", "", 0},
	{"relay, no LocalDomains: not evaluated", "RAW:TrustedNetworks 192.0.2.0/24\n",
	"198.51.100.7", "h", "<a@o.test>", "<x@other.test>", STAGE_RCPT,
	FACT_NO, FACT_NO, 0, 0, RULE_NONE, ACTION_ACCEPT, "", "", 0},
	{"Mode report: nothing refused, nothing quarantined", "Mode report\n",
	"10.1.2.3", "example.net", "<alice@example.net>", NULL, STAGE_MAIL,
	FACT_YES, FACT_YES, 1, SPF_RESULT_FAIL, RULE_NONE, ACTION_ACCEPT, "",
	"", 0},
};

START_TEST(test_inbound)
{
	struct conf *c = conf_with(inbound[_i].conf);
	struct addr from, rcpt;
	struct facts f;
	struct decision d;
	const char *why;

	memset(&f, 0, sizeof(f));
	f.role = ROLE_INBOUND;
	ck_assert_int_eq(ip_parse(inbound[_i].ip, &f.ip), 0);
	f.ip_known = 1;
	f.daemon_port = 25;
	f.helo = inbound[_i].helo;
	f.our_hostname = "mx.isp.test";
	ck_assert_int_eq(ip_parse("192.0.2.1", &f.daemon_addr), 0);
	f.daemon_addr_known = 1;
	if (inbound[_i].from != NULL) {
		ck_assert_int_eq(addr_parse(inbound[_i].from, &from, &why), 0);
		f.mail_from = &from;
	}
	if (inbound[_i].rcpt != NULL) {
		if (addr_parse(inbound[_i].rcpt, &rcpt, &why) == 0)
			f.rcpt = &rcpt;
		else
			f.rcpt_unparsed = 1;
	}
	f.quarantined = inbound[_i].quarantined;
	f.dynamic = inbound[_i].dynamic;
	f.dynamic_why = "generic reverse name";
	f.spf_checked = inbound[_i].spf_checked;
	f.spf = inbound[_i].spf;
	f.spf_why = "test";
	policy_decide(c, &f, inbound[_i].stage, &d);
	ck_assert_msg(d.final.rule == inbound[_i].want_rule, "%s: rule %s",
	    inbound[_i].name, rule_name(d.final.rule));
	ck_assert_msg(d.final.action == inbound[_i].want_action,
	    "%s: action %s", inbound[_i].name, action_name(d.final.action));
	if (inbound[_i].want_action != ACTION_ACCEPT) {
		ck_assert_str_eq(d.final.code, inbound[_i].want_code);
		ck_assert_str_eq(d.final.ecode, inbound[_i].want_ecode);
	}
	ck_assert_int_eq(d.final.quarantine_ip, inbound[_i].want_quarantine);
	conf_free(c);
}
END_TEST

START_TEST(test_rule_table)
{
	int i;
	enum rule_id id;
	enum action a;

	for (i = 0; i < RULE_COUNT; i++) {
		const struct rule_def *def = rule_get((enum rule_id)i);

		ck_assert_ptr_nonnull(def->id);
		ck_assert_int_eq(rule_lookup(def->id, &id), 1);
		ck_assert_int_eq(id, i);
		ck_assert_int_eq(strlen(def->code), 3);
		ck_assert_int_eq(def->code[0], def->ecode[0]);
		ck_assert_msg(strlen(def->text) > 30, "%s: reply too short", def->id);
		ck_assert_msg(strncmp(def->id, def->role == ROLE_INBOUND ?
		    "inbound." : "outbound.", def->role == ROLE_INBOUND ? 8 : 9) == 0,
		    "%s: role", def->id);
	}
	ck_assert_int_eq(rule_lookup("inbound.none", &id), 0);
	ck_assert_int_eq(action_parse("REPORT", &a), 0);
	ck_assert_int_eq(a, ACTION_REPORT);
	ck_assert_int_eq(action_parse("accept", &a), -1);
	ck_assert_str_eq(rule_name(RULE_NONE), "-");
}
END_TEST

static const struct {
	const char *name;
	const char *conf;
	enum stage stage;
	unsigned long count;		/* of the first RateLimit line */
	unsigned long reset_ms;
	int	unknown;		/* the store failed */
	enum rule_id want_rule;
	const char *want_code;
	const char *want_text;		/* in the reply */
} rates[] = {
	{"under the limit", NULL, STAGE_MAIL, 3, 1000, 0, RULE_NONE, "", ""},
	{"at the limit", NULL, STAGE_MAIL, 5, 1000, 0, RULE_NONE, "", ""},
	{"over the limit", NULL, STAGE_MAIL, 6, 1500000, 0, RULE_OUTBOUND_RATE,
	    "451", "login alice@example.net: more than 5 messages in 60 min; "
	    "try again in 25 min"},
	{"over, at RCPT too", NULL, STAGE_RCPT, 6, 30000, 0, RULE_OUTBOUND_RATE,
	    "451", "try again in 30 s"},
	{"over, hours", NULL, STAGE_RCPT, 6, 3 * 3600000UL, 0,
	    RULE_OUTBOUND_RATE, "451", "try again in 3 h"},
	{"not at EOM", NULL, STAGE_EOM, 6, 1000, 0, RULE_NONE, "", ""},
	{"reject when so configured", "Action.outbound.rate reject\n",
	    STAGE_MAIL, 6, 1000, 0, RULE_OUTBOUND_RATE, "550", "more than 5"},
	{"off", "Action.outbound.rate off\n", STAGE_MAIL, 6, 1000, 0,
	    RULE_NONE, "", ""},
	{"store down, continue", NULL, STAGE_MAIL, 0, 0, 1, RULE_NONE, "", ""},
	{"store down, tempfail", "OnStateError tempfail\n", STAGE_MAIL, 0, 0,
	    1, RULE_OUTBOUND_RATE, "451", "cannot be checked now"},
};

START_TEST(test_rate)
{
	struct conf *c = conf_with(rates[_i].conf);
	struct rate_limit rl = {RATE_SCOPE_LOGIN, RATE_MESSAGES, 5, 3600000};
	struct rate_fact r = {&rl, "alice@example.net", rates[_i].count,
	    rates[_i].reset_ms};
	struct decision d;
	struct facts f;

	memset(&f, 0, sizeof(f));
	f.role = ROLE_OUTBOUND;
	f.ip_known = ip_parse("198.51.100.7", &f.ip) == 0;
	f.daemon_port = 587;
	f.auth_login = "alice@example.net";
	f.rates = &r;
	f.n_rates = rates[_i].unknown ? 0 : 1;
	f.rates_unknown = rates[_i].unknown;
	policy_decide(c, &f, rates[_i].stage, &d);
	ck_assert_msg(d.final.rule == rates[_i].want_rule, "%s: rule %s",
	    rates[_i].name, rule_name(d.final.rule));
	if (rates[_i].want_rule != RULE_NONE) {
		ck_assert_str_eq(d.final.code, rates[_i].want_code);
		ck_assert_msg(strstr(d.final.text, rates[_i].want_text) != NULL,
		    "%s: \"%s\"", rates[_i].name, d.final.text);
	}
	conf_free(c);
}
END_TEST

/* refusals for sending as others or too fast are strikes; others not */
START_TEST(test_strikes)
{
	struct conf *c = conf_with(NULL), *off = conf_with("LoginQuarantine off\n");
	struct rate_limit rl = {RATE_SCOPE_LOGIN, RATE_MESSAGES, 5, 3600000};
	struct rate_fact r = {&rl, "alice@example.net", 6, 1000};
	struct addr from;
	struct decision d;
	struct facts f;

	ck_assert_uint_eq(c->login_strikes, 10);
	ck_assert_uint_eq(c->login_strikes_window_ms, 3600000);
	ck_assert_int_eq(policy_login_quarantine(c, 9), 0);
	ck_assert_int_eq(policy_login_quarantine(c, 10), 1);
	ck_assert_int_eq(policy_login_quarantine(off, 1000), 0);

	memset(&f, 0, sizeof(f));
	f.role = ROLE_OUTBOUND;
	f.ip_known = ip_parse("198.51.100.7", &f.ip) == 0;
	f.daemon_port = 587;
	f.auth_login = "alice@example.net";
	ck_assert_int_eq(addr_parse("<bob@example.net>", &from, NULL), 0);
	f.mail_from = &from;
	policy_decide(c, &f, STAGE_MAIL, &d);
	ck_assert_int_eq(d.final.rule, RULE_OUTBOUND_SENDER_MISMATCH);
	ck_assert_int_eq(d.final.strike_login, 1);
	policy_decide(off, &f, STAGE_MAIL, &d);
	ck_assert_int_eq(d.final.strike_login, 0);

	ck_assert_int_eq(addr_parse("<alice@example.net>", &from, NULL), 0);
	f.rates = &r;
	f.n_rates = 1;
	policy_decide(c, &f, STAGE_MAIL, &d);
	ck_assert_int_eq(d.final.rule, RULE_OUTBOUND_RATE);
	ck_assert_int_eq(d.final.strike_login, 1);

	f.n_rates = 0;
	f.auth_login = NULL;		/* auth_required: no login to strike */
	policy_decide(c, &f, STAGE_MAIL, &d);
	ck_assert_int_eq(d.final.rule, RULE_OUTBOUND_AUTH_REQUIRED);
	ck_assert_int_eq(d.final.strike_login, 0);
	conf_free(c);
	conf_free(off);
}
END_TEST

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc;

	tc = tcase_create("role");
	tcase_add_loop_test(tc, test_role, 0, sizeof(roles) / sizeof(roles[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("decide");
	tcase_add_loop_test(tc, test_decide, 0, sizeof(cases) / sizeof(cases[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("inbound");
	tcase_add_loop_test(tc, test_inbound, 0,
	    sizeof(inbound) / sizeof(inbound[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("rate");
	tcase_add_loop_test(tc, test_rate, 0, sizeof(rates) / sizeof(rates[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("strikes");
	tcase_add_test(tc, test_strikes);
	suite_add_tcase(s, tc);
	tc = tcase_create("rule table");
	tcase_add_test(tc, test_rule_table);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
