/*
 * NAME
 *	check_netset 1
 * SUMMARY
 *	unit tests for lib/netset.c
 * SYNOPSIS
 *	check_netset
 * DESCRIPTION
 *	Tables with want_* fields for address parsing and formatting,
 *	sockaddr conversion, CIDR parsing with its messages, membership
 *	at the edges of blocks, the IPv4-mapped normalisation, and the
 *	store keys of clients (IPv6 by prefix) and of operators. Outputs
 *	are pre-filled with a sentinel to see that failures leave them be.
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "netset.h"

#define NCASES(t)	((int)(sizeof(t) / sizeof((t)[0])))
#define SENTINEL_BYTE	0xa5

struct parse_case {
	const char *in;
	int	want_rc;
	int	want_family;
	const char *want_text;		/* ip_format() of the result */
};

static const struct parse_case parses[] = {
	{ "192.0.2.1", 0, AF_INET, "192.0.2.1" },
	{ "0.0.0.0", 0, AF_INET, "0.0.0.0" },
	{ "255.255.255.255", 0, AF_INET, "255.255.255.255" },
	{ "2001:db8::1", 0, AF_INET6, "2001:db8::1" },
	{ "2001:DB8:0:0:0:0:0:1", 0, AF_INET6, "2001:db8::1" },
	{ "::1", 0, AF_INET6, "::1" },
	{ "::", 0, AF_INET6, "::" },
	{ "::ffff:192.0.2.1", 0, AF_INET, "192.0.2.1" },
	{ "::FFFF:10.1.2.3", 0, AF_INET, "10.1.2.3" },
	{ "::ffff:c000:201", 0, AF_INET, "192.0.2.1" },
	{ "::192.0.2.1", 0, AF_INET6, "::192.0.2.1" },	/* not mapped */
	{ "::fffe:192.0.2.1", 0, AF_INET6, "::fffe:c000:201" },
	{ "IPv6:2001:db8::1", 0, AF_INET6, "2001:db8::1" },
	{ "ipv6:::1", 0, AF_INET6, "::1" },
	{ "[192.0.2.1]", 0, AF_INET, "192.0.2.1" },
	{ "[IPv6:2001:db8::1]", 0, AF_INET6, "2001:db8::1" },
	{ "[::1]", 0, AF_INET6, "::1" },
	{ "[IPv6:::ffff:192.0.2.1]", 0, AF_INET, "192.0.2.1" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 0, AF_INET6,
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	{ NULL, -1, 0, NULL },
	{ "", -1, 0, NULL },
	{ "1.2.3", -1, 0, NULL },
	{ "1.2.3.4.5", -1, 0, NULL },
	{ "256.1.1.1", -1, 0, NULL },
	{ "01.2.3.4", -1, 0, NULL },
	{ " 1.2.3.4", -1, 0, NULL },
	{ "1.2.3.4 ", -1, 0, NULL },
	{ "1.2.3.4/32", -1, 0, NULL },
	{ "IPv6:1.2.3.4", -1, 0, NULL },
	{ "[1.2.3.4", -1, 0, NULL },
	{ "1.2.3.4]", -1, 0, NULL },
	{ "[]", -1, 0, NULL },
	{ "[", -1, 0, NULL },
	{ "IPv6:", -1, 0, NULL },
	{ "2001:db8::1::2", -1, 0, NULL },
	{ "2001:db8:0:0:0:0:0:0:1", -1, 0, NULL },
	{ "fe80::1%eth0", -1, 0, NULL },
	{ ":::", -1, 0, NULL },
	{ "gibberish", -1, 0, NULL },
	{ "1.2.3.4\n", -1, 0, NULL },
	{ "[[::1]]", -1, 0, NULL },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", -1,
	    0, NULL },
};

/* fill_ip - the sentinel an untouched struct ipaddr holds */
static void
fill_ip(struct ipaddr *ip)
{
	memset(ip, SENTINEL_BYTE, sizeof(*ip));
}

