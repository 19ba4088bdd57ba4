/* SPDX-License-Identifier: GPL-2.0-or-later */
/* errbuf.c - the one-line reason library code returns instead of printing. */
#include <stdio.h>

#include "util/errbuf.h"

void errbuf_vset(char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
}

void errbuf_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errbuf_vset(err, errlen, fmt, ap);
	va_end(ap);
}
