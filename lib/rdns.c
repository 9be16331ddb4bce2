/*
 * NAME
 *	rdns 3
 * SUMMARY
 *	generic (dynamic, consumer) reverse DNS names; what the client's
 *	DNS facts say
 * SYNOPSIS
 *	#include "rdns.h"
 * DESCRIPTION
 *	See rdns.h. rdns_is_generic() weighs these signs, strongest first:
 *
 *	The client's own address written in the name: its four IPv4 octets
 *	(or the last three), in order or reversed, as written or padded to
 *	three digits, separated by '-', '.', '_' or, when padded, by
 *	nothing; the 32-bit address in hex; for IPv6 four consecutive
 *	16-bit groups, the compressed text with '-' for ':', or 16 or more
 *	nibbles in order or (ip6.arpa style) reversed. Only the actual
 *	address counts, never "some digits": mail-wr1-f54 or a8-25 carry
 *	numbers that are not the client's address.
 *
 *	An access label (dsl, dyn, pool, dhcp, cable, ppp, client, cust,
 *	broadband, res, home, ftth, lte, ...) in the host label together
 *	with at least three digits there (dsl-12345, user-10ljh4f), or in
 *	a middle label under a digits-heavy host label (123456789.ftth.).
 *	"host" and "ip" count only beside a digits-heavy host label.
 *
 *	A host label that starts like a mail server's (mail, mx, smtp, mta,
 *	relay, out, outbound, ...) is trusted: there the address alone is
 *	not enough (mail-oln040092066012 holds it, padded), only the
 *	address together with an access label or "static" is. Access
 *	labels in the last two labels (the registered domain, roughly) are
 *	never counted: smtp.home.pl.
 *
 *	rdns_dynamic() reads the DNS results in one fixed order (see
 *	rdns.h) that dns_client() also follows when it stops waiting early,
 *	so that the reason given never depends on which answer came first.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "conf.h"
#include "rdns.h"

#define NAME_TEXT_MAX	253	/* a name, without the final dot */

/* how a token counts */
enum kw_kind {
	KW_NONE,
	KW_ACCESS,			/* dsl, dyn, pool, ... */
	KW_WEAK,			/* host, ip: only beside many digits */
	KW_STATIC			/* only beside the address */
};

static const char *const access_words[] = {
	"abo", "adsl", "bb", "broadband", "cable", "catv", "client", "clients",
	"cm", "cpe", "cust", "customer", "customers", "dhcp", "dial",
	"dialin", "dialup", "dip", "dsl", "dyn", "dynamic", "dynip", "fiber",
	"fibre", "ftth", "fttb", "fttc", "fttp", "fttx", "gprs", "hdsl",
	"home", "hsd", "kabel", "lte", "mobile", "modemcable", "nat", "pool",
	"ppp", "pppoa", "pppoe", "res", "resi", "residential", "sdsl",
	"subs", "subscriber", "umts", "user", "users", "vdsl", "wifi",
	"wireless", "wlan", "xdsl",
};

/* whole '-'/'_' parts that mix digits and letters */
static const char *const access_parts[] = {"3g", "4g", "5g"};

/* first token of a mail server's host label: exact, or any word starting so */
static const char *const mail_exact[] = {
	"email", "exchange", "mout", "mx", "out", "outbound", "outgoing",
};
static const char *const mail_prefix[] = {"mail", "mta", "relay", "smtp"};

static const char why_octets[] = "the address's digits are in the name";
static const char why_hex[] = "the address is in the name in hex";
static const char why_v6[] = "the IPv6 address is in the name";
static const char why_label[] =
    "an access network label with a numbered host";
static const char why_digits[] =
    "a digits-heavy host label under an access network label";

/* in_list - is the n-byte word w one of list? */
static int
in_list(const char *w, size_t n, const char *const *list, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strlen(list[i]) == n && memcmp(list[i], w, n) == 0)
			return 1;
	return 0;
}

#define IN_LIST(w, n, list) in_list(w, n, list, sizeof(list) / sizeof(list[0]))

/* word_kind - what an alphabetic token of n bytes says */
static enum kw_kind
word_kind(const char *w, size_t n)
{
	if (IN_LIST(w, n, access_words))
		return KW_ACCESS;
	if ((n == 4 && memcmp(w, "host", 4) == 0) ||
	    (n == 2 && memcmp(w, "ip", 2) == 0))
		return KW_WEAK;
	if (n == 6 && memcmp(w, "static", 6) == 0)
		return KW_STATIC;
	return KW_NONE;
}

