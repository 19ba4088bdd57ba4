/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_rtnlmsg.c - libFuzzer entry: arbitrary bytes as one rtnetlink datagram into rtnlmsg_batch(), then the snapshot checked against what it lists.
 *
 * Invariants: every listed address is ADDRTAB_OWN, and SUBNET when its prefix
 * is shorter than the address; no more than ADDRTAB_ADDRS_MAX are listed; a
 * link-layer address is at most ADDRTAB_HWADDR_MAX bytes; the counters add
 * up; and the same datagram applied again to the reset builder gives the
 * same snapshot (the builder has no state but what the messages said).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "localnet/addrtab.h"
#include "localnet/rtnlmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check(const struct addrtab *t)
{
	struct addrtab_addr a;
	size_t i, n = addrtab_naddrs(t), len;

	if (n > ADDRTAB_ADDRS_MAX)
		abort();
	for (i = 0; i < n; i++) {
		uint32_t ifx;
		unsigned facts;

		if (!addrtab_addr_at(t, i, &a) || (a.family != 4 && a.family != 6))
			abort();
		facts = addrtab_facts(t, a.family, a.addr, &ifx);
		if (!(facts & ADDRTAB_OWN))
			abort();
		if (a.plen < (a.family == 4 ? 32 : 128) && !(facts & ADDRTAB_SUBNET))
			abort();
		if (addrtab_link_hwaddr(t, a.ifindex, &len) && (len == 0 || len > ADDRTAB_HWADDR_MAX))
			abort();
	}
	if (addrtab_addr_at(t, n, &a))
		abort();
}

/* Both snapshots list the same addresses in the same order. */
static void fuzz_same(const struct addrtab *x, const struct addrtab *y)
{
	struct addrtab_addr a, b;
	size_t i;

	if (addrtab_naddrs(x) != addrtab_naddrs(y))
		abort();
	for (i = 0; i < addrtab_naddrs(x); i++) {
		if (!addrtab_addr_at(x, i, &a) || !addrtab_addr_at(y, i, &b))
			abort();
		if (a.family != b.family || a.plen != b.plen || a.ifindex != b.ifindex ||
		    memcmp(a.addr, b.addr, sizeof(a.addr)) != 0 ||
		    addrtab_facts(x, a.family, a.addr, NULL) != addrtab_facts(y, a.family, a.addr, NULL))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Aligned heap copy, as recvmsg() fills the socket's buffer. */
	void *buf = malloc(size ? size : 1);
	struct addrtab_build *b = addrtab_build_new();
	struct addrtab *first = NULL, *second = NULL;
	struct rtnlmsg_result res;

	if (!buf || !b)
		goto out;
	memcpy(buf, data, size);
	rtnlmsg_batch(b, buf, size, &res);
	if (addrtab_build_counts(b)->bad_msg != res.bad)
		abort();
	first = addrtab_freeze(b);
	if (!first)
		goto out;
	fuzz_check(first);

	addrtab_build_reset(b);
	rtnlmsg_batch(b, buf, size, &res);
	second = addrtab_freeze(b);
	if (!second)
		goto out;
	fuzz_check(second);
	fuzz_same(first, second);
out:
	addrtab_free(first);
	addrtab_free(second);
	addrtab_build_free(b);
	free(buf);
	return 0;
}
