/* SPDX-License-Identifier: GPL-2.0-or-later */
/* suggest_int.h - the suggestion engine's state, shared by its parts and by
 * nothing else (not a public interface). Calls run one way:
 *
 *   suggest.c             suggest_finish: decide, then word, then the blocks
 *     suggest_decide.c    link alerts, sort sources, make the items
 *       suggest_ingest.c  alerts and drops aggregated (the source table)
 *     suggest_words.c     each item's texts, from the figures decide left
 *   suggest_render_json.c the JSON document, with the script's rule lines
 *     suggest_render_nft.c  the nft script and each item's rule lines
 *   suggest_util.c        arrays, maps, address/duration text, ICMPv6 names:
 *                         below all of them
 *
 * Ingest and decide build the state, words fill in the items' texts, and
 * the writers only read.
 */
#ifndef NFLOGD_SUGGEST_INT_H
#define NFLOGD_SUGGEST_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "suggest/suggest.h"

/* Bounds on what one engine holds; past them input is counted, not analysed. */
#define SUGGEST_SOURCES_MAX	(1u << 18)	/* distinct sources, ~150 B each */
#define SUGGEST_ALERTS_MAX	(1u << 16)	/* distinct alert ids */
#define SUGGEST_PAIRS_MAX	256u		/* (group, prefix) pairs; a segment has 15 */
#define SUGGEST_NOISE_MAX	4096u		/* noise kinds: UDP ports seen to broadcast */
#define SUGGEST_PORTS		4		/* usual-port slots per source */
#define SUGGEST_NONE		UINT32_MAX

#define SUGGEST_SILENCE_MIN	10u		/* drops of one noise kind: silence it */
#define SUGGEST_RATELIMIT_MIN	100u		/* unicast drops from one benign source */
#define SUGGEST_DECOY_SLACK_NS	(10ull * 1000000000ull) /* around a decoy alert */
#define SUGGEST_HOUR		3600u		/* s */
#define SUGGEST_BLOCK_HOSTILE	(6u * SUGGEST_HOUR)	/* a hostile alert */
#define SUGGEST_BLOCK_BASE	(1u * SUGGEST_HOUR)	/* suspicious alert, blockable probes */
#define SUGGEST_BLOCK_MAX	(7u * 24u * SUGGEST_HOUR) /* cap: a week */
#define SUGGEST_COMMENT_MAX	100u		/* bytes of an nft rule comment */
#define SUGGEST_LIST_MAX	4096u		/* blocks, rate limits, skips listed each */

#define SUGGEST_ICMP6_TYPES	8

/* The ICMPv6 types a host needs (RFC 4890 4.4.1, neighbour discovery). */
struct suggest_icmp_type {
	uint8_t		 type;
	const char	*name;		/* nft's name for it */
};
extern const struct suggest_icmp_type suggest_icmp6_types[SUGGEST_ICMP6_TYPES];

/* 64-bit keys to 32-bit values, open addressing; SUGGEST_MAP_EMPTY is never
 * a key (keys here are below 2^48). */
#define SUGGEST_MAP_EMPTY	UINT64_MAX
struct suggest_map {
	uint64_t	*keys;
	uint32_t	*vals;
	size_t		 n, cap;	/* cap is 0 or a power of two */
};

/* A set of indices into suggest.pairs, in order of first use. */
struct suggest_pairs {
	uint16_t	*v;
	uint16_t	 n, cap;
};

/* What a log rule is known by: drops carry it, log rules are matched on it. */
struct suggest_pair {
	uint16_t	group;
	char		prefix[RING_PREFIX_LEN];
};

/* suggest_src.flags */
#define SUGGEST_SRC_SPOOFED	0x01	/* a drop had a bogon or martian source tag */
#define SUGGEST_SRC_DECOY	0x02	/* decoy scan member, not its likely source */
#define SUGGEST_SRC_IPID	0x04	/* claimed source of an ipid-sequence alert */
#define SUGGEST_SRC_DECOY_UNID	0x08	/* likely decoy source, no TTL evidence */

struct suggest_port {
	uint32_t	n;
	uint16_t	port;		/* destination port of the first such drop */
	uint16_t	kb;		/* klass.kb_id, 0 = none */
	uint8_t		proto;
};

