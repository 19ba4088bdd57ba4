/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_ring.c - ring file: layout, round trip, wrap-around, damaged records, a racing reader.
 *
 * The fixture and the record helpers are in ring_fixture.h; restarts are in
 * test_ring_restart.c, refusals and hostile files in test_ring_refuse.c, the
 * prefix, interface and counter tables in test_ring_tables.c.
 */
#include <pthread.h>

#include "util/crc32c.h"
#include "ring_fixture.h"

/*
 * crc32c.c takes the SSE4.2 path on most x86-64 machines, so its table path
 * would go untested: build a second copy of the module here with the x86-64
 * branch compiled out, under another name.
 */
uint32_t crc32c_table_path(const void *buf, size_t len);
#pragma push_macro("__x86_64__")
#undef __x86_64__
#define crc32c crc32c_table_path
#include "util/crc32c.c"
#undef crc32c
#pragma pop_macro("__x86_64__")

static void test_layout(void **state)
{
	struct ring_rec r;
	unsigned i;

	(void)state;
	/* The offsets doc/ring-format.md promises. */
	assert_int_equal(offsetof(struct ring_file_hdr, version_major), 8);
	assert_int_equal(offsetof(struct ring_file_hdr, hdr_size), 12);
	assert_int_equal(offsetof(struct ring_file_hdr, nsegs), 24);
	assert_int_equal(offsetof(struct ring_file_hdr, state), 28);
	assert_int_equal(offsetof(struct ring_file_hdr, slots), 32);
	assert_int_equal(offsetof(struct ring_file_hdr, data_off), 40);
	assert_int_equal(offsetof(struct ring_file_hdr, file_size), 48);
	assert_int_equal(offsetof(struct ring_file_hdr, kb_stamp), 56);
	assert_int_equal(offsetof(struct ring_file_hdr, epoch), 80);
	assert_int_equal(offsetof(struct ring_file_hdr, iface_gen), 88);
	assert_int_equal(offsetof(struct ring_file_hdr, reserved1), 96);
	assert_int_equal(offsetof(struct ring_file_hdr, ifaces), 256);
	assert_int_equal(offsetof(struct ring_file_hdr, pad), 1536);
	assert_int_equal(offsetof(struct ring_seg_hdr, role), 8);
	assert_int_equal(offsetof(struct ring_seg_hdr, cpu), 16);
	assert_int_equal(offsetof(struct ring_seg_hdr, nprefixes), 20);
	assert_int_equal(offsetof(struct ring_seg_hdr, expect_seq), 24);
	assert_int_equal(offsetof(struct ring_seg_hdr, ctr), 64);
	assert_int_equal(offsetof(struct ring_seg_hdr, prefix), 1152);
	assert_int_equal(offsetof(struct ring_rec, crc), 8);
	assert_int_equal(offsetof(struct ring_rec, nflog_seq), 12);
	assert_int_equal(offsetof(struct ring_rec, ts_ns), 16);
	assert_int_equal(offsetof(struct ring_rec, kind), 24);
	assert_int_equal(offsetof(struct ring_rec, raw_len), 39);
	assert_int_equal(offsetof(struct ring_rec, group), 40);
	assert_int_equal(offsetof(struct ring_rec, why), 62);
	assert_int_equal(offsetof(struct ring_rec, ip_id), 64);
	assert_int_equal(offsetof(struct ring_rec, ifindex_out), 84);
	assert_int_equal(offsetof(struct ring_rec, daddr), 104);
	assert_int_equal(offsetof(struct ring_rec, inner_saddr), 120);
	assert_int_equal(offsetof(struct ring_rec, inner_daddr), 136);
	/* rec_fill() must leave no byte of the checksummed part at zero. */
	rec_fill(&r, 0);
	for (i = 12; i < sizeof(r); i++)
		if (((uint8_t *)&r)[i] == 0)
			fail_msg("rec_fill leaves byte %u zero", i);
}

