/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_rules.c - `nflogctl rules`: print the logging snippet and nflogd's
 * own table, install/remove the table through libnftnl, list the ruleset's
 * log rules.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/cmd.h"
#include "ctl/ctlcommon.h"
#include "ctl/ctlout.h"
#include "ruleset/nftgen.h"
#include "ruleset/nftnames.h"
#include "ruleset/nftrules.h"
#include "util/opts.h"

#define CTL_GROUP_DEFAULT	10

static void ctl_rules_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl rules print   [--table [FAMILY] NAME] [--groups BASE] [--per-cpu [--cpus N]] [--own]\n"
"       nflogctl rules install [--table NAME] [--groups BASE] [--per-cpu [--cpus N]]\n"
"       nflogctl rules remove  [--table NAME]\n"
"       nflogctl rules list\n"
"  print      the chain `" NFT_LOG_CHAIN "` to load into your table (default inet filter)\n"
"             and jump to instead of `drop`; --own prints nflogd's own table instead\n"
"  install    add nflogd's own table (default inet " NFT_OWN_TABLE "): block sets for\n"
"             `nflogctl suggest --apply`, dropped and logged before your rules\n"
"  remove     delete that table again (only if nflogd created it)\n"
"  list       the live ruleset's log rules (what `nflogctl stats` attributes drops to)\n"
"  --groups BASE  NFLOG group, or the first per-CPU group (default %d)\n"
"  --per-cpu      one group per CPU: BASE+n for CPU n (nflogd --per-cpu BASE)\n"
"  --cpus N       CPU count for --per-cpu (default: this machine's)\n",
		CTL_GROUP_DEFAULT);
}

static long ctl_ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? n : 1;
}

/* "--table NAME" or "--table FAMILY NAME" (one argument with a space). */
static int ctl_table_arg(const char *arg, char *family, size_t flen, char *table, size_t tlen)
{
	const char *sp = strchr(arg, ' ');

	if (!sp) {
		snprintf(table, tlen, "%s", arg);
		return 0;
	}
	if ((size_t)(sp - arg) >= flen || strchr(sp + 1, ' '))
		return -EINVAL;
	snprintf(family, flen, "%.*s", (int)(sp - arg), arg);
	snprintf(table, tlen, "%s", sp + 1);
	return 0;
}

static int ctl_rules_list(void)
{
	struct nftrules_logrule *v;
	char err[512];
	size_t n, i;

	if (nftrules_list_log(&v, &n, err, sizeof(err)) < 0) {
		fprintf(stderr, "nflogctl: %s\n", err);
		return 1;
	}
	if (n == 0)
		printf("no rule in the live ruleset has a log statement\n");
	for (i = 0; i < n; i++) {
		if (v[i].has_group)
			printf("group %-5u ", v[i].group);
		else
			printf("%-11s ", "kernel log");
		printf("prefix \"%s\"  ", v[i].prefix);
		ctl_rule_where(&v[i]);
		if (v[i].has_counter)
			printf("  packets %llu", (unsigned long long)v[i].packets);
		putchar('\n');
	}
	free(v);
	return fflush(stdout) == EOF ? 1 : 0;
}

/* What the options say. */
struct rules_opts {
	char		family[16], table[128];	/* --table [FAMILY] NAME */
	bool		table_given;
	uint64_t	group;			/* --groups BASE */
	bool		per_cpu;		/* --per-cpu */
	uint64_t	cpus;			/* --cpus N; 0: this machine's */
	bool		own;			/* --own */
};

enum { RULES_O_TABLE = CTL_O_OWN, RULES_O_GROUPS, RULES_O_PERCPU, RULES_O_CPUS, RULES_O_OWN };

static int ctl_rules_option(void *ctx, int c, const char *arg)
{
	struct rules_opts *ro = ctx;

	switch (c) {
	case RULES_O_TABLE:
		if (ctl_table_arg(arg, ro->family, sizeof(ro->family), ro->table,
				  sizeof(ro->table)) < 0) {
			fprintf(stderr, "nflogctl: bad --table '%s': want NAME or "
				"'FAMILY NAME'\n", arg);
			return 2;
		}
		ro->table_given = true;
		break;
	case RULES_O_GROUPS:
		if (opts_uint(arg, 0, 65535, &ro->group) < 0) {
			fprintf(stderr, "nflogctl: bad --groups '%s': want a group "
				"0..65535\n", arg);
			return 2;
		}
		break;
	case RULES_O_PERCPU:
		ro->per_cpu = true;
		break;
	case RULES_O_CPUS:
		if (opts_uint(arg, 1, NFTGEN_CPUS_MAX, &ro->cpus) < 0) {
			fprintf(stderr, "nflogctl: bad --cpus '%s': want 1..%u\n", arg,
				NFTGEN_CPUS_MAX);
			return 2;
		}
		break;
	case RULES_O_OWN:
		ro->own = true;
		break;
	}
	return 0;
}

