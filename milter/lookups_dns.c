/*
 * NAME
 *	lookups_dns 3
 * SUMMARY
 *	the DNS facts of a stage: DNSBL, reverse DNS, SPF
 * SYNOPSIS
 *	#include "lookups.h"
 *
 *	void lookups_dns(struct session *s, unsigned needs);
 * DESCRIPTION
 *	Executes the DNS needs of the plan (NEED_DNSBL, NEED_PTR,
 *	NEED_PTR_FORWARD, NEED_SPF) within one DNSTimeout for the stage:
 *	the client's DNS facts once per session, all asked at once
 *	(dns_client_start()); SPF for the transaction's sender, checked
 *	while those answers come in, with what is left of the DNSTimeout;
 *	then the client's answers (dns_client_finish(), within the same
 *	DNSTimeout), read by rdns_dynamic().
 *
 *	Each lookup's result is counted for the metrics (metrics.h): per
 *	DNSBL zone, the PTR lookup, the forward check of the PTR names,
 *	and per SPF check; the client's batch and each SPF check are timed.
 *	A lookup left unknown is a timeout when its reason says no answer
 *	came in time (the resolver's "no answer before the deadline", "no
 *	answer (timeout)"), cancelled when it was not waited for (the
 *	answers in already decided), else an error; an SPF temperror is a
 *	timeout when it used all the time it was given.
 * DIAGNOSTICS
 *	A DNS failure makes the fact FACT_UNKNOWN (SPF: temperror) and is
 *	logged with its reason.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "log.h"
#include "lookups.h"
#include "metrics.h"
#include "rdns.h"
#include "resolver.h"
#include "runtime.h"

/* log_failures - each DNS result left unknown by a failure, with why */
static void
log_failures(const struct session *s, const struct dns_listing *listings,
    size_t n, const struct dns_rdns *rdns)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (listings[i].rc < 0 && listings[i].error != NULL)
			log_info("session=%s DNSBL %s: temporary failure (%s); "
			    "not used", s->id, s->conf->dnsbls[i].zone,
			    listings[i].error);
	if (rdns == NULL)
		return;
	if (rdns->rc < 0 && rdns->error != NULL)
		log_info("session=%s reverse DNS of %s: temporary failure "
		    "(%s); not used", s->id, s->env.ip_text, rdns->error);
	if (rdns->rc == 1 && rdns->confirmed < 0 && rdns->forward_error != NULL)
		log_info("session=%s reverse name %s of %s: forward lookup "
		    "failed (%s); not known to resolve back", s->id,
		    rdns->name, s->env.ip_text, rdns->forward_error);
}

/* failure - what an unknown result counts as, from its reason */
static enum metrics_dns_result
failure(const char *why)
{
	if (why == NULL)
		return METRICS_DNS_CANCELLED;
	if (strstr(why, "deadline") != NULL || strstr(why, "timeout") != NULL)
		return METRICS_DNS_TIMEOUT;
	return METRICS_DNS_ERROR;
}

/* result - a three-way result (1, 0, -1 with why) for the metrics */
static enum metrics_dns_result
result(int rc, const char *why)
{
	return rc > 0 ? METRICS_DNS_YES : rc == 0 ? METRICS_DNS_NO :
	    failure(why);
}

/* the client's DNS lookups of a stage, from start to finish */
struct dynamic {
	unsigned long long start;	/* metrics_clock_ns() */
	struct dns_client *c;
	struct dns_listing *listings;
	size_t	n;
	unsigned what;
	struct dns_rdns rdns;
};

/* dynamic_start - ask inbound.dynamic_ip's lookups, once per session */
static void
dynamic_start(struct session *s, unsigned needs, struct dynamic *d)
{
	const struct conf *c = s->conf;
	char err[256];

	s->dynamic_done = 1;
	s->dynamic = FACT_UNKNOWN;
	if ((needs & NEED_DNSBL) != 0 && c->n_dnsbls > 0) {
		d->n = c->n_dnsbls;
		d->listings = calloc(d->n, sizeof(*d->listings));
		if (d->listings == NULL) {
			log_warnx("session=%s DNS lookups: out of memory",
			    s->id);
			return;
		}
	}
	if ((needs & NEED_PTR) != 0)
		d->what |= DNS_PTR;
	if ((needs & NEED_PTR_FORWARD) != 0)
		d->what |= DNS_FORWARD;
	d->start = metrics_clock_ns();
	d->c = dns_client_start(&s->env.ip, c->dnsbls, d->n, d->what,
	    (unsigned)c->dns_timeout_ms, d->listings, &d->rdns, err,
	    sizeof(err));
	if (d->c == NULL)
		log_warnx("session=%s DNS lookups: %s", s->id, err);
}

