/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kb.c - knowledge-base lookups (kb.h) over the layout of kb_int.h, and local.kb loading.
 *
 * The lookups are the per-packet path: each is a handful of loads into
 * read-only arrays, with no allocation, no locks and no I/O. kb_load runs
 * once at start: read the file, merge it into a copy of the built-in rows
 * (kbparse), build fresh indexes (kbindex).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/kb.h"
#include "classify/kb_int.h"
#include "classify/kbindex.h"
#include "classify/kbparse.h"
#include "util/readfile.h"

#define KB_LOCAL_MAX	(1u << 20)	/* bytes; local.kb is hand-written */

const struct kb *kb_builtin(void)
{
	return &kb_builtin_table;
}

uint64_t kb_stamp(const struct kb *kb)
{
	return kb->stamp;
}

/* --- loading --------------------------------------------------------- */

/* Copy the rows of the built-in table into kp; strings stay shared. */
static int kb_copy_builtin(struct kbparse *kp)
{
	const struct kb *b = &kb_builtin_table;
	int rc;

	if ((rc = kbparse_add(kp, KBPARSE_CATEGORIES, b->cats, b->ncats)) < 0 ||
	    (rc = kbparse_add(kp, KBPARSE_PORTS, b->ports, b->nports)) < 0 ||
	    (rc = kbparse_add(kp, KBPARSE_ICMP, b->icmps, b->nicmps)) < 0 ||
	    (rc = kbparse_add(kp, KBPARSE_ADDRESSES, b->addrs, b->naddrs)) < 0 ||
	    (rc = kbparse_add(kp, KBPARSE_TTL, b->ttls, b->nttls)) < 0)
		return rc;
	return 0;
}

