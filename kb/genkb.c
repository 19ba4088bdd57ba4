/* SPDX-License-Identifier: GPL-2.0-or-later */
/* genkb.c - build-time generator: validate the kb/ .tsv files, emit build/kb_data.c.
 *
 * Usage: genkb KBDIR OUT.c
 *
 * Reads KBDIR/{categories,ports,icmp,addresses,ttl}.tsv with the daemon's own
 * parser (nflogd/classify/kbparse*.c), so anything the build accepts the daemon reads
 * the same way; builds the indexes with nflogd/classify/kbindex.c (perfect hash,
 * range lists, ...) and prints the finished struct kb (kb_int.h) as
 * static const C arrays, so the daemon does no work at start for the
 * built-in table. On a bad row it prints "file:line: reason" and exits 1,
 * which fails the build. OUT.c is written to a temporary name and renamed,
 * so a failed run never leaves a half-written file that make would trust.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/kb_int.h"
#include "classify/kbindex.h"
#include "classify/kbparse.h"

#define GENKB_PER_LINE	8	/* numbers per line in the emitted arrays */

/* Read all of path into a malloc'd buffer. 0 or -errno. */
static int genkb_slurp(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 65536, n = 0, got;
	char *p = NULL, *q;
	int rc = 0;

	if (!f)
		return -errno;
	for (;;) {
		if (!p || n == cap) {
			cap = p ? cap * 2 : cap;
			q = realloc(p, cap);
			if (!q) {
				rc = -ENOMEM;
				break;
			}
			p = q;
		}
		got = fread(p + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				rc = -EIO;
			break;
		}
	}
	fclose(f);
	if (rc < 0) {
		free(p);
		return rc;
	}
	*buf = p;
	*len = n;
	return 0;
}

/* --- C emission ------------------------------------------------------ */

/* A C string literal for s. Bytes outside printable ASCII become 3-digit
 * octal escapes (a following digit cannot extend them); '?' is escaped so
 * that no trigraph can form under -std=c11. */
static void genkb_str(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\' || *p == '?')
			fprintf(out, "\\%c", *p);
		else if (*p >= 0x20 && *p < 0x7f)
			fputc(*p, out);
		else
			fprintf(out, "\\%03o", *p);
	}
	fputc('"', out);
}

static void genkb_u16s(FILE *out, const char *name, const uint16_t *v, size_t n)
{
	size_t i;

	fprintf(out, "static const uint16_t %s[%zu] = {", name, n);
	for (i = 0; i < n; i++)
		fprintf(out, "%s%u,", i % GENKB_PER_LINE ? " " : "\n\t", v[i]);
	fprintf(out, "\n};\n\n");
}

static void genkb_u32s(FILE *out, const char *name, const uint32_t *v, size_t n)
{
	size_t i;

	fprintf(out, "static const uint32_t %s[%zu] = {", name, n);
	for (i = 0; i < n; i++)
		fprintf(out, "%s%lu,", i % GENKB_PER_LINE ? " " : "\n\t", (unsigned long)v[i]);
	fprintf(out, "\n};\n\n");
}

