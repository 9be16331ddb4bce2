/*
 * NAME
 *	store_memory 3
 * SUMMARY
 *	the in-process state backend
 * SYNOPSIS
 *	#include "store.h"
 *
 *	struct store *store_memory_new(void);
 * DESCRIPTION
 *	For tests: the whole contract of store.h in this process, on the now
 *	passed in, under one mutex. Not a trap when left in a
 *	configuration: no operation costs more as the store fills, and a
 *	flood cannot lift a quarantine.
 *
 *	The table (store_memory_table.c, its rules in store_memory.h) holds
 *	the quarantine records, the rate counters, the escalation histories
 *	and the notes, each an entry of its own kind, treated as absent once
 *	expired. A counter (COUNTER + the store kind) keeps its count in n
 *	and ends its window with its expiry, in whole seconds. A history
 *	(HISTORY + the store kind) keeps the incidents of a key in n and
 *	when the latest opened in opened; it counts while opened +
 *	esc->window > now. A note (NOTE) keeps its value after its name, in
 *	the same allocation. A note that would expire by now is dead at
 *	birth: a put removes a live one of that name (1), a claim claims
 *	nothing (0, only_new holds nothing to claim with).
 *
 *	Limits: STORE_MEMORY_RECORDS records and histories, and apart from
 *	them STORE_MEMORY_COUNTS counters and notes. A write that needs a
 *	new entry in a class that is full of live entries fails with
 *	"memory store full", and OnStateError decides, as for any store
 *	error; nothing live gives way. A new record is made before its
 *	history is counted, so that a full store counts no incident. Every
 *	operation on the table first does its bounded step (a few expired
 *	entries removed, a few buckets moved).
 *
 *	Incidents are numbered by a counter of the store, from 1. Events
 *	are a ring of at most STORE_MEMORY_EVENTS, the oldest dropped past
 *	it, with ids 1, 2, 3... in decimal. A group remembers the last id it
 *	delivered and its pending events (id, consumer, when delivered);
 *	one pending longer than STORE_EVENTS_CLAIM_MS by the now passed in
 *	is claimed by the next consumer that reads. A read that finds
 *	nothing waits on a condition variable that every new event signals,
 *	up to wait_ms. The releasing node of release events is "" (a memory
 *	store has no node). Nothing needs sweeping.
 *
 *	A listing copies the live records out under the lock and hands
 *	them to the caller after it, so that a slow caller never holds up
 *	the sessions.
 * DIAGNOSTICS
 *	Out of memory is an error (-1), never an exit; so is a full class
 *	("memory store full"). An event id that is not a decimal number is
 *	"bad event id".
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_memory.h"

#define STORE_MEMORY_EVENTS	100000

/* An event delivered to a group and not acknowledged yet. */
struct pending {
	unsigned long long id;
	time_t	at;			/* delivered: the read's now */
	char	consumer[STORE_NOTE_MAX];
};

struct group {
	struct group *next;
	unsigned long long last;	/* the newest id delivered */
	struct pending *p;		/* in order of id */
	size_t	n;
	size_t	cap;
	char	name[];
};

struct memory_store {
	struct store base;
	pthread_mutex_t lock;
	pthread_cond_t added;		/* an event was written */
	struct mtable t;
	unsigned long incident;		/* the last number given */
	struct store_event *ev;		/* a ring: ev_n from ev_head */
	size_t	ev_head;
	size_t	ev_n;
	size_t	ev_cap;
	unsigned long long ev_first;	/* the id of the oldest kept */
	struct group *groups;
};

/* lock - take the store's mutex and do the table's bounded step */
static void
lock(struct memory_store *m, time_t now)
{
	pthread_mutex_lock(&m->lock);
	mtable_step(&m->t, now);
}

/* memory_get - look a record up */
static int
memory_get(struct store *st, enum store_kind kind, const char *key,
    time_t now, struct quarantine *q_r, struct store_err *err)
{
	struct memory_store *m = (struct memory_store *)st;
	struct mentry *e;

	(void)err;
	lock(m, now);
	e = mtable_find(&m->t, (int)kind, key, now);
	if (e != NULL && q_r != NULL)
		*q_r = *e->q;
	pthread_mutex_unlock(&m->lock);
	return e != NULL;
}

