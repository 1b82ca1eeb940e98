/*
 * setup.c - attaching containers to networks and detaching them.
 *
 * Order, so that a crash at any point leaves garbage that teardown
 * collects and never a half-owned resource:
 *   1. the database first (one IMMEDIATE transaction: IPs, ports,
 *      endpoints with the names of the host veths to be created, the
 *      sandbox row);
 *   2. under $RUNROOT/net/net.lock, what networks share (bridge, its
 *      addresses, network rules, pod-dnsd);
 *   3. the container's own links, addresses, routes and rules.
 * Teardown runs the other way round and works from the rows alone.
 */
#include "net/internal.h"

#include "core/fs.h"
#include "core/id.h"
#include "core/json.h"
#include "store/events.h"
#include "core/lock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct ep {
	char *network, *network_id, *driver, *bridge;
	bool internal, dns;
	int mtu;
	char *macvlan_mode;
	char ifname[IFNAMSIZ], veth[IFNAMSIZ];
	uint8_t mac[6];
	struct pod_net_ip ip4, ip6, gw4, gw6;
	int prefix4, prefix6;
	char **aliases; /* shown in inspect, resolvable */
	char **names;	/* resolvable: container name (and hostname) */
	int position;
};

static void
ep_release(struct ep *e)
{
	free(e->network);
	free(e->network_id);
	free(e->driver);
	free(e->bridge);
	free(e->macvlan_mode);
	pod_strv_free(e->aliases);
	pod_strv_free(e->names);
	memset(e, 0, sizeof(*e));
}

struct eps {
	struct ep *v;
	size_t n;
};

static void
eps_release(struct eps *l)
{
	for (size_t i = 0; i < l->n; i++)
		ep_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static struct ep *
eps_add(struct eps *l)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

static void
mac_str(const uint8_t m[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static bool
mac_parse(const char *s, uint8_t m[6])
{
	unsigned v[6];
	char extra;

	if (!s || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			 &extra) != 6 || strlen(s) != 17)
		return false;
	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t) v[i];
	return true;
}

static json_t *
ip_json(const struct pod_net_ip *ip)
{
	char b[POD_NET_IP_STRLEN];

	if (!ip->family)
		return json_string("");
	pod_net_ip_str(ip, b);
	return json_string(b);
}

static json_t *
strv_json(char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, pod_json_string(v[i]));
	return a;
}

static char **
json_strv(json_t *a)
{
	char **v = xcalloc(1, sizeof(char *));
	size_t i;
	json_t *x;

	json_array_foreach(a, i, x)
		if (json_is_string(x))
			v = pod_strv_push(v, xstrdup(json_string_value(x)));
	return v;
}

static json_t *
ep_json(const struct ep *e)
{
	char mac[18];

	mac_str(e->mac, mac);
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:i, s:s, s:s, s:s, s:s, s:o, s:i, s:o, "
			 "s:o, s:i, s:o, s:o, s:o}",
			 "network", e->network, "network_id", e->network_id, "driver", e->driver,
			 "bridge", e->bridge, "internal", e->internal, "dns", e->dns, "mtu", e->mtu,
			 "macvlan_mode", e->macvlan_mode ? e->macvlan_mode : "", "interface", e->ifname, "host_veth",
			 e->veth, "mac", mac, "ip4", ip_json(&e->ip4), "prefix4", e->prefix4, "gw4",
			 ip_json(&e->gw4), "ip6", ip_json(&e->ip6), "prefix6", e->prefix6, "gw6",
			 ip_json(&e->gw6), "aliases", strv_json(e->aliases), "names",
			 strv_json(e->names));
}

static int
ep_from_json(json_t *o, struct ep *e, struct pod_err **err)
{
	const char *network, *nid, *driver, *bridge, *mode = NULL, *ifname, *veth, *mac;
	const char *ip4, *gw4, *ip6, *gw6;
	int internal, dns;
	json_t *aliases, *names;
	json_error_t je;

	if (json_unpack_ex(o, &je, 0,
			   "{s:s, s:s, s:s, s:s, s:b, s:b, s:i, s?s, s:s, s:s, s:s, s:s, s:i, s:s, "
			   "s:s, s:i, s:s, s:o, s:o}",
			   "network", &network, "network_id", &nid, "driver", &driver, "bridge",
			   &bridge, "internal", &internal, "dns", &dns, "mtu", &e->mtu,
			   "macvlan_mode", &mode, "interface", &ifname, "host_veth", &veth, "mac",
			   &mac, "ip4", &ip4, "prefix4", &e->prefix4, "gw4", &gw4, "ip6", &ip6,
			   "prefix6", &e->prefix6, "gw6", &gw6, "aliases", &aliases, "names",
			   &names) < 0)
		return pod_err_set(err, POD_E_GENERIC, 0, "corrupt network endpoint record: %s",
				   je.text);
	e->network = xstrdup(network);
	e->network_id = xstrdup(nid);
	e->driver = xstrdup(driver);
	e->bridge = xstrdup(bridge);
	e->internal = internal;
	e->dns = dns;
	e->macvlan_mode = mode && *mode ? xstrdup(mode) : NULL;
	snprintf(e->ifname, sizeof(e->ifname), "%s", ifname);
	snprintf(e->veth, sizeof(e->veth), "%s", veth);
	(void) mac_parse(mac, e->mac);
	if (*ip4)
		(void) pod_net_ip_parse(ip4, &e->ip4);
	if (*gw4)
		(void) pod_net_ip_parse(gw4, &e->gw4);
	if (*ip6)
		(void) pod_net_ip_parse(ip6, &e->ip6);
	if (*gw6)
		(void) pod_net_ip_parse(gw6, &e->gw6);
	e->aliases = json_strv(aliases);
	e->names = json_strv(names);
	return 0;
}

/* ---- database ---- */

static int
load_eps(struct pod_store *s, const char *container_id, const char *network, struct eps *ret,
	 struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = NULL;
	int r;

	st = pod_store_prepare(s, network ? "SELECT data, position FROM net_endpoints "
					    "WHERE container_id = ?1 AND network = ?2 "
					    "ORDER BY position"
					  : "SELECT data, position FROM net_endpoints "
					    "WHERE container_id = ?1 ORDER BY position", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, container_id, -1, SQLITE_STATIC);
	if (network)
		sqlite3_bind_text(st, 2, network, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		json_error_t je;
		cleanup_json json_t *o = json_loads((const char *) sqlite3_column_text(st, 0), 0,
						     &je);
		struct ep *e = eps_add(ret);
		e->position = sqlite3_column_int(st, 1);
		if (!o)
			return pod_err_set(err, POD_E_GENERIC, 0, "corrupt endpoint record: %s",
					   je.text);
		if (ep_from_json(o, e, err) < 0)
			return -1;
	}
	if (r != SQLITE_DONE)
		return pod_store_sqlite_err(s, err, "reading endpoints of %s", container_id);
	return 0;
}

