/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_config.c - the settings file (nflogd/daemon/config.h): every key accepted
 * with the command line's ranges, every mistake refused with file:line,
 * comments and blanks ignored, duplicates refused, the listen address and
 * correlator keys parsed exactly. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
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

#include "daemon/config.h"

static struct config *parse_ok(const char *text)
{
	struct config *c = NULL;
	char err[512] = "";

	if (config_parse(text, strlen(text), "t.conf", &c, err, sizeof(err)) != 0)
		fail_msg("refused: %s\n--\n%s", err, text);
	assert_non_null(c);
	return c;
}

/* The text is refused and the message starts with want ("t.conf:LINE: ..."). */
static void parse_bad(const char *text, size_t len, const char *want)
{
	struct config *c = (struct config *)1;
	char err[512] = "";

	assert_int_not_equal(config_parse(text, len, "t.conf", &c, err, sizeof(err)), 0);
	assert_null(c);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("message '%s' does not start with '%s'", err, want);
}

static void test_every_key(void **state)
{
	static const char text[] =
		"# nflogd.conf\n"
		"\n"
		"groups = 10-13\n"
		"ring = /var/lib/nflogd/drops.ring\n"
		"ring-size = 64M\n"
		"ring-group = adm\n"
		"  copy-range=128  \n"
		"qthreshold = 1000\n"
		"flush-timeout = 0\n"
		"nlbufsiz = 64K\n"
		"rcvbuf = 32M\n"
		"user = nflogd\n"
		"pidfile = /run/nflogd/nflogd.pid\n"
		"local-kb = /etc/nflogd/local.kb\n"
		"corr.scan_ports = 20\n"
		"corr.window_s = 60\n"
		"metrics-listen = [::1]:9477\n"
		"log-level = debug\r\n";
	struct config *c = parse_ok(text);
	const struct config_item *it;

	(void)state;
	assert_int_equal(c->n, 16);
	it = config_find(c, CONFIG_GROUPS, NULL);
	assert_non_null(it);
	assert_string_equal(it->value, "10-13");
	assert_int_equal(it->line, 3);
	assert_string_equal(config_find(c, CONFIG_COPY_RANGE, NULL)->value, "128");
	assert_string_equal(config_find(c, CONFIG_CORR, "window_s")->value, "60");
	assert_int_equal(config_find(c, CONFIG_CORR, "window_s")->line, 16);
	assert_null(config_find(c, CONFIG_CORR, "sweep_hosts"));
	assert_null(config_find(c, CONFIG_PER_CPU, NULL));
	assert_string_equal(config_find(c, CONFIG_LOG_LEVEL, NULL)->value, "debug");
	config_free(c);
}

static void test_empty(void **state)
{
	struct config *c = parse_ok("");

	(void)state;
	assert_int_equal(c->n, 0);
	config_free(c);
	c = parse_ok("# only a comment\n\n   \t\n   # indented comment");
	assert_int_equal(c->n, 0);
	config_free(c);
}

static void test_mistakes(void **state)
{
	(void)state;
	parse_bad("groups = 1\nbogus = 2\n", 21, "t.conf:2: unknown key 'bogus'");
	parse_bad("\n\nring-size\n", 12, "t.conf:3: expected 'key = value'");
	parse_bad("ring-size = 12Q\n", 16, "t.conf:1: ring-size: '12Q' is not a number");
	parse_bad("ring-size = 0\n", 14, "t.conf:1: ring-size: '0' is out of range");
	parse_bad("qthreshold = 1048577\n", 21, "t.conf:1: qthreshold: '1048577' is out of range");
	parse_bad("copy-range = -1\n", 16, "t.conf:1: copy-range:");
	parse_bad("nlbufsiz = 1K\n", 14, "t.conf:1: nlbufsiz: '1K' is out of range");
	parse_bad("groups = 3-1\n", 13, "t.conf:1: groups: group range 3-1 is backwards");
	parse_bad("groups = 1,1\n", 13, "t.conf:1: groups: group 1 listed twice");
	parse_bad("per-cpu = 65536\n", 16, "t.conf:1: per-cpu:");
	parse_bad("user = a b\n", 11, "t.conf:1: user: 'a b' is not a user or group name");
	parse_bad("ring =\n", 6, "t.conf:1: ring: empty value");
	parse_bad("corr.nope = 1\n", 14, "t.conf:1: unknown key 'corr.nope'");
	parse_bad("corr.scan_ports = 0\n", 20, "t.conf:1: corr.scan_ports: '0' is not a number");
	parse_bad("corr.window_s = 86401\n", 22, "t.conf:1: corr.window_s:");
	parse_bad("metrics-listen = localhost:9477\n", 32, "t.conf:1: metrics-listen:");
	parse_bad("metrics-listen = ::1:9477\n", 26, "t.conf:1: metrics-listen:");
	parse_bad("metrics-listen = 127.0.0.1:0\n", 29, "t.conf:1: metrics-listen:");
	parse_bad("log-level = loud\n", 17, "t.conf:1: log-level: 'loud'");
	parse_bad("user = a\nuser = b\n", 18, "t.conf:2: user already set on line 1");
	parse_bad("corr.ttl_jump = 5\ncorr.ttl_jump = 6\n", 36,
		  "t.conf:2: corr.ttl_jump already set on line 1");
	parse_bad("groups = 1\nuser = a\0b\n", 22, "t.conf:2: NUL byte");
	parse_bad("ring-size = 1M # comment\n", 25, "t.conf:1: ring-size:");
}

