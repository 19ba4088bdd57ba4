/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_fleet.c - `nflogctl fleet [--json|--suggest] [FILE...]`: a collector's
 * JSON Lines from many hosts, merged by time and correlated across hosts
 * (correlate/fleet.h); incidents as text or JSON, or fleet-wide block
 * suggestions through the suggest engine's nft writer (doc/fleet.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "classify/kb.h"
#include "correlate/fleet.h"
#include "ctl/cmd.h"
#include "ctl/ctlcommon.h"
#include "ctl/ctlout.h"
#include "ring/ringfmt.h"
#include "suggest/suggest.h"
#include "util/cidrlist.h"
#include "util/json.h"
#include "util/opts.h"

#define FLEET_FILES_MAX	256	/* inputs merged at once: a line buffer each */
#define FLEET_SAY_MAX	10	/* skipped lines described one by one; then a summary */
#define FLEET_SUGGEST_MAX 65536	/* incidents kept for --suggest (256 bytes each) */
/* A line stamped later than this past our clock is refused: one forged
 * "2099" line would otherwise move the merged clock (it only goes forward)
 * past every host's real lines and end their incidents unseen. A day is
 * far more than any sane clock skew between hosts. */
#define FLEET_AHEAD_NS	(86400ull * 1000000000ull)

enum { FLEET_O_JSON = CTL_O_OWN, FLEET_O_SUGGEST, FLEET_O_MIN_HOSTS, FLEET_O_MAX_SOURCES,
       FLEET_O_ALLOW, FLEET_O_STATS };

struct fleet_opts {
	bool		 json;
	bool		 suggest;
	bool		 stats;		/* --stats: counts on stderr at the end */
	uint64_t	 min_hosts;
	uint64_t	 max_sources;
	const char	*allow;
};

/* One input: its reader and the next good event, read ahead for the merge. */
struct fleet_input {
	const char	*name;
	struct jsonl_reader rd;
	struct fleet_ev	 ev;
	bool		 have;		/* ev holds the next event */
	bool		 done;
};

struct fleet_run {
	struct fleet_opts o;
	struct fleet	*f;
	struct fleet_in_stats in;
	struct jsonl_scratch sc;
	struct suggest	*sg;
	struct ring_alert *pend;	/* --suggest: incidents, for the engine at the end */
	size_t		 npend, cap_pend;
	uint64_t	 pend_lost;	/* past FLEET_SUGGEST_MAX */
	uint64_t	 said;		/* skipped lines described */
	uint64_t	 latest_ns;	/* @timestamp beyond: refused (FLEET_AHEAD_NS) */
	int		 rc;
};

static void ctl_fleet_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl fleet [--json] [--min-hosts N] [--max-sources N] [--stats] [FILE...]\n"
"       nflogctl fleet --suggest [--min-hosts N] [--allow FILE] [--stats] [FILE...]\n"
"  Reads JSON Lines from many hosts (each line with host.name, as `nflogctl read\n"
"  --json` writes them and a collector gathers them; FILE - or none: standard\n"
"  input), merged by @timestamp, and reports what spans hosts: one source that\n"
"  probed N hosts or more (distributed-scan, distributed-sweep) and one decoy\n"
"  set the hosts' own decoy-scan alerts saw on N hosts (distributed-decoy).\n"
"  Noise stays per host and is only counted. Lines that are not valid are\n"
"  counted by reason and skipped (stderr: the first %d, then a summary).\n"
"  --json           JSON Lines (doc/fleet.md) instead of text\n"
"  --suggest        an nft script: fleet-wide timed blocks of those sources,\n"
"                   for every host's nflogd table (`nft -c -f` checks it)\n"
"  --min-hosts N    hosts a source must reach (default 2, 1..%d)\n"
"  --max-sources N  per-source states kept, the memory bound (default 65536)\n"
"  --allow FILE     never suggest a block for these (default " NFLOGCTL_ALLOW
", if present)\n"
"  --stats          counts on stderr at the end: lines, probes, incidents, and the\n"
"                   drops that stayed per host (noise, broadcasts, late replies)\n",
		FLEET_SAY_MAX, FLEET_HOSTS_MAX);
}

