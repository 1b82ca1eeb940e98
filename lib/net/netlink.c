/*
 * netlink.c - links, addresses and routes through rtnetlink (libmnl).
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
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <sys/random.h>
#include <unistd.h>

struct pod_nl {
	struct mnl_socket *sock;
	unsigned portid;
	unsigned seq;
	char *buf;
};

#define NL_BUFSIZE (64 * 1024)

int
pod_nl_open(int netns_fd, struct pod_nl **ret, struct pod_err **err)
{
	cleanup_close int self = -1;
	struct mnl_socket *sock;
	int saved;

	if (netns_fd >= 0) {
		self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (self < 0)
			return pod_err_sys(err, "opening /proc/self/ns/net");
		if (setns(netns_fd, CLONE_NEWNET) < 0)
			return pod_err_sys(err, "entering the container's network namespace");
	}
	sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	saved = errno;
	if (netns_fd >= 0 && setns(self, CLONE_NEWNET) < 0)
		/* a process stuck in the wrong netns must not go on */
		abort();
	if (!sock) {
		errno = saved;
		return pod_err_sys(err, "opening a netlink socket");
	}
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		saved = errno;
		mnl_socket_close(sock);
		errno = saved;
		return pod_err_sys(err, "binding a netlink socket");
	}
	struct pod_nl *nl = xcalloc(1, sizeof(*nl));
	nl->sock = sock;
	nl->portid = mnl_socket_get_portid(sock);
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
	mnl_socket_close(nl->sock);
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
	struct nlmsghdr *h = mnl_nlmsg_put_header(nl->buf);

	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	h->nlmsg_seq = ++nl->seq;
	return h;
}

/* sends h and reads replies until the ack or the end of a dump; -errno on error */
static int
transact(struct pod_nl *nl, struct nlmsghdr *h, mnl_cb_t cb, void *data)
{
	unsigned seq = h->nlmsg_seq;
	char *rbuf = nl->buf;
	int r;

	if (mnl_socket_sendto(nl->sock, h, h->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, rbuf, NL_BUFSIZE);
		if (n < 0)
			return -errno;
		r = mnl_cb_run(rbuf, (size_t) n, seq, nl->portid, cb, data);
		if (r == MNL_CB_ERROR)
			return errno ? -errno : -EIO;
		if (r == MNL_CB_STOP)
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
link_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, IFLA_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = a;
	return MNL_CB_OK;
}

static int
link_cb(const struct nlmsghdr *h, void *data)
{
	struct link_info *li = data;
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };

	mnl_attr_parse(h, sizeof(*ifi), link_attr_cb, tb);
	if (li->count_master) {
		if (tb[IFLA_MASTER] && (int) mnl_attr_get_u32(tb[IFLA_MASTER]) == li->count_master)
			li->ports++;
		return MNL_CB_OK;
	}
	if (li->want_name && (!tb[IFLA_IFNAME] ||
			      !STREQ(mnl_attr_get_str(tb[IFLA_IFNAME]), li->want_name)))
		return MNL_CB_OK;
	li->ifindex = ifi->ifi_index;
	if (tb[IFLA_MASTER])
		li->master = (int) mnl_attr_get_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6) {
		memcpy(li->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
		li->has_mac = true;
	}
	return MNL_CB_OK;
}

static int
get_link(struct pod_nl *nl, const char *name, int ifindex, struct link_info *li)
{
	struct nlmsghdr *h = msg_new(nl, RTM_GETLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));

	memset(li, 0, sizeof(*li));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (name) {
		mnl_attr_put_strz(h, IFLA_IFNAME, name);
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
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
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
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	struct nlattr *li;
	int r;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	if (mtu > 0)
		mnl_attr_put_u32(h, IFLA_MTU, (uint32_t) mtu);
	/*
	 * A bridge without an address of its own takes the lowest of its
	 * ports' and changes it as containers come and go, which breaks the
	 * gateway for the containers that cached the old one: set one.
	 */
	uint8_t mac[6];
	if (getrandom(mac, sizeof(mac), 0) != sizeof(mac))
		memset(mac, 0x5a, sizeof(mac));
	mac[0] = (uint8_t) ((mac[0] & 0xfe) | 0x02);
	mnl_attr_put(h, IFLA_ADDRESS, sizeof(mac), mac);
	li = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(h, li);
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
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	struct nlattr *li, *data;
	uint32_t m = MACVLAN_MODE_BRIDGE;

	if (mode && STREQ(mode, "private"))
		m = MACVLAN_MODE_PRIVATE;
	else if (mode && STREQ(mode, "vepa"))
		m = MACVLAN_MODE_VEPA;
	else if (mode && STREQ(mode, "passthru"))
		m = MACVLAN_MODE_PASSTHRU;
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	mnl_attr_put_u32(h, IFLA_LINK, (uint32_t) parent_ifindex);
	if (mtu > 0)
		mnl_attr_put_u32(h, IFLA_MTU, (uint32_t) mtu);
	if (netns_fd >= 0)
		mnl_attr_put_u32(h, IFLA_NET_NS_FD, (uint32_t) netns_fd);
	li = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "macvlan");
	data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
	mnl_attr_put_u32(h, IFLA_MACVLAN_MODE, m);
	mnl_attr_nest_end(h, data);
	mnl_attr_nest_end(h, li);
	return ack_or_err(transact(nl, h, NULL, NULL), err, "creating macvlan interface", name);
}

