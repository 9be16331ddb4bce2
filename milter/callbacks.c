/*
 * NAME
 *	callbacks 3
 * SUMMARY
 *	the libmilter callbacks
 * SYNOPSIS
 *	#include "callbacks.h"
 * DESCRIPTION
 *	Each callback gathers facts, asks the policy engine for the stage's
 *	plan and has it executed (lookups.h), asks the engine for the verdict
 *	and applies it with its effects: nothing more. apply() and
 *	internal_error() are the only callers of smfi_setreply(). Whatever goes wrong inside a session (no memory, no
 *	session) becomes a tempfail, never a 5xx and never an exit; so does
 *	a transaction over one of the session's limits (session.h): a login
 *	too long to keep whole at MAIL, too many or too long From: and
 *	Sender: headers at the end of the message. A limit is logged as a
 *	warning and as a decision line with rule=- action=tempfail.
 *	CONNECT, HELO and the headers are not answered (SMFIP_NR_CONN,
 *	SMFIP_NR_HELO, SMFIP_NR_HDR): nothing is decided there, and a session
 *	that could not be set up at connect is refused at MAIL.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "callbacks.h"
#include "log.h"
#include "lookups.h"
#include "macros.h"
#include "reply.h"
#include "session.h"

#define SESSION(ctx)	((struct session *)smfi_getpriv(ctx))

/* apply - log a refusal and turn it into a milter status */
static sfsistat
apply(SMFICTX *ctx, struct session *s, enum stage stage,
    const struct verdict *v)
{
	char text[REPLY_TEXT_MAX + 1];

	session_log(s, stage, v);
	lookups_effects(s, v, time(NULL));
	reply_sanitise(v->text, text, sizeof(text));
	if (smfi_setreply(ctx, (char *)v->code, (char *)v->ecode,
	    text) != MI_SUCCESS)
		log_warnx("session=%s the MTA refused the reply text", s->id);
	return v->action == ACTION_TEMPFAIL ? SMFIS_TEMPFAIL : SMFIS_REJECT;
}

/* respond - log the decision and turn it into a milter status */
static sfsistat
respond(SMFICTX *ctx, struct session *s, enum stage stage,
    const struct decision *d)
{
	size_t i;

	for (i = 0; i < d->n_reports; i++)
		session_log(s, stage, &d->reports[i]);
	if (d->final.action == ACTION_ACCEPT)
		return SMFIS_CONTINUE;
	return apply(ctx, s, stage, &d->final);
}

/* over_limit - the transaction went over a limit (s->limit): tempfail */
static sfsistat
over_limit(SMFICTX *ctx, struct session *s, enum stage stage)
{
	struct verdict v;

	memset(&v, 0, sizeof(v));
	v.rule = RULE_NONE;
	v.action = v.would = ACTION_TEMPFAIL;
	snprintf(v.code, sizeof(v.code), "451");
	snprintf(v.ecode, sizeof(v.ecode), "4.3.0");
	snprintf(v.text, sizeof(v.text), "%s: over a local limit - try "
	    "again later or contact your provider", s->limit);
	log_warnx("session=%s over a limit at %s: %s; tempfail", s->id,
	    stage_name(stage), s->limit);
	return apply(ctx, s, stage, &v);
}

/* decide - evaluate a stage for a session */
static sfsistat
decide(SMFICTX *ctx, struct session *s, enum stage stage)
{
	struct facts facts;
	struct decision d;

	session_facts(s, &facts);
	policy_decide(s->conf, &facts, stage, &d);
	return respond(ctx, s, stage, &d);
}

/* internal_error - no session: tempfail with the standard reply */
static sfsistat
internal_error(SMFICTX *ctx)
{
	smfi_setreply(ctx, "451", "4.3.0",
	    "temporary local problem - try again later");
	return SMFIS_TEMPFAIL;
}

/* cb_negotiate - ask for the macros, skip and leave unanswered what can be */
static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	static const unsigned long skip = SMFIP_NOBODY | SMFIP_NOEOH |
	    SMFIP_NOUNKNOWN | SMFIP_NODATA;
	/* nothing is decided at connect and HELO, and headers are only
	 * read: the MTA need not wait for those replies. libmilter always
	 * offers these and answers itself for an MTA that cannot do
	 * without; NR_DATA, NR_EOH and NR_BODY are moot, the steps are
	 * skipped */
	static const unsigned long noreply = SMFIP_NR_CONN | SMFIP_NR_HELO |
	    SMFIP_NR_HDR;

	(void)f2;
	(void)f3;
	if ((f1 & noreply) != noreply) {
		/* the callbacks would leave the MTA waiting: refuse */
		log_warnx("libmilter offers protocol steps 0x%lx without "
		    "0x%lx (no reply at connect, HELO, header)", f1, noreply);
		return SMFIS_REJECT;
	}
	*pf0 = f0 & SMFIF_SETSYMLIST;
	*pf1 = f1 & (skip | noreply);
	*pf2 = 0;
	*pf3 = 0;
	if ((f0 & SMFIF_SETSYMLIST) == 0 || macros_request(ctx) < 0)
		log_warnx("the MTA does not let the milter choose its macros: "
		    "configure {daemon_name} {daemon_port} for connect and "
		    "{auth_authen} for MAIL in the MTA");
	return SMFIS_CONTINUE;
}