static int ctl_fleet_option(void *ctx, int c, const char *arg)
{
	struct fleet_opts *o = ctx;

	switch (c) {
	case FLEET_O_JSON:
		o->json = true;
		break;
	case FLEET_O_SUGGEST:
		o->suggest = true;
		break;
	case FLEET_O_STATS:
		o->stats = true;
		break;
	case FLEET_O_MIN_HOSTS:
		if (opts_uint(arg, 1, FLEET_HOSTS_MAX, &o->min_hosts) < 0) {
			fprintf(stderr, "nflogctl: bad --min-hosts '%s': want 1..%d\n", arg,
				FLEET_HOSTS_MAX);
			return 2;
		}
		break;
	case FLEET_O_MAX_SOURCES:
		if (opts_uint(arg, 16, 1u << 24, &o->max_sources) < 0) {
			fprintf(stderr, "nflogctl: bad --max-sources '%s': want 16..%u\n", arg,
				1u << 24);
			return 2;
		}
		break;
	case FLEET_O_ALLOW:
		o->allow = arg;
		break;
	}
	return 0;
}

/* ---- output ---------------------------------------------------------------- */

static void ctl_fleet_time(char *buf, size_t len, uint64_t ns)
{
	time_t s = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char day[32];

	gmtime_r(&s, &tm);
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09" PRIu64 "Z", day, (uint64_t)(ns % 1000000000ull));
}

static void ctl_fleet_addr(char *buf, size_t len, unsigned family, const uint8_t *a)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

static void ctl_fleet_text(FILE *out, const struct fleet_alert *a)
{
	char t0[48], t1[48], src[64];
	uint32_t i;

	ctl_fleet_time(t0, sizeof(t0), a->first);
	ctl_fleet_time(t1, sizeof(t1), a->last);
	ctl_fleet_addr(src, sizeof(src), a->family, a->saddr);
	fprintf(out, "%s FLEET %s %s > %" PRIu32 " hosts (", t1, fleet_type_name(a->type), src,
		a->nhosts);
	for (i = 0; i < a->nhosts; i++)
		fprintf(out, "%s%s", i ? " " : "", a->hosts[i]);
	fprintf(out, "): %" PRIu32 " packets, %" PRIu32 " port%s %u-%u [", a->packets, a->ports,
		a->ports == 1 ? "" : "s", a->port_lo, a->port_hi);
	for (i = 0; i < a->nsample; i++)
		fprintf(out, "%s%u", i ? "," : "", a->port_sample[i]);
	fprintf(out, "]");
	if (a->type == FLEET_DECOY)
		fprintf(out, ", %" PRIu32 " sources per host, %" PRIu32 " folded", a->sources,
			a->members);
	fprintf(out, ", from %s -- %s\n", t0, kb_verdict_name(a->verdict));
}

/* ECS-style like the hosts' alerts (doc/json-schema.md): event.kind alert,
 * event.start/end, source.ip; the fleet's own fields under nflog.fleet. */
static void ctl_fleet_json(FILE *out, const struct fleet_alert *a)
{
	char t0[48], t1[48], src[64];
	uint32_t i;

	ctl_fleet_time(t0, sizeof(t0), a->first);
	ctl_fleet_time(t1, sizeof(t1), a->last);
	ctl_fleet_addr(src, sizeof(src), a->family, a->saddr);
	fprintf(out, "{\"@timestamp\":\"%s\",\"event\":{\"kind\":\"alert\",\"action\":\"%s\","
		"\"dataset\":\"nflogd.fleet\",\"start\":\"%s\",\"end\":\"%s\"},"
		"\"source\":{\"ip\":\"%s\"},\"nflog\":{\"fleet\":{\"type\":\"%s\",\"hosts\":[",
		t1, fleet_type_name(a->type), t0, t1, src, fleet_type_name(a->type));
	for (i = 0; i < a->nhosts; i++) {
		if (i)
			fputc(',', out);
		json_quote_file(out, a->hosts[i]);
	}
	fprintf(out, "],\"host_count\":%" PRIu32 ",\"packets\":%" PRIu32 ",\"ports\":[",
		a->nhosts, a->packets);
	for (i = 0; i < a->nsample; i++)
		fprintf(out, "%s%u", i ? "," : "", a->port_sample[i]);
	fprintf(out, "],\"port_count\":%" PRIu32 ",\"port_range\":[%u,%u]", a->ports, a->port_lo,
		a->port_hi);
	if (a->type == FLEET_DECOY)
		fprintf(out, ",\"sources\":%" PRIu32 ",\"members\":%" PRIu32, a->sources,
			a->members);
	fprintf(out, "},\"verdict\":\"%s\"}}\n", kb_verdict_name(a->verdict));
}

