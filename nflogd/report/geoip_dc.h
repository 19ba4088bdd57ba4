/* SPDX-License-Identifier: GPL-2.0-or-later */
/* geoip_dc.h - one MaxMind DB file's decoded answers by data record, internal to geoip.c.
 *
 * Many networks of a file share one data record (every /24 of a city, every
 * prefix of an AS), and decoding one (a path walk per field through
 * libmaxminddb's maps) costs several times the tree lookup. What a decode
 * added to an answer is kept per (data offset, fields wanted): the same
 * record asked for the same fields gives the same fields, and the same
 * count of bad values, so a replay is what the decode would have done.
 * A fixed table, one slot per key's hash: no growth.
 */
#ifndef NFLOGD_GEOIP_DC_H
#define NFLOGD_GEOIP_DC_H

#include <stdint.h>

#include "report/geoip.h"

#define GEOIP_DC_SLOTS	2048u	/* power of two */

struct geoip_dc;

/* geoip_dc_new - an empty table; NULL without memory (then nothing is kept). */
struct geoip_dc *geoip_dc_new(void);
void geoip_dc_free(struct geoip_dc *dc);

/* geoip_dc_get - what decoding the record at off for want added (its have
 * and fields) and the bad values it counted, or NULL. */
const struct geoip_info *geoip_dc_get(const struct geoip_dc *dc, uint32_t off, unsigned want,
				      uint32_t *bad);

/* geoip_dc_put - keep part (a decode for want into a zeroed answer) and bad. */
void geoip_dc_put(struct geoip_dc *dc, uint32_t off, unsigned want,
		  const struct geoip_info *part, uint32_t bad);

/* geoip_dc_merge - part's fields of want into o, as the decode wrote them. */
void geoip_dc_merge(struct geoip_info *o, const struct geoip_info *part, unsigned want);

#endif
