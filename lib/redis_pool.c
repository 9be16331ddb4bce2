/*
 * NAME
 *	redis_pool 3
 * SUMMARY
 *	a bounded pool of hiredis connections, with Sentinel discovery
 * SYNOPSIS
 *	#include "redis_pool.h"
 * DESCRIPTION
 *	See redis_pool.h. A hiredis context is not thread-safe, and
 *	libmilter's worker threads come and go: a few shared connections
 *	under a mutex, lent one thread at a time, rather than one per thread.
 *
 *	hiredis 0.14 keeps no command timeout across redisReconnect(), so a
 *	failed context is never reconnected: it is freed, and a new one gets
 *	redisSetTimeout() like every new one.
 *
 *	The pool has a generation number. A connection made under an older
 *	generation is closed instead of lent, so one connection-level
 *	failure (a Redis restart, a failover) costs one failed call, not one
 *	per pooled connection.
 *
 *	Sentinel: each sentinel in turn is asked SENTINEL
 *	get-master-addr-by-name (without AUTH or SELECT, which are the
 *	master's); the answer is connected to, set up, and must say ROLE
 *	master. The address is kept for the next connections and forgotten
 *	with the generation. Every new connection to it checks ROLE again.
 * DIAGNOSTICS
 *	Errors read "redis WHERE: WHY", WHY being "timeout", hiredis's text
 *	("connection refused") or the server's error reply.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>

#include "redis_pool.h"

#define POOL_DEFAULT	16
/* a wait for a lent connection, in RedisTimeouts (redis_pool.h says why) */
#define POOL_WAIT_TIMEOUTS	4
#define HOST_MAX	256
/* ends command_s()'s arguments */
#define ARGS_END	((const char *)NULL)

struct hostport {
	char	host[HOST_MAX];
	int	port;
};

struct redis_conn {
	struct redis_pool *pool;
	redisContext *ctx;		/* NULL: not connected */
	int	reused;			/* connected before this loan */
	unsigned gen;			/* the pool's generation then */
	int	busy;			/* lent */
	int	broken;			/* close when given back */
	int	lost;			/* and start a new generation */
};

struct redis_pool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct redis_conn *conns;
	unsigned n;
	unsigned gen;			/* under lock */
	int	have_master;		/* under lock */
	struct hostport master;		/* under lock: discovered */
	struct hostport server;		/* RedisServer host:port */
	char	*path;			/* or its Unix socket */
	struct hostport *sentinels;
	size_t	n_sentinels;
	char	*master_name;
	char	*user;
	char	*password;
	int	database;
	unsigned long timeout_ms;
	struct timeval tv;
};

