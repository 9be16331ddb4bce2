/*
 * NAME
 *	redis_pool 3h
 * SUMMARY
 *	a bounded pool of hiredis connections, with Sentinel discovery
 * SYNOPSIS
 *	#include "redis_pool.h"
 *
 *	struct redis_pool *redis_pool_new(const struct store_redis_opts *o,
 *	    char *err, size_t errlen);
 *	struct redis_conn *redis_pool_get(struct redis_pool *p,
 *	    struct store_err *err);
 *	redisReply *redis_pool_cmd(struct redis_conn *c, const char *where,
 *	    int argc, const char **argv, const size_t *argvlen,
 *	    struct store_err *err);
 *	void redis_pool_put(struct redis_pool *p, struct redis_conn *c,
 *	    int bad);
 *	void redis_pool_free(struct redis_pool *p);
 * DESCRIPTION
 *	The connection half of the Redis store backend (store_redis.c keeps
 *	the commands). At most o->pool_size connections (default 16), made
 *	when first needed: redis_pool_new() never connects.
 *
 *	redis_pool_get() lends one connection to one thread, connecting it
 *	first when needed (TCP or Unix socket, then the command timeout,
 *	AUTH, SELECT; behind Sentinel, discovery and a ROLE check). When
 *	every connection is lent it waits for one at most four times the
 *	timeout: a holder may send several commands (a script loaded
 *	again, a reconnection's AUTH and SELECT), each within the timeout,
 *	and on a host short of CPU a holder waits for a core as well; a
 *	wait of one timeout turned such load into store errors.
 *	redis_pool_put() gives it back; bad says the caller met a reply it
 *	cannot trust, and the connection is closed.
 *
 *	redis_pool_cmd() runs one command with binary-safe arguments. A
 *	connection that fails in any way, or answers with an error, is
 *	closed when given back; the next user connects anew. A connection
 *	level failure (I/O, timeout) or a READONLY or MASTERDOWN answer also
 *	retires the idle connections and, behind Sentinel, the master
 *	address, which is asked for again.
 * DIAGNOSTICS
 *	redis_pool_new() returns NULL with a message in err for options
 *	that can never work. redis_pool_get() and redis_pool_cmd() return
 *	NULL with "redis WHERE: WHY" in err, the caller's (store.h): a
 *	connection is lent to one thread at a time, and what failed on it
 *	is written for that thread only. The only error reply
 *	redis_pool_cmd() returns is NOSCRIPT, for the caller to load the
 *	script again; it is not held against the connection.
 */
#ifndef ISO_REDIS_POOL_H
#define ISO_REDIS_POOL_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "store.h"

struct redis_pool;
struct redis_conn;

struct redis_pool *redis_pool_new(const struct store_redis_opts *o, char *err,
	    size_t errlen);
struct redis_conn *redis_pool_get(struct redis_pool *p, struct store_err *err);
redisReply *redis_pool_cmd(struct redis_conn *c, const char *where, int argc,
	    const char **argv, const size_t *argvlen, struct store_err *err);
void	redis_pool_put(struct redis_pool *p, struct redis_conn *c, int bad);
void	redis_pool_free(struct redis_pool *p);

#endif
