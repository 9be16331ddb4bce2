/*
 * NAME
 *	fuzz_spf 1
 * SUMMARY
 *	mutated SPF records, senders and HELOs through the SPF code
 * SYNOPSIS
 *	fuzz_spf [-n iterations] [-t seconds] [-s seed] [-v]
 * DESCRIPTION
 *	A self-contained fuzzer (no libFuzzer): each iteration takes a
 *	record from a built-in corpus (the grammar's cases, RFC 7208's
 *	examples, hostile records), mutates it (bit flips, random octets,
 *	tokens of the grammar inserted or repeated, ranges deleted,
 *	duplicated or spliced from another record), and feeds it to
 *	spf_record_check() with its exact length (NULs and all). A record
 *	that passes is handed to spf_record_prepare() for both address
 *	families and each prepared term is compiled by libspf2 on its
 *	own, to check that none comes near the compiler's 511-octet
 *	buffer. Then the record is served by a test zone (spf_new_zone())
 *	as the sender domain's record, next to two mutated records that it
 *	may include and a mutated explanation, and spf_check() runs with a
 *	mutated or chosen client address, HELO and sender, sometimes with
 *	a clock that spends the deadline.
 *
 *	Checked on every call, besides what AddressSanitizer and UBSan
 *	catch: why is terminated and printable ASCII; a record that is an
 *	SPF record but fails spf_record_check() never gives pass, fail,
 *	softfail or neutral (permerror, or temperror when the deadline ran
 *	out, or none when the identity was unusable); the result is one
 *	of the seven.
 *
 *	It runs n iterations (default unlimited) or t seconds (default 60),
 *	whichever ends first, from seed s (default: the time), and prints
 *	the counts every 10 seconds and at the end. -v prints each record
 *	that libspf2 does not compile although spf_record_check() passed
 *	it (those are permerror: what libspf2 cannot do).
 *
 *	Build it on demand, best with sanitizers:
 *	  configure --enable-sanitizers && make contrib/fuzz_spf
 * DIAGNOSTICS
 *	Exit status 0 when no check failed; 1 with the record and the
 *	inputs that broke one (a sanitizer aborts on its own).
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* libspf2 names its results as spf.h does: rename its set */
#define SPF_RESULT_INVALID	LIBSPF2_RESULT_INVALID
#define SPF_RESULT_NEUTRAL	LIBSPF2_RESULT_NEUTRAL
#define SPF_RESULT_PASS		LIBSPF2_RESULT_PASS
#define SPF_RESULT_FAIL		LIBSPF2_RESULT_FAIL
#define SPF_RESULT_SOFTFAIL	LIBSPF2_RESULT_SOFTFAIL
#define SPF_RESULT_NONE		LIBSPF2_RESULT_NONE
#define SPF_RESULT_TEMPERROR	LIBSPF2_RESULT_TEMPERROR
#define SPF_RESULT_PERMERROR	LIBSPF2_RESULT_PERMERROR
#include <spf2/spf.h>
#undef SPF_RESULT_INVALID
#undef SPF_RESULT_NEUTRAL
#undef SPF_RESULT_PASS
#undef SPF_RESULT_FAIL
#undef SPF_RESULT_SOFTFAIL
#undef SPF_RESULT_NONE
#undef SPF_RESULT_TEMPERROR
#undef SPF_RESULT_PERMERROR

#include "log.h"
#include "spf.h"
#include "spf_record.h"

#define REC_MAX		(2 * SPF_RECORD_MAX)	/* a mutated record */
#define PREP_MAX	(3 * SPF_RECORD_MAX)
#define ZONE_LINE_MAX	(REC_MAX + 64)		/* a line of the test zone */
#define NCASES(t)	(sizeof(t) / sizeof((t)[0]))

