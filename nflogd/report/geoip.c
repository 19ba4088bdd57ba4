/* SPDX-License-Identifier: GPL-2.0-or-later */
/* geoip.c - the MaxMind DB files behind geoip.h: opening and tagging them, the checked reads, the cache, reopening replaced files. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/geoip.h"
#include "report/geoip_dc.h"
#include "util/errbuf.h"
#include "util/mix.h"

#if NFLOGD_HAVE_MAXMINDDB
#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#endif

#define GEOIP_PROBE	8	/* slots tried before the home slot is evicted */

struct geoip_file {
	char		*path;
	char		 type[GEOIP_TYPE_MAX];
	unsigned	 provides;	/* GEOIP_F_* */
	uint64_t	 built;		/* metadata.build_epoch */
	dev_t		 dev;		/* what was opened: a replacement differs */
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	bool		 warned;	/* its one data warning is spent */
	bool		 warn_pending;	/* ... and warn not yet taken */
	char		 warn[384];
#if NFLOGD_HAVE_MAXMINDDB
	MMDB_s		 db;
#endif
	struct geoip_dc	*dc;		/* its decodes by data record, or NULL */
};

/* A cached address; its answer is the same index of geoip.info. */
struct geoip_key {
	uint32_t	 gen;		/* 0: empty; else the handle's gen when filled */
	uint8_t		 family;
	uint8_t		 addr[16];	/* IPv4: the first 4, the rest zero */
};

struct geoip {
	const struct kb		*kb;
	struct geoip_file	 f[GEOIP_FILES_MAX];
	size_t			 n;
	struct geoip_key	*key;		/* GEOIP_CACHE_SLOTS */
	struct geoip_info	*info;		/* GEOIP_CACHE_SLOTS */
	uint32_t		 gen;		/* bumped when a file changes */
	uint64_t		 seed;
	int64_t			 checked;	/* now_s of the last refresh */
	bool			 checked_once;
	struct geoip_stats	 st;
	char			 warn[512];	/* what geoip_warning returned last */
};

bool geoip_available(void)
{
	return NFLOGD_HAVE_MAXMINDDB;
}

/* Classes no database holds (kb/addresses.tsv): the private,
 * loopback, link-local and bogon, multicast groups and the local-segment
 * broadcasts. "documentation" is deliberately absent (geoip.h). */
bool geoip_skip_class(const char *cls)
{
	static const char *const skip[] = {
		"private", "unique-local", "shared-cgn", "loopback", "link-local",
		"unspecified", "this-network", "limited-broadcast", "reserved",
		"benchmarking", "v4-mapped", "ietf-protocol", "nat64-local",
		"multicast", "local-network-control", "ssdp", "mdns", "llmnr",
		"link-scope-multicast", "all-nodes",
	};
	size_t i;

	if (!cls)
		return false;
	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (!strcmp(cls, skip[i]))
			return true;
	return false;
}

struct geoip *geoip_new(const struct kb *kb)
{
	struct geoip *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->key = calloc(GEOIP_CACHE_SLOTS, sizeof(*g->key));
	g->info = calloc(GEOIP_CACHE_SLOTS, sizeof(*g->info));
	if (!g->key || !g->info) {
		free(g->key);
		free(g->info);
		free(g);
		return NULL;
	}
	g->kb = kb;
	g->gen = 1;
	/* Salted per handle, so that a sender cannot aim at one probe chain. */
	g->seed = mix64((uint64_t)(uintptr_t)g ^ (uint64_t)time(NULL));
	return g;
}

static void geoip_file_close(struct geoip_file *f)
{
#if NFLOGD_HAVE_MAXMINDDB
	MMDB_close(&f->db);
#endif
	geoip_dc_free(f->dc);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

void geoip_free(struct geoip *g)
{
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->n; i++)
		geoip_file_close(&g->f[i]);
	free(g->key);
	free(g->info);
	free(g);
}

