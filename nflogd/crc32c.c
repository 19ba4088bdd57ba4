/* crc32c.c - CRC-32C (RFC 3720 appendix B.4 polynomial 0x1EDC6F41, reflected).
 *
 * Every ring record carries one, so this is on the per-packet path: x86-64
 * CPUs with SSE4.2 use the crc32 instruction (8 bytes per instruction, about
 * 30 for a record); others use a byte-wise table that is a compile-time
 * constant, so there is no initialisation and no writable global state.
 */
#include <string.h>

#include "crc32c.h"

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
	if (__builtin_cpu_supports("sse4.2"))
		return ~crc32c_hw(~0u, buf, len);
	return ~crc32c_sw(~0u, buf, len);
}
#else
uint32_t crc32c(const void *buf, size_t len)
{
	return ~crc32c_sw(~0u, buf, len);
}
#endif
