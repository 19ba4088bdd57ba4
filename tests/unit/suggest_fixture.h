/* SPDX-License-Identifier: GPL-2.0-or-later */
/* suggest_fixture.h - record and alert builders and the fixture of the test_suggest*.c tests.
 *
 * Drop records are built the way the capture thread fills them: addresses,
 * ports, group, the classifier's verdict and tags, and kb ids looked up in
 * kb_builtin() as classify.c would. Alerts carry what the correlator writes.
 * Each test feeds alerts first, then drops, finishes, and checks the counts
 * and the script or JSON text (substrings: the layout is for people).
 */
#ifndef NFLOGD_TESTS_SUGGEST_FIXTURE_H
#define NFLOGD_TESTS_SUGGEST_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/kb.h"
#include "ruleset/nftnames.h"
#include "suggest/suggest.h"

#define BASE_NS		1700000000000000000ull	/* records' clock: 2023-11-14 */
#define SEC		1000000000ull
#define CAT_DYNAMIC	5			/* kb/categories.tsv */

#define assert_has(hay, needle) do {						\
	if (!strstr((hay), (needle))) {						\
		print_message("missing: %s\n--- output ---\n%s\n", (needle), (hay));	\
		fail();								\
	}									\
} while (0)
#define assert_lacks(hay, needle) do {						\
	if (strstr((hay), (needle))) {						\
		print_message("unexpected: %s\n--- output ---\n%s\n", (needle), (hay));	\
		fail();								\
	}									\
} while (0)

/* ---- builders ---------------------------------------------------------- */

static inline unsigned addr(uint8_t a[16], const char *text)
{
	memset(a, 0, 16);
	if (strchr(text, ':')) {
		assert_int_equal(inet_pton(AF_INET6, text, a), 1);
		return 6;
	}
	assert_int_equal(inet_pton(AF_INET, text, a), 1);
	return 4;
}

/* A TCP/UDP drop, classified: kb rows as classify.c picks them. */
static inline struct ring_rec rec(const char *src, const char *dst, uint8_t proto, uint16_t sport,
				  uint16_t dport, uint8_t verdict, uint32_t tags, uint64_t ts)
{
	const struct kb_port *dp, *sp;
	struct ring_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = RING_KIND_DROP;
	r.family = (uint8_t)addr(r.saddr, src);
	assert_int_equal(addr(r.daddr, dst), r.family);
	r.proto = proto;
	r.status = RING_ST_OK;
	r.ttl = 52;
	r.sport = sport;
	r.dport = dport;
	r.group = 10;
	r.ts_ns = ts ? ts : BASE_NS;
	dp = kb_port_lookup(kb_builtin(), KB_DIR_DST, proto, dport);
	sp = kb_port_lookup(kb_builtin(), KB_DIR_SRC, proto, sport);
	r.klass.kb_dport = dp ? dp->id : 0;
	r.klass.kb_sport = sp ? sp->id : 0;
	r.klass.kb_id = sp && (!dp || dp->category == CAT_DYNAMIC) ? sp->id : dp ? dp->id : 0;
	r.klass.verdict = verdict;
	r.klass.tags = tags;
	if (r.klass.kb_id)	/* as classify.c does: the informative row's category */
		r.klass.category = kb_port_by_id(kb_builtin(), r.klass.kb_id)->category;
	return r;
}

static inline struct ring_rec icmp_rec(const char *src, const char *dst, uint8_t type, uint8_t code)
{
	struct ring_rec r = rec(src, dst, 0, 0, 0, KB_VERDICT_NOISE, 0, 0);
	const struct kb_icmp *row;

	r.proto = r.family == 6 ? 58 : 1;
	r.icmp_type = type;
	r.icmp_code = code;
	row = kb_icmp_lookup(kb_builtin(), r.family, type, code);
	r.klass.kb_icmp = row ? row->id : 0;
	r.klass.verdict = row ? row->verdict : 0;
	return r;
}

/* An alert as the correlator writes it (OPEN, 120 ports by SYN scan). */
static inline struct ring_alert alert(uint32_t id, uint8_t type, uint8_t verdict, const char *src,
				      const char *dst, uint64_t ts)
{
	struct ring_alert a;

	memset(&a, 0, sizeof(a));
	a.kind = RING_KIND_ALERT;
	a.alert_id = id;
	a.type = type;
	a.state = RING_ALERT_OPEN;
	a.verdict = verdict;
	a.family = (uint8_t)addr(a.saddr, src);
	addr(a.daddr, dst);
	a.proto = 6;
	a.ts_ns = ts ? ts : BASE_NS;
	a.last_seen = a.ts_ns;
	a.first_seen = a.ts_ns - 5 * SEC;
	a.ports = 120;
	a.targets = 1;
	a.sources = 1;
	a.packets = 130;
	a.port_lo = 1;
	a.port_hi = 1024;
	a.scan_tags = RING_ALERT_SCAN_SYN;
	return a;
}

