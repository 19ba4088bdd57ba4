/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recfmt_alert.c - format one correlator alert record as a text line or a JSON Lines object.
 *
 * Both are described in doc/json-schema.md. Like a packet record, an alert
 * comes from a file another process writes, so nothing in it is trusted.
 */
#include <inttypes.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>

#include "classify/classify.h"
#include "classify/kb.h"
#include "report/recfmt_int.h"
#include "ring/ringnames.h"

static const char *const recfmt_alert_evidence[] = {
	"ttl-mismatch", "ipid-sequence", "ipid-sequence-byteswapped", "constant-ipid",
	"ttl-rising", "consecutive-ports", "broadcast", "regular-interval", "random-ttl",
};

static const char *recfmt_alert_evidence_name(unsigned i)
{
	return i < sizeof(recfmt_alert_evidence) / sizeof(recfmt_alert_evidence[0]) ?
	       recfmt_alert_evidence[i] : NULL;
}

/* Scan styles of an alert: the packet tags, plus the two the correlator adds. */
static const char *recfmt_alert_style_name(unsigned i)
{
	if ((1u << i) == RING_ALERT_SCAN_SYN)
		return "scan-syn";
	if ((1u << i) == RING_ALERT_SCAN_UDP)
		return "scan-udp";
	return classify_tag_name(i);
}

static const char *recfmt_alert_state_str(unsigned state)
{
	return state == RING_ALERT_OPEN ? "open" : state == RING_ALERT_UPDATE ? "update" :
	    state == RING_ALERT_CLOSED ? "closed" : "unknown";
}

static const char *recfmt_alert_type_str(unsigned type)
{
	const char *name = ring_alert_type_name(type);

	return name ? name : "unknown";
}

/* A kb row explains an incident aimed at one port (sweep, heartbeat, noise,
 * fraggle); a scan of many ports is not "about" its first port. */
static const struct kb_port *recfmt_alert_kb_row(const struct ring_alert *a,
						 const struct recfmt_ctx *c)
{
	if (a == NULL || c == NULL || c->kb == NULL || a->ports > 1 ||
	    a->proto == IPPROTO_ICMP || a->proto == IPPROTO_ICMPV6)
		return NULL;
	return kb_port_by_id(c->kb, a->kb_id);
}

/* For ICMP incidents (smurf, ICMP traceroute) kb_id names an ICMP row. */
static const struct kb_icmp *recfmt_alert_kb_icmp(const struct ring_alert *a,
						  const struct recfmt_ctx *c)
{
	if (a == NULL || c == NULL || c->kb == NULL ||
	    (a->proto != IPPROTO_ICMP && a->proto != IPPROTO_ICMPV6))
		return NULL;
	return kb_icmp_by_id(c->kb, a->kb_id);
}

int recfmt_alert_text(char *buf, size_t size, const struct ring_alert *a,
		      const struct recfmt_ctx *c)
{
	char sa[INET6_ADDRSTRLEN], da[INET6_ADDRSTRLEN];
	const struct kb_port *row = recfmt_alert_kb_row(a, c);
	unsigned n = 0;
	double secs;

	struct recfmt_out o;

	if (recfmt_out_init(&o, buf, size, a, c) < 0)
		return -1;
	recfmt_time(&o, a->ts_ns, 6);
	recfmt_fmt(&o, " ALERT #%" PRIu32 " %s %s ", a->alert_id, recfmt_alert_type_str(a->type),
	    recfmt_alert_state_str(a->state));
	/* A damaged or hostile file may hold any family: say so, don't trust it. */
	if (recfmt_addr_str(sa, a->family, a->saddr) == NULL)
		snprintf(sa, sizeof(sa), "family-%u?", a->family);
	recfmt_str(&o, sa);
	if (a->targets == 1) {
		recfmt_str(&o, " > ");
		if (recfmt_addr_str(da, a->family, a->daddr) == NULL)
			snprintf(da, sizeof(da), "?");
		recfmt_str(&o, da);
	} else if (a->targets > 1) {
		recfmt_fmt(&o, " > %" PRIu32 " hosts", a->targets);
	}
	secs = a->last_seen > a->first_seen ?
	    (double)(a->last_seen - a->first_seen) / 1e9 : 0.0;
	recfmt_fmt(&o, ": %" PRIu32 " packets in %.1f s", a->packets, secs);
	if (a->ports > 1)
		recfmt_fmt(&o, ", %" PRIu32 " ports %u-%u", a->ports, a->port_lo, a->port_hi);
	else if (a->ports == 1)
		recfmt_fmt(&o, ", port %u", a->port_lo);
	if (a->sources > 1)
		recfmt_fmt(&o, ", %" PRIu32 " sources", a->sources);
	if (a->interval_ms)
		recfmt_fmt(&o, ", every %.1f s", (double)a->interval_ms / 1000.0);
	recfmt_text_geo(&o, false, c->src_geo, c->memo);
	recfmt_fmt(&o, " -- %s", kb_verdict_name(a->verdict));
	if (row) {
		recfmt_chr(&o, ' ');
		recfmt_text_str(&o, row->service, SIZE_MAX, 0);
	} else if (recfmt_alert_kb_icmp(a, c)) {
		recfmt_chr(&o, ' ');
		recfmt_text_str(&o, recfmt_alert_kb_icmp(a, c)->name, SIZE_MAX, 0);
	}
	recfmt_bit_names(&o, a->scan_tags, recfmt_alert_style_name, 0, &n);
	recfmt_bit_names(&o, a->evidence, recfmt_alert_evidence_name, 0, &n);
	if (n)
		recfmt_chr(&o, '}');
	return recfmt_out_finish(&o);
}

