/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opts.h - parsing of numbers, sizes and NFLOG group lists for both programs. */
#ifndef NFLOGD_OPTS_H
#define NFLOGD_OPTS_H

#include <stddef.h>
#include <stdint.h>

/* opts_uint - parse a decimal integer in [min, max]. 0 or -EINVAL/-ERANGE. */
int opts_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* opts_size - like opts_uint, with an optional K, M or G suffix (powers of 1024). */
int opts_size(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* opts_duration - a duration such as "90s", "30m", "2h", "7d" or "1h30m"
 * (a bare number is seconds) into seconds, at most max. 0 or -EINVAL/-ERANGE. */
int opts_duration(const char *s, uint64_t max, uint64_t *out);

/*
 * opts_groups - parse an NFLOG group list such as "0", "10-13" or "1,5,7-8"
 * into groups[0..*n), in the order given. Groups are 0..65535, each at most
 * once, at most max in all. 0, or -EINVAL with a reason in err.
 */
int opts_groups(const char *s, uint16_t *groups, size_t max, size_t *n,
		char *err, size_t errlen);

#endif
