/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_read.c - `nflogctl read` and `nflogctl alerts`: the drops (and alerts)
 * or only the alerts, in time order, as text or JSON Lines; -n N for the
 * last N, -f to keep following like tail -f. Read-only: the ring is mapped
 * PROT_READ and needs no privilege beyond read access to it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "ctl/cmd.h"
#include "ctl/ctlcommon.h"
#include "ctl/ctlgeo.h"
#include "ctl/ctlline.h"
#include "ctl/ctlout.h"
#include "report/recfilter.h"
#include "report/recfmt.h"
#include "ring/ringread.h"
#include "ring/ringscan.h"

#define NFLOGCTL_FOLLOW_MS	100	/* ms between polls of the segment heads */
#define NFLOGCTL_FOLLOW_TAIL	10	/* records shown before following, like tail -f */
#define NFLOGCTL_STDOUT_BUF	(1u << 20)	/* bytes of stdio buffer, not a terminal */

struct ctl_read {
	struct ring_reader	*rr;
	const struct kb		*kb;
	const struct services	*services;	/* names for ports the kb lacks, or NULL */
	struct geoip		*geo;		/* country and AS of the addresses, or NULL */
	bool			 json;
	bool			 alerts;	/* only the alert segment */
	bool			 every_state;	/* alerts: every state, not the latest per id */
	bool			 only_new;	/* -n 0: none of the records already there */
	const struct recfilter	*filter;	/* --src, --port, ...: which are shown */
	struct recfmt_memo	*memo;		/* the kb rows' text, or NULL */
	uint64_t		 since_ns;	/* --since: none older; 0: all */
	struct ringscan_stats	 skipped;	/* overwritten before the copy, or damaged */
	uint64_t		*cursor;	/* per segment: next position to read */
};

static void ctl_print(struct ctl_read *c, const struct ringscan_item *it)
{
	const struct ctlline_src src = { .kb = c->kb, .services = c->services, .geo = c->geo,
					 .json = c->json, .memo = c->memo };
	char line[RECFMT_LINE_MAX];
	size_t n;
	int len;

	len = ctlline_format(line, sizeof(line), c->rr, it, &src);
	/* What puts() wrote, without its strlen: a cut line is size - 1 long;
	 * its NUL becomes the newline. */
	n = len < 0 ? 0 : (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1;
	line[n] = '\n';
	fwrite(line, 1, n + 1, stdout);
}

static int ctl_alert_id_cmp(const void *a, const void *b)
{
	const struct ringscan_item *x = a, *y = b;
	uint32_t ix = ring_rec_alert_id(&x->rec), iy = ring_rec_alert_id(&y->rec);

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
		if (i + 1 == n || ring_rec_alert_id(&items[i + 1].rec) != ring_rec_alert_id(&items[i].rec))
			items[k++] = items[i];
	qsort(items, k, sizeof(*items), ringscan_item_cmp);
	return k;
}

/* Keep the items the filter lets through, in order; returns how many. */
static size_t ctl_filter_items(const struct recfilter *f, struct ringscan_item *items, size_t n)
{
	size_t i, k = 0;

	if (!recfilter_active(f))
		return n;
	for (i = 0; i < n; i++)
		if (recfilter_match(f, &items[i].rec))
			items[k++] = items[i];
	return k;
}

struct ctl_each {
	struct ctl_read	*c;
	long		 n;	/* records the filter let through */
};

static int ctl_print_one(void *arg, const struct ringscan_item *it)
{
	struct ctl_each *e = arg;

	if (recfilter_active(e->c->filter) && !recfilter_match(e->c->filter, &it->rec))
		return 0;
	e->n++;
	ctl_print(e->c, it);
	return 0;
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
		/* -n N: no segment can contribute more than N of the last N
		 * (of the last N that a filter lets through, any may). */
		else if (last && !recfilter_active(c->filter) && head > c->cursor[s] &&
			 head - c->cursor[s] > last)
			c->cursor[s] = head - last;
	}
	/* All of them, in order: each record is printed as it is copied, no
	 * copy of the whole ring is made (-n and alerts' latest state need
	 * the whole set first). */
	if (!last && !c->alerts) {
		struct ctl_each e = { .c = c };

		if (ringscan_each(c->rr, c->cursor, c->since_ns, RINGSCAN_DROPS | RINGSCAN_ALERTS,
				  ctl_print_one, &e, &c->skipped) < 0)
			return -1;
		return e.n;
	}
	if (ringscan_collect(c->rr, c->cursor, c->since_ns,
			     c->alerts ? RINGSCAN_ALERTS : RINGSCAN_DROPS | RINGSCAN_ALERTS,
			     &items, &n, &c->skipped) < 0)
		return -1;
	if (c->alerts && !c->every_state)
		n = ctl_latest_per_alert(items, n);
	n = ctl_filter_items(c->filter, items, n);
	i = last && n > last ? n - last : 0;
	for (; i < n; i++)
		ctl_print(c, &items[i]);
	free(items);
	return (long)n;
}

