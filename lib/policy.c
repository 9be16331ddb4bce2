/*
 * NAME
 *	policy 3
 * SUMMARY
 *	the policy engine
 * SYNOPSIS
 *	#include "policy.h"
 * DESCRIPTION
 *	One predicate per rule, listed in the order they are evaluated. A
 *	predicate only says whether its rule applies to the facts; actions,
 *	Mode report and replies are handled once, in policy_decide().
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "policy.h"

typedef int (*rule_fn)(const struct conf *, const struct facts *);

/* authenticated - did the client log in? */
static int
authenticated(const struct facts *f)
{
	return f->auth_login != NULL && f->auth_login[0] != '\0';
}

/* in_set - is the client address in this set? */
static int
in_set(const struct facts *f, const struct netset *set)
{
	return f->ip_known && netset_contains(set, &f->ip);
}

/* is_customer - inside CustomerNetworks and not an opted-out server */
static int
is_customer(const struct conf *c, const struct facts *f)
{
	return in_set(f, c->customer_networks) &&
	    !in_set(f, c->customer_servers);
}

/* check_submission_port - an inbound session that came in on 587/465 */
static int
check_submission_port(const struct conf *c, const struct facts *f)
{
	return f->daemon_port != 0 &&
	    conf_is_submission_port(c, f->daemon_port) &&
	    !in_set(f, c->trusted_networks);
}

/* check_customer_direct - a customer address talking SMTP to the MX */
static int
check_customer_direct(const struct conf *c, const struct facts *f)
{
	return is_customer(c, f) && !in_set(f, c->trusted_networks);
}

/* check_inbound_auth - an authenticated session on the MX */
static int
check_inbound_auth(const struct conf *c, const struct facts *f)
{
	(void)c;
	return authenticated(f);
}

/* check_outsider_port25 - an outsider on the outbound server's port 25 */
static int
check_outsider_port25(const struct conf *c, const struct facts *f)
{
	if (authenticated(f) || f->daemon_port == 0 ||
	    conf_is_submission_port(c, f->daemon_port))
		return 0;
	return !is_customer(c, f) && !in_set(f, c->trusted_networks);
}

/* check_auth_required - an unauthenticated outbound session */
static int
check_auth_required(const struct conf *c, const struct facts *f)
{
	if (authenticated(f) || in_set(f, c->trusted_networks))
		return 0;
	if (c->customer_port25_open && is_customer(c, f) &&
	    f->daemon_port != 0 && !conf_is_submission_port(c, f->daemon_port))
		return 0;
	return 1;
}

/* Evaluation order within a stage. */
static const struct {
	enum rule_id id;
	rule_fn fn;
} rule_order[] = {
	{RULE_INBOUND_SUBMISSION_PORT, check_submission_port},
	{RULE_INBOUND_CUSTOMER_DIRECT, check_customer_direct},
	{RULE_INBOUND_AUTH, check_inbound_auth},
	{RULE_OUTBOUND_OUTSIDER_PORT25, check_outsider_port25},
	{RULE_OUTBOUND_AUTH_REQUIRED, check_auth_required},
};

/* policy_role - the role of a session (DESIGN §2) */
enum role
policy_role(const struct conf *conf, const char *daemon_name,
    unsigned daemon_port)
{
	enum role role;

	if (conf->role != ROLE_AUTO)
		return conf->role;
	if (daemon_name != NULL && conf_daemon_role(conf, daemon_name, &role))
		return role;
	if (daemon_port != 0 && conf_is_submission_port(conf, daemon_port))
		return ROLE_OUTBOUND;
	return conf->default_role;
}

/* fill_verdict - code, enhanced code and text for a rule and action */
static void
fill_verdict(struct verdict *v, enum rule_id id, enum action action,
    enum action would)
{
	const struct rule_def *def = rule_get(id);

	v->rule = id;
	v->action = action;
	v->would = would;
	snprintf(v->text, sizeof(v->text), "%s", def->text);
	if (would == ACTION_TEMPFAIL && def->code[0] == '5') {
		snprintf(v->code, sizeof(v->code), "451");
		snprintf(v->ecode, sizeof(v->ecode), "4%s", def->ecode + 1);
	} else if (would == ACTION_REJECT && def->code[0] == '4') {
		snprintf(v->code, sizeof(v->code), "550");
		snprintf(v->ecode, sizeof(v->ecode), "5%s", def->ecode + 1);
	} else {
		snprintf(v->code, sizeof(v->code), "%s", def->code);
		snprintf(v->ecode, sizeof(v->ecode), "%s", def->ecode);
	}
}

/* stage_matches - is a rule decided at this evaluation point? */
static int
stage_matches(enum stage rule_stage, enum stage stage)
{
	if (stage == STAGE_MAIL)
		return rule_stage <= STAGE_MAIL;
	return rule_stage == stage;
}

/* policy_decide - evaluate every rule of this stage, in order */
void
policy_decide(const struct conf *conf, const struct facts *facts,
    enum stage stage, time_t now, struct decision *decision_r)
{
	size_t i;

	(void)now;		/* time-bound rules (quarantine, rate) use it */
	decision_r->n_reports = 0;
	memset(&decision_r->final, 0, sizeof(decision_r->final));
	decision_r->final.rule = RULE_NONE;
	decision_r->final.action = ACTION_ACCEPT;
	decision_r->final.would = ACTION_ACCEPT;

	for (i = 0; i < sizeof(rule_order) / sizeof(rule_order[0]); i++) {
		enum rule_id id = rule_order[i].id;
		const struct rule_def *def = rule_get(id);
		enum action action = conf->actions[id];

		if (def->role != facts->role || action == ACTION_OFF ||
		    !stage_matches(def->stage, stage) ||
		    !rule_order[i].fn(conf, facts))
			continue;
		if (action == ACTION_REPORT || conf->mode_report) {
			enum action would = action == ACTION_REPORT ?
			    def->default_action : action;

			if (would == ACTION_REPORT || would == ACTION_OFF)
				would = ACTION_REJECT;
			fill_verdict(&decision_r->reports[decision_r->n_reports++],
			    id, ACTION_REPORT, would);
			continue;
		}
		fill_verdict(&decision_r->final, id, action, action);
		return;
	}
}
