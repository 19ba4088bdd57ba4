/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ringcursor.c - a reader's saved place in a ring file (ringcursor.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ring/ringcursor.h"
#include "util/crc32c.h"
#include "util/errbuf.h"
#include "util/readfile.h"

#define RINGCURSOR_MAGIC	"nflogd-cursor 1\n"
#define RINGCURSOR_CRC_LINE	13u	/* "crc XXXXXXXX\n" */

void ringcursor_init(struct ringcursor *c, const struct ring_reader *rr)
{
	const struct ring_file_hdr *h = ringread_hdr(rr);
	uint32_t s;

	memset(c, 0, sizeof(*c));
	c->created_ns = h->created_ns;
	c->nsegs = ringread_nsegs(rr);
	c->slots = ringread_slots(rr);
	for (s = 0; s < c->nsegs && s < RING_SEG_MAX; s++) {
		c->seg[s].role = ringread_seg(rr, s)->role;
		c->seg[s].group = ringread_seg(rr, s)->group;
	}
}

int ringcursor_match(const struct ringcursor *c, const struct ring_reader *rr,
		     char *err, size_t errlen)
{
	struct ringcursor now;
	uint32_t s;

	ringcursor_init(&now, rr);
	if (c->created_ns != now.created_ns) {
		errbuf_set(err, errlen, "it belongs to another ring (created %" PRIu64
			   ", this one %" PRIu64 ")", c->created_ns, now.created_ns);
		return -1;
	}
	if (c->nsegs != now.nsegs || c->slots != now.slots) {
		errbuf_set(err, errlen, "it was made for %" PRIu32 " segments of %" PRIu64
			   " slots, this ring has %" PRIu32 " of %" PRIu64, c->nsegs, c->slots,
			   now.nsegs, now.slots);
		return -1;
	}
	for (s = 0; s < c->nsegs; s++) {
		if (c->seg[s].role != now.seg[s].role || c->seg[s].group != now.seg[s].group) {
			errbuf_set(err, errlen, "segment %" PRIu32 " was role %" PRIu32 " group %"
				   PRIu32 ", now role %" PRIu32 " group %" PRIu32, s,
				   c->seg[s].role, c->seg[s].group, now.seg[s].role,
				   now.seg[s].group);
			return -1;
		}
	}
	return 0;
}

int ringcursor_format(char *buf, size_t size, const struct ringcursor *c)
{
	char tmp[RINGCURSOR_MAX_BYTES];
	size_t len;
	uint32_t s;
	int n;

	n = snprintf(tmp, sizeof(tmp), RINGCURSOR_MAGIC "ring %" PRIu64 " %" PRIu32 " %" PRIu64
		     "\n", c->created_ns, c->nsegs, c->slots);
	len = (size_t)n;
	for (s = 0; s < c->nsegs && s < RING_SEG_MAX; s++) {
		n = snprintf(tmp + len, sizeof(tmp) - len, "seg %" PRIu32 " %" PRIu32 " %" PRIu32
			     " %" PRIu64 "\n", s, c->seg[s].role, c->seg[s].group, c->seg[s].next);
		len += (size_t)n;
	}
	n = snprintf(tmp + len, sizeof(tmp) - len, "crc %08" PRIx32 "\n", crc32c(tmp, len));
	len += (size_t)n;
	if (size)
		snprintf(buf, size, "%s", tmp);
	return (int)len;
}

/* A cursor over the untrusted bytes: one line at a time, numbers strict. */
struct rc_in {
	const char	*p, *end;
	unsigned	 line;
};

/* The next line without its '\n' into [*s, *e); false at the end or for a
 * last line without '\n' (a truncated file). */
static bool ringcursor_line(struct rc_in *in, const char **s, const char **e)
{
	const char *nl;

	if (in->p >= in->end)
		return false;
	nl = memchr(in->p, '\n', (size_t)(in->end - in->p));
	if (!nl)
		return false;
	*s = in->p;
	*e = nl;
	in->p = nl + 1;
	in->line++;
	return true;
}

/* A word of decimal digits (no sign, no leading zero but "0") at *p, up to
 * max; *p moves past it and one following space if more follows. */
