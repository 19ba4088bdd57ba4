/* suggest_out.c - the suggestion engine's output (suggest.h): an nft script
 * for a human to review and run, and the same decisions as one JSON document.
 *
 * Rules that must act before a log rule (silence, rate limit, ICMP) are
 * inserted at that rule's handle, in the user's own chain; the rule that
 * logged a drop is found by its (group, prefix) pair. What cannot be placed
 * is printed commented out, with the reason. Blocks and anti-spoofing go into
 * nflogd's own table. Both writers render rule lines through one function,
 * so the JSON "nft" lines are exactly the script's.
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
#include "ring/ringnames.h"

#define SUGGEST_LINE_MAX	2048	/* bytes: names are <= 255, expressions short */

/* Receives each line: comment lines start with '#'. */
typedef int (*suggest_sink)(void *ctx, bool comment, const char *line);

static const char *const suggest_kind_names[] = {
	[SUGGEST_SILENCE] = "silence", [SUGGEST_BLOCK] = "block",
	[SUGGEST_RATELIMIT] = "ratelimit", [SUGGEST_ANTISPOOF] = "antispoof",
	[SUGGEST_ICMP] = "icmp",
};

/* --- wording --------------------------------------------------------- */

/* Append to a NUL-terminated buffer; false (and nothing added) when it
 * does not fit, so lists stop cleanly instead of ending mid-word. */
__attribute__((format(printf, 3, 4)))
static bool suggest_cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t off = strlen(buf);
	va_list ap;
	int n;

	if (off >= len)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - off) {
		buf[off] = '\0';
		return false;
	}
	return true;
}

/* snprintf for texts that may be cut: a long list of sources loses its tail. */
__attribute__((format(printf, 3, 4)))
static void suggest_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* One line for a `#` comment or a JSON text: control characters become
 * spaces (a newline in a log prefix or kb text must not end the comment). */
