/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlsuggest_geo.h - `nflogctl suggest --geoip`: the sources to block, grouped by AS, with network-wide sets only as commented-out opt-ins. */
#ifndef NFLOGD_CTLSUGGEST_GEO_H
#define NFLOGD_CTLSUGGEST_GEO_H

#include <stdbool.h>
#include <stdio.h>

#include "report/geoip.h"
#include "suggest/suggest.h"

#define CTL_SUGGEST_GEO_PREFIX	"# opt-in: "	/* starts every network-wide line */

/* ctl_suggest_geo - after the script: a section of comments only, grouping
 * sg's block suggestions by the AS of their address (country and files
 * named), each AS with the networks the ASN file puts those sources in as
 * a set, its elements and a drop rule in nflogd's table (table), every
 * such line prefixed CTL_SUGGEST_GEO_PREFIX: nothing in it is active, and
 * `--apply` never adds it. table_installed: the chain the rule goes into
 * exists (else the section says to install it first). g NULL: nothing.
 * 0, or -1 when writing (or memory) failed. */
int ctl_suggest_geo(FILE *out, const struct suggest *sg, struct geoip *g, const char *table,
		    bool table_installed);

#endif
