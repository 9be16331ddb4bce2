/*
 * NAME
 *	lookups 3
 * SUMMARY
 *	facts that need the state store or DNS, and the quarantine write
 * SYNOPSIS
 *	#include "lookups.h"
 * DESCRIPTION
 *	Executes the store part of the decision plan and the effects of a
 *	verdict (lookups.h); the DNS part is in lookups_dns.c. Every store
 *	call is bounded by RedisTimeout (or is local, for the embedded
 *	store), so that a session never waits longer than the MTA's milter
 *	timeout.
 *
 *	Each store round trip is timed and counted for the metrics
 *	(metrics.h: by operation, failed or not), and so are the strikes
 *	and the quarantine records written.
 *
 *	A quarantine's evidence holds client text (HELO, MAIL FROM): each
 *	value escaped as the decision line escapes it, so that a HELO with
 *	" from=..." or CR LF in it cannot forge a field, and cut to its own
 *	share of the record, ending in the decision line's DECLOG_CUT.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "declog.h"
#include "log.h"
#include "lookups.h"
#include "metrics.h"
#include "runtime.h"

#define EVIDENCE_HELO	56	/* octets of the escaped HELO kept */
#define EVIDENCE_FROM	88	/* octets of the escaped MAIL FROM kept;
				   with the rest, 252 octets: it all fits */

/* a store that fails now and then is logged at most this often */
#define OUTAGE_LOG_SECONDS	10

static pthread_mutex_t outage_lock = PTHREAD_MUTEX_INITIALIZER;
static int outage_logged;		/* a failure logged, no answer since */
static time_t outage_last_log;		/* when a failure was last logged */
static unsigned long outage_unlogged;	/* failures not logged since */

/* store_outage - log a store failure once, and its end once; a store
 * that fails and answers by turns (a flaky link) gets a failure line at
 * most every OUTAGE_LOG_SECONDS, with a count of those in between */
static void
store_outage(int failed, const char *why)
{
	unsigned long unlogged = 0;
	int log_fail = 0, log_back = 0;
	time_t now = time(NULL);
	char count[64] = "";

	pthread_mutex_lock(&outage_lock);
	if (failed && !outage_logged && (outage_last_log == 0 ||
	    now - outage_last_log >= OUTAGE_LOG_SECONDS)) {
		log_fail = 1;
		unlogged = outage_unlogged;
		outage_unlogged = 0;
		outage_last_log = now;
		outage_logged = 1;
	} else if (failed && !outage_logged)
		outage_unlogged++;
	else if (!failed && outage_logged) {
		log_back = 1;
		outage_logged = 0;
	}
	pthread_mutex_unlock(&outage_lock);
	if (log_fail) {
		if (unlogged > 0)
			snprintf(count, sizeof(count), " (%lu failures since "
			    "the last such line)", unlogged);
		log_msg(LOG_LEVEL_ERROR, "state store %s failed: %s; OnStateError decides until it answers again%s",
		    store_name(runtime_store()), why, count);
	} else if (log_back)
		log_msg(LOG_LEVEL_NOTICE, "state store %s answers again",
		    store_name(runtime_store()));
}

/* store_request - the store part of the plan as one round trip */
static void
store_request(struct session *s, const struct facts *f, enum stage stage,
    unsigned needs, struct store_check *q, struct store_counter *counters)
{
	const struct envelope *e = &s->env;
	size_t i, n = 0;

	memset(q, 0, sizeof(*q));
	if ((needs & NEED_QUARANTINE_IP) != 0)
		q->ip = e->ip_key;
	if ((needs & NEED_QUARANTINE_LOGIN) != 0)
		q->login = e->auth;
	if ((needs & NEED_SEEN_LOGIN) != 0) {
		q->ip = e->ip_key;
		q->seen_login = e->auth;
		q->seen_ttl = (time_t)(s->conf->last_login_ttl_ms / 1000);
	}
	/* an address is counted, and named in the reply, by its store key:
	 * an IPv6 client by its IPv6Prefix network */
	if ((needs & (NEED_RATE_MESSAGES | NEED_RATE_RECIPIENTS)) != 0)
		n = policy_rate_counters(s->conf, f, stage, e->ip_key, s->rates,
		    CONF_RATE_LIMITS_MAX);
	for (i = 0; i < n; i++) {
		const struct rate_limit *rl = s->rates[i].limit;

		memset(&counters[i], 0, sizeof(counters[i]));
		counters[i].kind = rl->scope == RATE_SCOPE_IP ? STORE_IP :
		    STORE_LOGIN;
		counters[i].key = s->rates[i].who;
		counters[i].what = rl->what == RATE_MESSAGES ? "messages" :
		    "recipients";
		counters[i].window_ms = rl->window_ms;
		counters[i].add = 1;
	}
	q->counters = n > 0 ? counters : NULL;
	q->n_counters = n;
}

