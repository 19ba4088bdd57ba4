/* SPDX-License-Identifier: GPL-2.0-or-later */
/* addrtab_int.h - the address table builder's lists, shared by the builder (addrtab_build.c) and the snapshot (addrtab.c). */
#ifndef NFLOGD_ADDRTAB_INT_H
#define NFLOGD_ADDRTAB_INT_H

#include <stdint.h>

#include "localnet/addrtab.h"

/* One address as rtnetlink gave it. */
struct addrtab_baddr {
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 plen;
	uint8_t		 has_bcast;
	uint8_t		 bcast[4];
	uint32_t	 ifindex;
	uint8_t		 addr[16];	/* IPv4: 4 bytes, then zeros */
};

struct addrtab_blink {
	uint32_t	 ifindex;
	unsigned	 flags;		/* IFF_*: kept for the callers to come, not in snapshots */
	uint8_t		 hwlen;
	uint8_t		 hw[ADDRTAB_HWADDR_MAX];
	char		 name[ADDRTAB_IFNAME_MAX];
};

struct addrtab_build {
	struct addrtab_baddr	*addr;	/* [ADDRTAB_ADDRS_MAX] */
	size_t			 naddr;
	struct addrtab_blink	*link;	/* [ADDRTAB_LINKS_MAX], sorted by ifindex */
	size_t			 nlink;
	struct addrtab_counts	 counts;
	uint64_t		 gen;
};

static inline unsigned addrtab_bits(unsigned family)
{
	return family == 4 ? 32u : 128u;
}

#endif
