/* corr_facts.h - what the kb says about a record, for the detectors
 * (corr_facts.c). Internal to nflogd/correlate/. */
#ifndef NFLOGD_CORR_FACTS_H
#define NFLOGD_CORR_FACTS_H

#include "correlate/corr_int.h"

/* The kb row behind a record and its verdict: the classifier's, or our own
 * lookup when the record carries none (kb given to corr_new). */
uint16_t corr_kb_row(const struct corr *c, const struct ring_rec *r, enum kb_dir dir,
		     uint8_t *verdict);

#endif
