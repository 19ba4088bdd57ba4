/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_ringscan.c - every readable record of a ring, merged in time order.
 *
 * Rings are real files made with the writer (ring.c) in a mkdtemp()
 * directory: two capture segments and the alert segment, records whose
 * timestamps interleave across segments. Checked: the order `nflogctl read`
 * uses (ts, segment, position), the kind and --since filters, cursors that
 * return only what is new, and the accounting of lapped and damaged records;
 * ringscan_each hands over what ringscan_collect returns, in its order, and
 * counts the same.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ring/ring.h"
#include "ring/ringread.h"
#include "ring/ringscan.h"

#define SLOTS		16u
#define NSEGS		3u
#define RING_BYTES(nsegs, slots) ((uint64_t)RING_HDR_SIZE + \
	(uint64_t)(nsegs) * RING_SEGHDR_SIZE + (uint64_t)(nsegs) * (slots) * RING_REC_SIZE)

struct fx {
	char			 dir[64];
	char			 path[128];
	struct ring		*ring;
	struct ring_writer	 w[NSEGS];
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct ring_open_opts o = { .size = RING_BYTES(NSEGS, SLOTS), .nsegs = NSEGS };
	char err[256];

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_ringscan.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/drops.ring", f->dir);
	o.path = f->path;
	f->ring = ring_open(&o, err, sizeof(err));
	if (!f->ring) {
		fprintf(stderr, "ring_open: %s\n", err);
		return -1;
	}
	ring_writer_init(f->ring, &f->w[0], 0, 10, 0);
	ring_writer_init(f->ring, &f->w[1], 1, 11, 1);
	ring_writer_init_alerts(f->ring, &f->w[2], 2);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	ring_close(f->ring);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void put_drop(struct fx *f, unsigned seg, uint64_t ts, uint16_t dport)
{
	struct ring_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = RING_KIND_DROP;
	r.family = 4;
	r.proto = 6;
	r.ts_ns = ts;
	r.dport = dport;
	ring_append(&f->w[seg], &r);
	ring_publish(&f->w[seg]);
}

static void put_alert(struct fx *f, uint64_t ts, uint32_t id)
{
	union {
		struct ring_rec	  rec;
		struct ring_alert alert;
	} u;

	memset(&u, 0, sizeof(u));
	u.alert.kind = RING_KIND_ALERT;
	u.alert.ts_ns = ts;
	u.alert.alert_id = id;
	u.alert.type = RING_ALERT_PORTSCAN;
	u.alert.state = RING_ALERT_OPEN;
	ring_append(&f->w[2], &u.rec);
	ring_publish(&f->w[2]);
}

static struct ring_reader *reader(const struct fx *f)
{
	char err[256];
	struct ring_reader *rr = ringread_open(f->path, err, sizeof(err));

