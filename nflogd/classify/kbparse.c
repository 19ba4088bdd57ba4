/* kbparse.c - parse and validate the kb/ .tsv files and local.kb (kb/README.md).
 *
 * Every check reports "file:line: reason" and the line is always the row to
 * fix: for a clash between two rows that is the later one (a row copied from
 * the built-in table has line 0, so in a local.kb it is the local row). When
 * several rows clash, the first such line in the file is reported, so fixing
 * errors top to bottom works.
 *
 * Text rules beyond the README: fields are valid UTF-8 without control
 * characters and without leading or trailing spaces; short-name columns are
 * at most KBPARSE_NAME_MAX characters; a trailing CR and a leading UTF-8 BOM
 * are tolerated; a comment may be indented.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/kbparse.h"

#define KBPARSE_MAXF		16	/* more fields than any row has */
#define KBPARSE_CHUNK		16384	/* arena chunk, bytes */
#define KBPARSE_NOLINE		ULONG_MAX

struct kbparse_chunk {
	struct kbparse_chunk	*next;
	size_t			 used, size;
	char			 data[];
};

/* Text limits of one column; 0 = KBPARSE_NAME_MAX. */
#define KBPARSE_TEXT_MAX	KBPARSE_SUMMARY_MAX	/* source, os: short free text */
struct kbparse_col {
	const char	*name;
	unsigned	 max;
	bool		 nospace;
};

struct kbparse_tabinfo {
	const char			*file;
	const char			*local;	/* table name in local.kb, or NULL */
	size_t				 rowsize;
	size_t				 ncols;
	const struct kbparse_col	*cols;
};

static const struct kbparse_col kbparse_cat_cols[] = {
	{ "id", 0, true }, { "name", 0, true },
	{ "summary", KBPARSE_SUMMARY_MAX, false },
};
static const struct kbparse_col kbparse_port_cols[] = {
	{ "id", 0, true }, { "proto", 0, true }, { "port", 0, true },
	{ "dir", 0, true }, { "service", 0, true }, { "category", 0, true },
	{ "verdict", 0, true }, { "source", KBPARSE_TEXT_MAX, false },
	{ "summary", KBPARSE_SUMMARY_MAX, false },
	{ "explain", KBPARSE_EXPLAIN_MAX, false },
};
static const struct kbparse_col kbparse_icmp_cols[] = {
	{ "id", 0, true }, { "family", 0, true }, { "type", 0, true },
	{ "code", 0, true }, { "name", 0, false }, { "verdict", 0, true },
	{ "source", KBPARSE_TEXT_MAX, false }, { "summary", KBPARSE_SUMMARY_MAX, false },
	{ "explain", KBPARSE_EXPLAIN_MAX, false },
};
static const struct kbparse_col kbparse_addr_cols[] = {
	{ "id", 0, true }, { "prefix", 0, true }, { "class", 0, true },
	{ "verdict", 0, true }, { "source", KBPARSE_TEXT_MAX, false },
	{ "summary", KBPARSE_SUMMARY_MAX, false },
	{ "explain", KBPARSE_EXPLAIN_MAX, false },
};
static const struct kbparse_col kbparse_ttl_cols[] = {
	{ "id", 0, true }, { "initial", 0, true }, { "os", KBPARSE_TEXT_MAX, false },
	{ "source", KBPARSE_TEXT_MAX, false }, { "summary", KBPARSE_SUMMARY_MAX, false },
};

#define KBPARSE_TAB(f, l, type, cols) \
	{ f, l, sizeof(type), sizeof(cols) / sizeof(cols[0]), cols }
