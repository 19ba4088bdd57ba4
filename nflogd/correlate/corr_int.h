/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_int.h - the correlator's internal header: its constants, its state and
 * the hot helpers that its files share. Internal to nflogd/correlate/: the
 * API is correlate.h, and nothing outside the correlator includes this but
 * its unit tests and benchmarks.
 *
 * Memory is fixed in corr_new(): every table below has a set number of
 * entries derived from cfg.max_sources and corr_feed()/corr_tick() never
 * allocate. A table is a chained hash over a slot array plus a
 * least-recently-used list; when it is full the least recently touched entry
 * is reused. State is kept at these grains:
 *
 *   table  key                  what it is for
 *   src    saddr                hops, IP ID, traceroute, noise/fraggle counts, 1st probe
 *   pair   saddr, daddr         distinct ports of one host: port scan
 *   sweep  saddr, dport, proto  distinct hosts on one port: sweep
 *   tgt    daddr                decoy candidates, IP ID sequences, smurf/fraggle replies
 *   grp    daddr, dport, proto  retry gaps per source: heartbeat
 *   inc    alert type, key      the alert being built (OPEN, UPDATE, CLOSED)
 *
 * A source's first probe only goes into src; pair/sweep/tgt/grp see it when
 * a second one comes (corr_probe), so forged one-packet floods don't churn
 * them.
 *
 * An incident that needs an exact distinct count (ports of a scan, hosts of
 * a sweep, amplifiers of a smurf) borrows a 65536-bit map from a fixed pool;
 * when the pool is empty it counts with what its state entry knows, a lower
 * bound.
 *
 * The files, each with its part of the state:
 *
 *   corr_int.h          (this file) constants, state, key hashing, small
 *                       helpers: what every file below includes
 *   corr_tab.[ch]       the tables: hashing, chains, LRU eviction, expiry;
 *                       the pooled maps; the inline lookup that hits
 *   corr_inc.[ch]       incidents: open, count, emit, close
 *   corr_facts.h        the kb row behind a record, for the detectors
 *   corr_src.[ch]       per-source state, STATE_FULL, the held first probe
 *   corr_scan.[ch]      port scans and sweeps
 *   corr_target.[ch]    per target: decoys, IP ID sequences, smurf and
 *                       fraggle replies
 *   corr_heartbeat.[ch] inherited-address heartbeats
 *   corr_ttl.[ch]       TTL jumps, traceroutes, per-source chatter (noise,
 *                       fraggle probes)
 *   correlate.c         the API, and corr_feed(): the facts of a record, and
 *                       which detectors it goes to (the only includer of the
 *                       detectors' headers)
 *
 *   fleet_in.c, fleet.c the fleet view (fleet.h): collector lines of many
 *                       hosts, and a per-source table across hosts on
 *                       corr_tab; no correlator state besides its seed
 *
 * Each file includes only those above it in this list, so no two call each
 * other.
 *
 * The per-record path is as fast as when the correlator was one file:
 *
 *   - A detector's .h holds what every record it sees runs, static inline,
 *     so that it is compiled into corr_feed(); its .c holds what runs when
 *     an incident opens or a pattern completes. Out of line, the detectors
 *     cost 3% (mix) to 8% (random) more instructions per record (callgrind,
 *     tests/bench/corrmicro).
 *   - Nothing out of line takes a struct corr_pkt: corr_feed()'s is on its
 *     stack, and once its address has gone to a function the compiler can't
 *     see, it reloads the record's facts from memory after every call. The
 *     .c files' functions take the record and the state they work on.
 */
#ifndef NFLOGD_CORR_INT_H
#define NFLOGD_CORR_INT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "classify/kb.h"
#include "correlate/correlate.h"
#include "util/mix.h"

#define CORR_MS			1000000ull	/* ns */
#define CORR_SEC		1000000000ull	/* ns */
#define CORR_NONE		UINT32_MAX	/* no slot / no map */
/* For the few helpers every record runs through several times: a call
 * (registers saved, arguments spilled) costs about as much as their bodies. */
#define CORR_HOT		static inline __attribute__((always_inline))

/* Sizes and guards that are not configuration: doc/correlation.md. */
#define CORR_SAMPLE		RING_ALERT_PORTS /* first ports kept exactly per pair */
#define CORR_PAIR_BITS		512	/* port bits per (source, host) before an incident */
#define CORR_SWEEP_BITS		512	/* host bits per (source, port) before an incident */
#define CORR_HSAMPLE		16	/* first hosts kept exactly per (source, port) */
#define CORR_BIG_BITS		65536u	/* pooled map: a port, or a host's low 16 bits */
#define CORR_BIG_MIN		8	/* pooled maps, at least */
#define CORR_BIG_MAX		128	/* ... and at most (8 KiB each) */
#define CORR_DISTINCT		32	/* sources listed per target before smurf/fraggle */
#define CORR_DSLOTS		8	/* sources watched per target for decoys */
#define CORR_DPORTS		8	/* first ports watched per such source */
#define CORR_DECOY_COMMON	4	/* ports two sources share to be one probe set */
#define CORR_DECOY_NS		(10 * CORR_SEC)	/* decoy sources probe within this */
#define CORR_DECOY_SKEW_NS	(1 * CORR_SEC)	/* one port, two sources: "together" */
#define CORR_CHAINS		4	/* IP ID sequences followed per target */
#define CORR_CHAIN_SRCS		8	/* claimed sources remembered per sequence */
#define CORR_IPID_STEP		32	/* largest step that is "the sender's next packet" */
#define CORR_IPID_LEN		4	/* packets a cross-source sequence needs */
#define CORR_IPID_CONST		5	/* the same IP ID this many times in a row: crafted */
#define CORR_HSLOTS		8	/* sources watched per (target, port) for heartbeats */
#define CORR_HB_ATTEMPTS	3	/* attempts (two gaps) before a source looks regular */
#define CORR_HB_GAP_MIN_NS	(1 * CORR_SEC)	/* closer attempts: retransmits of one */
#define CORR_TRACE_LO		33434	/* UNIX traceroute's UDP port range */
#define CORR_TRACE_HI		33600
#define CORR_TRACE_TTL_MAX	32	/* a probe that got here has little TTL left */
#define CORR_TRACE_START_MAX	8	/* highest first TTL of a series seen here */
#define CORR_TRACE_STEP_MAX	2	/* TTL rise between probes (one round lost) */
#define CORR_HOPS_PLAUSIBLE	30	/* more hops: a wrong start guess, or crafted */
#define CORR_TTL_RANDOM		4	/* distinct hop estimates of a source: random TTL */
#define CORR_TTL_BASE		5	/* packets that make (or move) a hop baseline: enough
					 * that a random-TTL scanner does not settle by luck */
#define CORR_SRC_KEEP		4	/* sources are forgotten after this many windows idle */
#define CORR_KB_MEMO		1024	/* kb port rows remembered (a power of 2) */

/* Styles of a scan, as in ring_alert.scan_tags. */
#define CORR_STYLE_TAGS		(RING_TAG_SCAN_NULL | RING_TAG_SCAN_FIN | RING_TAG_SCAN_XMAS | \
				 RING_TAG_SCAN_MAIMON | RING_TAG_SCAN_SYNFIN | RING_TAG_SCAN_ACK | \
				 RING_TAG_SYN_ODD)

