/* SPDX-License-Identifier: GPL-2.0-or-later */
/* worker.h - one capture thread per NFLOG group: recv -> decode -> ring. */
#ifndef NFLOGD_WORKER_H
#define NFLOGD_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ring/ring.h"

struct capture;
struct classify;
struct worker;

/*
 * worker_new - set up the thread state for one group; owns cap on success.
 * @cpu:  CPU to pin the thread to, or -1 to leave it unpinned.
 * @cls:  classifier shared read-only by all workers; must outlive them.
 * @stop: set non-zero (by the main thread) to make the worker unbind, drain
 *        what the kernel still holds and return.
 * Returns NULL with errno set.
 */
struct worker *worker_new(struct capture *cap, struct ring *ring, uint32_t seg,
			  int cpu, const struct classify *cls, const int *stop);

/* worker_set_swap - read the classifier from cls and the host's address
 * table from local (NULL: none; reader slot i in both) before every batch
 * instead of using cls for good; call before worker_start. */
struct qswap;
void worker_set_swap(struct worker *w, struct qswap *cls, struct qswap *local, uint32_t i);

/* worker_start - start the thread. 0 or -errno. */
int worker_start(struct worker *w);

/* worker_join - wait for the thread to finish, then free everything. */
void worker_join(struct worker *w);

/* worker_free - free a worker that was never started. */
void worker_free(struct worker *w);

#endif
