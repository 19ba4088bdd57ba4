/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_recfilter.c - the filters of `nflogctl read` and `alerts`: each
 * option's values and refusals, all keys must match, repeats are any-of,
 * drops and alerts each matched on their own fields.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "classify/kb.h"
#include "report/recfilter.h"

#define CAT_TROJAN	2	/* kb/categories.tsv */
#define CAT_SERVICE_PROBE 1
#define KB_ROW_SUB7	61	/* kb/ports.tsv: 27374/tcp, category trojan */

static struct ring_rec drop(const char *src, const char *dst, uint8_t proto, uint16_t sport,
			    uint16_t dport)
{
	struct ring_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = RING_KIND_DROP;
	if (strchr(src, ':')) {
		r.family = 6;
		assert_int_equal(inet_pton(AF_INET6, src, r.saddr), 1);
		assert_int_equal(inet_pton(AF_INET6, dst, r.daddr), 1);
	} else {
		r.family = 4;
		assert_int_equal(inet_pton(AF_INET, src, r.saddr), 1);
		assert_int_equal(inet_pton(AF_INET, dst, r.daddr), 1);
	}
	r.proto = proto;
	r.sport = sport;
	r.dport = dport;
	r.klass.verdict = KB_VERDICT_SUSPICIOUS;
	return r;
}

static struct ring_rec alert(unsigned type, const char *src, uint16_t lo, uint16_t hi)
{
	union ring_slot u;

	memset(&u, 0, sizeof(u));
	u.alert.kind = RING_KIND_ALERT;
	u.alert.type = (uint8_t)type;
	u.alert.family = 4;
	u.alert.proto = 6;
	u.alert.verdict = KB_VERDICT_SUSPICIOUS;
	assert_int_equal(inet_pton(AF_INET, src, u.alert.saddr), 1);
	assert_int_equal(inet_pton(AF_INET, "192.0.2.1", u.alert.daddr), 1);
	u.alert.port_lo = lo;
	u.alert.port_hi = hi;
	u.alert.ports = lo == hi ? 1 : 2;
	return u.rec;
}

static void add(struct recfilter *f, enum recfilter_key key, const char *value)
{
	char err[256] = "";

	if (recfilter_add(f, key, value, err, sizeof(err)) != 0)
		fail_msg("%s %s: %s", recfilter_key_option(key), value, err);
}

/* value is refused with a reason starting "opt: " and containing want. */
static void refused(enum recfilter_key key, const char *value, const char *want)
{
	struct recfilter f;
	char err[512] = "";
	const char *opt;

	recfilter_init(&f, kb_builtin());
	assert_int_not_equal(recfilter_add(&f, key, value, err, sizeof(err)), 0);
	assert_false(recfilter_active(&f));
	opt = recfilter_key_option(key);
	assert_int_equal(strncmp(err, opt, strlen(opt)), 0);
	if (!strstr(err, want))
		fail_msg("%s '%s': reason '%s' lacks '%s'", recfilter_key_option(key), value, err,
			 want);
}

static void test_empty_matches_all(void **state)
{
	struct recfilter f;
	struct ring_rec r = drop("203.0.113.5", "192.0.2.1", 6, 40000, 23);
	struct ring_rec a = alert(RING_ALERT_SWEEP, "203.0.113.5", 22, 22);

	(void)state;
	recfilter_init(&f, kb_builtin());
	assert_false(recfilter_active(&f));
	assert_true(recfilter_match(&f, &r));
	assert_true(recfilter_match(&f, &a));
}

static void test_addresses(void **state)
{
	struct recfilter f;
	struct ring_rec in = drop("192.0.2.77", "198.51.100.1", 6, 40000, 23);
	struct ring_rec out = drop("192.0.3.77", "198.51.100.1", 6, 40000, 23);
	struct ring_rec v6 = drop("2001:db8::7", "2001:db8:1::1", 17, 5353, 53);

	(void)state;
	recfilter_init(&f, kb_builtin());
	add(&f, RECFILTER_SRC, "192.0.2.0/24");
	assert_true(recfilter_active(&f));
	assert_true(recfilter_match(&f, &in));
	assert_false(recfilter_match(&f, &out));
	assert_false(recfilter_match(&f, &v6));	/* another family never matches */
	/* repeated: any of them */
	add(&f, RECFILTER_SRC, "2001:db8::/32");
	assert_true(recfilter_match(&f, &v6));
	assert_false(recfilter_match(&f, &out));
	/* a prefix that is not on a byte boundary */
	recfilter_init(&f, kb_builtin());
	add(&f, RECFILTER_SRC, "192.0.2.64/26");
	assert_true(recfilter_match(&f, &in));	/* .77 */
	in.saddr[3] = 128;
	assert_false(recfilter_match(&f, &in));
	/* destination, and a single address */
	recfilter_init(&f, kb_builtin());
	add(&f, RECFILTER_DST, "2001:db8:1::1");
	assert_true(recfilter_match(&f, &v6));
	assert_false(recfilter_match(&f, &out));
	/* a record without addresses (not IP) matches no address filter */
	out.family = 0;
	recfilter_init(&f, kb_builtin());
	add(&f, RECFILTER_DST, "0.0.0.0/0");
	assert_false(recfilter_match(&f, &out));
}

