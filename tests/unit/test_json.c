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

/* The escaping one character at a time, as json.h states it: what the
 * writer's copy of whole plain runs must give, byte for byte. */
static size_t ref_quote(char *out, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strnlen(s, max), i = 0, o = 0, len;
	uint32_t cp;

	out[o++] = '"';
	while (i < n) {
		len = utf8_seq_len(p + i, n - i, &cp);
		if (len == 0) {
			o += (size_t)sprintf(out + o, "\\ufffd");
			i++;
		} else if (cp == '"' || cp == '\\') {
			out[o++] = '\\';
			out[o++] = s[i++];
		} else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 || cp == 0x2029) {
			o += (size_t)sprintf(out + o, "\\u%04x", (unsigned)cp);
			i += len;
		} else {
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
	return o;
}

/* Every byte value inside and at the ends of plain runs, random mixes, and
 * every cut of the buffer: the same text as the reference. */
static void test_quote_runs(void **state)
{
	char in[64], got[64 * 6 + 3], want[64 * 6 + 3];
	uint64_t seed = 0x2545f4914f6cdd1dull;
	unsigned b, k;

	(void)state;
	for (b = 1; b < 256; b++) {
		snprintf(in, sizeof(in), "plain run %c then more", (char)b);
		ref_quote(want, in, SIZE_MAX);
		assert_int_equal(json_quote(got, sizeof(got), in, SIZE_MAX), strlen(want));
		assert_string_equal(got, want);
		in[0] = (char)b;
		in[1] = '\0';
		ref_quote(want, in, SIZE_MAX);
		json_quote(got, sizeof(got), in, SIZE_MAX);
		assert_string_equal(got, want);
	}
	for (k = 0; k < 2000; k++) {
		size_t n = 1 + k % 63, i, cut, len;

		for (i = 0; i < n; i++) {
			seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
			/* Mostly plain ASCII, as real text is, with the odd other byte. */
			in[i] = (char)(seed % 4 ? 0x20 + (seed >> 8) % 95 : 1 + (seed >> 8) % 255);
		}
		in[n] = '\0';
		len = ref_quote(want, in, k % 5 ? SIZE_MAX : n / 2);
		assert_int_equal(json_quote(got, sizeof(got), in, k % 5 ? SIZE_MAX : n / 2), len);
		assert_string_equal(got, want);
		cut = 1 + k % (len + 1);	/* a short buffer keeps a prefix */
		assert_int_equal(json_quote(got, cut, in, k % 5 ? SIZE_MAX : n / 2), len);
		assert_int_equal(strlen(got), cut - 1);
		assert_memory_equal(got, want, cut - 1);
	}
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
		cmocka_unit_test(test_quote_runs),
		cmocka_unit_test(test_quote_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
