/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_addrtab.c - the local address table: prefix math, overlaps, deletes, caps, links.
 *
 * Also random changes checked against a brute-force model. The rtnetlink
 * messages that feed the table are in test_addrtab_rtnl.c; the fixture and
 * the address helpers in addrtab_fixture.h.
 */
#include <errno.h>
#include <stdio.h>

#include "addrtab_fixture.h"

static int test_del(struct addrtab_build *b, const char *s, unsigned plen, uint32_t ifindex)
{
	uint8_t a[16];

	test_addr(s, a);
	return addrtab_build_addr(b, false, test_family(s), a, plen, ifindex, NULL);
}

/* addrtab_packet must say hw of a frame to dst_mac arriving on ifx, for
 * IPv4 (a small table's path) and IPv6 (the general one) alike. */
static void test_pkt_hw(const struct addrtab *t, uint32_t ifx, const uint8_t *dst_mac,
			unsigned hw)
{
	uint8_t a[16], b[16];

	test_addr("192.0.2.1", a);
	test_addr("198.51.100.1", b);
	assert_int_equal(addrtab_packet(t, 4, a, b, ifx, dst_mac).hw, hw);
	test_addr("2001:db8::1", a);
	test_addr("2001:db8::2", b);
	assert_int_equal(addrtab_packet(t, 6, a, b, ifx, dst_mac).hw, hw);
}

/* ---- prefix math ---- */

/* /24, /26 (broadcast .63), /27 (.31), and a .255 host inside a /16, which
 * is an ordinary address of that prefix. */
static void test_v4_prefixes(void **state)
{
	struct fx *f = *state;
	const struct addrtab *t;

	assert_int_equal(test_add(f->b, "192.0.2.10", 24, 2), 0);
	assert_int_equal(test_add(f->b, "198.51.100.1", 26, 3), 0);
	assert_int_equal(test_add(f->b, "203.0.113.1", 27, 4), 0);
	assert_int_equal(test_add(f->b, "10.1.2.255", 16, 5), 0);
	t = test_freeze(f);
	test_is(t, "192.0.2.10", OWN | SUBNET, 2);
	test_is(t, "192.0.2.77", SUBNET, 2);
	test_is(t, "192.0.2.0", SUBNET, 2);
	test_is(t, "192.0.2.255", BCAST | SUBNET, 2);
	test_is(t, "192.0.3.1", 0, 0);
	test_is(t, "192.0.1.255", 0, 0);
	test_is(t, "198.51.100.63", BCAST | SUBNET, 3);
	test_is(t, "198.51.100.62", SUBNET, 3);
	test_is(t, "198.51.100.64", 0, 0);
	test_is(t, "198.51.100.255", 0, 0);
	test_is(t, "203.0.113.31", BCAST | SUBNET, 4);
	test_is(t, "203.0.113.32", 0, 0);
	test_is(t, "203.0.113.255", 0, 0);
	test_is(t, "10.1.2.255", OWN | SUBNET, 5);
	test_is(t, "10.1.3.255", SUBNET, 5);
	test_is(t, "10.1.255.255", BCAST | SUBNET, 5);
	test_is(t, "10.2.0.1", 0, 0);
}

/* RFC 3021: a /31 has two hosts and no broadcast; a /32 is the address
 * alone, even with an IFA_BROADCAST. Shorter, IFA_BROADCAST is a broadcast
 * besides prefix|~mask, as in the kernel's local table; 0.0.0.0 means none
 * was set, 255.255.255.255 is no prefix's. */
static void test_v4_broadcasts(void **state)
{
	struct fx *f = *state;
	const struct addrtab *t;

	assert_int_equal(test_add(f->b, "192.0.2.0", 31, 2), 0);
	assert_int_equal(test_add_bc(f->b, "198.51.100.9", 32, 3, "198.51.100.255"), 0);
	assert_int_equal(test_add_bc(f->b, "203.0.113.4", 31, 3, "203.0.113.255"), 0);
	assert_int_equal(test_add_bc(f->b, "10.0.2.1", 24, 4, "10.0.2.200"), 0);
	assert_int_equal(test_add_bc(f->b, "10.0.3.1", 24, 5, "255.255.255.255"), 0);
	assert_int_equal(test_add_bc(f->b, "10.0.4.1", 24, 6, "0.0.0.0"), 0);
	t = test_freeze(f);
	test_is(t, "192.0.2.0", OWN | SUBNET, 2);
	test_is(t, "192.0.2.1", SUBNET, 2);
	test_is(t, "192.0.2.2", 0, 0);
	test_is(t, "192.0.2.255", 0, 0);
	test_is(t, "198.51.100.9", OWN, 3);
	test_is(t, "198.51.100.10", 0, 0);
	test_is(t, "198.51.100.255", 0, 0);
	test_is(t, "203.0.113.5", SUBNET, 3);
	test_is(t, "203.0.113.255", 0, 0);
	test_is(t, "10.0.2.200", BCAST | SUBNET, 4);
	test_is(t, "10.0.2.255", BCAST | SUBNET, 4);
	test_is(t, "10.0.3.255", BCAST | SUBNET, 5);
	test_is(t, "255.255.255.255", LIMITED, 0);
	test_is(t, "10.0.4.255", BCAST | SUBNET, 6);
	test_is(t, "0.0.0.0", 0, 0);
}

