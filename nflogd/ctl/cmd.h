/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd.h - nflogctl's subcommands, one cmd_*.c each, as the dispatcher
 * (nflogctl.c) calls them: argv[0] is the command word, the result is the
 * exit status (2: bad command line).
 */
#ifndef NFLOGD_CMD_H
#define NFLOGD_CMD_H

#include <stdio.h>

int cmd_read_main(int argc, char **argv);	/* read */
int cmd_alerts_main(int argc, char **argv);	/* alerts */
int cmd_ship_read_main(int argc, char **argv);	/* read --cursor, read --syslog */
int cmd_ship_alerts_main(int argc, char **argv);	/* alerts --cursor, alerts --syslog */
int cmd_stats_main(int argc, char **argv);	/* stats */
int cmd_prom_main(int argc, char **argv);	/* stats --prometheus */
int cmd_explain_main(int argc, char **argv);	/* explain */
int cmd_top_main(int argc, char **argv);	/* top */
int cmd_report_main(int argc, char **argv);	/* report */
int cmd_pcap_main(int argc, char **argv);	/* pcap */
int cmd_suggest_main(int argc, char **argv);	/* suggest */
int cmd_rules_main(int argc, char **argv);	/* rules */

#endif
