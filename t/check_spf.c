/*
 * NAME
 *	check_spf 1
 * SUMMARY
 *	unit tests for lib/spf.c
 * SYNOPSIS
 *	check_spf
 * DESCRIPTION
 *	Runs spf_check() against a fixed zone (spf_new_zone(), no network)
 *	from tables with want_* fields: every SPF result, include and
 *	redirect, the DNS lookup limit, the null sender through HELO, IPv6
 *	clients, loopback clients (no free pass), and hostile inputs that
 *	must come back as "none" without reaching libspf2. Records RFC
 *	7208 calls invalid, each with an "-all", give permerror (also
 *	through an include, and only when it is reached); and where libspf2
 *	alone would differ from the RFC: prefix lengths of 0, redirect=
 *	next to "all" or before mechanisms, a failing (TEMPFAIL) name of a
 *	ptr or mx expansion skipped, void lookups, 10 lookups across
 *	includes, include targets cut to 253 octets, explanations that
 *	must not change a fail. Time is an
 *	input: a test clock that moves a fixed step per reading makes an
 *	include chain overrun the deadline without sleeping. Also: zone
 *	records that spf_new_zone() refuses, an error raised inside
 *	libspf2 (temperror, no abort), concurrent checks on one checker,
 *	spf_check_within()'s budget of one check, and the result names.
 *	The c-ares layer (spf_new()): the same zone served by a DNS server
 *	of the test's own (fakedns.h), the same tables run through it (the
 *	rows that move a test clock passed over); a record in two
 *	character-strings, one of 600 octets (asked again over TCP), a
 *	name that never answers (temperror once the check's 300 ms are
 *	spent: real time), no query at all without time.
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/nameser.h>

#include <check.h>
#include <spf2/spf_log.h>

#include "fakedns.h"
#include "resolver.h"
#include "spf.h"

#define NCASES(t)	((int)(sizeof(t) / sizeof((t)[0])))
#define BUDGET_MS	1000
#define SENTINEL	'Z'

#define LONG_LABEL \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DOMAIN_300 \
	LONG_LABEL "." LONG_LABEL "." LONG_LABEL "." LONG_LABEL "." \
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.test"
#define HELO_300 "h." DOMAIN_300
#define LONG_LABEL_63 \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define EXP_MANY_MACROS \
	"%{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} " \
	"%{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{ir} %{ir} %{ir} %{ir}"

static const char *const zone[] = {
	"none.test TXT google-site-verification=abc",
	"neutral.test TXT v=spf1 ?all",
	"ip4.test TXT v=spf1 ip4:192.0.2.0/24 -all",
	"ip6.test TXT v=spf1 ip6:2001:db8::/32 -all",
	"a.test TXT v=spf1 a -all",
	"a.test A 198.51.100.10",
	"a.test AAAA 2001:db8:a::10",
	"mx.test TXT v=spf1 mx -all",
	"mx.test MX 10 mail.mx.test",
	"mail.mx.test A 198.51.100.25",
	"soft.test TXT v=spf1 ip4:192.0.2.0/24 ~all",
	"temp.test TEMPFAIL",
	"gone.test NXDOMAIN",
	"syntax.test TXT v=spf1 ip4:300.1.1.1 -all",
	"two.test TXT v=spf1 -all",
	"two.test TXT v=spf1 +all",
	"inc.test TXT v=spf1 include:ip4.test -all",
	"redir.test TXT v=spf1 redirect=ip4.test",
	"incnone.test TXT v=spf1 include:norecord.test -all",
	"inctemp.test TXT v=spf1 include:temp.test -all",
	"loop.test TXT v=spf1 include:loop.test -all",
	"ten.test TXT v=spf1 a:h1.test a:h2.test a:h3.test a:h4.test "
	    "a:h5.test a:h6.test a:h7.test a:h8.test a:h9.test a:h10.test "
	    "ip4:192.0.2.0/24 -all",
	"many.test TXT v=spf1 a:h1.test a:h2.test a:h3.test a:h4.test "
	    "a:h5.test a:h6.test a:h7.test a:h8.test a:h9.test a:h10.test "
	    "a:h11.test ip4:192.0.2.0/24 -all",
	"chain1.test TXT v=spf1 include:chain2.test -all",
	"chain2.test TXT v=spf1 include:chain3.test -all",
	"chain3.test TXT v=spf1 include:chain4.test -all",
	"chain4.test TXT v=spf1 ip4:192.0.2.0/24 -all",
	"helo.test TXT v=spf1 ip4:192.0.2.0/24 -all",
	"lo.test TXT v=spf1 ip4:127.0.1.0/24 -all",
	"macro.test TXT v=spf1 exists:%{l}.%{d}.ex.test -all",
	"alice.macro.test.ex.test A 127.0.0.2",
	"exp.test TXT v=spf1 -all exp=why.exp.test",
	"why.exp.test TXT %{i} may not send for %{d}",
	"h1.test A 10.0.0.1", "h2.test A 10.0.0.2", "h3.test A 10.0.0.3",
	"h4.test A 10.0.0.4", "h5.test A 10.0.0.5", "h6.test A 10.0.0.6",
	"h7.test A 10.0.0.7", "h8.test A 10.0.0.8", "h9.test A 10.0.0.9",
	"h10.test A 10.0.0.10",
	/* records RFC 7208 calls invalid, each with an -all that matches */
	"addr.test TXT v=spf1 a:192.0.2.3 -all",
	"ctl.test TXT v=spf1 ip4:192.0.2.0/24\x01 -all",
	"utf8.test TXT v=spf1 a:b\xc3\xbc" "cher.test -all",
	"twoexp.test TXT v=spf1 -all exp=a.test exp=b.test",
	"tworedir.test TXT v=spf1 redirect=ip4.test redirect=ip6.test",
	"emptyexp.test TXT v=spf1 -all exp=",
	"badmod.test TXT v=spf1 -all foo=%x",
	"bigdigits.test TXT v=spf1 exists:%{d2147483648}.x.test -all",
	"negdigits.test TXT v=spf1 exists:%{l-1}.x.test -all",
	"tab.test TXT v=spf1 ip4:192.0.2.0/24\t-all",
	"tabv.test TXT v=spf1\t-all",
	"incbad.test TXT v=spf1 include:addr.test -all",
	"incbadlate.test TXT v=spf1 ip4:192.0.2.0/24 include:addr.test -all",
	/* prefix length 0 */
	"any4.test TXT v=spf1 ip4:192.0.2.1/0 -all",
	"deny4.test TXT v=spf1 -ip4:0.0.0.0/0 +all",
	"any6.test TXT v=spf1 ip6:2001:db8::/0 -all",
	"a0.test TXT v=spf1 a:host0.test/0 -all",
	"host0.test A 10.9.9.9",
	"host0.test AAAA 2001:db8:9::9",
	"a60.test TXT v=spf1 a:host0.test/32//0 -all",
	"mx0.test TXT v=spf1 mx/0 -all",
	"mx0.test MX 10 mail.mx0.test",
	"mail.mx0.test A 10.8.8.8",
	"a0none.test TXT v=spf1 a:nohost.test/0 -all",
	/* redirect= */
	"redirall.test TXT v=spf1 redirect=ip4.test -all",
	"redirfirst.test TXT v=spf1 redirect=ip4.test ip4:203.0.113.0/24",
	/* a DNS failure on one name of a ptr or mx expansion */
	"9.2.0.192.in-addr.arpa PTR broken.ptr.test",
	"broken.ptr.test TEMPFAIL",
	"ptrfail.test TXT v=spf1 ptr:ptr.test ip4:192.0.2.0/24 -all",
	"9.100.51.198.in-addr.arpa PTR broken.ptr.test",
	"9.100.51.198.in-addr.arpa PTR good.ptr.test",
	"good.ptr.test A 198.51.100.9",
	"ptrsecond.test TXT v=spf1 ptr:ptr.test -all",
	"mxfail.test TXT v=spf1 mx -all",
	"mxfail.test MX 10 dead.mxfail.test",
	"mxfail.test MX 20 live.mxfail.test",
	"dead.mxfail.test TEMPFAIL",
	"live.mxfail.test A 198.51.100.30",
	"afail.test TXT v=spf1 a:broken.ptr.test ip4:192.0.2.0/24 -all",
	"7.113.0.203.in-addr.arpa TEMPFAIL",
	"ptrdead.test TXT v=spf1 ptr ip4:203.0.113.0/24 -all",
	"8.113.0.203.in-addr.arpa PTR n1.many.test",
	"8.113.0.203.in-addr.arpa PTR n2.many.test",
	"8.113.0.203.in-addr.arpa PTR n3.many.test",
	"8.113.0.203.in-addr.arpa PTR n4.many.test",
	"8.113.0.203.in-addr.arpa PTR n5.many.test",
	"8.113.0.203.in-addr.arpa PTR n6.many.test",
	"8.113.0.203.in-addr.arpa PTR n7.many.test",
	"8.113.0.203.in-addr.arpa PTR n8.many.test",
	"8.113.0.203.in-addr.arpa PTR n9.many.test",
	"8.113.0.203.in-addr.arpa PTR n10.many.test",
	"8.113.0.203.in-addr.arpa PTR n11.many.test",
	"n11.many.test A 203.0.113.8",
	"ptr11.test TXT v=spf1 ptr:many.test ~all",
	/* void lookups, lookups across includes */
	"void2.test TXT v=spf1 a:v1.test a:v2.test ip4:192.0.2.0/24 -all",
	"void3.test TXT v=spf1 a:v1.test a:v2.test a:v3.test "
	    "ip4:192.0.2.0/24 -all",
	"deep1.test TXT v=spf1 a:h1.test a:h2.test a:h3.test "
	    "include:deep2.test -all",
	"deep2.test TXT v=spf1 a:h4.test a:h5.test a:h6.test "
	    "include:deep3.test -all",
	"deep3.test TXT v=spf1 a:h7.test a:h8.test ip4:192.0.2.0/24 -all",
	"deep4.test TXT v=spf1 a:h10.test include:deep1.test -all",
	/* names cut to 253 octets (RFC 7208 4.8) */
	"long.test TXT v=spf1 include:%{l}.%{l}.%{l}.%{l}.%{l}.long.test "
	    "-all",
	LONG_LABEL_63 "." LONG_LABEL_63 "." LONG_LABEL_63
	    ".long.test TXT v=spf1 ip4:192.0.2.0/24 -all",
	"deepir.test TXT v=spf1 exists:%{ir}.%{ir}.%{ir}.%{ir}.%{ir}.%{d} "
	    "-all",
	/* explanations that must not change the result */
	"bigexp.test TXT v=spf1 -all exp=big.exp.test",
	"big.exp.test TXT " EXP_MANY_MACROS,
	"noexp.test TXT v=spf1 -all exp=nothing.exp.test",
	NULL,
};

