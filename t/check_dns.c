/*
 * NAME
 *	check_dns 1
 * SUMMARY
 *	unit tests for lib/dns.c and lib/resolver.c
 * SYNOPSIS
 *	check_dns
 * DESCRIPTION
 *	dns_reverse_name() for PTR and DNSBL queries, IPv4 and IPv6, from
 *	a table with want_* fields; every result is also written into
 *	buffers of every size around its length, pre-filled with a
 *	sentinel, so that a buffer one byte short is seen refused and left
 *	untouched. Arguments that dns_client() refuses before any query.
 *	DNSBL answer filters: compiled once by dnsbl_filter_parse(), then
 *	matched against a table of answers; every value of one octet
 *	against a list of ranges; every malformed filter refused with its
 *	reason (leading zeros, octets over 255, backwards ranges, ...).
 *	The lookups against a DNS server of the test's own (fakedns.h, a
 *	loopback port): DNSBL answers (listed, several, outside 127/8,
 *	127.255.255.x, SERVFAIL, REFUSED, no data), reverse names (forward
 *	confirmed or not, a failing forward lookup, unusable and too many
 *	names, CNAMEs, IPv6), no forward query unless asked; three zones
 *	and a PTR that never answer ending together at one deadline, and
 *	the wait ending early only where the outcome cannot change, answers
 *	that come in while the caller waits on something else. The
 *	deadline tests take real time (400 ms each). resolver_ptr_names()
 *	on every truncation of an answer and on malformed ones.
 *	Lookups through real servers are integration tests (t/it_*.sh,
 *	against dnsmasq).
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include "config.h"

#include <arpa/nameser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "conf.h"
#include "dns.h"
#include "fakedns.h"
#include "resolver.h"

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

/* arguments refused before any query: every result unknown */
START_TEST(test_refused_args)
{
	struct dnsbl zones[1] = {{"bl.example", NULL}};
	struct dns_listing listings[1];
	struct dns_rdns rdns;
	struct ipaddr ip, bad;
	char err[128];

	ck_assert_int_eq(ip_parse("192.0.2.25", &ip), 0);
	memset(&bad, 0, sizeof(bad));
	ck_assert_int_eq(dns_client(NULL, zones, 1, DNS_PTR, 1000, listings,
	    &rdns, err, sizeof(err)), -1);
	ck_assert_int_eq(listings[0].rc, -1);
	ck_assert_int_eq(rdns.rc, -1);
	ck_assert_int_eq(rdns.confirmed, -1);
	ck_assert_int_eq(dns_client(&bad, zones, 1, 0, 1000, listings, NULL,
	    err, sizeof(err)), -1);
	ck_assert_str_eq(err, "no client address");
	ck_assert_int_eq(dns_client(&ip, NULL, 1, 0, 1000, listings, NULL,
	    err, sizeof(err)), -1);
	ck_assert_int_eq(dns_client(&ip, zones, 1, 0, 1000, NULL, NULL,
	    err, sizeof(err)), -1);
	ck_assert_int_eq(dns_client(&ip, zones, 0, DNS_FORWARD, 1000, NULL,
	    NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "no place for the reverse name");
}
END_TEST

/*
 * The lookups, against fakedns on a port of its own: clients
 * 192.0.2.x (reverse names under 2.0.192.in-addr.arpa) and zones
 * bl.test (answers), drop1..3.test (no answer, ever).
 */
static const struct fakedns_rr table[] = {
	{"1.2.0.192.in-addr.arpa", ns_t_ptr, "mail.good.test", 0},
	{"mail.good.test", ns_t_a, "192.0.2.1", 0},
	{"2.2.0.192.in-addr.arpa", ns_t_ptr, "mail.other.test", 0},
	{"mail.other.test", ns_t_a, "192.0.2.99", 0},
	{"3.2.0.192.in-addr.arpa", ns_t_ptr, "broken.fwd.test", 0},
	{"broken.fwd.test", FAKEDNS_SERVFAIL, NULL, 0},
	{"5.2.0.192.in-addr.arpa", FAKEDNS_SERVFAIL, NULL, 0},
	{"6.2.0.192.in-addr.arpa", ns_t_ptr, "bad name.test", 0},
	{"6.2.0.192.in-addr.arpa", ns_t_ptr, "A.Multi.Test.", 0},
	{"6.2.0.192.in-addr.arpa", ns_t_ptr, "b.multi.test", 0},
	{"a.multi.test", ns_t_a, "192.0.2.77", 0},
	{"b.multi.test", ns_t_a, "192.0.2.6", 0},
	{"7.2.0.192.in-addr.arpa", ns_t_ptr, "n1.many.test", 0},
	{"7.2.0.192.in-addr.arpa", ns_t_ptr, "n2.many.test", 0},
	{"7.2.0.192.in-addr.arpa", ns_t_ptr, "n3.many.test", 0},
	{"7.2.0.192.in-addr.arpa", ns_t_ptr, "n4.many.test", 0},
	{"7.2.0.192.in-addr.arpa", ns_t_ptr, "n5.many.test", 0},
	{"*.many.test", ns_t_a, "192.0.2.70", 0},
	{"n5.many.test", ns_t_a, "192.0.2.7", 0},
	{"8.2.0.192.in-addr.arpa", FAKEDNS_DROP, NULL, 0},
	{"9.2.0.192.in-addr.arpa", ns_t_ptr, "dyn-192-0-2-9.pool.isp.test", 0},
	{"dyn-192-0-2-9.pool.isp.test", FAKEDNS_DROP, NULL, 0},
	{"10.2.0.192.in-addr.arpa", ns_t_ptr, "alias.good.test", 0},
	{"alias.good.test", ns_t_cname, "mail10.good.test", 0},
	{"mail10.good.test", ns_t_a, "192.0.2.10", 0},
	{"11.2.0.192.in-addr.arpa", ns_t_ptr, "a.early.test", 0},
	{"11.2.0.192.in-addr.arpa", ns_t_ptr, "b.early.test", 0},
	{"a.early.test", ns_t_a, "192.0.2.11", 0},
	{"b.early.test", FAKEDNS_DROP, NULL, 0},
	{"12.2.0.192.in-addr.arpa", ns_t_ptr, "a.late.test", 0},
	{"12.2.0.192.in-addr.arpa", ns_t_ptr, "b.late.test", 0},
	{"a.late.test", FAKEDNS_DROP, NULL, 0},
	{"b.late.test", ns_t_a, "192.0.2.12", 0},
	{"13.2.0.192.in-addr.arpa", ns_t_ptr, "mail.nodata.test", 0},
	{"mail.nodata.test", ns_t_txt, "no addresses", 0},
	{"5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"
	    ".ip6.arpa", ns_t_ptr, "mail6.good.test", 0},
	{"mail6.good.test", ns_t_aaaa, "2001:db8::25", 0},
	{"mail6.good.test", ns_t_a, "192.0.2.25", 0},
	{"1.2.0.192.bl.test", ns_t_a, "127.0.0.10", 0},
	{"2.2.0.192.bl.test", ns_t_a, "127.0.0.2", 0},
	{"2.2.0.192.bl.test", ns_t_a, "127.0.0.11", 0},
	{"3.2.0.192.bl.test", ns_t_a, "192.0.2.200", 0},
	{"4.2.0.192.bl.test", ns_t_a, "127.0.0.2", 0},
	{"4.2.0.192.bl.test", ns_t_a, "127.255.255.254", 0},
	{"5.2.0.192.bl.test", FAKEDNS_SERVFAIL, NULL, 0},
	{"6.2.0.192.bl.test", ns_t_txt, "listed, but not by an address", 0},
	{"7.2.0.192.bl.test", FAKEDNS_REFUSED, NULL, 0},
	{"8.2.0.192.bl.test", ns_t_a, "127.0.0.10", 0},
	{"*.drop1.test", FAKEDNS_DROP, NULL, 0},
	{"*.drop2.test", FAKEDNS_DROP, NULL, 0},
	{"*.drop3.test", FAKEDNS_DROP, NULL, 0},
	{NULL, 0, NULL, 0},
};

/* serve - the table, in each test's own process */
static void
serve(void)
{
	ck_assert_int_eq(fakedns_start(table), 0);
}

/* unserve - stop serving */
static void
unserve(void)
{
	fakedns_stop();
}

struct zone_case {
	const char *ip;
	int	want_rc;
	const char *want;		/* answers, or the error */
};

static const struct zone_case zone_cases[] = {
	{"192.0.2.1", 1, "127.0.0.10"},
	{"192.0.2.2", 1, "127.0.0.2 127.0.0.11"},
	{"192.0.2.3", 0, ""},			/* not 127/8 */
	{"192.0.2.4", -1, "refused to answer"},
	{"192.0.2.5", -1, "SERVFAIL"},
	{"192.0.2.6", 0, ""},			/* TXT only: no data */
	{"192.0.2.7", -1, "REFUSED"},
	{"192.0.2.99", 0, ""},			/* NXDOMAIN */
};

START_TEST(test_zone_answers)
{
	const struct zone_case *c = &zone_cases[_i];
	struct dnsbl zones[1] = {{"bl.test", NULL}};
	struct dns_listing l;
	struct ipaddr ip;
	char err[128], got[128], text[IP_TEXT_MAX];
	size_t i, n = 0;

	ck_assert_int_eq(ip_parse(c->ip, &ip), 0);
	ck_assert_int_eq(dns_client(&ip, zones, 1, 0, 2000, &l, NULL, err,
	    sizeof(err)), 0);
	ck_assert_msg(l.rc == c->want_rc, "%s: rc %d", c->ip, l.rc);
	got[0] = '\0';
	for (i = 0; i < l.n; i++) {
		ck_assert_int_eq(ip_format(&l.answers[i], text, sizeof(text)),
		    0);
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s",
		    i ? " " : "", text);
	}
	if (c->want_rc < 0) {
		ck_assert_ptr_nonnull(l.error);
		ck_assert_msg(strstr(l.error, c->want) != NULL, "%s: %s",
		    c->ip, l.error);
		ck_assert_uint_eq(l.n, 0);
	} else {
		ck_assert_str_eq(got, c->want);
	}
}
END_TEST

