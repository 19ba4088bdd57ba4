/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_target.c - the detectors of state per target, the part that does not
 * run per record: decoy groups forming and their evidence, an IP ID
 * sequence joining its incident. corr_target.h has the rest. */
#include <string.h>

#include "correlate/corr_src.h"
#include "correlate/corr_target.h"

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
		s = corr_src_find_at(c, family, d->who.addr, d->src);
		hist = s && s->first < d->first ? s->first : d->first;
		if (!best || d->crafted < best->crafted ||
		    (d->crafted == best->crafted &&
		     (hist < best_hist || (hist == best_hist && d->first < best->first)))) {
			best = d;
			best_hist = hist;
		}
	}
	if (best)
		memcpy(inc->a.saddr, best->who.addr, 16);
}

/* Evidence about the decoy group: do the members' TTLs agree (one machine
 * sending all of them gives one TTL), do their IP IDs form one sequence,
 * is one IP ID repeated? */
void corr_decoy_evidence(struct corr *c, const struct corr_tgt *t, unsigned family,
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
		a32[n++] = d->who.a32;
		s = corr_src_find_at(c, family, d->who.addr, d->src);
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

/* The slots of p's target that probe d's port set (a mask; d is one of
 * them), *n of them; *joined_open: one of the others is in the open DECOY
 * incident already. */
static unsigned corr_decoy_set(const struct ring_rec *r, const struct corr_tgt *t,
			       const struct corr_dslot *d, unsigned *n, bool *joined_open)
{
	unsigned i, mask = 0;

	*n = 0;
	*joined_open = false;
	for (i = 0; i < CORR_DSLOTS; i++) {
		const struct corr_dslot *x = &t->d[i];

		if (!x->used || x->nports < CORR_DECOY_COMMON ||
		    corr_since(r->ts_ns, x->last) > CORR_DECOY_NS)
			continue;
		if (x != d && (corr_decoy_may(d, x) < CORR_DECOY_COMMON ||
			       corr_decoy_common(d, x) < CORR_DECOY_COMMON))
			continue;
		mask |= 1u << i;
		(*n)++;
		if (x != d && x->member)
			*joined_open = true;
	}
	return mask;
}

bool corr_decoy_group(struct corr *c, const struct ring_rec *r, struct corr_tgt *t,
		      const struct corr_dslot *d, struct corr_inc *inc, const struct corr_key *k)
{
	unsigned i, j, n, mask;
	bool joined_open;

	mask = corr_decoy_set(r, t, d, &n, &joined_open);
	if (!(inc && joined_open) && n < c->cfg.decoy_sources)
		return false;
	if (!inc) {
		inc = corr_inc_new(c, k, RING_ALERT_DECOY, r->family, r->ts_ns, CORR_DIM_PORTS);
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

struct corr_inc *corr_ipid_join(struct corr *c, const struct ring_rec *r, struct corr_chain *ch,
				struct corr_inc *inc, const struct corr_key *k)
{
	if (!inc) {
		inc = corr_inc_new(c, k, RING_ALERT_IPID, r->family, ch->first, 0);
		memcpy(inc->a.saddr, ch->first_src, 16);
		memcpy(inc->a.daddr, r->daddr, 16);
		inc->a.targets = 1;
		inc->a.verdict = KB_VERDICT_SUSPICIOUS;
	}
	inc->a.packets += ch->len - 1u;		/* this one is added below */
	ch->alerting = 1;
	return inc;
}