struct check_case {
	const char *name;
	const char *ip;			/* NULL: no client address */
	const char *helo;
	const char *sender;
	unsigned long clock_step;	/* ms per clock reading */
	enum spf_result want;
	const char *want_why;		/* part of why */
};

static const struct check_case results[] = {
	{"no record", "192.0.2.9", "h.test", "x@none.test", 0,
	    SPF_RESULT_NONE, "does not provide an SPF record"},
	{"no such domain", "192.0.2.9", "h.test", "x@gone.test", 0,
	    SPF_RESULT_NONE, "gone.test"},
	{"not in the zone", "192.0.2.9", "h.test", "x@nowhere.test", 0,
	    SPF_RESULT_NONE, "nowhere.test"},
	{"?all", "192.0.2.9", "h.test", "x@neutral.test", 0,
	    SPF_RESULT_NEUTRAL, "neutral.test"},
	{"ip4", "192.0.2.9", "h.test", "x@ip4.test", 0,
	    SPF_RESULT_PASS, "domain of ip4.test designates 192.0.2.9"},
	{"ip6", "2001:db8::25", "h.test", "x@ip6.test", 0,
	    SPF_RESULT_PASS, "designates 2001:db8::25"},
	{"a", "198.51.100.10", "h.test", "x@a.test", 0,
	    SPF_RESULT_PASS, "designates 198.51.100.10"},
	{"a, AAAA", "2001:db8:a::10", "h.test", "x@a.test", 0,
	    SPF_RESULT_PASS, "designates 2001:db8:a::10"},
	{"mx", "198.51.100.25", "h.test", "x@mx.test", 0,
	    SPF_RESULT_PASS, "designates 198.51.100.25"},
	{"mx, other host", "198.51.100.26", "h.test", "x@mx.test", 0,
	    SPF_RESULT_FAIL, "does not designate 198.51.100.26"},
	{"-all", "203.0.113.9", "h.test", "x@ip4.test", 0,
	    SPF_RESULT_FAIL,
	    "domain of ip4.test does not designate 203.0.113.9 as permitted"},
	{"~all", "203.0.113.9", "h.test", "x@soft.test", 0,
	    SPF_RESULT_SOFTFAIL, "soft.test"},
	{"TEMPFAIL answer", "192.0.2.9", "h.test", "x@temp.test", 0,
	    SPF_RESULT_TEMPERROR, "Temporary DNS failure for 'temp.test'"},
	{"syntax error", "192.0.2.9", "h.test", "x@syntax.test", 0,
	    SPF_RESULT_PERMERROR, "300.1.1.1"},
	{"two records", "192.0.2.9", "h.test", "x@two.test", 0,
	    SPF_RESULT_PERMERROR, "Multiple SPF"},
	{"pass through include", "192.0.2.9", "h.test", "x@inc.test", 0,
	    SPF_RESULT_PASS, "inc.test"},
	{"fail through include", "203.0.113.9", "h.test", "x@inc.test", 0,
	    SPF_RESULT_FAIL, "inc.test"},
	{"pass through redirect", "192.0.2.9", "h.test", "x@redir.test", 0,
	    SPF_RESULT_PASS, "redir.test"},
	{"fail through redirect", "203.0.113.9", "h.test", "x@redir.test", 0,
	    SPF_RESULT_FAIL, "does not designate 203.0.113.9"},
	{"include without a record", "192.0.2.9", "h.test", "x@incnone.test",
	    0, SPF_RESULT_PERMERROR, "norecord.test"},
	{"include of a TEMPFAIL", "192.0.2.9", "h.test", "x@inctemp.test", 0,
	    SPF_RESULT_TEMPERROR, "inctemp.test"},
	{"include loop", "192.0.2.9", "h.test", "x@loop.test", 0,
	    SPF_RESULT_PERMERROR, "unlimited recursion"},
	{"10 lookups", "192.0.2.9", "h.test", "x@ten.test", 0,
	    SPF_RESULT_PASS, "ten.test"},
	{"11 lookups", "192.0.2.9", "h.test", "x@many.test", 0,
	    SPF_RESULT_PERMERROR, "11 terms that query DNS"},
	{"include chain in time", "192.0.2.9", "h.test", "x@chain1.test", 100,
	    SPF_RESULT_PASS, "chain1.test"},
	{"include chain past the deadline", "192.0.2.9", "h.test",
	    "x@chain1.test", 400, SPF_RESULT_TEMPERROR, "longer than 1000 ms"},
	{"first lookup past the deadline", "192.0.2.9", "h.test",
	    "x@ip4.test", 1000, SPF_RESULT_TEMPERROR, "ip4.test: DNS lookups"},
	{"null sender: HELO", "203.0.113.9", "helo.test", NULL, 0,
	    SPF_RESULT_FAIL, "helo.test"},
	{"null sender: HELO, pass", "192.0.2.9", "helo.test", "", 0,
	    SPF_RESULT_PASS, "helo.test"},
	{"null sender: HELO with a final dot", "192.0.2.9", "helo.test.",
	    NULL, 0, SPF_RESULT_PASS, "helo.test"},
	{"IPv6 client, IPv4 record", "2001:db8::9", "h.test", "x@ip4.test",
	    0, SPF_RESULT_FAIL, "2001:db8::9"},
	{"IPv4 client, IPv6 record", "192.0.2.9", "h.test", "x@ip6.test", 0,
	    SPF_RESULT_FAIL, "192.0.2.9"},
	{"mapped IPv4 is IPv4", "::ffff:192.0.2.9", "h.test", "x@ip4.test",
	    0, SPF_RESULT_PASS, "designates 192.0.2.9"},
	{"loopback: no free pass", "127.0.1.32", "h.test", "x@ip4.test", 0,
	    SPF_RESULT_FAIL, "does not designate 127.0.1.32"},
	{"loopback: listed", "127.0.1.32", "h.test", "x@lo.test", 0,
	    SPF_RESULT_PASS, "designates 127.0.1.32"},
	{"::1: no free pass", "::1", "h.test", "x@ip4.test", 0,
	    SPF_RESULT_FAIL, "::1"},
	{"domain in upper case", "192.0.2.9", "h.test", "x@IP4.TEST", 0,
	    SPF_RESULT_PASS, "IP4.TEST"},
	{"domain with a final dot", "203.0.113.9", "h.test", "x@ip4.test.",
	    0, SPF_RESULT_FAIL, "ip4.test"},
	{"bare domain", "203.0.113.9", "h.test", "ip4.test", 0,
	    SPF_RESULT_FAIL, "ip4.test"},
	{"exp= modifier", "203.0.113.9", "h.test", "x@exp.test", 0,
	    SPF_RESULT_FAIL, "exp.test"},
	{"%{l} macro", "203.0.113.9", "h.test", "alice@macro.test", 0,
	    SPF_RESULT_PASS, "macro.test"},
	{"%{l} macro, other user", "203.0.113.9", "h.test", "bob@macro.test",
	    0, SPF_RESULT_FAIL, "macro.test"},
};

