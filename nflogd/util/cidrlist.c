/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cidrlist.c - a short list of IPv4/IPv6 prefixes (cidrlist.h): the
 * allowlist `nflogctl suggest` never blocks, and the host's own addresses.
 *
 * Addresses are kept in network byte order, IPv4 in the first 4 of 16 bytes
 * with the rest zero, exactly as ring records store them, so a record's
 * saddr can be matched without conversion. Lookups are linear and return the
 * longest matching entry, which is the one worth naming in a message.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cidrlist.h"

#define CIDRLIST_MAX		65536u	/* entries per list; real lists have tens */
#define CIDRLIST_LINE_MAX	1024u	/* bytes per line of a list file */
#define CIDRLIST_SHOW_MAX	64	/* bytes of a bad entry quoted in an error */

struct cidr_entry {
	uint8_t	family;		/* 4 or 6 */
	uint8_t	plen;
	uint8_t	addr[16];	/* host bits clear */
};

struct cidrlist {
	struct cidr_entry *v;
	size_t		   n, cap;
};

struct cidrlist *cidrlist_new(void)
{
	return calloc(1, sizeof(struct cidrlist));
}

void cidrlist_free(struct cidrlist *l)
{
	if (!l)
		return;
	free(l->v);
	free(l);
}

size_t cidrlist_count(const struct cidrlist *l)
{
	return l ? l->n : 0;
}

static unsigned cidrlist_bits(unsigned family)
{
	return family == 4 ? 32 : 128;
}

/* Clear every bit of addr at or below plen (bit 0 is the first bit on the
 * wire); bytes past the family's length are cleared too. */
static void cidrlist_mask(uint8_t addr[16], unsigned family, unsigned plen)
{
	unsigned i, bits = cidrlist_bits(family);

	for (i = 0; i < 16; i++) {
		unsigned lo = i * 8;

		if (lo >= bits || lo >= plen)
			addr[i] = 0;
		else if (plen < lo + 8)
			addr[i] &= (uint8_t)(0xff00u >> (plen - lo));
	}
}

static bool cidrlist_contains_one(const struct cidr_entry *e, unsigned family,
				  const uint8_t addr[16])
{
	unsigned full = e->plen / 8, rest = e->plen % 8;

	if (e->family != family)
		return false;
	if (memcmp(e->addr, addr, full))
		return false;
	if (rest && ((addr[full] ^ e->addr[full]) & (uint8_t)(0xff00u >> rest)))
		return false;
	return true;
}

int cidrlist_add(struct cidrlist *l, unsigned family, const uint8_t addr[16], unsigned plen)
{
	struct cidr_entry *e;

	if ((family != 4 && family != 6) || plen > cidrlist_bits(family))
		return -EINVAL;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct cidr_entry *v;

		if (l->n >= CIDRLIST_MAX)
			return -ENOSPC;
		if (cap > CIDRLIST_MAX)
			cap = CIDRLIST_MAX;
		v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	e = &l->v[l->n++];
	e->family = (uint8_t)family;
	e->plen = (uint8_t)plen;
	memcpy(e->addr, addr, 16);
	cidrlist_mask(e->addr, family, plen);
	return 0;
}