static void genkb_rows(FILE *out, const struct kb *kb)
{
	size_t i, k;

	fprintf(out, "static const struct kb_category kb_cats[%zu] = {\n", kb->ncats);
	for (i = 0; i < kb->ncats; i++) {
		fprintf(out, "\t{ .id = %u, .name = ", kb->cats[i].id);
		genkb_str(out, kb->cats[i].name);
		fprintf(out, ",\n\t  .summary = ");
		genkb_str(out, kb->cats[i].summary);
		fprintf(out, " },\n");
	}
	fprintf(out, "};\n\n");

	fprintf(out, "static const struct kb_port kb_ports[%zu] = {\n", kb->nports);
	for (i = 0; i < kb->nports; i++) {
		const struct kb_port *r = &kb->ports[i];

		fprintf(out, "\t{ .id = %u, .protos = %u, .dir = %u, .lo = %u, .hi = %u,"
			" .category = %u, .verdict = %u,\n\t  .service = ",
			r->id, r->protos, r->dir, r->lo, r->hi, r->category, r->verdict);
		genkb_str(out, r->service);
		fprintf(out, ", .source = ");
		genkb_str(out, r->source);
		fprintf(out, ",\n\t  .summary = ");
		genkb_str(out, r->summary);
		fprintf(out, ",\n\t  .explain = ");
		genkb_str(out, r->explain);
		fprintf(out, " },\n");
	}
	fprintf(out, "};\n\n");

	fprintf(out, "static const struct kb_icmp kb_icmps[%zu] = {\n", kb->nicmps);
	for (i = 0; i < kb->nicmps; i++) {
		const struct kb_icmp *r = &kb->icmps[i];

		fprintf(out, "\t{ .id = %u, .family = %u, .type = %u, .code = %d,"
			" .verdict = %u,\n\t  .name = ",
			r->id, r->family, r->type, r->code, r->verdict);
		genkb_str(out, r->name);
		fprintf(out, ", .source = ");
		genkb_str(out, r->source);
		fprintf(out, ",\n\t  .summary = ");
		genkb_str(out, r->summary);
		fprintf(out, ",\n\t  .explain = ");
		genkb_str(out, r->explain);
		fprintf(out, " },\n");
	}
	fprintf(out, "};\n\n");

	fprintf(out, "static const struct kb_addr kb_addrs[%zu] = {\n", kb->naddrs);
	for (i = 0; i < kb->naddrs; i++) {
		const struct kb_addr *r = &kb->addrs[i];

		fprintf(out, "\t{ .id = %u, .family = %u, .plen = %u, .verdict = %u,\n"
			"\t  .prefix = {", r->id, r->family, r->plen, r->verdict);
		for (k = 0; k < sizeof(r->prefix); k++)
			fprintf(out, "%s%u", k ? ", " : " ", r->prefix[k]);
		fprintf(out, " },\n\t  .cls = ");
		genkb_str(out, r->cls);
		fprintf(out, ", .source = ");
		genkb_str(out, r->source);
		fprintf(out, ",\n\t  .summary = ");
		genkb_str(out, r->summary);
		fprintf(out, ",\n\t  .explain = ");
		genkb_str(out, r->explain);
		fprintf(out, " },\n");
	}
	fprintf(out, "};\n\n");

	fprintf(out, "static const struct kb_ttl kb_ttls[%zu] = {\n", kb->nttls);
	for (i = 0; i < kb->nttls; i++) {
		const struct kb_ttl *r = &kb->ttls[i];

		fprintf(out, "\t{ .id = %u, .initial = %u, .os = ", r->id, r->initial);
		genkb_str(out, r->os);
		fprintf(out, ", .source = ");
		genkb_str(out, r->source);
		fprintf(out, ",\n\t  .summary = ");
		genkb_str(out, r->summary);
		fprintf(out, " },\n");
	}
	fprintf(out, "};\n\n");
}

/* The index arrays; an empty one still gets one (unused) element, since C
 * has no empty arrays. */
