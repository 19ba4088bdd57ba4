/* SPDX-License-Identifier: GPL-2.0-or-later */
/* correlate.c - multi-packet patterns across drop records, off the packet path.
 *
 * The signatures are those of /work/shared/kb-facts.md (e) and the IP ID and
 * TTL rules of its "Packet Zen" section (f); doc/correlation.md explains every
 * detection, its thresholds and its false-positive guards to the admin.
 * Addresses in records are in network byte order, every other field is in
 * host order (ringfmt.h); ports and IP IDs are compared as numbers.
 *
 * This file is the API and corr_feed(), which works out the facts of a
 * record once and hands it to the detectors that apply; corr_int.h says how
 * the state is kept and which file has which part.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "correlate/corr_facts.h"
#include "correlate/corr_inc.h"
#include "correlate/corr_heartbeat.h"
#include "correlate/corr_scan.h"
#include "correlate/corr_src.h"
#include "correlate/corr_target.h"
#include "correlate/corr_ttl.h"

/* ---- per-record facts -------------------------------------------------- */

/* Hops from the nearest usual start TTL (32, 60, 64, 128, 255) at or above. */
static uint8_t corr_hops(const struct ring_rec *r)
{
	unsigned ttl = r->ttl, start;

	if (r->klass.ttl_initial)
		return r->klass.ttl_hops;
	if (ttl > 64)
		start = ttl > 128 ? 255 : 128;
	else
		start = ttl > 60 ? 64 : ttl > 32 ? 60 : 32;
	return (uint8_t)(start - ttl);
}

static bool corr_is_bcast(const struct ring_rec *r)
{
	uint32_t a;

	if (r->klass.tags & RING_TAG_BCAST_DST)
		return true;
	if (r->family != 4)
		return r->daddr[0] == 0xff;	/* IPv6 multicast */
	memcpy(&a, r->daddr, 4);
	return (r->daddr[0] & 0xf0) == 0xe0 || a == UINT32_MAX;
}

static bool corr_is_noise_port(uint16_t port)
{
	return port == 137 || port == 138 || port == 67 || port == 68 || port == 1900 ||
	       port == 5353;
}

/*
 * A flood of random sources mixes protocols, ports and flags at random, and
 * a test of one of those (UDP or not, SYN or not) is a branch the CPU
 * mispredicts for a good share of the records: such tests are made with &
 * or arithmetic, or put after a rare condition that decides almost every
 * record (a broadcast, a port 7 or 19). callgrind --branch-sim: 1.5
 * mispredicts per record here and in corr_feed() before, 0.7 after.
 */
CORR_HOT void corr_pkt_init(const struct corr *c, struct corr_pkt *p, const struct ring_rec *r)
{
	bool icmp = (r->proto == IPPROTO_ICMP && r->family == 4) ||
		    (r->proto == IPPROTO_ICMPV6 && r->family == 6);
	uint8_t f = r->tcp_flags;
	bool syn;

	memset(p, 0, sizeof(*p));
	p->r = r;
	p->tcp = r->proto == IPPROTO_TCP;
	p->udp = r->proto == IPPROTO_UDP;
	p->ports = (p->tcp | p->udp) & !(r->ip_flags & RING_IPF_FRAGMENT);
	p->saddr32 = corr_addr32(c, r->family, r->saddr);
	p->daddr32 = corr_addr32(c, r->family, r->daddr);
	p->hops = corr_hops(r);
	p->bcast = corr_is_bcast(r);
	p->echo_req = icmp && r->icmp_type == (r->family == 4 ? 8 : 128);
	p->echo_reply = icmp && r->icmp_type == (r->family == 4 ? 0 : 129);
	if (!p->ports)
		return;
	syn = (f & (RING_TCP_SYN | RING_TCP_ACK | RING_TCP_RST | RING_TCP_FIN)) == RING_TCP_SYN;
	p->style = (RING_ALERT_SCAN_UDP & -(uint32_t)p->udp) |
		   (RING_ALERT_SCAN_SYN & -(uint32_t)(syn & !p->udp)) |
		   (r->klass.tags & CORR_STYLE_TAGS);
	/* From a service port to an ephemeral one, acknowledging or resetting:
	 * the late answer to a connection of ours whose state is gone. A busy
	 * server sends those to many of our ports; they are not probes. */
	p->reply = r->sport < 1024 && r->dport >= 1024 &&
		   (p->udp || (f & (RING_TCP_ACK | RING_TCP_RST)));
	p->trace_udp = p->udp &
		       ((uint16_t)(r->dport - CORR_TRACE_LO) <= CORR_TRACE_HI - CORR_TRACE_LO);
	p->fraggle = (r->klass.tags & RING_TAG_FRAGGLE) ||
		     (p->bcast && p->udp && (r->dport == 7 || r->dport == 19));
	p->noise = !p->fraggle && (p->bcast || (corr_is_noise_port(r->dport) && p->udp));
}

