/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_pcap.c - `nflogctl pcap -o FILE`: the packet headers recorded with
 * the drops as a pcap file (pcapout.c) for tcpdump -r or Wireshark.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/cmd.h"
#include "ctl/ctlcommon.h"
#include "ctl/ctlout.h"
#include "report/pcapout.h"
#include "ring/ringscan.h"

static void ctl_pcap_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl pcap -o FILE [--since DURATION] [--ring PATH]\n"
"  Writes the packet headers kept with each drop (up to %u bytes of the IP packet,\n"
"  %u in records of rings written before format 1.2)\n"
"  as a pcap file (link type RAW, nanosecond timestamps) for tcpdump -r or Wireshark,\n"
"  in the order `nflogctl read` prints the drops. FILE - is standard output.\n"
"  --since D     only the last D (90s, 30m, 2h, 7d)\n", RING_RAW_LEN, RING_RAW_LEN_V0);
}

static int ctl_pcap_write(FILE *f, const struct ringscan_item *items, size_t n,
			  uint64_t *written, uint64_t *skipped)
{
	uint8_t hdr[PCAPOUT_FILE_HDR];
	size_t i;

	pcapout_file_hdr(hdr, RING_RAW_LEN_V0, PCAPOUT_LINKTYPE_RAW);
	if (fwrite(hdr, sizeof(hdr), 1, f) != 1)
		return -1;
	for (i = 0; i < n; i++) {
		uint8_t rh[PCAPOUT_REC_HDR];
		int caplen = pcapout_rec_hdr(rh, &items[i].rec);
		size_t max;

		if (caplen < 0) {
			(*skipped)++;
			continue;
		}
		if (fwrite(rh, sizeof(rh), 1, f) != 1 ||
		    fwrite(ring_rec_raw(&items[i].rec, &max), (size_t)caplen, 1, f) != 1)
			return -1;
		(*written)++;
	}
	return 0;
}

enum { PCAP_O_SINCE = CTL_O_OWN };

/* pcap's own options. */
struct pcap_opts {
	const char	*outpath;	/* -o FILE */
	uint64_t	 since;		/* --since, seconds; 0: everything */
};

static int ctl_pcap_option(void *ctx, int c, const char *arg)
{
	struct pcap_opts *o = ctx;

	switch (c) {
	case PCAP_O_SINCE:
		if (!ctl_parse_since(arg, &o->since))
			return 2;
		break;
	case 'o':
		o->outpath = arg;
		break;
	}
	return 0;
}

int cmd_pcap_main(int argc, char **argv)
{
	static const struct option lopts[] = {
		CTL_LOPT_RING,
		{ "since",  required_argument, NULL, PCAP_O_SINCE },
		{ "output", required_argument, NULL, 'o' },
		CTL_LOPT_HELP,
		CTL_LOPT_END
	};
	static const struct ctl_cmdline cl = {
		.shortopts = ":ho:", .lopts = lopts, .first = 1, .usage = ctl_pcap_usage,
		.option = ctl_pcap_option,
	};
	struct pcap_opts o = { 0 };
	struct ringscan_stats st = { 0 };
	struct ringscan_item *items = NULL;
	struct ring_reader *rr;
	struct ctl_outfile out;
	struct ctl_args a;
	uint64_t written = 0, skipped = 0;
	size_t n;
	int rc;

	if ((rc = ctl_args_parse(argc, argv, &cl, &o, &a)) != CTL_RUN)
		return rc;
	if (!o.outpath) {
		fprintf(stderr, "nflogctl: pcap needs -o FILE (- for standard output)\n");
		return 2;
	}
	if (!strcmp(o.outpath, "-") && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "nflogctl: pcap: not writing binary data to a terminal; "
			"use -o FILE or a pipe\n");
		return 2;
	}
	/* No --local-kb: pcap looks no kb row up; the stamp check uses the built-in. */
	if (!(rr = ctl_ring_open(a.ring, kb_builtin())))
		return 1;
	if (ringscan_collect(rr, NULL, o.since ? ctl_now_ns() - o.since * 1000000000ull : 0,
			     RINGSCAN_DROPS, &items, &n, &st) < 0) {
		fprintf(stderr, "nflogctl: out of memory\n");
		ringread_close(rr);
		return 1;
	}
	ctl_report_skipped(&st);
	rc = ctl_outfile_open(&out, o.outpath);
	if (rc == 0)
		rc = ctl_outfile_close(&out, ctl_pcap_write(out.f, items, n, &written,
							    &skipped) == 0);
	if (rc == 0 && skipped)
		fprintf(stderr, "nflogctl: pcap: %llu drop%s without IP header bytes left out\n",
			(unsigned long long)skipped, skipped == 1 ? "" : "s");
	free(items);
	ringread_close(rr);
	return rc;
}
