/*
 * NAME
 *	ctl_alert 3
 * SUMMARY
 *	isolationctl notify: the one alert mail of an incident
 * SYNOPSIS
 *	#include "ctl.h"
 *
 *	int notify_alert(const struct notify *n, struct notify_event *p);
 * DESCRIPTION
 *	For the event of a new incident (quarantine), in this order:
 *
 *	1. The note "alerted:<incident>" says the mail went out already
 *	(by this notifier before a restart, or by another group): nothing
 *	to do. The incident must still be live (the record of the key
 *	carries its number): a notifier that catches up after a long
 *	stop does not tell a customer of a quarantine that is over.
 *
 *	2. The recipient. For a login: the login itself when it is a plain
 *	address, else the first plain address SenderLoginMap gives it. For
 *	an address: the login of the note "seen:<key>" (the last one seen
 *	authenticating from it on the outbound role; for IPv6, from its
 *	IPv6Prefix network, the key), resolved the same way, else
 *	AlertContacts (for an IPv6 key, the contact of the network's
 *	address). Anything but a plain mailbox (contacts_mailbox_ok) is
 *	nobody: it would go into a To: header.
 *
 *	3. AlertLimit: a counter per recipient (store_check, kind login,
 *	what "alerts"), counted once per incident; over the limit, no
 *	mail.
 *
 *	4. The template rendered (alert.h) and piped into AlertSendmail
 *	(ctl_hook.c: no shell, PATH only, EventCommandTimeout).
 *
 *	5. The note "alerted:<incident>" = recipient, until the
 *	quarantine's end plus a day.
 *
 *	Log lines (info; warnings for failures), after notify_prefix():
 *	"alert to=alice@example.net sent", "alert to=... already sent",
 *	"no one to alert for this ip", "alert to=... skipped: over
 *	AlertLimit (5 per 86400s)", "no alert: the incident is over",
 *	"alert to=... sendmail exit=75 output=\"...\"".
 * DIAGNOSTICS
 *	notify_alert() returns 0 when the alert is settled (sent, or none
 *	due), -1 when a step failed and the event is to be retried; the
 *	steps done are marked in p->done and not repeated.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "contacts.h"
#include "ctl.h"
#include "declog.h"
#include "log.h"
#include "netset.h"
#include "relcode.h"
#include "sendermap.h"

#define OWNED_MAX	8192	/* what sendermap_owned() may list */
#define NOTE_DAY	86400	/* the alerted note outlives the quarantine */

/* login_address - the login if plain, else the first address it owns */
static int
login_address(const struct conf *conf, const char *login, char *to,
    size_t len)
{
	struct sendermap_opts o;
	char *owned, *item, *save;
	int found = 0;

	if (contacts_mailbox_ok(login)) {
		snprintf(to, len, "%s", login);
		return 1;
	}
	if (conf->sender_map == NULL || (owned = malloc(OWNED_MAX)) == NULL)
		return 0;
	conf_sender_opts(conf, &o);
	sendermap_owned(conf->sender_map, &o, login, owned, OWNED_MAX);
	/* "a@x, @domain, local": the patterns are no mailboxes */
	for (item = strtok_r(owned, ", ", &save); item != NULL && !found;
	    item = strtok_r(NULL, ", ", &save))
		if (contacts_mailbox_ok(item) && strlen(item) < len) {
			snprintf(to, len, "%s", item);
			found = 1;
		}
	free(owned);
	return found;
}

/* find_recipient - who is alerted: 1 in p->to, 0 nobody, -1 store error */
static int
find_recipient(const struct notify *n, struct notify_event *p)
{
	char note[STORE_NOTE_MAX];
	const char *contact;
	struct store_err err;
	struct ipaddr ip;
	int rc;

	p->to[0] = '\0';
	p->login[0] = '\0';
	if (p->ev.kind == STORE_LOGIN)
		return login_address(n->conf, p->ev.key, p->to, sizeof(p->to));
	snprintf(note, sizeof(note), "seen:%s", p->ev.key);
	if ((rc = store_note_get(n->st, note, time(NULL), p->login,
	    sizeof(p->login), &err)) < 0) {
		notify_store_failed(n, p, "seen note", &err);
		return -1;
	}
	if (rc == 0)
		p->login[0] = '\0';
	else if (login_address(n->conf, p->login, p->to, sizeof(p->to)))
		return 1;
	/* an IPv6 key is a prefix: the contact of its network address */
	if (ip_key_network(p->ev.key, &ip) == 0 &&
	    (contact = contacts_lookup(n->conf->alert_contacts, &ip)) != NULL) {
		snprintf(p->to, sizeof(p->to), "%s", contact);
		return 1;
	}
	return 0;
}

