/*
 * NAME
 *	ctl_events 3
 * SUMMARY
 *	isolationctl events: the durable event log, one line per event
 * SYNOPSIS
 *	#include "ctl.h"
 *
 *	int ctl_events(const struct ctl *ctl, int argc, char **argv);
 * DESCRIPTION
 *	isolationctl events [--follow] [--from ID]
 *
 *	Prints the events the store keeps (store_events_read() without a
 *	group: reading takes nothing from the notifier), oldest first,
 *	from the oldest kept or from the one after ID, one line each in
 *	the style of the decision log:
 *
 *	id=42 time=2026-11-27T10:00:00Z event=quarantine kind=ip
 *	key=192.0.2.66 rule=inbound.customer_direct incident=7 hits=1
 *	repeat=1 expires=2026-11-28T10:00:00Z node=mx1 reason="..."
 *	evidence="..."
 *
 *	(on one line). Keys, node names, reasons and evidence come from
 *	clients and other nodes: they are escaped as the decision log
 *	escapes client text (ctl_escape), so no control character ever
 *	reaches the terminal. A field with no value is "-".
 *
 *	--from $ starts at the end of the log: only events to come. With
 *	--follow the command keeps reading (waiting up to a second each
 *	time) until SIGINT or SIGTERM, and a store that fails meanwhile is
 *	retried every second (one warning per outage) rather than ending
 *	it.
 * DIAGNOSTICS
 *	Exit 0 when done or stopped; 2 on a store error (without
 *	--follow) or a bad ID; -1 (usage) on unknown arguments.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "log.h"
#include "rules.h"

#define BATCH		256	/* events a read returns at most */
#define FOLLOW_WAIT_MS	1000

/* print_event - one event on one line */
static void
print_event(const struct store_event *e)
{
	const struct quarantine *q = &e->q;
	char when[32], expires[32];

	fputs("id=", stdout);
	ctl_escape(stdout, e->id, 0);
	printf(" time=%s event=%s kind=%s key=",
	    ctl_iso_time(e->time, when, sizeof(when)),
	    store_event_type_name(e->type), store_kind_name(e->kind));
	ctl_escape(stdout, e->key[0] ? e->key : "-", 0);
	printf(" rule=%s incident=%lu hits=%lu repeat=%lu expires=%s node=",
	    rule_name(q->rule), q->incident, q->hits, q->repeat,
	    ctl_iso_time(q->expires, expires, sizeof(expires)));
	ctl_escape(stdout, q->node[0] ? q->node : "-", 0);
	fputs(" reason=\"", stdout);
	ctl_escape(stdout, q->reason, 1);
	fputs("\" evidence=\"", stdout);
	ctl_escape(stdout, q->evidence, 1);
	fputs("\"\n", stdout);
}

/* end_of_log - the id of the newest event, "0" when there is none */
static int
end_of_log(struct store *st, struct store_event *v, char *id,
    struct store_err *err)
{
	size_t n;

	snprintf(id, STORE_EVENT_ID_MAX, "0");
	/* resolved once: "$" read again later could pass over an event */
	do {
		if (store_events_read(st, NULL, NULL, id, 0, time(NULL), v,
		    BATCH, &n, err) < 0)
			return -1;
		if (n > 0)
			snprintf(id, STORE_EVENT_ID_MAX, "%s", v[n - 1].id);
	} while (n == BATCH);
	return 0;
}

/* ctl_events - events [--follow] [--from ID] */
int
ctl_events(const struct ctl *ctl, int argc, char **argv)
{
	char after[STORE_EVENT_ID_MAX] = "0";
	struct store_event *v;
	struct store_err err;
	int i, follow = 0, down = 0, rc = CTL_OK;
	unsigned wait;
	size_t n, k;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--follow") == 0 ||
		    strcmp(argv[i], "-f") == 0)
			follow = 1;
		else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc) {
			if (strlen(argv[++i]) >= sizeof(after) ||
			    argv[i][0] == '\0') {
				ctl_error("--from: not an event id");
				return CTL_ERROR;
			}
			snprintf(after, sizeof(after), "%s", argv[i]);
		} else
			return -1;
	}
	if ((v = calloc(BATCH, sizeof(*v))) == NULL) {
		ctl_error("out of memory");
		return CTL_ERROR;
	}
	if (follow)
		ctl_catch_stop();
	if (strcmp(after, "$") == 0 &&
	    end_of_log(ctl->store, v, after, &err) < 0) {
		ctl_error("events: %s store: %s", store_name(ctl->store),
		    err.text);
		free(v);
		return CTL_ERROR;
	}
	while (!ctl_stopping()) {
		wait = follow ? FOLLOW_WAIT_MS : 0;
		if (store_events_read(ctl->store, NULL, NULL, after, wait,
		    time(NULL), v, BATCH, &n, &err) < 0) {
			if (!follow) {
				ctl_error("events: %s store: %s",
				    store_name(ctl->store), err.text);
				rc = CTL_ERROR;
				break;
			}
			if (!down)
				log_warnx("events: %s store: %s; retrying "
				    "every second", store_name(ctl->store),
				    err.text);
			down = 1;
			ctl_pause_ms(FOLLOW_WAIT_MS);
			continue;
		}
		if (down)
			log_info("events: %s store back",
			    store_name(ctl->store));
		down = 0;
		for (k = 0; k < n; k++)
			print_event(&v[k]);
		if (n > 0)
			snprintf(after, sizeof(after), "%s", v[n - 1].id);
		/* a reader that went away (| head) ends a --follow too */
		if (fflush(stdout) != 0 || ferror(stdout) ||
		    (!follow && n == 0))
			break;
	}
	free(v);
	return rc;
}