/* check_result - compare a conversion result with the wanted one */
static void
check_result(int rc, const struct ipaddr *ip, int want_rc, int want_family,
    const char *want_text, int i)
{
	struct ipaddr untouched;
	char text[IP_TEXT_MAX];

	fill_ip(&untouched);
	ck_assert_msg(rc == want_rc, "case %d: rc %d, want %d", i, rc,
	    want_rc);
	if (rc < 0) {
		ck_assert_msg(memcmp(ip, &untouched, sizeof(*ip)) == 0,
		    "case %d: output touched on failure", i);
		return;
	}
	ck_assert_int_eq(ip->family, want_family);
	ck_assert_int_eq(ip_format(ip, text, sizeof(text)), 0);
	ck_assert_str_eq(text, want_text);
	/* the unused bytes are zero, so that memcmp() compares addresses */
	if (ip->family == AF_INET)
		ck_assert_msg(memcmp(ip->bytes + 4, "\0\0\0\0\0\0\0\0\0\0\0\0",
		    12) == 0, "case %d: bytes past an IPv4 address", i);
}

START_TEST(test_parse)
{
	const struct parse_case *c = &parses[_i];
	struct ipaddr ip;

	fill_ip(&ip);
	check_result(ip_parse(c->in, &ip), &ip, c->want_rc, c->want_family,
	    c->want_text, _i);
}
END_TEST

struct sockaddr_case {
	int	family;
	const char *addr;		/* inet_pton() text */
	int	want_rc;
	int	want_family;
	const char *want_text;
};

static const struct sockaddr_case sockaddrs[] = {
	{ AF_INET, "192.0.2.1", 0, AF_INET, "192.0.2.1" },
	{ AF_INET, "127.0.0.1", 0, AF_INET, "127.0.0.1" },
	{ AF_INET6, "2001:db8::1", 0, AF_INET6, "2001:db8::1" },
	{ AF_INET6, "::ffff:192.0.2.1", 0, AF_INET, "192.0.2.1" },
	{ AF_INET6, "::1", 0, AF_INET6, "::1" },
	{ AF_UNIX, NULL, -1, 0, NULL },
	{ AF_UNSPEC, NULL, -1, 0, NULL },
};

START_TEST(test_sockaddr)
{
	const struct sockaddr_case *c = &sockaddrs[_i];
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct ipaddr ip;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)c->family;
	if (c->family == AF_INET) {
		ck_assert_int_eq(inet_pton(AF_INET, c->addr, &sin->sin_addr), 1);
		sin->sin_port = htons(25);
	} else if (c->family == AF_INET6) {
		ck_assert_int_eq(inet_pton(AF_INET6, c->addr, &sin6->sin6_addr),
		    1);
		sin6->sin6_port = htons(25);
	}
	fill_ip(&ip);
	check_result(ip_from_sockaddr((struct sockaddr *)&ss, &ip), &ip,
	    c->want_rc, c->want_family, c->want_text, _i);
}
END_TEST

START_TEST(test_sockaddr_null)
{
	struct ipaddr ip, untouched;

	fill_ip(&ip);
	fill_ip(&untouched);
	ck_assert_int_eq(ip_from_sockaddr(NULL, &ip), -1);
	ck_assert_mem_eq(&ip, &untouched, sizeof(ip));
}
END_TEST

struct format_case {
	const char *in;
	size_t	len;			/* buffer size given to ip_format() */
	int	want_rc;
};

static const struct format_case formats[] = {
	{ "192.0.2.1", 10, 0 },		/* exactly enough */
	{ "192.0.2.1", 9, -1 },
	{ "192.0.2.1", 0, -1 },
	{ "0.0.0.0", 8, 0 },		/* every digit count, 0 and 255 */
	{ "255.255.255.255", 16, 0 },
	{ "255.255.255.255", 15, -1 },
	{ "1.10.100.109", 13, 0 },
	{ "9.90.200.250", 13, 0 },
	{ "2001:db8::1", 12, 0 },
	{ "2001:db8::1", 11, -1 },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IP_TEXT_MAX, 0 },
	{ "::", 3, 0 },
	{ "::", 2, -1 },
};

