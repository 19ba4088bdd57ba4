/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decode.c - bounds-checked decoder for the IPv4/IPv6 and TCP/UDP/ICMP headers of one logged packet.
 *
 * References: RFC 791 (IPv4), RFC 8200 (IPv6, extension headers), RFC 9293
 * (TCP), RFC 768 (UDP), RFC 792 (ICMP), RFC 4443 (ICMPv6); also RFC 3168
 * (ECE/CWR), RFC 4302 (AH length unit), RFC 3828 (UDP-Lite).
 *
 * Every byte of buf is attacker-controlled. buf is only read by
 * decode_get_u8() and decode_get_bytes(), which check the offset against the
 * captured length; a header is copied whole into a small local array and its
 * fields are then taken at constant offsets inside that array. Wire fields are big-endian; struct pkt
 * gets host order, except addresses, which are copied as they are.
 *
 * Two ends bound every header, and which one it crosses decides the outcome:
 *
 *   buf[0]                              len                       ip_end
 *   |<------ captured by NFLOG -------->|                          |
 *   |<------- datagram, by its own total / payload length -------->|
 *
 *   header crosses ip_end (or the header that contains it): RING_ST_INVALID
 *   header inside ip_end but crosses len:                   RING_ST_TRUNCATED
 *
 * ip_end beyond len is normal: the copy range cut the payload. Only the
 * headers the decoder reads must be captured.
 */
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#include "capture/decode.h"

#define IPV4_HDR_LEN	20u	/* bytes, without options */
#define IPV6_HDR_LEN	40u
#define V6EXT_MIN	8u	/* bytes: smallest extension header */
#define TCP_HDR_LEN	20u	/* without options */
#define UDP_HDR_LEN	8u
#define ICMP_HDR_LEN	8u	/* type, code, checksum, 4 bytes rest-of-header */
#define L4_PORTS_LEN	4u	/* source + destination port, TCP and UDP alike */

#define IPV4_RF		0x8000u	/* flags + fragment offset word */
#define IPV4_DF		0x4000u
#define IPV4_MF		0x2000u
#define IPV4_OFFMASK	0x1fffu	/* in 8-byte units */
#define IPV6_OFFMASK	0xfff8u	/* already in bytes: offset << 3 */
#define IPV6_MF		0x0001u

/* Bytes buf[0..len) are the capture; one reading context per packet. */
struct dec {
	const uint8_t	*buf;
	size_t		 len;
	struct pkt	*p;
};

/* IPv6 extension header walk: input and result. */
struct v6ext {
	size_t		 off;		/* in: first header after the fixed one; out: upper layer */
	uint8_t		 nh;		/* in: fixed header's Next Header; out: upper-layer proto */
	uint8_t		 flags;		/* out: RING_IPF_OPTIONS, _FRAGHDR, _MF, _FRAGMENT */
	uint16_t	 frag_off;	/* out: bytes */
	uint32_t	 id;		/* out: fragment identification */
};

/* ---- bounds-checked getters: the only code that touches buf ---- */

static inline bool decode_get_u8(const uint8_t *buf, size_t len, size_t off, uint8_t *out)
{
	if (off >= len)
		return false;
	*out = buf[off];
	return true;
}

static inline bool decode_get_bytes(const uint8_t *buf, size_t len, size_t off, void *out, size_t n)
{
	if (n > len || off > len - n)
		return false;
	memcpy(out, buf + off, n);
	return true;
}

/* Loaders for fields of a header already copied into a local array. */
static inline uint16_t decode_be16(const uint8_t *h)
{
	return (uint16_t)(h[0] << 8 | h[1]);
}

