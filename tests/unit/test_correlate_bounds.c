/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_correlate_bounds.c - the correlator under floods: its memory and
 * incident-table bounds, rate-limited updates, the API (fixture: corr_fixture.h). */
#include "corr_fixture.h"

/* ---- memory bound --------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * SEC + (uint64_t)ts.tv_nsec;
}

/*
 * A SYN flood of a million records from distinct forged sources (each sends
 * per_src probes), with a real port scan mixed in: memory stays where
 * corr_new() put it, the flood is one STATE_FULL incident, and the scan is
 * still found. One probe per source is the common forged flood; two make
 * every source reach the per-(source, host) and per-(source, port) tables.
 */
static void run_flood(unsigned per_src)
{
	struct corr_cfg cfg;
	struct corr *c;
	struct ring_rec r, s;
	const struct ring_alert *a;
	size_t mem;
	uint64_t t0, t1, x = 0x9e3779b97f4a7c15ull, tick = BASE_NS;
	uint32_t i, port = 0, nsrc = 1000000 / per_src;
	const uint32_t n = 1000000;

	corr_cfg_default(&cfg);
	cfg.max_sources = 4096;
	c = new_corr(&cfg);
	mem = corr_memory(c);
	assert_true(mem > 0);
	r = mk(0, 6, "10.0.0.1", "203.0.113.10", 1024, 80, 50, 1);
	s = mk(0, 6, "198.51.100.66", "203.0.113.20", 41000, 1, 51, 0);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		uint32_t a32 = (i / per_src) * 2654435761u + 0x0b000000u; /* distinct per source */

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		r.ts_ns = BASE_NS + (uint64_t)i * 100000;	/* 10 000 packets/s */
		r.saddr[0] = (uint8_t)(a32 >> 24);
		r.saddr[1] = (uint8_t)(a32 >> 16);
		r.saddr[2] = (uint8_t)(a32 >> 8);
		r.saddr[3] = (uint8_t)a32;
		r.ip_id = (uint16_t)x;
		r.sport = (uint16_t)(x >> 16 | 1024);
		r.dport = i % per_src ? 443 : 80;
		r.ttl = (uint8_t)(40 + (x >> 40) % 20);
		klass(&r);
		corr_feed(c, &r, collect, seen);
		if (i % 1000 == 500 && port < 200) {
			s.ts_ns = r.ts_ns;
			s.dport = (uint16_t)++port;
			corr_feed(c, &s, collect, seen);
		}
		if (r.ts_ns - tick >= SEC) {
			tick = r.ts_ns;
			corr_tick(c, tick, collect, seen);
		}
	}
	t1 = now_ns();
	print_message("%u records from %u sources in %.3f s (%.0f ns/record), %zu bytes\n", n,
		      nsrc, (double)(t1 - t0) / 1e9, (double)(t1 - t0) / n, mem);
	assert_true(corr_sources(c) <= 4096);
	assert_int_equal(corr_memory(c), mem);
	assert_true(corr_evictions(c) >= nsrc - 4096);
	assert_true(corr_evictions(c) <= nsrc + 1 - 4096);
	finish(c);
	check_stream();

	a = final(RING_ALERT_STATE_FULL);
	assert_int_equal(count(RING_ALERT_STATE_FULL, RING_ALERT_OPEN), 1);
	assert_true(a->packets >= nsrc - 4096);
	assert_true(a->sources >= nsrc - 4096);
	a = final(RING_ALERT_PORTSCAN);
	assert_int_equal(a->ports, 200);
	assert_int_equal(a->packets, 200);
	assert_addr(a->saddr, "198.51.100.66");
	assert_addr(a->daddr, "203.0.113.20");
	/* Nothing else: forged sources are no scan, sweep, decoy or heartbeat. */
	assert_int_equal(incidents(RING_ALERT_SWEEP) + incidents(RING_ALERT_DECOY) +
			 incidents(RING_ALERT_HEARTBEAT) + incidents(RING_ALERT_TTL), 0);
}

static void test_flood_memory_bound(void **state)
{
	(void)state;
	run_flood(1);
}

static void test_flood_two_probes(void **state)
{
	(void)state;
	run_flood(2);
}

/* The incident table is bounded too: when it is full, the least recently
 * active incident is closed (with its final figures) to make room. */
static void test_incident_table_bound(void **state)
{
	struct corr_cfg cfg;
	struct corr *c;
	char dst[32];
	unsigned h, i;

	(void)state;
	corr_cfg_default(&cfg);
	cfg.max_sources = 64;	/* 64 incidents at most */
	c = new_corr(&cfg);
	for (h = 0; h < 100; h++) {
		snprintf(dst, sizeof(dst), "192.0.2.%u", h);
		for (i = 0; i < 12; i++) {
			struct ring_rec r;
			char src[32];

			snprintf(src, sizeof(src), "198.51.100.%u", h);
			r = mk(h * 100 + i, 6, src, dst, 40000, (uint16_t)(1 + i), 50, 0);
			feed(c, &r);
		}
	}
	/* 100 scans, and the 100 sources overflowing the source table too
	 * (STATE_FULL): all but 64 incidents were closed early. */
	assert_int_equal(incidents(RING_ALERT_PORTSCAN), 100);
	assert_int_equal(incidents(RING_ALERT_STATE_FULL), 1);
	assert_int_equal(count(0, RING_ALERT_CLOSED), incidents(0) - 64);
	finish(c);
	check_stream();
	assert_int_equal(count(RING_ALERT_PORTSCAN, RING_ALERT_CLOSED), 100);
}

