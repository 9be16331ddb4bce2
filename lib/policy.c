/*
 * NAME
 *	policy 3
 * SUMMARY
 *	the policy engine
 * SYNOPSIS
 *	#include "policy.h"
 * DESCRIPTION
 *	One predicate per rule, listed in the order they are evaluated. A
 *	predicate only says whether its rule applies to the facts (and may
 *	add a detail, or, for SPF and store errors, its own action and
 *	reply); configured actions, Mode report and replies are handled once,
 *	in evaluate(), for policy_decide() and policy_needs() alike.
 *
 *	A rule that needs a lookup has a second function, its needs: the
 *	exemptions that make the lookup pointless (the same functions its
 *	predicate calls) and the NEED_* bits of what it would read.
 *	policy_needs() walks the rules of a stage in evaluation order, as
 *	postscreen's ps_new_tests() sets its TODO flags: a rule with needs
 *	adds them; a rule without is decided on the facts the MTA gave, and
 *	when it refuses (enforced), nothing after it is reached, so nothing
 *	after it is looked up.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy.h"
#include "policy_text.h"

/* What a predicate found beyond "it applies". */
struct hit {
	int	action_set;		/* action below replaces the configured one */
	enum action action;
	const char *code;		/* NULL: the rule's */
	const char *ecode;
	const char *text;
	char	detail[320];		/* appended to the text when set */
	int	strike;			/* a strike against the login */
};

typedef int (*rule_fn)(const struct conf *, const struct facts *,
		       struct hit *);
typedef unsigned (*needs_fn)(const struct conf *, const struct facts *,
		       enum stage);

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

/* trusted - one of our relays or monitors */
static int
trusted(const struct conf *c, const struct facts *f)
{
	return in_set(f, c->trusted_networks);
}

/* is_customer - inside CustomerNetworks and not an opted-out server */
static int
is_customer(const struct conf *c, const struct facts *f)
{
	return in_set(f, c->customer_networks) &&
	    !in_set(f, c->customer_servers);
}

/* state_error - the store failed: tempfail when the operator chose so */
static int
state_error(const struct conf *c, struct hit *h, const char *text)
{
	if (!c->on_state_error_tempfail)
		return 0;
	h->action_set = 1;
	h->action = ACTION_TEMPFAIL;
	h->code = "451";
	h->ecode = "4.3.0";
	h->text = text;
	return 1;
}

/* quarantine_exempt - our own relays, and mail to the help desk
 * (AlwaysAllowRecipients), are never refused as quarantined */
static int
quarantine_exempt(const struct conf *c, const struct facts *f)
{
	return trusted(c, f) ||
	    (f->rcpt != NULL && conf_is_always_allowed(c, f->rcpt));
}

/* needs_quarantined - the quarantine of the client IP, and of the login
 * on the outbound role */
static unsigned
needs_quarantined(const struct conf *c, const struct facts *f,
    enum stage stage)
{
	unsigned needs = 0;

	(void)stage;
	if (quarantine_exempt(c, f))
		return 0;
	if (f->ip_known)
		needs |= NEED_QUARANTINE_IP;
	if (f->role == ROLE_OUTBOUND && authenticated(f))
		needs |= NEED_QUARANTINE_LOGIN;
	return needs;
}

/* check_quarantined - the client IP (or login) is quarantined; the help
 * desk's addresses (AlwaysAllowRecipients) still take its mail */
static int
check_quarantined(const struct conf *c, const struct facts *f, struct hit *h)
{
	if (quarantine_exempt(c, f))
		return 0;
	if (f->quarantined == FACT_UNKNOWN)
		return state_error(c, h,
		    "the quarantine list is unavailable; try again later");
	if (f->quarantined != FACT_YES)
		return 0;
	policy_help_detail(c, h->detail, sizeof(h->detail));
	return 1;
}

/* check_submission_port - an inbound session that came in on 587/465 */
static int
check_submission_port(const struct conf *c, const struct facts *f,
    struct hit *h)
{
	(void)h;
	return f->daemon_port != 0 &&
	    conf_is_submission_port(c, f->daemon_port) && !trusted(c, f);
}

/* check_customer_direct - a customer address talking SMTP to the MX */
static int
check_customer_direct(const struct conf *c, const struct facts *f,
    struct hit *h)
{
	(void)h;
	return is_customer(c, f) && !trusted(c, f);
}

