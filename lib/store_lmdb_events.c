/*
 * NAME
 *	store_lmdb_events 3
 * SUMMARY
 *	the embedded backend's event log, consumer groups and sweep
 * SYNOPSIS
 *	#include "store_lmdb.h"
 *
 *	int lmdb_event_append(struct lmdb_store *ls, MDB_txn *txn,
 *	    enum store_event_type type, enum store_kind kind,
 *	    const char *key, const struct quarantine *q, time_t now);
 *	int lmdb_events_read(struct store *st, const char *group,
 *	    const char *consumer, const char *after, unsigned wait_ms,
 *	    time_t now, struct store_event *v, size_t max, size_t *n_r);
 *	int lmdb_events_ack(struct store *st, const char *group,
 *	    const char *id);
 *	int lmdb_sweep(struct store *st, time_t now);
 *	long lmdb_sweep_all(struct lmdb_store *ls, time_t now);
 * DESCRIPTION
 *	The log is the events table (its layout is in store_lmdb.c). An
 *	event is appended in the transaction of the put or release that
 *	makes it; its id is the next number of meta "event", in decimal,
 *	never reused. Past events_max the oldest events are dropped in the
 *	same transaction.
 *
 *	A group is a groups entry, made on its first read at the start of
 *	the log: its number and the last event delivered to it. pending
 *	holds one entry per event delivered and not acknowledged: who has
 *	it and since when (the now of that read). A read as a consumer
 *	takes, in this order, its own pending events, those pending longer
 *	than STORE_EVENTS_CLAIM_MS for another (claimed: they become its
 *	own, since now), and the events after the group's last delivered;
 *	a pending entry whose event was dropped is removed. It looks first
 *	in a read transaction, and writes only when it has something to
 *	deliver or a group to make.
 *
 *	LMDB tells no one of a commit: a read that waits polls the file
 *	every POLL_MS (a read transaction each time) until something is
 *	there or wait_ms has passed.
 *
 *	The sweep walks the tables quarantines, counters, notes, history
 *	(entries whose expiry has come) and pending (entries whose event
 *	was dropped): a read transaction finds up to SWEEP_BATCH of them
 *	(reading at most SWEEP_SCAN entries), a write transaction deletes
 *	those still dead. lmdb_sweep() goes on from where its previous call
 *	stopped and returns after a whole round or SWEEP_BUDGET_MS;
 *	lmdb_sweep_all(), for a full map, makes a whole round at once.
 *	Both clear the reader slots of dead processes first.
 * DIAGNOSTICS
 *	As store_lmdb.c's. lmdb_sweep_all() returns how many entries it
 *	removed, or -1.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_lmdb.h"

#define POLL_MS		100
#define SWEEP_BATCH	1000		/* deletions per write transaction */
#define SWEEP_SCAN	20000		/* entries per read transaction */
#define SWEEP_BUDGET_MS	50
#define SWEEP_BUF	(64 * 1024)	/* the keys of one batch */

static const enum lmdb_table sweep_order[] = {
	T_QUARANTINES, T_COUNTERS, T_NOTES, T_HISTORY, T_PENDING,
};
#define N_SWEEP		((int)(sizeof(sweep_order) / sizeof(sweep_order[0])))

/* mono_ms - a clock for budgets and waits, never the state's time */
static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* lmdb_event_append - log an event, dropping the oldest past events_max */
int
lmdb_event_append(struct lmdb_store *ls, MDB_txn *txn,
    enum store_event_type type, enum store_kind kind, const char *key,
    const struct quarantine *q, time_t now)
{
	unsigned char kb[8];
	MDB_val k = {8, kb}, v;
	struct lmdb_buf b;
	MDB_cursor *cur;
	MDB_stat stat;
	uint64_t seq;
	size_t n;
	int rc;

	if ((rc = lmdb_meta_next(ls, txn, "event", &seq)) != 0)
		return rc;
	lmdb_u64(kb, seq);
	b.len = 0;
	b.overflow = 0;
	buf_u8(&b, LMDB_LAYOUT);
	buf_u8(&b, (unsigned)type);
	buf_u8(&b, lmdb_kind(kind));
	buf_u64(&b, (uint64_t)now);
	buf_text(&b, key, strlen(key));
	buf_record(&b, q);
	if (b.overflow)
		return EOVERFLOW;
	v.mv_size = b.len;
	v.mv_data = b.p;
	if ((rc = mdb_put(txn, ls->dbi[T_EVENTS], &k, &v, MDB_APPEND)) != 0 ||
	    (rc = mdb_stat(txn, ls->dbi[T_EVENTS], &stat)) != 0)
		return rc;
	if (stat.ms_entries <= ls->events_max)
		return 0;
	if ((rc = mdb_cursor_open(txn, ls->dbi[T_EVENTS], &cur)) != 0)
		return rc;
	for (n = stat.ms_entries; n > ls->events_max && rc == 0; n--)
		if ((rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST)) == 0)
			rc = mdb_cursor_del(cur, 0);
	mdb_cursor_close(cur);
	return rc;
}

