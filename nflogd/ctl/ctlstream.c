/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlstream.c - the shipping loop with a cursor file (ctlstream.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl/ctlcommon.h"
#include "ctl/ctlgeo.h"
#include "ctl/ctlout.h"
#include "ctl/ctlstream.h"
#include "ring/ringcursor.h"
#include "util/json.h"

struct cs {
	struct ring_reader		*rr;
	const struct ctlstream_opts	*o;
	const struct ctlstream_out	*out;
	struct ringcursor		 cur;		/* what is handed on (saved when dirty) */
	uint64_t			*pos;		/* scratch: positions for one collect */
	uint64_t			*lapped;	/* scratch: per segment */
	uint64_t			 saved_ns;	/* when the cursor was last saved */
	bool				 dirty;		/* cur differs from the file */
	uint64_t			 skipped, damaged;	/* for the note at exit */
};

static void cs_time(char *buf, size_t size, uint64_t ts_ns)
{
	time_t secs = (time_t)(ts_ns / 1000000000u);
	struct tm tm;

	if (!gmtime_r(&secs, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(buf, size, "1970-01-01T00:00:00");
}

int ctlstream_skipped_text(char *buf, size_t size, uint64_t ts_ns, uint32_t seg,
			   uint32_t group, uint64_t n)
{
	char t[32];

	cs_time(t, sizeof(t), ts_ns);
	return snprintf(buf, size, "%s.%06" PRIu64 "Z SKIPPED %" PRIu64 " records of segment %"
			PRIu32 " (group %" PRIu32 "): overwritten before they could be read", t,
			ts_ns % 1000000000u / 1000u, n, seg, group);
}

int ctlstream_skipped_json(char *buf, size_t size, const struct hostid *host, uint64_t ts_ns,
			   uint32_t seg, uint32_t group, uint64_t n)
{
	char t[32], name[600], id[64] = "";

	cs_time(t, sizeof(t), ts_ns);
	json_quote(name, sizeof(name), host->name, sizeof(host->name));
	if (host->id[0])
		snprintf(id, sizeof(id), ",\"id\":\"%s\"", host->id);
	return snprintf(buf, size, "{\"@timestamp\":\"%s.%09" PRIu64 "Z\",\"event\":{\"action\":"
			"\"skipped\",\"kind\":\"event\"},\"host\":{\"name\":%s%s},\"message\":\""
			"%" PRIu64 " records of segment %" PRIu32 " overwritten before they could "
			"be read\",\"nflog\":{\"skipped\":%" PRIu64 ",\"segment\":%" PRIu32
			",\"group\":%" PRIu32 "}}", t, ts_ns % 1000000000u, name, id, n, seg, n,
			seg, group);
}

static int cs_save(struct cs *c, bool force)
{
	char err[512];
	uint64_t now = ctl_now_ns();

	if (!c->o->cursor || !c->dirty ||
	    (!force && now - c->saved_ns < (uint64_t)CTLSTREAM_SAVE_MS * 1000000u))
		return 0;
	if (ringcursor_save(c->o->cursor, &c->cur, err, sizeof(err)) < 0) {
		fprintf(stderr, "nflogctl: cursor: %s\n", err);
		return -1;
	}
	c->saved_ns = now;
	c->dirty = false;
	return 0;
}

/* Where a new cursor starts: the oldest record still there, the last N, or
 * the heads (-n 0); -f without -n: the last CTLSTREAM_TAIL. */
static void cs_start(struct cs *c, uint64_t *last)
{
	uint64_t slots = ringread_slots(c->rr);
	uint32_t s;

	ringcursor_init(&c->cur, c->rr);
	if (!*last && c->o->follow && !c->o->cursor)
		*last = CTLSTREAM_TAIL;
	for (s = 0; s < c->cur.nsegs; s++) {
		uint64_t head = ringread_head(c->rr, s);

		c->cur.seg[s].next = *last == CTL_LAST_NONE ? head : head > slots ? head - slots : 0;
		/* -n N: no segment can contribute more than N of the last N. */
		if (*last && *last != CTL_LAST_NONE && head - c->cur.seg[s].next > *last)
			c->cur.seg[s].next = head - *last;
	}
	if (*last == CTL_LAST_NONE)
		*last = 0;
	c->dirty = true;
}

/* The cursor from the file, or a new one; -1 after saying why. */
static int cs_open(struct cs *c, uint64_t *last)
{
	char err[512];
	int rc;

	if (!c->o->cursor || c->o->reset) {
		cs_start(c, last);
		return 0;
	}
	rc = ringcursor_load(c->o->cursor, &c->cur, err, sizeof(err));
	if (rc == 1) {
		cs_start(c, last);
		return 0;
	}
	if (rc == 0 && ringcursor_match(&c->cur, c->rr, err, sizeof(err)) < 0) {
		fprintf(stderr, "nflogctl: refusing the cursor %s: %s; --cursor-reset starts "
			"over\n", c->o->cursor, err);
		return -1;
	}
	if (rc < 0) {	/* err is "FILE: reason" */
		fprintf(stderr, "nflogctl: refusing the cursor %s; --cursor-reset starts over\n",
			err);
		return -1;
	}
	*last = 0;	/* a cursor says where to go on from */
	return 0;
}

/* Before a collect: segments we do not read move with their head; a cursor
 * ahead of its head (the file lost its newest pages in a machine crash) is
 * said and restarted there. */
static void cs_prepare(struct cs *c)
{
	uint32_t s;

	for (s = 0; s < c->cur.nsegs; s++) {
		uint64_t head = ringread_head(c->rr, s);

		if (c->o->alerts && ringread_seg(c->rr, s)->role != RING_SEG_ALERT &&
		    c->cur.seg[s].next != head) {
			c->cur.seg[s].next = head;
			c->dirty = true;
		} else if (c->cur.seg[s].next > head) {
			fprintf(stderr, "nflogctl: segment %" PRIu32 ": the cursor is %" PRIu64
				" records ahead of the ring (lost in a crash?); going on from "
				"the ring's newest\n", s, c->cur.seg[s].next - head);
			c->cur.seg[s].next = head;
			c->dirty = true;
		}
		c->pos[s] = c->cur.seg[s].next;
		c->lapped[s] = 0;
	}
}

static int cs_report_skips(struct cs *c)
{
	uint64_t now = ctl_now_ns();
	uint32_t s;

	for (s = 0; s < c->cur.nsegs; s++) {
		if (!c->lapped[s])
			continue;
		fprintf(stderr, "nflogctl: skipped %" PRIu64 " records of segment %" PRIu32
			" (group %" PRIu32 "): the ring overwrote them before they could be "
			"read\n", c->lapped[s], s, c->cur.seg[s].group);
		c->skipped += c->lapped[s];
		if (c->out->skipped(c->out->ctx, now, s, c->cur.seg[s].group, c->lapped[s]) < 0)
			return -1;
	}
	return 0;
}

/* After items[0..k) of a batch went out and items[k] did not: each segment
 * goes on from its first record not handed on. */
static void cs_partial(struct cs *c, const struct ringscan_item *items, size_t k, size_t n)
{
	size_t i;

	for (i = k; i < n; i++)
		if (items[i].pos < c->pos[items[i].seg])
			c->pos[items[i].seg] = items[i].pos;
}

static void cs_commit(struct cs *c)
{
	uint32_t s;

	for (s = 0; s < c->cur.nsegs; s++) {
		if (c->cur.seg[s].next != c->pos[s])
			c->dirty = true;
		c->cur.seg[s].next = c->pos[s];
	}
}

/* One poll: 1 when records went out, 0 when none, -1 when the output failed. */
static int cs_drain(struct cs *c, uint64_t last)
{
	struct ringscan_stats st = { .seg_lapped = c->lapped };
	struct ringscan_item *items;
	size_t n, i, from;
	int rc = 0;

	cs_prepare(c);
	if (ringscan_collect(c->rr, c->pos, 0, c->o->alerts ? RINGSCAN_ALERTS :
			     RINGSCAN_DROPS | RINGSCAN_ALERTS, &items, &n, &st) < 0) {
		fprintf(stderr, "nflogctl: out of memory\n");
		errno = ENOMEM;
		return -1;
	}
	c->damaged += st.damaged;
	from = last && n > last ? n - last : 0;
	if (cs_report_skips(c) < 0) {
		free(items);	/* the next run finds the same gap and says it again */
		return -1;
	}
	for (i = from; rc == 0 && i < n; i++)
		if (c->out->record(c->out->ctx, c->rr, &items[i]) < 0)
			rc = -1;
	if (rc == 0 && c->out->flush && c->out->flush(c->out->ctx) < 0)
		rc = -1;
	if (rc == 0) {
		cs_commit(c);
	} else if (!c->out->flush) {
		/* Unbuffered: items before items[i-1] went out, items[i-1] did not. */
		cs_partial(c, items, i - 1, n);
		cs_commit(c);
	}	/* buffered: nothing of this batch is known to have got through */
	free(items);
	return rc < 0 ? -1 : n > from;
}

static int cs_loop(struct cs *c, uint64_t last)
{
	struct timespec pause = { 0, CTLSTREAM_POLL_MS * 1000000L };

	if (cs_drain(c, last) < 0)
		return -1;
	while (c->o->follow && !*c->o->stop) {
		if (cs_save(c, false) < 0)
			return -1;
		nanosleep(&pause, NULL);
		if (*c->o->stop)
			break;
		ctl_geoip_poll(c->o->geo);	/* a file geoipupdate replaced: reopen it */
		if (cs_drain(c, 0) < 0)
			return -1;
	}
	return 0;
}

int ctlstream_run(struct ring_reader *rr, const struct ctlstream_opts *o,
		  const struct ctlstream_out *out)
{
	struct cs c = { .rr = rr, .o = o, .out = out };
	uint32_t nsegs = ringread_nsegs(rr);
	uint64_t last = o->last;
	int rc = 0, e;

	c.pos = calloc(nsegs, sizeof(*c.pos));
	c.lapped = calloc(nsegs, sizeof(*c.lapped));
	if (!c.pos || !c.lapped) {
		fprintf(stderr, "nflogctl: out of memory\n");
		rc = 1;
	} else if (cs_open(&c, &last) < 0) {
		rc = 1;
	} else if (cs_loop(&c, last) < 0) {
		e = errno;
		if (e != EPIPE) {
			fprintf(stderr, "nflogctl: writing to %s failed: %s\n", out->what,
				strerror(e));
			rc = 1;
		}
	}
	if (c.pos && c.lapped && (rc == 0 || c.dirty) && cs_save(&c, true) < 0)
		rc = 1;
	if (c.damaged)
		fprintf(stderr, "nflogctl: skipped %" PRIu64 " damaged records\n", c.damaged);
	free(c.pos);
	free(c.lapped);
	return rc;
}
