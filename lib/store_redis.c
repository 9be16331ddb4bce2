/*
 * NAME
 *	store_redis 3
 * SUMMARY
 *	the Redis state backend, shared by every node of a cluster
 * SYNOPSIS
 *	#include "store.h"
 *
 *	struct store *store_redis_new(const struct store_redis_opts *o,
 *	    char *err, size_t errlen);
 * DESCRIPTION
 *	Behaves as store_memory.c does, for any now passed in. This file
 *	serves the SMTP path (get, put, release, check) and writes the
 *	events; the connections (pool, reconnection, Sentinel) are
 *	redis_pool.c's; what only the operator's tool and the notifier do
 *	(reading the events, the notes, listings, server_info) is
 *	store_redis_events.c's.
 *
 *	Every command is sent with redisCommandArgv() and explicit lengths:
 *	keys and values are bytes, never formatted into a command string.
 *
 *	Keys, with P the prefix (RedisPrefix, "iso:"):
 *
 *	P"q:ip:"KEY, P"q:login:"KEY
 *		a quarantine record: a hash with the fields rule (the rule id
 *		text), reason, evidence, node, first_seen, last_seen, expires
 *		(seconds since the epoch), hits, incident and repeat. Reads
 *		compare expires with the now passed in; the key's own
 *		PEXPIRE, expires - now, only lets Redis drop it in the end.
 *	P"incident"
 *		the incident counter, INCR'd by a put that opens one.
 *	P"h:ip:"KEY, P"h:login:"KEY
 *		the escalation history of a key: a hash with count (the
 *		incidents in the window) and opened (when the latest one
 *		opened, the now of its put). It counts while opened + window
 *		> now; PEXPIRE window lets Redis drop it after.
 *	P"r:"KIND":"WHAT":"WINDOW_MS":"KEY
 *		a rate counter (KIND ip or login, WHAT messages or
 *		recipients): an integer, INCRBY'd; a counter with no TTL (a
 *		new window) gets PEXPIRE WINDOW_MS, and reset_ms_r is its
 *		PTTL. Counters run on Redis's clock, not on now.
 *	P"events"
 *		the events log, a stream (see below and store_redis_events.c).
 *	P"n:"NAME
 *		a note (store_redis_events.c); store_check()'s seen_login is
 *		the note P"n:seen:"IP, written by the check script.
 *
 *	Each SMTP-path operation is one round trip: a get is one HMGET;
 *	put, release and check are Lua scripts, atomic, sent by EVALSHA
 *	under the name the server gave each script when it was loaded
 *	(SCRIPT LOAD, the first time a script is needed: one trip more,
 *	once per process; the name is kept in the store, under its lock,
 *	for every thread). A server that answers NOSCRIPT has lost its
 *	scripts (a restart, a SCRIPT FLUSH, a failover to a replica that
 *	never loaded them): the script is loaded again and the EVALSHA
 *	sent once more. SCRIPT LOAD rather than EVAL: what SCRIPT LOAD
 *	loads stays until a restart or a flush, where a server may evict
 *	what EVAL loaded. A put reads the record, and for a new one takes
 *	the incident number and, with escalation, reads and updates the
 *	history, writes the record and the event, in the same script. A
 *	check reads both quarantine keys (an empty key name stands for
 *	none), writes the seen note and adds to every counter in the same
 *	script; a check that asks nothing makes no trip at all. A release
 *	deletes a record that expired by now too, but returns 0 and writes
 *	no event, as memory does. A record's node is the one put
 *	(q->node); o->node names this server in the release events.
 *
 *	put and release write their event twice, in their script: XADD
 *	P"events" MAXLEN ~ events_max * with one field per value (type,
 *	kind, key, time, rule, reason, evidence, node, first_seen,
 *	last_seen, expires, hits, incident, repeat; type is quarantine,
 *	hit or release), the durable log; and PUBLISH on the channel
 *	P"events" of one line of space-separated name=value pairs, for live
 *	watchers:
 *
 *	event=quarantine kind=ip key=127.0.2.66 rule=inbound.customer_direct
 *	    expires=1764200000 hits=1 node=mx1 reason=... incident=7 repeat=1
 *		a new incident (event=hit: a live record refreshed; the
 *		merged record's values either way);
 *	event=release kind=login key=alice@example.net node=mx2 incident=7
 *		a live record released; node is the releasing server.
 *
 *	Values are xtext (RFC 3461, as xtext.c decodes it): an octet outside
 *	33-126, and "+" and "=", is written "+" and two upper-case hex
 *	digits ("John Doe" is "John+20Doe"), so a line is split at spaces
 *	and at the first "=" of each pair. Fields may be added at the end of
 *	a line; a watcher looks them up by name.
 *
 *	The program ignores SIGPIPE, as the daemon does: hiredis writes
 *	with write(2) to sockets that a server may have closed.
 * DIAGNOSTICS
 *	-1 with "redis WHERE: WHY" in the caller's err, WHY being
 *	"timeout", "connection refused", the server's error ("NOAUTH ...")
 *	or "out of memory". Never exits, never logs.
 */
