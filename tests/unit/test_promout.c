/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_promout.c - the Prometheus text format: names the format allows and
 * refuses, HELP and label-value escaping, family and sample lines. The e2e
 * case (90-outputs.sh) runs `promtool check metrics` on a whole exposition.
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

#include "report/promout.h"

static void test_names(void **state)
{
	assert_true(promout_metric_name_ok("nflogd_records_total"));
	assert_true(promout_metric_name_ok("a:b_c9"));
	assert_true(promout_metric_name_ok("_x"));
	assert_false(promout_metric_name_ok("9lives"));
	assert_false(promout_metric_name_ok("a-b"));
	assert_false(promout_metric_name_ok("a b"));
	assert_false(promout_metric_name_ok(""));
	assert_false(promout_metric_name_ok(NULL));
	assert_true(promout_label_name_ok("group"));
	assert_true(promout_label_name_ok("_x1"));
	assert_false(promout_label_name_ok("__name__"));
	assert_false(promout_label_name_ok("a:b"));
	assert_false(promout_label_name_ok("1a"));
}

static char *emit(int (*fn)(FILE *), int want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fn(f), want);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static int good(FILE *f)
{
	const struct promout_label l[3] = {
		{ "ring", "/var/lib/a\"b\\c\nd" }, { "group", "10" }, { "bad", "x\xff" },
	};

	return promout_family(f, "nflogd_records_total", "counter", "Records\\written\nhere") |
	       promout_sample(f, "nflogd_records_total", l, 3, 18446744073709551615ull) |
	       promout_family(f, "nflogd_up", "gauge", "") |
	       promout_sample(f, "nflogd_up", NULL, 0, 1);
}

static void test_lines(void **state)
{
	char *s = emit(good, 0);

	assert_string_equal(s,
		"# HELP nflogd_records_total Records\\\\written\\nhere\n"
		"# TYPE nflogd_records_total counter\n"
		"nflogd_records_total{ring=\"/var/lib/a\\\"b\\\\c\\nd\",group=\"10\","
		"bad=\"x\xef\xbf\xbd\"} 18446744073709551615\n"
		"# HELP nflogd_up \n"
		"# TYPE nflogd_up gauge\n"
		"nflogd_up 1\n");
	free(s);
}

static int bad_type(FILE *f)
{
	return promout_family(f, "x_total", "summary", "h");
}

static int counter_suffix(FILE *f)
{
	return promout_family(f, "nflogd_records", "counter", "h");
}

static int bad_metric(FILE *f)
{
	return promout_sample(f, "a-b", NULL, 0, 1);
}

static int bad_label(FILE *f)
{
	const struct promout_label l = { "__reserved", "v" };

	return promout_sample(f, "ok", &l, 1, 1);
}

static int dup_label(FILE *f)
{
	const struct promout_label l[2] = { { "a", "1" }, { "a", "2" } };

	return promout_sample(f, "ok", l, 2, 1);
}

static void test_refused(void **state)
{
	int (*const fns[])(FILE *) = { bad_type, counter_suffix, bad_metric, bad_label, dup_label };
	size_t i;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		char *s = emit(fns[i], -EINVAL);

		assert_string_equal(s, "");	/* nothing half-written */
		free(s);
	}
}

static void test_write_error(void **state)
{
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	assert_int_equal(promout_sample(f, "x", NULL, 0, 1), -EIO);
	assert_int_equal(promout_label_value(f, "v"), -EIO);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
