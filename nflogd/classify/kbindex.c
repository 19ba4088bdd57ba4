/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kbindex.c - derive the lookup indexes of struct kb (kb_int.h) from rows.
 *
 * Runs in the generator and at daemon start with local.kb, never per packet.
 * Every index array is carved out of one allocation so kbindex_free is one
 * free() plus the perfect hash's own.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "classify/kbindex.h"

#define KBINDEX_FNV_OFFSET	UINT64_C(0xcbf29ce484222325)
#define KBINDEX_FNV_PRIME	UINT64_C(0x100000001b3)
#define KBINDEX_ALIGN		8

/* Sizes (in elements) of the index arrays. */
struct kbindex_sizes {
	size_t	 nranges, ncodes, nnet4, nnet6;
};

static unsigned kbindex_bits(unsigned protos)
{
	return (protos & KB_PROTO_TCP ? 1u : 0u) + (protos & KB_PROTO_UDP ? 1u : 0u);
}

static uint32_t kbindex_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t kbindex_be64(const uint8_t *p)
{
	return (uint64_t)kbindex_be32(p) << 32 | kbindex_be32(p + 4);
}

static uint32_t kbindex_mask32(unsigned plen)	/* plen <= 32 */
{
	return plen ? UINT32_MAX << (32 - plen) : 0;
}

static uint64_t kbindex_mask64(unsigned plen)	/* any plen; >= 64 is all ones */
{
	return plen == 0 ? 0 : plen >= 64 ? UINT64_MAX : UINT64_MAX << (64 - plen);
}

/* --- stamp ----------------------------------------------------------- */

static uint64_t kbindex_fnv(uint64_t h, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len--)
		h = (h ^ *p++) * KBINDEX_FNV_PRIME;
	return h;
}