const char *geoip_provides_str(unsigned mask, char *buf, size_t size)
{
	static const char *const names[] = { "country", "city", "location", "ASN" };
	size_t i, len = 0;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < 4; i++) {
		if (!(mask & (1u << i)))
			continue;
		len += (size_t)snprintf(buf + (len < size ? len : size), len < size ? size - len : 0,
					"%s%s", len ? ", " : "", names[i]);
	}
	if (!len && size)
		snprintf(buf, size, "nothing");
	return buf;
}

#if NFLOGD_HAVE_MAXMINDDB
/* What database_type says the file holds; 0: nothing we read. */
static unsigned geoip_type_provides(const char *type)
{
	if (strstr(type, "ASN") || strstr(type, "ISP"))
		return GEOIP_F_ASN;
	if (strstr(type, "City") || strstr(type, "Enterprise"))
		return GEOIP_F_COUNTRY | GEOIP_F_CITY | GEOIP_F_LOCATION;
	if (strstr(type, "Country"))
		return GEOIP_F_COUNTRY;
	return 0;
}

/* The file at path, before libmaxminddb sees it: a directory or an
 * unreadable file gets a plain reason, not the library's "error opening". */
static int geoip_stat(const char *path, struct stat *st, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, st) != 0) {
		errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (S_ISDIR(st->st_mode)) {
		errbuf_set(err, errlen, "%s: is a directory, not a MaxMind DB file", path);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		errbuf_set(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	return 0;
}

/* Open path into f (path not yet set): 0, or -1 with the reason. */
static int geoip_file_open(struct geoip_file *f, const char *path, char *err, size_t errlen)
{
	struct stat st;
	const char *type;
	size_t i;
	int rc;

	if (geoip_stat(path, &st, err, errlen) != 0)
		return -1;
	rc = MMDB_open(path, MMDB_MODE_MMAP, &f->db);
	if (rc != MMDB_SUCCESS) {
		errbuf_set(err, errlen, "%s: not a usable MaxMind DB file: %s", path,
			   rc == MMDB_IO_ERROR ? strerror(errno) : MMDB_strerror(rc));
		return -1;
	}
	type = f->db.metadata.database_type ? f->db.metadata.database_type : "";
	snprintf(f->type, sizeof(f->type), "%s", type);
	/* The file's own words go into one-line messages and terminals:
	 * printable ASCII only (the fuzzer found a newline here). */
	for (i = 0; f->type[i]; i++)
		if ((unsigned char)f->type[i] < 0x20 || (unsigned char)f->type[i] > 0x7e)
			f->type[i] = '?';
	f->provides = geoip_type_provides(f->type);
	if (!f->provides) {
		errbuf_set(err, errlen, "%s: database type '%.*s' provides no country, city "
			   "or AS data", path, (int)strnlen(f->type, 40), f->type);
		MMDB_close(&f->db);
		return -1;
	}
	f->built = f->db.metadata.build_epoch;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = st.st_size;
	f->mtime = st.st_mtim;
	return 0;
}
#endif

int geoip_add(struct geoip *g, const char *path, char *err, size_t errlen)
{
#if NFLOGD_HAVE_MAXMINDDB
	struct geoip_file *f;

	if (g->n >= GEOIP_FILES_MAX) {
		errbuf_set(err, errlen, "%s: too many GeoIP files (at most %d)", path,
			   GEOIP_FILES_MAX);
		return -1;
	}
	f = &g->f[g->n];
	memset(f, 0, sizeof(*f));
	if (geoip_file_open(f, path, err, errlen) != 0)
		return -1;
	if (!(f->path = strdup(path))) {
		MMDB_close(&f->db);
		errbuf_set(err, errlen, "%s: out of memory", path);
		return -1;
	}
	g->n++;
	g->gen++;
	return 0;
#else
	errbuf_set(err, errlen, "%s: nflogctl was built without libmaxminddb: no GeoIP", path);
	return -1;
#endif
}

size_t geoip_nfiles(const struct geoip *g)
{
	return g ? g->n : 0;
}

const char *geoip_file_path(const struct geoip *g, size_t i)
{
	return i < g->n ? g->f[i].path : NULL;
}

const char *geoip_file_type(const struct geoip *g, size_t i)
{
	return i < g->n ? g->f[i].type : NULL;
}

unsigned geoip_file_provides(const struct geoip *g, size_t i)
{
	return i < g->n ? g->f[i].provides : 0;
}

uint64_t geoip_file_built(const struct geoip *g, size_t i)
{
	return i < g->n ? g->f[i].built : 0;
}

unsigned geoip_provides(const struct geoip *g)
{
	unsigned m = 0;
	size_t i;

	for (i = 0; g && i < g->n; i++)
		m |= g->f[i].provides;
	return m;
}

const struct geoip_stats *geoip_stats(const struct geoip *g)
{
	return &g->st;
}

const char *geoip_warning(struct geoip *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		struct geoip_file *f = &g->f[i];

		if (!f->warn_pending)
			continue;
		f->warn_pending = false;
		snprintf(g->warn, sizeof(g->warn), "%s: %s", f->path, f->warn);
		return g->warn;
	}
	return NULL;
}

#if NFLOGD_HAVE_MAXMINDDB
/* The file's one data warning (later ones are only counted). */
__attribute__((format(printf, 3, 4)))
static void geoip_warn(struct geoip *g, struct geoip_file *f, const char *fmt, ...)
{
	va_list ap;

	g->st.bad_values++;
	if (f->warned)
		return;
	f->warned = true;
	f->warn_pending = true;
	va_start(ap, fmt);
	vsnprintf(f->warn, sizeof(f->warn), fmt, ap);
	va_end(ap);
}

static const char *geoip_type_name(uint32_t t)
{
	switch (t) {
	case MMDB_DATA_TYPE_UTF8_STRING: return "a string";
	case MMDB_DATA_TYPE_DOUBLE:	 return "a double";
	case MMDB_DATA_TYPE_FLOAT:	 return "a float";
	case MMDB_DATA_TYPE_BYTES:	 return "bytes";
	case MMDB_DATA_TYPE_UINT16:	 return "a uint16";
	case MMDB_DATA_TYPE_UINT32:	 return "a uint32";
	case MMDB_DATA_TYPE_INT32:	 return "an int32";
	case MMDB_DATA_TYPE_UINT64:	 return "a uint64";
	case MMDB_DATA_TYPE_UINT128:	 return "a uint128";
	case MMDB_DATA_TYPE_MAP:	 return "a map";
	case MMDB_DATA_TYPE_ARRAY:	 return "an array";
	case MMDB_DATA_TYPE_BOOLEAN:	 return "a boolean";
	default:			 return "of an unknown type";
	}
}

/* One value at path (NULL-terminated key list), checked: 1 found, 0 absent,
 * -1 present but unreadable or not of a wanted type (warned). want: a mask
 * of 1 << MMDB_DATA_TYPE_*. */
static int geoip_get(struct geoip *g, struct geoip_file *f, MMDB_entry_s *e, const char *what,
		     uint32_t want, MMDB_entry_data_s *d, const char *const *path)
{
	int rc = MMDB_aget_value(e, d, path);

	if (rc == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR) {
		geoip_warn(g, f, "%s: a level above it is not a map; ignored", what);
		return -1;
	}
	if (rc != MMDB_SUCCESS) {
		geoip_warn(g, f, "%s: %s; ignored", what, MMDB_strerror(rc));
		return -1;
	}
	if (!d->has_data)
		return 0;
	if (d->type >= 32 || !(want & (1u << d->type))) {
		geoip_warn(g, f, "%s is %s, not what a %s database holds; ignored", what,
			   geoip_type_name(d->type), f->type);
		return -1;
	}
	return 1;
}

/* A string value into dst[0..size), cut at a UTF-8 boundary and at an
 * embedded NUL; 1 when non-empty. */
static int geoip_get_str(struct geoip *g, struct geoip_file *f, MMDB_entry_s *e,
			 const char *what, char *dst, size_t size, const char *const *path)
{
	MMDB_entry_data_s d;
	const char *nul;
	size_t n;

	if (geoip_get(g, f, e, what, 1u << MMDB_DATA_TYPE_UTF8_STRING, &d, path) != 1)
		return 0;
	n = d.data_size;
	if ((nul = memchr(d.utf8_string, '\0', n)))
		n = (size_t)(nul - d.utf8_string);
	if (n >= size) {
		n = size - 1;
		/* Do not end inside a sequence: back over continuation bytes. */
		while (n && ((unsigned char)d.utf8_string[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, d.utf8_string, n);
	dst[n] = '\0';
	return n > 0;
}

/* A number (double or float) into *v; 1 when read. */
static int geoip_get_coord(struct geoip *g, struct geoip_file *f, MMDB_entry_s *e,
			   const char *what, double lim, double *v, const char *const *path)
{
	MMDB_entry_data_s d;

	if (geoip_get(g, f, e, what, 1u << MMDB_DATA_TYPE_DOUBLE | 1u << MMDB_DATA_TYPE_FLOAT,
		      &d, path) != 1)
		return 0;
	*v = d.type == MMDB_DATA_TYPE_DOUBLE ? d.double_value : (double)d.float_value;
	if (!isfinite(*v) || *v < -lim || *v > lim) {
		geoip_warn(g, f, "%s is %g, outside -%g..%g; ignored", what, *v, lim, lim);
		return 0;
	}
	return 1;
}

static void geoip_read_country(struct geoip *g, struct geoip_file *f, MMDB_entry_s *e,
			       struct geoip_info *o)
{
	static const char *const iso[] = { "country", "iso_code", NULL };
	static const char *const name[] = { "country", "names", "en", NULL };
	char code[8];

	if (!geoip_get_str(g, f, e, "country.iso_code", code, sizeof(code), iso))
		return;
	if (strlen(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z') {
		geoip_warn(g, f, "country.iso_code is not two capital letters; ignored");
		return;
	}
	memcpy(o->country_iso, code, 3);
	geoip_get_str(g, f, e, "country.names.en", o->country, sizeof(o->country), name);
	o->have |= GEOIP_F_COUNTRY;
}

static void geoip_read_city(struct geoip *g, struct geoip_file *f, MMDB_entry_s *e,
			    struct geoip_info *o)
{
	static const char *const city[] = { "city", "names", "en", NULL };
	static const char *const lat[] = { "location", "latitude", NULL };
	static const char *const lon[] = { "location", "longitude", NULL };
	double la, lo;

	if (!(o->have & GEOIP_F_CITY) &&
	    geoip_get_str(g, f, e, "city.names.en", o->city, sizeof(o->city), city))
		o->have |= GEOIP_F_CITY;
	if (!(o->have & GEOIP_F_LOCATION) &&
	    geoip_get_coord(g, f, e, "location.latitude", 90, &la, lat) &&
	    geoip_get_coord(g, f, e, "location.longitude", 180, &lo, lon)) {
		o->lat = la;
		o->lon = lo;
		o->have |= GEOIP_F_LOCATION;
	}
}

static void geoip_read_asn(struct geoip *g, struct geoip_file *f, MMDB_entry_s *e,
			   struct geoip_info *o)
{
	static const char *const num[] = { "autonomous_system_number", NULL };
	static const char *const org[] = { "autonomous_system_organization", NULL };
	const uint32_t want = 1u << MMDB_DATA_TYPE_UINT16 | 1u << MMDB_DATA_TYPE_UINT32 |
			      1u << MMDB_DATA_TYPE_UINT64 | 1u << MMDB_DATA_TYPE_INT32;
	MMDB_entry_data_s d;
	uint64_t v;

	if (geoip_get(g, f, e, "autonomous_system_number", want, &d, num) != 1)
		return;
	v = d.type == MMDB_DATA_TYPE_UINT16 ? d.uint16 : d.type == MMDB_DATA_TYPE_UINT32 ?
	    d.uint32 : d.type == MMDB_DATA_TYPE_UINT64 ? d.uint64 :
	    d.int32 > 0 ? (uint64_t)d.int32 : 0;
	if (v == 0 || v > UINT32_MAX) {
		geoip_warn(g, f, "autonomous_system_number %llu is not an AS number; ignored",
			   (unsigned long long)v);
		return;
	}
	o->asn = (uint32_t)v;
	geoip_get_str(g, f, e, "autonomous_system_organization", o->as_org, sizeof(o->as_org),
		      org);
	o->have |= GEOIP_F_ASN;
}

/* The fields of want from the file's record e into o: decoded, or replayed
 * from the file's table of decodes (geoip_dc.h; the decode saw o->have only
 * through want, so a zeroed answer with the other bits stands in for o). */
static void geoip_file_decode(struct geoip *g, struct geoip_file *f, MMDB_entry_s *e,
			      unsigned want, struct geoip_info *o)
{
	const struct geoip_info *kept;
	struct geoip_info *t, part;
	uint64_t bad0 = g->st.bad_values;
	uint32_t bad;

	if (!f->dc)
		f->dc = geoip_dc_new();	/* NULL: decode every time */
	if (f->dc && (kept = geoip_dc_get(f->dc, e->offset, want, &bad))) {
		g->st.bad_values += bad;
		geoip_dc_merge(o, kept, want);
		return;
	}
	t = o;
	if (f->dc) {
		memset(&part, 0, sizeof(part));
		part.have = (uint8_t)(f->provides & ~want);
		t = &part;
	}
	if ((want & GEOIP_F_COUNTRY))
		geoip_read_country(g, f, e, t);
	if ((want & (GEOIP_F_CITY | GEOIP_F_LOCATION)))
		geoip_read_city(g, f, e, t);
	if ((want & GEOIP_F_ASN))
		geoip_read_asn(g, f, e, t);
	if (t == &part) {
		geoip_dc_put(f->dc, e->offset, want, &part,
			     (uint32_t)(g->st.bad_values - bad0));
		geoip_dc_merge(o, &part, want);
	}
}

/* One file's answer for the fields still missing from o. */
static void geoip_file_lookup(struct geoip *g, struct geoip_file *f, const struct sockaddr *sa,
			      struct geoip_info *o)
{
	MMDB_lookup_result_s res;
	int mmerr = MMDB_SUCCESS;
	unsigned want = f->provides & ~o->have;

	if (!want)
		return;
	res = MMDB_lookup_sockaddr(&f->db, sa, &mmerr);
	if (mmerr == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
		return;		/* an IPv4-only file holds no IPv6 address */
	if (mmerr != MMDB_SUCCESS) {
		geoip_warn(g, f, "lookup failed: %s", MMDB_strerror(mmerr));
		return;
	}
	if (!res.found_entry)
		return;
	geoip_file_decode(g, f, &res.entry, want, o);
	if ((want & GEOIP_F_ASN)) {
		/* An IPv4 address in an IPv6 tree: libmaxminddb counts the
		 * 96 bits of ::/96 too. */
		o->as_prefix = (uint8_t)(sa->sa_family == AF_INET && res.netmask > 96 ?
					 res.netmask - 96 : res.netmask);
	}
}

/* Every file's answer for one address, uncached. */
static void geoip_lookup_files(struct geoip *g, unsigned family, const uint8_t addr[16],
			       struct geoip_info *o)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	const struct sockaddr *sa;
	size_t i;

	if (family == 4) {
		memcpy(&sin.sin_addr, addr, 4);
		sa = (const struct sockaddr *)&sin;
	} else {
		memcpy(&sin6.sin6_addr, addr, 16);
		sa = (const struct sockaddr *)&sin6;
	}
	for (i = 0; i < g->n; i++)
		geoip_file_lookup(g, &g->f[i], sa, o);
}
#else
static void geoip_lookup_files(struct geoip *g, unsigned family, const uint8_t addr[16],
			       struct geoip_info *o)
{
}
#endif

static uint64_t geoip_ids;	/* atomic: answers made so far, in every handle */

static const struct geoip_info geoip_none = { .status = GEOIP_ST_NONE };

/* Slot s holds (family, addr): the compares have a constant size, so they
 * are a load or two each, not a call. */
static inline bool geoip_key_eq(const struct geoip_key *k, unsigned family, const uint8_t *addr)
{
	if (k->family != family)
		return false;
	return family == 4 ? !memcmp(k->addr, addr, 4) : !memcmp(k->addr, addr, 16);
}

/* The address's slot: its own, an empty one, or (probe full) the home slot,
 * or the one after it when the home slot holds keep's answer. */
static size_t geoip_slot(const struct geoip *g, unsigned family, const uint8_t *addr,
			 size_t alen, size_t keep, bool *hit)
{
	uint64_t h = mix_bytes(addr, alen, g->seed ^ family);
	size_t home = (size_t)h & (GEOIP_CACHE_SLOTS - 1), i, at;

	for (i = 0; i < GEOIP_PROBE; i++) {
		const struct geoip_key *k = &g->key[at = (home + i) & (GEOIP_CACHE_SLOTS - 1)];

		if (k->gen != g->gen) {
			*hit = false;
			return at;
		}
		if (geoip_key_eq(k, family, addr)) {
			*hit = true;
			return at;
		}
	}
	*hit = false;
	return home != keep ? home : (home + 1) & (GEOIP_CACHE_SLOTS - 1);
}

/* Slot i filled with the answer for (family, addr). */
static void geoip_fill(struct geoip *g, size_t i, unsigned family, const uint8_t addr[16],
		       size_t alen)
{
	struct geoip_key *k = &g->key[i];
	struct geoip_info *o = &g->info[i];
	const struct kb_addr *row;

	memset(o, 0, sizeof(*o));
	o->id = __atomic_add_fetch(&geoip_ids, 1, __ATOMIC_RELAXED);
	k->gen = g->gen;
	k->family = (uint8_t)family;
	memset(k->addr, 0, sizeof(k->addr));
	memcpy(k->addr, addr, alen);
	row = g->kb ? kb_addr_lookup(g->kb, family, addr) : NULL;
	if (row && geoip_skip_class(row->cls)) {
		g->st.skipped++;
		o->status = GEOIP_ST_SKIPPED;
		return;
	}
	g->st.lookups++;
	geoip_lookup_files(g, family, addr, o);
	o->status = o->have ? GEOIP_ST_FOUND : GEOIP_ST_MISS;
	if (!o->have)
		g->st.misses++;
}

const struct geoip_info *geoip_ref(struct geoip *g, unsigned family, const uint8_t addr[16],
				   const struct geoip_info *keep)
{
	size_t alen = family == 4 ? 4 : 16, i;
	bool hit;

	if (!g || !g->n || (family != 4 && family != 6))
		return &geoip_none;
	i = geoip_slot(g, family, addr, alen,
		       keep && keep >= g->info && keep < g->info + GEOIP_CACHE_SLOTS ?
		       (size_t)(keep - g->info) : GEOIP_CACHE_SLOTS, &hit);
	if (!hit) {
		geoip_fill(g, i, family, addr, alen);
		return &g->info[i];
	}
	g->st.cache_hits++;
	if (g->info[i].status != GEOIP_ST_SKIPPED)
		g->st.lookups++;
	return &g->info[i];
}

enum geoip_status geoip_lookup(struct geoip *g, unsigned family, const uint8_t addr[16],
			       struct geoip_info *out)
{
	const struct geoip_info *i = geoip_ref(g, family, addr, NULL);

	if (i == &geoip_none) {
		out->status = GEOIP_ST_NONE;
		out->have = 0;
		return GEOIP_ST_NONE;
	}
	*out = *i;
	return out->status;
}

void geoip_rec_ref(struct geoip *g, const struct ring_rec *r, const struct geoip_info **src,
		   const struct geoip_info **dst)
{
	const uint8_t local = RING_AF_OWN | RING_AF_SUBNET | RING_AF_BCAST | RING_AF_LIMITED |
			      RING_AF_MCAST;

	*src = *dst = &geoip_none;
	if (!g || !g->n || (r->family != 4 && r->family != 6) ||
	    r->status == RING_ST_INVALID)
		return;
	*src = geoip_ref(g, r->family, r->saddr, NULL);
	/* The destination is usually this host: nothing to say about it. */
	if ((r->klass.dst_facts & RING_AF_KNOWN) && (r->klass.dst_facts & local))
		return;
	*dst = geoip_ref(g, r->family, r->daddr, *src);
}

void geoip_rec(struct geoip *g, const struct ring_rec *r, struct geoip_info *src,
	       struct geoip_info *dst)
{
	const struct geoip_info *s, *d;

	geoip_rec_ref(g, r, &s, &d);
	if (s == &geoip_none) {
		src->status = GEOIP_ST_NONE;
		src->have = 0;
	} else {
		*src = *s;
	}
	if (d == &geoip_none) {
		dst->status = GEOIP_ST_NONE;
		dst->have = 0;
	} else {
		*dst = *d;
	}
}

#if NFLOGD_HAVE_MAXMINDDB
/* File i again if it was replaced: 1 reopened, 0 unchanged, -1 failed. */
static int geoip_refresh_one(struct geoip *g, size_t i, char *err, size_t errlen)
{
	struct geoip_file *f = &g->f[i], nf;
	struct stat st;

	/* Gone for a moment (a replacement not yet renamed in): later. */
	if (stat(f->path, &st) != 0)
		return 0;
	if (st.st_dev == f->dev && st.st_ino == f->ino && st.st_size == f->size &&
	    st.st_mtim.tv_sec == f->mtime.tv_sec && st.st_mtim.tv_nsec == f->mtime.tv_nsec)
		return 0;
	memset(&nf, 0, sizeof(nf));
	if (geoip_file_open(&nf, f->path, err, errlen) != 0) {
		/* Do not try again each second for the same bad file. */
		f->dev = st.st_dev;
		f->ino = st.st_ino;
		f->size = st.st_size;
		f->mtime = st.st_mtim;
		return -1;
	}
	if (nf.provides != f->provides) {
		errbuf_set(err, errlen, "%s: replaced by a '%s' database, not '%s' like before; "
			   "keeping the one open", f->path, nf.type, f->type);
		f->dev = st.st_dev;
		f->ino = st.st_ino;
		f->size = st.st_size;
		f->mtime = st.st_mtim;
		MMDB_close(&nf.db);
		return -1;
	}
	/* Swap: the new one is open, the old one can go. */
	nf.path = f->path;
	MMDB_close(&f->db);
	geoip_dc_free(f->dc);	/* offsets into the old file */
	*f = nf;
	return 1;
}
#endif

int geoip_refresh(struct geoip *g, int64_t now_s, char *err, size_t errlen)
{
	int n = 0, bad = 0;
#if NFLOGD_HAVE_MAXMINDDB
	size_t i;
	int rc;
#endif

	if (!g || !g->n || (g->checked_once && g->checked == now_s))
		return 0;
	g->checked = now_s;
	g->checked_once = true;
#if NFLOGD_HAVE_MAXMINDDB
	for (i = 0; i < g->n; i++) {
		char e[512];

		rc = geoip_refresh_one(g, i, e, sizeof(e));
		if (rc > 0)
			n++;
		else if (rc < 0 && !bad++)
			errbuf_set(err, errlen, "%s", e);
	}
#endif
	if (n) {
		g->gen++;	/* every cached answer is stale */
		if (!g->gen)
			g->gen = 1;
		g->st.reopens += (uint64_t)n;
	}
	return bad ? -1 : n;
}
