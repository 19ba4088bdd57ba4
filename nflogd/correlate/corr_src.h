/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_src.h - per-source state, the part every record runs (internal to the
 * correlator; corr_int.h says why it is inline). A source's state is made on
 * its first record, evicting the least recent one when the table is full (a
 * flood: the STATE_FULL incident), and holds its hop and IP ID history, its
 * first probe until a second one comes, and the rare traceroute, noise and
 * fraggle counts. corr_src.c: what runs once per burst or per decoy group. */
#ifndef NFLOGD_CORR_SRC_H
#define NFLOGD_CORR_SRC_H

#include "correlate/corr_inc.h"

/* corr_src.c: the STATE_FULL incident, for a burst of evictions that has none. */
struct corr_inc *corr_state_full_open(struct corr *c);
/* corr_src.c: the state of a source, if there is one (nothing is touched). */
const struct corr_src *corr_src_find(const struct corr *c, unsigned family, const uint8_t *addr);
/* corr_src.c: the same, tried at src slot i first (where it was noted). */
const struct corr_src *corr_src_find_at(const struct corr *c, unsigned family,
					const uint8_t *addr, uint32_t i);

/* The src slot of state s (of c's src table), for corr_src_find_at(). */
static inline uint32_t corr_src_slot(const struct corr *c, const struct corr_src *s)
{
	return (uint32_t)(s - (const struct corr_src *)c->src.val);
}

/* STATE_FULL: one incident for a burst of evictions; packets = states
 * evicted, sources = source states created meanwhile. */
static inline void corr_state_full(struct corr *c)
{
	uint32_t i = c->full_inc;
	struct corr_inc *inc;

	/* A flood evicts per record: no key to build and look up while the
	 * slot that was made for it still holds it (only it has that kind). */
	if (i != CORR_NONE && c->inc.slot[i].key.kind == RING_ALERT_STATE_FULL) {
		corr_tab_touch(&c->inc, i, c->now);
		inc = corr_tab_val(&c->inc, i);
	} else {
		inc = corr_state_full_open(c);
	}
	if (inc->a.packets != UINT32_MAX)
		inc->a.packets++;
	inc->a.sources = (uint32_t)(c->src_created - inc->base > UINT32_MAX ?
				    UINT32_MAX : c->src_created - inc->base);
	inc->a.last_seen = corr_max64(inc->a.last_seen, c->now);
	corr_inc_grew(c, inc);
}

static inline struct corr_src *corr_src_get(struct corr *c, const struct ring_rec *r)
{
	uint64_t old_last = 0;
	struct corr_key k;
	struct corr_src *s;
	enum corr_got got;
	uint32_t i;

	corr_key_set(&k, CORR_K_SRC, r->family, r->saddr, NULL, 0, 0, 0);
	i = corr_tab_get_inline(c, &c->src, &k, c->now, &got, &old_last);
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
static inline void corr_src_rare(struct corr_src *s)
{
	if (s->rare_set)
		return;
	memset(&s->noise_first, 0, sizeof(*s) - offsetof(struct corr_src, noise_first));
	s->rare_set = 1;
}

/* Every record: packets, times, TTL range, a constant IP ID. */
static inline void corr_src_account(struct corr_pkt *p)
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

/* Hold a source's first probe (corr_probe): what the detectors and
 * corr_kb_row() will need of it, not their answers, since most first probes
 * are never replayed. */
static inline void corr_src_hold(struct corr_src *s, const struct ring_rec *r)
{
	s->probes = 1;
	memcpy(s->p1_daddr, r->daddr, 16);
	s->p1_ts = r->ts_ns;
	s->p1_tags = r->klass.tags;
	s->p1_sport = r->sport;
	s->p1_dport = r->dport;
	s->p1_kb_dport = r->klass.kb_dport;
	s->p1_kb_id = r->klass.kb_id;
	s->p1_verdict = r->klass.verdict;
	s->p1_proto = r->proto;
	s->p1_ttl = r->ttl;
	s->p1_flags = r->tcp_flags;
	s->p1_ttl_initial = r->klass.ttl_initial;
	s->p1_hops = r->klass.ttl_hops;
}

/* The held first probe as a record again, r being the source's second. */
static inline void corr_src_replay(const struct corr_src *s, const struct ring_rec *r,
				   struct ring_rec *first)
{
	memset(first, 0, sizeof(*first));
	first->kind = RING_KIND_DROP;
	first->family = r->family;
	first->proto = s->p1_proto;
	first->ts_ns = s->p1_ts;
	memcpy(first->saddr, r->saddr, 16);
	memcpy(first->daddr, s->p1_daddr, 16);
	first->sport = s->p1_sport;
	first->dport = s->p1_dport;
	first->ttl = s->p1_ttl;
	first->tcp_flags = s->p1_flags;
	first->klass.tags = s->p1_tags;
	first->klass.ttl_initial = s->p1_ttl_initial;
	first->klass.ttl_hops = s->p1_hops;
	first->klass.kb_dport = s->p1_kb_dport;
	first->klass.kb_id = s->p1_kb_id;
	first->klass.verdict = s->p1_verdict;
}

#endif
