/*
 * NAME
 *	spf_syntax 3h
 * SUMMARY
 *	what spf_record.c and spf_prepare.c both read: ASCII classes, the
 *	CIDR suffix (private to them)
 * SYNOPSIS
 *	#include "spf_syntax.h"
 * DESCRIPTION
 *	Static inline functions, ASCII only (no locale-dependent ctype
 *	calls): is_alpha(), is_digit(), is_visible() (0x21 to 0x7e),
 *	name_char() (a character of a mechanism's or modifier's name),
 *	lower(), same_word(s, len, word) (s is the lower-case word, in any
 *	case), digits_before(s, i) (where the run of digits that ends at
 *	s + i starts) and cidr_at(s, &end, dbl): where the digits of the
 *	CIDR length ("/" digits, "//" digits when dbl) that ends at s + end
 *	start, end cut to before it; 0 when there is none.
 * DIAGNOSTICS
 *	None.
 */
#ifndef ISO_SPF_SYNTAX_H
#define ISO_SPF_SYNTAX_H

#include <stddef.h>
#include <string.h>

/* is_alpha - ASCII letter */
static inline int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* is_digit - ASCII digit */
static inline int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* is_visible - visible ASCII, 0x21 to 0x7e */
static inline int
is_visible(int c)
{
	return c > 0x20 && c < 0x7f;
}

/* name_char - may be part of a mechanism's or modifier's name */
static inline int
name_char(int c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '.';
}

/* lower - ASCII lower case */
static inline int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* same_word - s (len octets) is word, in any case */
static inline int
same_word(const char *s, size_t len, const char *word)
{
	size_t i;

	if (strlen(word) != len)
		return 0;
	for (i = 0; i < len; i++)
		if (lower((unsigned char)s[i]) != word[i])
			return 0;
	return 1;
}

/* digits_before - where the run of digits that ends at s + i starts */
static inline size_t
digits_before(const char *s, size_t i)
{
	while (i > 0 && is_digit((unsigned char)s[i - 1]))
		i--;
	return i;
}

/*
 * cidr_at - the CIDR length ("/" digits, "//" digits when dbl) that
 * ends s + *end: where its digits start, *end cut to before it; 0 when
 * there is none
 */
static inline size_t
cidr_at(const char *s, size_t *end, int dbl)
{
	size_t j = digits_before(s, *end);

	if (j == *end || j == 0 || s[j - 1] != '/' ||
	    dbl != (j >= 2 && s[j - 2] == '/'))
		return 0;
	*end = j - 1 - (size_t)dbl;
	return j;
}

#endif
