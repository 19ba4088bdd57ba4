/* SPDX-License-Identifier: GPL-2.0-or-later */
/* suggest_decide.c - the suggestion engine's decisions (doc/suggest.md):
 * after the last input, link alerts to their sources, sort the sources into
 * blocks, rate limits and skips (the safety rules), pick the noise to
 * silence, and make the items in script order. Wording them is
 * suggest_words.c's job; suggest.c runs one after the other.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest/suggest_int.h"

/* A source waiting to be sorted into a list. */
struct suggest_cand {
	uint32_t	src;
	uint32_t	drops;
	uint8_t		family;
	uint8_t		addr[16];
	uint8_t		rate;		/* skips: a rate-limit candidate, not a block */
};

/* --- alerts and sources ---------------------------------------------- */

static int suggest_src_alert(struct suggest_src *src, uint32_t idx)
{
	size_t cap = src->calerts;
	uint32_t *v;

	v = suggest_grow(src->alerts, &cap, (size_t)src->nalerts + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	src->alerts = v;
	src->calerts = (uint32_t)cap;
	src->alerts[src->nalerts++] = idx;
	return 0;
}

/* Addresses never blocked or limited whatever they did; NULL when none
 * of these applies. IPv4-mapped IPv6 addresses are judged as IPv4. */
static const char *suggest_addr_unsafe(unsigned family, const uint8_t addr[16])
{
	static const uint8_t zero[16];
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t one6[16] = { [15] = 1 };

	if (family == 6 && !memcmp(addr, mapped, 12)) {
		family = 4;
		addr += 12;
	}
	if (family == 4) {
		if (addr[0] == 127)
			return "loopback address";
		if (addr[0] == 0)
			return "unspecified address";
		if (addr[0] == 255 && addr[1] == 255 && addr[2] == 255 && addr[3] == 255)
			return "broadcast address";
		if ((addr[0] & 0xf0) == 0xe0)
			return "multicast address";
		return NULL;
	}
	if (!memcmp(addr, one6, 16))
		return "loopback address";
	if (!memcmp(addr, zero, 16))
		return "unspecified address";
	if (addr[0] == 0xff)
		return "multicast address";
	return NULL;
}

/* Why src must not be blocked (block) or rate-limited (!block), in buf;
 * NULL when nothing forbids it. */
static const char *suggest_unsafe(const struct suggest *s, const struct suggest_src *src,
				  bool block, char *buf, size_t len)
{
	char entry[INET6_ADDRSTRLEN + 8];
	const char *why;

	if (cidrlist_match(s->cfg.own, src->family, src->addr, entry, sizeof(entry))) {
		snprintf(buf, len, "this host's address");
		return buf;
	}
	why = suggest_addr_unsafe(src->family, src->addr);
	if (why) {
		snprintf(buf, len, "%s", why);
		return buf;
	}
	if (cidrlist_match(s->cfg.allow, src->family, src->addr, entry, sizeof(entry))) {
		snprintf(buf, len, "allowlist %s", entry);
		return buf;
	}
	if (!block)
		return NULL;
	if (src->flags & SUGGEST_SRC_DECOY) {
		snprintf(buf, len, "likely forged decoy member (decoy-scan alert %u)",
			 src->decoy_id);
		return buf;
	}
	if (src->flags & SUGGEST_SRC_SPOOFED) {
		snprintf(buf, len, "source looks spoofed (bogon/martian): anti-spoofing instead");
		return buf;
	}
	if (src->flags & SUGGEST_SRC_IPID) {
		snprintf(buf, len, "claimed source of ipid-sequence alert %u: one machine forging "
			 "addresses", src->ipid_id);
		return buf;
	}
	return NULL;
}

/* Sources that did something worth a block. */
static bool suggest_blockish(const struct suggest_src *src)
{
	return src->nalerts || src->probes || src->forged || (src->flags & SUGGEST_SRC_DECOY_UNID);
}

/* The reason a blockish source is skipped when no safety rule applies: it
 * has nothing of its own to be blocked for. NULL when it has. */
static const char *suggest_no_incident(const struct suggest_src *src, char *buf, size_t len)
{
	if (src->nalerts || src->probes)
		return NULL;
	if (src->flags & SUGGEST_SRC_DECOY_UNID)
		snprintf(buf, len, "decoy scan: the real source cannot be told from the forged "
			 "ones (decoy-scan alert %u); ping each and compare TTLs", src->unid_id);
	else
		snprintf(buf, len, "its hostile packets (fraggle/land) carry a forged source: "
			 "the victim's");
	return buf;
}

/* Link alerts to their sources: block-worthy incidents, and the flags that
 * forbid a block. Decoy membership was settled as drops arrived. */
static int suggest_link_alerts(struct suggest *s)
{
	size_t i;
	int rc;

	for (i = 0; i < s->nalerts; i++) {
		const struct ring_alert *a = &s->alerts[i];
		struct suggest_src *src;
		uint32_t si;

		if (a->family != 4 && a->family != 6)
			continue;
		if (a->type != RING_ALERT_PORTSCAN && a->type != RING_ALERT_SWEEP &&
		    a->type != RING_ALERT_DECOY && a->type != RING_ALERT_IPID)
			continue;
		if (a->type != RING_ALERT_IPID && a->verdict < KB_VERDICT_SUSPICIOUS)
			continue;
		si = suggest_src_get(s, a->family, a->saddr, true, &rc);
		if (rc < 0)
			return rc;
		if (si == SUGGEST_NONE)
			continue;
		src = &s->srcs[si];
		if (a->type == RING_ALERT_IPID) {
			if (!(src->flags & SUGGEST_SRC_IPID) || a->alert_id < src->ipid_id)
				src->ipid_id = a->alert_id;
			src->flags |= SUGGEST_SRC_IPID;
			continue;
		}
		/* Not even with TTL evidence: nmap randomises the TTL of every
		 * probe, decoys included, so "the one with a plausible hop
		 * count" is a lead for a human, never grounds for a block. */
		if (a->type == RING_ALERT_DECOY) {
			if (!(src->flags & SUGGEST_SRC_DECOY_UNID) || a->alert_id < src->unid_id)
				src->unid_id = a->alert_id;
			src->flags |= SUGGEST_SRC_DECOY_UNID;
			continue;
		}
		if ((rc = suggest_src_alert(src, (uint32_t)i)) < 0)
			return rc;
	}
	return 0;
}

static int suggest_cand_cmp(const void *pa, const void *pb)
{
	const struct suggest_cand *a = pa, *b = pb;

	if (a->drops != b->drops)
		return a->drops > b->drops ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->addr, b->addr, 16);
}

