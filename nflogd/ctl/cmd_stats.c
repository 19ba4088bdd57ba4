/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_stats.c - `nflogctl stats`: the ring's header and counters, the
 * knowledge-base rows seen most, and drops per log rule of the live ruleset
 * (text, or one JSON document with --json).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/cmd.h"
#include "ctl/ctlcommon.h"
#include "ctl/ctlgeo.h"
#include "ctl/ctlout.h"
#include "ring/ringnames.h"
#include "ring/ringread.h"
#include "ruleset/nftrules.h"
#include "util/json.h"

#define NFLOGCTL_TOP		10	/* kb rows shown by stats */

static const char *ctl_state_str(uint32_t state)
{
	return state == RING_STATE_ONLINE ? "online" :
	       state == RING_STATE_OFFLINE ? "offline" : "unknown";
}

/* ---- the knowledge-base rows seen most ---- */

struct ctl_kbcount {
	uint16_t id;
	uint64_t count;
};

static int ctl_kbcount_cmp(const void *a, const void *b)
{
	const struct ctl_kbcount *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void ctl_kb_count_add(void *ctx, uint16_t id, uint64_t count)
{
	struct ctl_kbcount *all = ctx;

	all[id].id = id;
	all[id].count += count;
}

/* Per-kb-row counts summed over segments, largest first; *n rows with a count. */
static struct ctl_kbcount *ctl_kb_counts(const struct ring_reader *rr, size_t *n)
{
	struct ctl_kbcount *all = calloc(65536, sizeof(*all));
	size_t k = 0;
	uint32_t i;

	*n = 0;
	if (!all)
		return NULL;
	ctl_kb_counters(rr, ctl_kb_count_add, all);
	for (i = 0; i < 65536; i++)
		if (all[i].count)
			all[k++] = all[i];
	qsort(all, k, sizeof(*all), ctl_kbcount_cmp);
	*n = k;
	return all;
}

static void ctl_kb_row_text(const struct kb *kb, uint16_t id, const char **name,
			    const char **verdict, const char **summary)
{
	const struct kb_port *p = kb_port_by_id(kb, id);
	const struct kb_icmp *ic = p ? NULL : kb_icmp_by_id(kb, id);

	*name = p ? p->service : ic ? ic->name : "?";
	*verdict = kb_verdict_name(p ? p->verdict : ic ? ic->verdict : 0);
	*summary = p ? p->summary : ic ? ic->summary : "(not in this kb)";
}

static void ctl_stats_top_text(const struct ring_reader *rr, const struct kb *kb)
{
	struct ctl_kbcount *top;
	size_t n, i;

	top = ctl_kb_counts(rr, &n);
	if (!top || !n) {
		free(top);
		return;
	}
	printf("\ntop knowledge-base entries:\n");
	for (i = 0; i < n && i < NFLOGCTL_TOP; i++) {
		const char *name, *verdict, *summary;

		ctl_kb_row_text(kb, top[i].id, &name, &verdict, &summary);
		printf("%12llu  %-5u %-16.16s %-10s %s\n", (unsigned long long)top[i].count,
		       top[i].id, name, verdict, summary);
	}
	free(top);
}

static void ctl_stats_top_json(const struct ring_reader *rr, const struct kb *kb)
{
	struct ctl_kbcount *top;
	size_t n, i;

	top = ctl_kb_counts(rr, &n);
	printf(",\"kb\":[");
	for (i = 0; top && i < n; i++) {
		const char *name, *verdict, *summary;

		ctl_kb_row_text(kb, top[i].id, &name, &verdict, &summary);
		printf("%s{\"id\":%u,\"count\":%llu,\"service\":", i ? "," : "", top[i].id,
		       (unsigned long long)top[i].count);
		json_quote_file(stdout, name);
		printf(",\"verdict\":\"%s\",\"summary\":", verdict);
		json_quote_file(stdout, summary);
		putchar('}');
	}
	putchar(']');
	free(top);
}

/* ---- drops per log rule: the ring's (group, prefix) pairs and the live
 * ruleset's log rules with that group and prefix ---- */

struct ctl_pair {
	uint16_t group;
	char	 prefix[RING_PREFIX_LEN];
	uint64_t records;
};

static size_t ctl_pairs(const struct ring_reader *rr, struct ctl_pair *p, size_t max)
{
	uint32_t s, nsegs = ringread_nsegs(rr);
	size_t n = 0, i;

	for (s = 0; s < nsegs; s++) {
		const struct ring_seg_hdr *h = ringread_seg(rr, s);
		uint8_t id;

		if (h->role != RING_SEG_CAPTURE)
			continue;
		for (id = 0; id < RING_PREFIXES; id++) {
			char pfx[RING_PREFIX_LEN];

			if (!ringread_prefix(rr, s, id, pfx, sizeof(pfx)))
				break;
			for (i = 0; i < n; i++)
				if (p[i].group == h->group && !strcmp(p[i].prefix, pfx))
					break;
			if (i == n) {
				if (n == max)
					continue;
				p[n].group = (uint16_t)h->group;
				snprintf(p[n].prefix, sizeof(p[n].prefix), "%s", pfx);
				p[n++].records = 0;
			}
			p[i].records += ringread_prefix_count(rr, s, id);
		}
	}
	return n;
}

static bool ctl_rule_matches(const struct nftrules_logrule *r, const struct ctl_pair *p)
{
	return r->has_group && r->group == p->group && !strcmp(r->prefix, p->prefix);
}

static void ctl_stats_rules(const struct ring_reader *rr, bool json)
{
	struct ctl_pair pairs[RING_SEG_MAX * 4];
	struct nftrules_logrule *v = NULL;
	size_t np, nv = 0, i, j, shown;
	char err[512];
	int rc;

	np = ctl_pairs(rr, pairs, sizeof(pairs) / sizeof(pairs[0]));
	rc = nftrules_list_log(&v, &nv, err, sizeof(err));
	if (json) {
		printf(",\"ruleset\":");
		json_quote_file(stdout, rc < 0 ? err : "read");
		printf(",\"log_rules\":[");
		for (i = 0; i < np; i++) {
			printf("%s{\"group\":%u,\"prefix\":", i ? "," : "", pairs[i].group);
			json_quote_file(stdout, pairs[i].prefix);
			printf(",\"records\":%llu,\"rules\":[", (unsigned long long)pairs[i].records);
			for (j = 0, shown = 0; j < nv; j++) {
				if (!ctl_rule_matches(&v[j], &pairs[i]))
					continue;
				printf("%s{\"family\":\"%s\",\"table\":", shown++ ? "," : "",
				       v[j].family);
				json_quote_file(stdout, v[j].table);
				printf(",\"chain\":");
				json_quote_file(stdout, v[j].chain);
				printf(",\"handle\":%llu,\"comment\":", (unsigned long long)v[j].handle);
				json_quote_file(stdout, v[j].comment);
				if (v[j].has_counter)
					printf(",\"packets\":%llu,\"bytes\":%llu",
					       (unsigned long long)v[j].packets,
					       (unsigned long long)v[j].bytes);
				putchar('}');
			}
			printf("]}");
		}
		putchar(']');
		free(v);
		return;
	}
	printf("\ndrops per log rule (records by NFLOG group and prefix; nft counter from the "
	       "live ruleset):\n");
	if (rc < 0)
		printf("  (the ruleset could not be read, so no rule is named: %s)\n", err);
	printf("  %-6s %-20s %10s  %s\n", "group", "prefix", "records", "rule");
	for (i = 0; i < np; i++) {
		printf("  %-6u %-20s %10llu  ", pairs[i].group, pairs[i].prefix,
		       (unsigned long long)pairs[i].records);
		for (j = 0, shown = 0; j < nv; j++) {
			if (!ctl_rule_matches(&v[j], &pairs[i]))
				continue;
			if (shown++)
				printf("\n  %-6s %-20s %10s  ", "", "", "");
			ctl_rule_where(&v[j]);
			if (v[j].has_counter)
				printf(", nft counter %llu", (unsigned long long)v[j].packets);
		}
		if (!shown)
			printf(rc < 0 ? "?" : "(no log rule with this group and prefix now)");
		if (shown > 1)
			printf("\n  %-6s %-20s %10s  (%zu rules share this group and prefix: "
			       "records cannot be split between them)", "", "", "", shown);
		putchar('\n');
	}
	if (np == 0)
		printf("  (no prefixed drops recorded yet)\n");
	free(v);
}

/* ---- the whole report ---- */

static void ctl_stats_json(struct ring_reader *rr, const char *path, const struct kb *kb,
			   const struct ctl_args *a, const struct geoip *geo)
{
	uint32_t s, nsegs = ringread_nsegs(rr);
	uint64_t total[__RING_CTR_MAX] = { 0 };
	unsigned c;

	printf("{\"ring\":");
	json_quote_file(stdout, path);
	printf(",\"state\":\"%s\",\"slots\":%llu,\"segments\":[",
	       ctl_state_str(ringread_hdr(rr)->state), (unsigned long long)ringread_slots(rr));
	for (s = 0; s < nsegs; s++) {
		const struct ring_seg_hdr *h = ringread_seg(rr, s);

		printf("%s{\"segment\":%u,\"role\":\"%s\",\"group\":%u,", s ? "," : "", s,
		       h->role == RING_SEG_ALERT ? "alerts" : "capture", h->group);
		if (h->cpu >= 0)
			printf("\"cpu\":%d,", h->cpu);
		printf("\"head\":%llu,\"counters\":{", (unsigned long long)ringread_head(rr, s));
		for (c = 0; c < __RING_CTR_MAX; c++) {
			uint64_t v = ringread_ctr(rr, s, c);

			total[c] += v;
			printf("%s\"%s\":%llu", c ? "," : "", ring_ctr_name(c),
			       (unsigned long long)v);
		}
		printf("}}");
	}
	printf("],\"total\":{");
	for (c = 0; c < __RING_CTR_MAX; c++)
		printf("%s\"%s\":%llu", c ? "," : "", ring_ctr_name(c),
		       (unsigned long long)total[c]);
	putchar('}');
	ctl_stats_top_json(rr, kb);
	ctl_stats_rules(rr, true);
	ctl_geoip_describe_json(stdout, a, geo);
	printf("}\n");
}

static void ctl_stats_text(struct ring_reader *rr, const char *path)
{
	const struct ring_file_hdr *fh = ringread_hdr(rr);
	uint32_t s, nsegs = ringread_nsegs(rr);
	unsigned c;

	printf("ring %s: format %u.%u, %u segment%s x %llu records, %s",
	       path, fh->version_major, fh->version_minor, nsegs, nsegs == 1 ? "" : "s",
	       (unsigned long long)ringread_slots(rr), ctl_state_str(fh->state));
	if (fh->state == RING_STATE_ONLINE)
		printf(" (writer pid %u)", fh->writer_pid);
	printf("\n%-14s %12s", "counter", "total");
	for (s = 0; s < nsegs && s < 8; s++) {
		const struct ring_seg_hdr *h = ringread_seg(rr, s);
		char col[32];

		if (h->role == RING_SEG_ALERT)
			snprintf(col, sizeof(col), "alerts");
		else if (h->cpu >= 0)
			snprintf(col, sizeof(col), "g%u/cpu%d", h->group, h->cpu);
		else
			snprintf(col, sizeof(col), "g%u", h->group);
		printf(" %12s", col);
	}
	putchar('\n');
	for (c = 0; c < __RING_CTR_MAX; c++) {
		uint64_t total = 0;

		for (s = 0; s < nsegs; s++)
			total += ringread_ctr(rr, s, c);
		printf("%-14s %12llu", ring_ctr_name(c), (unsigned long long)total);
		for (s = 0; s < nsegs && s < 8; s++)
			printf(" %12llu", (unsigned long long)ringread_ctr(rr, s, c));
		putchar('\n');
	}
	if (nsegs > 8)
		printf("(%u more segments: see --json)\n", nsegs - 8);
}

/* a: the command line (where GeoIP came from); geo: what it opened. */
static int ctl_stats(const struct ctl_args *a, const struct kb *kb, bool json,
		     const struct geoip *geo)
{
	struct ring_reader *rr;

	rr = ctl_ring_open(a->ring, kb);
	if (!rr)
		return 1;
	if (json) {
		ctl_stats_json(rr, a->ring, kb, a, geo);
	} else {
		ctl_stats_text(rr, a->ring);
		ctl_stats_top_text(rr, kb);
		ctl_stats_rules(rr, false);
		putchar('\n');
		ctl_geoip_describe(stdout, a, geo);
	}
	ringread_close(rr);
	return fflush(stdout) == EOF ? 1 : 0;
}

static void ctl_stats_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl stats [--ring PATH] [--local-kb PATH] [--json]\n"
"       nflogctl stats --prometheus [--ring PATH] [-o FILE]   (stats --prometheus --help)\n"
"  the ring's counters per segment, exact losses (lost_seq, enobufs, drops_pending),\n"
"  verdicts, the top kb rows and, as root, the nft rules that log each group\n"
"  --ring PATH      ring file (default " NFLOGCTL_RING_DEFAULT ")\n"
"  --local-kb PATH  site knowledge (default " NFLOGCTL_LOCAL_KB ", used when present)\n"
"  --json           one JSON object instead of text\n");
}

int cmd_stats_main(int argc, char **argv)
{
	struct ctl_readargs ra;
	const struct kb *kb;
	struct geoip *geo;
	int rc;

	if ((rc = ctl_readargs_parse(argc, argv, ctl_stats_usage, false, false, &ra)) != CTL_RUN)
		return rc;
	if (!(kb = ctl_load_kb(&ra.args)))
		return 1;
	if (ctl_load_geoip(&ra.args, kb, &geo) != 0) {
		kb_free((struct kb *)kb);
		return 1;
	}
	rc = ctl_stats(&ra.args, kb, ra.json, geo);
	geoip_free(geo);
	kb_free((struct kb *)kb);
	return rc;
}