static inline uint32_t decode_be32(const uint8_t *h)
{
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

/* ---- outcome helpers ---- */

static int decode_fail(struct pkt *p, int status, int why)
{
	p->status = (uint8_t)status;
	p->why = (uint8_t)why;
	return status;
}

/* Is [off, off+n) inside the container (end) and the capture (cap)? */
static inline int decode_span(size_t cap, size_t end, size_t off, size_t n)
{
	if (n > end || off > end - n)
		return RING_ST_INVALID;
	if (n > cap || off > cap - n)
		return RING_ST_TRUNCATED;
	return RING_ST_OK;
}

/* Copy the n-byte header at off into h: RING_ST_* like decode_span(). */
static inline int decode_get(const uint8_t *buf, size_t cap, size_t end, size_t off, void *h, size_t n)
{
	if (n > end || off > end - n)
		return RING_ST_INVALID;
	return decode_get_bytes(buf, cap, off, h, n) ? RING_ST_OK : RING_ST_TRUNCATED;
}

/* decode_get() that records the failure in *p under the given reasons.
 * Always inlined: n is then a constant at every call site and the header
 * copy is a few moves instead of a call to memcpy with a variable length. */
static inline __attribute__((always_inline)) bool decode_hdr(struct dec *d, size_t end, size_t off,
							     void *h, size_t n, int why_trunc, int why_bad)
{
	int st = decode_get(d->buf, d->len, end, off, h, n);

	if (st == RING_ST_OK)
		return true;
	decode_fail(d->p, st, st == RING_ST_INVALID ? why_bad : why_trunc);
	return false;
}

/* ---- IPv6 extension headers ---- */

/*
 * Hop-by-Hop (0), Routing (43), Destination Options (60), and AH (51), which
 * counts 4-byte units minus 2 instead of 8-byte units minus 1 (RFC 4302):
 *
 *  +-------------+-------------+---------------------------------+
 *  | Next Header | Hdr Ext Len |  type-specific data ...         |
 *  +-------------+-------------+---------------------------------+
 *
 * Fragment (44), always 8 bytes:
 *
 *  +-------------+-------------+-------------------------+-----+-+
 *  | Next Header |  Reserved   |     Fragment Offset     | Res |M|
 *  +-------------+-------------+-------------------------+-----+-+
 *  |                       Identification                        |
 *  +-------------------------------------------------------------+
 *
 * Walks from x->off until an upper-layer header (ESP 50 and No Next Header 59
 * included: nothing after them can be read) or a non-first fragment. Each
 * header must lie inside end (else INVALID) and be captured in cap (else
 * TRUNCATED); each is at least 8 bytes long, so the walk ends. Whatever was
 * learned before a failure is left in *x.
 */
static int decode_v6ext(const uint8_t *buf, size_t cap, size_t end, struct v6ext *x)
{
	size_t first = x->off, hl;
	uint16_t fo;
	uint8_t h[V6EXT_MIN];
	int st;

	for (;;) {
		switch (x->nh) {
		case IPPROTO_HOPOPTS:
			/* RFC 8200 4.1: only right after the fixed header */
			if (x->off != first)
				return RING_ST_INVALID;
			break;
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
		case IPPROTO_FRAGMENT:
		case IPPROTO_AH:
			break;
		default:
			return RING_ST_OK;
		}
		x->flags |= RING_IPF_OPTIONS;
		st = decode_get(buf, cap, end, x->off, h, sizeof(h));
		if (st != RING_ST_OK)
			return st;

		if (x->nh == IPPROTO_FRAGMENT) {
			fo = decode_be16(h + 2);
			x->flags |= RING_IPF_FRAGHDR;
			if (fo & IPV6_MF)
				x->flags |= RING_IPF_MF;
			x->frag_off = fo & IPV6_OFFMASK;
			x->id = decode_be32(h + 4);
			x->nh = h[0];
			x->off += sizeof(h);
			if (x->frag_off != 0) {
				x->flags |= RING_IPF_FRAGMENT;
				return RING_ST_OK;
			}
			continue;
		}
		if (x->nh == IPPROTO_AH)
			hl = ((size_t)h[1] + 2) * 4;
		else
			hl = ((size_t)h[1] + 1) * 8;
		/* the body is not read, but it must be there for the next header */
		st = decode_span(cap, end, x->off, hl);
		if (st != RING_ST_OK)
			return st;
		x->nh = h[0];
		x->off += hl;
	}
}

/* ---- ICMP errors: the quoted header ---- */

static bool decode_icmp_is_error(unsigned family, uint8_t type)
{
	if (family == 4)	/* unreach, quench, redirect, time exceeded, param problem */
		return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
	return type >= 1 && type <= 4;	/* unreach, too big, time exceeded, param problem */
}

static bool decode_has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE;
}

/*
 * The invoking packet quoted by an ICMP or ICMPv6 error starts at off and is
 * cut wherever the sender chose (RFC 792: header + 64 bits; RFC 4443: as much
 * as fits): the outer ip_end (end) bounds it. Its fixed IP header must be
 * there; its ports are a bonus, taken when captured and inside both the outer
 * datagram and the quoted datagram's own length.
 */
