/*
 * NAME
 *	store 3
 * SUMMARY
 *	shared state: the interface's thin dispatch
 * SYNOPSIS
 *	#include "store.h"
 * DESCRIPTION
 *	Keeps callers from reaching into the ops table, and checks the
 *	arguments once for every backend.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "store.h"

/* per thread: sessions fail and read their own errors concurrently */
static __thread char store_errbuf[256];

/* bad_key - NULL or empty keys are a caller bug, reported as an error */
static int
bad_key(struct store *st, const char *key)
{
	if (key != NULL && *key != '\0')
		return 0;
	(void)st;
	store_set_error("empty key");
	return 1;
}

/* store_quarantine_get - is kind:key quarantined at now? */
int
store_quarantine_get(struct store *st, enum store_kind kind, const char *key,
    time_t now, struct quarantine *q_r)
{
	if (bad_key(st, key))
		return -1;
	return st->ops->quarantine_get(st, kind, key, now, q_r);
}

/* store_quarantine_put - create or refresh a quarantine record */
int
store_quarantine_put(struct store *st, enum store_kind kind, const char *key,
    const struct quarantine *q, time_t now, struct quarantine *merged_r)
{
	if (bad_key(st, key))
		return -1;
	return st->ops->quarantine_put(st, kind, key, q, now, merged_r);
}

/* store_quarantine_release - lift a quarantine */
int
store_quarantine_release(struct store *st, enum store_kind kind,
    const char *key, time_t now)
{
	if (bad_key(st, key))
		return -1;
	return st->ops->quarantine_release(st, kind, key, now);
}

/* store_quarantine_list - every live record of a kind, to fn */
int
store_quarantine_list(struct store *st, enum store_kind kind, time_t now,
    store_list_fn fn, void *arg)
{
	return st->ops->quarantine_list(st, kind, now, fn, arg);
}

/* store_server_info - the remote server's figures; 0 when there is none */
int
store_server_info(struct store *st, struct store_server_info *info_r)
{
	if (st->ops->server_info == NULL)
		return 0;
	return st->ops->server_info(st, info_r);
}

/* store_check - one stage's quarantine reads and rate counters */
int
store_check(struct store *st, struct store_check *c, time_t now)
{
	size_t i;

	if ((c->ip != NULL && bad_key(st, c->ip)) ||
	    (c->login != NULL && bad_key(st, c->login)))
		return -1;
	for (i = 0; i < c->n_counters; i++) {
		if (bad_key(st, c->counters[i].key))
			return -1;
		if (c->counters[i].window_ms == 0) {
			store_set_error("empty window");
			return -1;
		}
	}
	c->ip_quarantined_r = 0;
	c->login_quarantined_r = 0;
	return st->ops->check(st, c, now);
}

/* store_error - the last error text */
const char *
store_error(const struct store *st)
{
	(void)st;
	return store_errbuf;
}

/* store_set_error - a backend records why the call fails */
void
store_set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(store_errbuf, sizeof(store_errbuf), fmt, ap);
	va_end(ap);
}

/* store_name - the backend's name, for logs */
const char *
store_name(const struct store *st)
{
	return st->ops->name;
}

/* store_free - release a store (NULL ok) */
void
store_free(struct store *st)
{
	if (st != NULL)
		st->ops->free(st);
}
