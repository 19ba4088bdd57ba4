/* recfmt.c - format one ring record as a text line or a JSON Lines object.
 *
 * doc/json-schema.md is the normative description of both outputs. The record
 * comes from a file another process writes (or a damaged one), so nothing in
 * it is trusted: enum values outside their range are printed as numbers, and
 * strings (ruleset prefixes, kernel interface names) are escaped for the
 * output format. Text escapes every byte outside printable ASCII so nothing
 * can reach a terminal as a control sequence; JSON passes valid UTF-8 and
 * replaces invalid bytes with U+FFFD.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "classify/classify.h"
#include "capture/decode.h"
#include "classify/kb.h"
#include "report/recfmt.h"
#include "ring/ringnames.h"


/*
 * How much of the record the decoder filled in. A decoder that stops keeps
 * what it decoded before the problem, so the reason tells which fields hold
 * packet data and which are just zero.
 */
enum rec_depth {
	DEPTH_NONE,		/* no L3 header: only the NFLOG metadata */
	DEPTH_L3,		/* addresses and IP fields, no L4 header */
	DEPTH_L4,		/* L4 header too (the ICMP quote has its own flag) */
};

/*
 * Bounded appender. len counts every byte the full output needs; only the
 * first size - 1 are stored, so the caller learns the needed length the way
 * snprintf reports it.
 */
struct out {
	char	*buf;
	size_t	 size;
	size_t	 len;
	int	 err;
};

static void
out_mem(struct out *o, const char *s, size_t n)
{
	if (o->len + 1 < o->size) {
		size_t room = o->size - 1 - o->len;

		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void
out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

static void
out_chr(struct out *o, char ch)
{
	out_mem(o, &ch, 1);
}

/* For numbers and timestamps only; strings of unbounded length go through
 * out_str. An item longer than tmp is a bug and makes the call fail. */
static void __attribute__((format(printf, 2, 3)))
out_fmt(struct out *o, const char *fmt, ...)
{
	char tmp[256];	/* one formatted piece; longer ones are a bug (o->err) */
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		o->err = 1;
		return;
	}
	out_mem(o, tmp, (size_t)n);
}

static int
out_finish(struct out *o)
{
	if (o->size > 0)
		o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
	if (o->err || o->len > INT_MAX)
		return -1;
	return (int)o->len;
}

static int
out_init(struct out *o, char *buf, size_t size, const void *r,
    const struct recfmt_ctx *c)
{
	o->buf = buf;
	o->size = size;
	o->len = 0;
	o->err = 0;
	if (buf == NULL && size > 0)
		return -1;
	if (size > 0)
		buf[0] = '\0';
	if (r == NULL || c == NULL)
		return -1;
	return 0;
}

/* RFC 3339 UTC with 6 or 9 fraction digits; the fraction is cut, not rounded,
 * so a line never shows a time later than the packet's. */
static void
out_time(struct out *o, uint64_t ts_ns, int digits)
{
	time_t secs = (time_t)(ts_ns / 1000000000u);
	unsigned long frac = (unsigned long)(ts_ns % 1000000000u);
	struct tm tm;

	if (gmtime_r(&secs, &tm) == NULL) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = 70;
		tm.tm_mday = 1;
		frac = 0;
	}
	out_fmt(o, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (digits == 9)
		out_fmt(o, ".%09luZ", frac);
	else
		out_fmt(o, ".%06luZ", frac / 1000);
}

/*
 * Length of the well-formed UTF-8 sequence at p[0..n) (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF) and its code point, or 0.
 */
static size_t
utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len, i;
	uint32_t v;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		v = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		v = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		v = p[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if (v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/*
 * A JSON string of s (at most max bytes). C0/C1 controls and DEL become
 * \u00XX; U+2028/2029 are escaped too because JavaScript would treat them
 * as line breaks; each byte of an invalid sequence becomes \ufffd.
 */
static void
out_json_str(struct out *o, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strnlen(s, max), i = 0, len;
	uint32_t cp;

	out_chr(o, '"');
	while (i < n) {
		if (p[i] < 0x80) {
			if (p[i] == '"' || p[i] == '\\') {
				out_chr(o, '\\');
				out_chr(o, (char)p[i]);
			} else if (p[i] < 0x20 || p[i] == 0x7f)
				out_fmt(o, "\\u%04x", p[i]);
			else
				out_chr(o, (char)p[i]);
			i++;
			continue;
		}
		len = utf8_seq(p + i, n - i, &cp);
		if (len == 0) {
			out_str(o, "\\ufffd");
			i++;
			continue;
		}
		if (cp < 0xa0 || cp == 0x2028 || cp == 0x2029)
			out_fmt(o, "\\u%04" PRIx32, cp);
		else
			out_mem(o, s + i, len);
		i += len;
	}
	out_chr(o, '"');
}

/* s (at most max bytes) for a text line: printable ASCII as is, '"' and '\'
 * backslashed, everything else \xHH. Space is kept only inside quotes. */
static void
out_text_str(struct out *o, const char *s, size_t max, int quoted)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strnlen(s, max), i;

	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\') {
			out_chr(o, '\\');
			out_chr(o, (char)p[i]);
		} else if (p[i] > 0x20 && p[i] < 0x7f)
			out_chr(o, (char)p[i]);
		else if (p[i] == ' ' && quoted)
			out_chr(o, ' ');
		else
			out_fmt(o, "\\x%02x", p[i]);
	}
}

