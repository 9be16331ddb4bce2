/*
 * NAME
 *	check_rdns 1
 * SUMMARY
 *	unit tests for lib/rdns.c
 * SYNOPSIS
 *	check_rdns
 * DESCRIPTION
 *	rdns_is_generic() against two tables of reverse names in the style
 *	of real access providers and real mail senders: every consumer
 *	name must be caught and no mail server's name may be, with the
 *	why phrase checked where a row names one. why_r is pre-filled
 *	with a sentinel so that a 0 is seen to leave it untouched.
 *
 *	Left out on purpose, as the rules would need weakening to catch
 *	them: names with neither the address nor an access label, only
 *	many digits (p1234567-ipngn200303kyoto.kyoto.ocn..., a cable
 *	modem's MAC in s0106001d7e123456.vc.shawcable...), and the address
 *	under a mail-like host label without an access label
 *	(mail-84-23-117-9.isp.example): outlook.com's own names look so.
 *
 *	rdns_dynamic() from a table of DNS results (zones listed, not,
 *	unknown, through their filters; no PTR, PTR unknown, a name that
 *	resolves back or not or unknown, generic or not) under the
 *	DynamicIPChecks words: a generic name counts whether or not the
 *	forward lookup answered, an unknown result counts only where it
 *	could have said yes, and the reason is the first sign in order.
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "conf.h"
#include "rdns.h"

#define NCASES(t)	((int)(sizeof(t) / sizeof((t)[0])))

static const char sentinel_why[] = "sentinel";

#define W_OCTETS	"the address's digits are in the name"
#define W_HEX		"the address is in the name in hex"
#define W_V6		"the IPv6 address is in the name"
#define W_LABEL		"an access network label with a numbered host"
#define W_DIGITS \
	"a digits-heavy host label under an access network label"

struct generic_case {
	const char *name;
	const char *ip;
	int	want_generic;
	const char *want_why;		/* NULL: not checked */
};

