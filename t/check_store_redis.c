/*
 * NAME
 *	check_store_redis - the Redis backend's own cases
 * SYNOPSIS
 *	check_store_redis
 * DESCRIPTION
 *	What the contract (t/check_store.c) cannot say, against private
 *	redis-servers that each test starts (store_harness.h):
 *	reconnection after CLIENT KILL; the scripts named by what SCRIPT
 *	LOAD answers, loaded on first use and again after NOSCRIPT (SCRIPT
 *	FLUSH), never sent by EVAL; a server stopped and started again; a
 *	paused server (timeout, not a hang), also with a pool of one shared
 *	by four threads, each reading its own error; the events published
 *	and streamed (the line's fields, the stream's fields, MAXLEN, a
 *	malformed entry); AUTH with a password and an ACL user; prefix and
 *	database isolation; one round trip per check, put and release
 *	(MONITOR, INFO commandstats); a Unix socket; a server down at
 *	start; the options refused; a replica's READONLY; listings under
 *	prefixes with glob characters beside keys that are not records; and
 *	a Sentinel (a dead one listed first) with a forced failover that
 *	the store follows.
 * ENVIRONMENT
 *	ISO_REQUIRE_INTEGRATION=1  a missing redis-server is a failure;
 *		otherwise only the cases that need no server run, with a
 *		note.
 *	ISO_KEEP  keep the servers' folders (/tmp/check_store.*), for a
 *		look.
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "redis_pool.h"
#include "store.h"
#include "store_harness.h"
#include "xtext.h"

static int have_redis;

/* A store that lost its connection reconnects by itself. */
START_TEST(test_reconnect)
{
	struct srv *s = must_start(0, 0, NULL);
	struct store *st = redis_store(s->port, 0, 1000);
	redisContext *rc = raw_connect(s->port, 5000);
	redisReply *r;
	int first;

	ck_assert_int_eq(one_check(st, "127.0.2.66", NULL, NULL), 0);
	r = raw(rc, "CLIENT", "KILL", "TYPE", "normal");
	ck_assert_int_eq(r->type, REDIS_REPLY_INTEGER);
	ck_assert_int_ge(r->integer, 1);
	freeReplyObject(r);
	first = one_check(st, "127.0.2.66", NULL, NULL);
	if (first < 0)
		ck_assert_msg(strncmp(serr.text, "redis ", 6) == 0,
		    "error: %s", serr.text);
	ck_assert_msg(one_check(st, "127.0.2.66", NULL, NULL) == 0, "%s",
	    serr.text);
	redisFree(rc);
	store_free(st);
	srv_stop(s, 0);
}
END_TEST

/* commandstat - calls of one command in INFO commandstats, 0 if none */
static long
commandstat(redisContext *c, const char *name)
{
	char want[64];
	redisReply *r = raw(c, "INFO", "commandstats");
	const char *p;
	long n = 0;

	snprintf(want, sizeof(want), "cmdstat_%s:calls=", name);
	if ((p = strstr(r->str, want)) != NULL)
		n = strtol(p + strlen(want), NULL, 10);
	freeReplyObject(r);
	return n;
}

/*
 * Scripts are named by what SCRIPT LOAD answers, loaded on first use; a
 * server that lost them (a restart, a failover, SCRIPT FLUSH) answers
 * NOSCRIPT, and they are loaded again: never sent by EVAL. ("script|load"
 * is Redis 7's name of the subcommand in INFO commandstats.)
 */
START_TEST(test_noscript)
{
	struct srv *s = must_start(0, 0, NULL);
	struct store *st = redis_store(s->port, 0, 1000);
	redisContext *rc = raw_connect(s->port, 5000);
	struct store_counter k = {STORE_IP, "127.0.2.66", "messages", 60000, 1,
	    0, 0};

	ck_assert_int_eq(commandstat(rc, "script|load"), 0);
	ck_assert_int_eq(one_check(st, "127.0.2.66", NULL, &k), 0);
	ck_assert_int_eq(commandstat(rc, "script|load"), 1);	/* first use */
	ck_assert_int_eq(one_check(st, "127.0.2.66", NULL, &k), 0);
	ck_assert_int_eq(commandstat(rc, "script|load"), 1);	/* kept */
	freeReplyObject(raw(rc, "SCRIPT", "FLUSH"));
	ck_assert_msg(one_check(st, "127.0.2.66", NULL, &k) == 0, "%s",
	    serr.text);
	ck_assert_int_eq(k.count_r, 3);
	ck_assert_int_eq(commandstat(rc, "script|load"), 2);	/* again */
	ck_assert_int_eq(one_check(st, "127.0.2.66", NULL, &k), 0);
	ck_assert_int_eq(commandstat(rc, "script|load"), 2);
	ck_assert_int_eq(commandstat(rc, "evalsha"), 5);	/* + NOSCRIPT */
	freeReplyObject(raw(rc, "SCRIPT", "FLUSH"));
	quarantine(st, STORE_IP, "127.0.2.66", 1000, 2000);
	freeReplyObject(raw(rc, "SCRIPT", "FLUSH"));
	ck_assert_int_eq(store_quarantine_release(st, STORE_IP, "127.0.2.66",
	    1000, &serr), 1);
	ck_assert_int_eq(commandstat(rc, "eval"), 0);
	redisFree(rc);
	store_free(st);
	srv_stop(s, 0);
}
END_TEST