static void test_ports_and_proto(void **state)
{
	struct recfilter f;
	struct ring_rec tel = drop("203.0.113.5", "192.0.2.1", 6, 40000, 23);
	struct ring_rec dns = drop("203.0.113.5", "192.0.2.1", 17, 53, 33000);
	struct ring_rec ping = drop("203.0.113.5", "192.0.2.1", 1, 0, 0);

	(void)state;
	recfilter_init(&f, kb_builtin());
	add(&f, RECFILTER_PORT, "23");
	assert_true(recfilter_match(&f, &tel));
	assert_false(recfilter_match(&f, &dns));
	add(&f, RECFILTER_PORT, "33000");
	assert_true(recfilter_match(&f, &dns));
	/* an ICMP record has no ports, even when the fields hold a number */
	ping.dport = 23;
	assert_false(recfilter_match(&f, &ping));
	/* a fragment holds no transport header */
	tel.ip_flags |= RING_IPF_FRAGMENT;
	assert_false(recfilter_match(&f, &tel));
	tel.ip_flags = 0;

	recfilter_init(&f, kb_builtin());
	add(&f, RECFILTER_SPORT, "53");
	assert_true(recfilter_match(&f, &dns));
	assert_false(recfilter_match(&f, &tel));

	recfilter_init(&f, kb_builtin());
	add(&f, RECFILTER_PROTO, "icmp");
	assert_true(recfilter_match(&f, &ping));
	assert_false(recfilter_match(&f, &tel));
	add(&f, RECFILTER_PROTO, "17");
	assert_true(recfilter_match(&f, &dns));
	assert_false(recfilter_match(&f, &tel));
	ping.family = 6;
	ping.proto = 58;
	assert_false(recfilter_match(&f, &ping));
	add(&f, RECFILTER_PROTO, "icmpv6");
	assert_true(recfilter_match(&f, &ping));
}

/* Different keys: all must match. */
static void test_all_keys_must_match(void **state)
{
	struct recfilter f;
	struct ring_rec r = drop("192.0.2.9", "198.51.100.1", 6, 40000, 23);

	(void)state;
	recfilter_init(&f, kb_builtin());
	add(&f, RECFILTER_SRC, "192.0.2.0/24");
	add(&f, RECFILTER_PORT, "23");
	add(&f, RECFILTER_PROTO, "tcp");
	assert_true(recfilter_match(&f, &r));
	r.dport = 22;
	assert_false(recfilter_match(&f, &r));
	r.dport = 23;
	r.saddr[2] = 3;
	assert_false(recfilter_match(&f, &r));
	r.saddr[2] = 2;
	add(&f, RECFILTER_VERDICT, "hostile");
	assert_false(recfilter_match(&f, &r));	/* it is suspicious */
	add(&f, RECFILTER_VERDICT, "suspicious");
	assert_true(recfilter_match(&f, &r));
}

static void test_verdict_and_kb(void **state)
{
	struct recfilter f;
	struct ring_rec r = drop("203.0.113.5", "192.0.2.1", 6, 40000, 27374);
	struct ring_rec a = alert(RING_ALERT_SWEEP, "203.0.113.5", 27374, 27374);

	(void)state;
	r.klass.category = CAT_TROJAN;
	recfilter_init(&f, kb_builtin());
	add(&f, RECFILTER_KB, "trojan");
	assert_true(recfilter_match(&f, &r));
	r.klass.category = CAT_SERVICE_PROBE;
	assert_false(recfilter_match(&f, &r));
	r.klass.category = 0;			/* no kb row */
	assert_false(recfilter_match(&f, &r));
	/* an alert's category is its port row's */
	assert_false(recfilter_match(&f, &a));
	{
		union ring_slot u = { .rec = a };

		u.alert.kb_id = KB_ROW_SUB7;
		a = u.rec;
	}
	assert_true(recfilter_match(&f, &a));

	recfilter_init(&f, kb_builtin());
	add(&f, RECFILTER_VERDICT, "noise");
	r.klass.verdict = KB_VERDICT_NOISE;
	assert_true(recfilter_match(&f, &r));
	assert_false(recfilter_match(&f, &a));	/* the alert is suspicious */
	add(&f, RECFILTER_VERDICT, "suspicious");
	assert_true(recfilter_match(&f, &a));
}

