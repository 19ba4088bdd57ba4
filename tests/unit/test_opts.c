/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_opts.c - command-line numbers, sizes and NFLOG group lists.
 *
 * The parsers are strict: no sign, no space, no trailing garbage, no silent
 * wrap-around. Every rejection must leave the output alone and, for group
 * lists, say why in err.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/opts.h"

#define SENTINEL	UINT64_C(0x5a5a5a5a5a5a5a5a)

struct num_case {
	const char	*s;
	uint64_t	 min, max;
	int		 rc;
	uint64_t	 want;		/* when rc == 0 */
};

static void run_num(int (*fn)(const char *, uint64_t, uint64_t, uint64_t *),
	const struct num_case *t, size_t n)
{
	uint64_t out;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		out = SENTINEL;
		rc = fn(t[i].s, t[i].min, t[i].max, &out);
		if (rc != t[i].rc)
			fail_msg("\"%s\": rc %d, want %d", t[i].s ? t[i].s : "(null)",
				 rc, t[i].rc);
		if (rc == 0 && out != t[i].want)
			fail_msg("\"%s\": got %llu, want %llu", t[i].s,
				 (unsigned long long)out, (unsigned long long)t[i].want);
		if (rc != 0 && out != SENTINEL)
			fail_msg("\"%s\": output written on error", t[i].s);
	}
}

static void test_uint(void **state)
{
	static const struct num_case t[] = {
		{ "0", 0, 10, 0, 0 },
		{ "5", 1, 10, 0, 5 },
		{ "1", 1, 10, 0, 1 },		/* bounds are inclusive */
		{ "10", 1, 10, 0, 10 },
		{ "007", 0, 10, 0, 7 },
		{ "0", 1, 10, -ERANGE, 0 },
		{ "11", 1, 10, -ERANGE, 0 },
		{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX },
		{ "18446744073709551616", 0, UINT64_MAX, -ERANGE, 0 },
		{ "99999999999999999999", 0, UINT64_MAX, -ERANGE, 0 },
		{ "", 0, 10, -EINVAL, 0 },
		{ NULL, 0, 10, -EINVAL, 0 },
		{ "-1", 0, 10, -EINVAL, 0 },
		{ "+1", 0, 10, -EINVAL, 0 },
		{ "12x", 0, 100, -EINVAL, 0 },
		{ " 1", 0, 10, -EINVAL, 0 },
		{ "1 ", 0, 10, -EINVAL, 0 },
		{ "0x10", 0, 100, -EINVAL, 0 },
		{ "1e3", 0, 10000, -EINVAL, 0 },
		{ "1K", 0, 10000, -EINVAL, 0 },	/* suffixes are opts_size's */
	};

	(void)state;
	run_num(opts_uint, t, sizeof(t) / sizeof(t[0]));
}

