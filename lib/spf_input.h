/*
 * NAME
 *	spf_input 3h
 * SUMMARY
 *	what libspf2 is handed: identities and DNS answers
 *	(private to spf.c)
 * SYNOPSIS
 *	#include "spf_input.h"
 *
 *	int spf_helo_usable(const char *helo);
 *	const char *spf_helo_macro(const char *helo, char *buf, size_t len);
 *	const char *spf_identity(const char *helo, const char *sender,
 *	    char *buf, size_t len, char *why, size_t why_len);
 *
 *	SPF_dns_server_t *spf_guard_new(SPF_dns_server_t *below,
 *	    unsigned long (*clock_ms)(void));
 *	void spf_guard_begin(SPF_dns_server_t *guard,
 *	    const struct ipaddr *ip, long timeout_ms);
 *	void spf_guard_request(SPF_request_t *req, SPF_response_t *resp);
 *	enum spf_guard_end spf_guard_end(char *why, size_t len);
 * DESCRIPTION
 *	libspf2 asserts on bad input, so every name is checked here first.
 *	spf_identity() builds the identity to check: local@domain of the
 *	sender, or postmaster@HELO for the null sender (RFC 7208); a local
 *	part unfit for %{l} becomes "postmaster" so that it cannot dodge a
 *	check. Returns buf, or NULL with why (our own text) when there is
 *	nothing usable to check. spf_helo_usable() says whether HELO is
 *	fit for that (at most 255 octets of visible ASCII).
 *	spf_helo_macro() writes the HELO that %{h} expands to into buf
 *	(len octets): the HELO as given (RFC 7208 7.3), each octet outside
 *	printable ASCII made a space, so that what it expands to is never
 *	looked up with such octets; NULL (no %{h}: permerror) when there
 *	is no HELO or it does not fit.
 *
 *	The guard is the DNS layer libspf2 talks to (the top one; the
 *	c-ares layer of spf_resolver.h or libspf2's zone layer below it).
 *	It fetches SPF records and
 *	explanations itself (libspf2's get_spf and get_exp hooks) and sees
 *	every other query, so that during a check:
 *	- every query counts against the check's timeout_ms (negative:
 *	  none; 0: already spent): once it is spent, queries fail at once
 *	  (TRY_AGAIN) and the check ends as a temperror
 *	  (SPF_GUARD_DEADLINE); so does a query that failed because the
 *	  time ran out while it waited;
 *	- an SPF record is the one TXT string of the name that
 *	  spf_record_is_spf() accepts (none: none; two: permerror); SPF
 *	  (type 99) records are never asked for (RFC 7208 3.1). It must
 *	  pass spf_record_check() - else the check is a permerror with the
 *	  reason (SPF_GUARD_REFUSED) - and libspf2 compiles the text that
 *	  spf_record_prepare() makes of it; when libspf2 keeps fewer
 *	  mechanisms than it was given (its compiled record has 511
 *	  octets), permerror too;
 *	- terms that query DNS are counted across includes and redirects
 *	  (RFC 7208 4.6.4): an include or redirect (a record fetched after
 *	  the first), and every other query except those below. The 11th
 *	  is not made: permerror. Of those queries, answers "no such name"
 *	  and "no data" are void lookups: the third is a permerror;
 *	- the A or AAAA queries for the names of the last MX or PTR answer
 *	  (the mx and ptr mechanisms, %{p}) are part of that term: they are
 *	  not counted, and one that fails (SERVFAIL, REFUSED, timeout: any
 *	  error but "no such name" or "no data") is answered "no data", so
 *	  that the name is skipped (RFC 7208 5.4, 5.5) and the other names
 *	  and terms are still tried. Only the first 10 names of a PTR
 *	  answer are used (4.6.4: the others are ignored). A failure of
 *	  the PTR query itself is "no data" too (5.5: no match);
 *	- elsewhere every error but "no such name" and "no data" is a
 *	  temporary one (4.4, 5: libspf2 would take an unrecoverable DNS
 *	  error for no match, or for permerror);
 *	- names are cut from the left to 253 octets (4.8); a name that
 *	  cannot be a DNS name (empty label, label over 63 octets, octets
 *	  outside printable ASCII) is answered "no such name" without a
 *	  query; a space (%_ makes one) is looked up as it is; an include
 *	  or redirect target is handed back to libspf2 as cut, so that
 *	  %{d} never grows past 253 octets;
 *	- a name that ends in SPF_ANY_MARK (see spf_record_prepare()) is
 *	  looked up without it, and an answer with addresses of the
 *	  client's family becomes the client's own address;
 *	- the explanation (exp=) is fetched only for the final result, and
 *	  only for fail, after the evaluation; its query counts nothing,
 *	  never spends the deadline, and any failure - no record, two
 *	  records, a text that spf_explain_check() refuses - gives an
 *	  empty explanation: it never changes the result.
 *
 *	spf_guard_new() makes the layer over below, reading time from
 *	clock_ms (NULL: out of memory; SPF_dns_free() on it frees below
 *	too). spf_guard_begin() starts a check in this thread on guard for
 *	client ip, with timeout_ms for its queries, reading the clock
 *	once; spf_guard_request() hands over the check's request and
 *	response once made; spf_guard_end() ends it and says how:
 *	SPF_GUARD_OK, SPF_GUARD_REFUSED (permerror; why gets the reason)
 *	or SPF_GUARD_DEADLINE (temperror). Outside a check the layer
 *	passes queries down untouched. The state is thread-local.
 * DIAGNOSTICS
 *	A permerror's reason comes back through spf_guard_end(); names
 *	skipped, explanations not used and the deadline are logged at
 *	level debug.
 */
#ifndef ISO_SPF_INPUT_H
#define ISO_SPF_INPUT_H

#include <stddef.h>

#include "netset.h"

#define SPF_DOMAIN_MAX	253		/* a domain, without the final dot */
#define SPF_LABEL_MAX	63
#define SPF_HELO_MAX	255
#define SPF_LOCAL_MAX	64

enum spf_guard_end {
	SPF_GUARD_OK,
	SPF_GUARD_REFUSED,
	SPF_GUARD_DEADLINE,
};

struct SPF_dns_server_struct;
struct SPF_request_struct;
struct SPF_response_struct;

#define SPF_HELO_MACRO_MAX	512	/* the longest HELO for %{h} */

int	spf_helo_usable(const char *helo);
const char *spf_helo_macro(const char *helo, char *buf, size_t len);
const char *spf_identity(const char *helo, const char *sender, char *buf,
	    size_t len, char *why, size_t why_len);

struct SPF_dns_server_struct *spf_guard_new(
	    struct SPF_dns_server_struct *below,
	    unsigned long (*clock_ms)(void));
void	spf_guard_begin(struct SPF_dns_server_struct *guard,
	    const struct ipaddr *ip, long timeout_ms);
void	spf_guard_request(struct SPF_request_struct *req,
	    struct SPF_response_struct *resp);
enum spf_guard_end spf_guard_end(char *why, size_t len);

#endif
