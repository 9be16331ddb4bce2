/*
 * NAME
 *	ctl_explain 3
 * SUMMARY
 *	isolationctl explain: a hypothetical session through the policy
 *	engine, offline
 * SYNOPSIS
 *	#include "ctl.h"
 *
 *	int ctl_explain(const struct ctl *ctl, int argc, char **argv);
 * DESCRIPTION
 *	Builds the facts a session would have from the options through the
 *	daemon's own facts builder (envelope.h: the same address parser,
 *	port syntax, role choice and store key), then, per stage (MAIL,
 *	RCPT when a recipient is given, end of message), does what the
 *	daemon does: asks the policy engine for the stage's plan
 *	(policy_needs()), prints it, executes what can be executed offline,
 *	and asks policy_decide(). Nothing here decides: the tool shows what
 *	the engine answers.
 *
 *	Offline means: the quarantines are read from the store as the
 *	daemon reads them (--quarantined says yes without asking); the DNS
 *	facts are not looked up (--dynamic says the client is listed or has
 *	a dynamic reverse name, --spf gives the SPF result); counters are
 *	not counted (outbound.rate never applies) and there is no message
 *	(outbound.header_from_mismatch has no From: to compare). A fact
 *	that the plan does not need is not used, given or not, as in the
 *	daemon, which never looks it up: --dynamic for a customer address,
 *	--spf for a trusted relay.
 *
 *	Per stage the engine is asked twice. Once with the configuration
 *	as it is: the verdict, and the rules that reported on the way. Once
 *	with a copy under Mode report, where every rule that applies
 *	reports and evaluation never stops: this shows, in the engine's
 *	own order, the rules that apply but were not reached because an
 *	earlier one refused. The rules of the role decided at that stage
 *	that apply to nothing follow, as "-" or "off". A stage that refuses
 *	ends the transaction: later stages are not evaluated, as in a real
 *	session.
 * DIAGNOSTICS
 *	Returns CTL_OK when every stage accepts, CTL_NO when one refuses
 *	(reject or tempfail), CTL_ERROR on a bad option value and -1 on a
 *	usage error (the caller prints the usage).
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "ctl.h"
#include "envelope.h"
#include "hdraddr.h"
#include "policy.h"

#define COL_RULE	30		/* "outbound.header_from_mismatch" + 1 */
#define COL_OUTCOME	11		/* "not reached" */

/* The options, as given. */
struct explain_args {
	const char *ip;
	const char *port;
	const char *daemon;
	const char *helo;
	const char *auth;
	const char *from;
	const char *rcpt;
	const char *role;
	const char *spf;
	const char *quarantined;	/* flags: non-NULL when given */
	const char *dynamic;
	const char *header_from;
};

static const struct {
	const char *name;
	size_t	offset;
	int	flag;			/* takes no value */
} explain_opts[] = {
	{"--ip", offsetof(struct explain_args, ip), 0},
	{"--port", offsetof(struct explain_args, port), 0},
	{"--daemon", offsetof(struct explain_args, daemon), 0},
	{"--helo", offsetof(struct explain_args, helo), 0},
	{"--auth", offsetof(struct explain_args, auth), 0},
	{"--from", offsetof(struct explain_args, from), 0},
	{"--rcpt", offsetof(struct explain_args, rcpt), 0},
	{"--role", offsetof(struct explain_args, role), 0},
	{"--spf", offsetof(struct explain_args, spf), 0},
	{"--quarantined", offsetof(struct explain_args, quarantined), 1},
	{"--dynamic", offsetof(struct explain_args, dynamic), 1},
	{"--header-from", offsetof(struct explain_args, header_from), 0},
};

#define N_OPTS	(sizeof(explain_opts) / sizeof(explain_opts[0]))