int
pod_nl_veth_create(struct pod_nl *nl, const char *host_name, const char *peer_name,
		   int peer_netns_fd, int mtu, struct pod_err **err)
{
	struct nlmsghdr *h = msg_new(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	struct nlattr *li, *data, *peer;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(h, IFLA_IFNAME, host_name);
	if (mtu > 0)
		mnl_attr_put_u32(h, IFLA_MTU, (uint32_t) mtu);
	li = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(h, VETH_INFO_PEER);
	struct ifinfomsg pifi = { .ifi_family = AF_UNSPEC };
	/* the peer's ifinfomsg sits at the start of the nest's payload */
	char *tail = mnl_nlmsg_get_payload_tail(h);
	memcpy(tail, &pifi, sizeof(pifi));
	h->nlmsg_len += MNL_ALIGN(sizeof(pifi));
	mnl_attr_put_strz(h, IFLA_IFNAME, peer_name);
	if (mtu > 0)
		mnl_attr_put_u32(h, IFLA_MTU, (uint32_t) mtu);
	if (peer_netns_fd >= 0)
		mnl_attr_put_u32(h, IFLA_NET_NS_FD, (uint32_t) peer_netns_fd);
	mnl_attr_nest_end(h, peer);
	mnl_attr_nest_end(h, data);
	mnl_attr_nest_end(h, li);
	return ack_or_err(transact(nl, h, NULL, NULL), err, "creating veth pair", host_name);
}

int
pod_nl_link_set(struct pod_nl *nl, int ifindex, const char *new_name, int master,
		const uint8_t *mac, int mtu, int netns_fd, bool up, struct pod_err **err)
{
	struct nlmsghdr *h = msg_new(nl, RTM_NEWLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	char what[32];

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	if (new_name)
		mnl_attr_put_strz(h, IFLA_IFNAME, new_name);
	if (master > 0)
		mnl_attr_put_u32(h, IFLA_MASTER, (uint32_t) master);
	if (mac)
		mnl_attr_put(h, IFLA_ADDRESS, 6, mac);
	if (mtu > 0)
		mnl_attr_put_u32(h, IFLA_MTU, (uint32_t) mtu);
	if (netns_fd >= 0)
		mnl_attr_put_u32(h, IFLA_NET_NS_FD, (uint32_t) netns_fd);
	snprintf(what, sizeof(what), "%d", ifindex);
	return ack_or_err(transact(nl, h, NULL, NULL), err, "configuring link", what);
}

int
pod_nl_link_del(struct pod_nl *nl, const char *name, struct pod_err **err)
{
	struct nlmsghdr *h = msg_new(nl, RTM_DELLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	int r;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(h, IFLA_IFNAME, name);
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
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
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
	mnl_attr_put(h, IFA_LOCAL, (size_t) len, ip->a);
	mnl_attr_put(h, IFA_ADDRESS, (size_t) len, ip->a);
	if (ip->family == AF_INET && prefix < 31) {
		struct pod_net_cidr c = { .ip = *ip, .len = prefix };
		struct pod_net_ip bc;
		pod_net_cidr_last(&c, &bc);
		mnl_attr_put(h, IFA_BROADCAST, 4, bc.a);
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
	struct rtmsg *rt = mnl_nlmsg_put_extra_header(h, sizeof(*rt));
	int r;

	rt->rtm_family = (uint8_t) gw->family;
	rt->rtm_dst_len = 0;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	mnl_attr_put(h, RTA_GATEWAY, (size_t) pod_net_ip_len(gw), gw->a);
	mnl_attr_put_u32(h, RTA_OIF, (uint32_t) ifindex);
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
rt_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, RTA_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int
route_cb(const struct nlmsghdr *h, void *data)
{
	struct route_list *l = data;
	struct rtmsg *rt = mnl_nlmsg_get_payload(h);
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	struct pod_net_cidr c = { 0 };

	mnl_attr_parse(h, sizeof(*rt), rt_attr_cb, tb);
	if (rt->rtm_table != RT_TABLE_MAIN || rt->rtm_dst_len == 0 || !tb[RTA_DST])
		return MNL_CB_OK;
	if (rt->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	c.ip.family = rt->rtm_family;
	c.len = rt->rtm_dst_len;
	size_t len = (size_t) pod_net_ip_len(&c.ip);
	if (mnl_attr_get_payload_len(tb[RTA_DST]) != len)
		return MNL_CB_OK;
	memcpy(c.ip.a, mnl_attr_get_payload(tb[RTA_DST]), len);
	/* link-local and multicast ranges are on every host */
	if (c.ip.family == AF_INET6 && c.ip.a[0] == 0xfe && (c.ip.a[1] & 0xc0) == 0x80)
		return MNL_CB_OK;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = c;
	return MNL_CB_OK;
}

int
pod_nl_host_routes(struct pod_nl *nl, struct pod_net_cidr **ret, size_t *ret_n,
		   struct pod_err **err)
{
	struct route_list l = { 0 };
	int fams[] = { AF_INET, AF_INET6 };

	for (size_t i = 0; i < ARRAY_SIZE(fams); i++) {
		struct nlmsghdr *h = msg_new(nl, RTM_GETROUTE, NLM_F_DUMP);
		struct rtmsg *rt = mnl_nlmsg_put_extra_header(h, sizeof(*rt));
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
