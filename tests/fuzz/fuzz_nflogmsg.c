/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_nflogmsg.c - libFuzzer entry: arbitrary bytes as one netlink receive
 * batch, walked the way the capture thread walks it (nflogmsg_batch ->
 * nflogmsg_parse -> decode_packet), and every message it frames parsed a
 * second time by the libnetfilter_log reference: any disagreement aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/decode.h"
#include "capture/nflogmsg.h"
#include "../unit/nflogmsg_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_cb(const struct nflog_msg *m, void *arg)
{
	struct pkt p;

	(void)arg;
	if (m->prefix && strlen(m->prefix) != m->prefix_len)
		abort();
	decode_packet(m->payload, m->payload ? m->payload_len : 0, 0, &p);
}

/* The framing of nflogmsg_batch(): whole aligned messages only. */
static void fuzz_differential(const uint8_t *p, size_t len)
{
	while (len >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const void *)p;
		size_t step = ((size_t)nlh->nlmsg_len + 3) & ~(size_t)3;
		struct nflog_msg ours, ref;
		int a, b;

		if (nlh->nlmsg_len < sizeof(*nlh) || step > len)
			return;
		a = nflogmsg_parse(nlh, &ours);
		b = nflogmsg_parse_ref(nlh, &ref);
		if (a != b || (a == 0 && !nflogmsg_same(&ours, &ref)))
			abort();
		if (step >= len)
			return;
		p += step;
		len -= step;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Aligned heap copy, as recv() fills the worker's buffer. */
	void *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	nflogmsg_batch(buf, size, fuzz_cb, NULL);
	fuzz_differential(buf, size);
	free(buf);
	return 0;
}