static void test_slots_rounding(void **state)
{
	struct fx *f = *state;
	struct ring_open_opts o = { .path = f->path, .nsegs = 2 };
	static const struct { uint64_t size; uint64_t slots; } t[] = {
		{ RING_BYTES(2, 16), 16 },
		{ RING_BYTES(2, 32) - 1, 16 },
		{ RING_BYTES(2, 32), 32 },
		{ RING_BYTES(2, 64) + RING_REC_SIZE * 100, 64 },
	};
	struct ring *r;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		o.size = t[i].size;
		r = ring_open(&o, f->err, sizeof(f->err));
		assert_non_null(r);
		assert_int_equal(ring_slots(r), t[i].slots);
		ring_close(r);
		assert_int_equal(unlink(f->path), 0);
	}
}

static void test_roundtrip(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct ring_reader *rr = rr_new(f, f->path);
	const struct ring_file_hdr *h = ringread_hdr(rr);
	const struct ring_seg_hdr *sh;
	struct ring_writer w0, w1;
	struct ring_rec out;
	uint8_t raw[RING_REC_SIZE];
	struct stat st;
	uint64_t pos;
	unsigned c;
	int fd;

	assert_int_equal(stat(f->path, &st), 0);
	assert_memory_equal(h->magic, RING_MAGIC, 8);
	assert_int_equal(h->version_major, 1);
	assert_int_equal(h->version_minor, RING_VERSION_MINOR);
	assert_int_equal(h->hdr_size, RING_HDR_SIZE);
	assert_int_equal(h->seghdr_size, RING_SEGHDR_SIZE);
	assert_int_equal(h->rec_size, RING_REC_SIZE);
	assert_int_equal(h->nsegs, 2);
	assert_int_equal(h->slots, SLOTS);
	assert_int_equal(h->data_off, RING_HDR_SIZE + 2 * RING_SEGHDR_SIZE);
	assert_int_equal(h->file_size, RING_BYTES(2, SLOTS));
	assert_int_equal(h->file_size, (uint64_t)st.st_size);
	assert_int_equal(h->state, RING_STATE_ONLINE);
	assert_int_equal(h->epoch, 1);
	assert_int_equal(h->writer_pid, (uint32_t)getpid());
	assert_int_equal(h->kb_stamp, 0);
	assert_int_equal(h->iface_gen, 0);
	assert_true(h->created_ns != 0 && h->created_ns <= h->opened_ns);
	assert_int_equal(ringread_nsegs(rr), 2);
	assert_int_equal(ringread_slots(rr), SLOTS);

	ring_writer_init(r, &w0, 0, 10, 0);
	ring_writer_init(r, &w1, 1, 11, -1);
	sh = ringread_seg(rr, 1);
	assert_int_equal(sh->role, RING_SEG_CAPTURE);
	assert_int_equal(sh->group, 11);
	assert_int_equal(sh->cpu, -1);
	assert_int_equal(ringread_seg(rr, 0)->group, 10);
	assert_int_equal(ringread_seg(rr, 0)->cpu, 0);
	for (c = 0; c < RING_CTR_SLOTS; c++)
		assert_int_equal(ringread_ctr(rr, 0, c) | ringread_ctr(rr, 1, c), 0);

	append_n(&w0, 0, 5);
	append_n(&w1, 1, 3);
	assert_int_equal(w0.pos, 5);
	/* Not published: head has not moved, but each record is already
	 * complete, which is what lets a restart adopt it. */
	assert_int_equal(ringread_head(rr, 0), 0);
	assert_int_equal(ringread_head(rr, 1), 0);
	expect_ok(rr, 0, 0);
	ring_publish(&w0);
	ring_publish(&w1);
	ring_sync(r);
	assert_int_equal(ringread_head(rr, 0), 5);
	assert_int_equal(ringread_head(rr, 1), 3);
	for (pos = 0; pos < 5; pos++)
		expect_ok(rr, 0, pos);
	for (pos = 0; pos < 3; pos++)
		expect_ok(rr, 1, pos);
	assert_int_equal(get(rr, 0, 5), RINGREAD_EMPTY);
	assert_int_equal(get(rr, 1, 3), RINGREAD_EMPTY);
	assert_int_equal(get(rr, 0, 100), RINGREAD_EMPTY);

	/* The bytes sit where the format says: data_off + (seg*slots + slot)*256. */
	fd = open(f->path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, raw, sizeof(raw), (off_t)rec_off(2, SLOTS, 1, 2)),
			 (ssize_t)sizeof(raw));
	close(fd);
	assert_int_equal(ringread_get(rr, 1, 2, &out), RINGREAD_OK);
	assert_memory_equal(raw, &out, sizeof(raw));

	ring_close(r);
	assert_int_equal(h->state, RING_STATE_OFFLINE);
	expect_ok(rr, 0, 4);
	ringread_close(rr);
	assert_int_equal(fx_entries(f), 1);	/* no temporary file left */
}

