/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fmt.h - integers and IPv4 addresses as text without stdio, for the per-record formatters.
 *
 * Each function writes into p, which must have room for the longest result
 * (FMT_U64_MAX, FMT_IPV4_MAX bytes), writes no NUL, and returns the end of
 * what it wrote. The output is the same as printf's "%" PRIu64, "%0*" PRIx64
 * (lower case) and inet_ntop(AF_INET) give.
 */
#ifndef NFLOGD_UTIL_FMT_H
#define NFLOGD_UTIL_FMT_H

#include <stdint.h>
#include <string.h>

#define FMT_U64_MAX	20u	/* 18446744073709551615 */
#define FMT_HEX64_MAX	16u	/* without a width wider than that */
#define FMT_IPV4_MAX	15u	/* 255.255.255.255 */

extern const char fmt_digits2[200];	/* "00" "01" ... "99" */

/* Decimal digits of v (1 for 0). */
static inline unsigned fmt_u64_len(uint64_t v)
{
	unsigned n = 1;

	while (v >= 100) {
		v /= 100;
		n += 2;
	}
	return n + (v >= 10);
}

/* v in decimal, like "%" PRIu64. */
static inline char *fmt_u64(char *p, uint64_t v)
{
	unsigned n = fmt_u64_len(v);
	char *e = p + n, *q = e;

	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		q -= 2;
		q[0] = fmt_digits2[d];
		q[1] = fmt_digits2[d + 1];
	}
	if (v >= 10) {
		q -= 2;
		q[0] = fmt_digits2[v * 2];
		q[1] = fmt_digits2[v * 2 + 1];
	} else
		*--q = (char)('0' + v);
	return e;
}

/* v in decimal, like "%u" (a 32-bit value divides faster). */
static inline char *fmt_u32(char *p, uint32_t v)
{
	unsigned n = 1;
	uint32_t t = v;
	char *e, *q;

	while (t >= 100) {
		t /= 100;
		n += 2;
	}
	n += t >= 10;
	e = q = p + n;
	while (v >= 100) {
		unsigned d = (v % 100) * 2;

		v /= 100;
		q -= 2;
		q[0] = fmt_digits2[d];
		q[1] = fmt_digits2[d + 1];
	}
	if (v >= 10) {
		q -= 2;
		q[0] = fmt_digits2[v * 2];
		q[1] = fmt_digits2[v * 2 + 1];
	} else
		*--q = (char)('0' + v);
	return e;
}

/* v in lower-case hex, zero-padded to at least width digits (at most
 * FMT_HEX64_MAX): "%0*" PRIx64 for width 1..16. */
static inline char *fmt_hex(char *p, uint64_t v, unsigned width)
{
	unsigned n = 1;
	uint64_t t = v >> 4;
	char *e;

	while (t) {
		t >>= 4;
		n++;
	}
	if (n < width)
		n = width;
	e = p + n;
	while (n--) {
		p[n] = "0123456789abcdef"[v & 15];
		v >>= 4;
	}
	return e;
}

/* The dotted quad of a[0..4), like inet_ntop(AF_INET). */
static inline char *fmt_ipv4(char *p, const uint8_t a[4])
{
	unsigned i;

	for (i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (v >= 100) {
			*p++ = (char)('0' + v / 100);
			v %= 100;
			*p++ = fmt_digits2[v * 2];
			*p++ = fmt_digits2[v * 2 + 1];
		} else if (v >= 10) {
			*p++ = fmt_digits2[v * 2];
			*p++ = fmt_digits2[v * 2 + 1];
		} else
			*p++ = (char)('0' + v);
		*p++ = '.';
	}
	return p - 1;
}

/* v % 100 as exactly two digits, like "%02u" for v < 100. */
static inline char *fmt_2d(char *p, unsigned v)
{
	v %= 100;
	p[0] = fmt_digits2[v * 2];
	p[1] = fmt_digits2[v * 2 + 1];
	return p + 2;
}

#endif
