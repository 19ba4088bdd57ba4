/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nflogd.c - the daemon: start-up order, signal loop, shutdown.
 *
 * Start-up acquires everything that needs privilege first (the ring file,
 * every NFLOG group, the pidfile), then drops to the service user, clears
 * every capability and installs the seccomp filter (sandbox.h,
 * doc/SECURITY.md), and only then starts one capture thread per group and
 * the correlator. Any start-up problem is fatal and says why; at run time
 * nothing is. The command line and the settings file are options.h's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "classify/classify.h"
#include "daemon/localtab.h"
#include "daemon/config.h"
#include "correlate/corrthread.h"
#include "classify/kb.h"
#include "util/log.h"
#include "util/qswap.h"
#include "daemon/metrics.h"
#include "daemon/notify.h"
#include "daemon/options.h"
#include "ring/ring.h"
#include "ring/ringread.h"
#include "daemon/sandbox.h"
#include "daemon/worker.h"

#define NFLOGD_TICK_MS		1000		/* ms between housekeeping rounds */
#define NFLOGD_SYNC_TICKS	5		/* rounds between ring write-backs */
#define NFLOGD_SELFTEST_ENV	"NFLOGD_SECCOMP_SELFTEST"	/* test hook, SECURITY.md */

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

/* 1 when u may remove entries of the directory st describes (no sticky bit). */
static int nflogd_dir_writable(const struct stat *st, const struct sandbox_user *u)
{
	if (st->st_mode & S_ISVTX)
		return st->st_uid == u->uid && (st->st_mode & S_IWUSR);
	return (st->st_uid == u->uid && (st->st_mode & S_IWUSR)) ||
	       (st->st_gid == u->gid && (st->st_mode & S_IWGRP)) || (st->st_mode & S_IWOTH);
}

/*
 * The pidfile is removed at exit by the service user, so its directory must
 * be one the user may write. A missing last component (/run/nflogd) is made
 * here, 0755 and the user's: opened with O_NOFOLLOW before the fchown(), so a
 * link planted in between is not followed. A directory the user cannot write
 * is said now, with the fix, not only when the removal fails at exit.
 */
static void nflogd_pidfile_dir(const char *path, const struct sandbox_user *u)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;
	int fd;

	if (!slash || slash == path || (size_t)(slash - path) >= sizeof(dir))
		return;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (mkdir(dir, 0755) == 0) {
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fchown(fd, u->uid, u->gid) < 0)
			log_msg(LOG_WARNING, "cannot give %s to %s: %s", dir, u->name,
				strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (stat(dir, &st) == 0 && !nflogd_dir_writable(&st, u))
		log_msg(LOG_WARNING, "pidfile %s: %s cannot remove it at exit (%s is not "
			"writable by it); give it a directory of its own, such as "
			"/run/nflogd/nflogd.pid", path, u->name, dir);
}

static int nflogd_write_pidfile(const char *path, const struct sandbox_user *u)
{
	FILE *f;

	nflogd_pidfile_dir(path, u);
	f = fopen(path, "we");

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
	struct qswap		 swap;		/* what the capture threads read */
	struct ring		*ring;
	struct classify		*cls;		/* current: published in swap */
	struct kb		*kb;		/* its local kb (NULL: built-in only) */
	struct kb		*kb0;		/* the start's: the correlator keeps it */
	struct classify		*old_cls;	/* replaced, freed once every thread */
	struct kb		*old_kb;	/* has passed old_epoch */
	uint64_t		 old_epoch;
};

/* Free what a reload replaced once no capture thread can still use it
 * (qswap.h); called every tick, never waits. */
