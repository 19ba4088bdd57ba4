/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kbparse.h - parser and validator for the kb/ .tsv files and local.kb.
 *
 * The formats are normative in kb/README.md. One parser serves the build-time
 * generator (kb/genkb.c, built-in files) and the daemon (kb_load, local.kb),
 * so both reject exactly the same input with the same "file:line: reason".
 */
#ifndef NFLOGD_KBPARSE_H
#define NFLOGD_KBPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "classify/kb.h"

enum kbparse_table {
	KBPARSE_CATEGORIES,	/* categories.tsv */
	KBPARSE_PORTS,		/* ports.tsv */
	KBPARSE_ICMP,		/* icmp.tsv */
	KBPARSE_ADDRESSES,	/* addresses.tsv */
	KBPARSE_TTL,		/* ttl.tsv */
	__KBPARSE_MAX,
};

#define KBPARSE_ID_MAX		29999	/* built-in ids are 1..29999 */
#define KBPARSE_CATEGORY_MAX	255	/* kb_port.category is a uint8_t */
#define KBPARSE_SUMMARY_MAX	100	/* characters (UTF-8 code points) */
#define KBPARSE_EXPLAIN_MAX	600
#define KBPARSE_NAME_MAX	40	/* service, names, class (source, os: 100) */

struct kbparse_chunk;

/*
 * The rows of every table, each table sorted by id once a parse call returns.
 * Strings of parsed rows live in the arena and die with kbparse_free; rows
 * copied in with kbparse_add keep pointing at the caller's strings.
 */
struct kbparse {
	struct kb_category	*cats;
	struct kb_port		*ports;
	struct kb_icmp		*icmps;
	struct kb_addr		*addrs;
	struct kb_ttl		*ttls;
	size_t			 ncats, nports, nicmps, naddrs, nttls;
	size_t			 cap[__KBPARSE_MAX];
	struct kbparse_chunk	*arena;
};

void kbparse_init(struct kbparse *kp);
void kbparse_free(struct kbparse *kp);	/* frees the rows and the arena */

/* kbparse_file_name - "ports.tsv" etc., the file a table is read from. */
const char *kbparse_file_name(enum kbparse_table t);

/*
 * kbparse_file - parse buf[0..len), the text of the built-in file `file`,
 * as rows of table t and add them to kp. Ports need the categories parsed
 * first (the category column is a name). The whole table is then checked
 * (ids unique, no duplicate key, no overlapping ranges). Returns 0; -EINVAL
 * with "file:line: reason" in err (kp is left without the rows of this call);
 * -ENOMEM.
 */
int kbparse_file(struct kbparse *kp, enum kbparse_table t, const char *file,
		 const char *buf, size_t len, char *err, size_t errlen);

/*
 * kbparse_add - append a copy of n rows of table t (an array of the kb.h row
 * struct of that table), e.g. the built-in table before merging local.kb.
 * The strings are borrowed, not copied. 0 or -ENOMEM.
 */
int kbparse_add(struct kbparse *kp, enum kbparse_table t, const void *rows, size_t n);

/*
 * kbparse_local - parse the text of a local.kb (rows "port", "icmp" or
 * "addr" followed by that table's columns, ids KB_LOCAL_ID_MIN..65535) and
 * merge it into kp, which normally holds the built-in rows. A local row
 * replaces the built-in row of the same key: (dir, proto, port) for ports
 * (a built-in "both" row keeps its other protocol), the same range for port
 * ranges, (family, type, code) for icmp, the same prefix for addresses. Any
 * other clash (a local range overlapping a built-in one, two local rows with
 * one key) is an error. Returns as kbparse_file; on error kp is unusable
 * except for kbparse_free.
 */
int kbparse_local(struct kbparse *kp, const char *file, const char *buf, size_t len,
		  char *err, size_t errlen);

#endif
