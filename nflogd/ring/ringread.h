/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringread.h - reader side of the ring file: map read-only, validate, copy.
 *
 * Readers never write to the file and need no privilege beyond read access.
 * Used by nflogctl and by the tests.
 */
#ifndef NFLOGD_RINGREAD_H
#define NFLOGD_RINGREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ring/ringfmt.h"

struct ring_reader;

/* Outcome of reading one position. */
enum ringread_result {
	RINGREAD_OK	 = 0,	/* *out is a complete, checksummed record */
	RINGREAD_EMPTY	 = 1,	/* not written yet (or being written) */
	RINGREAD_LAPPED	 = 2,	/* overwritten by a later lap of the writer */
	RINGREAD_TORN	 = 3,	/* changed while copied, or checksum mismatch */
};

/* ringread_open - map path read-only and validate its header.
 * Returns NULL with errno set and a one-line reason in err. */
struct ring_reader *ringread_open(const char *path, char *err, size_t errlen);
void ringread_close(struct ring_reader *r);

const struct ring_file_hdr *ringread_hdr(const struct ring_reader *r);
const struct ring_seg_hdr *ringread_seg(const struct ring_reader *r, uint32_t seg);
uint32_t ringread_nsegs(const struct ring_reader *r);
uint64_t ringread_slots(const struct ring_reader *r);

/* ringread_head - how far segment seg has been published (acquire). */
uint64_t ringread_head(const struct ring_reader *r, uint32_t seg);

/* ringread_get - copy the record at position pos of segment seg into *out and
 * say whether it can be trusted. Never blocks, never loops. */
enum ringread_result ringread_get(const struct ring_reader *r, uint32_t seg,
				  uint64_t pos, struct ring_rec *out);

/* ringread_get_live - ringread_get() without the CRC check, for a reader in
 * the writer's own process (the correlator thread): there the commit words
 * alone prove a record whole (ringread.c says why). Never for a file some
 * other process or an earlier run wrote. */
enum ringread_result ringread_get_live(const struct ring_reader *r, uint32_t seg,
				       uint64_t pos, struct ring_rec *out);
#define RINGREAD_LIVE_LEN	offsetof(struct ring_rec, raw)
/* ringread_get_live_head - ringread_get_live() that copies only up to raw[]
 * (the first RINGREAD_LIVE_LEN bytes; raw[] and hw of *out are left as they
 * were): true if the record at pos of segment seg was whole. */
bool ringread_get_live_head(const struct ring_reader *r, uint32_t seg, uint64_t pos,
			    struct ring_rec *out);

/* Where a whole record is and what it is, without its body. */
struct ringread_stamp {
	uint64_t pos;
	uint64_t ts_ns;
	uint32_t seg;
	uint8_t	 kind;
};
/* ringread_stamps_live - the commit-word protocol of ringread_get_live() over
 * positions *pos..end-1 of segment seg, reading of each whole record only its
 * first cache line: its position, time and kind into out[0], out[1], ...
 * Returns how many; *pos = end. For a reader that orders records before it
 * copies them one by one (the record may be overwritten in between: the copy
 * checks the commit word again). */
size_t ringread_stamps_live(const struct ring_reader *r, uint32_t seg, uint64_t *pos,
			    uint64_t end, struct ringread_stamp *out);

/* ringread_stamps - ringread_stamps_live() over positions pos..end-1 that
 * also counts the records it skips the way ringread_get_live() would answer
 * for them: *lapped (overwritten, or changed while read) and *empty (not
 * written, damaged for a reader of a finished file) are added to. For a
 * reader that orders records by their stamps and copies each with
 * ringread_get() (which checks the commit word again, and the CRC). */
size_t ringread_stamps(const struct ring_reader *r, uint32_t seg, uint64_t pos, uint64_t end,
		       struct ringread_stamp *out, uint64_t *lapped, uint64_t *empty);

/* ringread_prefetch - ask for the record at pos of segment seg to be brought
 * into the cache (a reader about to copy it; nothing is read or checked). */
void ringread_prefetch(const struct ring_reader *r, uint32_t seg, uint64_t pos);

/* ringread_ctr - counter c of segment seg (relaxed snapshot). */
uint64_t ringread_ctr(const struct ring_reader *r, uint32_t seg, unsigned c);

/* ringread_prefix - NFLOG prefix id of segment seg, copied into buf
 * (NUL-terminated); returns buf, or NULL for no/unknown prefix. */
const char *ringread_prefix(const struct ring_reader *r, uint32_t seg, uint8_t id,
			    char *buf, size_t len);

/* ringread_prefix_count - drop records written with prefix id in segment
 * seg (format 1.1; 0 for a 1.0 file or an id out of range). */
uint64_t ringread_prefix_count(const struct ring_reader *r, uint32_t seg, uint8_t id);

/* ringread_ifname - interface name for ifindex from the file's table, copied
 * into buf; returns buf, or NULL when unknown. */
const char *ringread_ifname(const struct ring_reader *r, uint32_t ifindex,
			    char *buf, size_t len);

#endif
