/*
 * NAME
 *	session 3
 * SUMMARY
 *	one SMTP session as the milter sees it
 * SYNOPSIS
 *	#include "session.h"
 * DESCRIPTION
 *	Keeps a session's envelope (through the facts builder, envelope.h),
 *	what the lookups found and the From: and Sender: addresses, gives
 *	the policy engine its facts and writes the decision log line.
 *	Session ids are the start time and a counter in hex: unique per
 *	process and sortable. Sessions and decisions are counted for the
 *	metrics (metrics.h) where they begin and end, and where the
 *	decision line is written: one decision counted per line, also when
 *	LogLevel leaves the line out (it is then not even built).
 * DIAGNOSTICS
 *	A sender or recipient our parser refuses is kept as text for the log
 *	(escaped) and reaches the policy engine as "unparsed". A login that
 *	does not fit, or headers over the limits, set session->limit; the
 *	caller tempfails the transaction and logs it.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "declog.h"
#include "hdraddr.h"
#include "log.h"
#include "metrics.h"
#include "session.h"

static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long session_counter;
static unsigned session_count;

/* session_new - a session for a new connection, NULL if out of memory */
struct session *
session_new(const struct sockaddr *hostaddr, const struct envelope_origin *o)
{
	struct session *s = calloc(1, sizeof(*s));
	struct envelope_origin origin = *o;
	struct ipaddr ip;
	unsigned long n;

	if (s == NULL)
		return NULL;
	if ((s->ref = confref_get()) == NULL) {
		free(s);
		return NULL;
	}
	s->conf = s->ref->conf;
	pthread_mutex_lock(&session_lock);
	n = ++session_counter;
	session_count++;
	pthread_mutex_unlock(&session_lock);
	metrics_session_open();
	snprintf(s->id, sizeof(s->id), "%08lx%05lx",
	    (unsigned long)time(NULL) & 0xffffffffUL, n & 0xfffffUL);
	origin.ip = hostaddr != NULL && ip_from_sockaddr(hostaddr, &ip) == 0 ?
	    &ip : NULL;
	envelope_connect(&s->env, s->conf, s->id, &origin);
	return s;
}

/* session_free - release a session and its configuration reference */
void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	confref_put(s->ref);
	free(s->hdr);
	free(s);
	pthread_mutex_lock(&session_lock);
	session_count--;
	pthread_mutex_unlock(&session_lock);
	metrics_session_close();
}

/* session_active - sessions now open (for a clean stop) */
unsigned
session_active(void)
{
	unsigned n;

	pthread_mutex_lock(&session_lock);
	n = session_count;
	pthread_mutex_unlock(&session_lock);
	return n;
}

/* session_set_helo - remember the HELO/EHLO argument */
void
session_set_helo(struct session *s, const char *helo)
{
	envelope_helo(&s->env, helo);
}

/* session_begin_transaction - a MAIL FROM: forget the last transaction;
 * -1 (s->limit says why) when the login does not fit */
int
session_begin_transaction(struct session *s, const char *from,
    const char *auth_authen)
{
	session_end_transaction(s);
	return envelope_mail(&s->env, from, auth_authen, s->limit,
	    sizeof(s->limit));
}

/* session_set_queue - the MTA's queue id, once it has one */
void
session_set_queue(struct session *s, const char *queue_id)
{
	size_t n;

	/* only for the log, and never a cut one */
	if (queue_id == NULL || *queue_id == '\0')
		return;
	if ((n = strlen(queue_id)) >= sizeof(s->queue))
		s->queue[0] = '\0';
	else
		memcpy(s->queue, queue_id, n + 1);
}

/* session_set_rcpt - the recipient being decided */
void
session_set_rcpt(struct session *s, const char *rcpt)
{
	envelope_rcpt(&s->env, rcpt);
}

/* hdr_room - room for want header addresses (at most the limit); -1 no
 * memory. Grown as needed: a message has one or two, and zeroing room
 * for the limit cost more than the rest of the session together */
static int
hdr_room(struct session *s, size_t want)
{
	struct header_sender *grown;
	size_t n = s->hdr_room > 0 ? s->hdr_room : 4;

	if (want <= s->hdr_room)
		return 0;
	while (n < want)
		n *= 2;
	if (n > SESSION_HDR_ADDRS_MAX)
		n = SESSION_HDR_ADDRS_MAX;
	if ((grown = realloc(s->hdr, n * sizeof(*grown))) == NULL)
		return -1;
	s->hdr = grown;
	s->hdr_room = n;
	return 0;
}

/* session_add_header - keep the addresses of a From: or Sender: header;
 * -1 when out of memory; over a limit, s->limit says why */