static void test_size(void **state)
{
	static const struct num_case t[] = {
		{ "4096", 0, UINT64_MAX, 0, 4096 },
		{ "0", 0, UINT64_MAX, 0, 0 },
		{ "0K", 0, UINT64_MAX, 0, 0 },
		{ "1K", 0, UINT64_MAX, 0, 1024 },
		{ "1k", 0, UINT64_MAX, 0, 1024 },
		{ "2M", 0, UINT64_MAX, 0, UINT64_C(2) << 20 },
		{ "2m", 0, UINT64_MAX, 0, UINT64_C(2) << 20 },
		{ "3G", 0, UINT64_MAX, 0, UINT64_C(3) << 30 },
		{ "3g", 0, UINT64_MAX, 0, UINT64_C(3) << 30 },
		{ "17179869183G", 0, UINT64_MAX, 0, UINT64_MAX - ((UINT64_C(1) << 30) - 1) },
		{ "17179869184G", 0, UINT64_MAX, -ERANGE, 0 },	/* 2^64 */
		{ "18014398509481984K", 0, UINT64_MAX, -ERANGE, 0 },
		{ "99999999999999999999", 0, UINT64_MAX, -ERANGE, 0 },
		{ "99999999999999999999K", 0, UINT64_MAX, -ERANGE, 0 },
		{ "1M", 0, 1000000, -ERANGE, 0 },	/* bounds apply after the suffix */
		{ "1M", UINT64_C(2) << 20, UINT64_MAX, -ERANGE, 0 },
		{ "1024K", 0, UINT64_C(1) << 20, 0, UINT64_C(1) << 20 },
		{ "1T", 0, UINT64_MAX, -EINVAL, 0 },
		{ "1KB", 0, UINT64_MAX, -EINVAL, 0 },
		{ "1KK", 0, UINT64_MAX, -EINVAL, 0 },
		{ "1 K", 0, UINT64_MAX, -EINVAL, 0 },
		{ "K", 0, UINT64_MAX, -EINVAL, 0 },
		{ "", 0, UINT64_MAX, -EINVAL, 0 },
		{ NULL, 0, UINT64_MAX, -EINVAL, 0 },
		{ "-1K", 0, UINT64_MAX, -EINVAL, 0 },
		{ " 1K", 0, UINT64_MAX, -EINVAL, 0 },
		{ "1.5M", 0, UINT64_MAX, -EINVAL, 0 },
	};

	(void)state;
	run_num(opts_size, t, sizeof(t) / sizeof(t[0]));
}

static void test_duration(void **state)
{
	static const struct {
		const char *s;
		uint64_t max;
		int rc;
		uint64_t want;
	} t[] = {
		{ "90", UINT64_MAX, 0, 90 },
		{ "90s", UINT64_MAX, 0, 90 },
		{ "30m", UINT64_MAX, 0, 1800 },
		{ "2h", UINT64_MAX, 0, 7200 },
		{ "7d", UINT64_MAX, 0, 604800 },
		{ "1h30m", UINT64_MAX, 0, 5400 },
		{ "1d12h", UINT64_MAX, 0, 129600 },
		{ "0s", UINT64_MAX, 0, 0 },
		{ "2h", 3600, -ERANGE, 0 },
		{ "213503982334602d", UINT64_MAX, -ERANGE, 0 },	/* > 2^64 s */
		{ "99999999999999999999", UINT64_MAX, -ERANGE, 0 },
		{ "", UINT64_MAX, -EINVAL, 0 },
		{ NULL, UINT64_MAX, -EINVAL, 0 },
		{ "h", UINT64_MAX, -EINVAL, 0 },
		{ "1w", UINT64_MAX, -EINVAL, 0 },
		{ "-1h", UINT64_MAX, -EINVAL, 0 },
		{ "1h ", UINT64_MAX, -EINVAL, 0 },
		{ "1.5h", UINT64_MAX, -EINVAL, 0 },
		{ "1hh", UINT64_MAX, -EINVAL, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t v = 12345;
		int rc = opts_duration(t[i].s, t[i].max, &v);

		if (rc != t[i].rc || (rc == 0 && v != t[i].want))
			fail_msg("opts_duration(\"%s\") = %d, %llu; want %d, %llu",
				 t[i].s ? t[i].s : "(null)", rc, (unsigned long long)v, t[i].rc,
				 (unsigned long long)t[i].want);
		if (rc != 0 && v != 12345)
			fail_msg("opts_duration(\"%s\") wrote its output on failure", t[i].s);
	}
}

struct grp_case {
	const char	*s;
	size_t		 max;
	size_t		 n;		/* groups wanted; 0 = must fail */
	uint16_t	 want[8];
};

static void test_groups(void **state)
{
	static const struct grp_case t[] = {
		{ "0", 8, 1, { 0 } },
		{ "10-13", 8, 4, { 10, 11, 12, 13 } },
		{ "1,5", 8, 2, { 1, 5 } },
		{ "1,5-7", 8, 4, { 1, 5, 6, 7 } },
		{ "65535", 8, 1, { 65535 } },
		{ "7,3", 8, 2, { 7, 3 } },		/* order as given */
		{ "5-5", 8, 1, { 5 } },
		{ "65534-65535", 8, 2, { 65534, 65535 } },
		{ "1-3", 3, 3, { 1, 2, 3 } },		/* exactly max */
		{ "", 8, 0, { 0 } },
		{ NULL, 8, 0, { 0 } },
		{ "abc", 8, 0, { 0 } },
		{ "5-2", 8, 0, { 0 } },
		{ "70000", 8, 0, { 0 } },
		{ "65536", 8, 0, { 0 } },
		{ "1-65536", 8, 0, { 0 } },
		{ "99999999999999999999", 8, 0, { 0 } },
		{ "1,,2", 8, 0, { 0 } },
		{ "1,", 8, 0, { 0 } },
		{ ",1", 8, 0, { 0 } },
		{ "1-", 8, 0, { 0 } },
		{ "-1", 8, 0, { 0 } },
		{ "1--2", 8, 0, { 0 } },
		{ "1-2-3", 8, 0, { 0 } },
		{ "3,3", 8, 0, { 0 } },
		{ "1-3,2", 8, 0, { 0 } },
		{ "1-4", 3, 0, { 0 } },			/* too many for max */
		{ "1,2,3,4", 3, 0, { 0 } },
		{ "1", 0, 0, { 0 } },
		{ " 1", 8, 0, { 0 } },
		{ "1 ", 8, 0, { 0 } },
		{ "1;2", 8, 0, { 0 } },
		{ "+1", 8, 0, { 0 } },
	};
	uint16_t g[8];
	char err[256];
	size_t i, n;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *s = t[i].s ? t[i].s : "(null)";

		memset(g, 0xee, sizeof(g));
		err[0] = '\0';
		n = 99;
		rc = opts_groups(t[i].s, g, t[i].max, &n, err, sizeof(err));
		if (t[i].n == 0) {
			if (rc != -EINVAL)
				fail_msg("\"%s\": rc %d, want -EINVAL", s, rc);
			if (err[0] == '\0')
				fail_msg("\"%s\": no reason given", s);
			/* Never more than max written, whatever the error. */
			if (n > t[i].max)
				fail_msg("\"%s\": n %zu beyond max", s, n);
			continue;
		}
		if (rc != 0)
			fail_msg("\"%s\": rc %d (%s)", s, rc, err);
		assert_int_equal(n, t[i].n);
		assert_memory_equal(g, t[i].want, n * sizeof(g[0]));
		if (n < 8)
			assert_int_equal(g[n], 0xeeee);
	}
}

