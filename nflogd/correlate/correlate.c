/* correlate.c - multi-packet patterns across drop records, off the packet path.
 *
 * The signatures are those of /work/shared/kb-facts.md (e) and the IP ID and
 * TTL rules of its "Packet Zen" section (f); doc/correlation.md explains every
 * detection, its thresholds and its false-positive guards to the admin.
 * Addresses in records are in network byte order, every other field is in
 * host order (ringfmt.h); ports and IP IDs are compared as numbers.
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
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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

struct corr_dslot {		/* one source probing a target: decoy candidate */
	uint8_t	 addr[16];
	uint32_t a32;		/* corr_addr32(addr): compared first */
	uint32_t pbits;		/* bit port % 32 of each port: corr_decoy_may */
	uint64_t first, last;
	uint64_t t[CORR_DPORTS];	/* when each port was first probed */
	uint32_t packets;
	uint32_t tags;
	uint16_t port[CORR_DPORTS];
	uint8_t	 nports;
	uint8_t	 member;	/* counted in the target's open DECOY incident */
	uint8_t	 ttl;
	uint8_t	 crafted;	/* its hop estimate is implausible */
	uint8_t	 used;
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
	uint8_t	 addr[16];
	uint32_t a32;		/* corr_addr32(addr): compared first */
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

static uint64_t corr_since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;	/* records may be slightly out of order */
}

static uint64_t corr_max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint8_t corr_maxv(uint8_t a, uint8_t b)
{
	return a > b ? a : b;
}

static unsigned corr_absdiff(unsigned a, unsigned b)
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

static uint32_t corr_addr32_v6(const struct corr *c, const uint8_t *a)
{
	uint64_t w[2];

	memcpy(w, a, 16);
	return (uint32_t)mix64(mix64(c->seed ^ w[0]) ^ w[1]);
}

/* An address as 32 bits: the IPv4 address itself (so its low 16 bits index
 * a /16 exactly), or a keyed hash of an IPv6 one. */
static inline uint32_t corr_addr32(const struct corr *c, unsigned family, const uint8_t *a)
{
	uint32_t v;

	if (family != 4)
		return corr_addr32_v6(c, a);
	memcpy(&v, a, 4);
	return ntohl(v);
}

static bool corr_map_set(uint64_t *map, uint32_t bit)
{
	uint64_t m = 1ull << (bit & 63);

	if (map[bit >> 6] & m)
		return false;
	map[bit >> 6] |= m;
	return true;
}

