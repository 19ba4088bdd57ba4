/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recfilter.h - which ring records `nflogctl read` and `alerts` show.
 *
 * The filter options (--src, --dst, --port, --sport, --proto, --verdict,
 * --kb, --type) are added one value at a time into a compiled filter, which
 * then says of each record whether it is shown. Different keys must all
 * match; several values of one key are alternatives (any may match). A key
 * a record has no field for never matches it: --sport and an alert, --type
 * and a drop. Pure: no I/O, no allocation; the kb is only read.
 */
#ifndef NFLOGD_RECFILTER_H
#define NFLOGD_RECFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify/kb.h"
#include "ring/ringfmt.h"

enum recfilter_key {
	RECFILTER_SRC,		/* source ADDR[/PREFIX], IPv4 or IPv6 */
	RECFILTER_DST,		/* destination ADDR[/PREFIX] (an alert's target) */
	RECFILTER_PORT,		/* destination port (an alert: within its port range) */
	RECFILTER_SPORT,	/* source port (drops only) */
	RECFILTER_PROTO,	/* tcp, udp, icmp, icmpv6 or a protocol number */
	RECFILTER_VERDICT,	/* kb_verdict_name(): unknown .. hostile */
	RECFILTER_KB,		/* kb category name (as explain shows it) */
	RECFILTER_TYPE,		/* alert type: ring_alert_type_name(), or scan, decoy */
	__RECFILTER_KEYS,
};

#define RECFILTER_VALUES_MAX	16	/* values per address or port key */

struct recfilter_net {
	uint8_t	family;			/* 4 or 6 */
	uint8_t	plen;			/* prefix length, bits */
	uint8_t	addr[16];		/* host bits clear, IPv4 in the first 4 */
};

/* Set up by recfilter_init(), filled by recfilter_add(); plain data, so it
 * may be copied. The sets are bitmaps where the values are small. */
struct recfilter {
	const struct kb		*kb;	/* for an alert's kb row (--kb) */
	uint32_t		 keys;	/* 1 << key for each key given */
	struct recfilter_net	 src[RECFILTER_VALUES_MAX], dst[RECFILTER_VALUES_MAX];
	uint16_t		 port[RECFILTER_VALUES_MAX], sport[RECFILTER_VALUES_MAX];
	uint8_t			 nsrc, ndst, nport, nsport;
	uint8_t			 verdicts;	/* 1 << enum kb_verdict */
	uint32_t		 types;		/* 1 << enum ring_alert_type */
	uint8_t			 protos[32];	/* bit per IP protocol number */
	uint8_t			 cats[32];	/* bit per kb category id */
};

/* recfilter_init - an empty filter (matches everything) reading kb. */
void recfilter_init(struct recfilter *f, const struct kb *kb);

/* recfilter_add - one value of key, as the user wrote it. 0, or -EINVAL
 * (not understood, or key out of range) / -ENOSPC (too many values) with a
 * one-line reason in err that names the option ("--port: ..."). */
int recfilter_add(struct recfilter *f, enum recfilter_key key, const char *value,
		  char *err, size_t errlen);

/* recfilter_key_option - "--src", ... for key; NULL out of range. */
const char *recfilter_key_option(enum recfilter_key key);

/* recfilter_active - some value was added: the filter can reject records. */
static inline bool recfilter_active(const struct recfilter *f)
{
	return f->keys != 0;
}

/* recfilter_match - record r (a drop, or an alert held as a ring_rec) is
 * shown: every key given matches it. */
bool recfilter_match(const struct recfilter *f, const struct ring_rec *r);

#endif
