/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_services.c - libFuzzer entry: arbitrary bytes as a service-name list,
 * parsed by services_parse() (nflogd/classify/services.h). Oracles, abort()
 * on a miss:
 *   - the counts agree: entries listed = stats.entries <= the cap, a bad
 *     line exists iff first_bad names one, no line number past stats.lines;
 *   - every entry is well formed: a name of 1..SERVICES_NAME_MAX name bytes,
 *     a description of printable ASCII up to SERVICES_DESC_MAX, tcp or udp,
 *     and services_lookup() of its (proto, port) gives that very entry (so
 *     no port is listed twice);
 *   - a small entry cap (from the first byte) keeps exactly the first
 *     entries of the uncapped parse, and every (proto, port) a line names is
 *     still counted once: entries + duplicate + capped are the same;
 *   - the same bytes always give the same table.
 */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify/services.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_str(const char *s, size_t min, size_t max, int name)
{
	size_t n = strlen(s), i;

	if (n < min || n > max)
		abort();
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c > 0x7e || (name && (c == ' ' || c == '#')))
			abort();
	}
}

static void fuzz_check(const struct services *s)
{
	const struct services_stats *st = services_stats(s);
	const struct services_entry *e;
	size_t i;

	if (st->entries > SERVICES_ENTRIES_MAX || st->bad > st->lines ||
	    (st->bad != 0) != (st->first_bad != 0) || st->first_bad > st->lines)
		abort();
	for (i = 0; (e = services_at(s, i)); i++) {
		fuzz_check_str(e->name, 1, SERVICES_NAME_MAX, 1);
		fuzz_check_str(e->desc, 0, SERVICES_DESC_MAX, 0);
		if ((e->proto != IPPROTO_TCP && e->proto != IPPROTO_UDP) || e->line < 1 ||
		    e->line > st->lines || services_lookup(s, e->proto, e->port) != e)
			abort();
		if (i && e->line < services_at(s, i - 1)->line)
			abort();
	}
	if (i != st->entries)
		abort();
}

static size_t fuzz_attempts(const struct services_stats *st)
{
	return st->entries + st->duplicate + st->capped;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct services *s, *again, *capped;
	const struct services_entry *e, *f;
	size_t i, cap = size ? 1 + data[0] % 16 : 1;
	char err[256];

	s = services_parse(text, size, "fuzz", 0, err, sizeof(err));
	again = services_parse(text, size, "fuzz", 0, err, sizeof(err));
	capped = services_parse(text, size, "fuzz", cap, err, sizeof(err));
	if (!s || !again || !capped)
		abort();	/* only out of memory, which these sizes never are */
	fuzz_check(s);
	fuzz_check(capped);
	if (memcmp(services_stats(s), services_stats(again), sizeof(struct services_stats)) ||
	    services_kind(s) != services_kind(again))
		abort();
	for (i = 0; (e = services_at(s, i)); i++) {
		f = services_at(again, i);
		if (!f || strcmp(e->name, f->name) || strcmp(e->desc, f->desc) ||
		    e->port != f->port || e->proto != f->proto || e->line != f->line)
			abort();
		f = services_at(capped, i);
		if (i < cap && (!f || strcmp(e->name, f->name) || e->port != f->port ||
				e->proto != f->proto))
			abort();
	}
	if (services_stats(capped)->entries != (services_stats(s)->entries < cap ?
						services_stats(s)->entries : cap) ||
	    fuzz_attempts(services_stats(capped)) != fuzz_attempts(services_stats(s)))
		abort();
	services_free(s);
	services_free(again);
	services_free(capped);
	return 0;
}
