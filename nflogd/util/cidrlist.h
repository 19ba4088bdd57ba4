/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cidrlist.h - a list of IPv4/IPv6 prefixes: the allowlist nflogctl suggest
 * must never block, and the host's own addresses.
 *
 * File format (one entry per line): an address or address/prefixlen, IPv4 or
 * IPv6; '#' starts a comment; blank lines are ignored. Host bits set below
 * the prefix length are an error (a typo such as 192.0.2.1/24 is more likely
 * than intent). Lookups are linear: lists are tens of entries, and nothing
 * here is on the packet path.
 */
#ifndef NFLOGD_CIDRLIST_H
#define NFLOGD_CIDRLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cidrlist;

/* cidrlist_new - an empty list; NULL on allocation failure. */
struct cidrlist *cidrlist_new(void);
void cidrlist_free(struct cidrlist *l);

/* cidrlist_add - add family (4/6) prefix addr/plen (network byte order, IPv4
 * in the first 4 bytes); host bits are cleared. 0, or -ENOMEM / -EINVAL, or
 * -ENOSPC past 65536 entries. */
int cidrlist_add(struct cidrlist *l, unsigned family, const uint8_t addr[16], unsigned plen);

/* cidrlist_parse - parse one entry ("192.0.2.0/24", "2001:db8::1"); 0, or
 * -EINVAL with the reason in err. */
int cidrlist_parse(const char *text, unsigned *family, uint8_t addr[16], unsigned *plen,
		   char *err, size_t errlen);

/* cidrlist_load - add every entry of the file at path, or none of them. 0, or
 * a negative errno with "path:line: reason" (or "path: strerror") in err. */
int cidrlist_load(struct cidrlist *l, const char *path, char *err, size_t errlen);

/* cidrlist_match - the longest entry containing addr, as "prefix/len" text in
 * buf (for messages), or NULL when none does. */
const char *cidrlist_match(const struct cidrlist *l, unsigned family, const uint8_t addr[16],
			   char *buf, size_t len);

/* cidrlist_count - entries in the list. */
size_t cidrlist_count(const struct cidrlist *l);

#endif