static bool ringcursor_num(const char **p, const char *e, uint64_t max, uint64_t *out)
{
	const char *q = *p;
	uint64_t v = 0;

	if (q >= e || *q < '0' || *q > '9' || (*q == '0' && q + 1 < e && q[1] != ' '))
		return false;
	for (; q < e && *q >= '0' && *q <= '9'; q++) {
		unsigned d = (unsigned)(*q - '0');

		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (q < e && *q != ' ')
		return false;
	if (q < e)
		q++;
	*p = q;
	*out = v;
	return true;
}

/* "WORD n1 n2 ... nk" exactly, each n <= its max. */
static bool ringcursor_fields(const char *s, const char *e, const char *word, size_t k,
			      const uint64_t *max, uint64_t *v)
{
	size_t wl = strlen(word), i;

	if ((size_t)(e - s) <= wl || memcmp(s, word, wl) != 0 || s[wl] != ' ')
		return false;
	s += wl + 1;
	for (i = 0; i < k; i++) {
		if (!ringcursor_num(&s, e, max[i], &v[i]))
			return false;
		if ((i + 1 < k) == (s >= e) || (s < e && s[-1] != ' '))
			return false;
	}
	return s == e;
}

static int ringcursor_bad(char *err, size_t errlen, unsigned line, const char *what)
{
	errbuf_set(err, errlen, "line %u: %s", line, what);
	return -1;
}

static int ringcursor_body(struct rc_in *in, struct ringcursor *c, char *err, size_t errlen)
{
	static const uint64_t ring_max[] = { UINT64_MAX, RING_SEG_MAX, UINT64_C(1) << 32 };
	static const uint64_t seg_max[] = { RING_SEG_MAX - 1, UINT32_MAX, UINT32_MAX,
					    UINT64_MAX };
	const char *s, *e;
	uint64_t v[4];
	uint32_t i;

	if (!ringcursor_line(in, &s, &e) || !ringcursor_fields(s, e, "ring", 3, ring_max, v))
		return ringcursor_bad(err, errlen, in->line, "want \"ring CREATED_NS NSEGS SLOTS\"");
	if (v[1] < 1 || v[2] < 16 || (v[2] & (v[2] - 1)))
		return ringcursor_bad(err, errlen, in->line, "no ring has that geometry");
	c->created_ns = v[0];
	c->nsegs = (uint32_t)v[1];
	c->slots = v[2];
	for (i = 0; i < c->nsegs; i++) {
		if (!ringcursor_line(in, &s, &e) || !ringcursor_fields(s, e, "seg", 4, seg_max, v))
			return ringcursor_bad(err, errlen, in->line,
					      "want \"seg INDEX ROLE GROUP NEXT\"");
		if (v[0] != i)
			return ringcursor_bad(err, errlen, in->line, "segments out of order");
		c->seg[i].role = (uint32_t)v[1];
		c->seg[i].group = (uint32_t)v[2];
		c->seg[i].next = v[3];
	}
	return 0;
}

int ringcursor_parse(const char *buf, size_t len, struct ringcursor *c, char *err,
		     size_t errlen)
{
	struct rc_in in = { buf, buf + len, 0 };
	const char *s, *e;
	uint32_t want;
	char hex[9];
	size_t body;

	memset(c, 0, sizeof(*c));
	if (len > RINGCURSOR_MAX_BYTES) {
		errbuf_set(err, errlen, "too long to be a cursor (%zu bytes)", len);
		return -1;
	}
	if (len < sizeof(RINGCURSOR_MAGIC) - 1 ||
	    memcmp(buf, RINGCURSOR_MAGIC, sizeof(RINGCURSOR_MAGIC) - 1) != 0) {
		errbuf_set(err, errlen, "not an nflogctl cursor (no \"nflogd-cursor 1\" line)");
		return -1;
	}
	in.p += sizeof(RINGCURSOR_MAGIC) - 1;
	in.line = 1;
	if (ringcursor_body(&in, c, err, errlen) < 0)
		return -1;
	body = (size_t)(in.p - buf);
	if (!ringcursor_line(&in, &s, &e) || e - s != RINGCURSOR_CRC_LINE - 1 ||
	    memcmp(s, "crc ", 4) != 0 || strspn(s + 4, "0123456789abcdef") < 8)
		return ringcursor_bad(err, errlen, in.line, "want \"crc XXXXXXXX\" (truncated?)");
	if (in.p != in.end)
		return ringcursor_bad(err, errlen, in.line + 1, "bytes after the checksum");
	want = crc32c(buf, body);
	snprintf(hex, sizeof(hex), "%08" PRIx32, want);
	if (memcmp(s + 4, hex, 8) != 0) {
		errbuf_set(err, errlen, "checksum mismatch (damaged or edited)");
		return -1;
	}
	return 0;
}

int ringcursor_load(const char *path, struct ringcursor *c, char *err, size_t errlen)
{
	char why[256];
	size_t len;
	char *buf;
	int rc;

	rc = readfile(path, RINGCURSOR_MAX_BYTES, &buf, &len, err, errlen);
	if (rc == -ENOENT)
		return 1;
	if (rc < 0)
		return -1;
	rc = ringcursor_parse(buf, len, c, why, sizeof(why));
	free(buf);
	if (rc < 0)
		errbuf_set(err, errlen, "%s: %s", path, why);
	return rc;
}

/* The directory part of path, for its fsync: "." when it has none. */
static int ringcursor_dir_fd(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];

	if (!slash)
		return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if ((size_t)(slash - path) >= sizeof(dir))
		return -1;
	if (slash == path)
		return open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int ringcursor_write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int ringcursor_save(const char *path, const struct ringcursor *c, char *err, size_t errlen)
{
	char buf[RINGCURSOR_MAX_BYTES], tmp[4096];
	int n = ringcursor_format(buf, sizeof(buf), c), fd, dfd, e;

	if (n < 0 || (size_t)n >= sizeof(buf) ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
		errbuf_set(err, errlen, "%s: path too long", path);
		return -1;
	}
	/* O_EXCL: never write through a link or into a file someone else put
	 * under our temporary name; a stale one of a dead run of ours goes. */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0) {
		errbuf_set(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	if (ringcursor_write_all(fd, buf, (size_t)n) < 0 || fsync(fd) < 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		errbuf_set(err, errlen, "cannot write %s: %s", tmp, strerror(e));
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		e = errno;
		unlink(tmp);
		errbuf_set(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(e));
		return -1;
	}
	/* The rename itself must reach the disk, or a power loss brings back
	 * the old cursor and with it records already handed on. */
	if ((dfd = ringcursor_dir_fd(path)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}
