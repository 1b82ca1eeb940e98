/*
 * net.h - container networking as Podman 4 with netavark does it, for root:
 * bridge networks with database IPAM, nftables masquerade and port
 * forwarding in our own table, and a small DNS responder per network.
 *
 * Two users:
 *
 *  - the container engine calls pod_net_setup() once the container's
 *    network namespace exists (before the container process runs), and
 *    pod_net_teardown() when the container stops, is removed or is found
 *    dead after a crash;
 *  - pod-network manages network definitions (pod_net_create(), ...).
 *
 * Network modes. Only networks (bridge, macvlan) need anything from this
 * module. The other --network modes are the engine's business and need no
 * call here: "none" (a new netns with only loopback, which the engine
 * brings up), "host" (no new netns), "ns:PATH" (join PATH), "container:ID"
 * (join that container's netns), "private" (= the default network for
 * root). pod_net_parse_mode() parses the --network value for the engine.
 *
 * What setup does on the host, so nothing is left behind by teardown:
 *  - the bridge (podman0 for the default "podman" network, else the
 *    network's network_interface), its gateway address(es), up;
 *    net.ipv4.ip_forward=1 (and net.ipv6.conf.all.forwarding=1 for IPv6
 *    networks) are enabled and left enabled, as netavark does;
 *    net.ipv4.conf.BRIDGE.route_localnet=1 when a port is published on
 *    127.0.0.1;
 *  - one veth pair per network: the host end "vethXXXXXXXX" (random) on
 *    the bridge, the other end moved into the container's netns and named
 *    eth0, eth1, ... (or the requested interface name), with its address,
 *    MAC, MTU and a default route via the gateway (none on --internal
 *    networks);
 *  - rows in the database: the IP allocations, published host ports and
 *    the endpoint (what teardown needs, also after a crash);
 *  - nftables rules in "table inet podutils" only (never another table),
 *    tagged with comment "ctr:<container id>" (per container: DNAT of the
 *    published ports, masquerade of 127.0.0.1-sourced forwarded packets)
 *    and "net:<network id>" (per network: masquerade of the subnet leaving
 *    through other interfaces, forward accept; or, for --internal, drop
 *    of forwarded traffic leaving or entering the bridge);
 *  - for bridge networks with dns_enabled, a pod-dnsd process answering on
 *    the gateway address port 53 from $RUNROOT/net/dns/NETWORK.hosts
 *    (found beside the running executable, then in POD_LIBEXECDIR, then on
 *    PATH; $POD_DNSD overrides);
 *  - on --internal networks: no default route in the container and a drop
 *    of forwarded traffic between the bridge and other interfaces.
 * When the last container leaves a network, teardown also deletes the
 * bridge, the network's rules and stops its pod-dnsd.
 *
 * Concurrency: IP and port allocation happen in one BEGIN IMMEDIATE
 * transaction; host changes shared by several containers (bridge, network
 * rules, pod-dnsd) happen under the lock $RUNROOT/net/net.lock. Any number
 * of processes may set up containers at once.
 *
 * Ownership: the struct pod_net_* request types are the caller's (the
 * library borrows them); returned json_t and char * are the caller's.
 */
#ifndef POD_NET_NET_H
#define POD_NET_NET_H

#include <jansson.h>
#include <stdint.h>

#include "core/err.h"
#include "core/util.h"
#include "store/store.h"

/* ---- the --network value, for the engine ---- */

enum pod_net_mode {
	POD_NET_MODE_DEFAULT,	/* no --network: the default network (bridge) */
	POD_NET_MODE_BRIDGE,	/* "bridge" or network names: pod_net_setup() */
	POD_NET_MODE_NONE,	/* "none": new netns, loopback only */
	POD_NET_MODE_HOST,	/* "host": the host's netns */
	POD_NET_MODE_NS,	/* "ns:PATH": join PATH */
	POD_NET_MODE_CONTAINER,	/* "container:ID": join that container's netns */
	POD_NET_MODE_PRIVATE,	/* "private": as DEFAULT for root */
};

/* ---- port mappings ---- */

enum pod_net_proto {
	POD_NET_TCP = 1 << 0,
	POD_NET_UDP = 1 << 1,
	POD_NET_SCTP = 1 << 2,
};

struct pod_net_port {
	char *host_ip;		 /* NULL or "": every host address */
	uint16_t host_port;	 /* 0: pick a free one at setup */
	uint16_t container_port;
	uint16_t range;		 /* number of consecutive ports, >= 1 */
	unsigned protocols;	 /* enum pod_net_proto bits */
};

/*
 * Parses one -p/--publish value as Podman does:
 * [[ip:][hostPort]:]containerPort[/protocol], ports may be ranges
 * "8080-8082" (host and container ranges of equal length), protocol
 * tcp, udp, sctp or "tcp,udp"; IPv6 host addresses in brackets. Fills
 * *ret (release with pod_net_port_release()). POD_E_INVALID on junk.
 */