/* dynamic_exempt - who is never looked up in DNS as a possible bot: our
 * relays, the customers' opted-out servers, and the customers, whose
 * direct SMTP inbound.customer_direct decides */
static int
dynamic_exempt(const struct conf *c, const struct facts *f)
{
	return !f->ip_known || trusted(c, f) ||
	    in_set(f, c->customer_servers) || in_set(f, c->customer_networks);
}

/* needs_dynamic_ip - the DNSBL zones and the reverse name, as
 * DynamicIPChecks says */
static unsigned
needs_dynamic_ip(const struct conf *c, const struct facts *f,
    enum stage stage)
{
	unsigned needs = 0;

	(void)stage;
	if (dynamic_exempt(c, f))
		return 0;
	if ((c->dynamic_checks & DYNAMIC_DNSBL) != 0 && c->n_dnsbls > 0)
		needs |= NEED_DNSBL;
	if ((c->dynamic_checks & (DYNAMIC_GENERIC | DYNAMIC_NO_PTR |
	    DYNAMIC_UNCONFIRMED)) != 0)
		needs |= NEED_PTR;
	if ((c->dynamic_checks & DYNAMIC_UNCONFIRMED) != 0)
		needs |= NEED_PTR_FORWARD;
	return needs;
}

/* check_dynamic_ip - DNSBL-listed or generic/dynamic reverse DNS */
static int
check_dynamic_ip(const struct conf *c, const struct facts *f, struct hit *h)
{
	if (dynamic_exempt(c, f) || f->dynamic != FACT_YES)
		return 0;
	if (f->dynamic_why != NULL)
		snprintf(h->detail, sizeof(h->detail), "%s", f->dynamic_why);
	return 1;
}

/* same_or_sub - is name equal to domain or a subdomain of it? */
static int
same_or_sub(const char *name, size_t len, const char *domain)
{
	size_t dlen = strlen(domain);

	if (len == dlen)
		return strncasecmp(name, domain, len) == 0;
	return len > dlen && name[len - dlen - 1] == '.' &&
	    strncasecmp(name + len - dlen, domain, dlen) == 0;
}

/* helo_is_our_ip - HELO as [addr], [IPv6:addr] or a bare address */
static int
helo_is_our_ip(const struct facts *f, const char *helo)
{
	struct ipaddr ip;

	return f->daemon_addr_known && ip_parse(helo, &ip) == 0 &&
	    memcmp(&ip, &f->daemon_addr, sizeof(ip)) == 0;
}

/* check_helo_impersonation - HELO names our host, domain or address */
static int
check_helo_impersonation(const struct conf *c, const struct facts *f,
    struct hit *h)
{
	const char *helo = f->helo;
	size_t len, i;

	if (helo == NULL || trusted(c, f))
		return 0;
	len = strlen(helo);
	if (len > 0 && helo[len - 1] == '.')
		len--;
	if (len == 0)
		return 0;
	if (helo_is_our_ip(f, helo)) {
		snprintf(h->detail, sizeof(h->detail), "%s is our address", helo);
		return 1;
	}
	if (f->our_hostname != NULL && *f->our_hostname != '\0' &&
	    same_or_sub(helo, len, f->our_hostname) &&
	    strlen(f->our_hostname) == len) {
		snprintf(h->detail, sizeof(h->detail), "%.*s is our name",
		    (int)len, helo);
		return 1;
	}
	for (i = 0; i < c->local_domains.n; i++) {
		if (same_or_sub(helo, len, c->local_domains.v[i])) {
			snprintf(h->detail, sizeof(h->detail),
			    "%.*s is in our domain %s", (int)len, helo,
			    c->local_domains.v[i]);
			return 1;
		}
	}
	return 0;
}

/* check_inbound_auth - an authenticated session on the MX */
static int
check_inbound_auth(const struct conf *c, const struct facts *f, struct hit *h)
{
	(void)c;
	(void)h;
	return authenticated(f);
}

/* check_own_domain - MAIL FROM one of our domains, from outside */
static int
check_own_domain(const struct conf *c, const struct facts *f, struct hit *h)
{
	if (f->mail_from == NULL || f->mail_from->null || trusted(c, f) ||
	    f->mail_from->domain[0] == '\0' ||
	    !conf_is_local_domain(c, f->mail_from->domain))
		return 0;
	snprintf(h->detail, sizeof(h->detail), "%.200s is our domain",
	    f->mail_from->domain);
	return 1;
}

/* spf_exempt - nothing to check: SPF no, our relays, no client address,
 * or no sender to check (unparsed, or without a domain); <> is checked
 * through the HELO */
