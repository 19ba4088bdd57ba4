/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_recfmt.c - golden text and JSON lines for hand-built ring records.
 *
 * Exact strings are the main assertion. Reason texts come from decode.c, so
 * lines that carry one are built around decode_why_str() instead of copying
 * today's wording. JSON lines are also run through python3's json module when
 * it is installed, and every size of a too-small buffer is tried on an exact
 * heap allocation so ASan catches a write past the end.
 */
#include "recfmt_fixture.h"

#define TIME_TXT	"2026-11-22T02:50:02.123456Z"
#define TIME_JSON	"2026-11-22T02:50:02.123456789Z"
/* The ECS categorisation every drop carries, severity 3 (verdict unknown). */
#define EVENT(seq)	"\"ecs\":{\"version\":\"8.11.0\"},\"event\":{\"kind\":\"event\","		\
	"\"category\":[\"network\"],\"type\":[\"connection\",\"denied\"],\"action\":\"dropped\","	\
	"\"outcome\":\"failure\",\"module\":\"nflogd\",\"dataset\":\"nflogd.drop\","		\
	"\"severity\":3,\"sequence\":" #seq "}"
/* observer without a host (ctx.host NULL), left open for the interfaces. */
#define OBSERVER	"\"observer\":{\"type\":\"firewall\",\"vendor\":\"nflogd\",\"product\":\"nflogd\""

static const struct recfmt_ctx ctx_tcp4 = { "prefix", "veth1", NULL, 42, NULL, NULL, NULL, NULL, NULL, NULL };
static const struct recfmt_ctx ctx_icmp4 = { "in-drop ", "veth1", "eth0", 7, NULL, NULL, NULL, NULL, NULL, NULL };

static void check_text(const struct ring_rec *r, const struct recfmt_ctx *c, const char *want)
{
	char buf[RECFMT_LINE_MAX];
	int n = recfmt_text(buf, sizeof(buf), r, c);

	assert_string_equal(buf, want);
	assert_int_equal(n, (int)strlen(want));
}

static void check_json(const struct ring_rec *r, const struct recfmt_ctx *c, const char *want)
{
	char buf[RECFMT_LINE_MAX];
	int n = recfmt_json(buf, sizeof(buf), r, c);

	assert_string_equal(buf, want);
	assert_int_equal(n, (int)strlen(want));
}

static void test_tcp4_syn(void **state)
{
	struct ring_rec r;

	rec_tcp4(&r);
	check_text(&r, &ctx_tcp4, TIME_TXT " g10/cpu0 in=veth1 \"prefix\" IP "
	    "198.51.100.2.1234 > 192.0.2.1.80: tcp [S] seq 123 win 512, "
	    "ttl 64 id 4321 len 40 DF");
	check_json(&r, &ctx_tcp4, "{\"@timestamp\":\"" TIME_JSON "\"," EVENT(42) ","
	    "\"message\":\"dropped tcp 198.51.100.2:1234 -> 192.0.2.1:80\",\"tags\":[],"
	    "\"rule\":{\"name\":\"prefix\",\"ruleset\":\"prefix\"},"
	    OBSERVER ",\"ingress\":{\"interface\":{\"name\":\"veth1\",\"id\":\"3\"}}},"
	    "\"network\":{\"type\":\"ipv4\",\"transport\":\"tcp\",\"iana_number\":\"6\","
	    "\"direction\":\"inbound\",\"bytes\":40},"
	    "\"source\":{\"ip\":\"198.51.100.2\",\"port\":1234,\"bytes\":40},"
	    "\"destination\":{\"ip\":\"192.0.2.1\",\"port\":80},"
	    "\"nflog\":{\"schema\":1,\"group\":10,\"cpu\":0,\"hook\":1,\"seq\":17,\"mark\":0,"
	    "\"status\":\"ok\",\"cap_len\":60,"
	    "\"ip\":{\"ttl\":64,\"id\":4321,\"flags\":[\"DF\"],\"frag_offset\":0,\"len\":40,\"tos\":0},"
	    "\"tcp\":{\"flags\":\"S\",\"window\":512,\"seq\":123,\"data_offset\":5}}}");

	/* SYN-ACK with every flag letter in order; no-flag segments say so. */
	r.tcp_flags = 0xff;
	check_text(&r, &ctx_none, TIME_TXT " g10/cpu0 in=#3 IP "
	    "198.51.100.2.1234 > 192.0.2.1.80: tcp [FSRPAUEC] seq 123 win 512, "
	    "ttl 64 id 4321 len 40 DF");
	r.tcp_flags = 0;
	r.ifindex_in = 0;
	check_text(&r, &ctx_none, TIME_TXT " g10/cpu0 IP "
	    "198.51.100.2.1234 > 192.0.2.1.80: tcp [none] seq 123 win 512, "
	    "ttl 64 id 4321 len 40 DF");
}