/* consumer and dynamic lines: all must be caught */
static const struct generic_case consumer[] = {
	{"84-23-117-9.dyn.isp.example", "84.23.117.9", 1, W_OCTETS},
	{"dsl-187-12-44-3.dynamic.example.net", "187.12.44.3", 1, W_OCTETS},
	{"c-73-12-44-201.hsd1.ca.cablenet.example", "73.12.44.201", 1,
	    W_OCTETS},
	{"pool-71-105-44-12.nycmny.fios.telco.example", "71.105.44.12", 1,
	    NULL},
	{"ppp-94-12-1-7.home.example", "94.12.1.7", 1, NULL},
	{"5ED4A2B1.cm-7-5c.dynamic.example", "94.212.162.177", 1, W_HEX},
	{"host86-153-22-9.range86-153.btcentral.example", "86.153.22.9", 1,
	    W_OCTETS},
	{"p5DD6E2B1.dip0.t-connect.example", "93.214.226.177", 1, W_HEX},
	{"ip-178-202-44-9.unitymedia.example", "178.202.44.9", 1, NULL},
	{"cpe-70-94-44-1.tx.res.rr.example", "70.94.44.1", 1, NULL},
	{"ool-18e4a2b1.dyn.optonline.example", "24.228.162.177", 1, W_HEX},
	{"x4d0a1b2c.dyn.telefonica.example", "77.10.27.44", 1, W_HEX},
	{"c0a80001.lan.example", "192.168.0.1", 1, W_HEX},
	{"KD106154012034.au-net.example", "106.154.12.34", 1, W_OCTETS},
	{"softbank126012034056.bbtec.example", "126.12.34.56", 1, W_OCTETS},
	{"modemcable012.34-56-78.mc.videotron.example", "78.56.34.12", 1,
	    W_OCTETS},
	{"201.44.12.73.dsl.isp.example", "73.12.44.201", 1, W_OCTETS},
	{"12-44-201.dsl.isp.example", "73.12.44.201", 1, W_OCTETS},
	{"d14-69-66-12.try.wideopen.example", "14.69.66.12", 1, NULL},
	{"bb116-14-201-77.singnet.example", "116.14.201.77", 1, NULL},
	{"i121-115-22-33.s41.a013.ap.plala.example", "121.115.22.33", 1,
	    NULL},
	{"91-160-12-34.subs.proxad.example", "91.160.12.34", 1, NULL},
	{"dynamic-adsl-94-37-12-3.clienti.tiscali.example", "94.37.12.3", 1,
	    NULL},
	{"adsl-99-12-34-56.dsl.sfldmi.sbc.example", "99.12.34.56", 1, NULL},
	{"mobile-166-12-34-56.mycingular.example", "166.12.34.56", 1, NULL},
	{"dhcp-089-099-123-045.cable.user.example", "89.99.123.45", 1,
	    W_OCTETS},
	{"178_202_44_9.cust.isp.example", "178.202.44.9", 1, W_OCTETS},
	{"static-198-51-100-7.business.isp.example", "198.51.100.7", 1,
	    W_OCTETS},
	{"static.88-198-12-34.clients.your-server.example", "88.198.12.34", 1,
	    W_OCTETS},
	{"ec2-54-240-8-25.compute-1.cloud.example", "54.240.8.25", 1, NULL},
	{"host-12-34-56-78.customer.isp.example", "12.34.56.78", 1, NULL},
	{"wireless-203-0-113-77.mobile.isp.example", "203.0.113.77", 1, NULL},
	{"lte-100-70-12-9.mobile.carrier.example", "100.70.12.9", 1, NULL},
	/* a mail-like host label with the address and an access label */
	{"mail-84-23-117-9.dyn.isp.example", "84.23.117.9", 1, W_OCTETS},
	{"smtp.84-23-117-9.static.isp.example", "84.23.117.9", 1, W_OCTETS},
	/* no address in the name: access labels and numbered hosts */
	{"user-10ljh4f.cable.mindspring.example", "207.69.1.2", 1, W_LABEL},
	{"cpc123456-brnt4-2-0-cust123.4-2.cable.virginm.example",
	    "86.12.34.56", 1, W_LABEL},
	{"adsl-dyn-123456.pool.isp.example", "81.2.3.4", 1, W_LABEL},
	{"3g-client-12345.carrier.example", "100.64.1.2", 1, W_LABEL},
	{"ftth-0012345.fiber.isp.example", "185.1.2.3", 1, W_LABEL},
	{"123456789.ftth.isp.example", "185.1.2.3", 1, W_DIGITS},
	{"a12b34c56.dynamic.isp.example", "185.1.2.4", 1, W_DIGITS},
	{"host-12-34-56-78.isp.example", "192.0.2.99", 1, W_LABEL},
	{"ppp12345.dialup.isp.example", "10.1.2.3", 1, W_LABEL},
	{"lfbn-lyo-1-234-56.w86-200.abo.wanadoo.example", "86.200.12.34", 1,
	    W_DIGITS},
	{"ti0123a400-0456.bb.online.example", "61.2.3.4", 1, W_DIGITS},
	/* IPv6 */
	{"p200300e5d70c1b00a1b2c3d4e5f60718.dip0.t-connect.example",
	    "2003:e5:d70c:1b00:a1b2:c3d4:e5f6:718", 1, W_V6},
	{"8.1.7.0.6.f.5.e.4.d.3.c.2.b.1.a.dyn6.isp.example",
	    "2001:db8:1:2:a1b2:c3d4:e5f6:718", 1, W_V6},
	{"2a02-8071-2b84-9500-1c4d-5e6f-7a8b-9c0d.dyn.cable.example",
	    "2a02:8071:2b84:9500:1c4d:5e6f:7a8b:9c0d", 1, W_V6},
	{"2a02-8071-2b84-9500.pool6.cable.example",
	    "2a02:8071:2b84:9500:1c4d:5e6f:7a8b:9c0d", 1, W_V6},
	{"2001-db8-4a-ff00--17.pool6.isp.example", "2001:db8:4a:ff00::17", 1,
	    W_V6},
	{"2001-db8--17.pool6.isp.example", "2001:db8::17", 1, W_V6},
	{"dyn-2001-0db8-0042-0007-0000-0000-0000-0101.isp.example",
	    "2001:db8:42:7::101", 1, W_V6},
	/* case and the root's dot do not matter */
	{"DSL-187-12-44-3.DYNAMIC.EXAMPLE.NET.", "187.12.44.3", 1, W_OCTETS},
	{"Pool-71-105-44-12.NycMny.Fios.Telco.Example.", "71.105.44.12", 1,
	    NULL},
};