static int
spf_exempt(const struct conf *c, const struct facts *f)
{
	const struct addr *from = f->mail_from;

	return !c->spf || !f->ip_known || trusted(c, f) || from == NULL ||
	    (!from->null && from->domain[0] == '\0');
}

/* needs_spf - the sender's SPF, unless no result would do anything */
static unsigned
needs_spf(const struct conf *c, const struct facts *f, enum stage stage)
{
	size_t r;

	(void)stage;
	if (spf_exempt(c, f))
		return 0;
	if (c->actions[RULE_INBOUND_SPF_FAIL] != ACTION_OFF)
		return NEED_SPF;
	for (r = 0; r < SPF_RESULT_COUNT; r++)
		if (r != SPF_RESULT_FAIL && c->spf_actions[r] != ACTION_OFF)
			return NEED_SPF;
	return 0;
}

/* check_spf - the SPF result's configured action */
static int
check_spf(const struct conf *c, const struct facts *f, struct hit *h)
{
	if (spf_exempt(c, f) || !f->spf_checked)
		return 0;
	h->action_set = 1;
	h->action = f->spf == SPF_RESULT_FAIL ?
	    c->actions[RULE_INBOUND_SPF_FAIL] : c->spf_actions[f->spf];
	if (h->action == ACTION_OFF)
		return 0;
	switch (f->spf) {
	case SPF_RESULT_TEMPERROR:
		h->code = "451";
		h->ecode = "4.7.24";
		h->text = "temporary error looking up the sender domain's SPF "
		    "record; try again later";
		break;
	case SPF_RESULT_PERMERROR:
		h->code = "550";
		h->ecode = "5.7.24";
		h->text = "the sender domain's SPF record is broken; ask its "
		    "postmaster to fix it";
		break;
	default:
		break;
	}
	snprintf(h->detail, sizeof(h->detail), "SPF %s%s%s",
	    spf_result_name(f->spf), f->spf_why ? ": " : "",
	    f->spf_why ? f->spf_why : "");
	return 1;
}

/* check_relay - a recipient outside LocalDomains */
static int
check_relay(const struct conf *c, const struct facts *f, struct hit *h)
{
	if (c->local_domains.n == 0 || trusted(c, f))
		return 0;
	if (f->rcpt_unparsed) {
		snprintf(h->detail, sizeof(h->detail), "unparseable recipient");
		return 1;
	}
	if (f->rcpt == NULL || f->rcpt->domain[0] == '\0')
		return 0;	/* <postmaster> and the like stay local */
	if (f->rcpt->routed) {
		snprintf(h->detail, sizeof(h->detail),
		    "source routes and %%/! forms are not accepted");
		return 1;
	}
	return !conf_is_local_domain(c, f->rcpt->domain);
}

/* check_outsider_port25 - an outsider on the outbound server's port 25 */
static int
check_outsider_port25(const struct conf *c, const struct facts *f,
    struct hit *h)
{
	(void)h;
	if (authenticated(f) || f->daemon_port == 0 ||
	    conf_is_submission_port(c, f->daemon_port))
		return 0;
	return !is_customer(c, f) && !trusted(c, f);
}

/* check_auth_required - an unauthenticated outbound session */
static int
check_auth_required(const struct conf *c, const struct facts *f,
    struct hit *h)
{
	(void)h;
	if (authenticated(f) || trusted(c, f))
		return 0;
	if (c->customer_port25_open && is_customer(c, f) &&
	    f->daemon_port != 0 && !conf_is_submission_port(c, f->daemon_port))
		return 0;
	return 1;
}

/* owns - may the login use this address? */
static int
owns(const struct conf *c, const char *login, const struct addr *a)
{
	struct sendermap_opts o;

	conf_sender_opts(c, &o);
	return sendermap_owns(c->sender_map, &o, login, a);
}

/* check_sender_mismatch - a MAIL FROM the login does not own */
static int
check_sender_mismatch(const struct conf *c, const struct facts *f,
    struct hit *h)
{
	char what[128], text[ADDR_FORMAT_MAX];

