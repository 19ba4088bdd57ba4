/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.c - the daemon's configuration file: strict "key = value" lines.
 *
 * The whole file is read into one buffer, split into lines in place, and
 * every value is checked with the command line's own parsers (opts.h), so a
 * file can never hold a setting the command line would refuse.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "capture/capture.h"
#include "daemon/config.h"
#include "util/errbuf.h"
#include "util/opts.h"
#include "util/readfile.h"
#include "ring/ringfmt.h"

enum config_type {
	CT_UINT,	/* decimal in [min, max] */
	CT_SIZE,	/* K/M/G suffix allowed */
	CT_GROUPS,	/* NFLOG group list */
	CT_NAME,	/* user or group: 1..63 bytes, no blanks or ':' */
	CT_PATH,	/* a path */
	CT_CORR,
	CT_LISTEN,
	CT_LEVEL,
};

static const struct config_def {
	const char		*name;
	enum config_type	 type;
	uint64_t		 min, max;
	bool			 reload;
} config_defs[__CONFIG_KEY_MAX] = {
	[CONFIG_GROUPS]		= { "groups", CT_GROUPS, 0, 0, false },
	[CONFIG_PER_CPU]	= { "per-cpu", CT_UINT, 0, 65535, false },
	[CONFIG_RING]		= { "ring", CT_PATH, 0, 0, false },
	[CONFIG_RING_SIZE]	= { "ring-size", CT_SIZE, 1, 1ull << 40, false },
	[CONFIG_RING_GROUP]	= { "ring-group", CT_NAME, 0, 0, false },
	[CONFIG_COPY_RANGE]	= { "copy-range", CT_UINT, 1, CAPTURE_COPY_RANGE_MAX, false },
	[CONFIG_QTHRESHOLD]	= { "qthreshold", CT_UINT, 1, 1u << 20, false },
	[CONFIG_FLUSH_TIMEOUT]	= { "flush-timeout", CT_UINT, 0, 6000, false },
	[CONFIG_NLBUFSIZ]	= { "nlbufsiz", CT_SIZE, CAPTURE_NLBUFSIZ_MIN,
				    CAPTURE_NLBUFSIZ_MAX, false },
	[CONFIG_RCVBUF]		= { "rcvbuf", CT_SIZE, 1, INT_MAX / 2, false },
	[CONFIG_USER]		= { "user", CT_NAME, 0, 0, false },
	[CONFIG_PIDFILE]	= { "pidfile", CT_PATH, 0, 0, false },
	/* corr.* needs a restart until the correlator can take new
	 * thresholds (SIGHUP still checks them, see nflogd.c). */
	[CONFIG_LOCAL_KB]	= { "local-kb", CT_PATH, 0, 0, true },
	[CONFIG_CORR]		= { "corr", CT_CORR, 0, 0, false },
	[CONFIG_METRICS_LISTEN]	= { "metrics-listen", CT_LISTEN, 0, 0, false },
	[CONFIG_LOG_LEVEL]	= { "log-level", CT_LEVEL, 0, 0, true },
};

/* Correlator thresholds (doc/correlation.md); times in seconds, stored in ns. */
static const struct config_corr_def {
	const char	*name;
	size_t		 off;
	int		 secs;
} config_corr_defs[] = {
#define CORR_KEY(k, f, s) { k, offsetof(struct corr_cfg, f), s }
	CORR_KEY("window_s", window_ns, 1), CORR_KEY("close_s", close_ns, 1),
	CORR_KEY("update_s", update_ns, 1), CORR_KEY("scan_ports", scan_ports, 0),
	CORR_KEY("sweep_hosts", sweep_hosts, 0), CORR_KEY("decoy_sources", decoy_sources, 0),
	CORR_KEY("trace_probes", trace_probes, 0), CORR_KEY("smurf_sources", smurf_sources, 0),
	CORR_KEY("fraggle_packets", fraggle_packets, 0),
	CORR_KEY("noise_packets", noise_packets, 0),
	CORR_KEY("heartbeat_sources", heartbeat_sources, 0),
	CORR_KEY("ipid_sources", ipid_sources, 0), CORR_KEY("ttl_jump", ttl_jump, 0),
	CORR_KEY("max_sources", max_sources, 0),
#undef CORR_KEY
};
#define CONFIG_NCORR	(sizeof(config_corr_defs) / sizeof(config_corr_defs[0]))

static const struct {
	const char	*name;
	int		 prio;
} config_levels[] = {
	{ "err", LOG_ERR }, { "warning", LOG_WARNING }, { "notice", LOG_NOTICE },
	{ "info", LOG_INFO }, { "debug", LOG_DEBUG },
};

const char *config_key_name(enum config_key key)
{
	return (unsigned)key < __CONFIG_KEY_MAX ? config_defs[key].name : NULL;
}

