/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringfmt.h - on-disk layout of the nflogd ring file, format v1 (minor 2).
 *
 * Only fixed-width, explicitly padded types live here (and ring_rec_alert_id(),
 * which reads an alert through union ring_slot); every size and offset is pinned by a
 * _Static_assert so that a change to the layout cannot go unnoticed.
 * All multi-byte integers are stored in host byte order (the file is a local
 * interface between a daemon and readers on the same machine), except the
 * address and port fields that are copied from the wire: those are noted.
 * doc/ring-format.md is the normative description.
 *
 *  file offset 0          RING_HDR_SIZE        + n*RING_SEGHDR_SIZE      data_off
 *  +-------------------+---------------------+-----+---------------------+-----------
 *  | ring_file_hdr     | ring_seg_hdr 0      | ... | ring_seg_hdr n-1    | seg 0 records | seg 1 ...
 *  | (4096 B)          | (16384 B each)      |     |                     | slots*256 B   |
 *  +-------------------+---------------------+-----+---------------------+-----------
 */
#ifndef NFLOGD_RINGFMT_H
#define NFLOGD_RINGFMT_H

#include <stddef.h>
#include <stdint.h>

#define RING_MAGIC		"NFLOGRNG"	/* 8 bytes, no NUL stored */
#define RING_VERSION_MAJOR	1		/* bumped on any incompatible change */
#define RING_VERSION_MINOR	2		/* bumped when reserved (zero) bytes gain meaning */

#define RING_HDR_SIZE		4096u		/* bytes: file header page */
#define RING_SEGHDR_SIZE	16384u		/* bytes: four pages per segment header */
#define RING_REC_SIZE		256u		/* bytes: one record, power of two */
#define RING_SEG_MAX		256u		/* segments (capture threads) per file */
#define RING_SLOTS_MIN		16u		/* records per segment, lower bound */
#define RING_IFACES		64u		/* interface-name table entries */
#define RING_IFNAMSIZ		16u		/* IFNAMSIZ, with NUL */
#define RING_PREFIXES		15u		/* distinct NFLOG prefixes per segment */
#define RING_PREFIX_LEN		128u		/* bytes, with NUL; nft allows 127 chars */
#define RING_RAW_LEN		56u		/* bytes of the packet kept per record (layout 1) */
#define RING_RAW_LEN_V0		72u		/* ... in a layout 0 record (minor 0 and 1) */
#define RING_KB_SLOTS		1024u		/* per-kb-row counters per segment */

enum ring_state {
	RING_STATE_OFFLINE	= 1,	/* closed cleanly */
	RING_STATE_ONLINE	= 2,	/* a writer has it open (or crashed) */
};

enum ring_seg_role {
	RING_SEG_CAPTURE	= 1,	/* written by one capture thread */
	RING_SEG_ALERT		= 2,	/* reserved for the correlator */
};

/* Interface-name table, written only by the daemon's main thread. A reader
 * retries when gen is odd or changed while it copied (seqlock). */
struct ring_iface {
	uint32_t ifindex;			/* 0 = unused entry */
	char	 name[RING_IFNAMSIZ];
};

struct ring_file_hdr {
	char	 magic[8];			/*   0 RING_MAGIC */
	uint16_t version_major;			/*   8 */
	uint16_t version_minor;			/*  10 */
	uint32_t hdr_size;			/*  12 RING_HDR_SIZE */
	uint32_t seghdr_size;			/*  16 RING_SEGHDR_SIZE */
	uint32_t rec_size;			/*  20 RING_REC_SIZE */
	uint32_t nsegs;				/*  24 1..RING_SEG_MAX */
	uint32_t state;				/*  28 enum ring_state */
	uint64_t slots;				/*  32 records per segment, power of two */
	uint64_t data_off;			/*  40 offset of segment 0's records */
	uint64_t file_size;			/*  48 exact length of the file */
	uint64_t kb_stamp;			/*  56 knowledge-base hash, 0 = none */
	uint64_t created_ns;			/*  64 CLOCK_REALTIME at creation */
	uint64_t opened_ns;			/*  72 CLOCK_REALTIME at last open */
	uint32_t epoch;				/*  80 incremented at every writer open */
	uint32_t writer_pid;			/*  84 */
	uint32_t iface_gen;			/*  88 seqlock word for ifaces[] */
	uint32_t reserved0;			/*  92 */
	uint8_t	 reserved1[160];		/*  96 zero */
	struct ring_iface ifaces[RING_IFACES];	/* 256 .. 1536 */
	uint8_t	 pad[RING_HDR_SIZE - 256 - RING_IFACES * sizeof(struct ring_iface)];
};

