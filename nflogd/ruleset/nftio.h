/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nftio.h - netlink plumbing for talking to nf_tables through libmnl and
 * libnftnl: a socket per call, dumps, and all-or-nothing batches. */
#ifndef NFLOGD_NFTIO_H
#define NFLOGD_NFTIO_H

#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#define NFTIO_BUF	(256 * 1024)	/* batch limit; the buffer is twice that */

struct nftio {
	struct mnl_socket	*sock;
	uint32_t		 portid;
	uint32_t		 seq;
	char			*buf;
};

/* A batch under construction: begin, messages with NLM_F_ACK, end. */
struct nftio_batch {
	struct mnl_nlmsg_batch	*b;
	struct nftio		*nl;
	unsigned		 nmsg;
	int			 overflow;
};

/* nftio_errno - message for errno e (EPERM: "needs CAP_NET_ADMIN"); -e. */
int nftio_errno(int e, const char *what, char *err, size_t errlen);

int nftio_open(struct nftio *nl, char *err, size_t errlen);
void nftio_close(struct nftio *nl);

/* nftio_dump - send a dump request, feed every answer to cb until done. */
int nftio_dump(struct nftio *nl, uint16_t type, uint16_t family, mnl_cb_t cb, void *data,
	       char *err, size_t errlen);

void nftio_batch_start(struct nftio_batch *bt, struct nftio *nl);
/* nftio_batch_msg - header of the next message (NLM_F_ACK added). */
struct nlmsghdr *nftio_batch_msg(struct nftio_batch *bt, uint16_t type, uint16_t family,
				 uint16_t flags);
void nftio_batch_next(struct nftio_batch *bt);
/* nftio_batch_send - end, send, collect one ack per message; the kernel
 * applies all of the batch or none of it. 0 or -errno with a message. */
int nftio_batch_send(struct nftio_batch *bt, const char *what, char *err, size_t errlen);

/* nftio_comment - the comment TLV (type 0) of table or rule userdata. */
void nftio_comment(const void *ud, uint32_t len, char *buf, size_t buflen);

#endif
