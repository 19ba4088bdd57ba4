/* cmd_suggest.c - `nflogctl suggest`: read the ring, the live ruleset,
 * the host's addresses and the allowlist; print rules to review; with
 * --apply, add the block part to nflogd's own table in one batch.
 */
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include "util/cidrlist.h"
#include "ctl/ctlcommon.h"
#include "ctl/ctlout.h"
#include "ruleset/nftgen.h"
#include "ruleset/nftnames.h"
#include "ruleset/nftrules.h"
#include "util/opts.h"
#include "suggest/suggest.h"

static void ctl_suggest_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl suggest [--ring PATH] [--since DURATION] [--format nft|json] [--apply]\n"
"                        [--allow FILE] [--table NAME] [--local-kb PATH]\n"
"  Reads the drops and alerts in the ring and prints nftables rules to review:\n"
"  silence harmless noise, block hostile sources for a while, rate-limit noisy\n"
"  sources, anti-spoofing, essential ICMP. Nothing changes unless --apply is given.\n"
"  --since D     only the last D (90s, 30m, 2h, 7d)\n"
"  --format F    nft (a script for `nft -c -f`, default) or json\n"
"  --apply       add the suggested blocks (set elements with timeouts) to nflogd's\n"
"                table (`nflogctl rules install`) in one atomic batch\n"
"  --allow FILE  never block these addresses/prefixes (default " NFLOGCTL_ALLOW ")\n"
"  --table NAME  nflogd's own table (default inet " NFT_OWN_TABLE ")\n");
}

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

static void ctl_fmt_timeout(uint32_t s, char *buf, size_t len)
{
	if (s % 86400 == 0)
		snprintf(buf, len, "%ud", s / 86400);
	else if (s % 3600 == 0)
		snprintf(buf, len, "%uh", s / 3600);
	else
		snprintf(buf, len, "%us", s);
}