struct suggest_src {
	uint8_t		family;		/* 4 or 6 */
	uint8_t		flags;		/* SUGGEST_SRC_* */
	uint8_t		addr[16];
	uint8_t		probe_proto;	/* first blockable probe: what it was */
	uint8_t		probe_verdict;	/* the worst verdict of its blockable probes */
	uint16_t	probe_port;
	uint16_t	probe_kb;
	uint32_t	probe_tags;	/* RING_TAG_* of all its blockable probes */
	uint32_t	drops;		/* usable drops */
	uint32_t	unicast;	/* ... to unicast destinations */
	uint32_t	suspicious;	/* ... with verdict suspicious or hostile */
	uint32_t	probes;		/* ... blockable probes (rated hostile, or a
					 * trojan's port), forged-source kinds aside */
	uint32_t	forged;		/* hostile, from a victim's address: fraggle, land */
	uint32_t	decoy_id;	/* alert ids behind the flags */
	uint32_t	ipid_id;
	uint32_t	unid_id;
	uint32_t	other;		/* unicast drops not in ports[] */
	struct suggest_port ports[SUGGEST_PORTS];
	uint32_t	*alerts;	/* indices into suggest.alerts worth a block */
	uint32_t	 nalerts, calerts;
	struct suggest_pairs pairs;
};

/* UDP to a broadcast or multicast address, by destination port (and source
 * port for DHCP, whose two directions mean different things). */
struct suggest_noise {
	uint8_t		proto;
	uint8_t		families;	/* bit 0: IPv4 drops seen, bit 1: IPv6 */
	bool		dhcp;
	uint16_t	sport;		/* DHCP only */
	uint16_t	dport;
	uint16_t	kb;		/* klass.kb_dport of the first drop */
	uint32_t	drops;
	struct suggest_map srcs;	/* source index -> drops */
	struct suggest_pairs pairs;
};

/* Essential ICMP dropped: [0] IPv4 frag-needed, [1] ICMPv6. */
struct suggest_icmp {
	uint32_t	drops;
	uint32_t	type_drops[SUGGEST_ICMP6_TYPES]; /* v6: by suggest_icmp6_types */
	struct suggest_map srcs;
	struct suggest_pairs pairs;
};

#define SUGGEST_WHY_LEN		200
#define SUGGEST_TEXT_LEN	240

/* One decision, worded. */
struct suggest_item {
	uint8_t		kind;		/* enum suggest_kind */
	uint8_t		family;		/* 4/6: all drops behind it are; 0 both */
	uint32_t	drops, sources;
	uint32_t	src;		/* index into suggest.srcs, or SUGGEST_NONE */
	uint32_t	noise;		/* silence: suggest.noise index; icmp: 0 v4, 1 v6 */
	uint32_t	timeout_s, incidents; /* block */
	const struct suggest_pairs *pairs; /* placement; NULL for block and anti-spoof */
	uint32_t	*ids;		/* alert ids behind it, ascending */
	uint32_t	 nids;
	char		why[SUGGEST_WHY_LEN];	/* one line: what was seen */
	char		detail[SUGGEST_TEXT_LEN]; /* kb meaning, or "" */
	char		change[SUGGEST_TEXT_LEN]; /* what applying it changes */
	char		expr[SUGGEST_TEXT_LEN];	/* placed kinds: the rule, no comment */
	char		note[SUGGEST_COMMENT_MAX + 1]; /* sanitised rule comment */
};

struct suggest_skip {
	uint32_t	src;
	char		reason[160];
};

struct suggest {
	struct suggest_cfg	 cfg;	/* defaults filled in */
	const struct kb		*kb;
	uint64_t		 seed;	/* source hash key */
	bool			 finishing;	/* suggest_finish ran: no more input */
	bool			 finished;	/* ... and succeeded: output allowed */

	uint64_t		 drops;		/* records considered (after since) */
	uint64_t		 bad;		/* ... malformed or not IP: counted only */
	uint64_t		 untracked;	/* ... from sources past SUGGEST_SOURCES_MAX */
	uint64_t		 alerts_lost;	/* alert ids past SUGGEST_ALERTS_MAX */
	uint64_t		 pairs_lost;	/* drops whose (group, prefix) found no slot */

