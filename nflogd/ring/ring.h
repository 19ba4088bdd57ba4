/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ring.h - writer side of the ring file: create/validate/open, append, publish.
 *
 * One struct ring per file, owned by the daemon's main thread. Each capture
 * thread gets one struct ring_writer for its own segment and is that
 * segment's only writer; nothing in here takes a lock.
 */
#ifndef NFLOGD_RING_H
#define NFLOGD_RING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "ring/ringfmt.h"

struct ring;

/* Per-segment writer state; lives in the capture thread's own memory. */
struct ring_writer {
	struct ring_seg_hdr	*hdr;
	struct ring_rec		*recs;
	uint64_t		 mask;		/* slots - 1 */
	uint64_t		 pos;		/* next position (private copy of hdr->head) */
};

struct ring_open_opts {
	const char	*path;
	uint64_t	 size;		/* bytes the file may use; decides slots */
	uint32_t	 nsegs;
	char		*moved_to;	/* out: where an incompatible file was moved */
	size_t		 moved_to_len;
	int		 set_group;	/* nonzero: the file belongs to group gid */
	gid_t		 gid;
	int		 check_dir;	/* nonzero: ring_dir_check() the path first */
};

/*
 * ring_open - open the ring file for writing, creating it if missing.
 *
 * A compatible file (same format major version and geometry) is continued:
 * positions, counters and records survive. A valid ring of another version
 * or geometry is renamed aside (its new name in opts->moved_to) and a fresh
 * file is created. Anything else (not a ring, a header that disagrees with
 * the file, a symlink, not a regular file, in use by another writer) is
 * refused and left untouched.
 *
 * A new file is created mode 0640 (never through a symbolic link); with
 * opts->set_group it belongs to group opts->gid, and a file that is
 * continued is given to that group too, so that the group's members can
 * read the ring without privilege. With opts->check_dir the directory is
 * checked first (ring_dir_check).
 *
 * Returns the ring, or NULL with errno set and a one-line reason in err.
 */
struct ring *ring_open(const struct ring_open_opts *opts, char *err, size_t errlen);

/*
 * ring_dir_check - refuse a ring path whose directory anyone may write to
 * (mode o+w, sticky or not, so /tmp too): there another user could plant,
 * swap or delete files under the daemon's feet. The last component of the
 * directory path is followed if it is a link; its target is checked.
 *
 * Returns 0, or -errno with a one-line reason in err (-EPERM: world-writable).
 */
int ring_dir_check(const char *path, char *err, size_t errlen);

/* ring_close - mark the file offline, flush it and unmap. NULL is a no-op. */
void ring_close(struct ring *r);

/* ring_writer_init - bind w to segment seg and record its identity. */
void ring_writer_init(struct ring *r, struct ring_writer *w, uint32_t seg,
		      uint32_t group, int cpu);

/* ring_writer_init_alerts - bind w to segment seg as the correlator's. */
void ring_writer_init_alerts(struct ring *r, struct ring_writer *w, uint32_t seg);

/* ring_epoch - how many times a writer has opened this file (1 = first). */
uint32_t ring_epoch(const struct ring *r);

/* ring_slots - records per segment. */
uint64_t ring_slots(const struct ring *r);

/* ring_set_ifaces - publish the interface-name table (main thread only). */
void ring_set_ifaces(struct ring *r, const struct ring_iface *ifs, unsigned n);

/* ring_set_kb_stamp - record which knowledge base classifies the records. */
void ring_set_kb_stamp(struct ring *r, uint64_t stamp);

/*
 * ring_populate - map every page of the file writable now, so that the
 * packet path takes no page fault on a slot it has not touched before:
 * madvise(MADV_POPULATE_WRITE) (Linux 5.14+), or, where the kernel does not
 * know it (EINVAL) or touch_only is set, one write per page that stores the
 * byte it just read (the contents never change: a continued ring keeps its
 * records, and a reader may be copying them meanwhile). Call it in the
 * process that captures (daemon() forks, and a child does not inherit the
 * parent's page tables of a shared file mapping) and before the seccomp
 * filter. Not a pin: the page cache may still write pages back and evict
 * them under memory pressure (doc/BENCHMARKS.md, issue 16).
 *
 * Returns RING_POP_MADVISE or RING_POP_TOUCH, or -errno (madvise failed
 * otherwise than EINVAL: a page could not be made writable).
 */
enum { RING_POP_MADVISE = 1, RING_POP_TOUCH = 2 };
int ring_populate(struct ring *r, int touch_only);

/* ring_map_len - bytes mapped (the whole file). */
size_t ring_map_len(const struct ring *r);

/* ring_sync - schedule write-back of dirty pages (not on the packet path). */
void ring_sync(struct ring *r);

/*
 * ring_append - copy *rec (filled by the caller, commit/crc ignored) into the
 * next slot and commit it. Readers trust a record only when its commit word
 * reads 2*pos+2 before and after they copy it and its CRC matches.
 * ring_publish() then moves head, once per receive batch: head is what
 * readers poll, so one shared cache-line write per batch, not per record.
 */
void ring_append(struct ring_writer *w, struct ring_rec *rec);

/*
 * ring_reserve / ring_commit - the same, written in place: ring_reserve()
 * marks the next slot "being rewritten" (odd commit word) and returns it;
 * the caller fills it and ring_commit() checksums and commits it. The slot
 * still holds the record of one lap ago, so the caller must write every
 * byte after the commit word (ring_rec_clear() first). Saves the capture
 * thread a 256-byte record on its stack and the copy into the ring.
 */
struct ring_rec *ring_reserve(struct ring_writer *w);
void ring_commit(struct ring_writer *w, struct ring_rec *slot);

/* ring_rec_clear - zero everything after the commit word. */
static inline void ring_rec_clear(struct ring_rec *slot)
{
	memset((uint8_t *)slot + sizeof(slot->commit), 0, sizeof(*slot) - sizeof(slot->commit));
}

static inline void ring_publish(struct ring_writer *w)
{
	/* Pairs with the acquire load of head in ringread_head(). */
	__atomic_store_n(&w->hdr->head, w->pos, __ATOMIC_RELEASE);
}

/* Counters have one writer (the segment's thread): plain load + store, no
 * read-modify-write; the atomic store only keeps a reader from seeing a torn
 * value. */
static inline void ring_ctr_add(struct ring_seg_hdr *h, enum ring_ctr c, uint64_t n)
{
	uint64_t v = __atomic_load_n(&h->ctr[c], __ATOMIC_RELAXED);

	__atomic_store_n(&h->ctr[c], v + n, __ATOMIC_RELAXED);
}

static inline void ring_ctr_set(struct ring_seg_hdr *h, enum ring_ctr c, uint64_t v)
{
	__atomic_store_n(&h->ctr[c], v, __ATOMIC_RELAXED);
}

/* ring_prefix_id - index of prefix in the segment's table, adding it when
 * new; RING_PREFIX_NONE when the table is full (counted). */
uint8_t ring_prefix_id(struct ring_writer *w, const char *prefix, size_t len);

/* ring_geometry_check - validate a header against the file length; returns
 * NULL when consistent, else a static reason. Shared with the reader. */
const char *ring_geometry_check(const struct ring_file_hdr *h, uint64_t file_len);

/* ring_rec_crc - the checksum a record must carry. */
uint32_t ring_rec_crc(const struct ring_rec *rec);

#endif
