/* nflogctl.c - nflogctl's usage and dispatcher: argv[1] names the subcommand
 * (cmd_*.c, listed in cmd.h), which gets the rest of the command line. */
#include <stdio.h>
#include <string.h>

#include "ctl/cmd.h"
#include "ctl/ctlcommon.h"

void ctl_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl read    [--ring PATH] [-n N] [-f|--follow] [--json]\n"
"       nflogctl read    [--ring PATH] [-n N] [-f|--follow] --syslog [--syslog-socket PATH]\n"
"                        [--syslog-facility NAME]\n"
"       nflogctl alerts  [--ring PATH] [-n N] [-f|--follow] [--json]\n"
"       nflogctl stats   [--ring PATH] [--json]\n"
"       nflogctl stats   [--ring PATH] --prometheus [-o FILE]\n"
"       nflogctl top     [--ring PATH] [--interval SECONDS] [--once]\n"
"       nflogctl report  -o FILE [--ring PATH] [--since DURATION]\n"
"       nflogctl pcap    -o FILE [--ring PATH] [--since DURATION]\n"
"       nflogctl explain PORT[/tcp|/udp] | icmp TYPE[/CODE] | icmpv6 TYPE[/CODE] | ADDRESS\n"
"       nflogctl suggest [--ring PATH] [--since DURATION] [--format nft|json] [--apply]\n"
"                        [--allow FILE] [--table NAME]\n"
"       nflogctl rules   print [--table [FAMILY] NAME] [--groups BASE] [--per-cpu [--cpus N]]\n"
"                              [--own]\n"
"       nflogctl rules   install [--table NAME] [--groups BASE] [--per-cpu [--cpus N]]\n"
"       nflogctl rules   remove [--table NAME]\n"
"       nflogctl rules   list\n"
"       nflogctl help\n"
"  --local-kb PATH  site knowledge (default " NFLOGCTL_LOCAL_KB ", used when present)\n"
"  --ring PATH   ring file (default " NFLOGCTL_RING_DEFAULT ")\n"
"  -n N          only the last N drops\n"
"  -f, --follow  keep printing drops as they arrive\n"
"  --json        JSON Lines (doc/json-schema.md) instead of text\n"
"  --syslog      send RFC 5424 messages to /dev/log (or --syslog-socket) instead\n"
"  --prometheus  Prometheus text format, for node_exporter's textfile collector\n"
"  -o FILE       write FILE (complete, then renamed into place); - is stdout\n"
"  nflogctl top|report|pcap|suggest --help: more. Shipping to a central store:\n"
"  doc/shipping.md.\n");
}

/* The first row with the command word (and its option, when one is named). */
static const struct nflogctl_cmd {
	const char	*name;
	const char	*when;
	int		(*main)(int argc, char **argv);
} nflogctl_cmds[] = {
	{ "read",    "--syslog",          cmd_syslog_main },
	{ "read",    "--syslog-socket",   cmd_syslog_main },
	{ "read",    "--syslog-facility", cmd_syslog_main },
	{ "read",    NULL,                cmd_read_main },
	{ "alerts",  NULL,                cmd_alerts_main },
	{ "stats",   "--prometheus",      cmd_prom_main },
	{ "stats",   NULL,                cmd_stats_main },
	{ "explain", NULL,                cmd_explain_main },
	{ "suggest", NULL,                cmd_suggest_main },
	{ "rules",   NULL,                cmd_rules_main },
	{ "top",     NULL,                cmd_top_main },
	{ "report",  NULL,                cmd_report_main },
	{ "pcap",    NULL,                cmd_pcap_main },
};

int main(int argc, char **argv)
{
	const struct nflogctl_cmd *c;

	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		ctl_usage(argc < 2 ? stderr : stdout);	/* no command: a usage error */
		return argc < 2 ? 2 : 0;
	}
	for (c = nflogctl_cmds; c < nflogctl_cmds + sizeof(nflogctl_cmds) / sizeof(*c); c++)
		if (!strcmp(argv[1], c->name) &&
		    (!c->when || ctl_has_option(argc - 1, argv + 1, c->when)))
			return c->main(argc - 1, argv + 1);
	fprintf(stderr, "nflogctl: unknown command '%s' (try: read, alerts, stats, "
		"explain, suggest, rules, top, report, pcap)\n", argv[1]);
	return 2;
}