static void test_udp6_flow(void **state)
{
	struct ring_rec r;

	rec_udp6(&r);
	check_text(&r, &ctx_none, TIME_TXT " g11 out=#4 IP6 2001:db8::2.5353 > "
	    "2001:db8::1.53: udp len 20, hlim 64 flow 0x12345 len 60");
	check_json(&r, &ctx_none, "{\"@timestamp\":\"" TIME_JSON "\"," EVENT(0) ","
	    "\"message\":\"dropped udp [2001:db8::2]:5353 -> [2001:db8::1]:53\",\"tags\":[],"
	    OBSERVER ",\"egress\":{\"interface\":{\"id\":\"4\"}}},"
	    "\"network\":{\"type\":\"ipv6\",\"transport\":\"udp\",\"iana_number\":\"17\","
	    "\"direction\":\"unknown\",\"bytes\":60},"
	    "\"source\":{\"ip\":\"2001:db8::2\",\"port\":5353,\"bytes\":60},"
	    "\"destination\":{\"ip\":\"2001:db8::1\",\"port\":53},"
	    "\"nflog\":{\"schema\":1,\"group\":11,\"hook\":2,\"mark\":16,\"status\":\"ok\",\"cap_len\":60,"
	    "\"ip\":{\"ttl\":64,\"id\":0,\"flags\":[],\"frag_offset\":0,\"len\":60,\"tos\":0},"
	    "\"ipv6\":{\"flow_label\":74565},\"udp\":{\"len\":20}}}");
}

static void test_icmp_unreach(void **state)
{
	struct ring_rec r;

	rec_icmp4(&r);
	check_text(&r, &ctx_icmp4, TIME_TXT " g10/cpu1 in=veth1 out=eth0 \"in-drop \" IP "
	    "198.51.100.2 > 192.0.2.1: icmp 3/3 unreachable-port, "
	    "quoted udp 192.0.2.1.5353 > 198.51.100.2.53, ttl 63 tos 0xc0 id 7 len 56");
	check_json(&r, &ctx_icmp4, "{\"@timestamp\":\"" TIME_JSON "\"," EVENT(7) ","
	    "\"message\":\"dropped icmp 198.51.100.2 -> 192.0.2.1\",\"tags\":[],"
	    "\"rule\":{\"name\":\"in-drop \",\"ruleset\":\"in-drop \"},"
	    OBSERVER ",\"ingress\":{\"interface\":{\"name\":\"veth1\",\"id\":\"3\"}},"
	    "\"egress\":{\"interface\":{\"name\":\"eth0\",\"id\":\"5\"}}},"
	    "\"network\":{\"type\":\"ipv4\",\"transport\":\"icmp\",\"iana_number\":\"1\","
	    "\"direction\":\"inbound\",\"bytes\":56},"
	    "\"source\":{\"ip\":\"198.51.100.2\",\"bytes\":56},\"destination\":{\"ip\":\"192.0.2.1\"},"
	    "\"nflog\":{\"schema\":1,\"group\":10,\"cpu\":1,\"hook\":1,\"mark\":0,\"status\":\"ok\",\"cap_len\":56,"
	    "\"ip\":{\"ttl\":63,\"id\":7,\"flags\":[],\"frag_offset\":0,\"len\":56,\"tos\":192},"
	    "\"icmp\":{\"type\":3,\"code\":3,\"inner\":{\"type\":\"ipv4\",\"transport\":\"udp\","
	    "\"iana_number\":\"17\",\"source\":{\"ip\":\"192.0.2.1\",\"port\":5353},"
	    "\"destination\":{\"ip\":\"198.51.100.2\",\"port\":53}}}}}");
}

