/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_ringcursor.c - the cursor file (ring/ringcursor.c) and the shipping loop that keeps it (ctl/ctlstream.c).
 *
 * Rings are real files made with the writer in a mkdtemp() directory: two
 * capture segments and the alert segment. Checked: a cursor round-trips
 * byte for byte; every damaged form (each prefix of a good file, each
 * flipped byte, numbers out of range, bytes after the checksum) is refused
 * with a reason; a cursor of another ring (re-created under the same name)
 * or another geometry is refused; the loop hands on every record once
 * across runs, resumes after a continued writer, reports exactly how many
 * records a wrapped ring took from a segment, after an output failure goes
 * on from the first record not handed on, and in a batch of a whole ring
 * moves its cursor with each flushed chunk.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl/ctlcommon.h"
#include "ctl/ctlstream.h"
#include "ring/ring.h"
#include "ring/ringcursor.h"
#include "ring/ringread.h"

#define SLOTS		16u
#define NSEGS		3u
#define RING_BYTES(nsegs, slots) ((uint64_t)RING_HDR_SIZE + \
	(uint64_t)(nsegs) * RING_SEGHDR_SIZE + (uint64_t)(nsegs) * (slots) * RING_REC_SIZE)

struct fx {
	char			 dir[64];
	char			 path[128];
	char			 cursor[128];
	struct ring		*ring;
	struct ring_writer	 w[NSEGS];
	uint64_t		 ts;
	uint64_t		 slots;		/* SLOTS, or more for the big-batch test */
};

static void fx_open(struct fx *f, uint32_t nsegs)
{
	struct ring_open_opts o = { .size = RING_BYTES(nsegs, f->slots ? f->slots : SLOTS),
				    .nsegs = nsegs, .path = f->path };
	char err[256];

	f->ring = ring_open(&o, err, sizeof(err));
	if (!f->ring)
		fail_msg("ring_open: %s", err);
	ring_writer_init(f->ring, &f->w[0], 0, 10, 0);
	ring_writer_init(f->ring, &f->w[1], 1, 11, 1);
	if (nsegs > 2)
		ring_writer_init_alerts(f->ring, &f->w[2], 2);
}

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_ringcursor.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/drops.ring", f->dir);
	snprintf(f->cursor, sizeof(f->cursor), "%s/ship.cursor", f->dir);
	fx_open(f, NSEGS);
	f->ts = 1700000000ull * 1000000000ull;
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	char old[256];

	ring_close(f->ring);
	unlink(f->path);
	unlink(f->cursor);
	snprintf(old, sizeof(old), "rm -f %s/*.old", f->dir);
	if (system(old) != 0)
		return -1;
	rmdir(f->dir);
	free(f);
	return 0;
}

/* A drop in segment seg whose dport says which one it is. */
static void put_drop(struct fx *f, unsigned seg, uint16_t tag)
{
	struct ring_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = RING_KIND_DROP;
	r.family = 4;
	r.proto = 17;
	r.ts_ns = f->ts++;
	r.group = seg == 0 ? 10 : 11;
	r.dport = tag;
	ring_append(&f->w[seg], &r);
	ring_publish(&f->w[seg]);
}

static struct ring_reader *reader(const struct fx *f)
{
	char err[256];
	struct ring_reader *rr = ringread_open(f->path, err, sizeof(err));

	if (!rr)
		fail_msg("ringread_open: %s", err);
	return rr;
}

