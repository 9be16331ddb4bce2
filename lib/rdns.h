/*
 * NAME
 *	rdns 3h
 * SUMMARY
 *	generic (dynamic, consumer) reverse DNS names
 * SYNOPSIS
 *	#include "rdns.h"
 *
 *	int rdns_is_generic(const char *name, const struct ipaddr *ip,
 *	    const char **why_r);
 * DESCRIPTION
 *	rdns_is_generic() is a pure function: 1 when name looks like the
 *	reverse name an access provider gives a consumer or dynamic line
 *	(the address's digits in the name, labels such as dsl, dyn,
 *	dynamic, pool, dhcp, cable, ppp, client, host-, ip-, customer, broadband,
 *	...), 0 when it looks like a mail server's name. *why_r (may be
 *	NULL) receives a static phrase saying which sign was seen.
 */
#ifndef ISO_RDNS_H
#define ISO_RDNS_H

#include "netset.h"

int	rdns_is_generic(const char *name, const struct ipaddr *ip,
	    const char **why_r);

#endif