static void test_icmp6_and_fragment(void **state)
{
	struct ring_rec r;

	rec_udp6(&r);
	r.proto = 58;
	r.icmp_type = 128;
	r.flow_label = 0;
	r.tos = 0x20;
	check_text(&r, &ctx_none, TIME_TXT " g11 out=#4 IP6 2001:db8::2 > 2001:db8::1: "
	    "icmp6 128/0 echo-request, hlim 64 tclass 0x20 len 60");
	r.icmp_type = 135;
	check_text(&r, &ctx_none, TIME_TXT " g11 out=#4 IP6 2001:db8::2 > 2001:db8::1: "
	    "icmp6 135/0 neighbor-solicit, hlim 64 tclass 0x20 len 60");
	r.icmp_type = 200;
	check_text(&r, &ctx_none, TIME_TXT " g11 out=#4 IP6 2001:db8::2 > 2001:db8::1: "
	    "icmp6 200/0, hlim 64 tclass 0x20 len 60");

	/* A non-first fragment has no L4 header: no ports, no udp object. */
	rec_udp6(&r);
	r.ip_flags = RING_IPF_FRAGHDR | RING_IPF_FRAGMENT | RING_IPF_MF | RING_IPF_OPTIONS;
	r.frag_off = 1448;
	r.ip_id = 99;
	r.ifindex_out = 0;
	check_text(&r, &ctx_none, TIME_TXT " g11 IP6 2001:db8::2 > 2001:db8::1: "
	    "udp fragment, hlim 64 flow 0x12345 id 99 len 60 MF frag 1448");
	check_json(&r, &ctx_none, "{\"@timestamp\":\"" TIME_JSON "\"," EVENT(0) ","
	    "\"message\":\"dropped udp 2001:db8::2 -> 2001:db8::1\",\"tags\":[]," OBSERVER "},"
	    "\"network\":{\"type\":\"ipv6\",\"transport\":\"udp\",\"iana_number\":\"17\","
	    "\"direction\":\"unknown\",\"bytes\":60},"
	    "\"source\":{\"ip\":\"2001:db8::2\",\"bytes\":60},\"destination\":{\"ip\":\"2001:db8::1\"},"
	    "\"nflog\":{\"schema\":1,\"group\":11,\"hook\":2,\"mark\":16,\"status\":\"ok\",\"cap_len\":60,"
	    "\"ip\":{\"ttl\":64,\"id\":99,\"flags\":[\"MF\"],\"frag_offset\":1448,\"len\":60,\"tos\":0},"
	    "\"ipv6\":{\"flow_label\":74565}}}");

	/* An IPv4 protocol without a name is shown by number. */
	rec_tcp4(&r);
	r.proto = 47;
	r.ifindex_in = 0;
	check_text(&r, &ctx_none, TIME_TXT " g10/cpu0 IP 198.51.100.2 > 192.0.2.1: "
	    "proto 47, ttl 64 id 4321 len 40 DF");
}