struct rdns_case {
	const char *ip;
	unsigned what;
	int	want_rc;
	const char *want_name;
	int	want_confirmed;
	const char *want_error;		/* rc -1, or confirmed -1: substring */
};

static const struct rdns_case rdns_cases[] = {
	{"192.0.2.1", DNS_FORWARD, 1, "mail.good.test", 1, NULL},
	{"192.0.2.1", DNS_PTR, 1, "mail.good.test", -1, NULL},
	{"192.0.2.2", DNS_FORWARD, 1, "mail.other.test", 0, NULL},
	{"192.0.2.3", DNS_FORWARD, 1, "broken.fwd.test", -1, "SERVFAIL"},
	{"192.0.2.4", DNS_FORWARD, 0, "", -1, NULL},
	{"192.0.2.5", DNS_FORWARD, -1, "", -1, "SERVFAIL"},
	{"192.0.2.6", DNS_FORWARD, 1, "b.multi.test", 1, NULL},
	{"192.0.2.6", DNS_PTR, 1, "a.multi.test", -1, NULL},
	{"192.0.2.7", DNS_FORWARD, 1, "n1.many.test", 0, NULL},
	{"192.0.2.10", DNS_FORWARD, 1, "alias.good.test", 1, NULL},
	{"192.0.2.11", DNS_FORWARD, 1, "a.early.test", 1, NULL},
	{"192.0.2.13", DNS_FORWARD, 1, "mail.nodata.test", 0, NULL},
	{"2001:db8::25", DNS_FORWARD, 1, "mail6.good.test", 1, NULL},
	{"2001:db8::26", DNS_FORWARD, 0, "", -1, NULL},
};

