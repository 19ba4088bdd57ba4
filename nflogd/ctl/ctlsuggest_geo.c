/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlsuggest_geo.c - the sources `suggest` would block, grouped by AS (ctlsuggest_geo.h).
 *
 * A scan from one network is often many addresses of one hoster: the
 * grouping tells a reviewer that ten blocks are one adversary. A
 * network-wide block is a different decision (it drops every innocent user
 * of that network, and AS data is often wrong at the edges), so it is only
 * ever printed commented out: the script stays what `nft -c -f` checked,
 * and uncommenting is a deliberate act. The networks are those the ASN file
 * gives for the addresses seen, not the AS's whole address space, which no
 * MaxMind DB file lists.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctlgeo.h"
#include "ctl/ctlsuggest_geo.h"
#include "ruleset/nftnames.h"

#define GEO_NETS_MAX	16	/* networks listed per AS and family */

struct geo_net {
	uint8_t	addr[16];	/* masked */
	uint8_t	len;
};

struct geo_group {
	struct geoip_info	 gi;		/* of its first source */
	size_t			*blocks;	/* indices into the block list */
	size_t			 n;
	uint32_t		 timeout_s;	/* the longest of its blocks */
	uint32_t		 incidents;
	struct geo_net		 net[2][GEO_NETS_MAX];	/* [family == 6] */
	size_t			 nnet[2], more[2];
};

static void geo_mask(uint8_t out[16], const uint8_t in[16], unsigned len)
{
	unsigned i;

	memset(out, 0, 16);
	for (i = 0; i < 16 && len; i++, len = len > 8 ? len - 8 : 0)
		out[i] = (uint8_t)(in[i] & (len >= 8 ? 0xff : 0xff << (8 - len)));
}

static void geo_add_net(struct geo_group *gr, const struct suggest_block *b)
{
	unsigned fam = b->family == 6, max = fam ? 128 : 32;
	struct geo_net n;
	size_t i;

	if (!gr->gi.as_prefix || gr->gi.as_prefix > max)
		return;
	n.len = gr->gi.as_prefix;
	geo_mask(n.addr, b->addr, n.len);
	for (i = 0; i < gr->nnet[fam]; i++)
		if (gr->net[fam][i].len == n.len && !memcmp(gr->net[fam][i].addr, n.addr, 16))
			return;
	if (gr->nnet[fam] < GEO_NETS_MAX)
		gr->net[fam][gr->nnet[fam]++] = n;
	else
		gr->more[fam]++;
}

/* Most sources first, then the lowest AS number; no AS known comes last. */
static int geo_group_cmp(const void *x, const void *y)
{
	const struct geo_group *a = x, *b = y;
	bool ka = a->gi.have & GEOIP_F_ASN, kb = b->gi.have & GEOIP_F_ASN;

	if (ka != kb)
		return ka ? -1 : 1;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->gi.asn < b->gi.asn ? -1 : a->gi.asn > b->gi.asn;
}

/* The groups of the blocks b[0..n); NULL when out of memory. */
static struct geo_group *geo_groups(struct geoip *g, const struct suggest_block *b, size_t n,
				    size_t *ngroups)
{
	struct geo_group *gr = calloc(n ? n : 1, sizeof(*gr));
	size_t i, k, ng = 0;

	if (!gr)
		return NULL;
	for (i = 0; i < n; i++) {
		struct geoip_info gi;
		bool as;

		geoip_lookup(g, b[i].family, b[i].addr, &gi);
		as = gi.status == GEOIP_ST_FOUND && (gi.have & GEOIP_F_ASN);
		for (k = 0; k < ng; k++)
			if (as ? (gr[k].gi.have & GEOIP_F_ASN) && gr[k].gi.asn == gi.asn :
				 !(gr[k].gi.have & GEOIP_F_ASN))
				break;
		if (k == ng) {
			gr[ng].gi = gi;
			if (!as)
				gr[ng].gi.have &= (uint8_t)~GEOIP_F_ASN;
			if (!(gr[ng++].blocks = calloc(n, sizeof(size_t))))
				goto fail;
		}
		gr[k].blocks[gr[k].n++] = i;
		gr[k].incidents += b[i].incidents;
		if (b[i].timeout_s > gr[k].timeout_s)
			gr[k].timeout_s = b[i].timeout_s;
		if (as)
			geo_add_net(&gr[k], &b[i]);
	}
	qsort(gr, ng, sizeof(*gr), geo_group_cmp);
	*ngroups = ng;
	return gr;
fail:
	for (k = 0; k < ng; k++)
		free(gr[k].blocks);
	free(gr);
	return NULL;
}