/* expires_text - the end of a quarantine as "2026-11-28 10:00 UTC" */
static void
expires_text(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

/* send_alert - render the template and pipe it into AlertSendmail */
static int
send_alert(const struct notify *n, const struct notify_event *p,
    const struct quarantine *live)
{
	const struct conf *conf = n->conf;
	char expires[64], code[RELCODE_SIZE] = "", err[256];
	char pre[NOTIFY_PREFIX_MAX];
	char what[STORE_NOTE_MAX + 32];
	char *const env[] = {(char *)CTL_ENV_PATH, NULL};
	struct alert_vars v;
	struct ctl_run r;
	char *msg;
	int rc;

	expires_text(live->expires, expires, sizeof(expires));
	if (conf->release_secret != NULL)
		relcode_make(conf->release_secret, conf->release_secret_len,
		    p->ev.kind, p->ev.key, p->ev.q.incident, code);
	memset(&v, 0, sizeof(v));
	v.to = p->to;
	v.ip = p->ev.kind == STORE_IP ? p->ev.key : "";
	v.login = p->ev.kind == STORE_LOGIN ? p->ev.key : p->login;
	v.rule = rule_name(p->ev.q.rule);
	v.reason = p->ev.q.reason;
	v.evidence = p->ev.q.evidence;
	v.expires = expires;
	v.support = conf->support_contact != NULL ? conf->support_contact : "";
	v.release_code = code;
	if (alert_render(conf->alert_template, &v, &msg, err,
	    sizeof(err)) < 0) {
		log_warnx("%s alert to=%s: %s (AlertTemplate %s)",
		    notify_prefix(p, pre, sizeof(pre)), p->to, err,
		    conf->alert_template_path);
		return -1;
	}
	rc = ctl_run(conf->alert_sendmail, env, msg, strlen(msg),
	    conf->event_command_timeout_ms, &r);
	free(msg);
	if (rc == 0)
		return 0;
	snprintf(what, sizeof(what), "alert to=%s sendmail", p->to);
	notify_log_run(p, what, rc, &r);
	return -1;
}

/* incident_live - 1 if the event's incident is still the key's record */
static int
incident_live(const struct notify *n, const struct notify_event *p,
    struct quarantine *live)
{
	struct store_err err;
	int rc;

	if ((rc = store_quarantine_get(n->st, p->ev.kind, p->ev.key,
	    time(NULL), live, &err)) < 0) {
		notify_store_failed(n, p, "record", &err);
		return -1;
	}
	return rc == 1 && live->incident == p->ev.q.incident;
}

/* over_limit - count the alert against AlertLimit; 1 over, 0, -1 error */
static int
over_limit(const struct notify *n, struct notify_event *p)
{
	const struct conf *conf = n->conf;
	struct store_counter c;
	struct store_check chk;
	struct store_err err;
	char pre[NOTIFY_PREFIX_MAX];

	if (conf->alert_limit == 0 || (p->done & STEP_RATED))
		return 0;
	memset(&c, 0, sizeof(c));
	c.kind = STORE_LOGIN;
	c.key = p->to;
	c.what = "alerts";
	c.window_ms = conf->alert_limit_window_ms;
	c.add = 1;
	memset(&chk, 0, sizeof(chk));
	chk.counters = &c;
	chk.n_counters = 1;
	if (store_check(n->st, &chk, time(NULL), &err) < 0) {
		notify_store_failed(n, p, "AlertLimit counter", &err);
		return -1;
	}
	p->done |= STEP_RATED;
	if (c.count_r <= conf->alert_limit)
		return 0;
	log_info("%s alert to=%s skipped: over AlertLimit (%lu per %lus)",
	    notify_prefix(p, pre, sizeof(pre)), p->to, conf->alert_limit,
	    conf->alert_limit_window_ms / 1000);
	return 1;
}

/* notify_alert - the one alert of a new incident; 0 settled, -1 retry */
int
notify_alert(const struct notify *n, struct notify_event *p)
{
	char note[32], who[STORE_NOTE_MAX], esc[STORE_NOTE_MAX * 4 + 1];
	char pre[NOTIFY_PREFIX_MAX];
	struct quarantine live;
	struct store_err err;
	int rc;

	notify_prefix(p, pre, sizeof(pre));
	snprintf(note, sizeof(note), "alerted:%lu", p->ev.q.incident);
	if (!(p->done & STEP_MAILED)) {
		if ((rc = store_note_get(n->st, note, time(NULL), who,
		    sizeof(who), &err)) < 0) {
			notify_store_failed(n, p, "alerted note", &err);
			return -1;
		}
		if (rc == 1) {
			log_info("%s alert to=%s already sent", pre,
			    declog_escape(who, 0, esc, sizeof(esc)));
			return 0;
		}
		if ((rc = incident_live(n, p, &live)) <= 0) {
			if (rc == 0)
				log_info("%s no alert: the incident is over",
				    pre);
			return rc;
		}
		if (p->to[0] == '\0') {
			if ((rc = find_recipient(n, p)) < 0)
				return -1;
			/* only a plain mailbox may go into To: */
			if (rc == 0 || !contacts_mailbox_ok(p->to)) {
				log_info("%s no one to alert for this %s", pre,
				    store_kind_name(p->ev.kind));
				p->to[0] = '\0';
				return 0;
			}
		}
		if ((rc = over_limit(n, p)) != 0)
			return rc > 0 ? 0 : -1;
		if (send_alert(n, p, &live) < 0)
			return -1;
		p->done |= STEP_MAILED;
		p->note_until = live.expires + NOTE_DAY;
		log_info("%s alert to=%s sent", pre, p->to);
	}
	/* a day past the end: a late retry still finds it */
	if (store_note_put(n->st, note, p->to, p->note_until, 0,
	    time(NULL), &err) < 0) {
		notify_store_failed(n, p, "alerted note", &err);
		return -1;
	}
	return 0;
}
