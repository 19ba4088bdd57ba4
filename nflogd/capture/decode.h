/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decode.h - bounds-checked decoder for the L3/L4 headers of one logged packet.
 *
 * Pure code: no I/O, no allocation, no global state. It reads the packet only
 * through bounds-checked getters and can be run on any byte buffer, which is
 * what the fuzzer and the unit tests do.
 */
#ifndef NFLOGD_DECODE_H
#define NFLOGD_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "ring/ringfmt.h"

/*
 * What the decoder learned about one packet. Field meanings, units and flag
 * bits are those of struct ring_rec (ringfmt.h); fields not present in the
 * packet are zero. Addresses are in network byte order, IPv4 in the first
 * four bytes; everything else is host order.
 */
struct pkt {
	uint8_t	 status;		/* enum ring_status */
	uint8_t	 why;			/* enum ring_why */
	uint8_t	 family;		/* 4, 6, 0 */
	uint8_t	 proto;
	uint8_t	 ip_flags;		/* RING_IPF_* except HAVE_SEQ */
	uint8_t	 ttl;
	uint8_t	 tos;
	uint8_t	 tcp_flags;
	uint8_t	 tcp_doff;
	uint8_t	 icmp_type;
	uint8_t	 icmp_code;
	uint8_t	 inner_family;
	uint8_t	 inner_proto;
	uint16_t sport;
	uint16_t dport;
	uint16_t ip_len;
	uint16_t frag_off;		/* bytes */
	uint16_t tcp_window;
	uint16_t udp_len;
	uint16_t inner_sport;
	uint16_t inner_dport;
	uint32_t ip_id;
	uint32_t flow_label;
	uint32_t tcp_seq;
	uint8_t	 saddr[16];
	uint8_t	 daddr[16];
	uint8_t	 inner_saddr[16];
	uint8_t	 inner_daddr[16];
	/* What the NFLOG message says around the packet: decode_packet()
	 * zeroes these, the capture thread fills them (nflogmsg_link()). */
	struct ring_hw hw;
	uint32_t ifindex_in;
	uint8_t	 hook;			/* netfilter hook number */
};

/*
 * decode_packet - decode the packet in buf[0..len) into *p.
 * @family: the L3 family NFLOG reported (4 or 6), or 0 to trust the version
 *          nibble. A packet whose version contradicts it is INVALID.
 *
 * Returns p->status: RING_ST_OK, RING_ST_TRUNCATED when len ended before a
 * header the decoder needs (the copy range cut it), or RING_ST_INVALID when a
 * header contradicts itself or its container. p->why names the first problem.
 * Whatever was decoded before the problem is kept in *p. Never reads outside
 * buf[0..len).
 */
int decode_packet(const uint8_t *buf, size_t len, unsigned family, struct pkt *p);

/* decode_why_str - short English text for an enum ring_why value (never NULL). */
const char *decode_why_str(unsigned why);

#endif
