/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlsuggest.c - one run of the suggestion engine over a ring, with the
 * allowlist, this host's addresses and the live ruleset's log rules it
 * needs (ctlsuggest.h): shared by `nflogctl suggest` and `nflogctl report`.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <net/if.h>
#include <netinet/in.h>

#include "ctl/ctlcommon.h"
#include "ctl/ctlsuggest.h"
#include "ctl/ctlsuggest_geo.h"
#include "ring/ringread.h"
#include "ruleset/nftgen.h"
#include "ruleset/nftnames.h"
#include "ruleset/nftrules.h"
#include "util/cidrlist.h"

/* The host's own addresses and IPv4 broadcast addresses: never blocked. */
static int ctl_own_addrs(struct cidrlist *own)
{
	struct ifaddrs *ifa, *i;
	uint8_t a[16];

	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		memset(a, 0, sizeof(a));
		if (i->ifa_addr->sa_family == AF_INET) {
			memcpy(a, &((const struct sockaddr_in *)(const void *)i->ifa_addr)->sin_addr, 4);
			cidrlist_add(own, 4, a, 32);
			if ((i->ifa_flags & IFF_BROADCAST) && i->ifa_broadaddr) {
				memcpy(a, &((const struct sockaddr_in *)(const void *)
					    i->ifa_broadaddr)->sin_addr, 4);
				cidrlist_add(own, 4, a, 32);
			}
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			memcpy(a, &((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr,
			       16);
			cidrlist_add(own, 6, a, 128);
		}
	}
	freeifaddrs(ifa);
	return 0;
}

/* Alerts first (decoy membership is decided as drops arrive), then drops. */
static int ctl_feed(struct ring_reader *rr, struct suggest *sg, uint64_t *skipped)
{
	uint32_t s, nsegs = ringread_nsegs(rr);
	uint64_t slots = ringread_slots(rr);
	int pass, rc;

	for (pass = 0; pass < 2; pass++) {
		for (s = 0; s < nsegs; s++) {
			const struct ring_seg_hdr *h = ringread_seg(rr, s);
			uint64_t head = ringread_head(rr, s), pos;

			if ((pass == 0) != (h->role == RING_SEG_ALERT))
				continue;
			for (pos = head > slots ? head - slots : 0; pos < head; pos++) {
				union {
					struct ring_rec	  rec;
					struct ring_alert alert;
				} u;
				char pfx[RING_PREFIX_LEN];

				if (ringread_get(rr, s, pos, &u.rec) != RINGREAD_OK) {
					(*skipped)++;
					continue;
				}
				if (u.rec.kind == RING_KIND_ALERT)
					rc = pass == 0 ? suggest_add_alert(sg, &u.alert) : 0;
				else if (u.rec.kind == RING_KIND_DROP && pass == 1)
					rc = suggest_add_drop(sg, &u.rec,
							      ringread_prefix(rr, s, u.rec.prefix_id,
									      pfx, sizeof(pfx)));
				else
					rc = 0;
				if (rc < 0)
					return rc;
			}
		}
	}
	return 0;
}

static uint16_t ctl_first_group(const struct ring_reader *rr)
{
	uint32_t s;

	for (s = 0; s < ringread_nsegs(rr); s++)
		if (ringread_seg(rr, s)->role == RING_SEG_CAPTURE)
			return (uint16_t)ringread_seg(rr, s)->group;
	return 0;
}

/* Log rules of the live ruleset as the engine wants them; false if unreadable. */
static bool ctl_logrules(struct suggest_logrule **out, size_t *n)
{
	struct nftrules_logrule *v;
	size_t nv, i;
	char err[512];

	*out = NULL;
	*n = 0;
	if (nftrules_list_log(&v, &nv, err, sizeof(err)) < 0) {
		fprintf(stderr, "nflogctl: note: %s; suggestions that belong just before your "
			"log rule are printed as comments\n", err);
		return false;
	}
	*out = calloc(nv ? nv : 1, sizeof(**out));
	if (!*out) {
		free(v);
		return false;
	}
	for (i = 0; i < nv; i++) {
		struct suggest_logrule *l;

		if (!v[i].has_group)
			continue;
		l = &(*out)[(*n)++];
		l->group = v[i].group;
		snprintf(l->prefix, sizeof(l->prefix), "%s", v[i].prefix);
		snprintf(l->family, sizeof(l->family), "%s", v[i].family);
		snprintf(l->table, sizeof(l->table), "%s", v[i].table);
		snprintf(l->chain, sizeof(l->chain), "%s", v[i].chain);
		l->handle = v[i].handle;
	}
	free(v);
	return true;
}

/* The lists nothing is suggested against: the allowlist (when given or
 * present) and this host's own addresses. 0, or 1 after saying why. */
static int ctl_suggest_lists(struct ctl_suggest *cs, const struct ctl_suggest_opts *o)
{
	char err[512];
	int rc;

	cs->own = cidrlist_new();
	cs->allow = cidrlist_new();
	if (!cs->own || !cs->allow) {
		fprintf(stderr, "nflogctl: out of memory\n");
		return 1;
	}
	if ((o->allow_given || access(o->allow_path, F_OK) == 0) &&
	    cidrlist_load(cs->allow, o->allow_path, err, sizeof(err)) < 0) {
		fprintf(stderr, "nflogctl: allowlist: %s\n", err);
		return 1;
	}
	if ((rc = ctl_own_addrs(cs->own)) < 0) {
		fprintf(stderr, "nflogctl: cannot list this host's addresses (%s): refusing to "
			"suggest blocks without them\n", strerror(-rc));
		return 1;
	}
	return 0;
}

/* The engine's configuration: the lists, the live ruleset, the ring's
 * first capture group and the period. */
static void ctl_suggest_cfg(struct ctl_suggest *cs, const struct ctl_suggest_opts *o,
			    const struct kb *kb, const struct ring_reader *rr)
{
	struct suggest_cfg *cfg = &cs->cfg;
	char err[512], marker[256];
	size_t nlogrules = 0;
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	memset(cfg, 0, sizeof(*cfg));
	cfg->kb = kb;
	cfg->allow = cs->allow;
	cfg->own = cs->own;
	cfg->ruleset_known = ctl_logrules(&cs->logrules, &nlogrules);
	cfg->logrules = cs->logrules;
	cfg->nlogrules = nlogrules;
	cfg->own_table_installed = cfg->ruleset_known &&
		nftrules_own_marker(o->table, marker, sizeof(marker), err, sizeof(err)) == 1 &&
		nftgen_marker_is_ours(marker);
	cfg->own_table = o->table;
	cfg->log_group = ctl_first_group(rr);
	cfg->now_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	cfg->since_ns = o->since ? cfg->now_ns - o->since * 1000000000ull : 0;
	cfg->ring_path = o->ring;
}

int ctl_suggest_run(struct ctl_suggest *cs, FILE *out, const struct ctl_suggest_opts *o,
		    const struct kb *kb)
{
	struct ring_reader *rr = NULL;
	uint64_t skipped = 0;
	char err[512];
	int rc = 1;

	memset(cs, 0, sizeof(*cs));
	if (ctl_suggest_lists(cs, o))
		return 1;
	rr = ringread_open(o->ring, err, sizeof(err));
	if (!rr) {
		fprintf(stderr, "nflogctl: %s\n", err);
		return 1;
	}
	ctl_suggest_cfg(cs, o, kb, rr);
	cs->sg = suggest_new(&cs->cfg);
	if (!cs->sg || ctl_feed(rr, cs->sg, &skipped) < 0 || suggest_finish(cs->sg) < 0) {
		fprintf(stderr, "nflogctl: out of memory\n");
		goto out;
	}
	if (skipped)
		fprintf(stderr, "nflogctl: skipped %llu records overwritten or damaged while "
			"reading\n", (unsigned long long)skipped);
	if ((o->json ? suggest_write_json(cs->sg, out) : suggest_write_nft(cs->sg, out)) < 0 ||
	    (!o->json && ctl_suggest_geo(out, cs->sg, o->geo, o->table,
					 cs->cfg.own_table_installed) < 0) ||
	    fflush(out) == EOF) {
		fprintf(stderr, "nflogctl: writing the suggestions failed\n");
		goto out;
	}
	rc = 0;
out:
	ringread_close(rr);
	return rc;
}

void ctl_suggest_free(struct ctl_suggest *cs)
{
	suggest_free(cs->sg);
	free(cs->logrules);
	cidrlist_free(cs->own);
	cidrlist_free(cs->allow);
	memset(cs, 0, sizeof(*cs));
}

int ctl_suggest_script(FILE *out, const char *ring, const struct kb *kb, uint64_t since_s,
		       struct geoip *geo)
{
	struct ctl_suggest_opts o = {
		.ring = ring, .allow_path = NFLOGCTL_ALLOW, .table = NFT_OWN_TABLE, .since = since_s,
		.geo = geo,
	};
	struct ctl_suggest cs;
	int rc;

	rc = ctl_suggest_run(&cs, out, &o, kb);
	ctl_suggest_free(&cs);
	return rc;
}
