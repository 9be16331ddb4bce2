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
 * DESCRIPTION
 *	The file has one "CIDR address" pair a line (# comments, blank
 *	lines), e.g. "192.0.2.0/28 noc@customer.example". The address must
 *	be a plain mailbox (local@domain, printable ASCII, no quotes, no
 *	spaces, commas or angle brackets): it goes into a To: header.
 *	contacts_lookup() returns the address of the most specific network
 *	that holds ip, or NULL. A NULL set holds nothing.
 * DIAGNOSTICS
 *	contacts_load() returns NULL after adding "file:line: message" for
 *	every bad line to errors.
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

#endif
