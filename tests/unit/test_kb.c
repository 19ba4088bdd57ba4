/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_kb.c - lookups of the generated table, a fixture table and kb_load results.
 *
 * Port, icmp and ttl lookups are compared exhaustively (every port, proto,
 * dir; every family, type, code) with a reference computed the slow way from
 * the rows; address lookups with a brute-force longest-prefix scan over
 * addresses at, inside and just outside every prefix plus random ones.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "classify/kb.h"
#include "classify/kb_int.h"
#include "classify/kbindex.h"
#include "classify/kbparse.h"

#define RANDOM_ADDRS	20000

static uint64_t rng = 42;

static uint64_t rnd(void)
{
	uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static size_t count_ports(const struct kb *kb)
{
	size_t n = 0;

	while (kb_port_at(kb, n))
		n++;
	return n;
}

static size_t count_icmps(const struct kb *kb)
{
	size_t n = 0;

	while (kb_icmp_at(kb, n))
		n++;
	return n;
}

static size_t count_addrs(const struct kb *kb)
{
	size_t n = 0;

	while (kb_addr_at(kb, n))
		n++;
	return n;
}

/* --- ports ----------------------------------------------------------- */

/* Every (dir, proto, port) against a table painted from the rows: ranges
 * first, exact rows over them. Also covers "non-members miss". */
static void check_ports(const struct kb *kb)
{
	static uint16_t ref[2][2][65536];
	size_t n = count_ports(kb), i, hits = 0;
	unsigned d, b, p;

	assert_true(n > 0);
	for (d = 0; d < 2; d++)
		for (b = 0; b < 2; b++)
			for (p = 0; p < 65536; p++)
				ref[d][b][p] = KB_NOROW;
	for (i = 0; i < n; i++) {
		const struct kb_port *r = kb_port_at(kb, i);

		assert_true(r->lo <= r->hi);
		if (r->lo != r->hi)
			for (b = 0; b < 2; b++)
				if (r->protos & (1u << b))
					for (p = r->lo; p <= r->hi; p++)
						ref[r->dir][b][p] = (uint16_t)i;
	}
	for (i = 0; i < n; i++) {
		const struct kb_port *r = kb_port_at(kb, i);

		if (r->lo == r->hi)
			for (b = 0; b < 2; b++)
				if (r->protos & (1u << b))
					ref[r->dir][b][r->lo] = (uint16_t)i;
	}
	for (d = 0; d < 2; d++) {
		for (b = 0; b < 2; b++) {
			for (p = 0; p < 65536; p++) {
				const struct kb_port *got = kb_port_lookup(kb, d, b ? 17 : 6,
									   (uint16_t)p);
				const struct kb_port *want = ref[d][b][p] == KB_NOROW ? NULL :
							     kb_port_at(kb, ref[d][b][p]);

				if (got != want)
					fail_msg("dir %u %s port %u: got id %d, want id %d", d,
						 b ? "udp" : "tcp", p, got ? got->id : -1,
						 want ? want->id : -1);
				hits += got != NULL;
			}
		}
	}
	assert_true(hits > 0);
	assert_true(hits < 4 * 65536);	/* some ports must miss */

	/* the rule as the README states it, row by row */
	for (i = 0; i < n; i++) {
		const struct kb_port *r = kb_port_at(kb, i);
		uint16_t probe[3] = { r->lo, (uint16_t)(r->lo + (r->hi - r->lo) / 2), r->hi };
		unsigned k;

		for (b = 0; b < 2; b++) {
			if (!(r->protos & (1u << b)))
				continue;
			for (k = 0; k < 3; k++) {
				const struct kb_port *got = kb_port_lookup(kb, r->dir, b ? 17 : 6,
									   probe[k]);

				assert_non_null(got);
				/* only an exact row of that same key may win over a range */
				if (got != r)
					assert_true(r->lo != r->hi && got->lo == probe[k] &&
						    got->hi == probe[k] && got->dir == r->dir &&
						    (got->protos & (1u << b)));
			}
		}
	}
	/* other protocols and directions never match */
	assert_null(kb_port_lookup(kb, KB_DIR_DST, 1, 0));
	assert_null(kb_port_lookup(kb, KB_DIR_DST, 132, 80));
	assert_null(kb_port_lookup(kb, (enum kb_dir)2, 6, 80));
}

/* --- icmp ------------------------------------------------------------ */

static void check_icmp(const struct kb *kb)
{
	size_t n = count_icmps(kb), i;
	unsigned f, t, c;

	for (f = 0; f < 2; f++) {
		for (t = 0; t < 256; t++) {
			const struct kb_icmp *star = NULL, *exact[256] = { 0 };

			for (i = 0; i < n; i++) {
				const struct kb_icmp *r = kb_icmp_at(kb, i);

				if (r->family != (f ? 6 : 4) || r->type != t)
					continue;
				if (r->code < 0)
					star = r;
				else
					exact[r->code] = r;
			}
			for (c = 0; c < 256; c++) {
				const struct kb_icmp *want = exact[c] ? exact[c] : star;

				if (kb_icmp_lookup(kb, f ? 6 : 4, (uint8_t)t, (uint8_t)c) != want)
					fail_msg("icmp%s type %u code %u", f ? "v6" : "", t, c);
			}
		}
	}
	assert_null(kb_icmp_lookup(kb, 5, 3, 3));
	assert_null(kb_icmp_lookup(kb, 0, 3, 3));
}

/* --- addresses ------------------------------------------------------- */

static int in_prefix(const struct kb_addr *r, const uint8_t a[16])
{
	unsigned k;

	for (k = 0; k < r->plen; k++)
		if ((a[k / 8] ^ r->prefix[k / 8]) & (0x80 >> (k % 8)))
			return 0;
	return 1;
}

static const struct kb_addr *lpm(const struct kb *kb, unsigned family, const uint8_t a[16])
{
	const struct kb_addr *best = NULL;
	size_t i, n = count_addrs(kb);

	for (i = 0; i < n; i++) {
		const struct kb_addr *r = kb_addr_at(kb, i);

		if (r->family == family && in_prefix(r, a) && (!best || r->plen > best->plen))
			best = r;
	}
	return best;
}

static void check_addr_one(const struct kb *kb, unsigned family, const uint8_t a[16])
{
	const struct kb_addr *got = kb_addr_lookup(kb, family, a), *want = lpm(kb, family, a);
	char s[INET6_ADDRSTRLEN];

	if (got != want) {
		inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, s, sizeof(s));
		fail_msg("%s: got id %d, want id %d", s, got ? got->id : -1,
			 want ? want->id : -1);
	}
}

