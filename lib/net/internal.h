/*
 * internal.h - private to lib/net: addresses and subnets, the network
 * definition, IPAM, netlink, nftables and pod-dnsd helpers.
 */
#ifndef POD_NET_INTERNAL_H
#define POD_NET_INTERNAL_H

#include "net/net.h"

#include "core/json.h"

#include <netinet/in.h>
#include <sys/socket.h>

/* ---- addresses (addr.c) ---- */

struct pod_net_ip {
	int family;	/* AF_INET or AF_INET6 */
	uint8_t a[16];	/* network order; IPv4 in a[0..3] */
};

struct pod_net_cidr {
	struct pod_net_ip ip;
	int len;
};

#define POD_NET_IP_STRLEN 46

/* strict dotted quad or RFC 4291 text; false on anything else */
bool pod_net_ip_parse(const char *s, struct pod_net_ip *ret);
/* ADDR/LEN; with normalize the host bits are cleared, else they must be 0 */
bool pod_net_cidr_parse(const char *s, bool normalize, struct pod_net_cidr *ret);
void pod_net_ip_str(const struct pod_net_ip *ip, char buf[POD_NET_IP_STRLEN]);
char *pod_net_ip_strdup(const struct pod_net_ip *ip);
char *pod_net_cidr_strdup(const struct pod_net_cidr *c);
int pod_net_ip_len(const struct pod_net_ip *ip); /* 4 or 16 */
int pod_net_ip_cmp(const struct pod_net_ip *a, const struct pod_net_ip *b);
bool pod_net_ip_eq(const struct pod_net_ip *a, const struct pod_net_ip *b);
bool pod_net_cidr_contains(const struct pod_net_cidr *c, const struct pod_net_ip *ip);
bool pod_net_cidr_overlaps(const struct pod_net_cidr *a, const struct pod_net_cidr *b);
/* the first (network) and last (broadcast) address */
void pod_net_cidr_first(const struct pod_net_cidr *c, struct pod_net_ip *ret);
void pod_net_cidr_last(const struct pod_net_cidr *c, struct pod_net_ip *ret);
/* ip + n (n may be negative); false on wrap-around */
bool pod_net_ip_add(struct pod_net_ip *ip, int64_t n);
/* the n-th subnet of length len inside pool (false when out of the pool) */
bool pod_net_cidr_nth(const struct pod_net_cidr *pool, int len, uint64_t n,
		      struct pod_net_cidr *ret);

/* ---- network definitions (network.c) ---- */

struct pod_net_subnet {
	struct pod_net_cidr cidr;
	struct pod_net_ip gateway;
	bool has_range;
	struct pod_net_ip range_start, range_end;
};

struct pod_net_network {
	char *name;
	char *id;
	char *driver;	     /* "bridge" or "macvlan" */
	char *interface;     /* bridge name, or the macvlan parent */
	struct pod_net_subnet *subnets;
	size_t n_subnets;
	bool ipv6, internal, dns;
	int mtu;	     /* 0: default */
	bool isolate;
	char *macvlan_mode;  /* NULL: bridge */
	json_t *obj;	     /* the inspect object */
};

/* loads by name/ID/prefix (the default network is created on demand) */
int pod_net_network_load(struct pod_store *s, const char *name_or_id,
			 struct pod_net_network **ret, struct pod_err **err);
/* from an inspect object */
int pod_net_network_from_json(json_t *obj, struct pod_net_network **ret, struct pod_err **err);
struct pod_net_network *pod_net_network_free(struct pod_net_network *n);
void pod_net_network_freep(struct pod_net_network **n);
#define cleanup_network cleanup_(pod_net_network_freep)
/* the first subnet of a family, or NULL */
const struct pod_net_subnet *pod_net_network_subnet(const struct pod_net_network *n, int family);

int pod_net_network_delete_row(struct pod_store *s, const char *name, struct pod_err **err);

/* ---- IPAM (ipam.c), inside the caller's IMMEDIATE transaction ---- */

/* static (checked) or the next free address of the subnet's lease range */
int pod_net_ipam_alloc(struct pod_store *s, const struct pod_net_network *n,
		       const struct pod_net_subnet *sub, const char *container_id,
		       const char *static_ip, struct pod_net_ip *ret, struct pod_err **err);

