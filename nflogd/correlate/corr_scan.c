/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_scan.c - port scans and sweeps: a (source, host) pair or a (source,
 * port) crossing its threshold, folded into its source's incident.
 * corr_scan.h has what every probe runs. */
#include <string.h>

#include "correlate/corr_scan.h"

/* This host crossed the threshold: fold its counts in. */
struct corr_inc *corr_scan_open(struct corr *c, const struct ring_rec *r, struct corr_pair *pr,
				const struct corr_key *ik)
{
	struct corr_inc *inc = corr_inc_at(c, ik);
	unsigned i;

	if (!inc) {
		inc = corr_inc_new(c, ik, RING_ALERT_PORTSCAN, r->family, pr->first,
				   CORR_DIM_PORTS);
		memcpy(inc->a.saddr, r->saddr, 16);
		memcpy(inc->a.daddr, r->daddr, 16);
		inc->a.sources = 1;
	}
	pr->alerting = 1;
	inc->a.targets++;
	inc->a.packets += pr->packets;
	inc->a.first_seen = pr->first < inc->a.first_seen ? pr->first : inc->a.first_seen;
	inc->a.last_seen = corr_max64(inc->a.last_seen, r->ts_ns);
	for (i = 0; i < pr->nsample; i++)
		corr_inc_port(c, inc, pr->sample[i], true);
	corr_inc_port(c, inc, pr->lo, false);	/* the range, if past the sample */
	corr_inc_port(c, inc, pr->hi, false);
	corr_inc_ttl(inc, pr->ttl_min, pr->ttl_max);
	if (pr->protos & 1)
		corr_inc_proto(inc, 6);
	if (pr->protos & 2)
		corr_inc_proto(inc, 17);
	corr_inc_kb(inc, pr->kb_id, pr->verdict);
	inc->a.scan_tags |= pr->tags;
	if (pr->consec)
		inc->a.evidence |= RING_EV_PORTS_CONSEC;
	return inc;
}

/* This port crossed the threshold: fold its hosts in. */
struct corr_inc *corr_sweep_open(struct corr *c, const struct ring_rec *r,
				 struct corr_sweep *sw, const struct corr_key *ik)
{
	struct corr_inc *inc = corr_inc_at(c, ik);
	unsigned i;

	if (!inc) {
		inc = corr_inc_new(c, ik, RING_ALERT_SWEEP, r->family, sw->first, CORR_DIM_HOSTS);
		memcpy(inc->a.saddr, r->saddr, 16);
		memcpy(inc->a.daddr, sw->first_dst, 16);
		inc->a.sources = 1;
	}
	sw->alerting = 1;
	corr_inc_port(c, inc, r->dport, true);	/* each port crosses once */
	inc->a.packets += sw->packets;
	inc->a.first_seen = sw->first < inc->a.first_seen ? sw->first : inc->a.first_seen;
	inc->a.last_seen = corr_max64(inc->a.last_seen, r->ts_ns);
	for (i = 0; i < sw->nhsample; i++)
		if (corr_inc_distinct(c, inc, CORR_DIM_HOSTS, sw->hsample[i]))
			inc->a.targets++;
	corr_inc_ttl(inc, sw->ttl_min, sw->ttl_max);
	corr_inc_proto(inc, r->proto);
	corr_inc_kb(inc, sw->kb_id, sw->verdict);
	inc->a.scan_tags |= sw->tags;
	return inc;
}
