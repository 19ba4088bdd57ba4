/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_top.c - `nflogctl top`: a live view of the ring in the terminal.
 *
 * The frame (topview.c) is plain text; here it is drawn with a few ANSI
 * sequences (alternate screen, cursor home, clear to end of line), no curses.
 * The terminal is put in cbreak mode (no echo, no line editing; Ctrl-C still
 * sends SIGINT) and restored on q, on SIGINT/SIGTERM/SIGHUP, and around a
 * Ctrl-Z stop. Signals only set flags: the loop waits in ppoll() with them
 * unblocked, so none is missed between a check and the wait.
 *
 * --once, or standard output not a terminal: one plain frame, no escapes.
 *
 * With GeoIP files (--geoip, or the default locations) the sources get a
 * country/AS column, and s, a, c (or --view) switch the right-hand list
 * between sources, ASes and countries.
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sys/ioctl.h>

#include "ctl/cmd.h"
#include "ctl/ctlcommon.h"
#include "ctl/ctlgeo.h"
#include "ctl/ctlout.h"
#include "report/dropagg.h"
#include "report/topview.h"
#include "ring/ringscan.h"
#include "util/opts.h"

#define TOP_INTERVAL_MAX	3600

static volatile sig_atomic_t top_quit_sig, top_winch, top_tstp, top_cont;

static void top_on_signal(int sig)
{
	switch (sig) {
	case SIGWINCH:
		top_winch = 1;
		break;
	case SIGTSTP:
		top_tstp = 1;
		break;
	case SIGCONT:
		top_cont = 1;
		break;
	default:
		top_quit_sig = sig;
		break;
	}
}

struct ctl_top {
	struct ring_reader	*rr;
	const struct kb		*kb;
	const char		*ring;
	struct dropagg		*agg;
	uint64_t		*cursor;
	uint64_t		 since_ns;
	uint64_t		 last_recorded;	/* for the rate */
	uint64_t		 last_mono_ns;
	double			 rate;
	struct ringscan_stats	 st;
	struct geoip		*geo;		/* NULL: no GeoIP */
	enum topview_list	 list;		/* s, a, c; --view */
	bool			 utf8;		/* the locale's character set is UTF-8 */
	/* terminal */
	bool			 tty_out, tty_in, raw;
	struct termios		 saved;
	char			*frame;
	size_t			 frame_size;
};

/* Whether the admin's locale (LC_ALL, LC_CTYPE, LANG) is UTF-8: then names
 * from GeoIP files are drawn with their letters. Asked once, and the C
 * locale put back, so nothing else in nflogctl sees a changed ctype. */
static bool top_locale_utf8(void)
{
	bool utf8 = false;

	if (setlocale(LC_CTYPE, "")) {
		utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
		setlocale(LC_CTYPE, "C");
	}
	return utf8;
}

static void ctl_top_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl top [--ring PATH] [--interval SECONDS] [--once] [--local-kb PATH]\n"
"                    [--geoip FILE|none]... [--view sources|as|country]\n"
"  A live view of the drops: drops per second, the busiest kb rows and sources,\n"
"  the verdict mix and open alerts, redrawn every SECONDS (default 1). q quits.\n"
"  --once       print one plain frame and exit (also when output is not a terminal)\n"
"  --geoip FILE country and AS of the sources from a MaxMind DB file (repeat for\n"
"               several; default: the *.mmdb in " GEOIP_DIRS_DEFAULT ")\n"
"  --view V     the right-hand list: sources (default), as or country (GeoIP);\n"
"               keys s, a and c switch it live\n");
}

static uint64_t top_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t top_recorded(const struct ring_reader *rr)
{
	uint64_t sum = 0;
	uint32_t s;

	for (s = 0; s < ringread_nsegs(rr); s++)
		if (ringread_seg(rr, s)->role == RING_SEG_CAPTURE)
			sum += ringread_ctr(rr, s, RING_CTR_RECORDED);
	return sum;
}

