/*
 * NAME
 *	addr 3h
 * SUMMARY
 *	envelope address parsing and normalisation
 * SYNOPSIS
 *	#include "addr.h"
 *
 *	int addr_parse(const char *raw, struct addr *addr_r,
 *	    const char **err_r);
 *	int addr_format(const struct addr *addr, char *buf, size_t len);
 * DESCRIPTION
 *	Every envelope address is normalised here, once, before any
 *	comparison (DESIGN section 4), so that two spellings of one mailbox
 *	compare equal and a hostile spelling cannot slip past a rule.
 *
 *	addr_parse() takes the raw MAIL FROM or RCPT TO argument as the MTA
 *	hands it over: with or without angle brackets, surrounded by white
 *	space, followed by ESMTP parameters (ignored). A source route
 *	(<@a,@b:u@d>) is dropped. A quoted local part is stored unquoted,
 *	with its backslash escapes resolved. The domain is lower-cased
 *	(ASCII letters only; UTF-8 is kept as sent) and loses one trailing
 *	dot; an address literal is stored in canonical form ("[192.0.2.1]",
 *	"[IPv6:2001:db8::1]"). UTF-8 (RFC 6531) must be well-formed. A bare
 *	local part (no @) is accepted with an empty domain. <> and < > are
 *	the null sender.
 *
 *	addr_format() writes the mailbox back in SMTP form: local@domain,
 *	the local part quoted (with " and \ escaped) when it is not a
 *	dot-atom; "" for the null sender; the local part alone when there
 *	is no domain. Parsing its output gives the same local part and
 *	domain (the quoted and routed flags describe the input only).
 * DIAGNOSTICS
 *	addr_parse() returns 0, or -1 with *err_r pointing to a static
 *	English message; addr_format() returns 0, or -1 when the result
 *	does not fit in len octets (with its terminating NUL). On failure
 *	*addr_r and buf are left untouched.
 */
#ifndef ISO_ADDR_H
#define ISO_ADDR_H

#include <stddef.h>

#define ADDR_LOCAL_MAX	64		/* octets, RFC 5321 4.5.3.1.1 */
#define ADDR_DOMAIN_MAX	255		/* octets, RFC 5321 4.5.3.1.2 */
#define ADDR_MAILBOX_MAX 254		/* octets, the path minus <> */

/* a buffer that holds any addr_format() result */
#define ADDR_FORMAT_MAX	(2 * ADDR_LOCAL_MAX * 4 + 2 + 1 + ADDR_DOMAIN_MAX + 1)

struct addr {
	char	local[ADDR_LOCAL_MAX * 4 + 1];	/* unquoted, case preserved */
	char	domain[ADDR_DOMAIN_MAX + 1];	/* lower-cased, "" when none */
	int	null;			/* 1 for the null sender <> */
	int	quoted;			/* local part was quoted in the input */
	int	routed;			/* source route dropped, or % ! in local */
};

int	addr_parse(const char *raw, struct addr *addr_r, const char **err_r);
int	addr_format(const struct addr *addr, char *buf, size_t len);

#endif
