/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_ttl.c - TTL jumps and traceroutes: opening their incidents.
 * corr_ttl.h has what every record runs. */
#include <string.h>

#include "correlate/corr_ttl.h"

struct corr_inc *corr_ttl_open(struct corr *c, const struct ring_rec *r, struct corr_src *s,
			       const struct corr_key *k)
{
	struct corr_inc *inc = corr_inc_new(c, k, RING_ALERT_TTL, r->family, r->ts_ns, 0);

	memcpy(inc->a.saddr, r->saddr, 16);
	memcpy(inc->a.daddr, r->daddr, 16);
	inc->a.sources = 1;
	inc->a.targets = 1;
	inc->a.verdict = KB_VERDICT_SUSPICIOUS;
	corr_inc_ttl(inc, s->ttl_min, s->ttl_max);
	s->ttl_alert = 1;
	return inc;
}

/* The series so far goes in; corr_trace() adds the probe at hand. */
struct corr_inc *corr_trace_open(struct corr *c, const struct ring_rec *r, struct corr_src *s,
				 bool udp, const struct corr_key *k)
{
	struct corr_inc *inc = corr_inc_new(c, k, RING_ALERT_TRACEROUTE, r->family, s->tr_first, 0);
	unsigned port;

	memcpy(inc->a.saddr, r->saddr, 16);
	memcpy(inc->a.daddr, r->daddr, 16);
	inc->a.sources = 1;
	inc->a.targets = 1;
	inc->a.packets = s->tr_probes - 1u;	/* this one is added below */
	corr_inc_ttl(inc, s->tr_ttl0, s->tr_ttl0);
	if (udp && s->tr_consec)
		for (port = s->tr_port0; port < r->dport; port++)
			corr_inc_port(c, inc, (uint16_t)port, true);
	s->traced = 1;
	return inc;
}
