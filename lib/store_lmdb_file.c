/*
 * NAME
 *	store_lmdb_file 3
 * SUMMARY
 *	the embedded backend's file: opening it, its transactions, its
 *	layout
 * SYNOPSIS
 *	#include "store_lmdb.h"
 *
 *	int lmdb_open(struct lmdb_store *ls, int read_only, char *err,
 *	    size_t errlen);
 *	int lmdb_read_begin(struct lmdb_store *ls, MDB_txn **txn_r,
 *	    const char *where, struct store_err *err);
 *	void lmdb_read_end(struct lmdb_store *ls, MDB_txn *txn);
 *	int lmdb_write(struct lmdb_store *ls, const char *where, time_t now,
 *	    lmdb_write_fn fn, void *arg, struct store_err *err);
 *	int lmdb_write_raw(struct lmdb_store *ls, const char *where,
 *	    lmdb_write_fn fn, void *arg, struct store_err *err);
 *	int lmdb_fail(const char *where, int rc, struct store_err *err);
 * DESCRIPTION
 *	lmdb_open() opens the file with MDB_NOSUBDIR | MDB_NOTLS |
 *	MDB_NOMETASYNC (store_lmdb.c says why), READERS reader slots and
 *	the tables, created unless read_only; a file that it creates, and
 *	its lock file, get mode 0660 whatever the umask, since the
 *	operator's tool opens them too; read-only, it never creates either.
 *	Created by root in a folder that is not root's (isolationctl run
 *	before the daemon's first start), both are given to the folder's
 *	owner and group, the daemon's user.
 *	It writes meta "version" into a new file and refuses a file of
 *	another layout.
 *
 *	Every transaction holds maplock shared. A transaction that LMDB
 *	refuses with MDB_MAP_RESIZED (another process grew the map past
 *	this one's) takes it exclusive, so that no transaction of this
 *	process is open, adopts the new size and begins again.
 *
 *	lmdb_write() runs fn in a write transaction and commits it; fn
 *	returns 0 to commit, LMDB_KEEP when it has nothing to write, or an
 *	error. When the map is full, it sweeps every expired entry
 *	(lmdb_sweep_all(), at most once per second of now, so that a full
 *	file of live records is not walked at every write) and runs fn
 *	once more; fn must therefore start afresh each time. Callers refused
 *	in the same second wait for that sweep and retry if it freed any.
 *	lmdb_write_raw() is one attempt, for the sweep itself: it neither
 *	queues nor waits for a batch, only for LMDB's writer lock.
 *
 *	Group commit: a commit costs a sync of the file, so the callers of
 *	lmdb_write() queue their fn, and the oldest of them, when no batch
 *	runs, leads one: it takes up to GROUP_MAX requests off the queue
 *	(those that came while the previous commit synced), runs each in a
 *	transaction nested in one write transaction (a fn that fails or
 *	says LMDB_KEEP undoes its own changes only; nesting needs an
 *	environment without MDB_WRITEMAP), commits once, gives each caller
 *	its result, wakes it and the oldest still queued, the next leader.
 *	A request alone runs without nesting, as before. No caller returns
 *	before the commit that holds its change has returned; when that
 *	commit fails, every request of the batch fails with it, since what
 *	one read may come from another's lost change. No thread of its own:
 *	the leader is a caller, and fn runs with nothing held but the
 *	write transaction, as it did. A map full inside a batch refuses
 *	only the request that hit it (and each one, when the commit itself
 *	hit it): that caller sweeps and queues again. Other processes
 *	(isolationctl) and the sweep still take LMDB's writer lock each in
 *	turn with the batches.
 *
 *	The codecs write and read the values store_lmdb.c describes:
 *	buf_*() append to a struct lmdb_buf, which notes an overflow;
 *	rd_*() read from a struct lmdb_rd, which notes a value too short.
 * DIAGNOSTICS
 *	lmdb_read_begin() and lmdb_write() return -1 with "lmdb WHERE:
 *	WHY" in err, the caller's (store.h). lmdb_write_raw() returns 0,
 *	LMDB's error code (err not written), or -1 (written). lmdb_fail()
 *	writes LMDB's error code rc into err and returns -1. lmdb_open()
 *	returns -1 with "lmdb open PATH: WHY" in its err.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_lmdb.h"

#define READERS		1024		/* reader slots, every process */
#define GROUP_MAX	32		/* requests per batch, per commit */

