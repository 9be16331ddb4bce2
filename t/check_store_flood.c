/*
 * NAME
 *	check_store_flood - the stores under a flood and under chosen keys
 * SYNOPSIS
 *	check_store_flood
 * DESCRIPTION
 *	What an attacker who can make the daemon write many keys could try
 *	(DESIGN §5, the hardening issue's point 5):
 *
 *	A flood of FLOOD_KEYS distinct rate counters, on the memory
 *	backend and on LMDB (a file under /dev/shm when there is one: the
 *	figures are then the store's, not the disk's), after a live login
 *	quarantine, a live IPv6 prefix quarantine and a login counter at
 *	400: all three are intact afterwards, as are the flood's own
 *	counters (every 97th read back), and the time of one insert in
 *	the last tenth of the flood stays within RATIO_MAX of the first
 *	tenth on average (a scan of the table per insert, as the memory
 *	backend once made, costs a thousand times more once it is full).
 *	The 99.9th percentile and the maximum, at the mercy of the
 *	scheduler on a busy machine, are printed; the maximum is only held
 *	to a generous absolute bound.
 *
 *	COLLIDE_KEYS logins whose counter names all fell into one bucket of
 *	the memory backend's former hash (FNV-1a, unkeyed, 4096 buckets)
 *	cost no more than a small factor over as many random logins.
 *
 *	The memory backend's limits, made small: a full class of records is
 *	a store error ("memory store full") for a new record, not for a
 *	refresh, and never takes a live one's place; counters and notes
 *	have a limit of their own, so a flood of them leaves room for
 *	quarantines; an incident refused for want of room is not counted;
 *	expired entries make room again.
 *
 *	SipHash-2-4 against the test vector of its paper.
 *
 *	Redis at its maxmemory (a private redis-server, --maxmemory 2mb,
 *	started as store_harness.h says):
 *	with noeviction, a flood ends in a store error that names OOM, a
 *	new quarantine is refused the same way, a live quarantine is still
 *	there, and a check that only reads is still answered; with
 *	volatile-ttl, the flood's counters give way and
 *	the 24-hour quarantine stays.
 *
 *	Figures go to stdout, one line per measure.
 * ENVIRONMENT
 *	ISO_REQUIRE_INTEGRATION=1  a missing redis-server is a failure;
 *		otherwise the Redis cases are left out, with a note.
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store.h"
#include "store_harness.h"
#include "store_memory.h"

#define FLOOD_KEYS	300000
#define COLLIDE_KEYS	20000
#define RATIO_MAX	20.0		/* last tenth over first tenth */
#define MAX_INSERT_S	1.0		/* any one insert, whatever happens */
#define COLLIDE_FACTOR	4.0		/* crafted over random keys */
#define COLLIDE_SLACK_S	0.05
#define NOW		((time_t)1764200000)
#define WINDOW_MS	3600000UL
#define OLD_BUCKETS	4096
#define FNV_PRIME	16777619u
#define FNV_BASIS	2166136261u

static int have_redis;

/* mono - seconds on the monotonic clock */
static double
mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* record - a quarantine record as the daemon writes one, until expires */
static struct quarantine
record(time_t expires)
{
	struct quarantine q;

	memset(&q, 0, sizeof(q));
	q.rule = RULE_INBOUND_CUSTOMER_DIRECT;
	snprintf(q.reason, sizeof(q.reason), "flood test");
	snprintf(q.node, sizeof(q.node), "mx1");
	q.expires = expires;
	return q;
}

/* add_count - add to one counter of kind:key; its count, or -1 */
static long
add_count(struct store *st, enum store_kind kind, const char *key,
    unsigned long add, time_t now)
{
	struct store_counter c;
	struct store_check chk;

	memset(&c, 0, sizeof(c));
	c.kind = kind;
	c.key = key;
	c.what = "messages";
	c.window_ms = WINDOW_MS;
	c.add = add;
	memset(&chk, 0, sizeof(chk));
	chk.counters = &c;
	chk.n_counters = 1;
	if (store_check(st, &chk, now, &serr) < 0)
		return -1;
	return (long)c.count_r;
}

