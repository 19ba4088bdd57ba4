/* corrthread.c - the correlator's thread.
 *
 * It reads the capture segments exactly as nflogctl does (ringread: acquire
 * the head, copy, check commit word and CRC), so the capture threads never
 * wait for it and never know it exists; if it falls a whole ring behind, the
 * records it missed are counted, not waited for. Each round takes a bounded
 * chunk from every segment, sorts it by time and feeds it to the
 * correlator; alerts are appended to the alert segment, of which this thread
 * is the only writer.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "corrthread.h"
#include "ring.h"
#include "ringread.h"

#define CORR_CHUNK	8192	/* records per round, all segments together */
#define CORR_POLL_MS	100	/* ms between rounds when idle */

struct corrthread {
	struct ring_writer	 w;		/* the alert segment */
	struct ring_reader	*rr;
	struct corr		*corr;
	const int		*stop;
	uint32_t		 nsegs;		/* capture segments */
	uint64_t		*cursor;
	struct ring_rec		*chunk;
	pthread_t		 tid;
	int			 started;
};

static int corrthread_cmp(const void *a, const void *b)
{
	const struct ring_rec *x = a, *y = b;

	return x->ts_ns < y->ts_ns ? -1 : x->ts_ns > y->ts_ns;
}

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

static uint64_t corrthread_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One round: returns how many records were fed. */
static size_t corrthread_round(struct corrthread *t)
{
	uint64_t slots = ringread_slots(t->rr), per = CORR_CHUNK / t->nsegs, head, pos;
	size_t n = 0, i;
	uint32_t s;

	for (s = 0; s < t->nsegs; s++) {
		head = ringread_head(t->rr, s);
		if (head < t->cursor[s])		/* cannot happen with one writer; be safe */
			t->cursor[s] = head;
		if (head - t->cursor[s] > slots) {
			ring_ctr_add(t->w.hdr, RING_CTR_CORR_LAPPED, head - slots - t->cursor[s]);
			t->cursor[s] = head - slots;
		}
		for (pos = t->cursor[s]; pos < head && pos - t->cursor[s] < per; pos++) {
			if (ringread_get(t->rr, s, pos, &t->chunk[n]) == RINGREAD_OK &&
			    t->chunk[n].kind == RING_KIND_DROP)
				n++;
		}
		t->cursor[s] = pos;
	}
	qsort(t->chunk, n, sizeof(*t->chunk), corrthread_cmp);
	for (i = 0; i < n; i++)
		corr_feed(t->corr, &t->chunk[i], corrthread_emit, t);
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
	t->chunk = malloc(CORR_CHUNK * sizeof(*t->chunk));
	t->corr = corr_new(cfg, kb, id_base);
	if (!t->nsegs || !t->cursor || !t->chunk || !t->corr)
		goto fail;
	for (s = 0; s < t->nsegs; s++)
		t->cursor[s] = ringread_head(rr, s);
	ring_writer_init_alerts(ring, &t->w, t->nsegs);
	return t;
fail:
	if (t) {
		corr_free(t->corr);
		free(t->chunk);
		free(t->cursor);
		free(t);
	}
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
	corr_free(t->corr);
	ringread_close(t->rr);
	free(t->chunk);
	free(t->cursor);
	free(t);
}