enum corr_kind {	/* corr_key.kind of state entries; incidents use the alert type */
	CORR_K_SRC	= 100,
	CORR_K_PAIR,
	CORR_K_SWEEP,
	CORR_K_TGT,
	CORR_K_GRP,
	CORR_K_FLEET,	/* saddr: a source across hosts (fleet.c) */
};

enum corr_dim {		/* what an incident's pooled map counts */
	CORR_DIM_PORTS	= 1,
	CORR_DIM_HOSTS,
	CORR_DIM_SOURCES,
};

enum corr_got {
	CORR_FOUND,
	CORR_NEW,
	CORR_REUSED,	/* the table was full: its least recent entry was taken */
};

/* Every table's key; unused bytes stay zero so corr_key_eq() and the hash work. */
struct corr_key {
	uint8_t	 a[16];		/* the source, or the target of per-target state */
	uint8_t	 b[16];		/* the target of a (source, target) pair */
	uint16_t port;		/* destination port where the grain has one */
	uint8_t	 family;
	uint8_t	 kind;		/* enum corr_kind, or the alert type of an incident */
	uint8_t	 proto;
	uint8_t	 sub;		/* variant of one alert type (fraggle probe or reply) */
	uint16_t pad;		/* zero: the key is five whole words (corr_kword) */
};
_Static_assert(sizeof(struct corr_key) == 40, "corr_key must have no padding");

