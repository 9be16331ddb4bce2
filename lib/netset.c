/*
 * NAME
 *	netset 3
 * SUMMARY
 *	IP addresses and sets of CIDR blocks
 * SYNOPSIS
 *	#include "netset.h"
 * DESCRIPTION
 *	See netset.h. A set is a plain array scanned in order: the sets come
 *	from the configuration and hold a handful of blocks, so a lookup
 *	costs less than any tree would.
 * DIAGNOSTICS
 *	netset_add() explains a refusal in the caller's buffer; nothing here
 *	logs or exits.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netset.h"

struct block {
	int	family;
	unsigned char bytes[16];	/* host bits are always zero */
	unsigned prefix;
};

struct netset {
	struct block *v;
	size_t	n;
	size_t	cap;
};

/* family_bits - address length in bits, 0 for an unknown family */
static unsigned
family_bits(int family)
{
	return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

/* unmap - turn an IPv4-mapped IPv6 address into the IPv4 address */
static int
unmap(int *family, unsigned char *bytes)
{
	static const unsigned char prefix[12] =
	    {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (*family != AF_INET6 || memcmp(bytes, prefix, 12) != 0)
		return 0;
	memmove(bytes, bytes + 12, 4);
	memset(bytes + 4, 0, 12);
	*family = AF_INET;
	return 1;
}

/* pton - IPv4 or IPv6 text to binary, no mapping; family 0 on failure */
static int
pton(const char *text, unsigned char *bytes)
{
	memset(bytes, 0, 16);
	if (inet_pton(AF_INET, text, bytes) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, text, bytes) == 1)
		return AF_INET6;
	memset(bytes, 0, 16);
	return 0;
}

/* ip_parse - parse IPv4 or IPv6 text, also "IPv6:..." and "[...]" */
int
ip_parse(const char *text, struct ipaddr *ip_r)
{
	char buf[IP_TEXT_MAX + 5 + 1];
	struct ipaddr ip;
	size_t n;
	const char *p;
	int tagged = 0;

	if (text == NULL || ip_r == NULL)
		return -1;
	n = strlen(text);
	if (n >= 2 && text[0] == '[' && text[n - 1] == ']') {
		text++;
		n -= 2;
	}
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, text, n);
	buf[n] = '\0';
	p = buf;
	if (strncasecmp(p, "IPv6:", 5) == 0) {
		tagged = 1;
		p += 5;
	}
	memset(&ip, 0, sizeof(ip));
	if ((ip.family = pton(p, ip.bytes)) == 0)
		return -1;
	/* "IPv6:1.2.3.4" is a contradiction, not an IPv4 address */
	if (tagged && ip.family != AF_INET6)
		return -1;
	unmap(&ip.family, ip.bytes);
	*ip_r = ip;
	return 0;
}

/* ip_from_sockaddr - the address of an AF_INET or AF_INET6 sockaddr */
int
ip_from_sockaddr(const struct sockaddr *sa, struct ipaddr *ip_r)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct ipaddr ip;

	if (sa == NULL || ip_r == NULL)
		return -1;
	memset(&ip, 0, sizeof(ip));
	/* copies, because the caller's storage need not be aligned for them */
	if (sa->sa_family == AF_INET) {
		memcpy(&sin, sa, sizeof(sin));
		ip.family = AF_INET;
		memcpy(ip.bytes, &sin.sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		memcpy(&sin6, sa, sizeof(sin6));
		ip.family = AF_INET6;
		memcpy(ip.bytes, &sin6.sin6_addr, 16);
		unmap(&ip.family, ip.bytes);
	} else
		return -1;
	*ip_r = ip;
	return 0;
}

/* format_v4 - dotted quad of 4 octets into text (16 octets); its length */
static size_t
format_v4(const unsigned char *b, char *text)
{
	size_t n = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (i > 0)
			text[n++] = '.';
		if (b[i] >= 100)
			text[n++] = (char)('0' + b[i] / 100);
		if (b[i] >= 10)
			text[n++] = (char)('0' + b[i] / 10 % 10);
		text[n++] = (char)('0' + b[i] % 10);
	}
	text[n] = '\0';
	return n;
}

