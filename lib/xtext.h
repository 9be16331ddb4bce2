/*
 * NAME
 *	xtext 3h
 * SUMMARY
 *	decode RFC 3461 xtext, as Sendmail sends {auth_authen}
 * SYNOPSIS
 *	#include "xtext.h"
 *
 *	int xtext_decode(const char *in, char *buf, size_t len);
 * DESCRIPTION
 *	Sendmail xtext-encodes the login in {auth_authen}: "+" followed by
 *	two hex digits stands for one octet ("+2B" is "+", "+3D" is "=");
 *	every other printable ASCII octet, "@" included, stands for itself.
 *	Hex digits are accepted in either case, and so is a bare "=",
 *	because neither makes the result ambiguous.
 * DIAGNOSTICS
 *	Returns 0, or -1 when the input is NULL or malformed ("+" not
 *	followed by two hex digits, "+00", an octet outside 33-126 that was
 *	not encoded) or the result with its NUL does not fit in len. buf is
 *	untouched on failure: a login is never half decoded.
 */
#ifndef ISO_XTEXT_H
#define ISO_XTEXT_H

#include <stddef.h>

int	xtext_decode(const char *in, char *buf, size_t len);

#endif
