/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_report.c - `nflogctl report -o FILE`: one self-contained HTML page
 * for people who do not live in a terminal: drops over time by verdict, the
 * busiest ports with what the kb says they are, the busiest sources with
 * their alerts, with GeoIP files the top countries and ASes of the sources
 * (ctlreport_geo.c), the hour-of-day pattern, every alert, and the rules
 * `nflogctl suggest` would propose. Inline CSS and SVG (htmlout.c), no
 * script, nothing fetched: it can be mailed or archived as it is.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "ctl/cmd.h"
#include "ctl/ctlcommon.h"
#include "ctl/ctlgeo.h"
#include "ctl/ctlout.h"
#include "ctl/ctlreport_geo.h"
#include "ctl/ctlsuggest.h"
#include "report/dropagg.h"
#include "report/htmlout.h"
#include "ring/ringnames.h"
#include "ring/ringscan.h"

#define REPORT_TOP		15	/* rows of the port and source charts */
#define REPORT_TABLE_TOP	20	/* rows of their tables */
#define REPORT_ALERTS_MAX	500	/* alert table rows */
#define REPORT_BUCKETS		72	/* at most this many bars over time */

struct ctl_report {
	FILE			*f;
	const char		*outpath;	/* -o FILE */
	const char		*ring;
	const struct kb		*kb;
	struct geoip		*geo;		/* NULL: no GeoIP sections */
	struct ring_reader	*rr;
	struct dropagg		*agg;
	uint64_t		 now_ns, since_s;
	uint64_t		 from_ns, to_ns;	/* the period shown */
	uint64_t		 bucket_ns;
	size_t			 nbuckets;
	int32_t			 tz_off;		/* local time, for the hours */
	char			 host[256];
	struct ringscan_stats	 st;
};

static const char *const ctl_report_css =
"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1c2833;"
"margin:0 auto;max-width:1000px;padding:16px 24px;background:#fdfefe}"
"h1{font-size:24px;margin:8px 0 4px}h2{font-size:18px;margin:28px 0 8px;"
"border-bottom:1px solid #d5d8dc;padding-bottom:4px}"
".meta{color:#566573;margin:0 0 12px}"
".cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}"
".card{border:1px solid #d5d8dc;border-radius:6px;padding:8px 14px;min-width:110px}"
".card b{display:block;font-size:20px}"
"table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}"
"th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #eaeded;vertical-align:top}"
"th{background:#f4f6f6}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
"pre{background:#f4f6f6;border:1px solid #d5d8dc;padding:10px;overflow-x:auto;"
"font-size:12px;white-space:pre-wrap}"
"svg.chart{display:block;max-width:100%;height:auto;margin:6px 0}"
"svg text{font-size:11px;fill:#2c3e50}svg .legend{font-size:12px}"
".grid{stroke:#eaeded}.axis{stroke:#909497}"
".v-hostile{fill:#c0392b}.v-suspicious{fill:#e67e22}.v-noise{fill:#aab7b8}"
".v-expected{fill:#27ae60}.v-unknown{fill:#5d6d7e}.v-all{fill:#2e86c1}"
"span.v{padding:0 6px;border-radius:3px;color:#fff;font-size:12px}"
"span.v-hostile{background:#c0392b}span.v-suspicious{background:#e67e22}"
"span.v-noise{background:#839192}span.v-expected{background:#27ae60}"
"span.v-unknown{background:#5d6d7e}"
".note{color:#566573;font-size:13px}";

static void ctl_report_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl report -o FILE [--since DURATION] [--ring PATH] [--local-kb PATH]\n"
"                      [--geoip FILE|none]...\n"
"  Writes one self-contained HTML page (inline CSS and SVG, no scripts, nothing\n"
"  loaded from elsewhere): drops over time by verdict, top ports with their kb\n"
"  meanings, top sources with their alerts, hour-of-day pattern, the alerts, and\n"
"  the rules `nflogctl suggest` proposes. FILE - is standard output.\n"
"  --since D     only the last D (90s, 30m, 2h, 7d); default: all the ring holds\n"
"  --geoip FILE  add the top countries and ASes of the sources from a MaxMind DB\n"
"                file (repeat for several; default: the *.mmdb in\n"
"                " GEOIP_DIRS_DEFAULT "; none: no GeoIP)\n");
}