static uint16_t corr_swap16(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

/* ---- tables ------------------------------------------------------------ */

static void *corr_tab_val(const struct corr_tab *t, uint32_t i)
{
	return (void *)((char *)t->val + (size_t)i * t->vsize);
}

/* corr_tab_init - allocate a table of cap entries; returns its bytes, 0 on ENOMEM. */
static size_t corr_tab_init(struct corr_tab *t, uint32_t cap, size_t vsize)
{
	uint32_t nb = 1, i;

	while (nb < cap)
		nb <<= 1;
	/* A slot per cache line: a touch reads its line and no neighbour's. */
	t->slot = aligned_alloc(64, (size_t)cap * sizeof(*t->slot));
	t->link = malloc((size_t)cap * sizeof(*t->link));
	t->val = calloc(cap, vsize);
	t->bucket = malloc((size_t)nb * sizeof(*t->bucket));
	if (!t->slot || !t->link || !t->val || !t->bucket)
		return 0;
	memset(t->slot, 0, (size_t)cap * sizeof(*t->slot));
	for (i = 0; i < nb; i++)
		t->bucket[i] = CORR_NONE;
	for (i = 0; i < cap; i++)
		t->link[i].chain = i + 1 < cap ? i + 1 : CORR_NONE;
	t->nfree = 0;
	t->head = t->tail = t->hint = CORR_NONE;
	t->cap = cap;
	t->mask = nb - 1;
	t->vsize = vsize;
	t->used = 0;
	return (size_t)cap * (sizeof(*t->slot) + sizeof(*t->link) + vsize) +
	       (size_t)nb * sizeof(*t->bucket);
}

static void corr_tab_fini(struct corr_tab *t)
{
	free(t->slot);
	free(t->link);
	free(t->val);
	free(t->bucket);
}

CORR_HOT void corr_lru_unlink(struct corr_tab *t, uint32_t i)
{
	struct corr_slot *s = &t->slot[i];

	if (s->newer != CORR_NONE)
		t->slot[s->newer].older = s->older;
	else
		t->head = s->older;
	if (s->older != CORR_NONE)
		t->slot[s->older].newer = s->newer;
	else
		t->tail = s->newer;
}

CORR_HOT void corr_lru_push(struct corr_tab *t, uint32_t i)
{
	t->slot[i].newer = CORR_NONE;
	t->slot[i].older = t->head;
	if (t->head != CORR_NONE)
		t->slot[t->head].newer = i;
	else
		t->tail = i;
	t->head = i;
}

static void corr_chain_unlink(struct corr_tab *t, uint32_t i)
{
	uint32_t *p = &t->bucket[t->link[i].hash & t->mask];

	while (*p != i)
		p = &t->link[*p].chain;
	*p = t->link[i].chain;
}

CORR_HOT uint32_t corr_tab_find(const struct corr_tab *t, const struct corr_key *k, uint32_t h)
{
	uint32_t i;

	for (i = t->bucket[h & t->mask]; i != CORR_NONE; i = t->link[i].chain)
		if (t->link[i].hash == h && corr_key_eq(&t->slot[i].key, k))
			return i;
	return CORR_NONE;
}

/* Make entry i the most recent. */
CORR_HOT void corr_tab_touch(struct corr_tab *t, uint32_t i, uint64_t now)
{
	if (t->head != i) {
		corr_lru_unlink(t, i);
		corr_lru_push(t, i);
	}
	t->slot[i].last = corr_max64(t->slot[i].last, now);
}

/* corr_tab_get() past the hint: hash, search the chain, else insert. */
static uint32_t corr_tab_get_slow(const struct corr *c, struct corr_tab *t,
				  const struct corr_key *k, uint64_t now, enum corr_got *got,
				  uint64_t *old_last)
{
	uint32_t h = corr_hash(c, k), i = corr_tab_find(t, k, h);

	if (i != CORR_NONE) {
		t->hint = i;
		corr_tab_touch(t, i, now);
		*got = CORR_FOUND;
		return i;
	}
	if (t->nfree != CORR_NONE) {
		i = t->nfree;
		t->nfree = t->link[i].chain;
		t->used++;
		*got = CORR_NEW;
	} else {
		i = t->tail;
		*old_last = t->slot[i].last;
		corr_chain_unlink(t, i);
		corr_lru_unlink(t, i);
		*got = CORR_REUSED;
	}
	t->slot[i].key = *k;
	t->link[i].hash = h;
	t->link[i].chain = t->bucket[h & t->mask];
	t->bucket[h & t->mask] = i;
	t->slot[i].last = now;
	corr_lru_push(t, i);
	t->hint = i;
	return i;
}

/*
 * corr_tab_get - the entry for k, made most recent. A new entry's value is
 * left as it was (the caller clears it); when the table was full the least
 * recent entry is reused: *got = CORR_REUSED, its old value still in place
 * and *old_last its last touch.
 *
 * Records come in bursts of one source, one target, one scan: the entry
 * the last lookup ended on (the hint) is often the one wanted, and one key
 * compare inline is cheaper than a call and a hash. A free slot never
 * matches (corr_tab_del clears its kind).
 */
CORR_HOT uint32_t corr_tab_get(const struct corr *c, struct corr_tab *t, const struct corr_key *k,
			       uint64_t now, enum corr_got *got, uint64_t *old_last)
{
	uint32_t i = t->hint;

	if (i != CORR_NONE && corr_key_eq(&t->slot[i].key, k)) {
		corr_tab_touch(t, i, now);
		*got = CORR_FOUND;
		return i;
	}
	return corr_tab_get_slow(c, t, k, now, got, old_last);
}

static void corr_tab_del(struct corr_tab *t, uint32_t i)
{
	corr_chain_unlink(t, i);
	corr_lru_unlink(t, i);
	t->slot[i].key.kind = 0;	/* no kind: no hint can match it */
	t->link[i].chain = t->nfree;
	t->nfree = i;
	t->used--;
}

/* Forget entries idle for longer than keep_ns: the oldest are at the tail. */
static void corr_tab_expire(struct corr_tab *t, uint64_t now, uint64_t keep_ns)
{
	while (t->tail != CORR_NONE && corr_since(now, t->slot[t->tail].last) > keep_ns)
		corr_tab_del(t, t->tail);
}

/* Look a key up, creating (and clearing) its value when missing. */
CORR_HOT void *corr_state(struct corr *c, struct corr_tab *t, const struct corr_key *k,
			  enum corr_got *got)
{
	uint64_t old_last = 0;
	uint32_t i = corr_tab_get(c, t, k, c->now, got, &old_last);
	void *v = corr_tab_val(t, i);

	if (*got != CORR_FOUND)
		memset(v, 0, t->vsize);
	return v;
}

/* ---- pooled maps --------------------------------------------------------- */

static uint32_t corr_big_get(struct corr *c)
{
	uint32_t i;

	if (!c->nbig_free)
		return CORR_NONE;
	i = c->big_free[--c->nbig_free];
	memset(c->big + (size_t)i * (CORR_BIG_BITS / 64), 0, CORR_BIG_BITS / 8);
	return i;
}

static void corr_big_put(struct corr *c, uint32_t i)
{
	if (i != CORR_NONE)
		c->big_free[c->nbig_free++] = i;
}

static bool corr_big_set(struct corr *c, uint32_t i, uint32_t bit)
{
	return corr_map_set(c->big + (size_t)i * (CORR_BIG_BITS / 64), bit % CORR_BIG_BITS);
}

/* ---- incidents --------------------------------------------------------- */

static void corr_emit(struct corr *c, struct corr_inc *inc, uint8_t state)
{
	inc->a.kind = RING_KIND_ALERT;
	inc->a.state = state;
	inc->a.ts_ns = inc->a.last_seen;
	inc->last_emit = c->now;
	inc->dirty = 0;
	if (c->emit)
		c->emit(&inc->a, c->arg);
}

static void corr_inc_close(struct corr *c, uint32_t i)
{
	struct corr_inc *inc = corr_tab_val(&c->inc, i);

	if (inc->a.state)	/* never emitted: nothing to close */
		corr_emit(c, inc, RING_ALERT_CLOSED);
	corr_big_put(c, inc->bm);
	inc->bm = CORR_NONE;
	c->inc_open[c->inc.slot[i].key.kind]--;
	corr_tab_del(&c->inc, i);
}

static void corr_inc_key(struct corr_key *k, unsigned type, unsigned family, const uint8_t *a,
			 const uint8_t *b, uint16_t port, uint8_t proto, uint8_t sub)
{
	memset(k, 0, sizeof(*k));
	k->kind = (uint8_t)type;
	k->family = (uint8_t)family;
	if (a)
		memcpy(k->a, a, 16);
	if (b)
		memcpy(k->b, b, 16);
	k->port = port;
	k->proto = proto;
	k->sub = sub;
}

/* The open incident of key k, touched (it is active), or NULL. */
static struct corr_inc *corr_inc_at(struct corr *c, const struct corr_key *k)
{
	uint32_t *hint = &c->inc_hint[k->kind], i = *hint;

	if (!c->inc_open[k->kind])
		return NULL;
	if (i == CORR_NONE || !corr_key_eq(&c->inc.slot[i].key, k)) {
		i = corr_tab_find(&c->inc, k, corr_hash(c, k));
		if (i == CORR_NONE)
			return NULL;
		*hint = i;
	}
	corr_tab_touch(&c->inc, i, c->now);
	return corr_tab_val(&c->inc, i);
}

/*
 * corr_inc_new - a new incident for k (which has none); not emitted until the
 * caller fills it and calls corr_inc_grew(). When the table is full the
 * least recently active incident is closed first: it may come back later
 * under a new id, which beats losing the new one.
 */
static struct corr_inc *corr_inc_new(struct corr *c, const struct corr_key *k, unsigned type,
				     unsigned family, uint64_t first, enum corr_dim dim)
{
	uint64_t old_last = 0;
	enum corr_got got;
	/* What a full table gives up, if it comes to that (k has none). */
	uint8_t old_kind = c->inc.tail != CORR_NONE ? c->inc.slot[c->inc.tail].key.kind : 0;
	uint32_t i = corr_tab_get(c, &c->inc, k, c->now, &got, &old_last);
	struct corr_inc *inc = corr_tab_val(&c->inc, i);

	if (got == CORR_REUSED) {
		if (inc->a.state)
			corr_emit(c, inc, RING_ALERT_CLOSED);
		corr_big_put(c, inc->bm);
		c->inc_open[old_kind]--;
	}
	if (got != CORR_FOUND)
		c->inc_open[k->kind]++;
	memset(inc, 0, sizeof(*inc));
	inc->bm = dim ? corr_big_get(c) : CORR_NONE;
	inc->dim = inc->bm == CORR_NONE ? 0 : (uint8_t)dim;
	inc->a.alert_id = c->next_id++;
	inc->a.type = (uint8_t)type;
	inc->a.family = (uint8_t)family;
	inc->a.first_seen = first;
	inc->a.last_seen = first;
	inc->a.ttl_min = 255;
	return inc;
}

/* Emit OPEN the first time, then at most one UPDATE per cfg.update_ns;
 * corr_tick() sends the growth that is still pending. */
CORR_HOT void corr_inc_grew(struct corr *c, struct corr_inc *inc)
{
	if (!inc->a.state) {
		corr_emit(c, inc, RING_ALERT_OPEN);
		return;
	}
	inc->dirty = 1;
	if (corr_since(c->now, inc->last_emit) >= c->cfg.update_ns)
		corr_emit(c, inc, RING_ALERT_UPDATE);
}

static void corr_inc_ttl(struct corr_inc *inc, uint8_t lo, uint8_t hi)
{
	if (lo < inc->a.ttl_min)
		inc->a.ttl_min = lo;
	if (hi > inc->a.ttl_max)
		inc->a.ttl_max = hi;
}

static void corr_inc_proto(struct corr_inc *inc, uint8_t proto)
{
	if (!inc->proto_set) {
		inc->a.proto = proto;
		inc->proto_set = 1;
	} else if (inc->a.proto != proto) {
		inc->a.proto = 0;	/* mixed */
	}
}

/* Account one record: packets, times, TTL range, transport. */
static void corr_inc_rec(struct corr_inc *inc, const struct ring_rec *r)
{
	if (inc->a.packets != UINT32_MAX)
		inc->a.packets++;
	if (r->ts_ns > inc->a.last_seen)
		inc->a.last_seen = r->ts_ns;
	if (r->ts_ns < inc->a.first_seen)
		inc->a.first_seen = r->ts_ns;
	corr_inc_ttl(inc, r->ttl, r->ttl);
	corr_inc_proto(inc, r->proto);
}

/* The kb row that explains an incident: the most alarming one seen. */
static void corr_inc_kb(struct corr_inc *inc, uint16_t kb_id, uint8_t verdict)
{
	if (kb_id && (!inc->a.kb_id || verdict > inc->kb_verdict)) {
		inc->a.kb_id = kb_id;
		inc->kb_verdict = verdict;
	}
}

/*
 * Count a destination port. Exact with a pooled port map; without one, a
 * port already in the sample is known, and a port past a full sample is
 * counted only when the caller knows it is new (assume_new).
 */
static bool corr_inc_port(struct corr *c, struct corr_inc *inc, uint16_t port, bool assume_new)
{
	bool fresh, in_sample = false;
	unsigned i;

	for (i = 0; i < inc->nsample; i++)
		if (inc->a.port_sample[i] == port)
			in_sample = true;
	if (inc->dim == CORR_DIM_PORTS)
		fresh = corr_big_set(c, inc->bm, port);
	else
		fresh = !in_sample && (inc->nsample < RING_ALERT_PORTS || assume_new);
	if (!inc->a.ports || port < inc->a.port_lo)
		inc->a.port_lo = port;
	if (!inc->a.ports || port > inc->a.port_hi)
		inc->a.port_hi = port;
	if (!fresh)
		return false;
	inc->a.ports++;
	if (!in_sample && inc->nsample < RING_ALERT_PORTS)
		inc->a.port_sample[inc->nsample++] = port;
	return true;
}

/* Count a host (dim HOSTS) or source (dim SOURCES) given as corr_addr32:
 * the pooled map when the incident has one of that kind, else 256 hashed
 * bits (a lower bound past a few dozen). */
static bool corr_inc_distinct(struct corr *c, struct corr_inc *inc, enum corr_dim dim, uint32_t v)
{
	if (inc->dim == dim)
		return corr_big_set(c, inc->bm, v & 0xffff);
	return corr_map_set(inc->small, (uint32_t)mix64(v) & 255);
}

/* ---- per-record facts -------------------------------------------------- */

/* The kb row behind a record and its verdict: the classifier's, or our own
 * lookup when the record carries none (kb given to corr_new). */
static uint16_t corr_kb_row(const struct corr *c, const struct ring_rec *r, enum kb_dir dir,
			    uint8_t *verdict)
{
	const struct kb_port *row = NULL;
	const struct kb_icmp *irow;
	uint16_t id;

	*verdict = r->klass.verdict;
	if (r->proto == 1 || r->proto == 58) {
		if (r->klass.kb_icmp)
			return r->klass.kb_icmp;
		irow = c->kb ? kb_icmp_lookup(c->kb, r->family, r->icmp_type, r->icmp_code) : NULL;
		if (irow)
			*verdict = corr_maxv(*verdict, irow->verdict);
		return irow ? irow->id : 0;
	}
	id = dir == KB_DIR_DST ? r->klass.kb_dport : r->klass.kb_sport;
	if (id)
		return id;
	if (c->kb && (r->proto == 6 || r->proto == 17))
		row = kb_port_lookup(c->kb, dir, r->proto, dir == KB_DIR_DST ? r->dport : r->sport);
	if (row)
		*verdict = corr_maxv(*verdict, row->verdict);
	return row ? row->id : r->klass.kb_id;
}

/* Hops from the nearest usual start TTL (32, 60, 64, 128, 255) at or above. */
static uint8_t corr_hops(const struct ring_rec *r)
{
	unsigned ttl = r->ttl, start;

	if (r->klass.ttl_initial)
		return r->klass.ttl_hops;
	if (ttl > 64)
		start = ttl > 128 ? 255 : 128;
	else
		start = ttl > 60 ? 64 : ttl > 32 ? 60 : 32;
	return (uint8_t)(start - ttl);
}

static bool corr_is_bcast(const struct ring_rec *r)
{
	uint32_t a;

	if (r->klass.tags & RING_TAG_BCAST_DST)
		return true;
	if (r->family != 4)
		return r->daddr[0] == 0xff;	/* IPv6 multicast */
	memcpy(&a, r->daddr, 4);
	return (r->daddr[0] & 0xf0) == 0xe0 || a == UINT32_MAX;
}

static bool corr_is_noise_port(uint16_t port)
{
	return port == 137 || port == 138 || port == 67 || port == 68 || port == 1900 ||
	       port == 5353;
}

CORR_HOT void corr_pkt_init(const struct corr *c, struct corr_pkt *p, const struct ring_rec *r)
{
	bool icmp = (r->proto == 1 && r->family == 4) || (r->proto == 58 && r->family == 6);
	uint8_t f = r->tcp_flags;

	memset(p, 0, sizeof(*p));
	p->r = r;
	p->tcp = r->proto == 6;
	p->udp = r->proto == 17;
	p->ports = (p->tcp || p->udp) && !(r->ip_flags & RING_IPF_FRAGMENT);
	p->saddr32 = corr_addr32(c, r->family, r->saddr);
	p->daddr32 = corr_addr32(c, r->family, r->daddr);
	p->hops = corr_hops(r);
	p->bcast = corr_is_bcast(r);
	p->echo_req = icmp && r->icmp_type == (r->family == 4 ? 8 : 128);
	p->echo_reply = icmp && r->icmp_type == (r->family == 4 ? 0 : 129);
	if (!p->ports)
		return;
	if (p->udp)
		p->style = RING_ALERT_SCAN_UDP;
	else if ((f & (RING_TCP_SYN | RING_TCP_ACK | RING_TCP_RST | RING_TCP_FIN)) == RING_TCP_SYN)
		p->style = RING_ALERT_SCAN_SYN;
	p->style |= r->klass.tags & CORR_STYLE_TAGS;
	/* From a service port to an ephemeral one, acknowledging or resetting:
	 * the late answer to a connection of ours whose state is gone. A busy
	 * server sends those to many of our ports; they are not probes. */
	p->reply = r->sport < 1024 && r->dport >= 1024 &&
		   (p->udp || (f & (RING_TCP_ACK | RING_TCP_RST)));
	p->trace_udp = p->udp && r->dport >= CORR_TRACE_LO && r->dport <= CORR_TRACE_HI;
	p->fraggle = (r->klass.tags & RING_TAG_FRAGGLE) ||
		     (p->udp && p->bcast && (r->dport == 7 || r->dport == 19));
	p->noise = !p->fraggle && (p->bcast || (p->udp && corr_is_noise_port(r->dport)));
}

/* The kb row is looked up only for records a detector explains: a port
 * the classifier did not know costs a range search, and most records of a
 * flood are one-packet sources that no detector gets to explain. */
static void corr_pkt_kb(const struct corr *c, struct corr_pkt *p)
{
	if (p->kb_done)
		return;
	p->kb_dst = corr_kb_row(c, p->r, KB_DIR_DST, &p->kb_dst_verdict);
	p->kb_done = true;
}

/* ---- per source ---------------------------------------------------------- */

static void corr_state_full(struct corr *c);

static struct corr_src *corr_src_get(struct corr *c, const struct ring_rec *r)
{
	uint64_t old_last = 0;
	struct corr_key k;
	struct corr_src *s;
	enum corr_got got;
	uint32_t i;

	memset(&k, 0, sizeof(k));
	memcpy(k.a, r->saddr, 16);
	k.family = r->family;
	k.kind = CORR_K_SRC;
	i = corr_tab_get(c, &c->src, &k, c->now, &got, &old_last);
	s = corr_tab_val(&c->src, i);
	if (got == CORR_FOUND)
		return s;
	c->src_created++;
	if (got == CORR_REUSED) {
		c->evictions++;
		/* Reusing a state that was still inside its window loses data:
		 * that is the flood the STATE_FULL incident reports. */
		if (corr_since(c->now, old_last) < c->cfg.window_ns)
			corr_state_full(c);
	}
	memset(s, 0, offsetof(struct corr_src, p1_proto));
	s->first = r->ts_ns;
	s->ttl_min = 255;
	return s;
}

/* The rare part of s, cleared on first use (struct corr_src). */
static void corr_src_rare(struct corr_src *s)
{
	if (s->rare_set)
		return;
	memset(&s->noise_first, 0, sizeof(*s) - offsetof(struct corr_src, noise_first));
	s->rare_set = 1;
}

static void corr_src_account(struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_src *s = p->s;
	uint16_t id = (uint16_t)r->ip_id;

	if (s->packets != UINT32_MAX)
		s->packets++;
	s->last = corr_max64(s->last, r->ts_ns);
	if (r->ttl < s->ttl_min)
		s->ttl_min = r->ttl;
	if (r->ttl > s->ttl_max)
		s->ttl_max = r->ttl;
	/* IP ID 0 is what Linux sends with DF set: not a constant of a tool. */
	if (r->family != 4 || !id)
		return;
	if (s->have_ipid && id == s->ipid_last) {
		if (++s->ipid_same >= CORR_IPID_CONST)
			s->ipid_const = 1;
	} else {
		s->have_ipid = 1;
		s->ipid_last = id;
		s->ipid_same = 1;
	}
}

/* STATE_FULL: one incident for a burst of evictions; packets = states
 * evicted, sources = source states created meanwhile. */
static void corr_state_full(struct corr *c)
{
	uint32_t i = c->full_inc;
	struct corr_inc *inc;
	struct corr_key k;

	/* A flood evicts per record: no key to build and look up while the
	 * slot that was made for it still holds it (only it has that kind). */
	if (i != CORR_NONE && c->inc.slot[i].key.kind == RING_ALERT_STATE_FULL) {
		corr_tab_touch(&c->inc, i, c->now);
		inc = corr_tab_val(&c->inc, i);
	} else {
		corr_inc_key(&k, RING_ALERT_STATE_FULL, 0, NULL, NULL, 0, 0, 0);
		inc = corr_inc_new(c, &k, RING_ALERT_STATE_FULL, 0, c->now, 0);
		c->full_inc = c->inc.hint;	/* corr_tab_get() left it there */
		inc->base = c->src_created - 1;
		inc->a.verdict = KB_VERDICT_SUSPICIOUS;
	}
	if (inc->a.packets != UINT32_MAX)
		inc->a.packets++;
	inc->a.sources = (uint32_t)(c->src_created - inc->base > UINT32_MAX ?
				    UINT32_MAX : c->src_created - inc->base);
	inc->a.last_seen = corr_max64(inc->a.last_seen, c->now);
	corr_inc_grew(c, inc);
}

/*
 * TTL jump: a source whose hop estimate is settled (CORR_TTL_BASE packets
 * agree) sends a packet whose estimate is cfg.ttl_jump hops away: a second
 * real sender behind the address (spoofing). Guards: the raw TTL must move
 * as much (a start-TTL guess flipping at 32/60/64 moves the estimate, not
 * the TTL); no baseline, no jump, so forged floods with random TTLs (a
 * packet or two per address) stay quiet; a new value that persists for
 * CORR_TTL_BASE packets becomes the baseline (a route change alerts once);
 * after a quiet window the baseline is taken afresh; traceroute probes,
 * pings and sources that traced are left out (corr_feed).
 */
/* A source that varies its TTL probe by probe: say so on its scan alerts. */
static void corr_ttl_random(struct corr *c, const struct ring_rec *r)
{
	static const unsigned types[] = { RING_ALERT_PORTSCAN, RING_ALERT_SWEEP };
	struct corr_inc *inc;
	struct corr_key k;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		corr_inc_key(&k, types[i], r->family, r->saddr, NULL, 0, 0, 0);
		inc = corr_inc_at(c, &k);
		if (inc)
			inc->a.evidence |= RING_EV_TTL_RANDOM;
	}
	corr_inc_key(&k, RING_ALERT_DECOY, r->family, r->daddr, NULL, 0, 0, 0);
	inc = corr_inc_at(c, &k);
	if (inc)
		inc->a.evidence |= RING_EV_TTL_RANDOM;
}

