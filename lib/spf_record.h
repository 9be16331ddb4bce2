/*
 * NAME
 *	spf_record 3h
 * SUMMARY
 *	RFC 7208 record and explanation syntax, and the project's limits
 * SYNOPSIS
 *	#include "spf_record.h"
 *
 *	int spf_record_is_spf(const char *txt, size_t len);
 *	int spf_record_check(const char *record, size_t len, char *why,
 *	    size_t whylen);
 *	int spf_explain_check(const char *text, size_t len, char *why,
 *	    size_t whylen);
 *	int spf_record_prepare(const char *record, size_t len, int family,
 *	    char *out, size_t outlen, unsigned *mechs_r);
 * DESCRIPTION
 *	A parser with no I/O: nothing here looks anything up or expands a
 *	macro. spf.c runs it on every record before libspf2 compiles one.
 *
 *	spf_record_is_spf() says whether a TXT string is an SPF record at
 *	all (RFC 7208 4.5): it starts with "v=spf1", in any case, followed
 *	by a space or the end. Other TXT strings are not SPF records and
 *	are not checked.
 *
 *	spf_record_check() returns 0 when record (len octets, no NUL
 *	needed) is a valid SPF record, -1 with why otherwise. Valid means:
 *	- at most SPF_RECORD_MAX octets, each a space or visible ASCII
 *	  (no control character, DEL, NUL or non-ASCII octet anywhere);
 *	- "v=spf1", then terms separated by one or more spaces (4.6.1);
 *	- each term a directive: an optional qualifier + - ? ~ and one of
 *	  the mechanisms all, include, a, mx, ptr, ip4, ip6, exists, with
 *	  the argument each takes (5.1-5.7): all none; include and exists
 *	  ":" domain-spec; a and mx an optional ":" domain-spec and an
 *	  optional dual-cidr-length; ptr an optional ":" domain-spec;
 *	  ip4 ":" a dotted quad (0-255, no leading zeros) and an optional
 *	  "/0".."/32"; ip6 ":" an RFC 4291 address and "/0".."/128".
 *	  A CIDR length has no leading zeros; /0 is valid;
 *	- or a modifier name "=" value (6): name is ALPHA *(ALPHA / DIGIT
 *	  / "-" / "_" / "."), without a qualifier; redirect= and exp= take
 *	  a domain-spec and may each appear once; any other name is an
 *	  unknown modifier whose value must be a macro-string; names of
 *	  mechanisms and modifiers are case-insensitive;
 *	- a domain-spec is a macro-string that ends in a macro-expand or
 *	  in "." toplabel with an optional final "." (7.1): the top label
 *	  is letters and digits with at least one letter, or letters,
 *	  digits and inner hyphens - so "a:192.0.2.3" (an address where a
 *	  domain belongs) and "a:localhost" are invalid;
 *	- a macro-string is visible ASCII where "%" starts "%{" letter
 *	  transformers *delimiter "}", "%%", "%_" or "%-" and nothing else
 *	  (7.1); letters s l o d i p h v (and c r t in explanation text
 *	  and unknown modifiers only), in either case; transformers are
 *	  digits, then an optional "r": the digits' value is 1 to
 *	  SPF_MACRO_PARTS_MAX (7.3 says nonzero; bigger values could only
 *	  be meant to overflow); delimiters . - + , / _ =;
 *	- every mechanism, redirect= and exp= fits libspf2's compiler: a
 *	  run of literal text of at most 255 octets, and at most
 *	  SPF_COMPILED_MAX octets once compiled (so that no term comes near
 *	  the 511-octet buffer whose overrun libspf2 1.2.10 does not catch);
 *	- at most SPF_LOOKUPS_MAX terms that query DNS (4.6.4) can be
 *	  evaluated: include, a, mx, ptr and exists up to the first "all",
 *	  and redirect= when there is no "all" (when there is one, it is
 *	  never used). This counts what the record could cost, not what
 *	  one evaluation does: a record of 11 such terms is refused even
 *	  when its first term would match.
 *
 *	spf_explain_check() returns 0 when text (len octets) may be used
 *	as an explanation (the TXT record that exp= names, 6.2): an
 *	explain-string (macro-strings and spaces, every letter allowed)
 *	of at most SPF_EXPLAIN_MAX octets and SPF_EXPLAIN_MACROS_MAX
 *	"%{...}" macros, that fits libspf2's compiler once each space is
 *	written "%_"; -1 with why otherwise.
 *
 *	spf_record_prepare() writes the text libspf2 compiles for a record
 *	that spf_record_check() accepted, evaluated for a client of the
 *	address family (AF_INET or AF_INET6). It means the same as the
 *	record under RFC 7208, written in what libspf2 1.2.10 evaluates
 *	that way:
 *	- "ip4:N/0" becomes "ip4:0.0.0.0/1 ip4:128.0.0.0/1", "ip6:N/0"
 *	  "ip6:::/1 ip6:8000::/1", each with the term's qualifier
 *	  (libspf2 refuses the prefix length 0);
 *	- a and mx keep the CIDR length of the client's family only; when
 *	  it is 0 ("a/0", "mx:D//0"), the term becomes "a:D" + SPF_ANY_MARK
 *	  (D the domain-spec, %{d} when none): the guard (spf_input.h)
 *	  strips the mark, looks D up as usual and, when D (for mx: an MX
 *	  host) has any address of the client's family, answers with the
 *	  client's address, which is what /0 matches;
 *	- redirect= moves to the end, and is left out when the record has
 *	  an "all" (RFC 7208 6.1; libspf2 would follow it where it
 *	  stands); mechanisms after the first "all" are left out (never
 *	  reached), and so are unknown modifiers (ignored, 6);
 *	- the final dot of a domain-spec is dropped, the transformer "R"
 *	  is written "r" (libspf2 knows the lower case only), terms are
 *	  separated by one space.
 *	*mechs_r is the number of mechanisms written (redirect is one for
 *	libspf2), so that a record that libspf2 cut short can be told.
 *	Returns 0, or -1 when out is too small.
 * DIAGNOSTICS
 *	why gets one line of printable ASCII naming the term (its number
 *	and text, cut at 40 octets) and the rule, e.g. "term 1
 *	\"a:192.0.2.3\": domain-spec does not end in a top label (\"3\"
 *	is not one)". why may be NULL.
 */
#ifndef ISO_SPF_RECORD_H
#define ISO_SPF_RECORD_H

#include <stddef.h>

#define SPF_RECORD_MAX		4096	/* octets of one record */
#define SPF_LOOKUPS_MAX		10	/* DNS-querying terms (RFC 7208 4.6.4) */
#define SPF_VOID_MAX		2	/* void lookups (RFC 7208 4.6.4) */
#define SPF_MACRO_PARTS_MAX	128	/* the digits of a transformer */
#define SPF_COMPILED_MAX	384	/* one term in libspf2's compiled form */
#define SPF_EXPLAIN_MAX		1024	/* octets of an explanation */
#define SPF_EXPLAIN_MACROS_MAX	16	/* macros in an explanation */
#define SPF_ANY_MARK		'\001'	/* see spf_record_prepare() */

int	spf_record_is_spf(const char *txt, size_t len);
int	spf_record_check(const char *record, size_t len, char *why,
	    size_t whylen);
int	spf_explain_check(const char *text, size_t len, char *why,
	    size_t whylen);
int	spf_record_prepare(const char *record, size_t len, int family,
	    char *out, size_t outlen, unsigned *mechs_r);

#endif