static int decode_inner(struct dec *d, size_t end, size_t off)
{
	struct pkt *p = d->p;
	size_t cap = d->len < end ? d->len : end;	/* quoted bytes we hold */
	size_t ihl, iend;
	uint8_t h[IPV6_HDR_LEN], ports[L4_PORTS_LEN];
	struct v6ext x;
	int st;

	if (!decode_hdr(d, end, off, h, p->family == 4 ? IPV4_HDR_LEN : IPV6_HDR_LEN,
	    RING_WHY_INNER_TRUNC, RING_WHY_INNER_BAD))
		return p->status;
	if (h[0] >> 4 != p->family)	/* an ICMPv4 error quotes IPv4, ICMPv6 IPv6 */
		return decode_fail(p, RING_ST_INVALID, RING_WHY_INNER_BAD);

	if (p->family == 4) {
		ihl = (size_t)(h[0] & 0x0f) * 4;
		iend = off + decode_be16(h + 2);
		if (ihl < IPV4_HDR_LEN || iend < off + ihl)
			return decode_fail(p, RING_ST_INVALID, RING_WHY_INNER_BAD);
		p->inner_family = 4;
		p->inner_proto = h[9];
		memcpy(p->inner_saddr, h + 12, 4);
		memcpy(p->inner_daddr, h + 16, 4);
		p->ip_flags |= RING_IPF_HAVE_INNER;
		if (decode_be16(h + 6) & IPV4_OFFMASK)
			return RING_ST_OK;	/* quoted non-first fragment: no ports */
		off += ihl;
	} else {
		iend = off + IPV6_HDR_LEN + decode_be16(h + 4);
		p->inner_family = 6;
		p->inner_proto = h[6];
		memcpy(p->inner_saddr, h + 8, 16);
		memcpy(p->inner_daddr, h + 24, 16);
		p->ip_flags |= RING_IPF_HAVE_INNER;

		memset(&x, 0, sizeof(x));
		x.off = off + IPV6_HDR_LEN;
		x.nh = h[6];
		st = decode_v6ext(d->buf, cap, iend, &x);
		p->inner_proto = x.nh;
		if (st == RING_ST_INVALID)
			return decode_fail(p, RING_ST_INVALID, RING_WHY_INNER_BAD);
		if (st != RING_ST_OK || (x.flags & RING_IPF_FRAGMENT))
			return RING_ST_OK;	/* quote ends in the ext headers, or no L4 */
		off = x.off;
	}

	if (decode_has_ports(p->inner_proto) &&
	    decode_get(d->buf, cap, iend, off, ports, sizeof(ports)) == RING_ST_OK) {
		p->inner_sport = decode_be16(ports);
		p->inner_dport = decode_be16(ports + 2);
	}
	return RING_ST_OK;
}

/* ---- L4 ---- */

/*
 * TCP (RFC 9293 3.1), the 20 bytes before options; UDP (RFC 768) is the first
 * 8 bytes with Length in place of the sequence number's high half; ICMP and
 * ICMPv6 (RFC 792, 4443) start with Type, Code, Checksum:
 *
 *  +-------------------------------+-------------------------------+
 *  |          Source Port          |       Destination Port        |
 *  +-------------------------------+-------------------------------+
 *  |                        Sequence Number                        |
 *  +---------------------------------------------------------------+
 *  |                    Acknowledgment Number                      |
 *  +-------+-------+---------------+-------------------------------+
 *  | DOff  |  Rsv  |C E U A P R S F|            Window             |
 *  +-------+-------+---------------+-------------------------------+
 *  |           Checksum            |        Urgent Pointer         |
 *  +-------------------------------+-------------------------------+
 */
static int decode_tcp(struct dec *d, size_t end, size_t off)
{
	struct pkt *p = d->p;
	uint8_t h[TCP_HDR_LEN];

	if (!decode_hdr(d, end, off, h, sizeof(h), RING_WHY_L4_TRUNC, RING_WHY_L3_TOTLEN))
		return p->status;
	p->sport = decode_be16(h);
	p->dport = decode_be16(h + 2);
	p->tcp_seq = decode_be32(h + 4);
	p->tcp_doff = h[12] >> 4;
	p->tcp_flags = h[13];		/* FIN..CWR are RING_TCP_* bit for bit */
	p->tcp_window = decode_be16(h + 14);
	if (p->tcp_doff < TCP_HDR_LEN / 4)
		return decode_fail(p, RING_ST_INVALID, RING_WHY_L4_BAD);
	/* options are not read, but they must fit in the datagram */
	if ((size_t)p->tcp_doff * 4 > end - off)
		return decode_fail(p, RING_ST_INVALID, RING_WHY_L3_TOTLEN);
	return RING_ST_OK;
}

