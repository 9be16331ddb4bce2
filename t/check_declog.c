/*
 * NAME
 *	check_declog - unit tests for lib/declog.c
 * DESCRIPTION
 *	The decision line: field order, "-" for missing values, escaping of
 *	client text, report lines with would=, truncation.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "declog.h"

/* verdict_for - a verdict as policy_decide would fill it */
static struct verdict
verdict_for(enum rule_id id, enum action action, enum action would)
{
	struct verdict v;
	const struct rule_def *def = rule_get(id);

	memset(&v, 0, sizeof(v));
	v.rule = id;
	v.action = action;
	v.would = would;
	if (def != NULL) {
		snprintf(v.code, sizeof(v.code), "%s", def->code);
		snprintf(v.ecode, sizeof(v.ecode), "%s", def->ecode);
		snprintf(v.text, sizeof(v.text), "short text");
	}
	return v;
}

START_TEST(test_reject)
{
	struct declog_ctx ctx = {"00000001", ROLE_INBOUND, "127.0.2.9",
	"bot.example", "alice@example.net", "<alice@example.net>", NULL,
	STAGE_MAIL};
	struct verdict v = verdict_for(RULE_INBOUND_AUTH, ACTION_REJECT,
	    ACTION_REJECT);
	char buf[1024];

	declog_format(buf, sizeof(buf), &ctx, &v);
	ck_assert_str_eq(buf, "session=00000001 role=inbound ip=127.0.2.9 "
	    "helo=bot.example auth=alice@example.net from=<alice@example.net> "
	    "stage=mail rule=inbound.auth action=reject "
	    "reason=\"550 5.7.1 short text\"");
}
END_TEST

START_TEST(test_accept_missing)
{
	struct declog_ctx ctx = {"s", ROLE_OUTBOUND, NULL, NULL, "", "<>",
	NULL, STAGE_EOM};
	struct verdict v = verdict_for(RULE_NONE, ACTION_ACCEPT, ACTION_ACCEPT);
	char buf[1024];

	declog_format(buf, sizeof(buf), &ctx, &v);
	ck_assert_str_eq(buf, "session=s role=outbound ip=- helo=- auth=- "
	    "from=<> stage=eom rule=- action=accept");
}
END_TEST

START_TEST(test_report_rcpt)
{
	struct declog_ctx ctx = {"s", ROLE_INBOUND, "::1", "h", NULL, "<a@b>",
	"<c@d>", STAGE_RCPT};
	struct verdict v = verdict_for(RULE_INBOUND_RELAY, ACTION_REPORT,
	    ACTION_REJECT);
	char buf[1024];

	declog_format(buf, sizeof(buf), &ctx, &v);
	ck_assert_str_eq(buf, "session=s role=inbound ip=::1 helo=h auth=- "
	    "from=<a@b> rcpt=<c@d> stage=rcpt rule=inbound.relay "
	    "action=report would=reject reason=\"550 5.7.1 short text\"");
}
END_TEST

START_TEST(test_escape)
{
	struct declog_ctx ctx = {"s", ROLE_INBOUND, "1.2.3.4",
	"evil\r\nrule=x", "a b", "<\"q\\\"\"@x> \xc3\xa9", NULL, STAGE_MAIL};
	struct verdict v = verdict_for(RULE_NONE, ACTION_ACCEPT, ACTION_ACCEPT);
	char buf[1024];

	declog_format(buf, sizeof(buf), &ctx, &v);
	ck_assert_str_eq(buf, "session=s role=inbound ip=1.2.3.4 "
	    "helo=evil\\x0d\\x0arule=x auth=a\\x20b "
	    "from=<\\x22q\\x5c\\x22\\x22@x>\\x20\\xc3\\xa9 stage=mail rule=- "
	    "action=accept");
}
END_TEST

/* one value alone, for the other lines that name a login */
START_TEST(test_escape_value)
{
	char buf[64];

	ck_assert_str_eq(declog_escape("a b\r\n\"\\\xc3\xa9", 0, buf,
	    sizeof(buf)), "a\\x20b\\x0d\\x0a\\x22\\x5c\\xc3\\xa9");
	ck_assert_str_eq(declog_escape("a b", 1, buf, sizeof(buf)), "a b");
	ck_assert_str_eq(declog_escape("", 0, buf, sizeof(buf)), "-");
	ck_assert_str_eq(declog_escape("abcdef", 0, buf, 4), "abc");
}
END_TEST

START_TEST(test_truncate)
{
	struct declog_ctx ctx = {"session-id", ROLE_INBOUND, "1.2.3.4", "h",
	NULL, "<a@b>", NULL, STAGE_MAIL};
	struct verdict v = verdict_for(RULE_NONE, ACTION_ACCEPT, ACTION_ACCEPT);
	char buf[16];

	memset(buf, 'Z', sizeof(buf));
	ck_assert_uint_eq(declog_format(buf, 12, &ctx, &v), 11);
	ck_assert_str_eq(buf, "session=ses");
	ck_assert_int_eq(buf[12], 'Z');
	ck_assert_uint_eq(declog_format(buf, 0, &ctx, &v), 0);
}
END_TEST

static Suite *
declog_suite(void)
{
	Suite *s = suite_create("declog");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, test_reject);
	tcase_add_test(tc, test_accept_missing);
	tcase_add_test(tc, test_report_rcpt);
	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_escape_value);
	tcase_add_test(tc, test_truncate);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(declog_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
