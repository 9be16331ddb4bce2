/*
 * NAME
 *	check_addr 1
 * SUMMARY
 *	unit tests for lib/addr.c
 * SYNOPSIS
 *	check_addr
 * DESCRIPTION
 *	Feeds addr_parse() the forms an MTA hands over and the forms a
 *	hostile client would try, from tables with want_* fields. Outputs
 *	are pre-filled with a sentinel so that a refusal is seen to leave
 *	them untouched. Every input is also parsed from an exact-size heap
 *	copy and cut at every length, so that AddressSanitizer sees any read
 *	past the end. addr_format() is checked to round-trip.
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "addr.h"

#define SENTINEL_BYTE	0xa5
#define NCASES(t)	((int)(sizeof(t) / sizeof((t)[0])))

static const char sentinel_err[] = "sentinel";

/* a refusal: local and domain are not checked */
#define BAD(in, err)	{ in, -1, NULL, NULL, 0, 0, 0, err }
#define OK(in, local, domain, null, quoted, routed) \
	{ in, 0, local, domain, null, quoted, routed, NULL }

struct parse_case {
	const char *in;
	int	want_rc;
	const char *want_local;
	const char *want_domain;
	int	want_null;
	int	want_quoted;
	int	want_routed;
	const char *want_err;		/* part of the message */
};

static const struct parse_case forms[] = {
	OK("<alice@example.net>", "alice", "example.net", 0, 0, 0),
	OK("alice@example.net", "alice", "example.net", 0, 0, 0),
	OK("  <alice@example.net>  ", "alice", "example.net", 0, 0, 0),
	OK("\t<alice@example.net>\t", "alice", "example.net", 0, 0, 0),
	OK("<  alice@example.net  >", "alice", "example.net", 0, 0, 0),
	OK("<alice@example.net> SIZE=100 BODY=8BITMIME", "alice",
	    "example.net", 0, 0, 0),
	OK("<alice@example.net>\tSIZE=100", "alice", "example.net", 0, 0, 0),
	OK("alice@example.net SIZE=100 BODY=8BITMIME", "alice",
	    "example.net", 0, 0, 0),
	OK("first.last+tag@example.net", "first.last+tag", "example.net",
	    0, 0, 0),
	OK("alice", "alice", "", 0, 0, 0),
	OK("<postmaster>", "postmaster", "", 0, 0, 0),
	OK("<>", "", "", 1, 0, 0),
	OK("< >", "", "", 1, 0, 0),
	OK("<> SIZE=0", "", "", 1, 0, 0),
	OK("  <>  ", "", "", 1, 0, 0),
	OK("user@xn--bcher-kva.example", "user", "xn--bcher-kva.example",
	    0, 0, 0),
	OK("u@under_score.example", "u", "under_score.example", 0, 0, 0),
	/* the docomo spelling exists in the wild: accepted, quoted on output */
	OK("a..b@docomo.ne.jp", "a..b", "docomo.ne.jp", 0, 0, 0),
	OK(".a@b", ".a", "b", 0, 0, 0),
};

static const struct parse_case normalised[] = {
	OK("A@EXAMPLE.NET", "A", "example.net", 0, 0, 0),
	OK("MiXeD.Case@Sub.Example.NET", "MiXeD.Case", "sub.example.net",
	    0, 0, 0),
	OK("alice@example.net.", "alice", "example.net", 0, 0, 0),
	OK("a@b.c.", "a", "b.c", 0, 0, 0),
	OK("<A@B.C.>", "A", "b.c", 0, 0, 0),
	OK("a@[192.0.2.1]", "a", "[192.0.2.1]", 0, 0, 0),
	OK("a@[1.2.3.4]", "a", "[1.2.3.4]", 0, 0, 0),
	OK("a@[IPv6:2001:db8::1]", "a", "[IPv6:2001:db8::1]", 0, 0, 0),
	OK("a@[IPv6:::1]", "a", "[IPv6:::1]", 0, 0, 0),
	OK("a@[ipv6:2001:DB8:0:0::1]", "a", "[IPv6:2001:db8::1]", 0, 0, 0),
	OK("j\xc3\xb6rg@example.net", "j\xc3\xb6rg", "example.net", 0, 0, 0),
	OK("u@b\xc3\xbc" "cher.example", "u", "b\xc3\xbc" "cher.example",
	    0, 0, 0),
	/* only ASCII letters are lower-cased: no Unicode case folding */
	OK("u@B\xc3\x9c" "CHER.Example", "u", "b\xc3\x9c" "cher.example",
	    0, 0, 0),
	OK("\xf0\x9f\x98\x80@x.example", "\xf0\x9f\x98\x80", "x.example",
	    0, 0, 0),
	OK("\xe4\xb8\xad@\xe4\xb8\xad.example", "\xe4\xb8\xad",
	    "\xe4\xb8\xad.example", 0, 0, 0),
	OK("\xf4\x8f\xbf\xbf@x", "\xf4\x8f\xbf\xbf", "x", 0, 0, 0),
};

