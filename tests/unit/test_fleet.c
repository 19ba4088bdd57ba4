/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_fleet.c - the fleet correlator (correlate/fleet.c) on constructed
 * collector lines: a scanner of three hosts is one incident naming them, a
 * sweep is a sweep, per-host noise is never merged, decoy sets seen on
 * several hosts are one incident that swallows its members, the source table
 * stays bounded without losing incidents, and a quiet gap ends a state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "classify/kb.h"
#include "correlate/fleet.h"

#define T0	1795315800ull	/* 2026-11-22T02:50:00Z */

struct got {
	int		 n;
	struct fleet_alert a[8];
	char		 hosts[8][128];	/* the names, space-separated */
};

static struct jsonl_scratch sc;

static void on_alert(const struct fleet_alert *a, void *arg)
{
	struct got *g = arg;
	uint32_t i;

	if (g->n < 8) {
		g->a[g->n] = *a;
		g->a[g->n].hosts = NULL;	/* valid during the call only */
		g->hosts[g->n][0] = '\0';
		for (i = 0; i < a->nhosts; i++) {
			strcat(g->hosts[g->n], i ? " " : "");
			strcat(g->hosts[g->n], a->hosts[i]);
		}
	}
	g->n++;
}

static void ts_str(char *buf, size_t len, uint64_t ms)
{
	uint64_t s = T0 + ms / 1000;

	snprintf(buf, len, "2026-11-22T%02u:%02u:%02u.%03uZ", (unsigned)(s / 3600 % 24),
		 (unsigned)(s / 60 % 60), (unsigned)(s % 60), (unsigned)(ms % 1000));
}

/* One drop line from host, at ms after T0, parsed and fed. */
static void drop(struct fleet *f, struct got *g, const char *host, uint64_t ms,
		 const char *src, const char *dst, const char *proto, unsigned sport,
		 unsigned dport, const char *extra)
{
	char line[1024], ts[40], err[256];
	struct fleet_ev ev;

	ts_str(ts, sizeof(ts), ms);
	snprintf(line, sizeof(line),
		 "{\"@timestamp\":\"%s\",\"event\":{\"kind\":\"event\"},\"host\":{\"name\":\"%s\"},"
		 "\"network\":{\"transport\":\"%s\"},\"source\":{\"ip\":\"%s\",\"port\":%u},"
		 "\"destination\":{\"ip\":\"%s\",\"port\":%u},\"nflog\":{\"tcp\":{\"flags\":\"S\"}"
		 "%s}}", ts, host, proto, src, sport, dst, dport, extra ? extra : "");
	assert_int_equal(fleet_ev_parse(line, strlen(line), &ev, &sc, err, sizeof(err)), JSONL_OK);
	assert_int_equal(fleet_feed(f, &ev, on_alert, g), 0);
}

/* A host's own decoy-scan alert, listing ports. */
static void decoy_alert(struct fleet *f, struct got *g, const char *host, uint64_t ms,
			const char *real, const char *ports)
{
	char line[1024], ts[40], t0[40], err[256];
	struct fleet_ev ev;

	ts_str(ts, sizeof(ts), ms);
	ts_str(t0, sizeof(t0), ms > 2000 ? ms - 2000 : 0);
	snprintf(line, sizeof(line),
		 "{\"@timestamp\":\"%s\",\"event\":{\"kind\":\"alert\",\"action\":\"decoy-scan\"},"
		 "\"host\":{\"name\":\"%s\"},\"source\":{\"ip\":\"%s\"},\"nflog\":{\"alert\":"
		 "{\"type\":\"decoy-scan\",\"first_seen\":\"%s\",\"last_seen\":\"%s\","
		 "\"ports\":[%s],\"port_range\":[21,443],\"sources\":4},"
		 "\"verdict\":\"hostile\"}}",
		 ts, host, real, t0, ts, ports);
	assert_int_equal(fleet_ev_parse(line, strlen(line), &ev, &sc, err, sizeof(err)), JSONL_OK);
	assert_int_equal(fleet_feed(f, &ev, on_alert, g), 0);
}

static struct fleet *mk(uint32_t max_sources)
{
	struct fleet_cfg cfg;
	struct fleet *f;

	fleet_cfg_default(&cfg);
	if (max_sources)
		cfg.max_sources = max_sources;
	f = fleet_new(&cfg);
	assert_non_null(f);
	return f;
}

