/* SPDX-License-Identifier: GPL-2.0-or-later */
/* explainarg.h - what `nflogctl explain` is asked about: the pure parsing of
 * its words, apart from the knowledge-base lookups and the printing, so that
 * it can be unit-tested and fuzzed (tests/fuzz/fuzz_explain.c).
 *
 *   explain PORT[/tcp|/udp]            "137", "31337/udp"
 *   explain icmp TYPE[/CODE]           "icmp 3/4"
 *   explain icmpv6 TYPE[/CODE]         "icmpv6 2"
 *   explain ADDRESS                    "169.254.1.1", "fe80::1"
 *
 * Numbers are plain decimal digits (leading zeros allowed, no sign, no
 * space); a word with a '.' or a ':' is an address.
 */
#ifndef NFLOGD_EXPLAINARG_H
#define NFLOGD_EXPLAINARG_H

#include <stdbool.h>
#include <stdint.h>

enum explainarg_kind {
	EXPLAINARG_PORT		= 1,	/* port, protos */
	EXPLAINARG_ICMP		= 2,	/* family, type, code */
	EXPLAINARG_ADDR		= 3,	/* family, addr */
};

/* explainarg_parse's result; nflogctl turns each into its own message. */
enum explainarg_rc {
	EXPLAINARG_OK		= 0,
	EXPLAINARG_E_COUNT	= 1,	/* not one or two words */
	EXPLAINARG_E_KEYWORD	= 2,	/* two words, the first not icmp or icmpv6 */
	EXPLAINARG_E_PARSE	= 3,	/* the thing asked about does not parse */
	EXPLAINARG_E_RANGE	= 4,	/* a port above 65535, an ICMP type or code above 255 */
};

struct explainarg {
	enum explainarg_kind	 kind;
	const char		*what;		/* the word asked about (argv[0] or
						 * argv[1]); set unless E_COUNT */
	unsigned		 protos;	/* PORT: KB_PROTO_TCP and/or KB_PROTO_UDP */
	uint16_t		 port;		/* PORT */
	unsigned		 family;	/* ICMP, ADDR: 4 or 6 */
	uint8_t			 type;		/* ICMP */
	uint8_t			 code;		/* ICMP: 0 when not given */
	bool			 has_code;	/* ICMP: "/CODE" was given */
	uint8_t			 addr[16];	/* ADDR: network order, IPv4 in the
						 * first 4 bytes, the rest 0 */
};

/*
 * explainarg_parse - parse explain's operands argv[0..argc).
 *
 * Pure: no I/O, no allocation; argv is only read and out->what points into
 * it. On EXPLAINARG_OK every field that belongs to out->kind is set and the
 * others are zero; on an error out->kind is 0 and out->what names the word
 * that failed (NULL for E_COUNT).
 */
enum explainarg_rc explainarg_parse(int argc, char *const *argv, struct explainarg *out);

#endif
