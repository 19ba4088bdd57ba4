/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nflogmsg.h - one NFULNL_MSG_PACKET netlink message, parsed. */
#ifndef NFLOGD_NFLOGMSG_H
#define NFLOGD_NFLOGMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

/* Views into the message: pointers stay valid while its buffer does. Every
 * attribute is optional; absent ones are zero/NULL and have_* false. */
struct nflog_msg {
	const uint8_t	*payload;	/* L3 packet bytes, NULL when absent */
	uint16_t	 payload_len;
	const char	*prefix;	/* NUL-terminated, NULL when absent */
	size_t		 prefix_len;	/* without the NUL */
	uint64_t	 ts_ns;		/* NFULA_TIMESTAMP, 0 when absent */
	uint32_t	 seq;
	uint32_t	 ifindex_in;
	uint32_t	 ifindex_out;
	uint32_t	 mark;
	const uint8_t	*hw_header;	/* NFULA_HWHEADER: the link-layer header, NULL when absent */
	uint16_t	 hw_header_len;
	uint16_t	 hw_type;	/* NFULA_HWTYPE: ARPHRD_* of the input device, 0 = absent */
	uint16_t	 hw_len;	/* NFULA_HWLEN: that device's hard_header_len */
	uint16_t	 hw_addr_len;	/* NFULA_HWADDR: bytes valid in hw_addr (<= 8) */
	uint8_t		 hw_addr[8];	/* the sender's link-layer address */
	uint16_t	 hw_protocol;	/* ethertype, host order */
	uint8_t		 hook;
	uint8_t		 family;	/* nfgen_family: NFPROTO_IPV4, ... */
	bool		 have_seq;
};

/*
 * nflogmsg_parse - parse one NFLOG packet message, accepting and refusing
 * exactly what libnetfilter_log's nflog_nlmsg_parse() does (see nflogmsg.c).
 * The buffer must hold NLMSG_ALIGN(nlh->nlmsg_len) bytes (nflogmsg_batch
 * checks that). Returns 0, -ENOMSG when it is not a packet message, or
 * -EBADMSG.
 */
int nflogmsg_parse(const struct nlmsghdr *nlh, struct nflog_msg *m);

/*
 * nflogmsg_batch - walk the netlink messages of one received datagram and
 * call cb for each NFLOG packet message (parsed into *m); other message
 * types (acks, NLMSG_DONE, noise) are skipped. The walk stops at the first
 * header whose length is below a header or whose aligned length is beyond
 * the datagram (mnl_cb_run() does not guard against lengths above INT_MAX).
 * Returns the number of messages that failed to parse (cb not called).
 */
typedef void (*nflogmsg_cb)(const struct nflog_msg *m, void *arg);
unsigned nflogmsg_batch(const void *buf, size_t len, nflogmsg_cb cb, void *arg);

struct ring_hw;

/*
 * nflogmsg_link - the link layer of a parsed message as a record stores it:
 * the device type and header length, and for an Ethernet-style header
 * (ARPHRD_ETHER, loopback: 14 bytes, destination first) both addresses;
 * else the sender's address from NFULA_HWADDR when it is 6 bytes. Absent
 * attributes leave fields zero and their RING_HWF_* flags clear.
 */
void nflogmsg_link(const struct nflog_msg *m, struct ring_hw *hw);

#endif