static int decode_udp(struct dec *d, size_t end, size_t off)
{
	struct pkt *p = d->p;
	uint8_t h[UDP_HDR_LEN];

	if (!decode_hdr(d, end, off, h, sizeof(h), RING_WHY_L4_TRUNC, RING_WHY_L3_TOTLEN))
		return p->status;
	p->sport = decode_be16(h);
	p->dport = decode_be16(h + 2);
	p->udp_len = decode_be16(h + 4);
	/* UDP-Lite's field is the checksum coverage, where 0 means "all" */
	if (p->udp_len < UDP_HDR_LEN && !(p->proto == IPPROTO_UDPLITE && p->udp_len == 0))
		return decode_fail(p, RING_ST_INVALID, RING_WHY_L4_BAD);
	return RING_ST_OK;
}

static int decode_icmp(struct dec *d, size_t end, size_t off)
{
	struct pkt *p = d->p;
	uint8_t h[ICMP_HDR_LEN];

	if (!decode_hdr(d, end, off, h, sizeof(h), RING_WHY_L4_TRUNC, RING_WHY_L3_TOTLEN))
		return p->status;
	p->icmp_type = h[0];
	p->icmp_code = h[1];
	if (!decode_icmp_is_error(p->family, p->icmp_type))
		return RING_ST_OK;
	return decode_inner(d, end, off + ICMP_HDR_LEN);
}

/* The upper-layer header of proto p->proto starts at off; end is ip_end. */
static int decode_l4(struct dec *d, size_t end, size_t off)
{
	struct pkt *p = d->p;

	switch (p->proto) {
	case IPPROTO_TCP:
		return decode_tcp(d, end, off);
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		return decode_udp(d, end, off);
	case IPPROTO_ICMP:
		return p->family == 4 ? decode_icmp(d, end, off) : RING_ST_OK;
	case IPPROTO_ICMPV6:
		return p->family == 6 ? decode_icmp(d, end, off) : RING_ST_OK;
	default:
		return RING_ST_OK;	/* not ours to decode */
	}
}

/* ---- L3 ---- */

/*
 * IPv4 (RFC 791 3.1):
 *
 *  +-------+-------+---------------+-------------------------------+
 *  |Version|  IHL  |      TOS      |         Total Length          |
 *  +-------+-------+---------------+-+-+-+-------------------------+
 *  |        Identification         |R|D|M|  Fragment Offset (x8)  |
 *  +---------------+---------------+-+-+-+-------------------------+
 *  |      TTL      |   Protocol    |        Header Checksum        |
 *  +---------------+---------------+-------------------------------+
 *  |                        Source Address                         |
 *  +---------------------------------------------------------------+
 *  |                      Destination Address                      |
 *  +---------------------------------------------------------------+
 *  |                   Options (IHL > 5) ...                       |
 *
 * The fixed part is decoded into *p before IHL and Total Length are judged,
 * so an invalid packet still shows who sent it.
 */
static int decode_ipv4(struct dec *d)
{
	struct pkt *p = d->p;
	uint8_t h[IPV4_HDR_LEN];
	size_t ihl, end;
	uint16_t fo;

	if (!decode_get_bytes(d->buf, d->len, 0, h, sizeof(h)))
		return decode_fail(p, RING_ST_TRUNCATED, RING_WHY_L3_TRUNC);
	ihl = (size_t)(h[0] & 0x0f) * 4;
	p->tos = h[1];
	p->ip_len = decode_be16(h + 2);
	p->ip_id = decode_be16(h + 4);
	fo = decode_be16(h + 6);
	p->frag_off = (uint16_t)((fo & IPV4_OFFMASK) * 8);
	p->ip_flags = (fo & IPV4_RF ? RING_IPF_RF : 0) | (fo & IPV4_DF ? RING_IPF_DF : 0) |
	    (fo & IPV4_MF ? RING_IPF_MF : 0) | (ihl > IPV4_HDR_LEN ? RING_IPF_OPTIONS : 0);
	p->ttl = h[8];
	p->proto = h[9];
	memcpy(p->saddr, h + 12, 4);
	memcpy(p->daddr, h + 16, 4);

	end = p->ip_len;
	if (ihl < IPV4_HDR_LEN || end < ihl)
		return decode_fail(p, RING_ST_INVALID, RING_WHY_L3_HDRLEN);
	/* options belong to the L3 header; only the capture can cut them now */
	if (decode_span(d->len, end, 0, ihl) != RING_ST_OK)
		return decode_fail(p, RING_ST_TRUNCATED, RING_WHY_L3_TRUNC);
	if (p->frag_off != 0) {
		p->ip_flags |= RING_IPF_FRAGMENT;
		return RING_ST_OK;
	}
	return decode_l4(d, end, ihl);
}

