/*
 * ctr_net.h - a container's networking inside the engine: the --network
 * family of flags -> settings, and at start/cleanup the container's
 * network namespace and its attachment to networks (lib/net).
 *
 * Settings written by pod_ctr_net_settings() (see specgen.h):
 *   Network         the mode: "bridge" (the default and named networks),
 *                   "none", "host", "container:ID", "ns:PATH"
 *   Networks[]      the --network values (bridge mode with names/options)
 *   NetworkAliases[], StaticIP, StaticIP6, StaticMAC (the first network)
 *   PortMappings[]  the -p values; PublishAll (-P)
 *   Dns[], DnsSearch[], DnsOptions[], AddHosts[], NoHosts
 *
 * Lifecycle: pod_ctr_net_setup() runs at start before the runtime creates
 * the container: for "bridge" and "none" it makes a persistent network
 * namespace, $RUNROOT/netns/ID (a bind mount of an nsfs file, loopback
 * up), and for "bridge" attaches it through pod_net_setup().
 * pod_ctr_net_teardown() undoes it (idempotent, fine after a crash).
 * "container:" and "ns:" modes are joined by the spec; nothing here.
 *
 * Ownership: struct pod_ctr_net is the caller's; release with
 * pod_ctr_net_release().
 */
#ifndef POD_RUNTIME_CTR_NET_H
#define POD_RUNTIME_CTR_NET_H

#include "runtime/ctr.h"

struct pod_ctr_net_flags {
	char *const *networks;	/* --network, in order */
	char *const *aliases;	/* --network-alias */
	const char *ip, *ip6, *mac;
	char *const *publish;	/* -p */
	bool publish_all;	/* -P */
	char *const *dns, *const *dns_search, *const *dns_option, *const *add_host;
	bool no_hosts;
	bool quiet_discard;	/* the caller tells of -p discarded without a bridge */
};

/* checks the flags as Podman does and writes them into settings */
int pod_ctr_net_settings(const struct pod_ctr_net_flags *f, json_t *settings,
			 struct pod_err **err);

/*
 * At create: the named networks must exist (Podman's "network not found");
 * resolves PortMappings and PublishAll (the image's ExposedPorts) into
 * PortBindings [{host_ip, container_port, host_port, range, protocol}],
 * picking free random host ports for those without one, as Podman does.
 */
int pod_ctr_net_check(struct pod_engine *e, json_t *settings, json_t *image_config,
		      struct pod_err **err);

struct pod_ctr_net {
	char *netns;		/* the namespace file; NULL: none of ours (host, ...) */
	char *hosts;		/* /etc/hosts lines of the container's own addresses */
	char **nameservers;	/* DNS servers of dns-enabled networks (NULL-terminated) */
};

int pod_ctr_net_setup(struct pod_engine *e, struct pod_ctr *c, struct pod_ctr_net *ret,
		      struct pod_err **err);
void pod_ctr_net_release(struct pod_ctr_net *n);

/* detaches from networks, unmounts and removes the namespace file */
int pod_ctr_net_teardown(struct pod_engine *e, const struct pod_ctr *c, struct pod_err **err);

/*
 * network connect/disconnect: recorded in the container (data.Networks,
 * which then replaces Settings.Networks, so restarts keep it), and applied
 * to its namespace at once when it runs. att->network is a name or ID.
 * Podman's errors: POD_E_EXISTS already connected, POD_E_NOTFOUND not
 * connected, POD_E_INVALID not in bridge mode.
 */
struct pod_net_attach;
int pod_ctr_net_connect(struct pod_engine *e, const char *ctr, const struct pod_net_attach *att,
			struct pod_err **err);
int pod_ctr_net_disconnect(struct pod_engine *e, const char *ctr, const char *network,
			   struct pod_err **err);

/* $RUNROOT/netns/ID (malloc'd) */
char *pod_ctr_netns_path(struct pod_engine *e, const char *id);

/* the mode as inspect's HostConfig.NetworkMode says it */
const char *pod_ctr_net_mode(const struct pod_ctr *c);

/*
 * NetworkSettings for inspect: the live status when set up, else
 * Podman's empty shape with the configured networks and ports.
 */
json_t *pod_ctr_net_inspect(struct pod_engine *e, const struct pod_ctr *c);
/* inspect's HostConfig.PortBindings */
json_t *pod_ctr_net_port_bindings(struct pod_engine *e, const struct pod_ctr *c);
/* ps: the Ports array ([{host_ip, container_port, host_port, range, protocol}]) or null */
json_t *pod_ctr_net_ps_ports(struct pod_engine *e, const struct pod_ctr *c);
/* ps: the network names */
json_t *pod_ctr_net_ps_networks(struct pod_engine *e, const struct pod_ctr *c);
/* ps's PORTS text from a Ports array: "0.0.0.0:8080->80/tcp, ..." (malloc'd) */
char *pod_ctr_net_ports_text(json_t *ports);

#endif
