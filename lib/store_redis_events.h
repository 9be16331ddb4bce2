/*
 * NAME
 *	store_redis_events 3h
 * SUMMARY
 *	the Redis backend's two halves: what they share
 * SYNOPSIS
 *	#include "store_redis_events.h"
 *
 *	int redis_events_read(struct store *st, const char *group,
 *	    const char *consumer, const char *after, unsigned wait_ms,
 *	    time_t now, struct store_event *v, size_t max, size_t *n_r,
 *	    struct store_err *err);
 *	int redis_events_ack(struct store *st, const char *group,
 *	    const char *id, struct store_err *err);
 *	int redis_note_put(struct store *st, const char *name,
 *	    const char *value, time_t expires, int only_new, time_t now,
 *	    struct store_err *err);
 *	int redis_note_get(struct store *st, const char *name, time_t now,
 *	    char *value_r, size_t len, struct store_err *err);
 *	int redis_list(struct store *st, enum store_kind kind, time_t now,
 *	    store_list_fn fn, void *arg, struct store_err *err);
 *	int redis_server_info(struct store *st,
 *	    struct store_server_info *info_r, struct store_err *err);
 *
 *	redisReply *redis_store_run(struct redis_store *rs,
 *	    struct redis_conn *c, enum redis_script s, struct redis_args *a,
 *	    const char *where, struct store_err *err);
 *	int redis_store_finish(struct redis_store *rs, struct redis_conn *c,
 *	    redisReply *r, struct redis_args *a, int rc, const char *where,
 *	    struct store_err *err);
 *	void redis_store_text(char *to, size_t size, const redisReply *e);
 *	int redis_store_record(const redisReply *r, struct quarantine *q);
 * DESCRIPTION
 *	store_redis.c serves the SMTP path (get, put, release and check,
 *	one round trip each) and writes the events; store_redis_events.c
 *	serves the operator's tool and the notifier: it reads the events,
 *	keeps the notes, lists the records and describes the server. Both
 *	work on struct redis_store and run their Lua scripts through
 *	redis_store_run() (EVALSHA under the name SCRIPT LOAD gave, the
 *	script loaded again on NOSCRIPT: see store_redis.c); nothing else
 *	includes this header. The redis_events_*, redis_note_*, redis_list
 *	and redis_server_info functions are the store ops of store.h, with
 *	its contract.
 *
 *	redis_store_finish() gives the connection back (closed after a
 *	failure), frees the reply and the arguments, and turns rc -2 into
 *	-1 with "redis WHERE: unexpected reply" in err. redis_store_text()
 *	copies a string reply into a fixed-size field, cut to fit; anything
 *	else becomes "". redis_store_record() parses a record read as
 *	REDIS_RECORD_FIELDS names its fields (nil for a field it lacks):
 *	0, or -1 for a reply of another shape or without its times and hits.
 */
#ifndef ISO_STORE_REDIS_EVENTS_H
#define ISO_STORE_REDIS_EVENTS_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "redis_args.h"
#include "redis_pool.h"
#include "store.h"

enum redis_script {
	SCRIPT_PUT, SCRIPT_RELEASE, SCRIPT_CHECK, SCRIPT_LIST, SCRIPT_READ,
	N_SCRIPTS
};

struct redis_store {
	struct store base;
	struct redis_pool *pool;
	char	*prefix;
	char	*node;			/* "" when not set */
	char	*events;		/* prefix "events": stream, channel */
	char	events_max[24];		/* MAXLEN ~, decimal */
	pthread_mutex_t lock;		/* sha */
	char	sha[N_SCRIPTS][41];	/* SCRIPT LOAD's names; "": not yet */
};

/* a record's fields, in the order HMGET asks and the scripts return */
#define REDIS_RECORD_FIELDS \
	"'rule', 'reason', 'evidence', 'node', 'first_seen', 'last_seen', " \
	"'expires', 'hits', 'incident', 'repeat'"

/* store_redis_events.c's scripts: a page of a listing; a group's read */
extern const char redis_list_script[];
extern const char redis_read_script[];

int	redis_events_read(struct store *st, const char *group,
	    const char *consumer, const char *after, unsigned wait_ms,
	    time_t now, struct store_event *v, size_t max, size_t *n_r,
	    struct store_err *err);
int	redis_events_ack(struct store *st, const char *group,
	    const char *id, struct store_err *err);
int	redis_note_put(struct store *st, const char *name, const char *value,
	    time_t expires, int only_new, time_t now, struct store_err *err);
int	redis_note_get(struct store *st, const char *name, time_t now,
	    char *value_r, size_t len, struct store_err *err);
int	redis_list(struct store *st, enum store_kind kind, time_t now,
	    store_list_fn fn, void *arg, struct store_err *err);
int	redis_server_info(struct store *st,
	    struct store_server_info *info_r, struct store_err *err);

redisReply *redis_store_run(struct redis_store *rs, struct redis_conn *c,
	    enum redis_script s, struct redis_args *a, const char *where,
	    struct store_err *err);
int	redis_store_finish(struct redis_store *rs, struct redis_conn *c,
	    redisReply *r, struct redis_args *a, int rc, const char *where,
	    struct store_err *err);
void	redis_store_text(char *to, size_t size, const redisReply *e);
int	redis_store_record(const redisReply *r, struct quarantine *q);

#endif
