/* SPDX-License-Identifier: GPL-2.0-or-later */
/* syslogout.c - RFC 5424, local syslog(3) and journald messages for drops and alerts (syslogout.h). */
#include <ctype.h>
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
	char			*buf;
	size_t			 size, len;
	enum syslogout_form	 form;	/* where parameters go: SD, nowhere, NFLOG_* fields */
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
	struct sbuf b = { buf, size, 0, SYSLOGOUT_RFC5424 };

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
static void syslogout_sb_header5424(struct sbuf *b, const struct syslogout_id *id, unsigned sev,
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

/* "<PRI>Mmm dd hh:mm:ss APP[PROCID]: ": what syslog(3) writes to /dev/log,
 * in UTC like the RFC 5424 form (the receiver adds its own host name). */
static void syslogout_sb_header_local(struct sbuf *b, const struct syslogout_id *id,
				      unsigned sev, uint64_t ts_ns)
{
	static const char mon[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
					 "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t secs = (time_t)(ts_ns / 1000000000u);
	struct tm tm;

	syslogout_sb_fmt(b, "<%u>", (id->facility & 31u) * 8 + sev);
	if (gmtime_r(&secs, &tm) && tm.tm_mon >= 0 && tm.tm_mon < 12)
		syslogout_sb_fmt(b, "%s %2d %02d:%02d:%02d ", mon[tm.tm_mon], tm.tm_mday,
				 tm.tm_hour, tm.tm_min, tm.tm_sec);
	syslogout_sb_fmt(b, "%.48s", id->app && *id->app ? id->app : "nflogctl");
	if (id->procid)
		syslogout_sb_fmt(b, "[%u]", id->procid);
	syslogout_sb_str(b, ": ");
}

/* One journal field; a value with a newline takes the binary-safe form. */
static void syslogout_sb_field(struct sbuf *b, const char *key, const char *value)
{
	size_t n = strlen(value), i;
	uint8_t le[8];

	syslogout_sb_str(b, key);
	if (!memchr(value, '\n', n)) {
		syslogout_sb_mem(b, "=", 1);
		syslogout_sb_mem(b, value, n);
	} else {
		for (i = 0; i < 8; i++)
			le[i] = (uint8_t)((uint64_t)n >> (8 * i));
		syslogout_sb_mem(b, "\n", 1);
		syslogout_sb_mem(b, (const char *)le, 8);
		syslogout_sb_mem(b, value, n);
	}
	syslogout_sb_mem(b, "\n", 1);
}

static void syslogout_sb_header_journal(struct sbuf *b, const struct syslogout_id *id,
					unsigned sev)
{
	char num[16];

	snprintf(num, sizeof(num), "%u", sev);
	syslogout_sb_field(b, "PRIORITY", num);
	snprintf(num, sizeof(num), "%u", id->facility & 31u);
	syslogout_sb_field(b, "SYSLOG_FACILITY", num);
	syslogout_sb_field(b, "SYSLOG_IDENTIFIER", id->app && *id->app ? id->app : "nflogctl");
	if (id->procid) {
		snprintf(num, sizeof(num), "%u", id->procid);
		syslogout_sb_field(b, "SYSLOG_PID", num);
	}
}

static void syslogout_sb_header(struct sbuf *b, const struct syslogout_id *id, unsigned sev,
				uint64_t ts_ns, const char *msgid)
{
	if (b->form == SYSLOGOUT_JOURNAL) {
		syslogout_sb_header_journal(b, id, sev);
		syslogout_sb_field(b, "NFLOG_KIND", msgid);
	} else if (b->form == SYSLOGOUT_LOCAL) {
		syslogout_sb_header_local(b, id, sev, ts_ns);
	} else {
		syslogout_sb_header5424(b, id, sev, ts_ns, msgid);
		syslogout_sb_str(b, "[");
		syslogout_sb_str(b, id->sdid ? id->sdid : SYSLOGOUT_SDID);
	}
}

static void syslogout_sb_param(struct sbuf *b, const char *name, const char *value)
{
	char key[64] = "NFLOG_";
	size_t i;

	if (b->form == SYSLOGOUT_RFC5424) {
		syslogout_sb_fmt(b, " %s=\"", name);
		syslogout_sb_value(b, value);
		syslogout_sb_str(b, "\"");
	} else if (b->form == SYSLOGOUT_JOURNAL) {
		/* Journal field names: upper case, digits and '_' only. */
		for (i = 0; name[i] && i + 7 < sizeof(key); i++)
			key[6 + i] = isalnum((unsigned char)name[i]) ?
				     (char)toupper((unsigned char)name[i]) : '_';
		key[6 + i] = '\0';
		syslogout_sb_field(b, key, value);
	}
}

static void syslogout_sb_param_u(struct sbuf *b, const char *name, unsigned long long v)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", v);
	syslogout_sb_param(b, name, num);
}

/* After the parameters: the end of the SD element, and MSG. */
static void syslogout_sb_msg(struct sbuf *b, const struct syslogout_id *id, const char *msg)
{
	if (id->host_id && *id->host_id)
		syslogout_sb_param(b, "host_id", id->host_id);
	if (b->form == SYSLOGOUT_JOURNAL) {
		syslogout_sb_field(b, "MESSAGE", msg);
		return;
	}
	if (b->form == SYSLOGOUT_RFC5424)
		syslogout_sb_str(b, "] ");
	syslogout_sb_str(b, msg);
}

int syslogout_sdid_ok(const char *s)
{
	const char *at = s ? strchr(s, '@') : NULL;
	size_t i;

	if (!at || at == s || at - s > 31 || strlen(s) > 32 || at[1] < '1' || at[1] > '9')
		return 0;
	for (i = 0; s + i < at; i++)
		if (s[i] <= 32 || s[i] >= 127 || strchr("=]\"@", s[i]))
			return 0;
	for (i = 1; at[i]; i++)
		if (!isdigit((unsigned char)at[i]) && !(at[i] == '.' && at[i - 1] != '.' && at[i + 1]))
			return 0;
	return 1;
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

static int syslogout_drop_form(char *buf, size_t size, const struct syslogout_id *id,
			       enum syslogout_form form, const struct ring_rec *r,
			       const struct recfmt_ctx *c, const char *msg)
{
	struct sbuf b = { buf, size, 0, form };
	char line[RECFMT_LINE_MAX];
	const char *name;

	if (!id || !r || !c || (!buf && size) || (!msg && recfmt_text(line, sizeof(line), r, c) < 0))
		return -1;
	syslogout_sb_header(&b, id, syslogout_drop_severity(r->klass.verdict), r->ts_ns, "drop");
	syslogout_sb_param_u(&b, "group", r->group);
	syslogout_sb_param_u(&b, "seq", c->pos);
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
	syslogout_sb_msg(&b, id, msg ? msg : line);
	return syslogout_sb_end(&b);
}

int syslogout_drop(char *buf, size_t size, const struct syslogout_id *id,
		   const struct ring_rec *r, const struct recfmt_ctx *c)
{
	return syslogout_drop_form(buf, size, id, SYSLOGOUT_RFC5424, r, c, NULL);
}

static int syslogout_alert_form(char *buf, size_t size, const struct syslogout_id *id,
				enum syslogout_form form, const struct ring_alert *a,
				const struct recfmt_ctx *c, const char *msg)
{
	static const uint8_t zero[16];
	static const char *const states[] = { "?", "open", "update", "closed" };
	struct sbuf b = { buf, size, 0, form };
	char line[RECFMT_LINE_MAX];
	const char *name;

	if (!id || !a || !c || (!buf && size) ||
	    (!msg && recfmt_alert_text(line, sizeof(line), a, c) < 0))
		return -1;
	syslogout_sb_header(&b, id, a->verdict == KB_VERDICT_HOSTILE ? SEV_WARNING : SEV_NOTICE,
		  a->ts_ns, "alert");
	syslogout_sb_param_u(&b, "id", a->alert_id);
	syslogout_sb_param_u(&b, "seq", c->pos);
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
	syslogout_sb_msg(&b, id, msg ? msg : line);
	return syslogout_sb_end(&b);
}

int syslogout_alert(char *buf, size_t size, const struct syslogout_id *id,
		    const struct ring_alert *a, const struct recfmt_ctx *c)
{
	return syslogout_alert_form(buf, size, id, SYSLOGOUT_RFC5424, a, c, NULL);
}

int syslogout_record(char *buf, size_t size, const struct syslogout_id *id,
		     enum syslogout_form form, const struct ring_rec *r,
		     const struct recfmt_ctx *c, const char *msg)
{
	union ring_slot u;

	if (!r || form > SYSLOGOUT_JOURNAL)
		return -1;
	if (r->kind != RING_KIND_ALERT)
		return syslogout_drop_form(buf, size, id, form, r, c, msg);
	u.rec = *r;
	return syslogout_alert_form(buf, size, id, form, &u.alert, c, msg);
}

int syslogout_skipped(char *buf, size_t size, const struct syslogout_id *id,
		      enum syslogout_form form, uint64_t ts_ns, uint32_t seg, uint32_t group,
		      uint64_t n, const char *msg)
{
	struct sbuf b = { buf, size, 0, form };

	if (!id || !msg || (!buf && size) || form > SYSLOGOUT_JOURNAL)
		return -1;
	syslogout_sb_header(&b, id, SEV_WARNING, ts_ns, "skipped");
	syslogout_sb_param_u(&b, "skipped", n);
	syslogout_sb_param_u(&b, "segment", seg);
	syslogout_sb_param_u(&b, "group", group);
	syslogout_sb_msg(&b, id, msg);
	return syslogout_sb_end(&b);
}
