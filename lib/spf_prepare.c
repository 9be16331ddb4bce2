/*
 * NAME
 *	spf_prepare 3
 * SUMMARY
 *	an SPF record rewritten into what libspf2 evaluates as RFC 7208 says
 * SYNOPSIS
 *	#include "spf_record.h"
 * DESCRIPTION
 *	spf_record_prepare(), see spf_record.h: a record that
 *	spf_record_check() accepted is rewritten term by term into an
 *	output buffer that remembers it overflowed, so that a record too
 *	long for it is refused whole, never cut.
 * DIAGNOSTICS
 *	-1 when the output does not fit; nothing is logged.
 */
#include "config.h"

#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf_record.h"
#include "spf_syntax.h"

/* an output buffer that remembers it overflowed */
struct out {
	char	*buf;
	size_t	len, used;
	int	full;
};

/* out_add - append n octets */
static void
out_add(struct out *o, const char *s, size_t n)
{
	if (o->full || n >= o->len - o->used) {
		o->full = 1;
		return;
	}
	memcpy(o->buf + o->used, s, n);
	o->used += n;
	o->buf[o->used] = '\0';
}

/* out_str - append a string */
static void
out_str(struct out *o, const char *s)
{
	out_add(o, s, strlen(s));
}

/*
 * out_spec - append a domain-spec (len octets): its final dot dropped,
 * a transformer's "R" as "r"
 */
static void
out_spec(struct out *o, const char *s, size_t len)
{
	size_t i = 0, j;

	if (len > 0 && s[len - 1] == '.')
		len--;
	while (i < len) {
		if (s[i] != '%' || i + 1 >= len || s[i + 1] != '{') {
			/* "%%", "%_" and "%-" go out whole */
			j = s[i] == '%' ? 2 : 1;
			out_add(o, s + i, j);
			i += j;
			continue;
		}
		for (j = i + 3; j < len && is_digit((unsigned char)s[j]); j++)
			;
		out_add(o, s + i, j - i);
		if (j < len && s[j] == 'R') {
			out_add(o, "r", 1);
			j++;
		}
		i = j;
	}
}

/* out_term - " " and the qualifier (NUL: none) */
static void
out_term(struct out *o, char qualifier)
{
	out_add(o, " ", 1);
	if (qualifier != '\0')
		out_add(o, &qualifier, 1);
}

/* prep_host - an a or mx term, its CIDR length for family only */
static void
prep_host(struct out *o, char q, const char *name, const char *a,
    size_t len, int family)
{
	size_t rest = len, j;
	long c4 = -1, c6 = -1, c;
	char buf[16];

	if ((j = cidr_at(a, &rest, 1)) != 0)
		c6 = strtol(a + j, NULL, 10);
	if ((j = cidr_at(a, &rest, 0)) != 0)
		c4 = strtol(a + j, NULL, 10);
	c = family == AF_INET ? c4 : c6;
	out_term(o, q);
	out_str(o, name);
	if (c == 0) {
		out_add(o, ":", 1);
		if (rest > 0)
			out_spec(o, a + 1, rest - 1);
		else
			out_str(o, "%{d}");
		out_add(o, (const char []){SPF_ANY_MARK}, 1);
		return;
	}
	if (rest > 0) {
		out_add(o, ":", 1);
		out_spec(o, a + 1, rest - 1);
	}
	if (c > 0) {
		snprintf(buf, sizeof(buf), "%s%d",
		    family == AF_INET ? "/" : "//", (int)(c & 0xff));
		out_str(o, buf);
	}
}

/* prep_ip - an ip4 or ip6 term; /0 as the two halves of the space */
static unsigned
prep_ip(struct out *o, char q, const char *t, size_t len, int ip6)
{
	if (len < 2 || t[len - 2] != '/' || t[len - 1] != '0') {
		out_term(o, q);
		out_add(o, t, len);
		return 1;
	}
	out_term(o, q);
	out_str(o, ip6 ? "ip6:::/1" : "ip4:0.0.0.0/1");
	out_term(o, q);
	out_str(o, ip6 ? "ip6:8000::/1" : "ip4:128.0.0.0/1");
	return 2;
}

/* spf_record_prepare - the record as libspf2 should compile it */
int
spf_record_prepare(const char *record, size_t len, int family, char *out,
    size_t outlen, unsigned *mechs_r)
{
	struct out o = {out, outlen, 0, 0};
	const char *p, *end = record + len, *t, *s, *name;
	const char *redirect = NULL;
	size_t tlen, nlen, redirect_len = 0;
	unsigned mechs = 0;
	int all = 0;
	char q;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	out_str(&o, "v=spf1");
	for (p = record + 6; p < end; p = t + tlen) {
		while (p < end && *p == ' ')
			p++;
		if (p == end)
			break;
		t = p;
		s = memchr(p, ' ', (size_t)(end - p));
		tlen = (size_t)((s != NULL ? s : end) - t);
		q = *t == '+' || *t == '-' || *t == '?' || *t == '~' ?
		    *t : '\0';
		name = t + (q != '\0');
		for (s = name; s < t + tlen && name_char(*s); s++)
			;
		nlen = (size_t)(s - name);
		if (s < t + tlen && *s == '=') {
			if (same_word(name, nlen, "redirect")) {
				redirect = s + 1;
				redirect_len = (size_t)(t + tlen - s - 1);
			} else if (same_word(name, nlen, "exp")) {
				out_str(&o, " exp=");
				out_spec(&o, s + 1, (size_t)(t + tlen - s - 1));
			}
			continue;
		}
		if (all)
			continue;
		if (same_word(name, nlen, "ip4") || same_word(name, nlen, "ip6")) {
			mechs += prep_ip(&o, q, name, (size_t)(t + tlen - name),
			    name[2] == '6');
			continue;
		}
		mechs++;
		if (same_word(name, nlen, "a") || same_word(name, nlen, "mx")) {
			prep_host(&o, q, nlen == 1 ? "a" : "mx", s,
			    (size_t)(t + tlen - s), family);
			continue;
		}
		all = same_word(name, nlen, "all");
		out_term(&o, q);
		out_add(&o, name, nlen);
		if (s < t + tlen) {
			out_add(&o, ":", 1);
			out_spec(&o, s + 1, (size_t)(t + tlen - s - 1));
		}
	}
	if (redirect != NULL && !all) {
		out_str(&o, " redirect=");
		out_spec(&o, redirect, redirect_len);
		mechs++;
	}
	*mechs_r = mechs;
	return o.full ? -1 : 0;
}
