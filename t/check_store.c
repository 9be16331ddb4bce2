/*
 * NAME
 *	check_store - the store contract, run against every backend
 * SYNOPSIS
 *	check_store
 * DESCRIPTION
 *	Tables of steps (put, get, release, check at given times) with the
 *	wanted results; every backend runs them: memory, lmdb on a fresh
 *	file per test in a mkdtemp folder of the run, and redis against a
 *	private redis-server that each test starts (store_harness.h).
 *	Window expiry runs on the memory backend only, where time is an
 *	input; Redis counts on its own clock. Threads share one store (on
 *	Redis, a pool of two connections), each call with its own error.
 *
 *	Listings run on every backend too: exactly the live records of a
 *	kind, each once, also over several SCAN pages.
 *
 *	The incident loop's contract, on every backend: incident numbers (a
 *	new record, a refresh, after expiry, after release), escalation
 *	(factor, cap, window), the events log (types, order, every field,
 *	hostile key bytes, none for a refresh of nothing or for expiry),
 *	consumer groups (consumers never share an event, unacknowledged
 *	ones come back to their consumer, a dead consumer's are claimed
 *	after STORE_EVENTS_CLAIM_MS, a new group sees what is kept, "0" and
 *	"$", waiting), notes (claims, expiry, lengths) and the seen note of
 *	store_check(). What runs on the now passed in on memory and lmdb
 *	(note expiry, claims) runs on Redis's clock on Redis: there the
 *	notes' PTTL is checked instead, and a consumer's pending events are
 *	made idle with XCLAIM ... IDLE rather than waited for.
 *
 *	What only one backend has is tested apart: t/check_store_redis.c
 *	(connections, scripts, Sentinel...), t/check_store_lmdb.c (the
 *	file), t/check_store_flood.c (floods and chosen keys).
 * ENVIRONMENT
 *	ISO_REQUIRE_INTEGRATION=1  a missing redis-server is a failure;
 *		otherwise only the memory and lmdb backends run, with a note.
 *	ISO_KEEP  keep the servers' and the lmdb files' folders
 *		(/tmp/check_store.*), for a look.
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "store_harness.h"

#define K10		"0123456789"
/* 200 octets: UTF-8, a quote, CR LF, a space, an apostrophe, then digits */
#define LONG_LOGIN	"l\xc3\xa9n\"g\r\n '" K10 K10 K10 K10 K10 K10 K10 \
	K10 K10 K10 K10 K10 K10 K10 K10 K10 K10 K10 K10

static int have_redis;

/* main's folder of the lmdb files, removed by main, also after failures */
static char lmdb_dir[64];
static char lmdb_path[128];		/* the open lmdb store's; "": none */

/* redis last: without redis-server, the others still run */
static const struct backend {
	const char *name;
	int	redis;
	int	lmdb;
	int	clock;			/* notes and claims on the now given */
	const char *node;		/* the releasing node of its events */
} backends[] = {
	{"memory", 0, 0, 1, ""},
	{"lmdb", 0, 1, 1, "mx2"},
	{"redis", 1, 0, 0, "mx2"},
};
#define N_LOCAL		2		/* backends without a server */

/* lmdb_remove - remove the lmdb store's file and lock, unless ISO_KEEP */
static void
lmdb_remove(void)
{
	char lock[sizeof(lmdb_path) + 8];

	if (lmdb_path[0] != '\0' && getenv("ISO_KEEP") == NULL) {
		snprintf(lock, sizeof(lock), "%s-lock", lmdb_path);
		unlink(lmdb_path);
		unlink(lock);
	}
	lmdb_path[0] = '\0';
}

/* lmdb_store - a store on a new file in main's folder */
static struct store *
lmdb_store(void)
{
	struct store_lmdb_opts o;
	struct store *st;
	char err[256];

	/* a test's fork: its own pid */
	snprintf(lmdb_path, sizeof(lmdb_path), "%s/state.%ld.lmdb", lmdb_dir,
	    (long)getpid());
	memset(&o, 0, sizeof(o));
	o.path = lmdb_path;
	o.node = "mx2";
	st = store_lmdb_new(&o, err, sizeof(err));
	ck_assert_msg(st != NULL, "store_lmdb_new: %s", err);
	return st;
}

/* backend_open - a fresh store of backend i (redis: on its own server) */
static struct store *
backend_open(int i, unsigned pool)
{
	if (backends[i].lmdb)
		return lmdb_store();
	if (!backends[i].redis)
		return store_memory_new();
	return redis_store(must_start(0, 0, NULL)->port, pool, 5000);
}

/* backend_close - free the store, stop its server, remove its file */
static void
backend_close(int i, struct store *st)
{
	store_free(st);
	if (backends[i].redis)
		srv_stop(&servers[0], 0);
	if (backends[i].lmdb)
		lmdb_remove();
}

enum op { PUT, GET, RELEASE };

static const struct step {
	enum op op;
	enum store_kind kind;
	const char *key;
	time_t	now;
	time_t	expires;	/* PUT */
	int	want_rc;
	unsigned long want_hits;	/* GET, PUT: of the record */
	time_t	want_first;
	time_t	want_expires;
} steps[] = {
	{GET, STORE_IP, "127.0.2.10", 1000, 0, 0, 0, 0, 0},
	{PUT, STORE_IP, "127.0.2.10", 1000, 1100, 0, 1, 1000, 1100},
	{GET, STORE_IP, "127.0.2.10", 1050, 0, 1, 1, 1000, 1100},
	{GET, STORE_LOGIN, "127.0.2.10", 1050, 0, 0, 0, 0, 0},	/* kinds apart */
	{PUT, STORE_IP, "127.0.2.10", 1060, 1160, 0, 2, 1000, 1160},
	{PUT, STORE_IP, "127.0.2.10", 1070, 1090, 0, 3, 1000, 1160},	/* never shortened */
	{GET, STORE_IP, "127.0.2.10", 1159, 0, 1, 3, 1000, 1160},
	{GET, STORE_IP, "127.0.2.10", 1160, 0, 0, 0, 0, 0},	/* expired */
	{PUT, STORE_IP, "127.0.2.10", 1200, 1300, 0, 1, 1200, 1300},	/* anew */
	{RELEASE, STORE_IP, "127.0.2.10", 1210, 0, 1, 0, 0, 0},
	{GET, STORE_IP, "127.0.2.10", 1211, 0, 0, 0, 0, 0},
	{RELEASE, STORE_IP, "127.0.2.10", 1212, 0, 0, 0, 0, 0},
	{PUT, STORE_LOGIN, "alice@example.net", 2000, 3000, 0, 1, 2000, 3000},
	{GET, STORE_LOGIN, "Alice@example.net", 2001, 0, 0, 0, 0, 0},	/* bytes, not case */
	{GET, STORE_LOGIN, "alice@example.net", 2001, 0, 1, 1, 2000, 3000},
	{RELEASE, STORE_LOGIN, "alice@example.net", 3000, 0, 0, 0, 0, 0},
						/* expired: nothing released */
	{PUT, STORE_LOGIN, LONG_LOGIN, 2000, 3000, 0, 1, 2000, 3000},
	{GET, STORE_LOGIN, LONG_LOGIN, 2999, 0, 1, 1, 2000, 3000},
	{PUT, STORE_IP, "2001:db8::1", 2000, 2500, 0, 1, 2000, 2500},
	{GET, STORE_IP, "2001:db8::1", 2499, 0, 1, 1, 2000, 2500},
	{GET, STORE_IP, "", 2000, 0, -1, 0, 0, 0},
	{PUT, STORE_IP, "", 2000, 2500, -1, 0, 0, 0},
	{RELEASE, STORE_IP, "", 2000, 0, -1, 0, 0, 0},
};

