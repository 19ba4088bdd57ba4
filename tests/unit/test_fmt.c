/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_fmt.c - util/fmt.h against the printf and inet_ntop output it replaces. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/fmt.h"

/* A deterministic 64-bit stream (splitmix64). */
static uint64_t test_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Values at every digit-count boundary, and random ones of every width. */
static uint64_t test_value(unsigned i, uint64_t *s)
{
	static const uint64_t edge[] = {
		0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 9999, 10000, 65535, 65536,
		99999, 100000, 999999, 1000000, 4294967295u, 4294967296ull,
		9999999999ull, 10000000000ull, 999999999999999999ull,
		1000000000000000000ull, 9999999999999999999ull, 10000000000000000000ull,
		UINT64_MAX, UINT64_MAX - 1,
	};
	uint64_t v;

	if (i < sizeof(edge) / sizeof(edge[0]))
		return edge[i];
	v = test_next(s);
	return v >> (test_next(s) % 64);
}

static void test_fmt_u64(void **state)
{
	char want[32], got[32];
	uint64_t s = 1;
	unsigned i;

	for (i = 0; i < 200000; i++) {
		uint64_t v = test_value(i, &s);
		char *e = fmt_u64(got, v);

		snprintf(want, sizeof(want), "%" PRIu64, v);
		*e = '\0';
		assert_string_equal(got, want);
		assert_int_equal(fmt_u64_len(v), strlen(want));
	}
}

static void test_fmt_u32(void **state)
{
	char want[32], got[32];
	uint64_t s = 2;
	unsigned i;

	for (i = 0; i < 200000; i++) {
		uint32_t v = (uint32_t)test_value(i, &s);
		char *e = fmt_u32(got, v);

		snprintf(want, sizeof(want), "%" PRIu32, v);
		*e = '\0';
		assert_string_equal(got, want);
	}
}

static void test_fmt_hex(void **state)
{
	char want[32], got[32];
	uint64_t s = 3;
	unsigned i, w;

	for (i = 0; i < 100000; i++) {
		uint64_t v = test_value(i, &s);

		for (w = 1; w <= FMT_HEX64_MAX; w++) {
			char *e = fmt_hex(got, v, w);

			snprintf(want, sizeof(want), "%0*" PRIx64, (int)w, v);
			*e = '\0';
			assert_string_equal(got, want);
		}
	}
}

static void test_fmt_ipv4(void **state)
{
	char want[INET_ADDRSTRLEN], got[32];
	uint64_t s = 4;
	uint8_t a[4];
	unsigned i;

	/* Every value in every position, then random addresses. */
	for (i = 0; i < 256 * 4 + 100000; i++) {
		char *e;

		if (i < 256 * 4) {
			memset(a, (int)(i * 37 % 256), 4);
			a[i / 256] = (uint8_t)i;
		} else {
			uint64_t x = test_next(&s);

			memcpy(a, &x, 4);
		}
		e = fmt_ipv4(got, a);
		*e = '\0';
		assert_non_null(inet_ntop(AF_INET, a, want, sizeof(want)));
		assert_string_equal(got, want);
		assert_true(strlen(got) <= FMT_IPV4_MAX);
	}
}

static void test_fmt_2d(void **state)
{
	char want[8], got[8];
	unsigned v;

	for (v = 0; v < 100; v++) {
		*fmt_2d(got, v) = '\0';
		snprintf(want, sizeof(want), "%02u", v);
		assert_string_equal(got, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_u64),
		cmocka_unit_test(test_fmt_u32),
		cmocka_unit_test(test_fmt_hex),
		cmocka_unit_test(test_fmt_ipv4),
		cmocka_unit_test(test_fmt_2d),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
