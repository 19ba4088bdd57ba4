/* SPDX-License-Identifier: GPL-2.0-or-later */
/* phf.c - building the perfect hash of phf.h (the lookup is inline there).
 *
 * Runs at build time (genkb) and once at daemon start when local.kb is
 * present, never per packet: clarity wins over speed, but 1000 keys still take
 * well under a millisecond.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "classify/phf.h"

#define PHF_LAMBDA		4	/* keys per bucket on average */
#define PHF_SEED0		UINT64_C(0x6e666c6f67642d6b)	/* "nflogd-k" */
#define PHF_SEEDS_PER_SIZE	16	/* seeds tried before doubling the buckets */
#define PHF_MAX_ATTEMPTS	128
#define PHF_PILOTS		65536	/* every uint16_t pilot */

/* Scratch space of one build, reused by every attempt. */
struct phf_ctx {
	const uint32_t	*keys;
	const uint16_t	*vals;
	size_t		 n;
	uint32_t	 shift;
	size_t		 nslots;
	uint64_t	*h;		/* [n] hash of each key */
	uint32_t	*by_bucket;	/* [n] key indexes grouped by bucket */
	uint32_t	*start;		/* [maxbuckets + 1] bucket -> by_bucket offset */
	uint32_t	*order;		/* [maxbuckets] buckets, largest first */
	uint32_t	*count;		/* [n + 1] scratch for the counting sorts */
	uint32_t	*pos;		/* [n] slots of the bucket being placed */
	uint64_t	*taken;		/* [nslots / 64 + 1] bitmap */
	uint16_t	*pilots;	/* [maxbuckets] output */
	struct phf_slot	*slots;		/* [nslots] output */
};

static int phf_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int phf_check_keys(const uint32_t *keys, const uint16_t *vals, size_t n)
{
	uint32_t *sorted;
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++)
		if (keys[i] == PHF_EMPTY_KEY || vals[i] == PHF_NONE)
			return -EINVAL;
	if (n < 2)
		return 0;
	sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, keys, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), phf_cmp_u32);
	for (i = 1; i < n; i++)
		if (sorted[i] == sorted[i - 1])
			rc = -EEXIST;
	free(sorted);
	return rc;
}

/* Group the keys by bucket and order the buckets by size, both with
 * counting sorts (bucket sizes are small integers). */
static void phf_group(struct phf_ctx *c, uint64_t seed, uint32_t nbuckets)
{
	uint32_t b, i, maxsize = 0;

	memset(c->start, 0, (nbuckets + 1) * sizeof(*c->start));
	for (i = 0; i < c->n; i++) {
		c->h[i] = phf_hash(c->keys[i], seed);
		c->start[phf_bucket_of(c->h[i], nbuckets) + 1]++;
	}
	for (b = 0; b < nbuckets; b++) {
		if (c->start[b + 1] > maxsize)
			maxsize = c->start[b + 1];
		c->start[b + 1] += c->start[b];
	}
	memcpy(c->count, c->start, nbuckets * sizeof(*c->count));
	for (i = 0; i < c->n; i++)
		c->by_bucket[c->count[phf_bucket_of(c->h[i], nbuckets)]++] = i;

	/* count[s] = number of buckets larger than s, then place largest first */
	memset(c->count, 0, (maxsize + 2) * sizeof(*c->count));
	for (b = 0; b < nbuckets; b++)
		c->count[maxsize - (c->start[b + 1] - c->start[b]) + 1]++;
	for (i = 1; i <= maxsize + 1; i++)
		c->count[i] += c->count[i - 1];
	for (b = 0; b < nbuckets; b++)
		c->order[c->count[maxsize - (c->start[b + 1] - c->start[b])]++] = b;
}

static bool phf_taken(const struct phf_ctx *c, uint32_t s)
{
	return c->taken[s / 64] >> (s % 64) & 1;
}

static void phf_flip(struct phf_ctx *c, uint32_t s)
{
	c->taken[s / 64] ^= UINT64_C(1) << (s % 64);
}

/* Find a pilot for bucket b that puts each of its keys on a free slot, the
 * keys on distinct slots; mark them taken. False when every pilot fails. */
