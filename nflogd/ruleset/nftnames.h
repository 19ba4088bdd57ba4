/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nftnames.h - names of what nflogd adds to the nftables ruleset: its own
 * table (`nflogctl rules install`), the sets suggestions block into, and the
 * log prefixes its rules use. Shared by the rule generator, the libnftnl
 * installer and the suggestion engine so the three always agree.
 */
#ifndef NFLOGD_NFTNAMES_H
#define NFLOGD_NFTNAMES_H

#define NFT_OWN_FAMILY		"inet"
#define NFT_OWN_TABLE		"nflogd"	/* default; --table changes it */
#define NFT_OWN_SET4		"block4"	/* ipv4_addr, flags timeout */
#define NFT_OWN_SET6		"block6"	/* ipv6_addr, flags timeout */
#define NFT_OWN_INPUT		"input"		/* hook input, before the usual filter */
#define NFT_OWN_INPUT_PRIO	(-10)
#define NFT_OWN_BLOCKLOG	"log_block"	/* counter, log, drop (per-CPU: vmap) */
#define NFT_OWN_ANTISPOOF	"antispoof"	/* added by a suggestion, hook prerouting */
#define NFT_OWN_ANTISPOOF_PRIO	(-300)

#define NFT_LOG_CHAIN		"nflogd_drop"	/* the snippet a ruleset jumps to */
#define NFT_PREFIX_DROP		"nflogd-drop"
#define NFT_PREFIX_BLOCK	"nflogd-block"
#define NFT_PREFIX_SPOOF	"nflogd-spoof"

#endif
