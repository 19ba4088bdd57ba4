/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_prom.c - `nflogctl stats --prometheus`: the ring's counters, drops
 * per kb category and incidents per alert type in the Prometheus text
 * format (promout.c), for node_exporter's textfile collector.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctl/cmd.h"
#include "ctl/ctlcommon.h"
#include "ctl/ctlout.h"
#include "report/dropagg.h"
#include "report/promout.h"
#include "report/ringmetrics.h"
#include "ring/ringnames.h"
#include "ring/ringscan.h"

static void ctl_prom_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl stats --prometheus [--ring PATH] [-o FILE] [--local-kb PATH]\n"
"  Counters in the Prometheus text format, for node_exporter's textfile collector\n"
"  (doc/shipping.md). -o FILE writes FILE.tmp.PID and renames it over FILE.\n");
}

/* Ring counters without a family of their own (ringmetrics.h) go to
 * nflogd_ring_events_total. */
static bool ctl_prom_has_own(unsigned c)
{
	size_t i;

	for (i = 0; i < ringmetrics_n; i++)
		if (ringmetrics[i].ctr == c)
			return true;
	for (i = 0; i < DROPAGG_VERDICTS; i++)
		if (ringmetrics_verdict_ctr[i] == c)
			return true;
	return false;
}

/* The labels that name a segment: segment, role, group, cpu (+ one more). */
struct ctl_seg_labels {
	char			seg[16], group[16], cpu[16];
	struct promout_label	l[5];
};

static void ctl_seg_labels(const struct ring_reader *rr, uint32_t s, struct ctl_seg_labels *sl)
{
	const struct ring_seg_hdr *h = ringread_seg(rr, s);

	snprintf(sl->seg, sizeof(sl->seg), "%u", s);
	snprintf(sl->group, sizeof(sl->group), "%u", h->group);
	if (h->cpu >= 0)
		snprintf(sl->cpu, sizeof(sl->cpu), "%d", h->cpu);
	else
		snprintf(sl->cpu, sizeof(sl->cpu), "none");
	sl->l[0] = (struct promout_label){ "segment", sl->seg };
	sl->l[1] = (struct promout_label){ "role", h->role == RING_SEG_ALERT ? "alerts" : "capture" };
	sl->l[2] = (struct promout_label){ "group", sl->group };
	sl->l[3] = (struct promout_label){ "cpu", sl->cpu };
}

static int ctl_prom_segments(FILE *f, const struct ring_reader *rr)
{
	uint32_t s, nsegs = ringread_nsegs(rr);
	struct ctl_seg_labels sl;
	size_t i;
	unsigned c, v;
	int rc = 0;

	for (i = 0; i < ringmetrics_n; i++) {
		const struct ringmetric *m = &ringmetrics[i];

		rc |= promout_family(f, m->name, m->type, m->help);
		for (s = 0; s < nsegs; s++) {
			ctl_seg_labels(rr, s, &sl);
			rc |= promout_sample(f, m->name, sl.l, 4, ringread_ctr(rr, s, m->ctr));
		}
	}
	rc |= promout_family(f, RINGMETRICS_VERDICT_NAME, "counter", ringmetrics_verdict_help);
	for (s = 0; s < nsegs; s++) {
		if (ringread_seg(rr, s)->role != RING_SEG_CAPTURE)
			continue;
		ctl_seg_labels(rr, s, &sl);
		for (v = 0; v < DROPAGG_VERDICTS; v++) {
			sl.l[4] = (struct promout_label){ "verdict", kb_verdict_name(v) };
			rc |= promout_sample(f, RINGMETRICS_VERDICT_NAME, sl.l, 5,
					     ringread_ctr(rr, s, ringmetrics_verdict_ctr[v]));
		}
	}
	rc |= promout_family(f, "nflogd_ring_events_total", "counter",
			     "The other per-segment counters of the ring file (event = the counter's stable "
			     "name in doc/ring-format.md).");
	for (s = 0; s < nsegs; s++) {
		ctl_seg_labels(rr, s, &sl);
		for (c = 0; c < __RING_CTR_MAX; c++) {
			if (ctl_prom_has_own(c) || !ring_ctr_name(c))
				continue;
			sl.l[4] = (struct promout_label){ "event", ring_ctr_name(c) };
			rc |= promout_sample(f, "nflogd_ring_events_total", sl.l, 5,
					     ringread_ctr(rr, s, c));
		}
	}
	return rc;
}

/* Records per kb category while the per-row counters are summed. */
struct ctl_prom_cats {
	const struct kb	*kb;
	uint64_t	 count[257];	/* [256]: ICMP rows, and rows this kb lacks */
};

static void ctl_prom_cat_add(void *ctx, uint16_t id, uint64_t count)
{
	struct ctl_prom_cats *pc = ctx;
	const struct kb_port *p = kb_port_by_id(pc->kb, id);

	pc->count[p ? p->category : 256] += count;
}

/* Drops per kb category: the per-row counters of every segment, mapped to
 * their rows' categories (ICMP rows: "icmp"). */
