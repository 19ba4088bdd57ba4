/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlout.h - what nflogctl's output subcommands share on the way out: the
 * names a record is printed with, the time, output files that appear whole
 * or not at all (-o PATH), the note on records that could not be read and
 * where a log rule is in the ruleset.
 */
#ifndef NFLOGD_CTLOUT_H
#define NFLOGD_CTLOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "classify/kb.h"
#include "report/recfmt.h"
#include "ring/ringread.h"

/* ctl_report_skipped - say on stderr how many records could not be read. */
struct ringscan_stats;
void ctl_report_skipped(const struct ringscan_stats *st);

/* The names a record is printed with, looked up in the ring it came from;
 * ctl_fmt_ctx() points the formatting context into this storage. */
struct ctl_names {
	char	prefix[RING_PREFIX_LEN];
	char	in[RING_IFNAMSIZ];
	char	out[RING_IFNAMSIZ];
};

/* ctl_fmt_ctx - the recfmt/syslogout context of record rec at (seg, pos). */
struct recfmt_ctx ctl_fmt_ctx(struct ring_reader *rr, uint32_t seg, uint64_t pos,
			      const struct ring_rec *rec, const struct kb *kb,
			      struct ctl_names *names);

/* ctl_now_ns - CLOCK_REALTIME in ns. */
uint64_t ctl_now_ns(void);

/* An output file (-o PATH) written under a temporary name in the same
 * directory and renamed over PATH when complete, so a reader (a browser, the
 * textfile collector) never sees half a file; "-" is standard output. */
struct ctl_outfile {
	FILE		*f;
	const char	*path;
	char		*tmp;		/* NULL for standard output */
};

/* ctl_outfile_open - 0, or 1 after saying why on stderr. */
int ctl_outfile_open(struct ctl_outfile *o, const char *path);

/* ctl_outfile_close - flush and, when ok, rename into place; else remove
 * the temporary file. The exit status: 0, or 1 after saying why. */
int ctl_outfile_close(struct ctl_outfile *o, bool ok);

/* ctl_rule_where - "FAMILY TABLE CHAIN handle N [comment "..."]" on stdout. */
struct nftrules_logrule;
void ctl_rule_where(const struct nftrules_logrule *r);

#endif
