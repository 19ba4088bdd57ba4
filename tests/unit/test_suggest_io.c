/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_suggest_io.c - rule suggestions: placement, input handling, the script and JSON text. */
#include <errno.h>
#include <unistd.h>

#include "suggest_fixture.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