/* cmp_double - qsort order of doubles */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Figures of one tenth of a flood. */
struct tenth {
	double	avg;
	double	p999;
	double	max;
};

/* tenth_of - mean, 99.9th percentile and maximum of t[0..n) */
static struct tenth
tenth_of(const double *t, size_t n)
{
	double *v = malloc(n * sizeof(*v)), sum = 0;
	struct tenth f;
	size_t i;

	ck_assert_ptr_nonnull(v);
	for (i = 0; i < n; i++)
		sum += v[i] = t[i];
	qsort(v, n, sizeof(*v), cmp_double);
	f.avg = sum / (double)n;
	f.p999 = v[n * 999 / 1000];
	f.max = v[n - 1];
	free(v);
	return f;
}

/* flood - live state, n distinct counters, the state intact, the figures */
static void
flood(struct store *st, const char *name, size_t n)
{
	struct quarantine q = record(NOW + 86400), got;
	struct tenth first, last;
	double *t, t0, total = 0;
	char key[64];
	size_t i;

	ck_assert_int_eq(store_quarantine_put(st, STORE_LOGIN,
	    "alice@example.net", &q, NULL, NOW, NULL, &serr), 0);
	ck_assert_int_eq(store_quarantine_put(st, STORE_IP,
	    "2001:db8:1:2::/64", &q, NULL, NOW, NULL, &serr), 0);
	ck_assert_int_eq(add_count(st, STORE_LOGIN, "alice@example.net", 400,
	    NOW), 400);
	ck_assert_ptr_nonnull(t = malloc(n * sizeof(*t)));
	for (i = 0; i < n; i++) {
		/* a bot's addresses, a new one each time */
		snprintf(key, sizeof(key), "10.%zu.%zu.%zu", i >> 16 & 255,
		    i >> 8 & 255, i & 255);
		t0 = mono();
		ck_assert_int_eq(add_count(st, STORE_IP, key, 1, NOW + 1), 1);
		total += t[i] = mono() - t0;
	}
	ck_assert_int_eq(store_quarantine_get(st, STORE_LOGIN,
	    "alice@example.net", NOW + 2, &got, &serr), 1);
	ck_assert_int_eq(got.expires, NOW + 86400);
	ck_assert_int_eq(store_quarantine_get(st, STORE_IP,
	    "2001:db8:1:2::/64", NOW + 2, &got, &serr), 1);
	ck_assert_int_eq(add_count(st, STORE_LOGIN, "alice@example.net", 0,
	    NOW + 2), 400);
	/* the flood's own counters, found again whatever moved meanwhile */
	for (i = 0; i < n; i += 97) {
		snprintf(key, sizeof(key), "10.%zu.%zu.%zu", i >> 16 & 255,
		    i >> 8 & 255, i & 255);
		ck_assert_int_eq(add_count(st, STORE_IP, key, 0, NOW + 2), 1);
	}

	first = tenth_of(t, n / 10);
	last = tenth_of(t + n - n / 10, n / 10);
	free(t);
	printf("flood %s: %zu keys in %.2f s; per insert, first tenth: "
	    "avg %.2f us, p99.9 %.2f us, max %.2f us; last tenth: avg %.2f us, "
	    "p99.9 %.2f us, max %.2f us; ratio avg %.2f, p99.9 %.2f\n", name,
	    n, total, first.avg * 1e6, first.p999 * 1e6, first.max * 1e6,
	    last.avg * 1e6, last.p999 * 1e6, last.max * 1e6,
	    last.avg / first.avg, last.p999 / first.p999);
	fflush(stdout);
	ck_assert_msg(last.avg < RATIO_MAX * first.avg,
	    "%s: mean insert %.2f us in the last tenth, %.2f us in the first",
	    name, last.avg * 1e6, first.avg * 1e6);
	ck_assert_msg(last.max < MAX_INSERT_S, "%s: an insert took %.3f s",
	    name, last.max);
}

START_TEST(test_flood_memory)
{
	struct store *st = store_memory_new();

	ck_assert_ptr_nonnull(st);
	flood(st, "memory", FLOOD_KEYS);
	store_free(st);
}
END_TEST

