/* SPDX-License-Identifier: GPL-2.0-or-later */
/* genjsonl.c - a collector's JSON Lines for `nflogctl fleet`'s figures
 * (doc/BENCHMARKS.md): N drop lines from H hosts in time order, shaped like
 * `nflogctl read --json` with host.name added.
 *
 *   build/genjsonl [-n LINES] [-H HOSTS] [-s SEED] > lines.jsonl
 *
 * The mix, per line: 70% background (a random source knocking once on one
 * host: every line a new source, the source table's worst case), 20% from
 * 200 scanners that each work through every host, 10% NetBIOS broadcasts
 * (noise, per host). Addresses are documentation ranges only: the
 * scanners in 203.0.113.0/24 and 198.51.100.0/24, the background in
 * 2001:db8::/32 (room for a new source on every line), the hosts 192.0.2.x.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t gen_state = 0x9e3779b97f4a7c15ull;

static uint64_t gen_rand(void)
{
	uint64_t z = (gen_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void gen_line(FILE *out, uint64_t ns, unsigned host, const char *src, unsigned sport,
		     unsigned dst_last, unsigned dport, const char *proto, uint64_t seq,
		     const char *extra)
{
	time_t s = (time_t)(ns / 1000000000ull);
	int v6 = strchr(src, ':') != NULL;
	struct tm tm;
	char day[32];

	gmtime_r(&s, &tm);
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(out,
		"{\"@timestamp\":\"%s.%09" PRIu64 "Z\",\"event\":{\"action\":\"dropped\","
		"\"kind\":\"event\",\"sequence\":%" PRIu64 "},\"host\":{\"name\":\"fw%02u\"},"
		"\"rule\":{\"name\":\"drop\"},\"observer\":{\"ingress\":{\"interface\":{\"name\":"
		"\"eth0\",\"id\":\"2\"}}},\"network\":{\"type\":\"%s\",\"transport\":\"%s\","
		"\"iana_number\":\"%s\"},\"source\":{\"ip\":\"%s\",\"port\":%u},\"destination\":"
		"{\"ip\":\"%s%u\",\"port\":%u},\"nflog\":{\"group\":10,\"cpu\":0,\"hook\":1,"
		"\"seq\":%" PRIu64 ",\"mark\":0,\"status\":\"ok\",\"cap_len\":60,\"ip\":{\"ttl\":"
		"52,\"id\":4321,\"flags\":[\"DF\"],\"frag_offset\":0,\"len\":40,\"tos\":0}%s}}\n",
		day, (uint64_t)(ns % 1000000000ull), seq, host, v6 ? "ipv6" : "ipv4", proto,
		proto[0] == 't' ? "6" : "17", src, sport, v6 ? "2001:db8:ffff::" : "192.0.2.",
		dst_last, dport, seq, extra);
}

int main(int argc, char **argv)
{
	uint64_t n = 1000000, i, ns = 1795315800ull * 1000000000ull;
	unsigned hosts = 8, scan_pos[200] = { 0 };
	char src[64];
	int c;

	while ((c = getopt(argc, argv, "n:H:s:")) != -1) {
		switch (c) {
		case 'n':
			n = strtoull(optarg, NULL, 10);
			break;
		case 'H':
			hosts = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 's':
			gen_state = strtoull(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: genjsonl [-n LINES] [-H HOSTS 1..99] [-s SEED]\n");
			return 2;
		}
	}
	if (!hosts || hosts > 99)
		return 2;
	for (i = 0; i < n; i++) {
		uint64_t r = gen_rand();
		unsigned pick = (unsigned)(r % 100), h = (unsigned)((r >> 8) % hosts);

		ns += 20000 + (r >> 40) % 20000;	/* about 33,000 lines a second */
		if (pick < 70) {
			snprintf(src, sizeof(src), "2001:db8:%x:%x::%x", (unsigned)(r >> 16 & 0xffff),
				 (unsigned)(r >> 32 & 0xffff), (unsigned)(i & 0xffff));
			gen_line(stdout, ns, h, src, 40000 + (unsigned)(r >> 48) % 20000, h + 1,
				 (unsigned)(r >> 12) % 1024, "tcp", i,
				 ",\"tcp\":{\"flags\":\"S\",\"window\":1024,\"seq\":1,\"data_offset\":5},"
				 "\"verdict\":\"unknown\",\"tags\":[]");
		} else if (pick < 90) {
			unsigned s = (unsigned)(r >> 16) % 200, p = scan_pos[s]++;

			snprintf(src, sizeof(src), "%s.%u", s < 100 ? "203.0.113" : "198.51.100",
				 s % 100 + 1);
			gen_line(stdout, ns, p % hosts, src, 50000 + s, p % hosts + 1,
				 1 + (p / hosts) % 1000, "tcp", i,
				 ",\"tcp\":{\"flags\":\"S\",\"window\":1024,\"seq\":1,\"data_offset\":5},"
				 "\"verdict\":\"suspicious\",\"tags\":[]");
		} else {
			gen_line(stdout, ns, h, "192.0.2.200", 137, 255, 137, "udp", i,
				 ",\"udp\":{\"len\":58},\"kb\":{\"id\":137,\"service\":\"netbios-ns\","
				 "\"category\":\"noise\"},\"verdict\":\"noise\","
				 "\"tags\":[\"broadcast-destination\"]");
		}
	}
	return fflush(stdout) == EOF ? 1 : 0;
}
