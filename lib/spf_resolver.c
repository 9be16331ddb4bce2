/*
 * NAME
 *	spf_resolver 3
 * SUMMARY
 *	libspf2's DNS layer over c-ares
 * SYNOPSIS
 *	#include "spf_resolver.h"
 * DESCRIPTION
 *	See spf_resolver.h. libspf2 asks one query at a time and waits for
 *	it (a layer's lookup() returns the answer), so each lookup asks
 *	its query and runs the check's resolver until it is answered or
 *	the deadline passes. One resolver for the whole check, rather than
 *	one per query: the deadline is the check's, and c-ares's socket is
 *	opened once.
 *
 *	libspf2 facts relied on (1.2.10): SPF_dns_rr_new_init() makes an
 *	answer with no records; SPF_dns_rr_buf_realloc(rr, i, len) makes
 *	record i at least len octets (and room for the union), and
 *	SPF_dns_rr_free() frees every record so made, whatever num_rr says;
 *	a layer with a destroy hook is freed by SPF_dns_free().
 */
#include "config.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include <ares.h>
#include <spf2/spf.h>

#include "log.h"
#include "resolver.h"
#include "spf_resolver.h"

/* the check running in this thread */
struct check_call {
	int	active;
	unsigned long deadline_ms;
	struct resolver *r;		/* made at the first query */
};

/* one lookup */
struct spf_lookup {
	SPF_dns_server_t *layer;
	const char *domain;
	ns_type	type;
	SPF_dns_rr_t *rr;		/* NULL: failed */
};

static __thread struct check_call check;

/* rr_add - room for record n of len octets in rr; 0, or -1 */
static int
rr_add(SPF_dns_rr_t *rr, int n, size_t len)
{
	return SPF_dns_rr_buf_realloc(rr, n, len) == SPF_E_SUCCESS ? 0 : -1;
}

/* fill_addrs - the A or AAAA records; 0, or an ares status */
static int
fill_addrs(SPF_dns_rr_t *rr, const unsigned char *answer, int len)
{
	struct hostent *host = NULL;
	size_t size = rr->rr_type == ns_t_a ? sizeof(struct in_addr) :
	    sizeof(struct in6_addr);
	int rc, n;

	rc = rr->rr_type == ns_t_a ?
	    ares_parse_a_reply(answer, len, &host, NULL, NULL) :
	    ares_parse_aaaa_reply(answer, len, &host, NULL, NULL);
	if (rc != ARES_SUCCESS)
		return rc;
	for (n = 0; host->h_addr_list[n] != NULL; n++) {
		if (rr_add(rr, n, size) < 0) {
			rc = ARES_ENOMEM;
			break;
		}
		memcpy(rr->rr[n], host->h_addr_list[n], size);
		rr->num_rr = n + 1;
	}
	ares_free_hostent(host);
	return rc;
}

/* fill_txt - each TXT record as one string, its parts joined */
static int
fill_txt(SPF_dns_rr_t *rr, const unsigned char *answer, int len)
{
	struct ares_txt_ext *txt = NULL, *t, *part, *next;
	size_t total;
	char *p;
	int rc, n = 0;

	if ((rc = ares_parse_txt_reply_ext(answer, len, &txt)) != ARES_SUCCESS)
		return rc;
	for (t = txt; t != NULL; t = next) {
		total = 0;
		for (next = t; next != NULL && (next == t ||
		    !next->record_start); next = next->next)
			total += next->length;
		if (rr_add(rr, n, total + 1) < 0) {
			rc = ARES_ENOMEM;
			break;
		}
		p = rr->rr[n]->txt;
		for (part = t; part != next; part = part->next) {
			memcpy(p, part->txt, part->length);
			p += part->length;
		}
		*p = '\0';
		rr->num_rr = ++n;
	}
	ares_free_data(txt);
	return rc;
}

/* fill_mx - the MX hosts */
static int
fill_mx(SPF_dns_rr_t *rr, const unsigned char *answer, int len)
{
	struct ares_mx_reply *mx = NULL, *m;
	int rc, n = 0;

	if ((rc = ares_parse_mx_reply(answer, len, &mx)) != ARES_SUCCESS)
		return rc;
	for (m = mx; m != NULL; m = m->next) {
		if (rr_add(rr, n, strlen(m->host) + 1) < 0) {
			rc = ARES_ENOMEM;
			break;
		}
		strcpy(rr->rr[n]->mx, m->host);
		rr->num_rr = ++n;
	}
	ares_free_data(mx);
	return rc;
}

