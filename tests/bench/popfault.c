/* SPDX-License-Identifier: GPL-2.0-or-later */
/* popfault.c - minor faults per record that the ring's writer takes (issue 16).
 *
 *   popfault PATH SIZE_MIB MODE [LAPS]
 *
 * MODE: none (no populate: the writer before issue 16), madvise, touch (the
 * fallback for kernels before 5.14), mlock (madvise, then mlock the file's
 * mapping). Opens (or continues) the ring at PATH with one segment, prints
 * how long the open and the populate took and the RSS, then appends LAPS
 * laps of records (default 1) from a thread of its own, as a capture thread
 * would, and prints that thread's faults per lap. Between laps the file is
 * written back (fdatasync), as the kernel's writeback does to the dirty pages
 * of a long run: the lap after it shows what page_mkwrite costs again.
 * Counts, not seconds (getrusage RUSAGE_THREAD).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "ring/ring.h"

static struct ring *g_ring;
static const char *g_path;
static unsigned g_laps = 1;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long rss_kib(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

static void *writer(void *arg)
{
	struct ring_writer w;
	struct rusage a, b;
	uint64_t slots = ring_slots(g_ring), i;
	unsigned lap;

	(void)arg;
	ring_writer_init(g_ring, &w, 0, 1, -1);
	for (lap = 0; lap < g_laps; lap++) {
		getrusage(RUSAGE_THREAD, &a);
		for (i = 0; i < slots; i++) {
			struct ring_rec *s = ring_reserve(&w);

			ring_rec_clear(s);
			s->kind = RING_KIND_DROP;
			s->ts_ns = w.pos;
			s->prefix_id = RING_PREFIX_NONE;
			ring_commit(&w, s);
		}
		ring_publish(&w);
		getrusage(RUSAGE_THREAD, &b);
		printf("lap %u: %llu records, minflt %ld (%.4f/record), majflt %ld\n", lap,
		       (unsigned long long)slots, b.ru_minflt - a.ru_minflt,
		       (double)(b.ru_minflt - a.ru_minflt) / (double)slots,
		       b.ru_majflt - a.ru_majflt);
		if (lap + 1 < g_laps) {
			double t = now_ms();
			int fd = open(g_path, O_RDONLY | O_CLOEXEC);

			if (fd < 0 || fdatasync(fd) < 0)
				perror("fdatasync");
			if (fd >= 0)
				close(fd);
			printf("  written back (fdatasync) in %.1f ms\n", now_ms() - t);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct ring_open_opts o = { 0 };
	const char *mode;
	char err[512];
	pthread_t t;
	double t0;
	int rc = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: popfault PATH SIZE_MIB none|madvise|touch|mlock [LAPS]\n");
		return 2;
	}
	mode = argv[3];
	if (argc > 4)
		g_laps = (unsigned)atoi(argv[4]);
	g_path = o.path = argv[1];
	o.size = (uint64_t)atoll(argv[2]) << 20;
	o.nsegs = 1;
	t0 = now_ms();
	g_ring = ring_open(&o, err, sizeof(err));
	if (!g_ring) {
		fprintf(stderr, "popfault: %s\n", err);
		return 1;
	}
	printf("open: %.1f ms, RSS %ld KiB\n", now_ms() - t0, rss_kib());
	t0 = now_ms();
	if (strcmp(mode, "madvise") == 0 || strcmp(mode, "mlock") == 0)
		rc = ring_populate(g_ring, 0);
	else if (strcmp(mode, "touch") == 0)
		rc = ring_populate(g_ring, 1);
	if (rc < 0)
		fprintf(stderr, "popfault: populate: %s\n", strerror(-rc));
	if (strcmp(mode, "mlock") == 0 && mlockall(MCL_CURRENT) < 0)
		perror("mlockall");
	printf("populate (%s): %.1f ms, RSS %ld KiB\n", mode, now_ms() - t0, rss_kib());
	if (pthread_create(&t, NULL, writer, NULL) != 0)
		return 1;
	pthread_join(t, NULL);
	ring_close(g_ring);
	return 0;
}