#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redis_args.h"
#include "redis_pool.h"
#include "store.h"
#include "store_redis_events.h"

/* xtext-encode a value of an event line */
#define LUA_XTEXT \
"local function x(s)\n" \
"  return (string.gsub(s, '[^!-*,-<>-~]', function(c)\n" \
"    return string.format('+%02X', string.byte(c)) end))\n" \
"end\n"

/*
 * KEYS the record, the history, the incident counter, the events. ARGV
 * now, expires, rule, reason, evidence, node, kind, key, factor (0: no
 * escalation), max_ttl, window, events_max. The n-th incident of a
 * window lasts the base TTL times factor^(n-1), within [base, max_ttl].
 * Returns the merged record in the order of fields[].
 */
static const char put_script[] = LUA_XTEXT
"local k, now, exp = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])\n"
"local first, node, hits, inc, rep, t = ARGV[1], ARGV[6], 1, nil, 1,\n"
"  'quarantine'\n"
"local old = redis.call('HMGET', k, 'expires', 'first_seen', 'node',\n"
"  'hits', 'incident', 'repeat')\n"
"local was = tonumber(old[1])\n"
"if was and was > now then\n"
"  first, node, t = old[2] or first, old[3] or node, 'hit'\n"
"  hits = (tonumber(old[4]) or 0) + 1\n"
"  inc, rep = tonumber(old[5]), tonumber(old[6]) or 1\n"
"  if was > exp then exp = was end\n"
"elseif tonumber(ARGV[9]) > 1 then\n"
"  local f, max, win = tonumber(ARGV[9]), tonumber(ARGV[10]),\n"
"    tonumber(ARGV[11])\n"
"  local h = redis.call('HMGET', KEYS[2], 'count', 'opened')\n"
"  if tonumber(h[2]) and tonumber(h[2]) + win > now then\n"
"    rep = (tonumber(h[1]) or 0) + 1\n"
"  end\n"
"  local base = exp - now\n"
"  local ttl = base\n"
"  for i = 2, base > 0 and rep or 1 do\n"
"    if ttl >= max then break end\n"
"    ttl = ttl * f\n"
"  end\n"
"  if ttl > max then ttl = max end\n"
"  if ttl > base then exp = now + ttl end\n"
"  if win > 0 then\n"
"    redis.call('HSET', KEYS[2], 'count', string.format('%d', rep),\n"
"      'opened', ARGV[1])\n"
"    redis.call('PEXPIRE', KEYS[2], string.format('%d', win * 1000))\n"
"  end\n"
"end\n"
"if not inc then inc = redis.call('INCR', KEYS[3]) end\n"
"local e, h = string.format('%d', exp), string.format('%d', hits)\n"
"local i, r = string.format('%d', inc), string.format('%d', rep)\n"
"redis.call('HSET', k, 'rule', ARGV[3], 'reason', ARGV[4],\n"
"  'evidence', ARGV[5], 'node', node, 'first_seen', first,\n"
"  'last_seen', ARGV[1], 'expires', e, 'hits', h, 'incident', i,\n"
"  'repeat', r)\n"
"if exp > now then\n"
"  redis.call('PEXPIRE', k, string.format('%d', (exp - now) * 1000))\n"
"else\n"
"  redis.call('DEL', k)\n"
"end\n"
"redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[12], '*', 'type', t,\n"
"  'kind', ARGV[7], 'key', ARGV[8], 'time', ARGV[1], 'rule', ARGV[3],\n"
"  'reason', ARGV[4], 'evidence', ARGV[5], 'node', node,\n"
"  'first_seen', first, 'last_seen', ARGV[1], 'expires', e, 'hits', h,\n"
"  'incident', i, 'repeat', r)\n"
"redis.call('PUBLISH', KEYS[4], 'event=' .. t .. ' kind=' .. ARGV[7] ..\n"
"  ' key=' .. x(ARGV[8]) .. ' rule=' .. x(ARGV[3]) .. ' expires=' .. e ..\n"
"  ' hits=' .. h .. ' node=' .. x(node) .. ' reason=' .. x(ARGV[4]) ..\n"
"  ' incident=' .. i .. ' repeat=' .. r)\n"
"return {ARGV[3], ARGV[4], ARGV[5], node, first, ARGV[1], e, h, i, r}\n";

