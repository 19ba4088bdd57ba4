/* nflogctl.c - read the ring file: drops in time order (text or JSON Lines),
 * follow mode, counters. Read-only: it maps the file PROT_READ and needs no
 * privilege beyond read access to it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "opts.h"
#include "recfmt.h"
#include "ringread.h"

#define NFLOGCTL_RING_DEFAULT	"/var/lib/nflogd/drops.ring"
#define NFLOGCTL_FOLLOW_MS	100	/* ms between polls of the segment heads */
#define NFLOGCTL_FOLLOW_TAIL	10	/* records shown before following, like tail -f */

/* One record and where it came from, for merging segments by time. */
struct ctl_item {
	struct ring_rec	rec;
	uint64_t	pos;
	uint32_t	seg;
};

struct ctl_read {
	struct ring_reader	*rr;
	bool			 json;
	uint64_t		 lapped;	/* overwritten before we could read them */
	uint64_t		 damaged;	/* torn or failed checksum */
	uint64_t		*cursor;	/* per segment: next position to read */
};

static void ctl_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl read  [--ring PATH] [-n N] [-f|--follow] [--json]\n"
"       nflogctl stats [--ring PATH] [--json]\n"
"       nflogctl help\n"
"  --ring PATH   ring file (default " NFLOGCTL_RING_DEFAULT ")\n"
"  -n N          only the last N drops\n"
"  -f, --follow  keep printing drops as they arrive\n"
"  --json        JSON Lines (doc/json-schema.md) instead of text\n");
}

