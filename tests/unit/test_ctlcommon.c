/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_ctlcommon.c - the command line every nflogctl subcommand goes through
 * (ctl/ctlcommon.c): common options, the subcommand's own through its
 * callback, the errors with their messages and exit statuses, and the
 * dispatcher's option test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl/ctlcommon.h"

/* ARGS("cmd", "--ring", "x"): argc, argv (writable copies: getopt permutes). */
#define ARGS(...)	test_nargs((const char *const []){ __VA_ARGS__, NULL }), \
			test_args((const char *const []){ __VA_ARGS__, NULL })

static char test_err[512];	/* what the last captured call wrote on stderr */
static int test_saved_fd = -1;
static FILE *test_tmp;
static int test_usage_calls;

static void test_capture(void)
{
	fflush(stderr);
	test_tmp = tmpfile();
	assert_non_null(test_tmp);
	test_saved_fd = dup(STDERR_FILENO);
	assert_true(test_saved_fd >= 0);
	assert_true(dup2(fileno(test_tmp), STDERR_FILENO) >= 0);
}

static const char *test_captured(void)
{
	size_t n;

	fflush(stderr);
	dup2(test_saved_fd, STDERR_FILENO);
	close(test_saved_fd);
	rewind(test_tmp);
	n = fread(test_err, 1, sizeof(test_err) - 1, test_tmp);
	test_err[n] = '\0';
	fclose(test_tmp);
	return test_err;
}

static char test_store[16][64];
static char *test_av[17];

static int test_nargs(const char *const *words)
{
	int n = 0;

	while (words[n])
		n++;
	return n;
}

static char **test_args(const char *const *words)
{
	int i;

	for (i = 0; words[i]; i++) {
		assert_true(i < 16 && strlen(words[i]) < sizeof(test_store[i]));
		strcpy(test_store[i], words[i]);
		test_av[i] = test_store[i];
	}
	test_av[i] = NULL;
	return test_av;
}

static void test_usage(FILE *f)
{
	(void)f;
	test_usage_calls++;
}

/* A subcommand with one option of its own: --level N (0..9). */
enum { TEST_O_LEVEL = CTL_O_OWN };

static int test_option(void *ctx, int c, const char *arg)
{
	int *level = ctx;

	if (c != TEST_O_LEVEL)
		return 0;
	if (arg[0] < '0' || arg[0] > '9' || arg[1]) {
		fprintf(stderr, "bad level\n");
		return 2;
	}
	*level = arg[0] - '0';
	return 0;
}

static const struct option test_lopts[] = {
	CTL_LOPT_RING,
	{ "level", required_argument, NULL, TEST_O_LEVEL },
	CTL_LOPT_LOCALKB,
	CTL_LOPT_SERVICES,
	CTL_LOPT_HELP,
	CTL_LOPT_END
};

static const struct ctl_cmdline test_cl = {
	.shortopts = ":h", .lopts = test_lopts, .first = 1, .usage = test_usage,
	.option = test_option,
};

/* Parse argv with test_cl; the status, stderr in test_err. */
static int test_parse(int argc, char **argv, int *level, struct ctl_args *a)
{
	int rc;

	test_capture();
	rc = ctl_args_parse(argc, argv, &test_cl, level, a);
	test_captured();
	return rc;
}

static void test_defaults(void **state)
{
	struct ctl_args a;
	int level = -1;

	(void)state;
	assert_int_equal(test_parse(ARGS("cmd"), &level, &a), CTL_RUN);
	assert_string_equal(a.ring, NFLOGCTL_RING_DEFAULT);
	assert_string_equal(a.local_kb, NFLOGCTL_LOCAL_KB);
	assert_false(a.local_given);
	assert_null(a.services);
	assert_int_equal(a.operand, 1);
	assert_int_equal(level, -1);
	assert_string_equal(test_err, "");
}

