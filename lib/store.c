/*
 * NAME
 *	store 3
 * SUMMARY
 *	shared state: the interface's thin dispatch
 * SYNOPSIS
 *	#include "store.h"
 * DESCRIPTION
 *	Keeps callers from reaching into the ops table, and checks the
 *	arguments once for every backend. Errors go to the caller's
 *	struct store_err (store.h says why the store keeps none).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "store.h"

/* bad_key - NULL or empty keys are a caller bug, reported as an error */
static int
bad_key(const char *key, struct store_err *err)
{
	if (key == NULL || *key == '\0') {
		store_set_error(err, "empty key");
		return 1;
	}
	if (strlen(key) > STORE_KEY_MAX) {
		store_set_error(err, "key longer than %d octets",
		    STORE_KEY_MAX);
		return 1;
	}
	return 0;
}

/* bad_name - a note name, group or consumer: non-empty, bounded */
static int
bad_name(const char *name, const char *what, struct store_err *err)
{
	if (name == NULL || *name == '\0') {
		store_set_error(err, "empty %s", what);
		return 1;
	}
	if (strlen(name) >= STORE_NOTE_MAX) {
		store_set_error(err, "%s longer than %d octets", what,
		    STORE_NOTE_MAX - 1);
		return 1;
	}
	return 0;
}

/* store_quarantine_get - is kind:key quarantined at now? */
int
store_quarantine_get(struct store *st, enum store_kind kind, const char *key,
    time_t now, struct quarantine *q_r, struct store_err *err)
{
	if (bad_key(key, err))
		return -1;
	return st->ops->quarantine_get(st, kind, key, now, q_r, err);
}

/* store_quarantine_put - create or refresh a quarantine record */
int
store_quarantine_put(struct store *st, enum store_kind kind, const char *key,
    const struct quarantine *q, const struct store_escalation *esc,
    time_t now, struct quarantine *merged_r, struct store_err *err)
{
	if (bad_key(key, err))
		return -1;
	if (esc != NULL && esc->factor <= 1)
		esc = NULL;
	return st->ops->quarantine_put(st, kind, key, q, esc, now, merged_r,
	    err);
}

/* store_quarantine_release - lift a quarantine */
int
store_quarantine_release(struct store *st, enum store_kind kind,
    const char *key, time_t now, struct store_err *err)
{
	if (bad_key(key, err))
		return -1;
	return st->ops->quarantine_release(st, kind, key, now, err);
}

/* store_quarantine_list - every live record of a kind, to fn */
int
store_quarantine_list(struct store *st, enum store_kind kind, time_t now,
    store_list_fn fn, void *arg, struct store_err *err)
{
	return st->ops->quarantine_list(st, kind, now, fn, arg, err);
}

/* store_server_info - the remote server's figures; 0 when there is none */
int
store_server_info(struct store *st, struct store_server_info *info_r,
    struct store_err *err)
{
	if (st->ops->server_info == NULL)
		return 0;
	return st->ops->server_info(st, info_r, err);
}

/* store_check - one stage's quarantine reads and rate counters */
int
store_check(struct store *st, struct store_check *c, time_t now,
    struct store_err *err)
{
	size_t i;

	if ((c->ip != NULL && bad_key(c->ip, err)) ||
	    (c->login != NULL && bad_key(c->login, err)))
		return -1;
	if (c->seen_login != NULL && (c->ip == NULL ||
	    bad_name(c->seen_login, "login", err) || c->seen_ttl <= 0)) {
		store_set_error(err,
		    "seen_login needs an ip, a login and a ttl");
		return -1;
	}
	for (i = 0; i < c->n_counters; i++) {
		if (bad_key(c->counters[i].key, err))
			return -1;
		if (c->counters[i].window_ms == 0) {
			store_set_error(err, "empty window");
			return -1;
		}
	}
	c->ip_quarantined_r = 0;
	c->login_quarantined_r = 0;
	return st->ops->check(st, c, now, err);
}

/* store_events_read - events of the log, or of a consumer group */
int
store_events_read(struct store *st, const char *group, const char *consumer,
    const char *after, unsigned wait_ms, time_t now, struct store_event *v,
    size_t max, size_t *n_r, struct store_err *err)
{
	*n_r = 0;
	if (group != NULL && (bad_name(group, "group", err) ||
	    bad_name(consumer, "consumer", err)))
		return -1;
	if (group == NULL && (after == NULL || *after == '\0' ||
	    strlen(after) >= STORE_EVENT_ID_MAX)) {
		store_set_error(err, "bad event id");
		return -1;
	}
	if (max == 0)
		return 0;
	return st->ops->events_read(st, group, consumer, after, wait_ms, now,
	    v, max, n_r, err);
}

/* store_events_ack - a group's event was handled */
int
store_events_ack(struct store *st, const char *group, const char *id,
    struct store_err *err)
{
	if (bad_name(group, "group", err))
		return -1;
	if (id == NULL || *id == '\0' || strlen(id) >= STORE_EVENT_ID_MAX) {
		store_set_error(err, "bad event id");
		return -1;
	}
	return st->ops->events_ack(st, group, id, err);
}

/* store_note_put - write a note until expires (only_new: claim it) */
int
store_note_put(struct store *st, const char *name, const char *value,
    time_t expires, int only_new, time_t now, struct store_err *err)
{
	if (bad_name(name, "note name", err))
		return -1;
	if (value == NULL || strlen(value) >= STORE_NOTE_MAX) {
		store_set_error(err, "note value missing or too long");
		return -1;
	}
	return st->ops->note_put(st, name, value, expires, only_new, now, err);
}

/* store_note_get - read a live note */
int
store_note_get(struct store *st, const char *name, time_t now, char *value_r,
    size_t len, struct store_err *err)
{
	if (bad_name(name, "note name", err))
		return -1;
	if (len == 0) {
		store_set_error(err, "no room for the note");
		return -1;
	}
	return st->ops->note_get(st, name, now, value_r, len, err);
}

/* store_sweep - drop what expired, where the backend keeps it */
int
store_sweep(struct store *st, time_t now, struct store_err *err)
{
	if (st->ops->sweep == NULL)
		return 0;
	return st->ops->sweep(st, now, err);
}

/* store_event_type_name - the word of an event type */
const char *
store_event_type_name(enum store_event_type type)
{
	switch (type) {
	case STORE_EVENT_QUARANTINE:
		return "quarantine";
	case STORE_EVENT_HIT:
		return "hit";
	case STORE_EVENT_RELEASE:
		return "release";
	}
	return "?";
}

/* store_kind_name - "ip" or "login" */
const char *
store_kind_name(enum store_kind kind)
{
	return kind == STORE_LOGIN ? "login" : "ip";
}

/* store_set_error - why the call fails, into the caller's err (NULL ok) */
void
store_set_error(struct store_err *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
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