/* Emit ,"key": (or just "key": for the first member of an object). */
static void
json_key(struct out *o, int *first, const char *key)
{
	if (!*first)
		out_chr(o, ',');
	*first = 0;
	out_chr(o, '"');
	out_str(o, key);
	out_str(o, "\":");
}

const char *
recfmt_status_str(unsigned status)
{
	switch (status) {
	case RING_ST_OK:
		return "ok";
	case RING_ST_TRUNCATED:
		return "truncated";
	case RING_ST_INVALID:
		return "invalid";
	default:
		return "unknown";
	}
}

void
recfmt_tcp_flags(char out[9], uint8_t flags)
{
	static const char letters[] = "FSRPAUEC";
	size_t i, n = 0;

	for (i = 0; i < 8; i++)
		if (flags & (1u << i))
			out[n++] = letters[i];
	out[n] = '\0';
}

static enum rec_depth
rec_depth(const struct ring_rec *r)
{
	if (r->family == 0)
		return DEPTH_NONE;
	if (r->status == RING_ST_OK)
		return DEPTH_L4;
	switch (r->why) {
	case RING_WHY_NONE:		/* a failure without a reason: trust nothing */
	case RING_WHY_NO_PAYLOAD:
	case RING_WHY_L3_TRUNC:
	case RING_WHY_L3_VERSION:
		return DEPTH_NONE;
	case RING_WHY_INNER_TRUNC:
	case RING_WHY_INNER_BAD:
		return DEPTH_L4;
	default:			/* L3 header read; also reasons newer than us */
		return DEPTH_L3;
	}
}

/* Ports and an L4 header exist only in a first fragment the decoder finished. */
static int
rec_has_l4(const struct ring_rec *r)
{
	return rec_depth(r) == DEPTH_L4 && !(r->ip_flags & RING_IPF_FRAGMENT);
}

static int
proto_has_ports(unsigned proto)
{
	/* UDP-Lite shares UDP's port layout (RFC 3828); the decoder reads them. */
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE;
}

/* ECS network.transport: IANA keyword, lower case; NULL means "use the number". */
static const char *
proto_json_name(unsigned proto)
{
	switch (proto) {
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMPV6:
		return "ipv6-icmp";
	case IPPROTO_UDPLITE:
		return "udplite";
	default:
		return NULL;
	}
}

static const char *
proto_text_name(unsigned proto)
{
	return proto == IPPROTO_ICMPV6 ? "icmp6" : proto_json_name(proto);
}

/* Short names for the ICMP messages a firewall most often drops; NULL else. */
static const char *
icmp_name(unsigned proto, unsigned type, unsigned code)
{
	static const char *const unreach4[] = {
		"unreachable-net", "unreachable-host", "unreachable-proto",
		"unreachable-port", "unreachable-needfrag",
	};
	static const char *const unreach6[] = {
		"unreachable-noroute", "unreachable-admin", NULL,
		"unreachable-addr", "unreachable-port",
	};

	if (proto == IPPROTO_ICMP) {
		switch (type) {
		case 0:	 return "echo-reply";
		case 3:
			if (code < sizeof(unreach4) / sizeof(unreach4[0]))
				return unreach4[code];
			return code == 13 ? "unreachable-admin" : "unreachable";
		case 4:	 return "source-quench";
		case 5:	 return "redirect";
		case 8:	 return "echo-request";
		case 9:	 return "router-advert";
		case 10: return "router-solicit";
		case 11: return "time-exceeded";
		case 12: return "param-problem";
		case 13: return "timestamp-request";
		case 14: return "timestamp-reply";
		default: return NULL;
		}
	}
	switch (type) {
	case 1:
		if (code < sizeof(unreach6) / sizeof(unreach6[0]) && unreach6[code])
			return unreach6[code];
		return "unreachable";
	case 2:	  return "packet-too-big";
	case 3:	  return "time-exceeded";
	case 4:	  return "param-problem";
	case 128: return "echo-request";
	case 129: return "echo-reply";
	case 130: return "mld-query";
	case 131: return "mld-report";
	case 132: return "mld-done";
	case 133: return "router-solicit";
	case 134: return "router-advert";
	case 135: return "neighbor-solicit";
	case 136: return "neighbor-advert";
	case 137: return "redirect";
	case 143: return "mld2-report";
	default:  return NULL;
	}
}