/* cb_connect - a new session: role, client address */
static sfsistat
cb_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
	struct envelope_origin o;
	struct session *s;

	(void)hostname;
	memset(&o, 0, sizeof(o));
	o.daemon_name = macro_get(ctx, "{daemon_name}");
	o.daemon_port = macro_get(ctx, "{daemon_port}");
	o.daemon_addr = macro_get(ctx, "{daemon_addr}");
	o.mta_version = macro_get(ctx, "v");
	o.our_hostname = macro_get(ctx, "j");
	s = session_new(hostaddr, &o);
	if (s == NULL) {
		/* no reply here: without a session MAIL is refused */
		log_warnx("no memory for a new session");
		return SMFIS_NOREPLY;
	}
	smfi_setpriv(ctx, s);
	log_debug("session=%s connect ip=%s daemon=%s port=%u role=%s "
	    "mta=%s", s->id, s->env.ip_known ? s->env.ip_text : "-",
	    s->env.daemon_name[0] ? s->env.daemon_name : "-",
	    s->env.daemon_port, role_name(s->env.role),
	    s->env.sendmail ? "sendmail" : "other");
	return SMFIS_NOREPLY;
}

/* cb_helo - remember the greeting */
static sfsistat
cb_helo(SMFICTX *ctx, char *helo)
{
	struct session *s = SESSION(ctx);

	if (s != NULL)		/* else MAIL is refused */
		session_set_helo(s, helo);
	return SMFIS_NOREPLY;
}

/* cb_envfrom - a new transaction: every rule decidable at MAIL */
static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct session *s = SESSION(ctx);

	if (s == NULL)
		return internal_error(ctx);
	if (session_begin_transaction(s, argv ? argv[0] : NULL,
	    macro_get(ctx, "{auth_authen}")) < 0)
		return over_limit(ctx, s, STAGE_MAIL);
	session_set_queue(s, macro_get(ctx, "i"));
	lookups_stage(s, STAGE_MAIL, time(NULL));
	return decide(ctx, s, STAGE_MAIL);
}

/* cb_envrcpt - one recipient */
static sfsistat
cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct session *s = SESSION(ctx);

	if (s == NULL)
		return internal_error(ctx);
	session_set_rcpt(s, argv ? argv[0] : NULL);
	session_set_queue(s, macro_get(ctx, "i"));
	lookups_stage(s, STAGE_RCPT, time(NULL));
	return decide(ctx, s, STAGE_RCPT);
}

/* cb_header - keep the From: and Sender: addresses */
static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct session *s = SESSION(ctx);

	if (s != NULL && name != NULL && value != NULL &&
	    session_add_header(s, name, value) < 0) {
		log_warnx("session=%s no memory for header addresses", s->id);
		s->internal_error = 1;
	}
	return SMFIS_NOREPLY;
}

/* cb_eom - end of message: the last rules, then the accept line */
static sfsistat
cb_eom(SMFICTX *ctx)
{
	struct session *s = SESSION(ctx);
	struct facts facts;
	struct decision d;
	sfsistat rc;

	if (s == NULL)
		return internal_error(ctx);
	if (s->internal_error) {
		session_end_transaction(s);
		return internal_error(ctx);
	}
	session_set_queue(s, macro_get(ctx, "i"));
	if (s->limit[0] != '\0') {
		rc = over_limit(ctx, s, STAGE_EOM);
		session_end_transaction(s);
		return rc;
	}
	if (log_enabled(LOG_LEVEL_DEBUG))	/* nothing to look up: logged */
		(void)lookups_plan(s, STAGE_EOM);
	session_facts(s, &facts);
	policy_decide(s->conf, &facts, STAGE_EOM, &d);
	rc = respond(ctx, s, STAGE_EOM, &d);
	if (d.final.action == ACTION_ACCEPT)
		session_log(s, STAGE_EOM, &d.final);
	session_end_transaction(s);
	return rc;
}

/* cb_abort - RSET or a refused transaction */
static sfsistat
cb_abort(SMFICTX *ctx)
{
	struct session *s = SESSION(ctx);

	if (s != NULL)
		session_end_transaction(s);
	return SMFIS_CONTINUE;
}

/* cb_close - the session ends */
static sfsistat
cb_close(SMFICTX *ctx)
{
	struct session *s = SESSION(ctx);

	smfi_setpriv(ctx, NULL);
	session_free(s);
	return SMFIS_CONTINUE;
}

struct smfiDesc callbacks_desc = {
	.xxfi_name = "isolation-milter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_SETSYMLIST,
	.xxfi_connect = cb_connect,
	.xxfi_helo = cb_helo,
	.xxfi_envfrom = cb_envfrom,
	.xxfi_envrcpt = cb_envrcpt,
	.xxfi_header = cb_header,
	.xxfi_eom = cb_eom,
	.xxfi_abort = cb_abort,
	.xxfi_close = cb_close,
	.xxfi_negotiate = cb_negotiate,
};
