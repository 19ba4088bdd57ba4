/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corrthread.c - the correlator's thread.
 *
 * It reads the capture segments exactly as nflogctl does (ringread: acquire
 * the head, copy, check the commit word; the CRC is left to readers in other
 * processes, see ringread_get_live), so the capture threads never wait for
 * it and never know it exists; if it falls a whole ring behind, the records
 * it missed are counted, not waited for. Each round stamps a bounded chunk
 * of every segment (position, time, kind), merges the stamps into time order
 * and feeds the records, each copied as it is fed, to the correlator; alerts are appended to the alert segment, of which this thread
 * is the only writer.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "correlate/corrthread.h"
#include "ring/ring.h"
#include "ring/ringread.h"

#define CORR_CHUNK	8192	/* records per round, all segments together */
#define CORR_POLL_MS	100	/* ms between rounds when idle */

struct corrthread {
	struct ring_writer	 w;		/* the alert segment */
	struct ring_reader	*rr;
	struct corr		*corr;
	const int		*stop;
	uint32_t		 nsegs;		/* capture segments */
	uint64_t		*cursor;
	/* The round's records as found (position, time, kind): each record is
	 * copied only when it is fed (corrthread_feed), so a round of 8192
	 * keeps 192 KiB of stamps in the cache where a copy of them all took
	 * 2 MiB, written and read back, out of the correlator's own tables'
	 * way. */
	struct ringread_stamp	*stamp;
	struct ring_rec		*rec;		/* the record being fed */
	/* Runs of the stamps already in time order, for the merge: run k is
	 * stamp[run_pos[k] .. run_end[k]), all of segment run_seg[k]; heap
	 * holds the runs not yet done. */
	uint32_t		*run_seg;
	uint32_t		*run_pos;
	uint32_t		*run_end;
	uint32_t		*heap;
	pthread_t		 tid;
	int			 started;
};

static void corrthread_emit(const struct ring_alert *alert, void *arg)
{
	struct corrthread *t = arg;
	union {
		struct ring_rec	  rec;
		struct ring_alert alert;
	} slot;

	slot.alert = *alert;
	ring_append(&t->w, &slot.rec);
	ring_ctr_add(t->w.hdr, RING_CTR_ALERTS, 1);
}

/* Which run's next record goes first: the earlier one, and on a tie the
 * run that came first in the round, so the order is that of a stable sort. */
static int corrthread_before(const struct corrthread *t, uint32_t a, uint32_t b)
{
	uint64_t x = t->stamp[t->run_pos[a]].ts_ns, y = t->stamp[t->run_pos[b]].ts_ns;

	return x < y || (x == y && a < b);
}

static void corrthread_sift(struct corrthread *t, uint32_t n, uint32_t i)
{
	uint32_t top = t->heap[i], kid;

	while ((kid = 2 * i + 1) < n) {
		if (kid + 1 < n && corrthread_before(t, t->heap[kid + 1], t->heap[kid]))
			kid++;
		if (!corrthread_before(t, t->heap[kid], top))
			break;
		t->heap[i] = t->heap[kid];
		i = kid;
	}
	t->heap[i] = top;
}

/* Copy the record of stamp i (of segment seg) and feed it; one that the
 * writer overwrote since it was stamped (the correlator was lapped) is
 * skipped, as one found overwritten when stamped is. */
static void corrthread_feed(struct corrthread *t, uint32_t seg, uint32_t i)
{
	if (ringread_get_live_head(t->rr, seg, t->stamp[i].pos, t->rec))
		corr_feed(t->corr, t->rec, corrthread_emit, t);
}

/* Two runs (two segments in order, the common case): no heap, one compare
 * per record; a tie goes to run a, which came first in the round. */
static void corrthread_merge2(struct corrthread *t, uint32_t a, uint32_t ea, uint32_t b,
			      uint32_t eb)
{
	const struct ringread_stamp *c = t->stamp;
	uint32_t sa = t->run_seg[0], sb = t->run_seg[1];

	while (a < ea && b < eb) {
		if (c[b].ts_ns < c[a].ts_ns)
			corrthread_feed(t, sb, b++);
		else
			corrthread_feed(t, sa, a++);
	}
	for (; a < ea; a++)
		corrthread_feed(t, sa, a);
	for (; b < eb; b++)
		corrthread_feed(t, sb, b);
}

/*
 * Feed the round's nruns runs in time order. Each segment has one writer
 * that stamps its records as they come, so a segment is one run or a few:
 * merging them costs a heap step per record where sorting 256-byte records
 * moved each one about log2(n) times; one run (one segment, a quiet round)
 * needs no ordering at all.
 */
static void corrthread_merge(struct corrthread *t, uint32_t nruns)
{
	uint32_t i, k;

	if (nruns == 2) {
		corrthread_merge2(t, t->run_pos[0], t->run_end[0], t->run_pos[1], t->run_end[1]);
		return;
	}
	for (i = nruns / 2; i-- > 0;)
		corrthread_sift(t, nruns, i);
	while (nruns > 1) {
		k = t->heap[0];
		corrthread_feed(t, t->run_seg[k], t->run_pos[k]++);
		if (t->run_pos[k] == t->run_end[k])
			t->heap[0] = t->heap[--nruns];
		corrthread_sift(t, nruns, 0);
	}
	if (nruns) {
		k = t->heap[0];
		for (i = t->run_pos[k]; i < t->run_end[k]; i++)
			corrthread_feed(t, t->run_seg[k], i);
	}
}

