/*
 * NAME
 *	check_store_lmdb - the embedded backend: a file, several processes
 * SYNOPSIS
 *	check_store_lmdb
 * DESCRIPTION
 *	What t/check_store.c's shared contract cannot see: the state file
 *	kept across close and reopen (records, counters, notes, history,
 *	events, group positions), two processes on one file, the event log
 *	and its consumer groups (claims with time passed in), keys of any
 *	octets, the read-only hot path (a store opened read-only answers a
 *	check that needs no write), the sweep, a full map, a map grown by
 *	another process, a kill -9 in the middle of writes, and a flood of
 *	300,000 bots twice over a sweep, whose file must not keep growing.
 *	Counters and seen notes are written behind (store_lmdb_wb.c, tested
 *	in t/check_store_lmdb_wb.c): a test that wants them in the file
 *	before another process reads it flushes them (lmdb_wb_flush()).
 *
 *	Group commit: threads counting at once get exact totals; a batch,
 *	held together by requests that wait inside lmdb_write() itself
 *	(store_lmdb.h), commits once, keeps each request's changes but
 *	those of one that failed, kept nothing (LMDB_KEEP) or filled the
 *	map, and returns to no caller before its commit; threads that find
 *	the map full of expired records all get in after one sweep; writes
 *	that returned in threads of a process killed with -9 are in the
 *	file.
 *
 *	Each test works in a folder of its own under a mkdtemp(3) folder
 *	of /tmp, removed after the suite (t/lmdb_harness.c). The flood runs under /dev/shm when it has
 *	512 MiB free: it measures space and time, not the disk's syncs
 *	(some 0.25 ms a commit on a disk, 1.2 million commits: minutes,
 *	hence its long timeout). It prints its figures on the standard
 *	error.
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>

#include "store.h"
#include "store_lmdb.h"
#include "lmdb_harness.h"

#define NCASES(t)	((int)(sizeof(t) / sizeof((t)[0])))
#define K16		"0123456789abcdef"
#define K64		K16 K16 K16 K16
#define K256		K64 K64 K64 K64
#define E16		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" \
			"\xc3\xa9\xc3\xa9"	/* 8 letters, 16 octets */
#define E64		E16 E16 E16 E16
#define FLOOD		300000
#define SHM_NEEDED	(512ULL << 20)	/* the flood's file, and room */

/* why the main thread's last store call failed; a thread has its own */
static struct store_err serr;

/* open_opts - a store on path, or NULL with err */
static struct store *
open_opts(const char *path, unsigned long long map, unsigned long events_max,
    int read_only, char *err, size_t errlen)
{
	struct store_lmdb_opts o;

	memset(&o, 0, sizeof(o));
	o.path = path;
	o.map_size = map;
	o.node = "mx2";
	o.events_max = events_max;
	o.read_only = read_only;
	return store_lmdb_new(&o, err, errlen);
}

/* open_store - a store on path that must open */
static struct store *
open_store(const char *path, unsigned long long map, unsigned long events_max)
{
	char err[256];
	struct store *st = open_opts(path, map, events_max, 0, err,
	    sizeof(err));

	ck_assert_msg(st != NULL, "store_lmdb_new: %s", err);
	ck_assert_str_eq(store_name(st), "lmdb");
	return st;
}

/* record - a quarantine record as the tests put it */
static struct quarantine
record(time_t expires, const char *reason)
{
	struct quarantine q;

	memset(&q, 0, sizeof(q));
	q.rule = RULE_INBOUND_CUSTOMER_DIRECT;
	snprintf(q.reason, sizeof(q.reason), "%s", reason);
	snprintf(q.evidence, sizeof(q.evidence), "helo=bot");
	snprintf(q.node, sizeof(q.node), "mx1");
	q.expires = expires;
	return q;
}

/* put - a put that must succeed; the merged record */
static struct quarantine
put(struct store *st, enum store_kind kind, const char *key, time_t now,
    time_t expires, const struct store_escalation *esc)
{
	struct quarantine q = record(expires, "bot seen"), m;

	ck_assert_msg(store_quarantine_put(st, kind, key, &q, esc, now, &m,
	    &serr) == 0, "put %s: %s", key, serr.text);
	return m;
}

/* count - add to one counter at now; its count */
static unsigned long
count(struct store *st, enum store_kind kind, const char *key,
    unsigned long window_ms, unsigned long add, time_t now)
{
	struct store_counter k = {kind, key, "messages", window_ms, add, 0, 0};
	struct store_check c;

	memset(&c, 0, sizeof(c));
	c.counters = &k;
	c.n_counters = 1;
	ck_assert_msg(store_check(st, &c, now, &serr) == 0, "check: %s",
	    serr.text);
	return k.count_r;
}

/* read_ev - events_read that must succeed; how many */
static size_t
read_ev(struct store *st, const char *group, const char *consumer,
    const char *after, time_t now, struct store_event *v, size_t max)
{
	size_t n = 99;

	ck_assert_msg(store_events_read(st, group, consumer, after, 0, now, v,
	    max, &n, &serr) == 0, "events_read: %s", serr.text);
	return n;
}

/* ids - the ids of n events, space-separated, into buf */
static const char *
ids(const struct store_event *v, size_t n, char *buf, size_t len)
{
	size_t i, at = 0;

	buf[0] = '\0';
	for (i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? " " : "",
		    v[i].id);
	return buf;
}

/* raw_entries - entries of a table, read with LMDB itself (store closed) */
static size_t
raw_entries(const char *path, const char *table)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_stat s;

	ck_assert_int_eq(mdb_env_create(&env), 0);
	ck_assert_int_eq(mdb_env_set_maxdbs(env, 16), 0);
	ck_assert_int_eq(mdb_env_open(env, path, MDB_NOSUBDIR | MDB_RDONLY,
	    0660), 0);
	ck_assert_int_eq(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, table, 0, &dbi), 0);
	ck_assert_int_eq(mdb_stat(txn, dbi, &s), 0);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return s.ms_entries;
}

/* file_size - octets of a file */
static long long
file_size(const char *path)
{
	struct stat sb;

	ck_assert_int_eq(stat(path, &sb), 0);
	return (long long)sb.st_size;
}

/* now_ms - the monotonic clock, for figures and waits */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Everything survives a close and a reopen. */
START_TEST(test_persist)
{
	static const struct store_escalation esc = {2, 86400, 7 * 86400};
	struct store_event v[8];
	struct quarantine q;
	char path[256], note[64], buf[128];
	struct store *st;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0, 0);
	put(st, STORE_IP, "127.0.2.66", 1000, 4600, NULL);
	put(st, STORE_LOGIN, "bot@example.net", 1000, 4600, &esc);
	ck_assert_int_eq(store_quarantine_release(st, STORE_LOGIN,
	    "bot@example.net", 1100, &serr), 1);
	ck_assert_uint_eq(count(st, STORE_IP, "127.0.2.66", 3600000, 5, 1000),
	    5);
	ck_assert_int_eq(store_note_put(st, "alert:1", "sent", 9000, 1, 1000,
	    &serr), 1);
	/* three events: c takes two, acks the first */
	ck_assert_uint_eq(read_ev(st, "g", "c", NULL, 1000, v, 2), 2);
	ck_assert_int_eq(store_events_ack(st, "g", v[0].id, &serr), 0);
	store_free(st);

	st = open_store(path, 0, 0);
	ck_assert_int_eq(store_quarantine_get(st, STORE_IP, "127.0.2.66", 1200,
	    &q, &serr), 1);
	ck_assert_int_eq(q.first_seen, 1000);
	ck_assert_int_eq(q.expires, 4600);
	ck_assert_uint_eq(q.incident, 1);
	ck_assert_str_eq(q.reason, "bot seen");
	ck_assert_uint_eq(count(st, STORE_IP, "127.0.2.66", 3600000, 1, 1200),
	    6);
	ck_assert_int_eq(store_note_get(st, "alert:1", 1200, note,
	    sizeof(note), &serr), 1);
	ck_assert_str_eq(note, "sent");
	ck_assert_int_eq(store_note_put(st, "alert:1", "again", 9000, 1, 1200,
	    &serr), 0);
	/* the history: the login's second incident lasts twice as long */
	q = put(st, STORE_LOGIN, "bot@example.net", 1300, 4900, &esc);
	ck_assert_uint_eq(q.repeat, 2);
	ck_assert_uint_eq(q.incident, 3);
	ck_assert_int_eq(q.expires, 1300 + 2 * 3600);
	/* the log and the group's position: c's pending, then what is new */
	ck_assert_uint_eq(read_ev(st, NULL, NULL, "0", 1300, v, 8), 4);
	ck_assert_str_eq(ids(v, 4, buf, sizeof(buf)), "1 2 3 4");
	ck_assert_uint_eq(read_ev(st, "g", "c", NULL, 1300, v, 8), 3);
	ck_assert_str_eq(ids(v, 3, buf, sizeof(buf)), "2 3 4");
	ck_assert_int_eq(v[1].type, STORE_EVENT_RELEASE);
	ck_assert_str_eq(v[1].q.node, "mx2");
	ck_assert_int_eq(v[1].q.last_seen, 1100);
	store_free(st);
}
END_TEST

