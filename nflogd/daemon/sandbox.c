/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sandbox.c - privilege drop, capability sets, no_new_privs, seccomp allow-list.
 *
 * References: capabilities(7), prctl(2) (PR_CAPBSET_DROP, PR_CAP_AMBIENT,
 * PR_SET_NO_NEW_PRIVS), seccomp(2), Documentation/userspace-api/seccomp_filter.rst.
 * doc/SECURITY.md explains the threat model and each group of system calls.
 *
 * The filter is classic BPF written by hand (no libseccomp). It reads struct
 * seccomp_data, whose fields are in host byte order; on little-endian x86_64
 * the low 32 bits of argument i are at args[i] + 0:
 *
 *   +------+------+---------------------+----------------------------+
 *   | nr   | arch | instruction_pointer | args[0] ... args[5]        |
 *   | u32  | u32  | u64                 | u64 each                   |
 *   +------+------+---------------------+----------------------------+
 *
 * Program layout:
 *
 *   load arch;  arch != AUDIT_ARCH_X86_64            -> kill
 *   load nr;    nr >= __X32_SYSCALL_BIT (x32 ABI)    -> kill
 *   for each rule:  nr == rule.nr ? rule's verdict : next rule
 *   kill
 *
 * A rule's verdict is allow, an errno, or a check of one argument followed
 * by allow or kill; every rule block ends in a return, so a block that
 * loads an argument never falls through into the next comparison of nr.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "util/errbuf.h"
#include "daemon/sandbox.h"

/*
 * Sanitizer runtimes make system calls of their own that the daemon never
 * does. At exit LeakSanitizer clones a tracer task (clone without
 * CLONE_THREAD) that ptrace()s every thread, lists /proc/self/task
 * (getdents) and reads /proc/self/maps (open), while the daemon waits for
 * it (wait4) with PR_SET_DUMPABLE and PR_SET_PTRACER set around that; a
 * report checks whether stderr is a terminal (ioctl), probes descriptors
 * (fcntl) and may symbolise through /proc/self/exe. So when a sanitizer
 * runtime is in the process, sandbox_san_rules are added (sandbox_seccomp).
 *
 * It is detected at run time, by its common interface: GCC defines
 * __SANITIZE_ADDRESS__ for ASan but no macro at all for UBSan, whose
 * reports need ioctl and fcntl too. A release build has no such symbol, and
 * the weak reference below is then NULL.
 */
extern void __sanitizer_set_report_path(const char *path) __attribute__((weak));

/*
 * Debugging aid, compile time only: -DNFLOGD_SECCOMP_LOG makes a call
 * outside the list be logged by the kernel (audit type 1326 in dmesg)
 * instead of killing the process. This is how the list was measured
 * (doc/SECURITY.md); never ship such a build.
 */
#ifdef NFLOGD_SECCOMP_LOG
#define SB_DENY		SECCOMP_RET_LOG
#else
#define SB_DENY		SECCOMP_RET_KILL_PROCESS
#endif

#define SB_MAX_INS	512	/* BPF instructions; the list needs about 150 */
#define SB_CAP_MAX	64	/* capability numbers probed for the bounding set */

/* --- users and groups --- */