/* count - add to one rate counter, starting a window when there is none */
static int
count(struct memory_store *m, struct store_counter *c, time_t now,
    struct store_err *err)
{
	int kind = COUNTER + (int)c->kind;
	char name[512];
	struct mentry *e;
	int n;

	n = snprintf(name, sizeof(name), "%s/%lu/%s", c->what, c->window_ms,
	    c->key);
	if (n < 0 || (size_t)n >= sizeof(name)) {
		store_set_error(err, "counter name too long");
		return -1;
	}
	if ((e = mtable_find(&m->t, kind, name, now)) == NULL &&
	    (e = mtable_add(&m->t, kind, name, NULL, now +
	    (time_t)((c->window_ms + 999) / 1000), now, err)) == NULL)
		return -1;
	e->n += c->add;
	c->count_r = e->n;
	c->reset_ms_r = (unsigned long)(e->expires - now) * 1000;
	return 0;
}

/* note_put - write a note, or claim it (only_new); 1, 0 or -1 (locked) */
static int
note_put(struct memory_store *m, const char *name, const char *value,
    time_t expires, int only_new, time_t now, struct store_err *err)
{
	struct mentry *e;

	if ((e = mtable_find(&m->t, NOTE, name, now)) != NULL) {
		if (only_new)
			return 0;
		mtable_remove(&m->t, e);
	}
	if (expires <= now)
		return !only_new;	/* dead at birth: gone; no claim */
	if (mtable_add(&m->t, NOTE, name, value, expires, now, err) == NULL)
		return -1;
	return 1;
}

/* memory_check - quarantine reads, seen note and counters under one lock */
static int
memory_check(struct store *st, struct store_check *c, time_t now,
    struct store_err *err)
{
	struct memory_store *m = (struct memory_store *)st;
	char seen[sizeof("seen:") + STORE_KEY_MAX];
	size_t i;
	int rc = 0;

	lock(m, now);
	if (c->ip != NULL)
		c->ip_quarantined_r = mtable_find(&m->t, STORE_IP, c->ip,
		    now) != NULL;
	if (c->login != NULL)
		c->login_quarantined_r = mtable_find(&m->t, STORE_LOGIN,
		    c->login, now) != NULL;
	if (c->seen_login != NULL) {
		snprintf(seen, sizeof(seen), "seen:%s", c->ip);
		if (note_put(m, seen, c->seen_login, now + c->seen_ttl, 0,
		    now, err) < 0)
			rc = -1;
	}
	for (i = 0; i < c->n_counters && rc == 0; i++)
		rc = count(m, &c->counters[i], now, err);
	pthread_mutex_unlock(&m->lock);
	return rc;
}

/* event_room - room in the ring for one more event; -1 if out of memory */
static int
event_room(struct memory_store *m, struct store_err *err)
{
	struct store_event *v;
	size_t cap, i;

	if (m->ev_n < m->ev_cap)
		return 0;
	if (m->ev_cap == STORE_MEMORY_EVENTS) {
		/* full: the oldest gives way */
		m->ev_head = (m->ev_head + 1) % m->ev_cap;
		m->ev_n--;
		m->ev_first++;
		return 0;
	}
	cap = m->ev_cap == 0 ? 64 : m->ev_cap * 2;
	if (cap > STORE_MEMORY_EVENTS)
		cap = STORE_MEMORY_EVENTS;
	if ((v = malloc(cap * sizeof(*v))) == NULL) {
		store_set_error(err, "out of memory");
		return -1;
	}
	for (i = 0; i < m->ev_n; i++)
		v[i] = m->ev[(m->ev_head + i) % m->ev_cap];
	free(m->ev);
	m->ev = v;
	m->ev_cap = cap;
	m->ev_head = 0;
	return 0;
}

