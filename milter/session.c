/*
 * NAME
 *	session 3
 * SUMMARY
 *	one SMTP session as the milter sees it
 * SYNOPSIS
 *	#include "session.h"
 * DESCRIPTION
 *	Turns the MTA's raw strings into facts for the policy engine and
 *	writes the decision log line. Session ids are the start time and a
 *	counter in hex: unique per process and sortable.
 * DIAGNOSTICS
 *	A sender or recipient our parser refuses is kept as text for the log
 *	(escaped) and reaches the policy engine as "unparsed".
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
#include "session.h"
#include "xtext.h"

/* From: and Sender: addresses kept per transaction */
#define SESSION_HDR_MAX	64

static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long session_counter;
static unsigned session_count;

/* copy - bounded copy, NULL becomes "" */
static void
copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* session_new - a session for a new connection, NULL if out of memory */
struct session *
session_new(const struct session_origin *o)
{
	struct session *s = calloc(1, sizeof(*s));
	unsigned long n;
	char *end;

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
	snprintf(s->id, sizeof(s->id), "%08lx%05lx",
	    (unsigned long)time(NULL) & 0xffffffffUL, n & 0xfffffUL);

	if (o->hostaddr != NULL && ip_from_sockaddr(o->hostaddr, &s->ip) == 0 &&
	    ip_format(&s->ip, s->ip_text, sizeof(s->ip_text)) == 0)
		s->ip_known = 1;
	copy(s->daemon_name, sizeof(s->daemon_name), o->daemon_name);
	if (o->daemon_port != NULL) {
		n = strtoul(o->daemon_port, &end, 10);
		if (*o->daemon_port != '\0' && *end == '\0' && n > 0 && n < 65536)
			s->daemon_port = (unsigned)n;
	}
	if (o->daemon_addr != NULL && ip_parse(o->daemon_addr, &s->daemon_addr) == 0)
		s->daemon_addr_known = 1;
	copy(s->our_hostname, sizeof(s->our_hostname), o->our_hostname);
	/* Postfix sends its own name in v; Sendmail a bare version number */
	s->sendmail = o->mta_version == NULL ||
	    strncmp(o->mta_version, "Postfix", 7) != 0;
	s->role = policy_role(s->conf, o->daemon_name, s->daemon_port);
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
	copy(s->helo, sizeof(s->helo), helo);
}

/* session_begin_transaction - a MAIL FROM: forget the last transaction */
void
session_begin_transaction(struct session *s, const char *from,
    const char *auth_authen)
{
	const char *why;

	session_end_transaction(s);
	copy(s->from_text, sizeof(s->from_text), from);
	s->from_ok = from != NULL && addr_parse(from, &s->from, &why) == 0;
	if (!s->from_ok)
		log_debug("session=%s unparsed sender: %s", s->id,
		    from ? why : "none");
	if (auth_authen == NULL || *auth_authen == '\0')
		return;
	if (!s->sendmail)
		copy(s->auth, sizeof(s->auth), auth_authen);
	else if (xtext_decode(auth_authen, s->auth, sizeof(s->auth)) < 0) {
		/* never guess a login: keep the encoded form, it owns nothing */
		log_warnx("session=%s malformed xtext in {auth_authen}", s->id);
		copy(s->auth, sizeof(s->auth), auth_authen);
	}
}

/* session_set_rcpt - the recipient being decided */
void
session_set_rcpt(struct session *s, const char *rcpt)
{
	const char *why;

	copy(s->rcpt_text, sizeof(s->rcpt_text), rcpt);
	s->rcpt_ok = rcpt != NULL && addr_parse(rcpt, &s->rcpt, &why) == 0;
	if (!s->rcpt_ok)
		log_debug("session=%s unparsed recipient: %s", s->id,
		    rcpt ? why : "none");
}

/* session_add_header - keep the addresses of a From: or Sender: header;
 * -1 when out of memory */
int
session_add_header(struct session *s, const char *name, const char *value)
{
	struct addr found[HDRADDR_MAX];
	const char *field, *why = NULL;
	size_t n = 0, i;

	if (strcasecmp(name, "From") == 0)
		field = "From";
	else if (strcasecmp(name, "Sender") == 0)
		field = "Sender";
	else
		return 0;
	/* only an authenticated outbound sender's headers are checked */
	if (s->role != ROLE_OUTBOUND || s->auth[0] == '\0' ||
	    s->hdr_bad[0] != '\0')
		return 0;
	/* a group alone ("alice@example.net":;) names nobody: refused too */
	if (hdraddr_parse(value, found, HDRADDR_MAX, &n, &why) < 0 || n == 0) {
		snprintf(s->hdr_bad, sizeof(s->hdr_bad), "unreadable %s: "
		    "header (%s)", field, why != NULL ? why : "no mailbox");
		return 0;
	}
	if (s->n_hdr + n > SESSION_HDR_MAX) {
		snprintf(s->hdr_bad, sizeof(s->hdr_bad), "more than %d From: "
		    "and Sender: addresses", SESSION_HDR_MAX);
		return 0;
	}
	if (s->hdr == NULL &&
	    (s->hdr = calloc(SESSION_HDR_MAX, sizeof(*s->hdr))) == NULL)
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
	s->auth[0] = '\0';
	s->from_text[0] = '\0';
	s->from_ok = 0;
	s->rcpt_text[0] = '\0';
	s->rcpt_ok = 0;
	s->n_rcpts = 0;
	s->quarantined = FACT_NO;
	s->n_rates = 0;
	s->rates_unknown = 0;
	s->spf_checked = 0;
	s->spf_why[0] = '\0';
	s->n_hdr = 0;
	s->hdr_bad[0] = '\0';
	s->internal_error = 0;
}

/* session_facts - the policy engine's view of the session */
void
session_facts(const struct session *s, struct facts *f)
{
	memset(f, 0, sizeof(*f));
	f->role = s->role;
	f->ip_known = s->ip_known;
	f->ip = s->ip;
	f->daemon_port = s->daemon_port;
	f->daemon_name = s->daemon_name[0] ? s->daemon_name : NULL;
	f->helo = s->helo[0] ? s->helo : NULL;
	f->auth_login = s->auth[0] ? s->auth : NULL;
	f->mail_from = s->from_ok ? &s->from : NULL;
	f->mail_from_unparsed = s->from_text[0] != '\0' && !s->from_ok;
	f->rcpt = s->rcpt_ok ? &s->rcpt : NULL;
	f->rcpt_unparsed = s->rcpt_text[0] != '\0' && !s->rcpt_ok;
	f->our_hostname = s->our_hostname[0] ? s->our_hostname : NULL;
	f->daemon_addr_known = s->daemon_addr_known;
	f->daemon_addr = s->daemon_addr;
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
	struct declog_ctx ctx;
	char line[2048];

	ctx.session = s->id;
	ctx.role = s->role;
	ctx.ip = s->ip_known ? s->ip_text : NULL;
	ctx.helo = s->helo;
	ctx.auth = s->auth;
	ctx.from = s->from_text;
	ctx.rcpt = stage == STAGE_RCPT ? s->rcpt_text : NULL;
	ctx.stage = stage;
	declog_format(line, sizeof(line), &ctx, v);
	log_msg(v->action == ACTION_ACCEPT ? LOG_LEVEL_INFO : LOG_LEVEL_NOTICE,
	    "%s", line);
}