/* why - a failed context's error, readable in a log */
static const char *
why(const redisContext *ctx, char *buf, size_t len)
{
	if (ctx->err == REDIS_ERR_EOF)
		return "connection closed by the server";
	if (ctx->err == REDIS_ERR_IO &&
	    (strstr(ctx->errstr, strerror(EAGAIN)) != NULL ||
	    strstr(ctx->errstr, strerror(ETIMEDOUT)) != NULL))
		return "timeout";
	snprintf(buf, len, "%s", ctx->errstr);
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

/* command - one command; the reply, or NULL with err set */
static redisReply *
command(redisContext *ctx, const char *where, int argc, const char **argv,
    const size_t *argvlen, int *lost_r, struct store_err *err)
{
	redisReply *r;
	char buf[128];

	if ((r = redisCommandArgv(ctx, argc, argv, argvlen)) == NULL) {
		/* 2: the server went away (restart, failover), not a timeout */
		*lost_r = ctx->err == REDIS_ERR_EOF || (ctx->err == REDIS_ERR_IO &&
		    (errno == ECONNRESET || errno == EPIPE)) ? 2 : 1;
		store_set_error(err, "redis %s: %s", where,
		    why(ctx, buf, sizeof(buf)));
		return NULL;
	}
	if (r->type != REDIS_REPLY_ERROR || strncmp(r->str, "NOSCRIPT", 8) == 0)
		return r;
	*lost_r = strstr(r->str, "READONLY") != NULL ||
	    strstr(r->str, "MASTERDOWN") != NULL;
	store_set_error(err, "redis %s: %s", where, r->str);
	freeReplyObject(r);
	return NULL;
}

/* command_s - command() with up to four C string arguments, NULL last */
static redisReply *
command_s(redisContext *ctx, struct store_err *err, const char *where, ...)
{
	const char *argv[4], *s;
	size_t len[4];
	va_list ap;
	int argc = 0, lost;

	va_start(ap, where);
	while (argc < 4 && (s = va_arg(ap, const char *)) != NULL) {
		argv[argc] = s;
		len[argc++] = strlen(s);
	}
	va_end(ap);
	return command(ctx, where, argc, argv, len, &lost, err);
}

/* dial - connect, and set the timeout for every command */
static redisContext *
dial(struct redis_pool *p, const struct hostport *hp, const char *path,
    const char *where, struct store_err *err)
{
	redisContext *ctx;
	char buf[128];

	ctx = path != NULL ? redisConnectUnixWithTimeout(path, p->tv) :
	    redisConnectWithTimeout(hp->host, hp->port, p->tv);
	if (ctx == NULL) {
		store_set_error(err, "redis %s: out of memory", where);
		return NULL;
	}
	if (ctx->err == 0 && redisSetTimeout(ctx, p->tv) == REDIS_OK)
		return ctx;
	store_set_error(err, "redis %s: %s", where,
	    why(ctx, buf, sizeof(buf)));
	redisFree(ctx);
	return NULL;
}

/* setup - AUTH, SELECT, and behind Sentinel check that it is the master */
static int
setup(struct redis_pool *p, redisContext *ctx, const char *where,
    struct store_err *err)
{
	redisReply *r;
	char db[16];
	int ok;

	if (p->password != NULL) {
		if (p->user != NULL)
			r = command_s(ctx, err, where, "AUTH", p->user,
			    p->password, ARGS_END);
		else
			r = command_s(ctx, err, where, "AUTH", p->password,
			    ARGS_END);
		if (r == NULL)
			return -1;
		freeReplyObject(r);
	}
	if (p->database != 0) {
		snprintf(db, sizeof(db), "%d", p->database);
		if ((r = command_s(ctx, err, where, "SELECT", db,
		    ARGS_END)) == NULL)
			return -1;
		freeReplyObject(r);
	}
	if (p->n_sentinels == 0)
		return 0;
	if ((r = command_s(ctx, err, where, "ROLE", ARGS_END)) == NULL)
		return -1;
	ok = r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    r->element[0]->type == REDIS_REPLY_STRING &&
	    strcmp(r->element[0]->str, "master") == 0;
	freeReplyObject(r);
	if (!ok)
		store_set_error(err, "redis %s: not a master", where);
	return ok ? 0 : -1;
}

/* open_at - a set-up connection to hp, or to path when not NULL */
static redisContext *
open_at(struct redis_pool *p, const struct hostport *hp, const char *path,
    struct store_err *err)
{
	char where[HOST_MAX + 32];
	redisContext *ctx;

	if (path != NULL)
		snprintf(where, sizeof(where), "connect unix:%s", path);
	else
		snprintf(where, sizeof(where), "connect %s:%d", hp->host,
		    hp->port);
	if ((ctx = dial(p, hp, path, where, err)) != NULL &&
	    setup(p, ctx, where, err) < 0) {
		redisFree(ctx);
		ctx = NULL;
	}
	return ctx;
}

/* parse_hostport - "host:port" or "[v6]:port"; 0 ok, -1 not */
static int
parse_hostport(const char *s, struct hostport *hp)
{
	const char *colon = strrchr(s, ':'), *end = colon;
	unsigned long port;
	size_t len;
	char *e;

	if (colon == NULL || !isdigit((unsigned char)colon[1]))
		return -1;
	errno = 0;
	port = strtoul(colon + 1, &e, 10);
	if (*e != '\0' || errno != 0 || port < 1 || port > 65535)
		return -1;
	if (*s == '[' && end > s + 1 && end[-1] == ']') {
		s++;
		end--;
	}
	if ((len = (size_t)(end - s)) == 0 || len >= sizeof(hp->host))
		return -1;
	memcpy(hp->host, s, len);
	hp->host[len] = '\0';
	hp->port = (int)port;
	return 0;
}

/* master_addr - the address in a get-master-addr-by-name reply; 1 ok, 0 not */
static int
master_addr(const redisReply *r, struct hostport *hp)
{
	unsigned long port;
	char *e;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_STRING ||
	    r->element[0]->len == 0 || r->element[0]->len >= sizeof(hp->host))
		return 0;
	port = strtoul(r->element[1]->str, &e, 10);
	if (*e != '\0' || port < 1 || port > 65535)
		return 0;
	memcpy(hp->host, r->element[0]->str, r->element[0]->len + 1);
	hp->port = (int)port;
	return 1;
}

