/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_suggest.c - the rule-suggestion engine on synthetic drops and alerts.
 *
 * Drop records are built the way the capture thread fills them: addresses,
 * ports, group, the classifier's verdict and tags, and kb ids looked up in
 * kb_builtin() as classify.c would. Alerts carry what the correlator writes.
 * Each test feeds alerts first, then drops, finishes, and checks the counts
 * and the script or JSON text (substrings: the layout is for people).
 *
 * SUGGEST_SHOW=1 prints the script made from a realistic mix (test_show).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/kb.h"
#include "ruleset/nftnames.h"
#include "suggest/suggest.h"

#define BASE_NS		1700000000000000000ull	/* records' clock: 2023-11-14 */
#define SEC		1000000000ull
#define CAT_DYNAMIC	5			/* kb/categories.tsv */

#define assert_has(hay, needle) do {						\
	if (!strstr((hay), (needle))) {						\
		print_message("missing: %s\n--- output ---\n%s\n", (needle), (hay));	\
		fail();								\
	}									\
} while (0)
#define assert_lacks(hay, needle) do {						\
	if (strstr((hay), (needle))) {						\
		print_message("unexpected: %s\n--- output ---\n%s\n", (needle), (hay));	\
		fail();								\
	}									\
} while (0)

/* ---- builders ---------------------------------------------------------- */

static unsigned addr(uint8_t a[16], const char *text)
{
	memset(a, 0, 16);
	if (strchr(text, ':')) {
		assert_int_equal(inet_pton(AF_INET6, text, a), 1);
		return 6;
	}
	assert_int_equal(inet_pton(AF_INET, text, a), 1);
	return 4;
}

/* A TCP/UDP drop, classified: kb rows as classify.c picks them. */
static struct ring_rec rec(const char *src, const char *dst, uint8_t proto, uint16_t sport,
			   uint16_t dport, uint8_t verdict, uint32_t tags, uint64_t ts)
{
	const struct kb_port *dp, *sp;
	struct ring_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = RING_KIND_DROP;
	r.family = (uint8_t)addr(r.saddr, src);
	assert_int_equal(addr(r.daddr, dst), r.family);
	r.proto = proto;
	r.status = RING_ST_OK;
	r.ttl = 52;
	r.sport = sport;
	r.dport = dport;
	r.group = 10;
	r.ts_ns = ts ? ts : BASE_NS;
	dp = kb_port_lookup(kb_builtin(), KB_DIR_DST, proto, dport);
	sp = kb_port_lookup(kb_builtin(), KB_DIR_SRC, proto, sport);
	r.klass.kb_dport = dp ? dp->id : 0;
	r.klass.kb_sport = sp ? sp->id : 0;
	r.klass.kb_id = sp && (!dp || dp->category == CAT_DYNAMIC) ? sp->id : dp ? dp->id : 0;
	r.klass.verdict = verdict;
	r.klass.tags = tags;
	if (r.klass.kb_id)	/* as classify.c does: the informative row's category */
		r.klass.category = kb_port_by_id(kb_builtin(), r.klass.kb_id)->category;
	return r;
}

static struct ring_rec icmp_rec(const char *src, const char *dst, uint8_t type, uint8_t code)
{
	struct ring_rec r = rec(src, dst, 0, 0, 0, KB_VERDICT_NOISE, 0, 0);
	const struct kb_icmp *row;

	r.proto = r.family == 6 ? 58 : 1;
	r.icmp_type = type;
	r.icmp_code = code;
	row = kb_icmp_lookup(kb_builtin(), r.family, type, code);
	r.klass.kb_icmp = row ? row->id : 0;
	r.klass.verdict = row ? row->verdict : 0;
	return r;
}

/* An alert as the correlator writes it (OPEN, 120 ports by SYN scan). */
static struct ring_alert alert(uint32_t id, uint8_t type, uint8_t verdict, const char *src,
			       const char *dst, uint64_t ts)
{
	struct ring_alert a;

	memset(&a, 0, sizeof(a));
	a.kind = RING_KIND_ALERT;
	a.alert_id = id;
	a.type = type;
	a.state = RING_ALERT_OPEN;
	a.verdict = verdict;
	a.family = (uint8_t)addr(a.saddr, src);
	addr(a.daddr, dst);
	a.proto = 6;
	a.ts_ns = ts ? ts : BASE_NS;
	a.last_seen = a.ts_ns;
	a.first_seen = a.ts_ns - 5 * SEC;
	a.ports = 120;
	a.targets = 1;
	a.sources = 1;
	a.packets = 130;
	a.port_lo = 1;
	a.port_hi = 1024;
	a.scan_tags = RING_ALERT_SCAN_SYN;
	return a;
}

/* ---- fixture ----------------------------------------------------------- */

struct fx {
	struct cidrlist		*own, *allow;
	struct suggest_logrule	 rules[8];
	struct suggest_cfg	 cfg;
	struct suggest		*s;
	char			*out;
};

static void fx_list(struct cidrlist *l, const char *text)
{
	unsigned family, plen;
	uint8_t a[16];
	char err[128];

	assert_int_equal(cidrlist_parse(text, &family, a, &plen, err, sizeof(err)), 0);
	assert_int_equal(cidrlist_add(l, family, a, plen), 0);
}

static void fx_rule(struct suggest_logrule *r, uint16_t group, const char *prefix,
		    const char *family, const char *table, const char *chain, uint64_t handle)
{
	memset(r, 0, sizeof(*r));
	r->group = group;
	snprintf(r->prefix, sizeof(r->prefix), "%s", prefix);
	snprintf(r->family, sizeof(r->family), "%s", family);
	snprintf(r->table, sizeof(r->table), "%s", table);
	snprintf(r->chain, sizeof(r->chain), "%s", chain);
	r->handle = handle;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->own = cidrlist_new();
	f->allow = cidrlist_new();
	if (!f->own || !f->allow)
		return -1;
	fx_list(f->own, "192.0.2.1");
	fx_list(f->own, "192.0.2.255");
	fx_list(f->own, "2001:db8::1");
	fx_list(f->allow, "198.51.100.0/24");
	fx_rule(&f->rules[0], 10, NFT_PREFIX_DROP, "inet", "filter", "input", 7);
	f->cfg.kb = kb_builtin();
	f->cfg.allow = f->allow;
	f->cfg.own = f->own;
	f->cfg.logrules = f->rules;
	f->cfg.nlogrules = 1;
	f->cfg.ruleset_known = true;
	f->cfg.own_table_installed = true;
	f->cfg.log_group = 10;
	f->cfg.now_ns = BASE_NS + 3600 * SEC;
	f->cfg.ring_path = "/var/lib/nflogd/ring";
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	suggest_free(f->s);
	cidrlist_free(f->own);
	cidrlist_free(f->allow);
	free(f->out);
	free(f);
	return 0;
}

static struct suggest *fx_new(struct fx *f)
{
	suggest_free(f->s);
	f->s = suggest_new(&f->cfg);
	assert_non_null(f->s);
	return f->s;
}

static void fx_drop(struct fx *f, const struct ring_rec *r, const char *prefix)
{
	assert_int_equal(suggest_add_drop(f->s, r, prefix), 0);
}

/* n copies of r, each a second after the one before. */
static void fx_drops(struct fx *f, struct ring_rec r, unsigned n, const char *prefix)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		r.ts_ns += SEC;
		fx_drop(f, &r, prefix);
	}
}

static void fx_alert(struct fx *f, const struct ring_alert *a)
{
	assert_int_equal(suggest_add_alert(f->s, a), 0);
}

static void fx_finish(struct fx *f)
{
	assert_int_equal(suggest_finish(f->s), 0);
}

static const char *fx_write(struct fx *f, bool json)
{
	size_t len = 0;
	FILE *m;

	free(f->out);
	f->out = NULL;
	m = open_memstream(&f->out, &len);
	assert_non_null(m);
	if (json)
		assert_int_equal(suggest_write_json(f->s, m), 0);
	else
		assert_int_equal(suggest_write_nft(f->s, m), 0);
	assert_int_equal(fclose(m), 0);
	return f->out;
}

static const char *fx_nft(struct fx *f)
{
	return fx_write(f, false);
}

static const char *fx_json(struct fx *f)
{
	return fx_write(f, true);
}

static const struct suggest_block *fx_block(struct fx *f, const char *src)
{
	const struct suggest_block *b;
	uint8_t a[16];
	unsigned fam = addr(a, src);
	size_t i, n = suggest_blocks(f->s, &b);

	for (i = 0; i < n; i++)
		if (b[i].family == fam && !memcmp(b[i].addr, a, 16))
			return &b[i];
	return NULL;
}

/* ---- silence ----------------------------------------------------------- */

