/*
 * NAME
 *	spf_input 3
 * SUMMARY
 *	what libspf2 is handed: identities and DNS answers
 * SYNOPSIS
 *	#include "spf_input.h"
 * DESCRIPTION
 *	See spf_input.h. How the guard tells a term's own query from the
 *	address lookups of an MX or PTR answer: the answer's names are
 *	kept, and an A or AAAA query for one of them, each used once, is
 *	part of that answer's term; any other query ends the list. libspf2
 *	looks the names up right after the answer, one by one.
 *
 *	libspf2 facts relied on (1.2.10): SPF_server_get_record() and
 *	SPF_request_get_exp() call the top layer's get_spf and get_exp
 *	when set; the get_exp hook gets the domain in *bufp, a malloc'ed
 *	buffer, and its answer is the explanation as it is; a record's
 *	final result is set in the check's own response (redirects share
 *	it, includes get their own) before its explanation is asked for,
 *	and nothing is looked up after that; an rr's num_rr may shrink
 *	(it is freed by rr_buf_num); an SPF_macro_t's data follows it.
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <spf2/spf.h>

#include "log.h"
#include "spf_input.h"
#include "spf_record.h"

#define EXPAND_MAX	10	/* names of an MX or PTR answer (libspf2's) */

/* the layer's own settings (its hook) */
struct guard_conf {
	unsigned long (*clock_ms)(void);
};

/* one check in this thread */
struct guard_call {
	const SPF_dns_server_t *layer;	/* NULL: no check running */
	const struct guard_conf *conf;
	SPF_request_t *req;
	SPF_response_t *resp;		/* the check's own response */
	long	timeout_ms;		/* negative: no deadline */
	unsigned long start_ms;
	int	deadline_hit;
	int	in_exp;			/* fetching the explanation */
	int	family;
	unsigned char client[16];
	unsigned records;		/* SPF records fetched */
	unsigned lookups;		/* terms that queried DNS */
	unsigned voids;
	int	refused;
	char	refusal[256];
	struct {
		char	name[SPF_DOMAIN_MAX + 1];	/* "": not a name */
		int	used;
	} expand[EXPAND_MAX];		/* names of the last MX/PTR answer */
	unsigned nexpand;
	int	expand_any;		/* they came from an "any" term */
	char	cur_dom[SPF_LOOKUPS_MAX + 1][SPF_DOMAIN_MAX + 1];
};

static __thread struct guard_call guard;


/*
 * spf_domain_check - NULL when d (len bytes, no final dot) is a usable
 * DNS name, otherwise why not.
 */