static const char *const hosts[3] = { "fw1", "fw2", "fw3" };
static const char *const addrs[3] = { "192.0.2.1", "192.0.2.2", "192.0.2.3" };

static void test_scan_three_hosts(void **state)
{
	struct fleet *f = mk(0);
	struct got g = { 0 };
	unsigned p, h;

	(void)state;
	/* 20 ports of each host, the hosts in turn, as a scanner does */
	for (p = 0; p < 20; p++)
		for (h = 0; h < 3; h++)
			drop(f, &g, hosts[h], p * 300 + h * 100, "203.0.113.7", addrs[h], "tcp",
			     40000, 1000 + p, NULL);
	assert_int_equal(g.n, 0);	/* still going: nothing yet */
	fleet_flush(f, on_alert, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.a[0].type, FLEET_SCAN);
	assert_int_equal(g.a[0].nhosts, 3);
	assert_string_equal(g.hosts[0], "fw1 fw2 fw3");
	assert_int_equal(g.a[0].packets, 60);
	assert_int_equal(g.a[0].ports, 20);
	assert_int_equal(g.a[0].port_lo, 1000);
	assert_int_equal(g.a[0].port_hi, 1019);
	assert_int_equal(g.a[0].saddr[3], 7);
	assert_true(g.a[0].first == T0 * 1000000000ull);
	assert_true(g.a[0].last == T0 * 1000000000ull + 5900000000ull);
	assert_int_equal(g.a[0].verdict, KB_VERDICT_SUSPICIOUS);
	fleet_free(f);
}

static void test_sweep(void **state)
{
	struct fleet *f = mk(0);
	struct got g = { 0 };
	unsigned h;

	(void)state;
	for (h = 0; h < 3; h++)
		drop(f, &g, hosts[h], h * 50, "198.51.100.4", addrs[h], "tcp", 5000 + h, 445, NULL);
	/* one host alone sees another source: not the fleet's business */
	drop(f, &g, "fw1", 300, "198.51.100.5", addrs[0], "tcp", 5000, 22, NULL);
	drop(f, &g, "fw1", 400, "198.51.100.5", addrs[0], "tcp", 5000, 23, NULL);
	/* 61 s later the first source's state has ended, once, by the input clock */
	drop(f, &g, "fw2", 61300, "198.51.100.9", addrs[1], "tcp", 5000, 80, NULL);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.a[0].type, FLEET_SWEEP);
	assert_string_equal(g.hosts[0], "fw1 fw2 fw3");
	assert_int_equal(g.a[0].ports, 1);
	fleet_flush(f, on_alert, &g);
	assert_int_equal(g.n, 1);
	fleet_free(f);
}

/* NetBIOS broadcasts, kb noise and late replies on every host: counted per
 * host, never a fleet incident. */
static void test_noise_stays_per_host(void **state)
{
	struct fleet *f = mk(0);
	struct fleet_stats st;
	struct got g = { 0 };
	const char *name = NULL;
	unsigned h, k;

	(void)state;
	for (k = 0; k < 5; k++)
		for (h = 0; h < 3; h++) {
			drop(f, &g, hosts[h], k * 1000 + h, "192.0.2.200", "192.0.2.255", "udp",
			     137, 137, ",\"tags\":[\"broadcast-destination\"]");
			drop(f, &g, hosts[h], k * 1000 + h + 10, "192.0.2.201", addrs[h], "udp",
			     5353, 5353 + k, ",\"kb\":{\"category\":\"noise\"}");
			drop(f, &g, hosts[h], k * 1000 + h + 20, "198.51.100.80", addrs[h], "udp",
			     53, 40000 + k, NULL);	/* late DNS replies */
		}
	fleet_flush(f, on_alert, &g);
	assert_int_equal(g.n, 0);
	fleet_stats(f, &st);
	assert_int_equal(st.noise, 45);
	assert_int_equal(st.probes, 0);
	assert_int_equal(st.hosts, 3);
	assert_int_equal(fleet_host_noise(f, 1, &name), 15);
	assert_string_equal(name, "fw2");
	fleet_free(f);
}

/* nmap -D against three hosts: each host's own decoy-scan alert, and every
 * member's probes on every host. One incident; the members are folded in. */