/* discover - ask each sentinel in turn for the master, and connect to it */
static redisContext *
discover(struct redis_pool *p, struct store_err *err)
{
	char where[HOST_MAX + 32];
	struct hostport m;
	redisContext *ctx;
	redisReply *r;
	size_t i;
	int ok;

	for (i = 0; i < p->n_sentinels; i++) {
		snprintf(where, sizeof(where), "sentinel %s:%d",
		    p->sentinels[i].host, p->sentinels[i].port);
		if ((ctx = dial(p, &p->sentinels[i], NULL, where, err)) == NULL)
			continue;
		r = command_s(ctx, err, where, "SENTINEL",
		    "get-master-addr-by-name", p->master_name, ARGS_END);
		redisFree(ctx);
		if (r == NULL)
			continue;
		ok = master_addr(r, &m);
		freeReplyObject(r);
		if (!ok) {
			store_set_error(err, "redis %s: no master named %s",
			    where, p->master_name);
			continue;
		}
		if ((ctx = open_at(p, &m, NULL, err)) == NULL)
			continue;
		pthread_mutex_lock(&p->lock);
		p->master = m;
		p->have_master = 1;
		pthread_mutex_unlock(&p->lock);
		return ctx;
	}
	return NULL;
}

/* connect_any - a new connection to the server, or to the master */
static redisContext *
connect_any(struct redis_pool *p, struct store_err *err)
{
	struct hostport m;
	int have;

	if (p->n_sentinels == 0)
		return open_at(p, &p->server, p->path, err);
	pthread_mutex_lock(&p->lock);
	have = p->have_master;
	m = p->master;
	pthread_mutex_unlock(&p->lock);
	return have ? open_at(p, &m, NULL, err) : discover(p, err);
}

/* pick - an idle connection, a connected one first; NULL if none (locked) */
static struct redis_conn *
pick(struct redis_pool *p)
{
	struct redis_conn *idle = NULL;
	unsigned i;

	for (i = 0; i < p->n; i++) {
		if (p->conns[i].busy)
			continue;
		if (p->conns[i].ctx != NULL && p->conns[i].gen == p->gen)
			return &p->conns[i];
		if (idle == NULL)
			idle = &p->conns[i];
	}
	return idle;
}

/* redis_pool_get - lend a connected connection; NULL with err set */
struct redis_conn *
redis_pool_get(struct redis_pool *p, struct store_err *err)
{
	redisContext *stale = NULL;
	struct redis_conn *c;
	struct timespec until;
	unsigned long wait_ms = POOL_WAIT_TIMEOUTS * p->timeout_ms;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)(wait_ms / 1000);
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&p->lock);
	while ((c = pick(p)) == NULL && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&p->freed, &p->lock, &until);
	if (c != NULL) {
		c->busy = 1;
		if (c->ctx != NULL && c->gen != p->gen) {
			stale = c->ctx;
			c->ctx = NULL;
		}
		c->gen = p->gen;
	}
	pthread_mutex_unlock(&p->lock);
	if (c == NULL) {
		store_set_error(err, "redis pool: all %u connections busy",
		    p->n);
		return NULL;
	}
	if (stale != NULL)
		redisFree(stale);
	c->broken = c->lost = 0;
	c->reused = c->ctx != NULL;
	if (c->ctx == NULL && (c->ctx = connect_any(p, err)) == NULL) {
		c->lost = 1;
		redis_pool_put(p, c, 1);
		return NULL;
	}
	return c;
}

/* redis_pool_cmd - one command on a lent connection; NULL with err set */
redisReply *
redis_pool_cmd(struct redis_conn *c, const char *where, int argc,
    const char **argv, const size_t *argvlen, struct store_err *err)
{
	struct redis_pool *p = c->pool;
	redisReply *r;
	int lost = 0;

	r = command(c->ctx, where, argc, argv, argvlen, &lost, err);
	if (r == NULL && lost == 2 && c->reused) {
		/* An idle connection outlived its server: the others did too,
		 * and a new one (behind Sentinel: to the new primary) is
		 * asked once, so that the first session after a restart or a
		 * failover is not decided without state. */
		pthread_mutex_lock(&p->lock);
		p->gen++;
		p->have_master = 0;
		c->gen = p->gen;
		pthread_mutex_unlock(&p->lock);
		redisFree(c->ctx);
		c->reused = 0;
		lost = 0;
		if ((c->ctx = connect_any(p, err)) == NULL) {
			c->broken = c->lost = 1;
			return NULL;
		}
		r = command(c->ctx, where, argc, argv, argvlen, &lost, err);
	}
	if (r == NULL) {
		c->broken = 1;
		c->lost |= lost != 0;
	}
	return r;
}

/* redis_pool_put - give a connection back; bad: close it */
void
redis_pool_put(struct redis_pool *p, struct redis_conn *c, int bad)
{
	redisContext *old = NULL;

	pthread_mutex_lock(&p->lock);
	if (bad || c->broken) {
		old = c->ctx;
		c->ctx = NULL;
	}
	if (c->lost) {
		p->gen++;
		p->have_master = 0;
	}
	c->busy = 0;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
	if (old != NULL)
		redisFree(old);
}

