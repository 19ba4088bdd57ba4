/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recfilter.c - which ring records `nflogctl read` and `alerts` show. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "report/dropagg.h"
#include "report/recfilter.h"
#include "ring/ringnames.h"
#include "util/cidrlist.h"
#include "util/errbuf.h"
#include "util/opts.h"

_Static_assert(__RECFILTER_KEYS <= 32, "recfilter.keys is a 32-bit set");
_Static_assert(__RING_ALERT_MAX <= 32, "recfilter.types is a 32-bit set");
_Static_assert(__KB_VERDICT_MAX <= 8, "recfilter.verdicts is an 8-bit set");

static const char *const recfilter_options[__RECFILTER_KEYS] = {
	[RECFILTER_SRC] = "--src", [RECFILTER_DST] = "--dst", [RECFILTER_PORT] = "--port",
	[RECFILTER_SPORT] = "--sport", [RECFILTER_PROTO] = "--proto",
	[RECFILTER_VERDICT] = "--verdict", [RECFILTER_KB] = "--kb", [RECFILTER_TYPE] = "--type",
};

/* The short words the correlator's own names are known by in speech. */
static const struct { const char *word; unsigned type; } recfilter_type_aliases[] = {
	{ "scan", RING_ALERT_PORTSCAN }, { "decoy", RING_ALERT_DECOY },
	{ "ipid", RING_ALERT_IPID }, { "ttl", RING_ALERT_TTL },
};

const char *recfilter_key_option(enum recfilter_key key)
{
	return (unsigned)key < __RECFILTER_KEYS ? recfilter_options[key] : NULL;
}

void recfilter_init(struct recfilter *f, const struct kb *kb)
{
	memset(f, 0, sizeof(*f));
	f->kb = kb;
}

static void recfilter_bit_set(uint8_t *set, unsigned i)
{
	set[i / 8] |= (uint8_t)(1u << (i % 8));
}

static bool recfilter_bit(const uint8_t *set, unsigned i)
{
	return set[i / 8] >> (i % 8) & 1;
}

static int recfilter_net_add(struct recfilter_net *v, uint8_t *n, const char *opt,
			     const char *value, char *err, size_t errlen)
{
	char why[128];
	unsigned family, plen;

	if (*n >= RECFILTER_VALUES_MAX) {
		errbuf_set(err, errlen, "%s: at most %d values", opt, RECFILTER_VALUES_MAX);
		return -ENOSPC;
	}
	if (cidrlist_parse(value, &family, v[*n].addr, &plen, why, sizeof(why)) < 0) {
		errbuf_set(err, errlen, "%s: %s (want ADDRESS or ADDRESS/PREFIX, IPv4 or IPv6)",
			   opt, why);
		return -EINVAL;
	}
	v[*n].family = (uint8_t)family;
	v[*n].plen = (uint8_t)plen;
	(*n)++;
	return 0;
}

static int recfilter_port_add(uint16_t *v, uint8_t *n, const char *opt, const char *value,
			      char *err, size_t errlen)
{
	uint64_t port;

	if (*n >= RECFILTER_VALUES_MAX) {
		errbuf_set(err, errlen, "%s: at most %d values", opt, RECFILTER_VALUES_MAX);
		return -ENOSPC;
	}
	if (opts_uint(value, 0, 65535, &port) < 0) {
		errbuf_set(err, errlen, "%s: bad port '%.40s': want a number 0..65535", opt, value);
		return -EINVAL;
	}
	v[(*n)++] = (uint16_t)port;
	return 0;
}

static int recfilter_proto_add(struct recfilter *f, const char *value, char *err, size_t errlen)
{
	static const struct { const char *name; unsigned proto; } names[] = {
		{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "icmp", IPPROTO_ICMP },
		{ "icmpv6", IPPROTO_ICMPV6 }, { "udplite", IPPROTO_UDPLITE },
		{ "sctp", IPPROTO_SCTP }, { "gre", IPPROTO_GRE }, { "esp", IPPROTO_ESP },
	};
	uint64_t num;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(value, names[i].name)) {
			recfilter_bit_set(f->protos, names[i].proto);
			return 0;
		}
	}
	if (opts_uint(value, 0, 255, &num) < 0) {
		errbuf_set(err, errlen, "--proto: unknown protocol '%.40s': want tcp, udp, icmp, "
			   "icmpv6 (also udplite, sctp, gre, esp) or a number 0..255", value);
		return -EINVAL;
	}
	recfilter_bit_set(f->protos, (unsigned)num);
	return 0;
}

