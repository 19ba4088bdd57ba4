/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nflmin.c - the minimal NFLOG consumer of `make bench`: receive and count.
 *
 * usage: nflmin -g GROUP | --per-cpu BASE [--rcvbuf BYTES]
 *
 * The practical limit of the kernel path: the same socket and instance
 * settings as nflogd (capture_open(): copy range 128, qthreshold 1000, flush
 * timeout 0 (next tick), nlbufsiz 65000, SO_RCVBUFFORCE 32 MiB, NFULA_SEQ; the same
 * receive buffer size), one thread per group (pinned to CPU n for group
 * BASE+n with --per-cpu), but per message only a walk to NFULA_SEQ and a gap
 * check: no decode, no classification, no record. Prints "ready" on stderr
 * once bound; on SIGTERM/SIGINT unbinds (the kernel flushes what it holds),
 * drains, and prints "received N lost_seq L enobufs E trunc T" on stdout.
 * --rcvbuf: another socket buffer, as nflogd's option (the drain bench
 * queues 200,000 messages, more than the default 32 MiB holds).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>

#include "capture/capture.h"

#define NFLMIN_MAX_GROUPS	64

struct nflmin {
	struct capture	*cap;
	uint8_t		*buf;
	size_t		 buflen;
	int		 cpu;
	uint32_t	 expect;
	uint64_t	 received, lost, enobufs, trunc;
	pthread_t	 tid;
};

static volatile sig_atomic_t nflmin_stop;

static void nflmin_sig(int sig)
{
	(void)sig;
	nflmin_stop = 1;
}

/* One datagram: each NFULNL_MSG_PACKET message, its NFULA_SEQ. */
static void nflmin_batch(struct nflmin *m, const uint8_t *buf, size_t len)
{
	const struct nlmsghdr *nlh = (const void *)buf;

	while (NLMSG_OK(nlh, len)) {
		if (NFNL_SUBSYS_ID(nlh->nlmsg_type) == NFNL_SUBSYS_ULOG &&
		    NFNL_MSG_TYPE(nlh->nlmsg_type) == NFULNL_MSG_PACKET) {
			const uint8_t *p = (const uint8_t *)NLMSG_DATA(nlh) +
					   NLMSG_ALIGN(sizeof(struct nfgenmsg));
			const uint8_t *end = (const uint8_t *)nlh + nlh->nlmsg_len;

			m->received++;
			while (p + NLA_HDRLEN <= end) {
				const struct nlattr *a = (const void *)p;

				if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
					break;
				if ((a->nla_type & NLA_TYPE_MASK) == NFULA_SEQ &&
				    a->nla_len >= NLA_HDRLEN + 4) {
					uint32_t s;

					memcpy(&s, p + NLA_HDRLEN, 4);
					s = ntohl(s);
					if (s != m->expect && s - m->expect < 0x80000000u)
						m->lost += s - m->expect;
					m->expect = s + 1;
					break;
				}
				p += NLA_ALIGN(a->nla_len);
			}
		}
		nlh = NLMSG_NEXT(nlh, len);
	}
}

/* Returns 1 when data came, 0 when idle, -1 on error. */
static int nflmin_recv(struct nflmin *m)
{
	struct iovec iov = { .iov_base = m->buf, .iov_len = m->buflen };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(capture_fd(m->cap), &mh, 0);

	if (n < 0) {
		if (errno == ENOBUFS) {
			m->enobufs++;
			return 1;
		}
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	}
	if (mh.msg_flags & MSG_TRUNC)
		m->trunc++;
	nflmin_batch(m, m->buf, (size_t)n);
	return 1;
}

static void *nflmin_main(void *arg)
{
	struct nflmin *m = arg;
	int i;

	if (m->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(m->cpu, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	while (!nflmin_stop)
		if (nflmin_recv(m) < 0)
			usleep(100000);
	capture_unbind(m->cap);
	for (i = 0; i < 4096; i++)
		if (nflmin_recv(m) <= 0)
			break;
	return NULL;
}

int main(int argc, char **argv)
{
	static struct nflmin ms[NFLMIN_MAX_GROUPS];
	struct sigaction sa;
	unsigned n = 1, i, base;
	uint64_t rx = 0, lost = 0, eno = 0, tr = 0;
	unsigned long rcvbuf = CAPTURE_RCVBUF;
	char err[256], *end = NULL;
	int percpu;

	if (argc == 5 && !strcmp(argv[3], "--rcvbuf")) {
		rcvbuf = strtoul(argv[4], &end, 10);
		if (*end || rcvbuf < 65536 || rcvbuf > INT_MAX / 2)
			argc = 0;	/* usage */
		else
			argc = 3;
	}
	if (argc != 3 || (strcmp(argv[1], "-g") && strcmp(argv[1], "--per-cpu"))) {
		fprintf(stderr, "usage: nflmin -g GROUP | --per-cpu BASE [--rcvbuf BYTES]\n");
		return 2;
	}
	percpu = !strcmp(argv[1], "--per-cpu");
	base = (unsigned)strtoul(argv[2], NULL, 10);
	if (percpu) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		n = c > 0 && c <= NFLMIN_MAX_GROUPS ? (unsigned)c : 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = nflmin_sig;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (i = 0; i < n; i++) {
		struct capture_cfg cfg = {
			.group = (uint16_t)(base + i), .copy_range = CAPTURE_COPY_RANGE,
			.qthresh = CAPTURE_QTHRESH, .timeout_cs = CAPTURE_TIMEOUT_CS,
			.nlbufsiz = CAPTURE_NLBUFSIZ, .rcvbuf = (uint32_t)rcvbuf,
		};

		ms[i].cap = capture_open(&cfg, err, sizeof(err));
		if (!ms[i].cap) {
			fprintf(stderr, "nflmin: %s\n", err);
			return 1;
		}
		ms[i].buflen = capture_recv_size(ms[i].cap);
		ms[i].buf = malloc(ms[i].buflen);
		ms[i].cpu = percpu ? (int)i : -1;
		if (!ms[i].buf || pthread_create(&ms[i].tid, NULL, nflmin_main, &ms[i])) {
			fprintf(stderr, "nflmin: out of memory\n");
			return 1;
		}
	}
	fprintf(stderr, "nflmin: ready, %u group(s) from %u\n", n, base);
	for (i = 0; i < n; i++) {
		pthread_join(ms[i].tid, NULL);
		rx += ms[i].received;
		lost += ms[i].lost;
		eno += ms[i].enobufs;
		tr += ms[i].trunc;
		capture_close(ms[i].cap);
		free(ms[i].buf);
	}
	printf("received %llu lost_seq %llu enobufs %llu trunc %llu\n",
	       (unsigned long long)rx, (unsigned long long)lost, (unsigned long long)eno,
	       (unsigned long long)tr);
	return 0;
}