/*
 * One round trip per check (with its seen note), put and release:
 * MONITOR shows one command (EVALSHA) for each at top level; what the
 * script runs shows as "[0 lua]".
 */
START_TEST(test_round_trip)
{
	struct srv *s = must_start(0, 0, NULL);
	struct store *st = redis_store(s->port, 0, 1000);
	redisContext *rc = raw_connect(s->port, 5000);
	redisContext *mon = raw_connect(s->port, 5000);
	struct store_counter k[2] = {
		{STORE_IP, "127.0.2.66", "messages", 60000, 1, 0, 0},
		{STORE_LOGIN, "bot@example.net", "recipients", 60000, 3, 0, 0},
	};
	struct store_check c;
	int n, top = 0, evalsha = 0, done = 0;
	redisReply *r;

	quarantine(st, STORE_IP, "127.0.2.66", 1000, 90000);
	ck_assert_int_eq(store_quarantine_release(st, STORE_IP, "127.0.2.99",
	    1000, &serr), 0);				/* loads the scripts */
	memset(&c, 0, sizeof(c));
	c.ip = "127.0.2.66";
	c.login = "bot@example.net";
	c.seen_login = "bot@example.net";
	c.seen_ttl = 600;
	c.counters = k;
	c.n_counters = 2;
	ck_assert_int_eq(store_check(st, &c, 1000, &serr), 0);
	freeReplyObject(raw(rc, "CONFIG", "RESETSTAT"));
	r = raw(mon, "MONITOR");
	ck_assert_str_eq(r->str, "OK");
	freeReplyObject(r);
	for (n = 0; n < 100; n++)
		ck_assert_int_eq(store_check(st, &c, 1000, &serr), 0);
	ck_assert_int_eq(c.ip_quarantined_r, 1);
	ck_assert_int_eq(c.login_quarantined_r, 0);
	ck_assert_int_eq(k[1].count_r, 303);
	for (n = 0; n < 10; n++) {
		quarantine(st, STORE_LOGIN, "bot@example.net", 1000, 90000);
		ck_assert_int_eq(store_quarantine_release(st, STORE_LOGIN,
		    "bot@example.net", 1000, &serr), 1);
	}
	freeReplyObject(raw(rc, "ECHO", "end-of-test"));
	while (!done) {
		ck_assert_int_eq(redisGetReply(mon, (void **)&r), REDIS_OK);
		ck_assert_int_eq(r->type, REDIS_REPLY_STATUS);
		done = strstr(r->str, "\"end-of-test\"") != NULL;
		if (!done && strstr(r->str, " lua] ") == NULL) {
			top++;
			evalsha += strstr(r->str, "] \"EVALSHA\" ") != NULL;
		}
		freeReplyObject(r);
	}
	ck_assert_int_eq(top, 120);
	ck_assert_int_eq(evalsha, 120);
	ck_assert_int_eq(commandstat(rc, "evalsha"), 120);
	ck_assert_int_eq(commandstat(rc, "eval"), 0);
	ck_assert_int_eq(commandstat(rc, "script|load"), 0);	/* kept */
	redisFree(mon);
	redisFree(rc);
	store_free(st);
	srv_stop(s, 0);
}
END_TEST

/* A server stopped: errors, promptly; started again: the same store works. */
START_TEST(test_restart)
{
	struct srv *s = must_start(0, 0, NULL);
	struct store *st = redis_store(s->port, 4, 250);
	int port = s->port, i;

	ck_assert_int_eq(one_check(st, "127.0.2.66", NULL, NULL), 0);
	srv_stop(s, 1);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(one_check(st, "127.0.2.66", NULL, NULL), -1);
		ck_assert_msg(strncmp(serr.text, "redis ", 6) == 0 &&
		    strlen(serr.text) > 12, "error: %s", serr.text);
		ck_assert_int_eq(store_quarantine_get(st, STORE_IP,
		    "127.0.2.66", 1000, NULL, &serr), -1);
	}
	ck_assert_ptr_nonnull(strstr(serr.text, "connection refused"));
	ck_assert_int_eq(srv_start(s, port, 0, NULL), 0);
	ck_assert_msg(one_check(st, "127.0.2.66", NULL, NULL) == 0, "%s",
	    serr.text);
	quarantine(st, STORE_IP, "127.0.2.66", 1000, 2000);
	ck_assert_int_eq(store_quarantine_get(st, STORE_IP, "127.0.2.66", 1000,
	    NULL, &serr), 1);
	store_free(st);
	srv_stop(s, 0);
}
END_TEST

struct paused {
	pthread_t tid;
	struct store *st;
	int	rc;
	struct store_err err;		/* this thread's own */
};

/* paused_work - one check on a paused server; the result kept */
static void *
paused_work(void *arg)
{
	struct paused *p = arg;

	p->rc = check_err(p->st, "127.0.2.66", NULL, NULL, &p->err);
	return NULL;
}

