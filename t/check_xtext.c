/*
 * NAME
 *	check_xtext 1
 * SUMMARY
 *	unit tests for lib/xtext.c
 * SYNOPSIS
 *	check_xtext
 * DESCRIPTION
 *	Decodes the logins Sendmail puts in {auth_authen}, and malformed
 *	ones, from a table with want_* fields; the output buffer is
 *	pre-filled with a sentinel to see that a failure leaves it be, and
 *	sized exactly to see that a result one octet too long is refused.
 *	Inputs are decoded from exact-size heap copies.
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "xtext.h"

#define NCASES(t)	((int)(sizeof(t) / sizeof((t)[0])))
#define BUF_MAX		64
#define ROOMY		BUF_MAX		/* len: more than enough */

struct decode_case {
	const char *in;
	size_t	len;			/* buffer size given to xtext_decode() */
	int	want_rc;
	const char *want_out;
};

static const struct decode_case decodes[] = {
	{ "alice", ROOMY, 0, "alice" },
	{ "alice@example.net", ROOMY, 0, "alice@example.net" },
	{ "bob+2Btag@example.net", ROOMY, 0, "bob+tag@example.net" },
	{ "a+3Db", ROOMY, 0, "a=b" },
	{ "a+2bb", ROOMY, 0, "a+b" },		/* lower-case hex */
	{ "a+2b+2B", ROOMY, 0, "a++" },
	{ "+41+42", ROOMY, 0, "AB" },
	{ "+7e+7E", ROOMY, 0, "~~" },
	{ "caf+C3+A9", ROOMY, 0, "caf\xc3\xa9" },
	{ "a+20b", ROOMY, 0, "a b" },
	{ "+FF", ROOMY, 0, "\xff" },
	{ "+0D+0A", ROOMY, 0, "\r\n" },	/* decodes; the logger sanitises */
	{ "a=b", ROOMY, 0, "a=b" },		/* bare =: unambiguous */
	{ "!~", ROOMY, 0, "!~" },
	{ "", ROOMY, 0, "" },
};

static const struct decode_case malformed[] = {
	{ "a+", ROOMY, -1, NULL },
	{ "+", ROOMY, -1, NULL },
	{ "a+2", ROOMY, -1, NULL },
	{ "a+2G", ROOMY, -1, NULL },
	{ "a+G2", ROOMY, -1, NULL },
	{ "a++2B", ROOMY, -1, NULL },
	{ "a+ 2", ROOMY, -1, NULL },
	{ "+00", ROOMY, -1, NULL },
	{ "a+00b", ROOMY, -1, NULL },
	{ "a b", ROOMY, -1, NULL },
	{ "a\tb", ROOMY, -1, NULL },
	{ "a\x7f", ROOMY, -1, NULL },
	{ "caf\xc3\xa9", ROOMY, -1, NULL },	/* raw 8-bit never comes encoded */
	{ NULL, ROOMY, -1, NULL },
};

static const struct decode_case fit[] = {
	{ "abc", 4, 0, "abc" },			/* exactly enough */
	{ "abc", 3, -1, NULL },
	{ "+41", 2, 0, "A" },
	{ "+41", 1, -1, NULL },
	{ "a+2Bb", 4, 0, "a+b" },
	{ "a+2Bb", 3, -1, NULL },
	{ "", 1, 0, "" },
	{ "", 0, -1, NULL },
};

/* run_case - decode one row and compare with its want_* fields */
static void
run_case(const struct decode_case *c, int i)
{
	char buf[BUF_MAX], untouched[BUF_MAX], *in = NULL;
	size_t n;
	int rc;

	/* an exact heap copy, so that AddressSanitizer sees any over-read */
	if (c->in != NULL) {
		in = malloc(strlen(c->in) + 1);
		ck_assert_ptr_nonnull(in);
		strcpy(in, c->in);
	}
	memset(buf, 'Z', sizeof(buf));
	memset(untouched, 'Z', sizeof(untouched));
	rc = xtext_decode(in, buf, c->len);
	free(in);
	ck_assert_msg(rc == c->want_rc, "case %d \"%s\": rc %d, want %d", i,
	    c->in ? c->in : "(null)", rc, c->want_rc);
	if (rc < 0) {
		ck_assert_mem_eq(buf, untouched, sizeof(buf));
		return;
	}
	ck_assert_str_eq(buf, c->want_out);
	/* nothing written past the result */
	n = strlen(buf) + 1;
	ck_assert_mem_eq(buf + n, untouched + n, sizeof(buf) - n);
}

START_TEST(test_decode)
{
	run_case(&decodes[_i], _i);
}
END_TEST

START_TEST(test_malformed)
{
	run_case(&malformed[_i], _i);
}
END_TEST

START_TEST(test_fit)
{
	run_case(&fit[_i], _i);
}
END_TEST

START_TEST(test_decode_null_buf)
{
	ck_assert_int_eq(xtext_decode("a", NULL, 10), -1);
}
END_TEST

START_TEST(test_decode_every_octet)
{
	static const char hex[] = "0123456789ABCDEF";
	char in[4], buf[2];
	int c;

	/* every octet but NUL round-trips through its +XX form */
	for (c = 1; c < 256; c++) {
		in[0] = '+';
		in[1] = hex[c >> 4];
		in[2] = hex[c & 15];
		in[3] = '\0';
		ck_assert_int_eq(xtext_decode(in, buf, sizeof(buf)), 0);
		ck_assert_int_eq((unsigned char)buf[0], c);
		ck_assert_int_eq(buf[1], '\0');
	}
}
END_TEST

/* xtext_suite - one test case per aspect */
static Suite *
xtext_suite(void)
{
	Suite *s = suite_create("xtext");
	TCase *tc;

	tc = tcase_create("decode");
	tcase_add_loop_test(tc, test_decode, 0, NCASES(decodes));
	tcase_add_test(tc, test_decode_every_octet);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_malformed, 0, NCASES(malformed));
	tcase_add_test(tc, test_decode_null_buf);
	suite_add_tcase(s, tc);

	tc = tcase_create("fit");
	tcase_add_loop_test(tc, test_fit, 0, NCASES(fit));
	suite_add_tcase(s, tc);
	return s;
}

/* main - run the suite */
int
main(void)
{
	SRunner *sr = srunner_create(xtext_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
