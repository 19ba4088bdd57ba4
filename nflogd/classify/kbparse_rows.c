/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kbparse_rows.c - kb parser rows: one parser per table, and the line each row came from.
 *
 * A row parser reads fields whose text kbparse_row has already checked
 * (kbparse_check_text) and turns the key columns into the numbers and enums
 * of a zeroed row; kbparse_row then stores the row, copying its text columns
 * into the arena and into the members the column list names
 * (kbparse_col.copy_to). Checks between rows wait for the whole file
 * (kbparse_check.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "classify/kbparse_int.h"

/* Append a copy of row to table t, remembering the current line for it. */
static char *kbparse_new_row(struct kbparse_ctx *c, enum kbparse_table t, const void *row)
{
	size_t *n, size = kbparse_tabs[t].rowsize, i;
	char *rows = kbparse_reserve(c->kp, t, 1);
	unsigned long *lines;

	if (!rows)
		return NULL;
	kbparse_tab(c->kp, t, &n);
	if (c->lines_cap[t] < *n + 1) {
		size_t cap = c->lines_cap[t] ? c->lines_cap[t] * 2 : 64;

		if (cap < *n + 1)
			cap = *n + 1;
		lines = realloc(c->lines[t], cap * sizeof(*lines));
		if (!lines)
			return NULL;
		c->lines[t] = lines;
		c->lines_cap[t] = cap;
	}
	for (i = c->nlines[t]; i < *n; i++)
		c->lines[t][i] = 0;
	c->lines[t][*n] = c->line;
	c->nlines[t] = *n + 1;
	memcpy(rows + *n * size, row, size);
	return rows + (*n)++ * size;
}

unsigned long kbparse_line_of(const struct kbparse_ctx *c, enum kbparse_table t, size_t i)
{
	return i < c->nlines[t] ? c->lines[t][i] : 0;
}

/* Room for a row of any table, for kbparse_row to hand to a row parser. */
union kbparse_anyrow {
	struct kb_category	cat;
	struct kb_port		port;
	struct kb_icmp		icmp;
	struct kb_addr		addr;
	struct kb_ttl		ttl;
};

/* Add row, a struct of table t holding what its parser read, then copy each
 * text column of the current line (fields from o on) into its member. */
static int kbparse_store_row(struct kbparse_ctx *c, enum kbparse_table t, size_t o, const void *row)
{
	const struct kbparse_tabinfo *ti = &kbparse_tabs[t];
	char *r = kbparse_new_row(c, t, row);
	const char *s;
	size_t i;

	if (!r)
		return kbparse_nomem(c);
	for (i = 0; i < ti->ncols; i++) {
		if (!ti->cols[i].copy_to)
			continue;
		if (!(s = kbparse_str(c, o + i)))
			return kbparse_nomem(c);
		memcpy(r + ti->cols[i].copy_to, &s, sizeof(s));
	}
	return 0;
}

/* The row parsers: 0, or -EINVAL with the reason in err. Fields start at
 * index o (1 in local.kb, after the table name). */
static int kbparse_category(struct kbparse_ctx *c, struct kb_category *row)
{
	return kbparse_id(c, 0, KBPARSE_CATEGORIES, &row->id);
}

static int kbparse_port(struct kbparse_ctx *c, size_t o, struct kb_port *row)
{
	const struct kbparse *kp = c->kp;
	unsigned long lo, hi;
	const char *s = c->f[o + 2], *dash;
	size_t len = c->flen[o + 2], k;
	int rc;

	if ((rc = kbparse_id(c, o, KBPARSE_PORTS, &row->id)) < 0)
		return rc;
	if (kbparse_is(c, o + 1, "tcp"))
		row->protos = KB_PROTO_TCP;
	else if (kbparse_is(c, o + 1, "udp"))
		row->protos = KB_PROTO_UDP;
	else if (kbparse_is(c, o + 1, "both"))
		row->protos = KB_PROTO_TCP | KB_PROTO_UDP;
	else
		return kbparse_error(c, c->line, "unknown proto '%.*s' (tcp, udp or both)",
				     (int)c->flen[o + 1], c->f[o + 1]);

	dash = memchr(s, '-', len);
	if (!dash) {
		if (!kbparse_digits(s, len, 0, 65535, &lo))
			return kbparse_error(c, c->line, "bad port '%.*s' (0-65535 or LO-HI)",
					     (int)len, s);
		hi = lo;
	} else if (!kbparse_digits(s, (size_t)(dash - s), 0, 65535, &lo) ||
		   !kbparse_digits(dash + 1, len - (size_t)(dash - s) - 1, 0, 65535, &hi)) {
		return kbparse_error(c, c->line, "bad port range '%.*s' (LO-HI, 0-65535)",
				     (int)len, s);
	} else if (lo > hi) {
		return kbparse_error(c, c->line, "port range %lu-%lu has lo > hi", lo, hi);
	}
	row->lo = (uint16_t)lo;
	row->hi = (uint16_t)hi;

	if (kbparse_is(c, o + 3, "dst"))
		row->dir = KB_DIR_DST;
	else if (kbparse_is(c, o + 3, "src"))
		row->dir = KB_DIR_SRC;
	else
		return kbparse_error(c, c->line, "unknown dir '%.*s' (dst or src)",
				     (int)c->flen[o + 3], c->f[o + 3]);

	for (k = 0; k < kp->ncats; k++)
		if (kbparse_is(c, o + 5, kp->cats[k].name))
			break;
	if (k == kp->ncats)
		return kbparse_error(c, c->line, "unknown category '%.*s' (not in %s)",
				     (int)c->flen[o + 5], c->f[o + 5],
				     kbparse_tabs[KBPARSE_CATEGORIES].file);
	row->category = (uint8_t)kp->cats[k].id;
	return kbparse_verdict(c, o + 6, &row->verdict);
}

static int kbparse_icmp(struct kbparse_ctx *c, size_t o, struct kb_icmp *row)
{
	unsigned long v;
	int rc;

	if ((rc = kbparse_id(c, o, KBPARSE_ICMP, &row->id)) < 0)
		return rc;
	if (kbparse_is(c, o + 1, "icmp"))
		row->family = 4;
	else if (kbparse_is(c, o + 1, "icmpv6"))
		row->family = 6;
	else
		return kbparse_error(c, c->line, "unknown family '%.*s' (icmp or icmpv6)",
				     (int)c->flen[o + 1], c->f[o + 1]);
	if ((rc = kbparse_num(c, o + 2, "type", 0, 255, &v)) < 0)
		return rc;
	row->type = (uint8_t)v;
	if (kbparse_is(c, o + 3, "*"))
		row->code = -1;
	else if ((rc = kbparse_num(c, o + 3, "code", 0, 255, &v)) < 0)
		return rc;
	else
		row->code = (int16_t)v;
	return kbparse_verdict(c, o + 5, &row->verdict);
}

/* Parse "addr/plen" into row; the family follows from the address. */
static int kbparse_cidr(struct kbparse_ctx *c, size_t i, struct kb_addr *row)
{
	char buf[64];
	const char *s = c->f[i], *slash;
	size_t len = c->flen[i], alen, bits, k;
	unsigned long plen;

	slash = memchr(s, '/', len);
	alen = slash ? (size_t)(slash - s) : 0;
	if (!slash || alen == 0 || alen >= sizeof(buf))
		goto bad;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	row->family = memchr(buf, ':', alen) ? 6 : 4;
	bits = row->family == 6 ? 128 : 32;
	if (inet_pton(row->family == 6 ? AF_INET6 : AF_INET, buf, row->prefix) != 1 ||
	    !kbparse_digits(slash + 1, len - alen - 1, 0, bits, &plen))
		goto bad;
	row->plen = (uint8_t)plen;
	for (k = plen; k < bits; k++)
		if (row->prefix[k / 8] & (0x80 >> (k % 8)))
			return kbparse_error(c, c->line,
					     "host bits set in '%.*s' beyond the /%lu prefix",
					     (int)len, s, plen);
	return 0;
bad:
	return kbparse_error(c, c->line, "bad prefix '%.*s' (CIDR such as 10.0.0.0/8 or fe80::/10)",
			     (int)len, s);
}

static int kbparse_addr(struct kbparse_ctx *c, size_t o, struct kb_addr *row)
{
	int rc;

	if ((rc = kbparse_id(c, o, KBPARSE_ADDRESSES, &row->id)) < 0 ||
	    (rc = kbparse_cidr(c, o + 1, row)) < 0)
		return rc;
	return kbparse_verdict(c, o + 3, &row->verdict);
}

static int kbparse_ttl(struct kbparse_ctx *c, size_t o, struct kb_ttl *row)
{
	unsigned long v;
	int rc;

	if ((rc = kbparse_id(c, o, KBPARSE_TTL, &row->id)) < 0 ||
	    (rc = kbparse_num(c, o + 1, "initial TTL", 1, 255, &v)) < 0)
		return rc;
	row->initial = (uint8_t)v;
	return 0;
}

int kbparse_row(struct kbparse_ctx *c, enum kbparse_table t, size_t o)
{
	const struct kbparse_tabinfo *ti = &kbparse_tabs[t];
	union kbparse_anyrow row;
	size_t i;
	int rc;

	if (c->nf - o != ti->ncols)
		return kbparse_error(c, c->line, "%zu fields, a %s row has %zu (TAB-separated)",
				     c->nf - o, c->local ? ti->local : ti->file, ti->ncols);
	for (i = 0; i < ti->ncols; i++)
		if ((rc = kbparse_check_text(c, o + i, &ti->cols[i])) < 0)
			return rc;
	memset(&row, 0, sizeof(row));
	switch (t) {
	case KBPARSE_CATEGORIES: rc = kbparse_category(c, &row.cat); break;
	case KBPARSE_PORTS:	 rc = kbparse_port(c, o, &row.port); break;
	case KBPARSE_ICMP:	 rc = kbparse_icmp(c, o, &row.icmp); break;
	case KBPARSE_ADDRESSES:	 rc = kbparse_addr(c, o, &row.addr); break;
	case KBPARSE_TTL:	 rc = kbparse_ttl(c, o, &row.ttl); break;
	default:		 return -EINVAL;
	}
	return rc < 0 ? rc : kbparse_store_row(c, t, o, &row);
}