/* IPv6: no broadcast, on-link unless /128. Then a /0 of each family makes
 * every address of that family on-link, with no broadcast either. */
static void test_v6_and_0(void **state)
{
	struct fx *f = *state;
	const struct addrtab *t;
	uint8_t v4[16];

	assert_int_equal(test_add(f->b, "2001:db8::1", 64, 2), 0);
	assert_int_equal(test_add(f->b, "::1", 128, 1), 0);
	t = test_freeze(f);
	test_is(t, "2001:db8::1", OWN | SUBNET, 2);
	test_is(t, "2001:db8::ffff:ffff:ffff:ffff", SUBNET, 2);
	test_is(t, "2001:db8:0:1::1", 0, 0);
	test_is(t, "::1", OWN, 1);
	test_is(t, "::2", 0, 0);
	/* The same first four bytes as IPv4: another family, another key. */
	test_addr("32.1.13.184", v4);
	assert_int_equal(addrtab_facts(t, 4, v4, NULL), 0);
	assert_int_equal(addrtab_facts(t, 5, v4, NULL), 0);
	assert_int_equal(test_add(f->b, "192.0.2.1", 0, 3), 0);
	t = test_freeze(f);
	test_is(t, "192.0.2.1", OWN | SUBNET, 3);
	test_is(t, "198.51.100.7", SUBNET, 3);
	test_is(t, "255.255.255.255", SUBNET | LIMITED, 3);
	test_is(t, "fe80::1", 0, 0);
	assert_int_equal(test_add(f->b, "2001:db8::1", 0, 4), 0);
	test_is(test_freeze(f), "fe80::1", SUBNET, 4);
}

/* What an address says by itself comes with the table's answer, from the
 * vector scan of a small table and from the hash of a big one alike. */
static void test_alone_facts(void **state)
{
	struct fx *f = *state;
	const struct addrtab *t;
	unsigned round, i;
	char s[32];

	assert_int_equal(test_add(f->b, "192.0.2.1", 24, 2), 0);
	assert_int_equal(test_add(f->b, "2001:db8::1", 64, 2), 0);
	for (round = 0; round < 2; round++) {
		t = test_freeze(f);
		test_is(t, "224.0.0.1", MCAST, 0);
		test_is(t, "239.255.255.250", MCAST, 0);
		test_is(t, "240.0.0.1", 0, 0);
		test_is(t, "223.255.255.255", 0, 0);
		test_is(t, "255.255.255.255", LIMITED, 0);
		test_is(t, "255.255.255.254", 0, 0);
		test_is(t, "0.0.0.0", 0, 0);
		test_is(t, "192.0.2.255", BCAST | SUBNET, 2);
		test_is(t, "192.0.2.1", OWN | SUBNET, 2);
		test_is(t, "ff02::1", MCAST, 0);
		test_is(t, "fe80::1", 0, 0);
		test_is(t, "2001:db8::1", OWN | SUBNET, 2);
		/* Past 16 IPv4 addresses the table is a hash only. */
		for (i = 0; i < 20; i++) {
			snprintf(s, sizeof(s), "198.51.100.%u", 10 + i);
			assert_int_equal(test_add(f->b, s, 32, 3), 0);
		}
	}
	test_is(t, "198.51.100.29", OWN, 3);
}

/* ---- overlaps, deletes, duplicates ---- */

