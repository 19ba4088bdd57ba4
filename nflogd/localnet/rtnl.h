/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtnl.h - the NETLINK_ROUTE socket that keeps an addrtab builder in step with the kernel: one full dump, then events. */
#ifndef NFLOGD_RTNL_H
#define NFLOGD_RTNL_H

#include <stddef.h>
#include <stdint.h>

#include "localnet/addrtab.h"

struct rtnl;

/*
 * rtnl_open - open NETLINK_ROUTE (libmnl), join the link, IPv4 address and
 * IPv6 address groups and fill b by a full dump (RTM_GETLINK, then
 * RTM_GETADDR for AF_UNSPEC, each read to its NLMSG_DONE; events arriving
 * meanwhile are applied too). Call it before privileges are dropped: what
 * follows only uses recvmsg() and sendto() on the open socket. The socket
 * itself blocks, with SO_RCVTIMEO as the bound on waiting for a dump's
 * answer; every other read passes MSG_DONTWAIT, so to callers it behaves as a
 * non-blocking descriptor. NULL with err (and errno, e.g. EPERM or
 * EAFNOSUPPORT where netlink is not allowed) on failure.
 */
struct rtnl *rtnl_open(struct addrtab_build *b, char *err, size_t errlen);

/* rtnl_fd - the descriptor to poll for input. */
int rtnl_fd(const struct rtnl *r);

/*
 * rtnl_read - read every datagram pending, without blocking, and apply it to
 * b. When events were lost (ENOBUFS), a datagram was cut (MSG_TRUNC, counted
 * as bad) or a dump reported NLM_F_DUMP_INTR, b is reset and re-dumped in
 * full before returning, and *redumps (may be NULL) counts it. Returns 0, or
 * -1 with err on any other socket error, or when a re-dump gets no answer.
 */
int rtnl_read(struct rtnl *r, struct addrtab_build *b, uint64_t *redumps, char *err, size_t errlen);

void rtnl_close(struct rtnl *r);

#endif
