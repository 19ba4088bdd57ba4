/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringread.c - reader side of the ring file (format: ringfmt.h, doc/ring-format.md).
 *
 * The file is someone else's and may be hostile or half-written: every offset
 * comes from the header only after ring_geometry_check() agreed with the
 * file's real length, and every record is trusted only when its commit word
 * is right before and after the copy and its CRC matches.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ring/ring.h"
#include "ring/ringread.h"

struct ring_reader {
	const uint8_t			*base;
	size_t				 len;
	const struct ring_file_hdr	*hdr;
	uint32_t			 nsegs;
	uint64_t			 slots;	/* copied once: the file may change under us */
	uint64_t			 data_off;
	uint64_t			 serial;	/* unique per open: keys the name cache */
};

/* The interface names last found, per thread: every record of a capture
 * thread names the same one or two interfaces, and copying the file's whole
 * table (1.3 KB) under its seqlock for each was most of a reader's cost per
 * record. An entry holds while the table's generation is what it was when
 * it was filled (the writer bumps it around every change). */
#define RINGREAD_IFCACHE	4u

struct ringread_ifcache {
	uint64_t	serial;		/* 0: empty */
	uint32_t	gen;
	uint32_t	ifindex;
	bool		found;
	char		name[RING_IFNAMSIZ];
};

static _Thread_local struct ringread_ifcache ringread_ifc[RINGREAD_IFCACHE];
static _Thread_local unsigned ringread_ifc_next;
static uint64_t ringread_serials;	/* atomic: readers opened so far */

struct ring_reader *ringread_open(const char *path, char *err, size_t errlen)
{
	struct ring_file_hdr h;
	struct ring_reader *r;
	struct stat st;
	const char *why;
	void *p;
	int fd, e;

	/* O_NONBLOCK: a FIFO at path must not hang us (regular files ignore it). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(e));
		errno = e;
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		e = EINVAL;
		goto fail;
	}
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		snprintf(err, errlen, "%s is too short to be a ring file (%lld bytes)",
			 path, (long long)st.st_size);
		e = EINVAL;
		goto fail;
	}
	why = ring_geometry_check(&h, (uint64_t)st.st_size);
	if (why) {
		snprintf(err, errlen, "%s: %s", path, why);
		e = EINVAL;
		goto fail;
	}
	p = mmap(NULL, h.file_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		e = errno;
		snprintf(err, errlen, "mmap %s: %s", path, strerror(e));
		goto fail;
	}
	close(fd);
	r = calloc(1, sizeof(*r));
	if (!r) {
		munmap(p, h.file_size);
		return NULL;
	}
	r->base = p;
	r->len = h.file_size;
	r->hdr = p;
	r->nsegs = h.nsegs;
	r->slots = h.slots;
	r->data_off = h.data_off;
	r->serial = __atomic_add_fetch(&ringread_serials, 1, __ATOMIC_RELAXED);
	return r;
fail:
	close(fd);
	errno = e;
	return NULL;
}

void ringread_close(struct ring_reader *r)
{
	if (!r)
		return;
	munmap((void *)r->base, r->len);
	free(r);
}

const struct ring_file_hdr *ringread_hdr(const struct ring_reader *r)
{
	return r->hdr;
}

uint32_t ringread_nsegs(const struct ring_reader *r)
{
	return r->nsegs;
}

uint64_t ringread_slots(const struct ring_reader *r)
{
	return r->slots;
}

const struct ring_seg_hdr *ringread_seg(const struct ring_reader *r, uint32_t seg)
{
	/* Page-aligned mapping, page-multiple offset: via void * keeps clang's
	 * -Wcast-align quiet about an alignment that holds. */
	return (const void *)(r->base + RING_HDR_SIZE + (size_t)seg * RING_SEGHDR_SIZE);
}

uint64_t ringread_head(const struct ring_reader *r, uint32_t seg)
{
	if (seg >= r->nsegs)
		return 0;
	/* Pairs with the release store in ring_publish(). */
	return __atomic_load_n(&ringread_seg(r, seg)->head, __ATOMIC_ACQUIRE);
}

uint64_t ringread_ctr(const struct ring_reader *r, uint32_t seg, unsigned c)
{
	if (seg >= r->nsegs || c >= RING_CTR_SLOTS)
		return 0;
	return __atomic_load_n(&ringread_seg(r, seg)->ctr[c], __ATOMIC_RELAXED);
}

/*
 * The commit-word protocol alone. The CRC (ringread_get) guards against what
 * the commit words cannot see: pages of a file that were only partly written
 * back before a crash, read by the next run. A reader that shares the
 * writer's process (and so its page cache view and its lifetime) cannot meet
 * such a page: a record whose commit word is right before and after the copy
 * is whole.
 */
