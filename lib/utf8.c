/*
 * NAME
 *	utf8 3
 * SUMMARY
 *	well-formed UTF-8
 * SYNOPSIS
 *	#include "utf8.h"
 * DESCRIPTION
 *	See utf8.h. Shared by the envelope (addr.c) and header (hdraddr.c)
 *	address parsers, so that both accept exactly the same octets.
 */
#include "config.h"

#include "utf8.h"

/* utf8_len - octets of the well-formed UTF-8 sequence at s, 0 if none */
size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		lo = s[0] == 0xe0 ? 0xa0 : 0x80;
		hi = s[0] == 0xed ? 0x9f : 0xbf;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		lo = s[0] == 0xf0 ? 0x90 : 0x80;
		hi = s[0] == 0xf4 ? 0x8f : 0xbf;
	} else
		return 0;
	if (n < len)
		return 0;
	/* in order, so that a NUL ends the walk before the end of a string */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}
