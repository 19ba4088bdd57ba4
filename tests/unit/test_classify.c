/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_classify.c - classification of hand-built packets against the built-in kb and a host address table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <string.h>

#include <linux/if_arp.h>
#include <linux/netfilter.h>	/* after netinet/in.h */

#include "classify/classify.h"
#include "classify/kb.h"
#include "localnet/addrtab.h"

static struct classify *cls;
static struct addrtab *local;		/* the host of these tests, below */
static const uint8_t own_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

/* ifindex 2 (MAC own_mac): 192.0.2.1/24, 10.20.0.1/16, 203.0.113.1/27,
 * 2001:db8::1/64. */
static struct addrtab *test_table(void)
{
	static const struct { unsigned family, plen; uint8_t a[16]; } addrs[] = {
		{ 4, 24, { 192, 0, 2, 1 } }, { 4, 16, { 10, 20, 0, 1 } },
		{ 4, 27, { 203, 0, 113, 1 } },
		{ 6, 64, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } },
	};
	struct addrtab_build *b = addrtab_build_new();
	struct addrtab *t;
	size_t i;

	if (!b)
		return NULL;
	addrtab_build_link(b, true, 2, own_mac, 6, 0, "eth0");
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
		addrtab_build_addr(b, true, addrs[i].family, addrs[i].a, addrs[i].plen, 2, NULL);
	t = addrtab_freeze(b);
	addrtab_build_free(b);
	return t;
}

static int setup(void **state)
{
	(void)state;
	cls = classify_new(kb_builtin());
	local = test_table();
	return cls && local ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	classify_free(cls);
	addrtab_free(local);
	return 0;
}

static void v4(uint8_t *a, unsigned x, unsigned y, unsigned z, unsigned w)
{
	memset(a, 0, 16);
	a[0] = (uint8_t)x;
	a[1] = (uint8_t)y;
	a[2] = (uint8_t)z;
	a[3] = (uint8_t)w;
}

/* A TCP/UDP packet from 198.51.100.7 (TTL 52) to 192.0.2.1. */
static struct pkt mk(uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct pkt p;

	memset(&p, 0, sizeof(p));
	p.family = 4;
	p.proto = proto;
	p.ttl = 52;
	p.ip_id = 1234;
	p.ip_len = 40;
	p.sport = sport;
	p.dport = dport;
	p.udp_len = 20;
	p.tcp_flags = RING_TCP_SYN;
	v4(p.saddr, 198, 51, 100, 7);
	v4(p.daddr, 192, 0, 2, 1);
	return p;
}

static uint32_t tags_of(const struct pkt *p, struct ring_klass *k)
{
	classify_packet(cls, local, p, k);
	return k->tags;
}

static void test_scan_styles(void **state)
{
	static const struct { uint8_t flags; uint32_t tag; } cases[] = {
		{ 0, RING_TAG_SCAN_NULL },
		{ RING_TCP_FIN, RING_TAG_SCAN_FIN },
		{ RING_TCP_FIN | RING_TCP_PSH | RING_TCP_URG, RING_TAG_SCAN_XMAS },
		{ RING_TCP_FIN | RING_TCP_ACK, RING_TAG_SCAN_MAIMON },
		{ RING_TCP_SYN | RING_TCP_FIN, RING_TAG_SCAN_SYNFIN },
		{ RING_TCP_ACK, RING_TAG_SCAN_ACK },
		{ RING_TCP_SYN | RING_TCP_RST, RING_TAG_SYN_ODD },
		{ RING_TCP_SYN | RING_TCP_URG, RING_TAG_SYN_ODD },
		{ RING_TCP_SYN, 0 },
		{ RING_TCP_SYN | RING_TCP_ECE | RING_TCP_CWR, 0 },	/* ECN setup is normal */
	};
	const uint32_t styles = RING_TAG_SCAN_NULL | RING_TAG_SCAN_FIN | RING_TAG_SCAN_XMAS |
				RING_TAG_SCAN_MAIMON | RING_TAG_SCAN_SYNFIN | RING_TAG_SCAN_ACK |
				RING_TAG_SYN_ODD;
	struct ring_klass k;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pkt p = mk(6, 40000, 80);

		p.tcp_flags = cases[i].flags;
		assert_int_equal(tags_of(&p, &k) & styles, cases[i].tag);
		if (cases[i].tag)
			assert_true(k.verdict >= KB_VERDICT_SUSPICIOUS);
	}
}