static void test_decoys(void **state)
{
	static const char *const members[4] = { "203.0.113.10", "203.0.113.11",
						 "203.0.113.12", "198.51.100.66" };
	static const unsigned ports[6] = { 21, 22, 23, 25, 80, 443 };
	struct fleet *f = mk(0);
	struct got g = { 0 };
	unsigned h, m, p;

	(void)state;
	for (h = 0; h < 3; h++)
		for (p = 0; p < 6; p++)
			for (m = 0; m < 4; m++)
				drop(f, &g, hosts[h], h * 3000 + p * 100 + m, members[m], addrs[h],
				     "tcp", 33000 + m, ports[p], NULL);
	/* at the same time, a scanner of other ports too: not a member */
	for (h = 0; h < 3; h++)
		for (p = 1; p <= 30; p++)
			drop(f, &g, hosts[h], h * 3000 + p * 10, "203.0.113.99", addrs[h], "tcp",
			     41000, p, NULL);
	for (h = 0; h < 3; h++)
		decoy_alert(f, &g, hosts[h], h * 3000 + 700, members[3], "21,22,23,25,80,443");
	/* another host's decoy scan of other ports, alone: its own alert is enough */
	decoy_alert(f, &g, "fw4", 9000, "192.0.2.77", "1,2,3,4");
	fleet_flush(f, on_alert, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.a[0].type, FLEET_SCAN);
	assert_int_equal(g.a[0].saddr[3], 99);
	assert_int_equal(g.a[0].ports, 30);
	g.a[0] = g.a[1];
	strcpy(g.hosts[0], g.hosts[1]);
	assert_int_equal(g.a[0].type, FLEET_DECOY);
	assert_string_equal(g.hosts[0], "fw1 fw2 fw3");
	assert_int_equal(g.a[0].members, 4);
	assert_int_equal(g.a[0].packets, 72);
	assert_int_equal(g.a[0].sources, 4);
	assert_int_equal(g.a[0].ports, 6);
	assert_int_equal(g.a[0].verdict, KB_VERDICT_HOSTILE);
	fleet_free(f);
}

/* The same port set 40 s later is another run: not merged into the first
 * (which two hosts saw), and alone on its one host it is no fleet incident. */
static void test_decoys_apart(void **state)
{
	struct fleet *f = mk(0);
	struct got g = { 0 };

	(void)state;
	decoy_alert(f, &g, "fw1", 3000, "198.51.100.66", "21,22,23,25");
	decoy_alert(f, &g, "fw2", 3500, "198.51.100.66", "21,22,23,25");
	decoy_alert(f, &g, "fw3", 43000, "198.51.100.66", "21,22,23,25");
	fleet_flush(f, on_alert, &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.hosts[0], "fw1 fw2");
	fleet_free(f);
}

/* 100 scanners of two hosts through a table of 16: every one reported once,
 * the evicted ones when they were evicted. */
static void test_bounded(void **state)
{
	struct fleet *f = mk(16);
	struct fleet_stats st;
	struct got g = { 0 };
	char src[32];
	unsigned s;

	(void)state;
	for (s = 0; s < 100; s++) {
		snprintf(src, sizeof(src), "203.0.113.%u", s + 1);
		drop(f, &g, "fw1", s * 10, src, addrs[0], "tcp", 1234, 22, NULL);
		drop(f, &g, "fw2", s * 10 + 1, src, addrs[1], "tcp", 1234, 22, NULL);
	}
	fleet_stats(f, &st);
	assert_int_equal(st.evictions, 84);
	assert_int_equal(g.n, 84);
	fleet_flush(f, on_alert, &g);
	assert_int_equal(g.n, 100);
	assert_true(fleet_memory(f) < 1024 * 1024);
	fleet_free(f);
}

static void test_cfg(void **state)
{
	struct fleet_cfg cfg;

	(void)state;
	fleet_cfg_default(&cfg);
	cfg.min_hosts = 0;
	assert_null(fleet_new(&cfg));
	fleet_cfg_default(&cfg);
	cfg.max_sources = 1;
	assert_null(fleet_new(&cfg));
	assert_string_equal(fleet_type_name(FLEET_SWEEP), "distributed-sweep");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_three_hosts),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_noise_stays_per_host),
		cmocka_unit_test(test_decoys),
		cmocka_unit_test(test_decoys_apart),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_cfg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
