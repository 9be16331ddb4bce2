/*
 * NAME
 *	rdns 3h
 * SUMMARY
 *	generic (dynamic, consumer) reverse DNS names, and DNSBL answer filters
 * SYNOPSIS
 *	#include "rdns.h"
 *
 *	int rdns_is_generic(const char *name, const struct ipaddr *ip,
 *	    const char **why_r);
 *	int dnsbl_filter_match(const char *filter, const struct ipaddr *answer);
 * DESCRIPTION
 *	rdns_is_generic() is a pure function: 1 when name looks like the
 *	reverse name an access provider gives a consumer or dynamic line
 *	(the address's digits in the name, labels such as dsl, dyn,
 *	dynamic, pool, dhcp, cable, ppp, client, host-, ip-, customer, broadband,
 *	...), 0 when it looks like a mail server's name. *why_r (may be
 *	NULL) receives a static phrase saying which sign was seen.
 *
 *	dnsbl_filter_match() matches a DNSBL answer against a filter in
 *	Postfix's reject_rbl_client syntax ("127.0.0.2", "127.0.0.[10..11]",
 *	"127.0.[0..255].[2;4;10..11]"); a NULL filter matches any answer.
 *	Returns 1 match, 0 no match, -1 malformed filter.
 */
#ifndef ISO_RDNS_H
#define ISO_RDNS_H

#include "netset.h"

int	rdns_is_generic(const char *name, const struct ipaddr *ip,
	    const char **why_r);
int	dnsbl_filter_match(const char *filter, const struct ipaddr *answer);

#endif