/* the sandbox row's data and netns; 0 when there is none */
static int
load_sandbox(struct pod_store *s, const char *container_id, json_t **ret_data, char **ret_netns,
	     struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		s, "SELECT data, netns FROM net_sandboxes WHERE container_id = ?", err);
	json_error_t je;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, container_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return 0;
	json_t *o = json_loads((const char *) sqlite3_column_text(st, 0), 0, &je);
	if (!o)
		return pod_err_set(err, POD_E_GENERIC, 0, "corrupt sandbox record: %s", je.text);
	*ret_data = o;
	if (ret_netns)
		*ret_netns = xstrdup((const char *) sqlite3_column_text(st, 1));
	return 1;
}

static int
exec_bind(struct pod_store *s, const char *sql, const char *a, const char *b, const char *c,
	  int64_t d, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(s, sql, err);

	if (!st)
		return -1;
	int np = sqlite3_bind_parameter_count(st);
	if (np >= 1)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (np >= 2)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	if (np >= 3)
		sqlite3_bind_text(st, 3, c, -1, SQLITE_STATIC);
	if (np >= 4)
		sqlite3_bind_int64(st, 4, d);
	if (sqlite3_step(st) != SQLITE_DONE)
		return pod_store_sqlite_err(s, err, "updating network state");
	return 0;
}

static int
save_sandbox(struct pod_store *s, const char *container_id, const char *netns, json_t *data,
	     struct pod_err **err)
{
	cleanup_free char *txt = json_dumps(data, JSON_COMPACT | JSON_PRESERVE_ORDER);

	return exec_bind(s, "INSERT OR REPLACE INTO net_sandboxes(container_id, netns, data) "
			    "VALUES(?1, ?2, ?3)", container_id, netns ? netns : "", txt, 0, err);
}

static int
save_ep(struct pod_store *s, const char *container_id, const struct ep *e, struct pod_err **err)
{
	cleanup_json json_t *o = ep_json(e);
	cleanup_free char *txt = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	return exec_bind(s, "INSERT INTO net_endpoints(container_id, network, data, position) "
			    "VALUES(?1, ?2, ?3, ?4)", container_id, e->network, txt, e->position,
			 err);
}

/* ---- ports ---- */

static json_t *
ports_json(const struct pod_net_port *p, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:i, s:i, s:i, s:i}", "host_ip",
						   p[i].host_ip ? p[i].host_ip : "", "host_port",
						   p[i].host_port, "container_port",
						   p[i].container_port, "range", p[i].range,
						   "protocols", p[i].protocols));
	return a;
}

static void
ports_free(struct pod_net_port *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pod_net_port_release(&p[i]);
	free(p);
}

static struct pod_net_port *
ports_from_json(json_t *a, size_t *ret_n)
{
	size_t i, n = 0;
	json_t *x;
	struct pod_net_port *p = xcalloc(json_array_size(a) + 1, sizeof(*p));

	json_array_foreach(a, i, x) {
		const char *hip = "";
		int hp = 0, cp = 0, range = 1, proto = POD_NET_TCP;
		if (json_unpack(x, "{s:s, s:i, s:i, s:i, s:i}", "host_ip", &hip, "host_port", &hp,
				"container_port", &cp, "range", &range, "protocols", &proto) < 0)
			continue;
		p[n].host_ip = *hip ? xstrdup(hip) : NULL;
		p[n].host_port = (uint16_t) hp;
		p[n].container_port = (uint16_t) cp;
		p[n].range = (uint16_t) range;
		p[n].protocols = (unsigned) proto;
		n++;
	}
	*ret_n = n;
	return p;
}

static const char *
proto_str(unsigned bit)
{
	return bit == POD_NET_TCP ? "tcp" : bit == POD_NET_UDP ? "udp" : "sctp";
}

/* Go's net.Listen address text: ":8080", "127.0.0.1:8080", "[::1]:8080" */
static char *
listen_addr(const char *host_ip, unsigned port)
{
	if (!host_ip || !*host_ip)
		return xasprintf(":%u", port);
	if (strchr(host_ip, ':'))
		return xasprintf("[%s]:%u", host_ip, port);
	return xasprintf("%s:%u", host_ip, port);
}

/* 1: free, 0: taken, -1: error */
static int
try_bind(const char *host_ip, unsigned bit, unsigned port, int *ret_errno)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	struct pod_net_ip ip = { .family = AF_INET };
	int type = bit == POD_NET_UDP ? SOCK_DGRAM : SOCK_STREAM;
	cleanup_close int fd = -1;
	int one = 1;

	if (host_ip && *host_ip && !pod_net_ip_parse(host_ip, &ip))
		return -1;
	if (ip.family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *) &ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t) port);
		memcpy(&sin->sin_addr, ip.a, 4);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t) port);
		memcpy(&sin6->sin6_addr, ip.a, 16);
		sl = sizeof(*sin6);
	}
	fd = socket(ip.family, type | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*ret_errno = errno;
		return -1;
	}
	/* as Go's listener: a port in TIME_WAIT is free */
	if (type == SOCK_STREAM)
		(void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *) &ss, sl) < 0) {
		*ret_errno = errno;
		return errno == EADDRINUSE ? 0 : -1;
	}
	if (type == SOCK_STREAM && listen(fd, 1) < 0) {
		*ret_errno = errno;
		return errno == EADDRINUSE ? 0 : -1;
	}
	return 1;
}

static int
port_in_use_err(struct pod_err **err, const char *host_ip, unsigned bit, unsigned port, int e)
{
	cleanup_free char *addr = listen_addr(host_ip, port);
	struct pod_net_ip ip = { .family = AF_INET };

	if (host_ip && *host_ip)
		(void) pod_net_ip_parse(host_ip, &ip);
	return pod_err_set(err, POD_E_INUSE, e, "cannot listen on the %s port: listen %s%s %s: "
			   "bind: %s", bit == POD_NET_UDP ? "UDP" : "TCP", proto_str(bit),
			   ip.family == AF_INET ? "4" : "6", addr, pod_strerror(e));
}

