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

/*
 * What of a batch is still to hand on, per segment: one bit per position
 * from the segment's first record in the batch (base) to the end of the
 * collect, set while that record is pending. A segment's cursor may move
 * to the first pending position (ptr): everything below it was handed on
 * or was nothing to hand on (lapped, damaged, a kind not asked for). A
 * batch can hold a whole ring (a reader catching up), so the cursor moves
 * and is saved within it too, every CS_CHUNK records, not only at its end.
 */
#define CS_CHUNK	4096	/* records between flushes and cursor moves in one batch */

struct cs_pend {
	uint64_t	*base, *ptr;	/* per segment */
	size_t		*off;		/* per segment: its first bit in bits */
	uint64_t	*bits;
};

static void cs_pend_free(struct cs_pend *p)
{
	free(p->base);
	free(p->ptr);
	free(p->off);
	free(p->bits);
}

static bool cs_pend_bit(const struct cs_pend *p, uint32_t s, uint64_t pos)
{
	size_t b = p->off[s] + (size_t)(pos - p->base[s]);

	return p->bits[b / 64] >> (b % 64) & 1;
}

static void cs_pend_set(struct cs_pend *p, const struct ringscan_item *it, bool on)
{
	size_t b = p->off[it->seg] + (size_t)(it->pos - p->base[it->seg]);

	if (on)
		p->bits[b / 64] |= UINT64_C(1) << (b % 64);
	else
		p->bits[b / 64] &= ~(UINT64_C(1) << (b % 64));
}

/* items[from..n) pending; c->pos holds the collect's end per segment. */
static int cs_pend_init(struct cs_pend *p, struct cs *c, const struct ringscan_item *items,
			size_t from, size_t n)
{
	uint32_t s, nsegs = c->cur.nsegs;
	size_t i, total = 0;

	p->base = calloc(nsegs, sizeof(*p->base));
	p->ptr = calloc(nsegs, sizeof(*p->ptr));
	p->off = calloc(nsegs, sizeof(*p->off));
	p->bits = NULL;
	if (!p->base || !p->ptr || !p->off)
		return -1;
	for (s = 0; s < nsegs; s++)
		p->base[s] = c->pos[s];
	for (i = 0; i < n; i++)
		if (items[i].pos < p->base[items[i].seg])
			p->base[items[i].seg] = items[i].pos;
	for (s = 0; s < nsegs; s++) {
		p->ptr[s] = p->base[s];
		p->off[s] = total;
		total += (size_t)(c->pos[s] - p->base[s]);	/* at most slots: one lap */
	}
	if (!(p->bits = calloc(total / 64 + 1, sizeof(*p->bits))))
		return -1;
	for (i = from; i < n; i++)
		cs_pend_set(p, &items[i], true);
	return 0;
}

/* Move each segment's cursor up to its first pending position. */
static void cs_pend_commit(struct cs *c, struct cs_pend *p)
{
	uint32_t s;

	for (s = 0; s < c->cur.nsegs; s++) {
		while (p->ptr[s] < c->pos[s] && !cs_pend_bit(p, s, p->ptr[s]))
			p->ptr[s]++;
		if (c->cur.seg[s].next != p->ptr[s])
			c->dirty = true;
		c->cur.seg[s].next = p->ptr[s];
	}
}

/* The record is handed on, not passed over by --since or a filter. */
static bool cs_wanted(const struct ctlstream_opts *o, const struct ringscan_item *it)
{
	return it->rec.ts_ns >= o->since_ns && (!o->filter || recfilter_match(o->filter, &it->rec));
}

/* Hand on items[from..n): 0, or -1 (errno) with the cursor at what got through. */
static int cs_hand_on(struct cs *c, const struct ringscan_item *items, size_t from, size_t n)
{
	const struct ctlstream_out *out = c->out;
	struct cs_pend p;
	size_t i, done = from;	/* items[from..done) are known to have got through */
	int rc = 0, e;

	if (cs_pend_init(&p, c, items, from, n) < 0) {
		cs_pend_free(&p);
		fprintf(stderr, "nflogctl: out of memory\n");
		errno = ENOMEM;
		return -1;
	}
	for (i = from; i < n && rc == 0; i++) {
		bool take = cs_wanted(c->o, &items[i]);

		if (take && out->record(out->ctx, c->rr, &items[i]) < 0) {
			rc = -1;
			break;
		}
		if (!out->flush || !take)	/* unbuffered, or passed over: done with */
			cs_pend_set(&p, &items[i], false);
		if ((i + 1 - from) % CS_CHUNK && i + 1 < n)
			continue;
		if (out->flush && out->flush(out->ctx) < 0) {
			rc = -1;
			break;
		}
		for (; out->flush && done <= i; done++)
			cs_pend_set(&p, &items[done], false);
		cs_pend_commit(c, &p);
		if (i + 1 < n && cs_save(c, false) < 0)
			rc = -1;
	}
	e = errno;
	cs_pend_commit(c, &p);	/* all of it, or what did get through */
	cs_pend_free(&p);
	errno = e;
	return rc;
}

/* One poll: 1 when records went out, 0 when none, -1 when the output failed. */
static int cs_drain(struct cs *c, uint64_t last)
{
	struct ringscan_stats st = { .seg_lapped = c->lapped };
	struct ringscan_item *items;
	size_t n, from;
	int rc;

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
	rc = cs_hand_on(c, items, from, n);
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
