/*
 * NAME
 *	check_declog - unit tests for lib/declog.c
 * DESCRIPTION
 *	The decision line: field order (the verdict before the client's
 *	values), "-" for missing values, escaping of client text, report
 *	lines with would=, queue=; every value capped at its bound with the
 *	marker, an escape never split, the worst case within
 *	DECLOG_LINE_MAX; a smaller buffer cuts.
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
	struct declog_ctx ctx = {.session = "00000001", .role = ROLE_INBOUND,
	    .stage = STAGE_MAIL, .ip = "127.0.2.9", .helo = "bot.example",
	    .auth = "alice@example.net", .from = "<alice@example.net>"};
	struct verdict v = verdict_for(RULE_INBOUND_AUTH, ACTION_REJECT,
	    ACTION_REJECT);
	char buf[1024];

	declog_format(buf, sizeof(buf), &ctx, &v);
	ck_assert_str_eq(buf, "session=00000001 role=inbound stage=mail "
	    "rule=inbound.auth action=reject ip=127.0.2.9 helo=bot.example "
	    "auth=alice@example.net from=<alice@example.net> "
	    "reason=\"550 5.7.1 short text\"");
}
END_TEST

START_TEST(test_accept_missing)
{
	struct declog_ctx ctx = {.session = "s", .role = ROLE_OUTBOUND,
	    .stage = STAGE_EOM, .auth = "", .from = "<>", .queue = ""};
	struct verdict v = verdict_for(RULE_NONE, ACTION_ACCEPT, ACTION_ACCEPT);
	char buf[1024];

	declog_format(buf, sizeof(buf), &ctx, &v);
	ck_assert_str_eq(buf, "session=s role=outbound stage=eom rule=- "
	    "action=accept ip=- helo=- auth=- from=<>");
}
END_TEST

START_TEST(test_report_rcpt)
{
	struct declog_ctx ctx = {.session = "s", .role = ROLE_INBOUND,
	    .stage = STAGE_RCPT, .ip = "::1", .helo = "h", .from = "<a@b>",
	    .rcpt = "<c@d>", .queue = "4XyZ1abc"};
	struct verdict v = verdict_for(RULE_INBOUND_RELAY, ACTION_REPORT,
	    ACTION_REJECT);
	char buf[1024];

	declog_format(buf, sizeof(buf), &ctx, &v);
	ck_assert_str_eq(buf, "session=s role=inbound stage=rcpt "
	    "rule=inbound.relay action=report would=reject ip=::1 helo=h "
	    "auth=- from=<a@b> rcpt=<c@d> queue=4XyZ1abc "
	    "reason=\"550 5.7.1 short text\"");
}
END_TEST

START_TEST(test_escape)
{
	struct declog_ctx ctx = {.session = "s", .role = ROLE_INBOUND,
	    .stage = STAGE_MAIL, .ip = "1.2.3.4", .helo = "evil\r\nrule=x",
	    .auth = "a b", .from = "<\"q\\\"\"@x> \xc3\xa9",
	    .queue = "Q 1"};
	struct verdict v = verdict_for(RULE_NONE, ACTION_ACCEPT, ACTION_ACCEPT);
	char buf[1024];

	declog_format(buf, sizeof(buf), &ctx, &v);
	ck_assert_str_eq(buf, "session=s role=inbound stage=mail rule=- "
	    "action=accept ip=1.2.3.4 helo=evil\\x0d\\x0arule=x auth=a\\x20b "
	    "from=<\\x22q\\x5c\\x22\\x22@x>\\x20\\xc3\\xa9 queue=Q\\x201");
}
END_TEST

/* one value alone, for the other lines that name a login: never capped */
START_TEST(test_escape_value)
{
	char buf[64], big[4 * 300 + 1], in[301];

	ck_assert_str_eq(declog_escape("a b\r\n\"\\\xc3\xa9", 0, buf,
	    sizeof(buf)), "a\\x20b\\x0d\\x0a\\x22\\x5c\\xc3\\xa9");
	ck_assert_str_eq(declog_escape("a b", 1, buf, sizeof(buf)), "a b");
	ck_assert_str_eq(declog_escape("", 0, buf, sizeof(buf)), "-");
	ck_assert_str_eq(declog_escape("abcdef", 0, buf, 4), "abc");
	memset(in, ' ', 300);
	in[300] = '\0';
	ck_assert_uint_eq(strlen(declog_escape(in, 0, big, sizeof(big))),
	    4 * 300);
}
END_TEST

/* value_of - the text of " key=" up to the next space, in buf */
static const char *
value_of(const char *line, const char *key, char *buf, size_t len)
{
	char pat[32];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), " %s=", key);
	if ((p = strstr(line, pat)) == NULL)
		return NULL;
	p += strlen(pat);
	n = strcspn(p, " ");
	ck_assert_uint_lt(n, len);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

