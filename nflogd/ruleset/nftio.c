/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nftio.c - the netlink plumbing under nftrules.c and nftlist.c: one socket,
 * dumps, and batches whose every message is acknowledged. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/netfilter/nfnetlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/udata.h>

#include "util/errbuf.h"
#include "ruleset/nftio.h"

#define NFTIO_ACK_MS		5000	/* the kernel answers a batch at once */

/* The one message an admin needs when the kernel says EPERM. */
int nftio_errno(int e, const char *what, char *err, size_t errlen)
{
	if (e == EPERM || e == EACCES)
		errbuf_set(err, errlen, "%s: permission denied: changing or reading the "
			     "nftables ruleset needs CAP_NET_ADMIN (run as root)", what);
	else
		errbuf_set(err, errlen, "%s: %s", what, strerror(e));
	return -e;
}

int nftio_open(struct nftio *nl, char *err, size_t errlen)
{
	memset(nl, 0, sizeof(*nl));
	/* libmnl's batch lets the last message run past the limit. */
	nl->buf = malloc(2 * NFTIO_BUF);
	if (!nl->buf)
		return nftio_errno(ENOMEM, "nftables", err, errlen);
	nl->sock = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		if (nl->sock)
			mnl_socket_close(nl->sock);
		free(nl->buf);
		nl->sock = NULL;
		return nftio_errno(e, "nftables netlink socket", err, errlen);
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

void nftio_close(struct nftio *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->buf);
}

/* Send a dump request and feed every answer to cb until NLMSG_DONE. */
int nftio_dump(struct nftio *nl, uint16_t type, uint16_t family,
			 mnl_cb_t cb, void *data, char *err, size_t errlen)
{
	uint32_t seq = ++nl->seq;
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(nl->buf, type, family, NLM_F_DUMP, seq);
	ssize_t n;
	int rc;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return nftio_errno(errno, "nftables dump", err, errlen);
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, nl->buf, NFTIO_BUF);
		if (n < 0)
			return nftio_errno(errno, "nftables dump", err, errlen);
		rc = mnl_cb_run(nl->buf, (size_t)n, seq, nl->portid, cb, data);
		if (rc == MNL_CB_STOP)
			return 0;
		if (rc < 0)
			return nftio_errno(errno ? errno : EIO, "nftables dump", err, errlen);
	}
}

/* A batch under construction: begin, messages with NLM_F_ACK, end. */
void nftio_batch_start(struct nftio_batch *bt, struct nftio *nl)
{
	bt->nl = nl;
	bt->nmsg = 0;
	bt->overflow = 0;
	bt->b = mnl_nlmsg_batch_start(nl->buf, NFTIO_BUF);
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), ++nl->seq);
	mnl_nlmsg_batch_next(bt->b);
}

struct nlmsghdr *nftio_batch_msg(struct nftio_batch *bt, uint16_t type,
					   uint16_t family, uint16_t flags)
{
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type,
						     family, flags | NLM_F_ACK, ++bt->nl->seq);

	bt->nmsg++;
	return nlh;
}

void nftio_batch_next(struct nftio_batch *bt)
{
	/* false: this message went past the buffer's reserve; the batch is
	 * refused at send time rather than sent short. */
	if (!mnl_nlmsg_batch_next(bt->b))
		bt->overflow = 1;
}

/* Send, then collect one ack per message; the first error wins. The kernel
 * applies all of the batch or none of it. */
int nftio_batch_send(struct nftio_batch *bt, const char *what,
			       char *err, size_t errlen)
{
	struct nftio *nl = bt->nl;
	unsigned acks = 0;
	int first = 0;
	char *rx;

	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), ++nl->seq);
	mnl_nlmsg_batch_next(bt->b);
	if (bt->overflow) {
		mnl_nlmsg_batch_stop(bt->b);
		return nftio_errno(EMSGSIZE, what, err, errlen);
	}
	if (mnl_socket_sendto(nl->sock, mnl_nlmsg_batch_head(bt->b),
			      mnl_nlmsg_batch_size(bt->b)) < 0) {
		int e = errno;

		mnl_nlmsg_batch_stop(bt->b);
		return nftio_errno(e, what, err, errlen);
	}
	mnl_nlmsg_batch_stop(bt->b);
	rx = nl->buf;	/* the batch is sent: its buffer receives the acks */
	while (acks < bt->nmsg) {
		struct pollfd p = { .fd = mnl_socket_get_fd(nl->sock), .events = POLLIN };
		const struct nlmsghdr *h;
		ssize_t n;
		int left;

		if (poll(&p, 1, NFTIO_ACK_MS) <= 0)
			break;
		n = mnl_socket_recvfrom(nl->sock, rx, NFTIO_BUF);
		if (n < 0)
			return nftio_errno(errno, what, err, errlen);
		left = (int)n;
		for (h = (const struct nlmsghdr *)rx; mnl_nlmsg_ok(h, left);
		     h = mnl_nlmsg_next(h, &left)) {
			const struct nlmsgerr *e;

			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (h->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
				continue;
			e = mnl_nlmsg_get_payload(h);
			acks++;
			if (e->error < 0 && !first)
				first = -e->error;
		}
	}
	if (first)
		return nftio_errno(first, what, err, errlen);
	if (acks < bt->nmsg)
		return nftio_errno(ETIMEDOUT, what, err, errlen);
	return 0;
}

static int nftio_udata_cb(const struct nftnl_udata *attr, void *data)
{
	const struct nftnl_udata **tb = data;
	uint8_t type = nftnl_udata_type(attr);

	/* Table and rule comments share type 0 in their own spaces. */
	if (type == 0 && nftnl_udata_len(attr) > 0)
		tb[0] = attr;
	return 0;
}

void nftio_comment(const void *ud, uint32_t len, char *buf, size_t buflen)
{
	const struct nftnl_udata *tb[1] = { NULL };
	const char *s;
	uint32_t n;

	buf[0] = '\0';
	if (!ud || !len || nftnl_udata_parse(ud, len, nftio_udata_cb, tb) < 0 || !tb[0])
		return;
	s = nftnl_udata_get(tb[0]);
	n = nftnl_udata_len(tb[0]);
	snprintf(buf, buflen, "%.*s", (int)strnlen(s, n), s);
}