static const struct parse_case quoted_routed[] = {
	OK("\"bob\"@x.example", "bob", "x.example", 0, 1, 0),
	OK("<\"alice@example.net\"@evil.test>", "alice@example.net",
	    "evil.test", 0, 1, 0),
	OK("\"alice@example.net\"@evil.test", "alice@example.net",
	    "evil.test", 0, 1, 0),
	OK("\"a\\\"b\"@c", "a\"b", "c", 0, 1, 0),
	OK("\"a\\\\b\"@c", "a\\b", "c", 0, 1, 0),
	OK("\"john doe\"@example.net", "john doe", "example.net", 0, 1, 0),
	OK("<\"john doe\"@example.net> SIZE=1", "john doe", "example.net",
	    0, 1, 0),
	OK("<\"a>b\"@c>", "a>b", "c", 0, 1, 0),
	OK("\"\\ \"@x", " ", "x", 0, 1, 0),
	OK("\"bob\"", "bob", "", 0, 1, 0),
	OK("\"j\xc3\xb6rg\"@x", "j\xc3\xb6rg", "x", 0, 1, 0),
	OK("<@a.example,@b.example:u@d.example>", "u", "d.example", 0, 0, 1),
	OK("<@a.example:u@d.example>", "u", "d.example", 0, 0, 1),
	OK("<@[192.0.2.1]:u@d.example>", "u", "d.example", 0, 0, 1),
	OK("<@[IPv6:2001:db8::1],@b:u@d.example>", "u", "d.example", 0, 0, 1),
	OK("<@a.example:\"x y\"@D.example>", "x y", "d.example", 0, 1, 1),
	OK("u%v@w.example", "u%v", "w.example", 0, 0, 1),
	OK("host!user@w.example", "host!user", "w.example", 0, 0, 1),
	OK("\"u%v\"@w", "u%v", "w", 0, 1, 1),
	OK("<u%v@w>", "u%v", "w", 0, 0, 1),
};

