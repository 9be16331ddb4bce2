/*
 * NAME
 *	check_sendermap 1
 * SUMMARY
 *	unit tests for lib/sendermap.c
 * SYNOPSIS
 *	check_sendermap
 * DESCRIPTION
 *	Loads one map in Postfix's smtpd_sender_login_maps text format
 *	(address, domain wildcard, bare local part, quoted key, continuation
 *	lines, comments) and asks, from a table with want_* fields, whether
 *	a login owns a raw MAIL FROM argument once addr_parse() has
 *	normalised it. A bad map must fail with every problem reported as
 *	"file:line: message", and sendermap_owned() must write only whole
 *	items. Outputs are pre-filled with a sentinel.
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "addr.h"
#include "sendermap.h"
#include "strlist.h"

#define SENTINEL_BYTE	0xa5
#define NCASES(t)	((int)(sizeof(t) / sizeof((t)[0])))

static const char map_text[] =
	"# address or @domain or bare local part   logins\n"
	"alice@example.net        alice, alice@example.net\n"
	"\"bob.smith\"@example.net  bob\n"
	"@shop.example.net        shopadmin\n"
	"postmaster               pmadmin\n"
	"\n"
	"carol@example.net        carol,\n"
	"    carol.assistant\n"
	"# a comment inside a continued entry does not end it\n"
	"\tcarol.backup\n"
	"dave+lists@example.net   listbot\n"
	"Eve@Example.NET.         eve\n"
	"@example.org             orgadmin\n"
	"\"john doe\"@example.org   john\n"
	"frank@example.org        frank\r\n"
	"sales@example.net        shopadmin,sales\n";

static const char *local_v[] = { "example.net" };
static const struct strlist local_domains = { (char **)local_v, 1, 1 };

/* the option sets a case runs under */
enum { DEFAULTS, NO_LOGIN_ADDR, NO_DELIM, NO_LOCAL };

static const struct sendermap_opts opts[] = {
	[DEFAULTS] = { 1, "+", &local_domains },
	[NO_LOGIN_ADDR] = { 0, "+", &local_domains },
	[NO_DELIM] = { 1, "", &local_domains },
	[NO_LOCAL] = { 1, "+", NULL },
};

struct owns_case {
	int	opts;
	const char *login;
	const char *mail_from;		/* raw, as the MTA hands it over */
	int	want_owned;
};

