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
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "runtime.h"
#include "xalloc.h"

#define RUNTIME_SWEEP_SECONDS	10	/* each sweep takes 50 ms at most */

static struct store *runtime_st;
static pthread_t sweeper;
static int sweeper_running;
static pthread_mutex_t sweep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sweep_cond = PTHREAD_COND_INITIALIZER;
static int sweep_stop;
static struct spf_checker *runtime_spf_checker;
static char runtime_hostname[64];

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
	    a.timeout_ms != b.timeout_ms || a.n_sentinels != b.n_sentinels)
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
	int stop;

	(void)arg;
	pthread_mutex_lock(&sweep_lock);
	for (;;) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += RUNTIME_SWEEP_SECONDS;
		while (!sweep_stop && pthread_cond_timedwait(&sweep_cond,
		    &sweep_lock, &until) == 0)
			;
		if ((stop = sweep_stop) != 0)
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

/* runtime_shutdown - stop the sweeper, release the store and SPF */
void
runtime_shutdown(void)
{
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
