/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_ringread.c - libFuzzer entry: arbitrary bytes as a ring file, read the
 * way nflogctl reads one.
 *
 * The input is written to a memfd and opened by path with ringread_open(),
 * twice: once exactly as given (the header checks of doc/ring-format.md
 * "Opening a file as a reader" meet arbitrary bytes), and once "repaired":
 * the same bytes with a consistent v1 geometry written over the header and
 * every record's CRC recomputed, so the fuzzer's changes to segment headers
 * and record bodies reach the reader's and the formatter's code instead of
 * stopping at the geometry or checksum checks. Seeds: small rings written by
 * the daemon (tests/fuzz/corpus/fuzz_ringread, tests/fuzz/mkcorpus.sh).
 *
 * Whatever opens is read completely: every segment's head, role, counters,
 * prefixes and kb counts, every slot at the positions a reader would ask for,
 * the interface table, and each trusted record formatted as text and JSON
 * (both the drop and the alert layout), with registered names for a few
 * port ranges as `nflogctl read` shows them where the kb has no row.
 * Broken invariants abort():
 *   - a refusal comes with a reason and errno;
 *   - a record said to be OK carries the commit word 2p+2 and a good CRC;
 *   - prefixes and interface names are NUL-terminated within their arrays;
 *   - text output is printable ASCII only, JSON output is one valid JSON
 *     object of valid UTF-8 without raw control characters, and neither
 *     ever exceeds RECFMT_LINE_MAX.
 * Needs -max_len of at least 45056 (the smallest daemon ring): see
 * fuzz_ringread.flags.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "classify/kb.h"
#include "classify/services.h"
#include "report/recfmt.h"
#include "ring/ring.h"
#include "ring/ringread.h"
#include "ring/ringnames.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_SLOT_READS	4096	/* positions read per segment, at most */

/* --- a small strict JSON checker (RFC 8259), enough to reject bad output ---
 *
 * Not instrumented for coverage: its branches say nothing about the code under
 * test and would only send the fuzzer after new shapes of JSON. */
#if defined(__clang__) && __clang_major__ >= 13
#define FUZZ_NOCOV	__attribute__((no_sanitize("coverage")))
#else
#define FUZZ_NOCOV
#endif

struct fj {
	const unsigned char *p, *end;
	int depth;
};

FUZZ_NOCOV static void fj_ws(struct fj *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

FUZZ_NOCOV static bool fj_lit(struct fj *j, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, s, n) != 0)
		return false;
	j->p += n;
	return true;
}

/* One UTF-8 character at j->p (RFC 3629: no overlong forms, no surrogates). */
FUZZ_NOCOV static bool fj_utf8(struct fj *j)
{
	const unsigned char *p = j->p;
	unsigned c = *p, n, i, cp;

	if (c < 0x80) {
		j->p++;
		return true;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 1, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 2, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 3, cp = c & 0x07;
	else
		return false;
	if ((size_t)(j->end - p) <= n)
		return false;
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return false;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return false;
	j->p += n + 1;
	return true;
}

FUZZ_NOCOV static bool fj_string(struct fj *j)
{
	if (j->p >= j->end || *j->p != '"')
		return false;
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		if (*j->p < 0x20)
			return false;
		if (*j->p == '\\') {
			j->p++;
			if (j->p >= j->end)
				return false;
			if (*j->p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (j->p + i >= j->end || !strchr("0123456789abcdefABCDEF", j->p[i]) ||
					    !j->p[i])
						return false;
				j->p += 5;
			} else if (strchr("\"\\/bfnrt", *j->p) && *j->p) {
				j->p++;
			} else {
				return false;
			}
			continue;
		}
		if (!fj_utf8(j))
			return false;
	}
	if (j->p >= j->end)
		return false;
	j->p++;
	return true;
}

FUZZ_NOCOV static bool fj_number(struct fj *j)
{
	const unsigned char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (j->p < j->end && *j->p >= '1' && *j->p <= '9')
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	else
		return false;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return false;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return false;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s;
}

static bool fj_value(struct fj *j);

FUZZ_NOCOV static bool fj_container(struct fj *j, char close, bool object)
{
	if (++j->depth > 32)
		return false;
	j->p++;
	fj_ws(j);
	if (j->p < j->end && *j->p == (unsigned char)close) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		fj_ws(j);
		if (object) {
			if (!fj_string(j))
				return false;
			fj_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return false;
			j->p++;
		}
		if (!fj_value(j))
			return false;
		fj_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == (unsigned char)close) {
			j->p++;
			j->depth--;
			return true;
		}
		return false;
	}
}

FUZZ_NOCOV static bool fj_value(struct fj *j)
{
	fj_ws(j);
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{': return fj_container(j, '}', true);
	case '[': return fj_container(j, ']', false);
	case '"': return fj_string(j);
	case 't': return fj_lit(j, "true");
	case 'f': return fj_lit(j, "false");
	case 'n': return fj_lit(j, "null");
	default:  return fj_number(j);
	}
}