/* Account what the writer published since the last call; 0 or -ENOMEM. */
static int top_update(struct ctl_top *t)
{
	struct ringscan_item *items;
	uint64_t rec = top_recorded(t->rr), mono = top_mono_ns();
	size_t n, i;

	if (ringscan_collect(t->rr, t->cursor, 0, RINGSCAN_DROPS | RINGSCAN_ALERTS, &items, &n,
			     &t->st) < 0)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		int rc;

		if (items[i].rec.kind == RING_KIND_DROP) {
			if (!t->since_ns)
				t->since_ns = items[i].rec.ts_ns;
			rc = dropagg_add_drop(t->agg, &items[i].rec);
		} else {
			struct ring_alert a;

			ringscan_alert(&items[i], &a);
			rc = dropagg_add_alert(t->agg, &a);
		}
		if (rc < 0) {
			free(items);
			return rc;
		}
	}
	free(items);
	if (t->last_mono_ns && mono > t->last_mono_ns && rec >= t->last_recorded)
		t->rate = (double)(rec - t->last_recorded) * 1e9 / (double)(mono - t->last_mono_ns);
	t->last_recorded = rec;
	t->last_mono_ns = mono;
	return 0;
}

static void top_size(const struct ctl_top *t, unsigned *w, unsigned *h)
{
	struct winsize ws;

	*w = 80;
	*h = 24;
	if (t->tty_out && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col && ws.ws_row) {
		*w = ws.ws_col;
		*h = ws.ws_row;
	}
}

static int top_render(struct ctl_top *t, unsigned w, unsigned h, uint32_t interval)
{
	const struct ring_file_hdr *fh = ringread_hdr(t->rr);
	char state[40];
	uint64_t lost = 0;
	uint32_t s;
	struct topview v;
	int need;

	for (s = 0; s < ringread_nsegs(t->rr); s++)
		lost += ringread_ctr(t->rr, s, RING_CTR_LOST_SEQ);
	if (fh->state == RING_STATE_ONLINE)
		snprintf(state, sizeof(state), "online (pid %u)", fh->writer_pid);
	else
		snprintf(state, sizeof(state), "%s",
			 fh->state == RING_STATE_OFFLINE ? "offline" : "unknown");
	v = (struct topview){
		.ring = t->ring, .state = state, .now_ns = ctl_now_ns(), .rate = t->rate,
		.interval_s = interval, .lost = lost,
		.since_ns = t->since_ns ? t->since_ns : ctl_now_ns(),
		.agg = t->agg, .kb = t->kb, .width = w, .height = h,
		.geo = t->geo, .list = t->list, .utf8 = t->utf8,
	};
	need = topview_render(t->frame, t->frame_size, &v);
	if (need < 0)
		return -EINVAL;
	if ((size_t)need >= t->frame_size) {
		char *f = realloc(t->frame, (size_t)need + 1);

		if (!f)
			return -ENOMEM;
		t->frame = f;
		t->frame_size = (size_t)need + 1;
		topview_render(t->frame, t->frame_size, &v);
	}
	return 0;
}

/* Draw the frame over the previous one: home, each line cleared to its end,
 * no newline after the last line (it would scroll a full screen). */
static void top_draw(const struct ctl_top *t)
{
	const char *p = t->frame, *nl;

	fputs("\x1b[H", stdout);
	while (*p) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		fwrite(p, 1, (size_t)(nl - p), stdout);
		fputs("\x1b[K", stdout);
		if (!*nl)
			break;
		p = nl + 1;
		if (*p)
			fputs("\r\n", stdout);
	}
	fputs("\x1b[J", stdout);
	fflush(stdout);
}

static void top_term_enter(struct ctl_top *t)
{
	struct termios raw;

	if (t->tty_in && tcgetattr(STDIN_FILENO, &t->saved) == 0) {
		raw = t->saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		t->raw = tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0;
	}
	fputs("\x1b[?1049h\x1b[?25l\x1b[2J", stdout);	/* alternate screen, no cursor */
	fflush(stdout);
}

static void top_term_leave(struct ctl_top *t)
{
	fputs("\x1b[?25h\x1b[?1049l", stdout);
	fflush(stdout);
	if (t->raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &t->saved);
	t->raw = false;
}

