/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_tab.c - the correlator's tables: a chained hash over a slot array
 * with a least-recently-used list, fixed in size at corr_new(); and the pool
 * of 65536-bit maps that incidents borrow for exact distinct counts.
 * corr_int.h has the layout and the lookup that hits the hint. */
#include <stdlib.h>
#include <string.h>

#include "correlate/corr_tab.h"

uint32_t corr_addr32_v6(const struct corr *c, const uint8_t *a)
{
	uint64_t w[2];

	memcpy(w, a, 16);
	return (uint32_t)mix64(mix64(c->seed ^ w[0]) ^ w[1]);
}

/* corr_tab_init - allocate a table of cap entries; returns its bytes, 0 on ENOMEM. */
size_t corr_tab_init(struct corr_tab *t, uint32_t cap, size_t vsize)
{
	uint32_t nb = 1, i;

	/* Four buckets per entry at least: a lookup that misses (every
	 * record of a flood of new sources) then mostly finds its bucket
	 * empty, and the entry it evicts mostly alone on its chain, where at
	 * one per entry the walks' lengths were random and their loop
	 * branches mispredicted about 1.6 times per record (callgrind
	 * --branch-sim: 4.85 mispredicts per record down to 3.9, corrmicro
	 * random 98 to 85-87 ns); eight per entry did no better. */
	while (nb < 4 * (size_t)cap)
		nb <<= 1;
	/* A slot per cache line: a touch reads its line and no neighbour's. */
	t->slot = aligned_alloc(64, (size_t)cap * sizeof(*t->slot));
	t->link = malloc((size_t)cap * sizeof(*t->link));
	t->val = calloc(cap, vsize);
	t->bucket = malloc((size_t)nb * sizeof(*t->bucket));
	if (!t->slot || !t->link || !t->val || !t->bucket)
		return 0;
	memset(t->slot, 0, (size_t)cap * sizeof(*t->slot));
	for (i = 0; i < nb; i++)
		t->bucket[i] = CORR_NONE;
	for (i = 0; i < cap; i++)
		t->link[i].chain = i + 1 < cap ? i + 1 : CORR_NONE;
	t->nfree = 0;
	t->head = t->tail = t->hint = CORR_NONE;
	t->cap = cap;
	t->mask = nb - 1;
	t->vsize = vsize;
	t->used = 0;
	return (size_t)cap * (sizeof(*t->slot) + sizeof(*t->link) + vsize) +
	       (size_t)nb * sizeof(*t->bucket);
}

void corr_tab_fini(struct corr_tab *t)
{
	free(t->slot);
	free(t->link);
	free(t->val);
	free(t->bucket);
}

/* corr_tab_get() past the hint: corr_tab_miss() out of line. */
uint32_t corr_tab_get_slow(const struct corr *c, struct corr_tab *t, const struct corr_key *k,
			   uint64_t now, enum corr_got *got, uint64_t *old_last)
{
	return corr_tab_miss(c, t, k, now, got, old_last);
}

/* corr_tab_del - free entry i: off its chain and the LRU list, onto the free list. */
void corr_tab_del(struct corr_tab *t, uint32_t i)
{
	corr_chain_unlink(t, i);
	corr_lru_unlink(t, i);
	t->slot[i].key.kind = 0;	/* no kind: no hint can match it */
	t->link[i].chain = t->nfree;
	t->nfree = i;
	t->used--;
}

/* Forget entries idle for longer than keep_ns: the oldest are at the tail. */
void corr_tab_expire(struct corr_tab *t, uint64_t now, uint64_t keep_ns)
{
	while (t->tail != CORR_NONE && corr_since(now, t->slot[t->tail].last) > keep_ns)
		corr_tab_del(t, t->tail);
}

/* ---- pooled maps --------------------------------------------------------- */

uint32_t corr_big_get(struct corr *c)
{
	uint32_t i;

	if (!c->nbig_free)
		return CORR_NONE;
	i = c->big_free[--c->nbig_free];
	memset(c->big + (size_t)i * (CORR_BIG_BITS / 64), 0, CORR_BIG_BITS / 8);
	return i;
}

void corr_big_put(struct corr *c, uint32_t i)
{
	if (i != CORR_NONE)
		c->big_free[c->nbig_free++] = i;
}