/* One JSON object and nothing else. */
FUZZ_NOCOV static bool fj_check_object(const char *s, size_t len)
{
	struct fj j = { (const unsigned char *)s, (const unsigned char *)s + len, 0 };

	fj_ws(&j);
	if (j.p >= j.end || *j.p != '{' || !fj_value(&j))
		return false;
	fj_ws(&j);
	return j.p == j.end;
}

/* --- reading --- */

FUZZ_NOCOV static void fuzz_line(int len, const char *buf, bool json)
{
	size_t i;

	if (len < 0 || (size_t)len >= RECFMT_LINE_MAX || strlen(buf) != (size_t)len)
		abort();
	if (json) {
		if (!fj_check_object(buf, (size_t)len))
			abort();
		return;
	}
	for (i = 0; i < (size_t)len; i++)
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] > 0x7e)
			abort();
}

/* Names for ports in and out of the kb's ranges, built once, kept for the run. */
static const struct services *fuzz_services(void)
{
	static const char list[] =
		"low\t0-255/tcp/udp\t# a \"quoted\" \\ description\n"
		"old-client\t1028-1283/tcp/udp\t# in the FAQ's client range\n"
		"mid\t40000-40255/tcp/udp\n"
		"high\t49152-49407/tcp/udp\t# dynamic range\n";
	static struct services *s;

	if (!s && !(s = services_parse(list, sizeof(list) - 1, "fuzz", 0, NULL, 0)))
		abort();
	return s;
}

/* A host whose name needs escaping, as recfmt_host_init gets it once per
 * process: every JSON line carries its fragments. */
static const struct recfmt_host *fuzz_host(void)
{
	static struct recfmt_host h;
	static bool done;

	if (!done) {
		recfmt_host_init(&h, "fw\"1\\x", "0123456789abcdef0123456789abcdef");
		done = true;
	}
	return &h;
}

static void fuzz_format(const struct ring_reader *rr, uint32_t seg, uint64_t pos,
			const struct ring_rec *rec)
{
	static char line[RECFMT_LINE_MAX];
	char pfx[RING_PREFIX_LEN], in[RING_IFNAMSIZ], out[RING_IFNAMSIZ];
	struct recfmt_ctx ctx = {
		.prefix = ringread_prefix(rr, seg, rec->prefix_id, pfx, sizeof(pfx)),
		.ifname_in = ringread_ifname(rr, rec->ifindex_in, in, sizeof(in)),
		.ifname_out = ringread_ifname(rr, rec->ifindex_out, out, sizeof(out)),
		.pos = pos,
		.kb = kb_builtin(),
		.services = fuzz_services(),
		.host = fuzz_host(),
	};
	union {
		struct ring_rec	  rec;
		struct ring_alert alert;
	} u = { .rec = *rec };

	bool alert = rec->kind == RING_KIND_ALERT;
	int k;

	/* As nflogctl does (the layout its kind says, with a kb and a host), then
	 * the other layout without either: the formatters accept any bytes
	 * either way. */
	for (k = 0; k < 2; k++, alert = !alert, ctx.kb = NULL, ctx.host = NULL) {
		if (alert) {
			fuzz_line(recfmt_alert_text(line, sizeof(line), &u.alert, &ctx), line, false);
			fuzz_line(recfmt_alert_json(line, sizeof(line), &u.alert, &ctx), line, true);
		} else {
			fuzz_line(recfmt_text(line, sizeof(line), &u.rec, &ctx), line, false);
			fuzz_line(recfmt_json(line, sizeof(line), &u.rec, &ctx), line, true);
		}
	}
}

static void fuzz_slot(const struct ring_reader *rr, uint32_t seg, uint64_t pos)
{
	struct ring_rec rec;

	switch (ringread_get(rr, seg, pos, &rec)) {
	case RINGREAD_OK:
		if (rec.commit != 2 * pos + 2 || rec.crc != ring_rec_crc(&rec))
			abort();
		fuzz_format(rr, seg, pos, &rec);
		break;
	case RINGREAD_EMPTY:
	case RINGREAD_LAPPED:
	case RINGREAD_TORN:
		break;
	default:
		abort();
	}
}

static void fuzz_segment(const struct ring_reader *rr, uint32_t seg)
{
	const struct ring_seg_hdr *h = ringread_seg(rr, seg);
	uint64_t slots = ringread_slots(rr), head = ringread_head(rr, seg), pos, n;
	volatile uint64_t sink = 0;
	char buf[RING_PREFIX_LEN];
	unsigned c, id;

	sink += h->role + h->group + (uint32_t)h->cpu + h->nprefixes;
	for (c = 0; c <= RING_CTR_SLOTS; c++) {
		const char *name = ring_ctr_name(c);

		sink += ringread_ctr(rr, seg, c);
		if ((name == NULL) != (c >= __RING_CTR_MAX))
			abort();
	}
	for (id = 0; id < 256; id++) {
		const char *p = ringread_prefix(rr, seg, (uint8_t)id, buf, sizeof(buf));

		if (p && (p != buf || strlen(p) >= RING_PREFIX_LEN))
			abort();
		sink += ringread_prefix_count(rr, seg, (uint8_t)id);
	}
	/* What nflogctl reads: the last lap before head ... */
	pos = head > slots ? head - slots : 0;
	for (n = 0; pos < head && n < FUZZ_SLOT_READS; pos++, n++)
		fuzz_slot(rr, seg, pos);
	/* ... and the first lap, wherever head claims to be. */
	for (pos = 0; head > slots && pos < slots && pos < FUZZ_SLOT_READS; pos++)
		fuzz_slot(rr, seg, pos);
	(void)sink;
}

