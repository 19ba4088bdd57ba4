/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_scan.h - port scans and sweeps, the part every probe runs: counting
 * ports per (source, host) and hosts per (source, port), and growing the
 * incident they feed. Static inline (internal to the correlator; corr_int.h
 * says why); corr_scan.c opens the incidents. */
#ifndef NFLOGD_CORR_SCAN_H
#define NFLOGD_CORR_SCAN_H

#include "correlate/corr_inc.h"

/* corr_scan.c: pair pr crossed cfg.scan_ports: its counts go into its
 * source's PORTSCAN incident (ik), opened if there is none. */
struct corr_inc *corr_scan_open(struct corr *c, const struct ring_rec *r, struct corr_pair *pr,
				const struct corr_key *ik);
/* corr_scan.c: sw crossed cfg.sweep_hosts: the same for its SWEEP incident. */
struct corr_inc *corr_sweep_open(struct corr *c, const struct ring_rec *r,
				 struct corr_sweep *sw, const struct corr_key *ik);

/* Is v new? Exact while the list has room (so a threshold up to its size
 * is counted exactly and the incident can be seeded from it), then by the
 * direct-mapped bits (a lower bound). */
static inline bool corr_list_add(uint16_t *list, uint8_t *n, unsigned max, uint64_t *map,
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

/* The record's (source, host) pair; *inc the PORTSCAN incident (ik) it is
 * counted into, else NULL. A pair whose incident closed or whose window
 * passed counts afresh. */
static inline struct corr_pair *corr_pair_get(struct corr *c, const struct ring_rec *r,
					      const struct corr_key *ik, struct corr_inc **inc)
{
	struct corr_pair *pr;
	struct corr_key k;
	enum corr_got got;

	corr_key_set(&k, CORR_K_PAIR, r->family, r->saddr, r->daddr, 0, 0, 0);
	pr = corr_state(c, &c->pair, &k, &got);
	*inc = NULL;
	if (got == CORR_FOUND && pr->alerting) {
		*inc = corr_inc_at(c, ik);
		if (!*inc)	/* the incident closed: count afresh */
			memset(pr, 0, sizeof(*pr));
	} else if (got == CORR_FOUND && corr_since(r->ts_ns, pr->first) > c->cfg.window_ns) {
		memset(pr, 0, sizeof(*pr));
	}
	return pr;
}

/* Count the probe into its pair: ports, their range and order, styles,
 * transports, TTLs, the most alarming kb row. */
static inline void corr_pair_count(struct corr_pair *pr, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;

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
	if (p->kb_dst && (!pr->kb_id || p->kb_dst_verdict > pr->verdict)) {
		pr->kb_id = p->kb_dst;
		pr->verdict = p->kb_dst_verdict;
	}
}

/*
 * Port scan: one source, cfg.scan_ports distinct destination ports of ONE
 * host inside the window. Counting per (source, host) is the guard for NATs
 * and busy clients: they reach many hosts on a few service ports, and their
 * own many source ports don't count. Late replies (corr_pkt.reply) and
 * broadcasts never get here. The incident is per source: further hosts that
 * cross the threshold add to its targets.
 */
static inline void corr_scan(struct corr *c, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_inc *inc;
	struct corr_pair *pr;
	struct corr_key ik;

	corr_key_set(&ik, RING_ALERT_PORTSCAN, r->family, r->saddr, NULL, 0, 0, 0);
	pr = corr_pair_get(c, r, &ik, &inc);
	corr_pair_count(pr, p);
	if (inc) {
		corr_inc_rec(inc, r);
		corr_inc_port(c, inc, r->dport, false);
		corr_inc_kb(inc, p->kb_dst, p->kb_dst_verdict);
		inc->a.scan_tags |= p->style;
	} else {
		if (pr->nports < c->cfg.scan_ports)
			return;
		inc = corr_scan_open(c, r, pr, &ik);
	}
	if (inc->dim != CORR_DIM_PORTS && pr->nports > inc->a.ports)
		inc->a.ports = pr->nports;	/* no exact map: the pair's count */
	if (p->s->ipid_const)
		inc->a.evidence |= RING_EV_IPID_CONST;
	inc->a.verdict = corr_maxv(KB_VERDICT_SUSPICIOUS, inc->kb_verdict);
	corr_inc_grew(c, inc);
}

static inline uint16_t corr_host16(const struct corr_pkt *p)
{
	return (uint16_t)p->daddr32;	/* an IPv4 /16 exactly, IPv6 hashed */
}

/* The record's (source, port) sweep state; *inc the SWEEP incident (ik) it
 * is counted into, else NULL. Afresh as for corr_pair_get(). */
static inline struct corr_sweep *corr_sweep_get(struct corr *c, const struct ring_rec *r,
						const struct corr_key *ik, struct corr_inc **inc)
{
	struct corr_sweep *sw;
	struct corr_key k;
	enum corr_got got;

	corr_key_set(&k, CORR_K_SWEEP, r->family, r->saddr, NULL, r->dport, r->proto, 0);
	sw = corr_state(c, &c->sweep, &k, &got);
	*inc = NULL;
	if (got == CORR_FOUND && sw->alerting) {
		*inc = corr_inc_at(c, ik);
		if (!*inc)
			memset(sw, 0, sizeof(*sw));
	} else if (got == CORR_FOUND && corr_since(r->ts_ns, sw->first) > c->cfg.window_ns) {
		memset(sw, 0, sizeof(*sw));
	}
	return sw;
}

/* Count the probe into its sweep state: hosts, styles, TTLs, kb row. */
static inline void corr_sweep_count(struct corr_sweep *sw, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;

	if (!sw->packets) {
		sw->first = r->ts_ns;
		sw->ttl_min = 255;
		memcpy(sw->first_dst, r->daddr, 16);
	}
	sw->packets++;
	if (corr_list_add(sw->hsample, &sw->nhsample, CORR_HSAMPLE, sw->map, CORR_SWEEP_BITS,
			  corr_host16(p)))
		sw->nhosts++;
	sw->tags |= p->style;
	if (r->ttl < sw->ttl_min)
		sw->ttl_min = r->ttl;
	if (r->ttl > sw->ttl_max)
		sw->ttl_max = r->ttl;
	if (p->kb_dst && (!sw->kb_id || p->kb_dst_verdict > sw->verdict)) {
		sw->kb_id = p->kb_dst;
		sw->verdict = p->kb_dst_verdict;
	}
}

/*
 * Sweep: one source, one destination port, cfg.sweep_hosts distinct hosts
 * inside the window. Hosts are counted by the low bits of their address, so
 * a sweep of one network is counted exactly. Guards as for port scans
 * (late replies and broadcasts are not probes). One incident per source:
 * each further port swept adds to its ports.
 */
static inline void corr_sweep(struct corr *c, const struct corr_pkt *p)
{
	const struct ring_rec *r = p->r;
	struct corr_sweep *sw;
	struct corr_inc *inc;
	struct corr_key ik;

	corr_key_set(&ik, RING_ALERT_SWEEP, r->family, r->saddr, NULL, 0, 0, 0);
	sw = corr_sweep_get(c, r, &ik, &inc);
	corr_sweep_count(sw, p);
	if (inc) {
		corr_inc_rec(inc, r);
		if (corr_inc_distinct(c, inc, CORR_DIM_HOSTS, corr_host16(p)))
			inc->a.targets++;
		inc->a.scan_tags |= p->style;
	} else {
		if (sw->nhosts < c->cfg.sweep_hosts)
			return;
		inc = corr_sweep_open(c, r, sw, &ik);
	}
	if (inc->dim != CORR_DIM_HOSTS && sw->nhosts > inc->a.targets)
		inc->a.targets = sw->nhosts;
	if (p->s->ipid_const)
		inc->a.evidence |= RING_EV_IPID_CONST;
	inc->a.verdict = corr_maxv(KB_VERDICT_SUSPICIOUS, inc->kb_verdict);
	corr_inc_grew(c, inc);
}

#endif
