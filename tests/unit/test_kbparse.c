/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_kbparse.c - the kb/ .tsv and local.kb parser: rows, every rejection, merging.
 *
 * Each rejection is one small bad input; the test checks the exact
 * "file:line: " prefix (so line counting survives comments, blank lines and
 * CRLF) and one word of the reason.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "classify/kbindex.h"
#include "classify/kbparse.h"

#define CATS	"1\tweb\tWeb things\n2\tscan\tProbes\n"
/* A valid ports row with the given id, proto, port and dir. */
#define PORT(id, proto, port, dir) \
	id "\t" proto "\t" port "\t" dir "\thttp\tweb\tnoise\tRFC 1\tSum\tExplain\n"

struct bad {
	enum kbparse_table	 t;
	const char		*text;
	const char		*prefix;	/* "t.tsv:N: " */
	const char		*word;		/* somewhere in the reason */
};

static void parse_cats(struct kbparse *kp)
{
	char err[256];

	kbparse_init(kp);
	assert_int_equal(kbparse_file(kp, KBPARSE_CATEGORIES, "c.tsv", CATS, strlen(CATS),
				      err, sizeof(err)), 0);
}

static void expect_bad(const struct bad *b)
{
	struct kbparse kp;
	char err[512];
	size_t *n, before;
	int rc;

	parse_cats(&kp);
	n = b->t == KBPARSE_CATEGORIES ? &kp.ncats : b->t == KBPARSE_PORTS ? &kp.nports :
	    b->t == KBPARSE_ICMP ? &kp.nicmps : b->t == KBPARSE_ADDRESSES ? &kp.naddrs :
	    &kp.nttls;
	before = *n;
	err[0] = '\0';
	rc = kbparse_file(&kp, b->t, "t.tsv", b->text, strlen(b->text), err, sizeof(err));
	if (rc != -EINVAL)
		fail_msg("accepted (rc %d): %s", rc, b->text);
	if (strncmp(err, b->prefix, strlen(b->prefix)) != 0 || !strstr(err, b->word))
		fail_msg("got \"%s\", want prefix \"%s\" and \"%s\"\n  input: %s",
			 err, b->prefix, b->word, b->text);
	assert_int_equal(*n, before);	/* rows of a failed call are dropped */
	kbparse_free(&kp);
}

