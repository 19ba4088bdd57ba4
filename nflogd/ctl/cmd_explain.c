/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_explain.c - `nflogctl explain`: what the knowledge base says about a
 * port, an ICMP type or an address, and a port's registered name where the
 * kb has none. The words are parsed by explainarg.c; the lookups and the
 * text are here.
 */
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "classify/kb.h"
#include "classify/services.h"
#include "ctl/cmd.h"
#include "ctl/ctlcommon.h"
#include "ctl/ctlgeo.h"
#include "ctl/explainarg.h"

/* Print text indented, wrapped at about 78 columns. */
static void ctl_wrap(const char *text, const char *indent)
{
	size_t col = 0, w;
	const char *p = text;

	while (*p) {
		while (*p == ' ')
			p++;
		w = strcspn(p, " ");
		if (!w)
			break;
		if (col && col + 1 + w > 78 - strlen(indent)) {
			putchar('\n');
			col = 0;
		}
		printf("%s%.*s", col ? " " : indent, (int)w, p);
		col += (col ? 1 : 0) + w;
		p += w;
	}
	if (col)
		putchar('\n');
}

static void ctl_explain_port(const struct kb *kb, const struct kb_port *r)
{
	const struct kb_category *cat = kb_category_by_id(kb, r->category);
	const char *proto = r->protos == (KB_PROTO_TCP | KB_PROTO_UDP) ? "tcp+udp" :
			    r->protos == KB_PROTO_TCP ? "tcp" : "udp";

	if (r->lo == r->hi)
		printf("%u/%s", r->lo, proto);
	else
		printf("%u-%u/%s", r->lo, r->hi, proto);
	printf(" as %s port: %s (category %s, verdict %s)\n", r->dir == KB_DIR_SRC ? "source" : "destination",
	       r->service, cat ? cat->name : "?", kb_verdict_name(r->verdict));
	ctl_wrap(r->summary, "  ");
	ctl_wrap(r->explain, "  ");
	printf("  source: %s; kb id %u\n", r->source, r->id);
}

static int ctl_explain_ports(const struct kb *kb, const struct explainarg *ea)
{
	const struct kb_port *seen[4] = { NULL };
	unsigned dir, n = 0, i, j;

	for (dir = KB_DIR_DST; dir <= KB_DIR_SRC; dir++) {
		for (i = 0; i < 2; i++) {
			const struct kb_port *r;

			if (!(ea->protos & (i ? KB_PROTO_UDP : KB_PROTO_TCP)))
				continue;
			r = kb_port_lookup(kb, (enum kb_dir)dir, i ? IPPROTO_UDP : IPPROTO_TCP,
					   ea->port);
			for (j = 0; r && j < n; j++)
				if (seen[j] == r)
					r = NULL;
			if (r) {
				if (n)
					putchar('\n');
				seen[n++] = r;
				ctl_explain_port(kb, r);
			}
		}
	}
	return n ? 1 : 0;
}

static int ctl_explain_icmp(const struct kb *kb, const struct explainarg *ea)
{
	unsigned family = ea->family;
	const struct kb_icmp *r;

	r = kb_icmp_lookup(kb, family, ea->type, ea->code);
	if (!r)
		return 0;
	if (r->code < 0)
		printf("%s type %u (any code): %s (%s)\n", family == 6 ? "icmpv6" : "icmp",
		       r->type, r->name, kb_verdict_name(r->verdict));
	else
		printf("%s %u/%d: %s (%s)\n", family == 6 ? "icmpv6" : "icmp", r->type, r->code,
		       r->name, kb_verdict_name(r->verdict));
	ctl_wrap(r->summary, "  ");
	ctl_wrap(r->explain, "  ");
	printf("  source: %s; kb id %u\n", r->source, r->id);
	return 1;
}

static int ctl_explain_addr(const struct kb *kb, const struct explainarg *ea)
{
	char net[INET6_ADDRSTRLEN];
	const struct kb_addr *r;

	r = kb_addr_lookup(kb, ea->family, ea->addr);
	if (!r)
		return 0;
	inet_ntop(ea->family == 4 ? AF_INET : AF_INET6, r->prefix, net, sizeof(net));
	printf("%s is in %s/%u: %s (verdict %s)\n", ea->what, net, r->plen, r->cls,
	       kb_verdict_name(r->verdict));
	ctl_wrap(r->summary, "  ");
	ctl_wrap(r->explain, "  ");
	printf("  source: %s; kb id %u\n", r->source, r->id);
	return 1;
}

/* The entry for proto (0 tcp, 1 udp) when asked and the kb's destination row
 * for it names no service (services_kb_generic), else NULL; *in_range: the
 * kb has a row, the "dynamic" one. */
static const struct services_entry *ctl_explain_reg(const struct kb *kb,
						    const struct services *svc,
						    const struct explainarg *ea, unsigned i,
						    bool *in_range)
{
	uint8_t proto = i ? IPPROTO_UDP : IPPROTO_TCP;
	const struct kb_port *r;

	if (!svc || !(ea->protos & (i ? KB_PROTO_UDP : KB_PROTO_TCP)))
		return NULL;
	r = kb_port_lookup(kb, KB_DIR_DST, proto, ea->port);
	*in_range = r != NULL;
	return services_kb_generic(kb, r) ? services_lookup(svc, proto, ea->port) : NULL;
}

