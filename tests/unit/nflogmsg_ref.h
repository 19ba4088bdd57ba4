/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nflogmsg_ref.h - the reference for nflogmsg_parse(): the same result built
 * on libnetfilter_log's nflog_nlmsg_parse() (what nflogd used before it
 * walked the attributes itself). Tests and the nflogmsg fuzz target parse
 * every message both ways and require the same answer. */
#ifndef NFLOGD_NFLOGMSG_REF_H
#define NFLOGD_NFLOGMSG_REF_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnetfilter_log/libnetfilter_log.h>

#include "capture/nflogmsg.h"

static inline uint64_t nflogmsg_ref_be64(const uint8_t *p)
{
	uint32_t hi, lo;

	memcpy(&hi, p, 4);
	memcpy(&lo, p + 4, 4);
	return (uint64_t)ntohl(hi) << 32 | ntohl(lo);
}

static inline int nflogmsg_parse_ref(const struct nlmsghdr *nlh, struct nflog_msg *m)
{
	struct nlattr *tb[NFULA_MAX + 1] = { NULL };
	const struct nlattr *attr;

	memset(m, 0, sizeof(*m));
	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_ULOG ||
	    NFNL_MSG_TYPE(nlh->nlmsg_type) != NFULNL_MSG_PACKET)
		return -ENOMSG;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct nfgenmsg))
		return -EBADMSG;
	m->family = ((const struct nfgenmsg *)mnl_nlmsg_get_payload(nlh))->nfgen_family;
	if (nflog_nlmsg_parse(nlh, tb) != MNL_CB_OK)
		return -EBADMSG;
	mnl_attr_for_each(attr, nlh, sizeof(struct nfgenmsg))
		;
	if ((const char *)attr != (const char *)mnl_nlmsg_get_payload_tail(nlh))
		return -EBADMSG;
	if (tb[NFULA_PACKET_HDR]) {
		const struct nfulnl_msg_packet_hdr *ph = mnl_attr_get_payload(tb[NFULA_PACKET_HDR]);

		m->hw_protocol = ntohs(ph->hw_protocol);
		m->hook = ph->hook;
	}
	if (tb[NFULA_PAYLOAD]) {
		m->payload = mnl_attr_get_payload(tb[NFULA_PAYLOAD]);
		m->payload_len = mnl_attr_get_payload_len(tb[NFULA_PAYLOAD]);
	}
	if (tb[NFULA_PREFIX]) {
		m->prefix = mnl_attr_get_str(tb[NFULA_PREFIX]);
		m->prefix_len = strnlen(m->prefix, mnl_attr_get_payload_len(tb[NFULA_PREFIX]));
	}
	if (tb[NFULA_SEQ]) {
		m->seq = ntohl(mnl_attr_get_u32(tb[NFULA_SEQ]));
		m->have_seq = true;
	}
	if (tb[NFULA_TIMESTAMP]) {
		const uint8_t *ts = mnl_attr_get_payload(tb[NFULA_TIMESTAMP]);

		m->ts_ns = nflogmsg_ref_be64(ts) * 1000000000u + nflogmsg_ref_be64(ts + 8) * 1000u;
	}
	if (tb[NFULA_IFINDEX_INDEV])
		m->ifindex_in = ntohl(mnl_attr_get_u32(tb[NFULA_IFINDEX_INDEV]));
	if (tb[NFULA_IFINDEX_OUTDEV])
		m->ifindex_out = ntohl(mnl_attr_get_u32(tb[NFULA_IFINDEX_OUTDEV]));
	if (tb[NFULA_MARK])
		m->mark = ntohl(mnl_attr_get_u32(tb[NFULA_MARK]));
	if (tb[NFULA_HWTYPE])
		m->hw_type = ntohs(mnl_attr_get_u16(tb[NFULA_HWTYPE]));
	if (tb[NFULA_HWLEN])
		m->hw_len = ntohs(mnl_attr_get_u16(tb[NFULA_HWLEN]));
	if (tb[NFULA_HWHEADER]) {
		m->hw_header = mnl_attr_get_payload(tb[NFULA_HWHEADER]);
		m->hw_header_len = mnl_attr_get_payload_len(tb[NFULA_HWHEADER]);
	}
	if (tb[NFULA_HWADDR]) {
		const struct nfulnl_msg_packet_hw *hw = mnl_attr_get_payload(tb[NFULA_HWADDR]);
		uint16_t n = ntohs(hw->hw_addrlen);

		m->hw_addr_len = n < 8 ? n : 8;
		memcpy(m->hw_addr, hw->hw_addr, 8);
	}
	return 0;
}

/* Field by field (the struct has padding): true when a and b agree. */
static inline bool nflogmsg_same(const struct nflog_msg *a, const struct nflog_msg *b)
{
	return a->payload == b->payload && a->payload_len == b->payload_len &&
	       a->prefix == b->prefix && a->prefix_len == b->prefix_len &&
	       a->ts_ns == b->ts_ns && a->seq == b->seq && a->have_seq == b->have_seq &&
	       a->ifindex_in == b->ifindex_in && a->ifindex_out == b->ifindex_out &&
	       a->mark == b->mark && a->hw_protocol == b->hw_protocol &&
	       a->hook == b->hook && a->family == b->family && a->hw_type == b->hw_type &&
	       a->hw_len == b->hw_len && a->hw_header == b->hw_header &&
	       a->hw_header_len == b->hw_header_len && a->hw_addr_len == b->hw_addr_len &&
	       !memcmp(a->hw_addr, b->hw_addr, sizeof(a->hw_addr));
}

#endif