static void test_overlap(void **state)
{
	struct fx *f = *state;
	const struct addrtab *t;

	assert_int_equal(test_add(f->b, "10.0.0.1", 8, 2), 0);
	assert_int_equal(test_add(f->b, "10.1.0.1", 16, 3), 0);
	assert_int_equal(test_add(f->b, "192.0.2.1", 24, 4), 0);
	assert_int_equal(test_add(f->b, "192.0.2.2", 24, 5), 0);
	t = test_freeze(f);
	test_is(t, "10.1.5.5", SUBNET, 3);		/* the longest prefix */
	test_is(t, "10.2.0.1", SUBNET, 2);
	test_is(t, "10.1.255.255", BCAST | SUBNET, 3);
	test_is(t, "10.255.255.255", BCAST | SUBNET, 2);
	test_is(t, "192.0.2.1", OWN | SUBNET, 4);
	test_is(t, "192.0.2.2", OWN | SUBNET, 5);
	test_is(t, "192.0.2.100", SUBNET, 4);		/* the first address to hold it */
	/* The /16 goes: 10.1/16 falls back to the /8. */
	assert_int_equal(test_del(f->b, "10.1.0.1", 16, 3), 0);
	t = test_freeze(f);
	test_is(t, "10.1.5.5", SUBNET, 2);
	test_is(t, "10.1.255.255", SUBNET, ANY);
	/* One of the two interfaces with 192.0.2.0/24 goes: the prefix stays. */
	assert_int_equal(test_del(f->b, "192.0.2.1", 24, 4), 0);
	t = test_freeze(f);
	test_is(t, "192.0.2.100", SUBNET, 5);
}

static void test_delete_keeps_prefix(void **state)
{
	struct fx *f = *state;
	const struct addrtab *t;
	uint64_t gen;

	assert_int_equal(test_add(f->b, "192.0.2.1", 24, 2), 0);
	assert_int_equal(test_add(f->b, "192.0.2.2", 24, 2), 0);
	gen = addrtab_build_gen(f->b);
	assert_int_equal(test_del(f->b, "192.0.2.1", 24, 2), 0);
	assert_true(addrtab_build_gen(f->b) > gen);
	t = test_freeze(f);
	test_is(t, "192.0.2.1", SUBNET, ANY);
	test_is(t, "192.0.2.2", OWN | SUBNET, ANY);
	test_is(t, "192.0.2.255", BCAST | SUBNET, ANY);
	/* Not there (wrong length, wrong interface, already gone): ignored. */
	gen = addrtab_build_gen(f->b);
	assert_int_equal(test_del(f->b, "192.0.2.2", 25, 2), 0);
	assert_int_equal(test_del(f->b, "192.0.2.2", 24, 3), 0);
	assert_int_equal(test_del(f->b, "192.0.2.1", 24, 2), 0);
	assert_int_equal(addrtab_build_counts(f->b)->ignored, 3);
	assert_int_equal(addrtab_build_gen(f->b), gen);
	assert_int_equal(test_del(f->b, "192.0.2.2", 24, 2), 0);
	test_is(test_freeze(f), "192.0.2.50", 0, 0);
	test_is(f->t, "192.0.2.255", 0, 0);
}

/* The same address again is one entry; a reset forgets all. */
static void test_duplicates(void **state)
{
	struct fx *f = *state;
	const struct addrtab *t;
	uint8_t a[16];
	uint64_t gen;

	assert_int_equal(test_add(f->b, "192.0.2.1", 24, 2), 0);
	gen = addrtab_build_gen(f->b);
	assert_int_equal(test_add(f->b, "192.0.2.1", 24, 2), 0);
	assert_int_equal(addrtab_build_gen(f->b), gen);	/* nothing to republish */
	test_addr("192.0.2.1", a);
	a[7] = 0x55;		/* past an IPv4 address: not part of it */
	assert_int_equal(addrtab_build_addr(f->b, true, 4, a, 24, 2, NULL), 0);
	assert_int_equal(addrtab_build_gen(f->b), gen);
	assert_int_equal(test_add_bc(f->b, "192.0.2.1", 24, 2, "192.0.2.128"), 0);
	assert_true(addrtab_build_gen(f->b) > gen);	/* a new broadcast is a change */
	t = test_freeze(f);
	assert_int_equal(addrtab_naddrs(t), 1);
	test_is(t, "192.0.2.128", BCAST | SUBNET, ANY);
	/* Another interface or length is another address. */
	assert_int_equal(test_add(f->b, "192.0.2.1", 24, 3), 0);
	assert_int_equal(test_add(f->b, "192.0.2.1", 32, 2), 0);
	t = test_freeze(f);
	assert_int_equal(addrtab_naddrs(t), 3);
	assert_int_equal(test_del(f->b, "192.0.2.1", 24, 2), 0);
	assert_int_equal(test_del(f->b, "192.0.2.1", 24, 3), 0);
	t = test_freeze(f);
	test_is(t, "192.0.2.1", OWN, ANY);
	test_is(t, "192.0.2.2", 0, ANY);
	gen = addrtab_build_gen(f->b);
	addrtab_build_reset(f->b);
	assert_true(addrtab_build_gen(f->b) > gen);
	assert_int_equal(addrtab_naddrs(t), 1);		/* snapshots are immutable */
	assert_int_equal(addrtab_naddrs(test_freeze(f)), 0);
}

