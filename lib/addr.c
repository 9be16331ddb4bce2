/*
 * NAME
 *	addr 3
 * SUMMARY
 *	envelope address parsing and normalisation
 * SYNOPSIS
 *	#include "addr.h"
 * DESCRIPTION
 *	See addr.h. The parser works on (pointer, length) spans of the raw
 *	argument and never looks past its terminating NUL or the end of a
 *	span; everything is built in a local struct addr and copied out
 *	only when the whole address is good.
 * DIAGNOSTICS
 *	Refusals are returned as static English text, for the caller's log.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "utf8.h"

#define ROUTED_CHARS	"%!"
#define LOCAL_SPECIALS	"()<>[]:;@\\,\""
#define ATEXT_EXTRA	"!#$%&'*+-/=?^_`{|}~"
#define LITERAL_MAX	64		/* "IPv6:" + the longest IPv6 text */

/* is_ctl - a byte that may never appear in an address */
static int
is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* fail - set the message and return -1 */
static int
fail(const char **err_r, const char *msg)
{
	*err_r = msg;
	return -1;
}

/* locate - find the address in the raw argument, dropping <> and parameters */
static int
locate(const char *raw, const char **start_r, size_t *len_r,
    int *bracketed_r, const char **err_r)
{
	const char *p, *start;
	int inq = 0, bracketed;

	for (p = raw; *p != '\0'; p++)
		if (is_ctl((unsigned char)*p) && *p != '\t')
			return fail(err_r, "control character in address");
	for (p = raw; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '\0')
		return fail(err_r, "empty address");
	bracketed = *p == '<';
	if (bracketed)
		p++;
	for (start = p;; p++) {
		if (*p == '\0') {
			if (inq)
				return fail(err_r, "unterminated quoted string");
			if (bracketed)
				return fail(err_r, "unbalanced angle brackets");
			break;
		}
		if (inq) {
			/* an escaped quote does not close; a trailing \ is caught above */
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				inq = 0;
		} else if (*p == '"')
			inq = 1;
		else if (*p == '<')
			return fail(err_r, "unbalanced angle brackets");
		else if (*p == '>') {
			if (!bracketed)
				return fail(err_r, "unbalanced angle brackets");
			break;
		} else if (!bracketed && (*p == ' ' || *p == '\t'))
			break;
	}
	*start_r = start;
	*len_r = (size_t)(p - start);
	*bracketed_r = bracketed;
	if (!bracketed)
		return 0;
	/* ESMTP parameters follow after white space, never glued on */
	if (p[1] == '>')
		return fail(err_r, "unbalanced angle brackets");
	if (p[1] != '\0' && p[1] != ' ' && p[1] != '\t')
		return fail(err_r, "text after the closing angle bracket");
	/* "< >" is how some clients spell the null sender */
	while (*len_r > 0 && **start_r == ' ') {
		(*start_r)++;
		(*len_r)--;
	}
	while (*len_r > 0 && (*start_r)[*len_r - 1] == ' ')
		(*len_r)--;
	return 0;
}

/* check_one - refuse control bytes and unquoted spaces inside the address */
static int
check_one(const char *p, size_t n, const char **err_r)
{
	size_t i;
	int inq = 0;

	for (i = 0; i < n; i++) {
		if (is_ctl((unsigned char)p[i]))
			return fail(err_r, "control character in address");
		if (inq) {
			if (p[i] == '\\' && i + 1 < n)
				i++;
			else if (p[i] == '"')
				inq = 0;
		} else if (p[i] == '"')
			inq = 1;
		else if (p[i] == ' ')
			return fail(err_r, "more than one address between angle brackets");
	}
	return 0;
}

/* parse_literal - check an address literal and write its canonical form */
static int
parse_literal(const char *p, size_t n, char *out, size_t outlen,
    const char **err_r)
{
	char text[LITERAL_MAX + 1], ntop[INET6_ADDRSTRLEN];
	unsigned char bin[16];
	const char *tag = "";
	const char *ip;
	int family = AF_INET;

	if (n < 2 || p[n - 1] != ']' || n - 2 > LITERAL_MAX)
		return fail(err_r, "malformed address literal");
	memcpy(text, p + 1, n - 2);
	text[n - 2] = '\0';
	ip = text;
	if (strncasecmp(text, "IPv6:", 5) == 0) {
		family = AF_INET6;
		tag = "IPv6:";
		ip += 5;
	}
	if (inet_pton(family, ip, bin) != 1)
		return fail(err_r, "malformed address literal");
	/* one spelling per address, so that literals compare as strings */
	if (inet_ntop(family, bin, ntop, sizeof(ntop)) == NULL ||
	    strlen(tag) + strlen(ntop) + 3 > outlen)
		return fail(err_r, "malformed address literal");
	out[0] = '[';
	strcpy(out + 1, tag);
	strcat(out, ntop);
	strcat(out, "]");
	return 0;
}