/* The categorisation every alert shares (ECS: an intrusion detection alert
 * about network traffic that was denied), then event.severity's value. */
#define RECFMT_ALERT_EVENT "\",\"ecs\":{\"version\":\"" RECFMT_ECS_VERSION "\"},"	\
	"\"event\":{\"kind\":\"alert\",\"category\":[\"intrusion_detection\",\"network\"],"	\
	"\"type\":[\"denied\"],\"module\":\"nflogd\",\"dataset\":\"nflogd.alert\",\"severity\":"

/* ,"message":"port-scan open: 198.51.100.2 -> 192.0.2.1, 40 packets, 20 ports":
 * fixed names and numbers only, nothing to escape. */
static void recfmt_alert_message(struct recfmt_out *o, const struct ring_alert *a,
				 const char *sa, const char *da)
{
	recfmt_fmt(o, ",\"message\":\"%s %s", recfmt_alert_type_str(a->type),
		   recfmt_alert_state_str(a->state));
	if (sa) {
		recfmt_str(o, ": ");
		recfmt_str(o, sa);
		if (da)
			recfmt_fmt(o, " -> %s", da);
		else if (a->targets > 1)
			recfmt_fmt(o, " -> %" PRIu32 " hosts", a->targets);
	}
	recfmt_fmt(o, ", %" PRIu32 " packets", a->packets);
	if (a->ports > 1)
		recfmt_fmt(o, ", %" PRIu32 " ports", a->ports);
	else if (a->ports == 1)
		recfmt_fmt(o, ", port %u", a->port_lo);
	recfmt_chr(o, '"');
}

/* "event":{..} with the incident's id (stable across its states), start and end. */
static void recfmt_alert_event(struct recfmt_out *o, const struct ring_alert *a,
			       const struct recfmt_ctx *c)
{
	recfmt_str(o, RECFMT_ALERT_EVENT);
	recfmt_u(o, recfmt_ecs_severity(a->verdict));
	recfmt_fmt(o, ",\"action\":\"%s\",\"id\":\"", recfmt_alert_type_str(a->type));
	if (c->host)
		recfmt_mem(o, c->host->event_id, c->host->event_id_len);
	recfmt_u(o, a->alert_id);
	recfmt_str(o, "\",\"start\":\"");
	recfmt_time(o, a->first_seen, 9);
	recfmt_str(o, "\",\"end\":\"");
	recfmt_time(o, a->last_seen, 9);
	recfmt_str_u(o, "\",\"sequence\":", c->pos);
	recfmt_chr(o, '}');
}

