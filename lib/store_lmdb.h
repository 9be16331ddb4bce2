/*
 * NAME
 *	store_lmdb 3h
 * SUMMARY
 *	the embedded backend's internals, shared by its files
 * SYNOPSIS
 *	#include "store_lmdb.h"
 * DESCRIPTION
 *	Not an interface: store.h is. store_lmdb.c keeps the records,
 *	counters and notes, and describes the file's layout;
 *	store_lmdb_file.c opens the file and runs its transactions, and
 *	writes and reads the layout, and gathers the writes of concurrent
 *	callers into one commit; store_lmdb_events.c keeps the event log,
 *	the consumer groups and the sweep; store_lmdb_wb.c holds counters
 *	and seen notes in memory and writes them once a second.
 */
#ifndef ISO_STORE_LMDB_H
#define ISO_STORE_LMDB_H

#include <pthread.h>
#include <stdint.h>

#include <lmdb.h>

#include "store.h"

enum lmdb_table {
	T_QUARANTINES, T_COUNTERS, T_NOTES, T_HISTORY, T_EVENTS, T_GROUPS,
	T_PENDING, T_META, N_TABLES
};

#define LMDB_LAYOUT	1		/* the first octet of every value */
#define LMDB_KEEP	(-30500)	/* from a write function: undo, ok */
#define LMDB_BADREC	(-30501)	/* a value of an unknown layout */
#define LMDB_KEY_MAX	511		/* LMDB's own bound on a key */
#define LMDB_VAL_MAX	1536		/* the largest value written */
#define LMDB_WB_MAX	16384		/* changes pending: written at once */

/* Where the sweep goes on from, between calls. */
struct lmdb_sweep_pos {
	int	table;			/* index into the sweep's table order */
	size_t	len;			/* 0: from the table's start */
	unsigned char key[LMDB_KEY_MAX];
};

/* A write waiting for its batch (store_lmdb_file.c). */
struct lmdb_req;

/* Pending changes, a hash table (store_lmdb_wb.c). */
struct lmdb_wb_ent;
struct lmdb_wb_table {
	struct lmdb_wb_ent **b;		/* buckets, a power of two */
	size_t	nb;
	size_t	n;			/* changes */
};

struct lmdb_store {
	struct store base;
	MDB_env *env;
	MDB_dbi	dbi[N_TABLES];
	/* shared by every transaction; exclusive to adopt a grown map */
	pthread_rwlock_t maplock;
	pthread_mutex_t sweeplock;	/* held by store_sweep(): sweep */
	struct lmdb_sweep_pos sweep;
	pthread_mutex_t fulllock;	/* full_*; held through that sweep */
	time_t	full_at;		/* the now of the last map-full sweep */
	int	full_swept;		/* whether that one ran */
	int	full_freed;		/* and whether it removed any */
	pthread_mutex_t grouplock;	/* queue, queued, leading */
	struct lmdb_req *queue;		/* writes waiting, oldest first */
	struct lmdb_req **queue_tail;
	size_t	queued;
	int	leading;		/* a caller is running a batch */
	pthread_mutex_t wblock;		/* wb, wb_out, wb_now, wb_stop */
	pthread_mutex_t wbflushlock;	/* one flush at a time */
	pthread_cond_t wbcond;		/* wakes the flush thread to stop */
	struct lmdb_wb_table wb;	/* counters and notes not written */
	struct lmdb_wb_table wb_out;	/* those a flush is writing */
	size_t	wb_txnid;		/* that flush's transaction, or 0 */
	time_t	wb_now;			/* the latest now of a change */
	pthread_t wb_thread;
	int	wb_started;
	int	wb_stop;
	int	read_only;
	char	*path;
	char	*node;			/* "" when not set */
	unsigned long events_max;
	unsigned long long map_size;
};

/* An address's seen note still pending, carried by the write of its
 * record (store_lmdb_wb.c). */
struct lmdb_seen {
	int	have;
	char	name[sizeof("seen:") + STORE_KEY_MAX];
	char	value[STORE_NOTE_MAX];
	time_t	expires;
};

/* One operation's changes, run in a write transaction. */
typedef int (*lmdb_write_fn)(struct lmdb_store *, MDB_txn *, void *);

/* A value being written. */
struct lmdb_buf {
	unsigned char p[LMDB_VAL_MAX];
	size_t	len;
	int	overflow;
};

