/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_recfilter.c - libFuzzer entry: arbitrary bytes as the filter options
 * of `nflogctl read` and `alerts` (recfilter_add()), then as a ring record to
 * match (recfilter_match(), nflogd/report/recfilter.h).
 *
 * The input is split at NUL bytes into up to 8 words, each in its own
 * exact-size allocation so that ASan sees any read past a word's end; a
 * word's first byte picks the key, the rest is the value. Bytes after the
 * eighth NUL are the record (zero-padded), the kind byte forced to a drop or
 * an alert by its low bit. abort() when:
 *   - a refusal has no reason, one with a control byte (the value is quoted
 *     in it: a newline or escape must not reach the terminal), or one that
 *     does not start with the option's name; a refusal that sets a key's bit;
 *   - an acceptance leaves the key's bit clear;
 *   - an empty filter rejects a record;
 *   - the same values added twice (a repeat is "any of them") answer
 *     differently from once, or the same filter answers differently twice.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify/kb.h"
#include "report/recfilter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_WORDS	8

static void fuzz_add(struct recfilter *f, struct recfilter *twice, const uint8_t *w, size_t len)
{
	enum recfilter_key key = (enum recfilter_key)(w[0] % (__RECFILTER_KEYS + 1));
	char err[256] = "", *value = malloc(len);
	const char *opt = recfilter_key_option(key);
	uint32_t before = f->keys;
	int rc;

	if (!value)
		abort();
	memcpy(value, w + 1, len - 1);
	value[len - 1] = '\0';
	rc = recfilter_add(f, key, value, err, sizeof(err));
	if (rc < 0) {
		size_t i;

		if (!err[0] || (opt && (strncmp(err, opt, strlen(opt)) || f->keys != before)))
			abort();
		for (i = 0; err[i]; i++)
			if ((unsigned char)err[i] < 0x20 || err[i] == 0x7f)
				abort();
	} else {
		if (!opt || !(f->keys & 1u << key) || rc != 0)
			abort();
		/* The same value twice; past the cap, the second may be refused. */
		if (recfilter_add(twice, key, value, NULL, 0) == 0)
			(void)recfilter_add(twice, key, value, NULL, 0);
	}
	free(value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct kb *kb = kb_builtin();
	struct recfilter f, twice, none;
	struct ring_rec r;
	size_t off = 0, words = 0;
	bool m;

	recfilter_init(&f, kb);
	recfilter_init(&twice, kb);
	recfilter_init(&none, kb);
	while (off < size && words < FUZZ_WORDS) {
		const uint8_t *nul = memchr(data + off, 0, size - off);
		size_t len = nul ? (size_t)(nul - (data + off)) : size - off;
		uint8_t *w = malloc(len + 1);

		if (!w)
			abort();
		memcpy(w, data + off, len);
		w[len] = 0;
		if (len)
			fuzz_add(&f, &twice, w, len + 1);
		free(w);
		off += len + 1;
		words++;
	}
	memset(&r, 0, sizeof(r));
	if (off < size)
		memcpy(&r, data + off, size - off < sizeof(r) ? size - off : sizeof(r));
	r.kind = (r.kind & 1) ? RING_KIND_ALERT : RING_KIND_DROP;
	if (!recfilter_match(&none, &r))
		abort();
	m = recfilter_match(&f, &r);
	if (m != recfilter_match(&f, &r))
		abort();
	/* Only when no value hit the cap in twice (then it holds all of f's). */
	if (twice.keys == f.keys && twice.nsrc == 2 * f.nsrc && twice.ndst == 2 * f.ndst &&
	    twice.nport == 2 * f.nport && twice.nsport == 2 * f.nsport &&
	    recfilter_match(&twice, &r) != m)
		abort();
	return 0;
}
