/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_target.h - the detectors of state per target: decoy scans, IP ID
 * sequences, smurf and fraggle replies. The part that every record they see
 * runs, static inline (internal to the correlator; corr_int.h says why);
 * corr_target.c forms decoy groups and opens the IPID incident. */
#ifndef NFLOGD_CORR_TARGET_H
#define NFLOGD_CORR_TARGET_H

#include "correlate/corr_facts.h"
#include "correlate/corr_inc.h"
#include "correlate/corr_src.h"

/* corr_target.c: a slot d with a new port, and enough of them: does it
 * probe one port set with other sources of the target? Forms or joins the
 * DECOY incident (inc, key k; NULL when none is open). True if the record
 * was accounted there. */
bool corr_decoy_group(struct corr *c, const struct ring_rec *r, struct corr_tgt *t,
		      const struct corr_dslot *d, struct corr_inc *inc, const struct corr_key *k);
/* corr_target.c: evidence about an open decoy group (TTLs, IP IDs). */
void corr_decoy_evidence(struct corr *c, const struct corr_tgt *t, unsigned family,
			 struct corr_inc *inc);
/* corr_target.c: sequence ch qualified: it joins the target's IPID
 * incident inc (key k), opened if NULL. */
struct corr_inc *corr_ipid_join(struct corr *c, const struct ring_rec *r, struct corr_chain *ch,
				struct corr_inc *inc, const struct corr_key *k);

/*
 * A new target's state, cleared of what is read before it is written: an
 * unused decoy slot's used, member and last (corr_dslot_before() compares
 * two unused ones), a chain's len, a distinct list's packets, decoy. A slot,
 * chain or list is cleared whole when it is taken. The whole state is 1736
 * bytes, 28 cache lines, and a sweep makes one per host it reaches.
 */
static inline void corr_tgt_clear(struct corr_tgt *t)
{
	unsigned i;

	for (i = 0; i < CORR_DSLOTS; i++) {
		t->d[i].used = 0;
		t->d[i].member = 0;
		t->d[i].last = 0;
	}
	for (i = 0; i < CORR_CHAINS; i++)
		t->ch[i].len = 0;
	t->smurf.packets = 0;
	t->fraggle.packets = 0;
	t->decoy = 0;
}

CORR_HOT struct corr_tgt *corr_tgt_get(struct corr *c, const struct ring_rec *r)
{
	uint64_t old_last = 0;
	struct corr_tgt *t;
	struct corr_key k;
	enum corr_got got;

	corr_key_set(&k, CORR_K_TGT, r->family, r->daddr, NULL, 0, 0, 0);
	t = corr_tab_val(&c->tgt, corr_tab_get(c, &c->tgt, &k, c->now, &got, &old_last));
	if (got != CORR_FOUND)
		corr_tgt_clear(t);
	return t;
}

/* A new sequence in chain ch, from p's packet with IP ID id. */
static inline void corr_ipid_start(struct corr_chain *ch, const struct corr_pkt *p, uint16_t id)
{
	/* src[] past nsrc is never read: no need to clear it. */
	ch->first = ch->last = p->r->ts_ns;
	ch->id = id;
	ch->order = 0;
	ch->len = 1;
	ch->nsrc = 1;
	ch->alerting = 0;
	ch->src[0] = p->saddr32;
	memcpy(ch->first_src, p->r->saddr, 16);
}

/* p's packet, IP ID id, continues sequence ch in byte order order. */
static inline void corr_ipid_step(struct corr_chain *ch, const struct corr_pkt *p, uint16_t id,
				  uint8_t order)
{
	unsigned j;

	ch->id = id;
	ch->last = p->r->ts_ns;
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
}

