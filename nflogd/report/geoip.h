/* SPDX-License-Identifier: GPL-2.0-or-later */
/* geoip.h - country, city and AS of an address from MaxMind DB files (libmaxminddb), for readers.
 *
 * nflogctl enriches what it prints; the daemon never looks anything up (its
 * packet path stays free of file lookups). A handle holds up to
 * GEOIP_FILES_MAX open databases, each tagged by what its metadata's
 * database_type says it provides: "...City..." (GeoLite2-City, GeoIP2-City,
 * DBIP-City-Lite) country, city and location; "...Country..." country;
 * "...ASN..."/"...ISP..." the AS number and organisation. For each field the
 * first file that provides it and holds the address wins.
 *
 * Which addresses are looked up: every one but those kb/addresses.tsv classes
 * as private, loopback, link-local or bogon (GEOIP_ST_SKIPPED: no database
 * holds them). Documentation prefixes (192.0.2.0/24, 198.51.100.0/24,
 * 203.0.113.0/24, 2001:db8::/32, 3fff::/20) are bogons too, but they ARE
 * looked up: they are what examples and test databases use, and against a
 * real database they are one cheap miss. A miss is "unknown", not an error.
 *
 * Results are cached per address in a fixed table (open addressing, a short
 * probe, the home slot evicted when the probe is full): no growth, whatever
 * the ring holds. The keys are a table of their own, so that a probe reads
 * a few cache lines of keys, not one answer (~330 bytes) per slot tried. Every value read from a file is type-checked; a field of
 * the wrong type is dropped and reported once per file (geoip_warning). The
 * library is optional: built without it (NFLOGD_HAVE_MAXMINDDB 0),
 * geoip_available() is false and geoip_add() refuses every file, saying so.
 * A handle is not thread-safe (the cache is written on lookup).
 */
#ifndef NFLOGD_GEOIP_H
#define NFLOGD_GEOIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify/kb.h"
#include "ring/ringfmt.h"

#define GEOIP_FILES_MAX		8
#define GEOIP_CACHE_SLOTS	8192u	/* power of two */
#define GEOIP_NAME_MAX		96u	/* bytes of a name with its NUL; longer ones are cut
					 * at a UTF-8 boundary */
#define GEOIP_TYPE_MAX		64u	/* database_type with its NUL */

/* Where geoipupdate (and Debian's geoip-database) put them, searched in order. */
#define GEOIP_DIRS_DEFAULT	"/usr/share/GeoIP:/var/lib/GeoIP"

/* What a database provides, and what a lookup found. */
enum {
	GEOIP_F_COUNTRY		= 0x01,	/* country.iso_code, country.names.en */
	GEOIP_F_CITY		= 0x02,	/* city.names.en */
	GEOIP_F_LOCATION	= 0x04,	/* location.latitude, location.longitude */
	GEOIP_F_ASN		= 0x08,	/* autonomous_system_number, _organization */
};

enum geoip_status {
	GEOIP_ST_NONE		= 0,	/* not looked up: no database, or not asked */
	GEOIP_ST_SKIPPED	= 1,	/* private, loopback, link-local or bogon */
	GEOIP_ST_MISS		= 2,	/* looked up, no file holds it: "unknown" */
	GEOIP_ST_FOUND		= 3,	/* at least one field in have */
};

/* One address's answer. Strings are NUL-terminated UTF-8 as the file had
 * them (not validated: writers escape); empty when absent. */
struct geoip_info {
	uint64_t id;				/* this answer's number, unique in the
						 * process (0: not a lookup's): infos with
						 * the same id hold the same answer, so a
						 * caller may keep text made from one */
	uint8_t	 status;			/* enum geoip_status */
	uint8_t	 have;				/* GEOIP_F_* found */
	char	 country_iso[3];		/* two ASCII letters */
	uint32_t asn;
	uint8_t	 as_prefix;			/* with GEOIP_F_ASN: prefix length of the
						 * file's network holding the address (IPv4
						 * bits for IPv4), for network-wide views */
	double	 lat, lon;			/* finite, in range, when GEOIP_F_LOCATION */
	char	 country[GEOIP_NAME_MAX];	/* may be empty with a code */
	char	 city[GEOIP_NAME_MAX];
	char	 as_org[GEOIP_NAME_MAX];	/* may be empty with a number */
};

