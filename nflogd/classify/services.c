/* SPDX-License-Identifier: GPL-2.0-or-later */
/* services.c - parse a services(5)-style list into a (proto, port) -> name table (services.h).
 *
 * The input is whatever file the admin (or a package) put there, so every
 * line is checked byte by byte and a bad one is only counted. Strings are
 * copied into one pool sized from the input (a line never needs more pool
 * than its own length), so no pointer moves once handed out.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "classify/services.h"
#include "util/readfile.h"
#include "util/errbuf.h"

#define SERVICES_PORTS	65536u

struct services {
	char			*path;
	char			*pool;		/* names and descriptions, NUL-terminated */
	size_t			 pool_len, pool_cap;
	struct services_entry	*ents;
	size_t			 n, cap, max;	/* cap: allocated; max: the entry cap */
	uint32_t		*idx;		/* [proto 0 tcp, 1 udp][port]: entry + 1, 0 none */
	bool			 seen_freq;	/* a frequency column: nmap-services */
	bool			 seen_merged;	/* "9/tcp/udp" ... */
	bool			 seen_iana;	/* ... and a comment naming IANA: Wireshark's copy */
	struct services_stats	 st;
};

/* One line's fields before they become entries. */
struct services_line {
	const char	*name;		/* into the line, name_len bytes */
	size_t		 name_len;
	unsigned	 lo, hi;	/* port range, lo <= hi */
	unsigned	 protos;	/* bit 0 tcp, bit 1 udp */
	unsigned	 nprotos;	/* protocols named, tcp and udp or not */
	const char	*comment;	/* after '#', up to the line's end; NULL when none */
	size_t		 comment_len;
};

static bool services_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* A name byte: printable ASCII but space and the comment mark. */
static bool services_is_name(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '#';
}

static bool services_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal digits at p[*i..n) into *v (at most 65535); false if none or too big. */
static bool services_port(const char *p, size_t n, size_t *i, unsigned *v)
{
	size_t start = *i;

	*v = 0;
	while (*i < n && services_is_digit((unsigned char)p[*i])) {
		*v = *v * 10 + (unsigned)(p[*i] - '0');
		if (*v > 65535)
			return false;
		(*i)++;
	}
	return *i > start;
}

/* "PORT[-PORT]/proto[/proto...]" exactly spanning p[0..n); l->nprotos counts
 * every protocol named, kept or not. */
static bool services_portspec(const char *p, size_t n, struct services_line *l)
{
	size_t i = 0, w;

	if (!services_port(p, n, &i, &l->lo))
		return false;
	l->hi = l->lo;
	if (i < n && p[i] == '-') {
		i++;
		/* Wider ranges are no registry's (X11's 64 ports are the widest)
		 * and would make a small file cost many entries' work. */
		if (!services_port(p, n, &i, &l->hi) || l->hi < l->lo ||
		    l->hi - l->lo >= SERVICES_RANGE_MAX)
			return false;
	}
	if (i == n || p[i] != '/')
		return false;
	while (i < n && p[i] == '/') {
		for (w = ++i; i < n && ((p[i] >= 'a' && p[i] <= 'z') ||
					services_is_digit((unsigned char)p[i])); i++)
			;
		if (i == w || i - w > 15)
			return false;
		if (i - w == 3 && !memcmp(p + w, "tcp", 3))
			l->protos |= 1;
		else if (i - w == 3 && !memcmp(p + w, "udp", 3))
			l->protos |= 2;
		l->nprotos++;
	}
	return i == n;
}

/* nmap's open-frequency column: "0.001995", "1.0", ".5". */
static bool services_is_freq(const char *p, size_t n)
{
	size_t i, dots = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '.')
			dots++;
		else if (!services_is_digit((unsigned char)p[i]))
			return false;
	}
	return dots == 1 && n > 1;
}

/* The next whitespace-separated token of p[*i..n) into [*t, *t + *tn); false at the end. */
static bool services_token(const char *p, size_t n, size_t *i, const char **t, size_t *tn)
{
	size_t start;

	while (*i < n && services_is_space((unsigned char)p[*i]))
		(*i)++;
	if (*i == n)
		return false;
	start = *i;
	while (*i < n && !services_is_space((unsigned char)p[*i]))
		(*i)++;
	*t = p + start;
	*tn = *i - start;
	return true;
}

/*
 * Split one line (no '\n') into l: 1 an entry line, 0 blank or comment only,
 * -1 bad. Before the '#' only printable ASCII and blanks may appear (aliases
 * may also hold UTF-8); the comment is any bytes, cleaned later.
 */