static void test_silence(void **state)
{
	struct fx *f = *state;
	const char *out;

	fx_new(f);
	fx_drops(f, rec("192.0.2.7", "192.0.2.255", 17, 137, 137, KB_VERDICT_NOISE,
			RING_TAG_BCAST_DST | RING_TAG_NBSTAT, 0), 8, NFT_PREFIX_DROP);
	fx_drops(f, rec("192.0.2.9", "192.0.2.255", 17, 137, 137, KB_VERDICT_NOISE,
			RING_TAG_BCAST_DST, 0), 4, NFT_PREFIX_DROP);
	fx_finish(f);
	assert_int_equal(suggest_count(f->s, SUGGEST_SILENCE), 1);
	out = fx_nft(f);
	assert_has(out, "insert rule inet filter input position 7 meta pkttype { broadcast, "
		   "multicast } udp dport 137 drop comment \"nflogd: unlogged drop of udp 137 "
		   "netbios-ns broadcasts\"\n");
	assert_has(out, "# UDP 137 (netbios-ns) to broadcast/multicast: 12 drops from 2 sources: "
		   "192.0.2.7 (8), 192.0.2.9 (4)");
	assert_has(out, "#   meaning: netbios-ns: NetBIOS name query");
	assert_has(out, "these drops are no longer logged");
	/* nothing else is made of them */
	assert_int_equal(suggest_count(f->s, SUGGEST_RATELIMIT), 0);
	assert_int_equal(suggest_count(f->s, SUGGEST_BLOCK), 0);
}

static void test_silence_threshold(void **state)
{
	struct fx *f = *state;

	/* 9 < 10: not yet */
	fx_new(f);
	fx_drops(f, rec("192.0.2.7", "192.0.2.255", 17, 138, 138, KB_VERDICT_NOISE,
			RING_TAG_BCAST_DST, 0), 9, NFT_PREFIX_DROP);
	/* unicast NetBIOS is not broadcast noise */
	fx_drops(f, rec("192.0.2.7", "192.0.2.1", 17, 137, 137, KB_VERDICT_NOISE, 0, 0), 20,
		 NFT_PREFIX_DROP);
	/* hostile broadcasts (fraggle probes) are never silenced */
	fx_drops(f, rec("192.0.2.8", "192.0.2.255", 17, 1024, 7, KB_VERDICT_HOSTILE,
			RING_TAG_BCAST_DST | RING_TAG_FRAGGLE, 0), 20, NFT_PREFIX_DROP);
	/* TCP to a broadcast address is not a noise kind */
	fx_drops(f, rec("192.0.2.8", "255.255.255.255", 6, 1024, 445, KB_VERDICT_SUSPICIOUS, 0, 0),
		 20, NFT_PREFIX_DROP);
	fx_finish(f);
	assert_int_equal(suggest_count(f->s, SUGGEST_SILENCE), 0);
	assert_has(fx_nft(f), "# === 1. Silence known-harmless noise (dropped before the log rule, "
		   "unlogged) ===\n# (nothing)\n");

	/* a threshold of 5 takes the 9 */
	f->cfg.silence_min = 5;
	fx_new(f);
	fx_drops(f, rec("192.0.2.7", "192.0.2.255", 17, 138, 138, KB_VERDICT_NOISE,
			RING_TAG_BCAST_DST, 0), 9, NFT_PREFIX_DROP);
	fx_finish(f);
	assert_int_equal(suggest_count(f->s, SUGGEST_SILENCE), 1);
	assert_has(fx_nft(f), "udp dport 138 drop");
}

static void test_silence_kinds(void **state)
{
	struct fx *f = *state;
	const char *out;

	fx_new(f);
	/* DHCP discover from a neighbour with no address yet */
	fx_drops(f, rec("0.0.0.0", "255.255.255.255", 17, 68, 67, KB_VERDICT_NOISE, 0, 0), 10,
		 NFT_PREFIX_DROP);
	/* offers to someone else */
	fx_drops(f, rec("192.0.2.254", "255.255.255.255", 17, 67, 68, KB_VERDICT_NOISE,
			RING_TAG_BCAST_DST, 0), 11, NFT_PREFIX_DROP);
	/* mDNS over both families, SSDP (a suspicious row, still multicast noise) */
	fx_drops(f, rec("192.0.2.20", "224.0.0.251", 17, 5353, 5353, KB_VERDICT_NOISE, 0, 0), 6,
		 NFT_PREFIX_DROP);
	fx_drops(f, rec("fe80::20", "ff02::fb", 17, 5353, 5353, KB_VERDICT_NOISE,
			RING_TAG_MARTIAN_SRC, 0), 6, NFT_PREFIX_DROP);
	fx_drops(f, rec("192.0.2.21", "239.255.255.250", 17, 50000, 1900, KB_VERDICT_SUSPICIOUS, 0,
			0), 30, NFT_PREFIX_DROP);
	fx_finish(f);
	assert_int_equal(suggest_count(f->s, SUGGEST_SILENCE), 4);
	out = fx_nft(f);
	assert_has(out, "position 7 meta pkttype broadcast udp sport 68 udp dport 67 drop comment "
		   "\"nflogd: unlogged drop of dhcp 68->67 broadcasts\"");
	assert_has(out, "position 7 meta pkttype broadcast udp sport 67 udp dport 68 drop");
	assert_has(out, "# DHCP requests (UDP 68 -> 67) to broadcast/multicast: 10 drops from 1 "
		   "source: 0.0.0.0 (10)");
	assert_has(out, "meta pkttype { broadcast, multicast } udp dport 5353 drop");
	assert_has(out, "12 drops from 2 sources: 192.0.2.20 (6), fe80::20 (6)");
	assert_has(out, "meta pkttype { broadcast, multicast } udp dport 1900 drop");
	/* by drops: SSDP (30), mDNS (12), DHCP offers (11), DHCP requests (10) */
	assert_true(strstr(out, "dport 1900") < strstr(out, "dport 5353"));
	assert_true(strstr(out, "dport 5353") < strstr(out, "sport 67 udp dport 68"));
	assert_true(strstr(out, "sport 67 udp dport 68") < strstr(out, "sport 68 udp dport 67"));
	/* a DHCP client without an address is not a spoofed source */
	assert_int_equal(suggest_count(f->s, SUGGEST_ANTISPOOF), 1);	/* fe80:: is martian */
}

/* ---- block ------------------------------------------------------------- */

static void test_block_timeouts(void **state)
{
	struct fx *f = *state;
	struct ring_alert a;
	const struct suggest_block *b;
	const char *out;
	unsigned i;

	fx_new(f);
	/* one hostile port scan: 6h */
	a = alert(100, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "203.0.113.1", "192.0.2.1", 0);
	fx_alert(f, &a);
	/* one suspicious sweep: 1h */
	a = alert(101, RING_ALERT_SWEEP, KB_VERDICT_SUSPICIOUS, "203.0.113.2", "192.0.2.1", 0);
	a.port_lo = a.port_hi = 22;
	a.targets = 40;
	a.kb_id = kb_port_lookup(kb_builtin(), KB_DIR_DST, 6, 22)->id;
	fx_alert(f, &a);
	/* a hostile scan and a suspicious sweep: 2 incidents, 12h */
	a = alert(102, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "203.0.113.3", "192.0.2.1", 0);
	fx_alert(f, &a);
	a = alert(103, RING_ALERT_SWEEP, KB_VERDICT_SUSPICIOUS, "203.0.113.3", "192.0.2.1", 0);
	fx_alert(f, &a);
	/* eight hostile incidents: 6h << 7 is past a week: 7d */
	for (i = 0; i < 8; i++) {
		a = alert(200 + i, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "203.0.113.4",
			  "192.0.2.1", BASE_NS + i * 100 * SEC);
		fx_alert(f, &a);
	}
	/* three suspicious incidents: 1h, 2h, 4h */
	for (i = 0; i < 3; i++) {
		a = alert(300 + i, RING_ALERT_SWEEP, KB_VERDICT_SUSPICIOUS, "203.0.113.6",
			  "192.0.2.1", 0);
		fx_alert(f, &a);
	}
	/* a lone Slammer probe: hostile, no alert, 1h */
	fx_drops(f, rec("203.0.113.5", "192.0.2.1", 17, 1234, 1434, KB_VERDICT_HOSTILE,
			RING_TAG_SLAMMER, 0), 3, NFT_PREFIX_DROP);
	fx_finish(f);

	assert_int_equal(suggest_count(f->s, SUGGEST_BLOCK), 6);
	assert_int_equal(suggest_blocks(f->s, &b), 6);
	assert_int_equal(fx_block(f, "203.0.113.1")->timeout_s, 6 * 3600);
	assert_int_equal(fx_block(f, "203.0.113.2")->timeout_s, 3600);
	assert_int_equal(fx_block(f, "203.0.113.3")->timeout_s, 12 * 3600);
	assert_int_equal(fx_block(f, "203.0.113.3")->incidents, 2);
	assert_int_equal(fx_block(f, "203.0.113.4")->timeout_s, 7 * 86400);
	assert_int_equal(fx_block(f, "203.0.113.4")->incidents, 8);
	assert_int_equal(fx_block(f, "203.0.113.5")->timeout_s, 3600);
	assert_int_equal(fx_block(f, "203.0.113.5")->incidents, 1);
	assert_int_equal(fx_block(f, "203.0.113.6")->timeout_s, 4 * 3600);
	assert_non_null(strstr(fx_block(f, "203.0.113.5")->why, "3 probes the kb rates hostile "
							      "(UDP 1434 ms-sql-m, slammer)"));

	out = fx_nft(f);
	assert_has(out, "add table inet nflogd\nadd set inet nflogd block4 { type ipv4_addr; "
		   "flags timeout; }\n");
	assert_lacks(out, "block6");
	assert_has(out, "add element inet nflogd block4 { 203.0.113.1 timeout 6h }\n");
	assert_has(out, "add element inet nflogd block4 { 203.0.113.3 timeout 12h }\n");
	assert_has(out, "add element inet nflogd block4 { 203.0.113.4 timeout 7d }\n");
	assert_has(out, "add element inet nflogd block4 { 203.0.113.5 timeout 1h }\n");
	assert_has(out, "# 203.0.113.3: port-scan alert 102 (SYN scan, 120 ports of 192.0.2.1); "
		   "sweep alert 103 (SYN scan, port 1, 1 hosts from 192.0.2.1), 2 incidents -> 12h");
	assert_has(out, "# 203.0.113.2: sweep alert 101 (SYN scan, port 22 ssh, 40 hosts from "
		   "192.0.2.1), 1 incident -> 1h");
	assert_has(out, "dropped and logged as nflogd-block for 12h before your rules see it");
	/* installed: no hint to install */
	assert_lacks(out, "rules install` adds");
}

