/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recfmt_text.c - one ring record as a tcpdump-like text line (doc/json-schema.md).
 *
 * Every byte outside printable ASCII in a string from the record or its
 * context is escaped (recfmt_text_str), so nothing can reach a terminal as a
 * control sequence.
 */
#include <inttypes.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <stdint.h>

#include "classify/classify.h"
#include "classify/kb.h"
#include "classify/services.h"
#include "report/recfmt_int.h"

static const char *recfmt_proto_text_name(unsigned proto)
{
	return proto == IPPROTO_ICMPV6 ? "icmp6" : recfmt_proto_json_name(proto);
}

/* Short names for the ICMP messages a firewall most often drops; NULL else. */
static const char *recfmt_icmp_name(unsigned proto, unsigned type, unsigned code)
{
	static const char *const unreach4[] = {
		[ICMP_NET_UNREACH] = "unreachable-net", [ICMP_HOST_UNREACH] = "unreachable-host",
		[ICMP_PROT_UNREACH] = "unreachable-proto", [ICMP_PORT_UNREACH] = "unreachable-port",
		[ICMP_FRAG_NEEDED] = "unreachable-needfrag",
	};
	static const char *const unreach6[] = {
		[ICMP6_DST_UNREACH_NOROUTE] = "unreachable-noroute",
		[ICMP6_DST_UNREACH_ADMIN] = "unreachable-admin",
		[ICMP6_DST_UNREACH_ADDR] = "unreachable-addr",
		[ICMP6_DST_UNREACH_NOPORT] = "unreachable-port",
	};

	if (proto == IPPROTO_ICMP) {
		switch (type) {
		case ICMP_ECHOREPLY:	  return "echo-reply";
		case ICMP_DEST_UNREACH:
			if (code < sizeof(unreach4) / sizeof(unreach4[0]))
				return unreach4[code];
			return code == ICMP_PKT_FILTERED ? "unreachable-admin" : "unreachable";
		case ICMP_SOURCE_QUENCH:  return "source-quench";
		case ICMP_REDIRECT:	  return "redirect";
		case ICMP_ECHO:		  return "echo-request";
		case ICMP_ROUTERADVERT:	  return "router-advert";
		case ICMP_ROUTERSOLICIT:  return "router-solicit";
		case ICMP_TIME_EXCEEDED:  return "time-exceeded";
		case ICMP_PARAMETERPROB:  return "param-problem";
		case ICMP_TIMESTAMP:	  return "timestamp-request";
		case ICMP_TIMESTAMPREPLY: return "timestamp-reply";
		default:		  return NULL;
		}
	}
	switch (type) {
	case ICMP6_DST_UNREACH:
		if (code < sizeof(unreach6) / sizeof(unreach6[0]) && unreach6[code])
			return unreach6[code];
		return "unreachable";
	case ICMP6_PACKET_TOO_BIG:   return "packet-too-big";
	case ICMP6_TIME_EXCEEDED:    return "time-exceeded";
	case ICMP6_PARAM_PROB:	     return "param-problem";
	case ICMP6_ECHO_REQUEST:     return "echo-request";
	case ICMP6_ECHO_REPLY:	     return "echo-reply";
	case MLD_LISTENER_QUERY:     return "mld-query";
	case MLD_LISTENER_REPORT:    return "mld-report";
	case MLD_LISTENER_REDUCTION: return "mld-done";
	case ND_ROUTER_SOLICIT:	     return "router-solicit";
	case ND_ROUTER_ADVERT:	     return "router-advert";
	case ND_NEIGHBOR_SOLICIT:    return "neighbor-solicit";
	case ND_NEIGHBOR_ADVERT:     return "neighbor-advert";
	case ND_REDIRECT:	     return "redirect";
	case 143:		     return "mld2-report";	/* RFC 3810; glibc has no name */
	default:		     return NULL;
	}
}

static void recfmt_text_iface(struct recfmt_out *o, const char *tag, uint32_t ifindex,
			      const char *name)
{
	if (ifindex == 0)
		return;
	recfmt_str(o, tag);
	if (name != NULL)
		recfmt_text_str(o, name, RING_IFNAMSIZ, 0);
	else
		recfmt_str_u(o, "#", ifindex);
}

/* "a.b.c.d.port > e.f.g.h.port", ports only when has_ports. */
static void recfmt_text_pair(struct recfmt_out *o, unsigned family, const uint8_t *sa,
			     const uint8_t *da, int has_ports, unsigned sport, unsigned dport)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	if (family == 4 && recfmt_room(o, 2 * (FMT_IPV4_MAX + 1 + FMT_U64_MAX) + 3)) {
		/* The common case, straight into the buffer. */
		char *p = o->buf + o->len, *b = p;

		p = fmt_ipv4(p, sa);
		if (has_ports) {
			*p++ = '.';
			p = fmt_u32(p, sport);
		}
		memcpy(p, " > ", 3);
		p = fmt_ipv4(p + 3, da);
		if (has_ports) {
			*p++ = '.';
			p = fmt_u32(p, dport);
		}
		o->len += (size_t)(p - b);
		return;
	}
	if (recfmt_addr_str(s, family, sa) == NULL || recfmt_addr_str(d, family, da) == NULL)
		return;
	recfmt_str(o, s);
	if (has_ports)
		recfmt_str_u(o, ".", sport);
	recfmt_str(o, " > ");
	recfmt_str(o, d);
	if (has_ports)
		recfmt_str_u(o, ".", dport);
}

