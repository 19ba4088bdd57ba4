/* SPDX-License-Identifier: GPL-2.0-or-later */
/* worker.c - one capture thread per NFLOG group: recv -> decode -> ring.
 *
 * The per-packet path is worker_msg_cb(): parse the netlink message, account
 * for its sequence number, decode, append one record. No allocation, no lock,
 * no system call, no formatting; counters and ring segment belong to this
 * thread alone. System calls happen per batch (recvmsg, which carries up to
 * a few hundred packets) or when the socket is idle (SO_MEMINFO).
 */
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/netfilter.h>
#include <linux/netlink.h>

#include "capture/capture.h"
#include "classify/classify.h"
#include "capture/decode.h"
#include "util/log.h"
#include "util/qswap.h"
#include "capture/nflogmsg.h"
#include "daemon/worker.h"

#define WORKER_DRAIN_MAX	4096	/* datagrams drained at shutdown, bound */

struct worker {
	struct ring_writer	 rw;		/* hot: touched per packet */
	uint32_t		 expect_seq;	/* next NFULA_SEQ we should see */
	uint16_t		 group;
	uint16_t		 rec_cpu;
	uint64_t		 batch_ns;	/* receive time of the current batch */
	const struct classify	*cls;
	struct qswap		*swap;		/* NULL: cls never changes */
	struct qswap		*lswap;		/* the address table's; NULL: none */
	const struct addrtab	*local;		/* from lswap, for this batch */
	uint32_t		 swap_i;
	struct capture		*cap;
	const int		*stop;
	uint8_t			*buf;
	size_t			 buflen;
	int			 cpu;
	bool			 started;
	bool			 warned;
	pthread_t		 tid;
};

static void worker_kb_counters(struct worker *w);

/* Before a batch: the classifier published last (one acquire load). A new
 * one renames the segment's kb counters; only this thread writes them. */
static void worker_take_cls(struct worker *w)
{
	const struct classify *c = qswap_get(w->swap);

	if (c != w->cls) {
		w->cls = c;
		worker_kb_counters(w);
	}
}

static uint64_t worker_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);	/* vDSO: no system call */
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Every message the kernel logged carries the next NFULA_SEQ of its group's
 * instance; a jump forward is exactly the number of messages lost on the way
 * (socket overrun, MSG_TRUNC, a message we could not parse). */
static void worker_account_seq(struct worker *w, const struct nflog_msg *m)
{
	struct ring_seg_hdr *h = w->rw.hdr;
	uint32_t gap;

	if (!m->have_seq) {
		ring_ctr_add(h, RING_CTR_NO_SEQ, 1);
		return;
	}
	gap = m->seq - w->expect_seq;	/* modulo 2^32: the kernel's counter wraps */
	if (gap != 0) {
		if (gap < 0x80000000u) {
			ring_ctr_add(h, RING_CTR_LOST_SEQ, gap);
			ring_ctr_set(h, RING_CTR_DROPS_PENDING, 0);
		} else {
			ring_ctr_add(h, RING_CTR_SEQ_RESET, 1);
		}
	}
	w->expect_seq = m->seq + 1;
}

static void worker_count(struct ring_seg_hdr *h, const struct pkt *p)
{
	static const enum ring_ctr status_ctr[] = {
		[RING_ST_TRUNCATED] = RING_CTR_TRUNCATED,
		[RING_ST_INVALID] = RING_CTR_INVALID,
	};

	if (p->status == RING_ST_TRUNCATED || p->status == RING_ST_INVALID)
		ring_ctr_add(h, status_ctr[p->status], 1);
	if (p->family == 4)
		ring_ctr_add(h, RING_CTR_IPV4, 1);
	else if (p->family == 6)
		ring_ctr_add(h, RING_CTR_IPV6, 1);
	else
		ring_ctr_add(h, RING_CTR_L3_OTHER, 1);
	if (!p->family)
		return;
	switch (p->proto) {
	case IPPROTO_TCP:    ring_ctr_add(h, RING_CTR_TCP, 1); break;
	case IPPROTO_UDP:    ring_ctr_add(h, RING_CTR_UDP, 1); break;
	case IPPROTO_ICMP:   ring_ctr_add(h, RING_CTR_ICMP, 1); break;
	case IPPROTO_ICMPV6: ring_ctr_add(h, RING_CTR_ICMPV6, 1); break;
	default: ring_ctr_add(h, RING_CTR_L4_OTHER, 1); break;
	}
	if (p->ip_flags & RING_IPF_FRAGMENT)
		ring_ctr_add(h, RING_CTR_FRAGMENT, 1);
}

