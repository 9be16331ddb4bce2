/*
 * NAME
 *	session 3h
 * SUMMARY
 *	one SMTP session as the milter sees it
 * SYNOPSIS
 *	#include "session.h"
 * DESCRIPTION
 *	A session owns copies of everything the MTA told it (libmilter's
 *	strings do not outlive a callback), a reference to the configuration
 *	it started with, and its role. The transaction part (sender,
 *	recipients, the addresses of From: and Sender:) is cleared at every
 *	MAIL FROM and on abort (RSET).
 *
 *	Memory per session is bounded: every MTA string is copied into a
 *	fixed buffer; only the current recipient is kept (RateLimit counts
 *	recipients in the store); From: and Sender: count against
 *	SESSION_HDR_ADDRS_MAX addresses and SESSION_HDR_TEXT_MAX octets per
 *	message. What cannot be kept whole is never used cut short: a value
 *	for the log is cut (the log line says so), a HELO too long for its
 *	buffer names no host, an MTA setting too long is not used, and a
 *	login or headers over a limit make the transaction a tempfail
 *	(session->limit says why).
 */
#ifndef ISO_SESSION_H
#define ISO_SESSION_H

#include <sys/socket.h>

#include "addr.h"
#include "confref.h"
#include "policy.h"

/* What the MTA says at connect. */
struct session_origin {
	const struct sockaddr *hostaddr;
	const char *daemon_name;	/* {daemon_name} */
	const char *daemon_port;	/* {daemon_port} */
	const char *daemon_addr;	/* {daemon_addr} */
	const char *mta_version;	/* v */
	const char *our_hostname;	/* j */
};

#define SESSION_TEXT_MAX	512	/* HELO, MAIL FROM, RCPT TO kept for the log */
#define SESSION_LOGIN_MAX	255	/* octets of a login, decoded */
#define SESSION_HDR_ADDRS_MAX	100	/* From: and Sender: addresses per message */
#define SESSION_HDR_TEXT_MAX	(64 * 1024) /* octets of From: and Sender: per message */

struct session {
	struct confref *ref;
	const struct conf *conf;	/* ref->conf */
	char	id[24];
	enum role role;
	int	ip_known;
	struct ipaddr ip;
	char	ip_text[64];
	unsigned daemon_port;
	char	daemon_name[64];
	int	sendmail;		/* {auth_authen} is xtext */
	char	our_hostname[256];
	int	daemon_addr_known;
	struct ipaddr daemon_addr;
	char	helo[SESSION_TEXT_MAX];
	int	helo_cut;		/* did not fit: names no host */

	/* DNS facts about the client, looked up once per session */
	int	dynamic_done;
	int	dynamic;		/* FACT_* */
	char	dynamic_why[256];

	/* the transaction */
	char	auth[SESSION_LOGIN_MAX + 1]; /* "" when not authenticated */
	char	queue[64];		/* the MTA's queue id, "" until known */
	char	from_text[SESSION_TEXT_MAX]; /* as given, for the log */
	int	from_ok;
	struct addr from;
	char	rcpt_text[SESSION_TEXT_MAX];
	int	rcpt_ok;
	struct addr rcpt;
	int	quarantined;		/* FACT_*, read at every MAIL */
	struct rate_fact rates[CONF_RATE_LIMITS_MAX]; /* counted this stage */
	size_t	n_rates;
	int	rates_unknown;
	int	spf_checked;
	enum spf_result spf;
	char	spf_why[256];
	struct header_sender *hdr;	/* From: and Sender: addresses */
	size_t	n_hdr;
	size_t	hdr_octets;		/* of From: and Sender: so far */
	char	hdr_bad[160];		/* why a header was refused */
	char	limit[160];		/* over a limit: why; a tempfail */
	int	internal_error;		/* tempfail at end of message */
};

struct session *session_new(const struct session_origin *origin);
void	session_free(struct session *s);
void	session_set_helo(struct session *s, const char *helo);
int	session_begin_transaction(struct session *s, const char *from,
	    const char *auth_authen);
void	session_set_queue(struct session *s, const char *queue_id);
void	session_set_rcpt(struct session *s, const char *rcpt);
int	session_add_header(struct session *s, const char *name,
	    const char *value);
void	session_end_transaction(struct session *s);
void	session_facts(const struct session *s, struct facts *f);
void	session_log(const struct session *s, enum stage stage,
	    const struct verdict *v);
unsigned session_active(void);

#endif
