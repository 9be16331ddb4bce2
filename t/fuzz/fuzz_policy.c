/*
 * NAME
 *	fuzz_policy 1
 * SUMMARY
 *	libFuzzer target: the facts builder and the policy engine
 * SYNOPSIS
 *	fuzz_policy [libFuzzer options] [corpus...]
 * DESCRIPTION
 *	Plays one SMTP session as the daemon would: the MTA's strings go
 *	through envelope_connect(), envelope_helo(), envelope_mail() and
 *	envelope_rcpt(), and at each stage the facts (completed with
 *	fuzzed lookup answers: quarantine, dynamic IP, SPF, rate counts,
 *	From:/Sender: addresses through hdraddr_parse()) go to
 *	policy_needs() and policy_decide(); each final verdict is written
 *	as a decision line.
 *
 *	Input: four octets (the configuration, lookup answers, the SPF
 *	result, the rate counts), then NUL-separated client IP,
 *	{daemon_name}, {daemon_port}, {daemon_addr}, v, j, HELO, MAIL FROM,
 *	{auth_authen}, RCPT TO and the From: field body. The
 *	configurations are fixed (conf_parse() of texts below) so that
 *	every rule can fire.
 * DIAGNOSTICS
 *	abort() on a verdict out of range or a refusal without a 4xx/5xx
 *	code; the sanitizers report memory and undefined-behaviour errors.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "declog.h"
#include "envelope.h"
#include "hdraddr.h"
#include "log.h"
#include "policy.h"
#include "sendermap.h"
#include "fuzz_input.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define COMMON \
	"LocalDomains example.net example.org\n" \
	"CustomerNetworks 10.0.0.0/8 2001:db8:c::/48\n" \
	"CustomerServers 10.9.9.9\n" \
	"TrustedNetworks 192.0.2.0/24 127.0.0.0/8 ::1/128\n" \
	"RateLimit ip messages 3/1h\n" \
	"RateLimit login recipients 5/1m\n" \
	"RateLimit login messages 2/1h\n" \
	"DNSBL zen.example.test=127.0.0.[10..11]\n" \
	"DNSBL pbl.example.test\n" \
	"SPF yes\n" \
	"LoginQuarantine 3/1h\n"

static const char *const conf_texts[] = {
	COMMON,
	COMMON "Mode report\n",
	COMMON "Role outbound\nCustomerPort25 open\nNullSender reject\n"
	    "SubaddressDelimiter -\nLoginIsAddress no\n",
	COMMON "Role inbound\nAction.inbound.relay tempfail\n"
	    "Action.inbound.spf_fail report\n"
	    "DynamicIPChecks dnsbl generic no_ptr unconfirmed\n",
};

static const char sender_map[] =
	"alice@example.net   alice, alice@example.net\n"
	"@shop.example.net   shopadmin\n"
	"postmaster          pmadmin\n"
	"\"john doe\"@example.org john\n";

static struct conf *confs[sizeof(conf_texts) / sizeof(conf_texts[0])];

/* LLVMFuzzerInitialize - the fixed configurations, once */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct strlist errors = {0};
	size_t i;

	(void)argc;
	(void)argv;
	log_init("fuzz_policy", LOG_TO_STDERR, 0);
	log_set_level(LOG_LEVEL_ERROR);
	for (i = 0; i < sizeof(confs) / sizeof(confs[0]); i++) {
		if ((confs[i] = conf_parse("fuzz.conf", conf_texts[i],
		    &errors)) == NULL) {
			fprintf(stderr, "fuzz_policy: configuration %zu: %s\n",
			    i, errors.n ? errors.v[0] : "?");
			abort();
		}
		if ((confs[i]->sender_map = sendermap_parse("senders",
		    sender_map, &errors)) == NULL)
			abort();
	}
	strlist_clear(&errors);
	return 0;
}

/* lookups - the answers the daemon's lookups would add to the facts */
struct lookups {
	unsigned char flags, spf, counts;
	struct header_sender hdr[HDRADDR_MAX];
	size_t	n_hdr;
	const char *hdr_why;
	struct rate_fact rates[CONF_RATE_LIMITS_MAX];
};

/* decide - one stage: facts, plan, verdict, decision line */
static void
decide(const struct conf *conf, const struct envelope *e,
    struct lookups *l, enum stage stage)
{
	static const int tri[] = {FACT_NO, FACT_YES, FACT_UNKNOWN, FACT_NO};
	char needs[NEEDS_TEXT_MAX], line[DECLOG_LINE_MAX];
	struct declog_ctx ctx;
	struct decision d;
	struct facts f;
	size_t i, n;