static void test_truncated(void **state)
{
	struct ring_rec r;
	char want[RECFMT_LINE_MAX];
	const char *why = decode_why_str(RING_WHY_L4_TRUNC);

	/* TCP header cut by the copy range: the L3 part is still shown. */
	rec_tcp4(&r);
	r.status = RING_ST_TRUNCATED;
	r.why = RING_WHY_L4_TRUNC;
	r.ifindex_in = 0;
	r.ip_flags &= (uint8_t)~RING_IPF_HAVE_SEQ;
	fmt(want, sizeof(want), TIME_TXT " g10/cpu0 IP 198.51.100.2 > 192.0.2.1: tcp, "
	    "ttl 64 id 4321 len 40 DF [truncated: %s]", why);
	check_text(&r, &ctx_none, want);
	fmt(want, sizeof(want), "{\"@timestamp\":\"" TIME_JSON "\"," EVENT(0) ","
	    "\"message\":\"dropped tcp 198.51.100.2 -> 192.0.2.1\",\"tags\":[]," OBSERVER "},"
	    "\"network\":{\"type\":\"ipv4\",\"transport\":\"tcp\",\"iana_number\":\"6\","
	    "\"direction\":\"inbound\",\"bytes\":40},"
	    "\"source\":{\"ip\":\"198.51.100.2\",\"bytes\":40},\"destination\":{\"ip\":\"192.0.2.1\"},"
	    "\"nflog\":{\"schema\":1,\"group\":10,\"cpu\":0,\"hook\":1,\"mark\":0,\"status\":\"truncated\","
	    "\"why\":\"%s\",\"cap_len\":60,"
	    "\"ip\":{\"ttl\":64,\"id\":4321,\"flags\":[\"DF\"],\"frag_offset\":0,\"len\":40,\"tos\":0}}}",
	    why);
	check_json(&r, &ctx_none, want);

	/* IPv6 header cut: nothing but the family is known. */
	memset(&r, 0, sizeof(r));
	r.ts_ns = TS;
	r.family = 6;
	r.status = RING_ST_TRUNCATED;
	r.why = RING_WHY_L3_TRUNC;
	r.cpu = 0xffff;
	r.cap_len = 20;
	why = decode_why_str(RING_WHY_L3_TRUNC);
	fmt(want, sizeof(want), TIME_TXT " g0 IP6 [truncated: %s]", why);
	check_text(&r, &ctx_none, want);
	fmt(want, sizeof(want), "{\"@timestamp\":\"" TIME_JSON "\"," EVENT(0) ","
	    "\"message\":\"dropped a packet\",\"tags\":[]," OBSERVER "},"
	    "\"network\":{\"type\":\"ipv6\",\"direction\":\"inbound\"},"
	    "\"nflog\":{\"schema\":1,\"group\":0,\"hook\":0,\"mark\":0,"
	    "\"status\":\"truncated\",\"why\":\"%s\",\"cap_len\":20}}", why);
	check_json(&r, &ctx_none, want);
}

static void test_invalid(void **state)
{
	struct ring_rec r;
	char want[RECFMT_LINE_MAX];
	const char *why = decode_why_str(RING_WHY_L3_VERSION);

	memset(&r, 0, sizeof(r));
	r.ts_ns = TS;
	r.family = 4;
	r.status = RING_ST_INVALID;
	r.why = RING_WHY_L3_VERSION;
	r.group = 3;
	r.cpu = 2;
	r.cap_len = 40;
	fmt(want, sizeof(want), TIME_TXT " g3/cpu2 IP [invalid: %s]", why);
	check_text(&r, &ctx_none, want);
	fmt(want, sizeof(want), "{\"@timestamp\":\"" TIME_JSON "\"," EVENT(0) ","
	    "\"message\":\"dropped a packet\",\"tags\":[]," OBSERVER "},"
	    "\"network\":{\"type\":\"ipv4\",\"direction\":\"inbound\"},"
	    "\"nflog\":{\"schema\":1,\"group\":3,\"cpu\":2,\"hook\":0,"
	    "\"mark\":0,\"status\":\"invalid\",\"why\":\"%s\",\"cap_len\":40}}", why);
	check_json(&r, &ctx_none, want);

	/* Quoted header bad: the ICMP header is shown, the quote is not. */
	rec_icmp4(&r);
	r.status = RING_ST_INVALID;
	r.why = RING_WHY_INNER_BAD;
	r.ip_flags = 0;
	r.ifindex_in = r.ifindex_out = 0;
	why = decode_why_str(RING_WHY_INNER_BAD);
	fmt(want, sizeof(want), TIME_TXT " g10/cpu1 IP 198.51.100.2 > 192.0.2.1: "
	    "icmp 3/3 unreachable-port, ttl 63 tos 0xc0 id 7 len 56 [invalid: %s]", why);
	check_text(&r, &ctx_none, want);

	/* Non-IP payload (family 0): metadata only. */
	memset(&r, 0, sizeof(r));
	r.status = RING_ST_OK;
	r.proto = 6;
	check_text(&r, &ctx_none, "1970-01-01T00:00:00.000000Z g0/cpu0 non-IP");
	check_json(&r, &ctx_none, "{\"@timestamp\":\"1970-01-01T00:00:00.000000000Z\","
	    EVENT(0) ",\"message\":\"dropped a non-IP packet\",\"tags\":[]," OBSERVER "},"
	    "\"nflog\":{\"schema\":1,\"group\":0,\"cpu\":0,\"hook\":0,\"mark\":0,"
	    "\"status\":\"ok\",\"cap_len\":0}}");
}