static const struct owns_case owns[] = {
	{ DEFAULTS, "alice", "<alice@example.net>", 1 },
	{ DEFAULTS, "alice", "alice@example.net SIZE=10", 1 },
	{ DEFAULTS, "ALICE", "<alice@example.net>", 1 },
	{ DEFAULTS, "alice", "<Alice@EXAMPLE.NET>", 1 },
	{ DEFAULTS, "alice", "<alice+tag@example.net>", 1 },
	{ DEFAULTS, "alice", "<ALICE+Tag@Example.Net.>", 1 },
	{ DEFAULTS, "alice", "<alice@example.net.>", 1 },
	{ DEFAULTS, "alice", "<\"alice\"@example.net>", 1 },
	{ DEFAULTS, "alice", "<\"alice@example.net\"@evil.test>", 0 },
	{ DEFAULTS, "alice", "<@relay.test:alice@example.net>", 1 },
	{ DEFAULTS, "alice", "<@a.test,@b.test:alice@example.net>", 1 },
	{ DEFAULTS, "alice", "<alice@example.net.evil.test>", 0 },
	{ DEFAULTS, "alice", "<alice@evil-example.net>", 0 },
	{ DEFAULTS, "alice", "<alice@sub.example.net>", 0 },
	{ DEFAULTS, "alice", "<alice%evil.test@example.net>", 0 },
	{ DEFAULTS, "alice", "<alice>", 0 },
	{ DEFAULTS, "alice", "<>", 0 },
	{ DEFAULTS, "mallory", "<alice@example.net>", 0 },
	{ DEFAULTS, "", "<alice@example.net>", 0 },
	{ DEFAULTS, "alice@example.net", "<alice@example.net>", 1 },
	{ DEFAULTS, "bob", "<bob.smith@example.net>", 1 },
	{ DEFAULTS, "bob", "<\"bob.smith\"@example.net>", 1 },
	{ DEFAULTS, "bob", "<BOB.Smith@example.net>", 1 },
	{ DEFAULTS, "bob", "<bob@example.net>", 0 },
	{ DEFAULTS, "shopadmin", "<anything@shop.example.net>", 1 },
	{ DEFAULTS, "shopadmin", "<x@SHOP.Example.net.>", 1 },
	{ DEFAULTS, "shopadmin", "<x@shop.example.net.evil.test>", 0 },
	{ DEFAULTS, "shopadmin", "<x@sub.shop.example.net>", 0 },
	{ DEFAULTS, "shopadmin", "<sales@example.net>", 1 },
	{ DEFAULTS, "pmadmin", "<postmaster@example.net>", 1 },
	{ DEFAULTS, "pmadmin", "<Postmaster@Example.NET>", 1 },
	{ DEFAULTS, "pmadmin", "<postmaster+x@example.net>", 1 },
	{ DEFAULTS, "pmadmin", "<postmaster>", 1 },
	{ DEFAULTS, "pmadmin", "<postmaster@evil.test>", 0 },
	{ DEFAULTS, "carol", "carol@example.net", 1 },
	{ DEFAULTS, "carol.assistant", "carol@example.net", 1 },
	{ DEFAULTS, "carol.backup", "carol@example.net", 1 },
	{ DEFAULTS, "listbot", "dave+lists@example.net", 1 },
	{ DEFAULTS, "listbot", "dave@example.net", 0 },
	{ DEFAULTS, "listbot", "dave+other@example.net", 0 },
	{ DEFAULTS, "eve", "<eve@example.net>", 1 },
	{ DEFAULTS, "orgadmin", "<x@example.org>", 1 },
	{ DEFAULTS, "orgadmin", "<\"x y\"@example.org>", 1 },
	/* the first key found decides: @example.org is not consulted */
	{ DEFAULTS, "orgadmin", "<frank@example.org>", 0 },
	{ DEFAULTS, "frank", "<frank@example.org>", 1 },
	{ DEFAULTS, "john", "<\"John Doe\"@example.org>", 1 },
	{ DEFAULTS, "orgadmin", "<\"john doe\"@example.org>", 0 },
	{ DEFAULTS, "frank", "<frank+x@example.org>", 1 },
	{ DEFAULTS, "frank", "<other@example.org>", 0 },
	/* LoginIsAddress: a login owns itself and its subaddresses */
	{ DEFAULTS, "zed@example.com", "<zed@example.com>", 1 },
	{ DEFAULTS, "Zed@Example.COM", "<zed+news@example.com.>", 1 },
	{ DEFAULTS, "zed@example.com", "<\"zed\"@example.com>", 1 },
	{ DEFAULTS, "zed@example.com", "<zed@example.com.evil.test>", 0 },
	{ DEFAULTS, "zed@example.com", "<\"zed@example.com\"@evil.test>", 0 },
	{ DEFAULTS, "zed@example.com", "<zed.x@example.com>", 0 },
	{ DEFAULTS, "<zed@example.com>", "<zed@example.com>", 0 },
	{ NO_LOGIN_ADDR, "zed@example.com", "<zed@example.com>", 0 },
	{ NO_LOGIN_ADDR, "alice@example.net", "<alice@example.net>", 1 },
	{ NO_LOGIN_ADDR, "alice@example.net", "<alice+x@example.net>", 1 },
	{ NO_DELIM, "alice", "<alice+tag@example.net>", 0 },
	{ NO_DELIM, "zed@example.com", "<zed+news@example.com>", 0 },
	{ NO_DELIM, "alice", "<alice@example.net>", 1 },
	{ NO_LOCAL, "pmadmin", "<postmaster@example.net>", 0 },
	{ NO_LOCAL, "pmadmin", "<postmaster>", 1 },
};

static struct sendermap *map;

