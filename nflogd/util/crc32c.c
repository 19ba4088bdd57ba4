/* SPDX-License-Identifier: GPL-2.0-or-later */
/* crc32c.c - CRC-32C (RFC 3720 appendix B.4 polynomial 0x1EDC6F41, reflected).
 *
 * Every ring record carries one, so this is on the per-packet path. x86-64
 * CPUs with SSE4.2 use the crc32 instruction, 8 bytes per instruction; its
 * latency is 3 cycles but one can start every cycle, so with PCLMULQDQ too the
 * buffer is cut into three equal blocks whose CRCs run interleaved and are
 * then joined by carry-less multiplication (Gopal et al., "Fast CRC
 * computation for iSCSI polynomial using CRC32 instruction", Intel 2011): a
 * 244-byte record costs a chain of ~11 crc32 instead of 31. Others use a
 * byte-wise table. Every table is a compile-time constant: no initialisation,
 * no writable global state, and the three paths give identical results
 * (tests/unit/test_ring.c checks them against each other).
 */
#include <string.h>

#include "util/crc32c.h"

#define CRC32C_POLY_REFLECTED 0x82f63b78u

/* Table entry i is the CRC of the single byte i; computed by the preprocessor. */
#define T1(c)	(((c) & 1) ? ((c) >> 1) ^ CRC32C_POLY_REFLECTED : (c) >> 1)
#define T8(c)	T1(T1(T1(T1(T1(T1(T1(T1((uint32_t)(c)))))))))
#define R4(i)	T8(i), T8((i) + 1), T8((i) + 2), T8((i) + 3)
#define R16(i)	R4(i), R4((i) + 4), R4((i) + 8), R4((i) + 12)
#define R64(i)	R16(i), R16((i) + 16), R16((i) + 32), R16((i) + 48)
static const uint32_t crc32c_table[256] = {
	R64(0), R64(64), R64(128), R64(192)
};

static uint32_t crc32c_sw(uint32_t crc, const uint8_t *p, size_t len)
{
	while (len--)
		crc = crc32c_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define CRC32C_3WAY_MAX	32	/* 8-byte words per block: 3 blocks = 768 bytes */

/*
 * crc32c_k[w] = { x^(2*64w - 33) mod P, x^(64w - 33) mod P } (bit-reflected):
 * multiplying a block's CRC by it (carry-less, 32 x 32 -> 64 bits) and feeding
 * the product through one more crc32 moves that CRC past the 2w (resp. w)
 * words that follow it. The -33: 32 for the final crc32's x^64 less the
 * register width, 1 for the reflected product's extra low bit. Generated with
 * the square-and-multiply xnmodp() of corsix/fast-crc32 and checked against
 * crc32c_sw() for every length up to 2 KiB.
 */
static const uint32_t crc32c_k[CRC32C_3WAY_MAX + 1][2] = {
	{ 0, 0 },
	{ 0x493c7d27, 0x00000001 },	/*  1 words */
	{ 0xba4fc28e, 0x493c7d27 },	/*  2 words */
	{ 0xddc0152b, 0xf20c0dfe },	/*  3 words */
	{ 0x9e4addf8, 0xba4fc28e },	/*  4 words */
	{ 0x39d3b296, 0x3da6d0cb },	/*  5 words */
	{ 0x0715ce53, 0xddc0152b },	/*  6 words */
	{ 0x47db8317, 0x1c291d04 },	/*  7 words */
	{ 0x0d3b6092, 0x9e4addf8 },	/*  8 words */
	{ 0xc96cfdc0, 0x740eef02 },	/*  9 words */
	{ 0x878a92a7, 0x39d3b296 },	/* 10 words */
	{ 0xdaece73e, 0x083a6eec },	/* 11 words */
	{ 0xab7aff2a, 0x0715ce53 },	/* 12 words */
	{ 0x2162d385, 0xc49f4f67 },	/* 13 words */
	{ 0x83348832, 0x47db8317 },	/* 14 words */
	{ 0x299847d5, 0x2ad91c30 },	/* 15 words */
	{ 0xb9e02b86, 0x0d3b6092 },	/* 16 words */
	{ 0x18b33a4e, 0x6992cea2 },	/* 17 words */
	{ 0xb6dd949b, 0xc96cfdc0 },	/* 18 words */
	{ 0x78d9ccb7, 0x7e908048 },	/* 19 words */
	{ 0xbac2fd7b, 0x878a92a7 },	/* 20 words */
	{ 0xa60ce07b, 0x1b3d8f29 },	/* 21 words */
	{ 0xce7f39f4, 0xdaece73e },	/* 22 words */
	{ 0x61d82e56, 0xf1d0f55e },	/* 23 words */
	{ 0xd270f1a2, 0xab7aff2a },	/* 24 words */
	{ 0xc619809d, 0xa87ab8a8 },	/* 25 words */
	{ 0x2b3cac5d, 0x2162d385 },	/* 26 words */
	{ 0x65863b64, 0x8462d800 },	/* 27 words */
	{ 0x1b03397f, 0x83348832 },	/* 28 words */
	{ 0xebb883bd, 0x71d111a8 },	/* 29 words */
	{ 0xb3e32c28, 0x299847d5 },	/* 30 words */
	{ 0x064f7f26, 0xffd852c6 },	/* 31 words */
	{ 0xdd7e3b0c, 0xb9e02b86 },	/* 32 words */
};

static uint64_t crc32c_ld64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);	/* unaligned-safe; compiles to one load */
	return v;
}

