/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlcommon.c - the command line, kb and ring every nflogctl subcommand
 * starts from (ctlcommon.h): one getopt loop for all of them, so the common
 * options and errors read the same everywhere.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl/ctlcommon.h"
#include "ctl/ctlconf.h"
#include "ctl/ctlout.h"
#include "report/ringmetrics.h"
#include "util/opts.h"

/* The read options' own (CTL_O_SINCE and the filters are in ctlcommon.h). */
enum { CTL_O_JSON = CTL_O_OWN };

/* getopt_long returned c (':' or '?'): say why, return 2. */
static int ctl_bad_option(int c, char **argv)
{
	if (c == ':')
		fprintf(stderr, "nflogctl: option %s needs an argument\n", argv[optind - 1]);
	else
		fprintf(stderr, "nflogctl: unknown option '%s'\n", argv[optind - 1]);
	return 2;
}

/* --geoip PATH (repeatable) or --geoip none: 0, or 2 after saying why. */
static int ctl_geoip_option(struct ctl_args *a, const char *arg)
{
	if (!strcmp(arg, "none")) {
		a->geoip_none = true;
	} else if (a->ngeoip >= GEOIP_FILES_MAX) {
		fprintf(stderr, "nflogctl: at most %d --geoip files\n", GEOIP_FILES_MAX);
		return 2;
	} else if (!arg[0]) {
		fprintf(stderr, "nflogctl: --geoip needs a file name (or none)\n");
		return 2;
	} else {
		a->geoip[a->ngeoip++] = arg;
	}
	if (a->geoip_none && a->ngeoip) {
		fprintf(stderr, "nflogctl: --geoip none and --geoip FILE contradict each other\n");
		return 2;
	}
	return 0;
}

/* argv[optind] was not expected: say so, return 2. */
static int ctl_extra_argument(char **argv)
{
	fprintf(stderr, "nflogctl: unexpected argument '%s'\n", argv[optind]);
	return 2;
}

/* The settings file's defaults (ctlconf.h), loaded by each ctl_args_parse:
 * the strings a ctl_args holds point into it until the next parse. */
static struct ctlconf ctl_conf;

/* Load the settings file and take its defaults into a: 0, or 1 after saying why. */
static int ctl_args_conf(struct ctl_args *a)
{
	char err[512];

	ctlconf_free(&ctl_conf);
	if (ctlconf_load(&ctl_conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "nflogctl: %s\n", err);
		return 1;
	}
	*a = (struct ctl_args){ .ring = NFLOGCTL_RING_DEFAULT, .local_kb = NFLOGCTL_LOCAL_KB };
	if (ctl_conf.ring)
		a->ring = ctl_conf.ring;
	if (ctl_conf.local_kb) {
		a->local_kb = ctl_conf.local_kb;
		a->local_given = true;	/* named: it must load */
	}
	return 0;
}

/* No --geoip on the command line: the settings file's geoip lines, if any. */
static void ctl_args_conf_geoip(struct ctl_args *a)
{
	if (a->ngeoip || a->geoip_none)
		return;
	a->geoip_none = ctl_conf.geoip_none;
	a->ngeoip = ctl_conf.ngeoip;
	memcpy(a->geoip, ctl_conf.geoip, sizeof(a->geoip));
}

int ctl_args_parse(int argc, char **argv, const struct ctl_cmdline *cl, void *ctx,
		   struct ctl_args *a)
{
	/* getopt_long sees argv[first - 1] as its argv[0]: optind = 0 then has
	 * glibc start afresh (the '+' of shortopts included), as it would in a
	 * new process, however often this runs in one (the unit tests). */
	char **av = argv + cl->first - 1;
	int ac = argc - cl->first + 1, c, rc;

	if (ctl_args_conf(a) != 0)
		return 1;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(ac, av, cl->shortopts, cl->lopts, NULL)) != -1) {
		switch (c) {
		case CTL_O_RING:
			a->ring = optarg;
			break;
		case CTL_O_LOCALKB:
			a->local_kb = optarg;
			a->local_given = true;
			break;
		case CTL_O_SERVICES:
			a->services = optarg;
			break;
		case CTL_O_GEOIP:
			if ((rc = ctl_geoip_option(a, optarg)) != 0)
				return rc;
			break;
		case 'h':
			cl->usage(stdout);
			return 0;
		case ':':
		case '?':
			return ctl_bad_option(c, av);
		default:
			if (cl->option && (rc = cl->option(ctx, c, optarg)) != 0)
				return rc;
			break;
		}
	}
	a->operand = optind + cl->first - 1;
	if (optind < ac && !cl->operands)
		return ctl_extra_argument(av);
	ctl_args_conf_geoip(a);
	return CTL_RUN;
}