/* A key of any octets up to STORE_KEY_MAX is a key of its own. */
static const struct hostile {
	enum store_kind kind;
	const char *key;
} hostile[] = {
	{STORE_LOGIN, "\x01\x02\t\r\n\x1b[0m"},
	{STORE_LOGIN, K256},
	{STORE_LOGIN, E64 E64 E64 E64},	/* 256 octets, 128 letters */
	{STORE_LOGIN, "a"},
	{STORE_LOGIN, "ab"},
	{STORE_LOGIN, "%s%n%x"},
	{STORE_LOGIN, "\xff\xfe\x80"},
	{STORE_LOGIN, "I"},
	{STORE_IP, "a"},		/* the same octets, the other kind */
	{STORE_IP, "L"},
	{STORE_IP, "::ffff:127.0.0.1"},
};

/* list_keys - store_list_fn: count, and mark the hostile keys seen */
static int
list_keys(void *arg, enum store_kind kind, const char *key,
    const struct quarantine *q)
{
	int *seen = arg, i;

	(void)q;
	for (i = 0; i < NCASES(hostile); i++)
		if (hostile[i].kind == kind && strcmp(hostile[i].key, key) == 0)
			seen[i]++;
	seen[NCASES(hostile)]++;
	return 0;
}

START_TEST(test_hostile_keys)
{
	int seen[NCASES(hostile) + 1], i;
	char path[256], name[STORE_NOTE_MAX], got[STORE_NOTE_MAX];
	struct store *st;
	struct quarantine q;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0, 0);
	ck_assert_uint_eq(strlen(hostile[1].key), STORE_KEY_MAX);
	ck_assert_uint_eq(strlen(hostile[2].key), STORE_KEY_MAX);
	for (i = 0; i < NCASES(hostile); i++) {
		put(st, hostile[i].kind, hostile[i].key, 1000, 2000 + i, NULL);
		ck_assert_uint_eq(count(st, hostile[i].kind, hostile[i].key,
		    60000, (unsigned long)i + 1, 1000), (unsigned long)i + 1);
		snprintf(name, sizeof(name), "seen:%s", hostile[i].key);
		ck_assert_int_eq(store_note_put(st, name, hostile[i].key, 3000,
		    0, 1000, &serr), 1);
	}
	memset(seen, 0, sizeof(seen));
	ck_assert_int_eq(store_quarantine_list(st, STORE_LOGIN, 1000,
	    list_keys, seen, &serr), 8);
	ck_assert_int_eq(store_quarantine_list(st, STORE_IP, 1000, list_keys,
	    seen, &serr), 3);
	for (i = 0; i < NCASES(hostile); i++) {
		ck_assert_msg(seen[i] == 1, "key %d listed %d times", i,
		    seen[i]);
		ck_assert_int_eq(store_quarantine_get(st, hostile[i].kind,
		    hostile[i].key, 1000, &q, &serr), 1);
		ck_assert_int_eq(q.expires, 2000 + i);
		snprintf(name, sizeof(name), "seen:%s", hostile[i].key);
		ck_assert_int_eq(store_note_get(st, name, 1000, got,
		    sizeof(got), &serr), 1);
		ck_assert_str_eq(got, hostile[i].key);
	}
	ck_assert_int_eq(store_quarantine_put(st, STORE_LOGIN, K256 "x", &q,
	    NULL, 1000, NULL, &serr), -1);
	ck_assert_str_eq(serr.text, "key longer than 256 octets");
	for (i = 0; i < NCASES(hostile); i++)
		ck_assert_int_eq(store_quarantine_release(st, hostile[i].kind,
		    hostile[i].key, 1001, &serr), 1);
	ck_assert_int_eq(store_quarantine_list(st, STORE_LOGIN, 1000,
	    list_keys, seen, &serr), 0);
	store_free(st);
}
END_TEST

/* Repeat incidents, with and without escalation, at given times. */
static const struct esc_step {
	const char *key;
	int	op;			/* 'p' put, 'r' release */
	time_t	now;
	int	esc;			/* escalate */
	unsigned long want_repeat;
	unsigned long want_incident;
	time_t	want_expires;
} esc_steps[] = {
	{"10.0.0.1", 'p', 1000, 1, 1, 1, 1000 + 3600},
	{"10.0.0.1", 'p', 1100, 1, 1, 1, 1100 + 3600},	/* a hit */
	{"10.0.0.1", 'r', 1200, 1, 0, 0, 0},
	{"10.0.0.1", 'p', 1300, 1, 2, 2, 1300 + 7200},
	{"10.0.0.2", 'p', 1300, 1, 1, 3, 1300 + 3600},	/* its own history */
	{"10.0.0.1", 'p', 9000, 1, 3, 4, 9000 + 14400},	/* expired by then */
	{"10.0.0.1", 'p', 30000, 1, 4, 5, 30000 + 28800},
	{"10.0.0.1", 'p', 60000, 1, 5, 6, 60000 + 36000},	/* max_ttl */
	{"10.0.0.1", 'r', 60001, 1, 0, 0, 0},
	{"10.0.0.1", 'p', 60002 + 864000, 1, 1, 7, 60002 + 864000 + 3600},
	{"10.0.0.3", 'p', 70000, 0, 1, 8, 70000 + 3600},	/* none */
	{"10.0.0.3", 'r', 70001, 0, 0, 0, 0},
	{"10.0.0.3", 'p', 70002, 0, 1, 9, 70002 + 3600},
};

START_TEST(test_escalation)
{
	static const struct store_escalation esc = {2, 36000, 864000};
	struct quarantine m;
	char path[256];
	struct store *st;
	int i;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0, 0);
	for (i = 0; i < NCASES(esc_steps); i++) {
		const struct esc_step *s = &esc_steps[i];

		if (s->op == 'r') {
			ck_assert_int_eq(store_quarantine_release(st, STORE_IP,
			    s->key, s->now, &serr), 1);
			continue;
		}
		m = put(st, STORE_IP, s->key, s->now, s->now + 3600,
		    s->esc ? &esc : NULL);
		ck_assert_msg(m.repeat == s->want_repeat &&
		    m.incident == s->want_incident &&
		    m.expires == s->want_expires,
		    "step %d: repeat %lu incident %lu expires %lld", i,
		    m.repeat, m.incident, (long long)m.expires);
	}
	store_free(st);
}
END_TEST

/* What a store opened read-only can answer: checks that need no write. */
static const struct ro_step {
	const char *seen_login;		/* NULL: none */
	time_t	now;
	int	counter;
	int	want_rc;
} ro_steps[] = {
	{NULL, 1000, 0, 0},
	{"alice", 1000, 0, 0},		/* the note says so already */
	{"alice", 2800, 0, 0},		/* 1800 s of 3600 left: enough */
	{"alice", 2801, 0, -1},		/* less than half: rewritten */
	{"bob", 1000, 0, -1},		/* another login: rewritten */
	{NULL, 1000, 1, -1},		/* a counter: a write */
	{"alice", 5000, 0, -1},		/* expired: rewritten */
};

START_TEST(test_readonly_check)
{
	const struct ro_step *s = &ro_steps[_i];
	struct store_counter k = {STORE_IP, "127.0.2.66", "messages", 60000, 1,
	    0, 0};
	struct store_check c;
	char path[256], err[256];
	struct store *st;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0, 0);
	put(st, STORE_IP, "127.0.2.66", 1000, 9000, NULL);
	memset(&c, 0, sizeof(c));
	c.ip = "127.0.2.66";
	c.seen_login = "alice";
	c.seen_ttl = 3600;
	ck_assert_int_eq(store_check(st, &c, 1000, &serr), 0);
	store_free(st);

	st = open_opts(path, 0, 0, 1, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	memset(&c, 0, sizeof(c));
	c.ip = "127.0.2.66";
	c.login = "alice";
	c.seen_login = s->seen_login;
	c.seen_ttl = 3600;
	c.counters = &k;
	c.n_counters = (size_t)s->counter;
	ck_assert_msg(store_check(st, &c, s->now, &serr) == s->want_rc,
	    "step %d: %s", _i, serr.text);
	if (s->want_rc == 0) {
		ck_assert_int_eq(c.ip_quarantined_r, 1);
		ck_assert_int_eq(c.login_quarantined_r, 0);
	} else {
		ck_assert_msg(strncmp(serr.text, "lmdb check: ", 12) == 0,
		    "%s", serr.text);
	}
	store_free(st);
}
END_TEST

