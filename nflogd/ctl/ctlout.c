/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlout.c - what nflogctl's output subcommands share (ctlout.h): record
 * names, the time, output files that appear complete or not at all, the
 * skipped-records note and a log rule's place in the ruleset.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctlout.h"
#include "ring/ringscan.h"
#include "ruleset/nftrules.h"
#include "util/hostid.h"

/* This host as the JSON records name it (host.*, observer.hostname): read
 * and escaped at the first record, then the same for every line (nflogctl
 * formats from one thread). */
static const struct recfmt_host *ctl_fmt_host(void)
{
	static struct recfmt_host host;
	static bool loaded;

	if (!loaded) {
		struct hostid id;

		hostid_load(&id, NULL);
		recfmt_host_init(&host, id.name, id.id);
		loaded = true;
	}
	return &host;
}

struct recfmt_ctx ctl_fmt_ctx(struct ring_reader *rr, uint32_t seg, uint64_t pos,
			      const struct ring_rec *rec, const struct kb *kb,
			      struct ctl_names *names)
{
	return (struct recfmt_ctx){
		.prefix = ringread_prefix(rr, seg, rec->prefix_id, names->prefix,
					  sizeof(names->prefix)),
		.ifname_in = ringread_ifname(rr, rec->ifindex_in, names->in, sizeof(names->in)),
		.ifname_out = ringread_ifname(rr, rec->ifindex_out, names->out, sizeof(names->out)),
		.pos = pos,
		.kb = kb,
		.host = ctl_fmt_host(),
	};
}

uint64_t ctl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int ctl_outfile_open(struct ctl_outfile *o, const char *path)
{
	size_t len;
	int fd;

	memset(o, 0, sizeof(*o));
	o->path = path;
	if (!strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	len = strlen(path) + 32;
	o->tmp = malloc(len);
	if (!o->tmp) {
		fprintf(stderr, "nflogctl: out of memory\n");
		return 1;
	}
	snprintf(o->tmp, len, "%s.tmp.%ld", path, (long)getpid());
	fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
		fprintf(stderr, "nflogctl: cannot create %s: %s\n", o->tmp, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->tmp);
		o->tmp = NULL;
		return 1;
	}
	return 0;
}

int ctl_outfile_close(struct ctl_outfile *o, bool ok)
{
	int rc = 0;

	if (!o->f)
		return 1;
	if (fflush(o->f) == EOF || ferror(o->f)) {
		if (ok)
			fprintf(stderr, "nflogctl: writing %s failed: %s\n", o->path,
				strerror(errno));
		ok = false;
	}
	if (!o->tmp)
		return ok ? 0 : 1;
	if (fclose(o->f) == EOF && ok) {
		fprintf(stderr, "nflogctl: writing %s failed: %s\n", o->path, strerror(errno));
		ok = false;
	}
	if (ok && rename(o->tmp, o->path) < 0) {
		fprintf(stderr, "nflogctl: cannot rename %s to %s: %s\n", o->tmp, o->path,
			strerror(errno));
		ok = false;
	}
	if (!ok) {
		unlink(o->tmp);
		rc = 1;
	}
	free(o->tmp);
	o->tmp = NULL;
	o->f = NULL;
	return rc;
}

void ctl_report_skipped(const struct ringscan_stats *st)
{
	if (st->lapped || st->damaged)
		fprintf(stderr, "nflogctl: skipped %llu records overwritten by the writer before "
			"they could be read, %llu damaged\n", (unsigned long long)st->lapped,
			(unsigned long long)st->damaged);
}

void ctl_rule_where(const struct nftrules_logrule *r)
{
	printf("%s %s %s handle %llu", r->family, r->table, r->chain,
	       (unsigned long long)r->handle);
	if (r->comment[0])
		printf(" comment \"%s\"", r->comment);
}