/* A value being read. */
struct lmdb_rd {
	const unsigned char *p;
	size_t	left;
	int	bad;
};

/* store_lmdb_file.c */
int	lmdb_open(struct lmdb_store *ls, int read_only, char *err,
	    size_t errlen);
int	lmdb_fail(const char *where, int rc, struct store_err *err);
int	lmdb_read_begin(struct lmdb_store *ls, MDB_txn **txn_r,
	    const char *where, struct store_err *err);
void	lmdb_read_end(struct lmdb_store *ls, MDB_txn *txn);
int	lmdb_write(struct lmdb_store *ls, const char *where, time_t now,
	    lmdb_write_fn fn, void *arg, struct store_err *err);
int	lmdb_write_raw(struct lmdb_store *ls, const char *where,
	    lmdb_write_fn fn, void *arg, struct store_err *err);
void	lmdb_u64(unsigned char *p, uint64_t v);
uint64_t lmdb_get_u64(const unsigned char *p);
void	buf_u8(struct lmdb_buf *b, unsigned v);
void	buf_u64(struct lmdb_buf *b, uint64_t v);
void	buf_text(struct lmdb_buf *b, const char *s, size_t len);
void	buf_record(struct lmdb_buf *b, const struct quarantine *q);
void	rd_init(struct lmdb_rd *r, const MDB_val *v);
unsigned rd_u8(struct lmdb_rd *r);
uint64_t rd_u64(struct lmdb_rd *r);
void	rd_text(struct lmdb_rd *r, char *to, size_t size);
int	rd_record(struct lmdb_rd *r, struct quarantine *q);
int	lmdb_value_expired(const MDB_val *v, time_t now);
int	lmdb_meta_next(struct lmdb_store *ls, MDB_txn *txn, const char *name,
	    uint64_t *v_r);
int	lmdb_meta_get(struct lmdb_store *ls, MDB_txn *txn, const char *name,
	    uint64_t *v_r);
unsigned char lmdb_kind(enum store_kind kind);

/* store_lmdb.c */
int	lmdb_note_write(struct lmdb_store *ls, MDB_txn *txn, const char *name,
	    size_t len, const char *value, time_t expires);

/* store_lmdb_wb.c */
void	lmdb_wb_init(struct lmdb_store *ls);
int	lmdb_wb_begin(struct lmdb_store *ls, MDB_txn **txn_r,
	    const char *where, struct store_err *err);
int	lmdb_wb_end(struct lmdb_store *ls, MDB_txn *txn,
	    struct store_err *err);
int	lmdb_wb_count(struct lmdb_store *ls, MDB_txn *txn,
	    const unsigned char *key, size_t len, unsigned long window_ms,
	    unsigned long add, time_t now, uint64_t *count_r, time_t *end_r);
int	lmdb_wb_note_get(struct lmdb_store *ls, const char *name, time_t now,
	    MDB_val *value_r, time_t *expires_r);
int	lmdb_wb_note_set(struct lmdb_store *ls, const char *name,
	    const char *value, time_t expires, time_t now);
int	lmdb_wb_note_put(struct lmdb_store *ls, const char *name,
	    int only_new, time_t now);
int	lmdb_wb_flush(struct lmdb_store *ls, time_t now,
	    struct store_err *err);
void	lmdb_wb_seen_take(struct lmdb_store *ls, enum store_kind kind,
	    const char *key, time_t now, struct lmdb_seen *s);
int	lmdb_wb_seen_write(struct lmdb_store *ls, MDB_txn *txn,
	    const struct lmdb_seen *s);
void	lmdb_wb_free(struct lmdb_store *ls);

/* store_lmdb_events.c */
int	lmdb_event_append(struct lmdb_store *ls, MDB_txn *txn,
	    enum store_event_type type, enum store_kind kind, const char *key,
	    const struct quarantine *q, time_t now);
int	lmdb_events_read(struct store *st, const char *group,
	    const char *consumer, const char *after, unsigned wait_ms,
	    time_t now, struct store_event *v, size_t max, size_t *n_r,
	    struct store_err *err);
int	lmdb_events_ack(struct store *st, const char *group, const char *id,
	    struct store_err *err);
int	lmdb_sweep(struct store *st, time_t now, struct store_err *err);
long	lmdb_sweep_all(struct lmdb_store *ls, time_t now);

#endif
