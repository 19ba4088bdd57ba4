/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nftrules.h - nflogd talking nftables through libnftnl (over libmnl): its own
 * table installed and removed as one atomic batch each, the live ruleset's
 * log rules read back for attribution, and timed set elements added.
 *
 * Every call opens its own netlink socket and needs CAP_NET_ADMIN in the
 * caller's network namespace; without it the call fails with -EPERM and says
 * so in err. Nothing outside nflogd's own table is ever changed.
 */
#ifndef NFLOGD_NFTRULES_H
#define NFLOGD_NFTRULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ruleset/nftgen.h"

/* nftrules_install - create nflogd's own table (o->table, family inet) as
 * nftgen_own_table() prints it. 1 = created, 0 = already there with the same
 * settings (nothing sent), negative errno with a message otherwise (a table of
 * that name that nflogd did not make, or made with other groups, is left alone). */
int nftrules_install(const struct nftgen_opts *o, char *err, size_t errlen);

/* nftrules_remove - delete nflogd's own table, only if nflogd made it.
 * 1 = removed, 0 = not there, negative errno with a message otherwise. */
int nftrules_remove(const char *table, char *err, size_t errlen);

/* nftrules_own_marker - the comment of table inet `table` into buf: 1 when the
 * table exists (buf "" if it has no comment), 0 when it does not, or -errno. */
int nftrules_own_marker(const char *table, char *buf, size_t len, char *err, size_t errlen);

/* A rule of the live ruleset with a `log` statement. */
struct nftrules_logrule {
	char		family[8];	/* "inet", "ip", "ip6", "arp", "bridge", "netdev" */
	char		table[256];
	char		chain[256];
	uint64_t	handle;
	bool		has_group;	/* log group N (NFLOG); false: kernel log */
	uint16_t	group;
	char		prefix[128];	/* "" when the rule has none */
	char		comment[128];
	bool		has_counter;
	uint64_t	packets, bytes;
};

/* nftrules_list_log - every rule with a log statement, in ruleset order.
 * *out is malloc'd (free() it). 0 or negative errno with a message. */
int nftrules_list_log(struct nftrules_logrule **out, size_t *n, char *err, size_t errlen);

/* One element for a timed block set. */
struct nftrules_elem {
	uint8_t		family;		/* 4 -> NFT_OWN_SET4, 6 -> NFT_OWN_SET6 */
	uint8_t		addr[16];	/* network byte order */
	uint32_t	timeout_s;
};

/* nftrules_add_elems - add the elements to the own table's sets in one
 * batch: all or none. 0 or negative errno with a message. */
int nftrules_add_elems(const char *table, const struct nftrules_elem *e, size_t n,
		       char *err, size_t errlen);

#endif
