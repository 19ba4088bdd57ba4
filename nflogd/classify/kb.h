/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kb.h - the knowledge base at run time: rows of kb/ compiled in, plus local.kb.
 *
 * Lookups are the per-packet path: no allocation, no locks, no I/O. A struct kb
 * is immutable once built, so any number of threads may read it.
 */
#ifndef NFLOGD_KB_H
#define NFLOGD_KB_H

#include <stddef.h>
#include <stdint.h>

/* Verdicts, most benign first; stored in records, never renumber. */
enum kb_verdict {
	KB_VERDICT_UNKNOWN	= 0,
	KB_VERDICT_EXPECTED	= 1,
	KB_VERDICT_NOISE	= 2,
	KB_VERDICT_SUSPICIOUS	= 3,
	KB_VERDICT_HOSTILE	= 4,
	__KB_VERDICT_MAX,
};

enum kb_dir {
	KB_DIR_DST		= 0,	/* meaning of a destination port */
	KB_DIR_SRC		= 1,	/* meaning of a source port */
};

#define KB_PROTO_TCP		0x1	/* kb_port.protos bits */
#define KB_PROTO_UDP		0x2
#define KB_LOCAL_ID_MIN		30000	/* ids at or above come from local.kb */

struct kb_category {
	uint16_t	 id;
	const char	*name;
	const char	*summary;
};

struct kb_port {
	uint16_t	 id;
	uint8_t		 protos;	/* KB_PROTO_* */
	uint8_t		 dir;		/* enum kb_dir */
	uint16_t	 lo, hi;	/* lo == hi for a single port */
	uint8_t		 category;	/* kb_category.id */
	uint8_t		 verdict;	/* enum kb_verdict */
	const char	*service;
	const char	*source;
	const char	*summary;
	const char	*explain;
};

struct kb_icmp {
	uint16_t	 id;
	uint8_t		 family;	/* 4 = ICMP, 6 = ICMPv6 */
	uint8_t		 type;
	int16_t		 code;		/* -1 = any code */
	uint8_t		 verdict;
	const char	*name;
	const char	*source;
	const char	*summary;
	const char	*explain;
};

struct kb_addr {
	uint16_t	 id;
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 plen;		/* prefix length in bits */
	uint8_t		 prefix[16];	/* network byte order, IPv4 in the first 4 */
	uint8_t		 verdict;
	const char	*cls;		/* class name: "private", "link-local", ... */
	const char	*source;
	const char	*summary;
	const char	*explain;
};

struct kb_ttl {
	uint16_t	 id;
	uint8_t		 initial;
	const char	*os;
	const char	*source;
	const char	*summary;
};

struct kb;

/* kb_builtin - the table compiled from kb/ (never NULL, never freed). */
const struct kb *kb_builtin(void);

/*
 * kb_load - the built-in table plus the rows of the local file at path, with
 * local port rows overriding built-in ones of the same (dir, proto, port).
 * Returns NULL with errno set and "path:line: reason" in err. Free with kb_free.
 */
struct kb *kb_load(const char *path, char *err, size_t errlen);
void kb_free(struct kb *kb);	/* no-op for kb_builtin() */

/* kb_stamp - hash of every row (built-in and local): written to the ring
 * header, so a reader knows whether its kb matches the writer's. */
uint64_t kb_stamp(const struct kb *kb);

/* Hot path. proto is the IP protocol number (6, 17; others miss). An exact
 * port row wins over a range row. NULL when nothing matches. */
const struct kb_port *kb_port_lookup(const struct kb *kb, enum kb_dir dir,
				     uint8_t proto, uint16_t port);
const struct kb_icmp *kb_icmp_lookup(const struct kb *kb, unsigned family,
				     uint8_t type, uint8_t code);
/* kb_addr_lookup's row as an index into the address rows (what
 * kb_addr_at(kb, i) gives), or -1: the packet path's form, which indexes its
 * own per-row tables with it. */
long kb_addr_lookup_row(const struct kb *kb, unsigned family, const uint8_t addr[16]);
/* Longest matching prefix; addr in network byte order (IPv4 in the first 4). */
const struct kb_addr *kb_addr_lookup(const struct kb *kb, unsigned family,
				     const uint8_t addr[16]);
/* The row for a guessed initial TTL, or NULL. */
const struct kb_ttl *kb_ttl_lookup(const struct kb *kb, uint8_t initial);

/* By id, for readers turning record fields back into text. */
const struct kb_port *kb_port_by_id(const struct kb *kb, uint16_t id);
const struct kb_icmp *kb_icmp_by_id(const struct kb *kb, uint16_t id);
const struct kb_addr *kb_addr_by_id(const struct kb *kb, uint16_t id);
const struct kb_ttl *kb_ttl_by_id(const struct kb *kb, uint16_t id);
const struct kb_category *kb_category_by_id(const struct kb *kb, uint16_t id);

/* Iteration, for explain and tests: the i-th row, NULL past the end. */
const struct kb_port *kb_port_at(const struct kb *kb, size_t i);
const struct kb_icmp *kb_icmp_at(const struct kb *kb, size_t i);
const struct kb_addr *kb_addr_at(const struct kb *kb, size_t i);

/* kb_verdict_name - "unknown", "expected", "noise", "suspicious", "hostile". */
const char *kb_verdict_name(unsigned verdict);

#endif
