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
 *	netset_add() takes "a.b.c.d", "a.b.c.d/n", "v6" or "v6/n"; without
 *	a prefix length the block is one host. An exact duplicate is added
 *	once. netset_contains() and netset_count() accept a NULL set, the
 *	empty set.
 * DIAGNOSTICS
 *	ip_parse(), ip_from_sockaddr() and ip_format() return 0, or -1 on
 *	invalid input or a buffer too small; outputs are untouched on
 *	failure. netset_new() returns NULL when out of memory. netset_add()
 *	returns 0, or -1 with a message in err (when errlen > 0) saying what
 *	is wrong, e.g. which network was meant when host bits are set; the
 *	set is then unchanged.
 */
#ifndef ISO_NETSET_H
#define ISO_NETSET_H

#include <stddef.h>
#include <sys/socket.h>

/* a buffer that holds any ip_format() result */
#define IP_TEXT_MAX	46

struct ipaddr {
	int	family;			/* AF_INET or AF_INET6 */
	unsigned char bytes[16];	/* AF_INET uses bytes[0..3] */
};

struct netset;

int	ip_parse(const char *text, struct ipaddr *ip_r);
int	ip_from_sockaddr(const struct sockaddr *sa, struct ipaddr *ip_r);
int	ip_format(const struct ipaddr *ip, char *buf, size_t len);

struct netset *netset_new(void);
void	netset_free(struct netset *set);
int	netset_add(struct netset *set, const char *cidr, char *err,
	    size_t errlen);
int	netset_contains(const struct netset *set, const struct ipaddr *ip);
size_t	netset_count(const struct netset *set);

#endif