static const char *const table_names[N_TABLES] = {
	"quarantines", "counters", "notes", "history", "events", "groups",
	"pending", "meta",
};

/* lmdb_fail - why WHERE failed, into err; -1 */
int
lmdb_fail(const char *where, int rc, struct store_err *err)
{
	store_set_error(err, "lmdb %s: %s", where, rc == LMDB_BADREC ?
	    "malformed record" : mdb_strerror(rc));
	return -1;
}

/* txn_open - a transaction, adopting a map another process grew; 0 with
 * maplock held shared, or LMDB's error */
static int
txn_open(struct lmdb_store *ls, unsigned flags, MDB_txn **txn_r)
{
	int rc, tries;

	for (tries = 0;; tries++) {
		pthread_rwlock_rdlock(&ls->maplock);
		if ((rc = mdb_txn_begin(ls->env, NULL, flags, txn_r)) == 0)
			return 0;
		pthread_rwlock_unlock(&ls->maplock);
		if (rc != MDB_MAP_RESIZED || tries > 0)
			return rc;
		/* LMDB wants no transaction of this process open for it */
		pthread_rwlock_wrlock(&ls->maplock);
		rc = mdb_env_set_mapsize(ls->env, 0);
		pthread_rwlock_unlock(&ls->maplock);
		if (rc != 0)
			return rc;
	}
}

/* txn_begin - txn_open(); 0, or -1 with err set */
static int
txn_begin(struct lmdb_store *ls, unsigned flags, MDB_txn **txn_r,
    const char *where, struct store_err *err)
{
	int rc;

	return (rc = txn_open(ls, flags, txn_r)) != 0 ?
	    lmdb_fail(where, rc, err) : 0;
}

/* lmdb_read_begin - a read transaction; 0, or -1 with err set */
int
lmdb_read_begin(struct lmdb_store *ls, MDB_txn **txn_r, const char *where,
    struct store_err *err)
{
	return txn_begin(ls, MDB_RDONLY, txn_r, where, err);
}

/* lmdb_read_end - end a read transaction */
void
lmdb_read_end(struct lmdb_store *ls, MDB_txn *txn)
{
	mdb_txn_abort(txn);
	pthread_rwlock_unlock(&ls->maplock);
}

/* full_sweep - sweep for room, once per second of now: did it free any?
 * Callers refused in the same second wait for that sweep and share its
 * answer, since a batch brings several of them at once. */
static int
full_sweep(struct lmdb_store *ls, time_t now)
{
	int freed;

	pthread_mutex_lock(&ls->fulllock);
	if (!ls->full_swept || ls->full_at != now) {
		ls->full_swept = 1;
		ls->full_at = now;
		ls->full_freed = lmdb_sweep_all(ls, now) > 0;
	}
	freed = ls->full_freed;
	pthread_mutex_unlock(&ls->fulllock);
	return freed;
}

/* lmdb_write_raw - fn in a write transaction, committed: 0, LMDB's error, -1 */
int
lmdb_write_raw(struct lmdb_store *ls, const char *where, lmdb_write_fn fn,
    void *arg, struct store_err *err)
{
	MDB_txn *txn;
	int rc;

	if (txn_begin(ls, 0, &txn, where, err) < 0)
		return -1;
	if ((rc = fn(ls, txn, arg)) == 0)
		rc = mdb_txn_commit(txn);
	else
		mdb_txn_abort(txn);
	pthread_rwlock_unlock(&ls->maplock);
	return rc == LMDB_KEEP ? 0 : rc;
}

