/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtnl.c - the NETLINK_ROUTE socket: one full dump of links and addresses, then the kernel's change events, into an addrtab builder.
 *
 * rtnetlink events are best effort: when the socket's buffer overflows the
 * kernel drops them and says so once (ENOBUFS), and a dump that raced a
 * change carries NLM_F_DUMP_INTR. Either way the only way back to the truth
 * is to forget everything and dump again, which is what rtnl_read() does.
 *
 * Waiting for a dump: the kernel builds the first part of a dump inside the
 * sendto() of the request and each further part inside the recvmsg() that
 * drains the previous one, so the answer is always close. The socket blocks
 * (bounded by SO_RCVTIMEO) instead of being O_NONBLOCK, so that a re-dump
 * after privileges are dropped waits with recvmsg() alone, without poll();
 * reads of pending events pass MSG_DONTWAIT.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "localnet/rtnl.h"
#include "localnet/rtnlmsg.h"
#include "util/errbuf.h"

#define RTNL_BUF	32768		/* the kernel's largest dump part (netlink_recvmsg caps at 32 KiB) */
#define RTNL_RCVBUF	(1 << 20)	/* room for a burst of events (an interface with many addresses going away) */
#define RTNL_WAIT_S	5		/* the longest wait for one part of a dump */
#define RTNL_DUMP_TRIES	4		/* full dumps in a row before settling for the last one */

struct rtnl {
	struct mnl_socket	*nl;
	int			 fd;
	uint32_t		 seq;
	uint8_t			*buf;		/* RTNL_BUF bytes, malloc-aligned */
};

/* What the datagrams read so far said. */
struct rtnl_state {
	bool	 done;		/* NLMSG_DONE of the dump */
	bool	 again;		/* lost or inconsistent: dump again */
	int	 error;		/* an NLMSG_ERROR's negative errno */
};

/* rtnl_take - receive one datagram and apply it. 1 when one was handled (or
 * the call was interrupted), 0 when none is pending (MSG_DONTWAIT) or the
 * wait timed out, -errno on a socket error. */
static int rtnl_take(struct rtnl *r, struct addrtab_build *b, int flags, struct rtnl_state *st)
{
	struct sockaddr_nl from;
	struct iovec iov = { .iov_base = r->buf, .iov_len = RTNL_BUF };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			     .msg_iovlen = 1 };
	struct rtnlmsg_result res;
	ssize_t n = recvmsg(r->fd, &mh, flags);

	if (n < 0) {
		if (errno == EINTR)
			return 1;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		if (errno == ENOBUFS) {
			st->again = true;	/* events were dropped */
			return 1;
		}
		return -errno;
	}
	/* Only the kernel may speak to us; another process with CAP_NET_ADMIN
	 * could send to our port id. */
	if (mh.msg_namelen != sizeof(from) || from.nl_pid != 0) {
		addrtab_build_note_bad(b, 1);
		return 1;
	}
	if (mh.msg_flags & MSG_TRUNC) {
		/* What fits is still applied (its last message is cut and
		 * counts as bad): it may hold the dump's NLMSG_DONE. */
		addrtab_build_note_bad(b, 1);
		st->again = true;
	}
	rtnlmsg_batch(b, r->buf, (size_t)n, &res);
	st->done |= res.done;
	st->again |= res.dump_interrupted;
	if (res.error)
		st->error = res.error;
	return 1;
}

