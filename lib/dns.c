/*
 * NAME
 *	dns 3
 * SUMMARY
 *	the few DNS lookups the inbound rules make, each with a deadline
 * SYNOPSIS
 *	#include "dns.h"
 * DESCRIPTION
 *	See dns.h. libmilter's worker threads come and go, and a resolver
 *	state is not shared between threads: each thread gets its own
 *	struct __res_state on first use, kept under a pthread key whose
 *	destructor closes it.
 *
 *	The budget: glibc's resolver waits retrans seconds for the first
 *	name server, (retrans << ns) / nscount (at least 1) for server ns,
 *	and goes round the servers retry times. Before each query the
 *	largest setting that fits the time left is chosen, preferring every
 *	server, then a second round (against a lost packet), then longer
 *	waits; when even one 1-second try of each server does not fit, the
 *	query asks fewer servers.
 *
 *	A DNSBL answer filter is compiled into one bit per possible value
 *	of each octet: matching is four bit tests, and the parser that
 *	accepts a filter at -n is the only one there is.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <netdb.h>
#include <pthread.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns.h"

#define ANSWER_MAX	4096		/* bytes of one answer */
#define NAME_TEXT_MAX	253	/* a name, without the final dot */

struct resolver {
	struct __res_state res;
	int	nscount;		/* as resolv.conf had it */
	struct stat conf;		/* resolv.conf when read */
	int	have_conf;
};

/* one call: its budget and the thread's resolver */
struct lookup {
	struct resolver *r;
	struct timespec start;
	long	budget_ms;
	int	queries;		/* started so far */
};

static pthread_key_t resolver_key;
static pthread_once_t resolver_once = PTHREAD_ONCE_INIT;
static int resolver_key_ok;

/* resolver_free - a thread ends: close its resolver */
static void
resolver_free(void *arg)
{
	struct resolver *r = arg;

	res_nclose(&r->res);
	free(r);
}

/* resolver_key_make - once per process */
static void
resolver_key_make(void)
{
	resolver_key_ok = pthread_key_create(&resolver_key, resolver_free) == 0;
}

/* resolver_load - (re)read resolv.conf into r; -1 when that fails */
static int
resolver_load(struct resolver *r, const struct stat *st, int have_st)
{
	memset(&r->res, 0, sizeof(r->res));
	if (res_ninit(&r->res) != 0)
		return -1;
	r->nscount = r->res.nscount;
	r->have_conf = have_st;
	if (have_st)
		r->conf = *st;
	return 0;
}

/* conf_changed - has resolv.conf changed since r read it? */
static int
conf_changed(const struct resolver *r, const struct stat *st, int have_st)
{
	if (have_st != r->have_conf)
		return 1;
	return have_st && (st->st_dev != r->conf.st_dev ||
	    st->st_ino != r->conf.st_ino || st->st_size != r->conf.st_size ||
	    st->st_mtim.tv_sec != r->conf.st_mtim.tv_sec ||
	    st->st_mtim.tv_nsec != r->conf.st_mtim.tv_nsec);
}

/* resolver_get - this thread's resolver, or NULL */
static struct resolver *
resolver_get(void)
{
	struct resolver *r;
	struct stat st;
	int have_st;

	if (pthread_once(&resolver_once, resolver_key_make) != 0 ||
	    !resolver_key_ok)
		return NULL;
	have_st = stat(_PATH_RESCONF, &st) == 0;
	r = pthread_getspecific(resolver_key);
	if (r != NULL) {
		if (!conf_changed(r, &st, have_st))
			return r;
		res_nclose(&r->res);
		if (resolver_load(r, &st, have_st) == 0)
			return r;
		free(r);
		pthread_setspecific(resolver_key, NULL);
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if (resolver_load(r, &st, have_st) < 0) {
		free(r);
		return NULL;
	}
	if (pthread_setspecific(resolver_key, r) != 0) {
		resolver_free(r);
		return NULL;
	}
	return r;
}

/* elapsed_ms - since the call started */
static long
elapsed_ms(const struct lookup *lk)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - lk->start.tv_sec) * 1000 +
	    (now.tv_nsec - lk->start.tv_nsec) / 1000000;
}

