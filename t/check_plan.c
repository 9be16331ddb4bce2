/*
 * NAME
 *	check_plan - unit tests for the decision plan (policy_needs()) and
 *	the facts builder (lib/envelope.c)
 * DESCRIPTION
 *	A table of sessions, as the MTA would describe them, through the
 *	facts builder and policy_needs(): the lookups each stage needs.
 *	Every exemption that makes a lookup pointless has a row (trusted
 *	relays, customers for DNS, the help desk for the quarantine, a rule
 *	switched off, Mode report, an earlier enforced refusal), and every
 *	row is checked against policy_decide() too: a fact the plan does
 *	not need never changes the verdict.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "policy.h"

static const char base_conf[] =
    "LocalDomains example.net\n"
    "CustomerNetworks 10.0.0.0/8\n"
    "CustomerServers 10.9.9.9\n"
    "TrustedNetworks 192.0.2.0/24\n"
    "DNSBL zen.test\n"
    "DaemonRoles MTA=inbound MSA=outbound\n"
    "RateLimit login messages 100/1h\n"
    "RateLimit ip recipients 500/1h\n";

/* conf_with - base configuration plus extra lines */
static struct conf *
conf_with(const char *extra)
{
	struct strlist errors = {0};
	char text[2048];
	struct conf *c;

	snprintf(text, sizeof(text), "%s%s", base_conf, extra ? extra : "");
	c = conf_parse("plan.conf", text, &errors);
	ck_assert_msg(c != NULL, "config: %s", errors.n ? errors.v[0] : "?");
	strlist_clear(&errors);
	return c;
}

#define Q_IP	NEED_QUARANTINE_IP
#define Q_LOGIN	NEED_QUARANTINE_LOGIN
#define SEEN	NEED_SEEN_LOGIN
#define R_MSG	NEED_RATE_MESSAGES
#define R_RCPT	NEED_RATE_RECIPIENTS
#define DNS	(NEED_DNSBL | NEED_PTR)
#define SPF	NEED_SPF