static void test_port_rows(void **state)
{
	const struct kb *kb = kb_builtin();
	const struct kb_port *row = kb_port_lookup(kb, KB_DIR_DST, 6, 27374);
	struct ring_klass k;
	struct pkt p = mk(6, 40000, 27374);
	int slot;

	(void)state;
	assert_non_null(row);
	slot = classify_packet(cls, local, &p, &k);
	assert_int_equal(k.kb_id, row->id);
	assert_int_equal(k.kb_dport, row->id);
	assert_int_equal(k.category, row->category);
	assert_true(k.verdict >= row->verdict);
	assert_true(slot >= 0);
	/* The counter slot names the same row. */
	{
		uint16_t ids[RING_KB_SLOTS];
		size_t n = classify_counter_ids(cls, ids, RING_KB_SLOTS);

		assert_true((size_t)slot < n);
		assert_int_equal(ids[slot], row->id);
	}
}

/* 53 -> 40000: the source port is the informative one, and it is piercing. */
static void test_source_port_informative(void **state)
{
	const struct kb_port *dns = kb_port_lookup(kb_builtin(), KB_DIR_SRC, 17, 53);
	struct ring_klass k;
	struct pkt p = mk(17, 53, 40000);

	(void)state;
	assert_non_null(dns);
	assert_true(tags_of(&p, &k) & RING_TAG_PIERCE);
	assert_int_equal(k.kb_id, dns->id);
	assert_int_equal(k.kb_sport, dns->id);
	assert_true(k.verdict >= KB_VERDICT_SUSPICIOUS);
	p = mk(17, 53, 53);			/* server to server: not piercing */
	assert_false(tags_of(&p, &k) & RING_TAG_PIERCE);
}

static void test_single_packet_signatures(void **state)
{
	struct ring_klass k;
	struct pkt p;
	uint8_t v;

	(void)state;
	p = mk(17, 40000, 7);
	v4(p.daddr, 192, 0, 2, 255);
	assert_int_equal(tags_of(&p, &k) & (RING_TAG_FRAGGLE | RING_TAG_BCAST_DST),
			 RING_TAG_FRAGGLE | RING_TAG_BCAST_DST);
	assert_int_equal(k.verdict, KB_VERDICT_HOSTILE);

	p = mk(17, 40000, 7);			/* echo to a host: not fraggle */
	assert_false(tags_of(&p, &k) & RING_TAG_FRAGGLE);

	p = mk(17, 40000, 1434);
	p.ip_len = 404;
	assert_true(tags_of(&p, &k) & RING_TAG_SLAMMER);
	assert_int_equal(k.verdict, KB_VERDICT_HOSTILE);
	p.ip_len = 60;
	assert_false(tags_of(&p, &k) & RING_TAG_SLAMMER);

	p = mk(17, 31790, 31789);
	assert_true(tags_of(&p, &k) & RING_TAG_HACKATACK);
	assert_int_equal(k.verdict, KB_VERDICT_HOSTILE);

	p = mk(17, 137, 137);
	p.udp_len = 58;
	assert_true(tags_of(&p, &k) & RING_TAG_NBSTAT);
	assert_true(k.verdict <= KB_VERDICT_NOISE);

	p = mk(17, 7, 19);
	assert_true(tags_of(&p, &k) & RING_TAG_ECHO_LOOP);

	p = mk(6, 0, 143);
	assert_true(tags_of(&p, &k) & RING_TAG_PORT_ZERO);

	p = mk(6, 40000, 80);
	memcpy(p.saddr, p.daddr, 16);
	assert_true(tags_of(&p, &k) & RING_TAG_LAND);
	assert_int_equal(k.verdict, KB_VERDICT_HOSTILE);

	/* sscan's ID is named, but one packet in 65,536 carries it by chance:
	 * the row's verdict stands (the same packet with another ID) */
	p = mk(6, 40000, 113);
	(void)tags_of(&p, &k);
	v = k.verdict;
	p.ip_id = 39426;
	assert_true(tags_of(&p, &k) & RING_TAG_CRAFTED_IPID);
	assert_int_equal(k.verdict, v);
	assert_true(v < KB_VERDICT_SUSPICIOUS);
}