static const struct kbparse_tabinfo kbparse_tabs[__KBPARSE_MAX] = {
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

/* State of one kbparse_file / kbparse_local call. */
struct kbparse_ctx {
	struct kbparse	*kp;
	const char	*file;
	char		*err;
	size_t		 errlen;
	bool		 local;
	unsigned long	 line;
	unsigned long	 err_line;		/* line of the error in err */
	/* fields of the current line: the first KBPARSE_MAXF; nf counts all */
	const char	*f[KBPARSE_MAXF];
	size_t		 flen[KBPARSE_MAXF];
	size_t		 nf;
	/* line of each row of each table, parallel to the kp arrays; 0 for
	 * rows that were there before this call */
	unsigned long	*lines[__KBPARSE_MAX];
	size_t		 nlines[__KBPARSE_MAX], lines_cap[__KBPARSE_MAX];
	size_t		 before[__KBPARSE_MAX];	/* rows before the call (local.kb) */
};

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
static void *kbparse_tab(struct kbparse *kp, enum kbparse_table t, size_t **n)
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
static void *kbparse_reserve(struct kbparse *kp, enum kbparse_table t, size_t more)
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
static const char *kbparse_strdup(struct kbparse *kp, const char *s, size_t len)
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

/* --- errors ---------------------------------------------------------- */

/* Record "file:line: reason" unless an error on an earlier line is already
 * recorded (the table checks find clashes in key order, not line order). */
__attribute__((format(printf, 3, 4)))
static int kbparse_error(struct kbparse_ctx *c, unsigned long line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (line >= c->err_line)
		return -EINVAL;
	c->err_line = line;
	if (!c->errlen)
		return -EINVAL;
	n = snprintf(c->err, c->errlen, "%s:%lu: ", c->file, line);
	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int kbparse_nomem(struct kbparse_ctx *c)
{
	if (c->errlen)
		snprintf(c->err, c->errlen, "%s: out of memory", c->file);
	return -ENOMEM;
}

/* "id 12 at line 3" or, for a row that came with kbparse_add, "built-in id 12". */
static const char *kbparse_other(char *buf, size_t len, unsigned id, unsigned long line)
{
	if (line)
		snprintf(buf, len, "id %u at line %lu", id, line);
	else
		snprintf(buf, len, "built-in id %u", id);
	return buf;
}

/* --- fields ---------------------------------------------------------- */

/*
 * Check field i against column col: not empty, valid UTF-8 without control
 * characters, no spaces at either end (nor inside for name-like columns),
 * not longer than the column allows (counted in characters, not bytes).
 */
static int kbparse_check_text(struct kbparse_ctx *c, size_t i, const struct kbparse_col *col)
{
	const unsigned char *s = (const unsigned char *)c->f[i];
	size_t len = c->flen[i], chars = 0, k = 0;
	unsigned max = col->max ? col->max : KBPARSE_NAME_MAX;

	if (len == 0)
		return kbparse_error(c, c->line, "empty field %zu (%s); write - for none",
				     i + 1, col->name);
	if (s[0] == ' ' || s[len - 1] == ' ')
		return kbparse_error(c, c->line, "%s has a leading or trailing space",
				     col->name);
	while (k < len) {
		unsigned char b = s[k];
		uint32_t cp;
		size_t need, j;

		if (b < 0x80) {
			if (b < 0x20 || b == 0x7f)
				return kbparse_error(c, c->line,
						     "control character 0x%02x in %s",
						     b, col->name);
			if (b == ' ' && col->nospace)
				return kbparse_error(c, c->line, "space in %s", col->name);
			k++;
			chars++;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf)
			need = 1, cp = b & 0x1f;
		else if (b >= 0xe0 && b <= 0xef)
			need = 2, cp = b & 0x0f;
		else if (b >= 0xf0 && b <= 0xf4)
			need = 3, cp = b & 0x07;
		else
			goto bad;
		if (len - k <= need)
			goto bad;
		for (j = 1; j <= need; j++) {
			if ((s[k + j] & 0xc0) != 0x80)
				goto bad;
			cp = cp << 6 | (s[k + j] & 0x3f);
		}
		/* overlong forms, surrogates, beyond U+10FFFF, C1 controls */
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || cp < 0xa0)
			goto bad;
		k += need + 1;
		chars++;
	}
	if (chars > max)
		return kbparse_error(c, c->line, "%s too long: %zu characters, at most %u",
				     col->name, chars, max);
	return 0;
bad:
	return kbparse_error(c, c->line, "invalid UTF-8 or control character in %s",
			     col->name);
}

static bool kbparse_is(const struct kbparse_ctx *c, size_t i, const char *word)
{
	size_t n = strlen(word);

	return c->flen[i] == n && memcmp(c->f[i], word, n) == 0;
}

/* Strict decimal s[0..len) in [min, max]: digits only, no sign. */
static bool kbparse_digits(const char *s, size_t len, unsigned long min,
			   unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 9)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int kbparse_num(struct kbparse_ctx *c, size_t i, const char *what,
		       unsigned long min, unsigned long max, unsigned long *out)
{
	if (!kbparse_digits(c->f[i], c->flen[i], 0, ULONG_MAX, out))
		return kbparse_error(c, c->line, "bad number '%.*s' for %s",
				     (int)c->flen[i], c->f[i], what);
	if (*out < min || *out > max)
		return kbparse_error(c, c->line, "%s %lu out of range %lu-%lu",
				     what, *out, min, max);
	return 0;
}

static int kbparse_id(struct kbparse_ctx *c, size_t i, enum kbparse_table t, uint16_t *id)
{
	unsigned long v, min = 1, max = KBPARSE_ID_MAX;
	int rc;

	if (c->local) {
		min = KB_LOCAL_ID_MIN;
		max = 65535;
	} else if (t == KBPARSE_CATEGORIES) {
		max = KBPARSE_CATEGORY_MAX;
	}
	rc = kbparse_num(c, i, "id", min, max, &v);
	*id = (uint16_t)v;
	return rc;
}

static int kbparse_verdict(struct kbparse_ctx *c, size_t i, uint8_t *v)
{
	static const char *const names[] = {
		[KB_VERDICT_EXPECTED] = "expected", [KB_VERDICT_NOISE] = "noise",
		[KB_VERDICT_SUSPICIOUS] = "suspicious", [KB_VERDICT_HOSTILE] = "hostile",
	};
	unsigned k;

	for (k = KB_VERDICT_EXPECTED; k < __KB_VERDICT_MAX; k++) {
		if (kbparse_is(c, i, names[k])) {
			*v = (uint8_t)k;
			return 0;
		}
	}
	return kbparse_error(c, c->line,
			     "unknown verdict '%.*s' (expected, noise, suspicious or hostile)",
			     (int)c->flen[i], c->f[i]);
}

static const char *kbparse_str(struct kbparse_ctx *c, size_t i)
{
	return kbparse_strdup(c->kp, c->f[i], c->flen[i]);
}

/* --- rows ------------------------------------------------------------ */

/* Append an empty row to table t, remembering the current line for it. */
static void *kbparse_new_row(struct kbparse_ctx *c, enum kbparse_table t)
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
	memset(rows + *n * size, 0, size);
	return rows + (*n)++ * size;
}

