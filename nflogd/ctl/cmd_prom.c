/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_prom.c - `nflogctl stats --prometheus`: the ring's counters, drops
 * per kb category and incidents per alert type in the Prometheus text
 * format, for node_exporter's textfile collector. The families are written
 * by report/ringmetrics.c, the same writer as the daemon's --metrics-listen
 * endpoint, so that the two expose the same metrics (doc/metrics.md).
 */
#include <errno.h>
#include <stdio.h>

#include "ctl/cmd.h"
#include "ctl/ctlcommon.h"
#include "ctl/ctlout.h"
#include "report/ringmetrics.h"
#include "version.h"	/* NFLOGD_VERSION: generated from debian/changelog */

static void ctl_prom_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl stats --prometheus [--ring PATH] [-o FILE] [--local-kb PATH]\n"
"  Counters in the Prometheus text format, for node_exporter's textfile collector\n"
"  (doc/shipping.md). -o FILE writes FILE.tmp.PID and renames it over FILE.\n");
}

enum { PROM_O_PROM = CTL_O_OWN, PROM_O_JSON };

/* ctx: the -o path. --prometheus itself is how the dispatcher sent us here. */
static int ctl_prom_option(void *ctx, int c, const char *arg)
{
	const char **outpath = ctx;

	if (c == 'o')
		*outpath = arg;
	/* Known, to say what is wrong with it: stats has two formats, not both. */
	if (c == PROM_O_JSON) {
		fprintf(stderr, "nflogctl: stats: --prometheus and --json are mutually exclusive "
			"(one output format: stats --json, or stats --prometheus)\n");
		return 2;
	}
	return 0;
}

int cmd_prom_main(int argc, char **argv)
{
	static const struct option lopts[] = {
		CTL_LOPT_RING,
		{ "prometheus", no_argument,       NULL, PROM_O_PROM },
		{ "json",       no_argument,       NULL, PROM_O_JSON },
		CTL_LOPT_LOCALKB,
		{ "output",     required_argument, NULL, 'o' },
		CTL_LOPT_HELP,
		CTL_LOPT_END
	};
	static const struct ctl_cmdline cl = {
		.shortopts = ":ho:", .lopts = lopts, .first = 1, .usage = ctl_prom_usage,
		.option = ctl_prom_option,
	};
	const char *outpath = "-";
	struct ring_reader *rr;
	struct ctl_outfile out;
	const struct kb *kb;
	struct ctl_args a;
	int rc, wrc;

	if ((rc = ctl_args_parse(argc, argv, &cl, &outpath, &a)) != CTL_RUN)
		return rc;
	if (!(kb = ctl_load_kb(&a)))
		return 1;
	if (!(rr = ctl_ring_open(a.ring, kb))) {
		kb_free((struct kb *)kb);
		return 1;
	}
	rc = ctl_outfile_open(&out, outpath);
	if (rc == 0) {
		const struct ringmetrics_src src = {
			.ring_path = a.ring, .version = NFLOGD_VERSION, .kb = kb,
		};

		wrc = ringmetrics_write(out.f, rr, &src);
		if (wrc == -ENOMEM)
			fprintf(stderr, "nflogctl: out of memory\n");
		else if (wrc == -EINVAL)
			fprintf(stderr, "nflogctl: internal error: a metric or label name was "
				"refused\n");
		rc = ctl_outfile_close(&out, wrc == 0);
	}
	ringread_close(rr);
	kb_free((struct kb *)kb);
	return rc;
}