static void test_block_durations(void **state)
{
	struct fx *f = *state;
	struct ring_alert a;
	unsigned i;

	/* 1h doubled 5 times: 32h = 1d8h */
	fx_new(f);
	for (i = 0; i < 6; i++) {
		a = alert(10 + i, RING_ALERT_SWEEP, KB_VERDICT_SUSPICIOUS, "203.0.113.9",
			  "192.0.2.1", 0);
		fx_alert(f, &a);
	}
	fx_finish(f);
	assert_int_equal(fx_block(f, "203.0.113.9")->timeout_s, 32 * 3600);
	assert_has(fx_nft(f), "{ 203.0.113.9 timeout 1d8h }");
	assert_has(fx_json(f), "\"timeout_s\":115200,\"incidents\":6");
}

static void test_block_not_below(void **state)
{
	struct fx *f = *state;
	struct ring_alert a;

	fx_new(f);
	/* a scan judged noise, a traceroute, a heartbeat: no block */
	a = alert(1, RING_ALERT_PORTSCAN, KB_VERDICT_NOISE, "203.0.113.1", "192.0.2.1", 0);
	fx_alert(f, &a);
	a = alert(2, RING_ALERT_TRACEROUTE, KB_VERDICT_NOISE, "203.0.113.2", "192.0.2.1", 0);
	fx_alert(f, &a);
	a = alert(3, RING_ALERT_HEARTBEAT, KB_VERDICT_NOISE, "203.0.113.3", "192.0.2.1", 0);
	fx_alert(f, &a);
	/* suspicious probes are not hostile ones */
	fx_drops(f, rec("203.0.113.4", "192.0.2.1", 6, 40000, 23, KB_VERDICT_SUSPICIOUS, 0, 0), 50,
		 NFT_PREFIX_DROP);
	fx_finish(f);
	assert_int_equal(suggest_count(f->s, SUGGEST_BLOCK), 0);
	assert_int_equal(suggest_skipped(f->s), 0);
	assert_has(fx_nft(f), "# === 2. Block hostile sources for a while (timed set elements) ===\n"
		   "# (nothing)\n");
}

/* Trojan ports are rated suspicious (they harm only an infected host), but
 * a probe of one is reason enough for a short block; other suspicious
 * probes (telnet, above) are not. */
static void test_block_trojan_probe(void **state)
{
	struct fx *f = *state;

	fx_new(f);
	fx_drops(f, rec("203.0.113.77", "192.0.2.1", 6, 40000, 31337, KB_VERDICT_SUSPICIOUS, 0, 0),
		 3, NFT_PREFIX_DROP);
	fx_drops(f, rec("203.0.113.78", "192.0.2.1", 6, 40000, 27374, KB_VERDICT_SUSPICIOUS, 0, 0),
		 1, NFT_PREFIX_DROP);
	fx_drops(f, rec("203.0.113.79", "192.0.2.1", 6, 40000, 25, KB_VERDICT_SUSPICIOUS, 0, 0),
		 5, NFT_PREFIX_DROP);
	fx_finish(f);
	assert_int_equal(fx_block(f, "203.0.113.77")->timeout_s, 3600);
	assert_int_equal(fx_block(f, "203.0.113.78")->timeout_s, 3600);
	assert_null(fx_block(f, "203.0.113.79"));
	assert_int_equal(suggest_count(f->s, SUGGEST_BLOCK), 2);
	/* suspicious, not hostile: the port's name is the evidence */
	assert_non_null(strstr(fx_block(f, "203.0.113.77")->why,
			       "suspicious: 3 probes of a port known for bo (TCP 31337)"));
	assert_non_null(strstr(fx_block(f, "203.0.113.78")->why,
			       "suspicious: 1 probe of a port known for sub7 (TCP 27374)"));
	assert_null(strstr(fx_block(f, "203.0.113.77")->why, "hostile"));
}

static void test_block_v6_and_table(void **state)
{
	struct fx *f = *state;
	struct ring_alert a;
	const char *out;

	f->cfg.own_table_installed = false;
	f->cfg.own_table = "fw_x";
	fx_new(f);
	a = alert(7, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "2001:db8:bad::7", "2001:db8::1", 0);
	fx_alert(f, &a);
	fx_finish(f);
	out = fx_nft(f);
	assert_has(out, "add table inet fw_x\nadd set inet fw_x block6 { type ipv6_addr; flags "
		   "timeout; }\n");
	assert_lacks(out, "block4");
	assert_has(out, "add element inet fw_x block6 { 2001:db8:bad::7 timeout 6h }");
	assert_has(out, "`nflogctl rules install` adds the chain that drops these sources (without "
		   "it the set elements do nothing)");
	assert_has(out, "(once `nflogctl rules install` ran)");
}

/* ---- safety ------------------------------------------------------------ */

static void test_safety_addresses(void **state)
{
	static const struct { const char *src, *reason; } cases[] = {
		{ "192.0.2.1", "this host's address" },
		{ "192.0.2.255", "this host's address" },
		{ "2001:db8::1", "this host's address" },
		{ "127.0.0.1", "loopback address" },
		{ "::1", "loopback address" },
		{ "0.0.0.0", "unspecified address" },
		{ "::", "unspecified address" },
		{ "::ffff:127.0.0.2", "loopback address" },
		{ "255.255.255.255", "broadcast address" },
		{ "224.0.0.5", "multicast address" },
		{ "ff02::1", "multicast address" },
		{ "198.51.100.7", "allowlist 198.51.100.0/24" },
	};
	struct fx *f = *state;
	char line[128];
	const char *out;
	size_t i;

	fx_new(f);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ring_alert a = alert((uint32_t)i + 1, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE,
					    cases[i].src, strchr(cases[i].src, ':') ?
					    "2001:db8::1" : "192.0.2.1", 0);

		fx_alert(f, &a);
	}
	/* and one that is fine, so the rules are seen to be specific */
	{
		struct ring_alert a = alert(99, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE,
					    "198.51.99.7", "192.0.2.1", 0);

		fx_alert(f, &a);
	}
	fx_finish(f);
	assert_int_equal(suggest_count(f->s, SUGGEST_BLOCK), 1);
	assert_non_null(fx_block(f, "198.51.99.7"));
	assert_int_equal(suggest_skipped(f->s), sizeof(cases) / sizeof(cases[0]));
	out = fx_nft(f);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(line, sizeof(line), "#   %s: %s\n", cases[i].src, cases[i].reason);
		assert_has(out, line);
		assert_null(fx_block(f, cases[i].src));
	}
	assert_has(out, "# Not blocked (safety):\n");
	out = fx_json(f);
	assert_has(out, "{\"source\":\"198.51.100.7\",\"reason\":\"allowlist 198.51.100.0/24\"}");
	assert_has(out, "{\"source\":\"192.0.2.1\",\"reason\":\"this host's address\"}");
}