/* A caller's write, queued until a batch runs it. */
struct lmdb_req {
	lmdb_write_fn fn;
	void	*arg;
	int	rc;			/* 0, or LMDB's (or fn's) error */
	int	done;			/* its batch has committed, or failed */
	pthread_cond_t wake;		/* done, or time to lead a batch */
	struct lmdb_req *next;
};

/* batch_one - a request alone: its own transaction, as lmdb_write_raw */
static int
batch_one(struct lmdb_store *ls, MDB_txn *txn, struct lmdb_req *r)
{
	int rc;

	if ((rc = r->fn(ls, txn, r->arg)) == 0)
		return mdb_txn_commit(txn);
	mdb_txn_abort(txn);
	return rc == LMDB_KEEP ? 0 : rc;
}

/* batch_run - the requests in one write transaction, each in a nested
 * one that only its own error (or LMDB_KEEP) undoes; one commit */
static void
batch_run(struct lmdb_store *ls, struct lmdb_req *batch)
{
	struct lmdb_req *r;
	MDB_txn *txn, *sub;
	int rc, wrote = 0;

	if ((rc = txn_open(ls, 0, &txn)) != 0) {
		for (r = batch; r != NULL; r = r->next)
			r->rc = rc;
		return;
	}
	if (batch->next == NULL) {
		batch->rc = batch_one(ls, txn, batch);
		pthread_rwlock_unlock(&ls->maplock);
		return;
	}
	for (r = batch; r != NULL; r = r->next) {
		if ((rc = mdb_txn_begin(ls->env, txn, 0, &sub)) == 0) {
			if ((rc = r->fn(ls, sub, r->arg)) == 0)
				rc = mdb_txn_commit(sub);
			else
				mdb_txn_abort(sub);
		}
		wrote |= rc == 0;
		r->rc = rc == LMDB_KEEP ? 0 : rc;
	}
	if (wrote)
		rc = mdb_txn_commit(txn);
	else
		mdb_txn_abort(txn);
	pthread_rwlock_unlock(&ls->maplock);
	/* what a request read may have come from another one's change, and
	 * is no answer once that is lost: every one fails with the commit */
	for (r = batch; r != NULL && wrote && rc != 0; r = r->next)
		if (r->rc == 0)
			r->rc = rc;
}

/* batch_take - the oldest GROUP_MAX requests off the queue, grouplock held;
 * the queue is not empty: the leader's own request is on it until taken */
static struct lmdb_req *
batch_take(struct lmdb_store *ls)
{
	struct lmdb_req *batch = ls->queue, *last = batch;
	size_t n;

	for (n = 1; n < GROUP_MAX && last->next != NULL; n++)
		last = last->next;
	if ((ls->queue = last->next) == NULL)
		ls->queue_tail = &ls->queue;
	last->next = NULL;
	ls->queued -= n;
	return batch;
}

/* group_write - fn in the next batch: its result once that has committed */
static int
group_write(struct lmdb_store *ls, lmdb_write_fn fn, void *arg)
{
	struct lmdb_req req, *batch, *r, *next;

	req.fn = fn;
	req.arg = arg;
	req.rc = 0;
	req.done = 0;
	req.next = NULL;
	pthread_cond_init(&req.wake, NULL);
	pthread_mutex_lock(&ls->grouplock);
	*ls->queue_tail = &req;
	ls->queue_tail = &req.next;
	ls->queued++;
	while (!req.done) {
		if (ls->leading) {
			pthread_cond_wait(&req.wake, &ls->grouplock);
			continue;
		}
		/* lead: whoever queued meanwhile goes with this commit */
		ls->leading = 1;
		batch = batch_take(ls);
		pthread_mutex_unlock(&ls->grouplock);
		batch_run(ls, batch);
		pthread_mutex_lock(&ls->grouplock);
		for (r = batch; r != NULL; r = next) {
			next = r->next;
			r->done = 1;
			pthread_cond_signal(&r->wake);
		}
		ls->leading = 0;
		/* the oldest waiting leads the next batch */
		if (ls->queue != NULL)
			pthread_cond_signal(&ls->queue->wake);
	}
	pthread_mutex_unlock(&ls->grouplock);
	pthread_cond_destroy(&req.wake);
	return req.rc;
}

