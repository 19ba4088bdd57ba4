/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_geoip.c - report/geoip against real MaxMind DB files built by tests/geoip/mkmmdb.pl: tagging, values, skipped classes, the cache, bad files, reopening.
 *
 * The files are written into a fresh temporary directory by the perl script
 * (Debian's libmaxmind-db-writer-perl); without perl or the module, or in a
 * build without libmaxminddb, the tests that need files are skipped and the
 * "built without" behaviour is checked instead.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <cmocka.h>

#include "classify/kb.h"
#include "report/geoip.h"

static char dir[64];	/* the generated files; "" when they could not be made */

static int setup(void **state)
{
	char cmd[256];

	(void)state;
	strcpy(dir, "/tmp/geo-test_geoip.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(cmd, sizeof(cmd), "perl tests/geoip/mkmmdb.pl %s 2>/dev/null", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "test_geoip: perl tests/geoip/mkmmdb.pl failed (is "
			"libmaxmind-db-writer-perl installed?): file tests skipped\n");
		dir[0] = '\0';
	}
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	if (strncmp(dir, "/tmp/geo-test_geoip.", 20) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		return system(cmd) == 0 ? 0 : -1;
	}
	return 0;
}

/* The path of a generated file (skip when there are none). */
static const char *f(const char *name)
{
	static char p[4][128];
	static unsigned k;

	if (!dir[0] || !geoip_available())
		skip();
	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

static struct geoip *open_files(const char *a, const char *b, const char *c)
{
	const char *names[] = { a, b, c };
	struct geoip *g = geoip_new(kb_builtin());
	char err[512];
	size_t i;

	assert_non_null(g);
	for (i = 0; i < 3; i++) {
		if (!names[i])
			continue;
		if (geoip_add(g, f(names[i]), err, sizeof(err)) != 0)
			fail_msg("%s: %s", names[i], err);
	}
	return g;
}

static enum geoip_status look(struct geoip *g, const char *addr, struct geoip_info *o)
{
	uint8_t a[16] = { 0 };
	unsigned family = strchr(addr, ':') ? 6 : 4;

	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, addr, a), 1);
	return geoip_lookup(g, family, a, o);
}

static void test_types(void **state)
{
	struct geoip *g = open_files("city.mmdb", "country.mmdb", "asn.mmdb");
	char buf[64];

	(void)state;
	assert_int_equal(geoip_nfiles(g), 3);
	assert_string_equal(geoip_file_type(g, 0), "GeoLite2-City");
	assert_int_equal(geoip_file_provides(g, 0), GEOIP_F_COUNTRY | GEOIP_F_CITY |
			 GEOIP_F_LOCATION);
	assert_int_equal(geoip_file_provides(g, 1), GEOIP_F_COUNTRY);
	assert_int_equal(geoip_file_provides(g, 2), GEOIP_F_ASN);
	assert_true(geoip_file_built(g, 0) > 1600000000);
	assert_string_equal(geoip_file_path(g, 2), f("asn.mmdb"));
	assert_null(geoip_file_path(g, 3));
	assert_string_equal(geoip_provides_str(geoip_provides(g), buf, sizeof(buf)),
			    "country, city, location, ASN");
	assert_string_equal(geoip_provides_str(0, buf, sizeof(buf)), "nothing");
	geoip_free(g);
	g = open_files("dbip-country.mmdb", "dbip-asn.mmdb", NULL);
	assert_int_equal(geoip_file_provides(g, 0), GEOIP_F_COUNTRY);
	assert_int_equal(geoip_file_provides(g, 1), GEOIP_F_ASN);
	geoip_free(g);
}

