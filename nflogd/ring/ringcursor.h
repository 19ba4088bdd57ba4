/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringcursor.h - a reader's saved place in a ring file, for exactly-once shipping.
 *
 * A cursor says which ring it belongs to and, per segment, the next position
 * the reader has not handed on yet. Positions are the ring's own: they only
 * grow, and a writer that continues a file (doc/ring-format.md, "Crashes and
 * restarts") carries them on, so a cursor stays valid across restarts of the
 * reader and of the daemon. A ring that is re-created (new geometry, a moved
 * aside file, a deleted one) has another created_ns, and its cursor is
 * refused rather than silently applied to other records.
 *
 * The file is text, one item a line, with a CRC-32C of everything before the
 * last line, so a torn or edited file is refused, never half-used:
 *
 *   nflogd-cursor 1
 *   ring CREATED_NS NSEGS SLOTS
 *   seg INDEX ROLE GROUP NEXT          (NSEGS lines, INDEX 0..NSEGS-1 in order)
 *   crc XXXXXXXX                       (8 lowercase hex digits, then '\n')
 *
 * Saving writes PATH.tmp.PID in the same directory, fsyncs it, renames it
 * over PATH and fsyncs the directory: a crash leaves the old cursor or the
 * new one, never a mixture.
 */
#ifndef NFLOGD_RINGCURSOR_H
#define NFLOGD_RINGCURSOR_H

#include <stddef.h>
#include <stdint.h>

#include "ring/ringfmt.h"
#include "ring/ringread.h"

#define RINGCURSOR_MAX_BYTES	(64u + RING_SEG_MAX * 64u)	/* longest file we accept */

struct ringcursor_seg {
	uint32_t	role;	/* enum ring_seg_role, as the ring says */
	uint32_t	group;	/* NFLOG group, as the ring says */
	uint64_t	next;	/* first position not handed on yet */
};

struct ringcursor {
	uint64_t		created_ns;	/* the ring's identity: set when it was created */
	uint32_t		nsegs;		/* 1..RING_SEG_MAX */
	uint64_t		slots;
	struct ringcursor_seg	seg[RING_SEG_MAX];
};

/* ringcursor_init - a cursor for rr at position 0 of every segment. */
void ringcursor_init(struct ringcursor *c, const struct ring_reader *rr);

/* ringcursor_match - 0 when c was made for the ring rr has open (same
 * created_ns, geometry, and role and group of every segment); else -1 with
 * the first difference in err. */
int ringcursor_match(const struct ringcursor *c, const struct ring_reader *rr,
		     char *err, size_t errlen);

/* ringcursor_format - the file's bytes for c into buf, snprintf-like: the
 * length the whole text needs (it fits when < size). */
int ringcursor_format(char *buf, size_t size, const struct ringcursor *c);

/* ringcursor_parse - buf[0..len) (untrusted) into *c: 0, or -1 with the
 * reason in err (bad header, a line out of order, a number out of range, a
 * missing or wrong checksum, bytes after it). *c is undefined after -1. */
int ringcursor_parse(const char *buf, size_t len, struct ringcursor *c, char *err,
		     size_t errlen);

/* ringcursor_load - read path into *c: 0, 1 when path does not exist (a
 * new cursor), -1 with "path: reason" in err. */
int ringcursor_load(const char *path, struct ringcursor *c, char *err, size_t errlen);

/* ringcursor_save - atomically replace path with c (see above): 0, or -1
 * with the reason in err (path is then unchanged). */
int ringcursor_save(const char *path, const struct ringcursor *c, char *err, size_t errlen);

#endif