static void corr_ttl(struct corr *c, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_src *s = p->s;
	struct corr_inc *inc = NULL;
	struct corr_key k;
	bool jump = false;
	unsigned dist;

	if (!s->have_hops || corr_since(r->ts_ns, s->hops_ts) > c->cfg.window_ns) {
		s->have_hops = 1;
		s->base_hops = p->hops;
		s->base_ttl = r->ttl;
		s->base_n = 1;
		s->off_n = 0;
		s->hops_ts = r->ts_ns;
		s->hop_bits = 1u << (p->hops & 31);
		s->settled_pop = 0;
		return;
	}
	s->hops_ts = r->ts_ns;
	s->hop_bits |= 1u << (p->hops & 31);
	dist = corr_absdiff(p->hops, s->base_hops) < corr_absdiff(r->ttl, s->base_ttl) ?
	       corr_absdiff(p->hops, s->base_hops) : corr_absdiff(r->ttl, s->base_ttl);
	if (dist > 1 && dist < c->cfg.ttl_jump) {
		/* Neither the same sender (a hop of wobble) nor a jump: an
		 * unsettled baseline starts again from here. */
		if (s->base_n < CORR_TTL_BASE) {
			s->base_hops = p->hops;
			s->base_ttl = r->ttl;
			s->base_n = 1;
		}
		s->off_n = 0;
	} else if (dist <= 1) {
		if (s->base_n < UINT8_MAX)
			s->base_n++;
		if (s->base_n == CORR_TTL_BASE)
			s->settled_pop = (uint8_t)__builtin_popcount(s->hop_bits);
		s->off_n = 0;
	} else {
		/* A baseline that only settled after the source had already
		 * shown many hop counts is luck, not a sender: scanners such as
		 * nmap pick a new TTL per probe. Their TTLs say "crafted" (on
		 * the scan's alert), not "a second sender behind the address". */
		jump = s->base_n >= CORR_TTL_BASE && s->settled_pop < CORR_TTL_RANDOM;
		if (++s->off_n >= CORR_TTL_BASE) {	/* it stays: the new normal */
			s->base_hops = p->hops;
			s->base_ttl = r->ttl;
			s->base_n = s->off_n;
			s->off_n = 0;
			s->settled_pop = (uint8_t)__builtin_popcount(s->hop_bits);
		}
	}
	if (!s->ttl_alert && __builtin_popcount(s->hop_bits) >= CORR_TTL_RANDOM)
		corr_ttl_random(c, r);
	if (!jump && !s->ttl_alert)
		return;
	corr_inc_key(&k, RING_ALERT_TTL, r->family, r->saddr, NULL, 0, 0, 0);
	inc = corr_inc_at(c, &k);
	if (!inc) {
		s->ttl_alert = 0;
		if (!jump)
			return;
		inc = corr_inc_new(c, &k, RING_ALERT_TTL, r->family, r->ts_ns, 0);
		memcpy(inc->a.saddr, r->saddr, 16);
		memcpy(inc->a.daddr, r->daddr, 16);
		inc->a.sources = 1;
		inc->a.targets = 1;
		inc->a.verdict = KB_VERDICT_SUSPICIOUS;
		corr_inc_ttl(inc, s->ttl_min, s->ttl_max);
		s->ttl_alert = 1;
	}
	corr_inc_rec(inc, r);
	if (__builtin_popcount(s->hop_bits) >= CORR_TTL_RANDOM)
		inc->a.evidence |= RING_EV_TTL_RANDOM;
	corr_inc_grew(c, inc);
}

