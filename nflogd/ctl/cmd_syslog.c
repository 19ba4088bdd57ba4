/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_syslog.c - `nflogctl read [-f] --syslog`: each drop and alert as
 * an RFC 5424 message (syslogout.c), one datagram each, to /dev/log or
 * --syslog-socket PATH, in the order `nflogctl read` prints them.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/un.h>

#include "ctl/cmd.h"
#include "ctl/ctlcommon.h"
#include "ctl/ctlout.h"
#include "report/recfmt.h"
#include "report/syslogout.h"
#include "ring/ringscan.h"

#define CTL_SYSLOG_SOCKET	"/dev/log"
#define CTL_FOLLOW_MS		100	/* as `read -f` */
#define CTL_FOLLOW_TAIL		10
#define CTL_SEND_RETRIES	50	/* 10 ms apart: a busy syslog daemon gets 0.5 s */

static void ctl_syslog_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl read --syslog [--syslog-socket PATH] [--syslog-facility NAME]\n"
"                     [--ring PATH] [-n N] [-f|--follow] [--local-kb PATH]\n"
"                     [--services FILE]\n"
"  Sends each drop and alert as an RFC 5424 message (MSGID drop or alert,\n"
"  structured data [" SYSLOGOUT_SDID " ...], the text line as MSG) to the local\n"
"  syslog socket instead of printing it.\n"
"  --syslog-socket PATH  a datagram socket (default " CTL_SYSLOG_SOCKET ")\n"
"  --syslog-facility F   daemon (default), user, auth, authpriv, local0..local7\n");
}

struct ctl_syslog {
	struct ring_reader	*rr;
	const struct kb		*kb;
	struct services		*services;	/* names in MSG as `read` shows them */
	const char		*sock_path;
	struct syslogout_id	 id;
	int			 fd;
	uint64_t		 sent;
	bool			 follow;	/* -f: keep sending as drops arrive */
	uint64_t		 last;		/* -n N; 0: all */
};

static int ctl_syslog_connect(struct ctl_syslog *sl)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (sl->fd >= 0)
		close(sl->fd);
	sl->fd = -1;
	if (strlen(sl->sock_path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, sl->sock_path, strlen(sl->sock_path) + 1);
	sl->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sl->fd < 0)
		return -1;
	if (connect(sl->fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(sl->fd);
		sl->fd = -1;
		errno = e;
		return -1;
	}
	return 0;
}

/* One datagram; a restarted syslog daemon gets one reconnect, a busy one a
 * short wait. */
static int ctl_syslog_send(struct ctl_syslog *sl, const char *msg, size_t len)
{
	struct timespec pause = { 0, 10 * 1000000L };
	int tries = 0;
	bool reconnected = false;

	for (;;) {
		if (sl->fd >= 0 && send(sl->fd, msg, len, MSG_NOSIGNAL) == (ssize_t)len) {
			sl->sent++;
			return 0;
		}
		if (sl->fd >= 0 && (errno == EAGAIN || errno == ENOBUFS || errno == EINTR) &&
		    ++tries < CTL_SEND_RETRIES) {
			nanosleep(&pause, NULL);
			continue;
		}
		if (reconnected || ctl_syslog_connect(sl) < 0)
			return -1;
		reconnected = true;
	}
}

static int ctl_syslog_item(struct ctl_syslog *sl, const struct ringscan_item *it)
{
	char msg[SYSLOGOUT_MAX];
	struct ctl_names names;
	struct recfmt_ctx ctx = ctl_fmt_ctx(sl->rr, it->seg, it->pos, &it->rec, sl->kb, &names);
	int n;

	ctx.services = sl->services;
	if (it->rec.kind == RING_KIND_ALERT) {
		struct ring_alert a;

		ringscan_alert(it, &a);
		n = syslogout_alert(msg, sizeof(msg), &sl->id, &a, &ctx);
	} else {
		n = syslogout_drop(msg, sizeof(msg), &sl->id, &it->rec, &ctx);
	}
	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof(msg))
		n = (int)sizeof(msg) - 1;
	return ctl_syslog_send(sl, msg, (size_t)n);
}

/* Send what is new since the cursors (the last `last` of it, when nonzero). */
static int ctl_syslog_drain(struct ctl_syslog *sl, uint64_t *cursor, uint64_t last,
			    struct ringscan_stats *st)
{
	struct ringscan_item *items;
	size_t n, i;

	if (ringscan_collect(sl->rr, cursor, 0, RINGSCAN_DROPS | RINGSCAN_ALERTS, &items, &n,
			     st) < 0) {
		fprintf(stderr, "nflogctl: out of memory\n");
		return -1;
	}
	for (i = last && n > last ? n - last : 0; i < n; i++) {
		if (ctl_syslog_item(sl, &items[i]) < 0) {
			fprintf(stderr, "nflogctl: sending to %s failed: %s\n", sl->sock_path,
				strerror(errno));
			free(items);
			return -1;
		}
	}
	free(items);
	return 0;
}