/* c: kb, services, geo, json and alerts set. */
static int ctl_read(const char *path, struct ctl_read *cp, uint64_t last, bool follow)
{
	struct timespec pause = { 0, NFLOGCTL_FOLLOW_MS * 1000000L };
	struct ctl_read c = *cp;
	int rc = 0;

	c.rr = ctl_ring_open(path, c.kb);
	if (!c.rr)
		return 1;
	/* Into a pipe or file, a line at a time costs a write per 4 KiB;
	 * a terminal keeps its line buffering. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, NFLOGCTL_STDOUT_BUF);
	c.cursor = calloc(ringread_nsegs(c.rr), sizeof(*c.cursor));
	if (!c.cursor) {
		fprintf(stderr, "nflogctl: out of memory\n");
		rc = 1;
		goto out;
	}
	if (follow && !last && !c.only_new)
		last = NFLOGCTL_FOLLOW_TAIL;
	if (c.only_new)		/* -n 0: start at the heads */
		for (uint32_t s = 0; s < ringread_nsegs(c.rr); s++)
			c.cursor[s] = ringread_head(c.rr, s);
	else if (ctl_drain(&c, last) < 0)
		rc = 1;
	c.every_state = true;	/* following: each new state as it comes */
	while (follow && rc == 0) {
		if (fflush(stdout) == EOF)
			break;
		nanosleep(&pause, NULL);
		ctl_geoip_poll(c.geo);	/* a file geoipupdate replaced: reopen it */
		if (ctl_drain(&c, 0) < 0)
			rc = 1;
	}
	ctl_report_skipped(&c.skipped);
	ctl_geoip_warnings(c.geo);
out:
	free(c.cursor);
	ringread_close(c.rr);
	if (fflush(stdout) == EOF && errno != EPIPE)
		rc = 1;
	return rc;
}

/* The options read and alerts share after their own first lines. */
static void ctl_filter_usage(FILE *f)
{
	fprintf(f,
"  --since D        only the last D (90s, 30m, 2h, 7d)\n"
"  filters (different ones must all match; one given again: any of its values):\n"
"  --src ADDR[/PREFIX], --dst ADDR[/PREFIX]   source, destination (IPv4 or IPv6)\n"
"  --port N, --sport N  destination port (an alert: in its port range), source port\n"
"  --proto P        tcp, udp, icmp, icmpv6 (or a protocol number)\n"
"  --verdict V      unknown, expected, noise, suspicious or hostile\n"
"  --kb CATEGORY    the kb category, as explain shows it (trojan, worm, noise, ...)\n");
}

