/*
 * NAME
 *	ctl_notify 3
 * SUMMARY
 *	isolationctl notify: the alerting consumer of the event log
 * SYNOPSIS
 *	#include "ctl.h"
 *
 *	int ctl_notify(const struct ctl *ctl, int argc, char **argv);
 * DESCRIPTION
 *	isolationctl notify [--once] [--group NAME] [--consumer NAME]
 *
 *	Reads the events as consumer NAME (default: the host name) of the
 *	consumer group NAME (default "notify"), so that each event is
 *	handled once per group however many notifiers run, and one that
 *	was down catches up. For each event:
 *
 *	1. EventCommand, when set, runs once (ctl_hook.c: no shell, stdin
 *	/dev/null, EventCommandTimeout) with the event in its environment:
 *	ISO_EVENT (quarantine, hit, release), ISO_ID, ISO_KIND (ip, login),
 *	ISO_KEY, ISO_RULE, ISO_REASON, ISO_EVIDENCE, ISO_HITS, ISO_EXPIRES
 *	(Unix time), ISO_TTL (seconds left, at least 0), ISO_NODE,
 *	ISO_INCIDENT, and PATH=/usr/sbin:/usr/bin:/sbin:/bin, nothing else;
 *	control characters in values are "?".
 *
 *	2. For a new incident (event quarantine) and an AlertTemplate: one
 *	alert mail per incident (ctl_alert.c), piped into AlertSendmail.
 *
 *	3. The event is acknowledged.
 *
 *	A step that fails (the hook or sendmail fails or times out, the
 *	store errs) leaves the event unacknowledged, and it is tried again
 *	after 1, 2, 4 ... seconds (at most RETRY_MAX_S) while other events
 *	go on; the steps that succeeded are not repeated (in this process:
 *	the hook runs again only after a restart, the mail never once the
 *	note "alerted:<incident>" is written). After MAX_ATTEMPTS attempts
 *	the event is acknowledged with a "giving up" line.
 *
 *	The store hands this consumer's unacknowledged events back on each
 *	read, before new ones: the retry list (in memory) says which are
 *	due. When a read returns only events not yet due, the loop sleeps
 *	until the next is due (a second at most) instead of asking again
 *	at once. A read that returns fewer than BATCH events shows every
 *	pending one: a retry entry missing from it was acknowledged or
 *	claimed elsewhere and is forgotten.
 *
 *	With NotifyMetricsListen (not under --once), the notifier serves
 *	/metrics and /health as the daemon does (metrics_http.h), with its
 *	own counters: events acknowledged per type, alerts sent, skipped
 *	(sent before, the incident over, no one to alert, over AlertLimit)
 *	or failed (each failed attempt), EventCommand runs ok or failed
 *	(each attempt). /health asks the store one read.
 *
 *	--once handles what is there, including retries due within
 *	ONCE_WINDOW_S seconds of the start, and exits 0 (tests, cron); what
 *	still fails stays pending for the next run. SIGTERM and SIGINT end
 *	the loop once the event in hand is done (a running command is
 *	waited for, up to its timeout). Log lines go to stderr (the journal
 *	under systemd), through lib/log.h:
 *
 *	notify event=quarantine id=42 kind=ip key=192.0.2.7 incident=7
 *	hook exit=0 output="..."
 *
 *	notify event=quarantine id=42 kind=ip key=192.0.2.7 incident=7
 *	failed (attempt 2 of 12), next try in 2s
 * DIAGNOSTICS
 *	Exit 0 when stopped or done (--once); 2 when the store fails under
 *	--once or NotifyMetricsListen cannot listen; -1 (usage) on unknown
 *	arguments.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "declog.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"

#define BATCH		256	/* events a read returns at most */
#define WAIT_MS		1000	/* a read waits this long for an event */
#define MAX_ATTEMPTS	12
#define RETRY_MAX_S	300
#define ONCE_WINDOW_S	10

/* The consumer's state. */
struct notifier {
	struct notify n;		/* what ctl_alert.c shares */
	const char *group;
	const char *consumer;
	struct notify_event *retry;	/* not done yet, waiting */
	size_t	n_retry;
	int	once;
	time_t	started;
	int	store_down;		/* one warning per outage */
	int	starved;		/* one warning per jam */
};

