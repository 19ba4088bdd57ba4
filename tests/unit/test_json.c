/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_json.c - the UTF-8 validator and the JSON string writer.
 *
 * Every JSON string nflogctl prints goes through json_quote(), so these cases
 * pin the escaping contract of util/json.h: what is escaped, how, and that a
 * short buffer is cut but still terminated, with the full length returned.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/json.h"
#include "util/utf8.h"

static void test_utf8(void **state)
{
	static const struct {
		const char *s;
		size_t	    len;
		uint32_t    cp;
	} t[] = {
		{ "a", 1, 'a' }, { "\xc3\xa9", 2, 0xe9 }, { "\xe2\x82\xac", 3, 0x20ac },
		{ "\xf0\x9f\x98\x80", 4, 0x1f600 },
		{ "\xc2\x80", 2, 0x80 },	/* smallest 2-byte */
		{ "\xef\xbf\xbf", 3, 0xffff },
		{ "\xf4\x8f\xbf\xbf", 4, 0x10ffff },
		{ "\x80", 0, 0 },		/* stray continuation */
		{ "\xc0\xaf", 0, 0 },		/* overlong '/' */
		{ "\xc1\xbf", 0, 0 },
		{ "\xe0\x80\xaf", 0, 0 },	/* overlong, 3 bytes */
		{ "\xf0\x8f\xbf\xbf", 0, 0 },	/* overlong, 4 bytes */
		{ "\xed\xa0\x80", 0, 0 },	/* surrogate U+D800 */
		{ "\xed\xbf\xbf", 0, 0 },	/* surrogate U+DFFF */
		{ "\xf4\x90\x80\x80", 0, 0 },	/* U+110000 */
		{ "\xf5\x80\x80\x80", 0, 0 },
		{ "\xff", 0, 0 },
		{ "\xc3", 0, 0 },		/* cut */
		{ "\xe2\x82", 0, 0 },
		{ "\xe2\x28\xa1", 0, 0 },	/* bad continuation */
		{ "\xf0\x9f\x98\x28", 0, 0 },
	};
	uint32_t cp;
	size_t i, len;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cp = 0xdeadbeef;
		len = utf8_seq_len((const unsigned char *)t[i].s, strlen(t[i].s), &cp);
		if (len != t[i].len)
			fail_msg("case %zu: length %zu, want %zu", i, len, t[i].len);
		if (len && cp != t[i].cp)
			fail_msg("case %zu: U+%04x, want U+%04x", i, cp, t[i].cp);
		if (utf8_seq_len((const unsigned char *)t[i].s, strlen(t[i].s), NULL) != len)
			fail_msg("case %zu: differs without cp", i);
	}
	assert_int_equal(utf8_seq_len((const unsigned char *)"", 1, NULL), 1);	/* NUL */
	assert_int_equal(utf8_seq_len((const unsigned char *)"a", 0, NULL), 0);
	/* A valid sequence must not be read past n. */
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xe2\x82\xac", 2, NULL), 0);
}

static void check_quote(const char *in, size_t max, const char *want)
{
	char buf[256];
	size_t n = json_quote(buf, sizeof(buf), in, max);

	if (strcmp(buf, want) != 0)
		fail_msg("\"%s\": got %s, want %s", in, buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_quote(void **state)
{
	check_quote("", SIZE_MAX, "\"\"");
	check_quote("eth0", SIZE_MAX, "\"eth0\"");
	check_quote("a\"b\\c", SIZE_MAX, "\"a\\\"b\\\\c\"");
	/* Controls are \u00XX, not the \n short forms: one spelling for all. */
	check_quote("a\nb\tc\r\x01", SIZE_MAX, "\"a\\u000ab\\u0009c\\u000d\\u0001\"");
	check_quote("\x7f", SIZE_MAX, "\"\\u007f\"");
	check_quote("\xc2\x85", SIZE_MAX, "\"\\u0085\"");		/* C1 NEL */
	check_quote("\xc2\xa0", SIZE_MAX, "\"\xc2\xa0\"");		/* NBSP is text */
	check_quote("\xe2\x80\xa8|\xe2\x80\xa9", SIZE_MAX, "\"\\u2028|\\u2029\"");
	check_quote("caf\xc3\xa9 \xe2\x82\xac", SIZE_MAX, "\"caf\xc3\xa9 \xe2\x82\xac\"");
	/* Each byte of an invalid sequence is one U+FFFD. */
	check_quote("\xff\xfe", SIZE_MAX, "\"\\ufffd\\ufffd\"");
	check_quote("x\xe2\x82", SIZE_MAX, "\"x\\ufffd\\ufffd\"");
	check_quote("\xed\xa0\x80", SIZE_MAX, "\"\\ufffd\\ufffd\\ufffd\"");
	/* max bounds the input, even inside a sequence (a fixed-size field). */
	check_quote("abcdef", 3, "\"abc\"");
	check_quote("\xc3\xa9", 1, "\"\\ufffd\"");
}

static void test_quote_short_buffer(void **state)
{
	char buf[8];
	size_t n;

	memset(buf, 'X', sizeof(buf));
	n = json_quote(buf, sizeof(buf), "abcdefghij", SIZE_MAX);
	assert_int_equal(n, 12);
	assert_string_equal(buf, "\"abcdef");
	n = json_quote(buf, 1, "abc", SIZE_MAX);
	assert_int_equal(n, 5);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(json_quote(NULL, 0, "\n", SIZE_MAX), 8);
}

static void test_quote_file(void **state)
{
	char *mem = NULL, want[64];
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);

	assert_non_null(f);
	json_quote_file(f, "a\"\n\xff\xc3\xa9");
	assert_int_equal(fclose(f), 0);
	json_quote(want, sizeof(want), "a\"\n\xff\xc3\xa9", SIZE_MAX);
	assert_string_equal(mem, want);
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_quote_short_buffer),
		cmocka_unit_test(test_quote_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
