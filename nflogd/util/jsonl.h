/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jsonl.h - a bounded reader of JSON Lines from an untrusted peer: a line
 * reader with a fixed buffer, and a strict walker that checks one line is one
 * JSON object and hands each scalar leaf to a callback with its dotted path.
 *
 * Nothing is allocated per line: the line buffer is fixed when the reader is
 * made, and the walker works in a caller's struct jsonl_scratch (decoded
 * strings, the path). Limits, each an error of its own: line length
 * (JSONL_LINE_MAX), nesting depth, key and string length, UTF-8
 * well-formedness (raw and \u escapes, surrogate pairs), RFC 8259's grammar
 * (no trailing commas, no leading zeroes, nothing after the object).
 */
#ifndef NFLOGD_JSONL_H
#define NFLOGD_JSONL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSONL_LINE_MAX	65536	/* bytes of one line, newline excluded */
#define JSONL_DEPTH_MAX	16	/* nested objects and arrays */
#define JSONL_KEY_MAX	64	/* bytes of one decoded key */
#define JSONL_STR_MAX	4096	/* bytes of one decoded string value */
#define JSONL_PATH_MAX	(JSONL_DEPTH_MAX * (JSONL_KEY_MAX + 1))

/* Why a line was refused; jsonl_err_name() gives the counter's name. */
enum jsonl_err {
	JSONL_OK	= 0,
	JSONL_E_SYNTAX,		/* not JSON, or not one object */
	JSONL_E_DEPTH,		/* nested deeper than JSONL_DEPTH_MAX */
	JSONL_E_HUGE,		/* a key or string over its limit */
	JSONL_E_UTF8,		/* bytes or escapes that are not UTF-8 */
	JSONL_E_LONG,		/* a line over JSONL_LINE_MAX (the reader skips it) */
	JSONL_E_TYPE,		/* a known field of the wrong type (the callback) */
	JSONL_E_VALUE,		/* a known field with a value out of range (the callback) */
	JSONL_E_MISSING,	/* a required field is absent (the caller) */
	__JSONL_E_MAX,
};

enum jsonl_type {
	JSONL_STRING = 1,
	JSONL_NUMBER,		/* its text, as in the line */
	JSONL_TRUE,
	JSONL_FALSE,
	JSONL_NULL,
	JSONL_OBJECT,		/* leaf callback only for an empty one: no value */
	JSONL_ARRAY,		/* ... and an empty array */
};

/* One scalar: path is the keys from the top, joined by '.', NUL-terminated
 * ("nflog.alert.ports"); in_array says it is an element of an array (every
 * element gets its own call with the array's path). A string's val is
 * decoded (escapes resolved, valid UTF-8, may hold NUL: use len). Returns
 * JSONL_OK or an error that stops the walk and is the walk's result. */
struct jsonl_leaf {
	const char	*path;
	size_t		 path_len;
	enum jsonl_type	 type;
	const char	*val;
	size_t		 len;
	bool		 in_array;
};
typedef enum jsonl_err (*jsonl_leaf_fn)(const struct jsonl_leaf *leaf, void *arg);

struct jsonl_scratch {
	char	path[JSONL_PATH_MAX + 1];
	char	str[JSONL_STR_MAX + 1];
	char	key[JSONL_KEY_MAX + 1];
};

/*
 * jsonl_walk - check that line[0..len) is exactly one JSON object (blank
 * space around it allowed) and call fn for each leaf in order. JSONL_OK, or
 * the first error; err gets one line saying what and at which byte.
 */
enum jsonl_err jsonl_walk(const char *line, size_t len, struct jsonl_scratch *sc,
			  jsonl_leaf_fn fn, void *arg, char *err, size_t errlen);

const char *jsonl_err_name(enum jsonl_err e);

/* jsonl_int - a JSONL_NUMBER's text as an integer in [lo, hi]: no sign
 * unless lo < 0, no fraction, no exponent. */
bool jsonl_int(const struct jsonl_leaf *leaf, int64_t lo, int64_t hi, int64_t *out);

/* ---- the line reader ------------------------------------------------------ */

struct jsonl_reader {
	int	 fd;
	char	*buf;		/* JSONL_LINE_MAX + 1 bytes */
	size_t	 start, end;	/* unread bytes buf[start..end) */
	uint64_t line;		/* number of the last line returned, from 1 */
	bool	 eof;
	bool	 skipping;	/* inside a line that was too long */
};

/* jsonl_reader_init - a reader of fd (not closed by it). 0 or -ENOMEM. */
int jsonl_reader_init(struct jsonl_reader *r, int fd);
void jsonl_reader_fini(struct jsonl_reader *r);

/*
 * jsonl_next - the next line, without its newline (a last line without one
 * counts): JSONL_LINE and line and len set; 0 at the end; JSONL_TOO_LONG
 * once for a line over JSONL_LINE_MAX (the rest of it is skipped, the line
 * number counts it); a negative errno when read() failed. A NUL byte in a
 * line is left for the walker to refuse.
 */
#define JSONL_LINE	1
#define JSONL_TOO_LONG	2
int jsonl_next(struct jsonl_reader *r, const char **line, size_t *len);

#endif