static void genkb_index(FILE *out, const struct kb *kb)
{
	size_t i, n;

	n = phf_nslots(&kb->phf);
	genkb_u16s(out, "kb_phf_pilots", kb->phf.pilots, kb->phf.nbuckets);
	fprintf(out, "static const struct phf_slot kb_phf_slots[%zu] = {", n);
	for (i = 0; i < n; i++)
		fprintf(out, "%s{ 0x%05lx, %u },", i % 4 ? " " : "\n\t",
			(unsigned long)kb->phf.slots[i].key, kb->phf.slots[i].val);
	fprintf(out, "\n};\n\n");

	n = kb->range_off[4];
	fprintf(out, "static const struct kb_range kb_ranges[%zu] = {", n ? n : 1);
	for (i = 0; i < n; i++)
		fprintf(out, "\n\t{ .lo = %u, .hi = %u, .row = %u },",
			kb->ranges[i].lo, kb->ranges[i].hi, kb->ranges[i].row);
	fprintf(out, "%s\n};\n\n", n ? "" : "\n\t{ .row = KB_NOROW },");

	genkb_u16s(out, "kb_port_block", kb->port_block, KB_PORT_BLOCKS);
	genkb_u16s(out, "kb_icmp_star", kb->icmp_star, 512);
	genkb_u16s(out, "kb_icmp_off", kb->icmp_off, 513);
	n = kb->icmp_off[512];
	fprintf(out, "static const struct kb_code kb_icmp_codes[%zu] = {", n ? n : 1);
	for (i = 0; i < n; i++)
		fprintf(out, "%s{ .code = %u, .row = %u },", i % 4 ? " " : "\n\t",
			kb->icmp_codes[i].code, kb->icmp_codes[i].row);
	fprintf(out, "%s\n};\n\n", n ? "" : "\n\t{ .row = KB_NOROW },");

	genkb_u32s(out, "kb_net4_off", kb->net4_off, 257);
	n = kb->net4_off[256];
	fprintf(out, "static const struct kb_net4 kb_net4[%zu] = {", n ? n : 1);
	for (i = 0; i < n; i++)
		fprintf(out, "\n\t{ .net = 0x%08lx, .mask = 0x%08lx, .row = %u },",
			(unsigned long)kb->net4[i].net, (unsigned long)kb->net4[i].mask,
			kb->net4[i].row);
	fprintf(out, "%s\n};\n\n", n ? "" : "\n\t{ .row = KB_NOROW },");

	n = kb->nnet6;
	fprintf(out, "static const struct kb_net6 kb_net6[%zu] = {", n ? n : 1);
	for (i = 0; i < n; i++)
		fprintf(out, "\n\t{ .net = { UINT64_C(0x%016llx), UINT64_C(0x%016llx) },"
			"\n\t  .mask = { UINT64_C(0x%016llx), UINT64_C(0x%016llx) }, .row = %u },",
			(unsigned long long)kb->net6[i].net[0],
			(unsigned long long)kb->net6[i].net[1],
			(unsigned long long)kb->net6[i].mask[0],
			(unsigned long long)kb->net6[i].mask[1], kb->net6[i].row);
	fprintf(out, "%s\n};\n\n", n ? "" : "\n\t{ .row = KB_NOROW },");

	genkb_u16s(out, "kb_ttl_row", kb->ttl_row, 256);
}

static void genkb_table(FILE *out, const struct kb *kb)
{
	fprintf(out,
		"const struct kb kb_builtin_table = {\n"
		"\t.cats = kb_cats, .ports = kb_ports, .icmps = kb_icmps,\n"
		"\t.addrs = kb_addrs, .ttls = kb_ttls,\n"
		"\t.ncats = %zu, .nports = %zu, .nicmps = %zu, .naddrs = %zu, .nttls = %zu,\n"
		"\t.phf = {\n"
		"\t\t.seed = UINT64_C(0x%016llx), .nbuckets = %lu, .shift = %lu,\n"
		"\t\t.pilots = kb_phf_pilots, .slots = kb_phf_slots,\n"
		"\t},\n"
		"\t.ranges = kb_ranges,\n"
		"\t.range_off = { %lu, %lu, %lu, %lu, %lu },\n"
		"\t.port_block = kb_port_block,\n"
		"\t.icmp_star = kb_icmp_star, .icmp_off = kb_icmp_off,"
		" .icmp_codes = kb_icmp_codes,\n"
		"\t.net4_off = kb_net4_off, .net4 = kb_net4,\n"
		"\t.net6 = kb_net6, .nnet6 = %zu,\n"
		"\t.ttl_row = kb_ttl_row,\n"
		"\t.stamp = UINT64_C(0x%016llx),\n"
		"};\n",
		kb->ncats, kb->nports, kb->nicmps, kb->naddrs, kb->nttls,
		(unsigned long long)kb->phf.seed, (unsigned long)kb->phf.nbuckets,
		(unsigned long)kb->phf.shift,
		(unsigned long)kb->range_off[0], (unsigned long)kb->range_off[1],
		(unsigned long)kb->range_off[2], (unsigned long)kb->range_off[3],
		(unsigned long)kb->range_off[4], kb->nnet6,
		(unsigned long long)kb->stamp);
}