/* The seen note: written by a check, read as a note; windows in seconds. */
static const struct window_step {
	time_t	now;
	unsigned long window_ms;
	unsigned long want_count;
	unsigned long want_reset_ms;
} window_steps[] = {
	{1000, 60000, 1, 60000},
	{1030, 60000, 2, 30000},
	{1059, 60000, 3, 1000},
	{1060, 60000, 1, 60000},
	{1060, 1500, 1, 2000},		/* whole seconds, as memory */
	{1061, 1500, 2, 1000},
	{1062, 1500, 1, 2000},
};

START_TEST(test_check)
{
	struct store_counter k;
	struct store_check c;
	char path[256], got[64];
	struct store *st;
	int i;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0, 0);
	memset(&c, 0, sizeof(c));
	c.ip = "127.0.2.66";
	c.seen_login = "alice@example.net";
	c.seen_ttl = 600;
	ck_assert_int_eq(store_check(st, &c, 1000, &serr), 0);
	ck_assert_int_eq(store_note_get(st, "seen:127.0.2.66", 1599, got,
	    sizeof(got), &serr), 1);
	ck_assert_str_eq(got, "alice@example.net");
	ck_assert_int_eq(store_note_get(st, "seen:127.0.2.66", 1600, got,
	    sizeof(got), &serr), 0);
	ck_assert_int_eq(store_note_get(st, "seen:127.0.2.66", 1000, got, 6,
	    &serr), 1);
	ck_assert_str_eq(got, "alice");
	for (i = 0; i < NCASES(window_steps); i++) {
		memset(&c, 0, sizeof(c));
		memset(&k, 0, sizeof(k));
		k.kind = STORE_LOGIN;
		k.key = "alice@example.net";
		k.what = "recipients";
		k.window_ms = window_steps[i].window_ms;
		k.add = 1;
		c.counters = &k;
		c.n_counters = 1;
		ck_assert_int_eq(store_check(st, &c, window_steps[i].now,
		    &serr), 0);
		ck_assert_msg(k.count_r == window_steps[i].want_count &&
		    k.reset_ms_r == window_steps[i].want_reset_ms,
		    "step %d: count %lu reset %lu", i, k.count_r,
		    k.reset_ms_r);
	}
	store_free(st);
}
END_TEST

/* The log without a group: from "0", from "$", after an id. */
START_TEST(test_log)
{
	struct store_event v[8];
	char path[256], buf[64];
	struct store *st;
	size_t n;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0, 0);
	ck_assert_uint_eq(read_ev(st, NULL, NULL, "0", 1000, v, 8), 0);
	put(st, STORE_IP, "127.0.2.66", 1000, 2000, NULL);
	put(st, STORE_IP, "127.0.2.66", 1010, 2500, NULL);
	ck_assert_int_eq(store_quarantine_release(st, STORE_IP, "127.0.2.66",
	    1020, &serr), 1);
	put(st, STORE_LOGIN, "bob", 1030, 1040, NULL);
	ck_assert_int_eq(store_quarantine_release(st, STORE_LOGIN, "bob",
	    1050, &serr), 0);		/* expired: no event */
	ck_assert_uint_eq(read_ev(st, NULL, NULL, "0", 1100, v, 8), 4);
	ck_assert_str_eq(ids(v, 4, buf, sizeof(buf)), "1 2 3 4");
	ck_assert_int_eq(v[0].type, STORE_EVENT_QUARANTINE);
	ck_assert_int_eq(v[1].type, STORE_EVENT_HIT);
	ck_assert_uint_eq(v[1].q.hits, 2);
	ck_assert_int_eq(v[1].q.expires, 2500);
	ck_assert_int_eq(v[1].time, 1010);
	ck_assert_int_eq(v[2].type, STORE_EVENT_RELEASE);
	ck_assert_int_eq(v[2].kind, STORE_IP);
	ck_assert_str_eq(v[2].key, "127.0.2.66");
	ck_assert_str_eq(v[2].q.node, "mx2");
	ck_assert_int_eq(v[2].q.last_seen, 1020);
	ck_assert_int_eq(v[2].q.first_seen, 1000);
	ck_assert_int_eq(v[3].kind, STORE_LOGIN);
	ck_assert_str_eq(v[3].q.node, "mx1");
	ck_assert_uint_eq(v[3].q.incident, 2);
	ck_assert_uint_eq(read_ev(st, NULL, NULL, "2", 1100, v, 8), 2);
	ck_assert_str_eq(ids(v, 2, buf, sizeof(buf)), "3 4");
	ck_assert_uint_eq(read_ev(st, NULL, NULL, "0", 1100, v, 3), 3);
	ck_assert_uint_eq(read_ev(st, NULL, NULL, "4", 1100, v, 8), 0);
	ck_assert_uint_eq(read_ev(st, NULL, NULL, "$", 1100, v, 8), 0);
	ck_assert_int_eq(store_events_read(st, NULL, NULL, "1764200000000-0",
	    0, 1100, v, 8, &n, &serr), -1);
	ck_assert_str_eq(serr.text, "lmdb events: bad event id");
	ck_assert_int_eq(store_events_ack(st, "g", "x", &serr), -1);
	ck_assert_int_eq(store_events_ack(st, "nosuch", "1", &serr), 0);
	store_free(st);
}
END_TEST

/* A writer thread, for a reader that waits. */
struct later {
	struct store *st;
	long	ms;
};

/* put_later - put one record after a while */
static void *
put_later(void *arg)
{
	struct later *l = arg;
	struct timespec ts = {l->ms / 1000, (l->ms % 1000) * 1000000L};
	struct quarantine q = record(5000, "later");

	nanosleep(&ts, NULL);
	store_quarantine_put(l->st, STORE_IP, "127.0.2.99", &q, NULL, 1000,
	    NULL, NULL);
	return NULL;
}

/* A wait ends with an event ("$": only what comes), or after wait_ms. */
START_TEST(test_wait)
{
	struct store_event v[4];
	struct later l;
	pthread_t tid;
	char path[256];
	long long t0;
	size_t n;

	state_path(path, sizeof(path), 0);
	l.st = open_store(path, 0, 0);
	put(l.st, STORE_IP, "127.0.2.66", 1000, 2000, NULL);
	t0 = now_ms();
	ck_assert_int_eq(store_events_read(l.st, NULL, NULL, "$", 300, 1000, v,
	    4, &n, &serr), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_ge(now_ms() - t0, 290);
	l.ms = 200;
	ck_assert_int_eq(pthread_create(&tid, NULL, put_later, &l), 0);
	t0 = now_ms();
	ck_assert_int_eq(store_events_read(l.st, NULL, NULL, "$", 10000, 1000,
	    v, 4, &n, &serr), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].key, "127.0.2.99");
	ck_assert_int_lt(now_ms() - t0, 5000);
	pthread_join(tid, NULL);
	l.ms = 200;
	ck_assert_int_eq(pthread_create(&tid, NULL, put_later, &l), 0);
	ck_assert_int_eq(store_events_read(l.st, "g", "c", NULL, 0, 1000, v, 4,
	    &n, &serr), 0);
	ck_assert_uint_eq(n, 2);		/* a new group: all kept */
	ck_assert_int_eq(store_events_ack(l.st, "g", v[0].id, &serr), 0);
	ck_assert_int_eq(store_events_ack(l.st, "g", v[1].id, &serr), 0);
	ck_assert_int_eq(store_events_read(l.st, "g", "c", NULL, 10000, 1000,
	    v, 4, &n, &serr), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].id, "3");
	pthread_join(tid, NULL);
	store_free(l.st);
}
END_TEST

