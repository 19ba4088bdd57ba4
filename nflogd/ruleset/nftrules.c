/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nftrules.c - nflogd's own table and its timed blocks,
 * through libnftnl over libmnl: no `nft` process, one atomic batch per change.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "util/errbuf.h"
#include "ruleset/nftio.h"
#include "ruleset/nftnames.h"
#include "ruleset/nftrules.h"

/* nft's own data type ids (src/datatype.h), which `nft list` uses to print
 * set keys: ours must match for the listing to read like nft's. */
#define NFT_DTYPE_INTEGER	4
#define NFT_DTYPE_IPADDR	7
#define NFT_DTYPE_IP6ADDR	8
#define NFT_BYTEORDER_HOST	1
#define NFT_BYTEORDER_BIG	2
#define NFTRULES_ELEMS_MSG	128	/* set elements per message: far below the limit */
#define NFTRULES_ELEMS_MAX	2048	/* per --apply: well inside one batch */

/* ---- reading tables ---- */

struct nftrules_find {
	const char	*table;
	int		 found;
	char		*comment;
	size_t		 len;
};
static int nftrules_table_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftrules_find *f = data;
	struct nftnl_table *t = nftnl_table_alloc();
	const char *name;

	if (!t)
		return MNL_CB_ERROR;
	if (nftnl_table_nlmsg_parse(nlh, t) == 0 &&
	    (name = nftnl_table_get_str(t, NFTNL_TABLE_NAME)) && !strcmp(name, f->table)) {
		uint32_t len = 0;
		const void *ud = nftnl_table_get_data(t, NFTNL_TABLE_USERDATA, &len);

		f->found = 1;
		nftio_comment(ud, len, f->comment, f->len);
	}
	nftnl_table_free(t);
	return MNL_CB_OK;
}

static int nftrules_marker_nl(struct nftio *nl, const char *table, char *buf, size_t len,
			      char *err, size_t errlen)
{
	struct nftrules_find f = { .table = table, .comment = buf, .len = len };
	int rc;

	buf[0] = '\0';
	rc = nftio_dump(nl, NFT_MSG_GETTABLE, NFPROTO_INET, nftrules_table_cb, &f,
			   err, errlen);
	return rc < 0 ? rc : f.found;
}

int nftrules_own_marker(const char *table, char *buf, size_t len, char *err, size_t errlen)
{
	struct nftio nl;
	int rc;

	if ((rc = nftio_open(&nl, err, errlen)) < 0)
		return rc;
	rc = nftrules_marker_nl(&nl, table, buf, len, err, errlen);
	nftio_close(&nl);
	return rc;
}

/* ---- building nflogd's own table ---- */

/* Expressions are added to the rule, which frees them with itself. */
static int nftrules_expr(struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (!e)
		return -ENOMEM;
	nftnl_rule_add_expr(r, e);
	return 0;
}

static int nftrules_add_counter_log_drop(struct nftnl_rule *r, const char *prefix,
					 uint16_t group, const char *comment)
{
	struct nftnl_udata_buf *ud;
	struct nftnl_expr *e;

	if (!(ud = nftnl_udata_buf_alloc(NFTNL_UDATA_COMMENT_MAXLEN + 8)))
		return -ENOMEM;
	nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, comment);
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
			    nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);

	if (nftrules_expr(r, nftnl_expr_alloc("counter")) < 0 ||
	    !(e = nftnl_expr_alloc("log")))
		return -ENOMEM;
	nftnl_expr_set_str(e, NFTNL_EXPR_LOG_PREFIX, prefix);
	nftnl_expr_set_u16(e, NFTNL_EXPR_LOG_GROUP, group);
	nftrules_expr(r, e);
	if (!(e = nftnl_expr_alloc("immediate")))
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_DROP);
	return nftrules_expr(r, e);
}

