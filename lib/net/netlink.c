/*
 * netlink.c - links, addresses and routes through rtnetlink.
 *
 * A struct pod_nl is one NETLINK_ROUTE socket. A socket belongs to the
 * network namespace it was created in, so pod_nl_open() enters the target
 * netns only for socket(2) and returns to ours at once: every later
 * request through it acts in that netns.
 */
#include "net/internal.h"

#include "core/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

struct pod_nl {
	int fd;
	unsigned portid;
	unsigned seq;
	char *buf;
};

#define NL_BUFSIZE (64 * 1024)

/* ---- messages and attributes (the layout of <linux/netlink.h>) ---- */

#define NL_ALIGN(len) (((len) + 3u) & ~3u)
#define NL_HDRLEN NL_ALIGN(sizeof(struct nlmsghdr))
#define ATTR_HDRLEN NL_ALIGN(sizeof(struct nlattr))

/* what a reply callback returns: go on, stop, or fail with errno set */
enum { NL_ERROR = -1, NL_STOP = 0, NL_OK = 1 };
typedef int (*nl_cb)(const struct nlmsghdr *h, void *data);

static void *
msg_tail(struct nlmsghdr *h)
{
	return (char *) h + NL_ALIGN(h->nlmsg_len);
}

/* the family header after the netlink one, zeroed */
static void *
put_extra(struct nlmsghdr *h, size_t size)
{
	char *p = msg_tail(h);

	memset(p, 0, NL_ALIGN(size));
	h->nlmsg_len += NL_ALIGN(size);
	return p;
}

static void
attr_put(struct nlmsghdr *h, uint16_t type, size_t len, const void *data)
{
	struct nlattr *a = msg_tail(h);
	size_t alen = ATTR_HDRLEN + len;

	a->nla_type = type;
	a->nla_len = (uint16_t) alen;
	memcpy((char *) a + ATTR_HDRLEN, data, len);
	memset((char *) a + alen, 0, NL_ALIGN(alen) - alen);
	h->nlmsg_len += NL_ALIGN(alen);
}

static void
attr_put_u32(struct nlmsghdr *h, uint16_t type, uint32_t v)
{
	attr_put(h, type, sizeof(v), &v);
}

static void
attr_put_strz(struct nlmsghdr *h, uint16_t type, const char *s)
{
	attr_put(h, type, strlen(s) + 1, s);
}

static struct nlattr *
nest_start(struct nlmsghdr *h, uint16_t type)
{
	struct nlattr *a = msg_tail(h);

	a->nla_type = NLA_F_NESTED | type;
	h->nlmsg_len += ATTR_HDRLEN;
	return a;
}

static void
nest_end(struct nlmsghdr *h, struct nlattr *a)
{
	a->nla_len = (uint16_t) ((char *) msg_tail(h) - (char *) a);
}

static const void *
attr_data(const struct nlattr *a)
{
	return (const char *) a + ATTR_HDRLEN;
}

static size_t
attr_len(const struct nlattr *a)
{
	return a->nla_len - ATTR_HDRLEN;
}

/* 0 when the attribute is too short for a u32 */
static uint32_t
attr_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	if (attr_len(a) >= sizeof(v))
		memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

/* NULL unless the payload is a NUL-terminated string */
static const char *
attr_str(const struct nlattr *a)
{
	const char *s = attr_data(a);
	size_t n = attr_len(a);

	return n > 0 && memchr(s, '\0', n) ? s : NULL;
}

/* tb[type] for each well-formed attribute up to max after a header of off bytes */
static void
attr_table(const struct nlmsghdr *h, size_t off, const struct nlattr **tb, int max)
{
	const char *p = (const char *) h + NL_HDRLEN + NL_ALIGN(off);
	const char *end = (const char *) h + h->nlmsg_len;

	while (p + ATTR_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *) p;
		int type = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < ATTR_HDRLEN || a->nla_len > end - p)
			break;
		if (type <= max)
			tb[type] = a;
		p += NL_ALIGN(a->nla_len);
	}
}

/*
 * Runs cb on each message of a reply from the kernel to our request seq.
 * NL_STOP at the ack or the end of a dump; NL_ERROR with errno set for an
 * error reply or a malformed one.
 */
