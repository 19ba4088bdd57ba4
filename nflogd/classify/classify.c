/* SPDX-License-Identifier: GPL-2.0-or-later */
/* classify.c - per-packet classification against the knowledge base.
 *
 * For every record, on the capture thread: the kb rows of the destination
 * and source ports (or of the ICMP type and code), the classes of both
 * addresses, the initial TTL the sender most likely started from, and
 * single-packet tags (scan styles, firewall piercing, fraggle, Slammer,
 * land, bogon sources, crafted TTL or IP ID, ...). All lookups are O(1) or
 * a few compares; everything that needs strings or loops over the kb is done
 * once in classify_new().
 *
 * Broadcast is never guessed from an address's last octet (on a /16 many
 * hosts end in .255; a /27's broadcast ends in .31): a destination is a
 * broadcast when the link-layer header says so, when it is 255.255.255.255,
 * or when the host's live address table (localnet/) names it the directed
 * broadcast of one of its prefixes. The broadcast of a remote subnet that
 * this host routes to cannot be known from here and is not claimed.
 */
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
/* After netinet/in.h: linux/in.h then knows not to define its structs. */
#include <linux/if_arp.h>
#include <linux/netfilter.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"

#define CLASSIFY_HOPS_MAX	32	/* more hops than this from any usual start: crafted */
#define CLASSIFY_SSCAN_IPID	39426	/* the fixed IP ID of sscan/mscan (CERT IN-99-01 era) */
#define CLASSIFY_SLAMMER_LEN	404	/* IP length of SQL Slammer's single packet */
#define CLASSIFY_NBSTAT_LEN	58	/* UDP length of a NetBIOS node-status query */

enum classify_addr_kind {
	ADDR_ORDINARY	= 0,
	ADDR_BOGON	= 1,	/* never a valid source anywhere */
	ADDR_MARTIAN	= 2,	/* valid only on local networks */
	ADDR_BROADCAST	= 3,
};

struct classify {
	const struct kb		*kb;
	const struct kb_port	*ports;		/* row arrays, for counter indexes */
	size_t			 nports;
	const struct kb_icmp	*icmps;
	size_t			 nicmps;
	const struct kb_addr	*addrs;
	size_t			 naddrs;
	uint8_t			*addr_kind;	/* per address row: enum classify_addr_kind */
	uint16_t		 ttl_row[256];	/* observed TTL -> ttl row id of its likely start */
	uint8_t			 ttl_start[256];/* observed TTL -> that start */
	uint16_t		 cat_dynamic;	/* category id of "dynamic" (ephemeral ports) */
};

static const char *const classify_tags[__RING_TAG_COUNT] = {
	"scan-null", "scan-fin", "scan-xmas", "scan-maimon", "scan-syn-fin", "scan-ack",
	"syn-odd-flags", "port-zero", "firewall-piercing", "fraggle-probe", "slammer",
	"land", "bogon-source", "martian-source", "crafted-ttl", "crafted-ipid",
	"hack-a-tack", "netbios-nbstat", "broadcast-destination", "echo-chargen-loop",
	"broadcast-ping", "nd-off-link", "link-local-forwarded", "link-chatter",
	"ra-unsolicited",
};

_Static_assert(ADDRTAB_OWN == RING_AF_OWN && ADDRTAB_SUBNET == RING_AF_SUBNET &&
	       ADDRTAB_BCAST == RING_AF_BCAST && ADDRTAB_LIMITED == RING_AF_LIMITED &&
	       ADDRTAB_MCAST == RING_AF_MCAST, "address table facts are stored as they are");

const char *classify_tag_name(unsigned i)
{
	return i < __RING_TAG_COUNT ? classify_tags[i] : NULL;
}

/* The address classes of kb/addresses.tsv that mean something for a source. */
static enum classify_addr_kind classify_addr_kind_of(const char *cls)
{
	static const char *const bogon[] = {
		"this-network", "unspecified", "loopback", "multicast", "reserved",
		"limited-broadcast", "v4-mapped", "link-scope-multicast",
		"local-network-control", "ssdp", "mdns", "llmnr", "all-nodes",
	};
	static const char *const martian[] = {
		/* Documentation ranges are bogus on the Internet too, but they
		 * are what every lab and test uses: their class is reported,
		 * untagged. */
		"private", "shared-cgn", "link-local", "benchmarking", "unique-local",
		"ietf-protocol", "nat64-local",
	};
	size_t i;