/* event_add - write an event where event_room() made room, and signal it */
static void
event_add(struct memory_store *m, enum store_event_type type,
    enum store_kind kind, const char *key, time_t now,
    const struct quarantine *q)
{
	struct store_event *ev = &m->ev[(m->ev_head + m->ev_n) % m->ev_cap];

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->id, sizeof(ev->id), "%llu", m->ev_first + m->ev_n);
	ev->type = type;
	ev->kind = kind;
	snprintf(ev->key, sizeof(ev->key), "%s", key);
	ev->time = now;
	ev->q = *q;
	m->ev_n++;
	pthread_cond_broadcast(&m->added);
}

/* escalate - count an incident, lengthen *expires; its place n, or -1 */
static long
escalate(struct memory_store *m, enum store_kind kind, const char *key,
    const struct store_escalation *esc, time_t now, time_t *expires,
    struct store_err *err)
{
	time_t base = *expires - now, ttl = base, f = (time_t)esc->factor;
	struct mentry *e = mtable_find(&m->t, HISTORY + (int)kind, key, now);
	long n = 1, i;

	if (e != NULL && e->opened + esc->window > now)
		n = (long)e->n + 1;
	for (i = 1; i < n && base > 0 && ttl < esc->max_ttl; i++)
		ttl = ttl > esc->max_ttl / f ? esc->max_ttl : ttl * f;
	if (ttl > esc->max_ttl)
		ttl = esc->max_ttl;
	if (ttl > base)
		*expires = now + ttl;
	if (esc->window <= 0)
		return n;
	if (e != NULL)
		mtable_set_expires(&m->t, e, now + esc->window);
	else if ((e = mtable_add(&m->t, HISTORY + (int)kind, key, NULL,
	    now + esc->window, now, err)) == NULL)
		return -1;
	e->n = (unsigned long)n;
	e->opened = now;
	return n;
}

/* open_incident - a new record of kind:key from q, escalated; NULL on error */
static struct mentry *
open_incident(struct memory_store *m, enum store_kind kind, const char *key,
    const struct quarantine *q, const struct store_escalation *esc,
    time_t now, struct store_err *err)
{
	time_t expires = q->expires;
	struct mentry *e;
	long n = 1;

	/* the record first: a full store must not count an incident */
	if ((e = mtable_add(&m->t, (int)kind, key, NULL, expires, now,
	    err)) == NULL)
		return NULL;
	if (esc != NULL &&
	    (n = escalate(m, kind, key, esc, now, &expires, err)) < 0) {
		mtable_remove(&m->t, e);
		return NULL;
	}
	mtable_set_expires(&m->t, e, expires);
	*e->q = *q;
	e->q->first_seen = e->q->last_seen = now;
	e->q->expires = expires;
	e->q->hits = 1;
	e->q->incident = ++m->incident;
	e->q->repeat = (unsigned long)n;
	return e;
}

/* memory_put - create or refresh a record, and write its event */
static int
memory_put(struct store *st, enum store_kind kind, const char *key,
    const struct quarantine *q, const struct store_escalation *esc,
    time_t now, struct quarantine *merged_r, struct store_err *err)
{
	struct memory_store *m = (struct memory_store *)st;
	enum store_event_type type = STORE_EVENT_HIT;
	struct mentry *e;

	lock(m, now);
	if (event_room(m, err) < 0)
		goto fail;
	if ((e = mtable_find(&m->t, (int)kind, key, now)) != NULL) {
		e->q->rule = q->rule;
		memcpy(e->q->reason, q->reason, sizeof(e->q->reason));
		memcpy(e->q->evidence, q->evidence, sizeof(e->q->evidence));
		e->q->last_seen = now;
		if (q->expires > e->q->expires) {
			e->q->expires = q->expires;
			mtable_set_expires(&m->t, e, q->expires);
		}
		e->q->hits++;
	} else {
		type = STORE_EVENT_QUARANTINE;
		if ((e = open_incident(m, kind, key, q, esc, now, err)) == NULL)
			goto fail;
	}
	event_add(m, type, kind, key, now, e->q);
	if (merged_r != NULL)
		*merged_r = *e->q;
	pthread_mutex_unlock(&m->lock);
	return 0;
fail:
	pthread_mutex_unlock(&m->lock);
	return -1;
}

