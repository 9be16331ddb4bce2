/*
 * NAME
 *	check_contacts 1
 * SUMMARY
 *	unit tests for lib/contacts.c
 * SYNOPSIS
 *	check_contacts
 * DESCRIPTION
 *	Loads an AlertContacts file with nested IPv4 and IPv6 networks,
 *	comments and blank lines, and asks, from a table with want_*
 *	fields, who is alerted for an address: the most specific network
 *	wins, whatever the order of the lines. A bad file must fail with
 *	every bad line reported as "file:line: message". The mailbox check
 *	the notifier shares is table-driven too.
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "contacts.h"
#include "strlist.h"

#define NCASES(t)	((int)(sizeof(t) / sizeof((t)[0])))

static const char good_text[] =
	"# network              who to alert\n"
	"0.0.0.0/0              catchall@isp.example\n"
	"\n"
	"192.0.2.0/24           noc@customer.example\n"
	"   # an indented comment\n"
	"192.0.2.128/25         ops@customer.example\n"
	"192.0.2.200            host@customer.example\n"
	"198.51.100.0/24\tnet2@other.example\r\n"
	"2001:db8::/32          v6@isp.example\n"
	"2001:db8:1::/48        v6-customer@customer.example\n"
	"::ffff:203.0.113.0/120 mapped@customer.example\n";

/* write_file - text into a new temporary file; the path in path */
static void
write_file(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *fp;

	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

static const struct {
	const char *ip;
	const char *want;		/* NULL: nobody */
} lookups[] = {
	{"192.0.2.1", "noc@customer.example"},
	{"192.0.2.127", "noc@customer.example"},
	{"192.0.2.128", "ops@customer.example"},
	{"192.0.2.200", "host@customer.example"},
	{"192.0.2.201", "ops@customer.example"},
	{"::ffff:192.0.2.200", "host@customer.example"},
	{"198.51.100.9", "net2@other.example"},
	{"203.0.113.77", "mapped@customer.example"},
	{"10.1.2.3", "catchall@isp.example"},
	{"2001:db8::1", "v6@isp.example"},
	{"2001:db8:1::25", "v6-customer@customer.example"},
	{"2001:db8:2::25", "v6@isp.example"},
	{"2001:db9::1", NULL},		/* 0.0.0.0/0 holds no IPv6 */
	{"::1", NULL},
};

START_TEST(test_lookup)
{
	char path[] = "/tmp/check_contacts.XXXXXX";
	struct strlist errors = {NULL, 0, 0};
	struct contacts *c;
	struct ipaddr ip;
	const char *got;

	write_file(path, good_text);
	c = contacts_load(path, &errors);
	unlink(path);
	ck_assert_uint_eq(errors.n, 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(ip_parse(lookups[_i].ip, &ip), 0);
	got = contacts_lookup(c, &ip);
	if (lookups[_i].want == NULL)
		ck_assert_ptr_null(got);
	else {
		ck_assert_ptr_nonnull(got);
		ck_assert_str_eq(got, lookups[_i].want);
	}
	contacts_free(c);
}
END_TEST

START_TEST(test_order_does_not_matter)
{
	static const char *const texts[] = {
		"10.0.0.0/8 wide@x.example\n10.1.0.0/16 narrow@x.example\n",
		"10.1.0.0/16 narrow@x.example\n10.0.0.0/8 wide@x.example\n",
	};
	struct strlist errors = {NULL, 0, 0};
	struct contacts *c;
	struct ipaddr ip;
	size_t i;

	for (i = 0; i < 2; i++) {
		char path[] = "/tmp/check_contacts.XXXXXX";

		write_file(path, texts[i]);
		c = contacts_load(path, &errors);
		unlink(path);
		ck_assert_ptr_nonnull(c);
		ck_assert_int_eq(ip_parse("10.1.2.3", &ip), 0);
		ck_assert_str_eq(contacts_lookup(c, &ip), "narrow@x.example");
		ck_assert_int_eq(ip_parse("10.2.2.3", &ip), 0);
		ck_assert_str_eq(contacts_lookup(c, &ip), "wide@x.example");
		contacts_free(c);
	}
}
END_TEST

START_TEST(test_empty_and_null)
{
	char path[] = "/tmp/check_contacts.XXXXXX";
	struct strlist errors = {NULL, 0, 0};
	struct contacts *c;
	struct ipaddr ip;

	ck_assert_int_eq(ip_parse("192.0.2.1", &ip), 0);
	ck_assert_ptr_null(contacts_lookup(NULL, &ip));
	contacts_free(NULL);
	write_file(path, "# nothing yet\n\n");
	c = contacts_load(path, &errors);
	unlink(path);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(contacts_lookup(c, &ip));
	contacts_free(c);
}
END_TEST

START_TEST(test_errors)
{
	static const char text[] =
		"192.0.2.0/24 ok@x.example\n"			/* 1 */
		"192.0.2.0/33 a@x.example\n"			/* 2 */
		"192.0.2.1/24 a@x.example\n"			/* 3 */
		"not-a-network a@x.example\n"			/* 4 */
		"198.51.100.0/24\n"				/* 5 */
		"198.51.100.0/24 \"ab\"@x.example\n"		/* 6 */
		"198.51.100.0/24 <a@x.example>\n"		/* 7 */
		"198.51.100.0/24 a@x.example,b@x.example\n"	/* 8 */
		"198.51.100.0/24 nobody\n"			/* 9 */
		"198.51.100.0/24 a@x.example # trailing\n"	/* 10 */
		"\n"						/* 11 */
		"# fine\n"					/* 12 */
		"192.0.2.0/24 again@x.example\n";		/* 13 */
	static const char *const want[] = {
		":2: \"192.0.2.0/33\": the prefix length must be a number "
		    "from 0 to 32",
		":3: \"192.0.2.1/24\" has host bits set; did you mean "
		    "192.0.2.0/24?",
		":4: \"not-a-network\" is not an IP address or network",
		":5: \"198.51.100.0/24\": no address after the network "
		    "(expected \"network address\")",
		":6: \"\"ab\"@x.example\" is not a plain mail address "
		    "(local@domain, no quotes, spaces, commas or angle "
		    "brackets)",
		":7: \"<a@x.example>\" is not a plain mail address "
		    "(local@domain, no quotes, spaces, commas or angle "
		    "brackets)",
		":8: \"a@x.example,b@x.example\" is not a plain mail address "
		    "(local@domain, no quotes, spaces, commas or angle "
		    "brackets)",
		":9: \"nobody\" is not a plain mail address (local@domain, no "
		    "quotes, spaces, commas or angle brackets)",
		":10: \"#\": one network and one address a line (comments "
		    "take a line of their own)",
		":13: the network is given twice (also on line 1)",
	};
	char path[] = "/tmp/check_contacts.XXXXXX";
	struct strlist errors = {NULL, 0, 0};
	size_t i, plen = strlen(path);

	write_file(path, text);
	ck_assert_ptr_null(contacts_load(path, &errors));
	unlink(path);
	ck_assert_uint_eq(errors.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < errors.n; i++) {
		ck_assert_int_eq(strncmp(errors.v[i], path, plen), 0);
		ck_assert_str_eq(errors.v[i] + plen, want[i]);
	}
	strlist_clear(&errors);

	ck_assert_ptr_null(contacts_load(path, &errors));
	ck_assert_uint_eq(errors.n, 1);
	ck_assert_str_eq(errors.v[0] + plen,
	    ": cannot open: No such file or directory");
	strlist_clear(&errors);
}
END_TEST

START_TEST(test_duplicate_spellings)
{
	/* one network, two spellings: still twice */
	char path[] = "/tmp/check_contacts.XXXXXX";
	struct strlist errors = {NULL, 0, 0};

	write_file(path, "2001:db8::/32 a@x.example\n"
	    "2001:0db8:0::/32 b@x.example\n"
	    "10.0.0.0/8 c@x.example\n"
	    "::ffff:10.0.0.0/104 d@x.example\n");
	ck_assert_ptr_null(contacts_load(path, &errors));
	unlink(path);
	ck_assert_uint_eq(errors.n, 2);
	ck_assert_ptr_nonnull(strstr(errors.v[0], "given twice"));
	ck_assert_ptr_nonnull(strstr(errors.v[1], "given twice"));
	strlist_clear(&errors);
}
END_TEST

static const struct {
	const char *s;
	int	want_ok;
} mailboxes[] = {
	{"alice@example.net", 1},
	{"a.b+tag@sub.example.net", 1},
	{"o'brien@example.net", 1},
	{"x!#$%&'*+/=?^_`{|}~-@example.net", 1},
	{"noc@192-0-2-1.example", 1},
	{"", 0},
	{"alice", 0},
	{"@example.net", 0},
	{"alice@", 0},
	{"alice@@example.net", 0},
	{"a@b@example.net", 0},
	{".alice@example.net", 0},
	{"alice.@example.net", 0},
	{"al..ice@example.net", 0},
	{"alice@example..net", 0},
	{"alice@.example.net", 0},
	{"alice@example.net.", 0},
	{"\"alice\"@example.net", 0},
	{"alice smith@example.net", 0},
	{"alice@example.net, bob@example.net", 0},
	{"<alice@example.net>", 0},
	{"alice@example.net\r\nBcc: x@evil.example", 0},
	{"alice@example.net\n", 0},
	{"al\tice@example.net", 0},
	{"al(ice)@example.net", 0},
	{"alice@[192.0.2.1]", 0},
	{"alice@exa_mple.net", 0},
	{"j\xc3\xb6rg@example.net", 0},
};

START_TEST(test_mailbox_ok)
{
	ck_assert_int_eq(contacts_mailbox_ok(mailboxes[_i].s),
	    mailboxes[_i].want_ok);
}
END_TEST

START_TEST(test_mailbox_too_long)
{
	char s[300];

	memset(s, 'a', sizeof(s));
	memcpy(s + 200, "@example.net", 13);
	ck_assert_int_eq(contacts_mailbox_ok(s), 1);	/* 212 octets */
	memset(s, 'a', sizeof(s));
	memcpy(s + 250, "@example.net", 13);
	ck_assert_int_eq(contacts_mailbox_ok(s), 0);	/* 262 octets */
	ck_assert_int_eq(contacts_mailbox_ok(NULL), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("contacts");
	TCase *tc_load = tcase_create("load");
	TCase *tc_box = tcase_create("mailbox");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc_load, test_lookup, 0, NCASES(lookups));
	tcase_add_test(tc_load, test_order_does_not_matter);
	tcase_add_test(tc_load, test_empty_and_null);
	tcase_add_test(tc_load, test_errors);
	tcase_add_test(tc_load, test_duplicate_spellings);
	suite_add_tcase(s, tc_load);
	tcase_add_loop_test(tc_box, test_mailbox_ok, 0, NCASES(mailboxes));
	tcase_add_test(tc_box, test_mailbox_too_long);
	suite_add_tcase(s, tc_box);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
