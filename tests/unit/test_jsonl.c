/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_jsonl.c - the bounded JSON Lines reader (util/jsonl.c) and the fleet's
 * line parser (correlate/fleet_in.c): what is accepted, each reason a line is
 * refused, the line reader's limits and the timestamp parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "correlate/fleet.h"
#include "ring/ringfmt.h"
#include "util/jsonl.h"

static struct jsonl_scratch sc;

struct collect {
	char	 paths[32][64];
	char	 vals[32][64];
	int	 types[32];
	int	 n;
};

static enum jsonl_err collect_leaf(const struct jsonl_leaf *l, void *arg)
{
	struct collect *c = arg;

	if (c->n < 32) {
		snprintf(c->paths[c->n], 64, "%s%s", l->path, l->in_array ? "[]" : "");
		snprintf(c->vals[c->n], 64, "%.*s", (int)l->len, l->val ? l->val : "");
		c->types[c->n] = l->type;
		c->n++;
	}
	return JSONL_OK;
}

static enum jsonl_err walk(const char *s, struct collect *c)
{
	char err[128];

	memset(c, 0, sizeof(*c));
	return jsonl_walk(s, strlen(s), &sc, collect_leaf, c, err, sizeof(err));
}

static void test_walk_paths(void **state)
{
	struct collect c;

	(void)state;
	assert_int_equal(walk(" {\"a\":{\"b\":1,\"c\":[\"x\",\"y\\u00e9\"]},\"d\":true,"
			      "\"e\":null,\"f\":{},\"g\":[]} ", &c), JSONL_OK);
	assert_int_equal(c.n, 7);
	assert_string_equal(c.paths[0], "a.b");
	assert_string_equal(c.vals[0], "1");
	assert_int_equal(c.types[0], JSONL_NUMBER);
	assert_string_equal(c.paths[1], "a.c[]");
	assert_string_equal(c.vals[2], "y\xc3\xa9");	/* the escape decoded */
	assert_string_equal(c.paths[3], "d");
	assert_int_equal(c.types[3], JSONL_TRUE);
	assert_int_equal(c.types[4], JSONL_NULL);
	assert_int_equal(c.types[5], JSONL_OBJECT);
	assert_string_equal(c.paths[6], "g");
	assert_int_equal(c.types[6], JSONL_ARRAY);
	/* a surrogate pair is one code point */
	assert_int_equal(walk("{\"k\":\"\\ud83d\\ude00\"}", &c), JSONL_OK);
	assert_string_equal(c.vals[0], "\xf0\x9f\x98\x80");
}

static void test_walk_refused(void **state)
{
	static const struct { const char *s; enum jsonl_err e; } cases[] = {
		{ "", JSONL_E_SYNTAX },
		{ "[1]", JSONL_E_SYNTAX },
		{ "{\"a\":1,}", JSONL_E_SYNTAX },
		{ "{\"a\":1} x", JSONL_E_SYNTAX },
		{ "{\"a\":01}", JSONL_E_SYNTAX },
		{ "{\"a\":1.}", JSONL_E_SYNTAX },
		{ "{\"a\":tru}", JSONL_E_SYNTAX },
		{ "{\"a\":\"x\ty\"}", JSONL_E_SYNTAX },
		{ "{\"a\":\"\\x\"}", JSONL_E_SYNTAX },
		{ "{\"a\":\"\\ud800\"}", JSONL_E_UTF8 },
		{ "{\"a\":\"\\udc00\"}", JSONL_E_UTF8 },
		{ "{\"a\":\"\xc0\xaf\"}", JSONL_E_UTF8 },
		{ "{\"a\":\"\xff\"}", JSONL_E_UTF8 },
		{ "{\"a.b\":1}", JSONL_E_SYNTAX },
		{ "{\"a\":[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}", JSONL_E_DEPTH },
	};
	struct collect c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		print_message("case %zu: %s\n", i, cases[i].s);
		assert_int_equal(walk(cases[i].s, &c), cases[i].e);
	}
	/* fifteen levels are fine */
	assert_int_equal(walk("{\"a\":[[[[[[[[[[[[[[1]]]]]]]]]]]]]]}", &c), JSONL_OK);
}

static void test_walk_huge(void **state)
{
	char *s = malloc(JSONL_STR_MAX + 32);
	struct collect c;
	char err[128];

	(void)state;
	strcpy(s, "{\"a\":\"");
	memset(s + 6, 'x', JSONL_STR_MAX);
	strcpy(s + 6 + JSONL_STR_MAX, "\"}");
	assert_int_equal(walk(s, &c), JSONL_OK);	/* exactly at the limit */
	strcpy(s + 6 + JSONL_STR_MAX, "x\"}");
	assert_int_equal(jsonl_walk(s, strlen(s), &sc, collect_leaf, &c, err, sizeof(err)),
			 JSONL_E_HUGE);
	assert_non_null(strstr(err, "too long"));
	free(s);
}

