/*
 * NAME
 *	check_ownership 1
 * SUMMARY
 *	hostile senders against outbound.sender_mismatch and
 *	outbound.header_from_mismatch
 * SYNOPSIS
 *	check_ownership
 * DESCRIPTION
 *	The whole pure path the milter takes for an authenticated sender:
 *	the raw MAIL FROM argument goes through addr_parse() (as
 *	milter/session.c does), the result and the login become facts, and
 *	policy_decide() gives the verdict, with the configuration and its
 *	SenderLoginMap read by conf_parse(). Each row names a disguise a
 *	forger might try: letter case, +tag, quoted local parts, source
 *	routes, % and ! forms, trailing dots, look-alike domains, IDN, UTF-8,
 *	several @, empty and overlong parts, CR/LF/NUL, ESMTP parameters.
 *	A second table does the same for From: and Sender: header values
 *	through hdraddr_parse(), at end of message.
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hdraddr.h"
#include "policy.h"

#define NCASES(t)	((int)(sizeof(t) / sizeof((t)[0])))

enum want { OWNED, REFUSED };

static const char map_text[] =
	"alice@example.net     alice@example.net\n"
	"alias@example.net     alice@example.net\n"
	"sales@example.org     alice@example.net, bob\n"
	"bob@example.net       bob\n"
	"@shop.example.net     shopadmin\n"
	"\"j.doe\"@example.net   jdoe\n";

#define MAP_TEMPLATE	"/tmp/check_ownership.XXXXXX"

static char map_path[sizeof(MAP_TEMPLATE)];
static struct conf *conf;
static struct conf *conf_null_reject;

#define ALICE	"alice@example.net"
#define LONG_LOCAL \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define LONG_LABEL \
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static const struct {
	const char *login;
	const char *mail_from;		/* raw, as the MTA hands it over */
	enum want want;
} senders[] = {
	/* herself, spelt every legitimate way */
	{ALICE, "<alice@example.net>", OWNED},
	{ALICE, "alice@example.net", OWNED},
	{ALICE, "  <alice@example.net>  ", OWNED},
	{ALICE, "<alice@example.net> SIZE=100 BODY=8BITMIME", OWNED},
	{ALICE, "<ALICE@EXAMPLE.NET>", OWNED},
	{ALICE, "<Alice@Example.Net>", OWNED},
	{"ALICE@Example.NET", "<alice@example.net>", OWNED},
	{ALICE, "<alice@example.net.>", OWNED},
	{ALICE, "<\"alice\"@example.net>", OWNED},
	{ALICE, "<\"ALICE\"@EXAMPLE.NET>", OWNED},
	{ALICE, "<\"al\\ice\"@example.net>", OWNED},
	{ALICE, "<alice+news@example.net>", OWNED},
	{ALICE, "<alice+@example.net>", OWNED},
	{ALICE, "<alice+a+b@example.net>", OWNED},
	{ALICE, "<@relay.test:alice@example.net>", OWNED},
	{ALICE, "<@a.test,@b.test:alice@example.net>", OWNED},
	{ALICE, "<alias@example.net>", OWNED},
	{ALICE, "<ALIAS+x@Example.NET.>", OWNED},
	{ALICE, "<sales@example.org>", OWNED},
	{ALICE, "<>", OWNED},
	{"bob", "<sales@example.org>", OWNED},
	{"shopadmin", "<anything@shop.example.net>", OWNED},
	{"jdoe", "<j.doe@example.net>", OWNED},
	{"jdoe", "<\"j.doe\"@example.net>", OWNED},
	/* someone else */
	{ALICE, "<bob@example.net>", REFUSED},
	{ALICE, "<postmaster@example.net>", REFUSED},
	{"alice", "<alice@example.net>", REFUSED},
	{"mallory@evil.test", "<alice@example.net>", REFUSED},
	{"bob", "<alice@example.net>", REFUSED},
	{"alice@example.net.", "<bob@example.net>", REFUSED},
	/* look-alike domains */
	{ALICE, "<alice@example.net.evil.test>", REFUSED},
	{ALICE, "<alice@evil-example.net>", REFUSED},
	{ALICE, "<alice@sub.example.net>", REFUSED},
	{ALICE, "<alice@example.nett>", REFUSED},
	{ALICE, "<alice@exampIe.net>", REFUSED},
	{ALICE, "<alice@example.net..>", REFUSED},
	{"shopadmin", "<x@shop.example.net.evil.test>", REFUSED},
	{"shopadmin", "<x@sub.shop.example.net>", REFUSED},
	/* quoting */
	{ALICE, "<\"alice@example.net\"@evil.test>", REFUSED},
	{ALICE, "<\"alice\"@evil.test>", REFUSED},
	{ALICE, "<\"alice \"@example.net>", REFUSED},
	{ALICE, "<\"alice\\\"\"@example.net>", REFUSED},
	{ALICE, "<\"alice>\"@example.net>", REFUSED},
	/* % and ! forms, routes to elsewhere */
	{ALICE, "<alice%example.net@evil.test>", REFUSED},
	{ALICE, "<alice%evil.test@example.net>", REFUSED},
	{ALICE, "<evil.test!alice@example.net>", REFUSED},
	{ALICE, "<alice@example.net!evil.test>", REFUSED},
	{ALICE, "<@example.net:bob@evil.test>", REFUSED},
	/* several @ */
	{ALICE, "<alice@@example.net>", REFUSED},
	{ALICE, "<alice@example.net@evil.test>", REFUSED},
	{ALICE, "<bob@evil.test@alice@example.net>", REFUSED},
	/* IDN and UTF-8 */
	{ALICE, "<alice@xn--exmple-cua.net>", REFUSED},
	{ALICE, "<alice@ex\xc3\xa4mple.net>", REFUSED},
	{ALICE, "<\xc3\xa4lice@example.net>", REFUSED},
	{ALICE, "<alic\xc3\xa9@example.net>", REFUSED},
	{ALICE, "<alice\xc0\xae@example.net>", REFUSED},
	{ALICE, "<alice@example\xe2\x80\x8b.net>", REFUSED},
	/* empty and overlong parts */
	{ALICE, "<alice@>", REFUSED},
	{ALICE, "<@example.net>", REFUSED},
	{ALICE, "<alice>", REFUSED},
	{ALICE, "<.alice@example.net>", REFUSED},
	{ALICE, "<alice.@example.net>", REFUSED},
	{ALICE, "<al..ice@example.net>", REFUSED},
	{ALICE, "<al ice@example.net>", REFUSED},
	{ALICE, "<" LONG_LOCAL "@example.net>", REFUSED},
	{ALICE, "<alice@" LONG_LABEL ".example.net>", REFUSED},
	{ALICE, "", REFUSED},
	/* brackets and control characters */
	{ALICE, "<<alice@example.net>>", REFUSED},
	{ALICE, "<alice@example.net", REFUSED},
	{ALICE, "alice@example.net>", REFUSED},
	{ALICE, "<alice@example.net>\r\nRCPT TO:<x@evil.test>", REFUSED},
	{ALICE, "<alice\r@example.net>", REFUSED},
	{ALICE, "<alice@example.net\n>", REFUSED},
	{ALICE, "<alice\x7f@example.net>", REFUSED},
	{ALICE, "<alice\t@example.net>", REFUSED},
	/* libmilter strings end at NUL: "<alice" is all the milter sees */
	{ALICE, "<alice\0@example.net>", REFUSED},
	{ALICE, "<alice@[192.0.2.1]>", REFUSED},
	{ALICE, "<alice@[IPv6:::1]>", REFUSED},
};