/* The kb row is looked up only for records a detector explains: a port
 * the classifier did not know costs a range search, and most records of a
 * flood are one-packet sources that no detector gets to explain. */
static void corr_pkt_kb(struct corr *c, struct corr_pkt *p)
{
	if (p->kb_done)
		return;
	p->kb_dst = corr_kb_row(c, p->r, KB_DIR_DST, &p->kb_dst_verdict);
	p->kb_done = true;
}

/* ---- the API ------------------------------------------------------------- */

void corr_cfg_default(struct corr_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->window_ns = 60 * CORR_SEC;
	cfg->close_ns = 60 * CORR_SEC;
	cfg->update_ns = 1 * CORR_SEC;	/* a live view lags at most this */
	cfg->scan_ports = 12;
	cfg->sweep_hosts = 8;
	cfg->decoy_sources = 3;
	cfg->trace_probes = 3;
	cfg->smurf_sources = 10;
	cfg->fraggle_packets = 1;
	cfg->noise_packets = 5;
	cfg->heartbeat_sources = 3;
	cfg->ipid_sources = 3;
	cfg->ttl_jump = 5;
	cfg->max_sources = 8192;
}

/* Zero fields take their default: a config file may set only some. */
static void corr_cfg_fill(struct corr_cfg *cfg, const struct corr_cfg *in)
{
	struct corr_cfg d;

	corr_cfg_default(&d);
	*cfg = in ? *in : d;
#define CORR_DEF(f) do { if (!cfg->f) cfg->f = d.f; } while (0)
	CORR_DEF(window_ns);
	CORR_DEF(close_ns);
	CORR_DEF(update_ns);
	CORR_DEF(scan_ports);
	CORR_DEF(sweep_hosts);
	CORR_DEF(decoy_sources);
	CORR_DEF(trace_probes);
	CORR_DEF(smurf_sources);
	CORR_DEF(fraggle_packets);
	CORR_DEF(noise_packets);
	CORR_DEF(heartbeat_sources);
	CORR_DEF(ipid_sources);
	CORR_DEF(ttl_jump);
	CORR_DEF(max_sources);
#undef CORR_DEF
	if (cfg->max_sources < 64)
		cfg->max_sources = 64;
	if (cfg->max_sources > (1u << 24))
		cfg->max_sources = 1u << 24;
	if (cfg->decoy_sources < 2)
		cfg->decoy_sources = 2;		/* one source is no decoy group */
	if (cfg->decoy_sources > CORR_DSLOTS)
		cfg->decoy_sources = CORR_DSLOTS;
	if (cfg->heartbeat_sources > CORR_HSLOTS)
		cfg->heartbeat_sources = CORR_HSLOTS;
	if (cfg->ipid_sources < 2)
		cfg->ipid_sources = 2;
	if (cfg->trace_probes < 2)
		cfg->trace_probes = 2;		/* a rise needs two probes */
}

