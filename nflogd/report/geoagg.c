/* SPDX-License-Identifier: GPL-2.0-or-later */
/* geoagg.c - drops grouped by their sources' country or AS (geoagg.h).
 *
 * The groups live in a growing array with an open-addressing index on the
 * key (a country code packed into a number, or the AS number): sources are
 * many, groups few (a few hundred countries, tens of thousands of ASes at
 * most), and the keys come from files, not packets, so a plain mix is
 * enough. The top list is then a partial selection over the groups.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/geoagg.h"
#include "util/mix.h"

struct geoagg_build {
	struct geoip		*g;
	enum geoagg_key		 key;
	struct geoagg_row	*rows;
	size_t			 n, cap;
	uint32_t		*slot;		/* row number + 1; 0 = empty */
	size_t			 nslot;		/* power of two, >= 2 * n */
	struct geoagg_totals	 tot;
	int			 err;
};

static uint32_t geoagg_keyof(enum geoagg_key key, const struct geoip_info *gi)
{
	if (key == GEOAGG_AS)
		return gi->asn;
	return (uint32_t)(unsigned char)gi->country_iso[0] << 8 |
	       (unsigned char)gi->country_iso[1];
}

static uint32_t geoagg_rowkey(enum geoagg_key key, const struct geoagg_row *r)
{
	if (key == GEOAGG_AS)
		return r->asn;
	return (uint32_t)(unsigned char)r->iso[0] << 8 | (unsigned char)r->iso[1];
}

static size_t geoagg_home(uint32_t k, size_t nslot)
{
	return (size_t)mix64(k) & (nslot - 1);
}

static int geoagg_rehash(struct geoagg_build *b, size_t nslot)
{
	uint32_t *s = calloc(nslot, sizeof(*s));
	size_t i, h;

	if (!s)
		return -ENOMEM;
	for (i = 0; i < b->n; i++) {
		for (h = geoagg_home(geoagg_rowkey(b->key, &b->rows[i]), nslot); s[h];
		     h = (h + 1) & (nslot - 1))
			;
		s[h] = (uint32_t)i + 1;
	}
	free(b->slot);
	b->slot = s;
	b->nslot = nslot;
	return 0;
}

/* The row of key k, made (zeroed but for its key) when new; NULL: no memory. */
static struct geoagg_row *geoagg_row_get(struct geoagg_build *b, uint32_t k, bool *made)
{
	struct geoagg_row *r;
	size_t h;

	*made = false;
	if ((b->n + 1) * 2 > b->nslot && geoagg_rehash(b, b->nslot ? b->nslot * 2 : 64) < 0)
		return NULL;
	for (h = geoagg_home(k, b->nslot); b->slot[h]; h = (h + 1) & (b->nslot - 1))
		if (geoagg_rowkey(b->key, &b->rows[b->slot[h] - 1]) == k)
			return &b->rows[b->slot[h] - 1];
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		struct geoagg_row *nr = realloc(b->rows, cap * sizeof(*nr));

		if (!nr)
			return NULL;
		b->rows = nr;
		b->cap = cap;
	}
	r = &b->rows[b->n];
	memset(r, 0, sizeof(*r));
	b->slot[h] = (uint32_t)++b->n;
	*made = true;
	return r;
}

static void geoagg_fill(struct geoagg_row *r, enum geoagg_key key, const struct geoip_info *gi)
{
	if (key == GEOAGG_AS) {
		r->asn = gi->asn;
		snprintf(r->name, sizeof(r->name), "%s", gi->as_org);
	} else {
		snprintf(r->name, sizeof(r->name), "%s", gi->country);
	}
	memcpy(r->iso, gi->country_iso, sizeof(r->iso));
	if (!(gi->have & GEOIP_F_COUNTRY))
		r->iso[0] = '\0';
}

