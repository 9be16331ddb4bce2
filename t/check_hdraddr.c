/*
 * NAME
 *	check_hdraddr 1
 * SUMMARY
 *	unit tests for lib/hdraddr.c
 * SYNOPSIS
 *	check_hdraddr
 * DESCRIPTION
 *	Feeds hdraddr_parse() the From: and Sender: field bodies that mail
 *	clients write and the ones a forger would try, from tables with
 *	want_* fields. Outputs are pre-filled with a sentinel so that a
 *	refusal is seen to leave them untouched, and so that a success is
 *	seen to write no more than the mailboxes it reports. Long values
 *	are built at run time. Every input is also parsed from an exact-size
 *	heap copy and cut at every length, and mutated at random, so that
 *	AddressSanitizer sees any read past the end.
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "addr.h"
#include "hdraddr.h"

#define SENTINEL_BYTE	0xa5
#define SENTINEL_N	((size_t)0xa5a5)
#define NCASES(t)	((int)(sizeof(t) / sizeof((t)[0])))
#define WANT_MAX	4		/* mailboxes a table row can describe */
#define OUT_LEN		(HDRADDR_MAX + 1)	/* one more, to see overruns */

static const char sentinel_err[] = "sentinel";

struct hdr_case {
	const char *in;
	size_t	max;
	int	want_rc;
	size_t	want_n;
	const char *want[2 * WANT_MAX];	/* local, domain of each mailbox */
	const char *want_err;		/* part of the message */
};

/* a refusal: no mailbox is checked */
#define BAD(in, err)	{ in, HDRADDR_MAX, -1, 0, { NULL }, err }
#define BAD_MAX(in, max, err) { in, max, -1, 0, { NULL }, err }
#define OK(in, n, ...)	{ in, HDRADDR_MAX, 0, n, { __VA_ARGS__ }, NULL }
#define OK_MAX(in, max, n, ...) { in, max, 0, n, { __VA_ARGS__ }, NULL }

static const struct hdr_case forms[] = {
	OK("alice@example.net", 1, "alice", "example.net"),
	OK("<alice@example.net>", 1, "alice", "example.net"),
	OK("Alice <alice@example.net>", 1, "alice", "example.net"),
	OK("  alice@example.net", 1, "alice", "example.net"),
	OK("\talice@example.net\t", 1, "alice", "example.net"),
	OK("  <alice@example.net>  ", 1, "alice", "example.net"),
	OK("alice@example.net, bob@example.org", 2,
	    "alice", "example.net", "bob", "example.org"),
	OK("Alice <alice@example.net>, Bob <bob@example.org>", 2,
	    "alice", "example.net", "bob", "example.org"),
	OK("alice@example.net,bob@example.org,carol@example.com", 3,
	    "alice", "example.net", "bob", "example.org",
	    "carol", "example.com"),
	OK("<alice@example.net>,<bob@example.org>", 2,
	    "alice", "example.net", "bob", "example.org"),
	OK("a@b.example, c@d.example, e@f.example, g@h.example", 4,
	    "a", "b.example", "c", "d.example", "e", "f.example",
	    "g", "h.example"),
	/* obsolete empty list elements */
	OK(",alice@example.net", 1, "alice", "example.net"),
	OK("alice@example.net,", 1, "alice", "example.net"),
	OK(" , ,alice@example.net,, ,bob@example.org, ,", 2,
	    "alice", "example.net", "bob", "example.org"),
	OK("first.last+tag@example.net", 1, "first.last+tag", "example.net"),
	OK("o'brien@example.net", 1, "o'brien", "example.net"),
	OK("{weird}|~`#$&*=?^/-_@example.net", 1, "{weird}|~`#$&*=?^/-_",
	    "example.net"),
	/* obsolete white space around "@" and around dots */
	OK("alice @ example.net", 1, "alice", "example.net"),
	OK("alice . smith@example . net", 1, "alice.smith", "example.net"),
	OK("< alice@example.net >", 1, "alice", "example.net"),
};

