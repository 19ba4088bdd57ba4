/* SPDX-License-Identifier: GPL-2.0-or-later */
/* syslogout.c - RFC 5424 messages for drops and alerts (syslogout.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "report/dropagg.h"
#include "classify/kb.h"
#include "report/syslogout.h"
#include "util/utf8.h"
#include "ring/ringnames.h"

#define SEV_WARNING	4
#define SEV_NOTICE	5
#define SEV_INFO	6

/* snprintf-like accumulation: len counts everything, buf holds what fits. */
struct sbuf {
	char	*buf;
	size_t	 size, len;
};

static void syslogout_sb_mem(struct sbuf *b, const char *s, size_t n)
{
	if (b->len < b->size) {
		size_t room = b->size - 1 - b->len;

		memcpy(b->buf + b->len, s, n < room ? n : room);
	}
	b->len += n;
}

static void syslogout_sb_str(struct sbuf *b, const char *s)
{
	syslogout_sb_mem(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void syslogout_sb_fmt(struct sbuf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		syslogout_sb_mem(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static int syslogout_sb_end(struct sbuf *b)
{
	if (b->size)
		b->buf[b->len < b->size ? b->len : b->size - 1] = '\0';
	return (int)b->len;
}

static void syslogout_sb_value(struct sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;

	while (n) {
		len = utf8_seq_len(p, n, NULL);
		if (!len || *p < 0x20 || *p == 0x7f || (len == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			syslogout_sb_str(b, "\xef\xbf\xbd");
			len = len ? len : 1;
		} else {
			if (*p == '"' || *p == '\\' || *p == ']')
				syslogout_sb_mem(b, "\\", 1);
			syslogout_sb_mem(b, (const char *)p, len);
		}
		p += len;
		n -= len;
	}
}

int syslogout_param_value(char *buf, size_t size, const char *s)
{
	struct sbuf b = { buf, size, 0 };

	if (!s || (!buf && size))
		return -1;
	syslogout_sb_value(&b, s);
	return syslogout_sb_end(&b);
}

int syslogout_facility(const char *name)
{
	static const struct { const char *name; int code; } fac[] = {
		{ "user", 1 }, { "daemon", 3 }, { "auth", 4 }, { "authpriv", 10 },
		{ "local0", 16 }, { "local1", 17 }, { "local2", 18 }, { "local3", 19 },
		{ "local4", 20 }, { "local5", 21 }, { "local6", 22 }, { "local7", 23 },
	};
	size_t i;

	for (i = 0; name && i < sizeof(fac) / sizeof(fac[0]); i++)
		if (!strcmp(name, fac[i].name))
			return fac[i].code;
	return -1;
}

/* "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID " */
static void syslogout_sb_header(struct sbuf *b, const struct syslogout_id *id, unsigned sev,
		      uint64_t ts_ns, const char *msgid)
{
	time_t secs = (time_t)(ts_ns / 1000000000u);
	const char *h = id->hostname;
	struct tm tm;
	size_t i;

	syslogout_sb_fmt(b, "<%u>1 ", (id->facility & 31u) * 8 + sev);
	if (gmtime_r(&secs, &tm))
		syslogout_sb_fmt(b, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ ", tm.tm_year + 1900,
		       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		       (unsigned)(ts_ns % 1000000000u / 1000u));
	else
		syslogout_sb_str(b, "- ");
	/* HOSTNAME: 1*255PRINTUSASCII; anything else is replaced, not dropped. */
	for (i = 0; h && h[i] && i < 255; i++) {
		char ch = h[i] > 32 && h[i] < 127 ? h[i] : '_';

		syslogout_sb_mem(b, &ch, 1);
	}
	if (!h || !*h)
		syslogout_sb_str(b, "-");
	syslogout_sb_fmt(b, " %.48s ", id->app && *id->app ? id->app : "-");
	if (id->procid)
		syslogout_sb_fmt(b, "%u ", id->procid);
	else
		syslogout_sb_str(b, "- ");
	syslogout_sb_fmt(b, "%s ", msgid);
}

static void syslogout_sb_param(struct sbuf *b, const char *name, const char *value)
{
	syslogout_sb_fmt(b, " %s=\"", name);
	syslogout_sb_value(b, value);
	syslogout_sb_str(b, "\"");
}

static void syslogout_sb_param_u(struct sbuf *b, const char *name, unsigned long long v)
{
	syslogout_sb_fmt(b, " %s=\"%llu\"", name, v);
}

static void syslogout_sb_addr(struct sbuf *b, const char *name, unsigned family,
			      const uint8_t a[16])
{
	char txt[INET6_ADDRSTRLEN];

	if (inet_ntop(family == 4 ? AF_INET : AF_INET6, a, txt, sizeof(txt)))
		syslogout_sb_param(b, name, txt);
}

static const char *syslogout_proto_name(unsigned proto)
{
	switch (proto) {
	case IPPROTO_ICMP:    return "icmp";
	case IPPROTO_TCP:     return "tcp";
	case IPPROTO_UDP:     return "udp";
	case IPPROTO_ICMPV6:  return "ipv6-icmp";
	case IPPROTO_UDPLITE: return "udplite";
	default:  return NULL;
	}
}

static const char *syslogout_kb_service(const struct kb *kb, uint16_t id)
{
	const struct kb_port *p;
	const struct kb_icmp *ic;

	if (!kb || !id)
		return NULL;
	if ((p = kb_port_by_id(kb, id)))
		return p->service;
	ic = kb_icmp_by_id(kb, id);
	return ic ? ic->name : NULL;
}

static unsigned syslogout_drop_severity(unsigned verdict)
{
	return verdict == KB_VERDICT_HOSTILE ? SEV_WARNING :
	       verdict == KB_VERDICT_SUSPICIOUS ? SEV_NOTICE : SEV_INFO;
}

int syslogout_drop(char *buf, size_t size, const struct syslogout_id *id,
		   const struct ring_rec *r, const struct recfmt_ctx *c)
{
	struct sbuf b = { buf, size, 0 };
	char line[RECFMT_LINE_MAX];
	const char *name;

	if (!id || !r || !c || (!buf && size) || recfmt_text(line, sizeof(line), r, c) < 0)
		return -1;
	syslogout_sb_header(&b, id, syslogout_drop_severity(r->klass.verdict), r->ts_ns, "drop");
	syslogout_sb_str(&b, "[" SYSLOGOUT_SDID);
	syslogout_sb_param_u(&b, "group", r->group);
	if (r->cpu != RING_CPU_UNPINNED)
		syslogout_sb_param_u(&b, "cpu", r->cpu);
	if (c->prefix)
		syslogout_sb_param(&b, "prefix", c->prefix);
	if (r->ifindex_in)
		syslogout_sb_param(&b, "in", c->ifname_in ? c->ifname_in : "?");
	if (r->ifindex_out)
		syslogout_sb_param(&b, "out", c->ifname_out ? c->ifname_out : "?");
	if (dropagg_has_addrs(r)) {
		syslogout_sb_param(&b, "family", r->family == 4 ? "ipv4" : "ipv6");
		if ((name = syslogout_proto_name(r->proto)))
			syslogout_sb_param(&b, "proto", name);
		else
			syslogout_sb_param_u(&b, "proto", r->proto);
		syslogout_sb_addr(&b, "src", r->family, r->saddr);
		syslogout_sb_addr(&b, "dst", r->family, r->daddr);
	}
	if (dropagg_has_l4(r) && dropagg_has_ports(r->proto)) {
		syslogout_sb_param_u(&b, "sport", r->sport);
		syslogout_sb_param_u(&b, "dport", r->dport);
	} else if (dropagg_has_l4(r) && (r->proto == IPPROTO_ICMP || r->proto == IPPROTO_ICMPV6)) {
		syslogout_sb_param_u(&b, "icmp_type", r->icmp_type);
		syslogout_sb_param_u(&b, "icmp_code", r->icmp_code);
	}
	if (r->status != RING_ST_OK)
		syslogout_sb_param(&b, "status", recfmt_status_str(r->status));
	if (c->kb) {
		syslogout_sb_param(&b, "verdict", kb_verdict_name(r->klass.verdict));
		if ((name = syslogout_kb_service(c->kb, r->klass.kb_id))) {
			syslogout_sb_param_u(&b, "kb_id", r->klass.kb_id);
			syslogout_sb_param(&b, "service", name);
		}
	}
	syslogout_sb_str(&b, "] ");
	syslogout_sb_str(&b, line);
	return syslogout_sb_end(&b);
}

int syslogout_alert(char *buf, size_t size, const struct syslogout_id *id,
		    const struct ring_alert *a, const struct recfmt_ctx *c)
{
	static const uint8_t zero[16];
	static const char *const states[] = { "?", "open", "update", "closed" };
	struct sbuf b = { buf, size, 0 };
	char line[RECFMT_LINE_MAX];
	const char *name;

	if (!id || !a || !c || (!buf && size) ||
	    recfmt_alert_text(line, sizeof(line), a, c) < 0)
		return -1;
	syslogout_sb_header(&b, id, a->verdict == KB_VERDICT_HOSTILE ? SEV_WARNING : SEV_NOTICE,
		  a->ts_ns, "alert");
	syslogout_sb_str(&b, "[" SYSLOGOUT_SDID);
	syslogout_sb_param_u(&b, "id", a->alert_id);
	if ((name = ring_alert_type_name(a->type)))
		syslogout_sb_param(&b, "type", name);
	else
		syslogout_sb_param_u(&b, "type", a->type);
	syslogout_sb_param(&b, "state", states[a->state <= RING_ALERT_CLOSED ? a->state : 0]);
	if (a->family == 4 || a->family == 6) {
		if (memcmp(a->saddr, zero, 16))
			syslogout_sb_addr(&b, "src", a->family, a->saddr);
		if (memcmp(a->daddr, zero, 16))
			syslogout_sb_addr(&b, "dst", a->family, a->daddr);
	}
	syslogout_sb_param_u(&b, "packets", a->packets);
	syslogout_sb_param_u(&b, "ports", a->ports);
	syslogout_sb_param_u(&b, "targets", a->targets);
	syslogout_sb_param_u(&b, "sources", a->sources);
	syslogout_sb_param(&b, "verdict", kb_verdict_name(a->verdict));
	if ((name = syslogout_kb_service(c->kb, a->kb_id)))
		syslogout_sb_param(&b, "service", name);
	syslogout_sb_str(&b, "] ");
	syslogout_sb_str(&b, line);
	return syslogout_sb_end(&b);
}
