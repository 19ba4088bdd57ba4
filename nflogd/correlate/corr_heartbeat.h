/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_heartbeat.h - inherited-address heartbeats: sources retrying one
 * (target, port) at regular gaps. The part that every connection attempt
 * runs, static inline (internal to the correlator; corr_int.h says why);
 * corr_heartbeat.c opens the incident. */
#ifndef NFLOGD_CORR_HEARTBEAT_H
#define NFLOGD_CORR_HEARTBEAT_H

#include "correlate/corr_inc.h"

/* corr_heartbeat.c: group g has enough regular sources (reg the first): its
 * HEARTBEAT incident (ik), opened if there is none. */
struct corr_inc *corr_hb_open(struct corr *c, const struct ring_rec *r, struct corr_grp *g,
			      const struct corr_hslot *reg, const struct corr_key *ik);

static inline bool corr_hb_regular(const struct corr_hslot *h)
{
	/* Both extreme gaps within 25% of their midpoint: max <= 5/3 min. */
	return h->n >= CORR_HB_ATTEMPTS && (uint64_t)h->gap_max * 3 <= (uint64_t)h->gap_min * 5;
}

/* The (target, port, transport) group of the record, one more packet. */
static inline struct corr_grp *corr_grp_get(struct corr *c, const struct ring_rec *r)
{
	struct corr_grp *g;
	struct corr_key k;
	enum corr_got got;

	corr_key_set(&k, CORR_K_GRP, r->family, r->daddr, NULL, r->dport, r->proto, 0);
	g = corr_state(c, &c->grp, &k, &got);
	if (got != CORR_FOUND)
		g->first = r->ts_ns;
	g->packets++;
	return g;
}

/* An attempt of p's source at group g: its slot (a free or the least recent
 * one if it has none) takes the gap since its last attempt. */
static inline void corr_hb_attempt(const struct corr *c, struct corr_grp *g,
				   const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_hslot *h = NULL, *v = NULL;
	uint64_t gap;
	uint32_t ms;
	unsigned i;

	for (i = 0; i < CORR_HSLOTS && !h; i++) {
		struct corr_hslot *x = &g->s[i];

		if (x->used && corr_who_is(&x->who, p))
			h = x;
		else if (!v || (v->used && (!x->used || x->last < v->last)))
			v = x;
	}
	if (!h) {
		h = v;
		memset(h, 0, sizeof(*h));
		h->used = 1;
		corr_who_set(&h->who, p);
		h->last = r->ts_ns;
		h->n = 1;
		return;
	}
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

/* How many of g's sources retry regularly (inside the window at now); *reg
 * the first of them, *sum the sum of their mean gaps (ms). */
static inline uint32_t corr_hb_regulars(const struct corr *c, struct corr_grp *g, uint64_t now,
					struct corr_hslot **reg, uint64_t *sum)
{
	uint32_t nreg = 0;
	unsigned i;

	for (i = 0; i < CORR_HSLOTS; i++) {
		struct corr_hslot *x = &g->s[i];

		if (!x->used || corr_since(now, x->last) > c->cfg.window_ns ||
		    !corr_hb_regular(x))
			continue;
		if (!*reg)
			*reg = x;
		nreg++;
		*sum += x->gap_sum / (x->n - 1u);
	}
	return nreg;
}

/*
 * Inherited-address heartbeat: cfg.heartbeat_sources sources each retrying
 * one (target, port) at a regular interval: peers of whoever had the address
 * before (PowWow 13223, Sub7 6776, pcAnywhere 5632, chat and P2P). Noise,
 * not an attack. Guards: a connection's own retransmits back off (1 s, 2 s,
 * 4 s: max/min = 2, not regular); attempts closer than CORR_HB_GAP_MIN_NS
 * are one attempt; one source alone is not enough.
 */
static inline void corr_heartbeat(struct corr *c, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_hslot *reg = NULL;
	struct corr_inc *inc = NULL;
	struct corr_key ik;
	struct corr_grp *g;
	uint64_t sum = 0;
	uint32_t nreg;

	g = corr_grp_get(c, r);
	corr_hb_attempt(c, g, p);
	nreg = corr_hb_regulars(c, g, r->ts_ns, &reg, &sum);
	corr_key_set(&ik, RING_ALERT_HEARTBEAT, r->family, r->daddr, NULL, r->dport, r->proto, 0);
	if (g->alerting && !(inc = corr_inc_at(c, &ik)))
		g->alerting = 0;
	if (!inc) {
		if (nreg < c->cfg.heartbeat_sources)
			return;
		inc = corr_hb_open(c, r, g, reg, &ik);
	}
	corr_inc_rec(inc, r);
	corr_inc_port(c, inc, r->dport, false);
	if (nreg > inc->a.sources)
		inc->a.sources = nreg;
	if (nreg)
		inc->a.interval_ms = (uint32_t)(sum / nreg);
	corr_inc_kb(inc, p->kb_dst, p->kb_dst_verdict);
	corr_inc_grew(c, inc);
}

#endif
