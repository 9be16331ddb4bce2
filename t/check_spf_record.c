/*
 * NAME
 *	check_spf_record 1
 * SUMMARY
 *	unit tests for lib/spf_record.c and lib/spf_prepare.c
 * SYNOPSIS
 *	check_spf_record
 * DESCRIPTION
 *	Tables with want_* fields, written from RFC 7208: one row or more
 *	per rule of the grammar (4.6.1, 5, 6, 7.1) and of the limits
 *	(4.6.4, the project's own), every record of appendix A and of the
 *	examples in sections 5 to 8, and hostile records (huge and
 *	negative transformers, 64 KiB, control and non-ASCII octets,
 *	terms that would overrun libspf2's compiler). Then the
 *	explanation check, spf_record_is_spf(), and the text that
 *	spf_record_prepare() hands to libspf2.
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include "config.h"

#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "spf_record.h"

#define NCASES(t)	((int)(sizeof(t) / sizeof((t)[0])))
#define SENTINEL	'Z'

/* the strings that the long rows repeat */
#define X10(s)	s s s s s s s s s s
#define L63	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

struct record_case {
	const char *record;
	int	want;			/* 0 valid, -1 invalid */
	const char *want_why;		/* part of why; NULL: "" */
};

static const struct record_case grammar[] = {
	/* version (4.5, 4.6.1) */
	{"v=spf1", 0, NULL},
	{"v=spf1 ", 0, NULL},
	{"V=SPF1 -ALL", 0, NULL},
	{"v=spf1    -all    ", 0, NULL},
	{"v=spf1-all", -1, "does not start with \"v=spf1\""},
	{"v=spf2 -all", -1, "does not start with"},
	{"spf1 -all", -1, "does not start with"},
	{" v=spf1 -all", -1, "does not start with"},
	{"", -1, "does not start with"},
	/* qualifiers (4.6.2) */
	{"v=spf1 +all", 0, NULL},
	{"v=spf1 -all", 0, NULL},
	{"v=spf1 ~all", 0, NULL},
	{"v=spf1 ?all", 0, NULL},
	{"v=spf1 !all", -1, "term 1 \"!all\": '!' after"},
	{"v=spf1 ++all", -1, "'+' after"},
	{"v=spf1 -", -1, "unknown mechanism \"\""},
	/* all (5.1) */
	{"v=spf1 all:example.com", -1, "all takes no argument"},
	{"v=spf1 all/24", -1, "all takes no argument"},
	/* include (5.2) */
	{"v=spf1 include:example.com -all", 0, NULL},
	{"v=spf1 include:_spf.example.com -all", 0, NULL},
	{"v=spf1 include -all", -1, "include needs \":\""},
	{"v=spf1 include: -all", -1, "empty domain-spec"},
	{"v=spf1 include:example.com/24", -1, "\"com/24\" is not one"},
	{"v=spf1 include=example.com", 0, NULL},	/* unknown modifier */
	/* a (5.3), dual-cidr-length */
	{"v=spf1 a", 0, NULL},
	{"v=spf1 a:example.com", 0, NULL},
	{"v=spf1 A:EXAMPLE.COM", 0, NULL},
	{"v=spf1 a/24", 0, NULL},
	{"v=spf1 a//64", 0, NULL},
	{"v=spf1 a/24//64", 0, NULL},
	{"v=spf1 a:example.com/24//64", 0, NULL},
	{"v=spf1 a:example.com/0//0", 0, NULL},
	{"v=spf1 a/32//128", 0, NULL},
	{"v=spf1 a/33", -1, "CIDR length 33 is over 32"},
	{"v=spf1 a//129", -1, "CIDR length 129 is over 128"},
	{"v=spf1 a/024", -1, "bad CIDR length \"024\""},
	{"v=spf1 a//0064", -1, "bad CIDR length"},
	{"v=spf1 a/", -1, "'/' after the mechanism name"},
	{"v=spf1 a//", -1, "'/' after the mechanism name"},
	{"v=spf1 a:", -1, "empty domain-spec"},
	{"v=spf1 a:example.com/24/", -1, "is not one"},
	{"v=spf1 a=example.com", 0, NULL},		/* unknown modifier */
	{"v=spf1 a%{d}", -1, "'%' after \"a\""},
	/* domain-spec and toplabel (7.1) */
	{"v=spf1 a:192.0.2.3 -all", -1,
	    "term 1 \"a:192.0.2.3\": domain-spec does not end in a top label "
	    "(\"3\" is not one)"},
	{"v=spf1 a:192.0.2.3/24 -all", -1, "\"3\" is not one"},
	{"v=spf1 mx:10.0.0.1 -all", -1, "\"1\" is not one"},
	{"v=spf1 a:localhost", -1, "does not end in \".\" and a top label"},
	{"v=spf1 a:example.123", -1, "\"123\" is not one"},
	{"v=spf1 a:example.com.", 0, NULL},
	{"v=spf1 a:example.com..", -1, "\"\" is not one"},
	{"v=spf1 a:.com", 0, NULL},
	{"v=spf1 a:example.x-1", 0, NULL},
	{"v=spf1 a:example.123-456", 0, NULL},
	{"v=spf1 a:example.xn--p1ai", 0, NULL},
	{"v=spf1 a:example.-com", -1, "is not one"},
	{"v=spf1 a:example.com-", -1, "is not one"},
	{"v=spf1 a:example.c_m", -1, "is not one"},
	{"v=spf1 a:%{d}", 0, NULL},
	{"v=spf1 a:mail.%{d}", 0, NULL},
	{"v=spf1 a:%{l}.example.com", 0, NULL},
	{"v=spf1 a:%{d}.", -1, "does not end in \".\" and a top label"},
	{"v=spf1 a:%{d}com", -1, "does not end in \".\""},
	{"v=spf1 a:foo%%", 0, NULL},
	{"v=spf1 a:foo/bar.example.com", 0, NULL},
	/* mx (5.4) */
	{"v=spf1 mx", 0, NULL},
	{"v=spf1 mx:example.org/30", 0, NULL},
	{"v=spf1 mx/30//64", 0, NULL},
	{"v=spf1 mx:", -1, "empty domain-spec"},
	/* ptr (5.5) */
	{"v=spf1 ptr", 0, NULL},
	{"v=spf1 ptr:example.com", 0, NULL},
	{"v=spf1 ptr/24", -1, "'/' after the mechanism name"},
	{"v=spf1 ptr:example.com/24", -1, "is not one"},
	/* ip4 (5.6) */
	{"v=spf1 ip4:192.0.2.0/24", 0, NULL},
	{"v=spf1 ip4:192.0.2.1", 0, NULL},
	{"v=spf1 ip4:0.0.0.0/0", 0, NULL},
	{"v=spf1 ip4:255.255.255.255/32", 0, NULL},
	{"v=spf1 ip4:192.0.2.0/33", -1, "CIDR length 33 is over 32"},
	{"v=spf1 ip4:192.0.2.0/024", -1, "bad CIDR length"},
	{"v=spf1 ip4:192.0.2.0/", -1, "bad CIDR length \"\""},
	{"v=spf1 ip4:192.0.2.0//64", -1, "bad CIDR length \"/64\""},
	{"v=spf1 ip4:192.0.2", -1, "\"192.0.2\" is not an IPv4 address"},
	{"v=spf1 ip4:192.0.2.256", -1, "is not an IPv4 address"},
	{"v=spf1 ip4:192.0.02.1", -1, "is not an IPv4 address"},
	{"v=spf1 ip4:1.2.3.4.5", -1, "is not an IPv4 address"},
	{"v=spf1 ip4:1.2.3.", -1, "is not an IPv4 address"},
	{"v=spf1 ip4:::1", -1, "is not an IPv4 address"},
	{"v=spf1 ip4:example.com", -1, "is not an IPv4 address"},
	{"v=spf1 ip4", -1, "ip4 needs \":\" and an address"},
	{"v=spf1 ip4:", -1, "\"\" is not an IPv4 address"},
	/* ip6 (5.6) */
	{"v=spf1 ip6:2001:db8::/32", 0, NULL},
	{"v=spf1 ip6:2001:db8::cd30", 0, NULL},
	{"v=spf1 ip6:::1", 0, NULL},
	{"v=spf1 ip6:::/0", 0, NULL},
	{"v=spf1 ip6:::ffff:192.0.2.1/128", 0, NULL},
	{"v=spf1 ip6:2001:db8::/129", -1, "CIDR length 129 is over 128"},
	{"v=spf1 ip6:2001:db8:::1", -1, "is not an IPv6 address"},
	{"v=spf1 ip6:192.0.2.1", -1, "is not an IPv6 address"},
	{"v=spf1 ip6:fe80::1%eth0", -1, "is not an IPv6 address"},
	{"v=spf1 ip6", -1, "ip6 needs"},
	/* exists (5.7) */
	{"v=spf1 exists:%{ir}.%{l1r+}.%{d}", 0, NULL},
	{"v=spf1 exists", -1, "exists needs"},
	{"v=spf1 exists:", -1, "empty domain-spec"},
	/* unknown mechanisms (5) */
	{"v=spf1 foo", -1, "unknown mechanism \"foo\""},
	{"v=spf1 foo:example.com", -1, "unknown mechanism"},
	{"v=spf1 ip5:192.0.2.1", -1, "unknown mechanism \"ip5\""},
	{"v=spf1 redirect:example.com", -1, "unknown mechanism \"redirect\""},
	{"v=spf1 aa", -1, "unknown mechanism"},
	/* modifiers (6) */
	{"v=spf1 redirect=example.com", 0, NULL},
	{"v=spf1 REDIRECT=example.com", 0, NULL},
	{"v=spf1 redirect=", -1, "empty domain-spec"},
	{"v=spf1 redirect=example.com redirect=example.net", -1,
	    "redirect= given twice"},
	{"v=spf1 Redirect=a.example redirect=b.example", -1, "given twice"},
	{"v=spf1 +redirect=example.com", -1, "a modifier takes no qualifier"},
	{"v=spf1 redirect=192.0.2.1", -1, "is not one"},
	{"v=spf1 -all exp=explain._spf.%{d}", 0, NULL},
	{"v=spf1 -all exp=", -1, "empty domain-spec"},
	{"v=spf1 -all exp=a.example exp=b.example", -1, "exp= given twice"},
	{"v=spf1 exp=a.example redirect=b.example", 0, NULL},
	{"v=spf1 -all foo=bar", 0, NULL},
	{"v=spf1 -all foo=", 0, NULL},
	{"v=spf1 -all foo.bar-x_y=1", 0, NULL},
	{"v=spf1 -all foo=bar=baz", 0, NULL},
	{"v=spf1 -all foo=%{c}%{r}%{t}", 0, NULL},
	{"v=spf1 -all v=spf1", 0, NULL},
	{"v=spf1 -all 1foo=bar", -1, "a modifier name starts with a letter"},
	{"v=spf1 -all _foo=bar", -1, "starts with a letter"},
	{"v=spf1 -all =bar", -1, "starts with a letter"},
	{"v=spf1 -all foo=%x", -1, "'%' followed by 'x'"},
	{"v=spf1 -all foo=%{z}", -1, "unknown macro letter 'z'"},
	{"v=spf1 -all foo=%", -1, "'%' at the end"},
	/* macros (7.1, 7.2, 7.3) */
	{"v=spf1 exists:%{s}%{l}%{o}%{d}%{i}%{p}%{h}%{v}.example.com", 0,
	    NULL},
	{"v=spf1 exists:%{S}%{L}%{O}%{D}%{I}%{P}%{H}%{V}.example.com", 0,
	    NULL},
	{"v=spf1 exists:%{c}.example.com", -1,
	    "macro letter 'c' is only allowed in explanation text"},
	{"v=spf1 exists:%{r}.example.com", -1, "letter 'r' is only"},
	{"v=spf1 exists:%{T}.example.com", -1, "letter 'T' is only"},
	{"v=spf1 exists:%{x}.example.com", -1, "unknown macro letter 'x'"},
	{"v=spf1 exists:%{}.example.com", -1, "unknown macro letter '}'"},
	{"v=spf1 exists:%{d", -1, "macro not closed by '}'"},
	{"v=spf1 exists:%{d2", -1, "macro not closed by '}'"},
	{"v=spf1 exists:%{", -1, "macro not closed by '}'"},
	{"v=spf1 exists:%{d1}.example.com", 0, NULL},
	{"v=spf1 exists:%{d128}.example.com", 0, NULL},
	{"v=spf1 exists:%{d0128r}.example.com", 0, NULL},
	{"v=spf1 exists:%{d0}.example.com", -1, "wants 1 to 128 parts"},
	{"v=spf1 exists:%{d129}.example.com", -1, "wants 1 to 128 parts"},
	{"v=spf1 exists:%{d2r}.example.com", 0, NULL},
	{"v=spf1 exists:%{d2R}.example.com", 0, NULL},
	{"v=spf1 exists:%{dr2}.example.com", -1, "'2' in a macro"},
	{"v=spf1 exists:%{l.-+,/_=}.example.com", 0, NULL},
	{"v=spf1 exists:%{l|}.example.com", -1, "'|' in a macro"},
	{"v=spf1 exists:%{l }.example.com", -1, "macro not closed"},
	{"v=spf1 exists:%%%_%-.example.com", 0, NULL},
	{"v=spf1 -exists:%(ir).sbl.example.org", -1,
	    "'%' followed by '('"},
	{"v=spf1 a:%{ir}.%{v}._spf.%{d2}", 0, NULL},
};