/* Per-segment counters: the index is the on-disk identity, never reuse one. */
enum ring_ctr {
	RING_CTR_RECEIVED	= 0,	/* NFLOG packet messages parsed */
	RING_CTR_RECORDED	= 1,	/* records published */
	RING_CTR_LOST_SEQ	= 2,	/* messages lost, sized by NFULA_SEQ gaps */
	RING_CTR_ENOBUFS	= 3,	/* ENOBUFS events (socket overrun episodes) */
	RING_CTR_SOCK_DROPS	= 4,	/* datagrams the socket dropped (SO_MEMINFO) */
	RING_CTR_TRUNCATED	= 5,	/* decode outcome: headers cut by copy range */
	RING_CTR_INVALID	= 6,	/* decode outcome: self-contradicting headers */
	RING_CTR_BAD_MSG	= 7,	/* netlink messages that failed to parse */
	RING_CTR_MSG_TRUNC	= 8,	/* recv() datagrams cut by MSG_TRUNC */
	RING_CTR_NO_SEQ		= 9,	/* packet messages without NFULA_SEQ */
	RING_CTR_SEQ_RESET	= 10,	/* NFULA_SEQ went backwards */
	RING_CTR_IPV4		= 11,
	RING_CTR_IPV6		= 12,
	RING_CTR_L3_OTHER	= 13,
	RING_CTR_TCP		= 14,
	RING_CTR_UDP		= 15,
	RING_CTR_ICMP		= 16,
	RING_CTR_ICMPV6		= 17,
	RING_CTR_L4_OTHER	= 18,
	RING_CTR_FRAGMENT	= 19,	/* non-first fragments (no L4 header) */
	RING_CTR_PREFIX_FULL	= 20,	/* prefix table full: record has no prefix */
	RING_CTR_BATCHES	= 21,	/* recv() calls that returned data */
	RING_CTR_DROPS_PENDING	= 22,	/* 1 while socket drops are not yet sized by a gap */
	RING_CTR_V_UNKNOWN	= 23,	/* records per verdict (enum kb_verdict order) */
	RING_CTR_V_EXPECTED	= 24,
	RING_CTR_V_NOISE	= 25,
	RING_CTR_V_SUSPICIOUS	= 26,
	RING_CTR_V_HOSTILE	= 27,
	RING_CTR_KB_FULL	= 28,	/* records whose kb row had no counter slot */
	RING_CTR_CORR_LAPPED	= 29,	/* alert segment: records the correlator missed */
	RING_CTR_CORR_EVICTED	= 30,	/* alert segment: per-source states evicted */
	RING_CTR_ALERTS		= 31,	/* alert segment: alert records written */
	__RING_CTR_MAX,
};
#define RING_CTR_SLOTS		128u	/* counters reserved per segment */

/*
 * Segment header. Line 0 holds what a reader polls (head); counters and the
 * prefix table follow on their own lines. Every field is written by exactly one
 * thread, the segment's capture worker.
 */