/* ---- netlink (netlink.c) ---- */

struct pod_nl;

/* a netlink socket in the netns of netns_fd (-1: the current one) */
int pod_nl_open(int netns_fd, struct pod_nl **ret, struct pod_err **err);
struct pod_nl *pod_nl_close(struct pod_nl *nl);
void pod_nl_closep(struct pod_nl **nl);
#define cleanup_nl cleanup_(pod_nl_closep)

/* 0 when missing */
int pod_nl_ifindex(struct pod_nl *nl, const char *name);
int pod_nl_bridge_ensure(struct pod_nl *nl, const char *name, int mtu, struct pod_err **err);
int pod_nl_macvlan_create(struct pod_nl *nl, const char *name, int parent_ifindex,
			  const char *mode, int mtu, int netns_fd, struct pod_err **err);
int pod_nl_veth_create(struct pod_nl *nl, const char *host_name, const char *peer_name,
		       int peer_netns_fd, int mtu, struct pod_err **err);
int pod_nl_link_set(struct pod_nl *nl, int ifindex, const char *new_name, int master,
		    const uint8_t *mac, int mtu, int netns_fd, bool up, struct pod_err **err);
/* a link's MAC */
int pod_nl_link_mac(struct pod_nl *nl, int ifindex, uint8_t mac[6], struct pod_err **err);
/* missing is success */
int pod_nl_link_del(struct pod_nl *nl, const char *name, struct pod_err **err);
/* EEXIST is success */
int pod_nl_addr_add(struct pod_nl *nl, int ifindex, const struct pod_net_ip *ip, int prefix,
		    struct pod_err **err);
int pod_nl_route_add(struct pod_nl *nl, int ifindex, const struct pod_net_ip *gw,
		     struct pod_err **err);
/* the number of links enslaved to ifindex */
int pod_nl_bridge_ports(struct pod_nl *nl, int ifindex, struct pod_err **err);
/* every address configured on the host (for subnet checks) and routes' destinations */
int pod_nl_host_routes(struct pod_nl *nl, struct pod_net_cidr **ret, size_t *ret_n,
		       struct pod_err **err);

/* writes "1" to a /proc/sys path (relative to /proc/sys/) */
int pod_net_sysctl(const char *key, const char *value, struct pod_err **err);

/* ---- nftables (firewall.c) ---- */

/* one container endpoint that receives published ports */
struct pod_fw_target {
	const struct pod_net_port *ports;
	size_t n_ports;
	struct pod_net_ip cip4, cip6;	/* family 0: none */
	struct pod_net_cidr subnet4;
};

/* replaces every rule tagged tag with rules ("add rule ..." lines, NULL: none) */
int pod_fw_apply(const char *tag, const char *rules, struct pod_err **err);
/* pod_fw_apply unless the table holds as many rules tagged tag as rules has */
int pod_fw_ensure(const char *tag, const char *rules, struct pod_err **err);
int pod_fw_tag_delete(const char *tag, struct pod_err **err);
/*
 * Deletes our table once no rule is left in it (call under net.lock: every
 * container rule depends on a network rule that only goes under the lock).
 */
int pod_fw_table_drop_if_empty(struct pod_err **err);
/* the number of rules tagged tag */
int pod_fw_tag_count(const char *tag, struct pod_err **err);
/* rules of a network (tag "net:ID") and a container (tag "ctr:ID") */
char *pod_fw_network_rules(const struct pod_net_network *n);
char *pod_fw_container_rules(const char *container_id, const struct pod_fw_target *t, size_t n);

/* ---- pod-dnsd (dns.c) ---- */

/*
 * Rewrites $RUNROOT/net/dns/NETWORK.hosts from the endpoints in the DB and
 * starts pod-dnsd for the network when it is not running.
 */
int pod_dns_update(struct pod_store *s, const struct pod_net_network *n, struct pod_err **err);
/* stops the network's pod-dnsd and removes its files; not running is success */
int pod_dns_stop(struct pod_store *s, const char *network, struct pod_err **err);

/* $RUNROOT/net, created */
char *pod_net_rundir(struct pod_store *s, struct pod_err **err);

#endif
