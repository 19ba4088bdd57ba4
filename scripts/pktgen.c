/* pktgen.c - paced UDP flood for loss and throughput measurements.
 *
 * usage: pktgen DST_IP PORT PPS SECONDS   (PPS 0 = as fast as possible)
 * Sends small UDP datagrams with sendmmsg in bursts, paced against
 * CLOCK_MONOTONIC, and prints "sent N in S s (R pps)". Only meant to run
 * inside a test network namespace towards a documentation address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PKTGEN_BURST	64	/* datagrams per sendmmsg */

static double pktgen_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct mmsghdr msgs[PKTGEN_BURST];
	struct iovec iov[PKTGEN_BURST];
	struct sockaddr_in dst = { .sin_family = AF_INET };
	char payload[18] = "nflogd-pktgen";
	double pps, secs, start, now;
	unsigned long long sent = 0;
	int fd, i;

	if (argc != 5 || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		fprintf(stderr, "usage: pktgen DST_IPV4 PORT PPS SECONDS\n");
		return 2;
	}
	dst.sin_port = htons((uint16_t)atoi(argv[2]));
	pps = atof(argv[3]);
	secs = atof(argv[4]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	for (i = 0; i < PKTGEN_BURST; i++) {
		iov[i] = (struct iovec){ payload, sizeof(payload) };
		msgs[i].msg_hdr = (struct msghdr){
			.msg_name = &dst, .msg_namelen = sizeof(dst),
			.msg_iov = &iov[i], .msg_iovlen = 1,
		};
	}
	start = pktgen_now();
	for (;;) {
		int n;

		now = pktgen_now();
		if (now - start >= secs)
			break;
		if (pps > 0 && (double)sent > (now - start) * pps)
			continue;	/* ahead of schedule: spin, sleeping is too coarse */
		n = sendmmsg(fd, msgs, PKTGEN_BURST, 0);
		if (n < 0) {
			if (errno == EPERM || errno == ENOBUFS || errno == ECONNREFUSED)
				continue;
			perror("sendmmsg");
			return 1;
		}
		sent += (unsigned long long)n;
	}
	now = pktgen_now() - start;
	printf("sent %llu in %.2f s (%.0f pps)\n", sent, now, (double)sent / now);
	return 0;
}