static int sandbox_all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int sandbox_user_lookup(const char *name, struct sandbox_user *u, char *err, size_t errlen)
{
	struct passwd *pw;
	int fell_back = 0;

	errno = 0;
	if (name) {
		pw = getpwnam(name);
	} else {
		name = SANDBOX_USER_DEFAULT;
		pw = getpwnam(name);
		if (!pw) {
			name = SANDBOX_USER_FALLBACK;
			pw = getpwnam(name);
			fell_back = 1;
		}
	}
	if (!pw) {
		int e = errno ? errno : ENOENT;

		if (e == ENOENT || e == ESRCH)
			errbuf_set(err, errlen, "no such user '%s'", name);
		else
			errbuf_set(err, errlen, "cannot look up user '%s': %s", name, strerror(e));
		return -ENOENT;
	}
	if (pw->pw_uid == 0) {
		errbuf_set(err, errlen, "user '%s' has uid 0: nflogd must not keep root", name);
		return -EPERM;
	}
	if (strlen(name) >= sizeof(u->name)) {
		errbuf_set(err, errlen, "user name '%s' is too long", name);
		return -ENAMETOOLONG;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	snprintf(u->name, sizeof(u->name), "%s", name);
	return fell_back;
}

int sandbox_group_lookup(const char *name, gid_t *gid, char *err, size_t errlen)
{
	struct group *gr;

	if (sandbox_all_digits(name)) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(name, &end, 10);
		/* (gid_t)-1 means "no change" to chown(): not a group. */
		if (errno || *end || v >= (gid_t)-1) {
			errbuf_set(err, errlen, "group %s out of range", name);
			return -ERANGE;
		}
		*gid = (gid_t)v;
		return 0;
	}
	errno = 0;
	gr = getgrnam(name);
	if (!gr) {
		int e = errno ? errno : ENOENT;

		if (e == ENOENT || e == ESRCH)
			errbuf_set(err, errlen, "no such group '%s'", name);
		else
			errbuf_set(err, errlen, "cannot look up group '%s': %s", name, strerror(e));
		return -ENOENT;
	}
	*gid = gr->gr_gid;
	return 0;
}

/* --- capabilities and ids --- */

static int sandbox_capset_zero(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	return (int)syscall(SYS_capset, &h, d);
}

/* 1 when inheritable, permitted and effective are all empty, 0 if not, -1. */
static int sandbox_caps_empty(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	size_t i;

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		if (d[i].effective || d[i].permitted || d[i].inheritable)
			return 0;
	return 1;
}

/* Empty the bounding set, which limits what any later execve() could gain.
 * Dropping needs CAP_SETPCAP; PR_CAPBSET_READ answers EINVAL past the
 * kernel's last capability, which ends the loop. */
static int sandbox_bounding_clear(char *err, size_t errlen)
{
	int cap, in;

	for (cap = 0; cap < SB_CAP_MAX; cap++) {
		in = prctl(PR_CAPBSET_READ, (unsigned long)cap, 0, 0, 0);
		if (in < 0 && errno == EINVAL)
			break;
		if (in < 0 || (in > 0 && prctl(PR_CAPBSET_DROP, (unsigned long)cap, 0, 0, 0) < 0)) {
			int e = errno;

			errbuf_set(err, errlen, "cannot clear capability %d from the bounding set: "
			       "%s (needs CAP_SETPCAP: start nflogd as root)", cap, strerror(e));
			return -e;
		}
	}
	return 0;
}

static int sandbox_bounding_empty(void)
{
	int cap, in;

	for (cap = 0; cap < SB_CAP_MAX; cap++) {
		in = prctl(PR_CAPBSET_READ, (unsigned long)cap, 0, 0, 0);
		if (in < 0)
			return errno == EINVAL;
		if (in > 0)
			return 0;
	}
	return 1;
}

/* Everything sandbox_drop() promises, read back from the kernel. */
static int sandbox_verify(const struct sandbox_user *u, char *err, size_t errlen)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0 ||
	    ru != u->uid || eu != u->uid || su != u->uid ||
	    rg != u->gid || eg != u->gid || sg != u->gid) {
		errbuf_set(err, errlen, "user and group ids are not all %s's after the drop", u->name);
		return -EPERM;
	}
	if (getgroups(0, NULL) != 0) {
		errbuf_set(err, errlen, "supplementary groups left after the drop");
		return -EPERM;
	}
	/* Ambient is a subset of permitted and inheritable: empty with them. */
	if (sandbox_caps_empty() != 1 || !sandbox_bounding_empty()) {
		errbuf_set(err, errlen, "capabilities left after the drop");
		return -EPERM;
	}
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		errbuf_set(err, errlen, "no_new_privs is not set");
		return -EPERM;
	}
	/* Belt and braces: the saved uid must not let us back. */
	if (setuid(0) == 0 || seteuid(0) == 0) {
		errbuf_set(err, errlen, "uid 0 could be regained after dropping privileges");
		return -EPERM;
	}
	return 0;
}

