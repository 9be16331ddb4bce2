/*
 * NAME
 *	conf_query 3
 * SUMMARY
 *	what the rest of the daemon asks of a configuration
 * SYNOPSIS
 *	#include "conf.h"
 * DESCRIPTION
 *	Lookups over a built struct conf (see conf.h), and the state store
 *	it names (conf_store_open: Redis when RedisServer or RedisSentinels
 *	is set, else the LMDB StateFile); conf.c reads and checks the file,
 *	this file only answers questions. A tool (isolationctl) gets one
 *	Redis connection and a command timeout of CONF_TOOL_TIMEOUT_MS at
 *	least: a listing may walk a large database and nobody waits on an
 *	SMTP reply.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "conf.h"

/* conf_is_submission_port - is port one of SubmissionPorts? */
int
conf_is_submission_port(const struct conf *conf, unsigned port)
{
	size_t i;

	for (i = 0; i < conf->n_submission_ports; i++)
		if (conf->submission_ports[i] == port)
			return 1;
	return 0;
}

/* conf_daemon_role - DaemonRoles lookup; 1 found, 0 not */
int
conf_daemon_role(const struct conf *conf, const char *name, enum role *role_r)
{
	size_t i;

	for (i = 0; i < conf->n_daemon_roles; i++) {
		if (strcasecmp(conf->daemon_roles[i].name, name) == 0) {
			*role_r = conf->daemon_roles[i].role;
			return 1;
		}
	}
	return 0;
}

/* conf_is_local_domain - is domain (lower case, no trailing dot) ours? */
int
conf_is_local_domain(const struct conf *conf, const char *domain)
{
	return strlist_contains_nocase(&conf->local_domains, domain);
}

/* conf_sender_opts - the ownership options of SenderLoginMap lookups */
void
conf_sender_opts(const struct conf *conf, struct sendermap_opts *o)
{
	o->login_is_address = conf->login_is_address;
	o->subaddress_delimiter = conf->subaddress_delimiter ?
	    conf->subaddress_delimiter : "";
	o->local_domains = &conf->local_domains;
}

/* conf_redis_opts - the Redis backend's options (node left NULL) */
void
conf_redis_opts(const struct conf *conf, struct store_redis_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->server = conf->redis_server;
	o->sentinels = (const char *const *)conf->redis_sentinels.v;
	o->n_sentinels = conf->redis_sentinels.n;
	o->master_name = conf->redis_master_name;
	o->user = conf->redis_user;
	o->password = conf->redis_password;
	o->database = conf->redis_database;
	o->prefix = conf->redis_prefix;
	o->timeout_ms = conf->redis_timeout_ms;
	o->pool_size = (unsigned)conf->redis_connections;
}

/* conf_store_open - the configured state store: Redis, else the StateFile */
struct store *
conf_store_open(const struct conf *conf, const char *node, int tool,
    char *err, size_t errlen)
{
	struct store_redis_opts r;
	struct store_lmdb_opts l;

	if (conf->redis_server != NULL || conf->redis_sentinels.n > 0) {
		conf_redis_opts(conf, &r);
		r.node = node;
		r.events_max = (unsigned long)conf->event_log_size;
		if (tool) {
			/* one connection; a listing may walk a large database */
			r.pool_size = 1;
			if (r.timeout_ms < CONF_TOOL_TIMEOUT_MS)
				r.timeout_ms = CONF_TOOL_TIMEOUT_MS;
		}
		return store_redis_new(&r, err, errlen);
	}
	memset(&l, 0, sizeof(l));
	l.path = conf->state_file;
	l.map_size = conf->state_file_size;
	l.node = node;
	l.events_max = (unsigned long)conf->event_log_size;
	return store_lmdb_new(&l, err, errlen);
}

/* conf_is_always_allowed - may a quarantined client still write to rcpt? */
int
conf_is_always_allowed(const struct conf *conf, const struct addr *rcpt)
{
	const char *entry, *at;
	size_t i, llen = strlen(rcpt->local);

	if (rcpt->null || rcpt->routed)
		return 0;
	for (i = 0; i < conf->always_allow.n; i++) {
		entry = conf->always_allow.v[i];
		at = strrchr(entry, '@');
		if ((size_t)(at - entry) != llen ||
		    strncasecmp(entry, rcpt->local, llen) != 0)
			continue;
		/* <postmaster> without a domain is ours (RFC 5321 4.5.1) */
		if (rcpt->domain[0] == '\0')
			return at[1] == '\0';
		if (at[1] == '\0' ? conf_is_local_domain(conf, rcpt->domain) :
		    strcasecmp(at + 1, rcpt->domain) == 0)
			return 1;
	}
	return 0;
}

/* conf_escalation - QuarantineEscalation as the store takes it */
void
conf_escalation(const struct conf *conf, struct store_escalation *e)
{
	e->factor = conf->esc_factor;
	e->max_ttl = (time_t)(conf->esc_max_ms / 1000);
	e->window = (time_t)(conf->esc_window_ms / 1000);
}
