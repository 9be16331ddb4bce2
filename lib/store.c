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

#include <stdio.h>
#include <string.h>

#include "store.h"

/* bad_key - NULL or empty keys are a caller bug, reported as an error */
static int
bad_key(struct store *st, const char *key)
{
	if (key != NULL && *key != '\0')
		return 0;
	snprintf(st->error, sizeof(st->error), "empty key");
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

/* store_error - the last error text */
const char *
store_error(const struct store *st)
{
	return st->error;
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
