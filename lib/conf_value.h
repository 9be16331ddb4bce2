/*
 * NAME
 *	conf_value 3h
 * SUMMARY
 *	the configuration's kinds of value (private to lib/conf*)
 * SYNOPSIS
 *	#include "conf_value.h"
 * DESCRIPTION
 *	A key (struct key, one row of the table in conf.c) names its kind
 *	of value (struct kind): how a value is parsed and stored, whether
 *	its lines add up, how its first line forgets the default. A kind
 *	parses either the whole value (parse) or, for a list, one item at
 *	a time (item), conf.c splitting the list and reading file:/path
 *	items. Every parser stores into the field the key names (offset,
 *	and offset2 for kinds that fill two) or into the fields of the
 *	one key that uses it, and reports through conf_err().
 *
 *	Allocation goes through conf_realloc() (conf_alloc.h), the one
 *	allocator of a load: running out of memory is an error of the
 *	value being read ("Key: out of memory"), never an exit, so that a
 *	reload that runs out keeps the running configuration.
 *
 *	conf_key_table() hands the key table to conf_dump.c, which prints
 *	each key's default from it.
 */
#ifndef ISO_CONF_VALUE_H
#define ISO_CONF_VALUE_H

#include "conf.h"
#include "conf_alloc.h"

/* Where a value came from, for messages; bad is set by any error. */
struct where {
	const char *file;
	int	line;
	struct strlist *errors;
	int    *bad;
};

struct key;

typedef void conf_parse_fn(struct conf *conf, const struct key *key,
	    const char *value, const struct where *w);
typedef void conf_clear_fn(struct conf *conf, const struct key *key);

#define KIND_LIST	0x01	/* several lines add up; may be empty */
#define KIND_EMPTY	0x02	/* one line, may be empty */

struct kind {
	conf_parse_fn *parse;	/* the whole value; NULL: item by item */
	conf_parse_fn *item;	/* one list item (KIND_LIST) */
	conf_clear_fn *clear;	/* the first line of a list forgets this */
	int	flags;
};

struct key {
	const char *name;
	const struct kind *kind;
	size_t	offset;		/* the field set */
	const char *def;	/* NULL: unset; one value a line (SPFAction) */
	long	min;		/* numbers, durations (ms) */
	long	max;
	size_t	offset2;	/* a second field (N/window: the window) */
	const char *const *words;	/* two words: the first sets 0 */
};

#define CONF_FIELD(conf, key, type)	((type *)((char *)(conf) + (key)->offset))

/* conf.c: the key table */
const struct key *conf_key_table(size_t *n_r);

/* conf_value.c: errors, memory, and scalar values */
void	conf_err(const struct where *w, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	conf_oom(const struct where *w, const struct key *key);
int	conf_set_text(char **field, const char *value, const struct where *w,
	    const struct key *key);
int	conf_parse_ulong(const char *text, unsigned long min,
	    unsigned long max, unsigned long *n_r);
int	conf_count_window(const char *name, const char *text,
	    unsigned long *n_r, unsigned long *window_r,
	    const struct where *w);
int	conf_valid_domain(const char *d);
conf_parse_fn conf_set_socket, conf_set_user, conf_set_group,
	    conf_set_redis_server, conf_set_umask, conf_set_size;

/* conf_list.c: list items, and the keys whose lines add up */
conf_parse_fn conf_add_domain, conf_add_network, conf_add_hostport,
	    conf_add_port, conf_add_daemon_role, conf_add_dynamic_check,
	    conf_add_allowed_rcpt;
conf_parse_fn conf_set_dnsbl, conf_set_rate_limit, conf_set_spf_action;
conf_clear_fn conf_clear_strings, conf_clear_networks, conf_clear_bits,
	    conf_clear_ports, conf_clear_daemon_roles;

/* conf_incident.c: the keys of the embedded store and the incident loop */
conf_parse_fn conf_set_count_window, conf_set_support, conf_set_escalation,
	    conf_set_command, conf_set_release_secret, conf_set_password;
int	conf_load_incident_files(struct conf *conf, struct strlist *errors);
void	conf_free_incident(struct conf *conf);

#endif