/* the records of RFC 7208: appendix A, and the examples of 5 to 8 */
static const struct record_case rfc_examples[] = {
	/* A. the zone's own record */
	{"v=spf1 +mx a:colo.example.com/28 -all", 0, NULL},
	/* A.1 */
	{"v=spf1 +all", 0, NULL},
	{"v=spf1 a -all", 0, NULL},
	{"v=spf1 a:example.org -all", 0, NULL},
	{"v=spf1 mx -all", 0, NULL},
	{"v=spf1 mx:example.org -all", 0, NULL},
	{"v=spf1 mx mx:example.org -all", 0, NULL},
	{"v=spf1 mx/30 mx:example.org/30 -all", 0, NULL},
	{"v=spf1 ptr -all", 0, NULL},
	{"v=spf1 ip4:192.0.2.128/28 -all", 0, NULL},
	/* A.2 */
	{"v=spf1 include:example.com include:example.net -all", 0, NULL},
	{"v=spf1 redirect=example.org", 0, NULL},
	/* A.3 */
	{"v=spf1 mx include:mobile-users._spf.%{d} "
	    "include:remote-users._spf.%{d} -all", 0, NULL},
	{"v=spf1 exists:%{l1r+}.%{d}", 0, NULL},
	{"v=spf1 exists:%{ir}.%{l1r+}.%{d}", 0, NULL},
	/* A.4 */
	{"v=spf1 -include:ip4._spf.%{d} -include:ptr._spf.%{d} +all", 0,
	    NULL},
	{"v=spf1 -ip4:192.0.2.0/24 +all", 0, NULL},
	{"v=spf1 -ptr +all", 0, NULL},
	/* 5 to 8 */
	{"v=spf1 a mx -all", 0, NULL},
	{"v=spf1 include:_spf.example.com -all", 0, NULL},
	{"v=spf1 ip6:2001:db8::/32 -all", 0, NULL},
	{"v=spf1 mx -all exp=explain._spf.%{d}", 0, NULL},
	{"v=spf1 exists:%{ir}.%{v}._spf.%{d2} -all", 0, NULL},
	{"v=spf1 exists:%{lr-}.lp._spf.%{d2} -all", 0, NULL},
	{"v=spf1 exists:%{lr-}.lp.%{ir}.%{v}._spf.%{d2} -all", 0, NULL},
	{"v=spf1 exists:%{ir}.%{v}.%{l1r-}.lp._spf.%{d2} -all", 0, NULL},
	{"v=spf1 exists:%{d2}.trusted-domains.example.net -all", 0, NULL},
	{"v=spf1 -exists:%{ir}.sbl.example.org", 0, NULL},
	{"v=spf1 -exists:%(ir).sbl.example.org", -1, "'%' followed by '('"},
	{"v=spf1 ?exists:%{ir}.%{v}.arpa._spf.%{d} -all", 0, NULL},
};