bool config_key_reloadable(enum config_key key)
{
	return (unsigned)key < __CONFIG_KEY_MAX && config_defs[key].reload;
}

static const struct config_corr_def *config_corr_def(const char *name)
{
	size_t i;

	for (i = 0; name && i < CONFIG_NCORR; i++)
		if (strcmp(name, config_corr_defs[i].name) == 0)
			return &config_corr_defs[i];
	return NULL;
}

int config_key_lookup(const char *name, const char **sub)
{
	unsigned k;

	*sub = NULL;
	if (strncmp(name, "corr.", 5) == 0) {
		*sub = name + 5;
		return CONFIG_CORR;
	}
	for (k = 0; k < __CONFIG_KEY_MAX; k++)
		if (k != CONFIG_CORR && strcmp(name, config_defs[k].name) == 0)
			return (int)k;
	return -ENOENT;
}

int config_corr_set(struct corr_cfg *c, const char *name, const char *value)
{
	const struct config_corr_def *d = config_corr_def(name);
	uint64_t v;
	int rc;

	if (!d)
		return -ENOENT;
	if ((rc = opts_uint(value, 1, d->secs ? 86400 : 1u << 24, &v)) < 0)
		return rc;
	if (d->secs)
		*(uint64_t *)(void *)((char *)c + d->off) = v * 1000000000ull;
	else
		*(uint32_t *)(void *)((char *)c + d->off) = (uint32_t)v;
	return 0;
}

int config_log_level(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(config_levels) / sizeof(config_levels[0]); i++)
		if (strcmp(s, config_levels[i].name) == 0)
			return config_levels[i].prio;
	return -EINVAL;
}

int config_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *h = s;
	size_t hl;
	uint64_t port;

	memset(ss, 0, sizeof(*ss));
	if (*s == '[') {
		colon = strstr(s, "]:");
		if (!colon)
			return -EINVAL;
		h = s + 1;
		hl = (size_t)(colon - h);
		colon++;
	} else {
		colon = strrchr(s, ':');
		if (!colon || memchr(s, ':', (size_t)(colon - s)))
			return -EINVAL;	/* IPv6 needs brackets */
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= sizeof(host) || opts_uint(colon + 1, 1, 65535, &port) < 0)
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (*s == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)(void *)ss;

		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return -EINVAL;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)(void *)ss;

		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return -EINVAL;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		*len = sizeof(*a);
	}
	return 0;
}

