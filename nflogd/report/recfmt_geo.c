/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recfmt_geo.c - an address's country, city and AS (report/geoip.h) in the text line and as ECS source.geo / source.as. */
#include <inttypes.h>
#include <math.h>

#include "report/geoip.h"
#include "report/recfmt_int.h"

/* What follows "-geo=" for an answer with a country or an AS: "CH,AS64496
 * \"Org\"". Names pass through recfmt_text_str like every string of the
 * line: ASCII only, the rest escaped. */
static void recfmt_text_geo_found(struct recfmt_out *o, const struct geoip_info *g)
{
	if (g->have & GEOIP_F_COUNTRY)
		recfmt_text_str(o, g->country_iso, 2, 0);
	if (g->have & GEOIP_F_ASN) {
		recfmt_str_u(o, g->have & GEOIP_F_COUNTRY ? ",AS" : "AS", g->asn);
		if (g->as_org[0]) {
			recfmt_str(o, " \"");
			recfmt_text_str(o, g->as_org, GEOIP_NAME_MAX, 1);
			recfmt_chr(o, '"');
		}
	}
}

/* The memo's text for g, made now if it held another answer's; NULL when
 * the text is too long to keep (then it is made each time). Appending the
 * kept text is appending what it was made of: the appender keeps a prefix
 * of whatever it is given, in pieces or at once. */
static const struct recfmt_geo_slot *recfmt_geo_memo(struct recfmt_memo *m,
						     const struct geoip_info *g)
{
	struct recfmt_geo_slot *s = &m->geo[g->id & (RECFMT_GEO_SLOTS - 1)];
	struct recfmt_out t;

	if (s->id == g->id)
		return s;
	t = (struct recfmt_out){ .buf = s->text, .size = sizeof(s->text) };
	recfmt_text_geo_found(&t, g);
	if (t.len >= sizeof(s->text) || t.err) {
		s->id = 0;
		return NULL;
	}
	s->id = g->id;
	s->len = (uint8_t)t.len;
	return s;
}

/* " src-geo=CH,AS64496 \"Org\"", " src-geo=unknown" for a miss, nothing
 * when the address was not looked up. */
void recfmt_text_geo(struct recfmt_out *o, bool dst, const struct geoip_info *g,
		     struct recfmt_memo *m)
{
	const struct recfmt_geo_slot *s;

	if (!g || (g->status != GEOIP_ST_FOUND && g->status != GEOIP_ST_MISS))
		return;
	recfmt_mem(o, dst ? " dst-geo=" : " src-geo=", 9);
	if (!(g->have & (GEOIP_F_COUNTRY | GEOIP_F_ASN))) {
		/* A city without a country: say no more than the line's short form. */
		recfmt_mem(o, "unknown", 7);
		return;
	}
	if (m && g->id && (s = recfmt_geo_memo(m, g))) {
		recfmt_mem(o, s->text, s->len);
		return;
	}
	recfmt_text_geo_found(o, g);
}

/* ,"geo":{...},"as":{...} inside an open source/destination object: ECS
 * field names; a miss or an unlooked-up address adds nothing. */
void recfmt_json_geo(struct recfmt_out *o, const struct geoip_info *g)
{
	int first = 1;

	if (!g || g->status != GEOIP_ST_FOUND)
		return;
	if (g->have & (GEOIP_F_COUNTRY | GEOIP_F_CITY | GEOIP_F_LOCATION)) {
		recfmt_str(o, ",\"geo\":{");
		if (g->have & GEOIP_F_COUNTRY) {
			recfmt_str(o, "\"country_iso_code\":");
			recfmt_json_str(o, g->country_iso, 2);
			if (g->country[0]) {
				recfmt_str(o, ",\"country_name\":");
				recfmt_json_str(o, g->country, GEOIP_NAME_MAX);
			}
			first = 0;
		}
		if (g->have & GEOIP_F_CITY) {
			recfmt_str(o, first ? "\"city_name\":" : ",\"city_name\":");
			recfmt_json_str(o, g->city, GEOIP_NAME_MAX);
			first = 0;
		}
		/* Checked by geoip.c; a caller's struct is still not trusted
		 * to hold a JSON number. */
		if ((g->have & GEOIP_F_LOCATION) && isfinite(g->lat) && isfinite(g->lon) &&
		    fabs(g->lat) <= 90 && fabs(g->lon) <= 180)
			recfmt_fmt(o, "%s\"location\":{\"lat\":%.4f,\"lon\":%.4f}", first ? "" : ",",
				   g->lat, g->lon);
		recfmt_chr(o, '}');
	}
	if (g->have & GEOIP_F_ASN) {
		recfmt_fmt(o, ",\"as\":{\"number\":%" PRIu32, g->asn);
		if (g->as_org[0]) {
			recfmt_str(o, ",\"organization\":{\"name\":");
			recfmt_json_str(o, g->as_org, GEOIP_NAME_MAX);
			recfmt_chr(o, '}');
		}
		recfmt_chr(o, '}');
	}
}
