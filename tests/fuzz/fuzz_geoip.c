/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_geoip.c - libFuzzer entry: arbitrary bytes as a MaxMind DB file, opened with geoip_add() and run through the lookup and formatting path nflogctl runs (nflogd/report/geoip.h).
 *
 * The input is written to a memfd and opened by path, as a file on disk
 * would be; a build without libmaxminddb only checks the refusal. Oracles,
 * abort() on a miss:
 *   - a refused file has a one-line reason that names it;
 *   - every answer is consistent: status FOUND iff a field was found, a
 *     country code is two capital letters, coordinates are finite and in
 *     range, an AS number is not 0, every string is NUL-terminated inside
 *     its array and the status of a skipped class is SKIPPED;
 *   - the same address answers the same from the cache;
 *   - a record carrying those answers formats as printable ASCII text and as
 *     JSON of valid UTF-8 with no raw control byte, inside RECFMT_LINE_MAX;
 *   - warnings, when any, name the file and are one line.
 * Addresses: the test prefixes, a miss, a private one, and four taken from
 * the input's last bytes so that the fuzzer can steer the tree walk.
 */
#include <arpa/inet.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "classify/kb.h"
#include "report/geoip.h"
#include "report/recfmt.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* libmaxminddb before 1.12 leaks a data pool when MMDB_open() fails in the
 * metadata's description (maxmind/libmaxminddb#356; Debian 12 has 1.7.1).
 * Not ours and not reachable from here: only that library's leaks are
 * ignored, every other check stays. */
const char *__lsan_default_suppressions(void)
{
	return "leak:libmaxminddb.so\n";
}

static void fuzz_check_info(const struct geoip_info *o)
{
	if (o->status > GEOIP_ST_FOUND || (o->status == GEOIP_ST_FOUND) != (o->have != 0) ||
	    (o->have & ~0x0fu))
		abort();
	if (!memchr(o->country_iso, '\0', sizeof(o->country_iso)) ||
	    !memchr(o->country, '\0', sizeof(o->country)) ||
	    !memchr(o->city, '\0', sizeof(o->city)) || !memchr(o->as_org, '\0', sizeof(o->as_org)))
		abort();
	if ((o->have & GEOIP_F_COUNTRY) && (strlen(o->country_iso) != 2 ||
	    o->country_iso[0] < 'A' || o->country_iso[0] > 'Z' ||
	    o->country_iso[1] < 'A' || o->country_iso[1] > 'Z'))
		abort();
	if ((o->have & GEOIP_F_LOCATION) && (!isfinite(o->lat) || !isfinite(o->lon) ||
	    fabs(o->lat) > 90 || fabs(o->lon) > 180))
		abort();
	if ((o->have & GEOIP_F_ASN) && o->asn == 0)
		abort();
	if ((o->have & GEOIP_F_CITY) && !o->city[0])
		abort();
}

static void fuzz_check_text(const char *s, int n)
{
	int i;

	if (n <= 0 || n >= (int)RECFMT_LINE_MAX || (size_t)n != strlen(s))
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			abort();
}

/* Valid UTF-8, no raw control, braces balanced outside strings. */
static void fuzz_check_json(const char *s, int n)
{
	const unsigned char *p = (const unsigned char *)s;
	int i = 0, depth = 0, in_str = 0;
	size_t k;

	if (n <= 0 || n >= (int)RECFMT_LINE_MAX || (size_t)n != strlen(s))
		abort();
	while (i < n) {
		if (p[i] < 0x20)
			abort();
		if (in_str && p[i] == '\\') {
			i += 2;
			continue;
		}
		if (p[i] == '"')
			in_str = !in_str;
		else if (!in_str && p[i] == '{')
			depth++;
		else if (!in_str && p[i] == '}' && --depth < 0)
			abort();
		k = utf8_seq_len(p + i, (size_t)(n - i), NULL);
		if (k == 0)
			abort();
		i += (int)k;
	}
	if (depth || in_str)
		abort();
}

static void fuzz_format(const struct geoip_info *src, const struct geoip_info *dst,
			unsigned family, const uint8_t *a)
{
	static char buf[RECFMT_LINE_MAX];
	struct recfmt_ctx c = { .kb = kb_builtin(), .src_geo = src, .dst_geo = dst };
	struct ring_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = RING_KIND_DROP;
	r.family = (uint8_t)family;
	r.proto = 6;
	r.cpu = RING_CPU_UNPINNED;
	memcpy(r.saddr, a, 16);
	memcpy(r.daddr, a, 16);
	fuzz_check_text(buf, recfmt_text(buf, sizeof(buf), &r, &c));
	fuzz_check_json(buf, recfmt_json(buf, sizeof(buf), &r, &c));
}

static void fuzz_lookups(struct geoip *g, const uint8_t *data, size_t size)
{
	static const char *const fixed[] = { "192.0.2.7", "198.51.100.7", "198.51.100.200",
		"203.0.113.5", "2001:db8::1", "8.8.8.8", "10.1.2.3", "::ffff:1.2.3.4" };
	uint8_t a[16];
	struct geoip_info o, again;
	size_t i, nfixed = sizeof(fixed) / sizeof(fixed[0]);
	const char *w;
	unsigned family;

	for (i = 0; i < nfixed + 4; i++) {
		memset(a, 0, sizeof(a));
		if (i < nfixed) {
			family = strchr(fixed[i], ':') ? 6 : 4;
			inet_pton(family == 4 ? AF_INET : AF_INET6, fixed[i], a);
		} else {
			size_t back = 16 * (i - nfixed + 1);

			family = i % 2 ? 6 : 4;
			if (size >= back)
				memcpy(a, data + size - back, 16);
		}
		geoip_lookup(g, family, a, &o);
		fuzz_check_info(&o);
		if (i == 6 && o.status != GEOIP_ST_SKIPPED)
			abort();
		geoip_lookup(g, family, a, &again);
		if (again.status != o.status || again.have != o.have || again.asn != o.asn ||
		    strcmp(again.as_org, o.as_org) || strcmp(again.city, o.city))
			abort();
		fuzz_format(&o, &again, family, a);
	}
	while ((w = geoip_warning(g)))
		if (strncmp(w, "/proc/self/fd/", 14) || strchr(w, '\n'))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct geoip *g = geoip_new(kb_builtin());
	char path[64], err[512];
	int fd;

	if (!g)
		abort();
	fd = memfd_create("fuzz_geoip", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = '\0';
	if (geoip_add(g, path, err, sizeof(err)) != 0) {
		if (strncmp(err, path, strlen(path)) || !memchr(err, '\0', sizeof(err)) ||
		    strchr(err, '\n'))
			abort();
	} else {
		if (!geoip_available() || geoip_nfiles(g) != 1 || !geoip_file_provides(g, 0))
			abort();
		fuzz_lookups(g, data, size);
	}
	close(fd);
	geoip_free(g);
	return 0;
}