static const struct hdr_case display_names[] = {
	OK("\"Alice Smith\" <alice@example.net>", 1, "alice", "example.net"),
	OK("Alice Smith <alice@example.net>", 1, "alice", "example.net"),
	OK("Alice<alice@example.net>", 1, "alice", "example.net"),
	OK("\"Smith, Alice\" <alice@example.net>", 1, "alice",
	    "example.net"),
	OK("J. R. Smith <jrs@example.net>", 1, "jrs", "example.net"),
	OK("Alice \"the boss\" Smith <alice@example.net>", 1, "alice",
	    "example.net"),
	OK("\"Alice \\\"Al\\\" Smith\" <alice@example.net>", 1, "alice",
	    "example.net"),
	OK("\"\" <alice@example.net>", 1, "alice", "example.net"),
	OK("\"(not a comment)\" <alice@example.net>", 1, "alice",
	    "example.net"),
	OK("=?utf-8?q?Alice_Smith?= <alice@example.net>", 1, "alice",
	    "example.net"),
	OK("=?UTF-8?B?SsO2cmc=?= <joerg@example.net>", 1, "joerg",
	    "example.net"),
	OK("J\xc3\xb6rg M\xc3\xbcller <joerg@example.net>", 1, "joerg",
	    "example.net"),
	OK("\"J\xc3\xb6rg M\xc3\xbcller\" <joerg@example.net>", 1, "joerg",
	    "example.net"),
	OK("\xe5\xb1\xb1\xe7\x94\xb0 \xf0\x9f\x98\x80 <yamada@example.jp>", 1,
	    "yamada", "example.jp"),
};

static const struct hdr_case groups[] = {
	OK("undisclosed-recipients:;", 0, NULL),
	OK("undisclosed-recipients: ;", 0, NULL),
	OK("G:(nobody);", 0, NULL),
	OK("Friends: alice@example.net, Bob <bob@example.org>;", 2,
	    "alice", "example.net", "bob", "example.org"),
	OK("Friends: alice@example.net;, carol@example.com", 2,
	    "alice", "example.net", "carol", "example.com"),
	OK("A: alice@example.net;, B: bob@example.org;", 2,
	    "alice", "example.net", "bob", "example.org"),
	OK("G: ,alice@example.net,,;", 1, "alice", "example.net"),
	OK("\"The Group\" : alice@example.net ; ", 1, "alice", "example.net"),
	OK("undisclosed-recipients:;, alice@example.net", 1, "alice",
	    "example.net"),
};

static const struct hdr_case comments_folds[] = {
	OK("alice@example.net (Alice)", 1, "alice", "example.net"),
	OK("(Alice) alice@example.net", 1, "alice", "example.net"),
	OK("Alice <alice@example.net> (work)", 1, "alice", "example.net"),
	OK("alice(c)@(c)example.net", 1, "alice", "example.net"),
	OK("<alice(c)@example.net(c)>", 1, "alice", "example.net"),
	OK("(nested (comment (three))) alice@example.net", 1, "alice",
	    "example.net"),
	OK("(a \\) b) alice@example.net", 1, "alice", "example.net"),
	OK("(\xc3\xa9t\xc3\xa9) alice@example.net", 1, "alice",
	    "example.net"),
	OK("Alice\r\n <alice@example.net>", 1, "alice", "example.net"),
	OK("alice@example.net,\n\tbob@example.org", 2,
	    "alice", "example.net", "bob", "example.org"),
	OK("\r\n alice@example.net", 1, "alice", "example.net"),
	OK("alice@example.net\r\n ", 1, "alice", "example.net"),
	OK("\"Alice\r\n Smith\" <alice@example.net>", 1, "alice",
	    "example.net"),
	OK("\"john\r\n doe\"@example.net", 1, "john doe", "example.net"),
	OK("Alice\r\n\t(c\r\n d) <alice@example.net>", 1, "alice",
	    "example.net"),
	OK("\"a\\\r\n b\" <alice@example.net>", 1, "alice", "example.net"),
};