static void suggest_line_clean(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

/* A rule comment nft accepts whatever the text: no quote, no backslash, no
 * control or non-ASCII byte, at most SUGGEST_COMMENT_MAX bytes. */
static void suggest_note(char *dst, const char *src)
{
	size_t n = 0;

	for (; *src && n < SUGGEST_COMMENT_MAX; src++) {
		unsigned char c = (unsigned char)*src;

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			continue;
		dst[n++] = (char)c;
	}
	dst[n] = '\0';
}

static const char *suggest_proto_name(uint8_t proto)
{
	return proto == 6 ? "TCP" : proto == 17 ? "UDP" : "IP";
}

static const struct kb_port *suggest_port_row(const struct suggest *s, uint16_t id)
{
	return id ? kb_port_by_id(s->kb, id) : NULL;
}

/* A kb service name worth printing ("-" means none). */
static const char *suggest_service(const struct kb_port *row)
{
	return row && row->service && strcmp(row->service, "-") ? row->service : NULL;
}

static const char *suggest_src_text(const struct suggest *s, uint32_t si, char *buf, size_t len)
{
	return suggest_addr_text(s->srcs[si].family, s->srcs[si].addr, buf, len);
}

/* "192.0.2.7 (30), 192.0.2.9 (8) and 3 more": the sources of a map with
 * the most drops, ties by address. */
static void suggest_top_sources(const struct suggest *s, const struct suggest_map *m,
				char *buf, size_t len)
{
	enum { TOP = 3 };
	uint32_t top[TOP], cnt[TOP], n = 0, k;
	char addr[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < m->cap; i++) {
		uint32_t si, pos;

		if (m->keys[i] == SUGGEST_MAP_EMPTY)
			continue;
		si = (uint32_t)m->keys[i];
		for (pos = n; pos > 0; pos--) {
			const struct suggest_src *a = &s->srcs[top[pos - 1]], *b = &s->srcs[si];

			if (cnt[pos - 1] > m->vals[i] ||
			    (cnt[pos - 1] == m->vals[i] &&
			     (a->family < b->family ||
			      (a->family == b->family && memcmp(a->addr, b->addr, 16) < 0))))
				break;
		}
		if (pos >= TOP)
			continue;
		for (k = n < TOP ? n : TOP - 1; k > pos; k--) {
			top[k] = top[k - 1];
			cnt[k] = cnt[k - 1];
		}
		top[pos] = si;
		cnt[pos] = m->vals[i];
		if (n < TOP)
			n++;
	}
	buf[0] = '\0';
	for (k = 0; k < n; k++)
		suggest_cat(buf, len, "%s%s (%u)", k ? ", " : "",
			    suggest_src_text(s, top[k], addr, sizeof(addr)), cnt[k]);
	if (m->n > n)
		suggest_cat(buf, len, " and %zu more", m->n - n);
}

/* "; noise alerts 4, 9" appended to buf. */
static void suggest_ids_text(const struct suggest_item *it, const char *what, char *buf, size_t len)
{
	uint32_t i;

	if (!it->nids)
		return;
	suggest_cat(buf, len, "; %s alert%s", what, it->nids > 1 ? "s" : "");
	for (i = 0; i < it->nids; i++) {
		if ((i == 5 && it->nids > 6) ||
		    !suggest_cat(buf, len, "%s %u", i ? "," : "", it->ids[i])) {
			suggest_cat(buf, len, " and %u more", it->nids - i);
			break;
		}
	}
}

static void suggest_word_silence(const struct suggest *s, struct suggest_item *it)
{
	const struct suggest_noise *n = &s->noise[it->noise];
	const struct kb_port *row = suggest_port_row(s, n->kb);
	char what[96], note[160], srcs[160];
	const char *svc;

	if (!row)
		row = kb_port_lookup(s->kb, KB_DIR_DST, n->proto, n->dport);
	svc = suggest_service(row);
	if (n->dhcp)
		snprintf(what, sizeof(what), "DHCP %s (UDP %u -> %u)",
			 n->dport == 67 ? "requests" : "offers and acks", n->sport, n->dport);
	else
		snprintf(what, sizeof(what), "%s %u%s%.40s%s", suggest_proto_name(n->proto),
			 n->dport, svc ? " (" : "", svc ? svc : "", svc ? ")" : "");
	suggest_top_sources(s, &n->srcs, srcs, sizeof(srcs));
	suggest_fmt(it->why, sizeof(it->why), "%s to broadcast/multicast: %u drop%s from %u "
		    "source%s: %s", what, it->drops, it->drops == 1 ? "" : "s", it->sources,
		    it->sources == 1 ? "" : "s", srcs);
	suggest_ids_text(it, "noise", it->why, sizeof(it->why));
	if (row && row->summary)
		suggest_fmt(it->detail, sizeof(it->detail), "%s%s%s", svc ? svc : "",
			    svc ? ": " : "", row->summary);
	snprintf(it->change, sizeof(it->change),
		 "these drops are no longer logged (they are still dropped; unicast is untouched)");
	if (n->dhcp) {
		snprintf(it->expr, sizeof(it->expr), "meta pkttype broadcast udp sport %u "
			 "udp dport %u drop", n->sport, n->dport);
		snprintf(note, sizeof(note), "nflogd: unlogged drop of dhcp %u->%u broadcasts",
			 n->sport, n->dport);
	} else {
		snprintf(it->expr, sizeof(it->expr),
			 "meta pkttype { broadcast, multicast } udp dport %u drop", n->dport);
		snprintf(note, sizeof(note), "nflogd: unlogged drop of udp %u %.60s%sbroadcasts",
			 n->dport, svc ? svc : "", svc ? " " : "");
	}
	suggest_note(it->note, note);
}

/* "SYN scan", "FIN+XMAS scan", or "" when the style is unknown. */
static void suggest_scan_style(uint32_t tags, char *buf, size_t len)
{
	static const struct { uint32_t bit; const char *name; } styles[] = {
		{ RING_ALERT_SCAN_SYN, "SYN" }, { RING_ALERT_SCAN_UDP, "UDP" },
		{ RING_TAG_SCAN_FIN, "FIN" }, { RING_TAG_SCAN_XMAS, "XMAS" },
		{ RING_TAG_SCAN_NULL, "NULL" }, { RING_TAG_SCAN_ACK, "ACK" },
		{ RING_TAG_SCAN_MAIMON, "Maimon" }, { RING_TAG_SCAN_SYNFIN, "SYN/FIN" },
		{ RING_TAG_SYN_ODD, "odd-SYN" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(styles) / sizeof(styles[0]); i++)
		if (tags & styles[i].bit)
			n += suggest_cat(buf, len, "%s%s", n ? "+" : "", styles[i].name);
	if (n)
		suggest_cat(buf, len, " scan");
}

/* One incident, as a block's comment names it. */
static void suggest_alert_text(const struct suggest *s, const struct ring_alert *a,
			       char *buf, size_t len)
{
	const char *name = ring_alert_type_name(a->type);
	const char *svc = suggest_service(suggest_port_row(s, a->kb_id));
	char style[64], target[INET6_ADDRSTRLEN];

	suggest_addr_text(a->family, a->daddr, target, sizeof(target));
	suggest_scan_style(a->scan_tags, style, sizeof(style));
	if (!name)
		name = "alert";
	switch (a->type) {
	case RING_ALERT_PORTSCAN:
		suggest_fmt(buf, len, "%s alert %u (%s%s%u ports of %s", name, a->alert_id, style,
			    style[0] ? ", " : "", a->ports, target);
		if (a->targets > 1)
			suggest_cat(buf, len, " and %u more hosts", a->targets - 1);
		suggest_cat(buf, len, ")");
		break;
	case RING_ALERT_SWEEP:
		suggest_fmt(buf, len, "%s alert %u (%s%sport %u%s%s, %u hosts from %s)", name,
			    a->alert_id, style, style[0] ? ", " : "", a->port_lo, svc ? " " : "",
			    svc ? svc : "", a->targets, target);
		break;
	default:
		suggest_fmt(buf, len, "%s alert %u (likely real source among %u, TTLs differ; "
			    "%u ports of %s)", name, a->alert_id, a->sources, a->ports, target);
		break;
	}
}

static void suggest_word_block(const struct suggest *s, struct suggest_item *it)
{
	const struct suggest_src *src = &s->srcs[it->src];
	/* the tail (", 3 incidents -> 1d12h") must always fit */
	size_t room = sizeof(it->why) - 40;
	char part[160], dur[24];
	uint32_t i;

	suggest_duration(it->timeout_s, dur, sizeof(dur));
	for (i = 0; i < src->nalerts; i++) {
		suggest_alert_text(s, &s->alerts[src->alerts[i]], part, sizeof(part));
		if (!suggest_cat(it->why, room, "%s%s", i ? "; " : "", part)) {
			suggest_cat(it->why, sizeof(it->why), "; %u more", src->nalerts - i);
			break;
		}
	}
	if (src->hostile) {
		const struct kb_port *row = suggest_port_row(s, src->hostile_kb);
		const char *svc = suggest_service(row);

		suggest_fmt(part, sizeof(part), "%s%u hostile probe%s (%s %u%s%.40s%s)",
			    src->nalerts ? "; plus " : "", src->hostile,
			    src->hostile == 1 ? "" : "s",
			    suggest_proto_name(src->hostile_proto), src->hostile_port,
			    svc ? " " : "", svc ? svc : "",
			    src->hostile_tags & RING_TAG_SLAMMER ? ", slammer" :
			    src->hostile_tags & RING_TAG_HACKATACK ? ", hack-a-tack" : "");
		suggest_cat(it->why, room, "%s", part);
		if (row && row->summary)
			suggest_fmt(it->detail, sizeof(it->detail), "%s", row->summary);
	}
	suggest_cat(it->why, sizeof(it->why), ", %u incident%s -> %s", it->incidents,
		    it->incidents == 1 ? "" : "s", dur);
	snprintf(it->change, sizeof(it->change),
		 "dropped and logged as %s for %s before your rules see it%s", NFT_PREFIX_BLOCK,
		 dur, s->cfg.own_table_installed ? "" : " (once `nflogctl rules install` ran)");
}

/* Append the most frequent usual port of a source; its service name in svc. */
static void suggest_usual_port(const struct suggest *s, const struct suggest_src *src,
			       struct suggest_item *it, char *svc_out, size_t svc_len)
{
	const struct suggest_port *best = NULL;
	const struct kb_port *row;
	const char *svc;
	size_t i;

	svc_out[0] = '\0';
	for (i = 0; i < SUGGEST_PORTS; i++)
		if (src->ports[i].n && (!best || src->ports[i].n > best->n))
			best = &src->ports[i];
	if (!best)
		return;
	row = suggest_port_row(s, best->kb);
	svc = suggest_service(row);
	if (svc)
		snprintf(svc_out, svc_len, "%s", svc);
	suggest_cat(it->why, sizeof(it->why), ", %u of them %s ", best->n,
		    suggest_proto_name(best->proto));
	if (row && row->dir == KB_DIR_SRC && row->lo != row->hi)
		suggest_cat(it->why, sizeof(it->why), "from ports %u-%u", row->lo, row->hi);
	else if (row && row->dir == KB_DIR_SRC)
		suggest_cat(it->why, sizeof(it->why), "from port %u", row->lo);
	else
		suggest_cat(it->why, sizeof(it->why), "to port %u", best->port);
	if (svc)
		suggest_cat(it->why, sizeof(it->why), " (%s)", svc);
	if (row && row->summary)
		suggest_fmt(it->detail, sizeof(it->detail), "%s", row->summary);
}

static void suggest_word_ratelimit(const struct suggest *s, struct suggest_item *it)
{
	const struct suggest_src *src = &s->srcs[it->src];
	char addr[INET6_ADDRSTRLEN], svc[64], note[160];

	suggest_addr_text(src->family, src->addr, addr, sizeof(addr));
	snprintf(it->why, sizeof(it->why), "%s: %u drops", addr, src->drops);
	if (src->unicast != src->drops)
		suggest_cat(it->why, sizeof(it->why), " (%u to unicast addresses)", src->unicast);
	suggest_usual_port(s, src, it, svc, sizeof(svc));
	suggest_cat(it->why, sizeof(it->why), "; none suspicious or hostile");
	snprintf(it->change, sizeof(it->change),
		 "its packets beyond 1/second (burst 5) are dropped unlogged; "
		 "a sample still reaches your log rule");
	snprintf(it->expr, sizeof(it->expr),
		 "%s saddr %s limit rate over 1/second burst 5 packets drop",
		 src->family == 6 ? "ip6" : "ip", addr);
	snprintf(note, sizeof(note), "nflogd: rate-limit %s%s%.40s%s", addr, svc[0] ? " (" : "",
		 svc, svc[0] ? ")" : "");
	suggest_note(it->note, note);
}

static void suggest_word_antispoof(const struct suggest *s, struct suggest_item *it)
{
	char srcs[160], addr[INET6_ADDRSTRLEN];
	uint32_t shown = 0;
	size_t i;

	/* In the order met, which is ring order: deterministic for one ring,
	 * and it names the first offenders rather than the lowest addresses. */
	srcs[0] = '\0';
	for (i = 0; i < s->nsrcs && shown < 3; i++)
		if ((s->srcs[i].flags & SUGGEST_SRC_SPOOFED) &&
		    suggest_cat(srcs, sizeof(srcs), "%s%s", shown ? ", " : "",
				suggest_src_text(s, (uint32_t)i, addr, sizeof(addr))))
			shown++;
	if (it->sources > shown)
		suggest_cat(srcs, sizeof(srcs), " and %u more", it->sources - shown);
	if (it->sources)
		suggest_fmt(it->why, sizeof(it->why), "%u drop%s from %u source%s with bogon or "
			    "martian addresses: %s", it->drops, it->drops == 1 ? "" : "s",
			    it->sources, it->sources == 1 ? "" : "s", srcs);
	else
		snprintf(it->why, sizeof(it->why), "no bogon or martian source was dropped");
	suggest_ids_text(it, "ipid-sequence/state-full", it->why, sizeof(it->why));
	snprintf(it->detail, sizeof(it->detail),
		 "reverse-path check: a packet is dropped unless the route back to its source "
		 "leaves through the interface it came in on; LAN hosts still pass");
	snprintf(it->change, sizeof(it->change),
		 "spoofed packets are dropped and logged as %s (group %u) in prerouting, before "
		 "any other rule; check hosts with asymmetric routing first", NFT_PREFIX_SPOOF,
		 s->cfg.log_group);
	suggest_note(it->note, "nflogd: drop spoofed sources (reverse path check)");
}

static void suggest_word_icmp(const struct suggest *s, struct suggest_item *it)
{
	const struct suggest_icmp *ic = &s->icmp[it->noise];
	char srcs[160], types[SUGGEST_TEXT_LEN];
	const struct kb_icmp *row = NULL;
	uint32_t best = 0, n = 0;
	int i;

	suggest_top_sources(s, &ic->srcs, srcs, sizeof(srcs));
	if (!it->noise) {
		row = kb_icmp_lookup(s->kb, 4, 3, 4);
		suggest_fmt(it->why, sizeof(it->why), "ICMP frag-needed (type 3 code 4): %u drop%s "
			    "from %u source%s: %s", it->drops, it->drops == 1 ? "" : "s",
			    it->sources, it->sources == 1 ? "" : "s", srcs);
		snprintf(it->change, sizeof(it->change), "accepted instead of dropped, so path MTU "
			 "discovery works (large transfers stop stalling)");
		snprintf(it->expr, sizeof(it->expr),
			 "icmp type destination-unreachable icmp code frag-needed accept");
		suggest_note(it->note, "nflogd: accept icmp frag-needed (path MTU discovery)");
	} else {
		snprintf(it->why, sizeof(it->why), "ICMPv6");
		types[0] = '\0';
		for (i = 0; i < SUGGEST_ICMP6_TYPES; i++) {
			if (!ic->type_drops[i])
				continue;
			suggest_cat(it->why, sizeof(it->why), "%s %s (%u)", n ? "," : "",
				    suggest_icmp6_types[i].name, ic->type_drops[i]);
			suggest_cat(types, sizeof(types), "%s%s", n ? ", " : "",
				    suggest_icmp6_types[i].name);
			if (ic->type_drops[i] > best) {
				best = ic->type_drops[i];
				/* code 255 exists for none of these: the type's
				 * any-code row, not one code's */
				row = kb_icmp_lookup(s->kb, 6, suggest_icmp6_types[i].type, 255);
			}
			n++;
		}
		suggest_cat(it->why, sizeof(it->why), ": %u drop%s from %u source%s: %s", it->drops,
			    it->drops == 1 ? "" : "s", it->sources, it->sources == 1 ? "" : "s",
			    srcs);
		snprintf(it->change, sizeof(it->change), "accepted instead of dropped: IPv6 needs "
			 "them for path MTU discovery, error reporting and neighbour discovery");
		suggest_fmt(it->expr, sizeof(it->expr), n == 1 ? "icmpv6 type %s accept" :
			    "icmpv6 type { %s } accept", types);
		suggest_note(it->note, "nflogd: accept essential icmpv6");
	}
	if (row && row->summary)
		suggest_fmt(it->detail, sizeof(it->detail), "%s: %s", row->name, row->summary);
}

void suggest_word(const struct suggest *s, struct suggest_item *it)
{
	switch (it->kind) {
	case SUGGEST_SILENCE:
		suggest_word_silence(s, it);
		break;
	case SUGGEST_BLOCK:
		suggest_word_block(s, it);
		break;
	case SUGGEST_RATELIMIT:
		suggest_word_ratelimit(s, it);
		break;
	case SUGGEST_ANTISPOOF:
		suggest_word_antispoof(s, it);
		break;
	case SUGGEST_ICMP:
		suggest_word_icmp(s, it);
		break;
	}
	suggest_line_clean(it->why);
	suggest_line_clean(it->detail);
	suggest_line_clean(it->change);
}

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
	memcpy(order, it->pairs->v, it->pairs->n * sizeof(*order));
	qsort_r(order, it->pairs->n, sizeof(*order), suggest_pair_cmp, s->pairs);
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
static int suggest_item_lines(const struct suggest *s, const struct suggest_item *it,
			      bool standalone, suggest_sink sink, void *ctx)
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

	fprintf(f, "#!/usr/sbin/nft -f\n"
		"# nftables rules suggested by `nflogctl suggest` from what nflogd logged.\n");
	if (s->cfg.ring_path) {
		suggest_hash_text(path, sizeof(path), s->cfg.ring_path);
		fprintf(f, "# ring: %s\n", path);
	}
	fprintf(f, "# considered: %" PRIu64 " drops, %zu alerts", s->drops, alerts);
	if (s->cfg.since_ns) {
		suggest_time_text(s->cfg.since_ns, when, sizeof(when));
		fprintf(f, " since %s\n", when);
	} else {
		fprintf(f, " (all records in the ring)\n");
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
	if (!s->cfg.ruleset_known)
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
			suggest_addr_text(s->srcs[it->src].family, s->srcs[it->src].addr, addr,
					  sizeof(addr)), it->why);
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
			suggest_addr_text(s->srcs[s->skips[i].src].family,
					  s->srcs[s->skips[i].src].addr, addr, sizeof(addr)),
			s->skips[i].reason);
	if (s->more_skips)
		fprintf(out, "#   ... and %zu more sources, not listed\n", s->more_skips);
	if (fflush(out) || ferror(out))
		return -EIO;
	return 0;
}