/* ask_store - one round trip: quarantines to read, counters to add, the
 * login to note; the answers become facts */
static void
ask_store(struct session *s, unsigned needs, struct store_check *q,
    time_t now)
{
	struct store *st = runtime_store();
	int quarantine = (needs & (NEED_QUARANTINE_IP |
	    NEED_QUARANTINE_LOGIN)) != 0;
	struct store_err err;
	unsigned long long start;
	size_t i;
	int rc;

	s->n_rates = 0;
	s->rates_unknown = 0;
	if (q->ip == NULL && q->login == NULL && q->n_counters == 0)
		return;
	if (quarantine)
		s->quarantine_done = 1;
	start = metrics_clock_ns();
	rc = store_check(st, q, now, &err);
	metrics_store(METRICS_STORE_CHECK, rc >= 0, metrics_clock_ns() - start);
	if (rc < 0) {
		store_outage(1, err.text);
		if (quarantine)
			s->quarantined = FACT_UNKNOWN;
		s->rates_unknown = q->n_counters > 0;
		return;
	}
	store_outage(0, NULL);
	if (quarantine)
		s->quarantined = ((needs & NEED_QUARANTINE_IP) != 0 &&
		    q->ip_quarantined_r) || q->login_quarantined_r ?
		    FACT_YES : FACT_NO;
	for (i = 0; i < q->n_counters; i++) {
		s->rates[i].count = q->counters[i].count_r;
		s->rates[i].reset_ms = q->counters[i].reset_ms_r;
	}
	s->n_rates = q->n_counters;
}

/* lookups_plan - the needs of a stage, as the policy engine plans them */
unsigned
lookups_plan(struct session *s, enum stage stage)
{
	char text[NEEDS_TEXT_MAX];
	struct facts f;
	unsigned needs;

	session_facts(s, &f);
	needs = policy_needs(s->conf, &f, stage);
	if (log_enabled(LOG_LEVEL_DEBUG))	/* the text costs more than the plan */
		log_debug("session=%s plan stage=%s needs=%s", s->id,
		    stage_name(stage), policy_needs_format(needs, text,
		    sizeof(text)));
	return needs;
}

/* lookups_stage - execute the plan of a stage: one store round trip,
 * then the DNS lookups */
void
lookups_stage(struct session *s, enum stage stage, time_t now)
{
	struct store_counter counters[CONF_RATE_LIMITS_MAX];
	struct store_check q;
	struct facts f;
	unsigned needs = lookups_plan(s, stage);

	/* a fact already known is not looked up again: the quarantine once
	 * per transaction, the client's DNS once per session */
	if (s->quarantine_done)
		needs &= ~(unsigned)(NEED_QUARANTINE_IP | NEED_QUARANTINE_LOGIN);
	if (s->dynamic_done)
		needs &= ~(unsigned)(NEED_DNSBL | NEED_PTR | NEED_PTR_FORWARD);
	session_facts(s, &f);
	store_request(s, &f, stage, needs, &q, counters);
	ask_store(s, needs, &q, now);
	if ((needs & (NEED_DNS_MASK | NEED_SPF)) != 0)
		lookups_dns(s, needs & (NEED_DNS_MASK | NEED_SPF));
}

/* evidence_field - client text escaped as in the log, at most max octets */
static const char *
evidence_field(const char *raw, size_t max, char *buf, size_t len)
{
	char esc[4 * sizeof(((struct envelope *)0)->from_text) + 1];
	size_t n, k;

	declog_escape(raw, 0, esc, sizeof(esc));
	if (strlen(esc) > max) {
		n = max - strlen(DECLOG_CUT);
		/* never half an escape: "\xHH" is four octets */
		for (k = n > 3 ? n - 3 : 0; k < n; k++)
			if (esc[k] == '\\') {
				n = k;
				break;
			}
		snprintf(esc + n, sizeof(esc) - n, "%s", DECLOG_CUT);
	}
	snprintf(buf, len, "%s", esc);
	return buf;
}

