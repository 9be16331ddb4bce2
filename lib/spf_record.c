/*
 * NAME
 *	spf_record 3
 * SUMMARY
 *	RFC 7208 record and explanation syntax, and the project's limits
 * SYNOPSIS
 *	#include "spf_record.h"
 * DESCRIPTION
 *	See spf_record.h. spf_record_check() and spf_explain_check() are
 *	here, spf_record_prepare() in spf_prepare.c; the character classes
 *	and the CIDR suffix both read are in spf_syntax.h. The grammar is
 *	RFC 7208's ABNF (sections 4.6.1, 5, 6, 7.1 and 12), read term by
 *	term: a record is split on spaces, each term is a directive or a
 *	modifier, and every argument is parsed to its end. ASCII only: no
 *	locale-dependent ctype calls.
 *
 *	libspf2's compiled size of a term, estimated the way its compiler
 *	lays terms out (1.2.10, spf_compile.c): 4 octets of header for a
 *	CIDR, 4 per macro, 4 plus the text for each run of literal text,
 *	rounded up to 4; "%-" is 3 octets of text, "%%" and "%_" one.
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf_record.h"
#include "spf_syntax.h"

#define TERM_SHOWN	40	/* octets of a term quoted in why */
#define LITERAL_RUN_MAX	255	/* libspf2's SPF_MAX_STR_LEN */
#define IP6_TEXT_MAX	45	/* longest RFC 4291 text form */

/* flags of a macro-string */
#define MS_ALL_LETTERS	1	/* c, r and t too */
#define MS_SPACE	2	/* explanation text: spaces allowed */
#define MS_UNBOUNDED	4	/* never compiled by libspf2: no size limit */

/* the term being read, and where its complaint goes */
struct rec {
	const char *term;
	size_t	tlen;
	unsigned n;			/* 1 for the first term; 0: none */
	char	*why;
	size_t	whylen;
};

/* what a macro-string turned out to be */
struct mstr {
	size_t	tail;			/* start of the text after the last
					   macro-expand */
	int	last_macro;		/* it ends with a macro-expand */
	unsigned macros;		/* "%{...}" macros */
	size_t	est;			/* libspf2's compiled size */
	size_t	run;			/* the current run of literal text */
};

enum mech {
	MECH_ALL, MECH_INCLUDE, MECH_A, MECH_MX, MECH_PTR, MECH_IP4,
	MECH_IP6, MECH_EXISTS,
};

static const struct {
	const char *name;
	enum mech mech;
} mechs[] = {
	{"all", MECH_ALL}, {"include", MECH_INCLUDE}, {"a", MECH_A},
	{"mx", MECH_MX}, {"ptr", MECH_PTR}, {"ip4", MECH_IP4},
	{"ip6", MECH_IP6}, {"exists", MECH_EXISTS},
};

/* align4 - rounded up as libspf2 aligns its compiled data */
static size_t
align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* rec_fail - why: the term and the complaint; returns -1 */
static int __attribute__((format(printf, 2, 3)))
rec_fail(struct rec *r, const char *fmt, ...)
{
	char msg[160], shown[TERM_SHOWN + 4];
	size_t i, n;
	va_list ap;

	if (r->why == NULL || r->whylen == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->n == 0) {
		snprintf(r->why, r->whylen, "%s", msg);
		return -1;
	}
	n = r->tlen < TERM_SHOWN ? r->tlen : TERM_SHOWN;
	for (i = 0; i < n; i++)
		shown[i] = is_visible((unsigned char)r->term[i]) ?
		    r->term[i] : '?';
	strcpy(shown + n, r->tlen > n ? "..." : "");
	snprintf(r->why, r->whylen, "term %u \"%s\": %s", r->n, shown, msg);
	return -1;
}

/* shown_char - c for a message: itself if printable, else '?' */
static int
shown_char(int c)
{
	return c == ' ' || is_visible(c) ? c : '?';
}

/* ms_flush - the run of literal text ends */
static int
ms_flush(struct rec *r, struct mstr *m)
{
	if (m->run == 0)
		return 0;
	if (m->run > LITERAL_RUN_MAX)
		return rec_fail(r, "more than %d octets of text without a "
		    "macro (libspf2's limit)", LITERAL_RUN_MAX);
	m->est += align4(4 + m->run);
	m->run = 0;
	return 0;
}

/*
 * macro_expand - the "%{...}" at s (len octets left, s[0..1] "%{");
 * 0 and its length in *used, or -1
 */