static int ctl_prom_categories(FILE *f, const struct ring_reader *rr, const struct kb *kb)
{
	struct ctl_prom_cats pc = { .kb = kb };
	unsigned cat;
	int rc;

	ctl_kb_counters(rr, ctl_prom_cat_add, &pc);
	rc = promout_family(f, "nflogd_category_records_total", "counter",
			    "Drop records by the category of their knowledge-base row "
			    "(kb/categories.tsv; \"other\": ICMP rows and rows this kb lacks; drops "
			    "that matched no row are not counted).");
	for (cat = 0; cat < 257; cat++) {
		const struct kb_category *kc = cat < 256 ? kb_category_by_id(kb, (uint16_t)cat) : NULL;
		struct promout_label l = { "category", kc ? kc->name : "other" };

		if (kc || (cat == 256 && pc.count[cat]))
			rc |= promout_sample(f, "nflogd_category_records_total", &l, 1, pc.count[cat]);
	}
	return rc;
}

/* Incidents in the alert segment by type and latest state. */
static int ctl_prom_alerts(FILE *f, const struct ring_reader *rr, bool *nomem)
{
	static const struct dropagg_cfg cfg = { 0 };
	uint64_t open[__RING_ALERT_MAX] = { 0 }, closed[__RING_ALERT_MAX] = { 0 };
	struct ringscan_item *items = NULL;
	struct ring_alert *al = NULL;
	struct dropagg *agg;
	size_t n, i, k = 0;
	unsigned t;
	int rc;

	agg = dropagg_new(&cfg);
	if (!agg || ringscan_collect(rr, NULL, 0, RINGSCAN_ALERTS, &items, &n, NULL) < 0)
		goto nomem;
	for (i = 0; i < n; i++) {
		struct ring_alert a;

		ringscan_alert(&items[i], &a);
		if (dropagg_add_alert(agg, &a) < 0)
			goto nomem;
	}
	k = dropagg_nalerts(agg, false);
	al = malloc((k ? k : 1) * sizeof(*al));
	if (!al || dropagg_alerts(agg, false, al, k) != k)
		goto nomem;
	for (i = 0; i < k; i++) {
		if (al[i].type >= __RING_ALERT_MAX)
			continue;
		if (al[i].state == RING_ALERT_CLOSED)
			closed[al[i].type]++;
		else
			open[al[i].type]++;
	}
	rc = promout_family(f, "nflogd_alert_incidents", "gauge",
			    "Incidents in the ring's alert segment by type and latest state "
			    "(old incidents leave as the ring wraps).");
	for (t = 1; t < __RING_ALERT_MAX; t++) {
		struct promout_label l[2] = { { "type", ring_alert_type_name(t) }, { "state", "open" } };

		if (!l[0].value)
			continue;
		rc |= promout_sample(f, "nflogd_alert_incidents", l, 2, open[t]);
		l[1].value = "closed";
		rc |= promout_sample(f, "nflogd_alert_incidents", l, 2, closed[t]);
	}
	free(al);
	free(items);
	dropagg_free(agg);
	return rc;
nomem:
	*nomem = true;
	free(al);
	free(items);
	dropagg_free(agg);
	return -ENOMEM;
}

static int ctl_prom_write(FILE *f, const char *path, const struct ring_reader *rr,
			  const struct kb *kb, bool *nomem)
{
	const struct ring_file_hdr *fh = ringread_hdr(rr);
	char version[16];
	struct promout_label info[3] = {
		{ "ring", path },
		{ "state", fh->state == RING_STATE_ONLINE ? "online" :
			   fh->state == RING_STATE_OFFLINE ? "offline" : "unknown" },
		{ "format", version },
	};
	struct promout_label ring = { "ring", path };
	int rc;

	snprintf(version, sizeof(version), "%u.%u", fh->version_major, fh->version_minor);
	rc = promout_family(f, "nflogd_ring_info", "gauge",
			    "The ring file read: its path, writer state and format version.");
	rc |= promout_sample(f, "nflogd_ring_info", info, 3, 1);
	rc |= promout_family(f, "nflogd_ring_slots", "gauge", "Records each segment holds.");
	rc |= promout_sample(f, "nflogd_ring_slots", &ring, 1, ringread_slots(rr));
	rc |= ctl_prom_segments(f, rr);
	rc |= ctl_prom_categories(f, rr, kb);
	rc |= ctl_prom_alerts(f, rr, nomem);
	return rc;
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
	bool nomem = false;
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
		wrc = ctl_prom_write(out.f, a.ring, rr, kb, &nomem);
		if (nomem)
			fprintf(stderr, "nflogctl: out of memory\n");
		else if (wrc && !ferror(out.f))
			fprintf(stderr, "nflogctl: internal error: a metric or label name was "
				"refused\n");
		rc = ctl_outfile_close(&out, wrc == 0 && !nomem);
	}
	ringread_close(rr);
	kb_free((struct kb *)kb);
	return rc;
}