/* `ip saddr @set jump chain` (family 4) or `ip6 saddr @set jump chain`. */
static int nftrules_add_saddr_lookup_jump(struct nftnl_rule *r, unsigned family,
					  const char *set, uint32_t set_id, const char *chain)
{
	uint8_t proto = family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
	struct nftnl_expr *e;

	if (!(e = nftnl_expr_alloc("meta")))
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_NFPROTO);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftrules_expr(r, e);
	if (!(e = nftnl_expr_alloc("cmp")))
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, &proto, sizeof(proto));
	nftrules_expr(r, e);
	if (!(e = nftnl_expr_alloc("payload")))
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, family == 4 ? 12 : 8);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, family == 4 ? 4 : 16);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftrules_expr(r, e);
	if (!(e = nftnl_expr_alloc("lookup")))
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, set_id);
	nftrules_expr(r, e);
	if (!(e = nftnl_expr_alloc("immediate")))
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)NFT_JUMP);
	nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	return nftrules_expr(r, e);
}

/* `meta cpu vmap @map`: the anonymous map was added to the batch as set_id. */
static int nftrules_add_cpu_vmap(struct nftnl_rule *r, const char *map, uint32_t set_id)
{
	struct nftnl_expr *e;

	if (!(e = nftnl_expr_alloc("meta")))
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_CPU);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftrules_expr(r, e);
	if (!(e = nftnl_expr_alloc("lookup")))
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, map);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, set_id);
	return nftrules_expr(r, e);
}

static int nftrules_put_rule(struct nftio_batch *bt, struct nftnl_rule *r)
{
	struct nlmsghdr *nlh = nftio_batch_msg(bt, NFT_MSG_NEWRULE, NFPROTO_INET,
						  NLM_F_CREATE | NLM_F_APPEND);

	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftio_batch_next(bt);
	nftnl_rule_free(r);
	return 0;
}

static struct nftnl_rule *nftrules_rule(const char *table, const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r)
		return NULL;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	return r;
}

static int nftrules_put_chain(struct nftio_batch *bt, const char *table, const char *name,
			      int base)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c)
		return -ENOMEM;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (base) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_LOCAL_IN);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, NFT_OWN_INPUT_PRIO);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nlh = nftio_batch_msg(bt, NFT_MSG_NEWCHAIN, NFPROTO_INET, NLM_F_CREATE);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftio_batch_next(bt);
	nftnl_chain_free(c);
	return 0;
}

static int nftrules_put_set(struct nftio_batch *bt, struct nftnl_set *s)
{
	struct nlmsghdr *nlh = nftio_batch_msg(bt, NFT_MSG_NEWSET, NFPROTO_INET, NLM_F_CREATE);

	nftnl_set_nlmsg_build_payload(nlh, s);
	nftio_batch_next(bt);
	return 0;
}

static struct nftnl_set *nftrules_addr_set(const char *table, const char *name, unsigned family,
					   uint32_t id)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(64);

	if (!s || !ud) {
		nftnl_set_free(s);
		nftnl_udata_buf_free(ud);
		return NULL;
	}
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_TIMEOUT);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, family == 4 ? NFT_DTYPE_IPADDR : NFT_DTYPE_IP6ADDR);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, family == 4 ? 4 : 16);
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_KEYBYTEORDER, NFT_BYTEORDER_BIG);
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud),
			   nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
	return s;
}