/*
 * IPv6 (RFC 8200 3):
 *
 *  +-------+---------------+---------------------------------------+
 *  |Version| Traffic Class |              Flow Label               |
 *  +-------+---------------+---------------+-----------------------+
 *  |        Payload Length         |  Next Header  |   Hop Limit   |
 *  +-------------------------------+---------------+---------------+
 *  |                  Source Address (16 bytes)                    |
 *  |               Destination Address (16 bytes)                  |
 *  +---------------------------------------------------------------+
 */
static int decode_ipv6(struct dec *d)
{
	struct pkt *p = d->p;
	uint8_t h[IPV6_HDR_LEN];
	struct v6ext x;
	size_t end;
	uint32_t w;
	int st;

	if (!decode_get_bytes(d->buf, d->len, 0, h, sizeof(h)))
		return decode_fail(p, RING_ST_TRUNCATED, RING_WHY_L3_TRUNC);
	w = decode_be32(h);
	p->tos = (uint8_t)(w >> 20);
	p->flow_label = w & 0xfffff;
	end = IPV6_HDR_LEN + decode_be16(h + 4);
	/* 65535 + 40 does not fit ring_rec.ip_len: saturate, bounds use end */
	p->ip_len = end > UINT16_MAX ? UINT16_MAX : (uint16_t)end;
	p->proto = h[6];
	p->ttl = h[7];
	memcpy(p->saddr, h + 8, 16);
	memcpy(p->daddr, h + 24, 16);

	memset(&x, 0, sizeof(x));
	x.off = IPV6_HDR_LEN;
	x.nh = h[6];
	st = decode_v6ext(d->buf, d->len, end, &x);
	p->proto = x.nh;
	p->ip_flags = x.flags;
	p->frag_off = x.frag_off;
	p->ip_id = x.id;
	if (st != RING_ST_OK)
		return decode_fail(p, st, st == RING_ST_INVALID ? RING_WHY_EXT_BAD : RING_WHY_EXT_TRUNC);
	if (x.flags & RING_IPF_FRAGMENT)
		return RING_ST_OK;
	return decode_l4(d, end, x.off);
}

int decode_packet(const uint8_t *buf, size_t len, unsigned family, struct pkt *p)
{
	struct dec d = { .buf = buf, .len = buf != NULL ? len : 0, .p = p };
	uint8_t b0;
	unsigned v;

	memset(p, 0, sizeof(*p));
	if (!decode_get_u8(d.buf, d.len, 0, &b0))
		return decode_fail(p, RING_ST_INVALID, RING_WHY_NO_PAYLOAD);
	v = b0 >> 4;
	if ((v != 4 && v != 6) || (family != 0 && family != v))
		return decode_fail(p, RING_ST_INVALID, RING_WHY_L3_VERSION);
	p->family = (uint8_t)v;
	return v == 4 ? decode_ipv4(&d) : decode_ipv6(&d);
}

const char *decode_why_str(unsigned why)
{
	static const char *const str[__RING_WHY_MAX] = {
		[RING_WHY_NONE]		= "none",
		[RING_WHY_NO_PAYLOAD]	= "no packet bytes",
		[RING_WHY_L3_TRUNC]	= "ip header cut",
		[RING_WHY_L3_VERSION]	= "bad ip version",
		[RING_WHY_L3_HDRLEN]	= "bad ip header length",
		[RING_WHY_L3_TOTLEN]	= "ip length too short for headers",
		[RING_WHY_EXT_TRUNC]	= "ipv6 extension header cut",
		[RING_WHY_EXT_BAD]	= "ipv6 extension header past payload",
		[RING_WHY_L4_TRUNC]	= "l4 header cut",
		[RING_WHY_L4_BAD]	= "bad l4 header",
		[RING_WHY_INNER_TRUNC]	= "quoted header cut",
		[RING_WHY_INNER_BAD]	= "bad quoted header",
	};

	if (why >= __RING_WHY_MAX || str[why] == NULL)
		return "unknown";
	return str[why];
}
