/* suggest.c - the suggestion engine (suggest.h): aggregate a ring's alerts
 * and drops and decide what to suggest. Wording the decisions and laying
 * them out as nft or JSON is suggest_out.c's job; doc/suggest.md describes
 * the rules.
 *
 * Aggregation is per source address (a hash keyed with a per-engine secret,
 * since forged sources choose their own keys), per noise kind (UDP port to a
 * broadcast or multicast address) and per (group, prefix) pair, the key that
 * ties a drop back to the log rule that logged it. Everything is bounded
 * (suggest_int.h): past a bound, input is counted and said to be unanalysed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset/nftnames.h"
#include "suggest/suggest_int.h"
#include "ring/ringnames.h"
#include "util/mix.h"

const struct suggest_icmp_type suggest_icmp6_types[SUGGEST_ICMP6_TYPES] = {
	{ 1, "destination-unreachable" },
	{ 2, "packet-too-big" },
	{ 3, "time-exceeded" },
	{ 4, "parameter-problem" },
	{ 133, "nd-router-solicit" },
	{ 134, "nd-router-advert" },
	{ 135, "nd-neighbor-solicit" },
	{ 136, "nd-neighbor-advert" },
};

/* A source waiting to be sorted into a list. */
struct suggest_cand {
	uint32_t	src;
	uint32_t	drops;
	uint8_t		family;
	uint8_t		addr[16];
	uint8_t		rate;		/* skips: a rate-limit candidate, not a block */
};

/* --- small helpers --------------------------------------------------- */

/* Grow an array of size-byte elements so that it holds need; NULL on
 * allocation failure, the old array untouched. */
static void *suggest_grow(void *v, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 8;

	if (need <= *cap)
		return v;
	while (n < need)
		n *= 2;
	v = realloc(v, n * size);
	if (v)
		*cap = n;
	return v;
}

