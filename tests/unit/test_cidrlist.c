/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_cidrlist.c - prefix lists: parsing entries, loading files (comments,
 * line numbers in errors, all or nothing), longest-match lookups.
 *
 * Files are written into a mkdtemp() directory under /tmp, removed by the
 * teardown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cidrlist.h"

struct fx {
	char		 dir[64];
	char		 path[128];
	char		 err[256];
	struct cidrlist	*l;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_cidrlist.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/allow", f->dir);
	f->l = cidrlist_new();
	if (!f->l)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	cidrlist_free(f->l);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void write_file(struct fx *f, const char *text)
{
	FILE *fp = fopen(f->path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static void addr(uint8_t a[16], const char *text)
{
	memset(a, 0, 16);
	if (strchr(text, ':'))
		assert_int_equal(inet_pton(AF_INET6, text, a), 1);
	else
		assert_int_equal(inet_pton(AF_INET, text, a), 1);
}

/* The entry matching text's address, or "" for none. */
static const char *match(struct fx *f, const char *text)
{
	static char buf[64];
	uint8_t a[16];

	addr(a, text);
	if (!cidrlist_match(f->l, strchr(text, ':') ? 6 : 4, a, buf, sizeof(buf)))
		return "";
	return buf;
}

static void test_parse_good(void **state)
{
	static const struct { const char *text; unsigned family, plen; const char *addr; } ok[] = {
		{ "192.0.2.0/24", 4, 24, "192.0.2.0" },
		{ "192.0.2.1", 4, 32, "192.0.2.1" },
		{ "192.0.2.1/32", 4, 32, "192.0.2.1" },
		{ "0.0.0.0/0", 4, 0, "0.0.0.0" },
		{ "  10.0.0.0/8\t", 4, 8, "10.0.0.0" },
		{ "2001:db8::/32", 6, 32, "2001:db8::" },
		{ "2001:db8::1", 6, 128, "2001:db8::1" },
		{ "::/0", 6, 0, "::" },
		{ "fe80::/10", 6, 10, "fe80::" },
		{ "::ffff:192.0.2.1", 6, 128, "::ffff:192.0.2.1" },
		{ "2001:db8:0:1::/64\n", 6, 64, "2001:db8:0:1::" },
	};
	char err[128];
	uint8_t a[16], want[16];
	unsigned family, plen;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		err[0] = '\0';
		if (cidrlist_parse(ok[i].text, &family, a, &plen, err, sizeof(err))) {
			print_message("'%s': %s\n", ok[i].text, err);
			fail();
		}
		addr(want, ok[i].addr);
		assert_int_equal(family, ok[i].family);
		assert_int_equal(plen, ok[i].plen);
		assert_memory_equal(a, want, 16);
	}
}

static void test_parse_bad(void **state)
{
	static const struct { const char *text, *err; } bad[] = {
		{ "192.0.2.1/24", "192.0.2.1/24: host bits set; did you mean 192.0.2.0/24?" },
		{ "2001:db8::1/64", "2001:db8::1/64: host bits set; did you mean 2001:db8::/64?" },
		{ "10.1.0.0/8", "10.1.0.0/8: host bits set; did you mean 10.0.0.0/8?" },
		{ "192.0.2.0/33", "192.0.2.0/33: prefix length out of range (0-32)" },
		{ "2001:db8::/129", "2001:db8::/129: prefix length out of range (0-128)" },
		{ "192.0.2.0/99999", "192.0.2.0/99999: prefix length out of range (0-32)" },
		{ "192.0.2.0/", "192.0.2.0/: prefix length missing after '/'" },
		{ "192.0.2.0/2x", "192.0.2.0/2x: prefix length is not a number (0-32)" },
		{ "192.0.2.0/-1", "192.0.2.0/-1: prefix length is not a number (0-32)" },
		{ "192.0.2.0/24/8", "192.0.2.0/24/8: prefix length is not a number (0-32)" },
		{ "192.0.2.0/24 junk", "192.0.2.0/24 junk: trailing junk after the address" },
		{ "192.0.2.0 /24", "192.0.2.0 /24: trailing junk after the address" },
		{ "1.2.3", "1.2.3: not an IPv4 or IPv6 address" },
		{ "192.0.2.256", "192.0.2.256: not an IPv4 or IPv6 address" },
		{ "010.0.0.1", "010.0.0.1: not an IPv4 or IPv6 address" },
		{ "hello", "hello: not an IPv4 or IPv6 address" },
		{ "2001:db8::1%eth0", "2001:db8::1%eth0: not an IPv4 or IPv6 address" },
		{ "2001:db8:::1", "2001:db8:::1: not an IPv4 or IPv6 address" },
		{ "/24", "/24: not an IPv4 or IPv6 address" },
		{ "", "empty entry" },
		{ "   ", "empty entry" },
	};
	char err[128];
	uint8_t a[16];
	unsigned family, plen;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(cidrlist_parse(bad[i].text, &family, a, &plen, err, sizeof(err)),
				 -EINVAL);
		assert_string_equal(err, bad[i].err);
	}
	/* a long entry is quoted only in part, and the message still ends */
	assert_int_equal(cidrlist_parse("x123456789x123456789x123456789x123456789x123456789"
					"x123456789x123456789", &family, a, &plen, err,
					sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ": not an IPv4 or IPv6 address"));
}

static void test_add(void **state)
{
	struct fx *f = *state;
	uint8_t a[16];

	addr(a, "192.0.2.77");
	/* host bits are cleared, not refused */
	assert_int_equal(cidrlist_add(f->l, 4, a, 24), 0);
	assert_string_equal(match(f, "192.0.2.200"), "192.0.2.0/24");
	assert_int_equal(cidrlist_add(f->l, 4, a, 33), -EINVAL);
	assert_int_equal(cidrlist_add(f->l, 5, a, 8), -EINVAL);
	addr(a, "2001:db8::1");
	assert_int_equal(cidrlist_add(f->l, 6, a, 129), -EINVAL);
	assert_int_equal(cidrlist_add(f->l, 6, a, 127), 0);
	assert_string_equal(match(f, "2001:db8::"), "2001:db8::/127");
	assert_int_equal(cidrlist_count(f->l), 2);
	assert_int_equal(cidrlist_count(NULL), 0);
	cidrlist_free(NULL);
}

static void test_match(void **state)
{
	struct fx *f = *state;

	write_file(f, "198.51.100.0/24\n198.51.100.128/25\n198.51.100.200\n"
		   "2001:db8::/32\n10.0.0.0/7\n");
	assert_int_equal(cidrlist_load(f->l, f->path, f->err, sizeof(f->err)), 0);
	/* the longest entry wins */
	assert_string_equal(match(f, "198.51.100.7"), "198.51.100.0/24");
	assert_string_equal(match(f, "198.51.100.130"), "198.51.100.128/25");
	assert_string_equal(match(f, "198.51.100.200"), "198.51.100.200/32");
	/* prefix edges, bit by bit */
	assert_string_equal(match(f, "11.255.255.255"), "10.0.0.0/7");
	assert_string_equal(match(f, "12.0.0.0"), "");
	assert_string_equal(match(f, "9.255.255.255"), "");
	assert_string_equal(match(f, "198.51.101.0"), "");
	assert_string_equal(match(f, "2001:db8:ffff::1"), "2001:db8::/32");
	assert_string_equal(match(f, "2001:db9::1"), "");
	/* families do not mix: an IPv4-mapped address is IPv6 here */
	assert_string_equal(match(f, "::ffff:198.51.100.7"), "");
	assert_null(cidrlist_match(NULL, 4, (const uint8_t[16]){ 198, 51, 100, 7 }, NULL, 0));
}

static void test_match_all(void **state)
{
	struct fx *f = *state;

	write_file(f, "0.0.0.0/0\n");
	assert_int_equal(cidrlist_load(f->l, f->path, f->err, sizeof(f->err)), 0);
	assert_string_equal(match(f, "203.0.113.9"), "0.0.0.0/0");
	assert_string_equal(match(f, "2001:db8::9"), "");
}

static void test_load(void **state)
{
	struct fx *f = *state;

	write_file(f, "# the office and the VPN\n"
		   "\n"
		   "198.51.100.0/24   # office\n"
		   "\t2001:db8:1::/48\r\n"
		   "   \n"
		   "203.0.113.5#monitoring, no space before the comment\n"
		   "# 192.0.2.1/24 commented out, so never checked\n"
		   "192.0.2.9");	/* no final newline */
	assert_int_equal(cidrlist_load(f->l, f->path, f->err, sizeof(f->err)), 0);
	assert_int_equal(cidrlist_count(f->l), 4);
	assert_string_equal(match(f, "198.51.100.1"), "198.51.100.0/24");
	assert_string_equal(match(f, "2001:db8:1:2::3"), "2001:db8:1::/48");
	assert_string_equal(match(f, "203.0.113.5"), "203.0.113.5/32");
	assert_string_equal(match(f, "192.0.2.9"), "192.0.2.9/32");

	/* an empty file is an empty list */
	cidrlist_free(f->l);
	f->l = cidrlist_new();
	write_file(f, "");
	assert_int_equal(cidrlist_load(f->l, f->path, f->err, sizeof(f->err)), 0);
	assert_int_equal(cidrlist_count(f->l), 0);
}

static void test_load_errors(void **state)
{
	struct fx *f = *state;
	char want[512], *big;

	/* a line number and the reason; nothing of the file is kept */
	assert_int_equal(cidrlist_load(f->l, f->path, f->err, sizeof(f->err)), -ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", f->path);
	assert_string_equal(f->err, want);

	write_file(f, "# allow\n198.51.100.0/24\n\n192.0.2.1/24  # typo\n10.0.0.0/8\n");
	assert_int_equal(cidrlist_load(f->l, f->path, f->err, sizeof(f->err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:4: 192.0.2.1/24: host bits set; did you mean "
		 "192.0.2.0/24?", f->path);
	assert_string_equal(f->err, want);
	assert_int_equal(cidrlist_count(f->l), 0);

	/* entries loaded before stay when a later file fails */
	write_file(f, "198.51.100.0/24\n");
	assert_int_equal(cidrlist_load(f->l, f->path, f->err, sizeof(f->err)), 0);
	write_file(f, "203.0.113.0/24\nnot-an-address\n");
	assert_int_equal(cidrlist_load(f->l, f->path, f->err, sizeof(f->err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:2: not-an-address: not an IPv4 or IPv6 address", f->path);
	assert_string_equal(f->err, want);
	assert_int_equal(cidrlist_count(f->l), 1);
	assert_string_equal(match(f, "203.0.113.1"), "");

	/* two entries on a line */
	write_file(f, "198.51.100.0/24 203.0.113.0/24\n");
	assert_int_equal(cidrlist_load(f->l, f->path, f->err, sizeof(f->err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:1: 198.51.100.0/24 203.0.113.0/24: trailing junk after "
		 "the address", f->path);
	assert_string_equal(f->err, want);

	/* a line past the limit */
	big = malloc(3000);
	assert_non_null(big);
	memset(big, ' ', 2998);
	memcpy(big, "# x\n198.51.100.1", 16);
	big[2998] = '\n';
	big[2999] = '\0';
	write_file(f, big);
	free(big);
	assert_int_equal(cidrlist_load(f->l, f->path, f->err, sizeof(f->err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:2: line longer than 1024 bytes", f->path);
	assert_string_equal(f->err, want);

	/* a directory */
	assert_true(cidrlist_load(f->l, f->dir, f->err, sizeof(f->err)) < 0);
	assert_non_null(strstr(f->err, f->dir));
	assert_int_equal(cidrlist_count(f->l), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test_setup_teardown(test_add, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