START_TEST(test_rdns)
{
	const struct rdns_case *c = &rdns_cases[_i];
	struct dns_rdns r;
	struct ipaddr ip;
	char err[128];
	const char *error;

	ck_assert_int_eq(ip_parse(c->ip, &ip), 0);
	ck_assert_int_eq(dns_client(&ip, NULL, 0, c->what, 2000, NULL, &r,
	    err, sizeof(err)), 0);
	ck_assert_msg(r.rc == c->want_rc, "%s: rc %d", c->ip, r.rc);
	if (c->want_rc == 1)
		ck_assert_str_eq(r.name, c->want_name);
	ck_assert_msg(r.confirmed == c->want_confirmed, "%s: confirmed %d",
	    c->ip, r.confirmed);
	error = r.rc < 0 ? r.error : r.forward_error;
	if (c->want_error == NULL)
		ck_assert_msg(error == NULL, "%s: error %s", c->ip, error);
	else
		ck_assert_msg(error != NULL && strstr(error, c->want_error),
		    "%s: error %s", c->ip, error ? error : "NULL");
}
END_TEST

/* without DNS_FORWARD no address is asked; past 4 names none is */
START_TEST(test_forward_asked)
{
	struct dns_rdns r;
	struct ipaddr ip;
	char err[128];

	ck_assert_int_eq(ip_parse("192.0.2.1", &ip), 0);
	ck_assert_int_eq(dns_client(&ip, NULL, 0, DNS_PTR, 2000, NULL, &r,
	    err, sizeof(err)), 0);
	ck_assert_uint_eq(fakedns_queries("1.2.0.192.in-addr.arpa",
	    ns_t_ptr), 1);
	ck_assert_uint_eq(fakedns_queries("mail.good.test", 0), 0);
	ck_assert_int_eq(ip_parse("192.0.2.7", &ip), 0);
	ck_assert_int_eq(dns_client(&ip, NULL, 0, DNS_FORWARD, 2000, NULL, &r,
	    err, sizeof(err)), 0);
	ck_assert_uint_eq(fakedns_queries("n4.many.test", ns_t_a), 1);
	ck_assert_uint_eq(fakedns_queries("n5.many.test", 0), 0);
}
END_TEST