/* Two consumers of a group share the events: each once, to one of them. */
START_TEST(test_group_share)
{
	struct store_event v[3];
	int got[21], i, turn, idle = 0;
	char path[256], key[32];
	struct store *st;
	size_t n, j;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0, 0);
	for (i = 1; i <= 20; i++) {
		snprintf(key, sizeof(key), "10.0.0.%d", i);
		put(st, STORE_IP, key, 1000, 2000, NULL);
	}
	memset(got, 0, sizeof(got));
	for (turn = 0; idle < 2; turn++) {
		n = read_ev(st, "notify", turn % 2 ? "c2" : "c1", NULL, 1000, v,
		    3);
		idle = n == 0 ? idle + 1 : 0;
		for (j = 0; j < n; j++) {
			i = atoi(v[j].id);
			ck_assert_int_ge(i, 1);
			ck_assert_int_le(i, 20);
			got[i]++;
			ck_assert_int_eq(store_events_ack(st, "notify",
			    v[j].id, &serr), 0);
		}
	}
	for (i = 1; i <= 20; i++)
		ck_assert_msg(got[i] == 1, "event %d delivered %d times", i,
		    got[i]);
	/* another group sees them all again */
	ck_assert_uint_eq(read_ev(st, "audit", "a", NULL, 1000, v, 3), 3);
	ck_assert_str_eq(v[0].id, "1");
	store_free(st);
}
END_TEST

/* A consumer's unacknowledged events, redelivered; a dead one's, claimed. */
static const struct claim_step {
	const char *consumer;
	time_t	now;
	size_t	max;
	const char *want_ids;
	const char *ack;		/* ids to acknowledge after */
} claim_steps[] = {
	{"dead", 1000, 2, "1 2", NULL},
	{"alive", 1059, 10, "3 4", NULL},	/* 59 s: not claimed yet */
	{"alive", 1059, 10, "3 4", "3"},	/* its own, again */
	{"alive", 1061, 10, "4 1 2", NULL},	/* 61 s: dead's claimed */
	{"dead", 1062, 10, "", NULL},		/* theirs now */
	{"alive", 1062, 1, "1", "1 2 4"},
	{"alive", 9000, 10, "5", NULL},		/* put in between */
	{"dead", 9061, 10, "5", "5"},
	{"alive", 9100, 10, "", NULL},
};

START_TEST(test_group_claim)
{
	struct store_event v[10];
	char path[256], buf[64], ack[32], *id, *save;
	struct store *st;
	size_t n;
	int i;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0, 0);
	for (i = 1; i <= 4; i++) {
		snprintf(buf, sizeof(buf), "10.0.0.%d", i);
		put(st, STORE_IP, buf, 1000, 2000, NULL);
	}
	for (i = 0; i < NCASES(claim_steps); i++) {
		const struct claim_step *s = &claim_steps[i];

		if (i == 6)
			put(st, STORE_IP, "10.0.0.5", 8000, 9999, NULL);
		n = read_ev(st, "notify", s->consumer, NULL, s->now, v, s->max);
		ck_assert_msg(strcmp(ids(v, n, buf, sizeof(buf)),
		    s->want_ids) == 0, "step %d: got \"%s\", want \"%s\"", i,
		    buf, s->want_ids);
		if (s->ack == NULL)
			continue;
		snprintf(ack, sizeof(ack), "%s", s->ack);
		for (id = strtok_r(ack, " ", &save); id != NULL;
		    id = strtok_r(NULL, " ", &save))
			ck_assert_int_eq(store_events_ack(st, "notify", id,
			    &serr), 0);
	}
	store_free(st);
}
END_TEST

/* Past events_max the oldest go; ids keep growing, across a reopen too. */
START_TEST(test_trim)
{
	struct store_event v[16];
	char path[256], buf[128], key[32];
	struct store *st;
	int i;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0, 5);
	for (i = 1; i <= 3; i++) {
		snprintf(key, sizeof(key), "10.0.0.%d", i);
		put(st, STORE_IP, key, 1000, 2000, NULL);
	}
	ck_assert_uint_eq(read_ev(st, "g", "c", NULL, 1000, v, 16), 3);
	for (i = 4; i <= 12; i++) {
		snprintf(key, sizeof(key), "10.0.0.%d", i);
		put(st, STORE_IP, key, 1000, 2000, NULL);
	}
	ck_assert_uint_eq(read_ev(st, NULL, NULL, "0", 1000, v, 16), 5);
	ck_assert_str_eq(ids(v, 5, buf, sizeof(buf)), "8 9 10 11 12");
	ck_assert_uint_eq(read_ev(st, NULL, NULL, "3", 1000, v, 16), 5);
	/* c's pending 1-3 were dropped with the log: what is kept, then */
	ck_assert_uint_eq(read_ev(st, "g", "c", NULL, 1000, v, 16), 5);
	ck_assert_str_eq(ids(v, 5, buf, sizeof(buf)), "8 9 10 11 12");
	ck_assert_uint_eq(read_ev(st, "new", "c", NULL, 1000, v, 16), 5);
	store_free(st);
	st = open_store(path, 0, 5);
	put(st, STORE_IP, "10.0.0.13", 1000, 2000, NULL);
	ck_assert_uint_eq(read_ev(st, NULL, NULL, "0", 1000, v, 16), 5);
	ck_assert_str_eq(ids(v, 5, buf, sizeof(buf)), "9 10 11 12 13");
	store_free(st);
}
END_TEST

/* The sweep removes exactly what is dead, in every table. */
START_TEST(test_sweep)
{
	static const struct store_escalation short_esc = {2, 86400, 50};
	static const struct store_escalation long_esc = {2, 86400, 100000};
	struct store_event v[4];
	char path[256], got[16];
	struct store *st;
	struct quarantine q;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0, 3);
	put(st, STORE_IP, "10.0.0.1", 1000, 1100, &short_esc);
	put(st, STORE_IP, "10.0.0.2", 1000, 5000, &long_esc);
	count(st, STORE_IP, "10.0.0.1", 60000, 1, 1000);
	count(st, STORE_IP, "10.0.0.1", 86400000, 1, 1000);
	ck_assert_int_eq(store_note_put(st, "n1", "x", 1100, 0, 1000, &serr),
	    1);
	ck_assert_int_eq(store_note_put(st, "n2", "y", 5000, 0, 1000, &serr),
	    1);
	ck_assert_uint_eq(read_ev(st, "g", "c", NULL, 1000, v, 4), 2);
	put(st, STORE_LOGIN, "a", 1000, 5000, NULL);
	put(st, STORE_LOGIN, "b", 1000, 5000, NULL);	/* drops event 1 */
	put(st, STORE_LOGIN, "c", 1000, 5000, NULL);	/* drops event 2 */
	ck_assert_int_eq(store_sweep(st, 2000, &serr), 0);
	ck_assert_int_eq(store_sweep(st, 2000, &serr), 0);
	store_free(st);
	ck_assert_uint_eq(raw_entries(path, "quarantines"), 4);
	ck_assert_uint_eq(raw_entries(path, "counters"), 1);
	ck_assert_uint_eq(raw_entries(path, "notes"), 1);
	ck_assert_uint_eq(raw_entries(path, "history"), 1);
	ck_assert_uint_eq(raw_entries(path, "pending"), 0);
	ck_assert_uint_eq(raw_entries(path, "events"), 3);
	st = open_store(path, 0, 3);
	ck_assert_int_eq(store_quarantine_get(st, STORE_IP, "10.0.0.2", 2000,
	    &q, &serr), 1);
	ck_assert_int_eq(store_note_get(st, "n2", 2000, got, sizeof(got),
	    &serr), 1);
	ck_assert_uint_eq(count(st, STORE_IP, "10.0.0.1", 86400000, 0, 2000),
	    1);
	store_free(st);
}
END_TEST

/* fill - up to max logins with long texts, until a put fails; how many */
static int
fill(struct store *st, const char *prefix, time_t now, time_t expires,
    int max)
{
	struct quarantine q = record(expires, "");
	char key[64];
	int i;

	memset(q.reason, 'r', sizeof(q.reason) - 1);
	memset(q.evidence, 'e', sizeof(q.evidence) - 1);
	for (i = 0; i < max; i++) {
		snprintf(key, sizeof(key), "%s-%06d@example.net", prefix, i);
		if (store_quarantine_put(st, STORE_LOGIN, key, &q, NULL, now,
		    NULL, &serr) < 0)
			return i;
	}
	return i;
}