/* label_kinds - OR of (1 << kind) over the tokens of one label */
static unsigned
label_kinds(const char *label, size_t len)
{
	unsigned kinds = 0;
	size_t i = 0, start;

	/* parts between '-' and '_' */
	while (i < len) {
		start = i;
		while (i < len && label[i] != '-' && label[i] != '_')
			i++;
		if (IN_LIST(label + start, i - start, access_parts))
			kinds |= 1u << KW_ACCESS;
		i++;
	}
	/* alphabetic tokens: "host86" is host, "hsd1" is hsd */
	for (i = 0; i < len;) {
		if (!islower((unsigned char)label[i])) {
			i++;
			continue;
		}
		start = i;
		while (i < len && islower((unsigned char)label[i]))
			i++;
		kinds |= 1u << word_kind(label + start, i - start);
	}
	return kinds & ~(1u << KW_NONE);
}

/* mail_like - does the host label start like a mail server's? */
static int
mail_like(const char *label, size_t len)
{
	size_t n = 0, i;

	while (n < len && islower((unsigned char)label[n]))
		n++;
	if (n == 0)
		return 0;
	if (IN_LIST(label, n, mail_exact))
		return 1;
	for (i = 0; i < sizeof(mail_prefix) / sizeof(mail_prefix[0]); i++)
		if (strncmp(label, mail_prefix[i], strlen(mail_prefix[i])) == 0)
			return 1;
	return 0;
}

/* octet_at - p past decimal v written as is or padded to 3, or NULL */
static const char *
octet_at(const char *p, unsigned v, int padded)
{
	char num[8];
	int n = snprintf(num, sizeof(num), padded ? "%03u" : "%u", v);

	return strncmp(p, num, (size_t)n) == 0 ? p + n : NULL;
}

/*
 * octets_at - are the n octets oct[0], oct[step], ... written from p on?
 * Between two octets one of "-._", or nothing when both are padded.
 */
static int
octets_at(const char *p, const unsigned char *oct, int n, int step,
    int must_pad)
{
	const char *q;
	int padded;

	for (padded = must_pad; padded <= 1; padded++) {
		if ((q = octet_at(p, oct[0], padded)) == NULL)
			continue;
		if (n == 1) {
			if (!isdigit((unsigned char)*q))
				return 1;
			continue;
		}
		if (*q != '\0' && strchr("-._", *q) != NULL &&
		    octets_at(q + 1, oct + step, n - 1, step, 0))
			return 1;
		if (padded && octets_at(q, oct + step, n - 1, step, 1))
			return 1;
	}
	return 0;
}

/* v4_octets_in - the address's decimal octets somewhere in name */
static int
v4_octets_in(const char *name, const unsigned char *b)
{
	const char *p;

	for (p = name; *p; p++) {
		if (!isdigit((unsigned char)*p) ||
		    (p > name && isdigit((unsigned char)p[-1])))
			continue;
		if (octets_at(p, b, 4, 1, 0) ||
		    octets_at(p, b + 3, 4, -1, 0) ||
		    octets_at(p, b + 1, 3, 1, 0) ||
		    octets_at(p, b + 3, 3, -1, 0))
			return 1;
	}
	return 0;
}

/*
 * hex_window_in - does a maximal hex run of name hold a window of w
 * characters, with at least min_nonzero nibbles other than '0', that is
 * a substring of want? A window of zeros (2001:db8::1) proves nothing.
 */
