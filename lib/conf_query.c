/*
 * NAME
 *	conf_query 3
 * SUMMARY
 *	what the rest of the daemon asks of a configuration
 * SYNOPSIS
 *	#include "conf.h"
 * DESCRIPTION
 *	Lookups over a built struct conf (see conf.h), and the Redis
 *	backend options it names; conf.c reads and
 *	checks the file, this file only answers questions.
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
}
