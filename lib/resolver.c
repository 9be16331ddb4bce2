/*
 * NAME
 *	resolver 3
 * SUMMARY
 *	DNS queries over c-ares, many at once, under one deadline
 * SYNOPSIS
 *	#include "resolver.h"
 * DESCRIPTION
 *	See resolver.h. A c-ares channel is not thread-safe, and libmilter's
 *	worker threads come and go: rather than one channel per thread
 *	(kept under a key, re-read when resolv.conf changes, its sockets
 *	held open between sessions), each call makes its own and destroys
 *	it. Making one reads resolv.conf and costs about 40 us here, next
 *	to a lookup's round trip of a millisecond or more, once per stage;
 *	its UDP socket, opened at the first query, gets a fresh random
 *	source port each time.
 *
 *	The loop: poll(2) on the sockets ares_getsock() names (never
 *	select(), whose fd_set a busy daemon's descriptor numbers would
 *	overflow), woken no later than c-ares's next retransmission and
 *	the deadline; ares_process_fd() for each socket that is ready, or
 *	with none to let c-ares retransmit. At the deadline ares_cancel()
 *	ends what is left: the c-ares timeouts only pace retransmissions,
 *	the deadline is ours.
 */
#include "config.h"

#include <arpa/nameser.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ares.h>

#include "resolver.h"

#define HEADER_SIZE	12		/* of a DNS message */
#define QUESTION_TAIL	4		/* type, class */
#define RR_TAIL		10		/* type, class, TTL, rdlength */

struct resolver {
	ares_channel channel;
	unsigned long deadline_ms;
	int	pending;		/* queries whose callback is due */
	int	closing;		/* ending queries: ask no more */
	enum resolver_status end_status; /* for those ended by us */
	const char *end_why;
};

/* one query in flight */
struct rq {
	struct resolver *r;
	resolver_cb *cb;
	void	*arg;
};

static pthread_once_t library_once = PTHREAD_ONCE_INIT;
static int library_status = ARES_ENOTINITIALIZED;
static char *test_servers;		/* resolver_servers() */

static const char why_deadline[] = "no answer before the deadline";

/* library_init - once per process */
static void
library_init(void)
{
	library_status = ares_library_init(ARES_LIB_INIT_ALL);
}

/* resolver_clock_ms - the monotonic clock, in milliseconds */
unsigned long
resolver_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec * 1000UL +
	    (unsigned long)ts.tv_nsec / 1000000UL;
}

/* resolver_servers - ask these servers instead of resolv.conf's (tests) */
int
resolver_servers(const char *servers, char *err, size_t len)
{
	char *copy = NULL;

	if (servers != NULL && (copy = strdup(servers)) == NULL) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	free(test_servers);
	test_servers = copy;
	return 0;
}

/* first_wait - a server's first wait for a budget of timeout_ms */
static int
first_wait(unsigned timeout_ms)
{
	unsigned ms = timeout_ms / 3;

	if (ms > RESOLVER_TRY_MS)
		ms = RESOLVER_TRY_MS;
	if (ms < RESOLVER_TRY_MIN_MS)
		ms = RESOLVER_TRY_MIN_MS;
	return (int)ms;
}

/* rounds - rounds of doubling waits that fill timeout_ms */
static int
rounds(unsigned timeout_ms, int wait_ms)
{
	unsigned long total = (unsigned long)wait_ms;
	int tries = 1;

	while (total < timeout_ms && tries < RESOLVER_TRIES_MAX)
		total += (unsigned long)wait_ms << tries++;
	return tries;
}

