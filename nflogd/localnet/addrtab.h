/* SPDX-License-Identifier: GPL-2.0-or-later */
/* addrtab.h - the host's addresses and links: a builder rtnetlink fills, frozen into immutable snapshots for the packet path. */
#ifndef NFLOGD_ADDRTAB_H
#define NFLOGD_ADDRTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADDRTAB_ADDRS_MAX	4096	/* addresses kept; more are counted as overflow and logged once by the caller */
#define ADDRTAB_LINKS_MAX	1024
#define ADDRTAB_HWADDR_MAX	32	/* bytes of a link-layer address (the kernel's MAX_ADDR_LEN) */
#define ADDRTAB_IFNAME_MAX	16	/* with the NUL (IFNAMSIZ) */

/* Facts about one address (bits; they will be stored in ring records: never
 * renumber). An own address inside its own prefix is OWN|SUBNET, a directed
 * broadcast BCAST|SUBNET. */
#define ADDRTAB_OWN	0x01	/* an address of this host */
#define ADDRTAB_SUBNET	0x02	/* inside the prefix of a local address (on-link) */
#define ADDRTAB_BCAST	0x04	/* the directed broadcast of a local IPv4 prefix (IFA_BROADCAST if
				 * given, else prefix|~mask; none for /31 and /32, RFC 3021) */
/* What an address says by itself, answered by the same lookups so that the
 * packet path asks one question, not two. */
#define ADDRTAB_LIMITED	0x08	/* 255.255.255.255 */
#define ADDRTAB_MCAST	0x10	/* 224.0.0.0/4, ff00::/8 */

/* ---- the builder: what rtnetlink said so far (one thread) ---- */

struct addrtab_build;

/* addrtab_build_new - an empty builder; NULL + errno. */
struct addrtab_build *addrtab_build_new(void);
void addrtab_build_free(struct addrtab_build *b);

/* addrtab_build_reset - forget every address and link, before a full
 * re-dump. The counters stay (they are metrics); the generation moves. */
void addrtab_build_reset(struct addrtab_build *b);

/*
 * addrtab_build_addr - add or delete one address: family 4 or 6; addr in
 * network order (IPv4 in the first 4 bytes of 16, the rest ignored); plen <=
 * 32/128; bcast4 may be NULL (and is ignored for IPv6). An address is
 * (family, addr, plen, ifindex): adding it again only updates its broadcast;
 * deleting one leaves every prefix another address still holds. Returns 0
 * (also for a delete of an unknown address, counted as ignored), -1 with
 * errno EINVAL on bad arguments or ENOSPC past ADDRTAB_ADDRS_MAX (counted as
 * overflow: classification falls back to what is known).
 */
int addrtab_build_addr(struct addrtab_build *b, bool add, unsigned family, const uint8_t addr[16],
		       unsigned plen, uint32_t ifindex, const uint8_t *bcast4);

/*
 * addrtab_build_link - add/update or delete one interface: hwaddr[0..hwlen)
 * its link-layer address (hwlen 0: none; at most ADDRTAB_HWADDR_MAX), ifflags
 * its IFF_* flags, name its name (may be NULL). Deleting a link also deletes
 * its addresses (the kernel sends RTM_DELADDR too, but a lost event must not
 * leave them behind). 0, or -1 with errno EINVAL / ENOSPC (overflow) as above.
 */
int addrtab_build_link(struct addrtab_build *b, bool add, uint32_t ifindex, const uint8_t *hwaddr,
		       size_t hwlen, unsigned ifflags, const char *name);

/* The builder's counters: adds refused past the caps, messages the parser
 * (rtnlmsg) or the socket (rtnl) refused as malformed, and deletes of things
 * that were not there. */
struct addrtab_counts {
	uint64_t	 overflow;
	uint64_t	 bad_msg;
	uint64_t	 ignored;
};
const struct addrtab_counts *addrtab_build_counts(const struct addrtab_build *b);

/* addrtab_build_note_bad - count n malformed messages (rtnlmsg, rtnl). */
void addrtab_build_note_bad(struct addrtab_build *b, unsigned n);

/* addrtab_build_gen - bumped by every change that alters a snapshot (a
 * repeated RTM_NEWADDR or a link's flags changing does not); lets the caller
 * skip republishing. */
uint64_t addrtab_build_gen(const struct addrtab_build *b);

/* ---- the snapshot: immutable, read by any number of threads ---- */

struct addrtab;

/* addrtab_freeze - a snapshot of what b holds now; NULL + errno (ENOMEM). */
struct addrtab *addrtab_freeze(const struct addrtab_build *b);
void addrtab_free(struct addrtab *t);

/*
 * addrtab_facts - ADDRTAB_* bits for family (4/6) address addr (network
 * order, IPv4 in the first 4 bytes). The packet path: no allocation, no lock,
 * no syscall; one hash probe for the full length, then one per distinct
 * shorter prefix length of that family present, longest first, until one
 * matches. t may be NULL (=> 0). *ifindex (may be NULL) gets the interface of
 * the matching address, or else of the longest matching prefix; 0 when none.
 */
unsigned addrtab_facts(const struct addrtab *t, unsigned family, const uint8_t addr[16],
		       uint32_t *ifindex);

/* What the table says about one packet, in one call: the packet path's form
 * (no allocation, lock or syscall). Returned by value: three bytes travel in
 * a register, not through memory. */
struct addrtab_pkt {
	unsigned	 src, dst;	/* ADDRTAB_* of the source and the destination */
	unsigned	 hw;		/* ADDRTAB_HW_*: the frame's destination MAC */
};

/* The frame's destination MAC against the in-interface's own 6-byte address. */
#define ADDRTAB_HW_UNKNOWN	0	/* no MAC given, or the interface has no 6-byte address */
#define ADDRTAB_HW_OURS		1	/* sent to this interface */
#define ADDRTAB_HW_OTHER	2	/* sent to another host's MAC (promiscuous, bridged) */

/* addrtab_packet - addrtab_facts (without interfaces) of a packet's source
 * and destination of family 4/6, and dst_mac (6 bytes, or NULL) compared with
 * the link-layer address of its in-interface. A small table (up to 16 IPv4
 * addresses) answers IPv4 with a vector compare against every entry at once
 * instead of the hash. */
struct addrtab_pkt addrtab_packet(const struct addrtab *t, unsigned family, const uint8_t src[16],
				  const uint8_t dst[16], uint32_t ifindex_in,
				  const uint8_t *dst_mac);

/* addrtab_link_hwaddr - the link-layer address of an interface (NULL if the
 * interface is unknown or has none); *len (may be NULL) gets its length (6
 * for Ethernet), 0 with NULL. */
const uint8_t *addrtab_link_hwaddr(const struct addrtab *t, uint32_t ifindex, size_t *len);

/* Iteration, in the order the addresses were added (for the reader side,
 * suggest and tests). */
struct addrtab_addr {
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 plen;
	uint32_t	 ifindex;
	uint8_t		 addr[16];
};
size_t addrtab_naddrs(const struct addrtab *t);
bool addrtab_addr_at(const struct addrtab *t, size_t i, struct addrtab_addr *out);

#endif
