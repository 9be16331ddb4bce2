/*
 * NAME
 *	check_store - the store contract, run against every backend
 * DESCRIPTION
 *	One table of steps (put, get, release at given times) with the
 *	wanted results; each backend that can be created here runs it. The
 *	memory backend always; others join as they land.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

typedef struct store *(*store_factory)(void);

static const struct {
	const char *name;
	store_factory make;
} backends[] = {
	{"memory", store_memory_new},
};

enum op { PUT, GET, RELEASE };

static const struct step {
	enum op op;
	enum store_kind kind;
	const char *key;
	time_t	now;
	time_t	expires;	/* PUT */
	int	want_rc;
	unsigned long want_hits;	/* GET, PUT: of the record */
	time_t	want_first;
	time_t	want_expires;
} steps[] = {
	{GET, STORE_IP, "127.0.2.10", 1000, 0, 0, 0, 0, 0},
	{PUT, STORE_IP, "127.0.2.10", 1000, 1100, 0, 1, 1000, 1100},
	{GET, STORE_IP, "127.0.2.10", 1050, 0, 1, 1, 1000, 1100},
	{GET, STORE_LOGIN, "127.0.2.10", 1050, 0, 0, 0, 0, 0},	/* kinds apart */
	{PUT, STORE_IP, "127.0.2.10", 1060, 1160, 0, 2, 1000, 1160},
	{PUT, STORE_IP, "127.0.2.10", 1070, 1090, 0, 3, 1000, 1160},	/* never shortened */
	{GET, STORE_IP, "127.0.2.10", 1159, 0, 1, 3, 1000, 1160},
	{GET, STORE_IP, "127.0.2.10", 1160, 0, 0, 0, 0, 0},	/* expired */
	{PUT, STORE_IP, "127.0.2.10", 1200, 1300, 0, 1, 1200, 1300},	/* anew */
	{RELEASE, STORE_IP, "127.0.2.10", 1210, 0, 1, 0, 0, 0},
	{GET, STORE_IP, "127.0.2.10", 1211, 0, 0, 0, 0, 0},
	{RELEASE, STORE_IP, "127.0.2.10", 1212, 0, 0, 0, 0, 0},
	{PUT, STORE_LOGIN, "alice@example.net", 2000, 3000, 0, 1, 2000, 3000},
	{GET, STORE_LOGIN, "Alice@example.net", 2001, 0, 0, 0, 0, 0},	/* bytes, not case */
	{GET, STORE_LOGIN, "alice@example.net", 2001, 0, 1, 1, 2000, 3000},
	{PUT, STORE_IP, "2001:db8::1", 2000, 2500, 0, 1, 2000, 2500},
	{GET, STORE_IP, "2001:db8::1", 2499, 0, 1, 1, 2000, 2500},
	{GET, STORE_IP, "", 2000, 0, -1, 0, 0, 0},
	{PUT, STORE_IP, "", 2000, 2500, -1, 0, 0, 0},
	{RELEASE, STORE_IP, "", 2000, 0, -1, 0, 0, 0},
};

START_TEST(test_contract)
{
	struct store *st = backends[_i].make();
	struct quarantine q, got;
	size_t i;
	int rc;

	ck_assert_ptr_nonnull(st);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const struct step *s = &steps[i];

		memset(&got, 0x5a, sizeof(got));
		switch (s->op) {
		case PUT:
			memset(&q, 0, sizeof(q));
			q.rule = RULE_INBOUND_CUSTOMER_DIRECT;
			snprintf(q.reason, sizeof(q.reason), "step %zu", i);
			snprintf(q.evidence, sizeof(q.evidence), "helo=x");
			snprintf(q.node, sizeof(q.node), "mx1");
			q.expires = s->expires;
			rc = store_quarantine_put(st, s->kind, s->key, &q, s->now,
			    &got);
			break;
		case GET:
			rc = store_quarantine_get(st, s->kind, s->key, s->now, &got);
			break;
		default:
			rc = store_quarantine_release(st, s->kind, s->key, s->now);
			break;
		}
		ck_assert_msg(rc == s->want_rc, "%s step %zu: rc %d, want %d (%s)",
		    backends[_i].name, i, rc, s->want_rc, store_error(st));
		if (rc == -1)
			ck_assert_str_eq(store_error(st), "empty key");
		if (s->op == RELEASE || rc != (s->op == GET ? 1 : 0) || rc == -1)
			continue;
		ck_assert_msg(got.hits == s->want_hits, "%s step %zu: hits %lu",
		    backends[_i].name, i, got.hits);
		ck_assert_int_eq(got.first_seen, s->want_first);
		ck_assert_int_eq(got.expires, s->want_expires);
		ck_assert_int_eq(got.rule, RULE_INBOUND_CUSTOMER_DIRECT);
		ck_assert_str_eq(got.node, "mx1");
		ck_assert_str_eq(got.evidence, "helo=x");
	}
	store_free(st);
}
END_TEST

START_TEST(test_many)
{
	struct store *st = backends[_i].make();
	char key[32];
	unsigned i;

	for (i = 0; i < 5000; i++) {
		struct quarantine q;

		memset(&q, 0, sizeof(q));
		q.expires = 100 + (time_t)(i % 7);
		snprintf(key, sizeof(key), "10.0.%u.%u", i / 256, i % 256);
		ck_assert_int_eq(store_quarantine_put(st, STORE_IP, key, &q, 50,
		    NULL), 0);
	}
	ck_assert_int_eq(store_quarantine_get(st, STORE_IP, "10.0.0.6", 105,
	    NULL), 1);
	ck_assert_int_eq(store_quarantine_get(st, STORE_IP, "10.0.0.5", 105,
	    NULL), 0);
	ck_assert_int_eq(store_quarantine_get(st, STORE_IP, "10.0.19.135", 50,
	    NULL), 1);
	store_free(st);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("contract");
	int n = sizeof(backends) / sizeof(backends[0]);

	tcase_add_loop_test(tc, test_contract, 0, n);
	tcase_add_loop_test(tc, test_many, 0, n);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(store_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
