/*
 * NAME
 *	lookups 3
 * SUMMARY
 *	facts that need the state store or DNS, and the quarantine write
 * SYNOPSIS
 *	#include "lookups.h"
 * DESCRIPTION
 *	Everything here may block on the network, each lookup within its
 *	own deadline (DNSTimeout; RedisTimeout for the store), so that a
 *	session never waits longer than the MTA's milter timeout.
 *
 *	The store knows a client by ip_store_key(): an IPv4 address as
 *	itself, an IPv6 one by the network of its IPv6Prefix (a /64 by
 *	default), so that a bot rotating through the addresses of its
 *	prefix meets the same quarantine and the same rate counters. The
 *	quarantine, the IP rate counters and the seen note all use that
 *	key; the log lines keep the client's own address in ip=, and the
 *	quarantine line names the key.
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
#include "runtime.h"

#define EVIDENCE_HELO	56	/* octets of the escaped HELO kept */
#define EVIDENCE_FROM	88	/* octets of the escaped MAIL FROM kept;
				   with the rest, 252 octets: it all fits */

static pthread_mutex_t outage_lock = PTHREAD_MUTEX_INITIALIZER;
static int store_down;

/* store_outage - log a store failure once, and its end once */
static void
store_outage(int failed, const char *why)
{
	int changed;

	pthread_mutex_lock(&outage_lock);
	changed = store_down != failed;
	store_down = failed;
	pthread_mutex_unlock(&outage_lock);
	if (changed && failed)
		log_msg(LOG_LEVEL_ERROR, "state store %s failed: %s; OnStateError decides until it answers again",
		    store_name(runtime_store()), why);
	else if (changed)
		log_msg(LOG_LEVEL_NOTICE, "state store %s answers again",
		    store_name(runtime_store()));
}

/* ip_key - the client's key in the store, in buf; NULL when unknown */
static const char *
ip_key(const struct session *s, char *buf, size_t len)
{
	if (!s->ip_known)
		return NULL;
	if (ip_store_key(&s->ip, s->conf->ipv6_prefix, buf, len) < 0)
		return s->ip_text;	/* not with a checked IPv6Prefix */
	return buf;
}

/* add_counters - the RateLimit lines of one kind of count, as counters
 * (an IP's counted under ipkey, the buffer living as long as v) */
static size_t
add_counters(struct session *s, enum rate_what what, struct store_counter *v,
    char *ipkey, size_t keylen)
{
	const struct conf *c = s->conf;
	size_t i, n = 0;

	for (i = 0; i < c->n_rate_limits; i++) {
		const struct rate_limit *rl = &c->rate_limits[i];
		const char *who;

		if (rl->what != what)
			continue;
		if (rl->scope == RATE_SCOPE_LOGIN)
			who = s->auth[0] != '\0' ? s->auth : NULL;
		else
			who = s->ip_known && !netset_contains(c->trusted_networks,
			    &s->ip) ? s->ip_text : NULL;
		if (who == NULL)
			continue;
		memset(&v[n], 0, sizeof(v[n]));
		v[n].kind = rl->scope == RATE_SCOPE_IP ? STORE_IP : STORE_LOGIN;
		v[n].key = rl->scope == RATE_SCOPE_IP ?
		    ip_key(s, ipkey, keylen) : who;
		v[n].what = what == RATE_MESSAGES ? "messages" : "recipients";
		v[n].window_ms = rl->window_ms;
		v[n].add = 1;
		s->rates[n].limit = rl;
		s->rates[n].who = who;
		n++;
	}
	return n;
}

/* ask_store - one round trip: quarantines to read, counters to add */
static void
ask_store(struct session *s, struct store_check *q, time_t now)
{
	struct store *st = runtime_store();
	size_t i;

	s->n_rates = 0;
	s->rates_unknown = 0;
	if (q->ip == NULL && q->login == NULL && q->n_counters == 0)
		return;
	if (store_check(st, q, now) < 0) {
		store_outage(1, store_error(st));
		if (q->ip != NULL || q->login != NULL)
			s->quarantined = FACT_UNKNOWN;
		s->rates_unknown = q->n_counters > 0;
		return;
	}
	store_outage(0, NULL);
	if (q->ip != NULL || q->login != NULL)
		s->quarantined = q->ip_quarantined_r || q->login_quarantined_r ?
		    FACT_YES : FACT_NO;
	for (i = 0; i < q->n_counters; i++) {
		s->rates[i].count = q->counters[i].count_r;
		s->rates[i].reset_ms = q->counters[i].reset_ms_r;
	}
	s->n_rates = q->n_counters;
}

/* lookup_store - quarantine of the client IP (and login), messages counted */
static void
lookup_store(struct session *s, time_t now)
{
	struct store_counter counters[CONF_RATE_LIMITS_MAX];
	struct store_check q;
	char key[IP_KEY_MAX];
	enum rule_id rule = s->role == ROLE_INBOUND ?
	    RULE_INBOUND_QUARANTINED : RULE_OUTBOUND_QUARANTINED;

	memset(&q, 0, sizeof(q));
	s->quarantined = FACT_NO;
	if (s->conf->actions[rule] != ACTION_OFF && s->ip_known) {
		q.ip = ip_key(s, key, sizeof(key));
		if (s->role == ROLE_OUTBOUND && s->auth[0] != '\0')
			q.login = s->auth;
	}
	/* who logs in from where: an alert for the address reaches them */
	if (s->role == ROLE_OUTBOUND && s->auth[0] != '\0' && s->ip_known) {
		q.ip = ip_key(s, key, sizeof(key));
		q.seen_login = s->auth;
		q.seen_ttl = (time_t)(s->conf->last_login_ttl_ms / 1000);
	}
	if (s->role == ROLE_OUTBOUND &&
	    s->conf->actions[RULE_OUTBOUND_RATE] != ACTION_OFF) {
		q.counters = counters;
		q.n_counters = add_counters(s, RATE_MESSAGES, counters, key,
		    sizeof(key));
	}
	ask_store(s, &q, now);
}