static void test_bad_rows(void **state)
{
	static const struct bad cases[] = {
		/* column count */
		{ KBPARSE_PORTS, "1\ttcp\t80\tdst\thttp\tweb\tnoise\tRFC 1\tSum\n",
		  "t.tsv:1: ", "fields" },
		{ KBPARSE_PORTS, "# c\n\n" PORT("1", "tcp", "80", "dst") "2\ttcp\t81\n",
		  "t.tsv:4: ", "fields" },
		{ KBPARSE_TTL, "1\t64\tLinux\tFAQ 10\tSum\textra\n", "t.tsv:1: ", "fields" },
		/* numbers */
		{ KBPARSE_PORTS, PORT("x1", "tcp", "80", "dst"), "t.tsv:1: ", "bad number" },
		{ KBPARSE_PORTS, PORT("-1", "tcp", "80", "dst"), "t.tsv:1: ", "bad number" },
		{ KBPARSE_PORTS, PORT("1", "tcp", "8o", "dst"), "t.tsv:1: ", "bad port" },
		{ KBPARSE_PORTS, PORT("1", "tcp", "65536", "dst"), "t.tsv:1: ", "bad port" },
		{ KBPARSE_PORTS, PORT("1", "tcp", "10-", "dst"), "t.tsv:1: ", "bad port range" },
		{ KBPARSE_PORTS, PORT("1", "tcp", "1-2-3", "dst"), "t.tsv:1: ", "bad port range" },
		{ KBPARSE_ICMP, "1\ticmp\t256\t0\tx\tnoise\tRFC 792\tS\tE\n", "t.tsv:1: ", "range" },
		{ KBPARSE_ICMP, "1\ticmp\t3\t*0\tx\tnoise\tRFC 792\tS\tE\n", "t.tsv:1: ",
		  "bad number" },
		{ KBPARSE_TTL, "1\t0\tLinux\tFAQ 10\tSum\n", "t.tsv:1: ", "out of range" },
		{ KBPARSE_TTL, "1\t256\tLinux\tFAQ 10\tSum\n", "t.tsv:1: ", "out of range" },
		/* ids */
		{ KBPARSE_PORTS, PORT("0", "tcp", "80", "dst"), "t.tsv:1: ", "out of range" },
		{ KBPARSE_PORTS, PORT("30000", "tcp", "80", "dst"), "t.tsv:1: ", "out of range" },
		{ KBPARSE_CATEGORIES, "256\tbig\tToo big for a uint8_t\n", "t.tsv:1: ",
		  "out of range" },
		{ KBPARSE_PORTS, PORT("1", "tcp", "80", "dst") "# x\n" PORT("1", "tcp", "81", "dst"),
		  "t.tsv:3: ", "duplicate id 1" },
		{ KBPARSE_TTL, "7\t64\tLinux\tFAQ 10\tS\n7\t128\tWin\tFAQ 10\tS\n", "t.tsv:2: ",
		  "duplicate id" },
		/* names */
		{ KBPARSE_PORTS, "1\ttcp\t80\tdst\thttp\tnope\tnoise\tRFC 1\tSum\tExplain\n",
		  "t.tsv:1: ", "unknown category 'nope'" },
		{ KBPARSE_PORTS, "1\ttcp\t80\tdst\thttp\tweb\tevil\tRFC 1\tSum\tExplain\n",
		  "t.tsv:1: ", "unknown verdict" },
		{ KBPARSE_PORTS, "1\ttcp\t80\tdst\thttp\tweb\tunknown\tRFC 1\tSum\tExplain\n",
		  "t.tsv:1: ", "unknown verdict" },
		{ KBPARSE_PORTS, PORT("1", "sctp", "80", "dst"), "t.tsv:1: ", "unknown proto" },
		{ KBPARSE_PORTS, PORT("1", "TCP", "80", "dst"), "t.tsv:1: ", "unknown proto" },
		{ KBPARSE_PORTS, PORT("1", "tcp", "80", "in"), "t.tsv:1: ", "unknown dir" },
		{ KBPARSE_ICMP, "1\ticmp4\t3\t0\tx\tnoise\tRFC 792\tS\tE\n", "t.tsv:1: ",
		  "unknown family" },
		/* addresses */
		{ KBPARSE_ADDRESSES, "1\t10.0.0/8\tprivate\tnoise\tRFC 1918\tS\tE\n", "t.tsv:1: ",
		  "bad prefix" },
		{ KBPARSE_ADDRESSES, "1\t10.0.0.0/33\tprivate\tnoise\tRFC 1918\tS\tE\n",
		  "t.tsv:1: ", "bad prefix" },
		{ KBPARSE_ADDRESSES, "1\t10.0.0.0\tprivate\tnoise\tRFC 1918\tS\tE\n", "t.tsv:1: ",
		  "bad prefix" },
		{ KBPARSE_ADDRESSES, "1\tfe80::/129\tll\tnoise\tRFC 4291\tS\tE\n", "t.tsv:1: ",
		  "bad prefix" },
		{ KBPARSE_ADDRESSES, "1\t10.0.0.1/8\tprivate\tnoise\tRFC 1918\tS\tE\n",
		  "t.tsv:1: ", "host bits" },
		{ KBPARSE_ADDRESSES, "1\tfe80::1/64\tll\tnoise\tRFC 4291\tS\tE\n", "t.tsv:1: ",
		  "host bits" },
		/* ranges */
		{ KBPARSE_PORTS, PORT("1", "tcp", "200-100", "dst"), "t.tsv:1: ", "lo > hi" },
		/* text */
		{ KBPARSE_PORTS, "1\ttcp\t80\tdst\t\tweb\tnoise\tRFC 1\tSum\tExplain\n", "t.tsv:1: ",
		  "empty field 5 (service)" },
		{ KBPARSE_PORTS, "1\ttcp\t80\tdst\thttp\tweb\tnoise\tRFC 1\tSum\t\n", "t.tsv:1: ",
		  "empty field" },
		{ KBPARSE_PORTS, "1\ttcp\t80\tdst\tht tp\tweb\tnoise\tRFC 1\tSum\tExplain\n",
		  "t.tsv:1: ", "space in service" },
		{ KBPARSE_PORTS, "1\ttcp\t80\tdst\thttp\tweb\tnoise\tRFC 1\tSum \tExplain\n",
		  "t.tsv:1: ", "trailing space" },
		{ KBPARSE_PORTS, "1\ttcp\t80\tdst\thttp\tweb\tnoise\tRFC 1\tS\001m\tExplain\n",
		  "t.tsv:1: ", "control" },
		{ KBPARSE_PORTS, "1\ttcp\t80\tdst\thttp\tweb\tnoise\tRFC 1\tS\xc3m\tExplain\n",
		  "t.tsv:1: ", "UTF-8" },
		{ KBPARSE_PORTS, "1\ttcp\t80\tdst\thttp\tweb\tnoise\tRFC 1\tS\xc0\xafm\tExplain\n",
		  "t.tsv:1: ", "UTF-8" },
		{ KBPARSE_TTL, "1\t64\tLinux\tFAQ 10\tS\r\r\n", "t.tsv:1: ", "control" },
		/* duplicate keys */
		{ KBPARSE_PORTS, PORT("1", "tcp", "80", "dst") PORT("2", "both", "80", "dst"),
		  "t.tsv:2: ", "duplicate key (dst, tcp, 80)" },
		{ KBPARSE_PORTS, PORT("5", "udp", "53", "src") "\n" PORT("2", "udp", "53", "src"),
		  "t.tsv:3: ", "same as id 5 at line 1" },
		{ KBPARSE_PORTS, PORT("1", "tcp", "100-200", "dst") PORT("2", "both", "150-300", "dst"),
		  "t.tsv:2: ", "overlaps" },
		{ KBPARSE_PORTS, PORT("1", "udp", "100-200", "dst") PORT("2", "udp", "100-200", "dst"),
		  "t.tsv:2: ", "overlaps" },
		{ KBPARSE_PORTS, PORT("1", "udp", "1000-2000", "dst") PORT("2", "udp", "10-20", "dst")
		  PORT("3", "udp", "1500-1600", "dst"), "t.tsv:3: ", "overlaps range 1000-2000" },
		/* the earlier of two clashes is reported, whatever the key order */
		{ KBPARSE_PORTS, PORT("1", "tcp", "90", "dst") PORT("2", "tcp", "80", "dst")
		  PORT("3", "tcp", "80", "dst") PORT("4", "tcp", "90", "dst"),
		  "t.tsv:3: ", "duplicate key (dst, tcp, 80)" },
		{ KBPARSE_ICMP, "1\ticmp\t3\t1\tx\tnoise\tRFC 792\tS\tE\n"
				"2\ticmp\t3\t1\ty\tnoise\tRFC 792\tS\tE\n", "t.tsv:2: ",
		  "duplicate icmp type 3 code 1" },
		{ KBPARSE_ICMP, "1\ticmpv6\t1\t*\tx\tnoise\tRFC 4443\tS\tE\n"
				"2\ticmpv6\t1\t*\ty\tnoise\tRFC 4443\tS\tE\n", "t.tsv:2: ",
		  "duplicate icmpv6 type 1 code *" },
		{ KBPARSE_ADDRESSES, "1\t10.0.0.0/8\tprivate\tnoise\tRFC 1918\tS\tE\n"
				     "2\t10.0.0.0/8\tother\tnoise\tRFC 1918\tS\tE\n", "t.tsv:2: ",
		  "duplicate prefix 10.0.0.0/8" },
		{ KBPARSE_TTL, "1\t64\tLinux\tFAQ 10\tS\n2\t64\tBSD\tFAQ 10\tS\n", "t.tsv:2: ",
		  "duplicate initial TTL 64" },
		{ KBPARSE_CATEGORIES, "3\tweb\tAgain\n", "t.tsv:1: ", "duplicate category name" },
		/* line counting: CRLF, blank lines, comments, BOM */
		{ KBPARSE_TTL, "\xef\xbb\xbf# c\r\n\r\n  # indented\r\n1\t64\tLinux\tFAQ 10\tS\r\n"
			       "2\t64\tBSD\tFAQ 10\tS", "t.tsv:5: ", "duplicate" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_bad(&cases[i]);
}

static void test_too_long(void **state)
{
	char text[4096], sum[256], expl[2048];
	struct kbparse kp;
	char err[256];
	size_t i;

	(void)state;
	/* 100 two-byte characters: 200 bytes, but within the limit */
	for (i = 0; i < 100; i++)
		memcpy(sum + 2 * i, "\xc3\xa9", 2);
	sum[200] = '\0';
	memset(expl, 'x', 600);
	expl[600] = '\0';
	snprintf(text, sizeof(text), "1\ttcp\t80\tdst\thttp\tweb\tnoise\tRFC 1\t%s\t%s\n", sum, expl);
	parse_cats(&kp);
	assert_int_equal(kbparse_file(&kp, KBPARSE_PORTS, "t.tsv", text, strlen(text),
				      err, sizeof(err)), 0);
	assert_int_equal(strlen(kp.ports[0].summary), 200);
	kbparse_free(&kp);

	snprintf(text, sizeof(text), "1\ttcp\t80\tdst\thttp\tweb\tnoise\tRFC 1\t%sx\t%s\n",
		 sum, expl);
	parse_cats(&kp);
	assert_int_equal(kbparse_file(&kp, KBPARSE_PORTS, "t.tsv", text, strlen(text),
				      err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.tsv:1: summary too long: 101 characters, at most 100");
	kbparse_free(&kp);

	snprintf(text, sizeof(text), "1\ttcp\t80\tdst\thttp\tweb\tnoise\tRFC 1\tS\t%sy\n", expl);
	parse_cats(&kp);
	assert_int_equal(kbparse_file(&kp, KBPARSE_PORTS, "t.tsv", text, strlen(text),
				      err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.tsv:1: explain too long: 601 characters, at most 600");
	kbparse_free(&kp);

	snprintf(text, sizeof(text), "1\ttcp\t80\tdst\t%.41s\tweb\tnoise\tRFC 1\tS\tE\n", expl);
	parse_cats(&kp);
	assert_int_equal(kbparse_file(&kp, KBPARSE_PORTS, "t.tsv", text, strlen(text),
				      err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "service too long"));
	kbparse_free(&kp);
}

static void test_good_rows(void **state)
{
	static const char ports[] =
		"# comment\n"
		"\n"
		"20\tboth\t137\tdst\tnetbios-ns\tweb\tnoise\tFAQ 1.1\tSum \"q\"\tEx \\ ?\n"
		"3\ttcp\t6000-6063\tsrc\tx11\tscan\tsuspicious\tFAQ 1.3\tS\tE\r\n"
		"7\tudp\t5-5\tdst\t-\tscan\thostile\tmodern\tS\tE\n"
		"8\ttcp\t100-200\tdst\t-\tscan\texpected\tmodern\tS\tE\n"
		"9\ttcp\t150\tdst\t-\tscan\texpected\tmodern\tS\tE\n"		/* exact in range */
		"10\ttcp\t201-300\tdst\t-\tscan\texpected\tmodern\tS\tE";	/* adjacent, no LF */
	static const char addrs[] =
		"2\tfe80::/10\tlink-local\tnoise\tRFC 4291\tS\tE\n"
		"1\t0.0.0.0/0\tany\tnoise\tmodern\tS\tE\n"
		"3\t::/0\tany6\tnoise\tmodern\tS\tE\n"
		"4\t192.0.2.1/32\thost\tnoise\tmodern\tS\tE\n";
	static const char icmp[] =
		"1\ticmp\t3\t*\tunreach\tnoise\tRFC 792\tS\tE\n"
		"2\ticmp\t3\t3\tport unreach\tnoise\tRFC 792\tS\tE\n"
		"3\ticmpv6\t3\t3\tx\tnoise\tRFC 792\tS\tE\n"
		"4\ticmp\t255\t255\tx\tnoise\tRFC 792\tS\tE\n";
	struct kbparse kp;
	char err[256];

	(void)state;
	parse_cats(&kp);
	assert_int_equal(kbparse_file(&kp, KBPARSE_PORTS, "p.tsv", ports, strlen(ports),
				      err, sizeof(err)), 0);
	assert_int_equal(kp.nports, 6);
	/* sorted by id */
	assert_int_equal(kp.ports[0].id, 3);
	assert_int_equal(kp.ports[5].id, 20);
	assert_int_equal(kp.ports[0].protos, KB_PROTO_TCP);
	assert_int_equal(kp.ports[0].dir, KB_DIR_SRC);
	assert_int_equal(kp.ports[0].lo, 6000);
	assert_int_equal(kp.ports[0].hi, 6063);
	assert_int_equal(kp.ports[0].category, 2);
	assert_int_equal(kp.ports[0].verdict, KB_VERDICT_SUSPICIOUS);
	assert_string_equal(kp.ports[0].explain, "E");		/* CR stripped */
	assert_int_equal(kp.ports[1].lo, 5);
	assert_int_equal(kp.ports[1].hi, 5);
	assert_int_equal(kp.ports[1].verdict, KB_VERDICT_HOSTILE);
	assert_int_equal(kp.ports[5].protos, KB_PROTO_TCP | KB_PROTO_UDP);
	assert_int_equal(kp.ports[5].category, 1);
	assert_string_equal(kp.ports[5].service, "netbios-ns");
	assert_string_equal(kp.ports[5].source, "FAQ 1.1");
	assert_string_equal(kp.ports[5].summary, "Sum \"q\"");
	assert_string_equal(kp.ports[5].explain, "Ex \\ ?");

	assert_int_equal(kbparse_file(&kp, KBPARSE_ADDRESSES, "a.tsv", addrs, strlen(addrs),
				      err, sizeof(err)), 0);
	assert_int_equal(kp.naddrs, 4);
	assert_int_equal(kp.addrs[0].family, 4);
	assert_int_equal(kp.addrs[0].plen, 0);
	assert_int_equal(kp.addrs[1].family, 6);
	assert_int_equal(kp.addrs[1].plen, 10);
	assert_int_equal(kp.addrs[1].prefix[0], 0xfe);
	assert_int_equal(kp.addrs[1].prefix[1], 0x80);
	assert_int_equal(kp.addrs[3].prefix[3], 1);
	assert_string_equal(kp.addrs[1].cls, "link-local");

	assert_int_equal(kbparse_file(&kp, KBPARSE_ICMP, "i.tsv", icmp, strlen(icmp),
				      err, sizeof(err)), 0);
	assert_int_equal(kp.nicmps, 4);
	assert_int_equal(kp.icmps[0].code, -1);
	assert_int_equal(kp.icmps[1].code, 3);
	assert_string_equal(kp.icmps[1].name, "port unreach");
	assert_int_equal(kp.icmps[2].family, 6);
	assert_int_equal(kp.icmps[3].code, 255);
	kbparse_free(&kp);
}

/* Read one file of a kb directory into a malloc'd buffer. */
static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[512], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: cannot open", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The fixture kb (tests/data/kb) and the real one (kb/) parse, and build. */
static void test_kb_dirs(void **state)
{
	static const char *const dirs[] = { "tests/data/kb", "kb" };
	static const enum kbparse_table order[] = {
		KBPARSE_CATEGORIES, KBPARSE_PORTS, KBPARSE_ICMP, KBPARSE_ADDRESSES, KBPARSE_TTL,
	};
	struct kbparse kp;
	struct kb kb;
	char err[512];
	size_t d, i, len;

	(void)state;
	for (d = 0; d < 2; d++) {
		kbparse_init(&kp);
		for (i = 0; i < 5; i++) {
			char *buf = slurp(dirs[d], kbparse_file_name(order[i]), &len);

			if (kbparse_file(&kp, order[i], kbparse_file_name(order[i]), buf, len,
					 err, sizeof(err)) != 0)
				fail_msg("%s: %s", dirs[d], err);
			free(buf);
		}
		assert_true(kp.ncats > 0 && kp.nports > 0 && kp.nicmps > 0 &&
			    kp.naddrs > 0 && kp.nttls > 0);
		assert_int_equal(kbindex_build(&kb, &kp), 0);
		assert_true(kb.stamp == kbindex_stamp(&kb));
		kbindex_free(&kb);
		kbparse_free(&kp);
	}
}

/* --- local.kb -------------------------------------------------------- */

static const char base_ports[] =
	"1\tboth\t137\tdst\tnetbios-ns\tweb\tnoise\tFAQ 1.1\tS\tE\n"
	"2\ttcp\t139\tdst\tnetbios-ssn\tweb\tnoise\tFAQ 1.1\tS\tE\n"
	"3\tboth\t1000-2000\tdst\tdyn\tscan\tnoise\tmodern\tS\tE\n"
	"4\ttcp\t80\tdst\thttp\tweb\tnoise\tmodern\tS\tE\n";
static const char base_icmp[] =
	"1\ticmp\t3\t*\tunreach\tnoise\tRFC 792\tS\tE\n"
	"2\ticmp\t3\t3\tport\tnoise\tRFC 792\tS\tE\n";
static const char base_addrs[] =
	"1\t10.0.0.0/8\tprivate\tnoise\tRFC 1918\tS\tE\n"
	"2\tfe80::/10\tlink-local\tnoise\tRFC 4291\tS\tE\n";

static void parse_base(struct kbparse *kp)
{
	char err[256];

	parse_cats(kp);
	assert_int_equal(kbparse_file(kp, KBPARSE_PORTS, "p", base_ports, strlen(base_ports),
				      err, sizeof(err)), 0);
	assert_int_equal(kbparse_file(kp, KBPARSE_ICMP, "i", base_icmp, strlen(base_icmp),
				      err, sizeof(err)), 0);
	assert_int_equal(kbparse_file(kp, KBPARSE_ADDRESSES, "a", base_addrs, strlen(base_addrs),
				      err, sizeof(err)), 0);
}

static void expect_local_bad(const char *text, const char *prefix, const char *word)
{
	struct kbparse kp;
	char err[512] = "";

	parse_base(&kp);
	if (kbparse_local(&kp, "local.kb", text, strlen(text), err, sizeof(err)) != -EINVAL)
		fail_msg("accepted: %s", text);
	if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, word))
		fail_msg("got \"%s\", want prefix \"%s\" and \"%s\"\n  input: %s",
			 err, prefix, word, text);
	kbparse_free(&kp);
}

#define LPORT(id, proto, port) \
	"port\t" id "\t" proto "\t" port "\tdst\tsvc\tweb\texpected\tlocal\tS\tE\n"

static void test_local_errors(void **state)
{
	(void)state;
	expect_local_bad("# local\nttl\t30001\t64\tLinux\tlocal\tS\n", "local.kb:2: ",
			 "unknown table 'ttl'");
	expect_local_bad("prt\t30001\n", "local.kb:1: ", "unknown table");
	expect_local_bad("\n\n" LPORT("29999", "tcp", "8443"), "local.kb:3: ", "out of range");
	expect_local_bad(LPORT("30001", "tcp", "8443") "port\t30002\ttcp\t8444\tdst\tsvc\n",
			 "local.kb:2: ", "fields");
	expect_local_bad("port\t30001\ttcp\t8443\tdst\tsvc\tnope\texpected\tlocal\tS\tE\n",
			 "local.kb:1: ", "unknown category");
	expect_local_bad(LPORT("30001", "tcp", "8443")
			 "addr\t30001\t203.0.113.0/24\tpartner\texpected\tlocal\tS\tE\n",
			 "local.kb:2: ", "duplicate id 30001");
	expect_local_bad(LPORT("30001", "tcp", "8443") LPORT("30002", "both", "8443"),
			 "local.kb:2: ", "duplicate key (dst, tcp, 8443)");
	/* a range may replace the very same built-in range, not overlap another */
	expect_local_bad("#\n" LPORT("30001", "udp", "1500-2500"), "local.kb:2: ",
			 "overlaps range 1000-2000 (dst, udp) of built-in id 3");
	expect_local_bad("addr\t30001\t203.0.113.1/24\tp\texpected\tlocal\tS\tE\n",
			 "local.kb:1: ", "host bits");
	expect_local_bad("icmp\t30001\ticmp\t3\t3\tx\tnoise\tlocal\tS\tE\n"
			 "icmp\t30002\ticmp\t3\t3\ty\tnoise\tlocal\tS\tE\n",
			 "local.kb:2: ", "duplicate icmp");
	expect_local_bad("port\t30001\ttcp\t1\tdst\tx\tweb\tnoise\tlocal\tS\t\n",
			 "local.kb:1: ", "empty field 11 (explain)");
}

static const struct kb_port *find_port(const struct kbparse *kp, uint16_t id)
{
	size_t i;

	for (i = 0; i < kp->nports; i++)
		if (kp->ports[i].id == id)
			return &kp->ports[i];
	return NULL;
}

static void test_local_merge(void **state)
{
	static const char local[] =
		"# site overrides\n"
		LPORT("30005", "tcp", "137")		/* takes tcp from built-in 1 */
		LPORT("30001", "tcp", "139")		/* replaces built-in 2 */
		LPORT("30002", "both", "1000-2000")	/* replaces range 3 */
		LPORT("30003", "tcp", "8443")		/* new */
		LPORT("30004", "udp", "80")		/* tcp 80 stays built-in */
		"icmp\t30010\ticmp\t3\t3\tmine\tnoise\tlocal\tS\tE\n"
		"addr\t30020\t10.0.0.0/8\tlan\texpected\tlocal\tOur LAN\tE\n"
		"addr\t30021\t10.1.0.0/16\tlab\texpected\tlocal\tLab\tE\n";
	struct kbparse kp;
	struct kb kb;
	char err[256];
	size_t i;

	(void)state;
	parse_base(&kp);
	assert_int_equal(kbparse_local(&kp, "local.kb", local, strlen(local), err, sizeof(err)), 0);

	assert_non_null(find_port(&kp, 1));
	assert_int_equal(find_port(&kp, 1)->protos, KB_PROTO_UDP);
	assert_null(find_port(&kp, 2));
	assert_null(find_port(&kp, 3));
	assert_non_null(find_port(&kp, 4));
	assert_int_equal(find_port(&kp, 4)->protos, KB_PROTO_TCP);
	assert_int_equal(kp.nports, 2 + 5);
	for (i = 1; i < kp.nports; i++)
		assert_true(kp.ports[i - 1].id < kp.ports[i].id);
	assert_int_equal(kp.ports[kp.nports - 1].id, 30005);
	assert_string_equal(find_port(&kp, 30003)->source, "local");

	assert_int_equal(kp.nicmps, 2);
	assert_int_equal(kp.icmps[1].id, 30010);
	assert_int_equal(kp.naddrs, 3);
	assert_int_equal(kp.addrs[0].id, 2);
	assert_int_equal(kp.addrs[1].id, 30020);

	/* and it builds */
	assert_int_equal(kbindex_build(&kb, &kp), 0);
	kbindex_free(&kb);
	kbparse_free(&kp);
}

static void test_local_empty(void **state)
{
	struct kbparse kp;
	char err[64];

	(void)state;
	parse_base(&kp);
	assert_int_equal(kbparse_local(&kp, "l", "", 0, err, sizeof(err)), 0);
	assert_int_equal(kbparse_local(&kp, "l", "# nothing\n\n", 11, err, sizeof(err)), 0);
	assert_int_equal(kp.nports, 4);
	kbparse_free(&kp);
}

/* A short error buffer truncates, never overflows; none at all is fine. */
static void test_err_buffer(void **state)
{
	static const char bad[] = "1\ttcp\n";
	struct kbparse kp;
	char err[8];

	(void)state;
	parse_cats(&kp);
	memset(err, 'x', sizeof(err));
	assert_int_equal(kbparse_file(&kp, KBPARSE_PORTS, "t.tsv", bad, strlen(bad),
				      err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.tsv:1");
	assert_int_equal(kbparse_file(&kp, KBPARSE_PORTS, "t.tsv", bad, strlen(bad),
				      NULL, 0), -EINVAL);
	assert_int_equal(kbparse_local(&kp, "l", bad, strlen(bad), NULL, 0), -EINVAL);
	kbparse_free(&kp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_rows),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_good_rows),
		cmocka_unit_test(test_kb_dirs),
		cmocka_unit_test(test_local_errors),
		cmocka_unit_test(test_local_merge),
		cmocka_unit_test(test_local_empty),
		cmocka_unit_test(test_err_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