/* A fleet incident as the alert the suggest engine weighs: a scan or sweep
 * (blocked when suspicious or worse), a decoy (listed, never blocked). Kept
 * until the end, when the engine is made: its header names the hosts. */
static void ctl_fleet_suggest_add(struct fleet_run *r, const struct fleet_alert *fa)
{
	struct ring_alert a = { .kind = RING_KIND_ALERT, .alert_id = (uint32_t)r->npend + 1,
				.ts_ns = fa->last, .family = fa->family,
				.state = RING_ALERT_CLOSED, .verdict = fa->verdict,
				.first_seen = fa->first, .last_seen = fa->last,
				.packets = fa->packets, .ports = fa->ports, .targets = fa->nhosts,
				.sources = fa->sources, .port_lo = fa->port_lo,
				.port_hi = fa->port_hi };

	if (r->npend == r->cap_pend) {
		size_t cap = r->cap_pend ? 2 * r->cap_pend : 64;
		struct ring_alert *p;

		if (r->npend >= FLEET_SUGGEST_MAX || !(p = realloc(r->pend, cap * sizeof(*p)))) {
			r->pend_lost++;
			return;
		}
		r->pend = p;
		r->cap_pend = cap;
	}
	a.type = fa->type == FLEET_DECOY ? RING_ALERT_DECOY :
		 fa->type == FLEET_SWEEP ? RING_ALERT_SWEEP : RING_ALERT_PORTSCAN;
	a.proto = fa->protos == 1 ? IPPROTO_TCP : fa->protos == 2 ? IPPROTO_UDP : 0;
	memcpy(a.saddr, fa->saddr, 16);
	memcpy(a.daddr, fa->daddr, 16);
	memcpy(a.port_sample, fa->port_sample, fa->nsample * sizeof(uint16_t));
	r->pend[r->npend++] = a;
}

static void ctl_fleet_emit(const struct fleet_alert *a, void *arg)
{
	struct fleet_run *r = arg;

	if (r->o.suggest)
		ctl_fleet_suggest_add(r, a);
	else if (r->o.json)
		ctl_fleet_json(stdout, a);
	else
		ctl_fleet_text(stdout, a);
}

/* ---- input ----------------------------------------------------------------- */

static void ctl_fleet_skip(struct fleet_run *r, const struct fleet_input *in,
			   enum jsonl_err e, const char *why)
{
	r->in.bad[e]++;
	if (r->said++ < FLEET_SAY_MAX)
		fprintf(stderr, "nflogctl: fleet: %s:%" PRIu64 ": skipped (%s): %s\n", in->name,
			in->rd.line, jsonl_err_name(e), why);
}

/* The input's next good event into in->ev; in->done at its end. */
static void ctl_fleet_advance(struct fleet_run *r, struct fleet_input *in)
{
	char err[256];
	const char *line;
	enum jsonl_err e;
	size_t len;
	int n;

	in->have = false;
	while (!in->done) {
		n = jsonl_next(&in->rd, &line, &len);
		if (n == 0 || n < 0) {
			if (n < 0) {
				fprintf(stderr, "nflogctl: fleet: %s: %s\n", in->name, strerror(-n));
				r->rc = 1;
			}
			in->done = true;
			break;
		}
		r->in.lines++;
		if (n == JSONL_TOO_LONG) {
			ctl_fleet_skip(r, in, JSONL_E_LONG, "line over 64 KiB");
			continue;
		}
		if (len == 0 || (len == 1 && line[0] == '\r'))
			continue;	/* blank lines: nothing to say */
		e = fleet_ev_parse(line, len, &in->ev, &r->sc, err, sizeof(err));
		if (e != JSONL_OK) {
			ctl_fleet_skip(r, in, e, err);
			continue;
		}
		if (in->ev.ts > r->latest_ns) {
			ctl_fleet_skip(r, in, JSONL_E_VALUE, "@timestamp more than a day ahead of "
				       "this host's clock");
			continue;
		}
		if (!in->ev.kind) {
			r->in.other++;
			continue;
		}
		in->have = true;
		break;
	}
}

