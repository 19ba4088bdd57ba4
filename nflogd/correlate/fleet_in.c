/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fleet_in.c - one collector JSON line into a struct fleet_ev: the fields the
 * fleet view reads (doc/json-schema.md), each checked for type and range. */
#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include "classify/kb.h"
#include "correlate/fleet.h"
#include "ring/ringfmt.h"
#include "ring/ringnames.h"
#include "util/errbuf.h"

struct fleet_in {
	struct fleet_ev *ev;
	bool have_ts, have_host, have_kind, have_saddr;
	unsigned nrange;	/* elements of nflog.alert.port_range seen */
};

static bool fleet_in_digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's). */
static int64_t fleet_in_days(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool fleet_ts_parse(const char *s, size_t len, uint64_t *ns)
{
	static const unsigned mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned y, mo, d, h, mi, sec, frac = 0, i, nf = 0;
	int64_t days;

	if (len < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[len - 1] != 'Z')
		return false;
	if (!fleet_in_digits(s, 4, &y) || !fleet_in_digits(s + 5, 2, &mo) ||
	    !fleet_in_digits(s + 8, 2, &d) || !fleet_in_digits(s + 11, 2, &h) ||
	    !fleet_in_digits(s + 14, 2, &mi) || !fleet_in_digits(s + 17, 2, &sec))
		return false;
	if (len > 20) {
		nf = (unsigned)(len - 21);
		if (s[19] != '.' || nf < 1 || nf > 9 || !fleet_in_digits(s + 20, nf, &frac))
			return false;
		for (i = nf; i < 9; i++)
			frac *= 10;
	}
	if (y < 1970 || y > 2500 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
	    sec > 60)
		return false;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return false;
	days = fleet_in_days(y, mo, d);
	*ns = ((uint64_t)days * 86400 + h * 3600u + mi * 60u + sec) * 1000000000ull + frac;
	return true;
}

static bool fleet_in_is(const struct jsonl_leaf *l, const char *path)
{
	return !strcmp(l->path, path);
}

static bool fleet_in_eq(const struct jsonl_leaf *l, const char *word)
{
	return l->len == strlen(word) && !memcmp(l->val, word, l->len);
}

/* An address, into a[16] and *family. */
static enum jsonl_err fleet_in_addr(const struct jsonl_leaf *l, uint8_t *a, uint8_t *family)
{
	char buf[64];

	if (l->type != JSONL_STRING || l->in_array)
		return JSONL_E_TYPE;
	if (l->len >= sizeof(buf))
		return JSONL_E_VALUE;
	memcpy(buf, l->val, l->len);
	buf[l->len] = '\0';
	memset(a, 0, 16);
	if (!memchr(buf, ':', l->len) && inet_pton(AF_INET, buf, a) == 1)
		*family = 4;
	else if (inet_pton(AF_INET6, buf, a) == 1)
		*family = 6;
	else
		return JSONL_E_VALUE;
	return JSONL_OK;
}

static enum jsonl_err fleet_in_port(const struct jsonl_leaf *l, int32_t *port)
{
	int64_t v;

	if (l->type != JSONL_NUMBER || l->in_array)
		return JSONL_E_TYPE;
	if (!jsonl_int(l, 0, 65535, &v))
		return JSONL_E_VALUE;
	*port = (int32_t)v;
	return JSONL_OK;
}

static enum jsonl_err fleet_in_str(const struct jsonl_leaf *l)
{
	return l->type == JSONL_STRING && !l->in_array ? JSONL_OK : JSONL_E_TYPE;
}

static enum jsonl_err fleet_in_host(struct fleet_in *in, const struct jsonl_leaf *l)
{
	size_t i;

	if (fleet_in_str(l) != JSONL_OK)
		return JSONL_E_TYPE;
	if (l->len > FLEET_HOST_MAX)
		return JSONL_E_HUGE;
	if (!l->len)
		return JSONL_E_VALUE;
	for (i = 0; i < l->len; i++)	/* a name for one line of text: no controls */
		if ((unsigned char)l->val[i] < 0x20 || l->val[i] == 0x7f)
			return JSONL_E_VALUE;
	memcpy(in->ev->host, l->val, l->len);
	in->ev->host[l->len] = '\0';
	in->have_host = true;
	return JSONL_OK;
}

static enum jsonl_err fleet_in_time(const struct jsonl_leaf *l, uint64_t *ns)
{
	if (fleet_in_str(l) != JSONL_OK)
		return JSONL_E_TYPE;
	return fleet_ts_parse(l->val, l->len, ns) ? JSONL_OK : JSONL_E_VALUE;
}

static enum jsonl_err fleet_in_transport(struct fleet_ev *ev, const struct jsonl_leaf *l)
{
	if (fleet_in_str(l) != JSONL_OK)
		return JSONL_E_TYPE;
	ev->proto = fleet_in_eq(l, "tcp") ? IPPROTO_TCP : fleet_in_eq(l, "udp") ? IPPROTO_UDP :
		    fleet_in_eq(l, "icmp") ? IPPROTO_ICMP :
		    fleet_in_eq(l, "ipv6-icmp") ? IPPROTO_ICMPV6 : 0;
	return JSONL_OK;
}

static enum jsonl_err fleet_in_verdict(struct fleet_ev *ev, const struct jsonl_leaf *l)
{
	unsigned v;

	if (fleet_in_str(l) != JSONL_OK)
		return JSONL_E_TYPE;
	for (v = KB_VERDICT_UNKNOWN; v <= KB_VERDICT_HOSTILE; v++)
		if (fleet_in_eq(l, kb_verdict_name(v))) {
			ev->verdict = (uint8_t)v;
			return JSONL_OK;
		}
	return JSONL_E_VALUE;
}

/* Words of nflog.tags, nflog.dst_class and nflog.destination.facts that say
 * the destination was not one host. */
static enum jsonl_err fleet_in_bcast_word(struct fleet_ev *ev, const struct jsonl_leaf *l,
					  bool array)
{
	if (l->type == JSONL_ARRAY && array)
		return JSONL_OK;	/* empty */
	if (l->type != JSONL_STRING || l->in_array != array)
		return JSONL_E_TYPE;
	if (fleet_in_eq(l, "broadcast-destination") || fleet_in_eq(l, "broadcast") ||
	    fleet_in_eq(l, "multicast") || fleet_in_eq(l, "limited-broadcast") ||
	    fleet_in_eq(l, "broadcast-ping") || fleet_in_eq(l, "fraggle-probe"))
		ev->bcast = true;
	return JSONL_OK;
}

static enum jsonl_err fleet_in_alert_type(struct fleet_ev *ev, const struct jsonl_leaf *l)
{
	unsigned t;
	const char *name;

	if (fleet_in_str(l) != JSONL_OK)
		return JSONL_E_TYPE;
	for (t = 1; (name = ring_alert_type_name(t)) != NULL; t++)
		if (fleet_in_eq(l, name)) {
			ev->atype = (uint8_t)t;
			return JSONL_OK;
		}
	return JSONL_OK;	/* a newer daemon's type: not one the fleet view reads */
}

static enum jsonl_err fleet_in_alert(struct fleet_in *in, const struct jsonl_leaf *l)
{
	struct fleet_ev *ev = in->ev;
	int64_t v;

	if (fleet_in_is(l, "nflog.alert.type"))
		return fleet_in_alert_type(ev, l);
	if (fleet_in_is(l, "nflog.alert.first_seen"))
		return fleet_in_time(l, &ev->first);
	if (fleet_in_is(l, "nflog.alert.last_seen"))
		return fleet_in_time(l, &ev->last);
	if (fleet_in_is(l, "nflog.alert.sources") || fleet_in_is(l, "nflog.alert.port_count")) {
		if (l->type != JSONL_NUMBER || l->in_array)
			return JSONL_E_TYPE;
		if (!jsonl_int(l, 0, UINT32_MAX, &v))
			return JSONL_E_VALUE;
		if (fleet_in_is(l, "nflog.alert.sources"))
			ev->sources = (uint32_t)v;
		else
			ev->port_count = (uint32_t)v;
	} else if (fleet_in_is(l, "nflog.alert.port_range")) {
		if (l->type != JSONL_NUMBER || !l->in_array)
			return JSONL_E_TYPE;
		if (!jsonl_int(l, 0, 65535, &v))
			return JSONL_E_VALUE;
		if (in->nrange == 0)
			ev->port_lo = (uint16_t)v;
		else if (in->nrange == 1)
			ev->port_hi = (uint16_t)v;
		if (in->nrange++ > 1 || (in->nrange == 2 && ev->port_hi < ev->port_lo))
			return JSONL_E_VALUE;	/* [lo, hi] and nothing else */
	} else if (fleet_in_is(l, "nflog.alert.ports")) {
		if (l->type == JSONL_ARRAY)
			return JSONL_OK;
		if (l->type != JSONL_NUMBER || !l->in_array)
			return JSONL_E_TYPE;
		if (!jsonl_int(l, 0, 65535, &v))
			return JSONL_E_VALUE;
		if (ev->nports < FLEET_PORTS)
			ev->ports[ev->nports++] = (uint16_t)v;
	}
	return JSONL_OK;
}

enum fleet_in_field {
	FI_NONE, FI_TS, FI_HOST, FI_KIND, FI_SADDR, FI_DADDR, FI_SPORT, FI_DPORT, FI_TRANSPORT,
	FI_VERDICT, FI_CATEGORY, FI_TCPFLAGS, FI_TAGS, FI_FACTS, FI_DSTCLASS,
};

/* The fields read, by path; every leaf of a line is looked up here, so the
 * length is compared before the bytes. */
static const struct { const char *path; size_t len; enum fleet_in_field id; } fleet_in_fields[] = {
#define FI(p, id) { p, sizeof(p) - 1, id }
	FI("@timestamp", FI_TS), FI("host.name", FI_HOST), FI("event.kind", FI_KIND),
	FI("source.ip", FI_SADDR), FI("destination.ip", FI_DADDR),
	FI("source.port", FI_SPORT), FI("destination.port", FI_DPORT),
	FI("network.transport", FI_TRANSPORT), FI("nflog.verdict", FI_VERDICT),
	FI("nflog.kb.category", FI_CATEGORY), FI("nflog.tcp.flags", FI_TCPFLAGS),
	FI("nflog.tags", FI_TAGS), FI("nflog.destination.facts", FI_FACTS),
	FI("nflog.dst_class", FI_DSTCLASS),
#undef FI
};

static enum fleet_in_field fleet_in_field(const struct jsonl_leaf *l)
{
	size_t i;

	for (i = 0; i < sizeof(fleet_in_fields) / sizeof(*fleet_in_fields); i++)
		if (fleet_in_fields[i].len == l->path_len &&
		    !memcmp(fleet_in_fields[i].path, l->path, l->path_len))
			return fleet_in_fields[i].id;
	return FI_NONE;
}

static enum jsonl_err fleet_in_kind(struct fleet_in *in, const struct jsonl_leaf *l)
{
	if (fleet_in_str(l) != JSONL_OK)
		return JSONL_E_TYPE;
	in->have_kind = true;
	in->ev->kind = fleet_in_eq(l, "event") ? FLEET_EV_DROP :
		       fleet_in_eq(l, "alert") ? FLEET_EV_ALERT : 0;
	return JSONL_OK;
}

static enum jsonl_err fleet_in_leaf(const struct jsonl_leaf *l, void *arg)
{
	struct fleet_in *in = arg;
	struct fleet_ev *ev = in->ev;

	switch (fleet_in_field(l)) {
	case FI_TS:
		in->have_ts = true;
		return fleet_in_time(l, &ev->ts);
	case FI_HOST:
		return fleet_in_host(in, l);
	case FI_KIND:
		return fleet_in_kind(in, l);
	case FI_SADDR:
		in->have_saddr = true;
		return fleet_in_addr(l, ev->saddr, &ev->family);
	case FI_DADDR:
		return fleet_in_addr(l, ev->daddr, &ev->dfamily);
	case FI_SPORT:
		return fleet_in_port(l, &ev->sport);
	case FI_DPORT:
		return fleet_in_port(l, &ev->dport);
	case FI_TRANSPORT:
		return fleet_in_transport(ev, l);
	case FI_VERDICT:
		return fleet_in_verdict(ev, l);
	case FI_CATEGORY:
		if (fleet_in_str(l) != JSONL_OK)
			return JSONL_E_TYPE;
		ev->noise = fleet_in_eq(l, "noise");
		return JSONL_OK;
	case FI_TCPFLAGS:
		if (fleet_in_str(l) != JSONL_OK)
			return JSONL_E_TYPE;
		ev->ack_rst = memchr(l->val, 'A', l->len) || memchr(l->val, 'R', l->len);
		return JSONL_OK;
	case FI_TAGS:
	case FI_FACTS:
		return fleet_in_bcast_word(ev, l, true);
	case FI_DSTCLASS:
		return fleet_in_bcast_word(ev, l, false);
	case FI_NONE:
		break;
	}
	if (l->path_len > 12 && !memcmp(l->path, "nflog.alert.", 12))
		return fleet_in_alert(in, l);
	return JSONL_OK;
}

enum jsonl_err fleet_ev_parse(const char *line, size_t len, struct fleet_ev *ev,
			      struct jsonl_scratch *sc, char *err, size_t errlen)
{
	struct fleet_in in = { .ev = ev };
	enum jsonl_err e;

	memset(ev, 0, sizeof(*ev));
	ev->sport = ev->dport = -1;
	e = jsonl_walk(line, len, sc, fleet_in_leaf, &in, err, errlen);
	if (e != JSONL_OK)
		return e;
	if (!in.have_host) {
		errbuf_set(err, errlen, "no host.name");
		return JSONL_E_MISSING;
	}
	if (!in.have_ts || !in.have_kind) {
		errbuf_set(err, errlen, "no %s", in.have_ts ? "event.kind" : "@timestamp");
		return JSONL_E_MISSING;
	}
	if (ev->kind == FLEET_EV_DROP && !in.have_saddr) {
		errbuf_set(err, errlen, "drop without source.ip");
		return JSONL_E_MISSING;
	}
	if (ev->kind == FLEET_EV_ALERT && (!ev->first || !ev->last))
		ev->first = ev->last = ev->ts;	/* an older daemon's alert */
	if (in.nrange == 1) {
		errbuf_set(err, errlen, "field nflog.alert.port_range: want [lo, hi]");
		return JSONL_E_VALUE;
	}
	return JSONL_OK;
}
