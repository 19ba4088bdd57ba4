/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recfmt_ecs.c - the ECS fields a SIEM firewall view needs: host, observer, direction, severity, message.
 *
 * doc/json-schema.md says what each field means and why it has the value it
 * has. The host fragments are escaped once (recfmt_host_init); everything
 * else here is a few table lookups per record.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "classify/kb.h"
#include "report/recfmt_int.h"	/* netinet/in.h, before linux/netfilter.h */

#include <linux/netfilter.h>	/* NF_INET_* */
#include "util/json.h"

/* s escaped as the inside of a JSON string (no quotes) at dst[0..size):
 * json_quote's escaping, quotes dropped; "" when it would not fit. */
static size_t recfmt_ecs_inner(char *dst, size_t size, const char *s)
{
	char tmp[RECFMT_HOST_FRAG];
	size_t n = json_quote(tmp, sizeof(tmp), s, 255);

	if (n >= sizeof(tmp) || n - 2 >= size) {
		dst[0] = '\0';
		return 0;
	}
	memcpy(dst, tmp + 1, n - 2);
	dst[n - 2] = '\0';
	return n - 2;
}

void recfmt_host_init(struct recfmt_host *h, const char *name, const char *id)
{
	char ename[RECFMT_HOST_FRAG / 2];
	int n;

	recfmt_ecs_inner(ename, sizeof(ename), name && *name ? name : "localhost");
	if (id && !*id)
		id = NULL;
	/* A machine id is 32 hex digits (util/hostid.h): nothing to escape, but
	 * anything else handed in is not trusted to be one. */
	if (id && strspn(id, "0123456789abcdef") != strlen(id))
		id = NULL;
	n = snprintf(h->host, sizeof(h->host), ",\"host\":{\"name\":\"%s\"%s%s%s}", ename,
		     id ? ",\"id\":\"" : "", id ? id : "", id ? "\"" : "");
	h->host_len = n > 0 && (size_t)n < sizeof(h->host) ? (size_t)n : 0;
	n = snprintf(h->observer, sizeof(h->observer), ",\"observer\":{\"type\":\"firewall\","
		     "\"vendor\":\"nflogd\",\"product\":\"nflogd\",\"hostname\":\"%s\"", ename);
	h->observer_len = n > 0 && (size_t)n < sizeof(h->observer) ? (size_t)n : 0;
	n = snprintf(h->event_id, sizeof(h->event_id), "%s-", id ? id : ename);
	h->event_id_len = n > 0 && (size_t)n < sizeof(h->event_id) ? (size_t)n : 0;
}

/* ,"host":{..},"observer":{..,"hostname":.. and the observer left open for
 * the interfaces; without a host, the observer without a hostname. */
void recfmt_ecs_host(struct recfmt_out *o, const struct recfmt_host *h)
{
	if (h && h->observer_len) {
		recfmt_mem(o, h->host, h->host_len);
		recfmt_mem(o, h->observer, h->observer_len);
		return;
	}
	recfmt_str(o, ",\"observer\":{\"type\":\"firewall\",\"vendor\":\"nflogd\","
		   "\"product\":\"nflogd\"");
}

/* ECS event.severity: the verdict on a scale where more is worse; a verdict
 * from a newer writer counts as unknown. */
unsigned recfmt_ecs_severity(unsigned verdict)
{
	static const uint8_t sev[__KB_VERDICT_MAX] = {
		[KB_VERDICT_UNKNOWN] = 3, [KB_VERDICT_EXPECTED] = 1, [KB_VERDICT_NOISE] = 2,
		[KB_VERDICT_SUSPICIOUS] = 5, [KB_VERDICT_HOSTILE] = 7,
	};

	return verdict < __KB_VERDICT_MAX ? sev[verdict] : sev[KB_VERDICT_UNKNOWN];
}

/*
 * ECS network.direction from the perimeter's point of view, the perimeter
 * being this host and the subnets it is on (the facts localnet/ stored in
 * the record). Without an address table, the hook alone: what came in on
 * prerouting/input is inbound, what leaves on output/postrouting outbound.
 */
const char *recfmt_ecs_direction(const struct ring_rec *r)
{
	const uint8_t inside = RING_AF_OWN | RING_AF_SUBNET | RING_AF_BCAST | RING_AF_LIMITED;
	uint8_t sf = r->klass.src_facts, df = r->klass.dst_facts;
	int src_in, dst_in;

	if (ring_rec_hw(r) && ((sf | df) & RING_AF_KNOWN)) {
		src_in = (sf & (RING_AF_OWN | RING_AF_SUBNET)) != 0;
		/* Multicast is delivered here unless it is only routed through. */
		dst_in = (df & inside) || ((df & RING_AF_MCAST) && r->hook != NF_INET_FORWARD);
		if (src_in)
			return dst_in ? "internal" : "outbound";
		return dst_in ? "inbound" : "external";
	}
	switch (r->hook) {
	case NF_INET_PRE_ROUTING:
	case NF_INET_LOCAL_IN:
		return "inbound";
	case NF_INET_LOCAL_OUT:
	case NF_INET_POST_ROUTING:
		return "outbound";
	default:
		return "unknown";
	}
}

/* ADDR:PORT, [ADDR]:PORT for IPv6, or the address alone. */
static void recfmt_ecs_endpoint(struct recfmt_out *o, unsigned family, const char *addr,
				int has_ports, unsigned port)
{
	if (has_ports && family == 6)
		recfmt_chr(o, '[');
	recfmt_str(o, addr);
	if (!has_ports)
		return;
	recfmt_str(o, family == 6 ? "]:" : ":");
	recfmt_u(o, port);
}

/* ,"message":"dropped tcp 198.51.100.2:40000 -> 192.0.2.1:80 (hostile)": a
 * sentence from fields that need no escaping (addresses, fixed names). s and
 * d are NULL when the record has no addresses; verdict is < 0 without a kb. */
void recfmt_ecs_message(struct recfmt_out *o, const struct ring_rec *r, const char *s,
			const char *d, int has_ports, int verdict)
{
	const char *name = recfmt_proto_json_name(r->proto);

	if (!s || !d) {
		recfmt_str(o, r->family == 4 || r->family == 6 ?
			   ",\"message\":\"dropped a packet" : ",\"message\":\"dropped a non-IP packet");
	} else {
		recfmt_str(o, ",\"message\":\"dropped ");
		if (name)
			recfmt_str(o, name);
		else
			recfmt_str_u(o, "protocol ", r->proto);
		recfmt_chr(o, ' ');
		recfmt_ecs_endpoint(o, r->family, s, has_ports, r->sport);
		recfmt_str(o, " -> ");
		recfmt_ecs_endpoint(o, r->family, d, has_ports, r->dport);
	}
	if (verdict >= 0) {
		recfmt_str(o, " (");
		recfmt_str(o, kb_verdict_name((unsigned)verdict));
		recfmt_chr(o, ')');
	}
	recfmt_chr(o, '"');
}
