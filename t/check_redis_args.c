/*
 * NAME
 *	check_redis_args 1
 * SUMMARY
 *	unit tests for lib/redis_args.c
 * DESCRIPTION
 *	redis_args_num(): every integer format the store uses, at 0, 1,
 *	-1 and the ends of each type, against what snprintf writes; a
 *	format of another kind still goes through snprintf. Arguments
 *	built by redis_args_cat() and redis_args_ref() keep their order
 *	and lengths.
 */
#include "config.h"

#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redis_args.h"

/* arg_is - argument i of a is the text want */
static void
arg_is(const struct redis_args *a, int i, const char *want)
{
	ck_assert_uint_eq(a->len[i], strlen(want));
	ck_assert_mem_eq(a->v[i], want, strlen(want));
}

START_TEST(test_num)
{
	struct redis_args a;
	struct store_err err;
	char want[64];
	int i = 0;

	ck_assert_int_eq(redis_args_new(&a, 40, 0, 1024, &err), 0);
#define NUM(fmt, type, v) do {						\
		redis_args_num(&a, fmt, (type)(v));			\
		snprintf(want, sizeof(want), fmt, (type)(v));		\
		arg_is(&a, i++, want);					\
	} while (0)
	NUM("%d", int, 0);
	NUM("%d", int, 7);
	NUM("%d", int, -1);
	NUM("%d", int, INT_MAX);
	NUM("%d", int, INT_MIN);
	NUM("%ld", long, LONG_MIN);
	NUM("%ld", long, LONG_MAX);
	NUM("%lld", long long, LLONG_MIN);
	NUM("%lld", long long, LLONG_MAX);
	NUM("%lld", long long, 1764288000000LL);
	NUM("%u", unsigned, 0);
	NUM("%u", unsigned, UINT_MAX);
	NUM("%lu", unsigned long, 10);
	NUM("%lu", unsigned long, ULONG_MAX);
	NUM("%zu", size_t, 3);
	NUM("%zu", size_t, SIZE_MAX);
	NUM("%05d", int, 42);		/* another kind: snprintf */
#undef NUM
	ck_assert_int_eq(a.n, i);
	ck_assert_int_eq(a.overflow, 0);
	free(a.v);
}
END_TEST

START_TEST(test_order)
{
	struct redis_args a;
	struct store_err err;

	ck_assert_int_eq(redis_args_new(&a, 8, 1, 64, &err), 0);
	redis_args_ref(&a, "k\0ey", 4);
	redis_args_cat(&a, "iso:", "ip:", "192.0.2.1", (const char *)NULL);
	redis_args_num(&a, "%lu", 86400000UL);
	ck_assert_int_eq(a.n, 4);
	ck_assert_uint_eq(a.len[1], 4);
	ck_assert_mem_eq(a.v[1], "k\0ey", 4);
	arg_is(&a, 2, "iso:ip:192.0.2.1");
	arg_is(&a, 3, "86400000");
	free(a.v);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("redis_args");
	TCase *tc = tcase_create("build");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_num);
	tcase_add_test(tc, test_order);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