START_TEST(test_flood_lmdb)
{
	struct store_lmdb_opts o;
	char dir[64], path[96], err[256], name[128];
	struct stat sb;
	struct store *st;

	/* tmpfs: a sync costs nothing there, the figures are LMDB's own */
	snprintf(dir, sizeof(dir), "%s/check_store_flood.XXXXXX",
	    stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) ? "/dev/shm" :
	    "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state.lmdb", dir);
	memset(&o, 0, sizeof(o));
	o.path = path;
	o.node = "mx1";
	st = store_lmdb_new(&o, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	snprintf(name, sizeof(name), "lmdb (%.64s)", dir);
	flood(st, name, FLOOD_KEYS);
	store_free(st);
	rm_dir(dir);
}
END_TEST

/* fnv_step - the former hash, one octet further */
static uint32_t
fnv_step(uint32_t h, unsigned char c)
{
	return (h ^ c) * FNV_PRIME;
}

/* fnv_old - the former table's bucket of kind:name */
static unsigned
fnv_old(int kind, const char *name)
{
	uint32_t h = FNV_BASIS ^ (uint32_t)kind;

	for (; *name; name++)
		h = fnv_step(h, (unsigned char)*name);
	return h % OLD_BUCKETS;
}

/* crafted - n logins whose counter names share one bucket of the former
 * hash: four chosen characters, then the one octet that lands it there
 * (the low twelve bits of FNV-1a depend on nothing else) */
static char **
crafted(size_t n)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	const char *prefix = "messages/3600000/bot";
	uint32_t h0 = FNV_BASIS ^ (uint32_t)(COUNTER + STORE_LOGIN), h, inv;
	unsigned want = 7, u, i, a, b, c, d;
	char **v = calloc(n, sizeof(*v));
	size_t k = 0;

	ck_assert_ptr_nonnull(v);
	for (inv = 1; (inv * FNV_PRIME) % OLD_BUCKETS != 1; inv += 2)
		continue;
	u = (want * inv) % OLD_BUCKETS;	/* (h ^ last) & 0xfff must be u */
	for (i = 0; prefix[i]; i++)
		h0 = fnv_step(h0, (unsigned char)prefix[i]);
	for (a = 0; a < 36 && k < n; a++)
	for (b = 0; b < 36 && k < n; b++)
	for (c = 0; c < 36 && k < n; c++)
	for (d = 0; d < 36 && k < n; d++) {
		h = fnv_step(fnv_step(fnv_step(fnv_step(h0,
		    (unsigned char)abc[a]), (unsigned char)abc[b]),
		    (unsigned char)abc[c]), (unsigned char)abc[d]);
		if ((h & 0xf00) != (u & 0xf00) || ((h ^ u) & 0xff) == 0)
			continue;
		ck_assert_ptr_nonnull(v[k] = malloc(9));
		snprintf(v[k], 9, "bot%c%c%c%c%c", abc[a], abc[b], abc[c],
		    abc[d], (char)((h ^ u) & 0xff));
		k++;
	}
	ck_assert_uint_eq(k, n);
	return v;
}

/* random_logins - n distinct logins of the same shape, scattered */
static char **
random_logins(size_t n)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	char **v = calloc(n, sizeof(*v));
	unsigned long x;
	size_t k, j;

	ck_assert_ptr_nonnull(v);
	for (k = 0; k < n; k++) {
		ck_assert_ptr_nonnull(v[k] = malloc(9));
		memcpy(v[k], "bot", 3);
		/* 7919 is prime to 36^5: distinct k, distinct logins */
		x = (unsigned long)k * 7919UL % 60466176UL;
		for (j = 3; j < 8; j++, x /= 36)
			v[k][j] = abc[x % 36];
		v[k][8] = '\0';
	}
	return v;
}

