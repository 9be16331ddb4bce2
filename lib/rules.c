/*
 * NAME
 *	rules 3
 * SUMMARY
 *	the rule table
 * SYNOPSIS
 *	#include "rules.h"
 * DESCRIPTION
 *	One row per rule of DESIGN §3. Reply texts are written for the
 *	legitimate sender who hit the rule by mistake: they say what to do
 *	instead. A tempfail action reuses the text with a 4xx code.
 *
 *	The quarantine rules are decided per recipient (at RCPT, as
 *	Postfix's smtpd_delay_reject does), so that a quarantined customer
 *	can still reach the help desk (AlwaysAllowRecipients).
 */
#include "config.h"

#include <stddef.h>
#include <strings.h>

#include "rules.h"

static const struct rule_def rule_table[RULE_COUNT] = {
	[RULE_INBOUND_SUBMISSION_PORT] = {
		"inbound.submission_port", ROLE_INBOUND, STAGE_BIT(STAGE_CONNECT),
		ACTION_REJECT, "550", "5.7.1",
		"this is an inbound MX and takes no submission; send through "
		"your provider's submission server (port 587, with authentication)",
	},
	[RULE_INBOUND_AUTH] = {
		"inbound.auth", ROLE_INBOUND, STAGE_BIT(STAGE_MAIL),
		ACTION_REJECT, "550", "5.7.1",
		"this is an inbound MX and takes no authenticated submission; "
		"set your mail program to send through your provider's "
		"submission server on port 587",
	},
	[RULE_INBOUND_CUSTOMER_DIRECT] = {
		"inbound.customer_direct", ROLE_INBOUND, STAGE_BIT(STAGE_CONNECT),
		ACTION_REJECT, "550", "5.7.1",
		"customer addresses may not deliver to MX servers directly; "
		"send through your provider's submission server (port 587, "
		"with authentication)",
	},
	[RULE_INBOUND_QUARANTINED] = {
		"inbound.quarantined", ROLE_INBOUND, STAGE_BIT(STAGE_RCPT),
		ACTION_REJECT, "550", "5.7.1",
		"your address is quarantined for sending like a spam bot; "
		"clean the computer and ask your provider to release it",
	},
	[RULE_INBOUND_RELAY] = {
		"inbound.relay", ROLE_INBOUND, STAGE_BIT(STAGE_RCPT),
		ACTION_REJECT, "550", "5.7.1",
		"relaying denied: this MX only takes mail for the domains it "
		"serves; send other mail through your own provider's server",
	},
	[RULE_INBOUND_OWN_DOMAIN] = {
		"inbound.own_domain", ROLE_INBOUND, STAGE_BIT(STAGE_MAIL),
		ACTION_REJECT, "550", "5.7.1",
		"mail from our own domains must come through our submission "
		"server (port 587, with authentication)",
	},
	[RULE_INBOUND_SPF_FAIL] = {
		"inbound.spf_fail", ROLE_INBOUND, STAGE_BIT(STAGE_MAIL),
		ACTION_REJECT, "550", "5.7.23",
		"the sender domain's SPF record does not allow this server to "
		"send its mail; send through the servers the domain lists",
	},
	[RULE_INBOUND_HELO_IMPERSONATION] = {
		"inbound.helo_impersonation", ROLE_INBOUND, STAGE_BIT(STAGE_HELO),
		ACTION_REJECT, "550", "5.7.1",
		"your HELO names one of our own hosts; greet with your own "
		"server's name",
	},
	[RULE_INBOUND_DYNAMIC_IP] = {
		"inbound.dynamic_ip", ROLE_INBOUND, STAGE_BIT(STAGE_CONNECT),
		ACTION_REJECT, "550", "5.7.1",
		"mail from dynamic or consumer addresses is not accepted "
		"directly; send through your provider's submission server",
	},
	[RULE_OUTBOUND_QUARANTINED] = {
		"outbound.quarantined", ROLE_OUTBOUND, STAGE_BIT(STAGE_RCPT),
		ACTION_REJECT, "550", "5.7.1",
		"this address or login is quarantined for sending like a spam "
		"bot; clean the computer, change the password and ask your "
		"provider to release it",
	},
	[RULE_OUTBOUND_OUTSIDER_PORT25] = {
		"outbound.outsider_port25", ROLE_OUTBOUND, STAGE_BIT(STAGE_MAIL),
		ACTION_REJECT, "550", "5.7.1",
		"this server only takes mail from its own customers; "
		"deliver to the recipient domain's MX instead",
	},
	[RULE_OUTBOUND_AUTH_REQUIRED] = {
		"outbound.auth_required", ROLE_OUTBOUND, STAGE_BIT(STAGE_MAIL),
		ACTION_REJECT, "530", "5.7.0",
		"authentication required: log in (SMTP AUTH) with your mail "
		"account's user name and password before sending",
	},
	[RULE_OUTBOUND_SENDER_MISMATCH] = {
		"outbound.sender_mismatch", ROLE_OUTBOUND, STAGE_BIT(STAGE_MAIL),
		ACTION_REJECT, "553", "5.7.1",
		"sender address not owned by your login; send as one of "
		"your own addresses",
	},
	[RULE_OUTBOUND_HEADER_FROM_MISMATCH] = {
		"outbound.header_from_mismatch", ROLE_OUTBOUND, STAGE_BIT(STAGE_EOM),
		ACTION_REJECT, "550", "5.7.1",
		"From: header address not owned by your login; send as one of "
		"your own addresses",
	},
	[RULE_OUTBOUND_RATE] = {
		"outbound.rate", ROLE_OUTBOUND,
		STAGE_BIT(STAGE_MAIL) | STAGE_BIT(STAGE_RCPT),
		ACTION_TEMPFAIL, "451", "4.7.1",
		"sending rate limit reached; try again later",
	},
};

