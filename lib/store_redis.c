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
 *	Behaves as store_memory.c does, for any now passed in; the
 *	connections (pool, reconnection, Sentinel) are redis_pool.c's.
 *	Every command is sent with redisCommandArgv() and explicit lengths:
 *	keys and values are bytes, never formatted into a command string.
 *
 *	Keys, with P the prefix (RedisPrefix, "iso:"):
 *
 *	P"q:ip:"KEY, P"q:login:"KEY
 *		a quarantine record: a hash with the fields rule (the rule id
 *		text), reason, evidence, node, first_seen, last_seen, expires
 *		(seconds since the epoch) and hits. Reads compare expires
 *		with the now passed in; the key's own PEXPIRE, expires - now,
 *		only lets Redis drop it in the end.
 *	P"r:"KIND":"WHAT":"WINDOW_MS":"KEY
 *		a rate counter (KIND ip or login, WHAT messages or
 *		recipients): an integer, INCRBY'd; a counter with no TTL (a
 *		new window) gets PEXPIRE WINDOW_MS, and reset_ms_r is its
 *		PTTL. Counters run on Redis's clock, not on now.
 *
 *	Each SMTP-path operation is one round trip: a get is one HMGET; put, release
 *	and check are Lua scripts, atomic, sent by EVALSHA (the SHA-1 of
 *	each is computed here at start) and by EVAL when the server answers
 *	NOSCRIPT (after a restart, a SCRIPT FLUSH or a failover), which also
 *	loads it for the next EVALSHA. A check reads both quarantine keys
 *	(an empty key name stands for none) and adds to every counter in the
 *	same script; a check that asks nothing makes no trip at all. A
 *	release deletes a record that expired by now too, but returns 0 and
 *	publishes nothing, as memory does. A record's node is the one put
 *	(q->node); o->node names this server in the release events.
 *
 *	A listing (the operator's, never a session's) walks the database
 *	with SCAN P"q:"KIND":*" COUNT 500, the prefix's glob characters
 *	escaped, and reads the records of each page with one script (an
 *	HMGET per key): one round trip per page, plus one per page that
 *	matched anything. SCAN walks every key of the database, counters
 *	too, about 500 per page: a database of 100,000 keys holding 2,000
 *	records costs some 200 SCAN trips and up to 200 script trips. The
 *	connection goes back to the pool between pages, and the caller's
 *	function is called then. SCAN may return a key twice (when Redis
 *	resizes its table meanwhile): the keys already listed are
 *	remembered (a tsearch(3) tree) and passed over. A key that is not a record (another
 *	type, fields missing) or holds a NUL octet is passed over too.
 *	server_info is one INFO.
 *
 *	put and release publish on P"events" one line of space-separated
 *	name=value pairs:
 *
 *	event=quarantine kind=ip key=127.0.2.66 rule=inbound.customer_direct
 *	    expires=1764200000 hits=1 node=mx1 reason=...
 *		a record created or refreshed (the merged record's values);
 *	event=release kind=login key=alice@example.net node=mx2
 *		a live record released; node is the releasing server.
 *
 *	Values are xtext (RFC 3461, as xtext.c decodes it): an octet outside
 *	33-126, and "+" and "=", is written "+" and two upper-case hex
 *	digits ("John Doe" is "John+20Doe"), so a line is split at spaces
 *	and at the first "=" of each pair.
 *
 *	The program ignores SIGPIPE, as the daemon does: hiredis writes
 *	with write(2) to sockets that a server may have closed.
 * DIAGNOSTICS
 *	-1 with store_set_error("redis WHERE: WHY"), WHY being "timeout",
 *	"connection refused", the server's error ("NOAUTH ...") or "out of
 *	memory". Never exits, never logs.
 */
#include "config.h"

#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redis_args.h"
#include "redis_pool.h"
#include "sha1.h"
#include "store.h"

/* xtext-encode a value of an event line */
#define LUA_XTEXT \
"local function x(s)\n" \
"  return (string.gsub(s, '[^!-*,-<>-~]', function(c)\n" \
"    return string.format('+%02X', string.byte(c)) end))\n" \
"end\n"

/*
 * KEYS[1] the record; ARGV now, expires, rule, reason, evidence, node,
 * channel, kind, key. Returns the merged record in the order of fields[].
 */
static const char put_script[] = LUA_XTEXT
"local k, now, exp = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])\n"
"local first, node, hits = ARGV[1], ARGV[6], 1\n"
"local old = redis.call('HMGET', k, 'expires', 'first_seen', 'node', 'hits')\n"
"local was = tonumber(old[1])\n"
"if was and was > now then\n"
"  first, node = old[2] or first, old[3] or node\n"
"  hits = (tonumber(old[4]) or 0) + 1\n"
"  if was > exp then exp = was end\n"
"end\n"
"local e, h = string.format('%d', exp), string.format('%d', hits)\n"
"redis.call('HSET', k, 'rule', ARGV[3], 'reason', ARGV[4],\n"
"  'evidence', ARGV[5], 'node', node, 'first_seen', first,\n"
"  'last_seen', ARGV[1], 'expires', e, 'hits', h)\n"
"if exp > now then\n"
"  redis.call('PEXPIRE', k, string.format('%d', (exp - now) * 1000))\n"
"else\n"
"  redis.call('DEL', k)\n"
"end\n"
"redis.call('PUBLISH', ARGV[7], 'event=quarantine kind=' .. ARGV[8] ..\n"
"  ' key=' .. x(ARGV[9]) .. ' rule=' .. x(ARGV[3]) .. ' expires=' .. e ..\n"
"  ' hits=' .. h .. ' node=' .. x(node) .. ' reason=' .. x(ARGV[4]))\n"
"return {ARGV[3], ARGV[4], ARGV[5], node, first, ARGV[1], e, h}\n";

/* KEYS[1] the record; ARGV now, channel, kind, key, node. 1 if it lived. */
static const char release_script[] = LUA_XTEXT
"local e = tonumber(redis.call('HGET', KEYS[1], 'expires'))\n"
"if not e then return 0 end\n"
"redis.call('DEL', KEYS[1])\n"
"if e <= tonumber(ARGV[1]) then return 0 end\n"
"redis.call('PUBLISH', ARGV[2], 'event=release kind=' .. ARGV[3] ..\n"
"  ' key=' .. x(ARGV[4]) .. ' node=' .. x(ARGV[5]))\n"
"return 1\n";

/*
 * KEYS[1], KEYS[2] the IP and login records or ''; KEYS[3...] counters.
 * ARGV now, then window_ms and add per counter. Returns the two
 * quarantine flags, then count and time left per counter.
 */
static const char check_script[] =
"local now, out = tonumber(ARGV[1]), {}\n"
"for i = 1, 2 do\n"
"  local e = KEYS[i] ~= '' and\n"
"    tonumber(redis.call('HGET', KEYS[i], 'expires'))\n"
"  out[i] = (e and e > now) and 1 or 0\n"
"end\n"
"for j = 1, #KEYS - 2 do\n"
"  local k = KEYS[j + 2]\n"
"  local n = redis.call('INCRBY', k, ARGV[2 * j + 1])\n"
"  local t = redis.call('PTTL', k)\n"
"  if t < 0 then\n"
"    redis.call('PEXPIRE', k, ARGV[2 * j])\n"
"    t = tonumber(ARGV[2 * j])\n"
"  end\n"
"  out[2 * j + 1], out[2 * j + 2] = n, t\n"
"end\n"
"return out\n";

/*
 * KEYS the records of one SCAN page. Returns, per key, its fields in the
 * order of fields[]; nothing for a key that is not a hash.
 */
static const char list_script[] =
"local out = {}\n"
"for i, k in ipairs(KEYS) do\n"
"  local r = redis.pcall('HMGET', k, 'rule', 'reason', 'evidence',\n"
"    'node', 'first_seen', 'last_seen', 'expires', 'hits')\n"
"  if type(r) == 'table' and r.err then r = {} end\n"
"  out[i] = r\n"
"end\n"
"return out\n";

enum script { SCRIPT_PUT, SCRIPT_RELEASE, SCRIPT_CHECK, SCRIPT_LIST,
	N_SCRIPTS };

static const char *const scripts[N_SCRIPTS] = {
	put_script, release_script, check_script, list_script,
};

/* a record's fields, in the order HMGET asks and put_script returns */
static const char *const fields[] = {
	"rule", "reason", "evidence", "node", "first_seen", "last_seen",
	"expires", "hits",
};
#define N_FIELDS	(sizeof(fields) / sizeof(fields[0]))
#define F_EXPIRES	6

struct redis_store {
	struct store base;
	struct redis_pool *pool;
	char	*prefix;
	char	*node;			/* "" when not set */
	char	*channel;		/* prefix "events" */
	char	sha[N_SCRIPTS][41];
};

/* kind_name - the key and event word for a kind */
static const char *
kind_name(enum store_kind kind)
{
	return kind == STORE_LOGIN ? "login" : "ip";
}

/* record_key - the argument naming kind:key's quarantine record */
static void
record_key(struct redis_store *rs, struct redis_args *a, enum store_kind kind,
    const char *key)
{
	redis_args_cat(a, rs->prefix, "q:", kind_name(kind), ":", key,
	    (const char *)NULL);
}

/* run - send a script by EVALSHA, again by EVAL on NOSCRIPT */
static redisReply *
run(struct redis_store *rs, struct redis_conn *c, enum script s,
    struct redis_args *a, const char *where)
{
	redisReply *r;

	if (a->overflow) {
		store_set_error("redis %s: arguments too long", where);
		return NULL;
	}
	a->v[0] = "EVALSHA";
	a->len[0] = 7;
	a->v[1] = rs->sha[s];
	a->len[1] = 40;
	r = redis_pool_cmd(c, where, a->n, a->v, a->len);
	if (r == NULL || r->type != REDIS_REPLY_ERROR)
		return r;
	freeReplyObject(r);
	a->v[0] = "EVAL";
	a->len[0] = 4;
	a->v[1] = scripts[s];
	a->len[1] = strlen(scripts[s]);
	r = redis_pool_cmd(c, where, a->n, a->v, a->len);
	if (r != NULL && r->type == REDIS_REPLY_ERROR) {
		store_set_error("redis %s: %s", where, r->str);
		freeReplyObject(r);
		r = NULL;
	}
	return r;
}

/* copy_text - a reply string into a fixed-size field, cut to fit */
static void
copy_text(char *to, size_t size, const redisReply *e)
{
	size_t len = e->type == REDIS_REPLY_STRING ? e->len : 0;

	if (len >= size)
		len = size - 1;
	memcpy(to, len > 0 ? e->str : "", len);
	to[len] = '\0';
}

/* parse_record - a record from its fields; 0 ok, -1 malformed */
static int
parse_record(const redisReply *r, struct quarantine *q)
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
	copy_text(q->reason, sizeof(q->reason), r->element[1]);
	copy_text(q->evidence, sizeof(q->evidence), r->element[2]);
	copy_text(q->node, sizeof(q->node), r->element[3]);
	for (i = 4; i < N_FIELDS; i++)
		if (r->element[i]->type != REDIS_REPLY_STRING)
			return -1;
	q->first_seen = (time_t)strtoll(r->element[4]->str, NULL, 10);
	q->last_seen = (time_t)strtoll(r->element[5]->str, NULL, 10);
	q->expires = (time_t)strtoll(r->element[6]->str, NULL, 10);
	q->hits = strtoul(r->element[7]->str, NULL, 10);
	return 0;
}

