/* SPDX-License-Identifier: GPL-2.0-or-later */
/* promout.c - Prometheus text exposition format (promout.h). */
#include <errno.h>
#include <string.h>

#include "report/promout.h"
#include "util/utf8.h"

static bool promout_name_ok(const char *s, bool colon)
{
	const char *p;

	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (p = s; *p; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || (colon && c == ':')))
			return false;
	}
	return true;
}

bool promout_metric_name_ok(const char *name)
{
	return promout_name_ok(name, true);
}

bool promout_label_name_ok(const char *name)
{
	return promout_name_ok(name, false) && strncmp(name, "__", 2) != 0;
}

/* help: \ and newline escaped; label values also ". Non-UTF-8 bytes: U+FFFD. */
static void promout_escaped(FILE *f, const char *s, bool quote)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;

	while (n) {
		len = utf8_seq_len(p, n, NULL);
		if (!len) {
			fputs("\xef\xbf\xbd", f);
			len = 1;
		} else if (*p == '\\') {
			fputs("\\\\", f);
		} else if (*p == '\n') {
			fputs("\\n", f);
		} else if (*p == '"' && quote) {
			fputs("\\\"", f);
		} else {
			fwrite(p, 1, len, f);
		}
		p += len;
		n -= len;
	}
}

int promout_label_value(FILE *f, const char *value)
{
	promout_escaped(f, value ? value : "", true);
	return ferror(f) ? -EIO : 0;
}

int promout_family(FILE *f, const char *name, const char *type, const char *help)
{
	size_t len;

	if (!promout_metric_name_ok(name) || !type ||
	    (strcmp(type, "counter") && strcmp(type, "gauge") && strcmp(type, "untyped")))
		return -EINVAL;
	len = strlen(name);
	if (!strcmp(type, "counter") && (len < 6 || strcmp(name + len - 6, "_total")))
		return -EINVAL;
	fprintf(f, "# HELP %s ", name);
	promout_escaped(f, help ? help : "", false);
	fprintf(f, "\n# TYPE %s %s\n", name, type);
	return ferror(f) ? -EIO : 0;
}

int promout_sample(FILE *f, const char *name, const struct promout_label *labels, size_t n,
		   uint64_t value)
{
	size_t i;

	if (!promout_metric_name_ok(name) || (n && !labels))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		size_t j;

		if (!promout_label_name_ok(labels[i].name))
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (!strcmp(labels[i].name, labels[j].name))
				return -EINVAL;	/* a label at most once per sample */
	}
	fputs(name, f);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s%s=\"", i ? "," : "{", labels[i].name);
		promout_escaped(f, labels[i].value ? labels[i].value : "", true);
		putc('"', f);
	}
	fprintf(f, "%s %llu\n", n ? "}" : "", (unsigned long long)value);
	return ferror(f) ? -EIO : 0;
}
