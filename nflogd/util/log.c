/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.c - daemon messages: stderr in the foreground, syslog once detached.
 * Only the daemon's main and worker threads log; library modules return
 * errors instead. Set once before threads start, read-only afterwards. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "util/log.h"

static bool log_syslog;

void log_to_syslog(const char *ident)
{
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_syslog = true;
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		flockfile(stderr);
		fputs("nflogd: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		funlockfile(stderr);
	}
	va_end(ap);
}
