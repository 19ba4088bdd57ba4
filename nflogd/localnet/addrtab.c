/* SPDX-License-Identifier: GPL-2.0-or-later */
/* addrtab.c - the host's address table frozen for the packet path: a hash, and vector lanes for a small table.
 *
 * A freeze reads the builder's lists (addrtab_build.c) and derives the
 * prefixes from every address that holds one. The snapshot is one
 * open-addressing hash (linear probing, load <= 1/2) keyed by (family, plen,
 * address masked to plen):
 *
 *   (4, 32, 192.0.2.7)   -> OWN,   ifindex 2     every address, full length
 *   (4, 32, 192.0.2.255) -> BCAST, ifindex 2     directed broadcasts (IPv4)
 *   (4, 24, 192.0.2.0)   -> SUBNET, ifindex 2    every prefix shorter than that
 *
 * and per family the distinct prefix lengths present, longest first. A
 * lookup probes the full length, then each prefix length in turn until one
 * matches: a host with one IPv4 and one IPv6 prefix pays two probes. The
 * hash seed mixes the table's address: the keys are the admin's, and what a
 * sender controls (the looked-up address) can at worst hit the longest run.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "localnet/addrtab_int.h"
#include "util/mix.h"

/* A hash slot; family 0 marks an empty one. */
struct addrtab_slot {
	uint8_t		 family;
	uint8_t		 plen;
	uint8_t		 facts;
	uint32_t	 ifindex;
	uint8_t		 key[16];
};

struct addrtab_hw {
	uint32_t	 ifindex;
	uint8_t		 hwlen;
	uint8_t		 hw[ADDRTAB_HWADDR_MAX];
};

/* A small table's IPv4 addresses, one to a lane, four lanes to a vector:
 * an address a gets
 *   sfacts (SUBNET) when (a & mask) == net,     its prefix
 *   ofacts (OWN)    when a == addr,             the address itself
 *   bfacts (BCAST)  when a == bcast,            the prefix's directed broadcast
 * all in network order. GCC's vector extensions compile to SSE2 (NEON on
 * arm64): one address against four table addresses in a few instructions,
 * no branch per entry. Lane 0 is what an address says by itself: 224.0.0.0/4
 * gives MCAST, 255.255.255.255 LIMITED. A broadcast the kernel was told
 * (IFA_BROADCAST) that differs from the computed one is rare: it gets a lane
 * of its own (addr = it, ofacts = BCAST), so that the common case compares
 * three keys per lane, not four. A lane whose facts are 0 (unused, a /32's
 * prefix, a /31's broadcast) adds nothing, whatever it matches, so a zeroed
 * table is an empty one. */
typedef uint32_t addrtab_u32x4 __attribute__((vector_size(16)));

#define ADDRTAB_LINK_DIRECT	256	/* ifindexes below this found by index */
#define ADDRTAB_SCAN4_MAX	16	/* IPv4 addresses a small table holds */
#define ADDRTAB_SCAN4_LANES	20	/* lane 0, the addresses, odd kernel broadcasts */
#define ADDRTAB_SCAN4_VECS	(ADDRTAB_SCAN4_LANES / 4)

struct addrtab_scan4 {
	addrtab_u32x4	 net[ADDRTAB_SCAN4_VECS], mask[ADDRTAB_SCAN4_VECS];
	addrtab_u32x4	 sfacts[ADDRTAB_SCAN4_VECS];
	addrtab_u32x4	 addr[ADDRTAB_SCAN4_VECS], ofacts[ADDRTAB_SCAN4_VECS];
	addrtab_u32x4	 bcast[ADDRTAB_SCAN4_VECS], bfacts[ADDRTAB_SCAN4_VECS];
	unsigned	 n;			/* lanes in use */
	unsigned	 nvec;			/* vectors in use: (n + 3) / 4, at least 1 */
};

/* Up to ADDRTAB_SCAN4_MAX IPv4 addresses (what nearly every host has), an
 * IPv4 lookup that needs no interface compares against every own address,
 * broadcast and prefix at once, a few vector instructions per kind, instead
 * of a hash probe per prefix length. */