/* ---- fixture ----------------------------------------------------------- */

struct fx {
	struct cidrlist		*own, *allow;
	struct suggest_logrule	 rules[8];
	struct suggest_cfg	 cfg;
	struct suggest		*s;
	char			*out;
};

static inline void fx_list(struct cidrlist *l, const char *text)
{
	unsigned family, plen;
	uint8_t a[16];
	char err[128];

	assert_int_equal(cidrlist_parse(text, &family, a, &plen, err, sizeof(err)), 0);
	assert_int_equal(cidrlist_add(l, family, a, plen), 0);
}

static inline void fx_rule(struct suggest_logrule *r, uint16_t group, const char *prefix,
			   const char *family, const char *table, const char *chain, uint64_t handle)
{
	memset(r, 0, sizeof(*r));
	r->group = group;
	snprintf(r->prefix, sizeof(r->prefix), "%s", prefix);
	snprintf(r->family, sizeof(r->family), "%s", family);
	snprintf(r->table, sizeof(r->table), "%s", table);
	snprintf(r->chain, sizeof(r->chain), "%s", chain);
	r->handle = handle;
}

static inline int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->own = cidrlist_new();
	f->allow = cidrlist_new();
	if (!f->own || !f->allow)
		return -1;
	fx_list(f->own, "192.0.2.1");
	fx_list(f->own, "192.0.2.255");
	fx_list(f->own, "2001:db8::1");
	fx_list(f->allow, "198.51.100.0/24");
	fx_rule(&f->rules[0], 10, NFT_PREFIX_DROP, "inet", "filter", "input", 7);
	f->cfg.kb = kb_builtin();
	f->cfg.allow = f->allow;
	f->cfg.own = f->own;
	f->cfg.logrules = f->rules;
	f->cfg.nlogrules = 1;
	f->cfg.ruleset_known = true;
	f->cfg.own_table_installed = true;
	f->cfg.log_group = 10;
	f->cfg.now_ns = BASE_NS + 3600 * SEC;
	f->cfg.ring_path = "/var/lib/nflogd/ring";
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fx *f = *state;

	suggest_free(f->s);
	cidrlist_free(f->own);
	cidrlist_free(f->allow);
	free(f->out);
	free(f);
	return 0;
}

static inline struct suggest *fx_new(struct fx *f)
{
	suggest_free(f->s);
	f->s = suggest_new(&f->cfg);
	assert_non_null(f->s);
	return f->s;
}

static inline void fx_drop(struct fx *f, const struct ring_rec *r, const char *prefix)
{
	assert_int_equal(suggest_add_drop(f->s, r, prefix), 0);
}

/* n copies of r, each a second after the one before. */
static inline void fx_drops(struct fx *f, struct ring_rec r, unsigned n, const char *prefix)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		r.ts_ns += SEC;
		fx_drop(f, &r, prefix);
	}
}

static inline void fx_alert(struct fx *f, const struct ring_alert *a)
{
	assert_int_equal(suggest_add_alert(f->s, a), 0);
}

static inline void fx_finish(struct fx *f)
{
	assert_int_equal(suggest_finish(f->s), 0);
}

static inline const char *fx_write(struct fx *f, bool json)
{
	size_t len = 0;
	FILE *m;

	free(f->out);
	f->out = NULL;
	m = open_memstream(&f->out, &len);
	assert_non_null(m);
	if (json)
		assert_int_equal(suggest_write_json(f->s, m), 0);
	else
		assert_int_equal(suggest_write_nft(f->s, m), 0);
	assert_int_equal(fclose(m), 0);
	return f->out;
}

static inline const char *fx_nft(struct fx *f)
{
	return fx_write(f, false);
}

static inline const char *fx_json(struct fx *f)
{
	return fx_write(f, true);
}

static inline const struct suggest_block *fx_block(struct fx *f, const char *src)
{
	const struct suggest_block *b;
	uint8_t a[16];
	unsigned fam = addr(a, src);
	size_t i, n = suggest_blocks(f->s, &b);

	for (i = 0; i < n; i++)
		if (b[i].family == fam && !memcmp(b[i].addr, a, 16))
			return &b[i];
	return NULL;
}

#endif
