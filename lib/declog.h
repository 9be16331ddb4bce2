/*
 * NAME
 *	declog 3h
 * SUMMARY
 *	the one log line per decision
 * SYNOPSIS
 *	#include "declog.h"
 *
 *	char line[DECLOG_LINE_MAX];
 *
 *	size_t declog_format(char *buf, size_t len,
 *	    const struct declog_ctx *ctx, const struct verdict *v);
 *	const char *declog_escape(const char *s, int allow_space, char *buf,
 *	    size_t len);
 * DESCRIPTION
 *	declog_format() writes the decision line (DESIGN §7): first the
 *	fields the milter decided, then those the client supplied:
 *
 *	session=ID role=ROLE stage=STAGE rule=RULE action=ACTION
 *	[would=ACTION] ip=IP helo=HELO auth=LOGIN from=SENDER
 *	[rcpt=RECIPIENT] [queue=QUEUEID] [reason="CODE ECODE TEXT"]
 *
 *	(one line; rcpt= at the rcpt stage, queue= when the MTA gave a queue
 *	id, reason= for every action but accept). Values are escaped: bytes
 *	outside printable ASCII, space, '"' and '\\' become \\xHH (spaces are
 *	kept in the reason's text), so a line is always one line and parses
 *	as key=value pairs; missing values are written as "-".
 *
 *	Every value is capped after escaping, an escape sequence is never
 *	split, and a value that was cut ends in DECLOG_CUT: fixed values at
 *	DECLOG_FIXED_MAX octets, client values at DECLOG_VALUE_MAX, the
 *	reason's text at DECLOG_REASON_MAX. So the verdict always comes
 *	before anything a client controls, and a buffer of DECLOG_LINE_MAX
 *	octets always holds the whole line. Returns the length written; a
 *	smaller buffer cuts the line to fit.
 *
 *	declog_escape() escapes one client value the same way (spaces kept
 *	when allow_space), uncapped, for the other lines that name one: a
 *	login in a quarantine log line, a key or reason printed by
 *	isolationctl. It returns buf; 4 octets per input octet and a NUL
 *	always fit.
 */
#ifndef ISO_DECLOG_H
#define ISO_DECLOG_H

#include <stddef.h>

#include "policy.h"

#define DECLOG_CUT		"...(cut)"	/* ends a value that was cut */
#define DECLOG_FIXED_MAX	64	/* session, role, stage, rule, action */
#define DECLOG_VALUE_MAX	200	/* ip, helo, auth, from, rcpt, queue */
#define DECLOG_REASON_MAX	480	/* the reply text in reason="..." */

/* " key=" (the longest key is "session") + value + marker */
#define DECLOG__FIELD(max)	(sizeof(" session=") - 1 + (max) + \
				    sizeof(DECLOG_CUT) - 1)
/* 6 fixed fields (with would=), 6 client fields, reason="CCC E.E.E TEXT" */
#define DECLOG_LINE_MAX		(6 * DECLOG__FIELD(DECLOG_FIXED_MAX) + \
				    6 * DECLOG__FIELD(DECLOG_VALUE_MAX) + \
				    sizeof(" reason=\"\"") - 1 + \
				    2 * DECLOG_FIXED_MAX + 2 + \
				    DECLOG_REASON_MAX + sizeof(DECLOG_CUT) - 1 + 1)

struct declog_ctx {
	const char *session;
	enum role role;
	enum stage stage;
	const char *ip;
	const char *helo;
	const char *auth;
	const char *from;
	const char *rcpt;	/* NULL: not written */
	const char *queue;	/* NULL or "": not written */
};

size_t	declog_format(char *buf, size_t len, const struct declog_ctx *ctx,
	    const struct verdict *v);
const char *declog_escape(const char *s, int allow_space, char *buf,
	    size_t len);

#endif
