/* SPDX-License-Identifier: GPL-2.0-or-later */
/* correlate.h - multi-packet patterns across drop records, off the packet path.
 *
 * Pure state machine: records go in (in time order per source, roughly in
 * time order overall), alerts come out through a callback. No I/O, no
 * threads; the daemon runs it on a thread of its own that tails the capture
 * segments, and the tests feed it synthetic streams. Memory is bounded by
 * corr_cfg.max_sources: when full, the least recently seen state is evicted
 * and counted.
 */
#ifndef NFLOGD_CORRELATE_H
#define NFLOGD_CORRELATE_H

#include <stddef.h>
#include <stdint.h>

#include "ring/ringfmt.h"

struct kb;

/* Thresholds; corr_cfg_default() documents the defaults (doc/correlation.md). */
struct corr_cfg {
	uint64_t window_ns;		/* a pattern must build up within this window */
	uint64_t close_ns;		/* an incident closes after this much quiet */
	uint64_t update_ns;		/* at most one UPDATE per incident this often */
	uint32_t scan_ports;		/* distinct ports of one host: port scan */
	uint32_t sweep_hosts;		/* distinct hosts on one port: sweep */
	uint32_t decoy_sources;		/* sources probing one port set together: decoy */
	uint32_t trace_probes;		/* probes with rising TTL: traceroute */
	uint32_t smurf_sources;		/* echo-reply sources within the window: smurf */
	uint32_t fraggle_packets;	/* UDP 7/19 broadcast probes or 7/19 replies */
	uint32_t noise_packets;		/* broadcast chatter from one source: one NOISE line */
	uint32_t heartbeat_sources;	/* sources retrying one port at regular gaps */
	uint32_t ipid_sources;		/* claimed sources sharing one IP ID sequence */
	uint32_t ttl_jump;		/* hop-count change of one source, hops */
	uint32_t max_sources;		/* per-source states kept: the memory bound */
};

struct corr;

/* Emitted alert; the pointer is valid during the call only. */
typedef void (*corr_emit_fn)(const struct ring_alert *alert, void *arg);

/* corr_cfg_default - the documented defaults. */
void corr_cfg_default(struct corr_cfg *cfg);

/*
 * corr_new - a correlator. kb (may be NULL) explains ports in alerts;
 * id_base is the first alert id (the daemon uses epoch << 24 so ids stay
 * unique across restarts). NULL with errno set.
 */
struct corr *corr_new(const struct corr_cfg *cfg, const struct kb *kb, uint32_t id_base);
void corr_free(struct corr *c);

/* corr_feed - account one drop record (kind RING_KIND_DROP; others ignored). */
void corr_feed(struct corr *c, const struct ring_rec *r, corr_emit_fn emit, void *arg);

/* corr_tick - time passes (now_ns, the records' clock): close quiet incidents,
 * forget expired state. Call at least once a second. */
void corr_tick(struct corr *c, uint64_t now_ns, corr_emit_fn emit, void *arg);

/* corr_flush - close every open incident (shutdown). */
void corr_flush(struct corr *c, corr_emit_fn emit, void *arg);

/* Accounting, for counters and tests. */
size_t corr_sources(const struct corr *c);	/* per-source states held now */
uint64_t corr_evictions(const struct corr *c);	/* states evicted for memory */
size_t corr_memory(const struct corr *c);	/* bytes held, a fixed bound */


#endif