/* finish - give the connection back, closing it after a failure */
static int
finish(struct redis_store *rs, struct redis_conn *c, redisReply *r,
    struct redis_args *a, int rc, const char *where)
{
	if (rc == -2)
		store_set_error("redis %s: unexpected reply", where);
	redis_pool_put(rs->pool, c, rc < 0);
	if (r != NULL)
		freeReplyObject(r);
	free(a->v);
	return rc < 0 ? -1 : rc;
}

/* redis_get - read a record: one HMGET */
static int
redis_get(struct store *st, enum store_kind kind, const char *key,
    time_t now, struct quarantine *q_r)
{
	struct redis_store *rs = (struct redis_store *)st;
	struct quarantine q;
	struct redis_conn *c;
	struct redis_args a;
	redisReply *r;
	size_t i;
	int rc;

	if (redis_args_new(&a, 2 + N_FIELDS, 0, strlen(rs->prefix) + 16 +
	    strlen(key)) < 0)
		return -1;
	redis_args_ref(&a, "HMGET", 5);
	record_key(rs, &a, kind, key);
	for (i = 0; i < N_FIELDS; i++)
		redis_args_ref(&a, fields[i], strlen(fields[i]));
	if ((c = redis_pool_get(rs->pool)) == NULL) {
		free(a.v);
		return -1;
	}
	if ((r = redis_pool_cmd(c, "get", a.n, a.v, a.len)) == NULL)
		rc = -1;
	else if (r->type == REDIS_REPLY_ARRAY && r->elements == N_FIELDS &&
	    r->element[F_EXPIRES]->type == REDIS_REPLY_NIL)
		rc = 0;
	else if (parse_record(r, &q) < 0)
		rc = -2;
	else {
		rc = q.expires > now;
		if (rc == 1 && q_r != NULL)
			*q_r = q;
	}
	return finish(rs, c, r, &a, rc, "get");
}

