/*
 * NAME
 *	check_dns 1
 * SUMMARY
 *	unit tests for lib/dns.c, the parts without a network
 * SYNOPSIS
 *	check_dns
 * DESCRIPTION
 *	dns_reverse_name() for PTR and DNSBL queries, IPv4 and IPv6, from
 *	a table with want_* fields; every result is also written into
 *	buffers of every size around its length, pre-filled with a
 *	sentinel, so that a buffer one byte short is seen refused and left
 *	untouched. Arguments that the lookups refuse before any query.
 *	DNSBL answer filters: compiled once by dnsbl_filter_parse(), then
 *	matched against a table of answers; every value of one octet
 *	against a list of ranges; every malformed filter refused with its
 *	reason (leading zeros, octets over 255, backwards ranges, ...).
 *	Real lookups are integration tests (t/it_*.sh, against dnsmasq).
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "dns.h"

#define NCASES(t)	((int)(sizeof(t) / sizeof((t)[0])))
#define SENTINEL_BYTE	0xa5

struct reverse_case {
	const char *ip;
	const char *zone;
	int	want_rc;
	const char *want;
};

static const struct reverse_case reverses[] = {
	{"192.0.2.25", NULL, 0, "25.2.0.192.in-addr.arpa"},
	{"127.0.0.2", "zen.example", 0, "2.0.0.127.zen.example"},
	{"127.0.0.2", "zen.example.", 0, "2.0.0.127.zen.example"},
	{"0.0.0.0", NULL, 0, "0.0.0.0.in-addr.arpa"},
	{"255.255.255.255", "bl.example", 0,
	    "255.255.255.255.bl.example"},
	{"::ffff:198.51.100.7", NULL, 0, "7.100.51.198.in-addr.arpa"},
	{"2001:db8::1", NULL, 0,
	    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"
	    ".ip6.arpa"},
	{"2001:db8:abcd:12::fe", "bl.example", 0,
	    "e.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.1.0.0.d.c.b.a.8.b.d.0.1.0.0.2"
	    ".bl.example"},
	{"::", NULL, 0,
	    "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
	    ".ip6.arpa"},
	{"192.0.2.25", "", -1, NULL},
	{"192.0.2.25", ".", -1, NULL},
};

START_TEST(test_reverse)
{
	const struct reverse_case *c = &reverses[_i];
	struct ipaddr ip;
	char buf[512];
	size_t want_len, len;

	ck_assert_int_eq(ip_parse(c->ip, &ip), 0);
	memset(buf, SENTINEL_BYTE, sizeof(buf));
	ck_assert_int_eq(dns_reverse_name(&ip, c->zone, buf, sizeof(buf)),
	    c->want_rc);
	if (c->want_rc < 0) {
		ck_assert_int_eq((unsigned char)buf[0], SENTINEL_BYTE);
		return;
	}
	ck_assert_str_eq(buf, c->want);
	want_len = strlen(c->want);
	/* one byte short is refused and leaves buf alone; exact fits */
	for (len = want_len > 2 ? want_len - 2 : 0; len <= want_len + 1;
	    len++) {
		memset(buf, SENTINEL_BYTE, sizeof(buf));
		if (len <= want_len) {
			ck_assert_int_eq(dns_reverse_name(&ip, c->zone, buf,
			    len), -1);
			ck_assert_int_eq((unsigned char)buf[0], SENTINEL_BYTE);
		} else {
			ck_assert_int_eq(dns_reverse_name(&ip, c->zone, buf,
			    len), 0);
			ck_assert_str_eq(buf, c->want);
			ck_assert_int_eq((unsigned char)buf[len],
			    SENTINEL_BYTE);
		}
	}
}
END_TEST

