/*
 * NAME
 *	dns 3
 * SUMMARY
 *	the client's DNS facts: DNSBL zones and reverse DNS, under one deadline
 * SYNOPSIS
 *	#include "dns.h"
 * DESCRIPTION
 *	See dns.h. One resolver (resolver.h) per call carries every query:
 *	the zones' and the PTR query are asked at once, the forward
 *	lookups from the PTR answer's callback, so that the slowest
 *	answer, not the sum of them, is what a stage waits for. While the
 *	caller works between dns_client_start() and dns_client_finish(),
 *	the answers wait in the resolver's socket; only retransmissions
 *	are late. Results are gathered raw (each query's state) and summed
 *	up when the wait ends; whether the wait may end early is judged
 *	from the raw states in the same order rdns_dynamic() reads them,
 *	so that stopping early never changes the outcome or its reason.
 *
 *	A DNSBL answer filter is compiled into one bit per possible value
 *	of each octet: matching is four bit tests, and the parser that
 *	accepts a filter at -n is the only one there is.
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ares.h>

#include "conf.h"
#include "dns.h"
#include "resolver.h"

#define NAME_TEXT_MAX	DNS_NAME_MAX
#define QNAME_MAX	(64 + NAME_TEXT_MAX + 2)

static const char why_malformed[] = "a malformed answer";
static const char why_refused[] =
    "the list refused to answer (127.255.255.0/24)";
static const char why_no_resolver[] = "no resolver";
static const char why_qname[] = "no query name (zone too long)";

enum fwd_state { FWD_PENDING, FWD_YES, FWD_NO, FWD_UNKNOWN };

/* a zone's query */
struct zone_query {
	struct dns_client *c;
	size_t	i;
	int	pending;
};

/* a PTR name's forward query */
struct fwd_query {
	struct dns_client *c;
	enum fwd_state state;
	const char *error;
};

/* one call, from dns_client_start() to dns_client_finish() */
struct dns_client {
	struct resolver *r;
	struct ipaddr ip;
	const struct dnsbl *zones;
	struct dns_listing *listings;
	struct zone_query *zq;
	size_t	n_zones;
	struct dns_rdns *rdns;		/* NULL: not asked */
	int	forward;
	int	ptr_pending;
	char	names[DNS_MAX_PTR][NAME_TEXT_MAX + 1];
	int	n_names;
	struct fwd_query fq[DNS_MAX_PTR];
};

/* dns_reverse_name - the PTR or DNSBL query name of ip */
int
dns_reverse_name(const struct ipaddr *ip, const char *zone, char *buf,
    size_t len)
{
	char name[64 + NAME_TEXT_MAX + 2];
	static const char hex[] = "0123456789abcdef";
	size_t zlen, n = 0;
	int i;

	if (ip == NULL || buf == NULL)
		return -1;
	if (zone == NULL)
		zone = ip->family == AF_INET ? "in-addr.arpa" : "ip6.arpa";
	zlen = strlen(zone);
	if (zlen > 0 && zone[zlen - 1] == '.')
		zlen--;
	if (zlen == 0 || zlen > NAME_TEXT_MAX)
		return -1;
	if (ip->family == AF_INET) {
		n = (size_t)snprintf(name, sizeof(name), "%u.%u.%u.%u.",
		    ip->bytes[3], ip->bytes[2], ip->bytes[1], ip->bytes[0]);
	} else if (ip->family == AF_INET6) {
		for (i = 15; i >= 0; i--) {
			name[n++] = hex[ip->bytes[i] & 0xf];
			name[n++] = '.';
			name[n++] = hex[ip->bytes[i] >> 4];
			name[n++] = '.';
		}
	} else
		return -1;
	memcpy(name + n, zone, zlen);
	n += zlen;
	name[n] = '\0';
	if (n >= len)
		return -1;
	memcpy(buf, name, n + 1);
	return 0;
}

/* usable_name - copy a PTR target, lower case, no final dot; 0 or -1 */
static int
usable_name(const char *in, char *out, size_t len)
{
	size_t n = strlen(in), i;

	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n == 0 || n > NAME_TEXT_MAX || n >= len)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)in[i]) && in[i] != '-' &&
		    in[i] != '_' && in[i] != '.')
			return -1;
		out[i] = (char)tolower((unsigned char)in[i]);
	}
	out[n] = '\0';
	return 0;
}

/* listing_lists - does a zone's answer pass its filter? */
static int
listing_lists(const struct dns_listing *l, const struct dnsbl_filter *f)
{
	size_t i;

	for (i = 0; l->rc == 1 && i < l->n; i++)
		if (dnsbl_filter_match(f, &l->answers[i]) == 1)
			return 1;
	return 0;
}

