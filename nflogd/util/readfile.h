/* SPDX-License-Identifier: GPL-2.0-or-later */
/* readfile.h - all of a small regular file into memory, bounded (kb tables, local.kb, service lists). */
#ifndef NFLOGD_READFILE_H
#define NFLOGD_READFILE_H

#include <stddef.h>

/*
 * readfile - read all of path, a regular file of at most max bytes, into a
 * malloc'd buffer (*buf, *len; the caller frees it). 0, or -errno with
 * "path: reason" in err: not a regular file (-EINVAL), over max (-EFBIG),
 * grown while being read (-EAGAIN), or what open/read said.
 */
int readfile(const char *path, size_t max, char **buf, size_t *len, char *err, size_t errlen);

#endif