/* put_quarantine - quarantine kind:key for QuarantineTTL, and log it */
static void
put_quarantine(struct session *s, enum store_kind kind, const char *key,
    const struct verdict *v, const char *why, time_t now)
{
	struct store *st = runtime_store();
	struct store_escalation esc;
	struct quarantine q, got;
	struct store_err err;
	unsigned long long start;
	char shown[512], helo[EVIDENCE_HELO + 1], from[EVIDENCE_FROM + 1];
	int rc;

	conf_escalation(s->conf, &esc);
	memset(&q, 0, sizeof(q));
	q.rule = v->rule;
	snprintf(q.reason, sizeof(q.reason), "%s", why);
	snprintf(q.evidence, sizeof(q.evidence),
	    "session=%.23s ip=%.45s port=%u helo=%s from=%s", s->id,
	    s->env.ip_known ? s->env.ip_text : "-", s->env.daemon_port,
	    evidence_field(s->env.helo, EVIDENCE_HELO, helo, sizeof(helo)),
	    evidence_field(s->env.from_text, EVIDENCE_FROM, from, sizeof(from)));
	snprintf(q.node, sizeof(q.node), "%s", runtime_node());
	q.expires = now + (time_t)(s->conf->quarantine_ttl_ms / 1000);
	start = metrics_clock_ns();
	rc = store_quarantine_put(st, kind, key, &q, &esc, now, &got, &err);
	metrics_store(METRICS_STORE_QUARANTINE, rc >= 0,
	    metrics_clock_ns() - start);
	if (rc < 0) {
		store_outage(1, err.text);
		return;
	}
	store_outage(0, NULL);
	metrics_quarantine_written(kind);
	log_msg(LOG_LEVEL_NOTICE,
	    "session=%s quarantine %s=%s rule=%s hits=%lu expires_in=%lds node=%s incident=%lu repeat=%lu reason=\"%s\"",
	    s->id, kind == STORE_IP ? "ip" : "login",
	    declog_escape(key, 0, shown, sizeof(shown)), rule_name(v->rule),
	    got.hits, (long)(got.expires - now), got.node, got.incident,
	    got.repeat, why);
}

/* strike_login - count a strike; enough of them quarantine the login */
static void
strike_login(struct session *s, const struct verdict *v, time_t now)
{
	struct store_counter strike;
	struct store_check q;
	struct store_err err;
	unsigned long long start;
	char why[128], shown[512];
	int rc;

	memset(&strike, 0, sizeof(strike));
	strike.kind = STORE_LOGIN;
	strike.key = s->env.auth;
	strike.what = "strikes";
	strike.window_ms = s->conf->login_strikes_window_ms;
	strike.add = 1;
	memset(&q, 0, sizeof(q));
	q.counters = &strike;
	q.n_counters = 1;
	start = metrics_clock_ns();
	rc = store_check(runtime_store(), &q, now, &err);
	metrics_store(METRICS_STORE_STRIKE, rc >= 0, metrics_clock_ns() - start);
	if (rc < 0) {
		store_outage(1, err.text);
		return;
	}
	store_outage(0, NULL);
	metrics_strike();
	log_info("session=%s login=%s strike %lu of %lu (%s)", s->id,
	    declog_escape(s->env.auth, 0, shown, sizeof(shown)), strike.count_r,
	    s->conf->login_strikes, rule_name(v->rule));
	if (!policy_login_quarantine(s->conf, strike.count_r))
		return;
	snprintf(why, sizeof(why), "%lu refusals within %lus, the last by %s",
	    strike.count_r, s->conf->login_strikes_window_ms / 1000,
	    rule_name(v->rule));
	put_quarantine(s, STORE_LOGIN, s->env.auth, v, why, now);
}

/* lookups_effects - execute the effects of an enforced verdict */
void
lookups_effects(struct session *s, const struct verdict *v, time_t now)
{
	if (v->quarantine_ip)
		put_quarantine(s, STORE_IP, s->env.ip_key, v, rule_name(v->rule),
		    now);
	if (v->strike_login)
		strike_login(s, v, now);
}
