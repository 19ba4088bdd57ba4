/* SPDX-License-Identifier: GPL-2.0-or-later */
/* syslogout.h - drop and alert records as RFC 5424 syslog messages:
 *
 *   <PRI>1 TIMESTAMP HOSTNAME nflogctl PROCID drop|alert [nflog@32473 k="v" ...] TEXT
 *
 * TEXT is the record's text line (recfmt_text, recfmt_alert_text); the
 * structured data repeats its key fields for rsyslog's property filters and
 * parsers. 32473 is the private enterprise number RFC 5612 sets aside for
 * documentation: nflogd has none of its own, and an SD-ID with an '@' is
 * the form RFC 5424 section 7.2 gives for names not registered with IANA.
 *
 * Pure: formatting into the caller's buffer, snprintf-like (returns the
 * length the whole message needs, -1 on bad arguments).
 */
#ifndef NFLOGD_SYSLOGOUT_H
#define NFLOGD_SYSLOGOUT_H

#include <stddef.h>
#include <stdint.h>

#include "report/recfmt.h"
#include "ring/ringfmt.h"

#define SYSLOGOUT_SDID		"nflog@32473"
#define SYSLOGOUT_MAX		(RECFMT_LINE_MAX + 2048u)	/* holds any message */
#define SYSLOGOUT_FACILITY	3u	/* daemon */

/* The HEADER fields that do not come from the record. */
struct syslogout_id {
	unsigned	 facility;	/* 0..23 */
	const char	*hostname;	/* NULL or "": NILVALUE; else printable ASCII kept */
	const char	*app;		/* APP-NAME, e.g. "nflogctl" */
	uint32_t	 procid;	/* 0: NILVALUE */
};

/* syslogout_drop, syslogout_alert - one message, no trailing newline.
 * Severity: warning for hostile, notice for suspicious drops and for every
 * other alert, info for the rest. */
int syslogout_drop(char *buf, size_t size, const struct syslogout_id *id,
		   const struct ring_rec *r, const struct recfmt_ctx *c);
int syslogout_alert(char *buf, size_t size, const struct syslogout_id *id,
		    const struct ring_alert *a, const struct recfmt_ctx *c);

/* syslogout_param_value - s as an SD-PARAM value, without the quotes: '"',
 * '\' and ']' get a backslash (RFC 5424 6.3.3); control characters and
 * bytes that are not UTF-8 become U+FFFD. snprintf-like. */
int syslogout_param_value(char *buf, size_t size, const char *s);

/* syslogout_facility - code of "daemon", "user", "auth", "authpriv", "local0"
 * .. "local7"; -1 for anything else. */
int syslogout_facility(const char *name);

#endif