struct addrtab {
	struct addrtab_scan4	 scan4;
	bool			 use_scan4;
	struct addrtab_slot	*slot;
	size_t			 mask;		/* slots - 1, a power of two minus one */
	unsigned		 shift;		/* 64 - log2(slots): the hash is a product's top bits */
	uint64_t		 seed;
	uint8_t			 nplen[2];	/* [0] IPv4, [1] IPv6 */
	uint8_t			 plens[2][128];	/* prefix lengths below the full one, descending */
	struct addrtab_addr	*addr;
	size_t			 naddr;
	struct addrtab_hw	*link;		/* sorted by ifindex */
	size_t			 nlink;
	/* link index + 1 by ifindex, for the ifindexes a host has (they count
	 * up from 1): the packet path's lookup is one load, not a search. */
	uint16_t		 link_at[ADDRTAB_LINK_DIRECT];
	/* The same links' 6-byte MACs as addrtab_mac6 words (0: none), so
	 * that the packet path compares a frame's destination in two loads. */
	uint64_t		 link_mac6[ADDRTAB_LINK_DIRECT];
};

#define ADDRTAB_MAC6_VALID	(1ull << 63)

/* A 6-byte MAC as one word: its bytes in the low 48 bits, and a bit that
 * tells it from "none" (all-zero MACs exist: loopback's). */
static inline uint64_t addrtab_mac6(const uint8_t mac[6])
{
	uint32_t lo;
	uint16_t hi;

	memcpy(&lo, mac, 4);
	memcpy(&hi, mac + 4, 2);
	return lo | (uint64_t)hi << 32 | ADDRTAB_MAC6_VALID;
}

/* Clear key's bits from plen on; nbytes is 4 or 16. */
static inline void addrtab_mask(uint8_t key[16], unsigned plen, unsigned nbytes)
{
	unsigned i;

	for (i = plen / 8; i < nbytes; i++)
		key[i] = i == plen / 8 ? (uint8_t)(key[i] & (0xff00u >> (plen % 8))) : 0;
}

/* ---- the snapshot ---- */

/* Multiply-shift hashing: the top bits of one 64-bit product, which depend on
 * every key bit. Enough here, and a few instructions where mix64 costs ~20 per
 * probe: the keys are the admin's and the table at most half full, so a
 * sender's address can pick which run it walks, never make one longer. */
static inline size_t addrtab_hash4(const struct addrtab *t, unsigned plen, uint32_t k)
{
	return (size_t)(((k ^ t->seed ^ (uint64_t)plen << 40) * 0x9e3779b97f4a7c15ull) >> t->shift);
}

static inline size_t addrtab_hash(const struct addrtab *t, unsigned family, unsigned plen,
				  const uint8_t key[16])
{
	uint64_t w0, w1;
	uint32_t k;

	if (family == 4) {
		memcpy(&k, key, 4);
		return addrtab_hash4(t, plen, k);
	}
	memcpy(&w0, key, 8);
	memcpy(&w1, key + 8, 8);
	w0 ^= mix64(w1 ^ t->seed);
	return (size_t)(((w0 ^ (uint64_t)(256 | plen) << 40) * 0x9e3779b97f4a7c15ull) >> t->shift);
}

/* The slot holding (family, plen, key), or the empty slot where it goes. The
 * table is at most half full, so the walk ends. */
static inline struct addrtab_slot *addrtab_slot_for(const struct addrtab *t, unsigned family,
						    unsigned plen, const uint8_t key[16])
{
	size_t i;

	for (i = addrtab_hash(t, family, plen, key);; i = (i + 1) & t->mask) {
		struct addrtab_slot *s = &t->slot[i];

		if (s->family == 0 ||
		    (s->family == family && s->plen == plen && memcmp(s->key, key, 16) == 0))
			return s;
	}
}

/* addrtab_slot_for for IPv4, the key as the 4 address bytes in one word. */
static inline const struct addrtab_slot *addrtab_slot4(const struct addrtab *t, unsigned plen,
						       uint32_t k)
{
	size_t i;

	for (i = addrtab_hash4(t, plen, k);; i = (i + 1) & t->mask) {
		const struct addrtab_slot *s = &t->slot[i];

		if (s->family == 0 || (s->family == 4 && s->plen == plen && !memcmp(s->key, &k, 4)))
			return s;
	}
}

/* Add facts to (family, plen, key); the first address to name it gives the
 * interface. */
static void addrtab_put(struct addrtab *t, unsigned family, unsigned plen, const uint8_t key[16],
			unsigned facts, uint32_t ifindex)
{
	struct addrtab_slot *s = addrtab_slot_for(t, family, plen, key);

	if (s->family == 0) {
		s->family = (uint8_t)family;
		s->plen = (uint8_t)plen;
		s->ifindex = ifindex;
		memcpy(s->key, key, 16);
	}
	s->facts |= (uint8_t)facts;
}

