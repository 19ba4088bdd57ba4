/* SPDX-License-Identifier: GPL-2.0-or-later */
/* suggest_render_nft.c - the suggestion engine's nft script (suggest.h), and
 * the rule lines of each suggestion, which the JSON writer embeds as they
 * are (suggest_render_json.c), so its "nft" lines are exactly the script's.
 *
 * Rules that must act before a log rule (silence, rate limit, ICMP) are
 * inserted at that rule's handle, in the user's own chain; the rule that
 * logged a drop is found by its (group, prefix) pair. What cannot be placed
 * is printed commented out, with the reason. Blocks and anti-spoofing go into
 * nflogd's own table.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ruleset/nftnames.h"
#include "suggest/suggest_int.h"

#define SUGGEST_LINE_MAX	2048	/* bytes: names are <= 255, expressions short */

/* --- nft syntax ------------------------------------------------------ */

/* Words nft 1.0's parser takes as keywords where a table or chain name is
 * expected (checked with `nft -c`): such names need quotes. */
static const char *const suggest_nft_keywords[] = {
	"accept", "add", "ah", "arp", "bridge", "chain", "comment", "comp", "continue",
	"counter", "cpu", "create", "ct", "dccp", "define", "delete", "describe", "device",
	"devices", "dnat", "drop", "dst", "dup", "dynamic", "ecn", "element", "elements",
	"esp", "ether", "export", "exthdr", "fib", "flags", "flowtable", "flush", "frag",
	"fwd", "get", "goto", "handle", "hbh", "hook", "hour", "day", "icmp", "icmpv6", "iif",
	"iifname", "igmp", "import", "include", "index", "inet", "insert", "ip", "ip6",
	"ipsec", "jhash", "jump", "limit", "list", "log", "map", "mark", "masquerade",
	"meta", "mh", "monitor", "netdev", "notrack", "numgen", "offload", "oif", "oifname",
	"osf", "pkttype", "policy", "position", "priority", "queue", "quota", "redirect",
	"reject", "rename", "replace", "reset", "return", "rt", "rt0", "rule", "ruleset",
	"sctp", "secmark", "set", "size", "skgid", "skuid", "snat", "socket", "symhash",
	"synproxy", "table", "tcp", "th", "timeout", "tproxy", "type", "udp", "udplite",
	"update", "vlan", "vmap",
};

/* A table or chain name as nft reads it: bare when it is a plain identifier
 * ([A-Za-z_][A-Za-z0-9_./-]*, not a keyword), else in double quotes. false
 * when nothing can express it: nft strings have no escapes, so a name with a
 * quote or a control character cannot be written at all. */
static bool suggest_nft_name(const char *name, char *buf, size_t len)
{
	bool plain = (name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z') ||
		     name[0] == '_';
	const char *p;
	size_t i, nkw = sizeof(suggest_nft_keywords) / sizeof(suggest_nft_keywords[0]);

	if (!name[0])
		return false;
	for (p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f || c == '"')
			return false;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '/' || c == '-'))
			plain = false;
	}
	for (i = 0; plain && i < nkw; i++)
		if (!strcmp(name, suggest_nft_keywords[i]))
			plain = false;
	return snprintf(buf, len, plain ? "%s" : "\"%s\"", name) < (int)len;
}

bool suggest_nft_table(const char *name, char *buf, size_t len)
{
	return name && suggest_nft_name(name, buf, len);
}

/* `#` lines hold log prefixes and table names: keep them one line. */
static void suggest_hash_text(char *dst, size_t len, const char *src)
{
	size_t n = 0;

	for (; *src && n + 1 < len; src++)
		dst[n++] = ((unsigned char)*src < 0x20 || *src == 0x7f) ? '?' : *src;
	dst[n] = '\0';
}

