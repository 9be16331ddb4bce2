/*
 * NAME
 *	check_relcode 1
 * SUMMARY
 *	unit tests for lib/relcode.c
 * DESCRIPTION
 *	HMAC-SHA1 against the seven test cases of RFC 2202; codes against
 *	known answers computed independently (Python's hmac module over
 *	"kind NUL key NUL incident"); the format; what relcode_check()
 *	forgives (case, dashes, spaces, 0 for O, 1 for I) and what it
 *	refuses (another incident, key, kind or secret, one character off,
 *	too short, too long, foreign characters).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relcode.h"

#define SECRET		"correct horse battery staple"
#define B32		"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#define SECRET_LEN	(sizeof(SECRET) - 1)

static const unsigned char *const secret = (const unsigned char *)SECRET;

/* hex - a digest as lower-case hex */
static void
hex(const unsigned char *d, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* RFC 2202, section 3: key and data are repeated octets or text */
static const struct {
	unsigned char key_octet;	/* 0: key_text */
	size_t	key_len;
	const char *key_text;
	unsigned char data_octet;	/* 0: data_text */
	size_t	data_len;
	const char *data_text;
	const char *want;
} hmac_vectors[] = {
	{0x0b, 20, NULL, 0, 0, "Hi There",
	    "b617318655057264e28bc0b6fb378c8ef146be00"},
	{0, 0, "Jefe", 0, 0, "what do ya want for nothing?",
	    "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
	{0xaa, 20, NULL, 0xdd, 50, NULL,
	    "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
	/* case 4: the key is 0x01 0x02 ... 0x19 (key_octet 1 counts up) */
	{0x01, 25, NULL, 0xcd, 50, NULL,
	    "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
	{0x0c, 20, NULL, 0, 0, "Test With Truncation",
	    "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
	{0xaa, 80, NULL, 0, 0,
	    "Test Using Larger Than Block-Size Key - Hash Key First",
	    "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
	{0xaa, 80, NULL, 0, 0, "Test Using Larger Than Block-Size Key and "
	    "Larger Than One Block-Size Data",
	    "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
};

START_TEST(test_hmac_rfc2202)
{
	unsigned char key[80], data[80], mac[SHA1_SIZE];
	char got[2 * SHA1_SIZE + 1];
	size_t key_len, data_len, i;

	if (hmac_vectors[_i].key_text != NULL) {
		key_len = strlen(hmac_vectors[_i].key_text);
		memcpy(key, hmac_vectors[_i].key_text, key_len);
	} else {
		key_len = hmac_vectors[_i].key_len;
		for (i = 0; i < key_len; i++)
			key[i] = hmac_vectors[_i].key_octet == 0x01 ?
			    (unsigned char)(i + 1) : hmac_vectors[_i].key_octet;
	}
	if (hmac_vectors[_i].data_text != NULL) {
		data_len = strlen(hmac_vectors[_i].data_text);
		memcpy(data, hmac_vectors[_i].data_text, data_len);
	} else {
		data_len = hmac_vectors[_i].data_len;
		memset(data, hmac_vectors[_i].data_octet, data_len);
	}
	memset(mac, 0x55, sizeof(mac));
	relcode_hmac(key, key_len, data, data_len, mac);
	hex(mac, sizeof(mac), got);
	ck_assert_str_eq(got, hmac_vectors[_i].want);
}
END_TEST

/* Codes computed outside this code base, with the same secret. */
static const struct {
	enum store_kind kind;
	const char *key;
	unsigned long incident;
	const char *want;
} known[] = {
	{STORE_IP, "192.0.2.7", 7, "OQEY-2LOW-GMGO-QFBX"},
	{STORE_LOGIN, "alice@example.net", 42, "5WR3-NPIS-FJ7H-4VOY"},
	{STORE_IP, "192.0.2.7", 8, "L3KD-A2DF-2II6-GABH"},
};

START_TEST(test_known_codes)
{
	char code[RELCODE_SIZE];

	memset(code, 'x', sizeof(code));
	relcode_make(secret, SECRET_LEN, known[_i].kind, known[_i].key,
	    known[_i].incident, code);
	ck_assert_str_eq(code, known[_i].want);
	ck_assert_int_eq(relcode_check(secret, SECRET_LEN, known[_i].kind,
	    known[_i].key, known[_i].incident, known[_i].want), 1);
}
END_TEST

START_TEST(test_format)
{
	char code[RELCODE_SIZE];
	unsigned long inc;
	size_t i;

	for (inc = 0; inc < 200; inc++) {
		relcode_make(secret, SECRET_LEN, STORE_LOGIN, "bob", inc, code);
		ck_assert_uint_eq(strlen(code), RELCODE_SIZE - 1);
		for (i = 0; i < RELCODE_SIZE - 1; i++) {
			if (i % 5 == 4)
				ck_assert_int_eq(code[i], '-');
			else
				ck_assert_ptr_nonnull(strchr(B32, code[i]));
		}
	}
}
END_TEST

/* What the customer may type for the code of ip 192.0.2.7, incident 7. */
static const struct {
	const char *given;
	int	want;
} typed[] = {
	{"OQEY-2LOW-GMGO-QFBX", 1},
	{"oqey-2low-gmgo-qfbx", 1},
	{"OQEY2LOWGMGOQFBX", 1},
	{" OQEY 2LOW GMGO QFBX ", 1},
	{"OQEY--2LOW\tGMGO-QFBX", 1},
	{"0QEY-2L0W-GMG0-QFBX", 1},		/* 0 for O */
	{"OQEY-2LOW-GMGO-QFBY", 0},		/* last character off */
	{"PQEY-2LOW-GMGO-QFBX", 0},		/* first character off */
	{"OQEY-2LOW-GMGO-QFB", 0},		/* too short */
	{"OQEY-2LOW-GMGO-QFBXA", 0},		/* too long */
	{"OQEY-2LOW-GMGO-QFBX-OQEY-2LOW", 0},	/* much too long */
	{"OQEY-2LOW-GMGO-QFB8", 0},		/* not base32 */
	{"OQEY-2LOW-GMGO-QFB\xc3\x9f", 0},	/* not ASCII */
	{"OQEY.2LOW.GMGO.QFBX", 0},		/* only dashes and blanks go */
	{"", 0},
	{"----", 0},
};

START_TEST(test_typed)
{
	ck_assert_int_eq(relcode_check(secret, SECRET_LEN, STORE_IP,
	    "192.0.2.7", 7, typed[_i].given), typed[_i].want);
}
END_TEST

START_TEST(test_one_for_i)
{
	/* 5WR3-NPIS-FJ7H-4VOY has an I: the customer may type a 1 */
	ck_assert_int_eq(relcode_check(secret, SECRET_LEN, STORE_LOGIN,
	    "alice@example.net", 42, "5wr3-np1s-fj7h-4v0y"), 1);
}
END_TEST

START_TEST(test_bound_to_incident)
{
	const char *code = "OQEY-2LOW-GMGO-QFBX";	/* ip 192.0.2.7, 7 */
	static const unsigned char other[] = "correct horse battery stapler";

	ck_assert_int_eq(relcode_check(secret, SECRET_LEN, STORE_IP,
	    "192.0.2.7", 8, code), 0);
	ck_assert_int_eq(relcode_check(secret, SECRET_LEN, STORE_IP,
	    "192.0.2.8", 7, code), 0);
	ck_assert_int_eq(relcode_check(secret, SECRET_LEN, STORE_LOGIN,
	    "192.0.2.7", 7, code), 0);
	ck_assert_int_eq(relcode_check(other, sizeof(other) - 1, STORE_IP,
	    "192.0.2.7", 7, code), 0);
	ck_assert_int_eq(relcode_check(secret, SECRET_LEN, STORE_IP,
	    "192.0.2.7", 7, NULL), 0);
}
END_TEST

START_TEST(test_separators_matter)
{
	char a[RELCODE_SIZE], b[RELCODE_SIZE];

	/* the NULs keep ip 1.2.3.41 incident 1 apart from 1.2.3.4 and 11 */
	relcode_make(secret, SECRET_LEN, STORE_IP, "1.2.3.41", 1, a);
	relcode_make(secret, SECRET_LEN, STORE_IP, "1.2.3.4", 11, b);
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(test_long_secret)
{
	unsigned char big[200];
	char a[RELCODE_SIZE], b[RELCODE_SIZE];

	memset(big, 'k', sizeof(big));
	relcode_make(big, sizeof(big), STORE_LOGIN, "bob", 1, a);
	ck_assert_int_eq(relcode_check(big, sizeof(big), STORE_LOGIN, "bob",
	    1, a), 1);
	big[199] = 'x';
	relcode_make(big, sizeof(big), STORE_LOGIN, "bob", 1, b);
	ck_assert_str_ne(a, b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("relcode");
	TCase *tc_hmac = tcase_create("hmac");
	TCase *tc_code = tcase_create("code");
	TCase *tc_check = tcase_create("check");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc_hmac, test_hmac_rfc2202, 0,
	    sizeof(hmac_vectors) / sizeof(hmac_vectors[0]));
	suite_add_tcase(s, tc_hmac);
	tcase_add_loop_test(tc_code, test_known_codes, 0,
	    sizeof(known) / sizeof(known[0]));
	tcase_add_test(tc_code, test_format);
	tcase_add_test(tc_code, test_separators_matter);
	tcase_add_test(tc_code, test_long_secret);
	suite_add_tcase(s, tc_code);
	tcase_add_loop_test(tc_check, test_typed, 0,
	    sizeof(typed) / sizeof(typed[0]));
	tcase_add_test(tc_check, test_one_for_i);
	tcase_add_test(tc_check, test_bound_to_incident);
	suite_add_tcase(s, tc_check);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
