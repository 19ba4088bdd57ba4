/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dropagg.c - counts over drop and alert records for the operator views.
 *
 * Three keyed tables (sources, ports, alerts) share one small open-addressing
 * index: entries live in a growing array, the index maps a hash to an entry
 * number. Knowledge-base rows are counted in a plain array indexed by id.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "report/dropagg.h"
#include "util/mix.h"

/* A growing array of fixed-size entries plus its hash index. */
struct dropagg_table {
	unsigned char	*ents;
	size_t		 esize, n, cap;
	uint32_t	*slot;		/* entry number + 1; 0 = empty */
	size_t		 nslot;		/* power of two, at least 2 * n */
	uint64_t	 seed;		/* random: forged sources can't aim at one chain */
	uint64_t	(*hash)(const void *ent, uint64_t seed);
	bool		(*eq)(const void *a, const void *b);
};

struct dropagg_bucket {
	uint64_t idx;			/* ts_ns / bucket_ns of what it holds */
	uint64_t v[DROPAGG_VERDICTS];
};

struct dropagg {
	struct dropagg_cfg	cfg;
	struct dropagg_totals	tot;
	struct dropagg_table	src, port, alert;
	uint64_t		*svc;	/* [65536] drops per kb row */
	struct dropagg_bucket		*bkt;	/* [cfg.nbuckets] */
};

static uint64_t dropagg_src_hash(const void *e, uint64_t seed)
{
	const struct dropagg_src *s = e;
	unsigned char k[17];

	k[0] = s->family;
	memcpy(k + 1, s->addr, 16);
	return mix_bytes(k, sizeof(k), seed);
}

static bool dropagg_src_eq(const void *a, const void *b)
{
	const struct dropagg_src *x = a, *y = b;

	return x->family == y->family && !memcmp(x->addr, y->addr, 16);
}

static uint64_t dropagg_port_hash(const void *e, uint64_t seed)
{
	const struct dropagg_port *p = e;
	uint32_t k = (uint32_t)p->proto << 16 | p->port;

	return mix_bytes(&k, sizeof(k), seed);
}

static bool dropagg_port_eq(const void *a, const void *b)
{
	const struct dropagg_port *x = a, *y = b;

	return x->proto == y->proto && x->port == y->port;
}

static uint64_t dropagg_alert_hash(const void *e, uint64_t seed)
{
	const struct ring_alert *al = e;

	return mix_bytes(&al->alert_id, sizeof(al->alert_id), seed);
}

static bool dropagg_alert_eq(const void *a, const void *b)
{
	return ((const struct ring_alert *)a)->alert_id == ((const struct ring_alert *)b)->alert_id;
}

static void *dropagg_table_at(const struct dropagg_table *t, size_t i)
{
	return t->ents + i * t->esize;
}

static int dropagg_table_rehash(struct dropagg_table *t, size_t nslot)
{
	uint32_t *slot = calloc(nslot, sizeof(*slot));
	size_t i, j;

	if (!slot)
		return -ENOMEM;
	for (i = 0; i < t->n; i++) {
		for (j = t->hash(dropagg_table_at(t, i), t->seed) & (nslot - 1); slot[j];
		     j = (j + 1) & (nslot - 1))
			;
		slot[j] = (uint32_t)i + 1;
	}
	free(t->slot);
	t->slot = slot;
	t->nslot = nslot;
	return 0;
}

/* The entry whose key equals key's, or a new copy of key (max entries at most:
 * NULL with *full set). NULL and -ENOMEM in *err when memory ran out. */
static void *dropagg_table_get(struct dropagg_table *t, const void *key, size_t max, bool *full,
			       int *err)
{
	size_t j;

	*full = false;
	*err = 0;
	if (t->nslot) {
		for (j = t->hash(key, t->seed) & (t->nslot - 1); t->slot[j]; j = (j + 1) & (t->nslot - 1))
			if (t->eq(dropagg_table_at(t, t->slot[j] - 1), key))
				return dropagg_table_at(t, t->slot[j] - 1);
	}
	if (t->n >= max) {
		*full = true;
		return NULL;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		unsigned char *e = realloc(t->ents, cap * t->esize);

		if (!e)
			goto nomem;
		t->ents = e;
		t->cap = cap;
	}
	if ((t->n + 1) * 2 > t->nslot && dropagg_table_rehash(t, t->nslot ? t->nslot * 2 : 128) < 0)
		goto nomem;
	memcpy(dropagg_table_at(t, t->n), key, t->esize);
	for (j = t->hash(key, t->seed) & (t->nslot - 1); t->slot[j]; j = (j + 1) & (t->nslot - 1))
		;
	t->slot[j] = (uint32_t)++t->n;
	return dropagg_table_at(t, t->n - 1);
nomem:
	*err = -ENOMEM;
	return NULL;
}

