/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_phf.c - the perfect hash: every key finds its own value, non-keys miss.
 *
 * Key sets are random (seeded, so runs repeat) and, for the hardest shape,
 * a dense block of consecutive keys like the kb's (dir, proto, port) keys.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "classify/phf.h"

#define NONKEYS		100000	/* random non-members looked up per table */

static uint64_t rng = 0x1234567;

static uint64_t rnd(void)
{
	uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int is_key(const uint32_t *sorted, size_t n, uint32_t k)
{
	return bsearch(&k, sorted, n, sizeof(k), cmp_u32) != NULL;
}

/* n distinct keys below limit (limit 0: any 32-bit value but the empty key). */
static uint32_t *make_keys(size_t n, uint64_t limit)
{
	uint32_t *keys = malloc((n + 1) * sizeof(*keys)), *sorted;
	size_t i = 0, j, k;

	assert_non_null(keys);
	while (i < n) {
		for (; i < n; i++) {
			keys[i] = limit ? (uint32_t)(rnd() % limit) : (uint32_t)rnd();
			if (keys[i] == PHF_EMPTY_KEY)
				keys[i] = 0;
		}
		/* drop duplicates, refill */
		sorted = malloc((n + 1) * sizeof(*sorted));
		assert_non_null(sorted);
		memcpy(sorted, keys, n * sizeof(*keys));
		qsort(sorted, n, sizeof(*sorted), cmp_u32);
		for (j = k = 0; j < n; j++)
			if (j == 0 || sorted[j] != sorted[j - 1])
				sorted[k++] = sorted[j];
		memcpy(keys, sorted, k * sizeof(*keys));
		i = k;
		free(sorted);
	}
	/* shuffle, so the build does not see sorted input */
	for (i = n; i > 1; i--) {
		uint32_t t;

		j = rnd() % i;
		t = keys[i - 1];
		keys[i - 1] = keys[j];
		keys[j] = t;
	}
	return keys;
}

static void check_table(const uint32_t *keys, size_t n)
{
	uint16_t *vals = malloc((n + 1) * sizeof(*vals));
	uint32_t *sorted = malloc((n + 1) * sizeof(*sorted));
	struct phf p;
	size_t i, misses = 0;

	assert_non_null(vals);
	assert_non_null(sorted);
	for (i = 0; i < n; i++)
		vals[i] = (uint16_t)(n - 1 - i);	/* distinct, not the key order */
	assert_int_equal(phf_build(&p, keys, vals, n), 0);
	assert_true(phf_nslots(&p) >= n + n / 4);
	assert_true(phf_nslots(&p) >= 2);
	assert_true(p.nbuckets >= 1);

	for (i = 0; i < n; i++)
		if (phf_lookup(&p, keys[i]) != vals[i])
			fail_msg("key %#x: got %u, want %u", keys[i],
				 phf_lookup(&p, keys[i]), vals[i]);

	memcpy(sorted, keys, n * sizeof(*keys));
	qsort(sorted, n, sizeof(*sorted), cmp_u32);
	while (misses < NONKEYS) {
		/* half near the keys (small numbers), half anywhere */
		uint32_t k = misses & 1 ? (uint32_t)rnd() : (uint32_t)(rnd() % (1u << 18));

		if (is_key(sorted, n, k))
			continue;
		if (phf_lookup(&p, k) != PHF_NONE)
			fail_msg("non-key %#x hit value %u", k, phf_lookup(&p, k));
		misses++;
	}
	assert_int_equal(phf_lookup(&p, PHF_EMPTY_KEY), PHF_NONE);
	phf_free(&p);
	phf_free(&p);		/* second free is a no-op */
	free(vals);
	free(sorted);
}

static void test_sizes(void **state)
{
	static const size_t sizes[] = { 1, 2, 3, 100, 1000, 30000, PHF_MAX_KEYS };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t *keys = make_keys(sizes[i], 1u << 18);

		check_table(keys, sizes[i]);
		free(keys);
		keys = make_keys(sizes[i], 0);
		check_table(keys, sizes[i]);
		free(keys);
	}
}

/* Consecutive keys, as (dir, proto, port) keys are: no structure in the
 * input may leak into the slot choice. */
static void test_dense(void **state)
{
	static const size_t sizes[] = { 600, 4096, PHF_MAX_KEYS };
	uint32_t *keys = malloc(PHF_MAX_KEYS * sizeof(*keys));
	size_t i, s;

	(void)state;
	assert_non_null(keys);
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (i = 0; i < sizes[s]; i++)
			keys[i] = (uint32_t)(i | (i & 1) << 16 | (i & 2) << 16);
		check_table(keys, sizes[s]);
	}
	free(keys);
}

static void test_empty(void **state)
{
	struct phf p;
	uint32_t k;

	(void)state;
	assert_int_equal(phf_build(&p, NULL, NULL, 0), 0);
	for (k = 0; k < 70000; k++)
		assert_int_equal(phf_lookup(&p, k), PHF_NONE);
	assert_int_equal(phf_lookup(&p, PHF_EMPTY_KEY), PHF_NONE);
	phf_free(&p);
}

static void test_errors(void **state)
{
	uint32_t keys[] = { 1, 2, 3, 2 };
	uint16_t vals[] = { 0, 1, 2, 3 };
	uint32_t *many = malloc((PHF_MAX_KEYS + 1) * sizeof(*many));
	uint16_t *mvals = calloc(PHF_MAX_KEYS + 1, sizeof(*mvals));
	struct phf p;
	size_t i;

	(void)state;
	assert_non_null(many);
	assert_non_null(mvals);
	assert_int_equal(phf_build(&p, keys, vals, 4), -EEXIST);
	keys[3] = PHF_EMPTY_KEY;
	assert_int_equal(phf_build(&p, keys, vals, 4), -EINVAL);
	keys[3] = 4;
	vals[0] = PHF_NONE;
	assert_int_equal(phf_build(&p, keys, vals, 4), -EINVAL);
	for (i = 0; i <= PHF_MAX_KEYS; i++)
		many[i] = (uint32_t)i;
	assert_int_equal(phf_build(&p, many, mvals, PHF_MAX_KEYS + 1), -E2BIG);
	free(many);
	free(mvals);
}

/* The same keys always give the same table: the generated kb_data.c must
 * not change between builds of the same kb/. */
static void test_deterministic(void **state)
{
	uint32_t *keys = make_keys(1000, 1u << 18);
	uint16_t vals[1000];
	struct phf a, b;
	size_t i;

	(void)state;
	for (i = 0; i < 1000; i++)
		vals[i] = (uint16_t)i;
	assert_int_equal(phf_build(&a, keys, vals, 1000), 0);
	assert_int_equal(phf_build(&b, keys, vals, 1000), 0);
	assert_true(a.seed == b.seed);
	assert_int_equal(a.nbuckets, b.nbuckets);
	assert_int_equal(a.shift, b.shift);
	assert_memory_equal(a.pilots, b.pilots, a.nbuckets * sizeof(*a.pilots));
	for (i = 0; i < phf_nslots(&a); i++) {
		assert_int_equal(a.slots[i].key, b.slots[i].key);
		assert_int_equal(a.slots[i].val, b.slots[i].val);
	}
	phf_free(&a);
	phf_free(&b);
	free(keys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_dense),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