/* setup - parse the shared map once per test */
static void
setup(void)
{
	struct strlist errors = { NULL, 0, 0 };

	map = sendermap_parse("senders", map_text, &errors);
	ck_assert_msg(map != NULL, "map refused: %s",
	    errors.n ? errors.v[0] : "(no message)");
	ck_assert_int_eq(errors.n, 0);
	strlist_clear(&errors);
}

/* teardown - release the shared map */
static void
teardown(void)
{
	sendermap_free(map);
	map = NULL;
}

START_TEST(test_owns)
{
	const struct owns_case *c = &owns[_i];
	const char *err = NULL;
	struct addr a;
	int got;

	memset(&a, SENTINEL_BYTE, sizeof(a));
	ck_assert_msg(addr_parse(c->mail_from, &a, &err) == 0,
	    "case %d \"%s\": %s", _i, c->mail_from, err);
	got = sendermap_owns(map, &opts[c->opts], c->login, &a);
	ck_assert_msg(got == c->want_owned,
	    "case %d: \"%s\" as %s: %d, want %d", _i, c->login, c->mail_from,
	    got, c->want_owned);
}
END_TEST

/* without a file only LoginIsAddress can grant anything */
static const struct owns_case nomap[] = {
	{ DEFAULTS, "alice@example.net", "<alice@example.net>", 1 },
	{ DEFAULTS, "alice@example.net", "<alice+x@example.net>", 1 },
	{ DEFAULTS, "alice", "<alice@example.net>", 0 },
	{ DEFAULTS, "alice@example.net", "<>", 0 },
	{ NO_LOGIN_ADDR, "alice@example.net", "<alice@example.net>", 0 },
};

START_TEST(test_nomap)
{
	const struct owns_case *c = &nomap[_i];
	struct addr a;

	ck_assert_int_eq(addr_parse(c->mail_from, &a, NULL), 0);
	ck_assert_int_eq(sendermap_owns(NULL, &opts[c->opts], c->login, &a),
	    c->want_owned);
}
END_TEST

struct owned_case {
	int	opts;
	const char *login;
	size_t	len;
	const char *want_buf;
	size_t	want_count;
};

static const struct owned_case owned[] = {
	{ DEFAULTS, "alice", 256, "alice@example.net", 1 },
	{ DEFAULTS, "alice@example.net", 256, "alice@example.net", 1 },
	{ DEFAULTS, "shopadmin", 256, "@shop.example.net, sales@example.net",
	    2 },
	{ DEFAULTS, "SHOPADMIN", 256, "@shop.example.net, sales@example.net",
	    2 },
	{ DEFAULTS, "shopadmin", 37, "@shop.example.net, sales@example.net",
	    2 },
	{ DEFAULTS, "shopadmin", 36, "@shop.example.net", 1 },
	{ DEFAULTS, "shopadmin", 18, "@shop.example.net", 1 },
	{ DEFAULTS, "shopadmin", 17, "", 0 },
	{ DEFAULTS, "bob", 256, "bob.smith@example.net", 1 },
	{ DEFAULTS, "pmadmin", 256, "postmaster", 1 },
	{ DEFAULTS, "eve", 256, "Eve@example.net", 1 },
	{ DEFAULTS, "zed@example.com", 256, "zed@example.com", 1 },
	{ NO_LOGIN_ADDR, "zed@example.com", 256, "", 0 },
	{ DEFAULTS, "mallory", 256, "", 0 },
	{ DEFAULTS, "john", 256, "\"john doe\"@example.org", 1 },
	{ DEFAULTS, "carol.backup", 256, "carol@example.net", 1 },
};

START_TEST(test_owned)
{
	const struct owned_case *c = &owned[_i];
	char buf[256];
	size_t n;

	memset(buf, SENTINEL_BYTE, sizeof(buf));
	n = sendermap_owned(map, &opts[c->opts], c->login, buf, c->len);
	ck_assert_str_eq(buf, c->want_buf);
	ck_assert_uint_eq(n, c->want_count);
	if (c->len < sizeof(buf))
		ck_assert_int_eq((unsigned char)buf[c->len], SENTINEL_BYTE);
}
END_TEST