static void test_wrap(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct ring_reader *rr = rr_new(f, f->path);
	const uint64_t n = 3 * SLOTS + 5;
	struct ring_writer w;
	uint64_t pos;

	ring_writer_init(r, &w, 0, 10, 0);
	while (w.pos < n) {
		append_n(&w, 0, (unsigned)(n - w.pos < 7 ? n - w.pos : 7));
		ring_publish(&w);
	}
	assert_int_equal(ringread_head(rr, 0), n);
	for (pos = 0; pos < n; pos++) {
		if (pos < n - SLOTS)
			assert_int_equal(get(rr, 0, pos), RINGREAD_LAPPED);
		else
			expect_ok(rr, 0, pos);
	}
	assert_int_equal(get(rr, 0, n), RINGREAD_EMPTY);
	assert_int_equal(get(rr, 0, n + SLOTS), RINGREAD_EMPTY);
	/* Laps of segment 0 never touch segment 1. */
	assert_int_equal(ringread_head(rr, 1), 0);
	assert_int_equal(get(rr, 1, 0), RINGREAD_EMPTY);
	ringread_close(rr);
	ring_close(r);
}

static void test_lapped_reader(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct ring_reader *rr = rr_new(f, f->path);
	struct ring_writer w;
	uint64_t pos;

	ring_writer_init(r, &w, 1, 11, 1);
	append_n(&w, 1, 8);
	ring_publish(&w);
	expect_ok(rr, 1, 3);
	append_n(&w, 1, SLOTS);
	ring_publish(&w);
	assert_int_equal(get(rr, 1, 3), RINGREAD_LAPPED);
	for (pos = 8; pos < 8 + SLOTS; pos++)
		expect_ok(rr, 1, pos);
	ringread_close(rr);
	ring_close(r);
}

/* ringread_get_live_head: the bytes up to raw[] of a whole record, and not
 * a byte further; nothing of a lapped or unwritten one. */
static void test_get_live_head(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct ring_reader *rr = rr_new(f, f->path);
	struct ring_rec out, want;
	struct ring_writer w;
	uint64_t pos;

	ring_writer_init(r, &w, 1, 11, 1);
	append_n(&w, 1, SLOTS + 4);	/* positions 0..3 are lapped */
	ring_publish(&w);
	for (pos = 4; pos < SLOTS + 4; pos++) {
		memset(&out, 0xa5, sizeof(out));
		assert_true(ringread_get_live_head(rr, 1, pos, &out));
		assert_int_equal(ringread_get_live(rr, 1, pos, &want), RINGREAD_OK);
		assert_memory_equal(&out, &want, RINGREAD_LIVE_LEN);
		assert_int_equal(out.raw[0], 0xa5);
		assert_int_equal(((const uint8_t *)&out)[sizeof(out) - 1], 0xa5);
	}
	assert_false(ringread_get_live_head(rr, 1, 2, &out));
	assert_false(ringread_get_live_head(rr, 1, SLOTS + 4, &out));
	assert_false(ringread_get_live_head(rr, 7, 9, &out));
	ringread_close(rr);
	ring_close(r);
}