static const struct {
	const char *name;
	const char *conf;
	const char *daemon;		/* MTA: inbound, MSA: outbound */
	const char *ip;
	const char *port;
	const char *auth;
	const char *from;
	const char *rcpt;		/* given: the stage is RCPT */
	unsigned want;
} plans[] = {
	/* inbound, MAIL */
	{"outsider: DNS and SPF", NULL, "MTA", "198.51.100.7", "25", NULL,
	"<a@b.test>", NULL, DNS | SPF},
	{"outsider, null sender: SPF of the HELO", NULL, "MTA",
	"198.51.100.7", "25", NULL, "<>", NULL, DNS | SPF},
	{"outsider, unparsed sender: no SPF", NULL, "MTA", "198.51.100.7",
	"25", NULL, "<a@@b>", NULL, DNS},
	{"outsider, sender without a domain: no SPF", NULL, "MTA",
	"198.51.100.7", "25", NULL, "<postmaster>", NULL, DNS},
	{"trusted relay: nothing", NULL, "MTA", "192.0.2.9", "25", NULL,
	"<a@b.test>", NULL, 0},
	{"customer, customer_direct enforced: nothing after it", NULL,
	"MTA", "10.1.2.3", "25", NULL, "<a@b.test>", NULL, 0},
	{"customer, customer_direct report: SPF, never DNS",
	"Action.inbound.customer_direct report\n", "MTA", "10.1.2.3", "25",
	NULL, "<a@b.test>", NULL, SPF},
	{"customer server: an outside server, never a bot: SPF, no DNS",
	NULL, "MTA", "10.9.9.9", "25", NULL, "<a@b.test>", NULL, SPF},
	{"on 587 of the MX: refused before any lookup", NULL, "MTA",
	"198.51.100.7", "587", NULL, "<a@b.test>", NULL, 0},
	{"on 587 of the MX, Mode report: everything", "Mode report\n",
	"MTA", "198.51.100.7", "587", NULL, "<a@b.test>", NULL, DNS | SPF},
	{"dynamic_ip off: no DNS", "Action.inbound.dynamic_ip off\n", "MTA",
	"198.51.100.7", "25", NULL, "<a@b.test>", NULL, SPF},
	{"SPF no", "SPF no\n", "MTA", "198.51.100.7", "25", NULL,
	"<a@b.test>", NULL, DNS},
	{"SPF fail off and every SPFAction off: no SPF",
	"Action.inbound.spf_fail off\nSPFAction softfail off\n"
	"SPFAction temperror off\nSPFAction permerror off\n", "MTA",
	"198.51.100.7", "25", NULL, "<a@b.test>", NULL, DNS},
	{"SPF fail off, permerror still acts: SPF",
	"Action.inbound.spf_fail off\n", "MTA", "198.51.100.7", "25", NULL,
	"<a@b.test>", NULL, DNS | SPF},
	{"DynamicIPChecks dnsbl only", "DynamicIPChecks dnsbl\n", "MTA",
	"198.51.100.7", "25", NULL, "<a@b.test>", NULL, NEED_DNSBL | SPF},
	{"DynamicIPChecks unconfirmed: the forward lookup too",
	"DynamicIPChecks unconfirmed\n", "MTA", "198.51.100.7", "25", NULL,
	"<a@b.test>", NULL, NEED_PTR | NEED_PTR_FORWARD | SPF},
	{"no DNSBL zone: no DNSBL lookup", "RAW-NO-DNSBL", "MTA",
	"198.51.100.7", "25", NULL, "<a@b.test>", NULL, NEED_PTR | SPF},
	{"AUTH on the MX: refused first, DNS not needed", NULL, "MTA",
	"198.51.100.7", "25", "alice", "<a@b.test>", NULL, DNS},
	/* inbound, RCPT */
	{"outsider to us: the quarantine", NULL, "MTA", "198.51.100.7", "25",
	NULL, "<a@b.test>", "<bob@example.net>", Q_IP},
	{"to the help desk: no quarantine read", NULL, "MTA", "198.51.100.7",
	"25", NULL, "<a@b.test>", "<postmaster@example.net>", 0},
	{"trusted relay: no quarantine read", NULL, "MTA", "192.0.2.9", "25",
	NULL, "<a@b.test>", "<bob@example.net>", 0},
	{"quarantine off", "Action.inbound.quarantined off\n", "MTA",
	"198.51.100.7", "25", NULL, "<a@b.test>", "<bob@example.net>", 0},
	/* outbound */
	{"login at MAIL: seen note and messages", NULL, "MSA",
	"198.51.100.7", "587", "alice@example.net",
	"<alice@example.net>", NULL, SEEN | R_MSG},
	{"login, rate off: the seen note only", "Action.outbound.rate off\n",
	"MSA", "198.51.100.7", "587", "alice@example.net",
	"<alice@example.net>", NULL, SEEN},
	{"login as someone else: refused before the counter", NULL, "MSA",
	"198.51.100.7", "587", "alice@example.net", "<bob@example.net>",
	NULL, SEEN},
	{"no login on 587: refused, nothing", NULL, "MSA", "198.51.100.7",
	"587", NULL, "<alice@example.net>", NULL, 0},
	{"login at RCPT: quarantines and recipients", NULL, "MSA",
	"198.51.100.7", "587", "alice@example.net", "<alice@example.net>",
	"<friend@other.test>", Q_IP | Q_LOGIN | R_RCPT},
	{"trusted relay at RCPT: login quarantine not read, ip not counted",
	NULL, "MSA", "192.0.2.9", "587", "alice@example.net",
	"<alice@example.net>", "<friend@other.test>", 0},
	{"login to the help desk: counted, not refused", NULL, "MSA",
	"198.51.100.7", "587", "alice@example.net", "<alice@example.net>",
	"<abuse@example.net>", R_RCPT},
};

/* build - the facts of a row, through the facts builder */
static void
build(const struct conf *c, size_t i, struct envelope *e, struct facts *f)
{
	struct envelope_origin o;
	struct ipaddr ip;
	char why[128];

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(ip_parse(plans[i].ip, &ip), 0);
	o.ip = &ip;
	o.daemon_name = plans[i].daemon;
	o.daemon_port = plans[i].port;
	envelope_connect(e, c, "t", &o);
	envelope_helo(e, "client.b.test");
	ck_assert_int_eq(envelope_mail(e, plans[i].from, plans[i].auth, why,
	    sizeof(why)), 0);
	if (plans[i].rcpt != NULL)
		envelope_rcpt(e, plans[i].rcpt);
	envelope_facts(e, f);
}

