/*
 * NAME
 *	store_lmdb_wb 3
 * SUMMARY
 *	the embedded backend's write-behind: rate counters and seen notes
 *	held in memory, written to the file once a second
 * SYNOPSIS
 *	#include "store_lmdb.h"
 *
 *	void lmdb_wb_init(struct lmdb_store *ls);
 *	int lmdb_wb_begin(struct lmdb_store *ls, MDB_txn **txn_r,
 *	    const char *where, struct store_err *err);
 *	int lmdb_wb_end(struct lmdb_store *ls, MDB_txn *txn,
 *	    struct store_err *err);
 *	int lmdb_wb_count(struct lmdb_store *ls, MDB_txn *txn,
 *	    const unsigned char *key, size_t len, unsigned long window_ms,
 *	    unsigned long add, time_t now, uint64_t *count_r, time_t *end_r);
 *	int lmdb_wb_note_get(struct lmdb_store *ls, const char *name,
 *	    time_t now, MDB_val *value_r, time_t *expires_r);
 *	int lmdb_wb_note_set(struct lmdb_store *ls, const char *name,
 *	    const char *value, time_t expires, time_t now);
 *	int lmdb_wb_note_put(struct lmdb_store *ls, const char *name,
 *	    int only_new, time_t now);
 *	int lmdb_wb_flush(struct lmdb_store *ls, time_t now,
 *	    struct store_err *err);
 *	void lmdb_wb_seen_take(struct lmdb_store *ls, enum store_kind kind,
 *	    const char *key, time_t now, struct lmdb_seen *s);
 *	int lmdb_wb_seen_write(struct lmdb_store *ls, MDB_txn *txn,
 *	    const struct lmdb_seen *s);
 *	void lmdb_wb_free(struct lmdb_store *ls);
 * DESCRIPTION
 *	A commit costs a sync of the file, and a session's counters and
 *	its seen note would cost one at MAIL and one at RCPT. These need
 *	not reach the disk before the SMTP reply: they are kept in a hash
 *	table of pending changes, keyed by the counter's key (counters
 *	table) or the note's name, and written by one commit for all of
 *	them, once a second (a thread of the store, started with the
 *	first pending change), when the table holds WB_MAX of them (by the
 *	caller that filled it: a flood of addresses never grows memory past
 *	that), and at lmdb_wb_free(). Everything else is written at once.
 *
 *	A counter's pending change is the hits not yet in the file and the
 *	end of their window. lmdb_wb_count() reads the file's record in the
 *	caller's read transaction, adds what is pending (in flight, then
 *	new), and decides the window as a synchronous count would: the same
 *	answers. The flush adds the hits to the file's record when its
 *	window still runs (whoever started it: another process may have
 *	counted meanwhile, and its counts are kept), starts the window when
 *	none runs, and drops hits whose window has ended. A seen note's
 *	pending change is its value and expiry; readers of this process
 *	(lmdb_wb_note_get) see it before the file's. A note written at once
 *	by store_note_put() replaces the pending one (lmdb_wb_note_put).
 *	The quarantine or release of an address writes its pending seen
 *	note in the same commit (lmdb_wb_seen_take, lmdb_wb_seen_write):
 *	the notifier, another process, reads it with the event.
 *
 *	The lock (wblock) covers the table, the table in flight and their
 *	reads: lmdb_wb_begin() takes it and opens the read transaction,
 *	lmdb_wb_end() closes both, so that a reader sees the file and the
 *	pending changes as of one moment. The flush swaps the table out
 *	under the lock, commits without it, and empties or merges back
 *	under it. While it commits, a reader whose snapshot predates that
 *	commit (its transaction id) adds the changes in flight; one whose
 *	snapshot holds it does not (a commit that fails after its changes
 *	went in leaves that id to the next commit: until the flush merges
 *	back, a reader may miss the changes in flight). A flush that fails
 *	keeps its changes for the next one, within WB_HARD changes: those
 *	of a failed flush that do not fit are lost, and a new counter or
 *	note is refused (the check fails, as the write that failed would
 *	have). Lock order: wblock, then LMDB's transactions; no write
 *	function takes wblock.
 *
 *	Time: the flush judges windows by the latest now a caller passed
 *	in (time is an input, and tests pass their own): a check's, or the
 *	sweep's, which flushes first so that it sweeps the file with the
 *	counts in it.
 * DIAGNOSTICS
 *	lmdb_wb_begin(), lmdb_wb_end() and lmdb_wb_flush() return -1 with
 *	"lmdb WHERE: WHY" in err. lmdb_wb_count() and lmdb_wb_note_set()
 *	return 0, LMDB's error, or ENOBUFS when the table is full.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_lmdb.h"

#define WB_MAX		LMDB_WB_MAX	/* pending changes: flush at once */
#define WB_HARD		(2 * WB_MAX)	/* and never more than this */
#define WB_SECONDS	1		/* the flush thread's period */