/* Everything the facts point into. */
struct session_view {
	struct envelope env;		/* what the MTA would say */
	struct facts f;
	const char *rcpt;		/* --rcpt, set at RCPT */
	struct header_sender hdr[HDRADDR_MAX]; /* --header-from */
	size_t	n_hdr;
	char	hdr_bad[160];
	char	quarantine_why[320];
};

/* parse_args - "--name value", "--name=value" and flags; -1 on misuse */
static int
parse_args(int argc, char **argv, struct explain_args *a)
{
	const char *value, *eq;
	size_t i, len;
	int k;

	memset(a, 0, sizeof(*a));
	for (k = 0; k < argc; k++) {
		eq = strchr(argv[k], '=');
		len = eq != NULL ? (size_t)(eq - argv[k]) : strlen(argv[k]);
		for (i = 0; i < N_OPTS; i++)
			if (strlen(explain_opts[i].name) == len &&
			    strncmp(explain_opts[i].name, argv[k], len) == 0)
				break;
		if (i == N_OPTS || (explain_opts[i].flag && eq != NULL))
			return -1;
		if (explain_opts[i].flag)
			value = "yes";
		else if (eq != NULL)
			value = eq + 1;
		else if (k + 1 < argc)
			value = argv[++k];
		else
			return -1;
		*(const char **)((char *)a + explain_opts[i].offset) = value;
	}
	return 0;
}

/* bad_value - a refused option value, escaped; CTL_ERROR */
static int
bad_value(const char *opt, const char *value, const char *why)
{
	fprintf(stderr, "isolationctl: explain: %s ", opt);
	ctl_escape(stderr, value, 1);
	fprintf(stderr, ": %s\n", why);
	return CTL_ERROR;
}

/* read_quarantine - the store's answer, as the daemon asks it */
static void
read_quarantine(const struct ctl *ctl, struct session_view *v,
    unsigned needs)
{
	const char *login = (needs & NEED_QUARANTINE_LOGIN) != 0 ?
	    v->env.auth : NULL;
	struct store_check c;
	struct store_err err;

	v->f.quarantined = FACT_NO;
	if (ctl->store == NULL) {
		snprintf(v->quarantine_why, sizeof(v->quarantine_why),
		    "assumed not: the state store cannot be opened; "
		    "--quarantined to say yes");
		return;
	}
	memset(&c, 0, sizeof(c));
	c.ip = (needs & NEED_QUARANTINE_IP) != 0 ? v->env.ip_key : NULL;
	c.login = login;
	if (store_check(ctl->store, &c, ctl->now, &err) < 0) {
		v->f.quarantined = FACT_UNKNOWN;
		snprintf(v->quarantine_why, sizeof(v->quarantine_why),
		    "%.200s; OnStateError decides", err.text);
		return;
	}
	if (c.ip_quarantined_r || c.login_quarantined_r)
		v->f.quarantined = FACT_YES;
	snprintf(v->quarantine_why, sizeof(v->quarantine_why),
	    "read from %s: %s%s%s%s%.200s%s%s", store_name(ctl->store),
	    c.ip == NULL ? "" : "ip ", c.ip == NULL ? "" : c.ip,
	    c.ip == NULL ? "" : c.ip_quarantined_r ? " yes" : " no",
	    login == NULL ? "" : c.ip == NULL ? "login " : ", login ",
	    login == NULL ? "" : login, login == NULL ? "" : " ",
	    login == NULL ? "" : c.login_quarantined_r ? "yes" : "no");
}

/* build_facts - the options as the envelope of a session; CTL_OK or error */
static int
build_facts(const struct ctl *ctl, const struct explain_args *a,
    struct session_view *v)
{
	struct envelope_origin o;
	struct ipaddr ip;
	unsigned port;
	char why[128];