/* IPv4 address a's prefix mask, in network order. */
static uint32_t addrtab_mask4(const struct addrtab_baddr *a)
{
	return htonl(a->plen ? ~0u << (32 - a->plen) : 0);
}

/* The directed broadcast computed from a's prefix (network order), or 0:
 * none for a /31 or /32 (RFC 3021), nor in 0.0.0.0/8. */
static uint32_t addrtab_bcast4(const struct addrtab_baddr *a)
{
	uint32_t addr, mask = addrtab_mask4(a);

	memcpy(&addr, a->addr, 4);
	if (a->plen >= 31 || !(ntohl(addr & mask) >> 24))
		return 0;
	return (addr & mask) | ~mask;
}

/* The kernel's broadcast of a, when the lanes must hold it apart: set, not
 * 255.255.255.255 (LIMITED already), and not the computed one. */
static bool addrtab_odd_bcast(const struct addrtab_baddr *a, uint32_t *bc)
{
	if (!a->has_bcast || a->plen >= 31 ||
	    (a->bcast[0] & a->bcast[1] & a->bcast[2] & a->bcast[3]) == 0xff)
		return false;
	memcpy(bc, a->bcast, 4);
	return *bc != addrtab_bcast4(a);
}

/* The directed broadcasts of an IPv4 address, as the kernel's local table
 * has them (fib_add_ifaddr): prefix|~mask when the prefix is shorter than /31
 * and not in 0.0.0.0/8, and IFA_BROADCAST when set and not 255.255.255.255
 * (the limited broadcast is not any prefix's); none for /31 and /32. */
static void addrtab_put_bcast(struct addrtab *t, const struct addrtab_baddr *a)
{
	uint8_t key[16] = { 0 };
	uint32_t bc = addrtab_bcast4(a);

	if (a->plen >= 31)
		return;
	if (bc) {
		memcpy(key, &bc, 4);
		addrtab_put(t, 4, 32, key, ADDRTAB_BCAST, a->ifindex);
	}
	if (a->has_bcast && (a->bcast[0] & a->bcast[1] & a->bcast[2] & a->bcast[3]) != 0xff) {
		memcpy(key, a->bcast, 4);
		addrtab_put(t, 4, 32, key, ADDRTAB_BCAST, a->ifindex);
	}
}

/* Fill the hash and the prefix-length lists from the builder's addresses. */
static void addrtab_fill(struct addrtab *t, const struct addrtab_build *b)
{
	bool have[2][128] = { { false } };
	size_t i;
	int fi, plen;

	/* Own addresses first, so that an address that is also another
	 * prefix's broadcast keeps its own interface. */
	for (i = 0; i < b->naddr; i++) {
		const struct addrtab_baddr *a = &b->addr[i];

		addrtab_put(t, a->family, addrtab_bits(a->family), a->addr, ADDRTAB_OWN, a->ifindex);
	}
	for (i = 0; i < b->naddr; i++) {
		const struct addrtab_baddr *a = &b->addr[i];
		uint8_t key[16];

		if (a->family == 4)
			addrtab_put_bcast(t, a);
		if (a->plen == addrtab_bits(a->family))
			continue;	/* a /32 or /128 is the address alone */
		memcpy(key, a->addr, 16);
		addrtab_mask(key, a->plen, 16);
		addrtab_put(t, a->family, a->plen, key, ADDRTAB_SUBNET, a->ifindex);
		have[a->family == 6][a->plen] = true;
	}
	for (fi = 0; fi < 2; fi++)
		for (plen = 127; plen >= 0; plen--)
			if (have[fi][plen])
				t->plens[fi][t->nplen[fi]++] = (uint8_t)plen;
}

/* The next free lane of g: its vector *v and lane *l. */
static void addrtab_scan4_lane(struct addrtab_scan4 *g, unsigned *v, unsigned *l)
{
	*v = g->n / 4;
	*l = g->n % 4;
	g->n++;
}

