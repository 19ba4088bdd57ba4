/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlstream.h - the shipping loop of `read`/`alerts` with --cursor or --syslog:
 * records in time order handed to an output, a cursor file that remembers
 * what was handed on, and every record a wrapped ring took reported.
 *
 * A record counts as handed on when the output says so: for standard output
 * after a successful fflush() of the batch it is in, for a syslog socket
 * when send() took it. The cursor moves after each batch and every 4096
 * records within one (a reader catching up gets the whole ring in one
 * batch), and the file is saved at most every CTLSTREAM_SAVE_MS and at
 * exit, never once per record: a reader killed with SIGKILL repeats what it
 * handed on since the last save (half a second's worth, and one chunk), and
 * never loses a record (at least once; exactly once whenever it stops by a
 * signal it can catch, SIGTERM, SIGINT, SIGHUP, or a closed pipe).
 */
#ifndef NFLOGD_CTLSTREAM_H
#define NFLOGD_CTLSTREAM_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "report/geoip.h"
#include "report/recfilter.h"
#include "ring/ringscan.h"
#include "util/hostid.h"

#define CTLSTREAM_POLL_MS	100	/* ms between polls of the segment heads with -f */
#define CTLSTREAM_SAVE_MS	500	/* ms: at most two cursor saves (fsync) a second */
#define CTLSTREAM_TAIL		10	/* records shown before following, like tail -f */

/* Where records go. Each callback returns 0, or -1 with errno set. */
struct ctlstream_out {
	int	(*record)(void *ctx, struct ring_reader *rr, const struct ringscan_item *it);
	/* n records of segment seg were lost before they could be read: the
	 * record in the stream that says so (ts_ns: when it was noticed). */
	int	(*skipped)(void *ctx, uint64_t ts_ns, uint32_t seg, uint32_t group, uint64_t n);
	/* Hand on what record/skipped took; NULL: they hand on at once. */
	int	(*flush)(void *ctx);
	void	*ctx;
	const char *what;	/* "standard output", the socket's path: for messages */
};

struct ctlstream_opts {
	const char		*cursor;	/* --cursor FILE, or NULL */
	bool			 reset;		/* --cursor-reset: start over */
	bool			 follow;	/* -f */
	bool			 alerts;	/* only the alert segment, every state */
	uint64_t		 last;		/* -n N (where a new cursor starts); 0: all;
						 * CTL_LAST_NONE: only new records */
	volatile sig_atomic_t	*stop;		/* set by a signal: save and return */
	struct geoip		*geo;		/* polled while following (ctl_geoip_poll), or NULL */
	const struct recfilter	*filter;	/* --src, --verdict, ...: what it rejects is
						 * passed over (the cursor moves on), or NULL */
	uint64_t		 since_ns;	/* --since: older records passed over; 0: none */
};

/* ctlstream_run - ship from the ring at path until done (without -f: what is
 * there), the output fails or *stop is set. The exit status: 0, or 1 after
 * saying why on stderr (a cursor refused, the output failed). A closed pipe
 * on standard output ends the run with 0, the cursor at what got through. */
int ctlstream_run(struct ring_reader *rr, const struct ctlstream_opts *o,
		  const struct ctlstream_out *out);

/* ctlstream_skipped_text, ctlstream_skipped_json - the line the stream
 * carries for skipped records (no newline), snprintf-like. */
int ctlstream_skipped_text(char *buf, size_t size, uint64_t ts_ns, uint32_t seg,
			   uint32_t group, uint64_t n);
int ctlstream_skipped_json(char *buf, size_t size, const struct hostid *host, uint64_t ts_ns,
			   uint32_t seg, uint32_t group, uint64_t n);

#endif