static const char *
spf_domain_check(const char *d, size_t len)
{
	size_t i, label = 0, labels = 1;
	unsigned char c;

	if (len == 0)
		return "is empty";
	for (i = 0; i < len; i++)
		if ((unsigned char)d[i] >= 0x80)
			return "is not ASCII";
	for (i = 0; i < len; i++)
		if ((unsigned char)d[i] < 0x20 || d[i] == 0x7f)
			return "contains control characters";
	if (len > SPF_DOMAIN_MAX)
		return "is too long";
	for (i = 0; i < len; i++) {
		c = (unsigned char)d[i];
		if (c == '.') {
			if (label == 0)
				return "has an empty label";
			label = 0;
			labels++;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return "is not a host name";
		if (++label > SPF_LABEL_MAX)
			return "has a label over 63 characters";
	}
	if (label == 0)
		return "has an empty label";
	if (labels < 2)
		return "is not fully qualified";
	return NULL;
}

/* spf_domain_len - length of d without one final dot */
static size_t
spf_domain_len(const char *d)
{
	size_t len = strlen(d);

	if (len > 1 && d[len - 1] == '.')
		len--;
	return len;
}

/* spf_helo_usable - can HELO be the domain of postmaster@HELO? */
int
spf_helo_usable(const char *helo)
{
	const unsigned char *p;

	if (helo == NULL || *helo == '\0' || strlen(helo) > SPF_HELO_MAX)
		return 0;
	for (p = (const unsigned char *)helo; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return 0;
	return 1;
}

/*
 * spf_helo_macro - the HELO that %{h} expands to: as given, each octet
 * outside printable ASCII a space; NULL when none or longer than len - 1
 */
const char *
spf_helo_macro(const char *helo, char *buf, size_t len)
{
	size_t i, n;

	if (helo == NULL || *helo == '\0' || (n = strlen(helo)) >= len)
		return NULL;
	for (i = 0; i < n; i++)
		buf[i] = (unsigned char)helo[i] < 0x20 ||
		    (unsigned char)helo[i] >= 0x7f ? ' ' : helo[i];
	buf[n] = '\0';
	return buf;
}

/* spf_local_usable - can the local part be used as %{l}? */
static int
spf_local_usable(const char *local, size_t len)
{
	size_t i;

	if (len == 0 || len > SPF_LOCAL_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)local[i] <= 0x20 ||
		    (unsigned char)local[i] >= 0x7f)
			return 0;
	return 1;
}

/* spf_identity - env_from for the check; NULL and why when none */
const char *
spf_identity(const char *helo, const char *sender, char *buf, size_t len,
    char *why, size_t why_len)
{
	const char *at, *domain, *local, *bad;
	size_t dlen, llen;

	if (sender != NULL && *sender != '\0') {
		at = strrchr(sender, '@');
		domain = at ? at + 1 : sender;
		dlen = spf_domain_len(domain);
		if ((bad = spf_domain_check(domain, dlen)) != NULL) {
			snprintf(why, why_len, "sender domain %s", bad);
			return NULL;
		}
		/* %{l} only: a strange local part must not dodge the check */
		local = sender;
		llen = at ? (size_t)(at - sender) : 0;
		if (!spf_local_usable(local, llen)) {
			local = "postmaster";
			llen = strlen(local);
		}
	} else {
		if (!spf_helo_usable(helo)) {
			snprintf(why, why_len,
			    "null sender and no usable HELO");
			return NULL;
		}
		domain = helo;
		dlen = spf_domain_len(domain);
		if ((bad = spf_domain_check(domain, dlen)) != NULL) {
			snprintf(why, why_len, "null sender and HELO %s",
			    bad);
			return NULL;
		}
		local = "postmaster";
		llen = strlen(local);
	}
	snprintf(buf, len, "%.*s@%.*s", (int)llen, local, (int)dlen, domain);
	return buf;
}


/* guard_refuse - a rule of ours makes the check a permerror */
static void __attribute__((format(printf, 1, 2)))
guard_refuse(const char *fmt, ...)
{
	va_list ap;

	if (guard.refused)
		return;
	guard.refused = 1;
	va_start(ap, fmt);
	vsnprintf(guard.refusal, sizeof(guard.refusal), fmt, ap);
	va_end(ap);
	log_debug("spf: permerror: %s", guard.refusal);
}

/* guard_time_left - may another query start? */
static int
guard_time_left(int quiet)
{
	if (guard.timeout_ms < 0)
		return 1;
	if (guard.deadline_hit)
		return 0;
	if (guard.conf->clock_ms() - guard.start_ms <
	    (unsigned long)guard.timeout_ms)
		return 1;
	if (!quiet)
		guard.deadline_hit = 1;
	return 0;
}

/* guard_answer - an answer of ours, with no records */
static SPF_dns_rr_t *
guard_answer(SPF_dns_server_t *layer, const char *name, ns_type type,
    int herrno)
{
	return SPF_dns_rr_new_init(layer, name, type, 0, herrno);
}

/*
 * guard_query - one query below while time is left; every failure but
 * "no such name" and "no data" becomes TRY_AGAIN, an empty success
 * NO_DATA; a failure once the time is spent is the deadline's
 */
static SPF_dns_rr_t *
guard_query(SPF_dns_server_t *layer, const char *name, ns_type type,
    int quiet)
{
	SPF_dns_rr_t *rr;

	if (!guard_time_left(quiet)) {
		log_debug("spf: deadline spent, not looking up %s", name);
		return guard_answer(layer, name, type, TRY_AGAIN);
	}
	if ((rr = SPF_dns_lookup(layer->layer_below, name, type, 1)) == NULL)
		rr = guard_answer(layer, name, type, TRY_AGAIN);
	if (rr == NULL)
		return NULL;
	if (rr->herrno == NETDB_SUCCESS && rr->num_rr == 0)
		rr->herrno = NO_DATA;
	else if (rr->herrno != NETDB_SUCCESS && rr->herrno != HOST_NOT_FOUND &&
	    rr->herrno != NO_DATA)
		rr->herrno = TRY_AGAIN;
	if (rr->herrno == TRY_AGAIN && !guard_time_left(quiet))
		log_debug("spf: %s: no answer before the deadline", name);
	return rr;
}

/*
 * guard_name - domain as a query name in buf (len octets): the mark
 * and a final dot off, cut from the left to 253 octets; 1, or 0 when
 * it cannot be a DNS name (buf "")
 */
static int
guard_name(const char *domain, char *buf, size_t len, int *any)
{
	size_t n = strlen(domain), start = 0, label = 0, i;
	const char *dot;
	unsigned char c;

	buf[0] = '\0';
	*any = n > 0 && domain[n - 1] == SPF_ANY_MARK;
	n -= (size_t)*any;
	if (n > 0 && domain[n - 1] == '.')
		n--;
	while (n - start > SPF_DOMAIN_MAX) {
		if ((dot = memchr(domain + start, '.', n - start)) == NULL)
			return 0;
		start = (size_t)(dot - domain) + 1;
	}
	if (n == start || n - start >= len)
		return 0;
	for (i = start; i < n; i++) {
		c = (unsigned char)domain[i];
		if (c == '.' && label == 0)
			return 0;
		if (c == '.')
			label = 0;
		else if (c < 0x20 || c >= 0x7f || ++label > SPF_LABEL_MAX)
			return 0;
	}
	memcpy(buf, domain + start, n - start);
	buf[n - start] = '\0';
	return 1;
}

/* guard_any - an answer with addresses for a /0 term: the client's */
static void
guard_any(SPF_dns_rr_t *rr, ns_type type)
{
	if (rr->herrno != NETDB_SUCCESS || rr->num_rr < 1 ||
	    type != (guard.family == AF_INET ? ns_t_a : ns_t_aaaa))
		return;
	rr->num_rr = 1;
	if (guard.family == AF_INET)
		memcpy(&rr->rr[0]->a, guard.client, sizeof(rr->rr[0]->a));
	else
		memcpy(&rr->rr[0]->aaaa, guard.client,
		    sizeof(rr->rr[0]->aaaa));
}

/* guard_expansion_set - keep the names of an MX or PTR answer */
static void
guard_expansion_set(SPF_dns_rr_t *rr, int any)
{
	int i, a;

	if (rr->rr_type == ns_t_ptr && rr->num_rr > EXPAND_MAX) {
		log_debug("spf: %s: %d PTR names, the first %d used",
		    rr->domain, rr->num_rr, EXPAND_MAX);
		rr->num_rr = EXPAND_MAX;
	}
	guard.expand_any = any;
	for (i = 0; i < rr->num_rr && guard.nexpand < EXPAND_MAX; i++) {
		guard_name(rr->rr[i]->ptr, guard.expand[guard.nexpand].name,
		    sizeof(guard.expand[0].name), &a);
		guard.expand[guard.nexpand++].used = 0;
	}
}

/* guard_expansion_take - name is an unused name of that answer */
static int
guard_expansion_take(const char *name)
{
	unsigned i;

	for (i = 0; i < guard.nexpand; i++) {
		if (!guard.expand[i].used &&
		    strcasecmp(guard.expand[i].name, name) == 0) {
			guard.expand[i].used = 1;
			return 1;
		}
	}
	return 0;
}

/* guard_expanded - the address query of an MX host or PTR name */
static SPF_dns_rr_t *
guard_expanded(SPF_dns_server_t *layer, const char *domain,
    const char *name, ns_type type)
{
	SPF_dns_rr_t *rr;

	if (name[0] == '\0')
		return guard_answer(layer, domain, type, HOST_NOT_FOUND);
	rr = guard_query(layer, name, type, 0);
	if (rr->herrno == TRY_AGAIN && !guard.deadline_hit) {
		log_debug("spf: %s: lookup failed, name skipped", name);
		SPF_dns_rr_free(rr);
		rr = guard_answer(layer, name, type, NO_DATA);
	}
	if (guard.expand_any)
		guard_any(rr, type);
	return rr;
}

/* guard_lookup - every query but SPF records and explanations */
static SPF_dns_rr_t *
guard_lookup(SPF_dns_server_t *layer, const char *domain, ns_type type,
    int should_cache)
{
	char name[SPF_DOMAIN_MAX + 1];
	int any, ok;
	SPF_dns_rr_t *rr;

	if (guard.layer != layer)
		return SPF_dns_lookup(layer->layer_below, domain, type,
		    should_cache);
	ok = guard_name(domain, name, sizeof(name), &any);
	if (guard.in_exp)
		return ok ? guard_query(layer, name, type, 1) :
		    guard_answer(layer, domain, type, HOST_NOT_FOUND);
	if (guard.refused || guard.deadline_hit)
		return guard_answer(layer, domain, type, TRY_AGAIN);
	if ((type == ns_t_a || type == ns_t_aaaa) &&
	    guard_expansion_take(name))
		return guard_expanded(layer, domain, name, type);
	guard.nexpand = 0;
	if (++guard.lookups > SPF_LOOKUPS_MAX) {
		guard_refuse("more than %d DNS lookups", SPF_LOOKUPS_MAX);
		return guard_answer(layer, domain, type, TRY_AGAIN);
	}
	rr = ok ? guard_query(layer, name, type, 0) :
	    guard_answer(layer, domain, type, HOST_NOT_FOUND);
	if (type == ns_t_ptr && rr->herrno == TRY_AGAIN &&
	    !guard.deadline_hit) {
		/* 5.5: a DNS error on the PTR lookup is no match */
		log_debug("spf: %s: PTR lookup failed, no match", name);
		SPF_dns_rr_free(rr);
		return guard_answer(layer, name, type, NO_DATA);
	}
	if (rr->herrno == HOST_NOT_FOUND || rr->herrno == NO_DATA) {
		if (++guard.voids > SPF_VOID_MAX)
			guard_refuse("more than %d void DNS lookups (the "
			    "last: %s)", SPF_VOID_MAX, ok ? name : "?");
	} else if (rr->herrno == NETDB_SUCCESS &&
	    (type == ns_t_mx || type == ns_t_ptr)) {
		guard_expansion_set(rr, any);
	} else if (any) {
		guard_any(rr, type);
	}
	return rr;
}

/* guard_result - how a record fetch ended, into the response */
static SPF_errcode_t __attribute__((format(printf, 4, 5)))
guard_result(SPF_response_t *resp, SPF_result_t result, SPF_errcode_t err,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	resp->result = result;
	resp->reason = SPF_REASON_FAILURE;
	SPF_response_add_error(resp, err, "%s", msg);
	return err;
}

/* guard_compile - check, prepare and compile the record of name */
static SPF_errcode_t
guard_compile(SPF_server_t *server, SPF_response_t *resp,
    SPF_record_t **recp, const char *name, const char *txt)
{
	size_t len = strlen(txt), textlen = 3 * SPF_RECORD_MAX;
	char why[256], *text;
	unsigned mechs;
	SPF_errcode_t err;

	if (spf_record_check(txt, len, why, sizeof(why)) < 0) {
		guard_refuse("%s: invalid SPF record: %s", name, why);
		return guard_result(resp, SPF_RESULT_PERMERROR, SPF_E_SYNTAX,
		    "invalid SPF record for '%s': %s", name, why);
	}
	if ((text = malloc(textlen)) == NULL)
		return guard_result(resp, SPF_RESULT_TEMPERROR,
		    SPF_E_NO_MEMORY, "out of memory");
	if (spf_record_prepare(txt, len, guard.family, text, textlen,
	    &mechs) < 0) {
		free(text);
		guard_refuse("%s: SPF record too long", name);
		return guard_result(resp, SPF_RESULT_PERMERROR, SPF_E_BIG_MECH,
		    "SPF record for '%s' too long", name);
	}
	err = SPF_record_compile(server, resp, recp, text);
	free(text);
	if (err != SPF_E_SUCCESS) {
		/* what libspf2 cannot do (e.g. the delimiter ","): permerror */
		resp->result = SPF_RESULT_PERMERROR;
		return err;
	}
	if ((*recp)->num_mech != mechs) {
		guard_refuse("%s: SPF record too large for libspf2 (%u of its "
		    "%u mechanisms compiled)", name, (*recp)->num_mech, mechs);
		SPF_record_free(*recp);
		*recp = NULL;
		return guard_result(resp, SPF_RESULT_PERMERROR, SPF_E_BIG_MECH,
		    "SPF record for '%s' too large", name);
	}
	return SPF_E_SUCCESS;
}

/* guard_get_spf - the SPF record of the request's current domain */
static SPF_errcode_t
guard_get_spf(SPF_server_t *server, SPF_request_t *req,
    SPF_response_t *resp, SPF_record_t **recp)
{
	SPF_dns_server_t *layer = server->resolver;
	char name[SPF_DOMAIN_MAX + 1];
	const char *domain = req->cur_dom, *txt;
	SPF_dns_rr_t *rr;
	int any, i, found = -1, n = 0;
	SPF_errcode_t err;

	*recp = NULL;
	if (guard.layer != layer)
		return guard_result(resp, SPF_RESULT_TEMPERROR,
		    SPF_E_NOT_CONFIG, "no check running");
	if (guard.records++ > 0) {	/* an include or a redirect */
		guard.nexpand = 0;
		if (!guard.refused && ++guard.lookups > SPF_LOOKUPS_MAX)
			guard_refuse("more than %d DNS lookups",
			    SPF_LOOKUPS_MAX);
	}
	if (guard.refused || guard.deadline_hit)
		return guard_result(resp, SPF_RESULT_TEMPERROR,
		    SPF_E_DNS_ERROR, "not looking up '%s'", domain);
	if (!guard_name(domain, name, sizeof(name), &any) || any)
		return guard_result(resp, SPF_RESULT_NONE, SPF_E_NOT_SPF,
		    "'%s' is not a domain name", domain);
	if (strcmp(name, domain) != 0) {
		/* the name libspf2 goes on with: %{d} stays a domain */
		strcpy(guard.cur_dom[guard.records - 1], name);
		req->cur_dom = guard.cur_dom[guard.records - 1];
	}
	rr = guard_query(layer, name, ns_t_txt, 0);
	if (rr->herrno == TRY_AGAIN) {
		SPF_dns_rr_free(rr);
		return guard_result(resp, SPF_RESULT_TEMPERROR,
		    SPF_E_DNS_ERROR, "Temporary DNS failure for '%s'", name);
	}
	for (i = 0; rr->herrno == NETDB_SUCCESS && i < rr->num_rr; i++) {
		txt = rr->rr[i]->txt;
		if (spf_record_is_spf(txt, strlen(txt))) {
			found = i;
			n++;
		}
	}
	if (n == 1)
		err = guard_compile(server, resp, recp, name,
		    rr->rr[found]->txt);
	else if (n > 1)
		err = guard_result(resp, SPF_RESULT_PERMERROR,
		    SPF_E_MULTIPLE_RECORDS, "Multiple SPF records for '%s'",
		    name);
	else
		err = guard_result(resp, SPF_RESULT_NONE, SPF_E_NOT_SPF,
		    "No SPF record for '%s'", name);
	SPF_dns_rr_free(rr);
	return err;
}

/*
 * explain_text - an explanation for libspf2's compiler, each space
 * written "%_" (it mangles a bare space); 0, or -1 when out is small
 */
static int
explain_text(const char *text, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *text != '\0'; text++) {
		if (n + 3 > outlen)
			return -1;
		if (*text == ' ') {
			out[n++] = '%';
			out[n++] = '_';
		} else {
			out[n++] = *text;
		}
	}
	out[n] = '\0';
	return 0;
}

