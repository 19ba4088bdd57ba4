/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_ring.c - ring file: round trip, wrap-around, damage, restart, refusals.
 *
 * Every test runs in its own mkdtemp() directory under /tmp, removed by the
 * teardown. Damage is done the way another process would do it: pwrite()
 * through a separate descriptor, which the shared mappings see at once.
 * Records are filled from an index so that every byte of a record is
 * non-zero and tied to its position; a read is checked byte for byte.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/crc32c.h"
#include "ring/ring.h"
#include "ring/ringread.h"

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
#include "ring/ringnames.h"
#undef crc32c
#pragma pop_macro("__x86_64__")

#define RING_BYTES(nsegs, slots) ((uint64_t)RING_HDR_SIZE + \
	(uint64_t)(nsegs) * RING_SEGHDR_SIZE + (uint64_t)(nsegs) * (slots) * RING_REC_SIZE)
#define SLOTS		16u
#define IDX(seg, pos)	((uint64_t)(seg) * 100000u + (pos))

struct fx {
	char	dir[64];
	char	path[128];
	char	err[512];
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_ring.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/drops.ring", f->dir);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	struct dirent *de;
	DIR *d = opendir(f->dir);
	int rc = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) < 0 &&
		    unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0)
			rc = -1;
	}
	closedir(d);
	if (rmdir(f->dir) < 0)
		rc = -1;
	free(f);
	return rc;
}

static void fx_name(const struct fx *f, char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", f->dir, name);
}

static unsigned fx_entries(const struct fx *f)
{
	struct dirent *de;
	DIR *d = opendir(f->dir);
	unsigned n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static uint8_t *file_load(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	*len = (size_t)st.st_size;
	buf = malloc(*len ? *len : 1);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, *len, 0), (ssize_t)*len);
	close(fd);
	return buf;
}

static void file_store(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void file_is(const char *path, const uint8_t *buf, size_t len)
{
	size_t n;
	uint8_t *now = file_load(path, &n);

	assert_int_equal(n, len);
	assert_memory_equal(now, buf, len);
	free(now);
}

/* Overwrite bytes in place, as a hostile or crashing process would. */
static void poke(const char *path, uint64_t off, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, p, n, (off_t)off), (ssize_t)n);
	close(fd);
}

static void poke_u64(const char *path, uint64_t off, uint64_t v)
{
	poke(path, off, &v, sizeof(v));
}

static void flip(const char *path, uint64_t off)
{
	uint8_t b;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, (off_t)off), 1);
	b ^= 0x5a;
	assert_int_equal(pwrite(fd, &b, 1, (off_t)off), 1);
	close(fd);
}

/* File offset of the record slot that holds position pos of segment seg. */
static uint64_t rec_off(uint32_t nsegs, uint64_t slots, uint32_t seg, uint64_t pos)
{
	return RING_HDR_SIZE + (uint64_t)nsegs * RING_SEGHDR_SIZE +
	       ((uint64_t)seg * slots + (pos & (slots - 1))) * RING_REC_SIZE;
}

static uint64_t seg_off(uint32_t seg)
{
	return RING_HDR_SIZE + (uint64_t)seg * RING_SEGHDR_SIZE;
}

static struct ring *ring_new(struct fx *f, const char *path, uint32_t nsegs, uint64_t slots,
	 char *moved, size_t movedlen)
{
	struct ring_open_opts o = {
		.path = path, .size = RING_BYTES(nsegs, slots), .nsegs = nsegs,
		.moved_to = moved, .moved_to_len = movedlen,
	};
	struct ring *r;

	f->err[0] = '\0';
	r = ring_open(&o, f->err, sizeof(f->err));
	if (!r)
		fail_msg("ring_open %s: %s", path, f->err);
	assert_int_equal(ring_slots(r), slots);
	return r;
}

/* ring_open that is expected to fail: returns errno, checks the message. */
static int ring_refused(struct fx *f, const char *path, uint64_t size, uint32_t nsegs)
{
	struct ring_open_opts o = { .path = path, .size = size, .nsegs = nsegs };
	struct ring *r;

	f->err[0] = '\0';
	errno = 0;
	r = ring_open(&o, f->err, sizeof(f->err));
	if (r) {
		ring_close(r);
		fail_msg("ring_open %s succeeded", path);
	}
	assert_true(strlen(f->err) > 0);
	return errno;
}

static struct ring_reader *rr_new(struct fx *f, const char *path)
{
	struct ring_reader *rr;

	f->err[0] = '\0';
	rr = ringread_open(path, f->err, sizeof(f->err));
	if (!rr)
		fail_msg("ringread_open %s: %s", path, f->err);
	return rr;
}

