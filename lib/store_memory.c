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
 *	For one server and for tests: a hash table of quarantine records
 *	and rate counters under one mutex. Expired records are treated as
 *	absent and dropped when met. A counter is an entry of its own kind
 *	(COUNTER + the store kind) whose hits are the count and whose expiry
 *	ends its window, in whole seconds of the now passed in. Events have
 *	no listener in one process and are not kept. The table is bounded
 *	(STORE_MEMORY_MAX entries): when full, expired entries are swept
 *	first, then the one closest to expiry gives way, so a flood of bots
 *	cannot exhaust memory.
 *
 *	A listing copies the live records out under the lock and hands
 *	them to the caller after it, so that a slow caller never holds up
 *	the sessions.
 * DIAGNOSTICS
 *	Out of memory is an error (-1), never an exit.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

#define STORE_MEMORY_BUCKETS	4096
#define STORE_MEMORY_MAX	200000
#define COUNTER			16	/* added to a store kind: a rate counter */

struct entry {
	struct entry *next;
	int	kind;			/* enum store_kind, or COUNTER + it */
	struct quarantine q;
	char	key[];
};

struct memory_store {
	struct store base;
	pthread_mutex_t lock;
	struct entry *buckets[STORE_MEMORY_BUCKETS];
	size_t	count;
};

/* hash - FNV-1a over kind and key */
static size_t
hash(int kind, const char *key)
{
	uint32_t h = 2166136261u ^ (uint32_t)kind;

	for (; *key; key++) {
		h ^= (unsigned char)*key;
		h *= 16777619u;
	}
	return h % STORE_MEMORY_BUCKETS;
}

/* find - the slot pointing at kind:key, dropping expired entries met */
static struct entry **
find(struct memory_store *m, int kind, const char *key, time_t now)
{
	struct entry **pp = &m->buckets[hash(kind, key)], *e;

	while ((e = *pp) != NULL) {
		if (e->q.expires <= now) {
			*pp = e->next;
			free(e);
			m->count--;
			continue;
		}
		if (e->kind == kind && strcmp(e->key, key) == 0)
			return pp;
		pp = &e->next;
	}
	return NULL;
}

/* make_room - sweep expired entries; if still full, drop the soonest to expire */
static void
make_room(struct memory_store *m, time_t now)
{
	struct entry **pp, *e, **victim = NULL;
	size_t i;

	for (i = 0; i < STORE_MEMORY_BUCKETS; i++) {
		pp = &m->buckets[i];
		while ((e = *pp) != NULL) {
			if (e->q.expires <= now) {
				*pp = e->next;
				free(e);
				m->count--;
				continue;
			}
			if (victim == NULL || e->q.expires < (*victim)->q.expires)
				victim = pp;
			pp = &e->next;
		}
	}
	if (m->count >= STORE_MEMORY_MAX && victim != NULL) {
		e = *victim;
		*victim = e->next;
		free(e);
		m->count--;
	}
}

/* memory_get - look a record up */
static int
memory_get(struct store *st, enum store_kind kind, const char *key,
    time_t now, struct quarantine *q_r)
{
	struct memory_store *m = (struct memory_store *)st;
	struct entry **pp;

	pthread_mutex_lock(&m->lock);
	pp = find(m, kind, key, now);
	if (pp != NULL && q_r != NULL)
		*q_r = (*pp)->q;
	pthread_mutex_unlock(&m->lock);
	return pp != NULL;
}

/* add_entry - a new entry at the head of its bucket; NULL if out of memory */
static struct entry *
add_entry(struct memory_store *m, int kind, const char *key, time_t now)
{
	size_t len = strlen(key);
	struct entry *e;

	if (m->count >= STORE_MEMORY_MAX)
		make_room(m, now);
	if ((e = calloc(1, sizeof(*e) + len + 1)) == NULL) {
		store_set_error("out of memory");
		return NULL;
	}
	e->kind = kind;
	memcpy(e->key, key, len + 1);
	e->next = m->buckets[hash(kind, key)];
	m->buckets[hash(kind, key)] = e;
	m->count++;
	return e;
}

/* count - add to one rate counter, starting a window when there is none */
static int
count(struct memory_store *m, struct store_counter *c, time_t now)
{
	char name[512];
	struct entry **pp, *e;
	int n;

	n = snprintf(name, sizeof(name), "%s/%lu/%s", c->what, c->window_ms,
	    c->key);
	if (n < 0 || (size_t)n >= sizeof(name)) {
		store_set_error("counter name too long");
		return -1;
	}
	if ((pp = find(m, COUNTER + (int)c->kind, name, now)) != NULL)
		e = *pp;
	else if ((e = add_entry(m, COUNTER + (int)c->kind, name, now)) == NULL)
		return -1;
	else
		e->q.expires = now + (time_t)((c->window_ms + 999) / 1000);
	e->q.hits += c->add;
	c->count_r = e->q.hits;
	c->reset_ms_r = (unsigned long)(e->q.expires - now) * 1000;
	return 0;
}