const char *suggest_addr_text(unsigned family, const uint8_t addr[16], char *buf, size_t len)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *suggest_duration(uint32_t secs, char *buf, size_t len)
{
	static const struct { uint32_t secs; char unit; } units[] = {
		{ 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' },
	};
	size_t i, off = 0;

	buf[0] = '\0';
	if (!secs) {
		snprintf(buf, len, "0s");
		return buf;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		uint32_t n = secs / units[i].secs;

		if (!n)
			continue;
		secs -= n * units[i].secs;
		if (off < len)
			off += (size_t)snprintf(buf + off, len - off, "%u%c", n, units[i].unit);
	}
	return buf;
}

/* --- maps and sets --------------------------------------------------- */

static size_t suggest_map_slot(const struct suggest_map *m, uint64_t key)
{
	size_t i = (size_t)mix64(key) & (m->cap - 1);

	while (m->keys[i] != SUGGEST_MAP_EMPTY && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static uint32_t *suggest_map_find(const struct suggest_map *m, uint64_t key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	i = suggest_map_slot(m, key);
	return m->keys[i] == key ? &m->vals[i] : NULL;
}

/* The value of key, inserted as 0 when new; NULL on allocation failure. */
static uint32_t *suggest_map_get(struct suggest_map *m, uint64_t key)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct suggest_map g = { .cap = m->cap ? m->cap * 2 : 16 };

		g.keys = malloc(g.cap * sizeof(*g.keys));
		g.vals = malloc(g.cap * sizeof(*g.vals));
		if (!g.keys || !g.vals) {
			free(g.keys);
			free(g.vals);
			return NULL;
		}
		memset(g.keys, 0xff, g.cap * sizeof(*g.keys));
		for (i = 0; i < m->cap; i++) {
			size_t j;

			if (m->keys[i] == SUGGEST_MAP_EMPTY)
				continue;
			j = suggest_map_slot(&g, m->keys[i]);
			g.keys[j] = m->keys[i];
			g.vals[j] = m->vals[i];
		}
		g.n = m->n;
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	i = suggest_map_slot(m, key);
	if (m->keys[i] != key) {
		m->keys[i] = key;
		m->vals[i] = 0;
		m->n++;
	}
	return &m->vals[i];
}

static void suggest_map_free(struct suggest_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

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
static uint32_t suggest_src_get(struct suggest *s, unsigned family, const uint8_t addr[16],
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

/* --- engine ---------------------------------------------------------- */

struct suggest *suggest_new(const struct suggest_cfg *cfg)
{
	struct suggest *s;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->pairs = calloc(SUGGEST_PAIRS_MAX, sizeof(*s->pairs));
	if (!s->pairs) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	s->cfg = *cfg;
	if (!s->cfg.own_table)
		s->cfg.own_table = NFT_OWN_TABLE;
	if (!s->cfg.silence_min)
		s->cfg.silence_min = SUGGEST_SILENCE_MIN;
	if (!s->cfg.ratelimit_min)
		s->cfg.ratelimit_min = SUGGEST_RATELIMIT_MIN;
	if (!s->cfg.logrules)
		s->cfg.nlogrules = 0;
	s->kb = cfg->kb ? cfg->kb : kb_builtin();
	/* Address-space randomisation makes a pointer a cheap secret: it keeps
	 * forged sources from being chosen to share one probe chain. */
	s->seed = mix64((uint64_t)(uintptr_t)s ^ cfg->now_ns ^
			      ((uint64_t)(uintptr_t)&mix64 << 17));
	return s;
}

static void suggest_items_free(struct suggest *s)
{
	size_t i;

	for (i = 0; i < s->nitems; i++)
		free(s->items[i].ids);
	free(s->items);
	s->items = NULL;
	s->nitems = 0;
}

void suggest_free(struct suggest *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nsrcs; i++) {
		free(s->srcs[i].alerts);
		free(s->srcs[i].pairs.v);
	}
	for (i = 0; i < s->nnoise; i++) {
		suggest_map_free(&s->noise[i].srcs);
		free(s->noise[i].pairs.v);
	}
	for (i = 0; i < 2; i++) {
		suggest_map_free(&s->icmp[i].srcs);
		free(s->icmp[i].pairs.v);
	}
	suggest_items_free(s);
	suggest_map_free(&s->alert_idx);
	suggest_map_free(&s->noise_idx);
	free(s->srcs);
	free(s->slots);
	free(s->alerts);
	free(s->decoys);
	free(s->pairs);
	free(s->noise);
	free(s->skips);
	free(s->blocks);
	free(s);
}

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
		return r->proto == 17 && r->sport == 68 && r->dport == 67;
	return r->proto == 58 &&
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

/* A probe worth a block on its own: a hostile verdict, or a knock on a
 * trojan's door (the kb rates those suspicious, since they harm only a host
 * already infected, but nobody has a reason to send them). */
static bool suggest_hostile_probe(const struct suggest *s, const struct ring_rec *r)
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

	if (r->family == 4 && r->proto == 1)
		return r->icmp_type == 3 && r->icmp_code == 4 ? 0 : -1;
	if (r->family != 6 || r->proto != 58)
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
	if (s->ndecoys && !frag && (r->proto == 6 || r->proto == 17))
		suggest_decoy_check(s, src, r);
	src->drops++;
	if (verdict >= KB_VERDICT_SUSPICIOUS)
		src->suspicious++;
	if (suggest_hostile_probe(s, r)) {
		/* Fraggle probes and land packets carry the victim's address:
		 * their source is the one party that must not be blocked. */
		if (tags & (RING_TAG_FRAGGLE | RING_TAG_LAND)) {
			src->forged++;
		} else {
			if (!src->hostile) {
				src->hostile_proto = r->proto;
				src->hostile_port = r->dport;
				src->hostile_kb = r->klass.kb_id;
			}
			src->hostile++;
			src->hostile_tags |= tags;
		}
	}
	if ((rc = suggest_pairs_add(&src->pairs, pi)) < 0)
		return rc;
	if (!mcast) {
		src->unicast++;
		suggest_port_count(src, r);
	} else if (r->proto == 17 && !frag && verdict < KB_VERDICT_HOSTILE) {
		if ((rc = suggest_noise_add(s, si, pi, r)) < 0)
			return rc;
	}
	which = frag ? -1 : suggest_icmp_which(r);
	if (which >= 0 && (rc = suggest_icmp_add(s, which, si, pi)) < 0)
		return rc;
	return 0;
}

/* --- decisions ------------------------------------------------------- */

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
	return src->nalerts || src->hostile || src->forged || (src->flags & SUGGEST_SRC_DECOY_UNID);
}

/* The reason a blockish source is skipped when no safety rule applies: it
 * has nothing of its own to be blocked for. NULL when it has. */
static const char *suggest_no_incident(const struct suggest_src *src, char *buf, size_t len)
{
	if (src->nalerts || src->hostile)
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

/* Alert ids of the noise alerts about the sources of a map. */
static int suggest_noise_ids(struct suggest *s, const struct suggest_map *m,
			     struct suggest_item *it)
{
	size_t i, cap = 0;
	int rc;

	for (i = 0; i < s->nalerts; i++) {
		const struct ring_alert *a = &s->alerts[i];
		uint32_t si;

		if (a->type != RING_ALERT_NOISE || (a->family != 4 && a->family != 6))
			continue;
		si = suggest_src_get(s, a->family, a->saddr, false, &rc);
		if (si == SUGGEST_NONE || !suggest_map_find(m, si))
			continue;
		if (suggest_item_id(it, &cap, a->alert_id) < 0)
			return -ENOMEM;
	}
	if (it->nids)
		qsort(it->ids, it->nids, sizeof(*it->ids), suggest_u32_cmp);
	return 0;
}

/* --- the items: what each suggestion is made of (suggest_out.c words it) */

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
	return suggest_noise_ids(s, &n->srcs, it);
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
	size_t i, cap = 0;

	for (i = 0; i < s->nsrcs; i++)
		if (s->srcs[i].flags & SUGGEST_SRC_SPOOFED)
			it->sources++;
	it->drops = s->spoof_drops;
	for (i = 0; i < s->nalerts; i++) {
		const struct ring_alert *a = &s->alerts[i];

		if (a->type != RING_ALERT_IPID && a->type != RING_ALERT_STATE_FULL)
			continue;
		if (suggest_item_id(it, &cap, a->alert_id) < 0)
			return -ENOMEM;
	}
	if (it->nids)
		qsort(it->ids, it->nids, sizeof(*it->ids), suggest_u32_cmp);
	return 0;
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

static int suggest_block_list(struct suggest *s)
{
	size_t i;

	s->blocks = calloc(s->count[SUGGEST_BLOCK] ? s->count[SUGGEST_BLOCK] : 1,
			   sizeof(*s->blocks));
	if (!s->blocks)
		return -ENOMEM;
	for (i = 0; i < s->nitems; i++) {
		const struct suggest_item *it = &s->items[i];
		struct suggest_block *b;

		if (it->kind != SUGGEST_BLOCK)
			continue;
		b = &s->blocks[s->nblocks++];
		b->family = s->srcs[it->src].family;
		memcpy(b->addr, s->srcs[it->src].addr, 16);
		b->timeout_s = it->timeout_s;
		b->incidents = it->incidents;
		snprintf(b->why, sizeof(b->why), "%s", it->why);
	}
	return 0;
}

int suggest_finish(struct suggest *s)
{
	struct suggest_cand *blk = NULL, *rate = NULL, *skip = NULL;
	size_t nblk = 0, nrate = 0, nskip = 0, nsil = 0, i, n;
	uint32_t *sil = NULL;
	bool antispoof = s->spoof_drops > 0;
	int rc = -ENOMEM;

	if (s->finishing)
		return -EINVAL;
	s->finishing = true;
	if ((rc = suggest_link_alerts(s)) < 0)
		return rc;
	rc = -ENOMEM;
	n = s->nsrcs ? s->nsrcs : 1;
	blk = malloc(n * sizeof(*blk));
	rate = malloc(n * sizeof(*rate));
	skip = malloc(n * sizeof(*skip));
	sil = malloc((s->nnoise ? s->nnoise : 1) * sizeof(*sil));
	if (!blk || !rate || !skip || !sil)
		goto out;

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
				skip[nskip++] = c;
			else
				blk[nblk++] = c;
		} else if (src->unicast >= s->cfg.ratelimit_min && !src->suspicious &&
			   !(src->flags & (SUGGEST_SRC_DECOY | SUGGEST_SRC_IPID))) {
			c.rate = 1;
			if (suggest_unsafe(s, src, false, why, sizeof(why)))
				skip[nskip++] = c;
			else
				rate[nrate++] = c;
		}
	}
	for (i = 0; i < s->nnoise; i++)
		if (s->noise[i].drops >= s->cfg.silence_min)
			sil[nsil++] = (uint32_t)i;
	for (i = 0; i < s->nalerts; i++)
		if (s->alerts[i].type == RING_ALERT_IPID ||
		    s->alerts[i].type == RING_ALERT_STATE_FULL)
			antispoof = true;

	qsort(blk, nblk, sizeof(*blk), suggest_cand_cmp);
	qsort(rate, nrate, sizeof(*rate), suggest_cand_cmp);
	qsort(skip, nskip, sizeof(*skip), suggest_cand_cmp);
	qsort_r(sil, nsil, sizeof(*sil), suggest_noise_cmp, s->noise);
	if (nblk > SUGGEST_LIST_MAX) {
		s->more[SUGGEST_BLOCK] = nblk - SUGGEST_LIST_MAX;
		nblk = SUGGEST_LIST_MAX;
	}
	if (nrate > SUGGEST_LIST_MAX) {
		s->more[SUGGEST_RATELIMIT] = nrate - SUGGEST_LIST_MAX;
		nrate = SUGGEST_LIST_MAX;
	}
	if (nskip > SUGGEST_LIST_MAX) {
		s->more_skips = nskip - SUGGEST_LIST_MAX;
		nskip = SUGGEST_LIST_MAX;
	}

	s->items = calloc(nsil + nblk + nrate + 3, sizeof(*s->items));
	s->skips = calloc(nskip ? nskip : 1, sizeof(*s->skips));
	if (!s->items || !s->skips)
		goto out;
	for (i = 0; i < nsil; i++)
		if ((rc = suggest_item_silence(s, sil[i])) < 0)
			goto out;
	for (i = 0; i < nblk; i++)
		if ((rc = suggest_item_block(s, blk[i].src)) < 0)
			goto out;
	for (i = 0; i < nrate; i++)
		suggest_item_ratelimit(s, rate[i].src);
	if (antispoof && (rc = suggest_item_antispoof(s)) < 0)
		goto out;
	if (s->icmp[0].drops)
		suggest_item_icmp(s, 0);
	if (s->icmp[1].drops)
		suggest_item_icmp(s, 1);
	for (i = 0; i < s->nitems; i++)
		suggest_word(s, &s->items[i]);
	for (i = 0; i < nskip; i++)
		suggest_skip_add(s, &skip[i]);
	if ((rc = suggest_block_list(s)) < 0)
		goto out;
	s->finished = true;
	rc = 0;
out:
	free(blk);
	free(rate);
	free(skip);
	free(sil);
	return rc;
}

/* --- results --------------------------------------------------------- */

size_t suggest_blocks(const struct suggest *s, const struct suggest_block **out)
{
	*out = s->blocks;
	return s->finished ? s->nblocks : 0;
}

size_t suggest_count(const struct suggest *s, enum suggest_kind kind)
{
	if (!s->finished || kind < SUGGEST_SILENCE || kind > SUGGEST_ICMP)
		return 0;
	return s->count[kind];
}

size_t suggest_skipped(const struct suggest *s)
{
	return s->finished ? s->nskips : 0;
}