/* lookups_rcpt - one more recipient, counted */
void
lookups_rcpt(struct session *s, time_t now)
{
	struct store_counter counters[CONF_RATE_LIMITS_MAX];
	struct store_check q;
	char key[IP_KEY_MAX];

	memset(&q, 0, sizeof(q));
	if (s->role == ROLE_OUTBOUND &&
	    s->conf->actions[RULE_OUTBOUND_RATE] != ACTION_OFF) {
		q.counters = counters;
		q.n_counters = add_counters(s, RATE_RECIPIENTS, counters, key,
		    sizeof(key));
	}
	ask_store(s, &q, now);
}

/* legacy_needs - the DNS lookups of MAIL (to be replaced by the plan) */
static unsigned
legacy_needs(const struct session *s)
{
	const struct conf *c = s->conf;
	unsigned needs = 0;

	if (s->role == ROLE_INBOUND && s->ip_known &&
	    c->actions[RULE_INBOUND_DYNAMIC_IP] != ACTION_OFF &&
	    !netset_contains(c->trusted_networks, &s->ip) &&
	    !netset_contains(c->customer_servers, &s->ip) &&
	    !netset_contains(c->customer_networks, &s->ip)) {
		if ((c->dynamic_checks & DYNAMIC_DNSBL) != 0)
			needs |= NEED_DNSBL;
		if ((c->dynamic_checks & (DYNAMIC_GENERIC | DYNAMIC_NO_PTR |
		    DYNAMIC_UNCONFIRMED)) != 0)
			needs |= NEED_PTR;
	}
	if (s->role == ROLE_INBOUND && c->spf && s->ip_known &&
	    !netset_contains(c->trusted_networks, &s->ip) && s->from_ok &&
	    (s->from.null || s->from.domain[0] != '\0'))
		needs |= NEED_SPF;
	return needs;
}

/* lookups_mail - every fact a MAIL FROM decision needs */
void
lookups_mail(struct session *s, time_t now)
{
	lookup_store(s, now);
	lookups_dns(s, legacy_needs(s));
}

/* evidence_field - client text escaped as in the log, at most max octets */
static const char *
evidence_field(const char *raw, size_t max, char *buf, size_t len)
{
	char esc[4 * sizeof(((struct session *)0)->from_text) + 1];
	size_t n, k;

	declog_escape(raw, 0, esc, sizeof(esc));
	if ((n = strlen(esc)) > max) {
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
	char shown[512], helo[EVIDENCE_HELO + 1], from[EVIDENCE_FROM + 1];

	conf_escalation(s->conf, &esc);
	memset(&q, 0, sizeof(q));
	q.rule = v->rule;
	snprintf(q.reason, sizeof(q.reason), "%s", why);
	snprintf(q.evidence, sizeof(q.evidence),
	    "session=%.23s ip=%.45s port=%u helo=%s from=%s", s->id,
	    s->ip_known ? s->ip_text : "-", s->daemon_port,
	    evidence_field(s->helo, EVIDENCE_HELO, helo, sizeof(helo)),
	    evidence_field(s->from_text, EVIDENCE_FROM, from, sizeof(from)));
	snprintf(q.node, sizeof(q.node), "%s", runtime_node());
	q.expires = now + (time_t)(s->conf->quarantine_ttl_ms / 1000);
	if (store_quarantine_put(st, kind, key, &q, &esc, now, &got) < 0) {
		store_outage(1, store_error(st));
		return;
	}
	store_outage(0, NULL);
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
	char why[128], shown[512];

	memset(&strike, 0, sizeof(strike));
	strike.kind = STORE_LOGIN;
	strike.key = s->auth;
	strike.what = "strikes";
	strike.window_ms = s->conf->login_strikes_window_ms;
	strike.add = 1;
	memset(&q, 0, sizeof(q));
	q.counters = &strike;
	q.n_counters = 1;
	if (store_check(runtime_store(), &q, now) < 0) {
		store_outage(1, store_error(runtime_store()));
		return;
	}
	store_outage(0, NULL);
	log_info("session=%s login=%s strike %lu of %lu (%s)", s->id,
	    declog_escape(s->auth, 0, shown, sizeof(shown)), strike.count_r,
	    s->conf->login_strikes, rule_name(v->rule));
	if (!policy_login_quarantine(s->conf, strike.count_r))
		return;
	snprintf(why, sizeof(why), "%lu refusals within %lus, the last by %s",
	    strike.count_r, s->conf->login_strikes_window_ms / 1000,
	    rule_name(v->rule));
	put_quarantine(s, STORE_LOGIN, s->auth, v, why, now);
}

/* lookups_quarantine - what an enforced refusal records in the store */
void
lookups_quarantine(struct session *s, const struct verdict *v, time_t now)
{
	char key[IP_KEY_MAX];

	if (v->quarantine_ip && s->ip_known)
		put_quarantine(s, STORE_IP, ip_key(s, key, sizeof(key)), v,
		    rule_name(v->rule), now);
	if (v->strike_login && s->auth[0] != '\0')
		strike_login(s, v, now);
}
