/* SPDX-License-Identifier: GPL-2.0-or-later */
/* metrics.h - the daemon's optional Prometheus endpoint (--metrics-listen).
 *
 * One thread, off the packet path: it reads the ring's counters through its
 * own read-only mapping (like nflogctl), answers GET /metrics with the text
 * exposition format (promout.h) and anything else with 404. Requests are
 * bounded (METRICS_REQ_MAX bytes, METRICS_IO_MS per client); one client at a
 * time. The socket is bound and listening before privileges are dropped;
 * afterwards the thread needs only accept4, poll, read, write and close.
 * Nothing here prints.
 */
#ifndef NFLOGD_METRICS_H
#define NFLOGD_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define METRICS_REQ_MAX		4096	/* bytes of request head read, at most */
#define METRICS_IO_MS		2000	/* ms a client has for its request, and for the answer */
#define METRICS_BODY_MAX	(1u << 20)	/* bytes of exposition text, at most */

struct kb;
struct ring_reader;
struct ringmetrics_src;
struct metrics;

/* Counters the main thread keeps and the endpoint shows (relaxed loads). */
struct metrics_stats {
	uint64_t	reloads;	/* SIGHUP reloads that applied */
	uint64_t	reload_errors;	/* SIGHUP reloads refused (bad file) */
	uint64_t	local_addrs;	/* the host's address table (daemon/localtab.h) */
	uint64_t	local_redumps;
	uint64_t	local_bad_msgs;
	uint64_t	local_overflow;
};

/* metrics_listen - socket, bind and listen on spec (config_listen syntax).
 * Returns the descriptor or -errno with a reason in err. */
int metrics_listen(const char *spec, char *err, size_t errlen);

/* metrics_write - the exposition text: nflogd_up and the daemon's own
 * figures, then what ringmetrics_write (report/ringmetrics.h) writes for rr,
 * the same families `nflogctl stats --prometheus` writes. 0 or -errno. */
int metrics_write(FILE *f, const struct ring_reader *rr, const struct ringmetrics_src *src,
		  const struct metrics_stats *st);

/*
 * metrics_respond - the whole HTTP response for the request head req[0..len)
 * into out (at most outlen bytes); returns its length, 0 when the request is
 * not complete yet (no blank line, len < METRICS_REQ_MAX).
 */
size_t metrics_respond(const char *req, size_t len, const struct ring_reader *rr,
		       const struct ringmetrics_src *src, const struct metrics_stats *st,
		       char *out, size_t outlen);

/* metrics_new - serve fd (from metrics_listen) until *stop; takes ownership of
 * fd and rr. ring_path (the ring label) and kb (kb row ids to categories)
 * must outlive the endpoint. NULL with errno set. */
struct metrics *metrics_new(int fd, struct ring_reader *rr, const char *ring_path,
			    const struct kb *kb, const struct metrics_stats *st, const int *stop);
int metrics_start(struct metrics *m);	/* 0 or -errno */
void metrics_join(struct metrics *m);	/* after *stop was set; frees everything */

#endif
