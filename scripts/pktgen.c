/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pktgen.c - paced UDP flood for loss and throughput measurements.
 *
 * usage: pktgen [-s SRC[/COUNT] [-r]] [-n PACKETS] [-p SPORT] DST_IP PORT PPS SECONDS
 *        (PPS 0 = as fast as possible)
 * Sends small UDP datagrams with sendmmsg in bursts, paced against
 * CLOCK_MONOTONIC, and prints "sent N in S s (R pps)". Only meant to run
 * inside a test network namespace towards a documentation address.
 *
 *   -s SRC/COUNT  forge the source address: SRC, SRC+1, ... SRC+COUNT-1, then
 *                 from SRC again (COUNT defaults to 1). Uses a raw socket
 *                 (IP_HDRINCL, needs CAP_NET_RAW); the kernel fills in the IP
 *                 checksum, the UDP checksum is left 0 (none, RFC 768).
 *   -r            with -s: every address of the range once per round, in a
 *                 scattered order (i * step mod COUNT, step coprime to COUNT)
 *   -n PACKETS    stop after exactly PACKETS datagrams (SECONDS still limits)
 *   -p SPORT      source port (default: the kernel's choice; 40000 with -s)
 * SIGINT or SIGTERM ends the run early, still with the closing line (SIGINT
 * too: a shell starts background jobs with it ignored, a handler undoes that).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PKTGEN_BURST	64	/* datagrams per sendmmsg */
#define PKTGEN_PAYLOAD	18	/* UDP payload bytes */
#define PKTGEN_RAW_LEN	(20 + 8 + PKTGEN_PAYLOAD)

static volatile sig_atomic_t pktgen_stop;

static void pktgen_on_signal(int sig)
{
	(void)sig;
	pktgen_stop = 1;
}

static double pktgen_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pktgen_usage(void)
{
	fprintf(stderr, "usage: pktgen [-s SRC_IPV4[/COUNT] [-r]] [-n PACKETS] [-p SPORT] "
		"DST_IPV4 PORT PPS SECONDS\n");
}

/* A strictly parsed unsigned number in [min, max], or -1. */
static long long pktgen_num(const char *s, long long min, long long max)
{
	char *end;
	long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	return v;
}

static uint64_t pktgen_gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* The raw IPv4 + UDP datagram, source address and checksum left for later. */
static void pktgen_raw_fill(uint8_t *p, const struct sockaddr_in *dst, uint16_t sport)
{
	uint16_t v;

	memset(p, 0, PKTGEN_RAW_LEN);
	p[0] = 0x45;				/* version 4, IHL 5 */
	v = htons(PKTGEN_RAW_LEN);
	memcpy(p + 2, &v, 2);			/* the kernel fills it in anyway */
	p[8] = 64;				/* TTL */
	p[9] = IPPROTO_UDP;
	memcpy(p + 16, &dst->sin_addr, 4);
	v = htons(sport);
	memcpy(p + 20, &v, 2);
	memcpy(p + 22, &dst->sin_port, 2);
	v = htons(8 + PKTGEN_PAYLOAD);
	memcpy(p + 24, &v, 2);
	memcpy(p + 28, "nflogd-pktgen", 13);
}

int main(int argc, char **argv)
{
	static uint8_t raw[PKTGEN_BURST][PKTGEN_RAW_LEN];
	struct mmsghdr msgs[PKTGEN_BURST];
	struct iovec iov[PKTGEN_BURST];
	struct sockaddr_in dst = { .sin_family = AF_INET };
	char payload[PKTGEN_PAYLOAD] = "nflogd-pktgen";
	double pps, secs, start, now;
	unsigned long long sent = 0, limit = 0;
	uint64_t src_base = 0, src_count = 1, src_next = 0, step = 1;
	long long sport = -1, v;
	int fd, i, c, forge = 0, scatter = 0;

	while ((c = getopt(argc, argv, "+s:rn:p:")) != -1) {
		switch (c) {
		case 's': {
			char addr[INET_ADDRSTRLEN];
			const char *slash = strchr(optarg, '/');
			struct in_addr a;
			size_t len = slash ? (size_t)(slash - optarg) : strlen(optarg);

			if (len >= sizeof(addr)) {
				pktgen_usage();
				return 2;
			}
			memcpy(addr, optarg, len);
			addr[len] = '\0';
			if (inet_pton(AF_INET, addr, &a) != 1 ||
			    (slash && (v = pktgen_num(slash + 1, 1, 1LL << 32)) < 0)) {
				fprintf(stderr, "pktgen: bad -s '%s': want A.B.C.D[/COUNT]\n", optarg);
				return 2;
			}
			src_base = ntohl(a.s_addr);
			src_count = slash ? (uint64_t)v : 1;
			forge = 1;
			break;
		}
		case 'r':
			scatter = 1;
			break;
		case 'n':
			if ((v = pktgen_num(optarg, 1, 1LL << 62)) < 0) {
				fprintf(stderr, "pktgen: bad -n '%s'\n", optarg);
				return 2;
			}
			limit = (unsigned long long)v;
			break;
		case 'p':
			if ((sport = pktgen_num(optarg, 1, 65535)) < 0) {
				fprintf(stderr, "pktgen: bad -p '%s'\n", optarg);
				return 2;
			}
			break;
		default:
			pktgen_usage();
			return 2;
		}
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc != 5 || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		pktgen_usage();
		return 2;
	}
	dst.sin_port = htons((uint16_t)atoi(argv[2]));
	pps = atof(argv[3]);
	secs = atof(argv[4]);
	if (scatter) {
		/* A step near COUNT * 0.618 that shares no factor with COUNT
		 * visits every index once per COUNT packets. */
		step = src_count > 2 ? src_count * 618 / 1000 : 1;
		while (step > 1 && pktgen_gcd(step, src_count) != 1)
			step--;
		if (step == 0)
			step = 1;
	}

	fd = forge ? socket(AF_INET, SOCK_RAW, IPPROTO_RAW) : socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (!forge && sport > 0) {
		struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons((uint16_t)sport) };

		if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
			perror("bind");
			return 1;
		}
	}
	for (i = 0; i < PKTGEN_BURST; i++) {
		if (forge) {
			pktgen_raw_fill(raw[i], &dst, (uint16_t)(sport > 0 ? sport : 40000));
			iov[i] = (struct iovec){ raw[i], PKTGEN_RAW_LEN };
		} else {
			iov[i] = (struct iovec){ payload, sizeof(payload) };
		}
		msgs[i].msg_hdr = (struct msghdr){
			.msg_name = &dst, .msg_namelen = sizeof(dst),
			.msg_iov = &iov[i], .msg_iovlen = 1,
		};
	}
	{
		struct sigaction sa = { .sa_handler = pktgen_on_signal };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	start = pktgen_now();
	while (!pktgen_stop) {
		unsigned burst = PKTGEN_BURST;
		int n;

		now = pktgen_now();
		if (now - start >= secs || (limit && sent >= limit))
			break;
		if (pps > 0 && (double)sent > (now - start) * pps)
			continue;	/* ahead of schedule: spin, sleeping is too coarse */
		if (limit && limit - sent < burst)
			burst = (unsigned)(limit - sent);
		if (forge) {
			/* Sources for this burst; a partial send re-sends the rest
			 * with the same sources, so none is skipped. */
			uint64_t idx = src_next;

			for (i = 0; i < (int)burst; i++) {
				uint32_t s = htonl((uint32_t)(src_base + (idx * step) % src_count));

				memcpy(raw[i] + 12, &s, 4);
				idx = (idx + 1) % src_count;
			}
		}
		n = sendmmsg(fd, msgs, burst, 0);
		if (n < 0) {
			if (errno == EPERM || errno == ENOBUFS || errno == ECONNREFUSED ||
			    errno == EINTR)
				continue;
			perror("sendmmsg");
			return 1;
		}
		sent += (unsigned long long)n;
		src_next = (src_next + (uint64_t)n) % src_count;
	}
	now = pktgen_now() - start;
	printf("sent %llu in %.2f s (%.0f pps)\n", sent, now, (double)sent / now);
	return 0;
}