/* mail servers: none may be flagged */
static const struct generic_case servers[] = {
	{"mx1.example.com", "192.0.2.10", 0, NULL},
	{"mail.example.org", "198.51.100.25", 0, NULL},
	{"smtp-out.provider.net", "203.0.113.5", 0, NULL},
	{"mta7.amazonses.com", "54.240.27.7", 0, NULL},
	/* digits that are not the address */
	{"mail-wr1-f54.google.com", "209.85.221.54", 0, NULL},
	{"mail-yw1-f179.google.com", "209.85.128.179", 0, NULL},
	{"a8-25.smtp-out.amazonses.com", "54.240.8.25", 0, NULL},
	{"a48-112.smtp-out.amazonses.com", "54.240.48.112", 0, NULL},
	{"mail135-10.atl141.mcsv.net", "198.2.135.10", 0, NULL},
	{"mail-4317.protonmail.ch", "185.70.43.17", 0, NULL},
	/* the address itself, padded, under a mail-like host label */
	{"mail-oln040092066012.outbound.protection.outlook.com",
	    "40.92.66.12", 0, NULL},
	{"mail-db8eur05on2101.outbound.protection.outlook.com",
	    "40.107.2.101", 0, NULL},
	{"mail-am6eur05on2092.outbound.protection.outlook.com",
	    "40.107.22.92", 0, NULL},
	{"o1.email.example.com", "167.89.1.2", 0, NULL},
	{"o16781234.email.shop.example", "167.89.12.34", 0, NULL},
	{"relay.university.edu", "192.0.2.33", 0, NULL},
	{"mx0a-00123456.pphosted.com", "148.163.1.2", 0, NULL},
	{"sonic301-2.consmr.mail.bf2.yahoo.com", "74.6.1.2", 0, NULL},
	{"smtp06-ia4-sp3.mta.salesforce.com", "13.110.1.2", 0, NULL},
	{"sender4-op-o12.zoho.com", "136.143.188.12", 0, NULL},
	{"mout.gmx.net", "212.227.17.20", 0, NULL},
	{"mout01.posteo.example", "185.67.36.1", 0, NULL},
	{"outbound-ip12a.ess.barracuda.com", "209.222.82.12", 0, NULL},
	{"us-smtp-delivery-1.mimecast.com", "205.139.110.1", 0, NULL},
	{"smtp-relay.gmail.com", "209.85.220.41", 0, NULL},
	{"mta-out-01.provider.example", "198.51.100.1", 0, NULL},
	{"mx-in-02.business.example", "198.51.100.2", 0, NULL},
	{"exchange.lawfirm.example", "203.0.113.40", 0, NULL},
	{"gw.company.example", "203.0.113.41", 0, NULL},
	/* access words where a mail server may carry them */
	{"smtp.home.pl", "79.96.1.2", 0, NULL},
	{"mx1.dsl.isp.example", "192.0.2.40", 0, NULL},
	{"mail.cable-co.example", "192.0.2.41", 0, NULL},
	{"mailhost.poolparty.example", "192.0.2.42", 0, NULL},
	{"mx.dynamic-solutions.example", "192.0.2.43", 0, NULL},
	{"mail2.clients.hosting.example", "192.0.2.44", 0, NULL},
	{"mailgw1.static.isp.example", "192.0.2.45", 0, NULL},
	{"srv12.cust.hosting.example", "192.0.2.46", 0, NULL},
	{"web42.hosting.example", "192.0.2.47", 0, NULL},
	{"host.example.com", "198.51.100.80", 0, NULL},
	{"static.example.net", "198.51.100.81", 0, NULL},
	{"client1.example.com", "198.51.100.82", 0, NULL},
	{"correo.empresa.example", "192.0.2.50", 0, NULL},
	{"bounce.news.shop.example", "192.0.2.51", 0, NULL},
	{"mx.user.example", "192.0.2.52", 0, NULL},
	{"smtp-ip-84-23-117-9.hosting.example", "84.23.117.9", 0, NULL},
	/* IPv6 mail servers */
	{"mail.example.net", "2001:db8::25", 0, NULL},
	{"mx2.v6.example", "2001:db8:1::2", 0, NULL},
	{"mail-oi1-x22f.google.com", "2607:f8b0:4864:20::22f", 0, NULL},
	{"web-0-0-0-1.example", "2001:db8::1", 0, NULL},
	{"web.0000000000000000.example", "2001:db8::1", 0, NULL},
};