/* A pending change. key[0] is 'C' (a counter) or 'N' (a note). */
struct lmdb_wb_ent {
	struct lmdb_wb_ent *next;	/* in its bucket */
	uint32_t hash;
	time_t	end;			/* the window's end, or the expiry */
	uint64_t delta;			/* a counter's hits not in the file */
	char	*value;			/* a note's value, after the key */
	size_t	len;
	unsigned char key[];
};

/* wb_hash - FNV-1a of a key */
static uint32_t
wb_hash(const unsigned char *p, size_t len)
{
	uint32_t h = 2166136261u;

	while (len-- > 0)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* wb_find - the change of key in t, or NULL; its link in *link_r */
static struct lmdb_wb_ent *
wb_find(struct lmdb_wb_table *t, const unsigned char *key, size_t len,
    uint32_t h, struct lmdb_wb_ent ***link_r)
{
	struct lmdb_wb_ent **pp, *e;

	if (t->nb == 0)
		return NULL;
	for (pp = &t->b[h & (t->nb - 1)]; (e = *pp) != NULL; pp = &e->next)
		if (e->hash == h && e->len == len &&
		    memcmp(e->key, key, len) == 0) {
			if (link_r != NULL)
				*link_r = pp;
			return e;
		}
	return NULL;
}

/* wb_link - put e into t, growing its buckets; 0, or ENOMEM */
static int
wb_link(struct lmdb_wb_table *t, struct lmdb_wb_ent *e)
{
	struct lmdb_wb_ent **b, *x, *next;
	size_t nb, i;

	if (t->n >= t->nb) {
		nb = t->nb == 0 ? 64 : 2 * t->nb;
		if ((b = calloc(nb, sizeof(*b))) == NULL)
			return ENOMEM;
		for (i = 0; i < t->nb; i++)
			for (x = t->b[i]; x != NULL; x = next) {
				next = x->next;
				x->next = b[x->hash & (nb - 1)];
				b[x->hash & (nb - 1)] = x;
			}
		free(t->b);
		t->b = b;
		t->nb = nb;
	}
	e->next = t->b[e->hash & (t->nb - 1)];
	t->b[e->hash & (t->nb - 1)] = e;
	t->n++;
	return 0;
}

/* wb_new - a change of key with room for a value of vlen octets */
static struct lmdb_wb_ent *
wb_new(const unsigned char *key, size_t len, uint32_t h, size_t vlen)
{
	struct lmdb_wb_ent *e;

	if ((e = malloc(sizeof(*e) + len + vlen + 1)) == NULL)
		return NULL;
	memcpy(e->key, key, len);
	e->len = len;
	e->hash = h;
	e->end = 0;
	e->delta = 0;
	e->value = (char *)e->key + len;
	e->value[0] = '\0';
	return e;
}

/* wb_clear - free every change of t */
static void
wb_clear(struct lmdb_wb_table *t)
{
	struct lmdb_wb_ent *e, *next;
	size_t i;

	for (i = 0; i < t->nb; i++)
		for (e = t->b[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	free(t->b);
	t->b = NULL;
	t->nb = t->n = 0;
}

/* wb_key - 'C' or 'N' and the octets, in buf; its length */
static size_t
wb_key(unsigned char *buf, char type, const void *p, size_t len)
{
	buf[0] = (unsigned char)type;
	memcpy(buf + 1, p, len);
	return len + 1;
}

/* wb_loop - the flush thread: a flush a second, until lmdb_wb_free */
static void *
wb_loop(void *arg)
{
	struct lmdb_store *ls = arg;
	struct timespec until;

	pthread_mutex_lock(&ls->wblock);
	while (!ls->wb_stop) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += WB_SECONDS;
		while (!ls->wb_stop && pthread_cond_timedwait(&ls->wbcond,
		    &ls->wblock, &until) == 0)
			;
		if (ls->wb_stop || ls->wb.n == 0)
			continue;
		pthread_mutex_unlock(&ls->wblock);
		/* a failure keeps the changes for the next second */
		(void)lmdb_wb_flush(ls, 0, NULL);
		pthread_mutex_lock(&ls->wblock);
	}
	pthread_mutex_unlock(&ls->wblock);
	return NULL;
}

/* lmdb_wb_init - an empty buffer, no thread yet */
void
lmdb_wb_init(struct lmdb_store *ls)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&ls->wblock, NULL);
	pthread_mutex_init(&ls->wbflushlock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ls->wbcond, &ca);
	pthread_condattr_destroy(&ca);
}