int sandbox_drop(const struct sandbox_user *u, char *err, size_t errlen)
{
	int rc, e;

	if (u->uid == 0) {
		errbuf_set(err, errlen, "refusing to drop to uid 0");
		return -EPERM;
	}
	/* While still privileged: both need CAP_SETPCAP. EINVAL from the
	 * ambient call means a kernel before 4.3, which has no ambient set. */
	if ((rc = sandbox_bounding_clear(err, errlen)) < 0)
		return rc;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		e = errno;
		errbuf_set(err, errlen, "cannot clear the ambient capabilities: %s", strerror(e));
		return -e;
	}
	/* Groups before the uid: afterwards there is no CAP_SETGID. Started
	 * unprivileged with no supplementary groups, EPERM is harmless. */
	if (setgroups(0, NULL) < 0 && !(errno == EPERM && getgroups(0, NULL) == 0)) {
		e = errno;
		errbuf_set(err, errlen, "setgroups: %s", strerror(e));
		return -e;
	}
	if (setresgid(u->gid, u->gid, u->gid) < 0 || setresuid(u->uid, u->uid, u->uid) < 0) {
		e = errno;
		errbuf_set(err, errlen, "cannot become user %s (uid %u, gid %u): %s", u->name,
		       (unsigned)u->uid, (unsigned)u->gid, strerror(e));
		return -e;
	}
	/* Leaving uid 0 already emptied permitted and effective (no
	 * SECBIT_KEEP_CAPS); inheritable is kept by the kernel, and a start as
	 * the user itself keeps all three: clear them explicitly. */
	if (sandbox_capset_zero() < 0) {
		e = errno;
		errbuf_set(err, errlen, "capset: %s", strerror(e));
		return -e;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		e = errno;
		errbuf_set(err, errlen, "PR_SET_NO_NEW_PRIVS: %s", strerror(e));
		return -e;
	}
	return sandbox_verify(u, err, errlen);
}

/* --- seccomp --- */

#if defined(__x86_64__) && !defined(__ILP32__)

enum sandbox_kind {
	SB_ALLOW,	/* allowed */
	SB_ERRNO,	/* fails with errno v0, does nothing */
	SB_ARG_IN,	/* allowed when the low 32 bits of arg equal v0 or v1 */
	SB_ARG_ANY,	/* allowed when arg has one of the bits in v0 */
	SB_ARG_NONE,	/* allowed when arg has none of the bits in v0 */
};

struct sandbox_rule {
	int		nr;
	uint8_t		kind;
	uint8_t		arg;
	uint32_t	v0, v1;
};

#define SB_A(name)		{ __NR_##name, SB_ALLOW, 0, 0, 0 }
#define SB_E(name, e)		{ __NR_##name, SB_ERRNO, 0, (e), 0 }
#define SB_IN(name, a, x, y)	{ __NR_##name, SB_ARG_IN, (a), (x), (y) }
#define SB_ANY(name, a, m)	{ __NR_##name, SB_ARG_ANY, (a), (m), 0 }
#define SB_NONE(name, a, m)	{ __NR_##name, SB_ARG_NONE, (a), (m), 0 }

/* Flags of openat() that would create or truncate a file: after the drop
 * the daemon only opens what exists (/proc/self/task/N/comm for thread
 * names, /etc/localtime for syslog time stamps). */
#define SB_OPEN_CREATE	((uint32_t)(O_CREAT | O_TRUNC | (O_TMPFILE & ~O_DIRECTORY)))

/*
 * The steady state, as measured with strace -f under load, at shutdown and
 * with -d (doc/SECURITY.md has the method). Most frequent first: the
 * filter is a linear scan.
 */
