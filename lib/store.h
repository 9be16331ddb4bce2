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
 *	    const char *key, time_t now, struct quarantine *q_r,
 *	    struct store_err *err);
 *	int store_quarantine_put(struct store *st, enum store_kind kind,
 *	    const char *key, const struct quarantine *q,
 *	    const struct store_escalation *esc, time_t now,
 *	    struct quarantine *merged_r, struct store_err *err);
 *	int store_quarantine_release(struct store *st, enum store_kind kind,
 *	    const char *key, time_t now, struct store_err *err);
 *	int store_quarantine_list(struct store *st, enum store_kind kind,
 *	    time_t now, store_list_fn fn, void *arg, struct store_err *err);
 *	int store_server_info(struct store *st,
 *	    struct store_server_info *info_r, struct store_err *err);
 *	int store_check(struct store *st, struct store_check *c,
 *	    time_t now, struct store_err *err);
 *	void store_free(struct store *st);
 *
 *	struct store *store_redis_new(const struct store_redis_opts *o,
 *	    char *err, size_t errlen);
 *	struct store *store_lmdb_new(const struct store_lmdb_opts *o,
 *	    char *err, size_t errlen);
 *
 *	int store_events_read(struct store *st, const char *group,
 *	    const char *consumer, const char *after, unsigned wait_ms,
 *	    time_t now, struct store_event *v, size_t max, size_t *n_r,
 *	    struct store_err *err);
 *	int store_events_ack(struct store *st, const char *group,
 *	    const char *id, struct store_err *err);
 *	int store_note_put(struct store *st, const char *name,
 *	    const char *value, time_t expires, int only_new, time_t now,
 *	    struct store_err *err);
 *	int store_note_get(struct store *st, const char *name, time_t now,
 *	    char *value_r, size_t len, struct store_err *err);
 *	int store_sweep(struct store *st, time_t now,
 *	    struct store_err *err);
 *
 *	void store_set_error(struct store_err *err, const char *fmt, ...);
 * DESCRIPTION
 *	A store is a struct of function pointers (the backend). Every
 *	function may be called from any thread at once, and, for LMDB, from
 *	several processes at once (the daemon and isolationctl). Backends:
 *	LMDB (store_lmdb.c: one server, a persistent file; the default),
 *	Redis (store_redis.c, its connections in redis_pool.c: a cluster)
 *	and memory (store_memory.c: this process only, for tests). Keys are
 *	opaque bytes, at most STORE_KEY_MAX: a canonical IP text or a
 *	login; backends never format them into command strings.
 *
 *	Errors and threads: the store keeps no error of its own. The daemon
 *	shares one store between libmilter's worker threads (and its
 *	sweeper), so a "last error" of the store would be overwritten by
 *	another thread's failure before the thread that failed first could
 *	read it. Each call therefore takes the caller's struct store_err,
 *	err, which it owns (on its stack, in its session): a call that
 *	returns -1 writes why into err->text, and nothing else ever writes
 *	there. Inside a backend the error comes from what only the failing
 *	call holds: the Redis connection lent to it (redis_pool.c; hiredis
 *	keeps it in that connection's redisContext.errstr), its LMDB
 *	transaction, the memory store's table under the store's lock. err
 *	may be NULL when the caller does not want the text.
 *	store_set_error() is how a backend fills it (NULL ok).
 *
 *	Time is passed in; records carry absolute expiry times and a backend
 *	treats an expired record as absent.
 *
 *	store_quarantine_put() creates a record or refreshes an existing
 *	one: first_seen, node and incident kept, last_seen, reason, rule
 *	and evidence updated, hits incremented, expiry extended to
 *	q->expires (never shortened). The resulting record goes to
 *	*merged_r (may be NULL).
 *
 *	A new record (no live one for kind:key) opens an incident: it gets
 *	the next number of the store's incident counter (one counter per
 *	store, shared by every node: 1, 2, 3...), and, when esc is not NULL
 *	and esc->factor > 1, its expiry is escalated: the store remembers
 *	per kind:key how many incidents it had (a history that lives
 *	esc->window seconds after the latest incident opened); the n-th
 *	incident within that window lasts (q->expires - now) * factor^(n-1)
 *	seconds, but no more than esc->max_ttl (and never less than
 *	q->expires - now). merged_r->repeat is n (1 without escalation).
 *
 *	Events: every put writes one event in the same atomic step, type
 *	STORE_EVENT_QUARANTINE for a new incident and STORE_EVENT_HIT for a
 *	refresh, with the merged record; a release of a live record writes
 *	STORE_EVENT_RELEASE with the released record, its node replaced by
 *	the releasing node (the backend's opts node) and last_seen by now.
 *	Expiry is not an event. The events form a durable, ordered log
 *	(Redis: the stream <prefix>events, XADD MAXLEN ~ events_max, and a
 *	PUBLISH of the same line on the channel <prefix>events for live
 *	watchers; LMDB: a table of the state file, the oldest dropped past
 *	events_max). Event ids grow with every event: Redis's stream ids
 *	("1764200000000-0"), LMDB's a decimal sequence ("42").
 *
 *	store_events_read() returns up to max events into v, oldest first.
 *	With group NULL it reads the log from a position: the events after
 *	id after ("0": from the oldest kept; "$": only those that come
 *	from now on). With a group (created on first use at the start of
 *	the log, so a group that never ran sees what is kept) it reads as
 *	consumer in that group, as Redis's XREADGROUP does: first the
 *	events delivered to this consumer and never acknowledged (after is
 *	ignored), then events pending for another consumer longer than
 *	STORE_EVENTS_CLAIM_MS (that consumer died: they are claimed), then
 *	events never delivered to the group. Each event is delivered to
 *	one consumer of a group at a time and stays pending until
 *	store_events_ack(). When nothing is there, it waits up to wait_ms
 *	for an event (0: does not wait). *n_r is how many were read.
 *
 *	Notes are small named values with an expiry, for what the incident
 *	loop must remember across nodes: the login last seen on an IP, the
 *	alert already sent for an incident, the last self-release of an IP.
 *	store_note_put() writes name=value until expires; with only_new it
 *	writes only when no live note has that name (an atomic claim).
 *	store_note_get() reads one into value_r (cut to len - 1 octets).
 *
 *	store_sweep() removes expired records, counters, notes and history
 *	(LMDB: in bounded batches, so that sessions are never held long;
 *	Redis and memory: nothing to do, they expire by themselves or when
 *	met). The daemon calls it from a background thread.
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
 *	are quarantined; when c->seen_login is set, it also notes, as
 *	store_note_put() would, "seen:<c->ip>" = c->seen_login until now +
 *	c->seen_ttl (the login last seen authenticating from that address,
 *	for alerts); and, atomically, adds counter->add to each rate
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
 *	1 found / 0 not found / -1 error for get, release, note_get; 0 / -1
 *	for put, check, events_read, events_ack and sweep; note_put 1
 *	written, 0 not written (only_new and a live note), -1 error. list
 *	returns how many records it passed to fn (the one that stopped it
 *	included), or -1, after which fn may have seen some records
 *	already. server_info returns 1 filled, 0 no server (memory), -1
 *	error. On -1, err->text says what went wrong ("redis check:
 *	timeout") and the outputs are not to be used; after any other
 *	result err->text is not to be read. store_redis_new() returns NULL
 *	with a message in err for options that can never work,
 *	store_lmdb_new() for a file it cannot open.
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
	unsigned long incident;		/* set by the store at put: its number */
	unsigned long repeat;		/* set by the store: nth incident of the key */
};

/* QuarantineEscalation, for store_quarantine_put(). */
struct store_escalation {
	unsigned factor;		/* 2: each repeat doubles; <= 1: none */
	time_t	max_ttl;		/* seconds: the longest quarantine */
	time_t	window;			/* seconds: how long an incident counts */
};

enum store_event_type {
	STORE_EVENT_QUARANTINE,		/* a new incident */
	STORE_EVENT_HIT,		/* a live record refreshed */
	STORE_EVENT_RELEASE,		/* a live record lifted */
};

#define STORE_KEY_MAX		256	/* a key longer than this is refused */
#define STORE_ERR_MAX		256	/* an error text, NUL included */
#define STORE_EVENT_ID_MAX	32
#define STORE_NOTE_MAX		512	/* a note's name or value */
#define STORE_EVENTS_CLAIM_MS	60000	/* a pending event of a dead consumer */

/* Why one call failed: the caller's own, written only by a failing call. */
struct store_err {
	char	text[STORE_ERR_MAX];
};

/* One event of the durable log. */
struct store_event {
	char	id[STORE_EVENT_ID_MAX];	/* its place in the log */
	enum store_event_type type;
	enum store_kind kind;
	char	key[STORE_KEY_MAX + 1];
	time_t	time;			/* when it happened (the now passed in) */
	struct quarantine q;		/* the record (merged, or released) */
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
	const char *seen_login;		/* note ip -> this login; NULL: none */
	time_t	seen_ttl;		/* seconds the note lives */
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
	unsigned pool_size;		/* connections at most; 0: default 16 */
	const char *node;		/* this server's name, in release events */
	unsigned long events_max;	/* events kept (MAXLEN ~); 0: 100000 */
};

/* Where the embedded backend keeps its file (DESIGN §5). */
struct store_lmdb_opts {
	const char *path;		/* StateFile: the file (MDB_NOSUBDIR) */
	unsigned long long map_size;	/* octets the file may grow to; 0: default */
	const char *node;		/* this server's name, in release events */
	unsigned long events_max;	/* events kept; 0: 100000 */
	int	read_only;		/* a tool that only reads */
};

struct store;

struct store_ops {
	const char *name;
	int	(*quarantine_get)(struct store *, enum store_kind, const char *,
		    time_t, struct quarantine *, struct store_err *);
	int	(*quarantine_put)(struct store *, enum store_kind, const char *,
		    const struct quarantine *, const struct store_escalation *,
		    time_t, struct quarantine *, struct store_err *);
	int	(*quarantine_release)(struct store *, enum store_kind,
		    const char *, time_t, struct store_err *);
	int	(*check)(struct store *, struct store_check *, time_t,
		    struct store_err *);
	void	(*free)(struct store *);
	int	(*quarantine_list)(struct store *, enum store_kind, time_t,
		    store_list_fn, void *, struct store_err *);
	/* NULL for a backend with no server of its own */
	int	(*server_info)(struct store *, struct store_server_info *,
		    struct store_err *);
	int	(*events_read)(struct store *, const char *, const char *,
		    const char *, unsigned, time_t, struct store_event *,
		    size_t, size_t *, struct store_err *);
	int	(*events_ack)(struct store *, const char *, const char *,
		    struct store_err *);
	int	(*note_put)(struct store *, const char *, const char *, time_t,
		    int, time_t, struct store_err *);
	int	(*note_get)(struct store *, const char *, time_t, char *,
		    size_t, struct store_err *);
	/* NULL when records expire by themselves */
	int	(*sweep)(struct store *, time_t, struct store_err *);
};

struct store {
	const struct store_ops *ops;
};

struct store *store_memory_new(void);
struct store *store_redis_new(const struct store_redis_opts *o, char *err,
	    size_t errlen);
struct store *store_lmdb_new(const struct store_lmdb_opts *o, char *err,
	    size_t errlen);

int	store_quarantine_get(struct store *st, enum store_kind kind,
	    const char *key, time_t now, struct quarantine *q_r,
	    struct store_err *err);
int	store_quarantine_put(struct store *st, enum store_kind kind,
	    const char *key, const struct quarantine *q,
	    const struct store_escalation *esc, time_t now,
	    struct quarantine *merged_r, struct store_err *err);
int	store_quarantine_release(struct store *st, enum store_kind kind,
	    const char *key, time_t now, struct store_err *err);
int	store_quarantine_list(struct store *st, enum store_kind kind,
	    time_t now, store_list_fn fn, void *arg, struct store_err *err);
int	store_server_info(struct store *st, struct store_server_info *info_r,
	    struct store_err *err);
int	store_check(struct store *st, struct store_check *c, time_t now,
	    struct store_err *err);
int	store_events_read(struct store *st, const char *group,
	    const char *consumer, const char *after, unsigned wait_ms,
	    time_t now, struct store_event *v, size_t max, size_t *n_r,
	    struct store_err *err);
int	store_events_ack(struct store *st, const char *group, const char *id,
	    struct store_err *err);
int	store_note_put(struct store *st, const char *name, const char *value,
	    time_t expires, int only_new, time_t now, struct store_err *err);
int	store_note_get(struct store *st, const char *name, time_t now,
	    char *value_r, size_t len, struct store_err *err);
int	store_sweep(struct store *st, time_t now, struct store_err *err);
const char *store_event_type_name(enum store_event_type type);
const char *store_kind_name(enum store_kind kind);
void	store_set_error(struct store_err *err, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
const char *store_name(const struct store *st);
void	store_free(struct store *st);

#endif
