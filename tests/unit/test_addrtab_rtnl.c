/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_addrtab_rtnl.c - the address table fed rtnetlink messages built with libmnl, and one real dump.
 *
 * The real dump needs only lo, which every network namespace has.
 */
#include <errno.h>
#include <net/if.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "addrtab_fixture.h"
#include "localnet/rtnl.h"
#include "localnet/rtnlmsg.h"

/* ---- rtnetlink messages ---- */

static void msg_ip(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	uint8_t a[16];

	test_addr(s, a);
	mnl_attr_put(nlh, type, test_family(s) == 4 ? 4 : 16, a);
}

/* An address message at buf with IFA_LOCAL and IFA_ADDRESS (either may be
 * NULL), whose family is theirs. */
static struct nlmsghdr *msg_addr(void *buf, uint16_t type, uint8_t plen, uint32_t ifindex,
				 const char *local, const char *address)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	nlh->nlmsg_type = type;
	ifa->ifa_family = test_family(local ? local : address) == 4 ? AF_INET : AF_INET6;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_index = ifindex;
	if (local)
		msg_ip(nlh, IFA_LOCAL, local);
	if (address)
		msg_ip(nlh, IFA_ADDRESS, address);
	return nlh;
}

static struct nlmsghdr *msg_link(void *buf, uint16_t type, uint8_t family, int ifindex,
				 const uint8_t *mac, const char *name)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	nlh->nlmsg_type = type;
	ifi->ifi_family = family;
	ifi->ifi_index = ifindex;
	if (mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

/* Run one datagram of len bytes (the message's own length when 0). */
static struct rtnlmsg_result msg_run(struct addrtab_build *b, const struct nlmsghdr *nlh, size_t len)
{
	struct rtnlmsg_result res;

	rtnlmsg_batch(b, nlh, len ? len : nlh->nlmsg_len, &res);
	return res;
}

/* New and deleted addresses; on point-to-point IFA_ADDRESS is the peer, and
 * the prefix length is the peer's: the local address is taken alone. */
static void test_msg_addr(void **state)
{
	_Alignas(4) char buf[256];
	struct fx *f = *state;
	const struct addrtab *t;
	struct nlmsghdr *nlh;
	struct rtnlmsg_result res;

	nlh = msg_addr(buf, RTM_NEWADDR, 24, 2, "192.0.2.5", "192.0.2.5");
	msg_ip(nlh, IFA_BROADCAST, "192.0.2.250");
	mnl_attr_put_strz(nlh, IFA_LABEL, "eth0");
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_PERMANENT);
	res = msg_run(f->b, nlh, 0);
	assert_true(res.applied == 1 && res.bad == 0 && res.ignored == 0);
	assert_int_equal(msg_run(f->b, msg_addr(buf, RTM_NEWADDR, 64, 3, NULL, "2001:db8::5"), 0).applied, 1);
	assert_int_equal(msg_run(f->b, msg_addr(buf, RTM_NEWADDR, 32, 4, "10.0.0.1", "10.0.0.2"), 0).applied, 1);
	assert_int_equal(msg_run(f->b, msg_addr(buf, RTM_NEWADDR, 24, 5, "10.8.0.1", "10.9.0.0"), 0).applied, 1);
	t = test_freeze(f);
	test_is(t, "192.0.2.5", OWN | SUBNET, 2);
	test_is(t, "192.0.2.250", BCAST | SUBNET, 2);
	test_is(t, "2001:db8::5", OWN | SUBNET, 3);
	test_is(t, "10.0.0.1", OWN, 4);
	test_is(t, "10.0.0.2", 0, 0);
	test_is(t, "10.8.0.1", OWN, 5);
	test_is(t, "10.8.0.2", 0, 0);
	test_is(t, "10.9.0.1", 0, 0);
	assert_int_equal(msg_run(f->b, msg_addr(buf, RTM_DELADDR, 24, 2, "192.0.2.5", NULL), 0).applied, 1);
	t = test_freeze(f);
	test_is(t, "192.0.2.5", 0, 0);
	assert_int_equal(addrtab_naddrs(t), 3);
}

static void test_msg_link(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0, 0x5e, 0, 0x53, 7 };
	_Alignas(4) char buf[256];
	struct fx *f = *state;
	const struct addrtab *t;

	assert_int_equal(msg_run(f->b, msg_link(buf, RTM_NEWLINK, AF_UNSPEC, 7, mac, "eth7"), 0).applied, 1);
	assert_int_equal(test_add(f->b, "192.0.2.7", 24, 7), 0);
	test_hw(test_freeze(f), 7, mac, 6);
	/* A bridge port leaving its bridge is not the interface going away. */
	assert_int_equal(msg_run(f->b, msg_link(buf, RTM_DELLINK, AF_BRIDGE, 7, mac, "eth7"), 0).ignored, 1);
	assert_int_equal(msg_run(f->b, msg_link(buf, RTM_DELLINK, AF_UNSPEC, 7, NULL, NULL), 0).applied, 1);
	t = test_freeze(f);
	test_hw(t, 7, NULL, 0);
	test_is(t, "192.0.2.7", 0, 0);
}

