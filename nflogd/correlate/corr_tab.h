/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_tab.h - the correlator's tables (corr_tab.c): hashing, chains, LRU
 * eviction, expiry, the pooled maps, and the inline lookup that hits.
 * Internal to nflogd/correlate/. */
#ifndef NFLOGD_CORR_TAB_H
#define NFLOGD_CORR_TAB_H

#include "correlate/corr_int.h"

/* corr_tab.c: corr_addr32() of an IPv6 address. Pure, so that what the
 * caller loaded before the call stays valid after it. */
uint32_t corr_addr32_v6(const struct corr *c, const uint8_t *a) __attribute__((pure));

/* An address as 32 bits: the IPv4 address itself (so its low 16 bits index
 * a /16 exactly), or a keyed hash of an IPv6 one. */
static inline uint32_t corr_addr32(const struct corr *c, unsigned family, const uint8_t *a)
{
	uint32_t v;

	if (family != 4)
		return corr_addr32_v6(c, a);
	memcpy(&v, a, 4);
	return ntohl(v);
}

/* ---- tables (corr_tab.c) ------------------------------------------------- */

/* corr_tab_init - allocate a table of cap entries; returns its bytes, 0 on ENOMEM. */
size_t corr_tab_init(struct corr_tab *t, uint32_t cap, size_t vsize);
void corr_tab_fini(struct corr_tab *t);
/* corr_tab_del - free entry i. */
void corr_tab_del(struct corr_tab *t, uint32_t i);
/* Forget entries idle for longer than keep_ns: the oldest are at the tail. */
void corr_tab_expire(struct corr_tab *t, uint64_t now, uint64_t keep_ns);

/* Pooled maps: corr_big_get() takes a cleared one, CORR_NONE when none is
 * left; corr_big_put() gives one back (CORR_NONE: nothing). */
uint32_t corr_big_get(struct corr *c);
void corr_big_put(struct corr *c, uint32_t i);

/* Set a bit of pooled map i; false if it was set. */
static inline bool corr_big_set(struct corr *c, uint32_t i, uint32_t bit)
{
	return corr_map_set(c->big + (size_t)i * (CORR_BIG_BITS / 64), bit % CORR_BIG_BITS);
}

static inline void *corr_tab_val(const struct corr_tab *t, uint32_t i)
{
	return (void *)((char *)t->val + (size_t)i * t->vsize);
}

CORR_HOT void corr_lru_unlink(struct corr_tab *t, uint32_t i)
{
	struct corr_slot *s = &t->slot[i];

	if (s->newer != CORR_NONE)
		t->slot[s->newer].older = s->older;
	else
		t->head = s->older;
	if (s->older != CORR_NONE)
		t->slot[s->older].newer = s->newer;
	else
		t->tail = s->newer;
}

CORR_HOT void corr_lru_push(struct corr_tab *t, uint32_t i)
{
	t->slot[i].newer = CORR_NONE;
	t->slot[i].older = t->head;
	if (t->head != CORR_NONE)
		t->slot[t->head].newer = i;
	else
		t->tail = i;
	t->head = i;
}

CORR_HOT uint32_t corr_tab_find(const struct corr_tab *t, const struct corr_key *k, uint32_t h)
{
	uint32_t i;

	for (i = t->bucket[h & t->mask]; i != CORR_NONE; i = t->link[i].chain)
		if (t->link[i].hash == h && corr_key_eq(&t->slot[i].key, k))
			return i;
	return CORR_NONE;
}

/* Make entry i the most recent. */
CORR_HOT void corr_tab_touch(struct corr_tab *t, uint32_t i, uint64_t now)
{
	if (t->head != i) {
		corr_lru_unlink(t, i);
		corr_lru_push(t, i);
	}
	t->slot[i].last = corr_max64(t->slot[i].last, now);
}

CORR_HOT void corr_chain_unlink(struct corr_tab *t, uint32_t i)
{
	uint32_t *p = &t->bucket[t->link[i].hash & t->mask];

	while (*p != i)
		p = &t->link[*p].chain;
	*p = t->link[i].chain;
}

/* corr_tab_get() past the hint: hash, search the chain, else insert. */
CORR_HOT uint32_t corr_tab_miss(const struct corr *c, struct corr_tab *t, const struct corr_key *k,
				uint64_t now, enum corr_got *got, uint64_t *old_last)
{
	uint32_t h = corr_hash(c, k), i = corr_tab_find(t, k, h);

	if (i != CORR_NONE) {
		t->hint = i;
		corr_tab_touch(t, i, now);
		*got = CORR_FOUND;
		return i;
	}
	if (t->nfree != CORR_NONE) {
		i = t->nfree;
		t->nfree = t->link[i].chain;
		t->used++;
		*got = CORR_NEW;
	} else {
		i = t->tail;
		*old_last = t->slot[i].last;
		corr_chain_unlink(t, i);
		corr_lru_unlink(t, i);
		*got = CORR_REUSED;
	}
	t->slot[i].key = *k;
	t->link[i].hash = h;
	t->link[i].chain = t->bucket[h & t->mask];
	t->bucket[h & t->mask] = i;
	t->slot[i].last = now;
	corr_lru_push(t, i);
	t->hint = i;
	return i;
}

/* corr_tab_miss(), out of line: what most lookups call. */
uint32_t corr_tab_get_slow(const struct corr *c, struct corr_tab *t, const struct corr_key *k,
			   uint64_t now, enum corr_got *got, uint64_t *old_last);

/*
 * corr_tab_get - the entry for k, made most recent. A new entry's value is
 * left as it was (the caller clears it); when the table was full the least
 * recent entry is reused: *got = CORR_REUSED, its old value still in place
 * and *old_last its last touch.
 *
 * Records come in bursts of one source, one target, one scan: the entry
 * the last lookup ended on (the hint) is often the one wanted, and one key
 * compare inline is cheaper than a call and a hash. A free slot never
 * matches (corr_tab_del clears its kind).
 */
CORR_HOT uint32_t corr_tab_get(const struct corr *c, struct corr_tab *t, const struct corr_key *k,
			       uint64_t now, enum corr_got *got, uint64_t *old_last)
{
	uint32_t i = t->hint;

	if (i != CORR_NONE && corr_key_eq(&t->slot[i].key, k)) {
		corr_tab_touch(t, i, now);
		*got = CORR_FOUND;
		return i;
	}
	return corr_tab_get_slow(c, t, k, now, got, old_last);
}

/* corr_tab_get() with the miss inline: for the source table, which a flood
 * of new sources misses on every record (the call cost 25 instructions). */
CORR_HOT uint32_t corr_tab_get_inline(const struct corr *c, struct corr_tab *t,
				      const struct corr_key *k, uint64_t now, enum corr_got *got,
				      uint64_t *old_last)
{
	uint32_t i = t->hint;

	if (i != CORR_NONE && corr_key_eq(&t->slot[i].key, k)) {
		corr_tab_touch(t, i, now);
		*got = CORR_FOUND;
		return i;
	}
	return corr_tab_miss(c, t, k, now, got, old_last);
}

/* Look a key up, creating (and clearing) its value when missing. */
CORR_HOT void *corr_state(struct corr *c, struct corr_tab *t, const struct corr_key *k,
			  enum corr_got *got)
{
	uint64_t old_last = 0;
	uint32_t i = corr_tab_get(c, t, k, c->now, got, &old_last);
	void *v = corr_tab_val(t, i);

	if (*got != CORR_FOUND)
		memset(v, 0, t->vsize);
	return v;
}

#endif