static void test_safety_decoy(void **state)
{
	struct fx *f = *state;
	uint64_t t = BASE_NS;
	struct ring_alert a;
	struct ring_rec r;
	const char *out;

	/* Even with TTL evidence nobody in a decoy incident is blocked: nmap
	 * randomises the TTL of every probe, so the evidence does not single out
	 * the real source. Members' own hostile probes do not get them blocked. */
	fx_new(f);
	a = alert(40, RING_ALERT_DECOY, KB_VERDICT_HOSTILE, "203.0.113.50", "192.0.2.1", t);
	a.first_seen = t - 20 * SEC;
	a.port_lo = 20;
	a.port_hi = 30;
	a.sources = 4;
	a.ports = 8;
	a.evidence = RING_EV_TTL_MISMATCH;
	fx_alert(f, &a);
	/* decoy scans of other targets, on either side of it in address order */
	{
		struct ring_alert o = a;

		o.alert_id = 41;
		addr(o.daddr, "192.0.2.3");
		addr(o.saddr, "203.0.113.60");
		fx_alert(f, &o);
		o.alert_id = 42;
		addr(o.daddr, "192.0.2.0");
		fx_alert(f, &o);
	}
	/* the real scanner's own probes are in the incident too */
	r = rec("203.0.113.50", "192.0.2.1", 6, 40000, 22, KB_VERDICT_SUSPICIOUS, 0, t - 10 * SEC);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	/* forged members: same target, ports in range, in time; one also sent a
	 * hostile probe, which must not get it blocked */
	r = rec("203.0.113.51", "192.0.2.1", 6, 40000, 22, KB_VERDICT_SUSPICIOUS, 0, t - 10 * SEC);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	r = rec("203.0.113.51", "192.0.2.1", 17, 1234, 1434, KB_VERDICT_HOSTILE, RING_TAG_SLAMMER,
		t + 60 * SEC);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	r = rec("203.0.113.52", "192.0.2.1", 6, 40000, 25, KB_VERDICT_SUSPICIOUS, 0, t - 25 * SEC);
	fx_drop(f, &r, NFT_PREFIX_DROP);	/* 5 s before first_seen: inside the slack */
	r = rec("203.0.113.52", "192.0.2.1", 17, 1234, 1434, KB_VERDICT_HOSTILE, RING_TAG_SLAMMER, t);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	/* not members: too late, another target, a port out of range */
	r = rec("203.0.113.53", "192.0.2.1", 6, 40000, 22, KB_VERDICT_SUSPICIOUS, 0, t + 11 * SEC);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	r = rec("203.0.113.53", "192.0.2.1", 17, 1234, 1434, KB_VERDICT_HOSTILE, RING_TAG_SLAMMER,
		t + 12 * SEC);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	r = rec("203.0.113.54", "192.0.2.2", 6, 40000, 22, KB_VERDICT_SUSPICIOUS, 0, t);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	r = rec("203.0.113.54", "192.0.2.2", 17, 1234, 1434, KB_VERDICT_HOSTILE, RING_TAG_SLAMMER, t);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	r = rec("203.0.113.55", "192.0.2.1", 6, 40000, 80, KB_VERDICT_SUSPICIOUS, 0, t);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	r = rec("203.0.113.55", "192.0.2.1", 17, 1234, 1434, KB_VERDICT_HOSTILE, RING_TAG_SLAMMER, t);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	fx_finish(f);
	assert_null(fx_block(f, "203.0.113.50"));
	assert_null(fx_block(f, "203.0.113.60"));
	assert_null(fx_block(f, "203.0.113.51"));
	assert_null(fx_block(f, "203.0.113.52"));
	assert_non_null(fx_block(f, "203.0.113.53"));
	assert_non_null(fx_block(f, "203.0.113.54"));
	assert_non_null(fx_block(f, "203.0.113.55"));
	assert_int_equal(suggest_count(f->s, SUGGEST_BLOCK), 3);
	out = fx_nft(f);
	assert_has(out, "#   203.0.113.51: likely forged decoy member (decoy-scan alert 40)\n");
	assert_has(out, "#   203.0.113.52: likely forged decoy member (decoy-scan alert 40)\n");
	assert_has(out, "#   203.0.113.50: decoy scan: the real source cannot be told from the "
		   "forged ones (decoy-scan alert 40)");
	assert_has(out, "#   203.0.113.60: decoy scan: the real source cannot be told");

	/* the same without TTL evidence */
	fx_new(f);
	a.evidence = RING_EV_IPID_CONST;
	fx_alert(f, &a);
	r = rec("203.0.113.51", "192.0.2.1", 6, 40000, 22, KB_VERDICT_SUSPICIOUS, 0, t - 10 * SEC);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	r = rec("203.0.113.51", "192.0.2.1", 17, 1234, 1434, KB_VERDICT_HOSTILE, RING_TAG_SLAMMER, t);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	fx_finish(f);
	assert_int_equal(suggest_count(f->s, SUGGEST_BLOCK), 0);
	out = fx_nft(f);
	assert_has(out, "#   203.0.113.50: decoy scan: the real source cannot be told");
	assert_has(out, "#   203.0.113.51: likely forged decoy member (decoy-scan alert 40)\n");
}

static void test_safety_spoofed(void **state)
{
	struct fx *f = *state;
	struct ring_alert a;
	const char *out;

	fx_new(f);
	/* a port scan from a private address: blocked it would not be, as the
	 * address may be forged; anti-spoofing covers it instead */
	a = alert(60, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "10.1.2.3", "192.0.2.1", 0);
	fx_alert(f, &a);
	fx_drops(f, rec("10.1.2.3", "192.0.2.1", 6, 40000, 23, KB_VERDICT_SUSPICIOUS,
			RING_TAG_MARTIAN_SRC, 0), 5, NFT_PREFIX_DROP);
	/* a bogon source with hostile probes */
	fx_drops(f, rec("240.0.0.9", "192.0.2.1", 17, 1234, 1434, KB_VERDICT_HOSTILE,
			RING_TAG_SLAMMER | RING_TAG_BOGON_SRC, 0), 2, NFT_PREFIX_DROP);
	fx_finish(f);
	assert_int_equal(suggest_count(f->s, SUGGEST_BLOCK), 0);
	assert_int_equal(suggest_count(f->s, SUGGEST_ANTISPOOF), 1);
	out = fx_nft(f);
	assert_has(out, "#   10.1.2.3: source looks spoofed (bogon/martian): anti-spoofing instead\n");
	assert_has(out, "#   240.0.0.9: source looks spoofed");
	assert_has(out, "# 7 drops from 2 sources with bogon or martian addresses: 10.1.2.3, "
		   "240.0.0.9\n");
	assert_has(out, "add table inet nflogd\n"
		   "add chain inet nflogd antispoof { type filter hook prerouting priority -300; "
		   "policy accept; }\n"
		   "flush chain inet nflogd antispoof\n"
		   "add rule inet nflogd antispoof fib saddr . iif oif missing counter log prefix "
		   "\"nflogd-spoof\" group 10 drop comment \"nflogd: drop spoofed sources (reverse "
		   "path check)\"\n");

	/* the group is the configured one */
	f->cfg.log_group = 33;
	fx_new(f);
	fx_drops(f, rec("10.1.2.3", "192.0.2.1", 6, 40000, 23, KB_VERDICT_SUSPICIOUS,
			RING_TAG_MARTIAN_SRC, 0), 1, NFT_PREFIX_DROP);
	fx_finish(f);
	assert_has(fx_nft(f), "log prefix \"nflogd-spoof\" group 33 drop");
}

static void test_safety_ipid(void **state)
{
	struct fx *f = *state;
	struct ring_alert a;
	const char *out;

	fx_new(f);
	a = alert(70, RING_ALERT_IPID, KB_VERDICT_SUSPICIOUS, "203.0.113.70", "192.0.2.1", 0);
	fx_alert(f, &a);
	a = alert(71, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "203.0.113.70", "192.0.2.1", 0);
	fx_alert(f, &a);
	fx_finish(f);
	assert_int_equal(suggest_count(f->s, SUGGEST_BLOCK), 0);
	assert_int_equal(suggest_count(f->s, SUGGEST_ANTISPOOF), 1);
	out = fx_nft(f);
	assert_has(out, "#   203.0.113.70: claimed source of ipid-sequence alert 70");
	assert_has(out, "ipid-sequence/state-full alert 70");
	assert_has(fx_json(f), "\"kind\":\"antispoof\"");
	assert_has(f->out, "\"alert_ids\":[70]");

	/* a state-full alert alone asks for anti-spoofing too */
	fx_new(f);
	a = alert(72, RING_ALERT_STATE_FULL, KB_VERDICT_SUSPICIOUS, "0.0.0.0", "0.0.0.0", 0);
	a.family = 0;
	fx_alert(f, &a);
	fx_finish(f);
	assert_int_equal(suggest_count(f->s, SUGGEST_ANTISPOOF), 1);
	assert_int_equal(suggest_skipped(f->s), 0);

	/* and nothing at all asks for nothing */
	fx_new(f);
	fx_finish(f);
	assert_int_equal(suggest_count(f->s, SUGGEST_ANTISPOOF), 0);
	assert_has(fx_nft(f), "# === 4. Anti-spoofing (reverse-path check) ===\n# (nothing)\n");
}

static void test_forged_victim(void **state)
{
	struct fx *f = *state;

	/* fraggle probes carry the victim's address as their source */
	fx_new(f);
	fx_drops(f, rec("203.0.113.80", "192.0.2.255", 17, 1024, 7, KB_VERDICT_HOSTILE,
			RING_TAG_FRAGGLE | RING_TAG_BCAST_DST, 0), 3, NFT_PREFIX_DROP);
	fx_finish(f);
	assert_int_equal(suggest_count(f->s, SUGGEST_BLOCK), 0);
	assert_has(fx_nft(f), "#   203.0.113.80: its hostile packets (fraggle/land) carry a "
		   "forged source");
}

/* ---- rate limit -------------------------------------------------------- */