static void test_int(void **state)
{
	struct jsonl_leaf l = { .type = JSONL_NUMBER };
	int64_t v;

	(void)state;
	l.val = "65535";
	l.len = 5;
	assert_true(jsonl_int(&l, 0, 65535, &v));
	assert_int_equal(v, 65535);
	l.val = "65536";
	assert_false(jsonl_int(&l, 0, 65535, &v));
	l.val = "-1";
	l.len = 2;
	assert_false(jsonl_int(&l, 0, 65535, &v));
	l.val = "1e3";
	l.len = 3;
	assert_false(jsonl_int(&l, 0, 65535, &v));
	l.val = "99999999999999999999999";
	l.len = strlen(l.val);
	assert_false(jsonl_int(&l, 0, INT64_MAX, &v));
}

#define DROP_HEAD "{\"@timestamp\":\"2026-11-22T02:50:02.5Z\",\"event\":{\"kind\":\"event\"},"

static enum jsonl_err parse(const char *s, struct fleet_ev *ev, char *err)
{
	return fleet_ev_parse(s, strlen(s), ev, &sc, err, 256);
}

static void test_ev_drop(void **state)
{
	struct fleet_ev ev;
	char err[256];

	(void)state;
	assert_int_equal(parse(DROP_HEAD "\"host\":{\"name\":\"fw1\"},\"network\":"
			       "{\"transport\":\"tcp\"},\"source\":{\"ip\":\"203.0.113.9\","
			       "\"port\":4000},\"destination\":{\"ip\":\"2001:db8::1\",\"port\":22},"
			       "\"nflog\":{\"verdict\":\"hostile\",\"tags\":[\"broadcast-destination\"],"
			       "\"tcp\":{\"flags\":\"SA\"},\"kb\":{\"category\":\"noise\"}}}",
			       &ev, err), JSONL_OK);
	assert_string_equal(ev.host, "fw1");
	assert_int_equal(ev.kind, FLEET_EV_DROP);
	assert_true(ev.ts == 1795315802500000000ull);
	assert_int_equal(ev.family, 4);
	assert_int_equal(ev.dfamily, 6);
	assert_int_equal(ev.saddr[3], 9);
	assert_int_equal(ev.sport, 4000);
	assert_int_equal(ev.dport, 22);
	assert_int_equal(ev.proto, 6);
	assert_int_equal(ev.verdict, 4);
	assert_true(ev.bcast);
	assert_true(ev.ack_rst);
	assert_true(ev.noise);
}

static void test_ev_alert(void **state)
{
	struct fleet_ev ev;
	char err[256];

	(void)state;
	assert_int_equal(parse("{\"@timestamp\":\"2026-11-22T02:50:09Z\",\"host\":{\"name\":\"b\"},"
			       "\"event\":{\"kind\":\"alert\"},\"source\":{\"ip\":\"198.51.100.1\"},"
			       "\"nflog\":{\"alert\":{\"type\":\"decoy-scan\",\"first_seen\":"
			       "\"2026-11-22T02:50:01Z\",\"last_seen\":\"2026-11-22T02:50:08Z\","
			       "\"ports\":[21,22,23],\"sources\":4}}}", &ev, err), JSONL_OK);
	assert_int_equal(ev.kind, FLEET_EV_ALERT);
	assert_int_equal(ev.atype, RING_ALERT_DECOY);
	assert_int_equal(ev.nports, 3);
	assert_int_equal(ev.ports[2], 23);
	assert_int_equal(ev.sources, 4);
	assert_true(ev.last - ev.first == 7000000000ull);
}