/* the limits: 4.6.4 and the project's own */
static const struct record_case limits[] = {
	{"v=spf1 " X10("a ") "-all", 0, NULL},
	{"v=spf1 " X10("a ") "mx -all", -1,
	    "11 terms that query DNS (at most 10)"},
	{"v=spf1 a mx ptr exists:%{i}.x.example include:a.example a mx ptr "
	    "a include:b.example", 0, NULL},
	{"v=spf1 a mx ptr exists:%{i}.x.example include:a.example a mx ptr "
	    "a include:b.example mx", -1, "11 terms that query DNS"},
	{"v=spf1 " X10("a ") "redirect=example.com", -1,
	    "11 terms that query DNS"},
	{"v=spf1 " X10("a ") "redirect=example.com ~all", 0, NULL},
	{"v=spf1 " X10("a ") "-all mx mx mx", 0, NULL},
	{"v=spf1 " X10("ip4:192.0.2.1 ") X10("ip6:::1 ") X10("a ") "-all", 0,
	    NULL},
	{"v=spf1 exists:" L63 "." L63 "." L63 ".example", 0, NULL},
	{"v=spf1 exists:" L63 L63 L63 L63 "aaaa.example", -1,
	    "more than 255 octets of text without a macro"},
	{"v=spf1 exists:" X10("%{d}x") X10("%{d}x") X10("%{d}x") ".example",
	    0, NULL},
	{"v=spf1 exists:" X10("%{d}x") X10("%{d}x") X10("%{d}x")
	    X10("%{d}x") ".example", -1, "too long for libspf2 (492 octets"},
	{"v=spf1 exists:" X10("%{d}") X10("%{d}") ".example", 0, NULL},
	{"v=spf1 -all x=" L63 L63 L63 L63 L63 L63, 0, NULL},
};