/* --stats: what was read and what became of it; noise per host. */
static void ctl_fleet_stats(const struct fleet_run *r, const struct fleet_stats *st)
{
	const char *name = "";
	uint32_t i;

	fprintf(stderr, "nflogctl: fleet: %" PRIu32 " host%s, %" PRIu64 " lines: %" PRIu64
		" drops (%" PRIu64 " probes, %" PRIu64 " per host), %" PRIu64 " alerts read, %"
		PRIu64 " other; %" PRIu64 " incidents\n", st->hosts, st->hosts == 1 ? "" : "s",
		r->in.lines, r->in.drops, st->probes, st->noise, r->in.alerts, r->in.other,
		st->alerts);
	fprintf(stderr, "nflogctl: fleet: per host (noise, broadcasts, late replies):");
	for (i = 0; i < st->hosts; i++) {
		uint64_t n = fleet_host_noise(r->f, i, &name);

		fprintf(stderr, " %s=%" PRIu64, name, n);
	}
	fputc('\n', stderr);
}

static void ctl_fleet_summary(const struct fleet_run *r)
{
	struct fleet_stats st;
	uint64_t bad = 0;
	unsigned e;

	fleet_stats(r->f, &st);
	if (st.hosts_full)
		fprintf(stderr, "nflogctl: fleet: %" PRIu64 " lines from hosts past the first %d "
			"were not correlated\n", st.hosts_full, FLEET_HOSTS_MAX);
	if (st.evictions)
		fprintf(stderr, "nflogctl: fleet: %" PRIu64 " sources left the full table early "
			"(--max-sources); their incidents were reported as they left\n",
			st.evictions);
	for (e = 1; e < __JSONL_E_MAX; e++)
		bad += r->in.bad[e];
	if (bad) {
		fprintf(stderr, "nflogctl: fleet: skipped %" PRIu64 " of %" PRIu64 " lines:", bad,
			r->in.lines);
		for (e = 1; e < __JSONL_E_MAX; e++)
			if (r->in.bad[e])
				fprintf(stderr, " %s=%" PRIu64, jsonl_err_name(e), r->in.bad[e]);
		fputc('\n', stderr);
	}
	if (r->o.stats)
		ctl_fleet_stats(r, &st);
}

static int ctl_fleet_open(struct fleet_input *in, const char *path)
{
	int fd = STDIN_FILENO;

	in->name = strcmp(path, "-") ? path : "(stdin)";
	if (strcmp(path, "-") && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "nflogctl: fleet: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (jsonl_reader_init(&in->rd, fd) < 0) {
		fprintf(stderr, "nflogctl: fleet: out of memory\n");
		if (fd != STDIN_FILENO)
			close(fd);
		return 1;
	}
	return 0;
}

static void ctl_fleet_close(struct fleet_input *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (in[i].rd.buf && in[i].rd.fd != STDIN_FILENO)
			close(in[i].rd.fd);
		jsonl_reader_fini(&in[i].rd);
	}
	free(in);
}

/* Merge the inputs by @timestamp (each is in time order, as a host writes
 * it) and feed the fleet correlator. */
static void ctl_fleet_merge(struct fleet_run *r, struct fleet_input *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ctl_fleet_advance(r, &in[i]);
	for (;;) {
		struct fleet_input *next = NULL;

		for (i = 0; i < n; i++)
			if (in[i].have && (!next || in[i].ev.ts < next->ev.ts))
				next = &in[i];
		if (!next)
			break;
		if (next->ev.kind == FLEET_EV_DROP)
			r->in.drops++;
		else
			r->in.alerts++;
		fleet_feed(r->f, &next->ev, ctl_fleet_emit, r);
		ctl_fleet_advance(r, next);
	}
	fleet_flush(r->f, ctl_fleet_emit, r);
}

/* ---- suggestions ------------------------------------------------------------ */

static int ctl_fleet_allow(const struct fleet_run *r, struct cidrlist **allow)
{
	const char *path = r->o.allow ? r->o.allow : NFLOGCTL_ALLOW;
	char err[512];

	if (!(*allow = cidrlist_new())) {
		fprintf(stderr, "nflogctl: fleet: out of memory\n");
		return 1;
	}
	if ((r->o.allow || access(path, F_OK) == 0) &&
	    cidrlist_load(*allow, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "nflogctl: fleet: allowlist: %s\n", err);
		return 1;
	}
	return 0;
}

