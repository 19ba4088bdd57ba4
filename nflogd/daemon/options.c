/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options.c - the daemon's command line, applied over its settings file.
 *
 * Two passes over argv: the first checks the syntax and finds --help,
 * --version and --config; then the file is read and applied; the second
 * pass applies the command line over it. Every value, from the file or the
 * command line, goes through options_set() and so config_check(): both
 * accept exactly the same values.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "correlate/correlate.h"
#include "daemon/config.h"
#include "daemon/options.h"
#include "daemon/sandbox.h"
#include "ring/ring.h"
#include "util/log.h"
#include "util/opts.h"
#include "version.h"	/* NFLOGD_VERSION: generated from debian/changelog */

#define NFLOGD_RING_SIZE	(64ull << 20)	/* bytes */

enum { O_PERCPU = 256, O_RING, O_RINGSIZE, O_COPY, O_QTH, O_TIMEOUT,
       O_NLBUF, O_RCVBUF, O_USER, O_RINGGROUP, O_NOSANDBOX, O_PIDFILE, O_LOCALKB,
       O_CORR, O_CONFIG, O_METRICS, O_LOGLEVEL };

static const char options_short[] = ":dg:hV";

static const struct option options_long[] = {
	{ "daemon",	   no_argument,	      NULL, 'd' },
	{ "groups",	   required_argument, NULL, 'g' },
	{ "help",	   no_argument,	      NULL, 'h' },
	{ "version",	   no_argument,	      NULL, 'V' },
	{ "per-cpu",	   required_argument, NULL, O_PERCPU },
	{ "ring",	   required_argument, NULL, O_RING },
	{ "ring-size",	   required_argument, NULL, O_RINGSIZE },
	{ "copy-range",	   required_argument, NULL, O_COPY },
	{ "qthreshold",	   required_argument, NULL, O_QTH },
	{ "flush-timeout", required_argument, NULL, O_TIMEOUT },
	{ "nlbufsiz",	   required_argument, NULL, O_NLBUF },
	{ "rcvbuf",	   required_argument, NULL, O_RCVBUF },
	{ "user",	   required_argument, NULL, O_USER },
	{ "ring-group",	   required_argument, NULL, O_RINGGROUP },
	{ "no-sandbox",	   no_argument,	      NULL, O_NOSANDBOX },
	{ "pidfile",	   required_argument, NULL, O_PIDFILE },
	{ "local-kb",	   required_argument, NULL, O_LOCALKB },
	{ "corr",	   required_argument, NULL, O_CORR },
	{ "config",	   required_argument, NULL, O_CONFIG },
	{ "metrics-listen", required_argument, NULL, O_METRICS },
	{ "log-level",	   required_argument, NULL, O_LOGLEVEL },
	{ NULL, 0, NULL, 0 }
};

/* Long options that are settings: the same key in the file. */
static const struct { int opt; enum config_key key; } options_keyed[] = {
	{ 'g', CONFIG_GROUPS }, { O_PERCPU, CONFIG_PER_CPU }, { O_RING, CONFIG_RING },
	{ O_RINGSIZE, CONFIG_RING_SIZE }, { O_COPY, CONFIG_COPY_RANGE },
	{ O_QTH, CONFIG_QTHRESHOLD }, { O_TIMEOUT, CONFIG_FLUSH_TIMEOUT },
	{ O_NLBUF, CONFIG_NLBUFSIZ }, { O_RCVBUF, CONFIG_RCVBUF }, { O_USER, CONFIG_USER },
	{ O_RINGGROUP, CONFIG_RING_GROUP }, { O_PIDFILE, CONFIG_PIDFILE },
	{ O_LOCALKB, CONFIG_LOCAL_KB }, { O_METRICS, CONFIG_METRICS_LISTEN },
	{ O_LOGLEVEL, CONFIG_LOG_LEVEL },
};

