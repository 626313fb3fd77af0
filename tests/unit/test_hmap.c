/*
 * Unit tests for the string-keyed hash map (core/hmap.h), above all
 * hmap_del(): after any mix of puts and removals every key still present
 * is found with its value and none removed is, whatever the probe chains
 * (a small map that wraps, many keys, keys removed and put again).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"

#define NKEYS	5000

static uint64_t	rng = 1;

static uint64_t
rnd(void)
{
	uint64_t	z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Every key i is in m with value i + 1 exactly when in[i]. */
static void
check(const struct hmap *m, const int *in, int n)
{
	char	k[16];
	void	*v;
	int	i, count = 0;

	for (i = 0; i < n; i++) {
		snprintf(k, sizeof k, "k%d", i);
		v = hmap_get(m, k, strlen(k));
		if (in[i]) {
			count++;
			if (v != (void *)(intptr_t)(i + 1))
				fail_msg("%s: %p, expected %d", k, v, i + 1);
		} else if (v != NULL)
			fail_msg("%s: removed, still there", k);
	}
	assert_int_equal(m->n, count);
}

/* Put, remove at random, put again: lookups stay right. */
static void
test_del_random(void **state)
{
	struct hmap	 m;
	static int	 in[NKEYS];
	char		 k[16];
	int		 i, round;

	(void)state;
	hmap_init(&m);
	memset(in, 0, sizeof in);
	for (round = 0; round < 4; round++) {
		for (i = 0; i < NKEYS; i++) {
			if (rnd() % 3 == 0)
				continue;
			snprintf(k, sizeof k, "k%d", i);
			*hmap_put(&m, k, strlen(k)) = (void *)(intptr_t)(i + 1);
			in[i] = 1;
		}
		check(&m, in, NKEYS);
		for (i = 0; i < NKEYS; i++) {
			if (rnd() % 2 == 0)
				continue;
			snprintf(k, sizeof k, "k%d", i);
			assert_true(hmap_del(&m, k, strlen(k)) ==
			    (in[i] ? (void *)(intptr_t)(i + 1) : NULL));
			in[i] = 0;
		}
		check(&m, in, NKEYS);
	}
	hmap_clear(&m, NULL);
}

/* A map of 64 slots: removals inside chains that wrap around the end. */
static void
test_del_small(void **state)
{
	struct hmap	 m;
	int		 in[40];
	char		 k[16];
	int		 i, j;

	(void)state;
	for (j = 0; j < 40; j++) {
		hmap_init(&m);
		for (i = 0; i < 40; i++) {
			snprintf(k, sizeof k, "k%d", i);
			*hmap_put(&m, k, strlen(k)) = (void *)(intptr_t)(i + 1);
			in[i] = 1;
		}
		assert_int_equal(m.cap, 64);
		/* remove j and every later key one by one, checking each */
		for (i = j; i < 40; i++) {
			snprintf(k, sizeof k, "k%d", i);
			assert_non_null(hmap_del(&m, k, strlen(k)));
			in[i] = 0;
			check(&m, in, 40);
		}
		assert_null(hmap_del(&m, "k0x", 3));
		hmap_clear(&m, NULL);
	}
	hmap_init(&m);
	assert_null(hmap_del(&m, "a", 1));	/* an empty map */
	hmap_clear(&m, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_del_random),
		cmocka_unit_test(test_del_small),
	};

	return cmocka_run_group_tests_name("hmap", tests, NULL, NULL);
}