static void test_link_delete(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	struct fx *f = *state;
	const struct addrtab *t;
	struct addrtab_addr out;
	uint8_t a[16];

	assert_int_equal(addrtab_build_link(f->b, true, 2, mac, 6, 0, "eth0"), 0);
	assert_int_equal(test_add(f->b, "192.0.2.1", 24, 2), 0);
	assert_int_equal(test_add(f->b, "2001:db8::1", 64, 2), 0);
	assert_int_equal(test_add(f->b, "198.51.100.1", 24, 3), 0);
	assert_int_equal(addrtab_build_link(f->b, false, 2, NULL, 0, 0, NULL), 0);
	t = test_freeze(f);
	assert_null(addrtab_link_hwaddr(t, 2, NULL));
	test_is(t, "192.0.2.1", 0, ANY);
	test_is(t, "2001:db8::1", 0, ANY);
	test_is(t, "198.51.100.1", OWN | SUBNET, ANY);
	assert_int_equal(addrtab_naddrs(t), 1);
	assert_true(addrtab_addr_at(t, 0, &out));
	assert_false(addrtab_addr_at(t, 1, &out));
	test_addr("198.51.100.1", a);
	assert_true(out.family == 4 && out.plen == 24 && out.ifindex == 3);
	assert_memory_equal(out.addr, a, 16);
	/* An interface only its addresses told us about goes too. */
	assert_int_equal(addrtab_build_link(f->b, false, 3, NULL, 0, 0, NULL), 0);
	assert_int_equal(addrtab_build_counts(f->b)->ignored, 0);
	assert_int_equal(addrtab_build_link(f->b, false, 9, NULL, 0, 0, NULL), 0);
	assert_int_equal(addrtab_build_counts(f->b)->ignored, 1);
	t = test_freeze(f);
	assert_int_equal(addrtab_naddrs(t), 0);
}

/* ---- caps, NULL, links ---- */