static int
hex_window_in(const char *name, const char *want, size_t w,
    size_t min_nonzero)
{
	const char *p = name, *run;
	char win[40];
	size_t len, off, i, nz;

	while (*p) {
		if (!isxdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		for (run = p; isxdigit((unsigned char)*p); p++)
			;
		len = (size_t)(p - run);
		for (off = 0; len >= w && off <= len - w; off++) {
			for (i = 0, nz = 0; i < w; i++) {
				win[i] = run[off + i];
				nz += win[i] != '0';
			}
			win[w] = '\0';
			if (nz >= min_nonzero && strstr(want, win) != NULL)
				return 1;
		}
	}
	return 0;
}

/* v6_reversed_in - name's runs of 16+ one-nibble labels, turned back */
static int
v6_reversed_in(const char *name, const char *want)
{
	char fwd[40];
	const char *p = name, *start;
	size_t n, i;

	while (*p) {
		start = p;
		n = 0;
		while (isxdigit((unsigned char)p[0]) &&
		    (p[1] == '.' || p[1] == '\0') &&
		    (p == name || p[-1] == '.') && n < 32) {
			n++;
			p += p[1] == '.' ? 2 : 1;
		}
		if (n >= 16) {
			for (i = 0; i < n; i++)
				fwd[n - 1 - i] = start[2 * i];
			fwd[n] = '\0';
			if (hex_window_in(fwd, want, 16, 4))
				return 1;
		}
		if (p == start)
			p++;
	}
	return 0;
}

/* hex_group - a 1-4 digit hex number at p, its end in *end_r, or -1 */
static long
hex_group(const char *p, const char **end_r)
{
	long v = 0;
	int n;

	for (n = 0; isxdigit((unsigned char)p[n]); n++) {
		if (n == 4)
			return -1;
		v = v * 16 + (isdigit((unsigned char)p[n]) ? p[n] - '0' :
		    tolower((unsigned char)p[n]) - 'a' + 10);
	}
	*end_r = p + n;
	return n == 0 ? -1 : v;
}

/*
 * v6_groups_in - four consecutive 16-bit groups of the address in name,
 * at least two of them other than zero (0-0-0-1 proves nothing)
 */
static int
v6_groups_in(const char *name, const unsigned char *b)
{
	long g[8];
	const char *p, *q;
	int i, k, nz;

	for (i = 0; i < 8; i++)
		g[i] = (long)b[2 * i] << 8 | b[2 * i + 1];
	for (p = name; *p; p++) {
		if (!isxdigit((unsigned char)*p) ||
		    (p > name && isxdigit((unsigned char)p[-1])))
			continue;
		for (i = 0; i <= 4; i++) {
			for (nz = 0, k = 0; k < 4; k++)
				nz += g[i + k] != 0;
			if (nz < 2)
				continue;
			for (q = p, k = 0; k < 4; k++) {
				if (hex_group(q, &q) != g[i + k])
					break;
				if (k == 3)
					continue;
				if (*q == '\0' || strchr("-._", *q) == NULL)
					break;
				q++;
			}
			if (k == 4)
				return 1;
		}
	}
	return 0;
}

/* address_in - which form of ip the name holds, as a why phrase, or NULL */
static const char *
address_in(const char *name, const struct ipaddr *ip)
{
	char hex[40], rev[40], text[IP_TEXT_MAX], *c;
	const char *p;
	size_t n;
	int i;

	if (ip == NULL)
		return NULL;
	if (ip->family == AF_INET) {
		const unsigned char *b = ip->bytes;

		if (v4_octets_in(name, b))
			return why_octets;
		snprintf(hex, sizeof(hex), "%02x%02x%02x%02x", b[0], b[1], b[2],
		    b[3]);
		snprintf(rev, sizeof(rev), "%02x%02x%02x%02x", b[3], b[2], b[1],
		    b[0]);
		if (hex_window_in(name, hex, 8, 0) ||
		    hex_window_in(name, rev, 8, 0))
			return why_hex;
		return NULL;
	}
	if (ip->family != AF_INET6)
		return NULL;
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", ip->bytes[i]);
	if (hex_window_in(name, hex, 16, 4) || v6_reversed_in(name, hex))
		return why_v6;
	if (v6_groups_in(name, ip->bytes))
		return why_v6;
	/* the compressed text, "::" as "--" */
	if (ip_format(ip, text, sizeof(text)) == 0 && strstr(text, "::")) {
		for (c = text; *c; c++)
			if (*c == ':')
				*c = '-';
		n = strlen(text);
		for (p = name; (p = strstr(p, text)) != NULL; p++)
			if ((p == name || !isxdigit((unsigned char)p[-1])) &&
			    !isxdigit((unsigned char)p[n]))
				return why_v6;
	}
	return NULL;
}

/* digits_heavy - three or more digit runs, or six or more digits */
static int
digits_heavy(const char *label, size_t len, size_t *digits_r)
{
	size_t i, runs = 0, digits = 0;

	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)label[i]))
			continue;
		digits++;
		if (i == 0 || !isdigit((unsigned char)label[i - 1]))
			runs++;
	}
	*digits_r = digits;
	return runs >= 3 || digits >= 6;
}