START_TEST(test_contract)
{
	struct store *st = backend_open(_i, 0);
	struct quarantine q, got;
	size_t i;
	int rc;

	ck_assert_ptr_nonnull(st);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const struct step *s = &steps[i];

		memset(&got, 0x5a, sizeof(got));
		switch (s->op) {
		case PUT:
			memset(&q, 0, sizeof(q));
			q.rule = RULE_INBOUND_CUSTOMER_DIRECT;
			snprintf(q.reason, sizeof(q.reason), "step %zu", i);
			snprintf(q.evidence, sizeof(q.evidence), "helo=x");
			snprintf(q.node, sizeof(q.node), "mx1");
			q.expires = s->expires;
			rc = store_quarantine_put(st, s->kind, s->key, &q,
			    NULL, s->now, &got, &serr);
			break;
		case GET:
			rc = store_quarantine_get(st, s->kind, s->key, s->now,
			    &got, &serr);
			break;
		default:
			rc = store_quarantine_release(st, s->kind, s->key,
			    s->now, &serr);
			break;
		}
		ck_assert_msg(rc == s->want_rc,
		    "%s step %zu: rc %d, want %d (%s)", backends[_i].name, i,
		    rc, s->want_rc, serr.text);
		if (rc == -1)
			ck_assert_str_eq(serr.text, "empty key");
		if (s->op == RELEASE || rc != (s->op == GET ? 1 : 0) ||
		    rc == -1)
			continue;
		ck_assert_msg(got.hits == s->want_hits, "%s step %zu: hits %lu",
		    backends[_i].name, i, got.hits);
		ck_assert_int_eq(got.first_seen, s->want_first);
		ck_assert_int_eq(got.expires, s->want_expires);
		ck_assert_int_eq(got.rule, RULE_INBOUND_CUSTOMER_DIRECT);
		ck_assert_str_eq(got.node, "mx1");
		ck_assert_str_eq(got.evidence, "helo=x");
		if (s->op == PUT) {
			ck_assert_int_eq(got.last_seen, s->now);
			ck_assert_int_eq(strncmp(got.reason, "step ", 5), 0);
		}
	}
	backend_close(_i, st);
}
END_TEST

START_TEST(test_many)
{
	struct store *st = backend_open(_i, 0);
	char key[32];
	unsigned i;

	for (i = 0; i < 5000; i++) {
		struct quarantine q;

		memset(&q, 0, sizeof(q));
		q.expires = 100 + (time_t)(i % 7);
		snprintf(key, sizeof(key), "10.0.%u.%u", i / 256, i % 256);
		ck_assert_int_eq(store_quarantine_put(st, STORE_IP, key, &q,
		    NULL, 50, NULL, &serr), 0);
	}
	ck_assert_int_eq(store_quarantine_get(st, STORE_IP, "10.0.0.6", 105,
	    NULL, &serr), 1);
	ck_assert_int_eq(store_quarantine_get(st, STORE_IP, "10.0.0.5", 105,
	    NULL, &serr), 0);
	ck_assert_int_eq(store_quarantine_get(st, STORE_IP, "10.0.19.135", 50,
	    NULL, &serr), 1);
	backend_close(_i, st);
}
END_TEST

/* A record's text fields survive the trip, cut to their sizes. */
START_TEST(test_fields)
{
	struct store *st = backend_open(_i, 0);
	struct quarantine q, got;

	memset(&q, 0, sizeof(q));
	q.rule = RULE_NONE;
	memset(q.reason, 'r', sizeof(q.reason) - 1);
	snprintf(q.evidence, sizeof(q.evidence), "helo=\"a b\"\r\n\xc3\xa9");
	memset(q.node, 'n', sizeof(q.node) - 1);
	q.expires = 2000;
	ck_assert_int_eq(store_quarantine_put(st, STORE_LOGIN, "u", &q, NULL,
	    1000, NULL, &serr), 0);
	ck_assert_int_eq(store_quarantine_get(st, STORE_LOGIN, "u", 1000, &got,
	    &serr), 1);
	ck_assert_int_eq(got.rule, RULE_NONE);
	ck_assert_str_eq(got.reason, q.reason);
	ck_assert_str_eq(got.evidence, q.evidence);
	ck_assert_str_eq(got.node, q.node);
	ck_assert_int_eq(got.last_seen, 1000);
	q.rule = RULE_OUTBOUND_RATE;
	snprintf(q.node, sizeof(q.node), "other");
	ck_assert_int_eq(store_quarantine_put(st, STORE_LOGIN, "u", &q, NULL,
	    1001, &got, &serr), 0);
	ck_assert_int_eq(got.rule, RULE_OUTBOUND_RATE);
	ck_assert_int_eq(got.node[0], 'n');		/* kept on refresh */
	ck_assert_int_eq(got.last_seen, 1001);
	ck_assert_int_eq(got.first_seen, 1000);
	backend_close(_i, st);
}
END_TEST

/* The records put before a listing at 1600, and whether it shows them. */
static const struct list_put {
	enum store_kind kind;
	const char *key;
	time_t	expires;
	int	release;		/* released before the listing */
	int	want_listed;
} list_puts[] = {
	{STORE_IP, "127.0.2.66", 2000, 0, 1},
	{STORE_IP, "127.0.2.67", 1500, 0, 0},	/* expired by then */
	{STORE_IP, "127.0.2.68", 2000, 1, 0},
	{STORE_IP, "2001:db8::1", 3000, 0, 1},
	{STORE_LOGIN, "alice@example.net", 2000, 0, 1},
	{STORE_LOGIN, "cr\r\nlf", 2000, 0, 1},
	{STORE_LOGIN, LONG_LOGIN, 2000, 0, 1},
	{STORE_LOGIN, "a*b?[c]\\", 2000, 0, 1},	/* glob characters */
	{STORE_LOGIN, "bob@example.net", 1600, 0, 0},	/* expires at 1600 */
};

/* A listing gives exactly the live records of its kind, in any order. */
START_TEST(test_list)
{
	static const enum store_kind kinds[] = {STORE_IP, STORE_LOGIN};
	struct store *st = backend_open(_i, 0);
	struct store_counter k = {STORE_IP, "127.0.2.69", "messages", 60000,
	    1, 0, 0};
	struct listing l;
	size_t i, j;
	int want, rc, at;

	for (i = 0; i < sizeof(list_puts) / sizeof(list_puts[0]); i++)
		quarantine(st, list_puts[i].kind, list_puts[i].key, 1000,
		    list_puts[i].expires);
	quarantine(st, STORE_IP, "127.0.2.66", 1100, 1900);	/* hits 2 */
	for (i = 0; i < sizeof(list_puts) / sizeof(list_puts[0]); i++)
		if (list_puts[i].release)
			ck_assert_int_eq(store_quarantine_release(st,
			    list_puts[i].kind, list_puts[i].key, 1200, &serr),
			    1);
	ck_assert_int_eq(one_check(st, NULL, NULL, &k), 0);	/* no record */
	for (j = 0; j < 2; j++) {
		memset(&l, 0, sizeof(l));
		l.kind = kinds[j];
		rc = store_quarantine_list(st, kinds[j], 1600, collect, &l,
		    &serr);
		for (i = 0, want = 0; i < sizeof(list_puts) /
		    sizeof(list_puts[0]); i++) {
			const struct list_put *p = &list_puts[i];

			if (p->kind != kinds[j])
				continue;
			want += p->want_listed;
			ck_assert_msg((listed(&l, p->key) >= 0) ==
			    p->want_listed, "%s: %s listed: %d",
			    backends[_i].name, p->key, listed(&l, p->key));
		}
		ck_assert_msg(rc == want && l.calls == want,
		    "%s kind %zu: rc %d, %d calls, want %d (%s)",
		    backends[_i].name, j, rc, l.calls, want, serr.text);
		ck_assert_int_eq(l.wrong_kind, 0);
	}
	memset(&l, 0, sizeof(l));
	l.kind = STORE_IP;
	ck_assert_int_eq(store_quarantine_list(st, STORE_IP, 1600, collect,
	    &l, &serr), 2);
	at = listed(&l, "127.0.2.66");
	ck_assert_int_ge(at, 0);
	ck_assert_int_eq(l.q[at].rule, RULE_INBOUND_CUSTOMER_DIRECT);
	ck_assert_int_eq(l.q[at].hits, 2);
	ck_assert_int_eq(l.q[at].first_seen, 1000);
	ck_assert_int_eq(l.q[at].last_seen, 1100);
	ck_assert_int_eq(l.q[at].expires, 2000);
	ck_assert_str_eq(l.q[at].node, "mx1");
	ck_assert_str_eq(l.q[at].reason, "bot seen: helo=x y");
	/* fn stops it: the record that stopped it counts */
	memset(&l, 0, sizeof(l));
	l.kind = STORE_LOGIN;
	l.stop_at = 1;
	ck_assert_int_eq(store_quarantine_list(st, STORE_LOGIN, 1600, collect,
	    &l, &serr), 1);
	ck_assert_int_eq(l.calls, 1);
	/* nothing live: nothing listed */
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(store_quarantine_list(st, STORE_IP, 5000, collect,
	    &l, &serr), 0);
	ck_assert_int_eq(l.calls, 0);
	backend_close(_i, st);
}
END_TEST

