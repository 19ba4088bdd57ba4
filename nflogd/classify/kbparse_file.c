/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kbparse_file.c - one built-in kb table file: its rows, line by line, then
 * the checks across them (kbparse.h). Above the lexer, the row parsers and
 * the checks, which know nothing of each other's callers.
 */
#include <errno.h>

#include "classify/kbparse_int.h"

int kbparse_file(struct kbparse *kp, enum kbparse_table t, const char *file,
		 const char *buf, size_t len, char *err, size_t errlen)
{
	struct kbparse_ctx c = {
		.kp = kp, .file = file, .err = err, .errlen = errlen,
		.err_line = KBPARSE_NOLINE,
	};
	size_t *n, before, pos = 0;
	int rc = 0;

	if ((unsigned)t >= __KBPARSE_MAX)
		return -EINVAL;
	kbparse_tab(kp, t, &n);
	before = *n;
	while (rc == 0 && kbparse_next_row(&c, buf, len, &pos))
		rc = kbparse_row(&c, t, 0);
	if (rc == 0)
		rc = kbparse_check(&c, t);
	kbparse_tab(kp, t, &n);
	if (rc < 0)
		*n = before;		/* strings stay in the arena until kbparse_free */
	else
		kbparse_sort(kp, t);
	kbparse_ctx_free(&c);
	return rc;
}