/*
 * KEYS the record, the events; ARGV now, kind, key, node, events_max.
 * 1 if it lived.
 */
static const char release_script[] = LUA_XTEXT
"local r = redis.call('HMGET', KEYS[1], " REDIS_RECORD_FIELDS ")\n"
"local e = tonumber(r[7])\n"
"if not e then return 0 end\n"
"redis.call('DEL', KEYS[1])\n"
"if e <= tonumber(ARGV[1]) then return 0 end\n"
"for i = 1, 10 do r[i] = r[i] or '' end\n"
"redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*',\n"
"  'type', 'release', 'kind', ARGV[2], 'key', ARGV[3], 'time', ARGV[1],\n"
"  'rule', r[1], 'reason', r[2], 'evidence', r[3], 'node', ARGV[4],\n"
"  'first_seen', r[5], 'last_seen', ARGV[1], 'expires', r[7],\n"
"  'hits', r[8], 'incident', r[9], 'repeat', r[10])\n"
"redis.call('PUBLISH', KEYS[2], 'event=release kind=' .. ARGV[2] ..\n"
"  ' key=' .. x(ARGV[3]) .. ' node=' .. x(ARGV[4]) ..\n"
"  ' incident=' .. x(r[9]))\n"
"return 1\n";

/*
 * KEYS[1], KEYS[2] the IP and login records or '', KEYS[3] the seen note
 * or '', KEYS[4...] counters. ARGV now, the seen login and its PX, then
 * window_ms and add per counter. Returns the two quarantine flags, then
 * count and time left per counter.
 */
static const char check_script[] =
"local now, out = tonumber(ARGV[1]), {}\n"
"for i = 1, 2 do\n"
"  local e = KEYS[i] ~= '' and\n"
"    tonumber(redis.call('HGET', KEYS[i], 'expires'))\n"
"  out[i] = (e and e > now) and 1 or 0\n"
"end\n"
"if KEYS[3] ~= '' then\n"
"  redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])\n"
"end\n"
"for j = 1, #KEYS - 3 do\n"
"  local k = KEYS[j + 3]\n"
"  local n = redis.call('INCRBY', k, ARGV[2 * j + 3])\n"
"  local t = redis.call('PTTL', k)\n"
"  if t < 0 then\n"
"    redis.call('PEXPIRE', k, ARGV[2 * j + 2])\n"
"    t = tonumber(ARGV[2 * j + 2])\n"
"  end\n"
"  out[2 * j + 1], out[2 * j + 2] = n, t\n"
"end\n"
"return out\n";

static const char *const scripts[N_SCRIPTS] = {
	put_script, release_script, check_script, redis_list_script,
	redis_read_script,
};

/* a record's fields, in the order HMGET asks and put_script returns */
static const char *const fields[] = {
	"rule", "reason", "evidence", "node", "first_seen", "last_seen",
	"expires", "hits", "incident", "repeat",
};
#define N_FIELDS	(sizeof(fields) / sizeof(fields[0]))
#define F_EXPIRES	6

/* record_key - kind:key's record (what "q:") or history ("h:") key */
static void
record_key(struct redis_store *rs, struct redis_args *a, const char *what,
    enum store_kind kind, const char *key)
{
	redis_args_cat(a, rs->prefix, what, store_kind_name(kind), ":", key,
	    (const char *)NULL);
}

