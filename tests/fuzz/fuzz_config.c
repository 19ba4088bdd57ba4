/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_config.c - libFuzzer entry: arbitrary bytes as an nflogd.conf, parsed
 * by config_parse() (nflogd/daemon/config.h). Oracles, abort() on a miss:
 *   - refused: the message names the file and a line that exists
 *     ("fuzz.conf:N: ..." with 1 <= N <= lines, or the size limit);
 *   - accepted: every item's key has a name, its value passes config_check()
 *     again, lies inside the parser's copy, has no '\n' and no blank at
 *     either end; no key (and corr.KEY) appears twice; config_find() finds
 *     each item; the same bytes always give the same answer.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_err(const char *err, const uint8_t *data, size_t size)
{
	unsigned long line, lines = 1;
	char *end;
	size_t i;

	if (strncmp(err, "fuzz.conf", 9) != 0)
		abort();
	if (size > CONFIG_MAX_BYTES || strncmp(err, "fuzz.conf: out of memory", 24) == 0)
		return;
	if (err[9] != ':')
		abort();
	line = strtoul(err + 10, &end, 10);
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (end == err + 10 || *end != ':' || line < 1 || line > lines)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024], err2[1024], why[1024];
	struct config *c = NULL, *c2 = NULL;
	size_t i, j;
	int rc, rc2;

	rc = config_parse((const char *)data, size, "fuzz.conf", &c, err, sizeof(err));
	rc2 = config_parse((const char *)data, size, "fuzz.conf", &c2, err2, sizeof(err2));
	if (rc != rc2 || (rc < 0 && strcmp(err, err2) != 0))
		abort();
	if (rc < 0) {
		if (c || c2)
			abort();
		fuzz_check_err(err, data, size);
		return 0;
	}
	if (!c || !c2 || c->n != c2->n)
		abort();
	for (i = 0; i < c->n; i++) {
		const struct config_item *it = &c->items[i];
		size_t vlen = strlen(it->value);

		if (!config_key_name(it->key) || (it->key == CONFIG_CORR) != (it->sub != NULL))
			abort();
		if (config_check(it->key, it->sub, it->value, NULL, why, sizeof(why)) != 0)
			abort();
		if (it->value < c->text || it->value + vlen > c->text + size || !vlen ||
		    strchr(it->value, '\n') || it->value[0] == ' ' || it->value[vlen - 1] == ' ')
			abort();
		if (config_find(c, it->key, it->sub) != it)
			abort();
		for (j = 0; j < i; j++)
			if (c->items[j].key == it->key &&
			    (it->key != CONFIG_CORR || strcmp(c->items[j].sub, it->sub) == 0))
				abort();
		if (strcmp(it->value, c2->items[i].value) != 0 || it->line != c2->items[i].line)
			abort();
	}
	config_free(c);
	config_free(c2);
	return 0;
}
