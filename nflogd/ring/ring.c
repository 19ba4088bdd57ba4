/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ring.c - writer side of the ring file (format: ringfmt.h, doc/ring-format.md).
 *
 * The file is created at its final size with posix_fallocate() so that a full
 * disk is an error at start-up, never a SIGBUS at run time; it is then mapped
 * MAP_SHARED and written in place. Records reach the page cache as soon as
 * they are stored, so a reader sees them, and a kill -9 loses at most the one
 * record being written (its commit word stays odd).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/crc32c.h"
#include "util/errbuf.h"
#include "ring/ring.h"

struct ring {
	int			 fd;
	size_t			 map_len;
	struct ring_file_hdr	*hdr;
	uint8_t			*base;
};

static uint64_t ring_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint32_t ring_rec_crc(const struct ring_rec *rec)
{
	return crc32c((const uint8_t *)rec + 12, sizeof(*rec) - 12);
}

const char *ring_geometry_check(const struct ring_file_hdr *h, uint64_t file_len)
{
	uint64_t want;

	if (memcmp(h->magic, RING_MAGIC, sizeof(h->magic)) != 0)
		return "bad magic: not an nflogd ring file";
	if (h->version_major != RING_VERSION_MAJOR)
		return "unsupported format version";
	if (h->hdr_size != RING_HDR_SIZE || h->seghdr_size != RING_SEGHDR_SIZE ||
	    h->rec_size != RING_REC_SIZE)
		return "header, segment-header or record size differs from format v1";
	if (h->nsegs == 0 || h->nsegs > RING_SEG_MAX)
		return "segment count out of range";
	if (h->slots < RING_SLOTS_MIN || (h->slots & (h->slots - 1)) != 0 ||
	    h->slots > (UINT64_C(1) << 32))
		return "slot count is not a power of two in range";
	if (h->data_off != RING_HDR_SIZE + (uint64_t)h->nsegs * RING_SEGHDR_SIZE)
		return "data offset disagrees with segment count";
	/* nsegs <= 256 and slots <= 2^32: the product cannot overflow 64 bits. */
	want = h->data_off + (uint64_t)h->nsegs * h->slots * RING_REC_SIZE;
	if (h->file_size != want)
		return "file size field disagrees with the geometry";
	if (h->file_size != file_len)
		return "file length differs from the header (truncated or extended)";
	return NULL;
}

static int ring_geometry(uint64_t size, uint32_t nsegs, uint64_t *slots_out,
			 char *err, size_t errlen)
{
	uint64_t data_off = RING_HDR_SIZE + (uint64_t)nsegs * RING_SEGHDR_SIZE;
	uint64_t per_seg, slots = RING_SLOTS_MIN;

	if (nsegs == 0 || nsegs > RING_SEG_MAX) {
		errbuf_set(err, errlen, "%u segments: must be 1..%u", nsegs, RING_SEG_MAX);
		return -EINVAL;
	}
	per_seg = size > data_off ? (size - data_off) / nsegs / RING_REC_SIZE : 0;
	if (per_seg < RING_SLOTS_MIN) {
		errbuf_set(err, errlen, "ring size %llu bytes is too small for %u segments "
			 "(need at least %llu)", (unsigned long long)size, nsegs,
			 (unsigned long long)(data_off + (uint64_t)nsegs * RING_SLOTS_MIN * RING_REC_SIZE));
		return -EINVAL;
	}
	while (slots * 2 <= per_seg && slots < (UINT64_C(1) << 32))
		slots *= 2;
	*slots_out = slots;
	return 0;
}

/* The mapping is page-aligned and every offset below is a multiple of the
 * record size, so these casts keep the structs' alignment (hence via void *). */
static struct ring_seg_hdr *ring_seghdr(struct ring *r, uint32_t seg)
{
	return (void *)(r->base + RING_HDR_SIZE + (size_t)seg * RING_SEGHDR_SIZE);
}

static struct ring_rec *ring_segrecs(struct ring *r, uint32_t seg)
{
	return (void *)(r->base + r->hdr->data_off + (size_t)seg * r->hdr->slots * RING_REC_SIZE);
}

