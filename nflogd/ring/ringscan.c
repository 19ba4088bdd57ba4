/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringscan.c - every readable record of a ring, merged in time order. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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

/* The items to order: n of size bytes at v, compared by cmp (the same
 * order whether they are whole records or only their stamps). */
struct ringscan_vec {
	char	*v;
	size_t	 n, size;
	int	(*cmp)(const void *, const void *);
};

/* The copy is usually in order already: one segment (the daemon with one
 * group, or alerts alone), or segments whose times do not interleave. Then
 * a linear check is all the sort costs (qsort of 272-byte items was a tenth
 * of `nflogctl read`); order is judged by the comparator, so the result
 * is the same either way. */
static bool ringscan_sorted(const struct ringscan_vec *a, size_t from, size_t to)
{
	size_t i;

	for (i = from + 1; i < to; i++)
		if (a->cmp(a->v + (i - 1) * a->size, a->v + i * a->size) > 0)
			return false;
	return true;
}

#define RINGSCAN_MERGE_MAX	16u	/* more segments than this: qsort */

/* The runs v[start[s]..start[s + 1]) are each in order: merged into a new
 * array (a record costs one comparison per segment, not qsort's ~log2(n)
 * comparisons and moves of 272 bytes). NULL when there is no memory. */
static char *ringscan_merge(const struct ringscan_vec *a, const size_t *start, uint32_t nsegs)
{
	char *w = malloc((a->n ? a->n : 1) * a->size);
	size_t at[RINGSCAN_MERGE_MAX], k;
	uint32_t s;

	if (!w)
		return NULL;
	for (s = 0; s < nsegs; s++)
		at[s] = start[s];
	for (k = 0; k < a->n; k++) {
		uint32_t best = nsegs;

		for (s = 0; s < nsegs; s++)
			if (at[s] < start[s + 1] &&
			    (best == nsegs ||
			     a->cmp(a->v + at[s] * a->size, a->v + at[best] * a->size) < 0))
				best = s;
		memcpy(w + k * a->size, a->v + at[best]++ * a->size, a->size);
	}
	return w;
}

/* a->v[0..n) in (ts_ns, seg, pos) order, as cheaply as its runs allow (one
 * per segment, start[] as above); a->v is then the array holding them, the
 * same or a new one (the old one freed). */