/* Address text, or NULL when the family is not IP. */
static const char *
addr_str(char dst[INET6_ADDRSTRLEN], unsigned family, const uint8_t a[16])
{
	int af = family == 4 ? AF_INET : family == 6 ? AF_INET6 : -1;

	if (af < 0)
		return NULL;
	return inet_ntop(af, a, dst, INET6_ADDRSTRLEN);
}

static const char *
why_str(unsigned why)
{
	const char *s = decode_why_str(why);

	return s != NULL ? s : "unknown";
}

/* ---- text line ---- */

static void
text_iface(struct out *o, const char *tag, uint32_t ifindex, const char *name)
{
	if (ifindex == 0)
		return;
	out_str(o, tag);
	if (name != NULL)
		out_text_str(o, name, RING_IFNAMSIZ, 0);
	else
		out_fmt(o, "#%" PRIu32, ifindex);
}

/* "a.b.c.d.port > e.f.g.h.port", ports only when has_ports. */
static void
text_pair(struct out *o, unsigned family, const uint8_t *sa, const uint8_t *da,
    int has_ports, unsigned sport, unsigned dport)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	if (addr_str(s, family, sa) == NULL || addr_str(d, family, da) == NULL)
		return;
	out_str(o, s);
	if (has_ports)
		out_fmt(o, ".%u", sport);
	out_str(o, " > ");
	out_str(o, d);
	if (has_ports)
		out_fmt(o, ".%u", dport);
}

static void
text_proto(struct out *o, unsigned proto)
{
	const char *name = proto_text_name(proto);

	if (name != NULL)
		out_str(o, name);
	else
		out_fmt(o, "proto %u", proto);
}

static void
text_icmp(struct out *o, const struct ring_rec *r)
{
	const char *name = icmp_name(r->proto, r->icmp_type, r->icmp_code);

	out_fmt(o, " %u/%u", r->icmp_type, r->icmp_code);
	if (name != NULL) {
		out_chr(o, ' ');
		out_str(o, name);
	}
	if (!(r->ip_flags & RING_IPF_HAVE_INNER))
		return;
	out_str(o, ", quoted ");
	if (r->inner_family != 4 && r->inner_family != 6)
		out_fmt(o, "family %u ", r->inner_family);
	text_proto(o, r->inner_proto);
	if (r->inner_family != 4 && r->inner_family != 6)
		return;
	out_chr(o, ' ');
	text_pair(o, r->inner_family, r->inner_saddr, r->inner_daddr,
	    proto_has_ports(r->inner_proto), r->inner_sport, r->inner_dport);
}

static void
text_l4(struct out *o, const struct ring_rec *r)
{
	char fl[9];

	out_chr(o, ' ');
	text_proto(o, r->proto);
	if (r->ip_flags & RING_IPF_FRAGMENT) {
		out_str(o, " fragment");
		return;
	}
	if (!rec_has_l4(r))
		return;
	switch (r->proto) {
	case IPPROTO_TCP:
		recfmt_tcp_flags(fl, r->tcp_flags);
		out_fmt(o, " [%s] seq %" PRIu32 " win %u", fl[0] ? fl : "none",
		    r->tcp_seq, r->tcp_window);
		break;
	case IPPROTO_UDP:
		out_fmt(o, " len %u", r->udp_len);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		text_icmp(o, r);
		break;
	default:
		break;
	}
}

static void
text_ip(struct out *o, const struct ring_rec *r)
{
	if (r->family == 6) {
		out_fmt(o, ", hlim %u", r->ttl);
		if (r->tos)
			out_fmt(o, " tclass 0x%02x", r->tos);
		if (r->flow_label)
			out_fmt(o, " flow 0x%05" PRIx32, r->flow_label);
		if (r->ip_flags & RING_IPF_FRAGHDR)
			out_fmt(o, " id %" PRIu32, r->ip_id);
	} else {
		out_fmt(o, ", ttl %u", r->ttl);
		if (r->tos)
			out_fmt(o, " tos 0x%02x", r->tos);
		out_fmt(o, " id %" PRIu32, r->ip_id);
	}
	out_fmt(o, " len %u", r->ip_len);
	if (r->ip_flags & RING_IPF_RF)
		out_str(o, " RF");
	if (r->ip_flags & RING_IPF_DF)
		out_str(o, " DF");
	if (r->ip_flags & RING_IPF_MF)
		out_str(o, " MF");
	if (r->frag_off)
		out_fmt(o, " frag %u", r->frag_off);
}