static void top_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP, SIGCONT };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = top_on_signal;	/* no SA_RESTART: ppoll returns EINTR */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Ctrl-Z: give the terminal back, stop for real, take it again on SIGCONT. */
static void top_suspend(struct ctl_top *t)
{
	sigset_t tstp;

	top_term_leave(t);
	signal(SIGTSTP, SIG_DFL);
	sigemptyset(&tstp);
	sigaddset(&tstp, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &tstp, NULL);	/* the pending stop takes effect */
	raise(SIGTSTP);				/* ... here, until SIGCONT */
	sigprocmask(SIG_BLOCK, &tstp, NULL);
	top_signals();
	top_term_enter(t);
}

/* A key that switches the list: true when it did (redraw at once). Without
 * GeoIP only s means anything: the other lists would be empty. */
static bool top_key(struct ctl_top *t, char key)
{
	enum topview_list l = key == 'a' ? TOPVIEW_AS : key == 'c' ? TOPVIEW_COUNTRY :
			      key == 's' ? TOPVIEW_SOURCES : t->list;

	if (l == t->list || (!t->geo && l != TOPVIEW_SOURCES))
		return false;
	t->list = l;
	return true;
}

/* The keys typed: -1 for q, 1 when the list switched (redraw now), else 0. */
static int top_keys(struct ctl_top *t)
{
	char keys[64];
	ssize_t k = read(STDIN_FILENO, keys, sizeof(keys)), i;
	int redraw = 0;

	for (i = 0; i < k; i++) {
		if (keys[i] == 'q' || keys[i] == 'Q')
			return -1;
		redraw |= top_key(t, keys[i]);
	}
	if (k == 0)	/* end of input: nothing can quit us but signals */
		t->tty_in = false;
	return redraw;
}

/* The live loop; returns the exit status. */
static int top_live(struct ctl_top *t, uint32_t interval)
{
	sigset_t block, orig;
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	unsigned w, h;
	int rc = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGWINCH);
	sigaddset(&block, SIGTSTP);
	sigaddset(&block, SIGCONT);
	sigprocmask(SIG_BLOCK, &block, &orig);
	top_signals();
	top_term_enter(t);
	for (;;) {
		struct timespec wait = { (time_t)interval, 0 };
		uint64_t deadline = top_mono_ns() + (uint64_t)interval * 1000000000ull;
		bool redraw_only = false;

		top_size(t, &w, &h);
		if ((rc = top_render(t, w, h, interval)) < 0)
			break;
		top_draw(t);
		/* Wait for the next refresh; keys and resizes redraw early. */
		for (;;) {
			uint64_t now = top_mono_ns();
			int n;

			if (now >= deadline)
				break;
			wait.tv_sec = (time_t)((deadline - now) / 1000000000u);
			wait.tv_nsec = (long)((deadline - now) % 1000000000u);
			n = ppoll(t->tty_in ? &pfd : NULL, t->tty_in ? 1 : 0, &wait, &orig);
			if (top_quit_sig)
				goto quit;
			if (top_tstp) {
				top_tstp = 0;
				top_cont = 0;
				top_suspend(t);
				redraw_only = true;
				break;
			}
			if (top_winch || top_cont) {
				top_winch = top_cont = 0;
				fputs("\x1b[2J", stdout);
				redraw_only = true;
				break;
			}
			if (n > 0 && (pfd.revents & POLLIN)) {
				int key = top_keys(t);

				if (key < 0)
					goto quit;
				if ((redraw_only = key > 0))
					break;
			} else if (n > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))) {
				t->tty_in = false;
			}
		}
		if (!redraw_only && (rc = top_update(t)) < 0)
			break;
		if (!redraw_only)
			ctl_geoip_poll(t->geo);	/* a file geoipupdate replaced: reopen it */
	}
	top_term_leave(t);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	fprintf(stderr, "nflogctl: %s\n", strerror(-rc));
	return 1;
quit:
	top_term_leave(t);
	if (top_quit_sig) {
		rc = 128 + top_quit_sig;
		signal(top_quit_sig, SIG_DFL);
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return rc;
}