const struct kb *ctl_load_kb(const struct ctl_args *a)
{
	struct kb *local;
	char err[512];

	if (!a->local_given && access(a->local_kb, R_OK) != 0)
		return kb_builtin();
	local = kb_load(a->local_kb, err, sizeof(err));
	if (!local)
		fprintf(stderr, "nflogctl: local kb: %s\n", err);
	return local;
}

/* One list: 0 with *out set, or -1 with the reason in err. */
static int ctl_services_try(const char *path, struct services **out, char *err, size_t errlen)
{
	const struct services_stats *st;

	if (!(*out = services_load(path, err, errlen)))
		return -1;
	st = services_stats(*out);
	if (!st->entries)
		fprintf(stderr, "nflogctl: warning: %s: no service names in it (%zu lines, "
			"%zu not understood)\n", path, st->lines, st->bad);
	return 0;
}

int ctl_load_services(const struct ctl_args *a, struct services **out)
{
	static const char *const defaults[] = { SERVICES_PATH_IANA, SERVICES_PATH_NMAP,
						SERVICES_PATH_ETC };
	const char *named = a->services ? a->services : ctl_conf.services;
	char err[512];
	size_t i;

	*out = NULL;
	if (named) {
		if (ctl_services_try(named, out, err, sizeof(err)) == 0)
			return 0;
		fprintf(stderr, "nflogctl: services: %s\n", err);
		return 1;
	}
	/* Not asked for by name: a default that will not load is only a note,
	 * and the next one is tried. */
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		if (access(defaults[i], F_OK) != 0)
			continue;
		if (ctl_services_try(defaults[i], out, err, sizeof(err)) == 0)
			return 0;
		fprintf(stderr, "nflogctl: warning: services: %s\n", err);
	}
	return 0;
}

static int ctl_readargs_option(void *ctx, int c, const char *arg)
{
	struct ctl_readargs *ra = ctx;

	switch (c) {
	case CTL_O_JSON:
		ra->json = true;
		break;
	case 'f':
		ra->follow = true;
		break;
	case 'n':
		/* 0 is read's and alerts' "none of the old ones" (with -f:
		 * only what comes from now on). */
		if (opts_uint(arg, 0, UINT32_MAX, &ra->last) < 0) {
			fprintf(stderr, "nflogctl: bad -n '%s': want a count 0..%u\n", arg,
				UINT32_MAX);
			return 2;
		}
		ra->last_set = true;
		break;
	default:
		return ctl_select_option(ra, c, arg) == 2 ? 2 : 0;
	}
	return 0;
}

int ctl_select_option(struct ctl_readargs *ra, int c, const char *arg)
{
	if (c == CTL_O_SINCE)
		return ctl_parse_since(arg, &ra->since) ? 0 : 2;
	if (c < CTL_O_FILTER || c >= CTL_O_FILTER + __RECFILTER_KEYS)
		return 1;
	if (ra->nfilter >= CTL_FILTER_ARGS) {
		fprintf(stderr, "nflogctl: at most %d filter options\n", CTL_FILTER_ARGS);
		return 2;
	}
	ra->filter[ra->nfilter].key = (enum recfilter_key)(c - CTL_O_FILTER);
	ra->filter[ra->nfilter++].value = arg;
	return 0;
}

uint64_t ctl_since_ns(uint64_t secs)
{
	uint64_t now = ctl_now_ns();

	return secs && secs * 1000000000ull < now ? now - secs * 1000000000ull : 0;
}

int ctl_readargs_filter(const struct ctl_readargs *ra, const struct kb *kb, bool alerts,
			struct recfilter *f)
{
	char err[512];
	size_t i;

	recfilter_init(f, kb);
	for (i = 0; i < ra->nfilter; i++) {
		if (ra->filter[i].key == RECFILTER_TYPE && !alerts) {
			fprintf(stderr, "nflogctl: --type belongs to alerts (read shows drops "
				"and alerts: nflogctl alerts --type %s)\n", ra->filter[i].value);
			return 2;
		}
		if (recfilter_add(f, ra->filter[i].key, ra->filter[i].value, err,
				  sizeof(err)) < 0) {
			fprintf(stderr, "nflogctl: %s\n", err);
			return 2;
		}
	}
	return 0;
}