/* A server that does not answer: a timeout, not a hang. */
START_TEST(test_pause)
{
	struct srv *s = must_start(0, 0, NULL);
	struct store *st = redis_store(s->port, 0, 300);
	struct store *one = redis_store(s->port, 1, 300);
	redisContext *rc = raw_connect(s->port, 5000);
	struct paused t[4];
	int i, rc_check = -1;

	ck_assert_int_eq(one_check(st, "127.0.2.66", NULL, NULL), 0);
	freeReplyObject(raw(rc, "CLIENT", "PAUSE", "3000", "ALL"));
	ck_assert_int_eq(one_check(st, "127.0.2.66", NULL, NULL), -1);
	ck_assert_msg(strstr(serr.text, "timeout") != NULL, "error: %s",
	    serr.text);
	/* a pool of one, four callers: each times out, or finds it busy */
	for (i = 0; i < 4; i++) {
		t[i].st = one;
		ck_assert_int_eq(pthread_create(&t[i].tid, NULL, paused_work,
		    &t[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i].tid, NULL);
		ck_assert_int_eq(t[i].rc, -1);
		ck_assert_msg(strstr(t[i].err.text, "timeout") != NULL ||
		    strstr(t[i].err.text,
		    "redis pool: all 1 connections busy") !=
		    NULL, "error: %s", t[i].err.text);
	}
	store_free(one);
	/* the pause ends by itself: poll, each try bounded by the timeout */
	for (i = 0; i < 40 && rc_check < 0; i++)
		rc_check = one_check(st, "127.0.2.66", NULL, NULL);
	ck_assert_msg(rc_check == 0, "%s", serr.text);
	redisFree(rc);
	store_free(st);
	srv_stop(s, 0);
}
END_TEST

/* A caller that waits for the pool's one lent connection. */
struct waiter {
	struct redis_pool *pool;
	struct redis_conn *c;		/* what it got, or NULL */
	struct store_err err;
	long	ms;			/* how long it waited */
};

/* ms_since - milliseconds from t0 to now, on the monotonic clock */
static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)(t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* waiter_work - ask the pool for a connection; the answer kept */
static void *
waiter_work(void *arg)
{
	struct waiter *w = arg;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	w->c = redis_pool_get(w->pool, &w->err);
	w->ms = ms_since(&t0);
	return NULL;
}

/*
 * A holder may keep a connection longer than one RedisTimeout (several
 * commands, or a host short of CPU): a caller waits for it up to four
 * timeouts, then gets "all busy", not longer.
 */
START_TEST(test_pool_wait)
{
	struct srv *s = must_start(0, 0, NULL);
	struct timespec hold = {0, 300 * 1000 * 1000};
	struct store_redis_opts o;
	struct redis_pool *p;
	struct redis_conn *c;
	struct waiter w;
	pthread_t tid;
	char buf[64], err[256];

	o = opts(buf, sizeof(buf), s->port);
	o.timeout_ms = 200;
	o.pool_size = 1;
	p = redis_pool_new(&o, err, sizeof(err));
	ck_assert_msg(p != NULL, "redis_pool_new: %s", err);
	c = redis_pool_get(p, &serr);
	ck_assert_msg(c != NULL, "%s", serr.text);

	/* held for 300 ms, more than the timeout: the waiter still gets it */
	memset(&w, 0, sizeof(w));
	w.pool = p;
	ck_assert_int_eq(pthread_create(&tid, NULL, waiter_work, &w), 0);
	nanosleep(&hold, NULL);
	redis_pool_put(p, c, 0);
	pthread_join(tid, NULL);
	ck_assert_msg(w.c != NULL, "after %ld ms: %s", w.ms, w.err.text);
	c = w.c;

	/* held for good: the waiter gives up after four timeouts */
	memset(&w, 0, sizeof(w));
	w.pool = p;
	ck_assert_int_eq(pthread_create(&tid, NULL, waiter_work, &w), 0);
	pthread_join(tid, NULL);
	ck_assert_ptr_null(w.c);
	ck_assert_msg(strstr(w.err.text, "all 1 connections busy") != NULL,
	    "error: %s", w.err.text);
	ck_assert_msg(w.ms >= 780 && w.ms < 3000, "gave up after %ld ms",
	    w.ms);
	redis_pool_put(p, c, 0);
	redis_pool_free(p);
	srv_stop(s, 0);
}
END_TEST

/* event_field - the decoded value of name in an event line; 0 ok, -1 none */
static int
event_field(const char *line, const char *name, char *out, size_t len)
{
	size_t nlen = strlen(name);
	const char *p = line, *end;
	char tok[512];

	for (; *p != '\0'; p = *end ? end + 1 : end) {
		end = strchr(p, ' ');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) >= sizeof(tok))
			return -1;
		memcpy(tok, p, (size_t)(end - p));
		tok[end - p] = '\0';
		if (strncmp(tok, name, nlen) == 0 && tok[nlen] == '=')
			return xtext_decode(tok + nlen + 1, out, len);
	}
	return -1;
}