__attribute__((format(printf, 4, 5)))
static int suggest_emit(suggest_sink sink, void *ctx, bool comment, const char *fmt, ...)
{
	char line[SUGGEST_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -EINVAL;
	return sink(ctx, comment, line);
}

static int suggest_pair_cmp(const void *pa, const void *pb, void *arg)
{
	const struct suggest_pair *pairs = arg;
	const struct suggest_pair *a = &pairs[*(const uint16_t *)pa];
	const struct suggest_pair *b = &pairs[*(const uint16_t *)pb];

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return strcmp(a->prefix, b->prefix);
}

void suggest_pairs_order(const struct suggest *s, const struct suggest_pairs *p,
			 uint16_t order[SUGGEST_PAIRS_MAX])
{
	if (!p->n)
		return;
	memcpy(order, p->v, p->n * sizeof(*order));
	qsort_r(order, p->n, sizeof(*order), suggest_pair_cmp, s->pairs);
}

/* A fixed-size field of a caller's struct, NUL-terminated whether or not
 * the caller terminated it; dst holds n + 1 bytes. */
static const char *suggest_field(char *dst, const char *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = '\0';
	return dst;
}

/* Whether a log rule's family can hold the expression; the reason when not. */
static const char *suggest_family_misfit(const char *family, unsigned expr_family)
{
	if (!strcmp(family, "inet"))
		return NULL;
	if (!strcmp(family, "ip"))
		return expr_family == 6 ? "an ip table sees no IPv6 packets" : NULL;
	if (!strcmp(family, "ip6"))
		return expr_family == 4 ? "an ip6 table sees no IPv4 packets" : NULL;
	return "only inet, ip and ip6 chains are handled";
}

/* The item's rule before one log rule, or why it cannot go there. */
static int suggest_place_one(const struct suggest_item *it, const struct suggest_logrule *lr,
			     suggest_sink sink, void *ctx)
{
	char family[sizeof(lr->family) + 1], table[sizeof(lr->table) + 1];
	char chain[sizeof(lr->chain) + 1], tname[600], cname[600], shown[32];
	const char *misfit;

	suggest_field(family, lr->family, sizeof(lr->family));
	suggest_field(table, lr->table, sizeof(lr->table));
	suggest_field(chain, lr->chain, sizeof(lr->chain));
	misfit = suggest_family_misfit(family, it->family);
	if (!misfit && (!suggest_nft_name(table, tname, sizeof(tname)) ||
			!suggest_nft_name(chain, cname, sizeof(cname))))
		misfit = "its table or chain name cannot be written in nft syntax";
	if (!misfit)
		return suggest_emit(sink, ctx, false, "insert rule %s %s %s position %" PRIu64
				    " %s comment \"%s\"", family, tname, cname, lr->handle,
				    it->expr, it->note);
	suggest_hash_text(tname, sizeof(tname), table);
	suggest_hash_text(cname, sizeof(cname), chain);
	suggest_hash_text(shown, sizeof(shown), family);
	return suggest_emit(sink, ctx, true, "# not placed in %s %s %s (log rule handle %" PRIu64
			    "): %s", shown, tname, cname, lr->handle, misfit);
}

/* Index in it->pairs of the pair a log rule logs, -1 when none. */
static int suggest_rule_pair(const struct suggest *s, const struct suggest_item *it,
			     const struct suggest_logrule *lr)
{
	uint16_t i;

	for (i = 0; i < it->pairs->n; i++) {
		const struct suggest_pair *p = &s->pairs[it->pairs->v[i]];

		if (lr->group == p->group && !strncmp(lr->prefix, p->prefix, sizeof(lr->prefix)))
			return i;
	}
	return -1;
}

static bool suggest_same_chain(const struct suggest_logrule *a, const struct suggest_logrule *b)
{
	return !strncmp(a->family, b->family, sizeof(a->family)) &&
	       !strncmp(a->table, b->table, sizeof(a->table)) &&
	       !strncmp(a->chain, b->chain, sizeof(a->chain));
}

/*
 * The item's rule before the log rules that logged its drops. Log rules come
 * in ruleset order, so the first of a chain is the earliest: one insert
 * before it also precedes the chain's later log rules. Pairs with no log rule
 * get the rule commented out.
 */
static int suggest_place(const struct suggest *s, const struct suggest_item *it,
			 suggest_sink sink, void *ctx)
{
	bool found[SUGGEST_PAIRS_MAX] = { false };	/* by pair index */
	uint16_t order[SUGGEST_PAIRS_MAX];
	size_t i, j, k;
	char shown[300];
	int rc, pi;

	if (!it->pairs || !it->pairs->n) {
		if ((rc = suggest_emit(sink, ctx, true, "# no log rule is known for these drops; "
				       "put this before the rule that logs them:")) < 0)
			return rc;
		return suggest_emit(sink, ctx, true, "#   %s comment \"%s\"", it->expr, it->note);
	}
	for (j = 0; s->cfg.ruleset_known && j < s->cfg.nlogrules; j++) {
		const struct suggest_logrule *lr = &s->cfg.logrules[j];

		if ((pi = suggest_rule_pair(s, it, lr)) < 0)
			continue;
		found[it->pairs->v[pi]] = true;
		for (k = 0; k < j; k++)
			if (suggest_same_chain(&s->cfg.logrules[k], lr) &&
			    suggest_rule_pair(s, it, &s->cfg.logrules[k]) >= 0)
				break;
		if (k < j)
			continue;
		if ((rc = suggest_place_one(it, lr, sink, ctx)) < 0)
			return rc;
	}
	suggest_pairs_order(s, it->pairs, order);
	for (i = 0; i < it->pairs->n; i++) {
		const struct suggest_pair *p = &s->pairs[order[i]];

		if (found[order[i]])
			continue;
		suggest_hash_text(shown, sizeof(shown), p->prefix);
		rc = suggest_emit(sink, ctx, true, "# log rule for group %u %s%s%s not found in "
				  "the live ruleset%s; put this before it:", p->group,
				  shown[0] ? "prefix \"" : "without a prefix", shown,
				  shown[0] ? "\"" : "",
				  s->cfg.ruleset_known ? "" : " (run as root to read it)");
		if (rc < 0 ||
		    (rc = suggest_emit(sink, ctx, true, "#   %s comment \"%s\"", it->expr,
				       it->note)) < 0)
			return rc;
	}
	return 0;
}

/* The set a block goes into (idempotent: `add`). */
static int suggest_set_line(const char *table, unsigned family, suggest_sink sink, void *ctx)
{
	return suggest_emit(sink, ctx, false, "add set %s %s %s { type %s; flags timeout; }",
			    NFT_OWN_FAMILY, table, family == 6 ? NFT_OWN_SET6 : NFT_OWN_SET4,
			    family == 6 ? "ipv6_addr" : "ipv4_addr");
}

/* The nft lines of one item. standalone: a block also gets its table and
 * set lines (JSON, where each suggestion stands alone). */
int suggest_item_lines(const struct suggest *s, const struct suggest_item *it, bool standalone,
		       suggest_sink sink, void *ctx)
{
	char table[600], addr[INET6_ADDRSTRLEN], dur[24];
	const struct suggest_src *src;
	int rc;

	switch (it->kind) {
	case SUGGEST_SILENCE:
	case SUGGEST_RATELIMIT:
	case SUGGEST_ICMP:
		return suggest_place(s, it, sink, ctx);
	case SUGGEST_BLOCK:
		src = &s->srcs[it->src];
		if (!suggest_nft_name(s->cfg.own_table, table, sizeof(table)))
			return suggest_emit(sink, ctx, true, "# nflogd's table name cannot be "
					    "written in nft syntax");
		if (standalone &&
		    ((rc = suggest_emit(sink, ctx, false, "add table %s %s", NFT_OWN_FAMILY,
					table)) < 0 ||
		     (rc = suggest_set_line(table, src->family, sink, ctx)) < 0))
			return rc;
		return suggest_emit(sink, ctx, false, "add element %s %s %s { %s timeout %s }",
				    NFT_OWN_FAMILY, table,
				    src->family == 6 ? NFT_OWN_SET6 : NFT_OWN_SET4,
				    suggest_addr_text(src->family, src->addr, addr, sizeof(addr)),
				    suggest_duration(it->timeout_s, dur, sizeof(dur)));
	case SUGGEST_ANTISPOOF:
		if (!suggest_nft_name(s->cfg.own_table, table, sizeof(table)))
			return suggest_emit(sink, ctx, true, "# nflogd's table name cannot be "
					    "written in nft syntax");
		/* add + flush + add rule: running the script again leaves
		 * exactly one rule. */
		if ((rc = suggest_emit(sink, ctx, false, "add table %s %s", NFT_OWN_FAMILY,
				       table)) < 0 ||
		    (rc = suggest_emit(sink, ctx, false, "add chain %s %s %s { type filter hook "
				       "prerouting priority %d; policy accept; }", NFT_OWN_FAMILY,
				       table, NFT_OWN_ANTISPOOF, NFT_OWN_ANTISPOOF_PRIO)) < 0 ||
		    (rc = suggest_emit(sink, ctx, false, "flush chain %s %s %s", NFT_OWN_FAMILY,
				       table, NFT_OWN_ANTISPOOF)) < 0)
			return rc;
		return suggest_emit(sink, ctx, false, "add rule %s %s %s fib saddr . iif oif "
				    "missing counter log prefix \"%s\" group %u drop comment "
				    "\"%s\"",
				    NFT_OWN_FAMILY, table, NFT_OWN_ANTISPOOF, NFT_PREFIX_SPOOF,
				    s->cfg.log_group, it->note);
	}
	return 0;
}

/* --- the script ------------------------------------------------------ */

static int suggest_file_sink(void *ctx, bool comment, const char *line)
{
	(void)comment;
	return fprintf(ctx, "%s\n", line) < 0 ? -EIO : 0;
}

static void suggest_time_text(uint64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%" PRIu64 " ns", ns);
}

static void suggest_script_header(const struct suggest *s, FILE *f)
{
	char when[64], path[300];
	size_t alerts = s->nalerts;

	bool fleet = s->cfg.fleet_hosts != 0;

	fprintf(f, "#!/usr/sbin/nft -f\n"
		"# nftables rules suggested by `nflogctl %s` from what nflogd logged.\n",
		fleet ? "fleet --suggest" : "suggest");
	if (s->cfg.ring_path) {
		suggest_hash_text(path, sizeof(path), s->cfg.ring_path);
		fprintf(f, "# %s: %s\n", fleet ? "input" : "ring", path);
	}
	if (fleet)
		fprintf(f, "# hosts: %" PRIu32 "\n", s->cfg.fleet_hosts);
	fprintf(f, "# considered: %" PRIu64 " drops, %zu alerts", s->drops, alerts);
	if (s->cfg.since_ns) {
		suggest_time_text(s->cfg.since_ns, when, sizeof(when));
		fprintf(f, " since %s\n", when);
	} else {
		fprintf(f, fleet ? " (fleet incidents of all the input)\n" :
			" (all records in the ring)\n");
	}
	if (s->cfg.now_ns) {
		suggest_time_text(s->cfg.now_ns, when, sizeof(when));
		fprintf(f, "# made: %s\n", when);
	}
	if (s->bad)
		fprintf(f, "# %" PRIu64 " malformed or non-IP records were counted but not used\n",
			s->bad);
	if (s->untracked)
		fprintf(f, "# %" PRIu64 " drops from sources past the first %u were counted but "
			"not analysed\n", s->untracked, SUGGEST_SOURCES_MAX);
	if (s->alerts_lost)
		fprintf(f, "# %" PRIu64 " alerts past the first %u were not analysed\n",
			s->alerts_lost, SUGGEST_ALERTS_MAX);
	if (s->pairs_lost)
		fprintf(f, "# %" PRIu64 " drops came from log rules past the first %u (group, "
			"prefix) pairs: nothing is placed for them\n", s->pairs_lost,
			SUGGEST_PAIRS_MAX);
	if (fleet)
		fprintf(f, "# For every host's own nflogd table, not one live ruleset: rules "
			"that belong before a log rule are printed commented out.\n");
	else if (!s->cfg.ruleset_known)
		fprintf(f, "# The live ruleset could not be read (run as root): rules that belong "
			"before a log rule are printed commented out.\n");
	fprintf(f, "#\n"
		"# Nothing here is applied until you run it. Delete what you do not want, then:\n"
		"#   nft -c -f FILE && nft -f FILE\n"
		"# Inserted rules go in before the log rule at the given handle; running the\n"
		"# script twice inserts them twice (set elements and the anti-spoof chain are\n"
		"# safe to re-run). Handles are those of the ruleset this was made from.\n");
}

static const char *const suggest_section_titles[] = {
	[SUGGEST_SILENCE] = "Silence known-harmless noise (dropped before the log rule, unlogged)",
	[SUGGEST_BLOCK] = "Block hostile sources for a while (timed set elements)",
	[SUGGEST_RATELIMIT] = "Rate-limit noisy sources that are not attacking",
	[SUGGEST_ANTISPOOF] = "Anti-spoofing (reverse-path check)",
	[SUGGEST_ICMP] = "Accept essential ICMP that is being dropped",
};

static int suggest_script_item(const struct suggest *s, const struct suggest_item *it, FILE *f)
{
	char addr[INET6_ADDRSTRLEN];

	if (it->kind == SUGGEST_BLOCK)
		fprintf(f, "# %s: %s\n",
			suggest_src_text(s, it->src, addr, sizeof(addr)), it->why);
	else
		fprintf(f, "# %s\n", it->why);
	if (it->detail[0])
		fprintf(f, "#   meaning: %s\n", it->detail);
	fprintf(f, "#   change: %s\n", it->change);
	return suggest_item_lines(s, it, false, suggest_file_sink, f);
}

/* Once before the block elements: the table and the sets they need. */
static int suggest_script_blocks_head(const struct suggest *s, FILE *f)
{
	bool fam[2] = { false, false };
	char table[600];
	size_t i;
	int rc = 0;

	for (i = 0; i < s->nblocks; i++)
		fam[s->blocks[i].family == 6] = true;
	if (!s->cfg.own_table_installed)
		fprintf(f, "# nflogd's table is not installed: `nflogctl rules install` adds "
			"the chain that drops these sources (without it the set elements do "
			"nothing).\n");
	if (!suggest_nft_name(s->cfg.own_table, table, sizeof(table)))
		return 0;
	fprintf(f, "add table %s %s\n", NFT_OWN_FAMILY, table);
	for (i = 0; i < 2 && rc == 0; i++)
		if (fam[i])
			rc = suggest_set_line(table, i ? 6 : 4, suggest_file_sink, f);
	return rc;
}

int suggest_write_nft(const struct suggest *s, FILE *out)
{
	char addr[INET6_ADDRSTRLEN];
	unsigned kind;
	size_t i;
	int rc;

	if (!s->finished)
		return -EINVAL;
	suggest_script_header(s, out);
	for (kind = SUGGEST_SILENCE; kind <= SUGGEST_ICMP; kind++) {
		fprintf(out, "\n# === %u. %s ===\n", kind, suggest_section_titles[kind]);
		if (!s->count[kind]) {
			fprintf(out, "# (nothing)\n");
			continue;
		}
		if (kind == SUGGEST_BLOCK && (rc = suggest_script_blocks_head(s, out)) < 0)
			return rc;
		for (i = 0; i < s->nitems; i++) {
			if (s->items[i].kind != kind)
				continue;
			if ((rc = suggest_script_item(s, &s->items[i], out)) < 0)
				return rc;
		}
		if (s->more[kind])
			fprintf(out, "# ... and %zu more like these, not listed (the first %u by "
				"drops are)\n", s->more[kind], SUGGEST_LIST_MAX);
	}
	fprintf(out, "\n# Not blocked (safety):\n");
	if (!s->nskips)
		fprintf(out, "#   (none)\n");
	for (i = 0; i < s->nskips; i++)
		fprintf(out, "#   %s: %s\n",
			suggest_src_text(s, s->skips[i].src, addr, sizeof(addr)), s->skips[i].reason);
	if (s->more_skips)
		fprintf(out, "#   ... and %zu more sources, not listed\n", s->more_skips);
	if (fflush(out) || ferror(out))
		return -EIO;
	return 0;
}