int ctl_readargs_parse(int argc, char **argv, void (*usage)(FILE *f), bool tail, bool operands,
		       struct ctl_readargs *ra)
{
	static const struct option lopts[] = {
		CTL_LOPT_RING,
		{ "json",   no_argument, NULL, CTL_O_JSON },
		CTL_LOPT_LOCALKB,
		CTL_LOPT_SERVICES,
		CTL_LOPT_GEOIP,
		{ "follow", no_argument, NULL, 'f' },
		CTL_LOPT_SELECT,
		CTL_LOPT_HELP,
		CTL_LOPT_END
	};
	/* "+": stop at the first operand, so "explain icmp 3/4" keeps its words. */
	const struct ctl_cmdline cl = {
		.shortopts = "+:fhn:", .lopts = lopts, .first = 1, .operands = operands,
		.usage = usage, .option = ctl_readargs_option,
	};
	int rc;

	memset(ra, 0, sizeof(*ra));
	rc = ctl_args_parse(argc, argv, &cl, ra, &ra->args);
	if (rc == CTL_RUN && !tail && (ra->follow || ra->last_set)) {
		fprintf(stderr, "nflogctl: -n and -f belong to read and alerts\n");
		return 2;
	}
	if (rc == CTL_RUN && !tail && (ra->since || ra->nfilter)) {
		fprintf(stderr, "nflogctl: --since and the filters (--src, --port, ...) belong "
			"to read and alerts\n");
		return 2;
	}
	if (rc == CTL_RUN && !tail && !operands && ra->args.services) {
		fprintf(stderr, "nflogctl: --services belongs to read, alerts and explain\n");
		return 2;
	}
	return rc;
}

bool ctl_parse_last(const char *arg, uint64_t *last)
{
	if (opts_uint(arg, 0, UINT32_MAX, last) < 0) {
		fprintf(stderr, "nflogctl: bad -n '%s': want a count 0..%u\n", arg, UINT32_MAX);
		return false;
	}
	if (*last == 0)
		*last = CTL_LAST_NONE;
	return true;
}

bool ctl_parse_since(const char *arg, uint64_t *secs)
{
	if (opts_duration(arg, 100ull * 365 * 86400, secs) < 0 || !*secs) {
		fprintf(stderr, "nflogctl: bad --since '%s': want a duration such as 90s, 30m, "
			"2h or 7d\n", arg);
		return false;
	}
	return true;
}

bool ctl_has_option(int argc, char **argv, const char *opt)
{
	size_t n = strlen(opt);
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strncmp(argv[i], opt, n) && (argv[i][n] == '\0' || argv[i][n] == '='))
			return true;
	}
	return false;
}

/* Permission denied on the ring (or its directory, 0750 root:nflogd): the
 * fix is a group membership, so name the group. */
static void ctl_ring_access_hint(const char *path)
{
	char dir[PATH_MAX];
	const char *slash;
	struct group *gr;
	struct stat st;

	if (access(path, R_OK) == 0 || errno != EACCES)
		return;
	if (stat(path, &st) < 0) {
		slash = strrchr(path, '/');
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1,
			 slash ? (slash == path ? "/" : path) : ".");
		if (stat(dir, &st) < 0)
			return;
	}
	gr = getgrgid(st.st_gid);
	if (gr && st.st_gid != 0)
		fprintf(stderr, "nflogctl: hint: members of group '%s' read the ring: "
			"sudo usermod -aG %s $USER, then log in again (or run nflogctl with "
			"sudo)\n", gr->gr_name, gr->gr_name);
	else
		fprintf(stderr, "nflogctl: hint: the ring is readable by its group only "
			"(nflogd --ring-group); run nflogctl as a member, or with sudo\n");
}

struct ring_reader *ctl_ring_open(const char *path, const struct kb *kb)
{
	struct ring_reader *rr;
	uint64_t stamp;
	char err[512];

	rr = ringread_open(path, err, sizeof(err));
	if (!rr) {
		fprintf(stderr, "nflogctl: %s\n", err);
		ctl_ring_access_hint(path);
		return NULL;
	}
	/* Ids in records mean what the writer's kb said; say so when ours differs. */
	stamp = ringread_hdr(rr)->kb_stamp;
	if (stamp && stamp != kb_stamp(kb))
		fprintf(stderr, "nflogctl: warning: the ring was classified with another "
			"knowledge base (stamp %016llx, ours %016llx); explanations may not "
			"match. Same nflogd version and --local-kb?\n",
			(unsigned long long)stamp, (unsigned long long)kb_stamp(kb));
	return rr;
}