static void geoagg_source(void *ctx, const struct dropagg_src *s)
{
	struct geoagg_build *b = ctx;
	unsigned need = b->key == GEOAGG_AS ? GEOIP_F_ASN : GEOIP_F_COUNTRY;
	struct geoip_info gi = { 0 };
	struct geoagg_row *r;
	bool made;

	if (b->err)
		return;
	b->tot.drops += s->drops;
	b->tot.sources++;
	if (b->g)
		geoip_lookup(b->g, s->family, s->addr, &gi);
	if (gi.status == GEOIP_ST_SKIPPED) {
		b->tot.skipped_drops += s->drops;
		b->tot.skipped_sources++;
		return;
	}
	if (gi.status != GEOIP_ST_FOUND || !(gi.have & need)) {
		b->tot.unknown_drops += s->drops;
		b->tot.unknown_sources++;
		return;
	}
	if (!(r = geoagg_row_get(b, geoagg_keyof(b->key, &gi), &made))) {
		b->err = -ENOMEM;
		return;
	}
	if (made || s->drops > r->top_drops ||
	    (s->drops == r->top_drops && memcmp(s->addr, r->top_addr, 16) < 0)) {
		geoagg_fill(r, b->key, &gi);
		r->top_family = s->family;
		memcpy(r->top_addr, s->addr, 16);
		r->top_drops = s->drops;
	}
	r->drops += s->drops;
	r->sources++;
	r->alerted += s->incidents ? 1 : 0;
	if (s->verdict > r->verdict && s->verdict < DROPAGG_VERDICTS)
		r->verdict = s->verdict;
	b->tot.grouped_drops += s->drops;
	b->tot.grouped_sources++;
}

static bool geoagg_before(enum geoagg_key key, const struct geoagg_row *a,
			  const struct geoagg_row *b)
{
	if (a->drops != b->drops)
		return a->drops > b->drops;
	return geoagg_rowkey(key, a) < geoagg_rowkey(key, b);
}

int geoagg_top(struct geoip *g, const struct dropagg *a, enum geoagg_key key,
	       struct geoagg_row *out, size_t max, struct geoagg_totals *tot)
{
	struct geoagg_build b = { .g = g, .key = key };
	size_t i, k = 0, j;

	if (!a || (key != GEOAGG_AS && key != GEOAGG_COUNTRY) || (max && !out))
		return -EINVAL;
	dropagg_each_source(a, geoagg_source, &b);
	/* Insertion into a short sorted array: max is a screen or a table. */
	for (i = 0; !b.err && i < b.n && max; i++) {
		if (k == max && !geoagg_before(key, &b.rows[i], &out[k - 1]))
			continue;
		j = k < max ? k++ : k - 1;
		while (j > 0 && geoagg_before(key, &b.rows[i], &out[j - 1])) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = b.rows[i];
	}
	b.tot.groups = b.n;
	if (tot)
		*tot = b.tot;
	free(b.rows);
	free(b.slot);
	return b.err ? b.err : (int)k;
}

const char *geoagg_label(const struct geoip_info *gi, char *buf, size_t size)
{
	bool cc = gi->status == GEOIP_ST_FOUND && (gi->have & GEOIP_F_COUNTRY);
	bool as = gi->status == GEOIP_ST_FOUND && (gi->have & GEOIP_F_ASN);
	char c0 = gi->country_iso[0], c1 = gi->country_iso[1];

	/* The code is from a file: two letters or nothing, never a control. */
	if (cc && !((c0 >= 'A' && c0 <= 'Z') && (c1 >= 'A' && c1 <= 'Z')))
		cc = false;
	if (cc && as)
		snprintf(buf, size, "%c%c AS%u", c0, c1, gi->asn);
	else if (cc)
		snprintf(buf, size, "%c%c", c0, c1);
	else if (as)
		snprintf(buf, size, "AS%u", gi->asn);
	else
		snprintf(buf, size, "%s", gi->status == GEOIP_ST_SKIPPED ||
			 gi->status == GEOIP_ST_NONE ? "-" : "?");
	return buf;
}
