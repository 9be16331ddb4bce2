/*
 * NAME
 *	lmdb_harness - folders and counting threads of the embedded
 *	store's tests
 * SYNOPSIS
 *	See lmdb_harness.h.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "lmdb_harness.h"

static char base[64];			/* this run's folder under /tmp */
char	lmdb_shm_base[64];		/* and under /dev/shm; "" if none */

/* lmdb_harness_init - this run's folders; -1 when /tmp has none */
int
lmdb_harness_init(const char *prog, unsigned long long shm_needed)
{
	struct statvfs vfs;

	snprintf(base, sizeof(base), "/tmp/%s.XXXXXX", prog);
	if (mkdtemp(base) == NULL) {
		fprintf(stderr, "%s: mkdtemp: %s\n", prog, strerror(errno));
		base[0] = '\0';
		return -1;
	}
	if (shm_needed > 0 && statvfs("/dev/shm", &vfs) == 0 &&
	    (unsigned long long)vfs.f_bavail * vfs.f_frsize >= shm_needed) {
		snprintf(lmdb_shm_base, sizeof(lmdb_shm_base),
		    "/dev/shm/%s.XXXXXX", prog);
		if (mkdtemp(lmdb_shm_base) == NULL)
			lmdb_shm_base[0] = '\0';
	}
	return 0;
}

/* rm_entry - nftw callback: remove what it is given */
static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	remove(path);
	return 0;
}

/* lmdb_harness_run - the suite, then the folders away; the exit status */
int
lmdb_harness_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (base[0] != '\0')
		nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (lmdb_shm_base[0] != '\0')
		nftw(lmdb_shm_base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* state_path - a fresh folder for one test, and its state file's path */
void
state_path(char *path, size_t len, int shm)
{
	char dir[128];

	snprintf(dir, sizeof(dir), "%s/t.XXXXXX", shm && lmdb_shm_base[0] ?
	    lmdb_shm_base : base);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, len, "%s/state.lmdb", dir);
}

/* count_worker - calls checks: a shared counter, its own, a seen note */
void *
count_worker(void *arg)
{
	struct worker_arg *a = arg;
	struct store_counter k[2];
	struct store_check c;
	struct store_err e;
	char login[32];
	int i;

	snprintf(login, sizeof(login), "u%d@example.net", a->idx);
	for (i = 0; i < a->calls; i++) {
		memset(k, 0, sizeof(k));
		k[0].kind = STORE_IP;
		k[0].key = "10.8.8.8";
		k[0].what = "messages";
		k[0].window_ms = a->window_ms;
		k[0].add = 1;
		k[1] = k[0];
		k[1].kind = STORE_LOGIN;
		k[1].key = login;
		k[1].add = 2;
		memset(&c, 0, sizeof(c));
		c.ip = "10.8.8.8";
		c.seen_login = login;
		c.seen_ttl = 600;
		c.counters = k;
		c.n_counters = 2;
		if (store_check(a->st, &c, 1000, &e) < 0 ||
		    k[1].count_r != 2UL * (i + 1) || k[0].count_r < 1UL + i)
			a->failures++;
	}
	return NULL;
}

/* workers_run - n threads of fn at once; each must end with no failure */
void
workers_run(struct worker_arg *a, int n, const struct worker_arg *proto,
    void *(*fn)(void *))
{
	pthread_t tid[WORKERS_MAX];
	int i;

	ck_assert_int_le(n, WORKERS_MAX);
	for (i = 0; i < n; i++) {
		a[i] = *proto;
		a[i].idx = i;
		a[i].failures = 0;
		ck_assert_int_eq(pthread_create(&tid[i], NULL, fn, &a[i]), 0);
	}
	for (i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		ck_assert_msg(a[i].failures == 0, "thread %d: %ld failures",
		    i, a[i].failures);
	}
}

/* kill_child - a child writing until a kill -9; the last number it wrote */
long
kill_child(void (*child)(const char *, int, int), const char *path, int arg,
    long want)
{
	char line[32];
	long last = -1;
	int fd[2], status;
	pid_t pid;
	FILE *f;

	ck_assert_int_eq(pipe(fd), 0);
	if ((pid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(fd[0]);
		child(path, arg, fd[1]);
		_exit(1);
	}
	ck_assert_int_gt(pid, 0);
	close(fd[1]);
	ck_assert_ptr_nonnull(f = fdopen(fd[0], "r"));
	while (last < want && fgets(line, sizeof(line), f) != NULL)
		last = atol(line);
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status));
	/* what it wrote before it died was done too */
	while (fgets(line, sizeof(line), f) != NULL)
		last = atol(line);
	fclose(f);
	ck_assert_int_ge(last, want);
	return last;
}

/* report - a child's number on fd, one a line; _exit(code) when it fails */
void
report(int fd, long n, int code)
{
	char line[32];

	snprintf(line, sizeof(line), "%ld\n", n);
	if (write(fd, line, strlen(line)) < 0)
		_exit(code);
}

/* check_keys - one check of a counter for each of n addresses */
void
check_keys(struct store *st, char (*keys)[32], int n, time_t now)
{
	struct store_counter k[KEYS_MAX];
	struct store_check c;
	struct store_err e;
	int j;

	ck_assert_int_le(n, KEYS_MAX);
	memset(k, 0, sizeof(k));
	for (j = 0; j < n; j++) {
		k[j].kind = STORE_IP;
		k[j].key = keys[j];
		k[j].what = "messages";
		k[j].window_ms = 60000;
		k[j].add = 1;
	}
	memset(&c, 0, sizeof(c));
	c.counters = k;
	c.n_counters = n;
	ck_assert_msg(store_check(st, &c, now, &e) == 0, "%s", e.text);
}