	memset(v, 0, sizeof(*v));
	memset(&o, 0, sizeof(o));
	if (a->ip != NULL) {
		if (ip_parse(a->ip, &ip) < 0)
			return bad_value("--ip", a->ip, "not an IP address");
		o.ip = &ip;
	}
	if (a->port != NULL && envelope_port(a->port, &port) < 0)
		return bad_value("--port", a->port, "not a port number");
	o.daemon_port = a->port;
	o.daemon_name = a->daemon;
	envelope_connect(&v->env, ctl->conf, "explain", &o);
	if (a->role != NULL && (role_parse(a->role, &v->env.role) < 0 ||
	    v->env.role == ROLE_AUTO))
		return bad_value("--role", a->role, "not inbound or outbound");
	if (a->helo != NULL)
		envelope_helo(&v->env, a->helo);
	if (envelope_mail(&v->env, a->from, a->auth, why, sizeof(why)) < 0)
		return bad_value("--auth", a->auth, why);
	if (a->spf != NULL && spf_result_parse(a->spf, &v->f.spf) < 0)
		return bad_value("--spf", a->spf, "not an SPF result "
		    "(pass, fail, softfail, neutral, none, temperror, "
		    "permerror)");
	v->rcpt = a->rcpt;
	if (a->header_from != NULL) {
		struct addr found[HDRADDR_MAX];
		const char *bad = NULL;
		size_t i;

		/* as the daemon reads a From: header */
		if (hdraddr_parse(a->header_from, found, HDRADDR_MAX, &v->n_hdr,
		    &bad) < 0 || v->n_hdr == 0) {
			snprintf(v->hdr_bad, sizeof(v->hdr_bad), "unreadable "
			    "From: header (%s)", bad != NULL ? bad : "no mailbox");
			v->n_hdr = 0;
		}
		for (i = 0; i < v->n_hdr; i++) {
			v->hdr[i].field = "From";
			v->hdr[i].addr = found[i];
		}
	}
	return CTL_OK;
}

/* show_fact - one line of the session's description */
static void
show_fact(const char *name, const char *value, const char *note)
{
	printf("  %-12s ", name);
	ctl_escape(stdout, value != NULL ? value : "-", 1);
	if (note != NULL) {
		fputs(" (", stdout);
		ctl_escape(stdout, note, 1);
		fputc(')', stdout);
	}
	fputc('\n', stdout);
}

/* show_session - the envelope, before the stages */
static void
show_session(const struct ctl *ctl, const struct explain_args *a,
    const struct session_view *v)
{
	const struct envelope *e = &v->env;

	printf("session (offline: no DNS, no rate counters, no message)\n");
	show_fact("role", role_name(e->role), a->role != NULL ? "--role" :
	    "from --daemon and --port, as the daemon chooses");
	show_fact("client", e->ip_known ? e->ip_text : NULL, e->ip_known &&
	    strcmp(e->ip_key, e->ip_text) != 0 ? "its IPv6Prefix network in "
	    "the store" : NULL);
	if (e->ip_known && strcmp(e->ip_key, e->ip_text) != 0)
		show_fact("store key", e->ip_key, NULL);
	show_fact("port", a->port, NULL);
	show_fact("daemon", a->daemon, NULL);
	show_fact("helo", a->helo, NULL);
	show_fact("auth", e->auth[0] ? e->auth : NULL, NULL);
	show_fact("from", a->from, a->from != NULL && !e->from_ok ?
	    e->from_why : NULL);
	if (ctl->conf->mode_report)
		show_fact("mode", "report", "every refusal is logged and "
		    "the mail accepted");
}

/* execute - what the daemon would look up at this stage, done offline:
 * the plan shown, the facts it needs set */
static void
execute(const struct ctl *ctl, const struct explain_args *a,
    struct session_view *v, enum stage stage, unsigned needs)
{
	char text[NEEDS_TEXT_MAX];
	struct facts *f = &v->f;