/* memory_release - remove a live record, and write its event */
static int
memory_release(struct store *st, enum store_kind kind, const char *key,
    time_t now, struct store_err *err)
{
	struct memory_store *m = (struct memory_store *)st;
	struct quarantine q;
	struct mentry *e;
	int rc = 0;

	lock(m, now);
	if ((e = mtable_find(&m->t, (int)kind, key, now)) != NULL) {
		rc = event_room(m, err) < 0 ? -1 : 1;
		if (rc == 1) {
			q = *e->q;
			q.node[0] = '\0';
			q.last_seen = now;
			event_add(m, STORE_EVENT_RELEASE, kind, key, now, &q);
			mtable_remove(&m->t, e);
		}
	}
	pthread_mutex_unlock(&m->lock);
	return rc;
}

/* parse_id - a decimal event id; 0 ok, -1 with err set */
static int
parse_id(const char *s, unsigned long long *id_r, struct store_err *err)
{
	char *end;

	if (*s < '0' || *s > '9') {
		store_set_error(err, "bad event id");
		return -1;
	}
	errno = 0;
	*id_r = strtoull(s, &end, 10);
	if (*end != '\0' || errno != 0) {
		store_set_error(err, "bad event id");
		return -1;
	}
	return 0;
}

/* event_at - the kept event of an id, or NULL */
static const struct store_event *
event_at(const struct memory_store *m, unsigned long long id)
{
	if (id < m->ev_first || id - m->ev_first >= m->ev_n)
		return NULL;
	return &m->ev[(m->ev_head + (id - m->ev_first)) % m->ev_cap];
}

/* read_after - the events after id from, up to max (locked) */
static size_t
read_after(struct memory_store *m, unsigned long long from,
    struct store_event *v, size_t max)
{
	unsigned long long id = from < m->ev_first ? m->ev_first : from + 1;
	const struct store_event *ev;
	size_t n = 0;

	for (; n < max && id != 0 && (ev = event_at(m, id)) != NULL; id++)
		v[n++] = *ev;
	return n;
}

/* group_get - a group by name, made at the start of the log when new */
static struct group *
group_get(struct memory_store *m, const char *name, struct store_err *err)
{
	size_t len = strlen(name);
	struct group *g;

	for (g = m->groups; g != NULL; g = g->next)
		if (strcmp(g->name, name) == 0)
			return g;
	if ((g = calloc(1, sizeof(*g) + len + 1)) == NULL) {
		store_set_error(err, "out of memory");
		return NULL;
	}
	memcpy(g->name, name, len + 1);
	g->next = m->groups;
	m->groups = g;
	return g;
}

/* deliver - hand a pending event to consumer at now, into v[*n_r] */
static void
deliver(struct memory_store *m, struct pending *p, const char *consumer,
    time_t now, struct store_event *v, size_t *n_r)
{
	snprintf(p->consumer, sizeof(p->consumer), "%s", consumer);
	p->at = now;
	v[(*n_r)++] = *event_at(m, p->id);
}