	if (!authenticated(f))
		return 0;
	if (f->mail_from == NULL) {
		if (!f->mail_from_unparsed)
			return 0;
		policy_not_yours(c, f->auth_login, "unreadable sender address",
		    h->detail, sizeof(h->detail));
		return 1;
	}
	if (f->mail_from->null) {
		if (!c->null_sender_reject)
			return 0;
		policy_not_yours(c, f->auth_login, "the null sender <> is not "
		    "accepted here", h->detail, sizeof(h->detail));
		return 1;
	}
	if (owns(c, f->auth_login, f->mail_from))
		return 0;
	if (addr_format(f->mail_from, text, sizeof(text)) < 0)
		snprintf(text, sizeof(text), "the sender");
	snprintf(what, sizeof(what), "%.100s is not yours", text);
	policy_not_yours(c, f->auth_login, what, h->detail, sizeof(h->detail));
	h->strike = 1;
	return 1;
}

/* needs_header_senders - the From: and Sender: addresses of a message
 * sent with a login */
static unsigned
needs_header_senders(const struct conf *c, const struct facts *f,
    enum stage stage)
{
	(void)c;
	(void)stage;
	return authenticated(f) ? NEED_HEADER_SENDERS : 0;
}

/* check_header_from_mismatch - a From: or Sender: the login does not own */
static int
check_header_from_mismatch(const struct conf *c, const struct facts *f,
    struct hit *h)
{
	char what[128], text[ADDR_FORMAT_MAX];
	size_t i;

	if (!authenticated(f))
		return 0;
	if (f->hdr_unparsed != NULL) {
		snprintf(what, sizeof(what), "%.120s", f->hdr_unparsed);
		policy_not_yours(c, f->auth_login, what, h->detail,
		    sizeof(h->detail));
		return 1;
	}
	for (i = 0; i < f->n_hdr_senders; i++) {
		const struct header_sender *hs = &f->hdr_senders[i];

		if (owns(c, f->auth_login, &hs->addr))
			continue;
		if (addr_format(&hs->addr, text, sizeof(text)) < 0)
			snprintf(text, sizeof(text), "an address");
		snprintf(what, sizeof(what), "%s: %.100s is not yours",
		    hs->field, text);
		policy_not_yours(c, f->auth_login, what, h->detail,
		    sizeof(h->detail));
		h->strike = 1;
		return 1;
	}
	return 0;
}

/* rate_who - who a RateLimit line counts in this session: the login, or
 * the client address (our relays are not counted); NULL: nobody */
static const char *
rate_who(const struct conf *c, const struct facts *f,
    const struct rate_limit *rl, const char *ip_text)
{
	if (rl->scope == RATE_SCOPE_LOGIN)
		return authenticated(f) ? f->auth_login : NULL;
	return f->ip_known && !trusted(c, f) ? ip_text : NULL;
}

/* policy_rate_counters - the RateLimit lines that count at this stage */
size_t
policy_rate_counters(const struct conf *c, const struct facts *f,
    enum stage stage, const char *ip_text, struct rate_fact *out, size_t max)
{
	enum rate_what what = stage == STAGE_MAIL ? RATE_MESSAGES :
	    RATE_RECIPIENTS;
	size_t i, n = 0;

	if (f->role != ROLE_OUTBOUND || (stage != STAGE_MAIL &&
	    stage != STAGE_RCPT) ||
	    c->actions[RULE_OUTBOUND_RATE] == ACTION_OFF)
		return 0;
	for (i = 0; i < c->n_rate_limits && n < max; i++) {
		const struct rate_limit *rl = &c->rate_limits[i];
		const char *who;

		if (rl->what != what ||
		    (who = rate_who(c, f, rl, ip_text)) == NULL)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].limit = rl;
		out[n].who = who;
		n++;
	}
	return n;
}

/* needs_rate - the counters of this stage: messages at MAIL, recipients
 * at RCPT */
static unsigned
needs_rate(const struct conf *c, const struct facts *f, enum stage stage)
{
	struct rate_fact r[CONF_RATE_LIMITS_MAX];

	if (policy_rate_counters(c, f, stage, "-", r, CONF_RATE_LIMITS_MAX) == 0)
		return 0;
	return stage == STAGE_MAIL ? NEED_RATE_MESSAGES : NEED_RATE_RECIPIENTS;
}

