/*
 * NAME
 *	metrics_http 3h
 * SUMMARY
 *	the metrics and health endpoint: /metrics and /health over HTTP
 * SYNOPSIS
 *	#include "metrics_http.h"
 *
 *	struct metrics_http *metrics_http_start(const char *listen,
 *	    const struct metrics_http_ops *ops, char *err, size_t len);
 *	void metrics_http_stop(struct metrics_http *h);
 * DESCRIPTION
 *	metrics_http_start() listens on listen ("127.0.0.1:9795",
 *	"[::1]:9795": an IP address, not a name, and a port; MetricsListen's
 *	syntax) with libmicrohttpd, in one thread of its own, and answers
 *	GET (and HEAD):
 *
 *	/metrics: 200, the Prometheus text format 0.0.4 (Content-Type
 *	text/plain; version=0.0.4): what ops->scrape writes (may be NULL),
 *	then metrics_format() of ops->set.
 *
 *	/health: ops->health() fills a struct metrics_health; 200 when it
 *	says ok, else 503, with a JSON object: {"status":"ok" or
 *	"unavailable", "store":NAME, "generation":N, "loaded":UNIX_TIME,
 *	"error":TEXT (when not ok)}.
 *
 *	Anything else is 404; another method 405. Requests are handled one
 *	at a time, so ops are never called twice at once. A client cannot
 *	hold the endpoint: at most METRICS_HTTP_CONNECTIONS connections
 *	at once, each closed after METRICS_HTTP_IDLE_S seconds without
 *	traffic. The thread blocks SIGHUP, SIGTERM and SIGINT (the main
 *	thread takes them) and never touches a session.
 *
 *	metrics_http_stop() closes the socket, ends the thread and frees h
 *	(NULL is fine).
 * DIAGNOSTICS
 *	metrics_http_start() returns NULL with why in err: an address
 *	that is not IP:PORT, a port in use or not allowed, no memory.
 *	libmicrohttpd's own complaints afterwards (a client that breaks
 *	the protocol, out of memory) are logged as warnings.
 */
#ifndef ISO_METRICS_HTTP_H
#define ISO_METRICS_HTTP_H

#include <stddef.h>
#include <time.h>

#include "metrics.h"

#define METRICS_HTTP_CONNECTIONS	8
#define METRICS_HTTP_IDLE_S		5

/* What /health reports. */
struct metrics_health {
	int	ok;			/* 1: 200; 0: 503 */
	const char *store;		/* the store's backend name */
	unsigned long generation;	/* the configuration's */
	time_t	loaded;			/* when it was loaded */
	char	error[256];		/* not ok: why */
};

struct metrics_http_ops {
	enum metrics_set set;
	void	(*scrape)(struct metrics_text *t);
	void	(*health)(struct metrics_health *h);
};

struct metrics_http;

struct metrics_http *metrics_http_start(const char *listen,
	    const struct metrics_http_ops *ops, char *err, size_t len);
void	metrics_http_stop(struct metrics_http *h);

#endif
