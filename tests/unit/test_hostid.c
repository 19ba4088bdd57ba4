/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_hostid.c - machine-id parsing (only 32 lowercase hex digits are an id) and hostid_load. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "util/hostid.h"

#define ID "0123456789abcdef0123456789abcdef"

static void test_parse(void **state)
{
	char out[33];

	(void)state;
	assert_int_equal(hostid_parse_machine_id(ID, 32, out), 0);
	assert_string_equal(out, ID);
	assert_int_equal(hostid_parse_machine_id(ID "\n", 33, out), 0);
	assert_string_equal(out, ID);
	assert_int_equal(hostid_parse_machine_id(ID "\n\n", 34, out), -1);
	assert_int_equal(hostid_parse_machine_id(ID "x", 33, out), -1);
	assert_int_equal(hostid_parse_machine_id("0123456789ABCDEF0123456789abcdef", 32, out), -1);
	assert_int_equal(hostid_parse_machine_id("uninitialized\n", 14, out), -1);
	assert_int_equal(hostid_parse_machine_id("", 0, out), -1);
}

static void test_load(void **state)
{
	char path[] = "/tmp/test_hostid.XXXXXX";
	struct hostid h;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, ID "\n", 33), 33);
	close(fd);
	hostid_load(&h, path);
	assert_string_equal(h.id, ID);
	assert_true(h.name[0] != '\0');
	assert_null(strchr(h.name, ' '));

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "garbage\n", 8), 8);
	close(fd);
	hostid_load(&h, path);
	assert_string_equal(h.id, "");
	unlink(path);
	hostid_load(&h, path);
	assert_string_equal(h.id, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
