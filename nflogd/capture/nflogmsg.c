/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nflogmsg.c - parse one NFULNL_MSG_PACKET (include/uapi/linux/netfilter/nfnetlink_log.h).
 *
 *   +----------+----------------+----------------------------------------+
 *   | nlmsghdr | nfgenmsg       | attributes (TLV, 4-byte aligned):       |
 *   | type =   | family, ver,   |  PACKET_HDR {be16 hw_protocol, u8 hook} |
 *   | ULOG<<8  | res_id = group |  MARK, TIMESTAMP, IFINDEX_*, PREFIX,    |
 *   | | PACKET |                |  SEQ (be32), PAYLOAD (the L3 packet),   |
 *   |          |                |  HWTYPE, HWLEN (be16), HWHEADER, HWADDR |
 *   +----------+----------------+----------------------------------------+
 *
 * The kernel (nfnetlink_log.c) adds HWTYPE, HWLEN and HWHEADER only on an
 * input hook whose packet has a link-layer header (not on output, not from
 * tun/wireguard), and HWADDR when the device can parse a source address.
 *
 * This is the per-packet path, so the attributes are walked here in one
 * inline loop instead of through libnetfilter_log's nflog_nlmsg_parse()
 * (a callback and one or two libmnl calls through the PLT per attribute, and
 * a second walk to see that the attributes fill the message): 1914 against
 * about 300 instructions per message. The rules are the library's, so that
 * both accept and refuse the same messages (tests/unit/test_nflogmsg.c and
 * the nflogmsg fuzz target compare the two on every input):
 *   - an attribute is walked while its header fits what is left of the
 *     aligned message and its length covers the header and fits too;
 *   - types above NFULA_MAX are skipped; a known type of the wrong size
 *     (exact, for fixed-size ones) or a PREFIX without its NUL refuses the
 *     whole message; of a repeated type the last one counts;
 *   - the walk must end exactly at the message's aligned end.
 * Every attribute stays optional.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

#include <linux/if_arp.h>

#include "capture/nflogmsg.h"
#include "ring/ringfmt.h"

#define NFLOGMSG_NUL	0xffffu		/* size rule: a NUL-terminated string */

/* Messages and attributes both pad to 4 bytes. Lengths are aligned with
 * NLA_ALIGN() on a size_t: NLMSG_ALIGN()'s unsigned int mask would cut the
 * high half of a size_t, and on a u32 both would wrap near 4 GiB. */

/* Payload size each known attribute must have; 0 = any. */
static const uint16_t nflogmsg_size[NFULA_MAX + 1] = {
	[NFULA_PACKET_HDR]		= sizeof(struct nfulnl_msg_packet_hdr),
	[NFULA_MARK]			= 4,
	[NFULA_TIMESTAMP]		= sizeof(struct nfulnl_msg_packet_timestamp),
	[NFULA_IFINDEX_INDEV]		= 4,
	[NFULA_IFINDEX_OUTDEV]		= 4,
	[NFULA_IFINDEX_PHYSINDEV]	= 4,
	[NFULA_IFINDEX_PHYSOUTDEV]	= 4,
	[NFULA_HWADDR]			= sizeof(struct nfulnl_msg_packet_hw),
	[NFULA_PREFIX]			= NFLOGMSG_NUL,
	[NFULA_UID]			= 4,
	[NFULA_SEQ]			= 4,
	[NFULA_SEQ_GLOBAL]		= 4,
	[NFULA_GID]			= 4,
	[NFULA_HWTYPE]			= 2,
	[NFULA_HWLEN]			= 2,
	[NFULA_CT_INFO]			= 4,
};

static inline uint32_t nflogmsg_be32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

static inline uint64_t nflogmsg_be64(const uint8_t *p)
{
	return (uint64_t)nflogmsg_be32(p) << 32 | nflogmsg_be32(p + 4);
}

static inline uint16_t nflogmsg_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The link-layer attributes: present only when the packet came in on a
 * device with a hardware header, so they are off the common test path. */
static void nflogmsg_parse_hw(struct nflog_msg *m, const uint8_t *const *seen,
			      const uint16_t *len, uint32_t present)
{
	if (present & 1u << NFULA_HWTYPE)
		m->hw_type = nflogmsg_be16(seen[NFULA_HWTYPE]);
	if (present & 1u << NFULA_HWLEN)
		m->hw_len = nflogmsg_be16(seen[NFULA_HWLEN]);
	if (present & 1u << NFULA_HWHEADER) {
		m->hw_header = seen[NFULA_HWHEADER];
		m->hw_header_len = len[NFULA_HWHEADER];
	}
	if (present & 1u << NFULA_HWADDR) {
		/* struct nfulnl_msg_packet_hw: be16 length, 2 pad, 8 bytes */
		uint16_t n = nflogmsg_be16(seen[NFULA_HWADDR]);

		m->hw_addr_len = n < sizeof(m->hw_addr) ? n : sizeof(m->hw_addr);
		memcpy(m->hw_addr, seen[NFULA_HWADDR] + 4, sizeof(m->hw_addr));
	}
}

