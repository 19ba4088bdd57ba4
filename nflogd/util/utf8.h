/* SPDX-License-Identifier: GPL-2.0-or-later */
/* utf8.h - the one UTF-8 validator: well-formed sequences (RFC 3629, table 4)
 * for every writer that must not pass on bytes a reader would choke on (JSON,
 * HTML, Prometheus, syslog). */
#ifndef NFLOGD_UTF8_H
#define NFLOGD_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* utf8_seq_len - length (1..4) of the well-formed UTF-8 sequence that starts
 * p[0..n), or 0 when there is none: a stray continuation byte, a cut
 * sequence, an overlong form, a surrogate, or a code point past U+10FFFF.
 * NUL is a valid one-byte sequence. When cp is not NULL and the sequence is
 * valid, *cp is its code point. */
size_t utf8_seq_len(const unsigned char *p, size_t n, uint32_t *cp);

#endif