	if (!strcmp(cls, "limited-broadcast"))
		return ADDR_BROADCAST;
	for (i = 0; i < sizeof(bogon) / sizeof(bogon[0]); i++)
		if (!strcmp(cls, bogon[i]))
			return ADDR_BOGON;
	for (i = 0; i < sizeof(martian) / sizeof(martian[0]); i++)
		if (!strcmp(cls, martian[i]))
			return ADDR_MARTIAN;
	return ADDR_ORDINARY;
}

/* kb rows are arrays; counters and per-row flags are indexed by position. */
static size_t classify_count_rows(const struct kb *kb, const void *(*at)(const struct kb *, size_t),
				  size_t size, const void **base)
{
	size_t n = 0;

	*base = at(kb, 0);
	while (at(kb, n)) {
		if ((const char *)at(kb, n) != (const char *)*base + n * size)
			return (size_t)-1;
		n++;
	}
	return n;
}

static const void *classify_port_at(const struct kb *kb, size_t i) { return kb_port_at(kb, i); }
static const void *classify_icmp_at(const struct kb *kb, size_t i) { return kb_icmp_at(kb, i); }
static const void *classify_addr_at(const struct kb *kb, size_t i) { return kb_addr_at(kb, i); }

struct classify *classify_new(const struct kb *kb)
{
	struct classify *c = calloc(1, sizeof(*c));
	const void *base;
	unsigned ttl, start;
	size_t i;

	if (!c)
		return NULL;
	c->kb = kb;
	c->nports = classify_count_rows(kb, classify_port_at, sizeof(*c->ports), &base);
	c->ports = base;
	c->nicmps = classify_count_rows(kb, classify_icmp_at, sizeof(*c->icmps), &base);
	c->icmps = base;
	c->naddrs = classify_count_rows(kb, classify_addr_at, sizeof(*c->addrs), &base);
	c->addrs = base;
	if (c->nports == (size_t)-1 || c->nicmps == (size_t)-1 || c->naddrs == (size_t)-1) {
		free(c);
		errno = EINVAL;		/* kb rows not laid out as arrays */
		return NULL;
	}
	c->addr_kind = calloc(c->naddrs ? c->naddrs : 1, 1);
	if (!c->addr_kind) {
		free(c);
		return NULL;
	}
	for (i = 0; i < c->naddrs; i++)
		c->addr_kind[i] = (uint8_t)classify_addr_kind_of(c->addrs[i].cls);
	for (i = 1; i < 256; i++) {
		const struct kb_category *cat = kb_category_by_id(kb, (uint16_t)i);

		if (cat && !strcmp(cat->name, "dynamic"))
			c->cat_dynamic = (uint16_t)i;
	}
	/* The likely start of an observed TTL is the smallest usual initial
	 * TTL at or above it (kb/ttl.tsv). */
	for (ttl = 0; ttl < 256; ttl++) {
		for (start = ttl; start < 256; start++) {
			const struct kb_ttl *t = kb_ttl_lookup(kb, (uint8_t)start);

			if (t) {
				c->ttl_row[ttl] = t->id;
				c->ttl_start[ttl] = (uint8_t)start;
				break;
			}
		}
	}
	return c;
}

void classify_free(struct classify *c)
{
	if (!c)
		return;
	free(c->addr_kind);
	free(c);
}

size_t classify_counter_ids(const struct classify *c, uint16_t *ids, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < c->nports && n < max; i++)
		ids[n++] = c->ports[i].id;
	for (i = 0; i < c->nicmps && n < max; i++)
		ids[n++] = c->icmps[i].id;
	return n;
}

static uint32_t classify_tcp_tags(uint8_t flags)
{
	uint8_t f = flags & (RING_TCP_FIN | RING_TCP_SYN | RING_TCP_RST | RING_TCP_PSH |
			     RING_TCP_ACK | RING_TCP_URG);	/* ECE/CWR are ECN, not style */

	if (f == 0)
		return RING_TAG_SCAN_NULL;
	if (f == RING_TCP_FIN)
		return RING_TAG_SCAN_FIN;
	if (f == (RING_TCP_FIN | RING_TCP_PSH | RING_TCP_URG))
		return RING_TAG_SCAN_XMAS;
	if (f == (RING_TCP_FIN | RING_TCP_ACK))
		return RING_TAG_SCAN_MAIMON;
	if (f == RING_TCP_ACK)
		return RING_TAG_SCAN_ACK;
	if ((f & (RING_TCP_SYN | RING_TCP_FIN)) == (RING_TCP_SYN | RING_TCP_FIN))
		return RING_TAG_SCAN_SYNFIN;
	if ((f & RING_TCP_SYN) && (f & (RING_TCP_RST | RING_TCP_PSH | RING_TCP_URG)))
		return RING_TAG_SYN_ODD;
	return 0;
}