/* event_decode - an events entry into e; 0, or LMDB_BADREC */
static int
event_decode(const MDB_val *k, const MDB_val *v, struct store_event *e)
{
	struct lmdb_rd r;
	unsigned type, kind;

	if (k->mv_size != 8)
		return LMDB_BADREC;
	snprintf(e->id, sizeof(e->id), "%llu",
	    (unsigned long long)lmdb_get_u64(k->mv_data));
	rd_init(&r, v);
	if (rd_u8(&r) != LMDB_LAYOUT)
		return LMDB_BADREC;
	type = rd_u8(&r);
	kind = rd_u8(&r);
	e->time = (time_t)rd_u64(&r);
	rd_text(&r, e->key, sizeof(e->key));
	if (r.bad || type > STORE_EVENT_RELEASE || (kind != 'I' &&
	    kind != 'L') || rd_record(&r, &e->q) != 0)
		return LMDB_BADREC;
	e->type = (enum store_event_type)type;
	e->kind = kind == 'L' ? STORE_LOGIN : STORE_IP;
	return 0;
}

/* event_get - the event seq into e: 1, 0 dropped, <0 error */
static int
event_get(struct lmdb_store *ls, MDB_txn *txn, uint64_t seq,
    struct store_event *e)
{
	unsigned char kb[8];
	MDB_val k = {8, kb}, v;
	int rc;

	lmdb_u64(kb, seq);
	if ((rc = mdb_get(txn, ls->dbi[T_EVENTS], &k, &v)) == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (e == NULL)
		return 1;
	return (rc = event_decode(&k, &v, e)) != 0 ? rc : 1;
}

/* parse_id - a decimal event id; 0, or -1 when it is not one */
static int
parse_id(const char *s, uint64_t *seq_r)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*seq_r = v;
	return 0;
}

/* log_read - up to max events after seq after, oldest first */
static int
log_read(struct lmdb_store *ls, uint64_t after, struct store_event *v,
    size_t max, size_t *n_r, struct store_err *err)
{
	unsigned char kb[8];
	MDB_val k = {8, kb}, d;
	MDB_cursor *cur;
	MDB_txn *txn;
	int rc;

	*n_r = 0;
	if (after == UINT64_MAX)
		return 0;
	if (lmdb_read_begin(ls, &txn, "events", err) < 0)
		return -1;
	lmdb_u64(kb, after + 1);
	if ((rc = mdb_cursor_open(txn, ls->dbi[T_EVENTS], &cur)) == 0) {
		rc = mdb_cursor_get(cur, &k, &d, MDB_SET_RANGE);
		while (rc == 0 && *n_r < max &&
		    (rc = event_decode(&k, &d, &v[*n_r])) == 0) {
			++*n_r;
			rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT);
		}
		mdb_cursor_close(cur);
	}
	lmdb_read_end(ls, txn);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		*n_r = 0;
		return lmdb_fail("events", rc, err);
	}
	return 0;
}

/* A read as a consumer of a group. */
struct group_ctx {
	const char *group;
	const char *consumer;
	time_t	now;
	struct store_event *v;
	size_t	max;
	size_t	n;			/* delivered */
	uint64_t *seqs;			/* their ids */
};

/* pending_key - the pending entry of event seq in group gid, in buf */
static MDB_val
pending_key(unsigned char *buf, uint64_t gid, uint64_t seq)
{
	MDB_val k;

	lmdb_u64(buf, gid);
	lmdb_u64(buf + 8, seq);
	k.mv_size = 16;
	k.mv_data = buf;
	return k;
}