/* next_event - the next message on the subscribed connection */
static char *
next_event(redisContext *sub)
{
	redisReply *r = NULL;
	char *line;

	ck_assert_int_eq(redisGetReply(sub, (void **)&r), REDIS_OK);
	ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
	ck_assert_int_eq(r->elements, 3);
	ck_assert_str_eq(r->element[0]->str, "message");
	ck_assert_str_eq(r->element[1]->str, "iso:events");
	line = strdup(r->element[2]->str);
	ck_assert_int_eq(strlen(line), r->element[2]->len);
	ck_assert_ptr_null(strchr(line, '\n'));
	ck_assert_ptr_null(strchr(line, '\r'));
	freeReplyObject(r);
	return line;
}

static const struct event_want {
	const char *name;
	const char *want;
} want_put[] = {
	{"event", "quarantine"}, {"kind", "ip"}, {"key", "127.0.2.66"},
	{"rule", "inbound.customer_direct"}, {"expires", "5000"}, {"hits", "1"},
	{"node", "mx1"}, {"reason", "bot seen: helo=x y"}, {"incident", "1"},
	{"repeat", "1"},
}, want_refresh[] = {
	{"event", "hit"}, {"expires", "5000"}, {"hits", "2"}, {"incident", "1"},
}, want_release[] = {
	{"event", "release"}, {"kind", "ip"}, {"key", "127.0.2.66"},
	{"node", "mx2"}, {"incident", "1"},
}, want_login[] = {
	{"event", "quarantine"}, {"kind", "login"}, {"key", "John Doe+x=y\r\n"},
	{"incident", "2"},
};

/* expect_event - the next event has the fields wanted */
static void
expect_event(redisContext *sub, const struct event_want *w, int n)
{
	char *line = next_event(sub), got[256];
	int i;

	for (i = 0; i < n; i++) {
		ck_assert_msg(event_field(line, w[i].name, got,
		    sizeof(got)) == 0, "no %s in \"%s\"", w[i].name, line);
		ck_assert_msg(strcmp(got, w[i].want) == 0, "%s=%s in \"%s\"",
		    w[i].name, got, line);
	}
	free(line);
}

START_TEST(test_events)
{
	struct srv *s = must_start(0, 0, NULL);
	struct store *st = redis_store(s->port, 0, 1000);
	redisContext *sub = raw_connect(s->port, 5000);
	redisReply *r;

	r = raw(sub, "SUBSCRIBE", "iso:events");
	ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
	freeReplyObject(r);
	quarantine(st, STORE_IP, "127.0.2.66", 1000, 5000);
	expect_event(sub, want_put, NCASES(want_put));
	quarantine(st, STORE_IP, "127.0.2.66", 1001, 4000);
	expect_event(sub, want_refresh, NCASES(want_refresh));
	ck_assert_int_eq(store_quarantine_release(st, STORE_IP, "127.0.2.66",
	    1002, &serr), 1);
	expect_event(sub, want_release, NCASES(want_release));
	ck_assert_int_eq(store_quarantine_release(st, STORE_IP, "127.0.2.66",
	    1003, &serr), 0);			/* nothing released: no event */
	quarantine(st, STORE_LOGIN, "John Doe+x=y\r\n", 1004, 5000);
	expect_event(sub, want_login, NCASES(want_login));
	redisFree(sub);
	store_free(st);
	srv_stop(s, 0);
}
END_TEST

/* stream_field - the value of name in a stream entry's fields, or "" */
static const char *
stream_field(const redisReply *f, const char *name)
{
	size_t i;

	for (i = 0; i + 1 < f->elements; i += 2)
		if (strcmp(f->element[i]->str, name) == 0)
			return f->element[i + 1]->str;
	return "";
}

/*
 * The stream as other consumers see it: one field per value, in this
 * order; MAXLEN ~ keeps it near events_max; an entry this store did not
 * write is refused, not misread.
 */
START_TEST(test_stream)
{
	static const char *const names[] = {
		"type", "kind", "key", "time", "rule", "reason", "evidence",
		"node", "first_seen", "last_seen", "expires", "hits",
		"incident", "repeat",
	};
	static const struct event_want want[] = {
		{"type", "quarantine"}, {"kind", "ip"}, {"key", "127.0.2.66"},
		{"time", "1000"}, {"rule", "inbound.customer_direct"},
		{"reason", "bot seen: helo=x y"}, {"evidence", ""},
		{"node", "mx1"}, {"first_seen", "1000"}, {"last_seen", "1000"},
		{"expires", "5000"}, {"hits", "1"}, {"incident", "1"},
		{"repeat", "1"},
	};
	struct srv *s = must_start(0, 0, NULL);
	redisContext *rc = raw_connect(s->port, 5000);
	char buf[64], err[256], prev[STORE_EVENT_ID_MAX];
	struct store_redis_opts o = opts(buf, sizeof(buf), s->port);
	struct store_event v[4];
	redisReply *r, *f;
	struct store *st;
	size_t i, n;

	o.events_max = 10;
	ck_assert_ptr_nonnull(st = store_redis_new(&o, err, sizeof(err)));
	quarantine(st, STORE_IP, "127.0.2.66", 1000, 5000);
	r = raw(rc, "XRANGE", "iso:events", "-", "+");
	ck_assert_uint_eq(r->elements, 1);
	f = r->element[0]->element[1];
	ck_assert_uint_eq(f->elements, 2 * NCASES(names));
	for (i = 0; i < (size_t)NCASES(names); i++)
		ck_assert_str_eq(f->element[2 * i]->str, names[i]);
	for (i = 0; i < (size_t)NCASES(want); i++)
		ck_assert_str_eq(stream_field(f, want[i].name), want[i].want);
	freeReplyObject(r);
	for (i = 0; i < 400; i++)
		quarantine(st, STORE_IP, "127.0.2.66", 1001 + (time_t)i, 5000);
	r = raw(rc, "XLEN", "iso:events");
	ck_assert_int_ge(r->integer, 10);	/* whole nodes of 100 go */
	ck_assert_int_le(r->integer, 110);
	freeReplyObject(r);
	r = raw(rc, "XREVRANGE", "iso:events", "+", "-", "COUNT", "1");
	snprintf(prev, sizeof(prev), "%s", r->element[0]->element[0]->str);
	freeReplyObject(r);
	freeReplyObject(raw(rc, "XADD", "iso:events", "*", "type", "nonsense",
	    "kind", "ip", "key", "x"));
	ck_assert_int_eq(store_events_read(st, NULL, NULL, prev, 0, 1000, v, 4,
	    &n, &serr), -1);
	ck_assert_str_eq(serr.text, "redis events: unexpected reply");
	ck_assert_int_eq(store_events_read(st, NULL, NULL, "$", 0, 1000, v, 4,
	    &n, &serr), 0);			/* and the store carries on */
	store_free(st);
	redisFree(rc);
	srv_stop(s, 0);
}
END_TEST

