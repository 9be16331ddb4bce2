/*
 * NAME
 *	envelope 3
 * SUMMARY
 *	the facts builder
 * SYNOPSIS
 *	#include "envelope.h"
 * DESCRIPTION
 *	Turns the MTA's raw strings into the policy engine's facts, for the
 *	daemon and for isolationctl explain alike.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "declog.h"
#include "envelope.h"
#include "log.h"
#include "xtext.h"

/* the longest xtext a login of ENVELOPE_LOGIN_MAX octets encodes to */
#define LOGIN_XTEXT_MAX	(3 * ENVELOPE_LOGIN_MAX)

/* copy - bounded copy, NULL becomes ""; 1 when src was cut to fit */
static int
copy(char *dst, size_t len, const char *src)
{
	/* not snprintf: it costs more than the rest of a HELO's handling */
	size_t n = src != NULL ? strlen(src) : 0;
	int cut = n >= len;

	if (cut)
		n = len - 1;
	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
	return cut;
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

/* envelope_port - a port number, 1 to 65535; 0 or -1 */
int
envelope_port(const char *text, unsigned *port_r)
{
	unsigned long n;
	char *end;

	if (text == NULL || *text < '0' || *text > '9')
		return -1;
	n = strtoul(text, &end, 10);
	if (*end != '\0' || n == 0 || n > 65535)
		return -1;
	*port_r = (unsigned)n;
	return 0;
}

/* envelope_connect - a new session: client, listener, role */
void
envelope_connect(struct envelope *e, const struct conf *conf, const char *id,
    const struct envelope_origin *o)
{
	memset(e, 0, sizeof(*e));
	e->conf = conf;
	e->id = id;
	if (o->ip != NULL && ip_format(o->ip, e->ip_text,
	    sizeof(e->ip_text)) == 0) {
		e->ip = *o->ip;
		e->ip_known = 1;
		if (ip_store_key(&e->ip, conf->ipv6_prefix, e->ip_key,
		    sizeof(e->ip_key)) < 0)	/* not with a checked IPv6Prefix */
			snprintf(e->ip_key, sizeof(e->ip_key), "%s", e->ip_text);
	}
	/* MTA settings: never used cut short (the role used the whole name) */
	if (copy_whole(e->daemon_name, sizeof(e->daemon_name),
	    o->daemon_name) < 0)
		log_warnx("session=%s {daemon_name} longer than %zu octets: "
		    "not kept", id, sizeof(e->daemon_name) - 1);
	if (o->daemon_port != NULL)
		(void)envelope_port(o->daemon_port, &e->daemon_port);
	if (o->daemon_addr != NULL && ip_parse(o->daemon_addr,
	    &e->daemon_addr) == 0)
		e->daemon_addr_known = 1;
	if (copy_whole(e->our_hostname, sizeof(e->our_hostname),
	    o->our_hostname) < 0)
		log_warnx("session=%s j (our host name) longer than %zu octets: "
		    "not used", id, sizeof(e->our_hostname) - 1);
	e->sendmail = is_sendmail(o->mta_version);
	e->role = policy_role(conf, o->daemon_name, e->daemon_port);
}

/* envelope_helo - the HELO/EHLO argument */
void
envelope_helo(struct envelope *e, const char *helo)
{
	e->helo_cut = copy(e->helo, sizeof(e->helo), helo);
}

/* set_login - the login from {auth_authen}, decoded for Sendmail; -1 and
 * why when it does not fit (a login is never cut short) */
static int
set_login(struct envelope *e, const char *auth_authen, char *why, size_t len)
{
	char decoded[LOGIN_XTEXT_MAX + 1], shown[4 * 64 + 1], head[65];
	size_t n = strlen(auth_authen);

	if (e->sendmail && n <= LOGIN_XTEXT_MAX) {
		if (xtext_decode(auth_authen, decoded, sizeof(decoded)) == 0)
			auth_authen = decoded;
		else	/* never guess a login: the encoded form owns nothing */
			log_warnx("session=%s malformed xtext in {auth_authen}",
			    e->id);
		n = strlen(auth_authen);
	}
	if (n <= ENVELOPE_LOGIN_MAX) {
		memcpy(e->auth, auth_authen, n + 1);
		return 0;
	}
	copy(head, sizeof(head), auth_authen);
	log_warnx("session=%s login longer than %d octets (%s...): tempfail",
	    e->id, ENVELOPE_LOGIN_MAX, declog_escape(head, 0, shown,
	    sizeof(shown)));
	snprintf(why, len, "login longer than %d octets", ENVELOPE_LOGIN_MAX);
	return -1;
}

/* envelope_reset - forget the transaction */
void
envelope_reset(struct envelope *e)
{
	e->auth[0] = '\0';
	e->from_text[0] = '\0';
	e->from_ok = 0;
	e->from_why = NULL;
	e->rcpt_text[0] = '\0';
	e->rcpt_ok = 0;
	e->rcpt_why = NULL;
}

/* envelope_mail - a MAIL FROM: a new transaction; -1 (why) when the
 * login does not fit */
int
envelope_mail(struct envelope *e, const char *from, const char *auth_authen,
    char *why, size_t len)
{
	envelope_reset(e);
	copy(e->from_text, sizeof(e->from_text), from);
	e->from_ok = from != NULL && addr_parse(from, &e->from,
	    &e->from_why) == 0;
	if (!e->from_ok)
		log_debug("session=%s unparsed sender: %s", e->id,
		    from ? e->from_why : "none");
	if (auth_authen == NULL || *auth_authen == '\0')
		return 0;
	return set_login(e, auth_authen, why, len);
}

/* envelope_rcpt - the recipient being decided */
void
envelope_rcpt(struct envelope *e, const char *rcpt)
{
	copy(e->rcpt_text, sizeof(e->rcpt_text), rcpt);
	e->rcpt_ok = rcpt != NULL && addr_parse(rcpt, &e->rcpt,
	    &e->rcpt_why) == 0;
	if (!e->rcpt_ok)
		log_debug("session=%s unparsed recipient: %s", e->id,
		    rcpt ? e->rcpt_why : "none");
}

/* envelope_facts - the envelope's part of the policy engine's facts */
void
envelope_facts(const struct envelope *e, struct facts *f)
{
	memset(f, 0, sizeof(*f));
	f->role = e->role;
	f->ip_known = e->ip_known;
	f->ip = e->ip;
	f->daemon_port = e->daemon_port;
	f->daemon_name = e->daemon_name[0] ? e->daemon_name : NULL;
	f->helo = e->helo[0] && !e->helo_cut ? e->helo : NULL;
	f->auth_login = e->auth[0] ? e->auth : NULL;
	f->mail_from = e->from_ok ? &e->from : NULL;
	f->mail_from_unparsed = e->from_text[0] != '\0' && !e->from_ok;
	f->rcpt = e->rcpt_ok ? &e->rcpt : NULL;
	f->rcpt_unparsed = e->rcpt_text[0] != '\0' && !e->rcpt_ok;
	f->our_hostname = e->our_hostname[0] ? e->our_hostname : NULL;
	f->daemon_addr_known = e->daemon_addr_known;
	f->daemon_addr = e->daemon_addr;
	f->quarantined = FACT_NO;
	f->dynamic = FACT_NO;
}