/* hostile octets and lengths, built at run time */
struct hostile_case {
	const char *name;
	const char *prefix;		/* then fill octets of fill */
	size_t	fill;
	char	fill_with;
	const char *suffix;
	size_t	nul_at;			/* 0: none */
	int	want;
	const char *want_why;
};

static const struct hostile_case hostile[] = {
	{"4096 octets", "v=spf1 -all x=", 4096 - 14 - 1, 'a', "b", 0, 0,
	    NULL},
	{"4097 octets", "v=spf1 -all x=", 4097 - 14 - 1, 'a', "b", 0, -1,
	    "record of 4097 octets (at most 4096)"},
	{"64 KiB", "v=spf1 ", 65536 - 7 - 4, ' ', "-all", 0, -1,
	    "record of 65536 octets"},
	{"64 KiB of terms", "v=spf1 ", 65536 - 7, 'a', "", 0, -1,
	    "octets (at most 4096)"},
	{"a control character", "v=spf1 ip4:192.0.2.1", 1, '\001', " -all",
	    0, -1, "control character 0x01 at offset 20"},
	{"DEL", "v=spf1 a:example.com", 1, '\177', " -all", 0, -1,
	    "control character 0x7f"},
	{"a tab", "v=spf1 a", 1, '\t', "-all", 0, -1,
	    "control character 0x09 at offset 8"},
	{"CR LF", "v=spf1 -all", 1, '\r', "\n", 0, -1,
	    "control character 0x0d"},
	{"a NUL", "v=spf1 -all", 0, 'a', " +all", 11, -1,
	    "control character 0x00 at offset 11"},
	{"a non-ASCII octet", "v=spf1 a:b", 1, '\374', "cher.example -all",
	    0, -1, "non-ASCII octet 0xfc at offset 10"},
	{"UTF-8", "v=spf1 a:", 0, 'a', "\303\274.example -all", 0, -1,
	    "non-ASCII octet 0xc3"},
	{"deep %{ir} on long names", "v=spf1 exists:", 0, 'a',
	    X10("%{ir}.") "%{d} -all", 0, 0, NULL},
	{"2^31 parts", "v=spf1 exists:%{d2147483648}.example -all", 0, 'a',
	    "", 0, -1, "wants 1 to 128 parts"},
	{"2^64 parts", "v=spf1 exists:%{d18446744073709551616}.example", 0,
	    'a', "", 0, -1, "wants 1 to 128 parts"},
	{"a long run of digits", "v=spf1 exists:%{d", 4000, '9', "}.x.example",
	    0, -1, "wants 1 to 128 parts"},
	{"-1 parts", "v=spf1 exists:%{l-1}.example -all", 0, 'a', "", 0, -1,
	    "'1' in a macro"},
	{"an unclosed macro at the end", "v=spf1 exists:%{ir", 0, 'a', "", 0,
	    -1, "macro not closed"},
};