/* count_all - each login counted once in a fresh store: the seconds */
static double
count_all(char **v, size_t n)
{
	struct store *st = store_memory_new();
	double t0, t;
	size_t k;

	ck_assert_ptr_nonnull(st);
	t0 = mono();
	for (k = 0; k < n; k++)
		ck_assert_int_eq(add_count(st, STORE_LOGIN, v[k], 1, NOW), 1);
	t = mono() - t0;
	store_free(st);
	for (k = 0; k < n; k++)
		free(v[k]);
	free(v);
	return t;
}

START_TEST(test_collisions)
{
	char **bad = crafted(COLLIDE_KEYS), **good, name[64];
	double t_bad, t_good;
	size_t k;

	/* they do all share one bucket of the former table */
	for (k = 0; k < COLLIDE_KEYS; k++) {
		snprintf(name, sizeof(name), "messages/%lu/%s", WINDOW_MS,
		    bad[k]);
		ck_assert_uint_eq(fnv_old(COUNTER + STORE_LOGIN, name), 7);
	}
	good = random_logins(COLLIDE_KEYS);
	t_bad = count_all(bad, COLLIDE_KEYS);
	t_good = count_all(good, COLLIDE_KEYS);
	printf("collisions: %d keys of one former bucket %.4f s, random "
	    "keys %.4f s (ratio %.2f)\n", COLLIDE_KEYS, t_bad, t_good,
	    t_bad / t_good);
	fflush(stdout);
	ck_assert_msg(t_bad < COLLIDE_FACTOR * t_good + COLLIDE_SLACK_S,
	    "chosen keys %.4f s, random keys %.4f s", t_bad, t_good);
}
END_TEST

START_TEST(test_siphash)
{
	unsigned char key[16], msg[15];
	uint64_t k0 = 0, k1 = 0;
	int i;

	for (i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (i = 0; i < 15; i++)
		msg[i] = (unsigned char)i;
	for (i = 7; i >= 0; i--) {
		k0 = k0 << 8 | key[i];
		k1 = k1 << 8 | key[8 + i];
	}
	/* the paper's appendix A: key 00..0f, message 00..0e */
	ck_assert_uint_eq(store_memory_siphash(k0, k1, msg, sizeof(msg)),
	    0xa129ca6149be45e5ULL);
	ck_assert_uint_ne(store_memory_siphash(k0, k1, msg, 14),
	    store_memory_siphash(k0, k1, msg, 15));
	ck_assert_uint_ne(store_memory_siphash(k0, k1 + 1, msg, 15),
	    store_memory_siphash(k0, k1, msg, 15));
}
END_TEST

/* put - a new or refreshed record of ip key at now; the rc */
static int
put(struct store *st, const char *key, time_t expires,
    const struct store_escalation *esc, time_t now, struct quarantine *got)
{
	struct quarantine q = record(expires);

	return store_quarantine_put(st, STORE_IP, key, &q, esc, now, got,
	    &serr);
}

START_TEST(test_limits)
{
	struct store *st = store_memory_new_limits(10, 20);
	struct quarantine got;
	char key[32];
	int i;

	ck_assert_ptr_nonnull(st);
	for (i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "192.0.2.%d", i);
		ck_assert_int_eq(put(st, key, NOW + 100 + i, NULL, NOW, NULL), 0);
	}
	ck_assert_int_eq(put(st, "192.0.2.99", NOW + 100, NULL, NOW, NULL), -1);
	ck_assert_str_eq(serr.text, "memory store full");
	/* a refresh needs no room; every live one is still there */
	ck_assert_int_eq(put(st, "192.0.2.0", NOW + 500, NULL, NOW, &got), 0);
	ck_assert_int_eq(got.hits, 2);
	for (i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "192.0.2.%d", i);
		ck_assert_int_eq(store_quarantine_get(st, STORE_IP, key, NOW,
		    NULL, &serr), 1);
	}

	/* counters and notes: a limit of their own */
	for (i = 0; i < 19; i++) {
		snprintf(key, sizeof(key), "10.0.0.%d", i);
		ck_assert_int_eq(add_count(st, STORE_IP, key, 1, NOW), 1);
	}
	ck_assert_int_eq(store_note_put(st, "seen:10.0.0.1", "alice", NOW + 50,
	    0, NOW, &serr), 1);
	ck_assert_int_eq(add_count(st, STORE_IP, "10.0.1.1", 1, NOW), -1);
	ck_assert_str_eq(serr.text, "memory store full");
	ck_assert_int_eq(store_note_put(st, "seen:10.0.0.2", "bob", NOW + 50,
	    0, NOW, &serr), -1);
	/* a note rewritten, a counter counted: no new entry */
	ck_assert_int_eq(store_note_put(st, "seen:10.0.0.1", "carol", NOW + 50,
	    0, NOW, &serr), 1);
	ck_assert_int_eq(add_count(st, STORE_IP, "10.0.0.3", 1, NOW), 2);
	ck_assert_int_eq(store_note_get(st, "seen:10.0.0.1", NOW, key,
	    sizeof(key), &serr), 1);
	ck_assert_str_eq(key, "carol");
	/* the counters' flood took nothing from the records */
	ck_assert_int_eq(store_quarantine_release(st, STORE_IP, "192.0.2.9",
	    NOW, &serr), 1);
	ck_assert_int_eq(put(st, "192.0.2.99", NOW + 100, NULL, NOW, NULL), 0);

	/* expired entries make room, and nothing else does */
	ck_assert_int_eq(put(st, "192.0.2.98", NOW + 200, NULL, NOW + 99,
	    NULL), -1);
	ck_assert_int_eq(put(st, "192.0.2.98", NOW + 200, NULL, NOW + 100,
	    NULL), 0);
	ck_assert_int_eq(store_quarantine_get(st, STORE_IP, "192.0.2.99",
	    NOW + 100, NULL, &serr), 0);
	ck_assert_int_eq(store_quarantine_get(st, STORE_IP, "192.0.2.0",
	    NOW + 100, NULL, &serr), 1);
	ck_assert_int_eq(add_count(st, STORE_IP, "10.0.1.1", 1,
	    NOW + WINDOW_MS / 1000), 1);
	store_free(st);
}
END_TEST

