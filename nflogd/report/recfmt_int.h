/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recfmt_int.h - internal to recfmt*.c: the bounded appender and what the formatters share.
 *
 *   recfmt.c        the appender, string escapes for text and JSON, what a
 *                   record holds (depth, ports), protocol and address names
 *   recfmt_text.c   recfmt_text: the tcpdump-like line
 *   recfmt_json.c   recfmt_json: the ECS JSON Lines object
 *   recfmt_alert.c  recfmt_alert_text and recfmt_alert_json
 *   recfmt_geo.c    an address's country and AS in either format
 *   recfmt_ecs.c    host/observer, network.direction, event.severity, message
 * Nothing here is for other modules: they use recfmt.h.
 */
#ifndef NFLOGD_RECFMT_INT_H
#define NFLOGD_RECFMT_INT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "report/recfmt.h"
#include "util/fmt.h"

/*
 * How much of the record the decoder filled in. A decoder that stops keeps
 * what it decoded before the problem, so the reason tells which fields hold
 * packet data and which are just zero.
 */
enum recfmt_depth {
	RECFMT_DEPTH_NONE,		/* no L3 header: only the NFLOG metadata */
	RECFMT_DEPTH_L3,		/* addresses and IP fields, no L4 header */
	RECFMT_DEPTH_L4,		/* L4 header too (the ICMP quote has its own flag) */
};

/*
 * Bounded appender. len counts every byte the full output needs; only the
 * first size - 1 are stored, so the caller learns the needed length the way
 * snprintf reports it.
 */
struct recfmt_out {
	char	*buf;
	size_t	 size;
	size_t	 len;
	int	 err;
};

/* The appenders every formatter calls per field: inline, as they were when
 * recfmt was one file. */
static inline void recfmt_mem(struct recfmt_out *o, const char *s, size_t n)
{
	if (o->len + 1 < o->size) {
		size_t room = o->size - 1 - o->len;

		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static inline void recfmt_str(struct recfmt_out *o, const char *s)
{
	recfmt_mem(o, s, strlen(s));
}

static inline void recfmt_chr(struct recfmt_out *o, char ch)
{
	recfmt_mem(o, &ch, 1);
}

/* Room to write n bytes straight into the buffer (and keep its NUL's byte). */
static inline int recfmt_room(const struct recfmt_out *o, size_t n)
{
	return o->len < o->size && o->size - o->len > n;
}

/* v in decimal, like "%u" / "%" PRIu64. */
static inline void recfmt_u(struct recfmt_out *o, uint64_t v)
{
	char t[FMT_U64_MAX];

	if (recfmt_room(o, FMT_U64_MAX)) {
		char *p = o->buf + o->len;

		o->len += (size_t)((v >> 32 ? fmt_u64(p, v) : fmt_u32(p, (uint32_t)v)) - p);
		return;
	}
	recfmt_mem(o, t, (size_t)(fmt_u64(t, v) - t));
}

/* s (a literal or a short known string) then v in decimal. */
static inline void recfmt_str_u(struct recfmt_out *o, const char *s, uint64_t v)
{
	recfmt_str(o, s);
	recfmt_u(o, v);
}

/* v in lower-case hex, at least width (1..16) digits: "%0<width>x". */
static inline void recfmt_hex(struct recfmt_out *o, uint64_t v, unsigned width)
{
	char t[FMT_HEX64_MAX];

	recfmt_mem(o, t, (size_t)(fmt_hex(t, v, width) - t));
}

/* For numbers and timestamps only; strings of unbounded length go through
 * recfmt_str. An item longer than 256 bytes is a bug and makes the call fail. */
__attribute__((format(printf, 2, 3)))
void recfmt_fmt(struct recfmt_out *o, const char *fmt, ...);
/* NUL-terminate; the length the full output needs, or -1. */
int recfmt_out_finish(struct recfmt_out *o);
/* Start o on buf[0..size); -1 on the arguments recfmt.h rejects. */
int recfmt_out_init(struct recfmt_out *o, char *buf, size_t size, const void *r,
		    const struct recfmt_ctx *c);
/* RFC 3339 UTC with 6 or 9 fraction digits, cut, not rounded. */
void recfmt_time(struct recfmt_out *o, uint64_t ts_ns, int digits);
/* s (at most max bytes) as a JSON string, quotes included. */
void recfmt_json_str(struct recfmt_out *o, const char *s, size_t max);
/* s (at most max bytes) escaped for a text line; quoted: keep spaces. */
void recfmt_text_str(struct recfmt_out *o, const char *s, size_t max, int quoted);
/* The names of the bits set in mask, as text " {a,b" or JSON "a","b". */
void recfmt_bit_names(struct recfmt_out *o, uint32_t mask, const char *(*name)(unsigned),
		      int json, unsigned *n);

enum recfmt_depth recfmt_depth(const struct ring_rec *r);
/* Ports and an L4 header exist only in a first fragment the decoder finished. */
int recfmt_has_l4(const struct ring_rec *r);
int recfmt_proto_has_ports(unsigned proto);
/* IANA keyword (ECS network.transport), NULL for "use the number". */
const char *recfmt_proto_json_name(unsigned proto);
/* Address text, or NULL when the family is not IP. */
const char *recfmt_addr_str(char dst[INET6_ADDRSTRLEN], unsigned family, const uint8_t a[16]);
/* decode_why_str, or "unknown". */
const char *recfmt_why_str(unsigned why);

/* recfmt_l2.c: link layer and address facts (layout 1 records only). */
const char *recfmt_l2_name(unsigned l2);
void recfmt_mac_ecs(char out[18], const uint8_t mac[6]);
const char *recfmt_mcast_scope(unsigned family, const uint8_t *a);
void recfmt_json_l2(struct recfmt_out *o, const struct ring_rec *r);
void recfmt_text_l2(struct recfmt_out *o, const struct ring_rec *r);

struct kb_port;
struct services_entry;
/* The destination port's registered service (c->services), shown when the
 * record's kb row names none (services_kb_generic); NULL when there is
 * no list, no port, no name, or the row's id is not in our kb. */
const struct services_entry *recfmt_registered(const struct ring_rec *r,
					       const struct recfmt_ctx *c,
					       const struct kb_port *row);

struct geoip_info;
/* recfmt_geo.c: " src-geo=CC,ASn \"org\"" (dst: " dst-geo=...") for the text line,
 * through m when not NULL; ,"geo":{..},"as":{..} inside an open
 * source/destination object. NULL or not looked up: nothing. */
void recfmt_text_geo(struct recfmt_out *o, bool dst, const struct geoip_info *g,
		     struct recfmt_memo *m);
void recfmt_json_geo(struct recfmt_out *o, const struct geoip_info *g);

/* recfmt_ecs.c: ,"host":{..},"observer":{.. (left open); the rest as named. */
void recfmt_ecs_host(struct recfmt_out *o, const struct recfmt_host *h);
unsigned recfmt_ecs_severity(unsigned verdict);
const char *recfmt_ecs_direction(const struct ring_rec *r);
void recfmt_ecs_message(struct recfmt_out *o, const struct ring_rec *r, const char *s,
			const char *d, int has_ports, int verdict);

#endif