/* Notes on Redis: PX from expires - now, NX to claim, Redis's clock. */
START_TEST(test_notes_redis)
{
	struct srv *s = must_start(0, 0, NULL);
	struct store *st = redis_store(s->port, 0, 1000);
	redisContext *rc = raw_connect(s->port, 5000);
	char got[16];

	ck_assert_int_eq(store_note_put(st, "p", "v", 1100, 0, 1000, &serr), 1);
	ck_assert_int_gt(pttl("iso:n:p"), 99000);
	ck_assert_int_le(pttl("iso:n:p"), 100000);
	ck_assert_int_eq(store_note_put(st, "p", "w", 1300, 1, 1000, &serr), 0);
	ck_assert_int_le(pttl("iso:n:p"), 100000);	/* untouched */
	ck_assert_int_eq(store_note_put(st, "p", "w", 1300, 0, 1000, &serr), 1);
	ck_assert_int_gt(pttl("iso:n:p"), 299000);
	/* once written, a note lives by its PTTL, whatever now says */
	ck_assert_int_eq(store_note_get(st, "p", 99999, got, sizeof(got),
	    &serr), 1);
	ck_assert_str_eq(got, "w");
	freeReplyObject(raw(rc, "HSET", "iso:n:h", "f", "v"));
	ck_assert_int_eq(store_note_get(st, "h", 1000, got, sizeof(got), &serr),
	    -1);
	ck_assert_msg(strstr(serr.text, "WRONGTYPE") != NULL, "%s",
	    serr.text);
	ck_assert_int_eq(store_note_get(st, "p", 1000, got, sizeof(got), &serr),
	    1);
	redisFree(rc);
	store_free(st);
	srv_stop(s, 0);
}
END_TEST

static const struct auth_case {
	const char *user;
	const char *password;
	int	want_rc;
	const char *want_err;		/* in the error text */
} auth_cases[] = {
	{NULL, "s3cret", 0, NULL},
	{NULL, NULL, -1, "NOAUTH"},
	{NULL, "wrong", -1, "WRONGPASS"},
	{"alice", "pw", 0, NULL},
	{"alice", "s3cret", -1, "WRONGPASS"},
};

START_TEST(test_auth)
{
	static const char *const extra[] = {
		"--requirepass", "s3cret", "--user", "alice", "on", ">pw", "~*",
		"&*", "+@all", NULL,
	};
	struct srv *s = must_start(0, 0, extra);
	char buf[64], err[256];
	struct store_redis_opts o = opts(buf, sizeof(buf), s->port);
	struct store *st;
	int i, rc;

	for (i = 0; i < NCASES(auth_cases); i++) {
		o.user = auth_cases[i].user;
		o.password = auth_cases[i].password;
		st = store_redis_new(&o, err, sizeof(err));
		ck_assert_msg(st != NULL, "%s", err);
		rc = one_check(st, "127.0.2.66", NULL, NULL);
		ck_assert_msg(rc == auth_cases[i].want_rc, "case %d: %d %s", i,
		    rc, serr.text);
		if (rc < 0)
			ck_assert_msg(strstr(serr.text,
			    auth_cases[i].want_err) != NULL, "case %d: %s", i,
			    serr.text);
		store_free(st);
	}
	srv_stop(s, 0);
}
END_TEST

