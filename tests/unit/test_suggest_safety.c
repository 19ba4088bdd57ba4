/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_suggest_safety.c - rule suggestions: sources never blocked, and the bounds. */
#include "suggest_fixture.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_safety_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_safety_decoy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_safety_spoofed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_safety_ipid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_victim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