/* host port 0: a random free range; else every port must bind */
static int
check_ports(struct pod_net_port *p, size_t n, struct pod_err **err)
{
	for (size_t i = 0; i < n; i++) {
		struct pod_net_port *x = &p[i];
		if (x->host_port == 0) {
			bool found = false;
			for (int tries = 0; tries < 200 && !found; tries++) {
				uint32_t r = 0;
				if (getrandom(&r, sizeof(r), 0) != sizeof(r))
					return pod_err_sys(err, "getrandom");
				unsigned start = 32768 + r % (60999 - 32768 - x->range);
				found = true;
				for (unsigned k = 0; k < x->range && found; k++)
					for (unsigned bit = 1; bit <= POD_NET_UDP; bit <<= 1) {
						int e = 0;
						if ((x->protocols & bit) &&
						    try_bind(x->host_ip, bit, start + k, &e) != 1)
							found = false;
					}
				if (found)
					x->host_port = (uint16_t) start;
			}
			if (!found)
				return pod_err_set(err, POD_E_GENERIC, 0,
						   "failed to find a free host port for container "
						   "port %u", (unsigned) x->container_port);
			continue;
		}
		for (unsigned k = 0; k < x->range; k++)
			for (unsigned bit = 1; bit <= POD_NET_UDP; bit <<= 1) {
				int e = 0, r;
				if (!(x->protocols & bit))
					continue;
				r = try_bind(x->host_ip, bit, x->host_port + k, &e);
				if (r == 0)
					return port_in_use_err(err, x->host_ip, bit,
							       x->host_port + k, e);
				if (r < 0) {
					errno = e;
					return pod_err_sys(err, "testing host port %u",
							   (unsigned) x->host_port + k);
				}
			}
	}
	return 0;
}

static int
reserve_ports(struct pod_store *s, const char *container_id, const struct pod_net_port *p,
	      size_t n, struct pod_err **err)
{
	for (size_t i = 0; i < n; i++)
		for (unsigned k = 0; k < p[i].range; k++)
			for (unsigned bit = 1; bit <= POD_NET_SCTP; bit <<= 1) {
				const char *hip = p[i].host_ip ? p[i].host_ip : "";
				unsigned port = p[i].host_port + k;
				if (!(p[i].protocols & bit))
					continue;
				cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
					s, "SELECT 1 FROM net_ports WHERE protocol = ?1 AND "
					   "host_port = ?2 AND (host_ip = ?3 OR host_ip = '' OR ?3 = '')",
					err);
				if (!st)
					return -1;
				sqlite3_bind_text(st, 1, proto_str(bit), -1, SQLITE_STATIC);
				sqlite3_bind_int(st, 2, (int) port);
				sqlite3_bind_text(st, 3, hip, -1, SQLITE_STATIC);
				if (sqlite3_step(st) == SQLITE_ROW)
					return port_in_use_err(err, hip, bit, port, EADDRINUSE);
				if (exec_bind(s, "INSERT INTO net_ports(protocol, host_ip, host_port, "
						 "container_id) VALUES(?1, ?2, ?4, ?3)",
					      proto_str(bit), hip, container_id, port, err) < 0)
					return -1;
			}
	return 0;
}

/* ---- the NetworkSettings object ---- */

static json_t *
status_json(const char *container_id, const char *netns, const struct eps *l,
	    const struct pod_net_port *p, size_t np)
{
	json_t *st = json_object(), *nets = json_object(), *ports = json_object();
	/* Podman fills the top-level fields only for the default network alone */
	const struct ep *first =
		l->n == 1 && STREQ(l->v[0].network, pod_net_default_name()) ? &l->v[0] : NULL;
	char mac[18] = "";

	(void) container_id;
	if (first)
		mac_str(first->mac, mac);
	json_object_set_new(st, "EndpointID", json_string(""));
	json_object_set_new(st, "Gateway", first ? ip_json(&first->gw4) : json_string(""));
	json_object_set_new(st, "IPAddress", first ? ip_json(&first->ip4) : json_string(""));
	json_object_set_new(st, "IPPrefixLen", json_integer(first ? first->prefix4 : 0));
	json_object_set_new(st, "IPv6Gateway", first ? ip_json(&first->gw6) : json_string(""));
	json_object_set_new(st, "GlobalIPv6Address",
			    first ? ip_json(&first->ip6) : json_string(""));
	json_object_set_new(st, "GlobalIPv6PrefixLen", json_integer(first ? first->prefix6 : 0));
	json_object_set_new(st, "MacAddress", json_string(mac));
	json_object_set_new(st, "Bridge", json_string(""));
	json_object_set_new(st, "SandboxID", json_string(""));
	json_object_set_new(st, "HairpinMode", json_false());
	json_object_set_new(st, "LinkLocalIPv6Address", json_string(""));
	json_object_set_new(st, "LinkLocalIPv6PrefixLen", json_integer(0));
	for (size_t i = 0; i < np; i++)
		for (unsigned k = 0; k < p[i].range; k++)
			for (unsigned bit = 1; bit <= POD_NET_SCTP; bit <<= 1) {
				if (!(p[i].protocols & bit))
					continue;
				cleanup_free char *key = xasprintf(
					"%u/%s", (unsigned) p[i].container_port + k, proto_str(bit));
				cleanup_free char *hp = xasprintf("%u", (unsigned) p[i].host_port + k);
				json_t *arr = json_object_get(ports, key);
				if (!arr) {
					arr = json_array();
					json_object_set_new(ports, key, arr);
				}
				json_array_append_new(arr, json_pack("{s:s, s:s}", "HostIp",
								     p[i].host_ip ? p[i].host_ip : "",
								     "HostPort", hp));
			}
	json_object_set_new(st, "Ports", ports);
	json_object_set_new(st, "SandboxKey", json_string(netns ? netns : ""));
	for (size_t i = 0; i < l->n; i++) {
		const struct ep *e = &l->v[i];
		mac_str(e->mac, mac);
		json_object_set_new(
			nets, e->network,
			json_pack("{s:s, s:o, s:o, s:i, s:o, s:o, s:i, s:s, s:s, s:n, s:n, s:n, s:o}",
				  "EndpointID", "", "Gateway", ip_json(&e->gw4), "IPAddress",
				  ip_json(&e->ip4), "IPPrefixLen", e->prefix4, "IPv6Gateway",
				  ip_json(&e->gw6), "GlobalIPv6Address", ip_json(&e->ip6),
				  "GlobalIPv6PrefixLen", e->prefix6, "MacAddress", mac, "NetworkID",
				  e->network, "DriverOpts", "IPAMConfig", "Links", "Aliases",
				  strv_json(e->aliases)));
	}
	json_object_set_new(st, "Networks", nets);
	return st;
}

/* ---- host side ---- */

/*
 * Bridges and the nft table are the host's, shared by every store on it
 * (the default network's podman0 above all): as root, one host-wide lock.
 */
static int
net_lock(struct pod_store *s, struct pod_err **err)
{
	cleanup_free char *dir = NULL;

	if (geteuid() == 0 && access("/run", W_OK) == 0)
		return pod_lock_open("/run/podutils-net.lock", true, true, err);
	dir = pod_net_rundir(s, err);
	if (!dir)
		return -1;
	cleanup_free char *path = pod_path_join(dir, "net.lock");
	return pod_lock_open(path, true, true, err);
}

