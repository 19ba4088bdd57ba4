/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_services.c - the service-name lists (classify/services.h): the three
 * layouts (Wireshark's copy of IANA's registry, nmap-services, /etc/services),
 * bad lines of every kind, the caps, lookups, loading, and the kb rule that
 * decides when a registered name is shown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>

#include <cmocka.h>

#include "classify/kb.h"
#include "classify/services.h"

#define TCP	IPPROTO_TCP
#define UDP	IPPROTO_UDP

static struct services *parse_n(const char *text, size_t len, size_t max)
{
	char err[128];
	struct services *s = services_parse(text, len, "test", max, err, sizeof(err));

	assert_non_null(s);
	return s;
}

static struct services *parse(const char *text)
{
	return parse_n(text, strlen(text), 0);
}

static void assert_entry(const struct services *s, uint8_t proto, uint16_t port,
			 const char *name, const char *desc)
{
	const struct services_entry *e = services_lookup(s, proto, port);

	assert_non_null(e);
	assert_string_equal(e->name, name);
	assert_string_equal(e->desc, desc);
	assert_int_equal(e->port, port);
	assert_int_equal(e->proto, proto);
}

static void test_iana(void **state)
{
	struct services *s = parse(
		"# This is a local copy of the IANA port-numbers file.\n"
		"\n"
		"tcpmux\t\t1/tcp/udp\t# TCP Port Service Multiplexer\n"
		"discard\t\t9/tcp/udp/sctp/dccp\t# Discard\n"
		"x11\t\t6000-6063/tcp/udp\t# X Window System\n"
		"ircu\t\t6665-6669/tcp\t# IRCU\n"
		"sctponly\t\t9900/sctp\t# only SCTP\n"
		"secure-mqtt\t8883/tcp/udp\t# Secure MQTT\n"
		"nodesc\t\t7/udp\n");
	const struct services_stats *st = services_stats(s);

	(void)state;
	assert_int_equal(services_kind(s), SERVICES_KIND_IANA);
	assert_string_equal(services_origin(s), "IANA service-name registry");
	assert_string_equal(services_path(s), "test");
	assert_entry(s, TCP, 1, "tcpmux", "TCP Port Service Multiplexer");
	assert_entry(s, UDP, 9, "discard", "Discard");
	assert_entry(s, TCP, 6000, "x11", "X Window System");
	assert_entry(s, UDP, 6063, "x11", "X Window System");
	assert_null(services_lookup(s, TCP, 6064));
	assert_entry(s, TCP, 6667, "ircu", "IRCU");
	assert_null(services_lookup(s, UDP, 6667));
	assert_null(services_lookup(s, TCP, 9900));
	assert_entry(s, TCP, 8883, "secure-mqtt", "Secure MQTT");
	assert_entry(s, UDP, 7, "nodesc", "");
	assert_null(services_lookup(s, TCP, 7));
	assert_null(services_lookup(s, IPPROTO_ICMP, 1));	/* no ports there */
	assert_null(services_lookup(NULL, TCP, 1));
	assert_int_equal(st->lines, 9);
	assert_int_equal(st->entries, 2 + 2 + 128 + 5 + 2 + 1);
	assert_int_equal(st->bad, 0);
	assert_int_equal(st->ignored, 1);	/* the SCTP-only line */
	/* In line order, each with its line number. */
	assert_string_equal(services_at(s, 0)->name, "tcpmux");
	assert_int_equal(services_at(s, 0)->line, 3);
	assert_null(services_at(s, st->entries));
	services_free(s);
}