/* Add delta (+1 or -1) to the address as a big-endian number. */
static void addr_step(uint8_t a[16], unsigned bytes, int delta)
{
	int k;

	for (k = (int)bytes - 1; k >= 0; k--) {
		a[k] = (uint8_t)(a[k] + delta);
		if (a[k] != (delta > 0 ? 0x00 : 0xff))
			break;
	}
}

static void check_addrs(const struct kb *kb)
{
	size_t n = count_addrs(kb), i, j;
	uint8_t a[16];

	for (i = 0; i < n; i++) {
		const struct kb_addr *r = kb_addr_at(kb, i);
		unsigned bytes = r->family == 6 ? 16 : 4, k;

		/* first, last, one before, one after, random inside */
		memcpy(a, r->prefix, 16);
		check_addr_one(kb, r->family, a);
		addr_step(a, bytes, -1);
		check_addr_one(kb, r->family, a);
		memcpy(a, r->prefix, 16);
		for (k = r->plen; k < bytes * 8; k++)
			a[k / 8] |= (uint8_t)(0x80 >> (k % 8));
		check_addr_one(kb, r->family, a);
		addr_step(a, bytes, 1);
		check_addr_one(kb, r->family, a);
		for (j = 0; j < 20; j++) {
			memcpy(a, r->prefix, 16);
			for (k = r->plen; k < bytes * 8; k++)
				if (rnd() & 1)
					a[k / 8] |= (uint8_t)(0x80 >> (k % 8));
			check_addr_one(kb, r->family, a);
		}
	}
	for (j = 0; j < RANDOM_ADDRS; j++) {
		uint64_t x = rnd(), y = rnd();

		memcpy(a, &x, 8);
		memcpy(a + 8, &y, 8);
		check_addr_one(kb, j & 1 ? 6 : 4, a);
	}
	memset(a, 0, sizeof(a));
	assert_null(kb_addr_lookup(kb, 5, a));
}