static void
check_case(const struct generic_case *c)
{
	struct ipaddr ip, *ipp = NULL;
	const char *why = sentinel_why;
	int rc;

	if (c->ip != NULL) {
		ck_assert_int_eq(ip_parse(c->ip, &ip), 0);
		ipp = &ip;
	}
	rc = rdns_is_generic(c->name, ipp, &why);
	ck_assert_msg(rc == c->want_generic, "%s (%s): got %d, want %d",
	    c->name, c->ip ? c->ip : "no address", rc, c->want_generic);
	if (rc == 0)
		ck_assert_ptr_eq(why, sentinel_why);
	else if (c->want_why != NULL)
		ck_assert_msg(strcmp(why, c->want_why) == 0, "%s: why \"%s\"",
		    c->name, why);
	else
		ck_assert_ptr_ne(why, sentinel_why);
	/* the same with why_r NULL */
	ck_assert_int_eq(rdns_is_generic(c->name, ipp, NULL), rc);
}

START_TEST(test_consumer)
{
	check_case(&consumer[_i]);
}
END_TEST

START_TEST(test_server)
{
	check_case(&servers[_i]);
}
END_TEST

START_TEST(test_tables)
{
	int i, hits = 0, misses = 0;

	/* the guarantees, stated once over whole tables */
	for (i = 0; i < NCASES(consumer); i++)
		hits += consumer[i].want_generic;
	for (i = 0; i < NCASES(servers); i++)
		misses += !servers[i].want_generic;
	ck_assert_int_ge(hits, 35);
	ck_assert_int_ge(misses, 35);
	ck_assert_int_eq(hits, NCASES(consumer));
	ck_assert_int_eq(misses, NCASES(servers));
}
END_TEST

START_TEST(test_degenerate)
{
	struct ipaddr ip;
	const char *why = sentinel_why;
	char name[400];

	ck_assert_int_eq(ip_parse("84.23.117.9", &ip), 0);
	ck_assert_int_eq(rdns_is_generic(NULL, &ip, &why), 0);
	ck_assert_int_eq(rdns_is_generic("", &ip, &why), 0);
	ck_assert_int_eq(rdns_is_generic(".", &ip, &why), 0);
	ck_assert_int_eq(rdns_is_generic("84-23-117-9", &ip, &why), 1);
	ck_assert_str_eq(why, W_OCTETS);
	/* the address only in part, or with digits around it */
	why = sentinel_why;
	ck_assert_int_eq(rdns_is_generic("117-9.isp.example", &ip, &why), 0);
	ck_assert_int_eq(rdns_is_generic("8423-117-9.isp.example", &ip, &why),
	    0);
	ck_assert_int_eq(rdns_is_generic("84-23-117-99.isp.example", &ip,
	    &why), 0);
	ck_assert_int_eq(rdns_is_generic("8423117009.isp.example", &ip, &why),
	    0);
	ck_assert_int_eq(rdns_is_generic("084023117009.isp.example", &ip,
	    &why), 1);
	/* the last three octets are enough */
	ck_assert_int_eq(rdns_is_generic("184-23-117-9.isp.example", &ip,
	    &why), 1);
	/* no address: only the labels speak */
	ck_assert_int_eq(rdns_is_generic("84-23-117-9.dyn.isp.example", NULL,
	    &why), 1);
	ck_assert_str_eq(why, W_DIGITS);
	why = sentinel_why;
	ck_assert_int_eq(rdns_is_generic("mx1.example.com", NULL, &why), 0);
	ck_assert_int_eq(rdns_is_generic("84-23-117-9.isp.example", NULL,
	    &why), 0);
	ck_assert_ptr_eq(why, sentinel_why);
	/* longer than a DNS name */
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	memcpy(name, "84-23-117-9.", 12);
	why = sentinel_why;
	ck_assert_int_eq(rdns_is_generic(name, &ip, &why), 0);
	ck_assert_ptr_eq(why, sentinel_why);
}
END_TEST

#define Z_NONE		9	/* zones not asked */
#define P_NONE		9	/* reverse name not asked */
#define ALL_RDNS	(DYNAMIC_NO_PTR | DYNAMIC_GENERIC | DYNAMIC_UNCONFIRMED)
#define GEN_NAME	"dyn-192-0-2-9.pool.isp.test"
#define PLAIN_NAME	"mail.example.test"

