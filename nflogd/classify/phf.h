/* SPDX-License-Identifier: GPL-2.0-or-later */
/* phf.h - perfect hash (hash-and-displace, PTHash style) for up to 65535 uint32 keys.
 *
 * Maps each key of a fixed set to a 16-bit value with one hash of the key, one
 * probe of the slot array and one compare against the key stored there, so a
 * key outside the set misses instead of landing on an arbitrary member's slot.
 *
 *   key --phf_hash(key, seed)--> h (64 bits)
 *          |
 *          +-- low 32 bits of h, scaled to [0, nbuckets) --> b
 *          |                                                 |
 *          |             pilots[nbuckets] (uint16_t) <-------+
 *          |                      | pilots[b]
 *          v                      v
 *   slot = ((h ^ pilots[b] * PHF_PILOT_MUL) * PHF_SLOT_MUL) >> shift
 *                                 |
 *   slots[1 << (64 - shift)]:  +--v--------+-----------+
 *                              | key (u32) | val (u16) |   empty: PHF_EMPTY_KEY, PHF_NONE
 *                              +-----------+-----------+
 *   hit when slots[slot].key == key: return .val, else PHF_NONE.
 *
 * The build sorts buckets largest first and gives each the first pilot that
 * sends all its keys to free, distinct slots; the slot count is a power of two
 * at least 1.25 times the key count, so the table is at most 80% full and a
 * pilot is found after a few tries. If a bucket runs out of pilots the build
 * starts over with the next seed. Seeds come from a fixed sequence, so the same
 * keys always give the same table (the generated kb_data.c is reproducible).
 */
#ifndef NFLOGD_PHF_H
#define NFLOGD_PHF_H

#include <stddef.h>
#include <stdint.h>

#define PHF_MAX_KEYS	65535		/* values are uint16_t, PHF_NONE excluded */
#define PHF_NONE	0xffffu		/* the value of a miss */
#define PHF_EMPTY_KEY	UINT32_MAX	/* key of an empty slot; not a valid key */
#define PHF_PILOT_MUL	UINT64_C(0x9e3779b97f4a7c15)
#define PHF_SLOT_MUL	UINT64_C(0xd6e8feb86659fd93)

struct phf_slot {
	uint32_t	 key;
	uint16_t	 val;
};

struct phf {
	uint64_t		 seed;
	uint32_t		 nbuckets;	/* >= 1 */
	uint32_t		 shift;		/* 64 - log2(slot count), < 64 */
	const uint16_t		*pilots;	/* [nbuckets] */
	const struct phf_slot	*slots;		/* [1 << (64 - shift)] */
	void			*mem;		/* phf_build's allocation; NULL if static */
};

/* phf_hash - the one hash of a key (splitmix64 finalizer of key + seed). */
static inline uint64_t phf_hash(uint32_t key, uint64_t seed)
{
	uint64_t z = (uint64_t)key + seed;

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* phf_slot_of - slot index of hash h under pilot; the multiply after the
 * XOR matters: a plain XOR would keep two keys of a bucket that collide
 * colliding under every pilot. */
static inline uint32_t phf_slot_of(uint64_t h, uint16_t pilot, uint32_t shift)
{
	return (uint32_t)(((h ^ (pilot * PHF_PILOT_MUL)) * PHF_SLOT_MUL) >> shift);
}

static inline uint32_t phf_bucket_of(uint64_t h, uint32_t nbuckets)
{
	return (uint32_t)(((h & 0xffffffffu) * nbuckets) >> 32);
}

/* phf_lookup - the value stored for key, or PHF_NONE. No allocation, no
 * branches except the final compare; safe from any number of threads. */
static inline uint16_t phf_lookup(const struct phf *p, uint32_t key)
{
	uint64_t h = phf_hash(key, p->seed);
	const struct phf_slot *s;

	s = &p->slots[phf_slot_of(h, p->pilots[phf_bucket_of(h, p->nbuckets)],
				  p->shift)];
	return s->key == key ? s->val : PHF_NONE;
}

/*
 * phf_build - build a perfect hash of keys[i] -> vals[i], i < n. Keys must be
 * distinct and != PHF_EMPTY_KEY, values != PHF_NONE. The table owns its
 * arrays (free with phf_free); keys and vals are not referenced afterwards.
 * n == 0 gives a table where everything misses. Returns 0, -EINVAL (bad key
 * or value), -EEXIST (duplicate key), -E2BIG (n > PHF_MAX_KEYS), -ENOMEM,
 * or -EAGAIN (no seed worked; not seen in practice).
 */
int phf_build(struct phf *p, const uint32_t *keys, const uint16_t *vals, size_t n);
void phf_free(struct phf *p);	/* no-op when p->mem is NULL */

/* phf_nslots - number of slots (for generators that dump the arrays). */
static inline size_t phf_nslots(const struct phf *p)
{
	return (size_t)1 << (64 - p->shift);
}

#endif
