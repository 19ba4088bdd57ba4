/* SPDX-License-Identifier: GPL-2.0-or-later */
/* suggest_util.c - what every part of the suggestion engine uses, below all
 * of them (suggest_int.h): growing arrays, the 64-bit map, address and
 * duration text, and the table of ICMPv6 types a host needs.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest/suggest_int.h"
#include "util/mix.h"

const struct suggest_icmp_type suggest_icmp6_types[SUGGEST_ICMP6_TYPES] = {
	{ 1, "destination-unreachable" },
	{ 2, "packet-too-big" },
	{ 3, "time-exceeded" },
	{ 4, "parameter-problem" },
	{ 133, "nd-router-solicit" },
	{ 134, "nd-router-advert" },
	{ 135, "nd-neighbor-solicit" },
	{ 136, "nd-neighbor-advert" },
};

/* Grow an array of size-byte elements so that it holds need; NULL on
 * allocation failure, the old array untouched. */
void *suggest_grow(void *v, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 8;

	if (need <= *cap)
		return v;
	while (n < need)
		n *= 2;
	v = realloc(v, n * size);
	if (v)
		*cap = n;
	return v;
}

const char *suggest_addr_text(unsigned family, const uint8_t addr[16], char *buf, size_t len)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *suggest_duration(uint32_t secs, char *buf, size_t len)
{
	static const struct { uint32_t secs; char unit; } units[] = {
		{ 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' },
	};
	size_t i, off = 0;

	buf[0] = '\0';
	if (!secs) {
		snprintf(buf, len, "0s");
		return buf;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		uint32_t n = secs / units[i].secs;

		if (!n)
			continue;
		secs -= n * units[i].secs;
		if (off < len)
			off += (size_t)snprintf(buf + off, len - off, "%u%c", n, units[i].unit);
	}
	return buf;
}

const char *suggest_src_text(const struct suggest *s, uint32_t si, char *buf, size_t len)
{
	return suggest_addr_text(s->srcs[si].family, s->srcs[si].addr, buf, len);
}

static size_t suggest_map_slot(const struct suggest_map *m, uint64_t key)
{
	size_t i = (size_t)mix64(key) & (m->cap - 1);

	while (m->keys[i] != SUGGEST_MAP_EMPTY && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

uint32_t *suggest_map_find(const struct suggest_map *m, uint64_t key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	i = suggest_map_slot(m, key);
	return m->keys[i] == key ? &m->vals[i] : NULL;
}

/* The value of key, inserted as 0 when new; NULL on allocation failure. */
uint32_t *suggest_map_get(struct suggest_map *m, uint64_t key)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct suggest_map g = { .cap = m->cap ? m->cap * 2 : 16 };

		g.keys = malloc(g.cap * sizeof(*g.keys));
		g.vals = malloc(g.cap * sizeof(*g.vals));
		if (!g.keys || !g.vals) {
			free(g.keys);
			free(g.vals);
			return NULL;
		}
		memset(g.keys, 0xff, g.cap * sizeof(*g.keys));
		for (i = 0; i < m->cap; i++) {
			size_t j;

			if (m->keys[i] == SUGGEST_MAP_EMPTY)
				continue;
			j = suggest_map_slot(&g, m->keys[i]);
			g.keys[j] = m->keys[i];
			g.vals[j] = m->vals[i];
		}
		g.n = m->n;
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	i = suggest_map_slot(m, key);
	if (m->keys[i] != key) {
		m->keys[i] = key;
		m->vals[i] = 0;
		m->n++;
	}
	return &m->vals[i];
}

void suggest_map_free(struct suggest_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