static int ring_map(struct ring *r, size_t len, char *err, size_t errlen)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);

	if (p == MAP_FAILED) {
		int e = errno;

		errbuf_set(err, errlen, "mmap: %s", strerror(e));
		return -e;
	}
	r->base = p;
	r->hdr = p;
	r->map_len = len;
	return 0;
}

/* Move an existing ring we must not continue out of the way. The new name
 * carries the time so nothing earlier is ever replaced (RENAME_NOREPLACE). */
static int ring_move_aside(const char *path, char *moved, size_t movedlen,
			   char *err, size_t errlen)
{
	char name[PATH_MAX + 64], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int i;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (i = 0; i < 100; i++) {
		if (i == 0)
			snprintf(name, sizeof(name), "%s.%s.old", path, stamp);
		else
			snprintf(name, sizeof(name), "%s.%s-%d.old", path, stamp, i);
		if (renameat2(AT_FDCWD, path, AT_FDCWD, name, RENAME_NOREPLACE) == 0) {
			if (moved && movedlen)
				snprintf(moved, movedlen, "%s", name);
			return 0;
		}
		if (errno != EEXIST) {
			int e = errno;

			errbuf_set(err, errlen, "cannot move incompatible ring aside to %s: %s",
				 name, strerror(e));
			return -e;
		}
	}
	errbuf_set(err, errlen, "cannot find a free name to move the incompatible ring aside");
	return -EEXIST;
}

