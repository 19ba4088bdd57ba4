/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_explain.c - libFuzzer entry: arbitrary bytes as the operands of
 * `nflogctl explain`, parsed by explainarg_parse() (nflogd/ctl/explainarg.h).
 *
 * The input is split at NUL bytes into up to 4 words (argv), each in its own
 * exact-size allocation so that ASan sees any read past a word's end. What
 * the parser says is checked against independent oracles, abort() on a miss:
 *   - the word count decides E_COUNT, the keyword decides E_KEYWORD;
 *   - a port or ICMP number agrees with opts_uint() on the same digits (the
 *     digits are copied out whole: no length limit of the parser's own), and
 *     digits above the limit are E_RANGE, not E_PARSE;
 *   - the protocol suffix is exactly "tcp" or "udp", or absent;
 *   - an address agrees with inet_pton(), and its text round-trips;
 *   - parsing the canonical form of the result gives the same result;
 *   - the same words always give the same answer (no hidden state).
 * The lookups nflogctl then makes run on the built-in kb as well.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/explainarg.h"
#include "classify/kb.h"
#include "util/opts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_WORDS	4

/* opts_uint on s[0..len), copied into a string of its own length: 0, or
 * E_RANGE for digits only that are above max, E_PARSE for anything else. */
static int fuzz_num(const char *s, size_t len, uint64_t max, uint64_t *v)
{
	char *t = malloc(len + 1);
	int rc;

	if (!t)
		abort();
	memcpy(t, s, len);
	t[len] = '\0';
	rc = opts_uint(t, 0, max, v);
	if (rc < 0)
		rc = rc == -ERANGE && len && strspn(t, "0123456789") == len ?
		     EXPLAINARG_E_RANGE : EXPLAINARG_E_PARSE;
	free(t);
	return rc;
}

static bool fuzz_same(const struct explainarg *a, const struct explainarg *b)
{
	return a->kind == b->kind && a->protos == b->protos && a->port == b->port &&
	       a->family == b->family && a->type == b->type && a->code == b->code &&
	       a->has_code == b->has_code && !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/* The oracle: what the words should parse to, by other means. */
static enum explainarg_rc fuzz_expect(int argc, char **argv, struct explainarg *e)
{
	const char *w, *slash;
	uint64_t v, c = 0;
	size_t len;

	memset(e, 0, sizeof(*e));
	if (argc < 1 || argc > 2)
		return EXPLAINARG_E_COUNT;
	if (argc == 2 && strcmp(argv[0], "icmp") != 0 && strcmp(argv[0], "icmpv6") != 0)
		return EXPLAINARG_E_KEYWORD;
	w = argv[argc - 1];
	slash = strchr(w, '/');
	len = slash ? (size_t)(slash - w) : strlen(w);
	if (argc == 2) {
		int rc;

		if ((rc = fuzz_num(w, len, 255, &v)) != 0 ||
		    (slash && (rc = fuzz_num(slash + 1, strlen(slash + 1), 255, &c)) != 0))
			return (enum explainarg_rc)rc;
		e->kind = EXPLAINARG_ICMP;
		e->family = strcmp(argv[0], "icmp") ? 6 : 4;
		e->type = (uint8_t)v;
		e->code = (uint8_t)c;
		e->has_code = slash != NULL;
		return EXPLAINARG_OK;
	}
	if (strchr(w, '.') || strchr(w, ':')) {
		if (inet_pton(AF_INET, w, e->addr) == 1)
			e->family = 4;
		else if (memset(e->addr, 0, 16), inet_pton(AF_INET6, w, e->addr) == 1)
			e->family = 6;
		else
			return memset(e->addr, 0, 16), EXPLAINARG_E_PARSE;
		e->kind = EXPLAINARG_ADDR;
		return EXPLAINARG_OK;
	}
	if (slash && strcmp(slash + 1, "tcp") && strcmp(slash + 1, "udp"))
		return EXPLAINARG_E_PARSE;
	{
		int rc = fuzz_num(w, len, 65535, &v);

		if (rc != 0)
			return (enum explainarg_rc)rc;
	}
	e->kind = EXPLAINARG_PORT;
	e->port = (uint16_t)v;
	e->protos = !slash ? KB_PROTO_TCP | KB_PROTO_UDP :
		    !strcmp(slash + 1, "tcp") ? KB_PROTO_TCP : KB_PROTO_UDP;
	return EXPLAINARG_OK;
}

/* Parse the canonical spelling of a result: it must come back the same. */
static void fuzz_roundtrip(const struct explainarg *ea)
{
	char w0[64], w1[64], *argv[2] = { w0, w1 };
	struct explainarg again;
	int argc = 1;

	switch (ea->kind) {
	case EXPLAINARG_PORT:
		snprintf(w0, sizeof(w0), "%u%s", ea->port,
			 ea->protos == KB_PROTO_TCP ? "/tcp" :
			 ea->protos == KB_PROTO_UDP ? "/udp" : "");
		break;
	case EXPLAINARG_ICMP:
		snprintf(w0, sizeof(w0), "%s", ea->family == 6 ? "icmpv6" : "icmp");
		if (ea->has_code)
			snprintf(w1, sizeof(w1), "%u/%u", ea->type, ea->code);
		else
			snprintf(w1, sizeof(w1), "%u", ea->type);
		argc = 2;
		break;
	case EXPLAINARG_ADDR:
		if (!inet_ntop(ea->family == 4 ? AF_INET : AF_INET6, ea->addr, w0, sizeof(w0)))
			abort();
		break;
	default:
		abort();
	}
	if (explainarg_parse(argc, argv, &again) != EXPLAINARG_OK || !fuzz_same(&again, ea) ||
	    again.what != argv[argc - 1])
		abort();
}

static void fuzz_lookup(const struct explainarg *ea)
{
	const struct kb *kb = kb_builtin();
	volatile const void *sink;

	switch (ea->kind) {
	case EXPLAINARG_PORT:
		sink = kb_port_lookup(kb, KB_DIR_DST, 6, ea->port);
		sink = kb_port_lookup(kb, KB_DIR_SRC, 17, ea->port);
		break;
	case EXPLAINARG_ICMP:
		sink = kb_icmp_lookup(kb, ea->family, ea->type, ea->code);
		break;
	default:
		sink = kb_addr_lookup(kb, ea->family, ea->addr);
		break;
	}
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_WORDS + 1] = { NULL };
	struct explainarg ea, again, want;
	enum explainarg_rc rc, wrc;
	size_t off = 0;
	int argc = 0, i;

	/* Words at NULs; a trailing NUL ends the last word, it starts none. */
	while (off < size && argc < FUZZ_WORDS) {
		const uint8_t *nul = memchr(data + off, 0, size - off);
		size_t len = nul ? (size_t)(nul - (data + off)) : size - off;

		argv[argc] = malloc(len + 1);
		if (!argv[argc])
			abort();
		memcpy(argv[argc], data + off, len);
		argv[argc++][len] = '\0';
		off += len + 1;
	}

	rc = explainarg_parse(argc, argv, &ea);
	wrc = fuzz_expect(argc, argv, &want);
	if (rc != wrc)
		abort();
	switch (rc) {
	case EXPLAINARG_OK:
		if (!fuzz_same(&ea, &want) || ea.what != argv[argc - 1])
			abort();
		fuzz_roundtrip(&ea);
		fuzz_lookup(&ea);
		break;
	case EXPLAINARG_E_COUNT:
		if (ea.what != NULL || ea.kind != 0)
			abort();
		break;
	case EXPLAINARG_E_KEYWORD:
		if (ea.what != argv[0] || ea.kind != 0)
			abort();
		break;
	case EXPLAINARG_E_PARSE:
	case EXPLAINARG_E_RANGE:
		if (ea.what != argv[argc - 1] || ea.kind != 0)
			abort();
		break;
	default:
		abort();
	}
	if (explainarg_parse(argc, argv, &again) != rc || !fuzz_same(&again, &ea) ||
	    again.what != ea.what)
		abort();
	for (i = 0; i < argc; i++)
		free(argv[i]);
	return 0;
}