static void test_common_and_own(void **state)
{
	struct ctl_args a;
	int level = -1;

	(void)state;
	assert_int_equal(test_parse(ARGS("cmd", "--level", "7", "--ring", "/r", "--local-kb=/k",
					 "--services", "/s"), &level, &a), CTL_RUN);
	assert_string_equal(a.ring, "/r");
	assert_string_equal(a.local_kb, "/k");
	assert_string_equal(a.services, "/s");
	assert_true(a.local_given);
	assert_int_equal(level, 7);
}

static void test_errors(void **state)
{
	struct ctl_args a;
	int level = -1;

	(void)state;
	assert_int_equal(test_parse(ARGS("cmd", "--nope"), &level, &a), 2);
	assert_string_equal(test_err, "nflogctl: unknown option '--nope'\n");
	assert_int_equal(test_parse(ARGS("cmd", "-x"), &level, &a), 2);
	assert_string_equal(test_err, "nflogctl: unknown option '-x'\n");
	assert_int_equal(test_parse(ARGS("cmd", "--ring"), &level, &a), 2);
	assert_string_equal(test_err, "nflogctl: option --ring needs an argument\n");
	assert_int_equal(test_parse(ARGS("cmd", "--ring", "/r", "word"), &level, &a), 2);
	assert_string_equal(test_err, "nflogctl: unexpected argument 'word'\n");
	assert_int_equal(test_parse(ARGS("cmd", "--level", "x"), &level, &a), 2);
	assert_string_equal(test_err, "bad level\n");
}

/* -h is taken where it stands: after an error it is never reached. */
static void test_help(void **state)
{
	struct ctl_args a;
	int level = -1;

	(void)state;
	test_usage_calls = 0;
	assert_int_equal(test_parse(ARGS("cmd", "-h", "--nope"), &level, &a), 0);
	assert_int_equal(test_usage_calls, 1);
	assert_int_equal(test_parse(ARGS("cmd", "--nope", "--help"), &level, &a), 2);
	assert_int_equal(test_usage_calls, 1);
}

static void test_readargs(void **state)
{
	struct ctl_readargs ra;

	(void)state;
	test_capture();
	assert_int_equal(ctl_readargs_parse(ARGS("read", "-n", "5", "-f", "--json"), test_usage,
					    true, false, &ra), CTL_RUN);
	assert_string_equal(test_captured(), "");
	assert_true(ra.json);
	assert_true(ra.follow);
	assert_int_equal(ra.last, 5);

	test_capture();
	assert_int_equal(ctl_readargs_parse(ARGS("stats", "-f"), test_usage, false, false, &ra), 2);
	assert_string_equal(test_captured(), "nflogctl: -n and -f belong to read and alerts\n");

	/* "+": the words stay the command's, options after them too. */
	test_capture();
	assert_int_equal(ctl_readargs_parse(ARGS("explain", "--json", "icmp", "3/4", "--ring"),
					    test_usage, false, true, &ra), CTL_RUN);
	assert_string_equal(test_captured(), "");
	assert_int_equal(ra.args.operand, 2);

	/* --services: read, alerts and explain show names; stats has none to show. */
	test_capture();
	assert_int_equal(ctl_readargs_parse(ARGS("explain", "--services", "/s", "22"), test_usage,
					    false, true, &ra), CTL_RUN);
	assert_int_equal(ctl_readargs_parse(ARGS("read", "--services=/s"), test_usage, true, false,
					    &ra), CTL_RUN);
	assert_string_equal(test_captured(), "");
	assert_string_equal(ra.args.services, "/s");
	test_capture();
	assert_int_equal(ctl_readargs_parse(ARGS("stats", "--services", "/s"), test_usage, false,
					    false, &ra), 2);
	assert_string_equal(test_captured(),
			    "nflogctl: --services belongs to read, alerts and explain\n");

	/* -n 0: none of what is there (with -f: only new records), not "all". */
	assert_int_equal(ctl_readargs_parse(ARGS("read", "-n", "0"), test_usage, true, false, &ra),
			 CTL_RUN);
	assert_true(ra.last == CTL_LAST_NONE);
	test_capture();
	assert_int_equal(ctl_readargs_parse(ARGS("read", "-n", "-1"), test_usage, true, false, &ra), 2);
	assert_string_equal(test_captured(), "nflogctl: bad -n '-1': want a count 0..4294967295\n");
	test_capture();
	assert_int_equal(ctl_readargs_parse(ARGS("stats", "-n", "0"), test_usage, false, false, &ra),
			 2);
	assert_string_equal(test_captured(), "nflogctl: -n and -f belong to read and alerts\n");
}