static void test_ratelimit(void **state)
{
	struct fx *f = *state;
	struct ring_rec r;
	const char *out;
	unsigned i;

	fx_new(f);
	/* late DNS replies to ever-changing ports: 120 of them */
	for (i = 0; i < 120; i++) {
		r = rec("203.0.113.53", "192.0.2.1", 17, 53, (uint16_t)(40000 + i), KB_VERDICT_EXPECTED,
			0, BASE_NS + i * SEC);
		fx_drop(f, &r, NFT_PREFIX_DROP);
	}
	/* 99: below */
	fx_drops(f, rec("203.0.113.54", "192.0.2.1", 6, 443, 51000, KB_VERDICT_NOISE, 0, 0), 99,
		 NFT_PREFIX_DROP);
	/* 150 but one suspicious */
	fx_drops(f, rec("203.0.113.55", "192.0.2.1", 6, 443, 51000, KB_VERDICT_NOISE, 0, 0), 150,
		 NFT_PREFIX_DROP);
	r = rec("203.0.113.55", "192.0.2.1", 6, 40000, 23, KB_VERDICT_SUSPICIOUS, 0, 0);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	/* IPv6 */
	fx_drops(f, rec("2001:db8:1::53", "2001:db8::1", 17, 123, 123, KB_VERDICT_NOISE, 0, 0), 100,
		 NFT_PREFIX_DROP);
	/* broadcast chatter does not count towards a rate limit */
	fx_drops(f, rec("203.0.113.56", "192.0.2.255", 17, 138, 138, KB_VERDICT_NOISE,
			RING_TAG_BCAST_DST, 0), 200, NFT_PREFIX_DROP);
	/* this host and an allowlisted neighbour: never limited */
	fx_drops(f, rec("192.0.2.1", "192.0.2.1", 6, 80, 51000, KB_VERDICT_NOISE, 0, 0), 100,
		 NFT_PREFIX_DROP);
	fx_drops(f, rec("198.51.100.9", "192.0.2.1", 6, 80, 51000, KB_VERDICT_NOISE, 0, 0), 100,
		 NFT_PREFIX_DROP);
	fx_finish(f);
	assert_int_equal(suggest_count(f->s, SUGGEST_RATELIMIT), 2);
	out = fx_nft(f);
	assert_has(out, "insert rule inet filter input position 7 ip saddr 203.0.113.53 limit rate "
		   "over 1/second burst 5 packets drop comment \"nflogd: rate-limit 203.0.113.53 "
		   "(domain)\"\n");
	assert_has(out, "# 203.0.113.53: 120 drops, 120 of them UDP from port 53 (domain); none "
		   "suspicious or hostile\n");
	assert_has(out, "dropped unlogged; a sample still reaches your log rule");
	assert_has(out, "insert rule inet filter input position 7 ip6 saddr 2001:db8:1::53 limit "
		   "rate over 1/second burst 5 packets drop");
	assert_lacks(out, "saddr 203.0.113.54");
	assert_lacks(out, "saddr 203.0.113.55");
	assert_lacks(out, "saddr 203.0.113.56");
	assert_has(out, "#   192.0.2.1: this host's address (no rate limit)\n");
	assert_has(out, "#   198.51.100.9: allowlist 198.51.100.0/24 (no rate limit)\n");
	/* ordered by drops: 120 before 100 */
	assert_true(strstr(out, "saddr 203.0.113.53") < strstr(out, "saddr 2001:db8:1::53"));

	/* the threshold is configurable */
	f->cfg.ratelimit_min = 50;
	fx_new(f);
	fx_drops(f, rec("203.0.113.54", "192.0.2.1", 6, 443, 51000, KB_VERDICT_NOISE, 0, 0), 60,
		 NFT_PREFIX_DROP);
	fx_finish(f);
	assert_int_equal(suggest_count(f->s, SUGGEST_RATELIMIT), 1);
}

/* ---- ICMP -------------------------------------------------------------- */

static void test_icmp(void **state)
{
	struct fx *f = *state;
	struct ring_rec r;
	const char *out;
	unsigned i;

	fx_new(f);
	r = icmp_rec("203.0.113.1", "192.0.2.1", 3, 4);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	r = icmp_rec("203.0.113.1", "192.0.2.1", 3, 3);	/* port unreachable: not essential */
	fx_drop(f, &r, NFT_PREFIX_DROP);
	r = icmp_rec("203.0.113.1", "192.0.2.1", 8, 0);	/* echo request */
	fx_drop(f, &r, NFT_PREFIX_DROP);
	for (i = 0; i < 3; i++) {
		r = icmp_rec("2001:db8::9", "2001:db8::1", 2, 0);
		fx_drop(f, &r, NFT_PREFIX_DROP);
	}
	r = icmp_rec("fe80::1", "ff02::1:ff00:1", 135, 0);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	r = icmp_rec("2001:db8::9", "2001:db8::1", 128, 0);	/* echo request */
	fx_drop(f, &r, NFT_PREFIX_DROP);
	/* duplicate address detection: from ::, which is no spoofing */
	r = icmp_rec("::", "ff02::1:ff00:1", 135, 0);
	r.klass.tags = RING_TAG_BOGON_SRC;
	fx_drop(f, &r, NFT_PREFIX_DROP);
	fx_finish(f);
	assert_int_equal(suggest_count(f->s, SUGGEST_ANTISPOOF), 0);
	assert_int_equal(suggest_count(f->s, SUGGEST_ICMP), 2);
	out = fx_nft(f);
	assert_has(out, "insert rule inet filter input position 7 icmp type destination-unreachable "
		   "icmp code frag-needed accept comment \"nflogd: accept icmp frag-needed (path "
		   "MTU discovery)\"\n");
	assert_has(out, "# ICMP frag-needed (type 3 code 4): 1 drop from 1 source: 203.0.113.1 (1)");
	assert_has(out, "insert rule inet filter input position 7 icmpv6 type { packet-too-big, "
		   "nd-neighbor-solicit } accept comment \"nflogd: accept essential icmpv6\"\n");
	assert_has(out, "# ICMPv6 packet-too-big (3), nd-neighbor-solicit (2): 5 drops from 3 sources");
	assert_lacks(out, "echo");
	assert_lacks(out, "port-unreachable");

	/* one type alone is written without a set */
	fx_new(f);
	r = icmp_rec("2001:db8::9", "2001:db8::1", 1, 4);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	fx_finish(f);
	assert_has(fx_nft(f), "icmpv6 type destination-unreachable accept comment");
	assert_int_equal(suggest_count(f->s, SUGGEST_ICMP), 1);
}

/* ---- placement --------------------------------------------------------- */

static void test_placement(void **state)
{
	struct fx *f = *state;
	struct ring_rec r;
	const char *out;

	/* in ruleset order: the chain inet filter input logs lan-drop at handle
	 * 4, then nflogd-drop at 7 */
	fx_rule(&f->rules[0], 10, "lan-drop", "inet", "filter", "input", 4);
	fx_rule(&f->rules[1], 10, NFT_PREFIX_DROP, "inet", "filter", "input", 7);
	fx_rule(&f->rules[2], 10, "lan-drop", "ip", "lanfw", "forward", 12);
	fx_rule(&f->rules[3], 10, NFT_PREFIX_DROP, "ip6", "f6", "in6", 3);
	fx_rule(&f->rules[4], 11, NFT_PREFIX_DROP, "inet", "filter", "input", 9); /* other group */
	fx_rule(&f->rules[5], 10, "lan-drop", "bridge", "br", "fwd", 4);
	fx_rule(&f->rules[6], 10, "lan-drop", "inet", "my table", "log", 5);
	f->cfg.nlogrules = 7;
	fx_new(f);
	/* noise logged under both prefixes */
	fx_drops(f, rec("192.0.2.7", "192.0.2.255", 17, 137, 137, KB_VERDICT_NOISE,
			RING_TAG_BCAST_DST, 0), 6, NFT_PREFIX_DROP);
	fx_drops(f, rec("192.0.2.8", "192.0.2.255", 17, 137, 137, KB_VERDICT_NOISE,
			RING_TAG_BCAST_DST, 0), 6, "lan-drop");
	/* mDNS over both families */
	fx_drops(f, rec("192.0.2.9", "224.0.0.251", 17, 5353, 5353, KB_VERDICT_NOISE, 0, 0), 5,
		 NFT_PREFIX_DROP);
	fx_drops(f, rec("fe80::9", "ff02::fb", 17, 5353, 5353, KB_VERDICT_NOISE, 0, 0), 5,
		 NFT_PREFIX_DROP);
	/* a v4 rate limit whose drops were all logged as nflogd-drop */
	fx_drops(f, rec("203.0.113.53", "192.0.2.1", 17, 53, 40000, KB_VERDICT_EXPECTED, 0, 0), 100,
		 NFT_PREFIX_DROP);
	/* frag-needed logged by a rule that is not in the ruleset */
	r = icmp_rec("203.0.113.1", "192.0.2.1", 3, 4);
	fx_drop(f, &r, "other");
	fx_finish(f);
	out = fx_nft(f);
	/* silence: before the log rules of both pairs, once per chain (before
	 * its first), in a family its drops can have come through */
	assert_has(out, "insert rule inet filter input position 4 meta pkttype { broadcast, "
		   "multicast } udp dport 137 drop");
	assert_lacks(out, "insert rule inet filter input position 7 meta pkttype { broadcast, "
		     "multicast } udp dport 137 drop");
	assert_lacks(out, "insert rule ip6 f6 in6 position 3 meta pkttype { broadcast, multicast } "
		     "udp dport 137 drop");
	assert_has(out, "insert rule ip6 f6 in6 position 3 meta pkttype { broadcast, multicast } "
		   "udp dport 5353 drop");
	assert_has(out, "insert rule inet filter input position 7 meta pkttype { broadcast, "
		   "multicast } udp dport 5353 drop");	/* only nflogd-drop logged it */
	assert_has(out, "insert rule ip lanfw forward position 12 meta pkttype { broadcast, "
		   "multicast } udp dport 137 drop");
	assert_has(out, "insert rule inet \"my table\" \"log\" position 5 meta pkttype");
	assert_has(out, "# not placed in bridge br fwd (log rule handle 4): only inet, ip and ip6 "
		   "chains are handled\n");
	assert_lacks(out, "position 9 ");
	/* rate limit: only where its drops were logged, and no ip saddr in ip6 */
	assert_has(out, "insert rule inet filter input position 7 ip saddr 203.0.113.53 limit");
	assert_has(out, "# not placed in ip6 f6 in6 (log rule handle 3): an ip6 table sees no IPv4 "
		   "packets\n");
	assert_lacks(out, "insert rule ip6 f6 in6 position 3 ip saddr");
	assert_lacks(out, "lanfw forward position 12 ip saddr");
	/* no log rule with that prefix: the rule is shown, commented out */
	assert_has(out, "# log rule for group 10 prefix \"other\" not found in the live ruleset; "
		   "put this before it:\n#   icmp type destination-unreachable icmp code "
		   "frag-needed accept comment");
	assert_lacks(out, "insert rule inet filter input position 7 icmp type");
	/* the JSON nft lines are the placed ones, comments left out */
	out = fx_json(f);
	assert_has(out, "\"nft\":[\"insert rule inet filter input position 4 meta pkttype");
	assert_has(out, "\"logged_as\":[{\"group\":10,\"prefix\":\"lan-drop\"},{\"group\":10,"
		   "\"prefix\":\"nflogd-drop\"}]");
	assert_has(out, "\"expr\":\"icmp type destination-unreachable icmp code frag-needed "
		   "accept\",\"logged_as\":[{\"group\":10,\"prefix\":\"other\"}],\"nft\":[]");
}