/* resolver_new - a channel whose queries end within timeout_ms */
struct resolver *
resolver_new(unsigned timeout_ms, char *err, size_t len)
{
	struct ares_options opts;
	struct resolver *r;
	int rc;

	if (pthread_once(&library_once, library_init) != 0 ||
	    library_status != ARES_SUCCESS) {
		snprintf(err, len, "c-ares: %s", ares_strerror(library_status));
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	memset(&opts, 0, sizeof(opts));
	opts.timeout = first_wait(timeout_ms);
	opts.tries = rounds(timeout_ms, opts.timeout);
	rc = ares_init_options(&r->channel, &opts,
	    ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
	if (rc != ARES_SUCCESS) {
		snprintf(err, len, "c-ares: %s", ares_strerror(rc));
		free(r);
		return NULL;
	}
	if (test_servers != NULL &&
	    (rc = ares_set_servers_ports_csv(r->channel, test_servers)) !=
	    ARES_SUCCESS) {
		snprintf(err, len, "c-ares: servers \"%s\": %s", test_servers,
		    ares_strerror(rc));
		ares_destroy(r->channel);
		free(r);
		return NULL;
	}
	r->deadline_ms = resolver_clock_ms() + timeout_ms;
	return r;
}

/* failure_why - what a c-ares status means, for logs */
static const char *
failure_why(int status)
{
	switch (status) {
	case ARES_ETIMEOUT:
		return "no answer (timeout)";
	case ARES_ESERVFAIL:
		return "server failure (SERVFAIL)";
	case ARES_EREFUSED:
		return "refused by the name server (REFUSED)";
	case ARES_EFORMERR:
	case ARES_ENOTIMP:
	case ARES_EBADRESP:
		return "a malformed or unusable answer";
	case ARES_ECONNREFUSED:
		/* c-ares 1.18 ends so after SERVFAIL or REFUSED too */
		return "no usable answer from any name server (SERVFAIL, "
		    "REFUSED, or unreachable)";
	case ARES_ENOMEM:
		return "out of memory";
	case ARES_EDESTRUCTION:
		return "the resolver was closed";
	default:
		return ares_strerror(status);
	}
}

/* rq_done - c-ares ends a query: our status, then the caller's callback */
static void
rq_done(void *arg, int status, int timeouts, unsigned char *answer, int len)
{
	struct rq *q = arg;
	struct resolver *r = q->r;
	enum resolver_status st = RESOLVER_TEMPFAIL;
	const char *why = NULL;

	(void)timeouts;
	r->pending--;
	switch (status) {
	case ARES_SUCCESS:
		st = RESOLVER_OK;
		break;
	case ARES_ENODATA:
		st = RESOLVER_NODATA;
		break;
	case ARES_ENOTFOUND:
	case ARES_EBADNAME:
		st = RESOLVER_NXDOMAIN;
		break;
	case ARES_ECANCELLED:
		st = r->end_status;
		why = r->end_why;
		break;
	default:
		why = failure_why(status);
		break;
	}
	if (st != RESOLVER_OK) {
		answer = NULL;
		len = 0;
	}
	q->cb(q->arg, st, why, answer, len);
	free(q);
}

/* resolver_query - ask name's records of type */
void
resolver_query(struct resolver *r, const char *name, int type,
    resolver_cb *cb, void *arg)
{
	struct rq *q;

	if (r->closing) {
		cb(arg, r->end_status, r->end_why, NULL, 0);
		return;
	}
	if (resolver_clock_ms() >= r->deadline_ms) {
		cb(arg, RESOLVER_TEMPFAIL, why_deadline, NULL, 0);
		return;
	}
	if ((q = malloc(sizeof(*q))) == NULL) {
		cb(arg, RESOLVER_TEMPFAIL, "out of memory", NULL, 0);
		return;
	}
	q->r = r;
	q->cb = cb;
	q->arg = arg;
	r->pending++;
	ares_query(r->channel, name, ns_c_in, type, rq_done, q);
}

/* end_pending - end the queries left with st and why */
static void
end_pending(struct resolver *r, enum resolver_status st, const char *why)
{
	r->closing = 1;
	r->end_status = st;
	r->end_why = why;
	ares_cancel(r->channel);
	r->closing = 0;
}

/* wait_ms - how long poll() may wait: c-ares's next timeout, the deadline */
static int
wait_ms(struct resolver *r, unsigned long left)
{
	struct timeval most, tv, *tvp;
	long ms;

	most.tv_sec = (time_t)(left / 1000);
	most.tv_usec = (suseconds_t)(left % 1000) * 1000;
	tvp = ares_timeout(r->channel, &most, &tv);
	ms = (long)tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000;
	return ms > 0 ? (int)ms : 1;
}

/* wait_once - one poll(2) and what c-ares makes of it; -1 on error */
static int
wait_once(struct resolver *r, unsigned long left)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	struct pollfd pfd[ARES_GETSOCK_MAXNUM];
	unsigned bits;
	int i, n = 0, rc;
	short ev;

	/* c-ares's ARES_GETSOCK_WRITABLE() shifts a signed 1 into the sign */
	bits = (unsigned)ares_getsock(r->channel, socks, ARES_GETSOCK_MAXNUM);
	for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
		ev = (short)((bits & 1u << i ? POLLIN : 0) |
		    (bits & 1u << (i + ARES_GETSOCK_MAXNUM) ? POLLOUT : 0));
		if (ev == 0)
			continue;
		pfd[n].fd = socks[i];
		pfd[n].events = ev;
		pfd[n].revents = 0;
		n++;
	}
	rc = poll(pfd, (nfds_t)n, wait_ms(r, left));
	if (rc < 0)
		return errno == EINTR ? 0 : -1;
	if (rc == 0) {
		ares_process_fd(r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
		return 0;
	}
	for (i = 0; i < n; i++) {
		ev = pfd[i].revents;
		if (ev == 0)
			continue;
		ares_process_fd(r->channel,
		    (ev & (POLLIN | POLLERR | POLLHUP)) ? pfd[i].fd :
		    ARES_SOCKET_BAD,
		    (ev & (POLLOUT | POLLERR | POLLHUP)) ? pfd[i].fd :
		    ARES_SOCKET_BAD);
	}
	return 0;
}

/* resolver_wait - run the queries until done, enough, or the deadline */
void
resolver_wait(struct resolver *r, int (*enough)(void *), void *arg)
{
	unsigned long now;

	while (r->pending > 0) {
		if (enough != NULL && enough(arg)) {
			end_pending(r, RESOLVER_CANCELLED, NULL);
			return;
		}
		if ((now = resolver_clock_ms()) >= r->deadline_ms)
			break;
		if (wait_once(r, r->deadline_ms - now) < 0) {
			end_pending(r, RESOLVER_TEMPFAIL, "poll failed");
			return;
		}
	}
	if (r->pending > 0)
		end_pending(r, RESOLVER_TEMPFAIL, why_deadline);
}

/* resolver_free - end what is left, close the channel */
void
resolver_free(struct resolver *r)
{
	if (r == NULL)
		return;
	r->closing = 1;
	r->end_status = RESOLVER_TEMPFAIL;
	r->end_why = failure_why(ARES_EDESTRUCTION);
	ares_destroy(r->channel);
	free(r);
}

/* skip_name - past the (compressed) name at p, or NULL */
static const unsigned char *
skip_name(const unsigned char *p, const unsigned char *end)
{
	while (p < end) {
		if (*p == 0)
			return p + 1;
		if ((*p & 0xc0) == 0xc0)
			return p + 2 <= end ? p + 2 : NULL;
		if ((*p & 0xc0) != 0)
			return NULL;
		p += 1 + *p;
	}
	return NULL;
}

/* get16 - a 16-bit number in network order */
static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* resolver_ptr_names - the PTR targets of an answer, one by one */
int
resolver_ptr_names(const unsigned char *answer, int len,
    void (*fn)(void *, const char *), void *arg)
{
	const unsigned char *p, *end;
	unsigned qd, an, i, type, class, rdlen;
	char *name;
	long enclen;
	int n = 0;

	if (answer == NULL || len < HEADER_SIZE)
		return -1;
	end = answer + len;
	qd = get16(answer + 4);
	an = get16(answer + 6);
	p = answer + HEADER_SIZE;
	for (i = 0; i < qd; i++) {
		if ((p = skip_name(p, end)) == NULL ||
		    end - p < QUESTION_TAIL)
			return -1;
		p += QUESTION_TAIL;
	}
	for (i = 0; i < an; i++) {
		if ((p = skip_name(p, end)) == NULL || end - p < RR_TAIL)
			return -1;
		type = get16(p);
		class = get16(p + 2);
		rdlen = get16(p + 8);
		p += RR_TAIL;
		if ((size_t)(end - p) < rdlen)
			return -1;
		if (type == ns_t_ptr && class == ns_c_in) {
			if (ares_expand_name(p, answer, len, &name, &enclen) !=
			    ARES_SUCCESS)
				return -1;
			fn(arg, name);
			ares_free_string(name);
			n++;
		}
		p += rdlen;
	}
	return n;
}
