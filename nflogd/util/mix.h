/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mix.h - the one 64-bit hash finaliser (SplitMix64's, Steele et al. 2014)
 * that every hash table of nflogd uses: the correlator's, suggest's and the
 * readers' aggregates. */
#ifndef NFLOGD_MIX_H
#define NFLOGD_MIX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* mix64 - every input bit moves about half the output bits: good enough to
 * index a power-of-two table by masking, when the key is salted with a
 * per-table seed so that a sender cannot aim at one chain. */
static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* mix_bytes - p[0..n) hashed 8 bytes at a time through mix64, for keys that
 * are a few bytes of a record (an address, a port, an id); the length goes in
 * too, so that keys of different sizes do not collide by their zero tail. */
static inline uint64_t mix_bytes(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *b = p;
	uint64_t h = mix64(seed ^ n), w;

	for (; n >= 8; b += 8, n -= 8) {
		memcpy(&w, b, 8);
		h = mix64(h ^ w);
	}
	if (n) {
		w = 0;
		memcpy(&w, b, n);
		h = mix64(h ^ w);
	}
	return h;
}

#endif
