/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_src.c - per-source state, the part that does not run per record:
 * opening the STATE_FULL incident, and finding a source's state for the
 * decoy heuristics. corr_src.h has the rest. */
#include <string.h>

#include "correlate/corr_src.h"

struct corr_inc *corr_state_full_open(struct corr *c)
{
	struct corr_inc *inc;
	struct corr_key k;

	corr_key_set(&k, RING_ALERT_STATE_FULL, 0, NULL, NULL, 0, 0, 0);
	inc = corr_inc_new(c, &k, RING_ALERT_STATE_FULL, 0, c->now, 0);
	c->full_inc = c->inc.hint;	/* corr_tab_get() left it there */
	inc->base = c->src_created - 1;
	inc->a.verdict = KB_VERDICT_SUSPICIOUS;
	return inc;
}

const struct corr_src *corr_src_find(const struct corr *c, unsigned family, const uint8_t *addr)
{
	struct corr_key k;
	uint32_t i;

	corr_key_set(&k, CORR_K_SRC, family, addr, NULL, 0, 0, 0);
	i = corr_tab_find(&c->src, &k, corr_hash(c, &k));
	return i == CORR_NONE ? NULL : corr_tab_val(&c->src, i);
}

/*
 * A decoy group's evidence looks up every member's state for every record
 * of the group: a key to build and hash each time, 85 instructions per
 * record of the mix stream (tests/bench/corrmicro). The slot the member's
 * state was in is almost always where it still is; a slot holds the state
 * of a source exactly when its key says so (a source key has nothing but
 * the kind, the family and the address), so trying it first finds what
 * corr_src_find() would.
 */
const struct corr_src *corr_src_find_at(const struct corr *c, unsigned family,
					const uint8_t *addr, uint32_t i)
{
	const struct corr_key *k;

	if (i < c->src.cap) {
		k = &c->src.slot[i].key;
		if (k->kind == CORR_K_SRC && k->family == family && !memcmp(k->a, addr, 16))
			return corr_tab_val(&c->src, i);
	}
	return corr_src_find(c, family, addr);
}
