/* ctlcommon.h - what nflogctl's command files share. nflogctl.c reads the ring
 * (read, alerts, stats, explain); nflogctl_rules.c speaks nftables (rules,
 * per-rule stats); nflogctl_suggest.c turns the ring into suggested rules;
 * nflogctl_top.c, _report.c, _export.c (pcap, Prometheus) and _syslog.c are
 * the operators' views, sharing nflogctl_outputs.c.
 */
#ifndef NFLOGD_CTLCOMMON_H
#define NFLOGD_CTLCOMMON_H

#include <stdbool.h>

#include "classify/kb.h"
#include "ring/ringread.h"

#define NFLOGCTL_RING_DEFAULT	"/var/lib/nflogd/drops.ring"
#define NFLOGCTL_LOCAL_KB	"/etc/nflogd/local.kb"
#define NFLOGCTL_ALLOW		"/etc/nflogd/allow"

/* ctl_json_str - str as a JSON string literal on stdout. */
void ctl_json_str(const char *str);

/* ctl_bad_option - getopt_long returned c (':' or '?'): say why, return 2. */
int ctl_bad_option(int c, char **argv);

/* ctl_extra_argument - argv[optind] was not expected: say so, return 2. */
int ctl_extra_argument(char **argv);

/* ctl_load_kb - the built-in kb, plus local.kb at path when given or present.
 * NULL after printing why. Free with kb_free() (a no-op for the built-in). */
const struct kb *ctl_load_kb(const char *path, bool given);

/* nflogctl rules ...: argv[0] is "rules". Returns the exit status. */
int ctl_rules_main(int argc, char **argv);

/* nflogctl suggest ...: argv[0] is "suggest". Returns the exit status. */
int ctl_suggest_main(int argc, char **argv);

/* ctl_stats_rules - drops per NFLOG group and prefix, attributed to the live
 * ruleset's log rules when it can be read (text or a JSON member). */
void ctl_stats_rules(const struct ring_reader *rr, bool json);

#endif
