/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlconf.h - nflogctl's own settings file (/etc/nflogd/nflogctl.conf): the defaults of its common options. */
#ifndef NFLOGD_CTLCONF_H
#define NFLOGD_CTLCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "report/geoip.h"

#define CTLCONF_PATH		"/etc/nflogd/nflogctl.conf"
#define CTLCONF_ENV		"NFLOGCTL_CONFIG"	/* another file; "" or "none": none */
#define CTLCONF_MAX_BYTES	(64 * 1024)
#define CTLCONF_VALUE_MAX	4096

/*
 * What the file sets: the same "key = value" lines as nflogd.conf(5), with
 * the keys of nflogctl's common options. Each is a default that the command
 * line overrides: --geoip FILE (any) replaces every geoip line. Strings point
 * into the struct's own buffer.
 */
struct ctlconf {
	const char	*ring;			/* ring = PATH */
	const char	*local_kb;		/* local-kb = PATH */
	const char	*services;		/* services = PATH */
	const char	*geoip[GEOIP_FILES_MAX];	/* geoip = PATH, repeatable */
	size_t		 ngeoip;
	bool		 geoip_none;		/* geoip = none */
	char		*buf;			/* the file, split in place */
};

/* ctlconf_parse - parse buf[0..len) (copied) into c, naming path in errors:
 * 0, or -EINVAL with "path:line: why" in err (unknown key, no '=', empty or
 * over-long value, a key set twice, NUL bytes, too many geoip lines, geoip
 * none beside a file). */
int ctlconf_parse(const char *buf, size_t len, const char *path, struct ctlconf *c,
		  char *err, size_t errlen);

/* ctlconf_load - the settings file: $NFLOGCTL_CONFIG if set, else
 * CTLCONF_PATH. A missing default file is no settings (0); a missing named
 * one, an unreadable or a malformed file is an error (-errno, err says why). */
int ctlconf_load(struct ctlconf *c, char *err, size_t errlen);

void ctlconf_free(struct ctlconf *c);

#endif