#define DEADLINE_MS	400
#define SLACK_MS	300	/* scheduling, sanitizers */

/* run_timed - dns_client() on zones, timed; the milliseconds taken */
static unsigned long
run_timed(const char *client, const char *const *names, size_t n,
    const char *filter, unsigned what, unsigned timeout_ms,
    struct dns_listing *listings, struct dns_rdns *rdns)
{
	struct dnsbl zones[4];
	struct ipaddr ip;
	unsigned long start;
	const char *why;
	char err[128];
	size_t i;

	ck_assert_int_eq(ip_parse(client, &ip), 0);
	for (i = 0; i < n; i++) {
		zones[i].zone = (char *)names[i];
		zones[i].filter = filter ? dnsbl_filter_parse(filter, &why) :
		    NULL;
	}
	start = resolver_clock_ms();
	ck_assert_int_eq(dns_client(&ip, zones, n, what, timeout_ms,
	    listings, rdns, err, sizeof(err)), 0);
	start = resolver_clock_ms() - start;
	for (i = 0; i < n; i++)
		free(zones[i].filter);
	return start;
}

/* three zones and the PTR that never answer: one deadline, not four */
START_TEST(test_deadline)
{
	static const char *const zones[] = {"drop1.test", "drop2.test",
	    "drop3.test"};
	struct dns_listing l[3];
	struct dns_rdns r;
	unsigned long ms;
	int i;

	ms = run_timed("192.0.2.8", zones, 3, NULL, DNS_FORWARD, DEADLINE_MS,
	    l, &r);
	ck_assert_msg(ms >= DEADLINE_MS && ms < DEADLINE_MS + SLACK_MS,
	    "took %lu ms", ms);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(l[i].rc, -1);
		ck_assert_str_eq(l[i].error, "no answer before the deadline");
	}
	ck_assert_int_eq(r.rc, -1);
	ck_assert_str_eq(r.error, "no answer before the deadline");
	/* retransmitted within the deadline (100 ms, then 200 ms) */
	ck_assert_uint_ge(fakedns_queries("8.2.0.192.drop1.test", ns_t_a), 2);
	/* a forward lookup that never answers: the PTR name still stands */
	ms = run_timed("192.0.2.9", NULL, 0, NULL, DNS_FORWARD, DEADLINE_MS,
	    NULL, &r);
	ck_assert_msg(ms < DEADLINE_MS + SLACK_MS, "took %lu ms", ms);
	ck_assert_int_eq(r.rc, 1);
	ck_assert_str_eq(r.name, "dyn-192-0-2-9.pool.isp.test");
	ck_assert_int_eq(r.confirmed, -1);
	ck_assert_str_eq(r.forward_error, "no answer before the deadline");
}
END_TEST

/* a listing that decides ends the wait; one before it must answer first */
START_TEST(test_early_stop)
{
	static const char *const listed[] = {"bl.test"};
	static const char *const late[] = {"drop1.test", "bl.test"};
	struct dns_listing l[2];
	struct dns_rdns r;
	unsigned long ms;

	ms = run_timed("192.0.2.8", listed, 1, NULL, DNS_FORWARD, 5000, l,
	    &r);
	ck_assert_msg(ms < SLACK_MS, "took %lu ms", ms);
	ck_assert_int_eq(l[0].rc, 1);
	ck_assert_int_eq(r.rc, -1);
	ck_assert_ptr_null(r.error);		/* not waited for */
	/* an answer the filter does not pass decides nothing */
	ms = run_timed("192.0.2.8", listed, 1, "127.0.0.99", DNS_FORWARD,
	    DEADLINE_MS, l, &r);
	ck_assert_msg(ms >= DEADLINE_MS, "took %lu ms", ms);
	ck_assert_int_eq(l[0].rc, 1);
	ck_assert_str_eq(r.error, "no answer before the deadline");
	/* the first zone is waited for, the second's listing kept */
	ms = run_timed("192.0.2.8", late, 2, NULL, 0, DEADLINE_MS, l, NULL);
	ck_assert_msg(ms >= DEADLINE_MS, "took %lu ms", ms);
	ck_assert_int_eq(l[0].rc, -1);
	ck_assert_int_eq(l[1].rc, 1);
	/* a name that resolves back ends it; one before it is waited for */
	ms = run_timed("192.0.2.11", NULL, 0, NULL, DNS_FORWARD, 5000, NULL,
	    &r);
	ck_assert_msg(ms < SLACK_MS, "took %lu ms", ms);
	ck_assert_int_eq(r.confirmed, 1);
	ms = run_timed("192.0.2.12", NULL, 0, NULL, DNS_FORWARD, DEADLINE_MS,
	    NULL, &r);
	ck_assert_msg(ms >= DEADLINE_MS, "took %lu ms", ms);
	ck_assert_int_eq(r.confirmed, 1);
	ck_assert_str_eq(r.name, "b.late.test");
}
END_TEST