/* bridge, addresses, sysctls, network rules, pod-dnsd: under the lock */
static int
network_ensure(struct pod_store *s, struct pod_nl *nl, const struct pod_net_network *n,
	       bool localnet, struct pod_err **err)
{
	if (!STREQ(n->driver, "bridge"))
		return 0;
	int br = pod_nl_bridge_ensure(nl, n->interface, n->mtu, err);
	if (br < 0)
		return -1;
	for (size_t i = 0; i < n->n_subnets; i++)
		if (n->subnets[i].gateway.family &&
		    pod_nl_addr_add(nl, br, &n->subnets[i].gateway, n->subnets[i].cidr.len, err) < 0)
			return -1;
	if (!n->internal) {
		if (pod_net_network_subnet(n, AF_INET) &&
		    pod_net_sysctl("net/ipv4/ip_forward", "1", err) < 0)
			return -1;
		if (pod_net_network_subnet(n, AF_INET6) &&
		    pod_net_sysctl("net/ipv6/conf/all/forwarding", "1", err) < 0)
			return -1;
	}
	if (localnet) {
		cleanup_free char *key = xasprintf("net/ipv4/conf/%s/route_localnet", n->interface);
		if (pod_net_sysctl(key, "1", err) < 0)
			return -1;
	}
	cleanup_free char *rules = pod_fw_network_rules(n);
	cleanup_free char *tag = xasprintf("net:%s", n->id);
	if (pod_fw_ensure(tag, rules, err) < 0)
		return -1;
	if (n->dns && pod_dns_update(s, n, err) < 0)
		return -1;
	return 0;
}

/*
 * A bridge with ports is someone's (another store that picked the same
 * name): only an empty one is deleted.
 */
static int
bridge_del_if_unused(struct pod_nl *nl, const char *name, struct pod_err **err)
{
	int idx = pod_nl_ifindex(nl, name);

	if (!idx)
		return 0;
	int ports = pod_nl_bridge_ports(nl, idx, err);
	if (ports < 0)
		return -1;
	if (ports > 0)
		return 0;
	return pod_nl_link_del(nl, name, err);
}

/*
 * after an endpoint left. The network's bridge, gateway address and rules
 * stay when the last container leaves (as Docker keeps docker0): creating
 * them again for the next container costs more than the whole rest of a
 * run. `network rm` and `network prune` remove them. Only pod-dnsd, a
 * process, is stopped with the last container.
 */
static int
network_release(struct pod_store *s, const struct ep *e, struct pod_err **err)
{
	if (!e->dns)
		return 0;
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		s, "SELECT count(*) FROM net_endpoints WHERE network = ?", err);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, e->network, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return pod_store_sqlite_err(s, err, "counting endpoints of %s", e->network);
	if (sqlite3_column_int(st, 0) == 0)
		return pod_dns_stop(s, e->network, err);
	cleanup_network struct pod_net_network *n = NULL;
	struct pod_err *le = NULL;
	if (pod_net_network_load(s, e->network, &n, &le) < 0) {
		pod_err_free(&le);
		return 0;
	}
	return pod_dns_update(s, n, err);
}

static void
random_name(char buf[IFNAMSIZ])
{
	uint8_t r[4] = { 0 };

	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		memset(r, 0, sizeof(r));
	snprintf(buf, IFNAMSIZ, "veth%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
}

static void
random_mac(uint8_t m[6])
{
	if (getrandom(m, 6, 0) != 6)
		memset(m, 0x42, 6);
	m[0] = (uint8_t) ((m[0] & 0xfe) | 0x02); /* unicast, locally administered */
}

/* the container's links of one endpoint */
static int
ep_links(struct pod_nl *host, struct pod_nl *ctr, int netns_fd, const struct ep *e,
	 struct pod_err **err)
{
	int idx;

	if (STREQ(e->driver, "bridge")) {
		int br = pod_nl_ifindex(host, e->bridge);
		if (!br)
			return pod_err_set(err, POD_E_GENERIC, ENODEV, "bridge %s not found",
					   e->bridge);
		if (pod_nl_veth_create(host, e->veth, e->ifname, netns_fd, e->mtu, err) < 0)
			return -1;
		idx = pod_nl_ifindex(host, e->veth);
		if (!idx || pod_nl_link_set(host, idx, NULL, br, NULL, 0, -1, true, err) < 0)
			return pod_err_set(err, POD_E_GENERIC, 0, "attaching %s to %s", e->veth,
					   e->bridge);
	} else {
		int parent = pod_nl_ifindex(host, e->bridge);
		if (!parent)
			return pod_err_set(err, POD_E_GENERIC, ENODEV,
					   "macvlan parent interface %s not found", e->bridge);
		if (pod_nl_macvlan_create(host, e->ifname, parent, e->macvlan_mode, e->mtu, netns_fd,
					  err) < 0)
			return -1;
	}
	idx = pod_nl_ifindex(ctr, e->ifname);
	if (!idx)
		return pod_err_set(err, POD_E_GENERIC, ENODEV,
				   "interface %s not found in the container", e->ifname);
	if (pod_nl_link_set(ctr, idx, NULL, 0, e->mac, 0, -1, true, err) < 0)
		return -1;
	if (e->ip4.family && pod_nl_addr_add(ctr, idx, &e->ip4, e->prefix4, err) < 0)
		return -1;
	if (e->ip6.family && pod_nl_addr_add(ctr, idx, &e->ip6, e->prefix6, err) < 0)
		return -1;
	if (!e->internal) {
		if (e->gw4.family && pod_nl_route_add(ctr, idx, &e->gw4, err) < 0)
			return -1;
		if (e->gw6.family && pod_nl_route_add(ctr, idx, &e->gw6, err) < 0)
			return -1;
	}
	return 0;
}

/* DNAT rules for the sandbox's ports to its first bridge endpoint */
static int
container_rules(struct pod_store *s, const char *container_id, struct pod_err **err)
{
	cleanup_json json_t *data = NULL;
	__attribute__((cleanup(eps_release))) struct eps l = { 0 };
	cleanup_free char *tag = xasprintf("ctr:%s", container_id);
	struct pod_net_port *ports = NULL;
	size_t np = 0;
	int r;

	r = load_sandbox(s, container_id, &data, NULL, err);
	if (r < 0)
		return -1;
	if (r == 0)
		return pod_fw_tag_delete(tag, err);
	if (load_eps(s, container_id, NULL, &l, err) < 0)
		return -1;
	ports = ports_from_json(json_object_get(data, "ports"), &np);
	struct pod_fw_target t = { .ports = ports, .n_ports = np };
	for (size_t i = 0; i < l.n; i++)
		if (STREQ(l.v[i].driver, "bridge")) {
			t.cip4 = l.v[i].ip4;
			t.cip6 = l.v[i].ip6;
			t.subnet4.ip = l.v[i].ip4;
			t.subnet4.len = l.v[i].prefix4;
			pod_net_cidr_first(&t.subnet4, &t.subnet4.ip);
			break;
		}
	cleanup_free char *rules = np && (t.cip4.family || t.cip6.family)
					   ? pod_fw_container_rules(container_id, &t, 1)
					   : NULL;
	r = pod_fw_apply(tag, rules, err);
	ports_free(ports, np);
	return r;
}

static bool
ports_need_localnet(const struct pod_net_port *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!p[i].host_ip || !*p[i].host_ip || pod_str_has_prefix(p[i].host_ip, "127."))
			return true;
	return false;
}

