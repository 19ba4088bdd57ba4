/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_suggest.c - the rule-suggestion engine: silence, block, rate-limit and ICMP rules.
 *
 * The builders and the fixture are in suggest_fixture.h; what is never
 * blocked and the bounds are in test_suggest_safety.c, the input it takes and
 * the text it writes in test_suggest_io.c.
 *
 * SUGGEST_SHOW=1 prints the script made from a realistic mix (test_show).
 */
#include "suggest_fixture.h"

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
		cmocka_unit_test_setup_teardown(test_ratelimit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icmp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_show, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
