/* utf8.h - validate UTF-8 one sequence at a time (for the HTML, Prometheus and
 * syslog writers, which must not pass on bytes a reader would choke on). */
#ifndef NFLOGD_UTF8_H
#define NFLOGD_UTF8_H

#include <stddef.h>

/* utf8_seq_len - length (1..4) of the well-formed UTF-8 sequence that starts
 * p[0..n), or 0 when there is none: a stray continuation byte, a cut
 * sequence, an overlong form, a surrogate, or a code point past U+10FFFF.
 * NUL is a valid one-byte sequence. */
size_t utf8_seq_len(const unsigned char *p, size_t n);

#endif
