/* SPDX-License-Identifier: GPL-2.0-or-later */
/* micro.c - per-operation costs of the packet path, without the kernel:
 * decode, kb lookups (perfect hash vs a direct-table baseline), classify,
 * CRC32C, record write with and without checksum, reader validation; ns per
 * operation, best of runs. Figures, not assertions: `make bench` prints them,
 * doc/BENCHMARKS.md keeps them.
 *
 *   micro                 all timings
 *   micro --ir OP N       run only OP, N times, untimed: for callgrind, which
 *                         tests/bench/callgrind.sh runs at two N to get
 *                         instructions per operation without start-up costs
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <libnetfilter_log/libnetfilter_log.h>

#include "classify/classify.h"
#include "localnet/addrtab.h"
#include "util/crc32c.h"
#include "capture/decode.h"
#include "classify/kb.h"
#include "capture/nflogmsg.h"
#include "ring/ring.h"
#include "report/recfmt.h"
#include "ring/ringread.h"

#define MICRO_OPS	(1u << 22)	/* operations per run */
#define MICRO_RUNS	5		/* best of */
#define MICRO_READS	(1u << 16)	/* records the reader benchmark validates per run */

static volatile uint64_t micro_sink;	/* keeps results alive */

static double micro_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* IPv4 TCP SYN 198.51.100.7:40000 -> 192.0.2.1:port, DF, TTL 52. */
static void micro_syn(uint8_t pkt[40], uint16_t dport)
{
	static const uint8_t tmpl[40] = {
		0x45, 0, 0, 40, 0x12, 0x34, 0x40, 0, 52, 6, 0, 0,
		198, 51, 100, 7, 192, 0, 2, 1,
		0x9c, 0x40, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x02, 0, 0, 0, 0, 0,
	};

	memcpy(pkt, tmpl, 40);
	pkt[22] = (uint8_t)(dport >> 8);
	pkt[23] = (uint8_t)dport;
}

/* What the packet path needs, set up once. */
static struct micro {
	uint8_t			 pkts[256][40];
	uint8_t			 rpkts[4096][40];	/* random ports, for the cold-cache path */
	uint16_t		 ports[256];
	uint16_t		 direct[65536];	/* baseline: row + 1 per TCP dst port, 0 = none */
	const struct kb		*kb;
	struct classify		*cls;
	struct addrtab		*local;		/* a typical host's address table */
	struct ring_hw		 hw;		/* the Ethernet header of every packet */
	struct ring		*ring;
	struct ring_reader	*rr;
	struct ring_writer	 w;
	struct ring_rec		 rec;
	char			 path[64];
	/* 64 NFLOG messages as the kernel sends them for our packets, back to
	 * back as in one datagram (attribute order of __build_packet_message). */
	uint8_t			 nl[64 * 256];
	const struct nlmsghdr	*nlh[64];
	struct ring_rec		 fmtrecs[256];	/* read back, for the formatters */
	struct recfmt_ctx	 fmtctx;
	int			 print;		/* MICRO_PRINT set: json prints its lines */
	struct recfmt_host	 fmthost;
	char			 line[RECFMT_LINE_MAX];
} m;

/* A host with two interfaces: 192.0.2.1/24 and 2001:db8::1/64 on one,
 * 198.51.100.1/26, 10.0.0.1/8 and fe80::1/64 on the other; the packets go
 * to 192.0.2.1 in frames to the first one's MAC. */
static struct addrtab *micro_local(void)
{
	static const uint8_t mac2[6] = { 2, 0, 0, 0, 0, 2 }, mac3[6] = { 2, 0, 0, 0, 0, 3 };
	static const struct { unsigned family, plen, ifindex; uint8_t a[16]; } addrs[] = {
		{ 4, 24, 2, { 192, 0, 2, 1 } }, { 6, 64, 2, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } },
		{ 4, 26, 3, { 198, 51, 100, 1 } }, { 4, 8, 3, { 10, 0, 0, 1 } },
		{ 6, 64, 3, { 0xfe, 0x80, [15] = 1 } },
	};
	struct addrtab_build *b = addrtab_build_new();
	struct addrtab *t;
	size_t i;

	if (!b)
		return NULL;
	addrtab_build_link(b, true, 2, mac2, 6, 0, "eth0");
	addrtab_build_link(b, true, 3, mac3, 6, 0, "eth1");
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
		addrtab_build_addr(b, true, addrs[i].family, addrs[i].a, addrs[i].plen,
				   addrs[i].ifindex, NULL);
	t = addrtab_freeze(b);
	addrtab_build_free(b);
	m.hw.type = 1;			/* ARPHRD_ETHER */
	m.hw.hdr_len = 14;
	m.hw.flags = RING_HWF_DST | RING_HWF_SRC;
	memcpy(m.hw.dst, mac2, 6);
	memcpy(m.hw.src, mac3, 6);
	return t;
}

