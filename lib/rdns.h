/*
 * NAME
 *	rdns 3h
 * SUMMARY
 *	generic (dynamic, consumer) reverse DNS names; what the client's
 *	DNS facts say
 * SYNOPSIS
 *	#include "rdns.h"
 *
 *	int rdns_is_generic(const char *name, const struct ipaddr *ip,
 *	    const char **why_r);
 *	int rdns_dynamic(const struct ipaddr *ip, unsigned checks,
 *	    const struct dnsbl *zones, const struct dns_listing *listings,
 *	    size_t n_zones, const struct dns_rdns *rdns, char *why,
 *	    size_t len);
 * DESCRIPTION
 *	rdns_is_generic() is a pure function: 1 when name looks like the
 *	reverse name an access provider gives a consumer or dynamic line
 *	(the address's digits in the name, labels such as dsl, dyn,
 *	dynamic, pool, dhcp, cable, ppp, client, host-, ip-, customer, broadband,
 *	...), 0 when it looks like a mail server's name. *why_r (may be
 *	NULL) receives a static phrase saying which sign was seen.
 *
 *	rdns_dynamic() is a pure function too: the inbound.dynamic_ip
 *	evidence in what dns_client() (dns.h) found for ip, read under
 *	checks (conf.h's DYNAMIC_* bits of DynamicIPChecks). listings are
 *	the answers of the n_zones zones (0: none asked); rdns is the
 *	reverse name (NULL: not asked). In this order:
 *	- with DYNAMIC_DNSBL, the first zone whose answer passes the zone's
 *	  filter: "listed in ZONE as ANSWER";
 *	- no PTR name, with DYNAMIC_NO_PTR: "IP has no reverse DNS name";
 *	- a name known not to resolve back (confirmed 0), with
 *	  DYNAMIC_UNCONFIRMED: "reverse name NAME does not resolve back to
 *	  IP";
 *	- a generic name, with DYNAMIC_GENERIC, whether or not it resolves
 *	  back or that is known: "generic reverse name NAME: SIGN".
 *	Returns 1 (FACT_YES) with why set on the first of these; else -1
 *	(FACT_UNKNOWN) when a result that could have said yes is unknown:
 *	a zone's (with DYNAMIC_DNSBL), the PTR answer (with any of the
 *	other three), or the forward answer (with DYNAMIC_UNCONFIRMED);
 *	else 0 (FACT_NO). why (len octets) is untouched unless 1.
 * DIAGNOSTICS
 *	None: pure functions; rdns_dynamic()'s why is the only text.
 */
#ifndef ISO_RDNS_H
#define ISO_RDNS_H

#include <stddef.h>

#include "dns.h"
#include "netset.h"

int	rdns_is_generic(const char *name, const struct ipaddr *ip,
	    const char **why_r);
int	rdns_dynamic(const struct ipaddr *ip, unsigned checks,
	    const struct dnsbl *zones, const struct dns_listing *listings,
	    size_t n_zones, const struct dns_rdns *rdns, char *why,
	    size_t len);

#endif