/*
 * The names of the bits set in mask, name(i) each (an unnamed bit prints as
 * "tagN"): text form " {a,b" (the caller closes the brace when *n > 0), or
 * JSON strings "a","b" inside the caller's brackets. *n counts names so far.
 */
static void
out_bit_names(struct out *o, uint32_t mask, const char *(*name)(unsigned), int json,
    unsigned *n)
{
	unsigned i;

	for (i = 0; i < 32; i++) {
		const char *s = name(i);

		if (!(mask & (1u << i)))
			continue;
		if (json)
			out_str(o, (*n)++ ? ",\"" : "\"");
		else
			out_str(o, (*n)++ ? "," : " {");
		if (s)
			out_str(o, s);
		else
			out_fmt(o, "tag%u", i);
		if (json)
			out_chr(o, '"');
	}
}

/* Scan styles of an alert: the packet tags, plus the two the correlator adds. */
static const char *
alert_style_name(unsigned i)
{
	if ((1u << i) == RING_ALERT_SCAN_SYN)
		return "scan-syn";
	if ((1u << i) == RING_ALERT_SCAN_UDP)
		return "scan-udp";
	return classify_tag_name(i);
}

static const char *alert_evidence_name(unsigned i);

/* " -- hostile sub7: SubSeven's default port {scan-xmas}" */
static void
text_kb(struct out *o, const struct ring_rec *r, const struct kb *kb)
{
	const struct ring_klass *k = &r->klass;
	const struct kb_port *port = kb_port_by_id(kb, k->kb_id);
	const struct kb_icmp *icmp = port ? NULL : kb_icmp_by_id(kb, k->kb_icmp);
	unsigned n = 0;

	out_fmt(o, " -- %s", kb_verdict_name(k->verdict));
	if (port) {
		out_chr(o, ' ');
		out_text_str(o, port->service, SIZE_MAX, 0);
		out_str(o, ": ");
		/* Free text, shown as is: spaces stay, anything odd is escaped. */
		out_text_str(o, port->summary, SIZE_MAX, 1);
	} else if (icmp) {
		out_str(o, ": ");
		out_text_str(o, icmp->summary, SIZE_MAX, 1);
	}
	out_bit_names(o, k->tags, classify_tag_name, 0, &n);
	if (n)
		out_chr(o, '}');
}

int
recfmt_text(char *buf, size_t size, const struct ring_rec *r, const struct recfmt_ctx *c)
{
	struct out o;

	if (out_init(&o, buf, size, r, c) < 0)
		return -1;
	out_time(&o, r->ts_ns, 6);
	out_fmt(&o, " g%u", r->group);
	if (r->cpu != RING_CPU_UNPINNED)
		out_fmt(&o, "/cpu%u", r->cpu);
	text_iface(&o, " in=", r->ifindex_in, c->ifname_in);
	text_iface(&o, " out=", r->ifindex_out, c->ifname_out);
	if (c->prefix != NULL) {
		out_str(&o, " \"");
		out_text_str(&o, c->prefix, RING_PREFIX_LEN, 1);
		out_chr(&o, '"');
	}
	if (r->family == 4)
		out_str(&o, " IP");
	else if (r->family == 6)
		out_str(&o, " IP6");
	else if (r->family == 0)
		out_str(&o, " non-IP");
	else
		out_fmt(&o, " family %u", r->family);
	if (rec_depth(r) >= DEPTH_L3) {
		if (r->family == 4 || r->family == 6) {
			out_chr(&o, ' ');
			text_pair(&o, r->family, r->saddr, r->daddr,
			    rec_has_l4(r) && proto_has_ports(r->proto),
			    r->sport, r->dport);
			out_chr(&o, ':');
		}
		text_l4(&o, r);
		text_ip(&o, r);
	}
	if (c->kb)
		text_kb(&o, r, c->kb);
	if (r->status == RING_ST_TRUNCATED || r->status == RING_ST_INVALID)
		out_fmt(&o, " [%s: ", recfmt_status_str(r->status));
	else if (r->status != RING_ST_OK)
		out_fmt(&o, " [status %u: ", r->status);
	if (r->status != RING_ST_OK) {
		out_text_str(&o, why_str(r->why), SIZE_MAX, 1);
		out_chr(&o, ']');
	}
	return out_finish(&o);
}

