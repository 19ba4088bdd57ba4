/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_syslogout.c - RFC 5424, syslog(3) and journald messages for drops and alerts.
 *
 * The header fields exactly; SD-PARAM values escaped so that '"', '\' and
 * ']' from a log prefix cannot end the value or the element early (a small
 * RFC 5424 structured-data parser here reads them back); control characters
 * and bytes that are not UTF-8 replaced; MSG is the record's text line or
 * the caller's (JSON) line. The syslog(3) form is what imuxsock's default
 * parser reads; the journal form is KEY=VALUE lines, a value with a newline
 * in the length-prefixed form, read back here field by field.
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
			    "[nflog@32473 group=\"10\" seq=\"5\" cpu=\"1\" prefix=\"evil\\\"\\] \\\\x\" "
			    "in=\"veth1\" family=\"ipv4\" proto=\"tcp\" src=\"198.51.100.7\" "
			    "dst=\"192.0.2.1\" sport=\"3001\" dport=\"27374\" verdict=\"hostile\" kb_id=\"",
			    strlen("<28>1 2023-11-14T22:13:20.123456Z fw1 nflogctl 42 drop "
				   "[nflog@32473 group=\"10\" seq=\"5\" cpu=\"1\" prefix=\"evil\\\"\\] \\\\x\" "
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
			    "group=\"10\" seq=\"5\" in=", 77);
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
				    "[nflog@32473 id=\"16777216\" seq=\"0\" type=\"port-scan\" state=\"closed\" "
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


/* The journal datagram's fields, read back as journald does; the value of
 * key into val (binary-safe), found or not. */
static bool journal_get(const char *m, size_t n, const char *key, char *val, size_t len)
{
	const char *p = m, *end = m + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eq;
		uint64_t vl = 0;
		int i;

		assert_non_null(nl);
		eq = memchr(p, '=', (size_t)(nl - p));
		if (eq) {
			if ((size_t)(eq - p) == strlen(key) && !memcmp(p, key, strlen(key))) {
				assert_true((size_t)(nl - eq) < len);
				memcpy(val, eq + 1, (size_t)(nl - eq - 1));
				val[nl - eq - 1] = '\0';
				return true;
			}
			p = nl + 1;
			continue;
		}
		/* KEY\n LE64 VALUE \n */
		assert_true(end - nl > 9);
		for (i = 0; i < 8; i++)
			vl |= (uint64_t)(unsigned char)nl[1 + i] << (8 * i);
		assert_true(vl <= (uint64_t)(end - nl - 9) - 1 && nl[9 + vl] == '\n');
		if ((size_t)(nl - p) == strlen(key) && !memcmp(p, key, strlen(key))) {
			assert_true(vl < len);
			memcpy(val, nl + 9, vl);
			val[vl] = '\0';
			return true;
		}
		p = nl + 10 + vl;
	}
	return false;
}

static void test_journal(void **state)
{
	const struct syslogout_id id = { .facility = 3, .hostname = "fw1", .app = "nflogctl",
					 .procid = 42, .host_id = "0123456789abcdef0123456789abcdef" };
	struct ring_rec r = sub7_syn();
	struct recfmt_ctx c = { .prefix = "two\nlines", .pos = 7, .kb = kb_builtin() };
	char msg[SYSLOGOUT_MAX], val[1024];
	int n;

	(void)state;
	n = syslogout_record(msg, sizeof(msg), &id, SYSLOGOUT_JOURNAL, &r, &c, "{\"a\":1}");
	assert_true(n > 0 && (size_t)n < sizeof(msg));
	assert_true(journal_get(msg, (size_t)n, "MESSAGE", val, sizeof(val)));
	assert_string_equal(val, "{\"a\":1}");
	assert_true(journal_get(msg, (size_t)n, "PRIORITY", val, sizeof(val)));
	assert_string_equal(val, "4");
	assert_true(journal_get(msg, (size_t)n, "SYSLOG_IDENTIFIER", val, sizeof(val)));
	assert_string_equal(val, "nflogctl");
	assert_true(journal_get(msg, (size_t)n, "SYSLOG_FACILITY", val, sizeof(val)));
	assert_string_equal(val, "3");
	assert_true(journal_get(msg, (size_t)n, "NFLOG_KIND", val, sizeof(val)));
	assert_string_equal(val, "drop");
	assert_true(journal_get(msg, (size_t)n, "NFLOG_SEQ", val, sizeof(val)));
	assert_string_equal(val, "7");
	assert_true(journal_get(msg, (size_t)n, "NFLOG_DPORT", val, sizeof(val)));
	assert_string_equal(val, "27374");
	assert_true(journal_get(msg, (size_t)n, "NFLOG_HOST_ID", val, sizeof(val)));
	assert_string_equal(val, "0123456789abcdef0123456789abcdef");
	assert_true(journal_get(msg, (size_t)n, "NFLOG_KB_ID", val, sizeof(val)));
	/* No SD escaping here: a prefix with a newline arrives whole, in the
	 * length form, and cannot start a field of its own. */
	assert_true(journal_get(msg, (size_t)n, "NFLOG_PREFIX", val, sizeof(val)));
	assert_string_equal(val, "two\nlines");
	assert_false(journal_get(msg, (size_t)n, "lines", val, sizeof(val)));
	/* a MESSAGE with a newline takes the length form */
	n = syslogout_record(msg, sizeof(msg), &id, SYSLOGOUT_JOURNAL, &r, &c, "a\nb");
	assert_true(journal_get(msg, (size_t)n, "MESSAGE", val, sizeof(val)));
	assert_string_equal(val, "a\nb");
	assert_non_null(memmem(msg, (size_t)n, "MESSAGE\n\x03\0\0\0\0\0\0\0a\nb\n", 19));
	/* snprintf-like, binary: the return value counts */
	assert_int_equal(syslogout_record(NULL, 0, &id, SYSLOGOUT_JOURNAL, &r, &c, "a\nb"), n);
	assert_int_equal(syslogout_record(msg, sizeof(msg), &id, 7, &r, &c, NULL), -1);
}

