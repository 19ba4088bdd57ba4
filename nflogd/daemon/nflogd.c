/* nflogd.c - the daemon: options, start-up order, signal loop.
 *
 * Start-up acquires everything that needs privilege first (the ring file,
 * every NFLOG group, the pidfile), then drops to the service user, clears
 * every capability and installs the seccomp filter (sandbox.h,
 * doc/SECURITY.md), and only then starts one capture thread per group and
 * the correlator. Any start-up problem is fatal and says why; at run time
 * nothing is.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture.h"
#include "classify/classify.h"
#include "classify/clsswap.h"
#include "daemon/config.h"
#include "correlate/corrthread.h"
#include "classify/kb.h"
#include "util/log.h"
#include "daemon/metrics.h"
#include "daemon/notify.h"
#include "util/opts.h"
#include "ring/ring.h"
#include "ring/ringread.h"
#include "daemon/sandbox.h"
#include "daemon/worker.h"

#define NFLOGD_VERSION		"0.1"
#define NFLOGD_RING_DIR		"/var/lib/nflogd"
#define NFLOGD_RING_DEFAULT	NFLOGD_RING_DIR "/drops.ring"
#define NFLOGD_RING_SIZE	(64ull << 20)	/* bytes */
#define NFLOGD_LOCAL_KB		"/etc/nflogd/local.kb"
#define NFLOGD_TICK_MS		1000		/* ms between housekeeping rounds */
#define NFLOGD_SYNC_TICKS	5		/* rounds between ring write-backs */
#define NFLOGD_SELFTEST_ENV	"NFLOGD_SECCOMP_SELFTEST"	/* test hook, SECURITY.md */

struct nflogd_opts {
	uint16_t		 groups[RING_SEG_MAX];
	int			 cpus[RING_SEG_MAX];	/* -1 = unpinned */
	size_t			 ngroups;
	const char		*ring_path;
	uint64_t		 ring_size;
	struct capture_cfg	 cap;
	const char		*user;		/* NULL: sandbox.h's default */
	const char		*ring_group;	/* NULL: the user's group */
	int			 no_sandbox;	/* no seccomp filter */
	int			 selftest;	/* NFLOGD_SECCOMP_SELFTEST=1 */
	const char		*pidfile;
	const char		*local_kb;
	int			 local_kb_given;
	struct corr_cfg		 corr;
	int			 daemonize;
	const char		*metrics_listen;
	int			 log_level;	/* syslog priority; messages above it dropped */
	const char		*config_path;	/* CONFIG_DEFAULT_PATH unless --config */
	int			 config_given;
	struct config		*cfg;		/* the file as read at start; owns strings above */
	uint32_t		 cli_keys;	/* 1 << enum config_key given on the command line */
	int			 groups_from;	/* 0 default, 1 file, 2 command line */
};

static void usage(FILE *f)
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

static int nflogd_bad(const char *what, const char *arg, int rc)
{
	log_msg(LOG_ERR, "bad %s '%s': %s", what, arg,
		rc == -ERANGE ? "out of range" : "not a number");
	return -1;
}

/* One CPU per group, taken from the CPUs this process may run on, in order. */
static int nflogd_per_cpu(struct nflogd_opts *o, const char *arg)
{
	cpu_set_t set;
	uint64_t base;
	int cpu, rc;

	if ((rc = opts_uint(arg, 0, 65535, &base)) < 0)
		return nflogd_bad("--per-cpu base group", arg, rc);
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
static int nflogd_set(struct nflogd_opts *o, enum config_key k, const char *sub,
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
			return nflogd_per_cpu(o, val);
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
static int nflogd_corr_arg(struct nflogd_opts *o, const char *arg)
{
	char name[64];
	const char *eq = strchr(arg, '=');

	if (!eq || (size_t)(eq - arg) >= sizeof(name)) {
		log_msg(LOG_ERR, "--corr %s: want KEY=VALUE (doc/correlation.md)", arg);
		return -1;
	}
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	return nflogd_set(o, CONFIG_CORR, name, eq + 1, 0);
}

/* --config before anything else: the file is applied first, the other
 * options over it. The default file may be absent, a given one may not. */
static int nflogd_config_read(struct nflogd_opts *o)
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

		if (nflogd_set(o, it->key, it->sub, it->value, it->line) < 0)
			return -1;
	}
	return 0;
}

