/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_nflogmsg.c - NFLOG packet messages built with libmnl, parsed back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnetfilter_log/libnetfilter_log.h>

#include "capture/nflogmsg.h"
#include "nflogmsg_ref.h"

static const uint8_t test_payload[20] = { 0x45, 0, 0, 20, 0x12, 0x34, 0x40, 0, 64, 6 };

/* A packet message like the kernel builds, with every attribute we read. */
static struct nlmsghdr *build(char *buf, int with_all)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;
	struct nfulnl_msg_packet_hdr ph = { .hw_protocol = htons(0x0800), .hook = 1 };
	struct { uint64_t sec, usec; } ts = { htobe64(1700000000), htobe64(123456) };

	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = NFPROTO_IPV4;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(10);
	mnl_attr_put(nlh, NFULA_PACKET_HDR, sizeof(ph), &ph);
	if (with_all) {
		mnl_attr_put_u32(nlh, NFULA_MARK, htonl(0xdead));
		mnl_attr_put(nlh, NFULA_TIMESTAMP, sizeof(ts), &ts);
		mnl_attr_put_u32(nlh, NFULA_IFINDEX_INDEV, htonl(3));
		mnl_attr_put_u32(nlh, NFULA_IFINDEX_OUTDEV, htonl(4));
		mnl_attr_put_strz(nlh, NFULA_PREFIX, "drop-in");
		mnl_attr_put_u32(nlh, NFULA_SEQ, htonl(77));
	}
	mnl_attr_put(nlh, NFULA_PAYLOAD, sizeof(test_payload), test_payload);
	return nlh;
}

static void test_all_attributes(void **state)
{
	char buf[512];
	struct nflog_msg m;
	struct nlmsghdr *nlh = build(buf, 1);

	(void)state;
	assert_int_equal(nflogmsg_parse(nlh, &m), 0);
	assert_int_equal(m.family, NFPROTO_IPV4);
	assert_int_equal(m.hook, 1);
	assert_int_equal(m.hw_protocol, 0x0800);
	assert_int_equal(m.mark, 0xdead);
	assert_int_equal(m.ifindex_in, 3);
	assert_int_equal(m.ifindex_out, 4);
	assert_true(m.have_seq);
	assert_int_equal(m.seq, 77);
	assert_true(m.ts_ns == 1700000000ull * 1000000000ull + 123456000ull);
	assert_string_equal(m.prefix, "drop-in");
	assert_int_equal(m.prefix_len, 7);
	assert_int_equal(m.payload_len, sizeof(test_payload));
	assert_memory_equal(m.payload, test_payload, sizeof(test_payload));
}

/* Absent attributes are absent, not garbage. */
static void test_optional_attributes(void **state)
{
	char buf[512];
	struct nflog_msg m;

	(void)state;
	assert_int_equal(nflogmsg_parse(build(buf, 0), &m), 0);
	assert_false(m.have_seq);
	assert_null(m.prefix);
	assert_true(m.ts_ns == 0);
	assert_int_equal(m.ifindex_in, 0);
	assert_int_equal(m.mark, 0);
	assert_non_null(m.payload);
}

static void test_not_a_packet(void **state)
{
	char buf[512];
	struct nflog_msg m;
	struct nlmsghdr *nlh = build(buf, 1);

	(void)state;
	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
	assert_int_equal(nflogmsg_parse(nlh, &m), -ENOMSG);
	nlh->nlmsg_type = (NFNL_SUBSYS_QUEUE << 8) | NFULNL_MSG_PACKET;
	assert_int_equal(nflogmsg_parse(nlh, &m), -ENOMSG);
}

/* An attribute whose length runs past the message, or is below the attribute
 * header, makes the message bad instead of being read. */
static void test_bad_attribute_lengths(void **state)
{
	char buf[512];
	struct nflog_msg m;
	struct nlmsghdr *nlh;
	struct nlattr *last;

	(void)state;
	nlh = build(buf, 1);
	last = (void *)((char *)nlh + nlh->nlmsg_len -
			MNL_ALIGN(sizeof(struct nlattr) + sizeof(test_payload)));
	assert_int_equal(mnl_attr_get_type(last), NFULA_PAYLOAD);
	last->nla_len = 200;		/* past the end of the message */
	assert_int_equal(nflogmsg_parse(nlh, &m), -EBADMSG);
	last->nla_len = 2;		/* shorter than its own header */
	assert_int_equal(nflogmsg_parse(nlh, &m), -EBADMSG);

	nlh = build(buf, 0);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;	/* no room for nfgenmsg */
	assert_int_equal(nflogmsg_parse(nlh, &m), -EBADMSG);
}

/* A SEQ attribute of the wrong size is rejected rather than over-read. */
static void test_short_seq(void **state)
{
	char buf[512];
	struct nflog_msg m;
	struct nlmsghdr *nlh = build(buf, 0);
	uint16_t two = 7;
	int rc;

	(void)state;
	mnl_attr_put(nlh, NFULA_SEQ, sizeof(two), &two);
	rc = nflogmsg_parse(nlh, &m);
	assert_true(rc == -EBADMSG || (rc == 0 && !m.have_seq));
}