static void test_round_trip(void **state)
{
	struct fx *f = *state;
	struct ring_reader *rr = reader(f);
	struct ringcursor c, d;
	char buf[RINGCURSOR_MAX_BYTES], buf2[RINGCURSOR_MAX_BYTES], err[256];
	int n;

	ringcursor_init(&c, rr);
	c.seg[0].next = 5;
	c.seg[1].next = UINT64_MAX;
	c.seg[2].next = 0;
	n = ringcursor_format(buf, sizeof(buf), &c);
	assert_true(n > 0 && (size_t)n < sizeof(buf));
	assert_int_equal(ringcursor_parse(buf, (size_t)n, &d, err, sizeof(err)), 0);
	assert_int_equal(ringcursor_match(&d, rr, err, sizeof(err)), 0);
	assert_int_equal(d.seg[0].next, 5);
	assert_true(d.seg[1].next == UINT64_MAX);
	assert_int_equal(d.seg[1].group, 11);
	assert_int_equal(d.seg[2].role, RING_SEG_ALERT);
	assert_int_equal(ringcursor_format(buf2, sizeof(buf2), &d), n);
	assert_memory_equal(buf, buf2, (size_t)n);
	/* saved and loaded */
	assert_int_equal(ringcursor_load(f->cursor, &d, err, sizeof(err)), 1);
	assert_int_equal(ringcursor_save(f->cursor, &c, err, sizeof(err)), 0);
	memset(&d, 0, sizeof(d));
	assert_int_equal(ringcursor_load(f->cursor, &d, err, sizeof(err)), 0);
	assert_int_equal(d.seg[0].next, 5);
	/* snprintf-like */
	assert_int_equal(ringcursor_format(NULL, 0, &c), n);
	ringread_close(rr);
}

