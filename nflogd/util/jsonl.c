/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jsonl.c - a bounded, strict JSON object walker and a fixed-buffer line
 * reader, for JSON Lines from an untrusted collector (jsonl.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/errbuf.h"
#include "util/jsonl.h"
#include "util/utf8.h"

struct jsonl_walk {
	const unsigned char *p, *end, *start;
	struct jsonl_scratch *sc;
	size_t	 path_len;
	jsonl_leaf_fn fn;
	void	*arg;
	char	*err;
	size_t	 errlen;
};

static const char *const jsonl_err_names[__JSONL_E_MAX] = {
	[JSONL_OK] = "ok",
	[JSONL_E_SYNTAX] = "bad_json",
	[JSONL_E_DEPTH] = "too_deep",
	[JSONL_E_HUGE] = "field_too_long",
	[JSONL_E_UTF8] = "bad_utf8",
	[JSONL_E_LONG] = "line_too_long",
	[JSONL_E_TYPE] = "wrong_type",
	[JSONL_E_VALUE] = "bad_value",
	[JSONL_E_MISSING] = "missing_field",
};

const char *jsonl_err_name(enum jsonl_err e)
{
	return (unsigned)e < __JSONL_E_MAX ? jsonl_err_names[e] : "unknown";
}

static enum jsonl_err jsonl_fail(struct jsonl_walk *w, enum jsonl_err e, const char *what)
{
	errbuf_set(w->err, w->errlen, "%s at byte %zu", what, (size_t)(w->p - w->start));
	return e;
}

static void jsonl_ws(struct jsonl_walk *w)
{
	while (w->p < w->end && (*w->p == ' ' || *w->p == '\t' || *w->p == '\r' || *w->p == '\n'))
		w->p++;
}

static int jsonl_hex4(const unsigned char *p)
{
	int v = 0, i;

	for (i = 0; i < 4; i++) {
		unsigned char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v |= (c | 0x20) - 'a' + 10;
		else
			return -1;
	}
	return v;
}

static size_t jsonl_put_cp(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A \u escape at w->p (past the backslash and 'u'), a surrogate pair whole. */
static enum jsonl_err jsonl_uescape(struct jsonl_walk *w, uint32_t *cp)
{
	int hi, lo;

	if (w->end - w->p < 4 || (hi = jsonl_hex4(w->p)) < 0)
		return jsonl_fail(w, JSONL_E_SYNTAX, "bad \\u escape");
	w->p += 4;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return jsonl_fail(w, JSONL_E_UTF8, "lone low surrogate");
	if (hi < 0xd800 || hi > 0xdbff) {
		*cp = (uint32_t)hi;
		return JSONL_OK;
	}
	if (w->end - w->p < 6 || w->p[0] != '\\' || w->p[1] != 'u' ||
	    (lo = jsonl_hex4(w->p + 2)) < 0xdc00 || lo > 0xdfff)
		return jsonl_fail(w, JSONL_E_UTF8, "high surrogate without its low half");
	w->p += 6;
	*cp = 0x10000 + ((uint32_t)(hi - 0xd800) << 10) + (uint32_t)(lo - 0xdc00);
	return JSONL_OK;
}

/* A string at w->p (on its opening quote), decoded into out[0..max]. */
static enum jsonl_err jsonl_string(struct jsonl_walk *w, char *out, size_t max, size_t *len)
{
	static const char esc_in[] = "\"\\/bfnrt", esc_out[] = "\"\\/\b\f\n\r\t";
	size_t n = 0, k;
	enum jsonl_err e;

	w->p++;
	for (;;) {
		char tmp[4];
		const char *src = tmp;
		uint32_t cp;

		if (w->p >= w->end)
			return jsonl_fail(w, JSONL_E_SYNTAX, "unterminated string");
		if (*w->p == '"')
			break;
		if (*w->p >= 0x20 && *w->p < 0x80 && *w->p != '\\') {
			/* A run of plain ASCII, most of every line: copied at once. */
			const unsigned char *q = w->p;

			while (q < w->end && *q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\')
				q++;
			k = (size_t)(q - w->p);
			if (n + k > max)
				return jsonl_fail(w, JSONL_E_HUGE, "string too long");
			memcpy(out + n, w->p, k);
			n += k;
			w->p = q;
			continue;
		}
		if (*w->p < 0x20)
			return jsonl_fail(w, JSONL_E_SYNTAX, "control character in string");
		if (*w->p == '\\') {
			const char *c;

			if (w->end - w->p < 2)
				return jsonl_fail(w, JSONL_E_SYNTAX, "unterminated string");
			w->p++;
			if (*w->p == 'u') {
				w->p++;
				if ((e = jsonl_uescape(w, &cp)) != JSONL_OK)
					return e;
				k = jsonl_put_cp(tmp, cp);
			} else if (*w->p && (c = strchr(esc_in, *w->p)) != NULL) {
				tmp[0] = esc_out[c - esc_in];
				k = 1;
				w->p++;
			} else {
				return jsonl_fail(w, JSONL_E_SYNTAX, "bad escape");
			}
		} else {
			k = utf8_seq_len(w->p, (size_t)(w->end - w->p), NULL);
			if (!k)
				return jsonl_fail(w, JSONL_E_UTF8, "invalid UTF-8 in string");
			src = (const char *)w->p;
			w->p += k;
		}
		if (n + k > max)
			return jsonl_fail(w, JSONL_E_HUGE, "string too long");
		memcpy(out + n, src, k);
		n += k;
	}
	w->p++;
	out[n] = '\0';
	*len = n;
	return JSONL_OK;
}

/* A number per RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static enum jsonl_err jsonl_number(struct jsonl_walk *w)
{
	const unsigned char *q = w->p;

#define JSONL_DIGIT(x) ((x) < w->end && *(x) >= '0' && *(x) <= '9')
	if (q < w->end && *q == '-')
		q++;
	if (!JSONL_DIGIT(q))
		return jsonl_fail(w, JSONL_E_SYNTAX, "bad value");
	if (*q == '0')
		q++;
	else
		while (JSONL_DIGIT(q))
			q++;
	if (q < w->end && *q == '.') {
		if (!JSONL_DIGIT(++q))
			return jsonl_fail(w, JSONL_E_SYNTAX, "bad number");
		while (JSONL_DIGIT(q))
			q++;
	}
	if (q < w->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < w->end && (*q == '+' || *q == '-'))
			q++;
		if (!JSONL_DIGIT(q))
			return jsonl_fail(w, JSONL_E_SYNTAX, "bad number");
		while (JSONL_DIGIT(q))
			q++;
	}
#undef JSONL_DIGIT
	if (q - w->p > 64)
		return jsonl_fail(w, JSONL_E_HUGE, "number too long");
	w->p = q;
	return JSONL_OK;
}

static enum jsonl_err jsonl_emit(struct jsonl_walk *w, enum jsonl_type t, const char *v,
				 size_t len, bool in_array)
{
	struct jsonl_leaf leaf = { .path = w->sc->path, .path_len = w->path_len, .type = t,
				   .val = v, .len = len, .in_array = in_array };
	enum jsonl_err e = w->fn(&leaf, w->arg);

	if (e != JSONL_OK && w->err && !w->err[0])
		errbuf_set(w->err, w->errlen, "field %s: %s", w->sc->path, jsonl_err_name(e));
	return e;
}

static enum jsonl_err jsonl_value(struct jsonl_walk *w, unsigned depth, bool in_array);

static enum jsonl_err jsonl_object(struct jsonl_walk *w, unsigned depth)
{
	size_t base = w->path_len, klen;
	enum jsonl_err e;
	bool any = false;

	w->p++;
	for (;;) {
		jsonl_ws(w);
		if (w->p < w->end && *w->p == '}' && !any) {
			w->p++;
			return depth > 1 ? jsonl_emit(w, JSONL_OBJECT, NULL, 0, false) : JSONL_OK;
		}
		if (w->p >= w->end || *w->p != '"')
			return jsonl_fail(w, JSONL_E_SYNTAX, "expected a key");
		if ((e = jsonl_string(w, w->sc->key, JSONL_KEY_MAX, &klen)) != JSONL_OK)
			return e == JSONL_E_HUGE ? jsonl_fail(w, e, "key too long") : e;
		if (memchr(w->sc->key, '\0', klen) || memchr(w->sc->key, '.', klen))
			return jsonl_fail(w, JSONL_E_SYNTAX, "key with NUL or '.'");
		w->sc->path[base] = '.';
		memcpy(w->sc->path + base + (base ? 1 : 0), w->sc->key, klen + 1);
		w->path_len = base + (base ? 1 : 0) + klen;
		jsonl_ws(w);
		if (w->p >= w->end || *w->p != ':')
			return jsonl_fail(w, JSONL_E_SYNTAX, "expected ':'");
		w->p++;
		if ((e = jsonl_value(w, depth, false)) != JSONL_OK)
			return e;
		w->path_len = base;
		w->sc->path[base] = '\0';
		any = true;
		jsonl_ws(w);
		if (w->p < w->end && *w->p == ',') {
			w->p++;
			continue;
		}
		if (w->p < w->end && *w->p == '}') {
			w->p++;
			return JSONL_OK;
		}
		return jsonl_fail(w, JSONL_E_SYNTAX, "expected ',' or '}'");
	}
}

static enum jsonl_err jsonl_array(struct jsonl_walk *w, unsigned depth)
{
	enum jsonl_err e;

	w->p++;
	jsonl_ws(w);
	if (w->p < w->end && *w->p == ']') {
		w->p++;
		return jsonl_emit(w, JSONL_ARRAY, NULL, 0, false);
	}
	for (;;) {
		if ((e = jsonl_value(w, depth, true)) != JSONL_OK)
			return e;
		jsonl_ws(w);
		if (w->p < w->end && *w->p == ',') {
			w->p++;
			continue;
		}
		if (w->p < w->end && *w->p == ']') {
			w->p++;
			return JSONL_OK;
		}
		return jsonl_fail(w, JSONL_E_SYNTAX, "expected ',' or ']'");
	}
}

static bool jsonl_word(struct jsonl_walk *w, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(w->end - w->p) < n || memcmp(w->p, word, n))
		return false;
	w->p += n;
	return true;
}

static enum jsonl_err jsonl_value(struct jsonl_walk *w, unsigned depth, bool in_array)
{
	const unsigned char *v;
	enum jsonl_err e;
	size_t len;

	jsonl_ws(w);
	if (w->p >= w->end)
		return jsonl_fail(w, JSONL_E_SYNTAX, "expected a value");
	switch (*w->p) {
	case '{':
	case '[':
		if (depth + 1 > JSONL_DEPTH_MAX)
			return jsonl_fail(w, JSONL_E_DEPTH, "nested too deep");
		return *w->p == '{' ? jsonl_object(w, depth + 1) : jsonl_array(w, depth + 1);
	case '"':
		if ((e = jsonl_string(w, w->sc->str, JSONL_STR_MAX, &len)) != JSONL_OK)
			return e;
		return jsonl_emit(w, JSONL_STRING, w->sc->str, len, in_array);
	case 't':
		if (jsonl_word(w, "true"))
			return jsonl_emit(w, JSONL_TRUE, NULL, 0, in_array);
		break;
	case 'f':
		if (jsonl_word(w, "false"))
			return jsonl_emit(w, JSONL_FALSE, NULL, 0, in_array);
		break;
	case 'n':
		if (jsonl_word(w, "null"))
			return jsonl_emit(w, JSONL_NULL, NULL, 0, in_array);
		break;
	default:
		v = w->p;
		if ((e = jsonl_number(w)) != JSONL_OK)
			return e;
		return jsonl_emit(w, JSONL_NUMBER, (const char *)v, (size_t)(w->p - v), in_array);
	}
	return jsonl_fail(w, JSONL_E_SYNTAX, "bad value");
}

enum jsonl_err jsonl_walk(const char *line, size_t len, struct jsonl_scratch *sc,
			  jsonl_leaf_fn fn, void *arg, char *err, size_t errlen)
{
	struct jsonl_walk w = { .p = (const unsigned char *)line,
				.end = (const unsigned char *)line + len,
				.start = (const unsigned char *)line, .sc = sc, .fn = fn,
				.arg = arg, .err = err, .errlen = errlen };
	enum jsonl_err e;

	if (err && errlen)
		err[0] = '\0';
	sc->path[0] = '\0';
	jsonl_ws(&w);
	if (w.p >= w.end || *w.p != '{')
		return jsonl_fail(&w, JSONL_E_SYNTAX, "not a JSON object");
	if ((e = jsonl_object(&w, 1)) != JSONL_OK)
		return e;
	jsonl_ws(&w);
	if (w.p != w.end)
		return jsonl_fail(&w, JSONL_E_SYNTAX, "text after the object");
	return JSONL_OK;
}

bool jsonl_int(const struct jsonl_leaf *leaf, int64_t lo, int64_t hi, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	uint64_t v = 0;

	if (leaf->type != JSONL_NUMBER || !leaf->len)
		return false;
	if (leaf->val[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == leaf->len)
		return false;
	for (; i < leaf->len; i++) {
		unsigned d = (unsigned char)leaf->val[i] - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;	/* fraction, exponent, or past 64 bits */
		v = v * 10 + d;
	}
	if (v > (uint64_t)INT64_MAX)
		return false;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return *out >= lo && *out <= hi;
}

/* ---- the line reader ------------------------------------------------------ */

int jsonl_reader_init(struct jsonl_reader *r, int fd)
{
	*r = (struct jsonl_reader){ .fd = fd };
	r->buf = malloc(JSONL_LINE_MAX + 1);
	return r->buf ? 0 : -ENOMEM;
}

void jsonl_reader_fini(struct jsonl_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Move what is unread to the front and read more; 0 at EOF, <0 -errno. */
static ssize_t jsonl_fill(struct jsonl_reader *r)
{
	ssize_t n;

	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	do
		n = read(r->fd, r->buf + r->end, JSONL_LINE_MAX + 1 - r->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		r->eof = true;
	r->end += (size_t)n;
	return n;
}

int jsonl_next(struct jsonl_reader *r, const char **line, size_t *len)
{
	size_t scanned = 0;

	for (;;) {
		char *nl = memchr(r->buf + r->start + scanned, '\n',
				  r->end - r->start - scanned);
		ssize_t n;

		if (nl) {
			size_t l = (size_t)(nl - (r->buf + r->start));
			bool skipped = r->skipping;

			*line = r->buf + r->start;
			*len = l;
			r->start += l + 1;
			r->skipping = false;
			if (skipped) {
				scanned = 0;
				continue;	/* the tail of a long line, reported already */
			}
			r->line++;
			return JSONL_LINE;
		}
		scanned = r->end - r->start;
		if (r->eof) {
			if (!scanned || r->skipping) {
				r->start = r->end;
				r->skipping = false;
				return 0;
			}
			*line = r->buf + r->start;
			*len = scanned;
			r->start = r->end;
			r->line++;
			return JSONL_LINE;
		}
		if (r->skipping) {
			r->start = r->end = 0;	/* more of the long line: drop it */
			scanned = 0;
		} else if (scanned > JSONL_LINE_MAX) {
			/* A full buffer and no newline: drop it and the line's rest. */
			r->start = r->end = 0;
			r->skipping = true;
			r->line++;
			return JSONL_TOO_LONG;
		}
		if ((n = jsonl_fill(r)) < 0)
			return (int)n;
	}
}