/* ---- small formatting helpers ---- */

/* Time formats of the page, all UTC. */
enum cmd_report_fmt { RP_DATETIME, RP_HMS, RP_HM, RP_MDHM };

static void cmd_report_time(char *out, size_t size, uint64_t ns, enum cmd_report_fmt fmt)
{
	time_t t = (time_t)(ns / 1000000000u);
	struct tm tm;
	size_t n = 0;

	if (gmtime_r(&t, &tm)) {
		switch (fmt) {
		case RP_DATETIME: n = strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm); break;
		case RP_HMS:	  n = strftime(out, size, "%H:%M:%S", &tm); break;
		case RP_HM:	  n = strftime(out, size, "%H:%M", &tm); break;
		case RP_MDHM:	  n = strftime(out, size, "%m-%d %H:%M", &tm); break;
		}
	}
	if (!n)
		snprintf(out, size, "?");
}

static void cmd_report_text(struct ctl_report *r, const char *s)
{
	htmlout_text(r->f, s ? s : "");
}

static void cmd_report_addr(char *out, size_t size, unsigned family, const uint8_t *a)
{
	if ((family != 4 && family != 6) ||
	    !inet_ntop(family == 4 ? AF_INET : AF_INET6, a, out, (socklen_t)size))
		snprintf(out, size, "-");
}

static void cmd_report_verdict(struct ctl_report *r, unsigned v)
{
	const char *name = kb_verdict_name(v);

	fprintf(r->f, "<span class=\"v v-%s\">%s</span>", name, name);
}

static const char *cmd_report_proto(unsigned proto)
{
	switch (proto) {
	case IPPROTO_ICMP:	return "icmp";
	case IPPROTO_TCP:	return "tcp";
	case IPPROTO_UDP:	return "udp";
	case IPPROTO_ICMPV6:	return "icmp6";
	case IPPROTO_UDPLITE:	return "udplite";
	default:		return "?";
	}
}

static void cmd_report_port_label(char *out, size_t size, const struct dropagg_port *p)
{
	if (dropagg_has_ports(p->proto))
		snprintf(out, size, "%u/%s", p->port, cmd_report_proto(p->proto));
	else
		snprintf(out, size, "%s %u/%u", cmd_report_proto(p->proto), p->port >> 8, p->port & 0xff);
}

/* The kb row's service name and one-line meaning (NULL when none). Port
 * and ICMP rows are numbered apart (the same id can be both), so icmp says
 * which table id is from: the ICMP one for an ICMP or ICMPv6 port entry. */
static void cmd_report_kb_row(const struct kb *kb, bool icmp, uint16_t id, const char **service,
			      const char **summary, const char **category)
{
	const struct kb_port *p = id && !icmp ? kb_port_by_id(kb, id) : NULL;
	const struct kb_icmp *ic = id && icmp ? kb_icmp_by_id(kb, id) : NULL;
	const struct kb_category *cat = p ? kb_category_by_id(kb, p->category) : NULL;

	*service = p ? p->service : ic ? ic->name : NULL;
	*summary = p ? p->summary : ic ? ic->summary : NULL;
	*category = cat ? cat->name : ic ? "icmp" : NULL;
}

/* "port-scan, sweep" for a source's alert types. */
static void cmd_report_alert_types(char *out, size_t size, uint32_t types)
{
	size_t len = 0;
	unsigned t;

	out[0] = '\0';
	for (t = 0; t < 32 && len < size; t++) {
		const char *name;

		if (!(types & (1u << t)) || !(name = ring_alert_type_name(t)))
			continue;
		len += (size_t)snprintf(out + len, size - len, "%s%s", len ? ", " : "", name);
	}
}

