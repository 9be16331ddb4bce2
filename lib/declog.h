/*
 * NAME
 *	declog 3h
 * SUMMARY
 *	the one log line per decision
 * SYNOPSIS
 *	#include "declog.h"
 *
 *	size_t declog_format(char *buf, size_t len,
 *	    const struct declog_ctx *ctx, const struct verdict *v);
 *	const char *declog_escape(const char *s, int allow_space, char *buf,
 *	    size_t len);
 * DESCRIPTION
 *	Formats "session=... role=... ip=... helo=... auth=... from=...
 *	stage=... rule=... action=... [would=...] reason=\"...\"" (DESIGN §7).
 *	Values that came from the client are escaped: bytes outside
 *	printable ASCII, space, '"' and '\\' become \\xHH, so a line is
 *	always one line and parses as key=value pairs. Missing values are
 *	written as "-". Returns the length written (cut to fit).
 *
 *	declog_escape() escapes one client value the same way (spaces kept
 *	when allow_space), for the other lines that name one: a login in a
 *	quarantine log line, a key or reason printed by isolationctl. It
 *	returns buf; 4 octets per input octet and a NUL always fit.
 */
#ifndef ISO_DECLOG_H
#define ISO_DECLOG_H

#include <stddef.h>

#include "policy.h"

struct declog_ctx {
	const char *session;
	enum role role;
	const char *ip;
	const char *helo;
	const char *auth;
	const char *from;
	const char *rcpt;	/* NULL: not written */
	enum stage stage;
};

size_t	declog_format(char *buf, size_t len, const struct declog_ctx *ctx,
	    const struct verdict *v);
const char *declog_escape(const char *s, int allow_space, char *buf,
	    size_t len);

#endif