int pod_net_port_parse(const char *spec, struct pod_net_port *ret, struct pod_err **err);
void pod_net_port_release(struct pod_net_port *p);

/* ---- setup and teardown, for the engine ---- */

struct pod_net_attach {
	const char *network;	     /* name or ID; NULL: the default network */
	const char *static_ip;	     /* --ip (IPv4), NULL: allocate */
	const char *static_ip6;	     /* --ip6, NULL: allocate when the network has v6 */
	const char *static_mac;	     /* --mac-address, NULL: random */
	const char *const *aliases;  /* --network-alias, NULL-terminated or NULL */
	const char *interface_name;  /* NULL: eth0, eth1, ... by position */
};

struct pod_net_request {
	const char *container_name;  /* resolvable by DNS on dns_enabled networks */
	const char *hostname;	     /* also resolvable; NULL: none */
	const struct pod_net_attach *networks;
	size_t n_networks;	     /* 0: the default network */
	const struct pod_net_port *ports;
	size_t n_ports;
};

/*
 * The --network flags of a container, parsed as Podman 4 does. values are
 * the flags in order (NULL or empty: POD_NET_MODE_DEFAULT). The first
 * may be a mode: "none", "host", "bridge", "private", "ns:PATH",
 * "container:NAME"; otherwise (and for every later flag) a network name,
 * "NAME:ip=A,ip6=B,mac=M,alias=N,interface_name=I", or a comma-separated
 * list of names. "bridge" (alone or with options "bridge:ip=...") is the
 * default network. For BRIDGE, networks[] is ready for pod_net_request.
 * Only the networks mode may be given more than once. POD_E_INVALID on
 * junk. The spec owns every string; release with
 * pod_net_mode_spec_release().
 */
struct pod_net_mode_spec {
	enum pod_net_mode mode;
	char *arg;				/* PATH for ns:, NAME for container: */
	struct pod_net_attach *networks;	/* for BRIDGE */
	size_t n_networks;
};

int pod_net_parse_mode(const char *const *values, struct pod_net_mode_spec *ret,
		       struct pod_err **err);
void pod_net_mode_spec_release(struct pod_net_mode_spec *spec);

/*
 * Connects the container whose network namespace is netns_path
 * (/proc/PID/ns/net or a bind-mounted netns file) to the requested
 * networks and publishes its ports. Ports are checked first (bound on the
 * host by something else, or published by another container: Podman's
 * `cannot listen on the TCP port: listen tcp4 :8080: bind: address already
 * in use`, POD_E_INUSE) before anything is created. Every failure undoes
 * what was done. A container that is already set up is an error
 * (POD_E_EXISTS): tear it down first.
 *
 * *ret_status is Podman's NetworkSettings for inspect:
 *   {"EndpointID":"", "Gateway", "IPAddress", "IPPrefixLen", "IPv6Gateway",
 *    "GlobalIPv6Address", "GlobalIPv6PrefixLen", "MacAddress", "Bridge":"",
 *    "SandboxID":"", "HairpinMode":false, "LinkLocalIPv6Address":"",
 *    "LinkLocalIPv6PrefixLen":0,
 *    "Ports": {"80/tcp": [{"HostIp":"", "HostPort":"8080"}], ...},
 *    "SandboxKey": netns_path,
 *    "Networks": {"NAME": {"EndpointID":"", "Gateway", "IPAddress",
 *        "IPPrefixLen", "IPv6Gateway", "GlobalIPv6Address",
 *        "GlobalIPv6PrefixLen", "MacAddress", "NetworkID": NAME (Podman 4
 *        puts the name there), "DriverOpts":null, "IPAMConfig":null,
 *        "Links":null, "Aliases":[...]}}}
 * The top-level address fields are filled only when the one network is the
 * default (as Podman), empty otherwise. The same
 * object is kept in the database: pod_net_status() returns it later.
 */
int pod_net_setup(struct pod_store *s, const char *container_id, const char *netns_path,
		  const struct pod_net_request *req, json_t **ret_status, struct pod_err **err);

/*
 * Undoes pod_net_setup() for container_id: the veths (the container ends
 * through netns_path when given and still there; the host ends by name in
 * any case, which also removes the peers), its nft rules, IP and port
 * allocations, DNS entries; and the bridge, network rules and pod-dnsd of
 * networks it was the last container on. Idempotent: a container that is
 * not set up is success; a netns that is gone (crash) is fine, netns_path
 * may be NULL.
 */
int pod_net_teardown(struct pod_store *s, const char *container_id, const char *netns_path,
		     struct pod_err **err);

/*
 * The NetworkSettings object of a set-up container (see pod_net_setup()),
 * or POD_E_NOTFOUND when it is not set up.
 */
int pod_net_status(struct pod_store *s, const char *container_id, json_t **ret_status,
		   struct pod_err **err);

