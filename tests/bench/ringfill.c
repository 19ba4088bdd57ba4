/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringfill.c - a ring of COUNT TCP SYN drops from NSRC sources, classified as the daemon would, for reader benchmarks and CLI tests.
 *
 *   ringfill PATH COUNT NSRC [SEED [random]]
 *
 * "random" then scrambles every field a formatter prints (family, protocol,
 * status, flags, ports, ICMP and quoted headers, timestamps over centuries,
 * kb ids, tags, link layer), to compare two builds' output byte for byte
 * over cases a real capture rarely has.
 * Sources: the first ones are fixed test addresses (203.0.113.5,
 * 198.51.100.7, 192.0.2.77, 198.51.100.200, 10.1.2.3, 2001:db8::77), then
 * pseudo-random public IPv4 addresses; record i comes from source
 * (i * 7919) % NSRC. The destination is this host, 192.0.2.1 (own address,
 * so a reader looks up only the source), ports from a fixed mix. The ring
 * holds COUNT records in one segment (rounded up to a power of two).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/decode.h"
#include "classify/classify.h"
#include "classify/kb.h"
#include "localnet/addrtab.h"
#include "ring/ring.h"

static struct addrtab *ringfill_local(void)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t a4[16] = { 192, 0, 2, 1 };
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct addrtab_build *b = addrtab_build_new();
	struct addrtab *t;

	if (!b)
		return NULL;
	addrtab_build_link(b, true, 2, mac, 6, 0, "eth0");
	addrtab_build_addr(b, true, 4, a4, 24, 2, NULL);
	addrtab_build_addr(b, true, 6, a6, 64, 2, NULL);
	t = addrtab_freeze(b);
	addrtab_build_free(b);
	return t;
}

/* Source i: family and address. */
static unsigned ringfill_src(uint32_t i, uint64_t seed, uint8_t a[16])
{
	static const uint8_t fixed[][4] = {
		{ 203, 0, 113, 5 }, { 198, 51, 100, 7 }, { 192, 0, 2, 77 },
		{ 198, 51, 100, 200 }, { 10, 1, 2, 3 },
	};
	uint64_t x;

	memset(a, 0, 16);
	if (i < 5) {
		memcpy(a, fixed[i], 4);
		return 4;
	}
	if (i == 5) {
		static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x77 };

		memcpy(a, v6, 16);
		return 6;
	}
	x = (i + seed) * 0x9e3779b97f4a7c15ull;
	x ^= x >> 29;
	a[0] = (uint8_t)(1 + (x >> 8) % 223);	/* 1..223: unicast */
	a[1] = (uint8_t)(x >> 16);
	a[2] = (uint8_t)(x >> 24);
	a[3] = (uint8_t)(x >> 32);
	if (a[0] == 10 || a[0] == 127)
		a[0]++;
	return 4;
}

/* A SYN from family/src to the host's address, dport; length of the packet. */
static size_t ringfill_pkt(uint8_t *p, unsigned family, const uint8_t *src, uint16_t dport)
{
	static const uint8_t tcp[20] = { 0x9c, 0x40, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02,
					 0x02, 0, 0, 0, 0, 0 };
	size_t ip = family == 4 ? 20 : 40;

	memset(p, 0, 60);
	if (family == 4) {
		static const uint8_t h[12] = { 0x45, 0, 0, 40, 0x12, 0x34, 0x40, 0, 52, 6, 0, 0 };

		memcpy(p, h, 12);
		memcpy(p + 12, src, 4);
		p[16] = 192, p[17] = 0, p[18] = 2, p[19] = 1;
	} else {
		p[0] = 0x60;
		p[5] = 20;
		p[6] = 6;
		p[7] = 52;
		memcpy(p + 8, src, 16);
		p[24] = 0x20, p[25] = 0x01, p[26] = 0x0d, p[27] = 0xb8, p[39] = 1;
	}
	memcpy(p + ip, tcp, 20);
	p[ip + 2] = (uint8_t)(dport >> 8);
	p[ip + 3] = (uint8_t)dport;
	return ip + 20;
}

