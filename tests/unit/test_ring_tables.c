/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_ring_tables.c - ring file: the prefix, interface and counter tables, counter names. */
#include "ring/ringnames.h"
#include "ring_fixture.h"

static void test_prefix_table(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct ring_reader *rr = rr_new(f, f->path);
	struct ring_writer w0, w1;
	char name[32], buf[RING_PREFIX_LEN + 8], long1[201], long2[201];
	unsigned i;

	ring_writer_init(r, &w0, 0, 10, 0);
	ring_writer_init(r, &w1, 1, 11, 1);
	assert_int_equal(ring_prefix_id(&w0, "drop-a", 6), 0);
	assert_int_equal(ring_prefix_id(&w0, "drop-a", 6), 0);
	assert_int_equal(ring_prefix_id(&w0, "drop-b", 6), 1);
	/* len counts, not the NUL: "drop-abc" cut at 6 is "drop-a". */
	assert_int_equal(ring_prefix_id(&w0, "drop-abc", 6), 0);
	assert_int_equal(ring_prefix_id(&w0, "drop-", 5), 2);
	assert_int_equal(ring_prefix_id(&w0, "drop-a", 6), 0);
	for (i = 3; i < RING_PREFIXES; i++) {
		snprintf(name, sizeof(name), "p%u", i);
		assert_int_equal(ring_prefix_id(&w0, name, strlen(name)), i);
	}
	assert_int_equal(ringread_seg(rr, 0)->nprefixes, RING_PREFIXES);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_PREFIX_FULL), 0);
	assert_int_equal(ring_prefix_id(&w0, "one-too-many", 12), RING_PREFIX_NONE);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_PREFIX_FULL), 1);
	assert_int_equal(ring_prefix_id(&w0, "another", 7), RING_PREFIX_NONE);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_PREFIX_FULL), 2);
	/* A full table still finds what it has. */
	assert_int_equal(ring_prefix_id(&w0, "drop-b", 6), 1);
	assert_int_equal(ring_prefix_id(&w0, "p14", 3), 14);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_PREFIX_FULL), 2);

	assert_string_equal(ringread_prefix(rr, 0, 0, buf, sizeof(buf)), "drop-a");
	assert_string_equal(ringread_prefix(rr, 0, 1, buf, sizeof(buf)), "drop-b");
	assert_string_equal(ringread_prefix(rr, 0, 2, buf, sizeof(buf)), "drop-");
	assert_string_equal(ringread_prefix(rr, 0, 14, buf, sizeof(buf)), "p14");
	assert_null(ringread_prefix(rr, 0, RING_PREFIXES, buf, sizeof(buf)));
	assert_null(ringread_prefix(rr, 0, RING_PREFIX_NONE, buf, sizeof(buf)));
	assert_null(ringread_prefix(rr, 0, 0, buf, 0));
	assert_string_equal(ringread_prefix(rr, 0, 0, buf, 4), "dro");

	/* Segments have separate tables; a 200-char prefix keeps 127. */
	assert_null(ringread_prefix(rr, 1, 0, buf, sizeof(buf)));
	memset(long1, 'x', 200);
	long1[200] = '\0';
	memcpy(long2, long1, sizeof(long2));
	long2[150] = 'y';
	assert_int_equal(ring_prefix_id(&w1, long1, 200), 0);
	assert_int_equal(ringread_ctr(rr, 1, RING_CTR_PREFIX_FULL), 0);
	assert_non_null(ringread_prefix(rr, 1, 0, buf, sizeof(buf)));
	assert_int_equal(strlen(buf), RING_PREFIX_LEN - 1);
	assert_memory_equal(buf, long1, RING_PREFIX_LEN - 1);
	assert_int_equal(ring_prefix_id(&w1, long1, 200), 0);
	assert_int_equal(ring_prefix_id(&w1, long2, 200), 0);	/* same first 127 */
	assert_int_equal(ring_prefix_id(&w1, long1, RING_PREFIX_LEN - 1), 0);
	assert_int_equal(ring_prefix_id(&w1, long1, 126), 1);

	/* Drop records count per prefix; alerts and prefix-less records do not. */
	{
		struct ring_rec rec;
		uint8_t ids[] = { 1, 1, 0, RING_PREFIX_NONE, 1 };

		for (i = 0; i < sizeof(ids); i++) {
			memset(&rec, 0, sizeof(rec));
			rec.kind = RING_KIND_DROP;
			rec.prefix_id = ids[i];
			ring_append(&w1, &rec);
		}
		rec.kind = RING_KIND_ALERT;
		rec.prefix_id = 0;
		ring_append(&w1, &rec);
	}
	assert_int_equal(ringread_prefix_count(rr, 1, 0), 1);
	assert_int_equal(ringread_prefix_count(rr, 1, 1), 3);
	assert_int_equal(ringread_prefix_count(rr, 1, 2), 0);
	assert_int_equal(ringread_prefix_count(rr, 0, 1), 0);
	assert_int_equal(ringread_prefix_count(rr, 1, RING_PREFIX_NONE), 0);
	assert_int_equal(ringread_prefix_count(rr, 9, 0), 0);
	ringread_close(rr);
	ring_close(r);
}