struct geoip_stats {
	uint64_t lookups;	/* geoip_lookup calls for a looked-up class */
	uint64_t cache_hits;
	uint64_t skipped;	/* by class */
	uint64_t misses;	/* files asked, none held it */
	uint64_t bad_values;	/* fields dropped for their type or content */
	uint64_t reopens;	/* files replaced and reopened */
};

struct geoip;

/* geoip_available - built with libmaxminddb. */
bool geoip_available(void);

/* geoip_new - an empty handle classing addresses with kb (kept, not owned);
 * NULL on allocation failure. */
struct geoip *geoip_new(const struct kb *kb);
void geoip_free(struct geoip *g);

/* geoip_add - open path and tag it by its database_type: 0, or -1 with
 * "PATH: reason" in err (missing, unreadable, a directory, not a MaxMind DB,
 * a type that provides nothing, too many files, built without the library). */
int geoip_add(struct geoip *g, const char *path, char *err, size_t errlen);

/* The open files, for `nflogctl stats` and explain. */
size_t geoip_nfiles(const struct geoip *g);
const char *geoip_file_path(const struct geoip *g, size_t i);
const char *geoip_file_type(const struct geoip *g, size_t i);	/* database_type */
unsigned geoip_file_provides(const struct geoip *g, size_t i);	/* GEOIP_F_* */
uint64_t geoip_file_built(const struct geoip *g, size_t i);	/* build_epoch */
unsigned geoip_provides(const struct geoip *g);			/* all files' */
/* "country, city, location, ASN" for a GEOIP_F_* mask, into buf. */
const char *geoip_provides_str(unsigned mask, char *buf, size_t size);

/* geoip_skip_class - kb address class cls is one that is never looked up. */
bool geoip_skip_class(const char *cls);

/* geoip_lookup - *out for family (4, 6) and addr (network order, IPv4 in the
 * first 4 bytes); returns out->status. Never fails: a file that cannot answer
 * (corrupt tree or data) is a miss for that file, reported by geoip_warning. */
enum geoip_status geoip_lookup(struct geoip *g, unsigned family, const uint8_t addr[16],
			       struct geoip_info *out);

/* geoip_ref - geoip_lookup() without the copy: the cached answer itself
 * (never NULL; status NONE when nothing was looked up), valid until the next
 * lookup, refresh or free of g. keep: an answer geoip_ref returned before
 * that this lookup must not evict (NULL: none). */
const struct geoip_info *geoip_ref(struct geoip *g, unsigned family, const uint8_t addr[16],
				   const struct geoip_info *keep);

/* geoip_rec - the record's source, and its destination unless it is local
 * (one of this host's addresses, on-link, a broadcast or multicast as
 * localnet/ saw it), into src and dst (status NONE when not looked up). */
void geoip_rec(struct geoip *g, const struct ring_rec *r, struct geoip_info *src,
	       struct geoip_info *dst);

/* geoip_rec_ref - geoip_rec() through geoip_ref(): both answers stay valid
 * until the next lookup on g. */
void geoip_rec_ref(struct geoip *g, const struct ring_rec *r, const struct geoip_info **src,
		   const struct geoip_info **dst);

/* geoip_refresh - at most once per distinct now_s (seconds of any clock),
 * stat every file and reopen those replaced (other inode, device, size or
 * mtime): the new file is opened first and swapped in only when it opens
 * and provides the same kind of data, so a bad update keeps the old one.
 * Returns how many were reopened, or -1 with "PATH: reason" in err when one
 * could not be (the old stays open). The cache is emptied on a reopen. */
int geoip_refresh(struct geoip *g, int64_t now_s, char *err, size_t errlen);

/* geoip_warning - the first problem with a file's data not yet reported
 * ("PATH: reason"), or NULL; each file reports once (later problems are
 * only counted in bad_values). The string lives until the next call. */
const char *geoip_warning(struct geoip *g);

const struct geoip_stats *geoip_stats(const struct geoip *g);

#endif