/* ptr_add - one PTR name into the answer (resolver_ptr_names) */
static void
ptr_add(void *arg, const char *name)
{
	SPF_dns_rr_t *rr = arg;

	if (rr->herrno != NETDB_SUCCESS ||
	    rr_add(rr, rr->num_rr, strlen(name) + 1) < 0) {
		rr->herrno = TRY_AGAIN;
		return;
	}
	strcpy(rr->rr[rr->num_rr]->ptr, name);
	rr->num_rr++;
}

/* fill - the records of an answer into rr, by type */
static void
fill(SPF_dns_rr_t *rr, const unsigned char *answer, int len)
{
	int rc = ARES_SUCCESS;

	switch (rr->rr_type) {
	case ns_t_a:
	case ns_t_aaaa:
		rc = fill_addrs(rr, answer, len);
		break;
	case ns_t_txt:
		rc = fill_txt(rr, answer, len);
		break;
	case ns_t_mx:
		rc = fill_mx(rr, answer, len);
		break;
	case ns_t_ptr:
		if (resolver_ptr_names(answer, len, ptr_add, rr) < 0)
			rc = ARES_EBADRESP;
		break;
	default:
		break;
	}
	if (rc == ARES_ENODATA)
		rr->herrno = NO_DATA;
	else if (rc != ARES_SUCCESS)
		rr->herrno = TRY_AGAIN;
	if (rr->herrno != NETDB_SUCCESS)
		rr->num_rr = 0;
}

/* answered - the resolver's answer into an SPF_dns_rr_t */
static void
answered(void *arg, enum resolver_status st, const char *why,
    const unsigned char *answer, int len)
{
	struct spf_lookup *lk = arg;
	SPF_dns_stat_t herrno;

	switch (st) {
	case RESOLVER_OK:
		herrno = NETDB_SUCCESS;
		break;
	case RESOLVER_NODATA:
		herrno = NO_DATA;
		break;
	case RESOLVER_NXDOMAIN:
		herrno = HOST_NOT_FOUND;
		break;
	default:
		log_debug("spf: %s: %s", lk->domain, why ? why : "failed");
		herrno = TRY_AGAIN;
		break;
	}
	lk->rr = SPF_dns_rr_new_init(lk->layer, lk->domain, lk->type, 0,
	    herrno);
	if (lk->rr != NULL && st == RESOLVER_OK)
		fill(lk->rr, answer, len);
}

/* spf_resolver_lookup - one query, within what is left of the check */
static SPF_dns_rr_t *
spf_resolver_lookup(SPF_dns_server_t *layer, const char *domain,
    ns_type type, int should_cache)
{
	struct spf_lookup lk;
	unsigned long now;
	char err[256];

	(void)should_cache;
	memset(&lk, 0, sizeof(lk));
	lk.layer = layer;
	lk.domain = domain;
	lk.type = type;
	if (check.active && check.r == NULL) {
		now = resolver_clock_ms();
		check.r = resolver_new(now < check.deadline_ms ?
		    (unsigned)(check.deadline_ms - now) : 0, err,
		    sizeof(err));
		if (check.r == NULL)
			log_warnx("spf: no resolver: %s", err);
	}
	if (check.r != NULL) {
		resolver_query(check.r, domain, type, answered, &lk);
		resolver_wait(check.r, NULL, NULL);
	}
	if (lk.rr == NULL)
		lk.rr = SPF_dns_rr_new_init(layer, domain, type, 0, TRY_AGAIN);
	return lk.rr;
}

/* spf_resolver_free - destroy hook */
static void
spf_resolver_free(SPF_dns_server_t *layer)
{
	free(layer);
}

/* spf_resolver_new - the layer */
SPF_dns_server_t *
spf_resolver_new(void)
{
	SPF_dns_server_t *layer;

	if ((layer = calloc(1, sizeof(*layer))) == NULL)
		return NULL;
	layer->destroy = spf_resolver_free;
	layer->lookup = spf_resolver_lookup;
	layer->name = "c-ares";
	return layer;
}

/* spf_resolver_begin - a check starts in this thread */
void
spf_resolver_begin(unsigned timeout_ms)
{
	spf_resolver_end();
	check.active = 1;
	check.deadline_ms = resolver_clock_ms() + timeout_ms;
}

/* spf_resolver_end - the check is over: close its resolver */
void
spf_resolver_end(void)
{
	resolver_free(check.r);
	check.r = NULL;
	check.active = 0;
}