static const struct sandbox_rule sandbox_rules[] = {
	/* Capture threads: one recvmsg per batch, SO_MEMINFO when idle;
	 * the unbind request at shutdown (refused: no CAP_NET_ADMIN). */
	SB_A(recvmsg), SB_A(getsockopt), SB_A(sendto),
	/* Correlator and main loop: sleep, signalfd, tick. */
	SB_A(clock_nanosleep), SB_A(futex), SB_A(poll), SB_A(read),
	/* Interface table every tick: if_nameindex() asks rtnetlink over a
	 * fresh socket. syslog() may reconnect to /dev/log. Nothing else. */
	SB_IN(socket, 0, AF_NETLINK, AF_UNIX),
	SB_A(bind), SB_A(getsockname), SB_A(connect), SB_A(close),
	/* --metrics-listen: the socket is bound and listening before the drop;
	 * its thread only accepts (then poll, read, write, close as above).
	 * Counting the alert segment's incidents seeds a hash table from
	 * getrandom (report/dropagg.c), as nflogctl does. */
	SB_A(accept4), SB_A(getrandom),
	/* Ring write-back every few ticks and at exit. */
	SB_A(msync),
	/* stderr or syslog; thread names through /proc/self/task/N/comm;
	 * syslog reads /etc/localtime once. */
	SB_A(write), SB_NONE(openat, 2, SB_OPEN_CREATE), SB_A(newfstatat), SB_A(fstat),
	SB_A(lseek),
	/* glibc malloc and thread stacks. */
	SB_A(mmap), SB_A(munmap), SB_A(mprotect), SB_A(madvise), SB_A(mremap), SB_A(brk),
	/* Threads: pthread_create() tries clone3 first; its flags are behind
	 * a pointer the filter cannot read, so it gets ENOSYS and glibc
	 * falls back to clone, where CLONE_THREAD is required: threads
	 * only, no new processes. */
	SB_E(clone3, ENOSYS), SB_ANY(clone, 0, CLONE_THREAD),
	SB_A(set_robust_list), SB_A(rseq), SB_A(sched_setaffinity),	/* --per-cpu pinning */
	SB_A(exit), SB_A(exit_group),
	/* Signals: masks around thread creation, abort() (SIGABRT to
	 * itself), the return from any handler, and restart_syscall for a
	 * sleep interrupted by SIGSTOP/SIGCONT. */
	SB_A(rt_sigprocmask), SB_A(rt_sigaction), SB_A(rt_sigreturn), SB_A(restart_syscall),
	SB_A(getpid), SB_A(gettid), SB_A(tgkill),
	/* Clocks: normally the vDSO, a system call when the clock source has
	 * no vDSO support; nanosleep for older glibc. */
	SB_A(clock_gettime), SB_A(gettimeofday), SB_A(time), SB_A(nanosleep),
	/* qsort() (the kb index, rebuilt on SIGHUP) asks for the amount of physical memory. */
	SB_A(sysinfo),
	/* At exit: the pidfile. */
	SB_A(unlink),
};

/* Only with a sanitizer runtime in the process (see the top of the file). */
static const struct sandbox_rule sandbox_san_rules[] = {
	SB_A(clone),		/* LeakSanitizer's tracer task (no CLONE_THREAD) */
	SB_A(ptrace), SB_A(wait4), SB_A(prctl), SB_A(getppid), SB_A(sigaltstack),
	SB_A(sched_getaffinity), SB_A(sched_yield), SB_A(open), SB_A(openat),
	SB_A(getdents), SB_A(getdents64), SB_A(readlink), SB_A(readlinkat), SB_A(kill),
	SB_A(pipe2), SB_A(ioctl), SB_A(fcntl),
};

struct sandbox_prog {
	struct sock_filter	ins[SB_MAX_INS];
	unsigned short		n;
	int			overflow;
};

static void sandbox_ins(struct sandbox_prog *p, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	struct sock_filter f = BPF_JUMP(code, k, jt, jf);

	if (p->n >= SB_MAX_INS) {
		p->overflow = 1;
		return;
	}
	p->ins[p->n++] = f;
}

#define SB_LD(p, off)	sandbox_ins(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)(off))
#define SB_RET(p, v)	sandbox_ins(p, BPF_RET | BPF_K, 0, 0, (v))
#define SB_ARG_LO(i)	(offsetof(struct seccomp_data, args) + 8 * (i))