/* records RFC 7208 calls invalid: permerror, never their -all's fail */
static const struct check_case invalid[] = {
	{"an address for a domain", "203.0.113.9", "h.test", "x@addr.test", 0,
	    SPF_RESULT_PERMERROR, "addr.test: invalid SPF record: term 1 "
	    "\"a:192.0.2.3\""},
	{"a control character", "203.0.113.9", "h.test", "x@ctl.test", 0,
	    SPF_RESULT_PERMERROR, "control character 0x01"},
	{"a non-ASCII octet", "203.0.113.9", "h.test", "x@utf8.test", 0,
	    SPF_RESULT_PERMERROR, "non-ASCII octet 0xc3"},
	{"exp= twice", "203.0.113.9", "h.test", "x@twoexp.test", 0,
	    SPF_RESULT_PERMERROR, "exp= given twice"},
	{"redirect= twice", "203.0.113.9", "h.test", "x@tworedir.test", 0,
	    SPF_RESULT_PERMERROR, "redirect= given twice"},
	{"empty exp=", "203.0.113.9", "h.test", "x@emptyexp.test", 0,
	    SPF_RESULT_PERMERROR, "empty domain-spec"},
	{"unknown modifier, bad macro", "203.0.113.9", "h.test",
	    "x@badmod.test", 0, SPF_RESULT_PERMERROR, "'%' followed by 'x'"},
	{"transformer of 2147483648", "203.0.113.9", "h.test",
	    "x@bigdigits.test", 0, SPF_RESULT_PERMERROR, "1 to 128 parts"},
	{"transformer -1", "203.0.113.9", "h.test", "x@negdigits.test", 0,
	    SPF_RESULT_PERMERROR, "'1' in a macro"},
	{"a tab between terms", "203.0.113.9", "h.test", "x@tab.test", 0,
	    SPF_RESULT_PERMERROR, "control character 0x09"},
	{"a tab after v=spf1: not an SPF record", "203.0.113.9", "h.test",
	    "x@tabv.test", 0, SPF_RESULT_NONE, "tabv.test"},
	{"11 lookups in the record", "203.0.113.9", "h.test", "x@many.test", 0,
	    SPF_RESULT_PERMERROR, "11 terms that query DNS"},
	{"include of an invalid record", "203.0.113.9", "h.test",
	    "x@incbad.test", 0, SPF_RESULT_PERMERROR,
	    "incbad.test: addr.test: invalid SPF record"},
	{"an invalid include never reached", "192.0.2.9", "h.test",
	    "x@incbadlate.test", 0, SPF_RESULT_PASS, "incbadlate.test"},
};

