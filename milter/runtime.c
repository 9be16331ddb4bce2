/*
 * NAME
 *	runtime 3
 * SUMMARY
 *	what outlives a configuration: the state store and the SPF checker
 * SYNOPSIS
 *	#include "runtime.h"
 * DESCRIPTION
 *	The SPF checker is always created, so that turning SPF on with a
 *	reload needs no restart. It holds no DNSTimeout of its own: each
 *	check is given what its stage has left of the DNSTimeout of the
 *	session's configuration (lookups_dns.c), so that a reload applies
 *	a new one to SPF as it does to the DNSBL and reverse DNS lookups.
 *
 *	The metrics endpoint (MetricsListen) is started last, once the
 *	store is open, since /health asks it. Its scrape reads the live
 *	quarantines from the store at most every RUNTIME_LIVE_CACHE_S
 *	seconds (Redis walks every key for them: see store.h), so that
 *	scrapes never hammer the store; a failed read is cached as long,
 *	and its gauge left out of the scrape meanwhile (unknown, not 0).
 *	/health asks the store one read (a note that need not exist),
 *	bounded by RedisTimeout like any other.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "confref.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"
#include "runtime.h"
#include "xalloc.h"

#define RUNTIME_SWEEP_SECONDS	10	/* each sweep takes 50 ms at most */
#define RUNTIME_LIVE_CACHE_S	10	/* live quarantines read so often */

static struct store *runtime_st;
static pthread_t sweeper;
static int sweeper_running;
static pthread_mutex_t sweep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sweep_cond = PTHREAD_COND_INITIALIZER;
static int sweep_stop;
static struct spf_checker *runtime_spf_checker;
static char runtime_hostname[64];
static struct metrics_http *runtime_http;

/* the live quarantines of the last scrape that read them */
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static int live_read;			/* 0: never, 1: ok, -1: failed */
static time_t live_at;
static unsigned long live_n[STORE_LOGIN + 1];

/* same - two optional strings are equal */
static int
same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* runtime_store_changed - would conf need another store than the one made? */
int
runtime_store_changed(const struct conf *old, const struct conf *conf)
{
	struct store_redis_opts a, b;
	size_t i;

	conf_redis_opts(old, &a);
	conf_redis_opts(conf, &b);
	if (!same(old->state_file, conf->state_file) ||
	    old->state_file_size != conf->state_file_size ||
	    old->event_log_size != conf->event_log_size)
		return 1;
	if (!same(a.server, b.server) || !same(a.master_name, b.master_name) ||
	    !same(a.user, b.user) || !same(a.password, b.password) ||
	    !same(a.prefix, b.prefix) || a.database != b.database ||
	    a.timeout_ms != b.timeout_ms || a.n_sentinels != b.n_sentinels ||
	    a.pool_size != b.pool_size)
		return 1;
	for (i = 0; i < a.n_sentinels; i++)
		if (!same(a.sentinels[i], b.sentinels[i]))
			return 1;
	return 0;
}

/* state_folder_hint - why the StateFile may not open after the drop */
static const char *
state_folder_hint(const struct conf *conf)
{
	static char hint[160];
	char *path, *slash;
	int ok;

	if (conf->redis_server != NULL || conf->redis_sentinels.n > 0 ||
	    conf->state_file == NULL)
		return "";
	path = xmalloc(strlen(conf->state_file) + sizeof("-lock"));
	sprintf(path, "%s-lock", conf->state_file);
	ok = (access(conf->state_file, R_OK | W_OK) == 0 || errno == ENOENT) &&
	    (access(path, R_OK | W_OK) == 0 || errno == ENOENT);
	if ((slash = strrchr(path, '/')) != NULL)
		*(slash == path ? slash + 1 : slash) = '\0';
	ok = ok && access(path, W_OK | X_OK) == 0;
	free(path);
	if (ok)
		return "";
	snprintf(hint, sizeof(hint), " (the file, its lock file and its folder "
	    "must be writable by uid %lu, the UserID the milter runs as)",
	    (unsigned long)geteuid());
	return hint;
}

/* sweep_loop - drop what expired from the store, until runtime_shutdown */
static void *
sweep_loop(void *arg)
{
	struct timespec until;
	struct store_err err;

	(void)arg;
	pthread_mutex_lock(&sweep_lock);
	for (;;) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += RUNTIME_SWEEP_SECONDS;
		while (!sweep_stop && pthread_cond_timedwait(&sweep_cond,
		    &sweep_lock, &until) == 0)
			;
		if (sweep_stop)
			break;
		pthread_mutex_unlock(&sweep_lock);
		if (store_sweep(runtime_st, time(NULL), &err) < 0)
			log_warnx("state store %s: sweeping expired records: %s",
			    store_name(runtime_st), err.text);
		pthread_mutex_lock(&sweep_lock);
	}
	pthread_mutex_unlock(&sweep_lock);
	return NULL;
}

/* count_live - store_list_fn: count the records */
static int
count_live(void *arg, enum store_kind kind, const char *key,
    const struct quarantine *q)
{
	(void)kind;
	(void)key;
	(void)q;
	(*(unsigned long *)arg)++;
	return 0;
}