/* guard_explain - the explanation at name, expanded into *bufp */
static SPF_errcode_t
guard_explain(SPF_server_t *server, const char *name, char **bufp,
    size_t *buflenp)
{
	char why[256], text[2 * SPF_EXPLAIN_MAX + 1];
	SPF_dns_rr_t *rr = guard_query(server->resolver, name, ns_t_txt, 1);
	SPF_response_t *scratch = NULL;
	SPF_macro_t *macro = NULL;
	SPF_errcode_t err = SPF_E_NOT_SPF;
	const char *txt;

	if (rr->herrno != NETDB_SUCCESS || rr->num_rr != 1) {
		log_debug("spf: no explanation at %s", name);
		goto out;
	}
	txt = rr->rr[0]->txt;
	if (spf_explain_check(txt, strlen(txt), why, sizeof(why)) < 0 ||
	    explain_text(txt, text, sizeof(text)) < 0) {
		log_debug("spf: explanation at %s not used: %s", name, why);
		goto out;
	}
	if ((scratch = SPF_response_new(guard.req)) == NULL)
		goto out;
	err = SPF_record_compile_macro(server, scratch, &macro, text);
	if (err == SPF_E_SUCCESS)
		err = SPF_record_expand_data(server, guard.req, scratch,
		    (SPF_data_t *)(void *)((char *)macro + sizeof(*macro)),
		    macro->macro_len, bufp, buflenp);
	if (err == SPF_E_SUCCESS)
		log_debug("spf: explanation from %s: %zu octets", name,
		    strlen(*bufp));
out:
	if (macro != NULL)
		SPF_macro_free(macro);
	if (scratch != NULL)
		SPF_response_free(scratch);
	SPF_dns_rr_free(rr);
	return err;
}