/* what RFC 7208 says where libspf2 alone says otherwise */
static const struct check_case rfc[] = {
	{"ip4 /0 passes any IPv4 client", "203.0.113.9", "h.test",
	    "x@any4.test", 0, SPF_RESULT_PASS, "designates 203.0.113.9"},
	{"ip4 /0 passes 255.255.255.255", "255.255.255.255", "h.test",
	    "x@any4.test", 0, SPF_RESULT_PASS, "any4.test"},
	{"ip4 /0 and an IPv6 client", "2001:db8::1", "h.test", "x@any4.test",
	    0, SPF_RESULT_FAIL, "any4.test"},
	{"-ip4 /0 fails any IPv4 client", "192.0.2.9", "h.test",
	    "x@deny4.test", 0, SPF_RESULT_FAIL, "deny4.test"},
	{"-ip4 /0 and an IPv6 client", "2001:db8::1", "h.test",
	    "x@deny4.test", 0, SPF_RESULT_PASS, "deny4.test"},
	{"ip6 /0 passes any IPv6 client", "fe80::1", "h.test", "x@any6.test",
	    0, SPF_RESULT_PASS, "designates fe80::1"},
	{"ip6 /0 and an IPv4 client", "192.0.2.9", "h.test", "x@any6.test",
	    0, SPF_RESULT_FAIL, "any6.test"},
	{"a/0: a host with an address", "203.0.113.9", "h.test",
	    "x@a0.test", 0, SPF_RESULT_PASS, "designates 203.0.113.9"},
	{"a/0 and an IPv6 client: /128", "2001:db8::1", "h.test",
	    "x@a0.test", 0, SPF_RESULT_FAIL, "a0.test"},
	{"a/0 and an IPv6 client of the host", "2001:db8:9::9", "h.test",
	    "x@a0.test", 0, SPF_RESULT_PASS, "a0.test"},
	{"a//0 and an IPv6 client", "2001:db8::1", "h.test", "x@a60.test", 0,
	    SPF_RESULT_PASS, "designates 2001:db8::1"},
	{"a/32//0 and an IPv4 client: /32", "203.0.113.9", "h.test",
	    "x@a60.test", 0, SPF_RESULT_FAIL, "a60.test"},
	{"mx/0: an MX host with an address", "203.0.113.9", "h.test",
	    "x@mx0.test", 0, SPF_RESULT_PASS, "designates 203.0.113.9"},
	{"a/0: a host without one", "203.0.113.9", "h.test",
	    "x@a0none.test", 0, SPF_RESULT_FAIL, "a0none.test"},
	{"redirect= and all: all wins", "192.0.2.9", "h.test",
	    "x@redirall.test", 0, SPF_RESULT_FAIL, "redirall.test"},
	{"redirect= first: the mechanisms first", "203.0.113.9", "h.test",
	    "x@redirfirst.test", 0, SPF_RESULT_PASS, "redirfirst.test"},
	{"redirect= first: then the redirect", "192.0.2.9", "h.test",
	    "x@redirfirst.test", 0, SPF_RESULT_PASS, "redirfirst.test"},
	{"ptr: a failing name skipped, ip4 lists the client", "192.0.2.9",
	    "h.test", "x@ptrfail.test", 0, SPF_RESULT_PASS, "ptrfail.test"},
	{"ptr: a failing name skipped, the next confirms", "198.51.100.9",
	    "h.test", "x@ptrsecond.test", 0, SPF_RESULT_PASS,
	    "ptrsecond.test"},
	{"mx: a failing host skipped, the next matches", "198.51.100.30",
	    "h.test", "x@mxfail.test", 0, SPF_RESULT_PASS, "mxfail.test"},
	{"mx: a failing host skipped, no match", "198.51.100.31", "h.test",
	    "x@mxfail.test", 0, SPF_RESULT_FAIL, "mxfail.test"},
	{"a: the failing name itself is a temperror", "192.0.2.9", "h.test",
	    "x@afail.test", 0, SPF_RESULT_TEMPERROR, "afail.test"},
	{"ptr: a failing PTR lookup is no match", "203.0.113.7", "h.test",
	    "x@ptrdead.test", 0, SPF_RESULT_PASS, "ptrdead.test"},
	{"ptr: the 11th PTR name is ignored, not a permerror",
	    "203.0.113.8", "h.test", "x@ptr11.test", 0, SPF_RESULT_SOFTFAIL,
	    "ptr11.test"},
	{"two void lookups", "192.0.2.9", "h.test", "x@void2.test", 0,
	    SPF_RESULT_PASS, "void2.test"},
	{"three void lookups", "192.0.2.9", "h.test", "x@void3.test", 0,
	    SPF_RESULT_PERMERROR, "more than 2 void DNS lookups"},
	{"10 lookups across includes", "192.0.2.9", "h.test", "x@deep1.test",
	    0, SPF_RESULT_PASS, "deep1.test"},
	{"11 lookups across includes", "192.0.2.9", "h.test", "x@deep4.test",
	    0, SPF_RESULT_PERMERROR, "more than 10 DNS lookups"},
	{"an include target cut to 253 octets", "192.0.2.9", "h.test",
	    LONG_LABEL_63 "@long.test", 0, SPF_RESULT_PASS, "long.test"},
	{"deep %{ir} on an IPv6 client", "2001:db8::1", "h.test",
	    "x@deepir.test", 0, SPF_RESULT_FAIL, "deepir.test"},
	{"an explanation of many macros", "203.0.113.9", "h.test",
	    "x@bigexp.test", 0, SPF_RESULT_FAIL, "bigexp.test"},
	{"an explanation that does not exist", "203.0.113.9", "h.test",
	    "x@noexp.test", 0, SPF_RESULT_FAIL, "noexp.test"},
};

