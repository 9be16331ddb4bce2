/*
 * NAME
 *	lmdb_harness 3h
 * SUMMARY
 *	what the embedded store's test programs share: their folders and
 *	their counting threads
 * SYNOPSIS
 *	#include "lmdb_harness.h"
 *
 *	int lmdb_harness_init(const char *prog,
 *	    unsigned long long shm_needed);
 *	int lmdb_harness_run(Suite *s);
 *	void state_path(char *path, size_t len, int shm);
 *	extern char lmdb_shm_base[];
 *
 *	void *count_worker(void *arg);
 *	void workers_run(struct worker_arg *a, int n,
 *	    const struct worker_arg *proto, void *(*fn)(void *));
 *
 *	long kill_child(void (*child)(const char *, int, int),
 *	    const char *path, int arg, long want);
 *	void report(int fd, long n, int code);
 *
 *	void check_keys(struct store *st, char (*keys)[32], int n,
 *	    time_t now);
 * DESCRIPTION
 *	t/check_store_lmdb.c and t/check_store_lmdb_wb.c. Each test works
 *	in a folder of its own under one mkdtemp(3) folder of /tmp, made
 *	by lmdb_harness_init() (prog names it) and removed by
 *	lmdb_harness_run() once the suite has run; it returns the exit
 *	status, EXIT_SUCCESS when every test passed. With shm_needed not
 *	0, and that much free in /dev/shm, a second folder is made there,
 *	named in lmdb_shm_base ("" when none). state_path() makes a test's
 *	folder (under /dev/shm with shm set, when there is one) and gives
 *	its state file's path.
 *
 *	count_worker() is a thread's body: calls checks at 1000 of a
 *	counter of 10.8.8.8 shared by every thread (add 1) and one of its
 *	own login, u<idx>@example.net (add 2), both of window_ms, with a
 *	seen note; a check that fails or counts short is a failure.
 *	workers_run() runs n threads of fn, each given a copy of proto
 *	with its own idx and no failures, waits for them and fails the
 *	test when one had a failure.
 *
 *	kill_child() forks a child that runs child(path, arg, fd) and never
 *	returns: it writes, with report(), a growing number on fd at each
 *	step done (a failed write: _exit(code)). Once a number of want or
 *	more is read, the child gets a kill -9 in the middle of its writes;
 *	kill_child() returns the last number the child wrote, read to the
 *	end of the pipe, and fails the test when the child was not killed
 *	or wrote less than want.
 *
 *	check_keys() is one check at now of n counters (n at most
 *	KEYS_MAX), of the addresses keys[], each adding 1 in a window of
 *	60 s; a check that fails fails the test.
 * DIAGNOSTICS
 *	lmdb_harness_init() returns -1, with a message, when the /tmp
 *	folder cannot be made.
 */
#ifndef ISO_LMDB_HARNESS_H
#define ISO_LMDB_HARNESS_H

#include <stddef.h>
#include <time.h>

#include <check.h>

#include "store.h"

#define WORKERS_MAX	16
#define KEYS_MAX	100

/* What one thread of a test is given. */
struct worker_arg {
	struct store *st;
	int	idx;			/* which thread; a flusher: 1 stops it */
	int	calls;			/* count_worker: how many checks */
	unsigned long window_ms;	/* count_worker: the counters' window */
	long	failures;
};

extern char lmdb_shm_base[64];

int	lmdb_harness_init(const char *prog, unsigned long long shm_needed);
int	lmdb_harness_run(Suite *s);
void	state_path(char *path, size_t len, int shm);

void	*count_worker(void *arg);
void	workers_run(struct worker_arg *a, int n,
	    const struct worker_arg *proto, void *(*fn)(void *));

long	kill_child(void (*child)(const char *, int, int), const char *path,
	    int arg, long want);
void	report(int fd, long n, int code);
void	check_keys(struct store *st, char (*keys)[32], int n, time_t now);

#endif
