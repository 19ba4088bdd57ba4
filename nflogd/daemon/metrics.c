/* SPDX-License-Identifier: GPL-2.0-or-later */
/* metrics.c - GET /metrics in the daemon: the ring's counters as Prometheus
 * text. It never touches the capture threads: like nflogctl it only reads
 * the file's counters (relaxed loads) through its own read-only mapping, and
 * the families come from the same writer as `nflogctl stats --prometheus`
 * (report/ringmetrics.c), with the daemon's own figures first. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "daemon/config.h"
#include "classify/kb.h"
#include "daemon/metrics.h"
#include "report/promout.h"
#include "report/ringmetrics.h"
#include "ring/ringread.h"
#include "version.h"	/* NFLOGD_VERSION: generated from debian/changelog */

#define METRICS_POLL_MS	250	/* ms between checks of *stop when idle */
#define METRICS_BACKLOG	8

struct metrics {
	int				 fd;
	struct ring_reader		*rr;
	struct ringmetrics_src		 src;
	const struct metrics_stats	*st;
	const int			*stop;
	char				*body;	/* METRICS_BODY_MAX + headers */
	pthread_t			 tid;
	bool				 started;
};

int metrics_listen(const char *spec, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1, rc;

	if (config_listen(spec, &ss, &len) < 0) {
		snprintf(err, errlen, "metrics-listen: '%s' is not ADDRESS:PORT", spec);
		return -EINVAL;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "metrics-listen %s: socket: %s", spec, strerror(errno));
		return rc;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, METRICS_BACKLOG) < 0) {
		rc = -errno;
		snprintf(err, errlen, "metrics-listen %s: %s", spec, strerror(errno));
		close(fd);
		return rc;
	}
	return fd;
}

/* The daemon's own figures (struct metrics_stats), one table for all: the
 * reloads, and the host's address table (how big, how often rtnetlink lost
 * us). */
static int metrics_stats_write(FILE *f, const struct metrics_stats *st)
{
	static const struct { const char *name, *type, *help; size_t off; } m[] = {
		{ "nflogd_reloads_total", "counter",
		  "SIGHUP reloads of the configuration that were applied.",
		  offsetof(struct metrics_stats, reloads) },
		{ "nflogd_reload_errors_total", "counter",
		  "SIGHUP reloads refused because a file was bad (old settings kept).",
		  offsetof(struct metrics_stats, reload_errors) },
		{ "nflogd_local_addresses", "gauge",
		  "Addresses of this host in the table the classifier uses.",
		  offsetof(struct metrics_stats, local_addrs) },
		{ "nflogd_local_redumps_total", "counter",
		  "Full rtnetlink re-dumps after address events were lost.",
		  offsetof(struct metrics_stats, local_redumps) },
		{ "nflogd_local_bad_messages_total", "counter",
		  "Malformed rtnetlink messages skipped.",
		  offsetof(struct metrics_stats, local_bad_msgs) },
		{ "nflogd_local_overflow_total", "counter",
		  "Addresses not kept because the table was full.",
		  offsetof(struct metrics_stats, local_overflow) },
	};
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		const uint64_t *v = (const uint64_t *)(const void *)((const char *)st + m[i].off);

		rc |= promout_family(f, m[i].name, m[i].type, m[i].help);
		rc |= promout_sample(f, m[i].name, NULL, 0, __atomic_load_n(v, __ATOMIC_RELAXED));
	}
	return rc;
}

int metrics_write(FILE *f, const struct ring_reader *rr, const struct ringmetrics_src *src,
		  const struct metrics_stats *st)
{
	int rc = 0;

	rc |= promout_family(f, "nflogd_up", "gauge", "1 while the daemon serves this endpoint.");
	rc |= promout_sample(f, "nflogd_up", NULL, 0, 1);
	rc |= metrics_stats_write(f, st);
	if (rc)
		return ferror(f) ? -EIO : -EINVAL;
	return ringmetrics_write(f, rr, src);
}

static size_t metrics_simple(char *out, size_t outlen, const char *status, const char *text)
{
	int n = snprintf(out, outlen, "HTTP/1.0 %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
			 status, strlen(text), text);

	return n < 0 ? 0 : (size_t)n < outlen ? (size_t)n : outlen - 1;
}

