/*
 * NAME
 *	store_lmdb 3
 * SUMMARY
 *	the embedded state backend: one persistent LMDB file
 * SYNOPSIS
 *	#include "store.h"
 *
 *	struct store *store_lmdb_new(const struct store_lmdb_opts *o,
 *	    char *err, size_t errlen);
 * DESCRIPTION
 *	Behaves as store_memory.c does, for any now passed in (counter
 *	windows too, in whole seconds), and keeps everything in one file:
 *	StateFile, opened with MDB_NOSUBDIR, LMDB's lock file "<path>-lock"
 *	beside it, both created mode 0660. The daemon and isolationctl open
 *	it at once: LMDB serialises the writers of every process and never
 *	blocks a reader. Each operation is one transaction, and MDB_NOTLS
 *	ties a read transaction to the call, not to the thread (libmilter's
 *	workers come and go). Reader slots left by a killed process are
 *	cleared (mdb_reader_check) at open and at every sweep. A process
 *	opens a file once: LMDB's locks are per process. When another
 *	process has grown the map, the store adopts its size.
 *
 *	Tables (named databases of the file). Keys are bytes, never text
 *	made from them; K is 'I' for an IP and 'L' for a login; integers
 *	are big-endian, N:8 of eight octets; TEXT is a length of two octets
 *	and the octets:
 *
 *	quarantines	K KEY -> RECORD
 *	counters	K WLEN:1 WHAT WINDOW_MS:8 KEY -> 1 END:8 COUNT:8
 *	notes		NAME -> 1 EXPIRES:8 VALUE
 *	history		K KEY -> 1 EXPIRES:8 INCIDENTS:8
 *	events		SEQ:8 -> 1 TYPE:1 K TIME:8 TEXT(KEY) RECORD
 *	groups		NAME -> 1 GID:8 LAST_DELIVERED:8
 *	pending		GID:8 SEQ:8 -> 1 SINCE:8 CONSUMER
 *	meta		"version" "incident" "event" "group" -> N:8
 *
 *	RECORD is 1 EXPIRES:8 FIRST_SEEN:8 LAST_SEEN:8 HITS:8 INCIDENT:8
 *	REPEAT:8 TEXT(rule id) TEXT(reason) TEXT(evidence) TEXT(node). Every
 *	value opens with its layout (1), an expiring one then with its
 *	expiry, so that the sweep reads all of them alike. Meta "version"
 *	is the file's layout (1): a file of another is refused at open; a
 *	value of another layout is an error ("malformed record"), except
 *	that a put replaces it. The meta counters number the incidents, the
 *	events and the groups; none is ever reset.
 *
 *	Durability: MDB_NOMETASYNC. A commit writes its pages and
 *	fdatasync(2)s them before it returns, and leaves only the meta page
 *	to the system: a commit that returned survives a kill -9 of the
 *	process (its pages are in the kernel), a crash of the system keeps
 *	the file whole and loses at worst the last commit. A full sync (two
 *	syncs a commit) buys nothing more worth its cost; MDB_NOSYNC could,
 *	after a system crash, leave a file that no longer opens. Cost on
 *	ext4: 0.27 ms a write (fdatasync 0.19 ms); a read about 1 us.
 *
 *	Rate counters and the seen note (the login last seen on an
 *	address) are written behind (store_lmdb_wb.c): a store_check()
 *	counts and notes in memory, in one read transaction, and never
 *	waits for a sync. A thread of the store writes them within a
 *	second, in one commit for all of them; so do the check that brings
 *	them to LMDB_WB_MAX (16384), store_sweep() (first, and it returns
 *	the error of a flush that fails, for the log) and store_free() (a
 *	clean stop loses none). A kill -9 or a crash loses at most the last
 *	second of counting, which lets an abuser send at most a second's
 *	worth more; readers of this process see the counts and notes at
 *	once, another process (isolationctl, a second daemon) at most a
 *	second late, and the counts of several processes add up in the
 *	file. Postfix's anvil keeps such counters in memory only. The seen
 *	note is still noted only when its value changes or less than half
 *	its TTL is left; a quarantine or release of an address writes its
 *	pending seen note in the same commit, since the notifier looks the
 *	login up as soon as it reads the event. Everything else (records,
 *	releases, history, events, groups, other notes) is synced before
 *	the call returns.

 *	The writes of concurrent callers (libmilter's workers) share
 *	commits: those that arrive while one commit syncs go, at most 32 of
 *	them, into the next one, each in a nested transaction of its own
 *	(store_lmdb_file.c), so that the file is synced once per batch, not
 *	once per write. The guarantees stay those of one write: a caller
 *	returns success only once the commit that holds its change has
 *	returned, and a write that fails undoes its own changes, no one
 *	else's.
 *
 *	What bounds the file: the map size (o->map_size, 1 GiB by default),
 *	which LMDB never passes. Within it live the records, counters and
 *	notes, the history of escalation (each entry esc->window seconds
 *	after its latest incident), at most events_max events (the oldest
 *	dropped as each one is appended) and the groups' pending events.
 *	store_sweep() removes what expired (store_lmdb_events.c), and LMDB
 *	reuses the pages it frees. A write that finds the map full sweeps
 *	every expired entry at once (at most once per second of now) and
 *	tries again, once; still full, it fails: nothing live is evicted
 *	to make room, the size of the file is the operator's choice.
 *
 *	A note put with an expiry not after now removes the note, and a
 *	claim of one (only_new) writes nothing. A listing reads 128 records
 *	per read transaction and calls the caller's function between them,
 *	with no transaction open.
 *
 *	Files: this one, the records, counters, notes and the backend's
 *	creation; store_lmdb_file.c, opening the file, its transactions and
 *	the codecs of this layout; store_lmdb_events.c, the event log, the
 *	consumer groups and the sweep; store_lmdb_wb.c, the counters and
 *	seen notes written behind; store_lmdb.h, what they share.
 * DIAGNOSTICS
 *	-1 with "lmdb WHERE: WHY" in the caller's err, WHY being LMDB's
 *	mdb_strerror() or "state file PATH is full". store_lmdb_new()
 *	returns NULL with "lmdb open PATH: WHY" in err. Never exits, never
 *	logs.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_lmdb.h"

#define DEFAULT_MAP_SIZE	(1ULL << 30)
#define DEFAULT_EVENTS_MAX	100000
#define LIST_PAGE		128
#define TTL_MAX			((time_t)1 << 40)	/* escalation: a cap */

