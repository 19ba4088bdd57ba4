/* SPDX-License-Identifier: GPL-2.0-or-later */
/* addrtab_build.c - the address table's builder: the host's addresses and links as rtnetlink reports them.
 *
 * A plain list of addresses (each once, in arrival order) and a list of
 * links sorted by ifindex, both bounded. Prefixes are not stored here: a
 * freeze (addrtab.c) derives them from every address that holds one, so the
 * list itself is the reference count (10.0.0.0/24 on two interfaces, or held
 * by two addresses, lives until the last of them goes). gen counts the
 * changes a snapshot would see.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "localnet/addrtab_int.h"

struct addrtab_build *addrtab_build_new(void)
{
	struct addrtab_build *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->addr = calloc(ADDRTAB_ADDRS_MAX, sizeof(*b->addr));
	b->link = calloc(ADDRTAB_LINKS_MAX, sizeof(*b->link));
	if (!b->addr || !b->link) {
		addrtab_build_free(b);
		errno = ENOMEM;
		return NULL;
	}
	return b;
}

void addrtab_build_free(struct addrtab_build *b)
{
	if (!b)
		return;
	free(b->addr);
	free(b->link);
	free(b);
}

void addrtab_build_reset(struct addrtab_build *b)
{
	b->naddr = 0;
	b->nlink = 0;
	b->gen++;
}

const struct addrtab_counts *addrtab_build_counts(const struct addrtab_build *b)
{
	return &b->counts;
}

void addrtab_build_note_bad(struct addrtab_build *b, unsigned n)
{
	b->counts.bad_msg += n;
}

uint64_t addrtab_build_gen(const struct addrtab_build *b)
{
	return b->gen;
}

static struct addrtab_baddr *addrtab_build_find(struct addrtab_build *b, const struct addrtab_baddr *a)
{
	size_t i;

	/* Linear: adds come from rtnetlink, not from packets, and a full dump
	 * of ADDRTAB_ADDRS_MAX addresses costs a few milliseconds. */
	for (i = 0; i < b->naddr; i++) {
		struct addrtab_baddr *e = &b->addr[i];

		if (e->family == a->family && e->plen == a->plen && e->ifindex == a->ifindex &&
		    memcmp(e->addr, a->addr, sizeof(e->addr)) == 0)
			return e;
	}
	return NULL;
}

int addrtab_build_addr(struct addrtab_build *b, bool add, unsigned family, const uint8_t addr[16],
		       unsigned plen, uint32_t ifindex, const uint8_t *bcast4)
{
	struct addrtab_baddr a = { .family = (uint8_t)family, .ifindex = ifindex };
	struct addrtab_baddr *e;

	if ((family != 4 && family != 6) || !addr || plen > addrtab_bits(family)) {
		errno = EINVAL;
		return -1;
	}
	a.plen = (uint8_t)plen;
	memcpy(a.addr, addr, family == 4 ? 4 : 16);
	/* 0.0.0.0 is what the kernel's ifa_broadcast holds when none was set. */
	if (family == 4 && bcast4 && (bcast4[0] | bcast4[1] | bcast4[2] | bcast4[3])) {
		a.has_bcast = 1;
		memcpy(a.bcast, bcast4, 4);
	}
	e = addrtab_build_find(b, &a);
	if (!add) {
		if (!e) {
			b->counts.ignored++;
			return 0;
		}
		memmove(e, e + 1, (size_t)(b->addr + b->naddr - (e + 1)) * sizeof(*e));
		b->naddr--;
		b->gen++;
		return 0;
	}
	if (e) {
		/* The kernel repeats RTM_NEWADDR for every lifetime or flag
		 * change: only a new broadcast alters a snapshot. */
		if (e->has_bcast != a.has_bcast || memcmp(e->bcast, a.bcast, 4) != 0) {
			*e = a;
			b->gen++;
		}
		return 0;
	}
	if (b->naddr == ADDRTAB_ADDRS_MAX) {
		b->counts.overflow++;
		errno = ENOSPC;
		return -1;
	}
	b->addr[b->naddr++] = a;
	b->gen++;
	return 0;
}

/* Index of the first link whose ifindex is >= ifindex. */
static size_t addrtab_link_pos(const struct addrtab_blink *l, size_t n, uint32_t ifindex)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l[mid].ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Delete a link and every address on it. */
static void addrtab_build_unlink(struct addrtab_build *b, uint32_t ifindex, size_t pos)
{
	size_t i, kept = 0;
	bool changed = false;

	if (pos < b->nlink && b->link[pos].ifindex == ifindex) {
		memmove(&b->link[pos], &b->link[pos + 1], (b->nlink - pos - 1) * sizeof(*b->link));
		b->nlink--;
		changed = true;
	}
	for (i = 0; i < b->naddr; i++)
		if (b->addr[i].ifindex != ifindex)
			b->addr[kept++] = b->addr[i];
	changed |= kept != b->naddr;
	b->naddr = kept;
	if (changed)
		b->gen++;
	else
		b->counts.ignored++;
}

int addrtab_build_link(struct addrtab_build *b, bool add, uint32_t ifindex, const uint8_t *hwaddr,
		       size_t hwlen, unsigned ifflags, const char *name)
{
	size_t pos = addrtab_link_pos(b->link, b->nlink, ifindex);
	struct addrtab_blink *l = &b->link[pos];
	bool known = pos < b->nlink && l->ifindex == ifindex;

	if (!add) {
		addrtab_build_unlink(b, ifindex, pos);
		return 0;
	}
	if (hwlen > ADDRTAB_HWADDR_MAX || (hwlen && !hwaddr)) {
		errno = EINVAL;
		return -1;
	}
	if (!known) {
		if (b->nlink == ADDRTAB_LINKS_MAX) {
			b->counts.overflow++;
			errno = ENOSPC;
			return -1;
		}
		memmove(l + 1, l, (b->nlink - pos) * sizeof(*l));
		b->nlink++;
		memset(l, 0, sizeof(*l));
		l->ifindex = ifindex;
		b->gen++;
	} else if (l->hwlen != hwlen || (hwlen && memcmp(l->hw, hwaddr, hwlen) != 0)) {
		b->gen++;	/* flags and name are not in snapshots; memcmp(NULL) is UB even for 0 */
	}
	l->hwlen = (uint8_t)hwlen;
	memset(l->hw, 0, sizeof(l->hw));
	if (hwlen)
		memcpy(l->hw, hwaddr, hwlen);
	l->flags = ifflags;
	memset(l->name, 0, sizeof(l->name));
	if (name)
		memcpy(l->name, name, strnlen(name, sizeof(l->name) - 1));
	return 0;
}