/* redis_put - create or refresh a record, and publish it: one script */
static int
redis_put(struct store *st, enum store_kind kind, const char *key,
    const struct quarantine *q, const struct store_escalation *esc,
    time_t now, struct quarantine *merged_r)
{
	struct redis_store *rs = (struct redis_store *)st;
	const char *rule = rule_name(q->rule);
	struct quarantine m;
	struct redis_conn *c;
	struct redis_args a;
	redisReply *r;
	int rc;

	(void)esc;
	if (redis_args_new(&a, 13, 2, strlen(rs->prefix) + 16 + strlen(key) + 64) < 0)
		return -1;
	redis_args_ref(&a, "1", 1);
	record_key(rs, &a, kind, key);
	redis_args_num(&a, "%lld", (long long)now);
	redis_args_num(&a, "%lld", (long long)q->expires);
	redis_args_ref(&a, rule, strlen(rule));
	redis_args_ref(&a, q->reason, strnlen(q->reason, sizeof(q->reason)));
	redis_args_ref(&a, q->evidence, strnlen(q->evidence, sizeof(q->evidence)));
	redis_args_ref(&a, q->node, strnlen(q->node, sizeof(q->node)));
	redis_args_ref(&a, rs->channel, strlen(rs->channel));
	redis_args_ref(&a, kind_name(kind), strlen(kind_name(kind)));
	redis_args_ref(&a, key, strlen(key));
	if ((c = redis_pool_get(rs->pool)) == NULL) {
		free(a.v);
		return -1;
	}
	if ((r = run(rs, c, SCRIPT_PUT, &a, "put")) == NULL)
		rc = -1;
	else if (parse_record(r, &m) < 0)
		rc = -2;
	else {
		rc = 0;
		if (merged_r != NULL)
			*merged_r = m;
	}
	return finish(rs, c, r, &a, rc, "put");
}

