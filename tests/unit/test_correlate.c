/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_correlate.c - the correlator on synthetic streams: port scans, sweeps,
 * decoys, IP ID sequences (the record builder and checks: corr_fixture.h). */
#include "corr_fixture.h"

/* A fixed permutation of 1..n (n < 65536), so scans look like nmap's. */
static uint16_t perm(unsigned i, unsigned n)
{
	return (uint16_t)((i * 7919u) % n + 1);
}

static struct ring_rec mk_tcp(uint64_t ms, const char *src, const char *dst, uint16_t sport,
			      uint16_t dport, uint8_t flags, uint8_t ttl, uint16_t ip_id)
{
	struct ring_rec r = mk(ms, 6, src, dst, sport, dport, ttl, ip_id);

	r.tcp_flags = flags;
	klass(&r);
	return r;
}

/* ---- port scans -------------------------------------------------------- */

static void test_syn_scan_full(void **state)
{
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;
	unsigned i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		struct ring_rec r = mk(i, 6, "198.51.100.7", "192.0.2.1", 40000, perm(i, 1000),
				       52, (uint16_t)(3000 + i));

		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(incidents(0), 1);
	a = final(RING_ALERT_PORTSCAN);
	assert_int_equal(count(RING_ALERT_PORTSCAN, RING_ALERT_OPEN), 1);
	assert_true(count(RING_ALERT_PORTSCAN, RING_ALERT_UPDATE) <= 3);
	assert_int_equal(count(RING_ALERT_PORTSCAN, RING_ALERT_CLOSED), 1);
	assert_int_equal(a->ports, 1000);
	assert_int_equal(a->port_lo, 1);
	assert_int_equal(a->port_hi, 1000);
	assert_int_equal(a->packets, 1000);
	assert_int_equal(a->targets, 1);
	assert_int_equal(a->sources, 1);
	assert_int_equal(a->proto, 6);
	assert_true(a->scan_tags & RING_ALERT_SCAN_SYN);
	assert_false(a->scan_tags & RING_ALERT_SCAN_UDP);
	assert_true(a->verdict >= KB_VERDICT_SUSPICIOUS);
	assert_int_equal(a->ttl_min, 52);
	assert_int_equal(a->ttl_max, 52);
	assert_int_equal(a->first_seen, BASE_NS);
	assert_int_equal(a->last_seen, BASE_NS + 999 * MS);
	assert_addr(a->saddr, "198.51.100.7");
	assert_addr(a->daddr, "192.0.2.1");
	assert_int_equal(a->port_sample[0], perm(0, 1000));
	assert_false(a->evidence & RING_EV_PORTS_CONSEC);
	assert_false(a->evidence & RING_EV_IPID_CONST);
	assert_true(a->alert_id >= 1000);
}