/* qkey - kind:key as a key of quarantines and history, in buf */
static MDB_val
qkey(unsigned char *buf, enum store_kind kind, const char *key)
{
	size_t len = strlen(key);
	MDB_val k;

	buf[0] = lmdb_kind(kind);
	memcpy(buf + 1, key, len);
	k.mv_size = len + 1;
	k.mv_data = buf;
	return k;
}

/* read_record - kind:key's record, live or not: 1, 0 absent, <0 error */
static int
read_record(struct lmdb_store *ls, MDB_txn *txn, const MDB_val *k,
    struct quarantine *q)
{
	struct lmdb_rd r;
	MDB_val v;
	int rc;

	if ((rc = mdb_get(txn, ls->dbi[T_QUARANTINES], (MDB_val *)k, &v)) ==
	    MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	rd_init(&r, &v);
	return (rc = rd_record(&r, q)) != 0 ? rc : 1;
}

/* live - is kind:key quarantined at now? 1, 0, <0 error */
static int
live(struct lmdb_store *ls, MDB_txn *txn, enum store_kind kind,
    const char *key, time_t now, struct quarantine *q_r)
{
	unsigned char kb[1 + STORE_KEY_MAX];
	MDB_val k = qkey(kb, kind, key);
	struct quarantine q;
	int rc;

	if ((rc = read_record(ls, txn, &k, &q)) != 1)
		return rc;
	if (q.expires <= now)
		return 0;
	if (q_r != NULL)
		*q_r = q;
	return 1;
}

/* lmdb_get - read a record: one read transaction */
static int
lmdb_get(struct store *st, enum store_kind kind, const char *key, time_t now,
    struct quarantine *q_r, struct store_err *err)
{
	struct lmdb_store *ls = (struct lmdb_store *)st;
	MDB_txn *txn;
	int rc;