struct corr_slot {
	struct corr_key	 key;
	uint32_t	 newer;		/* LRU neighbours */
	uint32_t	 older;
	uint64_t	 last;		/* corr.now at the last touch */
	uint64_t	 pad;		/* one cache line (corr_tab_init aligns the array) */
};
_Static_assert(sizeof(struct corr_slot) == 64, "corr_slot is one cache line");

/*
 * The hash chains, apart from the slots: a lookup that misses (every record
 * of a flood of new sources) walks these 8 bytes per entry and reads a key
 * only when the whole hash matches, so the big tables' chains stay in cache
 * and a miss costs no slot's cache line.
 */
struct corr_link {
	uint32_t	 hash;
	uint32_t	 chain;		/* next in the bucket; next free slot when free */
};

struct corr_tab {
	struct corr_slot *slot;
	struct corr_link *link;		/* parallel to slot */
	void		*val;		/* cap values of vsize bytes, parallel to slot */
	uint32_t	*bucket;
	size_t		 vsize;
	uint32_t	 cap, mask, used;
	uint32_t	 nfree;		/* head of the free list */
	uint32_t	 head, tail;	/* most and least recently touched */
	uint32_t	 hint;		/* last entry found or made: tried before hashing */
};

/*
 * Three parts, by who writes them: a flood of new sources makes one per
 * record, and clearing the whole state each time was most of the cost of
 * making one. corr_src_get() clears the first part only.
 */
struct corr_src {
	uint64_t first;		/* first packet: "history" in the decoy heuristic */
	uint64_t last;
	uint64_t hops_ts;	/* last packet that fed the hop estimate */
	uint32_t packets;
	uint32_t hop_bits;	/* hop estimates seen, bit hops % 32 */
	uint16_t ipid_last;
	uint16_t ipid_same;	/* packets in a row with ipid_last */
	uint8_t	 base_hops;	/* the hop estimate and TTL packets agree on */
	uint8_t	 base_ttl;
	uint8_t	 base_n;	/* packets that agreed with it */
	uint8_t	 off_n;		/* packets in a row that did not */
	uint8_t	 settled_pop;	/* distinct hop counts seen when the baseline settled */
	uint8_t	 ttl_min, ttl_max;
	uint8_t	 have_ipid;
	uint8_t	 have_hops;
	uint8_t	 ipid_const;	/* sticky: CORR_IPID_CONST identical IDs seen */
	uint8_t	 traced;	/* ran a traceroute: its TTLs say nothing */
	uint8_t	 ttl_alert;	/* a TTL incident is open for it */
	uint8_t	 probes;	/* 0 none yet, 1 first held, 2 replayed */
	uint8_t	 rare_set;	/* the rare part is cleared (corr_src_rare) */
	/* The first probe, held back until a second one comes (corr_probe):
	 * written whole before it is read, so never cleared. */
	uint8_t	 p1_proto, p1_ttl, p1_flags;
	uint8_t	 p1_ttl_initial, p1_hops, p1_verdict;
	uint16_t p1_sport, p1_dport;
	uint16_t p1_kb_dport, p1_kb_id;	/* klass rows: corr_kb_row() runs at the replay */
	uint32_t p1_tags;
	uint64_t p1_ts;
	uint8_t	 p1_daddr[16];
	/* Rare: traceroute series, noise and fraggle-probe counts. Cleared
	 * when a record first needs them, which most sources never do. */
	uint64_t noise_first;	/* windows of the noise and fraggle-probe counts */
	uint64_t frag_first;
	uint64_t tr_first;	/* traceroute series: first and last probe */
	uint64_t tr_last;
	uint32_t noise_n;
	uint32_t frag_n;
	uint16_t tr_port;	/* last probe's port, and the first one */
	uint16_t tr_port0;
	uint16_t tr_probes;
	uint8_t	 tr_dst[16];
	uint8_t	 tr_proto;	/* 0: no series running */
	uint8_t	 tr_ttl;	/* last probe's TTL, and the first one */
	uint8_t	 tr_ttl0;
	uint8_t	 tr_rises;
	uint8_t	 tr_consec;	/* every UDP probe went to the previous port + 1 */
	uint8_t	 noise_alert;
	uint8_t	 frag_alert;
};

