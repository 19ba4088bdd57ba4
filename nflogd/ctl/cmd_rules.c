/* cmd_rules.c - `nflogctl rules`: print the logging snippet and nflogd's
 * own table, install/remove the table through libnftnl, list the ruleset's
 * log rules; and the per-rule section of `nflogctl stats`.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/ctlcommon.h"
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

static void ctl_rule_where(const struct nftrules_logrule *r)
{
	printf("%s %s %s handle %llu", r->family, r->table, r->chain,
	       (unsigned long long)r->handle);
	if (r->comment[0])
		printf(" comment \"%s\"", r->comment);
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

int ctl_rules_main(int argc, char **argv)
{
	enum { O_TABLE = 256, O_GROUPS, O_PERCPU, O_CPUS, O_OWN };
	static const struct option lopts[] = {
		{ "table",   required_argument, NULL, O_TABLE },
		{ "groups",  required_argument, NULL, O_GROUPS },
		{ "per-cpu", no_argument,       NULL, O_PERCPU },
		{ "cpus",    required_argument, NULL, O_CPUS },
		{ "own",     no_argument,       NULL, O_OWN },
		{ "help",    no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char family[16] = "inet", table[128] = "", err[512];
	bool per_cpu = false, own = false, table_given = false;
	uint64_t group = CTL_GROUP_DEFAULT, cpus = 0;
	struct nftgen_opts o;
	const char *sub;
	int c, rc;

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
	opterr = 0;
	optind = 2;
	while ((c = getopt_long(argc, argv, ":h", lopts, NULL)) != -1) {
		switch (c) {
		case O_TABLE:
			if (ctl_table_arg(optarg, family, sizeof(family), table, sizeof(table)) < 0) {
				fprintf(stderr, "nflogctl: bad --table '%s': want NAME or "
					"'FAMILY NAME'\n", optarg);
				return 2;
			}
			table_given = true;
			break;
		case O_GROUPS:
			if (opts_uint(optarg, 0, 65535, &group) < 0) {
				fprintf(stderr, "nflogctl: bad --groups '%s': want a group "
					"0..65535\n", optarg);
				return 2;
			}
			break;
		case O_PERCPU:
			per_cpu = true;
			break;
		case O_CPUS:
			if (opts_uint(optarg, 1, NFTGEN_CPUS_MAX, &cpus) < 0) {
				fprintf(stderr, "nflogctl: bad --cpus '%s': want 1..%u\n", optarg,
					NFTGEN_CPUS_MAX);
				return 2;
			}
			break;
		case O_OWN:
			own = true;
			break;
		case 'h':
			ctl_rules_usage(stdout);
			return 0;
		default:
			return ctl_bad_option(c, argv);
		}
	}
	if (optind < argc)
		return ctl_extra_argument(argv);
	if (cpus && !per_cpu) {
		fprintf(stderr, "nflogctl: --cpus goes with --per-cpu\n");
		return 2;
	}
	if (!strcmp(sub, "list"))
		return ctl_rules_list();
	if (own || strcmp(sub, "print")) {
		/* nflogd's own table: always family inet. */
		if (strcmp(family, "inet")) {
			fprintf(stderr, "nflogctl: nflogd's own table is always family inet\n");
			return 2;
		}
		if (!table_given)
			snprintf(table, sizeof(table), "%s", NFT_OWN_TABLE);
	} else if (!table_given) {
		snprintf(table, sizeof(table), "filter");
	}
	o = (struct nftgen_opts){
		.family = family, .table = table, .group = (uint16_t)group,
		.ncpus = per_cpu ? (uint32_t)(cpus ? cpus : (uint64_t)ctl_ncpus()) : 0,
	};
	if (nftgen_check(&o, err, sizeof(err)) < 0) {
		fprintf(stderr, "nflogctl: %s\n", err);
		return 2;
	}
	if (!strcmp(sub, "print")) {
		rc = own ? nftgen_own_table(stdout, &o) : nftgen_logchain(stdout, &o);
		return rc < 0 || fflush(stdout) == EOF ? 1 : 0;
	}
	if (!strcmp(sub, "remove")) {
		rc = nftrules_remove(table, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "nflogctl: %s\n", err);
			return 1;
		}
		printf(rc ? "removed table inet %s\n" : "table inet %s is not installed: "
		       "nothing to remove\n", table);
		return 0;
	}
	rc = nftrules_install(&o, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "nflogctl: %s\n", err);
		return 1;
	}
	if (rc == 0)
		printf("table inet %s is already installed with these settings: nothing changed\n",
		       table);
	else
		printf("installed table inet %s: sets %s and %s; blocked sources are dropped "
		       "and logged as \"%s\" to group %u%s\n", table, NFT_OWN_SET4, NFT_OWN_SET6,
		       NFT_PREFIX_BLOCK, o.group, o.ncpus ? "+CPU" : "");
	return 0;
}

