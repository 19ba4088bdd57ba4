/* SPDX-License-Identifier: GPL-2.0-or-later */
/* notify.h - the systemd readiness protocol (sd_notify(3)) without libsystemd:
 * one datagram on the AF_UNIX socket named by $NOTIFY_SOCKET. */
#ifndef NFLOGD_NOTIFY_H
#define NFLOGD_NOTIFY_H

/*
 * notify_send - send state ("READY=1", "STOPPING=1", "RELOADING=1", ...) to
 * $NOTIFY_SOCKET. The variable is read on the first call and then unset, so
 * no child inherits it. A path or an abstract name ("@name") is accepted.
 * Returns 1 when sent, 0 when there is no socket to tell, or -errno.
 * Needs socket(AF_UNIX), sendto and close only: fits the seccomp filter.
 */
int notify_send(const char *state);

#endif
