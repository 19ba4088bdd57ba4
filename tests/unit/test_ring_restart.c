/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_ring_restart.c - ring file: a restarted writer continues, adopts or moves aside. */
#include <sys/resource.h>

#include "ring_fixture.h"

static void test_reopen(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct ring_reader *rr = rr_new(f, f->path);
	const struct ring_file_hdr *h = ringread_hdr(rr);
	struct ring_iface ifs[1] = { { 3, "veth1" } };
	char moved[256] = "junk", name[32];
	struct ring_writer w0, w1;
	uint64_t created, pos;

	ring_writer_init(r, &w0, 0, 10, 0);
	ring_writer_init(r, &w1, 1, 11, 1);
	append_n(&w0, 0, 5);
	ring_publish(&w0);
	ring_ctr_add(w0.hdr, RING_CTR_RECEIVED, 7);
	ring_ctr_set(w0.hdr, RING_CTR_SOCK_DROPS, 3);
	ring_ctr_add(w1.hdr, RING_CTR_TCP, 2);
	assert_int_equal(ring_prefix_id(&w0, "p-a", 3), 0);
	ring_set_ifaces(r, ifs, 1);
	created = h->created_ns;
	ring_close(r);
	assert_int_equal(h->state, RING_STATE_OFFLINE);

	/* The reader keeps its mapping across the writer's restart. */
	r = ring_new(f, f->path, 2, SLOTS, moved, sizeof(moved));
	assert_string_equal(moved, "");
	assert_int_equal(h->state, RING_STATE_ONLINE);
	assert_int_equal(h->epoch, 2);
	assert_int_equal(h->created_ns, created);
	ring_writer_init(r, &w0, 0, 10, 0);
	assert_int_equal(w0.pos, 5);
	assert_int_equal(ringread_head(rr, 0), 5);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_RECEIVED), 7);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_SOCK_DROPS), 3);
	assert_int_equal(ringread_ctr(rr, 1, RING_CTR_TCP), 2);
	assert_int_equal(ring_prefix_id(&w0, "p-a", 3), 0);
	assert_int_equal(ring_prefix_id(&w0, "p-b", 3), 1);
	assert_string_equal(ringread_ifname(rr, 3, name, sizeof(name)), "veth1");
	ring_ctr_add(w0.hdr, RING_CTR_RECEIVED, 1);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_RECEIVED), 8);
	append_n(&w0, 0, 3);
	ring_publish(&w0);
	assert_int_equal(ringread_head(rr, 0), 8);
	for (pos = 0; pos < 8; pos++)
		expect_ok(rr, 0, pos);
	ring_close(r);
	ringread_close(rr);
}

/* The whole file, as a reader of the file (not the mapping) sees it. */
static uint8_t *file_bytes(const char *path, size_t len)
{
	uint8_t *b = malloc(len);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_non_null(b);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, b, len, 0), (ssize_t)len);
	close(fd);
	return b;
}

static long thread_minflt(void)
{
	struct rusage ru;

	assert_int_equal(getrusage(RUSAGE_THREAD, &ru), 0);
	return ru.ru_minflt;
}

/* ring_populate (issue 16): both ways leave every byte of a continued ring
 * as it was, and afterwards a lap of appends takes no page fault. */
static void test_populate(void **state)
{
	struct fx *f = *state;
	const uint64_t slots = 1024;	/* 64 pages per segment */
	size_t len = RING_BYTES(2, slots);
	struct ring *r = ring_new(f, f->path, 2, slots, NULL, 0);
	struct ring_writer w0, w1;
	uint8_t *before, *after;
	long flt;
	int touch;

	/* A fresh ring: nothing mapped yet, a lap costs faults. */
	ring_writer_init(r, &w0, 0, 10, 0);
	ring_writer_init(r, &w1, 1, 11, 1);
	append_n(&w1, 1, 1);
	flt = thread_minflt();
	append_n(&w0, 0, (unsigned)slots);
	assert_true(thread_minflt() - flt > 0);	/* one per page, or per folio */
	ring_publish(&w0);
	ring_publish(&w1);
	ring_close(r);

	for (touch = 0; touch <= 1; touch++) {
		r = ring_new(f, f->path, 2, slots, NULL, 0);
		assert_int_equal(ring_map_len(r), len);
		before = file_bytes(f->path, len);
		assert_int_equal(ring_populate(r, touch), touch ? RING_POP_TOUCH : RING_POP_MADVISE);
		after = file_bytes(f->path, len);
		assert_memory_equal(before, after, len);
		free(before);
		free(after);

		/* Every page is mapped writable: the packet path faults no more. */
		ring_writer_init(r, &w0, 0, 10, 0);
		assert_int_equal(w0.pos, slots + touch * slots);
		flt = thread_minflt();
		append_n(&w0, 0, (unsigned)slots);
		assert_int_equal(thread_minflt() - flt, 0);
		ring_publish(&w0);
		ring_close(r);
	}
}