/* ---- JSON ---- */

static void
json_iface(struct out *o, int *first, const char *side, uint32_t ifindex,
    const char *name)
{
	if (ifindex == 0)
		return;
	json_key(o, first, side);
	out_str(o, "{\"interface\":{");
	if (name != NULL) {
		out_str(o, "\"name\":");
		out_json_str(o, name, RING_IFNAMSIZ);
		out_chr(o, ',');
	}
	out_fmt(o, "\"id\":\"%" PRIu32 "\"}}", ifindex);
}

/* "type":..,"transport":..,"iana_number":.. as members of an open object. */
static void
json_network(struct out *o, int *first, unsigned family, unsigned proto, int has_proto)
{
	const char *name = proto_json_name(proto);

	if (family == 4 || family == 6) {
		json_key(o, first, "type");
		out_str(o, family == 4 ? "\"ipv4\"" : "\"ipv6\"");
	}
	if (!has_proto)
		return;
	json_key(o, first, "transport");
	if (name != NULL)
		out_fmt(o, "\"%s\"", name);
	else
		out_fmt(o, "\"%u\"", proto);
	json_key(o, first, "iana_number");
	out_fmt(o, "\"%u\"", proto);
}

/* ,"source":{..},"destination":{..} when the family has addresses. */
static void
json_endpoints(struct out *o, unsigned family, const uint8_t *sa, const uint8_t *da,
    int has_ports, unsigned sport, unsigned dport)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	if (addr_str(s, family, sa) == NULL || addr_str(d, family, da) == NULL)
		return;
	out_str(o, ",\"source\":{\"ip\":\"");
	out_str(o, s);
	out_chr(o, '"');
	if (has_ports)
		out_fmt(o, ",\"port\":%u", sport);
	out_str(o, "},\"destination\":{\"ip\":\"");
	out_str(o, d);
	out_chr(o, '"');
	if (has_ports)
		out_fmt(o, ",\"port\":%u", dport);
	out_chr(o, '}');
}

static void
json_ip(struct out *o, const struct ring_rec *r)
{
	int first = 1;

	out_fmt(o, ",\"ip\":{\"ttl\":%u,\"id\":%" PRIu32 ",\"flags\":[", r->ttl, r->ip_id);
	if (r->ip_flags & RING_IPF_RF) {
		out_str(o, "\"RF\"");
		first = 0;
	}
	if (r->ip_flags & RING_IPF_DF) {
		out_str(o, first ? "\"DF\"" : ",\"DF\"");
		first = 0;
	}
	if (r->ip_flags & RING_IPF_MF)
		out_str(o, first ? "\"MF\"" : ",\"MF\"");
	out_fmt(o, "],\"frag_offset\":%u,\"len\":%u,\"tos\":%u}", r->frag_off,
	    r->ip_len, r->tos);
	if (r->family == 6)
		out_fmt(o, ",\"ipv6\":{\"flow_label\":%" PRIu32 "}", r->flow_label);
}

static void
json_l4(struct out *o, const struct ring_rec *r)
{
	char fl[9];
	int first = 1;

	switch (r->proto) {
	case IPPROTO_TCP:
		recfmt_tcp_flags(fl, r->tcp_flags);
		out_fmt(o, ",\"tcp\":{\"flags\":\"%s\",\"window\":%u", fl, r->tcp_window);
		out_fmt(o, ",\"seq\":%" PRIu32 ",\"data_offset\":%u}", r->tcp_seq,
		    r->tcp_doff);
		break;
	case IPPROTO_UDP:
		out_fmt(o, ",\"udp\":{\"len\":%u}", r->udp_len);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		out_fmt(o, ",\"icmp\":{\"type\":%u,\"code\":%u", r->icmp_type,
		    r->icmp_code);
		if (r->ip_flags & RING_IPF_HAVE_INNER) {
			out_str(o, ",\"inner\":{");
			json_network(o, &first, r->inner_family, r->inner_proto, 1);
			json_endpoints(o, r->inner_family, r->inner_saddr,
			    r->inner_daddr, proto_has_ports(r->inner_proto),
			    r->inner_sport, r->inner_dport);
			out_chr(o, '}');
		}
		out_chr(o, '}');
		break;
	default:
		break;
	}
}

