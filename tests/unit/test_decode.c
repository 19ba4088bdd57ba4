/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_decode.c - cmocka tests for decode_packet(): hand-built packets, every prefix of each, invalid headers.
 *
 * Each valid fixture lists where its headers end ("cuts"): a prefix shorter
 * than a cut must be TRUNCATED with that cut's reason, and once the prefix
 * covers the last cut it must decode OK to exactly the expected fields. Every
 * decode reads from a malloc'd buffer of exactly the prefix length, so an
 * overread is an ASan error. Checksums are zero: the decoder does not verify
 * them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/decode.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define FX(a)		(a), sizeof(a)

/* addresses as bytes in a packet, and as struct pkt fields */
#define A6(x)		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (x)
#define V4(a, b, c, d)	{ a, b, c, d }
#define V6(x)		{ A6(x) }

#define MAX_CUTS	6

struct cut {
	size_t	upto;		/* prefixes shorter than this ... */
	uint8_t	why;		/* ... are TRUNCATED for this reason */
};

struct valid_fx {
	const char	*name;
	const uint8_t	*bytes;
	size_t		 size;
	unsigned	 family;	/* what NFLOG would report */
	struct cut	 cuts[MAX_CUTS];/* ascending; the last one is "needed" */
	size_t		 complete;	/* prefix giving inner ports too; 0 = needed */
	struct pkt	 want;
};

struct invalid_fx {
	const char	*name;
	const uint8_t	*bytes;
	size_t		 size;
	unsigned	 family;
	struct pkt	 want;		/* status, why and the partial results */
};

/* ---- valid packets ---- */

/* 198.51.100.2:1234 > 192.0.2.1:80 SYN, DF, TTL 64, ID 4321, 20 bytes of TCP options */
static const uint8_t ipv4_tcp_syn[] = {
	0x45, 0x00, 0x00, 0x3c, 0x10, 0xe1, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	198, 51, 100, 2, 192, 0, 2, 1,
	0x04, 0xd2, 0x00, 0x50, 0x00, 0x00, 0x00, 0x7b, 0x00, 0x00, 0x00, 0x00,
	0xa0, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};

