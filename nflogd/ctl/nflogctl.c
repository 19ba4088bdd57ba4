/* nflogctl.c - read the ring file: drops in time order (text or JSON Lines),
 * follow mode, counters. Read-only: it maps the file PROT_READ and needs no
 * privilege beyond read access to it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "ctl/explainarg.h"
#include "classify/kb.h"
#include "ctl/ctlcommon.h"
#include "ctl/ctlout.h"
#include "util/opts.h"
#include "report/recfmt.h"
#include "ring/ringread.h"
#include "ring/ringscan.h"
#include "ring/ringnames.h"

#define NFLOGCTL_TOP		10	/* kb rows shown by stats */
#define NFLOGCTL_FOLLOW_MS	100	/* ms between polls of the segment heads */
#define NFLOGCTL_FOLLOW_TAIL	10	/* records shown before following, like tail -f */

struct ctl_read {
	struct ring_reader	*rr;
	const struct kb		*kb;
	bool			 json;
	bool			 alerts;	/* only the alert segment */
	bool			 every_state;	/* alerts: every state, not the latest per id */
	struct ringscan_stats	 skipped;	/* overwritten before the copy, or damaged */
	uint64_t		*cursor;	/* per segment: next position to read */
};

static void ctl_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl read    [--ring PATH] [-n N] [-f|--follow] [--json]\n"
"       nflogctl read    [--ring PATH] [-n N] [-f|--follow] --syslog [--syslog-socket PATH]\n"
"                        [--syslog-facility NAME]\n"
"       nflogctl alerts  [--ring PATH] [-n N] [-f|--follow] [--json]\n"
"       nflogctl stats   [--ring PATH] [--json]\n"
"       nflogctl stats   [--ring PATH] --prometheus [-o FILE]\n"
"       nflogctl top     [--ring PATH] [--interval SECONDS] [--once]\n"
"       nflogctl report  -o FILE [--ring PATH] [--since DURATION]\n"
"       nflogctl pcap    -o FILE [--ring PATH] [--since DURATION]\n"
"       nflogctl explain PORT[/tcp|/udp] | icmp TYPE[/CODE] | icmpv6 TYPE[/CODE] | ADDRESS\n"
"       nflogctl suggest [--ring PATH] [--since DURATION] [--format nft|json] [--apply]\n"
"                        [--allow FILE] [--table NAME]\n"
"       nflogctl rules   print [--table [FAMILY] NAME] [--groups BASE] [--per-cpu [--cpus N]]\n"
"                              [--own]\n"
"       nflogctl rules   install [--table NAME] [--groups BASE] [--per-cpu [--cpus N]]\n"
"       nflogctl rules   remove [--table NAME]\n"
"       nflogctl rules   list\n"
"       nflogctl help\n"
"  --local-kb PATH  site knowledge (default " NFLOGCTL_LOCAL_KB ", used when present)\n"
"  --ring PATH   ring file (default " NFLOGCTL_RING_DEFAULT ")\n"
"  -n N          only the last N drops\n"
"  -f, --follow  keep printing drops as they arrive\n"
"  --json        JSON Lines (doc/json-schema.md) instead of text\n"
"  --syslog      send RFC 5424 messages to /dev/log (or --syslog-socket) instead\n"
"  --prometheus  Prometheus text format, for node_exporter's textfile collector\n"
"  -o FILE       write FILE (complete, then renamed into place); - is stdout\n"
"  nflogctl top|report|pcap|suggest --help: more. Shipping to a central store:\n"
"  doc/shipping.md.\n");
}

static void ctl_print(struct ctl_read *c, const struct ringscan_item *it)
{
	char line[RECFMT_LINE_MAX];
	struct ctl_names names;
	struct recfmt_ctx ctx = ctl_fmt_ctx(c->rr, it->seg, it->pos, &it->rec, c->kb, &names);

	if (it->rec.kind == RING_KIND_ALERT) {
		union {
			struct ring_rec	  rec;
			struct ring_alert alert;
		} u = { .rec = it->rec };

		if (c->json)
			recfmt_alert_json(line, sizeof(line), &u.alert, &ctx);
		else
			recfmt_alert_text(line, sizeof(line), &u.alert, &ctx);
	} else if (c->json) {
		recfmt_json(line, sizeof(line), &it->rec, &ctx);
	} else {
		recfmt_text(line, sizeof(line), &it->rec, &ctx);
	}
	puts(line);
}