/* Every tag bit set: the names, then tagN for bits without one (ECS tags). */
#define GARBAGE_TAGS	"\"scan-null\",\"scan-fin\",\"scan-xmas\",\"scan-maimon\","	\
	"\"scan-syn-fin\",\"scan-ack\",\"syn-odd-flags\",\"port-zero\","	\
	"\"firewall-piercing\",\"fraggle-probe\",\"slammer\",\"land\","	\
	"\"bogon-source\",\"martian-source\",\"crafted-ttl\",\"crafted-ipid\","	\
	"\"hack-a-tack\",\"netbios-nbstat\",\"broadcast-destination\","	\
	"\"echo-chargen-loop\",\"broadcast-ping\",\"nd-off-link\","	\
	"\"link-local-forwarded\",\"link-chatter\",\"ra-unsolicited\","	\
	"\"tag25\",\"tag26\",\"tag27\",\"tag28\",\"tag29\",\"tag30\",\"tag31\""

static void test_garbage(void **state)
{
	struct ring_rec r;
	char want[RECFMT_LINE_MAX];
	const char *why = decode_why_str(99);

	rec_garbage(&r);
	fmt(want, sizeof(want), "2554-07-21T23:34:33.709551Z g65535 family 9 proto 200 "
	    "fragment, ttl 255 tos 0xff id 4294967295 len 65535 RF DF MF frag 65535 "
	    "[status 7: %s]", why);
	check_text(&r, &ctx_none, want);
	fmt(want, sizeof(want), "{\"@timestamp\":\"2554-07-21T23:34:33.709551615Z\","
	    EVENT(0) ",\"message\":\"dropped a non-IP packet\",\"tags\":[" GARBAGE_TAGS "],"
	    OBSERVER "},\"network\":{\"transport\":\"200\",\"iana_number\":\"200\","
	    "\"direction\":\"unknown\",\"bytes\":65535},"
	    "\"nflog\":{\"schema\":1,\"group\":65535,\"hook\":250,\"seq\":4294967295,\"mark\":4294967295,"
	    "\"status\":\"unknown\",\"why\":\"%s\",\"cap_len\":65535,"
	    "\"ip\":{\"ttl\":255,\"id\":4294967295,\"flags\":[\"RF\",\"DF\",\"MF\"],"
	    "\"frag_offset\":65535,\"len\":65535,\"tos\":255}}}", why);
	check_json(&r, &ctx_none, want);

	/* OK status with a garbage quote: the quote's family is named, not trusted. */
	rec_icmp4(&r);
	r.inner_family = 0;
	r.inner_proto = 6;
	r.ifindex_in = r.ifindex_out = 0;
	check_text(&r, &ctx_none, TIME_TXT " g10/cpu1 IP 198.51.100.2 > 192.0.2.1: "
	    "icmp 3/3 unreachable-port, quoted family 0 tcp, ttl 63 tos 0xc0 id 7 len 56");
}

/* Hostile strings: quotes, backslashes, C0/C1 controls, DEL, U+2028, invalid
 * and overlong UTF-8, surrogates; valid UTF-8 passes through in JSON only. */