static void worker_fill(struct ring_rec *r, const struct pkt *p)
{
	r->family = p->family;
	r->proto = p->proto;
	r->status = p->status;
	r->why = p->why;
	r->ip_flags |= p->ip_flags;
	r->ttl = p->ttl;
	r->tos = p->tos;
	r->tcp_flags = p->tcp_flags;
	r->tcp_doff = p->tcp_doff;
	r->icmp_type = p->icmp_type;
	r->icmp_code = p->icmp_code;
	r->inner_family = p->inner_family;
	r->inner_proto = p->inner_proto;
	r->sport = p->sport;
	r->dport = p->dport;
	r->ip_len = p->ip_len;
	r->frag_off = p->frag_off;
	r->tcp_window = p->tcp_window;
	r->udp_len = p->udp_len;
	r->inner_sport = p->inner_sport;
	r->inner_dport = p->inner_dport;
	r->ip_id = p->ip_id;
	r->flow_label = p->flow_label;
	r->tcp_seq = p->tcp_seq;
	memcpy(r->saddr, p->saddr, sizeof(r->saddr));
	memcpy(r->daddr, p->daddr, sizeof(r->daddr));
	memcpy(r->inner_saddr, p->inner_saddr, sizeof(r->inner_saddr));
	memcpy(r->inner_daddr, p->inner_daddr, sizeof(r->inner_daddr));
}

static void worker_msg_cb(const struct nflog_msg *m, void *data)
{
	struct worker *w = data;
	struct ring_seg_hdr *h = w->rw.hdr;
	struct ring_rec *rec;
	struct pkt p;
	unsigned family;
	int slot;

	worker_account_seq(w, m);
	ring_ctr_add(h, RING_CTR_RECEIVED, 1);

	family = m->family == NFPROTO_IPV4 ? 4 : m->family == NFPROTO_IPV6 ? 6 : 0;
	decode_packet(m->payload, m->payload ? m->payload_len : 0, family, &p);
	nflogmsg_link(m, &p.hw);
	p.ifindex_in = m->ifindex_in;
	p.hook = m->hook;
	worker_count(h, &p);

	/* Written in place: from here to ring_commit() readers skip the slot. */
	rec = ring_reserve(&w->rw);
	ring_rec_clear(rec);
	slot = classify_packet(w->cls, w->local, &p, &rec->klass);
	rec->klass.layout = RING_LAYOUT_HW;
	rec->hw = p.hw;
	ring_ctr_add(h, (enum ring_ctr)(RING_CTR_V_UNKNOWN + rec->klass.verdict), 1);
	if (slot >= 0 && (uint32_t)slot < h->nkb)
		__atomic_store_n(&h->kb_count[slot], h->kb_count[slot] + 1, __ATOMIC_RELAXED);
	else if (slot >= 0)
		ring_ctr_add(h, RING_CTR_KB_FULL, 1);
	rec->kind = RING_KIND_DROP;
	rec->nflog_seq = m->seq;
	rec->ip_flags = m->have_seq ? RING_IPF_HAVE_SEQ : 0;
	rec->ts_ns = m->ts_ns ? m->ts_ns : w->batch_ns;
	rec->hook = m->hook;
	rec->group = w->group;
	rec->cpu = w->rec_cpu;
	rec->mark = m->mark;
	rec->ifindex_in = m->ifindex_in;
	rec->ifindex_out = m->ifindex_out;
	rec->cap_len = m->payload_len;
	rec->prefix_id = m->prefix_len ? ring_prefix_id(&w->rw, m->prefix, m->prefix_len)
				  : RING_PREFIX_NONE;
	worker_fill(rec, &p);
	rec->raw_len = m->payload_len < RING_RAW_LEN ? (uint8_t)m->payload_len : RING_RAW_LEN;
	if (m->payload)
		memcpy(rec->raw, m->payload, rec->raw_len);
	ring_commit(&w->rw, rec);
	ring_ctr_add(h, RING_CTR_RECORDED, 1);
}

static void worker_sock_drops(struct worker *w)
{
	int64_t d = capture_sock_drops(w->cap);

	if (d >= 0)
		ring_ctr_set(w->rw.hdr, RING_CTR_SOCK_DROPS, (uint64_t)d);
}

/* One recvmsg and the batch it returns. Returns 1 when the caller should go
 * on receiving at once, 0 when the socket was idle, -1 on a hard error. */