static const char bad_text[] =
	"   continues nothing\n"
	"good@example.net   good\n"
	"alice@   x\n"
	"# comment\n"
	"lonely\n"
	"<a@b>  x\n"
	"good@EXAMPLE.net.  other\n"
	"c@example.net  x # trailing comment\n"
	"@  x\n"
	"a@@b  x\n"
	"multi@example.net\n"
	"  m1, m2\n"
	"x@b..c  y\n"
	"\"unterminated@example.net  y\n"
	"<>  y\n";

static const char *bad_want[] = {
	"bad:1: continuation line without an entry before it",
	"bad:3: bad key \"alice@\": empty domain",
	"bad:5: no logins for \"lonely\"",
	"bad:6: bad key \"<a@b>\": angle brackets are not part of a key",
	"bad:7: duplicate key \"good@EXAMPLE.net.\" (first at line 2)",
	"bad:8: a comment must be on a line of its own",
	"bad:9: bad key \"@\": empty domain",
	"bad:10: bad key \"a@@b\": more than one @ outside quotes",
	"bad:13: bad key \"x@b..c\": empty label in domain",
	"bad:14: bad key \"\"unterminated@example.net  y\": unterminated quoted string",
	"bad:15: bad key \"<>\": angle brackets are not part of a key",
};

START_TEST(test_bad_map)
{
	struct strlist errors = { NULL, 0, 0 };
	size_t i;

	ck_assert_ptr_null(sendermap_parse("bad", bad_text, &errors));
	for (i = 0; i < errors.n && i < sizeof(bad_want) / sizeof(bad_want[0]);
	    i++)
		ck_assert_str_eq(errors.v[i], bad_want[i]);
	ck_assert_uint_eq(errors.n, sizeof(bad_want) / sizeof(bad_want[0]));
	strlist_clear(&errors);
}
END_TEST

START_TEST(test_empty_map)
{
	struct strlist errors = { NULL, 0, 0 };
	struct sendermap *m;
	struct addr a;

	m = sendermap_parse("empty", "# nothing\n\n   \n", &errors);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(errors.n, 0);
	ck_assert_int_eq(addr_parse("a@example.net", &a, NULL), 0);
	ck_assert_int_eq(sendermap_owns(m, &opts[DEFAULTS], "a", &a), 0);
	sendermap_free(m);
}
END_TEST

START_TEST(test_load)
{
	char path[] = "/tmp/check_sendermap.XXXXXX";
	struct strlist errors = { NULL, 0, 0 };
	struct sendermap *m;
	struct addr a;
	FILE *fp;
	int fd, i;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	/* a file of 100,000 lines, looked up by hash */
	for (i = 0; i < 100000; i++)
		fprintf(fp, "user%d@example.net\tlogin%d\n", i, i);
	ck_assert_int_eq(fclose(fp), 0);
	m = sendermap_load(path, &errors);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(addr_parse("<USER99999@example.net>", &a, NULL), 0);
	ck_assert_int_eq(sendermap_owns(m, &opts[DEFAULTS], "login99999", &a),
	    1);
	ck_assert_int_eq(sendermap_owns(m, &opts[DEFAULTS], "login9999", &a),
	    0);
	sendermap_free(m);
	unlink(path);

	ck_assert_ptr_null(sendermap_load(path, &errors));
	ck_assert_uint_eq(errors.n, 1);
	ck_assert_int_eq(strncmp(errors.v[0], path, strlen(path)), 0);
	ck_assert_str_eq(errors.v[0] + strlen(path),
	    ": cannot open: No such file or directory");
	strlist_clear(&errors);
}
END_TEST

/* sendermap_suite - one TCase per aspect */
static Suite *
sendermap_suite(void)
{
	Suite *s = suite_create("sendermap");
	TCase *tc;

	tc = tcase_create("owns");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_owns, 0, NCASES(owns));
	tcase_add_loop_test(tc, test_nomap, 0, NCASES(nomap));
	suite_add_tcase(s, tc);

	tc = tcase_create("owned");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_owned, 0, NCASES(owned));
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_bad_map);
	tcase_add_test(tc, test_empty_map);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_load);
	suite_add_tcase(s, tc);
	return s;
}

/* main - run the suite */
int
main(void)
{
	SRunner *sr = srunner_create(sendermap_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