struct corr_pair {
	uint64_t first;		/* window start */
	uint32_t packets;
	uint32_t nports;	/* new bits in map: distinct ports, a lower bound */
	uint32_t tags;
	uint16_t sample[CORR_SAMPLE];
	uint16_t lo, hi;
	uint16_t last_new;	/* last port that was new */
	uint16_t kb_id;
	uint8_t	 nsample;
	uint8_t	 consec;	/* each new port was the previous one + 1 */
	uint8_t	 protos;	/* 1 TCP, 2 UDP seen */
	uint8_t	 alerting;	/* counted into its source's PORTSCAN incident */
	uint8_t	 ttl_min, ttl_max;
	uint8_t	 verdict;	/* of kb_id's row */
	uint64_t map[CORR_PAIR_BITS / 64];
};

struct corr_sweep {
	uint64_t first;
	uint32_t packets;
	uint32_t nhosts;
	uint32_t tags;
	uint16_t hsample[CORR_HSAMPLE];	/* low 16 bits of the first distinct hosts */
	uint8_t	 first_dst[16];
	uint16_t kb_id;
	uint8_t	 nhsample;
	uint8_t	 alerting;
	uint8_t	 ttl_min, ttl_max;
	uint8_t	 verdict;
	uint64_t map[CORR_SWEEP_BITS / 64];
};

/* The source a per-source slot (corr_dslot of a target, corr_hslot of a
 * heartbeat group) is for; the slot's own used flag says whether it holds
 * one. corr_who_is() and corr_who_set() compare and fill it. */
struct corr_who {
	uint8_t	 addr[16];
	uint32_t a32;		/* corr_addr32(addr): compared first */
};

struct corr_dslot {		/* one source probing a target: decoy candidate */
	struct corr_who who;
	uint32_t pbits;		/* bit port % 32 of each port: corr_decoy_may */
	uint32_t src;		/* src slot its state was in at its last probe:
				 * corr_src_find_at() tries it before hashing */
	uint8_t	 used;		/* used, member, last: what corr_tgt_clear() clears */
	uint8_t	 member;	/* counted in the target's open DECOY incident */
	uint64_t first, last;
	uint64_t t[CORR_DPORTS];	/* when each port was first probed */
	uint32_t packets;
	uint32_t tags;
	uint16_t port[CORR_DPORTS];
	uint8_t	 nports;
	uint8_t	 ttl;
	uint8_t	 crafted;	/* its hop estimate is implausible */
};

struct corr_chain {		/* one IP ID sequence arriving at a target */
	uint64_t first, last;
	uint32_t src[CORR_CHAIN_SRCS];	/* claimed sources (corr_addr32) */
	uint8_t	 first_src[16];
	uint16_t id;		/* last ID, as read from the wire */
	uint8_t	 order;		/* 0 unknown, 1 big-endian counter, 2 little-endian */
	uint8_t	 len;
	uint8_t	 nsrc;
	uint8_t	 alerting;
};

struct corr_distinct {		/* distinct sources in a window, before an incident */
	uint64_t first;
	uint32_t packets;
	uint32_t n;
	uint32_t v[CORR_DISTINCT];
};