START_TEST(test_limits_incidents)
{
	struct store *st = store_memory_new_limits(6, 10);
	struct store_escalation esc = {2, 86400, 86400 * 7};
	struct quarantine got;
	char key[32];
	int i;

	ck_assert_ptr_nonnull(st);
	/* a record and its history each: three incidents fill six places */
	for (i = 0; i < 3; i++) {
		snprintf(key, sizeof(key), "192.0.2.%d", i);
		ck_assert_int_eq(put(st, key, NOW + 100, &esc, NOW, &got), 0);
		ck_assert_int_eq(got.incident, i + 1);
	}
	ck_assert_int_eq(put(st, "192.0.2.3", NOW + 100, &esc, NOW, NULL), -1);
	ck_assert_str_eq(serr.text, "memory store full");
	/* room for the record, not for its history: neither is kept */
	ck_assert_int_eq(store_quarantine_release(st, STORE_IP, "192.0.2.0",
	    NOW, &serr), 1);
	ck_assert_int_eq(put(st, "192.0.2.3", NOW + 100, &esc, NOW, NULL), -1);
	ck_assert_str_eq(serr.text, "memory store full");
	ck_assert_int_eq(store_quarantine_get(st, STORE_IP, "192.0.2.3", NOW,
	    NULL, &serr), 0);
	/* the refused ones counted no incident, and no history */
	ck_assert_int_eq(store_quarantine_release(st, STORE_IP, "192.0.2.1",
	    NOW, &serr), 1);
	ck_assert_int_eq(put(st, "192.0.2.3", NOW + 100, &esc, NOW, &got), 0);
	ck_assert_int_eq(got.incident, 4);
	ck_assert_int_eq(got.repeat, 1);
	store_free(st);
}
END_TEST

/* maxmemory_store - servers[0] at --maxmemory 2mb with policy; a store */
static struct store *
maxmemory_store(const char *policy)
{
	const char *const extra[] = {"--maxmemory", "2mb",
	    "--maxmemory-policy", policy, NULL};

	return redis_store(must_start(0, 0, extra)->port, 0, 2000);
}