/* ip_format - canonical text of an address */
int
ip_format(const struct ipaddr *ip, char *buf, size_t len)
{
	char text[IP_TEXT_MAX];
	size_t n;

	if (ip == NULL || buf == NULL || family_bits(ip->family) == 0)
		return -1;
	/* every session formats its client twice (text, store key):
	 * inet_ntop formats IPv4 with sprintf */
	if (ip->family == AF_INET)
		(void)format_v4(ip->bytes, text);
	else if (inet_ntop(ip->family, ip->bytes, text, sizeof(text)) == NULL)
		return -1;
	if ((n = strlen(text)) >= len)
		return -1;
	memcpy(buf, text, n + 1);
	return 0;
}

/* netset_new - an empty set */
struct netset *
netset_new(void)
{
	return calloc(1, sizeof(struct netset));
}

/* netset_free - release a set; NULL is fine */
void
netset_free(struct netset *set)
{
	if (set == NULL)
		return;
	free(set->v);
	free(set);
}

/* mask - clear the bits past prefix */
static void
mask(unsigned char *bytes, unsigned prefix)
{
	unsigned i;

	for (i = 0; i < 16; i++) {
		if (prefix >= 8)
			prefix -= 8;
		else {
			bytes[i] &= (unsigned char)(0xff00 >> prefix);
			prefix = 0;
		}
	}
}

/* say - write a refusal into the caller's buffer and return -1 */
static int __attribute__((format(printf, 3, 4)))
say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* parse_prefix - a decimal prefix length from 0 to max, the whole string */
static int
parse_prefix(const char *p, unsigned max, unsigned *prefix_r)
{
	unsigned v = 0;

	if (*p == '\0')
		return -1;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		/* stop before the value can wrap */
		if ((v = v * 10 + (unsigned)(*p - '0')) > max)
			return -1;
	}
	*prefix_r = v;
	return 0;
}

/* netset_add - add one address or CIDR block */
int
netset_add(struct netset *set, const char *cidr, char *err, size_t errlen)
{
	char text[IP_TEXT_MAX + 1], net[IP_TEXT_MAX];
	unsigned char masked[16];
	const char *slash;
	struct block b, *v;
	size_t n, i, cap;

	if (set == NULL || cidr == NULL)
		return say(err, errlen, "no network given");
	slash = strchr(cidr, '/');
	n = slash != NULL ? (size_t)(slash - cidr) : strlen(cidr);
	memset(&b, 0, sizeof(b));
	if (n == 0 || n > IP_TEXT_MAX)
		b.family = 0;
	else {
		memcpy(text, cidr, n);
		text[n] = '\0';
		b.family = pton(text, b.bytes);
	}
	if (b.family == 0)
		return say(err, errlen, "\"%s\" is not an IP address or network",
		    cidr);
	b.prefix = family_bits(b.family);
	if (slash != NULL && parse_prefix(slash + 1, b.prefix, &b.prefix) < 0)
		return say(err, errlen, "\"%s\": the prefix length must be a "
		    "number from 0 to %u", cidr, family_bits(b.family));

	/* a typo in a network must not silently widen or narrow the block */
	memcpy(masked, b.bytes, 16);
	mask(masked, b.prefix);
	if (memcmp(masked, b.bytes, 16) != 0) {
		inet_ntop(b.family, masked, net, sizeof(net));
		return say(err, errlen, "\"%s\" has host bits set; "
		    "did you mean %s/%u?", cidr, net, b.prefix);
	}
	/* a mapped network is the IPv4 network it covers */
	if (b.family == AF_INET6 && b.prefix >= 96 &&
	    unmap(&b.family, b.bytes))
		b.prefix -= 96;

	for (i = 0; i < set->n; i++)
		if (memcmp(&set->v[i], &b, sizeof(b)) == 0)
			return 0;
	if (set->n == set->cap) {
		cap = set->cap ? set->cap * 2 : 8;
		if ((v = realloc(set->v, cap * sizeof(*v))) == NULL)
			return say(err, errlen, "out of memory");
		set->v = v;
		set->cap = cap;
	}
	set->v[set->n++] = b;
	return 0;
}

