/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_recfmt_words.c - what the formatter adds from outside the record: kb sources, the
 * reader's memo, GeoIP words; and random records, in time order and as valid JSON
 * (fixture: recfmt_fixture.h).
 */
#include "recfmt_fixture.h"

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void rnd_str(uint64_t *s, char *dst, size_t max)
{
	size_t n = rnd(s) % max, i;

	for (i = 0; i < n; i++) {
		dst[i] = (char)(rnd(s) & 0xff);
		if (dst[i] == '\0')
			dst[i] = '\x80';
	}
	dst[n] = '\0';
}

/* buf (one formatted line) holds want. */
static void assert_has(const char *buf, const char *want)
{
	if (!strstr(buf, want))
		fail_msg("\"%s\" lacks \"%s\"", buf, want);
}

/* A SYN to port to, classified the way the daemon would with the built-in kb. */
static void rec_syn_to(struct ring_rec *r, uint16_t to)
{
	const struct kb_port *row = kb_port_lookup(kb_builtin(), KB_DIR_DST, 6, to);

	rec_tcp4(r);
	r->dport = to;
	r->klass.kb_id = r->klass.kb_dport = row ? row->id : 0;
	r->klass.category = row ? row->category : 0;
	r->klass.verdict = row ? row->verdict : KB_VERDICT_UNKNOWN;
}

/* nflog.kb.source: the kb's row, or a registered name where the kb has none
 * or only the "dynamic" range; the text line names it briefly. */
static void test_kb_source(void **state)
{
	static const char list[] = "git\t9418/tcp/udp\t# pack \"transfer\" \\ service\n"
				   "old-range\t4001/tcp\t# in the old client range\n"
				   "ssh\t22/tcp\t# never shown: the kb has a row\n";
	struct services *svc = services_parse(list, sizeof(list) - 1, "list", 0, NULL, 0);
	struct recfmt_ctx c = { NULL, NULL, NULL, 0, kb_builtin(), svc, NULL, NULL, NULL, NULL };
	char text[RECFMT_LINE_MAX], json[RECFMT_LINE_MAX];
	struct ring_rec r;

	(void)state;
	assert_non_null(svc);
	assert_null(kb_port_lookup(kb_builtin(), KB_DIR_DST, 6, 9418));
	rec_syn_to(&r, 9418);
	assert_true(recfmt_text(text, sizeof(text), &r, &c) > 0);
	assert_true(recfmt_json(json, sizeof(json), &r, &c) > 0);
	assert_has(text, "ttl 64 id 4321 len 40 DF -- unknown (registered: git)");
	assert_has(json, ",\"kb\":{\"source\":\"iana\",\"service\":\"git\","
		   "\"summary\":\"pack \\\"transfer\\\" \\\\ service\"},\"verdict\":\"unknown\"");

	/* Only the ephemeral range: the row stays, the name comes along. */
	rec_syn_to(&r, 4001);
	assert_true(recfmt_text(text, sizeof(text), &r, &c) > 0);
	assert_true(recfmt_json(json, sizeof(json), &r, &c) > 0);
	assert_has(text, " -- noise dynamic: ");
	assert_has(text, " (registered: old-range)");
	assert_has(json, "\"category\":\"dynamic\"");
	assert_has(json, ",\"source\":\"kb\",\"registered\":{\"service\":\"old-range\","
		   "\"summary\":\"in the old client range\"}},\"verdict\":\"noise\"");

	/* A row of its own wins. */
	rec_syn_to(&r, 22);
	assert_true(recfmt_text(text, sizeof(text), &r, &c) > 0);
	assert_true(recfmt_json(json, sizeof(json), &r, &c) > 0);
	assert_null(strstr(text, "registered"));
	assert_null(strstr(json, "registered"));
	assert_null(strstr(json, "\"source\":\"iana\""));
	assert_has(json, "\"service\":\"ssh\"");
	assert_has(json, ",\"source\":\"kb\"},\"verdict\":\"suspicious\"");

	/* An id from another kb, a fragment without ports, no list: no name. */
	rec_syn_to(&r, 9418);
	r.klass.kb_id = 29999;
	assert_true(recfmt_json(json, sizeof(json), &r, &c) > 0);
	assert_has(json, ",\"kb\":{\"id\":29999,\"source\":\"kb\"},");
	assert_null(strstr(json, "git"));
	rec_syn_to(&r, 9418);
	r.ip_flags |= RING_IPF_FRAGMENT;
	assert_true(recfmt_json(json, sizeof(json), &r, &c) > 0);
	assert_null(strstr(json, "\"kb\""));
	rec_syn_to(&r, 9418);
	c.services = NULL;
	assert_true(recfmt_text(text, sizeof(text), &r, &c) > 0);
	assert_true(recfmt_json(json, sizeof(json), &r, &c) > 0);
	assert_null(strstr(json, "\"kb\""));
	assert_null(strstr(text, "registered"));
	services_free(svc);
}


