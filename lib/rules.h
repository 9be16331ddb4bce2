/*
 * NAME
 *	rules 3h
 * SUMMARY
 *	the rule ids, their actions and their default replies
 * SYNOPSIS
 *	#include "rules.h"
 * DESCRIPTION
 *	Rule ids are an interface (DESIGN §3): log lines, Action.<rule id>
 *	configuration keys and isolationctl all name rules by them. The table
 *	in rules.c holds, per rule, its stage, default action and the reply
 *	that tells a legitimate sender what to do.
 */
#ifndef ISO_RULES_H
#define ISO_RULES_H

enum role {
	ROLE_AUTO,
	ROLE_INBOUND,
	ROLE_OUTBOUND,
};

enum action {
	ACTION_REJECT,
	ACTION_TEMPFAIL,
	ACTION_REPORT,
	ACTION_OFF,
	ACTION_ACCEPT,		/* verdicts only: no rule refused */
};

enum stage {
	STAGE_CONNECT,
	STAGE_HELO,
	STAGE_MAIL,
	STAGE_RCPT,
	STAGE_EOM,
};

enum rule_id {
	RULE_INBOUND_SUBMISSION_PORT,
	RULE_INBOUND_AUTH,
	RULE_INBOUND_CUSTOMER_DIRECT,
	RULE_INBOUND_QUARANTINED,
	RULE_INBOUND_RELAY,
	RULE_INBOUND_OWN_DOMAIN,
	RULE_INBOUND_SPF_FAIL,
	RULE_INBOUND_HELO_IMPERSONATION,
	RULE_INBOUND_DYNAMIC_IP,
	RULE_OUTBOUND_QUARANTINED,
	RULE_OUTBOUND_OUTSIDER_PORT25,
	RULE_OUTBOUND_AUTH_REQUIRED,
	RULE_OUTBOUND_SENDER_MISMATCH,
	RULE_OUTBOUND_HEADER_FROM_MISMATCH,
	RULE_OUTBOUND_RATE,
	RULE_COUNT,
	RULE_NONE = RULE_COUNT,
};

#define STAGE_BIT(s)	(1u << (s))

struct rule_def {
	const char *id;		/* "inbound.auth" */
	enum role role;
	unsigned stages;	/* STAGE_BIT()s of the stages it is decided at */
	enum action default_action;
	const char *code;	/* SMTP code when rejecting: "550" */
	const char *ecode;	/* enhanced status code: "5.7.1" */
	const char *text;	/* reply text: what a legitimate sender does */
};

const struct rule_def *rule_get(enum rule_id id);
int	rule_lookup(const char *name, enum rule_id *id_r);
const char *rule_name(enum rule_id id);

const char *action_name(enum action action);
int	action_parse(const char *name, enum action *action_r);
const char *role_name(enum role role);
int	role_parse(const char *name, enum role *role_r);
const char *stage_name(enum stage stage);

#endif
