/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.h - /etc/nflogd/nflogd.conf: the daemon's long options as a file.
 *
 * One "key = value" per line; blank lines and lines whose first non-blank
 * character is '#' are ignored (no comment after a value: '#' may be part of
 * a path). Keys are the daemon's long options without the dashes (groups,
 * ring-size, ...); a correlator threshold is "corr.KEY = VALUE" (the
 * --corr KEY=VALUE of the command line). Each key at most once. Values are
 * checked here, with the ranges the command line uses, so that a mistake is
 * reported as "path:line: reason" before anything is applied.
 * doc/nflogd.conf.5 documents every key.
 *
 * Nothing here prints; functions return 0 or -errno with a reason in err.
 */
#ifndef NFLOGD_CONFIG_H
#define NFLOGD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "correlate/correlate.h"

#define CONFIG_DEFAULT_PATH	"/etc/nflogd/nflogd.conf"
#define CONFIG_MAX_BYTES	(64u << 10)	/* a larger file is refused */
#define CONFIG_LINE_MAX		1024		/* bytes per line, newline excluded */
#define CONFIG_VALUE_MAX	512		/* bytes per value */

enum config_key {
	CONFIG_GROUPS = 0,
	CONFIG_PER_CPU,
	CONFIG_RING,
	CONFIG_RING_SIZE,
	CONFIG_RING_GROUP,
	CONFIG_COPY_RANGE,
	CONFIG_QTHRESHOLD,
	CONFIG_FLUSH_TIMEOUT,
	CONFIG_NLBUFSIZ,
	CONFIG_RCVBUF,
	CONFIG_USER,
	CONFIG_PIDFILE,
	CONFIG_LOCAL_KB,
	CONFIG_CORR,		/* corr.KEY: sub names the threshold */
	CONFIG_METRICS_LISTEN,
	CONFIG_LOG_LEVEL,
	__CONFIG_KEY_MAX,
};

struct config_item {
	enum config_key	 key;
	const char	*sub;		/* CONFIG_CORR: the threshold's name; else NULL */
	const char	*value;
	unsigned	 line;
};

struct config {
	struct config_item	*items;	/* in file order */
	size_t			 n;
	char			*text;	/* owns the strings of items */
	char			 path[256];
};

/*
 * config_parse - parse len bytes of text (need not be NUL-terminated); path
 * only names the file in messages. Every key known, every value valid, no key
 * twice, or -EINVAL with "path:line: reason" in err. Free with config_free.
 */
int config_parse(const char *text, size_t len, const char *path, struct config **out,
		 char *err, size_t errlen);

/* config_load - read path (at most CONFIG_MAX_BYTES) and config_parse it.
 * -ENOENT (and the reason) when it does not exist. */
int config_load(const char *path, struct config **out, char *err, size_t errlen);

void config_free(struct config *c);

/* config_find - the item for key (and sub, for CONFIG_CORR), or NULL. */
const struct config_item *config_find(const struct config *c, enum config_key key,
				      const char *sub);

/* config_key_name - the key as written in the file ("ring-size"); "corr" for CONFIG_CORR. */
const char *config_key_name(enum config_key key);

/* config_key_lookup - the key of a name, or -ENOENT. For "corr.X" *sub is set to "X". */
int config_key_lookup(const char *name, const char **sub);

/* config_key_reloadable - whether SIGHUP applies a new value of key (today
 * log-level only); the others need a restart. */
bool config_key_reloadable(enum config_key key);

/*
 * config_check - validate one value of key (sub for CONFIG_CORR), as both the
 * file and the command line do. Numeric keys also give their value in *num
 * (may be NULL). 0, -EINVAL (bad syntax, unknown corr key) or -ERANGE, with
 * the reason (without file and line) in err.
 */
int config_check(enum config_key key, const char *sub, const char *value, uint64_t *num,
		 char *err, size_t errlen);

/* config_corr_set - set threshold name (window_s, scan_ports, ...) of c from
 * value; times are given in seconds. 0, -ENOENT (unknown name) or -EINVAL/-ERANGE. */
int config_corr_set(struct corr_cfg *c, const char *name, const char *value);

/* config_log_level - "err", "warning", "notice", "info" or "debug" to its
 * syslog priority, or -EINVAL. */
int config_log_level(const char *s);

/* config_listen - "127.0.0.1:PORT", "[::1]:PORT" (any numeric IPv4 or IPv6
 * address, port 1..65535) into *ss and *len. 0 or -EINVAL. */
int config_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len);

#endif
