/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_htmlout.c - escaped HTML text and inline SVG charts for
 * `nflogctl report` (the UTF-8 validator they rely on: test_json.c).
 *
 * What matters: nothing from a packet, the ring or the kb can open a tag, an
 * attribute or a character reference; nothing refers to another resource;
 * the charts hold one shape per non-zero value; write errors are reported.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/htmlout.h"

struct mem {
	FILE	*f;
	char	*buf;
	size_t	 len;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
}

/* Close the stream; the text stays in m->buf (free it). */
static const char *mem_close(struct mem *m)
{
	assert_int_equal(fclose(m->f), 0);
	return m->buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static char *escaped(const char *s, size_t max)
{
	struct mem m;

	mem_open(&m);
	assert_int_equal(max ? htmlout_text_max(m.f, s, max) : htmlout_text(m.f, s), 0);
	mem_close(&m);
	return m.buf;
}

static void test_escape(void **state)
{
	char *s;

	s = escaped("<script>alert(\"x\" & 'y')</script>", 0);
	assert_string_equal(s, "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
	free(s);
	/* Controls, C1 controls and stray bytes become U+FFFD; UTF-8 stays. */
	s = escaped("a\x1b[1m\x7f\xc2\x85\xff caf\xc3\xa9\t\n", 0);
	assert_string_equal(s, "a\xef\xbf\xbd[1m\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd caf\xc3\xa9\t\n");
	free(s);
	/* Cut by characters, never inside one, and marked. */
	s = escaped("caf\xc3\xa9 au lait", 4);
	assert_string_equal(s, "caf\xc3\xa9\xe2\x80\xa6");
	free(s);
	s = escaped("abc", 3);
	assert_string_equal(s, "abc");
	free(s);
	s = escaped("&&&&", 2);
	assert_string_equal(s, "&amp;&amp;\xe2\x80\xa6");
	free(s);
}

static void test_axis(void **state)
{
	assert_int_equal(htmlout_axis_max(0), 4);
	assert_int_equal(htmlout_axis_max(4), 4);
	assert_int_equal(htmlout_axis_max(5), 8);
	assert_int_equal(htmlout_axis_max(9), 20);
	assert_int_equal(htmlout_axis_max(150), 200);
	assert_int_equal(htmlout_axis_max(4000), 4000);
	assert_int_equal(htmlout_axis_max(4001), 8000);
	assert_true(htmlout_axis_max(UINT64_MAX / 2) >= UINT64_MAX / 2);
}

static void test_vbars(void **state)
{
	const uint64_t a[3] = { 1, 0, 7 }, b[3] = { 2, 0, 0 };
	const char *labels[3] = { "00:00", NULL, "<b>" };
	const struct htmlout_layer layers[2] = {
		{ "hostile", "v-hostile", a }, { "n&oise", "v-noise", b },
	};
	struct htmlout_vchart c = {
		.id = "chart-x", .cls = "extra", .title = "T<1>", .n = 3, .xlabels = labels,
		.layers = layers, .nlayers = 2,
	};
	struct mem m;
	const char *s;

	mem_open(&m);
	assert_int_equal(htmlout_vbars(m.f, &c), 0);
	s = mem_close(&m);
	assert_non_null(strstr(s, "<svg id=\"chart-x\" class=\"chart extra\""));
	assert_non_null(strstr(s, "<title>T&lt;1&gt;</title>"));
	assert_int_equal(count(s, "<rect class=\"bar "), 3);	/* the three non-zero values */
	assert_int_equal(count(s, "<rect class=\"key "), 2);	/* legend */
	assert_non_null(strstr(s, "n&amp;oise"));
	assert_non_null(strstr(s, "&lt;b&gt;"));
	assert_null(strstr(s, "<b>"));
	assert_null(strstr(s, "http"));		/* inline SVG in HTML needs no xmlns */
	assert_null(strstr(s, "<script"));
	assert_non_null(strstr(s, ">8</text>"));	/* axis top for a column of 7 */
	assert_int_equal(count(s, "<svg"), count(s, "</svg>"));
	free(m.buf);

	c.n = 0;
	mem_open(&m);
	assert_int_equal(htmlout_vbars(m.f, &c), -EINVAL);
	c.n = 3;
	c.id = NULL;
	assert_int_equal(htmlout_vbars(m.f, &c), -EINVAL);
	c.id = "x";
	c.width = 20;
	assert_int_equal(htmlout_vbars(m.f, &c), -EINVAL);
	mem_close(&m);
	free(m.buf);
}

static void test_hbars(void **state)
{
	const struct htmlout_hbar bars[2] = {
		{ "27374/tcp sub7", "v-suspicious", "SubSeven <2.x>", 40 },
		{ "a very long label that goes on and on and on beyond the column", NULL, NULL, 0 },
	};
	struct mem m;
	const char *s;

	mem_open(&m);
	assert_int_equal(htmlout_hbars(m.f, "chart-ports", NULL, "Ports", bars, 2, 0), 0);
	s = mem_close(&m);
	assert_non_null(strstr(s, "<svg id=\"chart-ports\" class=\"chart\""));
	assert_int_equal(count(s, "<rect class=\"bar "), 2);
	assert_non_null(strstr(s, "<title>SubSeven &lt;2.x&gt;</title>"));
	assert_non_null(strstr(s, ">40</text>"));
	assert_non_null(strstr(s, "a very long label that goes on and\xe2\x80\xa6"));
	free(m.buf);

	mem_open(&m);
	assert_int_equal(htmlout_hbars(m.f, NULL, NULL, "t", bars, 2, 0), -EINVAL);
	assert_int_equal(htmlout_hbars(m.f, "x", NULL, "t", NULL, 2, 0), -EINVAL);
	assert_int_equal(htmlout_hbars(m.f, "x", NULL, "t", bars, 2, 100), -EINVAL);
	mem_close(&m);
	free(m.buf);
}

static void test_write_error(void **state)
{
	FILE *f = fopen("/dev/full", "w");
	const uint64_t v[1] = { 1 };
	const struct htmlout_layer layer = { "x", "y", v };
	struct htmlout_vchart c = { .id = "i", .title = "t", .n = 1, .layers = &layer,
				    .nlayers = 1 };

	if (!f)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	assert_int_equal(htmlout_text(f, "x"), -EIO);
	assert_int_equal(htmlout_vbars(f, &c), -EIO);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_axis),
		cmocka_unit_test(test_vbars),
		cmocka_unit_test(test_hbars),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