static int services_split(const char *p, size_t n, struct services_line *l, bool *freq)
{
	const char *hash = memchr(p, '#', n), *t;
	size_t fields = hash ? (size_t)(hash - p) : n, i = 0, tn, k;

	memset(l, 0, sizeof(*l));
	if (hash) {
		l->comment = hash + 1;
		l->comment_len = n - fields - 1;
	}
	for (k = 0; k < fields; k++)
		if ((unsigned char)p[k] < 0x20 && !services_is_space((unsigned char)p[k]))
			return -1;	/* controls, NUL */
	if (!services_token(p, fields, &i, &t, &tn))
		return 0;
	for (k = 0; k < tn; k++)
		if (!services_is_name((unsigned char)t[k]))
			return -1;
	if (tn > SERVICES_NAME_MAX)
		return -1;
	l->name = t;
	l->name_len = tn;
	if (!services_token(p, fields, &i, &t, &tn) || !services_portspec(t, tn, l))
		return -1;
	*freq = services_token(p, fields, &i, &t, &tn) && services_is_freq(t, tn);
	return 1;
}

/*
 * Copy the comment c[0..n) into the pool as a one-line description: blanks
 * collapsed, printable ASCII kept, every other byte (or run of bytes >= 0x80,
 * one UTF-8 character) shown as '?', cut at nmap's " | " (it joins several
 * descriptions) and at SERVICES_DESC_MAX. Returns the copy.
 */
static const char *services_desc(struct services *s, const char *c, size_t n)
{
	char *out = s->pool + s->pool_len;
	size_t i, k = 0;
	unsigned char b;
	bool cut;

	for (i = 0; i < n && k < SERVICES_DESC_MAX; i++) {
		b = (unsigned char)c[i];
		if (services_is_space(b)) {
			if (k && out[k - 1] != ' ')
				out[k++] = ' ';
			continue;
		}
		if (b == '|' && k && out[k - 1] == ' ' && i + 1 < n && c[i + 1] == ' ')
			break;
		if (b >= 0x80 && k && out[k - 1] == '?' && (unsigned char)c[i - 1] >= 0x80)
			continue;
		out[k++] = b > 0x20 && b < 0x7f ? (char)b : '?';
	}
	cut = k == SERVICES_DESC_MAX && i < n;
	if (cut) {
		/* Room for "...", and end at a word unless one word fills it all. */
		size_t w = k = SERVICES_DESC_MAX - 3;

		while (w && out[w] != ' ')
			w--;
		if (w)
			k = w;
	}
	while (k && out[k - 1] == ' ')
		k--;
	if (cut) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
	s->pool_len += k + 1;
	return out;
}

static const char *services_name(struct services *s, const char *name, size_t n)
{
	char *out = s->pool + s->pool_len;

	memcpy(out, name, n);
	out[n] = '\0';
	s->pool_len += n + 1;
	return out;
}

/* One (proto, port) entry: -1 when out of memory, else 0. */
static int services_add(struct services *s, unsigned pi, unsigned port, const char *name,
			const char *desc, uint32_t line)
{
	uint32_t *slot = &s->idx[pi * SERVICES_PORTS + port];
	struct services_entry *e;

	if (*slot) {
		s->st.duplicate++;
		return 0;
	}
	if (s->n == s->max) {
		s->st.capped++;
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;

		if (cap > s->max)
			cap = s->max;
		e = realloc(s->ents, cap * sizeof(*e));
		if (!e)
			return -1;
		s->ents = e;
		s->cap = cap;
	}
	s->ents[s->n] = (struct services_entry){
		.name = name, .desc = desc, .line = line, .port = (uint16_t)port,
		.proto = pi ? IPPROTO_UDP : IPPROTO_TCP,
	};
	*slot = (uint32_t)++s->n;
	return 0;
}

