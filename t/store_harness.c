/*
 * NAME
 *	store_harness 3
 * SUMMARY
 *	what the store's test programs share
 * SYNOPSIS
 *	#include "store_harness.h"
 * DESCRIPTION
 *	See store_harness.h.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store_harness.h"

#define UP_WAIT_MS	5000

struct srv servers[SRV_MAX];
struct store_err serr;

/* pause_ms - wait a little: polling for a server, or a writer's start */
void
pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* free_port - a TCP port free on 127.0.0.1 right now */
int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* raw_connect - a plain hiredis connection, for the test's own commands */
redisContext *
raw_connect(int port, long timeout_ms)
{
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);

	if (c != NULL && c->err == 0 && redisSetTimeout(c, tv) == REDIS_OK)
		return c;
	if (c != NULL)
		redisFree(c);
	return NULL;
}

/* raw_try - one command of C strings (NULL last); the reply or NULL */
redisReply *
raw_try(redisContext *c, ...)
{
	const char *argv[16];
	size_t len[16];
	va_list ap;
	int n = 0;

	va_start(ap, c);
	while (n < 16 && (argv[n] = va_arg(ap, const char *)) != NULL) {
		len[n] = strlen(argv[n]);
		n++;
	}
	va_end(ap);
	return redisCommandArgv(c, n, argv, len);
}

/* raw_must - a reply that must have come */
redisReply *
raw_must(redisReply *r)
{
	ck_assert_msg(r != NULL, "raw command: no reply");
	return r;
}

/* up - does the server on port answer, from process pid? */
static int
up(int port, pid_t pid)
{
	char want[32];
	redisContext *c = raw_connect(port, 200);
	redisReply *r;
	int ok = 0;

	if (c == NULL)
		return 0;
	if ((r = raw_try(c, "PING", (const char *)NULL)) != NULL) {
		/* NOAUTH: up, behind a password */
		ok = r->type == REDIS_REPLY_ERROR;
		freeReplyObject(r);
	}
	if (!ok && (r = raw_try(c, "INFO", "server", (const char *)NULL))) {
		snprintf(want, sizeof(want), "process_id:%ld\r", (long)pid);
		ok = r->type == REDIS_REPLY_STRING &&
		    strstr(r->str, want) != NULL;
		freeReplyObject(r);
	}
	redisFree(c);
	return ok;
}