/* block_contains - 1 if ip falls inside the block */
static int
block_contains(const struct block *b, const struct ipaddr *ip)
{
	unsigned full = b->prefix / 8, rest = b->prefix % 8;
	unsigned char m;

	if (b->family != ip->family)
		return 0;
	if (memcmp(b->bytes, ip->bytes, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	m = (unsigned char)(0xff00 >> rest);
	return (ip->bytes[full] & m) == b->bytes[full];
}

/* netset_contains - 1 if ip is inside any block of the set */
int
netset_contains(const struct netset *set, const struct ipaddr *ip)
{
	size_t i;

	if (set == NULL || ip == NULL)
		return 0;
	for (i = 0; i < set->n; i++)
		if (block_contains(&set->v[i], ip))
			return 1;
	return 0;
}

/* netset_count - number of blocks in the set */
size_t
netset_count(const struct netset *set)
{
	return set == NULL ? 0 : set->n;
}

/* ip_store_key - the store's key of a client: IPv4 text, IPv6 its /v6_prefix */
int
ip_store_key(const struct ipaddr *ip, int v6_prefix, char *buf, size_t len)
{
	char text[IP_TEXT_MAX];
	struct ipaddr net;
	int n;

	if (ip == NULL || buf == NULL || v6_prefix < 1 || v6_prefix > 128)
		return -1;
	if (ip->family != AF_INET6 || v6_prefix == 128)
		return ip_format(ip, buf, len);
	net = *ip;
	mask(net.bytes, (unsigned)v6_prefix);
	if (ip_format(&net, text, sizeof(text)) < 0)
		return -1;
	n = snprintf(NULL, 0, "%s/%d", text, v6_prefix);
	if (n < 0 || (size_t)n >= len)
		return -1;
	snprintf(buf, len, "%s/%d", text, v6_prefix);
	return 0;
}

/* split_prefix - "text/n" into an address and a length; -1 bad (n: -1 none) */
static int
split_prefix(const char *text, struct ipaddr *ip_r, int *n_r)
{
	char addr[IP_TEXT_MAX + 8];
	const char *slash = strchr(text, '/');
	unsigned n;
	size_t len;

	*n_r = -1;
	if (slash == NULL)
		return ip_parse(text, ip_r);
	if ((len = (size_t)(slash - text)) >= sizeof(addr))
		return -1;
	memcpy(addr, text, len);
	addr[len] = '\0';
	if (ip_parse(addr, ip_r) < 0 ||
	    parse_prefix(slash + 1, family_bits(ip_r->family), &n) < 0)
		return -1;
	*n_r = (int)n;
	return 0;
}

/* ip_key_parse - an operator's address or IPv6 prefix as the store's key */
int
ip_key_parse(const char *text, int v6_prefix, char *buf, size_t len,
    char *err, size_t errlen)
{
	struct ipaddr ip;
	int n;

	if (text == NULL || split_prefix(text, &ip, &n) < 0)
		return say(err, errlen, "not an IP address");
	if (ip.family == AF_INET && n != -1 && n != 32)
		return say(err, errlen, "IPv4 clients are keyed by address, "
		    "not by network");
	if (ip.family == AF_INET6 && n != -1 && n < v6_prefix)
		return say(err, errlen, "a prefix wider than the /%d IPv6 "
		    "clients are keyed by (IPv6Prefix)", v6_prefix);
	if (ip_store_key(&ip, v6_prefix, buf, len) < 0)
		return say(err, errlen, "no key for it with IPv6Prefix %d",
		    v6_prefix);
	return 0;
}

/* ip_key_network - the address of a key, the network's for a prefix */
int
ip_key_network(const char *key, struct ipaddr *ip_r)
{
	struct ipaddr ip;
	int n;

	if (key == NULL || ip_r == NULL || split_prefix(key, &ip, &n) < 0)
		return -1;
	if (n != -1)
		mask(ip.bytes, (unsigned)n);
	*ip_r = ip;
	return 0;
}