/* A full map: the put fails, "full"; nothing live was given up for it. */
START_TEST(test_map_full)
{
	struct quarantine q;
	char path[256], key[64], got[16];
	struct store *st;
	int i, n;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 1 << 20, 16);
	ck_assert_uint_eq(count(st, STORE_LOGIN, "early", 86400000, 7, 1000),
	    7);
	/* written behind: in the file before it fills */
	ck_assert_int_eq(lmdb_wb_flush((struct lmdb_store *)st, 0, &serr), 0);
	ck_assert_int_eq(store_note_put(st, "seen:x", "early", 90000, 0, 1000,
	    &serr), 1);
	n = fill(st, "live", 1000, 90000, 100000);
	ck_assert_int_gt(n, 100);
	ck_assert_int_lt(n, 100000);
	ck_assert_msg(strstr(serr.text, "full") != NULL, "%s",
	    serr.text);
	ck_assert_msg(strstr(serr.text, path) != NULL, "%s",
	    serr.text);
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "live-%06d@example.net", i);
		ck_assert_int_eq(store_quarantine_get(st, STORE_LOGIN, key,
		    2000, &q, &serr), 1);
		ck_assert_uint_eq(strlen(q.evidence), sizeof(q.evidence) - 1);
	}
	ck_assert_int_eq(store_note_get(st, "seen:x", 2000, got, sizeof(got),
	    &serr), 1);
	ck_assert_str_eq(got, "early");
	store_free(st);
	/* the same in another process: the file opens, all is there */
	st = open_store(path, 1 << 20, 16);
	ck_assert_uint_eq(count(st, STORE_LOGIN, "early", 86400000, 0, 2000),
	    7);
	snprintf(key, sizeof(key), "live-%06d@example.net", n - 1);
	ck_assert_int_eq(store_quarantine_get(st, STORE_LOGIN, key, 2000,
	    NULL, &serr), 1);
	store_free(st);
}
END_TEST

/* A full map of expired records: the write sweeps, and goes in. */
START_TEST(test_map_full_expired)
{
	struct quarantine q;
	char path[256];
	struct store *st;
	int n;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 1 << 20, 16);
	put(st, STORE_LOGIN, "keeper", 1000, 90000, NULL);
	n = fill(st, "short", 1000, 1100, 100000);
	ck_assert_int_gt(n, 100);
	ck_assert_msg(strstr(serr.text, "full") != NULL, "%s",
	    serr.text);
	ck_assert_int_gt(fill(st, "later", 2000, 90000, 100000), n / 2);
	ck_assert_int_eq(store_quarantine_get(st, STORE_LOGIN, "keeper", 2000,
	    &q, &serr), 1);
	ck_assert_int_eq(q.expires, 90000);
	store_free(st);
}
END_TEST

/* The options refused, the file's mode, a file of another layout. */
START_TEST(test_open)
{
	static const struct {
		const char *path;
		int	read_only;
		const char *want;
	} cases[] = {
		{"", 0, "StateFile must not be empty"},
		{"/nonexistent.iso/state.lmdb", 0,
		    "lmdb open /nonexistent.iso/state.lmdb: no directory "
		    "/nonexistent.iso"},
	};
	char path[256], lock[320], err[256], plain[280];
	FILE *f;
	struct store *st;
	struct stat sb;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	unsigned char two[8] = {0, 0, 0, 0, 0, 0, 0, 2};
	MDB_val k = {7, "version"}, v = {8, two};
	int i;

	for (i = 0; i < NCASES(cases); i++) {
		snprintf(err, sizeof(err), "untouched");
		ck_assert_ptr_null(open_opts(cases[i].path, 0, 0,
		    cases[i].read_only, err, sizeof(err)));
		ck_assert_msg(strstr(err, cases[i].want) != NULL, "case %d: %s",
		    i, err);
	}
	state_path(path, sizeof(path), 0);
	/* a file where the folder should be */
	snprintf(plain, sizeof(plain), "%s.plain", path);
	ck_assert_ptr_nonnull(f = fopen(plain, "w"));
	fclose(f);
	snprintf(lock, sizeof(lock), "%s/state.lmdb", plain);
	ck_assert_ptr_null(open_opts(lock, 0, 0, 0, err, sizeof(err)));
	ck_assert_msg(strstr(err, "no directory ") != NULL &&
	    strstr(err, plain) != NULL, "%s", err);
	/* read-only: the file must be there */
	ck_assert_ptr_null(open_opts(path, 0, 0, 1, err, sizeof(err)));
	ck_assert_msg(strncmp(err, "lmdb open ", 10) == 0 &&
	    strstr(err, path) != NULL, "%s", err);
	umask(022);
	st = open_store(path, 0, 0);
	ck_assert_int_eq(store_server_info(st, NULL, &serr), 0);
	store_free(st);
	snprintf(lock, sizeof(lock), "%s-lock", path);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0660);
	ck_assert_int_eq(stat(lock, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0660);
	/* a file written by a later layout */
	ck_assert_int_eq(mdb_env_create(&env), 0);
	ck_assert_int_eq(mdb_env_set_maxdbs(env, 16), 0);
	ck_assert_int_eq(mdb_env_open(env, path, MDB_NOSUBDIR, 0660), 0);
	ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	ck_assert_int_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	ck_assert_int_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	ck_assert_ptr_null(open_opts(path, 0, 0, 0, err, sizeof(err)));
	ck_assert_msg(strstr(err, "layout 2") != NULL, "%s", err);
}
END_TEST

#define THREADS		8
#define CALLS		100

/* check_worker - CALLS checks with a counter; failures counted */
static void *
check_worker(void *arg)
{
	struct store *st = arg;
	struct store_counter k;
	struct store_check c;
	long failures = 0;
	int i;

	for (i = 0; i < CALLS; i++) {
		memset(&c, 0, sizeof(c));
		memset(&k, 0, sizeof(k));
		k.kind = STORE_IP;
		k.key = "10.9.9.9";
		k.what = "messages";
		k.window_ms = 600000;
		k.add = 1;
		c.login = "bot@example.net";
		c.ip = "10.9.9.9";
		c.counters = &k;
		c.n_counters = i % 2;	/* every other one read-only */
		if (store_check(st, &c, 1000, NULL) < 0 ||
		    !c.login_quarantined_r ||
		    (i % 2 && k.count_r < 1))
			failures++;
		if (i % 10 == 0 && store_sweep(st, 1000, NULL) < 0)
			failures++;
	}
	return (void *)failures;
}

/* Threads share a store: transactions are not tied to them. */
/* Root (isolationctl before the daemon's first start) creates the file
 * and its lock for the owner of the folder, the daemon's user. */
START_TEST(test_root_gives_file)
{
	char path[256], dir[256], lock[320];
	struct store *st;
	struct stat sb;

	if (geteuid() != 0)
		return;		/* only root can give a file away */
	state_path(path, sizeof(path), 0);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	ck_assert_int_eq(chown(dir, 65534, 65534), 0);
	st = open_store(path, 0, 0);
	store_free(st);
	snprintf(lock, sizeof(lock), "%s-lock", path);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_uid, 65534);
	ck_assert_int_eq(sb.st_gid, 65534);
	ck_assert_int_eq(stat(lock, &sb), 0);
	ck_assert_int_eq(sb.st_uid, 65534);
	/* a file that exists keeps its owner */
	ck_assert_int_eq(chown(path, 0, 0), 0);
	st = open_store(path, 0, 0);
	store_free(st);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_uid, 0);
}
END_TEST

START_TEST(test_threads)
{
	pthread_t tid[THREADS];
	char path[256];
	struct store *st;
	void *failures;
	int i;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0, 0);
	put(st, STORE_LOGIN, "bot@example.net", 1000, 90000, NULL);
	for (i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&tid[i], NULL, check_worker,
		    st), 0);
	for (i = 0; i < THREADS; i++) {
		pthread_join(tid[i], &failures);
		ck_assert_int_eq((long)failures, 0);
	}
	ck_assert_uint_eq(count(st, STORE_IP, "10.9.9.9", 600000, 0, 1000),
	    THREADS * CALLS / 2);
	store_free(st);
}
END_TEST

/* child_open - a store in a child process; _exit(code) when it fails */
static struct store *
child_open(const char *path, unsigned long long map, int code)
{
	char err[256];
	struct store *st = open_opts(path, map, 0, 0, err, sizeof(err));

	if (st == NULL)
		_exit(code);
	return st;
}

/* wait_child - the child's exit status, which must be 0 */
static void
wait_child(pid_t pid)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child: status %d", status);
}

#define ADDS		200

