/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json.h - the one JSON string writer: every JSON string nflogctl prints
 * (records, alerts, stats, suggestions) is quoted here, so they all escape
 * the same way.
 *
 * The escaping is strict so that any consumer can take the text as is:
 *   - '"' and '\' are backslashed;
 *   - C0 controls, DEL and C1 controls (U+0080..U+009F) become \u00XX;
 *   - U+2028 and U+2029 become \u2028 / \u2029 (JavaScript would take them
 *     for line breaks);
 *   - each byte that does not start a well-formed UTF-8 sequence becomes
 *     \ufffd, so arbitrary bytes (log prefixes, interface names) still make
 *     valid JSON;
 *   - everything else, valid UTF-8 included, is copied.
 */
#ifndef NFLOGD_JSON_H
#define NFLOGD_JSON_H

#include <stddef.h>
#include <stdio.h>

/* json_quote - s (at most max bytes, or up to its NUL) as a JSON string
 * literal, quotes included, into buf[0..size) like snprintf: always
 * NUL-terminated when size > 0, and the return value is the full length,
 * so a return >= size means the text was cut. */
size_t json_quote(char *buf, size_t size, const char *s, size_t max);

/* json_quote_file - the same literal written to f; the stream's error flag
 * tells whether it was written. */
void json_quote_file(FILE *f, const char *s);

#endif
