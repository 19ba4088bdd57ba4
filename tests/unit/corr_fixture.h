/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_fixture.h - what the correlator's unit tests share: a record builder, the alert collector and its checks.
 *
 * Records are built the way the capture thread fills them: decoded fields
 * plus the classifier's ttl_initial/ttl_hops and single-packet tags (scan
 * styles, broadcast destination, fraggle). kb ids are left to the
 * correlator, which gets kb_builtin(). Every alert is collected and every
 * test checks the stream's invariants: one OPEN first per alert id, at most
 * one CLOSED and nothing after it, ts_ns = last_seen.
 */
#ifndef NFLOGD_TEST_CORR_FIXTURE_H
#define NFLOGD_TEST_CORR_FIXTURE_H

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

static inline void collect(const struct ring_alert *a, void *arg)
{
	struct seen *s = arg;

	if (s->n < MAX_SEEN)
		s->a[s->n++] = *a;
	else
		s->dropped++;
}

static inline int setup(void **state)
{
	seen = calloc(1, sizeof(*seen));
	*state = seen;
	return seen ? 0 : -1;
}

static inline int teardown(void **state)
{
	free(*state);
	return 0;
}

/* ---- record builder ---------------------------------------------------- */

static inline void addr(uint8_t *a, const char *text)
{
	memset(a, 0, 16);
	if (strchr(text, ':'))
		assert_int_equal(inet_pton(AF_INET6, text, a), 1);
	else
		assert_int_equal(inet_pton(AF_INET, text, a), 1);
}

static inline uint32_t style_tags(uint8_t flags)
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
static inline void klass(struct ring_rec *r)
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
static inline struct ring_rec mk(uint64_t ms, uint8_t proto, const char *src, const char *dst,
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

static inline struct ring_rec mk_icmp(uint64_t ms, const char *src, const char *dst, uint8_t type,
			       uint8_t ttl, uint16_t ip_id)
{
	struct ring_rec r = mk(ms, strchr(src, ':') ? 58 : 1, src, dst, 0, 0, ttl, ip_id);

	r.icmp_type = type;
	klass(&r);
	return r;
}

/* ---- helpers over the collected stream --------------------------------- */

static inline struct corr *new_corr(const struct corr_cfg *cfg)
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

static inline void feed(struct corr *c, const struct ring_rec *r)
{
	corr_feed(c, r, collect, seen);
}

/* Let every incident close, then flush (which must find nothing left). */
static inline void finish(struct corr *c)
{
	size_t n;

	corr_tick(c, BASE_NS + 100000 * SEC, collect, seen);
	n = seen->n;
	corr_flush(c, collect, seen);
	assert_int_equal(seen->n, n);
	corr_free(c);
}

/* Invariants of the stream, per alert id. */
static inline void check_stream(void)
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

static inline size_t count(unsigned type, unsigned state)
{
	size_t i, n = 0;

	for (i = 0; i < seen->n; i++)
		if ((!type || seen->a[i].type == type) && (!state || seen->a[i].state == state))
			n++;
	return n;
}

/* Distinct incidents of a type (0 = any). */
static inline size_t incidents(unsigned type)
{
	return count(type, RING_ALERT_OPEN);
}

/* The final state of the only incident of a type. */
static inline const struct ring_alert *final(unsigned type)
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

static inline uint16_t port_row(unsigned proto, uint16_t port)
{
	const struct kb_port *row = kb_port_lookup(kb_builtin(), KB_DIR_DST, (uint8_t)proto, port);

	assert_non_null(row);
	return row->id;
}

static inline void assert_addr(const uint8_t *a, const char *text)
{
	uint8_t b[16];

	addr(b, text);
	assert_memory_equal(a, b, 16);
}


#endif