/* script_load - SCRIPT LOAD s; its name into rs and sha; 0, or -1 with err */
static int
script_load(struct redis_store *rs, struct redis_conn *c, enum redis_script s,
    const char *where, char sha[41], struct store_err *err)
{
	const char *argv[3] = {"SCRIPT", "LOAD", scripts[s]};
	size_t len[3] = {6, 4, strlen(scripts[s])}, i;
	redisReply *r;
	int ok;

	if ((r = redis_pool_cmd(c, where, 3, argv, len, err)) == NULL)
		return -1;
	ok = r->type == REDIS_REPLY_STRING && r->len == 40;
	for (i = 0; ok && i < 40; i++)
		ok = isxdigit((unsigned char)r->str[i]);
	if (ok) {
		memcpy(sha, r->str, 40);
		sha[40] = '\0';
		pthread_mutex_lock(&rs->lock);
		memcpy(rs->sha[s], sha, 41);
		pthread_mutex_unlock(&rs->lock);
	} else
		store_set_error(err, "redis %s: unexpected reply", where);
	freeReplyObject(r);
	return ok ? 0 : -1;
}

/* evalsha - EVALSHA sha with a's arguments; NOSCRIPT is the one error reply */
static redisReply *
evalsha(struct redis_conn *c, const char *sha, struct redis_args *a,
    const char *where, struct store_err *err)
{
	a->v[0] = "EVALSHA";
	a->len[0] = 7;
	a->v[1] = sha;
	a->len[1] = 40;
	return redis_pool_cmd(c, where, a->n, a->v, a->len, err);
}

/* redis_store_run - EVALSHA a script, loading it first or again if needed */
redisReply *
redis_store_run(struct redis_store *rs, struct redis_conn *c,
    enum redis_script s, struct redis_args *a, const char *where,
    struct store_err *err)
{
	char sha[41];
	redisReply *r;

	if (a->overflow) {
		store_set_error(err, "redis %s: arguments too long", where);
		return NULL;
	}
	pthread_mutex_lock(&rs->lock);
	memcpy(sha, rs->sha[s], sizeof(sha));
	pthread_mutex_unlock(&rs->lock);
	if (sha[0] == '\0' && script_load(rs, c, s, where, sha, err) < 0)
		return NULL;
	r = evalsha(c, sha, a, where, err);
	if (r == NULL || r->type != REDIS_REPLY_ERROR)
		return r;
	/* NOSCRIPT: the server lost its scripts since it was loaded */
	freeReplyObject(r);
	if (script_load(rs, c, s, where, sha, err) < 0)
		return NULL;
	if ((r = evalsha(c, sha, a, where, err)) != NULL &&
	    r->type == REDIS_REPLY_ERROR) {
		store_set_error(err, "redis %s: %s", where, r->str);
		freeReplyObject(r);
		r = NULL;
	}
	return r;
}

/* redis_store_text - a reply string into a fixed-size field, cut to fit */
void
redis_store_text(char *to, size_t size, const redisReply *e)
{
	size_t len = e->type == REDIS_REPLY_STRING ? e->len : 0;

	if (len >= size)
		len = size - 1;
	memcpy(to, len > 0 ? e->str : "", len);
	to[len] = '\0';
}

/* redis_store_record - a record from its fields; 0 ok, -1 malformed */
int
redis_store_record(const redisReply *r, struct quarantine *q)
{
	size_t i;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != N_FIELDS)
		return -1;
	for (i = 0; i < N_FIELDS; i++)
		if (r->element[i]->type != REDIS_REPLY_STRING &&
		    r->element[i]->type != REDIS_REPLY_NIL)
			return -1;
	memset(q, 0, sizeof(*q));
	if (r->element[0]->type != REDIS_REPLY_STRING ||
	    !rule_lookup(r->element[0]->str, &q->rule))
		q->rule = RULE_NONE;
	redis_store_text(q->reason, sizeof(q->reason), r->element[1]);
	redis_store_text(q->evidence, sizeof(q->evidence), r->element[2]);
	redis_store_text(q->node, sizeof(q->node), r->element[3]);
	for (i = 4; i < 8; i++)
		if (r->element[i]->type != REDIS_REPLY_STRING)
			return -1;
	q->first_seen = (time_t)strtoll(r->element[4]->str, NULL, 10);
	q->last_seen = (time_t)strtoll(r->element[5]->str, NULL, 10);
	q->expires = (time_t)strtoll(r->element[6]->str, NULL, 10);
	q->hits = strtoul(r->element[7]->str, NULL, 10);
	/* absent from a record written before incidents were counted */
	if (r->element[8]->type == REDIS_REPLY_STRING)
		q->incident = strtoul(r->element[8]->str, NULL, 10);
	if (r->element[9]->type == REDIS_REPLY_STRING)
		q->repeat = strtoul(r->element[9]->str, NULL, 10);
	return 0;
}