/* listing_fill - a zone's A records into l: listed, not, or refused */
static void
listing_fill(struct dns_listing *l, const unsigned char *answer, int len)
{
	struct ares_addrttl got[DNS_MAX_ADDRS];
	const unsigned char *a;
	int n = DNS_MAX_ADDRS, i, rc;

	rc = ares_parse_a_reply(answer, len, NULL, got, &n);
	if (rc == ARES_ENODATA) {
		l->rc = 0;
		return;
	}
	if (rc != ARES_SUCCESS) {
		l->rc = -1;
		l->error = why_malformed;
		return;
	}
	l->rc = 0;
	for (i = 0; i < n; i++) {
		a = (const unsigned char *)&got[i].ipaddr;
		if (a[0] != 127)
			continue;
		if (a[1] == 255 && a[2] == 255) {
			l->rc = -1;
			l->error = why_refused;
			l->n = 0;
			return;
		}
		l->rc = 1;
		if (l->n < DNS_MAX_ANSWERS) {
			memset(&l->answers[l->n], 0, sizeof(l->answers[0]));
			l->answers[l->n].family = AF_INET;
			memcpy(l->answers[l->n++].bytes, a, 4);
		}
	}
}

/* zone_done - a zone answered */
static void
zone_done(void *arg, enum resolver_status st, const char *why,
    const unsigned char *answer, int len)
{
	struct zone_query *z = arg;
	struct dns_listing *l = &z->c->listings[z->i];

	z->pending = 0;
	switch (st) {
	case RESOLVER_OK:
		listing_fill(l, answer, len);
		break;
	case RESOLVER_NODATA:
	case RESOLVER_NXDOMAIN:
		l->rc = 0;
		break;
	default:
		l->rc = -1;
		l->error = why;
		break;
	}
}

/* has_addr - does an A or AAAA answer hold ip? 1, 0, or -1 */
static int
has_addr(const unsigned char *answer, int len, const struct ipaddr *ip)
{
	struct ares_addrttl a4[DNS_MAX_ADDRS];
	struct ares_addr6ttl a6[DNS_MAX_ADDRS];
	int n = DNS_MAX_ADDRS, i, rc;

	if (ip->family == AF_INET)
		rc = ares_parse_a_reply(answer, len, NULL, a4, &n);
	else
		rc = ares_parse_aaaa_reply(answer, len, NULL, a6, &n);
	if (rc == ARES_ENODATA)
		return 0;
	if (rc != ARES_SUCCESS)
		return -1;
	for (i = 0; i < n; i++)
		if (ip->family == AF_INET ?
		    memcmp(&a4[i].ipaddr, ip->bytes, 4) == 0 :
		    memcmp(&a6[i].ip6addr, ip->bytes, 16) == 0)
			return 1;
	return 0;
}

/* fwd_done - a PTR name's addresses answered */
static void
fwd_done(void *arg, enum resolver_status st, const char *why,
    const unsigned char *answer, int len)
{
	struct fwd_query *f = arg;
	int rc;

	switch (st) {
	case RESOLVER_OK:
		rc = has_addr(answer, len, &f->c->ip);
		f->state = rc > 0 ? FWD_YES : rc == 0 ? FWD_NO : FWD_UNKNOWN;
		if (rc < 0)
			f->error = why_malformed;
		break;
	case RESOLVER_NODATA:
	case RESOLVER_NXDOMAIN:
		f->state = FWD_NO;
		break;
	default:
		f->state = FWD_UNKNOWN;
		f->error = why;
		break;
	}
}

/* ptr_name - one PTR target: kept when usable and there is room */
static void
ptr_name(void *arg, const char *name)
{
	struct dns_client *c = arg;

	if (c->n_names < DNS_MAX_PTR &&
	    usable_name(name, c->names[c->n_names], sizeof(c->names[0])) == 0)
		c->n_names++;
}

/* ptr_done - the PTR answer: the names, then their forward queries */
static void
ptr_done(void *arg, enum resolver_status st, const char *why,
    const unsigned char *answer, int len)
{
	struct dns_client *c = arg;
	int i;

	c->ptr_pending = 0;
	switch (st) {
	case RESOLVER_OK:
		if (resolver_ptr_names(answer, len, ptr_name, c) < 0) {
			c->n_names = 0;
			c->rdns->rc = -1;
			c->rdns->error = why_malformed;
			return;
		}
		c->rdns->rc = c->n_names > 0;
		break;
	case RESOLVER_NODATA:
	case RESOLVER_NXDOMAIN:
		c->rdns->rc = 0;
		return;
	default:
		c->rdns->rc = -1;
		c->rdns->error = why;
		return;
	}
	for (i = 0; c->forward && i < c->n_names; i++) {
		c->fq[i].c = c;
		c->fq[i].state = FWD_PENDING;
		resolver_query(c->r, c->names[i], c->ip.family == AF_INET ?
		    ns_t_a : ns_t_aaaa, fwd_done, &c->fq[i]);
	}
}

