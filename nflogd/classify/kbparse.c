/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kbparse.c - parse and validate the kb/ .tsv files and local.kb (kb/README.md).
 *
 * Every check reports "file:line: reason" and the line is always the row to
 * fix: for a clash between two rows that is the later one (a row copied from
 * the built-in table has line 0, so in a local.kb it is the local row). When
 * several rows clash, the first such line in the file is reported, so fixing
 * errors top to bottom works.
 *
 * This file holds what every table shares: the column lists, the row
 * arrays and the string arena, used by every other kbparse*.c file. The other
 * pieces are listed in kbparse_int.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "classify/kbparse_int.h"

#define KBPARSE_CHUNK		16384	/* arena chunk, bytes */

struct kbparse_chunk {
	struct kbparse_chunk	*next;
	size_t			 used, size;
	char			 data[];
};

#define KBPARSE_TEXT_MAX	KBPARSE_SUMMARY_MAX	/* source, os: short free text */

/* A column its row parser reads (a key: one word), and a column copied
 * into member m of the row struct type. */
#define KBPARSE_KEY(name)			{ name, 0, true, 0 }
#define KBPARSE_TEXT(name, max, nospace, type, m) { name, max, nospace, offsetof(type, m) }

static const struct kbparse_col kbparse_cat_cols[] = {
	KBPARSE_KEY("id"),
	KBPARSE_TEXT("name", 0, true, struct kb_category, name),
	KBPARSE_TEXT("summary", KBPARSE_SUMMARY_MAX, false, struct kb_category, summary),
};
static const struct kbparse_col kbparse_port_cols[] = {
	KBPARSE_KEY("id"), KBPARSE_KEY("proto"), KBPARSE_KEY("port"), KBPARSE_KEY("dir"),
	KBPARSE_TEXT("service", 0, true, struct kb_port, service),
	KBPARSE_KEY("category"), KBPARSE_KEY("verdict"),
	KBPARSE_TEXT("source", KBPARSE_TEXT_MAX, false, struct kb_port, source),
	KBPARSE_TEXT("summary", KBPARSE_SUMMARY_MAX, false, struct kb_port, summary),
	KBPARSE_TEXT("explain", KBPARSE_EXPLAIN_MAX, false, struct kb_port, explain),
};
static const struct kbparse_col kbparse_icmp_cols[] = {
	KBPARSE_KEY("id"), KBPARSE_KEY("family"), KBPARSE_KEY("type"), KBPARSE_KEY("code"),
	KBPARSE_TEXT("name", 0, false, struct kb_icmp, name),
	KBPARSE_KEY("verdict"),
	KBPARSE_TEXT("source", KBPARSE_TEXT_MAX, false, struct kb_icmp, source),
	KBPARSE_TEXT("summary", KBPARSE_SUMMARY_MAX, false, struct kb_icmp, summary),
	KBPARSE_TEXT("explain", KBPARSE_EXPLAIN_MAX, false, struct kb_icmp, explain),
};
static const struct kbparse_col kbparse_addr_cols[] = {
	KBPARSE_KEY("id"), KBPARSE_KEY("prefix"),
	KBPARSE_TEXT("class", 0, true, struct kb_addr, cls),
	KBPARSE_KEY("verdict"),
	KBPARSE_TEXT("source", KBPARSE_TEXT_MAX, false, struct kb_addr, source),
	KBPARSE_TEXT("summary", KBPARSE_SUMMARY_MAX, false, struct kb_addr, summary),
	KBPARSE_TEXT("explain", KBPARSE_EXPLAIN_MAX, false, struct kb_addr, explain),
};
static const struct kbparse_col kbparse_ttl_cols[] = {
	KBPARSE_KEY("id"), KBPARSE_KEY("initial"),
	KBPARSE_TEXT("os", KBPARSE_TEXT_MAX, false, struct kb_ttl, os),
	KBPARSE_TEXT("source", KBPARSE_TEXT_MAX, false, struct kb_ttl, source),
	KBPARSE_TEXT("summary", KBPARSE_SUMMARY_MAX, false, struct kb_ttl, summary),
};

#define KBPARSE_TAB(f, l, type, cols) \
	{ f, l, sizeof(type), sizeof(cols) / sizeof(cols[0]), cols }
const struct kbparse_tabinfo kbparse_tabs[__KBPARSE_MAX] = {
	[KBPARSE_CATEGORIES] = KBPARSE_TAB("categories.tsv", NULL, struct kb_category,
					   kbparse_cat_cols),
	[KBPARSE_PORTS]	     = KBPARSE_TAB("ports.tsv", "port", struct kb_port,
					   kbparse_port_cols),
	[KBPARSE_ICMP]	     = KBPARSE_TAB("icmp.tsv", "icmp", struct kb_icmp,
					   kbparse_icmp_cols),
	[KBPARSE_ADDRESSES]  = KBPARSE_TAB("addresses.tsv", "addr", struct kb_addr,
					   kbparse_addr_cols),
	[KBPARSE_TTL]	     = KBPARSE_TAB("ttl.tsv", NULL, struct kb_ttl,
					   kbparse_ttl_cols),
};