/* the store /health asks: the notifier's, one per process */
static struct store *health_store;

/* notify_prefix - "notify event=... id=... kind=... key=... incident=N" */
const char *
notify_prefix(const struct notify_event *p, char *buf, size_t len)
{
	char id[STORE_EVENT_ID_MAX * 4 + 1], key[STORE_KEY_MAX * 4 + 1];

	snprintf(buf, len, "notify event=%s id=%s kind=%s key=%s incident=%lu",
	    store_event_type_name(p->ev.type),
	    declog_escape(p->ev.id, 0, id, sizeof(id)),
	    store_kind_name(p->ev.kind),
	    declog_escape(p->ev.key[0] ? p->ev.key : "-", 0, key, sizeof(key)),
	    p->ev.q.incident);
	return buf;
}

/* notify_store_failed - log a store error of one event's step */
void
notify_store_failed(const struct notify *n, const struct notify_event *p,
    const char *what, const struct store_err *err)
{
	char pre[NOTIFY_PREFIX_MAX];

	log_warnx("%s %s: %s store: %s", notify_prefix(p, pre, sizeof(pre)),
	    what, store_name(n->st), err->text);
}

/* env_value - "NAME=value" with control characters as "?" */
static void
env_value(char *buf, size_t len, const char *name, const char *value)
{
	size_t i;

	snprintf(buf, len, "%s=%s", name, value);
	for (i = strlen(name) + 1; buf[i] != '\0'; i++)
		if ((unsigned char)buf[i] < 32 || buf[i] == 127)
			buf[i] = '?';
}

/* Room for the hook's environment. */
struct hook_env {
	char	v[13][STORE_KEY_MAX + 32];
	char   *envp[15];
};

/* hook_env - the event in the environment of EventCommand */
static char *const *
hook_env(const struct notify_event *p, time_t now, struct hook_env *e)
{
	const struct quarantine *q = &p->ev.q;
	char num[32];
	size_t i = 0, k;

	env_value(e->v[i++], sizeof(e->v[0]), "ISO_EVENT",
	    store_event_type_name(p->ev.type));
	env_value(e->v[i++], sizeof(e->v[0]), "ISO_ID", p->ev.id);
	env_value(e->v[i++], sizeof(e->v[0]), "ISO_KIND",
	    store_kind_name(p->ev.kind));
	env_value(e->v[i++], sizeof(e->v[0]), "ISO_KEY", p->ev.key);
	env_value(e->v[i++], sizeof(e->v[0]), "ISO_RULE", rule_name(q->rule));
	env_value(e->v[i++], sizeof(e->v[0]), "ISO_REASON", q->reason);
	env_value(e->v[i++], sizeof(e->v[0]), "ISO_EVIDENCE", q->evidence);
	snprintf(num, sizeof(num), "%lu", q->hits);
	env_value(e->v[i++], sizeof(e->v[0]), "ISO_HITS", num);
	snprintf(num, sizeof(num), "%lld", (long long)q->expires);
	env_value(e->v[i++], sizeof(e->v[0]), "ISO_EXPIRES", num);
	snprintf(num, sizeof(num), "%lld",
	    q->expires > now ? (long long)(q->expires - now) : 0LL);
	env_value(e->v[i++], sizeof(e->v[0]), "ISO_TTL", num);
	env_value(e->v[i++], sizeof(e->v[0]), "ISO_NODE", q->node);
	snprintf(num, sizeof(num), "%lu", q->incident);
	env_value(e->v[i++], sizeof(e->v[0]), "ISO_INCIDENT", num);
	snprintf(e->v[i++], sizeof(e->v[0]), "%s", CTL_ENV_PATH);
	for (k = 0; k < i; k++)
		e->envp[k] = e->v[k];
	e->envp[k] = NULL;
	return e->envp;
}

