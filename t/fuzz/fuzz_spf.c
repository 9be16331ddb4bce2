/*
 * NAME
 *	fuzz_spf 1
 * SUMMARY
 *	libFuzzer target: SPF records through the test zone
 * SYNOPSIS
 *	fuzz_spf [libFuzzer options] [corpus...]
 * DESCRIPTION
 *	Input: an octet that picks the client and the clock, then
 *	NUL-separated: the record of fz.test, the record of inc.fz.test,
 *	an explanation (the TXT of exp.fz.test), the HELO name and the
 *	sender's local part. The first octet modulo the number of clients
 *	(13) picks the client; the quotient, when not 0, makes the check
 *	run against a deadline of 1000 ms on a clock that moves 16 ms
 *	times the quotient at each reading, so that a check can run out
 *	of time part-way (quotient 0: no deadline, as for the seeds).
 *
 *	The record goes to spf_record_check() and spf_record_prepare() (as
 *	the daemon vets a record before libspf2 sees it); a record that
 *	passes is prepared for both address families and each prepared
 *	term is compiled by libspf2 on its own, to check that none comes
 *	near libspf2's 511-octet compiler buffer (which libspf2 1.2.10
 *	overruns without noticing). The records are then served by
 *	spf_new_zone() with a fixed zone around them, and spf_check() asks
 *	about the sender at fz.test (the HELO, or fz.test, for the null
 *	sender).
 *
 *	Checked on every input: why is NUL-terminated and printable
 *	ASCII, and empty exactly when spf_record_check() accepts; the
 *	result is one of the seven; when the domain checked is fz.test
 *	and the text it serves is an SPF record that spf_record_check()
 *	refuses, the result is never pass, fail, softfail or neutral
 *	(permerror, temperror when the deadline ran out, none when the
 *	identity was unusable).
 * DIAGNOSTICS
 *	abort() with a line on stderr naming the property that broke; the
 *	sanitizers report memory and undefined-behaviour errors.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "netset.h"
#include "spf.h"
#include "spf_libspf2.h"
#include "spf_record.h"
#include "fuzz_input.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LINE_MAX_	(SPF_RECORD_MAX + 64)
#define PREP_MAX	(3 * SPF_RECORD_MAX)
#define DEADLINE_MS	1000
#define CLOCK_STEP_MS	16	/* a clock reading, per unit of the quotient */
#define NCASES(t)	(sizeof(t) / sizeof((t)[0]))

/* appended to only: a seed's first octet keeps its client */
static const char *const clients[] = {
	"192.0.2.9", "192.0.2.3", "198.51.100.25", "203.0.113.9",
	"2001:db8::25", "::ffff:192.0.2.9", "10.0.0.1", "::1",
	"127.0.0.1", "0.0.0.0", "255.255.255.255", "fe80::1", "::",
};

static const char *const zone_fixed[] = {
	"fz.test A 192.0.2.9",
	"fz.test AAAA 2001:db8::25",
	"fz.test MX 10 mail.fz.test",
	"fz.test MX 20 dead.fz.test",
	"mail.fz.test A 198.51.100.25",
	"dead.fz.test TEMPFAIL",
	"gone.fz.test NXDOMAIN",
	"host.fz.test A 192.0.2.3",
	"h1.fz.test A 10.0.0.1",
	"9.2.0.192.in-addr.arpa PTR dead.fz.test",
	"9.2.0.192.in-addr.arpa PTR fz.test",
	"25.100.51.198.in-addr.arpa PTR mail.fz.test",
	("5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2."
	    "ip6.arpa PTR fz.test"),
};

static SPF_server_t *compiler;		/* libspf2's, for single terms */
static unsigned long fake_now, fake_step;

/* broken - say which property does not hold, and stop */
static void __attribute__((noreturn, format(printf, 1, 2)))
broken(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_spf: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* LLVMFuzzerInitialize - quiet logs, and a libspf2 server to compile */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_spf", LOG_TO_STDERR, 0);
	log_set_level(LOG_LEVEL_ERROR);
	if ((compiler = SPF_server_new(SPF_DNS_ZONE, 0)) == NULL)
		broken("no libspf2 server");
	return 0;
}

/* fake_clock - a clock that moves fake_step at each reading */
static unsigned long
fake_clock(void)
{
	fake_now += fake_step;
	return fake_now;
}

/* printable - is why NUL-terminated within len, and printable ASCII? */
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

/* txt_line - "name TXT text" into line; 0, or -1 when it cannot be one */
static int
txt_line(char *line, const char *name, const char *text)
{
	if (*text == '\0' || strlen(text) + strlen(name) + 6 >= LINE_MAX_)
		return -1;
	snprintf(line, LINE_MAX_, "%s TXT %s", name, text);
	return 0;
}

/*
 * served - the text the zone serves for a TXT line's text: without the
 * blanks spf_new_zone() drops at either end; its length
 */
static size_t
served(const char *text, char *buf, size_t cap)
{
	size_t start = 0, n = strlen(text);

	while (start < n && (text[start] == ' ' || text[start] == '\t'))
		start++;
	while (n > start && strchr(" \t\r\n\v\f", text[n - 1]) != NULL)
		n--;
	n -= start;
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, text + start, n);
	buf[n] = '\0';
	return n;
}