static void count_cb(const struct nflog_msg *m, void *arg)
{
	unsigned *n = arg;

	assert_int_equal(m->payload_len, sizeof(test_payload));
	(*n)++;
}

/* Three packets and NLMSG_DONE in one datagram, as the kernel batches them. */
static void test_batch(void **state)
{
	static char buf[2048] __attribute__((aligned(4)));
	size_t off = 0;
	unsigned n = 0, i;
	struct nlmsghdr *done;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct nlmsghdr *nlh = build(buf + off, 1);

		off += MNL_ALIGN(nlh->nlmsg_len);
	}
	done = mnl_nlmsg_put_header(buf + off);
	done->nlmsg_type = NLMSG_DONE;
	off += done->nlmsg_len;
	build(buf + off, 1);			/* after DONE: not read */
	assert_int_equal(nflogmsg_batch(buf, off + 200, count_cb, &n), 0);
	assert_int_equal(n, 3);
}

/* Framing that lies is reported once and stops the walk; the length
 * 0x80000010 is the one that sends mnl_cb_run() out of bounds. */
static void test_batch_bad_framing(void **state)
{
	static char buf[1024] __attribute__((aligned(4)));
	struct nlmsghdr *first, *second;
	size_t len;
	unsigned n = 0;

	(void)state;
	first = build(buf, 1);
	second = build(buf + MNL_ALIGN(first->nlmsg_len), 1);
	len = MNL_ALIGN(first->nlmsg_len) + second->nlmsg_len;
	second->nlmsg_len = 0x80000010u;
	assert_int_equal(nflogmsg_batch(buf, len, count_cb, &n), 1);
	assert_int_equal(n, 1);
	second->nlmsg_len = 4;
	n = 0;
	assert_int_equal(nflogmsg_batch(buf, len, count_cb, &n), 1);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(nflogmsg_batch(buf, 10, count_cb, &n), 0);	/* shorter than a header */
	assert_int_equal(n, 0);

	/* A length that fits the datagram but whose aligned length does not:
	 * libmnl's attribute walk would read the missing padding (fuzzer find). */
	first = build(buf, 1);
	first->nlmsg_len -= 2;
	n = 0;
	assert_int_equal(nflogmsg_batch(buf, first->nlmsg_len, count_cb, &n), 1);
	assert_int_equal(n, 0);
}

static uint32_t rnd_state = 2463534242u;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* Our walk against libnetfilter_log's on messages that are almost right:
 * a valid message with a few bytes changed (attribute lengths and types
 * included) and its length cut, and TLV soups of random types and sizes. */
static void test_same_as_library(void **state)
{
	static const uint16_t sizes[] = { 0, 1, 2, 3, 4, 5, 8, 12, 15, 16, 17, 20 };
	_Alignas(4) char buf[1024];
	unsigned i, accepted = 0, refused = 0;

	(void)state;
	for (i = 0; i < 200000; i++) {
		struct nlmsghdr *nlh = build(buf, 1);
		struct nflog_msg ours, ref;
		int a, b;

		if (i & 1) {		/* mutate a built message */
			unsigned n = 1 + rnd() % 4, k;

			for (k = 0; k < n; k++) {
				unsigned off = 20 + rnd() % (nlh->nlmsg_len - 20);

				((uint8_t *)nlh)[off] = (uint8_t)(rnd() % 5 == 0 ? rnd() : rnd() % 24);
			}
			if (rnd() % 4 == 0)
				nlh->nlmsg_len -= rnd() % (nlh->nlmsg_len - 16);
		} else {		/* random attributes */
			unsigned n = rnd() % 8, k;

			nlh = mnl_nlmsg_put_header(buf);
			nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET;
			mnl_nlmsg_put_extra_header(nlh, sizeof(struct nfgenmsg));
			for (k = 0; k < n; k++) {
				uint16_t len = sizes[rnd() % (sizeof(sizes) / sizeof(sizes[0]))];
				uint8_t val[20];

				memset(val, rnd() % 3 ? 'a' : 0, sizeof(val));
				if (rnd() % 2 && len)
					val[len - 1] = 0;
				mnl_attr_put(nlh, (uint16_t)(rnd() % 26 | (rnd() % 8 == 0) << 15),
					     len, val);
			}
		}
		a = nflogmsg_parse(nlh, &ours);
		b = nflogmsg_parse_ref(nlh, &ref);
		assert_int_equal(a, b);
		if (a == 0) {
			assert_true(nflogmsg_same(&ours, &ref));
			accepted++;
		} else {
			refused++;
		}
	}
	/* Both outcomes must be well exercised for the comparison to mean much. */
	assert_true(accepted > 20000);
	assert_true(refused > 20000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_attributes),
		cmocka_unit_test(test_optional_attributes),
		cmocka_unit_test(test_not_a_packet),
		cmocka_unit_test(test_bad_attribute_lengths),
		cmocka_unit_test(test_short_seq),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_batch_bad_framing),
		cmocka_unit_test(test_same_as_library),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