/* rm_dir - remove a test folder and the files in it */
void
rm_dir(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *d;

	if (*dir == '\0' || (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* srv_start - run redis-server on port (0: a free one); 0 up, -1 not */
int
srv_start(struct srv *s, int port, int sentinel, const char *const *extra)
{
	char portbuf[16], conf[128], out[128];
	const char *argv[40];
	int n = 0, fd, waited;

	if (s->dir[0] == '\0') {
		snprintf(s->dir, sizeof(s->dir), "/tmp/check_store.XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(s->dir));
	}
	s->port = port != 0 ? port : free_port();
	snprintf(portbuf, sizeof(portbuf), "%d", s->port);
	snprintf(conf, sizeof(conf), "%s/sentinel.conf", s->dir);
	snprintf(out, sizeof(out), "%s/out", s->dir);
	argv[n++] = "redis-server";
	if (sentinel)
		argv[n++] = conf;
	argv[n++] = "--port";
	argv[n++] = portbuf;
	argv[n++] = "--bind";
	argv[n++] = "127.0.0.1";
	argv[n++] = "--dir";
	argv[n++] = s->dir;
	if (sentinel) {
		argv[n++] = "--sentinel";
	} else {
		argv[n++] = "--save";
		argv[n++] = "";
		argv[n++] = "--appendonly";
		argv[n++] = "no";
	}
	for (; extra != NULL && *extra != NULL && n < 39; extra++)
		argv[n++] = *extra;
	argv[n] = NULL;
	if ((s->pid = fork()) == 0) {
		/* dies with the test, even one killed on its timeout */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	ck_assert_int_gt(s->pid, 0);
	for (waited = 0; waited < UP_WAIT_MS; waited += 20) {
		if (up(s->port, s->pid))
			return 0;
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
			s->pid = 0;
			return -1;
		}
		pause_ms(20);
	}
	return -1;
}

/* srv_stop - SIGTERM, SIGKILL after 5 s, reap; keep: leave the folder */
void
srv_stop(struct srv *s, int keep)
{
	int waited;

	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		for (waited = 0; waited < 5000; waited += 10) {
			if (waitpid(s->pid, NULL, WNOHANG) == s->pid)
				break;
			pause_ms(10);
		}
		if (waited >= 5000) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, NULL, 0);
		}
		s->pid = 0;
	}
	if (!keep) {
		if (getenv("ISO_KEEP") == NULL)
			rm_dir(s->dir);
		s->dir[0] = '\0';
	}
}

/* srv_stop_all - stop every server, their folders removed */
void
srv_stop_all(void)
{
	int i;

	for (i = 0; i < SRV_MAX; i++)
		srv_stop(&servers[i], 0);
}

/* must_start - srv_start() that must succeed */
struct srv *
must_start(int i, int sentinel, const char *const *extra)
{
	ck_assert_msg(srv_start(&servers[i], 0, sentinel, extra) == 0,
	    "redis-server did not start (see %s/out)", servers[i].dir);
	return &servers[i];
}

/* opts - the options of a store on 127.0.0.1:port */
struct store_redis_opts
opts(char *buf, size_t len, int port)
{
	struct store_redis_opts o;

	snprintf(buf, len, "127.0.0.1:%d", port);
	memset(&o, 0, sizeof(o));
	o.server = buf;
	o.prefix = "iso:";
	o.timeout_ms = 2000;
	o.node = "mx2";
	return o;
}

/* redis_store - a store on 127.0.0.1:port, with pool size and timeout */
struct store *
redis_store(int port, unsigned pool, unsigned long timeout_ms)
{
	char buf[64], err[256];
	struct store_redis_opts o = opts(buf, sizeof(buf), port);
	struct store *st;

	o.pool_size = pool;
	o.timeout_ms = timeout_ms;
	st = store_redis_new(&o, err, sizeof(err));
	ck_assert_msg(st != NULL, "store_redis_new: %s", err);
	return st;
}

/* pttl - a key's PTTL on the test's Redis */
long long
pttl(const char *key)
{
	redisContext *c = raw_connect(servers[0].port, 5000);
	redisReply *r;
	long long ms;

	ck_assert_ptr_nonnull(c);
	r = raw(c, "PTTL", key);
	ck_assert_int_eq(r->type, REDIS_REPLY_INTEGER);
	ms = r->integer;
	freeReplyObject(r);
	redisFree(c);
	return ms;
}

/* quarantine - put kind:key at now until expires, or fail the test */
void
quarantine(struct store *st, enum store_kind kind, const char *key,
    time_t now, time_t expires)
{
	struct quarantine q;

	memset(&q, 0, sizeof(q));
	q.rule = RULE_INBOUND_CUSTOMER_DIRECT;
	snprintf(q.reason, sizeof(q.reason), "bot seen: helo=x y");
	snprintf(q.node, sizeof(q.node), "mx1");
	q.expires = expires;
	ck_assert_msg(store_quarantine_put(st, kind, key, &q, NULL, now, NULL,
	    &serr) == 0, "put: %s", serr.text);
}

/* check_err - check() with ip, login and one counter; the result, err */
int
check_err(struct store *st, const char *ip, const char *login,
    struct store_counter *k, struct store_err *err)
{
	struct store_check c;

	memset(&c, 0, sizeof(c));
	c.ip = ip;
	c.login = login;
	c.counters = k;
	c.n_counters = k != NULL;
	return store_check(st, &c, 1000, err);
}

/* one_check - check_err() of the main thread, its error in serr */
int
one_check(struct store *st, const char *ip, const char *login,
    struct store_counter *k)
{
	return check_err(st, ip, login, k, &serr);
}

/* collect - store_list_fn that keeps what it is given */
int
collect(void *arg, enum store_kind kind, const char *key,
    const struct quarantine *q)
{
	struct listing *l = arg;

	l->wrong_kind += kind != l->kind;
	if (l->calls < LIST_MAX) {
		snprintf(l->keys[l->calls], sizeof(l->keys[0]), "%s", key);
		l->q[l->calls] = *q;
	}
	l->calls++;
	return l->calls == l->stop_at;
}

/* listed - the index of key in a listing, -1 when absent */
int
listed(const struct listing *l, const char *key)
{
	int i;

	for (i = 0; i < l->calls && i < LIST_MAX; i++)
		if (strcmp(l->keys[i], key) == 0)
			return i;
	return -1;
}

/* redis_installed - is redis-server on the PATH? */
static int
redis_installed(void)
{
	const char *path = getenv("PATH");
	char dir[512], file[600];
	const char *p, *end;

	for (p = path ? path : "/usr/bin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		snprintf(dir, sizeof(dir), "%.*s", (int)(end - p), p);
		snprintf(file, sizeof(file), "%s/redis-server", dir);
		if (access(file, X_OK) == 0)
			return 1;
	}
	return 0;
}

/* harness_init - SIGPIPE, servers stopped at exit; may Redis cases run? */
int
harness_init(const char *prog)
{
	const char *req = getenv("ISO_REQUIRE_INTEGRATION");

	signal(SIGPIPE, SIG_IGN);
	atexit(srv_stop_all);
	if (redis_installed())
		return 1;
	if (req != NULL && strcmp(req, "1") == 0) {
		fprintf(stderr, "%s: redis-server not found, and "
		    "ISO_REQUIRE_INTEGRATION=1\n", prog);
		return -1;
	}
	fprintf(stderr, "%s: note: redis-server not found; what needs no "
	    "server runs alone\n", prog);
	return 0;
}

/* harness_run - run a suite; the program's exit status */
int
harness_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
