/*
 * NAME
 *	metrics_http 3
 * SUMMARY
 *	the metrics and health endpoint: /metrics and /health over HTTP
 * SYNOPSIS
 *	#include "metrics_http.h"
 * DESCRIPTION
 *	libmicrohttpd runs the endpoint in one internal thread that polls
 *	(MHD_USE_AUTO picks epoll on Linux: no FD_SETSIZE limit however
 *	many sessions the daemon has open). One thread means one request at
 *	a time: a scrape that waits for the store (bounded by RedisTimeout)
 *	delays the next scrape, never a session. Each answer is built
 *	whole in memory, then handed to libmicrohttpd, which frees it.
 *
 *	The address is parsed with conf_parse_hostport() and must be an IP
 *	address: the configuration was checked the same way (conf.c), and
 *	no name is resolved here.
 * DIAGNOSTICS
 *	See metrics_http.h. libmicrohttpd's messages while starting become
 *	the error text; later ones are logged.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "conf.h"
#include "log.h"
#include "metrics_http.h"

#define CONTENT_METRICS	"text/plain; version=0.0.4; charset=utf-8"
#define CONTENT_JSON	"application/json"
#define CONTENT_TEXT	"text/plain; charset=utf-8"

struct metrics_http {
	struct MHD_Daemon *daemon;
	struct metrics_http_ops ops;
	atomic_int starting;		/* messages go to why, not the log */
	char	why[256];
};

/* on_mhd_message - libmicrohttpd has something to say */
static void
on_mhd_message(void *arg, const char *fmt, va_list ap)
{
	struct metrics_http *h = arg;
	char text[256];
	size_t n;

	vsnprintf(text, sizeof(text), fmt, ap);
	n = strlen(text);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = '\0';
	if (atomic_load(&h->starting))
		snprintf(h->why, sizeof(h->why), "%s", text);
	else
		log_warnx("metrics endpoint: %s", text);
}

/* answer - queue a response that owns text's buffer */
static enum MHD_Result
answer(struct MHD_Connection *conn, unsigned status, const char *type,
    struct metrics_text *t)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	if (t->failed) {
		metrics_text_free(t);
		metrics_text_printf(t, "out of memory\n");
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		type = CONTENT_TEXT;
		if (t->failed)
			return MHD_NO;
	}
	r = MHD_create_response_from_buffer(t->len, t->buf,
	    MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		metrics_text_free(t);
		return MHD_NO;
	}
	t->buf = NULL;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* json_string - s as a JSON string */
static void
json_string(struct metrics_text *t, const char *s)
{
	metrics_text_printf(t, "\"");
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			metrics_text_printf(t, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			metrics_text_printf(t, "\\u%04x", c);
		else
			metrics_text_printf(t, "%c", c);
	}
	metrics_text_printf(t, "\"");
}

/* health - the JSON of /health, and its status */
static unsigned
health(const struct metrics_http *h, struct metrics_text *t)
{
	struct metrics_health st;

	memset(&st, 0, sizeof(st));
	h->ops.health(&st);
	metrics_text_printf(t, "{\"status\":\"%s\",\"store\":",
	    st.ok ? "ok" : "unavailable");
	json_string(t, st.store != NULL ? st.store : "none");
	metrics_text_printf(t, ",\"generation\":%lu,\"loaded\":%lld",
	    st.generation, (long long)st.loaded);
	if (!st.ok) {
		metrics_text_printf(t, ",\"error\":");
		json_string(t, st.error);
	}
	metrics_text_printf(t, "}\n");
	return st.ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE;
}

/* on_request - libmicrohttpd's handler: one request, answered at once */
static enum MHD_Result
on_request(void *arg, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **state)
{
	struct metrics_http *h = arg;
	struct metrics_text t;
	unsigned status;

	(void)version;
	(void)upload;
	(void)state;
	memset(&t, 0, sizeof(t));
	/* a GET has no body; a client that sends one is not waited for */
	if (*upload_len != 0) {
		*upload_len = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		metrics_text_printf(&t, "only GET and HEAD\n");
		return answer(conn, MHD_HTTP_METHOD_NOT_ALLOWED, CONTENT_TEXT,
		    &t);
	}
	if (strcmp(url, "/metrics") == 0) {
		if (h->ops.scrape != NULL)
			h->ops.scrape(&t);
		metrics_format(&t, h->ops.set);
		return answer(conn, MHD_HTTP_OK, CONTENT_METRICS, &t);
	}
	if (strcmp(url, "/health") == 0) {
		status = health(h, &t);
		return answer(conn, status, CONTENT_JSON, &t);
	}
	metrics_text_printf(&t, "not found: try /metrics or /health\n");
	return answer(conn, MHD_HTTP_NOT_FOUND, CONTENT_TEXT, &t);
}

/* listen_addr - "IP:PORT" or "[IPv6]:PORT" as a socket address */
static int
listen_addr(const char *listen, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char host[CONF_HOST_MAX];
	unsigned port;

	memset(ss, 0, sizeof(*ss));
	if (conf_parse_hostport(listen, host, sizeof(host), &port) < 0)
		return -1;
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)port);
		return 0;
	}
	return -1;
}

/* metrics_http_start - listen, and answer in a thread of its own */
struct metrics_http *
metrics_http_start(const char *listen, const struct metrics_http_ops *ops,
    char *err, size_t len)
{
	struct sockaddr_storage ss;
	struct metrics_http *h;
	sigset_t set, old;
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;

	if (listen_addr(listen, &ss) < 0) {
		snprintf(err, len, "\"%s\" is not IP:PORT", listen);
		return NULL;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	h->ops = *ops;
	atomic_store(&h->starting, 1);
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* the thread inherits the mask: the main thread takes the signals */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h,
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_message, h,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_HTTP_CONNECTIONS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_HTTP_IDLE_S,
	    MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (h->daemon == NULL) {
		snprintf(err, len, "cannot listen on %s: %s", listen,
		    h->why[0] ? h->why : "address in use or not allowed");
		free(h);
		return NULL;
	}
	atomic_store(&h->starting, 0);
	return h;
}

/* metrics_http_stop - close the endpoint and end its thread */
void
metrics_http_stop(struct metrics_http *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->daemon);
	free(h);
}
