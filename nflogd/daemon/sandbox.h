/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sandbox.h - least privilege for the daemon (doc/SECURITY.md).
 *
 * The daemon acquires what needs privilege first (NFLOG groups, the ring
 * file), then calls, in this order and before its first thread starts:
 *
 *   sandbox_drop()     become the service user, clear every capability set
 *                      (bounding and ambient included), set no_new_privs
 *   sandbox_seccomp()  install the system-call allow-list (x86_64)
 *
 * Nothing here prints: every function returns 0 or -errno, with a one-line
 * reason in err.
 */
#ifndef NFLOGD_SANDBOX_H
#define NFLOGD_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

#define SANDBOX_USER_DEFAULT	"nflogd"	/* made by make install */
#define SANDBOX_USER_FALLBACK	"nobody"	/* when that one does not exist */

struct sandbox_user {
	uid_t	uid;
	gid_t	gid;		/* primary group: the daemon's only group */
	char	name[64];
};

/*
 * sandbox_user_lookup - resolve the user to drop to. Called before anything
 * else, while name services still work.
 *
 * name NULL means SANDBOX_USER_DEFAULT, and SANDBOX_USER_FALLBACK when that
 * does not exist. A name that is all digits is taken as a uid (its primary
 * group then comes from the password entry, or equals the uid without one).
 * A user with uid 0 is refused.
 *
 * Returns 0, 1 when it fell back (the caller should warn), or -errno with a
 * reason in err.
 */
int sandbox_user_lookup(const char *name, struct sandbox_user *u, char *err, size_t errlen);

/* sandbox_group_lookup - a group name, or a number taken as a gid as it is.
 * Returns 0 or -errno with a reason in err. */
int sandbox_group_lookup(const char *name, gid_t *gid, char *err, size_t errlen);

/*
 * sandbox_drop - drop every privilege, for good:
 *   - empty the capability bounding set and the ambient set (needs
 *     CAP_SETPCAP, so this comes first, while still root);
 *   - no supplementary groups, real = effective = saved gid = u->gid and
 *     uid = u->uid;
 *   - inheritable, permitted and effective capabilities all zero;
 *   - PR_SET_NO_NEW_PRIVS;
 * then checks each of these and that uid 0 cannot be regained.
 *
 * Must be called while the process has one thread: set*id() would otherwise
 * go through glibc's cross-thread signal broadcast. Already running as u
 * (started unprivileged with ambient capabilities) is accepted, as long as
 * the bounding set can still be cleared (CAP_SETPCAP).
 */
int sandbox_drop(const struct sandbox_user *u, char *err, size_t errlen);

/*
 * sandbox_seccomp - install the steady-state allow-list; anything else, a
 * foreign architecture or an x32 call kills the process (SIGSYS). Installed
 * with SECCOMP_FILTER_FLAG_TSYNC, so every thread that exists is covered,
 * and every thread created later inherits it. Requires no_new_privs
 * (sandbox_drop). With a sanitizer runtime in the process (ASan, LSan,
 * UBSan builds) the list is wider: see sandbox.c and doc/SECURITY.md.
 */
int sandbox_seccomp(char *err, size_t errlen);

/*
 * sandbox_selftest - the test hook: make one call the filter forbids
 * (socket(AF_INET, SOCK_DGRAM, 0)). Under the filter it does not return.
 * Returns -EPERM when the call was allowed (no filter in place).
 */
int sandbox_selftest(void);

#endif