/* check_rate - a login or IP over one of its RateLimit lines */
static int
check_rate(const struct conf *c, const struct facts *f, struct hit *h)
{
	char window[32], retry[32];
	size_t i;

	if (f->rates_unknown)
		return state_error(c, h,
		    "the sending rate cannot be checked now; try again later");
	for (i = 0; i < f->n_rates; i++) {
		const struct rate_fact *r = &f->rates[i];

		if (r->count <= r->limit->limit)
			continue;
		policy_span(r->limit->window_ms, window, sizeof(window));
		policy_span(r->reset_ms, retry, sizeof(retry));
		snprintf(h->detail, sizeof(h->detail), "%s %.100s: more than %lu "
		    "%s in %s; try again in %s", r->limit->scope == RATE_SCOPE_IP ?
		    "address" : "login", r->who, r->limit->limit,
		    r->limit->what == RATE_MESSAGES ? "messages" : "recipients",
		    window, retry);
		h->strike = f->auth_login != NULL;
		return 1;
	}
	return 0;
}

/* Evaluation order; each rule runs at its own stage (connect and helo
 * rules at MAIL). A rule that reads a looked-up fact has its needs. */
static const struct {
	enum rule_id id;
	rule_fn fn;
	needs_fn needs;		/* NULL: decided on what the MTA said */
} rule_order[] = {
	{RULE_INBOUND_CUSTOMER_DIRECT, check_customer_direct, NULL},
	{RULE_INBOUND_QUARANTINED, check_quarantined, needs_quarantined},
	{RULE_INBOUND_SUBMISSION_PORT, check_submission_port, NULL},
	{RULE_INBOUND_DYNAMIC_IP, check_dynamic_ip, needs_dynamic_ip},
	{RULE_INBOUND_HELO_IMPERSONATION, check_helo_impersonation, NULL},
	{RULE_INBOUND_AUTH, check_inbound_auth, NULL},
	{RULE_INBOUND_OWN_DOMAIN, check_own_domain, NULL},
	{RULE_INBOUND_SPF_FAIL, check_spf, needs_spf},
	{RULE_INBOUND_RELAY, check_relay, NULL},
	{RULE_OUTBOUND_QUARANTINED, check_quarantined, needs_quarantined},
	{RULE_OUTBOUND_OUTSIDER_PORT25, check_outsider_port25, NULL},
	{RULE_OUTBOUND_AUTH_REQUIRED, check_auth_required, NULL},
	{RULE_OUTBOUND_SENDER_MISMATCH, check_sender_mismatch, NULL},
	{RULE_OUTBOUND_HEADER_FROM_MISMATCH, check_header_from_mismatch,
	    needs_header_senders},
	{RULE_OUTBOUND_RATE, check_rate, needs_rate},
};

#define N_RULES	(sizeof(rule_order) / sizeof(rule_order[0]))

/* What one rule did. */
enum outcome {
	OUTCOME_NONE,			/* not decided here, off, or no hit */
	OUTCOME_REPORT,			/* reported; evaluation goes on */
	OUTCOME_ENFORCE,		/* refused; evaluation ends */
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
    enum action would, const struct hit *h)
{
	const struct rule_def *def = rule_get(id);
	const char *code = h->code ? h->code : def->code;
	const char *ecode = h->ecode ? h->ecode : def->ecode;

	memset(v, 0, sizeof(*v));
	v->rule = id;
	v->action = action;
	v->would = would;
	snprintf(v->text, sizeof(v->text), "%s%s%s%s", h->text ? h->text :
	    def->text, h->detail[0] ? " (" : "", h->detail,
	    h->detail[0] ? ")" : "");
	if (would == ACTION_TEMPFAIL && code[0] == '5') {
		snprintf(v->code, sizeof(v->code), "451");
		snprintf(v->ecode, sizeof(v->ecode), "4%s", ecode + 1);
	} else if (would == ACTION_REJECT && code[0] == '4') {
		snprintf(v->code, sizeof(v->code), "550");
		snprintf(v->ecode, sizeof(v->ecode), "5%s", ecode + 1);
	} else {
		snprintf(v->code, sizeof(v->code), "%s", code);
		snprintf(v->ecode, sizeof(v->ecode), "%s", ecode);
	}
}

/* stage_matches - is a rule decided at this evaluation point? */
static int
stage_matches(unsigned rule_stages, enum stage stage)
{
	/* connect and HELO rules are decided at MAIL, with their text */
	if (stage == STAGE_MAIL)
		return (rule_stages & (STAGE_BIT(STAGE_CONNECT) |
		    STAGE_BIT(STAGE_HELO) | STAGE_BIT(STAGE_MAIL))) != 0;
	return (rule_stages & STAGE_BIT(stage)) != 0;
}

/* policy_decided_at - is a rule decided at this stage? */
int
policy_decided_at(enum rule_id id, enum stage stage)
{
	return id < RULE_COUNT && stage_matches(rule_get(id)->stages, stage);
}

