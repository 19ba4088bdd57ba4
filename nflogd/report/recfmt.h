/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recfmt.h - format one ring record as a text line or a JSON Lines object.
 *
 * Both formats are described for administrators in doc/json-schema.md (JSON
 * "schema 1" and the text line). Pure code: no I/O, no allocation; the only
 * state is a per-thread cache of the last second's formatted date and time
 * (recfmt.c), so it is safe to call from any thread, and the caller's own
 * struct recfmt_memo when the context names one (one thread at a time).
 */
#ifndef NFLOGD_RECFMT_H
#define NFLOGD_RECFMT_H

#include <stddef.h>
#include <stdint.h>

#include "ring/ringfmt.h"

/* Bytes that always hold one line of either format with its NUL, whatever the
 * record and context contain (worst case: every prefix byte escaped, and both
 * ends' three GeoIP names with every byte escaped: 2 x 3 x 95 x 6 bytes). */
#define RECFMT_LINE_MAX		8192u

/*
 * What the reader knows about a record beyond the record itself. The strings
 * are read up to their NUL but never beyond RING_PREFIX_LEN (prefix) or
 * RING_IFNAMSIZ (interface names) bytes, so pointers straight into the ring
 * header's tables are fine even if a damaged file lost the NUL.
 */
struct kb;
struct kb_port;
struct kb_icmp;
struct services;
struct geoip_info;
struct recfmt_memo;

struct recfmt_ctx {
	const char *prefix;		/* NFLOG prefix, NULL when none */
	const char *ifname_in;		/* resolved interface names, NULL when unknown */
	const char *ifname_out;
	uint64_t    pos;		/* record position within its segment: event.sequence */
	const struct kb *kb;		/* turns the record's kb ids into text; NULL: no
					 * classification fields at all */
	const struct services *services;	/* registered names for the destination
						 * ports the kb does not explain; NULL:
						 * none (classify/services.h) */
	const struct geoip_info *src_geo;	/* country/AS of the source and the
						 * destination (an alert's source and
						 * single target), looked up by the
						 * caller (report/geoip.h); NULL: none */
	const struct geoip_info *dst_geo;
	struct recfmt_memo *memo;	/* what the kb rows print, kept between calls
					 * (text only); NULL: none */
};

/*
 * What recfmt_text last printed for a record's kb rows (service and summary:
 * one binary search and one escaping scan of a long text per record, for a
 * few hundred distinct rows), keyed by (kb, kb_id, kb_icmp). Zeroed memory is
 * an empty memo; the caller allocates it (it is big) and must not let it
 * outlive the kbs it has seen: a kb freed and another loaded at the same
 * address would find the old rows' text.
 */
#define RECFMT_MEMO_SLOTS	256u
#define RECFMT_MEMO_TEXT	480u	/* longer texts are not kept, only printed */

struct recfmt_memo_slot {
	const struct kb			*kb;	/* NULL: empty */
	const struct kb_port		*port;
	const struct kb_icmp		*icmp;
	uint16_t			 kb_id, kb_icmp;
	uint16_t			 len;	/* of text */
	uint8_t				 has_text;
	char				 text[RECFMT_MEMO_TEXT];
};

struct recfmt_memo {
	struct recfmt_memo_slot	slot[RECFMT_MEMO_SLOTS];
};

/*
 * recfmt_text, recfmt_json - write one line, without a trailing newline, into
 * buf[0..size).
 *
 * snprintf-like: at most size bytes are written and buf is NUL-terminated when
 * size > 0; buf may be NULL when size is 0, to measure. Returns the length the
 * full line needs (so a result >= size means the line was cut), or -1 when r
 * or c is NULL, or buf is NULL with size > 0. Any record content is accepted:
 * fields outside their enums are printed as numbers, never trusted.
 */
int recfmt_text(char *buf, size_t size, const struct ring_rec *r, const struct recfmt_ctx *c);
int recfmt_json(char *buf, size_t size, const struct ring_rec *r, const struct recfmt_ctx *c);

/*
 * recfmt_alert_text, recfmt_alert_json - the same for an alert record
 * (kind RING_KIND_ALERT) of the correlator's segment; doc/json-schema.md.
 */
int recfmt_alert_text(char *buf, size_t size, const struct ring_alert *a,
		      const struct recfmt_ctx *c);
int recfmt_alert_json(char *buf, size_t size, const struct ring_alert *a,
		      const struct recfmt_ctx *c);

/* recfmt_status_str - "ok", "truncated", "invalid", or "unknown" (never NULL). */
const char *recfmt_status_str(unsigned status);

/* recfmt_tcp_flags - letters of the set bits in "FSRPAUEC" order (FIN SYN RST
 * PSH ACK URG ECE CWR), NUL-terminated; "" when no flag is set. */
void recfmt_tcp_flags(char out[9], uint8_t flags);

#endif