/* One IPv4 address of b in g's lanes: itself, its prefix, its broadcasts. */
static void addrtab_scan4_add(struct addrtab_scan4 *g, const struct addrtab_baddr *a)
{
	uint32_t addr, mask = addrtab_mask4(a), computed = addrtab_bcast4(a), bc;
	unsigned v, l;

	addrtab_scan4_lane(g, &v, &l);
	memcpy(&addr, a->addr, 4);
	g->addr[v][l] = addr;
	g->ofacts[v][l] = ADDRTAB_OWN;
	if (a->plen == 32)
		return;	/* the address alone: no prefix */
	g->net[v][l] = addr & mask;
	g->mask[v][l] = mask;
	g->sfacts[v][l] = ADDRTAB_SUBNET;
	if (a->plen == 31)
		return;	/* RFC 3021: no broadcast */
	if (computed) {
		g->bcast[v][l] = computed;
		g->bfacts[v][l] = ADDRTAB_BCAST;
	}
	if (addrtab_odd_bcast(a, &bc)) {
		addrtab_scan4_lane(g, &v, &l);
		g->addr[v][l] = bc;
		g->ofacts[v][l] = ADDRTAB_BCAST;
	}
}

/* The small-table form of b's IPv4 addresses, when there are few enough:
 * the same facts as the hash (addrtab_put_bcast's broadcasts). */
static void addrtab_fill_scan4(struct addrtab *t, const struct addrtab_build *b)
{
	struct addrtab_scan4 *g = &t->scan4;
	size_t i, n = 0, lanes = 1;

	for (i = 0; i < b->naddr; i++) {
		uint32_t bc;

		if (b->addr[i].family != 4)
			continue;
		n++;
		lanes += 1 + addrtab_odd_bcast(&b->addr[i], &bc);	/* what addrtab_scan4_add takes */
	}
	if (n > ADDRTAB_SCAN4_MAX || lanes > ADDRTAB_SCAN4_LANES)
		return;
	t->use_scan4 = true;
	g->net[0][0] = htonl(0xe0000000u);
	g->mask[0][0] = htonl(0xf0000000u);
	g->sfacts[0][0] = ADDRTAB_MCAST;
	g->addr[0][0] = ~0u;
	g->ofacts[0][0] = ADDRTAB_LIMITED;
	g->n = 1;
	for (i = 0; i < b->naddr; i++)
		if (b->addr[i].family == 4)
			addrtab_scan4_add(g, &b->addr[i]);
	g->nvec = (g->n + 3) / 4;
}

struct addrtab *addrtab_freeze(const struct addrtab_build *b)
{
	struct addrtab *t = calloc(1, sizeof(*t));
	size_t i, nslot = 16;

	if (!t)
		return NULL;
	/* At most four keys per address (itself, its prefix, the computed
	 * broadcast, IFA_BROADCAST); twice as many slots keeps the load <= 1/2
	 * and the probe runs short. */
	while (nslot < 2 * 4 * b->naddr)
		nslot <<= 1;
	t->slot = calloc(nslot, sizeof(*t->slot));
	t->addr = calloc(b->naddr ? b->naddr : 1, sizeof(*t->addr));
	t->link = calloc(b->nlink ? b->nlink : 1, sizeof(*t->link));
	if (!t->slot || !t->addr || !t->link) {
		addrtab_free(t);
		errno = ENOMEM;
		return NULL;
	}
	t->mask = nslot - 1;
	for (t->shift = 64; (size_t)1 << (64 - t->shift) < nslot; t->shift--)
		;
	t->seed = mix64((uint64_t)(uintptr_t)t ^ b->gen << 32);
	addrtab_fill(t, b);
	addrtab_fill_scan4(t, b);
	for (i = 0; i < b->naddr; i++) {
		const struct addrtab_baddr *a = &b->addr[i];

		t->addr[i] = (struct addrtab_addr){ .family = a->family, .plen = a->plen,
						    .ifindex = a->ifindex };
		memcpy(t->addr[i].addr, a->addr, 16);
	}
	t->naddr = b->naddr;
	for (i = 0; i < b->nlink; i++) {
		t->link[i].ifindex = b->link[i].ifindex;
		t->link[i].hwlen = b->link[i].hwlen;
		memcpy(t->link[i].hw, b->link[i].hw, sizeof(t->link[i].hw));
		if (b->link[i].ifindex >= ADDRTAB_LINK_DIRECT)
			continue;
		t->link_at[b->link[i].ifindex] = (uint16_t)(i + 1);
		if (b->link[i].hwlen == 6)
			t->link_mac6[b->link[i].ifindex] = addrtab_mac6(b->link[i].hw);
	}
	t->nlink = b->nlink;
	return t;
}

