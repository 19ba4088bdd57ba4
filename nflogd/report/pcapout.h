/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pcapout.h - ring records as a classic pcap file (the "libpcap" format that
 * tcpdump, Wireshark and tshark read), with nanosecond timestamps.
 *
 * The link type is LINKTYPE_RAW (101): each packet starts at its IPv4 or
 * IPv6 header, as ring_rec.raw[] does. Integers are in host byte order, which
 * readers detect from the magic number. Pure: bytes into the caller's
 * buffers.
 */
#ifndef NFLOGD_PCAPOUT_H
#define NFLOGD_PCAPOUT_H

#include <stddef.h>
#include <stdint.h>

#include "ring/ringfmt.h"

#define PCAPOUT_MAGIC_NS	0xa1b23c4du	/* nanosecond-resolution pcap */
#define PCAPOUT_LINKTYPE_RAW	101u		/* raw IPv4/IPv6 */
#define PCAPOUT_FILE_HDR	24u		/* bytes */
#define PCAPOUT_REC_HDR		16u		/* bytes before each packet */

/* pcapout_file_hdr - the global header: version 2.4, snaplen, link type. */
void pcapout_file_hdr(uint8_t out[PCAPOUT_FILE_HDR], uint32_t snaplen, uint32_t linktype);

/*
 * pcapout_rec_hdr - the per-packet header of a drop record: ts_ns as seconds
 * and nanoseconds, caplen = raw_len, len = the packet's length on the wire
 * (ip_len, never less than caplen). Returns caplen (the bytes of
 * ring_rec_raw() to write after the header), or -EINVAL when the record has
 * no IP packet to show: not a drop, no raw bytes, raw_len past what its
 * layout holds (RING_RAW_LEN, or RING_RAW_LEN_V0 in layout 0), or a first byte
 * whose version nibble is not the record's family.
 */
int pcapout_rec_hdr(uint8_t out[PCAPOUT_REC_HDR], const struct ring_rec *r);

#endif