static void test_iface_table(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct ring_reader *rr = rr_new(f, f->path);
	const struct ring_file_hdr *h = ringread_hdr(rr);
	struct ring_iface ifs[RING_IFACES + 6];
	char buf[RING_IFNAMSIZ], small[4];
	unsigned i;

	memset(ifs, 0, sizeof(ifs));
	ifs[0].ifindex = 1;
	strcpy(ifs[0].name, "lo");
	ifs[1].ifindex = 3;
	strcpy(ifs[1].name, "veth1");
	ifs[2].ifindex = 70000;
	memset(ifs[2].name, 'z', RING_IFNAMSIZ);	/* no NUL */
	assert_null(ringread_ifname(rr, 1, buf, sizeof(buf)));
	ring_set_ifaces(r, ifs, 3);
	assert_int_equal(h->iface_gen, 2);
	assert_string_equal(ringread_ifname(rr, 1, buf, sizeof(buf)), "lo");
	assert_string_equal(ringread_ifname(rr, 3, buf, sizeof(buf)), "veth1");
	assert_string_equal(ringread_ifname(rr, 70000, buf, sizeof(buf)),
			    "zzzzzzzzzzzzzzz");
	assert_string_equal(ringread_ifname(rr, 3, small, sizeof(small)), "vet");
	assert_null(ringread_ifname(rr, 2, buf, sizeof(buf)));
	assert_null(ringread_ifname(rr, 0, buf, sizeof(buf)));
	assert_null(ringread_ifname(rr, 1, buf, 0));

	/* A new table replaces the old one entirely. */
	ring_set_ifaces(r, &ifs[1], 1);
	assert_int_equal(h->iface_gen, 4);
	assert_null(ringread_ifname(rr, 1, buf, sizeof(buf)));
	assert_string_equal(ringread_ifname(rr, 3, buf, sizeof(buf)), "veth1");
	assert_null(ringread_ifname(rr, 70000, buf, sizeof(buf)));

	/* More than fit: the first RING_IFACES are kept. */
	for (i = 0; i < RING_IFACES + 6; i++) {
		ifs[i].ifindex = 100 + i;
		snprintf(ifs[i].name, sizeof(ifs[i].name), "if%u", 100 + i);
	}
	ring_set_ifaces(r, ifs, RING_IFACES + 6);
	assert_string_equal(ringread_ifname(rr, 100, buf, sizeof(buf)), "if100");
	assert_string_equal(ringread_ifname(rr, 100 + RING_IFACES - 1, buf, sizeof(buf)),
			    "if163");
	assert_null(ringread_ifname(rr, 100 + RING_IFACES, buf, sizeof(buf)));
	ringread_close(rr);
	ring_close(r);
}

static void test_counters(void **state)
{
	struct fx *f = *state;
	struct ring *r = ring_new(f, f->path, 2, SLOTS, NULL, 0);
	struct ring_reader *rr = rr_new(f, f->path);
	struct ring_writer w0, w1;
	unsigned c;

	ring_writer_init(r, &w0, 0, 10, 0);
	ring_writer_init(r, &w1, 1, 11, 1);
	for (c = 0; c < __RING_CTR_MAX; c++) {
		ring_ctr_add(w0.hdr, c, c + 1);
		ring_ctr_add(w0.hdr, c, 1000);
		ring_ctr_set(w1.hdr, c, UINT64_C(1) << 40 | c);
	}
	for (c = 0; c < __RING_CTR_MAX; c++) {
		assert_int_equal(ringread_ctr(rr, 0, c), c + 1001);
		assert_int_equal(ringread_ctr(rr, 1, c), UINT64_C(1) << 40 | c);
	}
	ring_ctr_set(w0.hdr, RING_CTR_DROPS_PENDING, 0);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_DROPS_PENDING), 0);
	ring_ctr_add(w1.hdr, RING_CTR_BATCHES, 1);
	assert_int_equal(ringread_ctr(rr, 1, RING_CTR_BATCHES),
			 (UINT64_C(1) << 40 | RING_CTR_BATCHES) + 1);
	/* Reserved slots read as zero; past the block there is nothing. */
	assert_int_equal(ringread_ctr(rr, 0, __RING_CTR_MAX), 0);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_SLOTS - 1), 0);
	assert_int_equal(ringread_ctr(rr, 0, RING_CTR_SLOTS), 0);
	assert_int_equal(ringread_ctr(rr, 0, UINT32_MAX), 0);
	ringread_close(rr);
	ring_close(r);
}

static void test_ctr_names(void **state)
{
	/* A counter's index and name are its on-disk identity (stats --json). */
	static const char *const want[] = {
		"received", "recorded", "lost_seq", "enobufs", "sock_drops",
		"truncated", "invalid", "bad_msg", "msg_trunc", "no_seq",
		"seq_reset", "ipv4", "ipv6", "l3_other", "tcp", "udp", "icmp",
		"icmpv6", "l4_other", "fragment", "prefix_full", "batches",
		"drops_pending", "verdict_unknown", "verdict_expected", "verdict_noise",
		"verdict_suspicious", "verdict_hostile", "kb_full", "corr_lapped",
		"corr_evicted", "alerts",
	};
	unsigned c, d;

	(void)state;
	assert_int_equal(sizeof(want) / sizeof(want[0]), __RING_CTR_MAX);
	for (c = 0; c < __RING_CTR_MAX; c++) {
		assert_non_null(ring_ctr_name(c));
		assert_string_equal(ring_ctr_name(c), want[c]);
		for (d = 0; d < c; d++)
			assert_string_not_equal(ring_ctr_name(c), ring_ctr_name(d));
	}
	assert_null(ring_ctr_name(__RING_CTR_MAX));
	assert_null(ring_ctr_name(RING_CTR_SLOTS));
	assert_null(ring_ctr_name(UINT32_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctr_names),
		T(test_prefix_table),
		T(test_iface_table),
		T(test_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