static int ctl_item_cmp(const void *a, const void *b)
{
	const struct ctl_item *x = a, *y = b;

	if (x->rec.ts_ns != y->rec.ts_ns)
		return x->rec.ts_ns < y->rec.ts_ns ? -1 : 1;
	if (x->seg != y->seg)
		return x->seg < y->seg ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void ctl_print(struct ctl_read *c, const struct ctl_item *it)
{
	char line[RECFMT_LINE_MAX], pfx[RING_PREFIX_LEN], in[RING_IFNAMSIZ], out[RING_IFNAMSIZ];
	struct recfmt_ctx ctx = {
		.prefix = ringread_prefix(c->rr, it->seg, it->rec.prefix_id, pfx, sizeof(pfx)),
		.ifname_in = ringread_ifname(c->rr, it->rec.ifindex_in, in, sizeof(in)),
		.ifname_out = ringread_ifname(c->rr, it->rec.ifindex_out, out, sizeof(out)),
		.pos = it->pos,
	};

	if (c->json)
		recfmt_json(line, sizeof(line), &it->rec, &ctx);
	else
		recfmt_text(line, sizeof(line), &it->rec, &ctx);
	puts(line);
}

/* Copy the valid records of [from, to) of every segment into a new array. */
static struct ctl_item *ctl_collect(struct ctl_read *c, const uint64_t *to, size_t *n)
{
	uint32_t s, nsegs = ringread_nsegs(c->rr);
	uint64_t slots = ringread_slots(c->rr), pos, total = 0;
	struct ctl_item *items;

	for (s = 0; s < nsegs; s++) {
		if (to[s] > slots && c->cursor[s] < to[s] - slots) {
			c->lapped += to[s] - slots - c->cursor[s];
			c->cursor[s] = to[s] - slots;
		}
		total += to[s] - c->cursor[s];
	}
	*n = 0;
	items = malloc((total ? total : 1) * sizeof(*items));
	if (!items)
		return NULL;
	for (s = 0; s < nsegs; s++) {
		for (pos = c->cursor[s]; pos < to[s]; pos++) {
			struct ctl_item *it = &items[*n];

			switch (ringread_get(c->rr, s, pos, &it->rec)) {
			case RINGREAD_OK:
				it->pos = pos;
				it->seg = s;
				(*n)++;
				break;
			case RINGREAD_LAPPED:
				c->lapped++;
				break;
			default:
				c->damaged++;
				break;
			}
		}
		c->cursor[s] = to[s];
	}
	qsort(items, *n, sizeof(*items), ctl_item_cmp);
	return items;
}

/* Print everything new up to the current heads; returns records printed or -1. */
static long ctl_drain(struct ctl_read *c, uint64_t *heads, uint64_t last)
{
	uint32_t s, nsegs = ringread_nsegs(c->rr);
	struct ctl_item *items;
	size_t n, i;

	for (s = 0; s < nsegs; s++) {
		heads[s] = ringread_head(c->rr, s);
		if (heads[s] < c->cursor[s])	/* a new file under the same name */
			c->cursor[s] = heads[s];
		/* -n N: no segment can contribute more than N of the last N. */
		if (last && heads[s] - c->cursor[s] > last)
			c->cursor[s] = heads[s] - last;
	}
	items = ctl_collect(c, heads, &n);
	if (!items)
		return -1;
	i = last && n > last ? n - last : 0;
	for (; i < n; i++)
		ctl_print(c, &items[i]);
	free(items);
	return (long)n;
}

static int ctl_read(const char *path, uint64_t last, bool follow, bool json)
{
	struct timespec pause = { 0, NFLOGCTL_FOLLOW_MS * 1000000L };
	struct ctl_read c = { .json = json };
	uint64_t *heads;
	char err[512];
	int rc = 0;

	c.rr = ringread_open(path, err, sizeof(err));
	if (!c.rr) {
		fprintf(stderr, "nflogctl: %s\n", err);
		return 1;
	}
	c.cursor = calloc(ringread_nsegs(c.rr), sizeof(*c.cursor));
	heads = calloc(ringread_nsegs(c.rr), sizeof(*heads));
	if (!c.cursor || !heads) {
		fprintf(stderr, "nflogctl: out of memory\n");
		rc = 1;
		goto out;
	}
	if (follow && !last)
		last = NFLOGCTL_FOLLOW_TAIL;
	if (ctl_drain(&c, heads, last) < 0)
		rc = 1;
	while (follow && rc == 0) {
		if (fflush(stdout) == EOF)
			break;
		nanosleep(&pause, NULL);
		if (ctl_drain(&c, heads, 0) < 0)
			rc = 1;
	}
	if (c.lapped || c.damaged)
		fprintf(stderr, "nflogctl: skipped %llu records overwritten by the writer "
			"before they could be read, %llu damaged\n",
			(unsigned long long)c.lapped, (unsigned long long)c.damaged);
out:
	free(heads);
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

static void ctl_stats_json(struct ring_reader *rr, const char *path)
{
	uint32_t s, nsegs = ringread_nsegs(rr);
	uint64_t total[__RING_CTR_MAX] = { 0 };
	unsigned c;

	/* path is printed through %s only if it needs no escaping. */
	printf("{\"ring\":\"");
	for (const char *p = path; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	printf("\",\"state\":\"%s\",\"slots\":%llu,\"segments\":[",
	       ctl_state_str(ringread_hdr(rr)->state), (unsigned long long)ringread_slots(rr));
	for (s = 0; s < nsegs; s++) {
		const struct ring_seg_hdr *h = ringread_seg(rr, s);

		printf("%s{\"segment\":%u,\"group\":%u,", s ? "," : "", s, h->group);
		if (h->cpu >= 0)
			printf("\"cpu\":%d,", h->cpu);
		printf("\"head\":%llu,\"counters\":{", (unsigned long long)ringread_head(rr, s));
		for (c = 0; c < __RING_CTR_MAX; c++) {
			uint64_t v = ringread_ctr(rr, s, c);

			total[c] += v;
			printf("%s\"%s\":%llu", c ? "," : "", ringread_ctr_name(c),
			       (unsigned long long)v);
		}
		printf("}}");
	}
	printf("],\"total\":{");
	for (c = 0; c < __RING_CTR_MAX; c++)
		printf("%s\"%s\":%llu", c ? "," : "", ringread_ctr_name(c),
		       (unsigned long long)total[c]);
	printf("}}\n");
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

		if (h->cpu >= 0)
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
		printf("%-14s %12llu", ringread_ctr_name(c), (unsigned long long)total);
		for (s = 0; s < nsegs && s < 8; s++)
			printf(" %12llu", (unsigned long long)ringread_ctr(rr, s, c));
		putchar('\n');
	}
	if (nsegs > 8)
		printf("(%u more segments: see --json)\n", nsegs - 8);
}

static int ctl_stats(const char *path, bool json)
{
	struct ring_reader *rr;
	char err[512];

	rr = ringread_open(path, err, sizeof(err));
	if (!rr) {
		fprintf(stderr, "nflogctl: %s\n", err);
		return 1;
	}
	if (json)
		ctl_stats_json(rr, path);
	else
		ctl_stats_text(rr, path);
	ringread_close(rr);
	return fflush(stdout) == EOF ? 1 : 0;
}

int main(int argc, char **argv)
{
	enum { O_RING = 256, O_JSON };
	static const struct option lopts[] = {
		{ "ring",   required_argument, NULL, O_RING },
		{ "json",   no_argument,       NULL, O_JSON },
		{ "follow", no_argument,       NULL, 'f' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd, *path = NFLOGCTL_RING_DEFAULT;
	bool json = false, follow = false;
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
	if (strcmp(cmd, "read") && strcmp(cmd, "stats")) {
		fprintf(stderr, "nflogctl: unknown command '%s' (try: read, stats)\n", cmd);
		return 2;
	}
	opterr = 0;
	optind = 2;
	while ((c = getopt_long(argc, argv, ":fhn:", lopts, NULL)) != -1) {
		switch (c) {
		case O_RING:
			path = optarg;
			break;
		case O_JSON:
			json = true;
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
		case ':':
			fprintf(stderr, "nflogctl: option %s needs an argument\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "nflogctl: unknown option '%s'\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nflogctl: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!strcmp(cmd, "stats")) {
		if (follow || last) {
			fprintf(stderr, "nflogctl: stats takes only --ring and --json\n");
			return 2;
		}
		return ctl_stats(path, json);
	}
	return ctl_read(path, last, follow, json);
}