static uint64_t ringfill_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Any value, but mostly small or typical ones, so every branch is taken. */
static void ringfill_scramble(struct ring_rec *r, uint64_t *s)
{
	static const uint8_t fams[] = { 4, 4, 6, 6, 0, 5 };
	static const uint8_t protos[] = { 6, 17, 1, 58, 136, 47, 0 };
	uint64_t x = ringfill_rand(s), y = ringfill_rand(s), z = ringfill_rand(s);
	unsigned i;

	r->ts_ns = x % 4 ? r->ts_ns + (y % 5000) * 1000000000ull : ringfill_rand(s) >> (z % 40);
	r->family = fams[x % 6];
	r->proto = y % 8 < 7 ? protos[(y >> 3) % 7] : (uint8_t)(y >> 8);
	r->status = (uint8_t)(z % 8 < 5 ? 0 : z % 8 - 4);
	r->why = (uint16_t)(z % 16 < 8 ? 0 : (z >> 8) % 24);
	r->ip_flags = (uint8_t)(x >> 8);
	r->ttl = (uint8_t)(x >> 16);
	r->tos = x % 3 ? 0 : (uint8_t)(x >> 24);
	r->tcp_flags = (uint8_t)(y >> 16);
	r->icmp_type = (uint8_t)(y % 4 ? (y >> 24) % 20 : (y >> 24) % 256);
	r->icmp_code = (uint8_t)((y >> 32) % 16);
	r->inner_family = fams[(z >> 16) % 6];
	r->inner_proto = protos[(z >> 24) % 7];
	r->group = (uint16_t)(x >> 32);
	r->cpu = x % 5 ? RING_CPU_UNPINNED : (uint16_t)(x >> 40);
	r->sport = (uint16_t)(y >> 40);
	r->dport = (uint16_t)(z >> 40);
	r->ip_len = (uint16_t)ringfill_rand(s);
	r->frag_off = y % 3 ? 0 : (uint16_t)(y >> 48);
	r->tcp_window = (uint16_t)(z >> 48);
	r->udp_len = (uint16_t)(x >> 48);
	r->inner_sport = (uint16_t)ringfill_rand(s);
	r->inner_dport = (uint16_t)ringfill_rand(s);
	r->ip_id = (uint32_t)ringfill_rand(s);
	r->flow_label = z % 3 ? 0 : (uint32_t)ringfill_rand(s) >> (z % 16);
	r->tcp_seq = (uint32_t)ringfill_rand(s);
	r->mark = (uint32_t)(x % 2 ? 0 : ringfill_rand(s));
	r->ifindex_in = x % 4 ? 2 : (uint32_t)(ringfill_rand(s) % 3);
	r->ifindex_out = y % 4 ? 0 : (uint32_t)ringfill_rand(s) >> (y % 32);
	for (i = 0; i < 16; i++) {
		uint64_t b = ringfill_rand(s);

		/* Zero runs, so IPv6 text takes its :: forms. */
		r->saddr[i] = (uint8_t)(b % 3 ? 0 : b >> 8);
		r->daddr[i] = (uint8_t)(b % 5 ? b >> 16 : 0);
		r->inner_saddr[i] = (uint8_t)(b >> 24);
		r->inner_daddr[i] = (uint8_t)(b % 2 ? 0 : b >> 32);
	}
	if (x % 7 == 0)
		r->saddr[10] = r->saddr[11] = 0xff;	/* ::ffff:a.b.c.d */
	x = ringfill_rand(s);
	if (x % 2) {
		r->klass.kb_id = (uint16_t)((x >> 8) % 300);
		r->klass.kb_icmp = (uint16_t)((x >> 24) % 64);
		r->klass.verdict = (uint8_t)((x >> 32) % 7);
	}
	r->klass.tags = x % 3 ? r->klass.tags : (uint32_t)ringfill_rand(s) >> (x % 32);
	r->klass.l2 = (uint8_t)((x >> 40) % 9);
	r->klass.dst_facts = (uint8_t)(x >> 48);
	r->klass.src_facts = (uint8_t)(x >> 56);
	r->klass.ttl_initial = (uint8_t)ringfill_rand(s);
	r->klass.layout = x % 5 ? RING_LAYOUT_HW : 0;
	r->hook = (uint8_t)(ringfill_rand(s) % 6);
	x = ringfill_rand(s);
	r->hw.type = x % 2 ? 1 : (uint16_t)(x >> 8);
	r->hw.hdr_len = (uint8_t)(x >> 24);
	r->hw.flags = (uint8_t)(x >> 32) & 3;
	memcpy(r->hw.dst, &x, 6);
	x = ringfill_rand(s);
	memcpy(r->hw.src, &x, 6);
}

