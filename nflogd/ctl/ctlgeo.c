/* ctlgeo.c - which GeoIP files nflogctl opens (ctlgeo.h): the explicit ones must work, the defaults only may. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl/ctlgeo.h"

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