/* A chart bar coloured by its verdict; cls holds its class "v-<verdict>". */
static struct htmlout_hbar cmd_report_bar(char *cls, size_t size, const char *label,
					  const char *tip, unsigned verdict, uint64_t drops)
{
	snprintf(cls, size, "v-%s", kb_verdict_name(verdict));
	return (struct htmlout_hbar){ label, cls, tip, drops };
}

/* ---- sections ---- */

/* A section and its heading; with nothing to show (!n) the note empty
 * closes it at once: false, and the caller writes no more of it. */
static bool cmd_report_section(struct ctl_report *r, const char *id, const char *title,
			       size_t n, const char *empty)
{
	fprintf(r->f, "<section id=\"%s\">\n<h2>%s</h2>\n", id, title);
	if (!n)
		fprintf(r->f, "<p class=\"note\">%s</p>\n</section>\n", empty);
	return n != 0;
}

static void cmd_report_head(struct ctl_report *r)
{
	const struct dropagg_totals *t = dropagg_totals(r->agg);
	char from[32], to[32], now[32];
	uint64_t lost = 0, enobufs = 0;
	uint32_t s;

	for (s = 0; s < ringread_nsegs(r->rr); s++) {
		lost += ringread_ctr(r->rr, s, RING_CTR_LOST_SEQ);
		enobufs += ringread_ctr(r->rr, s, RING_CTR_ENOBUFS);
	}
	cmd_report_time(from, sizeof(from), r->from_ns, RP_DATETIME);
	cmd_report_time(to, sizeof(to), r->to_ns, RP_DATETIME);
	cmd_report_time(now, sizeof(now), r->now_ns, RP_DATETIME);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>nflogd drops report: ", r->f);
	cmd_report_text(r, r->host);
	fprintf(r->f, "</title>\n<style>%s</style>\n</head>\n<body>\n"
		"<h1>Dropped packets on ", ctl_report_css);
	cmd_report_text(r, r->host);
	fputs("</h1>\n<p class=\"meta\">Ring <code>", r->f);
	cmd_report_text(r, r->ring);
	fprintf(r->f, "</code>, %s to %s UTC%s. Generated %s UTC by nflogctl report.</p>\n",
		from, to, r->since_s ? "" : " (everything the ring holds)", now);
	fputs("<div class=\"cards\" id=\"summary\">", r->f);
	fprintf(r->f, "<div class=\"card\">drops<b id=\"total-drops\">%llu</b></div>",
		(unsigned long long)t->drops);
	fprintf(r->f, "<div class=\"card\">alerts<b id=\"total-alerts\">%zu</b></div>",
		dropagg_nalerts(r->agg, false));
	fprintf(r->f, "<div class=\"card\">hostile<b>%llu</b></div>"
		"<div class=\"card\">suspicious<b>%llu</b></div>"
		"<div class=\"card\">noise<b>%llu</b></div>",
		(unsigned long long)t->verdict[KB_VERDICT_HOSTILE],
		(unsigned long long)t->verdict[KB_VERDICT_SUSPICIOUS],
		(unsigned long long)t->verdict[KB_VERDICT_NOISE]);
	fprintf(r->f, "<div class=\"card\">lost (seq gaps)<b>%llu</b></div>"
		"<div class=\"card\">overruns<b>%llu</b></div></div>\n",
		(unsigned long long)lost, (unsigned long long)enobufs);
	if (r->st.lapped || r->st.damaged)
		fprintf(r->f, "<p class=\"note\">%llu records were overwritten while being read "
			"and %llu were damaged; they are not counted here.</p>\n",
			(unsigned long long)r->st.lapped, (unsigned long long)r->st.damaged);
}

