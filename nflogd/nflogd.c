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

#include "capture.h"
#include "classify.h"
#include "corrthread.h"
#include "kb.h"
#include "log.h"
#include "opts.h"
#include "ring.h"
#include "ringread.h"
#include "sandbox.h"
#include "worker.h"

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
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: nflogd [-dhV] [-g LIST | --per-cpu BASE] [--ring PATH] [--ring-size BYTES]\n"
"              [--copy-range BYTES] [--qthreshold N] [--flush-timeout CS]\n"
"              [--nlbufsiz BYTES] [--rcvbuf BYTES] [--user USER] [--ring-group GROUP]\n"
"              [--no-sandbox] [--pidfile PATH] [--local-kb PATH] [--corr KEY=VALUE]...\n"
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
"  -d, --daemon          detach and log to syslog\n",
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

/* --corr KEY=VALUE: one correlator threshold; times in seconds. */
static int nflogd_corr_set(struct corr_cfg *c, const char *arg)
{
	static const struct {
		const char *key;
		size_t	    off;
		int	    secs;	/* value in seconds, stored in ns */
	} keys[] = {
#define CORR_KEY(k, f, s) { k, offsetof(struct corr_cfg, f), s }
		CORR_KEY("window_s", window_ns, 1), CORR_KEY("close_s", close_ns, 1),
		CORR_KEY("update_s", update_ns, 1), CORR_KEY("scan_ports", scan_ports, 0),
		CORR_KEY("sweep_hosts", sweep_hosts, 0),
		CORR_KEY("decoy_sources", decoy_sources, 0),
		CORR_KEY("trace_probes", trace_probes, 0),
		CORR_KEY("smurf_sources", smurf_sources, 0),
		CORR_KEY("fraggle_packets", fraggle_packets, 0),
		CORR_KEY("noise_packets", noise_packets, 0),
		CORR_KEY("heartbeat_sources", heartbeat_sources, 0),
		CORR_KEY("ipid_sources", ipid_sources, 0), CORR_KEY("ttl_jump", ttl_jump, 0),
		CORR_KEY("max_sources", max_sources, 0),
#undef CORR_KEY
	};
	const char *eq = strchr(arg, '=');
	uint64_t v;
	size_t i;

	for (i = 0; eq && i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strlen(keys[i].key) != (size_t)(eq - arg) ||
		    strncmp(arg, keys[i].key, (size_t)(eq - arg)))
			continue;
		if (opts_uint(eq + 1, 1, keys[i].secs ? 86400 : 1u << 24, &v) < 0) {
			log_msg(LOG_ERR, "--corr %s: want a number 1..%u", arg,
				keys[i].secs ? 86400 : 1u << 24);
			return -1;
		}
		if (keys[i].secs)
			*(uint64_t *)(void *)((char *)c + keys[i].off) = v * 1000000000ull;
		else
			*(uint32_t *)(void *)((char *)c + keys[i].off) = (uint32_t)v;
		return 0;
	}
	log_msg(LOG_ERR, "--corr %s: unknown key (see doc/correlation.md)", arg);
	return -1;
}