static void rr_refused(struct fx *f, const char *path)
{
	struct ring_reader *rr;

	f->err[0] = '\0';
	rr = ringread_open(path, f->err, sizeof(f->err));
	if (rr) {
		ringread_close(rr);
		fail_msg("ringread_open %s succeeded", path);
	}
	assert_true(strlen(f->err) > 0);
}

/* Seven index bits per byte with the top bit set: never a zero byte. */
static uint64_t spread(uint64_t idx)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (0x80 | ((idx >> (7 * i)) & 0x7f)) << (8 * i);
	return v;
}

/* Every field distinct and non-zero; commit and crc hold junk that
 * ring_append() must ignore. */
static void rec_fill(struct ring_rec *r, uint64_t idx)
{
#define B(k)	((uint8_t)(1 + (idx * 47 + (k)) % 255))
#define W(k)	((uint16_t)(B(k) * 0x0101u))
#define L(k)	((uint32_t)(B(k) * 0x01010101u))
	r->commit = 0xdeadbeefdeadbeefull;
	r->crc = 0xfeedfaceu;
	r->nflog_seq = (uint32_t)spread(idx);
	r->ts_ns = spread(idx);
	r->kind = B(1);
	r->family = B(2);
	r->proto = B(3);
	r->status = B(4);
	r->hook = B(5);
	r->prefix_id = B(6);
	r->ip_flags = B(7);
	r->ttl = B(8);
	r->tos = B(9);
	r->tcp_flags = B(10);
	r->tcp_doff = B(11);
	r->icmp_type = B(12);
	r->icmp_code = B(13);
	r->inner_family = B(14);
	r->inner_proto = B(15);
	r->raw_len = B(16);
	r->group = W(17);
	r->cpu = W(18);
	r->sport = W(19);
	r->dport = W(20);
	r->ip_len = W(21);
	r->frag_off = W(22);
	r->tcp_window = W(23);
	r->udp_len = W(24);
	r->inner_sport = W(25);
	r->inner_dport = W(26);
	r->cap_len = W(27);
	r->why = W(28);
	r->ip_id = L(29);
	r->flow_label = L(30);
	r->tcp_seq = L(31);
	r->mark = L(32);
	r->ifindex_in = L(33);
	r->ifindex_out = L(34);
	memset(r->saddr, B(35), sizeof(r->saddr));
	memset(r->daddr, B(36), sizeof(r->daddr));
	memset(r->inner_saddr, B(37), sizeof(r->inner_saddr));
	memset(r->inner_daddr, B(38), sizeof(r->inner_daddr));
	memset(&r->klass, B(39), sizeof(r->klass));
	memset(r->raw, B(40), sizeof(r->raw));
	memset(&r->hw, B(41), sizeof(r->hw));
	r->raw[0] = (uint8_t)(idx | 1);
#undef B
#undef W
#undef L
}

/* Bitwise CRC-32C, straight from the definition. */
static uint32_t crc_ref(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t c = 0xffffffffu;
	int k;

	while (len--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
	}
	return ~c;
}

static void rec_expect(const struct ring_rec *got, uint64_t pos, uint64_t idx)
{
	struct ring_rec want;

	rec_fill(&want, idx);
	assert_int_equal(got->commit, 2 * pos + 2);
	assert_int_equal(got->crc, crc_ref((const uint8_t *)&want + 12, sizeof(want) - 12));
	assert_memory_equal((const uint8_t *)got + 12, (const uint8_t *)&want + 12,
			    sizeof(want) - 12);
}

static void append_n(struct ring_writer *w, uint32_t seg, unsigned n)
{
	struct ring_rec rec;

	while (n--) {
		rec_fill(&rec, IDX(seg, w->pos));
		ring_append(w, &rec);
	}
}

static void expect_ok(const struct ring_reader *rr, uint32_t seg, uint64_t pos)
{
	struct ring_rec out;

	assert_int_equal(ringread_get(rr, seg, pos, &out), RINGREAD_OK);
	rec_expect(&out, pos, IDX(seg, pos));
}

static enum ringread_result get(const struct ring_reader *rr, uint32_t seg, uint64_t pos)
{
	struct ring_rec out;

	return ringread_get(rr, seg, pos, &out);
}

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