static int
run_replies(const char *buf, size_t len, unsigned seq, unsigned portid, nl_cb cb, void *data)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *) buf;
	int r = NL_OK;

	for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_pid && h->nlmsg_pid != portid) {
			errno = ESRCH;
			return NL_ERROR;
		}
		if (h->nlmsg_seq && h->nlmsg_seq != seq) {
			errno = EPROTO;
			return NL_ERROR;
		}
		if (h->nlmsg_flags & NLM_F_DUMP_INTR) {
			errno = EINTR;
			return NL_ERROR;
		}
		if (h->nlmsg_type >= NLMSG_MIN_TYPE) {
			if (cb && (r = cb(h, data)) <= NL_STOP)
				return r;
			continue;
		}
		switch (h->nlmsg_type) {
		case NLMSG_ERROR: {
			const struct nlmsgerr *e = NLMSG_DATA(h);
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
				errno = EBADMSG;
				return NL_ERROR;
			}
			if (e->error) {
				errno = e->error < 0 ? -e->error : e->error;
				return NL_ERROR;
			}
			return NL_STOP;
		}
		case NLMSG_DONE:
			return NL_STOP;
		case NLMSG_OVERRUN:
			errno = ENOSPC;
			return NL_ERROR;
		default:
			break;
		}
	}
	return r;
}

int
pod_nl_open(int netns_fd, struct pod_nl **ret, struct pod_err **err)
{
	cleanup_close int self = -1;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t salen = sizeof(sa);
	int fd, saved;

	if (netns_fd >= 0) {
		self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (self < 0)
			return pod_err_sys(err, "opening /proc/self/ns/net");
		if (setns(netns_fd, CLONE_NEWNET) < 0)
			return pod_err_sys(err, "entering the container's network namespace");
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	saved = errno;
	if (netns_fd >= 0 && setns(self, CLONE_NEWNET) < 0)
		/* a process stuck in the wrong netns must not go on */
		abort();
	if (fd < 0) {
		errno = saved;
		return pod_err_sys(err, "opening a netlink socket");
	}
	if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *) &sa, &salen) < 0 || salen != sizeof(sa)) {
		saved = errno;
		close(fd);
		errno = saved;
		return pod_err_sys(err, "binding a netlink socket");
	}
	struct pod_nl *nl = xcalloc(1, sizeof(*nl));
	nl->fd = fd;
	nl->portid = sa.nl_pid;
	nl->seq = (unsigned) pod_mono_ns();
	nl->buf = xmalloc(NL_BUFSIZE);
	*ret = nl;
	return 0;
}

struct pod_nl *
pod_nl_close(struct pod_nl *nl)
{
	if (!nl)
		return NULL;
	close(nl->fd);
	free(nl->buf);
	free(nl);
	return NULL;
}

void
pod_nl_closep(struct pod_nl **nl)
{
	*nl = pod_nl_close(*nl);
}

static struct nlmsghdr *
msg_new(struct pod_nl *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *h = (struct nlmsghdr *) nl->buf;

	memset(h, 0, NL_HDRLEN);
	h->nlmsg_len = NL_HDRLEN;
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	h->nlmsg_seq = ++nl->seq;
	return h;
}

/* sends h and reads replies until the ack or the end of a dump; -errno on error */
static int
transact(struct pod_nl *nl, struct nlmsghdr *h, nl_cb cb, void *data)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	unsigned seq = h->nlmsg_seq;
	char *rbuf = nl->buf;
	int r;

	if (sendto(nl->fd, h, h->nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		struct sockaddr_nl from;
		struct iovec iov = { rbuf, NL_BUFSIZE };
		struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from),
				    .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(nl->fd, &m, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (m.msg_flags & MSG_TRUNC)
			return -ENOSPC;
		if (m.msg_namelen != sizeof(from))
			return -EINVAL;
		errno = 0;
		r = run_replies(rbuf, (size_t) n, seq, nl->portid, cb, data);
		if (r == NL_ERROR)
			return errno ? -errno : -EIO;
		if (r == NL_STOP)
			return 0;
	}
}

/* ---- links ---- */

struct link_info {
	const char *want_name;
	int ifindex;
	int master;
	uint8_t mac[6];
	bool has_mac;
	int count_master; /* for bridge_ports */
	int ports;
};

static int
link_cb(const struct nlmsghdr *h, void *data)
{
	struct link_info *li = data;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	const char *name;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return NL_OK;
	attr_table(h, sizeof(*ifi), tb, IFLA_MAX);
	if (li->count_master) {
		if (tb[IFLA_MASTER] && (int) attr_u32(tb[IFLA_MASTER]) == li->count_master)
			li->ports++;
		return NL_OK;
	}
	name = tb[IFLA_IFNAME] ? attr_str(tb[IFLA_IFNAME]) : NULL;
	if (li->want_name && (!name || !STREQ(name, li->want_name)))
		return NL_OK;
	li->ifindex = ifi->ifi_index;
	if (tb[IFLA_MASTER])
		li->master = (int) attr_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_ADDRESS] && attr_len(tb[IFLA_ADDRESS]) == 6) {
		memcpy(li->mac, attr_data(tb[IFLA_ADDRESS]), 6);
		li->has_mac = true;
	}
	return NL_OK;
}