/* Line number line, p[0..n) without its '\n': 0, or -1 when out of memory. */
static int services_line(struct services *s, const char *p, size_t n, uint32_t line)
{
	struct services_line l;
	const char *name, *desc;
	bool freq = false;
	unsigned pi, port;
	int rc = services_split(p, n, &l, &freq);

	/* Comments may run on; an entry line that long is not a list's. */
	if (rc < 0 || (rc > 0 && n > SERVICES_LINE_MAX)) {
		if (!s->st.bad++)
			s->st.first_bad = line;
		return 0;
	}
	if (rc == 0) {
		s->seen_iana |= l.comment && memmem(l.comment, l.comment_len, "IANA", 4);
		return 0;
	}
	s->seen_freq |= freq;
	s->seen_merged |= l.nprotos > 1;
	/* nmap names ports it has seen open but knows nothing about "unknown". */
	if (!l.protos || (l.name_len == 7 && !memcmp(l.name, "unknown", 7))) {
		s->st.ignored++;
		return 0;
	}
	if (s->pool_len + l.name_len + l.comment_len + 2 > s->pool_cap)
		return -1;	/* cannot happen (services_parse); never write past */
	if (s->n == s->max) {
		/* Full: nothing can change any more, so only count. */
		s->st.capped += (size_t)(l.hi - l.lo + 1) * (size_t)((l.protos & 1) + (l.protos >> 1));
		return 0;
	}
	name = services_name(s, l.name, l.name_len);
	desc = services_desc(s, l.comment ? l.comment : "", l.comment_len);
	for (pi = 0; pi < 2; pi++)
		for (port = l.lo; (l.protos & (1u << pi)) && port <= l.hi; port++)
			if (services_add(s, pi, port, name, desc, line) < 0)
				return -1;
	return 0;
}

struct services *services_parse(const char *text, size_t len, const char *path,
				size_t max_entries, char *err, size_t errlen)
{
	struct services *s = calloc(1, sizeof(*s));
	size_t pos = 0, end;
	uint32_t line = 0;
	const char *nl;

	if (!s || !(s->path = strdup(path ? path : "-")) ||
	    !(s->idx = calloc(2 * SERVICES_PORTS, sizeof(*s->idx))) ||
	    !(s->pool = malloc(len + 1)))
		goto oom;
	/* Each line stores its name + NUL (fits its name and the blank after
	 * it) and its description + NUL (fits its '#' and comment). */
	s->pool_cap = len + 1;
	s->max = max_entries && max_entries < SERVICES_ENTRIES_MAX ? max_entries :
		 SERVICES_ENTRIES_MAX;
	while (pos < len) {
		nl = memchr(text + pos, '\n', len - pos);
		end = nl ? (size_t)(nl - text) : len;
		if (line < UINT32_MAX)
			line++;
		if (services_line(s, text + pos, end - pos, line) < 0)
			goto oom;
		pos = end + 1;
	}
	s->st.lines = line;
	s->st.entries = s->n;
	return s;
oom:
	errbuf_set(err, errlen, "%s: out of memory", path ? path : "-");
	services_free(s);
	return NULL;
}

struct services *services_load(const char *path, char *err, size_t errlen)
{
	struct services *s;
	char *buf;
	size_t len;

	if (readfile(path, SERVICES_FILE_MAX, &buf, &len, err, errlen) < 0)
		return NULL;
	s = services_parse(buf, len, path, 0, err, errlen);
	free(buf);
	return s;
}

void services_free(struct services *s)
{
	if (!s)
		return;
	free(s->path);
	free(s->pool);
	free(s->ents);
	free(s->idx);
	free(s);
}

const struct services_entry *services_lookup(const struct services *s, uint8_t proto,
					     uint16_t port)
{
	uint32_t i;

	if (!s || (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return NULL;
	i = s->idx[(proto == IPPROTO_UDP ? SERVICES_PORTS : 0) + port];
	return i ? &s->ents[i - 1] : NULL;
}

const struct services_entry *services_at(const struct services *s, size_t i)
{
	return s && i < s->n ? &s->ents[i] : NULL;
}

const char *services_path(const struct services *s)
{
	return s->path;
}

enum services_kind services_kind(const struct services *s)
{
	return s->seen_freq ? SERVICES_KIND_NMAP :
	       s->seen_merged && s->seen_iana ? SERVICES_KIND_IANA : SERVICES_KIND_SERVICES5;
}

const char *services_origin(const struct services *s)
{
	switch (services_kind(s)) {
	case SERVICES_KIND_IANA:
		return "IANA service-name registry";
	case SERVICES_KIND_NMAP:
		return "nmap's service list (IANA's names and nmap's own)";
	default:
		return "services(5) list";
	}
}

const struct services_stats *services_stats(const struct services *s)
{
	return &s->st;
}

bool services_kb_generic(const struct kb *kb, const struct kb_port *row)
{
	const struct kb_category *cat;

	if (!row)
		return true;
	cat = kb_category_by_id(kb, row->category);
	return cat && !strcmp(cat->name, "dynamic");
}