/* The table sub works on (print: the user's, unless --own; install, remove:
 * nflogd's own) and the generator's options for it: 0, or 2 after saying why. */
static int ctl_rules_target(const char *sub, struct rules_opts *ro, struct nftgen_opts *o)
{
	char err[512];

	if (ro->own || strcmp(sub, "print")) {
		/* nflogd's own table: always family inet. */
		if (strcmp(ro->family, "inet")) {
			fprintf(stderr, "nflogctl: nflogd's own table is always family inet\n");
			return 2;
		}
		if (!ro->table_given)
			snprintf(ro->table, sizeof(ro->table), "%s", NFT_OWN_TABLE);
	} else if (!ro->table_given) {
		snprintf(ro->table, sizeof(ro->table), "filter");
	}
	*o = (struct nftgen_opts){
		.family = ro->family, .table = ro->table, .group = (uint16_t)ro->group,
		.ncpus = ro->per_cpu ? (uint32_t)(ro->cpus ? ro->cpus : (uint64_t)ctl_ncpus()) : 0,
	};
	if (nftgen_check(o, err, sizeof(err)) < 0) {
		fprintf(stderr, "nflogctl: %s\n", err);
		return 2;
	}
	return 0;
}

static int ctl_rules_remove(const char *table)
{
	char err[512];
	int rc;

	rc = nftrules_remove(table, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "nflogctl: %s\n", err);
		return 1;
	}
	printf(rc ? "removed table inet %s\n" : "table inet %s is not installed: "
	       "nothing to remove\n", table);
	return 0;
}

static int ctl_rules_install(const struct nftgen_opts *o)
{
	char err[512];
	int rc;

	rc = nftrules_install(o, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "nflogctl: %s\n", err);
		return 1;
	}
	if (rc == 0)
		printf("table inet %s is already installed with these settings: nothing changed\n",
		       o->table);
	else
		printf("installed table inet %s: sets %s and %s; blocked sources are dropped "
		       "and logged as \"%s\" to group %u%s\n", o->table, NFT_OWN_SET4, NFT_OWN_SET6,
		       NFT_PREFIX_BLOCK, o->group, o->ncpus ? "+CPU" : "");
	return 0;
}

int cmd_rules_main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "table",   required_argument, NULL, RULES_O_TABLE },
		{ "groups",  required_argument, NULL, RULES_O_GROUPS },
		{ "per-cpu", no_argument,       NULL, RULES_O_PERCPU },
		{ "cpus",    required_argument, NULL, RULES_O_CPUS },
		{ "own",     no_argument,       NULL, RULES_O_OWN },
		CTL_LOPT_HELP,
		CTL_LOPT_END
	};
	/* After the subcommand word: options from argv[2]. */
	static const struct ctl_cmdline cl = {
		.shortopts = ":h", .lopts = lopts, .first = 2, .usage = ctl_rules_usage,
		.option = ctl_rules_option,
	};
	struct rules_opts ro = { .family = "inet", .group = CTL_GROUP_DEFAULT };
	struct nftgen_opts o;
	struct ctl_args a;
	const char *sub;
	int rc;

	if (argc < 2) {
		ctl_rules_usage(stderr);
		return 2;
	}
	sub = argv[1];
	if (!strcmp(sub, "help") || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		ctl_rules_usage(stdout);
		return 0;
	}
	if (strcmp(sub, "print") && strcmp(sub, "install") && strcmp(sub, "remove") &&
	    strcmp(sub, "list")) {
		fprintf(stderr, "nflogctl: rules: unknown subcommand '%s' (try: print, install, "
			"remove, list)\n", sub);
		return 2;
	}
	if ((rc = ctl_args_parse(argc, argv, &cl, &ro, &a)) != CTL_RUN)
		return rc;
	if (ro.cpus && !ro.per_cpu) {
		fprintf(stderr, "nflogctl: --cpus goes with --per-cpu\n");
		return 2;
	}
	if (!strcmp(sub, "list"))
		return ctl_rules_list();
	if ((rc = ctl_rules_target(sub, &ro, &o)) != 0)
		return rc;
	if (!strcmp(sub, "print")) {
		rc = ro.own ? nftgen_own_table(stdout, &o) : nftgen_logchain(stdout, &o);
		return rc < 0 || fflush(stdout) == EOF ? 1 : 0;
	}
	if (!strcmp(sub, "remove"))
		return ctl_rules_remove(ro.table);
	return ctl_rules_install(&o);
}
