/*
 * NAME
 *	fuzz_spf 1
 * SUMMARY
 *	libFuzzer target: SPF records through the test zone
 * SYNOPSIS
 *	fuzz_spf [libFuzzer options] [corpus...]
 * DESCRIPTION
 *	Input: an octet that picks the client, then NUL-separated: the
 *	record of fz.test, the record of inc.fz.test, an explanation (the
 *	TXT of exp.fz.test), the HELO name and the sender's local part.
 *	The record goes to spf_record_check() and spf_record_prepare() (as
 *	the daemon vets a record before libspf2 sees it); the records are
 *	served by spf_new_zone() with a fixed zone around them, and
 *	spf_check() asks about the sender at fz.test. contrib/fuzz_spf.c
 *	is the property checker with its own mutator; this target lets
 *	libFuzzer's coverage guide the same calls.
 * DIAGNOSTICS
 *	abort() on a result out of range or a reason that is not
 *	printable text; the sanitizers report memory and
 *	undefined-behaviour errors.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "netset.h"
#include "spf.h"
#include "spf_record.h"
#include "fuzz_input.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LINE_MAX_	(SPF_RECORD_MAX + 64)

static const char *const clients[] = {
	"192.0.2.9", "192.0.2.3", "198.51.100.25", "203.0.113.9",
	"2001:db8::25", "::ffff:192.0.2.9", "10.0.0.1", "::1",
};

static const char *const zone_fixed[] = {
	"fz.test A 192.0.2.9",
	"fz.test AAAA 2001:db8::25",
	"fz.test MX 10 mail.fz.test",
	"fz.test MX 20 dead.fz.test",
	"mail.fz.test A 198.51.100.25",
	"dead.fz.test TEMPFAIL",
	"gone.fz.test NXDOMAIN",
	"h1.fz.test A 10.0.0.1",
	"9.2.0.192.in-addr.arpa PTR fz.test",
	"25.100.51.198.in-addr.arpa PTR mail.fz.test",
};

/* LLVMFuzzerInitialize - quiet logs */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_spf", LOG_TO_STDERR, 0);
	log_set_level(LOG_LEVEL_ERROR);
	return 0;
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

/* LLVMFuzzerTestOneInput - one record, checked and served */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char lines[3][LINE_MAX_], prep[3 * SPF_RECORD_MAX];
	static const char *const names[] = {"fz.test", "inc.fz.test",
	    "exp.fz.test"};
	const char *zone[3 + sizeof(zone_fixed) / sizeof(zone_fixed[0]) + 1];
	const char *texts[3], *helo, *local;
	char why[256], err[256], sender[600];
	struct spf_checker *spf;
	struct fuzz_input in;
	struct ipaddr ip;
	enum spf_result r;
	unsigned mechs;
	size_t i, nz = 0;
	int rc;

	if (fuzz_input_init(&in, data, size) < 0)
		return 0;
	if (ip_parse(clients[fuzz_input_byte(&in) % (sizeof(clients) /
	    sizeof(clients[0]))], &ip) != 0)
		abort();
	for (i = 0; i < 3; i++)
		texts[i] = fuzz_input_string(&in);
	helo = fuzz_input_string(&in);
	local = fuzz_input_rest(&in, NULL);

	memset(why, 'Z', sizeof(why));
	rc = spf_record_check(texts[0], strlen(texts[0]), why, sizeof(why));
	if (!printable(why, sizeof(why)) || (rc == 0) != (why[0] == '\0'))
		abort();
	if (rc == 0)
		for (i = 0; i < 2; i++)
			if (spf_record_prepare(texts[0], strlen(texts[0]),
			    i ? AF_INET6 : AF_INET, prep, sizeof(prep),
			    &mechs) < 0)
				abort();

	for (i = 0; i < 3; i++)
		if (txt_line(lines[i], names[i], texts[i]) == 0)
			zone[nz++] = lines[i];
	for (i = 0; i < sizeof(zone_fixed) / sizeof(zone_fixed[0]); i++)
		zone[nz++] = zone_fixed[i];
	zone[nz] = NULL;
	if ((spf = spf_new_zone(zone, 0, NULL, err, sizeof(err))) != NULL) {
		if (*local == '\0')
			sender[0] = '\0';	/* null sender: the HELO */
		else
			snprintf(sender, sizeof(sender), "%.500s@fz.test",
			    local);
		memset(why, 'Z', sizeof(why));
		r = spf_check(spf, &ip, *helo ? helo : "fz.test", sender, why,
		    sizeof(why));
		if ((unsigned)r >= SPF_RESULT_COUNT ||
		    !printable(why, sizeof(why)))
			abort();
		spf_free(spf);
	}
	fuzz_input_free(&in);
	return 0;
}