void ctl_kb_counters(const struct ring_reader *rr, ctl_kb_counter_fn *fn, void *ctx)
{
	ringmetrics_kb_counters(rr, fn, ctx);
}

/* One usage text for `nflogctl help` and for the subcommands that have no
 * page of their own (read, alerts, stats, explain). */
void ctl_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl read    [--ring PATH] [-n N] [-f|--follow] [--json] [--geoip FILE]...\n"
"                        [--since DURATION] [FILTER]... [--cursor FILE [--cursor-reset]]\n"
"       nflogctl read    [--ring PATH] [-n N] [-f|--follow] [--json] [--cursor FILE]\n"
"                        --syslog [--syslog-socket PATH] [--syslog-facility NAME]\n"
"                        [--syslog-sd-id NAME@PEN]\n"
"       nflogctl alerts  [--ring PATH] [-n N] [-f|--follow] [--json] [--geoip FILE]...\n"
"                        [--since DURATION] [--type TYPE]... [FILTER]...\n"
"                        [--cursor FILE [--cursor-reset]] [--syslog ...]\n"
"       nflogctl stats   [--ring PATH] [--json]\n"
"       nflogctl stats   [--ring PATH] --prometheus [-o FILE]\n"
"       nflogctl top     [--ring PATH] [--interval SECONDS] [--once]\n"
"                        [--view sources|as|country] [--geoip FILE]...\n"
"       nflogctl report  -o FILE [--ring PATH] [--since DURATION]\n"
"                        [--geoip FILE]...\n"
"       nflogctl pcap    -o FILE [--ring PATH] [--since DURATION]\n"
"       nflogctl explain PORT[/tcp|/udp] | icmp TYPE[/CODE] | icmpv6 TYPE[/CODE] | ADDRESS\n"
"       nflogctl suggest [--ring PATH] [--since DURATION] [--format nft|json] [--apply]\n"
"                        [--allow FILE] [--table NAME] [--geoip FILE]...\n"
"       nflogctl rules   print [--table [FAMILY] NAME] [--groups BASE] [--per-cpu [--cpus N]]\n"
"                              [--own]\n"
"       nflogctl rules   install [--table NAME] [--groups BASE] [--per-cpu [--cpus N]]\n"
"       nflogctl rules   remove [--table NAME]\n"
"       nflogctl rules   list\n"
"       nflogctl fleet   [--json | --suggest] [--min-hosts N] [--max-sources N]\n"
"                        [--allow FILE] [--stats] [FILE...]\n"
"       nflogctl help | --version\n"
"  --local-kb PATH  site knowledge (default " NFLOGCTL_LOCAL_KB ", used when present)\n"
"  --services FILE  read (also --syslog), alerts, explain: registered names of\n"
"                   the ports the kb lacks (default: the first present of\n"
"                   " SERVICES_PATH_IANA ", " SERVICES_PATH_NMAP ",\n"
"                   " SERVICES_PATH_ETC ")\n"
"  --geoip FILE     read, alerts, explain, stats, top, report, suggest: country,\n"
"                   city and AS from a MaxMind DB file (repeat for several;\n"
"                   default: the *.mmdb in " GEOIP_DIRS_DEFAULT "; none: no GeoIP)\n"
"  --ring PATH   ring file (default " NFLOGCTL_RING_DEFAULT ")\n"
"  -n N          only the last N drops (0: none; with -f, only new ones)\n"
"  FILTER        read, alerts: --src/--dst ADDR[/PREFIX], --port/--sport N, --proto P,\n"
"                --verdict V, --kb CATEGORY (all must match; repeated: any)\n"
"  -f, --follow  keep printing drops as they arrive\n"
"  --json        JSON Lines (doc/json-schema.md) instead of text\n"
"  --cursor FILE go on after the last record handed on, across restarts; records\n"
"                the ring overwrote first are reported (read --cursor --help)\n"
"  --syslog      one syslog message each instead: journald's native fields when\n"
"                journald runs, else syslog(3)'s form to /dev/log; RFC 5424 to\n"
"                --syslog-socket PATH\n"
"  --prometheus  Prometheus text format, for node_exporter's textfile collector\n"
"  -o FILE       write FILE (complete, then renamed into place); - is stdout\n"
"  nflogctl COMMAND --help: that command's options. Shipping to a central store:\n"
"  doc/shipping.md. Defaults for --ring, --local-kb, --services and --geoip:\n"
"  /etc/nflogd/nflogctl.conf (NFLOGCTL_CONFIG=FILE reads another, =none none).\n");
}
