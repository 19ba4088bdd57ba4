/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_topview.c - one frame of `nflogctl top`: it fits the terminal it is
 * given (lines and columns), holds only printable ASCII whatever the ring or
 * the kb contain, shows the busiest rows, sources and open alerts, and is
 * measured like snprintf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/dropagg.h"
#include "classify/kb.h"
#include "report/topview.h"

#define SEC	1000000000ull
#define NOW	(1700000000ull * SEC)

static struct dropagg *sample(void)
{
	static const struct dropagg_cfg cfg = { .bucket_ns = SEC, .nbuckets = 61 };
	struct dropagg *a = dropagg_new(&cfg);
	const struct kb_port *sub7 = kb_port_lookup(kb_builtin(), KB_DIR_DST, 6, 27374);
	struct ring_alert al;
	struct ring_rec r;
	unsigned i;

	assert_non_null(a);
	assert_non_null(sub7);
	for (i = 0; i < 40; i++) {
		memset(&r, 0, sizeof(r));
		r.kind = RING_KIND_DROP;
		r.family = 4;
		r.proto = 6;
		r.ts_ns = NOW - (i % 30) * SEC;
		memcpy(r.saddr, (const uint8_t[]){ 198, 51, 100, (uint8_t)(i < 30 ? 7 : 8) }, 4);
		r.dport = 27374;
		r.klass.kb_id = sub7->id;
		r.klass.verdict = KB_VERDICT_HOSTILE;
		assert_int_equal(dropagg_add_drop(a, &r), 0);
	}
	memset(&r, 0, sizeof(r));		/* an IPv6 source too long for its column */
	r.kind = RING_KIND_DROP;
	r.family = 6;
	r.proto = 17;
	r.ts_ns = NOW;
	memcpy(r.saddr, (const uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, 0xaa, 0xaa, 0xbb, 0xbb,
					   0xcc, 0xcc, 0xdd, 0xdd, 0xee, 0xee, 0xff, 0xff }, 16);
	assert_int_equal(dropagg_add_drop(a, &r), 0);
	memset(&al, 0, sizeof(al));
	al.kind = RING_KIND_ALERT;
	al.alert_id = 16777216;
	al.family = 4;
	memcpy(al.saddr, (const uint8_t[]){ 198, 51, 100, 7 }, 4);
	memcpy(al.daddr, (const uint8_t[]){ 192, 0, 2, 1 }, 4);
	al.targets = 1;
	al.type = RING_ALERT_PORTSCAN;
	al.state = RING_ALERT_OPEN;
	al.ts_ns = NOW - 5 * SEC;
	al.packets = 30;
	al.ports = 30;
	assert_int_equal(dropagg_add_alert(a, &al), 0);
	return a;
}

static char *render(const struct dropagg *a, const char *ring, unsigned w, unsigned h,
		    uint32_t interval)
{
	struct topview v = {
		.ring = ring, .state = "online (pid 42)", .now_ns = NOW, .rate = 2.5,
		.interval_s = interval, .lost = 3, .since_ns = NOW - 60 * SEC, .agg = a,
		.kb = kb_builtin(), .width = w, .height = h,
	};
	int need = topview_render(NULL, 0, &v);
	char *buf;

	assert_true(need > 0);
	buf = malloc((size_t)need + 1);
	assert_non_null(buf);
	assert_int_equal(topview_render(buf, (size_t)need + 1, &v), need);
	assert_int_equal(strlen(buf), (size_t)need);
	return buf;
}

/* Lines <= h, columns <= w, printable ASCII only; returns the line count. */
static unsigned check_fits(const char *frame, unsigned w, unsigned h)
{
	unsigned lines = 0;
	const char *p = frame;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len;

		assert_non_null(nl);		/* every line ends with '\n' */
		len = (size_t)(nl - p);
		if (len > w)
			fail_msg("line %u has %zu columns (max %u): %.*s", lines, len, w,
				 (int)len, p);
		for (size_t i = 0; i < len; i++)
			if (p[i] < 32 || p[i] > 126)
				fail_msg("line %u: byte 0x%02x", lines, (unsigned char)p[i]);
		lines++;
		p = nl + 1;
	}
	if (lines > h)
		fail_msg("%u lines for a %u-line terminal", lines, h);
	return lines;
}

