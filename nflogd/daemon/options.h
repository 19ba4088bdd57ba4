/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options.h - the daemon's settings: defaults, then the settings file, then the command line. */
#ifndef NFLOGD_OPTIONS_H
#define NFLOGD_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"
#include "correlate/correlate.h"
#include "daemon/config.h"
#include "ring/ring.h"

#define NFLOGD_RING_DIR		"/var/lib/nflogd"
#define NFLOGD_RING_DEFAULT	NFLOGD_RING_DIR "/drops.ring"
#define NFLOGD_LOCAL_KB		"/etc/nflogd/local.kb"

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
	int			 selftest;	/* NFLOGD_SECCOMP_SELFTEST=1 (set by the caller) */
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

/*
 * options_parse - fill o (zeroed) from the defaults, the settings file
 * (--config, else CONFIG_DEFAULT_PATH when present) and argv over it, the
 * command line winning. --help and --version print to stdout and exit(0).
 * 0, or -1 once the reason is logged. Strings in o point into argv or o->cfg,
 * which the caller frees with config_free().
 */
int options_parse(int argc, char **argv, struct nflogd_opts *o);

#endif