static const char *const seeds[] = {
	"v=spf1 -all",
	"v=spf1 +all",
	"v=spf1 ip4:192.0.2.0/24 -all",
	"v=spf1 ip4:192.0.2.1/0 -all",
	"v=spf1 -ip4:0.0.0.0/0 +all",
	"v=spf1 ip6:2001:db8::/32 ip6:::/0 ~all",
	"v=spf1 a -all",
	"v=spf1 a/24//64 mx/30 -all",
	"v=spf1 a:host.fz.test/0//0 -all",
	"v=spf1 mx mx:fz.test//0 -all",
	"v=spf1 ptr ptr:fz.test -all",
	"v=spf1 include:inc1.fz.test include:inc2.fz.test -all",
	"v=spf1 redirect=inc1.fz.test",
	"v=spf1 redirect=inc2.fz.test -all",
	"v=spf1 -all exp=exp.fz.test",
	"v=spf1 ~all exp=exp.%{d}",
	"v=spf1 exists:%{ir}.%{l1r+}.%{d} -all",
	"v=spf1 exists:%{ir}.%{v}._spf.%{d2} -all",
	"v=spf1 exists:%{lr-}.lp.%{ir}.%{v}._spf.%{d2} -all",
	"v=spf1 exists:%{S}%{L}%{O}%{D}%{I}%{P}%{H}%{V}.fz.test -all",
	"v=spf1 exists:%{ir}.%{ir}.%{ir}.%{ir}.%{ir}.%{ir}.%{ir}.%{d} -all",
	"v=spf1 include:%{l}.%{l}.%{l}.%{l}.%{l}.%{d} -all",
	"v=spf1 a:%{d}.%{d}.%{d}.%{d}.%{d} -all",
	"v=spf1 +mx a:colo.fz.test/28 -all",
	"v=spf1 mx include:mobile-users._spf.%{d} "
	    "include:remote-users._spf.%{d} -all",
	"v=spf1 -include:ip4._spf.%{d} -include:ptr._spf.%{d} +all",
	"v=spf1 a:192.0.2.3 -all",
	"v=spf1 -all exp=a.fz.test exp=b.fz.test",
	"v=spf1 redirect=a.fz.test redirect=b.fz.test",
	"v=spf1 -all foo=%x bar=%{c}",
	"v=spf1 exists:%{d2147483648}.fz.test -all",
	"v=spf1 exists:%{l-1}.fz.test -all",
	"v=spf1 a a a a a a a a a a a -all",
	"v=spf1 a:h1.fz.test a:h2.fz.test a:h3.fz.test ip4:192.0.2.0/24 -all",
	"v=spf1 include:fz.test -all",
	"v=spf1 exists:%{d}x%{d}x%{d}x%{d}x%{d}x%{d}x%{d}x%{d}x%{d}x%{d}x"
	    "%{d}x%{d}x%{d}x%{d}x%{d}x%{d}x%{d}x%{d}x%{d}x%{d}x.fz.test",
	"v=spf1 ip6:::ffff:192.0.2.1/128 ip4:198.51.100.0/24 ?all",
	"v=spf1 %{d}",
	"v=spf1 a:%{d}%%%_%-.fz.test -all",
	"v=spf1 exists:%{l.-+,/_=}.fz.test -all",
	"V=SPF1 A:FZ.TEST/32 MX//128 -ALL",
};

static const char *const exp_seeds[] = {
	"%{i} is not one of %{d}'s designated mail servers.",
	"See http://%{d}/why.html?s=%{S}&i=%{I}",
	"%{c} %{r} %{t} %{p} %{h} %{v} %{o} %{l} %{s}",
	"%{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d}",
	"100%% of %{ir}",
};

