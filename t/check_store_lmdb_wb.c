/*
 * NAME
 *	check_store_lmdb_wb - the embedded backend's counters and seen
 *	notes, written behind
 * SYNOPSIS
 *	check_store_lmdb_wb
 * DESCRIPTION
 *	lib/store_lmdb_wb.c: a check counts in memory and answers as a
 *	synchronous count would; the file holds the counts only once they
 *	are flushed (read here with LMDB itself, past the buffer); counts
 *	stay exact with 16 threads counting while flushes run; another
 *	process adds to the same counter and both processes' counts are in
 *	the file; a window that ends between the count and the flush is
 *	not written, nor added to the next one; a flush that fails (a full
 *	map) keeps its counts for the next; the buffer at its bound
 *	flushes at once; a clean close flushes; a kill -9 loses at most
 *	what was not flushed, and the file opens after it. The seen note:
 *	read at once in this process, claimed and replaced as a note, and
 *	written with the quarantine of its address.
 *
 *	Each test works in a folder of its own under a mkdtemp(3) folder
 *	of /tmp, removed after the suite (t/lmdb_harness.c).
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lmdb.h>

#include "store.h"
#include "store_lmdb.h"
#include "lmdb_harness.h"

#define NCASES(t)	((int)(sizeof(t) / sizeof((t)[0])))
#define THREADS		16
#define CALLS		200
#define DAY_MS		86400000UL

/* why the main thread's last store call failed */
static struct store_err serr;

/* open_store - a store on path that must open */
static struct store *
open_store(const char *path, unsigned long long map)
{
	struct store_lmdb_opts o;
	struct store *st;
	char err[256];

	memset(&o, 0, sizeof(o));
	o.path = path;
	o.map_size = map;
	o.node = "mx1";
	st = store_lmdb_new(&o, err, sizeof(err));
	ck_assert_msg(st != NULL, "store_lmdb_new: %s", err);
	return st;
}

/* flush - lmdb_wb_flush(), which must succeed */
static void
flush(struct store *st)
{
	ck_assert_msg(lmdb_wb_flush((struct lmdb_store *)st, 0, &serr) == 0,
	    "flush: %s", serr.text);
}

/* pending - the changes the buffer holds */
static size_t
pending(struct store *st)
{
	struct lmdb_store *ls = (struct lmdb_store *)st;
	size_t n;

	pthread_mutex_lock(&ls->wblock);
	n = ls->wb.n;
	pthread_mutex_unlock(&ls->wblock);
	return n;
}

/* count_e - add to the IP counter key at now; its count, or -1 */
static long
count_e(struct store *st, const char *key, unsigned long window_ms,
    unsigned long add, time_t now, struct store_err *e)
{
	struct store_counter k = {STORE_IP, key, "messages", window_ms, add,
	    0, 0};
	struct store_check c;

	memset(&c, 0, sizeof(c));
	c.counters = &k;
	c.n_counters = 1;
	if (store_check(st, &c, now, e) < 0)
		return -1;
	return (long)k.count_r;
}

/* count - count_e() that must succeed */
static unsigned long
count(struct store *st, const char *key, unsigned long window_ms,
    unsigned long add, time_t now)
{
	long n = count_e(st, key, window_ms, add, now, &serr);

	ck_assert_msg(n >= 0, "check: %s", serr.text);
	return (unsigned long)n;
}

/* in_file - the file's IP counter key: its count and end, -1 when absent;
 * read with LMDB in the store's own environment, past the buffer */
static long
in_file(struct store *st, const char *key, unsigned long window_ms,
    time_t *end_r)
{
	struct lmdb_store *ls = (struct lmdb_store *)st;
	unsigned char kb[LMDB_KEY_MAX];
	size_t kl = strlen(key);
	MDB_val k = {2 + 8 + 8 + kl, kb}, v;
	MDB_txn *txn;
	long n = -1;

	kb[0] = 'I';
	kb[1] = 8;
	memcpy(kb + 2, "messages", 8);
	lmdb_u64(kb + 10, window_ms);
	memcpy(kb + 18, key, kl);
	ck_assert_int_eq(lmdb_read_begin(ls, &txn, "test", &serr), 0);
	if (mdb_get(txn, ls->dbi[T_COUNTERS], &k, &v) == 0 &&
	    v.mv_size == 17) {
		n = (long)lmdb_get_u64((unsigned char *)v.mv_data + 9);
		if (end_r != NULL)
			*end_r = (time_t)lmdb_get_u64(
			    (unsigned char *)v.mv_data + 1);
	}
	lmdb_read_end(ls, txn);
	return n;
}