/* ringread_stamps_live: position, time and kind of each whole record. */
static void test_stamps_live(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct ring_reader *rr = rr_new(f, f->path);
	struct ringread_stamp st[SLOTS + 4];
	struct ring_rec want;
	struct ring_writer w;
	uint64_t pos = 0;
	size_t n, i;

	ring_writer_init(r, &w, 0, 10, 0);
	append_n(&w, 0, SLOTS + 4);	/* positions 0..3 are lapped */
	ring_publish(&w);
	n = ringread_stamps_live(rr, 0, &pos, SLOTS + 6, st);
	assert_int_equal(n, SLOTS);
	assert_int_equal(pos, SLOTS + 6);
	for (i = 0; i < n; i++) {
		assert_int_equal(st[i].pos, 4 + i);
		assert_int_equal(ringread_get_live(rr, 0, st[i].pos, &want), RINGREAD_OK);
		assert_int_equal(st[i].ts_ns, want.ts_ns);
		assert_int_equal(st[i].kind, want.kind);
	}
	pos = 0;
	assert_int_equal(ringread_stamps_live(rr, 7, &pos, 3, st), 0);
	assert_int_equal(pos, 3);
	ringread_close(rr);
	ring_close(r);
}

static void test_damage(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct ring_reader *rr = rr_new(f, f->path);
	struct ring_writer w;

	ring_writer_init(r, &w, 1, 11, 1);
	append_n(&w, 1, 8);
	ring_publish(&w);

	/* A changed body byte anywhere in 12..255, or a changed crc: TORN. */
	flip(f->path, rec_off(2, SLOTS, 1, 2) + 100);
	assert_int_equal(get(rr, 1, 2), RINGREAD_TORN);
	flip(f->path, rec_off(2, SLOTS, 1, 2) + 100);
	expect_ok(rr, 1, 2);
	flip(f->path, rec_off(2, SLOTS, 1, 3) + 8);
	assert_int_equal(get(rr, 1, 3), RINGREAD_TORN);
	flip(f->path, rec_off(2, SLOTS, 1, 4) + 12);
	assert_int_equal(get(rr, 1, 4), RINGREAD_TORN);
	flip(f->path, rec_off(2, SLOTS, 1, 5) + 255);
	assert_int_equal(get(rr, 1, 5), RINGREAD_TORN);

	/* Commit word: odd for this position = write in progress, not there
	 * yet; anything above 2*pos+2 = a later lap; below = never written. */
	poke_u64(f->path, rec_off(2, SLOTS, 1, 6), 2 * 6 + 1);
	assert_int_equal(get(rr, 1, 6), RINGREAD_EMPTY);
	poke_u64(f->path, rec_off(2, SLOTS, 1, 6), 2 * (6 + SLOTS) + 1);
	assert_int_equal(get(rr, 1, 6), RINGREAD_LAPPED);
	poke_u64(f->path, rec_off(2, SLOTS, 1, 6), 2 * (6 + SLOTS) + 2);
	assert_int_equal(get(rr, 1, 6), RINGREAD_LAPPED);
	poke_u64(f->path, rec_off(2, SLOTS, 1, 6), 0);
	assert_int_equal(get(rr, 1, 6), RINGREAD_EMPTY);
	poke_u64(f->path, rec_off(2, SLOTS, 1, 7), 2 * 7);
	assert_int_equal(get(rr, 1, 7), RINGREAD_EMPTY);
	poke_u64(f->path, rec_off(2, SLOTS, 1, 7), 2 * 7 + 2);
	expect_ok(rr, 1, 7);
	expect_ok(rr, 1, 1);
	ringread_close(rr);
	ring_close(r);
}