static void test_escaping(void **state)
{
	static const char prefix[] = "a\"b\\c\x01\x1f\x7f d\xc3\xa9\xe2\x80\xa8\xc2\x85"
	    "\xff\xc3(\xed\xa0\x80\xf0\x9f\x98\x80\xc0\xaf\xf4\x90\x80\x80z\xe2\x82";
	const struct recfmt_ctx c = { prefix, "ev il\x1b[", "\xc3\xa9t\"h\\", 1, NULL, NULL, NULL, NULL, NULL, NULL };
	struct ring_rec r;
	char buf[RECFMT_LINE_MAX];
	const char *p;

	rec_tcp4(&r);
	r.ifindex_out = 9;
	check_text(&r, &c, TIME_TXT " g10/cpu0 in=ev\\x20il\\x1b[ out=\\xc3\\xa9t\\\"h\\\\ "
	    "\"a\\\"b\\\\c\\x01\\x1f\\x7f d\\xc3\\xa9\\xe2\\x80\\xa8\\xc2\\x85\\xff\\xc3("
	    "\\xed\\xa0\\x80\\xf0\\x9f\\x98\\x80\\xc0\\xaf\\xf4\\x90\\x80\\x80z\\xe2\\x82\" IP "
	    "198.51.100.2.1234 > 192.0.2.1.80: tcp [S] seq 123 win 512, "
	    "ttl 64 id 4321 len 40 DF");
	assert_true(recfmt_json(buf, sizeof(buf), &r, &c) > 0);
#define ESCAPED_PREFIX "\"a\\\"b\\\\c\\u0001\\u001f\\u007f d\xc3\xa9"		\
	    "\\u2028\\u0085\\ufffd\\ufffd(\\ufffd\\ufffd\\ufffd\xf0\x9f\x98\x80"	\
	    "\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffdz\\ufffd\\ufffd\""
#define ESCAPED_RULE_OBSERVER "\"rule\":{\"name\":" ESCAPED_PREFIX ",\"ruleset\":"	\
	    ESCAPED_PREFIX "}," OBSERVER ","						\
	    "\"ingress\":{\"interface\":{\"name\":\"ev il\\u001b[\",\"id\":\"3\"}},"		\
	    "\"egress\":{\"interface\":{\"name\":\"\xc3\xa9t\\\"h\\\\\",\"id\":\"9\"}}},"
	p = strstr(buf, "\"rule\"");
	assert_non_null(p);
	assert_memory_equal(p, ESCAPED_RULE_OBSERVER, strlen(ESCAPED_RULE_OBSERVER));
#undef ESCAPED_RULE_OBSERVER
#undef ESCAPED_PREFIX
}

/* Strings straight from a damaged ring table may lack their NUL: reading
 * stops at the table's field size (ASan checks the exact allocation). */
static void test_unterminated(void **state)
{
	char *prefix = malloc(RING_PREFIX_LEN), *ifname = malloc(RING_IFNAMSIZ);
	struct recfmt_ctx c;
	struct ring_rec r;
	char buf[RECFMT_LINE_MAX], want[RING_PREFIX_LEN + 1];
	const char *p;

	assert_non_null(prefix);
	assert_non_null(ifname);
	memset(prefix, 'x', RING_PREFIX_LEN);
	memset(ifname, 'i', RING_IFNAMSIZ);
	c = (struct recfmt_ctx){ prefix, ifname, ifname, 0, NULL, NULL, NULL, NULL, NULL, NULL };
	rec_tcp4(&r);
	r.ifindex_out = 1;
	memset(want, 'x', RING_PREFIX_LEN);
	want[RING_PREFIX_LEN] = '\0';
	assert_true(recfmt_text(buf, sizeof(buf), &r, &c) > 0);
	p = strchr(buf, '"');
	assert_non_null(p);
	assert_memory_equal(p + 1, want, RING_PREFIX_LEN);
	assert_int_equal(p[1 + RING_PREFIX_LEN], '"');
	assert_non_null(strstr(buf, " in=iiiiiiiiiiiiiiii out=iiiiiiiiiiiiiiii \""));
	assert_true(recfmt_json(buf, sizeof(buf), &r, &c) > 0);
	assert_non_null(strstr(buf, "\"name\":\"iiiiiiiiiiiiiiii\",\"id\":\"3\""));
	free(prefix);
	free(ifname);
}

