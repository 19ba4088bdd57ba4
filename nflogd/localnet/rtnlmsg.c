/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtnlmsg.c - rtnetlink RTM_{NEW,DEL}{ADDR,LINK} messages (include/uapi/linux/rtnetlink.h), parsed bounds-checked into an addrtab builder.
 *
 *   +----------+-------------------------------+-----------------------------+
 *   | nlmsghdr | ifaddrmsg (8)                 | IFA_ADDRESS, IFA_LOCAL,     |
 *   | NEWADDR  | family, prefixlen, flags,     | IFA_BROADCAST, ... (TLV,    |
 *   | DELADDR  | scope, index                  | 4-byte aligned)             |
 *   +----------+-------------------------------+-----------------------------+
 *   | NEWLINK  | ifinfomsg (16)                | IFLA_ADDRESS, IFLA_IFNAME,  |
 *   | DELLINK  | family, type, index, flags,   | ...                         |
 *   |          | change                        |                             |
 *   +----------+-------------------------------+-----------------------------+
 *
 * The walk is nflogmsg.c's: a message is framed only when its aligned length
 * is inside the datagram; an attribute is walked while its header and length
 * fit what is left of the message, and the walk must end exactly at the
 * message's aligned end, or the message is bad; of a repeated type the last
 * one counts. The bytes come from the kernel (the socket drops anything
 * else), but a parser that trusts them is one kernel change away from an
 * over-read, so every length is checked before use.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "localnet/rtnlmsg.h"

#define RTNLMSG_ATTRS	5	/* types 0..4 kept: IFA_BROADCAST (4) and IFLA_IFNAME (3) are the highest read */

_Static_assert(IFA_BROADCAST < RTNLMSG_ATTRS && IFLA_IFNAME < RTNLMSG_ATTRS &&
	       IFA_LOCAL < RTNLMSG_ATTRS && IFLA_ADDRESS < RTNLMSG_ATTRS, "attribute table size");

/* The attributes of one message: payload and length per type, NULL when
 * absent. */
struct rtnlmsg_attrs {
	const uint8_t	*p[RTNLMSG_ATTRS];
	uint16_t	 len[RTNLMSG_ATTRS];
};

/* rtnlmsg_walk - the attributes after the hdrlen-byte family header; false
 * when the message cannot hold that header or an attribute does not fit. The
 * caller guarantees NLA_ALIGN(nlmsg_len) bytes at nlh. */
static bool rtnlmsg_walk(const struct nlmsghdr *nlh, size_t hdrlen, struct rtnlmsg_attrs *a)
{
	const uint8_t *at, *tail;

	memset(a, 0, sizeof(*a));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + hdrlen)
		return false;
	at = (const uint8_t *)nlh + NLMSG_HDRLEN + NLA_ALIGN(hdrlen);
	tail = (const uint8_t *)nlh + NLA_ALIGN((size_t)nlh->nlmsg_len);
	if (at > tail)
		return false;
	while (tail - at >= (ptrdiff_t)sizeof(struct nlattr)) {
		struct nlattr h;
		uint16_t type;

		memcpy(&h, at, sizeof(h));
		if (h.nla_len < sizeof(h) || h.nla_len > tail - at)
			return false;
		type = h.nla_type & NLA_TYPE_MASK;
		if (type < RTNLMSG_ATTRS) {
			a->p[type] = at + sizeof(h);
			a->len[type] = (uint16_t)(h.nla_len - sizeof(h));
		}
		at += NLA_ALIGN((size_t)h.nla_len);
	}
	return at == tail;
}

/* Outcome of one message, for the result's counters. */
enum rtnlmsg_outcome { RTNLMSG_APPLIED, RTNLMSG_IGNORED, RTNLMSG_BAD };

static enum rtnlmsg_outcome rtnlmsg_addr(struct addrtab_build *b, const struct nlmsghdr *nlh)
{
	struct rtnlmsg_attrs a;
	struct ifaddrmsg ifa;
	const uint8_t *own, *bcast = NULL;
	uint8_t addr[16] = { 0 };
	unsigned family, alen, plen;

	if (!rtnlmsg_walk(nlh, sizeof(ifa), &a))
		return RTNLMSG_BAD;
	memcpy(&ifa, (const uint8_t *)nlh + NLMSG_HDRLEN, sizeof(ifa));
	if (ifa.ifa_family != AF_INET && ifa.ifa_family != AF_INET6)
		return RTNLMSG_BAD;
	family = ifa.ifa_family == AF_INET ? 4 : 6;
	alen = family == 4 ? 4 : 16;
	plen = ifa.ifa_prefixlen;
	if (plen > alen * 8)
		return RTNLMSG_BAD;
	if ((a.p[IFA_ADDRESS] && a.len[IFA_ADDRESS] != alen) ||
	    (a.p[IFA_LOCAL] && a.len[IFA_LOCAL] != alen) ||
	    (family == 4 && a.p[IFA_BROADCAST] && a.len[IFA_BROADCAST] != 4))
		return RTNLMSG_BAD;
	/* IFA_LOCAL is the address; IFA_ADDRESS is the same, or the peer on a
	 * point-to-point link (both families), where the prefix length is the
	 * peer's: the local address is then taken alone. */
	own = a.p[IFA_LOCAL] ? a.p[IFA_LOCAL] : a.p[IFA_ADDRESS];
	if (!own)
		return RTNLMSG_BAD;
	if (a.p[IFA_LOCAL] && a.p[IFA_ADDRESS] && memcmp(a.p[IFA_LOCAL], a.p[IFA_ADDRESS], alen) != 0)
		plen = alen * 8;
	if (family == 4)
		bcast = a.p[IFA_BROADCAST];
	memcpy(addr, own, alen);
	if (addrtab_build_addr(b, nlh->nlmsg_type == RTM_NEWADDR, family, addr, plen, ifa.ifa_index,
			       bcast) < 0)
		return RTNLMSG_IGNORED;
	return RTNLMSG_APPLIED;
}