static const struct parse_case hostile[] = {
	BAD(NULL, "no address"),
	BAD("", "empty address"),
	BAD("   ", "empty address"),
	BAD("\t \t", "empty address"),
	BAD("<<a@b>>", "unbalanced"),
	BAD("<a@b", "unbalanced"),
	BAD("a@b>", "unbalanced"),
	BAD("<a@b>>", "unbalanced"),
	BAD("<", "unbalanced"),
	BAD(">", "unbalanced"),
	BAD("<a<b@c>", "unbalanced"),
	BAD("<a@b>x", "after the closing"),
	BAD("a@b@c", "more than one @"),
	BAD("<a@b@c>", "more than one @"),
	BAD("\"a\"@b@c", "more than one @"),
	BAD("@example.net", "empty local part"),
	BAD("<@example.net>", "empty local part"),
	BAD("\"\"@b", "empty local part"),
	BAD("<\"\">", "empty local part"),
	BAD("<@a:@b>", "empty local part"),
	BAD("alice@", "empty domain"),
	BAD("<alice@>", "empty domain"),
	BAD("a@.", "empty domain"),
	BAD("a@b..c", "empty label"),
	BAD("a@.b", "empty label"),
	BAD("a@b.c..", "empty label"),
	BAD("<a@b\r\n>", "control character"),
	BAD("<a@b>\r\nRCPT TO:<x@y>", "control character"),
	BAD("<a\tb@c>", "control character"),
	BAD("<a@b\t>", "control character"),
	BAD("a@b\x7f", "control character"),
	BAD("\"a\x01\"@b", "control character"),
	BAD("\"a\\\x01\"@b", "control character"),
	BAD("a@b\x1b[2J", "control character"),
	BAD("\"abc@d", "unterminated"),
	BAD("<\"abc@d>", "unterminated"),
	BAD("\"abc\\", "unterminated"),
	BAD("\"abc\\\"", "unterminated"),
	BAD("<a@b c@d>", "more than one address"),
	BAD("<a b@c>", "more than one address"),
	BAD("<@:u@d>", "source route"),
	BAD("<@a,:u@d>", "source route"),
	BAD("<@a,b:u@d>", "source route"),
	BAD("<@a..b:u@d>", "source route"),
	BAD("<@a@b:u@d>", "source route"),
	BAD("\xc0\xaf@x", "UTF-8"),
	BAD("a@\xc0\xaf.x", "UTF-8"),
	BAD("\xed\xa0\x80@x", "UTF-8"),
	BAD("a@\xed\xbf\xbf", "UTF-8"),
	BAD("\x80@x", "UTF-8"),
	BAD("a\xc3@x", "UTF-8"),
	BAD("a@x\xe4\xb8", "UTF-8"),
	BAD("\"\xc3\"@x", "UTF-8"),
	BAD("\xf4\x90\x80\x80@x", "UTF-8"),
	BAD("\xf8\x88\x80\x80\x80@x", "UTF-8"),
	BAD("\xe0\x80\xaf@x", "UTF-8"),
	BAD("\xf0\x80\x80\xaf@x", "UTF-8"),
	BAD("\xc1\xbf@x", "UTF-8"),
	BAD("\xff@x", "UTF-8"),
	BAD("a@[1.2.3]", "literal"),
	BAD("a@[256.1.1.1]", "literal"),
	BAD("a@[IPv6:1.2.3.4]", "literal"),
	BAD("a@[2001:db8::1]", "literal"),
	BAD("a@[1.2.3.4", "literal"),
	BAD("a@[1.2.3.4].", "literal"),
	BAD("a@[tag:foo]", "literal"),
	BAD("a@[]", "literal"),
	BAD("a@b_c!d", "invalid character in domain"),
	BAD("a@b,c", "invalid character in domain"),
	BAD("a@b:25", "invalid character in domain"),
	BAD("a@\"b\"", "invalid character in domain"),
	BAD("a\"b@c", "unterminated"),
	BAD("a\"b\"@c", "invalid character in local part"),
	BAD("a(b)@c", "invalid character in local part"),
	BAD("a,b@c", "invalid character in local part"),
	BAD("a\\@b@c", "invalid character in local part"),
	BAD("\"a\"b@c", "after the quoted"),
	BAD("\"a\".b@c", "after the quoted"),
	BAD("\"a\\\xc3\xa9\"@c", "invalid escape"),
};

/* fill - the sentinel an untouched struct addr holds */
static void
fill(struct addr *a)
{
	memset(a, SENTINEL_BYTE, sizeof(*a));
}

/* run_case - parse one row and compare with its want_* fields */
static void
run_case(const struct parse_case *c, int i)
{
	struct addr a, untouched;
	const char *err = sentinel_err;
	int rc;

	fill(&a);
	fill(&untouched);
	rc = addr_parse(c->in, &a, &err);
	ck_assert_msg(rc == c->want_rc, "case %d \"%s\": rc %d, want %d (%s)",
	    i, c->in ? c->in : "(null)", rc, c->want_rc, err);
	if (rc < 0) {
		ck_assert_msg(memcmp(&a, &untouched, sizeof(a)) == 0,
		    "case %d: output touched on failure", i);
		ck_assert_msg(err != sentinel_err && err != NULL,
		    "case %d: no message", i);
		ck_assert_msg(strstr(err, c->want_err) != NULL,
		    "case %d \"%s\": message \"%s\", want \"%s\"", i,
		    c->in ? c->in : "(null)", err, c->want_err);
		return;
	}
	ck_assert_msg(err == sentinel_err, "case %d: message set on success", i);
	ck_assert_str_eq(a.local, c->want_local);
	ck_assert_str_eq(a.domain, c->want_domain);
	ck_assert_int_eq(a.null, c->want_null);
	ck_assert_int_eq(a.quoted, c->want_quoted);
	ck_assert_int_eq(a.routed, c->want_routed);
}

START_TEST(test_forms)
{
	run_case(&forms[_i], _i);
}
END_TEST