/* lmdb_write - fn in a write transaction; when full, room made once */
int
lmdb_write(struct lmdb_store *ls, const char *where, time_t now,
    lmdb_write_fn fn, void *arg, struct store_err *err)
{
	MDB_envinfo info;
	int rc, retried = 0;

	for (;;) {
		if ((rc = group_write(ls, fn, arg)) == 0)
			return 0;
		if (rc != MDB_MAP_FULL)
			return lmdb_fail(where, rc, err);
		if (retried || !full_sweep(ls, now)) {
			if (mdb_env_info(ls->env, &info) != 0)
				info.me_mapsize = (size_t)ls->map_size;
			store_set_error(err, "lmdb %s: state file %s is full "
			    "(%zu octets, nothing expired to remove)", where,
			    ls->path, info.me_mapsize);
			return -1;
		}
		retried = 1;
	}
}

/* lmdb_u64 - v as 8 octets, big-endian */
void
lmdb_u64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

/* lmdb_get_u64 - 8 big-endian octets as a number */
uint64_t
lmdb_get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* buf_u8 - append one octet */
void
buf_u8(struct lmdb_buf *b, unsigned v)
{
	if (b->len + 1 > sizeof(b->p)) {
		b->overflow = 1;
		return;
	}
	b->p[b->len++] = (unsigned char)v;
}

/* buf_u64 - append 8 octets */
void
buf_u64(struct lmdb_buf *b, uint64_t v)
{
	if (b->len + 8 > sizeof(b->p)) {
		b->overflow = 1;
		return;
	}
	lmdb_u64(b->p + b->len, v);
	b->len += 8;
}

/* buf_text - append a length of two octets and len octets */
void
buf_text(struct lmdb_buf *b, const char *s, size_t len)
{
	if (len > 0xffff || b->len + 2 + len > sizeof(b->p)) {
		b->overflow = 1;
		return;
	}
	b->p[b->len++] = (unsigned char)(len >> 8);
	b->p[b->len++] = (unsigned char)len;
	memcpy(b->p + b->len, s, len);
	b->len += len;
}

/* buf_record - append a RECORD */
void
buf_record(struct lmdb_buf *b, const struct quarantine *q)
{
	const char *rule = rule_name(q->rule);

	buf_u8(b, LMDB_LAYOUT);
	buf_u64(b, (uint64_t)q->expires);
	buf_u64(b, (uint64_t)q->first_seen);
	buf_u64(b, (uint64_t)q->last_seen);
	buf_u64(b, q->hits);
	buf_u64(b, q->incident);
	buf_u64(b, q->repeat);
	buf_text(b, rule, strlen(rule));
	buf_text(b, q->reason, strnlen(q->reason, sizeof(q->reason) - 1));
	buf_text(b, q->evidence, strnlen(q->evidence,
	    sizeof(q->evidence) - 1));
	buf_text(b, q->node, strnlen(q->node, sizeof(q->node) - 1));
}

/* rd_init - read the value v from its start */
void
rd_init(struct lmdb_rd *r, const MDB_val *v)
{
	r->p = v->mv_data;
	r->left = v->mv_size;
	r->bad = 0;
}

/* rd_u8 - the next octet; 0 and bad past the end */
unsigned
rd_u8(struct lmdb_rd *r)
{
	if (r->left < 1) {
		r->bad = 1;
		return 0;
	}
	r->left--;
	return *r->p++;
}

/* rd_u64 - the next 8 octets; 0 and bad past the end */
uint64_t
rd_u64(struct lmdb_rd *r)
{
	uint64_t v;

	if (r->left < 8) {
		r->bad = 1;
		return 0;
	}
	v = lmdb_get_u64(r->p);
	r->p += 8;
	r->left -= 8;
	return v;
}

