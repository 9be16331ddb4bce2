/*
 * NAME
 *	metrics 3h
 * SUMMARY
 *	the process's counters, and their Prometheus text
 * SYNOPSIS
 *	#include "metrics.h"
 *
 *	void metrics_init(time_t now);
 *	unsigned long long metrics_clock_ns(void);
 *
 *	void metrics_session_open(void);
 *	void metrics_session_close(void);
 *	void metrics_decision(enum role role, enum rule_id rule,
 *	    enum action action);
 *	void metrics_store(enum metrics_store_op op, int ok,
 *	    unsigned long long ns);
 *	void metrics_dns(enum metrics_dns_kind kind,
 *	    enum metrics_dns_result result);
 *	void metrics_dns_time(enum metrics_dns_batch batch,
 *	    unsigned long long ns);
 *	void metrics_spf(enum spf_result result);
 *	void metrics_strike(void);
 *	void metrics_quarantine_written(enum store_kind kind);
 *	void metrics_reload(int ok);
 *	void metrics_config(unsigned long *generation_r, time_t *loaded_r);
 *
 *	void metrics_notify_event(enum store_event_type type);
 *	void metrics_notify_alert(enum metrics_alert_result result);
 *	void metrics_notify_hook(int ok);
 *
 *	void metrics_format(struct metrics_text *t, enum metrics_set set);
 *
 *	void metrics_text_family(struct metrics_text *t, const char *name,
 *	    const char *type, const char *help);
 *	void metrics_text_sample(struct metrics_text *t, const char *name,
 *	    unsigned long long value, const char *label, const char *value,
 *	    ..., (const char *)NULL);
 *	void metrics_text_printf(struct metrics_text *t, const char *fmt,
 *	    ...);
 *	void metrics_text_free(struct metrics_text *t);
 *
 *	void metrics_reset(void);
 * DESCRIPTION
 *	One set of counters per process, written from any thread at any
 *	time without a lock: every counter, and every bucket of a
 *	histogram, is a C11 atomic that a writer increments with a relaxed
 *	add; a reader (the scrape) loads each with a relaxed load. So a
 *	session never waits for a scrape, and a scrape sees each counter
 *	whole, though not all of them at one instant (a histogram's _count
 *	is the sum of the buckets it read, so _count always equals the
 *	+Inf bucket).
 *
 *	metrics_init() sets the configuration's generation to 1 and its
 *	load time to now (the start). metrics_clock_ns() is the monotonic
 *	clock durations are measured with.
 *
 *	What is counted (isolation-milter(8), METRICS, names every metric):
 *	sessions opened and open; one decision per decision log line, by
 *	the session's role, the rule (RULE_NONE: "-") and the action;
 *	state store round trips per operation, failed or not, with their
 *	duration; DNS lookups per kind and result, and the time of each
 *	batch (the client's DNSBL, PTR and forward lookups are asked
 *	together under one deadline: one duration per batch; SPF one per
 *	check); SPF results; login strikes; quarantine records written
 *	(new or refreshed) per kind; configuration reloads, ok or failed.
 *	metrics_reload(1) also makes a new generation, loaded now; a
 *	failed one keeps the generation. metrics_config() reads both.
 *
 *	The notifier (isolationctl notify) counts, in its own process, the
 *	events it handled per type, the alerts (sent, failed, or not sent:
 *	no template, no contact, sent before) and the EventCommand runs.
 *
 *	metrics_format() appends the text format 0.0.4 of one set of
 *	families to t: "# HELP" and "# TYPE" lines, then the samples.
 *	METRICS_MILTER is the daemon's, METRICS_NOTIFY the notifier's; both
 *	begin with isolation_milter_build_info{version="..."} 1. Every
 *	combination of labels that can happen is written, 0 or not (a rule
 *	of one role with reject, tempfail and report; "-" with accept and
 *	tempfail), so that rates start at the first scrape; another
 *	combination appears once counted. Histograms write cumulative
 *	_bucket lines, le="+Inf" last, then _sum (seconds, to the
 *	nanosecond) and _count.
 *
 *	metrics_text_family() and metrics_text_sample() write families the
 *	caller computes itself (live quarantines, read from the store):
 *	label values are escaped as the format wants (backslash, double
 *	quote and newline), help text too (backslash and newline). A
 *	struct metrics_text starts zeroed; it grows as needed.
 *
 *	metrics_reset() sets every counter to 0, the generation to 1 and
 *	the load time to 0 (tests).
 * DIAGNOSTICS
 *	Out of memory while writing sets t->failed (the text so far is
 *	kept, never used); nothing else can fail.
 */