static const char *const tokens[] = {
	"%{", "}", "%{d}", "%{ir}", "%{l1r+}", "%{d2147483648}", "%{l-1}",
	"%{d0}", "%{d129}", "%{p}", "%{h}", "%{c}", "%{t}", "%{r}", "%{S}",
	"%%", "%_", "%-", "%", "/", "//", "/0", "//0", "/32", "/33", "/128",
	"/129", ":", "=", " ", "   ", "v=spf1", "-all", "+all", "~", "?",
	"a", "mx", "ptr", "ip4:", "ip6:", "include:", "exists:", "redirect=",
	"exp=", "inc1.fz.test", "inc2.fz.test", "fz.test", "exp.fz.test",
	".", "..", "192.0.2.3", "::", "2001:db8::", "0.0.0.0", "300.1.1.1",
	"x.example", "xn--p1ai", "-", "_", ",", "R", "r", "99999999999",
	"\001", "\177", "\303\251", "\t", "\r\n", "\377", "\0",
};

static const char *const clients[] = {
	"192.0.2.9", "192.0.2.3", "198.51.100.25", "203.0.113.9",
	"127.0.0.1", "0.0.0.0", "255.255.255.255", "2001:db8::25", "::1",
	"::ffff:192.0.2.9", "fe80::1", "::",
};

static const char *const names[] = {
	"x", "alice", "postmaster", "a.b", "a..b", "%{d}", "x+tag",
	"\"quoted local\"", "\xc3\xa9", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaa", "h.fz.test", "fz.test", "[192.0.2.9]",
	"localhost", "mail.fz.test.", "",
};

/* the zone around the record under test */
static const char *const zone_fixed[] = {
	"fz.test A 192.0.2.9",
	"fz.test AAAA 2001:db8::25",
	"fz.test MX 10 mail.fz.test",
	"fz.test MX 20 dead.fz.test",
	"mail.fz.test A 198.51.100.25",
	"dead.fz.test TEMPFAIL",
	"host.fz.test A 192.0.2.3",
	"h1.fz.test A 10.0.0.1",
	"gone.fz.test NXDOMAIN",
	"9.2.0.192.in-addr.arpa PTR dead.fz.test",
	"9.2.0.192.in-addr.arpa PTR fz.test",
	"25.100.51.198.in-addr.arpa PTR mail.fz.test",
	"5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2."
	    "ip6.arpa PTR fz.test",
};

static uint64_t rng = 88172645463325252ULL;

/* rnd - xorshift64 */
static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* below - a number under n (0 for n 0) */
static size_t
below(size_t n)
{
	return n == 0 ? 0 : (size_t)(rnd() % n);
}

/* monotonic_s - seconds of the monotonic clock */
static double
monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* put - replace buf[at..at+del) with n octets of s; the new length */
static size_t
put(char *buf, size_t len, size_t cap, size_t at, size_t del,
    const char *s, size_t n)
{
	if (at > len)
		at = len;
	if (del > len - at)
		del = len - at;
	if (len - del + n >= cap)
		return len;
	memmove(buf + at + n, buf + at + del, len - at - del);
	memcpy(buf + at, s, n);
	return len - del + n;
}

/* token - a random token and its length (the NUL token has one) */
static const char *
token(size_t *n)
{
	const char *t = tokens[below(NCASES(tokens))];

	*n = *t == '\0' ? 1 : strlen(t);
	return t;
}

/* mutate - a few random edits of buf (len octets); the new length */
static size_t
mutate(char *buf, size_t len, size_t cap, const char *const *corpus,
    size_t ncorpus)
{
	size_t edits = 1 + below(4), i, at, n, k;
	const char *t;
	char c, *tmp;

	for (i = 0; i < edits; i++) {
		at = below(len + 1);
		switch (below(9)) {
		case 0:
			if (len > 0)
				buf[below(len)] ^= (char)(1 << below(8));
			break;
		case 1:
			if (len > 0)
				buf[below(len)] = (char)below(256);
			break;
		case 2:
			t = token(&n);
			len = put(buf, len, cap, at, 0, t, n);
			break;
		case 3:
			len = put(buf, len, cap, at, 1 + below(16), "", 0);
			break;
		case 4:
			n = below(64);
			if (at + n <= len && (tmp = malloc(n + 1)) != NULL) {
				memcpy(tmp, buf + at, n);
				len = put(buf, len, cap, below(len + 1), 0, tmp,
				    n);
				free(tmp);
			}
			break;
		case 5:
			t = corpus[below(ncorpus)];
			n = strlen(t);
			k = below(n + 1);
			len = put(buf, len, cap, at, len - at, t + k, n - k);
			break;
		case 6:
			c = (char)below(256);
			len = put(buf, len, cap, at, 0, &c, 1);
			break;
		case 7:
			t = token(&n);
			for (k = 1 + below(400); k > 0; k--)
				len = put(buf, len, cap, at, 0, t, n);
			break;
		default:
			t = token(&n);
			len = put(buf, len, cap, at, 1 + below(8), t, n);
			break;
		}
	}
	return len;
}