/* guard_get_exp - the explanation of the final fail, never an error */
static SPF_errcode_t
guard_get_exp(SPF_server_t *server, const char *domain, char **bufp,
    size_t *buflenp)
{
	char name[SPF_DOMAIN_MAX + 1];
	SPF_errcode_t err = SPF_E_NOT_SPF;
	int any;

	/* domain is *bufp: copied before anything is written there */
	if (guard.layer == server->resolver && guard.resp != NULL &&
	    guard.resp->result == SPF_RESULT_FAIL && !guard.refused &&
	    guard_name(domain, name, sizeof(name), &any) && !any) {
		guard.in_exp = 1;
		err = guard_explain(server, name, bufp, buflenp);
		guard.in_exp = 0;
	}
	if (err != SPF_E_SUCCESS && *bufp != NULL && *buflenp > 0)
		(*bufp)[0] = '\0';
	return SPF_E_SUCCESS;
}

/* guard_free - destroy hook; SPF_dns_free() frees the layers below */
static void
guard_free(SPF_dns_server_t *layer)
{
	free(layer->hook);
	free(layer);
}

/* spf_guard_new - the guard layer over below, or NULL */
SPF_dns_server_t *
spf_guard_new(SPF_dns_server_t *below, unsigned long (*clock_ms)(void))
{
	SPF_dns_server_t *layer;
	struct guard_conf *conf;

	if ((layer = calloc(1, sizeof(*layer))) == NULL)
		return NULL;
	if ((conf = calloc(1, sizeof(*conf))) == NULL) {
		free(layer);
		return NULL;
	}
	conf->clock_ms = clock_ms;
	layer->destroy = guard_free;
	layer->lookup = guard_lookup;
	layer->get_spf = guard_get_spf;
	layer->get_exp = guard_get_exp;
	layer->layer_below = below;
	layer->name = "guard";
	layer->hook = conf;
	return layer;
}