static void ringfill_one(struct ring_writer *w, const struct classify *cls,
			 const struct addrtab *local, uint32_t i, uint32_t nsrc, uint64_t seed,
			 uint64_t *scramble)
{
	static const uint16_t ports[] = { 22, 23, 80, 137, 443, 445, 1433, 3389, 27374, 31337,
					  8081, 9999 };
	uint8_t pkt[64], src[16];
	struct ring_rec rec;
	unsigned family = ringfill_src((uint32_t)(((uint64_t)i * 7919) % nsrc), seed, src);
	size_t len = ringfill_pkt(pkt, family, src, ports[i % 12]);
	struct pkt p;

	decode_packet(pkt, len, family, &p);
	memset(&rec, 0, sizeof(rec));
	classify_packet(cls, local, &p, &rec.klass);
	rec.klass.layout = RING_LAYOUT_HW;
	rec.kind = RING_KIND_DROP;
	rec.ts_ns = 1700000000000000000ull + (uint64_t)i * 1000;
	rec.group = 10;
	rec.cpu = RING_CPU_UNPINNED;
	rec.ifindex_in = 2;
	rec.hook = 1;
	rec.status = p.status;
	rec.why = p.why;
	rec.family = p.family;
	rec.proto = p.proto;
	rec.sport = p.sport;
	rec.dport = p.dport;
	rec.ttl = p.ttl;
	rec.ip_id = p.ip_id;
	rec.ip_len = p.ip_len;
	rec.tcp_flags = p.tcp_flags;
	rec.tcp_window = p.tcp_window;
	rec.tcp_seq = p.tcp_seq;
	rec.tcp_doff = p.tcp_doff;
	rec.prefix_id = RING_PREFIX_NONE;
	memcpy(rec.saddr, p.saddr, 16);
	memcpy(rec.daddr, p.daddr, 16);
	rec.cap_len = (uint16_t)len;
	rec.raw_len = (uint8_t)len;
	memcpy(rec.raw, pkt, len < RING_RAW_LEN ? len : RING_RAW_LEN);
	if (scramble)
		ringfill_scramble(&rec, scramble);
	ring_append(w, &rec);
}

int main(int argc, char **argv)
{
	struct ring_open_opts ro = { 0 };
	struct ring_writer w;
	struct classify *cls;
	struct addrtab *local;
	struct ring *ring;
	uint32_t count, nsrc, i;
	uint64_t seed, scramble = 0;
	char err[256];
	bool random;

	if (argc < 4 || argc > 6 || (argc == 6 && strcmp(argv[5], "random") != 0)) {
		fprintf(stderr, "usage: ringfill PATH COUNT NSRC [SEED [random]]\n");
		return 2;
	}
	count = (uint32_t)strtoul(argv[2], NULL, 10);
	nsrc = (uint32_t)strtoul(argv[3], NULL, 10);
	seed = argc >= 5 ? strtoull(argv[4], NULL, 10) : 1;
	random = argc == 6;
	scramble = seed;
	if (!count || !nsrc) {
		fprintf(stderr, "ringfill: COUNT and NSRC must be > 0\n");
		return 2;
	}
	cls = classify_new(kb_builtin());
	local = ringfill_local();
	if (!cls || !local)
		return 1;
	ro.path = argv[1];
	ro.nsegs = 1;
	/* Room for COUNT slots whatever the headers take: slots are a power of two. */
	ro.size = 2 * (uint64_t)count * sizeof(struct ring_rec) + (8u << 20);
	if (!(ring = ring_open(&ro, err, sizeof(err)))) {
		fprintf(stderr, "ringfill: %s\n", err);
		return 1;
	}
	ring_writer_init(ring, &w, 0, 0, -1);
	ring_set_kb_stamp(ring, kb_stamp(kb_builtin()));
	for (i = 0; i < count; i++)
		ringfill_one(&w, cls, local, i, nsrc, seed, random ? &scramble : NULL);
	ring_publish(&w);
	ring_close(ring);
	classify_free(cls);
	addrtab_free(local);
	return 0;
}
