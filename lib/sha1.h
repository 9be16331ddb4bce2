/*
 * NAME
 *	sha1 3h
 * SUMMARY
 *	SHA-1 of a string, in hex, and of octets fed in parts
 * SYNOPSIS
 *	#include "sha1.h"
 *
 *	void sha1_hex(const char *s, char out[41]);
 *
 *	void sha1_init(struct sha1_ctx *c);
 *	void sha1_update(struct sha1_ctx *c, const void *p, size_t len);
 *	void sha1_final(struct sha1_ctx *c, unsigned char out[SHA1_SIZE]);
 * DESCRIPTION
 *	sha1_hex() gives the name Redis gives a Lua script (EVALSHA): the
 *	SHA-1 (FIPS 180-4) of its text as 40 lower-case hex digits and a
 *	NUL. Computed here once at start, so that no SCRIPT LOAD round trip
 *	is needed and the same name works on every server of a cluster.
 *
 *	sha1_init(), sha1_update() and sha1_final() hash octets fed in
 *	parts, NUL octets included, into the 20-octet digest: the HMAC of
 *	the release codes (relcode.c) is built on them. Only these two
 *	users need SHA-1, which is why it is not taken from a crypto
 *	library.
 */
#ifndef ISO_SHA1_H
#define ISO_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define SHA1_SIZE	20	/* octets of a digest */
#define SHA1_BLOCK	64	/* octets of a block */

struct sha1_ctx {
	uint32_t h[5];
	uint64_t len;			/* octets fed so far */
	unsigned char buf[SHA1_BLOCK];	/* a partial block */
};

void	sha1_hex(const char *s, char out[41]);
void	sha1_init(struct sha1_ctx *c);
void	sha1_update(struct sha1_ctx *c, const void *p, size_t len);
void	sha1_final(struct sha1_ctx *c, unsigned char out[SHA1_SIZE]);

#endif