/* notify_log_run - the outcome of a command: info if it worked */
void
notify_log_run(const struct notify_event *p, const char *what, int rc,
    const struct ctl_run *r)
{
	char pre[NOTIFY_PREFIX_MAX], status[256], out[CTL_LINE_MAX * 4 + 1];

	log_msg(rc == 0 ? LOG_LEVEL_INFO : LOG_LEVEL_WARNING,
	    "%s %s %s output=\"%s\"", notify_prefix(p, pre, sizeof(pre)), what,
	    ctl_run_status(r, status, sizeof(status)),
	    ctl_run_first_line(r, out, sizeof(out)));
}

/* run_hook - EventCommand for one event; 0 ran fine, -1 failed */
static int
run_hook(struct notifier *nf, struct notify_event *p)
{
	struct hook_env env;
	struct ctl_run r;
	int rc;

	rc = ctl_run(nf->n.conf->event_command, hook_env(p, time(NULL), &env),
	    NULL, 0, nf->n.conf->event_command_timeout_ms, &r);
	notify_log_run(p, "hook", rc, &r);
	metrics_notify_hook(rc == 0);
	return rc;
}

/* handle - the steps not done yet; 0 all done, -1 one failed */
static int
handle(struct notifier *nf, struct notify_event *p)
{
	int rc = 0;

	if (nf->n.conf->event_command != NULL && !(p->done & STEP_HOOK)) {
		if (run_hook(nf, p) == 0)
			p->done |= STEP_HOOK;
		else
			rc = -1;
	}
	/* the mail does not wait for a broken hook, nor the reverse */
	if (p->ev.type == STORE_EVENT_QUARANTINE &&
	    nf->n.conf->alert_template != NULL && !(p->done & STEP_ALERT)) {
		if (notify_alert(&nf->n, p) == 0) {
			p->done |= STEP_ALERT;
			metrics_notify_alert(p->done & STEP_MAILED ?
			    METRICS_ALERT_SENT : METRICS_ALERT_SKIPPED);
		} else {
			metrics_notify_alert(METRICS_ALERT_FAILED);
			rc = -1;
		}
	}
	return rc;
}

/* find_retry - the retry entry of an event id, or NULL */
static struct notify_event *
find_retry(struct notifier *nf, const char *id)
{
	size_t i;

	for (i = 0; i < nf->n_retry; i++)
		if (strcmp(nf->retry[i].ev.id, id) == 0)
			return &nf->retry[i];
	return NULL;
}

/* drop_retry - forget a retry entry */
static void
drop_retry(struct notifier *nf, struct notify_event *p)
{
	size_t i = (size_t)(p - nf->retry);

	nf->retry[i] = nf->retry[--nf->n_retry];
}

/* add_retry - keep an event for later; NULL when out of memory */
static struct notify_event *
add_retry(struct notifier *nf, const struct notify_event *p)
{
	struct notify_event *v;

	if ((v = realloc(nf->retry, (nf->n_retry + 1) * sizeof(*v))) == NULL)
		return NULL;
	nf->retry = v;
	v[nf->n_retry] = *p;
	return &v[nf->n_retry++];
}

/* ack - acknowledge an event; 0, or -1 (logged) */
static int
ack(struct notifier *nf, struct notify_event *p)
{
	struct store_err err;

	if (store_events_ack(nf->n.st, nf->group, p->ev.id, &err) == 0) {
		metrics_notify_event(p->ev.type);
		return 0;
	}
	notify_store_failed(&nf->n, p, "ack", &err);
	return -1;
}

/* failed - count a failed attempt: retry later, or give up */
static void
failed(struct notifier *nf, struct notify_event *p, time_t now)
{
	char pre[NOTIFY_PREFIX_MAX];
	unsigned long wait;

	notify_prefix(p, pre, sizeof(pre));
	if (++p->attempts >= MAX_ATTEMPTS) {
		log_warnx("%s giving up after %u attempts", pre, p->attempts);
		p->done |= STEP_HANDLED;
		if (ack(nf, p) == 0) {
			drop_retry(nf, p);
			return;
		}
		/* the ack itself is retried, a second later */
		p->due = now + 1;
		return;
	}
	wait = p->attempts > 9 ? RETRY_MAX_S : 1UL << (p->attempts - 1);
	if (wait > RETRY_MAX_S)
		wait = RETRY_MAX_S;
	p->due = now + (time_t)wait;
	log_warnx("%s failed (attempt %u of %d), next try in %lus", pre,
	    p->attempts, MAX_ATTEMPTS, wait);
}

