/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlgeo.h - the GeoIP files nflogctl's subcommands enrich with: --geoip or the default locations, warnings and reopening. */
#ifndef NFLOGD_CTLGEO_H
#define NFLOGD_CTLGEO_H

#include "ctl/ctlcommon.h"
#include "report/geoip.h"

/* Where the defaults are searched: NFLOGCTL_GEOIP_DIRS (a colon-separated
 * list; empty: nowhere) overrides GEOIP_DIRS_DEFAULT, so tests need not
 * depend on what the machine has installed. */
#define CTL_GEOIP_DIRS_ENV	"NFLOGCTL_GEOIP_DIRS"

/* ctl_load_geoip - the files of --geoip, each of which must open (else say
 * why, naming the file, and return 1: also when built without
 * libmaxminddb), or with none given the *.mmdb files of the default
 * directories that open and add something the earlier ones do not provide
 * (one that will not open is a warning and is not used). --geoip none: no
 * files. 0 with *out (NULL when there are none), or 1. */
int ctl_load_geoip(const struct ctl_args *a, const struct kb *kb, struct geoip **out);

/* ctl_geoip_dirs - the directories searched by default (the env or the
 * built-in list). */
const char *ctl_geoip_dirs(void);

/* ctl_geoip_poll - for follow loops: at most once a second, reopen files
 * that were replaced (geoipupdate renames new ones in), and print the data
 * warnings lookups have collected. g NULL: nothing. */
void ctl_geoip_poll(struct geoip *g);

/* ctl_geoip_warnings - print the pending data warnings of g. */
void ctl_geoip_warnings(struct geoip *g);

/* ctl_geoip_describe - what `nflogctl stats` says about GeoIP: the files and
 * what each provides, where they came from, or why there are none. */
void ctl_geoip_describe(FILE *f, const struct ctl_args *a, const struct geoip *g);
/* The same as the member ,"geoip":{...} of `stats --json`. */
void ctl_geoip_describe_json(FILE *f, const struct ctl_args *a, const struct geoip *g);

/* ctl_geoip_puts - a name from a file to f: valid UTF-8 as it is (a
 * terminal shows it), every control or invalid byte as \xNN, so that no
 * name reaches a terminal as a control sequence, nor ends a comment line. */
void ctl_geoip_puts(FILE *f, const char *s);

/* ctl_geoip_explain - `explain ADDRESS`'s GeoIP paragraph (a blank line
 * first when after): country, city, location, AS and the files; or why
 * there is none. 1 when the files knew the address. g NULL: nothing, 0. */
int ctl_geoip_explain(struct geoip *g, unsigned family, const uint8_t addr[16], const char *what,
		      bool after);

#endif