	printf("  %-12s %s\n", "needs", policy_needs_format(needs, text,
	    sizeof(text)));
	if ((needs & (NEED_QUARANTINE_IP | NEED_QUARANTINE_LOGIN)) != 0) {
		if (a->quarantined != NULL) {
			f->quarantined = FACT_YES;
			snprintf(v->quarantine_why, sizeof(v->quarantine_why),
			    "given with --quarantined");
		} else
			read_quarantine(ctl, v, needs);
		show_fact("quarantined", f->quarantined == FACT_YES ? "yes" :
		    f->quarantined == FACT_NO ? "no" : "unknown",
		    v->quarantine_why);
	}
	if ((needs & (NEED_DNSBL | NEED_PTR)) != 0) {
		f->dynamic = a->dynamic != NULL ? FACT_YES : FACT_NO;
		f->dynamic_why = a->dynamic != NULL ? "given with --dynamic" :
		    NULL;
		show_fact("dynamic", a->dynamic != NULL ? "yes" : "no",
		    a->dynamic != NULL ? "given with --dynamic" :
		    "no DNS: --dynamic to say yes");
	} else if (stage == STAGE_MAIL && a->dynamic != NULL)
		show_fact("dynamic", "not used", "the plan does not look the "
		    "client up in DNS, so --dynamic changes nothing");
	if ((needs & NEED_SPF) != 0) {
		f->spf_checked = a->spf != NULL;
		f->spf_why = a->spf != NULL ? "given with --spf" : NULL;
		show_fact("spf", a->spf != NULL ? spf_result_name(f->spf) : NULL,
		    a->spf != NULL ? "given with --spf" :
		    "not checked: --spf RESULT to give one");
	} else if (stage == STAGE_MAIL && a->spf != NULL)
		show_fact("spf", "not used", "the plan checks no SPF here, so "
		    "--spf changes nothing");
	if ((needs & (NEED_RATE_MESSAGES | NEED_RATE_RECIPIENTS)) != 0)
		show_fact("counters", "not counted", "offline: outbound.rate "
		    "never applies");
	if ((needs & NEED_HEADER_SENDERS) != 0) {
		f->hdr_senders = v->hdr;
		f->n_hdr_senders = v->n_hdr;
		f->hdr_unparsed = v->hdr_bad[0] ? v->hdr_bad : NULL;
		show_fact("header from", a->header_from, a->header_from == NULL ?
		    "no message: --header-from to give one" : v->hdr_bad[0] ?
		    v->hdr_bad : NULL);
	}
}

/* show_row - one rule: its id, what it did, and the reply */
static void
show_row(const char *rule, const char *outcome, const struct verdict *v,
    const char *note)
{
	printf("  %-*s %-*s ", COL_RULE, rule, COL_OUTCOME, outcome);
	if (v != NULL) {
		if (v->action == ACTION_REPORT)
			printf("would=%s ", action_name(v->would));
		printf("%s %s ", v->code, v->ecode);
		ctl_escape(stdout, v->text, 1);
	} else
		fputs(note, stdout);
	fputc('\n', stdout);
}

/* find_report - the report verdict of a rule in a decision, or NULL */
static const struct verdict *
find_report(const struct decision *d, enum rule_id id)
{
	size_t i;

	for (i = 0; i < d->n_reports; i++)
		if (d->reports[i].rule == id)
			return &d->reports[i];
	return NULL;
}

/* show_stage - every rule of the role at one stage; 1 if it refused */
static int
show_stage(const struct ctl *ctl, const struct explain_args *a,
    struct session_view *v, enum stage stage)
{
	const struct facts *f = &v->f;
	const char *ip_key = v->env.ip_known ? v->env.ip_key : NULL;
	struct conf survey_conf = *ctl->conf;
	int shown[RULE_COUNT] = {0};
	struct decision real, survey;
	const struct verdict *rv;
	char note[64];
	size_t i;
	int id;

	printf("\nstage %s\n", stage_name(stage));
	execute(ctl, a, v, stage, policy_needs(ctl->conf, f, stage));
	policy_decide(ctl->conf, f, stage, &real);
	/* a shallow copy: policy_decide() only reads the configuration */
	survey_conf.mode_report = 1;
	policy_decide(&survey_conf, f, stage, &survey);