static void test_placement_unknown_ruleset(void **state)
{
	struct fx *f = *state;
	const char *out;

	f->cfg.ruleset_known = false;
	fx_new(f);
	fx_drops(f, rec("192.0.2.7", "192.0.2.255", 17, 137, 137, KB_VERDICT_NOISE,
			RING_TAG_BCAST_DST, 0), 10, NFT_PREFIX_DROP);
	fx_drops(f, rec("192.0.2.8", "192.0.2.255", 17, 138, 138, KB_VERDICT_NOISE,
			RING_TAG_BCAST_DST, 0), 10, "");
	fx_finish(f);
	out = fx_nft(f);
	assert_lacks(out, "insert rule");
	assert_has(out, "# log rule for group 10 prefix \"nflogd-drop\" not found in the live "
		   "ruleset (run as root to read it); put this before it:\n"
		   "#   meta pkttype { broadcast, multicast } udp dport 137 drop comment");
	assert_has(out, "# log rule for group 10 without a prefix not found in the live ruleset "
		   "(run as root to read it)");
	assert_has(out, "# The live ruleset could not be read (run as root)");
}

/* Made by `nflogctl fleet --suggest`: the header names the input and the
 * hosts and says it is for every host's table, not this host's ruleset. */
static void test_fleet_header(void **state)
{
	struct fx *f = *state;
	struct ring_alert a = alert(1, RING_ALERT_PORTSCAN, KB_VERDICT_SUSPICIOUS,
				    "203.0.113.7", "192.0.2.1", 0);
	const char *out;

	f->cfg.ruleset_known = false;
	f->cfg.fleet_hosts = 3;
	f->cfg.ring_path = "3 files of JSON Lines";
	fx_new(f);
	a.targets = 3;
	fx_alert(f, &a);
	fx_finish(f);
	out = fx_nft(f);
	assert_has(out, "# nftables rules suggested by `nflogctl fleet --suggest`");
	assert_has(out, "\n# input: 3 files of JSON Lines\n# hosts: 3\n");
	assert_has(out, "# For every host's own nflogd table, not one live ruleset");
	assert_lacks(out, "# ring: ");
	assert_lacks(out, "could not be read");
	assert_has(out, "add element inet nflogd block4 { 203.0.113.7 timeout ");
}

static void test_names(void **state)
{
	struct fx *f = *state;
	const char *out;

	fx_rule(&f->rules[0], 10, NFT_PREFIX_DROP, "inet", "filter", "input-lan.v4/x", 7);
	fx_rule(&f->rules[1], 10, NFT_PREFIX_DROP, "inet", "Filter_2", "counter", 8);
	fx_rule(&f->rules[2], 10, NFT_PREFIX_DROP, "inet", "9lives", "in", 9);
	fx_rule(&f->rules[3], 10, NFT_PREFIX_DROP, "inet", "bad\"name", "in", 10);
	fx_rule(&f->rules[4], 10, NFT_PREFIX_DROP, "inet", "t", "tab\there", 11);
	f->cfg.nlogrules = 5;
	fx_new(f);
	fx_drops(f, rec("192.0.2.7", "192.0.2.255", 17, 137, 137, KB_VERDICT_NOISE,
			RING_TAG_BCAST_DST, 0), 10, NFT_PREFIX_DROP);
	fx_finish(f);
	out = fx_nft(f);
	assert_has(out, "insert rule inet filter input-lan.v4/x position 7 ");
	assert_has(out, "insert rule inet Filter_2 \"counter\" position 8 ");
	assert_has(out, "insert rule inet \"9lives\" in position 9 ");
	assert_has(out, "# not placed in inet bad\"name in (log rule handle 10): its table or "
		   "chain name cannot be written in nft syntax\n");
	assert_has(out, "# not placed in inet t tab?here (log rule handle 11)");
}

/* ---- input handling ---------------------------------------------------- */

static void test_since(void **state)
{
	struct fx *f = *state;
	struct ring_alert a;

	f->cfg.since_ns = BASE_NS + 1000 * SEC;
	fx_new(f);
	a = alert(1, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "203.0.113.1", "192.0.2.1",
		  BASE_NS + 999 * SEC);
	fx_alert(f, &a);
	a = alert(2, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "203.0.113.2", "192.0.2.1",
		  BASE_NS + 1000 * SEC);
	fx_alert(f, &a);
	/* 20 noise drops, only 10 of them recent enough */
	fx_drops(f, rec("192.0.2.7", "192.0.2.255", 17, 137, 137, KB_VERDICT_NOISE,
			RING_TAG_BCAST_DST, BASE_NS + 989 * SEC), 20, NFT_PREFIX_DROP);
	fx_drops(f, rec("203.0.113.3", "192.0.2.1", 17, 1, 1434, KB_VERDICT_HOSTILE,
			RING_TAG_SLAMMER, BASE_NS + 500 * SEC), 5, NFT_PREFIX_DROP);
	fx_finish(f);
	assert_null(fx_block(f, "203.0.113.1"));
	assert_non_null(fx_block(f, "203.0.113.2"));
	assert_null(fx_block(f, "203.0.113.3"));
	assert_int_equal(suggest_count(f->s, SUGGEST_SILENCE), 1);
	assert_has(fx_nft(f), "# considered: 10 drops, 1 alerts since 2023-11-14T22:30:00Z\n");
	assert_has(f->out, "10 drops from 1 source");
	assert_has(fx_json(f), "{\"version\":1,\"drops\":10,\"alerts\":1,\"since\":"
		   "1700001000000000000,\"suggestions\":[");
}

static void test_alert_latest(void **state)
{
	struct fx *f = *state;
	struct ring_alert a, b;

	fx_new(f);
	/* OPEN suspicious, then UPDATE hostile: hostile wins (6h) */
	a = alert(5, RING_ALERT_PORTSCAN, KB_VERDICT_SUSPICIOUS, "203.0.113.1", "192.0.2.1",
		  BASE_NS);
	fx_alert(f, &a);
	a.state = RING_ALERT_UPDATE;
	a.verdict = KB_VERDICT_HOSTILE;
	a.ts_ns = a.last_seen = BASE_NS + 10 * SEC;
	a.ports = 500;
	fx_alert(f, &a);
	/* read out of order: the later UPDATE first, then an earlier one, then
	 * OPEN: the later UPDATE stays */
	b = alert(6, RING_ALERT_PORTSCAN, KB_VERDICT_SUSPICIOUS, "203.0.113.2", "192.0.2.1",
		  BASE_NS + 20 * SEC);
	b.state = RING_ALERT_UPDATE;
	b.verdict = KB_VERDICT_HOSTILE;
	b.ports = 300;
	fx_alert(f, &b);
	b.ts_ns = b.last_seen = BASE_NS + 10 * SEC;
	b.verdict = KB_VERDICT_SUSPICIOUS;
	b.ports = 100;
	fx_alert(f, &b);
	b.state = RING_ALERT_OPEN;
	fx_alert(f, &b);
	/* CLOSED is final even with an older clock */
	b = alert(7, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "203.0.113.3", "192.0.2.1",
		  BASE_NS + 20 * SEC);
	b.state = RING_ALERT_UPDATE;
	fx_alert(f, &b);
	b.state = RING_ALERT_CLOSED;
	b.verdict = KB_VERDICT_SUSPICIOUS;
	b.ts_ns = BASE_NS + 19 * SEC;
	fx_alert(f, &b);
	fx_finish(f);
	assert_int_equal(fx_block(f, "203.0.113.1")->timeout_s, 6 * 3600);
	assert_int_equal(fx_block(f, "203.0.113.1")->incidents, 1);
	assert_non_null(strstr(fx_block(f, "203.0.113.1")->why, "500 ports"));
	assert_int_equal(fx_block(f, "203.0.113.2")->timeout_s, 6 * 3600);
	assert_non_null(strstr(fx_block(f, "203.0.113.2")->why, "300 ports"));
	assert_int_equal(fx_block(f, "203.0.113.3")->timeout_s, 3600);
	assert_has(fx_nft(f), "# considered: 0 drops, 3 alerts (all records in the ring)\n");
}

