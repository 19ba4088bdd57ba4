/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_ctlconf.c - nflogctl.conf: good and bad lines, the file found by
 * $NFLOGCTL_CONFIG, and its settings as the defaults the command line
 * overrides (ctl_args_parse). Files are written under /tmp and removed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "ctl/ctlcommon.h"
#include "ctl/ctlconf.h"

static int parse(const char *text, struct ctlconf *c, char *err, size_t errlen)
{
	return ctlconf_parse(text, strlen(text), "t.conf", c, err, errlen);
}

static void test_good(void **state)
{
	struct ctlconf c;
	char err[256];

	(void)state;
	assert_int_equal(parse("# comment\n\n  ring =  /srv/r.ring \t\r\n"
			       "geoip = /a/City.mmdb\ngeoip=/a/ASN.mmdb\n"
			       "local-kb = /etc/x.kb\nservices = /etc/services", &c, err,
			       sizeof(err)), 0);
	assert_string_equal(c.ring, "/srv/r.ring");
	assert_int_equal(c.ngeoip, 2);
	assert_string_equal(c.geoip[0], "/a/City.mmdb");
	assert_string_equal(c.geoip[1], "/a/ASN.mmdb");
	assert_string_equal(c.local_kb, "/etc/x.kb");
	assert_string_equal(c.services, "/etc/services");
	assert_false(c.geoip_none);
	ctlconf_free(&c);
	assert_int_equal(parse("geoip = none\n", &c, err, sizeof(err)), 0);
	assert_true(c.geoip_none);
	assert_int_equal(c.ngeoip, 0);
	ctlconf_free(&c);
	assert_int_equal(parse("", &c, err, sizeof(err)), 0);
	assert_null(c.ring);
	ctlconf_free(&c);
}

static void test_bad(void **state)
{
	static const struct { const char *text, *err; } bad[] = {
		{ "ring\n", "t.conf:1: expected 'key = value'" },
		{ "\nring =\n", "t.conf:2: ring: no value" },
		{ "ring = a\nring = b\n", "t.conf:2: ring set twice" },
		{ "rings = a\n", "t.conf:1: unknown key 'rings'" },
		{ "geoip = none\ngeoip = a.mmdb\n", "t.conf:2: geoip = none beside a geoip file" },
		{ "geoip = a.mmdb\ngeoip = none\n", "t.conf:2: geoip = none beside a geoip file" },
		{ "ring = a\0b\n", "t.conf: a NUL byte" },
	};
	struct ctlconf c;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = strlen(bad[i].text);

		if (i == sizeof(bad) / sizeof(bad[0]) - 1)
			len = 11;	/* past the NUL */
		assert_int_equal(ctlconf_parse(bad[i].text, len, "t.conf", &c, err, sizeof(err)),
				 -EINVAL);
		if (strncmp(err, bad[i].err, strlen(bad[i].err)) != 0)
			fail_msg("'%s': got '%s', want '%s'", bad[i].text, err, bad[i].err);
		assert_null(c.buf);
	}
}

static void test_too_many_geoip(void **state)
{
	char text[64 * (GEOIP_FILES_MAX + 2)] = "", err[256];
	struct ctlconf c;
	int i;

	(void)state;
	for (i = 0; i <= GEOIP_FILES_MAX; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "geoip = /g/%d.mmdb\n", i);
	assert_int_equal(parse(text, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "at most"));
}

static void usage(FILE *f)
{
	fputs("usage\n", f);
}

/* The file's settings are defaults; the command line wins. */
static void test_defaults_and_override(void **state)
{
	static const struct option lopts[] = {
		CTL_LOPT_RING, CTL_LOPT_LOCALKB, CTL_LOPT_SERVICES, CTL_LOPT_GEOIP, CTL_LOPT_HELP,
		CTL_LOPT_END
	};
	const struct ctl_cmdline cl = { .shortopts = ":h", .lopts = lopts, .first = 1,
					.usage = usage };
	char path[] = "/tmp/test_ctlconf.XXXXXX";
	char a0[] = "nflogctl", o1[] = "--ring", v1[] = "/x.ring", o2[] = "--geoip",
	     v2[] = "/c.mmdb", o3[] = "--geoip", v3[] = "none";
	char *plain[] = { a0, NULL };
	char *given[] = { a0, o1, v1, o2, v2, NULL };
	char *none[] = { a0, o3, v3, NULL };
	const char *text = "ring = /conf.ring\ngeoip = /g/A.mmdb\ngeoip = /g/B.mmdb\n"
			   "local-kb = /conf.kb\n";
	struct ctl_args a;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	setenv(CTLCONF_ENV, path, 1);
	assert_int_equal(ctl_args_parse(1, plain, &cl, NULL, &a), CTL_RUN);
	assert_string_equal(a.ring, "/conf.ring");
	assert_string_equal(a.local_kb, "/conf.kb");
	assert_true(a.local_given);
	assert_int_equal(a.ngeoip, 2);
	assert_string_equal(a.geoip[1], "/g/B.mmdb");
	assert_int_equal(ctl_args_parse(5, given, &cl, NULL, &a), CTL_RUN);
	assert_string_equal(a.ring, "/x.ring");
	assert_int_equal(a.ngeoip, 1);
	assert_string_equal(a.geoip[0], "/c.mmdb");
	assert_int_equal(ctl_args_parse(3, none, &cl, NULL, &a), CTL_RUN);
	assert_true(a.geoip_none);
	assert_int_equal(a.ngeoip, 0);

	/* A malformed file stops every command: exit status 1. */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "ring =\n", 7), 7);
	close(fd);
	assert_int_equal(ctl_args_parse(1, plain, &cl, NULL, &a), 1);
	/* A file named by the environment must exist; the default need not. */
	unlink(path);
	assert_int_equal(ctl_args_parse(1, plain, &cl, NULL, &a), 1);
	setenv(CTLCONF_ENV, "none", 1);
	assert_int_equal(ctl_args_parse(1, plain, &cl, NULL, &a), CTL_RUN);
	assert_string_equal(a.ring, NFLOGCTL_RING_DEFAULT);
	assert_int_equal(a.ngeoip, 0);
	unsetenv(CTLCONF_ENV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_too_many_geoip),
		cmocka_unit_test(test_defaults_and_override),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