static void nflogd_reap(struct nflogd_live *live, int force)
{
	if (!live->old_cls || (!force && !qswap_passed(&live->swap, live->old_epoch)))
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
	live->old_epoch = qswap_publish(&live->swap, c);
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
 * at once (the kb through qswap.h: lock-free for the capture threads);
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
/* Everything start-up acquires and nflogd_shutdown() releases. main() keeps
 * it static: the threads hold pointers into it (stop, live.swap). */
struct nflogd_run {
	struct nflogd_live	 live;
	struct sandbox_user	 user;		/* who to become */
	gid_t			 ring_gid;	/* who may read the ring */
	struct ring		*ring;
	struct worker		*workers[RING_SEG_MAX];
	size_t			 started;	/* workers running: joined; the rest freed */
	struct localtab		*local;		/* the host's addresses, or NULL */
	struct corrthread	*corr;
	struct metrics		*metrics;
	int			 mfd;		/* metrics socket not yet the endpoint's, or -1 */
	int			 sigfd;		/* SIGTERM, SIGINT and SIGHUP, or -1 */
	int			 stop;		/* set once: every thread returns */
};

/* The classifier the capture threads start with. The default local.kb is
 * optional; one named on the command line is not. */
static int nflogd_classifier(const struct nflogd_opts *o, struct nflogd_live *live)
{
	struct kb *local = NULL;
	char err[512];

	if (o->local_kb_given || access(o->local_kb, F_OK) == 0) {
		local = kb_load(o->local_kb, err, sizeof(err));
		if (!local) {
			log_msg(LOG_ERR, "local kb: %s", err);
			return -1;
		}
	}
	live->cls = classify_new(local ? local : kb_builtin());
	live->kb = live->kb0 = local;
	if (!live->cls) {
		log_msg(LOG_ERR, "cannot prepare the classifier: %s", strerror(errno));
		kb_free(local);
		return -1;
	}
	return 0;
}

/* Each segment holds a power of two of records, so the file is usually
 * smaller than --ring-size (4M with one group: 2.1 MB); say so, once, with
 * what it holds instead. The arithmetic is ring_create()'s. */
static void nflogd_ring_size_note(const struct nflogd_opts *o, const struct ring *ring)
{
	uint64_t nsegs = (uint64_t)o->ngroups + 1, slots = ring_slots(ring);
	uint64_t size = RING_HDR_SIZE + nsegs * RING_SEGHDR_SIZE + nsegs * slots * RING_REC_SIZE;

	if (size != o->ring_size)
		log_msg(LOG_NOTICE, "ring-size %llu rounded down to %llu bytes (%.1f MiB): "
			"%llu segments of %llu records each, a power of two",
			(unsigned long long)o->ring_size, (unsigned long long)size,
			(double)size / (1u << 20), (unsigned long long)nsegs,
			(unsigned long long)slots);
}

/* The ring file, readable by the ring's group: one segment per group, and
 * one more that takes alerts. Frees the classifier when it fails. */
static int nflogd_ring_open(const struct nflogd_opts *o, struct nflogd_run *run)
{
	struct nflogd_live *live = &run->live;
	struct ring_open_opts ro = { 0 };
	char err[512], moved[PATH_MAX + 64];

	nflogd_mkdir_default(o->ring_path, run->ring_gid);
	ro.path = o->ring_path;
	ro.size = o->ring_size;
	ro.nsegs = (uint32_t)o->ngroups + 1;	/* the last one takes alerts */
	ro.moved_to = moved;
	ro.moved_to_len = sizeof(moved);
	ro.set_group = 1;
	ro.gid = run->ring_gid;
	ro.check_dir = 1;
	run->ring = ring_open(&ro, err, sizeof(err));
	if (!run->ring) {
		log_msg(LOG_ERR, "ring: %s", err);
		classify_free(live->cls);
		kb_free(live->kb0);
		return -1;
	}
	live->kb_stamp = kb_stamp(live->kb0 ? live->kb0 : kb_builtin());
	live->ring = run->ring;
	ring_set_kb_stamp(run->ring, live->kb_stamp);
	if (moved[0])
		log_msg(LOG_WARNING, "ring %s was incompatible; moved it to %s and started "
			"a new one", o->ring_path, moved);
	nflogd_ring_size_note(o, run->ring);
	return 0;
}

/* One NFLOG socket and one capture thread (not started yet) per group. */
static int nflogd_captures(struct nflogd_opts *o, struct nflogd_run *run)
{
	char err[512];
	size_t i;

	/* Without it nothing is called own, local or a directed broadcast;
	 * the rest of the classification stands. */
	run->local = localtab_open((uint32_t)o->ngroups, err, sizeof(err));
	if (!run->local)
		log_msg(LOG_WARNING, "%s; classifying without the host's addresses", err);
	for (i = 0; i < o->ngroups; i++) {
		struct capture *cap;

		o->cap.group = o->groups[i];
		cap = capture_open(&o->cap, err, sizeof(err));
		if (!cap) {
			log_msg(LOG_ERR, "%s", err);
			return -1;
		}
		run->workers[i] = worker_new(cap, run->ring, (uint32_t)i, o->cpus[i],
					     run->live.cls, &run->stop);
		if (!run->workers[i]) {
			capture_close(cap);
			log_msg(LOG_ERR, "out of memory");
			return -1;
		}
		worker_set_swap(run->workers[i], &run->live.swap,
				run->local ? localtab_swap(run->local) : NULL, (uint32_t)i);
	}
	qswap_init(&run->live.swap, run->live.cls, (uint32_t)o->ngroups);
	nflogd_ifaces(run->ring);
	return 0;
}

/* The correlator reads the file like any reader; open it while the
 * file is still ours to open. */
static int nflogd_correlator(const struct nflogd_opts *o, struct nflogd_run *run)
{
	const struct kb *kb = run->live.kb0 ? run->live.kb0 : kb_builtin();
	struct ring_reader *rr;
	char err[512];

	rr = ringread_open(o->ring_path, err, sizeof(err));
	run->corr = rr ? corrthread_new(run->ring, rr, &o->corr, kb,
					ring_epoch(run->ring) << 24, &run->stop) : NULL;
	if (!run->corr) {
		log_msg(LOG_ERR, "correlator: %s", rr ? strerror(errno) : err);
		return -1;
	}
	return 0;
}

/* The endpoint, when asked for: bound now (a port below 1024 would need
 * privilege), served by its own thread with its own read-only mapping. */
static int nflogd_metrics_open(const struct nflogd_opts *o, struct nflogd_run *run)
{
	struct ring_reader *mrr;
	char err[512];

	if (!o->metrics_listen)
		return 0;
	run->mfd = metrics_listen(o->metrics_listen, err, sizeof(err));
	if (run->mfd < 0) {
		log_msg(LOG_ERR, "%s", err);
		return -1;
	}
	mrr = ringread_open(o->ring_path, err, sizeof(err));
	/* The kb the correlator keeps: it lives as long as the daemon (a
	 * reload's new rows show as category "other" until the restart). */
	run->metrics = mrr ? metrics_new(run->mfd, mrr, o->ring_path,
					 run->live.kb0 ? run->live.kb0 : kb_builtin(),
					 &run->live.stats, &run->stop) : NULL;
	if (!run->metrics) {
		log_msg(LOG_ERR, "metrics: %s", mrr ? strerror(errno) : err);
		ringread_close(mrr);
		return -1;
	}
	run->mfd = -1;	/* the endpoint's now */
	return 0;
}

/* Still privileged: daemon() forks (the filter allows no fork), and the
 * pidfile may be in a directory only root can write. */
static int nflogd_detach(const struct nflogd_opts *o, const struct sandbox_user *u)
{
	if (o->daemonize) {
		if (daemon(0, 0) < 0) {
			log_msg(LOG_ERR, "daemon: %s", strerror(errno));
			return -1;
		}
		log_to_syslog("nflogd");
	}
	if (o->pidfile && nflogd_write_pidfile(o->pidfile, u) < 0)
		return -1;
	return 0;
}

/* Every page of the ring mapped writable before capture starts, so that a
 * record slot never costs the packet path a page fault (issue 16). After
 * daemon(): a forked child does not inherit the page tables of a shared
 * file mapping. Before the filter, which is not asked to allow it. */
static void nflogd_ring_populate(struct nflogd_run *run)
{
	struct timespec t0, t1;
	long long us;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = ring_populate(run->ring, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (long long)(t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000;
	if (rc < 0)
		log_msg(LOG_WARNING, "ring: cannot populate the mapping (%s); record slots "
			"fault in as they are first written", strerror(-rc));
	else
		log_msg(LOG_INFO, "ring: %zu MiB mapped writable by %s in %lld.%03lld ms",
			ring_map_len(run->ring) >> 20,
			rc == RING_POP_MADVISE ? "MADV_POPULATE_WRITE" : "a write per page",
			us / 1000, us % 1000);
}

/* Blocked before any thread starts, so only signalfd sees them. */
static int nflogd_signals_block(struct nflogd_run *run)
{
	sigset_t sigs;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	run->sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (run->sigfd < 0) {
		log_msg(LOG_ERR, "signalfd: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Under the filter from here on: the capture threads, the correlator and
 * the metrics endpoint. */
static int nflogd_threads_start(const struct nflogd_opts *o, struct nflogd_run *run)
{
	size_t i;
	int e;

	for (i = 0; i < o->ngroups; i++, run->started++) {
		e = worker_start(run->workers[i]);
		if (e < 0) {
			log_msg(LOG_ERR, "cannot start thread for group %u: %s", o->groups[i],
				strerror(-e));
			return -1;
		}
	}
	if (corrthread_start(run->corr) < 0) {
		log_msg(LOG_ERR, "cannot start the correlator thread");
		return -1;
	}
	if (run->metrics && (e = metrics_start(run->metrics)) < 0) {
		log_msg(LOG_ERR, "cannot start the metrics thread: %s", strerror(-e));
		return -1;
	}
	return 0;
}

/* Start-up from the open ring on: every step that needs privilege, then the
 * drop and the filter, then the threads, then READY=1. On failure the caller
 * still runs nflogd_shutdown(), which releases what was acquired. */
static int nflogd_start(struct nflogd_opts *o, struct nflogd_run *run)
{
	char groups[1024], status[1536];

	if (nflogd_captures(o, run) < 0 || nflogd_correlator(o, run) < 0 ||
	    nflogd_metrics_open(o, run) < 0 || nflogd_detach(o, &run->user) < 0)
		return -1;
	nflogd_ring_populate(run);
	if (nflogd_signals_block(run) < 0 || nflogd_sandbox(o, &run->user) < 0 ||
	    nflogd_threads_start(o, run) < 0)
		return -1;
	nflogd_groups_str(o, groups, sizeof(groups));
	log_msg(LOG_INFO, "ready: groups %s, ring %s%s%s", groups, o->ring_path,
		o->metrics_listen ? ", metrics on " : "",
		o->metrics_listen ? o->metrics_listen : "");
	/* What `systemctl status` shows from now on: STATUS=starting is stale. */
	snprintf(status, sizeof(status), "READY=1\nSTATUS=capturing groups %s into %s", groups,
		 o->ring_path);
	notify_send(status);
	return 0;
}

/* Take address changes and show the table's counts on /metrics. */
static void nflogd_local_update(struct nflogd_run *run)
{
	struct metrics_stats *st = &run->live.stats;
	struct localtab_counts c;

	localtab_update(run->local);
	localtab_counts(run->local, &c);
	__atomic_store_n(&st->local_addrs, c.addrs, __ATOMIC_RELAXED);
	__atomic_store_n(&st->local_redumps, c.redumps, __ATOMIC_RELAXED);
	__atomic_store_n(&st->local_bad_msgs, c.bad_msgs, __ATOMIC_RELAXED);
	__atomic_store_n(&st->local_overflow, c.overflow, __ATOMIC_RELAXED);
}

static uint64_t nflogd_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* vDSO */
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Until SIGTERM or SIGINT (exit status 0). SIGHUP reloads; an address
 * change is published at once; once a second, however busy the two
 * sockets are, a tick refreshes the interface names, frees what a reload
 * replaced and, every few ticks, writes the ring back. */
static int nflogd_signal_loop(const struct nflogd_opts *o, struct nflogd_run *run)
{
	struct pollfd pfd[2] = { { .fd = run->sigfd, .events = POLLIN },
				 { .fd = run->local ? localtab_fd(run->local) : -1,
				   .events = POLLIN } };
	uint64_t now, next = nflogd_mono_ms() + NFLOGD_TICK_MS;
	struct signalfd_siginfo si;
	int ticks = 0;

	if (run->local)
		nflogd_local_update(run);
	for (;;) {
		int n;

		now = nflogd_mono_ms();
		n = poll(pfd, 2, now >= next ? 0 : (int)(next - now));
		if (n < 0 && errno != EINTR) {
			log_msg(LOG_ERR, "poll: %s", strerror(errno));
			return 1;	/* a failure, metrics endpoint or not */
		}
		if (n > 0 && pfd[1].revents)
			nflogd_local_update(run);
		if (n > 0 && (pfd[0].revents & POLLIN) &&
		    read(pfd[0].fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
				log_msg(LOG_INFO, "signal %u: stopping", si.ssi_signo);
				return 0;
			}
			if (si.ssi_signo == SIGHUP)
				nflogd_reload(o, &run->live);
		}
		if (nflogd_mono_ms() < next)
			continue;
		next = nflogd_mono_ms() + NFLOGD_TICK_MS;
		nflogd_ifaces(run->ring);
		nflogd_reap(&run->live, 0);
		if (run->local)
			nflogd_local_update(run);
		if (++ticks % NFLOGD_SYNC_TICKS == 0)
			ring_sync(run->ring);
	}
}

/* Stop and join every thread, free what start-up made and, after a clean
 * stop (rc 0), remove the pidfile. Returns rc. */
static int nflogd_shutdown(const struct nflogd_opts *o, struct nflogd_run *run, int rc)
{
	struct nflogd_live *live = &run->live;
	size_t i;

	notify_send("STOPPING=1");
	__atomic_store_n(&run->stop, 1, __ATOMIC_RELAXED);
	metrics_join(run->metrics);
	if (run->mfd >= 0)
		close(run->mfd);
	for (i = 0; i < o->ngroups; i++) {
		if (i < run->started)
			worker_join(run->workers[i]);
		else
			worker_free(run->workers[i]);
	}
	corrthread_join(run->corr);	/* after the workers: it takes their last records */
	localtab_close(run->local);	/* after the workers: they read it */
	ring_close(run->ring);
	nflogd_reap(live, 1);	/* every thread has been joined */
	classify_free(live->cls);
	if (live->kb != live->kb0)
		kb_free(live->kb);
	kb_free(live->kb0);
	if (live->cfg != o->cfg)
		config_free(live->cfg);
	config_free(o->cfg);
	/* As the service user now: this works when the pidfile's directory
	 * is the user's (e.g. /run/nflogd); otherwise say so. */
	if (o->pidfile && rc == 0 && unlink(o->pidfile) < 0)
		log_msg(LOG_WARNING, "cannot remove pidfile %s: %s", o->pidfile, strerror(errno));
	return rc;
}

int main(int argc, char **argv)
{
	static struct nflogd_opts o;
	static struct nflogd_run run = { .mfd = -1, .sigfd = -1 };
	const char *env;
	int rc = 1;

	log_detect_journal();	/* before the first message: options_parse may have one */
	if (options_parse(argc, argv, &o) < 0)
		return 1;
	env = getenv(NFLOGD_SELFTEST_ENV);	/* read once, here */
	o.selftest = env && strcmp(env, "1") == 0;
	setlogmask(LOG_UPTO(o.log_level));
	run.live.cfg = o.cfg;
	notify_send("STATUS=starting");	/* reads $NOTIFY_SOCKET while single-threaded */
	/* Until the ring is open no thread exists and a failure just exits. */
	if (nflogd_ids(&o, &run.user, &run.ring_gid) < 0 ||
	    nflogd_classifier(&o, &run.live) < 0 || nflogd_ring_open(&o, &run) < 0)
		return 1;
	if (nflogd_start(&o, &run) == 0)
		rc = nflogd_signal_loop(&o, &run);
	return nflogd_shutdown(&o, &run, rc);
}
