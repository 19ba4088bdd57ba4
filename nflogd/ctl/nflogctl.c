/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nflogctl.c - nflogctl's dispatcher: argv[1] names the subcommand
 * (cmd_*.c, listed in cmd.h), which gets the rest of the command line. */
#include <stdio.h>
#include <string.h>

#include "ctl/cmd.h"
#include "ctl/ctlcommon.h"
#include "ring/ringfmt.h"
#include "version.h"	/* NFLOGD_VERSION: generated from debian/changelog */

/* The first row with the command word (and its option, when one is named). */
static const struct nflogctl_cmd {
	const char	*name;
	const char	*when;
	int		(*main)(int argc, char **argv);
} nflogctl_cmds[] = {
	{ "read",    "--cursor",                cmd_ship_read_main },
	{ "read",    "--cursor-reset",          cmd_ship_read_main },
	{ "read",    "--syslog",                cmd_ship_read_main },
	{ "read",    "--syslog-socket",         cmd_ship_read_main },
	{ "read",    "--syslog-journal-socket", cmd_ship_read_main },
	{ "read",    "--syslog-facility",       cmd_ship_read_main },
	{ "read",    "--syslog-sd-id",          cmd_ship_read_main },
	{ "read",    "--syslog-format",         cmd_ship_read_main },
	{ "read",    NULL,                      cmd_read_main },
	{ "alerts",  "--cursor",                cmd_ship_alerts_main },
	{ "alerts",  "--cursor-reset",          cmd_ship_alerts_main },
	{ "alerts",  "--syslog",                cmd_ship_alerts_main },
	{ "alerts",  "--syslog-socket",         cmd_ship_alerts_main },
	{ "alerts",  "--syslog-journal-socket", cmd_ship_alerts_main },
	{ "alerts",  "--syslog-facility",       cmd_ship_alerts_main },
	{ "alerts",  "--syslog-sd-id",          cmd_ship_alerts_main },
	{ "alerts",  "--syslog-format",         cmd_ship_alerts_main },
	{ "alerts",  NULL,                      cmd_alerts_main },
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
	/* The same line as nflogd --version: which ring format both speak. */
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V") || !strcmp(argv[1], "version")) {
		printf("nflogctl %s (ring format %d.%d)\n", NFLOGD_VERSION, RING_VERSION_MAJOR,
		       RING_VERSION_MINOR);
		return fflush(stdout) == EOF ? 1 : 0;
	}
	for (c = nflogctl_cmds; c < nflogctl_cmds + sizeof(nflogctl_cmds) / sizeof(*c); c++)
		if (!strcmp(argv[1], c->name) &&
		    (!c->when || ctl_has_option(argc - 1, argv + 1, c->when)))
			return c->main(argc - 1, argv + 1);
	fprintf(stderr, "nflogctl: unknown command '%s' (try: read, alerts, stats, "
		"explain, suggest, rules, top, report, pcap, help, --version)\n", argv[1]);
	return 2;
}