static const struct hdr_case normalised[] = {
	OK("\"alice\"@example.net", 1, "alice", "example.net"),
	OK("<\"alice\"@example.net>", 1, "alice", "example.net"),
	OK("\"john doe\"@example.net", 1, "john doe", "example.net"),
	OK("\"a\\\"b\"@example.net", 1, "a\"b", "example.net"),
	OK("ALICE@EXAMPLE.NET", 1, "ALICE", "example.net"),
	OK("alice@example.net.", 1, "alice", "example.net"),
	OK("<alice@example.net.>", 1, "alice", "example.net"),
	OK("alice@[192.0.2.1]", 1, "alice", "[192.0.2.1]"),
	OK("Alice <alice@[IPv6:2001:DB8::1]>", 1, "alice",
	    "[IPv6:2001:db8::1]"),
	OK("<@relay.example:alice@example.net>", 1, "alice", "example.net"),
	OK("<@a.example,@b.example:alice@example.net>", 1, "alice",
	    "example.net"),
	OK("< @a.example , @b.example : alice@example.net >", 1, "alice",
	    "example.net"),
	OK("j\xc3\xb6rg@example.net", 1, "j\xc3\xb6rg", "example.net"),
	OK("\"j\xc3\xb6rg\"@example.net", 1, "j\xc3\xb6rg", "example.net"),
	OK("alice@b\xc3\xbc" "cher.example", 1, "alice",
	    "b\xc3\xbc" "cher.example"),
	OK("u%v@example.net", 1, "u%v", "example.net"),
};

/* what a forger would try: the reader must see what is checked */
static const struct hdr_case hostile[] = {
	OK("\"alice@example.net\" <bob@evil.test>", 1, "bob", "evil.test"),
	OK("\"<alice@example.net>\" <bob@evil.test>", 1, "bob", "evil.test"),
	OK("\"alice@example.net\" <bob@evil.test>, ", 1, "bob", "evil.test"),
	BAD("alice@example.net <bob@evil.test>", "more than one address"),
	BAD("alice@example.net: <bob@evil.test>", "text after an address"),
	BAD("Alice alice@example.net", "malformed local part"),
	OK("bob@evil.test (alice@example.net)", 1, "bob", "evil.test"),
	OK("(alice@example.net) bob@evil.test", 1, "bob", "evil.test"),
	OK("<bob@evil.test> (alice@example.net)", 1, "bob", "evil.test"),
	OK("<bob@evil.test (>alice@example.net)>", 1, "bob", "evil.test"),
	OK("((alice@example.net) (x)) bob@evil.test", 1, "bob", "evil.test"),
	OK("\"alice@example.net\"@evil.test", 1, "alice@example.net",
	    "evil.test"),
	OK("<\"alice@example.net\"@evil.test>", 1, "alice@example.net",
	    "evil.test"),
	BAD("alice@example.net@evil.test", "more than one @"),
	BAD("<alice@example.net@evil.test>", "more than one @"),
	BAD("alice\\@example.net@evil.test", "backslash"),
	BAD("<alice@example.net>>", "unbalanced angle brackets"),
	BAD("<<alice@example.net>", "unbalanced angle brackets"),
	BAD("<alice@example.net", "unbalanced angle brackets"),
	BAD("alice@example.net>", "unbalanced angle brackets"),
	BAD("alice@example.net, <bob@evil.test", "unbalanced angle brackets"),
	BAD("<alice@example.net> <bob@evil.test>", "more than one address"),
	BAD("Alice <alice@example.net> <bob@evil.test>",
	    "more than one address"),
	BAD("<bob@evil.test> alice@example.net", "text after an address"),
	BAD("bob@evil.test alice@example.net", "text after an address"),
	BAD("alice@example.net; bob@evil.test", "text after an address"),
	BAD("\"alice@example.net <bob@evil.test>", "unterminated quoted"),
	BAD("\"alice\\\" <bob@evil.test>", "unterminated quoted"),
	BAD("(alice@example.net <bob@evil.test>", "unterminated comment"),
	BAD("bob@evil.test (alice@example.net", "unterminated comment"),
	BAD("((alice@example.net) bob@evil.test", "unterminated comment"),
	BAD("alice@example.net) <bob@evil.test>", "unbalanced parentheses"),
	/* no mailbox at all: whether a From: may lack one is the caller's
	 * decision, not the parser's */
	OK("\"alice@example.net\":;", 0, NULL),
	BAD("alice@example.net:;", "text after an address"),
	BAD("A: B: bob@evil.test;;", "group inside a group"),
	BAD("G: alice@example.net", "unterminated group"),
	/* the "@" ends the phrase: "=?utf-8?q?alice" is a local part */
	BAD("=?utf-8?q?alice@example.net?= <bob@evil.test>",
	    "invalid character in domain"),
	OK("=?utf-8?b?YWxpY2VAZXhhbXBsZS5uZXQ=?= <bob@evil.test>", 1, "bob",
	    "evil.test"),
	BAD("alice@example.net\r\nBcc: bob@evil.test", "not a fold"),
	BAD("alice@example.net\rbob@evil.test", "not a fold"),
	BAD("alice@example.net\r bob@evil.test", "not a fold"),
	BAD("alice@example.net\nbob@evil.test", "not a fold"),
	BAD("\x1b[8mbob@evil.test\x1b[0m alice@example.net",
	    "control character"),
	BAD("bob@evil.test\x08\x08\x08alice@example.net", "control character"),
	OK("alice@examp1e.net", 1, "alice", "examp1e.net"),
	OK("alice@example.net.evil.test", 1, "alice", "example.net.evil.test"),
	OK("alice@ex\xd0\xb0mple.net", 1, "alice", "ex\xd0\xb0mple.net"),
	OK("alice@EXAMPLE.net", 1, "alice", "example.net"),
	BAD("alice@example.net, <>", "null address"),
	BAD("Alice <>", "null address"),
	BAD("<alice@example.net>, bob", "without a domain"),
	BAD("Smith, Alice <alice@example.net>", "without a domain"),
	BAD("<@evil.test>", "source route"),
	BAD("<@relay.example alice@example.net>", "source route"),
};

