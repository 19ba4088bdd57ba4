/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringmetrics.c - the ring's counters as Prometheus metric families: the tables and the one writer. */
#include <errno.h>
#include <stdlib.h>

#include "report/dropagg.h"
#include "report/promout.h"
#include "report/ringmetrics.h"
#include "ring/ringfmt.h"
#include "ring/ringnames.h"
#include "ring/ringread.h"
#include "ring/ringscan.h"

const struct ringmetric ringmetrics[] = {
	{ RING_CTR_RECEIVED, "nflogd_received_total", "counter",
	  "NFLOG packet messages nflogd received and parsed." },
	{ RING_CTR_RECORDED, "nflogd_records_total", "counter",
	  "Records written to the ring: drops in capture segments, alert states in the "
	  "alert segment." },
	{ RING_CTR_LOST_SEQ, "nflogd_lost_seq_total", "counter",
	  "NFLOG messages lost before nflogd read them, sized exactly from gaps in the "
	  "group's sequence numbers (cause: sequence gap)." },
	{ RING_CTR_ENOBUFS, "nflogd_enobufs_episodes_total", "counter",
	  "Netlink socket overrun episodes (ENOBUFS); the messages lost in them are "
	  "counted by nflogd_lost_seq_total." },
	{ RING_CTR_SOCK_DROPS, "nflogd_socket_drops_total", "counter",
	  "Datagrams the netlink socket dropped, as the kernel reports them (SO_MEMINFO)." },
	{ RING_CTR_DROPS_PENDING, "nflogd_drops_pending", "gauge",
	  "1 while a socket overrun happened whose size is not known yet (the next logged "
	  "packet sizes it)." },
};
const size_t ringmetrics_n = sizeof(ringmetrics) / sizeof(ringmetrics[0]);

const char ringmetrics_verdict_help[] =
	"Drop records by verdict (the kb row's, raised by the packet's tags).";

const unsigned ringmetrics_verdict_ctr[__KB_VERDICT_MAX] = {
	RING_CTR_V_UNKNOWN, RING_CTR_V_EXPECTED, RING_CTR_V_NOISE, RING_CTR_V_SUSPICIOUS,
	RING_CTR_V_HOSTILE,
};

/* Ring counters without a family of their own go to nflogd_ring_events_total. */
static bool ringmetrics_has_own(unsigned c)
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

/* The labels that name a segment, plus room for one more. A capture
 * segment: segment, role "capture", group, cpu ("none" when unpinned). The
 * alert segment belongs to no NFLOG group: segment and role "alerts" only,
 * so that it never sums into a real group (group 0 included). */
struct ringmetrics_seg {
	char			seg[16], group[16], cpu[16];
	struct promout_label	l[5];
	size_t			n;
};

static void ringmetrics_seg_labels(const struct ring_reader *rr, uint32_t s,
				   struct ringmetrics_seg *sl)
{
	const struct ring_seg_hdr *h = ringread_seg(rr, s);

	snprintf(sl->seg, sizeof(sl->seg), "%u", s);
	sl->l[0] = (struct promout_label){ "segment", sl->seg };
	if (h->role == RING_SEG_ALERT) {
		sl->l[1] = (struct promout_label){ "role", "alerts" };
		sl->n = 2;
		return;
	}
	snprintf(sl->group, sizeof(sl->group), "%u", h->group);
	if (h->cpu >= 0)
		snprintf(sl->cpu, sizeof(sl->cpu), "%d", h->cpu);
	else
		snprintf(sl->cpu, sizeof(sl->cpu), "none");
	sl->l[1] = (struct promout_label){ "role", "capture" };
	sl->l[2] = (struct promout_label){ "group", sl->group };
	sl->l[3] = (struct promout_label){ "cpu", sl->cpu };
	sl->n = 4;
}