static int nflogd_parse(int argc, char **argv, struct nflogd_opts *o)
{
	enum { O_PERCPU = 256, O_RING, O_RINGSIZE, O_COPY, O_QTH, O_TIMEOUT,
	       O_NLBUF, O_RCVBUF, O_USER, O_RINGGROUP, O_NOSANDBOX, O_PIDFILE, O_LOCALKB,
	       O_CORR };
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
		{ NULL, 0, NULL, 0 }
	};
	char err[256];
	uint64_t v;
	size_t i;
	int c, rc, have_groups = 0;

	o->ring_path = NFLOGD_RING_DEFAULT;
	o->local_kb = NFLOGD_LOCAL_KB;
	corr_cfg_default(&o->corr);
	o->ring_size = NFLOGD_RING_SIZE;
	o->cap = (struct capture_cfg){
		.copy_range = CAPTURE_COPY_RANGE, .qthresh = CAPTURE_QTHRESH,
		.timeout_cs = CAPTURE_TIMEOUT_CS, .nlbufsiz = CAPTURE_NLBUFSIZ,
		.rcvbuf = CAPTURE_RCVBUF,
	};
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":dg:hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->daemonize = 1;
			break;
		case 'g':
			if (have_groups++) {
				log_msg(LOG_ERR, "give -g or --per-cpu once");
				return -1;
			}
			if (opts_groups(optarg, o->groups, RING_SEG_MAX, &o->ngroups,
					err, sizeof(err)) < 0) {
				log_msg(LOG_ERR, "%s", err);
				return -1;
			}
			for (i = 0; i < o->ngroups; i++)
				o->cpus[i] = -1;
			break;
		case O_PERCPU:
			if (have_groups++) {
				log_msg(LOG_ERR, "give -g or --per-cpu once");
				return -1;
			}
			if (nflogd_per_cpu(o, optarg) < 0)
				return -1;
			break;
		case O_RING:
			if (!*optarg) {
				log_msg(LOG_ERR, "empty --ring path");
				return -1;
			}
			o->ring_path = optarg;
			break;
		case O_RINGSIZE:
			if ((rc = opts_size(optarg, 1, 1ull << 40, &o->ring_size)) < 0)
				return nflogd_bad("--ring-size", optarg, rc);
			break;
		case O_COPY:
			if ((rc = opts_uint(optarg, 1, CAPTURE_COPY_RANGE_MAX, &v)) < 0)
				return nflogd_bad("--copy-range", optarg, rc);
			o->cap.copy_range = (uint32_t)v;
			break;
		case O_QTH:
			if ((rc = opts_uint(optarg, 1, 1u << 20, &v)) < 0)
				return nflogd_bad("--qthreshold", optarg, rc);
			o->cap.qthresh = (uint32_t)v;
			break;
		case O_TIMEOUT:
			if ((rc = opts_uint(optarg, 0, 6000, &v)) < 0)
				return nflogd_bad("--flush-timeout", optarg, rc);
			o->cap.timeout_cs = (uint32_t)v;
			break;
		case O_NLBUF:
			if ((rc = opts_size(optarg, CAPTURE_NLBUFSIZ_MIN, CAPTURE_NLBUFSIZ_MAX, &v)) < 0)
				return nflogd_bad("--nlbufsiz", optarg, rc);
			o->cap.nlbufsiz = (uint32_t)v;
			break;
		case O_RCVBUF:
			if ((rc = opts_size(optarg, 1, INT_MAX / 2, &v)) < 0)
				return nflogd_bad("--rcvbuf", optarg, rc);
			o->cap.rcvbuf = (uint32_t)v;
			break;
		case O_USER:
			o->user = optarg;
			break;
		case O_RINGGROUP:
			o->ring_group = optarg;
			break;
		case O_NOSANDBOX:
			o->no_sandbox = 1;
			break;
		case O_PIDFILE:
			o->pidfile = optarg;
			break;
		case O_LOCALKB:
			o->local_kb = optarg;
			o->local_kb_given = 1;
			break;
		case O_CORR:
			if (nflogd_corr_set(&o->corr, optarg) < 0)
				return -1;
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
		default:
			log_msg(LOG_ERR, "unknown option '%s' (see nflogd --help)",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		log_msg(LOG_ERR, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (!have_groups) {
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
	if (rc == 1)
		log_msg(LOG_WARNING, "user %s does not exist (make install creates it); "
			"running as %s", SANDBOX_USER_DEFAULT, u->name);
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

int main(int argc, char **argv)
{
	static struct nflogd_opts o;
	static struct worker *workers[RING_SEG_MAX];
	struct kb *local = NULL;
	struct classify *cls = NULL;
	struct corrthread *corr = NULL;
	struct ring_reader *rr;
	static int stop;
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
	ring_set_kb_stamp(ring, kb_stamp(local ? local : kb_builtin()));
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
	}
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
	nflogd_groups_str(&o, groups, sizeof(groups));
	log_msg(LOG_INFO, "ready: groups %s, ring %s", groups, o.ring_path);

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
			continue;	/* SIGHUP: nothing to reload yet */
		}
		nflogd_ifaces(ring);
		if (++ticks % NFLOGD_SYNC_TICKS == 0)
			ring_sync(ring);
	}
out:
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < o.ngroups; i++) {
		if (i < started)
			worker_join(workers[i]);
		else
			worker_free(workers[i]);
	}
	corrthread_join(corr);	/* after the workers: it takes their last records */
	ring_close(ring);
	classify_free(cls);
	kb_free(local);
	/* As the service user now: this works when the pidfile's directory
	 * is the user's (e.g. /run/nflogd); otherwise say so. */
	if (o.pidfile && rc == 0 && unlink(o.pidfile) < 0)
		log_msg(LOG_WARNING, "cannot remove pidfile %s: %s", o.pidfile, strerror(errno));
	return rc;
}
