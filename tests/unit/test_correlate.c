/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_correlate.c - the correlator on synthetic drop-record streams.
 *
 * Records are built the way the capture thread fills them: decoded fields
 * plus the classifier's ttl_initial/ttl_hops and single-packet tags (scan
 * styles, broadcast destination, fraggle). kb ids are left to the
 * correlator, which gets kb_builtin(). Every alert is collected and every
 * test checks the stream's invariants: one OPEN first per alert id, at most
 * one CLOSED and nothing after it, ts_ns = last_seen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "correlate/correlate.h"
#include "classify/kb.h"
#include "ring/ringnames.h"

#define BASE_NS		1700000000000000000ull	/* records' clock: 2023-11 */
#define MS		1000000ull
#define SEC		1000000000ull
#define MAX_SEEN	8192

struct seen {
	struct ring_alert a[MAX_SEEN];
	size_t n;
	size_t dropped;		/* alerts past MAX_SEEN */
};

static struct seen *seen;

static void collect(const struct ring_alert *a, void *arg)
{
	struct seen *s = arg;

	if (s->n < MAX_SEEN)
		s->a[s->n++] = *a;
	else
		s->dropped++;
}

static int setup(void **state)
{
	seen = calloc(1, sizeof(*seen));
	*state = seen;
	return seen ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* ---- record builder ---------------------------------------------------- */

static void addr(uint8_t *a, const char *text)
{
	memset(a, 0, 16);
	if (strchr(text, ':'))
		assert_int_equal(inet_pton(AF_INET6, text, a), 1);
	else
		assert_int_equal(inet_pton(AF_INET, text, a), 1);
}

static uint32_t style_tags(uint8_t flags)
{
	uint8_t f = flags & (RING_TCP_FIN | RING_TCP_SYN | RING_TCP_RST | RING_TCP_PSH |
			     RING_TCP_ACK | RING_TCP_URG);

	if (f == 0)
		return RING_TAG_SCAN_NULL;
	if (f == RING_TCP_FIN)
		return RING_TAG_SCAN_FIN;
	if (f == (RING_TCP_FIN | RING_TCP_PSH | RING_TCP_URG))
		return RING_TAG_SCAN_XMAS;
	if (f == (RING_TCP_FIN | RING_TCP_ACK))
		return RING_TAG_SCAN_MAIMON;
	if (f == RING_TCP_ACK)
		return RING_TAG_SCAN_ACK;
	if ((f & (RING_TCP_SYN | RING_TCP_FIN)) == (RING_TCP_SYN | RING_TCP_FIN))
		return RING_TAG_SCAN_SYNFIN;
	return 0;
}

/* Classifier fields: initial TTL guess, hops, and the tags the correlator reads. */
static void klass(struct ring_rec *r)
{
	static const uint8_t start[] = { 32, 60, 64, 128, 255 };
	size_t i;

	for (i = 0; i < sizeof(start); i++)
		if (r->ttl <= start[i]) {
			r->klass.ttl_initial = start[i];
			r->klass.ttl_hops = (uint8_t)(start[i] - r->ttl);
			break;
		}
	r->klass.tags = 0;
	if (r->klass.ttl_hops > 32 || r->ttl == 0)
		r->klass.tags |= RING_TAG_CRAFTED_TTL;
	if (r->family == 4 && r->daddr[3] == 255)
		r->klass.tags |= RING_TAG_BCAST_DST;
	if (r->proto == 6)
		r->klass.tags |= style_tags(r->tcp_flags);
	if (r->proto == 17 && (r->dport == 7 || r->dport == 19) &&
	    (r->klass.tags & RING_TAG_BCAST_DST))
		r->klass.tags |= RING_TAG_FRAGGLE;
	if (r->family == 4 && r->proto == 1 && r->icmp_type == 8 &&
	    (r->klass.tags & RING_TAG_BCAST_DST))
		r->klass.tags |= RING_TAG_BCAST_PING;
}

/* A drop record at BASE_NS + ms; TCP records are SYNs unless changed. */
static struct ring_rec mk(uint64_t ms, uint8_t proto, const char *src, const char *dst,
			  uint16_t sport, uint16_t dport, uint8_t ttl, uint16_t ip_id)
{
	struct ring_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = RING_KIND_DROP;
	r.ts_ns = BASE_NS + ms * MS;
	addr(r.saddr, src);
	addr(r.daddr, dst);
	r.family = strchr(src, ':') ? 6 : 4;
	r.proto = proto;
	r.ttl = ttl;
	r.ip_id = ip_id;
	r.sport = sport;
	r.dport = dport;
	r.ip_len = 40;
	if (proto == 6)
		r.tcp_flags = RING_TCP_SYN;
	klass(&r);
	return r;
}

static struct ring_rec mk_icmp(uint64_t ms, const char *src, const char *dst, uint8_t type,
			       uint8_t ttl, uint16_t ip_id)
{
	struct ring_rec r = mk(ms, strchr(src, ':') ? 58 : 1, src, dst, 0, 0, ttl, ip_id);

	r.icmp_type = type;
	klass(&r);
	return r;
}

static struct ring_rec mk_tcp(uint64_t ms, const char *src, const char *dst, uint16_t sport,
			      uint16_t dport, uint8_t flags, uint8_t ttl, uint16_t ip_id)
{
	struct ring_rec r = mk(ms, 6, src, dst, sport, dport, ttl, ip_id);

	r.tcp_flags = flags;
	klass(&r);
	return r;
}

/* ---- helpers over the collected stream --------------------------------- */

static struct corr *new_corr(const struct corr_cfg *cfg)
{
	struct corr_cfg d;
	struct corr *c;

	if (!cfg) {
		corr_cfg_default(&d);
		/* The tests count UPDATEs of streams that span seconds: pin the
		 * rate they were written for rather than the (1 s) default. */
		d.update_ns = 10 * 1000000000ull;
		cfg = &d;
	}
	c = corr_new(cfg, kb_builtin(), 1000);
	assert_non_null(c);
	memset(seen, 0, sizeof(*seen));
	return c;
}

static void feed(struct corr *c, const struct ring_rec *r)
{
	corr_feed(c, r, collect, seen);
}

/* Let every incident close, then flush (which must find nothing left). */
static void finish(struct corr *c)
{
	size_t n;

	corr_tick(c, BASE_NS + 100000 * SEC, collect, seen);
	n = seen->n;
	corr_flush(c, collect, seen);
	assert_int_equal(seen->n, n);
	corr_free(c);
}

/* Invariants of the stream, per alert id. */
static void check_stream(void)
{
	size_t i, j;

	assert_int_equal(seen->dropped, 0);
	for (i = 0; i < seen->n; i++) {
		const struct ring_alert *a = &seen->a[i];
		int opens = 0, closes = 0;
		size_t first = SIZE_MAX, last_close = 0;
		struct ring_rec as_rec;

		assert_int_equal(a->kind, RING_KIND_ALERT);
		memcpy(&as_rec, a, sizeof(as_rec));	/* as a reader copies it out */
		assert_int_equal(ring_rec_alert_id(&as_rec), a->alert_id);
		assert_true(a->ts_ns == a->last_seen);
		assert_true(a->first_seen <= a->last_seen);
		assert_non_null(ring_alert_type_name(a->type));
		for (j = 0; j < seen->n; j++) {
			if (seen->a[j].alert_id != a->alert_id)
				continue;
			assert_int_equal(seen->a[j].type, a->type);
			if (first == SIZE_MAX)
				first = j;
			if (seen->a[j].state == RING_ALERT_OPEN)
				opens++;
			if (seen->a[j].state == RING_ALERT_CLOSED) {
				closes++;
				last_close = j;
			}
		}
		assert_int_equal(seen->a[first].state, RING_ALERT_OPEN);
		assert_int_equal(opens, 1);
		assert_true(closes <= 1);
		if (closes)
			for (j = last_close + 1; j < seen->n; j++)
				assert_true(seen->a[j].alert_id != a->alert_id);
	}
}

static size_t count(unsigned type, unsigned state)
{
	size_t i, n = 0;

	for (i = 0; i < seen->n; i++)
		if ((!type || seen->a[i].type == type) && (!state || seen->a[i].state == state))
			n++;
	return n;
}

/* Distinct incidents of a type (0 = any). */
static size_t incidents(unsigned type)
{
	return count(type, RING_ALERT_OPEN);
}

/* The final state of the only incident of a type. */
static const struct ring_alert *final(unsigned type)
{
	const struct ring_alert *a = NULL;
	size_t i;

	assert_int_equal(incidents(type), 1);
	for (i = 0; i < seen->n; i++)
		if (seen->a[i].type == type)
			a = &seen->a[i];
	assert_non_null(a);
	assert_int_equal(a->state, RING_ALERT_CLOSED);
	return a;
}

static uint16_t port_row(unsigned proto, uint16_t port)
{
	const struct kb_port *row = kb_port_lookup(kb_builtin(), KB_DIR_DST, (uint8_t)proto, port);

	assert_non_null(row);
	return row->id;
}

static void assert_addr(const uint8_t *a, const char *text)
{
	uint8_t b[16];

	addr(b, text);
	assert_memory_equal(a, b, 16);
}

/* A fixed permutation of 1..n (n < 65536), so scans look like nmap's. */
static uint16_t perm(unsigned i, unsigned n)
{
	return (uint16_t)((i * 7919u) % n + 1);
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
		cmocka_unit_test(test_flood_memory_bound),
		cmocka_unit_test(test_flood_two_probes),
		cmocka_unit_test(test_incident_table_bound),
		cmocka_unit_test(test_incident_reuse),
		cmocka_unit_test(test_updates_rate_limited),
		cmocka_unit_test(test_api),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