static void sandbox_rule(struct sandbox_prog *p, const struct sandbox_rule *r)
{
	/* Instructions after the "nr ==" test that belong to this rule. */
	static const uint8_t len[] = {
		[SB_ALLOW] = 1, [SB_ERRNO] = 1, [SB_ARG_IN] = 5,
		[SB_ARG_ANY] = 4, [SB_ARG_NONE] = 4,
	};

	sandbox_ins(p, BPF_JMP | BPF_JEQ | BPF_K, 0, len[r->kind], (uint32_t)r->nr);
	switch (r->kind) {
	case SB_ALLOW:
		SB_RET(p, SECCOMP_RET_ALLOW);
		break;
	case SB_ERRNO:
		SB_RET(p, SECCOMP_RET_ERRNO | (r->v0 & SECCOMP_RET_DATA));
		break;
	case SB_ARG_IN:
		SB_LD(p, SB_ARG_LO(r->arg));
		sandbox_ins(p, BPF_JMP | BPF_JEQ | BPF_K, 2, 0, r->v0);	/* -> allow */
		sandbox_ins(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, r->v1);	/* -> allow */
		SB_RET(p, SB_DENY);
		SB_RET(p, SECCOMP_RET_ALLOW);
		break;
	case SB_ARG_ANY:
		SB_LD(p, SB_ARG_LO(r->arg));
		sandbox_ins(p, BPF_JMP | BPF_JSET | BPF_K, 1, 0, r->v0);	/* set -> allow */
		SB_RET(p, SB_DENY);
		SB_RET(p, SECCOMP_RET_ALLOW);
		break;
	case SB_ARG_NONE:
		SB_LD(p, SB_ARG_LO(r->arg));
		sandbox_ins(p, BPF_JMP | BPF_JSET | BPF_K, 0, 1, r->v0);	/* set -> deny */
		SB_RET(p, SB_DENY);
		SB_RET(p, SECCOMP_RET_ALLOW);
		break;
	}
}

static void sandbox_build(struct sandbox_prog *p, int sanitizer)
{
	size_t i;

	p->n = 0;
	p->overflow = 0;
	SB_LD(p, offsetof(struct seccomp_data, arch));
	sandbox_ins(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_X86_64);
	SB_RET(p, SECCOMP_RET_KILL_PROCESS);
	SB_LD(p, offsetof(struct seccomp_data, nr));
	/* x32 calls carry the x86_64 arch value: tell them by this bit. */
	sandbox_ins(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, __X32_SYSCALL_BIT);
	SB_RET(p, SECCOMP_RET_KILL_PROCESS);
	/* First, so that their plain allows win over the checked rules. */
	for (i = 0; sanitizer && i < sizeof(sandbox_san_rules) / sizeof(sandbox_san_rules[0]); i++)
		sandbox_rule(p, &sandbox_san_rules[i]);
	for (i = 0; i < sizeof(sandbox_rules) / sizeof(sandbox_rules[0]); i++)
		sandbox_rule(p, &sandbox_rules[i]);
	SB_RET(p, SB_DENY);
}

int sandbox_seccomp(char *err, size_t errlen)
{
	struct sandbox_prog p;
	struct sock_fprog fp;
	long rc;
	int e;

	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		errbuf_set(err, errlen, "seccomp: no_new_privs is not set (drop privileges first)");
		return -EPERM;
	}
	sandbox_build(&p, __sanitizer_set_report_path != NULL);
	if (p.overflow) {
		errbuf_set(err, errlen, "seccomp: filter longer than %d instructions", SB_MAX_INS);
		return -E2BIG;
	}
	fp.len = p.n;
	fp.filter = p.ins;
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &fp);
	if (rc < 0) {
		e = errno;
		errbuf_set(err, errlen, "seccomp: %s", strerror(e));
		return -e;
	}
	if (rc > 0) {
		errbuf_set(err, errlen, "seccomp: thread %ld could not be synchronised", rc);
		return -EAGAIN;
	}
	return 0;
}

#else	/* not x86_64 */

int sandbox_seccomp(char *err, size_t errlen)
{
	errbuf_set(err, errlen, "seccomp: this build has no system-call allow-list for its "
	       "architecture (x86_64 only); run with --no-sandbox");
	return -ENOTSUP;
}

#endif

int sandbox_selftest(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd >= 0)
		close(fd);
	return -EPERM;
}
