/*
 * NAME
 *	relcode 3
 * SUMMARY
 *	self-service release codes bound to one incident
 * SYNOPSIS
 *	#include "relcode.h"
 * DESCRIPTION
 *	See relcode.h. HMAC (RFC 2104) is built here on lib/sha1.c, tested
 *	with the vectors of RFC 2202 (t/check_relcode.c).
 * DIAGNOSTICS
 *	None: a code is right or it is not.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "relcode.h"

#define CODE_CHARS	16	/* 80 bits, 5 bits a character */

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* One part of a message: the HMAC input is their concatenation. */
struct part {
	const void *p;
	size_t	len;
};

/* hmac_parts - HMAC-SHA1 of the parts' concatenation under secret */
static void
hmac_parts(const unsigned char *secret, size_t secret_len,
    const struct part *parts, size_t n, unsigned char mac_r[SHA1_SIZE])
{
	unsigned char k[SHA1_BLOCK], pad[SHA1_BLOCK], inner[SHA1_SIZE];
	struct sha1_ctx c;
	size_t i;

	/* a key longer than a block is replaced by its digest */
	memset(k, 0, sizeof(k));
	if (secret_len > SHA1_BLOCK) {
		sha1_init(&c);
		sha1_update(&c, secret, secret_len);
		sha1_final(&c, k);
	} else if (secret_len > 0)
		memcpy(k, secret, secret_len);

	for (i = 0; i < SHA1_BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	sha1_init(&c);
	sha1_update(&c, pad, sizeof(pad));
	for (i = 0; i < n; i++)
		sha1_update(&c, parts[i].p, parts[i].len);
	sha1_final(&c, inner);

	for (i = 0; i < SHA1_BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	sha1_init(&c);
	sha1_update(&c, pad, sizeof(pad));
	sha1_update(&c, inner, sizeof(inner));
	sha1_final(&c, mac_r);
	/* no copy of the secret left on the stack */
	memset(k, 0, sizeof(k));
	memset(pad, 0, sizeof(pad));
	memset(&c, 0, sizeof(c));
}

/* relcode_hmac - HMAC-SHA1 of msg under secret (RFC 2104) */
void
relcode_hmac(const unsigned char *secret, size_t secret_len,
    const unsigned char *msg, size_t msg_len, unsigned char mac_r[SHA1_SIZE])
{
	struct part part = {msg, msg_len};

	hmac_parts(secret, secret_len, &part, 1, mac_r);
}

/* code_chars - the 16 base32 characters of an incident's code */
static void
code_chars(const unsigned char *secret, size_t secret_len,
    enum store_kind kind, const char *key, unsigned long incident,
    char out[CODE_CHARS])
{
	unsigned char mac[SHA1_SIZE];
	const char *kind_word = store_kind_name(kind);
	char num[24];
	struct part parts[3];
	unsigned bits = 0, nbits = 0;
	size_t i, o = 0;

	snprintf(num, sizeof(num), "%lu", incident);
	/* kind NUL key NUL incident: the NULs are part of the message */
	parts[0].p = kind_word;
	parts[0].len = strlen(kind_word) + 1;
	parts[1].p = key;
	parts[1].len = strlen(key) + 1;
	parts[2].p = num;
	parts[2].len = strlen(num);
	hmac_parts(secret, secret_len, parts, 3, mac);
	for (i = 0; o < CODE_CHARS; i++) {
		bits = (bits << 8 | mac[i]) & 0xfff;
		nbits += 8;
		while (nbits >= 5 && o < CODE_CHARS) {
			out[o++] = b32[(bits >> (nbits - 5)) & 31];
			nbits -= 5;
		}
	}
	memset(mac, 0, sizeof(mac));
}

/* relcode_make - the code of one incident, "ABCD-EFGH-IJKL-MNOP" */
void
relcode_make(const unsigned char *secret, size_t secret_len,
    enum store_kind kind, const char *key, unsigned long incident,
    char code_r[RELCODE_SIZE])
{
	char c[CODE_CHARS];
	size_t i, o = 0;

	code_chars(secret, secret_len, kind, key, incident, c);
	for (i = 0; i < CODE_CHARS; i++) {
		if (i > 0 && i % 4 == 0)
			code_r[o++] = '-';
		code_r[o++] = c[i];
	}
	code_r[o] = '\0';
}

/* normal - a typed character as base32, 0 to skip it, -1 if foreign */
static int
normal(unsigned char ch)
{
	if (ch == ' ' || ch == '\t' || ch == '-')
		return 0;
	if (ch >= 'a' && ch <= 'z')
		ch = (unsigned char)(ch - 'a' + 'A');
	if (ch == '0')
		ch = 'O';
	else if (ch == '1')
		ch = 'I';
	if ((ch >= 'A' && ch <= 'Z') || (ch >= '2' && ch <= '7'))
		return ch;
	return -1;
}

/* relcode_check - 1 if given is the incident's code, else 0 */
int
relcode_check(const unsigned char *secret, size_t secret_len,
    enum store_kind kind, const char *key, unsigned long incident,
    const char *given)
{
	char want[CODE_CHARS], got[CODE_CHARS];
	unsigned diff = 0;
	size_t i, n = 0;
	int ch;

	if (given == NULL)
		return 0;
	for (; *given != '\0'; given++) {
		if ((ch = normal((unsigned char)*given)) < 0)
			return 0;
		if (ch == 0)
			continue;
		if (n == CODE_CHARS)
			return 0;
		got[n++] = (char)ch;
	}
	if (n != CODE_CHARS)
		return 0;
	code_chars(secret, secret_len, kind, key, incident, want);
	/* every character compared whatever the first difference */
	for (i = 0; i < CODE_CHARS; i++)
		diff |= (unsigned)(unsigned char)(want[i] ^ got[i]);
	memset(want, 0, sizeof(want));
	return diff == 0;
}