static void expect_refused_n(const char *buf, size_t len, const char *why)
{
	struct ringcursor c;
	char err[256] = "";

	assert_int_equal(ringcursor_parse(buf, len, &c, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
	if (why && !strstr(err, why))
		fail_msg("'%s' lacks '%s'", err, why);
}

#define expect_refused(buf, len, why) expect_refused_n(buf, len, why)
#define expect_refused_s(str, why) expect_refused_n(str, strlen(str), why)

static void test_damaged(void **state)
{
	struct fx *f = *state;
	struct ring_reader *rr = reader(f);
	char buf[RINGCURSOR_MAX_BYTES], bad[RINGCURSOR_MAX_BYTES + 8];
	struct ringcursor c;
	size_t len, i;

	ringcursor_init(&c, rr);
	c.seg[1].next = 1234;
	len = (size_t)ringcursor_format(buf, sizeof(buf), &c);
	/* every truncation */
	for (i = 0; i < len; i++)
		expect_refused(buf, i, NULL);
	/* every flipped byte: the checksum or the grammar catches it */
	for (i = 0; i < len; i++) {
		memcpy(bad, buf, len);
		bad[i] ^= 0x01;
		expect_refused(bad, len, NULL);
	}
	memcpy(bad, buf, len);
	memcpy(bad + len, "x\n", 2);
	expect_refused(bad, len + 2, "after the checksum");
	expect_refused_s("nflogd-cursor 1\nring 1 0 16\n", "geometry");
	expect_refused_s("nflogd-cursor 1\nring 1 1 17\n", "geometry");
	expect_refused_s("nflogd-cursor 1\nring 1 1 16\nseg 0 1 10 01\ncrc 00000000\n", "seg INDEX");
	expect_refused_s("nflogd-cursor 1\nring 1 1 16\nseg 0 1 10 18446744073709551616\n"
		       "crc 00000000\n", "seg INDEX");
	expect_refused_s("nflogd-cursor 1\nring 1 1 16\nseg 1 1 10 5\ncrc 00000000\n", "order");
	expect_refused_s("nflogd-cursor 1\nring 1 1 16\nseg 0 1 10 5\ncrc 00000000\n", "checksum");
	expect_refused_s("garbage", "not an nflogctl cursor");
	memset(bad, 'a', sizeof(bad));
	expect_refused(bad, sizeof(bad), "too long");
	ringread_close(rr);
}

static void test_other_ring(void **state)
{
	struct fx *f = *state;
	struct ring_reader *rr = reader(f);
	struct ringcursor c;
	char err[256];

	ringcursor_init(&c, rr);
	ringread_close(rr);
	/* The daemon continues the file: the same ring. */
	ring_close(f->ring);
	fx_open(f, NSEGS);
	rr = reader(f);
	assert_int_equal(ringcursor_match(&c, rr, err, sizeof(err)), 0);
	ringread_close(rr);
	/* Another geometry: the file is moved aside and a new one made. */
	ring_close(f->ring);
	fx_open(f, 2);
	rr = reader(f);
	assert_int_equal(ringcursor_match(&c, rr, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "another ring"));
	c.created_ns = ringread_hdr(rr)->created_ns;
	assert_int_equal(ringcursor_match(&c, rr, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "segments"));
	ringread_close(rr);
}

/* A test output: the dport of each record, the skips, a failure on demand. */
struct out {
	uint16_t	 got[256];
	size_t		 n;
	uint64_t	 skipped[NSEGS];
	size_t		 fail_at;	/* the n-th record fails (0: none) */
	size_t		 flushed;	/* buffered: records up to the last flush */
};

static int out_record(void *ctx, struct ring_reader *rr, const struct ringscan_item *it)
{
	struct out *o = ctx;

	(void)rr;
	if (o->fail_at && o->n + 1 == o->fail_at) {
		errno = EIO;
		return -1;
	}
	if (o->n >= 256) {	/* the big batch: only counted */
		o->n++;
		return 0;
	}
	o->got[o->n++] = it->rec.kind == RING_KIND_ALERT ?
			 (uint16_t)(5000 + ring_rec_alert_id(&it->rec)) : it->rec.dport;
	return 0;
}

static int out_skipped(void *ctx, uint64_t ts_ns, uint32_t seg, uint32_t group, uint64_t n)
{
	struct out *o = ctx;

	(void)ts_ns;
	assert_int_equal(group, seg == 0 ? 10 : 11);
	o->skipped[seg] += n;
	return 0;
}

static int run_as(struct fx *f, struct out *o, bool reset, uint64_t last, bool alerts)
{
	static volatile sig_atomic_t stop;
	const struct ctlstream_opts so = { .cursor = f->cursor, .reset = reset, .last = last,
					   .stop = &stop, .alerts = alerts };
	const struct ctlstream_out out = { .record = out_record, .skipped = out_skipped,
					   .ctx = o, .what = "test" };
	struct ring_reader *rr = reader(f);
	int rc = ctlstream_run(rr, &so, &out);

	ringread_close(rr);
	return rc;
}

static int run(struct fx *f, struct out *o, bool reset, uint64_t last)
{
	return run_as(f, o, reset, last, false);
}

static void test_stream_resume_and_skip(void **state)
{
	struct fx *f = *state;
	struct out o = { .n = 0 };
	unsigned i;

	for (i = 0; i < 3; i++)
		put_drop(f, 0, (uint16_t)(100 + i));
	put_drop(f, 1, 200);
	assert_int_equal(run(f, &o, false, 0), 0);
	assert_int_equal(o.n, 4);
	assert_int_equal(o.got[3], 200);
	/* nothing new: nothing again */
	memset(&o, 0, sizeof(o));
	assert_int_equal(run(f, &o, false, 0), 0);
	assert_int_equal(o.n, 0);
	/* the daemon restarts and continues the file: only the new record */
	ring_close(f->ring);
	fx_open(f, NSEGS);
	put_drop(f, 0, 103);
	assert_int_equal(run(f, &o, false, 0), 0);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.got[0], 103);
	/* segment 0 wraps: 4 handed on, 16 + 5 more written, 5 overwritten unread */
	memset(&o, 0, sizeof(o));
	for (i = 0; i < SLOTS + 5; i++)
		put_drop(f, 0, (uint16_t)(1000 + i));
	assert_int_equal(run(f, &o, false, 0), 0);
	assert_int_equal(o.skipped[0], 5);
	assert_int_equal(o.skipped[1], 0);
	assert_int_equal(o.n, SLOTS);
	assert_int_equal(o.got[0], 1005);
	/* a failure at the 3rd record: the next run starts at it */
	memset(&o, 0, sizeof(o));
	for (i = 0; i < 4; i++)
		put_drop(f, i & 1, (uint16_t)(2000 + i));
	o.fail_at = 3;
	assert_int_equal(run(f, &o, false, 0), 1);
	assert_int_equal(o.n, 2);
	memset(&o, 0, sizeof(o));
	assert_int_equal(run(f, &o, false, 0), 0);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.got[0], 2002);
	assert_int_equal(o.got[1], 2003);
	/* --cursor-reset -n 3: the last 3 */
	memset(&o, 0, sizeof(o));
	assert_int_equal(run(f, &o, true, 3), 0);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.got[2], 2003);
	/* --cursor-reset -n 0: nothing, then only the new */
	memset(&o, 0, sizeof(o));
	assert_int_equal(run(f, &o, true, CTL_LAST_NONE), 0);
	assert_int_equal(o.n, 0);
	put_drop(f, 1, 3000);
	assert_int_equal(run(f, &o, false, 0), 0);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.got[0], 3000);
}