/* With a memo the text line is the same as without, for every port row and
 * ICMP row, rows that share a slot in turn, unknown ids, a second kb at
 * another address, and every size of a too-small buffer. */
static void test_memo(void **state)
{
	struct recfmt_memo *memo = calloc(1, sizeof(*memo));
	struct recfmt_ctx plain = { NULL, "veth1", NULL, 3, kb_builtin(), NULL, NULL, NULL, NULL, NULL };
	struct recfmt_ctx memoed = plain;
	char a[RECFMT_LINE_MAX], b[RECFMT_LINE_MAX], err[256];
	const struct kb_port *row;
	const struct kb_icmp *ic;
	struct kb *local;
	struct ring_rec r;
	size_t i, round;
	FILE *f;
	char path[] = "/tmp/test_recfmt_memo.XXXXXX";
	int fd;

	(void)state;
	assert_non_null(memo);
	memoed.memo = memo;
	/* Twice over: the second round reads every row back from the memo. */
	for (round = 0; round < 2; round++) {
		for (i = 0; (row = kb_port_at(kb_builtin(), i)); i++) {
			rec_syn_to(&r, row->lo);
			r.klass.kb_id = row->id;
			assert_int_equal(recfmt_text(a, sizeof(a), &r, &plain),
					 recfmt_text(b, sizeof(b), &r, &memoed));
			assert_string_equal(a, b);
		}
		for (i = 0; (ic = kb_icmp_at(kb_builtin(), i)); i++) {
			rec_icmp4(&r);
			r.klass.kb_id = 0;
			r.klass.kb_icmp = ic->id;
			assert_int_equal(recfmt_text(a, sizeof(a), &r, &plain),
					 recfmt_text(b, sizeof(b), &r, &memoed));
			assert_string_equal(a, b);
		}
	}
	/* ids 1 and 1 + RECFMT_MEMO_SLOTS share a slot; 29999 is no row */
	for (i = 0; i < 6; i++) {
		rec_syn_to(&r, 22);
		r.klass.kb_id = (uint16_t)(i % 3 == 0 ? 1 : i % 3 == 1 ? 1 + RECFMT_MEMO_SLOTS : 29999);
		assert_int_equal(recfmt_text(a, sizeof(a), &r, &plain),
				 recfmt_text(b, sizeof(b), &r, &memoed));
		assert_string_equal(a, b);
	}
	assert_has(b, " -- suspicious");
	check_sizes(recfmt_text, &r, &memoed);
	rec_syn_to(&r, 23);
	check_sizes(recfmt_text, &r, &memoed);

	/* Another kb, whose row 30001 says something else for port 23. */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("port\t30001\ttcp\t23\tdst\tour-telnet\tapp\texpected\tlocal\t"
	      "Our \"jump\" host\tThe ops team's\n", f);
	assert_int_equal(fclose(f), 0);
	local = kb_load(path, err, sizeof(err));
	unlink(path);
	if (!local)
		fail_msg("local kb: %s", err);
	plain.kb = memoed.kb = local;
	row = kb_port_lookup(local, KB_DIR_DST, 6, 23);
	assert_non_null(row);
	r.klass.kb_id = row->id;
	assert_int_equal(recfmt_text(a, sizeof(a), &r, &plain),
			 recfmt_text(b, sizeof(b), &r, &memoed));
	assert_string_equal(a, b);
	assert_has(b, " our-telnet: Our \\\"jump\\\" host");
	kb_free(local);
	free(memo);
}

