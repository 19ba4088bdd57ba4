/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_explainarg.c - the words of `nflogctl explain`: ports with and without a
 * protocol, ICMP and ICMPv6 types and codes, IPv4/IPv6 addresses, and every
 * way to get them wrong (the netns case 60-classify runs the real command).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/explainarg.h"
#include "classify/kb.h"

/* Parse "a" or "a b" (split at the first space) with explainarg_parse. */
static enum explainarg_rc parse(const char *words, struct explainarg *ea)
{
	static char buf[256];
	char *argv[3] = { buf, NULL, NULL };
	char *sp;

	snprintf(buf, sizeof(buf), "%s", words);
	sp = strchr(buf, ' ');
	if (sp) {
		*sp = '\0';
		argv[1] = sp + 1;
	}
	return explainarg_parse(sp ? 2 : 1, argv, ea);
}

static void test_ports(void **state)
{
	static const struct {
		const char *s;
		unsigned    protos;
		uint16_t    port;
	} t[] = {
		{ "137",		KB_PROTO_TCP | KB_PROTO_UDP, 137 },
		{ "0",			KB_PROTO_TCP | KB_PROTO_UDP, 0 },
		{ "65535",		KB_PROTO_TCP | KB_PROTO_UDP, 65535 },
		{ "31337/udp",		KB_PROTO_UDP, 31337 },
		{ "27374/tcp",		KB_PROTO_TCP, 27374 },
		{ "0080/tcp",		KB_PROTO_TCP, 80 },
		/* Longer than the 16-byte copy the parser once made: read whole. */
		{ "00000000000000080",	KB_PROTO_TCP | KB_PROTO_UDP, 80 },
		{ "000000000000000000000000000000443/udp", KB_PROTO_UDP, 443 },
	};
	struct explainarg ea;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (parse(t[i].s, &ea) != EXPLAINARG_OK)
			fail_msg("\"%s\" rejected", t[i].s);
		assert_int_equal(ea.kind, EXPLAINARG_PORT);
		assert_int_equal(ea.protos, t[i].protos);
		assert_int_equal(ea.port, t[i].port);
		assert_string_equal(ea.what, t[i].s);
		assert_int_equal(ea.family, 0);
	}
}

static void test_icmp(void **state)
{
	static const struct {
		const char *s;
		unsigned    family;
		uint8_t	    type, code;
		bool	    has_code;
	} t[] = {
		{ "icmp 3/4",		4, 3, 4, true },
		{ "icmp 8",		4, 8, 0, false },
		{ "icmp 255/255",	4, 255, 255, true },
		{ "icmp 0/0",		4, 0, 0, true },
		{ "icmpv6 2",		6, 2, 0, false },
		{ "icmpv6 1/4",		6, 1, 4, true },
		{ "icmp 0000000000000003/4", 4, 3, 4, true },
	};
	struct explainarg ea;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (parse(t[i].s, &ea) != EXPLAINARG_OK)
			fail_msg("\"%s\" rejected", t[i].s);
		assert_int_equal(ea.kind, EXPLAINARG_ICMP);
		assert_int_equal(ea.family, t[i].family);
		assert_int_equal(ea.type, t[i].type);
		assert_int_equal(ea.code, t[i].code);
		assert_int_equal(ea.has_code, t[i].has_code);
		assert_string_equal(ea.what, strchr(t[i].s, ' ') + 1);
	}
}

static void test_addrs(void **state)
{
	static const uint8_t v4[16] = { 169, 254, 1, 1 };
	static const uint8_t v6[16] = { 0xfe, 0x80, [15] = 1 };
	static const uint8_t v4m[16] = { [10] = 0xff, [11] = 0xff, 192, 0, 2, 1 };
	struct explainarg ea;

	(void)state;
	assert_int_equal(parse("169.254.1.1", &ea), EXPLAINARG_OK);
	assert_int_equal(ea.kind, EXPLAINARG_ADDR);
	assert_int_equal(ea.family, 4);
	assert_memory_equal(ea.addr, v4, 16);
	assert_string_equal(ea.what, "169.254.1.1");

	assert_int_equal(parse("fe80::1", &ea), EXPLAINARG_OK);
	assert_int_equal(ea.family, 6);
	assert_memory_equal(ea.addr, v6, 16);

	assert_int_equal(parse("::ffff:192.0.2.1", &ea), EXPLAINARG_OK);
	assert_int_equal(ea.family, 6);
	assert_memory_equal(ea.addr, v4m, 16);
}