/* The values mkmmdb.pl wrote, for each test prefix. */
static void test_values(void **state)
{
	struct geoip *g = open_files("city.mmdb", "asn.mmdb", NULL);
	struct geoip_info o;

	(void)state;
	assert_int_equal(look(g, "192.0.2.7", &o), GEOIP_ST_FOUND);
	assert_int_equal(o.have, GEOIP_F_COUNTRY | GEOIP_F_CITY | GEOIP_F_LOCATION | GEOIP_F_ASN);
	assert_string_equal(o.country_iso, "CH");
	assert_string_equal(o.country, "Switzerland");
	assert_string_equal(o.city, "Z\xc3\xbcrich");
	assert_true(o.lat > 47.3666 && o.lat < 47.3668);
	assert_true(o.lon > 8.5499 && o.lon < 8.5501);
	assert_int_equal(o.asn, 64496);
	assert_string_equal(o.as_org, "Z\xc3\xbcrcher Kantonalbank Test AG");

	assert_int_equal(look(g, "203.0.113.5", &o), GEOIP_ST_FOUND);
	assert_string_equal(o.country_iso, "JP");
	assert_string_equal(o.city, "T\xc5\x8dky\xc5\x8d");
	assert_int_equal(o.asn, 64498);
	assert_string_equal(o.as_org, "Example Networks \xe6\xa0\xaa\xe5\xbc\x8f\xe4\xbc\x9a"
			    "\xe7\xa4\xbe");

	assert_int_equal(look(g, "2001:db8::1", &o), GEOIP_ST_FOUND);
	assert_string_equal(o.country_iso, "DE");
	assert_string_equal(o.city, "M\xc3\xbcnchen");
	assert_int_equal(o.asn, 64499);

	/* Not in the city file (only 198.51.100.0/25 is): the AS only. */
	assert_int_equal(look(g, "198.51.100.200", &o), GEOIP_ST_FOUND);
	assert_int_equal(o.have, GEOIP_F_ASN);
	assert_string_equal(o.as_org, "Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale");
	assert_int_equal(look(g, "198.51.100.7", &o), GEOIP_ST_FOUND);
	assert_string_equal(o.city, "Paris");

	/* In no file: unknown, not an error. */
	assert_int_equal(look(g, "8.8.8.8", &o), GEOIP_ST_MISS);
	assert_int_equal(o.have, 0);
	assert_int_equal(look(g, "2a00:1450::1", &o), GEOIP_ST_MISS);
	assert_int_equal(geoip_stats(g)->bad_values, 0);
	assert_null(geoip_warning(g));
	geoip_free(g);

	/* A country file after the city one fills the country the city lacks. */
	g = open_files("city.mmdb", "country.mmdb", NULL);
	assert_int_equal(look(g, "198.51.100.200", &o), GEOIP_ST_FOUND);
	assert_int_equal(o.have, GEOIP_F_COUNTRY);
	assert_string_equal(o.country_iso, "FR");
	assert_string_equal(o.country, "France");
	geoip_free(g);
}

/* Private, loopback, link-local and bogon classes are not looked up; the
 * documentation prefixes are (geoip.h). */
static void test_skipped(void **state)
{
	static const char *const skipped[] = { "10.1.2.3", "172.16.0.1", "192.168.1.1",
		"127.0.0.1", "169.254.1.1", "100.64.0.1", "0.0.0.0", "255.255.255.255",
		"240.0.0.1", "224.0.0.251", "::1", "fe80::1", "fd00::1", "ff02::1",
		"::ffff:1.2.3.4" };
	struct geoip *g = open_files("asn.mmdb", NULL, NULL);
	struct geoip_info o;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		if (look(g, skipped[i], &o) != GEOIP_ST_SKIPPED)
			fail_msg("%s was looked up", skipped[i]);
	assert_int_equal(geoip_stats(g)->skipped, sizeof(skipped) / sizeof(skipped[0]));
	assert_int_equal(geoip_stats(g)->lookups, 0);
	assert_true(geoip_skip_class("private"));
	assert_true(geoip_skip_class("loopback"));
	assert_false(geoip_skip_class("documentation"));
	assert_false(geoip_skip_class(NULL));
	assert_int_equal(look(g, "192.0.2.1", &o), GEOIP_ST_FOUND);
	geoip_free(g);
}