/* ---- attaching ---- */

struct attach_ctx {
	struct pod_store *s;
	const char *id;
	const char *netns;
	const char *name;
	const char *hostname;
};

static int
ep_prepare(struct pod_store *s, const char *container_id, const char *name,
	   const struct pod_net_attach *att, int position, struct pod_net_network *n,
	   struct ep *e, struct pod_err **err)
{
	char shortid[POD_ID_SHORT_LEN + 1];

	e->network = xstrdup(n->name);
	e->network_id = xstrdup(n->id);
	e->driver = xstrdup(n->driver);
	e->bridge = xstrdup(n->interface);
	e->internal = n->internal;
	/* Podman shows dns_enabled on macvlan too, but nothing can answer there */
	e->dns = n->dns && STREQ(n->driver, "bridge");
	e->mtu = n->mtu;
	e->macvlan_mode = n->macvlan_mode ? xstrdup(n->macvlan_mode) : NULL;
	e->position = position;
	if (att->interface_name && *att->interface_name) {
		if (strlen(att->interface_name) >= IFNAMSIZ || strchr(att->interface_name, '/'))
			return pod_err_set(err, POD_E_INVALID, 0, "invalid interface name \"%s\"",
					   att->interface_name);
		snprintf(e->ifname, sizeof(e->ifname), "%s", att->interface_name);
	} else {
		snprintf(e->ifname, sizeof(e->ifname), "eth%d", position);
	}
	if (STREQ(n->driver, "bridge"))
		random_name(e->veth);
	if (att->static_mac) {
		if (!mac_parse(att->static_mac, e->mac) || (e->mac[0] & 1))
			return pod_err_set(err, POD_E_INVALID, 0, "invalid MAC address \"%s\"",
					   att->static_mac);
	} else {
		random_mac(e->mac);
	}
	e->aliases = xcalloc(1, sizeof(char *));
	for (size_t i = 0; att->aliases && att->aliases[i]; i++)
		e->aliases = pod_strv_push(e->aliases, xstrdup(att->aliases[i]));
	pod_id_short(container_id, shortid);
	if (!pod_strv_contains(e->aliases, shortid))
		e->aliases = pod_strv_push(e->aliases, xstrdup(shortid));
	e->names = xcalloc(1, sizeof(char *));
	if (name && *name)
		e->names = pod_strv_push(e->names, xstrdup(name));

	const struct pod_net_subnet *s4 = pod_net_network_subnet(n, AF_INET);
	const struct pod_net_subnet *s6 = pod_net_network_subnet(n, AF_INET6);
	if (att->static_ip && !s4)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "requested static ip %s not in any subnet on network %s",
				   att->static_ip, n->name);
	if (att->static_ip6 && !s6)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "requested static ip %s not in any subnet on network %s",
				   att->static_ip6, n->name);
	if (s4) {
		if (pod_net_ipam_alloc(s, n, s4, container_id, att->static_ip, &e->ip4, err) < 0)
			return -1;
		e->prefix4 = s4->cidr.len;
		e->gw4 = s4->gateway;
	}
	if (s6) {
		if (pod_net_ipam_alloc(s, n, s6, container_id, att->static_ip6, &e->ip6, err) < 0)
			return -1;
		e->prefix6 = s6->cidr.len;
		e->gw6 = s6->gateway;
	}
	return save_ep(s, container_id, e, err);
}

/*
 * Attaches the networks atts[0..n) (and, for a new sandbox, publishes
 * ports) to the container. On failure the caller tears down.
 */
static int
attach(struct attach_ctx *c, const struct pod_net_attach *atts, size_t n,
       const struct pod_net_port *req_ports, size_t n_ports, bool new_sandbox,
       json_t **ret_status, struct pod_err **err)
{
	cleanup_free struct pod_net_network **nets = xcalloc(n + 1, sizeof(*nets));
	__attribute__((cleanup(eps_release))) struct eps added = { 0 };
	__attribute__((cleanup(eps_release))) struct eps all = { 0 };
	struct pod_net_port *ports = xcalloc(n_ports + 1, sizeof(*ports));
	cleanup_json json_t *data = NULL;
	cleanup_close int nsfd = -1;
	cleanup_nl struct pod_nl *host = NULL, *ctr = NULL;
	size_t np = n_ports, i;
	int r = -1;
	bool committed = false;

	for (i = 0; i < n_ports; i++) {
		ports[i] = req_ports[i];
		ports[i].host_ip = req_ports[i].host_ip && *req_ports[i].host_ip
					   ? xstrdup(req_ports[i].host_ip)
					   : NULL;
		if (!ports[i].range)
			ports[i].range = 1;
		if (!ports[i].protocols)
			ports[i].protocols = POD_NET_TCP;
	}
	for (i = 0; i < n; i++) {
		if (pod_net_network_load(c->s, atts[i].network, &nets[i], err) < 0)
			goto out;
		for (size_t j = 0; j < i; j++)
			if (STREQ(nets[j]->name, nets[i]->name)) {
				pod_err_set(err, POD_E_INVALID, 0, "network %s given more than once",
					    nets[i]->name);
				goto out;
			}
	}
	nsfd = open(c->netns, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0) {
		pod_err_sys(err, "opening network namespace %s", c->netns);
		goto out;
	}
	if (check_ports(ports, np, err) < 0)
		goto out;

	if (pod_store_begin(c->s, true, err) < 0)
		goto out;
	r = load_sandbox(c->s, c->id, &data, NULL, err);
	if (r < 0)
		goto rollback;
	if (new_sandbox && r > 0) {
		r = -1;
		pod_err_set(err, POD_E_EXISTS, 0,
			    "network of container %s is already set up", c->id);
		goto rollback;
	}
	if (!data)
		data = json_pack("{s:s, s:s, s:o}", "name", c->name ? c->name : "", "hostname",
				 c->hostname ? c->hostname : "", "ports", ports_json(ports, np));
	r = -1;
	if (load_eps(c->s, c->id, NULL, &all, err) < 0)
		goto rollback;
	int position = 0;
	for (i = 0; i < all.n; i++) {
		if (all.v[i].position >= position)
			position = all.v[i].position + 1;
		for (size_t j = 0; j < n; j++)
			if (STREQ(all.v[i].network, nets[j]->name)) {
				pod_err_set(err, POD_E_EXISTS, 0,
					    "container %s is already connected to network \"%s\"",
					    c->id, nets[j]->name);
				goto rollback;
			}
	}
	for (i = 0; i < n; i++) {
		struct ep *e = eps_add(&added);
		if (ep_prepare(c->s, c->id, c->name, &atts[i], position + (int) i, nets[i], e,
			       err) < 0)
			goto rollback;
		for (size_t j = 0; j < all.n; j++)
			if (STREQ(all.v[j].ifname, e->ifname)) {
				pod_err_set(err, POD_E_EXISTS, 0, "interface %s already exists in "
					    "the container", e->ifname);
				goto rollback;
			}
	}
	if (new_sandbox && reserve_ports(c->s, c->id, ports, np, err) < 0)
		goto rollback;
	eps_release(&all);
	if (load_eps(c->s, c->id, NULL, &all, err) < 0)
		goto rollback;
	{
		size_t nport = 0;
		struct pod_net_port *sp = ports_from_json(json_object_get(data, "ports"), &nport);
		json_object_set_new(data, "status", status_json(c->id, c->netns, &all, sp, nport));
		ports_free(sp, nport);
	}
	if (save_sandbox(c->s, c->id, c->netns, data, err) < 0)
		goto rollback;
	if (pod_store_commit(c->s, err) < 0)
		goto out;
	committed = true;

	/* the host */
	if (pod_nl_open(-1, &host, err) < 0 || pod_nl_open(nsfd, &ctr, err) < 0)
		goto out;
	{
		int lo = pod_nl_ifindex(ctr, "lo");
		if (lo && pod_nl_link_set(ctr, lo, NULL, 0, NULL, 0, -1, true, err) < 0)
			goto out;
	}
	{
		cleanup_lock int lk = net_lock(c->s, err);
		if (lk < 0)
			goto out;
		bool localnet = ports_need_localnet(ports, np);
		for (i = 0; i < n; i++)
			if (network_ensure(c->s, host, nets[i], localnet && i == 0 && new_sandbox,
					   err) < 0)
				goto out;
	}
	for (i = 0; i < added.n; i++)
		if (ep_links(host, ctr, nsfd, &added.v[i], err) < 0)
			goto out;
	/* a new sandbox without ports has no rules to add, and none to replace */
	if ((np || !new_sandbox) && container_rules(c->s, c->id, err) < 0)
		goto out;
	if (ret_status)
		*ret_status = json_incref(json_object_get(data, "status"));
	r = 0;
	goto out;
rollback:
	pod_store_rollback(c->s);
out:
	(void) committed;
	for (i = 0; i < n; i++)
		pod_net_network_free(nets[i]);
	ports_free(ports, np);
	return r;
}