START_TEST(test_format)
{
	const struct format_case *c = &formats[_i];
	char buf[IP_TEXT_MAX + 1], untouched[IP_TEXT_MAX + 1];
	struct ipaddr ip;

	ck_assert_int_eq(ip_parse(c->in, &ip), 0);
	memset(buf, 'Z', sizeof(buf));
	memset(untouched, 'Z', sizeof(untouched));
	ck_assert_int_eq(ip_format(&ip, buf, c->len), c->want_rc);
	if (c->want_rc == 0)
		ck_assert_str_eq(buf, c->in);
	else
		ck_assert_mem_eq(buf, untouched, sizeof(buf));
}
END_TEST

START_TEST(test_format_bad_family)
{
	struct ipaddr ip;
	char buf[IP_TEXT_MAX];

	memset(&ip, 0, sizeof(ip));
	ip.family = AF_UNIX;
	ck_assert_int_eq(ip_format(&ip, buf, sizeof(buf)), -1);
	ck_assert_int_eq(ip_format(NULL, buf, sizeof(buf)), -1);
}
END_TEST

struct add_case {
	const char *cidr;
	int	want_rc;
	const char *want_err;		/* part of the message */
};

static const struct add_case adds[] = {
	{ "10.0.0.0/8", 0, NULL },
	{ "192.0.2.1", 0, NULL },
	{ "192.0.2.1/32", 0, NULL },
	{ "0.0.0.0/0", 0, NULL },
	{ "::/0", 0, NULL },
	{ "2001:db8::/32", 0, NULL },
	{ "::1", 0, NULL },
	{ "::1/128", 0, NULL },
	{ "::ffff:10.0.0.0/104", 0, NULL },
	{ "10.0.0.1/8", -1, "did you mean 10.0.0.0/8?" },
	{ "192.0.2.1/24", -1, "did you mean 192.0.2.0/24?" },
	{ "192.0.2.129/25", -1, "did you mean 192.0.2.128/25?" },
	{ "1.2.3.4/0", -1, "did you mean 0.0.0.0/0?" },
	{ "2001:db8::1/32", -1, "did you mean 2001:db8::/32?" },
	{ "::1/0", -1, "did you mean ::/0?" },
	{ "::ffff:10.0.0.1/104", -1, "did you mean ::ffff:10.0.0.0/104?" },
	{ "10.0.0.0/33", -1, "from 0 to 32" },
	{ "::/129", -1, "from 0 to 128" },
	{ "10.0.0.0/", -1, "from 0 to 32" },
	{ "10.0.0.0/-1", -1, "from 0 to 32" },
	{ "10.0.0.0/+8", -1, "from 0 to 32" },
	{ "10.0.0.0/ 8", -1, "from 0 to 32" },
	{ "10.0.0.0/8 ", -1, "from 0 to 32" },
	{ "10.0.0.0/8/8", -1, "from 0 to 32" },
	{ "10.0.0.0/0x8", -1, "from 0 to 32" },
	{ "10.0.0.0/4294967304", -1, "from 0 to 32" },	/* 2^32 + 8 */
	{ "10.0.0.0/99999999999999999999999", -1, "from 0 to 32" },
	{ "/8", -1, "not an IP address" },
	{ "", -1, "not an IP address" },
	{ "10.0.0.0 /8", -1, "not an IP address" },
	{ "10.0.0/8", -1, "not an IP address" },
	{ "garbage", -1, "not an IP address" },
	{ "[10.0.0.0]/8", -1, "not an IP address" },
	{ "IPv6:::1", -1, "not an IP address" },
	{ "fe80::1%eth0/64", -1, "not an IP address" },
	{ "example.net", -1, "not an IP address" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", -1,
	    "not an IP address" },
	{ NULL, -1, "no network" },
};

