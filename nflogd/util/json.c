/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json.c - JSON string literals (escaping rules in json.h). */
#include <string.h>

#include "util/json.h"
#include "util/utf8.h"

/* Where escaped text goes: a bounded buffer or a stream. One escaper for
 * both, so the two cannot drift apart. */
struct json_sink {
	FILE	*f;		/* NULL: write to buf[0..size) */
	char	*buf;
	size_t	 size;
	size_t	 len;		/* bytes produced so far, even past size */
};

static void json_put(struct json_sink *k, const char *p, size_t n)
{
	if (k->f) {
		fwrite(p, 1, n, k->f);
	} else if (k->len + 1 < k->size) {
		size_t room = k->size - 1 - k->len;

		memcpy(k->buf + k->len, p, n < room ? n : room);
	}
	k->len += n;
}

/* \uXXXX for a code point below U+10000 (all this writer ever escapes). */
static void json_put_u(struct json_sink *k, unsigned cp)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = { '\\', 'u', hex[cp >> 12 & 15], hex[cp >> 8 & 15],
		      hex[cp >> 4 & 15], hex[cp & 15] };

	json_put(k, e, sizeof(e));
}

/* Bytes that go out as they are with no UTF-8 decoding: printable ASCII but
 * '"' and '\\'. Most text (kb summaries, prefixes) is only these, so runs of
 * them are copied at once instead of one json_put per character. */
static const uint8_t json_plain[256] = {
	[' ' ... '!'] = 1, ['#' ... '['] = 1, [']' ... '~'] = 1,
};

static void json_escape(struct json_sink *k, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strnlen(s, max), i = 0, j, len;
	uint32_t cp;

	json_put(k, "\"", 1);
	while (i < n) {
		for (j = i; j < n && json_plain[p[j]]; j++)
			;
		if (j > i) {
			json_put(k, s + i, j - i);
			i = j;
			continue;
		}
		len = utf8_seq_len(p + i, n - i, &cp);
		if (len == 0) {
			json_put_u(k, 0xfffd);
			i++;
		} else if (cp == '"' || cp == '\\') {
			json_put(k, "\\", 1);
			json_put(k, s + i, 1);
			i++;
		} else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
			   cp == 0x2028 || cp == 0x2029) {
			json_put_u(k, cp);
			i += len;
		} else {
			json_put(k, s + i, len);
			i += len;
		}
	}
	json_put(k, "\"", 1);
}

size_t json_quote(char *buf, size_t size, const char *s, size_t max)
{
	struct json_sink k = { .buf = buf, .size = size };

	json_escape(&k, s, max);
	if (size)
		buf[k.len < size ? k.len : size - 1] = '\0';
	return k.len;
}

void json_quote_file(FILE *f, const char *s)
{
	struct json_sink k = { .f = f };

	json_escape(&k, s, (size_t)-1);
}
