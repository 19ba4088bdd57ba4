/* SPDX-License-Identifier: GPL-2.0-or-later */
/* utf8.c - UTF-8 validation, RFC 3629 table 4 (well-formed byte sequences). */
#include "util/utf8.h"

/* Checking the second byte against [lo, hi] is what RFC 3629's table does:
 * it rules out overlong forms, surrogates and code points past U+10FFFF
 * without decoding first. */
size_t utf8_seq_len(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char c, lo = 0x80, hi = 0xbf;
	uint32_t v;
	size_t len, i;

	if (!n)
		return 0;
	c = p[0];
	if (c < 0x80) {
		if (cp)
			*cp = c;
		return 1;
	}
	if (c < 0xc2)
		return 0;		/* continuation byte, or overlong 2-byte lead */
	if (c < 0xe0) {
		len = 2;
		v = c & 0x1f;
	} else if (c < 0xf0) {
		len = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c < 0xf5) {
		len = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* past U+10FFFF */
	} else {
		return 0;
	}
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 1; i < len; i++) {
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if (cp)
		*cp = v;
	return len;
}