/* redis_store_finish - give the connection back, closed after a failure */
int
redis_store_finish(struct redis_store *rs, struct redis_conn *c,
    redisReply *r, struct redis_args *a, int rc, const char *where,
    struct store_err *err)
{
	if (rc == -2)
		store_set_error(err, "redis %s: unexpected reply", where);
	redis_pool_put(rs->pool, c, rc < 0);
	if (r != NULL)
		freeReplyObject(r);
	free(a->v);
	return rc < 0 ? -1 : rc;
}

/* redis_get - read a record: one HMGET */
static int
redis_get(struct store *st, enum store_kind kind, const char *key,
    time_t now, struct quarantine *q_r, struct store_err *err)
{
	struct redis_store *rs = (struct redis_store *)st;
	struct quarantine q;
	struct redis_conn *c;
	struct redis_args a;
	redisReply *r;
	size_t i;
	int rc;

	if (redis_args_new(&a, 2 + N_FIELDS, 0, strlen(rs->prefix) + 16 +
	    strlen(key), err) < 0)
		return -1;
	redis_args_ref(&a, "HMGET", 5);
	record_key(rs, &a, "q:", kind, key);
	for (i = 0; i < N_FIELDS; i++)
		redis_args_ref(&a, fields[i], strlen(fields[i]));
	if ((c = redis_pool_get(rs->pool, err)) == NULL) {
		free(a.v);
		return -1;
	}
	if ((r = redis_pool_cmd(c, "get", a.n, a.v, a.len, err)) == NULL)
		rc = -1;
	else if (r->type == REDIS_REPLY_ARRAY && r->elements == N_FIELDS &&
	    r->element[F_EXPIRES]->type == REDIS_REPLY_NIL)
		rc = 0;
	else if (redis_store_record(r, &q) < 0)
		rc = -2;
	else {
		rc = q.expires > now;
		if (rc == 1 && q_r != NULL)
			*q_r = q;
	}
	return redis_store_finish(rs, c, r, &a, rc, "get", err);
}

/* redis_put - create or refresh a record, write its event: one script */
static int
redis_put(struct store *st, enum store_kind kind, const char *key,
    const struct quarantine *q, const struct store_escalation *esc,
    time_t now, struct quarantine *merged_r, struct store_err *err)
{
	struct redis_store *rs = (struct redis_store *)st;
	const char *rule = rule_name(q->rule);
	struct quarantine m;
	struct redis_conn *c;
	struct redis_args a;
	redisReply *r;
	int rc;

	if (redis_args_new(&a, 19, 2, 3 * strlen(rs->prefix) + 2 *
	    strlen(key) + 160, err) < 0)
		return -1;
	redis_args_ref(&a, "4", 1);
	record_key(rs, &a, "q:", kind, key);
	record_key(rs, &a, "h:", kind, key);
	redis_args_cat(&a, rs->prefix, "incident", (const char *)NULL);
	redis_args_ref(&a, rs->events, strlen(rs->events));
	redis_args_num(&a, "%lld", (long long)now);
	redis_args_num(&a, "%lld", (long long)q->expires);
	redis_args_ref(&a, rule, strlen(rule));
	redis_args_ref(&a, q->reason, strnlen(q->reason, sizeof(q->reason)));
	redis_args_ref(&a, q->evidence, strnlen(q->evidence, sizeof(q->evidence)));
	redis_args_ref(&a, q->node, strnlen(q->node, sizeof(q->node)));
	redis_args_ref(&a, store_kind_name(kind),
	    strlen(store_kind_name(kind)));
	redis_args_ref(&a, key, strlen(key));
	redis_args_num(&a, "%u", esc != NULL ? esc->factor : 0);
	redis_args_num(&a, "%lld", esc != NULL ? (long long)esc->max_ttl : 0);
	redis_args_num(&a, "%lld", esc != NULL ? (long long)esc->window : 0);
	redis_args_ref(&a, rs->events_max, strlen(rs->events_max));
	if ((c = redis_pool_get(rs->pool, err)) == NULL) {
		free(a.v);
		return -1;
	}
	if ((r = redis_store_run(rs, c, SCRIPT_PUT, &a, "put", err)) == NULL)
		rc = -1;
	else if (redis_store_record(r, &m) < 0)
		rc = -2;
	else {
		rc = 0;
		if (merged_r != NULL)
			*merged_r = m;
	}
	return redis_store_finish(rs, c, r, &a, rc, "put", err);
}

