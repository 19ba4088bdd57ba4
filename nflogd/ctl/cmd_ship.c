/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_ship.c - `nflogctl read|alerts` with --cursor or --syslog: the records
 * handed on in time order (ctlstream.c) to standard output, as text or JSON
 * Lines, or as syslog messages (syslogout.c), one datagram each: journald's
 * native protocol when its socket is there, else syslog(3)'s form to
 * /dev/log, or RFC 5424 to --syslog-socket PATH. With --cursor FILE the run
 * goes on after the last record an earlier run handed on.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "ctl/cmd.h"
#include "ctl/ctlcommon.h"
#include "ctl/ctlgeo.h"
#include "ctl/ctlline.h"
#include "ctl/ctlout.h"
#include "ctl/ctlstream.h"
#include "report/syslogout.h"
#include "util/hostid.h"

#define SHIP_DEVLOG		"/dev/log"
#define SHIP_JOURNAL		"/run/systemd/journal/socket"
#define SHIP_SEND_RETRIES	50	/* 10 ms apart: a busy syslog daemon gets 0.5 s */

static void ship_usage(FILE *f, const char *cmd, bool alerts)
{
	fprintf(f,
"usage: nflogctl %s [--ring PATH] [-n N] [-f|--follow] [--json]\n"
"                [--cursor FILE [--cursor-reset]] [--local-kb PATH] [--services FILE]\n"
"                [--geoip FILE]... [--syslog [--syslog-socket PATH]\n"
"                [--syslog-facility NAME] [--syslog-sd-id NAME@PEN]]\n"
"                [--since D] [--src ADDR[/PREFIX]] [--dst ...] [--port N] [--sport N]\n"
"                [--proto P] [--verdict V] [--kb CATEGORY]%s\n"
"  --cursor FILE     go on after the last record handed on (to standard output\n"
"                    after a successful flush, or to the syslog socket), across\n"
"                    restarts of this reader and of the daemon; saved atomically\n"
"                    after each batch (at most every %d ms) and at exit. Records\n"
"                    the ring overwrote first are reported on stderr and as a\n"
"                    record in the output (SKIPPED ... / \"nflog.skipped\")\n"
"  --cursor-reset    start the cursor over: from the oldest record in the ring,\n"
"                    or the last N with -n N (also where a new FILE starts)\n"
"  -n N              the last N (0: none, only new ones with -f)\n"
"  -f, --follow      keep handing on records as they arrive\n"
"  --json            JSON Lines (doc/json-schema.md): the lines `read --json` prints;\n"
"                    with --syslog the JSON line is the message\n"
"  --syslog          one syslog message per record instead of a line on stdout:\n"
"                    journald's native fields when " SHIP_JOURNAL "\n"
"                    exists, else syslog(3)'s form to " SHIP_DEVLOG "\n"
"  --syslog-socket PATH      RFC 5424 messages to this datagram socket instead\n"
"  --syslog-format F         with --syslog-socket: rfc5424 (default), local\n"
"                            (syslog(3)'s form) or journal\n"
"  --syslog-journal-socket PATH  journald's native protocol to this socket instead\n"
"  --syslog-facility NAME    daemon (default), user, auth, authpriv, local0..local7\n"
"  --syslog-sd-id NAME@PEN   RFC 5424 SD-ID of the fields (default " SYSLOGOUT_SDID ",\n"
"                            RFC 5612's documentation number: use your own PEN)\n"
"  --since D, --src, --dst, --port, --sport, --proto, --verdict, --kb%s\n"
"                    hand on only what matches, as `nflogctl %s --help` says; the\n"
"                    cursor moves past the rest all the same\n",
		cmd, alerts ? " [--type T]" : "", CTLSTREAM_SAVE_MS, alerts ? ", --type" : "", cmd);
}

static void ship_usage_read(FILE *f)
{
	ship_usage(f, "read", false);
}

static void ship_usage_alerts(FILE *f)
{
	ship_usage(f, "alerts", true);
}

struct ship {
	struct ctlline_src	 src;
	struct ctlstream_opts	 so;
	bool			 syslog;
	const char		*sock_path;	/* --syslog-socket: RFC 5424 */
	const char		*journal_path;	/* --syslog-journal-socket */
	const char		*format;	/* --syslog-format, or NULL: by the socket */
	enum syslogout_form	 form;
	struct syslogout_id	 id;
	struct hostid		 host;
	int			 fd;
	struct ctl_readargs	 sel;		/* only --since and the filters, as given */
	struct recfilter	 filter;	/* sel's filters, compiled */
};