/* The anonymous `meta cpu` verdict map: CPU n -> jump chain_cpuN. */
static int nftrules_put_cpu_map(struct nftio_batch *bt, const char *table, const char *chain,
				uint32_t ncpus, uint32_t id)
{
	/* What nft stores for a `meta cpu` key (host-order integer, typeof
	 * meta cpu), so `nft list` prints the map as nft would have. */
	static const uint8_t cpu_map_udata[] = {
		0x00, 0x04, 0x01, 0x00, 0x00, 0x00,	/* key byte order: host */
		0x01, 0x04, 0x00, 0x00, 0x00, 0x00,	/* data byte order: invalid */
		0x04, 0x08, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
		0x06, 0x04, 0x00, 0x00, 0x00, 0x00,	/* data interval: no */
	};
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh;
	char target[300];
	uint32_t c;

	if (!s)
		return -ENOMEM;
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, "__map%d");
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_ANONYMOUS | NFT_SET_CONSTANT | NFT_SET_MAP);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, NFT_DTYPE_INTEGER);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, sizeof(uint32_t));
	nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
	nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, 0);
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	nftnl_set_set_u32(s, NFTNL_SET_DESC_SIZE, ncpus);
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, cpu_map_udata, sizeof(cpu_map_udata));
	nftrules_put_set(bt, s);
	for (c = 0; c < ncpus; c++) {
		struct nftnl_set_elem *e = nftnl_set_elem_alloc();

		if (!e) {
			nftnl_set_free(s);
			return -ENOMEM;
		}
		snprintf(target, sizeof(target), "%s_cpu%u", chain, c);
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &c, sizeof(c));
		nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_VERDICT, (uint32_t)NFT_JUMP);
		nftnl_set_elem_set_str(e, NFTNL_SET_ELEM_CHAIN, target);
		nftnl_set_elem_add(s, e);
	}
	nlh = nftio_batch_msg(bt, NFT_MSG_NEWSETELEM, NFPROTO_INET, NLM_F_CREATE);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftio_batch_next(bt);
	nftnl_set_free(s);
	return 0;
}

/* The logging chains of nftgen_log_chains(), in the same order. */
static int nftrules_put_log_chains(struct nftio_batch *bt, const struct nftgen_opts *o,
				   const char *chain, const char *prefix, uint32_t *id)
{
	char name[300], comment[NFTGEN_COMMENT_MAX];
	struct nftnl_rule *r;
	uint32_t c;

	for (c = 0; c < o->ncpus; c++) {
		nftgen_comment(o, c, comment, sizeof(comment));
		snprintf(name, sizeof(name), "%s_cpu%u", chain, c);
		if (nftrules_put_chain(bt, o->table, name, 0) < 0 ||
		    !(r = nftrules_rule(o->table, name)))
			return -ENOMEM;
		if (nftrules_add_counter_log_drop(r, prefix, (uint16_t)(o->group + c), comment) < 0) {
			nftnl_rule_free(r);
			return -ENOMEM;
		}
		nftrules_put_rule(bt, r);
	}
	if (nftrules_put_chain(bt, o->table, chain, 0) < 0)
		return -ENOMEM;
	if (o->ncpus) {
		uint32_t map_id = (*id)++;

		if (nftrules_put_cpu_map(bt, o->table, chain, o->ncpus, map_id) < 0 ||
		    !(r = nftrules_rule(o->table, chain)))
			return -ENOMEM;
		if (nftrules_add_cpu_vmap(r, "__map%d", map_id) < 0) {
			nftnl_rule_free(r);
			return -ENOMEM;
		}
		nftrules_put_rule(bt, r);
	}
	if (!(r = nftrules_rule(o->table, chain)))
		return -ENOMEM;
	nftgen_comment(o, o->ncpus, comment, sizeof(comment));
	if (nftrules_add_counter_log_drop(r, prefix, o->group, comment) < 0) {
		nftnl_rule_free(r);
		return -ENOMEM;
	}
	return nftrules_put_rule(bt, r);
}