int ring_dir_check(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;
	int e;

	if (slash && (size_t)(slash - path) >= sizeof(dir)) {
		errbuf_set(err, errlen, "ring path %s is too long", path);
		return -ENAMETOOLONG;
	}
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (stat(dir, &st) < 0) {
		e = errno;
		errbuf_set(err, errlen, "ring directory %s: %s", dir, strerror(e));
		return -e;
	}
	if (!S_ISDIR(st.st_mode)) {
		errbuf_set(err, errlen, "ring directory %s is not a directory", dir);
		return -ENOTDIR;
	}
	if (st.st_mode & S_IWOTH) {
		errbuf_set(err, errlen, "ring directory %s is world-writable (mode %04o): any "
			 "user could plant or swap files there; put the ring in a directory "
			 "only root can write, such as /var/lib/nflogd", dir,
			 (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* Give the file to group gid ((gid_t)-1: leave it); the owner stays. */
static int ring_chgrp(int fd, gid_t gid, const char *path, char *err, size_t errlen)
{
	int e;

	if (gid == (gid_t)-1 || fchown(fd, (uid_t)-1, gid) == 0)
		return 0;
	e = errno;
	errbuf_set(err, errlen, "cannot give %s to group %u: %s", path, (unsigned)gid, strerror(e));
	return -e;
}

static int ring_create(struct ring *r, const char *path, uint32_t nsegs, uint64_t slots,
		       gid_t gid, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 32];
	uint64_t data_off = RING_HDR_SIZE + (uint64_t)nsegs * RING_SEGHDR_SIZE;
	uint64_t size = data_off + (uint64_t)nsegs * slots * RING_REC_SIZE;
	struct ring_file_hdr *h;
	int e, fd;

	if ((uint64_t)(size_t)size != size) {
		errbuf_set(err, errlen, "ring size does not fit in memory");
		return -EFBIG;
	}
	/* Build the file under a temporary name and rename it into place only
	 * once it is complete: a reader never sees a half-made header. */
	snprintf(tmp, sizeof(tmp), "%s.new.XXXXXX", path);
	/* A unique name: a crashed start leaves no trap. mkostemp() opens with
	 * O_CREAT | O_EXCL, which never follows a symbolic link (EEXIST), and
	 * RENAME_NOREPLACE below never replaces one: the create path follows
	 * no link, as open() with O_NOFOLLOW does for an existing ring. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		errbuf_set(err, errlen, "cannot create a file next to %s: %s", path, strerror(e));
		return -e;
	}
	/* mkostemp() made it 0600: only the owner can open it until both the
	 * group and the mode are right. Locked before it gets its real name,
	 * so no other writer can slip in. */
	if ((e = -ring_chgrp(fd, gid, tmp, err, errlen)) != 0)
		goto fail;
	if (fchmod(fd, 0640) < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
		e = errno;
		errbuf_set(err, errlen, "cannot prepare %s: %s", tmp, strerror(e));
		goto fail;
	}
	e = posix_fallocate(fd, 0, (off_t)size);
	if (e) {
		errbuf_set(err, errlen, "cannot allocate %llu bytes for %s: %s",
			 (unsigned long long)size, path, strerror(e));
		goto fail;
	}
	r->fd = fd;
	if ((e = -ring_map(r, size, err, errlen)) != 0)
		goto fail;
	h = r->hdr;
	memcpy(h->magic, RING_MAGIC, sizeof(h->magic));
	h->version_major = RING_VERSION_MAJOR;
	h->version_minor = RING_VERSION_MINOR;
	h->hdr_size = RING_HDR_SIZE;
	h->seghdr_size = RING_SEGHDR_SIZE;
	h->rec_size = RING_REC_SIZE;
	h->nsegs = nsegs;
	h->slots = slots;
	h->data_off = data_off;
	h->file_size = size;
	h->created_ns = ring_now_ns();
	h->state = RING_STATE_OFFLINE;
	if (msync(r->base, RING_HDR_SIZE, MS_SYNC) < 0 ||
	    renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) < 0) {
		e = errno;
		errbuf_set(err, errlen, "cannot put new ring in place at %s: %s", path, strerror(e));
		munmap(r->base, r->map_len);
		r->base = NULL;
		goto fail;
	}
	return 0;
fail:
	unlink(tmp);
	close(fd);
	r->fd = -1;
	return -e;
}

/* Records written but not yet published when the last writer died are
 * complete and valid: adopt them instead of overwriting them. */
static void ring_recover_head(struct ring *r, uint32_t seg)
{
	struct ring_seg_hdr *sh = ring_seghdr(r, seg);
	struct ring_rec *recs = ring_segrecs(r, seg);
	uint64_t mask = r->hdr->slots - 1, head = sh->head, pos;

	for (pos = head; pos - head < r->hdr->slots; pos++) {
		const struct ring_rec *rec = &recs[pos & mask];

		if (rec->commit != 2 * pos + 2 || rec->crc != ring_rec_crc(rec))
			break;
	}
	sh->head = pos;
}

/* Open an existing file. Returns 1 when it should be moved aside, 0 when it
 * is open and continued, -errno when it must be refused. */
static int ring_open_existing(struct ring *r, int fd, uint32_t nsegs, uint64_t slots,
			      gid_t gid, const char *path, char *err, size_t errlen)
{
	struct ring_file_hdr h;
	const char *why;
	struct stat st;
	ssize_t n;
	uint32_t s;
	int e;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode)) {
		errbuf_set(err, errlen, "%s is not a regular file; refusing to use it", path);
		return -EINVAL;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		errbuf_set(err, errlen, "%s is in use by another nflogd", path);
		return -EBUSY;
	}
	n = pread(fd, &h, sizeof(h), 0);
	if (n != (ssize_t)sizeof(h)) {
		errbuf_set(err, errlen, "%s is too short to be a ring file (%lld bytes); "
			 "refusing to overwrite it", path, (long long)st.st_size);
		return -EINVAL;
	}
	if (memcmp(h.magic, RING_MAGIC, sizeof(h.magic)) != 0) {
		errbuf_set(err, errlen, "%s is not an nflogd ring file (bad magic); "
			 "refusing to overwrite it", path);
		return -EINVAL;
	}
	/* A newer minor version may use fields this writer would not keep up
	 * to date: start a new file rather than continue it. */
	if (h.version_major != RING_VERSION_MAJOR || h.version_minor > RING_VERSION_MINOR)
		return 1;
	why = ring_geometry_check(&h, (uint64_t)st.st_size);
	if (why) {
		errbuf_set(err, errlen, "%s: corrupt ring header: %s; refusing to use it", path, why);
		return -EINVAL;
	}
	if (h.nsegs != nsegs || h.slots != slots)
		return 1;
	if (st.st_gid != gid && (e = ring_chgrp(fd, gid, path, err, errlen)) < 0)
		return e;
	r->fd = fd;
	if (ring_map(r, h.file_size, err, errlen) < 0) {
		r->fd = -1;
		return -EIO;
	}
	for (s = 0; s < nsegs; s++)
		ring_recover_head(r, s);
	/* An older minor's reserved bytes are zero, which is where its newer
	 * fields start counting from. */
	r->hdr->version_minor = RING_VERSION_MINOR;
	return 0;
}