static void test_ev_refused(void **state)
{
	static const struct { const char *s; enum jsonl_err e; const char *why; } cases[] = {
		{ DROP_HEAD "\"source\":{\"ip\":\"192.0.2.1\"}}", JSONL_E_MISSING, "host.name" },
		{ DROP_HEAD "\"host\":{\"name\":7},\"source\":{\"ip\":\"192.0.2.1\"}}",
		  JSONL_E_TYPE, "host.name" },
		{ DROP_HEAD "\"host\":{\"name\":\"\"},\"source\":{\"ip\":\"192.0.2.1\"}}",
		  JSONL_E_VALUE, "host.name" },
		{ DROP_HEAD "\"host\":{\"name\":\"a\\nb\"},\"source\":{\"ip\":\"192.0.2.1\"}}",
		  JSONL_E_VALUE, "host.name" },
		{ DROP_HEAD "\"host\":{\"name\":\"a\"},\"source\":{\"ip\":\"192.0.2.300\"}}",
		  JSONL_E_VALUE, "source.ip" },
		{ DROP_HEAD "\"host\":{\"name\":\"a\"},\"source\":{\"ip\":[\"192.0.2.1\"]}}",
		  JSONL_E_TYPE, "source.ip" },
		{ DROP_HEAD "\"host\":{\"name\":\"a\"},\"source\":{\"ip\":\"192.0.2.1\"},"
		  "\"destination\":{\"port\":70000}}", JSONL_E_VALUE, "destination.port" },
		{ DROP_HEAD "\"host\":{\"name\":\"a\"},\"source\":{\"ip\":\"192.0.2.1\"},"
		  "\"destination\":{\"port\":\"22\"}}", JSONL_E_TYPE, "destination.port" },
		{ DROP_HEAD "\"host\":{\"name\":\"a\"}}", JSONL_E_MISSING, "source.ip" },
		{ "{\"@timestamp\":\"2026-02-30T00:00:00Z\",\"host\":{\"name\":\"a\"}}",
		  JSONL_E_VALUE, "@timestamp" },
		{ "{\"@timestamp\":\"2026-11-22T02:50:09Z\",\"host\":{\"name\":\"b\"},"
		  "\"event\":{\"kind\":\"alert\"},\"nflog\":{\"alert\":{\"port_range\":[9]}}}",
		  JSONL_E_VALUE, "port_range" },
		{ "{\"@timestamp\":\"2026-11-22T02:50:09Z\",\"host\":{\"name\":\"b\"},"
		  "\"event\":{\"kind\":\"alert\"},\"nflog\":{\"alert\":{\"port_range\":[9,8]}}}",
		  JSONL_E_VALUE, "port_range" },
		{ "{\"host\":{\"name\":\"a\"},\"event\":{\"kind\":\"event\"}}",
		  JSONL_E_MISSING, "@timestamp" },
	};
	struct fleet_ev ev;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		print_message("case %zu: %s\n", i, cases[i].s);
		assert_int_equal(parse(cases[i].s, &ev, err), cases[i].e);
		assert_non_null(strstr(err, cases[i].why));
	}
	/* a name over 255 bytes is a huge field */
	{
		char s[600];

		snprintf(s, sizeof(s), DROP_HEAD "\"host\":{\"name\":\"%0300d\"}}", 0);
		assert_int_equal(parse(s, &ev, err), JSONL_E_HUGE);
	}
}

static void test_ts(void **state)
{
	uint64_t ns;

	(void)state;
	assert_true(fleet_ts_parse("1970-01-01T00:00:00Z", 20, &ns));
	assert_true(ns == 0);
	assert_true(fleet_ts_parse("2024-02-29T23:59:59.123456789Z", 30, &ns));
	assert_true(ns == 1709251199123456789ull);
	assert_false(fleet_ts_parse("2023-02-29T00:00:00Z", 20, &ns));
	assert_false(fleet_ts_parse("2026-11-22T02:50:02.Z", 21, &ns));
	assert_false(fleet_ts_parse("2026-11-22T02:50:02.1234567890Z", 31, &ns));
	assert_false(fleet_ts_parse("2026-11-22 02:50:02Z", 20, &ns));
	assert_false(fleet_ts_parse("2026-11-22T24:00:00Z", 20, &ns));
	assert_false(fleet_ts_parse("1969-12-31T23:59:59Z", 20, &ns));
	assert_false(fleet_ts_parse("9999-12-31T23:59:59Z", 20, &ns));	/* past 64-bit ns */
	assert_true(fleet_ts_parse("2500-12-31T23:59:59.999999999Z", 30, &ns));
}

/* The reader: lines split at '\n', a last line without one, a line over the
 * limit skipped once and counted, and what follows it read again. */
static void test_reader(void **state)
{
	struct jsonl_reader r;
	const char *line;
	size_t len;
	int fds[2];
	FILE *w;
	size_t i;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	if (fork() == 0) {
		close(fds[0]);
		w = fdopen(fds[1], "w");
		fputs("{\"a\":1}\n\n", w);
		for (i = 0; i < JSONL_LINE_MAX + 10; i++)
			fputc('x', w);
		fputs("\n{\"b\":2}\n", w);
		for (i = 0; i < JSONL_LINE_MAX; i++)	/* exactly the limit: a line */
			fputc('y', w);
		fputs("\nlast", w);
		fclose(w);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(jsonl_reader_init(&r, fds[0]), 0);
	assert_int_equal(jsonl_next(&r, &line, &len), JSONL_LINE);
	assert_int_equal(len, 7);
	assert_int_equal(jsonl_next(&r, &line, &len), JSONL_LINE);
	assert_int_equal(len, 0);
	assert_int_equal(jsonl_next(&r, &line, &len), JSONL_TOO_LONG);
	assert_int_equal(jsonl_next(&r, &line, &len), JSONL_LINE);
	assert_int_equal(len, 7);
	assert_memory_equal(line, "{\"b\":2}", 7);
	assert_int_equal(r.line, 4);
	assert_int_equal(jsonl_next(&r, &line, &len), JSONL_LINE);
	assert_int_equal(len, JSONL_LINE_MAX);
	assert_int_equal(jsonl_next(&r, &line, &len), JSONL_LINE);
	assert_int_equal(len, 4);
	assert_memory_equal(line, "last", 4);
	assert_int_equal(jsonl_next(&r, &line, &len), 0);
	jsonl_reader_fini(&r);
	close(fds[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_paths),
		cmocka_unit_test(test_walk_refused),
		cmocka_unit_test(test_walk_huge),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_ev_drop),
		cmocka_unit_test(test_ev_alert),
		cmocka_unit_test(test_ev_refused),
		cmocka_unit_test(test_ts),
		cmocka_unit_test(test_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
