/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringscan.c - every readable record of a ring, merged in time order. */
#include <errno.h>
#include <stdbool.h>
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

/* The copy is usually in order already: one segment (the daemon with one
 * group, or alerts alone), or segments whose times do not interleave. Then
 * a linear check is all the sort costs (qsort of 272-byte items was a tenth
 * of `nflogctl read`); order is judged by ringscan_item_cmp, so the result
 * is the same either way. */
static bool ringscan_sorted(const struct ringscan_item *v, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (ringscan_item_cmp(&v[i - 1], &v[i]) > 0)
			return false;
	return true;
}

#define RINGSCAN_MERGE_MAX	16u	/* more segments than this: qsort */

/* The runs v[start[s]..start[s + 1]) are each in order: merged into a new
 * array (a record costs one comparison per segment, not qsort's ~log2(n)
 * comparisons and moves of 272 bytes). NULL when there is no memory. */
static struct ringscan_item *ringscan_merge(const struct ringscan_item *v, size_t n,
					    const size_t *start, uint32_t nsegs)
{
	struct ringscan_item *w = malloc((n ? n : 1) * sizeof(*w));
	size_t at[RINGSCAN_MERGE_MAX], k;
	uint32_t s;

	if (!w)
		return NULL;
	for (s = 0; s < nsegs; s++)
		at[s] = start[s];
	for (k = 0; k < n; k++) {
		uint32_t best = nsegs;

		for (s = 0; s < nsegs; s++)
			if (at[s] < start[s + 1] &&
			    (best == nsegs || ringscan_item_cmp(&v[at[s]], &v[at[best]]) < 0))
				best = s;
		w[k] = v[at[best]++];
	}
	return w;
}

/* v[0..n) in (ts_ns, seg, pos) order, as cheaply as its runs allow (one per
 * segment, start[] as above); returns the array holding them, v or a new
 * one (v then freed). The order is ringscan_item_cmp's either way. */
static struct ringscan_item *ringscan_order(struct ringscan_item *v, size_t n,
					    const size_t *start, uint32_t nsegs)
{
	struct ringscan_item *w;
	uint32_t s;

	if (ringscan_sorted(v, n))
		return v;
	for (s = 0; s < nsegs && nsegs <= RINGSCAN_MERGE_MAX; s++)
		if (!ringscan_sorted(v + start[s], start[s + 1] - start[s]))
			break;
	if (nsegs <= RINGSCAN_MERGE_MAX && s == nsegs && (w = ringscan_merge(v, n, start, nsegs))) {
		free(v);
		return w;
	}
	qsort(v, n, sizeof(*v), ringscan_item_cmp);
	return v;
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
	size_t k = 0, *start;

	*items = NULL;
	*n = 0;
	from = calloc(nsegs, sizeof(*from));
	to = calloc(nsegs, sizeof(*to));
	start = calloc((size_t)nsegs + 1, sizeof(*start));
	if (!from || !to || !start)
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

		start[s] = k;
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
	start[nsegs] = k;
	free(from);
	free(to);
	v = ringscan_order(v, k, start, nsegs);
	free(start);
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
	free(start);
	return -ENOMEM;
}

void ringscan_alert(const struct ringscan_item *it, struct ring_alert *out)
{
	union ring_slot u = { .rec = it->rec };

	*out = u.alert;
}