START_TEST(test_normalised)
{
	run_case(&normalised[_i], _i);
}
END_TEST

START_TEST(test_quoted_routed)
{
	run_case(&quoted_routed[_i], _i);
}
END_TEST

START_TEST(test_hostile)
{
	run_case(&hostile[_i], _i);
}
END_TEST

START_TEST(test_null_outputs)
{
	struct addr a;

	/* a caller that does not want the message must not crash */
	fill(&a);
	ck_assert_int_eq(addr_parse("a@b", &a, NULL), 0);
	ck_assert_int_eq(addr_parse("a@@b", &a, NULL), -1);
	ck_assert_int_eq(addr_parse("a@b", NULL, NULL), -1);
}
END_TEST

/* limits: built at run time from repeated characters */
struct limit_case {
	const char *prefix;
	const char *unit;		/* repeated */
	size_t	count;
	const char *suffix;
	int	want_rc;
	const char *want_err;
};

static const struct limit_case limits[] = {
	{ "", "a", 64, "@example.net", 0, NULL },
	{ "", "a", 65, "@example.net", -1, "local part longer than 64" },
	{ "<", "a", 65, ">", -1, "local part longer than 64" },
	{ "", "\xc3\xa9", 32, "@example.net", 0, NULL },
	{ "", "\xc3\xa9", 33, "@example.net", -1, "local part longer" },
	{ "\"", "\\\"", 64, "\"@example.net", 0, NULL },
	{ "\"", "\\\"", 65, "\"@example.net", -1, "local part longer" },
	{ "a@", "b", 63, ".example", 0, NULL },
	{ "a@", "b", 64, ".example", -1, "label longer than 63" },
	{ "a@", "b.", 125, "cc", 0, NULL },		/* 254 octets */
	{ "a@", "b.", 125, "ccc", -1, "longer than 254" },
	{ "a@", "b.", 125, "cc.", 0, NULL },		/* the root dot is free */
	/* 254 octets sent, 256 written back (".e"@...): refused */
	{ ".e@", "b.", 125, "c", -1, "longer than 254" },
	{ "ee@", "b.", 125, "c", 0, NULL },
	{ "a@", "b.", 127, "cc", -1, "domain longer than 255" },
	{ "<@", "b.", 127, "c:u@d>", 0, NULL },		/* 255 in a route */
	{ "<@", "b.", 127, "cc:u@d>", -1, "source route" },
	{ "", "a", 64, "@b", 0, NULL },
	{ "x@", "y", 10000, "", -1, "domain longer than 255" },
	{ "<", " ", 10000, ">", 0, NULL },		/* the null sender */
	{ "", "<", 10000, "", -1, "unbalanced" },
	{ "", "\"", 10001, "", -1, "unterminated" },
};

/* build - prefix, count units and suffix in a new heap string */
static char *
build(const struct limit_case *c)
{
	size_t ul = strlen(c->unit), pl = strlen(c->prefix), i;
	char *s = malloc(pl + ul * c->count + strlen(c->suffix) + 1);

	ck_assert_ptr_nonnull(s);
	strcpy(s, c->prefix);
	for (i = 0; i < c->count; i++)
		memcpy(s + pl + i * ul, c->unit, ul);
	strcpy(s + pl + ul * c->count, c->suffix);
	return s;
}

START_TEST(test_limits)
{
	const struct limit_case *c = &limits[_i];
	const char *err = sentinel_err;
	struct addr a;
	char *s = build(c);
	int rc;

	rc = addr_parse(s, &a, &err);
	ck_assert_msg(rc == c->want_rc, "limit %d: rc %d, want %d (%s)",
	    _i, rc, c->want_rc, err);
	if (rc < 0)
		ck_assert_msg(strstr(err, c->want_err) != NULL,
		    "limit %d: message \"%s\", want \"%s\"", _i, err,
		    c->want_err);
	free(s);
}
END_TEST

/* parse_cut - parse the first n octets of s from an exact heap copy */
static void
parse_cut(const char *s, size_t n)
{
	const char *err;
	struct addr a;
	char *copy = malloc(n + 1);

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, s, n);
	copy[n] = '\0';
	(void)addr_parse(copy, &a, &err);
	free(copy);
}

/* cut_table - parse every prefix of every input of a table */
static void
cut_table(const struct parse_case *t, int count)
{
	size_t n;
	int i;

	for (i = 0; i < count; i++)
		if (t[i].in != NULL)
			for (n = 0; n <= strlen(t[i].in); n++)
				parse_cut(t[i].in, n);
}