static int
macro_expand(struct rec *r, const char *s, size_t len, int flags,
    size_t *used)
{
	size_t i = 2;
	unsigned long parts = 0;
	int digits = 0, c;

	if (i >= len)
		return rec_fail(r, "macro not closed by '}'");
	c = lower((unsigned char)s[i]);
	if (c == 'c' || c == 'r' || c == 't') {
		if (!(flags & MS_ALL_LETTERS))
			return rec_fail(r, "macro letter '%c' is only "
			    "allowed in explanation text", s[i]);
	} else if (c == '\0' || strchr("slodiphv", c) == NULL) {
		return rec_fail(r, "unknown macro letter '%c'",
		    shown_char((unsigned char)s[i]));
	}
	for (i++; i < len && is_digit((unsigned char)s[i]); i++) {
		digits = 1;
		if (parts <= SPF_MACRO_PARTS_MAX)
			parts = parts * 10 + (unsigned long)(s[i] - '0');
	}
	if (digits && (parts == 0 || parts > SPF_MACRO_PARTS_MAX))
		return rec_fail(r, "macro transformer wants 1 to %d parts",
		    SPF_MACRO_PARTS_MAX);
	if (i < len && lower((unsigned char)s[i]) == 'r')
		i++;
	while (i < len && s[i] != '\0' && strchr(".-+,/_=", s[i]) != NULL)
		i++;
	if (i >= len)
		return rec_fail(r, "macro not closed by '}'");
	if (s[i] != '}')
		return rec_fail(r, "'%c' in a macro (delimiters are "
		    ". - + , / _ =)", shown_char((unsigned char)s[i]));
	*used = i + 1;
	return 0;
}

/* macro_string - s (len octets) as a macro-string; 0 or -1 */
static int
macro_string(struct rec *r, const char *s, size_t len, int flags,
    struct mstr *m)
{
	size_t i = 0, used = 0;
	int c;

	memset(m, 0, sizeof(*m));
	m->est = 4;			/* a CIDR, or the header of a macro */
	while (i < len) {
		c = (unsigned char)s[i];
		if (c != '%') {
			/* a space (MS_SPACE) is "%_" for libspf2: one octet */
			if (!is_visible(c) && (c != ' ' || !(flags & MS_SPACE)))
				return rec_fail(r, "octet 0x%02x is not "
				    "visible ASCII", c);
			m->run++;
			m->last_macro = 0;
			i++;
			continue;
		}
		if (i + 1 >= len)
			return rec_fail(r, "'%%' at the end (write %%%% for "
			    "a percent sign)");
		switch (s[i + 1]) {
		case '%':
		case '_':
		case '-':
			m->run += s[i + 1] == '-' ? 3 : 1;
			i += 2;
			break;
		case '{':
			if ((!(flags & MS_UNBOUNDED) && ms_flush(r, m) < 0) ||
			    macro_expand(r, s + i, len - i, flags, &used) < 0)
				return -1;
			m->macros++;
			m->est += 4;
			i += used;
			break;
		default:
			return rec_fail(r, "'%%' followed by '%c' (write %%%% "
			    "for a percent sign)",
			    shown_char((unsigned char)s[i + 1]));
		}
		m->tail = i;
		m->last_macro = 1;
	}
	if (flags & MS_UNBOUNDED)
		return 0;
	if (ms_flush(r, m) < 0)
		return -1;
	if (m->est > SPF_COMPILED_MAX)
		return rec_fail(r, "too long for libspf2 (%zu octets "
		    "compiled, at most %d)", m->est, SPF_COMPILED_MAX);
	return 0;
}

/* toplabel - RFC 7208's toplabel: a letter somewhere, or inner hyphens */
static int
toplabel(const char *s, size_t len)
{
	size_t i;
	int alpha = 0, hyphen = 0;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (is_alpha((unsigned char)s[i]))
			alpha = 1;
		else if (s[i] == '-')
			hyphen = 1;
		else if (!is_digit((unsigned char)s[i]))
			return 0;
	}
	if (hyphen)
		return s[0] != '-' && s[len - 1] != '-';
	return alpha;
}

/* domain_spec - s (len octets) as a domain-spec; 0 or -1 */
static int
domain_spec(struct rec *r, const char *s, size_t len)
{
	struct mstr m;
	const char *tail, *dot;
	size_t tlen;

	if (len == 0)
		return rec_fail(r, "empty domain-spec");
	if (macro_string(r, s, len, 0, &m) < 0)
		return -1;
	if (m.last_macro)
		return 0;		/* domain-end is a macro-expand */
	tail = s + m.tail;
	tlen = len - m.tail;
	if (tail[tlen - 1] == '.')
		tlen--;
	dot = tlen > 0 ? memrchr(tail, '.', tlen) : NULL;
	if (dot == NULL)
		return rec_fail(r, "domain-spec does not end in \".\" and a "
		    "top label");
	if (!toplabel(dot + 1, (size_t)(tail + tlen - dot - 1)))
		return rec_fail(r, "domain-spec does not end in a top label "
		    "(\"%.*s\" is not one)", (int)(tail + tlen - dot - 1),
		    dot + 1);
	return 0;
}