int
pod_net_setup(struct pod_store *s, const char *container_id, const char *netns_path,
	      const struct pod_net_request *req, json_t **ret_status, struct pod_err **err)
{
	struct pod_net_attach def = { 0 };
	struct attach_ctx c = { .s = s, .id = container_id, .netns = netns_path,
				.name = req->container_name, .hostname = req->hostname };
	const struct pod_net_attach *atts = req->n_networks ? req->networks : &def;
	size_t n = req->n_networks ? req->n_networks : 1;
	cleanup_json json_t *status = NULL;

	if (!container_id || !*container_id || !netns_path || !*netns_path)
		return pod_err_set(err, POD_E_INVALID, 0, "network setup needs a container ID "
				   "and a network namespace");
	if (attach(&c, atts, n, req->ports, req->n_ports, true, &status, err) < 0) {
		struct pod_err *e = NULL;
		if (!*err || (*err)->kind != POD_E_EXISTS)
			(void) pod_net_teardown(s, container_id, netns_path, &e);
		pod_err_free(&e);
		return -1;
	}
	*ret_status = TAKE_PTR(status);
	return 0;
}

/*
 * A veth's deletion blocks for 15-25 ms while the kernel waits for RCU
 * readers; nothing after it needs the link gone, so a child deletes it
 * while the caller goes on (store updates, unmounts, removing the
 * container), and the process waits for the children when it exits, so
 * that no command returns with the link still there. The child is a clone
 * without an exit signal: a caller's waitpid(-1) never reaps it.
 */
static pid_t link_del_pids[16];
static size_t n_link_del_pids;

static void
link_del_wait(void)
{
	for (size_t i = 0; i < n_link_del_pids; i++)
		while (waitpid(link_del_pids[i], NULL, __WALL) < 0 && errno == EINTR)
			;
	n_link_del_pids = 0;
}

static int
host_link_del(struct pod_nl *host, const char *name, struct pod_err **err)
{
	static bool registered;

	if (n_link_del_pids == ARRAY_SIZE(link_del_pids))
		return pod_nl_link_del(host, name, err);
	if (!registered) {
		if (atexit(link_del_wait) != 0)
			return pod_nl_link_del(host, name, err);
		registered = true;
	}
	pid_t pid = (pid_t) syscall(SYS_clone, 0UL, NULL, NULL, NULL, 0UL);
	if (pid < 0)
		return pod_nl_link_del(host, name, err);
	if (pid == 0) {
		struct pod_nl *own = NULL;
		struct pod_err *e = NULL;
		/*
		 * Our copies of the caller's fds would keep its flocks (the
		 * container's lock) held until we exit: its next lock would wait
		 * for the deletion after all.
		 */
		(void) syscall(SYS_close_range, 3U, ~0U, 0U);
		_exit(pod_nl_open(-1, &own, &e) < 0 || pod_nl_link_del(own, name, &e) < 0);
	}
	link_del_pids[n_link_del_pids++] = pid;
	return 0;
}