/* process - one event read from the store: new, or a retry now due */
static void
process(struct notifier *nf, const struct store_event *ev)
{
	struct notify_event fresh, *p = find_retry(nf, ev->id);
	char pre[NOTIFY_PREFIX_MAX];
	time_t now = time(NULL);

	if (p == NULL) {
		memset(&fresh, 0, sizeof(fresh));
		fresh.ev = *ev;
		p = &fresh;
	}
	if (!(p->done & STEP_HANDLED) && handle(nf, p) < 0) {
		if (p == &fresh && (p = add_retry(nf, &fresh)) == NULL) {
			/* not acknowledged: the next start tries it again */
			log_warnx("%s out of memory for the retry list",
			    notify_prefix(&fresh, pre, sizeof(pre)));
			return;
		}
		failed(nf, p, time(NULL));
		return;
	}
	if (ack(nf, p) == 0) {
		if (p != &fresh)
			drop_retry(nf, p);
		return;
	}
	/* done but not acknowledged: only the ack is tried again */
	if (p == &fresh && (p = add_retry(nf, &fresh)) == NULL)
		return;
	p->done |= STEP_HANDLED;
	p->due = now + 1;
}

/* next_due - the earliest due time of the retry list, or 0 */
static time_t
next_due(const struct notifier *nf)
{
	time_t t = 0;
	size_t i;

	for (i = 0; i < nf->n_retry; i++)
		if (t == 0 || nf->retry[i].due < t)
			t = nf->retry[i].due;
	return t;
}

/* forget_missing - retry entries the store no longer gives to us */
static void
forget_missing(struct notifier *nf, const struct store_event *v, size_t n)
{
	size_t i = 0, k;

	while (i < nf->n_retry) {
		for (k = 0; k < n; k++)
			if (strcmp(v[k].id, nf->retry[i].ev.id) == 0)
				break;
		if (k < n)
			i++;
		else
			drop_retry(nf, &nf->retry[i]);
	}
}

/* read_batch - read and handle one batch; events handled, or -1 */
static int
read_batch(struct notifier *nf, struct store_event *v)
{
	struct notify_event *p;
	struct store_err err;
	size_t n, k;
	time_t now = time(NULL);
	int handled = 0;

	if (store_events_read(nf->n.st, nf->group, nf->consumer, "0",
	    nf->once ? 0 : WAIT_MS, now, v, BATCH, &n, &err) < 0) {
		if (!nf->store_down)
			log_warnx("notify group=%s: %s store: %s%s", nf->group,
			    store_name(nf->n.st), err.text,
			    nf->once ? "" : "; retrying every second");
		nf->store_down = 1;
		return -1;
	}
	if (nf->store_down)
		log_info("notify group=%s: %s store back", nf->group,
		    store_name(nf->n.st));
	nf->store_down = 0;
	if (n < BATCH)
		forget_missing(nf, v, n);
	/* the store hands our pending events first: they may fill a read */
	if (n == BATCH && nf->n_retry >= BATCH && !nf->starved)
		log_warnx("notify group=%s: %zu events wait for a retry; new "
		    "events wait behind them", nf->group, nf->n_retry);
	nf->starved = n == BATCH && nf->n_retry >= BATCH;
	now = time(NULL);
	for (k = 0; k < n && !ctl_stopping(); k++) {
		/* --once: no retry past the window, however long the run */
		if ((p = find_retry(nf, v[k].id)) != NULL && (p->due > now ||
		    (nf->once && p->due > nf->started + ONCE_WINDOW_S)))
			continue;
		process(nf, &v[k]);
		handled++;
		now = time(NULL);
	}
	return handled;
}