static void test_since(void **state)
{
	uint64_t s = 0;

	(void)state;
	assert_true(ctl_parse_since("2h", &s));
	assert_int_equal(s, 7200);
	test_capture();
	assert_false(ctl_parse_since("0s", &s));
	assert_false(ctl_parse_since("bogus", &s));
	assert_string_equal(test_captured(),
			    "nflogctl: bad --since '0s': want a duration such as 90s, 30m, 2h or 7d\n"
			    "nflogctl: bad --since 'bogus': want a duration such as 90s, 30m, 2h or 7d\n");
}

static void test_has_option(void **state)
{
#define HAS(opt)	ctl_has_option(ARGS("stats", "--ring", "x", "--prometheus=1", "--", \
					    "--syslog"), opt)
	(void)state;
	assert_true(HAS("--prometheus"));
	assert_true(HAS("--ring"));
	assert_false(HAS("--syslog"));		/* after "--" */
	assert_false(HAS("--prom"));		/* no abbreviations */
	assert_false(HAS("stats"));		/* argv[0] is the command word */
#undef HAS
}

static void test_load_kb(void **state)
{
	struct ctl_args a = { .local_kb = "/nonexistent/local.kb" };

	(void)state;
	assert_ptr_equal(ctl_load_kb(&a), kb_builtin());	/* the default may be absent */
	a.local_given = true;
	test_capture();
	assert_null(ctl_load_kb(&a));
	assert_string_equal(test_captured(),
			    "nflogctl: local kb: /nonexistent/local.kb: No such file or directory\n");
}

static void test_load_services(void **state)
{
	char path[] = "/tmp/test_ctlcommon.XXXXXX";
	struct ctl_args a = { .services = "/nonexistent/services" };
	struct services *s = (struct services *)&a;
	int fd;

	(void)state;
	/* Named: it must load, and the error says which file and why. */
	test_capture();
	assert_int_equal(ctl_load_services(&a, &s), 1);
	assert_null(s);
	assert_string_equal(test_captured(),
			    "nflogctl: services: /nonexistent/services: No such file or directory\n");
	a.services = "/tmp";
	test_capture();
	assert_int_equal(ctl_load_services(&a, &s), 1);
	assert_string_equal(test_captured(), "nflogctl: services: /tmp: not a regular file\n");

	/* A file without one entry loads, with a warning. */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not a list\n", 11), 11);
	close(fd);
	a.services = path;
	test_capture();
	assert_int_equal(ctl_load_services(&a, &s), 0);
	assert_non_null(s);
	assert_non_null(strstr(test_captured(), "no service names in it (1 lines, 1 not understood)"));
	services_free(s);
	unlink(path);

	/* Not named: whichever default is present, or none, is fine. */
	a.services = NULL;
	assert_int_equal(ctl_load_services(&a, &s), 0);
	if (s)
		assert_true(!strcmp(services_path(s), SERVICES_PATH_IANA) ||
			    !strcmp(services_path(s), SERVICES_PATH_NMAP) ||
			    !strcmp(services_path(s), SERVICES_PATH_ETC));
	services_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_common_and_own),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_readargs),
		cmocka_unit_test(test_since),
		cmocka_unit_test(test_has_option),
		cmocka_unit_test(test_load_kb),
		cmocka_unit_test(test_load_services),
	};

	/* The defaults under test are the built-in ones, whatever /etc holds. */
	setenv("NFLOGCTL_CONFIG", "none", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