static void test_alerts(void **state)
{
	struct recfilter f;
	struct ring_rec scan = alert(RING_ALERT_PORTSCAN, "192.0.2.7", 1, 1024);
	struct ring_rec sweep = alert(RING_ALERT_SWEEP, "198.51.100.7", 23, 23);
	struct ring_rec d = drop("192.0.2.7", "192.0.2.1", 6, 40000, 23);

	(void)state;
	recfilter_init(&f, kb_builtin());
	add(&f, RECFILTER_TYPE, "scan");
	assert_true(recfilter_match(&f, &scan));
	assert_false(recfilter_match(&f, &sweep));
	assert_false(recfilter_match(&f, &d));	/* a drop is no alert of any type */
	add(&f, RECFILTER_TYPE, "sweep");
	assert_true(recfilter_match(&f, &sweep));
	/* the correlator's own names work as well */
	recfilter_init(&f, kb_builtin());
	add(&f, RECFILTER_TYPE, "port-scan");
	add(&f, RECFILTER_TYPE, "decoy");
	add(&f, RECFILTER_TYPE, "traceroute");
	add(&f, RECFILTER_TYPE, "smurf");
	add(&f, RECFILTER_TYPE, "fraggle");
	add(&f, RECFILTER_TYPE, "noise");
	assert_true(recfilter_match(&f, &scan));
	assert_false(recfilter_match(&f, &sweep));

	/* an alert's ports: the range its incident covered */
	recfilter_init(&f, kb_builtin());
	add(&f, RECFILTER_PORT, "80");
	assert_true(recfilter_match(&f, &scan));
	assert_false(recfilter_match(&f, &sweep));
	/* no source port in an alert */
	recfilter_init(&f, kb_builtin());
	add(&f, RECFILTER_SPORT, "40000");
	assert_false(recfilter_match(&f, &scan));
	/* the alert's source and target */
	recfilter_init(&f, kb_builtin());
	add(&f, RECFILTER_SRC, "192.0.2.0/24");
	assert_true(recfilter_match(&f, &scan));
	assert_false(recfilter_match(&f, &sweep));
	add(&f, RECFILTER_DST, "192.0.2.1");
	assert_true(recfilter_match(&f, &scan));
	add(&f, RECFILTER_PROTO, "udp");
	assert_false(recfilter_match(&f, &scan));
}

static void test_refusals(void **state)
{
	struct recfilter f;
	char err[256];
	int i;

	(void)state;
	refused(RECFILTER_SRC, "192.0.2.300", "ADDRESS/PREFIX");
	refused(RECFILTER_SRC, "192.0.2.1/24", "--src");	/* host bits set */
	refused(RECFILTER_DST, "", "--dst");
	refused(RECFILTER_DST, "2001:db8::/129", "--dst");
	refused(RECFILTER_PORT, "65536", "0..65535");
	refused(RECFILTER_PORT, "-1", "0..65535");
	refused(RECFILTER_PORT, "telnet", "0..65535");
	refused(RECFILTER_SPORT, "", "0..65535");
	refused(RECFILTER_PROTO, "tcpx", "want tcp, udp, icmp, icmpv6");
	refused(RECFILTER_PROTO, "256", "0..255");
	refused(RECFILTER_VERDICT, "evil", "suspicious or hostile");
	refused(RECFILTER_KB, "trojans", "trojan, worm");
	refused(RECFILTER_TYPE, "portscan", "port-scan, sweep, decoy-scan");
	refused(RECFILTER_TYPE, "", "--type");

	recfilter_init(&f, kb_builtin());
	assert_int_equal(recfilter_add(&f, __RECFILTER_KEYS, "x", err, sizeof(err)), -EINVAL);
	assert_null(recfilter_key_option(__RECFILTER_KEYS));
	/* a cap on repeats, said as such */
	for (i = 0; i < RECFILTER_VALUES_MAX; i++)
		add(&f, RECFILTER_PORT, "22");
	assert_int_equal(recfilter_add(&f, RECFILTER_PORT, "23", err, sizeof(err)), -ENOSPC);
	assert_non_null(strstr(err, "at most 16"));
	/* the value is quoted in the reason, its control bytes are not */
	assert_int_equal(recfilter_add(&f, RECFILTER_PROTO, "t\ncp\033[2J", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "'t?cp?[2J'"));
	/* a short err buffer is cut, never overrun */
	memset(err, 'x', sizeof(err));
	assert_int_equal(recfilter_add(&f, RECFILTER_KB, "nope", err, 12), -EINVAL);
	assert_int_equal(strlen(err), 11);
	assert_int_equal(err[12], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_matches_all),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_ports_and_proto),
		cmocka_unit_test(test_all_keys_must_match),
		cmocka_unit_test(test_verdict_and_kb),
		cmocka_unit_test(test_alerts),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
