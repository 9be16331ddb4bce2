/*
 * NAME
 *	contacts 3h
 * SUMMARY
 *	AlertContacts: who to alert for an address nobody logged in from
 * SYNOPSIS
 *	#include "contacts.h"
 *
 *	struct contacts *contacts_load(const char *path,
 *	    struct strlist *errors);
 *	const char *contacts_lookup(const struct contacts *c,
 *	    const struct ipaddr *ip);
 *	void contacts_free(struct contacts *c);
 *	int contacts_mailbox_ok(const char *s);
 * DESCRIPTION
 *	The file has one "CIDR address" pair a line (# comments, blank
 *	lines), e.g. "192.0.2.0/28 noc@customer.example"; a network is
 *	written as netset_add() takes it (a bare address is one host) and
 *	may be given once. The address must be a plain mailbox: it goes
 *	into a To: header.
 *	contacts_lookup() returns the address of the most specific network
 *	that holds ip, or NULL. A NULL set holds nothing.
 *
 *	contacts_mailbox_ok() says whether s is such a plain mailbox,
 *	local@domain: the local part a dot-atom (RFC 5322: letters, digits
 *	and !#$%&'*+/=?^_`{|}~- between single dots), the domain letters,
 *	digits, hyphens and single dots, at most 254 octets in all; so no
 *	quotes, spaces, commas, angle brackets, control characters or
 *	second @. The notifier checks every alert recipient with it.
 * DIAGNOSTICS
 *	contacts_load() returns NULL after adding "file:line: message" for
 *	every bad line to errors (an unreadable file as "file: message").
 *	contacts_mailbox_ok() returns 1 or 0.
 */
#ifndef ISO_CONTACTS_H
#define ISO_CONTACTS_H

#include "netset.h"
#include "strlist.h"

struct contacts;

struct contacts *contacts_load(const char *path, struct strlist *errors);
const char *contacts_lookup(const struct contacts *c,
	    const struct ipaddr *ip);
void	contacts_free(struct contacts *c);
int	contacts_mailbox_ok(const char *s);

#endif
