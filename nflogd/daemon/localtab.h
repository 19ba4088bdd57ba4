/* SPDX-License-Identifier: GPL-2.0-or-later */
/* localtab.h - the host's live address table for the capture threads: rtnetlink in, one pointer swap out. */
#ifndef NFLOGD_LOCALTAB_H
#define NFLOGD_LOCALTAB_H

#include <stddef.h>
#include <stdint.h>

struct localtab;
struct qswap;

/* localtab_open - dump links and addresses now (before the privilege drop)
 * and stay subscribed to their changes; the table is published for readers
 * 0..nreaders-1. NULL with err. */
struct localtab *localtab_open(uint32_t nreaders, char *err, size_t errlen);

/* localtab_swap - what the capture threads read the table from. */
struct qswap *localtab_swap(struct localtab *l);

/* localtab_fd - poll() it for POLLIN, then call localtab_update(). */
int localtab_fd(const struct localtab *l);

/* localtab_update - take what rtnetlink sent (re-dumping after a loss) and
 * publish a new table when it changed; also each housekeeping tick, to
 * publish what an earlier call had to defer and free what no thread can
 * still use. Never blocks; logs problems (an overflow once). */
void localtab_update(struct localtab *l);

/* What the metrics endpoint shows of the table. */
struct localtab_counts {
	uint64_t	addrs;		/* addresses in the published table */
	uint64_t	redumps;	/* full re-dumps after lost events (ENOBUFS) */
	uint64_t	bad_msgs;	/* malformed rtnetlink messages skipped */
	uint64_t	overflow;	/* addresses refused: table full */
};
void localtab_counts(const struct localtab *l, struct localtab_counts *c);

/* localtab_close - after every capture thread has been joined. */
void localtab_close(struct localtab *l);

#endif