	if (lmdb_read_begin(ls, &txn, "get", err) < 0)
		return -1;
	rc = live(ls, txn, kind, key, now, q_r);
	lmdb_read_end(ls, txn);
	return rc < 0 ? lmdb_fail("get", rc, err) : rc;
}

/* escalated - the seconds the n-th incident lasts */
static time_t
escalated(time_t base, const struct store_escalation *esc, uint64_t n)
{
	time_t ttl = base;
	uint64_t i;

	if (base <= 0)
		return base;
	for (i = 1; i < n && ttl < TTL_MAX; i++) {
		if (esc->max_ttl > 0 && ttl >= esc->max_ttl)
			break;
		ttl = ttl > TTL_MAX / (time_t)esc->factor ? TTL_MAX :
		    ttl * (time_t)esc->factor;
	}
	if (esc->max_ttl > 0 && ttl > esc->max_ttl)
		ttl = esc->max_ttl;
	return ttl < base ? base : ttl;
}

/* What a put is asked, and what it made. */
struct put_ctx {
	enum store_kind kind;
	const char *key;
	const struct quarantine *q;
	const struct store_escalation *esc;
	time_t	now;
	struct quarantine m;
	struct lmdb_seen seen;
};

/* escalate - count kind:key's incident in its history, stretch m's expiry */
static int
escalate(struct lmdb_store *ls, MDB_txn *txn, MDB_val *k, struct put_ctx *p)
{
	unsigned char b[17];
	MDB_val v;
	uint64_t n = 1;
	int rc;

	rc = mdb_get(txn, ls->dbi[T_HISTORY], k, &v);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	if (rc == 0 && v.mv_size == 17 && !lmdb_value_expired(&v, p->now))
		n = lmdb_get_u64((unsigned char *)v.mv_data + 9) + 1;
	b[0] = LMDB_LAYOUT;
	lmdb_u64(b + 1, (uint64_t)(p->now + p->esc->window));
	lmdb_u64(b + 9, n);
	v.mv_size = sizeof(b);
	v.mv_data = b;
	if ((rc = mdb_put(txn, ls->dbi[T_HISTORY], k, &v, 0)) != 0)
		return rc;
	p->m.repeat = (unsigned long)n;
	p->m.expires = p->now + escalated(p->q->expires - p->now, p->esc, n);
	return 0;
}

/* put_fn - create or refresh a record, and log it */
static int
put_fn(struct lmdb_store *ls, MDB_txn *txn, void *arg)
{
	struct put_ctx *p = arg;
	struct quarantine *m = &p->m;
	unsigned char kb[1 + STORE_KEY_MAX];
	MDB_val k = qkey(kb, p->kind, p->key), v;
	enum store_event_type type = STORE_EVENT_HIT;
	struct lmdb_buf b;
	uint64_t incident;
	int rc;

	if ((rc = lmdb_wb_seen_write(ls, txn, &p->seen)) != 0)
		return rc;
	rc = read_record(ls, txn, &k, m);
	if (rc < 0 && rc != LMDB_BADREC)	/* a bad one is replaced */
		return rc;
	if (rc == 1 && m->expires > p->now) {
		m->rule = p->q->rule;
		memcpy(m->reason, p->q->reason, sizeof(m->reason));
		memcpy(m->evidence, p->q->evidence, sizeof(m->evidence));
		m->last_seen = p->now;
		if (p->q->expires > m->expires)
			m->expires = p->q->expires;
		m->hits++;
	} else {
		type = STORE_EVENT_QUARANTINE;
		*m = *p->q;
		m->first_seen = m->last_seen = p->now;
		m->hits = 1;
		m->repeat = 1;
		if ((rc = lmdb_meta_next(ls, txn, "incident", &incident)) != 0)
			return rc;
		m->incident = (unsigned long)incident;
		if (p->esc != NULL && (rc = escalate(ls, txn, &k, p)) != 0)
			return rc;
	}
	m->reason[sizeof(m->reason) - 1] = '\0';
	m->evidence[sizeof(m->evidence) - 1] = '\0';
	m->node[sizeof(m->node) - 1] = '\0';
	b.len = 0;
	b.overflow = 0;
	buf_record(&b, m);
	if (b.overflow)
		return EOVERFLOW;
	v.mv_size = b.len;
	v.mv_data = b.p;
	if ((rc = mdb_put(txn, ls->dbi[T_QUARANTINES], &k, &v, 0)) != 0)
		return rc;
	return lmdb_event_append(ls, txn, type, p->kind, p->key, m, p->now);
}

/* lmdb_put - create or refresh a record, with its event: one write */
static int
lmdb_put(struct store *st, enum store_kind kind, const char *key,
    const struct quarantine *q, const struct store_escalation *esc,
    time_t now, struct quarantine *merged_r, struct store_err *err)
{
	struct lmdb_store *ls = (struct lmdb_store *)st;
	struct put_ctx p = {kind, key, q, esc, now, {0}, {0}};

	lmdb_wb_seen_take(ls, kind, key, now, &p.seen);
	if (lmdb_write(ls, "put", now, put_fn, &p, err) < 0)
		return -1;
	if (merged_r != NULL)
		*merged_r = p.m;
	return 0;
}

/* What a release is asked, and whether it lifted a live record. */
struct release_ctx {
	enum store_kind kind;
	const char *key;
	time_t	now;
	int	lifted;
	struct lmdb_seen seen;
};

/* release_fn - delete a record; log it if it lived */
static int
release_fn(struct lmdb_store *ls, MDB_txn *txn, void *arg)
{
	struct release_ctx *r = arg;
	unsigned char kb[1 + STORE_KEY_MAX];
	MDB_val k = qkey(kb, r->kind, r->key);
	struct quarantine q;
	int rc, found;

	r->lifted = 0;
	if ((found = read_record(ls, txn, &k, &q)) == 0)
		return LMDB_KEEP;
	if (found < 0 && found != LMDB_BADREC)
		return found;
	if ((rc = mdb_del(txn, ls->dbi[T_QUARANTINES], &k, NULL)) != 0)
		return rc;
	if (found != 1 || q.expires <= r->now)	/* malformed, or expired */
		return 0;
	r->lifted = 1;
	if ((rc = lmdb_wb_seen_write(ls, txn, &r->seen)) != 0)
		return rc;
	snprintf(q.node, sizeof(q.node), "%s", ls->node);
	q.last_seen = r->now;
	return lmdb_event_append(ls, txn, STORE_EVENT_RELEASE, r->kind, r->key,
	    &q, r->now);
}

/* lmdb_release - lift a record: one write */
static int
lmdb_release(struct store *st, enum store_kind kind, const char *key,
    time_t now, struct store_err *err)
{
	struct release_ctx r = {kind, key, now, 0, {0}};

	lmdb_wb_seen_take((struct lmdb_store *)st, kind, key, now, &r.seen);
	if (lmdb_write((struct lmdb_store *)st, "release", now, release_fn,
	    &r, err) < 0)
		return -1;
	return r.lifted;
}

/* note_key - a note's name as its key */
static MDB_val
note_key(const char *name)
{
	MDB_val k;

	k.mv_size = strlen(name);
	k.mv_data = (void *)name;
	return k;
}

/* note_read - a live note: 1 with its value and expiry, 0 none, <0 error */
static int
note_read(struct lmdb_store *ls, MDB_txn *txn, const char *name, time_t now,
    MDB_val *value_r, time_t *expires_r)
{
	MDB_val k = note_key(name), v;
	int rc;

	if ((rc = mdb_get(txn, ls->dbi[T_NOTES], &k, &v)) == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (v.mv_size < 9 || *(unsigned char *)v.mv_data != LMDB_LAYOUT)
		return LMDB_BADREC;
	if (lmdb_value_expired(&v, now))
		return 0;
	*expires_r = (time_t)lmdb_get_u64((unsigned char *)v.mv_data + 1);
	value_r->mv_size = v.mv_size - 9;
	value_r->mv_data = (unsigned char *)v.mv_data + 9;
	return 1;
}

/* lmdb_note_write - name (len octets) = value until expires */
int
lmdb_note_write(struct lmdb_store *ls, MDB_txn *txn, const char *name,
    size_t len, const char *value, time_t expires)
{
	MDB_val k = {len, (void *)name}, v;
	struct lmdb_buf b;

	len = strlen(value);

	b.len = 0;
	buf_u8(&b, LMDB_LAYOUT);
	buf_u64(&b, (uint64_t)expires);
	memcpy(b.p + b.len, value, len);	/* < STORE_NOTE_MAX: room */
	v.mv_size = b.len + len;
	v.mv_data = b.p;
	return mdb_put(txn, ls->dbi[T_NOTES], &k, &v, 0);
}

/* What a note put is asked, and whether it wrote. */
struct note_ctx {
	const char *name;
	const char *value;
	time_t	expires;
	int	only_new;
	time_t	now;
	int	written;
};

/* note_put_fn - write a note, unless only_new and one lives */
static int
note_put_fn(struct lmdb_store *ls, MDB_txn *txn, void *arg)
{
	struct note_ctx *n = arg;
	MDB_val k = note_key(n->name), v;
	time_t expires;
	int rc;

	n->written = 0;
	if (n->expires <= n->now) {	/* dead at birth: a claim of nothing */
		if (n->only_new)
			return LMDB_KEEP;
		n->written = 1;
		rc = mdb_del(txn, ls->dbi[T_NOTES], &k, NULL);
		return rc == MDB_NOTFOUND ? LMDB_KEEP : rc;
	}
	if (n->only_new) {
		rc = note_read(ls, txn, n->name, n->now, &v, &expires);
		if (rc == 1)
			return LMDB_KEEP;
		if (rc < 0 && rc != LMDB_BADREC)
			return rc;
	}
	if ((rc = lmdb_note_write(ls, txn, n->name, strlen(n->name),
	    n->value, n->expires)) == 0)
		n->written = 1;
	return rc;
}

/* lmdb_note_put - write or claim a note: one write */
static int
lmdb_note_put(struct store *st, const char *name, const char *value,
    time_t expires, int only_new, time_t now, struct store_err *err)
{
	struct note_ctx n = {name, value, expires, only_new, now, 0};

	/* a pending seen note is this process's latest: claimed, or replaced */
	if (lmdb_wb_note_put((struct lmdb_store *)st, name, only_new, now))
		return 0;
	if (lmdb_write((struct lmdb_store *)st, "note", now, note_put_fn,
	    &n, err) < 0)
		return -1;
	return n.written;
}

/* lmdb_note_get - read a live note, cut to len - 1 octets */
static int
lmdb_note_get(struct store *st, const char *name, time_t now, char *value_r,
    size_t len, struct store_err *err)
{
	struct lmdb_store *ls = (struct lmdb_store *)st;
	MDB_val v = {0, NULL};
	MDB_txn *txn;
	time_t expires;
	int rc;

	if (lmdb_wb_begin(ls, &txn, "note", err) < 0)
		return -1;
	if ((rc = lmdb_wb_note_get(ls, name, now, &v, &expires)) == 1 ||
	    (rc = note_read(ls, txn, name, now, &v, &expires)) == 1) {
		if (v.mv_size > len - 1)
			v.mv_size = len - 1;
		memcpy(value_r, v.mv_data, v.mv_size);
		value_r[v.mv_size] = '\0';
	}
	(void)lmdb_wb_end(ls, txn, NULL);	/* nothing added: no flush */
	return rc < 0 ? lmdb_fail("note", rc, err) : rc;
}

/* seen_fresh - does "seen:<ip>" already say seen_login, for long enough? */
static int
seen_fresh(struct lmdb_store *ls, MDB_txn *txn, const struct store_check *c,
    const char *name, time_t now, int *fresh_r)
{
	size_t len = strlen(c->seen_login);
	time_t expires;
	MDB_val v;
	int rc;

	*fresh_r = 0;
	if ((rc = lmdb_wb_note_get(ls, name, now, &v, &expires)) == 0)
		rc = note_read(ls, txn, name, now, &v, &expires);
	if (rc < 0 && rc != LMDB_BADREC)
		return rc;
	*fresh_r = rc == 1 && v.mv_size == len &&
	    memcmp(v.mv_data, c->seen_login, len) == 0 &&
	    (expires - now) * 2 >= c->seen_ttl;
	return 0;
}

/* counter_key - a counter's key in buf; 0 when it does not fit */
static size_t
counter_key(unsigned char *buf, const struct store_counter *k)
{
	const char *what = k->what != NULL ? k->what : "";
	size_t wl = strlen(what), kl = strlen(k->key);

	if (wl > 255 || 2 + wl + 8 + kl > LMDB_KEY_MAX)
		return 0;
	buf[0] = lmdb_kind(k->kind);
	buf[1] = (unsigned char)wl;
	memcpy(buf + 2, what, wl);
	lmdb_u64(buf + 2 + wl, k->window_ms);
	memcpy(buf + 10 + wl, k->key, kl);
	return 10 + wl + kl;
}

/* count - add to a counter, in the write-behind buffer (wblock held) */
static int
count(struct lmdb_store *ls, MDB_txn *txn, struct store_counter *k,
    time_t now)
{
	unsigned char kb[LMDB_KEY_MAX];
	size_t len = counter_key(kb, k);
	uint64_t n;
	time_t end;
	int rc;

	if ((rc = lmdb_wb_count(ls, txn, kb, len, k->window_ms, k->add, now,
	    &n, &end)) != 0)
		return rc;
	k->count_r = (unsigned long)n;
	k->reset_ms_r = (unsigned long)(end - now) * 1000;
	return 0;
}

/* What a check is asked. */
struct check_ctx {
	struct store_check *c;
	const char *seen;		/* the note's name, or NULL */
	time_t	now;
};

/* check_read - the quarantine reads of a check, and the seen note's state */
static int
check_read(struct lmdb_store *ls, MDB_txn *txn, struct check_ctx *x,
    int *fresh_r)
{
	struct store_check *c = x->c;
	int rc;

	*fresh_r = 1;
	if (c->ip != NULL) {
		if ((rc = live(ls, txn, STORE_IP, c->ip, x->now, NULL)) < 0)
			return rc;
		c->ip_quarantined_r = rc;
	}
	if (c->login != NULL) {
		if ((rc = live(ls, txn, STORE_LOGIN, c->login, x->now,
		    NULL)) < 0)
			return rc;
		c->login_quarantined_r = rc;
	}
	if (x->seen != NULL)
		return seen_fresh(ls, txn, c, x->seen, x->now, fresh_r);
	return 0;
}

/* lmdb_check - a stage's reads, its counters and seen note write-behind */
static int
lmdb_check(struct store *st, struct store_check *c, time_t now,
    struct store_err *err)
{
	struct lmdb_store *ls = (struct lmdb_store *)st;
	unsigned char kb[LMDB_KEY_MAX];
	char seen[sizeof("seen:") + STORE_KEY_MAX];
	struct check_ctx x = {c, NULL, now};
	MDB_txn *txn;
	size_t i;
	int rc, fresh;

	for (i = 0; i < c->n_counters; i++)
		if (counter_key(kb, &c->counters[i]) == 0) {
			store_set_error(err,
			    "lmdb check: counter name too long");
			return -1;
		}
	if (c->seen_login != NULL) {
		snprintf(seen, sizeof(seen), "seen:%s", c->ip);
		x.seen = seen;
	}
	if (lmdb_wb_begin(ls, &txn, "check", err) < 0)
		return -1;
	if ((rc = check_read(ls, txn, &x, &fresh)) == 0 &&
	    (!fresh || c->n_counters > 0) && ls->read_only)
		rc = EROFS;
	if (rc == 0 && !fresh)
		rc = lmdb_wb_note_set(ls, seen, c->seen_login,
		    now + c->seen_ttl, now);
	for (i = 0; rc == 0 && i < c->n_counters; i++)
		rc = count(ls, txn, &c->counters[i], now);
	if (lmdb_wb_end(ls, txn, err) < 0 && rc == 0)
		return -1;		/* at its bound, the buffer's flush */
	if (rc == ENOBUFS) {
		store_set_error(err, "lmdb check: %s not written: %d counts "
		    "and notes pending", ls->path, 2 * LMDB_WB_MAX);
		return -1;
	}
	return rc != 0 ? lmdb_fail("check", rc, err) : 0;
}

/* One record of a listing's page. */
struct listed {
	struct quarantine q;
	char	key[STORE_KEY_MAX + 1];
};

/* list_page - up to LIST_PAGE live records after pos; how many, or <0 */
static int
list_page(struct lmdb_store *ls, enum store_kind kind, time_t now,
    unsigned char *pos, size_t *pos_len, struct listed *page, int *end_r,
    struct store_err *err)
{
	MDB_val k = {*pos_len, pos}, v;
	unsigned char want = lmdb_kind(kind);
	struct lmdb_rd r;
	MDB_cursor *cur;
	MDB_txn *txn;
	int rc, n = 0, first = *pos_len == 1;

	if (lmdb_read_begin(ls, &txn, "list", err) < 0)
		return -1;
	if ((rc = mdb_cursor_open(txn, ls->dbi[T_QUARANTINES], &cur)) != 0) {
		lmdb_read_end(ls, txn);
		return lmdb_fail("list", rc, err);
	}
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (rc == 0 && !first && k.mv_size == *pos_len &&
	    memcmp(k.mv_data, pos, *pos_len) == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	for (; rc == 0 && n < LIST_PAGE; rc = mdb_cursor_get(cur, &k, &v,
	    MDB_NEXT)) {
		if (k.mv_size < 2 || *(unsigned char *)k.mv_data != want)
			break;
		memcpy(pos, k.mv_data, k.mv_size);
		*pos_len = k.mv_size;
		rd_init(&r, &v);
		if (k.mv_size > STORE_KEY_MAX + 1 ||
		    memchr(k.mv_data, '\0', k.mv_size) != NULL ||
		    rd_record(&r, &page[n].q) != 0 || page[n].q.expires <= now)
			continue;
		memcpy(page[n].key, (char *)k.mv_data + 1, k.mv_size - 1);
		page[n].key[k.mv_size - 1] = '\0';
		n++;
	}
	*end_r = n < LIST_PAGE;
	mdb_cursor_close(cur);
	lmdb_read_end(ls, txn);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return lmdb_fail("list", rc, err);
	return n;
}

/* lmdb_list - the live records of a kind, to fn between read pages */
static int
lmdb_list(struct store *st, enum store_kind kind, time_t now,
    store_list_fn fn, void *arg, struct store_err *err)
{
	struct lmdb_store *ls = (struct lmdb_store *)st;
	unsigned char pos[LMDB_KEY_MAX];
	size_t pos_len = 1;
	struct listed *page;
	int i, n, total = 0, end = 0;

	if ((page = malloc(LIST_PAGE * sizeof(*page))) == NULL) {
		store_set_error(err, "lmdb list: out of memory");
		return -1;
	}
	pos[0] = lmdb_kind(kind);
	while (!end) {
		if ((n = list_page(ls, kind, now, pos, &pos_len, page,
		    &end, err)) < 0) {
			total = -1;
			break;
		}
		for (i = 0; i < n; i++) {
			total++;
			if (fn(arg, kind, page[i].key, &page[i].q) != 0) {
				end = 1;
				break;
			}
		}
	}
	free(page);
	return total;
}

/* lmdb_free - close the file and free the store */
static void
lmdb_free(struct store *st)
{
	struct lmdb_store *ls = (struct lmdb_store *)st;

	lmdb_wb_free(ls);
	if (ls->env != NULL)
		mdb_env_close(ls->env);
	pthread_rwlock_destroy(&ls->maplock);
	pthread_mutex_destroy(&ls->sweeplock);
	pthread_mutex_destroy(&ls->fulllock);
	pthread_mutex_destroy(&ls->grouplock);
	free(ls->path);
	free(ls->node);
	free(ls);
}

static const struct store_ops lmdb_ops = {
	.name = "lmdb",
	.quarantine_get = lmdb_get,
	.quarantine_put = lmdb_put,
	.quarantine_release = lmdb_release,
	.check = lmdb_check,
	.free = lmdb_free,
	.quarantine_list = lmdb_list,
	.events_read = lmdb_events_read,
	.events_ack = lmdb_events_ack,
	.note_put = lmdb_note_put,
	.note_get = lmdb_note_get,
	.sweep = lmdb_sweep,
};

/* store_lmdb_new - open or create the state file; NULL with err */
struct store *
store_lmdb_new(const struct store_lmdb_opts *o, char *err, size_t errlen)
{
	struct lmdb_store *ls;

	if (o->path == NULL || *o->path == '\0') {
		snprintf(err, errlen, "StateFile must not be empty");
		return NULL;
	}
	if (strlen(o->path) + sizeof("-lock") > 4096) {
		snprintf(err, errlen, "StateFile: path too long");
		return NULL;
	}
	if (o->map_size > (unsigned long long)SIZE_MAX) {
		snprintf(err, errlen, "lmdb open %s: map size too large for "
		    "this system", o->path);
		return NULL;
	}
	if ((ls = calloc(1, sizeof(*ls))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_rwlock_init(&ls->maplock, NULL);
	pthread_mutex_init(&ls->sweeplock, NULL);
	pthread_mutex_init(&ls->fulllock, NULL);
	pthread_mutex_init(&ls->grouplock, NULL);
	lmdb_wb_init(ls);
	ls->read_only = o->read_only;
	ls->queue_tail = &ls->queue;
	ls->base.ops = &lmdb_ops;
	ls->map_size = o->map_size != 0 ? o->map_size : DEFAULT_MAP_SIZE;
	ls->events_max = o->events_max != 0 ? o->events_max :
	    DEFAULT_EVENTS_MAX;
	if ((ls->path = strdup(o->path)) == NULL ||
	    (ls->node = strdup(o->node != NULL ? o->node : "")) == NULL) {
		snprintf(err, errlen, "out of memory");
		lmdb_free(&ls->base);
		return NULL;
	}
	if (lmdb_open(ls, o->read_only, err, errlen) < 0) {
		lmdb_free(&ls->base);
		return NULL;
	}
	return &ls->base;
}
