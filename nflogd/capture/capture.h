/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture.h - one NFLOG group: netlink socket, configuration, loss telemetry. */
#ifndef NFLOGD_CAPTURE_H
#define NFLOGD_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

/* Defaults; perf-notes.md explains each (kernel defaults lose data silently). */
#define CAPTURE_COPY_RANGE	128	/* bytes of each packet: headers only */
#define CAPTURE_QTHRESH		1000	/* messages per kernel batch, upper bound */
/* Flush timeout, 1/100 s (kernel: 100). 0 is "at the next timer tick" (4 ms
 * at HZ=250): measured p99 delay at 1 kpps 4-5 ms, against 12-15 ms for 1
 * (2 ticks, plus the wait for the tick that arms the timer). Busy groups are
 * flushed by qthreshold/nlbufsiz long before either. */
#define CAPTURE_TIMEOUT_CS	0
#define CAPTURE_NLBUFSIZ	65000	/* bytes per batch skb: 64 KiB kmalloc bucket */
#define CAPTURE_NLBUFSIZ_MIN	4096	/* kernel rejects less than NLMSG_GOODSIZE */
#define CAPTURE_NLBUFSIZ_MAX	131072	/* ... and more than this, silently */
#define CAPTURE_RCVBUF		(32 << 20) /* bytes of socket receive buffer */
#define CAPTURE_COPY_RANGE_MAX	65531	/* 0xffff - NLA_HDRLEN */

struct capture_cfg {
	uint16_t group;
	uint32_t copy_range;	/* bytes */
	uint32_t qthresh;	/* messages */
	uint32_t timeout_cs;	/* 1/100 s */
	uint32_t nlbufsiz;	/* bytes */
	uint32_t rcvbuf;	/* bytes requested with SO_RCVBUFFORCE */
};

struct capture;

/*
 * capture_open - open a netlink socket, bind NFLOG group cfg->group with the
 * given copy mode, batching and NFULNL_CFG_F_SEQ in one acknowledged request,
 * and size its receive buffer. Needs CAP_NET_ADMIN.
 * Returns NULL with errno set and a one-line reason in err.
 */
struct capture *capture_open(const struct capture_cfg *cfg, char *err, size_t errlen);

/* capture_close - close the socket; the kernel destroys the instance. */
void capture_close(struct capture *c);

int capture_fd(const struct capture *c);
uint16_t capture_group(const struct capture *c);

/* capture_rcvbuf - receive buffer the kernel granted, bytes. */
int capture_rcvbuf(const struct capture *c);

/* capture_recv_size - receive buffer the caller must pass to recv(), bytes:
 * at least two batches so MSG_TRUNC never cuts one. */
size_t capture_recv_size(const struct capture *c);

/* capture_unbind - ask the kernel to destroy the instance, which first sends
 * whatever it still holds; the caller then drains the socket. 0 or -errno. */
int capture_unbind(struct capture *c);

/* capture_sock_drops - datagrams the socket dropped (SO_MEMINFO), or -errno. */
int64_t capture_sock_drops(const struct capture *c);

#endif
