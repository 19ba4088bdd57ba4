/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kbparse_lex.c - kb parser lexing: lines into fields, field text, numbers, names, errors.
 *
 * Text rules beyond the README: fields are valid UTF-8 without control
 * characters and without leading or trailing spaces; short-name columns are
 * at most KBPARSE_NAME_MAX characters; a trailing CR and a leading UTF-8 BOM
 * are tolerated; a comment may be indented. The errors of every piece of the
 * parser are written here too.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "classify/kbparse_int.h"

/* --- errors ---------------------------------------------------------- */

int kbparse_error(struct kbparse_ctx *c, unsigned long line, const char *fmt, ...)
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

int kbparse_nomem(struct kbparse_ctx *c)
{
	if (c->errlen)
		snprintf(c->err, c->errlen, "%s: out of memory", c->file);
	return -ENOMEM;
}

/* "id 12 at line 3" or, for a row that came with kbparse_add, "built-in id 12". */
const char *kbparse_other(char *buf, size_t len, unsigned id, unsigned long line)
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
int kbparse_check_text(struct kbparse_ctx *c, size_t i, const struct kbparse_col *col)
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

bool kbparse_is(const struct kbparse_ctx *c, size_t i, const char *word)
{
	size_t n = strlen(word);

	return c->flen[i] == n && memcmp(c->f[i], word, n) == 0;
}

/* Strict decimal s[0..len) in [min, max]: digits only, no sign. */
bool kbparse_digits(const char *s, size_t len, unsigned long min,
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

int kbparse_num(struct kbparse_ctx *c, size_t i, const char *what,
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

int kbparse_id(struct kbparse_ctx *c, size_t i, enum kbparse_table t, uint16_t *id)
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

int kbparse_verdict(struct kbparse_ctx *c, size_t i, uint8_t *v)
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

const char *kbparse_str(struct kbparse_ctx *c, size_t i)
{
	return kbparse_strdup(c->kp, c->f[i], c->flen[i]);
}

/* --- lines ----------------------------------------------------------- */

/* Split line l[0..ll) at TABs into c->f / c->flen; c->nf counts every field,
 * also those past KBPARSE_MAXF (the row parsers reject the count). */
static void kbparse_split(struct kbparse_ctx *c, const char *l, size_t ll)
{
	const char *p, *tab;

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
}

bool kbparse_next_row(struct kbparse_ctx *c, const char *buf, size_t len, size_t *pos)
{
	if (*pos == 0 && len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		*pos = 3;
	while (*pos < len) {
		const char *l = buf + *pos, *eol = memchr(l, '\n', len - *pos);
		size_t ll = eol ? (size_t)(eol - l) : len - *pos, k;

		*pos += ll + (eol != NULL);
		c->line++;
		if (ll && l[ll - 1] == '\r')
			ll--;
		for (k = 0; k < ll && (l[k] == ' ' || l[k] == '\t'); k++)
			;
		if (k == ll || l[k] == '#')
			continue;
		kbparse_split(c, l, ll);
		return true;
	}
	return false;
}