static int genkb_write(const char *path, const struct kb *kb)
{
	size_t i, nkeys = 0;
	char tmp[4096];
	FILE *out;
	int bad;

	for (i = 0; i < phf_nslots(&kb->phf); i++)
		nkeys += kb->phf.slots[i].key != PHF_EMPTY_KEY;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		fprintf(stderr, "genkb: %s: path too long\n", path);
		return -1;
	}
	out = fopen(tmp, "w");
	if (!out) {
		fprintf(stderr, "genkb: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	fprintf(out,
		"// kb_data.c - generated by kb/genkb.c from kb/*.tsv, do not edit.\n"
		"// %zu categories, %zu ports (%lu range keys, %zu hashed keys in %zu slots),\n"
		"// %zu icmp, %zu addresses, %zu ttl rows. Layout: nflogd/classify/kb_int.h.\n"
		"#include <stdint.h>\n\n#include \"classify/kb_int.h\"\n\n",
		kb->ncats, kb->nports, (unsigned long)kb->range_off[4],
		nkeys, phf_nslots(&kb->phf), kb->nicmps, kb->naddrs, kb->nttls);
	genkb_rows(out, kb);
	genkb_index(out, kb);
	genkb_table(out, kb);
	bad = ferror(out);
	if (fclose(out) != 0 || bad) {
		fprintf(stderr, "genkb: %s: write error\n", tmp);
		remove(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		fprintf(stderr, "genkb: rename %s to %s: %s\n", tmp, path, strerror(errno));
		remove(tmp);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const enum kbparse_table order[] = {
		KBPARSE_CATEGORIES,	/* first: ports refer to category names */
		KBPARSE_PORTS, KBPARSE_ICMP, KBPARSE_ADDRESSES, KBPARSE_TTL,
	};
	struct kbparse kp;
	struct kb kb;
	char path[4096], err[512];
	size_t i, len = 0, *counts[__KBPARSE_MAX];
	char *buf = NULL;
	int rc, status = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: genkb KBDIR OUT.c\n");
		return 2;
	}
	kbparse_init(&kp);
	counts[KBPARSE_CATEGORIES] = &kp.ncats;
	counts[KBPARSE_PORTS] = &kp.nports;
	counts[KBPARSE_ICMP] = &kp.nicmps;
	counts[KBPARSE_ADDRESSES] = &kp.naddrs;
	counts[KBPARSE_TTL] = &kp.nttls;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", argv[1],
				     kbparse_file_name(order[i])) >= sizeof(path)) {
			fprintf(stderr, "genkb: %s: path too long\n", argv[1]);
			goto out;
		}
		if ((rc = genkb_slurp(path, &buf, &len)) < 0) {
			fprintf(stderr, "%s: %s\n", path, strerror(-rc));
			goto out;
		}
		rc = kbparse_file(&kp, order[i], path, buf, len, err, sizeof(err));
		free(buf);
		if (rc < 0) {
			fprintf(stderr, "%s\n", err);
			goto out;
		}
		if (*counts[order[i]] == 0) {
			fprintf(stderr, "%s: no rows\n", path);
			goto out;
		}
	}
	if ((rc = kbindex_build(&kb, &kp)) < 0) {
		fprintf(stderr, "genkb: building the indexes: %s\n", strerror(-rc));
		goto out;
	}
	if (genkb_write(argv[2], &kb) == 0)
		status = 0;
	kbindex_free(&kb);
out:
	kbparse_free(&kp);
	return status;
}