/* query_cost - seconds one res_nquery() may wait at most */
static long
query_cost(int retrans, int retry, int nscount)
{
	long total = 0;
	int ns, s;

	for (ns = 0; ns < nscount; ns++) {
		s = retrans << ns;
		if (ns > 0)
			s /= nscount;
		total += s > 0 ? s : 1;
	}
	return total * retry;
}

/* query_fit - set retrans, retry, nscount to fit seconds */
static void
query_fit(struct lookup *lk, long seconds)
{
	struct __res_state *res = &lk->r->res;
	int n, retry, retrans;

	if (seconds < 1)
		seconds = 1;
	for (n = lk->r->nscount; n > 1; n--)
		if (query_cost(1, 1, n) <= seconds)
			break;
	for (retry = 2; retry > 1; retry--)
		if (query_cost(1, retry, n) <= seconds)
			break;
	for (retrans = RES_MAXRETRANS; retrans > 1; retrans--)
		if (query_cost(retrans, retry, n) <= seconds)
			break;
	res->nscount = n;
	res->retry = retry;
	res->retrans = retrans;
}

/*
 * dns_query - one question within the call's budget: 1 with the answer
 * parsed into msg, 0 NXDOMAIN or no data, -1 temporary failure
 */
static int
dns_query(struct lookup *lk, const char *name, ns_type type, unsigned char *buf,
    ns_msg *msg)
{
	struct __res_state *res = &lk->r->res;
	long left = lk->budget_ms - elapsed_ms(lk);
	int n;

	if (lk->queries > 0 && left < 1000)
		return -1;
	lk->queries++;
	query_fit(lk, left / 1000);
	/* TCP waits are not bounded by retrans: keep what UDP brought */
	res->options |= RES_IGNTC;
	res->options &= ~(unsigned long)RES_USEVC;
	memset(buf, 0, NS_HFIXEDSZ);	/* no stale TC bit */
	n = res_nquery(res, name, ns_c_in, type, buf, ANSWER_MAX);
	res->nscount = lk->r->nscount;
	if (n < 0) {
		/* an empty truncated answer says nothing about the data */
		if (res->res_h_errno == NO_DATA && (buf[2] & 0x02) != 0)
			return -1;
		return res->res_h_errno == HOST_NOT_FOUND ||
		    res->res_h_errno == NO_DATA ? 0 : -1;
	}
	if (n > ANSWER_MAX)
		n = ANSWER_MAX;
	if (ns_initparse(buf, n, msg) < 0)
		return -1;
	return 1;
}

/* lookup_start - the thread's resolver and the clock; -1 without one */
static int
lookup_start(struct lookup *lk, unsigned timeout_ms)
{
	if ((lk->r = resolver_get()) == NULL)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &lk->start);
	lk->budget_ms = (long)timeout_ms;
	lk->queries = 0;
	return 0;
}

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

/* ptr_names - the usable PTR names of ip: count, or -1 */
static int
ptr_names(struct lookup *lk, const struct ipaddr *ip,
    char names[DNS_MAX_PTR][NAME_TEXT_MAX + 1], size_t len)
{
	unsigned char buf[ANSWER_MAX];
	char qname[128], target[NS_MAXDNAME];
	ns_msg msg;
	ns_rr rr;
	int rc, i, count, n = 0;

	if (dns_reverse_name(ip, NULL, qname, sizeof(qname)) < 0)
		return -1;
	if ((rc = dns_query(lk, qname, ns_t_ptr, buf, &msg)) <= 0)
		return rc;
	count = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < count && n < DNS_MAX_PTR; i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0)
			break;
		if (ns_rr_type(rr) != ns_t_ptr || ns_rr_class(rr) != ns_c_in)
			continue;
		if (ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg),
		    ns_rr_rdata(rr), target, sizeof(target)) < 0)
			continue;
		if (usable_name(target, names[n], len) == 0)
			n++;
	}
	return n;
}

