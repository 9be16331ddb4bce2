/*
 * NAME
 *	resolver 3h
 * SUMMARY
 *	DNS queries over c-ares, many at once, under one deadline
 * SYNOPSIS
 *	#include "resolver.h"
 *
 *	struct resolver *resolver_new(unsigned timeout_ms, char *err,
 *	    size_t len);
 *	void resolver_query(struct resolver *r, const char *name, int type,
 *	    resolver_cb *cb, void *arg);
 *	void resolver_wait(struct resolver *r, int (*enough)(void *),
 *	    void *arg);
 *	void resolver_free(struct resolver *r);
 *
 *	int resolver_ptr_names(const unsigned char *answer, int len,
 *	    void (*fn)(void *, const char *), void *arg);
 *	unsigned long resolver_clock_ms(void);
 *	int resolver_servers(const char *servers, char *err, size_t len);
 * DESCRIPTION
 *	The one resolver of the milter's own lookups (DNSBL, reverse DNS,
 *	SPF's queries through spf_resolver.h). A resolver is one c-ares
 *	channel, made for one call (a stage's DNSBL and PTR lookups, one
 *	SPF check) and used by one thread; it reads /etc/resolv.conf's
 *	name servers when it is made, so an edited resolv.conf applies to
 *	the next call. Queries are plain (no search list, absolute names);
 *	a truncated UDP answer is asked again over TCP.
 *
 *	resolver_new() starts the clock: every query of r must be answered
 *	within timeout_ms of that moment, however many there are and
 *	whenever they are asked. Each name server is first given 1 s (a
 *	third of timeout_ms when that is less, at least 100 ms), the wait
 *	doubles every round, and rounds go on until timeout_ms is spent
 *	(resolv.conf's timeout and attempts are not used). NULL with err
 *	when c-ares cannot make a channel.
 *
 *	resolver_query() asks name (type: ns_t_a, ns_t_txt, ...; class
 *	IN); cb(arg, status, why, answer, len) is called exactly once, from
 *	resolver_query() itself (a name c-ares cannot encode, the deadline
 *	already past) or from resolver_wait(). status is RESOLVER_OK (the
 *	raw answer, len octets, holds records; parse them with c-ares's
 *	ares_parse_*_reply() or resolver_ptr_names()), RESOLVER_NODATA,
 *	RESOLVER_NXDOMAIN (also for a name that cannot be a DNS name),
 *	RESOLVER_TEMPFAIL (why: "no answer before the deadline", "no
 *	answer (timeout)", ...) or RESOLVER_CANCELLED (resolver_wait()
 *	stopped because enough said so). answer is NULL and len 0 except
 *	for RESOLVER_OK, why a static text or NULL. A callback may ask
 *	further queries.
 *
 *	resolver_wait() runs the queries until none is left, enough(arg)
 *	(may be NULL; asked again after each event) returns nonzero, or the
 *	deadline passes; the queries left are then ended, RESOLVER_CANCELLED
 *	or RESOLVER_TEMPFAIL. r can ask more afterwards, within what is left
 *	of its deadline. resolver_free() ends any query left (TEMPFAIL) and
 *	closes the channel.
 *
 *	resolver_ptr_names() calls fn(arg, name) for the target of every
 *	PTR record (class IN) of the answer section, in order, as c-ares
 *	expands it (no final dot; octets other than letters, digits and
 *	"-_/" escaped with a backslash). Returns how many, or -1 when the
 *	answer is malformed (fn may have been called).
 *
 *	resolver_clock_ms() is the monotonic clock the deadlines use, in
 *	milliseconds.
 *
 *	resolver_servers() makes every resolver made afterwards ask these
 *	servers ("127.0.0.1:5353,[::1]:53"; NULL: resolv.conf's again)
 *	instead of resolv.conf's: tests use it to run a server of their own
 *	on a port of its own. Not thread-safe: call it before threads
 *	start. 0, or -1 with err.
 * DIAGNOSTICS
 *	resolver_new() and resolver_servers() put c-ares's reason in err.
 *	A query's failure is its callback's status and why. Nothing is
 *	logged here.
 */
#ifndef ISO_RESOLVER_H
#define ISO_RESOLVER_H

#include <stddef.h>

enum resolver_status {
	RESOLVER_OK,
	RESOLVER_NODATA,
	RESOLVER_NXDOMAIN,
	RESOLVER_TEMPFAIL,
	RESOLVER_CANCELLED,
};

#define RESOLVER_TRY_MS		1000	/* a server's first wait */
#define RESOLVER_TRY_MIN_MS	100
#define RESOLVER_TRIES_MAX	8

struct resolver;

typedef void resolver_cb(void *arg, enum resolver_status status,
	    const char *why, const unsigned char *answer, int len);

struct resolver *resolver_new(unsigned timeout_ms, char *err, size_t len);
void	resolver_query(struct resolver *r, const char *name, int type,
	    resolver_cb *cb, void *arg);
void	resolver_wait(struct resolver *r, int (*enough)(void *), void *arg);
void	resolver_free(struct resolver *r);
int	resolver_ptr_names(const unsigned char *answer, int len,
	    void (*fn)(void *, const char *), void *arg);
unsigned long resolver_clock_ms(void);
int	resolver_servers(const char *servers, char *err, size_t len);

#endif
