/*
 * NAME
 *	sha1 3
 * SUMMARY
 *	SHA-1 of octets fed in parts, for the release codes' HMAC
 * SYNOPSIS
 *	#include "sha1.h"
 * DESCRIPTION
 *	See sha1.h. Tested against the FIPS 180 examples (t/check_sha1.c).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "sha1.h"

#define ROL(x, n)	(((x) << (n)) | ((x) >> (32 - (n))))

/* sha1_block - one 64-octet block into the state (FIPS 180-4, 6.1.2) */
static void
sha1_block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f,
	    k, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = ROL(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = ROL(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

/* sha1_init - the state before the first octet */
void
sha1_init(struct sha1_ctx *c)
{
	static const uint32_t h0[5] = {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0,
	};

	memcpy(c->h, h0, sizeof(h0));
	c->len = 0;
}

/* sha1_update - feed len octets */
void
sha1_update(struct sha1_ctx *c, const void *p, size_t len)
{
	const unsigned char *in = p;
	size_t used = (size_t)(c->len % SHA1_BLOCK), n;

	c->len += len;
	if (used > 0) {
		n = SHA1_BLOCK - used < len ? SHA1_BLOCK - used : len;
		memcpy(c->buf + used, in, n);
		in += n;
		len -= n;
		if (used + n < SHA1_BLOCK)
			return;
		sha1_block(c->h, c->buf);
	}
	for (; len >= SHA1_BLOCK; in += SHA1_BLOCK, len -= SHA1_BLOCK)
		sha1_block(c->h, in);
	memcpy(c->buf, in, len);
}

/* sha1_final - pad, and write the digest (FIPS 180-4, 5.1.1) */
void
sha1_final(struct sha1_ctx *c, unsigned char out[SHA1_SIZE])
{
	uint64_t bits = c->len * 8;
	unsigned char pad[SHA1_BLOCK + 8];
	size_t used = (size_t)(c->len % SHA1_BLOCK), n;
	int i;

	n = (used < 56 ? 56 : 56 + SHA1_BLOCK) - used;
	memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (i = 0; i < 8; i++)
		pad[n + 7 - (size_t)i] = (unsigned char)(bits >> (8 * i));
	sha1_update(c, pad, n + 8);
	for (i = 0; i < SHA1_SIZE; i++)
		out[i] = (unsigned char)(c->h[i / 4] >> (24 - 8 * (i % 4)));
}
