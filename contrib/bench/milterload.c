/*
 * NAME
 *	milterload 1
 * SUMMARY
 *	a milter protocol load generator that plays the MTA
 * SYNOPSIS
 *	milterload -s unix:PATH [-r inbound|outbound] [-c N] [-t SECONDS]
 *	    [-n COUNT] [-R RATE | -H] [-q]
 * DESCRIPTION
 *	N threads (-c, default 10) each run milter sessions one after the
 *	other against the filter on PATH, until SECONDS (-t, default 10)
 *	have passed or COUNT sessions (-n) were run in all. A session is what
 *	Postfix sends for one message: OPTNEG (protocol version 6, the
 *	actions and steps Postfix offers), then CONNECT, HELO, MAIL, RCPT,
 *	DATA, one From: header, end of headers, one body chunk, end of
 *	message and QUIT, each preceded by its macros. What the filter asks
 *	for in OPTNEG is honoured as Postfix does: a step it does not want
 *	(SMFIP_NO*) is not sent, a reply it will not send (SMFIP_NR_*) is
 *	not waited for, and with a symbol list (SMFIF_SETSYMLIST) only the
 *	macros it names are sent at each stage.
 *
 *	-r inbound (the default): {daemon_name} INBOUND on port 25, a
 *	client in 192.0.2.0/24, a remote sender and a recipient in
 *	example.net. -r outbound: {daemon_name} ORIGINATING on port 587, a
 *	client in 127.0.2.0/24, {auth_authen} userN@example.net and the same
 *	address as sender and From:, a remote recipient. N varies per
 *	session, so no per-login or per-client limit is reached.
 *
 *	-R paces the sessions (open loop): session k, counted across all
 *	threads, is due at k/RATE seconds after the start, RATE sessions
 *	per second in all. A free thread takes the next slot and sleeps
 *	until it is due; its latency counts from the slot, not from when a
 *	thread got to it, so a filter that falls behind shows in p99 and
 *	max instead of slowing the load down (no coordinated omission).
 *	With -t the slots end at the deadline; the sessions still due then
 *	are run. Without -R, each thread starts its next session as soon as
 *	the last one ends (closed loop): the filter runs flat out, and the
 *	latency is mostly the wait for a CPU.
 *
 *	-H holds: every thread runs one session, and all of them wait after
 *	HELO until the N sessions are open at once, then finish.
 *
 *	A refusal (reject, tempfail, discard, a reply code) ends the session
 *	with ABORT and QUIT; it is counted, not an error. An error is a
 *	failed connect, a closed connection, a reply not understood or none
 *	within 10 seconds.
 *
 *	The output is one line of "name=value" words: sessions, errors,
 *	refused, seconds, sessions/s, p50, p99 and max (microseconds per
 *	session, OPTNEG to QUIT; with -R, slot to QUIT) and rt, the
 *	protocol round trips per session (requests that waited for a
 *	reply, OPTNEG included). With -R, a last word late: the sessions
 *	that started more than 1 ms after their slot, because no thread was
 *	free or the host ran none in time. Their wait is in the latency,
 *	but the filter got them late, so it saw a smoother load than RATE:
 *	more than a few, and the figures say as much about the load
 *	generator and the host as about the filter (add threads, lower
 *	RATE, or quieten the host). -q leaves out the first error's text
 *	on stderr.
 * DIAGNOSTICS
 *	Exit status 0 when every session ran without error, 1 when some
 *	failed, 2 for a usage error (-R with -H among them).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>	/* SMFIM_*; includes mfdef.h */

#define PROT_VERSION	6
#define MTA_ACTIONS	0x1FFUL		/* every SMFIF_ Postfix knows */
#define MTA_STEPS	0x1FFFFFUL	/* every SMFIP_ up to HDR_LEADSPC */
#define REPLY_WAIT_MS	10000
#define PKT_MAX		(64 * 1024)
#define N_STAGES	7		/* SMFIM_CONNECT .. SMFIM_EOH */
#define LATE_US		1000		/* -R: a start this far past its slot */

struct load {
	const char *path;
	int	outbound;
	int	hold;
	int	quiet;
	unsigned long count;		/* 0: until the deadline */
	double	rate;			/* -R, sessions/s; 0: closed loop */
	double	start;			/* slot 0, and the clock of seconds */
	double	deadline;
	pthread_barrier_t barrier;
	pthread_mutex_t lock;
	unsigned long started;
	unsigned long done;
	unsigned long errors;
	unsigned long refused;
	unsigned long round_trips;
	unsigned long late;
	double	*lat;			/* microseconds, per session */
	size_t	n_lat;
	size_t	max_lat;
	int	error_shown;
};

