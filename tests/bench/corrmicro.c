/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corrmicro.c - the correlator thread's cost per record: read from the ring,
 * order by time, corr_feed(). Records are written into a real ring file in
 * two capture segments (so the time merge has work to do) and consumed by
 * the thread's own round function; only that function is of interest, and
 * tests/bench/callgrind.sh -c tells callgrind to count inside corrmicro_round()
 * alone, so writing the records (CRC and all) does not count.
 *
 *   corrmicro --ir STREAM N    feed N records of STREAM, untimed
 *   corrmicro --alerts STREAM N [GAP_NS [JITTER_NS]]
 *                              the same, then print the alerts it made (times
 *                              relative to the first record): two builds
 *                              that print the same lines detected the same.
 *                              JITTER_NS: stamps wander back by up to that
 *                              much, so segments are not quite in order
 *   corrmicro --time STREAM N  the same, and print the wall-clock ns per
 *                              record spent in the rounds alone (the total
 *                              over all rounds, cache misses included); pin
 *                              it with taskset and take the best of a few runs
 *
 * Streams:
 *   random   every record a new source (IPv4 and some IPv6; TCP, UDP, ICMP;
 *            random ports and IP IDs): a forged flood, every source evicts one
 *   mix      one scanner on 1000 ports of one host, one sweeper of a /16 on
 *            445, a few chatty sources, and a quarter of random background
 *   odd      the other detectors, for --alerts: traceroutes, pings,
 *            broadcast chatter, fraggle probes and replies, smurf replies,
 *            one IP ID counter behind several sources, a TTL that jumps
 *
 * corrthread.c is compiled in, not linked: its round function is static and
 * the point is to measure exactly that code, not a copy of it.
 */
#include "correlate/corrthread.c"

#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "classify/kb.h"
#include "ring/ringnames.h"

#define CM_SEGS		2	/* capture segments */
#define CM_BATCH	4000	/* records per round: under CORR_CHUNK per segment */
#define CM_GAP_NS	1000	/* between records: a 1 Mpps flood */

static struct cm {
	struct ring		*ring;
	struct ring_writer	 w[CM_SEGS];
	struct corrthread	*t;
	uint64_t		 rng;
	uint64_t		 ts;
	uint64_t		 ts0;
	uint64_t		 gap;
	uint64_t		 jitter;
	uint64_t		 n;
	uint64_t		 round_ns;	/* --time: inside corrmicro_round() */
	int			 stop;
	char			 path[64];
} cm;

static uint64_t cm_rand(void)
{
	/* xorshift64*: fixed seed, so every run feeds the same records. */
	cm.rng ^= cm.rng >> 12;
	cm.rng ^= cm.rng << 25;
	cm.rng ^= cm.rng >> 27;
	return cm.rng * 0x2545f4914f6cdd1dull;
}