/* syntax and octets that are refused without any forgery in sight */
static const struct hdr_case malformed[] = {
	BAD("", "no address"),
	BAD("   ", "no address"),
	BAD("\r\n \t", "no address"),
	BAD("(alice@example.net)", "no address"),
	BAD(",,,", "no address"),
	BAD("<>", "null address"),
	BAD("< >", "null address"),
	BAD("alice", "without a domain"),
	BAD("\"alice\"", "without a domain"),
	BAD("\"alice@example.net\"", "without a domain"),
	BAD("<alice>", "without a domain"),
	BAD("alice@", "without a domain"),
	BAD("Alice <alice@>", "without a domain"),
	BAD("alice@\"example.net\"", "without a domain"),
	BAD("@example.net", "without a local part"),
	BAD("<@relay.example:>", "without a local part"),
	BAD("<@relay.example,relay2:alice@example.net>", "source route"),
	BAD("<@relay.example (alice@example.net>", "unterminated comment"),
	BAD("\"a\".b@example.net", "malformed local part"),
	BAD(".alice@example.net", "malformed local part"),
	BAD("alice.@example.net", "malformed local part"),
	BAD("al..ice@example.net", "malformed local part"),
	BAD("alice@example..net", "text after an address"),
	BAD("alice@example.net..", "text after an address"),
	BAD("alice@exa!mple.net", "invalid character in domain"),
	BAD("\"a\tb\"@example.net", "control character"),
	BAD(". <alice@example.net>", "malformed display name"),
	BAD(": alice@example.net;", "group without a display name"),
	BAD("alice@example.net;", "text after an address"),
	BAD("[192.0.2.1]", "unexpected character"),
	BAD(";", "unexpected character"),
	BAD("alice@[192.0.2.1", "unterminated domain literal"),
	BAD("alice@[192.0.2.1 ]", "invalid character in domain literal"),
	BAD("alice@[192.0.2.1]]", "unbalanced square brackets"),
	BAD("alice@[192.0.2.256]", "literal"),
	BAD("<alice@example.net", "unbalanced angle brackets"),
	BAD("alice@example.net\r\n", "not a fold"),
	BAD("alice@example.net\n", "not a fold"),
	BAD("alice@example.net\r", "not a fold"),
	BAD("alice@example.net\x01", "control character"),
	BAD("alice\x7f@example.net", "control character"),
	BAD("\"alice\x7f\" <alice@example.net>", "control character"),
	BAD("(\x0b) alice@example.net", "control character"),
	BAD("Al\xc3 <alice@example.net>", "UTF-8"),
	BAD("\"\xc0\xaf\" <alice@example.net>", "UTF-8"),
	BAD("(\xff) alice@example.net", "UTF-8"),
	BAD("alice@example.net (\xed\xa0\x80)", "UTF-8"),
	BAD("alice\xe2\x80@example.net", "UTF-8"),
	BAD("\xf4\x90\x80\x80 <alice@example.net>", "UTF-8"),
	BAD("alice@example.net \x80", "UTF-8"),
	BAD("\"alice\\", "unterminated quoted"),
	BAD("(alice\\", "unterminated comment"),
};

