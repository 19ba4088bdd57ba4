/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_decode.c - libFuzzer entry point for decode_packet(), with invariant checks on its result.
 *
 * data[0] picks the family argument (0, 4 or 6), the rest is the packet. Any
 * broken invariant calls abort() so the fuzzer keeps the input.
 * Build with libFuzzer:  clang -fsanitize=fuzzer,address,undefined ...
 * Build without it:      cc -DNFLOG_FUZZ_STANDALONE ... ; ./fuzz_decode FILE...
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check(const uint8_t *buf, size_t len, unsigned family, const struct pkt *p, int rc)
{
	unsigned fl = p->ip_flags;
	struct pkt again;

	if (rc != p->status || p->status > RING_ST_INVALID || p->why >= __RING_WHY_MAX)
		abort();
	if ((p->why == RING_WHY_NONE) != (p->status == RING_ST_OK))
		abort();
	if (decode_why_str(p->why) == NULL)
		abort();
	if (len == 0 && (p->status != RING_ST_INVALID || p->why != RING_WHY_NO_PAYLOAD))
		abort();
	if (p->family != 0 && p->family != 4 && p->family != 6)
		abort();
	if (family != 0 && p->family != 0 && p->family != family)
		abort();
	if (p->status == RING_ST_OK && p->family == 0)
		abort();
	if (fl & RING_IPF_HAVE_SEQ)
		abort();

	/* fragments: a non-first one has an offset and nothing past L3 */
	if ((fl & RING_IPF_FRAGMENT) && (p->frag_off == 0 || p->sport || p->dport ||
	    p->tcp_flags || p->tcp_doff || p->udp_len || p->icmp_type || p->icmp_code ||
	    (fl & RING_IPF_HAVE_INNER)))
		abort();
	if (p->family == 6 && (fl & (RING_IPF_RF | RING_IPF_DF)))
		abort();
	if (p->family == 6 && (fl & (RING_IPF_MF | RING_IPF_FRAGMENT)) && !(fl & RING_IPF_FRAGHDR))
		abort();
	if ((fl & RING_IPF_FRAGHDR) && (p->family != 6 || !(fl & RING_IPF_OPTIONS)))
		abort();
	if (p->status == RING_ST_OK && p->family == 4 &&
	    (p->frag_off != 0) != !!(fl & RING_IPF_FRAGMENT))
		abort();
	if (p->frag_off & 7)
		abort();

	if (p->status == RING_ST_OK) {
		if (p->ip_len < (p->family == 4 ? 20 : 40))
			abort();
		if (!(fl & RING_IPF_FRAGMENT) && p->proto == 6 && p->tcp_doff < 5)
			abort();
		if (!(fl & RING_IPF_FRAGMENT) && p->proto == 17 && p->udp_len < 8)
			abort();
	}
	if (fl & RING_IPF_HAVE_INNER) {
		if (p->inner_family != p->family ||
		    p->proto != (p->family == 4 ? 1 : 58))
			abort();
	} else if (p->inner_family || p->inner_proto || p->inner_sport || p->inner_dport) {
		abort();
	}

	/* pure function: same input, same output, byte for byte */
	if (decode_packet(buf, len, family, &again) != rc || memcmp(&again, p, sizeof(again)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned fam[3] = { 0, 4, 6 };
	struct pkt p;
	unsigned family;
	int rc;

	if (size == 0)
		return 0;
	family = fam[data[0] % 3];
	/* data + 1 ends where the fuzzer's allocation ends: overreads are caught */
	rc = decode_packet(data + 1, size - 1, family, &p);
	fuzz_check(data + 1, size - 1, family, &p, rc);
	return 0;
}

#ifdef NFLOG_FUZZ_STANDALONE
#include <stdio.h>

/* Replay files (a corpus or a crash) without libFuzzer. */
int main(int argc, char **argv)
{
	uint8_t *buf;
	size_t len, cap;
	FILE *f;
	int i;

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return 1;
		}
		buf = NULL;
		len = cap = 0;
		for (;;) {
			if (len == cap) {
				uint8_t *nb = realloc(buf, cap = cap ? cap * 2 : 4096);

				if (nb == NULL) {
					perror("realloc");
					return 1;
				}
				buf = nb;
			}
			len += fread(buf + len, 1, cap - len, f);
			if (len < cap)
				break;
		}
		if (ferror(f)) {
			perror(argv[i]);
			return 1;
		}
		fclose(f);
		/* exact-size copy so ASan sees overreads in standalone builds too */
		{
			uint8_t *exact = malloc(len ? len : 1);

			if (exact == NULL)
				return 1;
			memcpy(exact, buf, len);
			LLVMFuzzerTestOneInput(exact, len);
			free(exact);
		}
		free(buf);
	}
	return 0;
}
#endif