/* A number as `bytes` little-endian bytes, whatever the host order. */
static uint64_t kbindex_fnv_num(uint64_t h, uint64_t v, unsigned bytes)
{
	uint8_t b[8];
	unsigned i;

	for (i = 0; i < bytes; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return kbindex_fnv(h, b, bytes);
}

/* Length first, so ("ab", "c") and ("a", "bc") differ. */
static uint64_t kbindex_fnv_str(uint64_t h, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	h = kbindex_fnv_num(h, len, 4);
	return kbindex_fnv(h, s, len);
}

uint64_t kbindex_stamp(const struct kb *kb)
{
	uint64_t h = KBINDEX_FNV_OFFSET;
	size_t i;

	h = kbindex_fnv_num(h, kb->ncats, 4);
	for (i = 0; i < kb->ncats; i++) {
		const struct kb_category *r = &kb->cats[i];

		h = kbindex_fnv_num(h, r->id, 2);
		h = kbindex_fnv_str(h, r->name);
		h = kbindex_fnv_str(h, r->summary);
	}
	h = kbindex_fnv_num(h, kb->nports, 4);
	for (i = 0; i < kb->nports; i++) {
		const struct kb_port *r = &kb->ports[i];

		h = kbindex_fnv_num(h, r->id, 2);
		h = kbindex_fnv_num(h, r->protos, 1);
		h = kbindex_fnv_num(h, r->dir, 1);
		h = kbindex_fnv_num(h, r->lo, 2);
		h = kbindex_fnv_num(h, r->hi, 2);
		h = kbindex_fnv_num(h, r->category, 1);
		h = kbindex_fnv_num(h, r->verdict, 1);
		h = kbindex_fnv_str(h, r->service);
		h = kbindex_fnv_str(h, r->source);
		h = kbindex_fnv_str(h, r->summary);
		h = kbindex_fnv_str(h, r->explain);
	}
	h = kbindex_fnv_num(h, kb->nicmps, 4);
	for (i = 0; i < kb->nicmps; i++) {
		const struct kb_icmp *r = &kb->icmps[i];

		h = kbindex_fnv_num(h, r->id, 2);
		h = kbindex_fnv_num(h, r->family, 1);
		h = kbindex_fnv_num(h, r->type, 1);
		h = kbindex_fnv_num(h, (uint16_t)r->code, 2);
		h = kbindex_fnv_num(h, r->verdict, 1);
		h = kbindex_fnv_str(h, r->name);
		h = kbindex_fnv_str(h, r->source);
		h = kbindex_fnv_str(h, r->summary);
		h = kbindex_fnv_str(h, r->explain);
	}
	h = kbindex_fnv_num(h, kb->naddrs, 4);
	for (i = 0; i < kb->naddrs; i++) {
		const struct kb_addr *r = &kb->addrs[i];

		h = kbindex_fnv_num(h, r->id, 2);
		h = kbindex_fnv_num(h, r->family, 1);
		h = kbindex_fnv_num(h, r->plen, 1);
		h = kbindex_fnv(h, r->prefix, sizeof(r->prefix));
		h = kbindex_fnv_num(h, r->verdict, 1);
		h = kbindex_fnv_str(h, r->cls);
		h = kbindex_fnv_str(h, r->source);
		h = kbindex_fnv_str(h, r->summary);
		h = kbindex_fnv_str(h, r->explain);
	}
	h = kbindex_fnv_num(h, kb->nttls, 4);
	for (i = 0; i < kb->nttls; i++) {
		const struct kb_ttl *r = &kb->ttls[i];

		h = kbindex_fnv_num(h, r->id, 2);
		h = kbindex_fnv_num(h, r->initial, 1);
		h = kbindex_fnv_str(h, r->os);
		h = kbindex_fnv_str(h, r->source);
		h = kbindex_fnv_str(h, r->summary);
	}
	return h;
}

/* --- ports ----------------------------------------------------------- */

static int kbindex_phf(struct kb *kb)
{
	uint32_t *keys;
	uint16_t *vals;
	size_t i, n = 0;
	unsigned b;
	int rc;

	keys = malloc((2 * kb->nports + 1) * sizeof(*keys));
	vals = malloc((2 * kb->nports + 1) * sizeof(*vals));
	rc = -ENOMEM;
	if (!keys || !vals)
		goto out;
	for (i = 0; i < kb->nports; i++) {
		const struct kb_port *r = &kb->ports[i];

		if (r->lo != r->hi)
			continue;
		for (b = 0; b < 2; b++) {
			if (!(r->protos & (1u << b)))
				continue;
			keys[n] = (uint32_t)r->dir << 17 | b << 16 | r->lo;
			vals[n++] = (uint16_t)i;
		}
	}
	rc = phf_build(&kb->phf, keys, vals, n);
	if (rc == -EEXIST || rc == -E2BIG)
		rc = -EINVAL;
out:
	free(keys);
	free(vals);
	return rc;
}

/* Range r of list l: sorted by (list, lo) before being split into lists. */
struct kbindex_lrange {
	unsigned	 list;
	struct kb_range	 r;
};

static int kbindex_cmp_lrange(const void *a, const void *b)
{
	const struct kbindex_lrange *x = a, *y = b;

	if (x->list != y->list)
		return x->list < y->list ? -1 : 1;
	return (x->r.lo > y->r.lo) - (x->r.lo < y->r.lo);
}

static int kbindex_ranges(struct kb *kb, struct kb_range *out, size_t nranges)
{
	struct kbindex_lrange *tmp = malloc((nranges + 1) * sizeof(*tmp));
	size_t i, n = 0;
	unsigned b, l;

	if (!tmp)
		return -ENOMEM;
	for (i = 0; i < kb->nports; i++) {
		const struct kb_port *r = &kb->ports[i];

		if (r->lo == r->hi)
			continue;
		for (b = 0; b < 2; b++) {
			if (!(r->protos & (1u << b)))
				continue;
			tmp[n].list = r->dir * 2u + b;
			tmp[n].r.lo = r->lo;
			tmp[n].r.hi = r->hi;
			tmp[n].r.row = (uint16_t)i;
			n++;
		}
	}
	qsort(tmp, n, sizeof(*tmp), kbindex_cmp_lrange);
	memset(kb->range_off, 0, sizeof(kb->range_off));
	for (i = 0; i < n; i++) {
		if (i && tmp[i].list == tmp[i - 1].list && tmp[i].r.lo <= tmp[i - 1].r.hi) {
			free(tmp);
			return -EINVAL;		/* overlap: the search would be wrong */
		}
		out[i] = tmp[i].r;
		kb->range_off[tmp[i].list + 1]++;
	}
	for (l = 1; l < 5; l++)
		kb->range_off[l] += kb->range_off[l - 1];
	kb->ranges = out;
	free(tmp);
	return 0;
}

/* What each block of 256 ports of each list resolves to (kb_int.h): a
 * range that covers the block whole gives its row, anything that starts,
 * ends or sits inside it makes it mixed. Ranges are disjoint per list, so a
 * block is covered whole by at most one. */
static void kbindex_port_blocks(struct kb *kb, uint16_t *block)
{
	size_t i;
	unsigned b, l;

	for (i = 0; i < KB_PORT_BLOCKS; i++)
		block[i] = KB_NOROW;
	for (l = 0; l < 4; l++) {
		for (i = kb->range_off[l]; i < kb->range_off[l + 1]; i++) {
			const struct kb_range *r = &kb->ranges[i];

			for (b = r->lo >> 8; b <= (unsigned)r->hi >> 8; b++) {
				uint16_t *at = &block[l << 8 | b];
				bool whole = r->lo <= b << 8 && r->hi >= (b << 8 | 0xffu);

				*at = whole && *at == KB_NOROW && r->row < KB_BLOCK_MIXED
					      ? r->row : KB_BLOCK_MIXED;
			}
		}
	}
	for (i = 0; i < kb->nports; i++) {
		const struct kb_port *r = &kb->ports[i];

		if (r->lo != r->hi)
			continue;
		for (b = 0; b < 2; b++)
			if (r->protos & (1u << b))
				block[(r->dir * 2u + b) << 8 | r->lo >> 8] = KB_BLOCK_MIXED;
	}
	kb->port_block = block;
}

/* --- icmp, addresses, ttl -------------------------------------------- */

static int kbindex_cmp_code(const void *a, const void *b)
{
	const struct kb_code *x = a, *y = b;

	return (x->code > y->code) - (x->code < y->code);
}

static void kbindex_icmp(struct kb *kb, uint16_t *star, uint16_t *off, struct kb_code *codes)
{
	size_t i, k;

	for (k = 0; k < 512; k++)
		star[k] = KB_NOROW;
	memset(off, 0, 513 * sizeof(*off));
	for (i = 0; i < kb->nicmps; i++) {
		const struct kb_icmp *r = &kb->icmps[i];

		k = (r->family == 6) * 256u + r->type;
		if (r->code < 0)
			star[k] = (uint16_t)i;
		else
			off[k + 1]++;
	}
	for (k = 1; k < 513; k++)
		off[k] = (uint16_t)(off[k] + off[k - 1]);
	for (i = 0; i < kb->nicmps; i++) {
		const struct kb_icmp *r = &kb->icmps[i];

		if (r->code < 0)
			continue;
		k = (r->family == 6) * 256u + r->type;
		/* off[k] runs ahead while filling and is put back below */
		codes[off[k]].code = (uint8_t)r->code;
		codes[off[k]].row = (uint16_t)i;
		off[k]++;
	}
	for (k = 512; k > 0; k--)
		off[k] = off[k - 1];
	off[0] = 0;
	for (k = 0; k < 512; k++)
		qsort(codes + off[k], (size_t)(off[k + 1] - off[k]), sizeof(*codes),
		      kbindex_cmp_code);
	kb->icmp_star = star;
	kb->icmp_off = off;
	kb->icmp_codes = codes;
}

static int kbindex_cmp_net4(const void *a, const void *b)
{
	const struct kb_net4 *x = a, *y = b;

	return (x->mask < y->mask) - (x->mask > y->mask);	/* longest first */
}

static int kbindex_cmp_net6(const void *a, const void *b)
{
	const struct kb_net6 *x = a, *y = b;

	if (x->mask[0] != y->mask[0])
		return x->mask[0] < y->mask[0] ? 1 : -1;
	return (x->mask[1] < y->mask[1]) - (x->mask[1] > y->mask[1]);
}

static void kbindex_addrs(struct kb *kb, uint32_t *off, struct kb_net4 *net4,
			  struct kb_net6 *net6)
{
	size_t i, n6 = 0;
	unsigned o;

	memset(off, 0, 257 * sizeof(*off));
	for (i = 0; i < kb->naddrs; i++) {
		const struct kb_addr *r = &kb->addrs[i];
		uint32_t net, mask;

		if (r->family != 4)
			continue;
		net = kbindex_be32(r->prefix);
		mask = kbindex_mask32(r->plen);
		for (o = net >> 24; o <= (net | ~mask) >> 24; o++)
			off[o + 1]++;
	}
	for (o = 1; o < 257; o++)
		off[o] += off[o - 1];
	for (i = 0; i < kb->naddrs; i++) {
		const struct kb_addr *r = &kb->addrs[i];

		if (r->family == 6) {
			net6[n6].net[0] = kbindex_be64(r->prefix);
			net6[n6].net[1] = kbindex_be64(r->prefix + 8);
			net6[n6].mask[0] = kbindex_mask64(r->plen);
			net6[n6].mask[1] = kbindex_mask64(r->plen > 64 ? r->plen - 64u : 0);
			net6[n6].row = (uint16_t)i;
			n6++;
		} else {
			uint32_t net = kbindex_be32(r->prefix), mask = kbindex_mask32(r->plen);

			for (o = net >> 24; o <= (net | ~mask) >> 24; o++) {
				net4[off[o]].net = net;
				net4[off[o]].mask = mask;
				net4[off[o]].row = (uint16_t)i;
				off[o]++;	/* put back below */
			}
		}
	}
	for (o = 256; o > 0; o--)
		off[o] = off[o - 1];
	off[0] = 0;
	for (o = 0; o < 256; o++)
		qsort(net4 + off[o], off[o + 1] - off[o], sizeof(*net4), kbindex_cmp_net4);
	qsort(net6, n6, sizeof(*net6), kbindex_cmp_net6);
	kb->net4_off = off;
	kb->net4 = net4;
	kb->net6 = net6;
	kb->nnet6 = n6;
}

static void kbindex_ttl(struct kb *kb, uint16_t *ttl)
{
	size_t i;

	for (i = 0; i < 256; i++)
		ttl[i] = KB_NOROW;
	for (i = 0; i < kb->nttls; i++)
		ttl[kb->ttls[i].initial] = (uint16_t)i;
	kb->ttl_row = ttl;
}

/* --- build ----------------------------------------------------------- */

/* Reserve n elements of size bytes at *off in the block; returns the offset. */
static size_t kbindex_carve(size_t *off, size_t n, size_t size)
{
	size_t at = (*off + KBINDEX_ALIGN - 1) / KBINDEX_ALIGN * KBINDEX_ALIGN;

	*off = at + (n ? n : 1) * size;
	return at;
}

int kbindex_build(struct kb *kb, const struct kbparse *kp)
{
	struct kbindex_sizes sz = { 0 };
	size_t i, o_ranges, o_block, o_star, o_off, o_codes, o_n4off, o_net4, o_net6, o_ttl, total = 0;
	char *mem;
	int rc;

	memset(kb, 0, sizeof(*kb));
	if (kp->ncats > 65535 || kp->nports > 65535 || kp->nicmps > 65535 ||
	    kp->naddrs > 65535 || kp->nttls > 65535)
		return -EINVAL;
	kb->cats = kp->cats;
	kb->ports = kp->ports;
	kb->icmps = kp->icmps;
	kb->addrs = kp->addrs;
	kb->ttls = kp->ttls;
	kb->ncats = kp->ncats;
	kb->nports = kp->nports;
	kb->nicmps = kp->nicmps;
	kb->naddrs = kp->naddrs;
	kb->nttls = kp->nttls;

	for (i = 0; i < kb->nports; i++)
		if (kb->ports[i].lo != kb->ports[i].hi)
			sz.nranges += kbindex_bits(kb->ports[i].protos);
	for (i = 0; i < kb->nicmps; i++)
		sz.ncodes += kb->icmps[i].code >= 0;
	for (i = 0; i < kb->naddrs; i++) {
		const struct kb_addr *r = &kb->addrs[i];

		if (r->family == 6)
			sz.nnet6++;
		else	/* number of first octets the prefix covers */
			sz.nnet4 += r->plen >= 8 ? 1 : (size_t)1 << (8 - r->plen);
	}

	o_ranges = kbindex_carve(&total, sz.nranges, sizeof(struct kb_range));
	o_block = kbindex_carve(&total, KB_PORT_BLOCKS, sizeof(uint16_t));
	o_star = kbindex_carve(&total, 512, sizeof(uint16_t));
	o_off = kbindex_carve(&total, 513, sizeof(uint16_t));
	o_codes = kbindex_carve(&total, sz.ncodes, sizeof(struct kb_code));
	o_n4off = kbindex_carve(&total, 257, sizeof(uint32_t));
	o_net4 = kbindex_carve(&total, sz.nnet4, sizeof(struct kb_net4));
	o_net6 = kbindex_carve(&total, sz.nnet6, sizeof(struct kb_net6));
	o_ttl = kbindex_carve(&total, 256, sizeof(uint16_t));
	mem = malloc(total);	/* malloc's alignment covers KBINDEX_ALIGN */
	if (!mem)
		return -ENOMEM;

	/* Each offset is a multiple of KBINDEX_ALIGN (8), enough for every
	 * element type, which the casts below rely on. */
	rc = kbindex_ranges(kb, (struct kb_range *)(void *)(mem + o_ranges), sz.nranges);
	if (rc == 0)
		rc = kbindex_phf(kb);
	if (rc < 0) {
		free(mem);
		memset(kb, 0, sizeof(*kb));
		return rc;
	}
	kbindex_port_blocks(kb, (uint16_t *)(void *)(mem + o_block));
	kbindex_icmp(kb, (uint16_t *)(void *)(mem + o_star), (uint16_t *)(void *)(mem + o_off),
		     (struct kb_code *)(void *)(mem + o_codes));
	kbindex_addrs(kb, (uint32_t *)(void *)(mem + o_n4off),
		      (struct kb_net4 *)(void *)(mem + o_net4),
		      (struct kb_net6 *)(void *)(mem + o_net6));
	kbindex_ttl(kb, (uint16_t *)(void *)(mem + o_ttl));
	kb->index_mem = mem;
	kb->stamp = kbindex_stamp(kb);
	return 0;
}

void kbindex_free(struct kb *kb)
{
	if (!kb)
		return;
	phf_free(&kb->phf);
	free(kb->index_mem);
	kb->index_mem = NULL;
}
