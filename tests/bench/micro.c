/* micro.c - per-operation costs of the packet path, without the kernel:
 * decode, kb lookups, classify, ring append; ns per operation, best of runs.
 * Figures, not assertions: `make bench` prints them, doc/BENCHMARKS.md keeps them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "classify.h"
#include "crc32c.h"
#include "decode.h"
#include "kb.h"
#include "ring.h"

#define MICRO_OPS	(1u << 22)	/* operations per run */
#define MICRO_RUNS	5		/* best of */

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

#define MICRO_TIME(name, body)							\
	do {									\
		double best = 1e30, t0, dt;					\
		uint32_t i;							\
		int run;							\
		for (run = 0; run < MICRO_RUNS; run++) {			\
			t0 = micro_now();					\
			for (i = 0; i < MICRO_OPS; i++) {			\
				body;						\
			}							\
			dt = (micro_now() - t0) / MICRO_OPS;			\
			if (dt < best)						\
				best = dt;					\
		}								\
		printf("  %-44s %7.1f ns/op\n", name, best);			\
	} while (0)

int main(void)
{
	static uint8_t pkts[256][40];
	static uint16_t ports[256];
	const struct kb *kb = kb_builtin();
	struct classify *cls = classify_new(kb);
	struct ring_open_opts ro = { 0 };
	struct ring_writer w;
	struct ring_klass k;
	struct ring_rec rec;
	struct ring *ring;
	struct pkt p;
	char path[] = "/tmp/nflogd-micro.XXXXXX", err[256];
	unsigned n;
	int fd;

	if (!cls)
		return 1;
	/* A mix: known service ports, trojan ports, ranges and misses. */
	for (n = 0; n < 256; n++) {
		static const uint16_t some[] = { 22, 23, 80, 137, 443, 445, 1433, 3389,
			27374, 31337, 33500, 40000, 50000, 8081, 9999, 12 };

		ports[n] = some[(n * 7) % 16];
		micro_syn(pkts[n], ports[n]);
	}
	fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);
	unlink(path);
	ro.path = path;
	ro.size = 64u << 20;
	ro.nsegs = 1;
	ring = ring_open(&ro, err, sizeof(err));
	if (!ring) {
		fprintf(stderr, "micro: %s\n", err);
		return 1;
	}
	ring_writer_init(ring, &w, 0, 0, -1);
	memset(&rec, 0, sizeof(rec));

	printf("micro-benchmarks (%u ops, best of %d runs):\n", MICRO_OPS, MICRO_RUNS);
	MICRO_TIME("decode IPv4 TCP SYN", {
		decode_packet(pkts[i & 255], 40, 4, &p);
		micro_sink += p.dport;
	});
	MICRO_TIME("kb_port_lookup (perfect hash, mixed ports)", {
		const struct kb_port *r = kb_port_lookup(kb, KB_DIR_DST, 6, ports[i & 255]);

		micro_sink += r ? r->id : 0;
	});
	MICRO_TIME("kb_port_lookup (miss)", {
		const struct kb_port *r = kb_port_lookup(kb, KB_DIR_DST, 6,
							 (uint16_t)(5001 + (i & 1023)));

		micro_sink += r ? r->id : 0;
	});
	decode_packet(pkts[0], 40, 4, &p);
	MICRO_TIME("kb_addr_lookup (IPv4)", {
		const struct kb_addr *r = kb_addr_lookup(kb, 4, p.saddr);

		micro_sink += r ? r->id : 0;
	});
	MICRO_TIME("classify_packet", {
		decode_packet(pkts[i & 255], 40, 4, &p);
		micro_sink += (uint64_t)classify_packet(cls, &p, &k) + k.verdict;
	});
	MICRO_TIME("crc32c of a record (244 B)", {
		rec.ts_ns = i;
		micro_sink += crc32c((const uint8_t *)&rec + 12, sizeof(rec) - 12);
	});
	MICRO_TIME("ring_append (with CRC)", {
		rec.ts_ns = i;
		ring_append(&w, &rec);
	});
	MICRO_TIME("decode + classify + ring_append", {
		decode_packet(pkts[i & 255], 40, 4, &p);
		classify_packet(cls, &p, &rec.klass);
		rec.dport = p.dport;
		ring_append(&w, &rec);
	});
	ring_close(ring);
	unlink(path);
	classify_free(cls);
	return micro_sink == 42 ? 2 : 0;
}