static int ringmetrics_segments(FILE *f, const struct ring_reader *rr)
{
	uint32_t s, nsegs = ringread_nsegs(rr);
	struct ringmetrics_seg sl;
	size_t i;
	unsigned c, v;
	int rc = 0;

	for (i = 0; i < ringmetrics_n; i++) {
		const struct ringmetric *m = &ringmetrics[i];

		rc |= promout_family(f, m->name, m->type, m->help);
		for (s = 0; s < nsegs; s++) {
			ringmetrics_seg_labels(rr, s, &sl);
			rc |= promout_sample(f, m->name, sl.l, sl.n, ringread_ctr(rr, s, m->ctr));
		}
	}
	rc |= promout_family(f, RINGMETRICS_VERDICT_NAME, "counter", ringmetrics_verdict_help);
	for (s = 0; s < nsegs; s++) {
		if (ringread_seg(rr, s)->role != RING_SEG_CAPTURE)
			continue;
		ringmetrics_seg_labels(rr, s, &sl);
		for (v = 0; v < DROPAGG_VERDICTS; v++) {
			sl.l[sl.n] = (struct promout_label){ "verdict", kb_verdict_name(v) };
			rc |= promout_sample(f, RINGMETRICS_VERDICT_NAME, sl.l, sl.n + 1,
					     ringread_ctr(rr, s, ringmetrics_verdict_ctr[v]));
		}
	}
	rc |= promout_family(f, "nflogd_ring_events_total", "counter",
			     "The other per-segment counters of the ring file (event = the counter's stable "
			     "name in doc/ring-format.md).");
	for (s = 0; s < nsegs; s++) {
		ringmetrics_seg_labels(rr, s, &sl);
		for (c = 0; c < __RING_CTR_MAX; c++) {
			if (ringmetrics_has_own(c) || !ring_ctr_name(c))
				continue;
			sl.l[sl.n] = (struct promout_label){ "event", ring_ctr_name(c) };
			rc |= promout_sample(f, "nflogd_ring_events_total", sl.l, sl.n + 1,
					     ringread_ctr(rr, s, c));
		}
	}
	return rc;
}

void ringmetrics_kb_counters(const struct ring_reader *rr, ringmetrics_kb_fn *fn, void *ctx)
{
	uint32_t s, i, nkb;

	for (s = 0; s < ringread_nsegs(rr); s++) {
		const struct ring_seg_hdr *h = ringread_seg(rr, s);

		/* Pairs with the release store of nkb in the writer. */
		nkb = __atomic_load_n(&h->nkb, __ATOMIC_ACQUIRE);
		if (nkb > RING_KB_SLOTS)
			nkb = RING_KB_SLOTS;
		for (i = 0; i < nkb; i++)
			fn(ctx, h->kb_ids[i], __atomic_load_n(&h->kb_count[i], __ATOMIC_RELAXED));
	}
}

/* Records per kb category while the per-row counters are summed. */
struct ringmetrics_cats {
	const struct kb	*kb;
	uint64_t	 count[257];	/* [256]: ICMP rows, and rows this kb lacks */
};

static void ringmetrics_cat_add(void *ctx, uint16_t id, uint64_t count)
{
	struct ringmetrics_cats *pc = ctx;
	const struct kb_port *p = kb_port_by_id(pc->kb, id);

	pc->count[p ? p->category : 256] += count;
}

/* Drops per kb category: the per-row counters of every segment, mapped to
 * their rows' categories (ICMP rows and rows this kb lacks: "other"). */
static int ringmetrics_categories(FILE *f, const struct ring_reader *rr, const struct kb *kb)
{
	struct ringmetrics_cats *pc = calloc(1, sizeof(*pc));
	unsigned cat;
	int rc;

	if (!pc)
		return -ENOMEM;
	pc->kb = kb;
	ringmetrics_kb_counters(rr, ringmetrics_cat_add, pc);
	rc = promout_family(f, "nflogd_category_records_total", "counter",
			    "Drop records by the category of their knowledge-base row "
			    "(kb/categories.tsv; \"other\": ICMP rows and rows this kb lacks; drops "
			    "that matched no row are not counted).");
	for (cat = 0; cat < 257; cat++) {
		const struct kb_category *kc = cat < 256 ? kb_category_by_id(kb, (uint16_t)cat) : NULL;
		struct promout_label l = { "category", kc ? kc->name : "other" };

		if (kc || (cat == 256 && pc->count[cat]))
			rc |= promout_sample(f, "nflogd_category_records_total", &l, 1, pc->count[cat]);
	}
	free(pc);
	return rc;
}