/* in_stage - is rule i of rule_order decided for this role and stage,
 * and not switched off? (SPF's action comes with its result) */
static int
in_stage(const struct conf *conf, const struct facts *facts, size_t i,
    enum stage stage)
{
	enum rule_id id = rule_order[i].id;
	const struct rule_def *def = rule_get(id);

	return def->role == facts->role && stage_matches(def->stages, stage) &&
	    (conf->actions[id] != ACTION_OFF || id == RULE_INBOUND_SPF_FAIL);
}

/* evaluate - rule i of rule_order on the facts: its outcome, its
 * action and what it found */
static enum outcome
evaluate(const struct conf *conf, const struct facts *facts, size_t i,
    struct hit *h, enum action *action_r)
{
	enum rule_id id = rule_order[i].id;

	memset(h, 0, sizeof(*h));
	*action_r = conf->actions[id];
	if (!rule_order[i].fn(conf, facts, h))
		return OUTCOME_NONE;
	if (h->action_set)
		*action_r = h->action;
	if (*action_r == ACTION_OFF)
		return OUTCOME_NONE;
	if (*action_r == ACTION_REPORT || conf->mode_report)
		return OUTCOME_REPORT;
	return OUTCOME_ENFORCE;
}

/* policy_decide - evaluate every rule of this stage, in order */
void
policy_decide(const struct conf *conf, const struct facts *facts,
    enum stage stage, struct decision *decision_r)
{
	size_t i;

	decision_r->n_reports = 0;
	memset(&decision_r->final, 0, sizeof(decision_r->final));
	decision_r->final.rule = RULE_NONE;
	decision_r->final.action = ACTION_ACCEPT;
	decision_r->final.would = ACTION_ACCEPT;

	for (i = 0; i < N_RULES; i++) {
		enum rule_id id = rule_order[i].id;
		const struct rule_def *def = rule_get(id);
		enum action action, would;
		struct hit h;

		if (!in_stage(conf, facts, i, stage))
			continue;
		switch (evaluate(conf, facts, i, &h, &action)) {
		case OUTCOME_NONE:
			continue;
		case OUTCOME_REPORT:
			/* what enforcing would do: the rule's default, or
			 * what its own reply says (SPF temperror: 451) */
			would = action != ACTION_REPORT ? action :
			    h.code != NULL ? (h.code[0] == '4' ?
			    ACTION_TEMPFAIL : ACTION_REJECT) :
			    def->default_action;
			if (would == ACTION_REPORT || would == ACTION_OFF)
				would = ACTION_REJECT;
			fill_verdict(&decision_r->reports[decision_r->n_reports++],
			    id, ACTION_REPORT, would, &h);
			continue;
		case OUTCOME_ENFORCE:
			break;
		}
		fill_verdict(&decision_r->final, id, action, action, &h);
		/* the effects: a bot's address is quarantined, a login that
		 * sends as others collects a strike (LoginQuarantine) */
		decision_r->final.quarantine_ip =
		    id == RULE_INBOUND_CUSTOMER_DIRECT && facts->ip_known;
		decision_r->final.strike_login = h.strike &&
		    conf->login_strikes > 0 && authenticated(facts);
		return;
	}
}

/* policy_needs - what this stage must look up (or note) before
 * policy_decide() can answer: the NEED_* bits */
unsigned
policy_needs(const struct conf *conf, const struct facts *facts,
    enum stage stage)
{
	unsigned needs = 0;
	enum action action;
	struct hit h;
	size_t i;

	/* who logs in from where: an alert for the address reaches them */
	if (stage == STAGE_MAIL && facts->role == ROLE_OUTBOUND &&
	    authenticated(facts) && facts->ip_known)
		needs |= NEED_SEEN_LOGIN;
	for (i = 0; i < N_RULES; i++) {
		if (!in_stage(conf, facts, i, stage))
			continue;
		if (rule_order[i].needs != NULL)
			needs |= rule_order[i].needs(conf, facts, stage);
		else if (evaluate(conf, facts, i, &h, &action) ==
		    OUTCOME_ENFORCE)
			break;		/* nothing after it is reached */
	}
	return needs;
}

/* policy_login_quarantine - do this many strikes quarantine the login? */
int
policy_login_quarantine(const struct conf *conf, unsigned long strikes)
{
	return conf->login_strikes > 0 && strikes >= conf->login_strikes;
}