/* redis_release - delete a record, write its event if it lived */
static int
redis_release(struct store *st, enum store_kind kind, const char *key,
    time_t now, struct store_err *err)
{
	struct redis_store *rs = (struct redis_store *)st;
	struct redis_conn *c;
	struct redis_args a;
	redisReply *r;
	int rc;

	if (redis_args_new(&a, 10, 2, strlen(rs->prefix) + 16 + strlen(key) +
	    32, err) < 0)
		return -1;
	redis_args_ref(&a, "2", 1);
	record_key(rs, &a, "q:", kind, key);
	redis_args_ref(&a, rs->events, strlen(rs->events));
	redis_args_num(&a, "%lld", (long long)now);
	redis_args_ref(&a, store_kind_name(kind),
	    strlen(store_kind_name(kind)));
	redis_args_ref(&a, key, strlen(key));
	redis_args_ref(&a, rs->node, strlen(rs->node));
	redis_args_ref(&a, rs->events_max, strlen(rs->events_max));
	if ((c = redis_pool_get(rs->pool, err)) == NULL) {
		free(a.v);
		return -1;
	}
	if ((r = redis_store_run(rs, c, SCRIPT_RELEASE, &a, "release",
	    err)) == NULL)
		rc = -1;
	else if (r->type != REDIS_REPLY_INTEGER || r->integer < 0 ||
	    r->integer > 1)
		rc = -2;
	else
		rc = (int)r->integer;
	return redis_store_finish(rs, c, r, &a, rc, "release", err);
}

/* check_reply - a check script's reply into c; 0 ok, -2 malformed */
static int
check_reply(const redisReply *r, struct store_check *c)
{
	size_t i;

	if (r->type != REDIS_REPLY_ARRAY ||
	    r->elements != 2 + 2 * c->n_counters)
		return -2;
	for (i = 0; i < r->elements; i++)
		if (r->element[i]->type != REDIS_REPLY_INTEGER ||
		    r->element[i]->integer < 0)
			return -2;
	if (c->ip != NULL)
		c->ip_quarantined_r = r->element[0]->integer != 0;
	if (c->login != NULL)
		c->login_quarantined_r = r->element[1]->integer != 0;
	for (i = 0; i < c->n_counters; i++) {
		c->counters[i].count_r =
		    (unsigned long)r->element[2 + 2 * i]->integer;
		c->counters[i].reset_ms_r =
		    (unsigned long)r->element[3 + 2 * i]->integer;
	}
	return 0;
}

/* check_args - a check script's keys and arguments (a->v[2...]) */
static void
check_args(struct redis_store *rs, struct redis_args *a, struct store_check *c,
    time_t now)
{
	struct store_counter *k;
	char window[24];
	size_t i;

	redis_args_num(a, "%zu", 3 + c->n_counters);
	if (c->ip != NULL)
		record_key(rs, a, "q:", STORE_IP, c->ip);
	else
		redis_args_ref(a, "", 0);
	if (c->login != NULL)
		record_key(rs, a, "q:", STORE_LOGIN, c->login);
	else
		redis_args_ref(a, "", 0);
	if (c->seen_login != NULL)
		redis_args_cat(a, rs->prefix, "n:seen:", c->ip,
		    (const char *)NULL);
	else
		redis_args_ref(a, "", 0);
	for (i = 0; i < c->n_counters; i++) {
		k = &c->counters[i];
		snprintf(window, sizeof(window), "%lu", k->window_ms);
		redis_args_cat(a, rs->prefix, "r:", store_kind_name(k->kind),
		    ":", k->what, ":", window, ":", k->key, (const char *)NULL);
	}
	redis_args_num(a, "%lld", (long long)now);
	if (c->seen_login != NULL) {
		redis_args_ref(a, c->seen_login, strlen(c->seen_login));
		redis_args_num(a, "%lld", (long long)c->seen_ttl * 1000);
	} else {
		redis_args_ref(a, "", 0);
		redis_args_ref(a, "0", 1);
	}
	for (i = 0; i < c->n_counters; i++) {
		redis_args_num(a, "%lu", c->counters[i].window_ms);
		redis_args_num(a, "%lu", c->counters[i].add);
	}
}