/* rd_text - the next TEXT into to, cut to size - 1 octets */
void
rd_text(struct lmdb_rd *r, char *to, size_t size)
{
	size_t len, n;

	to[0] = '\0';
	if (r->left < 2) {
		r->bad = 1;
		return;
	}
	len = (size_t)r->p[0] << 8 | r->p[1];
	if (r->left < 2 + len) {
		r->bad = 1;
		return;
	}
	n = len < size - 1 ? len : size - 1;
	memcpy(to, r->p + 2, n);
	to[n] = '\0';
	r->p += 2 + len;
	r->left -= 2 + len;
}

/* rd_record - the next RECORD into q; 0, or LMDB_BADREC */
int
rd_record(struct lmdb_rd *r, struct quarantine *q)
{
	char rule[64];

	memset(q, 0, sizeof(*q));
	if (rd_u8(r) != LMDB_LAYOUT)
		return LMDB_BADREC;
	q->expires = (time_t)rd_u64(r);
	q->first_seen = (time_t)rd_u64(r);
	q->last_seen = (time_t)rd_u64(r);
	q->hits = (unsigned long)rd_u64(r);
	q->incident = (unsigned long)rd_u64(r);
	q->repeat = (unsigned long)rd_u64(r);
	rd_text(r, rule, sizeof(rule));
	rd_text(r, q->reason, sizeof(q->reason));
	rd_text(r, q->evidence, sizeof(q->evidence));
	rd_text(r, q->node, sizeof(q->node));
	if (!rule_lookup(rule, &q->rule))
		q->rule = RULE_NONE;
	return r->bad ? LMDB_BADREC : 0;
}

/* lmdb_value_expired - does an expiring value end by now? 0: live or unknown */
int
lmdb_value_expired(const MDB_val *v, time_t now)
{
	const unsigned char *p = v->mv_data;

	return v->mv_size >= 9 && p[0] == LMDB_LAYOUT &&
	    (time_t)lmdb_get_u64(p + 1) <= now;
}

/* lmdb_meta_get - a meta number, 0 when unset */
int
lmdb_meta_get(struct lmdb_store *ls, MDB_txn *txn, const char *name,
    uint64_t *v_r)
{
	MDB_val k = {strlen(name), (void *)name}, v;
	int rc;

	*v_r = 0;
	if ((rc = mdb_get(txn, ls->dbi[T_META], &k, &v)) == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (v.mv_size != 8)
		return LMDB_BADREC;
	*v_r = lmdb_get_u64(v.mv_data);
	return 0;
}

/* lmdb_meta_next - add one to a meta number: the new value */
int
lmdb_meta_next(struct lmdb_store *ls, MDB_txn *txn, const char *name,
    uint64_t *v_r)
{
	MDB_val k = {strlen(name), (void *)name}, v;
	unsigned char n[8];
	int rc;

	if ((rc = lmdb_meta_get(ls, txn, name, v_r)) != 0)
		return rc;
	lmdb_u64(n, ++*v_r);
	v.mv_size = 8;
	v.mv_data = n;
	return mdb_put(txn, ls->dbi[T_META], &k, &v, 0);
}

/* lmdb_kind - the key octet of a kind */
unsigned char
lmdb_kind(enum store_kind kind)
{
	return kind == STORE_LOGIN ? 'L' : 'I';
}

/* no_dir - is the file's folder missing? err says so */
static int
no_dir(const char *path, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	struct stat sb;

	if (slash == NULL)
		return 0;
	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 :
	    (int)(slash - path), path);
	if (stat(dir, &sb) == 0 ? S_ISDIR(sb.st_mode) : errno != ENOENT &&
	    errno != ENOTDIR)
		return 0;
	snprintf(err, errlen, "lmdb open %s: no directory %s", path, dir);
	return 1;
}