static int cmd_report_timeline(struct ctl_report *r)
{
	static const unsigned order[] = { KB_VERDICT_HOSTILE, KB_VERDICT_SUSPICIOUS,
					  KB_VERDICT_NOISE, KB_VERDICT_EXPECTED,
					  KB_VERDICT_UNKNOWN };
	uint64_t (*series)[DROPAGG_VERDICTS] = calloc(r->nbuckets, sizeof(*series));
	uint64_t *cols = calloc(r->nbuckets * DROPAGG_VERDICTS, sizeof(*cols));
	char (*labels)[32] = calloc(r->nbuckets, sizeof(*labels));
	const char **lp = calloc(r->nbuckets, sizeof(*lp));
	struct htmlout_layer layers[DROPAGG_VERDICTS];
	char cls[DROPAGG_VERDICTS][24];
	enum cmd_report_fmt fmt;
	size_t i, l;
	int rc = -ENOMEM;

	if (!series || !cols || !labels || !lp)
		goto out;
	dropagg_series(r->agg, r->to_ns, series, r->nbuckets);
	fmt = r->to_ns - r->from_ns > 86400ull * 1000000000u ? RP_MDHM :
	      r->bucket_ns < 60ull * 1000000000u ? RP_HMS : RP_HM;
	for (i = 0; i < r->nbuckets; i++) {
		uint64_t start = (r->to_ns / r->bucket_ns - (r->nbuckets - 1 - i)) * r->bucket_ns;

		cmd_report_time(labels[i], sizeof(labels[i]), start, fmt);
		lp[i] = labels[i];
	}
	for (l = 0; l < DROPAGG_VERDICTS; l++) {
		for (i = 0; i < r->nbuckets; i++)
			cols[l * r->nbuckets + i] = series[i][order[l]];
		snprintf(cls[l], sizeof(cls[l]), "v-%s", kb_verdict_name(order[l]));
		layers[l] = (struct htmlout_layer){ kb_verdict_name(order[l]), cls[l],
						    cols + l * r->nbuckets };
	}
	fprintf(r->f, "<section id=\"timeline\">\n<h2>Drops over time, by verdict</h2>\n"
		"<p class=\"note\">%llu s per bar, UTC.</p>\n",
		(unsigned long long)(r->bucket_ns / 1000000000u));
	rc = htmlout_vbars(r->f, &(struct htmlout_vchart){
		.id = "chart-timeline", .cls = "chart-timeline", .title = "Drops over time by verdict",
		.n = r->nbuckets, .xlabels = lp, .layers = layers, .nlayers = DROPAGG_VERDICTS,
	});
	fputs("</section>\n", r->f);
out:
	free(series);
	free(cols);
	free(labels);
	free(lp);
	return rc;
}

/* A top list (ports, sources): its section, with heading and the note for
 * when it is empty, its bar chart chart-<id> and its table table-<id>. */
struct cmd_report_top {
	const char	*id, *title, *empty;
	const char	*chart;		/* the chart's title */
	const char	*cols;		/* the table's header cells */
};

/* Open a top list: section, chart and the table's header row; with nothing
 * to list (!n) its note closes the section instead: false. *rc: the chart's. */
static bool cmd_report_top_open(struct ctl_report *r, const struct cmd_report_top *t,
				const struct htmlout_hbar *bars, size_t nbars, size_t n, int *rc)
{
	char chart[32];

	if (!cmd_report_section(r, t->id, t->title, n, t->empty))
		return false;
	snprintf(chart, sizeof(chart), "chart-%s", t->id);
	*rc = htmlout_hbars(r->f, chart, chart, t->chart, bars, nbars, 0);
	fprintf(r->f, "<table id=\"table-%s\">\n<tr>%s</tr>\n", t->id, t->cols);
	return true;
}