/* Sorting by id reads the first member of any row struct. */
_Static_assert(offsetof(struct kb_category, id) == 0, "id first");
_Static_assert(offsetof(struct kb_port, id) == 0, "id first");
_Static_assert(offsetof(struct kb_icmp, id) == 0, "id first");
_Static_assert(offsetof(struct kb_addr, id) == 0, "id first");
_Static_assert(offsetof(struct kb_ttl, id) == 0, "id first");

/* --- tables and arena ------------------------------------------------ */

void kbparse_init(struct kbparse *kp)
{
	memset(kp, 0, sizeof(*kp));
}

void kbparse_free(struct kbparse *kp)
{
	struct kbparse_chunk *ch, *next;

	if (!kp)
		return;
	for (ch = kp->arena; ch; ch = next) {
		next = ch->next;
		free(ch);
	}
	free(kp->cats);
	free(kp->ports);
	free(kp->icmps);
	free(kp->addrs);
	free(kp->ttls);
	kbparse_init(kp);
}

const char *kbparse_file_name(enum kbparse_table t)
{
	return (unsigned)t < __KBPARSE_MAX ? kbparse_tabs[t].file : "?";
}

/* The rows of table t and a pointer to its count. */
void *kbparse_tab(struct kbparse *kp, enum kbparse_table t, size_t **n)
{
	switch (t) {
	case KBPARSE_CATEGORIES: *n = &kp->ncats;  return kp->cats;
	case KBPARSE_PORTS:	 *n = &kp->nports; return kp->ports;
	case KBPARSE_ICMP:	 *n = &kp->nicmps; return kp->icmps;
	case KBPARSE_ADDRESSES:	 *n = &kp->naddrs; return kp->addrs;
	case KBPARSE_TTL:	 *n = &kp->nttls;  return kp->ttls;
	default:		 break;
	}
	*n = NULL;
	return NULL;
}

/* Make room for `more` rows in table t; returns the (maybe moved) array. */
void *kbparse_reserve(struct kbparse *kp, enum kbparse_table t, size_t more)
{
	size_t *n, cap = kp->cap[t], size = kbparse_tabs[t].rowsize;
	void *rows = kbparse_tab(kp, t, &n);

	if (more > SIZE_MAX / size - *n)
		return NULL;
	if (*n + more <= cap)
		return rows;
	cap = cap ? cap * 2 : 64;
	if (cap < *n + more)
		cap = *n + more;
	rows = realloc(rows, cap * size);
	if (!rows)
		return NULL;
	kp->cap[t] = cap;
	switch (t) {
	case KBPARSE_CATEGORIES: kp->cats = rows;  break;
	case KBPARSE_PORTS:	 kp->ports = rows; break;
	case KBPARSE_ICMP:	 kp->icmps = rows; break;
	case KBPARSE_ADDRESSES:	 kp->addrs = rows; break;
	case KBPARSE_TTL:	 kp->ttls = rows;  break;
	default:		 break;
	}
	return rows;
}

int kbparse_add(struct kbparse *kp, enum kbparse_table t, const void *rows, size_t n)
{
	size_t *cnt, size;
	char *dst;

	if ((unsigned)t >= __KBPARSE_MAX)
		return -EINVAL;
	if (n == 0)
		return 0;
	size = kbparse_tabs[t].rowsize;
	dst = kbparse_reserve(kp, t, n);
	if (!dst)
		return -ENOMEM;
	kbparse_tab(kp, t, &cnt);
	memcpy(dst + *cnt * size, rows, n * size);
	*cnt += n;
	return 0;
}

/* Copy s[0..len) into the arena as a C string. */
const char *kbparse_strdup(struct kbparse *kp, const char *s, size_t len)
{
	struct kbparse_chunk *ch = kp->arena;
	char *p;

	if (!ch || ch->size - ch->used < len + 1) {
		size_t size = len + 1 > KBPARSE_CHUNK ? len + 1 : KBPARSE_CHUNK;

		ch = malloc(sizeof(*ch) + size);
		if (!ch)
			return NULL;
		ch->size = size;
		ch->used = 0;
		ch->next = kp->arena;
		kp->arena = ch;
	}
	p = ch->data + ch->used;
	memcpy(p, s, len);
	p[len] = '\0';
	ch->used += len + 1;
	return p;
}

/* --- sorting and the parse of one file -------------------------------- */

static int kbparse_cmp_id(const void *a, const void *b)
{
	uint16_t x, y;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return (x > y) - (x < y);
}

void kbparse_sort(struct kbparse *kp, enum kbparse_table t)
{
	size_t *n;
	void *rows = kbparse_tab(kp, t, &n);

	if (*n > 1)
		qsort(rows, *n, kbparse_tabs[t].rowsize, kbparse_cmp_id);
}

void kbparse_ctx_free(struct kbparse_ctx *c)
{
	enum kbparse_table t;

	for (t = 0; t < __KBPARSE_MAX; t++)
		free(c->lines[t]);
}
