/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_inc.h - the correlator's incidents (corr_inc.c): open, count, emit,
 * close, and the inline setters the detectors call per record. Internal to
 * nflogd/correlate/. */
#ifndef NFLOGD_CORR_INC_H
#define NFLOGD_CORR_INC_H

#include "correlate/corr_tab.h"

/* ---- incidents (corr_inc.c) ---------------------------------------------- */

/* corr_emit - send inc's alert at state (RING_ALERT_OPEN, UPDATE, CLOSED). */
void corr_emit(struct corr *c, struct corr_inc *inc, uint8_t state);
/* corr_inc_close - close the incident in inc slot i (CLOSED if it was opened). */
void corr_inc_close(struct corr *c, uint32_t i);
/* corr_inc.c: corr_inc_at() past its type's hint. */
struct corr_inc *corr_inc_at_slow(struct corr *c, const struct corr_key *k);

/* The open incident of key k, touched (it is active), or NULL. Inline up to
 * the hint of k's type, which most lookups end at (none of the type open,
 * or the one last found): a probe of a scan asks about several types. */
CORR_HOT struct corr_inc *corr_inc_at(struct corr *c, const struct corr_key *k)
{
	uint32_t i = c->inc_hint[k->kind];

	if (!c->inc_open[k->kind])
		return NULL;
	if (i == CORR_NONE || !corr_key_eq(&c->inc.slot[i].key, k))
		return corr_inc_at_slow(c, k);
	corr_tab_touch(&c->inc, i, c->now);
	return corr_tab_val(&c->inc, i);
}
/*
 * corr_inc_new - a new incident for k (which has none); not emitted until the
 * caller fills it and calls corr_inc_grew(). When the table is full the
 * least recently active incident is closed first: it may come back later
 * under a new id, which beats losing the new one.
 */
struct corr_inc *corr_inc_new(struct corr *c, const struct corr_key *k, unsigned type,
			      unsigned family, uint64_t first, enum corr_dim dim);
/* Account one record: packets, times, TTL range, transport. */
void corr_inc_rec(struct corr_inc *inc, const struct ring_rec *r);
/*
 * Count a destination port. Exact with a pooled port map; without one, a
 * port already in the sample is known, and a port past a full sample is
 * counted only when the caller knows it is new (assume_new).
 */
bool corr_inc_port(struct corr *c, struct corr_inc *inc, uint16_t port, bool assume_new);
/* Count a host (dim HOSTS) or source (dim SOURCES) given as corr_addr32:
 * the pooled map when the incident has one of that kind, else 256 hashed
 * bits (a lower bound past a few dozen). */
bool corr_inc_distinct(struct corr *c, struct corr_inc *inc, enum corr_dim dim, uint32_t v);

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

static inline void corr_inc_ttl(struct corr_inc *inc, uint8_t lo, uint8_t hi)
{
	if (lo < inc->a.ttl_min)
		inc->a.ttl_min = lo;
	if (hi > inc->a.ttl_max)
		inc->a.ttl_max = hi;
}

static inline void corr_inc_proto(struct corr_inc *inc, uint8_t proto)
{
	if (!inc->proto_set) {
		inc->a.proto = proto;
		inc->proto_set = 1;
	} else if (inc->a.proto != proto) {
		inc->a.proto = 0;	/* mixed */
	}
}

/* The kb row that explains an incident: the most alarming one seen. */
static inline void corr_inc_kb(struct corr_inc *inc, uint16_t kb_id, uint8_t verdict)
{
	if (kb_id && (!inc->a.kb_id || verdict > inc->kb_verdict)) {
		inc->a.kb_id = kb_id;
		inc->kb_verdict = verdict;
	}
}

#endif
