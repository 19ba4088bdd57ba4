/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_syslogout.c - RFC 5424 messages for drops and alerts.
 *
 * The header fields exactly; SD-PARAM values escaped so that '"', '\' and
 * ']' from a log prefix cannot end the value or the element early (a small
 * RFC 5424 structured-data parser here reads them back); control characters
 * and bytes that are not UTF-8 replaced; MSG is the record's text line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "classify/kb.h"
#include "report/recfmt.h"
#include "report/syslogout.h"

#define TS	(1700000000ull * 1000000000ull + 123456789ull)	/* 2023-11-14T22:13:20 */

static char *value(const char *s)
{
	int n = syslogout_param_value(NULL, 0, s);
	char *buf;

	assert_true(n >= 0);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(syslogout_param_value(buf, (size_t)n + 1, s), n);
	return buf;
}

static void test_param_value(void **state)
{
	char *v, small[4];

	v = value("a\"b\\c]d");
	assert_string_equal(v, "a\\\"b\\\\c\\]d");
	free(v);
	v = value("tab\there\x1b\x7f \xc3\xa9 \xff");
	assert_string_equal(v, "tab\xef\xbf\xbdhere\xef\xbf\xbd\xef\xbf\xbd \xc3\xa9 \xef\xbf\xbd");
	free(v);
	v = value("[x=\"y\"]");
	assert_string_equal(v, "[x=\\\"y\\\"\\]");
	free(v);
	assert_int_equal(syslogout_param_value(small, sizeof(small), "]]]]"), 8);
	assert_string_equal(small, "\\]\\");
	assert_int_equal(syslogout_param_value(NULL, 0, NULL), -1);
	assert_int_equal(syslogout_param_value(NULL, 5, "x"), -1);
}

static void test_facility(void **state)
{
	assert_int_equal(syslogout_facility("daemon"), 3);
	assert_int_equal(syslogout_facility("local7"), 23);
	assert_int_equal(syslogout_facility("authpriv"), 10);
	assert_int_equal(syslogout_facility("kern"), -1);
	assert_int_equal(syslogout_facility("Local0"), -1);
	assert_int_equal(syslogout_facility(NULL), -1);
}

/*
 * Split "<PRI>1 TS HOST APP PROCID MSGID [SDID k="v"...] MSG": check the
 * structured data is well formed, and return the unescaped value of key
 * (into val) and a pointer to MSG.
 */
static const char *sd_get(const char *m, const char *key, char *val, size_t len, bool *found)
{
	const char *p = m;
	int spaces = 0;

	*found = false;
	while (*p && spaces < 6)
		if (*p++ == ' ')
			spaces++;
	assert_true(*p == '[');
	p++;
	while (*p && *p != ' ' && *p != ']')
		p++;				/* SD-ID */
	while (*p == ' ') {
		char name[40];
		size_t n = 0, k = 0;

		p++;
		while (*p && *p != '=' && n < sizeof(name) - 1)
			name[n++] = *p++;
		name[n] = '\0';
		assert_true(p[0] == '=' && p[1] == '"');
		p += 2;
		while (*p && *p != '"') {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == ']'))
				p++;
			else
				assert_true(*p != ']');	/* an unescaped ] would end the element */
			if (!strcmp(name, key) && k < len - 1)
				val[k++] = *p;
			p++;
		}
		assert_true(*p == '"');
		p++;
		if (!strcmp(name, key)) {
			val[k] = '\0';
			*found = true;
		}
	}
	assert_true(p[0] == ']' && p[1] == ' ');
	return p + 2;
}

static struct ring_rec sub7_syn(void)
{
	const struct kb_port *row = kb_port_lookup(kb_builtin(), KB_DIR_DST, 6, 27374);
	struct ring_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = RING_KIND_DROP;
	r.family = 4;
	r.proto = 6;
	r.ts_ns = TS;
	r.group = 10;
	r.cpu = 1;
	r.hook = 1;
	r.ifindex_in = 3;
	r.ttl = 64;
	r.ip_len = 40;
	r.sport = 3001;
	r.dport = 27374;
	r.tcp_flags = 0x02;
	r.tcp_doff = 5;
	memcpy(r.saddr, (const uint8_t[]){ 198, 51, 100, 7 }, 4);
	memcpy(r.daddr, (const uint8_t[]){ 192, 0, 2, 1 }, 4);
	assert_non_null(row);
	r.klass.kb_id = row->id;
	r.klass.verdict = KB_VERDICT_HOSTILE;
	return r;
}

