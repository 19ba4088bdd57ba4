/* SPDX-License-Identifier: GPL-2.0-or-later */
/* explainarg.c - parse the operands of `nflogctl explain` (explainarg.h).
 *
 * Numbers are read in place, whatever their length: an earlier version copied
 * them into a 16-byte buffer first and so read "00000000000000080" (17
 * characters) as "000000000000000", port 0.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>

#include "ctl/explainarg.h"
#include "classify/kb.h"

/* s[0..len) as a decimal number in [0, max]: digits only, at least one.
 * -1 when it is not a number, -2 when it is one but above max (every
 * character is still checked: "99999x" is not a number). */
static int explainarg_num(const char *s, size_t len, unsigned max, unsigned *out)
{
	unsigned v = 0;
	bool big = false;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (!big) {
			v = v * 10 + (unsigned)(s[i] - '0');
			big = v > max;	/* also keeps v far from overflowing */
		}
	}
	if (big)
		return -2;
	*out = v;
	return 0;
}

/* PORT[/tcp|/udp] */
static int explainarg_port(const char *arg, struct explainarg *ea)
{
	const char *slash = strchr(arg, '/');
	size_t len = slash ? (size_t)(slash - arg) : strlen(arg);
	unsigned port;
	int rc;

	ea->protos = KB_PROTO_TCP | KB_PROTO_UDP;
	if (slash) {
		if (!strcmp(slash + 1, "tcp"))
			ea->protos = KB_PROTO_TCP;
		else if (!strcmp(slash + 1, "udp"))
			ea->protos = KB_PROTO_UDP;
		else
			return -1;
	}
	if ((rc = explainarg_num(arg, len, 65535, &port)) < 0)
		return rc;
	ea->port = (uint16_t)port;
	ea->kind = EXPLAINARG_PORT;
	return 0;
}

/* TYPE[/CODE] of the given family */
static int explainarg_icmp(const char *arg, unsigned family, struct explainarg *ea)
{
	const char *slash = strchr(arg, '/');
	size_t len = slash ? (size_t)(slash - arg) : strlen(arg);
	unsigned type, code = 0;
	int rc;

	if ((rc = explainarg_num(arg, len, 255, &type)) < 0 ||
	    (slash && (rc = explainarg_num(slash + 1, strlen(slash + 1), 255, &code)) < 0))
		return rc;
	ea->family = family;
	ea->type = (uint8_t)type;
	ea->code = (uint8_t)code;
	ea->has_code = slash != NULL;
	ea->kind = EXPLAINARG_ICMP;
	return 0;
}

static int explainarg_addr(const char *arg, struct explainarg *ea)
{
	if (inet_pton(AF_INET, arg, ea->addr) == 1)
		ea->family = 4;
	else if (inet_pton(AF_INET6, arg, ea->addr) == 1)
		ea->family = 6;
	else
		return -1;
	ea->kind = EXPLAINARG_ADDR;
	return 0;
}

enum explainarg_rc explainarg_parse(int argc, char *const *argv, struct explainarg *out)
{
	struct explainarg ea;
	int rc;

	memset(&ea, 0, sizeof(ea));
	memset(out, 0, sizeof(*out));
	if (argc < 1 || argc > 2)
		return EXPLAINARG_E_COUNT;
	if (argc == 2) {
		out->what = argv[0];
		if (strcmp(argv[0], "icmp") && strcmp(argv[0], "icmpv6"))
			return EXPLAINARG_E_KEYWORD;
		ea.what = argv[1];
		rc = explainarg_icmp(argv[1], argv[0][4] ? 6 : 4, &ea);
	} else {
		ea.what = argv[0];
		if (strchr(argv[0], '.') || strchr(argv[0], ':'))
			rc = explainarg_addr(argv[0], &ea);
		else
			rc = explainarg_port(argv[0], &ea);
	}
	if (rc < 0) {
		/* Nothing half-parsed leaks out: only the word that failed. */
		out->what = ea.what;
		return rc == -2 ? EXPLAINARG_E_RANGE : EXPLAINARG_E_PARSE;
	}
	*out = ea;
	return EXPLAINARG_OK;
}