static int nflogd_parse(int argc, char **argv, struct nflogd_opts *o)
{
	enum { O_PERCPU = 256, O_RING, O_RINGSIZE, O_COPY, O_QTH, O_TIMEOUT,
	       O_NLBUF, O_RCVBUF, O_USER, O_RINGGROUP, O_NOSANDBOX, O_PIDFILE, O_LOCALKB,
	       O_CORR, O_CONFIG, O_METRICS, O_LOGLEVEL };
	static const struct option lopts[] = {
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
	static const struct { int opt; enum config_key key; } keyed[] = {
		{ 'g', CONFIG_GROUPS }, { O_PERCPU, CONFIG_PER_CPU }, { O_RING, CONFIG_RING },
		{ O_RINGSIZE, CONFIG_RING_SIZE }, { O_COPY, CONFIG_COPY_RANGE },
		{ O_QTH, CONFIG_QTHRESHOLD }, { O_TIMEOUT, CONFIG_FLUSH_TIMEOUT },
		{ O_NLBUF, CONFIG_NLBUFSIZ }, { O_RCVBUF, CONFIG_RCVBUF }, { O_USER, CONFIG_USER },
		{ O_RINGGROUP, CONFIG_RING_GROUP }, { O_PIDFILE, CONFIG_PIDFILE },
		{ O_LOCALKB, CONFIG_LOCAL_KB }, { O_METRICS, CONFIG_METRICS_LISTEN },
		{ O_LOGLEVEL, CONFIG_LOG_LEVEL },
	};
	size_t i;
	int c;

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
	opterr = 0;
	/* Pass 1: syntax, --help, --version and --config only. */
	while ((c = getopt_long(argc, argv, ":dg:hV", lopts, NULL)) != -1) {
		switch (c) {
		case O_CONFIG:
			o->config_path = optarg;
			o->config_given = 1;
			break;
		case 'h':
			usage(stdout);
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
	if (nflogd_config_read(o) < 0)
		return -1;
	/* Pass 2: the command line over the file. */
	optind = 0;
	while ((c = getopt_long(argc, argv, ":dg:hV", lopts, NULL)) != -1) {
		for (i = 0; i < sizeof(keyed) / sizeof(keyed[0]); i++)
			if (keyed[i].opt == c)
				break;
		if (i < sizeof(keyed) / sizeof(keyed[0])) {
			if (nflogd_set(o, keyed[i].key, NULL, optarg, 0) < 0)
				return -1;
		} else if (c == O_CORR) {
			if (nflogd_corr_arg(o, optarg) < 0)
				return -1;
		} else if (c == 'd') {
			o->daemonize = 1;
		} else if (c == O_NOSANDBOX) {
			o->no_sandbox = 1;
		}
	}
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

/* The default ring lives in a directory packages do not always create; the
 * ring's group must be able to enter it. */
static void nflogd_mkdir_default(const char *path, gid_t gid)
{
	if (strcmp(path, NFLOGD_RING_DEFAULT) == 0 && mkdir(NFLOGD_RING_DIR, 0750) == 0 &&
	    chown(NFLOGD_RING_DIR, (uid_t)-1, gid) < 0)
		log_msg(LOG_WARNING, "cannot give %s to group %u: %s", NFLOGD_RING_DIR,
			(unsigned)gid, strerror(errno));
}

static void nflogd_ifaces(struct ring *ring)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	struct ring_iface tab[RING_IFACES];
	unsigned n = 0;

	if (!ifs)
		return;
	memset(tab, 0, sizeof(tab));
	for (i = ifs; i->if_index && n < RING_IFACES; i++, n++) {
		tab[n].ifindex = i->if_index;
		snprintf(tab[n].name, sizeof(tab[n].name), "%s", i->if_name);
	}
	if_freenameindex(ifs);
	ring_set_ifaces(ring, tab, n);
}

/* Who to become and which group reads the ring: resolved first, while name
 * services still work, so that a typo fails before anything is bound. */
static int nflogd_ids(const struct nflogd_opts *o, struct sandbox_user *u, gid_t *ring_gid)
{
	char err[256];
	int rc = sandbox_user_lookup(o->user, u, err, sizeof(err));

	if (rc < 0) {
		if (o->user)
			log_msg(LOG_ERR, "--user: %s", err);
		else
			log_msg(LOG_ERR, "no user to run as (%s): create user %s or give --user",
				err, SANDBOX_USER_DEFAULT);
		return -1;
	}
	*ring_gid = u->gid;
	if (o->ring_group && sandbox_group_lookup(o->ring_group, ring_gid, err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "--ring-group: %s", err);
		return -1;
	}
	return 0;
}

/* The drop, then the filter, then (test hook) one forbidden call. Called
 * with one thread: the filter then covers every thread made afterwards. */
static int nflogd_sandbox(const struct nflogd_opts *o, const struct sandbox_user *u)
{
	char err[256];

	/* Said here, not at the lookup: an error before the drop is the news. */
	if (!o->user && strcmp(u->name, SANDBOX_USER_DEFAULT))
		log_msg(LOG_WARNING, "user %s does not exist (make install creates it); "
			"running as %s", SANDBOX_USER_DEFAULT, u->name);
	if (sandbox_drop(u, err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "cannot drop privileges to %s: %s", u->name, err);
		return -1;
	}
	if (o->no_sandbox)
		log_msg(LOG_WARNING, "--no-sandbox: running without the seccomp filter");
	else if (sandbox_seccomp(err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "%s", err);
		return -1;
	}
	if (o->selftest) {
		sandbox_selftest();	/* under the filter: killed by SIGSYS here */
		log_msg(LOG_ERR, NFLOGD_SELFTEST_ENV ": the forbidden call was allowed");
		return -1;
	}
	return 0;
}

static void nflogd_groups_str(const struct nflogd_opts *o, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < o->ngroups && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%u", i ? "," : "", o->groups[i]);
}

static int nflogd_write_pidfile(const char *path)
{
	FILE *f = fopen(path, "we");

	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
		log_msg(LOG_ERR, "cannot write pidfile %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* What SIGHUP compares and applies. Everything it reads was opened or
 * loaded by the main thread; the capture threads are never touched. */
struct nflogd_live {
	struct config		*cfg;		/* the file as last applied */
	uint64_t		 kb_stamp;	/* of the local.kb the classifier uses */
	struct metrics_stats	 stats;
	struct clsswap		 swap;		/* what the capture threads read */
	struct ring		*ring;
	struct classify		*cls;		/* current: published in swap */
	struct kb		*kb;		/* its local kb (NULL: built-in only) */
	struct kb		*kb0;		/* the start's: the correlator keeps it */
	struct classify		*old_cls;	/* replaced, freed once every thread */
	struct kb		*old_kb;	/* has passed old_epoch */
	uint64_t		 old_epoch;
};

/* Free what a reload replaced once no capture thread can still use it
 * (clsswap.h); called every tick, never waits. */
static void nflogd_reap(struct nflogd_live *live, int force)
{
	if (!live->old_cls || (!force && !clsswap_passed(&live->swap, live->old_epoch)))
		return;
	classify_free(live->old_cls);
	if (live->old_kb != live->kb0)
		kb_free(live->old_kb);
	live->old_cls = NULL;
	live->old_kb = NULL;
}

/* A new local kb for the capture threads: built here, published with one
 * atomic store, the old one freed later by nflogd_reap(). 0, or -1 when the
 * previous swap has not settled yet (kb is freed). */
static int nflogd_swap_kb(struct nflogd_live *live, struct kb *kb)
{
	struct classify *c;

	nflogd_reap(live, 0);
	if (live->old_cls) {
		kb_free(kb);
		return -1;
	}
	c = classify_new(kb ? kb : kb_builtin());
	if (!c) {
		kb_free(kb);
		return -1;
	}
	live->old_cls = live->cls;
	live->old_kb = live->kb;
	live->cls = c;
	live->kb = kb;
	live->old_epoch = clsswap_publish(&live->swap, c);
	live->kb_stamp = kb_stamp(kb ? kb : kb_builtin());
	ring_set_kb_stamp(live->ring, live->kb_stamp);
	return 0;
}

static const char *nflogd_val(const struct config_item *it)
{
	return it ? it->value : "(unset)";
}

/* A setting that cannot change at run time: say so when the file changed it
 * (and the command line does not fix it anyway); return 1 if it did. */
static int nflogd_restart_note(const struct nflogd_opts *o, const struct config *old,
			       const struct config *cur, enum config_key k, const char *sub)
{
	const struct config_item *a = config_find(old, k, sub), *b = config_find(cur, k, sub);

	if (o->cli_keys & (1u << k) && k != CONFIG_CORR)
		return 0;
	if ((!a && !b) || (a && b && strcmp(a->value, b->value) == 0))
		return 0;
	log_msg(LOG_WARNING, "reload: %s%s%s changed (%s -> %s): needs a restart; keeping %s",
		config_key_name(k), sub ? "." : "", sub ? sub : "", nflogd_val(a),
		nflogd_val(b), nflogd_val(a));
	return 1;
}

/*
 * SIGHUP: read the file and local.kb again. A bad file (or local.kb) is
 * reported with file:line and nothing changes. log-level and local.kb apply
 * at once (the kb through clsswap.h: lock-free for the capture threads);
 * every other change is named as needing a restart and the running value
 * is kept.
 */
static void nflogd_reload(const struct nflogd_opts *o, struct nflogd_live *live)
{
	static const char *const corr_names[] = {
		"window_s", "close_s", "update_s", "scan_ports", "sweep_hosts", "decoy_sources",
		"trace_probes", "smurf_sources", "fraggle_packets", "noise_packets",
		"heartbeat_sources", "ipid_sources", "ttl_jump", "max_sources",
	};
	char err[CONFIG_VALUE_MAX + 512];
	const struct config_item *it;
	struct config *cfg = NULL;
	const char *kb_path = o->local_kb;
	struct kb *kb = NULL;
	int rc, level = o->log_level, restart = 0;
	unsigned k;
	size_t i;

	rc = config_load(o->config_path, &cfg, err, sizeof(err));
	if (rc < 0 && !(rc == -ENOENT && !o->config_given)) {
		log_msg(LOG_ERR, "reload: %s; keeping the old settings", err);
		__atomic_add_fetch(&live->stats.reload_errors, 1, __ATOMIC_RELAXED);
		return;
	}
	/* local.kb: the command line's, else the file's, else the default. */
	if (!(o->cli_keys & (1u << CONFIG_LOCAL_KB)))
		kb_path = (it = config_find(cfg, CONFIG_LOCAL_KB, NULL)) ? it->value : NFLOGD_LOCAL_KB;
	/* No access(): the filter does not allow it. A missing default file
	 * is no local.kb, as at start. */
	kb = kb_load(kb_path, err, sizeof(err));
	if (!kb && !(errno == ENOENT && strcmp(kb_path, NFLOGD_LOCAL_KB) == 0)) {
		log_msg(LOG_ERR, "reload: local kb: %s; keeping the old settings", err);
		__atomic_add_fetch(&live->stats.reload_errors, 1, __ATOMIC_RELAXED);
		config_free(cfg);
		return;
	}
	for (k = 0; k < __CONFIG_KEY_MAX; k++)
		if (!config_key_reloadable((enum config_key)k) && k != CONFIG_CORR &&
		    k != CONFIG_LOCAL_KB)
			restart += nflogd_restart_note(o, live->cfg, cfg, (enum config_key)k, NULL);
	for (i = 0; i < sizeof(corr_names) / sizeof(corr_names[0]); i++)
		restart += nflogd_restart_note(o, live->cfg, cfg, CONFIG_CORR, corr_names[i]);
	if (kb_stamp(kb ? kb : kb_builtin()) == live->kb_stamp) {
		kb_free(kb);
	} else if (nflogd_swap_kb(live, kb) < 0) {
		log_msg(LOG_WARNING, "reload: local kb %s not applied: the previous one is still "
			"in use (out of memory, or a capture thread is stuck); reload again",
			kb_path);
		restart++;
	} else {
		log_msg(LOG_INFO, "reload: local kb %s applied to the packets from now on",
			kb_path);
	}
	if (!(o->cli_keys & (1u << CONFIG_LOG_LEVEL)) &&
	    (it = config_find(cfg, CONFIG_LOG_LEVEL, NULL)) != NULL)
		level = config_log_level(it->value);
	setlogmask(LOG_UPTO(level));
	if (live->cfg != o->cfg)
		config_free(live->cfg);
	live->cfg = cfg;
	__atomic_add_fetch(&live->stats.reloads, 1, __ATOMIC_RELAXED);
	log_msg(LOG_INFO, "reload: %s read, log level %d, %d setting%s need%s a restart",
		cfg ? o->config_path : "no settings file", level, restart,
		restart == 1 ? "" : "s", restart == 1 ? "s" : "");
}

int main(int argc, char **argv)
{
	static struct nflogd_opts o;
	static struct worker *workers[RING_SEG_MAX];
	struct kb *local = NULL;
	struct classify *cls = NULL;
	struct corrthread *corr = NULL;
	struct ring_reader *rr;
	static int stop;
	static struct nflogd_live live;
	struct metrics *metrics = NULL;
	int mfd = -1;
	struct ring_open_opts ro = { 0 };
	struct sandbox_user user;
	struct signalfd_siginfo si;
	struct pollfd pfd;
	struct ring *ring;
	char err[512], moved[PATH_MAX + 64], groups[1024];
	sigset_t sigs;
	const char *env;
	size_t i, started = 0;
	int rc = 1, ticks = 0;
	gid_t ring_gid;

	if (nflogd_parse(argc, argv, &o) < 0)
		return 1;
	env = getenv(NFLOGD_SELFTEST_ENV);	/* read once, here */
	o.selftest = env && strcmp(env, "1") == 0;
	setlogmask(LOG_UPTO(o.log_level));
	live.cfg = o.cfg;
	notify_send("STATUS=starting");	/* reads $NOTIFY_SOCKET while single-threaded */
	if (nflogd_ids(&o, &user, &ring_gid) < 0)
		return 1;

	/* The default local.kb is optional; one named on the command line is not. */
	if (o.local_kb_given || access(o.local_kb, F_OK) == 0) {
		local = kb_load(o.local_kb, err, sizeof(err));
		if (!local) {
			log_msg(LOG_ERR, "local kb: %s", err);
			return 1;
		}
	}
	cls = classify_new(local ? local : kb_builtin());
	live.cls = cls;
	live.kb = live.kb0 = local;
	if (!cls) {
		log_msg(LOG_ERR, "cannot prepare the classifier: %s", strerror(errno));
		kb_free(local);
		return 1;
	}

	nflogd_mkdir_default(o.ring_path, ring_gid);
	ro.path = o.ring_path;
	ro.size = o.ring_size;
	ro.nsegs = (uint32_t)o.ngroups + 1;	/* the last one takes alerts */
	ro.moved_to = moved;
	ro.moved_to_len = sizeof(moved);
	ro.set_group = 1;
	ro.gid = ring_gid;
	ro.check_dir = 1;
	ring = ring_open(&ro, err, sizeof(err));
	if (!ring) {
		log_msg(LOG_ERR, "ring: %s", err);
		classify_free(cls);
		kb_free(local);
		return 1;
	}
	live.kb_stamp = kb_stamp(local ? local : kb_builtin());
	live.ring = ring;
	ring_set_kb_stamp(ring, live.kb_stamp);
	if (moved[0])
		log_msg(LOG_WARNING, "ring %s was incompatible; moved it to %s and started "
			"a new one", o.ring_path, moved);

	for (i = 0; i < o.ngroups; i++) {
		struct capture *cap;

		o.cap.group = o.groups[i];
		cap = capture_open(&o.cap, err, sizeof(err));
		if (!cap) {
			log_msg(LOG_ERR, "%s", err);
			goto out;
		}
		workers[i] = worker_new(cap, ring, (uint32_t)i, o.cpus[i], cls, &stop);
		if (!workers[i]) {
			capture_close(cap);
			log_msg(LOG_ERR, "out of memory");
			goto out;
		}
		worker_set_swap(workers[i], &live.swap, (uint32_t)i);
	}
	clsswap_init(&live.swap, cls, (uint32_t)o.ngroups);
	nflogd_ifaces(ring);
	/* The correlator reads the file like any reader; open it while the
	 * file is still ours to open. */
	rr = ringread_open(o.ring_path, err, sizeof(err));
	corr = rr ? corrthread_new(ring, rr, &o.corr, local ? local : kb_builtin(),
				   ring_epoch(ring) << 24, &stop) : NULL;
	if (!corr) {
		log_msg(LOG_ERR, "correlator: %s", rr ? strerror(errno) : err);
		goto out;
	}

	/* The endpoint: bound now (a port below 1024 would need privilege),
	 * served by its own thread with its own read-only mapping. */
	if (o.metrics_listen) {
		struct ring_reader *mrr;

		mfd = metrics_listen(o.metrics_listen, err, sizeof(err));
		if (mfd < 0) {
			log_msg(LOG_ERR, "%s", err);
			goto out;
		}
		mrr = ringread_open(o.ring_path, err, sizeof(err));
		metrics = mrr ? metrics_new(mfd, mrr, &live.stats, &stop) : NULL;
		if (!metrics) {
			log_msg(LOG_ERR, "metrics: %s", mrr ? strerror(errno) : err);
			ringread_close(mrr);
			goto out;
		}
		mfd = -1;	/* the endpoint's now */
	}

	/* Still privileged: daemon() forks (the filter allows no fork), and the
	 * pidfile may be in a directory only root can write. */
	if (o.daemonize) {
		if (daemon(0, 0) < 0) {
			log_msg(LOG_ERR, "daemon: %s", strerror(errno));
			goto out;
		}
		log_to_syslog("nflogd");
	}
	if (o.pidfile && nflogd_write_pidfile(o.pidfile) < 0)
		goto out;

	/* Blocked before any thread starts, so only signalfd sees them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	pfd.fd = signalfd(-1, &sigs, SFD_CLOEXEC);
	pfd.events = POLLIN;
	if (pfd.fd < 0) {
		log_msg(LOG_ERR, "signalfd: %s", strerror(errno));
		goto out;
	}
	if (nflogd_sandbox(&o, &user) < 0)
		goto out;
	for (i = 0; i < o.ngroups; i++, started++) {
		int e = worker_start(workers[i]);

		if (e < 0) {
			log_msg(LOG_ERR, "cannot start thread for group %u: %s", o.groups[i],
				strerror(-e));
			goto out;
		}
	}
	if (corrthread_start(corr) < 0) {
		log_msg(LOG_ERR, "cannot start the correlator thread");
		goto out;
	}
	if (metrics && (rc = metrics_start(metrics)) < 0) {
		log_msg(LOG_ERR, "cannot start the metrics thread: %s", strerror(-rc));
		rc = 1;
		goto out;
	}
	nflogd_groups_str(&o, groups, sizeof(groups));
	log_msg(LOG_INFO, "ready: groups %s, ring %s%s%s", groups, o.ring_path,
		o.metrics_listen ? ", metrics on " : "",
		o.metrics_listen ? o.metrics_listen : "");
	notify_send("READY=1");

	for (;;) {
		int n = poll(&pfd, 1, NFLOGD_TICK_MS);

		if (n < 0 && errno != EINTR) {
			log_msg(LOG_ERR, "poll: %s", strerror(errno));
			break;
		}
		if (n > 0 && read(pfd.fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
				log_msg(LOG_INFO, "signal %u: stopping", si.ssi_signo);
				rc = 0;
				break;
			}
			if (si.ssi_signo == SIGHUP)
				nflogd_reload(&o, &live);
			continue;
		}
		nflogd_ifaces(ring);
		nflogd_reap(&live, 0);
		if (++ticks % NFLOGD_SYNC_TICKS == 0)
			ring_sync(ring);
	}
out:
	notify_send("STOPPING=1");
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	metrics_join(metrics);
	if (mfd >= 0)
		close(mfd);
	for (i = 0; i < o.ngroups; i++) {
		if (i < started)
			worker_join(workers[i]);
		else
			worker_free(workers[i]);
	}
	corrthread_join(corr);	/* after the workers: it takes their last records */
	ring_close(ring);
	nflogd_reap(&live, 1);	/* every thread has been joined */
	classify_free(live.cls);
	if (live.kb != live.kb0)
		kb_free(live.kb);
	kb_free(live.kb0);
	if (live.cfg != o.cfg)
		config_free(live.cfg);
	config_free(o.cfg);
	/* As the service user now: this works when the pidfile's directory
	 * is the user's (e.g. /run/nflogd); otherwise say so. */
	if (o.pidfile && rc == 0 && unlink(o.pidfile) < 0)
		log_msg(LOG_WARNING, "cannot remove pidfile %s: %s", o.pidfile, strerror(errno));
	return rc;
}