/* note_in_file - is the note name in the file, past the buffer? */
static int
note_in_file(struct store *st, const char *name)
{
	struct lmdb_store *ls = (struct lmdb_store *)st;
	MDB_val k = {strlen(name), (void *)name}, v;
	MDB_txn *txn;
	int rc;

	ck_assert_int_eq(lmdb_read_begin(ls, &txn, "test", &serr), 0);
	rc = mdb_get(txn, ls->dbi[T_NOTES], &k, &v) == 0;
	lmdb_read_end(ls, txn);
	return rc;
}

/* A check answers as before, and the file has it only once flushed. */
START_TEST(test_behind)
{
	char path[256];
	struct store *st;
	time_t end;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0);
	ck_assert_uint_eq(count(st, "10.0.0.1", 60000, 2, 1000), 2);
	ck_assert_uint_eq(count(st, "10.0.0.1", 60000, 1, 1030), 3);
	ck_assert_int_eq(in_file(st, "10.0.0.1", 60000, NULL), -1);
	ck_assert_uint_eq(pending(st), 1);
	flush(st);
	ck_assert_uint_eq(pending(st), 0);
	ck_assert_int_eq(in_file(st, "10.0.0.1", 60000, &end), 3);
	ck_assert_int_eq(end, 1060);
	/* the file's window goes on; only the new hits are pending */
	ck_assert_uint_eq(count(st, "10.0.0.1", 60000, 1, 1040), 4);
	ck_assert_int_eq(in_file(st, "10.0.0.1", 60000, NULL), 3);
	flush(st);
	ck_assert_int_eq(in_file(st, "10.0.0.1", 60000, &end), 4);
	ck_assert_int_eq(end, 1060);
	/* reading adds nothing to write */
	ck_assert_uint_eq(count(st, "10.0.0.1", 60000, 0, 1040), 4);
	ck_assert_uint_eq(pending(st), 0);
	/* a clean close writes what is pending */
	ck_assert_uint_eq(count(st, "10.0.0.2", DAY_MS, 5, 1040), 5);
	store_free(st);
	st = open_store(path, 0);
	ck_assert_int_eq(in_file(st, "10.0.0.2", DAY_MS, NULL), 5);
	ck_assert_uint_eq(count(st, "10.0.0.2", DAY_MS, 1, 1050), 6);
	store_free(st);
}
END_TEST

/* Window roll-over between counts and flushes, each step at its now. */
static const struct roll_step {
	time_t	now;
	unsigned long add;
	int	flush;			/* flush after the count */
	unsigned long want_count;
	long	want_file;		/* after the step; -1 absent */
	time_t	want_end;		/* in the file, when there */
} roll_steps[] = {
	{1000, 3, 0, 3, -1, 0},
	{1070, 1, 0, 1, -1, 0},		/* the first window is over: gone */
	{1080, 1, 1, 2, 2, 1130},
	{1100, 4, 0, 6, 2, 1130},
	{1130, 1, 1, 1, 1, 1190},	/* ended while pending: not written */
	{1200, 1, 0, 1, 1, 1190},	/* the file's window is over too */
	{1200, 1, 1, 2, 2, 1260},
};

START_TEST(test_roll)
{
	char path[256];
	struct store *st;
	time_t end = 0;
	long n;
	int i;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0);
	for (i = 0; i < NCASES(roll_steps); i++) {
		const struct roll_step *s = &roll_steps[i];

		ck_assert_msg(count(st, "10.1.0.1", 60000, s->add, s->now) ==
		    s->want_count, "step %d: count", i);
		if (s->flush)
			flush(st);
		n = in_file(st, "10.1.0.1", 60000, &end);
		ck_assert_msg(n == s->want_file && (n < 0 ||
		    end == s->want_end), "step %d: file %ld end %ld", i, n,
		    (long)end);
	}
	/* hits whose window ended before the flush's now are dropped */
	ck_assert_uint_eq(count(st, "10.1.0.2", 60000, 5, 1200), 5);
	ck_assert_uint_eq(count(st, "10.1.0.3", 60000, 1, 1300), 1);
	flush(st);
	ck_assert_int_eq(in_file(st, "10.1.0.2", 60000, NULL), -1);
	ck_assert_int_eq(in_file(st, "10.1.0.3", 60000, NULL), 1);
	store_free(st);
}
END_TEST

