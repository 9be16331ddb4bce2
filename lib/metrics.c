/*
 * NAME
 *	metrics 3
 * SUMMARY
 *	the process's counters, and their Prometheus text
 * SYNOPSIS
 *	#include "metrics.h"
 * DESCRIPTION
 *	Counters are atomics updated with relaxed adds (metrics.h). The
 *	histogram buckets are kept per bucket, not cumulative, so that an
 *	observation is one add (and one for the sum); the scrape adds them
 *	up. Durations are kept in nanoseconds, as integers, and written as
 *	seconds with nine decimals: no floating point on the session path.
 *
 *	Bucket bounds: the store's from 100 us (an LMDB read) to 1 s (past
 *	any sane RedisTimeout); DNS from 1 ms to 10 s (DNSTimeout is at
 *	most 20 s, 5 s by default).
 * DIAGNOSTICS
 *	None but out of memory while writing text (metrics.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

#define PREFIX		"isolation_milter_"
#define BUCKETS		13		/* bounds of every histogram */
#define N_ROLES		(ROLE_OUTBOUND + 1)
#define N_RULES		(RULE_COUNT + 1)	/* RULE_NONE last */
#define N_ACTIONS	(ACTION_ACCEPT + 1)

typedef atomic_ullong counter;

struct bound {
	unsigned long long ns;		/* an observation <= ns falls in */
	const char *le;			/* the same, as the label writes it */
};

struct histogram {
	counter	bucket[BUCKETS + 1];	/* the last: above every bound */
	counter	sum_ns;
};

static const struct bound store_bounds[BUCKETS] = {
	{100000ULL, "0.0001"}, {250000ULL, "0.00025"}, {500000ULL, "0.0005"},
	{1000000ULL, "0.001"}, {2500000ULL, "0.0025"}, {5000000ULL, "0.005"},
	{10000000ULL, "0.01"}, {25000000ULL, "0.025"}, {50000000ULL, "0.05"},
	{100000000ULL, "0.1"}, {250000000ULL, "0.25"}, {500000000ULL, "0.5"},
	{1000000000ULL, "1"},
};

static const struct bound dns_bounds[BUCKETS] = {
	{1000000ULL, "0.001"}, {2500000ULL, "0.0025"}, {5000000ULL, "0.005"},
	{10000000ULL, "0.01"}, {25000000ULL, "0.025"}, {50000000ULL, "0.05"},
	{100000000ULL, "0.1"}, {250000000ULL, "0.25"}, {500000000ULL, "0.5"},
	{1000000000ULL, "1"}, {2500000000ULL, "2.5"}, {5000000000ULL, "5"},
	{10000000000ULL, "10"},
};

static const char *const store_op_names[METRICS_STORE_OPS] = {
	[METRICS_STORE_CHECK] = "check",
	[METRICS_STORE_STRIKE] = "strike",
	[METRICS_STORE_QUARANTINE] = "quarantine",
	[METRICS_STORE_HEALTH] = "health",
	[METRICS_STORE_LIST] = "list",
};

static const char *const dns_kind_names[METRICS_DNS_KINDS] = {
	[METRICS_DNS_DNSBL] = "dnsbl",
	[METRICS_DNS_PTR] = "ptr",
	[METRICS_DNS_FORWARD] = "forward",
	[METRICS_DNS_SPF] = "spf",
};

/* what each result is called for each kind; NULL: cannot happen */
static const char *const dns_result_names[METRICS_DNS_KINDS]
    [METRICS_DNS_RESULTS] = {
	[METRICS_DNS_DNSBL] = {"listed", "not_listed", "timeout", "error",
	    "cancelled"},
	[METRICS_DNS_PTR] = {"found", "none", "timeout", "error", "cancelled"},
	[METRICS_DNS_FORWARD] = {"confirmed", "unconfirmed", "timeout",
	    "error", "cancelled"},
	[METRICS_DNS_SPF] = {"ok", NULL, "timeout", "error", NULL},
};

static const char *const dns_batch_names[METRICS_DNS_BATCHES] = {
	[METRICS_DNS_BATCH_CLIENT] = "client",
	[METRICS_DNS_BATCH_SPF] = "spf",
};

static const char *const alert_result_names[METRICS_ALERT_RESULTS] = {
	[METRICS_ALERT_SENT] = "sent",
	[METRICS_ALERT_FAILED] = "failed",
	[METRICS_ALERT_SKIPPED] = "skipped",
};

static const enum store_event_type event_types[] = {
	STORE_EVENT_QUARANTINE, STORE_EVENT_HIT, STORE_EVENT_RELEASE,
};