/* XMAS scan: FIN|PSH|URG, TOS 0xb8, TTL 255 */
static const uint8_t ipv4_tcp_xmas[] = {
	0x45, 0xb8, 0x00, 0x28, 0xbe, 0xef, 0x00, 0x00, 0xff, 0x06, 0x00, 0x00,
	203, 0, 113, 7, 192, 0, 2, 1,
	0x9c, 0x41, 0x00, 0x16, 0x12, 0x34, 0x56, 0x78, 0x00, 0x00, 0x00, 0x00,
	0x50, 0x29, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* IHL 6 (Router Alert option), mDNS over UDP */
static const uint8_t ipv4_options_udp[] = {
	0x46, 0x00, 0x00, 0x20, 0x00, 0x07, 0x00, 0x00, 0x01, 0x11, 0x00, 0x00,
	192, 0, 2, 5, 224, 0, 0, 251,
	0x94, 0x04, 0x00, 0x00,
	0x14, 0xe9, 0x14, 0xe9, 0x00, 0x08, 0x00, 0x00,
};

/* UDP with 4 payload bytes */
static const uint8_t ipv4_udp[] = {
	0x45, 0x00, 0x00, 0x20, 0xab, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	192, 0, 2, 53, 198, 51, 100, 2,
	0x00, 0x35, 0x82, 0x35, 0x00, 0x0c, 0x00, 0x00,
	'a', 'b', 'c', 'd',
};

/* UDP-Lite, checksum coverage 0 (= whole datagram) */
static const uint8_t ipv4_udplite[] = {
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x09, 0x00, 0x00, 0x40, 0x88, 0x00, 0x00,
	192, 0, 2, 53, 198, 51, 100, 2,
	0x04, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t ipv4_icmp_echo[] = {
	0x45, 0x00, 0x00, 0x24, 0x00, 0x2a, 0x40, 0x00, 0x40, 0x01, 0x00, 0x00,
	198, 51, 100, 2, 192, 0, 2, 1,
	0x08, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x01,
	0xde, 0xad, 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe,
};

/* port unreachable from 198.51.100.2, quoting udp 192.0.2.1.5353 > 198.51.100.2.53 */
static const uint8_t ipv4_icmp_unreach[] = {
	0x45, 0xc0, 0x00, 0x38, 0x00, 0x00, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00,
	198, 51, 100, 2, 192, 0, 2, 1,
	0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x45, 0x00, 0x00, 0x2c, 0x1a, 0x2b, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
	192, 0, 2, 1, 198, 51, 100, 2,
	0x14, 0xe9, 0x00, 0x35, 0x00, 0x18, 0x00, 0x00,
};

/* first fragment: MF, offset 0; UDP length covers the whole datagram */
static const uint8_t ipv4_frag_first[] = {
	0x45, 0x00, 0x00, 0x24, 0xab, 0xcd, 0x20, 0x00, 0x40, 0x11, 0x00, 0x00,
	192, 0, 2, 1, 198, 51, 100, 2,
	0x30, 0x39, 0x00, 0x35, 0x05, 0xdc, 0x00, 0x00,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
};

/* last fragment at offset 3 (24 bytes): payload, no UDP header */
static const uint8_t ipv4_frag_later[] = {
	0x45, 0x00, 0x00, 0x1c, 0xab, 0xcd, 0x00, 0x03, 0x40, 0x11, 0x00, 0x00,
	192, 0, 2, 1, 198, 51, 100, 2,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
};

/* traffic class 0xb8, flow label 0x12345 */
static const uint8_t ipv6_tcp_syn[] = {
	0x6b, 0x81, 0x23, 0x45, 0x00, 0x14, 0x06, 0x40, A6(2), A6(1),
	0x04, 0xd2, 0x00, 0x50, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x00, 0x00,
	0x50, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
};

/* hop-by-hop (8) + destination options (16) + fragment (offset 0, M) + UDP */
static const uint8_t ipv6_ext_udp[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x30, 0x00, 0x40, A6(2), A6(1),
	0x3c, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
	0x2c, 0x01, 0x01, 0x0c, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x11, 0x00, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78,
	0x9c, 0x40, 0x00, 0x35, 0x00, 0x10, 0x00, 0x00,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
};

/* non-first fragment at 1448 bytes */
static const uint8_t ipv6_frag_later[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x2c, 0x40, A6(2), A6(1),
	0x11, 0x00, 0x05, 0xa8, 0xca, 0xfe, 0xf0, 0x0d,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

/* AH (24 bytes: length 4 means (4+2)*4) then TCP PSH|ACK, BGP */
static const uint8_t ipv6_ah_tcp[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x33, 0x40, A6(2), A6(1),
	0x06, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05,
	0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22, 0x33, 0x33, 0x33, 0x33,
	0x00, 0xb3, 0x00, 0xb3, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x50, 0x18, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t ipv6_icmp6_echo[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x3a, 0x40, A6(2), A6(1),
	0x80, 0x00, 0x00, 0x00, 0xab, 0xcd, 0x00, 0x01,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
};

/* port unreachable from ::1, quoting udp ::2.54321 > ::1.53 (quote shorter than its datagram) */
static const uint8_t ipv6_icmp6_unreach[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x38, 0x3a, 0x40, A6(1), A6(2),
	0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x11, 0x40, A6(2), A6(1),
	0xd4, 0x31, 0x00, 0x35, 0x00, 0x0c, 0x00, 0x00,
};

/* time exceeded quoting a non-first fragment: inner addresses, no ports */
static const uint8_t ipv4_icmp_quote_frag[] = {
	0x45, 0x00, 0x00, 0x38, 0x00, 0x00, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00,
	203, 0, 113, 1, 192, 0, 2, 1,
	0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x45, 0x00, 0x00, 0x2c, 0x1a, 0x2b, 0x00, 0xb9, 0x01, 0x11, 0x00, 0x00,
	192, 0, 2, 1, 198, 51, 100, 2,
	0x14, 0xe9, 0x00, 0x35, 0x00, 0x18, 0x00, 0x00,
};

/* packet too big whose quote ends inside a destination options header */
static const uint8_t ipv6_icmp6_quote_ext[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x34, 0x3a, 0x40, A6(1), A6(2),
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00,
	0x60, 0x00, 0x00, 0x00, 0x05, 0x10, 0x3c, 0x40, A6(2), A6(1),
	0x11, 0x01, 0x01, 0x0c,
};

static const struct valid_fx valid[] = {
	{ "ipv4 tcp syn", FX(ipv4_tcp_syn), 4,
	  { { 20, RING_WHY_L3_TRUNC }, { 40, RING_WHY_L4_TRUNC } }, 0,
	  { .family = 4, .proto = 6, .ip_flags = RING_IPF_DF, .ttl = 64,
	    .tcp_flags = RING_TCP_SYN, .tcp_doff = 10, .sport = 1234, .dport = 80,
	    .ip_len = 60, .tcp_window = 512, .ip_id = 4321, .tcp_seq = 123,
	    .saddr = V4(198, 51, 100, 2), .daddr = V4(192, 0, 2, 1) } },
	{ "ipv4 tcp xmas", FX(ipv4_tcp_xmas), 4,
	  { { 20, RING_WHY_L3_TRUNC }, { 40, RING_WHY_L4_TRUNC } }, 0,
	  { .family = 4, .proto = 6, .ttl = 255, .tos = 0xb8,
	    .tcp_flags = RING_TCP_FIN | RING_TCP_PSH | RING_TCP_URG, .tcp_doff = 5,
	    .sport = 40001, .dport = 22, .ip_len = 40, .tcp_window = 1024,
	    .ip_id = 0xbeef, .tcp_seq = 0x12345678,
	    .saddr = V4(203, 0, 113, 7), .daddr = V4(192, 0, 2, 1) } },
	{ "ipv4 options udp", FX(ipv4_options_udp), 4,
	  { { 20, RING_WHY_L3_TRUNC }, { 24, RING_WHY_L3_TRUNC }, { 32, RING_WHY_L4_TRUNC } }, 0,
	  { .family = 4, .proto = 17, .ip_flags = RING_IPF_OPTIONS, .ttl = 1,
	    .sport = 5353, .dport = 5353, .ip_len = 32, .udp_len = 8, .ip_id = 7,
	    .saddr = V4(192, 0, 2, 5), .daddr = V4(224, 0, 0, 251) } },
	{ "ipv4 udp", FX(ipv4_udp), 4,
	  { { 20, RING_WHY_L3_TRUNC }, { 28, RING_WHY_L4_TRUNC } }, 0,
	  { .family = 4, .proto = 17, .ttl = 64, .sport = 53, .dport = 33333,
	    .ip_len = 32, .udp_len = 12, .ip_id = 0xab01,
	    .saddr = V4(192, 0, 2, 53), .daddr = V4(198, 51, 100, 2) } },
	{ "ipv4 udplite", FX(ipv4_udplite), 4,
	  { { 20, RING_WHY_L3_TRUNC }, { 28, RING_WHY_L4_TRUNC } }, 0,
	  { .family = 4, .proto = 136, .ttl = 64, .sport = 1024, .dport = 1025,
	    .ip_len = 28, .udp_len = 0, .ip_id = 9,
	    .saddr = V4(192, 0, 2, 53), .daddr = V4(198, 51, 100, 2) } },
	{ "ipv4 icmp echo", FX(ipv4_icmp_echo), 4,
	  { { 20, RING_WHY_L3_TRUNC }, { 28, RING_WHY_L4_TRUNC } }, 0,
	  { .family = 4, .proto = 1, .ip_flags = RING_IPF_DF, .ttl = 64,
	    .icmp_type = 8, .icmp_code = 0, .ip_len = 36, .ip_id = 42,
	    .saddr = V4(198, 51, 100, 2), .daddr = V4(192, 0, 2, 1) } },
	{ "ipv4 icmp port unreachable", FX(ipv4_icmp_unreach), 4,
	  { { 20, RING_WHY_L3_TRUNC }, { 28, RING_WHY_L4_TRUNC }, { 48, RING_WHY_INNER_TRUNC } }, 52,
	  { .family = 4, .proto = 1, .ip_flags = RING_IPF_HAVE_INNER, .ttl = 64,
	    .tos = 0xc0, .icmp_type = 3, .icmp_code = 3, .inner_family = 4,
	    .inner_proto = 17, .ip_len = 56, .inner_sport = 5353, .inner_dport = 53,
	    .saddr = V4(198, 51, 100, 2), .daddr = V4(192, 0, 2, 1),
	    .inner_saddr = V4(192, 0, 2, 1), .inner_daddr = V4(198, 51, 100, 2) } },
	{ "ipv4 first fragment", FX(ipv4_frag_first), 4,
	  { { 20, RING_WHY_L3_TRUNC }, { 28, RING_WHY_L4_TRUNC } }, 0,
	  { .family = 4, .proto = 17, .ip_flags = RING_IPF_MF, .ttl = 64,
	    .sport = 12345, .dport = 53, .ip_len = 36, .udp_len = 1500, .ip_id = 0xabcd,
	    .saddr = V4(192, 0, 2, 1), .daddr = V4(198, 51, 100, 2) } },
	{ "ipv4 later fragment", FX(ipv4_frag_later), 4,
	  { { 20, RING_WHY_L3_TRUNC } }, 0,
	  { .family = 4, .proto = 17, .ip_flags = RING_IPF_FRAGMENT, .ttl = 64,
	    .ip_len = 28, .frag_off = 24, .ip_id = 0xabcd,
	    .saddr = V4(192, 0, 2, 1), .daddr = V4(198, 51, 100, 2) } },
	{ "ipv6 tcp syn", FX(ipv6_tcp_syn), 6,
	  { { 40, RING_WHY_L3_TRUNC }, { 60, RING_WHY_L4_TRUNC } }, 0,
	  { .family = 6, .proto = 6, .ttl = 64, .tos = 0xb8, .tcp_flags = RING_TCP_SYN,
	    .tcp_doff = 5, .sport = 1234, .dport = 80, .ip_len = 60,
	    .tcp_window = 65535, .flow_label = 0x12345, .tcp_seq = 0xdeadbeef,
	    .saddr = V6(2), .daddr = V6(1) } },
	{ "ipv6 hbh dstopts frag udp", FX(ipv6_ext_udp), 6,
	  { { 40, RING_WHY_L3_TRUNC }, { 48, RING_WHY_EXT_TRUNC }, { 64, RING_WHY_EXT_TRUNC },
	    { 72, RING_WHY_EXT_TRUNC }, { 80, RING_WHY_L4_TRUNC } }, 0,
	  { .family = 6, .proto = 17,
	    .ip_flags = RING_IPF_OPTIONS | RING_IPF_FRAGHDR | RING_IPF_MF, .ttl = 64,
	    .sport = 40000, .dport = 53, .ip_len = 88, .udp_len = 16, .ip_id = 0x12345678,
	    .saddr = V6(2), .daddr = V6(1) } },
	{ "ipv6 later fragment", FX(ipv6_frag_later), 6,
	  { { 40, RING_WHY_L3_TRUNC }, { 48, RING_WHY_EXT_TRUNC } }, 0,
	  { .family = 6, .proto = 17,
	    .ip_flags = RING_IPF_OPTIONS | RING_IPF_FRAGHDR | RING_IPF_FRAGMENT, .ttl = 64,
	    .ip_len = 64, .frag_off = 1448, .ip_id = 0xcafef00d,
	    .saddr = V6(2), .daddr = V6(1) } },
	{ "ipv6 ah tcp", FX(ipv6_ah_tcp), 6,
	  { { 40, RING_WHY_L3_TRUNC }, { 48, RING_WHY_EXT_TRUNC }, { 64, RING_WHY_EXT_TRUNC },
	    { 84, RING_WHY_L4_TRUNC } }, 0,
	  { .family = 6, .proto = 6, .ip_flags = RING_IPF_OPTIONS, .ttl = 64,
	    .tcp_flags = RING_TCP_PSH | RING_TCP_ACK, .tcp_doff = 5, .sport = 179,
	    .dport = 179, .ip_len = 84, .tcp_window = 0x4000, .tcp_seq = 1,
	    .saddr = V6(2), .daddr = V6(1) } },
	{ "ipv6 icmpv6 echo request", FX(ipv6_icmp6_echo), 6,
	  { { 40, RING_WHY_L3_TRUNC }, { 48, RING_WHY_L4_TRUNC } }, 0,
	  { .family = 6, .proto = 58, .ttl = 64, .icmp_type = 128, .ip_len = 56,
	    .saddr = V6(2), .daddr = V6(1) } },
	{ "ipv4 icmp quoting a later fragment", FX(ipv4_icmp_quote_frag), 4,
	  { { 20, RING_WHY_L3_TRUNC }, { 28, RING_WHY_L4_TRUNC }, { 48, RING_WHY_INNER_TRUNC } }, 0,
	  { .family = 4, .proto = 1, .ip_flags = RING_IPF_HAVE_INNER, .ttl = 64,
	    .icmp_type = 11, .inner_family = 4, .inner_proto = 17, .ip_len = 56,
	    .saddr = V4(203, 0, 113, 1), .daddr = V4(192, 0, 2, 1),
	    .inner_saddr = V4(192, 0, 2, 1), .inner_daddr = V4(198, 51, 100, 2) } },
	{ "ipv6 icmpv6 quote ends in ext header", FX(ipv6_icmp6_quote_ext), 6,
	  { { 40, RING_WHY_L3_TRUNC }, { 48, RING_WHY_L4_TRUNC }, { 88, RING_WHY_INNER_TRUNC } }, 0,
	  { .family = 6, .proto = 58, .ip_flags = RING_IPF_HAVE_INNER, .ttl = 64,
	    .icmp_type = 2, .inner_family = 6, .inner_proto = 60, .ip_len = 92,
	    .saddr = V6(1), .daddr = V6(2), .inner_saddr = V6(2), .inner_daddr = V6(1) } },
	{ "ipv6 icmpv6 port unreachable", FX(ipv6_icmp6_unreach), 6,
	  { { 40, RING_WHY_L3_TRUNC }, { 48, RING_WHY_L4_TRUNC }, { 88, RING_WHY_INNER_TRUNC } }, 92,
	  { .family = 6, .proto = 58, .ip_flags = RING_IPF_HAVE_INNER, .ttl = 64,
	    .icmp_type = 1, .icmp_code = 4, .inner_family = 6, .inner_proto = 17,
	    .ip_len = 96, .inner_sport = 54321, .inner_dport = 53,
	    .saddr = V6(1), .daddr = V6(2), .inner_saddr = V6(2), .inner_daddr = V6(1) } },
};

/* ---- invalid packets ---- */

static const uint8_t bad_ihl4[] = {
	0x44, 0x00, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00,
	192, 0, 2, 1, 198, 51, 100, 2,
	0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0x02, 0x02, 0x00, 0, 0, 0, 0,
};

/* IHL 6 but total length 20 */
static const uint8_t bad_totlen_lt_ihl[] = {
	0x46, 0x00, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	192, 0, 2, 1, 198, 51, 100, 2, 0x01, 0x01, 0x01, 0x00,
	0x00, 0x35, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00,
};

static const uint8_t bad_version5[] = {
	0x55, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	192, 0, 2, 1, 198, 51, 100, 2, 0x00, 0x35, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00,
};

static const uint8_t bad_tcp_doff3[] = {
	0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00,
	192, 0, 2, 1, 198, 51, 100, 2,
	0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 9, 0, 0, 0, 0, 0x30, 0x02, 0x02, 0x00, 0, 0, 0, 0,
};

/* doff 15: 60 bytes of TCP header in a 20-byte L4 payload */
static const uint8_t bad_tcp_doff_past_len[] = {
	0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00,
	192, 0, 2, 1, 198, 51, 100, 2,
	0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 9, 0, 0, 0, 0, 0xf0, 0x12, 0x02, 0x00, 0, 0, 0, 0,
};

static const uint8_t bad_udp_len4[] = {
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	192, 0, 2, 1, 198, 51, 100, 2, 0x00, 0x35, 0x00, 0x36, 0x00, 0x04, 0x00, 0x00,
};

/* total length 24 but protocol TCP; the capture holds 40 bytes */
static const uint8_t bad_totlen24_tcp[] = {
	0x45, 0x00, 0x00, 0x18, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00,
	192, 0, 2, 1, 198, 51, 100, 2,
	0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 9, 0, 0, 0, 0, 0x50, 0x02, 0x02, 0x00, 0, 0, 0, 0,
};

/* payload length 8, destination options header of 16 bytes */
static const uint8_t bad_ext_past_payload[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x08, 0x3c, 0x40, A6(2), A6(1),
	0x11, 0x01, 0x01, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* hop-by-hop after destination options (RFC 8200 4.1) */
static const uint8_t bad_hbh_not_first[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x3c, 0x40, A6(2), A6(1),
	0x00, 0x00, 0x01, 0x04, 0, 0, 0, 0,
	0x11, 0x00, 0x01, 0x04, 0, 0, 0, 0,
	0x00, 0x35, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00,
};

/* ICMPv4 error quoting an IPv6 header */
static const uint8_t bad_inner_version[] = {
	0x45, 0x00, 0x00, 0x38, 0x00, 0x00, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00,
	198, 51, 100, 2, 192, 0, 2, 1,
	0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x60, 0x00, 0x00, 0x2c, 0x1a, 0x2b, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
	192, 0, 2, 1, 198, 51, 100, 2,
	0x14, 0xe9, 0x00, 0x35, 0x00, 0x18, 0x00, 0x00,
};

/* ICMPv4 time exceeded quoting IHL 3 */
static const uint8_t bad_inner_ihl[] = {
	0x45, 0x00, 0x00, 0x38, 0x00, 0x00, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00,
	198, 51, 100, 2, 192, 0, 2, 1,
	0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x43, 0x00, 0x00, 0x2c, 0x1a, 0x2b, 0x40, 0x00, 0x01, 0x11, 0x00, 0x00,
	192, 0, 2, 1, 198, 51, 100, 2,
	0x14, 0xe9, 0x00, 0x35, 0x00, 0x18, 0x00, 0x00,
};

/* ICMPv4 error whose total length (40) ends inside the quoted IP header */
static const uint8_t bad_inner_past_len[] = {
	0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00,
	198, 51, 100, 2, 192, 0, 2, 1,
	0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x45, 0x00, 0x00, 0x2c, 0x1a, 0x2b, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
	192, 0, 2, 1, 198, 51, 100, 2,
};

/* destination unreachable quoting IPv6 (payload 8) with a 16-byte dest options header */
static const uint8_t bad_inner_ext[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x38, 0x3a, 0x40, A6(1), A6(2),
	0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x08, 0x3c, 0x40, A6(2), A6(1),
	0x11, 0x01, 0x01, 0x0c, 0x00, 0x00, 0x00, 0x00,
};

static const struct invalid_fx invalid[] = {
	{ "len 0", ipv4_udp, 0, 0,
	  { .status = RING_ST_INVALID, .why = RING_WHY_NO_PAYLOAD } },
	{ "ihl 4", FX(bad_ihl4), 4,
	  { .status = RING_ST_INVALID, .why = RING_WHY_L3_HDRLEN, .family = 4, .proto = 6,
	    .ttl = 64, .ip_len = 40, .ip_id = 1,
	    .saddr = V4(192, 0, 2, 1), .daddr = V4(198, 51, 100, 2) } },
	{ "total length < ihl*4", FX(bad_totlen_lt_ihl), 4,
	  { .status = RING_ST_INVALID, .why = RING_WHY_L3_HDRLEN, .family = 4, .proto = 17,
	    .ip_flags = RING_IPF_OPTIONS, .ttl = 64, .ip_len = 20, .ip_id = 1,
	    .saddr = V4(192, 0, 2, 1), .daddr = V4(198, 51, 100, 2) } },
	{ "version 5", FX(bad_version5), 0,
	  { .status = RING_ST_INVALID, .why = RING_WHY_L3_VERSION } },
	{ "ipv4 packet, family 6", FX(ipv4_udp), 6,
	  { .status = RING_ST_INVALID, .why = RING_WHY_L3_VERSION } },
	{ "ipv6 packet, family 4", FX(ipv6_tcp_syn), 4,
	  { .status = RING_ST_INVALID, .why = RING_WHY_L3_VERSION } },
	{ "tcp doff 3", FX(bad_tcp_doff3), 4,
	  { .status = RING_ST_INVALID, .why = RING_WHY_L4_BAD, .family = 4, .proto = 6,
	    .ttl = 64, .tcp_flags = RING_TCP_SYN, .tcp_doff = 3, .sport = 1234, .dport = 80,
	    .ip_len = 40, .tcp_window = 512, .ip_id = 1, .tcp_seq = 9,
	    .saddr = V4(192, 0, 2, 1), .daddr = V4(198, 51, 100, 2) } },
	{ "tcp doff past total length", FX(bad_tcp_doff_past_len), 4,
	  { .status = RING_ST_INVALID, .why = RING_WHY_L3_TOTLEN, .family = 4, .proto = 6,
	    .ttl = 64, .tcp_flags = RING_TCP_SYN | RING_TCP_ACK, .tcp_doff = 15, .sport = 1234,
	    .dport = 80, .ip_len = 40, .tcp_window = 512, .ip_id = 1, .tcp_seq = 9,
	    .saddr = V4(192, 0, 2, 1), .daddr = V4(198, 51, 100, 2) } },
	{ "udp len 4", FX(bad_udp_len4), 4,
	  { .status = RING_ST_INVALID, .why = RING_WHY_L4_BAD, .family = 4, .proto = 17,
	    .ttl = 64, .sport = 53, .dport = 54, .ip_len = 28, .udp_len = 4, .ip_id = 1,
	    .saddr = V4(192, 0, 2, 1), .daddr = V4(198, 51, 100, 2) } },
	{ "total length 24 with tcp", FX(bad_totlen24_tcp), 4,
	  { .status = RING_ST_INVALID, .why = RING_WHY_L3_TOTLEN, .family = 4, .proto = 6,
	    .ttl = 64, .ip_len = 24, .ip_id = 1,
	    .saddr = V4(192, 0, 2, 1), .daddr = V4(198, 51, 100, 2) } },
	{ "ext header past payload", FX(bad_ext_past_payload), 6,
	  { .status = RING_ST_INVALID, .why = RING_WHY_EXT_BAD, .family = 6, .proto = 60,
	    .ip_flags = RING_IPF_OPTIONS, .ttl = 64, .ip_len = 48,
	    .saddr = V6(2), .daddr = V6(1) } },
	{ "hop-by-hop not first", FX(bad_hbh_not_first), 6,
	  { .status = RING_ST_INVALID, .why = RING_WHY_EXT_BAD, .family = 6, .proto = 0,
	    .ip_flags = RING_IPF_OPTIONS, .ttl = 64, .ip_len = 64,
	    .saddr = V6(2), .daddr = V6(1) } },
	{ "icmp quoting ipv6", FX(bad_inner_version), 4,
	  { .status = RING_ST_INVALID, .why = RING_WHY_INNER_BAD, .family = 4, .proto = 1,
	    .ttl = 64, .icmp_type = 3, .icmp_code = 3, .ip_len = 56,
	    .saddr = V4(198, 51, 100, 2), .daddr = V4(192, 0, 2, 1) } },
	{ "icmp quoting ihl 3", FX(bad_inner_ihl), 4,
	  { .status = RING_ST_INVALID, .why = RING_WHY_INNER_BAD, .family = 4, .proto = 1,
	    .ttl = 64, .icmp_type = 11, .ip_len = 56,
	    .saddr = V4(198, 51, 100, 2), .daddr = V4(192, 0, 2, 1) } },
	{ "icmpv6 quoted ext header past its payload", FX(bad_inner_ext), 6,
	  { .status = RING_ST_INVALID, .why = RING_WHY_INNER_BAD, .family = 6, .proto = 58,
	    .ip_flags = RING_IPF_HAVE_INNER, .ttl = 64, .icmp_type = 1, .icmp_code = 4,
	    .inner_family = 6, .inner_proto = 60, .ip_len = 96,
	    .saddr = V6(1), .daddr = V6(2), .inner_saddr = V6(2), .inner_daddr = V6(1) } },
	{ "icmp quote past total length", FX(bad_inner_past_len), 4,
	  { .status = RING_ST_INVALID, .why = RING_WHY_INNER_BAD, .family = 4, .proto = 1,
	    .ttl = 64, .icmp_type = 3, .icmp_code = 1, .ip_len = 40,
	    .saddr = V4(198, 51, 100, 2), .daddr = V4(192, 0, 2, 1) } },
};

/* ---- helpers ---- */

/* Decode the first n bytes of src from a heap buffer of exactly n bytes. */
static int decode_prefix(const uint8_t *src, size_t n, unsigned family, struct pkt *p)
{
	uint8_t *buf = malloc(n ? n : 1);
	int rc;

	assert_non_null(buf);
	if (n)
		memcpy(buf, src, n);
	rc = decode_packet(buf, n, family, p);
	free(buf);
	return rc;
}

static void assert_pkt_equal(const struct pkt *got, const struct pkt *want, const char *name, size_t n)
{
	if (memcmp(got, want, sizeof(*got)) != 0)
		print_error("mismatch: %s, %zu bytes\n", name, n);
	assert_int_equal(got->status, want->status);
	assert_int_equal(got->why, want->why);
	assert_int_equal(got->family, want->family);
	assert_int_equal(got->proto, want->proto);
	assert_int_equal(got->ip_flags, want->ip_flags);
	assert_int_equal(got->ttl, want->ttl);
	assert_int_equal(got->tos, want->tos);
	assert_int_equal(got->tcp_flags, want->tcp_flags);
	assert_int_equal(got->tcp_doff, want->tcp_doff);
	assert_int_equal(got->icmp_type, want->icmp_type);
	assert_int_equal(got->icmp_code, want->icmp_code);
	assert_int_equal(got->inner_family, want->inner_family);
	assert_int_equal(got->inner_proto, want->inner_proto);
	assert_int_equal(got->sport, want->sport);
	assert_int_equal(got->dport, want->dport);
	assert_int_equal(got->ip_len, want->ip_len);
	assert_int_equal(got->frag_off, want->frag_off);
	assert_int_equal(got->tcp_window, want->tcp_window);
	assert_int_equal(got->udp_len, want->udp_len);
	assert_int_equal(got->inner_sport, want->inner_sport);
	assert_int_equal(got->inner_dport, want->inner_dport);
	assert_int_equal(got->ip_id, want->ip_id);
	assert_int_equal(got->flow_label, want->flow_label);
	assert_int_equal(got->tcp_seq, want->tcp_seq);
	assert_memory_equal(got->saddr, want->saddr, sizeof(got->saddr));
	assert_memory_equal(got->daddr, want->daddr, sizeof(got->daddr));
	assert_memory_equal(got->inner_saddr, want->inner_saddr, sizeof(got->inner_saddr));
	assert_memory_equal(got->inner_daddr, want->inner_daddr, sizeof(got->inner_daddr));
	/* catches padding or a field added to struct pkt but not to this list */
	assert_memory_equal(got, want, sizeof(*got));
}

static size_t fx_needed(const struct valid_fx *fx)
{
	size_t i, needed = 0;

	for (i = 0; i < MAX_CUTS && fx->cuts[i].upto; i++)
		needed = fx->cuts[i].upto;
	return needed;
}

/* ---- tests ---- */

/* The whole packet, with the reported family and with family 0. */
static void test_valid_full(void **state)
{
	const struct valid_fx *fx = *state;
	struct pkt p;

	assert_int_equal(decode_prefix(fx->bytes, fx->size, fx->family, &p), RING_ST_OK);
	assert_pkt_equal(&p, &fx->want, fx->name, fx->size);
	assert_int_equal(decode_prefix(fx->bytes, fx->size, 0, &p), RING_ST_OK);
	assert_pkt_equal(&p, &fx->want, fx->name, fx->size);
}

/* Every prefix: TRUNCATED below each cut, then OK with the same fields. */
static void test_valid_prefixes(void **state)
{
	const struct valid_fx *fx = *state;
	size_t needed = fx_needed(fx);
	size_t complete = fx->complete ? fx->complete : needed;
	size_t n, i, l3 = fx->family == 4 ? 20 : 40;
	struct pkt p, want;
	int rc;

	assert_true(needed > 0 && needed <= complete && complete <= fx->size);
	for (n = 0; n < fx->size; n++) {
		rc = decode_prefix(fx->bytes, n, fx->family, &p);
		assert_int_equal(rc, p.status);
		if (n == 0) {
			assert_int_equal(p.status, RING_ST_INVALID);
			assert_int_equal(p.why, RING_WHY_NO_PAYLOAD);
			continue;
		}
		if (n < needed) {
			for (i = 0; n >= fx->cuts[i].upto; i++)
				;
			if (p.status != RING_ST_TRUNCATED || p.why != fx->cuts[i].why)
				print_error("%s: prefix %zu: status %u why %u\n", fx->name, n,
				    p.status, p.why);
			assert_int_equal(p.status, RING_ST_TRUNCATED);
			assert_int_equal(p.why, fx->cuts[i].why);
			/* partial results: the fixed L3 header once it is all there */
			if (n >= l3) {
				assert_int_equal(p.family, fx->want.family);
				assert_int_equal(p.ttl, fx->want.ttl);
				assert_int_equal(p.tos, fx->want.tos);
				assert_int_equal(p.ip_len, fx->want.ip_len);
				assert_int_equal(p.flow_label, fx->want.flow_label);
				assert_memory_equal(p.saddr, fx->want.saddr, sizeof(p.saddr));
				assert_memory_equal(p.daddr, fx->want.daddr, sizeof(p.daddr));
			} else {
				assert_int_equal(p.family, fx->family);
				assert_int_equal(p.ttl, 0);
			}
			continue;
		}
		want = fx->want;
		if (n < complete) {	/* quoted ports not captured: still OK */
			want.inner_sport = 0;
			want.inner_dport = 0;
		}
		assert_pkt_equal(&p, &want, fx->name, n);
	}
}

static void test_invalid(void **state)
{
	const struct invalid_fx *fx = *state;
	struct pkt p;

	assert_int_equal(decode_prefix(fx->bytes, fx->size, fx->family, &p), RING_ST_INVALID);
	assert_pkt_equal(&p, &fx->want, fx->name, fx->size);
}

static void test_null_buffer(void **state)
{
	struct pkt p;

	memset(&p, 0xff, sizeof(p));
	assert_int_equal(decode_packet(NULL, 40, 0, &p), RING_ST_INVALID);
	assert_int_equal(p.why, RING_WHY_NO_PAYLOAD);
	assert_int_equal(p.family, 0);
	assert_int_equal(p.sport, 0);
}

/* Bytes after the datagram's own end (ip_len < len) are not decoded. */
static void test_trailing_bytes(void **state)
{
	uint8_t buf[sizeof(ipv4_udp) + 12];
	struct pkt p;

	memset(buf, 0xee, sizeof(buf));
	memcpy(buf, ipv4_udp, sizeof(ipv4_udp));
	assert_ptr_equal(valid[3].bytes, ipv4_udp);
	assert_int_equal(decode_prefix(buf, sizeof(buf), 4, &p), RING_ST_OK);
	assert_pkt_equal(&p, &valid[3].want, "ipv4 udp + trailer", sizeof(buf));
}

/* Payload length 65535: 65575 bytes do not fit ip_len, which saturates. */
static void test_ipv6_jumbo_len(void **state)
{
	uint8_t buf[40] = { 0x60, 0x00, 0x00, 0x00, 0xff, 0xff, 59, 0x01, A6(2), A6(1) };
	struct pkt p;

	assert_int_equal(decode_prefix(buf, sizeof(buf), 6, &p), RING_ST_OK);
	assert_int_equal(p.ip_len, 65535);
	assert_int_equal(p.proto, 59);
	assert_int_equal(p.ttl, 1);
	assert_int_equal(p.ip_flags, 0);
}

static void test_why_str(void **state)
{
	unsigned i, j;

	for (i = 0; i < __RING_WHY_MAX; i++) {
		const char *s = decode_why_str(i);

		assert_non_null(s);
		assert_true(s[0] != '\0');
		assert_string_not_equal(s, "unknown");
		for (j = 0; j < i; j++)
			assert_string_not_equal(s, decode_why_str(j));
	}
	assert_string_equal(decode_why_str(__RING_WHY_MAX), "unknown");
	assert_string_equal(decode_why_str(255), "unknown");
	assert_string_equal(decode_why_str(~0u), "unknown");
}

int main(void)
{
	struct CMUnitTest tests[2 * ARRAY_SIZE(valid) + ARRAY_SIZE(invalid) + 4];
	static char names[2 * ARRAY_SIZE(valid)][96];
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(valid); i++) {
		snprintf(names[2 * i], sizeof(names[0]), "%s: full", valid[i].name);
		snprintf(names[2 * i + 1], sizeof(names[0]), "%s: prefixes", valid[i].name);
		tests[n++] = (struct CMUnitTest){ names[2 * i], test_valid_full, NULL, NULL,
		    (void *)&valid[i] };
		tests[n++] = (struct CMUnitTest){ names[2 * i + 1], test_valid_prefixes, NULL,
		    NULL, (void *)&valid[i] };
	}
	for (i = 0; i < ARRAY_SIZE(invalid); i++)
		tests[n++] = (struct CMUnitTest){ invalid[i].name, test_invalid, NULL, NULL,
		    (void *)&invalid[i] };
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_null_buffer);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_trailing_bytes);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_ipv6_jumbo_len);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_why_str);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
