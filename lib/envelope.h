/*
 * NAME
 *	envelope 3h
 * SUMMARY
 *	the facts builder: what the MTA (or isolationctl explain) says
 *	about a session, as the policy engine's facts
 * SYNOPSIS
 *	#include "envelope.h"
 *
 *	void envelope_connect(struct envelope *e, const struct conf *conf,
 *	    const char *id, const struct envelope_origin *origin);
 *	void envelope_helo(struct envelope *e, const char *helo);
 *	int envelope_mail(struct envelope *e, const char *from,
 *	    const char *auth_authen, char *why, size_t len);
 *	void envelope_rcpt(struct envelope *e, const char *rcpt);
 *	void envelope_reset(struct envelope *e);
 *	void envelope_facts(const struct envelope *e, struct facts *f);
 *	int envelope_port(const char *text, unsigned *port_r);
 * DESCRIPTION
 *	One builder of facts for the daemon and for isolationctl explain,
 *	so that both see a session the same way: the same address parser,
 *	the same port and address syntax, the same role choice
 *	(policy_role()), the same store key for the client (ip_store_key():
 *	an IPv6 client by its IPv6Prefix network), the same login decoding.
 *
 *	envelope_connect() takes what the MTA says at connect: the client
 *	address, {daemon_name}, {daemon_port}, {daemon_addr}, "v" and "j".
 *	The MTA is Sendmail when "v" is a bare version number ("8.17.1");
 *	Postfix sends "Postfix 3.7.11". Only Sendmail xtext-encodes
 *	{auth_authen}, so without such a "v" the login is taken as it is:
 *	decoding a Postfix login such as "dave+2Bx" would make it another.
 *
 *	envelope_mail() starts a transaction (MAIL FROM, also after RSET):
 *	the last one's sender, login and recipient are forgotten.
 *	envelope_rcpt() sets the recipient being decided. envelope_reset()
 *	forgets the transaction. envelope_facts() writes the envelope's
 *	part of the facts; the facts that need a lookup (quarantine, DNS,
 *	SPF, counters) are left "no" for the caller to fill.
 *
 *	Every string is copied into a fixed buffer. What cannot be kept
 *	whole is never used cut short: a value for the log is cut, a HELO
 *	too long for its buffer names no host, an MTA setting too long is
 *	not used (logged), and a login too long makes envelope_mail() fail.
 *
 *	envelope_port() parses a port number (1 to 65535, decimal).
 * DIAGNOSTICS
 *	envelope_mail() returns 0, or -1 with why set when the login does
 *	not fit (the caller tempfails the transaction). envelope_port()
 *	returns 0, or -1 (output untouched).
 */
#ifndef ISO_ENVELOPE_H
#define ISO_ENVELOPE_H

#include <stddef.h>

#include "addr.h"
#include "conf.h"
#include "netset.h"
#include "policy.h"

#define ENVELOPE_TEXT_MAX	512	/* HELO, MAIL FROM, RCPT TO kept */
#define ENVELOPE_LOGIN_MAX	255	/* octets of a login, decoded */

/* What the MTA says at connect (NULL: not said). */
struct envelope_origin {
	const struct ipaddr *ip;	/* the client */
	const char *daemon_name;	/* {daemon_name} */
	const char *daemon_port;	/* {daemon_port} */
	const char *daemon_addr;	/* {daemon_addr} */
	const char *mta_version;	/* v */
	const char *our_hostname;	/* j */
};

struct envelope {
	const struct conf *conf;
	const char *id;			/* the session, for log lines */
	enum role role;
	int	ip_known;
	struct ipaddr ip;
	char	ip_text[IP_TEXT_MAX];
	char	ip_key[IP_KEY_MAX];	/* the client's key in the store */
	unsigned daemon_port;
	char	daemon_name[64];
	int	sendmail;		/* {auth_authen} is xtext */
	char	our_hostname[256];
	int	daemon_addr_known;
	struct ipaddr daemon_addr;
	char	helo[ENVELOPE_TEXT_MAX];
	int	helo_cut;		/* did not fit: names no host */

	/* the transaction */
	char	auth[ENVELOPE_LOGIN_MAX + 1]; /* "" when not authenticated */
	char	from_text[ENVELOPE_TEXT_MAX]; /* as given, for the log */
	int	from_ok;
	struct addr from;
	const char *from_why;		/* why the parser refused it */
	char	rcpt_text[ENVELOPE_TEXT_MAX];
	int	rcpt_ok;
	struct addr rcpt;
	const char *rcpt_why;
};

void	envelope_connect(struct envelope *e, const struct conf *conf,
	    const char *id, const struct envelope_origin *origin);
void	envelope_helo(struct envelope *e, const char *helo);
int	envelope_mail(struct envelope *e, const char *from,
	    const char *auth_authen, char *why, size_t len);
void	envelope_rcpt(struct envelope *e, const char *rcpt);
void	envelope_reset(struct envelope *e);
void	envelope_facts(const struct envelope *e, struct facts *f);
int	envelope_port(const char *text, unsigned *port_r);

#endif
