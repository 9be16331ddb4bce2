/*
 * NAME
 *	lookups 3h
 * SUMMARY
 *	facts that need the state store or DNS, and the quarantine write
 * SYNOPSIS
 *	#include "lookups.h"
 *
 *	unsigned lookups_plan(struct session *s, enum stage stage);
 *	void lookups_stage(struct session *s, enum stage stage, time_t now);
 *	void lookups_dns(struct session *s, unsigned needs);
 *	void lookups_effects(struct session *s, const struct verdict *v,
 *	    time_t now);
 * DESCRIPTION
 *	The milter's side of the decision plan: it executes what the policy
 *	engine asks for and decides nothing.
 *
 *	lookups_plan() asks policy_needs() what a stage needs, on the
 *	session's facts so far, and logs the plan at level debug
 *	("session=ID plan stage=mail needs=quarantine_ip,spf").
 *	lookups_stage() executes it: one store round trip for the
 *	quarantines (once per transaction), the counters of the stage's
 *	RateLimit lines (policy_rate_counters()) and the note of the login
 *	seen on the address; then lookups_dns() for the DNSBL zones and the
 *	reverse name (once per session) and SPF, within one DNSTimeout.
 *
 *	lookups_effects() executes the effects of an enforced verdict: the
 *	client IP quarantined for QuarantineTTL (verdict.quarantine_ip), or
 *	a strike against the login (verdict.strike_login), counted in the
 *	store per LoginQuarantine window; policy_login_quarantine() says
 *	when the strikes quarantine the login.
 *
 *	The store knows a client by its envelope's ip_key (ip_store_key():
 *	an IPv6 client by its IPv6Prefix network).
 * DIAGNOSTICS
 *	Store and DNS failures become FACT_UNKNOWN and are logged; a store
 *	outage is logged once until the store answers again.
 */
#ifndef ISO_LOOKUPS_H
#define ISO_LOOKUPS_H

#include <time.h>

#include "session.h"

unsigned lookups_plan(struct session *s, enum stage stage);
void	lookups_stage(struct session *s, enum stage stage, time_t now);
void	lookups_dns(struct session *s, unsigned needs);
void	lookups_effects(struct session *s, const struct verdict *v,
	    time_t now);

#endif