static void
json_port_row(struct out *o, const char *key, const struct kb_port *row, const struct kb *kb)
{
	const struct kb_category *cat = kb_category_by_id(kb, row->category);

	out_fmt(o, ",\"%s\":{\"id\":%u,\"service\":", key, row->id);
	out_json_str(o, row->service, SIZE_MAX);
	if (cat) {
		out_str(o, ",\"category\":");
		out_json_str(o, cat->name, SIZE_MAX);
	}
	out_str(o, ",\"summary\":");
	out_json_str(o, row->summary, SIZE_MAX);
}

static void
json_addr_class(struct out *o, const char *key, uint16_t id, const struct kb *kb)
{
	const struct kb_addr *row = kb_addr_by_id(kb, id);

	if (!id)
		return;
	out_fmt(o, ",\"%s\":", key);
	if (row)
		out_json_str(o, row->cls, SIZE_MAX);
	else
		out_fmt(o, "\"%u\"", id);
}

/* nflog.kb, nflog.verdict, nflog.tags, ...: doc/json-schema.md */
static void
json_kb(struct out *o, const struct ring_rec *r, const struct kb *kb)
{
	const struct ring_klass *k = &r->klass;
	const struct kb_port *port = kb_port_by_id(kb, k->kb_id);
	const struct kb_port *sport = kb_port_by_id(kb, k->kb_sport);
	const struct kb_icmp *icmp = kb_icmp_by_id(kb, k->kb_icmp);
	const struct kb_ttl *ttl = kb_ttl_by_id(kb, k->os_hint);
	unsigned n = 0;

	if (port) {
		json_port_row(o, "kb", port, kb);
		if (sport && sport != port) {
			json_port_row(o, "source_port", sport, kb);
			out_chr(o, '}');
		}
		out_chr(o, '}');
	} else if (icmp) {
		out_fmt(o, ",\"kb\":{\"id\":%u,\"service\":", icmp->id);
		out_json_str(o, icmp->name, SIZE_MAX);
		out_str(o, ",\"summary\":");
		out_json_str(o, icmp->summary, SIZE_MAX);
		out_chr(o, '}');
	} else if (k->kb_id || k->kb_icmp) {
		/* Written under another kb (the ring header's stamp says so). */
		out_fmt(o, ",\"kb\":{\"id\":%u}", k->kb_id ? k->kb_id : k->kb_icmp);
	}
	out_str(o, ",\"verdict\":");
	out_json_str(o, kb_verdict_name(k->verdict), SIZE_MAX);
	json_addr_class(o, "src_class", k->src_class, kb);
	json_addr_class(o, "dst_class", k->dst_class, kb);
	if (k->ttl_initial)
		out_fmt(o, ",\"ttl\":{\"initial\":%u,\"hops\":%u}", k->ttl_initial,
		    k->ttl_hops);
	if (ttl) {
		out_str(o, ",\"os_hint\":");
		out_json_str(o, ttl->os, SIZE_MAX);
	}
	out_str(o, ",\"tags\":[");
	out_bit_names(o, k->tags, classify_tag_name, 1, &n);
	out_chr(o, ']');
}

int
recfmt_json(char *buf, size_t size, const struct ring_rec *r, const struct recfmt_ctx *c)
{
	struct out o;
	enum rec_depth depth;
	int first;

	if (out_init(&o, buf, size, r, c) < 0)
		return -1;
	depth = rec_depth(r);
	out_str(&o, "{\"@timestamp\":\"");
	out_time(&o, r->ts_ns, 9);
	out_str(&o, "\",\"event\":{\"action\":\"dropped\",\"kind\":\"event\"");
	out_fmt(&o, ",\"sequence\":%" PRIu64 "}", c->pos);
	if (c->prefix != NULL) {
		out_str(&o, ",\"rule\":{\"name\":");
		out_json_str(&o, c->prefix, RING_PREFIX_LEN);
		out_chr(&o, '}');
	}
	if (r->ifindex_in != 0 || r->ifindex_out != 0) {
		first = 1;
		out_str(&o, ",\"observer\":{");
		json_iface(&o, &first, "ingress", r->ifindex_in, c->ifname_in);
		json_iface(&o, &first, "egress", r->ifindex_out, c->ifname_out);
		out_chr(&o, '}');
	}
	if (r->family == 4 || r->family == 6 || depth >= DEPTH_L3) {
		first = 1;
		out_str(&o, ",\"network\":{");
		json_network(&o, &first, r->family, r->proto, depth >= DEPTH_L3);
		out_chr(&o, '}');
	}
	if (depth >= DEPTH_L3)
		json_endpoints(&o, r->family, r->saddr, r->daddr,
		    rec_has_l4(r) && proto_has_ports(r->proto), r->sport, r->dport);

	out_fmt(&o, ",\"nflog\":{\"group\":%u", r->group);
	if (r->cpu != RING_CPU_UNPINNED)
		out_fmt(&o, ",\"cpu\":%u", r->cpu);
	out_fmt(&o, ",\"hook\":%u", r->hook);
	if (r->ip_flags & RING_IPF_HAVE_SEQ)
		out_fmt(&o, ",\"seq\":%" PRIu32, r->nflog_seq);
	out_fmt(&o, ",\"mark\":%" PRIu32 ",\"status\":\"%s\"", r->mark,
	    recfmt_status_str(r->status));
	if (r->status != RING_ST_OK) {
		out_str(&o, ",\"why\":");
		out_json_str(&o, why_str(r->why), SIZE_MAX);
	}
	out_fmt(&o, ",\"cap_len\":%u", r->cap_len);
	if (depth >= DEPTH_L3)
		json_ip(&o, r);
	if (rec_has_l4(r))
		json_l4(&o, r);
	if (c->kb)
		json_kb(&o, r, c->kb);
	out_str(&o, "}}");
	return out_finish(&o);
}