/* --- ttl, ids -------------------------------------------------------- */

static void check_ttl(const struct kb *kb)
{
	unsigned t;
	uint16_t id;

	for (t = 0; t < 256; t++) {
		const struct kb_ttl *r = kb_ttl_lookup(kb, (uint8_t)t), *want = NULL;

		for (id = 1; id < 1000; id++) {
			const struct kb_ttl *x = kb_ttl_by_id(kb, id);

			if (x && x->initial == t)
				want = x;
		}
		assert_ptr_equal(r, want);
		if (r)
			assert_int_equal(r->initial, t);
	}
}

static void check_ids(const struct kb *kb)
{
	size_t i;
	unsigned id, ncat = 0;

	for (i = 0; kb_port_at(kb, i); i++) {
		const struct kb_port *r = kb_port_at(kb, i);

		assert_ptr_equal(kb_port_by_id(kb, r->id), r);
		assert_non_null(kb_category_by_id(kb, r->category));
		assert_true(r->verdict > KB_VERDICT_UNKNOWN && r->verdict < __KB_VERDICT_MAX);
		if (i)
			assert_true(kb_port_at(kb, i - 1)->id < r->id);
	}
	for (i = 0; kb_icmp_at(kb, i); i++)
		assert_ptr_equal(kb_icmp_by_id(kb, kb_icmp_at(kb, i)->id), kb_icmp_at(kb, i));
	for (i = 0; kb_addr_at(kb, i); i++)
		assert_ptr_equal(kb_addr_by_id(kb, kb_addr_at(kb, i)->id), kb_addr_at(kb, i));
	for (id = 0; id < 65536; id++) {
		const struct kb_category *c = kb_category_by_id(kb, (uint16_t)id);
		const struct kb_ttl *t = kb_ttl_by_id(kb, (uint16_t)id);

		if (c) {
			assert_int_equal(c->id, id);
			ncat++;
		}
		if (t)
			assert_int_equal(t->id, id);
	}
	assert_true(ncat > 0);
	assert_null(kb_port_by_id(kb, 0));
	assert_null(kb_icmp_by_id(kb, 0));
	assert_null(kb_addr_by_id(kb, 0));
	assert_null(kb_ttl_by_id(kb, 0));
	assert_null(kb_category_by_id(kb, 0));
}

static void check_all(const struct kb *kb)
{
	check_ports(kb);
	check_icmp(kb);
	check_addrs(kb);
	check_ttl(kb);
	check_ids(kb);
}

/* --- the generated table --------------------------------------------- */

/* The block table answers most of the port space by itself (check_all has
 * shown every answer right): at least half of each list's blocks, or the
 * flood path falls back to the hash without anyone noticing. */
static void check_blocks(const struct kb *kb)
{
	unsigned l, b, whole;

	for (l = 0; l < 4; l++) {
		whole = 0;
		for (b = 0; b < 256; b++)
			whole += kb->port_block[l << 8 | b] != KB_BLOCK_MIXED;
		assert_true(whole >= 128);
	}
	/* 49152-65535 is the dynamic range for TCP and UDP destinations: one
	 * row over most of its 64 blocks, the trojan ports inside it apart */
	for (l = 0; l < 2; l++) {
		whole = 0;
		for (b = 0xc0; b < 0x100; b++)
			whole += kb->port_block[l << 8 | b] < KB_BLOCK_MIXED;
		assert_true(whole >= 32);
	}
}

