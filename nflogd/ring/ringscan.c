/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringscan.c - every readable record of a ring, merged in time order. */
#include <errno.h>
#include <stdlib.h>

#include "ring/ringscan.h"

int ringscan_item_cmp(const void *a, const void *b)
{
	const struct ringscan_item *x = a, *y = b;

	if (x->rec.ts_ns != y->rec.ts_ns)
		return x->rec.ts_ns < y->rec.ts_ns ? -1 : 1;
	if (x->seg != y->seg)
		return x->seg < y->seg ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int ringscan_wanted(const struct ring_rec *r, uint64_t since_ns, unsigned kinds)
{
	if (r->ts_ns < since_ns)
		return 0;
	if (r->kind == RING_KIND_DROP)
		return !!(kinds & RINGSCAN_DROPS);
	if (r->kind == RING_KIND_ALERT)
		return !!(kinds & RINGSCAN_ALERTS);
	return 0;
}

int ringscan_collect(const struct ring_reader *rr, uint64_t *cursor, uint64_t since_ns,
		     unsigned kinds, struct ringscan_item **items, size_t *n,
		     struct ringscan_stats *st)
{
	uint32_t s, nsegs = ringread_nsegs(rr);
	uint64_t slots = ringread_slots(rr), total = 0, lapped = 0, damaged = 0;
	uint64_t *from, *to;
	struct ringscan_item *v;
	size_t k = 0;

	*items = NULL;
	*n = 0;
	from = calloc(nsegs, sizeof(*from));
	to = calloc(nsegs, sizeof(*to));
	if (!from || !to)
		goto nomem;
	for (s = 0; s < nsegs; s++) {
		uint64_t oldest;

		to[s] = ringread_head(rr, s);
		oldest = to[s] > slots ? to[s] - slots : 0;
		from[s] = cursor ? cursor[s] : oldest;
		if (from[s] > to[s])
			from[s] = to[s];
		if (from[s] < oldest) {
			lapped += oldest - from[s];
			if (st && st->seg_lapped)
				st->seg_lapped[s] += oldest - from[s];
			from[s] = oldest;
		}
		total += to[s] - from[s];
	}
	v = malloc((total ? total : 1) * sizeof(*v));
	if (!v)
		goto nomem;
	for (s = 0; s < nsegs; s++) {
		uint64_t pos;

		for (pos = from[s]; pos < to[s]; pos++) {
			struct ringscan_item *it = &v[k];

			switch (ringread_get(rr, s, pos, &it->rec)) {
			case RINGREAD_OK:
				if (!ringscan_wanted(&it->rec, since_ns, kinds))
					break;
				it->pos = pos;
				it->seg = s;
				k++;
				break;
			case RINGREAD_LAPPED:
				lapped++;
				if (st && st->seg_lapped)
					st->seg_lapped[s]++;
				break;
			default:
				damaged++;
				break;
			}
		}
		if (cursor)
			cursor[s] = to[s];
	}
	free(from);
	free(to);
	qsort(v, k, sizeof(*v), ringscan_item_cmp);
	*items = v;
	*n = k;
	if (st) {
		st->lapped += lapped;
		st->damaged += damaged;
	}
	return 0;
nomem:
	free(from);
	free(to);
	return -ENOMEM;
}

void ringscan_alert(const struct ringscan_item *it, struct ring_alert *out)
{
	union ring_slot u = { .rec = it->rec };

	*out = u.alert;
}
