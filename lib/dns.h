/*
 * NAME
 *	dns 3h
 * SUMMARY
 *	the client's DNS facts: DNSBL zones and reverse DNS, under one deadline
 * SYNOPSIS
 *	#include "dns.h"
 *
 *	int dns_client(const struct ipaddr *ip, const struct dnsbl *zones,
 *	    size_t n_zones, unsigned what, unsigned timeout_ms,
 *	    struct dns_listing *listings, struct dns_rdns *rdns,
 *	    char *err, size_t len);
 *	struct dns_client *dns_client_start(const struct ipaddr *ip,
 *	    const struct dnsbl *zones, size_t n_zones, unsigned what,
 *	    unsigned timeout_ms, struct dns_listing *listings,
 *	    struct dns_rdns *rdns, char *err, size_t len);
 *	void dns_client_finish(struct dns_client *c);
 *	int dns_reverse_name(const struct ipaddr *ip, const char *zone,
 *	    char *buf, size_t len);
 *
 *	struct dnsbl_filter *dnsbl_filter_parse(const char *text,
 *	    const char **err_r);
 *	int dnsbl_filter_match(const struct dnsbl_filter *filter,
 *	    const struct ipaddr *answer);
 *	const char *dnsbl_filter_text(const struct dnsbl_filter *filter);
 * DESCRIPTION
 *	dns_client() asks, all at once through one resolver (resolver.h),
 *	the A records of ip under each of the n_zones DNSBL zones (conf.h's
 *	struct dnsbl) and, when what has DNS_PTR, ip's PTR names; with
 *	DNS_FORWARD (which implies DNS_PTR) also the A or AAAA records of
 *	each PTR name as soon as the PTR answer is in. Everything ends
 *	within timeout_ms: what has not answered by then is unknown. It
 *	ends sooner when the rest cannot change what rdns.h's
 *	rdns_dynamic() makes of it: once a zone lists ip with an answer
 *	that passes the zone's filter and every zone before it has
 *	answered; or once every zone has answered and a PTR name resolves
 *	back to ip, every name before it having answered. The queries left
 *	are then not waited for.
 *
 *	listings[i] is zone i's answer: rc 1 listed (answers[0..n-1], at
 *	most DNS_MAX_ANSWERS), 0 not listed, -1 unknown. Only answers in
 *	127.0.0.0/8 list (others come from resolvers that rewrite
 *	NXDOMAIN); an answer in 127.255.255.0/24 is the list refusing to
 *	answer (e.g. a query through a public resolver): -1.
 *
 *	rdns (filled with DNS_PTR, else untouched): rc 1 when ip has a
 *	usable PTR name, 0 when it has none (NXDOMAIN, no data, no usable
 *	name), -1 unknown. Usable names are the first DNS_MAX_PTR made of
 *	letters, digits, '-', '_' and '.', lower case, without the final
 *	dot. name is the first name that resolves back to ip (confirmed
 *	1), else the first name; confirmed is 0 when every name's forward
 *	lookup answered without ip (at most DNS_MAX_ADDRS addresses looked
 *	at per name), -1 when a forward lookup failed or was not made
 *	(without DNS_FORWARD).
 *
 *	error (listings, rdns) and forward_error (rdns, with confirmed -1)
 *	say why a result is unknown: a static text ("no answer before the
 *	deadline", "no usable answer from any name server (SERVFAIL, ...",
 *	...), or NULL when the lookup was not waited for, or not made.
 *
 *	Returns 0; -1 with err when nothing could be asked (bad arguments,
 *	no resolver): then every result is unknown.
 *
 *	dns_client_start() and dns_client_finish() are dns_client() in two
 *	halves, so that the caller can do other work while the answers
 *	come in (the milter checks SPF meanwhile): the first sends the
 *	queries and returns at once (NULL with err as dns_client() returns
 *	-1), the second waits, fills listings and rdns (which must stay
 *	valid until then) and frees c. The answers that came in between
 *	are read then; timeout_ms still counts from the start.
 *
 *	dns_reverse_name() writes the name that a PTR query (zone NULL:
 *	in-addr.arpa or ip6.arpa) or a DNSBL query (zone given, a final dot
 *	ignored) asks for: "4.3.2.1.zone" for 1.2.3.4, 32 nibbles, lowest
 *	first, for IPv6. Returns 0, or -1 when the family is unknown, zone
 *	is empty, or buf is too small (buf untouched).
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
 * DIAGNOSTICS
 *	dns_client() and dns_client_start() put why nothing could be asked
 *	in err; each result carries its own reason. Nothing is logged here:
 *	the caller logs, with its session.
 */
#ifndef ISO_DNS_H
#define ISO_DNS_H

#include <stddef.h>

#include "netset.h"

#define DNS_MAX_PTR	4	/* PTR names used */
#define DNS_MAX_ADDRS	16	/* addresses looked at per name */
#define DNS_MAX_ANSWERS	8	/* DNSBL answers kept per zone */
#define DNS_NAME_MAX	253	/* a name, without the final dot */

#define DNS_PTR		0x01	/* the client's reverse name */
#define DNS_FORWARD	0x02	/* and does it resolve back? */

struct dnsbl;
struct dns_client;

struct dns_listing {
	int	rc;			/* 1 listed, 0 not, -1 unknown */
	const char *error;		/* rc -1: why, or NULL */
	struct ipaddr answers[DNS_MAX_ANSWERS];
	size_t	n;
};

struct dns_rdns {
	int	rc;			/* 1 a name, 0 none, -1 unknown */
	const char *error;		/* rc -1: why, or NULL */
	char	name[DNS_NAME_MAX + 1];
	int	confirmed;		/* 1 yes, 0 no, -1 unknown */
	const char *forward_error;	/* confirmed -1: why, or NULL */
};

int	dns_client(const struct ipaddr *ip, const struct dnsbl *zones,
	    size_t n_zones, unsigned what, unsigned timeout_ms,
	    struct dns_listing *listings, struct dns_rdns *rdns, char *err,
	    size_t len);
struct dns_client *dns_client_start(const struct ipaddr *ip,
	    const struct dnsbl *zones, size_t n_zones, unsigned what,
	    unsigned timeout_ms, struct dns_listing *listings,
	    struct dns_rdns *rdns, char *err, size_t len);
void	dns_client_finish(struct dns_client *c);
int	dns_reverse_name(const struct ipaddr *ip, const char *zone,
	    char *buf, size_t len);

struct dnsbl_filter;

struct dnsbl_filter *dnsbl_filter_parse(const char *text, const char **err_r);
int	dnsbl_filter_match(const struct dnsbl_filter *filter,
	    const struct ipaddr *answer);
const char *dnsbl_filter_text(const struct dnsbl_filter *filter);

#endif
