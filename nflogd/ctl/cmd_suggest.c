/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_suggest.c - `nflogctl suggest`: print the rules the suggestion engine
 * proposes for what the ring holds (ctlsuggest.c runs it); with --apply, add
 * the block part to nflogd's own table in one batch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "ctl/cmd.h"
#include "ctl/ctlcommon.h"
#include "ctl/ctlgeo.h"
#include "ctl/ctlsuggest.h"
#include "ruleset/nftnames.h"
#include "ruleset/nftrules.h"
#include "suggest/suggest.h"

static void ctl_suggest_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl suggest [--ring PATH] [--since DURATION] [--format nft|json] [--apply]\n"
"                        [--allow FILE] [--table NAME] [--local-kb PATH]\n"
"                        [--geoip FILE|none]...\n"
"  Reads the drops and alerts in the ring and prints nftables rules to review:\n"
"  silence harmless noise, block hostile sources for a while, rate-limit noisy\n"
"  sources, anti-spoofing, essential ICMP. Nothing changes unless --apply is given.\n"
"  --since D     only the last D (90s, 30m, 2h, 7d)\n"
"  --format F    nft (a script for `nft -c -f`, default) or json\n"
"  --apply       add the suggested blocks (set elements with timeouts) to nflogd's\n"
"                table (`nflogctl rules install`) in one atomic batch\n"
"  --allow FILE  never block these addresses/prefixes (default " NFLOGCTL_ALLOW ")\n"
"  --table NAME  nflogd's own table (default inet " NFT_OWN_TABLE ")\n"
"  --geoip FILE  group the sources to block by AS in the script's comments, with\n"
"                network-wide sets only as commented-out opt-ins (nft format;\n"
"                default: the *.mmdb in " GEOIP_DIRS_DEFAULT "; none: no GeoIP)\n");
}

static void ctl_fmt_timeout(uint32_t s, char *buf, size_t len)
{
	if (s % 86400 == 0)
		snprintf(buf, len, "%ud", s / 86400);
	else if (s % 3600 == 0)
		snprintf(buf, len, "%uh", s / 3600);
	else
		snprintf(buf, len, "%us", s);
}

static int ctl_apply(const struct suggest *sg, const char *table)
{
	const struct suggest_block *b;
	struct nftrules_elem *e;
	size_t n = suggest_blocks(sg, &b), i;
	char err[512], addr[INET6_ADDRSTRLEN], tmo[32];

	if (n == 0) {
		fprintf(stderr, "nflogctl: --apply: no block suggested, nothing changed\n");
		return 0;
	}
	e = calloc(n, sizeof(*e));
	if (!e) {
		fprintf(stderr, "nflogctl: out of memory\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		e[i].family = b[i].family;
		memcpy(e[i].addr, b[i].addr, sizeof(e[i].addr));
		e[i].timeout_s = b[i].timeout_s;
	}
	if (nftrules_add_elems(table, e, n, err, sizeof(err)) < 0) {
		fprintf(stderr, "nflogctl: --apply: %s; nothing changed\n", err);
		free(e);
		return 1;
	}
	fprintf(stderr, "nflogctl: --apply: added %zu element%s to table inet %s:\n", n,
		n == 1 ? "" : "s", table);
	for (i = 0; i < n; i++) {
		inet_ntop(b[i].family == 4 ? AF_INET : AF_INET6, b[i].addr, addr, sizeof(addr));
		ctl_fmt_timeout(b[i].timeout_s, tmo, sizeof(tmo));
		fprintf(stderr, "  %s %s timeout %s  (%s)\n",
			b[i].family == 4 ? NFT_OWN_SET4 : NFT_OWN_SET6, addr, tmo, b[i].why);
	}
	free(e);
	return 0;
}

enum { SG_O_SINCE = CTL_O_OWN, SG_O_FORMAT, SG_O_APPLY, SG_O_ALLOW, SG_O_TABLE };

/* suggest's own options, and what they make of a run. */
struct ctl_suggest_args {
	struct ctl_suggest_opts	run;
	bool			apply;	/* --apply */
};

static int ctl_suggest_option(void *ctx, int c, const char *arg)
{
	struct ctl_suggest_args *sa = ctx;

	switch (c) {
	case SG_O_SINCE:
		if (!ctl_parse_since(arg, &sa->run.since))
			return 2;
		break;
	case SG_O_FORMAT:
		if (!strcmp(arg, "json")) {
			sa->run.json = true;
		} else if (!strcmp(arg, "nft")) {
			sa->run.json = false;
		} else {
			fprintf(stderr, "nflogctl: bad --format '%s': want nft or json\n", arg);
			return 2;
		}
		break;
	case SG_O_APPLY:
		sa->apply = true;
		break;
	case SG_O_ALLOW:
		sa->run.allow_path = arg;
		sa->run.allow_given = true;
		break;
	case SG_O_TABLE:
		sa->run.table = arg;
		break;
	}
	return 0;
}

/* Without --apply: say what it would add. */
static void ctl_suggest_dry_run(const struct suggest *sg, const char *table)
{
	const struct suggest_block *b;
	size_t n = suggest_blocks(sg, &b);

	if (n)
		fprintf(stderr, "nflogctl: dry run: `nflogctl suggest --apply` would add "
			"%zu block%s to table inet %s\n", n, n == 1 ? "" : "s", table);
}

int cmd_suggest_main(int argc, char **argv)
{
	static const struct option lopts[] = {
		CTL_LOPT_RING,
		{ "since",    required_argument, NULL, SG_O_SINCE },
		{ "format",   required_argument, NULL, SG_O_FORMAT },
		{ "apply",    no_argument,       NULL, SG_O_APPLY },
		{ "allow",    required_argument, NULL, SG_O_ALLOW },
		{ "table",    required_argument, NULL, SG_O_TABLE },
		CTL_LOPT_LOCALKB,
		CTL_LOPT_GEOIP,
		CTL_LOPT_HELP,
		CTL_LOPT_END
	};
	static const struct ctl_cmdline cl = {
		.shortopts = ":h", .lopts = lopts, .first = 1, .usage = ctl_suggest_usage,
		.option = ctl_suggest_option,
	};
	struct ctl_suggest_args sa = {
		.run = { .allow_path = NFLOGCTL_ALLOW, .table = NFT_OWN_TABLE },
	};
	struct ctl_suggest cs;
	const struct kb *kb;
	struct ctl_args a;
	int rc;

	if ((rc = ctl_args_parse(argc, argv, &cl, &sa, &a)) != CTL_RUN)
		return rc;
	sa.run.ring = a.ring;
	if (!(kb = ctl_load_kb(&a)))
		return 1;
	if (ctl_load_geoip(&a, kb, &sa.run.geo) != 0) {
		kb_free((struct kb *)kb);
		return 1;
	}
	rc = ctl_suggest_run(&cs, stdout, &sa.run, kb);
	if (rc == 0 && sa.apply)
		rc = ctl_apply(cs.sg, sa.run.table);
	else if (rc == 0)
		ctl_suggest_dry_run(cs.sg, sa.run.table);
	ctl_suggest_free(&cs);
	ctl_geoip_warnings(sa.run.geo);
	geoip_free(sa.run.geo);
	kb_free((struct kb *)kb);
	return rc;
}
