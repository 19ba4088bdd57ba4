/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringnames.c - the stable names of the ring's counters and alert types (ringnames.h). */
#include <stddef.h>

#include "ring/ringfmt.h"
#include "ring/ringnames.h"

static const char *const ring_ctr_names[__RING_CTR_MAX] = {
	[RING_CTR_RECEIVED]	  = "received",
	[RING_CTR_RECORDED]	  = "recorded",
	[RING_CTR_LOST_SEQ]	  = "lost_seq",
	[RING_CTR_ENOBUFS]	  = "enobufs",
	[RING_CTR_SOCK_DROPS]	  = "sock_drops",
	[RING_CTR_TRUNCATED]	  = "truncated",
	[RING_CTR_INVALID]	  = "invalid",
	[RING_CTR_BAD_MSG]	  = "bad_msg",
	[RING_CTR_MSG_TRUNC]	  = "msg_trunc",
	[RING_CTR_NO_SEQ]	  = "no_seq",
	[RING_CTR_SEQ_RESET]	  = "seq_reset",
	[RING_CTR_IPV4]		  = "ipv4",
	[RING_CTR_IPV6]		  = "ipv6",
	[RING_CTR_L3_OTHER]	  = "l3_other",
	[RING_CTR_TCP]		  = "tcp",
	[RING_CTR_UDP]		  = "udp",
	[RING_CTR_ICMP]		  = "icmp",
	[RING_CTR_ICMPV6]	  = "icmpv6",
	[RING_CTR_L4_OTHER]	  = "l4_other",
	[RING_CTR_FRAGMENT]	  = "fragment",
	[RING_CTR_PREFIX_FULL]	  = "prefix_full",
	[RING_CTR_BATCHES]	  = "batches",
	[RING_CTR_DROPS_PENDING]  = "drops_pending",
	[RING_CTR_V_UNKNOWN]	  = "verdict_unknown",
	[RING_CTR_V_EXPECTED]	  = "verdict_expected",
	[RING_CTR_V_NOISE]	  = "verdict_noise",
	[RING_CTR_V_SUSPICIOUS]	  = "verdict_suspicious",
	[RING_CTR_V_HOSTILE]	  = "verdict_hostile",
	[RING_CTR_KB_FULL]	  = "kb_full",
	[RING_CTR_CORR_LAPPED]	  = "corr_lapped",
	[RING_CTR_CORR_EVICTED]	  = "corr_evicted",
	[RING_CTR_ALERTS]	  = "alerts",
};

const char *ring_ctr_name(unsigned c)
{
	return c < __RING_CTR_MAX ? ring_ctr_names[c] : NULL;
}

const char *ring_alert_type_name(unsigned type)
{
	static const char *const names[__RING_ALERT_MAX] = {
		[RING_ALERT_PORTSCAN]	= "port-scan",
		[RING_ALERT_SWEEP]	= "sweep",
		[RING_ALERT_DECOY]	= "decoy-scan",
		[RING_ALERT_TRACEROUTE]	= "traceroute",
		[RING_ALERT_SMURF]	= "smurf",
		[RING_ALERT_FRAGGLE]	= "fraggle",
		[RING_ALERT_NOISE]	= "noise",
		[RING_ALERT_HEARTBEAT]	= "heartbeat",
		[RING_ALERT_IPID]	= "ipid-sequence",
		[RING_ALERT_TTL]	= "ttl-jump",
		[RING_ALERT_STATE_FULL]	= "state-full",
	};

	return type < __RING_ALERT_MAX ? names[type] : NULL;
}
