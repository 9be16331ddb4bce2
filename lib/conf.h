/*
 * NAME
 *	conf 3h
 * SUMMARY
 *	the configuration file: keys, values, validation
 * SYNOPSIS
 *	#include "conf.h"
 *
 *	struct conf *conf_load(const char *path, struct strlist *errors);
 *	struct conf *conf_parse(const char *name, const char *text,
 *	    struct strlist *errors);
 *	void conf_free(struct conf *conf);
 *	int conf_dump(const struct conf *conf, FILE *fp);
 * DESCRIPTION
 *	One "Key value" per line, # comments, keys case-insensitive, list
 *	values separated by commas or white space, a list item "file:/path"
 *	read one entry per line. Durations take ms, s, m, h, d. A comment
 *	takes a line of its own or ends one: a # after white space starts
 *	it; "\#" after white space is a # of the value. The key
 *	table in conf.c (one row per key: name, kind of value, field,
 *	default) is the single list of keys; the man page and
 *	etc/isolation-milter.conf mirror it.
 *
 *	Every check of a value is made here, when the file is read: what
 *	isolation-milter -n accepts, the daemon accepts at start-up and on
 *	SIGHUP, and the reverse. That includes what only looks at this host
 *	without changing it: users and groups (UserID, SocketGroup, resolved
 *	to ids kept in struct conf), the files the configuration names
 *	(file: lists, SenderLoginMap, AlertTemplate, AlertContacts, secret
 *	files). What depends on the moment the daemon starts (a socket in
 *	use, the StateFile's folder, a Redis server that answers) is left to
 *	the daemon.
 *
 *	The loader keeps, in file order, each line that set a key: the key,
 *	the line number and the value as written (struct conf_line).
 *	conf_dump() prints from them the configuration in effect as a
 *	configuration file (isolation-milter -d): every key of the table
 *	and every Action.<rule id>, one line each, "Key value" followed by
 *	"# file:line", "# default", or, for a key without a default that
 *	the file does not set, "#Key" and "# default: not set"; a key the
 *	file gives on several lines is printed on each of them, and the
 *	defaults of SPFAction, which the file's lines add to, before them.
 *	The output loads to the same configuration.
 *
 *	The Socket is taken apart when read (socket_family, socket_path,
 *	socket_host, socket_port), so the daemon does not parse it again.
 *
 *	A struct conf is immutable once built: the daemon swaps whole
 *	configurations on SIGHUP and sessions keep the one they started on.
 *	The SenderLoginMap file is read as part of the configuration, so a
 *	reload rereads it and a broken map keeps the old configuration.
 *
 *	conf_parse_hostport() takes "host:port" or "[v6]:port" (port
 *	1-65535, host 1 to CONF_HOST_MAX - 1 octets): RedisServer's and
 *	RedisSentinels' syntax, for the Redis connection code to share.
 * DIAGNOSTICS
 *	conf_load() and conf_parse() return NULL when anything is wrong and
 *	append every problem to errors as "file:line: message"; running out
 *	of memory is one of them ("Key: out of memory"), never an exit.
 *	conf_parse_hostport() returns 0, or -1 with its outputs untouched.
 *	conf_dump() returns 0, or -1 when writing to fp failed.
 */
#ifndef ISO_CONF_H
#define ISO_CONF_H

#include <stdio.h>
#include <sys/types.h>

#include "alert.h"
#include "contacts.h"
#include "addr.h"
#include "log.h"
#include "netset.h"
#include "rules.h"
#include "sendermap.h"
#include "spf_result.h"
#include "store.h"
#include "strlist.h"

#define CONF_DEFAULT_FILE	SYSCONFDIR "/isolation-milter/isolation-milter.conf"
#define CONF_DEFAULT_SOCKET	"inet:8895@127.0.0.1"
#define CONF_DEFAULT_STATE_FILE	LOCALSTATEDIR "/lib/isolation-milter/state.lmdb"

#define CONF_RATE_LIMITS_MAX	16	/* RateLimit lines */
#define CONF_TOOL_TIMEOUT_MS	5000	/* isolationctl's Redis timeout, at least */
#define CONF_HOST_MAX		256	/* a host name of HOST:PORT, with its NUL */

enum rate_scope { RATE_SCOPE_IP, RATE_SCOPE_LOGIN };
enum rate_what { RATE_MESSAGES, RATE_RECIPIENTS };

struct daemon_role {
	char   *name;
	enum role role;
};

struct rate_limit {
	enum rate_scope scope;
	enum rate_what what;
	unsigned long limit;
	unsigned long window_ms;
};

/* DynamicIPChecks: the signs inbound.dynamic_ip acts on */
#define DYNAMIC_DNSBL		0x01
#define DYNAMIC_GENERIC		0x02
#define DYNAMIC_NO_PTR		0x04
#define DYNAMIC_UNCONFIRMED	0x08

struct dnsbl {
	char   *zone;
	/* compiled at parse time (dns.h), its text inside; one block that
	 * free() releases; NULL: any answer lists */
	struct dnsbl_filter *filter;
};

/* A line of the file that set a key, for conf_dump(). */
struct conf_line {
	const char *key;	/* the key table's name; NULL: Action.<rule> */
	enum rule_id rule;	/* with key NULL */
	int	line;
	char   *value;		/* as written, without its comment */
};

struct conf {
	char   *path;
	struct conf_line *lines;	/* the lines that set keys, file order */
	size_t	n_lines;