struct cap_case {
	size_t	plain;		/* leading 'a's */
	size_t	spaces;		/* then spaces, 4 octets each */
	const char *want_tail;	/* how the value ends */
	size_t	want_len;	/* length of the value written */
};

static const struct cap_case caps[] = {
	/* fits exactly: no marker */
	{DECLOG_VALUE_MAX, 0, "aaaa", DECLOG_VALUE_MAX},
	{DECLOG_VALUE_MAX - 4, 1, "a\\x20", DECLOG_VALUE_MAX},
	/* one octet more: cut, and said so */
	{DECLOG_VALUE_MAX + 1, 0, "a" DECLOG_CUT,
	    DECLOG_VALUE_MAX + sizeof(DECLOG_CUT) - 1},
	/* an escape is never split: 197 + 4 > 200, cut after the 197 */
	{DECLOG_VALUE_MAX - 3, 1, "a" DECLOG_CUT,
	    DECLOG_VALUE_MAX - 3 + sizeof(DECLOG_CUT) - 1},
	/* the 480-space quoted local part */
	{0, 480, "\\x20" DECLOG_CUT, DECLOG_VALUE_MAX + sizeof(DECLOG_CUT) - 1},
};

START_TEST(test_cap)
{
	const struct cap_case *c = &caps[_i];
	char value[1024], got[1024];
	struct declog_ctx ctx = {.session = "s", .role = ROLE_OUTBOUND,
	    .stage = STAGE_MAIL, .ip = "192.0.2.1", .helo = value,
	    .auth = "alice", .from = value, .queue = value};
	struct verdict v = verdict_for(RULE_OUTBOUND_SENDER_MISMATCH,
	    ACTION_REJECT, ACTION_REJECT);
	char line[DECLOG_LINE_MAX];
	size_t tail = strlen(c->want_tail);

	memset(value, 'a', c->plain);
	memset(value + c->plain, ' ', c->spaces);
	value[c->plain + c->spaces] = '\0';
	declog_format(line, sizeof(line), &ctx, &v);
	ck_assert_ptr_nonnull(strstr(line, "session=s role=outbound "
	    "stage=mail rule=outbound.sender_mismatch action=reject ip="));
	ck_assert_ptr_nonnull(value_of(line, "helo", got, sizeof(got)));
	ck_assert_uint_eq(strlen(got), c->want_len);
	ck_assert_str_eq(got + strlen(got) - tail, c->want_tail);
	ck_assert_str_eq(value_of(line, "from", got, sizeof(got)),
	    value_of(line, "helo", value, sizeof(value)));
	ck_assert_ptr_nonnull(strstr(line, " reason=\"553 5.7.1 short text\""));
}
END_TEST

/* every field as long and as escaped as it gets: the line still fits */
START_TEST(test_worst_case)
{
	char huge[4096], text[512], line[DECLOG_LINE_MAX], small[300];
	struct declog_ctx ctx = {.session = huge, .role = ROLE_INBOUND,
	    .stage = STAGE_RCPT, .ip = huge, .helo = huge, .auth = huge,
	    .from = huge, .rcpt = huge, .queue = huge};
	struct verdict v = verdict_for(RULE_INBOUND_RELAY, ACTION_REPORT,
	    ACTION_TEMPFAIL);
	size_t n;

	memset(huge, 0xff, sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	memset(text, '"', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	snprintf(v.text, sizeof(v.text), "%s", text);
	n = declog_format(line, sizeof(line), &ctx, &v);
	ck_assert_uint_eq(n, strlen(line));
	ck_assert_uint_lt(n, sizeof(line) - 1);
	/* the line is whole: it ends with the reason's closing quote */
	ck_assert_str_eq(line + n - sizeof(DECLOG_CUT), DECLOG_CUT "\"");
	ck_assert_ptr_nonnull(strstr(line, " rule=inbound.relay "
	    "action=report would=tempfail ip="));
	ck_assert_ptr_nonnull(value_of(line, "queue", small, sizeof(small)));
	ck_assert_str_eq(small + strlen(small) - sizeof(DECLOG_CUT) + 1,
	    DECLOG_CUT);
	/* log.c writes lines of up to 4 KiB whole */
	ck_assert_uint_lt(DECLOG_LINE_MAX, 4000);
}
END_TEST

START_TEST(test_truncate)
{
	struct declog_ctx ctx = {.session = "session-id", .role = ROLE_INBOUND,
	    .stage = STAGE_MAIL, .ip = "1.2.3.4", .helo = "h", .from = "<a@b>"};
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

	tc = tcase_create("cap");
	tcase_add_loop_test(tc, test_cap, 0,
	    (int)(sizeof(caps) / sizeof(caps[0])));
	tcase_add_test(tc, test_worst_case);
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