static void options_usage(FILE *f)
{
	fprintf(f,
"usage: nflogd [-dhV] [-g LIST | --per-cpu BASE] [--ring PATH] [--ring-size BYTES]\n"
"              [--copy-range BYTES] [--qthreshold N] [--flush-timeout CS]\n"
"              [--nlbufsiz BYTES] [--rcvbuf BYTES] [--user USER] [--ring-group GROUP]\n"
"              [--no-sandbox] [--pidfile PATH] [--local-kb PATH] [--corr KEY=VALUE]...\n"
"              [--config PATH] [--metrics-listen ADDR:PORT] [--log-level LEVEL]\n"
"      --config PATH     settings file (default " CONFIG_DEFAULT_PATH ", used when\n"
"                        present); the command line wins; nflogd.conf(5)\n"
"  -g, --groups LIST     NFLOG groups to bind: 0 | 10-13 | 1,5 (default 0)\n"
"      --per-cpu BASE    bind groups BASE..BASE+ncpu-1, one thread pinned per CPU\n"
"      --ring PATH       ring file (default " NFLOGD_RING_DEFAULT "); its directory\n"
"                        must not be world-writable\n"
"      --ring-size BYTES ring file size, K/M/G suffixes (default 64M)\n"
"      --copy-range N    bytes of each packet the kernel copies (default %d)\n"
"      --qthreshold N    messages per kernel batch (default %d)\n"
"      --flush-timeout N batch flush timeout in 1/100 s (default %d)\n"
"      --nlbufsiz N      kernel batch buffer, bytes (default %d)\n"
"      --rcvbuf BYTES    socket receive buffer per group (default 32M)\n"
"      --user USER       run as USER once the groups are bound and the ring is\n"
"                        open (default " SANDBOX_USER_DEFAULT ", or " SANDBOX_USER_FALLBACK " when it does not exist)\n"
"      --ring-group GROUP\n"
"                        group that may read the ring file, name or number\n"
"                        (default: USER's primary group); the file is mode 0640\n"
"      --no-sandbox      no seccomp filter, for debugging (privileges are still\n"
"                        dropped); see doc/SECURITY.md\n"
"      --pidfile PATH    write the daemon's pid to PATH\n"
"      --local-kb PATH   site knowledge added to kb/ (default " NFLOGD_LOCAL_KB ",\n"
"                        used when present)\n"
"      --corr KEY=VALUE  correlator threshold (doc/correlation.md), e.g.\n"
"                        scan_ports=20, window_s=60, max_sources=65536\n"
"      --metrics-listen ADDR:PORT\n"
"                        serve Prometheus text at http://ADDR:PORT/metrics, e.g.\n"
"                        127.0.0.1:9477 or [::1]:9477 (default: off)\n"
"      --log-level LEVEL err, warning, notice, info (default) or debug (syslog)\n"
"  -d, --daemon          detach and log to syslog\n"
"  SIGHUP re-reads the settings file and local.kb (nflogd(8), SIGNALS).\n",
		CAPTURE_COPY_RANGE, CAPTURE_QTHRESH, CAPTURE_TIMEOUT_CS, CAPTURE_NLBUFSIZ);
}

static int options_bad(const char *what, const char *arg, int rc)
{
	log_msg(LOG_ERR, "bad %s '%s': %s", what, arg,
		rc == -ERANGE ? "out of range" : "not a number");
	return -1;
}

/* One CPU per group, taken from the CPUs this process may run on, in order. */
static int options_per_cpu(struct nflogd_opts *o, const char *arg)
{
	cpu_set_t set;
	uint64_t base;
	int cpu, rc;

	if ((rc = opts_uint(arg, 0, 65535, &base)) < 0)
		return options_bad("--per-cpu base group", arg, rc);
	if (sched_getaffinity(0, sizeof(set), &set) < 0) {
		log_msg(LOG_ERR, "sched_getaffinity: %s", strerror(errno));
		return -1;
	}
	o->ngroups = 0;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		if (base + (uint64_t)cpu > 65535 || o->ngroups >= RING_SEG_MAX) {
			log_msg(LOG_ERR, "--per-cpu %s: group for CPU %d out of range", arg, cpu);
			return -1;
		}
		o->groups[o->ngroups] = (uint16_t)(base + (uint64_t)cpu);
		o->cpus[o->ngroups++] = cpu;
	}
	return 0;
}

/* One setting, from the file (line > 0) or the command line (line 0), checked
 * by config_check() either way so that both accept exactly the same values. */
static int options_set(struct nflogd_opts *o, enum config_key k, const char *sub,
		       const char *val, unsigned line)
{
	char err[CONFIG_VALUE_MAX + 256], where[300] = "";
	uint64_t v;
	size_t i;

	if (line)
		snprintf(where, sizeof(where), "%s:%u: ", o->config_path, line);
	if (config_check(k, sub, val, &v, err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "%s%s%s", where,
			line ? "" : k == CONFIG_CORR ? "--corr: " : "--", err);
		return -1;
	}
	switch (k) {
	case CONFIG_GROUPS:
	case CONFIG_PER_CPU:
		if (o->groups_from == (line ? 1 : 2)) {
			log_msg(LOG_ERR, "%s%s", where, line ? "give groups or per-cpu once"
							     : "give -g or --per-cpu once");
			return -1;
		}
		o->groups_from = line ? 1 : 2;
		if (k == CONFIG_PER_CPU)
			return options_per_cpu(o, val);
		if (opts_groups(val, o->groups, RING_SEG_MAX, &o->ngroups, err, sizeof(err)) < 0)
			return -1;	/* cannot happen: checked above */
		for (i = 0; i < o->ngroups; i++)
			o->cpus[i] = -1;
		break;
	case CONFIG_RING:		o->ring_path = val; break;
	case CONFIG_RING_SIZE:		o->ring_size = v; break;
	case CONFIG_RING_GROUP:		o->ring_group = val; break;
	case CONFIG_COPY_RANGE:		o->cap.copy_range = (uint32_t)v; break;
	case CONFIG_QTHRESHOLD:		o->cap.qthresh = (uint32_t)v; break;
	case CONFIG_FLUSH_TIMEOUT:	o->cap.timeout_cs = (uint32_t)v; break;
	case CONFIG_NLBUFSIZ:		o->cap.nlbufsiz = (uint32_t)v; break;
	case CONFIG_RCVBUF:		o->cap.rcvbuf = (uint32_t)v; break;
	case CONFIG_USER:		o->user = val; break;
	case CONFIG_PIDFILE:		o->pidfile = val; break;
	case CONFIG_LOCAL_KB:
		o->local_kb = val;
		o->local_kb_given = 1;
		break;
	case CONFIG_CORR:		config_corr_set(&o->corr, sub, val); break;
	case CONFIG_METRICS_LISTEN:	o->metrics_listen = val; break;
	case CONFIG_LOG_LEVEL:		o->log_level = config_log_level(val); break;
	case __CONFIG_KEY_MAX:		break;
	}
	if (!line)
		o->cli_keys |= 1u << k;
	return 0;
}

