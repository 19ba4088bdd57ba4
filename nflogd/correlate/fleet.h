/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fleet.h - correlation across the hosts of a fleet, over the JSON Lines
 * a collector gathered from every host's nflogd (doc/fleet.md).
 *
 * Two parts. fleet_ev_parse() (fleet_in.c) turns one untrusted line into
 * a struct fleet_ev: the few fields the fleet view needs, each checked, or a
 * named reason why the line is skipped. The fleet correlator (fleet.c)
 * takes events in time order and emits incidents that span hosts:
 *
 *   distributed-scan   one source probed several hosts, more ports than hosts
 *   distributed-sweep  one source probed several hosts on fewer ports than hosts
 *   distributed-decoy  the hosts' own decoy-scan alerts for one port set at
 *                      one time, on several hosts; the decoy members' own
 *                      probes are folded into it, not alerted on their own
 *
 * A probe is a TCP/UDP drop that is not noise (kb category "noise"), not to a
 * broadcast or multicast address and not a late reply (as the correlator
 * says in doc/correlation.md); noise stays per host and is only counted.
 * Memory is fixed at fleet_new(): sources, decoy incidents and hosts are
 * bounded tables; a full source table evicts its least recently seen entry
 * (emitting its incident first if it has one).
 */
#ifndef NFLOGD_FLEET_H
#define NFLOGD_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/jsonl.h"

#define FLEET_HOST_MAX		255	/* bytes of a host.name (a DNS name's limit) */
#define FLEET_HOSTS_MAX		256	/* distinct hosts one run follows */
#define FLEET_PORTS		16	/* ports listed per event and per incident */

enum fleet_ev_kind {
	FLEET_EV_DROP	= 1,
	FLEET_EV_ALERT	= 2,
};

/* One collector line, as far as the fleet view reads it. */
struct fleet_ev {
	uint64_t ts;			/* @timestamp, ns since the epoch */
	char	 host[FLEET_HOST_MAX + 1];	/* host.name, NUL-terminated */
	uint8_t	 kind;			/* enum fleet_ev_kind */
	uint8_t	 family;		/* 4 or 6, of source.ip; 0 none */
	uint8_t	 dfamily;		/* of destination.ip */
	uint8_t	 proto;			/* network.transport: 6, 17, 1, 58; 0 other */
	uint8_t	 saddr[16], daddr[16];
	int32_t	 sport, dport;		/* -1: none */
	uint8_t	 verdict;		/* enum kb_verdict of nflog.verdict, 0 unknown */
	bool	 noise;			/* nflog.kb.category "noise" */
	bool	 bcast;			/* broadcast or multicast destination */
	bool	 ack_rst;		/* nflog.tcp.flags has A or R */
	/* Alerts (event.kind "alert"). */
	uint8_t	 atype;			/* enum ring_alert_type of nflog.alert.type */
	uint8_t	 nports;		/* nflog.alert.ports listed */
	uint16_t ports[FLEET_PORTS];
	uint16_t port_lo, port_hi;	/* nflog.alert.port_range; 0, 0 when absent */
	uint32_t sources;		/* nflog.alert.sources */
	uint32_t port_count;		/* nflog.alert.port_count */
	uint64_t first, last;		/* nflog.alert.first_seen, last_seen (ns) */
};

/* Why lines were skipped: one counter per enum jsonl_err (jsonl_err_name). */
struct fleet_in_stats {
	uint64_t lines;			/* read, good or not */
	uint64_t drops, alerts;		/* taken */
	uint64_t other;			/* valid lines of another event.kind: ignored */
	uint64_t bad[__JSONL_E_MAX];	/* skipped, by reason */
};

/*
 * fleet_ev_parse - line[0..len) into *ev. JSONL_OK, or why it is skipped
 * with a one-line reason in err (the field and what is wrong with it).
 * host.name and @timestamp are required; so is source.ip for a drop.
 * Pure; sc is scratch.
 */
