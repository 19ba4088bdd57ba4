/* mix.h - the one 64-bit hash finaliser (SplitMix64's, Steele et al. 2014)
 * the hash tables of the reader side and the correlator share. */
#ifndef NFLOGD_MIX_H
#define NFLOGD_MIX_H

#include <stdint.h>

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

#endif
