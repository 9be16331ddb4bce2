/*
 * NAME
 *	utf8 3h
 * SUMMARY
 *	well-formed UTF-8
 * SYNOPSIS
 *	#include "utf8.h"
 *
 *	size_t utf8_len(const unsigned char *s, size_t n);
 * DESCRIPTION
 *	utf8_len() returns the length in octets of the UTF-8 sequence that
 *	starts at s, looking at no more than n octets (n > 0): 1 for ASCII,
 *	2 to 4 for a well-formed sequence as RFC 3629 table 4 defines it (no
 *	overlong forms, no surrogates, nothing past U+10FFFF).
 * DIAGNOSTICS
 *	0 when the octets at s are not a well-formed sequence, or when it
 *	would run past n octets. A NUL inside a sequence makes it malformed,
 *	so a NUL-terminated string may be passed with any n.
 */
#ifndef ISO_UTF8_H
#define ISO_UTF8_H

#include <stddef.h>

size_t	utf8_len(const unsigned char *s, size_t n);

#endif