	printf("  %-*s %-*s %s\n", COL_RULE, "rule", COL_OUTCOME, "outcome",
	    "reply");
	for (i = 0; i < survey.n_reports; i++) {
		id = survey.reports[i].rule;
		shown[id] = 1;
		if (real.final.rule == (enum rule_id)id)
			show_row(rule_name(id), action_name(real.final.action),
			    &real.final, NULL);
		else if ((rv = find_report(&real, (enum rule_id)id)) != NULL)
			show_row(rule_name(id), "report", rv, NULL);
		else
			show_row(rule_name(id), "not reached",
			    &survey.reports[i], NULL);
	}
	for (id = 0; id < RULE_COUNT; id++) {
		const struct rule_def *def = rule_get((enum rule_id)id);

		if (shown[id] || def->role != f->role ||
		    !policy_decided_at((enum rule_id)id, stage))
			continue;
		snprintf(note, sizeof(note), "Action.%s off", def->id);
		if (ctl->conf->actions[id] == ACTION_OFF)
			show_row(def->id, "off", NULL, note);
		else
			show_row(def->id, "-", NULL, "does not apply");
	}
	if (real.final.action == ACTION_ACCEPT) {
		printf("  => accept\n");
		return 0;
	}
	printf("  => %s %s %s ", action_name(real.final.action),
	    real.final.code, real.final.ecode);
	ctl_escape(stdout, real.final.text, 1);
	printf(" [%s]\n", rule_name(real.final.rule));
	if (real.final.quarantine_ip && ip_key != NULL)
		printf("  => and the daemon quarantines ip %s for %lus "
		    "(QuarantineTTL)\n", ip_key,
		    ctl->conf->quarantine_ttl_ms / 1000);
	if (real.final.strike_login && f->auth_login != NULL) {
		fputs("  => and the daemon counts a strike against login ",
		    stdout);
		ctl_escape(stdout, f->auth_login, 0);
		printf(" (LoginQuarantine %lu/%lus)\n", ctl->conf->login_strikes,
		    ctl->conf->login_strikes_window_ms / 1000);
	}
	printf("\noutcome: refused at %s: %s %s %s by %s\n",
	    stage_name(stage), action_name(real.final.action),
	    real.final.code, real.final.ecode, rule_name(real.final.rule));
	return 1;
}

/* refresh_facts - the envelope's facts, keeping what was looked up */
static void
refresh_facts(struct session_view *v)
{
	struct facts looked = v->f;

	envelope_facts(&v->env, &v->f);
	v->f.quarantined = looked.quarantined;
	v->f.dynamic = looked.dynamic;
	v->f.dynamic_why = looked.dynamic_why;
	v->f.spf_checked = looked.spf_checked;
	v->f.spf = looked.spf;
	v->f.spf_why = looked.spf_why;
}

/* ctl_explain - explain [options]: the rule chain of a hypothetical session */
int
ctl_explain(const struct ctl *ctl, int argc, char **argv)
{
	static const enum stage stages[] = {STAGE_MAIL, STAGE_RCPT, STAGE_EOM};
	struct explain_args a;
	struct session_view v;
	size_t i;
	int rc;

	if (parse_args(argc, argv, &a) < 0)
		return -1;
	if ((rc = build_facts(ctl, &a, &v)) != CTL_OK)
		return rc;
	show_session(ctl, &a, &v);
	for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		if (stages[i] == STAGE_RCPT && a.rcpt == NULL)
			continue;
		/* the recipient is known from RCPT on, as in a session */
		if (stages[i] == STAGE_RCPT)
			envelope_rcpt(&v.env, a.rcpt);
		refresh_facts(&v);
		if (show_stage(ctl, &a, &v, stages[i]))
			return CTL_NO;
	}
	printf("\noutcome: accept\n");
	return CTL_OK;
}
