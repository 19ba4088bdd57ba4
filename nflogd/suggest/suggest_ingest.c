/* SPDX-License-Identifier: GPL-2.0-or-later */
/* suggest_ingest.c - the suggestion engine's input (suggest.h): alerts and
 * drops, aggregated as they arrive, for suggest_decide.c to judge.
 *
 * Aggregation is per source address (a hash keyed with a per-engine secret,
 * since forged sources choose their own keys), per noise kind (UDP port to a
 * broadcast or multicast address) and per (group, prefix) pair, the key that
 * ties a drop back to the log rule that logged it. Everything is bounded
 * (suggest_int.h): past a bound, input is counted and said to be unanalysed.
 * Decoy membership is settled here, as drops arrive.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest/suggest_int.h"
#include "util/mix.h"

/* --- sources --------------------------------------------------------- */

static uint64_t suggest_src_hash(const struct suggest *s, unsigned family, const uint8_t addr[16])
{
	uint64_t a, b;

	memcpy(&a, addr, 8);
	memcpy(&b, addr + 8, 8);
	return mix64(mix64(s->seed ^ family ^ a) ^ b);
}

static size_t suggest_src_slot(const struct suggest *s, unsigned family, const uint8_t addr[16])
{
	size_t mask = s->nslots - 1, i = (size_t)suggest_src_hash(s, family, addr) & mask;

	for (;; i = (i + 1) & mask) {
		const struct suggest_src *e;

		if (!s->slots[i])
			return i;
		e = &s->srcs[s->slots[i] - 1];
		if (e->family == family && !memcmp(e->addr, addr, 16))
			return i;
	}
}

static int suggest_src_rehash(struct suggest *s)
{
	size_t n = s->nslots ? s->nslots * 2 : 1024, i;
	uint32_t *old = s->slots;
	size_t oldn = s->nslots;

	s->slots = calloc(n, sizeof(*s->slots));
	if (!s->slots) {
		s->slots = old;
		return -ENOMEM;
	}
	s->nslots = n;
	for (i = 0; i < oldn; i++) {
		const struct suggest_src *e;

		if (!old[i])
			continue;
		e = &s->srcs[old[i] - 1];
		s->slots[suggest_src_slot(s, e->family, e->addr)] = old[i];
	}
	free(old);
	return 0;
}

/* The index of a source, created when create is set; SUGGEST_NONE when it
 * is not there, or the table is full (*rc 0) or memory ran out (*rc < 0). */
uint32_t suggest_src_get(struct suggest *s, unsigned family, const uint8_t addr[16],
				bool create, int *rc)
{
	struct suggest_src *v;
	size_t i;

	*rc = 0;
	if (s->nslots) {
		i = suggest_src_slot(s, family, addr);
		if (s->slots[i])
			return s->slots[i] - 1;
	}
	if (!create || s->nsrcs >= SUGGEST_SOURCES_MAX)
		return SUGGEST_NONE;
	if ((s->nsrcs + 1) * 2 > s->nslots && (*rc = suggest_src_rehash(s)) < 0)
		return SUGGEST_NONE;
	v = suggest_grow(s->srcs, &s->csrcs, s->nsrcs + 1, sizeof(*v));
	if (!v) {
		*rc = -ENOMEM;
		return SUGGEST_NONE;
	}
	s->srcs = v;
	v = &s->srcs[s->nsrcs];
	memset(v, 0, sizeof(*v));
	v->family = (uint8_t)family;
	memcpy(v->addr, addr, 16);
	s->slots[suggest_src_slot(s, family, addr)] = (uint32_t)++s->nsrcs;
	return (uint32_t)(s->nsrcs - 1);
}

/* --- alerts ---------------------------------------------------------- */

/* A later record of an incident replaces the one held: state first (CLOSED
 * is final), then time. */
static bool suggest_alert_newer(const struct ring_alert *a, const struct ring_alert *old)
{
	if (a->state != old->state)
		return a->state > old->state;
	return a->ts_ns >= old->ts_ns;
}