/*
 * Traceroute: from one source to one target, UDP probes to 33434-33600 or
 * ICMP echo requests whose TTL rises by one per round (several probes per
 * round). Only probes that got this far are logged, so the TTL seen here is
 * what was left of it: a series starts low (<= CORR_TRACE_START_MAX) and
 * climbs. Guards: a ping whose TTL wobbles by one starts high; a TTL that
 * falls or leaps ends the series.
 */
static void corr_trace(struct corr *c, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_src *s = p->s;
	struct corr_inc *inc;
	struct corr_key k;
	uint8_t verdict;
	uint16_t kb_id;
	unsigned port;

	if (!p->trace_udp && !p->echo_req)
		return;
	corr_src_rare(s);
	if (s->tr_proto != r->proto || memcmp(s->tr_dst, r->daddr, 16) ||
	    corr_since(r->ts_ns, s->tr_last) > c->cfg.window_ns || r->ttl < s->tr_ttl ||
	    r->ttl > s->tr_ttl + CORR_TRACE_STEP_MAX) {
		s->tr_proto = 0;
		if (r->ttl > CORR_TRACE_START_MAX)
			return;
		s->tr_proto = r->proto;
		memcpy(s->tr_dst, r->daddr, 16);
		s->tr_ttl = s->tr_ttl0 = r->ttl;
		s->tr_first = s->tr_last = r->ts_ns;
		s->tr_probes = 1;
		s->tr_rises = 0;
		s->tr_consec = 1;
		s->tr_port = s->tr_port0 = r->dport;
		return;
	}
	if (r->ttl > s->tr_ttl && s->tr_rises < UINT8_MAX)
		s->tr_rises++;
	if (p->trace_udp && r->dport != (uint16_t)(s->tr_port + 1))
		s->tr_consec = 0;
	s->tr_port = r->dport;
	s->tr_ttl = r->ttl;
	s->tr_last = r->ts_ns;
	if (s->tr_probes < UINT16_MAX)
		s->tr_probes++;
	if (s->tr_probes < c->cfg.trace_probes || !s->tr_rises)
		return;
	corr_inc_key(&k, RING_ALERT_TRACEROUTE, r->family, r->saddr, r->daddr, 0, 0, 0);
	inc = corr_inc_at(c, &k);
	if (!inc) {
		inc = corr_inc_new(c, &k, RING_ALERT_TRACEROUTE, r->family, s->tr_first, 0);
		memcpy(inc->a.saddr, r->saddr, 16);
		memcpy(inc->a.daddr, r->daddr, 16);
		inc->a.sources = 1;
		inc->a.targets = 1;
		inc->a.packets = s->tr_probes - 1u;	/* this one is added below */
		corr_inc_ttl(inc, s->tr_ttl0, s->tr_ttl0);
		if (p->trace_udp && s->tr_consec)
			for (port = s->tr_port0; port < r->dport; port++)
				corr_inc_port(c, inc, (uint16_t)port, true);
		s->traced = 1;
	}
	corr_inc_rec(inc, r);
	if (p->trace_udp)	/* while ports count up, each one is new */
		corr_inc_port(c, inc, r->dport, s->tr_consec);
	inc->a.evidence |= RING_EV_TTL_RISING;
	if (p->trace_udp && s->tr_consec)
		inc->a.evidence |= RING_EV_PORTS_CONSEC;
	else
		inc->a.evidence &= (uint16_t)~RING_EV_PORTS_CONSEC;
	kb_id = p->kb_dst;
	verdict = p->kb_dst_verdict;
	corr_inc_kb(inc, kb_id, verdict);
	/* Path tracing is diagnostics: the kb row's verdict, noise if none. */
	inc->a.verdict = inc->kb_verdict ? inc->kb_verdict : KB_VERDICT_NOISE;
	corr_inc_grew(c, inc);
}

/*
 * Count-per-source incidents of one packet kind: NOISE (broadcast and
 * NetBIOS/DHCP/SSDP/mDNS chatter) and the FRAGGLE probe (UDP echo/chargen
 * at a broadcast address; its source is the forged victim). One incident
 * per source, opened at threshold packets inside the window and then
 * updated, so chatter is one line per source however long it goes on.
 */
static void corr_per_source(struct corr *c, const struct corr_pkt *p, unsigned type)
{
	const struct ring_rec *r = p->r;
	struct corr_src *s = p->s;
	bool noise = type == RING_ALERT_NOISE;
	uint8_t *alert = noise ? &s->noise_alert : &s->frag_alert;
	uint64_t *first = noise ? &s->noise_first : &s->frag_first;
	uint32_t *n = noise ? &s->noise_n : &s->frag_n;
	uint32_t threshold = noise ? c->cfg.noise_packets : c->cfg.fraggle_packets;
	struct corr_inc *inc = NULL;
	struct corr_key k;
	uint8_t verdict;
	uint16_t kb_id;

	corr_src_rare(s);
	corr_inc_key(&k, type, r->family, r->saddr, NULL, 0, 0, 1);
	if (*alert && !(inc = corr_inc_at(c, &k))) {
		*alert = 0;
		*n = 0;
	}
	if (!inc) {
		if (!*n || corr_since(r->ts_ns, *first) > c->cfg.window_ns) {
			*n = 0;
			*first = r->ts_ns;
		}
		if (++*n < threshold)
			return;
		inc = corr_inc_new(c, &k, type, r->family, *first, 0);
		memcpy(inc->a.saddr, r->saddr, 16);
		memcpy(inc->a.daddr, r->daddr, 16);
		inc->a.sources = 1;
		inc->a.packets = *n - 1;	/* this one is added below */
		inc->a.verdict = noise ? KB_VERDICT_NOISE : KB_VERDICT_HOSTILE;
		*alert = 1;
	}
	corr_inc_rec(inc, r);
	corr_inc_port(c, inc, r->dport, false);
	if (corr_inc_distinct(c, inc, CORR_DIM_HOSTS, p->daddr32))
		inc->a.targets++;
	if (p->bcast)
		inc->a.evidence |= RING_EV_BROADCAST;
	kb_id = p->kb_dst;
	verdict = p->kb_dst_verdict;
	corr_inc_kb(inc, kb_id, verdict);
	corr_inc_grew(c, inc);
}

/* ---- port scan and sweep ---------------------------------------------- */

/* Is v new? Exact while the list has room (so a threshold up to its size
 * is counted exactly and the incident can be seeded from it), then by the
 * direct-mapped bits (a lower bound). */
static bool corr_list_add(uint16_t *list, uint8_t *n, unsigned max, uint64_t *map,
			  unsigned bits, uint16_t v)
{
	unsigned i;

	if (*n < max) {
		for (i = 0; i < *n; i++)
			if (list[i] == v)
				return false;
		list[(*n)++] = v;
		corr_map_set(map, v % bits);
		return true;
	}
	return corr_map_set(map, v % bits);
}

/*
 * Port scan: one source, cfg.scan_ports distinct destination ports of ONE
 * host inside the window. Counting per (source, host) is the guard for NATs
 * and busy clients: they reach many hosts on a few service ports, and their
 * own many source ports don't count. Late replies (corr_pkt.reply) and
 * broadcasts never get here. The incident is per source: further hosts that
 * cross the threshold add to its targets.
 */
static void corr_scan(struct corr *c, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_inc *inc = NULL;
	struct corr_key k, ik;
	struct corr_pair *pr;
	enum corr_got got;
	uint8_t verdict;
	uint16_t kb_id;
	unsigned i;

	memset(&k, 0, sizeof(k));
	memcpy(k.a, r->saddr, 16);
	memcpy(k.b, r->daddr, 16);
	k.family = r->family;
	k.kind = CORR_K_PAIR;
	pr = corr_state(c, &c->pair, &k, &got);
	corr_inc_key(&ik, RING_ALERT_PORTSCAN, r->family, r->saddr, NULL, 0, 0, 0);
	if (got == CORR_FOUND && pr->alerting) {
		inc = corr_inc_at(c, &ik);
		if (!inc)	/* the incident closed: count afresh */
			memset(pr, 0, sizeof(*pr));
	} else if (got == CORR_FOUND && corr_since(r->ts_ns, pr->first) > c->cfg.window_ns) {
		memset(pr, 0, sizeof(*pr));
	}
	if (!pr->packets) {
		pr->first = r->ts_ns;
		pr->ttl_min = 255;
		pr->consec = 1;
		pr->lo = pr->hi = r->dport;
	}
	pr->packets++;
	if (corr_list_add(pr->sample, &pr->nsample, CORR_SAMPLE, pr->map, CORR_PAIR_BITS,
			  r->dport)) {
		if (pr->nports && r->dport != (uint16_t)(pr->last_new + 1))
			pr->consec = 0;
		pr->nports++;
		pr->last_new = r->dport;
	}
	if (r->dport < pr->lo)
		pr->lo = r->dport;
	if (r->dport > pr->hi)
		pr->hi = r->dport;
	pr->tags |= p->style;
	pr->protos |= p->udp ? 2 : 1;
	if (r->ttl < pr->ttl_min)
		pr->ttl_min = r->ttl;
	if (r->ttl > pr->ttl_max)
		pr->ttl_max = r->ttl;
	kb_id = p->kb_dst;
	verdict = p->kb_dst_verdict;
	if (kb_id && (!pr->kb_id || verdict > pr->verdict)) {
		pr->kb_id = kb_id;
		pr->verdict = verdict;
	}

	if (inc) {
		corr_inc_rec(inc, r);
		corr_inc_port(c, inc, r->dport, false);
		corr_inc_kb(inc, kb_id, verdict);
		inc->a.scan_tags |= p->style;
	} else {
		if (pr->nports < c->cfg.scan_ports)
			return;
		inc = corr_inc_at(c, &ik);
		if (!inc) {
			inc = corr_inc_new(c, &ik, RING_ALERT_PORTSCAN, r->family, pr->first,
					   CORR_DIM_PORTS);
			memcpy(inc->a.saddr, r->saddr, 16);
			memcpy(inc->a.daddr, r->daddr, 16);
			inc->a.sources = 1;
		}
		/* This host crossed the threshold: fold its counts in. */
		pr->alerting = 1;
		inc->a.targets++;
		inc->a.packets += pr->packets;
		inc->a.first_seen = pr->first < inc->a.first_seen ? pr->first : inc->a.first_seen;
		inc->a.last_seen = corr_max64(inc->a.last_seen, r->ts_ns);
		for (i = 0; i < pr->nsample; i++)
			corr_inc_port(c, inc, pr->sample[i], true);
		corr_inc_port(c, inc, pr->lo, false);	/* the range, if past the sample */
		corr_inc_port(c, inc, pr->hi, false);
		corr_inc_ttl(inc, pr->ttl_min, pr->ttl_max);
		if (pr->protos & 1)
			corr_inc_proto(inc, 6);
		if (pr->protos & 2)
			corr_inc_proto(inc, 17);
		corr_inc_kb(inc, pr->kb_id, pr->verdict);
		inc->a.scan_tags |= pr->tags;
		if (pr->consec)
			inc->a.evidence |= RING_EV_PORTS_CONSEC;
	}
	if (inc->dim != CORR_DIM_PORTS && pr->nports > inc->a.ports)
		inc->a.ports = pr->nports;	/* no exact map: the pair's count */
	if (p->s->ipid_const)
		inc->a.evidence |= RING_EV_IPID_CONST;
	inc->a.verdict = corr_maxv(KB_VERDICT_SUSPICIOUS, inc->kb_verdict);
	corr_inc_grew(c, inc);
}