static const struct check_case hostile[] = {
	{"NULL ip", NULL, "h.test", "x@ip4.test", 0,
	    SPF_RESULT_NONE, "no client address"},
	{"no family", "", "h.test", "x@ip4.test", 0,
	    SPF_RESULT_NONE, "no client address"},
	{"NULL helo and sender", "192.0.2.9", NULL, NULL, 0,
	    SPF_RESULT_NONE, "null sender and no usable HELO"},
	{"empty helo and sender", "192.0.2.9", "", "", 0,
	    SPF_RESULT_NONE, "null sender and no usable HELO"},
	{"garbage helo, null sender", "192.0.2.9", "\x01\x02\xff", NULL, 0,
	    SPF_RESULT_NONE, "no usable HELO"},
	{"helo with CR/LF, null sender", "192.0.2.9", "helo.test\r\nX", NULL,
	    0, SPF_RESULT_NONE, "no usable HELO"},
	{"helo of 300 bytes, null sender", "192.0.2.9", HELO_300, NULL, 0,
	    SPF_RESULT_NONE, "no usable HELO"},
	{"helo address literal, null sender", "192.0.2.9", "[192.0.2.9]",
	    NULL, 0, SPF_RESULT_NONE, "HELO is not a host name"},
	{"helo one label, null sender", "192.0.2.9", "localhost", NULL, 0,
	    SPF_RESULT_NONE, "HELO is not fully qualified"},
	{"garbage helo ignored", "203.0.113.9", "\x01\x02", "x@ip4.test", 0,
	    SPF_RESULT_FAIL, "ip4.test"},
	{"helo of 300 bytes ignored", "192.0.2.9", HELO_300, "x@ip4.test", 0,
	    SPF_RESULT_PASS, "ip4.test"},
	{"sender with CR/LF in the domain", "192.0.2.9", "h.test",
	    "x@ip4.test\r\n", 0,
	    SPF_RESULT_NONE, "sender domain contains control characters"},
	{"sender with CR/LF in the local part", "203.0.113.9", "h.test",
	    "x\r\ny@ip4.test", 0, SPF_RESULT_FAIL, "ip4.test"},
	{"local part not ASCII: checked as postmaster", "203.0.113.9",
	    "h.test", "alic\xc3\xa9@macro.test", 0, SPF_RESULT_FAIL,
	    "macro.test"},
	{"local part with @", "203.0.113.9", "h.test", "a@b@ip4.test", 0,
	    SPF_RESULT_FAIL, "ip4.test"},
	{"local part of 300 bytes", "192.0.2.9", "h.test",
	    LONG_LABEL LONG_LABEL LONG_LABEL LONG_LABEL "@ip4.test", 0,
	    SPF_RESULT_PASS, "ip4.test"},
	{"domain of 300 bytes", "192.0.2.9", "h.test", "x@" DOMAIN_300, 0,
	    SPF_RESULT_NONE, "sender domain is too long"},
	{"label of 64 bytes", "192.0.2.9", "h.test",
	    "x@" LONG_LABEL ".test", 0,
	    SPF_RESULT_NONE, "label over 63"},
	{"domain not ASCII", "192.0.2.9", "h.test", "x@b\xc3\xbc" "cher.test",
	    0, SPF_RESULT_NONE, "sender domain is not ASCII"},
	{"domain with a raw 0xff", "192.0.2.9", "h.test", "x@ip4.test\xff", 0,
	    SPF_RESULT_NONE, "sender domain is not ASCII"},
	{"empty domain", "192.0.2.9", "h.test", "x@", 0,
	    SPF_RESULT_NONE, "sender domain is empty"},
	{"only @", "192.0.2.9", "h.test", "@", 0,
	    SPF_RESULT_NONE, "sender domain is empty"},
	{"only a dot", "192.0.2.9", "h.test", "x@.", 0,
	    SPF_RESULT_NONE, "empty label"},
	{"empty label", "192.0.2.9", "h.test", "x@ip4..test", 0,
	    SPF_RESULT_NONE, "empty label"},
	{"leading dot", "192.0.2.9", "h.test", "x@.ip4.test", 0,
	    SPF_RESULT_NONE, "empty label"},
	{"two final dots", "192.0.2.9", "h.test", "x@ip4.test..", 0,
	    SPF_RESULT_NONE, "empty label"},
	{"one label", "192.0.2.9", "h.test", "x@localhost", 0,
	    SPF_RESULT_NONE, "not fully qualified"},
	{"address literal", "192.0.2.9", "h.test", "x@[192.0.2.9]", 0,
	    SPF_RESULT_NONE, "not a host name"},
	{"macro in the domain", "192.0.2.9", "h.test", "x@%{l}.ip4.test", 0,
	    SPF_RESULT_NONE, "not a host name"},
	{"space in the domain", "192.0.2.9", "h.test", "x@ip4 .test", 0,
	    SPF_RESULT_NONE, "not a host name"},
	{"angle brackets", "192.0.2.9", "h.test", "<x@ip4.test>", 0,
	    SPF_RESULT_NONE, "not a host name"},
};

/* records of 4097 and 65536 octets, each ending in "-all" */
START_TEST(test_long_records)
{
	static const size_t lens[] = {4096, 4097, 65536};
	static const char *const want[] = {
		"domain of long4096.test does not designate",
		"record of 4097 octets (at most 4096)",
		"record of 65536 octets (at most 4096)",
	};
	const char *records[2] = {NULL, NULL};
	char *rec, name[32], why[256];
	struct spf_checker *spf;
	struct ipaddr ip;
	size_t i, head;

	ck_assert_int_eq(ip_parse("203.0.113.9", &ip), 0);
	for (i = 0; i < NCASES(lens); i++) {
		snprintf(name, sizeof(name), "long%zu.test", lens[i]);
		head = strlen(name) + strlen(" TXT v=spf1 -all x=");
		rec = malloc(head + lens[i]);
		ck_assert_ptr_nonnull(rec);
		snprintf(rec, head + 1, "%s TXT v=spf1 -all x=", name);
		/* "v=spf1 -all x=" and the a's make lens[i] octets */
		memset(rec + head, 'a', lens[i] - 14);
		rec[head + lens[i] - 14] = '\0';
		records[0] = rec;
		spf = spf_new_zone(records, 0, NULL, why, sizeof(why));
		ck_assert_msg(spf != NULL, "%s", why);
		ck_assert_int_eq(spf_check(spf, &ip, "h.test", name + 0, why,
		    sizeof(why)), i == 0 ? SPF_RESULT_FAIL :
		    SPF_RESULT_PERMERROR);
		ck_assert_msg(strstr(why, want[i]) != NULL, "%s", why);
		spf_free(spf);
		free(rec);
	}
}
END_TEST

static unsigned long test_clock_now;
static unsigned long test_clock_step;

/* test_clock - a clock that moves test_clock_step per reading */
static unsigned long
test_clock(void)
{
	test_clock_now += test_clock_step;
	return test_clock_now;
}

/* why_clean - one line of printable ASCII */
static void
why_clean(const char *why)
{
	const unsigned char *p;

	for (p = (const unsigned char *)why; *p; p++)
		ck_assert_msg(*p >= 0x20 && *p < 0x7f,
		    "why has byte 0x%02x: %s", *p, why);
}