/* Two processes on one file see each other's writes, and events. */
START_TEST(test_two_processes)
{
	struct store_event v[4];
	int up[2], down[2], i;
	char path[256], c;
	struct store *st;
	size_t n;
	pid_t pid;

	state_path(path, sizeof(path), 0);
	ck_assert_int_eq(pipe(up), 0);
	ck_assert_int_eq(pipe(down), 0);
	/* forked before the parent's store starts its thread: a fork beside
	 * a running thread may leave the child a lock (the allocator's)
	 * that nobody will release */
	if ((pid = fork()) == 0) {
		struct store *cs;
		struct store_event e[4];

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(down[1]);
		if (read(down[0], &c, 1) != 1)
			_exit(10);
		cs = child_open(path, 0, 10);
		if (store_quarantine_get(cs, STORE_IP, "127.0.2.1", 1000,
		    NULL, &serr) != 1)
			_exit(11);
		if (count(cs, STORE_IP, "127.0.2.1", 60000, 1, 1000) != 2 ||
		    lmdb_wb_flush((struct lmdb_store *)cs, 0, &serr) < 0)
			_exit(12);
		if (store_events_read(cs, NULL, NULL, "0", 0, 1000, e, 4,
		    &n, &serr) < 0 || n != 1)
			_exit(13);
		put(cs, STORE_LOGIN, "child@example.net", 1000, 5000, NULL);
		if (write(up[1], "x", 1) != 1)
			_exit(14);
		/* waits for the parent's event: polls the file */
		if (store_events_read(cs, NULL, NULL, "2", 10000, 1000, e, 4,
		    &n, &serr) < 0 || n != 1 || strcmp(e[0].key,
		    "127.0.2.3") != 0)
			_exit(15);
		for (i = 0; i < ADDS; i++)	/* while the parent adds too */
			count(cs, STORE_IP, "127.0.2.1", 60000, 1, 1000);
		store_free(cs);
		_exit(0);
	}
	ck_assert_int_gt(pid, 0);
	/* a child that fails ends the read below, instead of hanging it */
	close(up[1]);
	close(down[0]);
	st = open_store(path, 0, 0);
	put(st, STORE_IP, "127.0.2.1", 1000, 5000, NULL);
	ck_assert_uint_eq(count(st, STORE_IP, "127.0.2.1", 60000, 1, 1000), 1);
	/* counters are written behind: in the file once flushed */
	ck_assert_int_eq(lmdb_wb_flush((struct lmdb_store *)st, 0, &serr), 0);
	ck_assert_int_eq(write(down[1], "x", 1), 1);
	ck_assert_msg(read(up[0], &c, 1) == 1, "the child failed before its put");
	ck_assert_int_eq(store_quarantine_get(st, STORE_LOGIN,
	    "child@example.net", 1000, NULL, &serr), 1);
	ck_assert_uint_eq(count(st, STORE_IP, "127.0.2.1", 60000, 1, 1000), 3);
	ck_assert_uint_eq(read_ev(st, "g", "c", NULL, 1000, v, 4), 2);
	put(st, STORE_IP, "127.0.2.3", 1000, 5000, NULL);
	for (i = 0; i < ADDS; i++)
		count(st, STORE_IP, "127.0.2.1", 60000, 1, 1000);
	wait_child(pid);
	ck_assert_uint_eq(count(st, STORE_IP, "127.0.2.1", 60000, 0, 1000),
	    3 + 2 * ADDS);
	n = read_ev(st, "g", "c", NULL, 1000, v, 4);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(v[2].key, "127.0.2.3");
	store_free(st);
	close(up[0]);
	close(down[1]);
}
END_TEST

/* Another process grew the map past this one's: it is adopted. */
START_TEST(test_map_grown)
{
	char path[256], key[64];
	struct store *st;
	pid_t pid;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 1 << 20, 16);
	put(st, STORE_IP, "127.0.2.1", 1000, 5000, NULL);
	if ((pid = fork()) == 0) {
		struct store *cs;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		cs = child_open(path, 64 << 20, 10);
		if (fill(cs, "grown", 1000, 90000, 5000) != 5000)
			_exit(11);
		store_free(cs);
		_exit(0);
	}
	ck_assert_int_gt(pid, 0);
	wait_child(pid);
	snprintf(key, sizeof(key), "grown-%06d@example.net", 4999);
	ck_assert_msg(store_quarantine_get(st, STORE_LOGIN, key, 1000, NULL,
	    &serr) == 1, "%s", serr.text);
	put(st, STORE_IP, "127.0.2.2", 1000, 5000, NULL);
	store_free(st);
	ck_assert_int_gt(file_size(path), 1 << 20);
}
END_TEST

/* count_listed - store_list_fn that counts */
static int
count_listed(void *arg, enum store_kind kind, const char *key,
    const struct quarantine *q)
{
	(void)kind;
	(void)key;
	(void)q;
	++*(int *)arg;
	return 0;
}

/* crash_child - put keys r<round>-<i> until killed; reports how many */
static void
crash_child(const char *path, int round, int fd)
{
	struct store *cs = child_open(path, 0, 10);
	struct quarantine q = record(90000, "crash");
	char key[64];
	int i;

	for (i = 0;; i++) {
		snprintf(key, sizeof(key), "r%d-%d", round, i);
		if (store_quarantine_put(cs, STORE_IP, key, &q, NULL, 1000,
		    NULL, &serr) < 0)
			_exit(11);
		report(fd, i + 1, 12);
	}
}

/* Writes that returned survive a kill -9; the file opens after it. */
START_TEST(test_crash)
{
	char path[256], key[64];
	int got[3], round, i, listed;
	struct store *st;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0, 1000);
	put(st, STORE_LOGIN, "before", 1000, 90000, NULL);
	store_free(st);
	for (round = 0; round < 3; round++) {
		got[round] = kill_child(crash_child, path, round,
		    200 + 150 * round);
		st = open_store(path, 0, 1000);
		for (i = 0; i < got[round]; i++) {
			snprintf(key, sizeof(key), "r%d-%d", round, i);
			ck_assert_msg(store_quarantine_get(st, STORE_IP, key,
			    1000, NULL, &serr) == 1, "%s lost", key);
		}
		listed = 0;
		ck_assert_int_ge(store_quarantine_list(st, STORE_IP, 1000,
		    count_listed, &listed, &serr), got[round]);
		ck_assert_int_eq(store_quarantine_get(st, STORE_LOGIN,
		    "before", 1000, NULL, &serr), 1);
		/* the writer's lock the child may have held is free again */
		put(st, STORE_LOGIN, "after", 1000 + round, 90000, NULL);
		ck_assert_int_eq(store_sweep(st, 1000, &serr), 0);
		store_free(st);
	}
}
END_TEST

#define GROUP_THREADS	16
#define GROUP_CALLS	50

/* Threads counting at once: every addition is there, in the file too. */
START_TEST(test_group_counters)
{
	struct worker_arg a[GROUP_THREADS], proto;
	char path[256], login[32];
	struct store *st;
	int i, pass;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0, 0);
	memset(&proto, 0, sizeof(proto));
	proto.st = st;
	proto.calls = GROUP_CALLS;
	proto.window_ms = 600000;
	workers_run(a, GROUP_THREADS, &proto, count_worker);
	for (pass = 0; pass < 2; pass++) {
		ck_assert_uint_eq(count(st, STORE_IP, "10.8.8.8", 600000, 0,
		    1000), GROUP_THREADS * GROUP_CALLS);
		for (i = 0; i < GROUP_THREADS; i++) {
			snprintf(login, sizeof(login), "u%d@example.net", i);
			ck_assert_uint_eq(count(st, STORE_LOGIN, login, 600000,
			    0, 1000), 2 * GROUP_CALLS);
		}
		store_free(st);
		st = open_store(path, 0, 0);
	}
	store_free(st);
}
END_TEST

/* What a request of a batch does in its write transaction. */
enum batch_mode {
	B_PUT,			/* writes its note */
	B_FAIL,			/* writes its note, then fails */
	B_KEEP,			/* writes its note, then says LMDB_KEEP */
	B_FILL,			/* writes until the map is full */
	B_GATE,			/* writes its note, waits to be let go */
};

/* One batch, in the order its requests queue; B_GATE last. */
static const struct batch_case {
	const char *name;
	enum batch_mode mode;
	int	want_rc;		/* lmdb_write()'s */
	const char *want_err;		/* when want_rc is -1 */
	int	want_kept;		/* the note is in the file after */
} batch_cases[] = {
	{"batch:a", B_PUT, 0, NULL, 1},
	{"batch:b", B_FAIL, -1, "lmdb test: Invalid argument", 0},
	{"batch:c", B_PUT, 0, NULL, 1},
	{"batch:d", B_KEEP, 0, NULL, 0},
	{"batch:e", B_FILL, -1, "is full", 0},
	{"batch:f", B_PUT, 0, NULL, 1},
	{"batch:g", B_GATE, 0, NULL, 1},
};
#define N_BATCH		NCASES(batch_cases)

/* One request of the batch test, run by a thread of its own. */
struct batch_req {
	const struct batch_case *c;
	struct lmdb_store *ls;
	struct store_err err;
	int	rc;
	int	ran;			/* its fn ran (under blk) */
	int	returned;		/* lmdb_write returned (under blk) */
	int	entered;		/* a gate: its fn waits (under blk) */
	int	open;			/* a gate: let it go (under blk) */
};

