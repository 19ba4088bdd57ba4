/* SPDX-License-Identifier: GPL-2.0-or-later */
/* addrtab_fixture.h - the builder fixture and address helpers of the test_addrtab*.c tests.
 *
 * Documentation and private addresses only.
 */
#ifndef NFLOGD_TESTS_ADDRTAB_FIXTURE_H
#define NFLOGD_TESTS_ADDRTAB_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "localnet/addrtab.h"

#define OWN	ADDRTAB_OWN
#define SUBNET	ADDRTAB_SUBNET
#define BCAST	ADDRTAB_BCAST
#define LIMITED	ADDRTAB_LIMITED
#define MCAST	ADDRTAB_MCAST

/* ---- helpers ---- */

static inline unsigned test_family(const char *s)
{
	return strchr(s, ':') ? 6 : 4;
}

static inline void test_addr(const char *s, uint8_t a[16])
{
	memset(a, 0, 16);
	assert_int_equal(inet_pton(test_family(s) == 4 ? AF_INET : AF_INET6, s, a), 1);
}

/* Add s/plen on ifindex, with IFA_BROADCAST bc unless that is NULL. */
static inline int test_add_bc(struct addrtab_build *b, const char *s, unsigned plen, uint32_t ifindex,
			      const char *bc)
{
	uint8_t a[16], bcast[16];

	test_addr(s, a);
	if (bc)
		test_addr(bc, bcast);
	return addrtab_build_addr(b, true, test_family(s), a, plen, ifindex, bc ? bcast : NULL);
}

static inline int test_add(struct addrtab_build *b, const char *s, unsigned plen, uint32_t ifindex)
{
	return test_add_bc(b, s, plen, ifindex, NULL);
}

static inline unsigned test_facts(const struct addrtab *t, const char *s, uint32_t *ifindex)
{
	uint8_t a[16];

	test_addr(s, a);
	return addrtab_facts(t, test_family(s), a, ifindex);
}

/* Each test gets a builder, and the last snapshot it froze is freed after. */
struct fx {
	struct addrtab_build	*b;
	struct addrtab		*t;
};

static inline int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f || !(f->b = addrtab_build_new()))
		return -1;
	*state = f;
	return 0;
}

static inline int fx_teardown(void **state)
{
	struct fx *f = *state;

	addrtab_free(f->t);
	addrtab_build_free(f->b);
	free(f);
	return 0;
}

/* A fresh snapshot of the fixture's builder, replacing the last one. */
static inline const struct addrtab *test_freeze(struct fx *f)
{
	addrtab_free(f->t);
	f->t = addrtab_freeze(f->b);
	assert_non_null(f->t);
	return f->t;
}

/* addrtab_facts(s) must be facts, on interface ifx unless that is ANY; the
 * packet path's form (no interface: a small table's vector scan) and
 * addrtab_packet must say the same facts. */
#define ANY	UINT32_MAX
static inline void test_is(const struct addrtab *t, const char *s, unsigned facts, uint32_t ifx)
{
	struct addrtab_pkt at;
	uint8_t a[16], other[16] = { 0 };
	uint32_t got;

	assert_int_equal(test_facts(t, s, &got), facts);
	if (ifx != ANY)
		assert_int_equal(got, ifx);
	assert_int_equal(test_facts(t, s, NULL), facts);
	test_addr(s, a);
	at = addrtab_packet(t, test_family(s), a, other, 0, NULL);
	assert_int_equal(at.src, facts);
	assert_int_equal(at.hw, ADDRTAB_HW_UNKNOWN);
	at = addrtab_packet(t, test_family(s), other, a, 0, NULL);
	assert_int_equal(at.dst, facts);
}

/* The snapshot must give interface ifx the link-layer address hw[0..len),
 * or none when hw is NULL. */
static inline void test_hw(const struct addrtab *t, uint32_t ifx, const uint8_t *hw, size_t len)
{
	size_t got = 99;
	const uint8_t *p = addrtab_link_hwaddr(t, ifx, &got);

	assert_int_equal(got, hw ? len : 0);
	assert_true(!p == !hw);
	if (hw)
		assert_memory_equal(p, hw, len);
}

#define TEST(f)	cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

#endif