/* consume - the loop; the exit status */
static int
consume(struct notifier *nf)
{
	struct store_event *v;
	time_t due, now;
	int handled;

	if ((v = calloc(BATCH, sizeof(*v))) == NULL) {
		ctl_error("out of memory");
		return CTL_ERROR;
	}
	while (!ctl_stopping()) {
		if ((handled = read_batch(nf, v)) < 0) {
			if (nf->once) {
				free(v);
				return CTL_ERROR;
			}
			ctl_pause_ms(WAIT_MS);
			continue;
		}
		if (handled > 0)
			continue;
		/* nothing to do now: wait for the next retry, or stop */
		due = next_due(nf);
		now = time(NULL);
		if (nf->once && (due == 0 || due > nf->started + ONCE_WINDOW_S))
			break;
		if (due != 0 && due > now)
			ctl_pause_ms(nf->once || due - now < WAIT_MS / 1000 ?
			    (unsigned long)(due - now) * 1000 : WAIT_MS);
	}
	free(v);
	return CTL_OK;
}

/* health - the notifier's /health: the store answers */
static void
health(struct metrics_health *h)
{
	char value[STORE_NOTE_MAX];
	struct store_err err;

	h->store = store_name(health_store);
	metrics_config(&h->generation, &h->loaded);
	if (store_note_get(health_store, "health", time(NULL), value,
	    sizeof(value), &err) < 0) {
		snprintf(h->error, sizeof(h->error), "%s", err.text);
		return;
	}
	h->ok = 1;
}

static const struct metrics_http_ops notify_http_ops = {
	METRICS_NOTIFY, NULL, health,
};

/* ctl_notify - notify [--once] [--group NAME] [--consumer NAME] */
int
ctl_notify(const struct ctl *ctl, int argc, char **argv)
{
	struct metrics_http *http = NULL;
	struct notifier nf;
	char host[256], err[256];
	int i, rc;

	memset(&nf, 0, sizeof(nf));
	nf.n.conf = ctl->conf;
	nf.n.st = ctl->store;
	nf.group = "notify";
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--once") == 0)
			nf.once = 1;
		else if (strcmp(argv[i], "--group") == 0 && i + 1 < argc)
			nf.group = argv[++i];
		else if (strcmp(argv[i], "--consumer") == 0 && i + 1 < argc)
			nf.consumer = argv[++i];
		else
			return -1;
	}
	if (nf.consumer == NULL) {
		if (gethostname(host, sizeof(host)) < 0)
			snprintf(host, sizeof(host), "notify");
		host[sizeof(host) - 1] = '\0';
		nf.consumer = host;
	}
	if (*nf.group == '\0' || *nf.consumer == '\0' ||
	    strlen(nf.group) > 64 || strlen(nf.consumer) > 64) {
		ctl_error("--group and --consumer take a name of 1 to 64 "
		    "characters");
		return CTL_ERROR;
	}
	log_set_level(ctl->conf->log_level);
	nf.started = time(NULL);
	metrics_init(nf.started);
	health_store = nf.n.st;
	if (ctl->conf->notify_metrics_listen != NULL && !nf.once) {
		if ((http = metrics_http_start(ctl->conf->notify_metrics_listen,
		    &notify_http_ops, err, sizeof(err))) == NULL) {
			ctl_error("NotifyMetricsListen: %s", err);
			return CTL_ERROR;
		}
		log_info("notify metrics on http://%s/metrics and /health",
		    ctl->conf->notify_metrics_listen);
	}
	ctl_catch_stop();
	log_info("notify group=%s consumer=%s store=%s started%s%s%s",
	    nf.group, nf.consumer, store_name(nf.n.st),
	    nf.n.conf->alert_template == NULL ? " (no AlertTemplate: no "
	    "alerts)" : "", nf.n.conf->event_command == NULL ?
	    " (no EventCommand)" : "", nf.once ? " once" : "");
	rc = consume(&nf);
	if (nf.n_retry > 0)
		log_info("notify group=%s: %zu events left unacknowledged, for "
		    "the next run", nf.group, nf.n_retry);
	log_info("notify group=%s consumer=%s stopped", nf.group, nf.consumer);
	metrics_http_stop(http);
	free(nf.retry);
	return rc;
}