static pthread_mutex_t blk = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bcond = PTHREAD_COND_INITIALIZER;

/* batch_note - name = value as a note of layout 1 until 90000 */
static int
batch_note(struct lmdb_store *ls, MDB_txn *txn, const char *name,
    size_t size)
{
	static const unsigned char zero[64 * 1024];
	unsigned char v[9 + 8];
	MDB_val k = {strlen(name), (void *)name}, d;

	v[0] = LMDB_LAYOUT;
	lmdb_u64(v + 1, 90000);
	memcpy(v + 9, "written", 8);
	d.mv_size = size > 0 ? size : sizeof(v) - 1;
	d.mv_data = size > 0 ? (void *)zero : v;
	return mdb_put(txn, ls->dbi[T_NOTES], &k, &d, 0);
}

/* batch_fn - a request's changes, as its mode says */
static int
batch_fn(struct lmdb_store *ls, MDB_txn *txn, void *arg)
{
	struct batch_req *r = arg;
	char name[64];
	int rc, i;

	pthread_mutex_lock(&blk);
	r->ran = 1;
	pthread_mutex_unlock(&blk);
	if ((rc = batch_note(ls, txn, r->c->name, 0)) != 0)
		return rc;
	switch (r->c->mode) {
	case B_FAIL:
		return EINVAL;
	case B_KEEP:
		return LMDB_KEEP;
	case B_FILL:
		for (i = 0; rc == 0; i++) {
			snprintf(name, sizeof(name), "%s-%d", r->c->name, i);
			rc = batch_note(ls, txn, name, 64 * 1024);
		}
		return rc;
	case B_GATE:
		pthread_mutex_lock(&blk);
		r->entered = 1;
		pthread_cond_broadcast(&bcond);
		while (!r->open)
			pthread_cond_wait(&bcond, &blk);
		pthread_mutex_unlock(&blk);
		return 0;
	default:
		return 0;
	}
}

/* batch_thread - one lmdb_write(), its result noted */
static void *
batch_thread(void *arg)
{
	struct batch_req *r = arg;
	int rc;

	rc = lmdb_write(r->ls, "test", 1000, batch_fn, r, &r->err);
	pthread_mutex_lock(&blk);
	r->rc = rc;
	r->returned = 1;
	pthread_mutex_unlock(&blk);
	return NULL;
}

/* batch_gate - wait until a gate's fn waits inside its batch */
static void
batch_gate(struct batch_req *r)
{
	pthread_mutex_lock(&blk);
	while (!r->entered)
		pthread_cond_wait(&bcond, &blk);
	pthread_mutex_unlock(&blk);
}

/* batch_open - let a gate go */
static void
batch_open(struct batch_req *r)
{
	pthread_mutex_lock(&blk);
	r->open = 1;
	pthread_cond_broadcast(&bcond);
	pthread_mutex_unlock(&blk);
}

/* batch_queued - wait until n requests wait for a batch */
static void
batch_queued(struct lmdb_store *ls, size_t n)
{
	struct timespec ts = {0, 1000000};
	size_t queued;

	for (;;) {
		pthread_mutex_lock(&ls->grouplock);
		queued = ls->queued;
		pthread_mutex_unlock(&ls->grouplock);
		if (queued >= n)
			return;
		nanosleep(&ts, NULL);
	}
}

/* last_txn - the file's last committed transaction */
static size_t
last_txn(struct lmdb_store *ls)
{
	MDB_envinfo info;

	ck_assert_int_eq(mdb_env_info(ls->env, &info), 0);
	return info.me_last_txnid;
}

/*
 * One batch: while a first request holds the writer inside its own
 * batch, the cases queue in order; let go, they run as the next batch.
 * Its last request waits inside it: every other one ran and none has
 * returned. Then one commit for all; each keeps its own result.
 */
START_TEST(test_group_batch)
{
	static const struct batch_case first = {"batch:first", B_GATE, 0,
	    NULL, 1};
	struct batch_req req[N_BATCH], gate;
	pthread_t tid[N_BATCH], gate_tid;
	char path[256], got[16];
	struct lmdb_store *ls;
	struct store *st;
	size_t txn0;
	int i, rc;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 1 << 20, 16);
	ls = (struct lmdb_store *)st;
	memset(&gate, 0, sizeof(gate));
	gate.c = &first;
	gate.ls = ls;
	txn0 = last_txn(ls);
	ck_assert_int_eq(pthread_create(&gate_tid, NULL, batch_thread, &gate),
	    0);
	batch_gate(&gate);
	memset(req, 0, sizeof(req));
	for (i = 0; i < N_BATCH; i++) {
		req[i].c = &batch_cases[i];
		req[i].ls = ls;
		ck_assert_int_eq(pthread_create(&tid[i], NULL, batch_thread,
		    &req[i]), 0);
		batch_queued(ls, (size_t)i + 1);
	}
	batch_open(&gate);
	batch_gate(&req[N_BATCH - 1]);
	pthread_mutex_lock(&blk);
	for (i = 0; i < N_BATCH; i++) {
		ck_assert_msg(req[i].ran, "%s did not run", req[i].c->name);
		ck_assert_msg(!req[i].returned, "%s returned before the "
		    "commit", req[i].c->name);
	}
	pthread_mutex_unlock(&blk);
	batch_open(&req[N_BATCH - 1]);
	pthread_join(gate_tid, NULL);
	ck_assert_int_eq(gate.rc, 0);
	for (i = 0; i < N_BATCH; i++) {
		const struct batch_case *c = req[i].c;

		pthread_join(tid[i], NULL);
		ck_assert_msg(req[i].rc == c->want_rc, "%s: %d, %s", c->name,
		    req[i].rc, req[i].rc < 0 ? req[i].err.text : "");
		if (c->want_err != NULL)
			ck_assert_msg(strstr(req[i].err.text, c->want_err) !=
			    NULL, "%s: %s", c->name, req[i].err.text);
	}
	/* the first batch and this one: two commits */
	ck_assert_uint_eq(last_txn(ls), txn0 + 2);
	store_free(st);
	st = open_store(path, 1 << 20, 16);
	for (i = 0; i < N_BATCH; i++) {
		rc = store_note_get(st, batch_cases[i].name, 1000, got,
		    sizeof(got), &serr);
		ck_assert_msg(rc == batch_cases[i].want_kept, "%s: %d",
		    batch_cases[i].name, rc);
		if (rc == 1)
			ck_assert_str_eq(got, "written");
	}
	ck_assert_int_eq(store_note_get(st, "batch:e-0", 1000, got,
	    sizeof(got), &serr), 0);
	store_free(st);
}
END_TEST

#define FULL_THREADS	8
#define FULL_PUTS	5

/* full_worker - FULL_PUTS puts at 2000, each must go in */
static void *
full_worker(void *arg)
{
	struct worker_arg *a = arg;
	struct quarantine q = record(90000, "later");
	struct store_err e;
	char key[64];
	int i;

	for (i = 0; i < FULL_PUTS; i++) {
		snprintf(key, sizeof(key), "later-%d-%d@example.net", a->idx,
		    i);
		if (store_quarantine_put(a->st, STORE_LOGIN, key, &q, NULL,
		    2000, NULL, &e) < 0)
			a->failures++;
	}
	return NULL;
}

/* A map full of expired records, threads writing at once: the batches
 * that find it full sweep once, and every write goes in. */
START_TEST(test_group_full)
{
	struct worker_arg a[FULL_THREADS], proto;
	char path[256], key[64];
	struct store *st;
	int i, j;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 1 << 20, 16);
	ck_assert_int_gt(fill(st, "short", 1000, 1100, 100000),
	    2 * FULL_THREADS * FULL_PUTS);
	ck_assert_msg(strstr(serr.text, "full") != NULL, "%s", serr.text);
	memset(&proto, 0, sizeof(proto));
	proto.st = st;
	workers_run(a, FULL_THREADS, &proto, full_worker);
	for (i = 0; i < FULL_THREADS; i++)
		for (j = 0; j < FULL_PUTS; j++) {
			snprintf(key, sizeof(key), "later-%d-%d@example.net",
			    i, j);
			ck_assert_int_eq(store_quarantine_get(st, STORE_LOGIN,
			    key, 2000, NULL, &serr), 1);
		}
	store_free(st);
}
END_TEST

#define CRASH_THREADS	4

/* What one writing thread of a child is given. */
struct crash_arg {
	struct store *st;
	int	idx;
	int	fd;
};

