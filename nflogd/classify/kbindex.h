/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kbindex.h - build the lookup indexes of a struct kb from parsed rows. */
#ifndef NFLOGD_KBINDEX_H
#define NFLOGD_KBINDEX_H

#include "classify/kb_int.h"
#include "classify/kbparse.h"

/*
 * kbindex_build - point kb at the rows of kp (each table sorted by id, as
 * kbparse leaves them; kp must outlive kb) and build the perfect hash, the
 * range lists, the icmp/address/ttl indexes and the stamp. Rows must be valid
 * (kbparse checked them); what the indexes cannot represent anyway, such as
 * overlapping ranges or more than 65535 rows, gives -EINVAL. 0, -EINVAL or
 * -ENOMEM; on success release with kbindex_free.
 */
int kbindex_build(struct kb *kb, const struct kbparse *kp);
void kbindex_free(struct kb *kb);	/* the indexes only, not the rows */

/* kbindex_stamp - 64-bit FNV-1a over every field of every row, tables in a
 * fixed order and rows in id order, so equal stamps mean equal tables. */
uint64_t kbindex_stamp(const struct kb *kb);

#endif