/* --- JSON ------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if none. */
static size_t suggest_utf8_len(const unsigned char *p, size_t n)
{
	size_t need, i;
	uint32_t cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 1, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		need = 2, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		need = 3, cp = p[0] & 0x07;
	else
		return 0;
	if (n < need + 1)
		return 0;
	for (i = 1; i <= need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return need + 1;
}

/* A JSON string: quotes, backslashes and control characters escaped, and
 * bytes that are not UTF-8 (log prefixes are arbitrary) as U+FFFD. */
static void suggest_json_str(FILE *f, const char *str)
{
	const unsigned char *p = (const unsigned char *)str;
	size_t n = strlen(str);

	fputc('"', f);
	while (n) {
		size_t k;

		if (*p == '"' || *p == '\\') {
			fputc('\\', f);
			fputc(*p, f);
		} else if (*p == '\n') {
			fputs("\\n", f);
		} else if (*p == '\r') {
			fputs("\\r", f);
		} else if (*p == '\t') {
			fputs("\\t", f);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p);
		} else if (*p >= 0x80) {
			k = suggest_utf8_len(p, n);
			if (!k) {
				fputs("\\ufffd", f);
				k = 1;
			} else {
				fwrite(p, 1, k, f);
			}
			p += k;
			n -= k;
			continue;
		} else {
			fputc(*p, f);
		}
		p++;
		n--;
	}
	fputc('"', f);
}

