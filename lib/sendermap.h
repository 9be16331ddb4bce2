/*
 * NAME
 *	sendermap 3h
 * SUMMARY
 *	who owns which sender address (SenderLoginMap)
 * SYNOPSIS
 *	#include "sendermap.h"
 *
 *	struct sendermap *sendermap_load(const char *path,
 *	    struct strlist *errors);
 *	struct sendermap *sendermap_parse(const char *name, const char *text,
 *	    struct strlist *errors);
 *	void sendermap_free(struct sendermap *map);
 *	int sendermap_owns(const struct sendermap *map,
 *	    const struct sendermap_opts *o, const char *login,
 *	    const struct addr *addr);
 *	size_t sendermap_owned(const struct sendermap *map,
 *	    const struct sendermap_opts *o, const char *login,
 *	    char *buf, size_t len);
 * DESCRIPTION
 *	Reads Postfix's smtpd_sender_login_maps text format (DESIGN section
 *	4), so that a site reuses its file: one "key login, login ..." entry
 *	per logical line; blank lines and lines whose first non-blank
 *	character is # are ignored; a line that starts with white space
 *	continues the previous entry, as postmap(1) reads text. A key is
 *	user@domain, @domain or a bare local part, written as in SMTP (a
 *	local part may be quoted); keys are normalised by addr_parse(), so a
 *	quoted key matches its unquoted spelling. Logins are separated by
 *	commas and/or white space. As in Postfix there are no trailing
 *	comments: a login that starts with # is refused rather than read as
 *	a login. A key given twice is refused: Postfix would warn and keep
 *	one, which would leave ownership to the order of the lines.
 *
 *	The map is immutable once loaded and may be shared between threads.
 *	Lookup is by hash, so a map of 100,000 lines costs O(1) per message.
 *
 *	sendermap_owns() says whether login may use addr as its envelope
 *	sender. The lookup order is Postfix's: user@domain, then the bare
 *	local part (only when the domain is in local_domains; also for an
 *	address without a domain), then @domain; at each step the full
 *	local part is tried before the one with its subaddress (+tag)
 *	stripped. The first key found decides: a later, wider key is not
 *	consulted. Local parts and domains compare without regard to ASCII
 *	case, and so do logins. With login_is_address, a login that is
 *	itself an address owns that address and its +tag subaddresses,
 *	with or without a map. The null sender is never owned here: the
 *	caller applies NullSender. A NULL map means no file.
 *
 *	sendermap_owned() writes, comma separated, as many of the addresses
 *	and patterns the login may use as fit whole in buf (file order,
 *	the login itself first when login_is_address applies), for the
 *	reply "you may send as ...". A bare local part is written alone.
 * DIAGNOSTICS
 *	sendermap_load() and sendermap_parse() return NULL after appending
 *	every problem found to errors as "file:line: message" (an unreadable
 *	file as "file: message"). sendermap_owns() returns 1 or 0;
 *	sendermap_owned() returns the number of items written, and always
 *	NUL-terminates buf when len > 0.
 */
#ifndef ISO_SENDERMAP_H
#define ISO_SENDERMAP_H

#include <stddef.h>

#include "addr.h"
#include "strlist.h"

struct sendermap;

struct sendermap_opts {
	int	login_is_address;	/* LoginIsAddress */
	const char *subaddress_delimiter; /* SubaddressDelimiter, "" none */
	const struct strlist *local_domains; /* LocalDomains, lower case */
};

struct sendermap *sendermap_load(const char *path, struct strlist *errors);
struct sendermap *sendermap_parse(const char *name, const char *text,
	    struct strlist *errors);
void	sendermap_free(struct sendermap *map);
int	sendermap_owns(const struct sendermap *map,
	    const struct sendermap_opts *o, const char *login,
	    const struct addr *addr);
size_t	sendermap_owned(const struct sendermap *map,
	    const struct sendermap_opts *o, const char *login, char *buf,
	    size_t len);

#endif
