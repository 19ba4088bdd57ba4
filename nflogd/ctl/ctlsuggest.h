/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlsuggest.h - the suggestion engine (suggest/) run over a ring with what
 * it reads around it: the allowlist, this host's addresses and the live
 * ruleset. What `nflogctl suggest` prints (and applies) and what
 * `nflogctl report` embeds.
 */
#ifndef NFLOGD_CTLSUGGEST_H
#define NFLOGD_CTLSUGGEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "classify/kb.h"
#include "report/geoip.h"
#include "suggest/suggest.h"

/* What one run reads. */
struct ctl_suggest_opts {
	const char	*ring;
	const char	*allow_path;
	const char	*table;		/* nflogd's own table */
	bool		 allow_given;	/* a missing allowlist is then an error */
	bool		 json;		/* JSON instead of the nft script */
	uint64_t	 since;		/* seconds, 0 = everything */
	struct geoip	*geo;		/* the nft script groups blocks by AS; NULL: no */
};

/* One run: the engine, its configuration and what that points to (they
 * must outlive the engine). */
struct cidrlist;
struct ctl_suggest {
	struct suggest		*sg;
	struct suggest_cfg	 cfg;
	struct suggest_logrule	*logrules;
	struct cidrlist		*own, *allow;
};

/* ctl_suggest_run - read the ring and everything the engine needs, decide,
 * write the script (or JSON) to out. 0, or 1 after saying why on stderr;
 * either way cs is for ctl_suggest_free() (cs->sg for suggest_blocks()). */
int ctl_suggest_run(struct ctl_suggest *cs, FILE *out, const struct ctl_suggest_opts *o,
		    const struct kb *kb);
void ctl_suggest_free(struct ctl_suggest *cs);

/* ctl_suggest_script - what `nflogctl suggest --since SINCE_S` prints (the
 * default allowlist and table; with geo, its grouping by AS), written to
 * out; 0 = everything. Returns the exit status `suggest` would have
 * (reasons on stderr). */
int ctl_suggest_script(FILE *out, const char *ring, const struct kb *kb, uint64_t since_s,
		       struct geoip *geo);

#endif