struct ring_seg_hdr {
	uint64_t head;			/*   0 next position; release-stored by the writer */
	uint32_t role;			/*   8 enum ring_seg_role */
	uint32_t group;			/*  12 NFLOG group */
	int32_t	 cpu;			/*  16 pinned CPU, -1 = unpinned */
	uint32_t nprefixes;		/*  20 release-stored after a prefix is written */
	uint64_t expect_seq;		/*  24 next NFULA_SEQ expected (+1; 0 = none) */
	uint8_t	 pad0[32];		/*  32 */
	uint64_t ctr[RING_CTR_SLOTS];	/*  64 .. 1088 */
	uint8_t	 pad1[64];		/* 1088 */
	char	 prefix[RING_PREFIXES][RING_PREFIX_LEN]; /* 1152 .. 3072 */
	/* Records per prefix table entry (minor 1): with the group, what an
	 * nftables log rule is known by, so drops can be counted per rule. */
	uint64_t prefix_count[RING_PREFIXES]; /* 3072 .. 3192 */
	uint8_t	 pad2[904];		/* 3192 */
	/* Records per knowledge-base row: kb_ids[i] names the row whose count
	 * is kb_count[i]; the writer fills kb_ids before its first record, so
	 * a reader needs no copy of the writer's kb to know what was counted. */
	uint32_t nkb;			/* 4096 entries used in kb_ids/kb_count */
	uint32_t reserved2;		/* 4100 */
	uint16_t kb_ids[RING_KB_SLOTS];	/* 4104 .. 6152 */
	uint64_t kb_count[RING_KB_SLOTS]; /* 6152 .. 14344 */
	uint8_t	 pad3[RING_SEGHDR_SIZE - 6152 - RING_KB_SLOTS * 8];
};

/* ring_rec.status */
enum ring_status {
	RING_ST_OK		= 0,
	RING_ST_TRUNCATED	= 1,
	RING_ST_INVALID		= 2,
};

/* ring_rec.why: the first problem the decoder met (0 when status is OK) */
enum ring_why {
	RING_WHY_NONE		= 0,
	RING_WHY_NO_PAYLOAD	= 1,	/* NFLOG message carried no packet bytes */
	RING_WHY_L3_TRUNC	= 2,	/* IPv4/IPv6 fixed header cut */
	RING_WHY_L3_VERSION	= 3,	/* version nibble not 4/6, or not the NFLOG family */
	RING_WHY_L3_HDRLEN	= 4,	/* IPv4 IHL < 5, or IHL beyond total length */
	RING_WHY_L3_TOTLEN	= 5,	/* total/payload length too small for the headers */
	RING_WHY_EXT_TRUNC	= 6,	/* IPv6 extension header cut */
	RING_WHY_EXT_BAD	= 7,	/* IPv6 extension header runs past the payload */
	RING_WHY_L4_TRUNC	= 8,	/* TCP/UDP/ICMP header cut */
	RING_WHY_L4_BAD		= 9,	/* TCP data offset < 5, UDP length < 8, ... */
	RING_WHY_INNER_TRUNC	= 10,	/* header quoted in an ICMP error cut */
	RING_WHY_INNER_BAD	= 11,	/* quoted header contradicts itself */
	__RING_WHY_MAX,
};

/* ring_rec.kind */
enum ring_kind {
	RING_KIND_DROP		= 1,
	RING_KIND_ALERT		= 2,	/* reserved for the correlator */
};

/* ring_rec.ip_flags bits */
#define RING_IPF_RF		0x01	/* IPv4 reserved ("evil") bit */
#define RING_IPF_DF		0x02
#define RING_IPF_MF		0x04	/* more fragments (v4 flag or v6 fragment header) */
#define RING_IPF_OPTIONS	0x08	/* IPv4 options / IPv6 extension headers present */
#define RING_IPF_FRAGHDR	0x10	/* IPv6 fragment header present */
#define RING_IPF_FRAGMENT	0x20	/* non-first fragment: no L4 header */
#define RING_IPF_HAVE_SEQ	0x40	/* nflog_seq is valid */
#define RING_IPF_HAVE_INNER	0x80	/* ICMP error: inner_* fields are valid */

/* ring_rec.tcp_flags bits, in the order of the TCP header (RFC 9293, 3168) */
#define RING_TCP_FIN		0x01
#define RING_TCP_SYN		0x02
#define RING_TCP_RST		0x04
#define RING_TCP_PSH		0x08
#define RING_TCP_ACK		0x10
#define RING_TCP_URG		0x20
#define RING_TCP_ECE		0x40
#define RING_TCP_CWR		0x80

