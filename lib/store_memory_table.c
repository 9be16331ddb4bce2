/*
 * NAME
 *	store_memory_table 3
 * SUMMARY
 *	the memory backend's hash table: keyed, growing by steps, bounded
 * SYNOPSIS
 *	#include "store_memory.h"
 * DESCRIPTION
 *	See store_memory.h. SipHash-2-4 is written here from its paper
 *	(Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012):
 *	four 64-bit words of state set from the key and four constants,
 *	the message read as little-endian 64-bit words, the last one padded
 *	with zeros and the length's low octet in its top octet; two rounds
 *	per word, 0xff into v2, four rounds, and the four words xored.
 *
 *	A bucket index is the hash's low bits. The kind is mixed into the
 *	key, so that a counter and a record of the same text do not share a
 *	chain. While the table grows, an entry whose old bucket has not
 *	moved yet lives there (also a new one): a lookup looks in exactly
 *	one bucket either way.
 * DIAGNOSTICS
 *	See store_memory.h. Nothing here locks: the caller holds the store's
 *	mutex.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "store_memory.h"

#define MTABLE_FIRST	1024	/* buckets of a new table */
#define MTABLE_MOVE	4	/* old buckets moved per step */
#define MTABLE_SWEEP	4	/* expired ones freed per class per step */

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

/* sip_round - one SipRound over the state */
static void
sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

/* sip_word - a little-endian word of n <= 8 octets */
static uint64_t
sip_word(const unsigned char *p, size_t n)
{
	uint64_t m = 0;

	while (n-- > 0)
		m |= (uint64_t)p[n] << (8 * n);
	return m;
}

/* sip_compress - one message word through two rounds */
static void
sip_compress(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sip_round(v);
	sip_round(v);
	v[0] ^= m;
}

