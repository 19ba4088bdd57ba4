/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dropagg.h - counts over drop and alert records, for the operator views:
 * drops per verdict, per time bucket and hour of day, the busiest sources,
 * ports and knowledge-base rows, and the latest state of every alert.
 *
 * Pure: records go in, tables come out; no I/O, no clock, no global state.
 * Memory is bounded by cfg.max_keys entries per table (sources, ports,
 * alerts); what does not fit is counted in dropagg_totals.unkept.
 */
#ifndef NFLOGD_DROPAGG_H
#define NFLOGD_DROPAGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify/kb.h"
#include "ring/ringfmt.h"

#define DROPAGG_VERDICTS	__KB_VERDICT_MAX
#define DROPAGG_MAX_KEYS	(1u << 20)	/* default cfg.max_keys */

struct dropagg_cfg {
	uint64_t bucket_ns;	/* width of a time-series bucket; 0 = no series */
	uint32_t nbuckets;	/* buckets kept: the newest nbuckets (a ring) */
	int32_t	 tz_offset_s;	/* added to UTC before taking the hour of day */
	uint32_t max_keys;	/* entries kept per table; 0 = DROPAGG_MAX_KEYS */
};

struct dropagg_totals {
	uint64_t drops;
	uint64_t alert_records;		/* every state of every alert */
	uint64_t first_ns, last_ns;	/* of the drops; 0 when none */
	uint64_t verdict[DROPAGG_VERDICTS];	/* out-of-range verdicts count as unknown */
	uint64_t hour[24];		/* drops per hour of day (cfg.tz_offset_s) */
	uint64_t unkept;		/* records whose source/port/alert found no room */
};

/* A source address: its drops, worst verdict, and the alerts naming it. */
struct dropagg_src {
	uint8_t	 family;		/* 4 or 6 */
	uint8_t	 addr[16];		/* network byte order, IPv4 in the first 4 */
	uint8_t	 verdict;		/* worst verdict of its drops and alerts */
	uint32_t alert_types;		/* bit 1 << ring_alert_type */
	uint32_t incidents;		/* distinct alert ids with this source */
	uint64_t drops;
	uint64_t last_ns;
};

/* A destination port (TCP/UDP/UDP-Lite), or an ICMP type/code (port = type << 8 | code). */
struct dropagg_port {
	uint8_t	 proto;			/* 6, 17, 136, 1 or 58 */
	uint8_t	 verdict;		/* worst verdict */
	uint16_t port;
	uint16_t kb_id;			/* row that explained the last drop, 0 = none: a
					 * port row (kb_port_by_id); for ICMP and ICMPv6
					 * the ICMP row (kb_icmp_by_id) */
	uint64_t drops;
};

/* A knowledge-base row (klass.kb_id; 0 = no row matched). */
struct dropagg_svc {
	uint16_t kb_id;
	uint64_t drops;
};

struct dropagg;

/* dropagg_new - empty counts; NULL with errno (EINVAL: nbuckets without
 * bucket_ns or the reverse). */
struct dropagg *dropagg_new(const struct dropagg_cfg *cfg);
void dropagg_free(struct dropagg *a);

/* dropagg_add_drop, dropagg_add_alert - account one record (alerts: any
 * state; the latest per id, by ts_ns, is kept). 0 or -ENOMEM. */
int dropagg_add_drop(struct dropagg *a, const struct ring_rec *r);
int dropagg_add_alert(struct dropagg *a, const struct ring_alert *al);

const struct dropagg_totals *dropagg_totals(const struct dropagg *a);

/* dropagg_series - drops per verdict of the n buckets that end with the one
 * holding end_ns, oldest first (zeros where nothing was seen or kept; n is
 * clamped to cfg.nbuckets). Returns the n used. */
size_t dropagg_series(const struct dropagg *a, uint64_t end_ns,
		      uint64_t (*out)[DROPAGG_VERDICTS], size_t n);

/* The largest entries, most drops first (ties: lowest key first), copied
 * into out[0..max); return how many. */
size_t dropagg_top_sources(const struct dropagg *a, struct dropagg_src *out, size_t max);
size_t dropagg_top_ports(const struct dropagg *a, struct dropagg_port *out, size_t max);
size_t dropagg_top_services(const struct dropagg *a, struct dropagg_svc *out, size_t max);

/* dropagg_each_source - fn(ctx, s) for every source with drops, in no
 * particular order: for views that group sources (report/geoagg.h) without
 * the O(n * max) cost of a top list as long as the table. */
void dropagg_each_source(const struct dropagg *a,
			 void (*fn)(void *ctx, const struct dropagg_src *s), void *ctx);

/* dropagg_alerts - the latest state of each alert (only those not closed
 * when open_only), newest first, into out[0..max); returns how many (0
 * with errno ENOMEM when the sort found no memory).
 * dropagg_nalerts - how many there are in all. */
size_t dropagg_alerts(const struct dropagg *a, bool open_only, struct ring_alert *out,
		      size_t max);
size_t dropagg_nalerts(const struct dropagg *a, bool open_only);

/* Which fields of a drop record carry packet data (doc/json-schema.md):
 * addresses once the IP header was decoded; ports or ICMP type/code once the
 * L4 header was, and never for a non-first fragment. */
bool dropagg_has_addrs(const struct ring_rec *r);
bool dropagg_has_l4(const struct ring_rec *r);
/* dropagg_has_ports - a protocol whose L4 header starts with two ports. */
bool dropagg_has_ports(unsigned proto);

#endif
