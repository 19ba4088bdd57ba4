/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_recfmt_ecs.c - the ECS fields of the JSON records and alerts: host, observer, direction, severity, event.id.
 *
 * test_recfmt.c pins whole lines; these cases pin what a SIEM's firewall
 * view keys on, each derived from one record fact, so that a wrong mapping
 * (a direction from the wrong end, a severity off by one verdict) fails here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "classify/kb.h"
#include "report/recfmt.h"
#include "ring/ringfmt.h"

#define MID	"0123456789abcdef0123456789abcdef"

static void rec_syn(struct ring_rec *r)
{
	static const uint8_t src[4] = { 198, 51, 100, 2 }, dst[4] = { 192, 0, 2, 1 };

	memset(r, 0, sizeof(*r));
	r->ts_ns = 1795402202123456789ull;
	r->kind = RING_KIND_DROP;
	r->family = 4;
	r->proto = 6;
	r->status = RING_ST_OK;
	r->hook = 1;
	r->tcp_flags = RING_TCP_SYN;
	r->tcp_doff = 5;
	r->group = 10;
	r->sport = 40000;
	r->dport = 80;
	r->ip_len = 40;
	r->cap_len = 40;
	memcpy(r->saddr, src, 4);
	memcpy(r->daddr, dst, 4);
}

static void json(char *buf, size_t size, const struct ring_rec *r, const struct recfmt_ctx *c)
{
	int n = recfmt_json(buf, size, r, c);

	assert_true(n > 0 && (size_t)n < size);
}

static void assert_has(const char *buf, const char *want)
{
	if (!strstr(buf, want))
		fail_msg("\"%s\" lacks \"%s\"", buf, want);
}

static void assert_lacks(const char *buf, const char *what)
{
	if (strstr(buf, what))
		fail_msg("\"%s\" has \"%s\"", buf, what);
}

/* host.*, observer.hostname: escaped once, copied into every line. */
static void test_host(void **state)
{
	struct recfmt_host h;
	struct recfmt_ctx c = { .host = &h };
	struct ring_rec r;
	char buf[RECFMT_LINE_MAX];

	(void)state;
	rec_syn(&r);
	recfmt_host_init(&h, "fw1.example.net", MID);
	json(buf, sizeof(buf), &r, &c);
	assert_has(buf, ",\"host\":{\"name\":\"fw1.example.net\",\"id\":\"" MID "\"},"
		   "\"observer\":{\"type\":\"firewall\",\"vendor\":\"nflogd\",\"product\":\"nflogd\","
		   "\"hostname\":\"fw1.example.net\"}");
	assert_has(buf, "\"ecs\":{\"version\":\"" RECFMT_ECS_VERSION "\"}");
	assert_has(buf, "\"nflog\":{\"schema\":1,");
	/* No machine id, or something that is not one: host.id is left out. */
	recfmt_host_init(&h, "a\"b\\c", "");
	json(buf, sizeof(buf), &r, &c);
	assert_has(buf, "\"host\":{\"name\":\"a\\\"b\\\\c\"}");
	assert_has(buf, "\"hostname\":\"a\\\"b\\\\c\"}");
	recfmt_host_init(&h, "fw1", "\",\"x\":\"");
	json(buf, sizeof(buf), &r, &c);
	assert_has(buf, "\"host\":{\"name\":\"fw1\"}");
	assert_lacks(buf, "\"x\"");
	/* Without a host: the observer still says what it is. */
	c.host = NULL;
	json(buf, sizeof(buf), &r, &c);
	assert_lacks(buf, "\"host\"");
	assert_has(buf, "\"observer\":{\"type\":\"firewall\",\"vendor\":\"nflogd\",\"product\":\"nflogd\"}");
}

