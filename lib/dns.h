/*
 * NAME
 *	dns 3h
 * SUMMARY
 *	the few DNS lookups the inbound rules make, each with a deadline
 * SYNOPSIS
 *	#include "dns.h"
 *
 *	int dns_ptr_confirmed(const struct ipaddr *ip, unsigned timeout_ms,
 *	    char *name, size_t len, int *confirmed_r);
 *	int dns_dnsbl(const struct ipaddr *ip, const char *zone,
 *	    unsigned timeout_ms, struct ipaddr *answers, size_t max,
 *	    size_t *n_r);
 * DESCRIPTION
 *	Lookups use the system resolver (resolv.conf) through a per-thread
 *	resolver state whose timeout and retries are set so that a call never
 *	takes longer than timeout_ms in total.
 *
 *	dns_ptr_confirmed() looks up the PTR names of ip and, for each, its
 *	A or AAAA records; the first name that maps back to ip is written to
 *	name with *confirmed_r = 1. When no name confirms, the first PTR name
 *	is written with *confirmed_r = 0. Returns 1 when ip has a PTR name,
 *	0 when it has none (NXDOMAIN, no data), -1 on a temporary failure or
 *	timeout (nothing written).
 *
 *	dns_dnsbl() queries the A records of the reversed address under zone
 *	(d.c.b.a.zone; nibbles for IPv6). Returns 1 listed (answers written,
 *	*n_r set), 0 not listed, -1 temporary failure or timeout.
 *
 *	Outputs are untouched on 0 and -1.
 */
#ifndef ISO_DNS_H
#define ISO_DNS_H

#include <stddef.h>

#include "netset.h"

int	dns_ptr_confirmed(const struct ipaddr *ip, unsigned timeout_ms,
	    char *name, size_t len, int *confirmed_r);
int	dns_dnsbl(const struct ipaddr *ip, const char *zone,
	    unsigned timeout_ms, struct ipaddr *answers, size_t max,
	    size_t *n_r);

#endif