/* What the Ethernet destination says: only a header the kernel gave counts.
 * hw: ADDRTAB_HW_* of the destination MAC against the in-interface's own. */
static inline uint8_t classify_l2(const struct pkt *p, unsigned hw)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (!(p->hw.flags & RING_HWF_DST))
		return RING_L2_UNKNOWN;
	if (p->hw.type == ARPHRD_LOOPBACK)
		return RING_L2_LOOPBACK;
	if (p->hw.dst[0] & 1)
		return memcmp(p->hw.dst, bcast, 6) ? RING_L2_MULTICAST : RING_L2_BROADCAST;
	if (hw == ADDRTAB_HW_OURS)
		return RING_L2_HOST;
	return hw == ADDRTAB_HW_OTHER ? RING_L2_OTHERHOST : RING_L2_UNICAST;
}

/* RING_AF_* of one address without a table: what the address itself says. */
static inline uint8_t classify_facts_alone(unsigned family, const uint8_t *a)
{
	if (family == 4) {
		if ((a[0] & a[1] & a[2] & a[3]) == 0xff)
			return RING_AF_LIMITED;
		return (a[0] & 0xf0) == 0xe0 ? RING_AF_MCAST : 0;
	}
	return a[0] == 0xff ? RING_AF_MCAST : 0;
}

/* The link-layer class and both addresses' facts: one question to the
 * host's table when there is one (it answers LIMITED and MCAST too). */
static inline void classify_local(const struct addrtab *local, const struct pkt *p,
				  struct ring_klass *k)
{
	struct addrtab_pkt at;

	if (!local) {
		k->l2 = classify_l2(p, ADDRTAB_HW_UNKNOWN);
		k->dst_facts = classify_facts_alone(p->family, p->daddr);
		k->src_facts = classify_facts_alone(p->family, p->saddr);
		return;
	}
	at = addrtab_packet(local, p->family, p->saddr, p->daddr, p->ifindex_in,
			    p->hw.flags & RING_HWF_DST ? p->hw.dst : NULL);
	k->l2 = classify_l2(p, at.hw);
	k->dst_facts = (uint8_t)(RING_AF_KNOWN | at.dst);
	k->src_facts = (uint8_t)(RING_AF_KNOWN | at.src);
}

static unsigned classify_addr(const struct classify *c, unsigned family, const uint8_t *addr,
			      const struct kb_addr **row)
{
	long i = kb_addr_lookup_row(c->kb, family, addr);

	if (i < 0) {
		*row = NULL;
		return ADDR_ORDINARY;
	}
	*row = &c->addrs[i];
	return c->addr_kind[i];
}

static uint8_t classify_max(uint8_t a, uint8_t b)
{
	return a > b ? a : b;
}

/* Address classes of both ends and the tags they give; *dst_row is the
 * destination's row, which the verdict falls back on. */
static inline uint32_t classify_addr_tags(const struct classify *c, const struct pkt *p,
					  struct ring_klass *k, const struct kb_addr **dst_row)
{
	const struct kb_addr *src_row;
	unsigned src_kind, dst_kind;
	uint32_t tags = 0;

	src_kind = classify_addr(c, p->family, p->saddr, &src_row);
	dst_kind = classify_addr(c, p->family, p->daddr, dst_row);
	k->src_class = src_row ? src_row->id : 0;
	k->dst_class = *dst_row ? (*dst_row)->id : 0;
	if (!memcmp(p->saddr, p->daddr, 16))
		tags |= RING_TAG_LAND;
	if (src_kind == ADDR_BOGON || src_kind == ADDR_BROADCAST) {
		/* 0.0.0.0:68 -> 255.255.255.255:67 is a DHCP client with no address yet. */
		if (!(p->proto == IPPROTO_UDP && p->sport == 68 && p->dport == 67))
			tags |= RING_TAG_BOGON_SRC;
	} else if (src_kind == ADDR_MARTIAN) {
		tags |= RING_TAG_MARTIAN_SRC;
	}
	if (dst_kind == ADDR_BROADCAST || k->l2 == RING_L2_BROADCAST ||
	    (k->dst_facts & (RING_AF_BCAST | RING_AF_LIMITED)))
		tags |= RING_TAG_BCAST_DST;
	return tags;
}

/* The initial TTL the sender most likely started from, and the IP header
 * fields a tool set by hand. */