/* crash_writer - put keys t<idx>-<i> until killed, each one reported */
static void *
crash_writer(void *arg)
{
	struct crash_arg *a = arg;
	struct quarantine q = record(90000, "crash");
	struct store_err e;
	char key[64];
	int i;

	for (i = 0;; i++) {
		snprintf(key, sizeof(key), "t%d-%d", a->idx, i);
		if (store_quarantine_put(a->st, STORE_IP, key, &q, NULL, 1000,
		    NULL, &e) < 0)
			_exit(11);
		/* one short write(2) to a pipe: never mixed with another's */
		snprintf(key, sizeof(key), "t%d-%d\n", a->idx, i);
		if (write(a->fd, key, strlen(key)) < 0)
			_exit(12);
	}
	return NULL;
}

/* crash_threads - CRASH_THREADS writers in this child, until killed */
static void
crash_threads(const char *path, int fd)
{
	struct store *cs = child_open(path, 0, 10);
	struct crash_arg a[CRASH_THREADS];
	pthread_t tid;
	int i;

	for (i = 0; i < CRASH_THREADS; i++) {
		a[i].st = cs;
		a[i].idx = i;
		a[i].fd = fd;
		if (pthread_create(&tid, NULL, crash_writer, &a[i]) != 0)
			_exit(13);
	}
	for (;;)
		pause();
}

/* crash_line - note a reported key "t<idx>-<i>": its thread's highest */
static void
crash_line(const char *line, int *high)
{
	int idx, i;

	ck_assert_int_eq(sscanf(line, "t%d-%d", &idx, &i), 2);
	ck_assert(idx >= 0 && idx < CRASH_THREADS);
	if (i > high[idx])
		high[idx] = i;
}

/* Writes that returned to threads of a batch survive a kill -9. */
START_TEST(test_group_crash)
{
	char path[256], key[64];
	int fd[2], high[CRASH_THREADS], got, status, i, j;
	struct store *st;
	pid_t pid;
	FILE *f;

	state_path(path, sizeof(path), 0);
	for (i = 0; i < CRASH_THREADS; i++)
		high[i] = -1;
	ck_assert_int_eq(pipe(fd), 0);
	if ((pid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(fd[0]);
		crash_threads(path, fd[1]);
	}
	ck_assert_int_gt(pid, 0);
	close(fd[1]);
	ck_assert_ptr_nonnull(f = fdopen(fd[0], "r"));
	for (got = 0; got < 400 && fgets(key, sizeof(key), f) != NULL; got++)
		crash_line(key, high);
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status));
	/* what it wrote before it died was put too */
	for (; fgets(key, sizeof(key), f) != NULL; got++)
		crash_line(key, high);
	fclose(f);
	ck_assert_int_ge(got, 400);
	st = open_store(path, 0, 0);
	for (i = 0; i < CRASH_THREADS; i++)
		for (j = 0; j <= high[i]; j++) {
			snprintf(key, sizeof(key), "t%d-%d", i, j);
			ck_assert_msg(store_quarantine_get(st, STORE_IP, key,
			    1000, NULL, &serr) == 1, "%s lost", key);
		}
	put(st, STORE_LOGIN, "after", 1000, 90000, NULL);
	store_free(st);
}
END_TEST

/* flood_round - FLOOD bots from first on: a quarantine and a counter each */
static void
flood_round(struct store *st, unsigned first, time_t now)
{
	static char keys[100][32];
	unsigned i, j;

	for (i = first; i < first + FLOOD; i += 100) {
		for (j = 0; j < 100; j++) {
			unsigned a = i + j;

			snprintf(keys[j], sizeof(keys[j]), "10.%u.%u.%u",
			    a >> 16, (a >> 8) & 255, a & 255);
			put(st, STORE_IP, keys[j], now, now + 60, NULL);
		}
		check_keys(st, keys, 100, now);
	}
}

/* The flood, twice over a sweep: the file stays its size; the victims. */
START_TEST(test_flood)
{
	char path[256];
	struct store *st;
	struct quarantine q;
	long long size1, size2, t0, t_put1, t_sweep, t_put2;
	int calls = 0, reopen;

	state_path(path, sizeof(path), 1);
	st = open_store(path, 0, 0);
	put(st, STORE_LOGIN, "victim@example.net", 1000, 1000 + 30 * 86400,
	    NULL);
	ck_assert_uint_eq(count(st, STORE_LOGIN, "victim@example.net",
	    86400000, 7, 1000), 7);
	t0 = now_ms();
	flood_round(st, 0, 1000);
	t_put1 = now_ms() - t0;
	size1 = file_size(path);
	t0 = now_ms();
	for (reopen = 0; reopen < 100; reopen++) {
		int i;

		for (i = 0; i < 20; i++, calls++)
			ck_assert_int_eq(store_sweep(st, 2000, &serr), 0);
		store_free(st);
		if (raw_entries(path, "quarantines") == 1 &&
		    raw_entries(path, "counters") == 1)
			break;
		st = open_store(path, 0, 0);
	}
	t_sweep = now_ms() - t0;
	ck_assert_int_lt(reopen, 100);
	st = open_store(path, 0, 0);
	t0 = now_ms();
	flood_round(st, FLOOD, 2000);
	t_put2 = now_ms() - t0;
	size2 = file_size(path);
	fprintf(stderr, "check_store_lmdb: flood of %d on %s: %.1f us a put "
	    "and 1/100 check; round 1 %lld ms, file %lld octets; sweep %lld "
	    "ms in %d calls; round 2 %lld ms, file %lld octets (x%.2f)\n",
	    FLOOD, lmdb_shm_base[0] ? "/dev/shm" : "/tmp",
	    t_put1 * 1000.0 / FLOOD, t_put1, size1, t_sweep, calls, t_put2,
	    size2, (double)size2 / (double)size1);
	ck_assert_msg(size2 * 10 <= size1 * 12, "file grew from %lld to %lld",
	    size1, size2);
	ck_assert_int_eq(store_quarantine_get(st, STORE_LOGIN,
	    "victim@example.net", 2000, &q, &serr), 1);
	ck_assert_int_eq(q.first_seen, 1000);
	ck_assert_int_eq(q.expires, 1000 + 30 * 86400);
	ck_assert_uint_eq(q.hits, 1);
	ck_assert_uint_eq(q.incident, 1);
	ck_assert_str_eq(q.reason, "bot seen");
	ck_assert_uint_eq(count(st, STORE_LOGIN, "victim@example.net",
	    86400000, 0, 2000), 7);
	ck_assert_int_eq(store_quarantine_get(st, STORE_IP, "10.0.0.1", 2000,
	    NULL, &serr), 0);
	ck_assert_int_eq(store_quarantine_get(st, STORE_IP, "10.4.147.224",
	    2000, NULL, &serr), 1);
	store_free(st);
}
END_TEST

/* lmdb_suite - one TCase per aspect */
static Suite *
lmdb_suite(void)
{
	Suite *s = suite_create("store_lmdb");
	TCase *tc;

	tc = tcase_create("file");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_open);
	tcase_add_test(tc, test_persist);
	tcase_add_test(tc, test_hostile_keys);
	tcase_add_test(tc, test_escalation);
	suite_add_tcase(s, tc);

	tc = tcase_create("check");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_readonly_check, 0, NCASES(ro_steps));
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_threads);
	tcase_add_test(tc, test_root_gives_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("events");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_log);
	tcase_add_test(tc, test_wait);
	tcase_add_test(tc, test_group_share);
	tcase_add_test(tc, test_group_claim);
	tcase_add_test(tc, test_trim);
	suite_add_tcase(s, tc);

	tc = tcase_create("processes");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_two_processes);
	tcase_add_test(tc, test_map_grown);
	tcase_add_test(tc, test_crash);
	tcase_add_test(tc, test_group_crash);
	suite_add_tcase(s, tc);

	tc = tcase_create("group");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_group_counters);
	tcase_add_test(tc, test_group_batch);
	tcase_add_test(tc, test_group_full);
	suite_add_tcase(s, tc);

	tc = tcase_create("bounds");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sweep);
	tcase_add_test(tc, test_map_full);
	tcase_add_test(tc, test_map_full_expired);
	suite_add_tcase(s, tc);

	tc = tcase_create("flood");
	tcase_set_tags(tc, "flood");	/* left out of distcheck: Makefile.am */
	tcase_set_timeout(tc, 900);	/* on a disk when /dev/shm is small */
	tcase_add_test(tc, test_flood);
	suite_add_tcase(s, tc);
	return s;
}

/* main - the suite, in folders of its own, removed after */
int
main(void)
{
	if (lmdb_harness_init("check_store_lmdb", SHM_NEEDED) < 0)
		return EXIT_FAILURE;
	return lmdb_harness_run(lmdb_suite());
}
