/* SPDX-License-Identifier: GPL-2.0-or-later */
/* geoagg.h - drops grouped by the country or the AS of their sources (report/geoip.h), for `top`, `report` and `suggest`.
 *
 * Built from a dropagg's sources at the moment a view is drawn, not per
 * record: a group's "sources" is then exact (distinct addresses), and a
 * database reopened by geoip_refresh regroups everything at once. Sources
 * that are not looked up (private, loopback, ...) and those the files do not
 * know are counted in the totals, never as a group: "unknown" is not a
 * country, and a view that lists it as one invites blocking it.
 */
#ifndef NFLOGD_GEOAGG_H
#define NFLOGD_GEOAGG_H

#include <stddef.h>
#include <stdint.h>

#include "report/dropagg.h"
#include "report/geoip.h"

enum geoagg_key {
	GEOAGG_COUNTRY	= 1,	/* by country.iso_code */
	GEOAGG_AS	= 2,	/* by autonomous_system_number */
};

/* One country or AS. */
struct geoagg_row {
	uint32_t asn;			/* GEOAGG_AS: the number */
	char	 iso[3];		/* GEOAGG_COUNTRY: the code; GEOAGG_AS: the
					 * country of its busiest source, "" if none */
	char	 name[GEOIP_NAME_MAX];	/* country name or AS organisation, may be "" */
	uint8_t	 verdict;		/* worst verdict of its sources */
	uint32_t sources;		/* distinct source addresses */
	uint32_t alerted;		/* of them, those named by an alert */
	uint64_t drops;
	uint8_t	 top_family;		/* its busiest source */
	uint8_t	 top_addr[16];
	uint64_t top_drops;
};

struct geoagg_totals {
	uint64_t drops, sources;		/* all sources with drops */
	uint64_t grouped_drops, grouped_sources;	/* in some group */
	uint64_t unknown_drops, unknown_sources;	/* looked up, no such field */
	uint64_t skipped_drops, skipped_sources;	/* private, loopback, bogon, ... */
	size_t	 groups;			/* distinct countries or ASes */
};

/* geoagg_top - the max largest groups of a's sources by key (most drops
 * first; ties: lowest number or code first) into out[0..max), the totals
 * into *tot (may be NULL). Returns how many rows, or -ENOMEM. g NULL: every
 * source is unknown, no row. */
int geoagg_top(struct geoip *g, const struct dropagg *a, enum geoagg_key key,
	       struct geoagg_row *out, size_t max, struct geoagg_totals *tot);

/* geoagg_label - "JP AS64498" style short text of a source's answer into
 * buf (at most size - 1 bytes, ASCII): country code, AS number, or "-" when
 * not looked up, "?" when unknown. */
const char *geoagg_label(const struct geoip_info *gi, char *buf, size_t size);

#endif
