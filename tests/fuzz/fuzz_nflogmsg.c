/* fuzz_nflogmsg.c - libFuzzer entry: arbitrary bytes as one netlink receive
 * batch, walked the way the capture thread walks it (nflogmsg_batch ->
 * nflogmsg_parse -> decode_packet). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "nflogmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_cb(const struct nflog_msg *m, void *arg)
{
	struct pkt p;

	(void)arg;
	if (m->prefix && strlen(m->prefix) != m->prefix_len)
		abort();
	decode_packet(m->payload, m->payload ? m->payload_len : 0, 0, &p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Aligned heap copy, as recv() fills the worker's buffer. */
	void *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	nflogmsg_batch(buf, size, fuzz_cb, NULL);
	free(buf);
	return 0;
}