/* the max argument */
static const struct hdr_case maxima[] = {
	BAD_MAX("alice@example.net, bob@example.org", 1, "too many addresses"),
	OK_MAX("alice@example.net, bob@example.org", 2, 2,
	    "alice", "example.net", "bob", "example.org"),
	BAD_MAX("alice@example.net", 0, "too many addresses"),
	BAD_MAX("G: alice@example.net;", 0, "too many addresses"),
	OK_MAX("undisclosed-recipients:;", 0, 0, NULL),
	OK_MAX("alice@example.net", 1000, 1, "alice", "example.net"),
};

/* fill - the sentinel untouched outputs hold */
static void
fill(struct addr *out, size_t *n, const char **err)
{
	memset(out, SENTINEL_BYTE, OUT_LEN * sizeof(*out));
	*n = SENTINEL_N;
	*err = sentinel_err;
}

/* untouched - the outputs from out[from] on still hold the sentinel */
static int
untouched(const struct addr *out, size_t from)
{
	const unsigned char *p = (const unsigned char *)(out + from);
	size_t i;

	for (i = 0; i < (OUT_LEN - from) * sizeof(*out); i++)
		if (p[i] != SENTINEL_BYTE)
			return 0;
	return 1;
}

/* run_case - parse one row and compare with its want_* fields */
static void
run_case(const struct hdr_case *c, int i)
{
	struct addr out[OUT_LEN];
	const char *err;
	size_t n, k;
	int rc;

	fill(out, &n, &err);
	rc = hdraddr_parse(c->in, out, c->max, &n, &err);
	ck_assert_msg(rc == c->want_rc, "case %d \"%s\": rc %d, want %d (%s)",
	    i, c->in, rc, c->want_rc, err);
	if (rc < 0) {
		ck_assert_msg(untouched(out, 0) && n == SENTINEL_N,
		    "case %d: output touched on failure", i);
		ck_assert_msg(err != sentinel_err && err != NULL,
		    "case %d: no message", i);
		ck_assert_msg(strstr(err, c->want_err) != NULL,
		    "case %d \"%s\": message \"%s\", want \"%s\"", i, c->in,
		    err, c->want_err);
		return;
	}
	ck_assert_msg(err == sentinel_err, "case %d: message set on success", i);
	ck_assert_msg(n == c->want_n, "case %d \"%s\": %zu mailboxes, want %zu",
	    i, c->in, n, c->want_n);
	ck_assert_int_le(c->want_n, WANT_MAX);
	for (k = 0; k < n; k++) {
		ck_assert_str_eq(out[k].local, c->want[2 * k]);
		ck_assert_str_eq(out[k].domain, c->want[2 * k + 1]);
		ck_assert_int_eq(out[k].null, 0);
	}
	ck_assert_msg(untouched(out, n), "case %d: wrote past its count", i);
}

START_TEST(test_forms)
{
	run_case(&forms[_i], _i);
}
END_TEST

START_TEST(test_display_names)
{
	run_case(&display_names[_i], _i);
}
END_TEST

START_TEST(test_groups)
{
	run_case(&groups[_i], _i);
}
END_TEST

START_TEST(test_comments_folds)
{
	run_case(&comments_folds[_i], _i);
}
END_TEST

START_TEST(test_normalised)
{
	run_case(&normalised[_i], _i);
}
END_TEST

START_TEST(test_hostile)
{
	run_case(&hostile[_i], _i);
}
END_TEST

START_TEST(test_malformed)
{
	run_case(&malformed[_i], _i);
}
END_TEST

START_TEST(test_maxima)
{
	run_case(&maxima[_i], _i);
}
END_TEST