/* open_tables - the named tables, created when writable; the layout */
static int
open_tables(struct lmdb_store *ls, int read_only, char *err, size_t errlen)
{
	unsigned char one[8];
	MDB_val k = {7, "version"}, v = {8, one};
	uint64_t version;
	MDB_txn *txn;
	int i, rc;

	if ((rc = mdb_txn_begin(ls->env, NULL, read_only ? MDB_RDONLY : 0,
	    &txn)) != 0) {
		snprintf(err, errlen, "lmdb open %s: %s", ls->path,
		    mdb_strerror(rc));
		return -1;
	}
	for (i = 0; i < N_TABLES; i++)
		if ((rc = mdb_dbi_open(txn, table_names[i], read_only ? 0 :
		    MDB_CREATE, &ls->dbi[i])) != 0) {
			snprintf(err, errlen, "lmdb open %s: table %s: %s",
			    ls->path, table_names[i], mdb_strerror(rc));
			mdb_txn_abort(txn);
			return -1;
		}
	if ((rc = lmdb_meta_get(ls, txn, "version", &version)) == 0 &&
	    version != 0 && version != LMDB_LAYOUT) {
		snprintf(err, errlen, "lmdb open %s: layout %llu, not this "
		    "program's %d", ls->path, (unsigned long long)version,
		    LMDB_LAYOUT);
		mdb_txn_abort(txn);
		return -1;
	}
	if (rc == 0 && version == 0 && !read_only) {
		lmdb_u64(one, LMDB_LAYOUT);
		rc = mdb_put(txn, ls->dbi[T_META], &k, &v, 0);
	}
	if (rc != 0)
		mdb_txn_abort(txn);
	else
		rc = mdb_txn_commit(txn);
	if (rc != 0) {
		snprintf(err, errlen, "lmdb open %s: %s", ls->path,
		    rc == LMDB_BADREC ? "malformed record" : mdb_strerror(rc));
		return -1;
	}
	return 0;
}

/* give_to_folder - root (isolationctl before the daemon's first start)
 * creates the file or its lock for the folder's owner, the daemon's
 * unprivileged user: never a root-owned file that locks the daemon out */
static void
give_to_folder(const char *path, int file_new, const char *lock,
    int lock_new)
{
	char dir[4096];
	struct stat sb;
	char *slash;

	if (geteuid() != 0 || (!file_new && !lock_new))
		return;
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &sb) < 0 || sb.st_uid == 0)
		return;
	if (file_new)
		(void)chown(path, sb.st_uid, sb.st_gid);
	if (lock_new)
		(void)chown(lock, sb.st_uid, sb.st_gid);
}

/* lmdb_open - open (or create, mode 0660) the file and its tables */
int
lmdb_open(struct lmdb_store *ls, int read_only, char *err, size_t errlen)
{
	char lock[4096];
	struct stat sb;
	int rc, dead, file_new, lock_new, fd;

	if (no_dir(ls->path, err, errlen))
		return -1;
	snprintf(lock, sizeof(lock), "%s-lock", ls->path);
	file_new = stat(ls->path, &sb) < 0 && errno == ENOENT;
	lock_new = stat(lock, &sb) < 0 && errno == ENOENT;
	if (file_new && read_only) {	/* LMDB would make a lock file first */
		snprintf(err, errlen, "lmdb open %s: %s", ls->path,
		    strerror(ENOENT));
		return -1;
	}
	if ((rc = mdb_env_create(&ls->env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(ls->env, N_TABLES)) != 0 ||
	    (rc = mdb_env_set_maxreaders(ls->env, READERS)) != 0 ||
	    (rc = mdb_env_set_mapsize(ls->env, (size_t)ls->map_size)) != 0 ||
	    (rc = mdb_env_open(ls->env, ls->path, MDB_NOSUBDIR | MDB_NOTLS |
	    MDB_NOMETASYNC | (read_only ? MDB_RDONLY : 0), 0660)) != 0) {
		snprintf(err, errlen, "lmdb open %s: %s", ls->path,
		    mdb_strerror(rc));
		return -1;
	}
	/* the umask may take the group's rights, which isolationctl needs */
	if (file_new && mdb_env_get_fd(ls->env, &fd) == 0)
		(void)fchmod(fd, 0660);
	if (lock_new)
		(void)chmod(lock, 0660);
	give_to_folder(ls->path, file_new, lock, lock_new);
	(void)mdb_reader_check(ls->env, &dead);
	return open_tables(ls, read_only, err, errlen);
}