/* memory_check - quarantine reads and counters under one lock */
static int
memory_check(struct store *st, struct store_check *c, time_t now)
{
	struct memory_store *m = (struct memory_store *)st;
	size_t i;
	int rc = 0;

	pthread_mutex_lock(&m->lock);
	if (c->ip != NULL)
		c->ip_quarantined_r = find(m, STORE_IP, c->ip, now) != NULL;
	if (c->login != NULL)
		c->login_quarantined_r = find(m, STORE_LOGIN, c->login, now) != NULL;
	for (i = 0; i < c->n_counters && rc == 0; i++)
		rc = count(m, &c->counters[i], now);
	pthread_mutex_unlock(&m->lock);
	return rc;
}

/* memory_put - create or refresh a record */
static int
memory_put(struct store *st, enum store_kind kind, const char *key,
    const struct quarantine *q, const struct store_escalation *esc,
    time_t now, struct quarantine *merged_r)
{
	struct memory_store *m = (struct memory_store *)st;
	struct entry **pp, *e;

	(void)esc;
	pthread_mutex_lock(&m->lock);
	pp = find(m, kind, key, now);
	if (pp != NULL) {
		e = *pp;
		e->q.rule = q->rule;
		memcpy(e->q.reason, q->reason, sizeof(e->q.reason));
		memcpy(e->q.evidence, q->evidence, sizeof(e->q.evidence));
		e->q.last_seen = now;
		if (q->expires > e->q.expires)
			e->q.expires = q->expires;
		e->q.hits++;
	} else {
		if ((e = add_entry(m, kind, key, now)) == NULL) {
			pthread_mutex_unlock(&m->lock);
			return -1;
		}
		e->q = *q;
		e->q.first_seen = e->q.last_seen = now;
		e->q.hits = 1;
	}
	if (merged_r != NULL)
		*merged_r = e->q;
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* memory_release - remove a record */
static int
memory_release(struct store *st, enum store_kind kind, const char *key,
    time_t now)
{
	struct memory_store *m = (struct memory_store *)st;
	struct entry **pp, *e;

	pthread_mutex_lock(&m->lock);
	pp = find(m, kind, key, now);
	if (pp != NULL) {
		e = *pp;
		*pp = e->next;
		free(e);
		m->count--;
	}
	pthread_mutex_unlock(&m->lock);
	return pp != NULL;
}

/* A record copied out for memory_list(). */
struct listed {
	struct quarantine q;
	char   *key;			/* into the same allocation */
};

/* copy_out - the live records of kind at now; -1 if out of memory (locked) */
static int
copy_out(struct memory_store *m, enum store_kind kind, time_t now,
    struct listed **v_r, size_t *n_r)
{
	size_t i, n = 0, bytes = 0;
	struct listed *v;
	struct entry *e;
	char *at;

	for (i = 0; i < STORE_MEMORY_BUCKETS; i++)
		for (e = m->buckets[i]; e != NULL; e = e->next)
			if (e->kind == (int)kind && e->q.expires > now) {
				n++;
				bytes += strlen(e->key) + 1;
			}
	if ((v = malloc(n * sizeof(*v) + bytes + 1)) == NULL) {
		store_set_error("out of memory");
		return -1;
	}
	at = (char *)(v + n);
	n = 0;
	for (i = 0; i < STORE_MEMORY_BUCKETS; i++)
		for (e = m->buckets[i]; e != NULL; e = e->next)
			if (e->kind == (int)kind && e->q.expires > now) {
				v[n].q = e->q;
				v[n].key = at;
				at = stpcpy(at, e->key) + 1;
				n++;
			}
	*v_r = v;
	*n_r = n;
	return 0;
}

/* memory_list - the live records of a kind, to fn outside the lock */
static int
memory_list(struct store *st, enum store_kind kind, time_t now,
    store_list_fn fn, void *arg)
{
	struct memory_store *m = (struct memory_store *)st;
	struct listed *v;
	size_t i, n;
	int rc;

	pthread_mutex_lock(&m->lock);
	rc = copy_out(m, kind, now, &v, &n);
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

/* memory_free - drop every record */
static void
memory_free(struct store *st)
{
	struct memory_store *m = (struct memory_store *)st;
	struct entry *e, *next;
	size_t i;

	for (i = 0; i < STORE_MEMORY_BUCKETS; i++)
		for (e = m->buckets[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
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
};

/* store_memory_new - an empty in-process store; NULL if out of memory */
struct store *
store_memory_new(void)
{
	struct memory_store *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->base.ops = &memory_ops;
	pthread_mutex_init(&m->lock, NULL);
	return &m->base;
}