static void ringscan_order(struct ringscan_vec *a, const size_t *start, uint32_t nsegs)
{
	char *w;
	uint32_t s;

	if (ringscan_sorted(a, 0, a->n))
		return;
	for (s = 0; s < nsegs && nsegs <= RINGSCAN_MERGE_MAX; s++)
		if (!ringscan_sorted(a, start[s], start[s + 1]))
			break;
	if (nsegs <= RINGSCAN_MERGE_MAX && s == nsegs && (w = ringscan_merge(a, start, nsegs))) {
		free(a->v);
		a->v = w;
		return;
	}
	qsort(a->v, a->n, a->size, a->cmp);
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

/* What a scan covers: per segment from[s]..to[s], and the positions before
 * from[s] already overwritten (counted as lapped). */
struct ringscan_span {
	uint32_t  nsegs;
	uint64_t *from, *to;
	size_t	 *start;	/* nsegs + 1: where each segment's items begin */
	uint64_t  total;	/* positions to read */
	uint64_t  lapped, damaged;
};

static void ringscan_span_free(struct ringscan_span *sp)
{
	free(sp->from);
	free(sp->to);
	free(sp->start);
}

/* The span of a scan from cursor (NULL: everything the ring holds); 0 or
 * -ENOMEM (nothing allocated). */
static int ringscan_span(const struct ring_reader *rr, const uint64_t *cursor,
			 struct ringscan_stats *st, struct ringscan_span *sp)
{
	uint64_t slots = ringread_slots(rr);
	uint32_t s;

	*sp = (struct ringscan_span){ .nsegs = ringread_nsegs(rr) };
	sp->from = calloc(sp->nsegs, sizeof(*sp->from));
	sp->to = calloc(sp->nsegs, sizeof(*sp->to));
	sp->start = calloc((size_t)sp->nsegs + 1, sizeof(*sp->start));
	if (!sp->from || !sp->to || !sp->start) {
		ringscan_span_free(sp);
		return -ENOMEM;
	}
	for (s = 0; s < sp->nsegs; s++) {
		uint64_t oldest, *from = &sp->from[s];

		sp->to[s] = ringread_head(rr, s);
		oldest = sp->to[s] > slots ? sp->to[s] - slots : 0;
		*from = cursor ? cursor[s] : oldest;
		if (*from > sp->to[s])
			*from = sp->to[s];
		if (*from < oldest) {
			sp->lapped += oldest - *from;
			if (st && st->seg_lapped)
				st->seg_lapped[s] += oldest - *from;
			*from = oldest;
		}
		sp->total += sp->to[s] - *from;
	}
	return 0;
}

static void ringscan_span_done(struct ringscan_span *sp, uint64_t *cursor,
			       struct ringscan_stats *st)
{
	uint32_t s;

	for (s = 0; cursor && s < sp->nsegs; s++)
		cursor[s] = sp->to[s];
	if (st) {
		st->lapped += sp->lapped;
		st->damaged += sp->damaged;
	}
	ringscan_span_free(sp);
}

/* Copy the record at (seg, pos) into *it: true when it can be trusted (the
 * others are counted as they were read). */
static bool ringscan_get(const struct ring_reader *rr, uint32_t seg, uint64_t pos,
			 struct ringscan_item *it, struct ringscan_span *sp,
			 struct ringscan_stats *st)
{
	switch (ringread_get(rr, seg, pos, &it->rec)) {
	case RINGREAD_OK:
		it->pos = pos;
		it->seg = seg;
		return true;
	case RINGREAD_LAPPED:
		sp->lapped++;
		if (st && st->seg_lapped)
			st->seg_lapped[seg]++;
		return false;
	default:
		sp->damaged++;
		return false;
	}
}

int ringscan_collect(const struct ring_reader *rr, uint64_t *cursor, uint64_t since_ns,
		     unsigned kinds, struct ringscan_item **items, size_t *n,
		     struct ringscan_stats *st)
{
	struct ringscan_span sp;
	struct ringscan_vec a = { .size = sizeof(struct ringscan_item), .cmp = ringscan_item_cmp };
	struct ringscan_item *v;
	uint32_t s;
	size_t k = 0;

	*items = NULL;
	*n = 0;
	if (ringscan_span(rr, cursor, st, &sp) < 0)
		return -ENOMEM;
	v = malloc((sp.total ? sp.total : 1) * sizeof(*v));
	if (!v) {
		ringscan_span_free(&sp);
		return -ENOMEM;
	}
	for (s = 0; s < sp.nsegs; s++) {
		uint64_t pos;

		sp.start[s] = k;
		for (pos = sp.from[s]; pos < sp.to[s]; pos++)
			if (ringscan_get(rr, s, pos, &v[k], &sp, st) &&
			    ringscan_wanted(&v[k].rec, since_ns, kinds))
				k++;
	}
	sp.start[sp.nsegs] = k;
	a.v = (char *)v;
	a.n = k;
	ringscan_order(&a, sp.start, sp.nsegs);
	*items = (struct ringscan_item *)(void *)a.v;
	*n = k;
	ringscan_span_done(&sp, cursor, st);
	return 0;
}

/* (ts_ns, seg, pos), the order of ringscan_item_cmp, for stamps. */
static int ringscan_stamp_cmp(const void *a, const void *b)
{
	const struct ringread_stamp *x = a, *y = b;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	if (x->seg != y->seg)
		return x->seg < y->seg ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

#define RINGSCAN_AHEAD	8	/* records prefetched ahead of the copy */

/* Copy and hand over the stamped records in their order. A record whose
 * time or kind is not what its stamp said was rewritten in place without
 * its commit word changing: not the record that was ordered, so damaged. */
static int ringscan_each_run(const struct ring_reader *rr, const struct ringread_stamp *v,
			     size_t n, uint64_t since_ns, unsigned kinds, ringscan_fn fn,
			     void *arg, struct ringscan_span *sp, struct ringscan_stats *st)
{
	struct ringscan_item it;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (i + RINGSCAN_AHEAD < n)
			ringread_prefetch(rr, v[i + RINGSCAN_AHEAD].seg, v[i + RINGSCAN_AHEAD].pos);
		if (!ringscan_get(rr, v[i].seg, v[i].pos, &it, sp, st))
			continue;
		if (it.rec.ts_ns != v[i].ts_ns || it.rec.kind != v[i].kind) {
			sp->damaged++;
			continue;
		}
		if (ringscan_wanted(&it.rec, since_ns, kinds) && (rc = fn(arg, &it)) != 0)
			return rc;
	}
	return 0;
}

int ringscan_each(const struct ring_reader *rr, uint64_t *cursor, uint64_t since_ns,
		  unsigned kinds, ringscan_fn fn, void *arg, struct ringscan_stats *st)
{
	struct ringscan_vec a = { .size = sizeof(struct ringread_stamp), .cmp = ringscan_stamp_cmp };
	struct ringscan_span sp;
	struct ringread_stamp *v;
	uint32_t s;
	size_t k = 0;
	int rc;

	if (ringscan_span(rr, cursor, st, &sp) < 0)
		return -ENOMEM;
	v = malloc((sp.total ? sp.total : 1) * sizeof(*v));
	if (!v) {
		ringscan_span_free(&sp);
		return -ENOMEM;
	}
	for (s = 0; s < sp.nsegs; s++) {
		uint64_t lapped = 0;

		sp.start[s] = k;
		k += ringread_stamps(rr, s, sp.from[s], sp.to[s], v + k, &lapped, &sp.damaged);
		sp.lapped += lapped;
		if (st && st->seg_lapped)
			st->seg_lapped[s] += lapped;
	}
	sp.start[sp.nsegs] = k;
	a.v = (char *)v;
	a.n = k;
	ringscan_order(&a, sp.start, sp.nsegs);
	v = (struct ringread_stamp *)(void *)a.v;
	rc = ringscan_each_run(rr, v, k, since_ns, kinds, fn, arg, &sp, st);
	free(v);
	ringscan_span_done(&sp, cursor, st);
	return rc;
}

void ringscan_alert(const struct ringscan_item *it, struct ring_alert *out)
{
	union ring_slot u = { .rec = it->rec };

	*out = u.alert;
}
