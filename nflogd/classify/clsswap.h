/* clsswap.h - the classifier the capture threads use, replaceable at run time
 * without a lock (SIGHUP with a new local.kb).
 *
 * Quiescent-state reclamation: the main thread publishes a new classifier
 * with one atomic store and bumps an epoch; each capture thread loads the
 * pointer once per batch and, after the batch, records the epoch it has
 * seen (its quiescent point: it holds no classifier pointer there). Once
 * every thread has recorded the new epoch, nobody can still be using the
 * old classifier and the main thread frees it. The packet path pays one
 * acquire load per batch and one load and one release store after it: no
 * lock, no allocation, no read-modify-write.
 */
#ifndef NFLOGD_CLSSWAP_H
#define NFLOGD_CLSSWAP_H

#include <stdbool.h>
#include <stdint.h>

#include "ring/ringfmt.h"

struct classify;

struct clsswap_reader {
	uint64_t	seen;		/* last epoch this thread saw at a quiescent point */
} __attribute__((aligned(64)));		/* own cache line: written by one thread */

struct clsswap {
	const struct classify	*cur;	/* atomic: what the threads use now */
	uint64_t		 epoch;	/* atomic: bumped by every publish */
	uint32_t		 nreaders;
	struct clsswap_reader	 rd[RING_SEG_MAX];
};

/* clsswap_init - cur = c, for readers 0..nreaders-1 (before they start). */
void clsswap_init(struct clsswap *s, const struct classify *c, uint32_t nreaders);

/* Reader side (capture thread i). */
static inline const struct classify *clsswap_get(struct clsswap *s)
{
	/* Pairs with the seq_cst store in clsswap_publish(). */
	return __atomic_load_n(&s->cur, __ATOMIC_ACQUIRE);
}

/* After a batch, holding no pointer from clsswap_get(). */
static inline void clsswap_quiescent(struct clsswap *s, uint32_t i)
{
	/* The seq_cst load orders this thread's later clsswap_get() after the
	 * publish it saw; the release store pairs with the acquire load in
	 * clsswap_passed(), so every use of the old pointer happens before
	 * the main thread frees it. */
	__atomic_store_n(&s->rd[i].seen, __atomic_load_n(&s->epoch, __ATOMIC_SEQ_CST),
			 __ATOMIC_RELEASE);
}

/* A thread that exits never reads again. */
static inline void clsswap_offline(struct clsswap *s, uint32_t i)
{
	__atomic_store_n(&s->rd[i].seen, UINT64_MAX, __ATOMIC_RELEASE);
}

/* Writer side (main thread only). clsswap_publish - make c current; returns
 * the epoch every reader must reach before the previous one may be freed. */
uint64_t clsswap_publish(struct clsswap *s, const struct classify *c);

/* clsswap_passed - every reader has passed a quiescent point at or after
 * target (or exited). Never blocks. */
bool clsswap_passed(const struct clsswap *s, uint64_t target);

#endif