static int cmd_report_ports(struct ctl_report *r)
{
	static const struct cmd_report_top ports = {
		.id = "ports", .title = "Top ports, with what they most likely are",
		.empty = "No drop with a port or ICMP type in this period.",
		.chart = "Top destination ports by drops",
		.cols = "<th>port</th><th class=\"n\">drops</th><th>service</th><th>verdict</th>"
			"<th>category</th><th>meaning (kb)</th>",
	};
	struct dropagg_port top[REPORT_TABLE_TOP];
	struct htmlout_hbar bars[REPORT_TOP];
	char labels[REPORT_TOP][96], cls[REPORT_TOP][24], port[32];
	size_t n = dropagg_top_ports(r->agg, top, REPORT_TABLE_TOP), i;
	const char *service, *summary, *category;
	int rc;

	for (i = 0; i < n && i < REPORT_TOP; i++) {
		cmd_report_kb_row(r->kb, !dropagg_has_ports(top[i].proto), top[i].kb_id, &service,
				  &summary, &category);
		cmd_report_port_label(port, sizeof(port), &top[i]);
		snprintf(labels[i], sizeof(labels[i]), "%s %s", port, service ? service : "");
		bars[i] = cmd_report_bar(cls[i], sizeof(cls[i]), labels[i], summary,
					 top[i].verdict, top[i].drops);
	}
	if (!cmd_report_top_open(r, &ports, bars, i, n, &rc))
		return 0;
	for (i = 0; i < n; i++) {
		cmd_report_kb_row(r->kb, !dropagg_has_ports(top[i].proto), top[i].kb_id, &service,
				  &summary, &category);
		cmd_report_port_label(port, sizeof(port), &top[i]);
		fprintf(r->f, "<tr><td>%s</td><td class=\"n\">%llu</td><td>", port,
			(unsigned long long)top[i].drops);
		cmd_report_text(r, service ? service : "-");
		fputs("</td><td>", r->f);
		cmd_report_verdict(r, top[i].verdict);
		fputs("</td><td>", r->f);
		cmd_report_text(r, category ? category : "-");
		fputs("</td><td>", r->f);
		cmd_report_text(r, summary ? summary : "not in the knowledge base");
		fputs("</td></tr>\n", r->f);
	}
	fputs("</table>\n</section>\n", r->f);
	return rc;
}

static int cmd_report_sources(struct ctl_report *r)
{
	static const struct cmd_report_top sources = {
		.id = "sources", .title = "Top sources, with their alerts",
		.empty = "No drop with an IP source in this period.",
		.chart = "Top sources by drops",
		.cols = "<th>source</th><th class=\"n\">drops</th><th>worst verdict</th>"
			"<th>address class (kb)</th><th>alerts</th><th>last seen (UTC)</th>",
	};
	struct dropagg_src top[REPORT_TABLE_TOP];
	struct htmlout_hbar bars[REPORT_TOP];
	char labels[REPORT_TOP][240], cls[REPORT_TOP][24], addr[64], types[160], seen[32];
	size_t n = dropagg_top_sources(r->agg, top, REPORT_TABLE_TOP), i;
	int rc;

	for (i = 0; i < n && i < REPORT_TOP; i++) {
		cmd_report_addr(addr, sizeof(addr), top[i].family, top[i].addr);
		cmd_report_alert_types(types, sizeof(types), top[i].alert_types);
		snprintf(labels[i], sizeof(labels[i]), "%s%s%s%s", addr, *types ? " (" : "",
			 types, *types ? ")" : "");
		bars[i] = cmd_report_bar(cls[i], sizeof(cls[i]), labels[i], NULL, top[i].verdict,
					 top[i].drops);
	}
	if (!cmd_report_top_open(r, &sources, bars, i, n, &rc))
		return 0;
	for (i = 0; i < n; i++) {
		const struct kb_addr *ka = kb_addr_lookup(r->kb, top[i].family, top[i].addr);

		cmd_report_addr(addr, sizeof(addr), top[i].family, top[i].addr);
		cmd_report_alert_types(types, sizeof(types), top[i].alert_types);
		cmd_report_time(seen, sizeof(seen), top[i].last_ns, RP_DATETIME);
		fputs("<tr><td>", r->f);
		cmd_report_text(r, addr);
		fprintf(r->f, "</td><td class=\"n\">%llu</td><td>", (unsigned long long)top[i].drops);
		cmd_report_verdict(r, top[i].verdict);
		fputs("</td><td>", r->f);
		cmd_report_text(r, ka ? ka->cls : "-");
		fputs("</td><td>", r->f);
		if (top[i].incidents) {
			fprintf(r->f, "%u: ", top[i].incidents);
			cmd_report_text(r, types);
		} else {
			fputs("-", r->f);
		}
		fprintf(r->f, "</td><td>%s</td></tr>\n", seen);
	}
	fputs("</table>\n</section>\n", r->f);
	return rc;
}