/* fill - distinct counters until a write fails, or max; how many written */
static long
fill(struct store *st, long max)
{
	char key[64];
	long i;

	for (i = 0; i < max; i++) {
		snprintf(key, sizeof(key), "flood-%ld-%s", i,
		    "0123456789012345678901234567890123456789");
		if (add_count(st, STORE_IP, key, 1, NOW) < 0)
			break;
	}
	return i;
}

START_TEST(test_redis_noeviction)
{
	struct quarantine q = record(time(NULL) + 86400), got;
	struct store_server_info info;
	struct store_check chk;
	struct store *st;
	long n;

	if (!have_redis)
		return;
	st = maxmemory_store("noeviction");
	ck_assert_int_eq(store_quarantine_put(st, STORE_LOGIN,
	    "alice@example.net", &q, NULL, time(NULL), NULL, &serr), 0);
	n = fill(st, 1000000);
	ck_assert_int_lt(n, 1000000);
	printf("redis noeviction: the flood stopped after %ld counters: %s\n",
	    n, serr.text);
	ck_assert_msg(strstr(serr.text, "OOM") != NULL, "%s",
	    serr.text);
	q = record(time(NULL) + 86400);
	ck_assert_int_eq(store_quarantine_put(st, STORE_LOGIN,
	    "bob@example.net", &q, NULL, time(NULL), NULL, &serr), -1);
	ck_assert_msg(strstr(serr.text, "OOM") != NULL, "%s",
	    serr.text);
	ck_assert_int_eq(store_quarantine_get(st, STORE_LOGIN,
	    "alice@example.net", time(NULL), &got, &serr), 1);
	/* a stage that only reads is still answered: the quarantine holds */
	memset(&chk, 0, sizeof(chk));
	chk.ip = "192.0.2.7";
	chk.login = "alice@example.net";
	ck_assert_int_eq(store_check(st, &chk, time(NULL), &serr), 0);
	ck_assert_int_eq(chk.login_quarantined_r, 1);
	ck_assert_int_eq(chk.ip_quarantined_r, 0);
	ck_assert_int_eq(store_server_info(st, &info, &serr), 1);
	printf("redis noeviction: used_memory %llu octets, the quarantine "
	    "still there\n", info.used_memory);
	fflush(stdout);
	store_free(st);
	srv_stop(&servers[0], 0);
}
END_TEST

START_TEST(test_redis_volatile_ttl)
{
	struct quarantine q = record(time(NULL) + 86400);
	struct store *st;
	long n;

	if (!have_redis)
		return;
	st = maxmemory_store("volatile-ttl");
	ck_assert_int_eq(store_quarantine_put(st, STORE_LOGIN,
	    "alice@example.net", &q, NULL, time(NULL), NULL, &serr), 0);
	n = fill(st, 60000);
	printf("redis volatile-ttl: %ld counters written%s%s\n", n,
	    n < 60000 ? ", then: " : "", n < 60000 ? serr.text : "");
	fflush(stdout);
	ck_assert_int_eq(store_quarantine_get(st, STORE_LOGIN,
	    "alice@example.net", time(NULL), NULL, &serr), 1);
	store_free(st);
	srv_stop(&servers[0], 0);
}
END_TEST

/* flood_suite - one test case per aspect */
static Suite *
flood_suite(void)
{
	Suite *s = suite_create("store_flood");
	TCase *tc;

	tc = tcase_create("flood");
	tcase_set_tags(tc, "flood");	/* left out of distcheck: Makefile.am */
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_flood_memory);
	tcase_add_test(tc, test_flood_lmdb);
	tcase_add_test(tc, test_collisions);
	suite_add_tcase(s, tc);

	tc = tcase_create("memory");
	tcase_add_test(tc, test_siphash);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_limits_incidents);
	suite_add_tcase(s, tc);

	tc = tcase_create("redis_maxmemory");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_redis_noeviction);
	tcase_add_test(tc, test_redis_volatile_ttl);
	suite_add_tcase(s, tc);
	return s;
}

/* main - run the suite */
int
main(void)
{
	if ((have_redis = harness_init("check_store_flood")) < 0)
		return EXIT_FAILURE;
	return harness_run(flood_suite());
}