/* Open the ring and account what it holds: 0, or -1 after saying why. */
static int top_open(struct ctl_top *t)
{
	static const struct dropagg_cfg cfg = {
		.bucket_ns = 1000000000ull, .nbuckets = TOPVIEW_SPARK + 1,
	};

	if (!(t->rr = ctl_ring_open(t->ring, t->kb)))
		return -1;
	t->agg = dropagg_new(&cfg);
	t->cursor = calloc(ringread_nsegs(t->rr), sizeof(*t->cursor));
	if (!t->agg || !t->cursor || top_update(t) < 0) {
		fprintf(stderr, "nflogctl: out of memory\n");
		return -1;
	}
	return 0;
}

/* top's own options. */
struct top_opts {
	uint64_t	interval;	/* --interval SECONDS */
	bool		once;		/* --once */
	int		list;		/* --view; -1: not given */
};

enum { TOP_O_INTERVAL = CTL_O_OWN, TOP_O_ONCE, TOP_O_VIEW };

static int top_option(void *ctx, int c, const char *arg)
{
	struct top_opts *o = ctx;

	switch (c) {
	case TOP_O_INTERVAL:
		if (opts_uint(arg, 1, TOP_INTERVAL_MAX, &o->interval) < 0) {
			fprintf(stderr, "nflogctl: bad --interval '%s': want whole seconds "
				"1..%u\n", arg, TOP_INTERVAL_MAX);
			return 2;
		}
		break;
	case TOP_O_ONCE:
		o->once = true;
		break;
	case TOP_O_VIEW:
		o->list = !strcmp(arg, "sources") ? TOPVIEW_SOURCES : !strcmp(arg, "as") ?
			  TOPVIEW_AS : !strcmp(arg, "country") ? TOPVIEW_COUNTRY : -1;
		if (o->list < 0) {
			fprintf(stderr, "nflogctl: bad --view '%s': want sources, as or country\n",
				arg);
			return 2;
		}
		break;
	}
	return 0;
}

int cmd_top_main(int argc, char **argv)
{
	static const struct option lopts[] = {
		CTL_LOPT_RING,
		{ "interval", required_argument, NULL, TOP_O_INTERVAL },
		{ "once",     no_argument,       NULL, TOP_O_ONCE },
		{ "view",     required_argument, NULL, TOP_O_VIEW },
		CTL_LOPT_LOCALKB,
		CTL_LOPT_GEOIP,
		CTL_LOPT_HELP,
		CTL_LOPT_END
	};
	static const struct ctl_cmdline cl = {
		.shortopts = ":h", .lopts = lopts, .first = 1, .usage = ctl_top_usage,
		.option = top_option,
	};
	struct top_opts o = { .interval = 1, .list = -1 };
	struct ctl_top t = { .rate = -1 };
	struct ctl_args a;
	unsigned w, h;
	int rc;

	if ((rc = ctl_args_parse(argc, argv, &cl, &o, &a)) != CTL_RUN)
		return rc;
	t.ring = a.ring;
	if (!(t.kb = ctl_load_kb(&a)))
		return 1;
	rc = 1;
	if (ctl_load_geoip(&a, t.kb, &t.geo) != 0)
		goto out;
	if (o.list > 0 && !t.geo) {
		/* Asked for by name: an empty list would look like no drops. */
		fprintf(stderr, "nflogctl: --view %s needs a GeoIP file (--geoip FILE)\n",
			o.list == TOPVIEW_AS ? "as" : "country");
		goto out;
	}
	t.list = o.list < 0 ? TOPVIEW_SOURCES : (enum topview_list)o.list;
	t.utf8 = top_locale_utf8();
	if (top_open(&t) < 0)
		goto out;
	t.tty_out = !o.once && isatty(STDOUT_FILENO);
	t.tty_in = t.tty_out && isatty(STDIN_FILENO);
	if (!t.tty_out) {
		top_size(&t, &w, &h);
		if (top_render(&t, w, h, 0) < 0) {
			fprintf(stderr, "nflogctl: out of memory\n");
			goto out;
		}
		fputs(t.frame, stdout);
		rc = fflush(stdout) == EOF ? 1 : 0;
	} else {
		rc = top_live(&t, (uint32_t)o.interval);
	}
	ctl_report_skipped(&t.st);
	ctl_geoip_warnings(t.geo);
out:
	geoip_free(t.geo);
	free(t.frame);
	free(t.cursor);
	dropagg_free(t.agg);
	ringread_close(t.rr);
	kb_free((struct kb *)t.kb);
	return rc;
}