static int config_err(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int config_err(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errbuf_vset(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

int config_check(enum config_key key, const char *sub, const char *value, uint64_t *num,
		 char *err, size_t errlen)
{
	const struct config_def *d;
	uint16_t groups[RING_SEG_MAX];
	struct sockaddr_storage ss;
	struct corr_cfg corr;
	socklen_t sl;
	uint64_t v = 0;
	size_t n, i;
	int rc = 0;

	if ((unsigned)key >= __CONFIG_KEY_MAX)
		return config_err(err, errlen, -EINVAL, "unknown key%s%s", "", "");
	d = &config_defs[key];
	if (!*value)
		return config_err(err, errlen, -EINVAL, "%s: empty value%s", d->name, "");
	switch (d->type) {
	case CT_UINT:
	case CT_SIZE:
		rc = d->type == CT_UINT ? opts_uint(value, d->min, d->max, &v)
					: opts_size(value, d->min, d->max, &v);
		if (rc < 0) {
			snprintf(err, errlen, "%s: '%s' is %s (%llu..%llu%s)", d->name, value,
				 rc == -ERANGE ? "out of range" : "not a number",
				 (unsigned long long)d->min, (unsigned long long)d->max,
				 d->type == CT_SIZE ? ", K/M/G suffixes" : "");
			return rc;
		}
		break;
	case CT_GROUPS:
		if (opts_groups(value, groups, RING_SEG_MAX, &n, err, errlen) < 0) {
			char why[256];

			snprintf(why, sizeof(why), "%s", err);
			return config_err(err, errlen, -EINVAL, "groups: %s%s", why, "");
		}
		break;
	case CT_NAME:
		n = strlen(value);
		for (i = 0; i < n; i++)
			if (value[i] == ' ' || value[i] == '\t' || value[i] == ':')
				break;
		if (n > 63 || i < n)
			return config_err(err, errlen, -EINVAL,
					  "%s: '%s' is not a user or group name", d->name, value);
		break;
	case CT_PATH:		/* non-empty is all: relative to the working directory */
		break;
	case CT_CORR:
		corr_cfg_default(&corr);
		rc = config_corr_set(&corr, sub, value);
		if (rc == -ENOENT)
			return config_err(err, errlen, -EINVAL,
					  "unknown correlator threshold '%s'%s (doc/correlation.md)",
					  sub ? sub : "", "");
		if (rc < 0)
			return config_err(err, errlen, rc, "corr.%s: '%s' is not a number %s", sub,
					  value, config_corr_def(sub)->secs ? "1..86400 (seconds)"
									    : "1..16777216");
		break;
	case CT_LISTEN:
		if (config_listen(value, &ss, &sl) < 0)
			return config_err(err, errlen, -EINVAL, "metrics-listen: '%s' is not "
					  "ADDRESS:PORT (127.0.0.1:9%s or [::1]:9100)", value, "100");
		break;
	case CT_LEVEL:
		if (config_log_level(value) < 0)
			return config_err(err, errlen, -EINVAL, "log-level: '%s' is not err, warning, "
					  "notice, info or debug%s", value, "");
		break;
	}
	if (num)
		*num = v;
	return 0;
}

const struct config_item *config_find(const struct config *c, enum config_key key,
				      const char *sub)
{
	size_t i;

	for (i = 0; c && i < c->n; i++)
		if (c->items[i].key == key &&
		    (key != CONFIG_CORR || (sub && strcmp(c->items[i].sub, sub) == 0)))
			return &c->items[i];
	return NULL;
}

void config_free(struct config *c)
{
	if (!c)
		return;
	free(c->items);
	free(c->text);
	free(c);
}

static char *config_trim(char *s, char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*end = '\0';
	return s;
}

/* One line: '\0'-terminated, without its newline. */
static int config_line(struct config *c, char *s, unsigned line, char *err, size_t errlen)
{
	char why[CONFIG_VALUE_MAX + 128], *eq, *key, *value;
	const struct config_item *prev;
	const char *sub;
	size_t len = strlen(s);
	int k;

	key = config_trim(s, s + len);
	if (!*key || *key == '#')
		return 0;
	eq = strchr(key, '=');
	if (!eq) {
		snprintf(err, errlen, "%s:%u: expected 'key = value'", c->path, line);
		return -EINVAL;
	}
	value = config_trim(eq + 1, key + strlen(key));
	key = config_trim(key, eq);
	if ((k = config_key_lookup(key, &sub)) < 0 || (sub && !config_corr_def(sub))) {
		snprintf(err, errlen, "%s:%u: unknown key '%.64s'%s", c->path, line, key,
			 sub ? " (correlator thresholds: doc/correlation.md)" : "");
		return -EINVAL;
	}
	if (strlen(value) >= CONFIG_VALUE_MAX) {
		snprintf(err, errlen, "%s:%u: value longer than %d bytes", c->path, line,
			 CONFIG_VALUE_MAX - 1);
		return -EINVAL;
	}
	if ((prev = config_find(c, (enum config_key)k, sub)) != NULL) {
		snprintf(err, errlen, "%s:%u: %s already set on line %u", c->path, line, key,
			 prev->line);
		return -EINVAL;
	}
	if (config_check((enum config_key)k, sub, value, NULL, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s:%u: %s", c->path, line, why);
		return -EINVAL;
	}
	c->items[c->n++] = (struct config_item){ (enum config_key)k, sub, value, line };
	return 0;
}

int config_parse(const char *text, size_t len, const char *path, struct config **out,
		 char *err, size_t errlen)
{
	struct config *c;
	size_t i, nlines = 1;
	unsigned line = 0;
	char *p, *nl, *end;
	int rc = 0;

	*out = NULL;
	if (len > CONFIG_MAX_BYTES) {
		snprintf(err, errlen, "%s: larger than %u bytes", path, CONFIG_MAX_BYTES);
		return -EFBIG;
	}
	if (memchr(text, '\0', len)) {
		for (i = 0, line = 1; text[i]; i++)
			line += text[i] == '\n';
		snprintf(err, errlen, "%s:%u: NUL byte in the file", path, line);
		return -EINVAL;
	}
	for (i = 0; i < len; i++)
		nlines += text[i] == '\n';
	c = calloc(1, sizeof(*c));
	if (!c || !(c->text = malloc(len + 1)) || !(c->items = calloc(nlines, sizeof(*c->items)))) {
		config_free(c);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	memcpy(c->text, text, len);
	c->text[len] = '\0';
	end = c->text + len;
	for (p = c->text; p < end && rc == 0; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		*nl = '\0';
		line++;
		if ((size_t)(nl - p) > CONFIG_LINE_MAX) {
			snprintf(err, errlen, "%s:%u: line longer than %d bytes", c->path, line,
				 CONFIG_LINE_MAX);
			rc = -EINVAL;
			break;
		}
		rc = config_line(c, p, line, err, errlen);
	}
	if (rc < 0) {
		config_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int config_load(const char *path, struct config **out, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	rc = readfile(path, CONFIG_MAX_BYTES, &buf, &len, err, errlen);
	if (rc < 0)
		return rc;
	rc = config_parse(buf, len, path, out, err, errlen);
	free(buf);
	return rc;
}