/* count_client - the results of the client's lookups, for the metrics;
 * asked is 0 when nothing could be asked (each lookup an error) */
static void
count_client(const struct dynamic *d, int asked)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		metrics_dns(METRICS_DNS_DNSBL, asked ? result(d->listings[i].rc,
		    d->listings[i].error) : METRICS_DNS_ERROR);
	if ((d->what & (DNS_PTR | DNS_FORWARD)) != 0)
		metrics_dns(METRICS_DNS_PTR, asked ? result(d->rdns.rc,
		    d->rdns.error) : METRICS_DNS_ERROR);
	if ((d->what & DNS_FORWARD) != 0 && asked && d->rdns.rc == 1)
		metrics_dns(METRICS_DNS_FORWARD, result(d->rdns.confirmed,
		    d->rdns.forward_error));
}

/* dynamic_finish - the answers, read by rdns_dynamic() */
static void
dynamic_finish(struct session *s, struct dynamic *d)
{
	const struct dns_rdns *rdns = d->what != 0 ? &d->rdns : NULL;

	if (d->c == NULL)
		count_client(d, 0);
	else {
		dns_client_finish(d->c);
		metrics_dns_time(METRICS_DNS_BATCH_CLIENT,
		    metrics_clock_ns() - d->start);
		count_client(d, 1);
		log_failures(s, d->listings, d->n, rdns);
		s->dynamic = rdns_dynamic(&s->env.ip, s->conf->dynamic_checks,
		    s->conf->dnsbls, d->listings, d->n, rdns, s->dynamic_why,
		    sizeof(s->dynamic_why));
	}
	free(d->listings);
}

/* lookup_spf - SPF of this transaction's sender, within timeout_ms */
static void
lookup_spf(struct session *s, unsigned timeout_ms)
{
	char sender[ADDR_FORMAT_MAX];
	const char *arg = NULL;
	unsigned long long start, ns;

	/* the plan asks for SPF only with a sender to check, or <> */
	if (!s->env.from.null &&
	    addr_format(&s->env.from, sender, sizeof(sender)) == 0)
		arg = sender;
	start = metrics_clock_ns();
	s->spf = spf_check_within(runtime_spf(), timeout_ms, &s->env.ip,
	    s->env.helo[0] ? s->env.helo : NULL, arg, s->spf_why,
	    sizeof(s->spf_why));
	ns = metrics_clock_ns() - start;
	metrics_dns_time(METRICS_DNS_BATCH_SPF, ns);
	metrics_spf(s->spf);
	metrics_dns(METRICS_DNS_SPF, s->spf != SPF_RESULT_TEMPERROR ?
	    METRICS_DNS_YES : ns / 1000000ULL >= timeout_ms ?
	    METRICS_DNS_TIMEOUT : METRICS_DNS_ERROR);
	s->spf_checked = 1;
	log_debug("session=%s spf=%s %s", s->id, spf_result_name(s->spf),
	    s->spf_why);
}

/*
 * lookups_dns - the DNS needs of a stage, within one DNSTimeout: SPF is
 * checked while the client's lookups are under way
 */
void
lookups_dns(struct session *s, unsigned needs)
{
	unsigned long start = resolver_clock_ms(), spent;
	unsigned long timeout = s->conf->dns_timeout_ms;
	struct dynamic d;
	int dynamic = !s->dynamic_done && (needs & NEED_DNS_MASK) != 0;

	memset(&d, 0, sizeof(d));
	if (dynamic)
		dynamic_start(s, needs, &d);
	if ((needs & NEED_SPF) != 0) {
		spent = resolver_clock_ms() - start;
		lookup_spf(s, spent < timeout ? (unsigned)(timeout - spent) :
		    0);
	}
	if (dynamic)
		dynamic_finish(s, &d);
}