/* ring_klass.tags bits: single-packet findings of the classifier. Stored on
 * disk: never renumber, only append. */
#define RING_TAG_SCAN_NULL	(1u << 0)	/* TCP without any flag */
#define RING_TAG_SCAN_FIN	(1u << 1)	/* FIN alone */
#define RING_TAG_SCAN_XMAS	(1u << 2)	/* FIN+PSH+URG */
#define RING_TAG_SCAN_MAIMON	(1u << 3)	/* FIN+ACK */
#define RING_TAG_SCAN_SYNFIN	(1u << 4)	/* SYN+FIN */
#define RING_TAG_SCAN_ACK	(1u << 5)	/* ACK alone: a firewall or liveness probe */
#define RING_TAG_SYN_ODD	(1u << 6)	/* SYN with RST, PSH or URG */
#define RING_TAG_PORT_ZERO	(1u << 7)	/* source or destination port 0 */
#define RING_TAG_PIERCE		(1u << 8)	/* from port 20/53/123 to a high port */
#define RING_TAG_FRAGGLE	(1u << 9)	/* UDP to echo/chargen at a broadcast address */
#define RING_TAG_SLAMMER	(1u << 10)	/* UDP 1434 with SQL Slammer's 404-byte length */
#define RING_TAG_LAND		(1u << 11)	/* source address equals destination */
#define RING_TAG_BOGON_SRC	(1u << 12)	/* source never valid: 0/8, 127/8, 224/4, 240/4, ... */
#define RING_TAG_MARTIAN_SRC	(1u << 13)	/* source valid only locally: private, link-local, ... */
#define RING_TAG_CRAFTED_TTL	(1u << 14)	/* TTL implies more than 32 hops from any usual start */
#define RING_TAG_CRAFTED_IPID	(1u << 15)	/* IP ID 39426, the constant of sscan/mscan */
#define RING_TAG_HACKATACK	(1u << 16)	/* UDP 31790 -> 31789 */
#define RING_TAG_NBSTAT		(1u << 17)	/* NetBIOS node-status query to UDP 137 */
#define RING_TAG_BCAST_DST	(1u << 18)	/* destination is a broadcast address */
#define RING_TAG_ECHO_LOOP	(1u << 19)	/* UDP between echo/chargen ports */
#define RING_TAG_BCAST_PING	(1u << 20)	/* ICMP echo request to a broadcast address */
#define RING_TAG_ND_OFFLINK	(1u << 21)	/* ND/RA/RS/redirect with hop limit != 255: not from the link */
#define RING_TAG_LL_FORWARDED	(1u << 22)	/* link-local source on a packet being forwarded */
#define RING_TAG_LINK_CHATTER	(1u << 23)	/* ND/MLD from a link-local source to ff02::/16 */
#define RING_TAG_RA_UNSOLICITED	(1u << 24)	/* router advertisement to all nodes */
#define __RING_TAG_COUNT	25

/* ring_klass.l2: what the link-layer header says of the destination. 0 is
 * what minor 0/1 records hold, and what a record without a hardware header
 * (output hook, tun, ...) gets: nothing is guessed. Never renumber. */
enum ring_l2 {
	RING_L2_UNKNOWN		= 0,	/* no hardware header */
	RING_L2_HOST		= 1,	/* unicast to the input interface's own address */
	RING_L2_BROADCAST	= 2,	/* ff:ff:ff:ff:ff:ff */
	RING_L2_MULTICAST	= 3,	/* group bit set */
	RING_L2_OTHERHOST	= 4,	/* unicast to another address: promiscuous or bridged */
	RING_L2_UNICAST		= 5,	/* unicast, the interface's own address unknown */
	RING_L2_LOOPBACK	= 6,	/* looped back by this host */
	__RING_L2_MAX,
};

/* ring_klass.dst_facts / src_facts: what the host's live address table
 * (localnet/) says of an address. A zero byte without RING_AF_KNOWN means
 * no table was asked. */