/* read_group - own pending, claimed, then new events; how many, or -1 */
static long
read_group(struct memory_store *m, struct group *g, const char *consumer,
    time_t now, struct store_event *v, size_t max, struct store_err *err)
{
	unsigned long long id;
	struct pending *p;
	size_t i, j, n = 0;

	for (i = j = 0; i < g->n; i++)	/* drop those gone from the log */
		if (event_at(m, g->p[i].id) != NULL)
			g->p[j++] = g->p[i];
	g->n = j;
	for (i = 0; i < g->n && n < max; i++)
		if (strcmp(g->p[i].consumer, consumer) == 0)
			deliver(m, &g->p[i], consumer, now, v, &n);
	for (i = 0; i < g->n && n < max; i++)
		if (strcmp(g->p[i].consumer, consumer) != 0 &&
		    (long long)(now - g->p[i].at) * 1000 >=
		    STORE_EVENTS_CLAIM_MS)
			deliver(m, &g->p[i], consumer, now, v, &n);
	id = g->last + 1 < m->ev_first ? m->ev_first : g->last + 1;
	for (; n < max && event_at(m, id) != NULL; id++) {
		if (g->n == g->cap) {
			p = realloc(g->p, (g->cap ? 2 * g->cap : 16) *
			    sizeof(*p));
			if (p == NULL) {
				store_set_error(err, "out of memory");
				return -1;
			}
			g->p = p;
			g->cap = g->cap ? 2 * g->cap : 16;
		}
		p = &g->p[g->n++];
		p->id = g->last = id;
		deliver(m, p, consumer, now, v, &n);
	}
	return (long)n;
}