struct corr_tgt {
	struct corr_dslot	d[CORR_DSLOTS];
	struct corr_chain	ch[CORR_CHAINS];
	struct corr_distinct	smurf;		/* echo replies */
	struct corr_distinct	fraggle;	/* UDP from port 7/19 */
	uint8_t			decoy;		/* a DECOY incident is open */
};

struct corr_hslot {		/* one source retrying a (target, port) */
	struct corr_who who;
	uint64_t last;
	uint64_t gap_sum;	/* ms */
	uint32_t gap_min, gap_max;	/* ms */
	uint16_t n;		/* attempts */
	uint8_t	 used;
};

struct corr_grp {
	uint64_t first;
	uint32_t packets;
	uint8_t	 alerting;
	struct corr_hslot s[CORR_HSLOTS];
};

struct corr_inc {
	struct ring_alert a;	/* what is emitted; a.state 0 = not yet opened */
	uint64_t last_emit;	/* corr.now of the last OPEN or UPDATE */
	uint64_t base;		/* STATE_FULL: source states created before it opened */
	uint64_t small[4];	/* 256 hashed bits for a second distinct count */
	uint32_t bm;		/* pooled map, CORR_NONE without */
	uint8_t	 dim;		/* enum corr_dim of bm */
	uint8_t	 dirty;		/* grew since the last emission */
	uint8_t	 nsample;
	uint8_t	 proto_set;
	uint8_t	 kb_verdict;	/* verdict of the kb_id row */
};

/* One kb_port_lookup() answer (corr_kb_port): key 0 is no entry. */
struct corr_kb_memo {
	uint32_t key;		/* 1 << 31, dir, proto, port */
	uint16_t id;		/* the row's, if found */
	uint8_t	 verdict;
	uint8_t	 found;		/* a row was found */
};

struct corr {
	struct corr_cfg	 cfg;
	const struct kb	*kb;
	uint64_t	 seed;		/* keys the hash: forged sources can't aim at one bucket */
	uint64_t	 now;		/* latest record or tick time, ns */
	uint32_t	 next_id;
	struct corr_tab	 src, pair, sweep, tgt, grp, inc;
	uint64_t	*big;		/* nbig maps of CORR_BIG_BITS bits */
	uint32_t	*big_free;
	uint32_t	 nbig, nbig_free;
	uint64_t	 evictions;	/* source states reused while the table was full */
	uint32_t	 full_inc;	/* inc slot of the STATE_FULL incident while its kind says so */
	/* Incidents open per alert type: most lookups are for a type with none
	 * open (a new source's TTL, scan, sweep...) and end here, unhashed. */
	uint32_t	 inc_open[__RING_ALERT_MAX];
	/* The last incident found per type: each detector asks for its own
	 * type, so one hint for all would be lost between two records of a
	 * scan to the sweep's, the decoy's and the heartbeat's lookups. */
	uint32_t	 inc_hint[__RING_ALERT_MAX];
	uint64_t	 src_created;
	size_t		 mem;
	corr_emit_fn	 emit;		/* of the current corr_feed/tick/flush call */
	void		*arg;
	/* kb port rows already looked up (corr_kb_port), direct-mapped. */
	struct corr_kb_memo kb_memo[CORR_KB_MEMO];
};

/* What every detector needs to know about the record at hand. */
struct corr_pkt {
	const struct ring_rec *r;
	struct corr_src	*s;
	struct corr_tgt	*t;		/* NULL when no per-target detector applies */
	uint32_t	 saddr32;	/* corr_addr32 of the addresses */
	uint32_t	 daddr32;
	uint32_t	 style;		/* scan style bits */
	uint16_t	 kb_dst;	/* kb row of the destination port or ICMP type */
	uint8_t		 kb_dst_verdict;
	bool		 kb_done;	/* kb_dst is set (corr_pkt_kb) */
	uint8_t		 hops;
	bool		 ports;		/* TCP/UDP header present */
	bool		 tcp, udp;
	bool		 echo_req, echo_reply;
	bool		 bcast;		/* broadcast or multicast destination */
	bool		 reply;		/* looks like a late reply from a server port */
	bool		 trace_udp;	/* UDP to the traceroute ports */
	bool		 noise;
	bool		 fraggle;
};