static void test_refuse_symlink(void **state)
{
	struct fx *f = *state;
	char target[160], nowhere[160];
	struct ring *r;
	struct stat st;
	uint8_t *img;
	size_t len;

	/* Even a link to a perfectly good ring is not followed. */
	fx_name(f, target, sizeof(target), "target.ring");
	r = ring_new(f, target, 2, SLOTS, NULL, 0);
	ring_close(r);
	img = file_load(target, &len);
	assert_int_equal(symlink(target, f->path), 0);
	assert_int_equal(ring_refused(f, f->path, RING_BYTES(2, SLOTS), 2), ELOOP);
	file_is(target, img, len);
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(ring_refused(f, f->path, RING_BYTES(3, SLOTS), 3), ELOOP);
	file_is(target, img, len);

	/* A dangling link must not make the ring appear at its target. */
	fx_name(f, nowhere, sizeof(nowhere), "nowhere");
	assert_int_equal(unlink(f->path), 0);
	assert_int_equal(symlink(nowhere, f->path), 0);
	assert_int_equal(ring_refused(f, f->path, RING_BYTES(2, SLOTS), 2), ELOOP);
	assert_int_equal(lstat(nowhere, &st), -1);
	assert_int_equal(fx_entries(f), 2);
	free(img);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_refuse_not_ring(void **state)
{
	struct fx *f = *state;
	static const size_t lens[] = { 0, 100, RING_HDR_SIZE - 1, RING_HDR_SIZE,
				       RING_BYTES(2, SLOTS) };
	uint64_t seed = 0x1234567;
	uint8_t *buf = malloc(RING_BYTES(2, SLOTS));
	char dir[160];
	size_t i, j;

	assert_non_null(buf);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (j = 0; j < lens[i]; j++)
			buf[j] = (uint8_t)xorshift(&seed);
		file_store(f->path, buf, lens[i]);
		assert_int_equal(ring_refused(f, f->path, RING_BYTES(2, SLOTS), 2), EINVAL);
		file_is(f->path, buf, lens[i]);
		rr_refused(f, f->path);
		assert_int_equal(fx_entries(f), 1);
	}
	assert_int_equal(unlink(f->path), 0);

	/* Not a regular file. (No reader check on the FIFO: see the report.) */
	assert_int_equal(mkfifo(f->path, 0600), 0);
	assert_int_equal(ring_refused(f, f->path, RING_BYTES(2, SLOTS), 2), EINVAL);
	assert_int_equal(unlink(f->path), 0);
	fx_name(f, dir, sizeof(dir), "adir");
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(ring_refused(f, dir, RING_BYTES(2, SLOTS), 2), EISDIR);
	rr_refused(f, dir);
	assert_int_equal(fx_entries(f), 1);
	free(buf);
}

struct mutation {
	const char	*what;
	size_t		 off;
	unsigned	 width;		/* bytes of val to store at off; 0 = none */
	uint64_t	 val;
	long long	 dlen;		/* change of the file length */
	size_t		 off2;		/* a second 8-byte field, when not 0 */
	uint64_t	 val2;
};

#define HOFF(field)	offsetof(struct ring_file_hdr, field)
#define MUT(w, field, n, v) { .what = (w), .off = HOFF(field), .width = (n), .val = (v) }
#define LEN(w, d)	{ .what = (w), .dlen = (d) }

/* A ring whose header disagrees with itself or with the file: refused by
 * the writer and the reader alike, and left exactly as it was. */
static void test_refuse_corrupt(void **state)
{
	struct fx *f = *state;
	const uint64_t size = RING_BYTES(2, SLOTS);
	const struct mutation m[] = {
		MUT("magic", magic, 1, 'X'),
		MUT("hdr_size", hdr_size, 4, 8192),
		MUT("seghdr_size", seghdr_size, 4, 2048),
		MUT("rec_size", rec_size, 4, 128),
		MUT("nsegs 0", nsegs, 4, 0),
		MUT("nsegs 3", nsegs, 4, 3),
		MUT("nsegs 257", nsegs, 4, 257),
		MUT("slots 0", slots, 8, 0),
		MUT("slots 8", slots, 8, 8),
		MUT("slots 17", slots, 8, 17),
		MUT("slots 32", slots, 8, 32),
		MUT("slots 2^33", slots, 8, UINT64_C(1) << 33),
		MUT("slots 2^63", slots, 8, UINT64_C(1) << 63),
		MUT("data_off", data_off, 8, RING_HDR_SIZE + 2 * RING_SEGHDR_SIZE + 256),
		MUT("file_size +", file_size, 8, size + RING_REC_SIZE),
		MUT("file_size -", file_size, 8, size - RING_REC_SIZE),
		LEN("truncated", -(long long)RING_REC_SIZE),
		LEN("truncated to header", -(long long)(size - RING_HDR_SIZE)),
		LEN("extended", 4096),
		/* slots and file_size agree with each other, not with the file */
		{ .what = "slots 32 consistent", .off = HOFF(slots), .width = 8, .val = 32,
		  .off2 = HOFF(file_size), .val2 = RING_BYTES(2, 32) },
	};

	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	uint8_t *good, *bad;
	size_t len, blen, i;

	ring_close(r);
	good = file_load(f->path, &len);
	bad = calloc(1, len + 4096);
	assert_non_null(bad);
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		memcpy(bad, good, len);
		memset(bad + len, 0, 4096);
		if (m[i].width)
			memcpy(bad + m[i].off, &m[i].val, m[i].width);
		if (m[i].off2)
			memcpy(bad + m[i].off2, &m[i].val2, sizeof(m[i].val2));
		blen = (size_t)((long long)len + m[i].dlen);
		file_store(f->path, bad, blen);
		errno = 0;
		if (ring_refused(f, f->path, size, 2) != EINVAL)
			fail_msg("%s: errno %d", m[i].what, errno);
		file_is(f->path, bad, blen);
		rr_refused(f, f->path);
		assert_int_equal(errno, EINVAL);
		/* The refusal does not depend on the geometry asked for. */
		ring_refused(f, f->path, RING_BYTES(3, 2 * SLOTS), 3);
		file_is(f->path, bad, blen);
		assert_int_equal(fx_entries(f), 1);
	}
	free(good);
	free(bad);
}