static void test_80x24(void **state)
{
	struct dropagg *a = sample();
	char *f = render(a, "/var/lib/nflogd/drops.ring", 80, 24, 1);

	assert_int_equal(check_fits(f, 80, 24), 24);
	assert_non_null(strstr(f, "27374/tcp sub7"));
	assert_non_null(strstr(f, "198.51.100.7 "));
	assert_non_null(strstr(f, "port-scan"));
	assert_non_null(strstr(f, "16777216"));
	assert_non_null(strstr(f, "hostile 40"));
	assert_non_null(strstr(f, "2.5 now"));
	assert_non_null(strstr(f, "lost 3"));
	assert_non_null(strstr(f, "2001:db8:aaaa:bbbb:~"));	/* cut, and says so */
	assert_non_null(strstr(f, "q: quit"));
	/* The busiest source comes before the next one. */
	assert_true(strstr(f, "198.51.100.7 ") < strstr(f, "198.51.100.8 "));
	free(f);
	dropagg_free(a);
}

static void test_sizes(void **state)
{
	struct dropagg *a = sample();
	char *f;

	f = render(a, "r", 60, 20, 1);			/* narrow: lines cut */
	assert_int_equal(check_fits(f, 60, 20), 20);
	free(f);
	f = render(a, "r", 200, 50, 1);			/* wide: the 80-column layout */
	assert_int_equal(check_fits(f, 80, 50), 50);
	free(f);
	f = render(a, "r", 80, 8, 1);			/* too short for the lists */
	assert_int_equal(check_fits(f, 80, 8), 8);
	assert_null(strstr(f, "TOP SOURCES"));
	assert_non_null(strstr(f, "q: quit"));
	free(f);
	f = render(a, "r", 80, 24, 0);			/* --once: no keys to tell */
	assert_null(strstr(f, "q: quit"));
	free(f);
	f = render(a, "r", 0, 0, 1);			/* unknown size: 80x24 */
	assert_int_equal(check_fits(f, 80, 24), 24);
	free(f);
	dropagg_free(a);
}

static void test_hostile_text(void **state)
{
	struct dropagg *a = sample();
	char *f = render(a, "/tmp/\x1b[2J\x1b]0;pwned\a\xff.ring", 80, 24, 1);

	check_fits(f, 80, 24);
	assert_null(strchr(f, '\x1b'));
	assert_non_null(strstr(f, "/tmp/?[2J?]0;pwned??.ring"));
	free(f);
	dropagg_free(a);
}

static void test_snprintf_like(void **state)
{
	struct dropagg *a = sample();
	struct topview v = { .ring = "r", .now_ns = NOW, .agg = a, .kb = kb_builtin(),
			     .rate = -1, .width = 80, .height = 24 };
	char small[50];
	int need = topview_render(NULL, 0, &v);

	assert_true(need > 100);
	assert_int_equal(topview_render(small, sizeof(small), &v), need);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(topview_render(NULL, 10, &v), -1);
	v.agg = NULL;
	assert_int_equal(topview_render(small, sizeof(small), &v), -1);
	assert_int_equal(topview_render(small, sizeof(small), NULL), -1);
	dropagg_free(a);
}

static void test_spark(void **state)
{
	const uint64_t v[] = { 0, 1, 5, 9, 0, 2 };
	char out[8];

	topview_spark(out, v, 6);
	assert_string_equal(out, " .+@ :");
	topview_spark(out, (const uint64_t[]){ 0, 0 }, 2);
	assert_string_equal(out, "  ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_80x24),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_hostile_text),
		cmocka_unit_test(test_snprintf_like),
		cmocka_unit_test(test_spark),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
