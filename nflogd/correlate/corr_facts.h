/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_facts.h - what the kb says about a record, for the detectors.
 * Internal to nflogd/correlate/. Inline: corr_feed() asks it for most
 * records, and a call out of correlate.c cost the random stream 8
 * instructions per record (tests/bench/corrmicro, callgrind). */
#ifndef NFLOGD_CORR_FACTS_H
#define NFLOGD_CORR_FACTS_H

#include <netinet/in.h>

#include "correlate/corr_int.h"

/* The kb row behind a record and its verdict: the classifier's, or our own
 * lookup when the record carries none (kb given to corr_new). */
static inline uint16_t corr_kb_row(const struct corr *c, const struct ring_rec *r,
				   enum kb_dir dir, uint8_t *verdict)
{
	const struct kb_port *row = NULL;
	const struct kb_icmp *irow;
	uint16_t id;

	*verdict = r->klass.verdict;
	if (r->proto == IPPROTO_ICMP || r->proto == IPPROTO_ICMPV6) {
		if (r->klass.kb_icmp)
			return r->klass.kb_icmp;
		irow = c->kb ? kb_icmp_lookup(c->kb, r->family, r->icmp_type, r->icmp_code) : NULL;
		if (irow)
			*verdict = corr_maxv(*verdict, irow->verdict);
		return irow ? irow->id : 0;
	}
	id = dir == KB_DIR_DST ? r->klass.kb_dport : r->klass.kb_sport;
	if (id)
		return id;
	if (c->kb && (r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP))
		row = kb_port_lookup(c->kb, dir, r->proto, dir == KB_DIR_DST ? r->dport : r->sport);
	if (row)
		*verdict = corr_maxv(*verdict, row->verdict);
	return row ? row->id : r->klass.kb_id;
}

#endif
