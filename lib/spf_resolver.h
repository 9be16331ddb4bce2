/*
 * NAME
 *	spf_resolver 3h
 * SUMMARY
 *	libspf2's DNS layer over c-ares (private to spf.c)
 * SYNOPSIS
 *	#include "spf_resolver.h"
 *
 *	SPF_dns_server_t *spf_resolver_new(void);
 *	void spf_resolver_begin(unsigned timeout_ms);
 *	void spf_resolver_end(void);
 * DESCRIPTION
 *	spf_resolver_new() makes the bottom DNS layer of spf_new()'s
 *	checkers (NULL: out of memory; SPF_dns_free() frees it): libspf2's
 *	queries go through resolver.h, the milter's one resolver, instead
 *	of libspf2's own layer on the system resolver.
 *
 *	spf_resolver_begin() starts a check in this thread: every query
 *	until spf_resolver_end() shares one resolver (one c-ares channel,
 *	made at the first query) whose deadline is timeout_ms from now, so
 *	that a query waits at most what is left of the check's time, and
 *	none is made once it is spent. spf_resolver_end() closes it. A
 *	query outside a check fails (TRY_AGAIN). The state is thread-local.
 *
 *	Answers, as libspf2's own layer gives them: the records of the
 *	answer section of the type asked for - addresses (A, AAAA, through
 *	the CNAMEs of the answer), each TXT record as one string (its
 *	character-strings joined, RFC 7208 3.3), MX hosts, PTR names; no
 *	such name is HOST_NOT_FOUND, a name without such records NO_DATA,
 *	every failure (timeout, the deadline, SERVFAIL, REFUSED, a
 *	malformed answer, out of memory) TRY_AGAIN.
 * DIAGNOSTICS
 *	A failed query is logged at level debug with its reason; a check
 *	whose resolver cannot be made is logged as a warning, and its
 *	queries fail.
 */
#ifndef ISO_SPF_RESOLVER_H
#define ISO_SPF_RESOLVER_H

struct SPF_dns_server_struct;

struct SPF_dns_server_struct *spf_resolver_new(void);
void	spf_resolver_begin(unsigned timeout_ms);
void	spf_resolver_end(void);

#endif
