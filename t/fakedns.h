/*
 * NAME
 *	fakedns 3h
 * SUMMARY
 *	a DNS server on a loopback port, answering from a table (tests)
 * SYNOPSIS
 *	#include "fakedns.h"
 *
 *	int fakedns_start(const struct fakedns_rr *table);
 *	unsigned fakedns_queries(const char *name, int type);
 *	void fakedns_stop(void);
 * DESCRIPTION
 *	fakedns_start() serves table (ended by a NULL name; it must stay
 *	valid until fakedns_stop()) on 127.0.0.1, a port of its own, UDP
 *	(an answer over 512 octets truncated: TC, no records) and TCP,
 *	from a thread, and points every resolver made afterwards at it
 *	(resolver_servers()). Returns 0, or -1 when it cannot.
 *
 *	A query for name (any case, no final dot) and type is answered
 *	with every row of that name and type, in table order: A and AAAA
 *	data are addresses, PTR, CNAME and MX ("10 host") data names, TXT
 *	data character-strings separated by "|" ("v=spf1 |-all" is two;
 *	one over 255 octets is cut into several).
 *	A name label may hold any octet but '.' ("bad name" is one label
 *	with a space); a name "*.SUFFIX" is every name below SUFFIX.
 *	Rows of the special types answer instead of records:
 *	FAKEDNS_SERVFAIL and FAKEDNS_REFUSED with that code, FAKEDNS_DROP
 *	not at all; for the type in only_type, or every type when it is 0.
 *	A name of the table without rows of the type asked answers no
 *	data; any other name NXDOMAIN. A CNAME row is answered for every
 *	type, followed by the target's rows of the type.
 *
 *	fakedns_queries() says how many queries for name and type (0:
 *	any) came so far. fakedns_stop() stops the thread.
 * DIAGNOSTICS
 *	fakedns_start() returns -1 when its sockets or its thread cannot
 *	be made.
 */
#ifndef ISO_FAKEDNS_H
#define ISO_FAKEDNS_H

#define FAKEDNS_SERVFAIL	(-2)
#define FAKEDNS_REFUSED		(-5)
#define FAKEDNS_DROP		(-1)

struct fakedns_rr {
	const char *name;
	int	type;			/* ns_t_a, ...; or FAKEDNS_* */
	const char *data;
	int	only_type;		/* FAKEDNS_* rows: this type (0: all) */
};

int	fakedns_start(const struct fakedns_rr *table);
unsigned fakedns_queries(const char *name, int type);
void	fakedns_stop(void);

#endif