int nflogmsg_parse(const struct nlmsghdr *nlh, struct nflog_msg *m)
{
	const uint8_t *at, *tail, *seen[NFULA_MAX + 1];
	const struct nfgenmsg *nfg;
	uint16_t len[NFULA_MAX + 1];
	uint32_t present = 0;

	_Static_assert(NFULA_MAX < 32, "one bit per attribute type in present");
	memset(m, 0, sizeof(*m));
	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_ULOG ||
	    NFNL_MSG_TYPE(nlh->nlmsg_type) != NFULNL_MSG_PACKET)
		return -ENOMSG;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*nfg))
		return -EBADMSG;
	nfg = (const void *)((const uint8_t *)nlh + NLMSG_HDRLEN);
	m->family = nfg->nfgen_family;

	/* The caller (nflogmsg_batch) guarantees the aligned length is in the
	 * buffer; the walk never reads past it. */
	at = (const uint8_t *)nlh + NLMSG_HDRLEN + NLA_ALIGN(sizeof(*nfg));
	tail = (const uint8_t *)nlh + NLA_ALIGN((size_t)nlh->nlmsg_len);
	while (tail - at >= (ptrdiff_t)sizeof(struct nlattr)) {
		struct nlattr a;
		uint16_t type, plen;

		memcpy(&a, at, sizeof(a));
		if (a.nla_len < sizeof(a) || a.nla_len > tail - at)
			break;
		type = a.nla_type & NLA_TYPE_MASK;
		plen = (uint16_t)(a.nla_len - sizeof(a));
		if (type <= NFULA_MAX) {
			uint16_t want = nflogmsg_size[type];

			/* One test on the common path: any size, or the right one. */
			if (want != 0 && want != plen &&
			    (want != NFLOGMSG_NUL || plen == 0 || at[a.nla_len - 1] != '\0'))
				return -EBADMSG;
			seen[type] = at + sizeof(a);
			len[type] = plen;
			present |= 1u << type;
		}
		at += NLA_ALIGN((size_t)a.nla_len);
	}
	if (at != tail)
		return -EBADMSG;

	if (present & 1u << NFULA_PACKET_HDR) {
		const uint8_t *ph = seen[NFULA_PACKET_HDR];

		m->hw_protocol = (uint16_t)(ph[0] << 8 | ph[1]);
		m->hook = ph[2];
	}
	if (present & 1u << NFULA_PAYLOAD) {
		m->payload = seen[NFULA_PAYLOAD];
		m->payload_len = len[NFULA_PAYLOAD];
	}
	if (present & 1u << NFULA_PREFIX) {
		m->prefix = (const char *)seen[NFULA_PREFIX];
		m->prefix_len = strnlen(m->prefix, len[NFULA_PREFIX]);
	}
	if (present & 1u << NFULA_SEQ) {
		m->seq = nflogmsg_be32(seen[NFULA_SEQ]);
		m->have_seq = true;
	}
	if (present & 1u << NFULA_TIMESTAMP) {
		uint64_t sec = nflogmsg_be64(seen[NFULA_TIMESTAMP]);
		uint64_t usec = nflogmsg_be64(seen[NFULA_TIMESTAMP] + 8);

		m->ts_ns = sec * 1000000000u + usec * 1000u;
	}
	if (present & 1u << NFULA_IFINDEX_INDEV)
		m->ifindex_in = nflogmsg_be32(seen[NFULA_IFINDEX_INDEV]);
	if (present & 1u << NFULA_IFINDEX_OUTDEV)
		m->ifindex_out = nflogmsg_be32(seen[NFULA_IFINDEX_OUTDEV]);
	if (present & 1u << NFULA_MARK)
		m->mark = nflogmsg_be32(seen[NFULA_MARK]);
	if (present & (1u << NFULA_HWTYPE | 1u << NFULA_HWLEN | 1u << NFULA_HWHEADER |
		       1u << NFULA_HWADDR))
		nflogmsg_parse_hw(m, seen, len, present);
	return 0;
}

unsigned nflogmsg_batch(const void *buf, size_t len, nflogmsg_cb cb, void *arg)
{
	const uint8_t *p = buf;
	struct nflog_msg m;
	unsigned bad = 0;

	while (len >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const void *)p;
		size_t step;
		int rc;

		/* The attribute walk goes up to the aligned length: a message
		 * whose padding would run past the datagram is cut, not parsed
		 * (the fuzzer found a 2-byte over-read there). */
		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len ||
		    NLA_ALIGN((size_t)nlh->nlmsg_len) > len) {
			bad++;		/* the rest of the datagram cannot be framed */
			break;
		}
		if (nlh->nlmsg_type == NLMSG_DONE)
			break;
		rc = nflogmsg_parse(nlh, &m);
		if (rc == 0)
			cb(&m, arg);
		else if (rc != -ENOMSG)
			bad++;
		step = NLA_ALIGN((size_t)nlh->nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return bad;
}

void nflogmsg_link(const struct nflog_msg *m, struct ring_hw *hw)
{
	memset(hw, 0, sizeof(*hw));
	hw->type = m->hw_type;
	hw->hdr_len = m->hw_len < 255 ? (uint8_t)m->hw_len : 255;
	/* Loopback devices carry an Ethernet header of zeros. */
	if ((m->hw_type == ARPHRD_ETHER || m->hw_type == ARPHRD_LOOPBACK) && m->hw_header &&
	    m->hw_header_len >= 14) {
		memcpy(hw->dst, m->hw_header, 6);
		memcpy(hw->src, m->hw_header + 6, 6);
		hw->flags = RING_HWF_DST | RING_HWF_SRC;
	} else if (m->hw_addr_len == 6) {
		memcpy(hw->src, m->hw_addr, 6);
		hw->flags = RING_HWF_SRC;
	}
}
