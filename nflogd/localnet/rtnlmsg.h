/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtnlmsg.h - rtnetlink address and link messages, parsed bounds-checked and applied to an addrtab builder. */
#ifndef NFLOGD_RTNLMSG_H
#define NFLOGD_RTNLMSG_H

#include <stdbool.h>
#include <stddef.h>

#include "localnet/addrtab.h"

/* What one datagram held: messages applied to the builder (a refused add,
 * past a cap, counts as ignored: the builder counts the overflow), ignored
 * (other types, NLMSG_ERROR and NLMSG_DONE, AF_BRIDGE link events), bad (malformed: skipped, never
 * applied; also added to the builder's bad_msg). done: NLMSG_DONE seen;
 * dump_interrupted: NLM_F_DUMP_INTR on any message; error: the negative errno
 * of an NLMSG_ERROR (or of an NLMSG_DONE that carries one), 0 if none. */
struct rtnlmsg_result {
	unsigned	 applied;
	unsigned	 ignored;
	unsigned	 bad;
	bool		 done;
	bool		 dump_interrupted;
	int		 error;
};

/*
 * rtnlmsg_batch - walk the messages of one received datagram buf[0..len)
 * (4-byte aligned, as recvmsg() fills a netlink buffer) and apply RTM_NEWADDR/RTM_DELADDR (ifaddrmsg + IFA_LOCAL, IFA_ADDRESS,
 * IFA_BROADCAST) and RTM_NEWLINK/RTM_DELLINK (ifinfomsg + IFLA_ADDRESS,
 * IFLA_IFNAME) to b. The walk stops at a header shorter than a header, at
 * one whose aligned length runs past the datagram (one bad) and after
 * NLMSG_DONE; nlmsg_len is never trusted beyond len. A message with a short
 * header, an attribute running past it, an address of the wrong length, a
 * prefix length too large or a family other than AF_INET/AF_INET6 is bad.
 * *res is overwritten, not added to.
 */
void rtnlmsg_batch(struct addrtab_build *b, const void *buf, size_t len, struct rtnlmsg_result *res);

#endif