static void put_alert(struct fx *f, uint32_t id)
{
	union ring_slot u;

	memset(&u, 0, sizeof(u));
	u.alert.kind = RING_KIND_ALERT;
	u.alert.ts_ns = f->ts++;
	u.alert.alert_id = id;
	u.alert.type = RING_ALERT_PORTSCAN;
	u.alert.state = RING_ALERT_OPEN;
	ring_append(&f->w[2], &u.rec);
	ring_publish(&f->w[2]);
}

/* alerts --cursor: only the alert segment, every state, resumed like read. */
static void test_stream_alerts(void **state)
{
	struct fx *f = *state;
	struct out o = { .n = 0 };

	put_drop(f, 0, 1);
	put_alert(f, 1);
	put_alert(f, 1);
	put_drop(f, 1, 2);
	assert_int_equal(run_as(f, &o, false, 0, true), 0);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.got[0], 5001);
	assert_int_equal(o.got[1], 5001);
	for (unsigned i = 0; i < SLOTS + 3; i++)
		put_drop(f, 0, 3);	/* a wrapped capture segment is no loss to alerts */
	put_alert(f, 2);
	memset(&o, 0, sizeof(o));
	assert_int_equal(run_as(f, &o, false, 0, true), 0);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.got[0], 5002);
	assert_int_equal(o.skipped[0], 0);
}

static int out_flush(void *ctx)
{
	struct out *o = ctx;

	o->flushed = o->n;
	return 0;
}

/* A batch of a whole big ring (a reader catching up), buffered output that
 * fails in its second chunk: the cursor moved with the first chunk's flush,
 * so the next run repeats only what was not flushed. */
static int big_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->slots = 8192;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_ringcursor.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/drops.ring", f->dir);
	snprintf(f->cursor, sizeof(f->cursor), "%s/ship.cursor", f->dir);
	fx_open(f, NSEGS);
	f->ts = 1700000000ull * 1000000000ull;
	*state = f;
	return 0;
}

static void test_stream_chunks(void **state)
{
	static volatile sig_atomic_t stop;
	struct fx *f = *state;
	struct out o = { .fail_at = 6000 };
	const struct ctlstream_opts so = { .cursor = f->cursor, .stop = &stop };
	const struct ctlstream_out out = { .record = out_record, .skipped = out_skipped,
					   .flush = out_flush, .ctx = &o, .what = "test" };
	struct ring_reader *rr;
	struct ringcursor c;
	char err[256];
	unsigned i;

	for (i = 0; i < 8000; i++)
		put_drop(f, i % 2, 7);
	rr = reader(f);
	assert_int_equal(ctlstream_run(rr, &so, &out), 1);
	assert_int_equal(o.flushed, 4096);	/* one chunk flushed, the second failed */
	assert_int_equal(ringcursor_load(f->cursor, &c, err, sizeof(err)), 0);
	assert_int_equal(c.seg[0].next + c.seg[1].next, 4096);
	memset(&o, 0, sizeof(o));
	assert_int_equal(ctlstream_run(rr, &so, &out), 0);
	assert_int_equal(o.n, 8000 - 4096);
	ringread_close(rr);
}

static void test_stream_refuses(void **state)
{
	struct fx *f = *state;
	struct out o = { .n = 0 };
	FILE *fp;

	put_drop(f, 0, 1);
	assert_int_equal(run(f, &o, false, 0), 0);
	/* a corrupt cursor: refused, left alone; --cursor-reset starts over */
	fp = fopen(f->cursor, "a");
	assert_non_null(fp);
	fputs("junk\n", fp);
	fclose(fp);
	memset(&o, 0, sizeof(o));
	assert_int_equal(run(f, &o, false, 0), 1);
	assert_int_equal(o.n, 0);
	assert_int_equal(run(f, &o, true, 0), 0);
	assert_int_equal(o.n, 1);
	/* the ring re-created under the same name: refused */
	ring_close(f->ring);
	fx_open(f, 2);
	memset(&o, 0, sizeof(o));
	assert_int_equal(run(f, &o, false, 0), 1);
	assert_int_equal(o.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_damaged, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_other_ring, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_stream_resume_and_skip, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_stream_alerts, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_stream_chunks, big_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_stream_refuses, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