static uint32_t ctl_alert_id(const struct ring_rec *r)
{
	uint32_t id;

	memcpy(&id, (const char *)r + offsetof(struct ring_alert, alert_id), sizeof(id));
	return id;
}

static int ctl_alert_id_cmp(const void *a, const void *b)
{
	const struct ringscan_item *x = a, *y = b;
	uint32_t ix = ctl_alert_id(&x->rec), iy = ctl_alert_id(&y->rec);

	if (ix != iy)
		return ix < iy ? -1 : 1;
	return ringscan_item_cmp(a, b);
}

/* An incident is written at every state; show only its latest, in time order. */
static size_t ctl_latest_per_alert(struct ringscan_item *items, size_t n)
{
	size_t i, k = 0;

	qsort(items, n, sizeof(*items), ctl_alert_id_cmp);
	for (i = 0; i < n; i++)
		if (i + 1 == n || ctl_alert_id(&items[i + 1].rec) != ctl_alert_id(&items[i].rec))
			items[k++] = items[i];
	qsort(items, k, sizeof(*items), ringscan_item_cmp);
	return k;
}

/* Print everything new since the cursors; returns records printed or -1. */
static long ctl_drain(struct ctl_read *c, uint64_t last)
{
	uint32_t s, nsegs = ringread_nsegs(c->rr);
	struct ringscan_item *items;
	size_t n, i;

	for (s = 0; s < nsegs; s++) {
		uint64_t head = ringread_head(c->rr, s);

		/* alerts: the capture segments are not read at all. */
		if (c->alerts && ringread_seg(c->rr, s)->role != RING_SEG_ALERT)
			c->cursor[s] = head;
		/* -n N: no segment can contribute more than N of the last N. */
		else if (last && head > c->cursor[s] && head - c->cursor[s] > last)
			c->cursor[s] = head - last;
	}
	if (ringscan_collect(c->rr, c->cursor, 0,
			     c->alerts ? RINGSCAN_ALERTS : RINGSCAN_DROPS | RINGSCAN_ALERTS,
			     &items, &n, &c->skipped) < 0)
		return -1;
	if (c->alerts && !c->every_state)
		n = ctl_latest_per_alert(items, n);
	i = last && n > last ? n - last : 0;
	for (; i < n; i++)
		ctl_print(c, &items[i]);
	free(items);
	return (long)n;
}

/* Ids in records mean what the writer's kb said; say so when ours differs. */
static void ctl_check_stamp(const struct ring_reader *rr, const struct kb *kb)
{
	uint64_t stamp = ringread_hdr(rr)->kb_stamp;

	if (stamp && stamp != kb_stamp(kb))
		fprintf(stderr, "nflogctl: warning: the ring was classified with another "
			"knowledge base (stamp %016llx, ours %016llx); explanations may not "
			"match. Same nflogd version and --local-kb?\n",
			(unsigned long long)stamp, (unsigned long long)kb_stamp(kb));
}

static int ctl_read(const char *path, const struct kb *kb, uint64_t last, bool follow, bool json,
		    bool alerts)
{
	struct timespec pause = { 0, NFLOGCTL_FOLLOW_MS * 1000000L };
	struct ctl_read c = { .json = json, .kb = kb, .alerts = alerts };
	char err[512];
	int rc = 0;

	c.rr = ringread_open(path, err, sizeof(err));
	if (!c.rr) {
		fprintf(stderr, "nflogctl: %s\n", err);
		return 1;
	}
	ctl_check_stamp(c.rr, kb);
	c.cursor = calloc(ringread_nsegs(c.rr), sizeof(*c.cursor));
	if (!c.cursor) {
		fprintf(stderr, "nflogctl: out of memory\n");
		rc = 1;
		goto out;
	}
	if (follow && !last)
		last = NFLOGCTL_FOLLOW_TAIL;
	if (ctl_drain(&c, last) < 0)
		rc = 1;
	c.every_state = true;	/* following: each new state as it comes */
	while (follow && rc == 0) {
		if (fflush(stdout) == EOF)
			break;
		nanosleep(&pause, NULL);
		if (ctl_drain(&c, 0) < 0)
			rc = 1;
	}
	if (c.skipped.lapped || c.skipped.damaged)
		fprintf(stderr, "nflogctl: skipped %llu records overwritten by the writer "
			"before they could be read, %llu damaged\n",
			(unsigned long long)c.skipped.lapped, (unsigned long long)c.skipped.damaged);
out:
	free(c.cursor);
	ringread_close(c.rr);
	if (fflush(stdout) == EOF && errno != EPIPE)
		rc = 1;
	return rc;
}

