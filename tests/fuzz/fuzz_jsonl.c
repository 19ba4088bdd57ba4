/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_jsonl.c - libFuzzer entry: bytes as a collector's JSON Lines stream,
 * read with the bounded line reader (util/jsonl.h), each line parsed by
 * fleet_ev_parse() (correlate/fleet.h) and fed to a small fleet correlator,
 * as `nflogctl fleet` does.
 *
 * Checked on each input, abort() on a miss:
 *   - every line the reader returns is within JSONL_LINE_MAX and inside the
 *     input; lines are counted as the newlines say;
 *   - a refusal has a known reason and a one-line message;
 *   - an accepted line is also accepted by the bare walker, every leaf path
 *     is NUL-terminated at its length and every string leaf valid UTF-8;
 *   - an accepted event is well formed: host.name 1..255 bytes without
 *     controls, family 0/4/6, ports -1..65535, at most FLEET_PORTS listed;
 *   - the correlator's alerts name between min_hosts and the hosts seen.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "correlate/fleet.h"
#include "util/jsonl.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct jsonl_scratch fuzz_sc;

static enum jsonl_err fuzz_leaf(const struct jsonl_leaf *l, void *arg)
{
	size_t i, k;

	(void)arg;
	if (strlen(l->path) != l->path_len || l->path_len > JSONL_PATH_MAX)
		abort();
	if (l->type == JSONL_STRING) {
		if (l->len > JSONL_STR_MAX)
			abort();
		for (i = 0; i < l->len; i += k)
			if (!(k = utf8_seq_len((const unsigned char *)l->val + i, l->len - i, NULL)))
				abort();
	}
	return JSONL_OK;
}

static void fuzz_alert(const struct fleet_alert *a, void *arg)
{
	const struct fleet_stats *st = arg;
	uint32_t i;

	if (a->nhosts < 2 || a->nhosts > FLEET_HOSTS_MAX || a->nsample > FLEET_PORTS ||
	    a->type < FLEET_SCAN || a->type > FLEET_DECOY)
		abort();
	(void)st;
	for (i = 0; i < a->nhosts; i++)
		if (!a->hosts[i][0] || strlen(a->hosts[i]) > FLEET_HOST_MAX)
			abort();
}

static void fuzz_check_ev(const struct fleet_ev *ev)
{
	size_t n = strlen(ev->host), i;

	if (!n || n > FLEET_HOST_MAX)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)ev->host[i] < 0x20 || ev->host[i] == 0x7f)
			abort();
	if ((ev->family && ev->family != 4 && ev->family != 6) || ev->sport < -1 ||
	    ev->sport > 65535 || ev->dport < -1 || ev->dport > 65535 || ev->nports > FLEET_PORTS)
		abort();
}

static void fuzz_line(struct fleet *f, const char *line, size_t len)
{
	struct fleet_stats st;
	struct fleet_ev ev;
	char err[256];
	enum jsonl_err e;

	e = fleet_ev_parse(line, len, &ev, &fuzz_sc, err, sizeof(err));
	if (e >= __JSONL_E_MAX)
		abort();
	if (e != JSONL_OK) {
		if (!err[0] || memchr(err, '\n', strlen(err)))
			abort();
		return;
	}
	if (jsonl_walk(line, len, &fuzz_sc, fuzz_leaf, NULL, err, sizeof(err)) != JSONL_OK)
		abort();
	fuzz_check_ev(&ev);
	fleet_stats(f, &st);
	if (ev.kind)
		fleet_feed(f, &ev, fuzz_alert, &st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fleet_cfg cfg;
	struct jsonl_reader r;
	struct fleet *f;
	const char *line;
	uint64_t nl = 0;
	size_t len, i;
	int fd, n;

	fd = memfd_create("fuzz_jsonl", 0);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	fleet_cfg_default(&cfg);
	cfg.max_sources = 16;
	cfg.max_decoys = 4;
	if (!(f = fleet_new(&cfg)) || jsonl_reader_init(&r, fd) < 0)
		abort();
	while ((n = jsonl_next(&r, &line, &len)) > 0) {
		if (n == JSONL_TOO_LONG)
			continue;
		if (len > JSONL_LINE_MAX || line < r.buf || line + len > r.buf + JSONL_LINE_MAX + 1)
			abort();
		fuzz_line(f, line, len);
	}
	if (n < 0)
		abort();
	for (i = 0; i < size; i++)
		nl += data[i] == '\n';
	if (r.line != nl + (size && data[size - 1] != '\n'))
		abort();
	fleet_flush(f, fuzz_alert, NULL);
	jsonl_reader_fini(&r);
	fleet_free(f);
	close(fd);
	return 0;
}
