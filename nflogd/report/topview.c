/* SPDX-License-Identifier: GPL-2.0-or-later */
/* topview.c - one frame of `nflogctl top` (topview.h).
 *
 * The layout is made for 80x24 and grows the two lists with the height:
 *
 *   0  title                                                     time
 *   1  rate, totals, loss
 *   2  sparkline of the last 60 s
 *   3  verdict mix
 *   5  TOP SERVICES ...              | TOP SOURCES ...
 *   7  rows (7 at 24 lines)
 *      ALERTS: open ones first, then the latest closed ones
 *      rows (5 at 24 lines)
 *  23  footer: keys, refresh, what the counts cover
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>

#include "report/geoagg.h"
#include "report/topview.h"
#include "ring/ringnames.h"
#include "util/utf8.h"

#define LIST_MAX	64	/* rows per list, whatever the height */
#define LINE_MAX_LEN	256

struct frame {
	char		*buf;
	size_t		 size, len;
	unsigned	 width, lines, height;
};

/* Terminal columns of code point cp: -1 for what must not reach a terminal
 * (controls, C1, bidirectional and other invisible format characters, which
 * can reorder or hide what is shown), 0 for combining marks, 2 for East Asian
 * wide ones, else 1. Ranges, not a full wcwidth: names in GeoIP files are
 * letters, and a name drawn a column too wide is cut, never overflows. */
static int topview_cp_cols(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xad || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
	    (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xe0000 && cp <= 0xe007f))
		return -1;
	if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x1ab0 && cp <= 0x1aff) ||
	    (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xfe20 && cp <= 0xfe2f))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/* Bytes of s that fill at most width columns. Everything in a frame is ASCII
 * or UTF-8 that topview_name checked, so a sequence is never cut. */
static size_t topview_fit(const char *s, size_t n, unsigned width)
{
	size_t i = 0, len;
	unsigned cols = 0;
	uint32_t cp;
	int w;

	while (i < n) {
		len = utf8_seq_len((const unsigned char *)s + i, n - i, &cp);
		w = len ? topview_cp_cols(cp) : 1;
		if (!len)
			len = 1;
		if (w > 0 && cols + (unsigned)w > width)
			break;
		cols += w > 0 ? (unsigned)w : 0;
		i += len;
	}
	return i;
}

static void topview_fr_line(struct frame *fr, const char *s)
{
	size_t n = strlen(s), room;

	if (fr->lines >= fr->height)
		return;
	n = topview_fit(s, n, fr->width);
	while (n && s[n - 1] == ' ')
		n--;
	if (fr->len < fr->size) {
		room = fr->size - 1 - fr->len;
		memcpy(fr->buf + fr->len, s, n < room ? n : room);
		if (n < room)
			fr->buf[fr->len + n] = '\n';
	}
	fr->len += n + 1;
	fr->lines++;
}

