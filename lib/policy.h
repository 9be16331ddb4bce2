/*
 * NAME
 *	policy 3h
 * SUMMARY
 *	the policy engine: facts + configuration -> plan and verdict
 * SYNOPSIS
 *	#include "policy.h"
 *
 *	enum role policy_role(const struct conf *conf,
 *	    const char *daemon_name, unsigned daemon_port);
 *	void policy_decide(const struct conf *conf, const struct facts *facts,
 *	    enum stage stage, struct decision *decision_r);
 *	unsigned policy_needs(const struct conf *conf,
 *	    const struct facts *facts, enum stage stage);
 *	size_t policy_rate_counters(const struct conf *conf,
 *	    const struct facts *facts, enum stage stage, const char *ip_text,
 *	    struct rate_fact *out, size_t max);
 *	const char *policy_needs_format(unsigned needs, char *buf,
 *	    size_t len);
 *	int policy_login_quarantine(const struct conf *conf,
 *	    unsigned long strikes);
 *	int policy_decided_at(enum rule_id id, enum stage stage);
 * DESCRIPTION
 *	Pure functions: no libmilter, no Redis, no DNS, no clock (the store
 *	applies the windows of counters and quarantines), no
 *	logging. The decision plan of a stage has two steps, both here:
 *
 *	policy_needs() says what the stage must look up before it can be
 *	decided (the NEED_* bits: quarantines, counters, DNSBL, reverse
 *	DNS, SPF), from the same rule table, actions and exemptions that
 *	policy_decide() uses, given the facts the MTA gave (envelope.h
 *	builds them). A rule that cannot be reached, because an earlier
 *	rule of the stage refuses on what the MTA said, needs nothing. The
 *	milter executes the needs and fills the facts; isolationctl explain
 *	prints them. policy_rate_counters() lists the RateLimit lines that
 *	count at a stage, and who they count (the login, or the client
 *	address, named by ip_text).
 *
 *	policy_decide() then gives the verdicts of the stage, and the
 *	effects of an enforced one (verdict.quarantine_ip,
 *	verdict.strike_login); policy_login_quarantine() says when the
 *	strikes counted quarantine the login. The milter logs each verdict,
 *	executes the effects and applies the final one. policy_decided_at()
 *	says whether a rule is decided at a stage (the connect and HELO
 *	rules at MAIL).
 *
 *	Rules whose facts are known at connect or HELO are decided again at
 *	every MAIL FROM, so that each transaction (also after RSET) is
 *	evaluated afresh and the refusal reaches the client with its text.
 *	The quarantine rules are decided at every RCPT: the recipients of
 *	AlwaysAllowRecipients (the help desk) are accepted from a
 *	quarantined client, every other one is refused with the quarantine
 *	reply, which says where help is (SupportContact).
 *
 *	A rule that fires with action "report", or any rule under Mode
 *	report, yields a report verdict (logged, mail accepted) and
 *	evaluation goes on; the first reject or tempfail ends it.
 *
 *	An enforced refusal of a login for sending as someone else (MAIL
 *	FROM or From:) or over its rate is a strike against it
 *	(verdict.strike_login); the milter counts strikes in the store, and
 *	policy_login_quarantine() says when they quarantine the login
 *	(LoginQuarantine N/window).
 */
#ifndef ISO_POLICY_H
#define ISO_POLICY_H

#include <time.h>

#include "addr.h"
#include "conf.h"
#include "netset.h"
#include "rules.h"
#include "spf_result.h"

/*
 * The decision plan: what a stage needs to know (or write) beyond what
 * the MTA said, as policy_needs() answers it. The milter executes the
 * needs (store, DNS, SPF) and fills the facts; isolationctl explain prints
 * them.
 */