static void test_local_and_sdid(void **state)
{
	struct syslogout_id id = { .facility = 3, .hostname = "fw1", .app = "nflogctl",
				   .procid = 42, .host_id = "0123456789abcdef0123456789abcdef" };
	struct ring_rec r = sub7_syn();
	struct recfmt_ctx c = { .pos = 7, .kb = kb_builtin() };
	char msg[SYSLOGOUT_MAX];

	(void)state;
	/* syslog(3)'s form: no host name, no SD, the line as MSG. */
	assert_true(syslogout_record(msg, sizeof(msg), &id, SYSLOGOUT_LOCAL, &r, &c, "LINE") > 0);
	assert_string_equal(msg, "<28>Nov 14 22:13:20 nflogctl[42]: LINE");
	/* RFC 5424 with the site's SD-ID and the host id */
	id.sdid = "fw@99999";
	assert_true(syslogout_record(msg, sizeof(msg), &id, SYSLOGOUT_RFC5424, &r, &c, "LINE") > 0);
	assert_memory_equal(msg, "<28>1 2023-11-14T22:13:20.123456Z fw1 nflogctl 42 drop "
			    "[fw@99999 group=\"10\" seq=\"7\" ", 76);
	assert_non_null(strstr(msg, " host_id=\"0123456789abcdef0123456789abcdef\"] LINE"));
	assert_true(syslogout_sdid_ok("nflog@32473"));
	assert_true(syslogout_sdid_ok("a@1.3.6"));
	assert_false(syslogout_sdid_ok("nflog"));
	assert_false(syslogout_sdid_ok("@123"));
	assert_false(syslogout_sdid_ok("a b@123"));
	assert_false(syslogout_sdid_ok("a@0123"));
	assert_false(syslogout_sdid_ok("a@12x"));
	assert_false(syslogout_sdid_ok("a@1..2"));
	assert_false(syslogout_sdid_ok("a@1."));
	assert_false(syslogout_sdid_ok("a\"b@1"));
	assert_false(syslogout_sdid_ok("abcdefghijklmnopqrstuvwxyz01234@1"));
	assert_false(syslogout_sdid_ok(NULL));
	/* the skipped-records message */
	id.sdid = NULL;
	assert_true(syslogout_skipped(msg, sizeof(msg), &id, SYSLOGOUT_RFC5424, TS, 2, 11, 600,
				      "SKIPPED") > 0);
	assert_string_equal(msg, "<28>1 2023-11-14T22:13:20.123456Z fw1 nflogctl 42 skipped "
			    "[nflog@32473 skipped=\"600\" segment=\"2\" group=\"11\" "
			    "host_id=\"0123456789abcdef0123456789abcdef\"] SKIPPED");
	assert_int_equal(syslogout_skipped(msg, sizeof(msg), &id, SYSLOGOUT_RFC5424, TS, 2, 11,
					   600, NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_param_value),
		cmocka_unit_test(test_facility),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_alert),
		cmocka_unit_test(test_journal),
		cmocka_unit_test(test_local_and_sdid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
