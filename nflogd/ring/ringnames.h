/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringnames.h - the stable names of the ring's counters and alert types.
 *
 * They are part of the file format as readers see it: JSON keys, Prometheus
 * labels and syslog words are made from them, so a name never changes once
 * released; a new counter or alert type gets a new name. Kept beside
 * ringfmt.h so that readers need not include the writer that made a record
 * (the correlator) to name it. */
#ifndef NFLOGD_RINGNAMES_H
#define NFLOGD_RINGNAMES_H

/* ring_ctr_name - name of counter c (enum ring_ctr), or NULL past the end. */
const char *ring_ctr_name(unsigned c);

/* ring_alert_type_name - "port-scan", "sweep", ... for enum ring_alert_type,
 * or NULL for 0 and past the end. */
const char *ring_alert_type_name(unsigned type);

#endif