static const char *ctl_state_str(uint32_t state)
{
	return state == RING_STATE_ONLINE ? "online" :
	       state == RING_STATE_OFFLINE ? "offline" : "unknown";
}

static void ctl_stats_top_json(const struct ring_reader *rr, const struct kb *kb);

static void ctl_stats_json(struct ring_reader *rr, const char *path, const struct kb *kb)
{
	uint32_t s, nsegs = ringread_nsegs(rr);
	uint64_t total[__RING_CTR_MAX] = { 0 };
	unsigned c;

	printf("{\"ring\":");
	ctl_json_str(path);
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

/* Per-kb-row counts summed over segments, largest first; *n rows with a count. */
static struct ctl_kbcount *ctl_kb_counts(const struct ring_reader *rr, size_t *n)
{
	struct ctl_kbcount *all = calloc(65536, sizeof(*all));
	uint32_t s, i, nkb;
	size_t k = 0;

	*n = 0;
	if (!all)
		return NULL;
	for (s = 0; s < ringread_nsegs(rr); s++) {
		const struct ring_seg_hdr *h = ringread_seg(rr, s);

		/* Pairs with the release store of nkb in the writer. */
		nkb = __atomic_load_n(&h->nkb, __ATOMIC_ACQUIRE);
		if (nkb > RING_KB_SLOTS)
			nkb = RING_KB_SLOTS;
		for (i = 0; i < nkb; i++) {
			all[h->kb_ids[i]].id = h->kb_ids[i];
			all[h->kb_ids[i]].count +=
				__atomic_load_n(&h->kb_count[i], __ATOMIC_RELAXED);
		}
	}
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

void ctl_json_str(const char *str)
{
	putchar('"');
	for (const char *p = str; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
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
		ctl_json_str(name);
		printf(",\"verdict\":\"%s\",\"summary\":", verdict);
		ctl_json_str(summary);
		putchar('}');
	}
	putchar(']');
	free(top);
}

static int ctl_stats(const char *path, const struct kb *kb, bool json)
{
	struct ring_reader *rr;
	char err[512];

	rr = ringread_open(path, err, sizeof(err));
	if (!rr) {
		fprintf(stderr, "nflogctl: %s\n", err);
		return 1;
	}
	ctl_check_stamp(rr, kb);
	if (json) {
		ctl_stats_json(rr, path, kb);
	} else {
		ctl_stats_text(rr, path);
		ctl_stats_top_text(rr, kb);
		ctl_stats_rules(rr, false);
	}
	ringread_close(rr);
	return fflush(stdout) == EOF ? 1 : 0;
}

/* Print text indented, wrapped at about 78 columns. */
static void ctl_wrap(const char *text, const char *indent)
{
	size_t col = 0, w;
	const char *p = text;

	while (*p) {
		while (*p == ' ')
			p++;
		w = strcspn(p, " ");
		if (!w)
			break;
		if (col && col + 1 + w > 78 - strlen(indent)) {
			putchar('\n');
			col = 0;
		}
		printf("%s%.*s", col ? " " : indent, (int)w, p);
		col += (col ? 1 : 0) + w;
		p += w;
	}
	if (col)
		putchar('\n');
}

static void ctl_explain_port(const struct kb *kb, const struct kb_port *r)
{
	const struct kb_category *cat = kb_category_by_id(kb, r->category);
	const char *proto = r->protos == (KB_PROTO_TCP | KB_PROTO_UDP) ? "tcp+udp" :
			    r->protos == KB_PROTO_TCP ? "tcp" : "udp";

	if (r->lo == r->hi)
		printf("%u/%s", r->lo, proto);
	else
		printf("%u-%u/%s", r->lo, r->hi, proto);
	printf(" as %s port: %s (category %s, verdict %s)\n", r->dir == KB_DIR_SRC ? "source" : "destination",
	       r->service, cat ? cat->name : "?", kb_verdict_name(r->verdict));
	ctl_wrap(r->summary, "  ");
	ctl_wrap(r->explain, "  ");
	printf("  source: %s; kb id %u\n", r->source, r->id);
}

static int ctl_explain_ports(const struct kb *kb, const struct explainarg *ea)
{
	const struct kb_port *seen[4] = { NULL };
	unsigned dir, n = 0, i, j;

	for (dir = KB_DIR_DST; dir <= KB_DIR_SRC; dir++) {
		for (i = 0; i < 2; i++) {
			const struct kb_port *r;

			if (!(ea->protos & (i ? KB_PROTO_UDP : KB_PROTO_TCP)))
				continue;
			r = kb_port_lookup(kb, (enum kb_dir)dir, i ? 17 : 6, ea->port);
			for (j = 0; r && j < n; j++)
				if (seen[j] == r)
					r = NULL;
			if (r) {
				if (n)
					putchar('\n');
				seen[n++] = r;
				ctl_explain_port(kb, r);
			}
		}
	}
	return n ? 1 : 0;
}

static int ctl_explain_icmp(const struct kb *kb, const struct explainarg *ea)
{
	unsigned family = ea->family;
	const struct kb_icmp *r;

	r = kb_icmp_lookup(kb, family, ea->type, ea->code);
	if (!r)
		return 0;
	if (r->code < 0)
		printf("%s type %u (any code): %s (%s)\n", family == 6 ? "icmpv6" : "icmp",
		       r->type, r->name, kb_verdict_name(r->verdict));
	else
		printf("%s %u/%d: %s (%s)\n", family == 6 ? "icmpv6" : "icmp", r->type, r->code,
		       r->name, kb_verdict_name(r->verdict));
	ctl_wrap(r->summary, "  ");
	ctl_wrap(r->explain, "  ");
	printf("  source: %s; kb id %u\n", r->source, r->id);
	return 1;
}

static int ctl_explain_addr(const struct kb *kb, const struct explainarg *ea)
{
	char net[INET6_ADDRSTRLEN];
	const struct kb_addr *r;

	r = kb_addr_lookup(kb, ea->family, ea->addr);
	if (!r)
		return 0;
	inet_ntop(ea->family == 4 ? AF_INET : AF_INET6, r->prefix, net, sizeof(net));
	printf("%s is in %s/%u: %s (verdict %s)\n", ea->what, net, r->plen, r->cls,
	       kb_verdict_name(r->verdict));
	ctl_wrap(r->summary, "  ");
	ctl_wrap(r->explain, "  ");
	printf("  source: %s; kb id %u\n", r->source, r->id);
	return 1;
}

/* explain PORT[/PROTO] | icmp T[/C] | icmpv6 T[/C] | ADDRESS: 0 known, 1 unknown, 2 bad.
 * The words are parsed by explainarg_parse(); the lookups and the text are here. */
static int ctl_explain(const struct kb *kb, int argc, char **argv)
{
	struct explainarg ea;
	int rc;

	switch (explainarg_parse(argc, argv, &ea)) {
	case EXPLAINARG_OK:
		break;
	case EXPLAINARG_E_COUNT:
		fprintf(stderr, "nflogctl: explain wants one thing: PORT[/tcp|/udp], "
			"icmp TYPE[/CODE], icmpv6 TYPE[/CODE] or an address\n");
		return 2;
	case EXPLAINARG_E_KEYWORD:
		fprintf(stderr, "nflogctl: explain: expected icmp or icmpv6, not '%s'\n",
			ea.what);
		return 2;
	default:
		fprintf(stderr, "nflogctl: explain: cannot parse '%s' (try 137, 31337/udp, "
			"icmp 3/4, 169.254.1.1, fe80::1)\n", ea.what);
		return 2;
	}
	if (ea.kind == EXPLAINARG_ICMP)
		rc = ctl_explain_icmp(kb, &ea);
	else if (ea.kind == EXPLAINARG_ADDR)
		rc = ctl_explain_addr(kb, &ea);
	else
		rc = ctl_explain_ports(kb, &ea);
	if (rc == 0) {
		fprintf(stderr, "nflogctl: the knowledge base knows nothing about %s%s%s\n",
			argc == 2 ? argv[0] : "", argc == 2 ? " " : "", ea.what);
		return 1;
	}
	return fflush(stdout) == EOF ? 1 : 0;
}

int main(int argc, char **argv)
{
	enum { O_RING = 256, O_JSON, O_LOCALKB };
	static const struct option lopts[] = {
		{ "ring",     required_argument, NULL, O_RING },
		{ "json",     no_argument,       NULL, O_JSON },
		{ "local-kb", required_argument, NULL, O_LOCALKB },
		{ "follow",   no_argument,       NULL, 'f' },
		{ "help",     no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd, *path = NFLOGCTL_RING_DEFAULT, *local_path = NFLOGCTL_LOCAL_KB;
	bool json = false, follow = false, local_given = false;
	const struct kb *kb;
	uint64_t last = 0;
	int c, rc;

	if (argc < 2) {
		ctl_usage(stderr);
		return 2;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		ctl_usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "rules"))
		return ctl_rules_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "suggest"))
		return ctl_suggest_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "top"))
		return ctl_top_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return ctl_report_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "pcap"))
		return ctl_pcap_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "stats") && ctl_has_option(argc - 1, argv + 1, "--prometheus"))
		return ctl_prom_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "read") && (ctl_has_option(argc - 1, argv + 1, "--syslog") ||
				     ctl_has_option(argc - 1, argv + 1, "--syslog-socket") ||
				     ctl_has_option(argc - 1, argv + 1, "--syslog-facility")))
		return ctl_syslog_main(argc - 1, argv + 1);
	if (strcmp(cmd, "read") && strcmp(cmd, "alerts") && strcmp(cmd, "stats") &&
	    strcmp(cmd, "explain")) {
		fprintf(stderr, "nflogctl: unknown command '%s' (try: read, alerts, stats, "
			"explain, suggest, rules, top, report, pcap)\n", cmd);
		return 2;
	}
	opterr = 0;
	optind = 2;
	/* "+": stop at the first operand, so "explain icmp 3/4" keeps its words. */
	while ((c = getopt_long(argc, argv, "+:fhn:", lopts, NULL)) != -1) {
		switch (c) {
		case O_RING:
			path = optarg;
			break;
		case O_JSON:
			json = true;
			break;
		case O_LOCALKB:
			local_path = optarg;
			local_given = true;
			break;
		case 'f':
			follow = true;
			break;
		case 'n':
			if ((rc = opts_uint(optarg, 1, UINT32_MAX, &last)) < 0) {
				fprintf(stderr, "nflogctl: bad -n '%s': want a count 1..%u\n",
					optarg, UINT32_MAX);
				return 2;
			}
			break;
		case 'h':
			ctl_usage(stdout);
			return 0;
		default:
			return ctl_bad_option(c, argv);
		}
	}
	if (optind < argc && strcmp(cmd, "explain"))
		return ctl_extra_argument(argv);
	if (strcmp(cmd, "read") && strcmp(cmd, "alerts") && (follow || last)) {
		fprintf(stderr, "nflogctl: -n and -f belong to read and alerts\n");
		return 2;
	}
	if (!(kb = ctl_load_kb(local_path, local_given)))
		return 1;
	if (!strcmp(cmd, "explain"))
		rc = ctl_explain(kb, argc - optind, argv + optind);
	else if (!strcmp(cmd, "stats"))
		rc = ctl_stats(path, kb, json);
	else
		rc = ctl_read(path, kb, last, follow, json, !strcmp(cmd, "alerts"));
	kb_free((struct kb *)kb);
	return rc;
}

int ctl_bad_option(int c, char **argv)
{
	if (c == ':')
		fprintf(stderr, "nflogctl: option %s needs an argument\n", argv[optind - 1]);
	else
		fprintf(stderr, "nflogctl: unknown option '%s'\n", argv[optind - 1]);
	return 2;
}

int ctl_extra_argument(char **argv)
{
	fprintf(stderr, "nflogctl: unexpected argument '%s'\n", argv[optind]);
	return 2;
}

const struct kb *ctl_load_kb(const char *path, bool given)
{
	struct kb *local;
	char err[512];

	if (!given && access(path, R_OK) != 0)
		return kb_builtin();
	local = kb_load(path, err, sizeof(err));
	if (!local)
		fprintf(stderr, "nflogctl: local kb: %s\n", err);
	return local;
}