static void test_refuse_args(void **state)
{
	struct fx *f = *state;

	assert_int_equal(ring_refused(f, f->path, RING_BYTES(2, SLOTS) - 1, 2), EINVAL);
	assert_int_equal(ring_refused(f, f->path, 0, 1), EINVAL);
	assert_int_equal(ring_refused(f, f->path, RING_BYTES(1, SLOTS), 0), EINVAL);
	assert_int_equal(ring_refused(f, f->path, RING_BYTES(257, SLOTS), 257), EINVAL);
	assert_int_equal(fx_entries(f), 0);
	f->err[0] = '\0';
	assert_null(ringread_open(f->path, f->err, sizeof(f->err)));
	assert_int_equal(errno, ENOENT);
	assert_true(strlen(f->err) > 0);
}

static void test_refuse_busy(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct stat st1, st2;

	assert_int_equal(stat(f->path, &st1), 0);
	assert_int_equal(ring_refused(f, f->path, RING_BYTES(2, SLOTS), 2), EBUSY);
	/* Not even moved aside for a new geometry while in use. */
	assert_int_equal(ring_refused(f, f->path, RING_BYTES(3, SLOTS), 3), EBUSY);
	assert_int_equal(stat(f->path, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);
	assert_int_equal(fx_entries(f), 1);
	ring_close(r);
	r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	ring_close(r);
}

/* The daemon's ring directory must not be writable by everyone (sticky or
 * not); ring_open() checks it only when asked (opts.check_dir). */
static void test_dir_check(void **state)
{
	struct fx *f = *state;
	struct ring_open_opts o = { .size = RING_BYTES(2, SLOTS), .nsegs = 2, .check_dir = 1 };
	char dir[160], path[200];
	static const mode_t unsafe[] = { 0777, 01777, 0773, 0702 };
	struct ring *r;
	size_t i;

	/* Safe: the fixture's own 0700 directory, 0755, the root directory. */
	assert_int_equal(ring_dir_check(f->path, f->err, sizeof(f->err)), 0);
	assert_int_equal(chmod(f->dir, 0755), 0);
	assert_int_equal(ring_dir_check(f->path, f->err, sizeof(f->err)), 0);
	assert_int_equal(ring_dir_check("/drops.ring", f->err, sizeof(f->err)), 0);
	o.path = f->path;
	r = ring_open(&o, f->err, sizeof(f->err));
	if (!r)
		fail_msg("ring_open: %s", f->err);
	ring_close(r);

	fx_name(f, dir, sizeof(dir), "ww");
	snprintf(path, sizeof(path), "%s/drops.ring", dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	for (i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++) {
		/* chmod, not mkdir's mode: the umask must not weaken the test. */
		assert_int_equal(chmod(dir, unsafe[i]), 0);
		f->err[0] = '\0';
		assert_int_equal(ring_dir_check(path, f->err, sizeof(f->err)), -EPERM);
		assert_non_null(strstr(f->err, "world-writable"));
		assert_non_null(strstr(f->err, dir));
		o.path = path;
		errno = 0;
		assert_null(ring_open(&o, f->err, sizeof(f->err)));
		assert_int_equal(errno, EPERM);
	}
	/* Refused before anything was made there; without check_dir it opens. */
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 01777), 0);
	o.check_dir = 0;
	r = ring_open(&o, f->err, sizeof(f->err));
	if (!r)
		fail_msg("ring_open without check_dir: %s", f->err);
	ring_close(r);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);

	/* A missing directory or a file in its place: a reason, no crash. */
	snprintf(path, sizeof(path), "%s/no/such.ring", f->dir);
	assert_int_equal(ring_dir_check(path, f->err, sizeof(f->err)), -ENOENT);
	snprintf(path, sizeof(path), "%s/drops.ring/x.ring", f->dir);
	assert_int_equal(ring_dir_check(path, f->err, sizeof(f->err)), -ENOTDIR);
	assert_true(strlen(f->err) > 0);
}