static void fuzz_ifaces(const struct ring_reader *rr)
{
	const struct ring_file_hdr *h = ringread_hdr(rr);
	char buf[RING_IFNAMSIZ];
	unsigned i;

	for (i = 0; i <= RING_IFACES; i++) {
		uint32_t idx = i < RING_IFACES ? h->ifaces[i].ifindex : 0xffffffffu;
		const char *p = ringread_ifname(rr, idx, buf, sizeof(buf));

		if (p && (p != buf || strlen(p) >= RING_IFNAMSIZ || idx == 0))
			abort();
	}
}

static void fuzz_file(const uint8_t *data, size_t size)
{
	struct ring_reader *rr;
	char path[64], err[512];
	uint32_t s;
	int fd;

	fd = memfd_create("fuzz_ring", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = '\0';
	errno = 0;
	rr = ringread_open(path, err, sizeof(err));
	close(fd);		/* the mapping, if any, outlives the descriptor */
	if (!rr) {
		/* Refused: with a reason (and not an out-of-memory accident). */
		if (err[0] == '\0' || errno == 0 || !memchr(err, '\0', sizeof(err)))
			abort();
		return;
	}
	if (ringread_nsegs(rr) < 1 || ringread_nsegs(rr) > RING_SEG_MAX ||
	    ringread_slots(rr) < RING_SLOTS_MIN || (ringread_slots(rr) & (ringread_slots(rr) - 1)))
		abort();
	for (s = 0; s < ringread_nsegs(rr); s++)
		fuzz_segment(rr, s);
	/* Out-of-range segments read as nothing. */
	if (ringread_head(rr, ringread_nsegs(rr)) != 0 || ringread_ctr(rr, RING_SEG_MAX, 0) != 0)
		abort();
	fuzz_ifaces(rr);
	ringread_close(rr);
}

/*
 * Give buf[0..size) a consistent v1 geometry of the segments that fit (its
 * own nsegs modulo 4, plus one, as far as possible) and right CRCs; commit
 * words, heads and everything else stay as the fuzzer made them. Returns the
 * file length to use, or 0 when not even one smallest segment fits.
 */
static size_t fuzz_repair(uint8_t *buf, size_t size)
{
	struct ring_file_hdr h;
	uint64_t slots, data_off = 0, i, nrec;
	uint32_t nsegs;

	if (size < RING_HDR_SIZE)
		return 0;
	memcpy(&h, buf, sizeof(h));
	for (nsegs = 1 + h.nsegs % 4; nsegs > 0; nsegs--) {
		data_off = RING_HDR_SIZE + (uint64_t)nsegs * RING_SEGHDR_SIZE;
		if (size >= data_off + (uint64_t)nsegs * RING_SLOTS_MIN * RING_REC_SIZE)
			break;
	}
	if (nsegs == 0)
		return 0;
	slots = RING_SLOTS_MIN;
	while (data_off + (uint64_t)nsegs * slots * 2 * RING_REC_SIZE <= size)
		slots *= 2;
	memcpy(h.magic, RING_MAGIC, sizeof(h.magic));
	h.version_major = RING_VERSION_MAJOR;
	h.hdr_size = RING_HDR_SIZE;
	h.seghdr_size = RING_SEGHDR_SIZE;
	h.rec_size = RING_REC_SIZE;
	h.nsegs = nsegs;
	h.slots = slots;
	h.data_off = data_off;
	h.file_size = data_off + (uint64_t)nsegs * slots * RING_REC_SIZE;
	memcpy(buf, &h, sizeof(h));
	nrec = (uint64_t)nsegs * slots;
	for (i = 0; i < nrec; i++) {
		struct ring_rec rec;

		memcpy(&rec, buf + data_off + i * RING_REC_SIZE, sizeof(rec));
		rec.crc = ring_rec_crc(&rec);
		memcpy(buf + data_off + i * RING_REC_SIZE, &rec, sizeof(rec));
	}
	return (size_t)h.file_size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;
	size_t len;

	fuzz_file(data, size);
	if (size < RING_HDR_SIZE)
		return 0;
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	len = fuzz_repair(copy, size);
	if (len)
		fuzz_file(copy, len);
	free(copy);
	return 0;
}
