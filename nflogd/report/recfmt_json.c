/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recfmt_json.c - one ring record as an ECS JSON Lines object (doc/json-schema.md, nflog.schema 1).
 *
 * Strings pass as valid UTF-8, invalid bytes become U+FFFD (recfmt_json_str).
 */
#include <inttypes.h>
#include <netinet/in.h>
#include <stdint.h>

#include "classify/classify.h"
#include "classify/kb.h"
#include "classify/services.h"
#include "report/geoip.h"
#include "report/recfmt_int.h"

/* Emit ,"key": (or just "key": for the first member of an object). */
static void recfmt_json_key(struct recfmt_out *o, int *first, const char *key)
{
	if (!*first)
		recfmt_chr(o, ',');
	*first = 0;
	recfmt_chr(o, '"');
	recfmt_str(o, key);
	recfmt_str(o, "\":");
}

static void recfmt_json_iface(struct recfmt_out *o, int *first, const char *side, uint32_t ifindex,
			      const char *name)
{
	if (ifindex == 0)
		return;
	recfmt_json_key(o, first, side);
	recfmt_str(o, "{\"interface\":{");
	if (name != NULL) {
		recfmt_str(o, "\"name\":");
		recfmt_json_str(o, name, RING_IFNAMSIZ);
		recfmt_chr(o, ',');
	}
	recfmt_fmt(o, "\"id\":\"%" PRIu32 "\"}}", ifindex);
}

/* "type":..,"transport":..,"iana_number":.. as members of an open object. */
static void recfmt_json_network(struct recfmt_out *o, int *first, unsigned family, unsigned proto,
				int has_proto)
{
	const char *name = recfmt_proto_json_name(proto);

	if (family == 4 || family == 6) {
		recfmt_json_key(o, first, "type");
		recfmt_str(o, family == 4 ? "\"ipv4\"" : "\"ipv6\"");
	}
	if (!has_proto)
		return;
	recfmt_json_key(o, first, "transport");
	if (name != NULL)
		recfmt_fmt(o, "\"%s\"", name);
	else
		recfmt_fmt(o, "\"%u\"", proto);
	recfmt_json_key(o, first, "iana_number");
	recfmt_fmt(o, "\"%u\"", proto);
}

/* ,"mac":"..." when the link layer gave that end's address (hw may be NULL). */
static void recfmt_json_mac(struct recfmt_out *o, const struct ring_hw *hw, unsigned flag)
{
	char mac[18];

	if (!hw || !(hw->flags & flag))
		return;
	recfmt_mac_ecs(mac, flag == RING_HWF_SRC ? hw->src : hw->dst);
	recfmt_str(o, ",\"mac\":\"");
	recfmt_mem(o, mac, 17);
	recfmt_chr(o, '"');
}

/* ,"source":{..},"destination":{..} when the family has addresses; hw (NULL
 * for a quoted header) adds ECS source.mac/destination.mac, c (NULL for a
 * quoted header) the addresses' geo and as, bytes (0: none) source.bytes. */
struct recfmt_json_ends {
	unsigned		 family;
	const uint8_t		*sa, *da;
	const char		*s, *d;		/* their text, NULL: format here */
	int			 has_ports;
	unsigned		 sport, dport;
	uint32_t		 bytes;
};

static void recfmt_json_endpoints(struct recfmt_out *o, const struct recfmt_json_ends *e,
				  const struct ring_hw *hw, const struct recfmt_ctx *c)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	const char *st = e->s, *dt = e->d;

	if (!st && (st = recfmt_addr_str(s, e->family, e->sa)) == NULL)
		return;
	if (!dt && (dt = recfmt_addr_str(d, e->family, e->da)) == NULL)
		return;
	recfmt_str(o, ",\"source\":{\"ip\":\"");
	recfmt_str(o, st);
	recfmt_chr(o, '"');
	if (e->has_ports)
		recfmt_str_u(o, ",\"port\":", e->sport);
	if (e->bytes)
		recfmt_str_u(o, ",\"bytes\":", e->bytes);
	recfmt_json_mac(o, hw, RING_HWF_SRC);
	if (c)
		recfmt_json_geo(o, c->src_geo);
	recfmt_str(o, "},\"destination\":{\"ip\":\"");
	recfmt_str(o, dt);
	recfmt_chr(o, '"');
	if (e->has_ports)
		recfmt_str_u(o, ",\"port\":", e->dport);
	recfmt_json_mac(o, hw, RING_HWF_DST);
	if (c)
		recfmt_json_geo(o, c->dst_geo);
	recfmt_chr(o, '}');
}