/* --corr KEY=VALUE on the command line: corr.KEY = VALUE in the file. */
static int options_corr_arg(struct nflogd_opts *o, const char *arg)
{
	char name[64];
	const char *eq = strchr(arg, '=');

	if (!eq || (size_t)(eq - arg) >= sizeof(name)) {
		log_msg(LOG_ERR, "--corr %s: want KEY=VALUE (doc/correlation.md)", arg);
		return -1;
	}
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	return options_set(o, CONFIG_CORR, name, eq + 1, 0);
}

/* --config before anything else: the file is applied first, the other
 * options over it. The default file may be absent, a given one may not. */
static int options_config_read(struct nflogd_opts *o)
{
	char err[CONFIG_VALUE_MAX + 512];
	size_t i;
	int rc;

	if (!o->config_path)
		o->config_path = CONFIG_DEFAULT_PATH;
	rc = config_load(o->config_path, &o->cfg, err, sizeof(err));
	if (rc == -ENOENT && !o->config_given)
		return 0;
	if (rc < 0) {
		log_msg(LOG_ERR, "config: %s", err);
		return -1;
	}
	for (i = 0; i < o->cfg->n; i++) {
		const struct config_item *it = &o->cfg->items[i];

		if (options_set(o, it->key, it->sub, it->value, it->line) < 0)
			return -1;
	}
	return 0;
}

static void options_defaults(struct nflogd_opts *o)
{
	o->ring_path = NFLOGD_RING_DEFAULT;
	o->local_kb = NFLOGD_LOCAL_KB;
	o->log_level = LOG_INFO;
	corr_cfg_default(&o->corr);
	o->ring_size = NFLOGD_RING_SIZE;
	o->cap = (struct capture_cfg){
		.copy_range = CAPTURE_COPY_RANGE, .qthresh = CAPTURE_QTHRESH,
		.timeout_cs = CAPTURE_TIMEOUT_CS, .nlbufsiz = CAPTURE_NLBUFSIZ,
		.rcvbuf = CAPTURE_RCVBUF,
	};
}

/* Pass 1: syntax, --help, --version and --config only, so that the file can
 * be read before the other options are applied over it. */
static int options_scan(int argc, char **argv, struct nflogd_opts *o)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, options_short, options_long, NULL)) != -1) {
		switch (c) {
		case O_CONFIG:
			o->config_path = optarg;
			o->config_given = 1;
			break;
		case 'h':
			options_usage(stdout);
			exit(0);
		case 'V':
			printf("nflogd %s (ring format %d.%d)\n", NFLOGD_VERSION,
			       RING_VERSION_MAJOR, RING_VERSION_MINOR);
			exit(0);
		case ':':
			log_msg(LOG_ERR, "option %s needs an argument", argv[optind - 1]);
			return -1;
		case '?':
			log_msg(LOG_ERR, "unknown option '%s' (see nflogd --help)",
				argv[optind - 1]);
			return -1;
		default:
			break;
		}
	}
	if (optind < argc) {
		log_msg(LOG_ERR, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}

/* Pass 2: the command line over the file; pass 1 has checked its syntax. */
static int options_apply(int argc, char **argv, struct nflogd_opts *o)
{
	const size_t nkeyed = sizeof(options_keyed) / sizeof(options_keyed[0]);
	size_t i;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, options_short, options_long, NULL)) != -1) {
		for (i = 0; i < nkeyed; i++)
			if (options_keyed[i].opt == c)
				break;
		if (i < nkeyed) {
			if (options_set(o, options_keyed[i].key, NULL, optarg, 0) < 0)
				return -1;
		} else if (c == O_CORR) {
			if (options_corr_arg(o, optarg) < 0)
				return -1;
		} else if (c == 'd') {
			o->daemonize = 1;
		} else if (c == O_NOSANDBOX) {
			o->no_sandbox = 1;
		}
	}
	return 0;
}

int options_parse(int argc, char **argv, struct nflogd_opts *o)
{
	options_defaults(o);
	if (options_scan(argc, argv, o) < 0 || options_config_read(o) < 0 ||
	    options_apply(argc, argv, o) < 0)
		return -1;
	if (!o->groups_from) {
		o->ngroups = 1;
		o->groups[0] = 0;
		o->cpus[0] = -1;
	}
	if (o->cap.qthresh == 1)
		log_msg(LOG_WARNING, "--qthreshold 1 sends one netlink message per "
			"packet: several times the CPU cost, and loss under load");
	return 0;
}