/* check_opts - refuse options that can never work; 0 ok, -1 with err */
static int
check_opts(const struct store_redis_opts *o, char *err, size_t errlen)
{
	size_t un = sizeof(((struct sockaddr_un *)0)->sun_path), i;
	const char *why = NULL;
	struct hostport hp;

	if (o->server != NULL && o->n_sentinels > 0)
		why = "RedisServer and RedisSentinels exclude each other";
	else if (o->server == NULL && o->n_sentinels == 0)
		why = "neither RedisServer nor RedisSentinels is set";
	else if (o->n_sentinels > 0 &&
	    (o->master_name == NULL || *o->master_name == '\0'))
		why = "RedisSentinels needs RedisMasterName";
	else if (o->timeout_ms == 0)
		why = "RedisTimeout must be positive";
	else if (o->database < 0)
		why = "RedisDatabase must not be negative";
	else if (o->user != NULL && o->password == NULL)
		why = "RedisUser needs RedisPassword";
	if (why != NULL) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	if (o->server != NULL && strncmp(o->server, "unix:", 5) == 0) {
		if (o->server[5] == '/' && strlen(o->server + 5) < un)
			return 0;
		snprintf(err, errlen, "RedisServer \"%s\": not "
		    "unix:/absolute/path (or too long)", o->server);
		return -1;
	}
	if (o->server != NULL && parse_hostport(o->server, &hp) < 0) {
		snprintf(err, errlen, "RedisServer \"%s\": not host:port (port "
		    "1-65535) or unix:/path", o->server);
		return -1;
	}
	for (i = 0; i < o->n_sentinels; i++) {
		if (o->sentinels[i] == NULL ||
		    parse_hostport(o->sentinels[i], &hp) < 0) {
			snprintf(err, errlen, "RedisSentinels \"%s\": not "
			    "host:port (port 1-65535)",
			    o->sentinels[i] != NULL ? o->sentinels[i] : "");
			return -1;
		}
	}
	return 0;
}

/* copy_opt - strdup that keeps NULL; 0 ok, -1 out of memory */
static int
copy_opt(char **to, const char *s)
{
	*to = NULL;
	return s == NULL || (*to = strdup(s)) != NULL ? 0 : -1;
}

/* redis_pool_new - an empty pool; NULL with err for bad options */
struct redis_pool *
redis_pool_new(const struct store_redis_opts *o, char *err, size_t errlen)
{
	struct redis_pool *p;
	pthread_condattr_t attr;
	size_t i;

	if (check_opts(o, err, errlen) < 0)
		return NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		goto oom;
	p->n = o->pool_size != 0 ? o->pool_size : POOL_DEFAULT;
	p->timeout_ms = o->timeout_ms;
	p->tv.tv_sec = (time_t)(o->timeout_ms / 1000);
	p->tv.tv_usec = (suseconds_t)(o->timeout_ms % 1000) * 1000;
	p->database = o->database;
	p->n_sentinels = o->n_sentinels;
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&p->freed, &attr);
	pthread_condattr_destroy(&attr);
	if ((p->conns = calloc(p->n, sizeof(*p->conns))) == NULL ||
	    (p->sentinels = calloc(o->n_sentinels + 1,
	    sizeof(*p->sentinels))) == NULL ||
	    copy_opt(&p->master_name, o->master_name) < 0 ||
	    copy_opt(&p->user, o->user) < 0 ||
	    copy_opt(&p->password, o->password) < 0)
		goto oom;
	for (i = 0; i < p->n; i++)
		p->conns[i].pool = p;
	for (i = 0; i < o->n_sentinels; i++)
		parse_hostport(o->sentinels[i], &p->sentinels[i]);
	if (o->server != NULL && strncmp(o->server, "unix:", 5) == 0) {
		if (copy_opt(&p->path, o->server + 5) < 0)
			goto oom;
	} else if (o->server != NULL)
		parse_hostport(o->server, &p->server);
	return p;
oom:
	redis_pool_free(p);
	snprintf(err, errlen, "out of memory");
	return NULL;
}

/* redis_pool_free - close every connection (none may be lent); NULL ok */
void
redis_pool_free(struct redis_pool *p)
{
	unsigned i;

	if (p == NULL)
		return;
	for (i = 0; p->conns != NULL && i < p->n; i++)
		if (p->conns[i].ctx != NULL)
			redisFree(p->conns[i].ctx);
	free(p->conns);
	free(p->sentinels);
	free(p->master_name);
	free(p->user);
	free(p->password);
	free(p->path);
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