#define RING_AF_OWN		0x01	/* an address of this host */
#define RING_AF_SUBNET		0x02	/* inside the prefix of one of its addresses: on-link */
#define RING_AF_BCAST		0x04	/* the directed broadcast of a local IPv4 prefix */
#define RING_AF_LIMITED		0x08	/* 255.255.255.255 */
#define RING_AF_MCAST		0x10	/* a multicast group address */
#define RING_AF_KNOWN		0x80	/* the address table was there to ask */

/* ring_klass.layout: how a record's tail is laid out. */
enum ring_layout {
	RING_LAYOUT_RAW72	= 0,	/* minor 0/1: raw[] runs to byte 255, no hw */
	RING_LAYOUT_HW		= 1,	/* minor 2: raw[] is 56 bytes, hw at 240 */
};

/* Classification of one record, written by the capture thread (classify.c). */
struct ring_klass {
	uint16_t kb_id;			/* 152 the informative port row (or ICMP row), 0 = none */
	uint16_t kb_dport;		/* 154 row for the destination port */
	uint16_t kb_sport;		/* 156 row for the source port */
	uint16_t kb_icmp;		/* 158 row for the ICMP type/code */
	uint16_t src_class;		/* 160 address row of the source, 0 = ordinary */
	uint16_t dst_class;		/* 162 address row of the destination */
	uint8_t	 category;		/* 164 category id of kb_id's row */
	uint8_t	 verdict;		/* 165 enum kb_verdict, after tags */
	uint8_t	 ttl_initial;		/* 166 guessed initial TTL, 0 = none */
	uint8_t	 ttl_hops;		/* 167 initial - observed */
	uint16_t os_hint;		/* 168 ttl row id */
	uint8_t	 l2;			/* 170 enum ring_l2 (minor 2) */
	uint8_t	 dst_facts;		/* 171 RING_AF_* of the destination (minor 2) */
	uint32_t tags;			/* 172 RING_TAG_* */
	uint8_t	 src_facts;		/* 176 RING_AF_* of the source (minor 2) */
	uint8_t	 layout;		/* 177 enum ring_layout, set by the writer */
	uint8_t	 reserved2[6];		/* 178 */
};

/* ring_hw.flags */
#define RING_HWF_DST		0x01	/* dst[] is valid */
#define RING_HWF_SRC		0x02	/* src[] is valid */

/* The link layer as NFLOG saw it (NFULA_HWTYPE, NFULA_HWLEN, NFULA_HWHEADER,
 * NFULA_HWADDR), in layout 1 records. Absent on the output hook and on
 * interfaces without a hardware header (tun, wireguard): type 0. */
struct ring_hw {
	uint16_t type;			/* 240 ARPHRD_* of the input device, 0 = none */
	uint8_t	 hdr_len;		/* 242 its link-layer header length (NFULA_HWLEN) */
	uint8_t	 flags;			/* 243 RING_HWF_* */
	uint8_t	 dst[6];		/* 244 Ethernet destination */
	uint8_t	 src[6];		/* 250 Ethernet source (or NFULA_HWADDR) */
};

#define RING_PREFIX_NONE	0xff	/* prefix_id: no prefix / table full */
#define RING_CPU_UNPINNED	0xffff	/* cpu: the capture thread is not pinned */

/*
 * One record, 256 bytes. commit is the seqlock word: 2*pos+1 while slot pos is
 * being written, 2*pos+2 once complete. crc is CRC32C over bytes 12..255.
 * Addresses are in network byte order (IPv4 in the first 4 bytes); every
 * other integer is host order.
 */
