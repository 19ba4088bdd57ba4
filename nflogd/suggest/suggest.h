/* SPDX-License-Identifier: GPL-2.0-or-later */
/* suggest.h - turn a ring's drops and alerts into nftables rules for a human
 * to review: silence harmless noise before the log rule, block hostile
 * sources for a while (timed set elements), rate-limit noisy legitimate
 * sources, anti-spoofing, and essential ICMP that is being dropped.
 *
 * Pure: the caller reads the ring, the live ruleset and the allowlist, and
 * says where output goes. Nothing here touches the network or the ruleset.
 *
 * Safety, enforced here and reported (never silently): no block is ever
 * suggested for the host's own addresses (cfg.own), loopback, unspecified,
 * broadcast or multicast addresses, anything in cfg.allow, sources that only
 * appear as likely-forged members of a decoy scan, or sources that look
 * spoofed (bogon/martian tags): those get anti-spoofing instead.
 */
#ifndef NFLOGD_SUGGEST_H
#define NFLOGD_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/cidrlist.h"
#include "classify/kb.h"
#include "ring/ringfmt.h"

enum suggest_kind {
	SUGGEST_SILENCE		= 1,	/* drop harmless noise before the log rule, unlogged */
	SUGGEST_BLOCK		= 2,	/* timed set element for a hostile source */
	SUGGEST_RATELIMIT	= 3,	/* drop the excess of a noisy legitimate source */
	SUGGEST_ANTISPOOF	= 4,	/* fib saddr . iif oif missing drop */
	SUGGEST_ICMP		= 5,	/* accept essential ICMP/ICMPv6 being dropped */
};

/* A log rule of the live ruleset (from nftrules_list_log()): rules that must
 * act before it are inserted at its position. */
struct suggest_logrule {
	uint16_t	group;
	char		prefix[128];	/* the rule's log prefix, "" for none */
	char		family[8];	/* "inet", "ip", "ip6", "bridge", "netdev", "arp" */
	char		table[256];
	char		chain[256];
	uint64_t	handle;
};

struct suggest_cfg {
	const struct kb		*kb;		/* for names and meanings */
	const struct cidrlist	*allow;		/* never blocked; NULL = none */
	const struct cidrlist	*own;		/* host's addresses and broadcasts; NULL = none */
	const struct suggest_logrule *logrules;	/* the live ruleset's log rules, in
						 * ruleset order (the first of a chain
						 * is where inserts go) */
	size_t			 nlogrules;
	bool			 ruleset_known;	/* false: could not read it (no privilege) */
	bool			 own_table_installed; /* nflogd's table exists */
	const char		*own_table;	/* family inet; NULL = NFT_OWN_TABLE */
	uint16_t		 log_group;	/* group the anti-spoof rule logs to */
	uint64_t		 since_ns;	/* ignore drops/alerts before this; 0 = all */
	uint64_t		 now_ns;	/* CLOCK_REALTIME, for the header */
	const char		*ring_path;	/* for the header comment; may be NULL */
	uint32_t		 silence_min;	/* drops of one noise kind to silence it; 0 = 10 */
	uint32_t		 ratelimit_min;	/* drops from one benign source to limit it; 0 = 100 */
	uint32_t		 fleet_hosts;	/* made by `nflogctl fleet --suggest` from this many
						 * hosts' lines (ring_path names the input), for
						 * every host's table; 0 = this host's ring */
};

/* A block, as --apply adds it: into set NFT_OWN_SET4/6 of the own table. */
struct suggest_block {
	uint8_t		family;		/* 4 or 6 */
	uint8_t		addr[16];	/* network byte order, IPv4 in the first 4 */
	uint32_t	timeout_s;
	uint32_t	incidents;	/* alerts (and blockable-probe episodes) behind it */
	char		why[200];	/* one line, no newline */
};

struct suggest;

/* suggest_new - an empty engine; NULL with errno on failure. cfg and what it
 * points to must outlive the engine. */
struct suggest *suggest_new(const struct suggest_cfg *cfg);
void suggest_free(struct suggest *s);

/* suggest_add_alert - one alert record (any state; the latest per id wins).
 * Add every alert before the first drop: decoy membership is decided as
 * drops arrive. 0 or -ENOMEM; -EINVAL once suggest_finish ran. */
int suggest_add_alert(struct suggest *s, const struct ring_alert *a);

/* suggest_add_drop - one drop record, with the prefix it was logged under
 * (NULL or "" for none). Records of any status; malformed ones count but
 * never become suggestions. 0 or -ENOMEM; -EINVAL once suggest_finish ran. */
int suggest_add_drop(struct suggest *s, const struct ring_rec *r, const char *prefix);

/* suggest_finish - decide, after the last add. 0 or -ENOMEM (then only
 * suggest_free is left); -EINVAL when called again. */
int suggest_finish(struct suggest *s);

/* Output, after suggest_finish(). The nft script passes `nft -c -f` against
 * the ruleset it was made from; JSON is one document (doc/suggest.md).
 * 0, or -EIO when writing failed; -EINVAL before a successful finish. */
int suggest_write_nft(const struct suggest *s, FILE *out);
int suggest_write_json(const struct suggest *s, FILE *out);

/* suggest_blocks - the block suggestions, in script order (array valid until
 * suggest_free; 0 and NULL before a successful finish). */
size_t suggest_blocks(const struct suggest *s, const struct suggest_block **out);

/* suggest_nft_table - name as the script writes a table name (bare, or
 * quoted where nft needs it) into buf; false when nft syntax cannot express
 * it. For callers that add lines of their own about the same table. */
bool suggest_nft_table(const char *name, char *buf, size_t len);

/* suggest_count - suggestions of one kind, and sources skipped for safety. */
size_t suggest_count(const struct suggest *s, enum suggest_kind kind);
size_t suggest_skipped(const struct suggest *s);

#endif
