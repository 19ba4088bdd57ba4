/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nfgen.c - packet mix generator for `make bench`: AF_PACKET + sendmmsg.
 *
 * usage: nfgen -i IFACE -M DSTMAC [-4 DST4] [-6 DST6] [-m MIX] [-r PPS] [-t SECONDS]
 *              [-n PACKETS] [-S SEED] [-s SOURCES]
 *
 * Writes whole Ethernet frames on IFACE (one end of a veth pair inside a test
 * namespace) with PACKET_QDISC_BYPASS: no UDP socket, no routing, no qdisc on
 * the sending side, so nearly all the kernel work per packet is the receive
 * path under test (veth -> IP -> nftables -> NFLOG) on the sending CPU.
 *
 * MIX is a comma list of KIND:WEIGHT, KIND one of
 *   syn   IPv4 TCP SYN (44 B, MSS option) to varied ports
 *   udp   IPv4 UDP, 40..1500 B, payload starts with a send timestamp
 *   icmp  IPv4 ICMP echo request (64 B)
 *   syn6  IPv6 TCP SYN (64 B)
 *   udp6  IPv6 UDP, 60..1500 B, payload starts with a send timestamp
 * default "syn:40,udp:30,icmp:10,syn6:10,udp6:10". Every packet has a random
 * source (IPv4: any unicast address outside 0/8, 127/8 and 224/3, which the
 * kernel would drop as martian before the firewall; IPv6: 2001:db8::/32).
 * -s SOURCES: each packet's source is one of SOURCES fixed addresses per
 * family instead (the few-source stream of the drain bench: the consumer's
 * per-source state is found, not made).
 *
 * Timestamped payloads start with NFGEN_MAGIC (4 bytes) and the send time
 * (8 bytes, CLOCK_MONOTONIC ns, host order): IPv4 UDP puts it at L3 offset 28,
 * IPv6 UDP at 48, both inside the 72 bytes nflogd keeps in ring_rec.raw[].
 *
 * PPS 0 (default) sends flat out; otherwise bursts are paced against
 * CLOCK_MONOTONIC. Stops after SECONDS (default 1) or PACKETS. Prints
 * "sent N in S s (R pps)" and one line per kind. Only for test namespaces:
 * the destination addresses default to 192.0.2.1 and 2001:db8::1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NFGEN_BURST	32		/* frames per sendmmsg */
#define NFGEN_POOL	2048		/* prebuilt frame templates */
#define NFGEN_FRAME	1514		/* bytes: Ethernet header + 1500 B MTU */
#define NFGEN_MAGIC	0x5447464eu	/* "NFGT" little-endian */
#define NFGEN_TS_OFF4	28		/* L3 offset of the timestamp, IPv4 UDP */
#define NFGEN_TS_OFF6	48		/* ... IPv6 UDP */

enum nfgen_kind { K_SYN, K_UDP, K_ICMP, K_SYN6, K_UDP6, K_MAX };

static const char *const nfgen_kind_name[K_MAX] = { "syn", "udp", "icmp", "syn6", "udp6" };

struct nfgen_frame {
	uint8_t		 kind;
	uint16_t	 len;		/* frame bytes */
	uint8_t		 buf[NFGEN_FRAME];
};

static uint64_t nfgen_rng = 0x9e3779b97f4a7c15ull;

static uint64_t nfgen_rand(void)
{
	/* xorshift64*: fast, good enough for addresses and ports. */
	nfgen_rng ^= nfgen_rng >> 12;
	nfgen_rng ^= nfgen_rng << 25;
	nfgen_rng ^= nfgen_rng >> 27;
	return nfgen_rng * 0x2545f4914f6cdd1dull;
}

static uint64_t nfgen_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t nfgen_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Destination ports: well-known services, trojan ports, and random high ones. */
static uint16_t nfgen_port(void)
{
	static const uint16_t some[] = { 21, 22, 23, 25, 53, 80, 110, 111, 135, 137, 139,
		143, 161, 443, 445, 1433, 1434, 3306, 3389, 5060, 5900, 8080, 12345,
		27374, 31337 };
	uint64_t r = nfgen_rand();

	if (r & 1)
		return some[(r >> 8) % (sizeof(some) / sizeof(some[0]))];
	return (uint16_t)(1024 + (r >> 16) % 64512);
}