struct suggest_json_ctx {
	FILE	*f;
	bool	 first;
};

static int suggest_json_sink(void *ctx, bool comment, const char *line)
{
	struct suggest_json_ctx *j = ctx;

	if (comment)
		return 0;
	if (!j->first)
		fputc(',', j->f);
	j->first = false;
	suggest_json_str(j->f, line);
	return 0;
}

static int suggest_json_item(const struct suggest *s, const struct suggest_item *it, FILE *f)
{
	struct suggest_json_ctx j = { .f = f, .first = true };
	char addr[INET6_ADDRSTRLEN];
	uint32_t i;
	int rc;

	fprintf(f, "{\"kind\":\"%s\",\"why\":", suggest_kind_names[it->kind]);
	suggest_json_str(f, it->why);
	if (it->detail[0]) {
		fputs(",\"meaning\":", f);
		suggest_json_str(f, it->detail);
	}
	fputs(",\"change\":", f);
	suggest_json_str(f, it->change);
	fprintf(f, ",\"drops\":%u,\"sources\":%u,\"alert_ids\":[", it->drops, it->sources);
	for (i = 0; i < it->nids; i++)
		fprintf(f, "%s%u", i ? "," : "", it->ids[i]);
	fputc(']', f);
	if (it->src != SUGGEST_NONE)
		fprintf(f, ",\"source\":\"%s\"",
			suggest_addr_text(s->srcs[it->src].family, s->srcs[it->src].addr, addr,
					  sizeof(addr)));
	if (it->kind == SUGGEST_BLOCK)
		fprintf(f, ",\"timeout_s\":%u,\"incidents\":%u", it->timeout_s, it->incidents);
	if (it->expr[0]) {
		fputs(",\"expr\":", f);
		suggest_json_str(f, it->expr);
	}
	if (it->pairs) {
		uint16_t order[SUGGEST_PAIRS_MAX];

		if (it->pairs->n)
			memcpy(order, it->pairs->v, it->pairs->n * sizeof(*order));
		qsort_r(order, it->pairs->n, sizeof(*order), suggest_pair_cmp, s->pairs);
		fputs(",\"logged_as\":[", f);
		for (i = 0; i < it->pairs->n; i++) {
			fprintf(f, "%s{\"group\":%u,\"prefix\":", i ? "," : "",
				s->pairs[order[i]].group);
			suggest_json_str(f, s->pairs[order[i]].prefix);
			fputc('}', f);
		}
		fputc(']', f);
	}
	fputs(",\"nft\":[", f);
	rc = suggest_item_lines(s, it, true, suggest_json_sink, &j);
	fputs("]}", f);
	return rc;
}