/* Each malformed message is bad, and nothing of it is applied. */
static void test_msg_malformed(void **state)
{
	static const uint8_t name[8] = "xxxxxxxx", big[ADDRTAB_HWADDR_MAX + 1];
	_Alignas(4) char buf[256] = { 0 };
	struct addrtab_build *b = ((struct fx *)*state)->b;
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	struct nlattr *at;
	struct rtnlmsg_result res;
	unsigned i;

	for (i = 0; i < 11; i++) {
		size_t len = 0;

		nlh = msg_addr(buf, RTM_NEWADDR, 24, 2, "192.0.2.9", NULL);
		ifa = mnl_nlmsg_get_payload(nlh);
		at = (struct nlattr *)(ifa + 1);
		switch (i) {
		case 0: len = nlh->nlmsg_len - 4; break;		/* cut by the datagram */
		case 1: nlh->nlmsg_len = NLMSG_HDRLEN + 4; break;	/* no room for ifaddrmsg */
		case 2: at->nla_len = 40; break;			/* attribute past the end */
		case 3: at->nla_len = 2; break;				/* shorter than its header */
		case 4: ifa->ifa_family = AF_PACKET; break;
		case 5: ifa->ifa_prefixlen = 33; break;
		case 6: at->nla_len = 7; break;				/* a 3-byte IPv4 address */
		case 7: at->nla_type = IFA_LABEL; break;		/* no address at all */
		case 8: nlh->nlmsg_len += 4; break;			/* 4 bytes of nothing */
		case 9:
			nlh = msg_link(buf, RTM_NEWLINK, AF_UNSPEC, 3, NULL, NULL);
			mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(big), big);
			break;
		case 10:
			nlh = msg_link(buf, RTM_NEWLINK, AF_UNSPEC, 3, NULL, NULL);
			mnl_attr_put(nlh, IFLA_IFNAME, sizeof(name), name);	/* no NUL */
			break;
		}
		res = msg_run(b, nlh, len);
		assert_true(res.bad == 1 && res.applied == 0);
		assert_int_equal(addrtab_build_counts(b)->bad_msg, i + 1);
	}
	assert_int_equal(addrtab_build_gen(b), 0);
}

/* Several messages in one datagram; NLMSG_DONE ends it; flags and errors. */
static void test_msg_batch_done_intr(void **state)
{
	_Alignas(4) char buf[1024];
	struct addrtab_build *b = ((struct fx *)*state)->b;
	struct nlmsghdr *nlh, *done;
	struct rtnlmsg_result res;
	size_t off;
	int e = -EBUSY;

	nlh = msg_link(buf, RTM_NEWLINK, AF_UNSPEC, 2, NULL, "eth0");
	off = MNL_ALIGN(nlh->nlmsg_len);
	nlh = msg_addr(buf + off, RTM_NEWADDR, 24, 2, "192.0.2.1", NULL);
	nlh->nlmsg_flags = NLM_F_MULTI | NLM_F_DUMP_INTR;
	off += MNL_ALIGN(nlh->nlmsg_len);
	done = mnl_nlmsg_put_header(buf + off);
	done->nlmsg_type = NLMSG_DONE;
	mnl_nlmsg_put_extra_header(done, sizeof(int));
	off += done->nlmsg_len;
	off += msg_addr(buf + off, RTM_NEWADDR, 24, 2, "192.0.2.2", NULL)->nlmsg_len;
	rtnlmsg_batch(b, buf, off, &res);
	assert_int_equal(res.applied, 2);		/* not the one after DONE */
	assert_true(res.done && res.dump_interrupted);
	assert_true(res.error == 0 && res.bad == 0);
	done->nlmsg_type = NLMSG_ERROR;
	memcpy(mnl_nlmsg_get_payload(done), &e, sizeof(e));
	res = msg_run(b, done, 0);
	assert_false(res.done);
	assert_int_equal(res.error, -EBUSY);
	memset(mnl_nlmsg_get_payload(done), 0, sizeof(e));	/* an ack */
	res = msg_run(b, done, 0);
	assert_true(res.error == 0 && res.ignored == 1);
}

/* The real kernel: lo and 127.0.0.1/8 are in every network namespace. */
static void test_rtnl_loopback(void **state)
{
	struct fx *f = *state;
	const struct addrtab *t;
	struct rtnl *r;
	char err[256] = "";
	uint64_t redumps = 0;
	uint32_t ifx;

	r = rtnl_open(f->b, err, sizeof(err));
	if (!r && (errno == EPERM || errno == EAFNOSUPPORT || errno == EACCES))
		skip();		/* no netlink here (a sandbox): nothing to test */
	assert_non_null(r);
	assert_true(rtnl_fd(r) >= 0);
	assert_int_equal(rtnl_read(r, f->b, &redumps, err, sizeof(err)), 0);
	t = test_freeze(f);
	assert_true(test_facts(t, "127.0.0.1", &ifx) & OWN);
	assert_int_equal(ifx, if_nametoindex("lo"));
	assert_true(test_facts(t, "127.1.2.3", NULL) & SUBNET);
	assert_non_null(addrtab_link_hwaddr(t, ifx, NULL));
	assert_int_equal(addrtab_build_counts(f->b)->bad_msg, 0);
	rtnl_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_msg_addr), TEST(test_msg_link), TEST(test_msg_malformed),
		TEST(test_msg_batch_done_intr), TEST(test_rtnl_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