/* nmap -p- : 65535 ports is one incident, counted exactly. */
static void test_scan_all_ports(void **state)
{
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;
	unsigned i;

	(void)state;
	for (i = 0; i < 65535; i++) {
		struct ring_rec r = mk(i / 4, 6, "2001:db8::66", "2001:db8:1::1", 51000,
				       (uint16_t)(i + 1), 57, 0);

		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(incidents(0), 1);
	a = final(RING_ALERT_PORTSCAN);
	assert_int_equal(a->ports, 65535);
	assert_int_equal(a->port_lo, 1);
	assert_int_equal(a->port_hi, 65535);
	assert_int_equal(a->family, 6);
	assert_true(a->evidence & RING_EV_PORTS_CONSEC);
	/* 16 s of scanning, one UPDATE per 10 s at most. */
	assert_true(count(RING_ALERT_PORTSCAN, RING_ALERT_UPDATE) <= 3);
}

static void test_scan_styles(void **state)
{
	static const struct {
		uint8_t proto, flags;
		uint32_t tag;
	} cases[] = {
		{ 6, RING_TCP_FIN, RING_TAG_SCAN_FIN },
		{ 6, RING_TCP_FIN | RING_TCP_PSH | RING_TCP_URG, RING_TAG_SCAN_XMAS },
		{ 6, 0, RING_TAG_SCAN_NULL },
		{ 6, RING_TCP_ACK, RING_TAG_SCAN_ACK },
		{ 6, RING_TCP_FIN | RING_TCP_ACK, RING_TAG_SCAN_MAIMON },
		{ 6, RING_TCP_SYN, RING_ALERT_SCAN_SYN },
		{ 17, 0, RING_ALERT_SCAN_UDP },
	};
	size_t k;
	unsigned i;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct corr *c = new_corr(NULL);
		const struct ring_alert *a;

		for (i = 0; i < 40; i++) {
			struct ring_rec r = mk(i * 10, cases[k].proto, "203.0.113.9", "192.0.2.7",
					       45678, (uint16_t)(100 + i * 3), 47,
					       (uint16_t)(i + 1));

			r.tcp_flags = cases[k].flags;
			klass(&r);
			feed(c, &r);
		}
		finish(c);
		check_stream();
		assert_int_equal(incidents(0), 1);
		a = final(RING_ALERT_PORTSCAN);
		assert_int_equal(a->ports, 40);
		assert_int_equal(a->port_lo, 100);
		assert_int_equal(a->port_hi, 100 + 39 * 3);
		assert_int_equal(a->proto, cases[k].proto);
		assert_int_equal(a->scan_tags, cases[k].tag);
	}
}