/* ---- stats: drops per log rule ---- */

struct ctl_pair {
	uint16_t group;
	char	 prefix[RING_PREFIX_LEN];
	uint64_t records;
};

static size_t ctl_pairs(const struct ring_reader *rr, struct ctl_pair *p, size_t max)
{
	uint32_t s, nsegs = ringread_nsegs(rr);
	size_t n = 0, i;

	for (s = 0; s < nsegs; s++) {
		const struct ring_seg_hdr *h = ringread_seg(rr, s);
		uint8_t id;

		if (h->role != RING_SEG_CAPTURE)
			continue;
		for (id = 0; id < RING_PREFIXES; id++) {
			char pfx[RING_PREFIX_LEN];

			if (!ringread_prefix(rr, s, id, pfx, sizeof(pfx)))
				break;
			for (i = 0; i < n; i++)
				if (p[i].group == h->group && !strcmp(p[i].prefix, pfx))
					break;
			if (i == n) {
				if (n == max)
					continue;
				p[n].group = (uint16_t)h->group;
				snprintf(p[n].prefix, sizeof(p[n].prefix), "%s", pfx);
				p[n++].records = 0;
			}
			p[i].records += ringread_prefix_count(rr, s, id);
		}
	}
	return n;
}

static bool ctl_rule_matches(const struct nftrules_logrule *r, const struct ctl_pair *p)
{
	return r->has_group && r->group == p->group && !strcmp(r->prefix, p->prefix);
}

void ctl_stats_rules(const struct ring_reader *rr, bool json)
{
	struct ctl_pair pairs[RING_SEG_MAX * 4];
	struct nftrules_logrule *v = NULL;
	size_t np, nv = 0, i, j, shown;
	char err[512];
	int rc;

	np = ctl_pairs(rr, pairs, sizeof(pairs) / sizeof(pairs[0]));
	rc = nftrules_list_log(&v, &nv, err, sizeof(err));
	if (json) {
		printf(",\"ruleset\":");
		ctl_json_str(rc < 0 ? err : "read");
		printf(",\"log_rules\":[");
		for (i = 0; i < np; i++) {
			printf("%s{\"group\":%u,\"prefix\":", i ? "," : "", pairs[i].group);
			ctl_json_str(pairs[i].prefix);
			printf(",\"records\":%llu,\"rules\":[", (unsigned long long)pairs[i].records);
			for (j = 0, shown = 0; j < nv; j++) {
				if (!ctl_rule_matches(&v[j], &pairs[i]))
					continue;
				printf("%s{\"family\":\"%s\",\"table\":", shown++ ? "," : "",
				       v[j].family);
				ctl_json_str(v[j].table);
				printf(",\"chain\":");
				ctl_json_str(v[j].chain);
				printf(",\"handle\":%llu,\"comment\":", (unsigned long long)v[j].handle);
				ctl_json_str(v[j].comment);
				if (v[j].has_counter)
					printf(",\"packets\":%llu,\"bytes\":%llu",
					       (unsigned long long)v[j].packets,
					       (unsigned long long)v[j].bytes);
				putchar('}');
			}
			printf("]}");
		}
		putchar(']');
		free(v);
		return;
	}
	printf("\ndrops per log rule (records by NFLOG group and prefix; nft counter from the "
	       "live ruleset):\n");
	if (rc < 0)
		printf("  (the ruleset could not be read, so no rule is named: %s)\n", err);
	printf("  %-6s %-20s %10s  %s\n", "group", "prefix", "records", "rule");
	for (i = 0; i < np; i++) {
		printf("  %-6u %-20s %10llu  ", pairs[i].group, pairs[i].prefix,
		       (unsigned long long)pairs[i].records);
		for (j = 0, shown = 0; j < nv; j++) {
			if (!ctl_rule_matches(&v[j], &pairs[i]))
				continue;
			if (shown++)
				printf("\n  %-6s %-20s %10s  ", "", "", "");
			ctl_rule_where(&v[j]);
			if (v[j].has_counter)
				printf(", nft counter %llu", (unsigned long long)v[j].packets);
		}
		if (!shown)
			printf(rc < 0 ? "?" : "(no log rule with this group and prefix now)");
		if (shown > 1)
			printf("\n  %-6s %-20s %10s  (%zu rules share this group and prefix: "
			       "records cannot be split between them)", "", "", "", shown);
		putchar('\n');
	}
	if (np == 0)
		printf("  (no prefixed drops recorded yet)\n");
	free(v);
}
