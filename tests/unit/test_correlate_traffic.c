/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_correlate_traffic.c - the correlator on synthetic streams: traceroute,
 * smurf, fraggle, noise, heartbeats, TTL jumps (fixture: corr_fixture.h). */
#include "corr_fixture.h"

/* ---- traceroute ---------------------------------------------------------- */

static void test_traceroute_udp(void **state)
{
	static const uint8_t ttls[9] = { 1, 1, 1, 2, 2, 2, 3, 3, 3 };
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;
	struct ring_rec r;
	unsigned i;

	(void)state;
	/* The same source talked normally first: its TTL then is 52. */
	r = mk(0, 6, "198.51.100.30", "192.0.2.1", 40000, 443, 52, 100);
	feed(c, &r);
	for (i = 0; i < 9; i++) {
		r = mk(1000 + i * 30, 17, "198.51.100.30", "192.0.2.1", 43210,
		       (uint16_t)(33434 + i), ttls[i], (uint16_t)(200 + i));
		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(incidents(0), 1);
	a = final(RING_ALERT_TRACEROUTE);
	assert_int_equal(a->packets, 9);
	assert_int_equal(a->ports, 9);
	assert_int_equal(a->port_lo, 33434);
	assert_int_equal(a->port_hi, 33442);
	assert_int_equal(a->ttl_min, 1);
	assert_int_equal(a->ttl_max, 3);
	assert_int_equal(a->proto, 17);
	assert_int_equal(a->evidence, RING_EV_TTL_RISING | RING_EV_PORTS_CONSEC);
	assert_int_equal(a->kb_id, port_row(17, 33434));
	assert_int_equal(a->verdict, KB_VERDICT_NOISE);
}

/* A source state reused for another source starts clean, the traceroute
 * series included (the correlator clears that part only when first used):
 * B takes A's slot and its one probe must not continue A's series. */
static void test_reused_state_clean(void **state)
{
	struct corr_cfg cfg;
	struct corr *c;
	struct ring_rec r;
	char src[32];
	unsigned i;

	(void)state;
	corr_cfg_default(&cfg);
	cfg.max_sources = 64;
	c = new_corr(&cfg);
	r = mk(0, 17, "198.51.100.30", "192.0.2.1", 43210, 33434, 2, 200);
	feed(c, &r);
	r = mk(30, 17, "198.51.100.30", "192.0.2.1", 43210, 33435, 3, 201);
	feed(c, &r);
	for (i = 0; i < 63; i++) {	/* the table is full, A the least recent */
		snprintf(src, sizeof(src), "203.0.113.%u", i + 1);
		r = mk(60 + i, 6, src, "192.0.2.9", 40000, 443, 50, (uint16_t)(300 + i));
		feed(c, &r);
	}
	assert_int_equal(corr_evictions(c), 0);
	r = mk(200, 17, "198.51.100.31", "192.0.2.1", 43210, 33436, 4, 400);
	feed(c, &r);
	assert_int_equal(corr_evictions(c), 1);
	finish(c);
	check_stream();
	assert_int_equal(incidents(RING_ALERT_TRACEROUTE), 0);
}

/* A full 30-hop traceroute reaching us sends 30+ UDP ports to one host:
 * still one traceroute, not a port scan. */
static void test_traceroute_long(void **state)
{
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;
	unsigned i;

	(void)state;
	for (i = 0; i < 45; i++) {
		struct ring_rec r = mk(i * 30, 17, "2001:db8:5::30", "2001:db8::1", 43210,
				       (uint16_t)(33434 + i), (uint8_t)(1 + i / 3), 0);

		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(incidents(0), 1);
	a = final(RING_ALERT_TRACEROUTE);
	assert_int_equal(a->ports, 45);
	assert_int_equal(a->port_hi, 33434 + 44);
	assert_int_equal(a->ttl_max, 15);
	assert_int_equal(a->family, 6);
}

static void test_traceroute_icmp(void **state)
{
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;
	unsigned i;

	(void)state;
	for (i = 0; i < 12; i++) {
		struct ring_rec r = mk_icmp(i * 40, "203.0.113.77", "192.0.2.1", 8,
					    (uint8_t)(1 + i / 3), (uint16_t)(600 + i));

		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(incidents(0), 1);
	a = final(RING_ALERT_TRACEROUTE);
	assert_int_equal(a->packets, 12);
	assert_int_equal(a->proto, 1);
	assert_int_equal(a->ttl_min, 1);
	assert_int_equal(a->ttl_max, 4);
	assert_int_equal(a->evidence, RING_EV_TTL_RISING);
}

/* Pings whose TTL goes up by one when the route changes are not a
 * traceroute: a series seen here starts with almost no TTL left. */
static void test_ping_not_traceroute(void **state)
{
	struct corr *c = new_corr(NULL);
	unsigned i;

	(void)state;
	for (i = 0; i < 20; i++) {
		struct ring_rec r = mk_icmp(i * 1000, "203.0.113.78", "192.0.2.1", 8,
					    (uint8_t)(52 + i / 10), (uint16_t)(600 + i));

		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(seen->n, 0);
}

/* ---- smurf and fraggle -------------------------------------------------- */

static void test_smurf(void **state)
{
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;
	struct ring_rec r;
	char src[32];
	unsigned i;

	(void)state;
	r = mk_icmp(0, "198.51.100.5", "192.0.2.1", 8, 60, 77);		/* one ping */
	feed(c, &r);
	r = mk_icmp(10, "198.51.100.6", "192.0.2.1", 0, 60, 78);	/* one reply */
	feed(c, &r);
	corr_tick(c, BASE_NS + 1000 * SEC, collect, seen);
	assert_int_equal(seen->n, 0);

	for (i = 0; i < 50; i++) {
		snprintf(src, sizeof(src), "198.51.100.%u", 100 + i);
		r = mk_icmp(2000000 + i * 3, src, "192.0.2.1", 0, 250, (uint16_t)(i * 1000 + 1));
		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(incidents(0), 1);
	a = final(RING_ALERT_SMURF);
	assert_int_equal(a->sources, 50);
	assert_int_equal(a->packets, 50);
	assert_int_equal(a->targets, 1);
	assert_int_equal(a->verdict, KB_VERDICT_HOSTILE);
	assert_int_equal(a->proto, 1);
	assert_addr(a->daddr, "192.0.2.1");
	assert_true(a->kb_id != 0);	/* the echo-reply row */
	assert_int_equal(kb_icmp_by_id(kb_builtin(), a->kb_id)->type, 0);
}

/* The same echo reply from one host fifty times is a late ping, not smurf. */
static void test_smurf_one_source(void **state)
{
	struct corr *c = new_corr(NULL);
	unsigned i;

	(void)state;
	for (i = 0; i < 50; i++) {
		struct ring_rec r = mk_icmp(i * 1000, "198.51.100.6", "192.0.2.1", 0, 60,
					    (uint16_t)(78 + i));

		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(incidents(RING_ALERT_SMURF), 0);
}

static void test_fraggle_probe(void **state)
{
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;
	struct ring_rec r = mk(0, 17, "198.51.100.77", "192.0.2.255", 1234, 7, 44, 999);

	(void)state;
	assert_true(r.klass.tags & RING_TAG_FRAGGLE);
	feed(c, &r);
	finish(c);
	check_stream();
	assert_int_equal(incidents(0), 1);
	a = final(RING_ALERT_FRAGGLE);
	assert_true(a->evidence & RING_EV_BROADCAST);
	assert_int_equal(a->verdict, KB_VERDICT_HOSTILE);
	assert_int_equal(a->packets, 1);
	assert_int_equal(a->port_lo, 7);
	assert_addr(a->saddr, "198.51.100.77");
	assert_addr(a->daddr, "192.0.2.255");
}

/* The victim's side: UDP from chargen (19) out of many hosts. */
static void test_fraggle_replies(void **state)
{
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;
	char src[32];
	unsigned i;

	(void)state;
	for (i = 0; i < 30; i++) {
		struct ring_rec r;

		snprintf(src, sizeof(src), "203.0.113.%u", 1 + i);
		r = mk(i * 7, 17, src, "192.0.2.1", 19, 7777, 240, (uint16_t)(i * 333 + 1));
		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(incidents(0), 1);
	a = final(RING_ALERT_FRAGGLE);
	assert_int_equal(a->sources, 30);
	assert_int_equal(a->packets, 30);
	assert_int_equal(a->port_lo, 19);
	assert_int_equal(a->verdict, KB_VERDICT_HOSTILE);
	assert_addr(a->daddr, "192.0.2.1");
}

/* ---- noise and heartbeat ------------------------------------------------ */

static void test_netbios_noise(void **state)
{
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;
	unsigned i;

	(void)state;
	for (i = 0; i < 100; i++) {
		struct ring_rec r = mk(i * 1000, 17, "192.0.2.33", "192.0.2.255", 137, 137, 128,
				       (uint16_t)(i + 1));

		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(incidents(0), 1);
	a = final(RING_ALERT_NOISE);
	assert_int_equal(a->packets, 100);
	assert_int_equal(a->ports, 1);
	assert_int_equal(a->targets, 1);
	assert_int_equal(a->verdict, KB_VERDICT_NOISE);
	assert_true(a->evidence & RING_EV_BROADCAST);
	assert_int_equal(a->kb_id, port_row(17, 137));
	assert_int_equal(a->first_seen, BASE_NS);
	assert_int_equal(a->last_seen, BASE_NS + 99 * SEC);
	/* 99 s of chatter: an UPDATE per 10 s at most, never one per packet. */
	assert_true(count(RING_ALERT_NOISE, RING_ALERT_UPDATE) <= 10);
}

/* DHCP and mDNS from two neighbours: one line each. */
static void test_lan_chatter(void **state)
{
	struct corr *c = new_corr(NULL);
	unsigned i;

	(void)state;
	for (i = 0; i < 30; i++) {
		struct ring_rec r = mk(i * 500, 17, "0.0.0.0", "255.255.255.255", 68, 67, 64, 0);
		struct ring_rec m = mk(i * 500 + 1, 17, "192.0.2.66", "224.0.0.251", 5353, 5353,
				       255, (uint16_t)(i + 1));

		feed(c, &r);
		feed(c, &m);
	}
	finish(c);
	check_stream();
	assert_int_equal(incidents(RING_ALERT_NOISE), 2);
	assert_int_equal(incidents(0), 2);
}

static void run_heartbeat(const uint32_t *gaps_ms)
{
	static const char *const srcs[] = {
		"198.51.100.1", "203.0.113.2", "192.0.2.3", "198.51.100.4", "203.0.113.5",
	};
	unsigned i, j;
	struct corr *c = new_corr(NULL);
	uint64_t t[5] = { 0, 400, 900, 1300, 2100 };

	for (i = 0; i < 5; i++) {
		for (j = 0; j < 5; j++) {
			struct ring_rec r = mk(t[j], 6, srcs[j], "192.0.2.50",
					       (uint16_t)(2000 + i * 10 + j), 13223, 45,
					       (uint16_t)(j * 10000 + i + 1));

			feed(c, &r);
			t[j] += gaps_ms[(i + j) % 4];
		}
	}
	finish(c);
	check_stream();
}

static void test_heartbeat(void **state)
{
	static const uint32_t regular[4] = { 3000, 3000, 3000, 3000 };
	static const uint32_t random_gaps[4] = { 1000, 4000, 2000, 7000 };
	const struct ring_alert *a;

	(void)state;
	run_heartbeat(regular);
	assert_int_equal(incidents(0), 1);
	a = final(RING_ALERT_HEARTBEAT);
	assert_int_equal(a->sources, 5);
	assert_int_equal(a->interval_ms, 3000);
	assert_int_equal(a->verdict, KB_VERDICT_NOISE);
	assert_int_equal(a->evidence, RING_EV_REGULAR);
	assert_int_equal(a->port_lo, 13223);
	assert_int_equal(a->kb_id, port_row(6, 13223));
	assert_addr(a->daddr, "192.0.2.50");

	run_heartbeat(random_gaps);
	assert_int_equal(seen->n, 0);
}

/* A client's SYN retransmits back off (1, 2, 4, 8 s): not a heartbeat. */
static void test_backoff_not_heartbeat(void **state)
{
	static const uint64_t at[5] = { 0, 1000, 3000, 7000, 15000 };
	struct corr *c = new_corr(NULL);
	char src[32];
	unsigned i, j;

	(void)state;
	for (j = 0; j < 5; j++) {
		snprintf(src, sizeof(src), "198.51.100.%u", 40 + j);
		for (i = 0; i < 5; i++) {
			struct ring_rec r = mk(j * 100 + at[i], 6, src, "192.0.2.50", 50000, 8080,
					       50, (uint16_t)(j * 999 + i * 7 + 1));

			feed(c, &r);
		}
	}
	finish(c);
	check_stream();
	assert_int_equal(seen->n, 0);
}

/* ---- TTL ---------------------------------------------------------------- */

static void test_ttl_jump(void **state)
{
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;
	struct ring_rec r;
	unsigned i;

	(void)state;
	for (i = 0; i < 10; i++) {
		r = mk(i * 1000, 6, "198.51.100.60", "192.0.2.1", 40000, 25, 50,
		       (uint16_t)(100 + i));
		feed(c, &r);
	}
	r = mk(10500, 6, "198.51.100.60", "192.0.2.1", 40000, 25, 40, 31337);
	feed(c, &r);
	finish(c);
	check_stream();
	assert_int_equal(incidents(0), 1);
	a = final(RING_ALERT_TTL);
	assert_int_equal(a->ttl_min, 40);
	assert_int_equal(a->ttl_max, 50);
	assert_int_equal(a->verdict, KB_VERDICT_SUSPICIOUS);
	assert_addr(a->saddr, "198.51.100.60");
	assert_false(a->evidence & RING_EV_TTL_RANDOM);
}

/* A settled source, then packets under its name with made-up TTLs: one
 * incident, and the spread of hop counts says "randomised". */
static void test_ttl_random(void **state)
{
	static const uint8_t odd[] = { 20, 90, 41, 110, 7, 33, 100 };
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;
	struct ring_rec r;
	unsigned i;

	(void)state;
	for (i = 0; i < 5; i++) {
		r = mk(i * 1000, 6, "198.51.100.70", "192.0.2.1", 40000, 25, 50,
		       (uint16_t)(100 + i));
		feed(c, &r);
	}
	for (i = 0; i < sizeof(odd); i++) {
		r = mk(5000 + i * 100, 6, "198.51.100.70", "192.0.2.1", 40000, 25, odd[i],
		       (uint16_t)(5000 + i * 77));
		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(incidents(0), 1);
	a = final(RING_ALERT_TTL);
	assert_true(a->evidence & RING_EV_TTL_RANDOM);
	assert_int_equal(a->ttl_min, 7);
	assert_int_equal(a->ttl_max, 110);
}

/* One-hop wobble is not a jump; nor is a far host whose TTL crosses the
 * 32/60 start guess (33 reads as 27 hops from 60, 32 as 0 hops from 32). */
static void test_ttl_stable(void **state)
{
	static const uint8_t ttls[] = { 50, 49, 50, 51, 50, 49, 33, 33, 33, 32, 33, 32, 33, 32 };
	struct corr *c = new_corr(NULL);
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(ttls); i++) {
		struct ring_rec r = mk(i * 1000, 6, i < 6 ? "198.51.100.61" : "198.51.100.62",
				       "192.0.2.1", 40000, 25, ttls[i], (uint16_t)(100 + i * 9));

		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(seen->n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_traceroute_udp),
		cmocka_unit_test(test_traceroute_long),
		cmocka_unit_test(test_reused_state_clean),
		cmocka_unit_test(test_traceroute_icmp),
		cmocka_unit_test(test_ping_not_traceroute),
		cmocka_unit_test(test_smurf),
		cmocka_unit_test(test_smurf_one_source),
		cmocka_unit_test(test_fraggle_probe),
		cmocka_unit_test(test_fraggle_replies),
		cmocka_unit_test(test_netbios_noise),
		cmocka_unit_test(test_lan_chatter),
		cmocka_unit_test(test_heartbeat),
		cmocka_unit_test(test_backoff_not_heartbeat),
		cmocka_unit_test(test_ttl_jump),
		cmocka_unit_test(test_ttl_random),
		cmocka_unit_test(test_ttl_stable),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
