/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlgeo.c - which GeoIP files nflogctl opens (ctlgeo.h): the explicit ones must work, the defaults only may. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl/ctlgeo.h"
#include "util/json.h"
#include "util/utf8.h"

const char *ctl_geoip_dirs(void)
{
	const char *e = getenv(CTL_GEOIP_DIRS_ENV);

	return e ? e : GEOIP_DIRS_DEFAULT;
}

static int ctl_geoip_namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.mmdb of dir, in name order, added to g when they open and bring
 * something new; a file that will not open is a warning. */
static void ctl_geoip_scan(struct geoip *g, const char *dir)
{
	char *names[64], path[4096], err[512];
	size_t n = 0, i, len;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d)) && n < sizeof(names) / sizeof(names[0])) {
		len = strlen(de->d_name);
		if (len > 5 && !strcmp(de->d_name + len - 5, ".mmdb") && de->d_name[0] != '.')
			if ((names[n] = strdup(de->d_name)))
				n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), ctl_geoip_namecmp);
	for (i = 0; i < n; i++) {
		struct geoip *probe = geoip_new(NULL);

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		free(names[i]);
		if (!probe)
			continue;
		/* Opened twice: once to see what it provides, once for real. */
		if (geoip_add(probe, path, err, sizeof(err)) != 0)
			fprintf(stderr, "nflogctl: warning: geoip: %s; not used\n", err);
		else if ((geoip_file_provides(probe, 0) & ~geoip_provides(g)) &&
			 geoip_add(g, path, err, sizeof(err)) != 0)
			fprintf(stderr, "nflogctl: warning: geoip: %s; not used\n", err);
		geoip_free(probe);
	}
}

