/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pcapout.c - pcap file and record headers (pcapout.h). The format: the
 * libpcap file format, draft-ietf-opsawg-pcap; link types: LINKTYPE_RAW. */
#include <errno.h>
#include <string.h>

#include "report/pcapout.h"

static void pcapout_put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));	/* host order: the magic tells readers which */
}

void pcapout_file_hdr(uint8_t out[PCAPOUT_FILE_HDR], uint32_t snaplen, uint32_t linktype)
{
	uint16_t major = 2, minor = 4;

	pcapout_put32(out, PCAPOUT_MAGIC_NS);
	memcpy(out + 4, &major, 2);
	memcpy(out + 6, &minor, 2);
	pcapout_put32(out + 8, 0);		/* thiszone: timestamps are UTC */
	pcapout_put32(out + 12, 0);		/* sigfigs */
	pcapout_put32(out + 16, snaplen);
	pcapout_put32(out + 20, linktype);
}

int pcapout_rec_hdr(uint8_t out[PCAPOUT_REC_HDR], const struct ring_rec *r)
{
	uint32_t caplen = r->raw_len, len = r->ip_len;
	size_t max;
	const uint8_t *raw = ring_rec_raw(r, &max);

	if (r->kind != RING_KIND_DROP || !caplen || caplen > max ||
	    (r->family != 4 && r->family != 6) || raw[0] >> 4 != r->family)
		return -EINVAL;
	if (len < caplen)
		len = caplen;	/* a damaged length field: pcap wants len >= caplen */
	pcapout_put32(out, (uint32_t)(r->ts_ns / 1000000000u));
	pcapout_put32(out + 4, (uint32_t)(r->ts_ns % 1000000000u));
	pcapout_put32(out + 8, caplen);
	pcapout_put32(out + 12, len);
	return (int)caplen;
}