struct dyn_case {
	const char *what;
	unsigned checks;
	int	z1, z2;			/* the zones' rc, or Z_NONE */
	const char *a1, *a2;		/* their answers */
	const char *f1;			/* pbl.test's filter */
	int	ptr;			/* rdns rc, or P_NONE */
	const char *ptr_name;
	int	confirmed;
	int	want;
	const char *want_why;		/* NULL: untouched */
};

static const struct dyn_case dyn[] = {
	{"listed", DYNAMIC_DNSBL, 1, 0, "127.0.0.10", NULL, NULL,
	    P_NONE, NULL, 0, 1, "listed in pbl.test as 127.0.0.10"},
	{"listed outside the filter", DYNAMIC_DNSBL, 1, 0, "127.0.0.2", NULL,
	    "127.0.0.[10..11]", P_NONE, NULL, 0, 0, NULL},
	{"listed inside the filter", DYNAMIC_DNSBL, 1, 0, "127.0.0.11", NULL,
	    "127.0.0.[10..11]", P_NONE, NULL, 0, 1,
	    "listed in pbl.test as 127.0.0.11"},
	{"both list: the first zone", DYNAMIC_DNSBL, 1, 1, "127.0.0.2",
	    "127.0.0.4", NULL, P_NONE, NULL, 0, 1,
	    "listed in pbl.test as 127.0.0.2"},
	{"first unknown, second lists", DYNAMIC_DNSBL, -1, 1, NULL,
	    "127.0.0.4", NULL, P_NONE, NULL, 0, 1,
	    "listed in zen.test as 127.0.0.4"},
	{"a zone unknown", DYNAMIC_DNSBL, -1, 0, NULL, NULL, NULL, P_NONE,
	    NULL, 0, -1, NULL},
	{"zones not counted without dnsbl", DYNAMIC_GENERIC, 1, -1,
	    "127.0.0.2", NULL, NULL, 1, PLAIN_NAME, 1, 0, NULL},
	{"a zone unknown, no PTR", DYNAMIC_DNSBL | ALL_RDNS, -1, 0, NULL,
	    NULL, NULL, 0, NULL, -1, 1, "192.0.2.9 has no reverse DNS name"},
	{"no PTR, not a sign", DYNAMIC_GENERIC, Z_NONE, 0, NULL, NULL, NULL,
	    0, NULL, -1, 0, NULL},
	{"PTR unknown", DYNAMIC_GENERIC, Z_NONE, 0, NULL, NULL, NULL, -1,
	    NULL, -1, -1, NULL},
	{"PTR unknown, only dnsbl", DYNAMIC_DNSBL, 0, 0, NULL, NULL, NULL,
	    -1, NULL, -1, 0, NULL},
	{"unconfirmed", ALL_RDNS, Z_NONE, 0, NULL, NULL, NULL, 1, PLAIN_NAME,
	    0, 1, "reverse name " PLAIN_NAME " does not resolve back to "
	    "192.0.2.9"},
	{"unconfirmed, not a sign", DYNAMIC_GENERIC | DYNAMIC_NO_PTR, Z_NONE,
	    0, NULL, NULL, NULL, 1, PLAIN_NAME, 0, 0, NULL},
	{"forward unknown", ALL_RDNS, Z_NONE, 0, NULL, NULL, NULL, 1,
	    PLAIN_NAME, -1, -1, NULL},
	{"forward unknown, not asked for", DYNAMIC_GENERIC | DYNAMIC_NO_PTR,
	    Z_NONE, 0, NULL, NULL, NULL, 1, PLAIN_NAME, -1, 0, NULL},
	{"forward unknown, generic", ALL_RDNS, Z_NONE, 0, NULL, NULL, NULL, 1,
	    GEN_NAME, -1, 1, "generic reverse name " GEN_NAME ": "},
	{"forward not asked, generic", DYNAMIC_GENERIC, Z_NONE, 0, NULL, NULL,
	    NULL, 1, GEN_NAME, -1, 1, "generic reverse name " GEN_NAME},
	{"confirmed, generic", ALL_RDNS, Z_NONE, 0, NULL, NULL, NULL, 1,
	    GEN_NAME, 1, 1, "generic reverse name " GEN_NAME},
	{"unconfirmed before generic", ALL_RDNS, Z_NONE, 0, NULL, NULL, NULL,
	    1, GEN_NAME, 0, 1, "reverse name " GEN_NAME " does not resolve"},
	{"generic, not a sign", DYNAMIC_NO_PTR | DYNAMIC_UNCONFIRMED, Z_NONE,
	    0, NULL, NULL, NULL, 1, GEN_NAME, 1, 0, NULL},
	{"a zone unknown, generic", DYNAMIC_DNSBL | ALL_RDNS, -1, -1, NULL,
	    NULL, NULL, 1, GEN_NAME, 1, 1, "generic reverse name"},
	{"zones clean, PTR unknown", DYNAMIC_DNSBL | ALL_RDNS, 0, 0, NULL,
	    NULL, NULL, -1, NULL, -1, -1, NULL},
	{"all clean", DYNAMIC_DNSBL | ALL_RDNS, 0, 0, NULL, NULL, NULL, 1,
	    PLAIN_NAME, 1, 0, NULL},
	{"nothing asked", DYNAMIC_DNSBL | ALL_RDNS, Z_NONE, 0, NULL, NULL,
	    NULL, P_NONE, NULL, 0, 0, NULL},
};