	if (!rr)
		fail_msg("ringread_open: %s", err);
	return rr;
}

struct each_got {
	struct ringscan_item	it[64];
	size_t			n;
};

static int each_take(void *arg, const struct ringscan_item *it)
{
	struct each_got *g = arg;

	assert_true(g->n < 64);
	g->it[g->n++] = *it;
	return 0;
}

/* ringscan_each over the whole ring: the records, order and counts of
 * ringscan_collect. */
static void check_each(const struct ring_reader *rr, uint64_t since, unsigned kinds)
{
	struct ringscan_stats sc = { 0 }, se = { 0 };
	struct ringscan_item *it;
	struct each_got *g = calloc(1, sizeof(*g));
	size_t n, i;

	assert_non_null(g);
	assert_int_equal(ringscan_collect(rr, NULL, since, kinds, &it, &n, &sc), 0);
	assert_int_equal(ringscan_each(rr, NULL, since, kinds, each_take, g, &se), 0);
	assert_int_equal(g->n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(g->it[i].seg, it[i].seg);
		assert_int_equal(g->it[i].pos, it[i].pos);
		assert_memory_equal(&g->it[i].rec, &it[i].rec, sizeof(it[i].rec));
	}
	assert_int_equal(se.lapped, sc.lapped);
	assert_int_equal(se.damaged, sc.damaged);
	free(it);
	free(g);
}

static void test_merged_order(void **state)
{
	struct fx *f = *state;
	struct ring_reader *rr;
	struct ringscan_item *it;
	struct ringscan_stats st = { 0 };
	struct ring_alert a;
	size_t n, i;

	put_drop(f, 0, 300, 1);
	put_drop(f, 0, 100, 2);		/* out of order within a segment */
	put_drop(f, 1, 200, 3);
	put_drop(f, 1, 100, 4);		/* same time as seg 0's: seg 0 first */
	put_alert(f, 150, 77);
	rr = reader(f);
	assert_int_equal(ringscan_collect(rr, NULL, 0, RINGSCAN_DROPS | RINGSCAN_ALERTS,
					  &it, &n, &st), 0);
	assert_int_equal(n, 5);
	assert_int_equal(it[0].rec.dport, 2);
	assert_int_equal(it[0].seg, 0);
	assert_int_equal(it[0].pos, 1);
	assert_int_equal(it[1].rec.dport, 4);
	assert_int_equal(it[2].rec.kind, RING_KIND_ALERT);
	ringscan_alert(&it[2], &a);
	assert_int_equal(a.alert_id, 77);
	assert_int_equal(it[3].rec.dport, 3);
	assert_int_equal(it[4].rec.dport, 1);
	for (i = 1; i < n; i++)
		assert_true(it[i - 1].rec.ts_ns <= it[i].rec.ts_ns);
	assert_int_equal(st.lapped + st.damaged, 0);
	free(it);

	/* Only drops, only since 150. */
	assert_int_equal(ringscan_collect(rr, NULL, 150, RINGSCAN_DROPS, &it, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(it[0].rec.dport, 3);
	assert_int_equal(it[1].rec.dport, 1);
	free(it);
	assert_int_equal(ringscan_collect(rr, NULL, 0, RINGSCAN_ALERTS, &it, &n, NULL), 0);
	assert_int_equal(n, 1);
	free(it);
	check_each(rr, 0, RINGSCAN_DROPS | RINGSCAN_ALERTS);
	check_each(rr, 150, RINGSCAN_DROPS);
	check_each(rr, 0, RINGSCAN_ALERTS);
	ringread_close(rr);
}

/* Segments each in order but interleaved in time (per-CPU capture): merged
 * as one sort would order them, ties by segment then position. */
static void test_merged_runs(void **state)
{
	static const struct { unsigned seg; uint64_t ts; uint16_t dport; } in[] = {
		{ 0, 100, 1 }, { 0, 250, 2 }, { 0, 250, 3 }, { 0, 400, 4 },
		{ 1, 50, 5 }, { 1, 250, 6 }, { 1, 300, 7 }, { 1, 500, 8 },
	};
	static const uint16_t want[] = { 5, 1, 2, 3, 6, 7, 4, 8 };
	struct fx *f = *state;
	struct ring_reader *rr;
	struct ringscan_item *it;
	size_t n, i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		put_drop(f, in[i].seg, in[i].ts, in[i].dport);
	put_alert(f, 260, 9);
	rr = reader(f);
	assert_int_equal(ringscan_collect(rr, NULL, 0, RINGSCAN_DROPS, &it, &n, NULL), 0);
	assert_int_equal(n, 8);
	for (i = 0; i < n; i++)
		assert_int_equal(it[i].rec.dport, want[i]);
	assert_int_equal(it[2].seg, 0);
	assert_int_equal(it[2].pos, 1);
	assert_int_equal(it[3].pos, 2);
	free(it);
	/* and with the alert segment's run, from 200 on */
	assert_int_equal(ringscan_collect(rr, NULL, 200, RINGSCAN_DROPS | RINGSCAN_ALERTS, &it, &n,
					  NULL), 0);
	assert_int_equal(n, 7);
	assert_int_equal(it[0].rec.dport, 2);
	assert_int_equal(it[3].rec.kind, RING_KIND_ALERT);
	assert_int_equal(it[6].rec.dport, 8);
	for (i = 1; i < n; i++)
		assert_true(ringscan_item_cmp(&it[i - 1], &it[i]) < 0);
	free(it);
	check_each(rr, 0, RINGSCAN_DROPS);
	check_each(rr, 200, RINGSCAN_DROPS | RINGSCAN_ALERTS);
	ringread_close(rr);
}

static void test_cursor(void **state)
{
	struct fx *f = *state;
	struct ring_reader *rr = reader(f);
	uint64_t cursor[NSEGS] = { 0 };
	struct ringscan_item *it;
	size_t n;

	assert_int_equal(ringscan_collect(rr, cursor, 0, RINGSCAN_DROPS, &it, &n, NULL), 0);
	assert_int_equal(n, 0);
	free(it);
	put_drop(f, 0, 10, 1);
	put_drop(f, 1, 20, 2);
	assert_int_equal(ringscan_collect(rr, cursor, 0, RINGSCAN_DROPS, &it, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(cursor[0], 1);
	assert_int_equal(cursor[1], 1);
	free(it);
	put_drop(f, 1, 30, 3);
	assert_int_equal(ringscan_collect(rr, cursor, 0, RINGSCAN_DROPS, &it, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(it[0].rec.dport, 3);
	free(it);
	/* A cursor past the head (a new file under the name) restarts there. */
	cursor[0] = 1000;
	assert_int_equal(ringscan_collect(rr, cursor, 0, RINGSCAN_DROPS, &it, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_int_equal(cursor[0], 1);
	free(it);
	ringread_close(rr);
}

static void test_lapped_and_damaged(void **state)
{
	struct fx *f = *state;
	struct ring_reader *rr;
	uint64_t cursor[NSEGS] = { 0 };
	struct ringscan_stats st = { 0 };
	struct ringscan_item *it;
	uint64_t off;
	uint8_t junk = 0x5a;
	size_t n;
	unsigned i;
	int fd;

	for (i = 0; i < SLOTS + 4; i++)		/* 4 overwritten */
		put_drop(f, 0, 1000 + i, (uint16_t)i);
	/* Damage position 10 (slot 10) of segment 0, as another process could. */
	off = RING_HDR_SIZE + (uint64_t)NSEGS * RING_SEGHDR_SIZE + 10 * RING_REC_SIZE + 100;
	fd = open(f->path, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &junk, 1, (off_t)off), 1);
	close(fd);
	rr = reader(f);
	assert_int_equal(ringscan_collect(rr, cursor, 0, RINGSCAN_DROPS, &it, &n, &st), 0);
	assert_int_equal(st.lapped, 4);
	assert_int_equal(st.damaged, 1);
	assert_int_equal(n, SLOTS - 1);
	assert_int_equal(it[0].rec.dport, 4);
	assert_int_equal(cursor[0], SLOTS + 4);
	free(it);
	/* Without cursors: the same view. */
	memset(&st, 0, sizeof(st));
	assert_int_equal(ringscan_collect(rr, NULL, 0, RINGSCAN_DROPS, &it, &n, &st), 0);
	assert_int_equal(n, SLOTS - 1);
	assert_int_equal(st.lapped, 0);
	assert_int_equal(st.damaged, 1);
	free(it);
	check_each(rr, 0, RINGSCAN_DROPS);
	/* With cursors: the lapped before the oldest slot count too. */
	{
		uint64_t c2[NSEGS] = { 0 };
		struct ringscan_stats se = { 0 };
		struct each_got *g = calloc(1, sizeof(*g));

		assert_non_null(g);
		assert_int_equal(ringscan_each(rr, c2, 0, RINGSCAN_DROPS, each_take, g, &se), 0);
		assert_int_equal(se.lapped, 4);
		assert_int_equal(se.damaged, 1);
		assert_int_equal(g->n, SLOTS - 1);
		assert_int_equal(g->it[0].rec.dport, 4);
		assert_int_equal(c2[0], SLOTS + 4);
		free(g);
	}
	ringread_close(rr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_merged_order, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_merged_runs, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_cursor, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_lapped_and_damaged, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
