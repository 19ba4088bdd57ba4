/* SPDX-License-Identifier: GPL-2.0-or-later */
/* readfile.c - all of a small regular file into memory, bounded. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/errbuf.h"
#include "util/readfile.h"

int readfile(const char *path, size_t max, char **buf, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), rc;
	size_t got = 0, cap;
	struct stat st;
	char *p = NULL;
	ssize_t n;

	if (fd < 0) {
		rc = -errno;
		errbuf_set(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		errbuf_set(err, errlen, "%s: %s", path, strerror(-rc));
		goto out;
	}
	rc = -EINVAL;
	if (!S_ISREG(st.st_mode)) {
		errbuf_set(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	rc = -EFBIG;
	if ((unsigned long long)st.st_size > max) {
		errbuf_set(err, errlen, "%s: larger than %zu bytes", path, max);
		goto out;
	}
	/* One byte more than fstat said, to notice a file that grew meanwhile. */
	cap = (size_t)st.st_size + 1;
	rc = -ENOMEM;
	if (!(p = malloc(cap))) {
		errbuf_set(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (got < cap && (n = read(fd, p + got, cap - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			errbuf_set(err, errlen, "%s: %s", path, strerror(-rc));
			goto out;
		}
		got += (size_t)n;
	}
	if (got == cap && got > max) {
		rc = -EFBIG;
		errbuf_set(err, errlen, "%s: larger than %zu bytes", path, max);
		goto out;
	}
	if (got == cap) {
		rc = -EAGAIN;
		errbuf_set(err, errlen, "%s: grew while being read", path);
		goto out;
	}
	*buf = p;
	*len = got;
	p = NULL;
	rc = 0;
out:
	free(p);
	close(fd);
	return rc;
}
