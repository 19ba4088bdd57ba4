/* SPDX-License-Identifier: GPL-2.0-or-later */
/* syslogout.h - drop and alert records as syslog messages, in three forms:
 *
 *   RFC 5424, for a receiver that parses it (--syslog-socket PATH):
 *     <PRI>1 TIMESTAMP HOSTNAME nflogctl PROCID drop|alert [SD-ID k="v" ...] MSG
 *   the local syslog(3) form, what rsyslog's imuxsock parses on /dev/log by
 *   default (its "special parser" takes no RFC 5424 header):
 *     <PRI>Mmm dd hh:mm:ss nflogctl[PROCID]: MSG
 *   journald's native protocol (/run/systemd/journal/socket): KEY=VALUE
 *   lines, a value with a newline in the binary-safe form KEY\n LE64 VALUE\n;
 *   MESSAGE=MSG, PRIORITY, SYSLOG_FACILITY, SYSLOG_IDENTIFIER, SYSLOG_PID and
 *   NFLOG_<PARAM> for each structured-data parameter.
 *
 * MSG is the record's text line (recfmt_text, recfmt_alert_text) or what the
 * caller gives (the JSON line, for collectors that store JSON Lines); the
 * structured data (or the NFLOG_* fields) repeat the key fields for
 * rsyslog's property filters and parsers. The SD-ID is SYSLOGOUT_SDID unless
 * the caller names another: nflogd has no private enterprise number, so the
 * default uses 32473, the number RFC 5612 sets aside for documentation, in
 * the NAME@PEN form RFC 5424 section 7.2 gives for unregistered names; a
 * site with a PEN of its own passes NAME@ITS_PEN.
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
	const char	*sdid;		/* NULL: SYSLOGOUT_SDID; else checked by syslogout_sdid_ok */
	const char	*host_id;	/* NULL or "": none; else the host_id parameter */
};

enum syslogout_form {
	SYSLOGOUT_RFC5424	= 0,
	SYSLOGOUT_LOCAL		= 1,	/* syslog(3)'s form for the local socket */
	SYSLOGOUT_JOURNAL	= 2,	/* journald's native protocol */
};

/* syslogout_drop, syslogout_alert - one message, no trailing newline.
 * Severity: warning for hostile, notice for suspicious drops and for every
 * other alert, info for the rest. */
int syslogout_drop(char *buf, size_t size, const struct syslogout_id *id,
		   const struct ring_rec *r, const struct recfmt_ctx *c);
int syslogout_alert(char *buf, size_t size, const struct syslogout_id *id,
		    const struct ring_alert *a, const struct recfmt_ctx *c);

/* syslogout_record - a drop or an alert (by r->kind) in the given form;
 * msg NULL: MSG is the record's text line, else msg (one line, e.g. the
 * record's JSON). snprintf-like as above; for the journal form the result
 * is binary (count by the return value, not by strlen). */
int syslogout_record(char *buf, size_t size, const struct syslogout_id *id,
		     enum syslogout_form form, const struct ring_rec *r,
		     const struct recfmt_ctx *c, const char *msg);

/* syslogout_skipped - the message that says n records of segment seg
 * (NFLOG group, role) were overwritten before the reader got to them
 * (MSGID/NFLOG_KIND "skipped", parameters skipped, segment, group), with
 * msg as MSG; warning severity, timestamp ts_ns. snprintf-like. */
int syslogout_skipped(char *buf, size_t size, const struct syslogout_id *id,
		      enum syslogout_form form, uint64_t ts_ns, uint32_t seg, uint32_t group,
		      uint64_t n, const char *msg);

/* syslogout_sdid_ok - s is an SD-ID of the NAME@PEN form: NAME 1..31
 * printable ASCII characters other than '=', ' ', ']', '"' and '@', PEN
 * digits and dots starting with a nonzero digit, 32 characters at most. */
int syslogout_sdid_ok(const char *s);

/* syslogout_param_value - s as an SD-PARAM value, without the quotes: '"',
 * '\' and ']' get a backslash (RFC 5424 6.3.3); control characters and
 * bytes that are not UTF-8 become U+FFFD. snprintf-like. */
int syslogout_param_value(char *buf, size_t size, const char *s);

/* syslogout_facility - code of "daemon", "user", "auth", "authpriv", "local0"
 * .. "local7"; -1 for anything else. */
int syslogout_facility(const char *name);

#endif