static uint64_t nfgen_nsrc;	/* -s: 0 = a new random source per packet */

/* splitmix64's finaliser: the bits of fixed source number i. */
static uint64_t nfgen_srcmix(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Random bits for a source: fresh ones, or (-s) those of one of the fixed
 * sources, try k giving other bits when an earlier try was not usable. */
static uint64_t nfgen_src_bits(uint64_t i, unsigned k)
{
	return nfgen_nsrc ? nfgen_srcmix(i * 64 + k + 1) : nfgen_rand();
}

static void nfgen_src4(uint8_t *a)
{
	uint64_t i = nfgen_nsrc ? nfgen_rand() % nfgen_nsrc : 0;
	unsigned k = 0;
	uint32_t v;

	do {
		v = (uint32_t)nfgen_src_bits(i, k++);
		a[0] = (uint8_t)(v >> 24);
	} while (a[0] == 0 || a[0] == 127 || a[0] >= 224 || a[0] == 192);
	a[1] = (uint8_t)(v >> 16);
	a[2] = (uint8_t)(v >> 8);
	a[3] = (uint8_t)v;
}

static void nfgen_src6(uint8_t *a)
{
	uint64_t i = nfgen_nsrc ? nfgen_rand() % nfgen_nsrc : 0;
	uint64_t r = nfgen_src_bits(i, 0);

	static const uint8_t pfx[4] = { 0x20, 0x01, 0x0d, 0xb8 };

	memcpy(a, pfx, 4);
	memcpy(a + 4, &r, 8);
	r = nfgen_src_bits(i, 1);
	memcpy(a + 12, &r, 4);
	a[4] |= 0x80;	/* never 2001:db8::/33, where the target's own addresses are */
}

/* The L3 packet of one frame; returns its length. Sources are rewritten per send. */
static size_t nfgen_build(uint8_t *l3, enum nfgen_kind k, const uint8_t dst4[4],
			  const uint8_t dst6[16])
{
	static const uint16_t udp_sizes[] = { 12, 12, 12, 32, 64, 100, 200, 512, 1000, 1440 };
	size_t n, l4, pay;
	uint8_t *h;

	if (k == K_SYN || k == K_UDP || k == K_ICMP) {
		l4 = k == K_SYN ? 24 : 8;
		pay = k == K_UDP ? udp_sizes[nfgen_rand() % 10] : k == K_ICMP ? 36 : 0;
		n = 20 + l4 + pay;
		memset(l3, 0, n);
		l3[0] = 0x45;
		put16(l3 + 2, (uint16_t)n);
		put16(l3 + 4, (uint16_t)nfgen_rand());
		l3[6] = 0x40;
		l3[8] = (uint8_t)(32 + nfgen_rand() % 96);
		l3[9] = k == K_SYN ? 6 : k == K_UDP ? 17 : 1;
		memcpy(l3 + 16, dst4, 4);
		h = l3 + 20;
	} else {
		l4 = k == K_SYN6 ? 24 : 8;
		pay = k == K_UDP6 ? udp_sizes[nfgen_rand() % 10] : 0;
		n = 40 + l4 + pay;
		memset(l3, 0, n);
		l3[0] = 0x60;
		put16(l3 + 4, (uint16_t)(l4 + pay));
		l3[6] = k == K_SYN6 ? 6 : 17;
		l3[7] = 64;
		memcpy(l3 + 24, dst6, 16);
		h = l3 + 40;
	}
	switch (k) {
	case K_SYN:
	case K_SYN6:
		put16(h, (uint16_t)(1024 + nfgen_rand() % 64000));
		put16(h + 2, nfgen_port());
		memcpy(h + 4, &(uint32_t){ (uint32_t)nfgen_rand() }, 4);
		h[12] = 6 << 4;		/* data offset: 24 B */
		h[13] = 0x02;		/* SYN */
		put16(h + 14, 64240);
		h[20] = 2;		/* MSS 1460 */
		h[21] = 4;
		put16(h + 22, 1460);
		break;
	case K_UDP:
	case K_UDP6:
		put16(h, (uint16_t)(1024 + nfgen_rand() % 64000));
		put16(h + 2, nfgen_port());
		put16(h + 4, (uint16_t)(8 + pay));
		break;
	case K_ICMP:
		h[0] = 8;		/* echo request */
		put16(h + 4, (uint16_t)nfgen_rand());
		put16(h + 2, nfgen_csum(h, 8 + pay));
		break;
	default:
		break;
	}
	return n;
}

static int nfgen_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

static int nfgen_mix(const char *s, unsigned w[K_MAX])
{
	char buf[256], *tok, *save = NULL;
	unsigned total = 0;
	int k;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	memset(w, 0, K_MAX * sizeof(w[0]));
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');
		unsigned long v = 1;

		if (colon) {
			*colon = '\0';
			v = strtoul(colon + 1, NULL, 10);
		}
		for (k = 0; k < K_MAX; k++)
			if (!strcmp(tok, nfgen_kind_name[k]))
				break;
		if (k == K_MAX || v > 1000)
			return -1;
		w[k] = (unsigned)v;
		total += (unsigned)v;
	}
	return total ? 0 : -1;
}

