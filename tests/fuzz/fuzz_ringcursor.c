/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_ringcursor.c - libFuzzer entry: arbitrary bytes as a cursor file, parsed
 * by ringcursor_parse() (nflogd/ring/ringcursor.h). Oracles, abort() on a miss:
 *   - refused: a one-line reason;
 *   - accepted: 1..RING_SEG_MAX segments, a power-of-two slot count, and
 *     ringcursor_format() gives back exactly the input bytes (the format has
 *     one spelling per cursor, so anything else accepted would be a parser
 *     that reads more than it should); the same bytes give the same answer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ring/ringcursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ringcursor c, d;
	static char out[RINGCURSOR_MAX_BYTES];
	char err[256] = "", err2[256] = "";
	int rc, rc2, n;

	rc = ringcursor_parse((const char *)data, size, &c, err, sizeof(err));
	rc2 = ringcursor_parse((const char *)data, size, &d, err2, sizeof(err2));
	if (rc != rc2 || strcmp(err, err2) != 0)
		abort();
	if (rc < 0) {
		if (!err[0] || strchr(err, '\n'))
			abort();
		return 0;
	}
	if (c.nsegs < 1 || c.nsegs > RING_SEG_MAX || c.slots < 16 || (c.slots & (c.slots - 1)))
		abort();
	n = ringcursor_format(out, sizeof(out), &c);
	if (n < 0 || (size_t)n != size || memcmp(out, data, size) != 0)
		abort();
	return 0;
}