/* check_why - why as wanted, one line of printable ASCII */
static void
check_why(const char *what, const char *why, int got, int want,
    const char *want_why)
{
	const unsigned char *p;

	ck_assert_msg(got == want, "%s: got %d (%s), want %d", what, got, why,
	    want);
	if (want == 0)
		ck_assert_msg(why[0] == '\0', "%s: why \"%s\"", what, why);
	else
		ck_assert_msg(strstr(why, want_why ? want_why : "") != NULL,
		    "%s: why \"%s\" lacks \"%s\"", what, why, want_why);
	for (p = (const unsigned char *)why; *p; p++)
		ck_assert_msg(*p >= 0x20 && *p < 0x7f, "%s: why has 0x%02x",
		    what, *p);
}

/* run_record - one row */
static void
run_record(const struct record_case *c)
{
	char why[256];
	int got;

	memset(why, SENTINEL, sizeof(why));
	got = spf_record_check(c->record, strlen(c->record), why, sizeof(why));
	check_why(c->record, why, got, c->want, c->want_why);
}

START_TEST(test_grammar)
{
	run_record(&grammar[_i]);
}
END_TEST

START_TEST(test_rfc_examples)
{
	run_record(&rfc_examples[_i]);
}
END_TEST

START_TEST(test_limits)
{
	run_record(&limits[_i]);
}
END_TEST