static uint16_t corr_host16(const struct corr_pkt *p)
{
	return (uint16_t)p->daddr32;	/* an IPv4 /16 exactly, IPv6 hashed */
}

/*
 * Sweep: one source, one destination port, cfg.sweep_hosts distinct hosts
 * inside the window. Hosts are counted by the low bits of their address, so
 * a sweep of one network is counted exactly. Guards as for port scans
 * (late replies and broadcasts are not probes). One incident per source:
 * each further port swept adds to its ports.
 */
static void corr_sweep(struct corr *c, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	uint16_t h16 = corr_host16(p);
	struct corr_inc *inc = NULL;
	struct corr_sweep *sw;
	struct corr_key k, ik;
	enum corr_got got;
	uint8_t verdict;
	uint16_t kb_id;
	unsigned i;

	memset(&k, 0, sizeof(k));
	memcpy(k.a, r->saddr, 16);
	k.port = r->dport;
	k.proto = r->proto;
	k.family = r->family;
	k.kind = CORR_K_SWEEP;
	sw = corr_state(c, &c->sweep, &k, &got);
	corr_inc_key(&ik, RING_ALERT_SWEEP, r->family, r->saddr, NULL, 0, 0, 0);
	if (got == CORR_FOUND && sw->alerting) {
		inc = corr_inc_at(c, &ik);
		if (!inc)
			memset(sw, 0, sizeof(*sw));
	} else if (got == CORR_FOUND && corr_since(r->ts_ns, sw->first) > c->cfg.window_ns) {
		memset(sw, 0, sizeof(*sw));
	}
	if (!sw->packets) {
		sw->first = r->ts_ns;
		sw->ttl_min = 255;
		memcpy(sw->first_dst, r->daddr, 16);
	}
	sw->packets++;
	if (corr_list_add(sw->hsample, &sw->nhsample, CORR_HSAMPLE, sw->map, CORR_SWEEP_BITS, h16))
		sw->nhosts++;
	sw->tags |= p->style;
	if (r->ttl < sw->ttl_min)
		sw->ttl_min = r->ttl;
	if (r->ttl > sw->ttl_max)
		sw->ttl_max = r->ttl;
	kb_id = p->kb_dst;
	verdict = p->kb_dst_verdict;
	if (kb_id && (!sw->kb_id || verdict > sw->verdict)) {
		sw->kb_id = kb_id;
		sw->verdict = verdict;
	}

	if (inc) {
		corr_inc_rec(inc, r);
		if (corr_inc_distinct(c, inc, CORR_DIM_HOSTS, h16))
			inc->a.targets++;
		inc->a.scan_tags |= p->style;
	} else {
		if (sw->nhosts < c->cfg.sweep_hosts)
			return;
		inc = corr_inc_at(c, &ik);
		if (!inc) {
			inc = corr_inc_new(c, &ik, RING_ALERT_SWEEP, r->family, sw->first,
					   CORR_DIM_HOSTS);
			memcpy(inc->a.saddr, r->saddr, 16);
			memcpy(inc->a.daddr, sw->first_dst, 16);
			inc->a.sources = 1;
		}
		sw->alerting = 1;
		corr_inc_port(c, inc, r->dport, true);	/* each port crosses once */
		inc->a.packets += sw->packets;
		inc->a.first_seen = sw->first < inc->a.first_seen ? sw->first : inc->a.first_seen;
		inc->a.last_seen = corr_max64(inc->a.last_seen, r->ts_ns);
		for (i = 0; i < sw->nhsample; i++)
			if (corr_inc_distinct(c, inc, CORR_DIM_HOSTS, sw->hsample[i]))
				inc->a.targets++;
		corr_inc_ttl(inc, sw->ttl_min, sw->ttl_max);
		corr_inc_proto(inc, r->proto);
		corr_inc_kb(inc, sw->kb_id, sw->verdict);
		inc->a.scan_tags |= sw->tags;
	}
	if (inc->dim != CORR_DIM_HOSTS && sw->nhosts > inc->a.targets)
		inc->a.targets = sw->nhosts;
	if (p->s->ipid_const)
		inc->a.evidence |= RING_EV_IPID_CONST;
	inc->a.verdict = corr_maxv(KB_VERDICT_SUSPICIOUS, inc->kb_verdict);
	corr_inc_grew(c, inc);
}

/* ---- per target: decoys, IP ID sequences, smurf, fraggle replies ----- */

CORR_HOT struct corr_tgt *corr_tgt_get(struct corr *c, const struct ring_rec *r)
{
	struct corr_key k;
	enum corr_got got;

	memset(&k, 0, sizeof(k));
	memcpy(k.a, r->daddr, 16);
	k.family = r->family;
	k.kind = CORR_K_TGT;
	return corr_state(c, &c->tgt, &k, &got);
}

/*
 * IP ID sequences at one target: packets with different claimed sources
 * whose IDs continue one counter come from one machine (FAQ "Packet Zen").
 * A step of 1..CORR_IPID_STEP continues a sequence; a little-endian sender
 * steps by 256 on the wire, so the byte-swapped ID is tried too. Guards:
 * ID 0 (Linux with DF) is skipped; a sequence needs CORR_IPID_LEN packets
 * from cfg.ipid_sources claimed sources, each within CORR_DECOY_NS of the
 * last, so random IDs line up by chance about once in 10^7 packets.
 */
static void corr_ipid(struct corr *c, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_tgt *t = p->t;
	uint16_t id = (uint16_t)r->ip_id, sw = corr_swap16(id);
	/* corr_since(ts, last) > CORR_DECOY_NS, as one compare per chain */
	uint64_t stale = r->ts_ns > CORR_DECOY_NS ? r->ts_ns - CORR_DECOY_NS : 0;
	struct corr_chain *ch = NULL, *old = NULL;
	bool old_free = false;
	struct corr_inc *inc;
	struct corr_key k;
	unsigned i, j;
	uint8_t order = 0;

	/* Every record of a flood of random IDs walks all chains and matches
	 * none: the common path is a few compares per chain. The swapped
	 * step (sw - swapped ID) is 1..CORR_IPID_STEP only if the low bytes
	 * differ by 0 or 1, that is the plain step's low byte is 0 or 1 (true
	 * for all 2^32 pairs, checked), and it is 0 only when the plain one is. */
	for (i = 0; i < CORR_CHAINS; i++) {
		struct corr_chain *x = &t->ch[i];
		uint16_t dbe, dle;

		if (!x->len || x->last < stale) {
			x->len = 0;	/* free or stale: the first to take */
			old = x;
			old_free = true;
			continue;
		}
		if (!old || (!old_free && x->last < old->last))
			old = x;
		dbe = (uint16_t)(id - x->id);
		if (dbe > CORR_IPID_STEP && (uint8_t)dbe > 1)
			continue;
		if (dbe && dbe <= CORR_IPID_STEP && x->order != 2) {
			order = 1;
		} else {
			if (!dbe) {	/* a constant ID: nothing to learn, nothing to restart */
				x->last = corr_max64(x->last, r->ts_ns);
				return;
			}
			dle = (uint16_t)(sw - corr_swap16(x->id));
			if ((uint16_t)(dle - 1) >= CORR_IPID_STEP || x->order == 1)
				continue;
			order = 2;
		}
		ch = x;
		break;
	}
	if (!ch) {
		/* src[] past nsrc is never read: no need to clear it. */
		old->first = old->last = r->ts_ns;
		old->id = id;
		old->order = 0;
		old->len = 1;
		old->nsrc = 1;
		old->alerting = 0;
		old->src[0] = p->saddr32;
		memcpy(old->first_src, r->saddr, 16);
		return;
	}
	ch->id = id;
	ch->last = r->ts_ns;
	ch->order = order;
	if (ch->len < UINT8_MAX)
		ch->len++;
	for (j = 0; j < ch->nsrc && j < CORR_CHAIN_SRCS; j++)
		if (ch->src[j] == p->saddr32)
			break;
	if (j == ch->nsrc || j == CORR_CHAIN_SRCS) {	/* a new claimed source */
		if (ch->nsrc < CORR_CHAIN_SRCS)
			ch->src[ch->nsrc] = p->saddr32;
		if (ch->nsrc < UINT8_MAX)
			ch->nsrc++;
	}
	if (ch->nsrc < c->cfg.ipid_sources || ch->len < CORR_IPID_LEN)
		return;
	corr_inc_key(&k, RING_ALERT_IPID, r->family, r->daddr, NULL, 0, 0, 0);
	inc = corr_inc_at(c, &k);
	if (!inc || !ch->alerting) {
		if (!inc) {
			inc = corr_inc_new(c, &k, RING_ALERT_IPID, r->family, ch->first, 0);
			memcpy(inc->a.saddr, ch->first_src, 16);
			memcpy(inc->a.daddr, r->daddr, 16);
			inc->a.targets = 1;
			inc->a.verdict = KB_VERDICT_SUSPICIOUS;
		}
		inc->a.packets += ch->len - 1u;		/* this one is added below */
		ch->alerting = 1;
	}
	corr_inc_rec(inc, r);
	if (ch->nsrc > inc->a.sources)
		inc->a.sources = ch->nsrc;
	inc->a.evidence |= RING_EV_IPID_SEQ;
	if (ch->order == 2)
		inc->a.evidence |= RING_EV_IPID_SEQ_SWAP;
	corr_inc_grew(c, inc);
}