static void test_malformed(void **state)
{
	struct fx *f = *state;
	struct ring_rec r;

	fx_new(f);
	r = rec("203.0.113.3", "192.0.2.1", 17, 1, 1434, KB_VERDICT_HOSTILE, RING_TAG_SLAMMER, 0);
	r.status = RING_ST_TRUNCATED;
	fx_drop(f, &r, NFT_PREFIX_DROP);
	r.status = RING_ST_OK;
	r.family = 0;
	fx_drop(f, &r, NFT_PREFIX_DROP);
	fx_finish(f);
	assert_int_equal(suggest_count(f->s, SUGGEST_BLOCK), 0);
	assert_has(fx_nft(f), "# considered: 2 drops, 0 alerts");
	assert_has(f->out, "# 2 malformed or non-IP records were counted but not used\n");
}

static void test_calls(void **state)
{
	struct fx *f = *state;
	const struct suggest_block *b;
	struct ring_rec r = rec("203.0.113.3", "192.0.2.1", 6, 1, 80, 0, 0, 0);
	struct ring_alert a = alert(1, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "203.0.113.1",
				    "192.0.2.1", 0);
	FILE *null = fopen("/dev/null", "w");

	assert_non_null(null);
	fx_new(f);
	/* no output before the decisions */
	assert_int_equal(suggest_write_nft(f->s, null), -EINVAL);
	assert_int_equal(suggest_write_json(f->s, null), -EINVAL);
	assert_int_equal(suggest_blocks(f->s, &b), 0);
	fx_finish(f);
	/* no input after */
	assert_int_equal(suggest_add_drop(f->s, &r, NULL), -EINVAL);
	assert_int_equal(suggest_add_alert(f->s, &a), -EINVAL);
	assert_int_equal(suggest_finish(f->s), -EINVAL);
	assert_int_equal(suggest_count(f->s, 0), 0);
	assert_int_equal(suggest_count(f->s, 99), 0);
	fclose(null);
	/* a full device is an error */
	null = fopen("/dev/full", "w");
	if (null) {
		assert_int_equal(suggest_write_nft(f->s, null), -EIO);
		fclose(null);
	}
	suggest_free(NULL);
}

/* ---- text safety ------------------------------------------------------- */

static void test_sanitising(void **state)
{
	static const char weird[] = "we\"ird\\pre\nfix\x01";
	struct fx *f = *state;
	char path[] = "/tmp/test_suggest.XXXXXX";
	struct ring_rec r;
	struct kb *kb;
	char err[256];
	const char *out, *c;
	FILE *kf;
	int fd;

	/* a local kb row whose service and summary hold quotes, a backslash
	 * and non-ASCII text */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	kf = fdopen(fd, "w");
	assert_non_null(kf);
	fprintf(kf, "port\t30001\tudp\t5000\tdst\tmy\"svc\\x\xc3\xa9\tnoise\tnoise\tlocal\t"
		"Chatter \"quoted\" caf\xc3\xa9\tLonger text.\n");
	fclose(kf);
	kb = kb_load(path, err, sizeof(err));
	unlink(path);
	if (!kb)
		print_message("kb_load: %s\n", err);
	assert_non_null(kb);
	f->cfg.kb = kb;
	fx_rule(&f->rules[0], 10, weird, "inet", "filter", "input", 7);
	fx_new(f);
	r = rec("192.0.2.7", "192.0.2.255", 17, 5000, 5000, KB_VERDICT_NOISE, RING_TAG_BCAST_DST, 0);
	r.klass.kb_dport = 30001;
	fx_drops(f, r, 10, weird);
	/* and one kind whose log rule is missing: the prefix goes in a # line */
	r.dport = 5001;
	r.klass.kb_dport = 0;
	fx_drops(f, r, 10, "x\"y\nz");
	fx_finish(f);
	out = fx_nft(f);
	/* the rule comment: no quote, backslash, control or non-ASCII byte */
	assert_has(out, "position 7 meta pkttype { broadcast, multicast } udp dport 5000 drop "
		   "comment \"nflogd: unlogged drop of udp 5000 mysvcx broadcasts\"\n");
	/* # lines stay single lines: every line is a comment or a command */
	for (c = out; *c; c = strchr(c, '\n') + 1) {
		if (*c != '#' && *c != '\n' && strncmp(c, "insert ", 7) && strncmp(c, "add ", 4) &&
		    strncmp(c, "flush ", 6)) {
			print_message("stray line: %.60s\n", c);
			fail();
		}
		if (!strchr(c, '\n'))
			break;
	}
	assert_has(out, "# log rule for group 10 prefix \"x\"y?z\" not found");
	assert_has(out, "#   meaning: my\"svc\\x\xc3\xa9: Chatter \"quoted\" caf\xc3\xa9\n");

	/* JSON escapes them as util/json.h does every string: controls as \u00XX */
	out = fx_json(f);
	assert_has(out, "\"prefix\":\"we\\\"ird\\\\pre\\u000afix\\u0001\"");
	assert_has(out, "\"meaning\":\"my\\\"svc\\\\x\xc3\xa9: Chatter \\\"quoted\\\" caf\xc3\xa9\"");
	assert_has(out, "comment \\\"nflogd: unlogged drop of udp 5000 mysvcx broadcasts\\\"\"]");
	suggest_free(f->s);
	f->s = NULL;
	kb_free(kb);
}

static void test_json(void **state)
{
	struct fx *f = *state;
	struct ring_alert a;
	struct ring_rec r;
	const char *out;

	fx_new(f);
	a = alert(3, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "203.0.113.7", "192.0.2.1", 0);
	fx_alert(f, &a);
	a = alert(4, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "192.0.2.1", "203.0.113.9", 0);
	fx_alert(f, &a);
	r = rec("2001:db8::7", "2001:db8::1", 17, 1, 1434, KB_VERDICT_HOSTILE, RING_TAG_SLAMMER, 0);
	fx_drop(f, &r, "weird\\");
	/* a prefix that is not UTF-8 */
	fx_drops(f, rec("192.0.2.7", "192.0.2.255", 17, 137, 137, KB_VERDICT_NOISE,
			RING_TAG_BCAST_DST, 0), 10, "bad\xff\xc3");
	fx_finish(f);
	out = fx_json(f);
	assert_true(out[0] == '{');
	assert_has(out, "}\n");
	assert_has(out, "{\"version\":1,\"drops\":11,\"alerts\":2,\"since\":0,\"suggestions\":[");
	assert_has(out, "{\"kind\":\"silence\",\"why\":\"UDP 137 (netbios-ns) to broadcast/multicast:"
		   " 10 drops from 1 source: 192.0.2.7 (10)\",\"meaning\":");
	assert_has(out, "\"logged_as\":[{\"group\":10,\"prefix\":\"bad\\ufffd\\ufffd\"}]");
	assert_has(out, "{\"kind\":\"block\",\"why\":\"port-scan alert 3 (SYN scan, 120 ports of "
		   "192.0.2.1), 1 incident -> 6h\",\"change\":\"dropped and logged as nflogd-block "
		   "for 6h before your rules see it\",\"drops\":0,\"sources\":1,\"alert_ids\":[3],"
		   "\"source\":\"203.0.113.7\",\"timeout_s\":21600,\"incidents\":1,\"nft\":["
		   "\"add table inet nflogd\",\"add set inet nflogd block4 { type ipv4_addr; flags "
		   "timeout; }\",\"add element inet nflogd block4 { 203.0.113.7 timeout 6h }\"]}");
	assert_has(out, "\"source\":\"2001:db8::7\",\"timeout_s\":3600,\"incidents\":1,\"nft\":["
		   "\"add table inet nflogd\",\"add set inet nflogd block6 { type ipv6_addr; flags "
		   "timeout; }\",\"add element inet nflogd block6 { 2001:db8::7 timeout 1h }\"]}");
	assert_has(out, "],\"skipped\":[{\"source\":\"192.0.2.1\",\"reason\":\"this host's "
		   "address\"}],\"unlisted\":{\"block\":0,\"ratelimit\":0,\"skipped\":0}}\n");
	/* every suggestion kind appears in the order of the script */
	assert_true(strstr(out, "\"kind\":\"silence\"") < strstr(out, "\"kind\":\"block\""));
}

static void test_order(void **state)
{
	struct fx *f = *state;
	struct ring_alert a;
	const struct suggest_block *b;

	/* equal drops: by address; more drops first */
	fx_new(f);
	a = alert(1, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "203.0.113.20", "192.0.2.1", 0);
	fx_alert(f, &a);
	a = alert(2, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "203.0.113.3", "192.0.2.1", 0);
	fx_alert(f, &a);
	a = alert(3, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "2001:db8::3", "2001:db8::1", 0);
	fx_alert(f, &a);
	a = alert(4, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "203.0.113.9", "192.0.2.1", 0);
	fx_alert(f, &a);
	fx_drops(f, rec("203.0.113.9", "192.0.2.1", 6, 40000, 22, KB_VERDICT_SUSPICIOUS, 0, 0), 3,
		 NFT_PREFIX_DROP);
	fx_finish(f);
	assert_int_equal(suggest_blocks(f->s, &b), 4);
	assert_int_equal(b[0].addr[3], 9);
	assert_int_equal(b[1].addr[3], 3);
	assert_int_equal(b[2].addr[3], 20);
	assert_int_equal(b[3].family, 6);
}