static void test_adopt_unpublished(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct ring_reader *rr = rr_new(f, f->path);
	struct ring_writer w;
	struct ring_rec rec, out;
	uint64_t pos;

	ring_writer_init(r, &w, 0, 10, 0);
	append_n(&w, 0, 4);
	ring_publish(&w);
	append_n(&w, 0, 3);		/* 4, 5, 6: written, never published */
	ring_close(r);
	assert_int_equal(ringread_head(rr, 0), 4);

	r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	assert_int_equal(ringread_head(rr, 0), 7);
	ring_writer_init(r, &w, 0, 10, 0);
	assert_int_equal(w.pos, 7);
	append_n(&w, 0, 1);
	ring_publish(&w);
	for (pos = 0; pos < 8; pos++)
		expect_ok(rr, 0, pos);

	/* Adoption stops at the first record that is not complete: a write
	 * in progress (odd commit) at 10, so 8 and 9 are kept. */
	append_n(&w, 0, 4);
	ring_close(r);
	poke_u64(f->path, rec_off(2, SLOTS, 0, 10), 2 * 10 + 1);
	r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	assert_int_equal(ringread_head(rr, 0), 10);
	ring_writer_init(r, &w, 0, 10, 0);
	rec_fill(&rec, 777);
	ring_append(&w, &rec);		/* rewrites position 10 */
	ring_publish(&w);
	assert_int_equal(ringread_get(rr, 0, 10, &out), RINGREAD_OK);
	rec_expect(&out, 10, 777);

	/* ... and at a record whose checksum fails. */
	append_n(&w, 0, 3);		/* 11, 12, 13 */
	ring_close(r);
	flip(f->path, rec_off(2, SLOTS, 0, 12) + 40);
	r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	assert_int_equal(ringread_head(rr, 0), 12);
	ring_close(r);

	/* At most one lap is adopted. */
	r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	ring_writer_init(r, &w, 1, 11, 1);
	append_n(&w, 1, SLOTS);
	ring_close(r);
	r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	assert_int_equal(ringread_head(rr, 1), SLOTS);
	ring_close(r);
	for (pos = 0; pos < SLOTS; pos++)
		expect_ok(rr, 1, pos);
	ringread_close(rr);
}

static void test_geometry_change(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	char moved1[256], moved2[256];
	struct ring_reader *rr, *old;
	uint8_t *img1, *img2;
	struct ring_writer w;
	size_t len1, len2, n;

	ring_writer_init(r, &w, 0, 10, 0);
	append_n(&w, 0, 5);
	ring_publish(&w);
	ring_close(r);
	img1 = file_load(f->path, &len1);
	old = rr_new(f, f->path);

	/* Another segment count: moved aside byte for byte, new file made. */
	r = ring_new(f, f->path, 3, SLOTS, moved1, sizeof(moved1));
	n = strlen(f->path);
	assert_true(strlen(moved1) > n + 5);
	assert_memory_equal(moved1, f->path, n);
	assert_int_equal(moved1[n], '.');
	assert_string_equal(moved1 + strlen(moved1) - 4, ".old");
	file_is(moved1, img1, len1);
	rr = rr_new(f, f->path);
	assert_int_equal(ringread_nsegs(rr), 3);
	assert_int_equal(ringread_hdr(rr)->epoch, 1);
	assert_int_equal(ringread_head(rr, 0), 0);
	assert_int_equal(get(rr, 0, 0), RINGREAD_EMPTY);
	ringread_close(rr);
	/* A reader of the old file still has it. */
	expect_ok(old, 0, 4);
	ringread_close(old);
	ring_close(r);

	/* Another slot count, within the same second: a second, distinct name. */
	img2 = file_load(f->path, &len2);
	r = ring_new(f, f->path, 3, 2 * SLOTS, moved2, sizeof(moved2));
	assert_string_not_equal(moved1, moved2);
	file_is(moved1, img1, len1);
	file_is(moved2, img2, len2);
	ring_close(r);
	rr = rr_new(f, f->path);
	assert_int_equal(ringread_slots(rr), 2 * SLOTS);
	ringread_close(rr);
	assert_int_equal(fx_entries(f), 3);
	free(img1);
	free(img2);
}

/* Another major version is a ring we may not continue, not a corrupt file. */
static void test_other_major(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	uint16_t major = 2, minor = 7;
	uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	char moved[256];
	struct ring_reader *rr;
	uint8_t *img;
	size_t len;

	ring_close(r);
	/* A newer minor version and non-zero reserved bytes: still readable. */
	poke(f->path, offsetof(struct ring_file_hdr, version_minor), &minor, 2);
	poke(f->path, offsetof(struct ring_file_hdr, reserved1), junk, sizeof(junk));
	rr = rr_new(f, f->path);
	ringread_close(rr);

	poke(f->path, offsetof(struct ring_file_hdr, version_major), &major, 2);
	rr_refused(f, f->path);
	img = file_load(f->path, &len);
	r = ring_new(f, f->path, 2, SLOTS, moved, sizeof(moved));
	assert_true(moved[0] != '\0');
	file_is(moved, img, len);
	rr_refused(f, moved);
	ring_close(r);
	rr = rr_new(f, f->path);
	assert_int_equal(ringread_hdr(rr)->version_major, 1);
	ringread_close(rr);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_reopen),
		T(test_populate),
		T(test_adopt_unpublished),
		T(test_geometry_change),
		T(test_other_major),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