/* flush_worker - flushes until told to stop */
static void *
flush_worker(void *arg)
{
	struct worker_arg *a = arg;
	struct store_err e;

	while (!__atomic_load_n(&a->idx, __ATOMIC_ACQUIRE))
		if (lmdb_wb_flush((struct lmdb_store *)a->st, 0, &e) < 0)
			a->failures++;
	return NULL;
}

/* Threads counting while flushes run: every hit counted once. */
START_TEST(test_threads)
{
	struct worker_arg a[THREADS], fa, proto;
	pthread_t ftid;
	char path[256];
	struct store *st;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0);
	memset(&fa, 0, sizeof(fa));
	fa.st = st;
	ck_assert_int_eq(pthread_create(&ftid, NULL, flush_worker, &fa), 0);
	memset(&proto, 0, sizeof(proto));
	proto.st = st;
	proto.calls = CALLS;
	proto.window_ms = DAY_MS;
	workers_run(a, THREADS, &proto, count_worker);
	__atomic_store_n(&fa.idx, 1, __ATOMIC_RELEASE);
	pthread_join(ftid, NULL);
	ck_assert_int_eq(fa.failures, 0);
	ck_assert_uint_eq(count(st, "10.8.8.8", DAY_MS, 0, 1000),
	    THREADS * CALLS);
	flush(st);
	ck_assert_int_eq(in_file(st, "10.8.8.8", DAY_MS, NULL),
	    THREADS * CALLS);
	store_free(st);
}
END_TEST

/* child_count - a child, forked while this process has no store (and no
 * thread of one): on a byte from the pipe, a store of its own, add hits,
 * a clean close */