static int cmd_report_hours(struct ctl_report *r)
{
	const struct dropagg_totals *t = dropagg_totals(r->agg);
	char labels[24][8];
	const char *lp[24];
	struct htmlout_layer layer = { "drops", "v-all", t->hour };
	int h, rc;

	for (h = 0; h < 24; h++) {
		snprintf(labels[h], sizeof(labels[h]), "%02d", h);
		lp[h] = labels[h];
	}
	fprintf(r->f, "<section id=\"hours\">\n<h2>Hour of day</h2>\n<p class=\"note\">Drops per "
		"hour of the day, local time of the report (UTC%c%02d:%02d), all days "
		"together.</p>\n", r->tz_off < 0 ? '-' : '+',
		(r->tz_off < 0 ? -r->tz_off : r->tz_off) / 3600,
		(r->tz_off < 0 ? -r->tz_off : r->tz_off) % 3600 / 60);
	rc = htmlout_vbars(r->f, &(struct htmlout_vchart){
		.id = "chart-hours", .cls = "chart-hours", .title = "Drops per hour of day",
		.n = 24, .xlabels = lp, .label_every = 1, .layers = &layer, .nlayers = 1,
		.height = 200,
	});
	fputs("</section>\n", r->f);
	return rc;
}

static int cmd_report_alerts(struct ctl_report *r)
{
	static const char *const states[] = { "?", "open", "update", "closed" };
	size_t total = dropagg_nalerts(r->agg, false), n, i;
	struct ring_alert *al;

	if (!cmd_report_section(r, "alerts", "Alerts", total, "No alert in this period."))
		return 0;
	al = calloc(total < REPORT_ALERTS_MAX ? total : REPORT_ALERTS_MAX, sizeof(*al));
	if (!al)
		return -ENOMEM;
	n = dropagg_alerts(r->agg, false, al, REPORT_ALERTS_MAX);
	if (total > n)
		fprintf(r->f, "<p class=\"note\">The newest %zu of %zu.</p>\n", n, total);
	fputs("<table id=\"table-alerts\">\n<tr><th class=\"n\">id</th><th>type</th><th>state</th>"
	      "<th>source</th><th>target</th><th class=\"n\">packets</th><th class=\"n\">ports</th>"
	      "<th>first seen (UTC)</th><th>last seen (UTC)</th><th>verdict</th><th>port meaning</th>"
	      "</tr>\n", r->f);
	for (i = 0; i < n; i++) {
		const char *type = ring_alert_type_name(al[i].type), *service, *summary, *category;
		char src[64], dst[64], first[32], last[32];

		cmd_report_addr(src, sizeof(src), al[i].family, al[i].saddr);
		if (al[i].targets <= 1)
			cmd_report_addr(dst, sizeof(dst), al[i].family, al[i].daddr);
		else
			snprintf(dst, sizeof(dst), "%u hosts", al[i].targets);
		cmd_report_time(first, sizeof(first), al[i].first_seen, RP_DATETIME);
		cmd_report_time(last, sizeof(last), al[i].last_seen, RP_DATETIME);
		cmd_report_kb_row(r->kb, false, al[i].kb_id, &service, &summary, &category);
		fprintf(r->f, "<tr class=\"alert\"><td class=\"n\">%u</td><td>", al[i].alert_id);
		cmd_report_text(r, type ? type : "?");
		fprintf(r->f, "</td><td>%s</td><td>",
			states[al[i].state <= RING_ALERT_CLOSED ? al[i].state : 0]);
		cmd_report_text(r, src);
		fputs("</td><td>", r->f);
		cmd_report_text(r, dst);
		fprintf(r->f, "</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td>%s</td>"
			"<td>%s</td><td>", al[i].packets, al[i].ports, first, last);
		cmd_report_verdict(r, al[i].verdict);
		fputs("</td><td>", r->f);
		if (service) {
			cmd_report_text(r, service);
			fputs(": ", r->f);
			cmd_report_text(r, summary);
		} else {
			fputs("-", r->f);
		}
		fputs("</td></tr>\n", r->f);
	}
	fputs("</table>\n</section>\n", r->f);
	free(al);
	return 0;
}