static void test_builtin(void **state)
{
	(void)state;
	check_all(kb_builtin());
	assert_true(kb_stamp(kb_builtin()) == kbindex_stamp(kb_builtin()));
	assert_true(kb_stamp(kb_builtin()) != 0);
	check_blocks(kb_builtin());
}

static const struct kb_addr *addr4(const struct kb *kb, const char *s)
{
	uint8_t a[16] = { 0 };

	assert_int_equal(inet_pton(AF_INET, s, a), 1);
	return kb_addr_lookup(kb, 4, a);
}

static const struct kb_addr *addr6(const struct kb *kb, const char *s)
{
	uint8_t a[16];

	assert_int_equal(inet_pton(AF_INET6, s, a), 1);
	return kb_addr_lookup(kb, 6, a);
}

/* Facts every kb/ must keep (and the fixture has too). */
static void test_known_rows(void **state)
{
	const struct kb *kb = kb_builtin();
	const struct kb_addr *a;
	const struct kb_icmp *star, *exact;
	const struct kb_ttl *t;

	(void)state;
	a = addr4(kb, "239.255.255.250");
	assert_non_null(a);
	assert_int_equal(a->plen, 32);			/* ssdp, not 224/4 */
	assert_string_equal(a->cls, "ssdp");
	a = addr4(kb, "239.1.2.3");
	assert_non_null(a);
	assert_int_equal(a->plen, 4);
	a = addr4(kb, "10.1.2.3");
	assert_non_null(a);
	assert_int_equal(strncmp(a->cls, "private", 7), 0);
	assert_null(addr4(kb, "8.8.8.8"));
	a = addr6(kb, "fe80::1");
	assert_non_null(a);
	assert_string_equal(a->cls, "link-local");
	assert_null(addr6(kb, "2a00:1450::1"));

	/* icmp: an exact code row wins over the '*' row of its type */
	star = kb_icmp_lookup(kb, 4, 3, 200);
	exact = kb_icmp_lookup(kb, 4, 3, 3);
	assert_non_null(star);
	assert_non_null(exact);
	assert_int_equal(star->code, -1);
	assert_int_equal(exact->code, 3);
	assert_int_equal(star->type, 3);
	assert_int_equal(exact->type, 3);
	assert_int_equal(kb_icmp_lookup(kb, 6, 128, 0)->type, 128);

	t = kb_ttl_lookup(kb, 64);
	assert_non_null(t);
	assert_int_equal(t->initial, 64);
	assert_null(kb_ttl_lookup(kb, 63));

	assert_string_equal(kb_verdict_name(KB_VERDICT_UNKNOWN), "unknown");
	assert_string_equal(kb_verdict_name(KB_VERDICT_EXPECTED), "expected");
	assert_string_equal(kb_verdict_name(KB_VERDICT_NOISE), "noise");
	assert_string_equal(kb_verdict_name(KB_VERDICT_SUSPICIOUS), "suspicious");
	assert_string_equal(kb_verdict_name(KB_VERDICT_HOSTILE), "hostile");
	assert_string_equal(kb_verdict_name(99), "unknown");
	assert_null(kb_port_at(kb, count_ports(kb)));
	kb_free(NULL);
	kb_free((struct kb *)kb);	/* no-op for the built-in table */
}