/* Stores of other prefixes or databases see nothing of each other. */
START_TEST(test_isolation)
{
	static const struct {
		const char *prefix;
		int	db;
	} cfg[] = {{"a:", 0}, {"b:", 0}, {"a:", 1}};
	struct srv *s = must_start(0, 0, NULL);
	struct store *st[3];
	char buf[64], err[256];
	struct store_redis_opts o = opts(buf, sizeof(buf), s->port);
	struct store_counter k = {STORE_LOGIN, "alice", "messages", 60000, 1,
	    0, 0};
	int i, j;

	for (i = 0; i < 3; i++) {
		o.prefix = cfg[i].prefix;
		o.database = cfg[i].db;
		st[i] = store_redis_new(&o, err, sizeof(err));
		ck_assert_msg(st[i] != NULL, "%s", err);
	}
	for (i = 0; i < 3; i++) {
		char key[32];

		snprintf(key, sizeof(key), "127.0.3.%d", i);
		quarantine(st[i], STORE_IP, key, 1000, 2000);
		for (j = 0; j < 3; j++)
			ck_assert_int_eq(store_quarantine_get(st[j], STORE_IP,
			    key, 1000, NULL, &serr), i == j);
		ck_assert_int_eq(one_check(st[i], NULL, NULL, &k), 0);
		ck_assert_int_eq(k.count_r, 1);
	}
	for (i = 0; i < 3; i++)
		store_free(st[i]);
	srv_stop(s, 0);
}
END_TEST

/*
 * A listing sees its own prefix only, even one with glob characters, and
 * passes over keys under it that are not records.
 */
START_TEST(test_list_prefix)
{
	static const char *const prefixes[] = {"i?o:", "iso:", "i*:"};
	struct srv *s = must_start(0, 0, NULL);
	redisContext *rc = raw_connect(s->port, 5000);
	char buf[64], err[256], key[32];
	struct store_redis_opts o = opts(buf, sizeof(buf), s->port);
	struct store *st[3];
	struct listing l;
	int i;

	for (i = 0; i < 3; i++) {
		o.prefix = prefixes[i];
		st[i] = store_redis_new(&o, err, sizeof(err));
		ck_assert_msg(st[i] != NULL, "%s", err);
		snprintf(key, sizeof(key), "127.0.3.%d", i);
		quarantine(st[i], STORE_IP, key, 1000, 2000);
	}
	freeReplyObject(raw(rc, "SET", "iso:q:ip:127.0.3.9", "not a hash"));
	freeReplyObject(raw(rc, "HSET", "iso:q:ip:127.0.3.8", "rule", "x"));
	for (i = 0; i < 3; i++) {
		memset(&l, 0, sizeof(l));
		ck_assert_int_eq(store_quarantine_list(st[i], STORE_IP, 1000,
		    collect, &l, &serr), 1);
		snprintf(key, sizeof(key), "127.0.3.%d", i);
		ck_assert_str_eq(l.keys[0], key);
	}
	for (i = 0; i < 3; i++)
		store_free(st[i]);
	redisFree(rc);
	srv_stop(s, 0);
}
END_TEST

