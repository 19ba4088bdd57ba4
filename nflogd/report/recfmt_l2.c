/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recfmt_l2.c - the link layer and the address facts of a record, for the text and JSON formats.
 *
 * Only layout 1 records (ring minor 2) carry them (ring_rec_hw()); an older
 * record shows none of it rather than zeros that would read as facts.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/netfilter.h>	/* after netinet/in.h */

#include "report/recfmt_int.h"

static const char *const recfmt_l2_names[__RING_L2_MAX] = {
	[RING_L2_UNKNOWN] = "unknown", [RING_L2_HOST] = "host",
	[RING_L2_BROADCAST] = "broadcast", [RING_L2_MULTICAST] = "multicast",
	[RING_L2_OTHERHOST] = "other-host", [RING_L2_UNICAST] = "unicast",
	[RING_L2_LOOPBACK] = "loopback",
};

const char *recfmt_l2_name(unsigned l2)
{
	return l2 < __RING_L2_MAX ? recfmt_l2_names[l2] : "unknown";
}

/* ECS writes MAC addresses upper-case, hyphenated (ECS 8.x source.mac). By
 * table, not snprintf: two per JSON record, and snprintf cost them a fifth
 * of the formatter's instructions. */
void recfmt_mac_ecs(char out[18], const uint8_t mac[6])
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned i;

	for (i = 0; i < 6; i++) {
		out[3 * i] = hex[mac[i] >> 4];
		out[3 * i + 1] = hex[mac[i] & 15];
		out[3 * i + 2] = i < 5 ? '-' : '\0';
	}
}

/* RFC 4291 2.7 scope nibble; RFC 5771 and RFC 2365 for IPv4. */
const char *recfmt_mcast_scope(unsigned family, const uint8_t *a)
{
	if (family == 6) {
		switch (a[1] & 0x0f) {
		case 1: return "interface-local";
		case 2: return "link-local";
		case 4: return "admin-local";
		case 5: return "site-local";
		case 8: return "organization-local";
		case 14: return "global";
		default: return "reserved";
		}
	}
	if (a[0] == 224 && a[1] == 0 && a[2] == 0)
		return "link-local";
	if (a[0] == 239 && a[1] == 255)
		return "site-local";
	if (a[0] == 239)
		return "organization-local";
	return "global";
}

/* The fact names of one end, in a fixed order; returns how many. */
static unsigned recfmt_fact_names(const char **out, uint8_t f, int forwarded)
{
	unsigned n = 0;

	if (f & RING_AF_OWN)
		out[n++] = "own";
	if (f & RING_AF_SUBNET)
		out[n++] = "local-subnet";
	if (f & RING_AF_BCAST)
		out[n++] = "broadcast";
	if (f & RING_AF_LIMITED)
		out[n++] = "limited-broadcast";
	if (f & RING_AF_MCAST)
		out[n++] = "multicast";
	if (forwarded && !(f & RING_AF_OWN))
		out[n++] = "forwarded";
	return n;
}

/* "key":{"facts":[..],"multicast_scope":..} as a member of nflog. */
static void recfmt_json_facts(struct recfmt_out *o, const char *key, uint8_t f, int forwarded,
			      unsigned family, const uint8_t *addr)
{
	const char *names[6];
	unsigned i, n = recfmt_fact_names(names, f, forwarded);

	recfmt_fmt(o, ",\"%s\":{\"facts\":[", key);
	for (i = 0; i < n; i++)
		recfmt_fmt(o, "%s\"%s\"", i ? "," : "", names[i]);
	recfmt_fmt(o, "],\"address_table\":%s", f & RING_AF_KNOWN ? "true" : "false");
	if (f & RING_AF_MCAST)
		recfmt_fmt(o, ",\"multicast_scope\":\"%s\"", recfmt_mcast_scope(family, addr));
	recfmt_chr(o, '}');
}

void recfmt_json_l2(struct recfmt_out *o, const struct ring_rec *r)
{
	const struct ring_hw *hw = ring_rec_hw(r);

	if (!hw)
		return;
	recfmt_fmt(o, ",\"l2\":{\"class\":\"%s\"", recfmt_l2_name(r->klass.l2));
	if (hw->type)
		recfmt_fmt(o, ",\"hw_type\":%u,\"header_len\":%u", hw->type, hw->hdr_len);
	recfmt_chr(o, '}');
	if (r->family == 4 || r->family == 6) {
		recfmt_json_facts(o, "destination", r->klass.dst_facts,
				  r->hook == NF_INET_FORWARD, r->family, r->daddr);
		recfmt_json_facts(o, "source", r->klass.src_facts, 0, r->family, r->saddr);
	}
}

void recfmt_text_l2(struct recfmt_out *o, const struct ring_rec *r)
{
	const struct ring_hw *hw = ring_rec_hw(r);
	const char *names[6];
	unsigned i, n;

	if (!hw)
		return;
	if (r->klass.l2 != RING_L2_UNKNOWN)
		recfmt_fmt(o, " l2 %s", recfmt_l2_name(r->klass.l2));
	if (r->family != 4 && r->family != 6)
		return;
	n = recfmt_fact_names(names, r->klass.dst_facts & (uint8_t)~RING_AF_MCAST,
			      r->hook == NF_INET_FORWARD);
	for (i = 0; i < n; i++)
		recfmt_fmt(o, "%s%s", i ? "," : " to ", names[i]);
}