static void test_nmap(void **state)
{
	struct services *s = parse(
		"# Fields in this file are: Service name, portnum/protocol, open-frequency, "
		"optional comments\n"
		"tcpmux\t1/tcp\t0.001995\t# TCP Port Service Multiplexer [rfc-1078] | "
		"TCP Port Service Multiplexer\n"
		"unknown\t4/tcp\t0.000477\n"
		"accuracer\t12007/tcp\t0.000000\t# Accuracer Database System \xc3\xb1 Server\n"
		"X11:1\t6001/tcp\t0.000001\n"
		"http\t80/tcp\t0.484143\t# World Wide Web HTTP\n");

	(void)state;
	assert_int_equal(services_kind(s), SERVICES_KIND_NMAP);
	assert_entry(s, TCP, 1, "tcpmux", "TCP Port Service Multiplexer [rfc-1078]");
	assert_null(services_lookup(s, TCP, 4));	/* nmap's "unknown" is no name */
	/* One '?' for the two bytes of a UTF-8 character. */
	assert_entry(s, TCP, 12007, "accuracer", "Accuracer Database System ? Server");
	assert_entry(s, TCP, 6001, "X11:1", "");
	assert_entry(s, TCP, 80, "http", "World Wide Web HTTP");
	assert_int_equal(services_stats(s)->ignored, 1);
	services_free(s);
}

static void test_etc(void **state)
{
	struct services *s = parse(
		"# Network services, Internet style\r\n"
		"echo\t\t7/tcp\r\n"
		"discard\t\t9/tcp\t\tsink null\n"
		"ssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol\n"
		"kerberos\t88/tcp\t\tkerberos5 krb5 kerberos-sec\t# Kerberos v5\n"
		"kerberos\t88/udp\t\tkerberos5 krb5 kerberos-sec\t# Kerberos v5\n"
		"rtmp\t\t1/ddp\t\t\t# Routing Table Maintenance Protocol\n"
		"   \t  \n"
		"last\t\t65535/udp");	/* no newline at the end */

	(void)state;
	assert_int_equal(services_kind(s), SERVICES_KIND_SERVICES5);
	assert_string_equal(services_origin(s), "services(5) list");
	assert_entry(s, TCP, 7, "echo", "");		/* the CR is a blank */
	assert_entry(s, TCP, 9, "discard", "");
	assert_entry(s, TCP, 22, "ssh", "SSH Remote Login Protocol");
	assert_entry(s, UDP, 88, "kerberos", "Kerberos v5");
	assert_null(services_lookup(s, TCP, 1));	/* ddp is not kept */
	assert_entry(s, UDP, 65535, "last", "");
	assert_int_equal(services_stats(s)->lines, 9);
	assert_int_equal(services_stats(s)->bad, 0);
	services_free(s);

	/* Merged protocols alone do not make a list IANA's copy. */
	s = parse("# a list of our own\ngit\t9418/tcp/udp\t# pack transfer\n");
	assert_int_equal(services_kind(s), SERVICES_KIND_SERVICES5);
	assert_entry(s, UDP, 9418, "git", "pack transfer");
	services_free(s);
}

static void test_bad_lines(void **state)
{
	static const char *const bad[] = {
		"noport\n",				/* no second field */
		"big\t65536/tcp\n",			/* port past 65535 */
		"huge\t99999999999999999999/tcp\n",
		"neg\t-1/tcp\n",
		"hex\t0x50/tcp\n",
		"noproto\t80\n",
		"emptyproto\t80/\n",
		"slashes\t80//tcp\n",
		"upper\t80/TCP\n",
		"range\t90-80/tcp\n",			/* backwards */
		"range2\t80-/tcp\n",
		"wide\t0-256/tcp\n",			/* 257 ports */
		"junk\t80/tcp,udp\n",
		"ctl\x01name\t80/tcp\n",		/* a control in the name */
		"esc\x1b[31m\t80/tcp\n",
		"high\xc3\xa9\t80/tcp\n",		/* not ASCII */
		"nul\t80/t\0cp\n",			/* an embedded NUL */
		"x\t80/tcp\tal\x02ias\n",		/* a control among the aliases */
		"abcdefghijabcdefghijabcdefghijabc\t80/tcp\n",	/* 33 bytes of name */
	};
	char text[4096];
	size_t i, len = 0, n;
	struct services *s;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = i == 16 ? sizeof("nul\t80/t\0cp\n") - 1 : strlen(bad[i]);
		memcpy(text + len, bad[i], n);
		len += n;
	}
	n = (size_t)snprintf(text + len, sizeof(text) - len,
			     "abcdefghijabcdefghijabcdefghijab\t81/tcp # 32 bytes: fine\n"
			     "zero\t0/udp\n");
	len += n;
	s = parse_n(text, len, 0);
	assert_int_equal(services_stats(s)->bad, sizeof(bad) / sizeof(bad[0]));
	assert_int_equal(services_stats(s)->first_bad, 1);
	assert_int_equal(services_stats(s)->entries, 2);
	assert_null(services_lookup(s, TCP, 80));
	assert_entry(s, TCP, 81, "abcdefghijabcdefghijabcdefghijab", "32 bytes: fine");
	assert_entry(s, UDP, 0, "zero", "");
	services_free(s);
}