/* The script `nflogctl suggest` prints, captured and escaped into a <pre>. */
static int cmd_report_suggest(struct ctl_report *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int src;

	if (!mem)
		return -ENOMEM;
	src = ctl_suggest_script(mem, r->ring, r->kb, r->since_s, r->geo);
	if (fclose(mem) == EOF) {
		free(text);
		return -ENOMEM;
	}
	fputs("<section id=\"suggest\">\n<h2>Suggested rules</h2>\n<p class=\"note\">What "
	      "<code>nflogctl suggest</code> prints for the same period: a script to review and "
	      "check with <code>nft -c -f</code>; nothing was applied.</p>\n", r->f);
	if (src == 0) {
		fputs("<pre id=\"suggested-rules\">", r->f);
		cmd_report_text(r, text);
		fputs("</pre>\n", r->f);
	} else {
		fputs("<p class=\"note\" id=\"suggested-rules\">The suggestions could not be made "
		      "(see nflogctl's messages).</p>\n", r->f);
	}
	fputs("</section>\n", r->f);
	free(text);
	return 0;
}

/* Bars no narrower than needed for at most REPORT_BUCKETS of them. */
static uint64_t cmd_report_bucket_s(uint64_t span_s)
{
	static const uint64_t steps[] = {
		1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
		21600, 43200, 86400, 172800, 604800,
	};
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (span_s / steps[i] + 1 < REPORT_BUCKETS)
			return steps[i];
	return span_s / (REPORT_BUCKETS - 2) + 1;
}