int ctl_load_geoip(const struct ctl_args *a, const struct kb *kb, struct geoip **out)
{
	char err[512], dirs[4096], *dir, *save = NULL;
	struct geoip *g;
	size_t i;

	*out = NULL;
	if (a->geoip_none || (!a->ngeoip && !geoip_available()))
		return 0;
	if (!(g = geoip_new(kb))) {
		fprintf(stderr, "nflogctl: geoip: out of memory\n");
		return 1;
	}
	for (i = 0; i < a->ngeoip; i++) {
		if (geoip_add(g, a->geoip[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "nflogctl: geoip: %s\n", err);
			geoip_free(g);
			return 1;
		}
	}
	if (!a->ngeoip) {
		snprintf(dirs, sizeof(dirs), "%s", ctl_geoip_dirs());
		for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
			ctl_geoip_scan(g, dir);
	}
	if (!geoip_nfiles(g)) {
		geoip_free(g);
		g = NULL;
	}
	*out = g;
	return 0;
}

void ctl_geoip_warnings(struct geoip *g)
{
	const char *w;

	while (g && (w = geoip_warning(g)))
		fprintf(stderr, "nflogctl: warning: geoip: %s\n", w);
}

void ctl_geoip_poll(struct geoip *g)
{
	struct timespec now;
	char err[512];
	int n;

	if (!g)
		return;
	ctl_geoip_warnings(g);
	clock_gettime(CLOCK_MONOTONIC, &now);
	n = geoip_refresh(g, (int64_t)now.tv_sec, err, sizeof(err));
	if (n < 0)
		fprintf(stderr, "nflogctl: warning: geoip: %s; keeping the file opened before\n",
			err);
}

void ctl_geoip_describe(FILE *f, const struct ctl_args *a, const struct geoip *g)
{
	char what[64], when[32];
	size_t i;

	if (!geoip_available()) {
		fprintf(f, "geoip: off (nflogctl was built without libmaxminddb)\n");
		return;
	}
	if (a->geoip_none) {
		fprintf(f, "geoip: off (--geoip none)\n");
		return;
	}
	if (!g) {
		fprintf(f, "geoip: off (no usable .mmdb file in %s; --geoip FILE names one)\n",
			ctl_geoip_dirs());
		return;
	}
	fprintf(f, "geoip: %zu file%s, %s\n", geoip_nfiles(g), geoip_nfiles(g) == 1 ? "" : "s",
		a->ngeoip ? "from --geoip" : "found in the default locations");
	for (i = 0; i < geoip_nfiles(g); i++) {
		time_t t = (time_t)geoip_file_built(g, i);
		struct tm tm;

		if (!gmtime_r(&t, &tm) || !strftime(when, sizeof(when), "%Y-%m-%d", &tm))
			snprintf(when, sizeof(when), "?");
		fprintf(f, "  %s: %s, built %s: %s\n", geoip_file_path(g, i), geoip_file_type(g, i),
			when, geoip_provides_str(geoip_file_provides(g, i), what, sizeof(what)));
	}
}

void ctl_geoip_puts(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;
	uint32_t cp;

	while (i < n) {
		k = utf8_seq_len(p + i, n - i, &cp);
		if (k == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
		    cp == 0x2028 || cp == 0x2029) {
			fprintf(f, "\\x%02x", p[i]);
			i++;
		} else {
			fwrite(p + i, 1, k, f);
			i += k;
		}
	}
}

int ctl_geoip_explain(struct geoip *g, unsigned family, const uint8_t addr[16], const char *what,
		      bool after)
{
	struct geoip_info gi;
	size_t i;

	if (!g)
		return 0;
	if (after)
		putchar('\n');
	switch (geoip_lookup(g, family, addr, &gi)) {
	case GEOIP_ST_SKIPPED:
		printf("%s: not looked up in GeoIP (no database holds private, loopback, "
		       "link-local or bogon addresses)\n", what);
		return 0;
	case GEOIP_ST_FOUND:
		break;
	default:
		printf("%s: GeoIP unknown (in none of the %zu file%s)\n", what, geoip_nfiles(g),
		       geoip_nfiles(g) == 1 ? "" : "s");
		ctl_geoip_warnings(g);
		return 0;
	}
	printf("%s: GeoIP", what);
	if (!(gi.have & (GEOIP_F_COUNTRY | GEOIP_F_CITY | GEOIP_F_LOCATION)))
		printf(" no country");
	if (gi.have & GEOIP_F_COUNTRY) {
		printf(" %s", gi.country_iso);
		if (gi.country[0]) {
			fputs(" (", stdout);
			ctl_geoip_puts(stdout, gi.country);
			putchar(')');
		}
	}
	if (gi.have & GEOIP_F_CITY) {
		fputs(", ", stdout);
		ctl_geoip_puts(stdout, gi.city);
	}
	if (gi.have & GEOIP_F_LOCATION)
		printf(", lat %.4f lon %.4f", gi.lat, gi.lon);
	putchar('\n');
	if (gi.have & GEOIP_F_ASN) {
		printf("  AS%u", gi.asn);
		if (gi.as_org[0]) {
			putchar(' ');
			ctl_geoip_puts(stdout, gi.as_org);
		}
		putchar('\n');
	}
	printf("  source:");
	for (i = 0; i < geoip_nfiles(g); i++)
		printf("%s %s (%s)", i ? "," : "", geoip_file_path(g, i), geoip_file_type(g, i));
	putchar('\n');
	ctl_geoip_warnings(g);
	return 1;
}

void ctl_geoip_describe_json(FILE *f, const struct ctl_args *a, const struct geoip *g)
{
	static const char *const names[] = { "country", "city", "location", "asn" };
	const char *off = !geoip_available() ? "built without libmaxminddb" :
			  a->geoip_none ? "--geoip none" : !g ? "no usable file found" : NULL;
	size_t i, j, k;

	fprintf(f, ",\"geoip\":{\"available\":%s,\"enabled\":%s", geoip_available() ? "true" :
		"false", off ? "false" : "true");
	if (off) {
		fprintf(f, ",\"reason\":");
		json_quote_file(f, off);
	} else {
		fprintf(f, ",\"origin\":\"%s\"", a->ngeoip ? "option" : "default");
	}
	fprintf(f, ",\"files\":[");
	for (i = 0; i < geoip_nfiles(g); i++) {
		fprintf(f, "%s{\"path\":", i ? "," : "");
		json_quote_file(f, geoip_file_path(g, i));
		fprintf(f, ",\"database_type\":");
		json_quote_file(f, geoip_file_type(g, i));
		fprintf(f, ",\"build_epoch\":%llu,\"provides\":[",
			(unsigned long long)geoip_file_built(g, i));
		for (j = 0, k = 0; j < 4; j++)
			if (geoip_file_provides(g, i) & (1u << j))
				fprintf(f, "%s\"%s\"", k++ ? "," : "", names[j]);
		fprintf(f, "]}");
	}
	fprintf(f, "]}");
}