/* count_key - store_list_fn that marks "10.1.X.Y" as seen, once each */
static int
count_key(void *arg, enum store_kind kind, const char *key,
    const struct quarantine *q)
{
	unsigned char *seen = arg;
	unsigned a, b;

	(void)kind;
	(void)q;
	ck_assert_int_eq(sscanf(key, "10.1.%u.%u", &a, &b), 2);
	ck_assert_msg(seen[a * 256 + b]++ == 0, "%s listed twice", key);
	return 0;
}

/* Many records: several SCAN pages on Redis, each record once. */
START_TEST(test_list_many)
{
	static unsigned char seen[2000];
	struct store *st = backend_open(_i, 0);
	char key[32];
	unsigned i, live = 0;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < sizeof(seen); i++) {
		snprintf(key, sizeof(key), "10.1.%u.%u", i / 256, i % 256);
		quarantine(st, STORE_IP, key, 50, i % 5 == 0 ? 90 : 200);
		live += i % 5 != 0;
	}
	ck_assert_int_eq(store_quarantine_list(st, STORE_IP, 100, count_key,
	    seen, &serr), (int)live);
	for (i = 0; i < sizeof(seen); i++)
		ck_assert_int_eq(seen[i], i % 5 != 0);
	backend_close(_i, st);
}
END_TEST

/* One counter of a check step, with the count wanted after it. */
struct counter_want {
	enum store_kind kind;
	const char *key;
	const char *what;
	unsigned long window_ms;
	unsigned long add;
	unsigned long want_count;
};

static const struct check_step {
	const char *ip;
	const char *login;
	int	want_ip;
	int	want_login;
	size_t	n;
	struct counter_want c[3];
	int	want_rc;
	const char *want_err;
} check_steps[] = {
	/* quarantines only */
	{"127.0.2.66", "bot@example.net", 1, 1, 0, {{0}}, 0, NULL},
	{"127.0.2.67", NULL, 0, 0, 0, {{0}}, 0, NULL},
	{NULL, "alice@example.net", 0, 0, 0, {{0}}, 0, NULL},
	{"127.0.2.66", NULL, 1, 0, 0, {{0}}, 0, NULL},
	{NULL, "127.0.2.66", 0, 0, 0, {{0}}, 0, NULL},	/* kinds apart */
	{NULL, "cr\r\nlf", 0, 1, 0, {{0}}, 0, NULL},
	{NULL, "cr\nlf", 0, 0, 0, {{0}}, 0, NULL},
	{NULL, "a b", 0, 1, 0, {{0}}, 0, NULL},
	{NULL, "a", 0, 0, 0, {{0}}, 0, NULL},
	{NULL, LONG_LOGIN, 0, 1, 0, {{0}}, 0, NULL},
	{NULL, "\"q\" 'x'", 0, 0, 0, {{0}}, 0, NULL},
	{NULL, NULL, 0, 0, 0, {{0}}, 0, NULL},	/* nothing asked */
	/* counters only: they add up per kind, key, what and window */
	{NULL, NULL, 0, 0, 1, {
	    {STORE_IP, "127.0.2.67", "messages", 60000, 1, 1}}, 0, NULL},
	{NULL, NULL, 0, 0, 1, {
	    {STORE_IP, "127.0.2.67", "messages", 60000, 1, 2}}, 0, NULL},
	{NULL, NULL, 0, 0, 2, {
	    {STORE_IP, "127.0.2.67", "recipients", 60000, 5, 5},
	    {STORE_IP, "127.0.2.67", "messages", 60000, 1, 3}}, 0, NULL},
	{NULL, NULL, 0, 0, 3, {
	    {STORE_LOGIN, "127.0.2.67", "messages", 60000, 1, 1},
	    {STORE_IP, "127.0.2.67", "messages", 3600000, 1, 1},
	    {STORE_IP, "127.0.2.68", "messages", 60000, 1, 1}}, 0, NULL},
	{NULL, NULL, 0, 0, 2, {			/* the same one twice */
	    {STORE_LOGIN, "a b", "messages", 60000, 1, 1},
	    {STORE_LOGIN, "a b", "messages", 60000, 1, 2}}, 0, NULL},
	{NULL, NULL, 0, 0, 3, {			/* binary-safe keys */
	    {STORE_LOGIN, "cr\r\nlf", "recipients", 60000, 100, 100},
	    {STORE_LOGIN, "cr\nlf", "recipients", 60000, 1, 1},
	    {STORE_LOGIN, LONG_LOGIN, "recipients", 60000, 7, 7}}, 0, NULL},
	{NULL, NULL, 0, 0, 3, {
	    {STORE_LOGIN, "\"q\" 'x'", "messages", 60000, 1, 1},
	    {STORE_LOGIN, "caf\xc3\xa9", "messages", 60000, 1, 1},
	    {STORE_LOGIN, "cafe", "messages", 60000, 3, 3}}, 0, NULL},
	{NULL, NULL, 0, 0, 2, {
	    {STORE_IP, "2001:db8::1", "messages", 60000, 1, 1},
	    {STORE_LOGIN, LONG_LOGIN, "recipients", 60000, 7, 14}}, 0, NULL},
	/* both */
	{"127.0.2.66", "bot@example.net", 1, 1, 2, {
	    {STORE_IP, "127.0.2.66", "messages", 60000, 2, 2},
	    {STORE_LOGIN, "bot@example.net", "recipients", 60000, 10, 10}},
	    0, NULL},
	{"127.0.2.69", "bot@example.net", 0, 1, 2, {
	    {STORE_IP, "127.0.2.66", "messages", 60000, 2, 4},
	    {STORE_LOGIN, "bot@example.net", "recipients", 60000, 10, 20}},
	    0, NULL},
	/* refused as a whole: nothing counted */
	{"", NULL, 0, 0, 1, {
	    {STORE_IP, "127.0.2.67", "messages", 60000, 1, 0}}, -1,
	    "empty key"},
	{NULL, NULL, 0, 0, 2, {
	    {STORE_IP, "127.0.2.67", "messages", 60000, 1, 0},
	    {STORE_IP, "", "messages", 60000, 1, 0}}, -1, "empty key"},
	{NULL, NULL, 0, 0, 2, {
	    {STORE_IP, "127.0.2.67", "messages", 60000, 1, 0},
	    {STORE_IP, "x", "messages", 0, 1, 0}}, -1, "empty window"},
	{NULL, NULL, 0, 0, 1, {
	    {STORE_IP, "127.0.2.67", "messages", 60000, 1, 4}}, 0, NULL},
};