/* The registered names of a port the kb does not explain; 1 when printed. */
static int ctl_explain_registered(const struct kb *kb, const struct services *svc,
				  const struct explainarg *ea, bool after_rows)
{
	bool in_range[2] = { false, false };
	const struct services_entry *e[2];
	unsigned i, printed = after_rows;
	bool merged = false;
	int any;

	e[0] = ctl_explain_reg(kb, svc, ea, 0, &in_range[0]);
	e[1] = ctl_explain_reg(kb, svc, ea, 1, &in_range[1]);
	any = e[0] || e[1];
	/* One paragraph for tcp+udp when both say the same. */
	if (e[0] && e[1] && !strcmp(e[0]->name, e[1]->name) && !strcmp(e[0]->desc, e[1]->desc) &&
	    in_range[0] == in_range[1]) {
		e[1] = NULL;
		merged = true;
	}
	for (i = 0; i < 2; i++) {
		if (!e[i])
			continue;
		if (printed++)
			putchar('\n');
		printf("%u/%s registered as %s\n", ea->port,
		       i ? "udp" : merged ? "tcp+udp" : "tcp", e[i]->name);
		if (e[i]->desc[0])
			ctl_wrap(e[i]->desc, "  ");
		ctl_wrap(in_range[i] ?
			 "The kb's row says only that the port is in an ephemeral range. This is "
			 "the name it is registered under: what would listen there, not proof of "
			 "what the sender wanted; scanners try registered ports too." :
			 "The kb has no row for this port. This is the name it is registered "
			 "under: what would listen there, not proof of what the sender wanted; "
			 "scanners try registered ports too.", "  ");
		printf("  source: %s, %s\n", services_origin(svc), services_path(svc));
	}
	return any;
}

/* PORT[/PROTO] | icmp T[/C] | icmpv6 T[/C] | ADDRESS: 0 known, 1 unknown, 2 bad. */
static int ctl_explain(const struct kb *kb, const struct services *svc, struct geoip *geo,
		       int argc, char **argv)
{
	struct explainarg ea;
	int rc;

	switch (explainarg_parse(argc, argv, &ea)) {
	case EXPLAINARG_OK:
		break;
	case EXPLAINARG_E_COUNT:
		fprintf(stderr, "nflogctl: explain wants one thing: PORT[/tcp|/udp], "
			"icmp TYPE[/CODE], icmpv6 TYPE[/CODE] or an address\n");
		return 2;
	case EXPLAINARG_E_KEYWORD:
		fprintf(stderr, "nflogctl: explain: expected icmp or icmpv6, not '%s'\n",
			ea.what);
		return 2;
	case EXPLAINARG_E_RANGE:
		fprintf(stderr, "nflogctl: explain: %s is out of range (%s)\n", ea.what,
			argc == 2 ? "ICMP types and codes are 0-255" : "ports are 0-65535");
		return 2;
	default:
		fprintf(stderr, "nflogctl: explain: cannot parse '%s' (try 137, 31337/udp, "
			"icmp 3/4, 169.254.1.1, fe80::1)\n", ea.what);
		return 2;
	}
	if (ea.kind == EXPLAINARG_ICMP)
		rc = ctl_explain_icmp(kb, &ea);
	else if (ea.kind == EXPLAINARG_ADDR) {
		rc = ctl_explain_addr(kb, &ea);
		rc |= ctl_geoip_explain(geo, ea.family, ea.addr, ea.what, rc);
	}
	else {
		rc = ctl_explain_ports(kb, &ea);
		rc |= ctl_explain_registered(kb, svc, &ea, rc);
	}
	if (rc == 0) {
		fprintf(stderr, "nflogctl: the knowledge base knows nothing about %s%s%s\n",
			argc == 2 ? argv[0] : "", argc == 2 ? " " : "", ea.what);
		return 1;
	}
	return fflush(stdout) == EOF ? 1 : 0;
}

static void ctl_explain_usage(FILE *f)
{
	fprintf(f,
"usage: nflogctl explain [--local-kb PATH] PORT[/tcp|/udp]\n"
"       nflogctl explain [--local-kb PATH] icmp TYPE[/CODE] | icmpv6 TYPE[/CODE]\n"
"       nflogctl explain [--local-kb PATH] ADDRESS\n"
"  what the knowledge base says about a port (0-65535), an ICMP type and code\n"
"  (0-255) or an address; exit status 1 when it knows nothing about it\n"
"  examples: 137, 27374/tcp, icmp 3/4, icmpv6 2, 169.254.1.1, fe80::1\n"
"  --local-kb PATH  site knowledge (default " NFLOGCTL_LOCAL_KB ", used when present)\n");
}

int cmd_explain_main(int argc, char **argv)
{
	struct services *svc;
	struct ctl_readargs ra;
	const struct kb *kb;
	struct geoip *geo;
	int rc;

	if ((rc = ctl_readargs_parse(argc, argv, ctl_explain_usage, false, true, &ra)) != CTL_RUN)
		return rc;
	if (!(kb = ctl_load_kb(&ra.args)))
		return 1;
	if (ctl_load_services(&ra.args, &svc) != 0) {
		kb_free((struct kb *)kb);
		return 1;
	}
	if (ctl_load_geoip(&ra.args, kb, &geo) != 0) {
		services_free(svc);
		kb_free((struct kb *)kb);
		return 1;
	}
	rc = ctl_explain(kb, svc, geo, argc - ra.args.operand, argv + ra.args.operand);
	geoip_free(geo);
	services_free(svc);
	kb_free((struct kb *)kb);
	return rc;
}