static int recfilter_verdict_add(struct recfilter *f, const char *value, char *err,
				 size_t errlen)
{
	unsigned v;

	for (v = 0; v < __KB_VERDICT_MAX; v++) {
		if (!strcmp(value, kb_verdict_name(v))) {
			f->verdicts |= (uint8_t)(1u << v);
			return 0;
		}
	}
	errbuf_set(err, errlen, "--verdict: unknown verdict '%.40s': want unknown, expected, "
		   "noise, suspicious or hostile", value);
	return -EINVAL;
}

/* "a, b, c" of the names fn gives for 1..max-1, appended to err after the
 * reason already in it (cut short when err is). */
static void recfilter_list(char *err, size_t errlen, const char *(*fn)(const void *, unsigned),
			   const void *ctx, unsigned max)
{
	size_t len = err ? strlen(err) : 0;
	unsigned i;
	int first = 1;

	for (i = 1; i < max && len + 1 < errlen; i++) {
		const char *name = fn(ctx, i);

		if (!name)
			continue;
		errbuf_set(err + len, errlen - len, "%s%s", first ? "" : ", ", name);
		len += strlen(err + len);
		first = 0;
	}
	if (len + 1 < errlen)
		errbuf_set(err + len, errlen - len, ")");
}

static const char *recfilter_cat_name(const void *kb, unsigned id)
{
	const struct kb_category *c = kb_category_by_id(kb, (uint16_t)id);

	return c ? c->name : NULL;
}

static int recfilter_kb_add(struct recfilter *f, const char *value, char *err, size_t errlen)
{
	unsigned id;

	for (id = 1; id < 256; id++) {
		const char *name = recfilter_cat_name(f->kb, id);

		if (name && !strcmp(name, value)) {
			recfilter_bit_set(f->cats, id);
			return 0;
		}
	}
	errbuf_set(err, errlen, "--kb: unknown kb category '%.40s' (one of: ", value);
	recfilter_list(err, errlen, recfilter_cat_name, f->kb, 256);
	return -EINVAL;
}

static const char *recfilter_type_name(const void *ctx, unsigned type)
{
	(void)ctx;
	return ring_alert_type_name(type);
}

static int recfilter_type_add(struct recfilter *f, const char *value, char *err, size_t errlen)
{
	unsigned t;
	size_t i;

	for (i = 0; i < sizeof(recfilter_type_aliases) / sizeof(recfilter_type_aliases[0]); i++) {
		if (!strcmp(value, recfilter_type_aliases[i].word)) {
			f->types |= 1u << recfilter_type_aliases[i].type;
			return 0;
		}
	}
	for (t = 1; t < __RING_ALERT_MAX; t++) {
		const char *name = ring_alert_type_name(t);

		if (name && !strcmp(value, name)) {
			f->types |= 1u << t;
			return 0;
		}
	}
	errbuf_set(err, errlen, "--type: unknown alert type '%.40s' (scan, decoy, ipid, ttl, or "
		   "one of: ", value);
	recfilter_list(err, errlen, recfilter_type_name, NULL, __RING_ALERT_MAX);
	return -EINVAL;
}

/* The reason quotes what the user typed: a control byte in it (a newline,
 * an escape sequence) must not reach the terminal as such. */
static void recfilter_printable(char *err, size_t errlen)
{
	size_t i;

	for (i = 0; err && i < errlen && err[i]; i++)
		if ((unsigned char)err[i] < 0x20 || err[i] == 0x7f)
			err[i] = '?';
}

int recfilter_add(struct recfilter *f, enum recfilter_key key, const char *value,
		  char *err, size_t errlen)
{
	int rc;

	switch (key) {
	case RECFILTER_SRC:
		rc = recfilter_net_add(f->src, &f->nsrc, "--src", value, err, errlen);
		break;
	case RECFILTER_DST:
		rc = recfilter_net_add(f->dst, &f->ndst, "--dst", value, err, errlen);
		break;
	case RECFILTER_PORT:
		rc = recfilter_port_add(f->port, &f->nport, "--port", value, err, errlen);
		break;
	case RECFILTER_SPORT:
		rc = recfilter_port_add(f->sport, &f->nsport, "--sport", value, err, errlen);
		break;
	case RECFILTER_PROTO:
		rc = recfilter_proto_add(f, value, err, errlen);
		break;
	case RECFILTER_VERDICT:
		rc = recfilter_verdict_add(f, value, err, errlen);
		break;
	case RECFILTER_KB:
		rc = recfilter_kb_add(f, value, err, errlen);
		break;
	case RECFILTER_TYPE:
		rc = recfilter_type_add(f, value, err, errlen);
		break;
	default:
		errbuf_set(err, errlen, "no such filter (%d)", (int)key);
		return -EINVAL;
	}
	if (rc == 0)
		f->keys |= 1u << key;
	else
		recfilter_printable(err, errlen);
	return rc;
}