	/* daemon */
	char   *socket;
	int	socket_family;		/* AF_UNIX, AF_INET or AF_INET6 */
	const char *socket_path;	/* AF_UNIX: the path, inside socket */
	char	socket_host[CONF_HOST_MAX]; /* inet: the host, without [] */
	unsigned socket_port;		/* inet */
	unsigned socket_umask;		/* UMask: the unix socket's mode is 0777 & ~it */
	char   *socket_group;		/* SocketGroup; NULL: the daemon's */
	gid_t	socket_gid;		/* SocketGroup, resolved when read */
	unsigned long milter_timeout_ms; /* MilterTimeout: libmilter's I/O timeout */
	char   *pidfile;
	char   *userid;
	uid_t	user_uid;		/* UserID, resolved when read */
	gid_t	user_gid;
	int	core_dumps;		/* CoreDumps: the daemon may dump core */
	char   *metrics_listen;		/* MetricsListen IP:PORT; NULL: off */
	char   *notify_metrics_listen;	/* NotifyMetricsListen; NULL: off */
	int	syslog;
	int	syslog_facility;
	enum log_level log_level;

	/* roles and policy */
	int	mode_report;
	enum role role;
	enum role default_role;
	struct daemon_role *daemon_roles;
	size_t	n_daemon_roles;
	unsigned *submission_ports;
	size_t	n_submission_ports;
	struct strlist local_domains;	/* lower case, no trailing dot */
	struct netset *customer_networks;
	struct netset *customer_servers;
	struct netset *trusted_networks;
	int	ipv6_prefix;		/* IPv6Prefix: clients keyed by this /N */
	char   *sender_login_map;
	struct sendermap *sender_map;	/* SenderLoginMap, loaded with the file */
	int	login_is_address;
	char   *subaddress_delimiter;	/* "" disables */
	int	null_sender_reject;
	int	customer_port25_open;
	struct rate_limit *rate_limits;
	size_t	n_rate_limits;
	/* LoginQuarantine: refusals of a login that quarantine it; limit 0: off */
	unsigned long login_strikes;
	unsigned long login_strikes_window_ms;
	unsigned long quarantine_ttl_ms;
	int	on_state_error_tempfail;
	struct dnsbl *dnsbls;
	size_t	n_dnsbls;
	int	spf;
	enum action spf_actions[SPF_RESULT_COUNT];	/* [FAIL] unused: Action.inbound.spf_fail */
	unsigned dynamic_checks;
	unsigned long dns_timeout_ms;
	enum action actions[RULE_COUNT];

	/* shared state */
	char   *redis_server;
	struct strlist redis_sentinels;
	char   *redis_master_name;
	char   *redis_password;
	char   *redis_user;
	int	redis_database;
	char   *redis_prefix;
	unsigned long redis_timeout_ms;
	int	redis_connections;	/* RedisConnections: the pool's size */

	/* the embedded store (without Redis) */
	char   *state_file;			/* StateFile */
	unsigned long long state_file_size;	/* StateFileSize, octets */
	int	event_log_size;			/* EventLogSize: events kept */

	/* the incident loop */
	struct strlist always_allow;	/* AlwaysAllowRecipients: "abuse@" (every
					 * LocalDomain) or "abuse@example.net" */
	char   *support_contact;	/* SupportContact; NULL: none */
	unsigned esc_factor;		/* QuarantineEscalation; 0: off */
	unsigned long esc_max_ms;
	unsigned long esc_window_ms;
	unsigned long last_login_ttl_ms; /* LastLoginTTL: ip -> login notes */
	char   *alert_template_path;	/* AlertTemplate */
	struct alert_template *alert_template; /* loaded with the file; NULL: no mail */
	char   *alert_sendmail;		/* AlertSendmail: a command line, no shell */
	char   *alert_contacts_path;	/* AlertContacts */
	struct contacts *alert_contacts;
	unsigned long alert_limit;	/* AlertLimit: alerts per recipient; 0: no limit */
	unsigned long alert_limit_window_ms;
	char   *event_command;		/* EventCommand: a command line; NULL: none */
	unsigned long event_command_timeout_ms;
	char   *release_secret_path;	/* ReleaseSecret file:/path */
	unsigned char *release_secret;	/* its content; NULL: no self-service */
	size_t	release_secret_len;
	unsigned long self_release_interval_ms;
};

struct conf *conf_load(const char *path, struct strlist *errors);
struct conf *conf_parse(const char *name, const char *text,
	    struct strlist *errors);
void	conf_free(struct conf *conf);
int	conf_dump(const struct conf *conf, FILE *fp);

int	conf_is_submission_port(const struct conf *conf, unsigned port);
int	conf_daemon_role(const struct conf *conf, const char *name,
	    enum role *role_r);
int	conf_is_local_domain(const struct conf *conf, const char *domain);
void	conf_sender_opts(const struct conf *conf, struct sendermap_opts *o);
void	conf_redis_opts(const struct conf *conf, struct store_redis_opts *o);
struct store *conf_store_open(const struct conf *conf, const char *node,
	    int tool, char *err, size_t errlen);
int	conf_is_always_allowed(const struct conf *conf, const struct addr *rcpt);
void	conf_escalation(const struct conf *conf, struct store_escalation *e);

int	conf_parse_duration(const char *text, unsigned long *ms_r);
int	conf_parse_bool(const char *text, int *bool_r);
int	conf_parse_hostport(const char *text, char *host, size_t hostlen,
	    unsigned *port_r);

#endif