/* Line of row i of table t (0: not from this file). */
static unsigned long kbparse_line_of(const struct kbparse_ctx *c, enum kbparse_table t,
				     size_t i)
{
	return i < c->nlines[t] ? c->lines[t][i] : 0;
}

/* Any NULL among the arena strings of a row means the arena ran dry. */
#define KBPARSE_STRS_OK(...) kbparse_all_set((const char *[]){ __VA_ARGS__ }, \
	sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *))
static bool kbparse_all_set(const char *const *s, size_t n)
{
	while (n--)
		if (!s[n])
			return false;
	return true;
}

static int kbparse_category(struct kbparse_ctx *c)
{
	struct kb_category *r;
	uint16_t id;
	int rc;

	if ((rc = kbparse_id(c, 0, KBPARSE_CATEGORIES, &id)) < 0)
		return rc;
	if (!(r = kbparse_new_row(c, KBPARSE_CATEGORIES)))
		return kbparse_nomem(c);
	r->id = id;
	r->name = kbparse_str(c, 1);
	r->summary = kbparse_str(c, 2);
	return KBPARSE_STRS_OK(r->name, r->summary) ? 0 : kbparse_nomem(c);
}

/* Fields start at index o (1 in local.kb, after the table name). */
static int kbparse_port(struct kbparse_ctx *c, size_t o)
{
	const struct kbparse *kp = c->kp;
	unsigned long lo, hi;
	const char *s = c->f[o + 2], *dash;
	size_t len = c->flen[o + 2], k;
	struct kb_port row = { 0 }, *r;
	int rc;

	if ((rc = kbparse_id(c, o, KBPARSE_PORTS, &row.id)) < 0)
		return rc;
	if (kbparse_is(c, o + 1, "tcp"))
		row.protos = KB_PROTO_TCP;
	else if (kbparse_is(c, o + 1, "udp"))
		row.protos = KB_PROTO_UDP;
	else if (kbparse_is(c, o + 1, "both"))
		row.protos = KB_PROTO_TCP | KB_PROTO_UDP;
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
	row.lo = (uint16_t)lo;
	row.hi = (uint16_t)hi;

	if (kbparse_is(c, o + 3, "dst"))
		row.dir = KB_DIR_DST;
	else if (kbparse_is(c, o + 3, "src"))
		row.dir = KB_DIR_SRC;
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
	row.category = (uint8_t)kp->cats[k].id;
	if ((rc = kbparse_verdict(c, o + 6, &row.verdict)) < 0)
		return rc;

	if (!(r = kbparse_new_row(c, KBPARSE_PORTS)))
		return kbparse_nomem(c);
	*r = row;
	r->service = kbparse_str(c, o + 4);
	r->source = kbparse_str(c, o + 7);
	r->summary = kbparse_str(c, o + 8);
	r->explain = kbparse_str(c, o + 9);
	return KBPARSE_STRS_OK(r->service, r->source, r->summary, r->explain) ?
	       0 : kbparse_nomem(c);
}