/* deadline - wait_ms from now on the monotonic clock */
static struct timespec
deadline(unsigned wait_ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += wait_ms / 1000;
	t.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* memory_events_read - the log after an id, or a group's; waits when empty */
static int
memory_events_read(struct store *st, const char *group, const char *consumer,
    const char *after, unsigned wait_ms, time_t now, struct store_event *v,
    size_t max, size_t *n_r, struct store_err *err)
{
	struct memory_store *m = (struct memory_store *)st;
	struct timespec until = deadline(wait_ms);
	unsigned long long from = 0;
	struct group *g = NULL;
	int timed_out = wait_ms == 0;
	long n;

	if (group == NULL && strcmp(after, "$") != 0 &&
	    parse_id(after, &from, err) < 0)
		return -1;
	pthread_mutex_lock(&m->lock);
	if (group == NULL && strcmp(after, "$") == 0)
		from = m->ev_first + m->ev_n - 1;
	if (group != NULL && (g = group_get(m, group, err)) == NULL) {
		pthread_mutex_unlock(&m->lock);
		return -1;
	}
	for (;;) {
		n = g != NULL ? read_group(m, g, consumer, now, v, max, err) :
		    (long)read_after(m, from, v, max);
		if (n != 0 || timed_out)
			break;
		timed_out = pthread_cond_timedwait(&m->added, &m->lock,
		    &until) == ETIMEDOUT;
	}
	pthread_mutex_unlock(&m->lock);
	if (n < 0)
		return -1;
	*n_r = (size_t)n;
	return 0;
}

/* memory_events_ack - drop a group's pending event */
static int
memory_events_ack(struct store *st, const char *group, const char *id,
    struct store_err *err)
{
	struct memory_store *m = (struct memory_store *)st;
	unsigned long long n;
	struct group *g;
	size_t i;

	if (parse_id(id, &n, err) < 0)
		return -1;
	pthread_mutex_lock(&m->lock);
	for (g = m->groups; g != NULL && strcmp(g->name, group) != 0;
	    g = g->next)
		continue;
	for (i = 0; g != NULL && i < g->n; i++)
		if (g->p[i].id == n) {
			memmove(&g->p[i], &g->p[i + 1],
			    (g->n - i - 1) * sizeof(*g->p));
			g->n--;
			break;
		}
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* memory_note_put - write a note until expires, or claim it (only_new) */
static int
memory_note_put(struct store *st, const char *name, const char *value,
    time_t expires, int only_new, time_t now, struct store_err *err)
{
	struct memory_store *m = (struct memory_store *)st;
	int rc;

	lock(m, now);
	rc = note_put(m, name, value, expires, only_new, now, err);
	pthread_mutex_unlock(&m->lock);
	return rc;
}

/* memory_note_get - read a live note, cut to len - 1 octets */
static int
memory_note_get(struct store *st, const char *name, time_t now,
    char *value_r, size_t len, struct store_err *err)
{
	struct memory_store *m = (struct memory_store *)st;
	struct mentry *e;

	(void)err;
	lock(m, now);
	if ((e = mtable_find(&m->t, NOTE, name, now)) != NULL)
		snprintf(value_r, len, "%s", e->key + strlen(name) + 1);
	pthread_mutex_unlock(&m->lock);
	return e != NULL;
}

/* A record copied out for memory_list(). */
struct listed {
	struct quarantine q;
	char   *key;			/* into the same allocation */
};

/* What copy_out() walks the table with. */
struct listing {
	int	kind;
	time_t	now;
	size_t	n;
	size_t	bytes;
	struct listed *v;		/* NULL: counting */
	char   *at;
};

/* list_one - count or copy one entry, when a live record of the kind */
static int
list_one(void *arg, struct mentry *e)
{
	struct listing *l = arg;

	if (e->kind != l->kind || e->expires <= l->now)
		return 0;
	if (l->v == NULL)
		l->bytes += strlen(e->key) + 1;
	else {
		l->v[l->n].q = *e->q;
		l->v[l->n].key = l->at;
		l->at = stpcpy(l->at, e->key) + 1;
	}
	l->n++;
	return 0;
}

/* copy_out - the live records of kind at now; -1 if out of memory (locked) */
static int
copy_out(struct memory_store *m, enum store_kind kind, time_t now,
    struct listed **v_r, size_t *n_r, struct store_err *err)
{
	struct listing l;

	memset(&l, 0, sizeof(l));
	l.kind = (int)kind;
	l.now = now;
	mtable_walk(&m->t, list_one, &l);
	if ((l.v = malloc(l.n * sizeof(*l.v) + l.bytes + 1)) == NULL) {
		store_set_error(err, "out of memory");
		return -1;
	}
	l.at = (char *)(l.v + l.n);
	l.n = 0;
	mtable_walk(&m->t, list_one, &l);
	*v_r = l.v;
	*n_r = l.n;
	return 0;
}

/* memory_list - the live records of a kind, to fn outside the lock */
static int
memory_list(struct store *st, enum store_kind kind, time_t now,
    store_list_fn fn, void *arg, struct store_err *err)
{
	struct memory_store *m = (struct memory_store *)st;
	struct listed *v;
	size_t i, n;
	int rc;

	lock(m, now);
	rc = copy_out(m, kind, now, &v, &n, err);
	pthread_mutex_unlock(&m->lock);
	if (rc < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (fn(arg, kind, v[i].key, &v[i].q) != 0) {
			i++;
			break;
		}
	free(v);
	return (int)i;
}

/* memory_free - drop every record, event and group */
static void
memory_free(struct store *st)
{
	struct memory_store *m = (struct memory_store *)st;
	struct group *g;

	mtable_free(&m->t);
	while ((g = m->groups) != NULL) {
		m->groups = g->next;
		free(g->p);
		free(g);
	}
	free(m->ev);
	pthread_cond_destroy(&m->added);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

static const struct store_ops memory_ops = {
	.name = "memory",
	.quarantine_get = memory_get,
	.quarantine_put = memory_put,
	.quarantine_release = memory_release,
	.check = memory_check,
	.free = memory_free,
	.quarantine_list = memory_list,
	.events_read = memory_events_read,
	.events_ack = memory_events_ack,
	.note_put = memory_note_put,
	.note_get = memory_note_get,
};

/* store_memory_new_limits - an empty store, these limits; NULL on failure */
struct store *
store_memory_new_limits(size_t records, size_t counts)
{
	struct memory_store *m = calloc(1, sizeof(*m));
	pthread_condattr_t attr;

	if (m == NULL)
		return NULL;
	if (mtable_init(&m->t, records, counts) < 0) {
		mtable_free(&m->t);
		free(m);
		return NULL;
	}
	m->base.ops = &memory_ops;
	m->ev_first = 1;
	pthread_mutex_init(&m->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&m->added, &attr);
	pthread_condattr_destroy(&attr);
	return &m->base;
}

/* store_memory_new - an empty in-process store; NULL if out of memory */
struct store *
store_memory_new(void)
{
	return store_memory_new_limits(STORE_MEMORY_RECORDS,
	    STORE_MEMORY_COUNTS);
}