static uint32_t corr_clamp(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

struct corr *corr_new(const struct corr_cfg *cfg, const struct kb *kb, uint32_t id_base)
{
	struct corr *c = calloc(1, sizeof(*c));
	uint32_t n, i;
	size_t m, total = sizeof(*c);

	if (!c)
		return NULL;
	corr_cfg_fill(&c->cfg, cfg);
	c->kb = kb;
	c->next_id = id_base;
	/* Address layout randomisation is the only secret at hand; it keys
	 * the hash well enough that forged sources can't pick one chain. */
	c->seed = mix64((uint64_t)(uintptr_t)c ^ ((uint64_t)(uintptr_t)&n << 17) ^ id_base);
	c->full_inc = CORR_NONE;
	for (i = 0; i < __RING_ALERT_MAX; i++)
		c->inc_hint[i] = CORR_NONE;
	n = c->cfg.max_sources;
	if (!(m = corr_tab_init(&c->src, n, sizeof(struct corr_src))))
		goto fail;
	total += m;
	if (!(m = corr_tab_init(&c->pair, n, sizeof(struct corr_pair))))
		goto fail;
	total += m;
	if (!(m = corr_tab_init(&c->sweep, corr_clamp(n / 2, 64, n), sizeof(struct corr_sweep))))
		goto fail;
	total += m;
	if (!(m = corr_tab_init(&c->tgt, corr_clamp(n / 16, 64, n), sizeof(struct corr_tgt))))
		goto fail;
	total += m;
	if (!(m = corr_tab_init(&c->grp, corr_clamp(n / 4, 64, n), sizeof(struct corr_grp))))
		goto fail;
	total += m;
	if (!(m = corr_tab_init(&c->inc, corr_clamp(n / 16, 64, 4096), sizeof(struct corr_inc))))
		goto fail;
	total += m;
	c->nbig = corr_clamp(n / 128, CORR_BIG_MIN, CORR_BIG_MAX);
	c->big = malloc((size_t)c->nbig * (CORR_BIG_BITS / 8));
	c->big_free = malloc((size_t)c->nbig * sizeof(*c->big_free));
	if (!c->big || !c->big_free)
		goto fail;
	for (i = 0; i < c->nbig; i++)
		c->big_free[i] = c->nbig - 1 - i;
	c->nbig_free = c->nbig;
	total += (size_t)c->nbig * (CORR_BIG_BITS / 8 + sizeof(*c->big_free));
	c->mem = total;
	return c;
fail:
	corr_free(c);
	errno = ENOMEM;
	return NULL;
}

void corr_free(struct corr *c)
{
	if (!c)
		return;
	corr_tab_fini(&c->src);
	corr_tab_fini(&c->pair);
	corr_tab_fini(&c->sweep);
	corr_tab_fini(&c->tgt);
	corr_tab_fini(&c->grp);
	corr_tab_fini(&c->inc);
	free(c->big);
	free(c->big_free);
	free(c);
}

static void corr_probe_run(struct corr *c, struct corr_pkt *p)
{
	if (!p->t)
		p->t = corr_tgt_get(c, p->r);
	if (!corr_decoy(c, p))
		corr_scan(c, p);
	corr_sweep(c, p);
	if (p->udp || (p->style & RING_ALERT_SCAN_SYN))	/* connection attempts */
		corr_heartbeat(c, p);
}

/*
 * A probe (TCP/UDP, not a late reply, not traceroute) for the detectors
 * that need several from one source: decoy, port scan, sweep, heartbeat.
 * A source's first probe is only noted; the second replays it first. No
 * detection fires on one probe, and a flood of one-packet forged sources
 * then leaves those tables (and the real scanners' state in them) alone.
 */
static void corr_probe(struct corr *c, struct corr_pkt *p)
{
	struct corr_src *s = p->s;
	struct ring_rec first;
	struct corr_pkt fp;

	if (!s->probes) {
		corr_src_hold(s, p->r);
		return;
	}
	if (s->probes == 1) {
		s->probes = 2;
		corr_src_replay(s, p->r, &first);
		corr_pkt_init(c, &fp, &first);
		corr_pkt_kb(c, &fp);
		fp.s = s;
		corr_probe_run(c, &fp);
	}
	corr_pkt_kb(c, p);
	corr_probe_run(c, p);
}

void corr_feed(struct corr *c, const struct ring_rec *r, corr_emit_fn emit, void *arg)
{
	struct corr_pkt p;
	bool ipid, echo_src;

	if (!c || !r || r->kind != RING_KIND_DROP || (r->family != 4 && r->family != 6) ||
	    r->status == RING_ST_INVALID)
		return;
	c->emit = emit;
	c->arg = arg;
	c->now = corr_max64(c->now, r->ts_ns);
	corr_pkt_init(c, &p, r);
	p.s = corr_src_get(c, r);
	corr_src_account(&p);
	if (p.trace_udp | p.echo_req | p.fraggle | p.noise)
		corr_pkt_kb(c, &p);	/* corr_trace, corr_per_source */

	corr_trace(c, &p);
	/* Traceroute probes and pings carry deliberately odd or unrelated
	 * TTLs; a source that traced is no longer a TTL baseline. */
	if (!(p.trace_udp | p.echo_req | p.s->traced))
		corr_ttl(c, &p);
	if (p.fraggle)
		corr_per_source(c, &p, RING_ALERT_FRAGGLE);
	else if (p.noise)
		corr_per_source(c, &p, RING_ALERT_NOISE);

	if (p.bcast)	/* a broadcast is not a host: no per-target state */
		return;
	/* corr_pkt_init() says why these are written so. */
	ipid = (r->family == 4) & ((uint16_t)r->ip_id != 0);
	echo_src = (r->sport == 7 || r->sport == 19) && (p.ports & p.udp);
	if (ipid | p.echo_reply | echo_src)
		p.t = corr_tgt_get(c, r);
	if (ipid)
		corr_ipid(c, &p);
	/* Not late replies, not traceroute (whose UDP ports would otherwise
	 * look like a scan of 33434 and up). */
	if (p.ports & !p.reply & !(p.trace_udp & (r->ttl <= CORR_TRACE_TTL_MAX)))
		corr_probe(c, &p);
	if (p.echo_reply)
		corr_reflect(c, &p, RING_ALERT_SMURF);
	if (echo_src)
		corr_reflect(c, &p, RING_ALERT_FRAGGLE);
}

void corr_tick(struct corr *c, uint64_t now_ns, corr_emit_fn emit, void *arg)
{
	uint64_t keep;
	uint32_t i, next;

	if (!c)
		return;
	c->emit = emit;
	c->arg = arg;
	c->now = corr_max64(c->now, now_ns);
	for (i = c->inc.tail; i != CORR_NONE; i = next) {
		struct corr_inc *inc = corr_tab_val(&c->inc, i);

		next = c->inc.slot[i].newer;	/* from the least to the most recent */
		if (corr_since(c->now, inc->a.last_seen) >= c->cfg.close_ns)
			corr_inc_close(c, i);
		else if (inc->dirty && corr_since(c->now, inc->last_emit) >= c->cfg.update_ns)
			corr_emit(c, inc, RING_ALERT_UPDATE);
	}
	/* State outlives an incident by nothing: once an incident closed,
	 * its counters start afresh. Sources are kept longer, for history. */
	keep = corr_max64(c->cfg.window_ns, c->cfg.close_ns);
	corr_tab_expire(&c->src, c->now, keep * CORR_SRC_KEEP);
	corr_tab_expire(&c->pair, c->now, keep);
	corr_tab_expire(&c->sweep, c->now, keep);
	corr_tab_expire(&c->tgt, c->now, keep);
	corr_tab_expire(&c->grp, c->now, keep);
}

void corr_flush(struct corr *c, corr_emit_fn emit, void *arg)
{
	if (!c)
		return;
	c->emit = emit;
	c->arg = arg;
	while (c->inc.tail != CORR_NONE)
		corr_inc_close(c, c->inc.tail);
}

size_t corr_sources(const struct corr *c)
{
	return c ? c->src.used : 0;
}

uint64_t corr_evictions(const struct corr *c)
{
	return c ? c->evictions : 0;
}

size_t corr_memory(const struct corr *c)
{
	return c ? c->mem : 0;
}