/* parse_domain - check a domain, lower-case it and drop one trailing dot */
static int
parse_domain(const char *p, size_t n, char *out, const char **err_r)
{
	size_t i, k, label = 0;
	unsigned char c;

	if (n == 0)
		return fail(err_r, "empty domain");
	if (memchr(p, '@', n) != NULL)
		return fail(err_r, "more than one @ outside quotes");
	if (p[0] == '[')
		return parse_literal(p, n, out, ADDR_DOMAIN_MAX + 1, err_r);
	if (p[n - 1] == '.')
		n--;
	if (n == 0)
		return fail(err_r, "empty domain");
	if (n > ADDR_DOMAIN_MAX)
		return fail(err_r, "domain longer than 255 octets");
	for (i = 0; i < n; i += k) {
		c = (unsigned char)p[i];
		k = 1;
		if (c == '.') {
			if (label == 0)
				return fail(err_r, "empty label in domain");
			label = 0;
			out[i] = '.';
			continue;
		}
		if (c >= 0x80) {
			if ((k = utf8_len((const unsigned char *)p + i, n - i)) == 0)
				return fail(err_r, "malformed UTF-8 in domain");
			memcpy(out + i, p + i, k);
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_')
			out[i] = (char)c;
		else if (c >= 'A' && c <= 'Z')
			out[i] = (char)(c - 'A' + 'a');
		else
			return fail(err_r, "invalid character in domain");
		if ((label += k) > 63)
			return fail(err_r, "domain label longer than 63 octets");
	}
	if (label == 0)
		return fail(err_r, "empty label in domain");
	out[n] = '\0';
	return 0;
}

/* skip_route - length of a source route "@a,@b:" at p, 0 if there is none */
static int
skip_route(const char *p, size_t n, size_t *len_r, const char **err_r)
{
	char scratch[ADDR_DOMAIN_MAX + 1];
	const char *close;
	size_t i = 0, start;

	/* without a ':' the leading @ is an empty local part, not a route */
	if (n == 0 || p[0] != '@' || memchr(p, ':', n) == NULL) {
		*len_r = 0;
		return 0;
	}
	for (;;) {
		if (i >= n || p[i] != '@')
			return fail(err_r, "malformed source route");
		start = ++i;
		while (i < n && p[i] != ',' && p[i] != ':' && p[i] != '@') {
			/* an IPv6 literal holds colons of its own */
			if (p[i] == '[' && (close = memchr(p + i, ']', n - i)) != NULL)
				i = (size_t)(close - p);
			i++;
		}
		if (i >= n || p[i] == '@' || i == start ||
		    parse_domain(p + start, i - start, scratch, err_r) < 0)
			return fail(err_r, "malformed source route");
		if (p[i++] == ':')
			break;
	}
	*len_r = i;
	return 0;
}

/* parse_local - the local part, unquoted; *used_r says how much was read */
static int
parse_local(const char *p, size_t n, struct addr *a, size_t *used_r,
    const char **err_r)
{
	size_t i, k, o = 0;
	unsigned char c;
	int quoted = n > 0 && p[0] == '"';

	for (i = (size_t)quoted; i < n; i += k) {
		c = (unsigned char)p[i];
		k = 1;
		if (quoted && c == '"')
			break;
		if (!quoted && c == '@')
			break;
		if (quoted && c == '\\') {
			/* RFC 5321 quoted-pairSMTP: printable ASCII only */
			if (i + 1 >= n || p[i + 1] < 0x20 || p[i + 1] > 0x7e)
				return fail(err_r, "invalid escape in quoted string");
			c = (unsigned char)p[i + 1];
			k = 2;
		} else if (c >= 0x80) {
			if ((k = utf8_len((const unsigned char *)p + i, n - i)) == 0)
				return fail(err_r, "malformed UTF-8 in local part");
		} else if (!quoted && strchr(LOCAL_SPECIALS, c) != NULL)
			return fail(err_r, "invalid character in local part");
		if (o + (c >= 0x80 ? k : 1) > ADDR_LOCAL_MAX)
			return fail(err_r, "local part longer than 64 octets");
		if (c >= 0x80) {
			memcpy(a->local + o, p + i, k);
			o += k;
		} else
			a->local[o++] = (char)c;
	}
	if (quoted) {
		if (i >= n)
			return fail(err_r, "unterminated quoted string");
		i++;
		if (i < n && p[i] != '@')
			return fail(err_r, "text after the quoted local part");
	}
	if (o == 0)
		return fail(err_r, "empty local part");
	a->local[o] = '\0';
	a->quoted = quoted;
	if (strpbrk(a->local, ROUTED_CHARS) != NULL)
		a->routed = 1;
	*used_r = i;
	return 0;
}

static int needs_quotes(const char *, size_t);

/* formatted_len - the length of a parsed address as addr_format() writes it */
static size_t
formatted_len(const struct addr *a)
{
	size_t ln = strlen(a->local), dn = strlen(a->domain), n = ln, i;

	if (needs_quotes(a->local, ln)) {
		n += 2;
		for (i = 0; i < ln; i++)
			n += a->local[i] == '"' || a->local[i] == '\\';
	}
	return dn > 0 ? n + 1 + dn : n;
}

/* addr_parse - parse a raw MAIL FROM / RCPT TO argument */
int
addr_parse(const char *raw, struct addr *addr_r, const char **err_r)
{
	struct addr a;
	const char *p, *dummy;
	size_t n, skip, used;
	int bracketed;

	if (err_r == NULL)
		err_r = &dummy;
	if (raw == NULL || addr_r == NULL)
		return fail(err_r, "no address");
	memset(&a, 0, sizeof(a));
	if (locate(raw, &p, &n, &bracketed, err_r) < 0)
		return -1;
	if (n == 0 && bracketed) {
		a.null = 1;
		*addr_r = a;
		return 0;
	}
	if (check_one(p, n, err_r) < 0 || skip_route(p, n, &skip, err_r) < 0)
		return -1;
	if (skip > 0) {
		a.routed = 1;
		p += skip;
		n -= skip;
	}
	if (parse_local(p, n, &a, &used, err_r) < 0)
		return -1;
	if (used < n) {
		if (parse_domain(p + used + 1, n - used - 1, a.domain,
		    err_r) < 0)
			return -1;
		/* the root dot is dropped, so it does not count */
		if (p[n - 1] == '.')
			n--;
	}
	/* as sent, and as written back: a local part sent unquoted that
	 * needs quotes (".e") grows, and what the milter logs, stores and
	 * compares must parse again */
	if (n > ADDR_MAILBOX_MAX || formatted_len(&a) > ADDR_MAILBOX_MAX)
		return fail(err_r, "address longer than 254 octets");
	*addr_r = a;
	return 0;
}

/* needs_quotes - 1 unless the local part is a dot-atom (UTF-8 allowed) */
static int
needs_quotes(const char *s, size_t n)
{
	size_t i;
	unsigned char c;

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return 1;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '.' && i + 1 < n && s[i + 1] == '.')
			return 1;
		if (c < 0x80 && c != '.' && !(c >= 'a' && c <= 'z') &&
		    !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
		    strchr(ATEXT_EXTRA, c) == NULL)
			return 1;
	}
	return 0;
}

/* addr_format - write local@domain, quoting the local part when needed */
int
addr_format(const struct addr *addr, char *buf, size_t len)
{
	char out[ADDR_FORMAT_MAX];
	size_t ln, dn, i, o = 0;
	int q;

	if (addr == NULL || buf == NULL || len == 0)
		return -1;
	if (addr->null) {
		buf[0] = '\0';
		return 0;
	}
	/* a struct filled by hand may lack its NUL: never read past the array */
	ln = strnlen(addr->local, sizeof(addr->local) - 1);
	dn = strnlen(addr->domain, sizeof(addr->domain) - 1);
	if ((q = needs_quotes(addr->local, ln)) != 0)
		out[o++] = '"';
	for (i = 0; i < ln; i++) {
		if (q && (addr->local[i] == '"' || addr->local[i] == '\\'))
			out[o++] = '\\';
		out[o++] = addr->local[i];
	}
	if (q)
		out[o++] = '"';
	if (dn > 0) {
		out[o++] = '@';
		memcpy(out + o, addr->domain, dn);
		o += dn;
	}
	if (o >= len)
		return -1;
	memcpy(buf, out, o);
	buf[o] = '\0';
	return 0;
}