/* run_case - one table row against the zone */
static void
run_case(const struct check_case *c)
{
	struct spf_checker *spf;
	struct ipaddr ip, *ipp = NULL;
	char why[256], err[256];
	enum spf_result got;

	test_clock_now = 5000;
	test_clock_step = c->clock_step;
	spf = spf_new_zone(zone, BUDGET_MS, test_clock, err, sizeof(err));
	ck_assert_msg(spf != NULL, "spf_new_zone: %s", err);
	if (c->ip != NULL) {
		memset(&ip, 0, sizeof(ip));
		if (c->ip[0] != '\0')
			ck_assert_int_eq(ip_parse(c->ip, &ip), 0);
		ipp = &ip;
	}
	memset(why, SENTINEL, sizeof(why));
	got = spf_check(spf, ipp, c->helo, c->sender, why, sizeof(why));
	ck_assert_msg(memchr(why, '\0', sizeof(why)) != NULL,
	    "%s: why unterminated", c->name);
	ck_assert_msg(got == c->want, "%s: got %s (%s), want %s", c->name,
	    spf_result_name(got), why, spf_result_name(c->want));
	ck_assert_msg(strstr(why, c->want_why) != NULL,
	    "%s: why \"%s\" lacks \"%s\"", c->name, why, c->want_why);
	why_clean(why);
	spf_free(spf);
}

START_TEST(test_results)
{
	run_case(&results[_i]);
}
END_TEST

START_TEST(test_hostile)
{
	run_case(&hostile[_i]);
}
END_TEST

START_TEST(test_invalid)
{
	run_case(&invalid[_i]);
}
END_TEST

START_TEST(test_rfc)
{
	run_case(&rfc[_i]);
}
END_TEST

/* every why buffer size, and none at all */
START_TEST(test_why_sizes)
{
	struct spf_checker *spf;
	struct ipaddr ip;
	char why[64];
	size_t len;

	spf = spf_new_zone(zone, 0, NULL, NULL, 0);
	ck_assert_ptr_nonnull(spf);
	ck_assert_int_eq(ip_parse("203.0.113.9", &ip), 0);
	for (len = 0; len < sizeof(why); len++) {
		memset(why, SENTINEL, sizeof(why));
		ck_assert_int_eq(spf_check(spf, &ip, "h.test", "x@ip4.test",
		    why, len), SPF_RESULT_FAIL);
		if (len > 0)
			ck_assert_uint_eq(strlen(why), len - 1);
		if (len < sizeof(why))
			ck_assert_int_eq(why[len], SENTINEL);
	}
	ck_assert_int_eq(spf_check(spf, &ip, "h.test", "x@ip4.test", NULL, 0),
	    SPF_RESULT_FAIL);
	ck_assert_int_eq(spf_check(spf, NULL, NULL, NULL, NULL, 0),
	    SPF_RESULT_NONE);
	spf_free(spf);
}
END_TEST

START_TEST(test_no_checker)
{
	struct ipaddr ip;
	char why[128];

	ck_assert_int_eq(ip_parse("192.0.2.9", &ip), 0);
	ck_assert_int_eq(spf_check(NULL, &ip, "h.test", "x@ip4.test", why,
	    sizeof(why)), SPF_RESULT_TEMPERROR);
	spf_free(NULL);
}
END_TEST

struct zone_case {
	const char *records[3];
	const char *want_err;		/* NULL: accepted */
};

static const struct zone_case zones[] = {
	{{"ok.test TXT v=spf1 -all", NULL}, NULL},
	{{NULL}, NULL},
	{{"ok.test  txt   v=spf1   -all  ", NULL}, NULL},
	{{"ok.test MX 0 mail.ok.test", "mail.ok.test A 192.0.2.1", NULL}, NULL},
	{{"1.2.0.192.in-addr.arpa PTR mail.ok.test", NULL}, NULL},
	{{"ok.test nxdomain", NULL}, NULL},
	{{"bad.test", NULL}, "record 1: want \"name TYPE data\""},
	{{"", NULL}, "record 1: want"},
	{{"ok.test TXT v=spf1", "bad.test SRV 0 0 25 x.test", NULL},
	    "record 2: unknown type \"SRV\""},
	{{"bad.test A 300.1.1.1", NULL}, "record 1: bad A address"},
	{{"bad.test A 2001:db8::1", NULL}, "bad A address"},
	{{"bad.test AAAA 192.0.2.1", NULL}, "bad AAAA address"},
	{{"bad.test MX mail.test", NULL}, "MX data must be"},
	{{"bad.test MX 10", NULL}, "MX data must be"},
	{{"bad.test MX 70000 mail.test", NULL}, "MX data must be"},
	{{"bad.test MX 10 a.test b.test", NULL}, "MX data must be"},
	{{"bad.test TXT", NULL}, "record 1: no data"},
	{{"bad.test TEMPFAIL now", NULL}, "takes no data"},
};

START_TEST(test_zone)
{
	const struct zone_case *c = &zones[_i];
	struct spf_checker *spf;
	char err[128];

	strcpy(err, "sentinel");
	spf = spf_new_zone(c->records, 1000, NULL, err, sizeof(err));
	if (c->want_err == NULL) {
		ck_assert_msg(spf != NULL, "refused: %s", err);
		ck_assert_str_eq(err, "sentinel");
	} else {
		ck_assert_ptr_null(spf);
		ck_assert_msg(strstr(err, c->want_err) != NULL,
		    "err \"%s\" lacks \"%s\"", err, c->want_err);
	}
	spf_free(spf);
}
END_TEST

/* the MX preference is dropped, the host kept */
START_TEST(test_zone_mx)
{
	static const char *const records[] = {
		"m.test TXT v=spf1 mx -all",
		"m.test MX 20 mail.m.test",
		"mail.m.test A 192.0.2.20",
		NULL,
	};
	struct spf_checker *spf;
	struct ipaddr ip;
	char why[256];

	spf = spf_new_zone(records, 0, NULL, why, sizeof(why));
	ck_assert_ptr_nonnull(spf);
	ck_assert_int_eq(ip_parse("192.0.2.20", &ip), 0);
	ck_assert_int_eq(spf_check(spf, &ip, NULL, "x@m.test", why,
	    sizeof(why)), SPF_RESULT_PASS);
	spf_free(spf);
}
END_TEST

static int error_after;

/* error_clock - libspf2 raises an error from inside a lookup */
static unsigned long
error_clock(void)
{
	if (--error_after == 0)
		SPF_errorx(__FILE__, __LINE__, "%s", "simulated failure");
	return 0;
}

/* SPF_error() inside a check: temperror, no abort, nothing leaked */
START_TEST(test_libspf2_error)
{
	struct spf_checker *spf;
	struct ipaddr ip;
	char why[256], err[128];

	spf = spf_new_zone(zone, BUDGET_MS, error_clock, err, sizeof(err));
	ck_assert_ptr_nonnull(spf);
	ck_assert_int_eq(ip_parse("192.0.2.9", &ip), 0);
	/*
	 * The first lookup: libspf2 has allocated nothing of its own yet.
	 * Deeper in, what it allocated in that call is lost (documented).
	 */
	error_after = 2;
	ck_assert_int_eq(spf_check(spf, &ip, "h.test", "x@inc.test", why,
	    sizeof(why)), SPF_RESULT_TEMPERROR);
	ck_assert_msg(strstr(why, "simulated failure") != NULL, "why: %s",
	    why);
	error_after = 0;
	ck_assert_int_eq(spf_check(spf, &ip, "h.test", "x@inc.test", why,
	    sizeof(why)), SPF_RESULT_PASS);
	spf_free(spf);
}
END_TEST