/* A found address with every field, as geoip_lookup fills it. */
static struct geoip_info geo_full(void)
{
	struct geoip_info g = { .status = GEOIP_ST_FOUND, .have = GEOIP_F_COUNTRY | GEOIP_F_CITY |
				GEOIP_F_LOCATION | GEOIP_F_ASN, .country_iso = "CH", .asn = 64496,
				.lat = 47.3667, .lon = 8.55 };

	strcpy(g.country, "Switzerland");
	strcpy(g.city, "Z\xc3\xbcrich");
	strcpy(g.as_org, "Bad X\xffZ \"Byte\" AG");
	return g;
}

/* ECS source.geo / source.as, destination likewise, the text line's short
 * form; a miss is "unknown" in text and absent in JSON; not looked up:
 * nothing; an alert carries its source's. */
static void test_geo(void **state)
{
	struct geoip_info full = geo_full(), asn = { .status = GEOIP_ST_FOUND,
		.have = GEOIP_F_ASN, .asn = 4200000000u }, miss = { .status = GEOIP_ST_MISS },
		skipped = { .status = GEOIP_ST_SKIPPED };
	struct recfmt_ctx c = { NULL, NULL, NULL, 0, NULL, NULL, &full, &asn, NULL, NULL };
	char text[RECFMT_LINE_MAX], json[RECFMT_LINE_MAX];
	struct ring_alert a;
	struct ring_rec r;

	(void)state;
	rec_tcp4(&r);
	assert_true(recfmt_text(text, sizeof(text), &r, &c) > 0);
	assert_true(recfmt_json(json, sizeof(json), &r, &c) > 0);
	assert_has(text, " src-geo=CH,AS64496 \"Bad X\\xffZ \\\"Byte\\\" AG\" dst-geo=AS4200000000");
	assert_has(json, "\"port\":1234,\"bytes\":40,\"geo\":{\"country_iso_code\":\"CH\",\"country_name\":"
		   "\"Switzerland\",\"city_name\":\"Z\xc3\xbcrich\",\"location\":{\"lat\":47.3667,"
		   "\"lon\":8.5500}},\"as\":{\"number\":64496,\"organization\":{\"name\":"
		   "\"Bad X\\ufffdZ \\\"Byte\\\" AG\"}}}");
	assert_has(json, "\"as\":{\"number\":4200000000}}");
	/* The quoted header of an ICMP error gets none. */
	rec_icmp4(&r);
	assert_true(recfmt_json(json, sizeof(json), &r, &c) > 0);
	assert_null(strstr(strstr(json, "\"inner\""), "\"geo\""));

	rec_tcp4(&r);
	c.src_geo = &miss;
	c.dst_geo = &skipped;
	assert_true(recfmt_text(text, sizeof(text), &r, &c) > 0);
	assert_true(recfmt_json(json, sizeof(json), &r, &c) > 0);
	assert_has(text, " src-geo=unknown");
	assert_null(strstr(text, "dst-geo"));
	assert_null(strstr(json, "\"geo\""));
	assert_null(strstr(json, "\"as\""));

	memset(&a, 0, sizeof(a));
	a.kind = RING_KIND_ALERT;
	a.family = 4;
	a.targets = 1;
	a.saddr[0] = 203, a.saddr[2] = 113, a.saddr[3] = 5;
	c.src_geo = &full;
	c.dst_geo = NULL;
	assert_true(recfmt_alert_text(text, sizeof(text), &a, &c) > 0);
	assert_true(recfmt_alert_json(json, sizeof(json), &a, &c) > 0);
	assert_has(text, "203.0.113.5 > 0.0.0.0: 0 packets in 0.0 s src-geo=CH,AS64496 ");
	assert_has(json, "\"source\":{\"ip\":\"203.0.113.5\",\"geo\":{\"country_iso_code\":\"CH\"");
	assert_has(json, "\"destination\":{\"ip\":\"0.0.0.0\"},");
}