/* zone_set - one zone's result */
static void
zone_set(struct dns_listing *l, int rc, const char *answer)
{
	memset(l, 0, sizeof(*l));
	l->rc = rc;
	if (rc == 1) {
		ck_assert_int_eq(ip_parse(answer, &l->answers[0]), 0);
		l->n = 1;
	}
}

START_TEST(test_dynamic)
{
	const struct dyn_case *c = &dyn[_i];
	struct dnsbl zones[2] = {{"pbl.test", NULL}, {"zen.test", NULL}};
	struct dns_listing listings[2];
	struct dns_rdns rdns;
	struct ipaddr ip;
	const char *err = NULL;
	char why[256];
	size_t n = c->z1 == Z_NONE ? 0 : 2;
	int got;

	ck_assert_int_eq(ip_parse("192.0.2.9", &ip), 0);
	if (c->f1 != NULL) {
		zones[0].filter = dnsbl_filter_parse(c->f1, &err);
		ck_assert_ptr_nonnull(zones[0].filter);
	}
	zone_set(&listings[0], c->z1, c->a1);
	zone_set(&listings[1], c->z2, c->a2);
	memset(&rdns, 0, sizeof(rdns));
	rdns.rc = c->ptr;
	if (c->ptr_name != NULL)
		snprintf(rdns.name, sizeof(rdns.name), "%s", c->ptr_name);
	rdns.confirmed = c->confirmed;
	strcpy(why, sentinel_why);
	got = rdns_dynamic(&ip, c->checks, zones, listings, n,
	    c->ptr == P_NONE ? NULL : &rdns, why, sizeof(why));
	ck_assert_msg(got == c->want, "%s: got %d, want %d (%s)", c->what,
	    got, c->want, why);
	if (c->want_why == NULL)
		ck_assert_str_eq(why, sentinel_why);
	else
		ck_assert_msg(strstr(why, c->want_why) != NULL,
		    "%s: why \"%s\"", c->what, why);
	free(zones[0].filter);
}
END_TEST

/* why is cut to its buffer, and may be NULL */
START_TEST(test_dynamic_why)
{
	struct dnsbl zones[1] = {{"pbl.test", NULL}};
	struct dns_listing l;
	struct ipaddr ip;
	char why[12];

	ck_assert_int_eq(ip_parse("192.0.2.9", &ip), 0);
	zone_set(&l, 1, "127.0.0.10");
	ck_assert_int_eq(rdns_dynamic(&ip, DYNAMIC_DNSBL, zones, &l, 1, NULL,
	    why, sizeof(why)), 1);
	ck_assert_str_eq(why, "listed in p");
	ck_assert_int_eq(rdns_dynamic(&ip, DYNAMIC_DNSBL, zones, &l, 1, NULL,
	    NULL, 0), 1);
}
END_TEST

static Suite *
rdns_suite(void)
{
	Suite *s = suite_create("rdns");
	TCase *tc;

	tc = tcase_create("generic");
	tcase_add_loop_test(tc, test_consumer, 0, NCASES(consumer));
	tcase_add_loop_test(tc, test_server, 0, NCASES(servers));
	tcase_add_test(tc, test_tables);
	tcase_add_test(tc, test_degenerate);
	suite_add_tcase(s, tc);

	tc = tcase_create("dynamic");
	tcase_add_loop_test(tc, test_dynamic, 0, NCASES(dyn));
	tcase_add_test(tc, test_dynamic_why);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(rdns_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