/* redis_release - delete a record, and publish it if it lived */
static int
redis_release(struct store *st, enum store_kind kind, const char *key,
    time_t now)
{
	struct redis_store *rs = (struct redis_store *)st;
	struct redis_conn *c;
	struct redis_args a;
	redisReply *r;
	int rc;

	if (redis_args_new(&a, 9, 2, strlen(rs->prefix) + 16 + strlen(key) + 32) < 0)
		return -1;
	redis_args_ref(&a, "1", 1);
	record_key(rs, &a, kind, key);
	redis_args_num(&a, "%lld", (long long)now);
	redis_args_ref(&a, rs->channel, strlen(rs->channel));
	redis_args_ref(&a, kind_name(kind), strlen(kind_name(kind)));
	redis_args_ref(&a, key, strlen(key));
	redis_args_ref(&a, rs->node, strlen(rs->node));
	if ((c = redis_pool_get(rs->pool)) == NULL) {
		free(a.v);
		return -1;
	}
	if ((r = run(rs, c, SCRIPT_RELEASE, &a, "release")) == NULL)
		rc = -1;
	else if (r->type != REDIS_REPLY_INTEGER || r->integer < 0 ||
	    r->integer > 1)
		rc = -2;
	else
		rc = (int)r->integer;
	return finish(rs, c, r, &a, rc, "release");
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

/* redis_check - quarantine reads and counters: one script */
static int
redis_check(struct store *st, struct store_check *c, time_t now)
{
	struct redis_store *rs = (struct redis_store *)st;
	size_t i, plen = strlen(rs->prefix), bytes;
	struct store_counter *k;
	struct redis_conn *conn;
	struct redis_args a;
	redisReply *r;
	int rc;

	if (c->ip == NULL && c->login == NULL && c->n_counters == 0)
		return 0;
	bytes = 2 * plen + 64 + (c->ip ? strlen(c->ip) : 0) +
	    (c->login ? strlen(c->login) : 0);
	for (i = 0; i < c->n_counters; i++)
		bytes += plen + strlen(c->counters[i].what) +
		    strlen(c->counters[i].key) + 96;
	if (redis_args_new(&a, 6 + 3 * (int)c->n_counters, 2, bytes) < 0)
		return -1;
	redis_args_num(&a, "%zu", 2 + c->n_counters);
	if (c->ip != NULL)
		record_key(rs, &a, STORE_IP, c->ip);
	else
		redis_args_ref(&a, "", 0);
	if (c->login != NULL)
		record_key(rs, &a, STORE_LOGIN, c->login);
	else
		redis_args_ref(&a, "", 0);
	for (i = 0; i < c->n_counters; i++) {
		char window[24];

		k = &c->counters[i];
		snprintf(window, sizeof(window), "%lu", k->window_ms);
		redis_args_cat(&a, rs->prefix, "r:", kind_name(k->kind), ":", k->what,
		    ":", window, ":", k->key, (const char *)NULL);
	}
	redis_args_num(&a, "%lld", (long long)now);
	for (i = 0; i < c->n_counters; i++) {
		redis_args_num(&a, "%lu", c->counters[i].window_ms);
		redis_args_num(&a, "%lu", c->counters[i].add);
	}
	if ((conn = redis_pool_get(rs->pool)) == NULL) {
		free(a.v);
		return -1;
	}
	r = run(rs, conn, SCRIPT_CHECK, &a, "check");
	rc = r == NULL ? -1 : check_reply(r, c);
	return finish(rs, conn, r, &a, rc, "check");
}

/* key_cmp - order of the listed-key tree */
static int
key_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* seen_add - remember a listed key; 1 new, 0 listed before, -1 no memory */
static int
seen_add(void **seen, const char *key)
{
	char *copy = strdup(key), **found;

	if (copy == NULL || (found = tsearch(copy, seen, key_cmp)) == NULL) {
		free(copy);
		return -1;
	}
	if (*found == copy)
		return 1;
	free(copy);
	return 0;
}

/* scan_page - one SCAN page of kind's records: cursor in, keys out */
static redisReply *
scan_page(struct redis_conn *c, const char *pattern, const char *cursor)
{
	const char *argv[6] = {"SCAN", cursor, "MATCH", pattern, "COUNT", "500"};
	size_t len[6];
	redisReply *r;
	int i;

	for (i = 0; i < 6; i++)
		len[i] = strlen(argv[i]);
	if ((r = redis_pool_cmd(c, "list", 6, argv, len)) == NULL)
		return NULL;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[0]->len >= 32 ||
	    r->element[1]->type != REDIS_REPLY_ARRAY) {
		store_set_error("redis list: unexpected reply");
		freeReplyObject(r);
		return NULL;
	}
	return r;
}