static inline uint32_t classify_ip_tags(const struct classify *c, const struct pkt *p,
					struct ring_klass *k)
{
	uint32_t tags = 0;

	k->ttl_initial = c->ttl_start[p->ttl];
	k->ttl_hops = k->ttl_initial ? (uint8_t)(k->ttl_initial - p->ttl) : 0;
	k->os_hint = c->ttl_row[p->ttl];
	if (!k->ttl_initial || k->ttl_hops > CLASSIFY_HOPS_MAX || p->ttl == 0)
		tags |= RING_TAG_CRAFTED_TTL;
	if (p->family == 4 && p->ip_id == CLASSIFY_SSCAN_IPID)
		tags |= RING_TAG_CRAFTED_IPID;
	return tags;
}

/* Ports are there to look up: TCP, UDP or UDP-Lite, a first fragment, and
 * headers the decoder did not find contradicting themselves. */
static inline bool classify_has_ports(const struct pkt *p)
{
	return (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP ||
		p->proto == IPPROTO_UDPLITE) &&
	       !(p->ip_flags & RING_IPF_FRAGMENT) && p->status != RING_ST_INVALID;
}

/* Tags from the ports (and TCP flags) of a packet that has them; tags so far
 * tell whether the destination is a broadcast address. */
static inline uint32_t classify_port_tags(const struct pkt *p, uint32_t tags)
{
	bool udp = p->proto == IPPROTO_UDP;

	if (p->proto == IPPROTO_TCP)
		tags |= classify_tcp_tags(p->tcp_flags);
	if (p->sport == 0 || p->dport == 0)
		tags |= RING_TAG_PORT_ZERO;
	if ((p->sport == 20 || p->sport == 53 || p->sport == 123) && p->dport >= 1024)
		tags |= RING_TAG_PIERCE;
	if (udp && (p->dport == 7 || p->dport == 19) && (tags & RING_TAG_BCAST_DST))
		tags |= RING_TAG_FRAGGLE;
	if (udp && (p->sport == 7 || p->sport == 19) && (p->dport == 7 || p->dport == 19))
		tags |= RING_TAG_ECHO_LOOP;
	if (udp && p->dport == 1434 && p->ip_len == CLASSIFY_SLAMMER_LEN)
		tags |= RING_TAG_SLAMMER;
	if (udp && p->sport == 31790 && p->dport == 31789)
		tags |= RING_TAG_HACKATACK;
	if (udp && p->dport == 137 && p->udp_len == CLASSIFY_NBSTAT_LEN)
		tags |= RING_TAG_NBSTAT;
	return tags;
}

/* The informative port: the destination, unless it only says "some ephemeral
 * port" and the source says more (53 -> 40000 is about DNS, not about port
 * 40000). */
static inline const struct kb_port *classify_port_row(const struct classify *c,
						      const struct kb_port *dport,
						      const struct kb_port *sport)
{
	const struct kb_port *row = dport;

	if (sport && (!dport || dport->category == c->cat_dynamic))
		row = sport;
	return row;
}

/* The kb row of an ICMP (IPv4) or ICMPv6 (IPv6) message, NULL for any other
 * protocol; an echo request to a broadcast address is a smurf probe. */
static inline const struct kb_icmp *classify_icmp_row(const struct classify *c,
						      const struct pkt *p, uint32_t *tags)
{
	const struct kb_icmp *icmp;

	if (!((p->proto == IPPROTO_ICMP && p->family == 4) ||
	      (p->proto == IPPROTO_ICMPV6 && p->family == 6)))
		return NULL;
	icmp = kb_icmp_lookup(c->kb, p->family, p->icmp_type, p->icmp_code);
	if (icmp && (*tags & RING_TAG_BCAST_DST) &&
	    ((p->family == 4 && p->icmp_type == ICMP_ECHO) ||
	     (p->family == 6 && p->icmp_type == ICMP6_ECHO_REQUEST)))
		*tags |= RING_TAG_BCAST_PING;
	return icmp;
}

/* RFC 4861 6.1/7.1/8.1: router and neighbour discovery messages are sent
 * with hop limit 255 and a receiver discards any other, since only a packet
 * from the link itself can still have 255: anything less was routed, i.e.
 * forged off-link. Link-local sources are never routed either (RFC 4291
 * 2.5.6), and ND/MLD between link-local and ff02::/16 is the link talking
 * to itself; a router advertisement to all nodes is the periodic,
 * unsolicited kind (RFC 4861 6.2.4). */