static bool cidrlist_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int cidrlist_parse(const char *text, unsigned *family, uint8_t addr[16], unsigned *plen,
		   char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 1], shown[INET6_ADDRSTRLEN + 8];
	const char *p = text, *end, *tok, *slash;
	uint8_t a[16], masked[16];
	unsigned fam, len, max;
	size_t hlen, tlen;
	int show;

	while (cidrlist_space(*p))
		p++;
	end = p + strlen(p);
	while (end > p && cidrlist_space(end[-1]))
		end--;
	tlen = (size_t)(end - p);
	/* errors quote the entry, trimmed, and only its start if it is long */
	show = tlen > CIDRLIST_SHOW_MAX ? CIDRLIST_SHOW_MAX : (int)tlen;
	if (tlen == 0) {
		snprintf(err, errlen, "empty entry");
		return -EINVAL;
	}
	for (tok = p; tok < end && !cidrlist_space(*tok); tok++)
		;
	if (tok != end) {
		snprintf(err, errlen, "%.*s: trailing junk after the address", show, p);
		return -EINVAL;
	}
	slash = memchr(p, '/', tlen);
	hlen = slash ? (size_t)(slash - p) : tlen;
	if (hlen == 0 || hlen >= sizeof(host))
		goto bad_addr;
	memcpy(host, p, hlen);
	host[hlen] = '\0';
	memset(a, 0, sizeof(a));
	fam = strchr(host, ':') ? 6 : 4;
	if (inet_pton(fam == 6 ? AF_INET6 : AF_INET, host, a) != 1)
		goto bad_addr;
	max = cidrlist_bits(fam);
	len = max;
	if (slash) {
		const char *d = slash + 1;

		if (d == end) {
			snprintf(err, errlen, "%.*s: prefix length missing after '/'", show, p);
			return -EINVAL;
		}
		/* saturate: any length past 999 is out of range all the same */
		for (len = 0; d < end && *d >= '0' && *d <= '9'; d++)
			if (len < 1000)
				len = len * 10 + (unsigned)(*d - '0');
		if (d != end) {
			snprintf(err, errlen, "%.*s: prefix length is not a number (0-%u)", show, p,
				 max);
			return -EINVAL;
		}
		if (len > max) {
			snprintf(err, errlen, "%.*s: prefix length out of range (0-%u)", show, p,
				 max);
			return -EINVAL;
		}
	}
	memcpy(masked, a, sizeof(a));
	cidrlist_mask(masked, fam, len);
	if (memcmp(masked, a, sizeof(a))) {
		if (!inet_ntop(fam == 6 ? AF_INET6 : AF_INET, masked, shown, sizeof(shown)))
			shown[0] = '\0';
		snprintf(err, errlen, "%s/%u: host bits set; did you mean %s/%u?", host, len, shown,
			 len);
		return -EINVAL;
	}
	*family = fam;
	*plen = len;
	memcpy(addr, a, 16);
	return 0;
bad_addr:
	snprintf(err, errlen, "%.*s: not an IPv4 or IPv6 address", show, p);
	return -EINVAL;
}

int cidrlist_load(struct cidrlist *l, const char *path, char *err, size_t errlen)
{
	char line[CIDRLIST_LINE_MAX + 2], why[160];
	size_t before = l->n;
	unsigned long lineno = 0;
	FILE *f;
	int rc = 0;

	f = fopen(path, "re");
	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		unsigned family, plen;
		uint8_t addr[16];
		const char *q;
		char *hash;

		lineno++;
		if (n && line[n - 1] != '\n' && !feof(f)) {
			snprintf(err, errlen, "%s:%lu: line longer than %u bytes", path, lineno,
				 CIDRLIST_LINE_MAX);
			rc = -EINVAL;
			goto out;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		for (q = line; cidrlist_space(*q); q++)
			;
		if (!*q)
			continue;
		rc = cidrlist_parse(line, &family, addr, &plen, why, sizeof(why));
		if (rc < 0) {
			snprintf(err, errlen, "%s:%lu: %s", path, lineno, why);
			goto out;
		}
		rc = cidrlist_add(l, family, addr, plen);
		if (rc < 0) {
			snprintf(err, errlen, "%s:%lu: %s", path, lineno,
				 rc == -ENOSPC ? "too many entries" : strerror(-rc));
			goto out;
		}
	}
	if (ferror(f)) {
		rc = errno ? -errno : -EIO;
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
	}
out:
	fclose(f);
	/* All or nothing: a list half loaded would silently allow too little. */
	if (rc < 0)
		l->n = before;
	return rc;
}

const char *cidrlist_match(const struct cidrlist *l, unsigned family, const uint8_t addr[16],
			   char *buf, size_t len)
{
	const struct cidr_entry *best = NULL;
	char text[INET6_ADDRSTRLEN];
	size_t i;

	if (!l)
		return NULL;
	for (i = 0; i < l->n; i++)
		if (cidrlist_contains_one(&l->v[i], family, addr) && (!best || l->v[i].plen > best->plen))
			best = &l->v[i];
	if (!best)
		return NULL;
	if (!inet_ntop(best->family == 6 ? AF_INET6 : AF_INET, best->addr, text, sizeof(text)))
		text[0] = '\0';
	if (len)
		snprintf(buf, len, "%s/%u", text, best->plen);
	return buf;
}
