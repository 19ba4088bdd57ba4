/* SPDX-License-Identifier: GPL-2.0-or-later */
/* errbuf.h - the one-line reason library code returns instead of printing:
 * every function that can fail this way takes (char *err, size_t errlen). */
#ifndef NFLOGD_ERRBUF_H
#define NFLOGD_ERRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* errbuf_set - format the reason into err[0..errlen); err NULL or errlen 0:
 * nothing. */
void errbuf_set(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void errbuf_vset(char *err, size_t errlen, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
