/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recfmt.c - format ring records: the appender, escapes and names the formatters share.
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

#include "capture/decode.h"
#include "classify/services.h"
#include "report/recfmt_int.h"
#include "util/json.h"

/*
 * An item longer than tmp is a bug and makes the call fail. The formats the
 * formatters use are mostly literals with %s, %u and %lu (PRIu32, PRIu64):
 * those are expanded here, the same bytes vsnprintf would give; any other
 * conversion (or a NULL %s) hands the whole item to vsnprintf.
 */
void recfmt_fmt(struct recfmt_out *o, const char *fmt, ...)
{
	char tmp[256];	/* one formatted piece; longer ones are a bug (o->err) */
	const size_t max = sizeof(tmp) - 1;
	const char *f;
	va_list ap;
	size_t n = 0;
	int r;

	va_start(ap, fmt);
	for (f = fmt; *f; f++) {
		char num[FMT_U64_MAX];
		const char *s;
		size_t k;

		if (*f != '%') {	/* the literal up to the next conversion */
			s = strchrnul(f, '%');
			k = (size_t)(s - f);
			if (k > max - n)
				goto too_long;
			memcpy(tmp + n, f, k);
			n += k;
			f = s - 1;
			continue;
		}
		switch (f[1]) {
		case 's':
			s = va_arg(ap, const char *);
			if (s == NULL)
				goto slow;
			k = strlen(s);
			break;
		case 'u':
			s = num;
			k = (size_t)(fmt_u32(num, va_arg(ap, unsigned)) - num);
			break;
		case 'l':
			if (f[2] != 'u')
				goto slow;
			s = num;
			k = (size_t)(fmt_u64(num, va_arg(ap, unsigned long)) - num);
			f++;
			break;
		case '%':
			s = "%";
			k = 1;
			break;
		default:
			goto slow;
		}
		f++;
		if (k > max - n)
			goto too_long;
		memcpy(tmp + n, s, k);
		n += k;
	}
	va_end(ap);
	recfmt_mem(o, tmp, n);
	return;
too_long:
	va_end(ap);
	o->err = 1;
	return;
slow:
	va_end(ap);
	va_start(ap, fmt);
	r = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= sizeof(tmp)) {
		o->err = 1;
		return;
	}
	recfmt_mem(o, tmp, (size_t)r);
}

int recfmt_out_finish(struct recfmt_out *o)
{
	if (o->size > 0)
		o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
	if (o->err || o->len > INT_MAX)
		return -1;
	return (int)o->len;
}

int recfmt_out_init(struct recfmt_out *o, char *buf, size_t size, const void *r,
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

/*
 * The date and time of one second, as recfmt_time writes it: records come in
 * time order, so consecutive ones nearly always share it. Per thread, so the
 * formatters stay safe to call from any thread; it only remembers what
 * gmtime_r gave for secs (the process's TZ is read once, at the first call,
 * so a leap-second zone such as right/UTC is honoured exactly as before).
 */
struct recfmt_tcache {
	uint64_t secs;
	int	 valid;
	int	 failed;	/* gmtime_r failed: 1970-01-01, fraction 0 */
	size_t	 len;
	char	 txt[64];
};

static _Thread_local struct recfmt_tcache recfmt_tcache;

static const struct recfmt_tcache *recfmt_tcache_get(uint64_t secs_u)
{
	struct recfmt_tcache *tc = &recfmt_tcache;
	time_t secs = (time_t)secs_u;
	struct tm tm;
	int n;

	if (tc->valid && tc->secs == secs_u)
		return tc;
	tc->valid = 0;
	tc->failed = 0;
	if (gmtime_r(&secs, &tm) == NULL) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = 70;
		tm.tm_mday = 1;
		tc->failed = 1;
	}
	n = snprintf(tc->txt, sizeof(tc->txt), "%04d-%02d-%02dT%02d:%02d:%02d",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		     tm.tm_sec);
	if (n < 0 || (size_t)n >= sizeof(tc->txt))
		return NULL;	/* cannot happen: the fields are bounded */
	tc->len = (size_t)n;
	tc->secs = secs_u;
	tc->valid = 1;
	return tc;
}

/* RFC 3339 UTC with 6 or 9 fraction digits; the fraction is cut, not rounded,
 * so a line never shows a time later than the packet's. */
void recfmt_time(struct recfmt_out *o, uint64_t ts_ns, int digits)
{
	const struct recfmt_tcache *tc = recfmt_tcache_get(ts_ns / 1000000000u);
	unsigned frac = (unsigned)(ts_ns % 1000000000u);
	char t[12], *p = t;

	if (tc == NULL) {
		o->err = 1;
		return;
	}
	if (tc->failed)
		frac = 0;
	recfmt_mem(o, tc->txt, tc->len);
	*p++ = '.';
	if (digits == 9) {
		p = fmt_2d(p, frac / 10000000);
		p = fmt_2d(p, frac / 100000);
		p = fmt_2d(p, frac / 1000);
		p = fmt_2d(p, frac / 10);
		*p++ = (char)('0' + frac % 10);
	} else {
		frac /= 1000;
		p = fmt_2d(p, frac / 10000);
		p = fmt_2d(p, frac / 100);
		p = fmt_2d(p, frac);
	}
	*p++ = 'Z';
	recfmt_mem(o, t, (size_t)(p - t));
}

/* A JSON string of s (at most max bytes), escaped by util/json (the rules are
 * in json.h and doc/json-schema.md), appended like every other piece: cut at
 * the end of buf, counted in full. */