START_TEST(test_add)
{
	const struct add_case *c = &adds[_i];
	struct netset *set = netset_new();
	char err[256];
	int rc;

	ck_assert_ptr_nonnull(set);
	strcpy(err, "sentinel");
	rc = netset_add(set, c->cidr, err, sizeof(err));
	ck_assert_msg(rc == c->want_rc, "case %d \"%s\": rc %d, want %d (%s)",
	    _i, c->cidr ? c->cidr : "(null)", rc, c->want_rc, err);
	if (rc == 0) {
		ck_assert_str_eq(err, "sentinel");
		ck_assert_uint_eq(netset_count(set), 1);
	} else {
		ck_assert_msg(strstr(err, c->want_err) != NULL,
		    "case %d: message \"%s\", want \"%s\"", _i, err,
		    c->want_err);
		ck_assert_uint_eq(netset_count(set), 0);
	}
	netset_free(set);
}
END_TEST

START_TEST(test_add_messages)
{
	struct netset *set = netset_new();
	char err[16];

	/* a short buffer gets a cut message; no buffer gets none */
	ck_assert_int_eq(netset_add(set, "10.0.0.1/8", err, sizeof(err)), -1);
	ck_assert_uint_eq(strlen(err), sizeof(err) - 1);
	ck_assert_int_eq(netset_add(set, "10.0.0.1/8", NULL, 0), -1);
	ck_assert_int_eq(netset_add(NULL, "10.0.0.0/8", err, sizeof(err)),
	    -1);
	ck_assert_uint_eq(netset_count(set), 0);
	netset_free(set);
}
END_TEST

/* the set that the membership table asks about */
static const char *const members[] = {
	"10.0.0.0/8", "192.0.2.128/25", "2001:db8::/32", "::1/128",
	"::ffff:172.16.0.0/108", "198.51.100.7",
};

struct contains_case {
	const char *ip;
	int	want;
};