static int nftrules_put_table(struct nftio_batch *bt, const struct nftgen_opts *o)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFTNL_UDATA_COMMENT_MAXLEN + 8);
	struct nftnl_set *s4 = NULL, *s6 = NULL;
	struct nftnl_rule *r;
	struct nlmsghdr *nlh;
	uint32_t id = 1;
	char marker[64];
	int rc = -ENOMEM;

	if (!t || !ud)
		goto out;
	nftgen_marker(o, marker, sizeof(marker));
	nftnl_udata_put_strz(ud, NFTNL_UDATA_TABLE_COMMENT, marker);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, o->table);
	nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, 0);
	nftnl_table_set_data(t, NFTNL_TABLE_USERDATA, nftnl_udata_buf_data(ud),
			     nftnl_udata_buf_len(ud));
	/* NLM_F_EXCL: if the table appeared since we looked, fail, don't merge. */
	nlh = nftio_batch_msg(bt, NFT_MSG_NEWTABLE, NFPROTO_INET, NLM_F_CREATE | NLM_F_EXCL);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftio_batch_next(bt);

	s4 = nftrules_addr_set(o->table, NFT_OWN_SET4, 4, id++);
	s6 = nftrules_addr_set(o->table, NFT_OWN_SET6, 6, id++);
	if (!s4 || !s6)
		goto out;
	nftrules_put_set(bt, s4);
	nftrules_put_set(bt, s6);
	if (nftrules_put_log_chains(bt, o, NFT_OWN_BLOCKLOG, NFT_PREFIX_BLOCK, &id) < 0)
		goto out;
	if (nftrules_put_chain(bt, o->table, NFT_OWN_INPUT, 1) < 0)
		goto out;
	if (!(r = nftrules_rule(o->table, NFT_OWN_INPUT)))
		goto out;
	if (nftrules_add_saddr_lookup_jump(r, 4, NFT_OWN_SET4, 1, NFT_OWN_BLOCKLOG) < 0) {
		nftnl_rule_free(r);
		goto out;
	}
	nftrules_put_rule(bt, r);
	if (!(r = nftrules_rule(o->table, NFT_OWN_INPUT)))
		goto out;
	if (nftrules_add_saddr_lookup_jump(r, 6, NFT_OWN_SET6, 2, NFT_OWN_BLOCKLOG) < 0) {
		nftnl_rule_free(r);
		goto out;
	}
	nftrules_put_rule(bt, r);
	rc = 0;
out:
	nftnl_set_free(s4);
	nftnl_set_free(s6);
	nftnl_udata_buf_free(ud);
	nftnl_table_free(t);
	return rc;
}

int nftrules_install(const struct nftgen_opts *o, char *err, size_t errlen)
{
	struct nftio_batch bt;
	struct nftio nl;
	char want[64], have[NFTNL_UDATA_COMMENT_MAXLEN + 1];
	int rc;

	if ((rc = nftgen_check(o, err, errlen)) < 0)
		return rc;
	if ((rc = nftio_open(&nl, err, errlen)) < 0)
		return rc;
	nftgen_marker(o, want, sizeof(want));
	rc = nftrules_marker_nl(&nl, o->table, have, sizeof(have), err, errlen);
	if (rc == 1) {
		if (!strcmp(have, want))
			rc = 0;
		else if (nftgen_marker_is_ours(have)) {
			errbuf_set(err, errlen, "table inet %s is installed with other settings "
				     "(\"%s\", wanted \"%s\"): run `nflogctl rules remove` first",
				     o->table, have, want);
			rc = -EEXIST;
		} else {
			errbuf_set(err, errlen, "table inet %s exists and nflogd did not create it; "
				     "not touching it (choose another name with --table)", o->table);
			rc = -EEXIST;
		}
		goto out;
	}
	if (rc < 0)
		goto out;
	nftio_batch_start(&bt, &nl);
	if ((rc = nftrules_put_table(&bt, o)) < 0) {
		mnl_nlmsg_batch_stop(bt.b);
		nftio_errno(-rc, "nflogd table", err, errlen);
		goto out;
	}
	rc = nftio_batch_send(&bt, "installing nflogd's table", err, errlen);
	if (rc == 0)
		rc = 1;
out:
	nftio_close(&nl);
	return rc;
}

int nftrules_remove(const char *table, char *err, size_t errlen)
{
	struct nftio_batch bt;
	struct nftio nl;
	struct nftnl_table *t;
	struct nlmsghdr *nlh;
	char have[NFTNL_UDATA_COMMENT_MAXLEN + 1];
	int rc;

	if ((rc = nftio_open(&nl, err, errlen)) < 0)
		return rc;
	rc = nftrules_marker_nl(&nl, table, have, sizeof(have), err, errlen);
	if (rc <= 0)
		goto out;
	if (!nftgen_marker_is_ours(have)) {
		errbuf_set(err, errlen, "table inet %s was not created by nflogd; not removing it",
			     table);
		rc = -EEXIST;
		goto out;
	}
	if (!(t = nftnl_table_alloc())) {
		rc = nftio_errno(ENOMEM, "nflogd table", err, errlen);
		goto out;
	}
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
	nftio_batch_start(&bt, &nl);
	nlh = nftio_batch_msg(&bt, NFT_MSG_DELTABLE, NFPROTO_INET, 0);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftio_batch_next(&bt);
	nftnl_table_free(t);
	rc = nftio_batch_send(&bt, "removing nflogd's table", err, errlen);
	if (rc == 0)
		rc = 1;
out:
	nftio_close(&nl);
	return rc;
}

