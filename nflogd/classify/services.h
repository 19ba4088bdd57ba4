/* SPDX-License-Identifier: GPL-2.0-or-later */
/* services.h - registered service names per port, read from a services(5)-style list.
 *
 * The kb (kb/ports.tsv) explains the ports a drop log is full of; every other
 * port still has a registered name in IANA's service-name registry. Readers
 * (nflogctl) load one list of those names and show it for a port the kb does
 * not explain. Three layouts are understood, each one entry per line:
 *
 *   IANA's registry as Wireshark ships it   name  PORT[-PORT]/tcp/udp/...  # Description
 *   nmap-services                           name  PORT/proto  0.001995    # Description
 *   services(5), /etc/services              name  PORT/proto  [aliases]   # comment
 *
 * Only tcp and udp are kept (sctp, dccp, ddp are skipped). The first entry of
 * a (proto, port) wins. A line that does not parse is counted and skipped:
 * any input gives a table, never a crash. A table is immutable once built,
 * so any number of threads may read it. Not on the capture path.
 */
#ifndef NFLOGD_SERVICES_H
#define NFLOGD_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify/kb.h"

/* Default lists, most complete first (scripts/deps.sh installs the first). */
#define SERVICES_PATH_IANA	"/usr/share/wireshark/services"
#define SERVICES_PATH_NMAP	"/usr/share/nmap/nmap-services"
#define SERVICES_PATH_ETC	"/etc/services"

#define SERVICES_NAME_MAX	32		/* bytes of a name; longer: bad line */
#define SERVICES_DESC_MAX	200		/* bytes of a description; longer: cut */
#define SERVICES_LINE_MAX	1024		/* bytes of a line; longer: bad line */
#define SERVICES_RANGE_MAX	256		/* ports of a LO-HI range; wider: bad line */
#define SERVICES_FILE_MAX	(4u << 20)	/* services_load refuses larger files */
#define SERVICES_ENTRIES_MAX	(2u * 65536)	/* one per (tcp|udp, port) */

/* Which layout the list is in; decides how its origin is named. */
enum services_kind {
	SERVICES_KIND_SERVICES5	= 0,	/* plain services(5) */
	SERVICES_KIND_IANA	= 1,	/* protocols merged as "9/tcp/udp" and a comment
					 * line naming IANA: Wireshark's copy */
	SERVICES_KIND_NMAP	= 2,	/* a frequency column: nmap-services */
};

struct services_entry {
	const char	*name;		/* printable ASCII, no space, no '#' */
	const char	*desc;		/* printable ASCII, "" when none */
	uint32_t	 line;		/* 1-based line it came from */
	uint16_t	 port;
	uint8_t		 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
};

/* What the parse saw, by line (entries: by (proto, port)). */
struct services_stats {
	size_t		 lines;		/* lines in the text */
	size_t		 entries;	/* (proto, port) entries kept */
	size_t		 bad;		/* lines that do not parse, skipped */
	size_t		 duplicate;	/* entries dropped: an earlier line has the port */
	size_t		 ignored;	/* good lines without tcp/udp, or named "unknown" */
	size_t		 capped;	/* entries dropped: the table was full */
	uint32_t	 first_bad;	/* line of the first bad one, 0 when none */
};

struct services;

/*
 * services_parse - a table from text[0..len) (any bytes), named path in
 * services_path(); at most max_entries entries (0: SERVICES_ENTRIES_MAX).
 * NULL only when out of memory (reason in err).
 */
struct services *services_parse(const char *text, size_t len, const char *path,
				size_t max_entries, char *err, size_t errlen);

/* services_load - services_parse of the regular file at path (at most
 * SERVICES_FILE_MAX bytes); NULL with "path: reason" in err. */
struct services *services_load(const char *path, char *err, size_t errlen);
void services_free(struct services *s);

/* The entry for IP protocol proto (6, 17; others miss) and port, or NULL. */
const struct services_entry *services_lookup(const struct services *s, uint8_t proto,
					     uint16_t port);

/* Entries in the order of their lines, for tests and fuzzing; NULL past the end. */
const struct services_entry *services_at(const struct services *s, size_t i);

const char *services_path(const struct services *s);
enum services_kind services_kind(const struct services *s);
/* Where the names come from, in words: "IANA service-name registry", ... */
const char *services_origin(const struct services *s);
const struct services_stats *services_stats(const struct services *s);

/*
 * services_kb_generic - true when row (the kb's port row for a packet, or
 * NULL) names no service: there is none, or it is of the "dynamic" category
 * (1024-1027, 1028-5000, 49152-65535, a masquerading source port), which
 * says "some ephemeral port" from the number alone. Then the destination
 * port's registered name says more, and readers show it next to the row
 * (doc/json-schema.md, nflog.kb.source and nflog.kb.registered).
 */
bool services_kb_generic(const struct kb *kb, const struct kb_port *row);

#endif