/* sample - a mutated copy of a corpus entry, NUL-terminated; its length */
static size_t
sample(char *buf, size_t cap, const char *const *corpus, size_t ncorpus,
    unsigned percent_plain)
{
	size_t len;

	snprintf(buf, cap, "%s", corpus[below(ncorpus)]);
	len = strlen(buf);
	if (below(100) >= percent_plain)
		len = mutate(buf, len, cap, corpus, ncorpus);
	buf[len] = '\0';
	return len;
}

struct stats {
	unsigned long iterations, valid, checks, compile_refused;
	unsigned long results[SPF_RESULT_COUNT];
	unsigned long broken_permerror;
};

static struct stats st;
static int verbose;
static unsigned long fake_now, fake_step;

/* fake_clock - a clock that moves fake_step per reading */
static unsigned long
fake_clock(void)
{
	fake_now += fake_step;
	return fake_now;
}

/* fail - report a broken check and exit */
static void __attribute__((noreturn))
fail(const char *what, const char *rec, size_t len)
{
	size_t i;

	fprintf(stderr, "fuzz_spf: %s\nrecord (%zu octets): ", what, len);
	for (i = 0; i < len; i++) {
		if ((unsigned char)rec[i] >= 0x20 &&
		    (unsigned char)rec[i] < 0x7f)
			fputc(rec[i], stderr);
		else
			fprintf(stderr, "\\x%02x", (unsigned char)rec[i]);
	}
	fputc('\n', stderr);
	exit(1);
}

/* printable - why is NUL-terminated within len and printable ASCII */
static int
printable(const char *why, size_t len)
{
	const unsigned char *p = (const unsigned char *)why;

	if (memchr(why, '\0', len) == NULL)
		return 0;
	for (; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return 0;
	return 1;
}

/* compiled - each term of a prepared record on its own through libspf2 */
static void
compiled(SPF_server_t *server, const char *prep, const char *rec,
    size_t len)
{
	char one[PREP_MAX + 8], msg[128];
	const char *p = prep + 6, *e;
	SPF_response_t *resp;
	SPF_record_t *r;

	while (*p == ' ')
		p++;
	for (; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ' ');
		if (e == NULL)
			e = p + strlen(p);
		snprintf(one, sizeof(one), "v=spf1 %.*s", (int)(e - p), p);
		if ((resp = SPF_response_new(NULL)) == NULL)
			continue;
		r = NULL;
		if (SPF_record_compile(server, resp, &r, one) != SPF_E_SUCCESS) {
			st.compile_refused++;
			if (verbose)
				printf("libspf2 refuses \"%s\"\n", one);
		}
		if (r != NULL && (r->mech_len > 4 + SPF_COMPILED_MAX ||
		    r->mod_len > 8 + SPF_COMPILED_MAX)) {
			snprintf(msg, sizeof(msg), "term compiled to %zu+%zu "
			    "octets: %.60s", r->mech_len, r->mod_len, one);
			fail(msg, rec, len);
		}
		if (r != NULL)
			SPF_record_free(r);
		SPF_response_free(resp);
	}
}

/*
 * served - the text the zone serves for rec: up to a NUL, without the
 * blanks spf_new_zone() trims at either end; its length
 */