/* The longest host name there can be, all quotes: the line still fits. */
static void test_host_worst_case(void **state)
{
	struct recfmt_host h;
	struct recfmt_ctx c = { .host = &h, .prefix = "p" };
	struct ring_alert a;
	struct ring_rec r;
	char name[256], buf[RECFMT_LINE_MAX];
	int n;

	(void)state;
	memset(name, '"', 255);
	name[255] = '\0';
	recfmt_host_init(&h, name, MID);
	assert_true(h.host_len > 510 && h.observer_len > 510);
	memset(&r, 0xff, sizeof(r));
	n = recfmt_json(buf, sizeof(buf), &r, &c);
	assert_true(n > 0 && (size_t)n < sizeof(buf));
	memset(&a, 0xff, sizeof(a));
	a.kind = RING_KIND_ALERT;
	a.family = 6;
	n = recfmt_alert_json(buf, sizeof(buf), &a, &c);
	assert_true(n > 0 && (size_t)n < sizeof(buf));
}

static const char *direction(const struct ring_rec *r, char *buf, size_t size)
{
	static const struct recfmt_ctx c = { .prefix = NULL };
	const char *p, *e;
	static char out[32];

	json(buf, size, r, &c);
	p = strstr(buf, "\"direction\":\"");
	assert_non_null(p);
	p += strlen("\"direction\":\"");
	e = strchr(p, '"');
	assert_non_null(e);
	assert_true((size_t)(e - p) < sizeof(out));
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return out;
}

/* network.direction: the address table's facts when the record has them,
 * the hook otherwise. */
static void test_direction(void **state)
{
	static const struct {
		uint8_t		hook, src, dst;
		int		layout;
		const char	*want;
	} t[] = {
		{ 1, 0, 0, 0, "inbound" },	/* no table: hook input */
		{ 0, 0, 0, 0, "inbound" },	/* prerouting */
		{ 3, 0, 0, 0, "outbound" },	/* output */
		{ 4, 0, 0, 0, "outbound" },	/* postrouting */
		{ 2, 0, 0, 0, "unknown" },	/* forward, nothing known */
		{ 2, 0, 0, 1, "unknown" },	/* layout 1 but no table asked */
		{ 1, RING_AF_KNOWN, RING_AF_KNOWN | RING_AF_OWN, 1, "inbound" },
		{ 1, RING_AF_KNOWN | RING_AF_SUBNET, RING_AF_KNOWN | RING_AF_OWN, 1, "internal" },
		{ 3, RING_AF_KNOWN | RING_AF_OWN, RING_AF_KNOWN, 1, "outbound" },
		{ 2, RING_AF_KNOWN, RING_AF_KNOWN, 1, "external" },
		{ 2, RING_AF_KNOWN, RING_AF_KNOWN | RING_AF_SUBNET, 1, "inbound" },
		{ 2, RING_AF_KNOWN | RING_AF_SUBNET, RING_AF_KNOWN, 1, "outbound" },
		{ 1, RING_AF_KNOWN, RING_AF_KNOWN | RING_AF_MCAST, 1, "inbound" },
		{ 2, RING_AF_KNOWN, RING_AF_KNOWN | RING_AF_MCAST, 1, "external" },
		{ 1, RING_AF_KNOWN, RING_AF_KNOWN | RING_AF_LIMITED, 1, "inbound" },
		/* Facts in a layout 0 record are not facts: the hook decides. */
		{ 3, RING_AF_KNOWN, RING_AF_KNOWN | RING_AF_OWN, 0, "outbound" },
	};
	char buf[RECFMT_LINE_MAX];
	struct ring_rec r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *got;

		rec_syn(&r);
		r.hook = t[i].hook;
		r.klass.src_facts = t[i].src;
		r.klass.dst_facts = t[i].dst;
		r.klass.layout = t[i].layout ? RING_LAYOUT_HW : 0;
		got = direction(&r, buf, sizeof(buf));
		if (strcmp(got, t[i].want))
			fail_msg("case %zu: direction %s, want %s", i, got, t[i].want);
	}
}