struct ring_rec {
	uint64_t commit;		/*   0 */
	uint32_t crc;			/*   8 */
	uint32_t nflog_seq;		/*  12 NFULA_SEQ, valid if RING_IPF_HAVE_SEQ */
	uint64_t ts_ns;			/*  16 CLOCK_REALTIME ns (NFULA_TIMESTAMP or receive) */
	uint8_t	 kind;			/*  24 enum ring_kind */
	uint8_t	 family;		/*  25 4, 6, or 0 when not IP */
	uint8_t	 proto;			/*  26 L4 protocol number (after v6 ext headers) */
	uint8_t	 status;		/*  27 enum ring_status */
	uint8_t	 hook;			/*  28 netfilter hook number */
	uint8_t	 prefix_id;		/*  29 index in the segment's prefix table */
	uint8_t	 ip_flags;		/*  30 RING_IPF_* */
	uint8_t	 ttl;			/*  31 TTL or hop limit */
	uint8_t	 tos;			/*  32 TOS or traffic class */
	uint8_t	 tcp_flags;		/*  33 RING_TCP_* */
	uint8_t	 tcp_doff;		/*  34 TCP data offset, 32-bit words */
	uint8_t	 icmp_type;		/*  35 */
	uint8_t	 icmp_code;		/*  36 */
	uint8_t	 inner_family;		/*  37 quoted header in ICMP errors: 4/6 */
	uint8_t	 inner_proto;		/*  38 */
	uint8_t	 raw_len;		/*  39 bytes valid in raw[] */
	uint16_t group;			/*  40 NFLOG group */
	uint16_t cpu;			/*  42 CPU of the capture thread or RING_CPU_UNPINNED */
	uint16_t sport;			/*  44 */
	uint16_t dport;			/*  46 */
	uint16_t ip_len;		/*  48 IPv4 total length / IPv6 payload length + 40 */
	uint16_t frag_off;		/*  50 fragment offset in bytes */
	uint16_t tcp_window;		/*  52 */
	uint16_t udp_len;		/*  54 */
	uint16_t inner_sport;		/*  56 */
	uint16_t inner_dport;		/*  58 */
	uint16_t cap_len;		/*  60 payload bytes NFLOG delivered */
	uint16_t why;			/*  62 enum ring_why: reason for status */
	uint32_t ip_id;			/*  64 IPv4 ID, IPv6 fragment identification */
	uint32_t flow_label;		/*  68 IPv6 only */
	uint32_t tcp_seq;		/*  72 */
	uint32_t mark;			/*  76 */
	uint32_t ifindex_in;		/*  80 */
	uint32_t ifindex_out;		/*  84 */
	uint8_t	 saddr[16];		/*  88 */
	uint8_t	 daddr[16];		/* 104 */
	uint8_t	 inner_saddr[16];	/* 120 */
	uint8_t	 inner_daddr[16];	/* 136 */
	struct ring_klass klass;	/* 152 classification */
	uint8_t	 raw[RING_RAW_LEN];	/* 184 first bytes of the L3 packet */
	struct ring_hw hw;		/* 240 link layer (layout 1; raw bytes in layout 0) */
};

/* ring_rec_raw - the raw packet bytes of a record of either layout (a
 * layout 0 record's raw bytes run on over where hw is now); *max gets how
 * many raw_len may claim. Byte access through an unsigned char pointer may
 * span members of one object (C11 6.5p7). */
static inline const uint8_t *ring_rec_raw(const struct ring_rec *r, size_t *max)
{
	*max = r->klass.layout == RING_LAYOUT_HW ? RING_RAW_LEN : RING_RAW_LEN_V0;
	return (const uint8_t *)r + offsetof(struct ring_rec, raw);
}

/* ring_rec_hw - the record's link-layer facts, NULL in a layout 0 record. */
static inline const struct ring_hw *ring_rec_hw(const struct ring_rec *r)
{
	return r->klass.layout == RING_LAYOUT_HW ? &r->hw : NULL;
}

/* ring_alert.type: what the correlator found. Stored on disk: never renumber. */
enum ring_alert_type {
	RING_ALERT_PORTSCAN	= 1,	/* one source, many ports of one host */
	RING_ALERT_SWEEP	= 2,	/* one source, one port, many hosts */
	RING_ALERT_DECOY	= 3,	/* one port set probed from several sources at once */
	RING_ALERT_TRACEROUTE	= 4,	/* UDP 33434+ or ICMP echo with rising TTL */
	RING_ALERT_SMURF	= 5,	/* unsolicited echo replies from many sources */
	RING_ALERT_FRAGGLE	= 6,	/* UDP 7/19 to broadcast, or floods from 7/19 */
	RING_ALERT_NOISE	= 7,	/* NetBIOS/broadcast chatter, one line per source */
	RING_ALERT_HEARTBEAT	= 8,	/* many sources retrying one port regularly */
	RING_ALERT_IPID		= 9,	/* several claimed sources, one IP ID sequence */
	RING_ALERT_TTL		= 10,	/* one source whose hop count jumps */
	RING_ALERT_STATE_FULL	= 11,	/* too many distinct sources: state evicted */
	__RING_ALERT_MAX,
};