/* spf_new(): the real resolver layer, used without a query */
START_TEST(test_resolver_checker)
{
	struct spf_checker *spf;
	struct ipaddr ip;
	char why[256], err[128];

	spf = spf_new(5000, err, sizeof(err));
	ck_assert_msg(spf != NULL, "spf_new: %s", err);
	ck_assert_int_eq(ip_parse("192.0.2.9", &ip), 0);
	ck_assert_int_eq(spf_check(spf, &ip, NULL, "x@b\xc3\xbc" "cher.test",
	    why, sizeof(why)), SPF_RESULT_NONE);
	ck_assert_str_eq(why, "sender domain is not ASCII");
	ck_assert_int_eq(spf_check(spf, NULL, "h.test", "x@ip4.test", why,
	    sizeof(why)), SPF_RESULT_NONE);
	spf_free(spf);
}
END_TEST

#define THREADS		8
#define ROUNDS		20

static struct spf_checker *shared;

/* worker - checks on the shared checker, each result as expected */
static void *
worker(void *arg)
{
	const struct check_case *c;
	struct ipaddr ip;
	char why[256];
	size_t i, bad = 0;

	for (i = 0; i < ROUNDS * (size_t)NCASES(results); i++) {
		c = &results[(i + (size_t)(long)arg) % NCASES(results)];
		if (c->clock_step != 0)
			continue;	/* the shared checker has no deadline */
		if (ip_parse(c->ip, &ip) != 0 ||
		    spf_check(shared, &ip, c->helo, c->sender, why,
		    sizeof(why)) != c->want || strstr(why, c->want_why) == NULL)
			bad++;
	}
	return (void *)bad;
}

START_TEST(test_threads)
{
	pthread_t t[THREADS];
	void *bad;
	long i;

	shared = spf_new_zone(zone, 0, NULL, NULL, 0);
	ck_assert_ptr_nonnull(shared);
	for (i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker,
		    (void *)i), 0);
	for (i = 0; i < THREADS; i++) {
		ck_assert_int_eq(pthread_join(t[i], &bad), 0);
		ck_assert_ptr_null(bad);
	}
	spf_free(shared);
}
END_TEST

START_TEST(test_result_names)
{
	static const char *const names[] = {
		"none", "neutral", "pass", "fail", "softfail", "temperror",
		"permerror",
	};
	enum spf_result r, got;
	char upper[32];
	size_t i;

	ck_assert_int_eq(NCASES(names), SPF_RESULT_COUNT);
	for (r = SPF_RESULT_NONE; r < SPF_RESULT_COUNT; r++) {
		ck_assert_str_eq(spf_result_name(r), names[r]);
		got = SPF_RESULT_COUNT;
		ck_assert_int_eq(spf_result_parse(spf_result_name(r), &got), 0);
		ck_assert_int_eq(got, r);
		for (i = 0; names[r][i] != '\0'; i++)
			upper[i] = (char)(names[r][i] - 'a' + 'A');
		upper[i] = '\0';
		got = SPF_RESULT_COUNT;
		ck_assert_int_eq(spf_result_parse(upper, &got), 0);
		ck_assert_int_eq(got, r);
	}
	ck_assert_str_eq(spf_result_name(SPF_RESULT_COUNT), "unknown");
	got = SPF_RESULT_COUNT;
	ck_assert_int_eq(spf_result_parse("error", &got), -1);
	ck_assert_int_eq(spf_result_parse("", &got), -1);
	ck_assert_int_eq(spf_result_parse("pass ", &got), -1);
	ck_assert_int_eq(spf_result_parse(NULL, &got), -1);
	ck_assert_int_eq(got, SPF_RESULT_COUNT);
}
END_TEST

/*
 * The c-ares layer (spf_new()): the zone above served by fakedns, the
 * same tables run through it. Rows that move a test clock need the
 * zone checker and are passed over.
 */
static struct fakedns_rr served[NCASES(zone) + 8];
static char served_text[NCASES(zone)][3][512];

/* serve_zone - zone's records as fakedns rows, plus extras */
static void
serve_zone(void)
{
	static const struct fakedns_rr extra[] = {
		{"split.test", ns_t_txt, "v=spf1 ip4:192.0.2.0/24| -all", 0},
		{"slow.test", ns_t_txt, "v=spf1 a:dead.slow.test -all", 0},
		{"dead.slow.test", FAKEDNS_DROP, NULL, 0},
		{"big.test", ns_t_txt, NULL, 0},
	};
	static char big[700];
	size_t i, n = 0, k;
	char *p, *w;
	int type;

	for (i = 0; zone[i] != NULL; i++) {
		snprintf(served_text[i][0], sizeof(served_text[0][0]), "%s",
		    zone[i]);
		p = served_text[i][0];
		w = strchr(p, ' ');
		*w++ = '\0';
		while (*w == ' ')
			w++;
		snprintf(served_text[i][1], sizeof(served_text[0][1]), "%s",
		    w);
		if ((p = strchr(served_text[i][1], ' ')) != NULL) {
			*p++ = '\0';
			snprintf(served_text[i][2], sizeof(served_text[0][2]),
			    "%s", p);
		}
		w = served_text[i][1];
		type = strcmp(w, "TXT") == 0 ? ns_t_txt :
		    strcmp(w, "A") == 0 ? ns_t_a :
		    strcmp(w, "AAAA") == 0 ? ns_t_aaaa :
		    strcmp(w, "MX") == 0 ? ns_t_mx :
		    strcmp(w, "PTR") == 0 ? ns_t_ptr :
		    strcmp(w, "TEMPFAIL") == 0 ? FAKEDNS_SERVFAIL : 0;
		if (type == 0)
			continue;		/* NXDOMAIN: not served */
		served[n].name = served_text[i][0];
		served[n].type = type;
		served[n++].data = served_text[i][2];
	}
	/* a record of 600 octets: over 512, asked again over TCP */
	k = (size_t)snprintf(big, sizeof(big),
	    "v=spf1 ip4:192.0.2.0/24 -all x=");
	memset(big + k, 'a', 600 - k);
	big[600] = '\0';
	for (i = 0; i < NCASES(extra); i++) {
		served[n] = extra[i];
		if (served[n].data == NULL)
			served[n].data = big;
		n++;
	}
	served[n].name = NULL;
	ck_assert_int_eq(fakedns_start(served), 0);
}

/* unserve_zone - stop serving */
static void
unserve_zone(void)
{
	fakedns_stop();
}

