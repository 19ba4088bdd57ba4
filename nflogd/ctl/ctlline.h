/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlline.h - one record of a ring as the line `nflogctl read` prints (text or JSON). */
#ifndef NFLOGD_CTLLINE_H
#define NFLOGD_CTLLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "classify/kb.h"
#include "classify/services.h"
#include "report/geoip.h"
#include "ring/ringscan.h"

/* What a line is written with, besides the record and its ring. */
struct ctlline_src {
	const struct kb		*kb;
	const struct services	*services;	/* names for ports the kb lacks, or NULL */
	struct geoip		*geo;		/* country and AS of the addresses, or NULL */
	bool			 json;		/* JSON Lines (doc/json-schema.md), else text */
};

/* ctlline_format - the item's line, without a newline, into buf (snprintf-like):
 * one place for `read`, `read --cursor` and `read --syslog --json`, so a
 * shipped line is byte for byte what `read` prints. */
int ctlline_format(char *buf, size_t size, struct ring_reader *rr,
		   const struct ringscan_item *it, const struct ctlline_src *src);

#endif