static void recfmt_json_ip(struct recfmt_out *o, const struct ring_rec *r)
{
	int first = 1;

	recfmt_fmt(o, ",\"ip\":{\"ttl\":%u,\"id\":%" PRIu32 ",\"flags\":[", r->ttl, r->ip_id);
	if (r->ip_flags & RING_IPF_RF) {
		recfmt_str(o, "\"RF\"");
		first = 0;
	}
	if (r->ip_flags & RING_IPF_DF) {
		recfmt_str(o, first ? "\"DF\"" : ",\"DF\"");
		first = 0;
	}
	if (r->ip_flags & RING_IPF_MF)
		recfmt_str(o, first ? "\"MF\"" : ",\"MF\"");
	recfmt_fmt(o, "],\"frag_offset\":%u,\"len\":%u,\"tos\":%u}", r->frag_off,
	    r->ip_len, r->tos);
	if (r->family == 6)
		recfmt_fmt(o, ",\"ipv6\":{\"flow_label\":%" PRIu32 "}", r->flow_label);
}

static void recfmt_json_l4(struct recfmt_out *o, const struct ring_rec *r)
{
	char fl[9];
	int first = 1;

	switch (r->proto) {
	case IPPROTO_TCP:
		recfmt_tcp_flags(fl, r->tcp_flags);
		recfmt_fmt(o, ",\"tcp\":{\"flags\":\"%s\",\"window\":%u", fl, r->tcp_window);
		recfmt_fmt(o, ",\"seq\":%" PRIu32 ",\"data_offset\":%u}", r->tcp_seq,
		    r->tcp_doff);
		break;
	case IPPROTO_UDP:
		recfmt_fmt(o, ",\"udp\":{\"len\":%u}", r->udp_len);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		recfmt_fmt(o, ",\"icmp\":{\"type\":%u,\"code\":%u", r->icmp_type,
		    r->icmp_code);
		if (r->ip_flags & RING_IPF_HAVE_INNER) {
			const struct recfmt_json_ends e = {
				.family = r->inner_family, .sa = r->inner_saddr,
				.da = r->inner_daddr,
				.has_ports = recfmt_proto_has_ports(r->inner_proto),
				.sport = r->inner_sport, .dport = r->inner_dport,
			};

			recfmt_str(o, ",\"inner\":{");
			recfmt_json_network(o, &first, r->inner_family, r->inner_proto, 1);
			recfmt_json_endpoints(o, &e, NULL, NULL);
			recfmt_chr(o, '}');
		}
		recfmt_chr(o, '}');
		break;
	default:
		break;
	}
}

static void recfmt_json_port_row(struct recfmt_out *o, const char *key, const struct kb_port *row,
				 const struct kb *kb)
{
	const struct kb_category *cat = kb_category_by_id(kb, row->category);

	recfmt_fmt(o, ",\"%s\":{\"id\":%u,\"service\":", key, row->id);
	recfmt_json_str(o, row->service, SIZE_MAX);
	if (cat) {
		recfmt_str(o, ",\"category\":");
		recfmt_json_str(o, cat->name, SIZE_MAX);
	}
	recfmt_str(o, ",\"summary\":");
	recfmt_json_str(o, row->summary, SIZE_MAX);
}

static void recfmt_json_addr_class(struct recfmt_out *o, const char *key, uint16_t id,
				   const struct kb *kb)
{
	const struct kb_addr *row = kb_addr_by_id(kb, id);

	if (!id)
		return;
	recfmt_fmt(o, ",\"%s\":", key);
	if (row)
		recfmt_json_str(o, row->cls, SIZE_MAX);
	else
		recfmt_fmt(o, "\"%u\"", id);
}

/* "service":..,"summary":.. of a registered name (no summary when it has none). */
static void recfmt_json_registered(struct recfmt_out *o, const struct services_entry *reg)
{
	recfmt_str(o, "\"service\":");
	recfmt_json_str(o, reg->name, SIZE_MAX);
	if (reg->desc[0]) {
		recfmt_str(o, ",\"summary\":");
		recfmt_json_str(o, reg->desc, SIZE_MAX);
	}
}