struct ring *ring_open(const struct ring_open_opts *o, char *err, size_t errlen)
{
	gid_t gid = o->set_group ? o->gid : (gid_t)-1;
	struct ring *r;
	uint64_t slots;
	int fd, rc, e;

	if (o->moved_to && o->moved_to_len)
		o->moved_to[0] = '\0';
	rc = ring_geometry(o->size, o->nsegs, &slots, err, errlen);
	if (rc == 0 && o->check_dir)
		rc = ring_dir_check(o->path, err, errlen);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->fd = -1;

	fd = open(o->path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		rc = ring_open_existing(r, fd, o->nsegs, slots, gid, o->path, err, errlen);
		if (rc == 1) {
			/* Still holding its lock while renaming: no writer can
			 * be using the file we move. */
			rc = ring_move_aside(o->path, o->moved_to, o->moved_to_len, err, errlen);
			close(fd);
			if (rc == 0)
				rc = ring_create(r, o->path, o->nsegs, slots, gid, err, errlen);
		} else if (rc < 0) {
			close(fd);
		}
	} else if (errno == ENOENT) {
		rc = ring_create(r, o->path, o->nsegs, slots, gid, err, errlen);
	} else {
		rc = -errno;
		if (errno == ELOOP)
			errbuf_set(err, errlen, "%s is a symbolic link; refusing to follow it", o->path);
		else
			errbuf_set(err, errlen, "cannot open %s: %s", o->path, strerror(errno));
	}
	if (rc < 0)
		goto fail;
	if (flock(r->fd, LOCK_EX | LOCK_NB) < 0) {
		rc = -errno;
		errbuf_set(err, errlen, "%s is in use by another nflogd", o->path);
		goto fail;
	}
	r->hdr->epoch++;
	r->hdr->opened_ns = ring_now_ns();
	r->hdr->writer_pid = (uint32_t)getpid();
	r->hdr->state = RING_STATE_ONLINE;
	return r;
fail:
	e = -rc;
	ring_close(r);
	errno = e;
	return NULL;
}