static const char *const action_names[] = {
	[ACTION_REJECT] = "reject",
	[ACTION_TEMPFAIL] = "tempfail",
	[ACTION_REPORT] = "report",
	[ACTION_OFF] = "off",
	[ACTION_ACCEPT] = "accept",
};

static const char *const role_names[] = {
	[ROLE_AUTO] = "auto",
	[ROLE_INBOUND] = "inbound",
	[ROLE_OUTBOUND] = "outbound",
};

static const char *const stage_names[] = {
	[STAGE_CONNECT] = "connect",
	[STAGE_HELO] = "helo",
	[STAGE_MAIL] = "mail",
	[STAGE_RCPT] = "rcpt",
	[STAGE_EOM] = "eom",
};

/* rule_get - the table row of a rule */
const struct rule_def *
rule_get(enum rule_id id)
{
	return id < RULE_COUNT ? &rule_table[id] : NULL;
}

/* rule_lookup - find a rule by its id text; 1 found, 0 not */
int
rule_lookup(const char *name, enum rule_id *id_r)
{
	int i;

	for (i = 0; i < RULE_COUNT; i++) {
		if (strcasecmp(name, rule_table[i].id) == 0) {
			*id_r = (enum rule_id)i;
			return 1;
		}
	}
	return 0;
}

/* rule_name - the id text of a rule, "-" for none */
const char *
rule_name(enum rule_id id)
{
	return id < RULE_COUNT ? rule_table[id].id : "-";
}

/* action_name - the configuration word of an action */
const char *
action_name(enum action action)
{
	return action_names[action];
}

/* action_parse - parse reject|tempfail|report|off; 0 ok, -1 unknown */
int
action_parse(const char *name, enum action *action_r)
{
	int i;

	for (i = ACTION_REJECT; i <= ACTION_OFF; i++) {
		if (strcasecmp(name, action_names[i]) == 0) {
			*action_r = (enum action)i;
			return 0;
		}
	}
	return -1;
}

/* role_name - the configuration word of a role */
const char *
role_name(enum role role)
{
	return role_names[role];
}

/* role_parse - parse auto|inbound|outbound; 0 ok, -1 unknown */
int
role_parse(const char *name, enum role *role_r)
{
	int i;

	for (i = ROLE_AUTO; i <= ROLE_OUTBOUND; i++) {
		if (strcasecmp(name, role_names[i]) == 0) {
			*role_r = (enum role)i;
			return 0;
		}
	}
	return -1;
}

/* stage_name - the name of an SMTP stage */
const char *
stage_name(enum stage stage)
{
	return stage_names[stage];
}
