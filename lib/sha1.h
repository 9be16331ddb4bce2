/*
 * NAME
 *	sha1 3h
 * SUMMARY
 *	SHA-1 of a string, in hex
 * SYNOPSIS
 *	#include "sha1.h"
 *
 *	void sha1_hex(const char *s, char out[41]);
 * DESCRIPTION
 *	The name Redis gives a Lua script (EVALSHA): the SHA-1 (FIPS 180-4)
 *	of its text as 40 lower-case hex digits and a NUL. Computed here
 *	once at start, so that no SCRIPT LOAD round trip is needed and the
 *	same name works on every server of a cluster; nothing else uses
 *	SHA-1, which is why it is not taken from a crypto library.
 */
#ifndef ISO_SHA1_H
#define ISO_SHA1_H

void	sha1_hex(const char *s, char out[41]);

#endif
