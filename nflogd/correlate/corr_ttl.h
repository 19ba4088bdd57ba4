/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_ttl.h - the detectors of one source's own packets: TTL jumps,
 * traceroutes, and per-source chatter (NOISE, FRAGGLE probes). The part that
 * every record runs, static inline (internal to the correlator; corr_int.h
 * says why); corr_ttl.c opens the TTL and TRACEROUTE incidents. */
#ifndef NFLOGD_CORR_TTL_H
#define NFLOGD_CORR_TTL_H

#include "correlate/corr_src.h"

/* corr_ttl.c: the TTL incident (k) of source s, at its first jump (r). */
struct corr_inc *corr_ttl_open(struct corr *c, const struct ring_rec *r, struct corr_src *s,
			       const struct corr_key *k);
/* corr_ttl.c: the TRACEROUTE incident (k) of s's series, at its threshold
 * (r; udp: its probes are UDP). */
struct corr_inc *corr_trace_open(struct corr *c, const struct ring_rec *r, struct corr_src *s,
				 bool udp, const struct corr_key *k);

/* A source that varies its TTL probe by probe: say so on its scan alerts. */
static inline void corr_ttl_random(struct corr *c, const struct ring_rec *r)
{
	static const unsigned types[] = { RING_ALERT_PORTSCAN, RING_ALERT_SWEEP };
	struct corr_inc *inc;
	struct corr_key k;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		corr_key_set(&k, types[i], r->family, r->saddr, NULL, 0, 0, 0);
		inc = corr_inc_at(c, &k);
		if (inc)
			inc->a.evidence |= RING_EV_TTL_RANDOM;
	}
	corr_key_set(&k, RING_ALERT_DECOY, r->family, r->daddr, NULL, 0, 0, 0);
	inc = corr_inc_at(c, &k);
	if (inc)
		inc->a.evidence |= RING_EV_TTL_RANDOM;
}

/* A record of a source whose hop baseline is running: follow it (wobble,
 * an unsettled baseline starting again, a new normal). True if the record
 * jumped from a settled baseline. */
static inline bool corr_ttl_follow(const struct corr *c, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_src *s = p->s;
	bool jump = false;
	unsigned dist;

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
	return jump;
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
static inline void corr_ttl(struct corr *c, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_src *s = p->s;
	struct corr_inc *inc = NULL;
	struct corr_key k;
	bool jump;

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
	jump = corr_ttl_follow(c, p);
	if (!s->ttl_alert && __builtin_popcount(s->hop_bits) >= CORR_TTL_RANDOM)
		corr_ttl_random(c, r);
	if (!jump && !s->ttl_alert)
		return;
	corr_key_set(&k, RING_ALERT_TTL, r->family, r->saddr, NULL, 0, 0, 0);
	inc = corr_inc_at(c, &k);
	if (!inc) {
		s->ttl_alert = 0;
		if (!jump)
			return;
		inc = corr_ttl_open(c, r, s, &k);
	}
	corr_inc_rec(inc, r);
	if (__builtin_popcount(s->hop_bits) >= CORR_TTL_RANDOM)
		inc->a.evidence |= RING_EV_TTL_RANDOM;
	corr_inc_grew(c, inc);
}

/* A traceroute probe (corr_trace): start, continue or end its source's
 * series. True if the series is long enough to report. */
static inline bool corr_trace_series(const struct corr *c, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_src *s = p->s;

	corr_src_rare(s);
	if (s->tr_proto != r->proto || memcmp(s->tr_dst, r->daddr, 16) ||
	    corr_since(r->ts_ns, s->tr_last) > c->cfg.window_ns || r->ttl < s->tr_ttl ||
	    r->ttl > s->tr_ttl + CORR_TRACE_STEP_MAX) {
		s->tr_proto = 0;
		if (r->ttl > CORR_TRACE_START_MAX)
			return false;
		s->tr_proto = r->proto;
		memcpy(s->tr_dst, r->daddr, 16);
		s->tr_ttl = s->tr_ttl0 = r->ttl;
		s->tr_first = s->tr_last = r->ts_ns;
		s->tr_probes = 1;
		s->tr_rises = 0;
		s->tr_consec = 1;
		s->tr_port = s->tr_port0 = r->dport;
		return false;
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
	return s->tr_probes >= c->cfg.trace_probes && s->tr_rises;
}

/*
 * Traceroute: from one source to one target, UDP probes to 33434-33600 or
 * ICMP echo requests whose TTL rises by one per round (several probes per
 * round). Only probes that got this far are logged, so the TTL seen here is
 * what was left of it: a series starts low (<= CORR_TRACE_START_MAX) and
 * climbs. Guards: a ping whose TTL wobbles by one starts high; a TTL that
 * falls or leaps ends the series.
 */
static inline void corr_trace(struct corr *c, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_src *s = p->s;
	struct corr_inc *inc;
	struct corr_key k;

	if (!p->trace_udp && !p->echo_req)
		return;
	if (!corr_trace_series(c, p))
		return;
	corr_key_set(&k, RING_ALERT_TRACEROUTE, r->family, r->saddr, r->daddr, 0, 0, 0);
	inc = corr_inc_at(c, &k);
	if (!inc)
		inc = corr_trace_open(c, r, s, p->trace_udp, &k);
	corr_inc_rec(inc, r);
	if (p->trace_udp)	/* while ports count up, each one is new */
		corr_inc_port(c, inc, r->dport, s->tr_consec);
	inc->a.evidence |= RING_EV_TTL_RISING;
	if (p->trace_udp && s->tr_consec)
		inc->a.evidence |= RING_EV_PORTS_CONSEC;
	else
		inc->a.evidence &= (uint16_t)~RING_EV_PORTS_CONSEC;
	corr_inc_kb(inc, p->kb_dst, p->kb_dst_verdict);
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
static inline void corr_per_source(struct corr *c, const struct corr_pkt *p, unsigned type)
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
	corr_key_set(&k, type, r->family, r->saddr, NULL, 0, 0, 1);
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

#endif