START_TEST(test_hostile)
{
	const struct hostile_case *c = &hostile[_i];
	size_t lp = strlen(c->prefix), ls = strlen(c->suffix);
	size_t len = lp + c->fill + ls;
	char *rec = malloc(len + 1), why[256];
	int got;

	ck_assert_ptr_nonnull(rec);
	memcpy(rec, c->prefix, lp);
	memset(rec + lp, c->fill_with, c->fill);
	memcpy(rec + lp + c->fill, c->suffix, ls);
	rec[len] = '\0';
	if (c->nul_at != 0)
		rec[c->nul_at] = '\0';
	memset(why, SENTINEL, sizeof(why));
	got = spf_record_check(rec, len, why, sizeof(why));
	check_why(c->name, why, got, c->want, c->want_why);
	free(rec);
}
END_TEST

/* why: every size, and none; the record need not end in NUL */
START_TEST(test_why_sizes)
{
	const char *rec = "v=spf1 a:192.0.2.3 -all";
	char why[80], unterminated[16];
	size_t len;

	for (len = 0; len < sizeof(why); len++) {
		memset(why, SENTINEL, sizeof(why));
		ck_assert_int_eq(spf_record_check(rec, strlen(rec), why, len),
		    -1);
		if (len > 0)
			ck_assert_uint_lt(strlen(why), len);
		if (len < sizeof(why))
			ck_assert_int_eq(why[len], SENTINEL);
	}
	ck_assert_int_eq(spf_record_check(rec, strlen(rec), NULL, 0), -1);
	ck_assert_int_eq(spf_record_check(NULL, 0, why, sizeof(why)), -1);
	memcpy(unterminated, "v=spf1 -allZZZZZ", sizeof(unterminated));
	ck_assert_int_eq(spf_record_check(unterminated, 11, why, sizeof(why)),
	    0);
	ck_assert_int_eq(spf_record_check(unterminated, 12, why, sizeof(why)),
	    -1);
}
END_TEST

/* the quoted term is cut at 40 octets, its octets made printable */
START_TEST(test_why_term)
{
	const char *rec = "v=spf1 -all exists:" L63 "%{q}.example";
	char why[256];

	ck_assert_int_eq(spf_record_check(rec, strlen(rec), why, sizeof(why)),
	    -1);
	ck_assert_str_eq(why, "term 2 \"exists:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aa...\": unknown macro letter 'q'");
}
END_TEST