/* lmdb_wb_begin - take the buffer's lock and open a read transaction */
int
lmdb_wb_begin(struct lmdb_store *ls, MDB_txn **txn_r, const char *where,
    struct store_err *err)
{
	pthread_mutex_lock(&ls->wblock);
	if (lmdb_read_begin(ls, txn_r, where, err) < 0) {
		pthread_mutex_unlock(&ls->wblock);
		return -1;
	}
	return 0;
}

/* lmdb_wb_end - close both; flush when the buffer is at its bound */
int
lmdb_wb_end(struct lmdb_store *ls, MDB_txn *txn, struct store_err *err)
{
	int full;

	lmdb_read_end(ls, txn);
	if (!ls->wb_started && ls->wb.n > 0 && pthread_create(&ls->wb_thread,
	    NULL, wb_loop, ls) == 0)
		ls->wb_started = 1;
	full = ls->wb.n >= WB_MAX;
	pthread_mutex_unlock(&ls->wblock);
	return full ? lmdb_wb_flush(ls, 0, err) : 0;
}

/* in_flight - does the snapshot of txn predate the flush's commit? */
static int
in_flight(struct lmdb_store *ls, MDB_txn *txn)
{
	size_t id = __atomic_load_n(&ls->wb_txnid, __ATOMIC_ACQUIRE);

	return ls->wb_out.n > 0 && (id == 0 || mdb_txn_id(txn) < id);
}

