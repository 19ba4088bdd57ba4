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
 * record and context contain (worst case: every prefix byte escaped, both
 * ends' three GeoIP names with every byte escaped: 2 x 3 x 95 x 6 bytes, and
 * a 255-byte host name of quotes in host, observer and event.id). */
#define RECFMT_LINE_MAX		12288u

/* The ECS version whose field set the JSON objects use, and nflog.schema
 * (doc/json-schema.md: when it is bumped). */
#define RECFMT_ECS_VERSION	"8.11.0"
#define RECFMT_JSON_SCHEMA	1

/*
 * Who wrote the records, for the JSON objects that leave the host: host.name,
 * host.id, observer.hostname and the prefix of an alert's event.id, escaped
 * once per process by recfmt_host_init (every line carries them; the reader's
 * hot path only copies them).
 */
#define RECFMT_HOST_FRAG	1024u	/* one escaped fragment, at most */

struct recfmt_host {
	char	 host[RECFMT_HOST_FRAG];	/* ,"host":{"name":..,"id":..} */
	char	 observer[RECFMT_HOST_FRAG];	/* ,"observer":{..,"hostname":.. (open) */
	char	 event_id[RECFMT_HOST_FRAG];	/* machine id, else name, escaped, then '-' */
	size_t	 host_len, observer_len, event_id_len;
};

/* recfmt_host_init - fill h for a host called name (printable ASCII, as
 * util/hostid.h gives it) with machine id id ("" or NULL: none). */
void recfmt_host_init(struct recfmt_host *h, const char *name, const char *id);

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
	const struct recfmt_host *host;	/* this host (recfmt_host_init); NULL: no
					 * host object, observer without hostname */
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

/* And what an address's GeoIP answer printed after "-geo=" (country, AS
 * number, escaped organisation), keyed by the answer's id (geoip.h: unique
 * in the process, so this part outlives any handle): one slot per id modulo
 * the size, so the last RECFMT_GEO_SLOTS answers made all fit. */
#define RECFMT_GEO_SLOTS	8192u	/* power of two */

struct recfmt_geo_slot {
	uint64_t	 id;		/* 0: empty */
	uint8_t		 len;		/* of text */
	char		 text[119];	/* longer texts are not kept, only printed */
};

struct recfmt_memo {
	struct recfmt_memo_slot	slot[RECFMT_MEMO_SLOTS];
	struct recfmt_geo_slot	geo[RECFMT_GEO_SLOTS];
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