/* The engine over the incidents, its script on stdout. */
static int ctl_fleet_suggest(struct fleet_run *r, const struct cidrlist *allow, size_t nfiles)
{
	struct suggest_cfg cfg;
	struct fleet_stats st;
	char input[64];
	size_t i;

	if (r->rc)
		return r->rc;
	if (r->pend_lost)
		fprintf(stderr, "nflogctl: fleet: %" PRIu64 " incidents past the first %d left out "
			"of the suggestions\n", r->pend_lost, FLEET_SUGGEST_MAX);
	fleet_stats(r->f, &st);
	snprintf(input, sizeof(input), "%zu file%s of JSON Lines", nfiles, nfiles == 1 ? "" : "s");
	/* Not this host's ruleset: the script is for every host's own table. */
	cfg = (struct suggest_cfg){ .kb = kb_builtin(), .allow = allow,
				    .now_ns = ctl_now_ns(),
				    .ring_path = input, .fleet_hosts = st.hosts ? st.hosts : 1 };
	if (!(r->sg = suggest_new(&cfg))) {
		fprintf(stderr, "nflogctl: fleet: out of memory\n");
		return 1;
	}
	for (i = 0; i < r->npend; i++)
		if (suggest_add_alert(r->sg, &r->pend[i]) < 0)
			break;
	if (i < r->npend || suggest_finish(r->sg) < 0) {
		fprintf(stderr, "nflogctl: fleet: out of memory\n");
		return 1;
	}
	if (suggest_write_nft(r->sg, stdout) < 0) {
		fprintf(stderr, "nflogctl: fleet: writing the suggestions failed\n");
		return 1;
	}
	return 0;
}

int cmd_fleet_main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json",        no_argument,       NULL, FLEET_O_JSON },
		{ "suggest",     no_argument,       NULL, FLEET_O_SUGGEST },
		{ "min-hosts",   required_argument, NULL, FLEET_O_MIN_HOSTS },
		{ "max-sources", required_argument, NULL, FLEET_O_MAX_SOURCES },
		{ "allow",       required_argument, NULL, FLEET_O_ALLOW },
		{ "stats",       no_argument,       NULL, FLEET_O_STATS },
		CTL_LOPT_HELP,
		CTL_LOPT_END
	};
	static const struct ctl_cmdline cl = {
		.shortopts = ":h", .lopts = lopts, .first = 1, .operands = true,
		.usage = ctl_fleet_usage, .option = ctl_fleet_option,
	};
	static struct fleet_run r;	/* the scratch is 8 KiB: not on the stack */
	struct fleet_cfg cfg;
	struct cidrlist *allow = NULL;
	struct fleet_input *in;
	struct ctl_args a;
	size_t n, i;
	int rc;

	memset(&r, 0, sizeof(r));
	if ((rc = ctl_args_parse(argc, argv, &cl, &r.o, &a)) != CTL_RUN)
		return rc;
	r.latest_ns = ctl_now_ns() + FLEET_AHEAD_NS;
	if (r.o.json && r.o.suggest) {
		fprintf(stderr, "nflogctl: fleet: --json and --suggest exclude each other\n");
		return 2;
	}
	n = a.operand < argc ? (size_t)(argc - a.operand) : 1;
	if (n > FLEET_FILES_MAX) {
		fprintf(stderr, "nflogctl: fleet: %zu files: at most %d at once\n", n,
			FLEET_FILES_MAX);
		return 2;
	}
	fleet_cfg_default(&cfg);
	if (r.o.min_hosts)
		cfg.min_hosts = (uint32_t)r.o.min_hosts;
	if (r.o.max_sources)
		cfg.max_sources = (uint32_t)r.o.max_sources;
	if (!(in = calloc(n, sizeof(*in))) || !(r.f = fleet_new(&cfg))) {
		fprintf(stderr, "nflogctl: fleet: out of memory\n");
		free(in);
		return 1;
	}
	for (i = 0, rc = 0; i < n && !rc; i++)
		rc = ctl_fleet_open(&in[i], a.operand < argc ? argv[a.operand + (int)i] : "-");
	if (!rc && r.o.suggest)
		rc = ctl_fleet_allow(&r, &allow);
	if (!rc) {
		ctl_fleet_merge(&r, in, n);
		ctl_fleet_summary(&r);
		rc = r.o.suggest ? ctl_fleet_suggest(&r, allow, n) : r.rc;
	}
	if (fflush(stdout) == EOF && !rc) {
		fprintf(stderr, "nflogctl: fleet: writing standard output failed\n");
		rc = 1;
	}
	ctl_fleet_close(in, n);
	suggest_free(r.sg);
	free(r.pend);
	cidrlist_free(allow);
	fleet_free(r.f);
	return rc;
}