static void test_limits(void **state)
{
	char *big = malloc(CONFIG_MAX_BYTES + 2);
	char line[CONFIG_LINE_MAX + 32];
	char err[512];
	struct config *c;

	(void)state;
	assert_non_null(big);
	memset(big, '\n', CONFIG_MAX_BYTES + 1);
	assert_int_equal(config_parse(big, CONFIG_MAX_BYTES + 1, "t.conf", &c, err,
				      sizeof(err)), -EFBIG);
	assert_int_equal(config_parse(big, CONFIG_MAX_BYTES, "t.conf", &c, err, sizeof(err)), 0);
	assert_int_equal(c->n, 0);
	config_free(c);
	free(big);
	snprintf(line, sizeof(line), "pidfile = /%0*d\n", CONFIG_LINE_MAX, 0);
	parse_bad(line, strlen(line), "t.conf:1: line longer than");
	snprintf(line, sizeof(line), "pidfile = /%0*d\n", CONFIG_VALUE_MAX, 0);
	parse_bad(line, strlen(line), "t.conf:1: value longer than");
}

static void test_keys(void **state)
{
	const char *sub;
	unsigned k;

	(void)state;
	for (k = 0; k < __CONFIG_KEY_MAX; k++) {
		if (k == CONFIG_CORR)
			continue;
		assert_int_equal(config_key_lookup(config_key_name(k), &sub), (int)k);
		assert_null(sub);
	}
	assert_int_equal(config_key_lookup("corr.x", &sub), CONFIG_CORR);
	assert_string_equal(sub, "x");
	assert_int_equal(config_key_lookup("Groups", &sub), -ENOENT);
	assert_true(config_key_reloadable(CONFIG_LOG_LEVEL));
	assert_false(config_key_reloadable(CONFIG_GROUPS));
	assert_false(config_key_reloadable(CONFIG_RING));
	assert_false(config_key_reloadable(CONFIG_USER));
	assert_null(config_key_name(__CONFIG_KEY_MAX));
}

static void test_values(void **state)
{
	struct sockaddr_storage ss;
	struct corr_cfg cc;
	char err[256];
	socklen_t len;
	uint64_t v;

	(void)state;
	assert_int_equal(config_check(CONFIG_RING_SIZE, NULL, "2G", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 2ull << 30);
	assert_int_equal(config_check(CONFIG_FLUSH_TIMEOUT, NULL, "6001", &v, err, sizeof(err)),
			 -ERANGE);
	assert_int_equal(config_log_level("err"), LOG_ERR);
	assert_int_equal(config_log_level("debug"), LOG_DEBUG);
	assert_int_equal(config_log_level("DEBUG"), -EINVAL);

	corr_cfg_default(&cc);
	assert_int_equal(config_corr_set(&cc, "window_s", "90"), 0);
	assert_int_equal(cc.window_ns, 90ull * 1000000000ull);
	assert_int_equal(config_corr_set(&cc, "scan_ports", "7"), 0);
	assert_int_equal(cc.scan_ports, 7);
	assert_int_equal(config_corr_set(&cc, "scan_port", "7"), -ENOENT);
	assert_int_equal(config_corr_set(&cc, "scan_ports", "7x"), -EINVAL);

	assert_int_equal(config_listen("127.0.0.1:9477", &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(len, sizeof(struct sockaddr_in));
	assert_int_equal(ntohs(((struct sockaddr_in *)(void *)&ss)->sin_port), 9477);
	assert_int_equal(config_listen("[::1]:80", &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)(void *)&ss)->sin6_port), 80);
	assert_int_equal(config_listen("[::1]", &ss, &len), -EINVAL);
	assert_int_equal(config_listen("[]:80", &ss, &len), -EINVAL);
	assert_int_equal(config_listen(":80", &ss, &len), -EINVAL);
	assert_int_equal(config_listen("127.0.0.1:65536", &ss, &len), -EINVAL);
	assert_int_equal(config_listen("127.0.0.1:+80", &ss, &len), -EINVAL);
	assert_int_equal(config_listen("[127.0.0.1]:80", &ss, &len), -EINVAL);
}

static void test_load(void **state)
{
	char path[] = "/tmp/test_config.XXXXXX", err[512];
	struct config *c;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "groups = 7\nring-size = x\n", 25), 25);
	close(fd);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ":2: ring-size:"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "groups = 7\n", 11), 11);
	close(fd);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), 0);
	assert_string_equal(config_find(c, CONFIG_GROUPS, NULL)->value, "7");
	assert_string_equal(c->path, path);
	config_free(c);
	unlink(path);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -ENOENT);
	assert_null(c);
	assert_int_equal(config_load("/", &c, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_mistakes),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
