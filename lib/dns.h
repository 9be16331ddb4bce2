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
 *	int dns_reverse_name(const struct ipaddr *ip, const char *zone,
 *	    char *buf, size_t len);
 *
 *	struct dnsbl_filter *dnsbl_filter_parse(const char *text,
 *	    const char **err_r);
 *	int dnsbl_filter_match(const struct dnsbl_filter *filter,
 *	    const struct ipaddr *answer);
 *	const char *dnsbl_filter_text(const struct dnsbl_filter *filter);
 * DESCRIPTION
 *	Lookups use the system resolver (resolv.conf) through a per-thread
 *	resolver state whose timeout and retries are set so that a call never
 *	takes longer than timeout_ms in total. The resolver waits in whole
 *	seconds: a query is started only while a whole second of the budget
 *	remains, except the first of a call, so that a timeout_ms under 1000
 *	still lets one query wait one second. The state is re-read when
 *	resolv.conf changes. Truncated answers are not retried over TCP
 *	(whose waits the resolver does not bound): the records that came
 *	are used, and a truncated answer without any is a temporary failure.
 *
 *	dns_ptr_confirmed() looks up the PTR names of ip and, for each, its
 *	A or AAAA records; the first name that maps back to ip is written to
 *	name with *confirmed_r = 1. When no name confirms, the first PTR name
 *	is written with *confirmed_r = 0. Names are lower case, without the
 *	final dot; only the first DNS_MAX_PTR names, made of letters,
 *	digits, '-', '_' and '.', that fit in len are used, and at most
 *	DNS_MAX_ADDRS addresses of each. Returns 1 when ip has such a PTR
 *	name, 0 when it has none (NXDOMAIN, no data), -1 on a temporary
 *	failure or timeout (nothing written); also -1 when no name confirms
 *	and a forward lookup failed or the budget ran out, since the name
 *	might have confirmed.
 *
 *	dns_dnsbl() queries the A records of the reversed address under zone
 *	(d.c.b.a.zone; nibbles for IPv6). Returns 1 listed (answers written,
 *	at most max, *n_r set), 0 not listed, -1 temporary failure or
 *	timeout. Only answers in 127.0.0.0/8 list (others come from resolvers
 *	that rewrite NXDOMAIN); an answer in 127.255.255.0/24 is the list
 *	refusing to answer (e.g. a query through a public resolver), -1.
 *
 *	dns_reverse_name() writes the name that a PTR query (zone NULL:
 *	in-addr.arpa or ip6.arpa) or a DNSBL query (zone given, a final dot
 *	ignored) asks for: "4.3.2.1.zone" for 1.2.3.4, 32 nibbles, lowest
 *	first, for IPv6. Returns 0, or -1 when the family is unknown, zone
 *	is empty, or buf is too small (buf untouched).
 *
 *	Outputs are untouched on 0 and -1.
 *
 *	dnsbl_filter_parse() compiles a DNSBL answer filter in Postfix's
 *	reject_rbl_client syntax, once, when the configuration is read:
 *	four octets separated by dots, each a number or a list in square
 *	brackets of numbers and ranges separated by ";" ("127.0.0.2",
 *	"127.0.0.[10..11]", "127.0.[0..255].[2;4;8..10]"). A number is 0
 *	to 255 in decimal without leading zeros; a range's end is not below
 *	its start. The result is one block that free() releases, and it
 *	keeps the text (dnsbl_filter_text(), for logs). NULL with *err_r
 *	set to a static English message when the text is not such a filter,
 *	or "out of memory".
 *
 *	dnsbl_filter_match() runs a compiled filter against one answer: 1
 *	when every octet of the (IPv4) answer is among its field's numbers,
 *	else 0; a NULL filter matches any answer.
 */
#ifndef ISO_DNS_H
#define ISO_DNS_H

#include <stddef.h>

#include "netset.h"

#define DNS_MAX_PTR	4	/* PTR names tried by dns_ptr_confirmed() */
#define DNS_MAX_ADDRS	16	/* addresses looked at per name */

int	dns_ptr_confirmed(const struct ipaddr *ip, unsigned timeout_ms,
	    char *name, size_t len, int *confirmed_r);
int	dns_dnsbl(const struct ipaddr *ip, const char *zone,
	    unsigned timeout_ms, struct ipaddr *answers, size_t max,
	    size_t *n_r);
int	dns_reverse_name(const struct ipaddr *ip, const char *zone,
	    char *buf, size_t len);

struct dnsbl_filter;

struct dnsbl_filter *dnsbl_filter_parse(const char *text, const char **err_r);
int	dnsbl_filter_match(const struct dnsbl_filter *filter,
	    const struct ipaddr *answer);
const char *dnsbl_filter_text(const struct dnsbl_filter *filter);

#endif
