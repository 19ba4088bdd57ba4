/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_ring_refuse.c - ring file: refusals, directory and mode checks, hostile headers.
 *
 * What ring_open() and ringread_open() refuse (a link, a file that is not a
 * ring, a corrupt header, bad arguments, a ring in use, a world-writable
 * directory) and leave as it was; the mode and group of a new ring; and a
 * reader that survives random damage to the headers and tables.
 */
#include "ring_fixture.h"

static void fx_name(const struct fx *f, char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", f->dir, name);
}

static void file_store(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static uint64_t seg_off(uint32_t seg)
{
	return RING_HDR_SIZE + (uint64_t)seg * RING_SEGHDR_SIZE;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_refuse_symlink),
		T(test_refuse_not_ring),
		T(test_refuse_corrupt),
		T(test_refuse_args),
		T(test_refuse_busy),
		T(test_dir_check),
		T(test_mode_group),
		T(test_fuzz_headers),
		T(test_hostile_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
