/*
 * NAME
 *	spf 3h
 * SUMMARY
 *	SPF checks through libspf2, with a deadline
 * SYNOPSIS
 *	#include "spf.h"
 *
 *	struct spf_checker *spf_new(unsigned timeout_ms, char *err, size_t len);
 *	struct spf_checker *spf_new_zone(const char *const *records,
 *	    unsigned timeout_ms, unsigned long (*clock_ms)(void),
 *	    char *err, size_t len);
 *	void spf_free(struct spf_checker *spf);
 *	enum spf_result spf_check(struct spf_checker *spf,
 *	    const struct ipaddr *ip, const char *helo, const char *sender,
 *	    char *why, size_t why_len);
 *	enum spf_result spf_check_within(struct spf_checker *spf,
 *	    unsigned timeout_ms, const struct ipaddr *ip, const char *helo,
 *	    const char *sender, char *why, size_t why_len);
 * DESCRIPTION
 *	One checker (one SPF_server_t) per process, shared by the worker
 *	threads. spf_new() asks DNS through the milter's resolver
 *	(resolver.h: c-ares, resolv.conf's name servers; spf_resolver.h);
 *	spf_new_zone() answers
 *	from a fixed list of records (tests; no network) of the form
 *	"name TYPE data", TYPE one of TXT A AAAA MX PTR, e.g.
 *	"example.com TXT v=spf1 ip4:192.0.2.0/24 -all" or
 *	"example.com MX 10 mx.example.com" ("name NXDOMAIN" and
 *	"name TEMPFAIL" make those answers). clock_ms (NULL: the real
 *	monotonic clock) lets tests move time.
 *
 *	spf_check() evaluates MAIL FROM sender (an address or a domain); for
 *	the null sender (NULL or "") it checks postmaster@helo as RFC 7208
 *	says. Every DNS query of one check counts against the checker's
 *	timeout_ms; once it is spent, further queries fail and the result
 *	is temperror. spf_check_within() is spf_check() with timeout_ms
 *	for this check alone (what a stage has left of its DNSTimeout; 0:
 *	nothing left, a check that needs DNS is a temperror), so that a
 *	new DNSTimeout applies without a new checker.
 *	libspf2 evaluates; before it sees a record, the record must pass
 *	spf_record_check() (RFC 7208's grammar and limits, spf_record.h):
 *	a record that does not - the sender's own or one reached through
 *	include or redirect - makes the result permerror, never fail. The
 *	limits of 10 DNS-querying terms and 2 void lookups hold across
 *	the whole check; a DNS failure on one name of an mx or ptr
 *	expansion skips that name; prefix lengths of 0 and redirect= mean
 *	what the RFC says (spf_input.h tells how). why for such a
 *	permerror names the record's domain and the rule, e.g.
 *	"example.com: invalid SPF record: term 1 \"a:192.0.2.3\": ...".
 *	Inputs are validated before libspf2 sees them (NULL, empty, control
 *	bytes, overlong names): a bad input gives SPF_RESULT_NONE with why
 *	saying so, never an abort. %{h} expands to the HELO as given (at
 *	most 512 octets; other octets than printable ASCII as spaces), even
 *	one unfit for postmaster@HELO. libspf2's own error and warning output is
 *	routed into log.h; an internal libspf2 error becomes temperror, never
 *	an abort. The check does not give loopback clients the free pass
 *	libspf2 would: 127.0.0.0/8 is evaluated like any other address.
 *	A checker's timeout_ms 0 means no deadline (spf_new():
 *	SPF_RESOLVER_MAX_MS, since a query to a name server must end).
 *
 *	The deadline is checked before each query, and with spf_new() a
 *	query waits only for what is left of it: a check takes at most
 *	timeout_ms (and the time libspf2 takes to evaluate).
 *
 *	The result type and its names are in spf_result.h.
 * DIAGNOSTICS
 *	why receives a short explanation, one line of printable ASCII,
 *	without the result's name (callers print that next to it), e.g.
 *	"domain of example.com does not designate 192.0.2.9 as permitted
 *	sender" or "sender domain is not ASCII". spf_new*() return NULL
 *	with a message in err; for spf_new_zone() it names the bad record
 *	("record 3: unknown type \"SRV\"").
 */
#ifndef ISO_SPF_H
#define ISO_SPF_H

#include <stddef.h>

#include "netset.h"
#include "spf_result.h"

#define SPF_RESOLVER_MAX_MS	20000	/* spf_new()'s "no deadline" */

struct spf_checker;

struct spf_checker *spf_new(unsigned timeout_ms, char *err, size_t len);
struct spf_checker *spf_new_zone(const char *const *records,
	    unsigned timeout_ms, unsigned long (*clock_ms)(void),
	    char *err, size_t len);
void	spf_free(struct spf_checker *spf);
enum spf_result spf_check(struct spf_checker *spf, const struct ipaddr *ip,
	    const char *helo, const char *sender, char *why, size_t why_len);
enum spf_result spf_check_within(struct spf_checker *spf,
	    unsigned timeout_ms, const struct ipaddr *ip, const char *helo,
	    const char *sender, char *why, size_t why_len);

#endif