/*
 * name_has_addr - does name have ip among its A or AAAA records?
 * 1 yes, 0 no, -1 temporary failure
 */
static int
name_has_addr(struct lookup *lk, const char *name, const struct ipaddr *ip)
{
	unsigned char buf[ANSWER_MAX];
	ns_type type = ip->family == AF_INET ? ns_t_a : ns_t_aaaa;
	size_t alen = ip->family == AF_INET ? 4 : 16;
	ns_msg msg;
	ns_rr rr;
	int rc, i, count, seen = 0;

	if ((rc = dns_query(lk, name, type, buf, &msg)) <= 0)
		return rc;
	count = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < count && seen < DNS_MAX_ADDRS; i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0)
			break;
		/* CNAMEs on the way are skipped */
		if (ns_rr_type(rr) != type || ns_rr_class(rr) != ns_c_in ||
		    ns_rr_rdlen(rr) != alen)
			continue;
		seen++;
		if (memcmp(ns_rr_rdata(rr), ip->bytes, alen) == 0)
			return 1;
	}
	return 0;
}

/* dns_ptr_confirmed - the client's reverse name, and does it map back? */
int
dns_ptr_confirmed(const struct ipaddr *ip, unsigned timeout_ms, char *name,
    size_t len, int *confirmed_r)
{
	char names[DNS_MAX_PTR][NAME_TEXT_MAX + 1];
	struct lookup lk;
	int n, i, rc, unknown = 0;

	if (ip == NULL || (ip->family != AF_INET && ip->family != AF_INET6) ||
	    name == NULL || confirmed_r == NULL ||
	    lookup_start(&lk, timeout_ms) < 0)
		return -1;
	if ((n = ptr_names(&lk, ip, names, len)) <= 0)
		return n;
	for (i = 0; i < n; i++) {
		rc = name_has_addr(&lk, names[i], ip);
		if (rc == 1) {
			strcpy(name, names[i]);
			*confirmed_r = 1;
			return 1;
		}
		if (rc < 0)
			unknown = 1;
	}
	if (unknown)
		return -1;
	strcpy(name, names[0]);
	*confirmed_r = 0;
	return 1;
}

/* dns_dnsbl - is ip listed in zone? */
int
dns_dnsbl(const struct ipaddr *ip, const char *zone, unsigned timeout_ms,
    struct ipaddr *answers, size_t max, size_t *n_r)
{
	unsigned char buf[ANSWER_MAX];
	struct ipaddr got[DNS_MAX_ADDRS];
	char qname[64 + NAME_TEXT_MAX + 2];
	const unsigned char *a;
	struct lookup lk;
	ns_msg msg;
	ns_rr rr;
	size_t n = 0;
	int rc, i, count;

	if (ip == NULL || zone == NULL || n_r == NULL ||
	    (answers == NULL && max > 0) ||
	    dns_reverse_name(ip, zone, qname, sizeof(qname)) < 0 ||
	    lookup_start(&lk, timeout_ms) < 0)
		return -1;
	if ((rc = dns_query(&lk, qname, ns_t_a, buf, &msg)) <= 0)
		return rc;
	count = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < count && n < DNS_MAX_ADDRS; i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0)
			break;
		if (ns_rr_type(rr) != ns_t_a || ns_rr_class(rr) != ns_c_in ||
		    ns_rr_rdlen(rr) != 4)
			continue;
		a = ns_rr_rdata(rr);
		if (a[0] != 127)
			continue;
		if (a[1] == 255 && a[2] == 255)
			return -1;
		memset(&got[n], 0, sizeof(got[n]));
		got[n].family = AF_INET;
		memcpy(got[n].bytes, a, 4);
		n++;
	}
	if (n == 0)
		return 0;
	if (n > max)
		n = max;
	if (n > 0)
		memcpy(answers, got, n * sizeof(got[0]));
	*n_r = n;
	return 1;
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
