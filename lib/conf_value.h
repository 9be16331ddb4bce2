/*
 * NAME
 *	conf_value 3h
 * SUMMARY
 *	the configuration's value parsers (private to conf.c)
 * SYNOPSIS
 *	#include "conf_value.h"
 * DESCRIPTION
 *	The parsers of values that have a syntax of their own (sockets,
 *	domains, durations, DNSBL filters, RateLimit, SPFAction), kept apart
 *	from the key table and the file reader in conf.c. Errors go through
 *	conf_err() as "file:line: message".
 */
#ifndef ISO_CONF_VALUE_H
#define ISO_CONF_VALUE_H

#include "conf.h"

/* Where a value came from, for messages. */
struct where {
	const char *file;
	int	line;
	struct strlist *errors;
};

void	conf_err(const struct where *w, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	conf_parse_ulong(const char *text, unsigned long min,
	    unsigned long max, unsigned long *n_r);
int	conf_count_window(const char *name, const char *text,
	    unsigned long *n_r, unsigned long *window_r,
	    const struct where *w);
int	conf_valid_domain(const char *d);
int	conf_parse_octal(const char *text, unsigned long max,
	    unsigned long *n_r);
const char *conf_valid_socket(const char *s);
void	conf_set_dnsbl(struct conf *conf, const char *value,
	    const struct where *w);
void	conf_set_login_quarantine(struct conf *conf, const char *value,
	    const struct where *w);
void	conf_set_rate_limit(struct conf *conf, const char *value,
	    const struct where *w);
void	conf_set_spf_action(struct conf *conf, const char *value,
	    const struct where *w);

/* conf_list.c: one list item each (name: the key's; field: its list) */
void	conf_add_domain(struct conf *conf, const char *name, void *field,
	    const char *item, const struct where *w);
void	conf_add_network(struct conf *conf, const char *name, void *field,
	    const char *item, const struct where *w);
void	conf_add_hostport(struct conf *conf, const char *name, void *field,
	    const char *item, const struct where *w);
void	conf_add_port(struct conf *conf, const char *name, void *field,
	    const char *item, const struct where *w);
void	conf_add_daemon_role(struct conf *conf, const char *name, void *field,
	    const char *item, const struct where *w);
void	conf_add_dynamic_check(struct conf *conf, const char *name,
	    void *field, const char *item, const struct where *w);

/* conf_incident.c: the keys of the embedded store and the incident loop */
void	conf_add_allowed_rcpt(struct conf *conf, const char *name,
	    void *field, const char *item, const struct where *w);
void	conf_set_support(struct conf *conf, const char *value,
	    const struct where *w);
void	conf_set_escalation(struct conf *conf, const char *value,
	    const struct where *w);
void	conf_set_alert_limit(struct conf *conf, const char *value,
	    const struct where *w);
void	conf_set_command(char **field, const char *name, const char *value,
	    const struct where *w);
void	conf_set_release_secret(struct conf *conf, const char *value,
	    const struct where *w);
void	conf_set_password(char **field, const char *name, const char *value,
	    const struct where *w);
void	conf_set_size(unsigned long long *field, const char *name,
	    const char *value, const struct where *w);
void	conf_load_incident_files(struct conf *conf, struct strlist *errors);
void	conf_free_incident(struct conf *conf);

#endif
