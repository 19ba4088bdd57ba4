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

#include "ctl/cmd.h"
#include "ctl/ctlcommon.h"
#include "ctl/ctlgeo.h"
#include "ctl/ctlline.h"
#include "ctl/ctlout.h"
#include "report/recfmt.h"
#include "ring/ringread.h"
#include "ring/ringscan.h"

#define NFLOGCTL_FOLLOW_MS	100	/* ms between polls of the segment heads */
#define NFLOGCTL_FOLLOW_TAIL	10	/* records shown before following, like tail -f */

struct ctl_read {
	struct ring_reader	*rr;
	const struct kb		*kb;
	const struct services	*services;	/* names for ports the kb lacks, or NULL */
	struct geoip		*geo;		/* country and AS of the addresses, or NULL */
	bool			 json;
	bool			 alerts;	/* only the alert segment */
	bool			 every_state;	/* alerts: every state, not the latest per id */
	struct ringscan_stats	 skipped;	/* overwritten before the copy, or damaged */
	uint64_t		*cursor;	/* per segment: next position to read */
};

static void ctl_print(struct ctl_read *c, const struct ringscan_item *it)
{
	const struct ctlline_src src = { .kb = c->kb, .services = c->services, .geo = c->geo,
					 .json = c->json };
	char line[RECFMT_LINE_MAX];

	ctlline_format(line, sizeof(line), c->rr, it, &src);
	puts(line);
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

/* c: kb, services, geo, json and alerts set. */
static int ctl_read(const char *path, struct ctl_read *cp, uint64_t last, bool follow)
{
	struct timespec pause = { 0, NFLOGCTL_FOLLOW_MS * 1000000L };
	struct ctl_read c = *cp;
	int rc = 0;

	c.rr = ctl_ring_open(path, c.kb);
	if (!c.rr)
		return 1;
	c.cursor = calloc(ringread_nsegs(c.rr), sizeof(*c.cursor));
	if (!c.cursor) {
		fprintf(stderr, "nflogctl: out of memory\n");
		rc = 1;
		goto out;
	}
	if (last == CTL_LAST_NONE) {	/* -n 0: none of what is there, only what comes */
		uint32_t s;

		for (s = 0; s < ringread_nsegs(c.rr); s++)
			c.cursor[s] = ringread_head(c.rr, s);
	} else {
		if (follow && !last)
			last = NFLOGCTL_FOLLOW_TAIL;
		if (ctl_drain(&c, last) < 0)
			rc = 1;
	}
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

static void ctl_read_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl read [--ring PATH] [--local-kb PATH] [-n N] [-f|--follow] [--json]\n"
"                    [--cursor FILE [--cursor-reset]] [--syslog [...]]\n"
"  the drops and the alerts in the ring, oldest first\n"
"  --ring PATH      ring file (default " NFLOGCTL_RING_DEFAULT ")\n"
"  --local-kb PATH  site knowledge (default " NFLOGCTL_LOCAL_KB ", used when present)\n"
"  -n N             only the last N (0..%u; 0: none, with -f only new ones)\n"
"  -f, --follow     keep printing as they arrive (from the last 10, or -n N)\n"
"  --json           JSON Lines (doc/json-schema.md) instead of text\n"
"  --cursor FILE    go on after the last record handed on (read --cursor --help)\n"
"  --syslog         syslog messages instead (read --syslog --help)\n",
		UINT32_MAX);
}

static void ctl_alerts_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl alerts [--ring PATH] [--local-kb PATH] [-n N] [-f|--follow] [--json]\n"
"  only the alerts (scans, sweeps, decoys, ...), the latest state of each incident;\n"
"  with -f every new state as it is written\n"
"  --ring PATH      ring file (default " NFLOGCTL_RING_DEFAULT ")\n"
"  --local-kb PATH  site knowledge (default " NFLOGCTL_LOCAL_KB ", used when present)\n"
"  -n N             only the last N (0..%u; 0: none, with -f only new ones)\n"
"  -f, --follow     keep printing as they arrive\n"
"  --json           JSON Lines (doc/json-schema.md) instead of text\n"
"  --cursor FILE    go on after the last record handed on (alerts --cursor --help)\n"
"  --syslog         syslog messages instead (alerts --syslog --help)\n",
		UINT32_MAX);
}

/* read and alerts: the same options, the same reader. */
static int ctl_read_command(int argc, char **argv, bool alerts)
{
	struct services *services;
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
			       .alerts = alerts };
	rc = ctl_read(ra.args.ring, &c, ra.last, ra.follow);
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
