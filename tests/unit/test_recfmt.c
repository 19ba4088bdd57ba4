/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_recfmt.c - golden text and JSON lines for hand-built ring records.
 *
 * Exact strings are the main assertion. Reason texts come from decode.c, so
 * lines that carry one are built around decode_why_str() instead of copying
 * today's wording. JSON lines are also run through python3's json module when
 * it is installed, and every size of a too-small buffer is tried on an exact
 * heap allocation so ASan catches a write past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture/decode.h"
#include "classify/kb.h"
#include "classify/services.h"
#include "report/geoip.h"
#include "report/recfmt.h"

#define TS		1795315802123456789ull	/* 2026-11-22T02:50:02.123456789Z */
#define TIME_TXT	"2026-11-22T02:50:02.123456Z"
#define TIME_JSON	"2026-11-22T02:50:02.123456789Z"
/* The ECS categorisation every drop carries, severity 3 (verdict unknown). */
#define EVENT(seq)	"\"ecs\":{\"version\":\"8.11.0\"},\"event\":{\"kind\":\"event\","		\
	"\"category\":[\"network\"],\"type\":[\"connection\",\"denied\"],\"action\":\"dropped\","	\
	"\"outcome\":\"failure\",\"module\":\"nflogd\",\"dataset\":\"nflogd.drop\","		\
	"\"severity\":3,\"sequence\":" #seq "}"
/* observer without a host (ctx.host NULL), left open for the interfaces. */
#define OBSERVER	"\"observer\":{\"type\":\"firewall\",\"vendor\":\"nflogd\",\"product\":\"nflogd\""

static void set_addr(uint8_t dst[16], const uint8_t *src, size_t n)
{
	memset(dst, 0, 16);
	memcpy(dst, src, n);
}

