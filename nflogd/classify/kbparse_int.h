/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kbparse_int.h - internal to kbparse*.c: table layouts, parse state, shared helpers.
 *
 * The parser is five files around one struct kbparse_ctx:
 *   kbparse.c        the row arrays, the string arena, kbparse_file
 *   kbparse_lex.c    lines into fields; field text, numbers, verdicts; errors
 *   kbparse_rows.c   one row parser per table
 *   kbparse_check.c  checks across the rows of a table (ids, keys, ranges)
 *   kbparse_local.c  local.kb: its row prefix and the override of built-in rows
 * Nothing here is for other modules: they use kbparse.h.
 */
#ifndef NFLOGD_KBPARSE_INT_H
#define NFLOGD_KBPARSE_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify/kbparse.h"

#define KBPARSE_MAXF		16	/* more fields than any row has */
#define KBPARSE_NOLINE		ULONG_MAX

/* One column: its text limits (max 0 = KBPARSE_NAME_MAX) and, for a column
 * kept as text, where the row holds it. A column with copy_to 0 is read by
 * its table's row parser (offset 0 is the id, which is never text). */
struct kbparse_col {
	const char	*name;
	unsigned	 max;
	bool		 nospace;
	size_t		 copy_to;	/* offsetof the row's const char * member, or 0 */
};

struct kbparse_tabinfo {
	const char			*file;
	const char			*local;	/* table name in local.kb, or NULL */
	size_t				 rowsize;
	size_t				 ncols;
	const struct kbparse_col	*cols;
};

/* Indexed by enum kbparse_table (kbparse.c). */
extern const struct kbparse_tabinfo kbparse_tabs[__KBPARSE_MAX];

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

/* --- kbparse.c: row arrays and arena --- */

/* The rows of table t and a pointer to its count. */
void *kbparse_tab(struct kbparse *kp, enum kbparse_table t, size_t **n);
/* Make room for `more` rows in table t; returns the (maybe moved) array. */
void *kbparse_reserve(struct kbparse *kp, enum kbparse_table t, size_t more);
/* Copy s[0..len) into the arena as a C string; NULL when out of memory. */
const char *kbparse_strdup(struct kbparse *kp, const char *s, size_t len);
/* Sort table t by id (the first member of every row struct). */
void kbparse_sort(struct kbparse *kp, enum kbparse_table t);
void kbparse_ctx_free(struct kbparse_ctx *c);

/* --- kbparse_lex.c: lines, fields, errors --- */

/* Record "file:line: reason" unless an error on an earlier line is already
 * recorded (the table checks find clashes in key order, not line order).
 * Always returns -EINVAL. */
__attribute__((format(printf, 3, 4)))
int kbparse_error(struct kbparse_ctx *c, unsigned long line, const char *fmt, ...);
/* "file: out of memory" in err; returns -ENOMEM. */
int kbparse_nomem(struct kbparse_ctx *c);
/* "id 12 at line 3" or, for a row that came with kbparse_add, "built-in id 12". */
const char *kbparse_other(char *buf, size_t len, unsigned id, unsigned long line);

/* The next row of buf[0..len) from *pos on (blank and comment lines skipped,
 * c->line counting every line): its fields in c->f, c->flen, c->nf. false at
 * the end of buf. Start with *pos = 0 (a UTF-8 BOM there is skipped). */
bool kbparse_next_row(struct kbparse_ctx *c, const char *buf, size_t len, size_t *pos);

/* Field i against column col: 0, or -EINVAL with the reason in err. */
int kbparse_check_text(struct kbparse_ctx *c, size_t i, const struct kbparse_col *col);
/* Field i is exactly word. */
bool kbparse_is(const struct kbparse_ctx *c, size_t i, const char *word);
/* Strict decimal s[0..len) in [min, max]: digits only, no sign. */
bool kbparse_digits(const char *s, size_t len, unsigned long min, unsigned long max,
		    unsigned long *out);
/* Field i as a number in [min, max], what naming it in the error. */
int kbparse_num(struct kbparse_ctx *c, size_t i, const char *what, unsigned long min,
		unsigned long max, unsigned long *out);
/* Field i as an id of table t (local.kb: the local id range). */
int kbparse_id(struct kbparse_ctx *c, size_t i, enum kbparse_table t, uint16_t *id);
/* Field i as a verdict name. */
int kbparse_verdict(struct kbparse_ctx *c, size_t i, uint8_t *v);
/* Field i copied into the arena; NULL when out of memory. */
const char *kbparse_str(struct kbparse_ctx *c, size_t i);

/* --- kbparse_rows.c: one parser per table --- */

/* Line of row i of table t (0: not from this file). */
unsigned long kbparse_line_of(const struct kbparse_ctx *c, enum kbparse_table t, size_t i);
/* Check the column count and every field's text of the current row (fields
 * from index o on: 1 in local.kb, after the table name), then add it to t. */
int kbparse_row(struct kbparse_ctx *c, enum kbparse_table t, size_t o);

/* --- kbparse_check.c: across rows --- */

/* Run every check that applies (only: the table of a kbparse_file call;
 * local.kb: all tables with local rows); the earliest line found is reported. */
int kbparse_check(struct kbparse_ctx *c, enum kbparse_table only);

/* On top: kbparse_file() (kbparse_file.c) and kbparse_local()
 * (kbparse_local.c), declared in kbparse.h, run the pieces above in this
 * order: next row, row, check. Nothing below calls them. */

#endif