/* cidr - the digits of a CIDR length (len octets): 0 to max; 0 or -1 */
static int
cidr(struct rec *r, const char *s, size_t len, unsigned max)
{
	unsigned v = 0;
	size_t i;

	if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
		return rec_fail(r, "bad CIDR length \"%.*s\"", (int)len, s);
	for (i = 0; i < len; i++) {
		if (!is_digit((unsigned char)s[i]))
			return rec_fail(r, "bad CIDR length \"%.*s\"",
			    (int)len, s);
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return rec_fail(r, "CIDR length %u is over %u", v, max);
	return 0;
}

/*
 * dual_cidr - the dual-cidr-length that ends a (len octets), if any;
 * 0 and the length before it in *rest, or -1
 */
static int
dual_cidr(struct rec *r, const char *a, size_t len, size_t *rest)
{
	size_t j;

	*rest = len;
	if ((j = cidr_at(a, rest, 1)) != 0 && cidr(r, a + j, len - j, 128) < 0)
		return -1;
	len = *rest;
	if ((j = cidr_at(a, rest, 0)) != 0 && cidr(r, a + j, len - j, 32) < 0)
		return -1;
	return 0;
}

/* ip4_network - a dotted quad as RFC 7208 writes it (qnum); 0 or -1 */
static int
ip4_network(struct rec *r, const char *s, size_t len)
{
	size_t i = 0, start;
	unsigned parts = 0, v;

	while (parts < 4) {
		start = i;
		v = 0;
		while (i < len && is_digit((unsigned char)s[i]) &&
		    i - start < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || v > 255 || (i - start > 1 && s[start] == '0'))
			break;
		if (++parts < 4 && (i >= len || s[i++] != '.'))
			break;
	}
	if (parts != 4 || i != len)
		return rec_fail(r, "\"%.*s\" is not an IPv4 address",
		    (int)len, s);
	return 0;
}

/* ip6_network - an IPv6 address in RFC 4291 text form; 0 or -1 */
static int
ip6_network(struct rec *r, const char *s, size_t len)
{
	char buf[IP6_TEXT_MAX + 1];
	struct in6_addr a;

	if (len == 0 || len > IP6_TEXT_MAX)
		return rec_fail(r, "not an IPv6 address");
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET6, buf, &a) != 1)
		return rec_fail(r, "\"%s\" is not an IPv6 address", buf);
	return 0;
}

/* ip_mech - the argument of ip4 or ip6 (after the name); 0 or -1 */
static int
ip_mech(struct rec *r, const char *a, size_t len, int ip6)
{
	const char *slash;
	size_t nlen;

	if (len == 0 || a[0] != ':')
		return rec_fail(r, "%s needs \":\" and an address",
		    ip6 ? "ip6" : "ip4");
	a++;
	len--;
	slash = memchr(a, '/', len);
	nlen = slash ? (size_t)(slash - a) : len;
	if ((ip6 ? ip6_network(r, a, nlen) : ip4_network(r, a, nlen)) < 0)
		return -1;
	if (slash == NULL)
		return 0;
	return cidr(r, slash + 1, len - nlen - 1, ip6 ? 128 : 32);
}

/* mechanism - the argument of mechanism m (a, len octets); 0 or -1 */
static int
mechanism(struct rec *r, enum mech m, const char *a, size_t len)
{
	size_t rest = len;

	switch (m) {
	case MECH_ALL:
		if (len > 0)
			return rec_fail(r, "all takes no argument");
		return 0;
	case MECH_INCLUDE:
	case MECH_EXISTS:
		if (len == 0 || a[0] != ':')
			return rec_fail(r, "%s needs \":\" and a domain-spec",
			    m == MECH_INCLUDE ? "include" : "exists");
		return domain_spec(r, a + 1, len - 1);
	case MECH_PTR:
		break;
	case MECH_A:
	case MECH_MX:
		if (dual_cidr(r, a, len, &rest) < 0)
			return -1;
		break;
	case MECH_IP4:
	case MECH_IP6:
		return ip_mech(r, a, len, m == MECH_IP6);
	}
	if (rest == 0)
		return 0;
	if (a[0] != ':')
		return rec_fail(r, "'%c' after the mechanism name",
		    shown_char((unsigned char)a[0]));
	return domain_spec(r, a + 1, rest - 1);
}

/* the record-wide facts that terms add up */
struct record_state {
	int	redirect;
	int	exp;
	int	all;
	unsigned lookups;		/* before the first "all" */
};

