/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlcommon.h - what nflogctl's subcommands (cmd_*.c) share on the way in:
 * the default paths, one getopt loop with the common options (--ring,
 * --local-kb, --services, --geoip, --help) and the common errors, the kb they
 * classify with, the registered service names beside it and the ring they
 * read. Messages start with "nflogctl: "; a bad command line
 * is exit status 2.
 */
#ifndef NFLOGD_CTLCOMMON_H
#define NFLOGD_CTLCOMMON_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "classify/kb.h"
#include "classify/services.h"
#include "report/geoip.h"
#include "report/recfilter.h"
#include "ring/ringread.h"

#define NFLOGCTL_RING_DEFAULT	"/var/lib/nflogd/drops.ring"
#define NFLOGCTL_LOCAL_KB	"/etc/nflogd/local.kb"
#define NFLOGCTL_ALLOW		"/etc/nflogd/allow"

/* getopt_long codes of the common long options; a subcommand numbers its
 * own from CTL_O_OWN. */
enum { CTL_O_RING = 256, CTL_O_LOCALKB, CTL_O_SERVICES, CTL_O_GEOIP, CTL_O_OWN };

#define CTL_LOPT_RING		{ "ring",     required_argument, NULL, CTL_O_RING }
#define CTL_LOPT_LOCALKB	{ "local-kb", required_argument, NULL, CTL_O_LOCALKB }
#define CTL_LOPT_SERVICES	{ "services", required_argument, NULL, CTL_O_SERVICES }
#define CTL_LOPT_GEOIP		{ "geoip",    required_argument, NULL, CTL_O_GEOIP }
/* --since and the filters: which records read and alerts hand on, whether
 * they print them (cmd_read.c) or ship them (cmd_ship.c). Codes above any
 * subcommand's own; the filters are CTL_O_FILTER + enum recfilter_key. */
enum { CTL_O_SINCE = 512, CTL_O_FILTER };

#define CTL_LOPT_SELECT \
	{ "since",   required_argument, NULL, CTL_O_SINCE }, \
	{ "src",     required_argument, NULL, CTL_O_FILTER + RECFILTER_SRC }, \
	{ "dst",     required_argument, NULL, CTL_O_FILTER + RECFILTER_DST }, \
	{ "port",    required_argument, NULL, CTL_O_FILTER + RECFILTER_PORT }, \
	{ "sport",   required_argument, NULL, CTL_O_FILTER + RECFILTER_SPORT }, \
	{ "proto",   required_argument, NULL, CTL_O_FILTER + RECFILTER_PROTO }, \
	{ "verdict", required_argument, NULL, CTL_O_FILTER + RECFILTER_VERDICT }, \
	{ "kb",      required_argument, NULL, CTL_O_FILTER + RECFILTER_KB }, \
	{ "type",    required_argument, NULL, CTL_O_FILTER + RECFILTER_TYPE }
#define CTL_LOPT_HELP		{ "help",     no_argument,       NULL, 'h' }
#define CTL_LOPT_END		{ NULL, 0, NULL, 0 }

/* A subcommand's command line, as ctl_args_parse() reads it. */
struct ctl_cmdline {
	const char		*shortopts;	/* getopt_long's: ':' first (after '+' to stop
						 * at the first operand), with 'h' */
	const struct option	*lopts;		/* CTL_LOPT_* and the subcommand's own */
	int			 first;		/* argv index of the first option */
	bool			 operands;	/* words after the options are the
						 * subcommand's (explain), not extra */
	void			(*usage)(FILE *f);	/* -h, --help: on stdout, status 0 */
	/* The subcommand's own option c with its argument: 0, or the exit
	 * status after saying why. NULL: it has none. */
	int			(*option)(void *ctx, int c, const char *arg);
};

/* What the common options say. */
struct ctl_args {
	const char	*ring;		/* --ring PATH (NFLOGCTL_RING_DEFAULT) */
	const char	*local_kb;	/* --local-kb PATH (NFLOGCTL_LOCAL_KB) */
	bool		 local_given;	/* then it must load; else only when present */
	const char	*services;	/* --services PATH; NULL: the first default present */
	const char	*geoip[GEOIP_FILES_MAX];	/* --geoip PATH, in order (ctlgeo.h) */
	size_t		 ngeoip;
	bool		 geoip_none;	/* --geoip none: no files, not even the defaults */
	int		 operand;	/* argv index of the first word after the options */
};

#define CTL_RUN	(-1)	/* ctl_args_parse: the command line is good */