static void test_addresses(void **state)
{
	const struct kb *kb = kb_builtin();
	struct ring_klass k;
	struct pkt p;

	(void)state;
	p = mk(6, 40000, 80);
	v4(p.saddr, 10, 1, 2, 3);
	assert_true(tags_of(&p, &k) & RING_TAG_MARTIAN_SRC);
	assert_int_equal(k.src_class, kb_addr_lookup(kb, 4, p.saddr)->id);
	assert_string_equal(kb_addr_by_id(kb, k.src_class)->cls, "private");

	v4(p.saddr, 169, 254, 1, 1);
	assert_true(tags_of(&p, &k) & RING_TAG_MARTIAN_SRC);
	assert_string_equal(kb_addr_by_id(kb, k.src_class)->cls, "link-local");

	v4(p.saddr, 127, 0, 0, 1);
	assert_true(tags_of(&p, &k) & RING_TAG_BOGON_SRC);
	v4(p.saddr, 240, 1, 1, 1);
	assert_true(tags_of(&p, &k) & RING_TAG_BOGON_SRC);

	/* A DHCP client without an address is not a bogon. */
	p = mk(17, 68, 67);
	v4(p.saddr, 0, 0, 0, 0);
	v4(p.daddr, 255, 255, 255, 255);
	assert_false(tags_of(&p, &k) & RING_TAG_BOGON_SRC);
	assert_true(k.tags & RING_TAG_BCAST_DST);
	assert_string_equal(kb_addr_by_id(kb, k.dst_class)->cls, "limited-broadcast");

	p = mk(6, 40000, 80);
	v4(p.saddr, 8, 8, 8, 8);
	assert_false(tags_of(&p, &k) & (RING_TAG_MARTIAN_SRC | RING_TAG_BOGON_SRC));
	assert_int_equal(k.src_class, 0);
}

/* Every address class in kb/addresses.tsv has a decided meaning as a source:
 * a new class in the data must be added here (and in classify.c) on purpose. */
static void test_every_address_class(void **state)
{
	static const char *const bogon[] = {
		"this-network", "unspecified", "loopback", "multicast", "reserved",
		"limited-broadcast", "v4-mapped", "link-scope-multicast",
		"local-network-control", "ssdp", "mdns", "llmnr", "all-nodes", NULL,
	};
	static const char *const martian[] = {
		"private", "shared-cgn", "link-local", "benchmarking", "unique-local",
		"ietf-protocol", "nat64-local", NULL,
	};
	static const char *const ordinary[] = {
		"documentation", "adware", "teredo", "6to4", "6to4-relay", "nat64", NULL,
	};
	const struct kb *kb = kb_builtin();
	const struct kb_addr *row;
	size_t i, j;

	(void)state;
	for (i = 0; (row = kb_addr_at(kb, i)) != NULL; i++) {
		struct ring_klass k;
		struct pkt p = mk(6, 40000, 80);
		uint32_t want = 0;
		int known = 0;

		for (j = 0; bogon[j]; j++)
			if (!strcmp(row->cls, bogon[j]))
				want = RING_TAG_BOGON_SRC, known = 1;
		for (j = 0; martian[j]; j++)
			if (!strcmp(row->cls, martian[j]))
				want = RING_TAG_MARTIAN_SRC, known = 1;
		for (j = 0; ordinary[j]; j++)
			if (!strcmp(row->cls, ordinary[j]))
				known = 1;
		if (!known)
			fail_msg("address class '%s' (row %u) has no decided meaning", row->cls,
				 row->id);
		p.family = row->family;
		memcpy(p.saddr, row->prefix, 16);
		if (row->family == 4 && row->plen < 32)
			p.saddr[3] |= 1;	/* a host inside the prefix */
		if (row->family == 6 && row->plen < 128)
			p.saddr[15] |= 1;
		if (row->family == 6)
			memcpy(p.daddr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
		classify_packet(cls, local, &p, &k);
		if (kb_addr_lookup(kb, row->family, p.saddr) != row)
			continue;	/* a longer prefix inside this one took the host */
		assert_int_equal(k.src_class, row->id);
		assert_int_equal(k.tags & (RING_TAG_BOGON_SRC | RING_TAG_MARTIAN_SRC), want);
	}
}

static void test_ttl(void **state)
{
	const struct kb *kb = kb_builtin();
	static const struct { uint8_t ttl, initial, hops; int crafted; } cases[] = {
		{ 64, 64, 0, 0 }, { 52, 60, 8, 0 }, { 61, 64, 3, 0 }, { 128, 128, 0, 0 }, { 113, 128, 15, 0 },
		{ 250, 255, 5, 0 }, { 200, 255, 55, 1 }, { 90, 128, 38, 1 }, { 1, 32, 31, 0 },
	};
	struct ring_klass k;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pkt p = mk(6, 40000, 80);

		p.ttl = cases[i].ttl;
		classify_packet(cls, local, &p, &k);
		assert_int_equal(k.ttl_initial, cases[i].initial);
		assert_int_equal(k.ttl_hops, cases[i].hops);
		assert_int_equal(!!(k.tags & RING_TAG_CRAFTED_TTL), cases[i].crafted);
		assert_int_equal(k.os_hint, kb_ttl_lookup(kb, cases[i].initial)->id);
	}
}