static const struct record_case explanations[] = {
	{"%{i} is not one of %{d}'s designated mail servers.", 0, NULL},
	{"See http://%{d}/why.html?s=%{S}&i=%{I}", 0, NULL},
	{"Mail from %{S} rejected: %{i} is not allowed; %{c} %{r} %{t}", 0,
	    NULL},
	{"", 0, NULL},
	{"   ", 0, NULL},
	{"100%% sure", 0, NULL},
	{"100% sure", -1, "'%' followed by ' '"},
	{"100%", -1, "'%' at the end"},
	{"%{x}", -1, "unknown macro letter 'x'"},
	{"%{d2147483648}", -1, "wants 1 to 128 parts"},
	{"%{l-1}", -1, "'1' in a macro"},
	{"tab\there", -1, "octet 0x09 is not visible ASCII"},
	{"caf\303\251", -1, "octet 0xc3 is not visible ASCII"},
	{X10("%{d}") "%{d}%{d}%{d}%{d}%{d}%{d}", 0, NULL},
	{X10("%{d}") "%{d}%{d}%{d}%{d}%{d}%{d}%{d}", -1,
	    "explanation with 17 macros (at most 16)"},
	{L63 L63 L63 L63 "aaaa", -1, "more than 255 octets of text"},
	{X10("%{d}a") X10("%{d}a") "%{d}", -1, "explanation with 21 macros"},
	{X10("%{d}ab") "%{d}ab%{d}ab%{d}ab%{d}ab%{d}", 0, NULL},
	{L63 L63 "%{d}" L63 L63 "%{d}" L63 L63, -1,
	    "too long for libspf2 (408 octets compiled, at most 384)"},
};

START_TEST(test_explanations)
{
	const struct record_case *c = &explanations[_i];
	char why[256];
	int got;

	memset(why, SENTINEL, sizeof(why));
	got = spf_explain_check(c->record, strlen(c->record), why,
	    sizeof(why));
	check_why(c->record, why, got, c->want, c->want_why);
}
END_TEST

START_TEST(test_explanation_sizes)
{
	char text[SPF_EXPLAIN_MAX + 2], why[128];
	size_t i;

	/* 1024 octets in words that each fit: only the length counts */
	for (i = 0; i < sizeof(text) - 1; i++)
		text[i] = i % 200 == 199 ? '%' : 'a';
	for (i = 0; i + 1 < sizeof(text) - 1; i++)
		if (text[i] == '%')
			text[++i] = '-';
	text[sizeof(text) - 1] = '\0';
	ck_assert_int_eq(spf_explain_check(text, SPF_EXPLAIN_MAX + 1, why,
	    sizeof(why)), -1);
	ck_assert_msg(strstr(why, "explanation of 1025 octets") != NULL,
	    "%s", why);
	ck_assert_int_eq(spf_explain_check(NULL, 0, why, sizeof(why)), -1);
}
END_TEST

struct is_spf_case {
	const char *txt;
	int	want;
};

static const struct is_spf_case is_spf[] = {
	{"v=spf1", 1}, {"v=spf1 -all", 1}, {"V=Spf1 a", 1},
	{"v=spf1\t-all", 0}, {"v=spf10", 0}, {"v=spf", 0}, {"", 0},
	{"google-site-verification=abc", 0}, {" v=spf1", 0},
	{"v=spf2.0/pra", 0}, {"spf2.0/mfrom", 0},
};

START_TEST(test_is_spf)
{
	const struct is_spf_case *c = &is_spf[_i];

	ck_assert_int_eq(spf_record_is_spf(c->txt, strlen(c->txt)), c->want);
}
END_TEST

struct prepare_case {
	const char *record;
	int	family;
	const char *want;		/* SPF_ANY_MARK written as '#' */
	unsigned want_mechs;
};