/* Which slot to give up first: a free one, then the least recent
 * non-member, then the least recent member. */
static bool corr_dslot_before(const struct corr_dslot *x, const struct corr_dslot *y)
{
	if (x->used != y->used)
		return !x->used;
	if (x->member != y->member)
		return !x->member;
	return x->last < y->last;
}

/* An upper bound of corr_decoy_common(x, y): ports of x that y may have. A
 * busy target's slots are compared pairwise at every new port, and most
 * pairs share none: one AND per port instead of a pass over y's. */
static unsigned corr_decoy_may(const struct corr_dslot *x, const struct corr_dslot *y)
{
	unsigned i, n = 0;

	for (i = 0; i < x->nports; i++)
		n += y->pbits >> (x->port[i] & 31) & 1;
	return n;
}

/* Ports of x and y probed by both within CORR_DECOY_SKEW_NS of each other. */
static unsigned corr_decoy_common(const struct corr_dslot *x, const struct corr_dslot *y)
{
	unsigned i, j, n = 0;

	for (i = 0; i < x->nports; i++)
		for (j = 0; j < y->nports; j++)
			if (x->port[i] == y->port[j]) {
				if (corr_since(x->t[i], y->t[j]) <= CORR_DECOY_SKEW_NS &&
				    corr_since(y->t[j], x->t[i]) <= CORR_DECOY_SKEW_NS)
					n++;
				break;
			}
	return n;
}

static const struct corr_src *corr_src_find(const struct corr *c, unsigned family,
					    const uint8_t *addr)
{
	struct corr_key k;
	uint32_t i;

	memset(&k, 0, sizeof(k));
	memcpy(k.a, addr, 16);
	k.family = (uint8_t)family;
	k.kind = CORR_K_SRC;
	i = corr_tab_find(&c->src, &k, corr_hash(c, &k));
	return i == CORR_NONE ? NULL : corr_tab_val(&c->src, i);
}

/*
 * Which decoy source is likely real. Nothing in the packets says so (nmap -D
 * puts the real scanner at a random position), so this is a lead, not a
 * finding: prefer a source whose hop estimate is plausible (decoy tools that
 * randomise TTL produce odd ones), then the one with the longest history
 * here (the real scanner often pinged or connected before; decoys were
 * never seen), then the first to probe.
 */
static void corr_decoy_real(struct corr *c, const struct corr_tgt *t, unsigned family,
			    struct corr_inc *inc)
{
	const struct corr_dslot *best = NULL;
	uint64_t best_hist = 0, hist;
	unsigned i;

	for (i = 0; i < CORR_DSLOTS; i++) {
		const struct corr_dslot *d = &t->d[i];
		const struct corr_src *s;

		if (!d->member)
			continue;
		s = corr_src_find(c, family, d->addr);
		hist = s && s->first < d->first ? s->first : d->first;
		if (!best || d->crafted < best->crafted ||
		    (d->crafted == best->crafted &&
		     (hist < best_hist || (hist == best_hist && d->first < best->first)))) {
			best = d;
			best_hist = hist;
		}
	}
	if (best)
		memcpy(inc->a.saddr, best->addr, 16);
}

/* Evidence about the decoy group: do the members' TTLs agree (one machine
 * sending all of them gives one TTL), do their IP IDs form one sequence,
 * is one IP ID repeated? */
static void corr_decoy_evidence(struct corr *c, const struct corr_tgt *t, unsigned family,
				struct corr_inc *inc)
{
	uint16_t ev = inc->a.evidence & (uint16_t)~(RING_EV_TTL_MISMATCH | RING_EV_IPID_SEQ |
						      RING_EV_IPID_SEQ_SWAP);
	uint32_t a32[CORR_DSLOTS];
	unsigned i, j, m, n = 0;
	int ttl = -1;

	for (i = 0; i < CORR_DSLOTS; i++) {
		const struct corr_dslot *d = &t->d[i];
		const struct corr_src *s;

		if (!d->member)
			continue;
		if (ttl >= 0 && d->ttl != ttl)
			ev |= RING_EV_TTL_MISMATCH;
		ttl = d->ttl;
		a32[n++] = d->a32;
		s = corr_src_find(c, family, d->addr);
		if (s && s->ipid_const)
			ev |= RING_EV_IPID_CONST;
	}
	for (i = 0; i < CORR_CHAINS; i++) {
		const struct corr_chain *ch = &t->ch[i];

		if (ch->len < 2 || ch->nsrc < 2)
			continue;
		for (m = 0, j = 0; j < n; j++) {
			unsigned x;

			for (x = 0; x < ch->nsrc && x < CORR_CHAIN_SRCS; x++)
				if (ch->src[x] == a32[j]) {
					m++;
					break;
				}
		}
		if (m >= 2)
			ev |= ch->order == 2 ? RING_EV_IPID_SEQ | RING_EV_IPID_SEQ_SWAP :
					       RING_EV_IPID_SEQ;
	}
	inc->a.evidence = ev;
}

/*
 * Decoy scan: cfg.decoy_sources sources probing one target's ports as one
 * set: each shares CORR_DECOY_COMMON ports with the others, each port hit
 * by all of them within CORR_DECOY_SKEW_NS (a decoy tool sends every probe
 * from every address back to back). Guards: clients of a busy server use
 * one or two ports; independent scanners that happen to pick the same ports
 * do not probe them in the same second. Members' later probes go to the
 * DECOY incident, not to per-source PORTSCANs: it is one incident. Returns
 * whether the record was accounted here.
 */
static bool corr_decoy(struct corr *c, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_tgt *t = p->t;
	struct corr_dslot *d = NULL, *v = NULL;
	struct corr_inc *inc = NULL;
	unsigned i, j, n = 0, mask = 0;
	bool grew = false, joined_open;
	struct corr_key k;

	for (i = 0; i < CORR_DSLOTS && !d; i++) {
		struct corr_dslot *x = &t->d[i];

		if (x->used && x->a32 == p->saddr32 && !memcmp(x->addr, r->saddr, 16))
			d = x;
		else if (!v || corr_dslot_before(x, v))
			v = x;
	}
	if (!d || (!d->member && corr_since(r->ts_ns, d->last) > CORR_DECOY_NS)) {
		if (!d)
			d = v;
		memset(d, 0, sizeof(*d));
		d->used = 1;
		d->a32 = p->saddr32;
		memcpy(d->addr, r->saddr, 16);
		d->first = r->ts_ns;
	}
	d->packets++;
	d->last = corr_max64(d->last, r->ts_ns);
	d->ttl = r->ttl;
	d->crafted = p->hops > CORR_HOPS_PLAUSIBLE || (r->klass.tags & RING_TAG_CRAFTED_TTL);
	d->tags |= p->style;
	for (i = 0; i < d->nports && d->port[i] != r->dport; i++)
		;
	if (i == d->nports && d->nports < CORR_DPORTS) {
		d->port[d->nports] = r->dport;
		d->t[d->nports++] = r->ts_ns;
		d->pbits |= 1u << (r->dport & 31);
		grew = true;
	}

	corr_inc_key(&k, RING_ALERT_DECOY, r->family, r->daddr, NULL, 0, 0, 0);
	if (t->decoy && !(inc = corr_inc_at(c, &k))) {
		t->decoy = 0;
		for (i = 0; i < CORR_DSLOTS; i++)
			t->d[i].member = 0;
	}
	if (inc && d->member) {
		corr_inc_rec(inc, r);
		corr_inc_port(c, inc, r->dport, false);
		inc->a.scan_tags |= p->style;
		corr_decoy_evidence(c, t, r->family, inc);
		corr_inc_grew(c, inc);
		return true;
	}
	if (!grew || d->nports < CORR_DECOY_COMMON)
		return false;
	joined_open = false;
	for (i = 0; i < CORR_DSLOTS; i++) {
		struct corr_dslot *x = &t->d[i];

		if (!x->used || x->nports < CORR_DECOY_COMMON ||
		    corr_since(r->ts_ns, x->last) > CORR_DECOY_NS)
			continue;
		if (x != d && (corr_decoy_may(d, x) < CORR_DECOY_COMMON ||
			       corr_decoy_common(d, x) < CORR_DECOY_COMMON))
			continue;
		mask |= 1u << i;
		n++;
		if (x != d && x->member)
			joined_open = true;
	}
	if (!(inc && joined_open) && n < c->cfg.decoy_sources)
		return false;
	if (!inc) {
		inc = corr_inc_new(c, &k, RING_ALERT_DECOY, r->family, r->ts_ns, CORR_DIM_PORTS);
		memcpy(inc->a.daddr, r->daddr, 16);
		inc->a.targets = 1;
		inc->a.verdict = KB_VERDICT_HOSTILE;
		t->decoy = 1;
	}
	for (i = 0; i < CORR_DSLOTS; i++) {
		struct corr_dslot *x = &t->d[i];

		if (!(mask & (1u << i)) || x->member)
			continue;
		x->member = 1;
		inc->a.sources++;
		inc->a.packets += x->packets;
		if (x->first < inc->a.first_seen)
			inc->a.first_seen = x->first;
		for (j = 0; j < x->nports; j++)
			corr_inc_port(c, inc, x->port[j], false);
		corr_inc_ttl(inc, x->ttl, x->ttl);
		inc->a.scan_tags |= x->tags;
	}
	inc->a.last_seen = corr_max64(inc->a.last_seen, r->ts_ns);
	corr_inc_proto(inc, r->proto);
	corr_decoy_real(c, t, r->family, inc);
	corr_decoy_evidence(c, t, r->family, inc);
	corr_inc_grew(c, inc);
	return true;
}