static void test_overflow(void **state)
{
	struct fx *f = *state;
	const struct addrtab *t;
	uint8_t a[16] = { 10 };
	unsigned i;

	for (i = 0; i < ADDRTAB_ADDRS_MAX; i++) {
		a[2] = (uint8_t)(i >> 8);
		a[3] = (uint8_t)i;
		assert_int_equal(addrtab_build_addr(f->b, true, 4, a, 32, 2, NULL), 0);
	}
	a[1] = 1;
	assert_int_equal(addrtab_build_addr(f->b, true, 4, a, 32, 2, NULL), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(addrtab_build_counts(f->b)->overflow, 1);
	t = test_freeze(f);
	assert_int_equal(addrtab_naddrs(t), ADDRTAB_ADDRS_MAX);
	test_is(t, "10.0.0.0", OWN, ANY);
	test_is(t, "10.0.15.255", OWN, ANY);
	test_is(t, "10.1.15.255", 0, ANY);
	/* Room again after a delete. */
	assert_int_equal(test_del(f->b, "10.0.0.0", 32, 2), 0);
	assert_int_equal(addrtab_build_addr(f->b, true, 4, a, 32, 2, NULL), 0);
	for (i = 0; i < ADDRTAB_LINKS_MAX; i++)
		assert_int_equal(addrtab_build_link(f->b, true, 1000 - i, NULL, 0, 0, NULL), 0);
	assert_int_equal(addrtab_build_link(f->b, true, 5000, NULL, 0, 0, NULL), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(addrtab_build_link(f->b, true, 1000, NULL, 0, 1, "x"), 0);	/* known: fine */
	assert_int_equal(addrtab_build_counts(f->b)->overflow, 2);
}

static void test_null_and_bad_args(void **state)
{
	struct addrtab_build *b = ((struct fx *)*state)->b;
	struct addrtab_addr out;
	uint8_t a[16] = { 192, 0, 2, 1 };
	uint32_t ifx = 77;
	size_t len = 9;

	assert_int_equal(addrtab_facts(NULL, 4, a, &ifx), 0);
	assert_int_equal(ifx, 0);
	assert_null(addrtab_link_hwaddr(NULL, 1, &len));
	assert_int_equal(len, 0);
	assert_int_equal(addrtab_naddrs(NULL), 0);
	assert_false(addrtab_addr_at(NULL, 0, &out));
	addrtab_free(NULL);
	addrtab_build_free(NULL);
	assert_int_equal(addrtab_build_addr(b, true, 5, a, 24, 1, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(addrtab_build_addr(b, true, 4, a, 33, 1, NULL), -1);
	assert_int_equal(addrtab_build_addr(b, true, 6, a, 129, 1, NULL), -1);
	assert_int_equal(addrtab_build_addr(b, true, 4, NULL, 24, 1, NULL), -1);
	assert_int_equal(addrtab_build_link(b, true, 1, a, ADDRTAB_HWADDR_MAX + 1, 0, NULL), -1);
	assert_int_equal(addrtab_build_link(b, true, 1, NULL, 6, 0, NULL), -1);
	assert_int_equal(addrtab_build_gen(b), 0);
}

static void test_hwaddr(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0, 0x5e, 0x10, 0, 1 }, mac2[6] = { 0x02, 0, 0, 0, 0, 9 };
	static const uint8_t zero[6];
	struct fx *f = *state;
	const struct addrtab *t;
	uint64_t gen;

	assert_int_equal(addrtab_build_link(f->b, true, 3, mac, 6, 0x1003, "eth0"), 0);
	assert_int_equal(addrtab_build_link(f->b, true, 1, zero, 6, 0x49, "lo"), 0);
	assert_int_equal(addrtab_build_link(f->b, true, 7, NULL, 0, 0x91, "wg0"), 0);
	assert_int_equal(addrtab_build_link(f->b, true, 300, mac2, 6, 0x1003, "veth300"), 0);
	t = test_freeze(f);
	test_hw(t, 3, mac, 6);
	test_hw(t, 1, zero, 6);
	test_hw(t, 7, NULL, 0);		/* a tunnel: none */
	test_hw(t, 2, NULL, 0);		/* unknown */
	test_pkt_hw(t, 3, mac, ADDRTAB_HW_OURS);
	test_pkt_hw(t, 3, mac2, ADDRTAB_HW_OTHER);
	test_pkt_hw(t, 3, NULL, ADDRTAB_HW_UNKNOWN);	/* no Ethernet header */
	test_pkt_hw(t, 7, mac, ADDRTAB_HW_UNKNOWN);	/* the link has no MAC */
	test_pkt_hw(t, 2, mac, ADDRTAB_HW_UNKNOWN);	/* the link is unknown */
	test_pkt_hw(t, 300, mac2, ADDRTAB_HW_OURS);	/* beyond the direct index */
	test_pkt_hw(t, 301, mac2, ADDRTAB_HW_UNKNOWN);
	/* Flags and names are not in snapshots; a new MAC is. */
	gen = addrtab_build_gen(f->b);
	assert_int_equal(addrtab_build_link(f->b, true, 3, mac, 6, 0x1002, "eth0-renamed-long"), 0);
	assert_int_equal(addrtab_build_gen(f->b), gen);
	assert_int_equal(addrtab_build_link(f->b, true, 3, mac2, 6, 0x1002, "eth0"), 0);
	assert_true(addrtab_build_gen(f->b) > gen);
	test_hw(t, 3, mac, 6);		/* the old snapshot is untouched */
	test_hw(test_freeze(f), 3, mac2, 6);
}

/* ---- random operations against a brute-force model ---- */

#define MODEL_N		64

struct model_addr {
	uint32_t	 a;		/* host order */
	unsigned	 plen;
	uint32_t	 ifx;
};

struct model {
	struct model_addr e[MODEL_N];	/* in the builder's order */
	size_t		 n;
};

static uint32_t rnd_state = 2463534242u;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static uint32_t model_mask(unsigned plen)
{
	return plen ? ~0u << (32 - plen) : 0;
}

/* What addrtab_facts should say, by looking at every address: OWN from the
 * first equal one, BCAST from the first whose broadcast it is, SUBNET from
 * the first holding the longest prefix; the interface in that order. */
static unsigned model_facts(const struct model *m, uint32_t x, uint32_t *ifx)
{
	unsigned facts = 0, best = 0;
	bool any = false;
	size_t i;

	*ifx = 0;
	for (i = 0; i < m->n && !(facts & OWN); i++)
		if (m->e[i].a == x) {
			facts |= OWN;
			*ifx = m->e[i].ifx;
		}
	for (i = 0; i < m->n; i++) {
		const struct model_addr *e = &m->e[i];
		uint32_t net = e->a & model_mask(e->plen);

		if (e->plen < 31 && net >> 24 && (net | ~model_mask(e->plen)) == x && !(facts & BCAST)) {
			if (!facts)
				*ifx = e->ifx;
			facts |= BCAST;
		}
		if (e->plen < 32 && (x & model_mask(e->plen)) == net && (!any || e->plen > best)) {
			best = e->plen;
			any = true;
		}
	}
	for (i = 0; any && i < m->n; i++)
		if (m->e[i].plen == best && ((x ^ m->e[i].a) & model_mask(best)) == 0) {
			if (!facts)
				*ifx = m->e[i].ifx;
			facts |= SUBNET;
			break;
		}
	return facts;
}

/* One random change, to both the builder and the model: an address added,
 * an address (known or not) deleted, or an interface deleted. */
static void model_op(struct model *m, struct addrtab_build *b)
{
	struct model_addr x = { 0x0a000000u | (rnd() % 512), 20 + rnd() % 13, 1 + rnd() % 3 };
	unsigned op = rnd() % 8;
	uint8_t v[16] = { 0 };
	size_t i, j;

	if (op == 0) {
		assert_int_equal(addrtab_build_link(b, false, x.ifx, NULL, 0, 0, NULL), 0);
		for (i = j = 0; i < m->n; i++)
			if (m->e[i].ifx != x.ifx)
				m->e[j++] = m->e[i];
		m->n = j;
		return;
	}
	if (op <= 3 && m->n)
		x = m->e[rnd() % m->n];
	v[0] = (uint8_t)(x.a >> 24);
	v[1] = (uint8_t)(x.a >> 16);
	v[2] = (uint8_t)(x.a >> 8);
	v[3] = (uint8_t)x.a;
	for (i = 0; i < m->n; i++)
		if (m->e[i].a == x.a && m->e[i].plen == x.plen && m->e[i].ifx == x.ifx)
			break;
	if (op <= 3) {
		assert_int_equal(addrtab_build_addr(b, false, 4, v, x.plen, x.ifx, NULL), 0);
		if (i < m->n) {
			memmove(&m->e[i], &m->e[i + 1], (m->n - i - 1) * sizeof(m->e[0]));
			m->n--;
		}
	} else if (i == m->n && m->n < MODEL_N) {
		assert_int_equal(addrtab_build_addr(b, true, 4, v, x.plen, x.ifx, NULL), 0);
		m->e[m->n++] = x;
	}
}

static void test_against_model(void **state)
{
	struct fx *f = *state;
	const struct addrtab *t;
	struct model m = { .n = 0 };
	unsigned round, k;

	for (round = 0; round < 3000; round++) {
		model_op(&m, f->b);
		t = test_freeze(f);
		assert_int_equal(addrtab_naddrs(t), m.n);
		for (k = 0; k < 24; k++) {
			uint32_t x = k < 4 && m.n ? m.e[rnd() % m.n].a : 0x0a000000u | (rnd() % 1024);
			uint8_t v[16] = { (uint8_t)(x >> 24), (uint8_t)(x >> 16), (uint8_t)(x >> 8),
					  (uint8_t)x };
			uint32_t want_ifx, got_ifx;
			unsigned want = model_facts(&m, x, &want_ifx);

			assert_int_equal(addrtab_facts(t, 4, v, &got_ifx), want);
			assert_int_equal(got_ifx, want_ifx);
			assert_int_equal(addrtab_facts(t, 4, v, NULL), want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_v4_prefixes), TEST(test_v4_broadcasts), TEST(test_v6_and_0),
		TEST(test_alone_facts),
		TEST(test_overlap), TEST(test_delete_keeps_prefix), TEST(test_duplicates),
		TEST(test_link_delete), TEST(test_overflow), TEST(test_null_and_bad_args),
		TEST(test_hwaddr), TEST(test_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