/* Random names of the longest length, every byte anything, at both ends. */
static void rnd_geo(uint64_t *seed, struct geoip_info *g)
{
	memset(g, 0, sizeof(*g));
	g->status = (uint8_t)(rnd(seed) % 5);
	g->have = (uint8_t)rnd(seed);
	g->country_iso[0] = (char)rnd(seed);
	g->country_iso[1] = (char)rnd(seed);
	g->asn = (uint32_t)rnd(seed);
	g->lat = (double)(int64_t)rnd(seed) / 1e17;
	g->lon = (double)(int64_t)rnd(seed) / 1e17;
	memset(g->country, '\xff', sizeof(g->country) - 1);
	rnd_str(seed, g->city, sizeof(g->city));
	memset(g->as_org, rnd(seed) % 2 ? '\x01' : '"', sizeof(g->as_org) - 1);
}

/*
 * Every fixture plus random records and random strings: each line must fit
 * RECFMT_LINE_MAX, have no embedded NUL or newline, and (when python3 is
 * installed) parse as JSON.
 */
/*
 * The date and time of a second are remembered between calls (recfmt.c):
 * going forward, back, repeating and jumping far must each give what gmtime_r
 * and printf give, in both fraction widths, and numbers at their limits must
 * print in full.
 */
static void test_time_sequence(void **state)
{
	static const uint64_t ts[] = {
		TS, TS, TS + 1, TS + 999999999ull - 123456789ull, TS + 1000000000ull,
		TS - 1000000000ull, TS, 0, 0, 999, 1000000000ull - 1, 1000000000ull,
		951782400000000000ull,		/* 2000-02-29 */
		4102444799999999999ull,		/* 2099-12-31T23:59:59 */
		UINT64_MAX, UINT64_MAX - 1000000000ull, TS,
	};
	struct ring_rec r;
	char want[64], got[RECFMT_LINE_MAX];
	size_t i;

	rec_tcp4(&r);
	r.cpu = RING_CPU_UNPINNED;
	r.group = 65535;
	r.tcp_seq = UINT32_MAX;
	r.ip_id = UINT32_MAX;
	r.sport = 65535;
	r.dport = 0;
	for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		time_t secs = (time_t)(ts[i] / 1000000000u);
		unsigned long frac = (unsigned long)(ts[i] % 1000000000u);
		struct tm tm;
		int n;

		assert_non_null(gmtime_r(&secs, &tm));
		r.ts_ns = ts[i];
		n = snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%06luZ g65535 ",
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			     tm.tm_min, tm.tm_sec, frac / 1000);
		assert_true(recfmt_text(got, sizeof(got), &r, &ctx_none) > n);
		assert_memory_equal(got, want, (size_t)n);
		assert_non_null(strstr(got, "198.51.100.2.65535 > 192.0.2.1.0: tcp [S] seq 4294967295 "
					    "win 512, ttl 64 id 4294967295 len 40 DF"));
		n = snprintf(want, sizeof(want), "{\"@timestamp\":\"%04d-%02d-%02dT%02d:%02d:%02d.%09luZ\"",
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			     tm.tm_min, tm.tm_sec, frac);
		assert_true(recfmt_json(got, sizeof(got), &r, &ctx_none) > n);
		assert_memory_equal(got, want, (size_t)n);
	}
}

