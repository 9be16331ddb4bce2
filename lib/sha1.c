/*
 * NAME
 *	sha1 3
 * SUMMARY
 *	SHA-1 of a string, in hex
 * SYNOPSIS
 *	#include "sha1.h"
 * DESCRIPTION
 *	See sha1.h. Tested against the FIPS 180 examples (t/check_sha1.c).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
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

/* sha1_hex - the SHA-1 of a string in lower-case hex */
void
sha1_hex(const char *s, char out[41])
{
	uint32_t h[5] = {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0,
	};
	size_t len = strlen(s), done, rest, n;
	uint64_t bits = (uint64_t)len * 8;
	unsigned char tail[128];
	int i;

	for (done = 0; len - done >= 64; done += 64)
		sha1_block(h, (const unsigned char *)s + done);
	rest = len - done;
	memset(tail, 0, sizeof(tail));
	memcpy(tail, s + done, rest);
	tail[rest] = 0x80;
	n = rest < 56 ? 64 : 128;
	for (i = 0; i < 8; i++)
		tail[n - 1 - (size_t)i] = (unsigned char)(bits >> (8 * i));
	sha1_block(h, tail);
	if (n == 128)
		sha1_block(h, tail + 64);
	for (i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x",
		    (unsigned)(h[i / 4] >> (24 - 8 * (i % 4))) & 0xffu);
}