static int ship_connect(struct ship *sh)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(sh->sock_path);
	int e;

	if (sh->fd >= 0)
		close(sh->fd);
	sh->fd = -1;
	if (n >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, sh->sock_path, n + 1);
	sh->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sh->fd < 0)
		return -1;
	if (connect(sh->fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = errno;
		close(sh->fd);
		sh->fd = -1;
		errno = e;
		return -1;
	}
	return 0;
}

/* One datagram; a restarted syslog daemon gets one reconnect, a busy one a
 * short wait. */
static int ship_send(struct ship *sh, const char *msg, size_t len)
{
	struct timespec pause = { 0, 10 * 1000000L };
	bool reconnected = false;
	int tries = 0;

	for (;;) {
		if (sh->fd >= 0 && send(sh->fd, msg, len, MSG_NOSIGNAL) == (ssize_t)len)
			return 0;
		if (sh->fd >= 0 && (errno == EAGAIN || errno == ENOBUFS || errno == EINTR) &&
		    ++tries < SHIP_SEND_RETRIES) {
			nanosleep(&pause, NULL);
			continue;
		}
		if (reconnected || ship_connect(sh) < 0)
			return -1;
		reconnected = true;
	}
}

static int ship_syslog_record(void *ctx, struct ring_reader *rr, const struct ringscan_item *it)
{
	static char line[RECFMT_LINE_MAX], msg[SYSLOGOUT_MAX];
	struct ship *sh = ctx;
	struct ctl_names names;
	struct recfmt_ctx c = ctl_fmt_ctx(rr, it->seg, it->pos, &it->rec, sh->src.kb, &names);
	int n;

	c.services = sh->src.services;
	ctlline_format(line, sizeof(line), rr, it, &sh->src);
	n = syslogout_record(msg, sizeof(msg), &sh->id, sh->form, &it->rec, &c, line);
	if (n < 0)
		return 0;	/* nothing to say about it; not an output failure */
	return ship_send(sh, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
}

static int ship_syslog_skipped(void *ctx, uint64_t ts_ns, uint32_t seg, uint32_t group,
			       uint64_t count)
{
	static char line[1024], msg[SYSLOGOUT_MAX];
	struct ship *sh = ctx;
	int n;

	if (sh->src.json)
		ctlstream_skipped_json(line, sizeof(line), &sh->host, ts_ns, seg, group, count);
	else
		ctlstream_skipped_text(line, sizeof(line), ts_ns, seg, group, count);
	n = syslogout_skipped(msg, sizeof(msg), &sh->id, sh->form, ts_ns, seg, group, count, line);
	return n < 0 ? 0 : ship_send(sh, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
}

static int ship_stdout_record(void *ctx, struct ring_reader *rr, const struct ringscan_item *it)
{
	static char line[RECFMT_LINE_MAX];
	struct ship *sh = ctx;

	ctlline_format(line, sizeof(line), rr, it, &sh->src);
	return puts(line) == EOF ? -1 : 0;
}

static int ship_stdout_skipped(void *ctx, uint64_t ts_ns, uint32_t seg, uint32_t group,
			       uint64_t count)
{
	struct ship *sh = ctx;
	char line[1024];

	if (sh->src.json)
		ctlstream_skipped_json(line, sizeof(line), &sh->host, ts_ns, seg, group, count);
	else
		ctlstream_skipped_text(line, sizeof(line), ts_ns, seg, group, count);
	return puts(line) == EOF ? -1 : 0;
}

static int ship_stdout_flush(void *ctx)
{
	(void)ctx;
	return fflush(stdout) == EOF ? -1 : 0;
}

enum { SH_O_SYSLOG = CTL_O_OWN, SH_O_SOCKET, SH_O_FACILITY, SH_O_JSON, SH_O_CURSOR,
       SH_O_RESET, SH_O_SDID, SH_O_JOURNAL, SH_O_FORMAT };

static int ship_option(void *ctx, int c, const char *arg)
{
	struct ship *sh = ctx;
	int fac;

	switch (c) {
	case SH_O_SOCKET:
		sh->sock_path = arg;
		/* fall through */
	case SH_O_SYSLOG:
		sh->syslog = true;
		break;
	case SH_O_JOURNAL:
		sh->journal_path = arg;
		sh->syslog = true;
		break;
	case SH_O_FACILITY:
		if ((fac = syslogout_facility(arg)) < 0) {
			fprintf(stderr, "nflogctl: bad --syslog-facility '%s': want daemon, "
				"user, auth, authpriv or local0..local7\n", arg);
			return 2;
		}
		sh->id.facility = (unsigned)fac;
		sh->syslog = true;
		break;
	case SH_O_SDID:
		if (!syslogout_sdid_ok(arg)) {
			fprintf(stderr, "nflogctl: bad --syslog-sd-id '%s': want NAME@PEN, e.g. "
				"nflog@12345 with your Private Enterprise Number\n", arg);
			return 2;
		}
		sh->id.sdid = arg;
		sh->syslog = true;
		break;
	case SH_O_FORMAT:
		if (strcmp(arg, "rfc5424") && strcmp(arg, "local") && strcmp(arg, "journal")) {
			fprintf(stderr, "nflogctl: bad --syslog-format '%s': want rfc5424, local "
				"or journal\n", arg);
			return 2;
		}
		sh->format = arg;
		sh->syslog = true;
		break;
	case SH_O_JSON:
		sh->src.json = true;
		break;
	case SH_O_CURSOR:
		sh->so.cursor = arg;
		break;
	case SH_O_RESET:
		sh->so.reset = true;
		break;
	case 'f':
		sh->so.follow = true;
		break;
	case 'n':
		return ctl_parse_last(arg, &sh->so.last) ? 0 : 2;
	default:
		return ctl_select_option(&sh->sel, c, arg) == 2 ? 2 : 0;
	}
	return 0;
}

/* Which socket and which form: the options, else what this host runs. */
static int ship_pick_socket(struct ship *sh)
{
	struct stat st;

	if (sh->sock_path && sh->journal_path) {
		fprintf(stderr, "nflogctl: --syslog-socket and --syslog-journal-socket exclude "
			"each other\n");
		return 2;
	}
	if ((sh->sock_path && !*sh->sock_path) || (sh->journal_path && !*sh->journal_path)) {
		fprintf(stderr, "nflogctl: --syslog-socket wants a path\n");
		return 2;
	}
	if (sh->format && !sh->sock_path) {	/* a journal socket speaks only its own */
		fprintf(stderr, "nflogctl: --syslog-format needs --syslog-socket PATH\n");
		return 2;
	}
	if (sh->sock_path) {
		sh->form = !sh->format || !strcmp(sh->format, "rfc5424") ? SYSLOGOUT_RFC5424 :
			   !strcmp(sh->format, "local") ? SYSLOGOUT_LOCAL : SYSLOGOUT_JOURNAL;
	} else if (sh->journal_path) {
		sh->form = SYSLOGOUT_JOURNAL;
		sh->sock_path = sh->journal_path;
	} else if (stat(SHIP_JOURNAL, &st) == 0 && S_ISSOCK(st.st_mode)) {
		sh->form = SYSLOGOUT_JOURNAL;
		sh->sock_path = SHIP_JOURNAL;
	} else {
		sh->form = SYSLOGOUT_LOCAL;
		sh->sock_path = SHIP_DEVLOG;
	}
	return CTL_RUN;
}

static volatile sig_atomic_t ship_stop;

static void ship_on_signal(int sig)
{
	(void)sig;
	ship_stop = 1;
}

/* TERM, INT, HUP end the run with the cursor saved; a closed pipe is an
 * EPIPE from fflush, not a death. No SA_RESTART: the poll's sleep ends. */
static void ship_signals(void)
{
	struct sigaction sa = { .sa_handler = ship_on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int ship_parse(int argc, char **argv, bool alerts, struct ship *sh, struct ctl_args *a)
{
	static const struct option lopts[] = {
		CTL_LOPT_RING,
		{ "json",                  no_argument,       NULL, SH_O_JSON },
		{ "cursor",                required_argument, NULL, SH_O_CURSOR },
		{ "cursor-reset",          no_argument,       NULL, SH_O_RESET },
		{ "syslog",                no_argument,       NULL, SH_O_SYSLOG },
		{ "syslog-socket",         required_argument, NULL, SH_O_SOCKET },
		{ "syslog-journal-socket", required_argument, NULL, SH_O_JOURNAL },
		{ "syslog-facility",       required_argument, NULL, SH_O_FACILITY },
		{ "syslog-sd-id",          required_argument, NULL, SH_O_SDID },
		{ "syslog-format",         required_argument, NULL, SH_O_FORMAT },
		CTL_LOPT_LOCALKB,
		CTL_LOPT_SERVICES,
		CTL_LOPT_GEOIP,
		{ "follow",                no_argument,       NULL, 'f' },
		CTL_LOPT_SELECT,
		CTL_LOPT_HELP,
		CTL_LOPT_END
	};
	const struct ctl_cmdline cl = {
		.shortopts = ":fhn:", .lopts = lopts, .first = 1,
		.usage = alerts ? ship_usage_alerts : ship_usage_read, .option = ship_option,
	};
	int rc = ctl_args_parse(argc, argv, &cl, sh, a);

	if (rc != CTL_RUN)
		return rc;
	if (sh->so.reset && !sh->so.cursor) {
		fprintf(stderr, "nflogctl: --cursor-reset needs --cursor FILE\n");
		return 2;
	}
	if (sh->so.cursor && !*sh->so.cursor) {
		fprintf(stderr, "nflogctl: --cursor wants a file name\n");
		return 2;
	}
	return sh->syslog ? ship_pick_socket(sh) : CTL_RUN;
}

static int ship_run(struct ship *sh, const char *ring)
{
	struct ctlstream_out out = { .ctx = sh, .what = "standard output" };
	struct ring_reader *rr;
	int rc;

	if (sh->syslog) {
		out.record = ship_syslog_record;
		out.skipped = ship_syslog_skipped;
		out.what = sh->sock_path;
		if (ship_connect(sh) < 0) {
			fprintf(stderr, "nflogctl: cannot connect to the syslog socket %s: %s\n",
				sh->sock_path, strerror(errno));
			return 1;
		}
	} else {
		out.record = ship_stdout_record;
		out.skipped = ship_stdout_skipped;
		out.flush = ship_stdout_flush;
	}
	if (!(rr = ctl_ring_open(ring, sh->src.kb)))
		return 1;
	ship_signals();
	rc = ctlstream_run(rr, &sh->so, &out);
	ringread_close(rr);
	return rc;
}

static int ship_main(int argc, char **argv, bool alerts)
{
	struct ship sh = {
		.fd = -1, .so = { .alerts = alerts, .stop = &ship_stop },
		.id = { .facility = SYSLOGOUT_FACILITY, .app = "nflogctl" },
	};
	struct services *services = NULL;
	struct geoip *geo = NULL;
	struct ctl_args a;
	int rc;

	if ((rc = ship_parse(argc, argv, alerts, &sh, &a)) != CTL_RUN)
		return rc;
	if (!(sh.src.kb = ctl_load_kb(&a)))
		return 1;
	if ((rc = ctl_readargs_filter(&sh.sel, sh.src.kb, alerts, &sh.filter)) != 0) {
		kb_free((struct kb *)sh.src.kb);
		return rc;
	}
	sh.so.filter = recfilter_active(&sh.filter) ? &sh.filter : NULL;
	sh.so.since_ns = ctl_since_ns(sh.sel.since);
	rc = 1;
	if (ctl_load_services(&a, &services) == 0 && ctl_load_geoip(&a, sh.src.kb, &geo) == 0) {
		sh.src.services = services;
		sh.src.geo = geo;
		sh.so.geo = geo;
		hostid_load(&sh.host, NULL);
		sh.id.hostname = sh.host.name;
		sh.id.host_id = sh.host.id;
		sh.id.procid = (uint32_t)getpid();
		rc = ship_run(&sh, a.ring);
		ctl_geoip_warnings(geo);
	}
	if (sh.fd >= 0)
		close(sh.fd);
	if (fflush(stdout) == EOF && errno != EPIPE)
		rc = 1;
	geoip_free(geo);
	services_free(services);
	kb_free((struct kb *)sh.src.kb);
	return rc;
}

int cmd_ship_read_main(int argc, char **argv)
{
	return ship_main(argc, argv, false);
}

int cmd_ship_alerts_main(int argc, char **argv)
{
	return ship_main(argc, argv, true);
}
