/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.h - daemon messages: stderr in the foreground, syslog once detached. */
#ifndef NFLOGD_LOG_H
#define NFLOGD_LOG_H

#include <syslog.h>

/* log_to_syslog - switch from stderr to syslog (after daemonising). */
void log_to_syslog(const char *ident);

/* log_detect_journal - whether stderr is systemd's journal stream ($JOURNAL_STREAM):
 * then lines carry a "<priority>" prefix and no program name. Call once, early. */
void log_detect_journal(void);

/* log_msg - one line at syslog priority prio (LOG_ERR, LOG_WARNING, LOG_INFO). */
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