/* An incident still open in a table that had to reuse entries is found and
 * grown, not opened twice; once everything closed and expired, the same
 * source starts from nothing (no state of the old scan comes back). */
static void test_incident_reuse(void **state)
{
	struct corr_cfg cfg;
	struct ring_rec r;
	struct corr *c;
	char src[32], dst[32];
	unsigned h, i;
	size_t j;

	(void)state;
	corr_cfg_default(&cfg);
	cfg.max_sources = 64;
	c = new_corr(&cfg);
	for (h = 0; h < 100; h++) {
		snprintf(src, sizeof(src), "198.51.100.%u", h);
		snprintf(dst, sizeof(dst), "192.0.2.%u", h);
		for (i = 0; i < 12; i++) {
			r = mk(h * 100 + i, 6, src, dst, 40000, (uint16_t)(1 + i), 50, 0);
			feed(c, &r);
		}
	}
	/* The last scan goes on: the same incident, more ports. */
	for (i = 12; i < 30; i++) {
		r = mk(10000 + i, 6, src, dst, 40000, (uint16_t)(1 + i), 50, 0);
		feed(c, &r);
	}
	assert_int_equal(incidents(RING_ALERT_PORTSCAN), 100);
	corr_tick(c, BASE_NS + 1000 * SEC, collect, seen);
	assert_int_equal(count(0, RING_ALERT_OPEN), count(0, RING_ALERT_CLOSED));
	for (j = seen->n; j-- > 0;)
		if (seen->a[j].type == RING_ALERT_PORTSCAN)
			break;
	assert_int_equal(seen->a[j].ports, 30);
	/* All closed and forgotten: the same scan again is a new one. */
	for (i = 0; i < 12; i++) {
		r = mk(2000000 + i, 6, src, dst, 40000, (uint16_t)(1 + i), 50, 0);
		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(incidents(RING_ALERT_PORTSCAN), 101);
	assert_int_equal(seen->a[seen->n - 1].type, RING_ALERT_PORTSCAN);
	assert_int_equal(seen->a[seen->n - 1].ports, 12);
}

/* ---- API odds and ends ------------------------------------------------- */

static void test_updates_rate_limited(void **state)
{
	struct corr *c = new_corr(NULL);
	unsigned i;

	(void)state;
	/* A slow scan: one port a second for 100 s. */
	for (i = 0; i < 100; i++) {
		struct ring_rec r = mk(i * 1000, 6, "198.51.100.7", "192.0.2.1", 40000,
				       (uint16_t)(1000 + i), 52, 0);

		feed(c, &r);
		corr_tick(c, r.ts_ns, collect, seen);
	}
	corr_flush(c, collect, seen);
	corr_free(c);
	check_stream();
	assert_int_equal(incidents(0), 1);
	assert_true(count(RING_ALERT_PORTSCAN, RING_ALERT_UPDATE) >= 8);
	assert_true(count(RING_ALERT_PORTSCAN, RING_ALERT_UPDATE) <= 10);
	assert_int_equal(seen->a[seen->n - 1].state, RING_ALERT_CLOSED);
	assert_int_equal(seen->a[seen->n - 1].ports, 100);
}

static void test_api(void **state)
{
	struct corr_cfg cfg, d;
	struct corr *c;
	struct ring_rec r = mk(0, 6, "198.51.100.7", "192.0.2.1", 40000, 1, 52, 0);
	unsigned t;

	(void)state;
	for (t = RING_ALERT_PORTSCAN; t < __RING_ALERT_MAX; t++)
		assert_non_null(ring_alert_type_name(t));
	assert_string_equal(ring_alert_type_name(RING_ALERT_PORTSCAN), "port-scan");
	assert_string_equal(ring_alert_type_name(RING_ALERT_STATE_FULL), "state-full");
	assert_null(ring_alert_type_name(0));
	assert_null(ring_alert_type_name(__RING_ALERT_MAX));

	corr_cfg_default(&d);
	assert_int_equal(d.scan_ports, 12);
	assert_true(d.window_ns > 0 && d.close_ns > 0 && d.max_sources > 0);
	memset(&cfg, 0, sizeof(cfg));	/* zero fields take their defaults */
	c = corr_new(&cfg, NULL, 7);
	assert_non_null(c);
	assert_int_equal(corr_sources(c), 0);
	corr_feed(c, &r, NULL, NULL);	/* no callback: counted, not emitted */
	assert_int_equal(corr_sources(c), 1);
	r.kind = RING_KIND_ALERT;	/* not a drop: ignored */
	r.saddr[3] = 99;
	corr_feed(c, &r, NULL, NULL);
	assert_int_equal(corr_sources(c), 1);
	corr_flush(c, NULL, NULL);
	corr_free(c);
	corr_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flood_memory_bound),
		cmocka_unit_test(test_flood_two_probes),
		cmocka_unit_test(test_incident_table_bound),
		cmocka_unit_test(test_incident_reuse),
		cmocka_unit_test(test_updates_rate_limited),
		cmocka_unit_test(test_api),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