/* read_live - count the live quarantines per kind; 0, or -1 */
static int
read_live(time_t now, unsigned long *n)
{
	unsigned long long start;
	struct store_err err;
	int kind, rc;

	for (kind = STORE_IP; kind <= STORE_LOGIN; kind++) {
		n[kind] = 0;
		start = metrics_clock_ns();
		rc = store_quarantine_list(runtime_st, (enum store_kind)kind,
		    now, count_live, &n[kind], &err);
		metrics_store(METRICS_STORE_LIST, rc >= 0,
		    metrics_clock_ns() - start);
		if (rc < 0) {
			log_warnx("metrics: reading the live quarantines from "
			    "state store %s: %s", store_name(runtime_st),
			    err.text);
			return -1;
		}
	}
	return 0;
}

/* scrape_live - the live quarantines gauge, from the store or the cache */
static void
scrape_live(struct metrics_text *t)
{
	unsigned long n[STORE_LOGIN + 1];
	time_t now = time(NULL);
	int ok;

	pthread_mutex_lock(&live_lock);
	if (live_read == 0 || now < live_at ||
	    now - live_at >= RUNTIME_LIVE_CACHE_S) {
		live_read = read_live(now, live_n) == 0 ? 1 : -1;
		live_at = now;
	}
	ok = live_read > 0;
	memcpy(n, live_n, sizeof(n));
	pthread_mutex_unlock(&live_lock);
	if (!ok)
		return;
	metrics_text_family(t, "isolation_milter_quarantines_live", "gauge",
	    "Quarantine records live in the state store (every node's), by "
	    "kind; read at most every 10 s.");
	metrics_text_sample(t, "isolation_milter_quarantines_live", n[STORE_IP],
	    "kind", "ip", (const char *)NULL);
	metrics_text_sample(t, "isolation_milter_quarantines_live",
	    n[STORE_LOGIN], "kind", "login", (const char *)NULL);
}

/* health - a configuration runs and the store answers */
static void
health(struct metrics_health *h)
{
	struct confref *ref = confref_get();
	unsigned long long start;
	struct store_err err;
	char value[STORE_NOTE_MAX];
	int rc;

	h->store = store_name(runtime_st);
	metrics_config(&h->generation, &h->loaded);
	if (ref == NULL) {
		snprintf(h->error, sizeof(h->error), "no configuration loaded");
		return;
	}
	confref_put(ref);
	start = metrics_clock_ns();
	rc = store_note_get(runtime_st, "health", time(NULL), value,
	    sizeof(value), &err);
	metrics_store(METRICS_STORE_HEALTH, rc >= 0, metrics_clock_ns() - start);
	if (rc < 0) {
		snprintf(h->error, sizeof(h->error), "%s", err.text);
		return;
	}
	h->ok = 1;
}

static const struct metrics_http_ops runtime_http_ops = {
	METRICS_MILTER, scrape_live, health,
};

/* runtime_init - create the store, its sweeper and the SPF checker */
int
runtime_init(const struct conf *conf)
{
	char err[256];

	if (gethostname(runtime_hostname, sizeof(runtime_hostname)) < 0)
		snprintf(runtime_hostname, sizeof(runtime_hostname), "unknown");
	runtime_hostname[sizeof(runtime_hostname) - 1] = '\0';
	runtime_st = conf_store_open(conf, runtime_hostname, 0, err, sizeof(err));
	if (runtime_st == NULL) {
		log_msg(LOG_LEVEL_ERROR, "state store: %s%s", err,
		    state_folder_hint(conf));
		return -1;
	}
	if (pthread_create(&sweeper, NULL, sweep_loop, NULL) != 0) {
		log_msg(LOG_LEVEL_ERROR, "cannot start the state store's sweeper");
		return -1;
	}
	sweeper_running = 1;
	runtime_spf_checker = spf_new(0, err, sizeof(err));
	if (runtime_spf_checker == NULL) {
		log_msg(LOG_LEVEL_ERROR, "SPF: %s", err);
		return -1;
	}
	if (strcmp(store_name(runtime_st), "lmdb") == 0)
		log_info("state store lmdb: %s", conf->state_file);
	metrics_init(time(NULL));
	if (conf->metrics_listen != NULL) {
		runtime_http = metrics_http_start(conf->metrics_listen,
		    &runtime_http_ops, err, sizeof(err));
		if (runtime_http == NULL) {
			log_msg(LOG_LEVEL_ERROR, "MetricsListen: %s", err);
			return -1;
		}
		log_info("metrics on http://%s/metrics and /health",
		    conf->metrics_listen);
	}
	return 0;
}

/* runtime_store - the state store */
struct store *
runtime_store(void)
{
	return runtime_st;
}

/* runtime_spf - the SPF checker */
struct spf_checker *
runtime_spf(void)
{
	return runtime_spf_checker;
}

/* runtime_node - this server's name */
const char *
runtime_node(void)
{
	return runtime_hostname;
}

/* runtime_shutdown - stop the endpoint and the sweeper, release the
 * store and SPF */
void
runtime_shutdown(void)
{
	metrics_http_stop(runtime_http);
	runtime_http = NULL;
	spf_free(runtime_spf_checker);
	runtime_spf_checker = NULL;
	if (sweeper_running) {
		pthread_mutex_lock(&sweep_lock);
		sweep_stop = 1;
		pthread_cond_signal(&sweep_cond);
		pthread_mutex_unlock(&sweep_lock);
		pthread_join(sweeper, NULL);
		sweeper_running = 0;
	}
	store_free(runtime_st);
	runtime_st = NULL;
}
