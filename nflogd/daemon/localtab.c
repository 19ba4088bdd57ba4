/* SPDX-License-Identifier: GPL-2.0-or-later */
/* localtab.c - the host's live address table for the capture threads: rtnetlink in, one pointer swap out.
 *
 * The main thread owns everything here. rtnetlink messages go into a
 * mutable builder (localnet/addrtab.h); when it changed, a frozen copy is
 * published through a qswap and the copy it replaced is freed once every
 * capture thread has passed a quiescent point (util/qswap.h). Up to
 * LOCALTAB_PENDING replaced copies may wait at once; a change beyond that
 * waits for the next tick, so `ip addr add` shows within about a second.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "daemon/localtab.h"
#include "localnet/addrtab.h"
#include "localnet/rtnl.h"
#include "util/errbuf.h"
#include "util/log.h"
#include "util/qswap.h"

#define LOCALTAB_PENDING	8	/* replaced tables waiting to be freed */

struct localtab_old {
	struct addrtab	*tab;
	uint64_t	 epoch;		/* every reader must pass it first */
};

struct localtab {
	struct qswap		 swap;
	struct addrtab_build	*build;
	struct rtnl		*rtnl;
	struct addrtab		*cur;		/* published */
	uint64_t		 cur_gen;	/* builder generation cur was made from */
	struct localtab_old	 old[LOCALTAB_PENDING];
	unsigned		 nold;
	uint64_t		 redumps;
	uint64_t		 overflow_logged;
	uint64_t		 bad_logged;
	bool			 read_failed;	/* said once */
};

/* Free the replaced tables no capture thread can still hold. */
static void localtab_reap(struct localtab *l, bool force)
{
	unsigned i = 0;

	while (i < l->nold) {
		if (force || qswap_passed(&l->swap, l->old[i].epoch)) {
			addrtab_free(l->old[i].tab);
			l->old[i] = l->old[--l->nold];
		} else {
			i++;
		}
	}
}

/* Say once what the builder refused, and when malformed messages come. */
static void localtab_report(struct localtab *l)
{
	const struct addrtab_counts *c = addrtab_build_counts(l->build);

	if (c->overflow && !l->overflow_logged) {
		log_msg(LOG_WARNING, "local addresses: more than %u on this host; the rest are "
			"not classified as own/local", ADDRTAB_ADDRS_MAX);
		l->overflow_logged = c->overflow;
	}
	if (c->bad_msg > l->bad_logged) {
		log_msg(LOG_WARNING, "local addresses: %llu malformed rtnetlink message%s skipped",
			(unsigned long long)(c->bad_msg - l->bad_logged),
			c->bad_msg - l->bad_logged == 1 ? "" : "s");
		l->bad_logged = c->bad_msg;
	}
}

/* Publish the builder's state when it differs from what readers have. */
static void localtab_publish(struct localtab *l)
{
	uint64_t gen = addrtab_build_gen(l->build);
	struct addrtab *t;

	if (gen == l->cur_gen || l->nold == LOCALTAB_PENDING)
		return;			/* unchanged, or wait for the next tick */
	t = addrtab_freeze(l->build);
	if (!t) {
		log_msg(LOG_ERR, "local addresses: %s; keeping the previous table",
			strerror(errno));
		return;
	}
	l->old[l->nold].tab = l->cur;
	l->old[l->nold].epoch = qswap_publish(&l->swap, t);
	l->nold++;
	l->cur = t;
	l->cur_gen = gen;
}

struct localtab *localtab_open(uint32_t nreaders, char *err, size_t errlen)
{
	struct localtab *l = calloc(1, sizeof(*l));

	if (!l || !(l->build = addrtab_build_new())) {
		free(l);
		errbuf_set(err, errlen, "local addresses: out of memory");
		return NULL;
	}
	l->rtnl = rtnl_open(l->build, err, errlen);
	if (!l->rtnl) {
		addrtab_build_free(l->build);
		free(l);
		return NULL;
	}
	l->cur = addrtab_freeze(l->build);
	if (!l->cur) {
		errbuf_set(err, errlen, "local addresses: %s", strerror(errno));
		localtab_close(l);
		return NULL;
	}
	l->cur_gen = addrtab_build_gen(l->build);
	qswap_init(&l->swap, l->cur, nreaders);
	localtab_report(l);
	return l;
}

struct qswap *localtab_swap(struct localtab *l)
{
	return &l->swap;
}

int localtab_fd(const struct localtab *l)
{
	return rtnl_fd(l->rtnl);
}

void localtab_update(struct localtab *l)
{
	char err[256];

	localtab_reap(l, false);
	if (rtnl_read(l->rtnl, l->build, &l->redumps, err, sizeof(err)) < 0 && !l->read_failed) {
		log_msg(LOG_ERR, "local addresses: %s; the table may go stale", err);
		l->read_failed = true;
	}
	localtab_report(l);
	localtab_publish(l);
}

void localtab_counts(const struct localtab *l, struct localtab_counts *c)
{
	const struct addrtab_counts *b = addrtab_build_counts(l->build);

	c->addrs = addrtab_naddrs(l->cur);
	c->redumps = l->redumps;
	c->bad_msgs = b->bad_msg;
	c->overflow = b->overflow;
}

void localtab_close(struct localtab *l)
{
	if (!l)
		return;
	localtab_reap(l, true);
	addrtab_free(l->cur);
	rtnl_close(l->rtnl);
	addrtab_build_free(l->build);
	free(l);
}