START_TEST(test_unix)
{
	char sock[128], server[140], buf[64], err[256];
	const char *extra[] = {"--unixsocket", sock, NULL};
	struct store_redis_opts o;
	struct store *st;
	struct srv *s;

	snprintf(servers[0].dir, sizeof(servers[0].dir),
	    "/tmp/check_store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(servers[0].dir));
	snprintf(sock, sizeof(sock), "%s/redis.sock", servers[0].dir);
	s = must_start(0, 0, extra);
	snprintf(server, sizeof(server), "unix:%s", sock);
	o = opts(buf, sizeof(buf), s->port);
	o.server = server;
	st = store_redis_new(&o, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	quarantine(st, STORE_IP, "127.0.2.66", 1000, 2000);
	ck_assert_int_eq(one_check(st, "127.0.2.66", NULL, NULL), 0);
	store_free(st);
	srv_stop(s, 0);
}
END_TEST

/* Redis down at start: the store is made; calls fail, promptly. */
START_TEST(test_down_at_start)
{
	struct store *st = redis_store(free_port(), 0, 250);

	ck_assert_int_eq(one_check(st, "127.0.2.66", NULL, NULL), -1);
	ck_assert_msg(strstr(serr.text, "connection refused") != NULL,
	    "%s", serr.text);
	ck_assert_int_eq(store_quarantine_release(st, STORE_IP, "127.0.2.66",
	    1000, &serr), -1);
	store_free(st);
}
END_TEST

static const char *const one_sentinel[] = {"127.0.0.1:26379"};
static const char *const bad_sentinels[] = {"127.0.0.1:26379", "sentinel"};

static const struct opts_case {
	const char *server;
	const char *const *sentinels;
	size_t	n_sentinels;
	const char *master_name;
	const char *user;
	const char *password;
	int	database;
	const char *prefix;
	unsigned long timeout_ms;
	const char *want_err;		/* NULL: accepted */
} opts_cases[] = {
	{"127.0.0.1:6379", NULL, 0, NULL, NULL, NULL, 0, "iso:", 250, NULL},
	{"localhost:1", NULL, 0, NULL, NULL, NULL, 0, "iso:", 250, NULL},
	{"[::1]:65535", NULL, 0, NULL, NULL, NULL, 0, "iso:", 250, NULL},
	{"unix:/run/redis/redis-server.sock", NULL, 0, NULL, NULL, "pw", 3,
	    "x", 1, NULL},
	{NULL, one_sentinel, 1, "m", "u", "pw", 0, "iso:", 250, NULL},
	{"127.0.0.1:6379", one_sentinel, 1, "m", NULL, NULL, 0, "iso:", 250,
	    "exclude each other"},
	{NULL, NULL, 0, NULL, NULL, NULL, 0, "iso:", 250, "neither"},
	{"127.0.0.1", NULL, 0, NULL, NULL, NULL, 0, "iso:", 250,
	    "not host:port"},
	{"127.0.0.1:0", NULL, 0, NULL, NULL, NULL, 0, "iso:", 250,
	    "not host:port"},
	{"127.0.0.1:65536", NULL, 0, NULL, NULL, NULL, 0, "iso:", 250,
	    "not host:port"},
	{"127.0.0.1:63x9", NULL, 0, NULL, NULL, NULL, 0, "iso:", 250,
	    "not host:port"},
	{":6379", NULL, 0, NULL, NULL, NULL, 0, "iso:", 250, "not host:port"},
	{"127.0.0.1:", NULL, 0, NULL, NULL, NULL, 0, "iso:", 250,
	    "not host:port"},
	{"unix:run/redis.sock", NULL, 0, NULL, NULL, NULL, 0, "iso:", 250,
	    "unix:/absolute/path"},
	{"unix:", NULL, 0, NULL, NULL, NULL, 0, "iso:", 250,
	    "unix:/absolute/path"},
	{NULL, one_sentinel, 1, NULL, NULL, NULL, 0, "iso:", 250,
	    "needs RedisMasterName"},
	{NULL, one_sentinel, 1, "", NULL, NULL, 0, "iso:", 250,
	    "needs RedisMasterName"},
	{NULL, bad_sentinels, 2, "m", NULL, NULL, 0, "iso:", 250,
	    "RedisSentinels \"sentinel\""},
	{"127.0.0.1:6379", NULL, 0, NULL, NULL, NULL, 0, "", 250,
	    "RedisPrefix"},
	{"127.0.0.1:6379", NULL, 0, NULL, NULL, NULL, 0, NULL, 250,
	    "RedisPrefix"},
	{"127.0.0.1:6379", NULL, 0, NULL, NULL, NULL, 0, "iso:", 0,
	    "RedisTimeout"},
	{"127.0.0.1:6379", NULL, 0, NULL, NULL, NULL, -1, "iso:", 250,
	    "RedisDatabase"},
	{"127.0.0.1:6379", NULL, 0, NULL, "u", NULL, 0, "iso:", 250,
	    "RedisUser needs RedisPassword"},
};

START_TEST(test_opts)
{
	const struct opts_case *t = &opts_cases[_i];
	struct store_redis_opts o;
	char err[256];
	struct store *st;

	memset(&o, 0, sizeof(o));
	o.server = t->server;
	o.sentinels = t->sentinels;
	o.n_sentinels = t->n_sentinels;
	o.master_name = t->master_name;
	o.user = t->user;
	o.password = t->password;
	o.database = t->database;
	o.prefix = t->prefix;
	o.timeout_ms = t->timeout_ms;
	snprintf(err, sizeof(err), "untouched");
	st = store_redis_new(&o, err, sizeof(err));
	if (t->want_err == NULL) {
		ck_assert_msg(st != NULL, "case %d: %s", _i, err);
		ck_assert_str_eq(store_name(st), "redis");
		store_free(st);
	} else {
		ck_assert_msg(st == NULL, "case %d accepted", _i);
		ck_assert_msg(strstr(err, t->want_err) != NULL, "case %d: %s",
		    _i, err);
	}
}
END_TEST

/* poll_reply - poll a command (up to secs) until its reply holds want */
static int
poll_reply(int port, int secs, int elem, const char *want, const char *a0,
    const char *a1, const char *a2)
{
	int i, ok = 0;

	/* elem < 0: a text reply containing want; else element elem is want */
	for (i = 0; i < secs * 20 && !ok; i++) {
		redisContext *c = raw_connect(port, 1000);
		redisReply *r;

		if (c != NULL && (r = raw_try(c, a0, a1, a2,
		    (const char *)NULL)) != NULL) {
			if (elem < 0)
				ok = (r->type == REDIS_REPLY_STRING ||
				    r->type == REDIS_REPLY_STATUS) &&
				    strstr(r->str, want) != NULL;
			else
				ok = r->type == REDIS_REPLY_ARRAY &&
				    r->elements > (size_t)elem &&
				    r->element[elem]->type ==
				    REDIS_REPLY_STRING &&
				    strcmp(r->element[elem]->str, want) == 0;
			freeReplyObject(r);
		}
		if (c != NULL)
			redisFree(c);
		if (!ok)
			pause_ms(50);
	}
	return ok;
}

/* A Sentinel names the master; after a failover the store follows. */
START_TEST(test_sentinel)
{
	char conf[128], buf[64], dead[32], sent[32], err[256], portstr[16];
	const char *sentinels[2] = {dead, sent};
	struct srv *m, *rep, *sen;
	struct store_redis_opts o;
	struct store_counter k = {STORE_IP, "127.0.2.66", "messages", 60000, 1,
	    0, 0};
	struct store *st, *bad, *ro;
	FILE *f;
	int i, rc = -1;

	m = must_start(0, 0, (const char *const[]){"--repl-diskless-sync-delay",
	    "0", NULL});
	snprintf(portstr, sizeof(portstr), "%d", m->port);
	rep = must_start(1, 0, (const char *const[]){"--replicaof", "127.0.0.1",
	    portstr, "--repl-diskless-sync-delay", "0",
	    "--repl-diskless-load", "on-empty-db", NULL});
	ck_assert(poll_reply(rep->port, 10, -1, "master_link_status:up",
	    "INFO", "replication", NULL));
	snprintf(servers[2].dir, sizeof(servers[2].dir),
	    "/tmp/check_store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(servers[2].dir));
	snprintf(conf, sizeof(conf), "%s/sentinel.conf", servers[2].dir);
	ck_assert_ptr_nonnull(f = fopen(conf, "w"));
	fprintf(f, "sentinel resolve-hostnames no\n"
	    "sentinel monitor m 127.0.0.1 %d 1\n"
	    "sentinel down-after-milliseconds m 1000\n"
	    "sentinel failover-timeout m 5000\n", m->port);
	fclose(f);
	sen = must_start(2, 1, NULL);

	snprintf(dead, sizeof(dead), "127.0.0.1:%d", free_port());
	snprintf(sent, sizeof(sent), "127.0.0.1:%d", sen->port);
	o = opts(buf, sizeof(buf), 0);
	o.server = NULL;
	o.sentinels = sentinels;
	o.n_sentinels = 2;
	o.master_name = "m";
	o.pool_size = 1;
	o.timeout_ms = 1000;
	st = store_redis_new(&o, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	quarantine(st, STORE_IP, "127.0.2.66", 1000, 90000);
	ck_assert_int_eq(store_quarantine_get(st, STORE_IP, "127.0.2.66", 1000,
	    NULL, &serr), 1);
	ck_assert(poll_reply(m->port, 1, -1, "1000", "HGET",
	    "iso:q:ip:127.0.2.66", "first_seen"));
	/* replication is asynchronous: failing over earlier may lose it */
	ck_assert(poll_reply(rep->port, 10, -1, "1000", "HGET",
	    "iso:q:ip:127.0.2.66", "first_seen"));

	/* a replica refuses the scripts' writes: READONLY, reported */
	ro = redis_store(rep->port, 1, 1000);
	ck_assert_int_eq(one_check(ro, "127.0.2.66", NULL, &k), -1);
	ck_assert_msg(strstr(serr.text, "READONLY") != NULL, "%s",
	    serr.text);
	store_free(ro);

	o.master_name = "nosuch";
	ck_assert_ptr_nonnull(bad = store_redis_new(&o, err, sizeof(err)));
	ck_assert_int_eq(one_check(bad, "127.0.2.66", NULL, NULL), -1);
	ck_assert_msg(strstr(serr.text, "no master named nosuch"), "%s",
	    serr.text);
	store_free(bad);

	/* failover: the replica becomes master, the old master its replica */
	snprintf(portstr, sizeof(portstr), "%d", rep->port);
	ck_assert(poll_reply(sen->port, 15, -1, "OK", "SENTINEL", "FAILOVER",
	    "m"));
	ck_assert(poll_reply(sen->port, 20, 1, portstr, "SENTINEL",
	    "get-master-addr-by-name", "m"));
	ck_assert(poll_reply(m->port, 30, 0, "slave", "ROLE", NULL, NULL));
	for (i = 0; i < 3 && rc < 0; i++) {
		/* the old master's connection: READONLY, or killed */
		rc = store_quarantine_release(st, STORE_IP, "127.0.2.66",
		    1000, &serr);
		if (rc < 0)
			ck_assert_msg(strncmp(serr.text, "redis ", 6)
			    == 0, "%s", serr.text);
	}
	ck_assert_msg(rc == 1, "release after failover: %d (last error: %s)",
	    rc, serr.text);
	quarantine(st, STORE_LOGIN, "alice", 1000, 90000);
	ck_assert(poll_reply(rep->port, 1, -1, "1000", "HGET",
	    "iso:q:login:alice", "first_seen"));
	store_free(st);
	for (i = 2; i >= 0; i--)
		srv_stop(&servers[i], 0);
}
END_TEST


static Suite *
store_redis_suite(void)
{
	Suite *s = suite_create("store_redis");
	TCase *tc = tcase_create("redis_options");

	tcase_add_loop_test(tc, test_opts, 0, NCASES(opts_cases));
	tcase_add_test(tc, test_down_at_start);
	suite_add_tcase(s, tc);
	if (!have_redis)
		return s;

	tc = tcase_create("redis");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_reconnect);
	tcase_add_test(tc, test_noscript);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_restart);
	tcase_add_test(tc, test_pause);
	tcase_add_test(tc, test_pool_wait);
	tcase_add_test(tc, test_events);
	tcase_add_test(tc, test_stream);
	tcase_add_test(tc, test_notes_redis);
	tcase_add_test(tc, test_auth);
	tcase_add_test(tc, test_isolation);
	tcase_add_test(tc, test_list_prefix);
	tcase_add_test(tc, test_unix);
	suite_add_tcase(s, tc);

	tc = tcase_create("sentinel");
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_sentinel);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	if ((have_redis = harness_init("check_store_redis")) < 0)
		return EXIT_FAILURE;
	return harness_run(store_redis_suite());
}