void addrtab_free(struct addrtab *t)
{
	if (!t)
		return;
	free(t->slot);
	free(t->addr);
	free(t->link);
	free(t);
}

/* The OR of a's lanes into *fa and of b's into *fb, both at once: interleave
 * the two (lanes a0|a2, b0|b2, a1|a3, b1|b3), then fold the halves. */
static inline void addrtab_or4x2(addrtab_u32x4 a, addrtab_u32x4 b, unsigned *fa, unsigned *fb)
{
	addrtab_u32x4 t;

#ifdef __clang__
	t = __builtin_shufflevector(a, b, 0, 4, 1, 5) | __builtin_shufflevector(a, b, 2, 6, 3, 7);
	t |= __builtin_shufflevector(t, t, 2, 3, 0, 1);
#else
	t = __builtin_shuffle(a, b, (addrtab_u32x4){ 0, 4, 1, 5 }) |
	    __builtin_shuffle(a, b, (addrtab_u32x4){ 2, 6, 3, 7 });
	t |= __builtin_shuffle(t, (addrtab_u32x4){ 2, 3, 0, 1 });
#endif
	*fa = t[0];
	*fb = t[1];
}

/* The facts of IPv4 address a against one vector of g's lanes. */
static inline addrtab_u32x4 addrtab_scan4_vec(const struct addrtab_scan4 *g, unsigned i,
					      addrtab_u32x4 va)
{
	return ((addrtab_u32x4)((va & g->mask[i]) == g->net[i]) & g->sfacts[i]) |
	       ((addrtab_u32x4)(va == g->addr[i]) & g->ofacts[i]) |
	       ((addrtab_u32x4)(va == g->bcast[i]) & g->bfacts[i]);
}

/* The facts of IPv4 addresses a and b in a small table: every lane
 * compared with both, the matching lanes' facts ORed. */
static inline __attribute__((always_inline)) void
addrtab_scan4(const struct addrtab_scan4 *g, uint32_t a, uint32_t b,
				 unsigned *fa, unsigned *fb)
{
	addrtab_u32x4 va = { a, a, a, a }, vb = { b, b, b, b };
	addrtab_u32x4 ra = addrtab_scan4_vec(g, 0, va), rb = addrtab_scan4_vec(g, 0, vb);
	unsigned i;

	for (i = 1; i < g->nvec; i++) {
		ra |= addrtab_scan4_vec(g, i, va);
		rb |= addrtab_scan4_vec(g, i, vb);
	}
	addrtab_or4x2(ra, rb, fa, fb);
}

/* addrtab_facts for IPv4: masks are one AND on the address word (network
 * order, so the mask is too), the hash a product. This is per packet twice. */
static unsigned addrtab_facts4(const struct addrtab *t, const uint8_t addr[4], uint32_t *ifx)
{
	const struct addrtab_slot *s;
	unsigned facts = 0, i;
	uint32_t a, k;
	bool found = false;

	memcpy(&a, addr, 4);
	s = addrtab_slot4(t, 32, a);
	if (s->family) {
		facts = s->facts;
		*ifx = s->ifindex;
		found = true;
	}
	for (i = 0; i < t->nplen[0]; i++) {
		unsigned plen = t->plens[0][i];

		k = a & htonl(plen ? ~0u << (32 - plen) : 0);
		s = addrtab_slot4(t, plen, k);
		if (s->family) {
			facts |= s->facts;
			if (!found)
				*ifx = s->ifindex;
			break;
		}
	}
	return facts;
}

unsigned addrtab_facts(const struct addrtab *t, unsigned family, const uint8_t addr[16],
		       uint32_t *ifindex)
{
	const struct addrtab_slot *s;
	uint8_t key[16];
	unsigned facts = 0, i;
	uint32_t ifx = 0;
	bool found = false;

	if (ifindex)
		*ifindex = 0;
	if (!t || (family != 4 && family != 6))
		return 0;
	if (family == 6 && addr[0] == 0xff)
		facts = ADDRTAB_MCAST;
	if (family == 4 && !ifindex && t->use_scan4) {
		memcpy(&ifx, addr, 4);
		addrtab_scan4(&t->scan4, ifx, ifx, &facts, &i);
		return facts;
	}
	if (family == 4) {
		facts = addrtab_facts4(t, addr, &ifx);
		if ((addr[0] & addr[1] & addr[2] & addr[3]) == 0xff)
			facts |= ADDRTAB_LIMITED;
		else if ((addr[0] & 0xf0) == 0xe0)
			facts |= ADDRTAB_MCAST;
		if (ifindex)
			*ifindex = ifx;
		return facts;
	}
	memcpy(key, addr, 16);
	s = addrtab_slot_for(t, 6, 128, key);
	if (s->family) {
		facts |= s->facts;
		ifx = s->ifindex;
		found = true;
	}
	/* Lengths descend, so masking the same key again and again is the
	 * same as masking the address each time. */
	for (i = 0; i < t->nplen[1]; i++) {
		unsigned plen = t->plens[1][i];

		addrtab_mask(key, plen, 16);
		s = addrtab_slot_for(t, 6, plen, key);
		if (s->family) {
			facts |= s->facts;
			if (!found)
				ifx = s->ifindex;
			break;
		}
	}
	if (ifindex)
		*ifindex = ifx;
	return facts;
}

