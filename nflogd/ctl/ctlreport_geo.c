/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlreport_geo.c - top countries and top ASes in `nflogctl report` (ctlreport_geo.h), in the page's chart and table style.
 *
 * The groups come from report/geoagg.c over every source of the period, so
 * a country's "sources" is exact. Sources the files do not know and private
 * ones are counted in the note, never charted as a country of their own.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctlreport_geo.h"
#include "report/geoagg.h"
#include "report/htmlout.h"

struct ctl_rgeo {
	const char	*id, *title, *chart;
	const char	*cols;		/* the table's header cells */
	enum geoagg_key	 key;
};

static void ctl_rgeo_verdict(FILE *f, unsigned v)
{
	const char *name = kb_verdict_name(v);

	fprintf(f, "<span class=\"v v-%s\">%s</span>", name, name);
}

static void ctl_rgeo_addr(char *out, size_t size, const struct geoagg_row *r)
{
	if (!inet_ntop(r->top_family == 4 ? AF_INET : AF_INET6, r->top_addr, out,
		       (socklen_t)size))
		snprintf(out, size, "-");
}

/* "JP Japan", "AS64498 Example Networks": the chart's label of a group. */
static void ctl_rgeo_label(char *out, size_t size, enum geoagg_key key, const struct geoagg_row *r)
{
	if (key == GEOAGG_AS)
		snprintf(out, size, "AS%u%s%s", r->asn, r->name[0] ? " " : "", r->name);
	else
		snprintf(out, size, "%s%s%s", r->iso, r->name[0] ? " " : "", r->name);
}

static void ctl_rgeo_note(FILE *f, enum geoagg_key key, const struct geoagg_totals *t)
{
	fprintf(f, "<p class=\"note\" id=\"note-%s\">%llu of %llu sources (%llu of %llu drops) "
		"have %s in the GeoIP files; %llu private, loopback or bogon sources are never "
		"looked up and %llu are unknown to the files.</p>\n",
		key == GEOAGG_AS ? "asns" : "countries",
		(unsigned long long)t->grouped_sources, (unsigned long long)t->sources,
		(unsigned long long)t->grouped_drops, (unsigned long long)t->drops,
		key == GEOAGG_AS ? "an AS" : "a country",
		(unsigned long long)t->skipped_sources, (unsigned long long)t->unknown_sources);
}

static void ctl_rgeo_row(FILE *f, enum geoagg_key key, const struct geoagg_row *r)
{
	char addr[64];

	ctl_rgeo_addr(addr, sizeof(addr), r);
	if (key == GEOAGG_AS)
		fprintf(f, "<tr><td>AS%u</td><td>", r->asn);
	else
		fprintf(f, "<tr><td>%s</td><td>", r->iso);
	htmlout_text(f, r->name[0] ? r->name : "-");
	if (key == GEOAGG_AS)
		fprintf(f, "</td><td>%s", r->iso[0] ? r->iso : "-");
	fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%u</td><td class=\"n\">%u</td>"
		"<td>", (unsigned long long)r->drops, r->sources, r->alerted);
	ctl_rgeo_verdict(f, r->verdict);
	fprintf(f, "</td><td>%s (%llu)</td></tr>\n", addr, (unsigned long long)r->top_drops);
}

static int ctl_rgeo_section(FILE *f, struct geoip *g, const struct dropagg *a,
			    const struct ctl_rgeo *s)
{
	struct geoagg_row rows[CTL_REPORT_GEO_TABLE];
	struct htmlout_hbar bars[CTL_REPORT_GEO_CHART];
	char labels[CTL_REPORT_GEO_CHART][GEOIP_NAME_MAX + 16], cls[CTL_REPORT_GEO_CHART][24];
	char tips[CTL_REPORT_GEO_CHART][96], addr[64], chart[32];
	struct geoagg_totals t;
	int n = geoagg_top(g, a, s->key, rows, CTL_REPORT_GEO_TABLE, &t), i, rc;

	if (n < 0)
		return -1;
	fprintf(f, "<section id=\"%s\">\n<h2>%s</h2>\n", s->id, s->title);
	ctl_rgeo_note(f, s->key, &t);
	if (!n) {
		fputs("</section>\n", f);
		return 0;
	}
	for (i = 0; i < n && i < CTL_REPORT_GEO_CHART; i++) {
		ctl_rgeo_label(labels[i], sizeof(labels[i]), s->key, &rows[i]);
		ctl_rgeo_addr(addr, sizeof(addr), &rows[i]);
		snprintf(tips[i], sizeof(tips[i]), "%u source%s, the busiest %s", rows[i].sources,
			 rows[i].sources == 1 ? "" : "s", addr);
		snprintf(cls[i], sizeof(cls[i]), "v-%s", kb_verdict_name(rows[i].verdict));
		bars[i] = (struct htmlout_hbar){ labels[i], cls[i], tips[i], rows[i].drops };
	}
	snprintf(chart, sizeof(chart), "chart-%s", s->id);
	rc = htmlout_hbars(f, chart, chart, s->chart, bars, (size_t)i, 0);
	fprintf(f, "<table id=\"table-%s\">\n<tr>%s</tr>\n", s->id, s->cols);
	for (i = 0; i < n; i++)
		ctl_rgeo_row(f, s->key, &rows[i]);
	fputs("</table>\n</section>\n", f);
	return rc < 0 ? -1 : 0;
}

int ctl_report_geo(FILE *f, struct geoip *g, const struct dropagg *a)
{
	static const struct ctl_rgeo countries = {
		.id = "countries", .title = "Top countries of the sources (GeoIP)",
		.chart = "Top source countries by drops", .key = GEOAGG_COUNTRY,
		.cols = "<th>country</th><th>name</th><th class=\"n\">drops</th>"
			"<th class=\"n\">sources</th><th class=\"n\">with alerts</th>"
			"<th>worst verdict</th><th>busiest source (drops)</th>",
	};
	static const struct ctl_rgeo asns = {
		.id = "asns", .title = "Top autonomous systems of the sources (GeoIP)",
		.chart = "Top source ASes by drops", .key = GEOAGG_AS,
		.cols = "<th>AS</th><th>organisation</th><th>country</th><th class=\"n\">drops</th>"
			"<th class=\"n\">sources</th><th class=\"n\">with alerts</th>"
			"<th>worst verdict</th><th>busiest source (drops)</th>",
	};
	int rc;

	if (!g)
		return 0;
	rc = ctl_rgeo_section(f, g, a, &countries);
	rc |= ctl_rgeo_section(f, g, a, &asns);
	return rc || ferror(f) ? -1 : 0;
}