static void test_icmp(void **state)
{
	const struct kb *kb = kb_builtin();
	struct ring_klass k;
	struct pkt p = mk(1, 0, 0);
	int slot;

	(void)state;
	p.icmp_type = 3;
	p.icmp_code = 4;
	slot = classify_packet(cls, local, &p, &k);
	assert_int_equal(k.kb_icmp, kb_icmp_lookup(kb, 4, 3, 4)->id);
	assert_int_equal(k.verdict, KB_VERDICT_EXPECTED);
	assert_true(slot >= 0);

	p.icmp_type = 8;
	p.icmp_code = 0;
	v4(p.daddr, 192, 0, 2, 255);
	assert_true(tags_of(&p, &k) & RING_TAG_BCAST_PING);

	p = mk(58, 0, 0);
	p.family = 6;
	p.icmp_type = 2;
	classify_packet(cls, local, &p, &k);
	assert_int_equal(k.kb_icmp, kb_icmp_lookup(kb, 6, 2, 0)->id);
	assert_int_equal(k.verdict, KB_VERDICT_EXPECTED);
}

static void test_not_ip(void **state)
{
	struct ring_klass k;
	struct pkt p;

	(void)state;
	memset(&p, 0, sizeof(p));
	memset(&k, 0xa5, sizeof(k));
	assert_int_equal(classify_packet(cls, local, &p, &k), -1);
	assert_int_equal(k.tags, 0);
	assert_int_equal(k.kb_id, 0);
	assert_int_equal(k.verdict, KB_VERDICT_UNKNOWN);
}

/* Ports of a non-first fragment are not in the packet: no port row, no tags. */
static void test_fragment(void **state)
{
	struct ring_klass k;
	struct pkt p = mk(6, 0, 0);

	(void)state;
	p.ip_flags = RING_IPF_FRAGMENT;
	p.tcp_flags = 0;
	classify_packet(cls, local, &p, &k);
	assert_int_equal(k.kb_id, 0);
	assert_false(k.tags & (RING_TAG_PORT_ZERO | RING_TAG_SCAN_NULL));
}

/* An Ethernet header the kernel gave: from 02:00:00:00:00:99 to dst. */
static void eth(struct pkt *p, const uint8_t dst[6])
{
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x99 };

	p->hw.type = ARPHRD_ETHER;
	p->hw.hdr_len = 14;
	p->hw.flags = RING_HWF_DST | RING_HWF_SRC;
	memcpy(p->hw.dst, dst, 6);
	memcpy(p->hw.src, src, 6);
	p->ifindex_in = 2;
}

/* Broadcast is what the link layer or the address table says, never a
 * last octet: .255 inside a /16 is a host, a /27's .31 is its broadcast. */
static void test_broadcast_from_facts(void **state)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x42 };
	struct ring_klass k;
	struct pkt p;

	(void)state;
	p = mk(17, 40000, 7);
	v4(p.daddr, 10, 20, 3, 255);
	eth(&p, own_mac);
	assert_false(tags_of(&p, &k) & (RING_TAG_BCAST_DST | RING_TAG_FRAGGLE));
	assert_int_equal(k.l2, RING_L2_HOST);
	assert_int_equal(k.dst_facts, RING_AF_KNOWN | RING_AF_SUBNET);

	v4(p.daddr, 203, 0, 113, 31);
	assert_true(tags_of(&p, &k) & RING_TAG_BCAST_DST);
	assert_true(k.tags & RING_TAG_FRAGGLE);
	assert_int_equal(k.dst_facts, RING_AF_KNOWN | RING_AF_SUBNET | RING_AF_BCAST);
	v4(p.daddr, 203, 0, 113, 63);		/* outside the /27: a remote .63 */
	assert_false(tags_of(&p, &k) & RING_TAG_BCAST_DST);
	assert_int_equal(k.dst_facts, RING_AF_KNOWN);

	v4(p.daddr, 192, 0, 2, 1);		/* own address, in an L2 broadcast */
	eth(&p, bcast);
	assert_true(tags_of(&p, &k) & RING_TAG_BCAST_DST);
	assert_int_equal(k.l2, RING_L2_BROADCAST);
	assert_int_equal(k.dst_facts, RING_AF_KNOWN | RING_AF_OWN | RING_AF_SUBNET);
	eth(&p, other);
	tags_of(&p, &k);
	assert_int_equal(k.l2, RING_L2_OTHERHOST);
	p.ifindex_in = 7;			/* an interface the table lacks */
	tags_of(&p, &k);
	assert_int_equal(k.l2, RING_L2_UNICAST);

	/* Without a table nothing but 255.255.255.255 and L2 is known. */
	p = mk(17, 40000, 7);
	v4(p.daddr, 192, 0, 2, 255);
	classify_packet(cls, NULL, &p, &k);
	assert_false(k.tags & RING_TAG_BCAST_DST);
	assert_int_equal(k.l2, RING_L2_UNKNOWN);
	assert_int_equal(k.dst_facts, 0);
	v4(p.daddr, 255, 255, 255, 255);
	classify_packet(cls, NULL, &p, &k);
	assert_true(k.tags & RING_TAG_BCAST_DST);
	assert_int_equal(k.dst_facts, RING_AF_LIMITED);
	v4(p.daddr, 224, 0, 0, 251);
	classify_packet(cls, NULL, &p, &k);
	assert_int_equal(k.dst_facts, RING_AF_MCAST);
	assert_false(k.tags & RING_TAG_BCAST_DST);
}

