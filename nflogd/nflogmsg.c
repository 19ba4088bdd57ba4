/* nflogmsg.c - parse one NFULNL_MSG_PACKET (include/uapi/linux/netfilter/nfnetlink_log.h).
 *
 *   +----------+----------------+----------------------------------------+
 *   | nlmsghdr | nfgenmsg       | attributes (TLV, 4-byte aligned):       |
 *   | type =   | family, ver,   |  PACKET_HDR {be16 hw_protocol, u8 hook} |
 *   | ULOG<<8  | res_id = group |  MARK, TIMESTAMP, IFINDEX_*, PREFIX,    |
 *   | | PACKET |                |  SEQ (be32), PAYLOAD (the L3 packet)    |
 *   +----------+----------------+----------------------------------------+
 *
 * nflog_nlmsg_parse() walks the TLVs with mnl_attr_parse(), which rejects a
 * length below the attribute header or beyond the message, and checks each
 * known attribute's size (PREFIX must be NUL-terminated). We still treat
 * every attribute as optional.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnetfilter_log/libnetfilter_log.h>

#include "nflogmsg.h"

static uint64_t nflogmsg_be64(const void *p)
{
	uint32_t hi, lo;

	memcpy(&hi, p, 4);
	memcpy(&lo, (const uint8_t *)p + 4, 4);
	return ((uint64_t)ntohl(hi) << 32) | ntohl(lo);
}

/* mnl_attr_parse() stops quietly at an attribute that does not fit; a
 * message whose attributes do not end exactly at its end is malformed. */
static bool nflogmsg_attrs_fill(const struct nlmsghdr *nlh)
{
	const struct nlattr *attr;
	const char *tail = mnl_nlmsg_get_payload_tail(nlh);

	mnl_attr_for_each(attr, nlh, sizeof(struct nfgenmsg))
		;
	return (const char *)attr == tail;
}

int nflogmsg_parse(const struct nlmsghdr *nlh, struct nflog_msg *m)
{
	struct nlattr *tb[NFULA_MAX + 1] = { NULL };
	const struct nfgenmsg *nfg;

	memset(m, 0, sizeof(*m));
	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_ULOG ||
	    NFNL_MSG_TYPE(nlh->nlmsg_type) != NFULNL_MSG_PACKET)
		return -ENOMSG;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*nfg))
		return -EBADMSG;
	nfg = mnl_nlmsg_get_payload(nlh);
	m->family = nfg->nfgen_family;
	if (nflog_nlmsg_parse(nlh, tb) != MNL_CB_OK || !nflogmsg_attrs_fill(nlh))
		return -EBADMSG;

	/* Sizes are checked again here, not trusted to the library version. */
	if (tb[NFULA_PACKET_HDR] &&
	    mnl_attr_get_payload_len(tb[NFULA_PACKET_HDR]) >= sizeof(struct nfulnl_msg_packet_hdr)) {
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
	if (tb[NFULA_SEQ] && mnl_attr_get_payload_len(tb[NFULA_SEQ]) >= 4) {
		m->seq = ntohl(mnl_attr_get_u32(tb[NFULA_SEQ]));
		m->have_seq = true;
	}
	if (tb[NFULA_TIMESTAMP] && mnl_attr_get_payload_len(tb[NFULA_TIMESTAMP]) >= 16) {
		const uint8_t *ts = mnl_attr_get_payload(tb[NFULA_TIMESTAMP]);
		uint64_t sec = nflogmsg_be64(ts), usec = nflogmsg_be64(ts + 8);

		m->ts_ns = sec * 1000000000u + usec * 1000u;
	}
	if (tb[NFULA_IFINDEX_INDEV] && mnl_attr_get_payload_len(tb[NFULA_IFINDEX_INDEV]) >= 4)
		m->ifindex_in = ntohl(mnl_attr_get_u32(tb[NFULA_IFINDEX_INDEV]));
	if (tb[NFULA_IFINDEX_OUTDEV] && mnl_attr_get_payload_len(tb[NFULA_IFINDEX_OUTDEV]) >= 4)
		m->ifindex_out = ntohl(mnl_attr_get_u32(tb[NFULA_IFINDEX_OUTDEV]));
	if (tb[NFULA_MARK] && mnl_attr_get_payload_len(tb[NFULA_MARK]) >= 4)
		m->mark = ntohl(mnl_attr_get_u32(tb[NFULA_MARK]));
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

		/* libmnl walks attributes up to the aligned length: a message
		 * whose padding would run past the datagram is cut, not parsed
		 * (the fuzzer found a 2-byte over-read there). */
		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len ||
		    MNL_ALIGN((size_t)nlh->nlmsg_len) > len) {
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
		step = MNL_ALIGN(nlh->nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return bad;
}