int suggest_add_alert(struct suggest *s, const struct ring_alert *a)
{
	struct ring_alert *v;
	uint32_t *idx;

	if (s->finishing)
		return -EINVAL;
	if (s->cfg.since_ns && a->ts_ns < s->cfg.since_ns)
		return 0;
	if (a->kind != RING_KIND_ALERT || a->type == 0 || a->type >= __RING_ALERT_MAX)
		return 0;
	idx = suggest_map_find(&s->alert_idx, a->alert_id);
	if (idx) {
		if (suggest_alert_newer(a, &s->alerts[*idx])) {
			s->alerts[*idx] = *a;
			if (a->type == RING_ALERT_DECOY)
				s->decoys_sorted = false;
		}
		return 0;
	}
	if (s->nalerts >= SUGGEST_ALERTS_MAX) {
		s->alerts_lost++;
		return 0;
	}
	v = suggest_grow(s->alerts, &s->calerts, s->nalerts + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->alerts = v;
	if (a->type == RING_ALERT_DECOY) {
		uint32_t *d = suggest_grow(s->decoys, &s->cdecoys, s->ndecoys + 1, sizeof(*d));

		if (!d)
			return -ENOMEM;
		s->decoys = d;
	}
	idx = suggest_map_get(&s->alert_idx, a->alert_id);
	if (!idx)
		return -ENOMEM;
	*idx = (uint32_t)s->nalerts;
	if (a->type == RING_ALERT_DECOY) {
		s->decoys[s->ndecoys++] = (uint32_t)s->nalerts;
		s->decoys_sorted = false;
	}
	s->alerts[s->nalerts++] = *a;
	return 0;
}

/* --- drops ----------------------------------------------------------- */

/* Add a pair to a set, once; SUGGEST_NONE (no slot) is left out. */
static int suggest_pairs_add(struct suggest_pairs *p, uint32_t pair)
{
	size_t cap = p->cap;
	uint16_t i, *v;

	if (pair == SUGGEST_NONE)
		return 0;
	for (i = 0; i < p->n; i++)
		if (p->v[i] == pair)
			return 0;
	v = suggest_grow(p->v, &cap, (size_t)p->n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	p->v = v;
	p->cap = (uint16_t)cap;
	p->v[p->n++] = (uint16_t)pair;
	return 0;
}

/* The (group, prefix) pair's index; SUGGEST_NONE when the table is full. */
static uint32_t suggest_pair_get(struct suggest *s, uint16_t group, const char *prefix)
{
	struct suggest_pair *p;
	size_t i;

	if (!prefix)
		prefix = "";
	if (s->npairs && s->pairs[s->last_pair].group == group &&
	    !strncmp(s->pairs[s->last_pair].prefix, prefix, RING_PREFIX_LEN - 1))
		return (uint32_t)s->last_pair;
	for (i = 0; i < s->npairs; i++)
		if (s->pairs[i].group == group &&
		    !strncmp(s->pairs[i].prefix, prefix, RING_PREFIX_LEN - 1))
			return (uint32_t)(s->last_pair = i);
	if (s->npairs >= SUGGEST_PAIRS_MAX) {
		s->pairs_lost++;
		return SUGGEST_NONE;
	}
	p = &s->pairs[s->npairs];
	p->group = group;
	snprintf(p->prefix, sizeof(p->prefix), "%s", prefix);
	s->last_pair = s->npairs;
	return (uint32_t)s->npairs++;
}

static bool suggest_mcast_dst(const struct ring_rec *r)
{
	static const uint8_t bcast[4] = { 255, 255, 255, 255 };

	if (r->klass.tags & RING_TAG_BCAST_DST)
		return true;
	if (r->family == 4)
		return !memcmp(r->daddr, bcast, 4) || (r->daddr[0] & 0xf0) == 0xe0;
	return r->daddr[0] == 0xff;
}

/* Unspecified sources that are normal: a DHCP client before it has an
 * address, IPv6 duplicate address detection, router solicitation, MLD. */
static bool suggest_unspec_ok(const struct ring_rec *r)
{
	static const uint8_t zero[16];

	if (memcmp(r->saddr, zero, 16))
		return false;
	if (r->family == 4)
		return r->proto == IPPROTO_UDP && r->sport == 68 && r->dport == 67;
	return r->proto == IPPROTO_ICMPV6 &&
	       (r->icmp_type == 133 || r->icmp_type == 135 || r->icmp_type == 143);
}

/* Decoy alerts by target: (family, daddr) order. */
static int suggest_decoy_cmp(const struct ring_alert *a, unsigned family, const uint8_t daddr[16])
{
	if (a->family != family)
		return a->family < family ? -1 : 1;
	return memcmp(a->daddr, daddr, 16);
}

static int suggest_decoy_sort_cmp(const void *pa, const void *pb, void *arg)
{
	const struct ring_alert *al = arg, *b = &al[*(const uint32_t *)pb];

	return suggest_decoy_cmp(&al[*(const uint32_t *)pa], b->family, b->daddr);
}

/* A drop is a decoy member's when it hits a decoy alert's target on one of
 * its ports around its time, from a source other than the likely real one.
 * Decoy alerts are sorted by target once, so a drop costs a binary search
 * however many there are. */
static void suggest_decoy_check(struct suggest *s, struct suggest_src *src,
				const struct ring_rec *r)
{
	size_t lo = 0, hi = s->ndecoys;

	if (!s->decoys_sorted) {
		qsort_r(s->decoys, s->ndecoys, sizeof(*s->decoys), suggest_decoy_sort_cmp,
			s->alerts);
		s->decoys_sorted = true;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (suggest_decoy_cmp(&s->alerts[s->decoys[mid]], r->family, r->daddr) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < s->ndecoys; lo++) {
		const struct ring_alert *a = &s->alerts[s->decoys[lo]];
		uint64_t from = a->first_seen > SUGGEST_DECOY_SLACK_NS ?
				a->first_seen - SUGGEST_DECOY_SLACK_NS : 0;

		if (suggest_decoy_cmp(a, r->family, r->daddr))
			break;
		if ((a->proto && a->proto != r->proto) || !memcmp(a->saddr, r->saddr, 16) ||
		    r->dport < a->port_lo || r->dport > a->port_hi ||
		    r->ts_ns < from || r->ts_ns > a->last_seen + SUGGEST_DECOY_SLACK_NS)
			continue;
		if (!(src->flags & SUGGEST_SRC_DECOY))
			src->decoy_id = a->alert_id;
		src->flags |= SUGGEST_SRC_DECOY;
	}
}

/* Count a unicast drop towards its source's usual port: by kb row when it
 * has one (late DNS replies land on many ports but are one thing). */
static void suggest_port_count(struct suggest_src *src, const struct ring_rec *r)
{
	uint16_t kb = r->klass.kb_id;
	size_t i;

	for (i = 0; i < SUGGEST_PORTS; i++) {
		struct suggest_port *p = &src->ports[i];

		if (!p->n) {
			p->proto = r->proto;
			p->kb = kb;
			p->port = r->dport;
			p->n = 1;
			return;
		}
		if (p->proto == r->proto && p->kb == kb && (kb || p->port == r->dport)) {
			p->n++;
			return;
		}
	}
	src->other++;
}

static int suggest_noise_add(struct suggest *s, uint32_t si, uint32_t pi, const struct ring_rec *r)
{
	bool dhcp = r->family == 4 && ((r->sport == 68 && r->dport == 67) ||
					(r->sport == 67 && r->dport == 68));
	uint64_t key = (uint64_t)r->proto << 33 | (uint64_t)dhcp << 32 |
		       (uint64_t)(dhcp ? r->sport : 0) << 16 | r->dport;
	struct suggest_noise *n;
	uint32_t *idx, *cnt;

	idx = suggest_map_find(&s->noise_idx, key);
	if (!idx) {
		if (s->nnoise >= SUGGEST_NOISE_MAX)
			return 0;
		n = suggest_grow(s->noise, &s->cnoise, s->nnoise + 1, sizeof(*n));
		if (!n)
			return -ENOMEM;
		s->noise = n;
		idx = suggest_map_get(&s->noise_idx, key);
		if (!idx)
			return -ENOMEM;
		*idx = (uint32_t)s->nnoise;
		n = &s->noise[s->nnoise++];
		memset(n, 0, sizeof(*n));
		n->proto = r->proto;
		n->dhcp = dhcp;
		n->sport = dhcp ? r->sport : 0;
		n->dport = r->dport;
	}
	n = &s->noise[*idx];
	n->families |= r->family == 6 ? 2 : 1;
	if (!n->kb)
		n->kb = r->klass.kb_dport;
	cnt = suggest_map_get(&n->srcs, si);
	if (!cnt)
		return -ENOMEM;
	(*cnt)++;
	n->drops++;
	return suggest_pairs_add(&n->pairs, pi);
}

/* A probe worth a block on its own: one the kb rates hostile, or a knock on
 * a trojan's door (the kb rates those suspicious, since they harm only a host
 * already infected, but nobody has a reason to send them). Only the first is
 * called hostile in the words (suggest_words.c): a trojan's port is evidence
 * of a search for infected hosts, not of the sender's intent. */
static bool suggest_blockable_probe(const struct suggest *s, const struct ring_rec *r)
{
	const struct kb_category *cat;

	if (r->klass.verdict >= KB_VERDICT_HOSTILE)
		return true;
	if (r->klass.verdict < KB_VERDICT_SUSPICIOUS || !r->klass.category)
		return false;
	cat = kb_category_by_id(s->cfg.kb, r->klass.category);
	return cat && !strcmp(cat->name, "trojan");
}

/* Index of an essential ICMP message: 0 (IPv4 frag-needed), 1 + i for
 * suggest_icmp6_types[i], -1 for anything else. */
static int suggest_icmp_which(const struct ring_rec *r)
{
	int i;

	if (r->family == 4 && r->proto == IPPROTO_ICMP)
		return r->icmp_type == 3 && r->icmp_code == 4 ? 0 : -1;
	if (r->family != 6 || r->proto != IPPROTO_ICMPV6)
		return -1;
	for (i = 0; i < SUGGEST_ICMP6_TYPES; i++)
		if (suggest_icmp6_types[i].type == r->icmp_type)
			return 1 + i;
	return -1;
}

static int suggest_icmp_add(struct suggest *s, int which, uint32_t si, uint32_t pi)
{
	struct suggest_icmp *ic = &s->icmp[which ? 1 : 0];
	uint32_t *cnt;

	cnt = suggest_map_get(&ic->srcs, si);
	if (!cnt)
		return -ENOMEM;
	(*cnt)++;
	ic->drops++;
	ic->type_drops[which ? which - 1 : 0]++;
	return suggest_pairs_add(&ic->pairs, pi);
}

int suggest_add_drop(struct suggest *s, const struct ring_rec *r, const char *prefix)
{
	const uint32_t spoof = RING_TAG_BOGON_SRC | RING_TAG_MARTIAN_SRC;
	struct suggest_src *src;
	uint32_t si, pi, tags;
	bool frag, mcast;
	uint8_t verdict;
	int rc, which;

	if (s->finishing)
		return -EINVAL;
	if (s->cfg.since_ns && r->ts_ns < s->cfg.since_ns)
		return 0;
	s->drops++;
	if (r->kind != RING_KIND_DROP || r->status != RING_ST_OK ||
	    (r->family != 4 && r->family != 6)) {
		s->bad++;
		return 0;
	}
	si = suggest_src_get(s, r->family, r->saddr, true, &rc);
	if (rc < 0)
		return rc;
	if (si == SUGGEST_NONE) {
		s->untracked++;
		return 0;
	}
	pi = suggest_pair_get(s, r->group, prefix);
	src = &s->srcs[si];
	verdict = r->klass.verdict;
	tags = r->klass.tags;
	frag = r->ip_flags & RING_IPF_FRAGMENT;
	mcast = suggest_mcast_dst(r);

	if ((tags & spoof) && !suggest_unspec_ok(r)) {
		src->flags |= SUGGEST_SRC_SPOOFED;
		s->spoof_drops++;
	}
	if (s->ndecoys && !frag && (r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP))
		suggest_decoy_check(s, src, r);
	src->drops++;
	if (verdict >= KB_VERDICT_SUSPICIOUS)
		src->suspicious++;
	if (suggest_blockable_probe(s, r)) {
		/* Fraggle probes and land packets carry the victim's address:
		 * their source is the one party that must not be blocked. */
		if (tags & (RING_TAG_FRAGGLE | RING_TAG_LAND)) {
			src->forged++;
		} else {
			if (!src->probes) {
				src->probe_proto = r->proto;
				src->probe_port = r->dport;
				src->probe_kb = r->klass.kb_id;
			}
			src->probes++;
			src->probe_tags |= tags;
			if (verdict > src->probe_verdict)
				src->probe_verdict = verdict;
		}
	}
	if ((rc = suggest_pairs_add(&src->pairs, pi)) < 0)
		return rc;
	if (!mcast) {
		src->unicast++;
		suggest_port_count(src, r);
	} else if (r->proto == IPPROTO_UDP && !frag && verdict < KB_VERDICT_HOSTILE) {
		if ((rc = suggest_noise_add(s, si, pi, r)) < 0)
			return rc;
	}
	which = frag ? -1 : suggest_icmp_which(r);
	if (which >= 0 && (rc = suggest_icmp_add(s, which, si, pi)) < 0)
		return rc;
	return 0;
}
