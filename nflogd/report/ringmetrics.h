/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringmetrics.h - the ring's counters as Prometheus metric families.
 *
 * One table for both places that export them, the daemon's --metrics-listen
 * endpoint (metrics.c) and `nflogctl stats --prometheus` (ctl/cmd_prom.c),
 * so that a metric name means the same thing, with the same help text,
 * wherever it is scraped from.
 */
#ifndef NFLOGD_RINGMETRICS_H
#define NFLOGD_RINGMETRICS_H

#include <stddef.h>

#include "classify/kb.h"

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

#endif
