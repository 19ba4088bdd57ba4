/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kbparse_check.c - kb parser checks across rows: ids, duplicate keys, overlapping ranges.
 *
 * Each check sorts (key, line) pairs of the rows, so clashes are found in
 * key order; kbparse_error keeps the one on the earliest line, the row to
 * fix first. A clash is reported on the later of its two rows.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/kbparse_int.h"

/* One (row, key) pair to sort; the key layout depends on the check. */
struct kbparse_key {
	uint8_t		 k[20];
	uint16_t	 lo, hi;	/* port checks only */
	uint16_t	 id;
	size_t		 row;
	unsigned long	 line;
};

static int kbparse_cmp_key(const void *a, const void *b)
{
	const struct kbparse_key *x = a, *y = b;
	int d = memcmp(x->k, y->k, sizeof(x->k));

	if (d)
		return d;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* Ids are unique within a file: among rows of this call only (line != 0),
 * across all tables for local.kb. */
static int kbparse_check_ids(struct kbparse_ctx *c, enum kbparse_table only)
{
	struct kbparse_key *keys;
	enum kbparse_table t;
	size_t n = 0, i, *cnt;
	char other[64];

	for (t = 0; t < __KBPARSE_MAX; t++)
		n += c->nlines[t];
	keys = calloc(n ? n : 1, sizeof(*keys));
	if (!keys)
		return kbparse_nomem(c);
	n = 0;
	for (t = 0; t < __KBPARSE_MAX; t++) {
		const uint8_t *rows = kbparse_tab(c->kp, t, &cnt);

		if (!c->local && t != only)
			continue;
		for (i = 0; i < c->nlines[t]; i++) {
			if (!c->lines[t][i])
				continue;
			memcpy(&keys[n].id, rows + i * kbparse_tabs[t].rowsize, 2);
			keys[n].k[0] = (uint8_t)(keys[n].id >> 8);
			keys[n].k[1] = (uint8_t)keys[n].id;
			keys[n].line = c->lines[t][i];
			n++;
		}
	}
	qsort(keys, n, sizeof(*keys), kbparse_cmp_key);
	for (i = 1; i < n; i++)
		if (keys[i].id == keys[i - 1].id)
			kbparse_error(c, keys[i].line, "duplicate id %u (also %s)", keys[i].id,
				      kbparse_other(other, sizeof(other), keys[i].id,
						    keys[i - 1].line));
	free(keys);
	return 0;
}

static const char *kbparse_dir_name(unsigned dir)
{
	return dir == KB_DIR_SRC ? "src" : "dst";
}

/* No two port rows with one (dir, proto, port); no two ranges of one
 * (dir, proto) overlapping. An exact row inside a range is fine. */
static int kbparse_check_ports(struct kbparse_ctx *c)
{
	const struct kbparse *kp = c->kp;
	struct kbparse_key *keys, *prev;
	size_t n = 0, i, r;
	char other[64];
	unsigned b;

	keys = calloc(2 * kp->nports + 1, sizeof(*keys));
	if (!keys)
		return kbparse_nomem(c);
	for (r = 0; r < kp->nports; r++) {
		for (b = 0; b < 2; b++) {
			if (!(kp->ports[r].protos & (1u << b)))
				continue;
			keys[n].k[0] = kp->ports[r].dir;
			keys[n].k[1] = (uint8_t)b;
			keys[n].k[2] = kp->ports[r].lo != kp->ports[r].hi;	/* ranges last */
			keys[n].lo = kp->ports[r].lo;
			keys[n].hi = kp->ports[r].hi;
			keys[n].id = kp->ports[r].id;
			keys[n].line = kbparse_line_of(c, KBPARSE_PORTS, r);
			n++;
		}
	}
	qsort(keys, n, sizeof(*keys), kbparse_cmp_key);
	for (i = 1, prev = keys; i < n; i++) {
		struct kbparse_key *k = &keys[i];
		const char *proto = k->k[1] ? "udp" : "tcp";

		if (memcmp(k->k, keys[i - 1].k, 3) != 0) {
			prev = k;		/* first of a new (dir, proto, kind) */
			continue;
		}
		if (!k->k[2]) {
			/* sorted by line within a key: keys[i - 1] is the earlier row */
			if (k->lo == keys[i - 1].lo)
				kbparse_error(c, k->line,
					      "duplicate key (%s, %s, %u): same as %s",
					      kbparse_dir_name(k->k[0]), proto, k->lo,
					      kbparse_other(other, sizeof(other),
							    keys[i - 1].id, keys[i - 1].line));
			continue;
		}
		/* prev is the range reaching furthest right so far */
		if (k->lo <= prev->hi) {
			const struct kbparse_key *late = k->line >= prev->line ? k : prev;
			const struct kbparse_key *early = late == k ? prev : k;

			kbparse_error(c, late->line,
				      "range %u-%u overlaps range %u-%u (%s, %s) of %s",
				      late->lo, late->hi, early->lo, early->hi,
				      kbparse_dir_name(k->k[0]), proto,
				      kbparse_other(other, sizeof(other), early->id,
						    early->line));
		}
		if (k->hi > prev->hi)
			prev = k;
	}
	free(keys);
	return 0;
}

/* Duplicate keys in icmp (family, type, code), addresses (prefix) and ttl
 * (initial). */
static int kbparse_check_keys(struct kbparse_ctx *c, enum kbparse_table t)
{
	const struct kbparse *kp = c->kp;
	struct kbparse_key *keys;
	size_t n, i, *cnt;
	char other[64], what[80];

	kbparse_tab(c->kp, t, &cnt);
	n = *cnt;
	keys = calloc(n ? n : 1, sizeof(*keys));
	if (!keys)
		return kbparse_nomem(c);
	for (i = 0; i < n; i++) {
		struct kbparse_key *k = &keys[i];

		k->row = i;
		k->line = kbparse_line_of(c, t, i);
		switch (t) {
		case KBPARSE_ICMP:
			k->id = kp->icmps[i].id;
			k->k[0] = kp->icmps[i].family;
			k->k[1] = kp->icmps[i].type;
			k->k[2] = kp->icmps[i].code >= 0;	/* '*' first */
			k->k[3] = (uint8_t)kp->icmps[i].code;
			break;
		case KBPARSE_ADDRESSES:
			k->id = kp->addrs[i].id;
			k->k[0] = kp->addrs[i].family;
			k->k[1] = kp->addrs[i].plen;
			memcpy(&k->k[2], kp->addrs[i].prefix, 16);
			break;
		case KBPARSE_TTL:
			k->id = kp->ttls[i].id;
			k->k[0] = kp->ttls[i].initial;
			break;
		default:
			break;
		}
	}
	qsort(keys, n, sizeof(*keys), kbparse_cmp_key);
	for (i = 1; i < n; i++) {
		const struct kbparse_key *k = &keys[i], *e = &keys[i - 1];
		char a[INET6_ADDRSTRLEN];

		if (memcmp(k->k, e->k, sizeof(k->k)) != 0)
			continue;		/* sorted by line within a key: e is earlier */
		switch (t) {
		case KBPARSE_ICMP:
			if (kp->icmps[k->row].code < 0)
				snprintf(what, sizeof(what), "%s type %u code *",
					 k->k[0] == 6 ? "icmpv6" : "icmp", k->k[1]);
			else
				snprintf(what, sizeof(what), "%s type %u code %d",
					 k->k[0] == 6 ? "icmpv6" : "icmp", k->k[1],
					 kp->icmps[k->row].code);
			break;
		case KBPARSE_ADDRESSES:
			inet_ntop(k->k[0] == 6 ? AF_INET6 : AF_INET, &k->k[2], a, sizeof(a));
			snprintf(what, sizeof(what), "prefix %s/%u", a, k->k[1]);
			break;
		case KBPARSE_TTL:
			snprintf(what, sizeof(what), "initial TTL %u", k->k[0]);
			break;
		default:
			break;
		}
		kbparse_error(c, k->line, "duplicate %s: same as %s", what,
			      kbparse_other(other, sizeof(other), e->id, e->line));
	}
	free(keys);
	return 0;
}

/* Category names are what ports.tsv refers to; at most 255 of them. */
static int kbparse_check_cat_names(struct kbparse_ctx *c)
{
	const struct kbparse *kp = c->kp;
	char other[64];
	size_t i, j;

	for (i = 1; i < kp->ncats; i++)
		for (j = 0; j < i; j++)
			if (strcmp(kp->cats[i].name, kp->cats[j].name) == 0)
				kbparse_error(c, kbparse_line_of(c, KBPARSE_CATEGORIES, i),
					      "duplicate category name '%s': same as %s",
					      kp->cats[i].name,
					      kbparse_other(other, sizeof(other), kp->cats[j].id,
							    kbparse_line_of(c, KBPARSE_CATEGORIES,
									    j)));
	return 0;
}

int kbparse_check(struct kbparse_ctx *c, enum kbparse_table only)
{
	enum kbparse_table t;
	int rc;

	if ((rc = kbparse_check_ids(c, only)) < 0)
		return rc;
	for (t = 0; t < __KBPARSE_MAX; t++) {
		if (c->local ? !kbparse_tabs[t].local : t != only)
			continue;
		if (c->local && !c->nlines[t])
			continue;	/* no local rows: the built-in ones are valid */
		if (t == KBPARSE_PORTS)
			rc = kbparse_check_ports(c);
		else if (t == KBPARSE_CATEGORIES)
			rc = kbparse_check_cat_names(c);
		else
			rc = kbparse_check_keys(c, t);
		if (rc < 0)
			return rc;
	}
	return c->err_line == KBPARSE_NOLINE ? 0 : -EINVAL;
}
