/*
 * NAME
 *	check_reply - unit tests for lib/reply.c
 * DESCRIPTION
 *	Hostile reply texts: CR/LF injection, '%' formats, bytes outside
 *	ASCII, overlong text, tiny buffers.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"

static const struct {
	const char *in;
	size_t	len;
	const char *want;
} cases[] = {
	{"plain text", 64, "plain text"},
	{"", 64, ""},
	{NULL, 64, ""},
	{"a\r\n250 ok", 64, "a  250 ok"},
	{"100% sure", 64, "100%% sure"},
	{"%s%n%x", 64, "%%s%%n%%x"},
	{"tab\there", 64, "tab here"},
	{"caf\xc3\xa9", 64, "caf??"},
	{"del\x7f", 64, "del "},
	{"abcdef", 4, "abc"},
	{"ab%cd", 4, "ab"},		/* never half of a %% */
	{"%", 2, ""},
	{"x", 1, ""},
};

START_TEST(test_sanitise)
{
	char buf[512];
	size_t n;

	memset(buf, 'Z', sizeof(buf));
	n = reply_sanitise(cases[_i].in, buf, cases[_i].len);
	ck_assert_str_eq(buf, cases[_i].want);
	ck_assert_uint_eq(n, strlen(cases[_i].want));
	ck_assert_int_eq(buf[cases[_i].len], 'Z');
}
END_TEST

START_TEST(test_long)
{
	char in[2000], buf[1024];
	size_t n;

	memset(in, 'a', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	n = reply_sanitise(in, buf, sizeof(buf));
	ck_assert_uint_eq(n, REPLY_TEXT_MAX);
	ck_assert_uint_eq(strlen(buf), REPLY_TEXT_MAX);
	ck_assert_uint_eq(reply_sanitise("abc", buf, 0), 0);
}
END_TEST

static Suite *
reply_suite(void)
{
	Suite *s = suite_create("reply");
	TCase *tc = tcase_create("sanitise");

	tcase_add_loop_test(tc, test_sanitise, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_long);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(reply_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