static uint64_t corrthread_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One round: returns how many records were fed. */
static size_t corrthread_round(struct corrthread *t)
{
	uint64_t slots = ringread_slots(t->rr), per = CORR_CHUNK / t->nsegs, head, pos, end;
	uint32_t s, n = 0, nruns = 0, seg0, i, k = 0, got;

	for (s = 0; s < t->nsegs; s++) {
		head = ringread_head(t->rr, s);
		if (head < t->cursor[s])		/* cannot happen with one writer; be safe */
			t->cursor[s] = head;
		if (head - t->cursor[s] > slots) {
			ring_ctr_add(t->w.hdr, RING_CTR_CORR_LAPPED, head - slots - t->cursor[s]);
			t->cursor[s] = head - slots;
		}
		seg0 = n;
		end = head - t->cursor[s] < per ? head : t->cursor[s] + per;
		pos = t->cursor[s];
		got = ringread_stamps_live(t->rr, s, &pos, end, &t->stamp[n]);
		t->cursor[s] = pos;
		for (i = n; i < n + got; i++) {
			if (t->stamp[i].kind != RING_KIND_DROP)
				continue;
			if (i != k)	/* a record of another kind was dropped before it */
				t->stamp[k] = t->stamp[i];
			/* A run ends where the segment does or time steps back. */
			if (k == seg0 || t->stamp[k].ts_ns < t->stamp[k - 1].ts_ns) {
				if (nruns)
					t->run_end[nruns - 1] = k;
				t->run_seg[nruns] = s;
				t->run_pos[nruns] = k;
				t->heap[nruns] = nruns;
				nruns++;
			}
			k++;
		}
		n = k;
	}
	if (nruns)
		t->run_end[nruns - 1] = n;
	corrthread_merge(t, nruns);
	corr_tick(t->corr, corrthread_now(), corrthread_emit, t);
	ring_ctr_set(t->w.hdr, RING_CTR_CORR_EVICTED, corr_evictions(t->corr));
	ring_publish(&t->w);
	return n;
}

static void *corrthread_main(void *arg)
{
	struct corrthread *t = arg;
	struct timespec pause = { 0, CORR_POLL_MS * 1000000L };

	while (!__atomic_load_n(t->stop, __ATOMIC_RELAXED)) {
		if (corrthread_round(t) < CORR_CHUNK / 2)
			nanosleep(&pause, NULL);
	}
	return NULL;
}

/* Free t, its correlator and its buffers; the reader is closed apart (in
 * corrthread_new it may come without a t). */
static void corrthread_free(struct corrthread *t)
{
	corr_free(t->corr);
	free(t->stamp);
	free(t->rec);
	free(t->run_seg);
	free(t->run_pos);
	free(t->run_end);
	free(t->heap);
	free(t->cursor);
	free(t);
}

struct corrthread *corrthread_new(struct ring *ring, struct ring_reader *rr,
				  const struct corr_cfg *cfg, const struct kb *kb,
				  uint32_t id_base, const int *stop)
{
	struct corrthread *t = calloc(1, sizeof(*t));
	uint32_t s;

	if (!t)
		goto fail;
	t->rr = rr;
	t->stop = stop;
	t->nsegs = ringread_nsegs(rr) - 1;
	t->cursor = calloc(t->nsegs ? t->nsegs : 1, sizeof(*t->cursor));
	t->stamp = malloc(CORR_CHUNK * sizeof(*t->stamp));
	/* calloc: ringread_get_live_head() leaves raw[] and hw of the record as
	 * they were, and nothing should ever read them uninitialised. */
	t->rec = calloc(1, sizeof(*t->rec));
	t->run_seg = malloc(CORR_CHUNK * sizeof(*t->run_seg));
	t->run_pos = malloc(CORR_CHUNK * sizeof(*t->run_pos));
	t->run_end = malloc(CORR_CHUNK * sizeof(*t->run_end));
	t->heap = malloc(CORR_CHUNK * sizeof(*t->heap));
	t->corr = corr_new(cfg, kb, id_base);
	if (!t->nsegs || !t->cursor || !t->stamp || !t->rec || !t->run_seg || !t->run_pos || !t->run_end || !t->heap ||
	    !t->corr)
		goto fail;
	for (s = 0; s < t->nsegs; s++)
		t->cursor[s] = ringread_head(rr, s);
	ring_writer_init_alerts(ring, &t->w, t->nsegs);
	return t;
fail:
	if (t)
		corrthread_free(t);
	ringread_close(rr);
	errno = ENOMEM;
	return NULL;
}

int corrthread_start(struct corrthread *t)
{
	int rc = pthread_create(&t->tid, NULL, corrthread_main, t);

	if (rc)
		return -rc;
	pthread_setname_np(t->tid, "nflogd-corr");
	t->started = 1;
	return 0;
}

void corrthread_join(struct corrthread *t)
{
	if (!t)
		return;
	if (t->started)
		pthread_join(t->tid, NULL);
	/* The capture threads have drained by now: take their last records,
	 * then close what is open so every incident ends with its final state. */
	corrthread_round(t);
	corr_flush(t->corr, corrthread_emit, t);
	ring_publish(&t->w);
	ringread_close(t->rr);
	corrthread_free(t);
}