/* setup - write the map, read two configurations */
static void
setup(void)
{
	struct strlist errors = {0};
	char text[512];
	int fd;

	memcpy(map_path, MAP_TEMPLATE, sizeof(MAP_TEMPLATE));
	fd = mkstemp(map_path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, map_text, strlen(map_text)),
	    (ssize_t)strlen(map_text));
	close(fd);
	snprintf(text, sizeof(text), "LocalDomains example.net\n"
	    "SenderLoginMap %s\n", map_path);
	conf = conf_parse("ownership.conf", text, &errors);
	ck_assert_msg(conf != NULL, "%s", errors.n ? errors.v[0] : "?");
	snprintf(text, sizeof(text), "LocalDomains example.net\n"
	    "SenderLoginMap %s\nNullSender reject\n", map_path);
	conf_null_reject = conf_parse("ownership.conf", text, &errors);
	ck_assert_msg(conf_null_reject != NULL, "%s",
	    errors.n ? errors.v[0] : "?");
	strlist_clear(&errors);
}

/* teardown - remove the map */
static void
teardown(void)
{
	conf_free(conf);
	conf_free(conf_null_reject);
	unlink(map_path);
}

/* outbound_facts - an authenticated submission from outside */
static void
outbound_facts(struct facts *f, const char *login)
{
	memset(f, 0, sizeof(*f));
	f->role = ROLE_OUTBOUND;
	f->ip_known = ip_parse("198.51.100.7", &f->ip) == 0;
	f->daemon_port = 587;
	f->auth_login = login;
}

