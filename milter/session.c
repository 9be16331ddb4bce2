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
 *
 *	The MTA is Sendmail when its "v" macro is a bare version number
 *	("8.17.1"); Postfix sends "Postfix 3.7.11". Only Sendmail
 *	xtext-encodes {auth_authen}, so without "v" the login is taken as
 *	it is: decoding a Postfix login such as "dave+2Bx" would make it
 *	another one.
 * DIAGNOSTICS
 *	A sender or recipient our parser refuses is kept as text for the log
 *	(escaped) and reaches the policy engine as "unparsed". A login that
 *	does not fit, or headers over the limits, set session->limit; the
 *	caller tempfails the transaction and logs it.
 */
#include "config.h"

#include <ctype.h>
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

/* the longest xtext a login of SESSION_LOGIN_MAX octets encodes to */
#define LOGIN_XTEXT_MAX	(3 * SESSION_LOGIN_MAX)

static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long session_counter;
static unsigned session_count;

/* copy - bounded copy, NULL becomes ""; 1 when src was cut to fit */
static int
copy(char *dst, size_t len, const char *src)
{
	return (size_t)snprintf(dst, len, "%s", src ? src : "") >= len;
}

/* copy_whole - copy src only if it fits whole, else "" and -1 */
static int
copy_whole(char *dst, size_t len, const char *src)
{
	if (copy(dst, len, src)) {
		dst[0] = '\0';
		return -1;
	}
	return 0;
}

/* is_sendmail - is v Sendmail's bare version ("8.17.1")? */
static int
is_sendmail(const char *v)
{
	size_t n;

	if (v == NULL)
		return 0;
	n = strspn(v, "0123456789");
	return n > 0 && v[n] == '.' && isdigit((unsigned char)v[n + 1]);
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
	/* MTA settings: never used cut short (the role used the whole name) */
	if (copy_whole(s->daemon_name, sizeof(s->daemon_name),
	    o->daemon_name) < 0)
		log_warnx("session=%s {daemon_name} longer than %zu octets: "
		    "not kept", s->id, sizeof(s->daemon_name) - 1);
	if (o->daemon_port != NULL) {
		n = strtoul(o->daemon_port, &end, 10);
		if (*o->daemon_port != '\0' && *end == '\0' && n > 0 && n < 65536)
			s->daemon_port = (unsigned)n;
	}
	if (o->daemon_addr != NULL && ip_parse(o->daemon_addr, &s->daemon_addr) == 0)
		s->daemon_addr_known = 1;
	if (copy_whole(s->our_hostname, sizeof(s->our_hostname),
	    o->our_hostname) < 0)
		log_warnx("session=%s j (our host name) longer than %zu octets: "
		    "not used", s->id, sizeof(s->our_hostname) - 1);
	s->sendmail = is_sendmail(o->mta_version);
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
	s->helo_cut = copy(s->helo, sizeof(s->helo), helo);
}

/* set_login - the login from {auth_authen}, decoded for Sendmail; -1 and
 * s->limit when it does not fit (a login is never cut short) */
static int
set_login(struct session *s, const char *auth_authen)
{
	char decoded[LOGIN_XTEXT_MAX + 1], shown[4 * 64 + 1], head[65];
	size_t len = strlen(auth_authen);

	if (s->sendmail && len <= LOGIN_XTEXT_MAX) {
		if (xtext_decode(auth_authen, decoded, sizeof(decoded)) == 0)
			auth_authen = decoded;
		else	/* never guess a login: the encoded form owns nothing */
			log_warnx("session=%s malformed xtext in {auth_authen}",
			    s->id);
		len = strlen(auth_authen);
	}
	if (len <= SESSION_LOGIN_MAX) {
		memcpy(s->auth, auth_authen, len + 1);
		return 0;
	}
	copy(head, sizeof(head), auth_authen);
	log_warnx("session=%s login longer than %d octets (%s...): tempfail",
	    s->id, SESSION_LOGIN_MAX, declog_escape(head, 0, shown,
	    sizeof(shown)));
	snprintf(s->limit, sizeof(s->limit), "login longer than %d octets",
	    SESSION_LOGIN_MAX);
	return -1;
}

/* session_begin_transaction - a MAIL FROM: forget the last transaction;
 * -1 (s->limit says why) when the login does not fit */
int
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
		return 0;
	return set_login(s, auth_authen);
}

/* session_set_queue - the MTA's queue id, once it has one */
void
session_set_queue(struct session *s, const char *queue_id)
{
	/* only for the log, and never a cut one */
	if (queue_id != NULL && *queue_id != '\0')
		copy_whole(s->queue, sizeof(s->queue), queue_id);
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
	/* only an authenticated outbound sender's headers are checked */
	if (s->role != ROLE_OUTBOUND || s->auth[0] == '\0' ||
	    s->hdr_bad[0] != '\0' || s->limit[0] != '\0')
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
	if (s->hdr == NULL && (s->hdr = calloc(SESSION_HDR_ADDRS_MAX,
	    sizeof(*s->hdr))) == NULL)
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
	s->queue[0] = '\0';
	s->from_text[0] = '\0';
	s->from_ok = 0;
	s->rcpt_text[0] = '\0';
	s->rcpt_ok = 0;
	s->quarantined = FACT_NO;
	s->n_rates = 0;
	s->rates_unknown = 0;
	s->spf_checked = 0;
	s->spf_why[0] = '\0';
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
	memset(f, 0, sizeof(*f));
	f->role = s->role;
	f->ip_known = s->ip_known;
	f->ip = s->ip;
	f->daemon_port = s->daemon_port;
	f->daemon_name = s->daemon_name[0] ? s->daemon_name : NULL;
	f->helo = s->helo[0] && !s->helo_cut ? s->helo : NULL;
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
	char line[DECLOG_LINE_MAX];

	memset(&ctx, 0, sizeof(ctx));
	ctx.session = s->id;
	ctx.role = s->role;
	ctx.stage = stage;
	ctx.ip = s->ip_known ? s->ip_text : NULL;
	ctx.helo = s->helo;
	ctx.auth = s->auth;
	ctx.from = s->from_text;
	ctx.rcpt = stage == STAGE_RCPT ? s->rcpt_text : NULL;
	ctx.queue = s->queue;
	declog_format(line, sizeof(line), &ctx, v);
	log_msg(v->action == ACTION_ACCEPT ? LOG_LEVEL_INFO : LOG_LEVEL_NOTICE,
	    "%s", line);
}