/* addr (of family) lies in one of the n prefixes. */
static bool recfilter_in_nets(const struct recfilter_net *v, unsigned n, unsigned family,
			      const uint8_t addr[16])
{
	unsigned i;

	for (i = 0; i < n; i++) {
		unsigned full = v[i].plen / 8, rest = v[i].plen % 8;

		if (v[i].family != family || memcmp(v[i].addr, addr, full))
			continue;
		if (rest && ((addr[full] ^ v[i].addr[full]) & (uint8_t)(0xff00u >> rest)))
			continue;
		return true;
	}
	return false;
}

static bool recfilter_in_ports(const uint16_t *v, unsigned n, uint16_t port)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (v[i] == port)
			return true;
	return false;
}

/* An alert's destination ports are the range its incident covered. */
static bool recfilter_alert_ports(const struct recfilter *f, const struct ring_alert *a)
{
	unsigned i;

	if (!a->ports)
		return false;
	for (i = 0; i < f->nport; i++)
		if (f->port[i] >= a->port_lo && f->port[i] <= a->port_hi)
			return true;
	return false;
}

/* Key k was given and v (a verdict or alert type) is not one of set's bits. */
static bool recfilter_misses(uint32_t keys, enum recfilter_key k, uint32_t set, unsigned v)
{
	return (keys >> k & 1) && !(v < 32 && (set >> v & 1));
}

static bool recfilter_alert(const struct recfilter *f, const struct ring_rec *r)
{
	union ring_slot u = { .rec = *r };
	const struct ring_alert *a = &u.alert;
	const struct kb_port *row;
	uint32_t k = f->keys;

	if ((k & 1u << RECFILTER_SPORT) || recfilter_misses(k, RECFILTER_TYPE, f->types, a->type) ||
	    recfilter_misses(k, RECFILTER_VERDICT, f->verdicts, a->verdict))
		return false;
	if ((k & 1u << RECFILTER_SRC) && !recfilter_in_nets(f->src, f->nsrc, a->family, a->saddr))
		return false;
	if ((k & 1u << RECFILTER_DST) && !recfilter_in_nets(f->dst, f->ndst, a->family, a->daddr))
		return false;
	if ((k & 1u << RECFILTER_PORT) && !recfilter_alert_ports(f, a))
		return false;
	if ((k & 1u << RECFILTER_PROTO) && !recfilter_bit(f->protos, a->proto))
		return false;
	if (!(k & 1u << RECFILTER_KB))
		return true;
	row = a->kb_id ? kb_port_by_id(f->kb, a->kb_id) : NULL;
	return row && row->category && recfilter_bit(f->cats, row->category);
}

bool recfilter_match(const struct recfilter *f, const struct ring_rec *r)
{
	uint32_t k = f->keys;
	bool addrs, ports;

	if (!k)
		return true;
	if (r->kind == RING_KIND_ALERT)
		return recfilter_alert(f, r);
	if ((k & 1u << RECFILTER_TYPE) || recfilter_misses(k, RECFILTER_VERDICT, f->verdicts,
							    r->klass.verdict))
		return false;
	/* Addresses, protocol and ports only where the decoder got that far. */
	addrs = dropagg_has_addrs(r);
	ports = addrs && dropagg_has_l4(r) && dropagg_has_ports(r->proto);
	if ((k & 1u << RECFILTER_SRC) &&
	    !(addrs && recfilter_in_nets(f->src, f->nsrc, r->family, r->saddr)))
		return false;
	if ((k & 1u << RECFILTER_DST) &&
	    !(addrs && recfilter_in_nets(f->dst, f->ndst, r->family, r->daddr)))
		return false;
	if ((k & 1u << RECFILTER_PROTO) && !(addrs && recfilter_bit(f->protos, r->proto)))
		return false;
	if ((k & 1u << RECFILTER_PORT) &&
	    !(ports && recfilter_in_ports(f->port, f->nport, r->dport)))
		return false;
	if ((k & 1u << RECFILTER_SPORT) &&
	    !(ports && recfilter_in_ports(f->sport, f->nsport, r->sport)))
		return false;
	if ((k & 1u << RECFILTER_KB) &&
	    !(r->klass.category && recfilter_bit(f->cats, r->klass.category)))
		return false;
	return true;
}
