/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringmetrics.h - the ring's counters as Prometheus metric families.
 *
 * One writer for both places that export them, the daemon's --metrics-listen
 * endpoint (daemon/metrics.c) and `nflogctl stats --prometheus`
 * (ctl/cmd_prom.c), so that the two expose the same families with the same
 * labels and help text, and cannot drift apart (doc/metrics.md lists them).
 */
#ifndef NFLOGD_RINGMETRICS_H
#define NFLOGD_RINGMETRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "classify/kb.h"

struct ring_reader;

struct ringmetric {
	unsigned	 ctr;		/* enum ring_ctr */
	const char	*name;
	const char	*type;		/* "counter" or "gauge" */
	const char	*help;
};

/* Ring counters with a metric family of their own. */
extern const struct ringmetric ringmetrics[];
extern const size_t ringmetrics_n;

/* Drop records by verdict: one family, a "verdict" label, the counter of
 * each enum kb_verdict. */
#define RINGMETRICS_VERDICT_NAME	"nflogd_verdict_records_total"
extern const char ringmetrics_verdict_help[];
extern const unsigned ringmetrics_verdict_ctr[__KB_VERDICT_MAX];

/* What the writer needs besides the ring: who is asking and with which kb. */
struct ringmetrics_src {
	const char	*ring_path;	/* the ring label */
	const char	*version;	/* nflogd_build_info{version} */
	const struct kb	*kb;		/* turns kb row ids into categories; NULL:
					 * the built-in kb */
};

/*
 * ringmetrics_write - every family derived from the ring file, in a fixed
 * order: nflogd_build_info, nflogd_ring_info, nflogd_ring_slots, the
 * per-segment counters (labels segment, role, and for capture segments group
 * and cpu; the alert segment has neither, as it belongs to no group),
 * verdicts, the other ring events, kb categories and alert incidents.
 * Returns 0, -EINVAL (a name was refused: a bug), -EIO (the stream failed)
 * or -ENOMEM (reading the alert segment).
 */
int ringmetrics_write(FILE *f, const struct ring_reader *rr, const struct ringmetrics_src *src);

/* ringmetrics_kb_counters - fn(ctx, kb row id, records) for each per-row
 * counter of every segment (the writer's acquire of nkb included). */
typedef void ringmetrics_kb_fn(void *ctx, uint16_t id, uint64_t count);
void ringmetrics_kb_counters(const struct ring_reader *rr, ringmetrics_kb_fn *fn, void *ctx);

#endif