/* A new ring is 0640 in the group asked for; a continued one is given to
 * that group; without set_group the creator's group stays. */
static void test_mode_group(void **state)
{
	struct fx *f = *state;
	struct ring_open_opts o = {
		.path = f->path, .size = RING_BYTES(2, SLOTS), .nsegs = 2, .set_group = 1,
	};
	struct ring *r;
	struct stat st;
	mode_t old = umask(0);	/* the mode must not depend on the umask */

	/* Root may choose any group; anyone else one of their own. */
	o.gid = geteuid() == 0 ? 4242 : getegid();
	r = ring_open(&o, f->err, sizeof(f->err));
	umask(old);
	if (!r)
		fail_msg("ring_open: %s", f->err);
	ring_close(r);
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_gid, o.gid);
	assert_int_equal(st.st_uid, geteuid());
	assert_int_equal(fx_entries(f), 1);	/* no temporary file left */

	if (geteuid() == 0) {
		o.gid = 4343;
		r = ring_open(&o, f->err, sizeof(f->err));
		if (!r)
			fail_msg("ring_open (continue): %s", f->err);
		assert_int_equal(ring_epoch(r), 2);
		ring_close(r);
		assert_int_equal(stat(f->path, &st), 0);
		assert_int_equal(st.st_gid, 4343);
		assert_int_equal(st.st_mode & 07777, 0640);
	}

	assert_int_equal(unlink(f->path), 0);
	o.set_group = 0;
	o.gid = 4242;
	r = ring_open(&o, f->err, sizeof(f->err));
	if (!r)
		fail_msg("ring_open without set_group: %s", f->err);
	ring_close(r);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_gid, getegid());
}

/* Random damage to the header and segment headers: the reader either
 * refuses with a reason or serves every call without crashing. */
static void test_fuzz_headers(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct ring_writer w;
	struct ring_rec out;
	struct ring_reader *rr;
	uint64_t seed = 0x9e3779b97f4a7c15ull, head, pos;
	uint8_t *good, *bad;
	size_t len, blen, off;
	char buf[RING_PREFIX_LEN];
	unsigned i, k, s, c, opened = 0;

	ring_writer_init(r, &w, 0, 10, 0);
	append_n(&w, 0, 20);
	ring_publish(&w);
	ring_close(r);
	good = file_load(f->path, &len);
	bad = malloc(len + RING_SEGHDR_SIZE);
	assert_non_null(bad);
	for (i = 0; i < 2000; i++) {
		memcpy(bad, good, len);
		blen = len;
		for (k = 1 + xorshift(&seed) % 4; k; k--) {
			/* Mostly the fields that steer the reader. */
			off = xorshift(&seed) % 2 ? xorshift(&seed) % 96 :
			      xorshift(&seed) % (RING_HDR_SIZE + 2 * RING_SEGHDR_SIZE);
			bad[off] = (uint8_t)xorshift(&seed);
		}
		if (xorshift(&seed) % 16 == 0)
			blen = len - RING_REC_SIZE + xorshift(&seed) % (2 * RING_REC_SIZE);
		if (blen > len)
			memset(bad + len, 0, blen - len);
		file_store(f->path, bad, blen);
		f->err[0] = '\0';
		rr = ringread_open(f->path, f->err, sizeof(f->err));
		if (!rr) {
			assert_true(strlen(f->err) > 0);
			continue;
		}
		opened++;
		for (s = 0; s < ringread_nsegs(rr); s++) {
			head = ringread_head(rr, s);
			for (pos = head - 3; pos != head + 3; pos++)
				(void)ringread_get(rr, s, pos, &out);
			for (c = 0; c <= RING_CTR_SLOTS; c++)
				(void)ringread_ctr(rr, s, c);
			for (c = 0; c < 256; c++)
				(void)ringread_prefix(rr, s, (uint8_t)c, buf, sizeof(buf));
		}
		for (c = 0; c < 300; c++)
			(void)ringread_ifname(rr, c, buf, sizeof(buf));
		ringread_close(rr);
	}
	/* Most damage outside the checked fields leaves a readable file. */
	assert_true(opened > 100);
	free(good);
	free(bad);
}

