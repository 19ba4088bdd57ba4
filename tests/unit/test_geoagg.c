/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_geoagg.c - report/geoagg (drops by country and AS), top's GeoIP lists and report's sections, against the files tests/geoip/mkmmdb.pl builds.
 *
 * Sources: 192.0.2.0/24 is CH AS64496, 198.51.100.0/25 FR AS64497 (and
 * 198.51.100.200 is in the ASN file only), 203.0.113.0/24 JP AS64498,
 * 10.0.0.0/8 is private (never looked up), 8.8.8.8 in no file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <cmocka.h>

#include "classify/kb.h"
#include "ctl/ctlreport_geo.h"
#include "report/geoagg.h"
#include "report/topview.h"

#define SEC	1000000000ull
#define NOW	(1700000000ull * SEC)

static char dir[64];	/* the generated files; "" when they could not be made */

static int setup(void **state)
{
	char cmd[256];

	(void)state;
	strcpy(dir, "/tmp/geo2-test_geoagg.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(cmd, sizeof(cmd), "perl tests/geoip/mkmmdb.pl %s 2>/dev/null", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "test_geoagg: perl tests/geoip/mkmmdb.pl failed: file tests skipped\n");
		dir[0] = '\0';
	}
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	if (strncmp(dir, "/tmp/geo2-test_geoagg.", 22) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		return system(cmd) == 0 ? 0 : -1;
	}
	return 0;
}

static struct geoip *open_geo(void)
{
	struct geoip *g;
	char p[128], err[512];