/* Add a source to a pre-incident distinct list; false if it was listed. */
static bool corr_distinct_add(struct corr_distinct *dl, uint32_t v)
{
	uint32_t i;

	dl->packets++;
	for (i = 0; i < dl->n && i < CORR_DISTINCT; i++)
		if (dl->v[i] == v)
			return false;
	if (dl->n < CORR_DISTINCT)
		dl->v[dl->n] = v;
	dl->n++;	/* past the list every source counts as new */
	return true;
}

/*
 * Reflection floods at one target: SMURF (ICMP echo replies) or the fraggle
 * reply side (UDP from echo/chargen, port 7/19), from cfg.smurf_sources
 * distinct sources inside the window. Every dropped echo reply is
 * unsolicited (the firewall found no ping of ours), but one stray reply or
 * one host answering late is not a flood: the guard is the number of
 * distinct amplifiers.
 */
static void corr_reflect(struct corr *c, const struct corr_pkt *p, unsigned type)
{
	const struct ring_rec *r = p->r;
	struct corr_distinct *dl = type == RING_ALERT_SMURF ? &p->t->smurf : &p->t->fraggle;
	struct corr_inc *inc;
	struct corr_key k;
	uint8_t verdict;
	uint16_t kb_id;
	uint32_t i;

	corr_inc_key(&k, type, r->family, r->daddr, NULL, 0, 0, 2);
	inc = corr_inc_at(c, &k);
	if (!inc) {
		if (!dl->packets || corr_since(r->ts_ns, dl->first) > c->cfg.window_ns) {
			memset(dl, 0, sizeof(*dl));
			dl->first = r->ts_ns;
		}
		corr_distinct_add(dl, p->saddr32);
		if (dl->n < c->cfg.smurf_sources || (type == RING_ALERT_FRAGGLE &&
						     dl->packets < c->cfg.fraggle_packets))
			return;
		inc = corr_inc_new(c, &k, type, r->family, dl->first, CORR_DIM_SOURCES);
		memcpy(inc->a.saddr, r->saddr, 16);
		memcpy(inc->a.daddr, r->daddr, 16);
		inc->a.targets = 1;
		inc->a.packets = dl->packets - 1;	/* this one is added below */
		inc->a.verdict = KB_VERDICT_HOSTILE;
		for (i = 0; i < dl->n && i < CORR_DISTINCT; i++)
			if (dl->v[i] != p->saddr32 &&
			    corr_inc_distinct(c, inc, CORR_DIM_SOURCES, dl->v[i]))
				inc->a.sources++;
		if (dl->n > CORR_DISTINCT)
			inc->a.sources += dl->n - CORR_DISTINCT;
		memset(dl, 0, sizeof(*dl));
	}
	corr_inc_rec(inc, r);
	if (corr_inc_distinct(c, inc, CORR_DIM_SOURCES, p->saddr32))
		inc->a.sources++;
	if (type == RING_ALERT_FRAGGLE)
		corr_inc_port(c, inc, r->sport, false);
	kb_id = corr_kb_row(c, r, type == RING_ALERT_FRAGGLE ? KB_DIR_SRC : KB_DIR_DST, &verdict);
	corr_inc_kb(inc, kb_id, verdict);
	corr_inc_grew(c, inc);
}

/* ---- heartbeat ----------------------------------------------------------- */

static bool corr_hb_regular(const struct corr_hslot *h)
{
	/* Both extreme gaps within 25% of their midpoint: max <= 5/3 min. */
	return h->n >= CORR_HB_ATTEMPTS && (uint64_t)h->gap_max * 3 <= (uint64_t)h->gap_min * 5;
}

/*
 * Inherited-address heartbeat: cfg.heartbeat_sources sources each retrying
 * one (target, port) at a regular interval: peers of whoever had the address
 * before (PowWow 13223, Sub7 6776, pcAnywhere 5632, chat and P2P). Noise,
 * not an attack. Guards: a connection's own retransmits back off (1 s, 2 s,
 * 4 s: max/min = 2, not regular); attempts closer than CORR_HB_GAP_MIN_NS
 * are one attempt; one source alone is not enough.
 */
static void corr_heartbeat(struct corr *c, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_hslot *h = NULL, *v = NULL, *reg = NULL;
	struct corr_inc *inc = NULL;
	struct corr_key k, ik;
	struct corr_grp *g;
	enum corr_got got;
	uint64_t gap, sum = 0;
	uint32_t nreg = 0, ms;
	uint8_t verdict;
	uint16_t kb_id;
	unsigned i;

	memset(&k, 0, sizeof(k));
	memcpy(k.a, r->daddr, 16);
	k.port = r->dport;
	k.proto = r->proto;
	k.family = r->family;
	k.kind = CORR_K_GRP;
	g = corr_state(c, &c->grp, &k, &got);
	if (got != CORR_FOUND)
		g->first = r->ts_ns;
	g->packets++;
	for (i = 0; i < CORR_HSLOTS && !h; i++) {
		struct corr_hslot *x = &g->s[i];

		if (x->used && x->a32 == p->saddr32 && !memcmp(x->addr, r->saddr, 16))
			h = x;
		else if (!v || (v->used && (!x->used || x->last < v->last)))
			v = x;
	}
	if (!h) {
		h = v;
		memset(h, 0, sizeof(*h));
		h->used = 1;
		h->a32 = p->saddr32;
		memcpy(h->addr, r->saddr, 16);
		h->last = r->ts_ns;
		h->n = 1;
	} else {
		gap = corr_since(r->ts_ns, h->last);
		if (gap > c->cfg.window_ns) {		/* gone quiet: start over */
			h->n = 1;
			h->gap_sum = h->gap_min = h->gap_max = 0;
			h->last = r->ts_ns;
		} else if (gap >= CORR_HB_GAP_MIN_NS) {
			ms = (uint32_t)(gap / CORR_MS);
			if (h->n == 1 || ms < h->gap_min)
				h->gap_min = ms;
			if (h->n == 1 || ms > h->gap_max)
				h->gap_max = ms;
			h->gap_sum += ms;
			if (h->n < UINT16_MAX)
				h->n++;
			h->last = r->ts_ns;
		}
	}
	for (i = 0; i < CORR_HSLOTS; i++) {
		struct corr_hslot *x = &g->s[i];

		if (!x->used || corr_since(r->ts_ns, x->last) > c->cfg.window_ns ||
		    !corr_hb_regular(x))
			continue;
		if (!reg)
			reg = x;
		nreg++;
		sum += x->gap_sum / (x->n - 1u);
	}
	corr_inc_key(&ik, RING_ALERT_HEARTBEAT, r->family, r->daddr, NULL, r->dport, r->proto, 0);
	if (g->alerting && !(inc = corr_inc_at(c, &ik)))
		g->alerting = 0;
	if (!inc) {
		if (nreg < c->cfg.heartbeat_sources)
			return;
		inc = corr_inc_at(c, &ik);
		if (!inc) {
			inc = corr_inc_new(c, &ik, RING_ALERT_HEARTBEAT, r->family, g->first, 0);
			memcpy(inc->a.saddr, reg->addr, 16);
			memcpy(inc->a.daddr, r->daddr, 16);
			inc->a.targets = 1;
			inc->a.packets = g->packets - 1;	/* this one is added below */
			inc->a.verdict = KB_VERDICT_NOISE;
			inc->a.evidence = RING_EV_REGULAR;
		}
		g->alerting = 1;
	}
	corr_inc_rec(inc, r);
	corr_inc_port(c, inc, r->dport, false);
	if (nreg > inc->a.sources)
		inc->a.sources = nreg;
	if (nreg)
		inc->a.interval_ms = (uint32_t)(sum / nreg);
	kb_id = p->kb_dst;
	verdict = p->kb_dst_verdict;
	corr_inc_kb(inc, kb_id, verdict);
	corr_inc_grew(c, inc);
}

/* ---- the API ------------------------------------------------------------- */

void corr_cfg_default(struct corr_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->window_ns = 60 * CORR_SEC;
	cfg->close_ns = 60 * CORR_SEC;
	cfg->update_ns = 1 * CORR_SEC;	/* a live view lags at most this */
	cfg->scan_ports = 12;
	cfg->sweep_hosts = 8;
	cfg->decoy_sources = 3;
	cfg->trace_probes = 3;
	cfg->smurf_sources = 10;
	cfg->fraggle_packets = 1;
	cfg->noise_packets = 5;
	cfg->heartbeat_sources = 3;
	cfg->ipid_sources = 3;
	cfg->ttl_jump = 5;
	cfg->max_sources = 8192;
}

/* Zero fields take their default: a config file may set only some. */
static void corr_cfg_fill(struct corr_cfg *cfg, const struct corr_cfg *in)
{
	struct corr_cfg d;

	corr_cfg_default(&d);
	*cfg = in ? *in : d;
#define CORR_DEF(f) do { if (!cfg->f) cfg->f = d.f; } while (0)
	CORR_DEF(window_ns);
	CORR_DEF(close_ns);
	CORR_DEF(update_ns);
	CORR_DEF(scan_ports);
	CORR_DEF(sweep_hosts);
	CORR_DEF(decoy_sources);
	CORR_DEF(trace_probes);
	CORR_DEF(smurf_sources);
	CORR_DEF(fraggle_packets);
	CORR_DEF(noise_packets);
	CORR_DEF(heartbeat_sources);
	CORR_DEF(ipid_sources);
	CORR_DEF(ttl_jump);
	CORR_DEF(max_sources);
#undef CORR_DEF
	if (cfg->max_sources < 64)
		cfg->max_sources = 64;
	if (cfg->max_sources > (1u << 24))
		cfg->max_sources = 1u << 24;
	if (cfg->decoy_sources < 2)
		cfg->decoy_sources = 2;		/* one source is no decoy group */
	if (cfg->decoy_sources > CORR_DSLOTS)
		cfg->decoy_sources = CORR_DSLOTS;
	if (cfg->heartbeat_sources > CORR_HSLOTS)
		cfg->heartbeat_sources = CORR_HSLOTS;
	if (cfg->ipid_sources < 2)
		cfg->ipid_sources = 2;
	if (cfg->trace_probes < 2)
		cfg->trace_probes = 2;		/* a rise needs two probes */
}