static void ctl_read_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl read [--ring PATH] [--local-kb PATH] [-n N] [-f|--follow] [--json]\n"
"                    [--cursor FILE [--cursor-reset]] [--syslog [...]]\n"
"                     [--since D] [--src ADDR[/PREFIX]] [--dst ADDR[/PREFIX]] [--port N]\n"
"                     [--sport N] [--proto P] [--verdict V] [--kb CATEGORY]\n"
"  the drops and the alerts in the ring, oldest first\n"
"  --ring PATH      ring file (default " NFLOGCTL_RING_DEFAULT ")\n"
"  --local-kb PATH  site knowledge (default " NFLOGCTL_LOCAL_KB ", used when present)\n"
"  -n N             only the last N (0..%u; 0: none, with -f only new ones)\n"
"  -f, --follow     keep printing as they arrive (from the last 10, or -n N)\n"
"  --json           JSON Lines (doc/json-schema.md) instead of text\n"
"  --cursor FILE    go on after the last record handed on (read --cursor --help)\n"
"  --syslog         syslog messages instead (read --syslog --help)\n",
		UINT32_MAX);
	ctl_filter_usage(f);
}

static void ctl_alerts_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl alerts [--ring PATH] [--local-kb PATH] [-n N] [-f|--follow] [--json]\n"
"                       [--since D] [--type T] [--src ADDR[/PREFIX]] [--dst ...] [--port N]\n"
"                       [--proto P] [--verdict V] [--kb CATEGORY]\n"
"  only the alerts (scans, sweeps, decoys, ...), the latest state of each incident;\n"
"  with -f every new state as it is written\n"
"  --ring PATH      ring file (default " NFLOGCTL_RING_DEFAULT ")\n"
"  --local-kb PATH  site knowledge (default " NFLOGCTL_LOCAL_KB ", used when present)\n"
"  -n N             only the last N (0..%u; 0: none, with -f only new ones)\n"
"  -f, --follow     keep printing as they arrive\n"
"  --json           JSON Lines (doc/json-schema.md) instead of text\n"
"  --cursor FILE    go on after the last record handed on (alerts --cursor --help)\n"
"  --syslog         syslog messages instead (alerts --syslog --help)\n"
"  --type T         scan (port-scan), sweep, decoy (decoy-scan), traceroute, smurf,\n"
"                   fraggle, noise, heartbeat, ipid-sequence, ttl-jump, state-full\n",
		UINT32_MAX);
	ctl_filter_usage(f);
}

/* read and alerts: the same options, the same reader. */
static int ctl_read_command(int argc, char **argv, bool alerts)
{
	struct services *services;
	struct recfilter filter;
	struct ctl_readargs ra;
	struct ctl_read c;
	const struct kb *kb;
	struct geoip *geo;
	int rc;

	if ((rc = ctl_readargs_parse(argc, argv, alerts ? ctl_alerts_usage : ctl_read_usage, true,
				     false, &ra)) != CTL_RUN)
		return rc;
	if (!(kb = ctl_load_kb(&ra.args)))
		return 1;
	if ((rc = ctl_readargs_filter(&ra, kb, alerts, &filter)) != 0) {
		kb_free((struct kb *)kb);
		return rc;
	}
	if (ctl_load_services(&ra.args, &services) != 0) {
		kb_free((struct kb *)kb);
		return 1;
	}
	if (ctl_load_geoip(&ra.args, kb, &geo) != 0) {
		services_free(services);
		kb_free((struct kb *)kb);
		return 1;
	}
	c = (struct ctl_read){ .kb = kb, .services = services, .geo = geo, .json = ra.json,
			       .alerts = alerts, .filter = &filter,
			       /* NULL (no memory) only makes the text slower */
			       .memo = calloc(1, sizeof(struct recfmt_memo)),
			       .only_new = ra.last_set && !ra.last,
			       .since_ns = ctl_since_ns(ra.since) };
	rc = ctl_read(ra.args.ring, &c, ra.last, ra.follow);
	free(c.memo);
	geoip_free(geo);
	services_free(services);
	kb_free((struct kb *)kb);
	return rc;
}

int cmd_read_main(int argc, char **argv)
{
	return ctl_read_command(argc, argv, false);
}

int cmd_alerts_main(int argc, char **argv)
{
	return ctl_read_command(argc, argv, true);
}