START_TEST(test_truncated)
{
	cut_table(forms, NCASES(forms));
	cut_table(normalised, NCASES(normalised));
	cut_table(quoted_routed, NCASES(quoted_routed));
	cut_table(hostile, NCASES(hostile));
}
END_TEST

/* same_addr - the fields a round trip must keep (a dropped route is gone) */
static void
same_addr(const struct addr *x, const struct addr *y, const char *what)
{
	ck_assert_msg(strcmp(x->local, y->local) == 0 &&
	    strcmp(x->domain, y->domain) == 0 && x->null == y->null,
	    "%s: \"%s\"@\"%s\" became \"%s\"@\"%s\"",
	    what, x->local, x->domain, y->local, y->domain);
}

/* next - a small deterministic generator, so that a failure repeats */
static unsigned
next(unsigned long *seed)
{
	*seed = *seed * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(*seed >> 33);
}

/* pieces of addresses, the plain ones more often than the strange ones */
static const char *const tokens[] = {
	"a", "b", "Z", "9", "a", "b", "Z", "9", ".", ".", "-", "_", "+",
	"@", "\"", "\\", "<", ">", ":", ",", "[", "]", "%", "!", " ",
	"\t", "\x01", "\x7f", "\xc3\xa9", "\xc0", "\xed\xa0\x80", "\x80",
	"\xf0\x9f\x98\x80", "\xff", "IPv6:", "1.2.3.4", "::1", "'", "(",
};

/* random_part - append up to max random tokens to s (room for 8 each) */
static size_t
random_part(char *s, size_t n, unsigned max, unsigned long *seed)
{
	unsigned k = next(seed) % (max + 1);
	const char *t;

	while (k-- > 0) {
		t = tokens[next(seed) % (sizeof(tokens) / sizeof(tokens[0]))];
		memcpy(s + n, t, strlen(t));
		n += strlen(t);
	}
	return n;
}

START_TEST(test_random)
{
	unsigned long seed = 12345;
	char s[256], out[ADDR_FORMAT_MAX];
	struct addr a, b;
	const char *err;
	size_t n;
	int round, accepted = 0;

	for (round = 0; round < 200000; round++) {
		n = 0;
		if (next(&seed) % 2)
			s[n++] = '<';
		if (next(&seed) % 4 == 0)
			s[n++] = '"';
		n = random_part(s, n, 8, &seed);
		if (next(&seed) % 4 == 0)
			s[n++] = '"';
		if (next(&seed) % 4 != 0) {
			s[n++] = '@';
			n = random_part(s, n, 8, &seed);
		}
		if (s[0] == '<' && next(&seed) % 8 != 0)
			s[n++] = '>';
		s[n] = '\0';
		if (addr_parse(s, &a, &err) < 0)
			continue;
		accepted++;
		/* whatever is accepted must format and parse back the same */
		ck_assert_int_eq(addr_format(&a, out, sizeof(out)), 0);
		if (a.null)
			continue;
		ck_assert_msg(addr_parse(out, &b, &err) == 0,
		    "\"%s\" formatted as \"%s\": %s", s, out, err);
		same_addr(&a, &b, s);
	}
	/* the generator must reach the interesting part of the parser */
	ck_assert_int_gt(accepted, 5000);
}
END_TEST

struct format_case {
	const char *in;
	const char *want_out;
};

static const struct format_case formats[] = {
	{ "<alice@example.net>", "alice@example.net" },
	{ "\"bob\"@x", "bob@x" },
	{ "\"john doe\"@x", "\"john doe\"@x" },
	{ "\"a\\\"b\"@c", "\"a\\\"b\"@c" },
	{ "\"a\\\\b\"@c", "\"a\\\\b\"@c" },
	{ "\"alice@example.net\"@evil.test", "\"alice@example.net\"@evil.test" },
	{ "\"a,b\"@c", "\"a,b\"@c" },
	{ "a..b@c", "\"a..b\"@c" },
	{ ".a@b", "\".a\"@b" },
	{ "\"a.\"@b", "\"a.\"@b" },
	{ "<>", "" },
	{ "< > SIZE=0", "" },
	{ "alice", "alice" },
	{ "\"bob smith\"", "\"bob smith\"" },
	{ "A@EXAMPLE.NET.", "A@example.net" },
	{ "<@a,@b:u@d>", "u@d" },
	{ "a@[IPv6:2001:DB8::1]", "a@[IPv6:2001:db8::1]" },
	{ "a@[192.0.2.1]", "a@[192.0.2.1]" },
	{ "j\xc3\xb6rg@b\xc3\xbc" "cher.example",
	    "j\xc3\xb6rg@b\xc3\xbc" "cher.example" },
	{ "u%v@w", "u%v@w" },
	{ "host!user@w", "host!user@w" },
	{ "o'brien+tag@x", "o'brien+tag@x" },
	{ "{weird}|~`#$&*=?^/@x", "{weird}|~`#$&*=?^/@x" },
};