static void test_drop(void **state)
{
	const struct syslogout_id id = { .facility = 3, .hostname = "fw1", .app = "nflogctl",
					 .procid = 42 };
	struct ring_rec r = sub7_syn();
	struct recfmt_ctx c = { .prefix = "evil\"] \\x", .ifname_in = "veth1", .pos = 5,
				.kb = kb_builtin() };
	char msg[SYSLOGOUT_MAX], line[RECFMT_LINE_MAX], val[256];
	const char *text;
	bool found;
	int n;

	n = syslogout_drop(msg, sizeof(msg), &id, &r, &c);
	assert_true(n > 0 && (size_t)n < sizeof(msg));
	assert_int_equal(strlen(msg), (size_t)n);
	/* daemon.warning = 3 * 8 + 4 */
	assert_memory_equal(msg, "<28>1 2023-11-14T22:13:20.123456Z fw1 nflogctl 42 drop "
			    "[nflog@32473 group=\"10\" cpu=\"1\" prefix=\"evil\\\"\\] \\\\x\" "
			    "in=\"veth1\" family=\"ipv4\" proto=\"tcp\" src=\"198.51.100.7\" "
			    "dst=\"192.0.2.1\" sport=\"3001\" dport=\"27374\" verdict=\"hostile\" kb_id=\"",
			    strlen("<28>1 2023-11-14T22:13:20.123456Z fw1 nflogctl 42 drop "
				   "[nflog@32473 group=\"10\" cpu=\"1\" prefix=\"evil\\\"\\] \\\\x\" "
				   "in=\"veth1\" family=\"ipv4\" proto=\"tcp\" src=\"198.51.100.7\" "
				   "dst=\"192.0.2.1\" sport=\"3001\" dport=\"27374\" verdict=\"hostile\" kb_id=\""));
	text = sd_get(msg, "prefix", val, sizeof(val), &found);
	assert_true(found);
	assert_string_equal(val, "evil\"] \\x");
	sd_get(msg, "service", val, sizeof(val), &found);
	assert_true(found);
	assert_string_equal(val, "sub7");
	assert_true(recfmt_text(line, sizeof(line), &r, &c) > 0);
	assert_string_equal(text, line);

	/* Severity follows the verdict; no hostname or pid: NILVALUE. */
	r.klass.verdict = KB_VERDICT_NOISE;
	r.cpu = RING_CPU_UNPINNED;
	c.prefix = NULL;
	n = syslogout_drop(msg, sizeof(msg), &(struct syslogout_id){ .facility = 16, .app = "x" },
			   &r, &c);
	assert_true(n > 0);
	assert_memory_equal(msg, "<134>1 2023-11-14T22:13:20.123456Z - x - drop [nflog@32473 "
			    "group=\"10\" in=", 69);
	r.klass.verdict = KB_VERDICT_SUSPICIOUS;
	syslogout_drop(msg, sizeof(msg), &id, &r, &c);
	assert_memory_equal(msg, "<29>1 ", 6);

	/* A hostname with spaces or controls cannot split the header. */
	syslogout_drop(msg, sizeof(msg),
		       &(struct syslogout_id){ .facility = 3, .hostname = "a b\x1b", .app = "x" },
		       &r, &c);
	assert_non_null(strstr(msg, " a_b_ x "));

	/* Truncated L4: no ports in the structured data. */
	r.status = RING_ST_TRUNCATED;
	r.why = RING_WHY_L4_TRUNC;
	syslogout_drop(msg, sizeof(msg), &id, &r, &c);
	assert_null(strstr(msg, "dport="));
	assert_non_null(strstr(msg, "status=\"truncated\""));

	/* snprintf-like */
	n = syslogout_drop(NULL, 0, &id, &r, &c);
	assert_true(n > 20);
	assert_int_equal(syslogout_drop(msg, 20, &id, &r, &c), n);
	assert_int_equal(strlen(msg), 19);
	assert_int_equal(syslogout_drop(msg, sizeof(msg), NULL, &r, &c), -1);
}

static void test_alert(void **state)
{
	const struct syslogout_id id = { .facility = 3, .hostname = "fw1", .app = "nflogctl",
					 .procid = 42 };
	struct recfmt_ctx c = { .pos = 0, .kb = kb_builtin() };
	char msg[SYSLOGOUT_MAX], line[RECFMT_LINE_MAX], val[64];
	struct ring_alert a;
	const char *text;
	bool found;

	memset(&a, 0, sizeof(a));
	a.kind = RING_KIND_ALERT;
	a.alert_id = 16777216;
	a.ts_ns = TS;
	a.family = 4;
	a.proto = 6;
	a.type = RING_ALERT_PORTSCAN;
	a.state = RING_ALERT_CLOSED;
	a.verdict = KB_VERDICT_SUSPICIOUS;
	a.packets = 150;
	a.ports = 150;
	a.targets = 1;
	a.sources = 1;
	a.first_seen = TS - 1000000000ull;
	a.last_seen = TS;
	memcpy(a.saddr, (const uint8_t[]){ 198, 51, 100, 66 }, 4);
	memcpy(a.daddr, (const uint8_t[]){ 192, 0, 2, 1 }, 4);
	assert_true(syslogout_alert(msg, sizeof(msg), &id, &a, &c) > 0);
	assert_non_null(strstr(msg, "<29>1 2023-11-14T22:13:20.123456Z fw1 nflogctl 42 alert "
				    "[nflog@32473 id=\"16777216\" type=\"port-scan\" state=\"closed\" "
				    "src=\"198.51.100.66\" dst=\"192.0.2.1\" packets=\"150\" "
				    "ports=\"150\" targets=\"1\" sources=\"1\" verdict=\"suspicious\"]"));
	text = sd_get(msg, "type", val, sizeof(val), &found);
	assert_true(found);
	assert_true(recfmt_alert_text(line, sizeof(line), &a, &c) > 0);
	assert_string_equal(text, line);

	a.verdict = KB_VERDICT_HOSTILE;
	a.state = 9;				/* damaged */
	memset(a.daddr, 0, sizeof(a.daddr));
	assert_true(syslogout_alert(msg, sizeof(msg), &id, &a, &c) > 0);
	assert_memory_equal(msg, "<28>1 ", 6);
	assert_non_null(strstr(msg, "state=\"?\""));
	assert_null(strstr(msg, "dst="));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_param_value),
		cmocka_unit_test(test_facility),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_alert),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
