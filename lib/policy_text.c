/*
 * NAME
 *	policy_text 3
 * SUMMARY
 *	the words of the policy engine: reply details and the plan's names
 * SYNOPSIS
 *	#include "policy_text.h"
 * DESCRIPTION
 *	What the rules say to a sender, apart from what they decide:
 *	where a quarantined customer still gets through, what a login may
 *	send as, a duration for people; and the names of the plan's needs
 *	(policy.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "policy_text.h"

/* policy_help_detail - where a quarantined customer still gets through:
 * the first two help desk addresses (local@ completed with the first of
 * LocalDomains), and SupportContact */
void
policy_help_detail(const struct conf *c, char *buf, size_t buflen)
{
	const char *domain = c->local_domains.n > 0 ? c->local_domains.v[0] : "";
	char desk[320] = "";
	size_t i, n = 0, len;

	for (i = 0; i < c->always_allow.n && n < 2; i++) {
		const char *entry = c->always_allow.v[i];
		int bare = entry[strlen(entry) - 1] == '@';

		if (bare && *domain == '\0')
			continue;
		len = strlen(desk);
		snprintf(desk + len, sizeof(desk) - len, "%s%s%s",
		    n == 0 ? "mail to " : " or ", entry, bare ? domain : "");
		n++;
	}
	if (n > 0) {
		len = strlen(desk);
		snprintf(desk + len, sizeof(desk) - len, " still goes through");
	}
	snprintf(buf, buflen, "%s%s%s", desk,
	    n > 0 && c->support_contact != NULL ? "; " : "",
	    c->support_contact != NULL ? c->support_contact : "");
}

/* policy_not_yours - the detail of a mismatch: what was refused, what is
 * allowed */
void
policy_not_yours(const struct conf *c, const char *login, const char *what,
    char *buf, size_t buflen)
{
	struct sendermap_opts o;
	char allowed[192];

	conf_sender_opts(c, &o);
	if (sendermap_owned(c->sender_map, &o, login, allowed,
	    sizeof(allowed)) == 0)
		snprintf(buf, buflen, "%s; login %.64s owns "
		    "no sender address here, ask your provider", what, login);
	else
		snprintf(buf, buflen, "%s; login %.64s may "
		    "send as %s", what, login, allowed);
}

/* policy_span - a duration for people: "45 s", "12 min", "3 h" (rounded up) */
void
policy_span(unsigned long ms, char *buf, size_t len)
{
	unsigned long s = (ms + 999) / 1000;

	if (s < 120)
		snprintf(buf, len, "%lu s", s);
	else if (s < 2 * 3600)
		snprintf(buf, len, "%lu min", (s + 59) / 60);
	else
		snprintf(buf, len, "%lu h", (s + 3599) / 3600);
}

/* policy_needs_format - the NEED_* bits as words: "spf,dnsbl" or "none" */
const char *
policy_needs_format(unsigned needs, char *buf, size_t len)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{NEED_QUARANTINE_IP, "quarantine_ip"},
		{NEED_QUARANTINE_LOGIN, "quarantine_login"},
		{NEED_SEEN_LOGIN, "seen_login"},
		{NEED_RATE_MESSAGES, "rate_messages"},
		{NEED_RATE_RECIPIENTS, "rate_recipients"},
		{NEED_DNSBL, "dnsbl"},
		{NEED_PTR, "ptr"},
		{NEED_PTR_FORWARD, "ptr_forward"},
		{NEED_SPF, "spf"},
		{NEED_HEADER_SENDERS, "header_senders"},
	};
	size_t i, used = 0;

	snprintf(buf, len, "none");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((needs & names[i].bit) == 0)
			continue;
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
			    used > 0 ? "," : "", names[i].name);
	}
	return buf;
}
