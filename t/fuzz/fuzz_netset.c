/*
 * NAME
 *	fuzz_netset 1
 * SUMMARY
 *	libFuzzer target: addresses and CIDR lists
 * SYNOPSIS
 *	fuzz_netset [libFuzzer options] [corpus...]
 * DESCRIPTION
 *	The first octet picks an IPv6 prefix length for the store's keys;
 *	the rest is split at NULs. Each piece goes to netset_add() (as a
 *	CustomerNetworks item would), to ip_parse() and to ip_key_parse();
 *	a parsed address is formatted, must parse back to itself, and is
 *	looked up in the set built so far (where netset_add() accepted it
 *	as a single address, it must be found).
 * DIAGNOSTICS
 *	abort() when a formatted address does not parse back or an added
 *	address is not found; the sanitizers report memory and
 *	undefined-behaviour errors.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netset.h"
#include "fuzz_input.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* one_piece - one text through every parser of the module */
static void
one_piece(struct netset *set, const char *text, int v6_prefix)
{
	char err[128], buf[IP_KEY_MAX], key[IP_KEY_MAX];
	struct ipaddr ip, back;
	int added;

	added = netset_add(set, text, err, sizeof(err)) == 0;
	if (ip_key_parse(text, v6_prefix, key, sizeof(key), err,
	    sizeof(err)) == 0)
		(void)ip_key_network(key, &back);
	if (ip_parse(text, &ip) != 0)
		return;
	if (added && !netset_contains(set, &ip))
		abort();
	if (ip_format(&ip, buf, sizeof(buf)) != 0 ||
	    ip_parse(buf, &back) != 0 || back.family != ip.family ||
	    memcmp(back.bytes, ip.bytes, ip.family == AF_INET ? 4 : 16) != 0)
		abort();
	(void)ip_store_key(&ip, v6_prefix, key, sizeof(key));
}

/* LLVMFuzzerTestOneInput - a list of addresses and networks */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	struct netset *set;
	int v6_prefix;

	if (fuzz_input_init(&in, data, size) < 0)
		return 0;
	v6_prefix = fuzz_input_byte(&in) % 130;	/* 0 and 129 are refused */
	if ((set = netset_new()) != NULL) {
		while (in.at < in.len)
			one_piece(set, fuzz_input_string(&in), v6_prefix);
		(void)netset_count(set);
		netset_free(set);
	}
	fuzz_input_free(&in);
	return 0;
}