/*
 * enough - may the wait end? When a listing decides (the first zone in
 * order that lists), or the reverse name does (the first name in order
 * that resolves back), with every zone answered
 */
static int
enough(void *arg)
{
	struct dns_client *c = arg;
	size_t i;
	int k;

	for (i = 0; i < c->n_zones; i++) {
		if (c->zq[i].pending)
			return 0;
		if (listing_lists(&c->listings[i], c->zones[i].filter))
			return 1;
	}
	if (c->rdns == NULL || c->ptr_pending || !c->forward)
		return 0;
	for (k = 0; k < c->n_names; k++) {
		if (c->fq[k].state == FWD_PENDING)
			return 0;
		if (c->fq[k].state == FWD_YES)
			return 1;
	}
	return 0;
}

/* rdns_sum - the reverse name and its confirmation, once the wait ended */
static void
rdns_sum(struct dns_client *c)
{
	struct dns_rdns *d = c->rdns;
	int k, unknown = 0;

	if (d->rc != 1)
		return;
	strcpy(d->name, c->names[0]);
	if (!c->forward)
		return;
	for (k = 0; k < c->n_names; k++) {
		if (c->fq[k].state == FWD_YES) {
			strcpy(d->name, c->names[k]);
			d->confirmed = 1;
			return;
		}
		if (c->fq[k].state != FWD_NO && !unknown) {
			unknown = 1;
			d->forward_error = c->fq[k].error;
		}
	}
	d->confirmed = unknown ? -1 : 0;
	if (!unknown)
		d->forward_error = NULL;
}

/* results_init - every result unknown, with why */
static void
results_init(struct dns_listing *listings, size_t n_zones,
    struct dns_rdns *rdns, const char *why)
{
	size_t i;

	for (i = 0; i < n_zones; i++) {
		memset(&listings[i], 0, sizeof(listings[i]));
		listings[i].rc = -1;
		listings[i].error = why;
	}
	if (rdns != NULL) {
		memset(rdns, 0, sizeof(*rdns));
		rdns->rc = -1;
		rdns->error = why;
		rdns->confirmed = -1;
	}
}

/* dns_client_start - ask the DNSBL listings and reverse name of ip */
struct dns_client *
dns_client_start(const struct ipaddr *ip, const struct dnsbl *zones,
    size_t n_zones, unsigned what, unsigned timeout_ms,
    struct dns_listing *listings, struct dns_rdns *rdns, char *err,
    size_t len)
{
	char qname[QNAME_MAX];
	struct dns_client *c;
	size_t i;

	if (what & DNS_FORWARD)
		what |= DNS_PTR;
	if ((what & DNS_PTR) == 0)
		rdns = NULL;
	else if (rdns == NULL) {
		snprintf(err, len, "no place for the reverse name");
		return NULL;
	}
	if (n_zones > 0 && (zones == NULL || listings == NULL)) {
		snprintf(err, len, "no DNSBL zones or no place for them");
		results_init(NULL, 0, rdns, why_no_resolver);
		return NULL;
	}
	results_init(listings, n_zones, rdns, why_no_resolver);
	if (ip == NULL || (ip->family != AF_INET && ip->family != AF_INET6)) {
		snprintf(err, len, "no client address");
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL || (n_zones > 0 &&
	    (c->zq = calloc(n_zones, sizeof(*c->zq))) == NULL)) {
		free(c);
		snprintf(err, len, "out of memory");
		return NULL;
	}
	if ((c->r = resolver_new(timeout_ms, err, len)) == NULL) {
		free(c->zq);
		free(c);
		return NULL;
	}
	results_init(listings, n_zones, rdns, NULL);
	c->ip = *ip;
	c->zones = zones;
	c->listings = listings;
	c->n_zones = n_zones;
	c->rdns = rdns;
	c->forward = (what & DNS_FORWARD) != 0;
	for (i = 0; i < n_zones; i++) {
		c->zq[i].c = c;
		c->zq[i].i = i;
		if (dns_reverse_name(ip, zones[i].zone, qname,
		    sizeof(qname)) < 0) {
			listings[i].error = why_qname;
			continue;
		}
		c->zq[i].pending = 1;
		resolver_query(c->r, qname, ns_t_a, zone_done, &c->zq[i]);
	}
	if (rdns != NULL && dns_reverse_name(ip, NULL, qname,
	    sizeof(qname)) == 0) {
		c->ptr_pending = 1;
		resolver_query(c->r, qname, ns_t_ptr, ptr_done, c);
	}
	return c;
}

/* dns_client_finish - wait for the answers, fill the results, free c */
void
dns_client_finish(struct dns_client *c)
{
	if (c == NULL)
		return;
	resolver_wait(c->r, enough, c);
	resolver_free(c->r);
	if (c->rdns != NULL)
		rdns_sum(c);
	free(c->zq);
	free(c);
}