/* ctl_args_parse - parse argv[cl->first..] into a (and, through cl->option,
 * the subcommand's ctx): CTL_RUN, or the exit status after the usage (0) or
 * after saying what is wrong (2: unknown option, missing argument, an
 * unexpected argument, or what cl->option returned). */
int ctl_args_parse(int argc, char **argv, const struct ctl_cmdline *cl, void *ctx,
		   struct ctl_args *a);

/* ctl_load_kb - the built-in kb, plus local.kb when --local-kb was given or
 * the default one is present. NULL after saying why. Free with kb_free() (a
 * no-op for the built-in). */
const struct kb *ctl_load_kb(const struct ctl_args *a);

/* ctl_load_services - the service-name list: --services PATH, which must
 * load, or else the first of SERVICES_PATH_IANA, _NMAP, _ETC that loads (none
 * present is fine: *out = NULL). 0, or 1 after saying why. Free with
 * services_free(). A list without a single entry is loaded with a warning. */
int ctl_load_services(const struct ctl_args *a, struct services **out);

/* A filter option of read and alerts as given (report/recfilter.h): kept as
 * text until the kb its --kb names belong to is loaded. */
struct ctl_filter_arg {
	enum recfilter_key	 key;
	const char		*value;
};

#define CTL_FILTER_ARGS	(__RECFILTER_KEYS * RECFILTER_VALUES_MAX)

/* The options read, alerts, stats and explain take: one set for all four,
 * so each accepts the others' and then refuses what is not its own. */
struct ctl_readargs {
	struct ctl_args	 args;
	bool		 json;		/* --json */
	bool		 follow;	/* -f, --follow */
	uint64_t	 last;		/* -n N; 0: all (or none, when last_set) */
	bool		 last_set;	/* -n given: -n 0 shows no old record */
	uint64_t	 since;		/* --since, seconds; 0: everything */
	struct ctl_filter_arg filter[CTL_FILTER_ARGS];	/* --src, --port, ... in order */
	size_t		 nfilter;
};

/* ctl_readargs_parse - ctl_args_parse for those four: tail says -n and -f
 * are the command's (read, alerts), operands that words may follow (explain);
 * --services belongs to those three, not to stats. */
int ctl_readargs_parse(int argc, char **argv, void (*usage)(FILE *f), bool tail, bool operands,
		       struct ctl_readargs *ra);

/* ctl_select_option - an option of CTL_LOPT_SELECT into ra: 0, 2 after
 * saying why (a bad --since, too many filters), or 1 when c is not one. */
int ctl_select_option(struct ctl_readargs *ra, int c, const char *arg);

/* ctl_since_ns - --since SECONDS as the oldest time handed on, from now
 * (0: no limit; a span longer than the time since 1970 is none either). */
uint64_t ctl_since_ns(uint64_t secs);

/* ctl_readargs_filter - the filter options of ra compiled into f, their kb
 * categories named in kb; --type only when alerts. 0, or 2 after saying why. */
int ctl_readargs_filter(const struct ctl_readargs *ra, const struct kb *kb, bool alerts,
			struct recfilter *f);

/* ctl_parse_last - -n N (0..UINT32_MAX; 0 is stored as CTL_LAST_NONE, since
 * a last of 0 means "all"); false after saying why. */
#define CTL_LAST_NONE	UINT64_MAX	/* -n 0: none of the records already there */
bool ctl_parse_last(const char *arg, uint64_t *last);

/* ctl_parse_since - --since DURATION in seconds (> 0); false after saying why. */
bool ctl_parse_since(const char *arg, uint64_t *secs);

/* ctl_has_option - argv[1..] holds opt, alone or as "opt=VALUE", before any
 * "--": how main() sends `stats --prometheus` and `read --syslog` on. */
bool ctl_has_option(int argc, char **argv, const char *opt);

/* ctl_ring_open - the ring for reading, with a warning when the ring was
 * classified with another kb than ours; NULL after saying why. */
struct ring_reader *ctl_ring_open(const char *path, const struct kb *kb);

/* ctl_kb_counters - fn(ctx, kb row id, records) for each per-kb-row counter
 * of each segment, as far as the segment's writer has published them; a row
 * counted in several segments comes once per segment. */
typedef void ctl_kb_counter_fn(void *ctx, uint16_t id, uint64_t count);
void ctl_kb_counters(const struct ring_reader *rr, ctl_kb_counter_fn *fn, void *ctx);


/* ctl_usage - nflogctl's usage, to f; read, alerts, stats and explain print
 * it for --help, having no page of their own. */
void ctl_usage(FILE *f);

#endif