/* term - one term; 0 or -1 */
static int
term(struct rec *r, struct record_state *st)
{
	const char *s = r->term, *end = r->term + r->tlen, *name;
	size_t nlen, i;
	int qualifier = 0;
	struct mstr m;

	if (*s == '+' || *s == '-' || *s == '?' || *s == '~') {
		qualifier = 1;
		s++;
	}
	for (name = s; s < end && name_char(*s); s++)
		;
	nlen = (size_t)(s - name);
	if (s < end && *s == '=') {
		if (qualifier)
			return rec_fail(r, "a modifier takes no qualifier");
		if (nlen == 0 || !is_alpha((unsigned char)name[0]))
			return rec_fail(r, "a modifier name starts with a "
			    "letter");
		s++;
		if (same_word(name, nlen, "redirect") ||
		    same_word(name, nlen, "exp")) {
			int *seen = lower((unsigned char)name[0]) == 'r' ?
			    &st->redirect : &st->exp;

			if (*seen)
				return rec_fail(r, "%.*s= given twice",
				    (int)nlen, name);
			*seen = 1;
			return domain_spec(r, s, (size_t)(end - s));
		}
		/* never handed to libspf2: spf_record_prepare() drops them */
		return macro_string(r, s, (size_t)(end - s),
		    MS_ALL_LETTERS | MS_UNBOUNDED, &m);
	}
	if (s < end && *s != ':' && *s != '/')
		return rec_fail(r, "'%c' after \"%.*s\"",
		    shown_char((unsigned char)*s), (int)nlen, name);
	for (i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++) {
		if (!same_word(name, nlen, mechs[i].name))
			continue;
		if (mechanism(r, mechs[i].mech, s, (size_t)(end - s)) < 0)
			return -1;
		if (mechs[i].mech == MECH_ALL)
			st->all = 1;
		else if (!st->all && mechs[i].mech != MECH_IP4 &&
		    mechs[i].mech != MECH_IP6)
			st->lookups++;
		return 0;
	}
	return rec_fail(r, "unknown mechanism \"%.*s\"", (int)nlen, name);
}

/* spf_record_is_spf - "v=spf1" and a space or the end */
int
spf_record_is_spf(const char *txt, size_t len)
{
	return txt != NULL && len >= 6 && same_word(txt, 6, "v=spf1") &&
	    (len == 6 || txt[6] == ' ');
}

/* spf_record_check - 0 valid, -1 invalid with why */
int
spf_record_check(const char *record, size_t len, char *why, size_t whylen)
{
	struct rec r = {NULL, 0, 0, why, whylen};
	struct record_state st;
	const char *p, *q, *end;
	size_t i;
	int c;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (record == NULL)
		return rec_fail(&r, "no record");
	if (len > SPF_RECORD_MAX)
		return rec_fail(&r, "record of %zu octets (at most %d)", len,
		    SPF_RECORD_MAX);
	for (i = 0; i < len; i++) {
		c = (unsigned char)record[i];
		if (c >= 0x80)
			return rec_fail(&r, "non-ASCII octet 0x%02x at offset "
			    "%zu", c, i);
		if (c != ' ' && !is_visible(c))
			return rec_fail(&r, "control character 0x%02x at "
			    "offset %zu", c, i);
	}
	if (!spf_record_is_spf(record, len))
		return rec_fail(&r, "does not start with \"v=spf1\"");
	memset(&st, 0, sizeof(st));
	end = record + len;
	for (p = record + 6; p < end; p += r.tlen) {
		while (p < end && *p == ' ')
			p++;
		if (p == end)
			break;
		r.term = p;
		q = memchr(p, ' ', (size_t)(end - p));
		r.tlen = (size_t)((q != NULL ? q : end) - p);
		r.n++;
		if (term(&r, &st) < 0)
			return -1;
	}
	r.n = 0;
	if (st.lookups + (st.redirect && !st.all) > SPF_LOOKUPS_MAX)
		return rec_fail(&r, "%u terms that query DNS (at most %d)",
		    st.lookups + (st.redirect && !st.all), SPF_LOOKUPS_MAX);
	return 0;
}

/* spf_explain_check - 0 when text may be used as an explanation */
int
spf_explain_check(const char *text, size_t len, char *why, size_t whylen)
{
	struct rec r = {NULL, 0, 0, why, whylen};
	struct mstr m;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (text == NULL)
		return rec_fail(&r, "no explanation");
	if (len > SPF_EXPLAIN_MAX)
		return rec_fail(&r, "explanation of %zu octets (at most %d)",
		    len, SPF_EXPLAIN_MAX);
	if (macro_string(&r, text, len, MS_ALL_LETTERS | MS_SPACE, &m) < 0)
		return -1;
	if (m.macros > SPF_EXPLAIN_MACROS_MAX)
		return rec_fail(&r, "explanation with %u macros (at most %d)",
		    m.macros, SPF_EXPLAIN_MACROS_MAX);
	return 0;
}