/* read_page - the records of a page's keys: one script */
static redisReply *
read_page(struct redis_store *rs, struct redis_conn *c, const redisReply *keys)
{
	struct redis_args a;
	redisReply *r;
	size_t i;

	if (redis_args_new(&a, 3 + (int)keys->elements, 2, 32) < 0)
		return NULL;
	redis_args_num(&a, "%zu", keys->elements);
	for (i = 0; i < keys->elements; i++)
		redis_args_ref(&a, keys->element[i]->str, keys->element[i]->len);
	r = run(rs, c, SCRIPT_LIST, &a, "list");
	free(a.v);
	if (r != NULL && (r->type != REDIS_REPLY_ARRAY ||
	    r->elements != keys->elements)) {
		store_set_error("redis list: unexpected reply");
		freeReplyObject(r);
		r = NULL;
	}
	return r;
}

/* list_page - fn for each live, unlisted record of a page; <0 error, 1 stop */
static int
list_page(const redisReply *keys, const redisReply *recs, size_t skip,
    enum store_kind kind, time_t now, void **seen, store_list_fn fn,
    void *arg, int *n_r)
{
	const redisReply *k;
	struct quarantine q;
	size_t i;
	int rc;

	for (i = 0; i < keys->elements; i++) {
		k = keys->element[i];
		if (k->type != REDIS_REPLY_STRING || k->len <= skip ||
		    memchr(k->str, '\0', k->len) != NULL ||
		    parse_record(recs->element[i], &q) < 0 || q.expires <= now)
			continue;
		if ((rc = seen_add(seen, k->str)) < 0) {
			store_set_error("redis list: out of memory");
			return -1;
		}
		if (rc == 0)
			continue;
		(*n_r)++;
		if (fn(arg, kind, k->str + skip, &q) != 0)
			return 1;
	}
	return 0;
}

