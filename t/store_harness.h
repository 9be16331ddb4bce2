/*
 * NAME
 *	store_harness 3h
 * SUMMARY
 *	what the store's test programs share: private Redis servers, raw
 *	commands, small store helpers
 * SYNOPSIS
 *	#include "store_harness.h"
 *
 *	int harness_init(const char *prog);
 *	int harness_run(Suite *s);
 *	int srv_start(struct srv *s, int port, int sentinel,
 *	    const char *const *extra);
 *	struct srv *must_start(int i, int sentinel, const char *const *extra);
 *	void srv_stop(struct srv *s, int keep);
 *	void srv_stop_all(void);
 *	int free_port(void);
 *	void pause_ms(long ms);
 *	void rm_dir(const char *dir);
 *
 *	redisContext *raw_connect(int port, long timeout_ms);
 *	redisReply *raw_try(redisContext *c, ...);
 *	redisReply *raw_must(redisReply *r);
 *	redisReply *raw(redisContext *c, ...);
 *	long long pttl(const char *key);
 *
 *	struct store_redis_opts opts(char *buf, size_t len, int port);
 *	struct store *redis_store(int port, unsigned pool,
 *	    unsigned long timeout_ms);
 *	void quarantine(struct store *st, enum store_kind kind,
 *	    const char *key, time_t now, time_t expires);
 *	int check_err(struct store *st, const char *ip, const char *login,
 *	    struct store_counter *k, struct store_err *err);
 *	int one_check(struct store *st, const char *ip, const char *login,
 *	    struct store_counter *k);
 *	int collect(void *arg, enum store_kind kind, const char *key,
 *	    const struct quarantine *q);
 *	int listed(const struct listing *l, const char *key);
 * DESCRIPTION
 *	t/check_store.c (the contract, on every backend) and
 *	t/check_store_redis.c (the Redis backend's own cases) run against
 *	private redis-servers that each test starts on a free 127.0.0.1
 *	port, with no RDB and no AOF, their files in a mkdtemp folder
 *	(/tmp/check_store.*), and stops by their pid. servers[] holds them;
 *	srv_start() starts a server (a Sentinel with sentinel set; extra
 *	arguments NULL last), must_start() fails the test when servers[i]
 *	does not come up, srv_stop() stops one (keep: its folder stays,
 *	for a start again on the same port), srv_stop_all() every one, for
 *	atexit(3): a failed assertion ends a test's fork with _exit(). A
 *	server dies with its test, even one killed on its timeout.
 *
 *	harness_init() starts a program: it ignores SIGPIPE, as the daemon
 *	does (hiredis writes to sockets that a server may have closed),
 *	has srv_stop_all() run at exit, and tells whether redis-server is
 *	on the PATH: 1 yes; 0 no, with a note that only what needs no
 *	server runs; -1 no while ISO_REQUIRE_INTEGRATION=1, with a message,
 *	a failure of the program. harness_run() runs a suite and returns
 *	the exit status: EXIT_SUCCESS when every test passed.
 *
 *	raw_connect(), raw_try() and raw() are the tests' own commands,
 *	beside the store: raw() is raw_try() with its NULL added, and fails
 *	the test when no reply came. pttl() is a key's PTTL on servers[0].
 *
 *	opts() and redis_store() make a store on 127.0.0.1:port (prefix
 *	"iso:", node "mx2"). quarantine() puts a record or fails the test.
 *	check_err() is store_check() with ip, login and one counter k (each
 *	may be NULL); one_check() is check_err() into serr, the error of
 *	the main thread's calls (a thread of a test passes its own).
 *	collect() is a store_list_fn that keeps what it is given in a
 *	struct listing, and listed() finds a key in it.
 * ENVIRONMENT
 *	ISO_REQUIRE_INTEGRATION=1  a missing redis-server is a failure.
 *	ISO_KEEP  keep the servers' folders, for a look.
 */
#ifndef ISO_STORE_HARNESS_H
#define ISO_STORE_HARNESS_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <check.h>
#include <hiredis/hiredis.h>

#include "store.h"

#define NCASES(t)	((int)(sizeof(t) / sizeof((t)[0])))
#define SRV_MAX		4
#define LIST_MAX	8

/* A private redis-server (or Sentinel) of the running test. */
struct srv {
	pid_t	pid;			/* 0: not running */
	int	port;
	char	dir[64];		/* "": none */
};

/* What a listing passed to its function. */
struct listing {
	int	calls;
	int	stop_at;		/* return 1 at this call; 0: never */
	enum store_kind kind;		/* the kind asked for */
	int	wrong_kind;
	char	keys[LIST_MAX][256];
	struct quarantine q[LIST_MAX];
};

extern struct srv servers[SRV_MAX];
/* why the main thread's last store call failed; a thread has its own */
extern struct store_err serr;

int	harness_init(const char *prog);
int	harness_run(Suite *s);
int	srv_start(struct srv *s, int port, int sentinel,
	    const char *const *extra);
struct srv *must_start(int i, int sentinel, const char *const *extra);
void	srv_stop(struct srv *s, int keep);
void	srv_stop_all(void);
int	free_port(void);
void	pause_ms(long ms);
void	rm_dir(const char *dir);

redisContext *raw_connect(int port, long timeout_ms);
redisReply *raw_try(redisContext *c, ...);
redisReply *raw_must(redisReply *r);
#define raw(c, ...) \
	raw_must(raw_try((c), __VA_ARGS__, (const char *)NULL))
long long pttl(const char *key);

struct store_redis_opts opts(char *buf, size_t len, int port);
struct store *redis_store(int port, unsigned pool, unsigned long timeout_ms);
void	quarantine(struct store *st, enum store_kind kind, const char *key,
	    time_t now, time_t expires);
int	check_err(struct store *st, const char *ip, const char *login,
	    struct store_counter *k, struct store_err *err);
int	one_check(struct store *st, const char *ip, const char *login,
	    struct store_counter *k);
int	collect(void *arg, enum store_kind kind, const char *key,
	    const struct quarantine *q);
int	listed(const struct listing *l, const char *key);

#endif
