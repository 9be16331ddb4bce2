/*
 * NAME
 *	hdraddr 3h
 * SUMMARY
 *	strict parsing of the address list in a From: or Sender: header
 * SYNOPSIS
 *	#include "hdraddr.h"
 *
 *	int hdraddr_parse(const char *value, struct addr *out, size_t max,
 *	    size_t *n_r, const char **err_r);
 * DESCRIPTION
 *	hdraddr_parse() reads a header field body (the value after "From:"),
 *	possibly folded (CRLF or LF followed by a space or a tab), possibly
 *	with leading white space, as an RFC 5322 address-list with RFC 6532
 *	UTF-8: mailboxes (addr-spec, or a display name and an angle-addr),
 *	groups ("name: mailbox, ...;", empty or not), comments (nested up to
 *	32 deep), and the obsolete forms that are unambiguous: empty list
 *	elements, "." in a display name, white space and comments around
 *	"@" and around the dots of an addr-spec, a source route inside the
 *	angle brackets. A domain may end in one dot.
 *
 *	Each addr-spec is handed to addr_parse() as "<" spec ">", without its
 *	comments and white space and with a quoted local part still quoted,
 *	so that it is normalised exactly as an envelope address is.
 *
 *	The parser is strict on purpose: a header that mail clients could
 *	read as another address than the one checked here is refused rather
 *	than guessed at. Refused are, among others: specials outside quotes
 *	in a display name ("alice@example.net <bob@evil.test>"), text after
 *	an address or a second angle-addr before the next comma, unbalanced
 *	quotes, comments, angle or square brackets, "<>", an address without
 *	"@domain", a local part that is neither a dot-atom nor one quoted
 *	string, a group inside a group, a line break that is not a fold,
 *	any other control character, and malformed UTF-8 anywhere.
 *
 *	At most max mailboxes, and never more than HDRADDR_MAX, are
 *	accepted; more make the whole header fail. A group adds its members
 *	only: "undisclosed-recipients:;" alone gives zero mailboxes. out may
 *	be NULL when max is 0.
 * DIAGNOSTICS
 *	hdraddr_parse() returns 0, the mailboxes in out[] and their count in
 *	*n_r. It returns -1 with *err_r pointing to a static English message
 *	(err_r may be NULL) when the value does not parse, when addr_parse()
 *	refuses one of its addresses (its message is passed on), when there
 *	are too many mailboxes, or when the value holds no mailbox and no
 *	group ("no address"); out[] and *n_r are then left untouched.
 */
#ifndef ISO_HDRADDR_H
#define ISO_HDRADDR_H

#include <stddef.h>

#include "addr.h"

#define HDRADDR_MAX	32		/* mailboxes kept per header value */

int	hdraddr_parse(const char *value, struct addr *out, size_t max,
	    size_t *n_r, const char **err_r);

#endif