static void test_prefix_table(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct ring_reader *rr = rr_new(f, f->path);
	struct ring_writer w0, w1;
	char name[32], buf[RING_PREFIX_LEN + 8], long1[201], long2[201];
	unsigned i;

	ring_writer_init(r, &w0, 0, 10, 0);
	ring_writer_init(r, &w1, 1, 11, 1);
	assert_int_equal(ring_prefix_id(&w0, "drop-a", 6), 0);
	assert_int_equal(ring_prefix_id(&w0, "drop-a", 6), 0);
	assert_int_equal(ring_prefix_id(&w0, "drop-b", 6), 1);
	/* len counts, not the NUL: "drop-abc" cut at 6 is "drop-a". */
	assert_int_equal(ring_prefix_id(&w0, "drop-abc", 6), 0);
	assert_int_equal(ring_prefix_id(&w0, "drop-", 5), 2);
	assert_int_equal(ring_prefix_id(&w0, "drop-a", 6), 0);
	for (i = 3; i < RING_PREFIXES; i++) {
		snprintf(name, sizeof(name), "p%u", i);
		assert_int_equal(ring_prefix_id(&w0, name, strlen(name)), i);
	}
	assert_int_equal(ringread_seg(rr, 0)->nprefixes, RING_PREFIXES);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_PREFIX_FULL), 0);
	assert_int_equal(ring_prefix_id(&w0, "one-too-many", 12), RING_PREFIX_NONE);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_PREFIX_FULL), 1);
	assert_int_equal(ring_prefix_id(&w0, "another", 7), RING_PREFIX_NONE);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_PREFIX_FULL), 2);
	/* A full table still finds what it has. */
	assert_int_equal(ring_prefix_id(&w0, "drop-b", 6), 1);
	assert_int_equal(ring_prefix_id(&w0, "p14", 3), 14);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_PREFIX_FULL), 2);

	assert_string_equal(ringread_prefix(rr, 0, 0, buf, sizeof(buf)), "drop-a");
	assert_string_equal(ringread_prefix(rr, 0, 1, buf, sizeof(buf)), "drop-b");
	assert_string_equal(ringread_prefix(rr, 0, 2, buf, sizeof(buf)), "drop-");
	assert_string_equal(ringread_prefix(rr, 0, 14, buf, sizeof(buf)), "p14");
	assert_null(ringread_prefix(rr, 0, RING_PREFIXES, buf, sizeof(buf)));
	assert_null(ringread_prefix(rr, 0, RING_PREFIX_NONE, buf, sizeof(buf)));
	assert_null(ringread_prefix(rr, 0, 0, buf, 0));
	assert_string_equal(ringread_prefix(rr, 0, 0, buf, 4), "dro");

	/* Segments have separate tables; a 200-char prefix keeps 127. */
	assert_null(ringread_prefix(rr, 1, 0, buf, sizeof(buf)));
	memset(long1, 'x', 200);
	long1[200] = '\0';
	memcpy(long2, long1, sizeof(long2));
	long2[150] = 'y';
	assert_int_equal(ring_prefix_id(&w1, long1, 200), 0);
	assert_int_equal(ringread_ctr(rr, 1, RING_CTR_PREFIX_FULL), 0);
	assert_non_null(ringread_prefix(rr, 1, 0, buf, sizeof(buf)));
	assert_int_equal(strlen(buf), RING_PREFIX_LEN - 1);
	assert_memory_equal(buf, long1, RING_PREFIX_LEN - 1);
	assert_int_equal(ring_prefix_id(&w1, long1, 200), 0);
	assert_int_equal(ring_prefix_id(&w1, long2, 200), 0);	/* same first 127 */
	assert_int_equal(ring_prefix_id(&w1, long1, RING_PREFIX_LEN - 1), 0);
	assert_int_equal(ring_prefix_id(&w1, long1, 126), 1);

	/* Drop records count per prefix; alerts and prefix-less records do not. */
	{
		struct ring_rec rec;
		uint8_t ids[] = { 1, 1, 0, RING_PREFIX_NONE, 1 };

		for (i = 0; i < sizeof(ids); i++) {
			memset(&rec, 0, sizeof(rec));
			rec.kind = RING_KIND_DROP;
			rec.prefix_id = ids[i];
			ring_append(&w1, &rec);
		}
		rec.kind = RING_KIND_ALERT;
		rec.prefix_id = 0;
		ring_append(&w1, &rec);
	}
	assert_int_equal(ringread_prefix_count(rr, 1, 0), 1);
	assert_int_equal(ringread_prefix_count(rr, 1, 1), 3);
	assert_int_equal(ringread_prefix_count(rr, 1, 2), 0);
	assert_int_equal(ringread_prefix_count(rr, 0, 1), 0);
	assert_int_equal(ringread_prefix_count(rr, 1, RING_PREFIX_NONE), 0);
	assert_int_equal(ringread_prefix_count(rr, 9, 0), 0);
	ringread_close(rr);
	ring_close(r);
}

