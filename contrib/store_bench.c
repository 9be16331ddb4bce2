/*
 * NAME
 *	store_bench 1
 * SUMMARY
 *	what one SMTP stage costs in the state store
 * SYNOPSIS
 *	store_bench [-n checks] [-t threads] memory
 *	store_bench [-n checks] [-t threads] redis host:port
 * DESCRIPTION
 *	Runs the MAIL stage of a submitted message as the milter does -
 *	store_check() with the client's and the login's quarantines and two
 *	rate counters - n times (default 10000) from each of t threads
 *	(default 1), and prints the wall time, the time per check and the
 *	checks per second. For Redis it also prints how many script calls
 *	and connections Redis saw (INFO commandstats and stats, asked over a
 *	connection of its own), that is the round trips per check.
 *	contrib/bench-store starts a private redis-server and runs both.
 * DIAGNOSTICS
 *	Exit status 1 when a check fails, with the store's error.
 */
#include "config.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

struct worker {
	pthread_t tid;
	struct store *st;
	unsigned n;
	int	failed;
};

/* stat_of - one number of a Redis INFO section, -1 if absent */
static long
stat_of(redisContext *c, const char *section, const char *field)
{
	redisReply *r = redisCommand(c, "INFO %s", section);
	const char *p;
	long n = -1;

	if (r != NULL && r->type == REDIS_REPLY_STRING &&
	    (p = strstr(r->str, field)) != NULL)
		n = strtol(p + strlen(field), NULL, 10);
	if (r != NULL)
		freeReplyObject(r);
	return n;
}

/* run - one thread's checks */
static void *
run(void *arg)
{
	struct worker *w = arg;
	struct store_counter k[2] = {
		{STORE_IP, "192.0.2.66", "messages", 3600000, 1, 0, 0},
		{STORE_LOGIN, "alice@example.net", "recipients", 3600000, 1, 0, 0},
	};
	struct store_check c;
	struct store_err err;
	unsigned i;

	for (i = 0; i < w->n; i++) {
		memset(&c, 0, sizeof(c));
		c.ip = "192.0.2.66";
		c.login = "alice@example.net";
		c.counters = k;
		c.n_counters = 2;
		if (store_check(w->st, &c, time(NULL), &err) < 0) {
			fprintf(stderr, "store_bench: %s\n", err.text);
			w->failed = 1;
			break;
		}
	}
	return NULL;
}

/* usage - how to call it */
static void
usage(void)
{
	fprintf(stderr, "usage: store_bench [-n checks] [-t threads] memory\n"
	    "       store_bench [-n checks] [-t threads] redis host:port\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	unsigned n = 10000, t = 1, i;
	struct store_redis_opts o;
	struct worker *w;
	struct store *st;
	struct timespec t0, t1;
	redisContext *raw = NULL;
	char err[256], host[64];
	long conns0 = 0;
	double ms;
	int ch, port, failed = 0;

	while ((ch = getopt(argc, argv, "n:t:")) != -1) {
		if (ch == 'n')
			n = (unsigned)strtoul(optarg, NULL, 10);
		else if (ch == 't')
			t = (unsigned)strtoul(optarg, NULL, 10);
		else
			usage();
	}
	argc -= optind;
	argv += optind;
	if (n == 0 || t == 0 || t > 64 || argc < 1)
		usage();
	if (strcmp(argv[0], "memory") == 0 && argc == 1)
		st = store_memory_new();
	else if (strcmp(argv[0], "redis") == 0 && argc == 2 &&
	    sscanf(argv[1], "%63[^:]:%d", host, &port) == 2) {
		memset(&o, 0, sizeof(o));
		o.server = argv[1];
		o.prefix = "bench:";
		o.timeout_ms = 1000;
		o.node = "bench";
		if ((st = store_redis_new(&o, err, sizeof(err))) == NULL) {
			fprintf(stderr, "store_bench: %s\n", err);
			return 1;
		}
		if ((raw = redisConnect(host, port)) == NULL || raw->err) {
			fprintf(stderr, "store_bench: cannot connect to %s\n",
			    argv[1]);
			return 1;
		}
	} else
		usage();

	if ((w = calloc(t, sizeof(*w))) == NULL)
		return 1;
	w[0].st = st;
	w[0].n = 1;
	run(&w[0]);		/* connect and load the script outside the clock */
	if (raw != NULL) {
		/* counts from zero: only the checks below are seen */
		freeReplyObject(redisCommand(raw, "CONFIG RESETSTAT"));
		conns0 = stat_of(raw, "stats", "total_connections_received:");
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < t; i++) {
		w[i].st = st;
		w[i].n = n;
		w[i].failed = 0;
		pthread_create(&w[i].tid, NULL, run, &w[i]);
	}
	for (i = 0; i < t; i++) {
		pthread_join(w[i].tid, NULL);
		failed |= w[i].failed;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("%s: %u threads x %u checks: %.1f ms, %.1f us per check, "
	    "%.0f checks/s\n", store_name(st), t, n, ms, ms * 1000 / (n * t),
	    (double)n * t / (ms / 1000));
	if (raw != NULL) {
		long es = stat_of(raw, "commandstats", "cmdstat_evalsha:calls=");
		long ev = stat_of(raw, "commandstats", "cmdstat_eval:calls=");
		long cn = stat_of(raw, "stats", "total_connections_received:");
		long calls = (es > 0 ? es : 0) + (ev > 0 ? ev : 0);

		printf("redis: %ld script calls for %u checks (%.2f round trips "
		    "per check), %ld new connections\n", calls, n * t,
		    (double)calls / (n * t), cn - conns0);
		redisFree(raw);
	}
	store_free(st);
	free(w);
	return failed;
}