static enum rtnlmsg_outcome rtnlmsg_link(struct addrtab_build *b, const struct nlmsghdr *nlh)
{
	struct rtnlmsg_attrs a;
	struct ifinfomsg ifi;
	char name[ADDRTAB_IFNAME_MAX] = "";
	const uint8_t *n;

	if (!rtnlmsg_walk(nlh, sizeof(ifi), &a))
		return RTNLMSG_BAD;
	memcpy(&ifi, (const uint8_t *)nlh + NLMSG_HDRLEN, sizeof(ifi));
	/* AF_BRIDGE link messages are about bridge ports: their RTM_DELLINK
	 * takes a port out of a bridge and must not delete the interface. */
	if (ifi.ifi_family != AF_UNSPEC)
		return RTNLMSG_IGNORED;
	if (a.p[IFLA_ADDRESS] && a.len[IFLA_ADDRESS] > ADDRTAB_HWADDR_MAX)
		return RTNLMSG_BAD;
	n = a.p[IFLA_IFNAME];
	if (n) {
		size_t l = strnlen((const char *)n, a.len[IFLA_IFNAME]);

		if (l == a.len[IFLA_IFNAME] || l >= sizeof(name))
			return RTNLMSG_BAD;	/* no NUL, or longer than IFNAMSIZ */
		memcpy(name, n, l);
	}
	if (addrtab_build_link(b, nlh->nlmsg_type == RTM_NEWLINK, (uint32_t)ifi.ifi_index,
			       a.p[IFLA_ADDRESS], a.p[IFLA_ADDRESS] ? a.len[IFLA_ADDRESS] : 0,
			       ifi.ifi_flags, n ? name : NULL) < 0)
		return RTNLMSG_IGNORED;
	return RTNLMSG_APPLIED;
}

/* NLMSG_ERROR (an ack when error is 0) and NLMSG_DONE (whose int, when
 * present, is the dump's own error) both start with an int. */
static enum rtnlmsg_outcome rtnlmsg_status(const struct nlmsghdr *nlh, struct rtnlmsg_result *res)
{
	int error;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(error)) {
		if (nlh->nlmsg_type == NLMSG_ERROR)
			return RTNLMSG_BAD;
		res->done = true;		/* an old kernel's bare DONE */
		return RTNLMSG_IGNORED;
	}
	memcpy(&error, (const uint8_t *)nlh + NLMSG_HDRLEN, sizeof(error));
	if (error < 0)
		res->error = error;
	if (nlh->nlmsg_type == NLMSG_DONE)
		res->done = true;
	return RTNLMSG_IGNORED;
}

static enum rtnlmsg_outcome rtnlmsg_one(struct addrtab_build *b, const struct nlmsghdr *nlh,
					struct rtnlmsg_result *res)
{
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		res->dump_interrupted = true;
	switch (nlh->nlmsg_type) {
	case RTM_NEWADDR:
	case RTM_DELADDR:
		return rtnlmsg_addr(b, nlh);
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return rtnlmsg_link(b, nlh);
	case NLMSG_ERROR:
	case NLMSG_DONE:
		return rtnlmsg_status(nlh, res);
	default:
		return RTNLMSG_IGNORED;
	}
}

void rtnlmsg_batch(struct addrtab_build *b, const void *buf, size_t len, struct rtnlmsg_result *res)
{
	const uint8_t *p = buf;

	memset(res, 0, sizeof(*res));
	while (len >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const void *)p;
		size_t step;

		if (nlh->nlmsg_len < sizeof(*nlh) || NLA_ALIGN((size_t)nlh->nlmsg_len) > len) {
			res->bad++;	/* the rest of the datagram cannot be framed */
			break;
		}
		switch (rtnlmsg_one(b, nlh, res)) {
		case RTNLMSG_APPLIED:
			res->applied++;
			break;
		case RTNLMSG_IGNORED:
			res->ignored++;
			break;
		case RTNLMSG_BAD:
			res->bad++;
			break;
		}
		if (res->done)
			break;
		step = NLA_ALIGN((size_t)nlh->nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	if (res->bad)
		addrtab_build_note_bad(b, res->bad);
}
