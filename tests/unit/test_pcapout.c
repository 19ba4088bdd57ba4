/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pcapout.c - ring records as pcap: the global header readers recognise
 * (nanosecond magic, version 2.4, LINKTYPE_RAW), per-packet headers with
 * caplen = raw_len and len = the length on the wire, and the records that
 * must not become packets. The e2e case (90-outputs.sh) reads a whole file
 * with tcpdump.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "report/pcapout.h"

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static void test_file_hdr(void **state)
{
	uint8_t h[PCAPOUT_FILE_HDR];

	memset(h, 0xee, sizeof(h));
	pcapout_file_hdr(h, RING_RAW_LEN_V0, PCAPOUT_LINKTYPE_RAW);
	assert_int_equal(get32(h), 0xa1b23c4d);
	assert_int_equal(get16(h + 4), 2);
	assert_int_equal(get16(h + 6), 4);
	assert_int_equal(get32(h + 8), 0);
	assert_int_equal(get32(h + 12), 0);
	assert_int_equal(get32(h + 16), 72);
	assert_int_equal(get32(h + 20), 101);
}

static struct ring_rec v4_syn(void)
{
	/* 20-byte IPv4 header + 20-byte TCP SYN, 198.51.100.7 -> 192.0.2.1:27374 */
	static const uint8_t pkt[40] = {
		0x45, 0, 0, 40, 0x12, 0x34, 0, 0, 64, 6, 0, 0, 198, 51, 100, 7, 192, 0, 2, 1,
		0x0b, 0xb9, 0x6a, 0xee, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x02, 0, 0, 0, 0, 0,
	};
	struct ring_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = RING_KIND_DROP;
	r.family = 4;
	r.ts_ns = 1700000000ull * 1000000000ull + 123456789;
	r.ip_len = 40;
	r.raw_len = sizeof(pkt);
	memcpy(r.raw, pkt, sizeof(pkt));
	return r;
}

static void test_rec_hdr(void **state)
{
	struct ring_rec r = v4_syn();
	uint8_t h[PCAPOUT_REC_HDR];

	assert_int_equal(pcapout_rec_hdr(h, &r), 40);
	assert_int_equal(get32(h), 1700000000u);
	assert_int_equal(get32(h + 4), 123456789u);
	assert_int_equal(get32(h + 8), 40);
	assert_int_equal(get32(h + 12), 40);

	/* A big packet of which the ring kept the first 72 bytes. */
	r.ip_len = 1500;
	r.raw_len = RING_RAW_LEN;
	assert_int_equal(pcapout_rec_hdr(h, &r), RING_RAW_LEN);
	assert_int_equal(get32(h + 8), RING_RAW_LEN);
	assert_int_equal(get32(h + 12), 1500);

	/* A length field smaller than what was captured: len is never < caplen. */
	r.ip_len = 20;
	assert_int_equal(pcapout_rec_hdr(h, &r), RING_RAW_LEN);
	assert_int_equal(get32(h + 12), RING_RAW_LEN);

	/* IPv6 */
	r = v4_syn();
	r.family = 6;
	r.raw[0] = 0x60;
	r.ip_len = 60;
	assert_int_equal(pcapout_rec_hdr(h, &r), 40);
	assert_int_equal(get32(h + 12), 60);
}

static void test_refused(void **state)
{
	uint8_t h[PCAPOUT_REC_HDR];
	struct ring_rec r;

	r = v4_syn();
	r.kind = RING_KIND_ALERT;
	assert_int_equal(pcapout_rec_hdr(h, &r), -EINVAL);
	r = v4_syn();
	r.raw_len = 0;				/* NFLOG delivered no payload */
	assert_int_equal(pcapout_rec_hdr(h, &r), -EINVAL);
	r = v4_syn();
	r.raw_len = RING_RAW_LEN_V0 + 1;	/* damaged */
	assert_int_equal(pcapout_rec_hdr(h, &r), -EINVAL);
	r.raw_len = RING_RAW_LEN_V0;		/* a layout 0 record holds 72 */
	assert_int_equal(pcapout_rec_hdr(h, &r), RING_RAW_LEN_V0);
	r.klass.layout = RING_LAYOUT_HW;	/* ... a layout 1 record only 56 */
	assert_int_equal(pcapout_rec_hdr(h, &r), -EINVAL);
	r.raw_len = RING_RAW_LEN;
	assert_int_equal(pcapout_rec_hdr(h, &r), RING_RAW_LEN);
	r = v4_syn();
	r.family = 0;				/* not IP */
	assert_int_equal(pcapout_rec_hdr(h, &r), -EINVAL);
	r = v4_syn();
	r.family = 6;				/* bytes say IPv4 */
	assert_int_equal(pcapout_rec_hdr(h, &r), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_hdr),
		cmocka_unit_test(test_rec_hdr),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