#define NEED_QUARANTINE_IP	0x0001	/* store: the client's address quarantined? */
#define NEED_QUARANTINE_LOGIN	0x0002	/* store: the login quarantined? */
#define NEED_SEEN_LOGIN		0x0004	/* store: note the login seen on the address */
#define NEED_RATE_MESSAGES	0x0008	/* store: count the message (RateLimit) */
#define NEED_RATE_RECIPIENTS	0x0010	/* store: count the recipient (RateLimit) */
#define NEED_DNSBL		0x0020	/* DNS: the client in the DNSBL zones */
#define NEED_PTR		0x0040	/* DNS: the client's reverse name */
#define NEED_PTR_FORWARD	0x0080	/* DNS: does that name resolve back? */
#define NEED_SPF		0x0100	/* DNS: the sender's SPF */
#define NEED_HEADER_SENDERS	0x0200	/* message: From: and Sender: addresses */
#define NEED_STORE_MASK		0x001f
#define NEED_DNS_MASK		0x00e0	/* the client's DNS facts (per session) */

/* A fact that needs a lookup: known yes/no, or unknown after an error. */
#define FACT_NO		0
#define FACT_YES	1
#define FACT_UNKNOWN	(-1)

/* An address of a From: or Sender: header. */
struct header_sender {
	const char *field;		/* "From" or "Sender" */
	struct addr addr;
};

/* A RateLimit counter as the store counted it at this stage. */
struct rate_fact {
	const struct rate_limit *limit;
	const char *who;		/* the IP text or the login */
	unsigned long count;		/* after this stage's addition */
	unsigned long reset_ms;		/* until the window ends */
};

struct facts {
	enum role role;
	int	ip_known;
	struct ipaddr ip;
	unsigned daemon_port;		/* 0: unknown */
	const char *daemon_name;	/* NULL: unknown */
	const char *helo;		/* NULL: none yet */
	const char *auth_login;		/* NULL: not authenticated */
	const struct addr *mail_from;	/* NULL before MAIL */
	int	mail_from_unparsed;	/* a sender our parser refused */
	const struct addr *rcpt;	/* the recipient at STAGE_RCPT */
	int	rcpt_unparsed;		/* a recipient our parser refused */
	const char *our_hostname;	/* {j}: the MTA's own name */
	int	daemon_addr_known;
	struct ipaddr daemon_addr;	/* {daemon_addr}: the address we listen on */
	int	quarantined;		/* FACT_*: client IP or login */
	int	dynamic;		/* FACT_*: inbound.dynamic_ip evidence */
	const char *dynamic_why;
	int	spf_checked;
	enum spf_result spf;
	const char *spf_why;
	const struct header_sender *hdr_senders; /* at STAGE_EOM */
	size_t	n_hdr_senders;
	const char *hdr_unparsed;	/* why a From:/Sender: was refused */
	const struct rate_fact *rates;	/* counted at this stage */
	size_t	n_rates;
	int	rates_unknown;		/* the store could not count */
};

struct verdict {
	enum rule_id rule;		/* RULE_NONE for accept */
	enum action action;		/* reject, tempfail, report, accept */
	enum action would;		/* for report: what the rule does when enforced */
	char	code[4];		/* "550" */
	char	ecode[8];		/* "5.7.1" */
	char	text[512];		/* unsanitised; reply_sanitise() cleans */
	int	quarantine_ip;		/* effect: quarantine the client IP */
	int	strike_login;		/* effect: a strike against the login */
};

struct decision {
	struct verdict reports[RULE_COUNT];
	size_t	n_reports;
	struct verdict final;		/* ACTION_ACCEPT when nothing refused */
};

enum role policy_role(const struct conf *conf, const char *daemon_name,
	    unsigned daemon_port);
void	policy_decide(const struct conf *conf, const struct facts *facts,
	    enum stage stage, struct decision *decision_r);
unsigned policy_needs(const struct conf *conf, const struct facts *facts,
	    enum stage stage);
int	policy_decided_at(enum rule_id id, enum stage stage);
size_t	policy_rate_counters(const struct conf *conf,
	    const struct facts *facts, enum stage stage, const char *ip_text,
	    struct rate_fact *out, size_t max);
const char *policy_needs_format(unsigned needs, char *buf, size_t len);
int	policy_login_quarantine(const struct conf *conf,
	    unsigned long strikes);

#define NEEDS_TEXT_MAX	160	/* policy_needs_format() of every bit */

#endif