int
session_add_header(struct session *s, const char *name, const char *value)
{
	struct addr found[HDRADDR_MAX];
	const char *field, *why = NULL;
	size_t n = 0, i, len;

	if (strcasecmp(name, "From") == 0)
		field = "From";
	else if (strcasecmp(name, "Sender") == 0)
		field = "Sender";
	else
		return 0;
	/* kept only when the plan of the end of message needs them */
	if (s->hdr_wanted == 0) {
		struct facts f;

		session_facts(s, &f);
		s->hdr_wanted = (policy_needs(s->conf, &f, STAGE_EOM) &
		    NEED_HEADER_SENDERS) != 0 ? 1 : -1;
	}
	if (s->hdr_wanted < 0 || s->hdr_bad[0] != '\0' || s->limit[0] != '\0')
		return 0;
	len = strlen(value);
	log_debug("session=%s %s: header of %zu octets", s->id, field, len);
	if (len > SESSION_HDR_TEXT_MAX - s->hdr_octets) {
		snprintf(s->limit, sizeof(s->limit), "From: and Sender: "
		    "headers longer than %d octets", SESSION_HDR_TEXT_MAX);
		return 0;
	}
	s->hdr_octets += len;
	/* a group alone ("alice@example.net":;) names nobody: refused too */
	if (hdraddr_parse(value, found, HDRADDR_MAX, &n, &why) < 0 || n == 0) {
		snprintf(s->hdr_bad, sizeof(s->hdr_bad), "unreadable %s: "
		    "header (%s)", field, why != NULL ? why : "no mailbox");
		return 0;
	}
	if (n > SESSION_HDR_ADDRS_MAX - s->n_hdr) {
		snprintf(s->limit, sizeof(s->limit), "more than %d From: "
		    "and Sender: addresses", SESSION_HDR_ADDRS_MAX);
		return 0;
	}
	if (hdr_room(s, s->n_hdr + n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		s->hdr[s->n_hdr].field = field;
		s->hdr[s->n_hdr++].addr = found[i];
	}
	return 0;
}

/* session_end_transaction - forget sender, login and recipients */
void
session_end_transaction(struct session *s)
{
	envelope_reset(&s->env);
	s->queue[0] = '\0';
	s->quarantine_done = 0;
	s->quarantined = FACT_NO;
	s->n_rates = 0;
	s->rates_unknown = 0;
	s->spf_checked = 0;
	s->spf_why[0] = '\0';
	s->hdr_wanted = 0;
	s->n_hdr = 0;
	s->hdr_octets = 0;
	s->hdr_bad[0] = '\0';
	s->limit[0] = '\0';
	s->internal_error = 0;
}

/* session_facts - the policy engine's view of the session */
void
session_facts(const struct session *s, struct facts *f)
{
	envelope_facts(&s->env, f);
	f->quarantined = s->quarantined;
	f->dynamic = s->dynamic_done ? s->dynamic : FACT_NO;
	f->dynamic_why = s->dynamic_why[0] ? s->dynamic_why : NULL;
	f->spf_checked = s->spf_checked;
	f->spf = s->spf;
	f->spf_why = s->spf_why[0] ? s->spf_why : NULL;
	f->hdr_senders = s->hdr;
	f->n_hdr_senders = s->n_hdr;
	f->hdr_unparsed = s->hdr_bad[0] ? s->hdr_bad : NULL;
	f->rates = s->rates;
	f->n_rates = s->n_rates;
	f->rates_unknown = s->rates_unknown;
}

/* session_log - the one line per decision */
void
session_log(const struct session *s, enum stage stage, const struct verdict *v)
{
	enum log_level level = v->action == ACTION_ACCEPT ? LOG_LEVEL_INFO :
	    LOG_LEVEL_NOTICE;
	struct declog_ctx ctx;
	char line[DECLOG_LINE_MAX];

	/* counted whether or not it is written; built only to be written
	 * (below LogLevel info an accept line is not) */
	metrics_decision(s->env.role, v->rule, v->action);
	if (!log_enabled(level))
		return;
	memset(&ctx, 0, sizeof(ctx));
	ctx.session = s->id;
	ctx.role = s->env.role;
	ctx.stage = stage;
	ctx.ip = s->env.ip_known ? s->env.ip_text : NULL;
	ctx.helo = s->env.helo;
	ctx.auth = s->env.auth;
	ctx.from = s->env.from_text;
	ctx.rcpt = stage == STAGE_RCPT ? s->env.rcpt_text : NULL;
	ctx.queue = s->queue;
	declog_format(line, sizeof(line), &ctx, v);
	log_line(level, line);
}
