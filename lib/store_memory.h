/*
 * NAME
 *	store_memory 3h
 * SUMMARY
 *	the memory backend's internals: its keyed, bounded hash table
 * SYNOPSIS
 *	#include "store_memory.h"
 *
 *	struct store *store_memory_new_limits(size_t records, size_t counts);
 *	uint64_t store_memory_siphash(uint64_t k0, uint64_t k1,
 *	    const void *data, size_t len);
 *
 *	int mtable_init(struct mtable *t, size_t records, size_t counts);
 *	void mtable_step(struct mtable *t, time_t now);
 *	struct mentry *mtable_find(struct mtable *t, int kind,
 *	    const char *key, time_t now);
 *	struct mentry *mtable_add(struct mtable *t, int kind,
 *	    const char *key, const char *value, time_t expires, time_t now,
 *	    struct store_err *err);
 *	void mtable_remove(struct mtable *t, struct mentry *e);
 *	void mtable_set_expires(struct mtable *t, struct mentry *e,
 *	    time_t expires);
 *	int mtable_walk(struct mtable *t, int (*fn)(void *,
 *	    struct mentry *), void *arg);
 *	void mtable_free(struct mtable *t);
 * DESCRIPTION
 *	Not an interface: store.h is. store_memory.c keeps the records,
 *	counters, notes and events; store_memory_table.c the table they
 *	live in.
 *
 *	Entries are found by kind and key through a hash table whose hash
 *	is SipHash-2-4 under a key drawn from getrandom(2) when the table
 *	is made, so that nobody can choose keys that share a bucket. The
 *	table doubles when it holds as many entries as buckets, and moves
 *	its entries to the new buckets a few at each call of mtable_step(),
 *	never all at once: no call walks the whole table.
 *
 *	Each entry belongs to one of two classes, each with its limit:
 *	MCLASS_RECORD, the quarantine records and the escalation histories,
 *	and MCLASS_COUNT, the rate counters and the notes; a flood of
 *	counters can never take the place of a quarantine. Each class keeps
 *	its entries in a heap ordered by expiry: mtable_step() removes a
 *	few expired entries of each class from the top, and an add to a
 *	full class removes more (MTABLE_RECLAIM) before it gives up with
 *	"memory store full". An entry that is live is never removed to make
 *	room. Entries are also treated as absent, and removed, when a
 *	lookup meets them expired.
 *
 *	mtable_add() makes an entry with count 0 and, for a record kind,
 *	a zeroed record; value (a note's, or NULL) follows the key in the
 *	same allocation. mtable_set_expires() moves an entry in its heap.
 *	mtable_walk() calls fn for every entry, live or not, until fn
 *	returns nonzero (for listings: a whole walk, not for the SMTP
 *	path). store_memory_new_limits() is store_memory_new() with other
 *	limits than STORE_MEMORY_RECORDS and STORE_MEMORY_COUNTS (tests).
 * DIAGNOSTICS
 *	mtable_init() returns -1 when out of memory or without randomness;
 *	mtable_add() returns NULL with "memory store full" or "out of
 *	memory" in err.
 */
#ifndef ISO_STORE_MEMORY_H
#define ISO_STORE_MEMORY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"

#define STORE_MEMORY_RECORDS	100000	/* records and histories */
#define STORE_MEMORY_COUNTS	500000	/* counters and notes */
#define MTABLE_RECLAIM		64	/* expired ones a full class frees */

/* Kinds besides the store kinds (a record is kind STORE_IP or STORE_LOGIN). */
#define COUNTER		16	/* + a store kind: a rate counter */
#define HISTORY		32	/* + a store kind: a history */
#define NOTE		48	/* a note: its value follows the key */

enum mclass {
	MCLASS_RECORD,
	MCLASS_COUNT,
	MCLASS_N
};

struct mentry {
	struct mentry *next;		/* in its bucket */
	uint64_t hash;
	time_t	expires;		/* absent from then on */
	size_t	heap;			/* its place in its heap */
	unsigned long n;		/* counter: count; history: incidents */
	time_t	opened;			/* history: latest opened */
	struct quarantine *q;		/* a record's, else NULL */
	int	kind;
	char	key[];			/* then a note's value */
};

/* The entries of one class, a binary heap by expiry. */
struct mheap {
	struct mentry **v;
	size_t	n;
	size_t	cap;
	size_t	limit;
};

struct mtable {
	struct mentry **b[2];		/* b[1]: old ones, moving */
	size_t	size[2];		/* powers of two */
	size_t	moved;			/* old buckets emptied */
	uint64_t k0, k1;		/* the SipHash key */
	struct mheap heap[MCLASS_N];
};

struct store *store_memory_new_limits(size_t records, size_t counts);
uint64_t store_memory_siphash(uint64_t k0, uint64_t k1, const void *data,
	    size_t len);

int	mtable_init(struct mtable *t, size_t records, size_t counts);
void	mtable_step(struct mtable *t, time_t now);
struct mentry *mtable_find(struct mtable *t, int kind, const char *key,
	    time_t now);
struct mentry *mtable_add(struct mtable *t, int kind, const char *key,
	    const char *value, time_t expires, time_t now,
	    struct store_err *err);
void	mtable_remove(struct mtable *t, struct mentry *e);
void	mtable_set_expires(struct mtable *t, struct mentry *e,
	    time_t expires);
int	mtable_walk(struct mtable *t, int (*fn)(void *, struct mentry *),
	    void *arg);
void	mtable_free(struct mtable *t);

#endif