enum jsonl_err fleet_ev_parse(const char *line, size_t len, struct fleet_ev *ev,
			      struct jsonl_scratch *sc, char *err, size_t errlen);

/* fleet_ts_parse - RFC 3339 UTC ("2026-11-22T02:50:02.123456789Z", 0-9
 * fraction digits, years 1970-2500: 64-bit ns end in 2554) to ns since the
 * epoch; false when malformed. */
bool fleet_ts_parse(const char *s, size_t len, uint64_t *ns);

/* ---- the fleet correlator -------------------------------------------------- */

enum fleet_type {
	FLEET_SCAN	= 1,	/* distributed-scan */
	FLEET_SWEEP	= 2,	/* distributed-sweep */
	FLEET_DECOY	= 3,	/* distributed-decoy */
};

struct fleet_cfg {
	uint64_t close_ns;	/* an incident ends after this much quiet (input clock) */
	uint32_t min_hosts;	/* hosts a source must touch to be a fleet incident */
	uint32_t max_sources;	/* per-source states: the memory bound */
	uint32_t max_decoys;	/* decoy incidents followed at once */
};

/* An incident, valid during the emit call only. */
struct fleet_alert {
	uint8_t	  type;		/* enum fleet_type */
	uint8_t	  family;
	uint8_t	  saddr[16];	/* the source; for decoys, the likely real one of the first host */
	uint8_t	  daddr[16];	/* scans, sweeps: the first address probed (zero: none known) */
	uint8_t	  verdict;	/* highest seen */
	uint64_t  first, last;	/* ns */
	uint32_t  packets;	/* drops (for decoys: of the folded members) */
	uint32_t  ports;	/* distinct ports, a lower bound past FLEET_PORTS */
	uint16_t  port_lo, port_hi;
	uint16_t  port_sample[FLEET_PORTS];
	uint8_t	  nsample;
	uint8_t	  protos;	/* 1 TCP, 2 UDP */
	uint32_t  sources;	/* decoys: largest set a host saw; 1 otherwise */
	uint32_t  members;	/* decoys: sources folded into it */
	uint32_t  nhosts;
	const char *const *hosts;	/* nhosts names, sorted */
};

typedef void (*fleet_emit_fn)(const struct fleet_alert *a, void *arg);

struct fleet;

/* fleet_cfg_default - close 60 s, 2 hosts, 65536 sources, 256 decoy sets. */
void fleet_cfg_default(struct fleet_cfg *cfg);

/* fleet_new - NULL with errno set (EINVAL for a bad cfg, ENOMEM). */
struct fleet *fleet_new(const struct fleet_cfg *cfg);
void fleet_free(struct fleet *f);

/* fleet_feed - one event; incidents that ended by its time are emitted
 * first (looked for once per second of input time). 0, or -ENOSPC when its
 * host is past FLEET_HOSTS_MAX (not taken). */
int fleet_feed(struct fleet *f, const struct fleet_ev *ev, fleet_emit_fn emit, void *arg);

/* fleet_flush - the end of input: emit every incident still open. */
void fleet_flush(struct fleet *f, fleet_emit_fn emit, void *arg);

/* Accounting. */
struct fleet_stats {
	uint64_t probes;	/* drops taken as probes */
	uint64_t noise;		/* drops that stayed per host (noise, broadcast, replies) */
	uint64_t evictions;	/* source states reused while the table was full */
	uint64_t decoy_evictions;
	uint64_t hosts_full;	/* events of hosts past FLEET_HOSTS_MAX */
	uint64_t alerts;	/* incidents emitted */
	uint32_t hosts;
};
void fleet_stats(const struct fleet *f, struct fleet_stats *st);
/* fleet_host_noise - noise drops counted for host i (< hosts), and its name. */
uint64_t fleet_host_noise(const struct fleet *f, uint32_t i, const char **name);
size_t fleet_memory(const struct fleet *f);

const char *fleet_type_name(unsigned type);

#endif
