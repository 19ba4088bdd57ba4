/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture.c - one NFLOG group over libmnl, configured with libnetfilter_log's
 * mnl helpers (include/linux/netfilter/nfnetlink_log.h).
 *
 *   NFULNL_MSG_CONFIG, one message, NLM_F_ACK:
 *   +--------+---------+------------+------------------+----------+--------+-------+
 *   | nlmsg  | nfgen   | CFG_CMD    | CFG_MODE         | NLBUFSIZ | TIMEOUT| QTHR. | FLAGS
 *   | header | msg     | BIND       | PACKET, range    | be32     | be32   | be32  | be16 SEQ
 *   +--------+---------+------------+------------------+----------+--------+-------+
 *
 * The kernel applies the command first, then the attributes, so the instance
 * never runs with its defaults (whole packets, 1 s flush) in between.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/sock_diag.h>
#include <libnetfilter_log/libnetfilter_log.h>

#include "capture/capture.h"

#define CAPTURE_RCVTIMEO_MS	250	/* ms a worker sleeps in recv before checking for stop */

struct capture {
	struct mnl_socket	*nl;
	uint32_t		 portid;
	uint16_t		 group;
	uint32_t		 nlbufsiz;
	int			 rcvbuf;
};

static int capture_config(struct capture *c, uint8_t cmd, const struct capture_cfg *cfg)
{
	char buf[8192];	/* config request and its ack */
	struct nlmsghdr *nlh;
	uint32_t seq = (uint32_t)time(NULL);
	ssize_t n;
	int rc;

	nlh = nflog_nlmsg_put_header(buf, NFULNL_MSG_CONFIG, AF_UNSPEC, c->group);
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (nflog_attr_put_cfg_cmd(nlh, cmd) < 0)
		return -EMSGSIZE;
	if (cfg) {
		nflog_attr_put_cfg_mode(nlh, NFULNL_COPY_PACKET, cfg->copy_range);
		mnl_attr_put_u32(nlh, NFULA_CFG_NLBUFSIZ, htonl(cfg->nlbufsiz));
		mnl_attr_put_u32(nlh, NFULA_CFG_TIMEOUT, htonl(cfg->timeout_cs));
		mnl_attr_put_u32(nlh, NFULA_CFG_QTHRESH, htonl(cfg->qthresh));
		mnl_attr_put_u16(nlh, NFULA_CFG_FLAGS, htons(NFULNL_CFG_F_SEQ));
	}
	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	if (cmd != NFULNL_CFG_CMD_BIND)
		return 0;	/* unbind: the ack arrives among the flushed packets */
	/* Wait for our ack. Packets do not precede it in practice: the new
	 * instance holds them until its flush timer fires at a timer tick,
	 * which is long after this reply; one that did would be consumed here
	 * and counted as a sequence gap, not lost silently. */
	for (;;) {
		n = mnl_socket_recvfrom(c->nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		rc = mnl_cb_run(buf, (size_t)n, seq, c->portid, NULL, NULL);
		if (rc < 0)
			return -errno;
		if (rc == MNL_CB_STOP)
			return 0;
	}
}

struct capture *capture_open(const struct capture_cfg *cfg, char *err, size_t errlen)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = CAPTURE_RCVTIMEO_MS * 1000 };
	struct capture *c;
	socklen_t sl;
	int rc, e, fd, v;

	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->group = cfg->group;
	c->nlbufsiz = cfg->nlbufsiz;
	c->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!c->nl) {
		e = errno;
		snprintf(err, errlen, "socket(NETLINK_NETFILTER): %s", strerror(e));
		goto fail;
	}
	if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		e = errno;
		snprintf(err, errlen, "netlink bind: %s", strerror(e));
		goto fail;
	}
	c->portid = mnl_socket_get_portid(c->nl);
	fd = mnl_socket_get_fd(c->nl);

	/* SO_RCVBUFFORCE ignores net.core.rmem_max (CAP_NET_ADMIN); fall back
	 * to the capped SO_RCVBUF so an unprivileged test run still works. */
	v = (int)cfg->rcvbuf;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	sl = sizeof(c->rcvbuf);
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &c->rcvbuf, &sl);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		e = errno;
		snprintf(err, errlen, "SO_RCVTIMEO: %s", strerror(e));
		goto fail;
	}

	rc = capture_config(c, NFULNL_CFG_CMD_BIND, cfg);
	if (rc < 0) {
		e = -rc;
		if (e == EBUSY)
			snprintf(err, errlen, "NFLOG group %u is already bound by another "
				 "process (ulogd? another nflogd?)", cfg->group);
		else if (e == EPERM)
			snprintf(err, errlen, "binding NFLOG group %u needs CAP_NET_ADMIN "
				 "(run as root)", cfg->group);
		else if (e == ENOENT || e == EOPNOTSUPP || e == EPROTONOSUPPORT)
			snprintf(err, errlen, "kernel has no NFLOG support (module "
				 "nfnetlink_log): %s", strerror(e));
		else
			snprintf(err, errlen, "binding NFLOG group %u: %s", cfg->group,
				 strerror(e));
		goto fail;
	}
	return c;
fail:
	capture_close(c);
	errno = e;
	return NULL;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	if (c->nl)
		mnl_socket_close(c->nl);
	free(c);
}

int capture_fd(const struct capture *c)
{
	return mnl_socket_get_fd(c->nl);
}

uint16_t capture_group(const struct capture *c)
{
	return c->group;
}

int capture_rcvbuf(const struct capture *c)
{
	return c->rcvbuf;
}

size_t capture_recv_size(const struct capture *c)
{
	/* A requested nlbufsiz lands in the next kmalloc bucket (65000 -> 64
	 * KiB, 65536 -> 128 KiB); four times it covers the largest bucket. */
	size_t n = (size_t)c->nlbufsiz * 4;

	return n < 262144 ? 262144 : n;
}

int capture_unbind(struct capture *c)
{
	return capture_config(c, NFULNL_CFG_CMD_UNBIND, NULL);
}

int64_t capture_sock_drops(const struct capture *c)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	if (getsockopt(capture_fd(c), SOL_SOCKET, SO_MEMINFO, mem, &len) < 0)
		return -errno;
	if (len < (SK_MEMINFO_DROPS + 1) * sizeof(uint32_t))
		return -EOPNOTSUPP;
	return mem[SK_MEMINFO_DROPS];
}