START_TEST(test_format)
{
	const struct format_case *c = &formats[_i];
	char out[ADDR_FORMAT_MAX];
	struct addr a, b;
	const char *err = NULL;

	ck_assert_msg(addr_parse(c->in, &a, &err) == 0, "format %d: %s", _i,
	    err);
	ck_assert_int_eq(addr_format(&a, out, sizeof(out)), 0);
	ck_assert_str_eq(out, c->want_out);
	ck_assert_msg(addr_parse(out, &b, &err) == 0 ||
	    (a.null && out[0] == '\0'), "format %d: reparse: %s", _i, err);
	if (!a.null)
		same_addr(&a, &b, c->in);
}
END_TEST

START_TEST(test_format_fit)
{
	const struct format_case *c = &formats[_i];
	char out[ADDR_FORMAT_MAX], small[ADDR_FORMAT_MAX];
	struct addr a;
	const char *err;
	size_t n;

	ck_assert_int_eq(addr_parse(c->in, &a, &err), 0);
	n = strlen(c->want_out);
	/* exactly enough room, then one octet short */
	ck_assert_int_eq(addr_format(&a, out, n + 1), 0);
	ck_assert_str_eq(out, c->want_out);
	memset(small, 'Z', sizeof(small));
	memset(out, 'Z', sizeof(out));
	ck_assert_int_eq(addr_format(&a, small, n), -1);
	ck_assert_msg(memcmp(small, out, sizeof(out)) == 0,
	    "format %d: buffer touched on failure", _i);
}
END_TEST

START_TEST(test_format_edges)
{
	struct addr a;
	char out[ADDR_FORMAT_MAX];

	ck_assert_int_eq(addr_format(NULL, out, sizeof(out)), -1);
	memset(&a, 0, sizeof(a));
	a.null = 1;
	ck_assert_int_eq(addr_format(&a, NULL, 10), -1);
	ck_assert_int_eq(addr_format(&a, out, 0), -1);
	/* a hand-filled struct without its NULs stays inside its arrays */
	memset(&a, 'x', sizeof(a));
	a.null = 0;
	ck_assert_int_eq(addr_format(&a, out, sizeof(out)), 0);
	ck_assert_uint_eq(strlen(out),
	    sizeof(a.local) - 1 + 1 + sizeof(a.domain) - 1);
}
END_TEST

/* addr_suite - one test case per aspect */
static Suite *
addr_suite(void)
{
	Suite *s = suite_create("addr");
	TCase *tc;

	tc = tcase_create("forms");
	tcase_add_loop_test(tc, test_forms, 0, NCASES(forms));
	suite_add_tcase(s, tc);

	tc = tcase_create("normalised");
	tcase_add_loop_test(tc, test_normalised, 0, NCASES(normalised));
	suite_add_tcase(s, tc);

	tc = tcase_create("quoted_routed");
	tcase_add_loop_test(tc, test_quoted_routed, 0, NCASES(quoted_routed));
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_loop_test(tc, test_hostile, 0, NCASES(hostile));
	tcase_add_test(tc, test_null_outputs);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_loop_test(tc, test_limits, 0, NCASES(limits));
	suite_add_tcase(s, tc);

	tc = tcase_create("bounds");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_random);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_loop_test(tc, test_format, 0, NCASES(formats));
	tcase_add_loop_test(tc, test_format_fit, 0, NCASES(formats));
	tcase_add_test(tc, test_format_edges);
	suite_add_tcase(s, tc);
	return s;
}

/* main - run the suite */
int
main(void)
{
	SRunner *sr = srunner_create(addr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
