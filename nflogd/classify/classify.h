/* SPDX-License-Identifier: GPL-2.0-or-later */
/* classify.h - per-packet classification against the knowledge base.
 *
 * Pure and read-only on the packet path: a struct classify is built once at
 * start-up from a struct kb and then only read, by any number of threads.
 */
#ifndef NFLOGD_CLASSIFY_H
#define NFLOGD_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "capture/decode.h"
#include "classify/kb.h"
#include "localnet/addrtab.h"
#include "ring/ringfmt.h"

struct classify;

/* classify_new - precompute what the packet path needs from kb (which must
 * outlive the result). NULL with errno set. */
struct classify *classify_new(const struct kb *kb);
void classify_free(struct classify *c);

/*
 * classify_packet - explain one decoded packet: kb rows for its ports or ICMP
 * type, address classes, what the link layer and the host's address table
 * (local; NULL = not known) say of both ends, initial-TTL guess,
 * single-packet tags and the resulting verdict, written to *k (all of it
 * but k->layout). Returns the index of the kb counter to bump (see
 * classify_counter_ids), or -1 when no row matched.
 */
int classify_packet(const struct classify *c, const struct addrtab *local, const struct pkt *p,
		    struct ring_klass *k);

/* classify_counter_ids - the kb row id behind each counter index, for the
 * segment header; returns how many were written (at most max). */
size_t classify_counter_ids(const struct classify *c, uint16_t *ids, size_t max);

/* classify_tag_name - stable name of tag bit i (0-based), NULL past the end. */
const char *classify_tag_name(unsigned i);

#endif