enum { SL_O_SYSLOG = CTL_O_OWN, SL_O_SOCKET, SL_O_FACILITY, SL_O_JSON };

static int ctl_syslog_option(void *ctx, int c, const char *arg)
{
	struct ctl_syslog *sl = ctx;
	int fac;

	switch (c) {
	case SL_O_SYSLOG:	/* how the dispatcher sent us here */
		break;
	case SL_O_SOCKET:
		sl->sock_path = arg;
		break;
	case SL_O_FACILITY:
		if ((fac = syslogout_facility(arg)) < 0) {
			fprintf(stderr, "nflogctl: bad --syslog-facility '%s': want daemon, "
				"user, auth, authpriv or local0..local7\n", arg);
			return 2;
		}
		sl->id.facility = (unsigned)fac;
		break;
	case SL_O_JSON:
		fprintf(stderr, "nflogctl: --syslog sends text lines; for JSON Lines use "
			"`nflogctl read --json` (doc/shipping.md)\n");
		return 2;
	case 'f':
		sl->follow = true;
		break;
	case 'n':
		if (!ctl_parse_last(arg, &sl->last))
			return 2;
		break;
	}
	return 0;
}

/* Connect, open the ring and send where `read` would start: everything, the
 * last N, or the last 10 with -f and then what comes. 0, or 1 after saying why. */
static int ctl_syslog_run(struct ctl_syslog *sl, const char *path, struct ringscan_stats *st)
{
	struct timespec pause = { 0, CTL_FOLLOW_MS * 1000000L };
	uint64_t last = sl->last, *cursor;
	int rc = 1;

	if (ctl_syslog_connect(sl) < 0) {
		fprintf(stderr, "nflogctl: cannot connect to the syslog socket %s: %s\n",
			sl->sock_path, strerror(errno));
		return 1;
	}
	if (!(sl->rr = ctl_ring_open(path, sl->kb)))
		return 1;
	cursor = calloc(ringread_nsegs(sl->rr), sizeof(*cursor));
	if (!cursor) {
		fprintf(stderr, "nflogctl: out of memory\n");
		return 1;
	}
	if (sl->follow && !last)
		last = CTL_FOLLOW_TAIL;
	if (ctl_syslog_drain(sl, cursor, last, st) < 0)
		goto out;
	while (sl->follow) {
		nanosleep(&pause, NULL);
		if (ctl_syslog_drain(sl, cursor, 0, st) < 0)
			goto out;
	}
	rc = 0;
out:
	free(cursor);
	return rc;
}

int cmd_syslog_main(int argc, char **argv)
{
	static const struct option lopts[] = {
		CTL_LOPT_RING,
		{ "syslog",          no_argument,       NULL, SL_O_SYSLOG },
		{ "syslog-socket",   required_argument, NULL, SL_O_SOCKET },
		{ "syslog-facility", required_argument, NULL, SL_O_FACILITY },
		{ "json",            no_argument,       NULL, SL_O_JSON },
		CTL_LOPT_LOCALKB,
		CTL_LOPT_SERVICES,
		{ "follow",          no_argument,       NULL, 'f' },
		CTL_LOPT_HELP,
		CTL_LOPT_END
	};
	static const struct ctl_cmdline cl = {
		.shortopts = ":fhn:", .lopts = lopts, .first = 1, .usage = ctl_syslog_usage,
		.option = ctl_syslog_option,
	};
	struct ctl_syslog sl = {
		.sock_path = CTL_SYSLOG_SOCKET, .fd = -1,
		.id = { .facility = SYSLOGOUT_FACILITY, .app = "nflogctl" },
	};
	struct ringscan_stats st = { 0 };
	struct ctl_args a;
	char host[256] = "";
	int rc;

	if ((rc = ctl_args_parse(argc, argv, &cl, &sl, &a)) != CTL_RUN)
		return rc;
	if (!*sl.sock_path) {
		fprintf(stderr, "nflogctl: --syslog-socket wants a path\n");
		return 2;
	}
	if (!(sl.kb = ctl_load_kb(&a)))
		return 1;
	if (ctl_load_services(&a, &sl.services) != 0) {
		kb_free((struct kb *)sl.kb);
		return 1;
	}
	if (gethostname(host, sizeof(host) - 1) == 0)
		sl.id.hostname = host;
	sl.id.procid = (uint32_t)getpid();
	rc = ctl_syslog_run(&sl, a.ring, &st);
	ctl_report_skipped(&st);
	if (sl.fd >= 0)
		close(sl.fd);
	ringread_close(sl.rr);
	services_free(sl.services);
	kb_free((struct kb *)sl.kb);
	return rc;
}