static const struct prepare_case prepares[] = {
	{"v=spf1", AF_INET, "v=spf1", 0},
	{"v=spf1   a   mx  -all  ", AF_INET, "v=spf1 a mx -all", 3},
	{"v=spf1 ip4:192.0.2.0/24 -all", AF_INET,
	    "v=spf1 ip4:192.0.2.0/24 -all", 2},
	{"v=spf1 ip4:192.0.2.9/0 -all", AF_INET,
	    "v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/1 -all", 3},
	{"v=spf1 -ip4:0.0.0.0/0 +all", AF_INET6,
	    "v=spf1 -ip4:0.0.0.0/1 -ip4:128.0.0.0/1 +all", 3},
	{"v=spf1 ~ip6:2001:db8::/0", AF_INET6,
	    "v=spf1 ~ip6:::/1 ~ip6:8000::/1", 2},
	{"v=spf1 ip6:2001:db8::/32 ip4:192.0.2.10", AF_INET,
	    "v=spf1 ip6:2001:db8::/32 ip4:192.0.2.10", 2},
	{"v=spf1 a/0 -all", AF_INET, "v=spf1 a:%{d}# -all", 2},
	{"v=spf1 a/0 -all", AF_INET6, "v=spf1 a -all", 2},
	{"v=spf1 ?a:example.com/0//64", AF_INET, "v=spf1 ?a:example.com#", 1},
	{"v=spf1 ?a:example.com/0//64", AF_INET6,
	    "v=spf1 ?a:example.com//64", 1},
	{"v=spf1 a:example.com/24//0", AF_INET, "v=spf1 a:example.com/24", 1},
	{"v=spf1 a:example.com/24//0", AF_INET6, "v=spf1 a:example.com#", 1},
	{"v=spf1 mx//0", AF_INET6, "v=spf1 mx:%{d}#", 1},
	{"v=spf1 MX:example.com./30", AF_INET, "v=spf1 mx:example.com/30", 1},
	{"v=spf1 redirect=example.com -all", AF_INET, "v=spf1 -all", 1},
	{"v=spf1 redirect=example.com a", AF_INET,
	    "v=spf1 a redirect=example.com", 2},
	{"v=spf1 exp=why.example. redirect=x.example. ptr:%{d2R}", AF_INET,
	    "v=spf1 exp=why.example ptr:%{d2r} redirect=x.example", 2},
	{"v=spf1 -all a mx include:x.example", AF_INET, "v=spf1 -all", 1},
	{"v=spf1 foo=bar a exp-text=x -all", AF_INET, "v=spf1 a -all", 2},
	{"v=spf1 exists:%%%{D}%-%_.example.", AF_INET,
	    "v=spf1 exists:%%%{D}%-%_.example", 1},
	{"v=spf1 include:%{l}.example -all", AF_INET,
	    "v=spf1 include:%{l}.example -all", 2},
};

START_TEST(test_prepare)
{
	const struct prepare_case *c = &prepares[_i];
	char out[256], *p, why[128];
	unsigned mechs = 99;

	ck_assert_msg(spf_record_check(c->record, strlen(c->record), why,
	    sizeof(why)) == 0, "%s: %s", c->record, why);
	ck_assert_int_eq(spf_record_prepare(c->record, strlen(c->record),
	    c->family, out, sizeof(out), &mechs), 0);
	for (p = out; *p; p++)
		if (*p == SPF_ANY_MARK)
			*p = '#';
	ck_assert_str_eq(out, c->want);
	ck_assert_uint_eq(mechs, c->want_mechs);
}
END_TEST

/* out too small: -1, never an overrun */
START_TEST(test_prepare_small)
{
	const char *rec = "v=spf1 ip4:0.0.0.0/0 -all";
	char out[64];
	unsigned mechs;
	size_t len;

	for (len = 0; len < sizeof(out); len++) {
		memset(out, SENTINEL, sizeof(out));
		ck_assert_int_eq(spf_record_prepare(rec, strlen(rec), AF_INET,
		    out, len, &mechs), len > 41 ? 0 : -1);
		if (len < sizeof(out))
			ck_assert_int_eq(out[len], SENTINEL);
	}
}
END_TEST

static Suite *
spf_record_suite(void)
{
	Suite *s = suite_create("spf_record");
	TCase *tc;

	tc = tcase_create("grammar");
	tcase_add_loop_test(tc, test_grammar, 0, NCASES(grammar));
	tcase_add_loop_test(tc, test_rfc_examples, 0, NCASES(rfc_examples));
	tcase_add_loop_test(tc, test_is_spf, 0, NCASES(is_spf));
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_loop_test(tc, test_limits, 0, NCASES(limits));
	tcase_add_loop_test(tc, test_hostile, 0, NCASES(hostile));
	tcase_add_test(tc, test_why_sizes);
	tcase_add_test(tc, test_why_term);
	suite_add_tcase(s, tc);

	tc = tcase_create("explanations");
	tcase_add_loop_test(tc, test_explanations, 0, NCASES(explanations));
	tcase_add_test(tc, test_explanation_sizes);
	suite_add_tcase(s, tc);

	tc = tcase_create("prepare");
	tcase_add_loop_test(tc, test_prepare, 0, NCASES(prepares));
	tcase_add_test(tc, test_prepare_small);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(spf_record_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