START_TEST(test_plan)
{
	struct conf *c;
	struct envelope e;
	struct facts f;
	enum stage stage = plans[_i].rcpt != NULL ? STAGE_RCPT : STAGE_MAIL;
	char got[NEEDS_TEXT_MAX], want[NEEDS_TEXT_MAX];

	if (plans[_i].conf != NULL &&
	    strcmp(plans[_i].conf, "RAW-NO-DNSBL") == 0) {
		struct strlist errors = {0};
		char text[2048], *zone;

		snprintf(text, sizeof(text), "%s", base_conf);
		zone = strstr(text, "DNSBL zen.test\n");
		memmove(zone, zone + 15, strlen(zone + 15) + 1);
		c = conf_parse("plan.conf", text, &errors);
		ck_assert(c != NULL);
		strlist_clear(&errors);
	} else
		c = conf_with(plans[_i].conf);
	build(c, (size_t)_i, &e, &f);
	policy_needs_format(policy_needs(c, &f, stage), got, sizeof(got));
	policy_needs_format(plans[_i].want, want, sizeof(want));
	ck_assert_msg(strcmp(got, want) == 0, "%s: needs %s, wanted %s",
	    plans[_i].name, got, want);
	conf_free(c);
}
END_TEST

/* A fact the plan does not need never changes the verdict: every row,
 * decided with each unneeded fact set to its worst value, gives the
 * verdict it gives without. */
START_TEST(test_unneeded_facts_change_nothing)
{
	struct conf *c = conf_with(plans[_i].conf != NULL &&
	    strcmp(plans[_i].conf, "RAW-NO-DNSBL") != 0 ? plans[_i].conf : NULL);
	enum stage stage = plans[_i].rcpt != NULL ? STAGE_RCPT : STAGE_MAIL;
	struct decision plain, worst;
	struct envelope e;
	struct facts f, g;
	unsigned needs;

	build(c, (size_t)_i, &e, &f);
	needs = policy_needs(c, &f, stage);
	g = f;
	if ((needs & (NEED_QUARANTINE_IP | NEED_QUARANTINE_LOGIN)) == 0)
		g.quarantined = FACT_YES;
	if ((needs & (NEED_DNSBL | NEED_PTR)) == 0)
		g.dynamic = FACT_YES;
	if ((needs & NEED_SPF) == 0) {
		g.spf_checked = 1;
		g.spf = SPF_RESULT_FAIL;
	}
	if ((needs & (NEED_RATE_MESSAGES | NEED_RATE_RECIPIENTS)) == 0)
		g.rates_unknown = 1;
	policy_decide(c, &f, stage, &plain);
	policy_decide(c, &g, stage, &worst);
	ck_assert_msg(plain.final.rule == worst.final.rule &&
	    plain.final.action == worst.final.action &&
	    plain.n_reports == worst.n_reports,
	    "%s: an unneeded fact changed the verdict (%s %s -> %s %s)",
	    plans[_i].name, rule_name(plain.final.rule),
	    action_name(plain.final.action), rule_name(worst.final.rule),
	    action_name(worst.final.action));
	conf_free(c);
}
END_TEST

/* The case: a customer on the MX with customer_direct on report
 * is not a dynamic_ip refusal, whatever DNS would say. */
START_TEST(test_customer_not_dynamic)
{
	struct conf *c = conf_with("Action.inbound.customer_direct report\n");
	struct envelope e;
	struct facts f;
	struct decision d;

	build(c, 6, &e, &f);
	f.dynamic = FACT_YES;
	policy_decide(c, &f, STAGE_MAIL, &d);
	ck_assert_int_eq(d.final.action, ACTION_ACCEPT);
	ck_assert_uint_eq(d.n_reports, 1);
	ck_assert_int_eq(d.reports[0].rule, RULE_INBOUND_CUSTOMER_DIRECT);
	conf_free(c);
}
END_TEST

/* A report of SPF temperror says what enforcing it does: 451, tempfail. */
START_TEST(test_spf_temperror_report)
{
	struct conf *c = conf_with("SPFAction temperror report\n");
	struct envelope e;
	struct facts f;
	struct decision d;

	build(c, 0, &e, &f);
	f.spf_checked = 1;
	f.spf = SPF_RESULT_TEMPERROR;
	policy_decide(c, &f, STAGE_MAIL, &d);
	ck_assert_int_eq(d.final.action, ACTION_ACCEPT);
	ck_assert_uint_eq(d.n_reports, 1);
	ck_assert_int_eq(d.reports[0].rule, RULE_INBOUND_SPF_FAIL);
	ck_assert_int_eq(d.reports[0].would, ACTION_TEMPFAIL);
	ck_assert_str_eq(d.reports[0].code, "451");
	ck_assert_str_eq(d.reports[0].ecode, "4.7.24");
	conf_free(c);
}
END_TEST