static void test_small_buffer(void **state)
{
	static const char hostile[] = "\"\\\x01\xff\xe2\x80\xa8 p";
	const struct recfmt_ctx c = { hostile, "e\x02", "o", 5, NULL, NULL, NULL, NULL, NULL, NULL };
	struct ring_rec r;

	rec_tcp4(&r);
	check_sizes(recfmt_text, &r, &ctx_tcp4);
	check_sizes(recfmt_json, &r, &ctx_tcp4);
	r.ifindex_out = 2;
	check_sizes(recfmt_text, &r, &c);
	check_sizes(recfmt_json, &r, &c);
	rec_icmp4(&r);
	check_sizes(recfmt_text, &r, &ctx_icmp4);
	check_sizes(recfmt_json, &r, &ctx_icmp4);
	rec_garbage(&r);
	check_sizes(recfmt_text, &r, &ctx_none);
	check_sizes(recfmt_json, &r, &ctx_none);
}

static void test_bad_args(void **state)
{
	struct ring_rec r;
	char buf[16] = "unchanged";

	rec_tcp4(&r);
	assert_int_equal(recfmt_text(buf, sizeof(buf), NULL, &ctx_none), -1);
	assert_string_equal(buf, "");
	assert_int_equal(recfmt_json(buf, sizeof(buf), &r, NULL), -1);
	assert_int_equal(recfmt_text(NULL, 8, &r, &ctx_none), -1);
	assert_int_equal(recfmt_json(NULL, 1, &r, &ctx_none), -1);
	assert_true(recfmt_json(NULL, 0, &r, &ctx_none) > 0);
}

/* Alerts from a damaged or hostile file: any family, type or state byte. The
 * fuzzer (tests/fuzz/fuzz_ringread.c) found a NULL address string here. */
static void test_alert_hostile_fields(void **state)
{
	static const uint8_t families[] = { 0, 1, 5, 9, 255 };
	char buf[RECFMT_LINE_MAX];
	struct ring_alert a;
	size_t i;

	for (i = 0; i < sizeof(families); i++) {
		memset(&a, 0xa5, sizeof(a));
		a.kind = RING_KIND_ALERT;
		a.family = families[i];
		a.targets = 1;
		assert_true(recfmt_alert_text(buf, sizeof(buf), &a, &ctx_none) > 0);
		assert_non_null(strstr(buf, "family-"));
		assert_true(recfmt_alert_json(buf, sizeof(buf), &a, &ctx_none) > 0);
		assert_null(strstr(buf, "\"source\""));
	}
}

static void test_helpers(void **state)
{
	char f[9];

	assert_string_equal(recfmt_status_str(RING_ST_OK), "ok");
	assert_string_equal(recfmt_status_str(RING_ST_TRUNCATED), "truncated");
	assert_string_equal(recfmt_status_str(RING_ST_INVALID), "invalid");
	assert_string_equal(recfmt_status_str(3), "unknown");
	assert_string_equal(recfmt_status_str(~0u), "unknown");
	recfmt_tcp_flags(f, 0);
	assert_string_equal(f, "");
	recfmt_tcp_flags(f, RING_TCP_SYN | RING_TCP_ACK);
	assert_string_equal(f, "SA");
	recfmt_tcp_flags(f, RING_TCP_FIN | RING_TCP_PSH | RING_TCP_URG);
	assert_string_equal(f, "FPU");
	recfmt_tcp_flags(f, 0xff);
	assert_string_equal(f, "FSRPAUEC");
}

/* xorshift64: reproducible noise for the random-record test. */

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp4_syn),
		cmocka_unit_test(test_udp6_flow),
		cmocka_unit_test(test_icmp_unreach),
		cmocka_unit_test(test_icmp6_and_fragment),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_alert_hostile_fields),
		cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
