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

/* the client's DNS lookups of a stage, from start to finish */
struct dynamic {
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
	d->c = dns_client_start(&s->env.ip, c->dnsbls, d->n, d->what,
	    (unsigned)c->dns_timeout_ms, d->listings, &d->rdns, err,
	    sizeof(err));
	if (d->c == NULL)
		log_warnx("session=%s DNS lookups: %s", s->id, err);
}

/* dynamic_finish - the answers, read by rdns_dynamic() */
static void
dynamic_finish(struct session *s, struct dynamic *d)
{
	const struct dns_rdns *rdns = d->what != 0 ? &d->rdns : NULL;

	if (d->c != NULL) {
		dns_client_finish(d->c);
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

	/* the plan asks for SPF only with a sender to check, or <> */
	if (!s->env.from.null &&
	    addr_format(&s->env.from, sender, sizeof(sender)) == 0)
		arg = sender;
	s->spf = spf_check_within(runtime_spf(), timeout_ms, &s->env.ip,
	    s->env.helo[0] ? s->env.helo : NULL, arg, s->spf_why,
	    sizeof(s->spf_why));
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
