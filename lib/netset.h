/*
 * NAME
 *	netset 3h
 * SUMMARY
 *	IP addresses and sets of CIDR blocks
 * SYNOPSIS
 *	#include "netset.h"
 *
 *	int ip_parse(const char *text, struct ipaddr *ip_r);
 *	int ip_from_sockaddr(const struct sockaddr *sa, struct ipaddr *ip_r);
 *	int ip_format(const struct ipaddr *ip, char *buf, size_t len);
 *	int ip_store_key(const struct ipaddr *ip, int v6_prefix,
 *	    char *buf, size_t len);
 *	int ip_key_parse(const char *text, int v6_prefix, char *buf,
 *	    size_t len, char *err, size_t errlen);
 *	int ip_key_network(const char *key, struct ipaddr *ip_r);
 *
 *	struct netset *netset_new(void);
 *	void netset_free(struct netset *set);
 *	int netset_add(struct netset *set, const char *cidr,
 *	    char *err, size_t errlen);
 *	int netset_contains(const struct netset *set,
 *	    const struct ipaddr *ip);
 *	size_t netset_count(const struct netset *set);
 * DESCRIPTION
 *	An IPv4-mapped IPv6 address (::ffff:a.b.c.d), as a dual-stack
 *	listener reports an IPv4 client, is always turned into the IPv4
 *	address it stands for, both when parsed and when taken from a
 *	sockaddr, so that one client has one spelling. For the same reason
 *	a mapped network (::ffff:10.0.0.0/104) is stored as the IPv4 network
 *	it covers (10.0.0.0/8). Otherwise an IPv4 address never matches an
 *	IPv6 block, nor the reverse: ::/0 holds no IPv4 client.
 *
 *	ip_parse() takes dotted-quad IPv4 or IPv6 text, also in the
 *	"IPv6:..." and "[...]" forms of SMTP address literals. All bytes
 *	of struct ipaddr past the address are zero, so that two addresses
 *	can be compared with memcmp().
 *
 *	ip_format() writes the canonical text (inet_ntop).
 *
 *	ip_store_key() writes the key under which the state store keeps a
 *	client's quarantine and rate counters: for IPv4 the address text,
 *	as ip_format(); for IPv6 the network of the /v6_prefix holding it
 *	(IPv6Prefix), in canonical text with its length, e.g.
 *	"2001:db8:1:2::/64", so that a host rotating through the
 *	addresses of its prefix stays one client; v6_prefix 128 gives the
 *	plain address. IP_KEY_MAX holds any key.
 *
 *	ip_key_parse() turns what an operator names (isolationctl) into
 *	that key: an address as ip_parse() takes it, or an IPv6 prefix
 *	"v6/n" with n at least v6_prefix (a longer one, and host bits, are
 *	taken to name the /v6_prefix that holds them); an IPv4 address may
 *	carry "/32". ip_key_network() reads a key back: the address, or the
 *	network address of a prefix, for lookups by address (AlertContacts).
 *
 *	netset_add() takes "a.b.c.d", "a.b.c.d/n", "v6" or "v6/n"; without
 *	a prefix length the block is one host. An exact duplicate is added
 *	once. netset_contains() and netset_count() accept a NULL set, the
 *	empty set.
 * DIAGNOSTICS
 *	ip_parse(), ip_from_sockaddr(), ip_format(), ip_store_key() and
 *	ip_key_network() return 0, or -1 on invalid input (for
 *	ip_store_key() also a v6_prefix outside 1..128) or a buffer too
 *	small; outputs are untouched on failure. ip_key_parse() returns 0,
 *	or -1 with a message in err (when errlen > 0), e.g. that a prefix
 *	is wider than the one clients are keyed by. netset_new() returns
 *	NULL when out of memory. netset_add() returns 0, or -1 with a
 *	message in err (when errlen > 0) saying what is wrong, e.g. which
 *	network was meant when host bits are set; the set is then
 *	unchanged.
 */
#ifndef ISO_NETSET_H
#define ISO_NETSET_H

#include <stddef.h>
#include <sys/socket.h>

/* a buffer that holds any ip_format() result */
#define IP_TEXT_MAX	46
/* a buffer that holds any ip_store_key() result: text, "/", 3 digits */
#define IP_KEY_MAX	(IP_TEXT_MAX + 4)

struct ipaddr {
	int	family;			/* AF_INET or AF_INET6 */
	unsigned char bytes[16];	/* AF_INET uses bytes[0..3] */
};

struct netset;

int	ip_parse(const char *text, struct ipaddr *ip_r);
int	ip_from_sockaddr(const struct sockaddr *sa, struct ipaddr *ip_r);
int	ip_format(const struct ipaddr *ip, char *buf, size_t len);
int	ip_store_key(const struct ipaddr *ip, int v6_prefix, char *buf,
	    size_t len);
int	ip_key_parse(const char *text, int v6_prefix, char *buf, size_t len,
	    char *err, size_t errlen);
int	ip_key_network(const char *key, struct ipaddr *ip_r);

struct netset *netset_new(void);
void	netset_free(struct netset *set);
int	netset_add(struct netset *set, const char *cidr, char *err,
	    size_t errlen);
int	netset_contains(const struct netset *set, const struct ipaddr *ip);
size_t	netset_count(const struct netset *set);

#endif