static int
get_link(struct pod_nl *nl, const char *name, int ifindex, struct link_info *li)
{
	struct nlmsghdr *h = msg_new(nl, RTM_GETLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = put_extra(h, sizeof(*ifi));

	memset(li, 0, sizeof(*li));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (name) {
		attr_put_strz(h, IFLA_IFNAME, name);
		li->want_name = name;
	}
	return transact(nl, h, link_cb, li);
}

int
pod_nl_ifindex(struct pod_nl *nl, const char *name)
{
	struct link_info li;

	if (get_link(nl, name, 0, &li) < 0)
		return 0;
	return li.ifindex;
}

int
pod_nl_link_mac(struct pod_nl *nl, int ifindex, uint8_t mac[6], struct pod_err **err)
{
	struct link_info li;
	int r = get_link(nl, NULL, ifindex, &li);

	if (r < 0) {
		errno = -r;
		return pod_err_sys(err, "reading link %d", ifindex);
	}
	if (!li.has_mac)
		return pod_err_set(err, POD_E_GENERIC, 0, "link %d has no MAC address", ifindex);
	memcpy(mac, li.mac, 6);
	return 0;
}

int
pod_nl_bridge_ports(struct pod_nl *nl, int ifindex, struct pod_err **err)
{
	struct nlmsghdr *h = msg_new(nl, RTM_GETLINK, NLM_F_DUMP);
	struct ifinfomsg *ifi = put_extra(h, sizeof(*ifi));
	struct link_info li = { .count_master = ifindex };
	int r;

	ifi->ifi_family = AF_UNSPEC;
	r = transact(nl, h, link_cb, &li);
	if (r < 0) {
		errno = -r;
		return pod_err_sys(err, "listing links");
	}
	return li.ports;
}

static int
ack_or_err(int r, struct pod_err **err, const char *what, const char *name)
{
	if (r < 0) {
		errno = -r;
		return pod_err_sys(err, "%s %s", what, name);
	}
	return 0;
}

int
pod_nl_bridge_ensure(struct pod_nl *nl, const char *name, int mtu, struct pod_err **err)
{
	struct nlmsghdr *h = msg_new(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	struct ifinfomsg *ifi = put_extra(h, sizeof(*ifi));
	struct nlattr *li;
	int r;

	ifi->ifi_family = AF_UNSPEC;
	attr_put_strz(h, IFLA_IFNAME, name);
	if (mtu > 0)
		attr_put_u32(h, IFLA_MTU, (uint32_t) mtu);
	/*
	 * A bridge without an address of its own takes the lowest of its
	 * ports' and changes it as containers come and go, which breaks the
	 * gateway for the containers that cached the old one: set one.
	 */
	uint8_t mac[6];
	if (getrandom(mac, sizeof(mac), 0) != sizeof(mac))
		memset(mac, 0x5a, sizeof(mac));
	mac[0] = (uint8_t) ((mac[0] & 0xfe) | 0x02);
	attr_put(h, IFLA_ADDRESS, sizeof(mac), mac);
	li = nest_start(h, IFLA_LINKINFO);
	attr_put_strz(h, IFLA_INFO_KIND, "bridge");
	nest_end(h, li);
	r = transact(nl, h, NULL, NULL);
	if (r < 0 && r != -EEXIST)
		return ack_or_err(r, err, "creating bridge", name);
	int idx = pod_nl_ifindex(nl, name);
	if (!idx)
		return pod_err_set(err, POD_E_GENERIC, ENODEV, "bridge %s vanished", name);
	if (pod_nl_link_set(nl, idx, NULL, 0, NULL, 0, -1, true, err) < 0)
		return -1;
	return idx;
}

int
pod_nl_macvlan_create(struct pod_nl *nl, const char *name, int parent_ifindex, const char *mode,
		      int mtu, int netns_fd, struct pod_err **err)
{
	struct nlmsghdr *h = msg_new(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	struct ifinfomsg *ifi = put_extra(h, sizeof(*ifi));
	struct nlattr *li, *data;
	uint32_t m = MACVLAN_MODE_BRIDGE;

	if (mode && STREQ(mode, "private"))
		m = MACVLAN_MODE_PRIVATE;
	else if (mode && STREQ(mode, "vepa"))
		m = MACVLAN_MODE_VEPA;
	else if (mode && STREQ(mode, "passthru"))
		m = MACVLAN_MODE_PASSTHRU;
	ifi->ifi_family = AF_UNSPEC;
	attr_put_strz(h, IFLA_IFNAME, name);
	attr_put_u32(h, IFLA_LINK, (uint32_t) parent_ifindex);
	if (mtu > 0)
		attr_put_u32(h, IFLA_MTU, (uint32_t) mtu);
	if (netns_fd >= 0)
		attr_put_u32(h, IFLA_NET_NS_FD, (uint32_t) netns_fd);
	li = nest_start(h, IFLA_LINKINFO);
	attr_put_strz(h, IFLA_INFO_KIND, "macvlan");
	data = nest_start(h, IFLA_INFO_DATA);
	attr_put_u32(h, IFLA_MACVLAN_MODE, m);
	nest_end(h, data);
	nest_end(h, li);
	return ack_or_err(transact(nl, h, NULL, NULL), err, "creating macvlan interface", name);
}

int
pod_nl_veth_create(struct pod_nl *nl, const char *host_name, const char *peer_name,
		   int peer_netns_fd, int mtu, struct pod_err **err)
{
	struct nlmsghdr *h = msg_new(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	struct ifinfomsg *ifi = put_extra(h, sizeof(*ifi));
	struct nlattr *li, *data, *peer;

	ifi->ifi_family = AF_UNSPEC;
	attr_put_strz(h, IFLA_IFNAME, host_name);
	if (mtu > 0)
		attr_put_u32(h, IFLA_MTU, (uint32_t) mtu);
	li = nest_start(h, IFLA_LINKINFO);
	attr_put_strz(h, IFLA_INFO_KIND, "veth");
	data = nest_start(h, IFLA_INFO_DATA);
	peer = nest_start(h, VETH_INFO_PEER);
	struct ifinfomsg pifi = { .ifi_family = AF_UNSPEC };
	/* the peer's ifinfomsg sits at the start of the nest's payload */
	memcpy(put_extra(h, sizeof(pifi)), &pifi, sizeof(pifi));
	attr_put_strz(h, IFLA_IFNAME, peer_name);
	if (mtu > 0)
		attr_put_u32(h, IFLA_MTU, (uint32_t) mtu);
	if (peer_netns_fd >= 0)
		attr_put_u32(h, IFLA_NET_NS_FD, (uint32_t) peer_netns_fd);
	nest_end(h, peer);
	nest_end(h, data);
	nest_end(h, li);
	return ack_or_err(transact(nl, h, NULL, NULL), err, "creating veth pair", host_name);
}

int
pod_nl_link_set(struct pod_nl *nl, int ifindex, const char *new_name, int master,
		const uint8_t *mac, int mtu, int netns_fd, bool up, struct pod_err **err)
{
	struct nlmsghdr *h = msg_new(nl, RTM_NEWLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = put_extra(h, sizeof(*ifi));
	char what[32];

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	if (new_name)
		attr_put_strz(h, IFLA_IFNAME, new_name);
	if (master > 0)
		attr_put_u32(h, IFLA_MASTER, (uint32_t) master);
	if (mac)
		attr_put(h, IFLA_ADDRESS, 6, mac);
	if (mtu > 0)
		attr_put_u32(h, IFLA_MTU, (uint32_t) mtu);
	if (netns_fd >= 0)
		attr_put_u32(h, IFLA_NET_NS_FD, (uint32_t) netns_fd);
	snprintf(what, sizeof(what), "%d", ifindex);
	return ack_or_err(transact(nl, h, NULL, NULL), err, "configuring link", what);
}

int
pod_nl_link_del(struct pod_nl *nl, const char *name, struct pod_err **err)
{
	struct nlmsghdr *h = msg_new(nl, RTM_DELLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = put_extra(h, sizeof(*ifi));
	int r;

	ifi->ifi_family = AF_UNSPEC;
	attr_put_strz(h, IFLA_IFNAME, name);
	r = transact(nl, h, NULL, NULL);
	if (r == -ENODEV || r == -ENOENT)
		return 0;
	return ack_or_err(r, err, "deleting link", name);
}

/* ---- addresses and routes ---- */

int
pod_nl_addr_add(struct pod_nl *nl, int ifindex, const struct pod_net_ip *ip, int prefix,
		struct pod_err **err)
{
	struct nlmsghdr *h = msg_new(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK);
	struct ifaddrmsg *ifa = put_extra(h, sizeof(*ifa));
	int len = pod_net_ip_len(ip);
	char buf[POD_NET_IP_STRLEN];
	int r;

	ifa->ifa_family = (uint8_t) ip->family;
	ifa->ifa_prefixlen = (uint8_t) prefix;
	ifa->ifa_index = (unsigned) ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	/* usable at once, as netavark does by turning off DAD */
	if (ip->family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	attr_put(h, IFA_LOCAL, (size_t) len, ip->a);
	attr_put(h, IFA_ADDRESS, (size_t) len, ip->a);
	if (ip->family == AF_INET && prefix < 31) {
		struct pod_net_cidr c = { .ip = *ip, .len = prefix };
		struct pod_net_ip bc;
		pod_net_cidr_last(&c, &bc);
		attr_put(h, IFA_BROADCAST, 4, bc.a);
	}
	r = transact(nl, h, NULL, NULL);
	if (r == -EEXIST)
		return 0;
	pod_net_ip_str(ip, buf);
	return ack_or_err(r, err, "adding address", buf);
}

int
pod_nl_route_add(struct pod_nl *nl, int ifindex, const struct pod_net_ip *gw, struct pod_err **err)
{
	struct nlmsghdr *h = msg_new(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	struct rtmsg *rt = put_extra(h, sizeof(*rt));
	int r;

	rt->rtm_family = (uint8_t) gw->family;
	rt->rtm_dst_len = 0;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	attr_put(h, RTA_GATEWAY, (size_t) pod_net_ip_len(gw), gw->a);
	attr_put_u32(h, RTA_OIF, (uint32_t) ifindex);
	r = transact(nl, h, NULL, NULL);
	if (r == -EEXIST)
		return 0;
	return ack_or_err(r, err, "adding default route via", "gateway");
}

struct route_list {
	struct pod_net_cidr *v;
	size_t n;
};

static int
route_cb(const struct nlmsghdr *h, void *data)
{
	struct route_list *l = data;
	const struct rtmsg *rt = NLMSG_DATA(h);
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	struct pod_net_cidr c = { 0 };

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*rt)))
		return NL_OK;
	attr_table(h, sizeof(*rt), tb, RTA_MAX);
	if (rt->rtm_table != RT_TABLE_MAIN || rt->rtm_dst_len == 0 || !tb[RTA_DST])
		return NL_OK;
	if (rt->rtm_type != RTN_UNICAST)
		return NL_OK;
	c.ip.family = rt->rtm_family;
	c.len = rt->rtm_dst_len;
	size_t len = (size_t) pod_net_ip_len(&c.ip);
	if (attr_len(tb[RTA_DST]) != len)
		return NL_OK;
	memcpy(c.ip.a, attr_data(tb[RTA_DST]), len);
	/* link-local and multicast ranges are on every host */
	if (c.ip.family == AF_INET6 && c.ip.a[0] == 0xfe && (c.ip.a[1] & 0xc0) == 0x80)
		return NL_OK;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = c;
	return NL_OK;
}

int
pod_nl_host_routes(struct pod_nl *nl, struct pod_net_cidr **ret, size_t *ret_n,
		   struct pod_err **err)
{
	struct route_list l = { 0 };
	int fams[] = { AF_INET, AF_INET6 };

	for (size_t i = 0; i < ARRAY_SIZE(fams); i++) {
		struct nlmsghdr *h = msg_new(nl, RTM_GETROUTE, NLM_F_DUMP);
		struct rtmsg *rt = put_extra(h, sizeof(*rt));
		rt->rtm_family = (uint8_t) fams[i];
		int r = transact(nl, h, route_cb, &l);
		if (r < 0) {
			free(l.v);
			errno = -r;
			return pod_err_sys(err, "listing routes");
		}
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

/* ---- sysctl ---- */

int
pod_net_sysctl(const char *key, const char *value, struct pod_err **err)
{
	cleanup_free char *path = xasprintf("/proc/sys/%s", key);
	cleanup_free char *cur = NULL;
	cleanup_close int fd = -1;
	size_t len = strlen(value);

	if (pod_read_file(path, &cur, NULL, 64, NULL) == 0 && strncmp(cur, value, len) == 0 &&
	    (cur[len] == '\n' || cur[len] == '\0'))
		return 0;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return pod_err_sys(err, "opening %s", path);
	if (write(fd, value, len) != (ssize_t) len)
		return pod_err_sys(err, "writing %s", path);
	return 0;
}
