/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_ringmetrics.c - `stats --prometheus` and the --metrics-listen endpoint expose the same families and labels.
 *
 * One ring with a capture segment of NFLOG group 0 (pinned to CPU 0), one of
 * group 10 (unpinned) and the alert segment: the endpoint's text must be its
 * own figures followed by exactly what ringmetrics_write gives nflogctl, and
 * the alert segment must carry no group label that could sum into group 0.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "classify/kb.h"
#include "daemon/metrics.h"
#include "report/ringmetrics.h"
#include "ring/ring.h"
#include "ring/ringread.h"

#define SLOTS	16u
#define NSEGS	3u

struct fx {
	char			 dir[64], path[128];
	struct ring		*ring;
	struct ring_writer	 w[NSEGS];
	struct ring_reader	*rr;
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct ring_open_opts o = { .nsegs = NSEGS };
	union { struct ring_rec rec; struct ring_alert alert; } u;
	char err[256];
	unsigned i;

	if (!f)
		return -1;
	o.size = (uint64_t)RING_HDR_SIZE + NSEGS * (uint64_t)RING_SEGHDR_SIZE +
		 NSEGS * (uint64_t)SLOTS * RING_REC_SIZE;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_ringmetrics.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/drops.ring", f->dir);
	o.path = f->path;
	if (!(f->ring = ring_open(&o, err, sizeof(err)))) {
		fprintf(stderr, "ring_open: %s\n", err);
		return -1;
	}
	ring_writer_init(f->ring, &f->w[0], 0, 0, 0);
	ring_writer_init(f->ring, &f->w[1], 1, 10, -1);
	ring_writer_init_alerts(f->ring, &f->w[2], 2);
	for (i = 0; i < 5; i++) {
		memset(&u, 0, sizeof(u));
		u.rec.kind = RING_KIND_DROP;
		u.rec.family = 4;
		u.rec.proto = 6;
		u.rec.ts_ns = 1000 + i;
		ring_append(&f->w[i < 3 ? 0 : 1], &u.rec);
		ring_ctr_add(f->w[i < 3 ? 0 : 1].hdr, RING_CTR_RECORDED, 1);	/* as workers do */
	}
	memset(&u, 0, sizeof(u));
	u.alert.kind = RING_KIND_ALERT;
	u.alert.ts_ns = 2000;
	u.alert.alert_id = 7;
	u.alert.type = RING_ALERT_PORTSCAN;
	u.alert.state = RING_ALERT_OPEN;
	ring_append(&f->w[2], &u.rec);
	ring_ctr_add(f->w[2].hdr, RING_CTR_RECORDED, 1);
	for (i = 0; i < NSEGS; i++)
		ring_publish(&f->w[i]);
	if (!(f->rr = ringread_open(f->path, err, sizeof(err)))) {
		fprintf(stderr, "ringread_open: %s\n", err);
		return -1;
	}
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	ringread_close(f->rr);
	ring_close(f->ring);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static const struct ringmetrics_src src = {
	.ring_path = "/var/lib/nflogd/drops.ring", .version = "9.9-test", .kb = NULL,
};

/* What `nflogctl stats --prometheus` writes. */
static char *ctl_text(const struct fx *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	assert_int_equal(ringmetrics_write(m, f->rr, &src), 0);
	assert_int_equal(fclose(m), 0);
	return buf;
}

/* The endpoint's body, through its HTTP answer. */
static char *endpoint_text(const struct fx *f)
{
	static const char req[] = "GET /metrics HTTP/1.0\r\n\r\n";
	const struct metrics_stats st = { .reloads = 2 };
	char *out = malloc(METRICS_BODY_MAX + 512), *body;
	size_t n;

	assert_non_null(out);
	n = metrics_respond(req, sizeof(req) - 1, f->rr, &src, &st, out, METRICS_BODY_MAX + 512);
	assert_true(n > 0);
	out[n] = '\0';
	assert_non_null(strstr(out, "HTTP/1.0 200 OK\r\n"));
	body = strstr(out, "\r\n\r\n");
	assert_non_null(body);
	body = strdup(body + 4);
	free(out);
	return body;
}

static void test_same_families(void **state)
{
	struct fx *f = *state;
	char *ctl = ctl_text(f), *ep = endpoint_text(f);
	size_t lc = strlen(ctl), le = strlen(ep);

	/* The endpoint adds nflogd_up and its own figures, then the very same text. */
	assert_true(le > lc);
	assert_string_equal(ep + le - lc, ctl);
	assert_memory_equal(ep, "# HELP nflogd_up ", strlen("# HELP nflogd_up "));
	assert_non_null(strstr(ep, "\nnflogd_reloads_total 2\n"));
	/* Families the endpoint lacked before they shared the writer. */
	assert_non_null(strstr(ep, "\nnflogd_build_info{version=\"9.9-test\"} 1\n"));
	assert_non_null(strstr(ep, "\n# TYPE nflogd_ring_info gauge\n"));
	assert_non_null(strstr(ep, "\n# TYPE nflogd_ring_slots gauge\n"));
	assert_non_null(strstr(ep, "\n# TYPE nflogd_ring_events_total counter\n"));
	assert_non_null(strstr(ep, "\n# TYPE nflogd_category_records_total counter\n"));
	assert_non_null(strstr(ep, "\nnflogd_alert_incidents{type=\"port-scan\",state=\"open\"} 1\n"));
	free(ctl);
	free(ep);
}

static void test_segment_labels(void **state)
{
	struct fx *f = *state;
	char *t = ctl_text(f);

	assert_non_null(strstr(t, "\nnflogd_records_total{segment=\"0\",role=\"capture\",group=\"0\","
				  "cpu=\"0\"} 3\n"));
	assert_non_null(strstr(t, "\nnflogd_records_total{segment=\"1\",role=\"capture\",group=\"10\","
				  "cpu=\"none\"} 2\n"));
	/* The alert segment: no group (it is not group 0), no cpu. */
	assert_non_null(strstr(t, "\nnflogd_records_total{segment=\"2\",role=\"alerts\"} 1\n"));
	assert_null(strstr(t, "role=\"alerts\",group"));
	/* Verdicts are of drops: capture segments only, with all their labels. */
	assert_non_null(strstr(t, "\nnflogd_verdict_records_total{segment=\"1\",role=\"capture\","
				  "group=\"10\",cpu=\"none\",verdict=\"hostile\"} 0\n"));
	assert_null(strstr(t, "nflogd_verdict_records_total{segment=\"2\""));
	assert_non_null(strstr(t, "\nnflogd_ring_info{ring=\"/var/lib/nflogd/drops.ring\","
				  "state=\"online\",format=\""));
	free(t);
}

static void test_write_error(void **state)
{
	struct fx *f = *state;
	FILE *full = fopen("/dev/full", "w");

	if (!full)
		skip();
	setvbuf(full, NULL, _IONBF, 0);
	assert_int_equal(ringmetrics_write(full, f->rr, &src), -EIO);
	fclose(full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_families, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_segment_labels, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_write_error, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
