/* ctlout.h - nflogctl's operator outputs: `top` (nflogctl_top.c),
 * `report` (nflogctl_report.c), `pcap` and `stats --prometheus`
 * (nflogctl_export.c), `read --syslog` (nflogctl_syslog.c), the helpers they
 * share (nflogctl_outputs.c) and the suggestion script `report` embeds
 * (nflogctl_suggest.c). Each *_main takes argv[0] = the command word and
 * returns the exit status (2: bad command line).
 */
#ifndef NFLOGD_CTLOUT_H
#define NFLOGD_CTLOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "classify/kb.h"
#include "report/recfmt.h"
#include "ring/ringread.h"

int ctl_top_main(int argc, char **argv);	/* top */
int ctl_report_main(int argc, char **argv);	/* report */
int ctl_pcap_main(int argc, char **argv);	/* pcap */
int ctl_prom_main(int argc, char **argv);	/* stats --prometheus */
int ctl_syslog_main(int argc, char **argv);	/* read --syslog */

/* ctl_has_option - argv[1..] holds opt, alone or as "opt=VALUE", before any
 * "--": how main() sends `stats --prometheus` and `read --syslog` here. */
bool ctl_has_option(int argc, char **argv, const char *opt);

/* ctl_suggest_script - what `nflogctl suggest --since SINCE_S` prints (the
 * default allowlist and table), written to out; 0 = everything. Returns
 * the exit status `suggest` would have (reasons on stderr). */
int ctl_suggest_script(FILE *out, const char *ring, const struct kb *kb, uint64_t since_s);

/* ctl_out_open - the ring for reading, with the same kb-stamp warning as
 * read/stats; NULL after saying why on stderr. */
struct ring_reader *ctl_out_open(const char *path, const struct kb *kb);

/* ctl_out_since - parse a --since DURATION into seconds (> 0); false after
 * saying why on stderr. */
bool ctl_out_since(const char *arg, uint64_t *secs);

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

#endif