/* nflog.kb, nflog.verdict, nflog.tags, ...: doc/json-schema.md. nflog.kb.source
 * says whose words they are: the kb's, or a registered name ("iana"). */
static void recfmt_json_kb(struct recfmt_out *o, const struct ring_rec *r,
			   const struct recfmt_ctx *c)
{
	const struct kb *kb = c->kb;
	const struct ring_klass *k = &r->klass;
	const struct kb_port *port = kb_port_by_id(kb, k->kb_id);
	const struct kb_port *sport = kb_port_by_id(kb, k->kb_sport);
	const struct kb_icmp *icmp = kb_icmp_by_id(kb, k->kb_icmp);
	const struct kb_ttl *ttl = kb_ttl_by_id(kb, k->os_hint);
	const struct services_entry *reg = recfmt_registered(r, c, port);
	unsigned n = 0;

	if (port) {
		recfmt_json_port_row(o, "kb", port, kb);
		if (sport && sport != port) {
			recfmt_json_port_row(o, "source_port", sport, kb);
			recfmt_chr(o, '}');
		}
		recfmt_str(o, ",\"source\":\"kb\"");
		if (reg) {	/* the row says only "ephemeral port" */
			recfmt_str(o, ",\"registered\":{");
			recfmt_json_registered(o, reg);
			recfmt_chr(o, '}');
		}
		recfmt_chr(o, '}');
	} else if (icmp) {
		recfmt_fmt(o, ",\"kb\":{\"id\":%u,\"service\":", icmp->id);
		recfmt_json_str(o, icmp->name, SIZE_MAX);
		recfmt_str(o, ",\"summary\":");
		recfmt_json_str(o, icmp->summary, SIZE_MAX);
		recfmt_str(o, ",\"source\":\"kb\"}");
	} else if (k->kb_id || k->kb_icmp) {
		/* Written under another kb (the ring header's stamp says so). */
		recfmt_fmt(o, ",\"kb\":{\"id\":%u,\"source\":\"kb\"}",
			   k->kb_id ? k->kb_id : k->kb_icmp);
	} else if (reg) {
		recfmt_str(o, ",\"kb\":{\"source\":\"iana\",");
		recfmt_json_registered(o, reg);
		recfmt_chr(o, '}');
	}
	recfmt_str(o, ",\"verdict\":");
	recfmt_json_str(o, kb_verdict_name(k->verdict), SIZE_MAX);
	recfmt_json_addr_class(o, "src_class", k->src_class, kb);
	recfmt_json_addr_class(o, "dst_class", k->dst_class, kb);
	if (k->ttl_initial)
		recfmt_fmt(o, ",\"ttl\":{\"initial\":%u,\"hops\":%u}", k->ttl_initial,
		    k->ttl_hops);
	if (ttl) {
		recfmt_str(o, ",\"os_hint\":");
		recfmt_json_str(o, ttl->os, SIZE_MAX);
	}
	recfmt_str(o, ",\"tags\":[");
	recfmt_bit_names(o, k->tags, classify_tag_name, 1, &n);
	recfmt_chr(o, ']');
}

/* The categorisation every drop shares, then event.severity's value. */
#define RECFMT_JSON_DROP_EVENT "\",\"ecs\":{\"version\":\"" RECFMT_ECS_VERSION "\"},"	\
	"\"event\":{\"kind\":\"event\",\"category\":[\"network\"],"			\
	"\"type\":[\"connection\",\"denied\"],\"action\":\"dropped\","			\
	"\"outcome\":\"failure\",\"module\":\"nflogd\",\"dataset\":\"nflogd.drop\","	\
	"\"severity\":"

/* ,"tags":[..],"rule":{..}: the packet's tags (ECS tags) and the log prefix. */
static void recfmt_json_rule(struct recfmt_out *o, const struct ring_rec *r,
			     const struct recfmt_ctx *c)
{
	unsigned n = 0;

	recfmt_str(o, ",\"tags\":[");
	recfmt_bit_names(o, r->klass.tags, classify_tag_name, 1, &n);
	recfmt_chr(o, ']');
	if (c->prefix != NULL) {
		/* The prefix names the rule, and is the one name of its place in
		 * the ruleset the record carries: ECS rule.ruleset too. */
		recfmt_str(o, ",\"rule\":{\"name\":");
		recfmt_json_str(o, c->prefix, RING_PREFIX_LEN);
		recfmt_str(o, ",\"ruleset\":");
		recfmt_json_str(o, c->prefix, RING_PREFIX_LEN);
		recfmt_chr(o, '}');
	}
}