static size_t
served(const char *rec, size_t len, char *buf, size_t cap)
{
	size_t n = strnlen(rec, len), start = 0;

	while (start < n && (rec[start] == ' ' || rec[start] == '\t'))
		start++;
	while (n > start && strchr(" \t\r\n\v\f", rec[n - 1]) != NULL)
		n--;
	n -= start;
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, rec + start, n);
	buf[n] = '\0';
	return n;
}

/* zone_txt - "name TXT text" when text fits a zone line; 0 or -1 */
static int
zone_txt(char *line, size_t cap, const char *name, const char *text)
{
	if (*text == '\0' || strlen(name) + strlen(text) + 6 >= ZONE_LINE_MAX)
		return -1;
	snprintf(line, cap, "%s TXT %s", name, text);
	return 0;
}

/* identity - a client, HELO and sender for one spf_check() */
static void
identity(struct ipaddr *ip, char *helo, size_t hcap, char *sender,
    size_t scap)
{
	char local[256];

	memset(ip, 0, sizeof(*ip));
	ip_parse(clients[below(NCASES(clients))], ip);
	if (below(20) == 0) {
		ip->family = below(2) ? AF_INET : AF_INET6;
		for (size_t i = 0; i < sizeof(ip->bytes); i++)
			ip->bytes[i] = (unsigned char)below(256);
	}
	sample(helo, hcap, names, NCASES(names), 50);
	sample(local, sizeof(local), names, NCASES(names), 60);
	switch (below(6)) {
	case 0:
		sender[0] = '\0';	/* null sender: postmaster@HELO */
		snprintf(helo, hcap, "fz.test");
		break;
	case 1:
		snprintf(sender, scap, "%s", local);	/* no @ */
		break;
	default:
		snprintf(sender, scap, "%s@fz.test", local);
		break;
	}
}

/* run - one record: the checker, prepare, then spf_check() */
static void
run(SPF_server_t *server, const char *rec, size_t len)
{
	static char prep[PREP_MAX], lines[4][ZONE_LINE_MAX + 16];
	static char other[REC_MAX + 1], text[REC_MAX + 1];
	const char *zone[NCASES(zone_fixed) + 5];
	char why[256], helo[512], sender[600], err[256], msg[1200];
	struct spf_checker *spf;
	struct ipaddr ip;
	enum spf_result r;
	unsigned mechs;
	size_t i, nz = 0, tlen;
	int rc, broken, calls;

	memset(why, 'Z', sizeof(why));
	rc = spf_record_check(rec, len, why, sizeof(why));
	if (!printable(why, sizeof(why)) || (rc == 0) != (why[0] == '\0'))
		fail("spf_record_check: bad why", rec, len);
	if (rc == 0) {
		st.valid++;
		for (i = 0; i < 2; i++) {
			if (spf_record_prepare(rec, len, i ? AF_INET6 : AF_INET,
			    prep, sizeof(prep), &mechs) < 0)
				fail("spf_record_prepare: no room", rec, len);
			compiled(server, prep, rec, len);
		}
	}

	/* the zone: the record as the domain's, and mutated neighbours */
	tlen = served(rec, len, text, sizeof(text));
	if (zone_txt(lines[nz], sizeof(lines[0]), "fz.test", text) == 0)
		zone[nz] = lines[nz], nz++;
	sample(other, sizeof(other), seeds, NCASES(seeds), 20);
	if (zone_txt(lines[nz], sizeof(lines[0]), "inc1.fz.test", other) == 0)
		zone[nz] = lines[nz], nz++;
	sample(other, sizeof(other), seeds, NCASES(seeds), 20);
	if (zone_txt(lines[nz], sizeof(lines[0]), "inc2.fz.test", other) == 0)
		zone[nz] = lines[nz], nz++;
	sample(other, sizeof(other), exp_seeds, NCASES(exp_seeds), 30);
	if (zone_txt(lines[nz], sizeof(lines[0]), "exp.fz.test", other) == 0)
		zone[nz] = lines[nz], nz++;
	for (i = 0; i < NCASES(zone_fixed); i++)
		zone[nz++] = zone_fixed[i];
	zone[nz] = NULL;
	fake_now = 1000;
	fake_step = below(4) == 0 ? below(300) : 0;
	spf = spf_new_zone(zone, fake_step ? 1000 : 0, fake_step ? fake_clock :
	    NULL, err, sizeof(err));
	if (spf == NULL)
		return;		/* a line the zone refuses (spaces only) */
	broken = zone[0] == lines[0] && spf_record_is_spf(text, tlen) &&
	    spf_record_check(text, tlen, NULL, 0) < 0;
	for (calls = 0; calls < 3; calls++) {
		identity(&ip, helo, sizeof(helo), sender, sizeof(sender));
		memset(why, 'Z', sizeof(why));
		r = spf_check(spf, &ip, helo, sender, why, sizeof(why));
		st.checks++;
		if ((unsigned)r >= SPF_RESULT_COUNT)
			fail("spf_check: no such result", rec, len);
		st.results[r]++;
		if (!printable(why, sizeof(why)))
			fail("spf_check: bad why", rec, len);
		if (broken && strstr(sender, "@fz.test") != NULL &&
		    (r == SPF_RESULT_PASS || r == SPF_RESULT_FAIL ||
		    r == SPF_RESULT_SOFTFAIL || r == SPF_RESULT_NEUTRAL)) {
			snprintf(msg, sizeof(msg), "a broken record gave %s "
			    "(%s) for %s", spf_result_name(r), why, sender);
			fail(msg, rec, len);
		}
		if (broken && r == SPF_RESULT_PERMERROR)
			st.broken_permerror++;
	}
	spf_free(spf);
}

