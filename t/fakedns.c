/*
 * NAME
 *	fakedns 3
 * SUMMARY
 *	a DNS server on a loopback port, answering from a table (tests)
 * SYNOPSIS
 *	#include "fakedns.h"
 * DESCRIPTION
 *	See fakedns.h. One thread reads queries and writes each answer at
 *	once; it looks at a stop flag between reads. Owner names of the
 *	asked name are compression pointers to the question. TCP serves
 *	one connection at a time, until the client closes it.
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fakedns.h"
#include "resolver.h"

#define MSG_MAX		65536
#define UDP_MAX		512
#define LOG_MAX		1024

static const struct fakedns_rr *fake_table;
static int fake_sock = -1;
static int fake_listen = -1;
static pthread_t fake_thread;
static int fake_stop;
static pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char	name[256];
	int	type;
} fake_log[LOG_MAX];
static unsigned fake_nlog;

/* put16 - a 16-bit number in network order */
static unsigned char *
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
	return p + 2;
}

/* encode_name - text as DNS labels at p; the end */
static unsigned char *
encode_name(unsigned char *p, const char *text)
{
	const char *dot;
	size_t n;

	while (*text != '\0') {
		dot = strchr(text, '.');
		n = dot ? (size_t)(dot - text) : strlen(text);
		*p++ = (unsigned char)n;
		memcpy(p, text, n);
		p += n;
		text += n + (dot != NULL);
	}
	*p++ = 0;
	return p;
}

/* rdata - a row's data at p; the end */
static unsigned char *
rdata(unsigned char *p, const struct fakedns_rr *rr)
{
	const char *s, *bar;
	size_t n, chunk;

	switch (rr->type) {
	case ns_t_a:
		inet_pton(AF_INET, rr->data, p);
		return p + 4;
	case ns_t_aaaa:
		inet_pton(AF_INET6, rr->data, p);
		return p + 16;
	case ns_t_mx:
		p = put16(p, (unsigned)atoi(rr->data));
		return encode_name(p, strchr(rr->data, ' ') + 1);
	case ns_t_txt:
		for (s = rr->data;; s = bar + 1) {
			bar = strchr(s, '|');
			n = bar ? (size_t)(bar - s) : strlen(s);
			do {
				chunk = n > 255 ? 255 : n;
				*p++ = (unsigned char)chunk;
				memcpy(p, s, chunk);
				p += chunk;
				s += chunk;
				n -= chunk;
			} while (n > 0);
			if (bar == NULL)
				return p;
		}
	default:			/* PTR, CNAME */
		return encode_name(p, rr->data);
	}
}

/* add_rr - one answer record; owner NULL: the question's name */
static unsigned char *
add_rr(unsigned char *p, const char *owner, const struct fakedns_rr *rr)
{
	unsigned char *len;

	p = owner == NULL ? put16(p, 0xc000 | 12) : encode_name(p, owner);
	p = put16(p, (unsigned)rr->type);
	p = put16(p, ns_c_in);
	memset(p, 0, 4);		/* TTL */
	len = p + 4;
	p = rdata(len + 2, rr);
	put16(len, (unsigned)(p - len - 2));
	return p;
}

/* name_match - does name match a row's name ("*.suffix": any below)? */
static int
name_match(const char *pattern, const char *name)
{
	size_t pl, nl;

	if (pattern[0] != '*' || pattern[1] != '.')
		return strcasecmp(pattern, name) == 0;
	pl = strlen(pattern + 1);
	nl = strlen(name);
	return nl > pl && strcasecmp(name + nl - pl, pattern + 1) == 0;
}

/* add_rows - the rows of name and type; how many */
static unsigned
add_rows(unsigned char **pp, const char *name, const char *owner, int type)
{
	const struct fakedns_rr *rr;
	unsigned n = 0;

	for (rr = fake_table; rr->name != NULL; rr++) {
		if (rr->type == type && name_match(rr->name, name)) {
			*pp = add_rr(*pp, owner, rr);
			n++;
		}
	}
	return n;
}

/* answer - the response to query q (n octets) in out; its length or 0 */
static size_t
answer(const unsigned char *q, size_t n, unsigned char *out)
{
	const struct fakedns_rr *rr, *special = NULL, *cname = NULL;
	char name[256];
	const unsigned char *p = q + 12;
	unsigned char *o;
	size_t len = 0;
	unsigned an = 0, rcode = 3;
	int type;

	if (n < 12 || (q[4] << 8 | q[5]) != 1)
		return 0;
	while (p < q + n && *p != 0 && *p < 64 && len + *p + 1 < sizeof(name)) {
		if (len > 0)
			name[len++] = '.';
		memcpy(name + len, p + 1, *p);
		len += *p;
		p += 1 + *p;
	}
	name[len] = '\0';
	if (p + 5 > q + n || *p != 0)
		return 0;
	type = p[1] << 8 | p[2];
	p += 5;
	pthread_mutex_lock(&fake_lock);
	if (fake_nlog < LOG_MAX) {
		snprintf(fake_log[fake_nlog].name, sizeof(fake_log[0].name),
		    "%s", name);
		fake_log[fake_nlog++].type = type;
	}
	pthread_mutex_unlock(&fake_lock);
	for (rr = fake_table; rr->name != NULL; rr++) {
		if (!name_match(rr->name, name))
			continue;
		rcode = 0;
		if (rr->type < 0 && special == NULL &&
		    (rr->only_type == 0 || rr->only_type == type))
			special = rr;
		if (rr->type == ns_t_cname && type != ns_t_cname)
			cname = rr;
	}
	if (special != NULL && special->type == FAKEDNS_DROP)
		return 0;
	if (special != NULL)
		rcode = (unsigned)-special->type;
	memcpy(out, q, (size_t)(p - q));
	out[2] = (unsigned char)(0x80 | (q[2] & 0x01));	/* QR, RD */
	out[3] = (unsigned char)(0x80 | rcode);		/* RA */
	o = out + (p - q);
	if (rcode == 0 && cname != NULL) {
		o = add_rr(o, NULL, cname);
		an = 1 + add_rows(&o, cname->data, cname->data, type);
	} else if (rcode == 0) {
		an = add_rows(&o, name, NULL, type);
	}
	put16(out + 6, an);
	memset(out + 8, 0, 4);
	return (size_t)(o - out);
}

