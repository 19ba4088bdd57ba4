/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fleet.c - the fleet correlator: per-source state across hosts in the
 * correlator's own LRU tables (corr_tab), decoy sets matched across hosts,
 * incidents emitted when they go quiet (fleet.h, doc/fleet.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "classify/kb.h"
#include "correlate/corr_tab.h"
#include "correlate/fleet.h"
#include "ring/ringfmt.h"

#define FLEET_PBITS		1024	/* port bits per source past the sample */
#define FLEET_DECOY_PORTS	64	/* ports kept per decoy set (union over hosts) */
#define FLEET_DECOY_COMMON	CORR_DECOY_COMMON	/* ports shared: the same set */
#define FLEET_DECOY_SKEW_NS	CORR_DECOY_NS	/* hosts' alerts of one set: this close */
#define FLEET_HBUCKETS		(2 * FLEET_HOSTS_MAX)

struct fleet_src {
	uint8_t	 addr[16];	/* the key's too: kept here for eviction, when the key is gone */
	uint8_t	 daddr[16];	/* the first host's address it probed */
	uint8_t	 family;
	uint8_t	 verdict;
	uint8_t	 nsample;
	uint8_t	 protos;
	uint16_t port_lo, port_hi;
	uint32_t nhosts;
	uint32_t packets;
	uint32_t nports;
	uint64_t first, last;
	uint16_t sample[FLEET_PORTS];
	uint64_t hostmap[FLEET_HOSTS_MAX / 64];
	uint64_t pmap[FLEET_PBITS / 64];
};

struct fleet_decoy {
	bool	 used;
	uint8_t	 family;
	uint8_t	 saddr[16];
	uint8_t	 verdict;
	uint8_t	 nports;
	uint16_t port_lo, port_hi;	/* of the hosts' port ranges, where they gave one */
	uint32_t nhosts, sources, members, packets;
	uint32_t port_count;	/* largest a host's alert gave */
	uint64_t first, last;	/* of the hosts' incidents */
	uint64_t touched;	/* input clock of its last line */
	uint16_t ports[FLEET_DECOY_PORTS];
	uint64_t hostmap[FLEET_HOSTS_MAX / 64];
};

struct fleet {
	struct fleet_cfg cfg;
	struct corr	 hash;		/* only its seed: corr_tab hashes with a correlator's */
	struct corr_tab	 src;
	struct fleet_decoy *decoy;
	uint64_t	 now;
	struct fleet_stats st;
	/* Hosts: names by id (first seen = lowest id), an open-addressing index. */
	char		 (*host)[FLEET_HOST_MAX + 1];
	uint64_t	 *host_noise;
	uint16_t	 hidx[FLEET_HBUCKETS];	/* id + 1; 0 empty */
	const char	*names[FLEET_HOSTS_MAX];	/* an alert's host list */
	size_t		 mem;
};

static const char *const fleet_type_names[] = {
	[FLEET_SCAN] = "distributed-scan",
	[FLEET_SWEEP] = "distributed-sweep",
	[FLEET_DECOY] = "distributed-decoy",
};

const char *fleet_type_name(unsigned type)
{
	return type >= 1 && type <= FLEET_DECOY ? fleet_type_names[type] : "unknown";
}

void fleet_cfg_default(struct fleet_cfg *cfg)
{
	*cfg = (struct fleet_cfg){ .close_ns = 60 * CORR_SEC, .min_hosts = 2,
				   .max_sources = 65536, .max_decoys = 256 };
}

struct fleet *fleet_new(const struct fleet_cfg *cfg)
{
	struct fleet *f;
	size_t m;

	if (!cfg->min_hosts || cfg->min_hosts > FLEET_HOSTS_MAX || cfg->max_sources < 16 ||
	    cfg->max_sources > (1u << 24) || !cfg->max_decoys || cfg->max_decoys > 65536) {
		errno = EINVAL;
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->cfg = *cfg;
	f->hash.seed = mix64((uint64_t)(uintptr_t)f ^ 0x6a09e667f3bcc909ull);
	m = corr_tab_init(&f->src, cfg->max_sources, sizeof(struct fleet_src));
	f->decoy = calloc(cfg->max_decoys, sizeof(*f->decoy));
	f->host = calloc(FLEET_HOSTS_MAX, sizeof(*f->host));
	f->host_noise = calloc(FLEET_HOSTS_MAX, sizeof(*f->host_noise));
	if (!m || !f->decoy || !f->host || !f->host_noise) {
		fleet_free(f);
		errno = ENOMEM;
		return NULL;
	}
	f->mem = sizeof(*f) + m + cfg->max_decoys * sizeof(*f->decoy) +
		 FLEET_HOSTS_MAX * (sizeof(*f->host) + sizeof(*f->host_noise));
	return f;
}

void fleet_free(struct fleet *f)
{
	if (!f)
		return;
	corr_tab_fini(&f->src);
	free(f->decoy);
	free(f->host);
	free(f->host_noise);
	free(f);
}

/* The id of a host name, added when new; -1 when the table is full. */
static int fleet_host_id(struct fleet *f, const char *name)
{
	uint32_t h = 2166136261u, i;
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	for (i = h % FLEET_HBUCKETS;; i = (i + 1) % FLEET_HBUCKETS) {
		unsigned id = f->hidx[i];

		if (!id)
			break;
		if (!strcmp(f->host[id - 1], name))
			return (int)id - 1;
	}
	if (f->st.hosts >= FLEET_HOSTS_MAX)
		return -1;	/* half the buckets stay empty: the probe above ends */
	strcpy(f->host[f->st.hosts], name);	/* fleet_ev.host fits by its type */
	f->hidx[i] = (uint16_t)(++f->st.hosts);
	return (int)f->st.hosts - 1;
}

static int fleet_name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The host names of a map, sorted (the order lines came in says nothing),
 * into f->names. */
static uint32_t fleet_names(struct fleet *f, const uint64_t *map)
{
	uint32_t i, n = 0;

	for (i = 0; i < f->st.hosts; i++)
		if (map[i / 64] >> (i % 64) & 1)
			f->names[n++] = f->host[i];
	qsort(f->names, n, sizeof(*f->names), fleet_name_cmp);
	return n;
}

static bool fleet_map_set(uint64_t *map, unsigned bit)
{
	return corr_map_set(map, bit);
}

/* ---- decoy sets ------------------------------------------------------------ */

static unsigned fleet_common(const uint16_t *a, unsigned na, const uint16_t *b, unsigned nb)
{
	unsigned i, j, n = 0;

	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			if (a[i] == b[j]) {
				n++;
				break;
			}
	return n;
}

/* Whether ports a[0..na) are "the same probe set" as b: they share
 * FLEET_DECOY_COMMON ports, or all of a's when it has fewer. */
static bool fleet_same_set(const uint16_t *a, unsigned na, const uint16_t *b, unsigned nb)
{
	unsigned need = na < FLEET_DECOY_COMMON ? na : FLEET_DECOY_COMMON;

	return need && fleet_common(a, na, b, nb) >= need;
}

static void fleet_decoy_emit(struct fleet *f, struct fleet_decoy *d, fleet_emit_fn emit,
			     void *arg)
{
	struct fleet_alert a = { .type = FLEET_DECOY, .family = d->family, .verdict = d->verdict,
				 .first = d->first, .last = d->last, .packets = d->packets,
				 .ports = d->port_count > d->nports ? d->port_count : d->nports,
				 .sources = d->sources,
				 .members = d->members, .hosts = f->names };

	d->used = false;
	if (d->nhosts < f->cfg.min_hosts)
		return;		/* one host's decoy scan: its own alert says it all */
	memcpy(a.saddr, d->saddr, 16);
	a.nsample = d->nports < FLEET_PORTS ? d->nports : FLEET_PORTS;
	memcpy(a.port_sample, d->ports, a.nsample * sizeof(uint16_t));
	a.port_lo = d->port_lo <= d->port_hi ? d->port_lo : 0;
	a.port_hi = d->port_hi;
	a.nhosts = fleet_names(f, d->hostmap);
	f->st.alerts++;
	emit(&a, arg);
}

/* The decoy set ev belongs to (*match), else a free slot, else the least
 * recently touched one, to be reused. */
static struct fleet_decoy *fleet_decoy_find(struct fleet *f, const struct fleet_ev *ev,
					    bool *match)
{
	struct fleet_decoy *d, *free_d = NULL, *oldest = NULL;
	uint32_t i;

	*match = false;
	for (i = 0; i < f->cfg.max_decoys; i++) {
		d = &f->decoy[i];
		if (!d->used) {
			free_d = free_d ? free_d : d;
			continue;
		}
		if (!oldest || d->touched < oldest->touched)
			oldest = d;
		if (d->family == ev->family && ev->first <= d->last + FLEET_DECOY_SKEW_NS &&
		    ev->last + FLEET_DECOY_SKEW_NS >= d->first &&
		    fleet_same_set(ev->ports, ev->nports, d->ports, d->nports)) {
			*match = true;
			return d;
		}
	}
	return free_d ? free_d : oldest;
}

static void fleet_decoy_add(struct fleet *f, const struct fleet_ev *ev, unsigned host,
			    fleet_emit_fn emit, void *arg)
{
	bool match;
	struct fleet_decoy *d = fleet_decoy_find(f, ev, &match);
	unsigned i;

	if (!match && d->used) {
		f->st.decoy_evictions++;	/* full: the least recent set goes */
		fleet_decoy_emit(f, d, emit, arg);
	}
	if (!match) {
		*d = (struct fleet_decoy){ .used = true, .family = ev->family,
					   .first = ev->first, .last = ev->last,
					   .port_lo = UINT16_MAX };
		memcpy(d->saddr, ev->saddr, 16);
	}
	d->touched = f->now;
	d->first = ev->first < d->first ? ev->first : d->first;
	d->last = corr_max64(d->last, ev->last);
	d->verdict = corr_maxv(d->verdict, ev->verdict);
	d->sources = ev->sources > d->sources ? ev->sources : d->sources;
	d->port_count = ev->port_count > d->port_count ? ev->port_count : d->port_count;
	for (i = 0; i < ev->nports; i++) {
		d->port_lo = ev->ports[i] < d->port_lo ? ev->ports[i] : d->port_lo;
		d->port_hi = ev->ports[i] > d->port_hi ? ev->ports[i] : d->port_hi;
	}
	if (ev->port_hi) {
		d->port_lo = ev->port_lo < d->port_lo ? ev->port_lo : d->port_lo;
		d->port_hi = ev->port_hi > d->port_hi ? ev->port_hi : d->port_hi;
	}
	if (fleet_map_set(d->hostmap, host))
		d->nhosts++;
	for (i = 0; i < ev->nports && d->nports < FLEET_DECOY_PORTS; i++)
		if (!fleet_common(&ev->ports[i], 1, d->ports, d->nports))
			d->ports[d->nports++] = ev->ports[i];
}

/* A source that only probed a decoy set's ports (all within its range, and
 * sharing enough of the listed ones), on its hosts, while it ran, is one of
 * its members (forged or the real one): folded into it. A scanner of other
 * ports at the same time is not. */
static bool fleet_decoy_fold(struct fleet *f, const struct fleet_src *s)
{
	uint32_t i, k;

	for (i = 0; i < f->cfg.max_decoys; i++) {
		struct fleet_decoy *d = &f->decoy[i];
		bool shared = false;

		if (!d->used || d->family != s->family ||
		    s->first > d->last + FLEET_DECOY_SKEW_NS ||
		    s->last + FLEET_DECOY_SKEW_NS < d->first ||
		    s->port_lo < d->port_lo || s->port_hi > d->port_hi ||
		    !fleet_same_set(s->sample, s->nsample, d->ports, d->nports))
			continue;
		for (k = 0; k < FLEET_HOSTS_MAX / 64; k++)
			shared |= (s->hostmap[k] & d->hostmap[k]) != 0;
		if (!shared)
			continue;
		d->members++;
		d->packets += s->packets;
		return true;
	}
	return false;
}

/* ---- sources --------------------------------------------------------------- */

/* The end of a source's state: an incident when enough hosts saw it. */
static void fleet_src_end(struct fleet *f, const struct fleet_src *s, fleet_emit_fn emit,
			  void *arg)
{
	struct fleet_alert a = { .family = s->family, .verdict = s->verdict, .first = s->first,
				 .last = s->last, .packets = s->packets, .ports = s->nports,
				 .port_lo = s->port_lo, .port_hi = s->port_hi,
				 .nsample = s->nsample, .protos = s->protos, .sources = 1,
				 .hosts = f->names };

	if (s->nhosts < f->cfg.min_hosts || fleet_decoy_fold(f, s))
		return;
	memcpy(a.saddr, s->addr, 16);
	memcpy(a.daddr, s->daddr, 16);
	memcpy(a.port_sample, s->sample, sizeof(a.port_sample));
	if (!s->nports)
		a.port_lo = 0;
	/* Many hosts on a few ports is a search for a service; more ports than
	 * hosts is a look at what each runs. */
	a.type = s->nports < s->nhosts ? FLEET_SWEEP : FLEET_SCAN;
	if (a.verdict < KB_VERDICT_SUSPICIOUS)
		a.verdict = KB_VERDICT_SUSPICIOUS;
	a.nhosts = fleet_names(f, s->hostmap);
	f->st.alerts++;
	emit(&a, arg);
}

static void fleet_src_port(struct fleet_src *s, uint16_t port)
{
	unsigned i;

	for (i = 0; i < s->nsample; i++)
		if (s->sample[i] == port)
			return;
	if (s->nsample < FLEET_PORTS) {
		s->sample[s->nsample++] = port;
		s->nports++;
	} else if (fleet_map_set(s->pmap, port % FLEET_PBITS)) {
		s->nports++;	/* past the sample: a lower bound */
	}
	s->port_lo = port < s->port_lo ? port : s->port_lo;
	s->port_hi = port > s->port_hi ? port : s->port_hi;
}

static struct fleet_src *fleet_src_get(struct fleet *f, const struct fleet_ev *ev,
				       uint64_t first, fleet_emit_fn emit, void *arg)
{
	struct corr_key k;
	enum corr_got got;
	uint64_t old_last = 0;
	uint32_t i;
	struct fleet_src *s;

	corr_key_set(&k, CORR_K_FLEET, ev->family, ev->saddr, NULL, 0, 0, 0);
	i = corr_tab_get(&f->hash, &f->src, &k, f->now, &got, &old_last);
	s = corr_tab_val(&f->src, i);
	if (got == CORR_REUSED) {
		f->st.evictions++;
		fleet_src_end(f, s, emit, arg);
	}
	if (got != CORR_FOUND) {
		memset(s, 0, sizeof(*s));
		memcpy(s->addr, ev->saddr, 16);
		s->family = ev->family;
		s->first = first;
		s->port_lo = UINT16_MAX;
	}
	s->first = first < s->first ? first : s->first;
	return s;
}

static void fleet_src_add(struct fleet *f, const struct fleet_ev *ev, unsigned host,
			  fleet_emit_fn emit, void *arg)
{
	bool alert = ev->kind == FLEET_EV_ALERT;
	struct fleet_src *s = fleet_src_get(f, ev, alert ? ev->first : ev->ts, emit, arg);
	unsigned i;

	s->last = corr_max64(s->last, alert ? ev->last : ev->ts);
	s->verdict = corr_maxv(s->verdict, ev->verdict);
	if (fleet_map_set(s->hostmap, host))
		s->nhosts++;
	if (alert) {	/* a host's own scan or sweep: its ports, not its packets again */
		for (i = 0; i < ev->nports; i++)
			fleet_src_port(s, ev->ports[i]);
		return;
	}
	if (!s->packets++ && ev->dfamily == ev->family)
		memcpy(s->daddr, ev->daddr, 16);
	s->protos |= ev->proto == IPPROTO_TCP ? 1 : 2;
	fleet_src_port(s, (uint16_t)ev->dport);
}

/* Incidents that ended by f->now: sources first, so that decoy members fold
 * into a set that is still open. */
static void fleet_expire(struct fleet *f, fleet_emit_fn emit, void *arg)
{
	uint32_t i;

	while (f->src.tail != CORR_NONE &&
	       corr_since(f->now, f->src.slot[f->src.tail].last) > f->cfg.close_ns) {
		fleet_src_end(f, corr_tab_val(&f->src, f->src.tail), emit, arg);
		corr_tab_del(&f->src, f->src.tail);
	}
	for (i = 0; i < f->cfg.max_decoys; i++)
		if (f->decoy[i].used && corr_since(f->now, f->decoy[i].touched) > f->cfg.close_ns)
			fleet_decoy_emit(f, &f->decoy[i], emit, arg);
}

/* A probe, in the correlator's sense (doc/correlation.md, "What counts as a
 * probe"): TCP/UDP with ports, to one host, not a late reply. */
static bool fleet_is_probe(const struct fleet_ev *ev)
{
	if (ev->proto != IPPROTO_TCP && ev->proto != IPPROTO_UDP)
		return false;
	if (ev->dport < 0 || ev->sport < 0 || ev->bcast || ev->noise)
		return false;
	return !(ev->sport < 1024 && ev->dport >= 1024 &&
		 (ev->proto == IPPROTO_UDP || ev->ack_rst));
}

int fleet_feed(struct fleet *f, const struct fleet_ev *ev, fleet_emit_fn emit, void *arg)
{
	int host = fleet_host_id(f, ev->host);
	uint64_t last_check = f->now;

	if (host < 0) {
		f->st.hosts_full++;
		return -ENOSPC;
	}
	f->now = corr_max64(f->now, ev->ts);
	/* Walking 256 decoy slots per line would be most of the cost: once a
	 * second of input time is enough for a close measured in seconds. */
	if (f->now / CORR_SEC != last_check / CORR_SEC)
		fleet_expire(f, emit, arg);
	if (ev->family != 4 && ev->family != 6)
		return 0;
	if (ev->kind == FLEET_EV_ALERT) {
		if (ev->atype == RING_ALERT_DECOY)
			fleet_decoy_add(f, ev, (unsigned)host, emit, arg);
		else if (ev->atype == RING_ALERT_PORTSCAN || ev->atype == RING_ALERT_SWEEP)
			fleet_src_add(f, ev, (unsigned)host, emit, arg);
		return 0;
	}
	if (!fleet_is_probe(ev)) {
		f->st.noise++;
		f->host_noise[host]++;
		return 0;
	}
	f->st.probes++;
	fleet_src_add(f, ev, (unsigned)host, emit, arg);
	return 0;
}

void fleet_flush(struct fleet *f, fleet_emit_fn emit, void *arg)
{
	f->now = UINT64_MAX;
	fleet_expire(f, emit, arg);
}

void fleet_stats(const struct fleet *f, struct fleet_stats *st)
{
	*st = f->st;
}

uint64_t fleet_host_noise(const struct fleet *f, uint32_t i, const char **name)
{
	if (i >= f->st.hosts)
		return 0;
	*name = f->host[i];
	return f->host_noise[i];
}

size_t fleet_memory(const struct fleet *f)
{
	return f->mem;
}