/* What the capture thread adds from the NFLOG message after the decode. */
static inline void micro_link(struct pkt *p)
{
	p->hw = m.hw;
	p->ifindex_in = 2;
	p->hook = 1;
}

/* One NFULNL_MSG_PACKET: header, prefix, in-interface, hardware address,
 * timestamp, hardware type/length/header, sequence number, 40-byte payload. */
static size_t micro_nlmsg(uint8_t *buf, unsigned i)
{
	struct nfulnl_msg_packet_hdr ph = { .hw_protocol = htons(0x0800), .hook = 1 };
	struct nfulnl_msg_packet_hw hw = { .hw_addrlen = htons(6) };
	struct nfulnl_msg_packet_timestamp ts = { .sec = htobe64(1700000000u + i),
						  .usec = htobe64(i) };
	static const uint8_t mac[14] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0 };
	struct nlmsghdr *nlh = nflog_nlmsg_put_header((char *)buf, NFULNL_MSG_PACKET,
						      AF_INET, 10);

	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET;
	nlh->nlmsg_flags = 0;
	mnl_attr_put(nlh, NFULA_PACKET_HDR, sizeof(ph), &ph);
	mnl_attr_put_strz(nlh, NFULA_PREFIX, "nflogd-drop");
	mnl_attr_put_u32(nlh, NFULA_IFINDEX_INDEV, htonl(2));
	mnl_attr_put(nlh, NFULA_HWADDR, sizeof(hw), &hw);
	mnl_attr_put(nlh, NFULA_TIMESTAMP, sizeof(ts), &ts);
	mnl_attr_put_u16(nlh, NFULA_HWTYPE, htons(1));
	mnl_attr_put_u16(nlh, NFULA_HWLEN, htons(14));
	mnl_attr_put(nlh, NFULA_HWHEADER, sizeof(mac), mac);
	mnl_attr_put_u32(nlh, NFULA_SEQ, htonl(i));
	mnl_attr_put(nlh, NFULA_PAYLOAD, 40, m.pkts[i & 255]);
	return MNL_ALIGN(nlh->nlmsg_len);
}

/*
 * Baseline for nflogmsg_parse(): the same fields from one bounds-checked walk
 * over the attributes, no library calls. Not a replacement (no per-type size
 * validation beyond what is read): it shows what the parse could cost.
 */
static int micro_parse_walk(const struct nlmsghdr *nlh, struct nflog_msg *nm)
{
	const uint8_t *p = (const uint8_t *)nlh + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));
	const uint8_t *end = (const uint8_t *)nlh + nlh->nlmsg_len;
	uint32_t v;

	memset(nm, 0, sizeof(*nm));
	nm->family = ((const struct nfgenmsg *)((const uint8_t *)nlh + NLMSG_HDRLEN))->nfgen_family;
	while (p + 4 <= end) {
		uint16_t len, type;

		memcpy(&len, p, 2);
		memcpy(&type, p + 2, 2);
		if (len < 4 || len > end - p)
			return -1;
		switch (type & NLA_TYPE_MASK) {
		case NFULA_PACKET_HDR:
			if (len >= 4 + 4) {
				nm->hw_protocol = (uint16_t)(p[4] << 8 | p[5]);
				nm->hook = p[6];
			}
			break;
		case NFULA_PAYLOAD:
			nm->payload = p + 4;
			nm->payload_len = (uint16_t)(len - 4);
			break;
		case NFULA_PREFIX:
			nm->prefix = (const char *)p + 4;
			nm->prefix_len = strnlen(nm->prefix, len - 4u);
			break;
		case NFULA_SEQ:
			if (len >= 8) {
				memcpy(&v, p + 4, 4);
				nm->seq = ntohl(v);
				nm->have_seq = true;
			}
			break;
		case NFULA_IFINDEX_INDEV:
			if (len >= 8) {
				memcpy(&v, p + 4, 4);
				nm->ifindex_in = ntohl(v);
			}
			break;
		case NFULA_IFINDEX_OUTDEV:
			if (len >= 8) {
				memcpy(&v, p + 4, 4);
				nm->ifindex_out = ntohl(v);
			}
			break;
		case NFULA_MARK:
			if (len >= 8) {
				memcpy(&v, p + 4, 4);
				nm->mark = ntohl(v);
			}
			break;
		case NFULA_TIMESTAMP:
			if (len >= 4 + 16) {
				uint64_t sec, usec;

				memcpy(&sec, p + 4, 8);
				memcpy(&usec, p + 12, 8);
				nm->ts_ns = be64toh(sec) * 1000000000u + be64toh(usec) * 1000u;
			}
			break;
		default:
			break;
		}
		p += (len + 3u) & ~3u;
	}
	return 0;
}

