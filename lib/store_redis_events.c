/*
 * NAME
 *	store_redis_events 3
 * SUMMARY
 *	the Redis backend for the tools: events, groups, notes, listings
 * SYNOPSIS
 *	#include "store_redis_events.h"
 * DESCRIPTION
 *	The half of the Redis backend that only the operator's tool and the
 *	notifier use (store_redis.c serves the SMTP path): it reads the
 *	stream P"events" that store_redis.c's put and release scripts write
 *	(P being the prefix, "iso:"), keeps the notes, lists the records and
 *	describes the server. Every command goes through redisCommandArgv()
 *	with explicit lengths.
 *
 *	Reading with no group is one XRANGE P"events" (AFTER + COUNT max:
 *	the entries after AFTER, "0" meaning from the oldest kept). "$" is
 *	first resolved to the stream's last id (XREVRANGE P"events" + -
 *	COUNT 1; 0-0 when there is none), one trip more, and the entries
 *	after that are read.
 *
 *	Reading in a group is one script, one round trip: it creates the
 *	group at the start of the stream when missing (XGROUP CREATE
 *	P"events" GROUP 0 MKSTREAM, its BUSYGROUP ignored), then reads this
 *	consumer's own pending entries (XREADGROUP GROUP GROUP CONSUMER
 *	COUNT max STREAMS P"events" 0), claims those pending longer than
 *	STORE_EVENTS_CLAIM_MS (XAUTOCLAIM P"events" GROUP CONSUMER
 *	STORE_EVENTS_CLAIM_MS 0-0 COUNT room), then reads new ones
 *	(XREADGROUP ... STREAMS P"events" >), up to max in all. A pending
 *	entry that MAXLEN trimmed meanwhile is acknowledged and passed
 *	over. Idle times run on Redis's clock: now is not used.
 *
 *	No read uses BLOCK: a connection's command timeout (RedisTimeout,
 *	250 ms by default) would cut it short. A read that found nothing
 *	is sent again every 100 ms until wait_ms passed, the connection
 *	back in the pool in between. store_events_ack() is one XACK.
 *
 *	A note is the string P"n:"NAME: SET P"n:"NAME VALUE PX (expires -
 *	now) * 1000, with NX for only_new; GET reads it. Once written, a
 *	note runs on Redis's clock, as the rate counters do: note_get does
 *	not compare it with now. A note that would expire by now (expires
 *	<= now) is dead at birth, as on every backend: without only_new it
 *	removes the note (DEL P"n:"NAME) and returns 1; with only_new it
 *	claims nothing and returns 0, without a trip.
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
 *	remembered (a tsearch(3) tree) and passed over. A key that is not a
 *	record (another type, fields missing) or holds a NUL octet is passed
 *	over too. server_info is one INFO.
 * DIAGNOSTICS
 *	As store_redis.c's: -1 with the text in the caller's err. An entry
 *	of a shape not expected (no id, fields not in pairs, a type or kind
 *	not known, no key) is "redis WHERE: unexpected reply".
 */
#include "config.h"

#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules.h"
#include "store_redis_events.h"

#define POLL_MS		100

/*
 * KEYS[1] the events; ARGV group, consumer, max, claim ms. Returns up to
 * max entries: own pending, claimed, new.
 */
const char redis_read_script[] =
"local out, max, g, c = {}, tonumber(ARGV[3]), ARGV[1], ARGV[2]\n"
"redis.pcall('XGROUP', 'CREATE', KEYS[1], g, '0', 'MKSTREAM')\n"
"local function take(list)\n"
"  for _, e in ipairs(list) do\n"
"    if type(e[2]) ~= 'table' then\n"
"      redis.call('XACK', KEYS[1], g, e[1])\n"
"    elseif #out < max then\n"
"      out[#out + 1] = e\n"
"    end\n"
"  end\n"
"end\n"
"local r = redis.call('XREADGROUP', 'GROUP', g, c, 'COUNT', ARGV[3],\n"
"  'STREAMS', KEYS[1], '0')\n"
"if r then take(r[1][2]) end\n"
"if #out < max then\n"
"  take(redis.call('XAUTOCLAIM', KEYS[1], g, c, ARGV[4], '0-0',\n"
"    'COUNT', max - #out)[2])\n"
"end\n"
"if #out < max then\n"
"  r = redis.call('XREADGROUP', 'GROUP', g, c, 'COUNT', max - #out,\n"
"    'STREAMS', KEYS[1], '>')\n"
"  if r then take(r[1][2]) end\n"
"end\n"
"return out\n";