/* Tables the reader gets from a damaged file: never read past an entry. */
static void test_hostile_tables(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct ring_iface ifs[1] = { { 5, "eth0" } };
	char full[RING_PREFIX_LEN], name[RING_IFNAMSIZ], buf[256];
	struct ring_reader *rr;
	struct ring_writer w;
	uint32_t n = UINT32_MAX, gen = 7;

	ring_set_ifaces(r, ifs, 1);
	ring_close(r);
	memset(full, 'A', sizeof(full));
	memset(name, 'N', sizeof(name));
	poke(f->path, seg_off(0) + offsetof(struct ring_seg_hdr, nprefixes), &n, 4);
	poke(f->path, seg_off(0) + offsetof(struct ring_seg_hdr, prefix), full, sizeof(full));
	poke(f->path, HOFF(ifaces) + offsetof(struct ring_iface, name), name, sizeof(name));
	rr = rr_new(f, f->path);
	assert_non_null(ringread_prefix(rr, 0, 0, buf, sizeof(buf)));
	assert_int_equal(strlen(buf), RING_PREFIX_LEN - 1);
	assert_non_null(ringread_prefix(rr, 0, RING_PREFIXES - 1, buf, sizeof(buf)));
	assert_null(ringread_prefix(rr, 0, RING_PREFIXES, buf, sizeof(buf)));
	assert_non_null(ringread_ifname(rr, 5, buf, sizeof(buf)));
	assert_int_equal(strlen(buf), RING_IFNAMSIZ - 1);
	/* A writer that died inside ring_set_ifaces() leaves gen odd: the
	 * lookup gives up waiting instead of spinning. */
	poke(f->path, HOFF(iface_gen), &gen, 4);
	assert_non_null(ringread_ifname(rr, 5, buf, sizeof(buf)));

	/* The writer copes with the same damage: the table counts as full. */
	r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	ring_writer_init(r, &w, 0, 10, 0);
	assert_int_equal(ring_prefix_id(&w, "new", 3), RING_PREFIX_NONE);
	ring_set_ifaces(r, ifs, 1);
	assert_string_equal(ringread_ifname(rr, 5, buf, sizeof(buf)), "eth0");
	assert_int_equal(ringread_hdr(rr)->iface_gen % 2, 0);
	ring_close(r);
	ringread_close(rr);
}

static void test_iface_table(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct ring_reader *rr = rr_new(f, f->path);
	const struct ring_file_hdr *h = ringread_hdr(rr);
	struct ring_iface ifs[RING_IFACES + 6];
	char buf[RING_IFNAMSIZ], small[4];
	unsigned i;

	memset(ifs, 0, sizeof(ifs));
	ifs[0].ifindex = 1;
	strcpy(ifs[0].name, "lo");
	ifs[1].ifindex = 3;
	strcpy(ifs[1].name, "veth1");
	ifs[2].ifindex = 70000;
	memset(ifs[2].name, 'z', RING_IFNAMSIZ);	/* no NUL */
	assert_null(ringread_ifname(rr, 1, buf, sizeof(buf)));
	ring_set_ifaces(r, ifs, 3);
	assert_int_equal(h->iface_gen, 2);
	assert_string_equal(ringread_ifname(rr, 1, buf, sizeof(buf)), "lo");
	assert_string_equal(ringread_ifname(rr, 3, buf, sizeof(buf)), "veth1");
	assert_string_equal(ringread_ifname(rr, 70000, buf, sizeof(buf)),
			    "zzzzzzzzzzzzzzz");
	assert_string_equal(ringread_ifname(rr, 3, small, sizeof(small)), "vet");
	assert_null(ringread_ifname(rr, 2, buf, sizeof(buf)));
	assert_null(ringread_ifname(rr, 0, buf, sizeof(buf)));
	assert_null(ringread_ifname(rr, 1, buf, 0));

	/* A new table replaces the old one entirely. */
	ring_set_ifaces(r, &ifs[1], 1);
	assert_int_equal(h->iface_gen, 4);
	assert_null(ringread_ifname(rr, 1, buf, sizeof(buf)));
	assert_string_equal(ringread_ifname(rr, 3, buf, sizeof(buf)), "veth1");
	assert_null(ringread_ifname(rr, 70000, buf, sizeof(buf)));

	/* More than fit: the first RING_IFACES are kept. */
	for (i = 0; i < RING_IFACES + 6; i++) {
		ifs[i].ifindex = 100 + i;
		snprintf(ifs[i].name, sizeof(ifs[i].name), "if%u", 100 + i);
	}
	ring_set_ifaces(r, ifs, RING_IFACES + 6);
	assert_string_equal(ringread_ifname(rr, 100, buf, sizeof(buf)), "if100");
	assert_string_equal(ringread_ifname(rr, 100 + RING_IFACES - 1, buf, sizeof(buf)),
			    "if163");
	assert_null(ringread_ifname(rr, 100 + RING_IFACES, buf, sizeof(buf)));
	ringread_close(rr);
	ring_close(r);
}