/*
 * compile_terms - each term of a prepared record on its own through
 * libspf2: a mechanism's data past its 4-octet header, or a modifier's
 * past its header and name (8 octets for exp), stays within
 * SPF_COMPILED_MAX, which spf_record_check() promises; libspf2 refusing
 * a term is allowed (that is a permerror)
 */
static void
compile_terms(const char *prep)
{
	static char one[PREP_MAX + 8];
	const char *p = prep + strlen("v=spf1"), *e;
	SPF_response_t *resp;
	SPF_record_t *r;

	while (*p == ' ')
		p++;
	for (; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		if ((e = strchr(p, ' ')) == NULL)
			e = p + strlen(p);
		snprintf(one, sizeof(one), "v=spf1 %.*s", (int)(e - p), p);
		if ((resp = SPF_response_new(NULL)) == NULL)
			broken("out of memory");
		r = NULL;
		(void)SPF_record_compile(compiler, resp, &r, one);
		if (r != NULL && (r->mech_len > 4 + SPF_COMPILED_MAX ||
		    r->mod_len > 8 + SPF_COMPILED_MAX))
			broken("\"%.80s\" compiled to %zu+%zu octets", one,
			    r->mech_len, r->mod_len);
		if (r != NULL)
			SPF_record_free(r);
		SPF_response_free(resp);
	}
}

/* vet - the record as the daemon vets it, prepared and compiled */
static void
vet(const char *rec)
{
	static char prep[PREP_MAX];
	char why[256];
	unsigned mechs;
	int rc, i;

	memset(why, 'Z', sizeof(why));
	rc = spf_record_check(rec, strlen(rec), why, sizeof(why));
	if (!printable(why, sizeof(why)) || (rc == 0) != (why[0] == '\0'))
		broken("spf_record_check: why not printable, or not empty "
		    "exactly when the record passes");
	if (rc < 0)
		return;
	for (i = 0; i < 2; i++) {
		if (spf_record_prepare(rec, strlen(rec), i ? AF_INET6 :
		    AF_INET, prep, sizeof(prep), &mechs) < 0)
			broken("spf_record_prepare: no room for a valid record");
		compile_terms(prep);
	}
}

/* LLVMFuzzerTestOneInput - one record, checked and served */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char lines[3][LINE_MAX_], text[LINE_MAX_];
	static const char *const names[] = {"fz.test", "inc.fz.test",
	    "exp.fz.test"};
	const char *zone[3 + NCASES(zone_fixed) + 1];
	const char *texts[3], *helo, *local;
	char why[256], err[256], sender[600];
	struct spf_checker *spf;
	struct fuzz_input in;
	struct ipaddr ip;
	enum spf_result r;
	unsigned char pick;
	size_t i, nz = 0, tlen;
	int refused;

	if (fuzz_input_init(&in, data, size) < 0)
		return 0;
	pick = fuzz_input_byte(&in);
	if (ip_parse(clients[pick % NCASES(clients)], &ip) != 0)
		broken("client %s does not parse", clients[pick %
		    NCASES(clients)]);
	fake_now = 0;
	fake_step = (pick / NCASES(clients)) * CLOCK_STEP_MS;
	for (i = 0; i < 3; i++)
		texts[i] = fuzz_input_string(&in);
	helo = fuzz_input_string(&in);
	local = fuzz_input_rest(&in, NULL);

	vet(texts[0]);

	for (i = 0; i < 3; i++)
		if (txt_line(lines[i], names[i], texts[i]) == 0)
			zone[nz++] = lines[i];
	for (i = 0; i < NCASES(zone_fixed); i++)
		zone[nz++] = zone_fixed[i];
	zone[nz] = NULL;
	/* fz.test's record is checked: the sender's domain, or the HELO's */
	tlen = served(texts[0], text, sizeof(text));
	refused = zone[0] == lines[0] && (*local != '\0' || *helo == '\0') &&
	    spf_record_is_spf(text, tlen) &&
	    spf_record_check(text, tlen, NULL, 0) < 0;
	if ((spf = spf_new_zone(zone, fake_step ? DEADLINE_MS : 0,
	    fake_step ? fake_clock : NULL, err, sizeof(err))) != NULL) {
		if (*local == '\0')
			sender[0] = '\0';	/* null sender: the HELO */
		else
			snprintf(sender, sizeof(sender), "%.500s@fz.test",
			    local);
		memset(why, 'Z', sizeof(why));
		r = spf_check(spf, &ip, *helo ? helo : "fz.test", sender, why,
		    sizeof(why));
		if ((unsigned)r >= SPF_RESULT_COUNT)
			broken("spf_check: no such result");
		if (!printable(why, sizeof(why)))
			broken("spf_check: why not printable");
		if (refused && (r == SPF_RESULT_PASS || r == SPF_RESULT_FAIL ||
		    r == SPF_RESULT_SOFTFAIL || r == SPF_RESULT_NEUTRAL))
			broken("a refused record gave %s (%s)",
			    spf_result_name(r), why);
		spf_free(spf);
	}
	fuzz_input_free(&in);
	return 0;
}