static bool phf_place(struct phf_ctx *c, uint32_t b)
{
	uint32_t first = c->start[b], size = c->start[b + 1] - first, j, k;
	uint32_t pilot;

	for (pilot = 0; pilot < PHF_PILOTS; pilot++) {
		for (j = 0; j < size; j++) {
			c->pos[j] = phf_slot_of(c->h[c->by_bucket[first + j]],
						(uint16_t)pilot, c->shift);
			if (phf_taken(c, c->pos[j]))
				break;
			phf_flip(c, c->pos[j]);	/* also catches in-bucket clashes */
		}
		if (j == size) {
			c->pilots[b] = (uint16_t)pilot;
			for (k = 0; k < size; k++) {
				uint32_t key = c->by_bucket[first + k];

				c->slots[c->pos[k]].key = c->keys[key];
				c->slots[c->pos[k]].val = c->vals[key];
			}
			return true;
		}
		for (k = 0; k < j; k++)
			phf_flip(c, c->pos[k]);
	}
	return false;
}

static bool phf_try(struct phf_ctx *c, uint64_t seed, uint32_t nbuckets)
{
	uint32_t i, b;
	size_t s;

	phf_group(c, seed, nbuckets);
	memset(c->taken, 0, (c->nslots / 64 + 1) * sizeof(*c->taken));
	for (s = 0; s < c->nslots; s++) {
		c->slots[s].key = PHF_EMPTY_KEY;
		c->slots[s].val = PHF_NONE;
	}
	for (i = 0; i < nbuckets; i++) {
		b = c->order[i];
		c->pilots[b] = 0;
		if (c->start[b + 1] > c->start[b] && !phf_place(c, b))
			return false;
	}
	return true;
}

int phf_build(struct phf *p, const uint32_t *keys, const uint16_t *vals, size_t n)
{
	struct phf_ctx c = { .keys = keys, .vals = vals, .n = n };
	uint32_t log2 = 1, nbuckets, maxbuckets, attempt;
	size_t want = n + (n + 3) / 4;		/* load factor <= 0.8 */
	void *mem;
	int rc;

	memset(p, 0, sizeof(*p));
	if (n > PHF_MAX_KEYS)
		return -E2BIG;
	rc = phf_check_keys(keys, vals, n);
	if (rc < 0)
		return rc;
	while (((size_t)1 << log2) < want)
		log2++;
	c.nslots = (size_t)1 << log2;
	c.shift = 64 - log2;
	nbuckets = (uint32_t)((n + PHF_LAMBDA - 1) / PHF_LAMBDA);
	if (nbuckets == 0)
		nbuckets = 1;
	maxbuckets = n > 1 ? (uint32_t)n : 1;

	/* slots first: they need the stricter alignment */
	mem = malloc(c.nslots * sizeof(*c.slots) + maxbuckets * sizeof(*c.pilots));
	c.h = malloc((n + 1) * sizeof(*c.h));
	c.by_bucket = malloc((n + 1) * sizeof(*c.by_bucket));
	c.start = malloc((maxbuckets + 1) * sizeof(*c.start));
	c.order = malloc(maxbuckets * sizeof(*c.order));
	c.count = malloc((n + maxbuckets + 2) * sizeof(*c.count));
	c.pos = malloc((n + 1) * sizeof(*c.pos));
	c.taken = malloc((c.nslots / 64 + 1) * sizeof(*c.taken));
	rc = -ENOMEM;
	if (!mem || !c.h || !c.by_bucket || !c.start || !c.order || !c.count ||
	    !c.pos || !c.taken)
		goto out;
	c.slots = mem;
	c.pilots = (uint16_t *)(c.slots + c.nslots);

	rc = -EAGAIN;
	for (attempt = 0; attempt < PHF_MAX_ATTEMPTS; attempt++) {
		uint64_t seed = phf_hash(attempt, PHF_SEED0);

		/* More, smaller buckets are easier to place: grow them when
		 * seeds keep failing (the pilots array has room for n). */
		if (attempt && attempt % PHF_SEEDS_PER_SIZE == 0 &&
		    nbuckets * 2 <= maxbuckets)
			nbuckets *= 2;
		if (phf_try(&c, seed, nbuckets)) {
			p->seed = seed;
			p->nbuckets = nbuckets;
			p->shift = c.shift;
			p->pilots = c.pilots;
			p->slots = c.slots;
			p->mem = mem;
			mem = NULL;
			rc = 0;
			break;
		}
	}
out:
	free(mem);
	free(c.h);
	free(c.by_bucket);
	free(c.start);
	free(c.order);
	free(c.count);
	free(c.pos);
	free(c.taken);
	return rc;
}

void phf_free(struct phf *p)
{
	if (!p || !p->mem)
		return;
	free(p->mem);
	memset(p, 0, sizeof(*p));
}
