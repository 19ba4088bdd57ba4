/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_inc.c - incidents: the alert a detector builds, from OPEN through
 * UPDATEs to CLOSED. Each is an entry of the inc table keyed by its alert
 * type and what it is about; corr_int.h documents the calls. */
#include <string.h>

#include "correlate/corr_inc.h"

void corr_emit(struct corr *c, struct corr_inc *inc, uint8_t state)
{
	inc->a.kind = RING_KIND_ALERT;
	inc->a.state = state;
	inc->a.ts_ns = inc->a.last_seen;
	inc->last_emit = c->now;
	inc->dirty = 0;
	if (c->emit)
		c->emit(&inc->a, c->arg);
}

void corr_inc_close(struct corr *c, uint32_t i)
{
	struct corr_inc *inc = corr_tab_val(&c->inc, i);

	if (inc->a.state)	/* never emitted: nothing to close */
		corr_emit(c, inc, RING_ALERT_CLOSED);
	corr_big_put(c, inc->bm);
	inc->bm = CORR_NONE;
	c->inc_open[c->inc.slot[i].key.kind]--;
	corr_tab_del(&c->inc, i);
}

struct corr_inc *corr_inc_at_slow(struct corr *c, const struct corr_key *k)
{
	uint32_t i = corr_tab_find(&c->inc, k, corr_hash(c, k));

	if (i == CORR_NONE)
		return NULL;
	c->inc_hint[k->kind] = i;
	corr_tab_touch(&c->inc, i, c->now);
	return corr_tab_val(&c->inc, i);
}

struct corr_inc *corr_inc_new(struct corr *c, const struct corr_key *k, unsigned type,
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

void corr_inc_rec(struct corr_inc *inc, const struct ring_rec *r)
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

bool corr_inc_port(struct corr *c, struct corr_inc *inc, uint16_t port, bool assume_new)
{
	bool fresh, in_sample = false;
	unsigned i;

	/* Whether port is in the sample matters only while the sample has
	 * room, or when it alone says whether the port is new: a scan's
	 * incident, its sample full, counts with its map and skips the pass. */
	if (inc->nsample < RING_ALERT_PORTS || (inc->dim != CORR_DIM_PORTS && assume_new))
		for (i = 0; i < inc->nsample; i++)
			if (inc->a.port_sample[i] == port) {
				in_sample = true;
				break;
			}
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

bool corr_inc_distinct(struct corr *c, struct corr_inc *inc, enum corr_dim dim, uint32_t v)
{
	if (inc->dim == dim)
		return corr_big_set(c, inc->bm, v & 0xffff);
	return corr_map_set(inc->small, (uint32_t)mix64(v) & 255);
}