START_TEST(test_reverse_limits)
{
	struct ipaddr ip, bad;
	char zone[300], buf[600];

	ck_assert_int_eq(ip_parse("192.0.2.25", &ip), 0);
	memset(&bad, 0, sizeof(bad));
	ck_assert_int_eq(dns_reverse_name(&bad, NULL, buf, sizeof(buf)), -1);
	ck_assert_int_eq(dns_reverse_name(NULL, NULL, buf, sizeof(buf)), -1);
	ck_assert_int_eq(dns_reverse_name(&ip, NULL, NULL, 0), -1);
	ck_assert_int_eq(dns_reverse_name(&ip, NULL, buf, 0), -1);
	/* a zone of 253 characters is a name; 254 is not */
	memset(zone, 'z', sizeof(zone));
	zone[253] = '\0';
	ck_assert_int_eq(dns_reverse_name(&ip, zone, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(strlen(buf), strlen("25.2.0.192.") + 253);
	zone[253] = '.';
	zone[254] = '\0';
	ck_assert_int_eq(dns_reverse_name(&ip, zone, buf, sizeof(buf)), 0);
	zone[253] = 'z';
	ck_assert_int_eq(dns_reverse_name(&ip, zone, buf, sizeof(buf)), -1);
}
END_TEST

START_TEST(test_refused_args)
{
	struct ipaddr ip, bad, answers[2];
	char name[256] = "untouched";
	int confirmed = 7;
	size_t n = 9;

	ck_assert_int_eq(ip_parse("192.0.2.25", &ip), 0);
	memset(&bad, 0, sizeof(bad));
	ck_assert_int_eq(dns_ptr_confirmed(NULL, 1000, name, sizeof(name),
	    &confirmed), -1);
	ck_assert_int_eq(dns_ptr_confirmed(&bad, 1000, name, sizeof(name),
	    &confirmed), -1);
	ck_assert_int_eq(dns_ptr_confirmed(&ip, 1000, NULL, 0, &confirmed),
	    -1);
	ck_assert_int_eq(dns_ptr_confirmed(&ip, 1000, name, sizeof(name),
	    NULL), -1);
	ck_assert_int_eq(dns_dnsbl(&ip, "", 1000, answers, 2, &n), -1);
	ck_assert_int_eq(dns_dnsbl(&ip, NULL, 1000, answers, 2, &n), -1);
	ck_assert_int_eq(dns_dnsbl(&bad, "bl.example", 1000, answers, 2, &n),
	    -1);
	ck_assert_int_eq(dns_dnsbl(&ip, "bl.example", 1000, NULL, 2, &n), -1);
	ck_assert_int_eq(dns_dnsbl(&ip, "bl.example", 1000, answers, 2, NULL),
	    -1);
	ck_assert_str_eq(name, "untouched");
	ck_assert_int_eq(confirmed, 7);
	ck_assert_uint_eq(n, 9);
}
END_TEST

struct match_case {
	const char *filter;	/* NULL: no filter */
	const char *answer;
	int	want;
};

static const struct match_case matches[] = {
	{NULL, "127.0.0.2", 1},
	{NULL, "127.0.0.10", 1},
	{NULL, "::1", 1},
	{"127.0.0.2", "127.0.0.2", 1},
	{"127.0.0.2", "127.0.0.3", 0},
	{"127.0.0.2", "127.0.1.2", 0},
	{"127.0.0.2", "128.0.0.2", 0},
	{"127.0.0.0", "127.0.0.0", 1},
	{"127.0.0.[10..11]", "127.0.0.10", 1},
	{"127.0.0.[10..11]", "127.0.0.11", 1},
	{"127.0.0.[10..11]", "127.0.0.9", 0},
	{"127.0.0.[10..11]", "127.0.0.12", 0},
	{"127.0.0.[2]", "127.0.0.2", 1},
	{"127.0.0.[2;4;8..10]", "127.0.0.4", 1},
	{"127.0.0.[2;4;8..10]", "127.0.0.9", 1},
	{"127.0.0.[2;4;8..10]", "127.0.0.3", 0},
	{"127.0.0.[2;4;8..10]", "127.0.0.11", 0},
	{"127.0.[0..255].[2;4;10..11]", "127.0.5.10", 1},
	{"127.0.[0..255].[2;4;10..11]", "127.1.5.10", 0},
	{"[127].0.0.[0..255]", "127.0.0.0", 1},
	{"[127].0.0.[0..255]", "127.0.0.255", 1},
	{"127.0.0.[5..5]", "127.0.0.5", 1},
	{"127.0.0.[0;255]", "127.0.0.255", 1},
	{"127.0.0.[0;255]", "127.0.0.254", 0},
	{"127.0.0.2", "::1", 0},
	{"127.0.0.2", "::ffff:127.0.0.2", 1},
};

START_TEST(test_filter_match)
{
	const struct match_case *c = &matches[_i];
	struct dnsbl_filter *f = NULL;
	struct ipaddr answer;
	const char *why = NULL;

	ck_assert_int_eq(ip_parse(c->answer, &answer), 0);
	if (c->filter != NULL) {
		f = dnsbl_filter_parse(c->filter, &why);
		ck_assert_msg(f != NULL, "\"%s\" refused: %s", c->filter, why);
		ck_assert_str_eq(dnsbl_filter_text(f), c->filter);
	}
	ck_assert_msg(dnsbl_filter_match(f, &answer) == c->want,
	    "filter \"%s\" answer %s: want %d", c->filter ? c->filter : "NULL",
	    c->answer, c->want);
	free(f);
}
END_TEST

/* every value of the last octet: exactly the listed ones */
START_TEST(test_filter_every_octet)
{
	struct dnsbl_filter *f;
	struct ipaddr answer;
	const char *why = NULL;
	unsigned v;
	int want;

	f = dnsbl_filter_parse("127.0.0.[0;2;4;8..10;200..255]", &why);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ip_parse("127.0.0.0", &answer), 0);
	for (v = 0; v < 256; v++) {
		answer.bytes[3] = (unsigned char)v;
		want = v == 0 || v == 2 || v == 4 || (v >= 8 && v <= 10) ||
		    v >= 200;
		ck_assert_msg(dnsbl_filter_match(f, &answer) == want,
		    "127.0.0.%u: want %d", v, want);
	}
	ck_assert_int_eq(dnsbl_filter_match(f, NULL), 0);
	free(f);
	ck_assert_ptr_null(dnsbl_filter_text(NULL));
}
END_TEST

struct bad_case {
	const char *filter;
	const char *want_why;
};

static const struct bad_case bads[] = {
	{"127.0.0.0002", "leading zero"},
	{"127.0.0.02", "leading zero"},
	{"127.0.0.00", "leading zero"},
	{"0127.0.0.2", "leading zero"},
	{"127.0.0.[02..10]", "leading zero"},
	{"127.0.0.[2..010]", "leading zero"},
	{"127.0.0.256", "over 255"},
	{"127.0.0.1000", "over 255"},
	{"127.0.0.99999999999999999999", "over 255"},
	{"127.0.0.[1..256]", "over 255"},
	{"256.0.0.2", "over 255"},
	{"127.0.0.[11..10]", "ends below its start"},
	{"", "expected a number"},
	{"127.0.0", "four octets"},
	{"127.0.0.", "expected a number"},
	{"127..0.2", "expected a number"},
	{"127.0.0.2.5", "more than four octets"},
	{"127.0.0.-1", "expected a number"},
	{"127.0.0.x", "expected a number"},
	{" 127.0.0.2", "expected a number"},
	{"127.0.0.2 ", "unexpected text"},
	{"127.0.0.[]", "expected a number"},
	{"127.0.0.[2", "expected \";\" or \"]\""},
	{"127.0.0.2]", "unexpected text"},
	{"127.0.0.[2;]", "expected a number"},
	{"127.0.0.[;2]", "expected a number"},
	{"127.0.0.[1..]", "expected a number"},
	{"127.0.0.[..3]", "expected a number"},
	{"127.0.0.[1...3]", "expected a number"},
	{"127.0.0.[1..2..3]", "expected \";\" or \"]\""},
	{"127.0.0.[[2]]", "expected a number"},
	{"127.0.0.1[2]", "unexpected text"},
	{"127.0.0.[2,4]", "expected \";\" or \"]\""},
	{"127.0.0.[x]", "expected a number"},
};

START_TEST(test_filter_bad)
{
	const struct bad_case *c = &bads[_i];
	const char *why = NULL;

	ck_assert_msg(dnsbl_filter_parse(c->filter, &why) == NULL,
	    "\"%s\" was accepted", c->filter);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, c->want_why) != NULL,
	    "\"%s\": \"%s\", wanted \"%s\"", c->filter, why, c->want_why);
}
END_TEST

static Suite *
dns_suite(void)
{
	Suite *s = suite_create("dns");
	TCase *tc;

	tc = tcase_create("reverse");
	tcase_add_loop_test(tc, test_reverse, 0, NCASES(reverses));
	tcase_add_test(tc, test_reverse_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("filter");
	tcase_add_loop_test(tc, test_filter_match, 0, NCASES(matches));
	tcase_add_test(tc, test_filter_every_octet);
	tcase_add_loop_test(tc, test_filter_bad, 0, NCASES(bads));
	suite_add_tcase(s, tc);

	tc = tcase_create("arguments");
	tcase_add_test(tc, test_refused_args);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(dns_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
