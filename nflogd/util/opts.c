/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opts.c - strict parsing of command-line numbers and group lists: no sign,
 * no trailing garbage, no silent wrap-around. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/opts.h"

static int opts_digits(const char *s, const char **end, uint64_t *out)
{
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*end = s;
	*out = v;
	return 0;
}

int opts_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	const char *end;
	uint64_t v;
	int rc;

	if (!s || (rc = opts_digits(s, &end, &v)) < 0)
		return s ? rc : -EINVAL;
	if (*end)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int opts_size(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	const char *end;
	uint64_t v, mul = 1;
	int rc;

	if (!s || (rc = opts_digits(s, &end, &v)) < 0)
		return s ? rc : -EINVAL;
	switch (*end) {
	case '\0':			break;
	case 'k': case 'K':	mul = 1ull << 10; end++; break;
	case 'm': case 'M':	mul = 1ull << 20; end++; break;
	case 'g': case 'G':	mul = 1ull << 30; end++; break;
	default:		return -EINVAL;
	}
	if (*end)
		return -EINVAL;
	if (v > UINT64_MAX / mul)
		return -ERANGE;
	v *= mul;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int opts_duration(const char *s, uint64_t max, uint64_t *out)
{
	const char *p = s, *end;
	uint64_t v, mul, total = 0;
	int rc;

	if (!s || !*s)
		return -EINVAL;
	while (*p) {
		if ((rc = opts_digits(p, &end, &v)) < 0)
			return rc;
		switch (*end) {
		case '\0':	mul = 1; break;	/* bare number: seconds, only at the end */
		case 's':	mul = 1; end++; break;
		case 'm':	mul = 60; end++; break;
		case 'h':	mul = 3600; end++; break;
		case 'd':	mul = 86400; end++; break;
		default:	return -EINVAL;
		}
		if (v > (UINT64_MAX - total) / mul)
			return -ERANGE;
		total += v * mul;
		p = end;
	}
	if (total > max)
		return -ERANGE;
	*out = total;
	return 0;
}

int opts_groups(const char *s, uint16_t *groups, size_t max, size_t *n,
		char *err, size_t errlen)
{
	static bool seen[65536];	/* start-up only, never on a hot path */
	const char *p = s, *end;
	uint64_t lo, hi, g;

	*n = 0;
	memset(seen, 0, sizeof(seen));
	if (!s || !*s) {
		snprintf(err, errlen, "empty group list");
		return -EINVAL;
	}
	for (;;) {
		if (opts_digits(p, &end, &lo) < 0 || lo > 65535)
			goto bad;
		hi = lo;
		if (*end == '-') {
			if (opts_digits(end + 1, &end, &hi) < 0 || hi > 65535)
				goto bad;
			if (hi < lo) {
				snprintf(err, errlen, "group range %llu-%llu is backwards",
					 (unsigned long long)lo, (unsigned long long)hi);
				return -EINVAL;
			}
		}
		for (g = lo; g <= hi; g++) {
			if (seen[g]) {
				snprintf(err, errlen, "group %llu listed twice",
					 (unsigned long long)g);
				return -EINVAL;
			}
			if (*n >= max) {
				snprintf(err, errlen, "more than %zu groups", max);
				return -EINVAL;
			}
			seen[g] = true;
			groups[(*n)++] = (uint16_t)g;
		}
		if (*end == '\0')
			return 0;
		if (*end != ',')
			goto bad;
		p = end + 1;
	}
bad:
	snprintf(err, errlen, "bad group list '%s': expected numbers 0-65535 "
		 "such as 0, 10-13 or 1,5", s);
	return -EINVAL;
}