static void recfmt_text_proto(struct recfmt_out *o, unsigned proto)
{
	const char *name = recfmt_proto_text_name(proto);

	if (name != NULL)
		recfmt_str(o, name);
	else
		recfmt_str_u(o, "proto ", proto);
}

static void recfmt_text_icmp(struct recfmt_out *o, const struct ring_rec *r)
{
	const char *name = recfmt_icmp_name(r->proto, r->icmp_type, r->icmp_code);

	recfmt_str_u(o, " ", r->icmp_type);
	recfmt_str_u(o, "/", r->icmp_code);
	if (name != NULL) {
		recfmt_chr(o, ' ');
		recfmt_str(o, name);
	}
	if (!(r->ip_flags & RING_IPF_HAVE_INNER))
		return;
	recfmt_str(o, ", quoted ");
	if (r->inner_family != 4 && r->inner_family != 6) {
		recfmt_str_u(o, "family ", r->inner_family);
		recfmt_chr(o, ' ');
	}
	recfmt_text_proto(o, r->inner_proto);
	if (r->inner_family != 4 && r->inner_family != 6)
		return;
	recfmt_chr(o, ' ');
	recfmt_text_pair(o, r->inner_family, r->inner_saddr, r->inner_daddr,
	    recfmt_proto_has_ports(r->inner_proto), r->inner_sport, r->inner_dport);
}

static void recfmt_text_l4(struct recfmt_out *o, const struct ring_rec *r)
{
	char fl[9];

	recfmt_chr(o, ' ');
	recfmt_text_proto(o, r->proto);
	if (r->ip_flags & RING_IPF_FRAGMENT) {
		recfmt_str(o, " fragment");
		return;
	}
	if (!recfmt_has_l4(r))
		return;
	switch (r->proto) {
	case IPPROTO_TCP:
		recfmt_tcp_flags(fl, r->tcp_flags);
		recfmt_str(o, " [");
		recfmt_str(o, fl[0] ? fl : "none");
		recfmt_str_u(o, "] seq ", r->tcp_seq);
		recfmt_str_u(o, " win ", r->tcp_window);
		break;
	case IPPROTO_UDP:
		recfmt_str_u(o, " len ", r->udp_len);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		recfmt_text_icmp(o, r);
		break;
	default:
		break;
	}
}

static void recfmt_text_ip(struct recfmt_out *o, const struct ring_rec *r)
{
	if (r->family == 6) {
		recfmt_str_u(o, ", hlim ", r->ttl);
		if (r->tos) {
			recfmt_str(o, " tclass 0x");
			recfmt_hex(o, r->tos, 2);
		}
		if (r->flow_label) {
			recfmt_str(o, " flow 0x");
			recfmt_hex(o, r->flow_label, 5);
		}
		if (r->ip_flags & RING_IPF_FRAGHDR)
			recfmt_str_u(o, " id ", r->ip_id);
	} else {
		recfmt_str_u(o, ", ttl ", r->ttl);
		if (r->tos) {
			recfmt_str(o, " tos 0x");
			recfmt_hex(o, r->tos, 2);
		}
		recfmt_str_u(o, " id ", r->ip_id);
	}
	recfmt_str_u(o, " len ", r->ip_len);
	if (r->ip_flags & RING_IPF_RF)
		recfmt_str(o, " RF");
	if (r->ip_flags & RING_IPF_DF)
		recfmt_str(o, " DF");
	if (r->ip_flags & RING_IPF_MF)
		recfmt_str(o, " MF");
	if (r->frag_off)
		recfmt_str_u(o, " frag ", r->frag_off);
}

/* " sub7: SubSeven's default port" for a port row, ": Ping: ..." for an
 * ICMP row, nothing without either. */
static void recfmt_text_rows(struct recfmt_out *o, const struct kb_port *port,
			     const struct kb_icmp *icmp)
{
	if (port) {
		recfmt_chr(o, ' ');
		recfmt_text_str(o, port->service, SIZE_MAX, 0);
		recfmt_str(o, ": ");
		/* Free text, shown as is: spaces stay, anything odd is escaped. */
		recfmt_text_str(o, port->summary, SIZE_MAX, 1);
	} else if (icmp) {
		recfmt_str(o, ": ");
		recfmt_text_str(o, icmp->summary, SIZE_MAX, 1);
	}
}