enum ringread_result ringread_get_live(const struct ring_reader *r, uint32_t seg,
				       uint64_t pos, struct ring_rec *out)
{
	const struct ring_rec *rec = (const void *)(r->base + r->data_off +
		((size_t)seg * r->slots + (pos & (r->slots - 1))) * RING_REC_SIZE);
	uint64_t want = 2 * pos + 2, c1, c2;

	if (seg >= r->nsegs)
		return RINGREAD_EMPTY;
	/* Pairs with the second commit store in ring_append(). */
	c1 = __atomic_load_n(&rec->commit, __ATOMIC_ACQUIRE);
	if (c1 != want)
		return c1 > want ? RINGREAD_LAPPED : RINGREAD_EMPTY;
	memcpy(out, rec, sizeof(*out));
	/* Pairs with the release fence in ring_append(): if the writer began
	 * rewriting this slot while we copied, c2 shows it. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	c2 = __atomic_load_n(&rec->commit, __ATOMIC_RELAXED);
	if (c2 != want)
		return RINGREAD_LAPPED;
	return RINGREAD_OK;
}

#define RINGREAD_AHEAD	8	/* records: 2 KiB, a few hundred ns of copying ahead */

static const char *ringread_segbase(const struct ring_reader *r, uint32_t seg)
{
	return (const char *)r->base + r->data_off + (size_t)seg * r->slots * RING_REC_SIZE;
}

/* The commit-word protocol for the record at p, copied only as far as the
 * decoded fields go (everything before raw[]: three cache lines, not four,
 * for a reader that needs those alone, the correlator; a constant size, so
 * a few vector moves). A backlog is read long after it was written, from
 * memory: the lines of the record RINGREAD_AHEAD on are asked for now, as
 * the hardware's stream prefetch stops at each 4 KiB page (16 records). */
static bool ringread_copy1(const char *segbase, uint64_t mask, uint64_t p, struct ring_rec *out)
{
	const struct ring_rec *rec = (const void *)(segbase + (p & mask) * RING_REC_SIZE);
	const char *ahead = segbase + ((p + RINGREAD_AHEAD) & mask) * RING_REC_SIZE;
	uint64_t want = 2 * p + 2;

	__builtin_prefetch(ahead);
	__builtin_prefetch(ahead + 64);
	__builtin_prefetch(ahead + 128);
	/* Pairs with the second commit store in ring_append(). */
	if (__atomic_load_n(&rec->commit, __ATOMIC_ACQUIRE) != want)
		return false;
	memcpy(out, rec, RINGREAD_LIVE_LEN);
	/* Pairs with the release fence in ring_append(), as above. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&rec->commit, __ATOMIC_RELAXED) == want;
}

bool ringread_get_live_head(const struct ring_reader *r, uint32_t seg, uint64_t pos,
			    struct ring_rec *out)
{
	return seg < r->nsegs && ringread_copy1(ringread_segbase(r, seg), r->slots - 1, pos, out);
}

_Static_assert(offsetof(struct ring_rec, kind) < 64, "a stamp is in the first cache line");

/* The stamp of the record at p under the commit-word protocol: RINGREAD_OK
 * with *out filled, or what ringread_get_live() would say instead. */
static inline enum ringread_result ringread_stamp1(const char *segbase, uint64_t mask,
						   uint32_t seg, uint64_t p,
						   struct ringread_stamp *out)
{
	const struct ring_rec *rec = (const void *)(segbase + (p & mask) * RING_REC_SIZE);
	uint64_t want = 2 * p + 2, c1, ts;
	uint8_t kind;

	/* Pairs with the second commit store in ring_append(). */
	c1 = __atomic_load_n(&rec->commit, __ATOMIC_ACQUIRE);
	if (c1 != want)
		return c1 > want ? RINGREAD_LAPPED : RINGREAD_EMPTY;
	ts = rec->ts_ns;
	kind = rec->kind;
	/* Pairs with the release fence in ring_append(), as above. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (__atomic_load_n(&rec->commit, __ATOMIC_RELAXED) != want)
		return RINGREAD_LAPPED;
	out->pos = p;
	out->ts_ns = ts;
	out->seg = seg;
	out->kind = kind;
	return RINGREAD_OK;
}

size_t ringread_stamps_live(const struct ring_reader *r, uint32_t seg, uint64_t *pos,
			    uint64_t end, struct ringread_stamp *out)
{
	const char *segbase;
	uint64_t p, mask = r->slots - 1;
	size_t n = 0;

	if (seg >= r->nsegs) {
		*pos = end;
		return 0;
	}
	segbase = ringread_segbase(r, seg);
	for (p = *pos; p < end; p++)
		if (ringread_stamp1(segbase, mask, seg, p, &out[n]) == RINGREAD_OK)
			n++;
	*pos = p;
	return n;
}

size_t ringread_stamps(const struct ring_reader *r, uint32_t seg, uint64_t pos, uint64_t end,
		       struct ringread_stamp *out, uint64_t *lapped, uint64_t *empty)
{
	const char *segbase;
	uint64_t mask = r->slots - 1;
	size_t n = 0;

	if (seg >= r->nsegs) {
		*empty += end > pos ? end - pos : 0;
		return 0;
	}
	segbase = ringread_segbase(r, seg);
	for (; pos < end; pos++) {
		switch (ringread_stamp1(segbase, mask, seg, pos, &out[n])) {
		case RINGREAD_OK:
			n++;
			break;
		case RINGREAD_LAPPED:
			(*lapped)++;
			break;
		default:
			(*empty)++;
			break;
		}
	}
	return n;
}

void ringread_prefetch(const struct ring_reader *r, uint32_t seg, uint64_t pos)
{
	const char *p;

	if (seg >= r->nsegs)
		return;
	p = ringread_segbase(r, seg) + (pos & (r->slots - 1)) * RING_REC_SIZE;
	__builtin_prefetch(p);
	__builtin_prefetch(p + 64);
	__builtin_prefetch(p + 128);
	__builtin_prefetch(p + 192);
}

enum ringread_result ringread_get(const struct ring_reader *r, uint32_t seg,
				  uint64_t pos, struct ring_rec *out)
{
	enum ringread_result res = ringread_get_live(r, seg, pos, out);

	if (res == RINGREAD_OK && out->crc != ring_rec_crc(out))
		return RINGREAD_TORN;
	return res;
}

const char *ringread_prefix(const struct ring_reader *r, uint32_t seg, uint8_t id,
			    char *buf, size_t len)
{
	const struct ring_seg_hdr *h;
	uint32_t n;

	if (seg >= r->nsegs || len == 0)
		return NULL;
	h = ringread_seg(r, seg);
	/* Pairs with the release store of nprefixes in ring_prefix_id(). */
	n = __atomic_load_n(&h->nprefixes, __ATOMIC_ACQUIRE);
	if (id >= n || id >= RING_PREFIXES)
		return NULL;
	snprintf(buf, len, "%.*s", (int)(RING_PREFIX_LEN - 1), h->prefix[id]);
	return buf;
}

uint64_t ringread_prefix_count(const struct ring_reader *r, uint32_t seg, uint8_t id)
{
	if (seg >= r->nsegs || id >= RING_PREFIXES)
		return 0;
	return __atomic_load_n(&ringread_seg(r, seg)->prefix_count[id], __ATOMIC_RELAXED);
}

/* The entry for (r, gen, ifindex), or NULL. */
static const struct ringread_ifcache *ringread_ifc_find(const struct ring_reader *r, uint32_t gen,
							uint32_t ifindex)
{
	unsigned i;

	for (i = 0; i < RINGREAD_IFCACHE; i++) {
		const struct ringread_ifcache *e = &ringread_ifc[i];

		if (e->serial == r->serial && e->gen == gen && e->ifindex == ifindex)
			return e;
	}
	return NULL;
}

static void ringread_ifc_put(const struct ring_reader *r, uint32_t gen, uint32_t ifindex,
			     const char *name)
{
	struct ringread_ifcache *e = &ringread_ifc[ringread_ifc_next++ % RINGREAD_IFCACHE];

	e->serial = r->serial;
	e->gen = gen;
	e->ifindex = ifindex;
	e->found = name != NULL;
	if (name)
		snprintf(e->name, sizeof(e->name), "%.*s", (int)(RING_IFNAMSIZ - 1), name);
}

const char *ringread_ifname(const struct ring_reader *r, uint32_t ifindex,
			    char *buf, size_t len)
{
	const struct ring_file_hdr *h = r->hdr;
	const struct ringread_ifcache *e;
	struct ring_iface ifs[RING_IFACES];
	const char *name = NULL;
	uint32_t g1, g2;
	unsigned i, tries;

	if (ifindex == 0 || len == 0)
		return NULL;
	/* The table is unchanged since this name was cached (an odd gen, a
	 * writer mid-update, never matches a cached one). */
	g1 = __atomic_load_n(&h->iface_gen, __ATOMIC_ACQUIRE);
	if (!(g1 & 1) && (e = ringread_ifc_find(r, g1, ifindex))) {
		if (!e->found)
			return NULL;
		snprintf(buf, len, "%s", e->name);
		return buf;
	}
	/* Seqlock read; bounded so a writer that died mid-update (gen stays
	 * odd) cannot make us spin forever. */
	for (tries = 0; tries < 100; tries++) {
		g1 = __atomic_load_n(&h->iface_gen, __ATOMIC_ACQUIRE);
		if (g1 & 1)
			continue;
		memcpy(ifs, h->ifaces, sizeof(ifs));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		g2 = __atomic_load_n(&h->iface_gen, __ATOMIC_RELAXED);
		if (g1 == g2)
			break;
	}
	if (tries == 100)
		memcpy(ifs, h->ifaces, sizeof(ifs));
	for (i = 0; i < RING_IFACES; i++) {
		if (ifs[i].ifindex == ifindex) {
			name = ifs[i].name;
			break;
		}
	}
	/* Only a consistent copy is worth remembering. */
	if (tries < 100)
		ringread_ifc_put(r, g1, ifindex, name);
	if (!name)
		return NULL;
	snprintf(buf, len, "%.*s", (int)(RING_IFNAMSIZ - 1), name);
	return buf;
}