/* ---- small helpers ---------------------------------------------------- */

/* The key of a state entry (kind an enum corr_kind) or of an incident (kind
 * its alert type): what it is about, a and b NULL where the grain has no
 * such address. The literal zeroes every other member, and corr_key has no
 * padding, so the whole key is defined. */
static inline void corr_key_set(struct corr_key *k, unsigned kind, unsigned family,
				const uint8_t *a, const uint8_t *b, uint16_t port, uint8_t proto,
				uint8_t sub)
{
	*k = (struct corr_key){ .port = port, .family = (uint8_t)family, .kind = (uint8_t)kind,
				.proto = proto, .sub = sub };
	if (a)
		memcpy(k->a, a, 16);
	if (b)
		memcpy(k->b, b, 16);
}

/* Whether slot identity w is p's source. */
static inline bool corr_who_is(const struct corr_who *w, const struct corr_pkt *p)
{
	return w->a32 == p->saddr32 && !memcmp(w->addr, p->r->saddr, 16);
}

static inline void corr_who_set(struct corr_who *w, const struct corr_pkt *p)
{
	w->a32 = p->saddr32;
	memcpy(w->addr, p->r->saddr, 16);
}

static inline uint64_t corr_since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;	/* records may be slightly out of order */
}

static inline uint64_t corr_max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static inline uint8_t corr_maxv(uint8_t a, uint8_t b)
{
	return a > b ? a : b;
}

static inline unsigned corr_absdiff(unsigned a, unsigned b)
{
	return a > b ? a - b : b - a;
}

/* Word i of a key: 0-3 the addresses, 4 the rest (port .. pad). */
CORR_HOT uint64_t corr_kword(const struct corr_key *k, unsigned i)
{
	uint64_t w;

	memcpy(&w, (const uint8_t *)k + 8 * i, 8);
	return w;
}

/* memcmp() of a key, without the call: the first word (most of an
 * address) decides almost every miss. */
CORR_HOT bool corr_key_eq(const struct corr_key *x, const struct corr_key *y)
{
	if (corr_kword(x, 0) != corr_kword(y, 0))
		return false;
	return !((corr_kword(x, 1) ^ corr_kword(y, 1)) | (corr_kword(x, 2) ^ corr_kword(y, 2)) |
		 (corr_kword(x, 3) ^ corr_kword(y, 3)) | (corr_kword(x, 4) ^ corr_kword(y, 4)));
}

CORR_HOT uint64_t corr_mum(uint64_t a, uint64_t b)
{
	__extension__ unsigned __int128 m = (unsigned __int128)a * b;

	return (uint64_t)m ^ (uint64_t)(m >> 64);
}

/*
 * Three 64x64->128 multiplies for the five words (wyhash's folding), each
 * word mixed with the seed first, so that forged keys can't aim at one
 * chain without it. Every table miss hashes a key.
 */
CORR_HOT uint32_t corr_hash(const struct corr *c, const struct corr_key *k)
{
	uint64_t h;

	h = corr_mum(corr_kword(k, 0) ^ c->seed, corr_kword(k, 1) ^ 0x9e3779b97f4a7c15ull) ^
	    corr_mum(corr_kword(k, 2) ^ 0xbf58476d1ce4e5b9ull, corr_kword(k, 3) ^ c->seed);
	return (uint32_t)corr_mum(h ^ corr_kword(k, 4), c->seed ^ 0x94d049bb133111ebull);
}

static inline bool corr_map_set(uint64_t *map, uint32_t bit)
{
	uint64_t m = 1ull << (bit & 63);

	if (map[bit >> 6] & m)
		return false;
	map[bit >> 6] |= m;
	return true;
}

static inline uint16_t corr_swap16(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

#endif