/* serve_udp - one UDP query; an answer too long is truncated (TC) */
static void
serve_udp(unsigned char *q, unsigned char *out)
{
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	ssize_t n;
	size_t len, qlen;

	n = recvfrom(fake_sock, q, MSG_MAX, 0, (struct sockaddr *)&from,
	    &flen);
	if (n <= 0 || (len = answer(q, (size_t)n, out)) == 0)
		return;
	if (len > UDP_MAX) {
		qlen = (size_t)n;		/* the question, as asked */
		memcpy(out + 12, q + 12, qlen - 12);
		out[2] |= 0x02;
		memset(out + 6, 0, 6);
		len = qlen;
	}
	sendto(fake_sock, out, len, 0, (struct sockaddr *)&from, flen);
}

/* read_all - n octets from fd; 0, or -1 */
static int
read_all(int fd, unsigned char *buf, size_t n)
{
	ssize_t got;

	while (n > 0) {
		if ((got = read(fd, buf, n)) <= 0)
			return -1;
		buf += got;
		n -= (size_t)got;
	}
	return 0;
}

/* serve_tcp - one TCP connection's queries, until it closes */
static void
serve_tcp(unsigned char *q, unsigned char *out)
{
	unsigned char lenbuf[2];
	size_t n, len;
	int fd;

	if ((fd = accept(fake_listen, NULL, NULL)) < 0)
		return;
	while (read_all(fd, lenbuf, 2) == 0) {
		n = (size_t)(lenbuf[0] << 8 | lenbuf[1]);
		if (read_all(fd, q, n) < 0)
			break;
		if ((len = answer(q, n, out + 2)) == 0)
			continue;
		put16(out, (unsigned)len);
		if (write(fd, out, len + 2) != (ssize_t)(len + 2))
			break;
	}
	close(fd);
}

/* serve - the server thread */
static void *
serve(void *arg)
{
	static unsigned char q[MSG_MAX], out[MSG_MAX + 2];
	struct pollfd pfd[2];

	(void)arg;
	pfd[0].fd = fake_sock;
	pfd[1].fd = fake_listen;
	pfd[0].events = pfd[1].events = POLLIN;
	while (!__atomic_load_n(&fake_stop, __ATOMIC_SEQ_CST)) {
		if (poll(pfd, 2, 20) <= 0)
			continue;
		if (pfd[0].revents & POLLIN)
			serve_udp(q, out);
		if (pfd[1].revents & POLLIN)
			serve_tcp(q, out);
	}
	return NULL;
}

/* bind_pair - a UDP and a TCP socket on one loopback port; 0, or -1 */
static int
bind_pair(unsigned *port_r)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fake_sock = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(fake_sock, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(fake_sock, (struct sockaddr *)&sin, &len) < 0)
		return -1;
	if ((fake_listen = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(fake_listen, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fake_listen, 8) < 0)
		return -1;
	*port_r = ntohs(sin.sin_port);
	return 0;
}

/* fakedns_start - serve table on a loopback port */
int
fakedns_start(const struct fakedns_rr *table)
{
	char servers[64], err[128];
	unsigned port;
	int tries;

	fake_table = table;
	fake_nlog = 0;
	fake_stop = 0;
	/* the TCP port of the same number may be taken: another pair */
	for (tries = 0; bind_pair(&port) < 0; tries++) {
		if (fake_sock >= 0)
			close(fake_sock);
		if (fake_listen >= 0)
			close(fake_listen);
		fake_sock = fake_listen = -1;
		if (tries == 20)
			return -1;
	}
	snprintf(servers, sizeof(servers), "127.0.0.1:%u", port);
	if (resolver_servers(servers, err, sizeof(err)) < 0)
		return -1;
	return pthread_create(&fake_thread, NULL, serve, NULL) == 0 ? 0 : -1;
}

/* fakedns_queries - queries for name and type so far */
unsigned
fakedns_queries(const char *name, int type)
{
	unsigned i, n = 0;

	pthread_mutex_lock(&fake_lock);
	for (i = 0; i < fake_nlog; i++)
		if (strcasecmp(fake_log[i].name, name) == 0 &&
		    (type == 0 || fake_log[i].type == type))
			n++;
	pthread_mutex_unlock(&fake_lock);
	return n;
}

/* fakedns_stop - stop serving */
void
fakedns_stop(void)
{
	char err[64];

	__atomic_store_n(&fake_stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(fake_thread, NULL);
	close(fake_sock);
	close(fake_listen);
	fake_sock = fake_listen = -1;
	resolver_servers(NULL, err, sizeof(err));
}