	envelope_facts(e, &f);
	(void)policy_needs_format(policy_needs(conf, &f, stage), needs,
	    sizeof(needs));
	f.quarantined = tri[l->flags & 3];
	f.dynamic = tri[(l->flags >> 2) & 3];
	f.dynamic_why = f.dynamic == FACT_YES ? "listed" : NULL;
	f.spf_checked = (l->flags >> 4) & 1;
	f.spf = (enum spf_result)(l->spf % SPF_RESULT_COUNT);
	f.spf_why = "fuzz";
	f.rates_unknown = (l->flags >> 5) & 1;
	if (!f.rates_unknown) {
		n = policy_rate_counters(conf, &f, stage, e->ip_text,
		    l->rates, CONF_RATE_LIMITS_MAX);
		for (i = 0; i < n; i++)	/* 0, 1, 2 or 3 times the limit */
			l->rates[i].count = (l->counts >> (i % 4) * 2 & 3) *
			    l->rates[i].limit->limit;
		f.rates = l->rates;
		f.n_rates = n;
	}
	if (stage == STAGE_EOM) {
		f.hdr_senders = l->hdr;
		f.n_hdr_senders = l->n_hdr;
		f.hdr_unparsed = l->hdr_why;
	}
	policy_decide(conf, &f, stage, &d);
	if (d.n_reports > RULE_COUNT || d.final.action > ACTION_ACCEPT ||
	    d.final.rule > RULE_NONE)
		abort();
	if ((d.final.action == ACTION_REJECT && d.final.code[0] != '5') ||
	    (d.final.action == ACTION_TEMPFAIL && d.final.code[0] != '4'))
		abort();
	memset(&ctx, 0, sizeof(ctx));
	ctx.session = e->id;
	ctx.role = e->role;
	ctx.stage = stage;
	ctx.ip = e->ip_text;
	ctx.helo = e->helo;
	ctx.auth = e->auth;
	ctx.from = e->from_text;
	ctx.rcpt = stage >= STAGE_RCPT ? e->rcpt_text : NULL;
	(void)declog_format(line, sizeof(line), &ctx, &d.final);
	for (i = 0; i < d.n_reports; i++)
		(void)declog_format(line, sizeof(line), &ctx, &d.reports[i]);
	(void)policy_login_quarantine(conf, l->counts);
}

/* LLVMFuzzerTestOneInput - one session */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *ip_text, *from, *auth, *rcpt, *hdr_value;
	struct addr hdr_addrs[HDRADDR_MAX];
	struct envelope_origin o;
	const struct conf *conf;
	struct envelope e;
	struct fuzz_input in;
	struct lookups l;
	struct ipaddr ip;
	char why[128];
	size_t i;

	if (fuzz_input_init(&in, data, size) < 0)
		return 0;
	memset(&l, 0, sizeof(l));
	conf = confs[fuzz_input_byte(&in) % (sizeof(confs) / sizeof(confs[0]))];
	l.flags = fuzz_input_byte(&in);
	l.spf = fuzz_input_byte(&in);
	l.counts = fuzz_input_byte(&in);
	memset(&o, 0, sizeof(o));
	ip_text = fuzz_input_string(&in);
	o.ip = ip_parse(ip_text, &ip) == 0 ? &ip : NULL;
	o.daemon_name = fuzz_input_string(&in);
	o.daemon_port = fuzz_input_string(&in);
	o.daemon_addr = fuzz_input_string(&in);
	o.mta_version = fuzz_input_string(&in);
	o.our_hostname = fuzz_input_string(&in);
	if (l.flags & 0x40) {	/* macros the MTA did not send */
		o.daemon_name = NULL;
		o.mta_version = NULL;
	}
	memset(&e, 0, sizeof(e));
	envelope_connect(&e, conf, "fz1", &o);
	decide(conf, &e, &l, STAGE_CONNECT);
	envelope_helo(&e, fuzz_input_string(&in));
	decide(conf, &e, &l, STAGE_HELO);
	from = fuzz_input_string(&in);
	auth = fuzz_input_string(&in);
	rcpt = fuzz_input_string(&in);
	hdr_value = fuzz_input_rest(&in, NULL);
	if (envelope_mail(&e, from, auth, why, sizeof(why)) == 0) {
		decide(conf, &e, &l, STAGE_MAIL);
		envelope_rcpt(&e, rcpt);
		decide(conf, &e, &l, STAGE_RCPT);
		if (hdraddr_parse(hdr_value, hdr_addrs, HDRADDR_MAX, &l.n_hdr,
		    &l.hdr_why) != 0)
			l.n_hdr = 0;
		else
			l.hdr_why = NULL;
		for (i = 0; i < l.n_hdr; i++) {
			l.hdr[i].field = i % 2 ? "Sender" : "From";
			l.hdr[i].addr = hdr_addrs[i];
		}
		decide(conf, &e, &l, STAGE_EOM);
	}
	envelope_reset(&e);
	fuzz_input_free(&in);
	return 0;
}
