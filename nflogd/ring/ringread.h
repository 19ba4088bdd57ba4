/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringread.h - reader side of the ring file: map read-only, validate, copy.
 *
 * Readers never write to the file and need no privilege beyond read access.
 * Used by nflogctl and by the tests.
 */
#ifndef NFLOGD_RINGREAD_H
#define NFLOGD_RINGREAD_H

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
/* ringread_copy_live - ringread_get_live() of positions *pos..end-1 of segment
 * seg, each record copied only up to raw[] (its first RINGREAD_LIVE_LEN bytes;
 * raw[] and hw of out[i] are left as they were) into out[0], out[1], ...;
 * records not whole are skipped. Returns how many were copied; *pos = end. */
#define RINGREAD_LIVE_LEN	offsetof(struct ring_rec, raw)
size_t ringread_copy_live(const struct ring_reader *r, uint32_t seg, uint64_t *pos,
			  uint64_t end, struct ring_rec *out);

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