/* ---- bounds ------------------------------------------------------------ */

static void test_bounds(void **state)
{
	struct fx *f = *state;
	const struct suggest_block *b;
	struct ring_rec r;
	char src[32];
	const char *out;
	unsigned i;

	/* 5000 hostile sources: the 4096 with most drops are listed, the rest
	 * counted */
	fx_new(f);
	for (i = 0; i < 5000; i++) {
		snprintf(src, sizeof(src), "100.%u.%u.1", 64 + i / 256, i % 256);
		r = rec(src, "192.0.2.1", 17, 1234, 1434, KB_VERDICT_HOSTILE, RING_TAG_SLAMMER, 0);
		fx_drop(f, &r, NFT_PREFIX_DROP);
		if (i == 4999)
			fx_drop(f, &r, NFT_PREFIX_DROP);
	}
	fx_finish(f);
	assert_int_equal(suggest_blocks(f->s, &b), 4096);
	assert_int_equal(b[0].addr[1], 64 + 4999 / 256);	/* the one with 2 drops */
	assert_has(fx_nft(f), "# ... and 904 more like these, not listed (the first 4096 by drops "
		   "are)\n");
	assert_has(fx_json(f), "\"unlisted\":{\"block\":904,\"ratelimit\":0,\"skipped\":0}");

	/* a flood of forged sources: memory stops growing at the source bound */
	fx_new(f);
	r = rec("10.0.0.0", "192.0.2.1", 6, 40000, 23, KB_VERDICT_SUSPICIOUS, 0, 0);
	for (i = 0; i < 270000; i++) {
		r.saddr[1] = (uint8_t)(i >> 16);
		r.saddr[2] = (uint8_t)(i >> 8);
		r.saddr[3] = (uint8_t)i;
		fx_drop(f, &r, NFT_PREFIX_DROP);
	}
	fx_finish(f);
	out = fx_nft(f);
	assert_has(out, "# considered: 270000 drops, 0 alerts");
	assert_has(out, "# 7856 drops from sources past the first 262144 were counted but not "
		   "analysed\n");
}

/* ---- a realistic mix, shown -------------------------------------------- */

static void test_show(void **state)
{
	struct fx *f = *state;
	struct ring_alert a;
	struct ring_rec r;
	const char *out;
	unsigned i;

	/* the ruleset of a small host: an inet filter table and an ip6 one */
	fx_rule(&f->rules[0], 10, NFT_PREFIX_DROP, "inet", "filter", "input", 3);
	fx_rule(&f->rules[1], 10, NFT_PREFIX_DROP, "ip6", "f6", "in6", 2);
	f->cfg.nlogrules = 2;
	fx_new(f);
	a = alert(16777217, RING_ALERT_PORTSCAN, KB_VERDICT_SUSPICIOUS, "203.0.113.66", "192.0.2.1",
		  BASE_NS + 30 * SEC);
	a.state = RING_ALERT_CLOSED;
	fx_alert(f, &a);
	a = alert(16777218, RING_ALERT_SWEEP, KB_VERDICT_HOSTILE, "203.0.113.66", "192.0.2.1",
		  BASE_NS + 90 * SEC);
	a.port_lo = a.port_hi = 445;
	a.targets = 24;
	a.kb_id = kb_port_lookup(kb_builtin(), KB_DIR_DST, 6, 445)->id;
	fx_alert(f, &a);
	a = alert(16777219, RING_ALERT_DECOY, KB_VERDICT_HOSTILE, "198.18.7.7", "192.0.2.1",
		  BASE_NS + 200 * SEC);
	a.evidence = RING_EV_TTL_MISMATCH;
	a.sources = 5;
	a.ports = 40;
	a.port_lo = 20;
	a.port_hi = 1000;
	fx_alert(f, &a);
	a = alert(16777220, RING_ALERT_IPID, KB_VERDICT_SUSPICIOUS, "203.0.113.99", "192.0.2.1",
		  BASE_NS + 300 * SEC);
	fx_alert(f, &a);
	for (i = 0; i < 4; i++) {
		r = rec(i ? "203.0.113.101" : "203.0.113.102", "192.0.2.1", 6, 40000,
			(uint16_t)(21 + i), KB_VERDICT_SUSPICIOUS, 0, BASE_NS + 198 * SEC);
		fx_drop(f, &r, NFT_PREFIX_DROP);
	}
	r = rec("203.0.113.101", "192.0.2.1", 17, 1234, 1434, KB_VERDICT_HOSTILE, RING_TAG_SLAMMER,
		BASE_NS + 400 * SEC);
	fx_drop(f, &r, NFT_PREFIX_DROP);
	fx_drops(f, rec("192.0.2.40", "192.0.2.255", 17, 137, 137, KB_VERDICT_NOISE,
			RING_TAG_BCAST_DST | RING_TAG_NBSTAT, 0), 37, NFT_PREFIX_DROP);
	fx_drops(f, rec("192.0.2.41", "192.0.2.255", 17, 138, 138, KB_VERDICT_NOISE,
			RING_TAG_BCAST_DST, 0), 12, NFT_PREFIX_DROP);
	fx_drops(f, rec("0.0.0.0", "255.255.255.255", 17, 68, 67, KB_VERDICT_NOISE, 0, 0), 14,
		 NFT_PREFIX_DROP);
	fx_drops(f, rec("203.0.113.5", "192.0.2.1", 17, 1234, 1434, KB_VERDICT_HOSTILE,
			RING_TAG_SLAMMER, 0), 2, NFT_PREFIX_DROP);
	fx_drops(f, rec("203.0.113.53", "192.0.2.1", 17, 53, 43000, KB_VERDICT_EXPECTED, 0, 0), 240,
		 NFT_PREFIX_DROP);
	fx_drops(f, rec("2001:db8:53::1", "2001:db8::1", 17, 53, 43000, KB_VERDICT_EXPECTED, 0, 0),
		 130, NFT_PREFIX_DROP);
	fx_drops(f, rec("10.9.9.9", "192.0.2.1", 6, 40000, 23, KB_VERDICT_SUSPICIOUS,
			RING_TAG_MARTIAN_SRC, 0), 3, NFT_PREFIX_DROP);
	r = icmp_rec("203.0.113.254", "192.0.2.1", 3, 4);
	fx_drops(f, r, 2, NFT_PREFIX_DROP);
	r = icmp_rec("2001:db8::fe", "2001:db8::1", 2, 0);
	fx_drops(f, r, 2, NFT_PREFIX_DROP);
	r = icmp_rec("fe80::1", "ff02::1", 134, 0);
	fx_drops(f, r, 5, NFT_PREFIX_DROP);
	a = alert(16777221, RING_ALERT_PORTSCAN, KB_VERDICT_HOSTILE, "198.51.100.20", "192.0.2.1", 0);
	fx_alert(f, &a);	/* after drops: allowed for non-decoy alerts */
	fx_finish(f);
	out = fx_nft(f);
	if (getenv("SUGGEST_SHOW"))
		printf("%s", out);
	assert_int_equal(suggest_count(f->s, SUGGEST_SILENCE), 3);
	assert_int_equal(suggest_count(f->s, SUGGEST_BLOCK), 2);
	assert_int_equal(suggest_count(f->s, SUGGEST_RATELIMIT), 2);
	assert_int_equal(suggest_count(f->s, SUGGEST_ANTISPOOF), 1);
	assert_int_equal(suggest_count(f->s, SUGGEST_ICMP), 2);
	assert_int_equal(fx_block(f, "203.0.113.66")->timeout_s, 12 * 3600);
	assert_has(out, "#!/usr/sbin/nft -f\n");
	assert_has(out, "# ring: /var/lib/nflogd/ring\n");
	assert_has(out, "# made: 2023-11-14T23:13:20Z\n");
	assert_has(out, "#   nft -c -f FILE && nft -f FILE\n");
	assert_has(out, "#   203.0.113.101: likely forged decoy member");
	assert_has(out, "#   198.51.100.20: allowlist 198.51.100.0/24");
	assert_true(strstr(out, "=== 1.") < strstr(out, "=== 2.") &&
		    strstr(out, "=== 2.") < strstr(out, "=== 3.") &&
		    strstr(out, "=== 3.") < strstr(out, "=== 4.") &&
		    strstr(out, "=== 4.") < strstr(out, "=== 5.") &&
		    strstr(out, "=== 5.") < strstr(out, "# Not blocked (safety):"));
	if (getenv("SUGGEST_SHOW"))
		printf("%s", fx_json(f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_silence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silence_threshold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silence_kinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_timeouts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_durations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_not_below, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_trojan_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_v6_and_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_safety_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_safety_decoy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_safety_spoofed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_safety_ipid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_victim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ratelimit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icmp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_placement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_placement_unknown_ruleset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fleet_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_since, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alert_latest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sanitising, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_show, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