/* The latest state of each incident in the alert segment, counted by type. */
static int ringmetrics_count_alerts(const struct ring_reader *rr, uint64_t *open, uint64_t *closed)
{
	static const struct dropagg_cfg cfg = { 0 };
	struct ringscan_item *items = NULL;
	struct ring_alert *al = NULL;
	struct dropagg *agg = dropagg_new(&cfg);
	size_t n, i, k;
	int rc = -ENOMEM;

	if (!agg || ringscan_collect(rr, NULL, 0, RINGSCAN_ALERTS, &items, &n, NULL) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		struct ring_alert a;

		ringscan_alert(&items[i], &a);
		if (dropagg_add_alert(agg, &a) < 0)
			goto out;
	}
	k = dropagg_nalerts(agg, false);
	al = malloc((k ? k : 1) * sizeof(*al));
	if (!al || dropagg_alerts(agg, false, al, k) != k)
		goto out;
	for (i = 0; i < k; i++) {
		if (al[i].type >= __RING_ALERT_MAX)
			continue;
		if (al[i].state == RING_ALERT_CLOSED)
			closed[al[i].type]++;
		else
			open[al[i].type]++;
	}
	rc = 0;
out:
	free(al);
	free(items);
	dropagg_free(agg);
	return rc;
}

static int ringmetrics_alerts(FILE *f, const struct ring_reader *rr)
{
	uint64_t open[__RING_ALERT_MAX] = { 0 }, closed[__RING_ALERT_MAX] = { 0 };
	unsigned t;
	int rc;

	if (ringmetrics_count_alerts(rr, open, closed) < 0)
		return -ENOMEM;
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
	return rc;
}

int ringmetrics_write(FILE *f, const struct ring_reader *rr, const struct ringmetrics_src *src)
{
	const struct ring_file_hdr *fh = ringread_hdr(rr);
	char format[16];
	struct promout_label build = { "version", src->version };
	struct promout_label info[3] = {
		{ "ring", src->ring_path },
		{ "state", fh->state == RING_STATE_ONLINE ? "online" :
			   fh->state == RING_STATE_OFFLINE ? "offline" : "unknown" },
		{ "format", format },
	};
	struct promout_label ring = { "ring", src->ring_path };
	int rc, arc;

	snprintf(format, sizeof(format), "%u.%u", fh->version_major, fh->version_minor);
	rc = promout_family(f, "nflogd_build_info", "gauge",
			    "Always 1; version is the nflogd release that wrote this text.");
	rc |= promout_sample(f, "nflogd_build_info", &build, 1, 1);
	rc |= promout_family(f, "nflogd_ring_info", "gauge",
			     "The ring file read: its path, writer state and format version.");
	rc |= promout_sample(f, "nflogd_ring_info", info, 3, 1);
	rc |= promout_family(f, "nflogd_ring_slots", "gauge", "Records each segment holds.");
	rc |= promout_sample(f, "nflogd_ring_slots", &ring, 1, ringread_slots(rr));
	rc |= ringmetrics_segments(f, rr);
	arc = ringmetrics_categories(f, rr, src->kb ? src->kb : kb_builtin());
	if (arc == -ENOMEM)
		return arc;
	rc |= arc;
	arc = ringmetrics_alerts(f, rr);
	if (arc == -ENOMEM)
		return arc;
	rc |= arc;
	/* promout's results are 0, -EINVAL or -EIO: or-ed, -EIO wins only if alone. */
	if (rc == 0)
		return 0;
	return ferror(f) ? -EIO : -EINVAL;
}