/* ---- alerts ---- */

static const char *const alert_evidence[] = {
	"ttl-mismatch", "ipid-sequence", "ipid-sequence-byteswapped", "constant-ipid",
	"ttl-rising", "consecutive-ports", "broadcast", "regular-interval", "random-ttl",
};

static const char *
alert_evidence_name(unsigned i)
{
	return i < sizeof(alert_evidence) / sizeof(alert_evidence[0]) ? alert_evidence[i] : NULL;
}

static const char *
alert_state_str(unsigned state)
{
	return state == RING_ALERT_OPEN ? "open" : state == RING_ALERT_UPDATE ? "update" :
	    state == RING_ALERT_CLOSED ? "closed" : "unknown";
}

static const char *
alert_type_str(unsigned type)
{
	const char *name = ring_alert_type_name(type);

	return name ? name : "unknown";
}

/* A kb row explains an incident aimed at one port (sweep, heartbeat, noise,
 * fraggle); a scan of many ports is not "about" its first port. */
static const struct kb_port *
alert_kb_row(const struct ring_alert *a, const struct recfmt_ctx *c)
{
	if (a == NULL || c == NULL || c->kb == NULL || a->ports > 1 ||
	    a->proto == IPPROTO_ICMP || a->proto == IPPROTO_ICMPV6)
		return NULL;
	return kb_port_by_id(c->kb, a->kb_id);
}

/* For ICMP incidents (smurf, ICMP traceroute) kb_id names an ICMP row. */
static const struct kb_icmp *
alert_kb_icmp(const struct ring_alert *a, const struct recfmt_ctx *c)
{
	if (a == NULL || c == NULL || c->kb == NULL ||
	    (a->proto != IPPROTO_ICMP && a->proto != IPPROTO_ICMPV6))
		return NULL;
	return kb_icmp_by_id(c->kb, a->kb_id);
}

int
recfmt_alert_text(char *buf, size_t size, const struct ring_alert *a,
    const struct recfmt_ctx *c)
{
	char sa[INET6_ADDRSTRLEN], da[INET6_ADDRSTRLEN];
	const struct kb_port *row = alert_kb_row(a, c);
	unsigned n = 0;
	double secs;

	struct out o;

	if (out_init(&o, buf, size, a, c) < 0)
		return -1;
	out_time(&o, a->ts_ns, 6);
	out_fmt(&o, " ALERT #%" PRIu32 " %s %s ", a->alert_id, alert_type_str(a->type),
	    alert_state_str(a->state));
	/* A damaged or hostile file may hold any family: say so, don't trust it. */
	if (addr_str(sa, a->family, a->saddr) == NULL)
		snprintf(sa, sizeof(sa), "family-%u?", a->family);
	out_str(&o, sa);
	if (a->targets == 1) {
		out_str(&o, " > ");
		if (addr_str(da, a->family, a->daddr) == NULL)
			snprintf(da, sizeof(da), "?");
		out_str(&o, da);
	} else if (a->targets > 1) {
		out_fmt(&o, " > %" PRIu32 " hosts", a->targets);
	}
	secs = a->last_seen > a->first_seen ?
	    (double)(a->last_seen - a->first_seen) / 1e9 : 0.0;
	out_fmt(&o, ": %" PRIu32 " packets in %.1f s", a->packets, secs);
	if (a->ports > 1)
		out_fmt(&o, ", %" PRIu32 " ports %u-%u", a->ports, a->port_lo, a->port_hi);
	else if (a->ports == 1)
		out_fmt(&o, ", port %u", a->port_lo);
	if (a->sources > 1)
		out_fmt(&o, ", %" PRIu32 " sources", a->sources);
	if (a->interval_ms)
		out_fmt(&o, ", every %.1f s", (double)a->interval_ms / 1000.0);
	out_fmt(&o, " -- %s", kb_verdict_name(a->verdict));
	if (row) {
		out_chr(&o, ' ');
		out_text_str(&o, row->service, SIZE_MAX, 0);
	} else if (alert_kb_icmp(a, c)) {
		out_chr(&o, ' ');
		out_text_str(&o, alert_kb_icmp(a, c)->name, SIZE_MAX, 0);
	}
	out_bit_names(&o, a->scan_tags, alert_style_name, 0, &n);
	out_bit_names(&o, a->evidence, alert_evidence_name, 0, &n);
	if (n)
		out_chr(&o, '}');
	return out_finish(&o);
}

