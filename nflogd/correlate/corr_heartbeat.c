/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_heartbeat.c - inherited-address heartbeats: opening the incident.
 * corr_heartbeat.h has what every connection attempt runs. */
#include <string.h>

#include "correlate/corr_heartbeat.h"

struct corr_inc *corr_hb_open(struct corr *c, const struct ring_rec *r, struct corr_grp *g,
			      const struct corr_hslot *reg, const struct corr_key *ik)
{
	struct corr_inc *inc = corr_inc_at(c, ik);

	if (!inc) {
		inc = corr_inc_new(c, ik, RING_ALERT_HEARTBEAT, r->family, g->first, 0);
		memcpy(inc->a.saddr, reg->who.addr, 16);
		memcpy(inc->a.daddr, r->daddr, 16);
		inc->a.targets = 1;
		inc->a.packets = g->packets - 1;	/* this one is added below */
		inc->a.verdict = KB_VERDICT_NOISE;
		inc->a.evidence = RING_EV_REGULAR;
	}
	g->alerting = 1;
	return inc;
}
