/* SPDX-License-Identifier: GPL-2.0-or-later */
/* htmlout.h - pieces of a self-contained HTML report: escaped text and inline
 * SVG bar charts. Nothing is fetched: no scripts, no external style sheets,
 * no images; colours come from CSS classes the page defines.
 *
 * Everything is written to a caller's FILE; every function returns 0, or
 * -EIO when the stream reports an error (ferror), or -EINVAL for a bad
 * argument. Text from packets, the ring or the kb is escaped: & < > " ' as
 * entities, control characters and bytes that are not UTF-8 as U+FFFD.
 */
#ifndef NFLOGD_HTMLOUT_H
#define NFLOGD_HTMLOUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* htmlout_text - s escaped for element content and attribute values.
 * htmlout_text_max - the same, at most max characters (code points): a
 * longer s is cut at a character boundary and ends with "…". */
int htmlout_text(FILE *f, const char *s);
int htmlout_text_max(FILE *f, const char *s, size_t max);

/* One layer of a stacked bar chart: v[0..n) of the chart, drawn with class
 * cls (e.g. "v-hostile"), named in the legend and the tooltips. */
struct htmlout_layer {
	const char	*name;
	const char	*cls;
	const uint64_t	*v;
};

/* Vertical bars, one per x position, layers stacked bottom up. */
struct htmlout_vchart {
	const char			*id;		/* svg id */
	const char			*cls;		/* extra svg classes, may be NULL */
	const char			*title;		/* accessible title */
	size_t				 n;		/* bars */
	const char *const		*xlabels;	/* n labels; NULL entries unlabeled */
	size_t				 label_every;	/* label every k-th bar; 0 = auto */
	const struct htmlout_layer	*layers;
	size_t				 nlayers;
	unsigned			 width, height;	/* 0 = 960 x 260 */
};

int htmlout_vbars(FILE *f, const struct htmlout_vchart *c);

/* Horizontal bars, one row each: label, bar, value. */
struct htmlout_hbar {
	const char	*label;		/* cut to 34 characters in the chart */
	const char	*cls;		/* bar class, e.g. "v-suspicious" */
	const char	*tip;		/* tooltip, may be NULL */
	uint64_t	 value;
};

int htmlout_hbars(FILE *f, const char *id, const char *cls, const char *title,
		  const struct htmlout_hbar *bars, size_t n, unsigned width);

/* htmlout_axis_max - the y-axis top for a largest value: 4 steps of 1, 2 or
 * 5 times a power of ten (at least 4). */
uint64_t htmlout_axis_max(uint64_t max);

#endif