static int ctl_report_build(struct ctl_report *r)
{
	struct ringscan_item *items = NULL;
	struct dropagg_cfg cfg = { 0 };
	struct tm tm;
	time_t now;
	size_t n, i;
	uint64_t first = 0, last = 0;
	int rc = -ENOMEM;

	if (ringscan_collect(r->rr, NULL, r->since_s ? r->now_ns - r->since_s * 1000000000ull : 0,
			     RINGSCAN_DROPS | RINGSCAN_ALERTS, &items, &n, &r->st) < 0)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (items[i].rec.kind != RING_KIND_DROP)
			continue;
		if (!first)
			first = items[i].rec.ts_ns;
		last = items[i].rec.ts_ns;
	}
	r->from_ns = r->since_s ? r->now_ns - r->since_s * 1000000000ull : first ? first : r->now_ns;
	r->to_ns = r->since_s ? r->now_ns : last ? last : r->now_ns;
	if (r->to_ns < r->from_ns)
		r->to_ns = r->from_ns;
	r->bucket_ns = cmd_report_bucket_s((r->to_ns - r->from_ns) / 1000000000u) * 1000000000ull;
	r->nbuckets = (size_t)(r->to_ns / r->bucket_ns - r->from_ns / r->bucket_ns + 1);
	now = (time_t)(r->now_ns / 1000000000u);
	r->tz_off = localtime_r(&now, &tm) ? (int32_t)tm.tm_gmtoff : 0;
	cfg.bucket_ns = r->bucket_ns;
	cfg.nbuckets = (uint32_t)r->nbuckets;
	cfg.tz_offset_s = r->tz_off;
	r->agg = dropagg_new(&cfg);
	if (!r->agg)
		goto out;
	for (i = 0; i < n; i++) {
		if (items[i].rec.kind == RING_KIND_DROP) {
			if (dropagg_add_drop(r->agg, &items[i].rec) < 0)
				goto out;
		} else {
			struct ring_alert a;

			ringscan_alert(&items[i], &a);
			if (dropagg_add_alert(r->agg, &a) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	free(items);
	return rc;
}

static int ctl_report_write(struct ctl_report *r)
{
	int rc = 0;

	cmd_report_head(r);
	if (dropagg_totals(r->agg)->drops)
		rc |= cmd_report_timeline(r);
	rc |= cmd_report_ports(r);
	rc |= cmd_report_sources(r);
	rc |= ctl_report_geo(r->f, r->geo, r->agg);
	rc |= cmd_report_hours(r);
	rc |= cmd_report_alerts(r);
	rc |= cmd_report_suggest(r);
	fputs("<p class=\"note\">Made by nflogctl report from the ring file alone: no scripts "
	      "and nothing loaded from elsewhere. Field meanings: doc/json-schema.md; detections: "
	      "doc/correlation.md.</p>\n</body>\n</html>\n", r->f);
	return rc || ferror(r->f) ? -1 : 0;
}

enum { RP_O_SINCE = CTL_O_OWN };

static int cmd_report_option(void *ctx, int c, const char *arg)
{
	struct ctl_report *r = ctx;

	switch (c) {
	case RP_O_SINCE:
		if (!ctl_parse_since(arg, &r->since_s))
			return 2;
		break;
	case 'o':
		r->outpath = arg;
		break;
	}
	return 0;
}

int cmd_report_main(int argc, char **argv)
{
	static const struct option lopts[] = {
		CTL_LOPT_RING,
		{ "since",    required_argument, NULL, RP_O_SINCE },
		CTL_LOPT_LOCALKB,
		{ "output",   required_argument, NULL, 'o' },
		CTL_LOPT_GEOIP,
		CTL_LOPT_HELP,
		CTL_LOPT_END
	};
	static const struct ctl_cmdline cl = {
		.shortopts = ":ho:", .lopts = lopts, .first = 1, .usage = ctl_report_usage,
		.option = cmd_report_option,
	};
	struct ctl_report r = { 0 };
	struct ctl_outfile out;
	struct ctl_args a;
	int rc;

	if ((rc = ctl_args_parse(argc, argv, &cl, &r, &a)) != CTL_RUN)
		return rc;
	if (!r.outpath) {
		fprintf(stderr, "nflogctl: report needs -o FILE (- for standard output)\n");
		return 2;
	}
	r.ring = a.ring;
	if (!(r.kb = ctl_load_kb(&a)))
		return 1;
	rc = 1;
	if (ctl_load_geoip(&a, r.kb, &r.geo) != 0)
		goto out;
	if (!(r.rr = ctl_ring_open(r.ring, r.kb)))
		goto out;
	r.now_ns = ctl_now_ns();
	if (gethostname(r.host, sizeof(r.host) - 1) < 0)
		snprintf(r.host, sizeof(r.host), "this host");
	if (ctl_report_build(&r) < 0) {
		fprintf(stderr, "nflogctl: out of memory\n");
		goto out;
	}
	ctl_report_skipped(&r.st);
	if (ctl_outfile_open(&out, r.outpath))
		goto out;
	r.f = out.f;
	rc = ctl_outfile_close(&out, ctl_report_write(&r) == 0);
	ctl_geoip_warnings(r.geo);
out:
	geoip_free(r.geo);
	dropagg_free(r.agg);
	ringread_close(r.rr);
	kb_free((struct kb *)r.kb);
	return rc;
}