static inline uint32_t classify_link6_tags(const struct pkt *p)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	bool ll_src = p->saddr[0] == 0xfe && (p->saddr[1] & 0xc0) == 0x80;
	uint8_t t = p->icmp_type;
	uint32_t tags = 0;

	if (ll_src && p->hook == NF_INET_FORWARD)
		tags |= RING_TAG_LL_FORWARDED;
	if (p->proto != IPPROTO_ICMPV6 || (p->ip_flags & RING_IPF_FRAGMENT))
		return tags;
	if (t >= ND_ROUTER_SOLICIT && t <= ND_REDIRECT && p->ttl != 255)
		return tags | RING_TAG_ND_OFFLINK;
	if (ll_src && p->daddr[0] == 0xff && p->daddr[1] == 0x02 &&
	    ((t >= MLD_LISTENER_QUERY && t <= ND_REDIRECT) || t == 143 /* MLDv2 report */))
		tags |= RING_TAG_LINK_CHATTER;
	if (t == ND_ROUTER_ADVERT && !memcmp(p->daddr, all_nodes, 16))
		tags |= RING_TAG_RA_UNSOLICITED;
	return tags;
}

/*
 * Tags only ever raise the verdict: a row says what the port usually means,
 * the tags say what this packet is. crafted-ipid is not among them: one
 * packet in 65,536 of any sender carries sscan's ID by chance, so a lone one
 * proves nothing; the tool's mark is the ID repeated, which the correlator
 * sees (evidence ipid-const).
 */
static inline uint8_t classify_raise(uint8_t verdict, uint32_t tags)
{
	if (tags & (RING_TAG_SLAMMER | RING_TAG_FRAGGLE | RING_TAG_LAND | RING_TAG_HACKATACK))
		verdict = classify_max(verdict, KB_VERDICT_HOSTILE);
	if (tags & (RING_TAG_SCAN_NULL | RING_TAG_SCAN_FIN | RING_TAG_SCAN_XMAS |
		    RING_TAG_SCAN_MAIMON | RING_TAG_SCAN_SYNFIN | RING_TAG_SYN_ODD |
		    RING_TAG_PORT_ZERO | RING_TAG_PIERCE | RING_TAG_BOGON_SRC |
		    RING_TAG_CRAFTED_TTL | RING_TAG_ECHO_LOOP |
		    RING_TAG_BCAST_PING | RING_TAG_ND_OFFLINK | RING_TAG_LL_FORWARDED))
		verdict = classify_max(verdict, KB_VERDICT_SUSPICIOUS);
	if ((tags & RING_TAG_NBSTAT) && verdict == KB_VERDICT_UNKNOWN)
		verdict = KB_VERDICT_NOISE;
	return verdict;
}

int classify_packet(const struct classify *c, const struct addrtab *local, const struct pkt *p,
		    struct ring_klass *k)
{
	const struct kb_port *dport = NULL, *sport = NULL, *row = NULL;
	const struct kb_icmp *icmp = NULL;
	const struct kb_addr *dst_row;
	uint8_t verdict = KB_VERDICT_UNKNOWN;
	uint32_t tags;
	int slot = -1;

	memset(k, 0, sizeof(*k));
	if (p->family != 4 && p->family != 6)
		return -1;
	classify_local(local, p, k);
	tags = classify_ip_tags(c, p, k);
	tags |= classify_addr_tags(c, p, k, &dst_row);
	if (p->family == 6)
		tags |= classify_link6_tags(p);
	if (classify_has_ports(p)) {
		/* Tags before the lookups: after a call the compiler must read *p
		 * again, before it still has the fields in registers. */
		tags = classify_port_tags(p, tags);
		dport = kb_port_lookup(c->kb, KB_DIR_DST, p->proto, p->dport);
		sport = kb_port_lookup(c->kb, KB_DIR_SRC, p->proto, p->sport);
		row = classify_port_row(c, dport, sport);
	} else {
		icmp = classify_icmp_row(c, p, &tags);
	}

	k->kb_dport = dport ? dport->id : 0;
	k->kb_sport = sport ? sport->id : 0;
	if (row) {
		k->kb_id = row->id;
		k->category = row->category;
		verdict = row->verdict;
		slot = (int)(row - c->ports);
	} else if (icmp) {
		verdict = icmp->verdict;
		slot = (int)(c->nports + (size_t)(icmp - c->icmps));
	}
	if (icmp)
		k->kb_icmp = icmp->id;
	if (verdict == KB_VERDICT_UNKNOWN && dst_row)
		verdict = dst_row->verdict;
	k->verdict = classify_raise(verdict, tags);
	k->tags = tags;
	return slot;
}
