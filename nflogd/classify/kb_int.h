/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kb_int.h - layout of struct kb, shared by kb.c, kbindex.c and the generator.
 *
 * A struct kb is the rows of every table (each sorted by id) plus the indexes
 * the lookups use. kb/genkb.c fills one with kbindex_build and prints it as C
 * (build/kb_data.c defines kb_builtin_table); kb_load builds one at run time
 * from the built-in rows merged with local.kb. Either way it is read-only.
 *
 * Ports: exact rows (lo == hi) are in the perfect hash, one key per protocol:
 *
 *   key = dir << 17 | proto_bit << 16 | port      proto_bit: 0 tcp, 1 udp
 *
 * Port ranges: list l = dir * 2 + proto_bit is ranges[range_off[l] ..
 * range_off[l + 1]), sorted by lo and disjoint, binary-searched only when the
 * hash misses.
 *
 * Port blocks: port_block[l << 8 | port >> 8] answers for a whole block of
 * 256 ports of list l when it can: KB_NOROW when no row touches the block,
 * the row of the one range that covers it all, or KB_BLOCK_MIXED when an
 * exact port or a range edge falls inside it and the hash and the range
 * search must decide. Most of the port space is one of the first two, so a
 * flood of random ports is answered by one load from a 2 KiB table.
 *
 * ICMP: f = 0 (ICMP) or 1 (ICMPv6), i = f * 256 + type. icmp_star[i] is the
 * row of the "*" code, icmp_codes[icmp_off[i] .. icmp_off[i + 1]) the rows
 * with an exact code, sorted by code.
 *
 * IPv4 addresses: net4[net4_off[o] .. net4_off[o + 1]) are the prefixes that
 * contain first octet o, longest first, so the first match wins (a prefix
 * shorter than /8 is listed under every octet it covers).
 * IPv6: net6[0 .. nnet6), longest first.
 *
 * Numbers in the indexes are host order (addresses as big-endian numbers),
 * all row indexes are uint16_t with KB_NOROW for none.
 */
#ifndef NFLOGD_KB_INT_H
#define NFLOGD_KB_INT_H

#include <stddef.h>
#include <stdint.h>

#include "classify/kb.h"
#include "classify/phf.h"

#define KB_NOROW	0xffffu
#define KB_BLOCK_MIXED	0xfffeu		/* port_block: ask the hash and the ranges */
#define KB_PORT_BLOCKS	(4u * 256u)	/* 4 lists of 256 blocks of 256 ports */

struct kb_range {
	uint16_t	 lo, hi;
	uint16_t	 row;
};

struct kb_code {
	uint8_t		 code;
	uint16_t	 row;
};

struct kb_net4 {
	uint32_t	 net, mask;
	uint16_t	 row;
};

struct kb_net6 {
	uint64_t	 net[2], mask[2];
	uint16_t	 row;
};

struct kb {
	const struct kb_category	*cats;
	const struct kb_port		*ports;
	const struct kb_icmp		*icmps;
	const struct kb_addr		*addrs;
	const struct kb_ttl		*ttls;
	size_t				 ncats, nports, nicmps, naddrs, nttls;

	struct phf			 phf;		/* exact ports -> row */
	const struct kb_range		*ranges;
	uint32_t			 range_off[5];
	const uint16_t			*port_block;	/* [KB_PORT_BLOCKS] */

	const uint16_t			*icmp_star;	/* [512] */
	const uint16_t			*icmp_off;	/* [513] */
	const struct kb_code		*icmp_codes;

	const uint32_t			*net4_off;	/* [257] */
	const struct kb_net4		*net4;
	const struct kb_net6		*net6;
	size_t				 nnet6;

	const uint16_t			*ttl_row;	/* [256] initial TTL -> row */
	uint64_t			 stamp;

	/* kb_load only (NULL in the built-in table): what kb_free releases */
	void				*index_mem;	/* the index arrays, one block */
	struct kbparse			*rows_mem;	/* the merged rows */
};

/* The table compiled from kb/ (build/kb_data.c, written by kb/genkb.c). */
extern const struct kb kb_builtin_table;

#endif