static int suggest_u32_cmp(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return a < b ? -1 : a > b;
}

static int suggest_alert_cmp_id(const void *pa, const void *pb, void *arg)
{
	const struct ring_alert *al = arg;

	return suggest_u32_cmp(&al[*(const uint32_t *)pa].alert_id,
			       &al[*(const uint32_t *)pb].alert_id);
}

static struct suggest_item *suggest_item_new(struct suggest *s, enum suggest_kind kind)
{
	struct suggest_item *it = &s->items[s->nitems++];

	memset(it, 0, sizeof(*it));
	it->kind = (uint8_t)kind;
	it->src = SUGGEST_NONE;
	s->count[kind]++;
	return it;
}

/* Append an alert id to an item's list. */
static int suggest_item_id(struct suggest_item *it, size_t *cap, uint32_t id)
{
	uint32_t *v = suggest_grow(it->ids, cap, (size_t)it->nids + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	it->ids = v;
	it->ids[it->nids++] = id;
	return 0;
}

/* Whether an item cites an alert: each kind's own test, ctx its data. */
typedef bool suggest_alert_pick(struct suggest *s, const struct ring_alert *a, const void *ctx);

/* An item's alert ids: those of the alerts pick cites, in id order. */
static int suggest_item_alerts(struct suggest *s, struct suggest_item *it,
			       suggest_alert_pick *pick, const void *ctx)
{
	size_t i, cap = 0;

	for (i = 0; i < s->nalerts; i++) {
		const struct ring_alert *a = &s->alerts[i];

		if (pick(s, a, ctx) && suggest_item_id(it, &cap, a->alert_id) < 0)
			return -ENOMEM;
	}
	if (it->nids)
		qsort(it->ids, it->nids, sizeof(*it->ids), suggest_u32_cmp);
	return 0;
}

/* Silence: the noise alerts about the sources of its map (ctx). */
static bool suggest_pick_noise(struct suggest *s, const struct ring_alert *a, const void *ctx)
{
	uint32_t si;
	int rc;

	if (a->type != RING_ALERT_NOISE || (a->family != 4 && a->family != 6))
		return false;
	si = suggest_src_get(s, a->family, a->saddr, false, &rc);
	return si != SUGGEST_NONE && suggest_map_find(ctx, si);
}

/* Antispoof: every ipid-sequence and state-full alert (what its why
 * cites), whoever they name. */
static bool suggest_pick_spoof(struct suggest *s, const struct ring_alert *a, const void *ctx)
{
	(void)s;
	(void)ctx;
	return a->type == RING_ALERT_IPID || a->type == RING_ALERT_STATE_FULL;
}

/* --- the items: what each suggestion is made of (suggest_words.c words it) */

static int suggest_item_silence(struct suggest *s, uint32_t ni)
{
	const struct suggest_noise *n = &s->noise[ni];
	struct suggest_item *it = suggest_item_new(s, SUGGEST_SILENCE);

	/* placed only where drops of its family can have been logged */
	it->family = n->families == 1 ? 4 : n->families == 2 ? 6 : 0;
	it->noise = ni;
	it->drops = n->drops;
	it->sources = (uint32_t)n->srcs.n;
	it->pairs = &n->pairs;
	return suggest_item_alerts(s, it, suggest_pick_noise, &n->srcs);
}

/* Timeout: the base (6 h when any incident is a hostile alert, else 1 h)
 * doubled per incident after the first, capped at a week. Hostile probes
 * without any alert are one incident. */
static int suggest_item_block(struct suggest *s, uint32_t si)
{
	const struct suggest_src *src = &s->srcs[si];
	struct suggest_item *it = suggest_item_new(s, SUGGEST_BLOCK);
	bool hostile_alert = false;
	uint64_t t;
	uint32_t i;

	it->src = si;
	it->family = src->family;
	it->drops = src->drops;
	it->sources = 1;
	if (src->nalerts) {
		it->ids = malloc(src->nalerts * sizeof(*it->ids));
		if (!it->ids)
			return -ENOMEM;
	}
	for (i = 0; i < src->nalerts; i++) {
		const struct ring_alert *a = &s->alerts[src->alerts[i]];

		it->ids[i] = a->alert_id;
		if (a->verdict >= KB_VERDICT_HOSTILE)
			hostile_alert = true;
	}
	it->nids = src->nalerts;
	it->incidents = src->nalerts ? src->nalerts : 1;
	t = hostile_alert ? SUGGEST_BLOCK_HOSTILE : SUGGEST_BLOCK_BASE;
	for (i = 1; i < it->incidents && t < SUGGEST_BLOCK_MAX; i++)
		t *= 2;
	it->timeout_s = (uint32_t)(t < SUGGEST_BLOCK_MAX ? t : SUGGEST_BLOCK_MAX);
	return 0;
}

static void suggest_item_ratelimit(struct suggest *s, uint32_t si)
{
	const struct suggest_src *src = &s->srcs[si];
	struct suggest_item *it = suggest_item_new(s, SUGGEST_RATELIMIT);

	it->src = si;
	it->family = src->family;
	it->drops = src->drops;
	it->sources = 1;
	it->pairs = &src->pairs;
}

static int suggest_item_antispoof(struct suggest *s)
{
	struct suggest_item *it = suggest_item_new(s, SUGGEST_ANTISPOOF);
	size_t i;

	for (i = 0; i < s->nsrcs; i++)
		if (s->srcs[i].flags & SUGGEST_SRC_SPOOFED)
			it->sources++;
	it->drops = s->spoof_drops;
	return suggest_item_alerts(s, it, suggest_pick_spoof, NULL);
}

static void suggest_item_icmp(struct suggest *s, unsigned v6)
{
	const struct suggest_icmp *ic = &s->icmp[v6];
	struct suggest_item *it = suggest_item_new(s, SUGGEST_ICMP);

	it->noise = v6;
	it->family = v6 ? 6 : 4;
	it->drops = ic->drops;
	it->sources = (uint32_t)ic->srcs.n;
	it->pairs = &ic->pairs;
}

static int suggest_noise_cmp(const void *pa, const void *pb, void *arg)
{
	const struct suggest_noise *a = &((const struct suggest_noise *)arg)[*(const uint32_t *)pa];
	const struct suggest_noise *b = &((const struct suggest_noise *)arg)[*(const uint32_t *)pb];

	if (a->drops != b->drops)
		return a->drops > b->drops ? -1 : 1;
	if (a->dhcp != b->dhcp)
		return a->dhcp ? 1 : -1;
	if (a->dport != b->dport)
		return a->dport < b->dport ? -1 : 1;
	return a->sport < b->sport ? -1 : a->sport > b->sport;
}

static void suggest_skip_add(struct suggest *s, const struct suggest_cand *c)
{
	const struct suggest_src *src = &s->srcs[c->src];
	struct suggest_skip *k = &s->skips[s->nskips++];
	char why[160];

	k->src = c->src;
	if (!suggest_unsafe(s, src, !c->rate, why, sizeof(why)))
		suggest_no_incident(src, why, sizeof(why));
	snprintf(k->reason, sizeof(k->reason), "%.140s%s", why, c->rate ? " (no rate limit)" : "");
}

/* --- the lists ------------------------------------------------------- */

/* What is to be suggested, before the items are made: sources and noise
 * kinds in list order, each list capped at SUGGEST_LIST_MAX. */
struct suggest_lists {
	struct suggest_cand	*blk, *rate, *skip;
	uint32_t		*sil;		/* indices into suggest.noise */
	size_t			 nblk, nrate, nskip, nsil;
	bool			 antispoof;
};

static int suggest_lists_alloc(const struct suggest *s, struct suggest_lists *l)
{
	size_t n = s->nsrcs ? s->nsrcs : 1;

	memset(l, 0, sizeof(*l));
	l->blk = malloc(n * sizeof(*l->blk));
	l->rate = malloc(n * sizeof(*l->rate));
	l->skip = malloc(n * sizeof(*l->skip));
	l->sil = malloc((s->nnoise ? s->nnoise : 1) * sizeof(*l->sil));
	return l->blk && l->rate && l->skip && l->sil ? 0 : -ENOMEM;
}

static void suggest_lists_free(struct suggest_lists *l)
{
	free(l->blk);
	free(l->rate);
	free(l->skip);
	free(l->sil);
}

/* Each source to be blocked, rate-limited or skipped for safety, or left
 * alone; its block-worthy alerts into id order on the way. */
static void suggest_sort_sources(struct suggest *s, struct suggest_lists *l)
{
	size_t i;

	for (i = 0; i < s->nsrcs; i++) {
		struct suggest_src *src = &s->srcs[i];
		struct suggest_cand c = { .src = (uint32_t)i, .drops = src->drops,
					  .family = src->family };
		char why[160];

		memcpy(c.addr, src->addr, 16);
		if (src->nalerts > 1)
			qsort_r(src->alerts, src->nalerts, sizeof(*src->alerts),
				suggest_alert_cmp_id, s->alerts);
		if (suggest_blockish(src)) {
			if (suggest_unsafe(s, src, true, why, sizeof(why)) ||
			    suggest_no_incident(src, why, sizeof(why)))
				l->skip[l->nskip++] = c;
			else
				l->blk[l->nblk++] = c;
		} else if (src->unicast >= s->cfg.ratelimit_min && !src->suspicious &&
			   !(src->flags & (SUGGEST_SRC_DECOY | SUGGEST_SRC_IPID))) {
			c.rate = 1;
			if (suggest_unsafe(s, src, false, why, sizeof(why)))
				l->skip[l->nskip++] = c;
			else
				l->rate[l->nrate++] = c;
		}
	}
}

/* The noise kinds to silence, and whether anti-spoofing is called for:
 * spoofed drops, or alerts that only forged sources explain. */
static void suggest_sort_noise(const struct suggest *s, struct suggest_lists *l)
{
	size_t i;

	for (i = 0; i < s->nnoise; i++)
		if (s->noise[i].drops >= s->cfg.silence_min)
			l->sil[l->nsil++] = (uint32_t)i;
	l->antispoof = s->spoof_drops > 0;
	for (i = 0; i < s->nalerts; i++)
		if (s->alerts[i].type == RING_ALERT_IPID ||
		    s->alerts[i].type == RING_ALERT_STATE_FULL)
			l->antispoof = true;
}

/* n, at most SUGGEST_LIST_MAX; the rest counted in *more. */
static size_t suggest_list_cap(size_t n, size_t *more)
{
	if (n <= SUGGEST_LIST_MAX)
		return n;
	*more = n - SUGGEST_LIST_MAX;
	return SUGGEST_LIST_MAX;
}

/* Most drops first; the lists of sources capped. */
static void suggest_lists_order(struct suggest *s, struct suggest_lists *l)
{
	qsort(l->blk, l->nblk, sizeof(*l->blk), suggest_cand_cmp);
	qsort(l->rate, l->nrate, sizeof(*l->rate), suggest_cand_cmp);
	qsort(l->skip, l->nskip, sizeof(*l->skip), suggest_cand_cmp);
	qsort_r(l->sil, l->nsil, sizeof(*l->sil), suggest_noise_cmp, s->noise);
	l->nblk = suggest_list_cap(l->nblk, &s->more[SUGGEST_BLOCK]);
	l->nrate = suggest_list_cap(l->nrate, &s->more[SUGGEST_RATELIMIT]);
	l->nskip = suggest_list_cap(l->nskip, &s->more_skips);
}

/* The items, in script order, and the skips. */
static int suggest_make_items(struct suggest *s, const struct suggest_lists *l)
{
	size_t i;
	int rc;

	s->items = calloc(l->nsil + l->nblk + l->nrate + 3, sizeof(*s->items));
	s->skips = calloc(l->nskip ? l->nskip : 1, sizeof(*s->skips));
	if (!s->items || !s->skips)
		return -ENOMEM;
	for (i = 0; i < l->nsil; i++)
		if ((rc = suggest_item_silence(s, l->sil[i])) < 0)
			return rc;
	for (i = 0; i < l->nblk; i++)
		if ((rc = suggest_item_block(s, l->blk[i].src)) < 0)
			return rc;
	for (i = 0; i < l->nrate; i++)
		suggest_item_ratelimit(s, l->rate[i].src);
	if (l->antispoof && (rc = suggest_item_antispoof(s)) < 0)
		return rc;
	if (s->icmp[0].drops)
		suggest_item_icmp(s, 0);
	if (s->icmp[1].drops)
		suggest_item_icmp(s, 1);
	for (i = 0; i < l->nskip; i++)
		suggest_skip_add(s, &l->skip[i]);
	return 0;
}

int suggest_decide(struct suggest *s)
{
	struct suggest_lists l;
	int rc;

	if ((rc = suggest_link_alerts(s)) < 0)
		return rc;
	if ((rc = suggest_lists_alloc(s, &l)) == 0) {
		suggest_sort_sources(s, &l);
		suggest_sort_noise(s, &l);
		suggest_lists_order(s, &l);
		rc = suggest_make_items(s, &l);
	}
	suggest_lists_free(&l);
	return rc;
}