static uint32_t corr_clamp(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

struct corr *corr_new(const struct corr_cfg *cfg, const struct kb *kb, uint32_t id_base)
{
	struct corr *c = calloc(1, sizeof(*c));
	uint32_t n, i;
	size_t m, total = sizeof(*c);

	if (!c)
		return NULL;
	corr_cfg_fill(&c->cfg, cfg);
	c->kb = kb;
	c->next_id = id_base;
	/* Address layout randomisation is the only secret at hand; it keys
	 * the hash well enough that forged sources can't pick one chain. */
	c->seed = mix64((uint64_t)(uintptr_t)c ^ ((uint64_t)(uintptr_t)&n << 17) ^ id_base);
	c->full_inc = CORR_NONE;
	for (i = 0; i < __RING_ALERT_MAX; i++)
		c->inc_hint[i] = CORR_NONE;
	n = c->cfg.max_sources;
	if (!(m = corr_tab_init(&c->src, n, sizeof(struct corr_src))))
		goto fail;
	total += m;
	if (!(m = corr_tab_init(&c->pair, n, sizeof(struct corr_pair))))
		goto fail;
	total += m;
	if (!(m = corr_tab_init(&c->sweep, corr_clamp(n / 2, 64, n), sizeof(struct corr_sweep))))
		goto fail;
	total += m;
	if (!(m = corr_tab_init(&c->tgt, corr_clamp(n / 16, 64, n), sizeof(struct corr_tgt))))
		goto fail;
	total += m;
	if (!(m = corr_tab_init(&c->grp, corr_clamp(n / 4, 64, n), sizeof(struct corr_grp))))
		goto fail;
	total += m;
	if (!(m = corr_tab_init(&c->inc, corr_clamp(n / 16, 64, 4096), sizeof(struct corr_inc))))
		goto fail;
	total += m;
	c->nbig = corr_clamp(n / 128, CORR_BIG_MIN, CORR_BIG_MAX);
	c->big = malloc((size_t)c->nbig * (CORR_BIG_BITS / 8));
	c->big_free = malloc((size_t)c->nbig * sizeof(*c->big_free));
	if (!c->big || !c->big_free)
		goto fail;
	for (i = 0; i < c->nbig; i++)
		c->big_free[i] = c->nbig - 1 - i;
	c->nbig_free = c->nbig;
	total += (size_t)c->nbig * (CORR_BIG_BITS / 8 + sizeof(*c->big_free));
	c->mem = total;
	return c;
fail:
	corr_free(c);
	errno = ENOMEM;
	return NULL;
}

void corr_free(struct corr *c)
{
	if (!c)
		return;
	corr_tab_fini(&c->src);
	corr_tab_fini(&c->pair);
	corr_tab_fini(&c->sweep);
	corr_tab_fini(&c->tgt);
	corr_tab_fini(&c->grp);
	corr_tab_fini(&c->inc);
	free(c->big);
	free(c->big_free);
	free(c);
}

static void corr_probe_run(struct corr *c, struct corr_pkt *p)
{
	if (!p->t)
		p->t = corr_tgt_get(c, p->r);
	if (!corr_decoy(c, p))
		corr_scan(c, p);
	corr_sweep(c, p);
	if (p->udp || (p->style & RING_ALERT_SCAN_SYN))	/* connection attempts */
		corr_heartbeat(c, p);
}

/*
 * A probe (TCP/UDP, not a late reply, not traceroute) for the detectors
 * that need several from one source: decoy, port scan, sweep, heartbeat.
 * A source's first probe is only noted; the second replays it first. No
 * detection fires on one probe, and a flood of one-packet forged sources
 * then leaves those tables (and the real scanners' state in them) alone.
 */
static void corr_probe(struct corr *c, struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_src *s = p->s;
	struct ring_rec first;
	struct corr_pkt fp;

	if (!s->probes) {
		s->probes = 1;
		memcpy(s->p1_daddr, r->daddr, 16);
		s->p1_ts = r->ts_ns;
		s->p1_tags = r->klass.tags;
		s->p1_sport = r->sport;
		s->p1_dport = r->dport;
		/* What corr_kb_row() needs, not its answer: most first
		 * probes are never replayed. */
		s->p1_kb_dport = r->klass.kb_dport;
		s->p1_kb_id = r->klass.kb_id;
		s->p1_verdict = r->klass.verdict;
		s->p1_proto = r->proto;
		s->p1_ttl = r->ttl;
		s->p1_flags = r->tcp_flags;
		s->p1_ttl_initial = r->klass.ttl_initial;
		s->p1_hops = r->klass.ttl_hops;
		return;
	}
	if (s->probes == 1) {
		s->probes = 2;
		memset(&first, 0, sizeof(first));
		first.kind = RING_KIND_DROP;
		first.family = r->family;
		first.proto = s->p1_proto;
		first.ts_ns = s->p1_ts;
		memcpy(first.saddr, r->saddr, 16);
		memcpy(first.daddr, s->p1_daddr, 16);
		first.sport = s->p1_sport;
		first.dport = s->p1_dport;
		first.ttl = s->p1_ttl;
		first.tcp_flags = s->p1_flags;
		first.klass.tags = s->p1_tags;
		first.klass.ttl_initial = s->p1_ttl_initial;
		first.klass.ttl_hops = s->p1_hops;
		first.klass.kb_dport = s->p1_kb_dport;
		first.klass.kb_id = s->p1_kb_id;
		first.klass.verdict = s->p1_verdict;
		corr_pkt_init(c, &fp, &first);
		corr_pkt_kb(c, &fp);
		fp.s = s;
		corr_probe_run(c, &fp);
	}
	corr_pkt_kb(c, p);
	corr_probe_run(c, p);
}

void corr_feed(struct corr *c, const struct ring_rec *r, corr_emit_fn emit, void *arg)
{
	struct corr_pkt p;

	if (!c || !r || r->kind != RING_KIND_DROP || (r->family != 4 && r->family != 6) ||
	    r->status == RING_ST_INVALID)
		return;
	c->emit = emit;
	c->arg = arg;
	c->now = corr_max64(c->now, r->ts_ns);
	corr_pkt_init(c, &p, r);
	p.s = corr_src_get(c, r);
	corr_src_account(&p);
	if (p.trace_udp || p.echo_req || p.fraggle || p.noise)
		corr_pkt_kb(c, &p);	/* corr_trace, corr_per_source */

	corr_trace(c, &p);
	/* Traceroute probes and pings carry deliberately odd or unrelated
	 * TTLs; a source that traced is no longer a TTL baseline. */
	if (!p.trace_udp && !p.echo_req && !p.s->traced)
		corr_ttl(c, &p);
	if (p.fraggle)
		corr_per_source(c, &p, RING_ALERT_FRAGGLE);
	else if (p.noise)
		corr_per_source(c, &p, RING_ALERT_NOISE);

	if (p.bcast)	/* a broadcast is not a host: no per-target state */
		return;
	if ((r->family == 4 && (uint16_t)r->ip_id) || p.echo_reply ||
	    (p.ports && p.udp && (r->sport == 7 || r->sport == 19)))
		p.t = corr_tgt_get(c, r);
	if (r->family == 4 && (uint16_t)r->ip_id)
		corr_ipid(c, &p);
	/* Not late replies, not traceroute (whose UDP ports would otherwise
	 * look like a scan of 33434 and up). */
	if (p.ports && !p.reply && !(p.trace_udp && r->ttl <= CORR_TRACE_TTL_MAX))
		corr_probe(c, &p);
	if (p.echo_reply)
		corr_reflect(c, &p, RING_ALERT_SMURF);
	if (p.ports && p.udp && (r->sport == 7 || r->sport == 19))
		corr_reflect(c, &p, RING_ALERT_FRAGGLE);
}

void corr_tick(struct corr *c, uint64_t now_ns, corr_emit_fn emit, void *arg)
{
	uint64_t keep;
	uint32_t i, next;

	if (!c)
		return;
	c->emit = emit;
	c->arg = arg;
	c->now = corr_max64(c->now, now_ns);
	for (i = c->inc.tail; i != CORR_NONE; i = next) {
		struct corr_inc *inc = corr_tab_val(&c->inc, i);

		next = c->inc.slot[i].newer;	/* from the least to the most recent */
		if (corr_since(c->now, inc->a.last_seen) >= c->cfg.close_ns)
			corr_inc_close(c, i);
		else if (inc->dirty && corr_since(c->now, inc->last_emit) >= c->cfg.update_ns)
			corr_emit(c, inc, RING_ALERT_UPDATE);
	}
	/* State outlives an incident by nothing: once an incident closed,
	 * its counters start afresh. Sources are kept longer, for history. */
	keep = corr_max64(c->cfg.window_ns, c->cfg.close_ns);
	corr_tab_expire(&c->src, c->now, keep * CORR_SRC_KEEP);
	corr_tab_expire(&c->pair, c->now, keep);
	corr_tab_expire(&c->sweep, c->now, keep);
	corr_tab_expire(&c->tgt, c->now, keep);
	corr_tab_expire(&c->grp, c->now, keep);
}

void corr_flush(struct corr *c, corr_emit_fn emit, void *arg)
{
	if (!c)
		return;
	c->emit = emit;
	c->arg = arg;
	while (c->inc.tail != CORR_NONE)
		corr_inc_close(c, c->inc.tail);
}

size_t corr_sources(const struct corr *c)
{
	return c ? c->src.used : 0;
}

uint64_t corr_evictions(const struct corr *c)
{
	return c ? c->evictions : 0;
}

size_t corr_memory(const struct corr *c)
{
	return c ? c->mem : 0;
}