START_TEST(test_flags)
{
	struct addr out[OUT_LEN];
	const char *err;
	size_t n;

	/* addr_parse() reports what it dropped or unquoted */
	fill(out, &n, &err);
	ck_assert_int_eq(hdraddr_parse("<@relay.example:u@example.net>, "
	    "\"q\"@example.net, p@example.net", out, HDRADDR_MAX, &n, &err), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(out[0].routed, 1);
	ck_assert_int_eq(out[0].quoted, 0);
	ck_assert_int_eq(out[1].routed, 0);
	ck_assert_int_eq(out[1].quoted, 1);
	ck_assert_int_eq(out[2].routed, 0);
	ck_assert_int_eq(out[2].quoted, 0);
}
END_TEST

START_TEST(test_arguments)
{
	struct addr out[OUT_LEN];
	const char *err;
	size_t n;

	fill(out, &n, &err);
	ck_assert_int_eq(hdraddr_parse(NULL, out, HDRADDR_MAX, &n, &err), -1);
	ck_assert_str_eq(err, "no address");
	ck_assert_int_eq(hdraddr_parse("a@b", out, HDRADDR_MAX, NULL, &err),
	    -1);
	ck_assert_int_eq(hdraddr_parse("a@b", NULL, 1, &n, &err), -1);
	ck_assert_msg(untouched(out, 0) && n == SENTINEL_N,
	    "output touched on failure");
	/* nowhere to store is fine when nothing may be stored */
	ck_assert_int_eq(hdraddr_parse("g:;", NULL, 0, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	/* a caller that does not want the message must not crash */
	ck_assert_int_eq(hdraddr_parse("a@b", out, HDRADDR_MAX, &n, NULL), 0);
	ck_assert_int_eq(hdraddr_parse("a@@b", out, HDRADDR_MAX, &n, NULL),
	    -1);
}
END_TEST

/* limits: built at run time from repeated units */
struct limit_case {
	const char *prefix;
	const char *unit;		/* repeated count times */
	size_t	count;
	const char *middle;
	const char *close;		/* then repeated count times */
	const char *suffix;
	size_t	max;
	int	want_rc;
	size_t	want_n;
	const char *want_local;		/* of the first mailbox */
	const char *want_err;
};

#define HDR_64K		65536
#define ADDR_A		"alice@example.net"

static const struct limit_case limits[] = {
	{ "", "a@b.example,", 32, "", "", "", HDRADDR_MAX, 0, 32, "a", NULL },
	{ "", "a@b.example,", 33, "", "", "", HDRADDR_MAX, -1, 0, NULL,
	    "too many addresses" },
	{ "", "a@b.example,", 33, "", "", "", 1000, -1, 0, NULL,
	    "too many addresses" },
	{ "", "a@b.example,", 10, "", "", "", 9, -1, 0, NULL,
	    "too many addresses" },
	{ "G: ", "a@b.example,", 33, ";", "", "", HDRADDR_MAX, -1, 0, NULL,
	    "too many addresses" },
	{ "", " ", HDR_64K - sizeof(ADDR_A), ADDR_A, "", "", HDRADDR_MAX,
	    0, 1, "alice", NULL },
	{ "", "\r\n ", HDR_64K / 3 - sizeof(ADDR_A), ADDR_A, "", "",
	    HDRADDR_MAX, 0, 1, "alice", NULL },
	{ "", "(", 32, "x", ")", " " ADDR_A, HDRADDR_MAX, 0, 1, "alice",
	    NULL },
	{ "", "(", 33, "x", ")", " " ADDR_A, HDRADDR_MAX, -1, 0, NULL,
	    "nested too deeply" },
	{ "", "(", 100000, "x", ")", " " ADDR_A, HDRADDR_MAX, -1, 0, NULL,
	    "nested too deeply" },
	{ "", "(x)", 20000, "", "", ADDR_A, HDRADDR_MAX, 0, 1, "alice", NULL },
	{ "\"", "x", 60000, "\" <" ADDR_A ">", "", "", HDRADDR_MAX, 0, 1,
	    "alice", NULL },
	{ "\"", "\\\"", 30000, "\" <" ADDR_A ">", "", "", HDRADDR_MAX, 0, 1,
	    "alice", NULL },
	{ "", "word ", 10000, "<" ADDR_A ">", "", "", HDRADDR_MAX, 0, 1,
	    "alice", NULL },
	{ "\"", "x", 60000, "", "", "", HDRADDR_MAX, -1, 0, NULL,
	    "unterminated quoted string" },
	{ "", "a", 64, "@example.net", "", "", HDRADDR_MAX, 0, 1, NULL, NULL },
	{ "", "a", 65, "@example.net", "", "", HDRADDR_MAX, -1, 0, NULL,
	    "local part longer than 64" },
	{ "\"", "a", 64, "\"@example.net", "", "", HDRADDR_MAX, 0, 1, NULL,
	    NULL },
	{ "\"", "a", 65, "\"@example.net", "", "", HDRADDR_MAX, -1, 0, NULL,
	    "local part longer than 64" },
	{ "alice@", "b", 64, ".example", "", "", HDRADDR_MAX, -1, 0, NULL,
	    "label longer than 63" },
	{ "<", "@r.example,", 100, "@r:" ADDR_A ">", "", "", HDRADDR_MAX,
	    -1, 0, NULL, "address too long" },
	{ "", "<", 30000, "", "", "", HDRADDR_MAX, -1, 0, NULL,
	    "unbalanced angle brackets" },
	{ "", ",", 60000, "", "", "", HDRADDR_MAX, -1, 0, NULL,
	    "no address" },
	{ "", "g:;,", 10000, "", "", "", HDRADDR_MAX, 0, 0, NULL, NULL },
	{ "", ".", 60000, "", "", "", HDRADDR_MAX, -1, 0, NULL,
	    "without a domain" },
};

/* build - the value a limit row describes, in a new heap string */
static char *
build(const struct limit_case *c)
{
	size_t pl = strlen(c->prefix), ul = strlen(c->unit);
	size_t ml = strlen(c->middle), cl = strlen(c->close), i, o;
	char *s = malloc(pl + (ul + cl) * c->count + ml + strlen(c->suffix) +
	    1);

	ck_assert_ptr_nonnull(s);
	memcpy(s, c->prefix, pl);
	o = pl;
	for (i = 0; i < c->count; i++, o += ul)
		memcpy(s + o, c->unit, ul);
	memcpy(s + o, c->middle, ml);
	o += ml;
	for (i = 0; i < c->count; i++, o += cl)
		memcpy(s + o, c->close, cl);
	strcpy(s + o, c->suffix);
	return s;
}

START_TEST(test_limits)
{
	const struct limit_case *c = &limits[_i];
	struct addr out[OUT_LEN];
	const char *err;
	char *s = build(c);
	size_t n;
	int rc;

	fill(out, &n, &err);
	rc = hdraddr_parse(s, out, c->max, &n, &err);
	ck_assert_msg(rc == c->want_rc, "limit %d: rc %d, want %d (%s)",
	    _i, rc, c->want_rc, err);
	if (rc < 0) {
		ck_assert_msg(untouched(out, 0) && n == SENTINEL_N,
		    "limit %d: output touched on failure", _i);
		ck_assert_msg(strstr(err, c->want_err) != NULL,
		    "limit %d: message \"%s\", want \"%s\"", _i, err,
		    c->want_err);
	} else {
		ck_assert_uint_eq(n, c->want_n);
		if (c->want_local != NULL)
			ck_assert_str_eq(out[0].local, c->want_local);
		ck_assert_msg(untouched(out, n), "limit %d: wrote past its "
		    "count", _i);
	}
	free(s);
}
END_TEST

/* parse_copy - parse the first n octets of s from an exact heap copy */
static int
parse_copy(const char *s, size_t n, size_t max)
{
	struct addr out[OUT_LEN];
	const char *err;
	char *copy = malloc(n + 1);
	size_t count;
	int rc;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, s, n);
	copy[n] = '\0';
	fill(out, &count, &err);
	rc = hdraddr_parse(copy, out, max, &count, &err);
	if (rc < 0)
		ck_assert_msg(untouched(out, 0) && count == SENTINEL_N &&
		    err != sentinel_err, "\"%s\": output touched on failure",
		    copy);
	else
		ck_assert_msg(count <= max && untouched(out, count) &&
		    err == sentinel_err, "\"%s\": bad success", copy);
	free(copy);
	return rc;
}

/* cut_table - parse every prefix of every input of a table */
static void
cut_table(const struct hdr_case *t, int count)
{
	size_t n;
	int i;

	for (i = 0; i < count; i++)
		for (n = 0; n <= strlen(t[i].in); n++)
			parse_copy(t[i].in, n, t[i].max);
}

static const struct {
	const struct hdr_case *t;
	int	n;
} tables[] = {
	{ forms, NCASES(forms) },
	{ display_names, NCASES(display_names) },
	{ groups, NCASES(groups) },
	{ comments_folds, NCASES(comments_folds) },
	{ normalised, NCASES(normalised) },
	{ hostile, NCASES(hostile) },
	{ malformed, NCASES(malformed) },
	{ maxima, NCASES(maxima) },
};

START_TEST(test_truncated)
{
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		cut_table(tables[i].t, tables[i].n);
}
END_TEST

/* next - a small deterministic generator, so that a failure repeats */
static unsigned
next(unsigned long *seed)
{
	*seed = *seed * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(*seed >> 33);
}

/* pieces inserted by the mutator: syntax, folds and awkward octets */
static const char *const tokens[] = {
	"a", "@", ".", ",", ";", ":", "<", ">", "\"", "\\", "(", ")", "[",
	"]", " ", "\t", "\r\n ", "\n\t", "\r", "\n", "\x01", "\x7f",
	"\xc3\xa9", "\xc3", "\xed\xa0\x80", "\xff", "@evil.test", "<>",
	"g:", "=?utf-8?q?x?=", "\"a@b\"", "(a@b)", "@r:",
};

START_TEST(test_random)
{
	unsigned long seed = 4242;
	char s[512];
	const struct hdr_case *c;
	const char *t;
	size_t pos, len, tlen, w;
	int round, k, accepted = 0;

	for (round = 0; round < 100000; round++) {
		w = next(&seed) % (sizeof(tables) / sizeof(tables[0]));
		c = &tables[w].t[next(&seed) % (unsigned)tables[w].n];
		len = strlen(c->in);
		memcpy(s, c->in, len + 1);
		for (k = next(&seed) % 4 + 1; k > 0; k--) {
			pos = len == 0 ? 0 : next(&seed) % (len + 1);
			if (next(&seed) % 3 == 0 && pos < len) {
				/* delete one octet */
				memmove(s + pos, s + pos + 1, len - pos);
				len--;
				continue;
			}
			t = tokens[next(&seed) % (sizeof(tokens) /
			    sizeof(tokens[0]))];
			tlen = strlen(t);
			if (len + tlen >= sizeof(s))
				break;
			memmove(s + pos + tlen, s + pos, len - pos + 1);
			memcpy(s + pos, t, tlen);
			len += tlen;
		}
		if (parse_copy(s, len, HDRADDR_MAX) == 0)
			accepted++;
	}
	/* the mutations must not all be refusals, nor all acceptances */
	ck_assert_int_gt(accepted, 0);
	ck_assert_int_lt(accepted, 100000);
}
END_TEST

/* hdraddr_suite - one test case per aspect */
static Suite *
hdraddr_suite(void)
{
	Suite *s = suite_create("hdraddr");
	TCase *tc;

	tc = tcase_create("forms");
	tcase_add_loop_test(tc, test_forms, 0, NCASES(forms));
	suite_add_tcase(s, tc);

	tc = tcase_create("display_names");
	tcase_add_loop_test(tc, test_display_names, 0, NCASES(display_names));
	suite_add_tcase(s, tc);

	tc = tcase_create("groups");
	tcase_add_loop_test(tc, test_groups, 0, NCASES(groups));
	suite_add_tcase(s, tc);

	tc = tcase_create("comments_folds");
	tcase_add_loop_test(tc, test_comments_folds, 0,
	    NCASES(comments_folds));
	suite_add_tcase(s, tc);

	tc = tcase_create("normalised");
	tcase_add_loop_test(tc, test_normalised, 0, NCASES(normalised));
	tcase_add_test(tc, test_flags);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_loop_test(tc, test_hostile, 0, NCASES(hostile));
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_malformed, 0, NCASES(malformed));
	tcase_add_test(tc, test_arguments);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_maxima, 0, NCASES(maxima));
	tcase_add_loop_test(tc, test_limits, 0, NCASES(limits));
	suite_add_tcase(s, tc);

	tc = tcase_create("bounds");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_random);
	suite_add_tcase(s, tc);
	return s;
}

/* main - run the suite */
int
main(void)
{
	SRunner *sr = srunner_create(hdraddr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
