/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recfmt_fixture.h - what the formatter's unit tests share: hand-built records and the
 * buffer-size check. */
#ifndef NFLOGD_TEST_RECFMT_FIXTURE_H
#define NFLOGD_TEST_RECFMT_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture/decode.h"
#include "classify/kb.h"
#include "classify/services.h"
#include "report/geoip.h"
#include "report/recfmt.h"

#define TS		1795315802123456789ull	/* 2026-11-22T02:50:02.123456789Z */

static inline void set_addr(uint8_t dst[16], const uint8_t *src, size_t n)
{
	memset(dst, 0, 16);
	memcpy(dst, src, n);
}

static const uint8_t a4_client[] = { 198, 51, 100, 2 };
static const uint8_t a4_server[] = { 192, 0, 2, 1 };
static const uint8_t a6_client[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
static const uint8_t a6_server[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

/* IPv4 TCP SYN with DF, from the HELPERS-CONTEXT example. */
static inline void rec_tcp4(struct ring_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->ts_ns = TS;
	r->kind = RING_KIND_DROP;
	r->family = 4;
	r->proto = 6;
	r->status = RING_ST_OK;
	r->hook = 1;
	r->ip_flags = RING_IPF_DF | RING_IPF_HAVE_SEQ;
	r->nflog_seq = 17;
	r->ttl = 64;
	r->tcp_flags = RING_TCP_SYN;
	r->tcp_doff = 5;
	r->group = 10;
	r->cpu = 0;
	r->sport = 1234;
	r->dport = 80;
	r->ip_len = 40;
	r->tcp_window = 512;
	r->tcp_seq = 123;
	r->ip_id = 4321;
	r->cap_len = 60;
	r->ifindex_in = 3;
	set_addr(r->saddr, a4_client, 4);
	set_addr(r->daddr, a4_server, 4);
}

static inline void rec_udp6(struct ring_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->ts_ns = TS;
	r->kind = RING_KIND_DROP;
	r->family = 6;
	r->proto = 17;
	r->hook = 2;
	r->ttl = 64;
	r->group = 11;
	r->cpu = 0xffff;
	r->sport = 5353;
	r->dport = 53;
	r->ip_len = 60;
	r->udp_len = 20;
	r->flow_label = 0x12345;
	r->cap_len = 60;
	r->mark = 0x10;
	r->ifindex_out = 4;
	set_addr(r->saddr, a6_client, 16);
	set_addr(r->daddr, a6_server, 16);
}

/* Port unreachable quoting the UDP datagram that provoked it. */
static inline void rec_icmp4(struct ring_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->ts_ns = TS;
	r->kind = RING_KIND_DROP;
	r->family = 4;
	r->proto = 1;
	r->hook = 1;
	r->ip_flags = RING_IPF_HAVE_INNER;
	r->ttl = 63;
	r->tos = 0xc0;
	r->icmp_type = 3;
	r->icmp_code = 3;
	r->inner_family = 4;
	r->inner_proto = 17;
	r->group = 10;
	r->cpu = 1;
	r->ip_len = 56;
	r->ip_id = 7;
	r->cap_len = 56;
	r->inner_sport = 5353;
	r->inner_dport = 53;
	r->ifindex_in = 3;
	r->ifindex_out = 5;
	set_addr(r->saddr, a4_client, 4);
	set_addr(r->daddr, a4_server, 4);
	set_addr(r->inner_saddr, a4_server, 4);
	set_addr(r->inner_daddr, a4_client, 4);
}

/* Every field out of range: a damaged or hostile ring file. */
static inline void rec_garbage(struct ring_rec *r)
{
	memset(r, 0xff, sizeof(*r));
	r->family = 9;
	r->proto = 200;
	r->status = 7;
	r->why = 99;
	r->hook = 250;
	r->kind = 77;
	r->ifindex_in = 0;
	r->ifindex_out = 0;
}

static const struct recfmt_ctx ctx_none = { NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL };

static inline void __attribute__((format(printf, 3, 4))) fmt(char *dst, size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(dst, size, f, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < size);
}

typedef int (*fmt_fn)(char *, size_t, const struct ring_rec *, const struct recfmt_ctx *);

/* Every buffer size from 0 to one past the need, each an exact allocation. */
static inline void check_sizes(fmt_fn fn, const struct ring_rec *r, const struct recfmt_ctx *c)
{
	char full[RECFMT_LINE_MAX];
	int need = fn(full, sizeof(full), r, c);
	size_t size;

	assert_true(need > 0 && need < (int)sizeof(full));
	assert_int_equal(fn(NULL, 0, r, c), need);
	for (size = 1; size <= (size_t)need + 1; size++) {
		char *b = malloc(size);
		size_t kept = size - 1 < (size_t)need ? size - 1 : (size_t)need;

		assert_non_null(b);
		assert_int_equal(fn(b, size, r, c), need);
		assert_int_equal(strlen(b), kept);
		assert_memory_equal(b, full, kept);
		free(b);
	}
}

#endif