START_TEST(test_counters)
{
	struct store *st = backend_open(_i, 0);
	struct store_counter k[3];
	struct store_check c;
	size_t i, j;
	int rc;

	ck_assert_int_eq(strlen(LONG_LOGIN), 200);
	quarantine(st, STORE_IP, "127.0.2.66", 1000, 90000);
	quarantine(st, STORE_LOGIN, "bot@example.net", 1000, 90000);
	quarantine(st, STORE_LOGIN, "cr\r\nlf", 1000, 90000);
	quarantine(st, STORE_LOGIN, "a b", 1000, 90000);
	quarantine(st, STORE_LOGIN, LONG_LOGIN, 1000, 90000);
	for (i = 0; i < sizeof(check_steps) / sizeof(check_steps[0]); i++) {
		const struct check_step *s = &check_steps[i];

		memset(&c, 0x5a, sizeof(c));
		c.seen_login = NULL;
		memset(k, 0x5a, sizeof(k));
		c.ip = s->ip;
		c.login = s->login;
		c.counters = k;
		c.n_counters = s->n;
		for (j = 0; j < s->n; j++) {
			k[j].kind = s->c[j].kind;
			k[j].key = s->c[j].key;
			k[j].what = s->c[j].what;
			k[j].window_ms = s->c[j].window_ms;
			k[j].add = s->c[j].add;
		}
		rc = store_check(st, &c, 1000, &serr);
		ck_assert_msg(rc == s->want_rc, "%s step %zu: rc %d (%s)",
		    backends[_i].name, i, rc, serr.text);
		if (rc < 0) {
			ck_assert_str_eq(serr.text, s->want_err);
			continue;
		}
		ck_assert_msg(c.ip_quarantined_r == s->want_ip &&
		    c.login_quarantined_r == s->want_login,
		    "%s step %zu: quarantined %d %d", backends[_i].name, i,
		    c.ip_quarantined_r, c.login_quarantined_r);
		for (j = 0; j < s->n; j++) {
			/* memory counts in whole seconds */
			unsigned long w = (s->c[j].window_ms + 999) / 1000 *
			    1000;

			ck_assert_msg(k[j].count_r == s->c[j].want_count,
			    "%s step %zu counter %zu: count %lu, want %lu",
			    backends[_i].name, i, j, k[j].count_r,
			    s->c[j].want_count);
			ck_assert_msg(k[j].reset_ms_r > 0 &&
			    k[j].reset_ms_r <= w,
			    "%s step %zu counter %zu: reset %lu",
			    backends[_i].name, i, j, k[j].reset_ms_r);
		}
	}
	backend_close(_i, st);
}
END_TEST

/* Windows end on the memory backend's clock: the now passed in. */
static const struct window_step {
	time_t	now;
	unsigned long window_ms;
	unsigned long want_count;
	unsigned long want_reset_ms;
} window_steps[] = {
	{1000, 60000, 1, 60000},
	{1030, 60000, 2, 30000},
	{1059, 60000, 3, 1000},
	{1060, 60000, 1, 60000},	/* a new window */
	{1060, 2000, 1, 2000},		/* another counter */
	{1061, 2000, 2, 1000},
	{1062, 2000, 1, 2000},
};

START_TEST(test_window_memory)
{
	struct store *st = store_memory_new();
	struct store_counter k;
	struct store_check c;
	int i;

	for (i = 0; i < NCASES(window_steps); i++) {
		memset(&c, 0, sizeof(c));
		memset(&k, 0, sizeof(k));
		k.kind = STORE_IP;
		k.key = "127.0.2.67";
		k.what = "messages";
		k.window_ms = window_steps[i].window_ms;
		k.add = 1;
		c.counters = &k;
		c.n_counters = 1;
		ck_assert_int_eq(store_check(st, &c, window_steps[i].now,
		    &serr), 0);
		ck_assert_msg(k.count_r == window_steps[i].want_count &&
		    k.reset_ms_r == window_steps[i].want_reset_ms,
		    "step %d: count %lu reset %lu", i, k.count_r, k.reset_ms_r);
	}
	store_free(st);
}
END_TEST

#define THREADS		8
#define CALLS		200

struct worker {
	pthread_t tid;
	struct store *st;
	int	failures;
};

/* work - CALLS checks of one thread; failures counted, not asserted */
static void *
work(void *arg)
{
	struct worker *w = arg;
	struct store_counter k;
	int i;

	for (i = 0; i < CALLS; i++) {
		struct store_check c;

		memset(&c, 0, sizeof(c));
		memset(&k, 0, sizeof(k));
		k.kind = STORE_IP;
		k.key = "10.9.9.9";
		k.what = "messages";
		k.window_ms = 600000;
		k.add = 1;
		c.login = "bot@example.net";
		c.counters = &k;
		c.n_counters = 1;
		if (store_check(w->st, &c, 1000, NULL) < 0 ||
		    !c.login_quarantined_r || k.count_r < 1 ||
		    k.count_r > THREADS * CALLS)
			w->failures++;
	}
	return NULL;
}

