/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ring_fixture.h - the fixture and helpers shared by the test_ring*.c tests.
 *
 * Every test runs in its own mkdtemp() directory under /tmp, removed by the
 * teardown. Damage is done the way another process would do it: pwrite()
 * through a separate descriptor, which the shared mappings see at once.
 * Records are filled from an index so that every byte of a record is
 * non-zero and tied to its position; a read is checked byte for byte.
 */
#ifndef NFLOGD_TESTS_RING_FIXTURE_H
#define NFLOGD_TESTS_RING_FIXTURE_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ring/ring.h"
#include "ring/ringread.h"

#define RING_BYTES(nsegs, slots) ((uint64_t)RING_HDR_SIZE + \
	(uint64_t)(nsegs) * RING_SEGHDR_SIZE + (uint64_t)(nsegs) * (slots) * RING_REC_SIZE)
#define SLOTS		16u
#define IDX(seg, pos)	((uint64_t)(seg) * 100000u + (pos))

struct fx {
	char	dir[64];
	char	path[128];
	char	err[512];
};

static inline int fx_setup(void **state)
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

static inline int fx_teardown(void **state)
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

static inline unsigned fx_entries(const struct fx *f)
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

static inline uint8_t *file_load(const char *path, size_t *len)
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

static inline void file_is(const char *path, const uint8_t *buf, size_t len)
{
	size_t n;
	uint8_t *now = file_load(path, &n);

	assert_int_equal(n, len);
	assert_memory_equal(now, buf, len);
	free(now);
}

/* Overwrite bytes in place, as a hostile or crashing process would. */
static inline void poke(const char *path, uint64_t off, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, p, n, (off_t)off), (ssize_t)n);
	close(fd);
}

static inline void poke_u64(const char *path, uint64_t off, uint64_t v)
{
	poke(path, off, &v, sizeof(v));
}

static inline void flip(const char *path, uint64_t off)
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
static inline uint64_t rec_off(uint32_t nsegs, uint64_t slots, uint32_t seg, uint64_t pos)
{
	return RING_HDR_SIZE + (uint64_t)nsegs * RING_SEGHDR_SIZE +
	       ((uint64_t)seg * slots + (pos & (slots - 1))) * RING_REC_SIZE;
}

static inline struct ring *ring_new(struct fx *f, const char *path, uint32_t nsegs, uint64_t slots,
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

static inline struct ring_reader *rr_new(struct fx *f, const char *path)
{
	struct ring_reader *rr;

	f->err[0] = '\0';
	rr = ringread_open(path, f->err, sizeof(f->err));
	if (!rr)
		fail_msg("ringread_open %s: %s", path, f->err);
	return rr;
}

static inline void rr_refused(struct fx *f, const char *path)
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
static inline uint64_t spread(uint64_t idx)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (0x80 | ((idx >> (7 * i)) & 0x7f)) << (8 * i);
	return v;
}

/* Every field distinct and non-zero; commit and crc hold junk that
 * ring_append() must ignore. */
static inline void rec_fill(struct ring_rec *r, uint64_t idx)
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
static inline uint32_t crc_ref(const void *buf, size_t len)
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

static inline void rec_expect(const struct ring_rec *got, uint64_t pos, uint64_t idx)
{
	struct ring_rec want;

	rec_fill(&want, idx);
	assert_int_equal(got->commit, 2 * pos + 2);
	assert_int_equal(got->crc, crc_ref((const uint8_t *)&want + 12, sizeof(want) - 12));
	assert_memory_equal((const uint8_t *)got + 12, (const uint8_t *)&want + 12,
			    sizeof(want) - 12);
}

static inline void append_n(struct ring_writer *w, uint32_t seg, unsigned n)
{
	struct ring_rec rec;

	while (n--) {
		rec_fill(&rec, IDX(seg, w->pos));
		ring_append(w, &rec);
	}
}

static inline void expect_ok(const struct ring_reader *rr, uint32_t seg, uint64_t pos)
{
	struct ring_rec out;

	assert_int_equal(ringread_get(rr, seg, pos, &out), RINGREAD_OK);
	rec_expect(&out, pos, IDX(seg, pos));
}

static inline enum ringread_result get(const struct ring_reader *rr, uint32_t seg, uint64_t pos)
{
	struct ring_rec out;

	return ringread_get(rr, seg, pos, &out);
}

static inline uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A test in the fixture: its own directory, removed afterwards. */
#define T(fn)	cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

#endif