static inline const uint8_t *addrtab_hw_of(const struct addrtab_hw *l, size_t *len)
{
	if (!l->hwlen)
		return NULL;
	if (len)
		*len = l->hwlen;
	return l->hw;
}

/* The link-layer address of a low ifindex (< ADDRTAB_LINK_DIRECT): one load. */
static inline const uint8_t *addrtab_link_direct(const struct addrtab *t, uint32_t ifindex,
						 size_t *len)
{
	uint16_t j = t->link_at[ifindex];

	return j ? addrtab_hw_of(&t->link[j - 1], len) : NULL;
}

/* ADDRTAB_HW_* of a destination MAC against an interface's address hw. */
static inline unsigned addrtab_hw_match(const uint8_t *hw, size_t len, const uint8_t *dst_mac)
{
	if (!dst_mac || !hw || len != 6)
		return ADDRTAB_HW_UNKNOWN;
	return memcmp(hw, dst_mac, 6) ? ADDRTAB_HW_OTHER : ADDRTAB_HW_OURS;
}

/* addrtab_packet for everything but a small table's IPv4 on a low ifindex:
 * apart, so that the common case saves no registers. */
static __attribute__((noinline)) struct addrtab_pkt
addrtab_packet_slow(const struct addrtab *t, unsigned family, const uint8_t src[16],
		    const uint8_t dst[16], uint32_t ifindex_in, const uint8_t *dst_mac)
{
	struct addrtab_pkt r;
	size_t len;
	const uint8_t *hw = addrtab_link_hwaddr(t, ifindex_in, &len);

	r.hw = addrtab_hw_match(hw, len, dst_mac);
	r.src = addrtab_facts(t, family, src, NULL);
	r.dst = addrtab_facts(t, family, dst, NULL);
	return r;
}

struct addrtab_pkt addrtab_packet(const struct addrtab *t, unsigned family, const uint8_t src[16],
				  const uint8_t dst[16], uint32_t ifindex_in,
				  const uint8_t *dst_mac)
{
	struct addrtab_pkt r;
	uint32_t ws, wd;
	uint64_t own;

	if (!t || family != 4 || !t->use_scan4 || ifindex_in >= ADDRTAB_LINK_DIRECT)
		return addrtab_packet_slow(t, family, src, dst, ifindex_in, dst_mac);
	own = t->link_mac6[ifindex_in];
	if (!own || !dst_mac)
		r.hw = ADDRTAB_HW_UNKNOWN;
	else
		r.hw = own == addrtab_mac6(dst_mac) ? ADDRTAB_HW_OURS : ADDRTAB_HW_OTHER;
	memcpy(&ws, src, 4);
	memcpy(&wd, dst, 4);
	addrtab_scan4(&t->scan4, ws, wd, &r.src, &r.dst);
	return r;
}

const uint8_t *addrtab_link_hwaddr(const struct addrtab *t, uint32_t ifindex, size_t *len)
{
	size_t lo = 0, hi = t ? t->nlink : 0;

	if (len)
		*len = 0;
	if (t && ifindex < ADDRTAB_LINK_DIRECT)
		return addrtab_link_direct(t, ifindex, len);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct addrtab_hw *l = &t->link[mid];

		if (l->ifindex == ifindex)
			return addrtab_hw_of(l, len);
		if (l->ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t addrtab_naddrs(const struct addrtab *t)
{
	return t ? t->naddr : 0;
}

bool addrtab_addr_at(const struct addrtab *t, size_t i, struct addrtab_addr *out)
{
	if (!t || i >= t->naddr)
		return false;
	*out = t->addr[i];
	return true;
}
