/* SPDX-License-Identifier: GPL-2.0-or-later */
/* geoip_dc.c - decoded answers of one MaxMind DB file by data record (geoip_dc.h). */
#include <stdlib.h>
#include <string.h>

#include "report/geoip_dc.h"
#include "util/mix.h"

struct geoip_dc_slot {
	uint64_t	  key;	/* (off + 1) << 8 | want; 0: empty */
	uint32_t	  bad;
	struct geoip_info part;
};

struct geoip_dc {
	struct geoip_dc_slot slot[GEOIP_DC_SLOTS];
};

static uint64_t geoip_dc_key(uint32_t off, unsigned want)
{
	return ((uint64_t)off + 1) << 8 | (want & 0xffu);
}

static size_t geoip_dc_at(uint64_t key)
{
	return (size_t)mix64(key) & (GEOIP_DC_SLOTS - 1);
}

struct geoip_dc *geoip_dc_new(void)
{
	return calloc(1, sizeof(struct geoip_dc));
}

void geoip_dc_free(struct geoip_dc *dc)
{
	free(dc);
}

const struct geoip_info *geoip_dc_get(const struct geoip_dc *dc, uint32_t off, unsigned want,
				      uint32_t *bad)
{
	uint64_t key = geoip_dc_key(off, want);
	const struct geoip_dc_slot *s = &dc->slot[geoip_dc_at(key)];

	if (s->key != key)
		return NULL;
	*bad = s->bad;
	return &s->part;
}

void geoip_dc_put(struct geoip_dc *dc, uint32_t off, unsigned want,
		  const struct geoip_info *part, uint32_t bad)
{
	uint64_t key = geoip_dc_key(off, want);
	struct geoip_dc_slot *s = &dc->slot[geoip_dc_at(key)];

	s->key = key;
	s->bad = bad;
	s->part = *part;
}

/* A field is written by a decode only together with its bit (a string it
 * found empty stays as empty as the zeroed answer it went into), so the bits
 * say all that is to be copied. */
void geoip_dc_merge(struct geoip_info *o, const struct geoip_info *part, unsigned want)
{
	unsigned got = part->have & want;

	if (got & GEOIP_F_COUNTRY) {
		memcpy(o->country_iso, part->country_iso, sizeof(o->country_iso));
		memcpy(o->country, part->country, sizeof(o->country));
	}
	if (got & GEOIP_F_CITY)
		memcpy(o->city, part->city, sizeof(o->city));
	if (got & GEOIP_F_LOCATION) {
		o->lat = part->lat;
		o->lon = part->lon;
	}
	if (got & GEOIP_F_ASN) {
		o->asn = part->asn;
		memcpy(o->as_org, part->as_org, sizeof(o->as_org));
	}
	o->have |= (uint8_t)got;
}
