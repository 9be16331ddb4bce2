/*
 * NAME
 *	relcode 3h
 * SUMMARY
 *	self-service release codes bound to one incident
 * SYNOPSIS
 *	#include "relcode.h"
 *
 *	void relcode_make(const unsigned char *secret, size_t secret_len,
 *	    enum store_kind kind, const char *key, unsigned long incident,
 *	    char code_r[RELCODE_SIZE]);
 *	int relcode_check(const unsigned char *secret, size_t secret_len,
 *	    enum store_kind kind, const char *key, unsigned long incident,
 *	    const char *given);
 *
 *	void relcode_hmac(const unsigned char *secret, size_t secret_len,
 *	    const unsigned char *msg, size_t msg_len,
 *	    unsigned char mac_r[SHA1_SIZE]);
 * DESCRIPTION
 *	A code is HMAC-SHA1(secret, kind NUL key NUL incident), kind the
 *	word "ip" or "login" and incident in decimal, its first 80 bits
 *	written in RFC 4648 base32 as four groups of four
 *	("ABCD-EFGH-IJKL-MNOP"): no database is needed to check it, and a
 *	code for one incident says nothing of another's. relcode_check()
 *	compares in constant time and ignores letter case, spaces, tabs
 *	and dashes in what the customer typed; as base32 has neither 0 nor
 *	1, a 0 is read as O and a 1 as I.
 *
 *	relcode_hmac() is HMAC-SHA1 (RFC 2104) itself, for the tests.
 * DIAGNOSTICS
 *	relcode_check() returns 1 when the code is right, 0 otherwise.
 */
#ifndef ISO_RELCODE_H
#define ISO_RELCODE_H

#include <stddef.h>

#include "sha1.h"
#include "store.h"

#define RELCODE_SIZE	20	/* "ABCD-EFGH-IJKL-MNOP" and its NUL */

void	relcode_make(const unsigned char *secret, size_t secret_len,
	    enum store_kind kind, const char *key, unsigned long incident,
	    char code_r[RELCODE_SIZE]);
int	relcode_check(const unsigned char *secret, size_t secret_len,
	    enum store_kind kind, const char *key, unsigned long incident,
	    const char *given);
void	relcode_hmac(const unsigned char *secret, size_t secret_len,
	    const unsigned char *msg, size_t msg_len,
	    unsigned char mac_r[SHA1_SIZE]);

#endif