/* rdns_is_generic - does name look like a consumer line's reverse name? */
int
rdns_is_generic(const char *name, const struct ipaddr *ip,
    const char **why_r)
{
	char buf[NAME_TEXT_MAX + 2];
	size_t len, first, i, start, digits, nlabels = 1, label;
	unsigned first_kinds, middle_kinds = 0;
	const char *why;
	int heavy, mailish;

	if (name == NULL)
		return 0;
	len = strlen(name);
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > NAME_TEXT_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		buf[i] = (char)tolower((unsigned char)name[i]);
		nlabels += buf[i] == '.';
	}
	buf[len] = '\0';

	for (first = 0; first < len && buf[first] != '.'; first++)
		;
	first_kinds = label_kinds(buf, first);
	mailish = mail_like(buf, first);
	heavy = digits_heavy(buf, first, &digits);
	/* the middle labels: neither the host label nor the last two */
	for (i = first + 1, start = i, label = 1; i <= len; i++) {
		if (i < len && buf[i] != '.')
			continue;
		if (label + 2 < nlabels)
			middle_kinds |= label_kinds(buf + start, i - start);
		label++;
		start = i + 1;
	}

	why = address_in(buf, ip);
	if (why != NULL && (!mailish || ((first_kinds | middle_kinds) &
	    (1u << KW_ACCESS | 1u << KW_STATIC)) != 0))
		goto generic;
	if (mailish)
		return 0;
	if (((first_kinds & (1u << KW_ACCESS)) && digits >= 3) ||
	    ((first_kinds & (1u << KW_WEAK)) && heavy)) {
		why = why_label;
		goto generic;
	}
	if (heavy && (middle_kinds & (1u << KW_ACCESS | 1u << KW_WEAK))) {
		why = why_digits;
		goto generic;
	}
	return 0;

generic:
	if (why_r != NULL)
		*why_r = why;
	return 1;
}

/* rdns_listed - the first zone whose answer passes its filter, into why */
static int
rdns_listed(const struct dnsbl *zones, const struct dns_listing *listings,
    size_t n_zones, char *why, size_t len)
{
	char text[IP_TEXT_MAX];
	size_t i, j;

	for (i = 0; i < n_zones; i++) {
		for (j = 0; listings[i].rc == 1 && j < listings[i].n; j++) {
			if (dnsbl_filter_match(zones[i].filter,
			    &listings[i].answers[j]) != 1)
				continue;
			if (ip_format(&listings[i].answers[j], text,
			    sizeof(text)) < 0)
				snprintf(text, sizeof(text), "?");
			snprintf(why, len, "listed in %s as %s", zones[i].zone,
			    text);
			return 1;
		}
	}
	return 0;
}

/* rdns_named - what the reverse name says under checks: 1, 0 or -1 */
static int
rdns_named(const struct ipaddr *ip, unsigned checks,
    const struct dns_rdns *rdns, char *why, size_t len)
{
	const char *sign;
	char text[IP_TEXT_MAX];

	if (ip_format(ip, text, sizeof(text)) < 0)
		snprintf(text, sizeof(text), "?");
	if (rdns->rc < 0)
		return (checks & (DYNAMIC_NO_PTR | DYNAMIC_GENERIC |
		    DYNAMIC_UNCONFIRMED)) != 0 ? -1 : 0;
	if (rdns->rc == 0) {
		if ((checks & DYNAMIC_NO_PTR) == 0)
			return 0;
		snprintf(why, len, "%s has no reverse DNS name", text);
		return 1;
	}
	if (rdns->confirmed == 0 && (checks & DYNAMIC_UNCONFIRMED) != 0) {
		snprintf(why, len,
		    "reverse name %.160s does not resolve back to %.46s",
		    rdns->name, text);
		return 1;
	}
	if ((checks & DYNAMIC_GENERIC) != 0 &&
	    rdns_is_generic(rdns->name, ip, &sign) == 1) {
		snprintf(why, len, "generic reverse name %.160s: %.60s",
		    rdns->name, sign);
		return 1;
	}
	return rdns->confirmed < 0 && (checks & DYNAMIC_UNCONFIRMED) != 0 ?
	    -1 : 0;
}

/* rdns_dynamic - the inbound.dynamic_ip evidence in the DNS results */
int
rdns_dynamic(const struct ipaddr *ip, unsigned checks,
    const struct dnsbl *zones, const struct dns_listing *listings,
    size_t n_zones, const struct dns_rdns *rdns, char *why, size_t len)
{
	char buf[256];
	size_t i;
	int unknown = 0, rc;

	if ((checks & DYNAMIC_DNSBL) != 0 && n_zones > 0) {
		if (rdns_listed(zones, listings, n_zones, buf, sizeof(buf)))
			goto yes;
		for (i = 0; i < n_zones; i++)
			if (listings[i].rc < 0)
				unknown = 1;
	}
	if (rdns != NULL && ip != NULL) {
		rc = rdns_named(ip, checks, rdns, buf, sizeof(buf));
		if (rc > 0)
			goto yes;
		if (rc < 0)
			unknown = 1;
	}
	return unknown ? -1 : 0;

yes:
	if (why != NULL && len > 0)
		snprintf(why, len, "%s", buf);
	return 1;
}
