/*
 * NAME
 *	runtime 3
 * SUMMARY
 *	what outlives a configuration: the state store and the SPF checker
 * SYNOPSIS
 *	#include "runtime.h"
 * DESCRIPTION
 *	The SPF checker is always created, so that turning SPF on with a
 *	reload needs no restart. The resolver options that bound one DNS
 *	query are set here, before any thread exists.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime.h"

static struct store *runtime_st;
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

/* runtime_init - create the store and the SPF checker */
int
runtime_init(const struct conf *conf)
{
	char err[256];

	if (gethostname(runtime_hostname, sizeof(runtime_hostname)) < 0)
		snprintf(runtime_hostname, sizeof(runtime_hostname), "unknown");
	runtime_hostname[sizeof(runtime_hostname) - 1] = '\0';
	if (conf->redis_server != NULL || conf->redis_sentinels.n > 0) {
		struct store_redis_opts o;

		conf_redis_opts(conf, &o);
		o.node = runtime_hostname;
		runtime_st = store_redis_new(&o, err, sizeof(err));
		if (runtime_st == NULL) {
			fprintf(stderr, "isolation-milter: Redis: %s\n", err);
			return -1;
		}
	} else if ((runtime_st = store_memory_new()) == NULL) {
		fprintf(stderr, "isolation-milter: cannot create the state store\n");
		return -1;
	}
	spf_resolver_options((unsigned)conf->dns_timeout_ms);
	runtime_spf_checker = spf_new((unsigned)conf->dns_timeout_ms, err,
	    sizeof(err));
	if (runtime_spf_checker == NULL) {
		fprintf(stderr, "isolation-milter: SPF: %s\n", err);
		return -1;
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

/* runtime_shutdown - release both */
void
runtime_shutdown(void)
{
	spf_free(runtime_spf_checker);
	runtime_spf_checker = NULL;
	store_free(runtime_st);
	runtime_st = NULL;
}