	struct suggest_src	*srcs;
	size_t			 nsrcs, csrcs;
	uint32_t		*slots;		/* source hash: index + 1, 0 = empty */
	size_t			 nslots;	/* power of two */

	struct ring_alert	*alerts;	/* latest state per id */
	size_t			 nalerts, calerts;
	struct suggest_map	 alert_idx;	/* id -> index */
	uint32_t		*decoys;	/* indices of decoy-scan alerts */
	size_t			 ndecoys, cdecoys;
	bool			 decoys_sorted;	/* by target, for suggest_decoy_check */

	struct suggest_pair	*pairs;
	size_t			 npairs;
	size_t			 last_pair;	/* cache: drops come in runs */

	struct suggest_noise	*noise;
	size_t			 nnoise, cnoise;
	struct suggest_map	 noise_idx;

	struct suggest_icmp	 icmp[2];
	uint32_t		 spoof_drops;

	struct suggest_item	*items;		/* in script order */
	size_t			 nitems;
	size_t			 count[SUGGEST_ICMP + 1];
	size_t			 more[SUGGEST_ICMP + 1]; /* past SUGGEST_LIST_MAX: unlisted */
	struct suggest_skip	*skips;
	size_t			 nskips;
	size_t			 more_skips;
	struct suggest_block	*blocks;
	size_t			 nblocks;
};

/* --- suggest_util.c ------------------------------------------------- */

/* suggest_grow - grow an array of size-byte elements so that it holds need;
 * NULL on allocation failure, the old array untouched. */
void *suggest_grow(void *v, size_t *cap, size_t need, size_t size);

/* suggest_map_find - key's value, NULL when absent. suggest_map_get - the
 * same, inserted as 0 when new; NULL on allocation failure. */
uint32_t *suggest_map_find(const struct suggest_map *m, uint64_t key);
uint32_t *suggest_map_get(struct suggest_map *m, uint64_t key);
void suggest_map_free(struct suggest_map *m);

/* suggest_addr_text - addr as text (inet_ntop) into buf, "?" on failure;
 * suggest_src_text - the same for source si. */
const char *suggest_addr_text(unsigned family, const uint8_t addr[16], char *buf, size_t len);
const char *suggest_src_text(const struct suggest *s, uint32_t si, char *buf, size_t len);

/* suggest_duration - seconds in nft's duration syntax: "12h", "1d12h", "7d". */
const char *suggest_duration(uint32_t secs, char *buf, size_t len);

/* --- suggest_ingest.c ----------------------------------------------- */

/* suggest_src_get - the index of a source, created when create is set;
 * SUGGEST_NONE when it is not there, or the table is full (*rc 0) or memory
 * ran out (*rc < 0). */
uint32_t suggest_src_get(struct suggest *s, unsigned family, const uint8_t addr[16], bool create,
			 int *rc);

/* --- suggest_decide.c ----------------------------------------------- */

/* suggest_decide - after the last add: fill items (in script order, texts
 * empty), count, more, skips. 0 or -ENOMEM. */
int suggest_decide(struct suggest *s);

/* --- suggest_words.c ------------------------------------------------ */

/* suggest_word - fill an item's texts (why, detail, change, expr, note)
 * from its figures and the engine's state. */
void suggest_word(const struct suggest *s, struct suggest_item *it);

/* --- suggest_render_nft.c ------------------------------------------- */

/* Receives each rule line; comment lines start with '#'. 0 or < 0 to stop. */
typedef int (*suggest_sink)(void *ctx, bool comment, const char *line);

/* suggest_item_lines - the nft lines of one item, to sink. standalone: a
 * block also gets its table and set lines (JSON, where each suggestion
 * stands alone). */
int suggest_item_lines(const struct suggest *s, const struct suggest_item *it, bool standalone,
		       suggest_sink sink, void *ctx);

/* suggest_pairs_order - the pairs of p by (group, prefix), into order. */
void suggest_pairs_order(const struct suggest *s, const struct suggest_pairs *p,
			 uint16_t order[SUGGEST_PAIRS_MAX]);

#endif