/*
 * Text for the container's /etc/resolv.conf, or NULL (and success) when
 * the engine should write its usual one (from the host's, --dns, ...).
 * For a container on a dns_enabled network: "search dns.podman
 * [dns_search...]\nnameserver GATEWAY\n" for each such network's gateway,
 * followed by the --dns servers of the networks (network create --dns) and
 * "options" lines from dns_options; the engine appends its own --dns,
 * --dns-search and --dns-option on top. Call after pod_net_setup().
 */
int pod_net_resolv_conf(struct pod_store *s, const char *container_id,
			const char *const *dns_search, const char *const *dns_options,
			char **ret, struct pod_err **err);

/*
 * Extra /etc/hosts lines for a set-up container: "IP\tHOSTNAME NAME\n"
 * (or "IP\tNAME\n") for its own address on its first network, as Podman
 * adds. NULL when not set up.
 */
int pod_net_hosts_entries(struct pod_store *s, const char *container_id, char **ret,
			  struct pod_err **err);

/*
 * Re-creates the nft rules of every network and set-up container whose
 * netns still exists (after someone flushed or deleted our table), and
 * restarts pod-dnsd where needed. Container IDs that were reloaded are
 * returned in *ret_ids (may be NULL).
 */
int pod_net_reload(struct pod_store *s, char ***ret_ids, struct pod_err **err);

/*
 * network connect/disconnect for a running container whose netns is
 * netns_path: adds (removes) one network's veth, address, rules and DNS
 * names. connect of a network the container is on: POD_E_EXISTS
 * (Podman: `container X is already connected to network "N"`);
 * disconnect of one it is not on: POD_E_NOTFOUND.
 */
int pod_net_connect(struct pod_store *s, const char *container_id, const char *netns_path,
		    const char *container_name, const struct pod_net_attach *att,
		    struct pod_err **err);
int pod_net_disconnect(struct pod_store *s, const char *container_id, const char *netns_path,
		       const char *network, struct pod_err **err);

/* container IDs set up on a network (name or ID), NULL-terminated */
int pod_net_network_users(struct pod_store *s, const char *network, char ***ret_ids,
			  struct pod_err **err);

/* ---- network definitions, for pod-network ---- */

struct pod_net_create_opts {
	const char *name;		/* NULL: next free "podmanN" */
	const char *driver;		/* NULL: "bridge"; or "macvlan" */
	const char *const *subnets;	/* --subnet, NULL-terminated or NULL */
	const char *const *gateways;	/* --gateway, matched to subnets by position */
	const char *const *ip_ranges;	/* --ip-range, matched to subnets by position */
	const char *const *options;	/* -o KEY=VALUE: mtu, parent, mode, isolate,
					 * com.docker.network.bridge.name */
	const char *const *labels;	/* --label KEY[=VALUE] */
	const char *const *dns_servers;	/* --dns */
	const char *interface_name;	/* --interface-name */
	bool internal;
	bool disable_dns;
	bool ipv6;
	bool ignore;			/* --ignore: an existing name is success */
};

/*
 * Creates a network definition (no host changes until a container joins),
 * with Podman's rules: names [a-zA-Z0-9][a-zA-Z0-9_.-]*, the bridge name
 * podmanN with the lowest free N, the first free subnet of
 * default_subnet_pools when none is given (plus a free fd00::/64 ULA with
 * --ipv6), the gateway the subnet's first address, subnets not
 * overlapping other networks or the host's routes. *ret_network is the
 * inspect object (as pod_net_inspect()).
 */
int pod_net_create(struct pod_store *s, const struct pod_net_create_opts *o,
		   json_t **ret_network, struct pod_err **err);

/*
 * Podman 4's network inspect object for a network name, ID or unique ID
 * prefix: {"name", "id", "driver", "network_interface", "created",
 * "subnets":[{"subnet","gateway","lease_range":{"start_ip","end_ip"}}],
 * "ipv6_enabled", "internal", "dns_enabled", "labels", "options",
 * "ipam_options":{"driver":"host-local"}}. The default network is
 * created in the database on first use. POD_E_NOTFOUND:
 * `unable to find network with name or ID NAME: network not found`.
 */
int pod_net_inspect(struct pod_store *s, const char *name_or_id, json_t **ret,
		    struct pod_err **err);

/* all networks' inspect objects, sorted by name (the default one included) */
int pod_net_list(struct pod_store *s, json_t **ret_array, struct pod_err **err);

/*
 * Removes a network definition. The default network cannot be removed
 * (`default network podman cannot be removed`, POD_E_INVALID). With
 * containers on it: POD_E_INUSE (`"NAME" has associated containers with
 * it. Use -f to forcibly delete containers and pods: network is being
 * used`) unless force, which tears down those containers' attachments to
 * it (pod_net_disconnect(); the containers themselves are the engine's).
 */
int pod_net_remove(struct pod_store *s, const char *name_or_id, bool force, struct pod_err **err);

/* the default network's name (containers.conf default_network) */
const char *pod_net_default_name(void);

#endif
