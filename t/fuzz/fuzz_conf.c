/*
 * NAME
 *	fuzz_conf 1
 * SUMMARY
 *	libFuzzer target: the configuration file
 * SYNOPSIS
 *	fuzz_conf [libFuzzer options] [corpus...]
 * DESCRIPTION
 *	The input is appended to a fixed base (below) that sets a key of
 *	every kind, lists read from files included, and the whole text goes
 *	to conf_parse(). A configuration it accepts is dumped (conf_dump(),
 *	to /dev/null) and asked the daemon's questions. Files are served
 *	by fuzz_files.c: no path the input names is ever opened.
 * DIAGNOSTICS
 *	abort() when neither a configuration nor an error comes back; the
 *	sanitizers report memory and undefined-behaviour errors.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "fuzz_input.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base[] =
	"Socket inet:8895@127.0.0.1\n"
	"Mode enforce\n"
	"LogLevel info\n"
	"DaemonRoles ORIGINATING=outbound MTA=inbound\n"
	"SubmissionPorts 587 465\n"
	"LocalDomains example.net, example.org file:/fuzz/list\n"
	"CustomerNetworks 10.0.0.0/8 2001:db8:c::/48\n"
	"TrustedNetworks 127.0.0.0/8 ::1/128\n"
	"SenderLoginMap /fuzz/senders\n"
	"SubaddressDelimiter +\n"
	"RateLimit login recipients 500/1h\n"
	"QuarantineTTL 1d\n"
	"LoginQuarantine 10/1h\n"
	"DNSBL zen.example.test=127.0.0.[10..11]\n"
	"SPFAction softfail report\n"
	"DynamicIPChecks dnsbl generic\n"
	"Action.inbound.relay reject\n"
	"AlertTemplate /fuzz/alert\n"
	"AlertContacts /fuzz/contacts\n"
	"QuarantineEscalation 2 7d\n"
	"RedisTimeout 250ms\n";

static FILE *devnull;

/* LLVMFuzzerInitialize - quiet logs and the dump's sink */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_conf", LOG_TO_STDERR, 0);
	log_set_level(LOG_LEVEL_ERROR);
	if ((devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	return 0;
}

/* LLVMFuzzerTestOneInput - the base plus the input as one file */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strlist errors = {0};
	struct sendermap_opts so;
	struct conf *conf;
	enum role role;
	char *text;

	if ((text = malloc(sizeof(base) + size)) == NULL)
		return 0;
	memcpy(text, base, sizeof(base) - 1);
	memcpy(text + sizeof(base) - 1, data, size);
	text[sizeof(base) - 1 + size] = '\0';
	conf = conf_parse("fuzz.conf", text, &errors);
	if (conf == NULL && errors.n == 0)
		abort();
	if (conf != NULL) {
		(void)conf_dump(conf, devnull);
		(void)conf_is_submission_port(conf, 587);
		(void)conf_daemon_role(conf, "ORIGINATING", &role);
		(void)conf_is_local_domain(conf, "example.com");
		conf_sender_opts(conf, &so);
		conf_free(conf);
	}
	strlist_clear(&errors);
	free(text);
	return 0;
}