struct kb *kb_load(const char *path, char *err, size_t errlen)
{
	struct kbparse *kp = NULL;
	struct kb *kb = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (errlen)
		err[0] = '\0';
	rc = readfile(path, KB_LOCAL_MAX, &buf, &len, err, errlen);
	if (rc < 0)
		goto fail;
	rc = -ENOMEM;
	kp = malloc(sizeof(*kp));
	kb = malloc(sizeof(*kb));
	if (!kp || !kb) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	kbparse_init(kp);
	if ((rc = kb_copy_builtin(kp)) < 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	if ((rc = kbparse_local(kp, path, buf, len, err, errlen)) < 0)
		goto fail;
	if ((rc = kbindex_build(kb, kp)) < 0) {
		snprintf(err, errlen, "%s: %s", path,
			 rc == -ENOMEM ? "out of memory" : "rows do not fit the lookup tables");
		goto fail;
	}
	kb->rows_mem = kp;
	free(buf);
	return kb;
fail:
	free(buf);
	if (kp)
		kbparse_free(kp);
	free(kp);
	free(kb);
	errno = -rc;
	return NULL;
}

void kb_free(struct kb *kb)
{
	if (!kb || kb == &kb_builtin_table || !kb->rows_mem)
		return;
	kbindex_free(kb);
	kbparse_free(kb->rows_mem);
	free(kb->rows_mem);
	free(kb);
}

/* --- hot path -------------------------------------------------------- */

/* The range of list [r, end) holding port, or NULL: binary search for the
 * last range with lo <= port. Lists are short (a handful of ranges). */
static const struct kb_range *kb_range_find(const struct kb_range *r, size_t n, uint16_t port)
{
	while (n > 1) {
		size_t half = n / 2;

		if (r[half].lo <= port)
			r += half;
		n -= half;
	}
	return n == 1 && r->lo <= port && port <= r->hi ? r : NULL;
}

const struct kb_port *kb_port_lookup(const struct kb *kb, enum kb_dir dir,
				     uint8_t proto, uint16_t port)
{
	const struct kb_range *r;
	uint32_t bit, list;
	uint16_t row;

	if (proto == IPPROTO_TCP)
		bit = 0;
	else if (proto == IPPROTO_UDP)
		bit = 1;
	else
		return NULL;
	if ((unsigned)dir > KB_DIR_SRC)
		return NULL;
	list = (uint32_t)dir * 2 + bit;
	row = kb->port_block[list << 8 | port >> 8];
	if (row != KB_BLOCK_MIXED)
		return row != KB_NOROW ? &kb->ports[row] : NULL;
	row = phf_lookup(&kb->phf, (uint32_t)dir << 17 | bit << 16 | port);
	if (row != PHF_NONE)
		return &kb->ports[row];
	r = kb_range_find(kb->ranges + kb->range_off[list],
			  kb->range_off[list + 1] - kb->range_off[list], port);
	return r ? &kb->ports[r->row] : NULL;
}

const struct kb_icmp *kb_icmp_lookup(const struct kb *kb, unsigned family,
				     uint8_t type, uint8_t code)
{
	const struct kb_code *c;
	size_t i, n;
	uint16_t row;

	if (family != 4 && family != 6)
		return NULL;
	i = (family == 6) * 256u + type;
	c = kb->icmp_codes + kb->icmp_off[i];
	n = (size_t)(kb->icmp_off[i + 1] - kb->icmp_off[i]);
	while (n > 0) {			/* binary search on code */
		size_t half = n / 2;

		if (c[half].code == code)
			return &kb->icmps[c[half].row];
		if (c[half].code < code) {
			c += half + 1;
			n -= half + 1;
		} else {
			n = half;
		}
	}
	row = kb->icmp_star[i];
	return row != KB_NOROW ? &kb->icmps[row] : NULL;
}

static uint64_t kb_be64(const uint8_t *p)
{
	return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
	       (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
	       (uint64_t)p[6] << 8 | p[7];
}

long kb_addr_lookup_row(const struct kb *kb, unsigned family, const uint8_t addr[16])
{
	size_t i, end;

	if (family == 4) {
		uint32_t a = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
			     (uint32_t)addr[2] << 8 | addr[3];

		end = kb->net4_off[addr[0] + 1];
		for (i = kb->net4_off[addr[0]]; i < end; i++)	/* longest first */
			if ((a & kb->net4[i].mask) == kb->net4[i].net)
				return kb->net4[i].row;
		return -1;
	}
	if (family == 6) {
		uint64_t hi = kb_be64(addr), lo = kb_be64(addr + 8);

		for (i = 0; i < kb->nnet6; i++)
			if ((hi & kb->net6[i].mask[0]) == kb->net6[i].net[0] &&
			    (lo & kb->net6[i].mask[1]) == kb->net6[i].net[1])
				return kb->net6[i].row;
	}
	return -1;
}

const struct kb_addr *kb_addr_lookup(const struct kb *kb, unsigned family,
				     const uint8_t addr[16])
{
	long row = kb_addr_lookup_row(kb, family, addr);

	return row < 0 ? NULL : &kb->addrs[row];
}

const struct kb_ttl *kb_ttl_lookup(const struct kb *kb, uint8_t initial)
{
	uint16_t row = kb->ttl_row[initial];

	return row != KB_NOROW ? &kb->ttls[row] : NULL;
}

/* --- by id, iteration ------------------------------------------------ */

/* Index of the row with id in rows (sorted by id, each a struct of `size`
 * bytes starting with its uint16_t id), or -1. */
static long kb_find_id(const void *rows, size_t n, size_t size, uint16_t id)
{
	const unsigned char *base = rows;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint16_t v;

		memcpy(&v, base + mid * size, sizeof(v));
		if (v == id)
			return (long)mid;
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const struct kb_port *kb_port_by_id(const struct kb *kb, uint16_t id)
{
	long i = kb_find_id(kb->ports, kb->nports, sizeof(*kb->ports), id);

	return i < 0 ? NULL : &kb->ports[i];
}

const struct kb_icmp *kb_icmp_by_id(const struct kb *kb, uint16_t id)
{
	long i = kb_find_id(kb->icmps, kb->nicmps, sizeof(*kb->icmps), id);

	return i < 0 ? NULL : &kb->icmps[i];
}

const struct kb_addr *kb_addr_by_id(const struct kb *kb, uint16_t id)
{
	long i = kb_find_id(kb->addrs, kb->naddrs, sizeof(*kb->addrs), id);

	return i < 0 ? NULL : &kb->addrs[i];
}

const struct kb_ttl *kb_ttl_by_id(const struct kb *kb, uint16_t id)
{
	long i = kb_find_id(kb->ttls, kb->nttls, sizeof(*kb->ttls), id);

	return i < 0 ? NULL : &kb->ttls[i];
}

const struct kb_category *kb_category_by_id(const struct kb *kb, uint16_t id)
{
	long i = kb_find_id(kb->cats, kb->ncats, sizeof(*kb->cats), id);

	return i < 0 ? NULL : &kb->cats[i];
}

const struct kb_port *kb_port_at(const struct kb *kb, size_t i)
{
	return i < kb->nports ? &kb->ports[i] : NULL;
}

const struct kb_icmp *kb_icmp_at(const struct kb *kb, size_t i)
{
	return i < kb->nicmps ? &kb->icmps[i] : NULL;
}

const struct kb_addr *kb_addr_at(const struct kb *kb, size_t i)
{
	return i < kb->naddrs ? &kb->addrs[i] : NULL;
}

const char *kb_verdict_name(unsigned verdict)
{
	static const char *const names[__KB_VERDICT_MAX] = {
		[KB_VERDICT_UNKNOWN] = "unknown",
		[KB_VERDICT_EXPECTED] = "expected",
		[KB_VERDICT_NOISE] = "noise",
		[KB_VERDICT_SUSPICIOUS] = "suspicious",
		[KB_VERDICT_HOSTILE] = "hostile",
	};

	return verdict < __KB_VERDICT_MAX ? names[verdict] : "unknown";
}