#ifndef ISO_METRICS_H
#define ISO_METRICS_H

#include <stddef.h>
#include <time.h>

#include "rules.h"
#include "spf_result.h"
#include "store.h"

enum metrics_store_op {
	METRICS_STORE_CHECK,		/* a stage's quarantines and counters */
	METRICS_STORE_STRIKE,		/* a login strike */
	METRICS_STORE_QUARANTINE,	/* a quarantine written */
	METRICS_STORE_HEALTH,		/* the /health probe */
	METRICS_STORE_LIST,		/* live quarantines, for a scrape */
	METRICS_STORE_OPS,
};

enum metrics_dns_kind {
	METRICS_DNS_DNSBL,		/* one zone */
	METRICS_DNS_PTR,
	METRICS_DNS_FORWARD,		/* the PTR names back to the address */
	METRICS_DNS_SPF,		/* one check, its queries together */
	METRICS_DNS_KINDS,
};

enum metrics_dns_result {
	METRICS_DNS_YES,		/* listed, found, confirmed, ok */
	METRICS_DNS_NO,			/* not_listed, none, unconfirmed */
	METRICS_DNS_TIMEOUT,		/* no answer before the deadline */
	METRICS_DNS_ERROR,		/* SERVFAIL, REFUSED, malformed... */
	METRICS_DNS_CANCELLED,		/* not waited for: already decided */
	METRICS_DNS_RESULTS,
};

enum metrics_dns_batch {
	METRICS_DNS_BATCH_CLIENT,	/* DNSBL, PTR and forward together */
	METRICS_DNS_BATCH_SPF,
	METRICS_DNS_BATCHES,
};

enum metrics_alert_result {
	METRICS_ALERT_SENT,
	METRICS_ALERT_FAILED,
	METRICS_ALERT_SKIPPED,		/* no template or contact, or sent */
	METRICS_ALERT_RESULTS,
};

enum metrics_set {
	METRICS_MILTER,
	METRICS_NOTIFY,
};

/* Text being written: zeroed to start, freed by metrics_text_free(). */
struct metrics_text {
	char   *buf;
	size_t	len;
	size_t	size;
	int	failed;			/* out of memory: do not use */
};

void	metrics_init(time_t now);
unsigned long long metrics_clock_ns(void);

void	metrics_session_open(void);
void	metrics_session_close(void);
void	metrics_decision(enum role role, enum rule_id rule,
	    enum action action);
void	metrics_store(enum metrics_store_op op, int ok, unsigned long long ns);
void	metrics_dns(enum metrics_dns_kind kind, enum metrics_dns_result result);
void	metrics_dns_time(enum metrics_dns_batch batch, unsigned long long ns);
void	metrics_spf(enum spf_result result);
void	metrics_strike(void);
void	metrics_quarantine_written(enum store_kind kind);
void	metrics_reload(int ok);
void	metrics_config(unsigned long *generation_r, time_t *loaded_r);

void	metrics_notify_event(enum store_event_type type);
void	metrics_notify_alert(enum metrics_alert_result result);
void	metrics_notify_hook(int ok);

void	metrics_format(struct metrics_text *t, enum metrics_set set);

void	metrics_text_family(struct metrics_text *t, const char *name,
	    const char *type, const char *help);
void	metrics_text_sample(struct metrics_text *t, const char *name,
	    unsigned long long value, ...) __attribute__((sentinel));
void	metrics_text_printf(struct metrics_text *t, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	metrics_text_free(struct metrics_text *t);

void	metrics_reset(void);

#endif