/*
 * KEYS the records of one SCAN page. Returns, per key, its fields in the
 * order of fields[]; nothing for a key that is not a hash.
 */
const char redis_list_script[] =
"local out = {}\n"
"for i, k in ipairs(KEYS) do\n"
"  local r = redis.pcall('HMGET', k, " REDIS_RECORD_FIELDS ")\n"
"  if type(r) == 'table' and r.err then r = {} end\n"
"  out[i] = r\n"
"end\n"
"return out\n";

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
scan_page(struct redis_conn *c, const char *pattern, const char *cursor,
    struct store_err *err)
{
	const char *argv[6] = {"SCAN", cursor, "MATCH", pattern, "COUNT", "500"};
	size_t len[6];
	redisReply *r;
	int i;

	for (i = 0; i < 6; i++)
		len[i] = strlen(argv[i]);
	if ((r = redis_pool_cmd(c, "list", 6, argv, len, err)) == NULL)
		return NULL;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[0]->len >= 32 ||
	    r->element[1]->type != REDIS_REPLY_ARRAY) {
		store_set_error(err, "redis list: unexpected reply");
		freeReplyObject(r);
		return NULL;
	}
	return r;
}

/* read_page - the records of a page's keys: one script */
static redisReply *
read_page(struct redis_store *rs, struct redis_conn *c, const redisReply *keys,
    struct store_err *err)
{
	struct redis_args a;
	redisReply *r;
	size_t i;

	if (redis_args_new(&a, 3 + (int)keys->elements, 2, 32, err) < 0)
		return NULL;
	redis_args_num(&a, "%zu", keys->elements);
	for (i = 0; i < keys->elements; i++)
		redis_args_ref(&a, keys->element[i]->str, keys->element[i]->len);
	r = redis_store_run(rs, c, SCRIPT_LIST, &a, "list", err);
	free(a.v);
	if (r != NULL && (r->type != REDIS_REPLY_ARRAY ||
	    r->elements != keys->elements)) {
		store_set_error(err, "redis list: unexpected reply");
		freeReplyObject(r);
		r = NULL;
	}
	return r;
}

