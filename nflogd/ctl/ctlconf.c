/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlconf.c - nflogctl's settings file: strict "key = value" lines, each a default for a common option.
 *
 * An admin who keeps the GeoIP files or the ring elsewhere says so once here
 * instead of on every command line; the syntax is nflogd.conf's, so one
 * habit serves both files.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctlconf.h"
#include "util/errbuf.h"
#include "util/readfile.h"

/* s[0..end) without the blanks around it, NUL-terminated in place. */
static char *ctlconf_trim(char *s, char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*end = '\0';
	return s;
}

static int ctlconf_set_once(const char **slot, const char *key, const char *value,
			    const char *path, unsigned line, char *err, size_t errlen)
{
	if (*slot) {
		errbuf_set(err, errlen, "%s:%u: %s set twice", path, line, key);
		return -EINVAL;
	}
	*slot = value;
	return 0;
}

static int ctlconf_geoip(struct ctlconf *c, const char *value, const char *path, unsigned line,
			 char *err, size_t errlen)
{
	if (!strcmp(value, "none"))
		c->geoip_none = true;
	else if (c->ngeoip >= GEOIP_FILES_MAX) {
		errbuf_set(err, errlen, "%s:%u: at most %d geoip files", path, line,
			   GEOIP_FILES_MAX);
		return -EINVAL;
	} else {
		c->geoip[c->ngeoip++] = value;
	}
	if (c->geoip_none && c->ngeoip) {
		errbuf_set(err, errlen, "%s:%u: geoip = none beside a geoip file", path, line);
		return -EINVAL;
	}
	return 0;
}

/* One line s (NUL-terminated, in c->buf): a comment, blank, or a setting. */
static int ctlconf_line(struct ctlconf *c, char *s, const char *path, unsigned line,
			char *err, size_t errlen)
{
	char *key = ctlconf_trim(s, s + strlen(s)), *eq, *value;

	if (!*key || *key == '#')
		return 0;
	if (!(eq = strchr(key, '='))) {
		errbuf_set(err, errlen, "%s:%u: expected 'key = value'", path, line);
		return -EINVAL;
	}
	value = ctlconf_trim(eq + 1, key + strlen(key));
	key = ctlconf_trim(key, eq);
	if (!*value || strlen(value) >= CTLCONF_VALUE_MAX) {
		errbuf_set(err, errlen, "%s:%u: %.64s: %s", path, line, key,
			   *value ? "value too long" : "no value");
		return -EINVAL;
	}
	if (!strcmp(key, "ring"))
		return ctlconf_set_once(&c->ring, key, value, path, line, err, errlen);
	if (!strcmp(key, "local-kb"))
		return ctlconf_set_once(&c->local_kb, key, value, path, line, err, errlen);
	if (!strcmp(key, "services"))
		return ctlconf_set_once(&c->services, key, value, path, line, err, errlen);
	if (!strcmp(key, "geoip"))
		return ctlconf_geoip(c, value, path, line, err, errlen);
	errbuf_set(err, errlen, "%s:%u: unknown key '%.64s' (nflogctl.conf: ring, local-kb, "
		   "services, geoip)", path, line, key);
	return -EINVAL;
}

int ctlconf_parse(const char *buf, size_t len, const char *path, struct ctlconf *c,
		  char *err, size_t errlen)
{
	unsigned line = 0;
	char *p, *nl;
	int rc = 0;

	*c = (struct ctlconf){ 0 };
	if (memchr(buf, '\0', len)) {
		errbuf_set(err, errlen, "%s: a NUL byte: not a text file", path);
		return -EINVAL;
	}
	if (!(c->buf = malloc(len + 1))) {
		errbuf_set(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	memcpy(c->buf, buf, len);
	c->buf[len] = '\0';
	for (p = c->buf; rc == 0 && *p; p = nl ? nl + 1 : p + strlen(p)) {
		if ((nl = strchr(p, '\n')))
			*nl = '\0';
		rc = ctlconf_line(c, p, path, ++line, err, errlen);
		if (!nl)
			break;
	}
	if (rc < 0)
		ctlconf_free(c);
	return rc;
}

int ctlconf_load(struct ctlconf *c, char *err, size_t errlen)
{
	const char *env = getenv(CTLCONF_ENV), *path = env ? env : CTLCONF_PATH;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*c = (struct ctlconf){ 0 };
	if (env && (!*env || !strcmp(env, "none")))
		return 0;
	rc = readfile(path, CTLCONF_MAX_BYTES, &buf, &len, err, errlen);
	if (rc == -ENOENT && !env)
		return 0;	/* no file: no settings */
	if (rc < 0)
		return rc;
	rc = ctlconf_parse(buf, len, path, c, err, errlen);
	free(buf);
	return rc;
}

void ctlconf_free(struct ctlconf *c)
{
	free(c->buf);
	*c = (struct ctlconf){ 0 };
}
