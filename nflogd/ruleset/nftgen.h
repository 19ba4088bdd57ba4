/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nftgen.h - nflogd's nftables snippets as text: the logging chain a ruleset
 * jumps to instead of a bare `drop`, and nflogd's own table as
 * `nflogctl rules install` creates it (nftrules.c builds the same table
 * through libnftnl; the tests hold the two to one `nft list` output).
 */
#ifndef NFLOGD_NFTGEN_H
#define NFLOGD_NFTGEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define NFTGEN_CPUS_MAX		1024u	/* vmap entries we are willing to write */

/* Where the snippet goes and which groups it logs to. */
struct nftgen_opts {
	const char	*family;	/* "inet", "ip" or "ip6" */
	const char	*table;		/* table name */
	uint16_t	 group;		/* NFLOG group, or first of the per-CPU groups */
	uint32_t	 ncpus;		/* 0: one group; n: groups group..group+n-1 by CPU */
};

/* nftgen_check - 0, or -EINVAL with the reason in err (bad family, a table
 * name nft would not accept unquoted, groups past 65535, too many CPUs). */
int nftgen_check(const struct nftgen_opts *o, char *err, size_t errlen);

/* nftgen_logchain - the NFT_LOG_CHAIN snippet for table o->family o->table,
 * reloadable (it flushes its own chains first). 0 or -EIO. */
int nftgen_logchain(FILE *f, const struct nftgen_opts *o);

/* nftgen_own_table - nflogd's own table (sets, blocking input chain, logging
 * of blocked sources) exactly as nftrules_install() creates it. 0 or -EIO. */
int nftgen_own_table(FILE *f, const struct nftgen_opts *o);

/* nftgen_comment - the comment of the log rule for cpu (cpu == o->ncpus: the
 * rule for CPUs missing from the map; any cpu when not per-CPU). */
#define NFTGEN_COMMENT_MAX	32
void nftgen_comment(const struct nftgen_opts *o, uint32_t cpu, char *buf, size_t len);

/* nftgen_marker - the own table's comment: says nflogd made it, with which
 * groups; an install finding the same marker has nothing to do. */
void nftgen_marker(const struct nftgen_opts *o, char *buf, size_t len);

/* nftgen_marker_is_ours - the comment of a table nflogd created. */
int nftgen_marker_is_ours(const char *comment);

#endif