static void recfmt_alert_kb_json(struct recfmt_out *o, const struct ring_alert *a,
				 const struct recfmt_ctx *c)
{
	const struct kb_port *row = recfmt_alert_kb_row(a, c);
	const struct kb_icmp *ic = recfmt_alert_kb_icmp(a, c);

	if (row) {
		recfmt_fmt(o, ",\"kb\":{\"id\":%u,\"service\":", row->id);
		recfmt_json_str(o, row->service, SIZE_MAX);
		recfmt_str(o, ",\"summary\":");
		recfmt_json_str(o, row->summary, SIZE_MAX);
		recfmt_chr(o, '}');
	} else if (ic) {
		recfmt_fmt(o, ",\"kb\":{\"id\":%u,\"service\":", ic->id);
		recfmt_json_str(o, ic->name, SIZE_MAX);
		recfmt_str(o, ",\"summary\":");
		recfmt_json_str(o, ic->summary, SIZE_MAX);
		recfmt_chr(o, '}');
	}
}

int recfmt_alert_json(char *buf, size_t size, const struct ring_alert *a,
		      const struct recfmt_ctx *c)
{
	char sa[INET6_ADDRSTRLEN], da[INET6_ADDRSTRLEN];
	const char *st = NULL, *dt = NULL;
	unsigned i, n;
	struct recfmt_out o;

	if (recfmt_out_init(&o, buf, size, a, c) < 0)
		return -1;
	if (a->family == 4 || a->family == 6) {
		st = recfmt_addr_str(sa, a->family, a->saddr);
		if (a->targets == 1)
			dt = recfmt_addr_str(da, a->family, a->daddr);
	}
	recfmt_str(&o, "{\"@timestamp\":\"");
	recfmt_time(&o, a->ts_ns, 9);
	recfmt_alert_event(&o, a, c);
	recfmt_alert_message(&o, a, st, dt);
	recfmt_ecs_host(&o, c->host);
	recfmt_chr(&o, '}');
	if (st) {
		recfmt_fmt(&o, ",\"source\":{\"ip\":\"%s\"", st);
		recfmt_json_geo(&o, c->src_geo);
		recfmt_chr(&o, '}');
		if (dt) {
			recfmt_fmt(&o, ",\"destination\":{\"ip\":\"%s\"", dt);
			recfmt_json_geo(&o, c->dst_geo);
			recfmt_chr(&o, '}');
		}
	}
	recfmt_fmt(&o, ",\"nflog\":{\"schema\":%u,\"alert\":{\"type\":\"%s\",\"id\":%" PRIu32
	    ",\"state\":\"%s\",\"first_seen\":\"", RECFMT_JSON_SCHEMA,
	    recfmt_alert_type_str(a->type), a->alert_id, recfmt_alert_state_str(a->state));
	recfmt_time(&o, a->first_seen, 9);
	recfmt_str(&o, "\",\"last_seen\":\"");
	recfmt_time(&o, a->last_seen, 9);
	recfmt_fmt(&o, "\",\"packets\":%" PRIu32 ",\"ports\":[", a->packets);
	for (i = 0, n = 0; i < RING_ALERT_PORTS && i < a->ports; i++)
		recfmt_fmt(&o, "%s%u", n++ ? "," : "", a->port_sample[i]);
	recfmt_fmt(&o, "],\"port_count\":%" PRIu32 ",\"port_range\":[%u,%u]", a->ports,
	    a->port_lo, a->port_hi);
	recfmt_fmt(&o, ",\"targets\":%" PRIu32 ",\"sources\":%" PRIu32, a->targets, a->sources);
	if (a->interval_ms)
		recfmt_fmt(&o, ",\"interval_ms\":%" PRIu32, a->interval_ms);
	recfmt_fmt(&o, ",\"ttl\":[%u,%u],\"evidence\":[", a->ttl_min, a->ttl_max);
	n = 0;
	recfmt_bit_names(&o, a->evidence, recfmt_alert_evidence_name, 1, &n);
	recfmt_str(&o, "],\"scan_style\":[");
	n = 0;
	recfmt_bit_names(&o, a->scan_tags, recfmt_alert_style_name, 1, &n);
	recfmt_str(&o, "]}");
	recfmt_alert_kb_json(&o, a, c);
	recfmt_str(&o, ",\"verdict\":");
	recfmt_json_str(&o, kb_verdict_name(a->verdict), SIZE_MAX);
	recfmt_str(&o, "}}");
	return recfmt_out_finish(&o);
}