/* Same answers from the cache, past many evictions; the table does not grow. */
static void test_cache(void **state)
{
	struct geoip *g = open_files("city.mmdb", "asn.mmdb", NULL);
	struct geoip_info o;
	uint8_t a[16] = { 0 };
	uint32_t i;

	(void)state;
	assert_int_equal(look(g, "203.0.113.5", &o), GEOIP_ST_FOUND);
	assert_int_equal(look(g, "203.0.113.5", &o), GEOIP_ST_FOUND);
	assert_int_equal(geoip_stats(g)->cache_hits, 1);
	assert_string_equal(o.city, "T\xc5\x8dky\xc5\x8d");
	for (i = 0; i < 4 * GEOIP_CACHE_SLOTS; i++) {
		a[0] = (uint8_t)(11 + i % 50);
		a[1] = (uint8_t)(i >> 16);
		a[2] = (uint8_t)(i >> 8);
		a[3] = (uint8_t)i;
		assert_int_equal(geoip_lookup(g, 4, a, &o), GEOIP_ST_MISS);
		/* Every 1000th: a test address again, answered right. */
		if (i % 1000 == 0) {
			assert_int_equal(look(g, "192.0.2.9", &o), GEOIP_ST_FOUND);
			assert_int_equal(o.asn, 64496);
		}
	}
	assert_int_equal(look(g, "203.0.113.5", &o), GEOIP_ST_FOUND);
	assert_int_equal(o.asn, 64498);
	assert_int_equal(look(g, "10.0.0.1", &o), GEOIP_ST_SKIPPED);
	geoip_free(g);
}

/* Source always; destination only when it is not this host. */
static void test_rec(void **state)
{
	struct geoip *g = open_files("asn.mmdb", NULL, NULL);
	struct geoip_info s, d;
	struct ring_rec r;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.family = 4;
	inet_pton(AF_INET, "203.0.113.5", r.saddr);
	inet_pton(AF_INET, "198.51.100.7", r.daddr);
	geoip_rec(g, &r, &s, &d);
	assert_int_equal(s.status, GEOIP_ST_FOUND);
	assert_int_equal(s.asn, 64498);
	assert_int_equal(d.status, GEOIP_ST_FOUND);
	assert_int_equal(d.asn, 64497);
	r.klass.dst_facts = RING_AF_KNOWN | RING_AF_OWN;
	geoip_rec(g, &r, &s, &d);
	assert_int_equal(s.status, GEOIP_ST_FOUND);
	assert_int_equal(d.status, GEOIP_ST_NONE);
	r.klass.dst_facts = RING_AF_KNOWN;
	geoip_rec(g, &r, &s, &d);
	assert_int_equal(d.status, GEOIP_ST_FOUND);
	r.family = 0;
	geoip_rec(g, &r, &s, &d);
	assert_int_equal(s.status, GEOIP_ST_NONE);
	geoip_rec(NULL, &r, &s, &d);
	assert_int_equal(s.status, GEOIP_ST_NONE);
	geoip_free(g);
}

/* Reasons name the file; -1 and nothing added. */
static void assert_refused(const char *path, const char *why)
{
	struct geoip *g = geoip_new(kb_builtin());
	char err[512];

	assert_int_equal(geoip_add(g, path, err, sizeof(err)), -1);
	if (strncmp(err, path, strlen(path)) != 0 || !strstr(err, why))
		fail_msg("%s: got '%s', want '%s'", path, err, why);
	assert_null(strchr(err, '\n'));
	assert_int_equal(geoip_nfiles(g), 0);
	geoip_free(g);
}

/* A copy of the generated file src with n bytes, the byte at flip (if
 * < n) inverted. */
static const char *damaged(const char *src, const char *dst, size_t n, size_t flip)
{
	static char out[128];
	char buf[8192];
	FILE *in = fopen(f(src), "rb"), *o;
	size_t len;

	assert_non_null(in);
	len = fread(buf, 1, sizeof(buf), in);
	fclose(in);
	if (n > len)
		n = len;
	if (flip < n)
		buf[flip] = (char)~buf[flip];
	snprintf(out, sizeof(out), "%s/%s", dir, dst);
	o = fopen(out, "wb");
	assert_non_null(o);
	assert_int_equal(fwrite(buf, 1, n, o), n);
	assert_int_equal(fclose(o), 0);
	return out;
}