static const struct contains_case contains[] = {
	{ "10.0.0.0", 1 },
	{ "10.255.255.255", 1 },
	{ "11.0.0.0", 0 },
	{ "9.255.255.255", 0 },
	{ "::ffff:10.1.2.3", 1 },
	{ "192.0.2.128", 1 },
	{ "192.0.2.255", 1 },
	{ "192.0.2.127", 0 },
	{ "192.0.3.0", 0 },
	{ "172.16.0.1", 1 },		/* via the mapped network */
	{ "172.31.255.255", 1 },
	{ "172.32.0.0", 0 },
	{ "172.15.255.255", 0 },
	{ "::ffff:172.16.0.1", 1 },
	{ "198.51.100.7", 1 },
	{ "198.51.100.6", 0 },
	{ "198.51.100.8", 0 },
	{ "2001:db8::1", 1 },
	{ "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ "2001:db9::", 0 },
	{ "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", 0 },
	{ "::1", 1 },
	{ "::2", 0 },
	{ "::", 0 },
	{ "127.0.0.1", 0 },
	{ "::a00:1", 0 },		/* ::10.0.0.1 is not mapped */
	{ "0.0.0.1", 0 },		/* IPv4 0.0.0.1 is not ::1 */
};

START_TEST(test_contains)
{
	const struct contains_case *c = &contains[_i];
	struct netset *set = netset_new();
	struct ipaddr ip;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		ck_assert_msg(netset_add(set, members[i], err, sizeof(err)) == 0,
		    "%s: %s", members[i], err);
	ck_assert_int_eq(ip_parse(c->ip, &ip), 0);
	ck_assert_msg(netset_contains(set, &ip) == c->want,
	    "%s: want %d", c->ip, c->want);
	netset_free(set);
}
END_TEST

struct edge_case {
	const char *cidr;
	const char *ip;
	int	want;
};

static const struct edge_case edges[] = {
	{ "0.0.0.0/0", "1.2.3.4", 1 },
	{ "0.0.0.0/0", "255.255.255.255", 1 },
	{ "0.0.0.0/0", "::1", 0 },
	{ "0.0.0.0/0", "::ffff:1.2.3.4", 1 },
	{ "::/0", "::1", 1 },
	{ "::/0", "ffff::", 1 },
	{ "::/0", "1.2.3.4", 0 },	/* all of IPv6 holds no IPv4 client */
	{ "::/0", "::ffff:1.2.3.4", 0 },
	{ "128.0.0.0/1", "128.0.0.0", 1 },
	{ "128.0.0.0/1", "255.255.255.255", 1 },
	{ "128.0.0.0/1", "127.255.255.255", 0 },
	{ "10.0.0.0/7", "11.255.255.255", 1 },
	{ "10.0.0.0/7", "12.0.0.0", 0 },
	{ "10.0.0.0/7", "9.255.255.255", 0 },
	{ "192.0.2.0/31", "192.0.2.0", 1 },
	{ "192.0.2.0/31", "192.0.2.1", 1 },
	{ "192.0.2.0/31", "192.0.2.2", 0 },
	{ "192.0.2.1/32", "192.0.2.1", 1 },
	{ "192.0.2.1/32", "192.0.2.0", 0 },
	{ "192.0.2.1/32", "192.0.2.2", 0 },
	{ "192.0.2.1", "192.0.2.1", 1 },
	{ "192.0.2.1", "192.0.2.2", 0 },
	{ "::/1", "7fff:ffff::", 1 },
	{ "::/1", "8000::", 0 },
	{ "2001:db8::/127", "2001:db8::1", 1 },
	{ "2001:db8::/127", "2001:db8::2", 0 },
	{ "2001:db8::1/128", "2001:db8::1", 1 },
	{ "2001:db8::1/128", "2001:db8::", 0 },
	{ "2001:db8::1", "2001:db8::1", 1 },
	{ "2001:db8::1", "2001:db8::3", 0 },
	{ "2001:db8:8000::/33", "2001:db8:8000::", 1 },
	{ "2001:db8:8000::/33", "2001:db8:7fff::", 0 },
	{ "::ffff:0.0.0.0/96", "1.2.3.4", 1 },	/* mapped /96 is IPv4 /0 */
	{ "::fffe:0:0/95", "1.2.3.4", 0 },	/* wider: stays IPv6 */
	{ "::fffe:0:0/95", "::ffff:1.2.3.4", 0 },
	{ "::fffe:0:0/95", "::fffe:0:1", 1 },
	{ "::ffff:192.0.2.1/128", "192.0.2.1", 1 },
	{ "::ffff:192.0.2.0/120", "192.0.2.255", 1 },
	{ "::ffff:192.0.2.0/120", "192.0.3.0", 0 },
};

START_TEST(test_edges)
{
	const struct edge_case *c = &edges[_i];
	struct netset *set = netset_new();
	struct ipaddr ip;
	char err[256];

	ck_assert_msg(netset_add(set, c->cidr, err, sizeof(err)) == 0, "%s: %s",
	    c->cidr, err);
	ck_assert_int_eq(ip_parse(c->ip, &ip), 0);
	ck_assert_msg(netset_contains(set, &ip) == c->want,
	    "%s in %s: want %d", c->ip, c->cidr, c->want);
	netset_free(set);
}
END_TEST

START_TEST(test_set_null_and_count)
{
	struct netset *set = netset_new();
	struct ipaddr ip;
	char err[256];
	int i;

	ck_assert_int_eq(ip_parse("10.0.0.1", &ip), 0);
	ck_assert_int_eq(netset_contains(NULL, &ip), 0);
	ck_assert_uint_eq(netset_count(NULL), 0);
	netset_free(NULL);
	ck_assert_uint_eq(netset_count(set), 0);
	ck_assert_int_eq(netset_contains(set, &ip), 0);
	ck_assert_int_eq(netset_contains(set, NULL), 0);
	/* an exact duplicate, also spelt as the mapped network, counts once */
	ck_assert_int_eq(netset_add(set, "10.0.0.0/8", err, sizeof(err)), 0);
	ck_assert_int_eq(netset_add(set, "10.0.0.0/8", err, sizeof(err)), 0);
	ck_assert_int_eq(netset_add(set, "::ffff:10.0.0.0/104", err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(netset_count(set), 1);
	/* grow past the first allocation */
	for (i = 0; i < 100; i++) {
		snprintf(err, sizeof(err), "192.0.%d.0/24", i);
		ck_assert_int_eq(netset_add(set, err, NULL, 0), 0);
	}
	ck_assert_uint_eq(netset_count(set), 101);
	ck_assert_int_eq(ip_parse("192.0.99.200", &ip), 0);
	ck_assert_int_eq(netset_contains(set, &ip), 1);
	ck_assert_int_eq(ip_parse("192.0.100.1", &ip), 0);
	ck_assert_int_eq(netset_contains(set, &ip), 0);
	netset_free(set);
}
END_TEST

struct key_case {
	const char *in;			/* ip_parse() input */
	int	v6_prefix;
	size_t	len;			/* buffer size given */
	int	want_rc;
	const char *want_key;
};

static const struct key_case keys[] = {
	{ "192.0.2.1", 64, IP_KEY_MAX, 0, "192.0.2.1" },
	{ "::ffff:192.0.2.1", 64, IP_KEY_MAX, 0, "192.0.2.1" },
	{ "192.0.2.1", 128, IP_KEY_MAX, 0, "192.0.2.1" },
	{ "2001:db8:1:2:3:4:5:6", 64, IP_KEY_MAX, 0, "2001:db8:1:2::/64" },
	{ "2001:db8:1:2::99", 64, IP_KEY_MAX, 0, "2001:db8:1:2::/64" },
	{ "2001:db8:1:2:3:4:5:6", 56, IP_KEY_MAX, 0, "2001:db8:1::/56" },
	{ "2001:db8:1:2ff:3:4:5:6", 56, IP_KEY_MAX, 0, "2001:db8:1:200::/56" },
	{ "2001:db8:1:2:3:4:5:6", 48, IP_KEY_MAX, 0, "2001:db8:1::/48" },
	{ "2001:db8:1:2:3:4:5:6", 32, IP_KEY_MAX, 0, "2001:db8::/32" },
	{ "2001:db8:1:2:3:4:5:6", 127, IP_KEY_MAX, 0,
	    "2001:db8:1:2:3:4:5:6/127" },
	{ "2001:db8:1:2:3:4:5:7", 127, IP_KEY_MAX, 0,
	    "2001:db8:1:2:3:4:5:6/127" },
	{ "2001:db8:1:2:3:4:5:6", 128, IP_KEY_MAX, 0, "2001:db8:1:2:3:4:5:6" },
	{ "2001:db8:1:2:3:4:5:6", 65, IP_KEY_MAX, 0, "2001:db8:1:2::/65" },
	{ "2001:db8:1:2:8000::1", 65, IP_KEY_MAX, 0,
	    "2001:db8:1:2:8000::/65" },
	{ "::1", 64, IP_KEY_MAX, 0, "::/64" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 127, IP_KEY_MAX, 0,
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127" },
	{ "2001:db8:1:2::99", 64, 18, 0, "2001:db8:1:2::/64" }, /* just fits */
	{ "2001:db8:1:2::99", 64, 17, -1, NULL },
	{ "192.0.2.1", 64, 9, -1, NULL },
	{ "2001:db8::1", 0, IP_KEY_MAX, -1, NULL },
	{ "2001:db8::1", 129, IP_KEY_MAX, -1, NULL },
	{ "192.0.2.1", -1, IP_KEY_MAX, -1, NULL },
};

START_TEST(test_store_key)
{
	const struct key_case *c = &keys[_i];
	char buf[IP_KEY_MAX + 8], untouched[sizeof(buf)];
	struct ipaddr ip;

	ck_assert_int_eq(ip_parse(c->in, &ip), 0);
	memset(buf, 'Z', sizeof(buf));
	memset(untouched, 'Z', sizeof(untouched));
	ck_assert_int_eq(ip_store_key(&ip, c->v6_prefix, buf, c->len),
	    c->want_rc);
	if (c->want_rc == 0)
		ck_assert_str_eq(buf, c->want_key);
	else
		ck_assert_mem_eq(buf, untouched, sizeof(buf));
}
END_TEST

START_TEST(test_store_key_bad)
{
	char buf[IP_KEY_MAX];
	struct ipaddr ip;

	memset(&ip, 0, sizeof(ip));
	ip.family = AF_UNIX;
	ck_assert_int_eq(ip_store_key(&ip, 64, buf, sizeof(buf)), -1);
	ck_assert_int_eq(ip_store_key(NULL, 64, buf, sizeof(buf)), -1);
	ck_assert_int_eq(ip_parse("2001:db8::1", &ip), 0);
	ck_assert_int_eq(ip_store_key(&ip, 64, NULL, 10), -1);
}
END_TEST

/* the longest key of each prefix length fits IP_KEY_MAX */
START_TEST(test_store_key_longest)
{
	char buf[IP_KEY_MAX];
	struct ipaddr ip;
	int n;

	ck_assert_int_eq(ip_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    &ip), 0);
	for (n = 1; n <= 128; n++)
		ck_assert_int_eq(ip_store_key(&ip, n, buf, sizeof(buf)), 0);
}
END_TEST

struct key_parse_case {
	const char *in;
	int	v6_prefix;
	int	want_rc;
	const char *want;		/* the key, or part of the message */
};

static const struct key_parse_case key_parses[] = {
	{ "192.0.2.1", 64, 0, "192.0.2.1" },
	{ "192.0.2.1/32", 64, 0, "192.0.2.1" },
	{ "::ffff:192.0.2.1", 64, 0, "192.0.2.1" },
	{ "[192.0.2.1]", 64, 0, "192.0.2.1" },
	{ "2001:db8:1:2::99", 64, 0, "2001:db8:1:2::/64" },
	{ "IPv6:2001:db8:1:2::99", 64, 0, "2001:db8:1:2::/64" },
	{ "2001:DB8:1:2::/64", 64, 0, "2001:db8:1:2::/64" },
	{ "2001:db8:1:2::99/64", 64, 0, "2001:db8:1:2::/64" },
	{ "2001:db8:1:2::/80", 64, 0, "2001:db8:1:2::/64" },
	{ "2001:db8:1:2::99/128", 64, 0, "2001:db8:1:2::/64" },
	{ "2001:db8:1:2::99", 128, 0, "2001:db8:1:2::99" },
	{ "2001:db8:1:2::99/128", 128, 0, "2001:db8:1:2::99" },
	{ "2001:db8:1::/48", 48, 0, "2001:db8:1::/48" },
	{ "2001:db8:1::/48", 64, -1, "wider than the /64 IPv6" },
	{ "::/0", 64, -1, "wider than the /64 IPv6" },
	{ "2001:db8:1:2::/129", 64, -1, "not an IP address" },
	{ "2001:db8:1:2::/", 64, -1, "not an IP address" },
	{ "2001:db8:1:2::/064x", 64, -1, "not an IP address" },
	{ "2001:db8:1:2::/6 4", 64, -1, "not an IP address" },
	{ "/64", 64, -1, "not an IP address" },
	{ "192.0.2.0/24", 64, -1, "keyed by address, not by network" },
	{ "192.0.2.1/33", 64, -1, "not an IP address" },
	{ "alice@example.net", 64, -1, "not an IP address" },
	{ "", 64, -1, "not an IP address" },
	{ "2001:db8::1", 0, -1, "IPv6Prefix 0" },
};

START_TEST(test_key_parse)
{
	const struct key_parse_case *c = &key_parses[_i];
	char buf[IP_KEY_MAX], err[160];

	strcpy(buf, "untouched");
	err[0] = '\0';
	ck_assert_int_eq(ip_key_parse(c->in, c->v6_prefix, buf, sizeof(buf),
	    err, sizeof(err)), c->want_rc);
	if (c->want_rc == 0) {
		ck_assert_str_eq(buf, c->want);
		ck_assert_str_eq(err, "");
	} else {
		ck_assert_str_eq(buf, "untouched");
		ck_assert_msg(strstr(err, c->want) != NULL,
		    "\"%s\": message \"%s\" lacks \"%s\"", c->in, err,
		    c->want);
	}
}
END_TEST

struct key_network_case {
	const char *key;
	int	want_rc;
	const char *want_ip;
};

static const struct key_network_case key_networks[] = {
	{ "192.0.2.1", 0, "192.0.2.1" },
	{ "2001:db8:1:2::/64", 0, "2001:db8:1:2::" },
	{ "2001:db8:1:2::99", 0, "2001:db8:1:2::99" },
	{ "2001:db8:1:2::99/64", 0, "2001:db8:1:2::" },
	{ "2001:db8:1:2::/200", -1, NULL },
	{ "2001:db8:1:2::/", -1, NULL },
	{ "nothing", -1, NULL },
};

START_TEST(test_key_network)
{
	const struct key_network_case *c = &key_networks[_i];
	char text[IP_TEXT_MAX];
	struct ipaddr ip, untouched;

	memset(&ip, SENTINEL_BYTE, sizeof(ip));
	untouched = ip;
	ck_assert_int_eq(ip_key_network(c->key, &ip), c->want_rc);
	if (c->want_rc == 0) {
		ck_assert_int_eq(ip_format(&ip, text, sizeof(text)), 0);
		ck_assert_str_eq(text, c->want_ip);
	} else
		ck_assert_mem_eq(&ip, &untouched, sizeof(ip));
}
END_TEST

/* every address of a /64 has the key of the /64, and a neighbour not */
START_TEST(test_store_key_rotation)
{
	char key[IP_KEY_MAX], first[IP_KEY_MAX];
	struct ipaddr ip;
	unsigned i;

	ck_assert_int_eq(ip_parse("2001:db8:1:2::", &ip), 0);
	ck_assert_int_eq(ip_store_key(&ip, 64, first, sizeof(first)), 0);
	for (i = 0; i < 1000; i++) {
		ip.bytes[8 + i % 8] = (unsigned char)(i * 37 + 11);
		ck_assert_int_eq(ip_store_key(&ip, 64, key, sizeof(key)), 0);
		ck_assert_str_eq(key, first);
	}
	ip.bytes[7] ^= 1;
	ck_assert_int_eq(ip_store_key(&ip, 64, key, sizeof(key)), 0);
	ck_assert_str_eq(key, "2001:db8:1:3::/64");
}
END_TEST

/* netset_suite - one test case per aspect */
static Suite *
netset_suite(void)
{
	Suite *s = suite_create("netset");
	TCase *tc;

	tc = tcase_create("ip_parse");
	tcase_add_loop_test(tc, test_parse, 0, NCASES(parses));
	suite_add_tcase(s, tc);

	tc = tcase_create("ip_from_sockaddr");
	tcase_add_loop_test(tc, test_sockaddr, 0, NCASES(sockaddrs));
	tcase_add_test(tc, test_sockaddr_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("ip_format");
	tcase_add_loop_test(tc, test_format, 0, NCASES(formats));
	tcase_add_test(tc, test_format_bad_family);
	suite_add_tcase(s, tc);

	tc = tcase_create("ip_store_key");
	tcase_add_loop_test(tc, test_store_key, 0, NCASES(keys));
	tcase_add_test(tc, test_store_key_bad);
	tcase_add_test(tc, test_store_key_longest);
	tcase_add_test(tc, test_store_key_rotation);
	tcase_add_loop_test(tc, test_key_parse, 0, NCASES(key_parses));
	tcase_add_loop_test(tc, test_key_network, 0, NCASES(key_networks));
	suite_add_tcase(s, tc);

	tc = tcase_create("netset_add");
	tcase_add_loop_test(tc, test_add, 0, NCASES(adds));
	tcase_add_test(tc, test_add_messages);
	suite_add_tcase(s, tc);

	tc = tcase_create("netset_contains");
	tcase_add_loop_test(tc, test_contains, 0, NCASES(contains));
	suite_add_tcase(s, tc);

	tc = tcase_create("boundaries");
	tcase_add_loop_test(tc, test_edges, 0, NCASES(edges));
	tcase_add_test(tc, test_set_null_and_count);
	suite_add_tcase(s, tc);
	return s;
}

/* main - run the suite */
int
main(void)
{
	SRunner *sr = srunner_create(netset_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
