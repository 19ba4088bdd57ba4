/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringscan.h - every readable record of a ring, merged in time order.
 *
 * Every nflogctl command that lists records (read, alerts, top, report,
 * pcap, read --syslog) wants the same thing: the valid records of every
 * segment, oldest first, ordered by (ts_ns, segment, position). This module
 * copies them out of a reader; it prints nothing and keeps no state between
 * calls except the caller's per-segment cursors.
 */
#ifndef NFLOGD_RINGSCAN_H
#define NFLOGD_RINGSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "ring/ringread.h"

#define RINGSCAN_DROPS		0x1u	/* records of kind RING_KIND_DROP */
#define RINGSCAN_ALERTS		0x2u	/* records of kind RING_KIND_ALERT */

/* One record and where it came from. An alert is read through alert(). */
struct ringscan_item {
	struct ring_rec	rec;
	uint64_t	pos;
	uint32_t	seg;
};

/* What could not be read: overwritten before the copy, or damaged. */
struct ringscan_stats {
	uint64_t	lapped;
	uint64_t	damaged;
	uint64_t	*seg_lapped;	/* NULL, or one per segment: lapped added per segment */
};

/*
 * ringscan_collect - copy the valid records of every segment from cursor[s]
 * up to the segment's current head into a new array (*items, *n; free() it),
 * keeping those of the kinds asked for with ts_ns >= since_ns, sorted by
 * (ts_ns, seg, pos).
 *
 * cursor (one per segment) says where to start and is advanced to the heads,
 * so calling again returns only what is new; a cursor beyond its head (a new
 * file under the same name) restarts at the head, one further back than the
 * ring holds starts at the oldest slot (the skipped ones count as lapped).
 * cursor NULL: everything the ring holds. st may be NULL; else its counts
 * are added to. Returns 0, or -ENOMEM (nothing allocated).
 */
int ringscan_collect(const struct ring_reader *rr, uint64_t *cursor, uint64_t since_ns,
		     unsigned kinds, struct ringscan_item **items, size_t *n,
		     struct ringscan_stats *st);

/* What ringscan_each hands each record to: 0 to go on, else the scan stops
 * and returns it. it lives until fn returns. */
typedef int (*ringscan_fn)(void *arg, const struct ringscan_item *it);

/*
 * ringscan_each - ringscan_collect() without the array: the same records in
 * the same order, each copied when its turn comes and handed to fn. What it
 * keeps is a stamp per record (position and time, 24 bytes, not the 272 of
 * a copy), so a scan of the whole ring neither allocates nor touches a
 * second ring's worth of memory. A record overwritten between its stamp and
 * its copy counts as lapped. Cursors and counts as for ringscan_collect();
 * returns 0, -ENOMEM (nothing read), or what fn returned to stop.
 */
int ringscan_each(const struct ring_reader *rr, uint64_t *cursor, uint64_t since_ns,
		  unsigned kinds, ringscan_fn fn, void *arg, struct ringscan_stats *st);

/* ringscan_item_cmp - qsort() order of items: (ts_ns, seg, pos). */
int ringscan_item_cmp(const void *a, const void *b);

/* ringscan_alert - the item's record as an alert (kind RING_KIND_ALERT). */
void ringscan_alert(const struct ringscan_item *it, struct ring_alert *out);

#endif