static const uint8_t a4_client[] = { 198, 51, 100, 2 };
static const uint8_t a4_server[] = { 192, 0, 2, 1 };
static const uint8_t a6_client[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
static const uint8_t a6_server[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

/* IPv4 TCP SYN with DF, from the HELPERS-CONTEXT example. */
static void rec_tcp4(struct ring_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->ts_ns = TS;
	r->kind = RING_KIND_DROP;
	r->family = 4;
	r->proto = 6;
	r->status = RING_ST_OK;
	r->hook = 1;
	r->ip_flags = RING_IPF_DF | RING_IPF_HAVE_SEQ;
	r->nflog_seq = 17;
	r->ttl = 64;
	r->tcp_flags = RING_TCP_SYN;
	r->tcp_doff = 5;
	r->group = 10;
	r->cpu = 0;
	r->sport = 1234;
	r->dport = 80;
	r->ip_len = 40;
	r->tcp_window = 512;
	r->tcp_seq = 123;
	r->ip_id = 4321;
	r->cap_len = 60;
	r->ifindex_in = 3;
	set_addr(r->saddr, a4_client, 4);
	set_addr(r->daddr, a4_server, 4);
}

static void rec_udp6(struct ring_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->ts_ns = TS;
	r->kind = RING_KIND_DROP;
	r->family = 6;
	r->proto = 17;
	r->hook = 2;
	r->ttl = 64;
	r->group = 11;
	r->cpu = 0xffff;
	r->sport = 5353;
	r->dport = 53;
	r->ip_len = 60;
	r->udp_len = 20;
	r->flow_label = 0x12345;
	r->cap_len = 60;
	r->mark = 0x10;
	r->ifindex_out = 4;
	set_addr(r->saddr, a6_client, 16);
	set_addr(r->daddr, a6_server, 16);
}

/* Port unreachable quoting the UDP datagram that provoked it. */
static void rec_icmp4(struct ring_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->ts_ns = TS;
	r->kind = RING_KIND_DROP;
	r->family = 4;
	r->proto = 1;
	r->hook = 1;
	r->ip_flags = RING_IPF_HAVE_INNER;
	r->ttl = 63;
	r->tos = 0xc0;
	r->icmp_type = 3;
	r->icmp_code = 3;
	r->inner_family = 4;
	r->inner_proto = 17;
	r->group = 10;
	r->cpu = 1;
	r->ip_len = 56;
	r->ip_id = 7;
	r->cap_len = 56;
	r->inner_sport = 5353;
	r->inner_dport = 53;
	r->ifindex_in = 3;
	r->ifindex_out = 5;
	set_addr(r->saddr, a4_client, 4);
	set_addr(r->daddr, a4_server, 4);
	set_addr(r->inner_saddr, a4_server, 4);
	set_addr(r->inner_daddr, a4_client, 4);
}

/* Every field out of range: a damaged or hostile ring file. */
static void rec_garbage(struct ring_rec *r)
{
	memset(r, 0xff, sizeof(*r));
	r->family = 9;
	r->proto = 200;
	r->status = 7;
	r->why = 99;
	r->hook = 250;
	r->kind = 77;
	r->ifindex_in = 0;
	r->ifindex_out = 0;
}

static const struct recfmt_ctx ctx_tcp4 = { "prefix", "veth1", NULL, 42, NULL, NULL, NULL, NULL, NULL };
static const struct recfmt_ctx ctx_none = { NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL };
static const struct recfmt_ctx ctx_icmp4 = { "in-drop ", "veth1", "eth0", 7, NULL, NULL, NULL, NULL, NULL };

static void __attribute__((format(printf, 3, 4))) fmt(char *dst, size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(dst, size, f, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < size);
}

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
	const struct recfmt_ctx c = { prefix, "ev il\x1b[", "\xc3\xa9t\"h\\", 1, NULL, NULL, NULL, NULL, NULL };
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
	c = (struct recfmt_ctx){ prefix, ifname, ifname, 0, NULL, NULL, NULL, NULL, NULL };
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

typedef int (*fmt_fn)(char *, size_t, const struct ring_rec *, const struct recfmt_ctx *);

/* Every buffer size from 0 to one past the need, each an exact allocation. */
static void check_sizes(fmt_fn fn, const struct ring_rec *r, const struct recfmt_ctx *c)
{
	char full[RECFMT_LINE_MAX];
	int need = fn(full, sizeof(full), r, c);
	size_t size;

	assert_true(need > 0 && need < (int)sizeof(full));
	assert_int_equal(fn(NULL, 0, r, c), need);
	for (size = 1; size <= (size_t)need + 1; size++) {
		char *b = malloc(size);
		size_t kept = size - 1 < (size_t)need ? size - 1 : (size_t)need;

		assert_non_null(b);
		assert_int_equal(fn(b, size, r, c), need);
		assert_int_equal(strlen(b), kept);
		assert_memory_equal(b, full, kept);
		free(b);
	}
}

static void test_small_buffer(void **state)
{
	static const char hostile[] = "\"\\\x01\xff\xe2\x80\xa8 p";
	const struct recfmt_ctx c = { hostile, "e\x02", "o", 5, NULL, NULL, NULL, NULL, NULL };
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
	struct recfmt_ctx c = { NULL, NULL, NULL, 0, kb_builtin(), svc, NULL, NULL, NULL };
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
	struct recfmt_ctx c = { NULL, NULL, NULL, 0, NULL, NULL, &full, &asn, NULL };
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
	struct recfmt_ctx c = { prefix, in, out, 0, NULL, NULL, NULL, NULL, NULL };
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
			c = (struct recfmt_ctx){ "p\"\\\x01\xff", "veth1", NULL, i, NULL, NULL, NULL, NULL, NULL };
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
			    rnd(&seed) % 2 ? &sg : NULL, rnd(&seed) % 2 ? &dg : NULL, NULL };
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
		cmocka_unit_test(test_kb_source),
		cmocka_unit_test(test_geo),
		cmocka_unit_test(test_time_sequence),
		cmocka_unit_test(test_json_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
