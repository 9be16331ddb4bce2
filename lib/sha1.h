/*
 * NAME
 *	sha1 3h
 * SUMMARY
 *	SHA-1 of octets fed in parts, for the release codes' HMAC
 * SYNOPSIS
 *	#include "sha1.h"
 *
 *	void sha1_init(struct sha1_ctx *c);
 *	void sha1_update(struct sha1_ctx *c, const void *p, size_t len);
 *	void sha1_final(struct sha1_ctx *c, unsigned char out[SHA1_SIZE]);
 * DESCRIPTION
 *	sha1_init(), sha1_update() and sha1_final() hash octets fed in
 *	parts, NUL octets included, into the 20-octet digest (FIPS 180-4).
 *	Their one user is relcode.c, which builds the HMAC of the release
 *	codes on them; that one use is why SHA-1 is not taken from a
 *	crypto library. (The Redis backend does not hash its Lua scripts:
 *	it names them by what SCRIPT LOAD answers.)
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

void	sha1_init(struct sha1_ctx *c);
void	sha1_update(struct sha1_ctx *c, const void *p, size_t len);
void	sha1_final(struct sha1_ctx *c, unsigned char out[SHA1_SIZE]);

#endif