/* start, other work (another call that waits), finish: answers kept */
START_TEST(test_start_finish)
{
	struct dnsbl zones[1] = {{"bl.test", NULL}};
	struct dns_listing l;
	struct dns_rdns r, r2;
	struct dns_client *c;
	struct ipaddr ip, other;
	unsigned long start, ms;
	const char *why;
	char err[128];

	/* a listing the filter does not pass: the PTR is waited for too */
	zones[0].filter = dnsbl_filter_parse("127.0.0.99", &why);
	ck_assert_int_eq(ip_parse("192.0.2.1", &ip), 0);
	ck_assert_int_eq(ip_parse("192.0.2.8", &other), 0);
	start = resolver_clock_ms();
	c = dns_client_start(&ip, zones, 1, DNS_FORWARD, 2000, &l, &r, err,
	    sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(dns_client(&other, NULL, 0, DNS_PTR, DEADLINE_MS,
	    NULL, &r2, err, sizeof(err)), 0);
	ck_assert_int_eq(r2.rc, -1);
	dns_client_finish(c);
	ms = resolver_clock_ms() - start;
	ck_assert_msg(ms < DEADLINE_MS + SLACK_MS, "took %lu ms", ms);
	ck_assert_int_eq(l.rc, 1);
	ck_assert_int_eq(r.rc, 1);
	ck_assert_int_eq(r.confirmed, 1);
	ck_assert_ptr_null(dns_client_start(NULL, zones, 1, 0, 2000, &l,
	    NULL, err, sizeof(err)));
	ck_assert_int_eq(l.rc, -1);
	dns_client_finish(NULL);
	free(zones[0].filter);
}
END_TEST

/* the PTR targets of hand-made answers */
static void
count_name(void *arg, const char *name)
{
	(void)name;
	(*(int *)arg)++;
}

START_TEST(test_ptr_names)
{
	/* header (1 question, 1 answer), question ".", PTR "a." */
	static const unsigned char ok[] = {
		0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
		0, 0, 12, 0, 1,
		0xc0, 12, 0, 12, 0, 1, 0, 0, 0, 0, 0, 3, 1, 'a', 0,
	};
	unsigned char bad[sizeof(ok)];
	int calls = 0;
	size_t n;

	ck_assert_int_eq(resolver_ptr_names(ok, sizeof(ok), count_name,
	    &calls), 1);
	ck_assert_int_eq(calls, 1);
	for (n = 0; n < sizeof(ok); n++)
		ck_assert_int_eq(resolver_ptr_names(ok, (int)n, count_name,
		    &calls), -1);
	memcpy(bad, ok, sizeof(ok));
	bad[27] = 9;			/* rdlength past the end */
	ck_assert_int_eq(resolver_ptr_names(bad, sizeof(bad), count_name,
	    &calls), -1);
	memcpy(bad, ok, sizeof(ok));
	bad[17] = 0x80;			/* a label type that does not exist */
	ck_assert_int_eq(resolver_ptr_names(bad, sizeof(bad), count_name,
	    &calls), -1);
	ck_assert_int_eq(resolver_ptr_names(NULL, 0, count_name, &calls), -1);
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
	tcase_add_test(tc, test_ptr_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("lookups");
	tcase_add_checked_fixture(tc, serve, unserve);
	tcase_add_loop_test(tc, test_zone_answers, 0, NCASES(zone_cases));
	tcase_add_loop_test(tc, test_rdns, 0, NCASES(rdns_cases));
	tcase_add_test(tc, test_forward_asked);
	tcase_add_test(tc, test_deadline);
	tcase_add_test(tc, test_early_stop);
	tcase_add_test(tc, test_start_finish);
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