static void test_bad_files(void **state)
{
	char sub[128];

	(void)state;
	assert_refused(f("widgets.mmdb"), "database type 'Example-Widgets' provides no country");
	assert_refused(f("no-such.mmdb"), "No such file or directory");
	assert_refused(damaged("asn.mmdb", "trunc.mmdb", 300, SIZE_MAX), "not a usable MaxMind DB");
	assert_refused(damaged("asn.mmdb", "empty.mmdb", 0, SIZE_MAX), "not a usable MaxMind DB");
	snprintf(sub, sizeof(sub), "%s/a-directory.mmdb", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_refused(sub, "is a directory");
	snprintf(sub, sizeof(sub), "%s/asn.mmdb/x", dir);
	assert_refused(sub, "Not a directory");
}

/* Unreadable: as root the mode does not stop us, so the check runs as nobody. */
static void test_unreadable(void **state)
{
	const char *p = damaged("asn.mmdb", "secret.mmdb", SIZE_MAX, SIZE_MAX);
	int st;
	pid_t pid;

	(void)state;
	assert_int_equal(chmod(p, 0), 0);
	if (geteuid() != 0) {
		assert_refused(p, "Permission denied");
		return;
	}
	assert_int_equal(chmod(dir, 0755), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct geoip *g;
		char err[512];

		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(3);
		g = geoip_new(NULL);
		_exit(geoip_add(g, p, err, sizeof(err)) == -1 && strstr(err, p) &&
		      strstr(err, "Permission denied") ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* Every byte of a good file damaged in turn: opens or not, never a crash,
 * lookups answer something. */
static void test_corrupt_bytes(void **state)
{
	struct geoip_info o;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < 1904; i += 3) {
		struct geoip *g = geoip_new(kb_builtin());

		if (geoip_add(g, damaged("city.mmdb", "flip.mmdb", SIZE_MAX, i), err,
			      sizeof(err)) == 0) {
			look(g, "192.0.2.7", &o);
			look(g, "2001:db8::5", &o);
			look(g, "198.51.100.200", &o);
			while (geoip_warning(g))
				;
		} else {
			assert_non_null(strstr(err, "flip.mmdb: "));
		}
		geoip_free(g);
	}
}

/* Records of the wrong types: fields dropped, counted, one warning per file
 * naming it; names with a byte that is not UTF-8 are kept as they are (the
 * writers escape). */
static void test_wrong_types(void **state)
{
	struct geoip *g = open_files("wrongtype-city.mmdb", "wrongtype-asn.mmdb", NULL);
	const char *w1, *w2;
	struct geoip_info o;
	char first[512];

	(void)state;
	assert_int_equal(look(g, "192.0.2.7", &o), GEOIP_ST_MISS);
	assert_true(geoip_stats(g)->bad_values >= 3);
	w1 = geoip_warning(g);
	assert_non_null(w1);
	snprintf(first, sizeof(first), "%s", w1);
	w2 = geoip_warning(g);
	assert_non_null(w2);
	assert_null(geoip_warning(g));
	assert_non_null(strstr(first, "wrongtype-city.mmdb: country.iso_code is a map"));
	assert_non_null(strstr(w2, "wrongtype-asn.mmdb: autonomous_system_number is a string"));
	/* Once per file. */
	assert_int_equal(look(g, "192.0.2.8", &o), GEOIP_ST_MISS);
	assert_null(geoip_warning(g));
	geoip_free(g);

	g = open_files("badutf8-asn.mmdb", NULL, NULL);
	assert_int_equal(look(g, "192.0.2.7", &o), GEOIP_ST_FOUND);
	assert_string_equal(o.as_org, "Bad X\xffZ Byte Ltd");
	geoip_free(g);
}

/* geoipupdate renames a new file in: noticed once a second, reopened; a bad
 * or different replacement keeps the old one. */
static void test_refresh(void **state)
{
	char live[128], tmp[128], err[512];
	struct geoip *g = geoip_new(kb_builtin());
	struct geoip_info o;

	(void)state;
	snprintf(live, sizeof(live), "%s", damaged("asn.mmdb", "live.mmdb", SIZE_MAX, SIZE_MAX));
	assert_int_equal(geoip_add(g, live, err, sizeof(err)), 0);
	assert_int_equal(geoip_refresh(g, 100, err, sizeof(err)), 0);
	assert_int_equal(look(g, "192.0.2.7", &o), GEOIP_ST_FOUND);
	assert_int_equal(o.asn, 64496);

	snprintf(tmp, sizeof(tmp), "%s", damaged("asn-v2.mmdb", "live.tmp", SIZE_MAX, SIZE_MAX));
	assert_int_equal(rename(tmp, live), 0);
	/* The same second: not even looked at. */
	assert_int_equal(geoip_refresh(g, 100, err, sizeof(err)), 0);
	assert_int_equal(look(g, "192.0.2.7", &o), GEOIP_ST_FOUND);
	assert_int_equal(o.asn, 64496);
	assert_int_equal(geoip_refresh(g, 101, err, sizeof(err)), 1);
	assert_int_equal(look(g, "192.0.2.7", &o), GEOIP_ST_FOUND);
	assert_int_equal(o.asn, 64510);
	assert_string_equal(o.as_org, "Renumbered AG");
	assert_int_equal(geoip_stats(g)->reopens, 1);

	/* A truncated update: reported once, the open one stays. */
	snprintf(tmp, sizeof(tmp), "%s", damaged("asn.mmdb", "live.tmp", 200, SIZE_MAX));
	assert_int_equal(rename(tmp, live), 0);
	assert_int_equal(geoip_refresh(g, 102, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "live.mmdb: not a usable MaxMind DB"));
	assert_int_equal(geoip_refresh(g, 103, err, sizeof(err)), 0);
	assert_int_equal(look(g, "192.0.2.7", &o), GEOIP_ST_FOUND);
	assert_int_equal(o.asn, 64510);

	/* Another kind of data under the same name: refused. */
	snprintf(tmp, sizeof(tmp), "%s", damaged("country.mmdb", "live.tmp", SIZE_MAX, SIZE_MAX));
	assert_int_equal(rename(tmp, live), 0);
	assert_int_equal(geoip_refresh(g, 104, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "replaced by a 'GeoLite2-Country' database"));
	assert_int_equal(look(g, "192.0.2.7", &o), GEOIP_ST_FOUND);
	assert_int_equal(o.asn, 64510);

	/* Gone for a moment: nothing happens. */
	assert_int_equal(unlink(live), 0);
	assert_int_equal(geoip_refresh(g, 105, err, sizeof(err)), 0);
	assert_int_equal(look(g, "192.0.2.7", &o), GEOIP_ST_FOUND);
	geoip_free(g);
}

/* No files (or no library): nothing is looked up, and add says why. */
static void test_empty(void **state)
{
	struct geoip *g = geoip_new(kb_builtin());
	struct geoip_info o;
	uint8_t a[16] = { 203, 0, 113, 5 };
	char err[512];

	(void)state;
	assert_int_equal(geoip_lookup(g, 4, a, &o), GEOIP_ST_NONE);
	assert_int_equal(geoip_lookup(NULL, 4, a, &o), GEOIP_ST_NONE);
	assert_int_equal(geoip_refresh(g, 1, err, sizeof(err)), 0);
	assert_int_equal(geoip_nfiles(g), 0);
	assert_int_equal(geoip_nfiles(NULL), 0);
	if (!geoip_available()) {
		assert_int_equal(geoip_add(g, "/x.mmdb", err, sizeof(err)), -1);
		assert_string_equal(err, "/x.mmdb: nflogctl was built without libmaxminddb: no GeoIP");
	}
	geoip_free(g);
	geoip_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_skipped),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_rec),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_corrupt_bytes),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_refresh),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