/* group_get - a group's number and last delivered: 1, 0 none, <0 error */
static int
group_get(struct lmdb_store *ls, MDB_txn *txn, const char *group,
    uint64_t *gid_r, uint64_t *last_r)
{
	MDB_val k = {strlen(group), (void *)group}, v;
	const unsigned char *p;
	int rc;

	if ((rc = mdb_get(txn, ls->dbi[T_GROUPS], &k, &v)) == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	p = v.mv_data;
	if (v.mv_size != 17 || p[0] != LMDB_LAYOUT)
		return LMDB_BADREC;
	*gid_r = lmdb_get_u64(p + 1);
	*last_r = lmdb_get_u64(p + 9);
	return 1;
}

/* group_put - write a group's number and last delivered */
static int
group_put(struct lmdb_store *ls, MDB_txn *txn, const char *group,
    uint64_t gid, uint64_t last)
{
	unsigned char b[17];
	MDB_val k = {strlen(group), (void *)group}, v = {sizeof(b), b};

	b[0] = LMDB_LAYOUT;
	lmdb_u64(b + 1, gid);
	lmdb_u64(b + 9, last);
	return mdb_put(txn, ls->dbi[T_GROUPS], &k, &v, 0);
}

/* pending_for - whose is a pending entry: 1 ours, 2 claimable, 0 neither */
static int
pending_for(const struct group_ctx *x, const MDB_val *v)
{
	const unsigned char *p = v->mv_data;
	size_t len = strlen(x->consumer);
	time_t since;

	if (v->mv_size < 9 || p[0] != LMDB_LAYOUT)
		return 0;
	if (v->mv_size - 9 == len && memcmp(p + 9, x->consumer, len) == 0)
		return 1;
	since = (time_t)lmdb_get_u64(p + 1);
	return x->now > since && (unsigned long long)(x->now - since) * 1000 >
	    STORE_EVENTS_CLAIM_MS ? 2 : 0;
}

/* pending_scan - deliver the group's pending entries of one sort (1, 2) */
static int
pending_scan(struct lmdb_store *ls, MDB_txn *txn, uint64_t gid, int sort,
    struct group_ctx *x, int *dirty)
{
	unsigned char kb[16];
	MDB_val k = pending_key(kb, gid, 0), v;
	MDB_cursor *cur;
	uint64_t seq;
	int rc;

	if ((rc = mdb_cursor_open(txn, ls->dbi[T_PENDING], &cur)) != 0)
		return rc;
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	while (rc == 0 && x->n < x->max && k.mv_size == 16 &&
	    lmdb_get_u64(k.mv_data) == gid) {
		seq = lmdb_get_u64((unsigned char *)k.mv_data + 8);
		if (pending_for(x, &v) != sort) {
			rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
			continue;
		}
		if ((rc = event_get(ls, txn, seq, &x->v[x->n])) < 0)
			break;
		if (rc == 0) {		/* dropped from the log meanwhile */
			/* after a delete, MDB_NEXT gives the entry after it */
			if ((rc = mdb_cursor_del(cur, 0)) == 0)
				rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
			*dirty = 1;
			continue;
		}
		x->seqs[x->n++] = seq;
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* pending_take - the delivered event seq is pending for us, since now */
static int
pending_take(struct lmdb_store *ls, MDB_txn *txn, uint64_t gid, uint64_t seq,
    const struct group_ctx *x)
{
	unsigned char kb[16], b[9 + STORE_NOTE_MAX];
	MDB_val k = pending_key(kb, gid, seq), v;
	size_t len = strlen(x->consumer);

	b[0] = LMDB_LAYOUT;
	lmdb_u64(b + 1, (uint64_t)x->now);
	memcpy(b + 9, x->consumer, len);	/* < STORE_NOTE_MAX */
	v.mv_size = 9 + len;
	v.mv_data = b;
	return mdb_put(txn, ls->dbi[T_PENDING], &k, &v, 0);
}

/* group_fn - deliver to a consumer: its own, the claimed, then new events */
static int
group_fn(struct lmdb_store *ls, MDB_txn *txn, void *arg)
{
	struct group_ctx *x = arg;
	unsigned char kb[8];
	MDB_val k = {8, kb}, v;
	MDB_cursor *cur;
	uint64_t gid = 0, last = 0, seq;
	int rc, dirty = 0;
	size_t i;

	x->n = 0;
	if ((rc = group_get(ls, txn, x->group, &gid, &last)) < 0)
		return rc;
	if (rc == 0) {
		last = 0;
		dirty = 1;
		if ((rc = lmdb_meta_next(ls, txn, "group", &gid)) != 0)
			return rc;
	}
	if ((rc = pending_scan(ls, txn, gid, 1, x, &dirty)) != 0 ||
	    (rc = pending_scan(ls, txn, gid, 2, x, &dirty)) != 0)
		return rc;
	for (i = 0; i < x->n; i++)
		if ((rc = pending_take(ls, txn, gid, x->seqs[i], x)) != 0)
			return rc;
	if ((rc = mdb_cursor_open(txn, ls->dbi[T_EVENTS], &cur)) != 0)
		return rc;
	lmdb_u64(kb, last + 1);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	    rc == 0 && x->n < x->max;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if ((rc = event_decode(&k, &v, &x->v[x->n])) != 0)
			break;
		seq = lmdb_get_u64(k.mv_data);
		x->seqs[x->n++] = last = seq;
		dirty = 1;
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	for (; i < x->n; i++)
		if ((rc = pending_take(ls, txn, gid, x->seqs[i], x)) != 0)
			return rc;
	if (dirty && (rc = group_put(ls, txn, x->group, gid, last)) != 0)
		return rc;
	return dirty || x->n > 0 ? 0 : LMDB_KEEP;
}

/* group_peek - is there anything for the consumer, or a group to make? */
static int
group_peek(struct lmdb_store *ls, MDB_txn *txn, const struct group_ctx *x,
    int *want_r)
{
	unsigned char kb[16];
	MDB_val k, v;
	MDB_cursor *cur;
	uint64_t gid = 0, last = 0, newest;
	int rc;

	*want_r = 1;
	if ((rc = group_get(ls, txn, x->group, &gid, &last)) <= 0 ||
	    (rc = lmdb_meta_get(ls, txn, "event", &newest)) != 0)
		return rc;
	if (newest > last)	/* the newest event is never dropped */
		return 0;
	if ((rc = mdb_cursor_open(txn, ls->dbi[T_PENDING], &cur)) != 0)
		return rc;
	k = pending_key(kb, gid, 0);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	    rc == 0 && k.mv_size == 16 && lmdb_get_u64(k.mv_data) == gid;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		if (pending_for(x, &v) != 0)
			break;
	*want_r = rc == 0 && k.mv_size == 16 && lmdb_get_u64(k.mv_data) ==
	    gid;
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* group_read - one read as a consumer: a look, then a write if needed */
static int
group_read(struct lmdb_store *ls, struct group_ctx *x, struct store_err *err)
{
	MDB_txn *txn;
	int rc, want;

	x->n = 0;
	if (lmdb_read_begin(ls, &txn, "events", err) < 0)
		return -1;
	rc = group_peek(ls, txn, x, &want);
	lmdb_read_end(ls, txn);
	if (rc != 0)
		return lmdb_fail("events", rc, err);
	if (!want)
		return 0;
	if (lmdb_write(ls, "events", x->now, group_fn, x, err) < 0) {
		x->n = 0;
		return -1;
	}
	return 0;
}

/* pause_ms - sleep between two looks at the file */
static void
pause_ms(long long ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/* lmdb_events_read - the log after an id, or a consumer's share of it */
int
lmdb_events_read(struct store *st, const char *group, const char *consumer,
    const char *after, unsigned wait_ms, time_t now, struct store_event *v,
    size_t max, size_t *n_r, struct store_err *err)
{
	struct lmdb_store *ls = (struct lmdb_store *)st;
	struct group_ctx x = {group, consumer, now, v, max, 0, NULL};
	long long deadline = mono_ms() + wait_ms, left;
	uint64_t from = 0;
	MDB_txn *txn;
	int rc;

	if (group == NULL && strcmp(after, "$") == 0) {
		if (lmdb_read_begin(ls, &txn, "events", err) < 0)
			return -1;
		rc = lmdb_meta_get(ls, txn, "event", &from);
		lmdb_read_end(ls, txn);
		if (rc != 0)
			return lmdb_fail("events", rc, err);
	} else if (group == NULL && parse_id(after, &from) < 0) {
		store_set_error(err, "lmdb events: bad event id");
		return -1;
	}
	if (group != NULL && (x.seqs = malloc(max * sizeof(*x.seqs))) ==
	    NULL) {
		store_set_error(err, "lmdb events: out of memory");
		return -1;
	}
	for (;;) {
		if (group == NULL)
			rc = log_read(ls, from, v, max, n_r, err);
		else if ((rc = group_read(ls, &x, err)) == 0)
			*n_r = x.n;
		if (rc < 0 || *n_r > 0 || (left = deadline - mono_ms()) <= 0)
			break;
		pause_ms(left < POLL_MS ? left : POLL_MS);
	}
	free(x.seqs);
	return rc;
}

/* An acknowledgement. */
struct ack_ctx {
	const char *group;
	uint64_t seq;
};

/* ack_fn - drop a group's pending entry, if there is one */
static int
ack_fn(struct lmdb_store *ls, MDB_txn *txn, void *arg)
{
	struct ack_ctx *a = arg;
	unsigned char kb[16];
	uint64_t gid = 0, last;
	MDB_val k;
	int rc;

	if ((rc = group_get(ls, txn, a->group, &gid, &last)) <= 0)
		return rc < 0 ? rc : LMDB_KEEP;
	k = pending_key(kb, gid, a->seq);
	rc = mdb_del(txn, ls->dbi[T_PENDING], &k, NULL);
	return rc == MDB_NOTFOUND ? LMDB_KEEP : rc;
}

/* lmdb_events_ack - a group's event was handled: one write, if pending */
int
lmdb_events_ack(struct store *st, const char *group, const char *id,
    struct store_err *err)
{
	struct ack_ctx a = {group, 0};
	int rc;

	if (parse_id(id, &a.seq) < 0) {
		store_set_error(err, "lmdb ack: bad event id");
		return -1;
	}
	rc = lmdb_write_raw((struct lmdb_store *)st, "ack", ack_fn, &a, err);
	return rc == 0 || rc == -1 ? rc : lmdb_fail("ack", rc, err);
}

/* The keys a sweep's read found dead, for its write to delete. */
struct sweep_batch {
	MDB_dbi	dbi;
	enum lmdb_table table;
	time_t	now;
	size_t	n;			/* keys */
	size_t	used;			/* octets of buf */
	size_t	next, next_at;		/* the first key not yet handled */
	size_t	end, end_at;		/* the first after a transaction */
	size_t	chunk;			/* keys per transaction */
	long	deleted;		/* by the last transaction */
	unsigned char buf[SWEEP_BUF];	/* a length of 2 octets, the key */
};

/* dead - may the sweep remove this entry of table at now? */
static int
dead(struct lmdb_store *ls, MDB_txn *txn, enum lmdb_table table,
    const MDB_val *k, const MDB_val *v, time_t now)
{
	uint64_t seq;

	if (table != T_PENDING)
		return lmdb_value_expired(v, now);
	if (k->mv_size != 16)
		return 0;
	seq = lmdb_get_u64((unsigned char *)k->mv_data + 8);
	return event_get(ls, txn, seq, NULL) == 0;
}

/* sweep_scan - find dead entries after pos; *done_r when the table ends */
static int
sweep_scan(struct lmdb_store *ls, struct lmdb_sweep_pos *pos,
    struct sweep_batch *b, int *done_r, struct store_err *err)
{
	MDB_val k = {pos->len, pos->key}, v;
	MDB_cursor *cur;
	MDB_txn *txn;
	int rc, scanned = 0;

	*done_r = 0;
	if (lmdb_read_begin(ls, &txn, "sweep", err) < 0)
		return -1;
	if ((rc = mdb_cursor_open(txn, b->dbi, &cur)) != 0) {
		lmdb_read_end(ls, txn);
		return lmdb_fail("sweep", rc, err);
	}
	rc = mdb_cursor_get(cur, &k, &v, pos->len > 0 ? MDB_SET_RANGE :
	    MDB_FIRST);
	if (rc == 0 && pos->len > 0 && k.mv_size == pos->len &&
	    memcmp(k.mv_data, pos->key, pos->len) == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (scanned++ == SWEEP_SCAN || b->n == SWEEP_BATCH ||
		    b->used + 2 + LMDB_KEY_MAX > sizeof(b->buf))
			break;
		if (k.mv_size > LMDB_KEY_MAX)
			continue;
		memcpy(pos->key, k.mv_data, k.mv_size);
		pos->len = k.mv_size;
		if (!dead(ls, txn, b->table, &k, &v, b->now))
			continue;
		b->buf[b->used++] = (unsigned char)(k.mv_size >> 8);
		b->buf[b->used++] = (unsigned char)k.mv_size;
		memcpy(b->buf + b->used, k.mv_data, k.mv_size);
		b->used += k.mv_size;
		b->n++;
	}
	mdb_cursor_close(cur);
	lmdb_read_end(ls, txn);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return lmdb_fail("sweep", rc, err);
	*done_r = rc == MDB_NOTFOUND;
	return 0;
}

/* sweep_fn - delete the next chunk of the batch, where still dead */
static int
sweep_fn(struct lmdb_store *ls, MDB_txn *txn, void *arg)
{
	struct sweep_batch *b = arg;
	size_t i, at = b->next_at;
	MDB_val k, v;
	int rc;

	b->deleted = 0;
	for (i = b->next; i < b->n && i < b->next + b->chunk; i++) {
		k.mv_size = (size_t)b->buf[at] << 8 | b->buf[at + 1];
		k.mv_data = b->buf + at + 2;
		at += 2 + k.mv_size;
		if ((rc = mdb_get(txn, b->dbi, &k, &v)) == MDB_NOTFOUND)
			continue;
		if (rc != 0)
			return rc;
		if (!dead(ls, txn, b->table, &k, &v, b->now))
			continue;
		if ((rc = mdb_del(txn, b->dbi, &k, NULL)) != 0)
			return rc;
		b->deleted++;
	}
	b->end = i;
	b->end_at = at;
	return b->deleted > 0 ? 0 : LMDB_KEEP;
}

/*
 * sweep_delete - delete a batch, in smaller transactions when the map is
 * full: a delete copies the pages it changes, and the pages a small one
 * frees make room for the next. How many went, or -1.
 */
static long
sweep_delete(struct lmdb_store *ls, struct sweep_batch *b,
    struct store_err *err)
{
	long deleted = 0;
	int rc;

	b->next = b->next_at = 0;
	b->chunk = SWEEP_BATCH;
	while (b->next < b->n) {
		rc = lmdb_write_raw(ls, "sweep", sweep_fn, b, err);
		if (rc == MDB_MAP_FULL && b->chunk > 1) {
			b->chunk = b->chunk > 8 ? b->chunk / 8 : 1;
			continue;
		}
		if (rc != 0)
			return rc == -1 ? -1 : lmdb_fail("sweep", rc, err);
		deleted += b->deleted;
		b->next = b->end;
		b->next_at = b->end_at;
		if (b->chunk < SWEEP_BATCH)
			b->chunk *= 2;
	}
	return deleted;
}

/* sweep_run - sweep from pos until the round ends or deadline (0: none) */
static long
sweep_run(struct lmdb_store *ls, struct lmdb_sweep_pos *pos, time_t now,
    long long deadline, struct store_err *err)
{
	struct sweep_batch *b;
	long deleted = 0, n;
	int dead_readers, done;

	if ((b = malloc(sizeof(*b))) == NULL) {
		store_set_error(err, "lmdb sweep: out of memory");
		return -1;
	}
	(void)mdb_reader_check(ls->env, &dead_readers);
	while (pos->table < N_SWEEP) {
		b->table = sweep_order[pos->table];
		b->dbi = ls->dbi[b->table];
		b->now = now;
		b->n = b->used = 0;
		n = 0;
		if (sweep_scan(ls, pos, b, &done, err) < 0 ||
		    (b->n > 0 && (n = sweep_delete(ls, b, err)) < 0)) {
			deleted = -1;
			break;
		}
		deleted += n;
		if (done) {
			pos->table++;
			pos->len = 0;
		}
		if (deadline != 0 && pos->table < N_SWEEP &&
		    mono_ms() >= deadline)
			break;
	}
	if (pos->table >= N_SWEEP || deleted < 0) {
		pos->table = 0;
		pos->len = 0;
	}
	free(b);
	return deleted;
}

/* lmdb_sweep - a part of a round, from where the last call stopped */
int
lmdb_sweep(struct store *st, time_t now, struct store_err *err)
{
	struct lmdb_store *ls = (struct lmdb_store *)st;
	long rc;

	/* the counts written behind first: the sweep judges the file */
	if (lmdb_wb_flush(ls, now, err) < 0)
		return -1;
	pthread_mutex_lock(&ls->sweeplock);
	rc = sweep_run(ls, &ls->sweep, now, mono_ms() + SWEEP_BUDGET_MS, err);
	pthread_mutex_unlock(&ls->sweeplock);
	return rc < 0 ? -1 : 0;
}

/* lmdb_sweep_all - a whole round at once: how many entries went, or -1 */
long
lmdb_sweep_all(struct lmdb_store *ls, time_t now)
{
	struct lmdb_sweep_pos pos;

	pos.table = 0;
	pos.len = 0;
	/* for a full map: why it could not sweep matters less than that */
	return sweep_run(ls, &pos, now, 0, NULL);
}
