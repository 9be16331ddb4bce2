/*
 * NAME
 *	xtext 3
 * SUMMARY
 *	decode RFC 3461 xtext
 * SYNOPSIS
 *	#include "xtext.h"
 * DESCRIPTION
 *	See xtext.h. Decoding runs twice: once to check the input and
 *	measure the result, once to write it, so that buf is only touched
 *	when the whole login decodes.
 * DIAGNOSTICS
 *	None beyond the return value.
 */
#include <string.h>

#include "xtext.h"

/* hexval - value of one hex digit, -1 if it is not one */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* decode - decode into out (NULL: only check); length, or -1 if malformed */
static long
decode(const char *in, char *out)
{
	const char *p;
	long n = 0;
	int hi, lo;

	for (p = in; *p != '\0'; n++) {
		if (*p == '+') {
			/* p[2] is read only when p[1] is a digit: never past the NUL */
			if ((hi = hexval(p[1])) < 0 || (lo = hexval(p[2])) < 0)
				return -1;
			/* a NUL would cut the login short in every later use */
			if (hi == 0 && lo == 0)
				return -1;
			if (out != NULL)
				out[n] = (char)(hi << 4 | lo);
			p += 3;
		} else {
			/* an encoder never leaves these bare */
			if ((unsigned char)*p < 33 || (unsigned char)*p > 126)
				return -1;
			if (out != NULL)
				out[n] = *p;
			p++;
		}
	}
	if (out != NULL)
		out[n] = '\0';
	return n;
}

/* xtext_decode - decode xtext into buf */
int
xtext_decode(const char *in, char *buf, size_t len)
{
	long n;

	if (in == NULL || buf == NULL)
		return -1;
	if ((n = decode(in, NULL)) < 0 || (size_t)n >= len)
		return -1;
	decode(in, buf);
	return 0;
}