/* list_page - fn for each live, unlisted record of a page; <0 error, 1 stop */
static int
list_page(const redisReply *keys, const redisReply *recs, size_t skip,
    enum store_kind kind, time_t now, void **seen, store_list_fn fn,
    void *arg, int *n_r, struct store_err *err)
{
	const redisReply *k;
	struct quarantine q;
	size_t i;
	int rc;

	for (i = 0; i < keys->elements; i++) {
		k = keys->element[i];
		if (k->type != REDIS_REPLY_STRING || k->len <= skip ||
		    memchr(k->str, '\0', k->len) != NULL ||
		    redis_store_record(recs->element[i], &q) < 0 || q.expires <= now)
			continue;
		if ((rc = seen_add(seen, k->str)) < 0) {
			store_set_error(err, "redis list: out of memory");
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
int
redis_list(struct store *st, enum store_kind kind, time_t now,
    store_list_fn fn, void *arg, struct store_err *err)
{
	struct redis_store *rs = (struct redis_store *)st;
	size_t skip = strlen(rs->prefix) + 3 + strlen(store_kind_name(kind));
	char cursor[32] = "0", *pattern;
	redisReply *page, *recs;
	struct redis_conn *c;
	void *seen = NULL;
	int n = 0, rc = 0;

	if ((pattern = malloc(2 * strlen(rs->prefix) + 16)) == NULL) {
		store_set_error(err, "redis list: out of memory");
		return -1;
	}
	glob_escape(rs->prefix, pattern);
	strcat(strcat(strcat(pattern, "q:"), store_kind_name(kind)), ":*");
	do {
		if ((c = redis_pool_get(rs->pool, err)) == NULL) {
			rc = -1;
			break;
		}
		recs = NULL;
		if ((page = scan_page(c, pattern, cursor, err)) != NULL &&
		    page->element[1]->elements > 0)
			recs = read_page(rs, c, page->element[1], err);
		rc = page == NULL || (recs == NULL &&
		    page->element[1]->elements > 0) ? -1 : 0;
		redis_pool_put(rs->pool, c, rc < 0);
		if (rc == 0) {
			memcpy(cursor, page->element[0]->str,
			    page->element[0]->len);
			cursor[page->element[0]->len] = '\0';
			if (recs != NULL)
				rc = list_page(page->element[1], recs, skip,
				    kind, now, &seen, fn, arg, &n, err);
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
int
redis_server_info(struct store *st, struct store_server_info *info_r,
    struct store_err *err)
{
	struct redis_store *rs = (struct redis_store *)st;
	const char *argv[1] = {"INFO"}, *v, *m, *cl;
	size_t len[1] = {4};
	struct redis_conn *c;
	redisReply *r;
	int rc = -2;

	if ((c = redis_pool_get(rs->pool, err)) == NULL)
		return -1;
	if ((r = redis_pool_cmd(c, "info", 1, argv, len, err)) == NULL)
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
		store_set_error(err, "redis info: unexpected reply");
	redis_pool_put(rs->pool, c, rc < 0);
	if (r != NULL)
		freeReplyObject(r);
	return rc < 0 ? -1 : rc;
}

/* an entry's fields, as the put and release scripts name them */
enum field {
	F_TYPE, F_KIND, F_KEY, F_TIME, F_RULE, F_REASON, F_EVIDENCE, F_NODE,
	F_FIRST_SEEN, F_LAST_SEEN, F_EXPIRES, F_HITS, F_INCIDENT, F_REPEAT,
	N_FIELDS
};

static const char *const field_names[N_FIELDS] = {
	"type", "kind", "key", "time", "rule", "reason", "evidence", "node",
	"first_seen", "last_seen", "expires", "hits", "incident", "repeat",
};

/* field_of - the field a name stands for; N_FIELDS for one not known */
static enum field
field_of(const redisReply *name)
{
	int i;

	for (i = 0; i < N_FIELDS; i++)
		if (name->len == strlen(field_names[i]) &&
		    memcmp(name->str, field_names[i], name->len) == 0)
			return (enum field)i;
	return N_FIELDS;
}

/* set_word - the type or kind a value names; 0 ok, -1 none */
static int
set_word(enum field f, const char *s, struct store_event *ev)
{
	static const enum store_event_type types[] = {
		STORE_EVENT_QUARANTINE, STORE_EVENT_HIT, STORE_EVENT_RELEASE,
	};
	size_t i;

	if (f == F_KIND) {
		if (strcmp(s, "ip") != 0 && strcmp(s, "login") != 0)
			return -1;
		ev->kind = strcmp(s, "ip") == 0 ? STORE_IP : STORE_LOGIN;
		return 0;
	}
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(s, store_event_type_name(types[i])) == 0) {
			ev->type = types[i];
			return 0;
		}
	return -1;
}

/* set_field - one field's value into ev; 0 ok, -1 malformed */
static int
set_field(enum field f, const redisReply *val, struct store_event *ev)
{
	struct quarantine *q = &ev->q;

	switch (f) {
	case F_TYPE:
	case F_KIND:
		if (memchr(val->str, '\0', val->len) != NULL)
			return -1;
		return set_word(f, val->str, ev);
	case F_KEY:
		if (val->len == 0 || val->len > STORE_KEY_MAX)
			return -1;
		redis_store_text(ev->key, sizeof(ev->key), val);
		return 0;
	case F_RULE:
		if (!rule_lookup(val->str, &q->rule))
			q->rule = RULE_NONE;
		return 0;
	case F_REASON:
		redis_store_text(q->reason, sizeof(q->reason), val);
		return 0;
	case F_EVIDENCE:
		redis_store_text(q->evidence, sizeof(q->evidence), val);
		return 0;
	case F_NODE:
		redis_store_text(q->node, sizeof(q->node), val);
		return 0;
	case F_TIME:
		ev->time = (time_t)strtoll(val->str, NULL, 10);
		return 0;
	case F_FIRST_SEEN:
		q->first_seen = (time_t)strtoll(val->str, NULL, 10);
		return 0;
	case F_LAST_SEEN:
		q->last_seen = (time_t)strtoll(val->str, NULL, 10);
		return 0;
	case F_EXPIRES:
		q->expires = (time_t)strtoll(val->str, NULL, 10);
		return 0;
	case F_HITS:
		q->hits = strtoul(val->str, NULL, 10);
		return 0;
	case F_INCIDENT:
		q->incident = strtoul(val->str, NULL, 10);
		return 0;
	case F_REPEAT:
		q->repeat = strtoul(val->str, NULL, 10);
		return 0;
	case N_FIELDS:
		break;
	}
	return 0;			/* a field added later: passed over */
}

/* parse_entry - one stream entry, [id, [name, value, ...]]; 0 ok, -1 not */
static int
parse_entry(const redisReply *e, struct store_event *ev)
{
	const redisReply *id, *f;
	unsigned seen = 0;
	enum field which;
	size_t i;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2)
		return -1;
	id = e->element[0];
	f = e->element[1];
	if (id->type != REDIS_REPLY_STRING || id->len == 0 ||
	    id->len >= STORE_EVENT_ID_MAX || f->type != REDIS_REPLY_ARRAY ||
	    f->elements % 2 != 0)
		return -1;
	memset(ev, 0, sizeof(*ev));
	memcpy(ev->id, id->str, id->len);
	ev->q.rule = RULE_NONE;
	for (i = 0; i < f->elements; i += 2) {
		if (f->element[i]->type != REDIS_REPLY_STRING ||
		    f->element[i + 1]->type != REDIS_REPLY_STRING)
			return -1;
		which = field_of(f->element[i]);
		if (set_field(which, f->element[i + 1], ev) < 0)
			return -1;
		if (which < N_FIELDS)
			seen |= 1u << which;
	}
	return (seen & 7u) == 7u ? 0 : -1;	/* type, kind, key */
}

/* parse_entries - a list of entries into v; 0 ok, -2 malformed */
static int
parse_entries(const redisReply *r, struct store_event *v, size_t max,
    size_t *n_r)
{
	size_t i;

	if (r->type != REDIS_REPLY_ARRAY || r->elements > max)
		return -2;
	for (i = 0; i < r->elements; i++)
		if (parse_entry(r->element[i], &v[i]) < 0)
			return -2;
	*n_r = r->elements;
	return 0;
}

/* last_id - the id of the stream's newest entry, "0-0" when none */
static int
last_id(struct redis_store *rs, char *id_r, struct store_err *err)
{
	struct redis_conn *c;
	struct redis_args a;
	redisReply *r;
	int rc = -2;

	if (redis_args_new(&a, 6, 0, 0, err) < 0)
		return -1;
	redis_args_ref(&a, "XREVRANGE", 9);
	redis_args_ref(&a, rs->events, strlen(rs->events));
	redis_args_ref(&a, "+", 1);
	redis_args_ref(&a, "-", 1);
	redis_args_ref(&a, "COUNT", 5);
	redis_args_ref(&a, "1", 1);
	if ((c = redis_pool_get(rs->pool, err)) == NULL) {
		free(a.v);
		return -1;
	}
	if ((r = redis_pool_cmd(c, "events", a.n, a.v, a.len, err)) == NULL)
		rc = -1;
	else if (r->type == REDIS_REPLY_ARRAY && r->elements == 0) {
		snprintf(id_r, STORE_EVENT_ID_MAX, "0-0");
		rc = 0;
	} else if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
	    r->element[0]->type == REDIS_REPLY_ARRAY &&
	    r->element[0]->elements >= 1 &&
	    r->element[0]->element[0]->type == REDIS_REPLY_STRING &&
	    r->element[0]->element[0]->len < STORE_EVENT_ID_MAX) {
		redis_store_text(id_r, STORE_EVENT_ID_MAX,
		    r->element[0]->element[0]);
		rc = 0;
	}
	return redis_store_finish(rs, c, r, &a, rc, "events", err);
}

/* read_log - the entries after id "from": one XRANGE */
static int
read_log(struct redis_store *rs, const char *from, struct store_event *v,
    size_t max, size_t *n_r, struct store_err *err)
{
	struct redis_conn *c;
	struct redis_args a;
	redisReply *r;
	int rc;

	if (redis_args_new(&a, 6, 0, STORE_EVENT_ID_MAX + 24, err) < 0)
		return -1;
	redis_args_ref(&a, "XRANGE", 6);
	redis_args_ref(&a, rs->events, strlen(rs->events));
	redis_args_cat(&a, "(", from, (const char *)NULL);
	redis_args_ref(&a, "+", 1);
	redis_args_ref(&a, "COUNT", 5);
	redis_args_num(&a, "%zu", max);
	if ((c = redis_pool_get(rs->pool, err)) == NULL) {
		free(a.v);
		return -1;
	}
	if ((r = redis_pool_cmd(c, "events", a.n, a.v, a.len, err)) == NULL)
		rc = -1;
	else
		rc = parse_entries(r, v, max, n_r);
	return redis_store_finish(rs, c, r, &a, rc, "events", err);
}

/* read_group - one pass of a consumer's read: one script */
static int
read_group(struct redis_store *rs, const char *group, const char *consumer,
    struct store_event *v, size_t max, size_t *n_r, struct store_err *err)
{
	struct redis_conn *c;
	struct redis_args a;
	redisReply *r;
	int rc;

	if (redis_args_new(&a, 8, 2, 48, err) < 0)
		return -1;
	redis_args_ref(&a, "1", 1);
	redis_args_ref(&a, rs->events, strlen(rs->events));
	redis_args_ref(&a, group, strlen(group));
	redis_args_ref(&a, consumer, strlen(consumer));
	redis_args_num(&a, "%zu", max);
	redis_args_num(&a, "%d", STORE_EVENTS_CLAIM_MS);
	if ((c = redis_pool_get(rs->pool, err)) == NULL) {
		free(a.v);
		return -1;
	}
	if ((r = redis_store_run(rs, c, SCRIPT_READ, &a, "events",
	    err)) == NULL)
		rc = -1;
	else
		rc = parse_entries(r, v, max, n_r);
	return redis_store_finish(rs, c, r, &a, rc, "events", err);
}

/* elapsed_ms - milliseconds since t0 on the monotonic clock */
static unsigned long
elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (unsigned long)((t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000);
}

/* redis_events_read - the log after an id, or a group's events; polls */
int
redis_events_read(struct store *st, const char *group, const char *consumer,
    const char *after, unsigned wait_ms, time_t now, struct store_event *v,
    size_t max, size_t *n_r, struct store_err *err)
{
	struct redis_store *rs = (struct redis_store *)st;
	char from[STORE_EVENT_ID_MAX];
	struct timespec t0, pause;
	unsigned long spent;
	int rc;

	(void)now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (group == NULL && strcmp(after, "$") == 0) {
		if (last_id(rs, from, err) < 0)
			return -1;
	} else if (group == NULL)
		snprintf(from, sizeof(from), "%s", after);
	for (;;) {
		rc = group != NULL ? read_group(rs, group, consumer, v, max,
		    n_r, err) : read_log(rs, from, v, max, n_r, err);
		if (rc < 0 || *n_r > 0 || (spent = elapsed_ms(&t0)) >= wait_ms)
			return rc;
		spent = wait_ms - spent;	/* what is left of the wait */
		pause.tv_sec = 0;
		pause.tv_nsec = (long)(spent < POLL_MS ? spent : POLL_MS) *
		    1000000L;
		nanosleep(&pause, NULL);
	}
}

/* redis_events_ack - a group's event handled: one XACK */
int
redis_events_ack(struct store *st, const char *group, const char *id,
    struct store_err *err)
{
	struct redis_store *rs = (struct redis_store *)st;
	struct redis_conn *c;
	struct redis_args a;
	redisReply *r;
	int rc;

	if (redis_args_new(&a, 4, 0, 0, err) < 0)
		return -1;
	redis_args_ref(&a, "XACK", 4);
	redis_args_ref(&a, rs->events, strlen(rs->events));
	redis_args_ref(&a, group, strlen(group));
	redis_args_ref(&a, id, strlen(id));
	if ((c = redis_pool_get(rs->pool, err)) == NULL) {
		free(a.v);
		return -1;
	}
	if ((r = redis_pool_cmd(c, "ack", a.n, a.v, a.len, err)) == NULL)
		rc = -1;
	else
		rc = r->type == REDIS_REPLY_INTEGER ? 0 : -2;
	return redis_store_finish(rs, c, r, &a, rc, "ack", err);
}

/* redis_note_put - SET P"n:"NAME PX, NX to claim (dead at birth: DEL) */
int
redis_note_put(struct store *st, const char *name, const char *value,
    time_t expires, int only_new, time_t now, struct store_err *err)
{
	struct redis_store *rs = (struct redis_store *)st;
	struct redis_conn *c;
	struct redis_args a;
	redisReply *r;
	int rc;

	if (expires <= now && only_new)
		return 0;
	if (redis_args_new(&a, 6, 0, strlen(rs->prefix) + strlen(name) +
	    32, err) < 0)
		return -1;
	redis_args_ref(&a, expires > now ? "SET" : "DEL", 3);
	redis_args_cat(&a, rs->prefix, "n:", name, (const char *)NULL);
	if (expires > now) {
		redis_args_ref(&a, value, strlen(value));
		redis_args_ref(&a, "PX", 2);
		redis_args_num(&a, "%lld", ((long long)expires -
		    (long long)now) * 1000);
	}
	if (only_new)
		redis_args_ref(&a, "NX", 2);
	if (a.overflow) {
		store_set_error(err, "redis note: arguments too long");
		free(a.v);
		return -1;
	}
	if ((c = redis_pool_get(rs->pool, err)) == NULL) {
		free(a.v);
		return -1;
	}
	if ((r = redis_pool_cmd(c, "note", a.n, a.v, a.len, err)) == NULL)
		rc = -1;
	else if ((r->type == REDIS_REPLY_STATUS && strcmp(r->str, "OK") == 0) ||
	    (r->type == REDIS_REPLY_INTEGER && expires <= now))
		rc = 1;
	else
		rc = r->type == REDIS_REPLY_NIL && only_new ? 0 : -2;
	return redis_store_finish(rs, c, r, &a, rc, "note", err);
}

/* redis_note_get - GET P"n:"NAME: one trip */
int
redis_note_get(struct store *st, const char *name, time_t now, char *value_r,
    size_t len, struct store_err *err)
{
	struct redis_store *rs = (struct redis_store *)st;
	struct redis_conn *c;
	struct redis_args a;
	redisReply *r;
	int rc;

	(void)now;
	if (redis_args_new(&a, 2, 0, strlen(rs->prefix) + strlen(name) + 2,
	    err) < 0)
		return -1;
	redis_args_ref(&a, "GET", 3);
	redis_args_cat(&a, rs->prefix, "n:", name, (const char *)NULL);
	if ((c = redis_pool_get(rs->pool, err)) == NULL) {
		free(a.v);
		return -1;
	}
	if ((r = redis_pool_cmd(c, "note", a.n, a.v, a.len, err)) == NULL)
		rc = -1;
	else if (r->type == REDIS_REPLY_NIL)
		rc = 0;
	else if (r->type == REDIS_REPLY_STRING) {
		redis_store_text(value_r, len, r);
		rc = 1;
	} else
		rc = -2;
	return redis_store_finish(rs, c, r, &a, rc, "note", err);
}