/* ring_alert.state */
enum ring_alert_state {
	RING_ALERT_OPEN		= 1,	/* first record of an incident */
	RING_ALERT_UPDATE	= 2,	/* it grew */
	RING_ALERT_CLOSED	= 3,	/* quiet for the close timeout: final figures */
};

/* ring_alert.evidence bits */
#define RING_EV_TTL_MISMATCH	0x0001	/* sources' hop counts disagree (decoys) */
#define RING_EV_IPID_SEQ	0x0002	/* IP IDs continue one sequence across sources */
#define RING_EV_IPID_SEQ_SWAP	0x0004	/* ... in little-endian byte order (+256 steps) */
#define RING_EV_IPID_CONST	0x0008	/* the same IP ID on every probe: crafted */
#define RING_EV_TTL_RISING	0x0010	/* TTL grows probe by probe (traceroute) */
#define RING_EV_PORTS_CONSEC	0x0020	/* destination ports consecutive */
#define RING_EV_BROADCAST	0x0040	/* aimed at broadcast addresses */
#define RING_EV_REGULAR		0x0080	/* retries at a regular interval */
#define RING_EV_TTL_RANDOM	0x0100	/* TTL varies packet to packet */

/* ring_alert.scan_tags holds RING_TAG_* bits (numbered up from bit 0) plus
 * two styles that no single-packet tag names, numbered down from bit 31 so
 * the two sets never meet. Plain SYN and UDP probes are normal one at a
 * time; only the correlator can call them a scan style. */
#define RING_ALERT_SCAN_SYN	(1u << 31)	/* SYN alone: half-open or connect() scan */
#define RING_ALERT_SCAN_UDP	(1u << 30)	/* UDP probes */
_Static_assert(__RING_TAG_COUNT <= 30, "tag bits run into RING_ALERT_SCAN_*");

#define RING_ALERT_PORTS	16	/* destination ports kept as a sample */

/*
 * An alert record (kind == RING_KIND_ALERT) in the correlator's segment. The
 * first 24 bytes and the seqlock/CRC rules are those of struct ring_rec; the
 * rest is laid out for alerts. An incident is written when it opens, when it
 * grows and when it closes, always with the same alert_id: readers show the
 * latest state per id.
 */
struct ring_alert {
	uint64_t commit;		/*   0 as ring_rec */
	uint32_t crc;			/*   8 as ring_rec */
	uint32_t alert_id;		/*  12 stable per incident */
	uint64_t ts_ns;			/*  16 time of this state (= last_seen) */
	uint8_t	 kind;			/*  24 RING_KIND_ALERT */
	uint8_t	 family;		/*  25 of source/target */
	uint8_t	 proto;			/*  26 transport probed (6, 17, 1, 58), 0 = mixed */
	uint8_t	 type;			/*  27 enum ring_alert_type */
	uint8_t	 state;			/*  28 enum ring_alert_state */
	uint8_t	 verdict;		/*  29 enum kb_verdict */
	uint8_t	 ttl_min;		/*  30 */
	uint8_t	 ttl_max;		/*  31 */
	uint32_t scan_tags;		/*  32 RING_TAG_* seen (scan styles) */
	uint16_t evidence;		/*  36 RING_EV_* */
	uint16_t kb_id;			/*  38 port row that explains the target port */
	uint64_t first_seen;		/*  40 ns */
	uint64_t last_seen;		/*  48 ns */
	uint32_t packets;		/*  56 */
	uint32_t ports;			/*  60 distinct destination ports */
	uint32_t targets;		/*  64 distinct destination hosts */
	uint32_t sources;		/*  68 distinct sources */
	uint16_t port_lo;		/*  72 */
	uint16_t port_hi;		/*  74 */
	uint32_t interval_ms;		/*  76 typical gap between retries (heartbeat) */
	uint8_t	 saddr[16];		/*  80 the source (the likely real one for decoys) */
	uint8_t	 daddr[16];		/*  96 the target (first one for sweeps) */
	uint16_t port_sample[RING_ALERT_PORTS]; /* 112 first distinct ports seen */
	uint8_t	 reserved[112];		/* 144 zero */
};