__attribute__((target("sse4.2,pclmul")))
static uint64_t crc32c_clmul(uint64_t crc, uint32_t k)
{
	__m128i a = _mm_cvtsi32_si128((int)(uint32_t)crc);
	__m128i b = _mm_cvtsi32_si128((int)k);

	return (uint64_t)_mm_cvtsi128_si64(_mm_clmulepi64_si128(a, b, 0));
}

/* Three blocks of w words in parallel, joined; then the tail serially. */
__attribute__((target("sse4.2,pclmul")))
static uint32_t crc32c_hw3(uint32_t crc, const uint8_t *p, size_t len)
{
	uint64_t c0 = crc;

	while (len >= 24) {
		size_t w = len / 24, i;
		const uint8_t *b, *c;
		uint64_t c1 = 0, c2 = 0, v;

		if (w > CRC32C_3WAY_MAX)
			w = CRC32C_3WAY_MAX;
		b = p + 8 * w;
		c = b + 8 * w;
		for (i = 0; i < 8 * (w - 1); i += 8) {
			c0 = __builtin_ia32_crc32di(c0, crc32c_ld64(p + i));
			c1 = __builtin_ia32_crc32di(c1, crc32c_ld64(b + i));
			c2 = __builtin_ia32_crc32di(c2, crc32c_ld64(c + i));
		}
		c0 = __builtin_ia32_crc32di(c0, crc32c_ld64(p + i));
		c1 = __builtin_ia32_crc32di(c1, crc32c_ld64(b + i));
		v = crc32c_clmul(c0, crc32c_k[w][0]) ^ crc32c_clmul(c1, crc32c_k[w][1]);
		c0 = __builtin_ia32_crc32di(c2, crc32c_ld64(c + i) ^ v);
		p += 24 * w;
		len -= 24 * w;
	}
	for (; len >= 8; p += 8, len -= 8)
		c0 = __builtin_ia32_crc32di(c0, crc32c_ld64(p));
	crc = (uint32_t)c0;
	if (len >= 4) {
		uint32_t v;

		memcpy(&v, p, 4);
		crc = __builtin_ia32_crc32si(crc, v);
		p += 4;
		len -= 4;
	}
	while (len--)
		crc = __builtin_ia32_crc32qi(crc, *p++);
	return crc;
}

__attribute__((target("sse4.2")))
static uint32_t crc32c_hw(uint32_t crc, const uint8_t *p, size_t len)
{
	uint64_t c = crc;

	while (len >= 8) {
		uint64_t v;

		memcpy(&v, p, 8);	/* unaligned-safe; compiles to one load */
		c = __builtin_ia32_crc32di(c, v);
		p += 8;
		len -= 8;
	}
	crc = (uint32_t)c;
	while (len--)
		crc = __builtin_ia32_crc32qi(crc, *p++);
	return crc;
}

uint32_t crc32c(const void *buf, size_t len)
{
	/* __builtin_cpu_supports reads a table libgcc fills before main(). */
	if (__builtin_cpu_supports("sse4.2")) {
		if (__builtin_cpu_supports("pclmul"))
			return ~crc32c_hw3(~0u, buf, len);
		return ~crc32c_hw(~0u, buf, len);
	}
	return ~crc32c_sw(~0u, buf, len);
}
#else
uint32_t crc32c(const void *buf, size_t len)
{
	return ~crc32c_sw(~0u, buf, len);
}
#endif