/* removes endpoints (all when network is NULL) and, with all, the sandbox */
static int
detach(struct pod_store *s, const char *container_id, const char *netns_path,
       const char *network, struct pod_err **err)
{
	__attribute__((cleanup(eps_release))) struct eps l = { 0 };
	cleanup_nl struct pod_nl *host = NULL, *ctr = NULL;
	cleanup_close int nsfd = -1;
	struct pod_err *e = NULL;
	int r = 0;

	if (load_eps(s, container_id, network, &l, err) < 0)
		return -1;
	if (network && l.n == 0)
		return pod_err_set(err, POD_E_NOTFOUND, 0,
				   "container %s is not connected to network %s", container_id,
				   network);
	if (!network) {
		/* container rules exist only for published ports */
		cleanup_json json_t *sb = NULL;
		int has = load_sandbox(s, container_id, &sb, NULL, err);
		if (has < 0)
			return -1;
		json_t *ports = has ? json_object_get(sb, "ports") : NULL;
		cleanup_free char *tag = xasprintf("ctr:%s", container_id);
		if ((!has || json_array_size(ports) > 0 || !json_is_array(ports)) &&
		    pod_fw_tag_delete(tag, err) < 0)
			return -1;
	}
	if (pod_nl_open(-1, &host, err) < 0)
		return -1;
	if (netns_path && *netns_path) {
		nsfd = open(netns_path, O_RDONLY | O_CLOEXEC);
		if (nsfd >= 0 && pod_nl_open(nsfd, &ctr, &e) < 0)
			pod_err_free(&e);
	}
	for (size_t i = 0; i < l.n; i++) {
		if (STREQ(l.v[i].driver, "bridge")) {
			if (host_link_del(host, l.v[i].veth, err) < 0)
				return -1;
		} else if (ctr && pod_nl_link_del(ctr, l.v[i].ifname, err) < 0) {
			return -1;
		}
	}

	if (pod_store_begin(s, true, err) < 0)
		return -1;
	if (network) {
		r = exec_bind(s, "DELETE FROM ip_allocations WHERE container_id = ?1 AND network = ?2",
			      container_id, network, NULL, 0, err);
		if (r == 0)
			r = exec_bind(s, "DELETE FROM net_endpoints WHERE container_id = ?1 AND "
					 "network = ?2", container_id, network, NULL, 0, err);
		if (r == 0) {
			cleanup_json json_t *data = NULL;
			__attribute__((cleanup(eps_release))) struct eps rest = { 0 };
			char *ns = NULL;
			r = load_sandbox(s, container_id, &data, &ns, err);
			if (r > 0 && load_eps(s, container_id, NULL, &rest, err) == 0) {
				size_t np = 0;
				struct pod_net_port *p = ports_from_json(json_object_get(data, "ports"),
									 &np);
				json_object_set_new(data, "status",
						    status_json(container_id, ns, &rest, p, np));
				ports_free(p, np);
				r = save_sandbox(s, container_id, ns, data, err);
			} else if (r > 0) {
				r = -1;
			}
			free(ns);
		}
	} else {
		const char *const tables[] = { "ip_allocations", "net_ports", "net_endpoints",
					       "net_sandboxes" };
		for (size_t i = 0; i < ARRAY_SIZE(tables) && r == 0; i++) {
			cleanup_free char *sql = xasprintf("DELETE FROM %s WHERE container_id = ?1",
							   tables[i]);
			r = exec_bind(s, sql, container_id, NULL, NULL, 0, err);
		}
	}
	if (r < 0) {
		pod_store_rollback(s);
		return -1;
	}
	if (pod_store_commit(s, err) < 0)
		return -1;

	bool any_dns = false;
	for (size_t i = 0; i < l.n; i++)
		any_dns |= l.v[i].dns;
	if (any_dns) {
		cleanup_lock int lk = net_lock(s, err);
		if (lk < 0)
			return -1;
		for (size_t i = 0; i < l.n; i++)
			if (network_release(s, &l.v[i], err) < 0)
				return -1;
	}
	if (network)
		return container_rules(s, container_id, err);
	return 0;
}

int
pod_net_teardown(struct pod_store *s, const char *container_id, const char *netns_path,
		 struct pod_err **err)
{
	if (detach(s, container_id, netns_path, NULL, err) < 0)
		return pod_err_wrap(err, "tearing down network of container %s", container_id);
	return 0;
}

int
pod_net_connect(struct pod_store *s, const char *container_id, const char *netns_path,
		const char *container_name, const struct pod_net_attach *att,
		struct pod_err **err)
{
	struct attach_ctx c = { .s = s, .id = container_id, .netns = netns_path,
				.name = container_name };
	cleanup_json json_t *data = NULL;
	cleanup_network struct pod_net_network *n = NULL;
	int r;

	r = load_sandbox(s, container_id, &data, NULL, err);
	if (r < 0)
		return -1;
	if (pod_net_network_load(s, att->network, &n, err) < 0)
		return -1;
	if (attach(&c, att, 1, NULL, 0, r == 0, NULL, err) < 0) {
		struct pod_err *e = NULL;
		if ((*err)->kind != POD_E_EXISTS) {
			if (r == 0)
				(void) pod_net_teardown(s, container_id, netns_path, &e);
			else
				(void) detach(s, container_id, netns_path, n->name, &e);
		}
		pod_err_free(&e);
		return -1;
	}
	return 0;
}

int
pod_net_disconnect(struct pod_store *s, const char *container_id, const char *netns_path,
		   const char *network, struct pod_err **err)
{
	cleanup_network struct pod_net_network *n = NULL;

	if (pod_net_network_load(s, network, &n, err) < 0)
		return -1;
	return detach(s, container_id, netns_path, n->name, err);
}

int
pod_net_status(struct pod_store *s, const char *container_id, json_t **ret_status,
	       struct pod_err **err)
{
	cleanup_json json_t *data = NULL;
	int r = load_sandbox(s, container_id, &data, NULL, err);

	if (r < 0)
		return -1;
	if (r == 0)
		return pod_err_set(err, POD_E_NOTFOUND, 0,
				   "network of container %s is not set up", container_id);
	*ret_status = json_incref(json_object_get(data, "status"));
	return 0;
}

int
pod_net_network_users(struct pod_store *s, const char *network, char ***ret_ids,
		      struct pod_err **err)
{
	cleanup_network struct pod_net_network *n = NULL;
	cleanup_stmt sqlite3_stmt *st = NULL;
	char **v = xcalloc(1, sizeof(char *));
	int r;