/* Comments may be anything and any length; entry lines stop at SERVICES_LINE_MAX. */
static void test_long_and_dirty(void **state)
{
	size_t n = 3 * SERVICES_LINE_MAX, len;
	char *text = malloc(n + SERVICES_LINE_MAX + 200), *d;
	struct services *s;

	(void)state;
	assert_non_null(text);
	/* A comment line far over the limit: ignored, not bad. */
	memset(text, '#', n);
	text[n] = '\n';
	len = n + 1;
	/* An entry line over it: bad. */
	len += (size_t)sprintf(text + len, "long\t80/tcp\t# ");
	memset(text + len, 'x', SERVICES_LINE_MAX);
	len += SERVICES_LINE_MAX;
	text[len++] = '\n';
	/* A description with tabs, controls, NUL and a run of blanks. */
	memcpy(text + len, "ok\t81/tcp\t#  a\tb\x01\x00  c  \n", 24);
	len += 24;
	s = parse_n(text, len, 0);
	assert_int_equal(services_stats(s)->bad, 1);
	assert_int_equal(services_stats(s)->first_bad, 2);
	assert_null(services_lookup(s, TCP, 80));
	assert_entry(s, TCP, 81, "ok", "a b?? c");
	services_free(s);

	/* A long description is cut at a word, with "...". */
	d = text;
	d += sprintf(d, "long\t80/tcp\t#");
	while (d - text < SERVICES_LINE_MAX - 10)
		d += sprintf(d, " word");
	*d++ = '\n';
	s = parse_n(text, (size_t)(d - text), 0);
	assert_non_null(services_lookup(s, TCP, 80));
	len = strlen(services_lookup(s, TCP, 80)->desc);
	assert_true(len <= SERVICES_DESC_MAX && len > SERVICES_DESC_MAX - 8);
	assert_string_equal(services_lookup(s, TCP, 80)->desc + len - 7, "word...");
	services_free(s);
	free(text);
}

static void test_duplicates_and_caps(void **state)
{
	char *text = malloc(512 * 32), *p = text;
	const struct services_stats *st;
	struct services *s;
	unsigned lo;

	(void)state;
	s = parse("first\t80/tcp\t# the first wins\n"
		  "second\t80/tcp\t# later: dropped\n"
		  "third\t80/tcp/udp\t# udp is new\n"
		  "range\t0-255/tcp/udp\n"
		  "widest\t300-555/tcp\n");
	st = services_stats(s);
	assert_entry(s, TCP, 80, "first", "the first wins");
	assert_entry(s, UDP, 80, "third", "udp is new");
	assert_entry(s, TCP, 255, "range", "");
	assert_entry(s, TCP, 555, "widest", "");
	assert_int_equal(st->entries, 1 + 1 + 2 * 256 - 2 + 256);
	assert_int_equal(st->duplicate, 1 + 1 + 2);
	assert_int_equal(st->capped, 0);
	services_free(s);

	/* Every (proto, port) once fills the table at its cap; the rest is counted. */
	assert_non_null(text);
	for (lo = 0; lo < 65536; lo += 256)
		p += sprintf(p, "r\t%u-%u/tcp/udp\n", lo, lo + 255);
	p += sprintf(p, "more\t7/tcp/udp\n");
	s = parse_n(text, (size_t)(p - text), 0);
	st = services_stats(s);
	assert_int_equal(st->entries, SERVICES_ENTRIES_MAX);
	assert_int_equal(st->capped, 2);
	assert_entry(s, UDP, 65535, "r", "");
	services_free(s);
	free(text);

	s = parse_n("a\t1-10/tcp\nb\t20/tcp\n", 20, 4);
	assert_int_equal(services_stats(s)->entries, 4);
	assert_int_equal(services_stats(s)->capped, 7);
	assert_non_null(services_lookup(s, TCP, 4));
	assert_null(services_lookup(s, TCP, 5));
	assert_null(services_lookup(s, TCP, 20));
	services_free(s);
}