/* Every group at once, and the duplicate check forgets the previous call. */
static void test_groups_all(void **state)
{
	uint16_t *g = malloc(65536 * sizeof(*g));
	char err[128];
	size_t n, i;

	(void)state;
	assert_non_null(g);
	assert_int_equal(opts_groups("0-65535", g, 65536, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 65536);
	for (i = 0; i < n; i++)
		assert_int_equal(g[i], i);
	assert_int_equal(opts_groups("0-65535", g, 65536, &n, err, sizeof(err)), 0);
	assert_int_equal(opts_groups("0-65535", g, 65535, &n, err, sizeof(err)), -EINVAL);
	assert_int_equal(opts_groups("65535,0", g, 2, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	free(g);
}

/* The reason is cut to errlen, and no err at all is fine. */
static void test_groups_err_buffer(void **state)
{
	char *err = malloc(8);
	uint16_t g[4];
	size_t n;

	(void)state;
	assert_non_null(err);
	assert_int_equal(opts_groups("bad", g, 4, &n, err, 8), -EINVAL);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(opts_groups("5-2", g, 4, &n, err, 8), -EINVAL);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(opts_groups("", g, 4, &n, NULL, 0), -EINVAL);
	assert_int_equal(opts_groups("3,3", g, 4, &n, NULL, 0), -EINVAL);
	assert_int_equal(opts_groups("1-9", g, 4, &n, NULL, 0), -EINVAL);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_groups_all),
		cmocka_unit_test(test_groups_err_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