static void test_json_valid(void **state)
{
	void (*fixtures[])(struct ring_rec *) = { rec_tcp4, rec_udp6, rec_icmp4, rec_garbage };
	char path[] = "/tmp/test_recfmt.XXXXXX", cmd[128], buf[RECFMT_LINE_MAX];
	char prefix[RING_PREFIX_LEN], in[RING_IFNAMSIZ], out[RING_IFNAMSIZ];
	struct recfmt_ctx c = { prefix, in, out, 0, NULL, NULL, NULL, NULL, NULL, NULL };
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	struct geoip_info sg, dg;
	/* Names for every port of the low range and the old client range, with
	 * the longest description a list can give, full of quotes. */
	static char list[2 * (SERVICES_DESC_MAX + 64)];
	struct services *svc;
	struct ring_rec r;
	size_t i, j;
	FILE *f;
	int fd, n, rc;

	n = snprintf(list, sizeof(list), "abcdefghijabcdefghijabcdefghij\\\"\t0-255/tcp/udp\t# ");
	memset(list + n, '"', SERVICES_DESC_MAX + 8);
	n += SERVICES_DESC_MAX + 8;
	n += snprintf(list + n, sizeof(list) - (size_t)n, "\nold\t1028-1283/tcp/udp\n");
	svc = services_parse(list, (size_t)n, "list", 0, NULL, 0);
	assert_non_null(svc);
	assert_int_equal(services_stats(svc)->entries, 4 * 256);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (i = 0; i < 4 + 20000; i++) {
		if (i < 4) {
			fixtures[i](&r);
			c = (struct recfmt_ctx){ "p\"\\\x01\xff", "veth1", NULL, i, NULL, NULL, NULL, NULL, NULL, NULL };
		} else {
			for (j = 0; j < sizeof(r); j++)
				((uint8_t *)&r)[j] = (uint8_t)rnd(&seed);
			/* Bias towards plausible families so every branch runs. */
			r.family = (uint8_t)(rnd(&seed) % 2 ? (rnd(&seed) % 2 ? 4 : 6) : r.family);
			r.status = (uint8_t)(r.status % 4);
			r.why = (uint16_t)(r.why % 14);
			rnd_str(&seed, prefix, sizeof(prefix));
			rnd_str(&seed, in, sizeof(in));
			rnd_str(&seed, out, sizeof(out));
			c = (struct recfmt_ctx){ rnd(&seed) % 4 ? prefix : NULL,
			    rnd(&seed) % 4 ? in : NULL, rnd(&seed) % 4 ? out : NULL, rnd(&seed),
			    /* Random ids and tags through the kb lookups too. */
			    rnd(&seed) % 2 ? kb_builtin() : NULL, rnd(&seed) % 2 ? svc : NULL,
			    rnd(&seed) % 2 ? &sg : NULL, rnd(&seed) % 2 ? &dg : NULL, NULL, NULL };
			/* Country and AS names at their longest, any bytes. */
			rnd_geo(&seed, &sg);
			rnd_geo(&seed, &dg);
			/* Often a port the list names, and no kb row id. */
			if (rnd(&seed) % 2) {
				r.dport = (uint16_t)(rnd(&seed) % 2 ? rnd(&seed) % 256 :
						     1028 + rnd(&seed) % 256);
				r.klass.kb_id = 0;
				r.proto = rnd(&seed) % 2 ? 6 : 17;
			}
		}
		n = recfmt_text(buf, sizeof(buf), &r, &c);
		assert_true(n > 0 && n < (int)sizeof(buf));
		assert_int_equal(strlen(buf), (size_t)n);
		assert_null(strchr(buf, '\n'));
		n = recfmt_json(buf, sizeof(buf), &r, &c);
		assert_true(n > 0 && n < (int)sizeof(buf));
		assert_int_equal(strlen(buf), (size_t)n);
		assert_null(strchr(buf, '\n'));
		fprintf(f, "%s\n", buf);
	}
	assert_int_equal(fclose(f), 0);
	services_free(svc);
	if (system("command -v python3 >/dev/null 2>&1") != 0) {
		unlink(path);
		skip();
	}
	fmt(cmd, sizeof(cmd), "python3 -c 'import json,sys;"
	    "[json.loads(l) for l in open(sys.argv[1],encoding=\"utf-8\")]' %s", path);
	rc = system(cmd);
	unlink(path);
	assert_int_equal(rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kb_source),
		cmocka_unit_test(test_memo),
		cmocka_unit_test(test_geo),
		cmocka_unit_test(test_time_sequence),
		cmocka_unit_test(test_json_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