void ring_close(struct ring *r)
{
	if (!r)
		return;
	if (r->base) {
		r->hdr->state = RING_STATE_OFFLINE;
		msync(r->base, r->map_len, MS_SYNC);
		munmap(r->base, r->map_len);
	}
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

void ring_writer_init(struct ring *r, struct ring_writer *w, uint32_t seg,
		      uint32_t group, int cpu)
{
	w->hdr = ring_seghdr(r, seg);
	w->recs = ring_segrecs(r, seg);
	w->mask = r->hdr->slots - 1;
	w->pos = w->hdr->head;
	w->hdr->role = RING_SEG_CAPTURE;
	w->hdr->group = group;
	w->hdr->cpu = cpu;
}

void ring_writer_init_alerts(struct ring *r, struct ring_writer *w, uint32_t seg)
{
	ring_writer_init(r, w, seg, 0, -1);
	w->hdr->role = RING_SEG_ALERT;
}

uint32_t ring_epoch(const struct ring *r)
{
	return r->hdr->epoch;
}

uint64_t ring_slots(const struct ring *r)
{
	return r->hdr->slots;
}

struct ring_rec *ring_reserve(struct ring_writer *w)
{
	struct ring_rec *slot = &w->recs[w->pos & w->mask];
	const char *next = (const char *)&w->recs[(w->pos + 2) & w->mask];

	/* The slot two ahead is cold (written one lap ago): start fetching its
	 * four cache lines for writing now, so that the append after next does
	 * not wait for them (sequential but page-crossing: the hardware
	 * prefetcher stops at every 4 KiB boundary, every 16 records). */
	__builtin_prefetch(next, 1, 0);
	__builtin_prefetch(next + 64, 1, 0);
	__builtin_prefetch(next + 128, 1, 0);
	__builtin_prefetch(next + 192, 1, 0);
	/* Odd commit word: "slot being rewritten". The release fence orders it
	 * before the body stores; it pairs with the acquire fence in
	 * ringread_get() between the body copy and the second commit load. */
	__atomic_store_n(&slot->commit, 2 * w->pos + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return slot;
}

void ring_commit(struct ring_writer *w, struct ring_rec *slot)
{
	slot->crc = ring_rec_crc(slot);
	/* Pairs with the acquire load of commit in ringread_get(). */
	__atomic_store_n(&slot->commit, 2 * w->pos + 2, __ATOMIC_RELEASE);
	w->pos++;
	if (slot->kind == RING_KIND_DROP && slot->prefix_id < RING_PREFIXES)
		__atomic_store_n(&w->hdr->prefix_count[slot->prefix_id],
				 w->hdr->prefix_count[slot->prefix_id] + 1, __ATOMIC_RELAXED);
}

void ring_append(struct ring_writer *w, struct ring_rec *rec)
{
	struct ring_rec *slot = ring_reserve(w);

	memcpy((uint8_t *)slot + sizeof(slot->commit), (const uint8_t *)rec + sizeof(rec->commit),
	       sizeof(*rec) - sizeof(rec->commit));
	ring_commit(w, slot);
}

uint8_t ring_prefix_id(struct ring_writer *w, const char *prefix, size_t len)
{
	struct ring_seg_hdr *h = w->hdr;
	uint32_t i, n = h->nprefixes;

	if (len >= RING_PREFIX_LEN)
		len = RING_PREFIX_LEN - 1;
	for (i = 0; i < n && i < RING_PREFIXES; i++)
		if (memcmp(h->prefix[i], prefix, len) == 0 && h->prefix[i][len] == '\0')
			return (uint8_t)i;
	if (n >= RING_PREFIXES) {
		ring_ctr_add(h, RING_CTR_PREFIX_FULL, 1);
		return RING_PREFIX_NONE;
	}
	memset(h->prefix[n], 0, RING_PREFIX_LEN);
	memcpy(h->prefix[n], prefix, len);
	/* Pairs with the acquire load of nprefixes in the reader. */
	__atomic_store_n(&h->nprefixes, n + 1, __ATOMIC_RELEASE);
	return (uint8_t)n;
}

void ring_set_ifaces(struct ring *r, const struct ring_iface *ifs, unsigned n)
{
	struct ring_file_hdr *h = r->hdr;
	uint32_t gen = h->iface_gen;

	if (n > RING_IFACES)
		n = RING_IFACES;
	/* Seqlock, the same shape as a record: odd while the table changes. */
	__atomic_store_n(&h->iface_gen, gen | 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memset(h->ifaces, 0, sizeof(h->ifaces));
	memcpy(h->ifaces, ifs, n * sizeof(*ifs));
	__atomic_store_n(&h->iface_gen, (gen | 1) + 1, __ATOMIC_RELEASE);
}

void ring_set_kb_stamp(struct ring *r, uint64_t stamp)
{
	r->hdr->kb_stamp = stamp;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14; older headers lack it */
#endif

/* One store per page of the byte already there: the page is faulted in
 * writable (and, on a file, page_mkwrite'd) and its contents stay. The
 * volatile accesses keep the compiler from dropping the store. A record a
 * reader is copying cannot tear: the byte written is the byte read, and
 * only this thread writes the ring before capture starts. */
static void ring_touch_pages(uint8_t *base, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), off;

	for (off = 0; off < len; off += page) {
		volatile uint8_t *b = base + off;

		*b = *b;
	}
}

int ring_populate(struct ring *r, int touch_only)
{
	if (!touch_only) {
		if (madvise(r->base, r->map_len, MADV_POPULATE_WRITE) == 0)
			return RING_POP_MADVISE;
		if (errno != EINVAL)
			return -errno;
	}
	ring_touch_pages(r->base, r->map_len);
	return RING_POP_TOUCH;
}

size_t ring_map_len(const struct ring *r)
{
	return r->map_len;
}

void ring_sync(struct ring *r)
{
	msync(r->base, r->map_len, MS_ASYNC);
}