static void dropagg_table_free(struct dropagg_table *t)
{
	free(t->ents);
	free(t->slot);
}

/* The keys come from packets: with a secret seed a sender cannot choose
 * sources that all land in one chain. The output does not depend on it (every
 * list is sorted on a total order). */
static uint64_t dropagg_seed(const struct dropagg *a)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed))
		seed = (uint64_t)(uintptr_t)a ^ (uint64_t)time(NULL);
	return seed;
}

struct dropagg *dropagg_new(const struct dropagg_cfg *cfg)
{
	struct dropagg *a;
	uint64_t seed;
	size_t i;

	if (!cfg || !cfg->bucket_ns != !cfg->nbuckets) {
		errno = EINVAL;
		return NULL;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->cfg = *cfg;
	if (!a->cfg.max_keys)
		a->cfg.max_keys = DROPAGG_MAX_KEYS;
	seed = dropagg_seed(a);
	a->src = (struct dropagg_table){ .esize = sizeof(struct dropagg_src), .seed = seed,
				     .hash = dropagg_src_hash, .eq = dropagg_src_eq };
	a->port = (struct dropagg_table){ .esize = sizeof(struct dropagg_port), .seed = seed,
				      .hash = dropagg_port_hash, .eq = dropagg_port_eq };
	a->alert = (struct dropagg_table){ .esize = sizeof(struct ring_alert), .seed = seed,
				       .hash = dropagg_alert_hash, .eq = dropagg_alert_eq };
	a->svc = calloc(65536, sizeof(*a->svc));
	a->bkt = cfg->nbuckets ? calloc(cfg->nbuckets, sizeof(*a->bkt)) : NULL;
	if (!a->svc || (cfg->nbuckets && !a->bkt)) {
		dropagg_free(a);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < cfg->nbuckets; i++)
		a->bkt[i].idx = UINT64_MAX;
	return a;
}

void dropagg_free(struct dropagg *a)
{
	if (!a)
		return;
	dropagg_table_free(&a->src);
	dropagg_table_free(&a->port);
	dropagg_table_free(&a->alert);
	free(a->svc);
	free(a->bkt);
	free(a);
}

bool dropagg_has_addrs(const struct ring_rec *r)
{
	if (r->family != 4 && r->family != 6)
		return false;
	return r->status == RING_ST_OK ||
	       (r->why != RING_WHY_NONE && r->why != RING_WHY_NO_PAYLOAD &&
		r->why != RING_WHY_L3_TRUNC && r->why != RING_WHY_L3_VERSION);
}

bool dropagg_has_l4(const struct ring_rec *r)
{
	if (!dropagg_has_addrs(r) || (r->ip_flags & RING_IPF_FRAGMENT))
		return false;
	return r->status == RING_ST_OK || r->why == RING_WHY_INNER_TRUNC ||
	       r->why == RING_WHY_INNER_BAD;
}

bool dropagg_has_ports(unsigned proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE;
}

static unsigned dropagg_verdict_of(unsigned v)
{
	return v < DROPAGG_VERDICTS ? v : KB_VERDICT_UNKNOWN;
}

static void dropagg_add_series(struct dropagg *a, uint64_t ts_ns, unsigned verdict)
{
	uint64_t idx;
	struct dropagg_bucket *b;

	if (!a->bkt)
		return;
	idx = ts_ns / a->cfg.bucket_ns;
	b = &a->bkt[idx % a->cfg.nbuckets];
	if (b->idx != idx) {
		if (b->idx != UINT64_MAX && b->idx > idx)
			return;		/* older than what the ring keeps */
		memset(b, 0, sizeof(*b));
		b->idx = idx;
	}
	b->v[verdict]++;
}

int dropagg_add_drop(struct dropagg *a, const struct ring_rec *r)
{
	unsigned v = dropagg_verdict_of(r->klass.verdict);
	int64_t secs = (int64_t)(r->ts_ns / 1000000000u) + a->cfg.tz_offset_s;
	bool full;
	int err;

	a->tot.drops++;
	if (!a->tot.first_ns || r->ts_ns < a->tot.first_ns)
		a->tot.first_ns = r->ts_ns;
	if (r->ts_ns > a->tot.last_ns)
		a->tot.last_ns = r->ts_ns;
	a->tot.verdict[v]++;
	a->tot.hour[((secs / 3600 - (secs % 3600 < 0)) % 24 + 24) % 24]++;	/* floor */
	a->svc[r->klass.kb_id]++;
	dropagg_add_series(a, r->ts_ns, v);
	if (dropagg_has_addrs(r)) {
		struct dropagg_src key = { .family = r->family }, *s;

		memcpy(key.addr, r->saddr, 16);
		s = dropagg_table_get(&a->src, &key, a->cfg.max_keys, &full, &err);
		if (err)
			return err;
		if (s) {
			s->drops++;
			if (v > s->verdict)
				s->verdict = (uint8_t)v;
			if (r->ts_ns > s->last_ns)
				s->last_ns = r->ts_ns;
		} else {
			a->tot.unkept++;
		}
	}
	if (dropagg_has_l4(r) && (dropagg_has_ports(r->proto) || r->proto == IPPROTO_ICMP ||
				  r->proto == IPPROTO_ICMPV6)) {
		struct dropagg_port key = { .proto = r->proto }, *p;

		key.port = dropagg_has_ports(r->proto) ? r->dport :
			   (uint16_t)(r->icmp_type << 8 | r->icmp_code);
		p = dropagg_table_get(&a->port, &key, a->cfg.max_keys, &full, &err);
		if (err)
			return err;
		if (p) {
			/* ICMP has no port row: its meaning is the ICMP type row. */
			uint16_t row = dropagg_has_ports(r->proto) ? r->klass.kb_id : r->klass.kb_icmp;

			p->drops++;
			if (row)
				p->kb_id = row;
			if (v > p->verdict)
				p->verdict = (uint8_t)v;
		} else {
			a->tot.unkept++;
		}
	}
	return 0;
}

int dropagg_add_alert(struct dropagg *a, const struct ring_alert *al)
{
	size_t before = a->alert.n;
	struct ring_alert *e;
	bool full;
	int err;

	a->tot.alert_records++;
	e = dropagg_table_get(&a->alert, al, a->cfg.max_keys, &full, &err);
	if (err)
		return err;
	if (!e) {
		a->tot.unkept++;
		return 0;
	}
	if (a->alert.n == before &&
	    (al->ts_ns < e->ts_ns || (al->ts_ns == e->ts_ns && al->state < e->state)))
		return 0;	/* an older state of a known incident */
	*e = *al;
	if (a->alert.n != before && (al->family == 4 || al->family == 6)) {
		static const uint8_t zero[16];
		struct dropagg_src key = { .family = al->family }, *s;

		memcpy(key.addr, al->saddr, 16);
		if (!memcmp(key.addr, zero, 16))
			return 0;
		s = dropagg_table_get(&a->src, &key, a->cfg.max_keys, &full, &err);
		if (err)
			return err;
		if (!s) {
			a->tot.unkept++;
			return 0;
		}
		s->incidents++;
		if (al->type < 32)
			s->alert_types |= 1u << al->type;
		if (dropagg_verdict_of(al->verdict) > s->verdict)
			s->verdict = (uint8_t)dropagg_verdict_of(al->verdict);
	}
	return 0;
}

const struct dropagg_totals *dropagg_totals(const struct dropagg *a)
{
	return &a->tot;
}

size_t dropagg_series(const struct dropagg *a, uint64_t end_ns,
		      uint64_t (*out)[DROPAGG_VERDICTS], size_t n)
{
	uint64_t end;
	size_t i;

	if (!a->bkt)
		return 0;
	if (n > a->cfg.nbuckets)
		n = a->cfg.nbuckets;
	end = end_ns / a->cfg.bucket_ns;
	for (i = 0; i < n; i++) {
		uint64_t idx = end - (n - 1 - i);
		const struct dropagg_bucket *b = &a->bkt[idx % a->cfg.nbuckets];

		if (end < n - 1 - i || b->idx != idx)
			memset(out[i], 0, sizeof(out[i]));
		else
			memcpy(out[i], b->v, sizeof(out[i]));
	}
	return n;
}

/*
 * Keep the max largest of a stream in out[], sorted: insertion into a short
 * array, O(n * max) with max a screenful. before(x, y): x ranks above y.
 */
static size_t dropagg_top_insert(void *out, size_t esize, size_t k, size_t max, const void *e,
			 bool (*before)(const void *x, const void *y))
{
	unsigned char *o = out;
	size_t i;

	if (!max)
		return 0;
	if (k == max && !before(e, o + (k - 1) * esize))
		return k;
	i = k < max ? k : k - 1;
	while (i > 0 && before(e, o + (i - 1) * esize)) {
		memcpy(o + i * esize, o + (i - 1) * esize, esize);
		i--;
	}
	memcpy(o + i * esize, e, esize);
	return k < max ? k + 1 : k;
}

static bool dropagg_src_before(const void *x, const void *y)
{
	const struct dropagg_src *a = x, *b = y;

	if (a->drops != b->drops)
		return a->drops > b->drops;
	if (a->family != b->family)
		return a->family < b->family;
	return memcmp(a->addr, b->addr, 16) < 0;
}

static bool dropagg_port_before(const void *x, const void *y)
{
	const struct dropagg_port *a = x, *b = y;

	if (a->drops != b->drops)
		return a->drops > b->drops;
	if (a->proto != b->proto)
		return a->proto < b->proto;
	return a->port < b->port;
}

static bool dropagg_svc_before(const void *x, const void *y)
{
	const struct dropagg_svc *a = x, *b = y;

	if (a->drops != b->drops)
		return a->drops > b->drops;
	return a->kb_id < b->kb_id;
}

size_t dropagg_top_sources(const struct dropagg *a, struct dropagg_src *out, size_t max)
{
	size_t i, k = 0;

	for (i = 0; i < a->src.n; i++) {
		const struct dropagg_src *s = dropagg_table_at(&a->src, i);

		if (s->drops)
			k = dropagg_top_insert(out, sizeof(*out), k, max, s, dropagg_src_before);
	}
	return k;
}

void dropagg_each_source(const struct dropagg *a,
			 void (*fn)(void *ctx, const struct dropagg_src *s), void *ctx)
{
	size_t i;

	for (i = 0; i < a->src.n; i++) {
		const struct dropagg_src *s = dropagg_table_at(&a->src, i);

		if (s->drops)
			fn(ctx, s);
	}
}

size_t dropagg_top_ports(const struct dropagg *a, struct dropagg_port *out, size_t max)
{
	size_t i, k = 0;

	for (i = 0; i < a->port.n; i++)
		k = dropagg_top_insert(out, sizeof(*out), k, max, dropagg_table_at(&a->port, i),
				       dropagg_port_before);
	return k;
}

size_t dropagg_top_services(const struct dropagg *a, struct dropagg_svc *out, size_t max)
{
	size_t i, k = 0;

	for (i = 0; i < 65536; i++) {
		struct dropagg_svc s = { .kb_id = (uint16_t)i, .drops = a->svc[i] };

		if (s.drops)
			k = dropagg_top_insert(out, sizeof(*out), k, max, &s, dropagg_svc_before);
	}
	return k;
}

static bool dropagg_alert_is(const struct ring_alert *al, bool open_only)
{
	return !open_only || al->state != RING_ALERT_CLOSED;
}

static int dropagg_alert_newest_first(const void *x, const void *y)
{
	const struct ring_alert *a = *(const struct ring_alert *const *)x;
	const struct ring_alert *b = *(const struct ring_alert *const *)y;

	if (a->ts_ns != b->ts_ns)
		return a->ts_ns > b->ts_ns ? -1 : 1;
	return a->alert_id > b->alert_id ? -1 : a->alert_id < b->alert_id;
}

size_t dropagg_alerts(const struct dropagg *a, bool open_only, struct ring_alert *out,
		      size_t max)
{
	const struct ring_alert **v;
	size_t i, k = 0;

	if (!max || !a->alert.n)
		return 0;
	v = malloc(a->alert.n * sizeof(*v));
	if (!v)
		return 0;	/* errno ENOMEM */
	for (i = 0; i < a->alert.n; i++) {
		const struct ring_alert *al = dropagg_table_at(&a->alert, i);

		if (dropagg_alert_is(al, open_only))
			v[k++] = al;
	}
	qsort(v, k, sizeof(*v), dropagg_alert_newest_first);
	if (k > max)
		k = max;
	for (i = 0; i < k; i++)
		out[i] = *v[i];
	free(v);
	return k;
}

size_t dropagg_nalerts(const struct dropagg *a, bool open_only)
{
	size_t i, k = 0;

	for (i = 0; i < a->alert.n; i++)
		k += dropagg_alert_is(dropagg_table_at(&a->alert, i), open_only);
	return k;
}