/* event.severity and the message follow the verdict; bytes the IP length. */
static void test_severity_message_bytes(void **state)
{
	static const unsigned want[] = { 3, 1, 2, 5, 7 };
	struct recfmt_ctx c = { .kb = kb_builtin() };
	char buf[RECFMT_LINE_MAX], sev[32];
	struct ring_rec r;
	unsigned v;

	(void)state;
	rec_syn(&r);
	for (v = 0; v < 5; v++) {
		r.klass.verdict = (uint8_t)v;
		json(buf, sizeof(buf), &r, &c);
		snprintf(sev, sizeof(sev), "\"severity\":%u,", want[v]);
		assert_has(buf, sev);
	}
	assert_has(buf, "\"message\":\"dropped tcp 198.51.100.2:40000 -> 192.0.2.1:80 (hostile)\"");
	r.klass.verdict = 200;	/* from a newer writer: as unknown */
	json(buf, sizeof(buf), &r, &c);
	assert_has(buf, "\"severity\":3,");
	assert_has(buf, "\"network\":{\"type\":\"ipv4\",\"transport\":\"tcp\",\"iana_number\":\"6\","
		   "\"direction\":\"inbound\",\"bytes\":40}");
	assert_has(buf, "\"source\":{\"ip\":\"198.51.100.2\",\"port\":40000,\"bytes\":40}");
	assert_has(buf, "\"event\":{\"kind\":\"event\",\"category\":[\"network\"],"
		   "\"type\":[\"connection\",\"denied\"],\"action\":\"dropped\",\"outcome\":\"failure\","
		   "\"module\":\"nflogd\",\"dataset\":\"nflogd.drop\"");
	/* Top-level tags are the packet's tags, as nflog.tags. */
	r.klass.tags = RING_TAG_SCAN_XMAS | RING_TAG_LAND;
	json(buf, sizeof(buf), &r, &c);
	assert_has(buf, "\"tags\":[\"scan-xmas\",\"land\"]");
	assert_has(buf, "\"nflog\":{\"schema\":1,");
}

/* Alerts: ECS alert categorisation, event.id stable per incident. */
static void test_alert(void **state)
{
	static const uint8_t src[4] = { 203, 0, 113, 5 };
	struct recfmt_host h;
	struct recfmt_ctx c = { .host = &h, .pos = 3 };
	struct ring_alert a;
	char buf[RECFMT_LINE_MAX];

	(void)state;
	recfmt_host_init(&h, "fw2", MID);
	memset(&a, 0, sizeof(a));
	a.kind = RING_KIND_ALERT;
	a.type = RING_ALERT_PORTSCAN;
	a.state = RING_ALERT_OPEN;
	a.family = 4;
	memcpy(a.saddr, src, 4);
	a.targets = 3;
	a.alert_id = 77;
	a.packets = 40;
	a.ports = 20;
	a.verdict = KB_VERDICT_HOSTILE;
	a.first_seen = 1795402200000000000ull;
	a.last_seen = a.ts_ns = 1795402202000000000ull;
	assert_true(recfmt_alert_json(buf, sizeof(buf), &a, &c) > 0);
	assert_has(buf, "\"event\":{\"kind\":\"alert\",\"category\":[\"intrusion_detection\",\"network\"],"
		   "\"type\":[\"denied\"],\"module\":\"nflogd\",\"dataset\":\"nflogd.alert\",\"severity\":7,"
		   "\"action\":\"port-scan\",\"id\":\"" MID "-77\","
		   "\"start\":\"2026-11-23T02:50:00.000000000Z\",\"end\":\"2026-11-23T02:50:02.000000000Z\","
		   "\"sequence\":3}");
	assert_has(buf, "\"message\":\"port-scan open: 203.0.113.5 -> 3 hosts, 40 packets, 20 ports\"");
	assert_has(buf, "\"host\":{\"name\":\"fw2\",\"id\":\"" MID "\"}");
	assert_has(buf, "\"hostname\":\"fw2\"}");
	assert_has(buf, "\"nflog\":{\"schema\":1,\"alert\":{\"type\":\"port-scan\",\"id\":77,");
	/* The same incident closed: the same event.id. */
	a.state = RING_ALERT_CLOSED;
	assert_true(recfmt_alert_json(buf, sizeof(buf), &a, &c) > 0);
	assert_has(buf, "\"id\":\"" MID "-77\"");
	/* No machine id: the host name makes the id. */
	recfmt_host_init(&h, "fw2", NULL);
	assert_true(recfmt_alert_json(buf, sizeof(buf), &a, &c) > 0);
	assert_has(buf, "\"id\":\"fw2-77\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_host_worst_case),
		cmocka_unit_test(test_direction),
		cmocka_unit_test(test_severity_message_bytes),
		cmocka_unit_test(test_alert),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