/* ring_append() without the CRC: the same slot, commit protocol and copy. */
static void micro_append_nocrc(struct ring_writer *w, const struct ring_rec *rec)
{
	struct ring_rec *slot = &w->recs[w->pos & w->mask];

	__atomic_store_n(&slot->commit, 2 * w->pos + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy((uint8_t *)slot + 8, (const uint8_t *)rec + 8, sizeof(*rec) - 8);
	__atomic_store_n(&slot->commit, 2 * w->pos + 2, __ATOMIC_RELEASE);
	w->pos++;
}

/* The record path of worker.c: decode, classify, fill, append. */
/* The capture thread's path after the netlink parse (worker_msg_cb): decode,
 * classify and fill the record in place in the ring slot, then commit. */
static void micro_path_pkt(const uint8_t *pkt)
{
	struct ring_rec *rec;
	struct pkt p;

	decode_packet(pkt, 40, 4, &p);
	micro_link(&p);
	rec = ring_reserve(&m.w);
	ring_rec_clear(rec);
	classify_packet(m.cls, m.local, &p, &rec->klass);
	rec->klass.layout = RING_LAYOUT_HW;
	rec->hw = p.hw;
	rec->kind = RING_KIND_DROP;
	rec->family = p.family;
	rec->proto = p.proto;
	rec->sport = p.sport;
	rec->dport = p.dport;
	rec->ttl = p.ttl;
	rec->tcp_flags = p.tcp_flags;
	memcpy(rec->saddr, p.saddr, sizeof(rec->saddr));
	memcpy(rec->daddr, p.daddr, sizeof(rec->daddr));
	rec->raw_len = 40;
	memcpy(rec->raw, pkt, 40);
	rec->prefix_id = RING_PREFIX_NONE;
	ring_commit(&m.w, rec);
}

static void micro_path(uint32_t i)
{
	micro_path_pkt(m.pkts[i & 255]);
}

enum micro_opid { OP_NLPARSE, OP_NLWALK, OP_DECODE, OP_LOOKUP, OP_DIRECT, OP_CLASSIFY, OP_CRC,
	OP_APPEND, OP_APPEND_NOCRC, OP_PATH, OP_PATH_RAND, OP_READ, OP_JSON, OP_TEXT, __OP_MAX };

/* Names for `micro --ir`. */
static const char *const micro_opname[__OP_MAX] = {
	"nlparse", "nlwalk", "decode", "lookup", "direct", "classify", "crc", "append",
	"append-nocrc", "path", "path-rand", "read", "json", "text",
};

/* One operation of each kind; inlined into each timing loop, where op is a
 * constant. */
static inline void micro_op(enum micro_opid op, uint32_t i)
{
	struct ring_klass k;
	struct ring_rec out;
	struct nflog_msg nm;
	struct pkt p;

	switch (op) {
	case OP_NLPARSE:
		nflogmsg_parse(m.nlh[i & 63], &nm);
		micro_sink += nm.payload_len + nm.seq;
		break;
	case OP_NLWALK:
		micro_parse_walk(m.nlh[i & 63], &nm);
		micro_sink += nm.payload_len + nm.seq;
		break;
	case OP_DECODE:
		decode_packet(m.pkts[i & 255], 40, 4, &p);
		micro_sink += p.dport;
		break;
	case OP_LOOKUP: {
		const struct kb_port *r = kb_port_lookup(m.kb, KB_DIR_DST, 6, m.ports[i & 255]);

		micro_sink += r ? r->id : 0;
		break;
	}
	case OP_DIRECT:
		micro_sink += m.direct[m.ports[i & 255]];
		break;
	case OP_CLASSIFY:
		decode_packet(m.pkts[i & 255], 40, 4, &p);
		micro_link(&p);
		micro_sink += (uint64_t)classify_packet(m.cls, m.local, &p, &k) + k.verdict;
		break;
	case OP_CRC:
		m.rec.ts_ns = i;
		micro_sink += crc32c((const uint8_t *)&m.rec + 12, sizeof(m.rec) - 12);
		break;
	case OP_APPEND:
		m.rec.ts_ns = i;
		ring_append(&m.w, &m.rec);
		break;
	case OP_APPEND_NOCRC:
		m.rec.ts_ns = i;
		micro_append_nocrc(&m.w, &m.rec);
		break;
	case OP_PATH:
		micro_path(i);
		break;
	case OP_PATH_RAND:
		micro_path_pkt(m.rpkts[i & 4095]);
		break;
	case OP_READ:
		micro_sink += ringread_get(m.rr, 0, m.w.pos - 1 - (i % MICRO_READS), &out);
		break;
	case OP_JSON:	/* what `read --json` does per record, but the write */
		if (m.print && i > 0 && i <= 256)	/* the lines it made: bytes */
			puts(m.line);
		micro_sink += (uint64_t)recfmt_json(m.line, sizeof(m.line), &m.fmtrecs[i & 255],
						    &m.fmtctx);
		break;
	case OP_TEXT:
		micro_sink += (uint64_t)recfmt_text(m.line, sizeof(m.line), &m.fmtrecs[i & 255],
						    &m.fmtctx);
		break;
	default:
		break;
	}
}

#define MICRO_TIME(name, ops, body)						\
	do {									\
		double best = 1e30, t0, dt;					\
		uint32_t i;							\
		int run;							\
		for (run = 0; run < MICRO_RUNS; run++) {			\
			t0 = micro_now();					\
			for (i = 0; i < (ops); i++) {				\
				body;						\
			}							\
			dt = (micro_now() - t0) / (ops);			\
			if (dt < best)						\
				best = dt;					\
		}								\
		printf("  %-48s %7.1f ns/op\n", name, best);			\
		last = best;							\
	} while (0)

static int micro_setup(void)
{
	struct ring_open_opts ro = { 0 };
	char err[256];
	unsigned n, port;
	int fd;

	m.kb = kb_builtin();
	m.cls = classify_new(m.kb);
	m.local = micro_local();
	if (!m.cls || !m.local)
		return -1;
	/* A mix: known service ports, trojan ports, ranges and misses. */
	for (n = 0; n < 256; n++) {
		static const uint16_t some[] = { 22, 23, 80, 137, 443, 445, 1433, 3389,
			27374, 31337, 33500, 40000, 50000, 8081, 9999, 12 };

		m.ports[n] = some[(n * 7) % 16];
		micro_syn(m.pkts[n], m.ports[n]);
	}
	/* Random source and destination ports, as a flood from random
	 * sources brings them: the lookups' tables are not all in cache. */
	for (n = 0; n < 4096; n++) {
		uint32_t r = n * 2654435761u;

		micro_syn(m.rpkts[n], (uint16_t)(r >> 16));
		m.rpkts[n][20] = (uint8_t)(r >> 8);
		m.rpkts[n][21] = (uint8_t)(r >> 24);
	}
	/* The baseline the perfect hash is measured against: every TCP
	 * destination port resolved in advance into a 128 KiB table. */
	for (port = 0; port < 65536; port++) {
		const struct kb_port *r = kb_port_lookup(m.kb, KB_DIR_DST, 6, (uint16_t)port);

		m.direct[port] = r ? (uint16_t)(r->id + 1) : 0;
	}
	strcpy(m.path, "/tmp/nflogd-micro.XXXXXX");
	fd = mkstemp(m.path);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(m.path);
	ro.path = m.path;
	ro.size = 64u << 20;
	ro.nsegs = 1;
	m.ring = ring_open(&ro, err, sizeof(err));
	if (!m.ring) {
		fprintf(stderr, "micro: %s\n", err);
		return -1;
	}
	ring_writer_init(m.ring, &m.w, 0, 0, -1);
	{
		size_t off = 0;

		for (n = 0; n < 64; n++) {
			m.nlh[n] = (const struct nlmsghdr *)(m.nl + off);
			off += micro_nlmsg(m.nl + off, n);
		}
	}
	memset(&m.rec, 0, sizeof(m.rec));
	/* Records for the reader to validate. */
	for (n = 0; n < MICRO_READS + 1; n++)
		micro_path(n);
	ring_publish(&m.w);
	m.rr = ringread_open(m.path, err, sizeof(err));
	if (!m.rr) {
		fprintf(stderr, "micro: %s\n", err);
		return -1;
	}
	for (n = 0; n < 256; n++)
		if (ringread_get(m.rr, 0, m.w.pos - 256 + n, &m.fmtrecs[n]) != RINGREAD_OK)
			return -1;
	m.fmtctx.prefix = "nflogd-drop";
	m.fmtctx.ifname_in = "eth0";
	m.fmtctx.kb = m.kb;
	m.print = getenv("MICRO_PRINT") != NULL;
	recfmt_host_init(&m.fmthost, "fw1.example.net", "0123456789abcdef0123456789abcdef");
	m.fmtctx.host = &m.fmthost;
	return 0;
}

static void micro_teardown(void)
{
	ringread_close(m.rr);
	ring_close(m.ring);
	unlink(m.path);
	classify_free(m.cls);
	addrtab_free(m.local);
}

int main(int argc, char **argv)
{
	double last = 0, crc = 0, path = 0;

	if (micro_setup() < 0)
		return 1;
	if (argc == 4 && !strcmp(argv[1], "--ir")) {
		unsigned long n = strtoul(argv[3], NULL, 10), i;
		int op;

		for (op = 0; op < __OP_MAX; op++)
			if (!strcmp(argv[2], micro_opname[op]))
				break;
		if (op == __OP_MAX) {
			fprintf(stderr, "micro: unknown op %s\n", argv[2]);
			return 2;
		}
		for (i = 0; i < n; i++)
			micro_op((enum micro_opid)op, (uint32_t)i);
		micro_teardown();
		return 0;
	}

	printf("micro-benchmarks (%u ops, best of %d runs; CRC32C: %s):\n", MICRO_OPS,
	       MICRO_RUNS, __builtin_cpu_supports("sse4.2") ?
	       (__builtin_cpu_supports("pclmul") ? "SSE4.2 3-way + PCLMUL" : "SSE4.2") :
	       "software");
	MICRO_TIME("nflogmsg_parse (one NFLOG message, 10 attributes)", MICRO_OPS,
		   micro_op(OP_NLPARSE, i));
	MICRO_TIME("  baseline: one inline attribute walk, same fields", MICRO_OPS,
		   micro_op(OP_NLWALK, i));
	MICRO_TIME("decode IPv4 TCP SYN", MICRO_OPS, micro_op(OP_DECODE, i));
	MICRO_TIME("kb_port_lookup (perfect hash, mixed ports)", MICRO_OPS, micro_op(OP_LOOKUP, i));
	MICRO_TIME("  baseline: direct 64K table, same ports", MICRO_OPS, micro_op(OP_DIRECT, i));
	MICRO_TIME("kb_port_lookup (miss: range search)", MICRO_OPS, {
		const struct kb_port *r = kb_port_lookup(m.kb, KB_DIR_DST, 6,
							 (uint16_t)(5001 + (i & 1023)));

		micro_sink += r ? r->id : 0;
	});
	MICRO_TIME("kb_addr_lookup (IPv4)", MICRO_OPS, {
		const struct kb_addr *r = kb_addr_lookup(m.kb, 4, m.pkts[i & 255] + 12);

		micro_sink += r ? r->id : 0;
	});
	MICRO_TIME("classify_packet (including its decode)", MICRO_OPS, micro_op(OP_CLASSIFY, i));
	MICRO_TIME("crc32c of a record (244 B)", MICRO_OPS, micro_op(OP_CRC, i));
	crc = last;
	MICRO_TIME("ring_append, with CRC", MICRO_OPS, micro_op(OP_APPEND, i));
	MICRO_TIME("record write without CRC (same copy and commit)", MICRO_OPS,
		   micro_op(OP_APPEND_NOCRC, i));
	MICRO_TIME("decode + classify + fill + ring_append", MICRO_OPS, micro_op(OP_PATH, i));
	path = last;
	MICRO_TIME("  the same, random ports (tables partly cold)", MICRO_OPS,
		   micro_op(OP_PATH_RAND, i));
	MICRO_TIME("reader: ringread_get (commit + CRC check)", MICRO_READS * 16u,
		   micro_op(OP_READ, i));
	MICRO_TIME("recfmt_json (read --json, one record)", MICRO_READS * 4u, micro_op(OP_JSON, i));
	MICRO_TIME("recfmt_text (read, one record)", MICRO_READS * 4u, micro_op(OP_TEXT, i));
	printf("  => one core: %.1f M records/s written, %.1f M records/s validated by a reader\n",
	       1e3 / path, 1e3 / last);
	printf("  => CRC32C share of the record path: %.0f%%\n", 100.0 * crc / path);
	micro_teardown();
	return micro_sink == 42 ? 2 : 0;
}