void recfmt_json_str(struct recfmt_out *o, const char *s, size_t max)
{
	size_t room = o->len < o->size ? o->size - o->len : 0;

	o->len += json_quote(room ? o->buf + o->len : NULL, room, s, max);
}

/* s (at most max bytes) for a text line: printable ASCII as is, '"' and '\'
 * backslashed, everything else \xHH. Space is kept only inside quotes. */
/* Per byte: 1 goes out as is, 2 goes out as is inside quotes (space), 0
 * ends the string (NUL) or is escaped. */
static const uint8_t recfmt_text_plain[256] = {
	[' '] = 2,
	['!'] = 3, ['#' ... '['] = 3, [']' ... '~'] = 3,
};

void recfmt_text_str(struct recfmt_out *o, const char *s, size_t max, int quoted)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned pass = quoted ? 3 : 1;
	size_t i = 0;

	while (i < max && p[i]) {
		size_t j = i;
		char esc[4];

		/* The longest run that goes out as is, in one copy. */
		while (j < max && (recfmt_text_plain[p[j]] & pass))
			j++;
		if (j > i) {
			recfmt_mem(o, s + i, j - i);
			i = j;
			continue;
		}
		if (!p[i])
			break;
		esc[0] = '\\';
		if (p[i] == '"' || p[i] == '\\') {
			esc[1] = (char)p[i];
			recfmt_mem(o, esc, 2);
		} else {
			esc[1] = 'x';
			fmt_hex(esc + 2, p[i], 2);
			recfmt_mem(o, esc, 4);
		}
		i++;
	}
}

/*
 * The names of the bits set in mask, name(i) each (an unnamed bit prints as
 * "tagN"): text form " {a,b" (the caller closes the brace when *n > 0), or
 * JSON strings "a","b" inside the caller's brackets. *n counts names so far.
 */
void recfmt_bit_names(struct recfmt_out *o, uint32_t mask, const char *(*name)(unsigned),
		      int json, unsigned *n)
{
	uint32_t m;

	for (m = mask; m; m &= m - 1) {	/* the set bits, lowest first */
		unsigned i = (unsigned)__builtin_ctz(m);
		const char *s = name(i);

		if (json)
			recfmt_str(o, (*n)++ ? ",\"" : "\"");
		else
			recfmt_str(o, (*n)++ ? "," : " {");
		if (s)
			recfmt_str(o, s);
		else
			recfmt_str_u(o, "tag", i);
		if (json)
			recfmt_chr(o, '"');
	}
}

const char *recfmt_status_str(unsigned status)
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

void recfmt_tcp_flags(char out[9], uint8_t flags)
{
	static const char letters[] = "FSRPAUEC";
	size_t i, n = 0;

	for (i = 0; i < 8; i++)
		if (flags & (1u << i))
			out[n++] = letters[i];
	out[n] = '\0';
}

enum recfmt_depth recfmt_depth(const struct ring_rec *r)
{
	if (r->family == 0)
		return RECFMT_DEPTH_NONE;
	if (r->status == RING_ST_OK)
		return RECFMT_DEPTH_L4;
	switch (r->why) {
	case RING_WHY_NONE:		/* a failure without a reason: trust nothing */
	case RING_WHY_NO_PAYLOAD:
	case RING_WHY_L3_TRUNC:
	case RING_WHY_L3_VERSION:
		return RECFMT_DEPTH_NONE;
	case RING_WHY_INNER_TRUNC:
	case RING_WHY_INNER_BAD:
		return RECFMT_DEPTH_L4;
	default:			/* L3 header read; also reasons newer than us */
		return RECFMT_DEPTH_L3;
	}
}

/* Ports and an L4 header exist only in a first fragment the decoder finished. */
int recfmt_has_l4(const struct ring_rec *r)
{
	return recfmt_depth(r) == RECFMT_DEPTH_L4 && !(r->ip_flags & RING_IPF_FRAGMENT);
}

int recfmt_proto_has_ports(unsigned proto)
{
	/* UDP-Lite shares UDP's port layout (RFC 3828); the decoder reads them. */
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE;
}

/* ECS network.transport: IANA keyword, lower case; NULL means "use the number". */
const char *recfmt_proto_json_name(unsigned proto)
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

/* Address text, or NULL when the family is not IP. */
const char *recfmt_addr_str(char dst[INET6_ADDRSTRLEN], unsigned family, const uint8_t a[16])
{
	int af = family == 4 ? AF_INET : family == 6 ? AF_INET6 : -1;

	if (af < 0)
		return NULL;
	if (af == AF_INET) {
		*fmt_ipv4(dst, a) = '\0';
		return dst;
	}
	return inet_ntop(af, a, dst, INET6_ADDRSTRLEN);
}

const char *recfmt_why_str(unsigned why)
{
	const char *s = decode_why_str(why);

	return s != NULL ? s : "unknown";
}

const struct services_entry *recfmt_registered(const struct ring_rec *r,
					       const struct recfmt_ctx *c,
					       const struct kb_port *row)
{
	if (!c->services || !c->kb || !recfmt_has_l4(r) ||
	    (r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP))
		return NULL;
	/* An id our kb lacks was written under another kb: it may name one. */
	if (!row && r->klass.kb_id)
		return NULL;
	if (!services_kb_generic(c->kb, row))
		return NULL;
	return services_lookup(c->services, r->proto, r->dport);
}
