/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nftlist.c - attribution: the live ruleset's rules that log, with the
 * NFLOG group and prefix they log under, read back through libnftnl. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <libmnl/libmnl.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "ruleset/nftio.h"
#include "ruleset/nftrules.h"

struct nftrules_list {
	struct nftrules_logrule	*v;
	size_t			 n, cap;
	int			 enomem;
};

static const char *nftrules_family_name(uint32_t f)
{
	switch (f) {
	case NFPROTO_INET:	return "inet";
	case NFPROTO_IPV4:	return "ip";
	case NFPROTO_IPV6:	return "ip6";
	case NFPROTO_ARP:	return "arp";
	case NFPROTO_BRIDGE:	return "bridge";
	case NFPROTO_NETDEV:	return "netdev";
	default:		return "unknown";
	}
}

static int nftrules_rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftrules_list *l = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftrules_logrule lr;
	struct nftnl_expr_iter *it;
	struct nftnl_expr *e;
	int have_log = 0;

	if (!r) {
		l->enomem = 1;
		return MNL_CB_ERROR;
	}
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0)
		goto out;
	memset(&lr, 0, sizeof(lr));
	it = nftnl_expr_iter_create(r);
	if (!it) {
		l->enomem = 1;
		goto out;
	}
	while ((e = nftnl_expr_iter_next(it)) != NULL) {
		const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

		if (!name)
			continue;
		if (!strcmp(name, "log") && !have_log) {
			have_log = 1;
			if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_GROUP)) {
				lr.has_group = true;
				lr.group = nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_GROUP);
			}
			if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_PREFIX))
				snprintf(lr.prefix, sizeof(lr.prefix), "%s",
					 nftnl_expr_get_str(e, NFTNL_EXPR_LOG_PREFIX));
		} else if (!strcmp(name, "counter") && !lr.has_counter) {
			lr.has_counter = true;
			lr.packets = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
			lr.bytes = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
		}
	}
	nftnl_expr_iter_destroy(it);
	if (!have_log)
		goto out;
	snprintf(lr.family, sizeof(lr.family), "%s",
		 nftrules_family_name(nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY)));
	snprintf(lr.table, sizeof(lr.table), "%s", nftnl_rule_get_str(r, NFTNL_RULE_TABLE));
	snprintf(lr.chain, sizeof(lr.chain), "%s", nftnl_rule_get_str(r, NFTNL_RULE_CHAIN));
	lr.handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	if (nftnl_rule_is_set(r, NFTNL_RULE_USERDATA)) {
		uint32_t len = 0;
		const void *ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);

		nftio_comment(ud, len, lr.comment, sizeof(lr.comment));
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct nftrules_logrule *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			l->enomem = 1;
			goto out;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = lr;
out:
	nftnl_rule_free(r);
	return l->enomem ? MNL_CB_ERROR : MNL_CB_OK;
}

int nftrules_list_log(struct nftrules_logrule **out, size_t *n, char *err, size_t errlen)
{
	struct nftrules_list l = { 0 };
	struct nftio nl;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = nftio_open(&nl, err, errlen)) < 0)
		return rc;
	rc = nftio_dump(&nl, NFT_MSG_GETRULE, NFPROTO_UNSPEC, nftrules_rule_cb, &l,
			   err, errlen);
	nftio_close(&nl);
	if (l.enomem)
		rc = nftio_errno(ENOMEM, "reading the ruleset", err, errlen);
	if (rc < 0) {
		free(l.v);
		return rc;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}