static void test_empty(void **state)
{
	struct services *s = parse_n("", 0, 0);

	(void)state;
	assert_int_equal(services_stats(s)->lines, 0);
	assert_int_equal(services_stats(s)->entries, 0);
	assert_null(services_at(s, 0));
	assert_int_equal(services_kind(s), SERVICES_KIND_SERVICES5);
	services_free(s);
	services_free(NULL);
}

static void test_load(void **state)
{
	char path[] = "/tmp/test_services.XXXXXX", err[256];
	struct services *s;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "git\t9418/tcp/udp\t# git pack transfer service\n", 45), 45);
	close(fd);
	s = services_load(path, err, sizeof(err));
	assert_non_null(s);
	assert_string_equal(services_path(s), path);
	assert_entry(s, TCP, 9418, "git", "git pack transfer service");
	services_free(s);
	unlink(path);

	assert_null(services_load("/nonexistent/services", err, sizeof(err)));
	assert_string_equal(err, "/nonexistent/services: No such file or directory");
	assert_null(services_load("/tmp", err, sizeof(err)));
	assert_string_equal(err, "/tmp: not a regular file");
}

/* The installed lists, when present: they parse without a bad line. */
static void test_system_lists(void **state)
{
	static const char *const paths[] = { SERVICES_PATH_IANA, SERVICES_PATH_NMAP,
					     SERVICES_PATH_ETC };
	static const enum services_kind kinds[] = { SERVICES_KIND_IANA, SERVICES_KIND_NMAP,
						    SERVICES_KIND_SERVICES5 };
	char err[256];
	size_t i, seen = 0;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct services *s;

		if (access(paths[i], R_OK) != 0)
			continue;
		s = services_load(paths[i], err, sizeof(err));
		assert_non_null(s);
		assert_int_equal(services_kind(s), kinds[i]);
		assert_int_equal(services_stats(s)->bad, 0);
		assert_true(services_stats(s)->entries > 100);
		assert_non_null(services_lookup(s, TCP, 22));
		services_free(s);
		seen++;
	}
	if (!seen)
		skip();
}

static void test_kb_generic(void **state)
{
	const struct kb *kb = kb_builtin();

	(void)state;
	assert_true(services_kb_generic(kb, NULL));
	/* The ephemeral ranges and the FAQ's 1024-1027 say only "dynamic". */
	assert_true(services_kb_generic(kb, kb_port_lookup(kb, KB_DIR_DST, TCP, 4001)));
	assert_true(services_kb_generic(kb, kb_port_lookup(kb, KB_DIR_DST, UDP, 50123)));
	assert_true(services_kb_generic(kb, kb_port_lookup(kb, KB_DIR_DST, TCP, 1025)));
	assert_true(services_kb_generic(kb, kb_port_lookup(kb, KB_DIR_SRC, TCP, 62000)));
	/* A named row, or a range with a meaning of its own, is not generic. */
	assert_false(services_kb_generic(kb, kb_port_lookup(kb, KB_DIR_DST, TCP, 22)));
	assert_false(services_kb_generic(kb, kb_port_lookup(kb, KB_DIR_DST, UDP, 33434)));
	assert_false(services_kb_generic(kb, kb_port_lookup(kb, KB_DIR_SRC, UDP, 53)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iana),
		cmocka_unit_test(test_nmap),
		cmocka_unit_test(test_etc),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_long_and_dirty),
		cmocka_unit_test(test_duplicates_and_caps),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_system_lists),
		cmocka_unit_test(test_kb_generic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
