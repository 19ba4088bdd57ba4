/* SPDX-License-Identifier: GPL-2.0-or-later */
/* suggest_words.c - each decision of the suggestion engine worded: what was
 * seen (why), what the kb says it is (detail), what applying it changes, and
 * for rules placed before a log rule the nft expression and its comment. The
 * texts are one line each; both writers and suggest_blocks() show them.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ruleset/nftnames.h"
#include "suggest/suggest_int.h"
#include "ring/ringnames.h"

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
	return proto == IPPROTO_TCP ? "TCP" : proto == IPPROTO_UDP ? "UDP" : "IP";
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
	if (src->probes) {
		const struct kb_port *row = suggest_port_row(s, src->probe_kb);
		const char *svc = suggest_service(row);

		/* Say what the evidence is: the kb's own hostile rating, or
		 * only that the port is a trojan's (suggest_blockable_probe). */
		if (src->probe_verdict >= KB_VERDICT_HOSTILE)
			suggest_fmt(part, sizeof(part), "%s%u probe%s the kb rates hostile "
				    "(%s %u%s%.40s%s)", src->nalerts ? "; plus " : "", src->probes,
				    src->probes == 1 ? "" : "s",
				    suggest_proto_name(src->probe_proto), src->probe_port,
				    svc ? " " : "", svc ? svc : "",
				    src->probe_tags & RING_TAG_SLAMMER ? ", slammer" :
				    src->probe_tags & RING_TAG_HACKATACK ? ", hack-a-tack" : "");
		else
			suggest_fmt(part, sizeof(part), "%ssuspicious: %u probe%s of a port known "
				    "for %.40s (%s %u)", src->nalerts ? "; plus " : "",
				    src->probes, src->probes == 1 ? "" : "s",
				    svc ? svc : "a trojan", suggest_proto_name(src->probe_proto),
				    src->probe_port);
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
