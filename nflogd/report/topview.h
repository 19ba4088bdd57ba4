/* SPDX-License-Identifier: GPL-2.0-or-later */
/* topview.h - one frame of `nflogctl top`: plain text lines that fit the
 * terminal (at most width columns, at most height lines, ASCII only, no
 * escape sequences: the caller adds cursor movement). Pure, but for the
 * GeoIP lookups of v->geo (which fill its cache).
 *
 *   title, rate and sparkline of the last 60 s, verdict mix,
 *   top kb rows | top sources (or ASes, or countries), open alerts,
 *   a footer with the keys.
 */
#ifndef NFLOGD_TOPVIEW_H
#define NFLOGD_TOPVIEW_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "report/dropagg.h"
#include "report/geoip.h"
#include "classify/kb.h"

#define TOPVIEW_WIDTH		80u	/* the layout's width; wider terminals get this */
#define TOPVIEW_HEIGHT_MIN	14u	/* one row per list; below it only the header */
#define TOPVIEW_SPARK		60u	/* seconds in the sparkline */

/* What the right-hand list shows. */
enum topview_list {
	TOPVIEW_SOURCES	= 0,	/* addresses (with their country and AS when geo) */
	TOPVIEW_AS	= 1,	/* sources grouped by AS (needs geo) */
	TOPVIEW_COUNTRY	= 2,	/* sources grouped by country (needs geo) */
};

struct topview {
	const char		*ring;		/* path of the ring file */
	const char		*state;		/* "online (pid 123)", "offline", ... */
	uint64_t		 now_ns;	/* CLOCK_REALTIME of the frame */
	double			 rate;		/* drops/s over the last refresh; < 0: unknown */
	uint32_t		 interval_s;	/* refresh period, for the footer; 0: --once */
	uint64_t		 lost;		/* lost_seq, summed over segments */
	uint64_t		 since_ns;	/* counts cover records from here on */
	const struct dropagg	*agg;		/* its series: 1 s buckets, >= 60 of them */
	const struct kb		*kb;		/* names of kb rows */
	unsigned		 width, height;	/* terminal size */
	struct geoip		*geo;		/* country/AS of sources; NULL: none */
	enum topview_list	 list;		/* the right-hand list */
	bool			 utf8;		/* the terminal shows UTF-8: GeoIP names keep
						 * their letters (else '?' for each beyond ASCII) */
};

/*
 * topview_render - the frame, lines ended by '\n', into buf[0..size)
 * (NUL-terminated when size > 0). snprintf-like: returns the length the
 * whole frame needs, or -1 for bad arguments.
 */
int topview_render(char *buf, size_t size, const struct topview *v);

/* topview_spark - one character per value, from ' ' (0) up to '@' (max). */
void topview_spark(char *out, const uint64_t *v, size_t n);

#endif