/* Numbers, but too big: "out of range", not "cannot parse". */
static void test_range(void)
{
	static const char *const range_err[] = {
		"70000", "65536", "99999", "99999/udp", "99999999999999999999999",
		"icmp 256", "icmp 3/256", "icmpv6 300/0", "icmp 99999999999",
	};
	struct explainarg ea;
	const char *what;
	size_t i;

	for (i = 0; i < sizeof(range_err) / sizeof(range_err[0]); i++) {
		if (parse(range_err[i], &ea) != EXPLAINARG_E_RANGE)
			fail_msg("\"%s\" not rejected as out of range", range_err[i]);
		assert_int_equal(ea.kind, 0);
		what = strchr(range_err[i], ' ');
		assert_string_equal(ea.what, what ? what + 1 : range_err[i]);
	}
}

static void test_bad(void **state)
{
	static const char *const parse_err[] = {
		"", "-1", "+80", "0x50", "80/sctp",
		"80/", "/tcp", "80/TCP", "80/tcp/", "80/tcp/udp", "abc", "1e3",
		"99999x", "99999/sctp", "1.2.3.4/tcp", "1.2.3", "256.1.1.1",
		"fe80::1::2", "::g", "1.2.3.4.5", ":",
		"icmp 256x", "icmp 3x/4", "icmp 3/", "icmp /4", "icmp 3/4/5", "icmp",
		"icmp -1", "icmp 3/-0", "icmpv6 x", "icmp ",
	};
	struct explainarg ea;
	const char *what;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(parse_err) / sizeof(parse_err[0]); i++) {
		/* "icmp" alone is one word: a port that does not parse */
		if (parse(parse_err[i], &ea) != EXPLAINARG_E_PARSE)
			fail_msg("\"%s\" not rejected as unparsable", parse_err[i]);
		assert_int_equal(ea.kind, 0);
		what = strchr(parse_err[i], ' ');
		assert_string_equal(ea.what, what ? what + 1 : parse_err[i]);
	}
	/* one word with spaces in it (the shell passed it quoted) */
	{
		char w1[] = " 80", w2[] = "80 ", w3[] = "icmp 3";
		char *one[][1] = { { w1 }, { w2 }, { w3 } };

		for (i = 0; i < 3; i++) {
			assert_int_equal(explainarg_parse(1, one[i], &ea), EXPLAINARG_E_PARSE);
			assert_ptr_equal(ea.what, one[i][0]);
		}
	}
	test_range();
	assert_int_equal(parse("tcp 80", &ea), EXPLAINARG_E_KEYWORD);
	assert_string_equal(ea.what, "tcp");
	assert_int_equal(parse("ICMP 3", &ea), EXPLAINARG_E_KEYWORD);
	assert_int_equal(parse("icmpv4 3", &ea), EXPLAINARG_E_KEYWORD);
	assert_int_equal(ea.kind, 0);
}

static void test_count(void **state)
{
	char a[] = "icmp", b[] = "3", c[] = "4";
	char *argv[] = { a, b, c, NULL };
	struct explainarg ea;

	(void)state;
	memset(&ea, 0xa5, sizeof(ea));
	assert_int_equal(explainarg_parse(0, argv, &ea), EXPLAINARG_E_COUNT);
	assert_null(ea.what);
	assert_int_equal(ea.kind, 0);
	assert_int_equal(explainarg_parse(3, argv, &ea), EXPLAINARG_E_COUNT);
	assert_int_equal(explainarg_parse(-1, argv, &ea), EXPLAINARG_E_COUNT);
	assert_int_equal(explainarg_parse(2, argv, &ea), EXPLAINARG_OK);
}

/* Only the fields of the kind parsed are set: nothing stale from a failure. */
static void test_clean(void **state)
{
	static const uint8_t zero[16];
	struct explainarg ea;

	(void)state;
	memset(&ea, 0xa5, sizeof(ea));
	assert_int_equal(parse("80/tcp", &ea), EXPLAINARG_OK);
	assert_int_equal(ea.family, 0);
	assert_int_equal(ea.type, 0);
	assert_int_equal(ea.has_code, false);
	assert_memory_equal(ea.addr, zero, 16);
	memset(&ea, 0xa5, sizeof(ea));
	assert_int_equal(parse("icmp 3/4", &ea), EXPLAINARG_OK);
	assert_int_equal(ea.protos, 0);
	assert_int_equal(ea.port, 0);
	assert_memory_equal(ea.addr, zero, 16);
	memset(&ea, 0xa5, sizeof(ea));
	assert_int_equal(parse("192.0.2.1", &ea), EXPLAINARG_OK);
	assert_int_equal(ea.protos, 0);
	assert_memory_equal(ea.addr + 4, zero, 12);
	memset(&ea, 0xa5, sizeof(ea));
	assert_int_equal(parse("80/sctp", &ea), EXPLAINARG_E_PARSE);
	assert_int_equal(ea.protos, 0);
	assert_int_equal(ea.port, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_addrs),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
