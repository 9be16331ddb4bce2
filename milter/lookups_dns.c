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
 *	NEED_PTR_FORWARD, NEED_SPF): the client's DNS facts once per
 *	session, SPF for the transaction's sender.
 * DIAGNOSTICS
 *	A DNS failure makes the fact FACT_UNKNOWN (SPF: temperror) and is
 *	logged.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dns.h"
#include "log.h"
#include "lookups.h"
#include "rdns.h"
#include "runtime.h"

/* dynamic_dnsbl - is the client listed in a DNSBL zone? */
static int
dynamic_dnsbl(struct session *s)
{
	const struct conf *c = s->conf;
	struct ipaddr answers[8];
	char text[IP_TEXT_MAX];
	size_t i, j, n;
	int rc, unknown = 0;

	for (i = 0; i < c->n_dnsbls; i++) {
		rc = dns_dnsbl(&s->env.ip, c->dnsbls[i].zone,
		    (unsigned)c->dns_timeout_ms, answers, 8, &n);
		if (rc < 0) {
			log_info("session=%s DNSBL %s: temporary failure; not used",
			    s->id, c->dnsbls[i].zone);
			unknown = 1;
			continue;
		}
		for (j = 0; rc == 1 && j < n; j++) {
			if (dnsbl_filter_match(c->dnsbls[i].filter, &answers[j]) != 1)
				continue;
			ip_format(&answers[j], text, sizeof(text));
			snprintf(s->dynamic_why, sizeof(s->dynamic_why),
			    "listed in %s as %s", c->dnsbls[i].zone, text);
			return FACT_YES;
		}
	}
	return unknown ? FACT_UNKNOWN : FACT_NO;
}

/* dynamic_rdns - no PTR, an unconfirmed PTR, or a generic name */
static int
dynamic_rdns(struct session *s)
{
	unsigned checks = s->conf->dynamic_checks;
	const char *why;
	char name[256];
	int confirmed, rc;

	rc = dns_ptr_confirmed(&s->env.ip, (unsigned)s->conf->dns_timeout_ms,
	    name, sizeof(name), &confirmed);
	if (rc < 0) {
		log_info("session=%s reverse DNS of %s: temporary failure; not used",
		    s->id, s->env.ip_text);
		return FACT_UNKNOWN;
	}
	if (rc == 0) {
		if ((checks & DYNAMIC_NO_PTR) == 0)
			return FACT_NO;
		snprintf(s->dynamic_why, sizeof(s->dynamic_why),
		    "%s has no reverse DNS name", s->env.ip_text);
		return FACT_YES;
	}
	if (!confirmed && (checks & DYNAMIC_UNCONFIRMED) != 0) {
		snprintf(s->dynamic_why, sizeof(s->dynamic_why),
		    "reverse name %.160s does not resolve back to %.46s", name,
		    s->env.ip_text);
		return FACT_YES;
	}
	if ((checks & DYNAMIC_GENERIC) != 0 &&
	    rdns_is_generic(name, &s->env.ip, &why) == 1) {
		snprintf(s->dynamic_why, sizeof(s->dynamic_why),
		    "generic reverse name %.160s: %.60s", name, why);
		return FACT_YES;
	}
	return FACT_NO;
}

/* lookup_dynamic - inbound.dynamic_ip evidence, once per session */
static void
lookup_dynamic(struct session *s, unsigned needs)
{
	int rc = FACT_NO;

	if (s->dynamic_done)
		return;
	s->dynamic_done = 1;
	s->dynamic = FACT_NO;
	if ((needs & NEED_DNSBL) != 0)
		rc = dynamic_dnsbl(s);
	if (rc != FACT_YES && (needs & NEED_PTR) != 0) {
		int r2 = dynamic_rdns(s);

		rc = r2 == FACT_NO && rc == FACT_UNKNOWN ? FACT_UNKNOWN : r2;
	}
	s->dynamic = rc;
}

/* lookup_spf - SPF of this transaction's sender */
static void
lookup_spf(struct session *s)
{
	char sender[ADDR_FORMAT_MAX];
	const char *arg = NULL;

	/* the plan asks for SPF only with a sender to check, or <> */
	if (!s->env.from.null && addr_format(&s->env.from, sender, sizeof(sender)) == 0)
		arg = sender;
	s->spf = spf_check(runtime_spf(), &s->env.ip, s->env.helo[0] ? s->env.helo : NULL,
	    arg, s->spf_why, sizeof(s->spf_why));
	s->spf_checked = 1;
	log_debug("session=%s spf=%s %s", s->id, spf_result_name(s->spf),
	    s->spf_why);
}

/* lookups_dns - the DNS needs of a stage */
void
lookups_dns(struct session *s, unsigned needs)
{
	if ((needs & (NEED_DNSBL | NEED_PTR)) != 0)
		lookup_dynamic(s, needs);
	if ((needs & NEED_SPF) != 0)
		lookup_spf(s);
}
