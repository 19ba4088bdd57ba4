/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_ctlconf.c - libFuzzer entry: arbitrary bytes as an nflogctl.conf, parsed
 * by ctlconf_parse() (nflogd/ctl/ctlconf.h). Oracles, abort() on a miss:
 *   - refused: the message names the file, and a line that exists;
 *   - accepted: every value is non-empty, shorter than CTLCONF_VALUE_MAX, has
 *     no '\n' and no blank at either end and lies in the parser's copy; geoip
 *     none never beside a file; the same bytes give the same answer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctlconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_value(const struct ctlconf *c, const char *v, size_t size)
{
	size_t n;

	if (!v)
		return;
	n = strlen(v);
	if (!n || n >= CTLCONF_VALUE_MAX || v < c->buf || v + n > c->buf + size ||
	    strchr(v, '\n') || v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t')
		abort();
}

static void fuzz_check_err(const char *err, const uint8_t *data, size_t size)
{
	unsigned long line, lines = 1;
	char *end;
	size_t i;

	if (strncmp(err, "fuzz.conf:", 10) != 0)
		abort();
	if (!strncmp(err, "fuzz.conf: a NUL byte", 21) || !strncmp(err, "fuzz.conf: out of", 17))
		return;
	line = strtoul(err + 10, &end, 10);
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (end == err + 10 || *end != ':' || line < 1 || line > lines)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctlconf c, c2;
	char err[1024], err2[1024];
	int rc = ctlconf_parse((const char *)data, size, "fuzz.conf", &c, err, sizeof(err));
	int rc2 = ctlconf_parse((const char *)data, size, "fuzz.conf", &c2, err2, sizeof(err2));
	size_t i;

	if (rc != rc2 || (rc < 0 && strcmp(err, err2) != 0))
		abort();
	if (rc < 0) {
		if (c.buf || c2.buf)
			abort();
		fuzz_check_err(err, data, size);
		return 0;
	}
	fuzz_check_value(&c, c.ring, size);
	fuzz_check_value(&c, c.local_kb, size);
	fuzz_check_value(&c, c.services, size);
	if (c.ngeoip > GEOIP_FILES_MAX || (c.geoip_none && c.ngeoip) || c.ngeoip != c2.ngeoip)
		abort();
	for (i = 0; i < c.ngeoip; i++) {
		fuzz_check_value(&c, c.geoip[i], size);
		if (strcmp(c.geoip[i], c2.geoip[i]) != 0)
			abort();
	}
	ctlconf_free(&c);
	ctlconf_free(&c2);
	return 0;
}