int
recfmt_alert_json(char *buf, size_t size, const struct ring_alert *a,
    const struct recfmt_ctx *c)
{
	char sa[INET6_ADDRSTRLEN], da[INET6_ADDRSTRLEN];
	const struct kb_port *row;
	unsigned i, n;
	struct out o;

	if (out_init(&o, buf, size, a, c) < 0)
		return -1;
	row = alert_kb_row(a, c);
	out_str(&o, "{\"@timestamp\":\"");
	out_time(&o, a->ts_ns, 9);
	out_fmt(&o, "\",\"event\":{\"kind\":\"alert\",\"action\":\"%s\",\"sequence\":%" PRIu64
	    "}", alert_type_str(a->type), c->pos);
	if (a->family == 4 || a->family == 6) {
		out_fmt(&o, ",\"source\":{\"ip\":\"%s\"}", addr_str(sa, a->family, a->saddr));
		if (a->targets == 1)
			out_fmt(&o, ",\"destination\":{\"ip\":\"%s\"}",
			    addr_str(da, a->family, a->daddr));
	}
	out_fmt(&o, ",\"nflog\":{\"alert\":{\"type\":\"%s\",\"id\":%" PRIu32
	    ",\"state\":\"%s\",\"first_seen\":\"", alert_type_str(a->type), a->alert_id,
	    alert_state_str(a->state));
	out_time(&o, a->first_seen, 9);
	out_str(&o, "\",\"last_seen\":\"");
	out_time(&o, a->last_seen, 9);
	out_fmt(&o, "\",\"packets\":%" PRIu32 ",\"ports\":[", a->packets);
	for (i = 0, n = 0; i < RING_ALERT_PORTS && i < a->ports; i++)
		out_fmt(&o, "%s%u", n++ ? "," : "", a->port_sample[i]);
	out_fmt(&o, "],\"port_count\":%" PRIu32 ",\"port_range\":[%u,%u]", a->ports,
	    a->port_lo, a->port_hi);
	out_fmt(&o, ",\"targets\":%" PRIu32 ",\"sources\":%" PRIu32, a->targets, a->sources);
	if (a->interval_ms)
		out_fmt(&o, ",\"interval_ms\":%" PRIu32, a->interval_ms);
	out_fmt(&o, ",\"ttl\":[%u,%u],\"evidence\":[", a->ttl_min, a->ttl_max);
	n = 0;
	out_bit_names(&o, a->evidence, alert_evidence_name, 1, &n);
	out_str(&o, "],\"scan_style\":[");
	n = 0;
	out_bit_names(&o, a->scan_tags, alert_style_name, 1, &n);
	out_str(&o, "]}");
	if (row) {
		out_fmt(&o, ",\"kb\":{\"id\":%u,\"service\":", row->id);
		out_json_str(&o, row->service, SIZE_MAX);
		out_str(&o, ",\"summary\":");
		out_json_str(&o, row->summary, SIZE_MAX);
		out_chr(&o, '}');
	} else if (alert_kb_icmp(a, c)) {
		const struct kb_icmp *ic = alert_kb_icmp(a, c);

		out_fmt(&o, ",\"kb\":{\"id\":%u,\"service\":", ic->id);
		out_json_str(&o, ic->name, SIZE_MAX);
		out_str(&o, ",\"summary\":");
		out_json_str(&o, ic->summary, SIZE_MAX);
		out_chr(&o, '}');
	}
	out_str(&o, ",\"verdict\":");
	out_json_str(&o, kb_verdict_name(a->verdict), SIZE_MAX);
	out_str(&o, "}}");
	return out_finish(&o);
}