static int kbparse_icmp(struct kbparse_ctx *c, size_t o)
{
	struct kb_icmp row = { 0 }, *r;
	unsigned long v;
	int rc;

	if ((rc = kbparse_id(c, o, KBPARSE_ICMP, &row.id)) < 0)
		return rc;
	if (kbparse_is(c, o + 1, "icmp"))
		row.family = 4;
	else if (kbparse_is(c, o + 1, "icmpv6"))
		row.family = 6;
	else
		return kbparse_error(c, c->line, "unknown family '%.*s' (icmp or icmpv6)",
				     (int)c->flen[o + 1], c->f[o + 1]);
	if ((rc = kbparse_num(c, o + 2, "type", 0, 255, &v)) < 0)
		return rc;
	row.type = (uint8_t)v;
	if (kbparse_is(c, o + 3, "*"))
		row.code = -1;
	else if ((rc = kbparse_num(c, o + 3, "code", 0, 255, &v)) < 0)
		return rc;
	else
		row.code = (int16_t)v;
	if ((rc = kbparse_verdict(c, o + 5, &row.verdict)) < 0)
		return rc;

	if (!(r = kbparse_new_row(c, KBPARSE_ICMP)))
		return kbparse_nomem(c);
	*r = row;
	r->name = kbparse_str(c, o + 4);
	r->source = kbparse_str(c, o + 6);
	r->summary = kbparse_str(c, o + 7);
	r->explain = kbparse_str(c, o + 8);
	return KBPARSE_STRS_OK(r->name, r->source, r->summary, r->explain) ?
	       0 : kbparse_nomem(c);
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

static int kbparse_addr(struct kbparse_ctx *c, size_t o)
{
	struct kb_addr row = { 0 }, *r;
	int rc;

	if ((rc = kbparse_id(c, o, KBPARSE_ADDRESSES, &row.id)) < 0 ||
	    (rc = kbparse_cidr(c, o + 1, &row)) < 0 ||
	    (rc = kbparse_verdict(c, o + 3, &row.verdict)) < 0)
		return rc;
	if (!(r = kbparse_new_row(c, KBPARSE_ADDRESSES)))
		return kbparse_nomem(c);
	*r = row;
	r->cls = kbparse_str(c, o + 2);
	r->source = kbparse_str(c, o + 4);
	r->summary = kbparse_str(c, o + 5);
	r->explain = kbparse_str(c, o + 6);
	return KBPARSE_STRS_OK(r->cls, r->source, r->summary, r->explain) ?
	       0 : kbparse_nomem(c);
}

static int kbparse_ttl(struct kbparse_ctx *c, size_t o)
{
	struct kb_ttl row = { 0 }, *r;
	unsigned long v;
	int rc;

	if ((rc = kbparse_id(c, o, KBPARSE_TTL, &row.id)) < 0 ||
	    (rc = kbparse_num(c, o + 1, "initial TTL", 1, 255, &v)) < 0)
		return rc;
	row.initial = (uint8_t)v;
	if (!(r = kbparse_new_row(c, KBPARSE_TTL)))
		return kbparse_nomem(c);
	*r = row;
	r->os = kbparse_str(c, o + 2);
	r->source = kbparse_str(c, o + 3);
	r->summary = kbparse_str(c, o + 4);
	return KBPARSE_STRS_OK(r->os, r->source, r->summary) ? 0 : kbparse_nomem(c);
}

/* Check the column count and every field's text, then parse the row. */
static int kbparse_row(struct kbparse_ctx *c, enum kbparse_table t, size_t o)
{
	const struct kbparse_tabinfo *ti = &kbparse_tabs[t];
	size_t i;
	int rc;

	if (c->nf - o != ti->ncols)
		return kbparse_error(c, c->line, "%zu fields, a %s row has %zu (TAB-separated)",
				     c->nf - o, c->local ? ti->local : ti->file, ti->ncols);
	for (i = 0; i < ti->ncols; i++)
		if ((rc = kbparse_check_text(c, o + i, &ti->cols[i])) < 0)
			return rc;
	switch (t) {
	case KBPARSE_CATEGORIES: return kbparse_category(c);
	case KBPARSE_PORTS:	 return kbparse_port(c, o);
	case KBPARSE_ICMP:	 return kbparse_icmp(c, o);
	case KBPARSE_ADDRESSES:	 return kbparse_addr(c, o);
	case KBPARSE_TTL:	 return kbparse_ttl(c, o);
	default:		 return -EINVAL;
	}
}

static int kbparse_local_row(struct kbparse_ctx *c)
{
	static const struct kbparse_col table_col = { "table", 0, true };
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

/* Split buf into lines and lines into fields; hand rows to the parsers. */
static int kbparse_lines(struct kbparse_ctx *c, enum kbparse_table t,
			 const char *buf, size_t len)
{
	size_t pos = 0;
	int rc;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *l = buf + pos, *eol = memchr(l, '\n', len - pos), *p, *tab;
		size_t ll = eol ? (size_t)(eol - l) : len - pos, k;

		pos += ll + (eol != NULL);
		c->line++;
		if (ll && l[ll - 1] == '\r')
			ll--;
		for (k = 0; k < ll && (l[k] == ' ' || l[k] == '\t'); k++)
			;
		if (k == ll || l[k] == '#')
			continue;
		c->nf = 0;
		for (p = l; ; p = tab + 1) {
			tab = memchr(p, '\t', ll - (size_t)(p - l));
			if (c->nf < KBPARSE_MAXF) {
				c->f[c->nf] = p;
				c->flen[c->nf] = tab ? (size_t)(tab - p) : ll - (size_t)(p - l);
			}
			c->nf++;
			if (!tab)
				break;
		}
		rc = c->local ? kbparse_local_row(c) : kbparse_row(c, t, 0);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* --- table checks ------------------------------------------------------ */

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

/* Run every check that applies; the earliest line found is reported. */
static int kbparse_check(struct kbparse_ctx *c, enum kbparse_table only)
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

static int kbparse_cmp_id(const void *a, const void *b)
{
	uint16_t x, y;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return (x > y) - (x < y);
}

static void kbparse_sort(struct kbparse *kp, enum kbparse_table t)
{
	size_t *n;
	void *rows = kbparse_tab(kp, t, &n);

	if (*n > 1)
		qsort(rows, *n, kbparse_tabs[t].rowsize, kbparse_cmp_id);
}

static void kbparse_ctx_free(struct kbparse_ctx *c)
{
	enum kbparse_table t;

	for (t = 0; t < __KBPARSE_MAX; t++)
		free(c->lines[t]);
}

int kbparse_file(struct kbparse *kp, enum kbparse_table t, const char *file,
		 const char *buf, size_t len, char *err, size_t errlen)
{
	struct kbparse_ctx c = {
		.kp = kp, .file = file, .err = err, .errlen = errlen,
		.err_line = KBPARSE_NOLINE,
	};
	size_t *n, before;
	int rc;

	if ((unsigned)t >= __KBPARSE_MAX)
		return -EINVAL;
	kbparse_tab(kp, t, &n);
	before = *n;
	rc = kbparse_lines(&c, t, buf, len);
	if (rc == 0)
		rc = kbparse_check(&c, t);
	kbparse_tab(kp, t, &n);
	if (rc < 0)
		*n = before;		/* strings stay in the arena until kbparse_free */
	else
		kbparse_sort(kp, t);
	kbparse_ctx_free(&c);
	return rc;
}

/* --- local.kb -------------------------------------------------------- */

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
	size_t *n;
	int rc;

	for (t = 0; t < __KBPARSE_MAX; t++) {
		kbparse_tab(kp, t, &n);
		c.before[t] = *n;
	}
	rc = kbparse_lines(&c, __KBPARSE_MAX, buf, len);
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
