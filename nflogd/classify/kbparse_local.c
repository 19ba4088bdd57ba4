/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kbparse_local.c - kb parser for local.kb: rows named by table, overriding built-in rows.
 *
 * kbparse_local appends the local rows after the built-in ones (line 0),
 * drops the built-in rows they replace, then runs the same checks as for a
 * built-in file over the merged tables, so a local row may clash with a
 * built-in one only by replacing it.
 */
#include <stdbool.h>
#include <string.h>

#include "classify/kbparse_int.h"

/* A local.kb row: the table name, then the columns of that table. */
static int kbparse_local_row(struct kbparse_ctx *c)
{
	static const struct kbparse_col table_col = { "table", 0, true, 0 };
	enum kbparse_table t;
	int rc;

	if ((rc = kbparse_check_text(c, 0, &table_col)) < 0)
		return rc;
	for (t = 0; t < __KBPARSE_MAX; t++)
		if (kbparse_tabs[t].local && kbparse_is(c, 0, kbparse_tabs[t].local))
			return kbparse_row(c, t, 1);
	return kbparse_error(c, c->line, "unknown table '%.*s' (port, icmp or addr)",
			     (int)c->flen[0], c->f[0]);
}

static bool kbparse_port_gone(const void *row)
{
	return ((const struct kb_port *)row)->protos == 0;
}

static bool kbparse_icmp_gone(const void *row)
{
	return ((const struct kb_icmp *)row)->family == 0;
}

static bool kbparse_addr_gone(const void *row)
{
	return ((const struct kb_addr *)row)->family == 0;
}

/* Remove the rows marked gone from table t, carrying the line numbers along. */
static void kbparse_compact(struct kbparse_ctx *c, enum kbparse_table t,
			    bool (*gone)(const void *row))
{
	size_t *n, size = kbparse_tabs[t].rowsize, i, keep = 0;
	char *rows = kbparse_tab(c->kp, t, &n);

	if (!c->nlines[t])
		return;			/* no local rows, nothing replaced */
	for (i = 0; i < *n; i++) {
		if (gone(rows + i * size))
			continue;
		c->lines[t][keep] = kbparse_line_of(c, t, i);
		if (keep != i)
			memcpy(rows + keep * size, rows + i * size, size);
		keep++;
	}
	*n = c->nlines[t] = keep;
}

/* Drop the built-in rows (line 0) that a local row replaces; a built-in
 * port row for both protocols loses only the protocol the local row takes. */
static void kbparse_override(struct kbparse_ctx *c)
{
	struct kbparse *kp = c->kp;
	size_t i, j;

	/* rows [0, before) are the built-in ones, the local rows follow */
	for (i = c->before[KBPARSE_PORTS]; i < kp->nports; i++) {
		const struct kb_port *l = &kp->ports[i];

		for (j = 0; j < c->before[KBPARSE_PORTS]; j++) {
			struct kb_port *b = &kp->ports[j];

			if (b->dir == l->dir && b->lo == l->lo && b->hi == l->hi)
				b->protos &= (uint8_t)~l->protos;
		}
	}
	for (i = c->before[KBPARSE_ICMP]; i < kp->nicmps; i++) {
		const struct kb_icmp *l = &kp->icmps[i];

		for (j = 0; j < c->before[KBPARSE_ICMP]; j++) {
			struct kb_icmp *b = &kp->icmps[j];

			if (b->family == l->family && b->type == l->type && b->code == l->code)
				b->family = 0;	/* marks it for removal */
		}
	}
	for (i = c->before[KBPARSE_ADDRESSES]; i < kp->naddrs; i++) {
		const struct kb_addr *l = &kp->addrs[i];

		for (j = 0; j < c->before[KBPARSE_ADDRESSES]; j++) {
			struct kb_addr *b = &kp->addrs[j];

			if (b->family == l->family && b->plen == l->plen &&
			    memcmp(b->prefix, l->prefix, sizeof(b->prefix)) == 0)
				b->family = 0;
		}
	}

	kbparse_compact(c, KBPARSE_PORTS, kbparse_port_gone);
	kbparse_compact(c, KBPARSE_ICMP, kbparse_icmp_gone);
	kbparse_compact(c, KBPARSE_ADDRESSES, kbparse_addr_gone);
}

int kbparse_local(struct kbparse *kp, const char *file, const char *buf, size_t len,
		  char *err, size_t errlen)
{
	struct kbparse_ctx c = {
		.kp = kp, .file = file, .err = err, .errlen = errlen,
		.err_line = KBPARSE_NOLINE, .local = true,
	};
	enum kbparse_table t;
	size_t *n, pos = 0;
	int rc = 0;

	for (t = 0; t < __KBPARSE_MAX; t++) {
		kbparse_tab(kp, t, &n);
		c.before[t] = *n;
	}
	while (rc == 0 && kbparse_next_row(&c, buf, len, &pos))
		rc = kbparse_local_row(&c);
	if (rc == 0) {
		/* lines[] of tables without local rows stay empty: nothing to override */
		kbparse_override(&c);
		rc = kbparse_check(&c, __KBPARSE_MAX);
	}
	if (rc == 0)
		for (t = 0; t < __KBPARSE_MAX; t++)
			kbparse_sort(kp, t);
	kbparse_ctx_free(&c);
	return rc;
}