static struct pkt icmp6(uint8_t type, uint8_t hlim, const uint8_t src[16], const uint8_t dst[16])
{
	struct pkt p;

	memset(&p, 0, sizeof(p));
	p.family = 6;
	p.proto = 58;
	p.icmp_type = type;
	p.ttl = hlim;
	memcpy(p.saddr, src, 16);
	memcpy(p.daddr, dst, 16);
	return p;
}

/* RFC 4861: ND at hop limit 255 only; link-local never routed. */
static void test_ipv6_link(void **state)
{
	static const uint8_t ll[16] = { 0xfe, 0x80, [15] = 7 };
	static const uint8_t gua[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };
	static const uint8_t own[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t snm[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff, [15] = 1 };
	struct ring_klass k;
	struct pkt p;
	uint8_t t;

	(void)state;
	for (t = 133; t <= 137; t++) {
		p = icmp6(t, 64, gua, own);
		assert_true(tags_of(&p, &k) & RING_TAG_ND_OFFLINK);
		assert_true(k.verdict >= KB_VERDICT_SUSPICIOUS);
		p.ttl = 255;
		assert_false(tags_of(&p, &k) & RING_TAG_ND_OFFLINK);
	}
	p = icmp6(128, 64, gua, own);		/* echo: any hop limit */
	assert_false(tags_of(&p, &k) & RING_TAG_ND_OFFLINK);

	p = icmp6(135, 255, ll, snm);
	assert_int_equal(tags_of(&p, &k) & (RING_TAG_LINK_CHATTER | RING_TAG_ND_OFFLINK),
			 RING_TAG_LINK_CHATTER);
	assert_int_equal(k.dst_facts & RING_AF_MCAST, RING_AF_MCAST);
	p = icmp6(143, 1, ll, snm);		/* MLDv2 report */
	assert_true(tags_of(&p, &k) & RING_TAG_LINK_CHATTER);
	p = icmp6(134, 255, ll, all_nodes);
	assert_true(tags_of(&p, &k) & RING_TAG_RA_UNSOLICITED);
	p = icmp6(134, 255, ll, own);		/* solicited: unicast */
	assert_false(tags_of(&p, &k) & RING_TAG_RA_UNSOLICITED);

	p = icmp6(128, 64, ll, gua);
	p.hook = NF_INET_FORWARD;
	assert_true(tags_of(&p, &k) & RING_TAG_LL_FORWARDED);
	p.hook = NF_INET_LOCAL_IN;
	assert_false(tags_of(&p, &k) & RING_TAG_LL_FORWARDED);

	p = icmp6(128, 64, gua, own);
	tags_of(&p, &k);
	assert_int_equal(k.dst_facts, RING_AF_KNOWN | RING_AF_OWN | RING_AF_SUBNET);
	assert_int_equal(k.src_facts, RING_AF_KNOWN | RING_AF_SUBNET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_styles),
		cmocka_unit_test(test_port_rows),
		cmocka_unit_test(test_source_port_informative),
		cmocka_unit_test(test_single_packet_signatures),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_every_address_class),
		cmocka_unit_test(test_ttl),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_not_ip),
		cmocka_unit_test(test_fragment),
		cmocka_unit_test(test_broadcast_from_facts),
		cmocka_unit_test(test_ipv6_link),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
