/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corrthread.h - the correlator's thread: tails the capture segments of the
 * ring like a reader and appends alerts to the ring's alert segment. */
#ifndef NFLOGD_CORRTHREAD_H
#define NFLOGD_CORRTHREAD_H

#include <stdint.h>

#include "correlate/correlate.h"

struct ring;
struct ring_reader;
struct corrthread;

/*
 * corrthread_new - correlate segments 0..nsegs-2 of the ring open as both rr
 * (read side, opened before privileges were dropped) and ring (write side);
 * alerts go to segment nsegs-1. Starts from the current heads: records
 * already in the file were correlated by the run that wrote them.
 * Takes ownership of rr. NULL with errno set.
 */
struct corrthread *corrthread_new(struct ring *ring, struct ring_reader *rr,
				  const struct corr_cfg *cfg, const struct kb *kb,
				  uint32_t id_base, const int *stop);
int corrthread_start(struct corrthread *t);
/* corrthread_join - wait for it (after *stop was set), close open incidents,
 * free everything. */
void corrthread_join(struct corrthread *t);

#endif