struct conn {
	int	fd;
	unsigned long pflags;		/* what the filter asked for */
	char	symlist[N_STAGES][512];	/* "" with have_sym: none */
	int	have_sym[N_STAGES];
	unsigned long rt;
	int	held;			/* -H: past the barrier */
	char	err[160];
};

/* now - seconds, monotonic */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* sleep_until - sleep until monotonic time T */
static void
sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
	    NULL) == EINTR)
		;
}

/* fail - keep the first error of a session */
static int
fail(struct conn *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(c->err, sizeof(c->err), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* put - write one packet: length, command, data */
static int
put(struct conn *c, char cmd, const void *data, size_t len)
{
	unsigned char buf[PKT_MAX];
	uint32_t n = htonl((uint32_t)len + 1);
	size_t off = 0, total = len + 5;
	ssize_t w;

	if (len + 5 > sizeof(buf))
		return fail(c, "packet too long");
	memcpy(buf, &n, 4);
	buf[4] = (unsigned char)cmd;
	memcpy(buf + 5, data, len);
	while (off < total) {
		w = write(c->fd, buf + off, total - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return fail(c, "write: %s", strerror(errno));
		off += (size_t)w;
	}
	return 0;
}

/* readn - read exactly n octets within the reply wait */
static int
readn(struct conn *c, void *buf, size_t n)
{
	struct pollfd p;
	size_t off = 0;
	ssize_t r;

	while (off < n) {
		p.fd = c->fd;
		p.events = POLLIN;
		r = poll(&p, 1, REPLY_WAIT_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return fail(c, "no reply within %d ms", REPLY_WAIT_MS);
		r = read(c->fd, (char *)buf + off, n - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return fail(c, "connection closed by the filter");
		if (r < 0)
			return fail(c, "read: %s", strerror(errno));
		off += (size_t)r;
	}
	return 0;
}

/* get - read one packet; its data NUL-terminated in buf */
static int
get(struct conn *c, char *cmd, char *buf, size_t size, size_t *len)
{
	uint32_t n;
	unsigned char op;

	if (readn(c, &n, 4) < 0)
		return -1;
	n = ntohl(n);
	if (n == 0 || n > size)
		return fail(c, "reply length %u", (unsigned)n);
	if (readn(c, &op, 1) < 0 || readn(c, buf, n - 1) < 0)
		return -1;
	buf[n - 1] = '\0';
	*cmd = (char)op;
	*len = n - 1;
	return 0;
}

/* reply - wait for the answer to a step: 0 go on, 1 refused, -1 error */
static int
reply(struct conn *c, char step)
{
	char buf[PKT_MAX], cmd;
	size_t len;

	c->rt++;
	for (;;) {
		if (get(c, &cmd, buf, sizeof(buf), &len) < 0)
			return -1;
		switch (cmd) {
		case SMFIR_CONTINUE:
			return 0;
		case SMFIR_ACCEPT:
		case SMFIR_SKIP:
			return step == SMFIC_BODYEOB || cmd == SMFIR_SKIP ?
			    0 : 2;
		case SMFIR_REJECT:
		case SMFIR_TEMPFAIL:
		case SMFIR_REPLYCODE:
		case SMFIR_DISCARD:
		case SMFIR_CONN_FAIL:
		case SMFIR_SHUTDOWN:
			return 1;
		case SMFIR_PROGRESS:
			continue;
		default:
			/* modifications before the end-of-message answer */
			if (step == SMFIC_BODYEOB && strchr("+-2befhimq", cmd))
				continue;
			return fail(c, "reply '%c' to '%c'", cmd, step);
		}
	}
}

/* want_macro - is NAME asked for at STAGE (all when no symbol list) */
static int
want_macro(const struct conn *c, int stage, const char *name)
{
	const char *p = c->symlist[stage];
	size_t n = strlen(name);

	if (!c->have_sym[stage])
		return 1;
	while ((p = strstr(p, name)) != NULL) {
		if ((p == c->symlist[stage] || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* macros - send the macros of a stage: pairs "name", "value", NULL */
static int
macros(struct conn *c, int stage, char cmd, ...)
{
	char buf[2048];
	size_t len = 0, a, b;
	const char *name, *value;
	va_list ap;

	buf[len++] = cmd;
	va_start(ap, cmd);
	while ((name = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		if (value == NULL || !want_macro(c, stage, name))
			continue;
		a = strlen(name) + 1;
		b = strlen(value) + 1;
		if (len + a + b > sizeof(buf))
			break;
		memcpy(buf + len, name, a);
		memcpy(buf + len + a, value, b);
		len += a + b;
	}
	va_end(ap);
	return put(c, SMFIC_MACRO, buf, len);
}

/* step - send a step unless skipped, wait unless no reply is due */
static int
step(struct conn *c, unsigned long no, unsigned long nr, char cmd,
    const void *data, size_t len)
{
	if (no != 0 && (c->pflags & no) != 0)
		return 0;
	if (put(c, cmd, data, len) < 0)
		return -1;
	if (nr != 0 && (c->pflags & nr) != 0)
		return 0;
	return reply(c, cmd);
}

/* negotiate - OPTNEG out; the filter's flags and symbol lists back */
static int
negotiate(struct conn *c)
{
	char buf[PKT_MAX], cmd;
	uint32_t v[3], stage;
	size_t len, off, n;

	v[0] = htonl(PROT_VERSION);
	v[1] = htonl(MTA_ACTIONS);
	v[2] = htonl(MTA_STEPS);
	if (put(c, SMFIC_OPTNEG, v, sizeof(v)) < 0)
		return -1;
	c->rt++;
	if (get(c, &cmd, buf, sizeof(buf), &len) < 0)
		return -1;
	if (cmd != SMFIC_OPTNEG || len < 12)
		return fail(c, "OPTNEG answered with '%c'", cmd);
	memcpy(v, buf, 12);
	c->pflags = ntohl(v[2]);
	if ((c->pflags & ~MTA_STEPS) != 0)
		return fail(c, "steps 0x%lx not offered", c->pflags);
	for (off = 12; off + 4 < len; off += n + 1) {
		memcpy(&stage, buf + off, 4);
		stage = ntohl(stage);
		off += 4;
		n = strnlen(buf + off, len - off);
		if (stage >= N_STAGES || n >= sizeof(c->symlist[0]))
			return fail(c, "symbol list for stage %u", stage);
		memcpy(c->symlist[stage], buf + off, n);
		c->symlist[stage][n] = '\0';
		c->have_sym[stage] = 1;
	}
	return 0;
}

/* transaction - one message after the negotiation: 1 refused, -1 error */
static int
transaction(struct load *L, struct conn *c, unsigned long id)
{
	char client[64], helo[64], login[64], from[96], rcpt[96], a[256];
	char hdr[160], pkt[512];
	const char *daemon, *port;
	uint16_t cport = htons((uint16_t)(1024 + id % 60000));
	size_t n;
	int r;

	if (L->outbound) {
		snprintf(client, sizeof(client), "127.0.2.%lu", 1 + id % 250);
		snprintf(login, sizeof(login), "user%lu@example.net", id);
		snprintf(from, sizeof(from), "<%s>", login);
		snprintf(rcpt, sizeof(rcpt), "<rcpt%lu@remote.example>", id);
		daemon = "ORIGINATING";
		port = "587";
	} else {
		snprintf(client, sizeof(client), "192.0.2.%lu", 1 + id % 250);
		login[0] = '\0';
		snprintf(from, sizeof(from), "<sender%lu@remote.example>", id);
		snprintf(rcpt, sizeof(rcpt), "<user%lu@example.net>", id % 100);
		daemon = "INBOUND";
		port = "25";
	}
	snprintf(helo, sizeof(helo), "host%lu.remote.example", id);

	/* CONNECT: hostname, family, port, address */
	n = (size_t)snprintf(pkt, sizeof(pkt), "%s", helo) + 1;
	pkt[n++] = SMFIA_INET;
	memcpy(pkt + n, &cport, 2);
	n += 2;
	n += (size_t)snprintf(pkt + n, sizeof(pkt) - n, "%s", client) + 1;
	if (macros(c, SMFIM_CONNECT, SMFIC_CONNECT, "j", "mx.example.net",
	    "{daemon_name}", daemon, "{daemon_addr}", "127.0.0.1",
	    "{daemon_port}", port, "v", "Postfix 3.7.11",
	    "{client_addr}", client, "{client_name}", helo,
	    "{client_port}", "40000", "_", client, NULL) < 0 ||
	    (r = step(c, SMFIP_NOCONNECT, SMFIP_NR_CONN, SMFIC_CONNECT,
	    pkt, n)) < 0)
		return -1;
	if (r > 0)
		return r;
	if (macros(c, SMFIM_HELO, SMFIC_HELO, "{tls_version}", NULL,
	    NULL) < 0 || (r = step(c, SMFIP_NOHELO, SMFIP_NR_HELO,
	    SMFIC_HELO, helo, strlen(helo) + 1)) < 0)
		return -1;
	if (r > 0)
		return r;
	if (L->hold) {
		pthread_barrier_wait(&L->barrier);
		c->held = 1;
	}
	n = (size_t)snprintf(pkt, sizeof(pkt), "%s", from) + 1;
	if (macros(c, SMFIM_ENVFROM, SMFIC_MAIL, "i", "4Xq1bench",
	    "{auth_type}", login[0] ? "PLAIN" : NULL,
	    "{auth_authen}", login[0] ? login : NULL,
	    "{mail_addr}", from, NULL) < 0 ||
	    (r = step(c, SMFIP_NOMAIL, SMFIP_NR_MAIL, SMFIC_MAIL, pkt, n)) < 0)
		return -1;
	if (r > 0)
		return r;
	if (macros(c, SMFIM_ENVRCPT, SMFIC_RCPT, "i", "4Xq1bench",
	    "{rcpt_addr}", rcpt, NULL) < 0 ||
	    (r = step(c, SMFIP_NORCPT, SMFIP_NR_RCPT, SMFIC_RCPT, rcpt,
	    strlen(rcpt) + 1)) < 0)
		return -1;
	if (r > 0)
		return r;
	if (macros(c, SMFIM_DATA, SMFIC_DATA, "i", "4Xq1bench", NULL) < 0 ||
	    (r = step(c, SMFIP_NODATA, SMFIP_NR_DATA, SMFIC_DATA, "", 0)) < 0)
		return -1;
	if (r > 0)
		return r;
	snprintf(a, sizeof(a), "%s", L->outbound ? login :
	    from + 1);
	a[strcspn(a, ">")] = '\0';
	n = (size_t)snprintf(hdr, sizeof(hdr), "From") + 1;
	n += (size_t)snprintf(hdr + n, sizeof(hdr) - n, "%s%s",
	    (c->pflags & SMFIP_HDR_LEADSPC) ? " " : "", a) + 1;
	if ((r = step(c, SMFIP_NOHDRS, SMFIP_NR_HDR, SMFIC_HEADER, hdr,
	    n)) != 0)
		return r;
	if (macros(c, SMFIM_EOH, SMFIC_EOH, "i", "4Xq1bench", NULL) < 0 ||
	    (r = step(c, SMFIP_NOEOH, SMFIP_NR_EOH, SMFIC_EOH, "", 0)) < 0)
		return -1;
	if (r > 0)
		return r;
	if ((r = step(c, SMFIP_NOBODY, SMFIP_NR_BODY, SMFIC_BODY,
	    "Hello.\r\n", 8)) != 0)
		return r;
	if (macros(c, SMFIM_EOM, SMFIC_BODYEOB, "i", "4Xq1bench", NULL) < 0)
		return -1;
	return step(c, 0, 0, SMFIC_BODYEOB, "", 0);
}

/* session - connect, negotiate, one message, QUIT; -1 on error */
static int
session(struct load *L, unsigned long id, int *refused, unsigned long *rt,
    char *err, size_t errsize)
{
	struct sockaddr_un sun;
	struct conn c;
	int r = -1;

	memset(&c, 0, sizeof(c));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", L->path);
	if ((c.fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		fail(&c, "socket: %s", strerror(errno));
	else if (connect(c.fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		fail(&c, "connect: %s", strerror(errno));
	else if (negotiate(&c) == 0)
		r = transaction(L, &c, id);
	if (r > 0) {
		/* Postfix ends a refused transaction with ABORT */
		*refused = r == 1;
		r = put(&c, SMFIC_ABORT, "", 0);
	}
	if (r == 0)
		r = put(&c, SMFIC_QUIT, "", 0);
	if (L->hold && !c.held)		/* the others wait for this one */
		pthread_barrier_wait(&L->barrier);
	if (c.fd >= 0)
		close(c.fd);
	*rt = c.rt;
	snprintf(err, errsize, "%s", c.err);
	return r;
}

/* worker - run sessions until the deadline or the count */
static void *
worker(void *arg)
{
	struct load *L = arg;
	unsigned long id, rt;
	double t0, us;
	char err[160];
	int refused, r, late;

	for (;;) {
		pthread_mutex_lock(&L->lock);
		/* paced, the deadline ends the slots, not the sessions */
		t0 = L->rate > 0 ? L->start + L->started / L->rate : now();
		if ((L->count != 0 && L->started >= L->count) ||
		    (L->count == 0 && t0 >= L->deadline)) {
			pthread_mutex_unlock(&L->lock);
			break;
		}
		id = L->started++;
		pthread_mutex_unlock(&L->lock);
		late = 0;
		if (L->rate > 0) {
			sleep_until(t0);
			late = (now() - t0) * 1e6 > LATE_US;
		}
		refused = 0;
		rt = 0;
		err[0] = '\0';
		r = session(L, id, &refused, &rt, err, sizeof(err));
		us = (now() - t0) * 1e6;
		pthread_mutex_lock(&L->lock);
		L->done++;
		L->late += (unsigned long)late;
		L->round_trips += rt;
		if (r < 0) {
			L->errors++;
			if (!L->quiet && !L->error_shown++)
				fprintf(stderr, "milterload: session %lu: %s\n",
				    id, err);
		} else {
			L->refused += (unsigned long)refused;
			if (L->n_lat == L->max_lat) {
				L->max_lat = L->max_lat ? 2 * L->max_lat : 4096;
				L->lat = realloc(L->lat,
				    L->max_lat * sizeof(*L->lat));
				if (L->lat == NULL) {
					perror("milterload: realloc");
					exit(1);
				}
			}
			L->lat[L->n_lat++] = us;
		}
		pthread_mutex_unlock(&L->lock);
		if (L->hold)
			break;
	}
	return NULL;
}

/* cmp - order two latencies */
static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* usage - the synopsis */
static void
usage(void)
{
	fprintf(stderr, "usage: milterload -s unix:PATH [-r inbound|outbound]"
	    " [-c N] [-t SECONDS] [-n COUNT] [-R RATE | -H] [-q]\n"
	    "  -R RATE  open loop: RATE sessions/s in all, latency from each"
	    " session's slot\n");
	exit(2);
}

/* main - parse, start the threads, print the figures */
int
main(int argc, char **argv)
{
	struct load L;
	pthread_attr_t attr;
	pthread_t *tid;
	double secs, p50 = 0, p99 = 0, max = 0;
	long threads = 10, seconds = 10, i;
	int ch;

	memset(&L, 0, sizeof(L));
	while ((ch = getopt(argc, argv, "c:Hn:qR:r:s:t:")) != -1) {
		switch (ch) {
		case 'c':
			threads = strtol(optarg, NULL, 10);
			break;
		case 'H':
			L.hold = 1;
			break;
		case 'n':
			L.count = strtoul(optarg, NULL, 10);
			break;
		case 'q':
			L.quiet = 1;
			break;
		case 'R':
			L.rate = strtod(optarg, NULL);
			if (!(L.rate > 0))
				usage();
			break;
		case 'r':
			if (strcmp(optarg, "outbound") == 0)
				L.outbound = 1;
			else if (strcmp(optarg, "inbound") != 0)
				usage();
			break;
		case 's':
			if (strncmp(optarg, "unix:", 5) == 0)
				L.path = optarg + 5;
			else if (strncmp(optarg, "local:", 6) == 0)
				L.path = optarg + 6;
			else
				usage();
			break;
		case 't':
			seconds = strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (L.path == NULL || threads < 1 || threads > 100000 || seconds < 1 ||
	    (L.hold && L.rate > 0))
		usage();
	if (L.hold)
		L.count = (unsigned long)threads;
	pthread_mutex_init(&L.lock, NULL);
	if (L.hold)
		pthread_barrier_init(&L.barrier, NULL, (unsigned)threads);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	if ((tid = calloc((size_t)threads, sizeof(*tid))) == NULL) {
		perror("milterload: calloc");
		return 1;
	}
	/* the clock starts once every thread exists: slot 0 is not late */
	pthread_mutex_lock(&L.lock);
	for (i = 0; i < threads; i++)
		if ((errno = pthread_create(&tid[i], &attr, worker, &L)) != 0) {
			perror("milterload: pthread_create");
			return 1;
		}
	L.start = now();
	L.deadline = L.start + seconds;
	pthread_mutex_unlock(&L.lock);
	for (i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	secs = now() - L.start;
	if (L.n_lat > 0) {
		qsort(L.lat, L.n_lat, sizeof(*L.lat), cmp);
		p50 = L.lat[L.n_lat / 2];
		p99 = L.lat[(size_t)(L.n_lat * 0.99)];
		max = L.lat[L.n_lat - 1];
	}
	printf("sessions=%lu errors=%lu refused=%lu seconds=%.2f rate=%.0f "
	    "p50=%.0f p99=%.0f max=%.0f rt=%.2f", L.done, L.errors,
	    L.refused, secs, L.done / secs, p50, p99, max,
	    L.done ? (double)L.round_trips / L.done : 0.0);
	if (L.rate > 0)
		printf(" late=%lu", L.late);
	printf("\n");
	return L.errors == 0 ? 0 : 1;
}
