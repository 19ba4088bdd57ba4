/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_dropagg.c - the counts behind `nflogctl top` and `nflogctl report`.
 *
 * Synthetic records: every table is checked against counts worked out by
 * hand, including the ring of time buckets (old buckets reused, records older
 * than it ignored), the hour of day with a time-zone offset, which fields a
 * truncated or fragmented record contributes, one incident per alert id
 * whatever its states, and the memory bound.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/dropagg.h"

#define SEC	1000000000ull

static struct ring_rec drop(uint64_t ts, uint8_t last_octet, uint16_t dport, unsigned verdict)
{
	struct ring_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = RING_KIND_DROP;
	r.family = 4;
	r.proto = 6;
	r.ts_ns = ts;
	r.saddr[0] = 198;
	r.saddr[1] = 51;
	r.saddr[2] = 100;
	r.saddr[3] = last_octet;
	r.daddr[0] = 192;
	r.daddr[3] = 1;
	r.dport = dport;
	r.sport = 40000;
	r.klass.verdict = (uint8_t)verdict;
	r.klass.kb_id = dport;		/* any id will do here */
	return r;
}

static struct ring_alert alert(uint32_t id, uint8_t last_octet, uint64_t ts, unsigned state,
			       unsigned type)
{
	struct ring_alert a;

	memset(&a, 0, sizeof(a));
	a.kind = RING_KIND_ALERT;
	a.alert_id = id;
	a.family = 4;
	a.saddr[0] = 198;
	a.saddr[1] = 51;
	a.saddr[2] = 100;
	a.saddr[3] = last_octet;
	a.ts_ns = ts;
	a.state = (uint8_t)state;
	a.type = (uint8_t)type;
	a.verdict = KB_VERDICT_HOSTILE;
	return a;
}

static struct dropagg *agg_new(uint64_t bucket_ns, uint32_t nbuckets, int32_t tz, uint32_t max)
{
	struct dropagg_cfg cfg = { bucket_ns, nbuckets, tz, max };
	struct dropagg *a = dropagg_new(&cfg);

	assert_non_null(a);
	return a;
}

static void test_new_args(void **state)
{
	struct dropagg_cfg bad1 = { .bucket_ns = SEC }, bad2 = { .nbuckets = 4 };

	errno = 0;
	assert_null(dropagg_new(&bad1));
	assert_int_equal(errno, EINVAL);
	assert_null(dropagg_new(&bad2));
	assert_null(dropagg_new(NULL));
	dropagg_free(NULL);
}

static void test_totals_and_hours(void **state)
{
	struct dropagg *a = agg_new(0, 0, 3600, 0);	/* UTC+1 */
	const struct dropagg_totals *t;
	struct ring_rec r;

	r = drop(10 * SEC, 1, 80, KB_VERDICT_HOSTILE);		/* 00:00:10 UTC = hour 1 */
	assert_int_equal(dropagg_add_drop(a, &r), 0);
	r = drop(23 * 3600 * SEC + 5, 1, 80, KB_VERDICT_NOISE);	/* 23:00 UTC = hour 0 */
	assert_int_equal(dropagg_add_drop(a, &r), 0);
	r = drop(5 * SEC, 2, 81, 200);				/* damaged verdict */
	assert_int_equal(dropagg_add_drop(a, &r), 0);
	t = dropagg_totals(a);
	assert_int_equal(t->drops, 3);
	assert_int_equal(t->first_ns, 5 * SEC);
	assert_int_equal(t->last_ns, 23 * 3600 * SEC + 5);
	assert_int_equal(t->verdict[KB_VERDICT_HOSTILE], 1);
	assert_int_equal(t->verdict[KB_VERDICT_NOISE], 1);
	assert_int_equal(t->verdict[KB_VERDICT_UNKNOWN], 1);
	assert_int_equal(t->hour[1], 2);
	assert_int_equal(t->hour[0], 1);
	dropagg_free(a);

	a = agg_new(0, 0, -2 * 3600, 0);			/* UTC-2: 00:00 is 22:00 */
	r = drop(10 * SEC, 1, 80, 0);
	assert_int_equal(dropagg_add_drop(a, &r), 0);
	assert_int_equal(dropagg_totals(a)->hour[22], 1);
	dropagg_free(a);
}