/* A browser: many packets, two ports of one host. */
static void test_normal_client(void **state)
{
	struct corr *c = new_corr(NULL);
	unsigned i;

	(void)state;
	for (i = 0; i < 300; i++) {
		struct ring_rec r = mk(i * 1000, 6, "198.51.100.20", "192.0.2.80",
				       (uint16_t)(50000 + i), i % 2 ? 443 : 80, 55,
				       (uint16_t)(7000 + i * 3));

		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(seen->n, 0);
}

/* A NAT: 200 source ports of one address to 443 on three hosts. */
static void test_busy_nat(void **state)
{
	struct corr *c = new_corr(NULL);
	static const char *const hosts[] = { "192.0.2.10", "192.0.2.11", "192.0.2.12" };
	unsigned i;

	(void)state;
	for (i = 0; i < 200; i++) {
		struct ring_rec r = mk(i * 50, 6, "198.51.100.1", hosts[i % 3],
				       (uint16_t)(30000 + i * 7), 443, 50, (uint16_t)(i * 41 + 5));

		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(incidents(RING_ALERT_PORTSCAN), 0);
	assert_int_equal(seen->n, 0);
}

/* Late ACKs and RSTs from a web server to 100 of our ephemeral ports:
 * replies whose connection state expired, not a scan of our ports. */
static void test_stray_replies(void **state)
{
	struct corr *c = new_corr(NULL);
	unsigned i;

	(void)state;
	for (i = 0; i < 100; i++) {
		struct ring_rec r = mk_tcp(i * 20, "203.0.113.80", "192.0.2.5", 443,
					   (uint16_t)(40000 + i * 13),
					   i % 2 ? RING_TCP_ACK : RING_TCP_RST | RING_TCP_ACK, 56,
					   (uint16_t)(100 + i));

		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(seen->n, 0);
}

static void test_constant_ipid(void **state)
{
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;
	unsigned i;

	(void)state;
	for (i = 0; i < 20; i++) {
		struct ring_rec r = mk(i * 5, 6, "198.51.100.99", "192.0.2.3", 1, perm(i, 1024),
				       240, 39426);

		feed(c, &r);
	}
	finish(c);
	check_stream();
	a = final(RING_ALERT_PORTSCAN);
	assert_true(a->evidence & RING_EV_IPID_CONST);
	assert_int_equal(incidents(RING_ALERT_IPID), 0);
}

/* Two hosts scanned by one source: one incident, two targets. */
static void test_scan_two_hosts(void **state)
{
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;
	unsigned i;

	(void)state;
	for (i = 0; i < 100; i++) {
		struct ring_rec r = mk(i * 3, 6, "198.51.100.7", i % 2 ? "192.0.2.1" : "192.0.2.2",
				       40000, (uint16_t)(1 + i / 2), 52, 0);

		feed(c, &r);
	}
	finish(c);
	check_stream();
	a = final(RING_ALERT_PORTSCAN);
	assert_int_equal(a->targets, 2);
	assert_int_equal(a->ports, 50);
	assert_int_equal(a->packets, 100);
}

/* ---- sweep --------------------------------------------------------------- */

static void test_sweep(void **state)
{
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;
	char dst[32];
	unsigned i;

	(void)state;
	for (i = 0; i < 20; i++) {
		struct ring_rec r;

		snprintf(dst, sizeof(dst), "192.0.2.%u", 10 + i * 3);
		r = mk(i * 100, 6, "203.0.113.50", dst, 51515, 22, 49, (uint16_t)(900 + i * 17));
		feed(c, &r);
	}
	finish(c);
	check_stream();
	assert_int_equal(incidents(0), 1);
	a = final(RING_ALERT_SWEEP);
	assert_int_equal(a->targets, 20);
	assert_int_equal(a->ports, 1);
	assert_int_equal(a->port_lo, 22);
	assert_int_equal(a->port_hi, 22);
	assert_int_equal(a->port_sample[0], 22);
	assert_int_equal(a->packets, 20);
	assert_int_equal(a->kb_id, port_row(6, 22));
	assert_true(a->verdict >= KB_VERDICT_SUSPICIOUS);
	assert_addr(a->saddr, "203.0.113.50");
	assert_addr(a->daddr, "192.0.2.10");
}

/* ---- decoys and IP ID sequences ---------------------------------------- */

static const char *const decoys[] = {
	"203.0.113.11", "198.51.100.12", "192.0.2.113", "203.0.113.14", "198.51.100.15",
};

/*
 * nmap -D style: every probe sent from five addresses back to back, by one
 * machine (one TTL, one IP ID counter). The real scanner (decoys[2]) pinged
 * the target five seconds before.
 */
static void run_decoy(struct corr *c, const uint8_t *ttls)
{
	static const uint16_t ports[10] = { 22, 80, 443, 21, 25, 3389, 8080, 110, 143, 445 };
	struct ring_rec r = mk_icmp(0, decoys[2], "192.0.2.200", 8, 50, 4990);
	uint16_t id = 5000;
	unsigned i, j;

	feed(c, &r);
	for (i = 0; i < 10; i++)
		for (j = 0; j < 5; j++) {
			r = mk(5000 + i * 100 + j, 6, decoys[j], "192.0.2.200", 61234, ports[i],
			       ttls[j], id++);
			feed(c, &r);
		}
	finish(c);
	check_stream();
}

static void test_decoy(void **state)
{
	static const uint8_t same[5] = { 50, 50, 50, 50, 50 };
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;

	(void)state;
	run_decoy(c, same);
	a = final(RING_ALERT_DECOY);
	assert_int_equal(a->sources, 5);
	assert_int_equal(a->ports, 10);
	assert_int_equal(a->targets, 1);
	assert_int_equal(a->packets, 50);
	assert_int_equal(a->verdict, KB_VERDICT_HOSTILE);
	assert_true(a->evidence & RING_EV_IPID_SEQ);
	assert_false(a->evidence & RING_EV_IPID_SEQ_SWAP);
	assert_false(a->evidence & RING_EV_TTL_MISMATCH);
	assert_true(a->scan_tags & RING_ALERT_SCAN_SYN);
	assert_addr(a->saddr, decoys[2]);	/* the one with history */
	assert_addr(a->daddr, "192.0.2.200");
	/* One incident, not five port scans; the shared ID sequence is a
	 * finding of its own. */
	assert_int_equal(incidents(RING_ALERT_PORTSCAN), 0);
	assert_int_equal(incidents(RING_ALERT_IPID), 1);
	assert_int_equal(incidents(RING_ALERT_TTL), 0);
}

/* Decoys sent with made-up TTLs: the mismatch is evidence and the source
 * with a plausible hop count is the likely real one. */
static void test_decoy_ttl_mismatch(void **state)
{
	static const uint8_t ttls[5] = { 150, 170, 50, 190, 210 };
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;

	(void)state;
	run_decoy(c, ttls);
	a = final(RING_ALERT_DECOY);
	assert_int_equal(a->sources, 5);
	assert_true(a->evidence & RING_EV_TTL_MISMATCH);
	assert_addr(a->saddr, decoys[2]);
	assert_int_equal(a->ttl_min, 50);
	assert_int_equal(a->ttl_max, 210);
}

/* Three scanners trying the same well-known ports, seconds apart: no decoy. */
static void test_no_decoy_apart(void **state)
{
	struct corr *c = new_corr(NULL);
	unsigned i, j;

	(void)state;
	for (j = 0; j < 3; j++)
		for (i = 0; i < 10; i++) {
			struct ring_rec r = mk(j * 3000 + i * 50, 6, decoys[j], "192.0.2.200",
					       61234, (uint16_t)(20 + i), (uint8_t)(45 + j * 7),
					       (uint16_t)(j * 20000 + i * 3 + 1));

			feed(c, &r);
		}
	finish(c);
	check_stream();
	assert_int_equal(incidents(RING_ALERT_DECOY), 0);
	assert_int_equal(incidents(RING_ALERT_IPID), 0);
}

static void run_ipid(uint16_t step)
{
	static const char *const srcs[] = {
		"198.51.100.1", "198.51.100.2", "203.0.113.3", "192.0.2.44",
	};
	struct corr *c = new_corr(NULL);
	const struct ring_alert *a;
	unsigned i;

	for (i = 0; i < 8; i++) {
		struct ring_rec r = mk(i * 200, 6, srcs[i % 4], "192.0.2.9", 1025, 80, 60,
				       (uint16_t)(0x1203 + i * step));

		feed(c, &r);
	}
	finish(c);
	check_stream();
	a = final(RING_ALERT_IPID);
	assert_int_equal(a->sources, 4);
	assert_int_equal(a->packets, 8);
	assert_true(a->evidence & RING_EV_IPID_SEQ);
	if (step == 256)
		assert_true(a->evidence & RING_EV_IPID_SEQ_SWAP);
	else
		assert_false(a->evidence & RING_EV_IPID_SEQ_SWAP);
	assert_addr(a->saddr, srcs[0]);
	assert_addr(a->daddr, "192.0.2.9");
	assert_int_equal(incidents(0), 1);
}

static void test_ipid_sequence(void **state)
{
	(void)state;
	run_ipid(1);
	run_ipid(3);
}

/* A little-endian counter read big-endian: +256 per packet, wrapping. */
static void test_ipid_swapped(void **state)
{
	(void)state;
	run_ipid(256);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syn_scan_full),
		cmocka_unit_test(test_scan_all_ports),
		cmocka_unit_test(test_scan_styles),
		cmocka_unit_test(test_normal_client),
		cmocka_unit_test(test_busy_nat),
		cmocka_unit_test(test_stray_replies),
		cmocka_unit_test(test_constant_ipid),
		cmocka_unit_test(test_scan_two_hosts),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_decoy),
		cmocka_unit_test(test_decoy_ttl_mismatch),
		cmocka_unit_test(test_no_decoy_apart),
		cmocka_unit_test(test_ipid_sequence),
		cmocka_unit_test(test_ipid_swapped),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
