/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringmetrics.c - the ring's counters as Prometheus metric families. */
#include "ring/ringfmt.h"
#include "report/ringmetrics.h"

const struct ringmetric ringmetrics[] = {
	{ RING_CTR_RECEIVED, "nflogd_received_total", "counter",
	  "NFLOG packet messages nflogd received and parsed." },
	{ RING_CTR_RECORDED, "nflogd_records_total", "counter",
	  "Records written to the ring: drops in capture segments, alert states in the "
	  "alert segment." },
	{ RING_CTR_LOST_SEQ, "nflogd_lost_seq_total", "counter",
	  "NFLOG messages lost before nflogd read them, sized exactly from gaps in the "
	  "group's sequence numbers (cause: sequence gap)." },
	{ RING_CTR_ENOBUFS, "nflogd_enobufs_episodes_total", "counter",
	  "Netlink socket overrun episodes (ENOBUFS); the messages lost in them are "
	  "counted by nflogd_lost_seq_total." },
	{ RING_CTR_SOCK_DROPS, "nflogd_socket_drops_total", "counter",
	  "Datagrams the netlink socket dropped, as the kernel reports them (SO_MEMINFO)." },
	{ RING_CTR_DROPS_PENDING, "nflogd_drops_pending", "gauge",
	  "1 while a socket overrun happened whose size is not known yet (the next logged "
	  "packet sizes it)." },
};
const size_t ringmetrics_n = sizeof(ringmetrics) / sizeof(ringmetrics[0]);

const char ringmetrics_verdict_help[] =
	"Drop records by verdict (the kb row's, raised by the packet's tags).";

const unsigned ringmetrics_verdict_ctr[__KB_VERDICT_MAX] = {
	RING_CTR_V_UNKNOWN, RING_CTR_V_EXPECTED, RING_CTR_V_NOISE, RING_CTR_V_SUSPICIOUS,
	RING_CTR_V_HOSTILE,
};