	if (pod_net_network_load(s, network, &n, err) < 0) {
		free(v);
		return -1;
	}
	st = pod_store_prepare(s, "SELECT container_id FROM net_endpoints WHERE network = ? "
				  "ORDER BY container_id", err);
	if (!st) {
		free(v);
		return -1;
	}
	sqlite3_bind_text(st, 1, n->name, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		v = pod_strv_push(v, xstrdup((const char *) sqlite3_column_text(st, 0)));
	if (r != SQLITE_DONE) {
		pod_strv_free(v);
		return pod_store_sqlite_err(s, err, "listing users of network %s", n->name);
	}
	*ret_ids = v;
	return 0;
}

int
pod_net_remove(struct pod_store *s, const char *name_or_id, bool force, struct pod_err **err)
{
	cleanup_network struct pod_net_network *n = NULL;
	cleanup_strv char **users = NULL;

	if (pod_net_network_load(s, name_or_id, &n, err) < 0)
		return -1;
	if (STREQ(n->name, pod_net_default_name()))
		return pod_err_set(err, POD_E_INVALID, 0, "default network %s cannot be removed",
				   n->name);
	if (pod_net_network_users(s, n->name, &users, err) < 0)
		return -1;
	if (users[0] && !force)
		return pod_err_set(err, POD_E_INUSE, 0,
				   "\"%s\" has associated containers with it. Use -f to forcibly "
				   "delete containers and pods: network is being used", n->name);
	for (size_t i = 0; users[i]; i++) {
		cleanup_json json_t *data = NULL;
		cleanup_free char *ns = NULL;
		if (load_sandbox(s, users[i], &data, &ns, err) < 0)
			return -1;
		if (detach(s, users[i], ns, n->name, err) < 0)
			return -1;
	}
	if (pod_store_begin(s, true, err) < 0)
		return -1;
	if (pod_net_network_delete_row(s, n->name, err) < 0) {
		pod_store_rollback(s);
		return -1;
	}
	if (pod_store_commit(s, err) < 0)
		return -1;
	{
		struct pod_event ev = { .type = "network", .status = "remove", .id = n->id,
					.network = n->name };
		pod_event_emit(s, &ev);
	}
	/* rules or a bridge left by a crash; the veths first, or it has ports */
	link_del_wait();
	cleanup_lock int lk = net_lock(s, err);
	if (lk < 0)
		return -1;
	cleanup_free char *tag = xasprintf("net:%s", n->id);
	if (pod_fw_tag_delete(tag, err) < 0 || pod_fw_table_drop_if_empty(err) < 0)
		return -1;
	if (STREQ(n->driver, "bridge")) {
		cleanup_nl struct pod_nl *nl = NULL;
		struct pod_err *e = NULL;
		if (pod_nl_open(-1, &nl, &e) == 0)
			(void) bridge_del_if_unused(nl, n->interface, &e);
		pod_err_free(&e);
	}
	return pod_dns_stop(s, n->name, err);
}

int
pod_net_reload(struct pod_store *s, char ***ret_ids, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = NULL;
	cleanup_strv char **ids = xcalloc(1, sizeof(char *));
	cleanup_strv char **nets = xcalloc(1, sizeof(char *));
	cleanup_nl struct pod_nl *host = NULL;
	int r;

	st = pod_store_prepare(s, "SELECT container_id, netns FROM net_sandboxes "
				  "ORDER BY container_id", err);
	if (!st)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ns = (const char *) sqlite3_column_text(st, 1);
		struct stat sb;
		if (ns && *ns && stat(ns, &sb) < 0)
			continue; /* dead: the next cleanup takes it */
		ids = pod_strv_push(ids, xstrdup((const char *) sqlite3_column_text(st, 0)));
	}
	if (r != SQLITE_DONE)
		return pod_store_sqlite_err(s, err, "listing network sandboxes");
	pod_stmt_finalizep(&st);
	st = pod_store_prepare(s, "SELECT DISTINCT network FROM net_endpoints ORDER BY network",
			       err);
	if (!st)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		nets = pod_strv_push(nets, xstrdup((const char *) sqlite3_column_text(st, 0)));
	pod_stmt_finalizep(&st);
	if (pod_nl_open(-1, &host, err) < 0)
		return -1;
	{
		cleanup_lock int lk = net_lock(s, err);
		if (lk < 0)
			return -1;
		for (size_t i = 0; nets[i]; i++) {
			cleanup_network struct pod_net_network *n = NULL;
			struct pod_err *e = NULL;
			if (pod_net_network_load(s, nets[i], &n, &e) < 0) {
				pod_err_free(&e);
				continue;
			}
			if (network_ensure(s, host, n, false, err) < 0)
				return -1;
		}
	}
	for (size_t i = 0; ids[i]; i++)
		if (container_rules(s, ids[i], err) < 0)
			return -1;
	if (ret_ids)
		*ret_ids = TAKE_PTR(ids);
	return 0;
}

int
pod_net_resolv_conf(struct pod_store *s, const char *container_id,
		    const char *const *dns_search, const char *const *dns_options, char **ret,
		    struct pod_err **err)
{
	__attribute__((cleanup(eps_release))) struct eps l = { 0 };
	cleanup_strv char **servers = xcalloc(1, sizeof(char *));
	cleanup_free char *out = NULL;
	size_t i;

	if (load_eps(s, container_id, NULL, &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		if (!l.v[i].dns)
			continue;
		if (l.v[i].gw4.family)
			servers = pod_strv_push(servers, pod_net_ip_strdup(&l.v[i].gw4));
		if (l.v[i].gw6.family)
			servers = pod_strv_push(servers, pod_net_ip_strdup(&l.v[i].gw6));
		cleanup_network struct pod_net_network *n = NULL;
		struct pod_err *e = NULL;
		if (pod_net_network_load(s, l.v[i].network, &n, &e) < 0) {
			pod_err_free(&e);
			continue;
		}
		size_t k;
		json_t *x;
		json_array_foreach(json_object_get(n->obj, "network_dns_servers"), k, x)
			if (json_is_string(x) && !pod_strv_contains(servers, json_string_value(x)))
				servers = pod_strv_push(servers, xstrdup(json_string_value(x)));
	}
	if (!servers[0]) {
		*ret = NULL;
		return 0;
	}
	cleanup_free char *search = xstrdup("search dns.podman");
	for (i = 0; dns_search && dns_search[i]; i++) {
		char *n = xasprintf("%s %s", search, dns_search[i]);
		free(search);
		search = n;
	}
	out = xasprintf("%s\n", search);
	for (i = 0; servers[i]; i++) {
		char *n = xasprintf("%snameserver %s\n", out, servers[i]);
		free(out);
		out = n;
	}
	if (dns_options && dns_options[0]) {
		char *n = xasprintf("%soptions", out);
		free(out);
		out = n;
		for (i = 0; dns_options[i]; i++) {
			n = xasprintf("%s %s", out, dns_options[i]);
			free(out);
			out = n;
		}
		n = xasprintf("%s\n", out);
		free(out);
		out = n;
	}
	*ret = TAKE_PTR(out);
	return 0;
}

int
pod_net_hosts_entries(struct pod_store *s, const char *container_id, char **ret,
		      struct pod_err **err)
{
	__attribute__((cleanup(eps_release))) struct eps l = { 0 };
	cleanup_json json_t *data = NULL;
	int r;

	r = load_sandbox(s, container_id, &data, NULL, err);
	if (r < 0)
		return -1;
	if (r == 0 || load_eps(s, container_id, NULL, &l, err) < 0 || l.n == 0) {
		if (r != 0 && *err)
			return -1;
		*ret = NULL;
		return 0;
	}
	const struct ep *e = &l.v[0];
	const struct pod_net_ip *ip = e->ip4.family ? &e->ip4 : &e->ip6;
	const char *name = json_string_value(json_object_get(data, "name"));
	const char *hostname = json_string_value(json_object_get(data, "hostname"));
	char buf[POD_NET_IP_STRLEN];

	pod_net_ip_str(ip, buf);
	if (hostname && *hostname && name && *name && !STREQ(hostname, name))
		*ret = xasprintf("%s\t%s %s\n", buf, hostname, name);
	else
		*ret = xasprintf("%s\t%s\n", buf, name && *name ? name : hostname ? hostname : "");
	return 0;
}
