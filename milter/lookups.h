/*
 * NAME
 *	lookups 3h
 * SUMMARY
 *	facts that need the state store or DNS, and the quarantine write
 * SYNOPSIS
 *	#include "lookups.h"
 *
 *	void lookups_mail(struct session *s, time_t now);
 *	void lookups_rcpt(struct session *s, time_t now);
 *	void lookups_quarantine(struct session *s, const struct verdict *v,
 *	    time_t now);
 * DESCRIPTION
 *	lookups_mail() runs at every MAIL FROM: in one store round trip it
 *	reads the quarantine state of the client (and login) anew and counts
 *	the message against the "messages" RateLimit lines; it looks up the
 *	client's DNS facts for inbound.dynamic_ip once per session, and
 *	checks SPF for the new sender. lookups_rcpt() counts a recipient
 *	against the "recipients" lines (one round trip, none without such
 *	lines). A lookup is skipped when no rule could use it (wrong role,
 *	rule off, trusted client: TrustedNetworks are not counted per IP).
 *
 *	lookups_quarantine() records what an enforced refusal asks for: the
 *	client IP as quarantined for QuarantineTTL (inbound.customer_direct),
 *	or a strike against the login, counted in the store per
 *	LoginQuarantine window; enough strikes quarantine the login.
 * DIAGNOSTICS
 *	Store and DNS failures become FACT_UNKNOWN and are logged; a store
 *	outage is logged once until the store answers again.
 */
#ifndef ISO_LOOKUPS_H
#define ISO_LOOKUPS_H

#include <time.h>

#include "session.h"

void	lookups_mail(struct session *s, time_t now);
void	lookups_rcpt(struct session *s, time_t now);
void	lookups_dns(struct session *s, unsigned needs);
void	lookups_quarantine(struct session *s, const struct verdict *v,
	    time_t now);

#endif