static pid_t
child_count(const char *path, unsigned long add, int fd[2])
{
	struct store_lmdb_opts o;
	struct store *cs;
	char err[256], c;
	pid_t pid;

	ck_assert_int_eq(pipe(fd), 0);
	if ((pid = fork()) != 0) {
		ck_assert_int_gt(pid, 0);
		close(fd[0]);
		return pid;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	close(fd[1]);
	if (read(fd[0], &c, 1) != 1)
		_exit(10);
	memset(&o, 0, sizeof(o));
	o.path = path;
	if ((cs = store_lmdb_new(&o, err, sizeof(err))) == NULL)
		_exit(11);
	if (count_e(cs, "10.2.0.1", DAY_MS, add, 1000, NULL) < 0)
		_exit(12);
	store_free(cs);
	_exit(0);
}

/* run_child - let the child go, and wait for its exit status 0 */
static void
run_child(pid_t pid, int fd[2])
{
	int status;

	ck_assert_int_eq(write(fd[1], "x", 1), 1);
	close(fd[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child: status %d", status);
}

/* Another process's counts and ours add up in the file. */
START_TEST(test_processes)
{
	int fd1[2], fd2[2];
	char path[256];
	struct store *st;
	pid_t pid1, pid2;

	state_path(path, sizeof(path), 0);
	pid1 = child_count(path, 3, fd1);
	pid2 = child_count(path, 1, fd2);
	st = open_store(path, 0);
	ck_assert_uint_eq(count(st, "10.2.0.1", DAY_MS, 5, 1000), 5);
	run_child(pid1, fd1);		/* the file has none of ours */
	ck_assert_int_eq(in_file(st, "10.2.0.1", DAY_MS, NULL), 3);
	/* ours pending on top of the file's */
	ck_assert_uint_eq(count(st, "10.2.0.1", DAY_MS, 1, 1000), 9);
	flush(st);
	ck_assert_int_eq(in_file(st, "10.2.0.1", DAY_MS, NULL), 9);
	run_child(pid2, fd2);
	ck_assert_uint_eq(count(st, "10.2.0.1", DAY_MS, 0, 1000), 10);
	store_free(st);
}
END_TEST

/* fill - live notes of size octets until the map is full; how many */
static int
fill(struct store *st, const char *prefix, size_t size, time_t now,
    time_t expires)
{
	char name[64], value[400];
	int i;

	memset(value, 'v', size);
	value[size] = '\0';
	for (i = 0; i < 100000; i++) {
		snprintf(name, sizeof(name), "%s-%06d", prefix, i);
		if (store_note_put(st, name, value, expires, 0, now,
		    &serr) < 0)
			break;
	}
	return i;
}

/* A flush that fails keeps its counts; the next one writes them. */
START_TEST(test_failed_flush)
{
	char path[256], key[32];
	struct store *st;
	int i;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 1 << 20);
	ck_assert_int_gt(fill(st, "big", 399, 1000, 1100), 100);
	fill(st, "small", 1, 1000, 1100);
	ck_assert_msg(strstr(serr.text, "full") != NULL, "%s", serr.text);
	ck_assert_uint_eq(count(st, "10.3.0.1", DAY_MS, 4, 1000), 4);
	for (i = 0; i < 300; i++) {	/* more than the last pages hold */
		snprintf(key, sizeof(key), "10.3.1.%d", i);
		count(st, key, DAY_MS, 1, 1000);
	}
	ck_assert_int_eq(lmdb_wb_flush((struct lmdb_store *)st, 0, &serr),
	    -1);
	ck_assert_msg(strstr(serr.text, "full") != NULL, "%s", serr.text);
	ck_assert_uint_eq(pending(st), 301);
	ck_assert_int_eq(in_file(st, "10.3.0.1", DAY_MS, NULL), -1);
	ck_assert_uint_eq(count(st, "10.3.0.1", DAY_MS, 1, 1000), 5);
	/* at 1200 the notes have expired: the flush sweeps them, goes in */
	ck_assert_uint_eq(count(st, "10.3.0.1", DAY_MS, 1, 1200), 6);
	flush(st);
	ck_assert_uint_eq(pending(st), 0);
	ck_assert_int_eq(in_file(st, "10.3.0.1", DAY_MS, NULL), 6);
	ck_assert_int_eq(in_file(st, "10.3.1.299", DAY_MS, NULL), 1);
	store_free(st);
}
END_TEST

/* check100 - one check of 100 counters, 10.4.x.y from first on */
static void
check100(struct store *st, unsigned first)
{
	char keys[100][32];
	unsigned j;

	for (j = 0; j < 100; j++)
		snprintf(keys[j], sizeof(keys[j]), "10.4.%u.%u",
		    (first + j) >> 8, (first + j) & 255);
	check_keys(st, keys, 100, 1000);
}

/* At its bound the buffer is flushed by the check that filled it. */
START_TEST(test_bound)
{
	char path[256];
	struct store *st;
	unsigned i;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0);
	for (i = 0; i + 100 < LMDB_WB_MAX; i += 100)
		check100(st, i);
	ck_assert_uint_eq(pending(st), i);
	ck_assert_int_eq(in_file(st, "10.4.0.0", 60000, NULL), -1);
	check100(st, i);		/* past the bound */
	ck_assert_uint_eq(pending(st), 0);
	ck_assert_int_eq(in_file(st, "10.4.0.0", 60000, NULL), 1);
	ck_assert_int_eq(in_file(st, "10.4.64.3", 60000, NULL), 1);
	ck_assert_uint_eq(count(st, "10.4.0.0", 60000, 1, 1000), 2);
	store_free(st);
}
END_TEST

/* The seen note: this process reads it at once; a note put replaces it. */
START_TEST(test_seen)
{
	struct quarantine q;
	struct store_check c;
	char path[256], got[64];
	struct store *st;

	state_path(path, sizeof(path), 0);
	st = open_store(path, 0);
	memset(&q, 0, sizeof(q));
	q.rule = RULE_INBOUND_CUSTOMER_DIRECT;
	memset(&c, 0, sizeof(c));
	c.ip = "10.5.0.1";
	c.seen_login = "alice@example.net";
	c.seen_ttl = 600;
	ck_assert_int_eq(store_check(st, &c, 1000, &serr), 0);
	ck_assert_uint_eq(pending(st), 1);
	ck_assert_int_eq(store_note_get(st, "seen:10.5.0.1", 1000, got,
	    sizeof(got), &serr), 1);
	ck_assert_str_eq(got, "alice@example.net");
	ck_assert_int_eq(store_note_put(st, "seen:10.5.0.1", "x", 2000, 1,
	    1000, &serr), 0);	/* a claim: the pending one lives */
	c.seen_login = "bob";
	ck_assert_int_eq(store_check(st, &c, 1100, &serr), 0);
	ck_assert_int_eq(store_note_get(st, "seen:10.5.0.1", 1100, got,
	    sizeof(got), &serr), 1);
	ck_assert_str_eq(got, "bob");
	ck_assert_int_eq(store_note_get(st, "seen:10.5.0.1", 1700, got,
	    sizeof(got), &serr), 0);
	store_free(st);
	st = open_store(path, 0);
	ck_assert_int_eq(store_note_get(st, "seen:10.5.0.1", 1100, got,
	    sizeof(got), &serr), 1);
	ck_assert_str_eq(got, "bob");
	ck_assert_int_eq(store_note_put(st, "seen:10.5.0.1", "carol", 2000, 0,
	    1100, &serr), 1);
	c.seen_login = "carol";		/* fresh in the file: nothing pending */
	ck_assert_int_eq(store_check(st, &c, 1100, &serr), 0);
	ck_assert_uint_eq(pending(st), 0);
	c.seen_login = "dave";
	ck_assert_int_eq(store_check(st, &c, 1100, &serr), 0);
	ck_assert_uint_eq(pending(st), 1);
	ck_assert_int_eq(store_note_put(st, "seen:10.5.0.1", "erin", 2000, 0,
	    1100, &serr), 1);	/* written at once: the pending one goes */
	ck_assert_uint_eq(pending(st), 0);
	ck_assert_int_eq(store_note_get(st, "seen:10.5.0.1", 1100, got,
	    sizeof(got), &serr), 1);
	ck_assert_str_eq(got, "erin");
	/* the quarantine of an address carries its note: the notifier reads
	 * it with the event */
	c.ip = "10.5.0.2";
	ck_assert_int_eq(store_check(st, &c, 1100, &serr), 0);
	ck_assert_int_eq(note_in_file(st, "seen:10.5.0.2"), 0);
	q.expires = 5000;
	ck_assert_int_eq(store_quarantine_put(st, STORE_IP, "10.5.0.2", &q,
	    NULL, 1100, NULL, &serr), 0);
	ck_assert_int_eq(note_in_file(st, "seen:10.5.0.2"), 1);
	store_free(st);
}
END_TEST

/* crash_child - count, flush every 100, report the flushed total */
static void
crash_child(const char *path, int unused, int fd)
{
	struct store_lmdb_opts o;
	struct store *cs;
	char err[256];
	long i;

	(void)unused;
	memset(&o, 0, sizeof(o));
	o.path = path;
	if ((cs = store_lmdb_new(&o, err, sizeof(err))) == NULL)
		_exit(10);
	for (i = 1;; i++) {
		if (count_e(cs, "10.6.0.1", DAY_MS, 1, 1000, NULL) != i)
			_exit(11);
		if (i % 100 != 0)
			continue;
		if (lmdb_wb_flush((struct lmdb_store *)cs, 0, NULL) < 0)
			_exit(12);
		report(fd, i, 13);
	}
}

/* A kill -9 loses at most what was not flushed; the file opens. */
START_TEST(test_kill)
{
	char path[256];
	long flushed, n;
	struct store *st;

	state_path(path, sizeof(path), 0);
	flushed = kill_child(crash_child, path, 0, 2000);
	st = open_store(path, 0);
	n = in_file(st, "10.6.0.1", DAY_MS, NULL);
	ck_assert_msg(n >= flushed && n <= flushed + 100, "file %ld, flushed "
	    "%ld", n, flushed);
	ck_assert_uint_eq(count(st, "10.6.0.1", DAY_MS, 1, 1000),
	    (unsigned long)n + 1);
	ck_assert_int_eq(store_sweep(st, 1000, &serr), 0);
	store_free(st);
}
END_TEST

/* wb_suite - one TCase per aspect */
static Suite *
wb_suite(void)
{
	Suite *s = suite_create("store_lmdb_wb");
	TCase *tc;

	tc = tcase_create("counters");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_behind);
	tcase_add_test(tc, test_roll);
	tcase_add_test(tc, test_threads);
	tcase_add_test(tc, test_seen);
	suite_add_tcase(s, tc);

	tc = tcase_create("bounds");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_failed_flush);
	tcase_add_test(tc, test_bound);
	suite_add_tcase(s, tc);

	tc = tcase_create("processes");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_processes);
	tcase_add_test(tc, test_kill);
	suite_add_tcase(s, tc);
	return s;
}

/* main - the suite, in a folder of its own, removed after */
int
main(void)
{
	if (lmdb_harness_init("check_store_lmdb_wb", 0) < 0)
		return EXIT_FAILURE;
	return lmdb_harness_run(wb_suite());
}
