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
	char	helo[256];

	/* DNS facts about the client, looked up once per session */
	int	dynamic_done;
	int	dynamic;		/* FACT_* */
	char	dynamic_why[256];

	/* the transaction */
	char	auth[256];		/* "" when not authenticated */
	char	from_text[512];		/* as given, for the log */
	int	from_ok;
	struct addr from;
	char	rcpt_text[512];
	int	rcpt_ok;
	struct addr rcpt;
	unsigned n_rcpts;
	int	quarantined;		/* FACT_*, read at every MAIL */
	struct rate_fact rates[CONF_RATE_LIMITS_MAX]; /* counted this stage */
	size_t	n_rates;
	int	rates_unknown;
	int	spf_checked;
	enum spf_result spf;
	char	spf_why[256];
	struct header_sender *hdr;	/* From: and Sender: addresses */
	size_t	n_hdr;
	char	hdr_bad[160];		/* why a header was refused */
	int	internal_error;		/* tempfail at end of message */
};

struct session *session_new(const struct session_origin *origin);
void	session_free(struct session *s);
void	session_set_helo(struct session *s, const char *helo);
void	session_begin_transaction(struct session *s, const char *from,
	    const char *auth_authen);
void	session_set_rcpt(struct session *s, const char *rcpt);
int	session_add_header(struct session *s, const char *name,
	    const char *value);
void	session_end_transaction(struct session *s);
void	session_facts(const struct session *s, struct facts *f);
void	session_log(const struct session *s, enum stage stage,
	    const struct verdict *v);
unsigned session_active(void);

#endif
