/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corr_facts.h - what the kb says about a record, for the detectors.
 * Internal to nflogd/correlate/. Inline: corr_feed() asks it for most
 * records, and a call out of correlate.c cost the random stream 8
 * instructions per record (tests/bench/corrmicro, callgrind). */
#ifndef NFLOGD_CORR_FACTS_H
#define NFLOGD_CORR_FACTS_H

#include <netinet/in.h>

#include "correlate/corr_int.h"

/*
 * kb_port_lookup(), remembered: a record the classifier found no row for (or
 * one replayed from its source's held first probe) is looked up again here
 * for every probe, at about 75 instructions and a mispredicted branch a
 * time, and a scan or a chatty source asks about the same few ports over
 * and over. The kb does not change under a correlator (corr_new() takes
 * it once), so an answer stays true; the memo holds 1024, as many as the
 * ports of a scan of the first thousand.
 */
static inline const struct corr_kb_memo *corr_kb_port(struct corr *c, enum kb_dir dir,
						      uint8_t proto, uint16_t port)
{
	uint32_t key = 1u << 31 | (uint32_t)dir << 24 | (uint32_t)proto << 16 | port;
	struct corr_kb_memo *m = &c->kb_memo[(port ^ (uint32_t)proto << 5 ^ (uint32_t)dir << 9) &
					     (CORR_KB_MEMO - 1)];
	const struct kb_port *row;

	if (m->key != key) {
		row = kb_port_lookup(c->kb, dir, proto, port);
		m->key = key;
		m->found = row != NULL;
		m->id = row ? row->id : 0;
		m->verdict = row ? row->verdict : 0;
	}
	return m;
}

/* The kb row behind a record and its verdict: the classifier's, or our own
 * lookup when the record carries none (kb given to corr_new). */
static inline uint16_t corr_kb_row(struct corr *c, const struct ring_rec *r, enum kb_dir dir,
				   uint8_t *verdict)
{
	const struct corr_kb_memo *m;
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
	if (!c->kb || (r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP))
		return r->klass.kb_id;
	m = corr_kb_port(c, dir, r->proto, dir == KB_DIR_DST ? r->dport : r->sport);
	if (!m->found)
		return r->klass.kb_id;
	*verdict = corr_maxv(*verdict, m->verdict);
	return m->id;
}

#endif