/* spf_guard_begin - a check starts in this thread */
void
spf_guard_begin(SPF_dns_server_t *layer, const struct ipaddr *ip,
    long timeout_ms)
{
	memset(&guard, 0, offsetof(struct guard_call, expand));
	guard.nexpand = 0;
	guard.layer = layer;
	guard.conf = layer->hook;
	guard.timeout_ms = timeout_ms;
	guard.family = ip->family;
	memcpy(guard.client, ip->bytes, ip->family == AF_INET ? 4 : 16);
	guard.start_ms = guard.conf->clock_ms();
}

/* spf_guard_request - the check's request and response, once made */
void
spf_guard_request(SPF_request_t *req, SPF_response_t *resp)
{
	guard.req = req;
	guard.resp = resp;
}

/* spf_guard_end - the check is over: how it went */
enum spf_guard_end
spf_guard_end(char *why, size_t len)
{
	enum spf_guard_end end = SPF_GUARD_OK;

	if (guard.refused) {
		end = SPF_GUARD_REFUSED;
		if (why != NULL && len > 0)
			snprintf(why, len, "%s", guard.refusal);
	} else if (guard.deadline_hit) {
		end = SPF_GUARD_DEADLINE;
	}
	guard.layer = NULL;
	guard.req = NULL;
	guard.resp = NULL;
	return end;
}