START_TEST(test_needs_format)
{
	char buf[NEEDS_TEXT_MAX];

	ck_assert_str_eq(policy_needs_format(0, buf, sizeof(buf)), "none");
	ck_assert_str_eq(policy_needs_format(NEED_SPF | NEED_QUARANTINE_IP,
	    buf, sizeof(buf)), "quarantine_ip,spf");
	ck_assert_str_eq(policy_needs_format(0x3ff, buf, sizeof(buf)),
	    "quarantine_ip,quarantine_login,seen_login,rate_messages,"
	    "rate_recipients,dnsbl,ptr,ptr_forward,spf,header_senders");
	ck_assert_str_eq(policy_needs_format(NEED_DNSBL, buf, 4), "dns");
}
END_TEST

/* The facts builder: the MTA's strings, as the daemon and explain see them. */
START_TEST(test_envelope)
{
	struct conf *c = conf_with("IPv6Prefix 64\n");
	struct envelope_origin o;
	struct envelope e;
	struct ipaddr ip;
	struct facts f;
	char why[128], login[300];
	unsigned port = 7;

	ck_assert_int_eq(envelope_port("587", &port), 0);
	ck_assert_uint_eq(port, 587);
	ck_assert_int_eq(envelope_port("0", &port), -1);
	ck_assert_int_eq(envelope_port("65536", &port), -1);
	ck_assert_int_eq(envelope_port(" 25", &port), -1);
	ck_assert_int_eq(envelope_port("-25", &port), -1);
	ck_assert_int_eq(envelope_port("25x", &port), -1);
	ck_assert_int_eq(envelope_port(NULL, &port), -1);
	ck_assert_uint_eq(port, 587);

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(ip_parse("2001:db8:1:2:3:4:5:6", &ip), 0);
	o.ip = &ip;
	o.daemon_port = "bogus";
	o.daemon_name = "MSA";
	o.mta_version = "8.17.1";
	envelope_connect(&e, c, "t", &o);
	ck_assert_str_eq(e.ip_key, "2001:db8:1:2::/64");
	ck_assert_uint_eq(e.daemon_port, 0);
	ck_assert_int_eq(e.role, ROLE_OUTBOUND);
	ck_assert_int_eq(e.sendmail, 1);
	/* Sendmail's xtext login is decoded */
	ck_assert_int_eq(envelope_mail(&e, "<a@example.net>", "dave+2Bx",
	    why, sizeof(why)), 0);
	ck_assert_str_eq(e.auth, "dave+x");
	/* a login too long is refused whole */
	memset(login, 'a', sizeof(login) - 1);
	login[sizeof(login) - 1] = '\0';
	ck_assert_int_eq(envelope_mail(&e, "<a@example.net>", login, why,
	    sizeof(why)), -1);
	ck_assert_str_eq(why, "login longer than 255 octets");

	o.mta_version = "Postfix 3.7.11";
	envelope_connect(&e, c, "t", &o);
	ck_assert_int_eq(envelope_mail(&e, "<a@@b>", "dave+2Bx", why,
	    sizeof(why)), 0);
	ck_assert_str_eq(e.auth, "dave+2Bx");
	envelope_rcpt(&e, "<bob@example.net>");
	envelope_facts(&e, &f);
	ck_assert_ptr_null(f.mail_from);
	ck_assert_int_eq(f.mail_from_unparsed, 1);
	ck_assert_ptr_nonnull(f.rcpt);
	ck_assert_str_eq(f.auth_login, "dave+2Bx");
	/* a new transaction forgets the last one */
	ck_assert_int_eq(envelope_mail(&e, "<a@example.net>", NULL, why,
	    sizeof(why)), 0);
	envelope_facts(&e, &f);
	ck_assert_ptr_null(f.rcpt);
	ck_assert_ptr_null(f.auth_login);
	ck_assert_ptr_nonnull(f.mail_from);
	conf_free(c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("plan");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_plan, 0, sizeof(plans) / sizeof(plans[0]));
	tcase_add_loop_test(tc, test_unneeded_facts_change_nothing, 0,
	    sizeof(plans) / sizeof(plans[0]));
	tcase_add_test(tc, test_customer_not_dynamic);
	tcase_add_test(tc, test_needs_format);
	tcase_add_test(tc, test_spf_temperror_report);
	tcase_add_test(tc, test_envelope);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