/* file_counter - the file's counter: *live_r, with its end and count */
static int
file_counter(struct lmdb_store *ls, MDB_txn *txn, MDB_val *k, time_t now,
    int *live_r, time_t *end_r, uint64_t *n_r)
{
	MDB_val v;
	int rc;

	*live_r = 0;
	if ((rc = mdb_get(txn, ls->dbi[T_COUNTERS], k, &v)) == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (v.mv_size != 17 || lmdb_value_expired(&v, now))
		return 0;
	*live_r = 1;
	*end_r = (time_t)lmdb_get_u64((unsigned char *)v.mv_data + 1);
	*n_r = lmdb_get_u64((unsigned char *)v.mv_data + 9);
	return 0;
}

/* apply - add a pending change to a window: a live one, or its own */
static void
apply(const struct lmdb_wb_ent *e, time_t now, int *have, time_t *end,
    uint64_t *n)
{
	if (e == NULL || e->end <= now)	/* its window is over */
		return;
	if (*have) {
		*n += e->delta;
		return;
	}
	*have = 1;
	*end = e->end;
	*n = e->delta;
}

/* lmdb_wb_count - add to a counter, wblock held: 0, LMDB's error, ENOBUFS */
int
lmdb_wb_count(struct lmdb_store *ls, MDB_txn *txn, const unsigned char *key,
    size_t len, unsigned long window_ms, unsigned long add, time_t now,
    uint64_t *count_r, time_t *end_r)
{
	unsigned char kb[1 + LMDB_KEY_MAX];
	size_t klen = wb_key(kb, 'C', key, len);
	uint32_t h = wb_hash(kb, klen);
	MDB_val k = {len, (void *)key};
	struct lmdb_wb_ent *e;
	time_t end = 0;
	uint64_t n = 0;
	int rc, have;

	if ((rc = file_counter(ls, txn, &k, now, &have, &end, &n)) != 0)
		return rc;
	if (in_flight(ls, txn))
		apply(wb_find(&ls->wb_out, kb, klen, h, NULL), now, &have,
		    &end, &n);
	e = wb_find(&ls->wb, kb, klen, h, NULL);
	apply(e, now, &have, &end, &n);
	if (!have)
		end = now + (time_t)((window_ms + 999) / 1000);
	*count_r = n + add;
	*end_r = end;
	if (now > ls->wb_now)
		ls->wb_now = now;
	if (add == 0)
		return 0;
	if (e == NULL) {
		if (ls->wb.n >= WB_HARD)
			return ENOBUFS;
		if ((e = wb_new(kb, klen, h, 0)) == NULL)
			return ENOMEM;
		if ((rc = wb_link(&ls->wb, e)) != 0) {
			free(e);
			return rc;
		}
	}
	if (e->end <= now) {		/* hits of an ended window: gone */
		e->end = end;
		e->delta = 0;
	}
	e->delta += add;
	return 0;
}

/* lmdb_wb_note_get - a live pending note, wblock held: 1, or 0 */
int
lmdb_wb_note_get(struct lmdb_store *ls, const char *name, time_t now,
    MDB_val *value_r, time_t *expires_r)
{
	unsigned char kb[1 + STORE_NOTE_MAX];
	size_t klen = wb_key(kb, 'N', name, strlen(name));
	uint32_t h = wb_hash(kb, klen);
	struct lmdb_wb_ent *e;

	if ((e = wb_find(&ls->wb, kb, klen, h, NULL)) == NULL &&
	    (e = wb_find(&ls->wb_out, kb, klen, h, NULL)) == NULL)
		return 0;
	if (e->end <= now)
		return 0;
	value_r->mv_data = e->value;
	value_r->mv_size = strlen(e->value);
	*expires_r = e->end;
	return 1;
}

/* lmdb_wb_note_set - name = value until expires, pending; wblock held */
int
lmdb_wb_note_set(struct lmdb_store *ls, const char *name, const char *value,
    time_t expires, time_t now)
{
	unsigned char kb[1 + STORE_NOTE_MAX];
	size_t klen = wb_key(kb, 'N', name, strlen(name));
	size_t vlen = strlen(value);
	uint32_t h = wb_hash(kb, klen);
	struct lmdb_wb_ent *e, **link = NULL;
	int rc;

	if (now > ls->wb_now)
		ls->wb_now = now;
	if ((e = wb_find(&ls->wb, kb, klen, h, &link)) != NULL &&
	    strlen(e->value) == vlen) {
		memcpy(e->value, value, vlen);
		e->end = expires;
		return 0;
	}
	if (e == NULL && ls->wb.n >= WB_HARD)
		return ENOBUFS;
	if (e != NULL) {		/* a value of another length */
		*link = e->next;
		ls->wb.n--;
		free(e);
	}
	if ((e = wb_new(kb, klen, h, vlen)) == NULL)
		return ENOMEM;
	memcpy(e->value, value, vlen + 1);
	e->end = expires;
	if ((rc = wb_link(&ls->wb, e)) != 0)
		free(e);
	return rc;
}

/* lmdb_wb_note_put - before a note is written at once: 1 when only_new
 * meets a live pending one, else 0 with the pending one dropped */
int
lmdb_wb_note_put(struct lmdb_store *ls, const char *name, int only_new,
    time_t now)
{
	unsigned char kb[1 + STORE_NOTE_MAX];
	size_t klen = wb_key(kb, 'N', name, strlen(name));
	uint32_t h = wb_hash(kb, klen);
	struct lmdb_wb_ent *e, **link = NULL;
	int live = 0;

	pthread_mutex_lock(&ls->wblock);
	if ((e = wb_find(&ls->wb, kb, klen, h, &link)) != NULL) {
		if ((live = only_new && e->end > now) == 0) {
			*link = e->next;
			ls->wb.n--;
			free(e);
		}
	}
	pthread_mutex_unlock(&ls->wblock);
	return live;
}

/* lmdb_wb_seen_take - kind:key's pending seen note, if any, into s: the
 * write of its record carries it, since the event's reader (the notifier,
 * another process) looks the login up as soon as it reads the event */
void
lmdb_wb_seen_take(struct lmdb_store *ls, enum store_kind kind,
    const char *key, time_t now, struct lmdb_seen *s)
{
	MDB_val v;

	s->have = 0;
	if (kind != STORE_IP)
		return;
	snprintf(s->name, sizeof(s->name), "seen:%s", key);
	pthread_mutex_lock(&ls->wblock);
	if (lmdb_wb_note_get(ls, s->name, now, &v, &s->expires) == 1) {
		if (v.mv_size > sizeof(s->value) - 1)
			v.mv_size = sizeof(s->value) - 1;
		memcpy(s->value, v.mv_data, v.mv_size);
		s->value[v.mv_size] = '\0';
		s->have = 1;
	}
	pthread_mutex_unlock(&ls->wblock);
}

/* lmdb_wb_seen_write - that note, in the record's write transaction */
int
lmdb_wb_seen_write(struct lmdb_store *ls, MDB_txn *txn,
    const struct lmdb_seen *s)
{
	if (!s->have)
		return 0;
	return lmdb_note_write(ls, txn, s->name, strlen(s->name), s->value,
	    s->expires);
}

/* What a flush writes. */
struct flush_ctx {
	struct lmdb_wb_table *t;
	time_t	now;
};

/* flush_one - one pending change into the file */
static int
flush_one(struct lmdb_store *ls, MDB_txn *txn, const struct lmdb_wb_ent *e,
    time_t now)
{
	MDB_val k = {e->len - 1, (void *)(e->key + 1)}, v;
	unsigned char b[17];
	time_t end = e->end;
	uint64_t n = e->delta;
	int rc, live;

	if (e->key[0] == 'N')
		return lmdb_note_write(ls, txn, (const char *)e->key + 1,
		    e->len - 1, e->value, e->end);
	/* a window the file runs (ours, or another process's) takes them */
	if ((rc = file_counter(ls, txn, &k, now, &live, &end, &n)) != 0)
		return rc;
	if (live)
		n += e->delta;
	b[0] = LMDB_LAYOUT;
	lmdb_u64(b + 1, (uint64_t)end);
	lmdb_u64(b + 9, n);
	v.mv_size = sizeof(b);
	v.mv_data = b;
	return mdb_put(txn, ls->dbi[T_COUNTERS], &k, &v, 0);
}

/* flush_fn - every pending change whose window or note lives */
static int
flush_fn(struct lmdb_store *ls, MDB_txn *txn, void *arg)
{
	struct flush_ctx *f = arg;
	struct lmdb_wb_ent *e;
	size_t i;
	int rc, wrote = 0;

	/* the id its commit will have: readers from it on see the changes */
	__atomic_store_n(&ls->wb_txnid, mdb_txn_id(txn), __ATOMIC_RELEASE);
	for (i = 0; i < f->t->nb; i++)
		for (e = f->t->b[i]; e != NULL; e = e->next) {
			if (e->end <= f->now)
				continue;
			if ((rc = flush_one(ls, txn, e, f->now)) != 0) {
				/* not committed: readers add them again
				 * (the id may go to the sweep's commit) */
				__atomic_store_n(&ls->wb_txnid, 0,
				    __ATOMIC_RELEASE);
				return rc;
			}
			wrote = 1;
		}
	return wrote ? 0 : LMDB_KEEP;
}

/* merge_back - a failed flush's changes into the buffer, wblock held;
 * what came meanwhile is newer and wins, a counter's hits add up */
static void
merge_back(struct lmdb_store *ls)
{
	struct lmdb_wb_table *t = &ls->wb_out;
	struct lmdb_wb_ent *e, *next, *c;
	size_t i;

	for (i = 0; i < t->nb; i++)
		for (e = t->b[i]; e != NULL; e = next) {
			next = e->next;
			c = wb_find(&ls->wb, e->key, e->len, e->hash, NULL);
			if (c != NULL && e->key[0] == 'C' &&
			    e->end > ls->wb_now) {
				if (c->end > ls->wb_now)
					c->delta += e->delta;
				else {
					c->end = e->end;
					c->delta = e->delta;
				}
			}
			if (c != NULL || e->end <= ls->wb_now ||
			    ls->wb.n >= WB_HARD || wb_link(&ls->wb, e) != 0)
				free(e);
		}
	free(t->b);
	t->b = NULL;
	t->nb = t->n = 0;
}

/* lmdb_wb_flush - every pending change in one write, judged at the latest
 * of now and the changes' own; 0, or -1 with err */
int
lmdb_wb_flush(struct lmdb_store *ls, time_t now, struct store_err *err)
{
	struct flush_ctx f;
	int rc;

	pthread_mutex_lock(&ls->wbflushlock);
	pthread_mutex_lock(&ls->wblock);
	if (now > ls->wb_now)
		ls->wb_now = now;
	if (ls->wb.n == 0) {
		pthread_mutex_unlock(&ls->wblock);
		pthread_mutex_unlock(&ls->wbflushlock);
		return 0;
	}
	ls->wb_out = ls->wb;
	memset(&ls->wb, 0, sizeof(ls->wb));
	ls->wb_txnid = 0;
	f.t = &ls->wb_out;
	f.now = ls->wb_now;
	pthread_mutex_unlock(&ls->wblock);
	rc = lmdb_write(ls, "flush", f.now, flush_fn, &f, err);
	pthread_mutex_lock(&ls->wblock);
	if (rc == 0)
		wb_clear(&ls->wb_out);
	else
		merge_back(ls);
	pthread_mutex_unlock(&ls->wblock);
	pthread_mutex_unlock(&ls->wbflushlock);
	return rc;
}

/* lmdb_wb_free - stop the thread, write what is pending, free the buffer */
void
lmdb_wb_free(struct lmdb_store *ls)
{
	if (ls->wb_started) {
		pthread_mutex_lock(&ls->wblock);
		ls->wb_stop = 1;
		pthread_cond_signal(&ls->wbcond);
		pthread_mutex_unlock(&ls->wblock);
		pthread_join(ls->wb_thread, NULL);
		ls->wb_started = 0;
	}
	/* no one to tell of a failure: the changes are lost with it */
	if (ls->env != NULL)
		(void)lmdb_wb_flush(ls, 0, NULL);
	wb_clear(&ls->wb);
	wb_clear(&ls->wb_out);
	pthread_cond_destroy(&ls->wbcond);
	pthread_mutex_destroy(&ls->wbflushlock);
	pthread_mutex_destroy(&ls->wblock);
}
