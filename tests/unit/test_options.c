/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_options.c - the daemon's command line (daemon/options.h): defaults,
 * the settings file applied first and the command line over it, and every
 * mistake refused before anything is applied. */
#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/options.h"

/* A settings file with text in it; the caller unlinks path. */
static void write_conf(char *path, const char *text)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* options_parse() on a fresh struct, as main() calls it once per process:
 * getopt's state is reset first. */
static int parse(struct nflogd_opts *o, const char **args)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = (char *)"nflogd";
	while (*args)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	memset(o, 0, sizeof(*o));
	optind = 0;
	return options_parse(argc, argv, o);
}

static void test_defaults(void **state)
{
	char path[] = "/tmp/test_options.XXXXXX";
	const char *args[] = { "--config", path, NULL };
	struct nflogd_opts o;

	write_conf(path, "# nothing set\n");
	assert_int_equal(parse(&o, args), 0);
	assert_int_equal(o.ngroups, 1);
	assert_int_equal(o.groups[0], 0);
	assert_int_equal(o.cpus[0], -1);
	assert_string_equal(o.ring_path, NFLOGD_RING_DEFAULT);
	assert_string_equal(o.local_kb, NFLOGD_LOCAL_KB);
	assert_int_equal(o.local_kb_given, 0);
	assert_int_equal(o.log_level, LOG_INFO);
	assert_int_equal(o.cap.qthresh, CAPTURE_QTHRESH);
	assert_int_equal(o.cap.copy_range, CAPTURE_COPY_RANGE);
	assert_int_equal(o.groups_from, 0);
	assert_int_equal(o.cli_keys, 0);
	assert_int_equal(o.daemonize, 0);
	assert_int_equal(o.no_sandbox, 0);
	config_free(o.cfg);
	unlink(path);
}

static void test_command_line_over_file(void **state)
{
	char path[] = "/tmp/test_options.XXXXXX";
	const char *args[] = { "-g", "7,9", "--qthreshold", "60", "--corr", "scan_ports=9",
			       "-d", "--no-sandbox", "--config", path, "--log-level", "debug",
			       NULL };
	struct nflogd_opts o;

	write_conf(path, "groups = 1-2\nring-size = 2M\nqthreshold = 50\n"
		   "local-kb = /x/local.kb\ncorr.sweep_hosts = 33\n");
	assert_int_equal(parse(&o, args), 0);
	assert_int_equal(o.ngroups, 2);
	assert_int_equal(o.groups[0], 7);
	assert_int_equal(o.groups[1], 9);
	assert_int_equal(o.cpus[1], -1);
	assert_int_equal(o.groups_from, 2);
	assert_int_equal(o.ring_size, 2u << 20);
	assert_int_equal(o.cap.qthresh, 60);
	assert_string_equal(o.local_kb, "/x/local.kb");
	assert_int_equal(o.local_kb_given, 1);
	assert_int_equal(o.corr.scan_ports, 9);
	assert_int_equal(o.corr.sweep_hosts, 33);
	assert_int_equal(o.log_level, LOG_DEBUG);
	assert_int_equal(o.daemonize, 1);
	assert_int_equal(o.no_sandbox, 1);
	assert_int_equal(o.config_given, 1);
	assert_int_equal(o.cli_keys, (1u << CONFIG_GROUPS) | (1u << CONFIG_QTHRESHOLD) |
				     (1u << CONFIG_CORR) | (1u << CONFIG_LOG_LEVEL));
	config_free(o.cfg);
	unlink(path);
}

static void test_mistakes(void **state)
{
	static const char *const bad[][4] = {
		{ "--bogus" }, { "-x" }, { "--ring" }, { "extra" },
		{ "-g", "1", "-g", "2" }, { "-g", "1", "--per-cpu", "0" }, { "-g", "5-3" },
		{ "--corr", "foo" }, { "--corr", "nosuch=1" }, { "--ring-size", "64X" },
		{ "--qthreshold", "0" }, { "--log-level", "loud" }, { "--per-cpu", "70000" },
	};
	char empty[] = "/tmp/test_options.XXXXXX", path[] = "/tmp/test_options.XXXXXX";
	const char *missing[] = { "--config", "/nonexistent/nflogd.conf", NULL };
	const char *file_wins[] = { "--config", path, "-g", "3", NULL };
	struct nflogd_opts o;
	size_t i, n;

	write_conf(empty, "");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *args[8] = { "--config", empty };

		for (n = 0; n < 4 && bad[i][n]; n++)
			args[2 + n] = bad[i][n];
		if (parse(&o, args) != -1)
			fail_msg("case %zu (%s) accepted", i, bad[i][0]);
		config_free(o.cfg);
	}
	/* A given file must exist; a mistake in it is refused even when the
	 * command line sets the same key. */
	assert_int_equal(parse(&o, missing), -1);
	write_conf(path, "groups = 1\nper-cpu = 0\n");
	assert_int_equal(parse(&o, file_wins), -1);
	config_free(o.cfg);
	unlink(path);
	unlink(empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_command_line_over_file),
		cmocka_unit_test(test_mistakes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