static struct {
	counter	sessions_total;
	atomic_llong sessions_active;
	counter	decisions[N_ROLES][N_RULES][N_ACTIONS];
	counter	store_requests[METRICS_STORE_OPS];
	counter	store_errors[METRICS_STORE_OPS];
	struct histogram store_time[METRICS_STORE_OPS];
	counter	dns[METRICS_DNS_KINDS][METRICS_DNS_RESULTS];
	struct histogram dns_time[METRICS_DNS_BATCHES];
	counter	spf[SPF_RESULT_COUNT];
	counter	strikes;
	counter	quarantines_written[STORE_LOGIN + 1];
	counter	reloads_ok;
	counter	reloads_failed;
	counter	generation;		/* 0 is read as 1: before init */
	atomic_llong loaded;
	counter	notify_events[STORE_EVENT_RELEASE + 1];
	counter	notify_alerts[METRICS_ALERT_RESULTS];
	counter	notify_hooks_ok;
	counter	notify_hooks_failed;
} m;

/* add - one relaxed increment */
static void
add(counter *c, unsigned long long n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/* get - one relaxed read */
static unsigned long long
get(counter *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* observe - one observation into a histogram */
static void
observe(struct histogram *h, const struct bound *b, unsigned long long ns)
{
	size_t i;

	for (i = 0; i < BUCKETS && ns > b[i].ns; i++)
		;
	add(&h->bucket[i], 1);
	add(&h->sum_ns, ns);
}

/* metrics_init - the first configuration is generation 1, loaded now */
void
metrics_init(time_t now)
{
	atomic_store(&m.generation, 1);
	atomic_store(&m.loaded, (long long)now);
}

/* metrics_clock_ns - the monotonic clock, in nanoseconds */
unsigned long long
metrics_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL +
	    (unsigned long long)ts.tv_nsec;
}

/* metrics_session_open - a session begins */
void
metrics_session_open(void)
{
	add(&m.sessions_total, 1);
	atomic_fetch_add_explicit(&m.sessions_active, 1, memory_order_relaxed);
}

/* metrics_session_close - a session ends */
void
metrics_session_close(void)
{
	atomic_fetch_sub_explicit(&m.sessions_active, 1, memory_order_relaxed);
}

/* metrics_decision - one decision line */
void
metrics_decision(enum role role, enum rule_id rule, enum action action)
{
	if ((unsigned)role < N_ROLES && (unsigned)rule < N_RULES &&
	    (unsigned)action < N_ACTIONS)
		add(&m.decisions[role][rule][action], 1);
}

/* metrics_store - one store round trip, its outcome and duration */
void
metrics_store(enum metrics_store_op op, int ok, unsigned long long ns)
{
	if ((unsigned)op >= METRICS_STORE_OPS)
		return;
	add(&m.store_requests[op], 1);
	if (!ok)
		add(&m.store_errors[op], 1);
	observe(&m.store_time[op], store_bounds, ns);
}

/* metrics_dns - one DNS lookup's result */
void
metrics_dns(enum metrics_dns_kind kind, enum metrics_dns_result result)
{
	if ((unsigned)kind < METRICS_DNS_KINDS &&
	    (unsigned)result < METRICS_DNS_RESULTS)
		add(&m.dns[kind][result], 1);
}

/* metrics_dns_time - how long a batch of DNS lookups took */
void
metrics_dns_time(enum metrics_dns_batch batch, unsigned long long ns)
{
	if ((unsigned)batch < METRICS_DNS_BATCHES)
		observe(&m.dns_time[batch], dns_bounds, ns);
}

/* metrics_spf - one SPF result */
void
metrics_spf(enum spf_result result)
{
	if ((unsigned)result < SPF_RESULT_COUNT)
		add(&m.spf[result], 1);
}

/* metrics_strike - one strike against a login */
void
metrics_strike(void)
{
	add(&m.strikes, 1);
}

/* metrics_quarantine_written - one quarantine record created or refreshed */
void
metrics_quarantine_written(enum store_kind kind)
{
	if ((unsigned)kind <= STORE_LOGIN)
		add(&m.quarantines_written[kind], 1);
}

/* metrics_reload - a reload; a valid one is a new generation, loaded now */
void
metrics_reload(int ok)
{
	if (!ok) {
		add(&m.reloads_failed, 1);
		return;
	}
	add(&m.reloads_ok, 1);
	add(&m.generation, 1);
	atomic_store(&m.loaded, (long long)time(NULL));
}

/* metrics_config - the running configuration's generation and load time */
void
metrics_config(unsigned long *generation_r, time_t *loaded_r)
{
	unsigned long long g = get(&m.generation);

	*generation_r = g == 0 ? 1 : (unsigned long)g;
	*loaded_r = (time_t)atomic_load(&m.loaded);
}

/* metrics_notify_event - the notifier handled an event */
void
metrics_notify_event(enum store_event_type type)
{
	if ((unsigned)type <= STORE_EVENT_RELEASE)
		add(&m.notify_events[type], 1);
}

/* metrics_notify_alert - the notifier's alert for an event */
void
metrics_notify_alert(enum metrics_alert_result result)
{
	if ((unsigned)result < METRICS_ALERT_RESULTS)
		add(&m.notify_alerts[result], 1);
}

/* metrics_notify_hook - one EventCommand run */
void
metrics_notify_hook(int ok)
{
	add(ok ? &m.notify_hooks_ok : &m.notify_hooks_failed, 1);
}

/* metrics_reset - every counter back to zero */
void
metrics_reset(void)
{
	memset(&m, 0, sizeof(m));
	atomic_store(&m.generation, 1);
}

/* grow - room for n more octets and a NUL; 0, or -1 (t->failed) */
static int
grow(struct metrics_text *t, size_t n)
{
	size_t size;
	char *p;

	if (t->failed)
		return -1;
	if (t->len + n + 1 <= t->size)
		return 0;
	for (size = t->size ? t->size : 4096; size < t->len + n + 1; size *= 2)
		;
	if ((p = realloc(t->buf, size)) == NULL) {
		t->failed = 1;
		return -1;
	}
	t->buf = p;
	t->size = size;
	return 0;
}

/* metrics_text_printf - append formatted text: formatted once when it
 * fits in the room left, as it mostly does */
void
metrics_text_printf(struct metrics_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (grow(t, 0) < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= t->size - t->len) {
		if (grow(t, (size_t)n) < 0)
			return;
		va_start(ap, fmt);
		vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
		va_end(ap);
	}
	t->len += (size_t)n;
}

/* put_escaped - s with \ and newline escaped, and " in a label value */
static void
put_escaped(struct metrics_text *t, const char *s, int label)
{
	size_t n = strlen(s);

	/* at most two octets for each */
	if (grow(t, 2 * n) < 0)
		return;
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '\n' || (*s == '"' && label))
			t->buf[t->len++] = '\\';
		t->buf[t->len++] = *s == '\n' ? 'n' : *s;
	}
	t->buf[t->len] = '\0';
}