/* Sequence ch qualified (corr_ipid): the target's IPID incident grows. */
static inline void corr_ipid_inc(struct corr *c, const struct corr_pkt *p, struct corr_chain *ch)
{
	const struct ring_rec *r = p->r;
	struct corr_inc *inc;
	struct corr_key k;

	corr_key_set(&k, RING_ALERT_IPID, r->family, r->daddr, NULL, 0, 0, 0);
	inc = corr_inc_at(c, &k);
	if (!inc || !ch->alerting)
		inc = corr_ipid_join(c, r, ch, inc, &k);
	corr_inc_rec(inc, r);
	if (ch->nsrc > inc->a.sources)
		inc->a.sources = ch->nsrc;
	inc->a.evidence |= RING_EV_IPID_SEQ;
	if (ch->order == 2)
		inc->a.evidence |= RING_EV_IPID_SEQ_SWAP;
	corr_inc_grew(c, inc);
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
static inline void corr_ipid(struct corr *c, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_tgt *t = p->t;
	uint16_t id = (uint16_t)r->ip_id;
	/* corr_since(ts, last) > CORR_DECOY_NS, as one compare per chain */
	uint64_t stale = r->ts_ns > CORR_DECOY_NS ? r->ts_ns - CORR_DECOY_NS : 0;
	struct corr_chain *ch = NULL, *old = NULL;
	bool old_free = false;
	uint8_t order = 0;
	unsigned i;

	/* Every record of a flood of random IDs walks all chains and matches
	 * none: the common path is a few compares per chain. The swapped
	 * step (of the byte-swapped IDs) is 1..CORR_IPID_STEP only if the low
	 * bytes differ by 0 or 1, that is the plain step's low byte is 0 or 1
	 * (true for all 2^32 pairs, checked), and it is 0 only when the plain
	 * one is. So the swap is done only then. */
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
			dle = (uint16_t)(corr_swap16(id) - corr_swap16(x->id));
			if ((uint16_t)(dle - 1) >= CORR_IPID_STEP || x->order == 1)
				continue;
			order = 2;
		}
		ch = x;
		break;
	}
	if (!ch) {
		corr_ipid_start(old, p, id);
		return;
	}
	corr_ipid_step(ch, p, id, order);
	if (ch->nsrc >= c->cfg.ipid_sources && ch->len >= CORR_IPID_LEN)
		corr_ipid_inc(c, p, ch);
}

/* Which slot to give up first: a free one, then the least recent
 * non-member, then the least recent member. */
static inline bool corr_dslot_before(const struct corr_dslot *x, const struct corr_dslot *y)
{
	if (x->used != y->used)
		return !x->used;
	if (x->member != y->member)
		return !x->member;
	return x->last < y->last;
}

/* The probe's source among the target's decoy candidates (taking the slot
 * corr_dslot_before() gives up if it has none, or afresh if it went quiet
 * and is no member), with the probe accounted; *grew: its port is new to
 * the slot. */
static inline struct corr_dslot *corr_dslot_probe(const struct corr *c, const struct corr_pkt *p,
						   bool *grew)
{
	const struct ring_rec *r = p->r;
	struct corr_dslot *d = NULL, *v = NULL;
	unsigned i;

	for (i = 0; i < CORR_DSLOTS && !d; i++) {
		struct corr_dslot *x = &p->t->d[i];

		if (x->used && corr_who_is(&x->who, p))
			d = x;
		else if (!v || corr_dslot_before(x, v))
			v = x;
	}
	if (!d || (!d->member && corr_since(r->ts_ns, d->last) > CORR_DECOY_NS)) {
		if (!d)
			d = v;
		memset(d, 0, sizeof(*d));
		d->used = 1;
		corr_who_set(&d->who, p);
		d->first = r->ts_ns;
	}
	d->src = corr_src_slot(c, p->s);
	d->packets++;
	d->last = corr_max64(d->last, r->ts_ns);
	d->ttl = r->ttl;
	d->crafted = p->hops > CORR_HOPS_PLAUSIBLE || (r->klass.tags & RING_TAG_CRAFTED_TTL);
	d->tags |= p->style;
	/* pbits has the bit of each port in port[]: most new ports miss it. */
	i = d->nports;
	if (d->pbits & 1u << (r->dport & 31))
		for (i = 0; i < d->nports && d->port[i] != r->dport; i++)
			;
	*grew = false;
	if (i == d->nports && d->nports < CORR_DPORTS) {
		d->port[d->nports] = r->dport;
		d->t[d->nports++] = r->ts_ns;
		d->pbits |= 1u << (r->dport & 31);
		*grew = true;
	}
	return d;
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
static inline bool corr_decoy(struct corr *c, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_tgt *t = p->t;
	struct corr_inc *inc = NULL;
	struct corr_dslot *d;
	struct corr_key k;
	unsigned i;
	bool grew;

	d = corr_dslot_probe(c, p, &grew);
	corr_key_set(&k, RING_ALERT_DECOY, r->family, r->daddr, NULL, 0, 0, 0);
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
	return corr_decoy_group(c, r, t, d, inc, &k);
}

/* Add a source to a pre-incident distinct list; false if it was listed. */
static inline bool corr_distinct_add(struct corr_distinct *dl, uint32_t v)
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
static inline void corr_reflect(struct corr *c, const struct corr_pkt *p, unsigned type)
{
	const struct ring_rec *r = p->r;
	struct corr_distinct *dl = type == RING_ALERT_SMURF ? &p->t->smurf : &p->t->fraggle;
	struct corr_inc *inc;
	struct corr_key k;
	uint8_t verdict;
	uint16_t kb_id;
	uint32_t i;

	corr_key_set(&k, type, r->family, r->daddr, NULL, 0, 0, 2);
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

#endif