static void test_series(void **state)
{
	struct dropagg *a = agg_new(SEC, 4, 0, 0);
	uint64_t s[6][DROPAGG_VERDICTS];
	struct ring_rec r;
	unsigned i;

	for (i = 0; i < 3; i++) {			/* 3 in second 100 */
		r = drop(100 * SEC + i, 1, 80, KB_VERDICT_HOSTILE);
		assert_int_equal(dropagg_add_drop(a, &r), 0);
	}
	r = drop(102 * SEC, 1, 80, KB_VERDICT_NOISE);
	assert_int_equal(dropagg_add_drop(a, &r), 0);
	assert_int_equal(dropagg_series(a, 102 * SEC + 5, s, 6), 4);	/* clamped */
	assert_int_equal(s[0][KB_VERDICT_HOSTILE], 0);	/* second 99 */
	assert_int_equal(s[1][KB_VERDICT_HOSTILE], 3);	/* 100 */
	assert_int_equal(s[2][KB_VERDICT_HOSTILE], 0);	/* 101 */
	assert_int_equal(s[3][KB_VERDICT_NOISE], 1);	/* 102 */
	/* Second 104 reuses second 100's bucket; 100 then reads as empty. */
	r = drop(104 * SEC, 1, 80, KB_VERDICT_EXPECTED);
	assert_int_equal(dropagg_add_drop(a, &r), 0);
	/* Older than what the ring keeps: not in the series (still in totals). */
	r = drop(100 * SEC, 1, 80, KB_VERDICT_HOSTILE);
	assert_int_equal(dropagg_add_drop(a, &r), 0);
	assert_int_equal(dropagg_series(a, 104 * SEC, s, 4), 4);
	assert_int_equal(s[1][KB_VERDICT_NOISE], 1);	/* 102 */
	assert_int_equal(s[3][KB_VERDICT_EXPECTED], 1);	/* 104 */
	assert_int_equal(dropagg_series(a, 100 * SEC, s, 1), 1);
	assert_int_equal(s[0][KB_VERDICT_HOSTILE], 0);
	assert_int_equal(dropagg_totals(a)->verdict[KB_VERDICT_HOSTILE], 4);
	/* Near time zero: buckets before the epoch are zeros, not garbage. */
	assert_int_equal(dropagg_series(a, 1 * SEC, s, 4), 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(s[i][KB_VERDICT_HOSTILE], 0);
	dropagg_free(a);
}

static void test_tops(void **state)
{
	struct dropagg *a = agg_new(0, 0, 0, 0);
	struct dropagg_src src[4];
	struct dropagg_port port[8];
	struct dropagg_svc svc[2];
	struct ring_rec r;
	unsigned i;

	for (i = 0; i < 5; i++) {
		r = drop(i, 7, 23, KB_VERDICT_SUSPICIOUS);
		assert_int_equal(dropagg_add_drop(a, &r), 0);
	}
	for (i = 0; i < 3; i++) {
		r = drop(10 + i, 9, 137, KB_VERDICT_NOISE);
		r.proto = 17;
		assert_int_equal(dropagg_add_drop(a, &r), 0);
	}
	r = drop(20, 8, 0, KB_VERDICT_HOSTILE);		/* one ICMP 3/4 */
	r.proto = 1;
	r.icmp_type = 3;
	r.icmp_code = 4;
	r.klass.kb_id = 0;		/* as classify leaves it for ICMP */
	r.klass.kb_icmp = 5;
	assert_int_equal(dropagg_add_drop(a, &r), 0);
	r = drop(21, 6, 23, KB_VERDICT_HOSTILE);		/* ties 8 on count: .6 first */
	assert_int_equal(dropagg_add_drop(a, &r), 0);

	assert_int_equal(dropagg_top_sources(a, src, 4), 4);
	assert_int_equal(src[0].addr[3], 7);
	assert_int_equal(src[0].drops, 5);
	assert_int_equal(src[0].verdict, KB_VERDICT_SUSPICIOUS);
	assert_int_equal(src[1].addr[3], 9);
	assert_int_equal(src[2].addr[3], 6);
	assert_int_equal(src[3].addr[3], 8);
	assert_int_equal(src[3].verdict, KB_VERDICT_HOSTILE);
	assert_int_equal(dropagg_top_sources(a, src, 1), 1);
	assert_int_equal(src[0].addr[3], 7);
	assert_int_equal(dropagg_top_sources(a, src, 0), 0);

	assert_int_equal(dropagg_top_ports(a, port, 8), 3);
	assert_int_equal(port[0].proto, 6);
	assert_int_equal(port[0].port, 23);
	assert_int_equal(port[0].drops, 6);
	assert_int_equal(port[0].verdict, KB_VERDICT_HOSTILE);
	assert_int_equal(port[1].proto, 17);
	assert_int_equal(port[1].port, 137);
	assert_int_equal(port[2].proto, 1);
	assert_int_equal(port[2].port, 3 << 8 | 4);
	assert_int_equal(port[2].kb_id, 5);	/* the ICMP row, not a port row */

	assert_int_equal(dropagg_top_services(a, svc, 2), 2);
	assert_int_equal(svc[0].kb_id, 23);
	assert_int_equal(svc[0].drops, 6);
	assert_int_equal(svc[1].kb_id, 137);
	dropagg_free(a);
}

static void test_presence(void **state)
{
	struct dropagg *a = agg_new(0, 0, 0, 0);
	struct dropagg_src src[4];
	struct dropagg_port port[4];
	struct ring_rec r;

	r = drop(1, 1, 80, 0);
	r.status = RING_ST_TRUNCATED;
	r.why = RING_WHY_L3_TRUNC;		/* no addresses at all */
	assert_false(dropagg_has_addrs(&r));
	assert_int_equal(dropagg_add_drop(a, &r), 0);
	r.why = RING_WHY_L4_TRUNC;		/* addresses, no ports */
	assert_true(dropagg_has_addrs(&r));
	assert_false(dropagg_has_l4(&r));
	assert_int_equal(dropagg_add_drop(a, &r), 0);
	r.why = RING_WHY_INNER_TRUNC;		/* only the quoted header cut */
	assert_true(dropagg_has_l4(&r));
	r.status = RING_ST_OK;
	r.why = 0;
	r.ip_flags = RING_IPF_FRAGMENT;		/* a later fragment: no ports */
	assert_false(dropagg_has_l4(&r));
	assert_int_equal(dropagg_add_drop(a, &r), 0);
	r.family = 0;				/* not IP */
	r.ip_flags = 0;
	assert_false(dropagg_has_addrs(&r));
	r.status = 7;				/* damaged: a failure without a reason */
	r.family = 4;
	assert_false(dropagg_has_addrs(&r));
	assert_int_equal(dropagg_top_sources(a, src, 4), 1);
	assert_int_equal(src[0].drops, 2);
	assert_int_equal(dropagg_top_ports(a, port, 4), 0);
	assert_int_equal(dropagg_totals(a)->drops, 3);
	assert_true(dropagg_has_ports(136));
	assert_false(dropagg_has_ports(1));
	dropagg_free(a);
}

static void test_alerts(void **state)
{
	struct dropagg *a = agg_new(0, 0, 0, 0);
	struct ring_alert al[4], x;
	struct dropagg_src src[2];
	struct ring_rec r;

	r = drop(1, 66, 22, KB_VERDICT_SUSPICIOUS);
	assert_int_equal(dropagg_add_drop(a, &r), 0);
	x = alert(1, 66, 100, RING_ALERT_OPEN, RING_ALERT_PORTSCAN);
	assert_int_equal(dropagg_add_alert(a, &x), 0);
	x = alert(1, 66, 300, RING_ALERT_CLOSED, RING_ALERT_PORTSCAN);
	assert_int_equal(dropagg_add_alert(a, &x), 0);
	x = alert(1, 66, 200, RING_ALERT_UPDATE, RING_ALERT_PORTSCAN);	/* older: ignored */
	assert_int_equal(dropagg_add_alert(a, &x), 0);
	x = alert(2, 66, 250, RING_ALERT_OPEN, RING_ALERT_TTL);
	assert_int_equal(dropagg_add_alert(a, &x), 0);
	x = alert(3, 0, 50, RING_ALERT_OPEN, RING_ALERT_STATE_FULL);
	memset(x.saddr, 0, sizeof(x.saddr));				/* no source */
	assert_int_equal(dropagg_add_alert(a, &x), 0);

	assert_int_equal(dropagg_nalerts(a, false), 3);
	assert_int_equal(dropagg_nalerts(a, true), 2);
	assert_int_equal(dropagg_alerts(a, false, al, 4), 3);
	assert_int_equal(al[0].alert_id, 1);		/* newest first */
	assert_int_equal(al[0].state, RING_ALERT_CLOSED);
	assert_int_equal(al[1].alert_id, 2);
	assert_int_equal(al[2].alert_id, 3);
	assert_int_equal(dropagg_alerts(a, true, al, 1), 1);
	assert_int_equal(al[0].alert_id, 2);
	assert_int_equal(dropagg_totals(a)->alert_records, 5);

	/* One source, two incidents of two types, verdict raised by them. */
	assert_int_equal(dropagg_top_sources(a, src, 2), 1);
	assert_int_equal(src[0].incidents, 2);
	assert_int_equal(src[0].alert_types,
			 1u << RING_ALERT_PORTSCAN | 1u << RING_ALERT_TTL);
	assert_int_equal(src[0].verdict, KB_VERDICT_HOSTILE);
	dropagg_free(a);
}

static void test_bound(void **state)
{
	struct dropagg *a = agg_new(0, 0, 0, 3);
	struct dropagg_src src[8];
	struct ring_rec r;
	struct ring_alert x;
	unsigned i;

	for (i = 0; i < 200; i++) {		/* also grows the index past its first size */
		r = drop(i, (uint8_t)(i % 5), 80, 0);
		assert_int_equal(dropagg_add_drop(a, &r), 0);
	}
	assert_int_equal(dropagg_top_sources(a, src, 8), 3);
	assert_int_equal(src[0].drops + src[1].drops + src[2].drops, 120);
	assert_int_equal(dropagg_totals(a)->unkept, 80);
	for (i = 0; i < 5; i++) {
		x = alert(i + 1, 1, i, RING_ALERT_OPEN, RING_ALERT_SWEEP);
		assert_int_equal(dropagg_add_alert(a, &x), 0);
	}
	assert_int_equal(dropagg_nalerts(a, false), 3);
	dropagg_free(a);

	a = agg_new(0, 0, 0, 0);		/* default bound: many sources fit */
	for (i = 0; i < 5000; i++) {
		r = drop(i, 1, 80, 0);
		r.saddr[2] = (uint8_t)(i >> 8);
		r.saddr[3] = (uint8_t)i;
		assert_int_equal(dropagg_add_drop(a, &r), 0);
	}
	assert_int_equal(dropagg_totals(a)->unkept, 0);
	assert_int_equal(dropagg_top_sources(a, src, 8), 8);
	assert_int_equal(src[0].drops, 1);
	dropagg_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_args),
		cmocka_unit_test(test_totals_and_hours),
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_tops),
		cmocka_unit_test(test_presence),
		cmocka_unit_test(test_alerts),
		cmocka_unit_test(test_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