static void test_counters(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct ring_reader *rr = rr_new(f, f->path);
	struct ring_writer w0, w1;
	unsigned c;

	ring_writer_init(r, &w0, 0, 10, 0);
	ring_writer_init(r, &w1, 1, 11, 1);
	for (c = 0; c < __RING_CTR_MAX; c++) {
		ring_ctr_add(w0.hdr, c, c + 1);
		ring_ctr_add(w0.hdr, c, 1000);
		ring_ctr_set(w1.hdr, c, UINT64_C(1) << 40 | c);
	}
	for (c = 0; c < __RING_CTR_MAX; c++) {
		assert_int_equal(ringread_ctr(rr, 0, c), c + 1001);
		assert_int_equal(ringread_ctr(rr, 1, c), UINT64_C(1) << 40 | c);
	}
	ring_ctr_set(w0.hdr, RING_CTR_DROPS_PENDING, 0);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_DROPS_PENDING), 0);
	ring_ctr_add(w1.hdr, RING_CTR_BATCHES, 1);
	assert_int_equal(ringread_ctr(rr, 1, RING_CTR_BATCHES),
			 (UINT64_C(1) << 40 | RING_CTR_BATCHES) + 1);
	/* Reserved slots read as zero; past the block there is nothing. */
	assert_int_equal(ringread_ctr(rr, 0, __RING_CTR_MAX), 0);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_SLOTS - 1), 0);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_SLOTS), 0);
	assert_int_equal(ringread_ctr(rr, 0, UINT32_MAX), 0);
	ringread_close(rr);
	ring_close(r);
}

static void test_ctr_names(void **state)
{
	/* A counter's index and name are its on-disk identity (stats --json). */
	static const char *const want[] = {
		"received", "recorded", "lost_seq", "enobufs", "sock_drops",
		"truncated", "invalid", "bad_msg", "msg_trunc", "no_seq",
		"seq_reset", "ipv4", "ipv6", "l3_other", "tcp", "udp", "icmp",
		"icmpv6", "l4_other", "fragment", "prefix_full", "batches",
		"drops_pending", "verdict_unknown", "verdict_expected", "verdict_noise",
		"verdict_suspicious", "verdict_hostile", "kb_full", "corr_lapped",
		"corr_evicted", "alerts",
	};
	unsigned c, d;

	(void)state;
	assert_int_equal(sizeof(want) / sizeof(want[0]), __RING_CTR_MAX);
	for (c = 0; c < __RING_CTR_MAX; c++) {
		assert_non_null(ring_ctr_name(c));
		assert_string_equal(ring_ctr_name(c), want[c]);
		for (d = 0; d < c; d++)
			assert_string_not_equal(ring_ctr_name(c), ring_ctr_name(d));
	}
	assert_null(ring_ctr_name(__RING_CTR_MAX));
	assert_null(ring_ctr_name(RING_CTR_SLOTS));
	assert_null(ring_ctr_name(UINT32_MAX));
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

#define T(fn)	cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_ctr_names),
		cmocka_unit_test(test_crc32c),
		T(test_slots_rounding),
		T(test_roundtrip),
		T(test_wrap),
		T(test_lapped_reader),
		T(test_get_live_head),
		T(test_stamps_live),
		T(test_damage),
		T(test_reopen),
		T(test_populate),
		T(test_adopt_unpublished),
		T(test_geometry_change),
		T(test_other_major),
		T(test_refuse_symlink),
		T(test_refuse_not_ring),
		T(test_refuse_corrupt),
		T(test_refuse_args),
		T(test_refuse_busy),
		T(test_dir_check),
		T(test_mode_group),
		T(test_fuzz_headers),
		T(test_prefix_table),
		T(test_hostile_tables),
		T(test_iface_table),
		T(test_counters),
		T(test_concurrent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