static int ctl_apply(const struct suggest *sg, const char *table)
{
	const struct suggest_block *b;
	struct nftrules_elem *e;
	size_t n = suggest_blocks(sg, &b), i;
	char err[512], addr[INET6_ADDRSTRLEN], tmo[32];

	if (n == 0) {
		fprintf(stderr, "nflogctl: --apply: no block suggested, nothing changed\n");
		return 0;
	}
	e = calloc(n, sizeof(*e));
	if (!e) {
		fprintf(stderr, "nflogctl: out of memory\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		e[i].family = b[i].family;
		memcpy(e[i].addr, b[i].addr, sizeof(e[i].addr));
		e[i].timeout_s = b[i].timeout_s;
	}
	if (nftrules_add_elems(table, e, n, err, sizeof(err)) < 0) {
		fprintf(stderr, "nflogctl: --apply: %s; nothing changed\n", err);
		free(e);
		return 1;
	}
	fprintf(stderr, "nflogctl: --apply: added %zu element%s to table inet %s:\n", n,
		n == 1 ? "" : "s", table);
	for (i = 0; i < n; i++) {
		inet_ntop(b[i].family == 4 ? AF_INET : AF_INET6, b[i].addr, addr, sizeof(addr));
		ctl_fmt_timeout(b[i].timeout_s, tmo, sizeof(tmo));
		fprintf(stderr, "  %s %s timeout %s  (%s)\n",
			b[i].family == 4 ? NFT_OWN_SET4 : NFT_OWN_SET6, addr, tmo, b[i].why);
	}
	free(e);
	return 0;
}

/* What one run of the suggestion engine reads and where its script goes. */
struct ctl_suggest_opts {
	const char	*path;		/* ring */
	const char	*allow_path;
	const char	*table;		/* nflogd's own table */
	bool		 allow_given;	/* a missing allowlist is then an error */
	bool		 json;
	bool		 apply;
	bool		 quiet;		/* no dry-run note (the script is embedded elsewhere) */
	uint64_t	 since;		/* seconds, 0 = everything */
};

/* Read the ring and everything the engine needs, write the script (or JSON)
 * to out, apply the blocks when asked. The exit status. */
static int ctl_suggest_run(FILE *out, const struct ctl_suggest_opts *o, const struct kb *kb)
{
	struct suggest_logrule *logrules = NULL;
	struct cidrlist *own = NULL, *allow = NULL;
	struct ring_reader *rr = NULL;
	struct suggest *sg = NULL;
	struct suggest_cfg cfg;
	uint64_t skipped = 0;
	struct timespec now;
	char err[512], marker[256];
	size_t nlogrules = 0;
	int rc = 1;

	own = cidrlist_new();
	allow = cidrlist_new();
	if (!own || !allow) {
		fprintf(stderr, "nflogctl: out of memory\n");
		goto out;
	}
	if ((o->allow_given || access(o->allow_path, F_OK) == 0) &&
	    cidrlist_load(allow, o->allow_path, err, sizeof(err)) < 0) {
		fprintf(stderr, "nflogctl: allowlist: %s\n", err);
		goto out;
	}
	if ((rc = ctl_own_addrs(own)) < 0) {
		fprintf(stderr, "nflogctl: cannot list this host's addresses (%s): refusing to "
			"suggest blocks without them\n", strerror(-rc));
		rc = 1;
		goto out;
	}
	rc = 1;
	rr = ringread_open(o->path, err, sizeof(err));
	if (!rr) {
		fprintf(stderr, "nflogctl: %s\n", err);
		goto out;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	memset(&cfg, 0, sizeof(cfg));
	cfg.kb = kb;
	cfg.allow = allow;
	cfg.own = own;
	cfg.ruleset_known = ctl_logrules(&logrules, &nlogrules);
	cfg.logrules = logrules;
	cfg.nlogrules = nlogrules;
	cfg.own_table_installed = cfg.ruleset_known &&
		nftrules_own_marker(o->table, marker, sizeof(marker), err, sizeof(err)) == 1 &&
		nftgen_marker_is_ours(marker);
	cfg.own_table = o->table;
	cfg.log_group = ctl_first_group(rr);
	cfg.now_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	cfg.since_ns = o->since ? cfg.now_ns - o->since * 1000000000ull : 0;
	cfg.ring_path = o->path;
	sg = suggest_new(&cfg);
	if (!sg || ctl_feed(rr, sg, &skipped) < 0 || suggest_finish(sg) < 0) {
		fprintf(stderr, "nflogctl: out of memory\n");
		goto out;
	}
	if (skipped)
		fprintf(stderr, "nflogctl: skipped %llu records overwritten or damaged while "
			"reading\n", (unsigned long long)skipped);
	if ((o->json ? suggest_write_json(sg, out) : suggest_write_nft(sg, out)) < 0 ||
	    fflush(out) == EOF) {
		fprintf(stderr, "nflogctl: writing the suggestions failed\n");
		goto out;
	}
	if (o->apply) {
		rc = ctl_apply(sg, o->table);
	} else {
		const struct suggest_block *b;
		size_t n = suggest_blocks(sg, &b);

		if (n && !o->quiet)
			fprintf(stderr, "nflogctl: dry run: `nflogctl suggest --apply` would add "
				"%zu block%s to table inet %s\n", n, n == 1 ? "" : "s", o->table);
		rc = 0;
	}
out:
	suggest_free(sg);
	ringread_close(rr);
	free(logrules);
	cidrlist_free(own);
	cidrlist_free(allow);
	return rc;
}

int ctl_suggest_script(FILE *out, const char *ring, const struct kb *kb, uint64_t since_s)
{
	struct ctl_suggest_opts o = {
		.path = ring, .allow_path = NFLOGCTL_ALLOW, .table = NFT_OWN_TABLE,
		.quiet = true, .since = since_s,
	};

	return ctl_suggest_run(out, &o, kb);
}

int ctl_suggest_main(int argc, char **argv)
{
	enum { O_RING = 256, O_SINCE, O_FORMAT, O_APPLY, O_ALLOW, O_TABLE, O_LOCALKB };
	static const struct option lopts[] = {
		{ "ring",     required_argument, NULL, O_RING },
		{ "since",    required_argument, NULL, O_SINCE },
		{ "format",   required_argument, NULL, O_FORMAT },
		{ "apply",    no_argument,       NULL, O_APPLY },
		{ "allow",    required_argument, NULL, O_ALLOW },
		{ "table",    required_argument, NULL, O_TABLE },
		{ "local-kb", required_argument, NULL, O_LOCALKB },
		{ "help",     no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl_suggest_opts o = {
		.path = NFLOGCTL_RING_DEFAULT, .allow_path = NFLOGCTL_ALLOW, .table = NFT_OWN_TABLE,
	};
	const char *local_path = NFLOGCTL_LOCAL_KB;
	bool local_given = false;
	const struct kb *kb;
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", lopts, NULL)) != -1) {
		switch (c) {
		case O_RING:
			o.path = optarg;
			break;
		case O_SINCE:
			if (opts_duration(optarg, 100ull * 365 * 86400, &o.since) < 0 || !o.since) {
				fprintf(stderr, "nflogctl: bad --since '%s': want a duration such as "
					"90s, 30m, 2h or 7d\n", optarg);
				return 2;
			}
			break;
		case O_FORMAT:
			if (!strcmp(optarg, "json"))
				o.json = true;
			else if (!strcmp(optarg, "nft"))
				o.json = false;
			else {
				fprintf(stderr, "nflogctl: bad --format '%s': want nft or json\n",
					optarg);
				return 2;
			}
			break;
		case O_APPLY:
			o.apply = true;
			break;
		case O_ALLOW:
			o.allow_path = optarg;
			o.allow_given = true;
			break;
		case O_TABLE:
			o.table = optarg;
			break;
		case O_LOCALKB:
			local_path = optarg;
			local_given = true;
			break;
		case 'h':
			ctl_suggest_usage(stdout);
			return 0;
		default:
			return ctl_bad_option(c, argv);
		}
	}
	if (optind < argc)
		return ctl_extra_argument(argv);
	if (!(kb = ctl_load_kb(local_path, local_given)))
		return 1;
	rc = ctl_suggest_run(stdout, &o, kb);
	kb_free((struct kb *)kb);
	return rc;
}