static void nfgen_usage(void)
{
	fprintf(stderr, "usage: nfgen -i IFACE -M DSTMAC [-4 DST4] [-6 DST6] [-m MIX] "
		"[-r PPS] [-t SECONDS] [-n PACKETS] [-S SEED] [-s SOURCES]\n");
}

int main(int argc, char **argv)
{
	static struct nfgen_frame pool[NFGEN_POOL];
	static struct mmsghdr msgs[NFGEN_BURST];
	static struct iovec iov[NFGEN_BURST];
	struct sockaddr_ll sll4 = { 0 }, sll6;
	const char *ifname = NULL, *mix = "syn:40,udp:30,icmp:10,syn6:10,udp6:10";
	uint8_t dst4[4], dst6[16], dmac[6] = { 0 }, smac[6] = { 0 };
	unsigned w[K_MAX], wsum = 0, i, k;
	uint64_t sent = 0, limit = UINT64_MAX, per_kind[K_MAX] = { 0 }, t0, tend, now;
	double pps = 0, secs = 1;
	int fd, opt, one = 1, have_mac = 0;

	inet_pton(AF_INET, "192.0.2.1", dst4);
	inet_pton(AF_INET6, "2001:db8::1", dst6);
	while ((opt = getopt(argc, argv, "4:6:i:M:m:n:r:S:s:t:")) != -1) {
		switch (opt) {
		case '4':
			if (inet_pton(AF_INET, optarg, dst4) != 1)
				goto usage;
			break;
		case '6':
			if (inet_pton(AF_INET6, optarg, dst6) != 1)
				goto usage;
			break;
		case 'i': ifname = optarg; break;
		case 'M':
			if (nfgen_mac(optarg, dmac) < 0)
				goto usage;
			have_mac = 1;
			break;
		case 'm': mix = optarg; break;
		case 'n': limit = strtoull(optarg, NULL, 10); break;
		case 'r': pps = strtod(optarg, NULL); break;
		case 's': nfgen_nsrc = strtoull(optarg, NULL, 10); break;
		case 'S': nfgen_rng ^= strtoull(optarg, NULL, 10) * 0x9e3779b97f4a7c15ull; break;
		case 't': secs = strtod(optarg, NULL); break;
		default: goto usage;
		}
	}
	if (!ifname || !have_mac || optind != argc || nfgen_mix(mix, w) < 0 || pps < 0 ||
	    secs <= 0)
		goto usage;
	for (k = 0; k < K_MAX; k++)
		wsum += w[k];

	fd = socket(AF_PACKET, SOCK_RAW, 0);	/* protocol 0: never receives */
	if (fd < 0) {
		perror("nfgen: socket(AF_PACKET)");
		return 1;
	}
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	sll4.sll_family = AF_PACKET;
	sll4.sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll4.sll_ifindex) {
		fprintf(stderr, "nfgen: no interface %s\n", ifname);
		return 1;
	}
	sll4.sll_halen = 6;
	memcpy(sll4.sll_addr, dmac, 6);
	sll6 = sll4;
	sll4.sll_protocol = htons(ETH_P_IP);
	sll6.sll_protocol = htons(ETH_P_IPV6);
	{
		char path[64];
		FILE *f;

		snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifname);
		f = fopen(path, "r");
		if (f) {
			char line[32];

			if (fgets(line, sizeof(line), f))
				nfgen_mac(line, smac);
			fclose(f);
		}
	}

	/* The pool: kinds in proportion to the weights, interleaved. */
	for (i = 0; i < NFGEN_POOL; i++) {
		unsigned r = (unsigned)(nfgen_rand() % wsum), acc = 0;
		struct nfgen_frame *f = &pool[i];
		size_t l3;

		for (k = 0; k < K_MAX; k++) {
			acc += w[k];
			if (r < acc)
				break;
		}
		f->kind = (uint8_t)k;
		memcpy(f->buf, dmac, 6);
		memcpy(f->buf + 6, smac, 6);
		put16(f->buf + 12, k == K_SYN6 || k == K_UDP6 ? ETH_P_IPV6 : ETH_P_IP);
		l3 = nfgen_build(f->buf + 14, (enum nfgen_kind)k, dst4, dst6);
		f->len = (uint16_t)(14 + l3);
	}

	t0 = nfgen_now_ns();
	tend = t0 + (uint64_t)(secs * 1e9);
	now = t0;
	while (sent < limit && now < tend) {
		unsigned n = NFGEN_BURST;
		int rc;

		if (limit - sent < n)
			n = (unsigned)(limit - sent);
		if (pps > 0) {
			uint64_t due = t0 + (uint64_t)((double)sent * 1e9 / pps);

			if (due > now) {
				struct timespec ts = { (time_t)(due / 1000000000u),
						       (long)(due % 1000000000u) };

				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
				now = nfgen_now_ns();
				if (now >= tend)
					break;
			}
			/* Paced: never more than the schedule allows. */
			{
				uint64_t allowed = (uint64_t)((double)(now - t0) * pps / 1e9) + 1;

				if (allowed > sent && allowed - sent < n)
					n = (unsigned)(allowed - sent);
			}
		}
		for (i = 0; i < n; i++) {
			struct nfgen_frame *f = &pool[(sent + i) % NFGEN_POOL];
			uint8_t *l3 = f->buf + 14;

			if (f->kind == K_SYN6 || f->kind == K_UDP6) {
				nfgen_src6(l3 + 8);
				msgs[i].msg_hdr.msg_name = &sll6;
			} else {
				nfgen_src4(l3 + 12);
				l3[10] = l3[11] = 0;
				put16(l3 + 10, nfgen_csum(l3, 20));
				msgs[i].msg_hdr.msg_name = &sll4;
			}
			if (f->kind == K_UDP || f->kind == K_UDP6) {
				uint8_t *ts = l3 + (f->kind == K_UDP ? NFGEN_TS_OFF4 : NFGEN_TS_OFF6);
				uint32_t magic = NFGEN_MAGIC;

				memcpy(ts, &magic, 4);
				memcpy(ts + 4, &now, 8);
			}
			iov[i].iov_base = f->buf;
			iov[i].iov_len = f->len;
			msgs[i].msg_hdr.msg_namelen = sizeof(sll4);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		rc = sendmmsg(fd, msgs, n, 0);
		if (rc < 0) {
			/* The clock moves on too: a device that refuses every
			 * send must still end the run at -t SECONDS. */
			now = nfgen_now_ns();
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR)
				continue;
			perror("nfgen: sendmmsg");
			return 1;
		}
		for (i = 0; i < (unsigned)rc; i++)
			per_kind[pool[(sent + i) % NFGEN_POOL].kind]++;
		sent += (unsigned)rc;
		now = nfgen_now_ns();
	}
	now = nfgen_now_ns();
	printf("sent %llu in %.3f s (%.0f pps)\n", (unsigned long long)sent,
	       (double)(now - t0) / 1e9, (double)sent * 1e9 / (double)(now - t0));
	for (k = 0; k < K_MAX; k++)
		if (per_kind[k])
			printf("  %-5s %llu\n", nfgen_kind_name[k], (unsigned long long)per_kind[k]);
	close(fd);
	return 0;
usage:
	nfgen_usage();
	return 2;
}
