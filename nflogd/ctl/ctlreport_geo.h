/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlreport_geo.h - the GeoIP sections of `nflogctl report`: top countries and top ASes of the sources, as charts and tables. */
#ifndef NFLOGD_CTLREPORT_GEO_H
#define NFLOGD_CTLREPORT_GEO_H

#include <stdio.h>

#include "report/dropagg.h"
#include "report/geoip.h"

#define CTL_REPORT_GEO_CHART	15	/* bars per chart, as the port and source charts */
#define CTL_REPORT_GEO_TABLE	20	/* rows per table */

/* ctl_report_geo - <section id="countries"> and <section id="asns"> for the
 * sources of a, each with its chart (chart-countries, chart-asns) and table
 * (table-countries, table-asns), bars coloured by the group's worst
 * verdict, and a note of how many sources the files knew. g NULL: nothing.
 * 0, or -1 when writing (or memory) failed. */
int ctl_report_geo(FILE *f, struct geoip *g, const struct dropagg *a);

#endif