static void test_crc32c(void **state)
{
	static const uint8_t zero32[32];
	uint8_t buf[1008];
	struct ring_rec rec;
	uint64_t seed = 42;
	size_t i, a, len;

	(void)state;
	assert_int_equal(crc32c("123456789", 9), 0xe3069283u);
	assert_int_equal(crc32c_table_path("123456789", 9), 0xe3069283u);
	assert_int_equal(crc_ref("123456789", 9), 0xe3069283u);
	/* RFC 3720 B.4: 32 bytes of zeros. */
	assert_int_equal(crc32c(zero32, sizeof(zero32)), 0x8a9136aau);
	assert_int_equal(crc32c(buf, 0), 0);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)xorshift(&seed);
	assert_int_equal(crc32c(buf, 1000), crc_ref(buf, 1000));
	assert_int_equal(crc32c_table_path(buf, 1000), crc_ref(buf, 1000));
	for (a = 0; a < 8; a++) {
		for (len = 0; len <= 300; len++) {
			uint32_t want = crc_ref(buf + a, len);

			if (crc32c(buf + a, len) != want ||
			    crc32c_table_path(buf + a, len) != want)
				fail_msg("crc32c differs at alignment %zu length %zu", a, len);
		}
	}
	memcpy(&rec, buf, sizeof(rec));
	assert_int_equal(ring_rec_crc(&rec), crc_ref(buf + 12, sizeof(rec) - 12));
}

struct stress {
	struct ring_writer	*w;
	uint64_t		 n;
	int			 done;
};

static void *stress_writer(void *arg)
{
	struct stress *s = arg;
	struct ring_rec rec;
	uint64_t i;

	memset(&rec, 0, sizeof(rec));
	for (i = 0; i < s->n; i++) {
		memset((uint8_t *)&rec + 16, (int)(i & 0xff), sizeof(rec) - 16);
		rec.nflog_seq = (uint32_t)i;
		ring_append(s->w, &rec);
		if (i % 3 == 2)
			ring_publish(s->w);
	}
	ring_publish(s->w);
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* A reader racing a writer on a ring small enough to lap it constantly:
 * whatever ringread_get() calls OK is exactly the record of that position,
 * and a race never shows up as a checksum failure. */
static void test_concurrent(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 1, SLOTS, NULL, 0);
	struct ring_reader *rr = rr_new(f, f->path);
	struct stress s = { .n = 300000 };
	struct ring_writer w;
	struct ring_rec out;
	uint64_t head, pos, ok = 0, lapped = 0, last = 0;
	pthread_t t;
	int done;
	size_t i;

	ring_writer_init(r, &w, 0, 10, 0);
	s.w = &w;
	assert_int_equal(pthread_create(&t, NULL, stress_writer, &s), 0);
	do {
		done = __atomic_load_n(&s.done, __ATOMIC_ACQUIRE);
		head = ringread_head(rr, 0);
		assert_true(head >= last);
		last = head;
		for (pos = head > SLOTS ? head - SLOTS : 0; pos < head + 2; pos++) {
			switch (ringread_get(rr, 0, pos, &out)) {
			case RINGREAD_OK:
				ok++;
				assert_int_equal(out.commit, 2 * pos + 2);
				assert_int_equal(out.nflog_seq, (uint32_t)pos);
				for (i = 16; i < sizeof(out); i++)
					if (((uint8_t *)&out)[i] != (uint8_t)pos)
						fail_msg("pos %llu byte %zu",
							 (unsigned long long)pos, i);
				break;
			case RINGREAD_LAPPED:
				lapped++;
				break;
			case RINGREAD_EMPTY:
				assert_true(pos >= head);
				break;
			case RINGREAD_TORN:
				fail_msg("torn read at %llu", (unsigned long long)pos);
			}
		}
	} while (!done);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(ringread_head(rr, 0), s.n);
	for (pos = s.n - SLOTS; pos < s.n; pos++)
		assert_int_equal(ringread_get(rr, 0, pos, &out), RINGREAD_OK);
	assert_true(ok > 0);
	(void)lapped;
	ringread_close(rr);
	ring_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_crc32c),
		T(test_slots_rounding),
		T(test_roundtrip),
		T(test_wrap),
		T(test_lapped_reader),
		T(test_get_live_head),
		T(test_stamps_live),
		T(test_damage),
		T(test_concurrent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
