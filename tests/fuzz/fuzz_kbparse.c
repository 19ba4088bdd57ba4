/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_kbparse.c - libFuzzer entry: arbitrary bytes as a local.kb merged into
 * the built-in table and indexed, as kb_load does (or, by the first byte, as
 * one kb/ .tsv file). Whatever is accepted must then look up consistently:
 * every row must be found by its own key, or lose only to a row the README
 * says wins (an exact port over a range, a longer prefix). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify/kb.h"
#include "classify/kb_int.h"
#include "classify/kbindex.h"
#include "classify/kbparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check(const struct kb *kb)
{
	size_t i;
	unsigned b;

	for (i = 0; kb_port_at(kb, i); i++) {
		const struct kb_port *r = kb_port_at(kb, i), *got;

		for (b = 0; b < 2; b++) {
			if (!(r->protos & (1u << b)))
				continue;
			got = kb_port_lookup(kb, r->dir, b ? 17 : 6, r->hi);
			if (!got || (got != r && (r->lo == r->hi || got->lo != got->hi)))
				abort();
		}
		if (kb_port_by_id(kb, r->id) != r)
			abort();
	}
	for (i = 0; kb_icmp_at(kb, i); i++) {
		const struct kb_icmp *r = kb_icmp_at(kb, i);

		if (r->code >= 0 && kb_icmp_lookup(kb, r->family, r->type, (uint8_t)r->code) != r)
			abort();
	}
	for (i = 0; kb_addr_at(kb, i); i++) {
		const struct kb_addr *r = kb_addr_at(kb, i), *got;

		got = kb_addr_lookup(kb, r->family, r->prefix);
		if (!got || got->plen < r->plen)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct kb *bt = &kb_builtin_table;
	const char *text = (const char *)data + 1;
	struct kbparse kp;
	struct kb kb;
	char err[256];
	unsigned sel;
	int rc;

	if (size == 0)
		return 0;
	sel = data[0] % 8;		/* 0-4: one .tsv table, else local.kb */
	size--;
	kbparse_init(&kp);
	/* ports need category names; a categories file starts empty */
	if (sel != KBPARSE_CATEGORIES &&
	    kbparse_add(&kp, KBPARSE_CATEGORIES, bt->cats, bt->ncats) < 0)
		goto out;
	if (sel < __KBPARSE_MAX) {
		rc = kbparse_file(&kp, (enum kbparse_table)sel, "f.tsv", text, size,
				  err, sizeof(err));
	} else {
		if (kbparse_add(&kp, KBPARSE_PORTS, bt->ports, bt->nports) < 0 ||
		    kbparse_add(&kp, KBPARSE_ICMP, bt->icmps, bt->nicmps) < 0 ||
		    kbparse_add(&kp, KBPARSE_ADDRESSES, bt->addrs, bt->naddrs) < 0 ||
		    kbparse_add(&kp, KBPARSE_TTL, bt->ttls, bt->nttls) < 0)
			goto out;
		rc = kbparse_local(&kp, "local.kb", text, size, err, sizeof(err));
	}
	if (rc < 0) {
		/* a rejection always names the file and a line */
		if (rc != -ENOMEM && strncmp(err, sel < __KBPARSE_MAX ? "f.tsv:" : "local.kb:",
					 sel < __KBPARSE_MAX ? 6 : 9) != 0)
			abort();
		goto out;
	}
	/* what the parser accepts the indexes must represent */
	rc = kbindex_build(&kb, &kp);
	if (rc == -EINVAL)
		abort();
	if (rc == 0) {
		fuzz_check(&kb);
		kbindex_free(&kb);
	}
out:
	kbparse_free(&kp);
	return 0;
}
