/* SPDX-License-Identifier: GPL-2.0-or-later */
/* delay.c - packet-to-record delay as a ring reader sees it, for `make bench`.
 *
 * usage: nfdelay RING SECONDS
 *
 * Polls every segment's head (every NFDELAY_POLL_NS: a reader that spins
 * flat out would take a whole vCPU from the 2 the benchmark has), reads each
 * new record with ringread_get() (commit word and CRC checked) and, when the
 * packet is one of nfgen's timestamped UDP datagrams (NFGEN_MAGIC at L3 offset
 * 28 for IPv4, 48 for IPv6, inside ring_rec.raw[]), takes now - sent on
 * CLOCK_MONOTONIC. Prints "delay n N p50 A p99 B max C ms" and the number of
 * records that failed validation. The poll interval adds at most its length.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ring/ringread.h"

#define NFDELAY_POLL_NS	50000		/* ns between head polls */
#define NFDELAY_MAX	(4u << 20)	/* samples kept */
#define NFGEN_MAGIC	0x5447464eu	/* scripts/nfgen.c */

static uint64_t nfdelay_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int nfdelay_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct ring_reader *r;
	struct ring_rec rec;
	uint64_t *d, pos[RING_SEG_MAX], t_end, n = 0, bad = 0, seen = 0;
	uint32_t s, nsegs;
	char err[256];

	if (argc != 3) {
		fprintf(stderr, "usage: nfdelay RING SECONDS\n");
		return 2;
	}
	r = ringread_open(argv[1], err, sizeof(err));
	if (!r) {
		fprintf(stderr, "nfdelay: %s\n", err);
		return 1;
	}
	d = malloc(NFDELAY_MAX * sizeof(*d));
	if (!d)
		return 1;
	nsegs = ringread_nsegs(r);
	for (s = 0; s < nsegs; s++)
		pos[s] = ringread_head(r, s);
	t_end = nfdelay_now() + (uint64_t)(atof(argv[2]) * 1e9);
	while (nfdelay_now() < t_end) {
		struct timespec ts = { 0, NFDELAY_POLL_NS };

		for (s = 0; s < nsegs; s++) {
			uint64_t head = ringread_head(r, s), now;

			if (head == pos[s])
				continue;
			now = nfdelay_now();
			for (; pos[s] < head; pos[s]++) {
				unsigned off;
				uint32_t magic;
				uint64_t sent;

				if (ringread_get(r, s, pos[s], &rec) != RINGREAD_OK) {
					bad++;
					continue;
				}
				seen++;
				if (rec.kind != RING_KIND_DROP || rec.proto != 17)
					continue;
				off = rec.family == 4 ? 28 : 48;
				if (rec.raw_len < off + 12)
					continue;
				memcpy(&magic, rec.raw + off, 4);
				memcpy(&sent, rec.raw + off + 4, 8);
				if (magic != NFGEN_MAGIC || sent > now)
					continue;
				if (n < NFDELAY_MAX)
					d[n++] = now - sent;
			}
		}
		nanosleep(&ts, NULL);
	}
	qsort(d, n, sizeof(*d), nfdelay_cmp);
	if (n)
		printf("delay n %llu p50 %.3f p99 %.3f max %.3f ms records %llu invalid %llu\n",
		       (unsigned long long)n, (double)d[n / 2] / 1e6,
		       (double)d[n * 99 / 100] / 1e6, (double)d[n - 1] / 1e6,
		       (unsigned long long)seen, (unsigned long long)bad);
	else
		printf("delay n 0 records %llu invalid %llu\n", (unsigned long long)seen,
		       (unsigned long long)bad);
	free(d);
	ringread_close(r);
	return 0;
}