/* ,"network":{..}: type, transport, direction and, with an IP header, bytes. */
static void recfmt_json_net(struct recfmt_out *o, const struct ring_rec *r, int l3)
{
	int first = 1;

	recfmt_str(o, ",\"network\":{");
	recfmt_json_network(o, &first, r->family, r->proto, l3);
	recfmt_json_key(o, &first, "direction");
	recfmt_chr(o, '"');
	recfmt_str(o, recfmt_ecs_direction(r));
	recfmt_chr(o, '"');
	if (l3 && r->ip_len)
		recfmt_str_u(o, ",\"bytes\":", r->ip_len);
	recfmt_chr(o, '}');
}

static void recfmt_json_nflog(struct recfmt_out *o, const struct ring_rec *r,
			      const struct recfmt_ctx *c, enum recfmt_depth depth)
{
	recfmt_fmt(o, ",\"nflog\":{\"schema\":%u,\"group\":%u", RECFMT_JSON_SCHEMA, r->group);
	if (r->cpu != RING_CPU_UNPINNED)
		recfmt_fmt(o, ",\"cpu\":%u", r->cpu);
	recfmt_fmt(o, ",\"hook\":%u", r->hook);
	if (r->ip_flags & RING_IPF_HAVE_SEQ)
		recfmt_fmt(o, ",\"seq\":%" PRIu32, r->nflog_seq);
	recfmt_fmt(o, ",\"mark\":%" PRIu32 ",\"status\":\"%s\"", r->mark,
	    recfmt_status_str(r->status));
	if (r->status != RING_ST_OK) {
		recfmt_str(o, ",\"why\":");
		recfmt_json_str(o, recfmt_why_str(r->why), SIZE_MAX);
	}
	recfmt_fmt(o, ",\"cap_len\":%u", r->cap_len);
	recfmt_json_l2(o, r);
	if (depth >= RECFMT_DEPTH_L3)
		recfmt_json_ip(o, r);
	if (recfmt_has_l4(r))
		recfmt_json_l4(o, r);
	if (c->kb)
		recfmt_json_kb(o, r, c);
	recfmt_str(o, "}}");
}

int recfmt_json(char *buf, size_t size, const struct ring_rec *r, const struct recfmt_ctx *c)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	struct recfmt_json_ends e = { 0 };
	struct recfmt_out o;
	enum recfmt_depth depth;
	int first;

	if (recfmt_out_init(&o, buf, size, r, c) < 0)
		return -1;
	depth = recfmt_depth(r);
	if (depth >= RECFMT_DEPTH_L3) {
		e.s = recfmt_addr_str(s, r->family, r->saddr);
		e.d = recfmt_addr_str(d, r->family, r->daddr);
	}
	e.family = r->family;
	e.has_ports = recfmt_has_l4(r) && recfmt_proto_has_ports(r->proto);
	e.sport = r->sport;
	e.dport = r->dport;
	e.bytes = r->ip_len;
	recfmt_str(&o, "{\"@timestamp\":\"");
	recfmt_time(&o, r->ts_ns, 9);
	recfmt_str(&o, RECFMT_JSON_DROP_EVENT);
	recfmt_u(&o, recfmt_ecs_severity(r->klass.verdict));
	recfmt_str_u(&o, ",\"sequence\":", c->pos);
	recfmt_chr(&o, '}');
	recfmt_ecs_message(&o, r, e.s, e.d, e.has_ports, c->kb ? r->klass.verdict : -1);
	recfmt_json_rule(&o, r, c);
	recfmt_ecs_host(&o, c->host);
	first = 0;	/* the observer object is open, with type etc. in it */
	recfmt_json_iface(&o, &first, "ingress", r->ifindex_in, c->ifname_in);
	recfmt_json_iface(&o, &first, "egress", r->ifindex_out, c->ifname_out);
	recfmt_chr(&o, '}');
	if (r->family == 4 || r->family == 6 || depth >= RECFMT_DEPTH_L3)
		recfmt_json_net(&o, r, depth >= RECFMT_DEPTH_L3);
	if (e.s && e.d)
		recfmt_json_endpoints(&o, &e, ring_rec_hw(r), c);
	recfmt_json_nflog(&o, r, c, depth);
	return recfmt_out_finish(&o);
}
