/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_json.c - libFuzzer entry: arbitrary bytes quoted by json_quote()
 * (nflogd/util/json.h), the writer of every JSON string nflogctl prints.
 *
 * Checked on each input, abort() on a miss:
 *   - the literal is quoted, valid UTF-8 throughout, and holds no raw control,
 *     DEL, C1 control, U+2028 or U+2029 (what json.h promises);
 *   - decoding it (an independent little JSON string decoder below) gives
 *     back the input, with U+FFFD where the input was not UTF-8;
 *   - a short buffer gets a terminated prefix of the full literal and the
 *     full length; the stream writer produces the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned fuzz_hex(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	abort();	/* the writer only uses lower-case hex */
}

static size_t fuzz_put_utf8(unsigned char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	o[0] = (unsigned char)(0xe0 | cp >> 12);
	o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	o[2] = (unsigned char)(0x80 | (cp & 0x3f));
	return 3;
}

/* Decode the literal q[0..n) into o; returns the length. */
static size_t fuzz_decode(const char *q, size_t n, unsigned char *o)
{
	size_t i = 1, len = 0, k;
	uint32_t cp;

	if (n < 2 || q[0] != '"' || q[n - 1] != '"')
		abort();
	while (i < n - 1) {
		const unsigned char *p = (const unsigned char *)q + i;

		if (*p == '"')
			abort();		/* unescaped quote inside */
		if (*p != '\\') {
			k = utf8_seq_len(p, n - 1 - i, &cp);
			if (!k || cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
			    cp == 0x2028 || cp == 0x2029)
				abort();
			memcpy(o + len, p, k);
			len += k;
			i += k;
			continue;
		}
		if (p[1] == '"' || p[1] == '\\') {
			o[len++] = p[1];
			i += 2;
			continue;
		}
		if (p[1] != 'u' || i + 6 > n - 1)
			abort();
		cp = fuzz_hex((char)p[2]) << 12 | fuzz_hex((char)p[3]) << 8 |
		     fuzz_hex((char)p[4]) << 4 | fuzz_hex((char)p[5]);
		len += fuzz_put_utf8(o + len, cp);
		i += 6;
	}
	return len;
}

/* What decoding must give: the input, each non-UTF-8 byte as U+FFFD. */
static size_t fuzz_expect(const unsigned char *s, size_t n, unsigned char *o)
{
	size_t i = 0, len = 0, k;

	while (i < n) {
		k = utf8_seq_len(s + i, n - i, NULL);
		if (!k) {
			len += fuzz_put_utf8(o + len, 0xfffd);
			i++;
		} else {
			memcpy(o + len, s + i, k);
			len += k;
			i += k;
		}
	}
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *q, *cut, *mem = NULL;
	unsigned char *got, *want;
	size_t n, len, glen, wlen, memlen = 0, cutsize;
	FILE *f;

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);		/* up to the first NUL, as C strings go */
	n = json_quote(NULL, 0, s, SIZE_MAX);
	q = malloc(n + 1);
	got = malloc(n + 1);
	want = malloc(3 * len + 1);
	if (!q || !got || !want)
		abort();
	if (json_quote(q, n + 1, s, SIZE_MAX) != n || strlen(q) != n)
		abort();
	glen = fuzz_decode(q, n, got);
	wlen = fuzz_expect((const unsigned char *)s, len, want);
	if (glen != wlen || memcmp(got, want, glen) != 0)
		abort();

	cutsize = size ? data[0] % (n + 1) : 0;
	cut = malloc(cutsize + 1);
	if (!cut)
		abort();
	if (json_quote(cut, cutsize, s, SIZE_MAX) != n)
		abort();
	if (cutsize && (strlen(cut) != cutsize - 1 || memcmp(cut, q, cutsize - 1) != 0))
		abort();

	f = open_memstream(&mem, &memlen);
	if (!f)
		abort();
	json_quote_file(f, s);
	if (fclose(f) != 0 || memlen != n || memcmp(mem, q, n) != 0)
		abort();
	free(mem);
	free(cut);
	free(want);
	free(got);
	free(q);
	free(s);
	return 0;
}