/* redis_check - quarantine reads, seen note and counters: one script */
static int
redis_check(struct store *st, struct store_check *c, time_t now,
    struct store_err *err)
{
	struct redis_store *rs = (struct redis_store *)st;
	size_t i, plen = strlen(rs->prefix), bytes;
	struct redis_conn *conn;
	struct redis_args a;
	redisReply *r;
	int rc;

	if (c->ip == NULL && c->login == NULL && c->n_counters == 0)
		return 0;
	bytes = 3 * plen + 96 + (c->ip ? 2 * strlen(c->ip) : 0) +
	    (c->login ? strlen(c->login) : 0);
	for (i = 0; i < c->n_counters; i++)
		bytes += plen + strlen(c->counters[i].what) +
		    strlen(c->counters[i].key) + 96;
	if (redis_args_new(&a, 9 + 3 * (int)c->n_counters, 2, bytes, err) < 0)
		return -1;
	check_args(rs, &a, c, now);
	if ((conn = redis_pool_get(rs->pool, err)) == NULL) {
		free(a.v);
		return -1;
	}
	r = redis_store_run(rs, conn, SCRIPT_CHECK, &a, "check", err);
	rc = r == NULL ? -1 : check_reply(r, c);
	return redis_store_finish(rs, conn, r, &a, rc, "check", err);
}

/* redis_free - close the connections and free the store */
static void
redis_free(struct store *st)
{
	struct redis_store *rs = (struct redis_store *)st;

	redis_pool_free(rs->pool);
	pthread_mutex_destroy(&rs->lock);
	free(rs->prefix);
	free(rs->node);
	free(rs->events);
	free(rs);
}

static const struct store_ops redis_ops = {
	.name = "redis",
	.quarantine_get = redis_get,
	.quarantine_put = redis_put,
	.quarantine_release = redis_release,
	.check = redis_check,
	.free = redis_free,
	.quarantine_list = redis_list,
	.server_info = redis_server_info,
	.events_read = redis_events_read,
	.events_ack = redis_events_ack,
	.note_put = redis_note_put,
	.note_get = redis_note_get,
};

/* store_redis_new - a Redis store, not yet connected; NULL with err */
struct store *
store_redis_new(const struct store_redis_opts *o, char *err, size_t errlen)
{
	struct redis_store *rs;
	size_t plen;

	if (o->prefix == NULL || *o->prefix == '\0') {
		snprintf(err, errlen, "RedisPrefix must not be empty");
		return NULL;
	}
	plen = strlen(o->prefix);
	if ((rs = calloc(1, sizeof(*rs))) == NULL)
		goto oom;
	pthread_mutex_init(&rs->lock, NULL);
	if ((rs->prefix = strdup(o->prefix)) == NULL ||
	    (rs->node = strdup(o->node != NULL ? o->node : "")) == NULL ||
	    (rs->events = malloc(plen + sizeof("events"))) == NULL)
		goto oom;
	memcpy(rs->events, o->prefix, plen);
	memcpy(rs->events + plen, "events", sizeof("events"));
	snprintf(rs->events_max, sizeof(rs->events_max), "%lu",
	    o->events_max != 0 ? o->events_max : 100000);
	if ((rs->pool = redis_pool_new(o, err, errlen)) == NULL)
		goto fail;
	rs->base.ops = &redis_ops;
	return &rs->base;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	if (rs != NULL)
		redis_free(&rs->base);
	return NULL;
}