/* store_memory_siphash - SipHash-2-4 of data under the key k0, k1 */
uint64_t
store_memory_siphash(uint64_t k0, uint64_t k1, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t v[4];
	size_t left = len;

	v[0] = k0 ^ 0x736f6d6570736575ULL;
	v[1] = k1 ^ 0x646f72616e646f6dULL;
	v[2] = k0 ^ 0x6c7967656e657261ULL;
	v[3] = k1 ^ 0x7465646279746573ULL;
	for (; left >= 8; left -= 8, p += 8)
		sip_compress(v, sip_word(p, 8));
	sip_compress(v, sip_word(p, left) | (uint64_t)(len & 0xff) << 56);
	v[2] ^= 0xff;
	sip_round(v);
	sip_round(v);
	sip_round(v);
	sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* class_of - the class whose limit an entry of kind counts against */
static enum mclass
class_of(int kind)
{
	return kind == NOTE || (kind >= COUNTER && kind < HISTORY) ?
	    MCLASS_COUNT : MCLASS_RECORD;
}

/* hash_of - the keyed hash of kind:key */
static uint64_t
hash_of(const struct mtable *t, int kind, const char *key)
{
	return store_memory_siphash(t->k0 ^ (uint64_t)kind, t->k1, key,
	    strlen(key));
}

/* slot_of - the bucket that holds (or is to hold) an entry of hash h */
static struct mentry **
slot_of(struct mtable *t, uint64_t h)
{
	size_t i;

	if (t->b[1] != NULL && (i = (size_t)h & (t->size[1] - 1)) >= t->moved)
		return &t->b[1][i];
	return &t->b[0][(size_t)h & (t->size[0] - 1)];
}

/* heap_set - put an entry at place i of a heap */
static void
heap_set(struct mheap *h, size_t i, struct mentry *e)
{
	h->v[i] = e;
	e->heap = i;
}

/* heap_up - move the entry at i towards the top while it expires sooner */
static void
heap_up(struct mheap *h, size_t i)
{
	struct mentry *e = h->v[i];
	size_t p;

	while (i > 0 && h->v[p = (i - 1) / 2]->expires > e->expires) {
		heap_set(h, i, h->v[p]);
		i = p;
	}
	heap_set(h, i, e);
}

/* heap_down - move the entry at i down while a child expires sooner */
static void
heap_down(struct mheap *h, size_t i)
{
	struct mentry *e = h->v[i];
	size_t c;

	while ((c = 2 * i + 1) < h->n) {
		if (c + 1 < h->n && h->v[c + 1]->expires < h->v[c]->expires)
			c++;
		if (h->v[c]->expires >= e->expires)
			break;
		heap_set(h, i, h->v[c]);
		i = c;
	}
	heap_set(h, i, e);
}

/* heap_fix - restore the order around place i after a change there */
static void
heap_fix(struct mheap *h, size_t i)
{
	if (i > 0 && h->v[(i - 1) / 2]->expires > h->v[i]->expires)
		heap_up(h, i);
	else
		heap_down(h, i);
}

/* heap_reserve - room for one more entry; -1 if out of memory */
static int
heap_reserve(struct mheap *h)
{
	struct mentry **v;
	size_t cap;

	if (h->n < h->cap)
		return 0;
	cap = h->cap == 0 ? 64 : h->cap * 2;
	if ((v = realloc(h->v, cap * sizeof(*v))) == NULL)
		return -1;
	h->v = v;
	h->cap = cap;
	return 0;
}

/* heap_del - take the entry at place i out of a heap */
static void
heap_del(struct mheap *h, size_t i)
{
	struct mentry *last = h->v[--h->n];

	if (i == h->n)
		return;
	heap_set(h, i, last);
	heap_fix(h, i);
}

/* mtable_remove - unlink an entry from its bucket and heap, and free it */
void
mtable_remove(struct mtable *t, struct mentry *e)
{
	struct mentry **pp = slot_of(t, e->hash);

	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	heap_del(&t->heap[class_of(e->kind)], e->heap);
	free(e->q);
	free(e);
}

/* reclaim - remove up to max expired entries from the top of a heap (h is
 * the heap of their class, which mtable_remove() takes them out of) */
static void
reclaim(struct mtable *t, struct mheap *h, time_t now, size_t max)
{
	while (max-- > 0 && h->n > 0 && h->v[0]->expires <= now)
		mtable_remove(t, h->v[0]);
}

/* move_buckets - move a few old buckets' entries into the new buckets */
static void
move_buckets(struct mtable *t)
{
	struct mentry *e, *next, **to;
	size_t k;

	for (k = 0; k < MTABLE_MOVE && t->b[1] != NULL; k++) {
		for (e = t->b[1][t->moved]; e != NULL; e = next) {
			next = e->next;
			to = &t->b[0][(size_t)e->hash & (t->size[0] - 1)];
			e->next = *to;
			*to = e;
		}
		t->b[1][t->moved] = NULL;
		if (++t->moved == t->size[1]) {
			free(t->b[1]);
			t->b[1] = NULL;
			t->size[1] = 0;
		}
	}
}

/* grow - start moving to twice the buckets once as full as it has buckets */
static void
grow(struct mtable *t)
{
	struct mentry **b;
	size_t n = t->heap[MCLASS_RECORD].n + t->heap[MCLASS_COUNT].n;

	if (t->b[1] != NULL || n < t->size[0])
		return;
	/* out of memory: longer chains for now, an error for nobody */
	if ((b = calloc(2 * t->size[0], sizeof(*b))) == NULL)
		return;
	t->b[1] = t->b[0];
	t->size[1] = t->size[0];
	t->moved = 0;
	t->b[0] = b;
	t->size[0] *= 2;
}

/* mtable_step - the bounded work every operation does: move, sweep */
void
mtable_step(struct mtable *t, time_t now)
{
	size_t i;

	move_buckets(t);
	for (i = 0; i < MCLASS_N; i++)
		reclaim(t, &t->heap[i], now, MTABLE_SWEEP);
}

/* mtable_find - the live entry of kind:key; an expired one is removed */
struct mentry *
mtable_find(struct mtable *t, int kind, const char *key, time_t now)
{
	uint64_t h = hash_of(t, kind, key);
	struct mentry *e;

	for (e = *slot_of(t, h); e != NULL; e = e->next)
		if (e->hash == h && e->kind == kind && strcmp(e->key, key) == 0)
			break;
	if (e != NULL && e->expires <= now) {
		mtable_remove(t, e);
		e = NULL;
	}
	return e;
}

/* mtable_add - a new entry of kind:key (not there yet) until expires */
struct mentry *
mtable_add(struct mtable *t, int kind, const char *key, const char *value,
    time_t expires, time_t now, struct store_err *err)
{
	struct mheap *h = &t->heap[class_of(kind)];
	size_t len = strlen(key), vlen = value != NULL ? strlen(value) : 0;
	struct mentry *e, **slot;

	if (h->n >= h->limit)
		reclaim(t, h, now, MTABLE_RECLAIM);
	if (h->n >= h->limit) {
		store_set_error(err, "memory store full");
		return NULL;
	}
	if (heap_reserve(h) < 0 ||
	    (e = calloc(1, sizeof(*e) + len + vlen + 2)) == NULL) {
		store_set_error(err, "out of memory");
		return NULL;
	}
	if (kind < COUNTER && (e->q = calloc(1, sizeof(*e->q))) == NULL) {
		free(e);
		store_set_error(err, "out of memory");
		return NULL;
	}
	e->kind = kind;
	e->hash = hash_of(t, kind, key);
	e->expires = expires;
	memcpy(e->key, key, len + 1);
	memcpy(e->key + len + 1, value != NULL ? value : "", vlen + 1);
	grow(t);
	slot = slot_of(t, e->hash);
	e->next = *slot;
	*slot = e;
	heap_set(h, h->n++, e);
	heap_up(h, e->heap);
	return e;
}

/* mtable_set_expires - a new expiry for an entry, its heap kept in order */
void
mtable_set_expires(struct mtable *t, struct mentry *e, time_t expires)
{
	e->expires = expires;
	heap_fix(&t->heap[class_of(e->kind)], e->heap);
}

/* mtable_walk - fn for every entry until it returns nonzero; that value */
int
mtable_walk(struct mtable *t, int (*fn)(void *, struct mentry *), void *arg)
{
	struct mentry *e;
	size_t k, i;
	int rc;

	for (k = 0; k < 2; k++)
		for (i = 0; t->b[k] != NULL && i < t->size[k]; i++)
			for (e = t->b[k][i]; e != NULL; e = e->next)
				if ((rc = fn(arg, e)) != 0)
					return rc;
	return 0;
}

/* mtable_init - an empty table with a fresh random key; -1 on failure */
int
mtable_init(struct mtable *t, size_t records, size_t counts)
{
	unsigned char key[16];
	size_t got = 0;
	ssize_t n;

	memset(t, 0, sizeof(*t));
	while (got < sizeof(key)) {
		n = getrandom(key + got, sizeof(key) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	t->k0 = sip_word(key, 8);
	t->k1 = sip_word(key + 8, 8);
	if ((t->b[0] = calloc(MTABLE_FIRST, sizeof(*t->b[0]))) == NULL)
		return -1;
	t->size[0] = MTABLE_FIRST;
	t->heap[MCLASS_RECORD].limit = records;
	t->heap[MCLASS_COUNT].limit = counts;
	return 0;
}

/* mtable_free - free every entry and the table */
void
mtable_free(struct mtable *t)
{
	struct mentry *e, *next;
	size_t k, i;

	for (k = 0; k < 2; k++) {
		for (i = 0; t->b[k] != NULL && i < t->size[k]; i++)
			for (e = t->b[k][i]; e != NULL; e = next) {
				next = e->next;
				free(e->q);
				free(e);
			}
		free(t->b[k]);
	}
	for (i = 0; i < MCLASS_N; i++)
		free(t->heap[i].v);
	memset(t, 0, sizeof(*t));
}
