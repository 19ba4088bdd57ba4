/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qswap.h - a read-only object the capture threads use, replaceable at run
 * time without a lock: the classifier (SIGHUP with a new local.kb) and the
 * host's address table (every rtnetlink change) each have one.
 *
 * Quiescent-state reclamation: the main thread publishes a new object with
 * one atomic store and bumps an epoch; each capture thread loads the
 * pointer once per batch and, after the batch, records the epoch it has
 * seen (its quiescent point: it holds no pointer from this swap there).
 * Once every thread has recorded the new epoch, nobody can still be using
 * the old object and the main thread frees it. The packet path pays one
 * acquire load per batch and one load and one release store after it: no
 * lock, no allocation, no read-modify-write.
 */
#ifndef NFLOGD_QSWAP_H
#define NFLOGD_QSWAP_H

#include <stdbool.h>
#include <stdint.h>

#define QSWAP_READERS_MAX	256u	/* capture threads: RING_SEG_MAX */

struct qswap_reader {
	uint64_t	seen;		/* last epoch this thread saw at a quiescent point */
} __attribute__((aligned(64)));		/* own cache line: written by one thread */

struct qswap {
	const void		*cur;	/* atomic: what the threads use now */
	uint64_t		 epoch;	/* atomic: bumped by every publish */
	uint32_t		 nreaders;
	struct qswap_reader	 rd[QSWAP_READERS_MAX];
};

/* qswap_init - cur = c, for readers 0..nreaders-1 (before they start). */
void qswap_init(struct qswap *s, const void *c, uint32_t nreaders);

/* Reader side (capture thread i). */
static inline const void *qswap_get(struct qswap *s)
{
	/* Pairs with the seq_cst store in qswap_publish(). */
	return __atomic_load_n(&s->cur, __ATOMIC_ACQUIRE);
}

/* After a batch, holding no pointer from qswap_get(). */
static inline void qswap_quiescent(struct qswap *s, uint32_t i)
{
	/* The seq_cst load orders this thread's later qswap_get() after the
	 * publish it saw; the release store pairs with the acquire load in
	 * qswap_passed(), so every use of the old pointer happens before
	 * the main thread frees it. */
	__atomic_store_n(&s->rd[i].seen, __atomic_load_n(&s->epoch, __ATOMIC_SEQ_CST),
			 __ATOMIC_RELEASE);
}

/* A thread that exits never reads again. */
static inline void qswap_offline(struct qswap *s, uint32_t i)
{
	__atomic_store_n(&s->rd[i].seen, UINT64_MAX, __ATOMIC_RELEASE);
}

/* Writer side (main thread only). qswap_publish - make c current; returns
 * the epoch every reader must reach before the previous one may be freed. */
uint64_t qswap_publish(struct qswap *s, const void *c);

/* qswap_passed - every reader has passed a quiescent point at or after
 * target (or exited). Never blocks. */
bool qswap_passed(const struct qswap *s, uint64_t target);

#endif