/* dns_client - the DNSBL listings and reverse name of ip, at once */
int
dns_client(const struct ipaddr *ip, const struct dnsbl *zones,
    size_t n_zones, unsigned what, unsigned timeout_ms,
    struct dns_listing *listings, struct dns_rdns *rdns, char *err,
    size_t len)
{
	struct dns_client *c;

	if ((c = dns_client_start(ip, zones, n_zones, what, timeout_ms,
	    listings, rdns, err, len)) == NULL)
		return -1;
	dns_client_finish(c);
	return 0;
}

/* One compiled answer filter: the values each octet may take. */
struct dnsbl_filter {
	unsigned char octets[4][256 / 8];
	char	text[];
};

/* filter_number - a decimal 0..255 without leading zeros at *pp */
static int
filter_number(const char **pp, unsigned *v_r, const char **err_r)
{
	const char *p = *pp;
	unsigned v = 0;
	int digits = 0;

	if (!isdigit((unsigned char)*p)) {
		*err_r = "expected a number from 0 to 255";
		return -1;
	}
	if (p[0] == '0' && isdigit((unsigned char)p[1])) {
		*err_r = "a number with a leading zero";
		return -1;
	}
	for (; isdigit((unsigned char)*p); p++, digits++)
		if (digits < 4)
			v = v * 10 + (unsigned)(*p - '0');
	if (v > 255) {
		*err_r = "a number over 255";
		return -1;
	}
	*pp = p;
	*v_r = v;
	return 0;
}

/* filter_set - let an octet take lo..hi */
static void
filter_set(unsigned char *bits, unsigned lo, unsigned hi)
{
	for (; lo <= hi; lo++)
		bits[lo / 8] |= (unsigned char)(1u << (lo % 8));
}

/* filter_list - "[N;N..M;...]" at *pp, the opening bracket seen */
static int
filter_list(const char **pp, unsigned char *bits, const char **err_r)
{
	const char *p = *pp + 1;
	unsigned lo, hi;

	for (;;) {
		if (filter_number(&p, &lo, err_r) < 0)
			return -1;
		hi = lo;
		if (p[0] == '.' && p[1] == '.') {
			p += 2;
			if (filter_number(&p, &hi, err_r) < 0)
				return -1;
			if (hi < lo) {
				*err_r = "a range that ends below its start";
				return -1;
			}
		}
		filter_set(bits, lo, hi);
		if (*p == ']')
			break;
		if (*p != ';') {
			*err_r = "expected \";\" or \"]\" in a list";
			return -1;
		}
		p++;
	}
	*pp = p + 1;
	return 0;
}

/* filter_compile - the four octets of text into f; 0, or -1 and *err_r */
static int
filter_compile(const char *text, struct dnsbl_filter *f, const char **err_r)
{
	const char *p = text;
	unsigned v;
	int i;

	for (i = 0; i < 4; i++) {
		if (i > 0 && *p++ != '.') {
			*err_r = "not four octets separated by dots";
			return -1;
		}
		if (*p == '[') {
			if (filter_list(&p, f->octets[i], err_r) < 0)
				return -1;
		} else {
			if (filter_number(&p, &v, err_r) < 0)
				return -1;
			filter_set(f->octets[i], v, v);
		}
	}
	if (*p != '\0') {
		*err_r = *p == '.' ? "more than four octets" :
		    "unexpected text after the fourth octet";
		return -1;
	}
	return 0;
}

/* dnsbl_filter_parse - compile a reject_rbl_client style answer filter */
struct dnsbl_filter *
dnsbl_filter_parse(const char *text, const char **err_r)
{
	struct dnsbl_filter *f;
	size_t len = strlen(text);

	if ((f = calloc(1, sizeof(*f) + len + 1)) == NULL) {
		*err_r = "out of memory";
		return NULL;
	}
	if (filter_compile(text, f, err_r) < 0) {
		free(f);
		return NULL;
	}
	memcpy(f->text, text, len + 1);
	return f;
}

/* dnsbl_filter_match - does an answer pass a compiled filter? */
int
dnsbl_filter_match(const struct dnsbl_filter *f, const struct ipaddr *answer)
{
	int i;

	if (f == NULL)
		return 1;
	if (answer == NULL || answer->family != AF_INET)
		return 0;
	for (i = 0; i < 4; i++)
		if ((f->octets[i][answer->bytes[i] / 8] &
		    (1u << (answer->bytes[i] % 8))) == 0)
			return 0;
	return 1;
}

/* dnsbl_filter_text - the filter as it was written */
const char *
dnsbl_filter_text(const struct dnsbl_filter *f)
{
	return f != NULL ? f->text : NULL;
}