/* glob_escape - s with Redis's glob characters escaped, into buf */
static void
glob_escape(const char *s, char *buf)
{
	for (; *s != '\0'; s++) {
		if (strchr("*?[]\\", *s) != NULL)
			*buf++ = '\\';
		*buf++ = *s;
	}
	*buf = '\0';
}

/* redis_list - the live records of a kind: SCAN pages, one script each */
static int
redis_list(struct store *st, enum store_kind kind, time_t now,
    store_list_fn fn, void *arg)
{
	struct redis_store *rs = (struct redis_store *)st;
	size_t skip = strlen(rs->prefix) + 3 + strlen(kind_name(kind));
	char cursor[32] = "0", *pattern;
	redisReply *page, *recs;
	struct redis_conn *c;
	void *seen = NULL;
	int n = 0, rc = 0;

	if ((pattern = malloc(2 * strlen(rs->prefix) + 16)) == NULL) {
		store_set_error("redis list: out of memory");
		return -1;
	}
	glob_escape(rs->prefix, pattern);
	strcat(strcat(strcat(pattern, "q:"), kind_name(kind)), ":*");
	do {
		if ((c = redis_pool_get(rs->pool)) == NULL) {
			rc = -1;
			break;
		}
		recs = NULL;
		if ((page = scan_page(c, pattern, cursor)) != NULL &&
		    page->element[1]->elements > 0)
			recs = read_page(rs, c, page->element[1]);
		rc = page == NULL || (recs == NULL &&
		    page->element[1]->elements > 0) ? -1 : 0;
		redis_pool_put(rs->pool, c, rc < 0);
		if (rc == 0) {
			memcpy(cursor, page->element[0]->str,
			    page->element[0]->len);
			cursor[page->element[0]->len] = '\0';
			if (recs != NULL)
				rc = list_page(page->element[1], recs, skip,
				    kind, now, &seen, fn, arg, &n);
		}
		if (recs != NULL)
			freeReplyObject(recs);
		if (page != NULL)
			freeReplyObject(page);
	} while (rc == 0 && strcmp(cursor, "0") != 0);
	tdestroy(seen, free);
	free(pattern);
	return rc < 0 ? -1 : n;
}