/* The fixture tables, built the way kb_load builds (kbparse + kbindex). */
static void test_fixture(void **state)
{
	static const enum kbparse_table order[] = {
		KBPARSE_CATEGORIES, KBPARSE_PORTS, KBPARSE_ICMP, KBPARSE_ADDRESSES, KBPARSE_TTL,
	};
	struct kbparse kp;
	struct kb kb;
	char path[256], err[256], buf[16384];
	size_t i, len;
	FILE *f;

	(void)state;
	kbparse_init(&kp);
	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "tests/data/kb/%s", kbparse_file_name(order[i]));
		f = fopen(path, "rb");
		assert_non_null(f);
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (kbparse_file(&kp, order[i], path, buf, len, err, sizeof(err)) != 0)
			fail_msg("%s", err);
	}
	assert_int_equal(kbindex_build(&kb, &kp), 0);
	check_all(&kb);
	/* the fixture has a /4 spread over 16 first octets, nested /32s */
	assert_int_equal(addr4(&kb, "255.255.255.255")->plen, 32);
	assert_int_equal(addr4(&kb, "250.1.1.1")->plen, 4);
	assert_int_equal(addr4(&kb, "10.1.2.3")->plen, 16);
	assert_int_equal(addr4(&kb, "10.2.2.3")->plen, 8);
	assert_int_equal(kb_port_lookup(&kb, KB_DIR_DST, 6, 6000)->id, 8);
	assert_int_equal(kb_port_lookup(&kb, KB_DIR_DST, 6, 6001)->id, 6);
	assert_null(kb_port_lookup(&kb, KB_DIR_DST, 17, 6001));
	assert_int_equal(kb_port_lookup(&kb, KB_DIR_DST, 17, 0)->id, 10);
	assert_int_equal(kb_port_lookup(&kb, KB_DIR_DST, 6, 65535)->id, 11);
	assert_string_equal(kb_port_by_id(&kb, 3)->explain,
			    "Probe for the SubSeven trojan \"server\" \\ and a ?? trigraph.");
	kbindex_free(&kb);
	kbparse_free(&kp);
}

/* --- kb_load --------------------------------------------------------- */

struct tmpfile {
	char	 path[64];
};