	if (!dir[0] || !geoip_available())
		skip();
	g = geoip_new(kb_builtin());
	assert_non_null(g);
	snprintf(p, sizeof(p), "%s/city.mmdb", dir);
	if (geoip_add(g, p, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	snprintf(p, sizeof(p), "%s/asn.mmdb", dir);
	if (geoip_add(g, p, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	return g;
}

static void drops(struct dropagg *a, const char *src, unsigned n, unsigned verdict)
{
	struct ring_rec r;
	unsigned i;

	for (i = 0; i < n; i++) {
		memset(&r, 0, sizeof(r));
		r.kind = RING_KIND_DROP;
		r.family = 4;
		r.proto = 6;
		r.dport = 23;
		r.ts_ns = NOW - (i % 30) * SEC;
		r.klass.verdict = (uint8_t)verdict;
		assert_int_equal(inet_pton(AF_INET, src, r.saddr), 1);
		assert_int_equal(dropagg_add_drop(a, &r), 0);
	}
}

static struct dropagg *sample(void)
{
	static const struct dropagg_cfg cfg = { .bucket_ns = SEC, .nbuckets = 61 };
	struct dropagg *a = dropagg_new(&cfg);

	assert_non_null(a);
	drops(a, "203.0.113.5", 30, KB_VERDICT_HOSTILE);	/* JP AS64498: 3 sources, 50 */
	drops(a, "203.0.113.6", 15, KB_VERDICT_NOISE);
	drops(a, "203.0.113.7", 5, KB_VERDICT_NOISE);
	drops(a, "192.0.2.77", 20, KB_VERDICT_SUSPICIOUS);	/* CH AS64496 */
	drops(a, "198.51.100.7", 12, KB_VERDICT_NOISE);		/* FR AS64497 */
	drops(a, "198.51.100.200", 9, KB_VERDICT_NOISE);	/* AS64497, no country */
	drops(a, "10.9.8.7", 40, KB_VERDICT_NOISE);		/* private: in no group */
	drops(a, "8.8.8.8", 7, KB_VERDICT_NOISE);		/* unknown */
	return a;
}

static void test_by_as(void **state)
{
	struct geoip *g = open_geo();
	struct dropagg *a = sample();
	struct geoagg_row rows[8];
	struct geoagg_totals t;
	char addr[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(geoagg_top(g, a, GEOAGG_AS, rows, 8, &t), 3);
	assert_int_equal(rows[0].asn, 64498);
	assert_int_equal(rows[0].drops, 50);
	assert_int_equal(rows[0].sources, 3);
	assert_string_equal(rows[0].iso, "JP");
	assert_string_equal(rows[0].name, "Example Networks 株式会社");
	assert_int_equal(rows[0].verdict, KB_VERDICT_HOSTILE);
	inet_ntop(AF_INET, rows[0].top_addr, addr, sizeof(addr));
	assert_string_equal(addr, "203.0.113.5");
	assert_int_equal(rows[0].top_drops, 30);
	assert_int_equal(rows[1].asn, 64497);		/* 21 drops, two sources */
	assert_int_equal(rows[1].drops, 21);
	assert_int_equal(rows[1].sources, 2);
	assert_string_equal(rows[1].iso, "FR");		/* its busiest source's country */
	assert_int_equal(rows[2].asn, 64496);
	assert_int_equal(t.sources, 8);
	assert_int_equal(t.drops, 138);
	assert_int_equal(t.grouped_sources, 6);
	assert_int_equal(t.skipped_sources, 1);
	assert_int_equal(t.skipped_drops, 40);
	assert_int_equal(t.unknown_sources, 1);
	assert_int_equal(t.unknown_drops, 7);
	assert_int_equal(t.groups, 3);
	/* A shorter list keeps the largest. */
	assert_int_equal(geoagg_top(g, a, GEOAGG_AS, rows, 1, NULL), 1);
	assert_int_equal(rows[0].asn, 64498);
	dropagg_free(a);
	geoip_free(g);
}

static void test_by_country(void **state)
{
	struct geoip *g = open_geo();
	struct dropagg *a = sample();
	struct geoagg_row rows[8];
	struct geoagg_totals t;

	(void)state;
	assert_int_equal(geoagg_top(g, a, GEOAGG_COUNTRY, rows, 8, &t), 3);
	assert_string_equal(rows[0].iso, "JP");
	assert_string_equal(rows[0].name, "Japan");
	assert_string_equal(rows[1].iso, "CH");
	assert_int_equal(rows[1].drops, 20);
	assert_string_equal(rows[2].iso, "FR");
	assert_int_equal(rows[2].drops, 12);
	/* 198.51.100.200 has an AS but no country: unknown here, not a group. */
	assert_int_equal(t.unknown_sources, 2);
	assert_int_equal(t.unknown_drops, 16);
	dropagg_free(a);
	geoip_free(g);
}

static void test_no_geo(void **state)
{
	struct dropagg *a = sample();
	struct geoagg_totals t;
	struct geoagg_row r;
	struct geoip_info gi = { .status = GEOIP_ST_MISS };
	char buf[16];

	(void)state;
	assert_int_equal(geoagg_top(NULL, a, GEOAGG_AS, &r, 1, &t), 0);
	assert_int_equal(t.unknown_sources, 8);
	assert_int_equal(geoagg_top(NULL, a, 7, &r, 1, &t), -EINVAL);
	assert_string_equal(geoagg_label(&gi, buf, sizeof(buf)), "?");
	gi.status = GEOIP_ST_SKIPPED;
	assert_string_equal(geoagg_label(&gi, buf, sizeof(buf)), "-");
	gi = (struct geoip_info){ .status = GEOIP_ST_FOUND, .have = GEOIP_F_COUNTRY | GEOIP_F_ASN,
				  .country_iso = "JP", .asn = 4294967295u };
	assert_string_equal(geoagg_label(&gi, buf, sizeof(buf)), "JP AS4294967295");
	gi.country_iso[0] = '\x1b';			/* not a code: not shown */
	assert_string_equal(geoagg_label(&gi, buf, sizeof(buf)), "AS4294967295");
	dropagg_free(a);
}

/* Columns of a UTF-8 line: every byte but continuation bytes; the wide
 * characters of the test names (株式会社) count two. */
static size_t cols_of(const char *p, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++) {
		unsigned char b = (unsigned char)p[i];

		if ((b & 0xc0) != 0x80)
			c += b >= 0xe3 && b <= 0xe9 ? 2 : 1;	/* U+3000..U+9FFF: wide */
	}
	return c;
}

static char *render_as(const struct dropagg *a, struct geoip *g, enum topview_list list,
		       bool utf8)
{
	struct topview v = {
		.ring = "/r", .state = "online", .now_ns = NOW, .rate = 1, .interval_s = 1,
		.since_ns = NOW - 60 * SEC, .agg = a, .kb = kb_builtin(), .width = 80,
		.height = 24, .geo = g, .list = list, .utf8 = utf8,
	};
	int need = topview_render(NULL, 0, &v);
	char *buf = malloc((size_t)need + 1), *p;

	assert_non_null(buf);
	assert_int_equal(topview_render(buf, (size_t)need + 1, &v), need);
	for (p = buf; *p; p = strchr(p, '\n') + 1) {
		size_t n = (size_t)(strchr(p, '\n') - p);

		if (cols_of(p, n) > 80)
			fail_msg("line wider than 80 columns: %.*s", (int)n, p);
		for (size_t i = 0; !utf8 && i < n; i++)
			if ((unsigned char)p[i] < 32 || (unsigned char)p[i] > 126)
				fail_msg("not ASCII without UTF-8: %.*s", (int)n, p);
	}
	return buf;
}

static char *render(const struct dropagg *a, struct geoip *g, enum topview_list list)
{
	return render_as(a, g, list, false);
}

static void test_topview_lists(void **state)
{
	struct geoip *g = open_geo();
	struct dropagg *a = sample();
	char *f;

	(void)state;
	f = render(a, g, TOPVIEW_SOURCES);
	assert_non_null(strstr(f, "|  drops source           geo        alerts"));
	assert_non_null(strstr(f, "|     30 203.0.113.5      JP AS64498 -"));
	assert_non_null(strstr(f, "|      9 198.51.100.200   AS64497"));
	assert_non_null(strstr(f, "|     40 10.9.8.7         -"));
	assert_non_null(strstr(f, "|      7 8.8.8.8          ?"));
	assert_non_null(strstr(f, "s/a/c: sources/AS/countries"));
	free(f);
	f = render(a, g, TOPVIEW_AS);
	assert_non_null(strstr(f, "| TOP AS: 6/8 srcs, 1 local"));
	/* Not a UTF-8 terminal: a '?' for each character beyond ASCII, so no
	 * byte of 株式会社 reaches it, and the columns still line up. */
	assert_non_null(strstr(f, "|      50 AS64498   JP Example Netwo~     3"));
	assert_non_null(strstr(f, "|      21 AS64497   FR Soci?t? G?n?r~     2"));
	free(f);
	/* A UTF-8 one: the letters, cut by columns, never inside a character. */
	f = render_as(a, g, TOPVIEW_AS, true);
	assert_non_null(strstr(f, "|      21 AS64497   FR Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9r~     2"));
	free(f);
	f = render(a, g, TOPVIEW_COUNTRY);
	assert_non_null(strstr(f, "| TOP COUNTRIES: 5/8 srcs, 1 local"));
	assert_non_null(strstr(f, "|      50 JP Japan                        3"));
	free(f);
	/* Without GeoIP the sources list is as before, and the others say why. */
	f = render(a, NULL, TOPVIEW_SOURCES);
	assert_non_null(strstr(f, "|   drops source               alerts"));
	assert_null(strstr(f, "s/a/c"));
	free(f);
	f = render(a, NULL, TOPVIEW_AS);
	assert_non_null(strstr(f, "no GeoIP file (--geoip FILE)"));
	free(f);
	dropagg_free(a);
	geoip_free(g);
}

/* report's sections: ids the page's checks rely on, rows in order, the note. */
static void test_report_sections(void **state)
{
	struct geoip *g = open_geo();
	struct dropagg *a = sample();
	char *html = NULL, *cc, *as;
	size_t len = 0;
	FILE *f = open_memstream(&html, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(ctl_report_geo(f, g, a), 0);
	assert_int_equal(fclose(f), 0);
	cc = strstr(html, "<section id=\"countries\">");
	as = strstr(html, "<section id=\"asns\">");
	assert_non_null(cc);
	assert_non_null(as);
	assert_true(cc < as);
	assert_non_null(strstr(cc, "<svg id=\"chart-countries\""));
	assert_non_null(strstr(as, "<svg id=\"chart-asns\""));
	assert_non_null(strstr(cc, "<table id=\"table-countries\">"));
	assert_non_null(strstr(html, "6 of 8 sources (91 of 138 drops) have an AS in the GeoIP "
				     "files; 1 private, loopback or bogon sources are never looked "
				     "up and 1 are unknown to the files."));
	assert_non_null(strstr(html, "<tr><td>JP</td><td>Japan</td><td class=\"n\">50</td>"
				     "<td class=\"n\">3</td><td class=\"n\">0</td><td><span "
				     "class=\"v v-hostile\">hostile</span></td><td>203.0.113.5 (30)"
				     "</td></tr>"));
	assert_non_null(strstr(html, "<tr><td>AS64497</td><td>Société Générale</td><td>FR</td>"));
	assert_true(strstr(html, "<td>AS64498</td>") < strstr(html, "<td>AS64497</td>"));
	assert_null(strstr(html, "10.9.8.7"));		/* private: in no group */
	free(html);
	html = NULL;
	f = open_memstream(&html, &len);
	assert_int_equal(ctl_report_geo(f, NULL, a), 0);	/* no GeoIP: nothing */
	assert_int_equal(fclose(f), 0);
	assert_int_equal(len, 0);
	free(html);
	dropagg_free(a);
	geoip_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_as),
		cmocka_unit_test(test_by_country),
		cmocka_unit_test(test_no_geo),
		cmocka_unit_test(test_topview_lists),
		cmocka_unit_test(test_report_sections),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