/* ---- timed blocks ---- */

/* One NEWSETELEM message for up to NFTRULES_ELEMS_MSG elements of one family. */
static int nftrules_put_elems(struct nftio_batch *bt, const char *table, unsigned family,
			      const struct nftrules_elem *e, size_t n)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh;
	size_t i;

	if (!s)
		return -ENOMEM;
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, family == 4 ? NFT_OWN_SET4 : NFT_OWN_SET6);
	for (i = 0; i < n; i++) {
		struct nftnl_set_elem *el;

		if (e[i].family != family)
			continue;
		if (!(el = nftnl_set_elem_alloc())) {
			nftnl_set_free(s);
			return -ENOMEM;
		}
		nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, e[i].addr, family == 4 ? 4 : 16);
		nftnl_set_elem_set_u64(el, NFTNL_SET_ELEM_TIMEOUT, (uint64_t)e[i].timeout_s * 1000);
		nftnl_set_elem_add(s, el);
	}
	nlh = nftio_batch_msg(bt, NFT_MSG_NEWSETELEM, NFPROTO_INET, NLM_F_CREATE);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftio_batch_next(bt);
	nftnl_set_free(s);
	return 0;
}

int nftrules_add_elems(const char *table, const struct nftrules_elem *e, size_t n,
		       char *err, size_t errlen)
{
	struct nftio_batch bt;
	struct nftio nl;
	char have[NFTNL_UDATA_COMMENT_MAXLEN + 1];
	unsigned family;
	size_t i, j;
	int rc;

	if (n == 0)
		return 0;
	if (n > NFTRULES_ELEMS_MAX) {
		errbuf_set(err, errlen, "%zu set elements at once: at most %u", n,
			     NFTRULES_ELEMS_MAX);
		return -E2BIG;
	}
	for (i = 0; i < n; i++)
		if (e[i].family != 4 && e[i].family != 6) {
			errbuf_set(err, errlen, "set element %zu: family %u", i, e[i].family);
			return -EINVAL;
		}
	if ((rc = nftio_open(&nl, err, errlen)) < 0)
		return rc;
	rc = nftrules_marker_nl(&nl, table, have, sizeof(have), err, errlen);
	if (rc == 0) {
		errbuf_set(err, errlen, "nflogd's table inet %s is not installed: run "
			     "`nflogctl rules install` first", table);
		rc = -ENOENT;
	} else if (rc > 0 && !nftgen_marker_is_ours(have)) {
		errbuf_set(err, errlen, "table inet %s was not created by nflogd; not adding "
			     "to it", table);
		rc = -EEXIST;
	}
	if (rc < 0)
		goto out;
	/* One batch, so the kernel adds all of them or none. */
	nftio_batch_start(&bt, &nl);
	rc = 0;
	for (family = 4; family <= 6 && rc == 0; family += 2) {
		for (i = 0; i < n && rc == 0; i = j) {
			size_t k = 0;

			/* Find the next run holding NFTRULES_ELEMS_MSG of this family. */
			for (j = i; j < n && k < NFTRULES_ELEMS_MSG; j++)
				k += e[j].family == family;
			if (k)
				rc = nftrules_put_elems(&bt, table, family, e + i, j - i);
		}
	}
	if (rc < 0) {
		mnl_nlmsg_batch_stop(bt.b);
		rc = nftio_errno(-rc, "set elements", err, errlen);
		goto out;
	}
	rc = nftio_batch_send(&bt, "adding set elements", err, errlen);
out:
	nftio_close(&nl);
	return rc;
}