size_t metrics_respond(const char *req, size_t len, const struct ring_reader *rr,
		       const struct ringmetrics_src *src, const struct metrics_stats *st,
		       char *out, size_t outlen)
{
	static const char hdr_fmt[] = "HTTP/1.0 200 OK\r\n"
		"Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
		"Content-Length: %10zu\r\nConnection: close\r\n\r\n";
	const char *sp, *path;
	size_t plen, hlen, blen;
	FILE *f;
	int n;

	if (!memmem(req, len, "\r\n\r\n", 4) && !memmem(req, len, "\n\n", 2)) {
		if (len < METRICS_REQ_MAX)
			return 0;
		return metrics_simple(out, outlen, "431 Request Header Fields Too Large",
				      "request too large\n");
	}
	if (len < 4 || memcmp(req, "GET ", 4) != 0)
		return metrics_simple(out, outlen, "405 Method Not Allowed", "only GET\n");
	path = req + 4;
	sp = memchr(path, ' ', len - 4);
	plen = sp ? (size_t)(sp - path) : 0;
	if (!((plen == 8 && memcmp(path, "/metrics", 8) == 0) ||
	      (plen > 8 && memcmp(path, "/metrics?", 9) == 0)))
		return metrics_simple(out, outlen, "404 Not Found",
				      "not found: the metrics are at /metrics\n");
	/* Header with a fixed-width length, filled in once the body is known. */
	hlen = (size_t)snprintf(NULL, 0, hdr_fmt, (size_t)0);
	if (hlen >= 160 || outlen <= hlen + 1)
		return 0;
	f = fmemopen(out + hlen, outlen - hlen, "w");
	if (!f)
		return metrics_simple(out, outlen, "500 Internal Server Error", "out of memory\n");
	n = metrics_write(f, rr, src, st);
	blen = (size_t)ftell(f);
	if (fclose(f) != 0 || n < 0 || blen >= outlen - hlen - 1)
		return metrics_simple(out, outlen, "500 Internal Server Error",
				      "metrics too large\n");
	{
		char hdr[160];

		snprintf(hdr, sizeof(hdr), hdr_fmt, blen);
		memcpy(out, hdr, hlen);
	}
	return hlen + blen;
}

/* Wait up to the deadline for fd to be ready for events; 1, 0 (time out) or -1. */
static int metrics_wait(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n = poll(&p, 1, ms);

	return n < 0 ? (errno == EINTR ? 0 : -1) : n;
}

static int64_t metrics_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* vDSO: no system call */
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until deadline, at least 0. */
static int metrics_left(int64_t deadline)
{
	int64_t left = deadline - metrics_ms();

	return left > 0 ? (int)left : 0;
}

/* One client: METRICS_IO_MS in all to send the request head, as much again
 * to take the answer, however the bytes trickle in. */
static void metrics_client(struct metrics *m, int c)
{
	char req[METRICS_REQ_MAX];
	size_t len = 0, out = 0, off = 0;
	int64_t deadline = metrics_ms() + METRICS_IO_MS;
	ssize_t r;

	while (out == 0) {
		if (metrics_wait(c, POLLIN, metrics_left(deadline)) <= 0)
			return;
		r = read(c, req + len, sizeof(req) - len);
		if (r <= 0)
			return;
		len += (size_t)r;
		out = metrics_respond(req, len, m->rr, &m->src, m->st, m->body,
				      METRICS_BODY_MAX + 512);
	}
	deadline = metrics_ms() + METRICS_IO_MS;
	while (off < out) {
		if (metrics_wait(c, POLLOUT, metrics_left(deadline)) <= 0)
			return;
		r = write(c, m->body + off, out - off);
		if (r <= 0)
			return;
		off += (size_t)r;
	}
}

static void *metrics_main(void *arg)
{
	struct metrics *m = arg;
	int c;

	while (!__atomic_load_n(m->stop, __ATOMIC_RELAXED)) {
		if (metrics_wait(m->fd, POLLIN, METRICS_POLL_MS) <= 0)
			continue;
		c = accept4(m->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (c < 0)
			continue;
		metrics_client(m, c);
		close(c);
	}
	return NULL;
}

struct metrics *metrics_new(int fd, struct ring_reader *rr, const char *ring_path,
			    const struct kb *kb, const struct metrics_stats *st, const int *stop)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m || !(m->body = malloc(METRICS_BODY_MAX + 512))) {
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	m->fd = fd;
	m->rr = rr;
	m->src = (struct ringmetrics_src){ .ring_path = ring_path, .version = NFLOGD_VERSION,
					   .kb = kb };
	m->st = st;
	m->stop = stop;
	return m;
}

int metrics_start(struct metrics *m)
{
	int rc = pthread_create(&m->tid, NULL, metrics_main, m);

	if (rc)
		return -rc;
	pthread_setname_np(m->tid, "nflogd-metrics");
	m->started = true;
	return 0;
}

void metrics_join(struct metrics *m)
{
	if (!m)
		return;
	if (m->started)
		pthread_join(m->tid, NULL);
	close(m->fd);
	ringread_close(m->rr);
	free(m->body);
	free(m);
}