/* metrics_text_family - the HELP and TYPE lines of a family */
void
metrics_text_family(struct metrics_text *t, const char *name,
    const char *type, const char *help)
{
	metrics_text_printf(t, "# HELP %s ", name);
	put_escaped(t, help, 0);
	metrics_text_printf(t, "\n# TYPE %s %s\n", name, type);
}

/* put_labels - {name="value",...} from a NULL-ended list of pairs */
static void
put_labels(struct metrics_text *t, va_list ap)
{
	const char *name, *value;
	int n = 0;

	while ((name = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		metrics_text_printf(t, "%s%s=\"", n++ ? "," : "{", name);
		put_escaped(t, value, 1);
		metrics_text_printf(t, "\"");
	}
	if (n > 0)
		metrics_text_printf(t, "}");
}

/* metrics_text_sample - one sample line with its labels */
void
metrics_text_sample(struct metrics_text *t, const char *name,
    unsigned long long value, ...)
{
	va_list ap;

	metrics_text_printf(t, "%s", name);
	va_start(ap, value);
	put_labels(t, ap);
	va_end(ap);
	metrics_text_printf(t, " %llu\n", value);
}

/* metrics_text_free - release the text */
void
metrics_text_free(struct metrics_text *t)
{
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

/* put_histogram - the _bucket, _sum and _count lines of one label value */
static void
put_histogram(struct metrics_text *t, const char *name, const char *label,
    const char *value, struct histogram *h, const struct bound *b)
{
	unsigned long long n = 0, sum = get(&h->sum_ns);
	size_t i;

	for (i = 0; i <= BUCKETS; i++) {
		n += get(&h->bucket[i]);
		metrics_text_printf(t, "%s_bucket{%s=\"%s\",le=\"%s\"} %llu\n",
		    name, label, value, i < BUCKETS ? b[i].le : "+Inf", n);
	}
	metrics_text_printf(t, "%s_sum{%s=\"%s\"} %llu.%09llu\n", name, label,
	    value, sum / 1000000000ULL, sum % 1000000000ULL);
	metrics_text_printf(t, "%s_count{%s=\"%s\"} %llu\n", name, label,
	    value, n);
}

/* put_build_info - the version, as a constant 1 */
static void
put_build_info(struct metrics_text *t)
{
	metrics_text_family(t, PREFIX "build_info", "gauge",
	    "The version running, as a label; always 1.");
	metrics_text_sample(t, PREFIX "build_info", 1, "version",
	    PACKAGE_VERSION, (const char *)NULL);
}

/* decision_possible - a combination that a decision line can have */
static int
decision_possible(int role, int rule, int action)
{
	if (rule == RULE_NONE)
		return action == ACTION_ACCEPT || action == ACTION_TEMPFAIL;
	return rule_get((enum rule_id)rule)->role == (enum role)role &&
	    (action == ACTION_REJECT || action == ACTION_TEMPFAIL ||
	    action == ACTION_REPORT);
}

/* put_decisions - decisions by role, rule and action */
static void
put_decisions(struct metrics_text *t)
{
	unsigned long long n;
	int role, rule, action;

	metrics_text_family(t, PREFIX "decisions_total", "counter",
	    "Decisions, one per decision log line, by the session's role, "
	    "the rule (\"-\": none) and the action.");
	for (role = 0; role < N_ROLES; role++)
		for (rule = 0; rule < N_RULES; rule++)
			for (action = 0; action < N_ACTIONS; action++) {
				n = get(&m.decisions[role][rule][action]);
				if (n == 0 && (role == ROLE_AUTO ||
				    !decision_possible(role, rule, action)))
					continue;
				metrics_text_sample(t, PREFIX
				    "decisions_total", n,
				    "role", role_name((enum role)role),
				    "rule", rule == RULE_NONE ? "-" :
				    rule_name((enum rule_id)rule),
				    "action", action_name((enum action)action),
				    (const char *)NULL);
			}
}

/* put_sessions - sessions open and opened */
static void
put_sessions(struct metrics_text *t)
{
	long long active = atomic_load_explicit(&m.sessions_active,
	    memory_order_relaxed);

	metrics_text_family(t, PREFIX "sessions_active", "gauge",
	    "SMTP sessions open now.");
	metrics_text_sample(t, PREFIX "sessions_active",
	    active > 0 ? (unsigned long long)active : 0, (const char *)NULL);
	metrics_text_family(t, PREFIX "sessions_total", "counter",
	    "SMTP sessions opened.");
	metrics_text_sample(t, PREFIX "sessions_total", get(&m.sessions_total),
	    (const char *)NULL);
}

/* put_store - round trips, errors and their durations */
static void
put_store(struct metrics_text *t)
{
	int op;

	metrics_text_family(t, PREFIX "store_requests_total", "counter",
	    "State store round trips, by operation.");
	for (op = 0; op < METRICS_STORE_OPS; op++)
		metrics_text_sample(t, PREFIX "store_requests_total",
		    get(&m.store_requests[op]), "op", store_op_names[op],
		    (const char *)NULL);
	metrics_text_family(t, PREFIX "store_errors_total", "counter",
	    "State store round trips that failed (down, timeout, error), by "
	    "operation.");
	for (op = 0; op < METRICS_STORE_OPS; op++)
		metrics_text_sample(t, PREFIX "store_errors_total",
		    get(&m.store_errors[op]), "op", store_op_names[op],
		    (const char *)NULL);
	metrics_text_family(t, PREFIX "store_duration_seconds", "histogram",
	    "State store round trip time, by operation.");
	for (op = 0; op < METRICS_STORE_OPS; op++)
		put_histogram(t, PREFIX "store_duration_seconds", "op",
		    store_op_names[op], &m.store_time[op], store_bounds);
}

/* put_dns - lookups by kind and result, batch durations, SPF results */
static void
put_dns(struct metrics_text *t)
{
	int kind, result, batch;

	metrics_text_family(t, PREFIX "dns_lookups_total", "counter",
	    "DNS lookups by kind and result (SPF: one per check).");
	for (kind = 0; kind < METRICS_DNS_KINDS; kind++)
		for (result = 0; result < METRICS_DNS_RESULTS; result++)
			if (dns_result_names[kind][result] != NULL)
				metrics_text_sample(t, PREFIX
				    "dns_lookups_total", get(&m.dns[kind][result]),
				    "kind", dns_kind_names[kind],
				    "result", dns_result_names[kind][result],
				    (const char *)NULL);
	metrics_text_family(t, PREFIX "dns_duration_seconds", "histogram",
	    "DNS time per batch: the client's DNSBL, PTR and forward lookups "
	    "together (client), or one SPF check (spf).");
	for (batch = 0; batch < METRICS_DNS_BATCHES; batch++)
		put_histogram(t, PREFIX "dns_duration_seconds", "batch",
		    dns_batch_names[batch], &m.dns_time[batch], dns_bounds);
	metrics_text_family(t, PREFIX "spf_results_total", "counter",
	    "SPF results.");
	for (result = 0; result < SPF_RESULT_COUNT; result++)
		metrics_text_sample(t, PREFIX "spf_results_total",
		    get(&m.spf[result]), "result",
		    spf_result_name((enum spf_result)result), (const char *)NULL);
}

/* put_quarantines - strikes and quarantine records written */
static void
put_quarantines(struct metrics_text *t)
{
	metrics_text_family(t, PREFIX "login_strikes_total", "counter",
	    "Strikes counted against logins (LoginQuarantine).");
	metrics_text_sample(t, PREFIX "login_strikes_total", get(&m.strikes),
	    (const char *)NULL);
	metrics_text_family(t, PREFIX "quarantines_written_total", "counter",
	    "Quarantine records written by this server, new or refreshed, "
	    "by kind.");
	metrics_text_sample(t, PREFIX "quarantines_written_total",
	    get(&m.quarantines_written[STORE_IP]), "kind", "ip",
	    (const char *)NULL);
	metrics_text_sample(t, PREFIX "quarantines_written_total",
	    get(&m.quarantines_written[STORE_LOGIN]), "kind", "login",
	    (const char *)NULL);
}

/* put_config - reloads, the generation and its load time */
static void
put_config(struct metrics_text *t)
{
	unsigned long generation;
	time_t loaded;

	metrics_config(&generation, &loaded);
	metrics_text_family(t, PREFIX "config_reloads_total", "counter",
	    "Configuration reloads (SIGHUP), by result: failed keeps the "
	    "running configuration.");
	metrics_text_sample(t, PREFIX "config_reloads_total",
	    get(&m.reloads_ok), "result", "ok", (const char *)NULL);
	metrics_text_sample(t, PREFIX "config_reloads_total",
	    get(&m.reloads_failed), "result", "failed", (const char *)NULL);
	metrics_text_family(t, PREFIX "config_generation", "gauge",
	    "The running configuration: 1 at start, one more per valid "
	    "reload.");
	metrics_text_sample(t, PREFIX "config_generation", generation,
	    (const char *)NULL);
	metrics_text_family(t, PREFIX "config_loaded_timestamp_seconds",
	    "gauge", "When the running configuration was loaded, Unix time.");
	metrics_text_sample(t, PREFIX "config_loaded_timestamp_seconds",
	    loaded > 0 ? (unsigned long long)loaded : 0, (const char *)NULL);
}

/* put_notify - the notifier's events, alerts and hook runs */
static void
put_notify(struct metrics_text *t)
{
	size_t i;

	metrics_text_family(t, PREFIX "notify_events_total", "counter",
	    "Events the notifier handled, by type.");
	for (i = 0; i < sizeof(event_types) / sizeof(event_types[0]); i++)
		metrics_text_sample(t, PREFIX "notify_events_total",
		    get(&m.notify_events[event_types[i]]), "type",
		    store_event_type_name(event_types[i]), (const char *)NULL);
	metrics_text_family(t, PREFIX "notify_alerts_total", "counter",
	    "Alert mails for new incidents, by result (skipped: no template, "
	    "no contact, or sent before).");
	for (i = 0; i < METRICS_ALERT_RESULTS; i++)
		metrics_text_sample(t, PREFIX "notify_alerts_total",
		    get(&m.notify_alerts[i]), "result", alert_result_names[i],
		    (const char *)NULL);
	metrics_text_family(t, PREFIX "notify_hook_runs_total", "counter",
	    "EventCommand runs, by result (failed: exit status not 0, "
	    "signal, timeout).");
	metrics_text_sample(t, PREFIX "notify_hook_runs_total",
	    get(&m.notify_hooks_ok), "result", "ok", (const char *)NULL);
	metrics_text_sample(t, PREFIX "notify_hook_runs_total",
	    get(&m.notify_hooks_failed), "result", "failed", (const char *)NULL);
}

/* metrics_format - the text of one set of families */
void
metrics_format(struct metrics_text *t, enum metrics_set set)
{
	put_build_info(t);
	if (set == METRICS_NOTIFY) {
		put_notify(t);
		return;
	}
	put_decisions(t);
	put_sessions(t);
	put_store(t);
	put_dns(t);
	put_quarantines(t);
	put_config(t);
}