static void write_tmp(struct tmpfile *t, const char *text, size_t len)
{
	int fd;

	snprintf(t->path, sizeof(t->path), "/tmp/test_kb.XXXXXX");
	fd = mkstemp(t->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static void test_load_errors(void **state)
{
	static const char bad[] = "# ok\naddr\t30001\t10.0.0.1/8\tx\tnoise\tlocal\tS\tE\n";
	struct tmpfile t;
	char err[256], *big;
	size_t len = (1u << 20) + 1;

	(void)state;
	errno = 0;
	assert_null(kb_load("/nonexistent/local.kb", err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err, "/nonexistent/local.kb: No such file or directory");

	assert_null(kb_load("/tmp", err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "not a regular file"));

	big = malloc(len);
	assert_non_null(big);
	memset(big, '#', len);
	big[len - 1] = '\n';
	write_tmp(&t, big, len);
	free(big);
	assert_null(kb_load(t.path, err, sizeof(err)));
	assert_int_equal(errno, EFBIG);
	unlink(t.path);

	write_tmp(&t, bad, strlen(bad));
	assert_null(kb_load(t.path, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(strncmp(err, t.path, strlen(t.path)), 0);
	assert_string_equal(err + strlen(t.path), ":2: host bits set in '10.0.0.1/8' beyond the /8 prefix");
	unlink(t.path);

	assert_null(kb_load("/nonexistent", NULL, 0));
	assert_int_equal(errno, ENOENT);
}

static void test_load_empty(void **state)
{
	struct tmpfile t;
	struct kb *kb;
	char err[256];

	(void)state;
	write_tmp(&t, "# nothing local yet\n\n", strlen("# nothing local yet\n\n"));
	kb = kb_load(t.path, err, sizeof(err));
	unlink(t.path);
	if (!kb)
		fail_msg("%s", err);
	/* same rows, same stamp */
	assert_true(kb_stamp(kb) == kb_stamp(kb_builtin()));
	assert_int_equal(count_ports(kb), count_ports(kb_builtin()));
	kb_free(kb);
}

/* Override the first exact built-in port row for one of its protocols, add
 * rows of every kind, and check the whole merged table. */
static void test_load_override(void **state)
{
	const struct kb *b = kb_builtin();
	const struct kb_port *victim = NULL, *p;
	const struct kb_addr *a;
	char text[1024], err[256];
	struct tmpfile t;
	struct kb *kb;
	size_t i;
	int len;

	(void)state;
	for (i = 0; kb_port_at(b, i) && !victim; i++)
		if (kb_port_at(b, i)->lo == kb_port_at(b, i)->hi &&
		    kb_port_at(b, i)->protos == (KB_PROTO_TCP | KB_PROTO_UDP))
			victim = kb_port_at(b, i);
	assert_non_null(victim);
	len = snprintf(text, sizeof(text),
		       "# site\n"
		       "port\t30001\ttcp\t%u\t%s\tadmin\t%s\texpected\tlocal\tOurs\tOur service\n"
		       "port\t30002\ttcp\t40000-40010\tdst\tlab\t%s\texpected\tlocal\tLab\tLab range\n"
		       "port\t30005\tudp\t40960-41471\tsrc\tlab\t%s\texpected\tlocal\tLab\tTwo blocks\n"
		       "port\t30006\tudp\t41000\tsrc\tlab\t%s\texpected\tlocal\tLab\tInside them\n"
		       "addr\t30003\t203.0.113.128/25\tpartner\texpected\tlocal\tPartner\tVPN\n"
		       "icmp\t30004\ticmp\t42\t*\tmine\tnoise\tlocal\tS\tE\n",
		       victim->lo, victim->dir == KB_DIR_SRC ? "src" : "dst",
		       kb_category_by_id(b, victim->category)->name,
		       kb_category_by_id(b, victim->category)->name,
		       kb_category_by_id(b, victim->category)->name,
		       kb_category_by_id(b, victim->category)->name);
	write_tmp(&t, text, (size_t)len);
	kb = kb_load(t.path, err, sizeof(err));
	unlink(t.path);
	if (!kb)
		fail_msg("%s", err);

	p = kb_port_lookup(kb, victim->dir, 6, victim->lo);
	assert_non_null(p);
	assert_int_equal(p->id, 30001);
	assert_string_equal(p->summary, "Ours");
	p = kb_port_lookup(kb, victim->dir, 17, victim->lo);	/* udp stays built-in */
	assert_non_null(p);
	assert_int_equal(p->id, victim->id);
	assert_int_equal(p->protos, KB_PROTO_UDP);
	assert_int_equal(kb_port_lookup(kb, KB_DIR_DST, 6, 40005)->id, 30002);
	/* a block the range covers whole, and one with an exact port in it */
	assert_int_equal(kb->port_block[3 << 8 | 41216 >> 8], kb_port_by_id(kb, 30005) - kb_port_at(kb, 0));
	assert_int_equal(kb->port_block[3 << 8 | 40960 >> 8], KB_BLOCK_MIXED);
	assert_int_equal(kb_port_lookup(kb, KB_DIR_SRC, 17, 41000)->id, 30006);
	assert_int_equal(kb_port_lookup(kb, KB_DIR_SRC, 17, 41001)->id, 30005);
	assert_int_equal(kb_port_lookup(kb, KB_DIR_SRC, 17, 41471)->id, 30005);
	assert_null(kb_port_lookup(kb, KB_DIR_SRC, 17, 41472));
	a = addr4(kb, "203.0.113.200");
	assert_non_null(a);
	assert_int_equal(a->id, 30003);
	assert_int_equal(kb_icmp_lookup(kb, 4, 42, 7)->id, 30004);
	assert_true(kb_stamp(kb) != kb_stamp(b));
	assert_int_equal(kb_port_by_id(kb, 30002)->lo, 40000);
	check_all(kb);
	/* the built-in table is untouched */
	assert_int_equal(victim->protos, KB_PROTO_TCP | KB_PROTO_UDP);
	assert_ptr_equal(kb_port_lookup(b, victim->dir, 6, victim->lo), victim);
	kb_free(kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_known_rows),
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_load_empty),
		cmocka_unit_test(test_load_override),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