static uint16_t corr_swap16_cm(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

static void cm_v4(uint8_t a[16], uint32_t v)
{
	memset(a, 0, 16);
	a[0] = (uint8_t)(v >> 24);
	a[1] = (uint8_t)(v >> 16);
	a[2] = (uint8_t)(v >> 8);
	a[3] = (uint8_t)v;
}

static void cm_fill(struct ring_rec *r, uint8_t family, uint8_t proto)
{
	memset(r, 0, sizeof(*r));
	r->kind = RING_KIND_DROP;
	r->family = family;
	r->proto = proto;
	r->ts_ns = cm.ts;
	r->ttl = (uint8_t)(40 + cm_rand() % 20);	/* the mix's sources override it */
	r->prefix_id = RING_PREFIX_NONE;
	if (family == 4)
		cm_v4(r->daddr, 0xc0000201);			/* 192.0.2.1 */
	else
		memcpy(r->daddr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
}

/* A new random source; ports, IP ID and protocol random too. */
static void cm_random(struct ring_rec *r)
{
	uint64_t x = cm_rand(), y = cm_rand();
	unsigned p = (unsigned)(x % 10);
	bool v6 = (x >> 8) % 8 == 0;
	uint8_t proto = p < 6 ? 6 : p < 9 ? 17 : (v6 ? 58 : 1);

	cm_fill(r, v6 ? 6 : 4, proto);
	if (v6) {
		memcpy(r->saddr, "\x20\x01\x0d\xb8", 4);
		memcpy(r->saddr + 4, &y, 8);
		memcpy(r->saddr + 12, &x, 4);
	} else {
		cm_v4(r->saddr, (uint32_t)y | 0x01000000u);
		r->ip_id = (uint16_t)(x >> 16);
	}
	if (proto == 6 || proto == 17) {
		r->sport = (uint16_t)(y >> 32);
		r->dport = (uint16_t)(y >> 48);
		r->tcp_flags = proto == 6 ? RING_TCP_SYN : 0;
	} else {
		r->icmp_type = (uint8_t)(x >> 40) % 2 ? (v6 ? 128 : 8) : 3;
	}
}

/* Few sources, most of the packets, plus random background. */
static void cm_mix(struct ring_rec *r)
{
	uint64_t x = cm_rand();
	unsigned k = (unsigned)(x % 100);

	if (k < 25) {
		cm_random(r);
		return;
	}
	cm_fill(r, 4, 6);
	r->tcp_flags = RING_TCP_SYN;
	r->sport = (uint16_t)(40000 + (x >> 8) % 20000);
	r->ip_id = (uint16_t)(x >> 32) | 1;
	/* Real senders keep their hop count: one TTL per source. */
	if (k < 65) {			/* scanner: 1000 ports of 192.0.2.1, over and over */
		cm_v4(r->saddr, 0xcb007107);
		r->dport = (uint16_t)(1 + cm.n % 1000);
		r->ttl = 49;
	} else if (k < 80) {		/* sweeper: 445 across 10.1.0.0/16 */
		cm_v4(r->saddr, 0xcb007108);
		cm_v4(r->daddr, 0x0a010000 | (uint32_t)(cm.n & 0xffff));
		r->dport = 445;
		r->ttl = 113;
	} else {			/* eight chatty sources to a few services */
		static const uint16_t svc[] = { 22, 23, 80, 443, 445, 3389, 8080, 5060 };
		unsigned h = (unsigned)(x >> 40) % 8;

		cm_v4(r->saddr, 0xc6336400 | h);
		r->dport = svc[(x >> 48) % 8];
		r->ttl = (uint8_t)(50 + h);
	}
}

/* What the scan streams leave out, so that --alerts covers every detector. */
static void cm_odd(struct ring_rec *r)
{
	uint64_t x = cm_rand();
	unsigned k = (unsigned)(x % 100), h = (unsigned)(x >> 40) % 4;
	static uint16_t ipid = 1000;

	if (k < 10) {
		cm_random(r);
		return;
	}
	cm_fill(r, 4, 17);
	r->sport = (uint16_t)(40000 + (x >> 8) % 20000);
	r->ip_id = (uint16_t)(x >> 24) | 1;
	if (k < 25) {			/* traceroutes: TTL 1..12 left, ports up by one */
		cm_v4(r->saddr, 0xcb007110 | h);
		cm_v4(r->daddr, 0xc0000210 | h);
		r->ttl = (uint8_t)(1 + cm.n / 3 % 12);
		r->dport = (uint16_t)(33434 + cm.n % 60);
	} else if (k < 35) {		/* pings with a wobbling TTL */
		cm_fill(r, 4, 1);
		cm_v4(r->saddr, 0xcb007120 | h);
		r->icmp_type = 8;
		r->ttl = (uint8_t)(h < 2 ? 3 + cm.n % 4 : 50 + (x >> 50) % 2);
		r->ip_id = (uint16_t)(x >> 24) | 1;
	} else if (k < 48) {		/* broadcast chatter */
		cm_v4(r->saddr, 0x0a000010 | h);
		cm_v4(r->daddr, 0xffffffff);
		r->dport = h % 2 ? 137 : 5353;
		r->klass.tags = RING_TAG_BCAST_DST;
	} else if (k < 53) {		/* fraggle probes: UDP echo at a broadcast */
		cm_v4(r->saddr, 0xc6336480 | h);
		cm_v4(r->daddr, 0x0a0000ff);
		r->dport = h % 2 ? 7 : 19;
		r->klass.tags = RING_TAG_BCAST_DST;
	} else if (k < 60) {		/* fraggle replies from many amplifiers */
		cm_v4(r->saddr, 0x0b000000 | (uint32_t)(x >> 20) % 64);
		cm_v4(r->daddr, 0xc0000206);
		r->sport = h % 2 ? 7 : 19;
		r->dport = 40000;
	} else if (k < 70) {		/* smurf: echo replies from many sources */
		cm_fill(r, 4, 1);
		cm_v4(r->saddr, 0x0c000000 | (uint32_t)(x >> 20) % 200);
		cm_v4(r->daddr, 0xc0000205);
		r->icmp_type = 0;
		r->ip_id = (uint16_t)(x >> 24) | 1;
	} else if (k < 85) {		/* one counter behind five claimed sources */
		cm_fill(r, 4, 6);
		cm_v4(r->saddr, 0xcb007130 | (unsigned)(x >> 20) % 5);
		cm_v4(r->daddr, 0xc0000207);
		r->tcp_flags = RING_TCP_SYN;
		r->sport = 45000;
		r->dport = (uint16_t)(20 + (x >> 30) % 8);
		r->ttl = 47;
		r->ip_id = ipid++;
		if ((x >> 8) % 16 == 0)
			r->ip_id = corr_swap16_cm(ipid);
	} else {			/* a source whose TTL jumps now and then */
		cm_fill(r, 4, 6);
		cm_v4(r->saddr, 0xcb007140 | h);
		r->tcp_flags = RING_TCP_SYN;
		r->dport = 443;
		r->ttl = (x >> 12) % 32 == 0 ? 110 : 52;
	}
}

/* What callgrind counts (make bench: callgrind.sh -c corrmicro_round). */
__attribute__((noinline)) size_t corrmicro_round(struct corrthread *t);
__attribute__((noinline)) size_t corrmicro_round(struct corrthread *t)
{
	return corrthread_round(t);
}

static int cm_setup(void)
{
	struct ring_open_opts ro = { 0 };
	struct ring_reader *rr;
	struct corr_cfg cfg;
	char err[256];
	unsigned s;
	int fd;

	strcpy(cm.path, "/tmp/nflogd-corrmicro.XXXXXX");
	fd = mkstemp(cm.path);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(cm.path);
	ro.path = cm.path;
	ro.size = 64u << 20;
	ro.nsegs = CM_SEGS + 1;		/* the last one takes the alerts */
	cm.ring = ring_open(&ro, err, sizeof(err));
	if (!cm.ring)
		goto fail;
	for (s = 0; s < CM_SEGS; s++)
		ring_writer_init(cm.ring, &cm.w[s], s, 0, (int)s);
	rr = ringread_open(cm.path, err, sizeof(err));
	if (!rr)
		goto fail;
	corr_cfg_default(&cfg);
	cm.t = corrthread_new(cm.ring, rr, &cfg, kb_builtin(), 1, &cm.stop);
	if (!cm.t) {
		snprintf(err, sizeof(err), "corrthread_new failed");
		goto fail;
	}
	cm.rng = 0x9e3779b97f4a7c15ull;
	/* Ahead of the wall clock, so the rounds' corr_tick(now) never moves
	 * time: what is counted depends on the records alone. */
	cm.ts = cm.ts0 = corrthread_now() + 3600 * 1000000000ull;
	return 0;
fail:
	fprintf(stderr, "corrmicro: %s\n", err);
	return -1;
}

static uint64_t cm_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void cm_run(void (*gen)(struct ring_rec *), uint64_t n)
{
	struct ring_rec r;
	uint64_t t0;
	unsigned i, s;

	while (cm.n < n) {
		for (i = 0; i < CM_BATCH && cm.n < n; i++, cm.n++) {
			gen(&r);
			if (cm.jitter)
				r.ts_ns -= cm_rand() % cm.jitter;
			cm.ts += cm.gap;
			/* Which CPU took the packet: both segments are in
			 * time order, interleaved with each other. */
			ring_append(&cm.w[cm_rand() % CM_SEGS], &r);
		}
		for (s = 0; s < CM_SEGS; s++)
			ring_publish(&cm.w[s]);
		t0 = cm_clock();
		corrmicro_round(cm.t);
		cm.round_ns += cm_clock() - t0;
	}
}

static uint64_t cm_rel(uint64_t ts)
{
	return ts ? ts - cm.ts0 : 0;
}

/* Every alert record, one line each, in the order they were written. */
static int cm_alerts(void)
{
	struct ring_reader *rr;
	struct ring_alert a;
	uint64_t pos, head;
	char err[256];
	unsigned i;

	rr = ringread_open(cm.path, err, sizeof(err));
	if (!rr) {
		fprintf(stderr, "corrmicro: %s\n", err);
		return -1;
	}
	head = ringread_head(rr, CM_SEGS);
	printf("alerts %llu\n", (unsigned long long)head);
	for (pos = 0; pos < head; pos++) {
		if (ringread_get(rr, CM_SEGS, pos, (struct ring_rec *)(void *)&a) != RINGREAD_OK) {
			printf("%llu unreadable\n", (unsigned long long)pos);
			continue;
		}
		printf("%u %s st%u v%u ttl%u-%u tags%x ev%x kb%u f%llu l%llu t%llu p%u po%u"
		       " tg%u s%u %u-%u iv%u sa%02x%02x%02x%02x da%02x%02x%02x%02x ps",
		       a.alert_id, ring_alert_type_name(a.type), a.state, a.verdict,
		       a.ttl_min, a.ttl_max, a.scan_tags, a.evidence, a.kb_id,
		       (unsigned long long)cm_rel(a.first_seen),
		       (unsigned long long)cm_rel(a.last_seen),
		       (unsigned long long)cm_rel(a.ts_ns), a.packets, a.ports, a.targets,
		       a.sources, a.port_lo, a.port_hi, a.interval_ms, a.saddr[0], a.saddr[1],
		       a.saddr[2], a.saddr[3], a.daddr[0], a.daddr[1], a.daddr[2], a.daddr[3]);
		for (i = 0; i < RING_ALERT_PORTS; i++)
			printf(" %u", a.port_sample[i]);
		printf("\n");
	}
	printf("evicted %llu\n", (unsigned long long)ringread_ctr(rr, CM_SEGS,
								  RING_CTR_CORR_EVICTED));
	ringread_close(rr);
	return 0;
}

int main(int argc, char **argv)
{
	void (*gen)(struct ring_rec *);
	bool alerts, timed;
	uint64_t n;
	int rc = 0;

	alerts = argc >= 4 && !strcmp(argv[1], "--alerts");
	timed = argc == 4 && !strcmp(argv[1], "--time");
	if (!(argc == 4 && !strcmp(argv[1], "--ir")) && !timed && !(alerts && argc <= 6)) {
		fprintf(stderr, "usage: corrmicro --ir|--time random|mix|odd N\n"
				"       corrmicro --alerts random|mix|odd N [GAP_NS [JITTER_NS]]\n");
		return 2;
	}
	cm.gap = argc >= 5 ? strtoull(argv[4], NULL, 10) : CM_GAP_NS;
	cm.jitter = argc == 6 ? strtoull(argv[5], NULL, 10) : 0;
	if (!strcmp(argv[2], "random"))
		gen = cm_random;
	else if (!strcmp(argv[2], "mix"))
		gen = cm_mix;
	else if (!strcmp(argv[2], "odd"))
		gen = cm_odd;
	else {
		fprintf(stderr, "corrmicro: unknown stream %s\n", argv[2]);
		return 2;
	}
	if (cm_setup() < 0)
		return 1;
	n = strtoull(argv[3], NULL, 10);
	cm_run(gen, n);
	if (timed)
		printf("%s %llu records: %.1f ns/record in the rounds\n", argv[2],
		       (unsigned long long)n, n ? (double)cm.round_ns / (double)n : 0.0);
	cm.stop = 1;
	corrthread_join(cm.t);
	if (alerts)
		rc = cm_alerts();
	ring_close(cm.ring);
	unlink(cm.path);
	return rc < 0;
}