/* The set, its elements and the rule of one family of an AS, commented out. */
static void geo_optin(FILE *out, const struct geo_group *gr, unsigned fam, const char *table)
{
	char set[48], addr[INET6_ADDRSTRLEN];
	size_t i;

	if (!gr->nnet[fam])
		return;
	snprintf(set, sizeof(set), "geo_as%u_v%c", gr->gi.asn, fam ? '6' : '4');
	fprintf(out, CTL_SUGGEST_GEO_PREFIX "add set %s %s %s { type %s; flags interval, "
		"timeout; }\n", NFT_OWN_FAMILY, table, set, fam ? "ipv6_addr" : "ipv4_addr");
	fprintf(out, CTL_SUGGEST_GEO_PREFIX "add element %s %s %s {", NFT_OWN_FAMILY, table,
		set);
	for (i = 0; i < gr->nnet[fam]; i++) {
		inet_ntop(fam ? AF_INET6 : AF_INET, gr->net[fam][i].addr, addr, sizeof(addr));
		fprintf(out, "%s %s/%u timeout %us", i ? "," : "", addr, gr->net[fam][i].len,
			gr->timeout_s ? gr->timeout_s : 86400);
	}
	fputs(" }\n", out);
	fprintf(out, CTL_SUGGEST_GEO_PREFIX "add rule %s %s %s %s saddr @%s counter drop\n",
		NFT_OWN_FAMILY, table, NFT_OWN_INPUT, fam ? "ip6" : "ip", set);
	if (gr->more[fam])
		fprintf(out, "#   (and %zu more networks of this AS, not listed)\n", gr->more[fam]);
}

static void geo_group_write(FILE *out, const struct geo_group *gr, const struct suggest_block *b,
			    const char *table, bool optin)
{
	char addr[INET6_ADDRSTRLEN];
	size_t i;

	if (gr->gi.have & GEOIP_F_ASN) {
		fprintf(out, "#\n# AS%u", gr->gi.asn);
		if (gr->gi.as_org[0]) {
			fputc(' ', out);
			ctl_geoip_puts(out, gr->gi.as_org);
		}
		if (gr->gi.have & GEOIP_F_COUNTRY)
			fprintf(out, ", %s", gr->gi.country_iso);
	} else {
		fprintf(out, "#\n# AS unknown to the GeoIP files");
	}
	fprintf(out, ": %zu source%s to block, %u incident%s\n", gr->n, gr->n == 1 ? "" : "s",
		gr->incidents, gr->incidents == 1 ? "" : "s");
	for (i = 0; i < gr->n; i++) {
		const struct suggest_block *s = &b[gr->blocks[i]];

		inet_ntop(s->family == 6 ? AF_INET6 : AF_INET, s->addr, addr, sizeof(addr));
		fprintf(out, "#   %s: %s\n", addr, s->why);
	}
	if (!optin || !(gr->gi.have & GEOIP_F_ASN) || (!gr->nnet[0] && !gr->nnet[1]))
		return;
	fprintf(out, "#   Opt-in, the whole network%s these sources are in (ASN file), not "
		"active:\n", gr->nnet[0] + gr->nnet[1] == 1 ? "" : "s");
	geo_optin(out, gr, 0, table);
	geo_optin(out, gr, 1, table);
}

int ctl_suggest_geo(FILE *out, const struct suggest *sg, struct geoip *g, const char *table,
		    bool table_installed)
{
	char tname[600];
	/* Written as the script writes it (bare, quoted for a keyword), and
	 * never with a line break that would end the comment. */
	bool optin = suggest_nft_table(table, tname, sizeof(tname)) && !strpbrk(table, "\r\n");

	const struct suggest_block *b;
	struct geo_group *gr;
	size_t n, ng = 0, i;

	if (!g)
		return 0;
	n = suggest_blocks(sg, &b);
	fprintf(out, "\n# === By network (GeoIP): the sources to block, grouped by AS ===\n");
	fprintf(out, "# Files:");
	for (i = 0; i < geoip_nfiles(g); i++) {
		fprintf(out, "%s ", i ? "," : "");
		ctl_geoip_puts(out, geoip_file_path(g, i));
		fprintf(out, " (%s)", geoip_file_type(g, i));
	}
	fputc('\n', out);
	if (!n) {
		fprintf(out, "# (no source to block)\n");
		return ferror(out) ? -1 : 0;
	}
	if (!(gr = geo_groups(g, b, n, &ng)))
		return -1;
	fprintf(out, "# Only comments: blocking a whole network also drops everyone else on it,\n"
		"# and AS data is often wrong at the edges. Lines starting \"" CTL_SUGGEST_GEO_PREFIX
		"\" are\n# for those who mean it: remove that prefix to use them; --apply never "
		"adds them.\n");
	if (!optin)
		fprintf(out, "# (None here: the table name cannot be written in nft syntax.)\n");
	else if (!table_installed)
		fprintf(out, "# (They need nflogd's table: `nflogctl rules install` first.)\n");
	for (i = 0; i < ng; i++) {
		geo_group_write(out, &gr[i], b, tname, optin);
		free(gr[i].blocks);
	}
	free(gr);
	return ferror(out) ? -1 : 0;
}