/* rtnl_request - ask for a dump of every link or every address. */
static int rtnl_request(struct rtnl *r, uint16_t type, char *err, size_t errlen)
{
	_Alignas(4) uint8_t buf[NLMSG_HDRLEN + 32] = { 0 };
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++r->seq;
	/* The whole family header, zeroed (family AF_UNSPEC: both IPv4 and
	 * IPv6): kernels with strict checking refuse a bare rtgenmsg. */
	if (type == RTM_GETLINK)
		mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	else
		mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifaddrmsg));
	if (sendto(r->fd, nlh, nlh->nlmsg_len, 0, (const struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		int e = errno;

		errbuf_set(err, errlen, "rtnetlink: sending the dump request: %s", strerror(e));
		errno = e;
		return -1;
	}
	return 0;
}

/* rtnl_dump - one dump, read to its NLMSG_DONE; *again set when it must be
 * done again. -1 with err and errno on failure. */
static int rtnl_dump(struct rtnl *r, struct addrtab_build *b, uint16_t type, bool *again,
		     char *err, size_t errlen)
{
	const char *what = type == RTM_GETLINK ? "link" : "address";
	struct rtnl_state st = { 0 };
	int e = 0;

	if (rtnl_request(r, type, err, errlen) < 0)
		return -1;
	while (!st.done) {
		int rc = rtnl_take(r, b, 0, &st);

		if (rc < 0 || st.error) {
			e = rc < 0 ? -rc : -st.error;
			break;
		}
		if (rc == 0) {
			if (st.again)
				break;	/* a cut datagram took the NLMSG_DONE with it */
			e = ETIMEDOUT;
			break;
		}
	}
	if (e == ETIMEDOUT)
		errbuf_set(err, errlen, "rtnetlink %s dump: no answer within %d s", what, RTNL_WAIT_S);
	else if (e)
		errbuf_set(err, errlen, "rtnetlink %s dump: %s", what, strerror(e));
	if (e) {
		errno = e;
		return -1;
	}
	*again |= st.again;
	return 0;
}

/* rtnl_redump - forget b and fill it again from full dumps, until one is
 * consistent or RTNL_DUMP_TRIES were not: the last is kept then, and the
 * events that follow still apply to it. */
static int rtnl_redump(struct rtnl *r, struct addrtab_build *b, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < RTNL_DUMP_TRIES; i++) {
		bool again = false;

		addrtab_build_reset(b);
		if (rtnl_dump(r, b, RTM_GETLINK, &again, err, errlen) < 0 ||
		    rtnl_dump(r, b, RTM_GETADDR, &again, err, errlen) < 0)
			return -1;
		if (!again)
			break;
	}
	return 0;
}

/* rtnl_fail - rtnl_open's way out: err filled, errno kept for the caller. */
static struct rtnl *rtnl_fail(struct rtnl *r, int e, char *err, size_t errlen, const char *what)
{
	if (what)
		errbuf_set(err, errlen, "rtnetlink: %s: %s", what, strerror(e));
	rtnl_close(r);
	errno = e;
	return NULL;
}

struct rtnl *rtnl_open(struct addrtab_build *b, char *err, size_t errlen)
{
	struct timeval wait = { .tv_sec = RTNL_WAIT_S };
	int rcvbuf = RTNL_RCVBUF;
	struct rtnl *r = calloc(1, sizeof(*r));

	if (!r || !(r->buf = malloc(RTNL_BUF)))
		return rtnl_fail(r, ENOMEM, err, errlen, "allocating");
	r->fd = -1;
	r->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!r->nl)
		return rtnl_fail(r, errno, err, errlen, "socket");
	r->fd = mnl_socket_get_fd(r->nl);
	/* SO_RCVBUFFORCE passes rmem_max while we still may (CAP_NET_ADMIN);
	 * otherwise the capped SO_RCVBUF, and a small buffer only means more
	 * re-dumps. */
	if (setsockopt(r->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (setsockopt(r->fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait)) < 0)
		return rtnl_fail(r, errno, err, errlen, "SO_RCVTIMEO");
	if (mnl_socket_bind(r->nl, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
			    MNL_SOCKET_AUTOPID) < 0)
		return rtnl_fail(r, errno, err, errlen, "bind");
	if (rtnl_redump(r, b, err, errlen) < 0)
		return rtnl_fail(r, errno, err, errlen, NULL);
	return r;
}

int rtnl_fd(const struct rtnl *r)
{
	return r->fd;
}

int rtnl_read(struct rtnl *r, struct addrtab_build *b, uint64_t *redumps, char *err, size_t errlen)
{
	struct rtnl_state st = { 0 };
	int rc;

	/* Drain first: a re-dump must start after the events already queued,
	 * or a stale one would be applied on top of it. */
	while ((rc = rtnl_take(r, b, MSG_DONTWAIT, &st)) > 0)
		;
	if (rc < 0) {
		errbuf_set(err, errlen, "rtnetlink: %s", strerror(-rc));
		return -1;
	}
	if (!st.again)
		return 0;
	if (redumps)
		(*redumps)++;
	return rtnl_redump(r, b, err, errlen);
}

void rtnl_close(struct rtnl *r)
{
	if (!r)
		return;
	if (r->nl)
		mnl_socket_close(r->nl);
	free(r->buf);
	free(r);
}