/* report - the counts so far */
static void
report(double secs)
{
	size_t r;

	printf("%.0f s: %lu records (%lu valid), %lu spf_check() calls, "
	    "%.0f/s; terms libspf2 refused %lu; broken records made "
	    "permerror %lu;", secs, st.iterations, st.valid, st.checks,
	    secs > 0 ? (double)st.iterations / secs : 0.0, st.compile_refused,
	    st.broken_permerror);
	for (r = 0; r < SPF_RESULT_COUNT; r++)
		printf(" %s %lu", spf_result_name((enum spf_result)r),
		    st.results[r]);
	printf("\n");
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	unsigned long n = 0, seed = (unsigned long)time(NULL);
	double secs = 60, start, last, now;
	static char rec[REC_MAX + 1];
	SPF_server_t *server;
	size_t len;
	int c;

	while ((c = getopt(argc, argv, "n:t:s:v")) != -1) {
		switch (c) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 't':
			secs = strtod(optarg, NULL);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 10);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			fprintf(stderr, "usage: fuzz_spf [-n iterations] "
			    "[-t seconds] [-s seed] [-v]\n");
			return 2;
		}
	}
	rng ^= seed * 0x9e3779b97f4a7c15ULL;
	if (rng == 0)
		rng = 1;
	log_init("fuzz_spf", LOG_TO_STDERR, 0);
	log_set_level(LOG_LEVEL_ERROR);
	if ((server = SPF_server_new(SPF_DNS_ZONE, 0)) == NULL) {
		fprintf(stderr, "fuzz_spf: no libspf2 server\n");
		return 1;
	}
	printf("seed %lu\n", seed);
	start = last = monotonic_s();
	for (;;) {
		now = monotonic_s();
		if ((n != 0 && st.iterations >= n) || now - start >= secs)
			break;
		if (now - last >= 10) {
			report(now - start);
			last = now;
		}
		len = sample(rec, sizeof(rec), seeds, NCASES(seeds), 10);
		run(server, rec, len);
		st.iterations++;
	}
	report(monotonic_s() - start);
	SPF_server_free(server);
	return 0;
}