/* info_field - the value of "name:" in an INFO text, or NULL */
static const char *
info_field(const char *text, const char *name)
{
	size_t len = strlen(name);
	const char *p;

	for (p = text; p != NULL; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, name, len) == 0 && p[len] == ':')
			return p + len + 1;
	}
	return NULL;
}

/* redis_server_info - version, memory and clients: one INFO */
static int
redis_server_info(struct store *st, struct store_server_info *info_r)
{
	struct redis_store *rs = (struct redis_store *)st;
	const char *argv[1] = {"INFO"}, *v, *m, *cl;
	size_t len[1] = {4};
	struct redis_conn *c;
	redisReply *r;
	int rc = -2;

	if ((c = redis_pool_get(rs->pool)) == NULL)
		return -1;
	if ((r = redis_pool_cmd(c, "info", 1, argv, len)) == NULL)
		rc = -1;
	else if (r->type == REDIS_REPLY_STRING &&
	    (v = info_field(r->str, "redis_version")) != NULL &&
	    (m = info_field(r->str, "used_memory")) != NULL &&
	    (cl = info_field(r->str, "connected_clients")) != NULL) {
		memset(info_r, 0, sizeof(*info_r));
		snprintf(info_r->version, sizeof(info_r->version), "%.*s",
		    (int)strcspn(v, "\r\n"), v);
		info_r->used_memory = strtoull(m, NULL, 10);
		info_r->connected_clients = strtoul(cl, NULL, 10);
		rc = 1;
	}
	if (rc == -2)
		store_set_error("redis info: unexpected reply");
	redis_pool_put(rs->pool, c, rc < 0);
	if (r != NULL)
		freeReplyObject(r);
	return rc < 0 ? -1 : rc;
}

/* redis_free - close the connections and free the store */
static void
redis_free(struct store *st)
{
	struct redis_store *rs = (struct redis_store *)st;

	redis_pool_free(rs->pool);
	free(rs->prefix);
	free(rs->node);
	free(rs->channel);
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
};

/* store_redis_new - a Redis store, not yet connected; NULL with err */
struct store *
store_redis_new(const struct store_redis_opts *o, char *err, size_t errlen)
{
	struct redis_store *rs;
	size_t plen;
	int i;

	if (o->prefix == NULL || *o->prefix == '\0') {
		snprintf(err, errlen, "RedisPrefix must not be empty");
		return NULL;
	}
	plen = strlen(o->prefix);
	if ((rs = calloc(1, sizeof(*rs))) == NULL ||
	    (rs->prefix = strdup(o->prefix)) == NULL ||
	    (rs->node = strdup(o->node != NULL ? o->node : "")) == NULL ||
	    (rs->channel = malloc(plen + sizeof("events"))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	memcpy(rs->channel, o->prefix, plen);
	memcpy(rs->channel + plen, "events", sizeof("events"));
	if ((rs->pool = redis_pool_new(o, err, errlen)) == NULL)
		goto fail;
	for (i = 0; i < N_SCRIPTS; i++)
		sha1_hex(scripts[i], rs->sha[i]);
	rs->base.ops = &redis_ops;
	return &rs->base;
fail:
	if (rs != NULL)
		redis_free(&rs->base);
	return NULL;
}