/* decide_mail - the MAIL stage verdict for a raw sender */
static void
decide_mail(const struct conf *c, const char *login, const char *raw,
    struct decision *d)
{
	struct facts f;
	struct addr from;
	const char *why;

	outbound_facts(&f, login);
	if (addr_parse(raw, &from, &why) == 0)
		f.mail_from = &from;
	else
		f.mail_from_unparsed = 1;
	policy_decide(c, &f, STAGE_MAIL, d);
}

START_TEST(test_sender)
{
	struct decision d;

	decide_mail(conf, senders[_i].login, senders[_i].mail_from, &d);
	if (senders[_i].want == OWNED) {
		ck_assert_msg(d.final.action == ACTION_ACCEPT,
		    "case %d: %s as \"%s\" refused: %s", _i, senders[_i].login,
		    senders[_i].mail_from, d.final.text);
		return;
	}
	ck_assert_msg(d.final.rule == RULE_OUTBOUND_SENDER_MISMATCH,
	    "case %d: %s as \"%s\" not refused", _i, senders[_i].login,
	    senders[_i].mail_from);
	ck_assert_str_eq(d.final.code, "553");
	ck_assert_str_eq(d.final.ecode, "5.7.1");
}
END_TEST

/* the reply says which addresses the login may use */
START_TEST(test_reply_lists_owned)
{
	struct decision d;

	decide_mail(conf, ALICE, "<bob@example.net>", &d);
	ck_assert_ptr_nonnull(strstr(d.final.text, "bob@example.net is not yours"));
	ck_assert_ptr_nonnull(strstr(d.final.text, "may send as "
	    "alice@example.net, alias@example.net, sales@example.org"));
	decide_mail(conf, "nobody", "<bob@example.net>", &d);
	ck_assert_ptr_nonnull(strstr(d.final.text, "owns no sender address"));
}
END_TEST

START_TEST(test_null_sender)
{
	struct decision d;

	decide_mail(conf_null_reject, ALICE, "<>", &d);
	ck_assert_int_eq(d.final.rule, RULE_OUTBOUND_SENDER_MISMATCH);
	ck_assert_ptr_nonnull(strstr(d.final.text, "null sender"));
	decide_mail(conf_null_reject, ALICE, "<alice@example.net>", &d);
	ck_assert_int_eq(d.final.action, ACTION_ACCEPT);
}
END_TEST

/* unauthenticated senders are outbound.auth_required's, not ownership's */
START_TEST(test_unauthenticated)
{
	struct decision d;

	decide_mail(conf, NULL, "<bob@example.net>", &d);
	ck_assert_int_eq(d.final.rule, RULE_OUTBOUND_AUTH_REQUIRED);
}
END_TEST