/* A record slot seen as either kind: readers copy each record out as a
 * struct ring_rec and, when its kind is RING_KIND_ALERT, read it through this
 * union as the alert it is (C11 6.5.2.3: reading another member of a union
 * reinterprets the bytes; no cast, no memcpy at an offsetof). */
union ring_slot {
	struct ring_rec		rec;
	struct ring_alert	alert;
};

/* ring_rec_alert_id - the alert_id of an alert record held as a ring_rec
 * (the compiler reads the one field; the copy exists only in the source). */
static inline uint32_t ring_rec_alert_id(const struct ring_rec *r)
{
	union ring_slot u = { .rec = *r };

	return u.alert.alert_id;
}

_Static_assert(sizeof(struct ring_iface) == 20, "ring_iface size");
_Static_assert(sizeof(struct ring_alert) == RING_REC_SIZE, "ring_alert size");
_Static_assert(offsetof(struct ring_alert, ts_ns) == offsetof(struct ring_rec, ts_ns),
	       "alert and drop share ts_ns");
_Static_assert(offsetof(struct ring_alert, kind) == offsetof(struct ring_rec, kind),
	       "alert and drop share kind");
_Static_assert(sizeof(union ring_slot) == RING_REC_SIZE, "a slot is one record");
_Static_assert(sizeof(struct ring_file_hdr) == RING_HDR_SIZE, "ring_file_hdr size");
_Static_assert(offsetof(struct ring_file_hdr, ifaces) == 96 + 160, "ifaces offset");
_Static_assert(sizeof(struct ring_seg_hdr) == RING_SEGHDR_SIZE, "ring_seg_hdr size");
_Static_assert(offsetof(struct ring_seg_hdr, ctr) == 64, "counters offset");
_Static_assert(offsetof(struct ring_seg_hdr, prefix) == 1152, "prefix offset");
_Static_assert(offsetof(struct ring_seg_hdr, prefix_count) == 3072, "prefix_count offset");
_Static_assert(offsetof(struct ring_seg_hdr, nkb) == 4096, "kb counters offset");
_Static_assert(offsetof(struct ring_seg_hdr, kb_count) == 6152, "kb_count offset");
_Static_assert(sizeof(struct ring_klass) == 32, "ring_klass size");
_Static_assert(__RING_CTR_MAX <= RING_CTR_SLOTS, "too many counters");
_Static_assert(sizeof(struct ring_rec) == RING_REC_SIZE, "ring_rec size");
_Static_assert(offsetof(struct ring_rec, saddr) == 88, "saddr offset");
_Static_assert(offsetof(struct ring_rec, klass) == 152, "klass offset");
_Static_assert(offsetof(struct ring_rec, raw) == 184, "raw offset");
_Static_assert(offsetof(struct ring_rec, hw) == 240, "hw offset");
_Static_assert(sizeof(struct ring_hw) == 16, "ring_hw size");
_Static_assert(offsetof(struct ring_rec, hw) + sizeof(struct ring_hw) ==
	       offsetof(struct ring_rec, raw) + RING_RAW_LEN_V0, "layout 0 raw ends where hw ends");
_Static_assert(offsetof(struct ring_klass, l2) == 170 - 152, "l2 offset");
_Static_assert(offsetof(struct ring_klass, layout) == 177 - 152, "layout offset");
_Static_assert((RING_REC_SIZE & (RING_REC_SIZE - 1)) == 0, "record size power of two");

#endif