static int worker_recv(struct worker *w, int flags)
{
	struct ring_seg_hdr *h = w->rw.hdr;
	struct sockaddr_nl sa;
	struct iovec iov = { .iov_base = w->buf, .iov_len = w->buflen };
	struct msghdr mh = {
		.msg_name = &sa, .msg_namelen = sizeof(sa),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	unsigned bad;
	ssize_t n;

	n = recvmsg(capture_fd(w->cap), &mh, flags);
	if (n < 0) {
		switch (errno) {
		case ENOBUFS:
			/* The socket overran: whole batches are gone. Their
			 * size shows up as a sequence gap when the next
			 * message arrives; until then the loss is pending. */
			ring_ctr_add(h, RING_CTR_ENOBUFS, 1);
			ring_ctr_set(h, RING_CTR_DROPS_PENDING, 1);
			worker_sock_drops(w);
			return 1;
		case EAGAIN:
		case EINTR:
			worker_sock_drops(w);
			return 0;
		default:
			if (!w->warned)
				log_msg(LOG_WARNING, "group %u: recvmsg: %s", w->group,
					strerror(errno));
			w->warned = true;
			return -1;
		}
	}
	if (mh.msg_flags & MSG_TRUNC)
		ring_ctr_add(h, RING_CTR_MSG_TRUNC, 1);
	if (sa.nl_pid != 0)
		return 1;	/* not from the kernel */
	ring_ctr_add(h, RING_CTR_BATCHES, 1);
	w->batch_ns = worker_now_ns();
	/* After the receive, not before it: a batch that arrives after a
	 * reload is classified with what the reload published. */
	if (w->swap)
		worker_take_cls(w);
	if (w->lswap)
		w->local = qswap_get(w->lswap);
	bad = nflogmsg_batch(w->buf, (size_t)n, worker_msg_cb, w);
	/* A message that did not parse has no known sequence number; the next
	 * one shows it as a gap, so it is counted there as lost and here as bad. */
	if (bad)
		ring_ctr_add(h, RING_CTR_BAD_MSG, bad);
	ring_publish(&w->rw);
	return 1;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct timespec pause = { .tv_sec = 0, .tv_nsec = 100 * 1000000 };
	int i;

	while (!__atomic_load_n(w->stop, __ATOMIC_RELAXED)) {
		if (worker_recv(w, 0) < 0)
			nanosleep(&pause, NULL);	/* do not spin on a broken socket */
		if (w->swap)
			qswap_quiescent(w->swap, w->swap_i);	/* no cls pointer held here */
		if (w->lswap) {
			w->local = NULL;
			qswap_quiescent(w->lswap, w->swap_i);
		}
	}
	/* Destroying the instance makes the kernel send what it still holds,
	 * so a clean stop loses nothing that was logged before it. After
	 * --user the unbind is refused (it needs CAP_NET_ADMIN); the flush
	 * timer then delivers the last batch instead, well within one receive
	 * timeout, so drain until the socket has been idle that long. */
	capture_unbind(w->cap);
	for (i = 0; i < WORKER_DRAIN_MAX; i++)
		if (worker_recv(w, 0) <= 0)
			break;
	worker_sock_drops(w);
	ring_publish(&w->rw);
	if (w->swap)
		qswap_offline(w->swap, w->swap_i);
	if (w->lswap)
		qswap_offline(w->lswap, w->swap_i);
	return NULL;
}

void worker_set_swap(struct worker *w, struct qswap *cls, struct qswap *local, uint32_t i)
{
	w->swap = cls;
	w->lswap = local;
	w->swap_i = i;
}

/* Name the kb rows behind the segment's counters. A ring continued under a
 * different kb keeps nothing of the old counts: they would be misattributed. */
static void worker_kb_counters(struct worker *w)
{
	struct ring_seg_hdr *h = w->rw.hdr;
	uint16_t ids[RING_KB_SLOTS];
	size_t n = classify_counter_ids(w->cls, ids, RING_KB_SLOTS);

	if (h->nkb == n && !memcmp(h->kb_ids, ids, n * sizeof(ids[0])))
		return;
	__atomic_store_n(&h->nkb, 0, __ATOMIC_RELEASE);
	memset(h->kb_count, 0, sizeof(h->kb_count));
	memcpy(h->kb_ids, ids, n * sizeof(ids[0]));
	/* Pairs with the acquire load of nkb in the reader. */
	__atomic_store_n(&h->nkb, (uint32_t)n, __ATOMIC_RELEASE);
}

struct worker *worker_new(struct capture *cap, struct ring *ring, uint32_t seg,
			  int cpu, const struct classify *cls, const int *stop)
{
	struct worker *w;

	/* Own cache lines: no false sharing with another worker's state. */
	if (posix_memalign((void **)&w, 64, sizeof(*w)) != 0) {
		errno = ENOMEM;
		return NULL;
	}
	memset(w, 0, sizeof(*w));
	w->buflen = capture_recv_size(cap);
	w->buf = malloc(w->buflen);
	if (!w->buf) {
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	w->cap = cap;
	w->cls = cls;
	w->stop = stop;
	w->cpu = cpu;
	w->group = capture_group(cap);
	w->rec_cpu = cpu >= 0 ? (uint16_t)cpu : RING_CPU_UNPINNED;
	/* A fresh instance numbers its messages from 0. */
	w->expect_seq = 0;
	ring_writer_init(ring, &w->rw, seg, w->group, cpu);
	worker_kb_counters(w);
	return w;
}

int worker_start(struct worker *w)
{
	pthread_attr_t attr;
	char name[16];
	int rc;

	pthread_attr_init(&attr);
	if (w->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	rc = pthread_create(&w->tid, &attr, worker_main, w);
	pthread_attr_destroy(&attr);
	if (rc)
		return -rc;
	snprintf(name, sizeof(name), "nflogd-g%u", w->group);
	pthread_setname_np(w->tid, name);
	w->started = true;
	return 0;
}

void worker_free(struct worker *w)
{
	if (!w)
		return;
	capture_close(w->cap);
	free(w->buf);
	free(w);
}

void worker_join(struct worker *w)
{
	if (!w)
		return;
	if (w->started)
		pthread_join(w->tid, NULL);
	worker_free(w);
}