START_TEST(test_threads)
{
	struct store *st = backend_open(_i, 2);
	struct worker w[THREADS];
	struct store_counter k;
	int i, failures = 0;

	quarantine(st, STORE_LOGIN, "bot@example.net", 1000, 90000);
	for (i = 0; i < THREADS; i++) {
		w[i].st = st;
		w[i].failures = 0;
		ck_assert_int_eq(pthread_create(&w[i].tid, NULL, work, &w[i]),
		    0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(w[i].tid, NULL);
		failures += w[i].failures;
	}
	ck_assert_int_eq(failures, 0);
	memset(&k, 0, sizeof(k));
	k.kind = STORE_IP;
	k.key = "10.9.9.9";
	k.what = "messages";
	k.window_ms = 600000;
	ck_assert_int_eq(one_check(st, NULL, NULL, &k), 0);
	ck_assert_int_eq(k.count_r, THREADS * CALLS);
	backend_close(_i, st);
}
END_TEST

/* The incident loop's contract, on every backend. */

/* put_esc - put kind:key at now until expires, with esc; rc, merged_r */
static int
put_esc(struct store *st, enum store_kind kind, const char *key, time_t now,
    time_t expires, const struct store_escalation *esc,
    struct quarantine *merged_r, struct store_err *err)
{
	struct quarantine q;

	memset(&q, 0, sizeof(q));
	q.rule = RULE_INBOUND_CUSTOMER_DIRECT;
	snprintf(q.reason, sizeof(q.reason), "bot seen: helo=x y");
	snprintf(q.evidence, sizeof(q.evidence), "helo=x");
	snprintf(q.node, sizeof(q.node), "mx1");
	q.expires = expires;
	memset(merged_r, 0x5a, sizeof(*merged_r));
	return store_quarantine_put(st, kind, key, &q, esc, now, merged_r, err);
}

/* run_step - a PUT, GET or RELEASE; its rc, the record in *q_r */
static int
run_step(struct store *st, enum op op, enum store_kind kind, const char *key,
    time_t now, time_t expires, const struct store_escalation *esc,
    struct quarantine *q_r)
{
	memset(q_r, 0x5a, sizeof(*q_r));
	if (op == PUT)
		return put_esc(st, kind, key, now, expires, esc, q_r, &serr);
	if (op == GET)
		return store_quarantine_get(st, kind, key, now, q_r, &serr);
	return store_quarantine_release(st, kind, key, now, &serr);
}

static const struct incident_step {
	enum op op;
	enum store_kind kind;
	const char *key;
	time_t	now;
	time_t	expires;		/* PUT */
	int	want_rc;
	unsigned long want_incident;	/* of the record put or got */
	unsigned long want_hits;
} incident_steps[] = {
	{PUT, STORE_IP, "127.0.2.66", 1000, 2000, 0, 1, 1},
	{PUT, STORE_IP, "127.0.2.66", 1100, 2100, 0, 1, 2},	/* a refresh */
	{GET, STORE_IP, "127.0.2.66", 1200, 0, 1, 1, 2},
	{PUT, STORE_LOGIN, "127.0.2.66", 1200, 2000, 0, 2, 1},	/* kinds apart */
	{PUT, STORE_IP, "127.0.2.67", 1300, 2000, 0, 3, 1},
	{PUT, STORE_LOGIN, "127.0.2.66", 1400, 2000, 0, 2, 2},
	{GET, STORE_IP, "127.0.2.66", 2100, 0, 0, 0, 0},	/* expired */
	{PUT, STORE_IP, "127.0.2.66", 2100, 3000, 0, 4, 1},	/* after expiry */
	{PUT, STORE_IP, "127.0.2.66", 2150, 3000, 0, 4, 2},
	{RELEASE, STORE_IP, "127.0.2.66", 2200, 0, 1, 0, 0},
	{PUT, STORE_IP, "127.0.2.66", 2300, 3000, 0, 5, 1},	/* after release */
	{GET, STORE_IP, "127.0.2.66", 2400, 0, 1, 5, 1},
	{PUT, STORE_IP, "127.0.2.67", 2400, 3000, 0, 6, 1},	/* expired at 2000 */
	{PUT, STORE_IP, "", 2500, 3000, -1, 0, 0},		/* refused: no number */
	{PUT, STORE_LOGIN, "alice", 2500, 3000, 0, 7, 1},
};

/* Every new record opens an incident: 1, 2, 3... per store. */
START_TEST(test_incidents)
{
	struct store *st = backend_open(_i, 0);
	struct quarantine got;
	int i, rc;

	for (i = 0; i < NCASES(incident_steps); i++) {
		const struct incident_step *s = &incident_steps[i];

		rc = run_step(st, s->op, s->kind, s->key, s->now, s->expires,
		    NULL, &got);
		ck_assert_msg(rc == s->want_rc, "%s step %d: rc %d (%s)",
		    backends[_i].name, i, rc, serr.text);
		if (s->op == RELEASE || rc != (s->op == GET))
			continue;
		ck_assert_msg(got.incident == s->want_incident &&
		    got.hits == s->want_hits && got.repeat == 1,
		    "%s step %d: incident %lu hits %lu repeat %lu",
		    backends[_i].name, i, got.incident, got.hits, got.repeat);
	}
	backend_close(_i, st);
}
END_TEST

static const struct store_escalation esc_double = {2, 350, 1000},
    esc_low_cap = {2, 50, 1000}, esc_no_window = {2, 350, 0},
    esc_factor_one = {1, 350, 1000};

static const struct escalation_step {
	const struct store_escalation *esc;
	enum op op;
	enum store_kind kind;
	const char *key;
	time_t	now;
	time_t	expires;		/* PUT: base TTL expires - now */
	int	want_rc;
	unsigned long want_repeat;	/* PUT, GET */
	time_t	want_expires;
} escalation_steps[] = {
	{&esc_double, PUT, STORE_IP, "a", 1000, 1100, 0, 1, 1100},
	{&esc_double, RELEASE, STORE_IP, "a", 1010, 0, 1, 0, 0},
	{&esc_double, PUT, STORE_IP, "a", 1200, 1300, 0, 2, 1400},  /* 2x */
	{&esc_double, PUT, STORE_IP, "a", 1250, 1350, 0, 2, 1400},  /* refresh */
	{&esc_double, GET, STORE_IP, "a", 1399, 0, 1, 2, 1400},
	{&esc_double, PUT, STORE_IP, "a", 1400, 1500, 0, 3, 1750},  /* 4x: cap */
	{&esc_double, PUT, STORE_IP, "a", 1750, 1850, 0, 4, 2100},  /* cap */
	{&esc_double, PUT, STORE_LOGIN, "a", 1750, 1850, 0, 1, 1850}, /* kind */
	/* the window ends 1000 s after the latest incident opened (1750) */
	{&esc_double, PUT, STORE_IP, "a", 2750, 2850, 0, 1, 2850},
	{&esc_double, PUT, STORE_IP, "a", 2850, 2950, 0, 2, 3050},
	{NULL, PUT, STORE_IP, "b", 1000, 1100, 0, 1, 1100},	/* no escalation */
	{NULL, RELEASE, STORE_IP, "b", 1010, 0, 1, 0, 0},
	{NULL, PUT, STORE_IP, "b", 1020, 1120, 0, 1, 1120},
	{&esc_factor_one, PUT, STORE_IP, "c", 1000, 1100, 0, 1, 1100},
	{&esc_factor_one, RELEASE, STORE_IP, "c", 1010, 0, 1, 0, 0},
	{&esc_factor_one, PUT, STORE_IP, "c", 1020, 1120, 0, 1, 1120},
	{&esc_low_cap, PUT, STORE_IP, "d", 1000, 1100, 0, 1, 1100},
	{&esc_low_cap, RELEASE, STORE_IP, "d", 1010, 0, 1, 0, 0},
	{&esc_low_cap, PUT, STORE_IP, "d", 1020, 1120, 0, 2, 1120}, /* >= base */
	{&esc_no_window, PUT, STORE_IP, "e", 1000, 1100, 0, 1, 1100},
	{&esc_no_window, RELEASE, STORE_IP, "e", 1010, 0, 1, 0, 0},
	{&esc_no_window, PUT, STORE_IP, "e", 1020, 1120, 0, 1, 1120},
};

/* Repeat offenders: the n-th incident of a window lasts base * 2^(n-1). */
START_TEST(test_escalation)
{
	struct store *st = backend_open(_i, 0);
	struct quarantine got;
	int i, rc;

	for (i = 0; i < NCASES(escalation_steps); i++) {
		const struct escalation_step *s = &escalation_steps[i];

		rc = run_step(st, s->op, s->kind, s->key, s->now, s->expires,
		    s->esc, &got);
		ck_assert_msg(rc == s->want_rc, "%s step %d: rc %d (%s)",
		    backends[_i].name, i, rc, serr.text);
		if (s->op == RELEASE)
			continue;
		ck_assert_msg(got.repeat == s->want_repeat &&
		    got.expires == s->want_expires,
		    "%s step %d: repeat %lu expires %lld, want %lu %lld",
		    backends[_i].name, i, got.repeat, (long long)got.expires,
		    s->want_repeat, (long long)s->want_expires);
	}
	backend_close(_i, st);
}
END_TEST

#define HOSTILE_KEY	"John Doe+x=y\r\n\t\"'\\\xc3\xa9 \x7f\x01"
#define EV_MAX		32

static char key_max[STORE_KEY_MAX + 1];	/* 256 octets, all but NUL */

/* fill_key_max - key_max's octets: 1, 2, ... 255, 1 */
static void
fill_key_max(void)
{
	int i;

	for (i = 0; i < STORE_KEY_MAX; i++)
		key_max[i] = (char)(1 + i % 255);
	key_max[STORE_KEY_MAX] = '\0';
}

/* id_cmp - the order of two event ids, "42" or "1764200000000-0" */
static int
id_cmp(const char *a, const char *b)
{
	unsigned long long a1 = 0, a2 = 0, b1 = 0, b2 = 0;

	ck_assert_int_ge(sscanf(a, "%llu-%llu", &a1, &a2), 1);
	ck_assert_int_ge(sscanf(b, "%llu-%llu", &b1, &b2), 1);
	if (a1 != b1)
		return a1 < b1 ? -1 : 1;
	return a2 < b2 ? -1 : a2 > b2;
}

/* read_log - the events after id, no group, no wait; how many */
static size_t
read_log(struct store *st, const char *after, struct store_event *v,
    size_t max)
{
	size_t n = 99;

	ck_assert_msg(store_events_read(st, NULL, NULL, after, 0, 1000, v,
	    max, &n, &serr) == 0, "events_read after %s: %s", after, serr.text);
	ck_assert_uint_le(n, max);
	return n;
}

static const struct log_step {
	enum op op;
	enum store_kind kind;
	const char *key;		/* NULL: key_max */
	time_t	now;
	time_t	expires;		/* PUT */
	int	want_rc;
	int	want_event;		/* its type; -1: none */
	unsigned long want_hits;
	unsigned long want_incident;
	time_t	want_first;
	time_t	want_expires;
} log_steps[] = {
	{PUT, STORE_IP, "127.0.2.66", 1000, 5000, 0, STORE_EVENT_QUARANTINE,
	    1, 1, 1000, 5000},
	{PUT, STORE_IP, "127.0.2.66", 1001, 4000, 0, STORE_EVENT_HIT,
	    2, 1, 1000, 5000},
	{PUT, STORE_LOGIN, HOSTILE_KEY, 1002, 5000, 0, STORE_EVENT_QUARANTINE,
	    1, 2, 1002, 5000},
	{PUT, STORE_LOGIN, NULL, 1003, 5000, 0, STORE_EVENT_QUARANTINE,
	    1, 3, 1003, 5000},
	{RELEASE, STORE_IP, "127.0.2.66", 1004, 0, 1, STORE_EVENT_RELEASE,
	    2, 1, 1000, 5000},
	{RELEASE, STORE_IP, "127.0.2.66", 1005, 0, 0, -1, 0, 0, 0, 0},
	{PUT, STORE_IP, "127.0.2.67", 1006, 1010, 0, STORE_EVENT_QUARANTINE,
	    1, 4, 1006, 1010},
	{GET, STORE_IP, "127.0.2.67", 1010, 0, 0, -1, 0, 0, 0, 0}, /* expired */
	{RELEASE, STORE_IP, "127.0.2.67", 1011, 0, 0, -1, 0, 0, 0, 0},
	{PUT, STORE_IP, "127.0.2.67", 1020, 2000, 0, STORE_EVENT_QUARANTINE,
	    1, 5, 1020, 2000},
	{PUT, STORE_IP, "", 1021, 2000, -1, -1, 0, 0, 0, 0},
	{PUT, STORE_LOGIN, HOSTILE_KEY, 1022, 6000, 0, STORE_EVENT_HIT,
	    2, 2, 1002, 6000},
};

/* expect_logged - event ev is what step s wrote on backend b */
static void
expect_logged(int b, const struct log_step *s, const struct store_event *ev)
{
	const char *key = s->key != NULL ? s->key : key_max;
	const char *node = s->op == RELEASE ? backends[b].node : "mx1";

	ck_assert_msg((int)ev->type == s->want_event && ev->kind == s->kind &&
	    strcmp(ev->key, key) == 0 && ev->time == s->now,
	    "%s event %s: type %d kind %d time %lld", backends[b].name, ev->id,
	    ev->type, ev->kind, (long long)ev->time);
	ck_assert_int_eq(ev->q.rule, RULE_INBOUND_CUSTOMER_DIRECT);
	ck_assert_str_eq(ev->q.reason, "bot seen: helo=x y");
	ck_assert_str_eq(ev->q.evidence, "helo=x");
	ck_assert_str_eq(ev->q.node, node);
	ck_assert_int_eq(ev->q.first_seen, s->want_first);
	ck_assert_int_eq(ev->q.last_seen, s->now);
	ck_assert_int_eq(ev->q.expires, s->want_expires);
	ck_assert_uint_eq(ev->q.hits, s->want_hits);
	ck_assert_uint_eq(ev->q.incident, s->want_incident);
	ck_assert_uint_eq(ev->q.repeat, 1);
}

/* The log: one event per put and per release of a live record, in order. */
START_TEST(test_event_log)
{
	static struct store_event v[EV_MAX], w[EV_MAX];
	struct store *st = backend_open(_i, 0);
	struct quarantine got;
	size_t n, want = 0, i;
	int j, rc;

	fill_key_max();
	ck_assert_uint_eq(read_log(st, "0", v, EV_MAX), 0);
	ck_assert_uint_eq(read_log(st, "$", v, EV_MAX), 0);
	for (j = 0; j < NCASES(log_steps); j++) {
		const struct log_step *s = &log_steps[j];

		rc = run_step(st, s->op, s->kind, s->key != NULL ? s->key :
		    key_max, s->now, s->expires, NULL, &got);
		ck_assert_msg(rc == s->want_rc, "%s step %d: rc %d (%s)",
		    backends[_i].name, j, rc, serr.text);
		want += s->want_event >= 0;
		n = read_log(st, "0", v, EV_MAX);
		ck_assert_msg(n == want, "%s step %d: %zu events, want %zu",
		    backends[_i].name, j, n, want);
		if (s->want_event >= 0)
			expect_logged(_i, s, &v[n - 1]);
	}
	for (i = 1; i < n; i++)
		ck_assert_msg(id_cmp(v[i - 1].id, v[i].id) < 0, "%s: %s, %s",
		    backends[_i].name, v[i - 1].id, v[i].id);
	/* from an id: those after it; max: the oldest first */
	ck_assert_uint_eq(read_log(st, v[1].id, w, EV_MAX), n - 2);
	ck_assert_str_eq(w[0].id, v[2].id);
	ck_assert_str_eq(w[n - 3].id, v[n - 1].id);
	ck_assert_uint_eq(read_log(st, "0", w, 2), 2);
	ck_assert_str_eq(w[1].id, v[1].id);
	ck_assert_uint_eq(read_log(st, v[n - 1].id, w, EV_MAX), 0);
	ck_assert_uint_eq(read_log(st, "$", w, EV_MAX), 0);
	backend_close(_i, st);
}
END_TEST

/* A writer that starts after a reader began to wait. */
struct later {
	pthread_t tid;
	struct store *st;
	const char *key;
	int	rc;
};

/* put_later - put key a little later, from another thread */
static void *
put_later(void *arg)
{
	struct later *l = arg;
	struct quarantine got;

	pause_ms(150);
	l->rc = put_esc(l->st, STORE_IP, l->key, 3000, 4000, NULL, &got, NULL);
	return NULL;
}

/* wait_read - a read that waits up to wait_ms; how many, in how long */
static size_t
wait_read(struct store *st, const char *group, const char *consumer,
    const char *after, unsigned wait_ms, struct store_event *v,
    long *ms_r)
{
	struct timespec t0, t1;
	size_t n = 99;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_msg(store_events_read(st, group, consumer, after, wait_ms,
	    3000, v, EV_MAX, &n, &serr) == 0, "%s", serr.text);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*ms_r = (t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000;
	return n;
}

/* expect_waited - a reader waits for nothing, then gets what comes */
static void
expect_waited(struct store *st, const char *group, const char *consumer,
    const char *key)
{
	struct store_event v[EV_MAX];
	struct later l;
	long ms;

	ck_assert_uint_eq(wait_read(st, group, consumer, "$", 300, v, &ms), 0);
	ck_assert_msg(ms >= 250 && ms < 3000, "waited %ld ms", ms);
	l.st = st;
	l.key = key;
	ck_assert_int_eq(pthread_create(&l.tid, NULL, put_later, &l), 0);
	ck_assert_uint_eq(wait_read(st, group, consumer, "$", 10000, v, &ms),
	    1);
	pthread_join(l.tid, NULL);
	ck_assert_int_eq(l.rc, 0);
	ck_assert_str_eq(v[0].key, key);
	ck_assert_msg(ms < 5000, "waited %ld ms", ms);
}

enum group_op { G_PUT, G_READ, G_ACK, G_AGE };

static const struct group_step {
	enum group_op op;
	const char *group;
	const char *consumer;
	time_t	now;
	size_t	max;
	const char *want;	/* the events read, "1,2" (1: the first put) */
} group_steps[] = {
	{G_PUT, NULL, NULL, 1000, 0, "1"},
	{G_PUT, NULL, NULL, 1000, 0, "2"},
	{G_PUT, NULL, NULL, 1000, 0, "3"},
	{G_PUT, NULL, NULL, 1000, 0, "4"},
	{G_READ, "g1", "c1", 1000, 2, "1,2"},
	{G_READ, "g1", "c2", 1000, 10, "3,4"},	/* never the same event */
	{G_READ, "g1", "c1", 1010, 10, "1,2"},	/* not acknowledged: again */
	{G_ACK, "g1", NULL, 1010, 0, "1"},
	{G_READ, "g1", "c1", 1010, 10, "2"},
	{G_READ, "g2", "c1", 1010, 10, "1,2,3,4"},	/* a new group: all kept */
	{G_PUT, NULL, NULL, 1020, 0, "5"},
	{G_READ, "g1", "c1", 1020, 10, "2,5"},	/* its own, then new ones */
	{G_READ, "g1", "c3", 1030, 10, ""},	/* c2's are 30 s pending */
	{G_AGE, "g1", "c2", 1061, 0, NULL},	/* c2 died: 61 s pending */
	{G_READ, "g1", "c3", 1061, 10, "3,4"},	/* claimed */
	{G_READ, "g1", "c2", 1061, 10, ""},
	{G_READ, "g1", "c3", 1062, 1, "3"},
	{G_ACK, "g1", NULL, 1062, 0, "2"},
	{G_ACK, "g1", NULL, 1062, 0, "3"},
	{G_ACK, "g1", NULL, 1062, 0, "4"},
	{G_ACK, "g1", NULL, 1062, 0, "5"},
	{G_ACK, "g1", NULL, 1062, 0, "5"},	/* twice: nothing more */
	{G_ACK, "g9", NULL, 1062, 0, "1"},	/* no such group: nothing */
	{G_READ, "g1", "c1", 1065, 10, ""},
	{G_READ, "g1", "c3", 1065, 10, ""},
	{G_READ, "g2", "c2", 1065, 10, "5"},	/* c1's are 55 s pending */
};

/* age_pending - on Redis, make consumer's pending events 61 s idle */
static void
age_pending(int port, const char *group, const char *consumer)
{
	redisContext *c = raw_connect(port, 5000);
	redisReply *r;
	size_t i;

	ck_assert_ptr_nonnull(c);
	r = raw(c, "XPENDING", "iso:events", group, "-", "+", "100", consumer);
	ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
	for (i = 0; i < r->elements; i++)
		freeReplyObject(raw(c, "XCLAIM", "iso:events", group, consumer,
		    "0", r->element[i]->element[0]->str, "IDLE", "61000",
		    "JUSTID"));
	freeReplyObject(r);
	redisFree(c);
}

/* numbered - the events read as the numbers of their puts, "1,2" */
static void
numbered(const struct store_event *v, size_t n, char ids[][STORE_EVENT_ID_MAX],
    int n_ids, char *out, size_t len)
{
	size_t i, at = 0;
	int j;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		for (j = 0; j < n_ids && strcmp(ids[j], v[i].id) != 0; j++)
			continue;
		at += (size_t)snprintf(out + at, len - at, "%s%d",
		    i > 0 ? "," : "", j < n_ids ? j + 1 : 0);
	}
}

/* Consumer groups: each event to one consumer, until acknowledged. */
START_TEST(test_groups)
{
	static struct store_event v[EV_MAX];
	char ids[8][STORE_EVENT_ID_MAX], key[32], got[64];
	struct store *st = backend_open(_i, 0);
	struct quarantine q;
	int i, n_ids = 0;
	size_t n;

	for (i = 0; i < NCASES(group_steps); i++) {
		const struct group_step *s = &group_steps[i];

		switch (s->op) {
		case G_PUT:
			snprintf(key, sizeof(key), "10.0.0.%d", n_ids + 1);
			ck_assert_int_eq(put_esc(st, STORE_IP, key, s->now,
			    s->now + 1000, NULL, &q, &serr), 0);
			n = read_log(st, "0", v, EV_MAX);
			memcpy(ids[n_ids++], v[n - 1].id, STORE_EVENT_ID_MAX);
			break;
		case G_READ:
			n = 99;
			ck_assert_msg(store_events_read(st, s->group,
			    s->consumer, "0", 0, s->now, v, s->max, &n,
			    &serr) == 0, "%s step %d: %s", backends[_i].name, i,
			    serr.text);
			numbered(v, n, ids, n_ids, got, sizeof(got));
			ck_assert_msg(strcmp(got, s->want) == 0,
			    "%s step %d: read \"%s\", want \"%s\"",
			    backends[_i].name, i, got, s->want);
			break;
		case G_ACK:
			ck_assert_msg(store_events_ack(st, s->group,
			    ids[atoi(s->want) - 1], &serr) == 0,
			    "%s step %d: %s",
			    backends[_i].name, i, serr.text);
			break;
		case G_AGE:
			if (!backends[_i].clock)
				age_pending(servers[0].port, s->group,
				    s->consumer);
			break;
		}
	}
	/* the log itself is untouched by the groups */
	ck_assert_uint_eq(read_log(st, "0", v, EV_MAX), 5);
	expect_waited(st, "g1", "c1", "10.0.0.6");
	expect_waited(st, NULL, NULL, "10.0.0.7");
	backend_close(_i, st);
}
END_TEST

static char name_511[STORE_NOTE_MAX], name_512[STORE_NOTE_MAX + 1];
static char value_511[STORE_NOTE_MAX], value_512[STORE_NOTE_MAX + 1];

static const struct note_step {
	int	put;			/* 1 put, 0 get */
	const char *name;
	const char *value;		/* put: written; get: wanted */
	time_t	now;
	time_t	expires;		/* put */
	int	only_new;		/* put */
	size_t	len;			/* get: the room; 0: all */
	int	want_rc;
	int	clock;			/* expiry on now: not Redis */
	const char *want_err;
} note_steps[] = {
	{0, "a", NULL, 1000, 0, 0, 0, 0, 0, NULL},
	{1, "a", "v1", 1000, 2000, 0, 0, 1, 0, NULL},
	{0, "a", "v1", 1500, 0, 0, 0, 1, 0, NULL},
	{1, "a", "v2", 1500, 2000, 1, 0, 0, 0, NULL},	/* claimed before */
	{0, "a", "v1", 1500, 0, 0, 0, 1, 0, NULL},
	{1, "a", "v3", 1500, 2500, 0, 0, 1, 0, NULL},	/* replaced */
	{0, "a", "v3", 1600, 0, 0, 0, 1, 0, NULL},
	{1, "a", "v5", 1600, 1500, 1, 0, 0, 0, NULL},
	{0, "a", "v3", 1600, 0, 0, 0, 1, 0, NULL},
	{0, "A", NULL, 1600, 0, 0, 0, 0, 0, NULL},	/* bytes, not case */
	{0, "a", NULL, 2500, 0, 0, 0, 0, 1, NULL},	/* expired */
	{1, "a", "v4", 2500, 3000, 1, 0, 1, 1, NULL},	/* claimed anew */
	{0, "a", "v4", 2600, 0, 0, 0, 1, 1, NULL},
	/* dead at birth (expires <= now): a put removes, a claim holds none */
	{1, "b", "x", 1000, 2000, 0, 0, 1, 0, NULL},
	{1, "b", "y", 1000, 1000, 0, 0, 1, 0, NULL},
	{0, "b", NULL, 1000, 0, 0, 0, 0, 0, NULL},
	{1, "b", "x", 1000, 999, 1, 0, 0, 0, NULL},
	{0, "b", NULL, 1000, 0, 0, 0, 0, 0, NULL},
	{1, "c", "", 1000, 2000, 0, 0, 1, 0, NULL},	/* empty value */
	{0, "c", "", 1000, 0, 0, 0, 1, 0, NULL},
	{1, "n\r\n x\"'\\", "\xc3\xa9\r\n \"'", 1000, 2000, 0, 0, 1, 0, NULL},
	{0, "n\r\n x\"'\\", "\xc3\xa9\r\n \"'", 1000, 0, 0, 0, 1, 0, NULL},
	{0, "n\r\n x", NULL, 1000, 0, 0, 0, 0, 0, NULL},
	{1, name_511, value_511, 1000, 2000, 0, 0, 1, 0, NULL},
	{0, name_511, value_511, 1000, 0, 0, 0, 1, 0, NULL},
	{0, name_511, "012", 1000, 0, 0, 4, 1, 0, NULL},	/* cut */
	{1, name_512, "x", 1000, 2000, 0, 0, -1, 0,
	    "note name longer than 511 octets"},
	{0, name_512, NULL, 1000, 0, 0, 0, -1, 0,
	    "note name longer than 511 octets"},
	{1, "d", value_512, 1000, 2000, 0, 0, -1, 0,
	    "note value missing or too long"},
	{1, "", "x", 1000, 2000, 0, 0, -1, 0, "empty note name"},
	{0, "", NULL, 1000, 0, 0, 0, -1, 0, "empty note name"},
};

/* fill_notes - the longest name and value allowed, and one octet more */
static void
fill_notes(void)
{
	size_t i;

	for (i = 0; i < STORE_NOTE_MAX; i++) {
		name_512[i] = (char)('a' + i % 26);
		value_512[i] = (char)('0' + i % 10);
	}
	name_512[STORE_NOTE_MAX] = value_512[STORE_NOTE_MAX] = '\0';
	memcpy(name_511, name_512, STORE_NOTE_MAX - 1);
	memcpy(value_511, value_512, STORE_NOTE_MAX - 1);
	name_511[STORE_NOTE_MAX - 1] = value_511[STORE_NOTE_MAX - 1] = '\0';
}

/* Notes: named values until an expiry, claimed once with only_new. */
START_TEST(test_notes)
{
	struct store *st = backend_open(_i, 0);
	char got[STORE_NOTE_MAX];
	int i, rc;

	fill_notes();
	for (i = 0; i < NCASES(note_steps); i++) {
		const struct note_step *s = &note_steps[i];
		size_t len = s->len != 0 ? s->len : sizeof(got);

		if (s->clock && !backends[_i].clock)
			continue;
		memset(got, 0x5a, sizeof(got));
		if (s->put)
			rc = store_note_put(st, s->name, s->value, s->expires,
			    s->only_new, s->now, &serr);
		else
			rc = store_note_get(st, s->name, s->now, got, len,
			    &serr);
		ck_assert_msg(rc == s->want_rc, "%s step %d: rc %d (%s)",
		    backends[_i].name, i, rc, serr.text);
		if (rc < 0)
			ck_assert_str_eq(serr.text, s->want_err);
		if (!s->put && rc == 1)
			ck_assert_msg(strcmp(got, s->value) == 0,
			    "%s step %d: \"%s\"", backends[_i].name, i, got);
	}
	backend_close(_i, st);
}
END_TEST

/* store_check() with seen_login notes the login seen on the IP. */
START_TEST(test_seen)
{
	static const char hostile[] = "l\r\n \xc3\xa9\"'";
	struct store *st = backend_open(_i, 0);
	struct store_counter k = {STORE_IP, "127.0.2.66", "messages", 60000,
	    1, 0, 0};
	char got[STORE_NOTE_MAX];
	struct store_check c;

	quarantine(st, STORE_IP, "127.0.2.66", 1000, 90000);
	memset(&c, 0, sizeof(c));
	c.ip = "127.0.2.66";
	c.login = "alice@example.net";
	c.seen_login = "alice@example.net";
	c.seen_ttl = 600;
	c.counters = &k;
	c.n_counters = 1;
	ck_assert_msg(store_check(st, &c, 1000, &serr) == 0, "%s", serr.text);
	ck_assert_int_eq(c.ip_quarantined_r, 1);
	ck_assert_int_eq(c.login_quarantined_r, 0);
	ck_assert_uint_eq(k.count_r, 1);
	ck_assert_int_eq(store_note_get(st, "seen:127.0.2.66", 1100, got,
	    sizeof(got), &serr), 1);
	ck_assert_str_eq(got, "alice@example.net");
	c.login = NULL;
	c.counters = NULL;
	c.n_counters = 0;
	c.seen_login = hostile;
	ck_assert_int_eq(store_check(st, &c, 1100, &serr), 0);
	ck_assert_int_eq(store_note_get(st, "seen:127.0.2.66", 1100, got,
	    sizeof(got), &serr), 1);
	ck_assert_str_eq(got, hostile);
	if (backends[_i].clock) {
		ck_assert_int_eq(store_note_get(st, "seen:127.0.2.66", 1699,
		    got, sizeof(got), &serr), 1);
		ck_assert_int_eq(store_note_get(st, "seen:127.0.2.66", 1700,
		    got, sizeof(got), &serr), 0);
	} else {
		ck_assert_int_gt(pttl("iso:n:seen:127.0.2.66"), 590000);
		ck_assert_int_le(pttl("iso:n:seen:127.0.2.66"), 600000);
	}
	ck_assert_int_eq(store_note_get(st, "seen:127.0.2.67", 1100, got,
	    sizeof(got), &serr), 0);
	c.ip = NULL;
	ck_assert_int_eq(store_check(st, &c, 1100, &serr), -1);
	c.ip = "127.0.2.67";
	c.seen_ttl = 0;
	ck_assert_int_eq(store_check(st, &c, 1100, &serr), -1);
	ck_assert_int_eq(store_note_get(st, "seen:127.0.2.67", 1100, got,
	    sizeof(got), &serr), 0);
	backend_close(_i, st);
}
END_TEST


static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("contract");
	int n = have_redis ? NCASES(backends) : N_LOCAL;

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_contract, 0, n);
	tcase_add_loop_test(tc, test_many, 0, n);
	tcase_add_loop_test(tc, test_fields, 0, n);
	tcase_add_loop_test(tc, test_list, 0, n);
	tcase_add_loop_test(tc, test_list_many, 0, n);
	tcase_add_loop_test(tc, test_counters, 0, n);
	tcase_add_loop_test(tc, test_threads, 0, n);
	tcase_add_test(tc, test_window_memory);
	suite_add_tcase(s, tc);

	tc = tcase_create("incident_loop");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_incidents, 0, n);
	tcase_add_loop_test(tc, test_escalation, 0, n);
	tcase_add_loop_test(tc, test_event_log, 0, n);
	tcase_add_loop_test(tc, test_groups, 0, n);
	tcase_add_loop_test(tc, test_notes, 0, n);
	tcase_add_loop_test(tc, test_seen, 0, n);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int rc;

	if ((have_redis = harness_init("check_store")) < 0)
		return EXIT_FAILURE;
	/* the tests' forks end with _exit() on a failure: main cleans up */
	atexit(lmdb_remove);
	snprintf(lmdb_dir, sizeof(lmdb_dir), "/tmp/check_store.XXXXXX");
	if (mkdtemp(lmdb_dir) == NULL) {
		perror("check_store: mkdtemp");
		return EXIT_FAILURE;
	}
	rc = harness_run(store_suite());
	if (getenv("ISO_KEEP") == NULL)
		rm_dir(lmdb_dir);
	return rc;
}