static const struct {
	const char *login;
	const char *from;		/* From: field body */
	const char *sender;		/* Sender: field body, or NULL */
	enum want want;
	const char *want_text;		/* in the reply when refused */
} headers[] = {
	{ALICE, "alice@example.net", NULL, OWNED, NULL},
	{ALICE, "Alice <alice@example.net>", NULL, OWNED, NULL},
	{ALICE, "\"Alice Liddell\" <ALICE+x@Example.NET>", NULL, OWNED, NULL},
	{ALICE, " =?utf-8?q?Al=C3=AFce?= <alice@example.net>", NULL, OWNED,
	    NULL},
	{ALICE, "alice@example.net, alias@example.net", NULL, OWNED, NULL},
	{ALICE, "Team: alice@example.net, sales@example.org;", NULL, OWNED,
	    NULL},
	{ALICE, "bob@example.net", ALICE, REFUSED, "From: bob@example.net"},
	{ALICE, "alice@example.net", "bob@example.net", REFUSED,
	    "Sender: bob@example.net"},
	{ALICE, "\"alice@example.net\" <bob@example.net>", NULL, REFUSED,
	    "From: bob@example.net"},
	{ALICE, "bob@example.net (alice@example.net)", NULL, REFUSED,
	    "From: bob@example.net"},
	{ALICE, "alice@example.net, bob@example.net", NULL, REFUSED,
	    "From: bob@example.net"},
	{ALICE, "alice@example.net <bob@example.net>", NULL, REFUSED,
	    "unreadable From: header"},
	{ALICE, "<alice@example.net.evil.test>", NULL, REFUSED,
	    "alice@example.net.evil.test"},
	{ALICE, "<\"alice@example.net\"@evil.test>", NULL, REFUSED,
	    "is not yours"},
	{ALICE, "<alice@example.net>>", NULL, REFUSED, "unreadable"},
	{ALICE, "", NULL, REFUSED, "unreadable"},
	{ALICE, "undisclosed-recipients:;", NULL, REFUSED, "unreadable"},
	{ALICE, "\"alice@example.net\":;", NULL, REFUSED, "unreadable"},
	{"bob", "Bob <bob@example.net>", "Alice <alice@example.net>", REFUSED,
	    "Sender: alice@example.net"},
};

START_TEST(test_header)
{
	struct header_sender hs[2 * HDRADDR_MAX];
	struct addr found[HDRADDR_MAX];
	const char *fields[2] = {"From", "Sender"};
	const char *values[2] = {headers[_i].from, headers[_i].sender};
	const char *why, *bad = NULL;
	struct decision d;
	struct facts f;
	size_t n = 0, k, i;
	int j;

	for (j = 0; j < 2 && bad == NULL; j++) {
		if (values[j] == NULL)
			continue;
		/* as milter/session.c: no mailbox at all is unreadable too */
		if (hdraddr_parse(values[j], found, HDRADDR_MAX, &k, &why) < 0 ||
		    k == 0) {
			bad = "unreadable From: header";
			break;
		}
		for (i = 0; i < k; i++) {
			hs[n].field = fields[j];
			hs[n++].addr = found[i];
		}
	}
	outbound_facts(&f, headers[_i].login);
	f.hdr_senders = hs;
	f.n_hdr_senders = n;
	f.hdr_unparsed = bad;
	policy_decide(conf, &f, STAGE_EOM, &d);
	if (headers[_i].want == OWNED) {
		ck_assert_msg(d.final.action == ACTION_ACCEPT,
		    "case %d refused: %s", _i, d.final.text);
		return;
	}
	ck_assert_msg(d.final.rule == RULE_OUTBOUND_HEADER_FROM_MISMATCH,
	    "case %d not refused", _i);
	ck_assert_str_eq(d.final.code, "550");
	ck_assert_str_eq(d.final.ecode, "5.7.1");
	ck_assert_msg(strstr(d.final.text, headers[_i].want_text) != NULL,
	    "case %d: \"%s\" lacks \"%s\"", _i, d.final.text,
	    headers[_i].want_text);
}
END_TEST

/* ownership_suite - one TCase per aspect */
static Suite *
ownership_suite(void)
{
	Suite *s = suite_create("ownership");
	TCase *tc;

	tc = tcase_create("mail_from");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_sender, 0, NCASES(senders));
	tcase_add_test(tc, test_reply_lists_owned);
	tcase_add_test(tc, test_null_sender);
	tcase_add_test(tc, test_unauthenticated);
	suite_add_tcase(s, tc);

	tc = tcase_create("header_from");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_header, 0, NCASES(headers));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ownership_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