/* The memo's slot for the record's rows, filled if it held others. */
static const struct recfmt_memo_slot *recfmt_memo_get(struct recfmt_memo *m, const struct kb *kb,
						      const struct ring_klass *k)
{
	struct recfmt_memo_slot *s = &m->slot[(k->kb_id * 31u + k->kb_icmp) % RECFMT_MEMO_SLOTS];
	struct recfmt_out t = { .buf = s->text, .size = sizeof(s->text) };

	if (s->kb == kb && s->kb_id == k->kb_id && s->kb_icmp == k->kb_icmp)
		return s;
	s->kb = kb;
	s->kb_id = k->kb_id;
	s->kb_icmp = k->kb_icmp;
	s->port = kb_port_by_id(kb, k->kb_id);
	s->icmp = s->port ? NULL : kb_icmp_by_id(kb, k->kb_icmp);
	recfmt_text_rows(&t, s->port, s->icmp);
	/* Kept only when all of it fit (recfmt_mem stores size - 1 bytes). */
	s->has_text = t.len < sizeof(s->text);
	s->len = (uint16_t)(s->has_text ? t.len : 0);
	return s;
}

/* " -- hostile sub7: SubSeven's default port {scan-xmas}"; a port the kb does
 * not name gets its registered name: " -- unknown (registered: git)". */
static void recfmt_text_kb(struct recfmt_out *o, const struct ring_rec *r,
			   const struct recfmt_ctx *c)
{
	const struct kb *kb = c->kb;
	const struct ring_klass *k = &r->klass;
	const struct recfmt_memo_slot *s = c->memo ? recfmt_memo_get(c->memo, kb, k) : NULL;
	const struct kb_port *port = s ? s->port : kb_port_by_id(kb, k->kb_id);
	const struct kb_icmp *icmp = s ? s->icmp : port ? NULL : kb_icmp_by_id(kb, k->kb_icmp);
	const struct services_entry *reg = icmp ? NULL : recfmt_registered(r, c, port);
	unsigned n = 0;

	recfmt_str(o, " -- ");
	recfmt_str(o, kb_verdict_name(k->verdict));
	if (s && s->has_text)
		recfmt_mem(o, s->text, s->len);
	else
		recfmt_text_rows(o, port, icmp);
	if (reg) {
		recfmt_str(o, " (registered: ");
		recfmt_text_str(o, reg->name, SERVICES_NAME_MAX, 0);
		recfmt_chr(o, ')');
	}
	recfmt_bit_names(o, k->tags, classify_tag_name, 0, &n);
	if (n)
		recfmt_chr(o, '}');
}

int recfmt_text(char *buf, size_t size, const struct ring_rec *r, const struct recfmt_ctx *c)
{
	struct recfmt_out o;

	if (recfmt_out_init(&o, buf, size, r, c) < 0)
		return -1;
	recfmt_time(&o, r->ts_ns, 6);
	recfmt_str_u(&o, " g", r->group);
	if (r->cpu != RING_CPU_UNPINNED)
		recfmt_str_u(&o, "/cpu", r->cpu);
	recfmt_text_iface(&o, " in=", r->ifindex_in, c->ifname_in);
	recfmt_text_iface(&o, " out=", r->ifindex_out, c->ifname_out);
	if (c->prefix != NULL) {
		recfmt_str(&o, " \"");
		recfmt_text_str(&o, c->prefix, RING_PREFIX_LEN, 1);
		recfmt_chr(&o, '"');
	}
	if (r->family == 4)
		recfmt_str(&o, " IP");
	else if (r->family == 6)
		recfmt_str(&o, " IP6");
	else if (r->family == 0)
		recfmt_str(&o, " non-IP");
	else
		recfmt_str_u(&o, " family ", r->family);
	if (recfmt_depth(r) >= RECFMT_DEPTH_L3) {
		if (r->family == 4 || r->family == 6) {
			recfmt_chr(&o, ' ');
			recfmt_text_pair(&o, r->family, r->saddr, r->daddr,
			    recfmt_has_l4(r) && recfmt_proto_has_ports(r->proto),
			    r->sport, r->dport);
			recfmt_chr(&o, ':');
		}
		recfmt_text_l4(&o, r);
		recfmt_text_ip(&o, r);
	}
	recfmt_text_l2(&o, r);
	if (c->kb)
		recfmt_text_kb(&o, r, c);
	recfmt_text_geo(&o, false, c->src_geo, c->memo);
	recfmt_text_geo(&o, true, c->dst_geo, c->memo);
	if (r->status == RING_ST_TRUNCATED || r->status == RING_ST_INVALID) {
		recfmt_str(&o, " [");
		recfmt_str(&o, recfmt_status_str(r->status));
		recfmt_str(&o, ": ");
	} else if (r->status != RING_ST_OK) {
		recfmt_str_u(&o, " [status ", r->status);
		recfmt_str(&o, ": ");
	}
	if (r->status != RING_ST_OK) {
		recfmt_text_str(&o, recfmt_why_str(r->why), SIZE_MAX, 1);
		recfmt_chr(&o, ']');
	}
	return recfmt_out_finish(&o);
}
