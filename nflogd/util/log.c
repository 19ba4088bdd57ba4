/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.c - daemon messages: stderr in the foreground, syslog once detached.
 * Only the daemon's main and worker threads log; library modules return
 * errors instead. Set once before threads start, read-only afterwards. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "util/log.h"

static bool log_syslog;
static bool log_journal;	/* stderr is systemd's journal stream */

/* Under systemd stderr is a stream into the journal, which already names
 * the unit and its program: there a line carries its priority as a "<N>"
 * prefix (sd-daemon(3)) instead of "nflogd: ". $JOURNAL_STREAM says which
 * stream the journal holds (device:inode), so a redirected stderr is not
 * mistaken for it. */
void log_detect_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char tail;

	log_journal = env && sscanf(env, "%llu:%llu%c", &dev, &ino, &tail) == 2 &&
		      fstat(2, &st) == 0 && (unsigned long long)st.st_dev == dev &&
		      (unsigned long long)st.st_ino == ino;
}

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
		if (log_journal)
			fprintf(stderr, "<%d>", prio & LOG_PRIMASK);
		else
			fputs("nflogd: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		funlockfile(stderr);
	}
	va_end(ap);
}
