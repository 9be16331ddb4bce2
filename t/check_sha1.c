/*
 * NAME
 *	check_sha1 1
 * SUMMARY
 *	unit tests for lib/sha1.c
 * DESCRIPTION
 *	The FIPS 180 example messages, and runs of "a" around the padding
 *	boundaries (55, 63, 64 and 119 octets), whose digests were computed
 *	with sha1sum(1); each fed at once, and again an octet at a time.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha1.h"

#define A55	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const struct {
	const char *in;
	const char *want;
} vectors[] = {
	{"", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
	{"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
	{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
	{"The quick brown fox jumps over the lazy dog",
	    "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"},
	{A55, "c1c8bbdc22796e28c0e15163d20899b65621d65a"},
	{A55 "aaaaaaaa", "03f09f5b158a7a8cdad920bddc29b81c18a551f5"},
	{A55 "aaaaaaaaa", "0098ba824b5c16427bd7a1122a5a442a25ec644d"},
	{A55 A55 "aaaaaaaaa", "ee971065aaa017e0632a8ca6c77bb3bf8b1dfc56"},
};

/* digest_hex - the digest of s fed in parts of step octets, in hex */
static void
digest_hex(const char *s, size_t step, char out[2 * SHA1_SIZE + 1])
{
	unsigned char d[SHA1_SIZE];
	size_t len = strlen(s), at, n;
	struct sha1_ctx c;
	int i;

	sha1_init(&c);
	for (at = 0; at < len; at += n) {
		n = len - at < step ? len - at : step;
		sha1_update(&c, s + at, n);
	}
	sha1_final(&c, d);
	for (i = 0; i < SHA1_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", (unsigned)d[i]);
}

START_TEST(test_vectors)
{
	char out[2 * SHA1_SIZE + 1];

	memset(out, 'x', sizeof(out));
	digest_hex(vectors[_i].in, SIZE_MAX, out);
	ck_assert_str_eq(out, vectors[_i].want);
	memset(out, 'x', sizeof(out));
	digest_hex(vectors[_i].in, 1, out);
	ck_assert_str_eq(out, vectors[_i].want);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sha1");
	TCase *tc = tcase_create("vectors");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_vectors, 0,
	    sizeof(vectors) / sizeof(vectors[0]));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