__attribute__((format(printf, 2, 3)))
static void topview_fr_fmt(struct frame *fr, const char *fmt, ...)
{
	char line[LINE_MAX_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	topview_fr_line(fr, line);
}

/* Printable ASCII only, so a hostile name cannot drive the terminal; longer
 * than max: cut, with '~' as its last character. */
static const char *topview_clean(char *dst, size_t size, const char *src, size_t max)
{
	size_t i, n = 0;

	if (max >= size)
		max = size - 1;
	for (i = 0; src && src[i] && n < max; i++)
		dst[n++] = src[i] >= 32 && src[i] < 127 ? src[i] : '?';
	if (src && src[i] && n)
		dst[n - 1] = '~';
	dst[n] = '\0';
	return dst;
}

/* One character of a name at p[0..n): *len its bytes, *cols its columns;
 * false when it is to be shown as '?' (one column): what must not reach a
 * terminal, a broken sequence, or beyond ASCII when the terminal is not
 * UTF-8. */
static bool topview_name_char(const unsigned char *p, size_t n, bool utf8, size_t *len,
			      unsigned *cols)
{
	uint32_t cp;
	int w;

	*len = utf8_seq_len(p, n, &cp);
	w = *len ? topview_cp_cols(cp) : -1;
	if (!*len)
		*len = 1;
	*cols = 1;
	if (w < 0 || (*len > 1 && !utf8))
		return false;
	*cols = (unsigned)w;
	return true;
}

/* A name from a GeoIP file (an AS's organisation, a country) in exactly cols
 * columns, padded with blanks: its letters when the terminal takes UTF-8,
 * else '?' for each character beyond ASCII; what must not reach a terminal
 * is always '?'. Longer: cut, with '~' as its last column. size must hold
 * 4 * cols + 1 bytes. */
static const char *topview_name(char *dst, size_t size, const char *src, unsigned cols,
				bool utf8)
{
	const unsigned char *p = (const unsigned char *)(src ? src : "");
	size_t n = strlen((const char *)p), i, o = 0, len;
	unsigned total = 0, used = 0, w, room;
	bool ok;

	for (i = 0; i < n; i += len) {
		topview_name_char(p + i, n - i, utf8, &len, &w);
		total += w;
	}
	room = total > cols ? cols - 1 : cols;	/* a cut name keeps one column for '~' */
	for (i = 0; i < n && cols; i += len) {
		ok = topview_name_char(p + i, n - i, utf8, &len, &w);
		if (used + w > room || o + (ok ? len : 1) + 1 + cols - used > size)
			break;
		if (ok)
			memcpy(dst + o, p + i, len);
		else
			dst[o] = '?';
		o += ok ? len : 1;
		used += w;
	}
	if (total > cols && cols && o + 2 <= size) {
		dst[o++] = '~';
		used++;
	}
	while (used < cols && o + 1 < size) {
		dst[o++] = ' ';
		used++;
	}
	dst[o] = '\0';
	return dst;
}

void topview_spark(char *out, const uint64_t *v, size_t n)
{
	static const char levels[] = " .:-=+*#%@";
	uint64_t max = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	for (i = 0; i < n; i++)
		out[i] = v[i] ? levels[1 + (v[i] * 9 - 1) / max] : ' ';	/* max: '@' */
	out[n] = '\0';
}

static void topview_fmt_age(char *out, size_t size, uint64_t now_ns, uint64_t ts_ns)
{
	uint64_t s = now_ns > ts_ns ? (now_ns - ts_ns) / 1000000000u : 0;

	if (s < 120)
		snprintf(out, size, "%llus", (unsigned long long)s);
	else if (s < 7200)
		snprintf(out, size, "%llum", (unsigned long long)(s / 60));
	else if (s < 172800)
		snprintf(out, size, "%lluh", (unsigned long long)(s / 3600));
	else
		snprintf(out, size, "%llud", (unsigned long long)(s / 86400));
}

static void topview_fmt_clock(char *out, size_t size, uint64_t ns)
{
	time_t t = (time_t)(ns / 1000000000u);
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(out, size, "%H:%M:%S", &tm);
	else
		snprintf(out, size, "?");
}

static void topview_svc_name(char *out, size_t size, const struct kb *kb, uint16_t id)
{
	const struct kb_port *p = id && kb ? kb_port_by_id(kb, id) : NULL;
	const struct kb_icmp *ic = !p && id && kb ? kb_icmp_by_id(kb, id) : NULL;
	char name[32];

	if (p) {
		const char *proto = p->protos == (KB_PROTO_TCP | KB_PROTO_UDP) ? "tcp+udp" :
				    p->protos == KB_PROTO_TCP ? "tcp" : "udp";

		topview_clean(name, sizeof(name), p->service, 20);
		if (p->lo == p->hi)
			snprintf(out, size, "%u/%s %s", p->lo, proto, name);
		else
			snprintf(out, size, "%u-%u/%s %s", p->lo, p->hi, proto, name);
	} else if (ic) {
		snprintf(out, size, "%s %s", ic->family == 6 ? "icmp6" : "icmp",
			 topview_clean(name, sizeof(name), ic->name, 24));
	} else {
		snprintf(out, size, "kb row %u", id);
	}
}

static const char *topview_verdict_short(unsigned v)
{
	return kb_verdict_name(v);
}

static void topview_src_alerts(char *out, size_t size, const struct dropagg_src *s)
{
	unsigned t, ntypes = 0;
	const char *first = NULL;

	for (t = 0; t < 32; t++) {
		if (!(s->alert_types & (1u << t)))
			continue;
		if (!first)
			first = ring_alert_type_name(t);
		ntypes++;
	}
	if (!ntypes)
		snprintf(out, size, "-");
	else if (ntypes == 1)
		snprintf(out, size, "%s", first ? first : "alert");
	else
		snprintf(out, size, "%s+%u", first ? first : "alert", ntypes - 1);
}

static void topview_addr_text(char *out, size_t size, unsigned family, const uint8_t *a, size_t max)
{
	char txt[INET6_ADDRSTRLEN];

	if ((family != 4 && family != 6) ||
	    !inet_ntop(family == 4 ? AF_INET : AF_INET6, a, txt, sizeof(txt)))
		snprintf(txt, sizeof(txt), "-");
	topview_clean(out, size, txt, max);
}

/* The right-hand list of sources: with GeoIP a narrower address and the
 * source's country and AS (geoagg_label), so the row still fits 41 columns. */
static void topview_sources(const struct topview *v, unsigned rows, char (*right)[LINE_MAX_LEN],
			    char *cols, size_t csize)
{
	struct dropagg_src src[LIST_MAX];
	size_t nsrc = dropagg_top_sources(v->agg, src, rows), i;
	char addr[64], name[64], al[32], geo[24];

	if (v->geo)
		snprintf(cols, csize, "%6s %-16s %-10s %-6s", "drops", "source", "geo", "alerts");
	else
		snprintf(cols, csize, "%7s %-20s %-12s", "drops", "source", "alerts");
	for (i = 0; i < nsrc; i++) {
		struct geoip_info gi;

		topview_src_alerts(name, sizeof(name), &src[i]);
		if (!v->geo) {
			topview_addr_text(addr, sizeof(addr), src[i].family, src[i].addr, 20);
			snprintf(right[i], LINE_MAX_LEN, "%7llu %-20.20s %-12.12s",
				 (unsigned long long)src[i].drops, addr,
				 topview_clean(al, sizeof(al), name, 12));
			continue;
		}
		geoip_lookup(v->geo, src[i].family, src[i].addr, &gi);
		geoagg_label(&gi, geo, sizeof(geo));
		topview_addr_text(addr, sizeof(addr), src[i].family, src[i].addr, 16);
		snprintf(right[i], LINE_MAX_LEN, "%6llu %-16.16s %-10s %-6.6s",
			 (unsigned long long)src[i].drops, addr,
			 topview_clean(al, sizeof(al), geo, 10),
			 topview_clean(name, sizeof(name), name, 6));
	}
}

/* The right-hand list of ASes or countries; the title says how many sources
 * the groups cover (unknown and private ones are in no group). */
static void topview_groups(const struct topview *v, unsigned rows, char (*right)[LINE_MAX_LEN],
			   char *title, size_t tsize, char *cols, size_t csize)
{
	enum geoagg_key key = v->list == TOPVIEW_AS ? GEOAGG_AS : GEOAGG_COUNTRY;
	struct geoagg_row g[LIST_MAX];
	struct geoagg_totals tot;
	char name[4 * 23 + 1], num[16];
	int n, i;

	if (key == GEOAGG_AS)
		snprintf(cols, csize, "%7s %-9s %-2s %-14s %5s", "drops", "AS", "cc", "organisation",
			 "srcs");
	else
		snprintf(cols, csize, "%7s %-2s %-23s %6s", "drops", "cc", "country", "srcs");
	if (!v->geo) {
		snprintf(title, tsize, "%s", key == GEOAGG_AS ? "TOP AS" : "TOP COUNTRIES");
		if (rows)
			snprintf(right[0], LINE_MAX_LEN, "no GeoIP file (--geoip FILE)");
		return;
	}
	n = geoagg_top(v->geo, v->agg, key, g, rows, &tot);
	snprintf(title, tsize, "%s %llu/%llu srcs, %llu local",
		 key == GEOAGG_AS ? "TOP AS:" : "TOP COUNTRIES:",
		 (unsigned long long)tot.grouped_sources, (unsigned long long)tot.sources,
		 (unsigned long long)tot.skipped_sources);
	for (i = 0; i < n; i++) {
		topview_name(name, sizeof(name), g[i].name, key == GEOAGG_AS ? 14 : 23, v->utf8);
		if (key == GEOAGG_AS) {
			snprintf(num, sizeof(num), "AS%u", g[i].asn);
			snprintf(right[i], LINE_MAX_LEN, "%7llu %-9.9s %-2s %s %5u",
				 (unsigned long long)g[i].drops, num, g[i].iso[0] ? g[i].iso : "-",
				 name, g[i].sources);
		} else {
			snprintf(right[i], LINE_MAX_LEN, "%7llu %-2s %s %6u",
				 (unsigned long long)g[i].drops, g[i].iso, name, g[i].sources);
		}
	}
	if (n < 0 && rows)
		snprintf(right[0], LINE_MAX_LEN, "out of memory");
}

static void topview_render_lists(struct frame *fr, const struct topview *v, unsigned rows)
{
	char right[LIST_MAX][LINE_MAX_LEN];	/* 16 KiB: a frame is drawn once a second */
	struct dropagg_svc svc[LIST_MAX + 1];
	char title[64] = "TOP SOURCES", cols[64];
	size_t nsvc, i, k;

	/* Drops that matched no kb row are not a service: the list names rows. */
	nsvc = dropagg_top_services(v->agg, svc, rows + 1);
	for (i = k = 0; i < nsvc; i++)
		if (svc[i].kb_id)
			svc[k++] = svc[i];
	nsvc = k < rows ? k : rows;
	memset(right, 0, sizeof(right));
	if (v->list == TOPVIEW_AS || v->list == TOPVIEW_COUNTRY)
		topview_groups(v, rows, right, title, sizeof(title), cols, sizeof(cols));
	else
		topview_sources(v, rows, right, cols, sizeof(cols));
	topview_fr_fmt(fr, "%-36s | %s", "TOP SERVICES (kb rows)", title);
	topview_fr_fmt(fr, "%7s %-17s %-10s | %s", "drops", "service", "verdict", cols);
	for (i = 0; i < rows; i++) {
		char left[LINE_MAX_LEN] = "", name[64], addr[64];

		if (i < nsvc) {
			const struct kb_port *p = kb_port_by_id(v->kb, svc[i].kb_id);
			const struct kb_icmp *ic = p ? NULL : kb_icmp_by_id(v->kb, svc[i].kb_id);
			unsigned vd = p ? p->verdict : ic ? ic->verdict : KB_VERDICT_UNKNOWN;

			topview_svc_name(name, sizeof(name), v->kb, svc[i].kb_id);
			topview_clean(addr, sizeof(addr), name, 17);
			snprintf(left, sizeof(left), "%7llu %-17.17s %-10.10s",
				 (unsigned long long)svc[i].drops, addr, topview_verdict_short(vd));
		}
		topview_fr_fmt(fr, "%-36s | %s", left, right[i]);
	}
}

static const char *topview_state_str(unsigned state)
{
	return state == RING_ALERT_OPEN ? "open" : state == RING_ALERT_UPDATE ? "update" :
	       state == RING_ALERT_CLOSED ? "closed" : "?";
}

/* Open alerts first, newest first; the rest of the rows show the latest
 * closed ones, so a quiet moment still says what happened. */
static void topview_render_alerts(struct frame *fr, const struct topview *v, unsigned rows)
{
	struct ring_alert al[LIST_MAX], all[2 * LIST_MAX];
	size_t n = dropagg_alerts(v->agg, true, al, rows), na, i;

	na = n < rows ? dropagg_alerts(v->agg, false, all, rows + n) : 0;
	for (i = 0; i < na && n < rows; i++)
		if (all[i].state == RING_ALERT_CLOSED)
			al[n++] = all[i];
	topview_fr_fmt(fr, "ALERTS: %zu open, %zu in the ring", dropagg_nalerts(v->agg, true),
	       dropagg_nalerts(v->agg, false));
	topview_fr_fmt(fr, "%8s %-11s %-6s %-16s %-16s %7s %5s %4s", "id", "type", "state", "source",
	       "target", "packets", "ports", "age");
	for (i = 0; i < rows; i++) {
		const char *type;
		char src[32], dst[32], age[16], t[16];

		if (i >= n) {
			topview_fr_line(fr, "");
			continue;
		}
		type = ring_alert_type_name(al[i].type);
		topview_addr_text(src, sizeof(src), al[i].family, al[i].saddr, 16);
		if (al[i].targets <= 1)
			topview_addr_text(dst, sizeof(dst), al[i].family, al[i].daddr, 16);
		else
			snprintf(dst, sizeof(dst), "%u hosts", al[i].targets);
		topview_fmt_age(age, sizeof(age), v->now_ns, al[i].ts_ns);
		topview_fr_fmt(fr, "%8u %-11s %-6s %-16s %-16s %7u %5u %4s", al[i].alert_id,
			       topview_clean(t, sizeof(t), type ? type : "?", 11),
			       topview_state_str(al[i].state), src, dst, al[i].packets, al[i].ports, age);
	}
}

int topview_render(char *buf, size_t size, const struct topview *v)
{
	struct frame fr = { .buf = buf, .size = size };
	uint64_t series[TOPVIEW_SPARK][DROPAGG_VERDICTS], per_s[TOPVIEW_SPARK], sum = 0;
	const struct dropagg_totals *t;
	char ring[48], state[40], clock[16], since[16], spark[TOPVIEW_SPARK + 1], rate[32];
	unsigned rows, list_rows, alert_rows, i, k;

	if (!v || !v->agg || (!buf && size))
		return -1;
	fr.width = v->width < TOPVIEW_WIDTH ? (v->width ? v->width : TOPVIEW_WIDTH) : TOPVIEW_WIDTH;
	fr.height = v->height ? v->height : 24;
	t = dropagg_totals(v->agg);
	memset(series, 0, sizeof(series));
	dropagg_series(v->agg, v->now_ns, series, TOPVIEW_SPARK);
	for (i = 0; i < TOPVIEW_SPARK; i++) {
		for (per_s[i] = 0, k = 0; k < DROPAGG_VERDICTS; k++)
			per_s[i] += series[i][k];
		sum += per_s[i];
	}
	topview_spark(spark, per_s, TOPVIEW_SPARK);
	topview_fmt_clock(clock, sizeof(clock), v->now_ns);
	topview_fmt_clock(since, sizeof(since), v->since_ns);
	if (v->rate >= 0)
		snprintf(rate, sizeof(rate), "%.1f now, ", v->rate);
	else
		rate[0] = '\0';

	topview_fr_fmt(&fr, "nflogctl top  %-47s %-4.4s %8s UTC",
		       topview_clean(ring, sizeof(ring), v->ring, 47), "", clock);
	topview_fr_fmt(&fr, "%s | drops/s %s%.1f avg 60s | %llu drops, %llu alerts | lost %llu",
	       topview_clean(state, sizeof(state), v->state ? v->state : "", 20), rate,
	       (double)sum / TOPVIEW_SPARK, (unsigned long long)t->drops,
	       (unsigned long long)dropagg_nalerts(v->agg, false), (unsigned long long)v->lost);
	topview_fr_fmt(&fr, "60s [%s] %llu", spark, (unsigned long long)sum);
	topview_fr_fmt(&fr, "verdicts: hostile %llu  suspicious %llu  noise %llu  expected %llu  unknown %llu",
	       (unsigned long long)t->verdict[KB_VERDICT_HOSTILE],
	       (unsigned long long)t->verdict[KB_VERDICT_SUSPICIOUS],
	       (unsigned long long)t->verdict[KB_VERDICT_NOISE],
	       (unsigned long long)t->verdict[KB_VERDICT_EXPECTED],
	       (unsigned long long)t->verdict[KB_VERDICT_UNKNOWN]);
	if (fr.height >= TOPVIEW_HEIGHT_MIN) {
		rows = fr.height - 12;		/* what the two lists share */
		list_rows = (rows * 7 + 6) / 12;
		alert_rows = rows - list_rows;
		if (list_rows > LIST_MAX)
			list_rows = LIST_MAX;
		if (alert_rows > LIST_MAX)
			alert_rows = LIST_MAX;
		topview_fr_line(&fr, "");
		topview_render_lists(&fr, v, list_rows);
		topview_fr_line(&fr, "");
		topview_render_alerts(&fr, v, alert_rows);
	}
	while (fr.lines + 1 < fr.height)
		topview_fr_line(&fr, "");
	if (v->interval_s && v->geo)
		topview_fr_fmt(&fr, "q: quit  s/a/c: sources/AS/countries  %us  since %s UTC, %llu "
			       "records", v->interval_s, since,
			       (unsigned long long)(t->drops + t->alert_records));
	else if (v->interval_s)
		topview_fr_fmt(&fr, "q: quit   refresh %us   counts since %s UTC, %llu records read",
		       v->interval_s, since, (unsigned long long)(t->drops + t->alert_records));
	else
		topview_fr_fmt(&fr, "counts since %s UTC, %llu records read", since,
		       (unsigned long long)(t->drops + t->alert_records));
	if (fr.size)
		fr.buf[fr.len < fr.size ? fr.len : fr.size - 1] = '\0';
	return (int)fr.len;
}