/* run_resolver_case - one table row through spf_new() */
static void
run_resolver_case(const struct check_case *c)
{
	struct spf_checker *spf;
	struct ipaddr ip, *ipp = NULL;
	char why[256], err[256];
	enum spf_result got;

	if (c->clock_step != 0)
		return;
	spf = spf_new(5000, err, sizeof(err));
	ck_assert_msg(spf != NULL, "spf_new: %s", err);
	if (c->ip != NULL) {
		memset(&ip, 0, sizeof(ip));
		if (c->ip[0] != '\0')
			ck_assert_int_eq(ip_parse(c->ip, &ip), 0);
		ipp = &ip;
	}
	got = spf_check(spf, ipp, c->helo, c->sender, why, sizeof(why));
	ck_assert_msg(got == c->want, "%s: got %s (%s), want %s", c->name,
	    spf_result_name(got), why, spf_result_name(c->want));
	ck_assert_msg(strstr(why, c->want_why) != NULL,
	    "%s: why \"%s\" lacks \"%s\"", c->name, why, c->want_why);
	why_clean(why);
	spf_free(spf);
}

START_TEST(test_resolver_results)
{
	run_resolver_case(&results[_i]);
}
END_TEST

START_TEST(test_resolver_invalid)
{
	run_resolver_case(&invalid[_i]);
}
END_TEST

START_TEST(test_resolver_rfc)
{
	run_resolver_case(&rfc[_i]);
}
END_TEST

/* answers that only a real server gives: parts, TCP, silence */
START_TEST(test_resolver_answers)
{
	struct spf_checker *spf;
	struct ipaddr ip;
	unsigned long start, ms;
	char why[256], err[256];

	spf = spf_new(5000, err, sizeof(err));
	ck_assert_msg(spf != NULL, "spf_new: %s", err);
	ck_assert_int_eq(ip_parse("203.0.113.9", &ip), 0);
	/* a record in two character-strings is one record */
	ck_assert_int_eq(spf_check(spf, &ip, "h.test", "x@split.test", why,
	    sizeof(why)), SPF_RESULT_FAIL);
	ck_assert_int_eq(fakedns_queries("split.test", ns_t_txt), 1);
	/* 600 octets: truncated over UDP, then asked over TCP */
	ck_assert_int_eq(spf_check(spf, &ip, "h.test", "x@big.test", why,
	    sizeof(why)), SPF_RESULT_FAIL);
	ck_assert_msg(strstr(why, "big.test does not designate") != NULL,
	    "%s", why);
	ck_assert_int_eq(fakedns_queries("big.test", ns_t_txt), 2);
	/* a name that never answers: temperror when this check's time is up */
	start = resolver_clock_ms();
	ck_assert_int_eq(spf_check_within(spf, 300, &ip, "h.test",
	    "x@slow.test", why, sizeof(why)), SPF_RESULT_TEMPERROR);
	ms = resolver_clock_ms() - start;
	ck_assert_msg(ms >= 300 && ms < 600, "took %lu ms", ms);
	ck_assert_str_eq(why, "slow.test: DNS lookups took longer than 300 ms");
	/* the same checker, another budget: nothing is asked without time */
	ck_assert_int_eq(spf_check_within(spf, 0, &ip, "h.test",
	    "x@ip4.test", why, sizeof(why)), SPF_RESULT_TEMPERROR);
	ck_assert_str_eq(why, "ip4.test: no time was left for DNS lookups");
	ck_assert_int_eq(fakedns_queries("ip4.test", 0), 0);
	ck_assert_int_eq(spf_check_within(spf, 1000, &ip, "h.test",
	    "x@ip4.test", why, sizeof(why)), SPF_RESULT_FAIL);
	spf_free(spf);
}
END_TEST

/* spf_check_within() on a zone checker: its own budget, not the checker's */
START_TEST(test_within)
{
	struct spf_checker *spf;
	struct ipaddr ip;
	char why[256];

	ck_assert_int_eq(ip_parse("192.0.2.9", &ip), 0);
	test_clock_now = 0;
	test_clock_step = 100;
	spf = spf_new_zone(zone, 0, test_clock, why, sizeof(why));
	ck_assert_ptr_nonnull(spf);
	/* chain1 -> chain4: four records, a reading of the clock each */
	ck_assert_int_eq(spf_check(spf, &ip, "h.test", "x@chain1.test", why,
	    sizeof(why)), SPF_RESULT_PASS);
	ck_assert_int_eq(spf_check_within(spf, 5000, &ip, "h.test",
	    "x@chain1.test", why, sizeof(why)), SPF_RESULT_PASS);
	ck_assert_int_eq(spf_check_within(spf, 250, &ip, "h.test",
	    "x@chain1.test", why, sizeof(why)), SPF_RESULT_TEMPERROR);
	ck_assert_str_eq(why,
	    "chain1.test: DNS lookups took longer than 250 ms");
	ck_assert_int_eq(spf_check_within(spf, 0, &ip, "h.test",
	    "x@ip4.test", why, sizeof(why)), SPF_RESULT_TEMPERROR);
	ck_assert_str_eq(why, "ip4.test: no time was left for DNS lookups");
	/* no DNS needed, no time needed */
	ck_assert_int_eq(spf_check_within(spf, 0, NULL, "h.test",
	    "x@ip4.test", why, sizeof(why)), SPF_RESULT_NONE);
	spf_free(spf);
}
END_TEST

static Suite *
spf_suite(void)
{
	Suite *s = suite_create("spf");
	TCase *tc;

	tc = tcase_create("results");
	tcase_add_loop_test(tc, test_results, 0, NCASES(results));
	tcase_add_test(tc, test_zone_mx);
	suite_add_tcase(s, tc);

	tc = tcase_create("invalid records");
	tcase_add_loop_test(tc, test_invalid, 0, NCASES(invalid));
	tcase_add_test(tc, test_long_records);
	suite_add_tcase(s, tc);

	tc = tcase_create("rfc 7208");
	tcase_add_loop_test(tc, test_rfc, 0, NCASES(rfc));
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_loop_test(tc, test_hostile, 0, NCASES(hostile));
	tcase_add_test(tc, test_why_sizes);
	tcase_add_test(tc, test_no_checker);
	tcase_add_test(tc, test_libspf2_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("setup");
	tcase_add_loop_test(tc, test_zone, 0, NCASES(zones));
	tcase_add_test(tc, test_resolver_checker);
	tcase_add_test(tc, test_within);
	tcase_add_test(tc, test_result_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("resolver");
	tcase_add_checked_fixture(tc, serve_zone, unserve_zone);
	tcase_add_loop_test(tc, test_resolver_results, 0, NCASES(results));
	tcase_add_loop_test(tc, test_resolver_invalid, 0, NCASES(invalid));
	tcase_add_loop_test(tc, test_resolver_rfc, 0, NCASES(rfc));
	tcase_add_test(tc, test_resolver_answers);
	suite_add_tcase(s, tc);

	tc = tcase_create("threads");
	tcase_add_test(tc, test_threads);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(spf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
