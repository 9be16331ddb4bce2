/*
 * NAME
 *	store 3h
 * SUMMARY
 *	shared state: quarantine records and rate counters behind one
 *	interface
 * SYNOPSIS
 *	#include "store.h"
 *
 *	struct store *store_memory_new(void);
 *	int store_quarantine_get(struct store *st, enum store_kind kind,
 *	    const char *key, time_t now, struct quarantine *q_r);
 *	int store_quarantine_put(struct store *st, enum store_kind kind,
 *	    const char *key, const struct quarantine *q, time_t now,
 *	    struct quarantine *merged_r);
 *	int store_quarantine_release(struct store *st, enum store_kind kind,
 *	    const char *key, time_t now);
 *	int store_quarantine_list(struct store *st, enum store_kind kind,
 *	    time_t now, store_list_fn fn, void *arg);
 *	int store_server_info(struct store *st,
 *	    struct store_server_info *info_r);
 *	int store_check(struct store *st, struct store_check *c,
 *	    time_t now);
 *	void store_free(struct store *st);
 *
 *	struct store *store_redis_new(const struct store_redis_opts *o,
 *	    char *err, size_t errlen);
 * DESCRIPTION
 *	A store is a struct of function pointers (the backend). Every
 *	function may be called from any thread at once. Backends: memory
 *	(this process only; the default) and, for a cluster, Redis
 *	(store_redis.c, its connections in redis_pool.c). Keys are opaque bytes: a canonical IP text or a
 *	login; backends never format them into command strings.
 *
 *	Time is passed in; records carry absolute expiry times and a backend
 *	treats an expired record as absent.
 *
 *	store_quarantine_put() creates a record or refreshes an existing
 *	one: first_seen and node kept, last_seen, reason, rule and evidence
 *	updated, hits incremented, expiry extended to q->expires (never
 *	shortened). The resulting record goes to *merged_r (may be NULL).
 *	put and release publish an event (Redis: on the channel
 *	<prefix>events) so that routers and alerting can follow.
 *
 *	store_quarantine_list() calls fn(arg, kind, key, record) once for
 *	every record of that kind live at now, in no particular order, and
 *	stops early when fn returns nonzero. It is for the operator's tool,
 *	not for the per-session path: it walks every record (Redis: SCAN
 *	over the whole database, see store_redis.c). fn is never called
 *	with a backend lock or connection held, so it may take its time
 *	and may call the store itself.
 *
 *	store_server_info() describes the server behind a remote backend
 *	(Redis's INFO); a backend with no server of its own has none.
 *
 *	store_check() answers what one SMTP stage needs, in one round trip
 *	to a remote backend: whether c->ip and c->login (each may be NULL)
 *	are quarantined, and, atomically, adds counter->add to each rate
 *	counter and reads it back. A counter is named by kind, key, what and
 *	window_ms; its window starts with its first hit and lasts window_ms
 *	(on the backend's clock: Redis's for Redis, now for memory), after
 *	which it starts again from zero. reset_ms_r says how long the
 *	current window still runs.
 *
 *	store_redis_new() validates the options and creates the Redis
 *	backend without connecting: a Redis that is down at start is an
 *	outage like any other, not a reason to refuse to start.
 * DIAGNOSTICS
 *	1 found / 0 not found / -1 error for get and release; 0 / -1 for put
 *	and check. list returns how many records it passed to fn (the one
 *	that stopped it included), or -1, after which fn may have seen some
 *	records already. server_info returns 1 filled, 0 no server (memory),
 *	-1 error. On -1, store_error() says what went wrong and the
 *	outputs are not to be used. store_redis_new() returns NULL with a
 *	message in err for options that can never work.
 */
#ifndef ISO_STORE_H
#define ISO_STORE_H

#include <time.h>

#include "rules.h"

enum store_kind {
	STORE_IP,
	STORE_LOGIN,
};

struct quarantine {
	enum rule_id rule;		/* the rule that raised it */
	char	reason[128];
	char	evidence[256];
	char	node[64];		/* the server that raised it */
	time_t	first_seen;
	time_t	last_seen;
	time_t	expires;
	unsigned long hits;
};

/* One counter of a RateLimit line, for store_check(). */
struct store_counter {
	enum store_kind kind;		/* counted per client IP or per login */
	const char *key;		/* the IP text or the login */
	const char *what;		/* "messages" or "recipients" */
	unsigned long window_ms;
	unsigned long add;		/* what this stage adds: 1 usually */
	unsigned long count_r;		/* out: the count after adding */
	unsigned long reset_ms_r;	/* out: until the window ends */
};

/* What one SMTP stage asks of the store. */
struct store_check {
	const char *ip;			/* quarantine to read; NULL: none */
	const char *login;		/* quarantine to read; NULL: none */
	int	ip_quarantined_r;	/* out: 1 or 0 */
	int	login_quarantined_r;	/* out: 1 or 0 */
	struct store_counter *counters;
	size_t	n_counters;
};

/* What store_quarantine_list() calls per record; nonzero stops. */
typedef int (*store_list_fn)(void *arg, enum store_kind kind,
	    const char *key, const struct quarantine *q);

/* The server behind a remote backend, for the operator (Redis: INFO). */
struct store_server_info {
	char	version[32];		/* redis_version */
	unsigned long long used_memory;	/* octets */
	unsigned long connected_clients;
};

/* Where the Redis backend finds its server (DESIGN §5). */
struct store_redis_opts {
	const char *server;		/* "host:port", "unix:/path"; or NULL */
	const char *const *sentinels;	/* "host:port" each, with master_name */
	size_t	n_sentinels;
	const char *master_name;
	const char *user;		/* NULL: no ACL user */
	const char *password;		/* NULL: no AUTH */
	int	database;
	const char *prefix;		/* "iso:" */
	unsigned long timeout_ms;	/* connect and every command */
	unsigned pool_size;		/* connections at most; 0: default 4 */
	const char *node;		/* this server's name, in release events */
};

struct store;

struct store_ops {
	const char *name;
	int	(*quarantine_get)(struct store *, enum store_kind, const char *,
		    time_t, struct quarantine *);
	int	(*quarantine_put)(struct store *, enum store_kind, const char *,
		    const struct quarantine *, time_t, struct quarantine *);
	int	(*quarantine_release)(struct store *, enum store_kind,
		    const char *, time_t);
	int	(*check)(struct store *, struct store_check *, time_t);
	void	(*free)(struct store *);
	int	(*quarantine_list)(struct store *, enum store_kind, time_t,
		    store_list_fn, void *);
	/* NULL for a backend with no server of its own */
	int	(*server_info)(struct store *, struct store_server_info *);
};

struct store {
	const struct store_ops *ops;
};

struct store *store_memory_new(void);
struct store *store_redis_new(const struct store_redis_opts *o, char *err,
	    size_t errlen);

int	store_quarantine_get(struct store *st, enum store_kind kind,
	    const char *key, time_t now, struct quarantine *q_r);
int	store_quarantine_put(struct store *st, enum store_kind kind,
	    const char *key, const struct quarantine *q, time_t now,
	    struct quarantine *merged_r);
int	store_quarantine_release(struct store *st, enum store_kind kind,
	    const char *key, time_t now);
int	store_quarantine_list(struct store *st, enum store_kind kind,
	    time_t now, store_list_fn fn, void *arg);
int	store_server_info(struct store *st, struct store_server_info *info_r);
int	store_check(struct store *st, struct store_check *c, time_t now);
const char *store_error(const struct store *st);
void	store_set_error(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
const char *store_name(const struct store *st);
void	store_free(struct store *st);

#endif