int suggest_write_json(const struct suggest *s, FILE *out)
{
	char addr[INET6_ADDRSTRLEN];
	size_t i;
	int rc;

	if (!s->finished)
		return -EINVAL;
	fprintf(out, "{\"version\":1,\"drops\":%" PRIu64 ",\"alerts\":%zu,\"since\":%" PRIu64
		",\"suggestions\":[", s->drops, s->nalerts, s->cfg.since_ns);
	for (i = 0; i < s->nitems; i++) {
		if (i)
			fputc(',', out);
		if ((rc = suggest_json_item(s, &s->items[i], out)) < 0)
			return rc;
	}
	fputs("],\"skipped\":[", out);
	for (i = 0; i < s->nskips; i++) {
		const struct suggest_src *src = &s->srcs[s->skips[i].src];

		fprintf(out, "%s{\"source\":\"%s\",\"reason\":", i ? "," : "",
			suggest_addr_text(src->family, src->addr, addr, sizeof(addr)));
		suggest_json_str(out, s->skips[i].reason);
		fputc('}', out);
	}
	fprintf(out, "],\"unlisted\":{\"block\":%zu,\"ratelimit\":%zu,\"skipped\":%zu}}\n",
		s->more[SUGGEST_BLOCK], s->more[SUGGEST_RATELIMIT], s->more_skips);
	if (fflush(out) || ferror(out))
		return -EIO;
	return 0;
}
