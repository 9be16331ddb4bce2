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
 *	What the MTA says about the envelope is kept by the facts builder
 *	(envelope.h), the one isolationctl explain uses too; the session
 *	adds what the lookups found and the From: and Sender: addresses.
 *
 *	Memory per session is bounded: every MTA string is copied into a
 *	fixed buffer; only the current recipient is kept (RateLimit counts
 *	recipients in the store); From: and Sender: count against
 *	SESSION_HDR_ADDRS_MAX addresses and SESSION_HDR_TEXT_MAX octets per
 *	message. A login or headers over a limit make the transaction a
 *	tempfail (session->limit says why).
 */
#ifndef ISO_SESSION_H
#define ISO_SESSION_H

#include <sys/socket.h>

#include "addr.h"
#include "confref.h"
#include "envelope.h"
#include "policy.h"

#define SESSION_HDR_ADDRS_MAX	100	/* From: and Sender: addresses per message */
#define SESSION_HDR_TEXT_MAX	(64 * 1024) /* octets of From: and Sender: per message */

struct session {
	struct confref *ref;
	const struct conf *conf;	/* ref->conf */
	char	id[24];
	struct envelope env;		/* what the MTA said: client, HELO,
					   sender, login, recipient */

	/* DNS facts about the client, looked up once per session */
	int	dynamic_done;
	int	dynamic;		/* FACT_* */
	char	dynamic_why[256];

	/* the transaction */
	char	queue[64];		/* the MTA's queue id, "" until known */
	int	quarantine_done;	/* read in this transaction */
	int	quarantined;		/* FACT_* */
	struct rate_fact rates[CONF_RATE_LIMITS_MAX]; /* counted this stage */
	size_t	n_rates;
	int	rates_unknown;
	int	spf_checked;
	enum spf_result spf;
	char	spf_why[256];
	int	hdr_wanted;		/* the plan needs them: 1, no: -1, 0: ask */
	struct header_sender *hdr;	/* From: and Sender: addresses */
	size_t	n_hdr;
	size_t	hdr_room;		/* entries allocated at hdr */
	size_t	hdr_octets;		/* of From: and Sender: so far */
	char	hdr_bad[160];		/* why a header was refused */
	char	limit[160];		/* over a limit: why; a tempfail */
	int	internal_error;		/* tempfail at end of message */
};

struct session *session_new(const struct sockaddr *hostaddr,
	    const struct envelope_origin *origin);
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
