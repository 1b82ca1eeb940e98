/* ctr_net.c - --network flags, the container's network namespace, lib/net at start/cleanup */
#include "runtime/ctr_net.h"
#include "runtime/ctr-internal.h"
#include "core/fs.h"
#include "core/id.h"
#include "core/json.h"
#include "core/log.h"
#include "net/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
	json_t *x;
	size_t i;

	json_array_foreach(a, i, x)
		if (json_is_string(x))
			v = pod_strv_push(v, xstrdup(json_string_value(x)));
	return v;
}

static const char *
sstr(json_t *s, const char *key)
{
	const char *v = json_string_value(json_object_get(s, key));
	return v && *v ? v : NULL;
}

static bool
is_ip(const char *s, int family)
{
	unsigned char buf[sizeof(struct in6_addr)];
	return inet_pton(family, s, buf) == 1;
}

static bool
is_mac(const char *s)
{
	unsigned v[6];
	char extra;

	return strlen(s) == 17 && sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2],
					 &v[3], &v[4], &v[5], &extra) == 6;
}

/* --- flags -> settings ------------------------------------------------- */

static int
bridge_only(const char *flag, struct pod_err **err)
{
	return pod_err_set(err, POD_E_INVALID, 0,
			   "%s can only be set when the network mode is bridge: invalid argument",
			   flag);
}

int
pod_ctr_net_settings(const struct pod_ctr_net_flags *f, json_t *s, struct pod_err **err)
{
	cleanup_(pod_net_mode_spec_release) struct pod_net_mode_spec spec = { 0 };
	bool bridge;

	if (pod_net_parse_mode((const char *const *) f->networks, &spec, err) < 0)
		return -1;
	bridge = spec.mode == POD_NET_MODE_DEFAULT || spec.mode == POD_NET_MODE_PRIVATE ||
		 spec.mode == POD_NET_MODE_BRIDGE;
	switch (spec.mode) {
	case POD_NET_MODE_NONE:
		json_object_set_new(s, "Network", json_string("none"));
		break;
	case POD_NET_MODE_HOST:
		json_object_set_new(s, "Network", json_string("host"));
		break;
	case POD_NET_MODE_NS:
	case POD_NET_MODE_CONTAINER: {
		cleanup_free char *m = xasprintf("%s:%s", spec.mode == POD_NET_MODE_NS ? "ns" :
							  "container", spec.arg);
		json_object_set_new(s, "Network", pod_json_string(m));
		break;
	}
	default:
		json_object_set_new(s, "Network", json_string("bridge"));
		if (spec.mode == POD_NET_MODE_BRIDGE)
			json_object_set_new(s, "Networks", strv_json(f->networks));
		break;
	}
	if (!bridge) {
		if (f->ip)
			return bridge_only("--ip", err);
		if (f->ip6)
			return bridge_only("--ip6", err);
		if (f->mac)
			return bridge_only("--mac-address", err);
		if (f->aliases && f->aliases[0])
			return bridge_only("--network-alias", err);
	} else if ((f->ip || f->ip6 || f->mac) && spec.n_networks > 1) {
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s can only be set for a single network: invalid argument",
				   f->ip ? "--ip" : f->ip6 ? "--ip6" : "--mac-address");
	}
	if (f->ip && !is_ip(f->ip, AF_INET))
		return pod_err_set(err, POD_E_INVALID, 0, "\"%s\" is not an ip address", f->ip);
	if (f->ip6 && !is_ip(f->ip6, AF_INET6))
		return pod_err_set(err, POD_E_INVALID, 0, "\"%s\" is not an ip address", f->ip6);
	if (f->mac && !is_mac(f->mac))
		return pod_err_set(err, POD_E_INVALID, 0, "address %s: invalid MAC address", f->mac);
	if (f->ip)
		json_object_set_new(s, "StaticIP", json_string(f->ip));
	if (f->ip6)
		json_object_set_new(s, "StaticIP6", json_string(f->ip6));
	if (f->mac)
		json_object_set_new(s, "StaticMAC", json_string(f->mac));
	if (f->aliases && f->aliases[0])
		json_object_set_new(s, "NetworkAliases", strv_json(f->aliases));

	if ((f->publish && f->publish[0]) || f->publish_all) {
		if (!bridge) {
			if (f->publish && f->publish[0] && !f->quiet_discard)
				pod_warn("Port mappings have been discarded as one of the Host, "
					 "Container, Pod, and None network modes are in use");
		} else {
			for (size_t i = 0; f->publish && f->publish[i]; i++) {
				struct pod_net_port p;
				if (pod_net_port_parse(f->publish[i], &p, err) < 0)
					return -1;
				pod_net_port_release(&p);
			}
			json_object_set_new(s, "PortMappings", strv_json(f->publish));
			json_object_set_new(s, "PublishAll", json_boolean(f->publish_all));
		}
	}
	if (spec.mode == POD_NET_MODE_NONE && (f->dns || f->dns_search || f->dns_option))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "conflicting options: dns and the network mode: none");
	if (f->no_hosts && f->add_host && f->add_host[0])
		return pod_err_set(err, POD_E_INVALID, 0,
				   "--no-hosts and --add-host cannot be set together");
	if (f->dns || f->dns_search || f->dns_option || f->add_host) {
		json_object_set_new(s, "Dns", strv_json(f->dns));
		json_object_set_new(s, "DnsSearch", strv_json(f->dns_search));
		json_object_set_new(s, "DnsOptions", strv_json(f->dns_option));
		json_object_set_new(s, "AddHosts", strv_json(f->add_host));
	}
	if (f->no_hosts)
		json_object_set_new(s, "NoHosts", json_true());
	return 0;
}

/* --- create: networks exist, host ports chosen ------------------------- */

static const char *
proto_name(unsigned bit)
{
	return bit == POD_NET_TCP ? "tcp" : bit == POD_NET_UDP ? "udp" : "sctp";
}

static unsigned
proto_bit(const char *s)
{
	return STREQ(s, "udp") ? POD_NET_UDP : STREQ(s, "sctp") ? POD_NET_SCTP : POD_NET_TCP;
}

/* can port be bound on host_ip ("" any) for the protocol? */
static bool
port_free(const char *host_ip, unsigned bit, unsigned port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl = sizeof(struct sockaddr_in);
	int type = bit == POD_NET_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int family = host_ip && strchr(host_ip, ':') ? AF_INET6 : AF_INET;
	cleanup_close int fd = -1;
	int one = 1;

	if (bit == POD_NET_SCTP)
		return true;
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *) &ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t) port);
		if (host_ip && *host_ip && inet_pton(AF_INET, host_ip, &sin->sin_addr) != 1)
			return false;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t) port);
		if (inet_pton(AF_INET6, host_ip, &sin6->sin6_addr) != 1)
			return false;
		sl = sizeof(*sin6);
	}
	fd = socket(family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	if (type == SOCK_STREAM)
		(void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	return bind(fd, (struct sockaddr *) &ss, sl) == 0;
}

static int
random_host_port(const char *host_ip, unsigned protocols, unsigned range, uint16_t *ret,
		 struct pod_err **err)
{
	for (int tries = 0; tries < 200; tries++) {
		uint32_t r = 0;
		bool ok = true;
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			return pod_err_sys(err, "getrandom");
		unsigned start = 32768 + r % (60999 - 32768 - range);
		for (unsigned k = 0; k < range && ok; k++)
			for (unsigned bit = 1; bit <= POD_NET_SCTP && ok; bit <<= 1)
				if ((protocols & bit) && !port_free(host_ip, bit, start + k))
					ok = false;
		if (ok) {
			*ret = (uint16_t) start;
			return 0;
		}
	}
	return pod_err_set(err, POD_E_GENERIC, 0, "failed to find a free random host port");
}

static bool
binding_has(json_t *b, unsigned cport, const char *proto)
{
	json_t *x;
	size_t i;

	json_array_foreach(b, i, x) {
		unsigned c = (unsigned) json_integer_value(json_object_get(x, "container_port"));
		unsigned r = (unsigned) json_integer_value(json_object_get(x, "range"));
		if (cport >= c && cport < c + (r ? r : 1) &&
		    STREQ(json_string_value(json_object_get(x, "protocol")), proto))
			return true;
	}
	return false;
}

static void
binding_add(json_t *b, const char *host_ip, unsigned cport, unsigned hport, unsigned range,
	    unsigned bit)
{
	json_array_append_new(b, json_pack("{s:s, s:i, s:i, s:i, s:s}", "host_ip",
					   host_ip ? host_ip : "", "container_port", (int) cport,
					   "host_port", (int) hport, "range", (int) range,
					   "protocol", proto_name(bit)));
}

int
pod_ctr_net_check(struct pod_engine *e, json_t *s, json_t *image_config, struct pod_err **err)
{
	json_t *bindings, *v;
	size_t i;

	if (!STREQ(sstr(s, "Network") ?: "", "bridge"))
		return 0;
	if (json_array_size(json_object_get(s, "Networks"))) {
		cleanup_(pod_net_mode_spec_release) struct pod_net_mode_spec spec = { 0 };
		cleanup_strv char **vals = json_strv(json_object_get(s, "Networks"));
		if (pod_net_parse_mode((const char *const *) vals, &spec, err) < 0)
			return -1;
		for (size_t k = 0; k < spec.n_networks; k++) {
			cleanup_json json_t *n = NULL;
			if (spec.networks[k].network &&
			    pod_net_inspect(e->store, spec.networks[k].network, &n, err) < 0)
				return -1;
		}
	}
	if (json_object_get(s, "PortBindings"))
		return 0;
	bindings = json_array();
	json_array_foreach(json_object_get(s, "PortMappings"), i, v) {
		struct pod_net_port p;
		if (pod_net_port_parse(json_string_value(v), &p, err) < 0) {
			json_decref(bindings);
			return -1;
		}
		for (unsigned bit = 1; bit <= POD_NET_SCTP; bit <<= 1) {
			uint16_t hp = p.host_port;
			if (!(p.protocols & bit))
				continue;
			if (!hp && random_host_port(p.host_ip, bit, p.range, &hp, err) < 0) {
				pod_net_port_release(&p);
				json_decref(bindings);
				return -1;
			}
			binding_add(bindings, p.host_ip, p.container_port, hp, p.range, bit);
		}
		pod_net_port_release(&p);
	}
	if (json_is_true(json_object_get(s, "PublishAll"))) {
		const char *key;
		json_object_foreach(json_object_get(image_config, "ExposedPorts"), key, v) {
			const char *slash = strchr(key, '/');
			const char *proto = slash ? slash + 1 : "tcp";
			int64_t port;
			uint16_t hp;
			cleanup_free char *num = slash ? xstrndup(key, (size_t) (slash - key)) :
							 xstrdup(key);
			if (!pod_parse_int64(num, &port) || port <= 0 || port > 65535 ||
			    binding_has(bindings, (unsigned) port, proto))
				continue;
			if (random_host_port(NULL, proto_bit(proto), 1, &hp, err) < 0) {
				json_decref(bindings);
				return -1;
			}
			binding_add(bindings, NULL, (unsigned) port, hp, 1, proto_bit(proto));
		}
	}
	json_object_set_new(s, "PortBindings", bindings);
	return 0;
}

/* --- the network namespace --------------------------------------------- */

char *
pod_ctr_netns_path(struct pod_engine *e, const char *id)
{
	return xasprintf("%s/netns/%s", e->runroot, id);
}

static void
lo_up(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		(void) ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
}

static void
netns_remove(const char *path)
{
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		pod_debug("unmounting %s: %s", path, strerror(errno));
	(void) unlink(path);
}

/* a new network namespace kept alive by a bind mount on path, loopback up */
static int
netns_create(const char *path, struct pod_err **err)
{
	cleanup_free char *dir = xstrdup(path);
	int fd, st;
	pid_t pid;

	*strrchr(dir, '/') = '\0';
	if (pod_mkdir_p(dir, 0700, err) < 0)
		return -1;
	netns_remove(path); /* a crash's leftover */
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return pod_err_sys(err, "creating %s", path);
	close(fd);
	pid = fork();
	if (pid < 0) {
		(void) unlink(path);
		return pod_err_sys(err, "fork");
	}
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		if (mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0)
			_exit(2);
		lo_up();
		_exit(0);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			netns_remove(path);
			return pod_err_sys(err, "waiting for the netns helper");
		}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		netns_remove(path);
		return pod_err_set(err, POD_E_GENERIC, 0, "creating network namespace %s: %s failed",
				   path, WIFEXITED(st) && WEXITSTATUS(st) == 1 ? "unshare" : "mount");
	}
	return 0;
}

/* --- start / cleanup ---------------------------------------------------- */

void
pod_ctr_net_release(struct pod_ctr_net *n)
{
	free(n->netns);
	free(n->hosts);
	pod_strv_free(n->nameservers);
	memset(n, 0, sizeof(*n));
}

static const char *
mode_of(const struct pod_ctr *c)
{
	const char *m = pod_ctr_setting_str(c, "Network");

	if (!m || !*m || STREQ(m, "private") || STREQ(m, "default"))
		return "bridge";
	return m;
}

const char *
pod_ctr_net_mode(const struct pod_ctr *c)
{
	return mode_of(c);
}

struct req_parts {
	struct pod_net_mode_spec spec;
	struct pod_net_port *ports;
	size_t n_ports;
	char **aliases;
};

static void
req_parts_release(struct req_parts *r)
{
	for (size_t i = 0; i < r->n_ports; i++)
		pod_net_port_release(&r->ports[i]);
	free(r->ports);
	pod_strv_free(r->aliases);
	pod_net_mode_spec_release(&r->spec);
}

/* the --network values in force: network connect/disconnect's (data) or create's */
static json_t *
networks_of(const struct pod_ctr *c)
{
	json_t *d = json_object_get(c->data, "Networks");

	return json_is_array(d) ? d : json_object_get(c->settings, "Networks");
}

static int
build_request(const struct pod_ctr *c, struct req_parts *p, struct pod_net_request *req,
	      struct pod_err **err)
{
	json_t *s = c->settings, *v;
	size_t i;

	if (json_array_size(networks_of(c))) {
		cleanup_strv char **vals = json_strv(networks_of(c));
		if (pod_net_parse_mode((const char *const *) vals, &p->spec, err) < 0)
			return -1;
	}
	if (p->spec.n_networks == 0) {
		p->spec.networks = xcalloc(1, sizeof(*p->spec.networks));
		p->spec.n_networks = 1;
	}
	/* the container-wide flags go to the first network, aliases to all */
	{
		struct pod_net_attach *a = &p->spec.networks[0];
		if (!a->static_ip && sstr(s, "StaticIP"))
			a->static_ip = xstrdup(sstr(s, "StaticIP"));
		if (!a->static_ip6 && sstr(s, "StaticIP6"))
			a->static_ip6 = xstrdup(sstr(s, "StaticIP6"));
		if (!a->static_mac && sstr(s, "StaticMAC"))
			a->static_mac = xstrdup(sstr(s, "StaticMAC"));
	}
	if (json_array_size(json_object_get(s, "NetworkAliases"))) {
		p->aliases = json_strv(json_object_get(s, "NetworkAliases"));
		for (i = 0; i < p->spec.n_networks; i++) {
			struct pod_net_attach *a = &p->spec.networks[i];
			char **merged = json_strv(json_object_get(s, "NetworkAliases"));
			for (size_t k = 0; a->aliases && a->aliases[k]; k++)
				merged = pod_strv_push(merged, xstrdup(a->aliases[k]));
			pod_strv_free((char **) a->aliases);
			a->aliases = (const char *const *) merged;
		}
	}
	p->ports = xcalloc(json_array_size(json_object_get(s, "PortBindings")) + 1,
			   sizeof(*p->ports));
	json_array_foreach(json_object_get(s, "PortBindings"), i, v) {
		const char *hip = json_string_value(json_object_get(v, "host_ip"));
		struct pod_net_port *x = &p->ports[p->n_ports++];
		x->host_ip = hip && *hip ? xstrdup(hip) : NULL;
		x->host_port = (uint16_t) json_integer_value(json_object_get(v, "host_port"));
		x->container_port = (uint16_t) json_integer_value(json_object_get(v, "container_port"));
		x->range = (uint16_t) json_integer_value(json_object_get(v, "range"));
		if (!x->range)
			x->range = 1;
		x->protocols = proto_bit(json_string_value(json_object_get(v, "protocol")) ?: "tcp");
	}
	req->networks = p->spec.networks;
	req->n_networks = p->spec.n_networks;
	req->ports = p->ports;
	req->n_ports = p->n_ports;
	return 0;
}

static char *
hostname_of(const struct pod_ctr *c)
{
	const char *h = pod_ctr_setting_str(c, "Hostname");
	char s[POD_ID_SHORT_LEN + 1];

	if (h && *h)
		return xstrdup(h);
	pod_id_short(c->id, s);
	return xstrdup(s);
}

int
pod_ctr_net_setup(struct pod_engine *e, struct pod_ctr *c, struct pod_ctr_net *ret,
		  struct pod_err **err)
{
	const char *mode = mode_of(c);
	struct pod_ctr_net n = { 0 };
	cleanup_free char *hostname = NULL;

	memset(ret, 0, sizeof(*ret));
	if (!STREQ(mode, "bridge") && !STREQ(mode, "none"))
		return 0;
	/* what a crash during an earlier start or run left behind */
	if (pod_ctr_net_teardown(e, c, err) < 0)
		return -1;
	hostname = hostname_of(c);
	if (STREQ(mode, "none")) {
		/* as Podman: the runtime makes the namespace, nothing to keep (SandboxKey "") */
		n.hosts = xasprintf("127.0.0.1\t%s %s\n", hostname, c->name);
		*ret = n;
		return 0;
	}
	n.netns = pod_ctr_netns_path(e, c->id);
	if (netns_create(n.netns, err) < 0) {
		pod_ctr_net_release(&n);
		return -1;
	}

	__attribute__((cleanup(req_parts_release))) struct req_parts parts = { 0 };
	struct pod_net_request req = { .container_name = c->name, .hostname = hostname };
	cleanup_json json_t *status = NULL;
	cleanup_free char *entry = NULL, *resolv = NULL;
	const char *gw;

	if (json_is_array(json_object_get(c->data, "Networks")) &&
	    json_array_size(json_object_get(c->data, "Networks")) == 0) {
		/* disconnected from every network: loopback only */
		n.hosts = xasprintf("127.0.0.1\t%s %s\n", hostname, c->name);
		*ret = n;
		return 0;
	}
	if (build_request(c, &parts, &req, err) < 0 ||
	    pod_net_setup(e->store, c->id, n.netns, &req, &status, err) < 0) {
		netns_remove(n.netns);
		pod_ctr_net_release(&n);
		return -1;
	}
	if (pod_net_hosts_entries(e->store, c->id, &entry, err) < 0 ||
	    pod_net_resolv_conf(e->store, c->id, NULL, NULL, &resolv, err) < 0) {
		struct pod_err *e2 = NULL;
		(void) pod_net_teardown(e->store, c->id, n.netns, &e2);
		pod_err_free(&e2);
		netns_remove(n.netns);
		pod_ctr_net_release(&n);
		return -1;
	}
	gw = json_string_value(json_object_get(status, "Gateway"));
	if (!gw || !*gw) {
		/* the top-level fields are the default network's only: take the first one's */
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(status, "Networks"), k, v) {
			gw = json_string_value(json_object_get(v, "Gateway"));
			if (gw && *gw)
				break;
		}
	}
	if (gw && *gw)
		n.hosts = xasprintf("%s\thost.containers.internal\n%s", gw, entry ? entry : "");
	else
		n.hosts = xstrdup(entry ? entry : "");
	n.nameservers = xcalloc(1, sizeof(char *));
	for (const char *p = resolv; p && *p;) {
		const char *nl = strchrnul(p, '\n');
		if (pod_str_has_prefix(p, "nameserver ")) {
			cleanup_free char *ns = xstrndup(p + 11, (size_t) (nl - p - 11));
			n.nameservers = pod_strv_push(n.nameservers, TAKE_PTR(ns));
		}
		p = *nl ? nl + 1 : NULL;
	}
	*ret = n;
	return 0;
}

int
pod_ctr_net_teardown(struct pod_engine *e, const struct pod_ctr *c, struct pod_err **err)
{
	cleanup_free char *path = pod_ctr_netns_path(e, c->id);
	cleanup_json json_t *status = NULL;
	struct pod_err *e2 = NULL;
	struct stat sb;
	bool have_ns = lstat(path, &sb) == 0;

	if (pod_net_status(e->store, c->id, &status, &e2) == 0 ||
	    (e2 && e2->kind != POD_E_NOTFOUND)) {
		pod_err_free(&e2);
		if (pod_net_teardown(e->store, c->id, have_ns ? path : NULL, err) < 0)
			return -1;
	}
	pod_err_free(&e2);
	if (have_ns)
		netns_remove(path);
	return 0;
}

/* --- records ------------------------------------------------------------ */

static json_t *
ports_map(json_t *bindings)
{
	json_t *m = json_object(), *v;
	size_t i;

	json_array_foreach(bindings, i, v) {
		const char *hip = json_string_value(json_object_get(v, "host_ip")) ?: "";
		const char *proto = json_string_value(json_object_get(v, "protocol")) ?: "tcp";
		unsigned c = (unsigned) json_integer_value(json_object_get(v, "container_port"));
		unsigned h = (unsigned) json_integer_value(json_object_get(v, "host_port"));
		unsigned r = (unsigned) json_integer_value(json_object_get(v, "range"));
		for (unsigned k = 0; k < (r ? r : 1); k++) {
			cleanup_free char *key = xasprintf("%u/%s", c + k, proto);
			cleanup_free char *hp = xasprintf("%u", h + k);
			json_t *arr = json_object_get(m, key);
			if (!arr) {
				arr = json_array();
				json_object_set_new(m, key, arr);
			}
			json_array_append_new(arr, json_pack("{s:s, s:s}", "HostIp", hip, "HostPort",
							     hp));
		}
	}
	return m;
}

static char **
network_names(const struct pod_ctr *c)
{
	char **v = xcalloc(1, sizeof(char *));
	cleanup_(pod_net_mode_spec_release) struct pod_net_mode_spec spec = { 0 };
	cleanup_strv char **vals = NULL;
	struct pod_err *e = NULL;

	if (!STREQ(mode_of(c), "bridge"))
		return v;
	vals = json_strv(networks_of(c));
	if (vals[0] && pod_net_parse_mode((const char *const *) vals, &spec, &e) < 0)
		pod_err_free(&e);
	for (size_t i = 0; i < spec.n_networks; i++)
		v = pod_strv_push(v, xstrdup(spec.networks[i].network ?: pod_net_default_name()));
	if (!v[0] && !json_is_array(json_object_get(c->data, "Networks")))
		v = pod_strv_push(v, xstrdup(pod_net_default_name()));
	return v;
}

json_t *
pod_ctr_net_inspect(struct pod_engine *e, const struct pod_ctr *c)
{
	json_t *st = NULL;
	struct pod_err *e2 = NULL;

	if (pod_net_status(e->store, c->id, &st, &e2) == 0 && json_is_object(st))
		return st;
	json_decref(st);
	pod_err_free(&e2);
	st = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:i, s:s, s:s, s:s, s:b, s:s, s:i, s:o, "
		       "s:s}",
		       "EndpointID", "", "Gateway", "", "IPAddress", "", "IPPrefixLen", 0,
		       "IPv6Gateway", "", "GlobalIPv6Address", "", "GlobalIPv6PrefixLen", 0,
		       "MacAddress", "", "Bridge", "", "SandboxID", "", "HairpinMode", 0,
		       "LinkLocalIPv6Address", "", "LinkLocalIPv6PrefixLen", 0, "Ports",
		       ports_map(json_object_get(c->settings, "PortBindings")), "SandboxKey", "");
	if (c->state == POD_CTR_RUNNING || c->state == POD_CTR_PAUSED) {
		cleanup_free char *ns = pod_ctr_netns_path(e, c->id);
		if (access(ns, F_OK) == 0)
			json_object_set_new(st, "SandboxKey", json_string(ns));
	}
	if (STREQ(mode_of(c), "bridge")) {
		cleanup_strv char **names = network_names(c);
		json_t *nets = json_object();
		char s[POD_ID_SHORT_LEN + 1];
		pod_id_short(c->id, s);
		for (size_t i = 0; names[i]; i++)
			json_object_set_new(
				nets, names[i],
				json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:i, s:s, s:s, s:n, s:n, "
					  "s:n, s:[s]}",
					  "EndpointID", "", "Gateway", "", "IPAddress", "",
					  "IPPrefixLen", 0, "IPv6Gateway", "", "GlobalIPv6Address", "",
					  "GlobalIPv6PrefixLen", 0, "MacAddress", "", "NetworkID",
					  names[i], "DriverOpts", "IPAMConfig", "Links", "Aliases", s));
		json_object_set_new(st, "Networks", nets);
	}
	return st;
}

json_t *
pod_ctr_net_port_bindings(struct pod_engine *e, const struct pod_ctr *c)
{
	(void) e;
	return ports_map(json_object_get(c->settings, "PortBindings"));
}

json_t *
pod_ctr_net_ps_ports(struct pod_engine *e, const struct pod_ctr *c)
{
	json_t *b = json_object_get(c->settings, "PortBindings");

	(void) e;
	return json_array_size(b) ? json_deep_copy(b) : json_null();
}

json_t *
pod_ctr_net_ps_networks(struct pod_engine *e, const struct pod_ctr *c)
{
	cleanup_strv char **names = network_names(c);

	(void) e;
	return strv_json(names);
}

char *
pod_ctr_net_ports_text(json_t *ports)
{
	char *out = xstrdup("");
	json_t *v;
	size_t i;

	json_array_foreach(ports, i, v) {
		const char *hip = json_string_value(json_object_get(v, "host_ip")) ?: "";
		const char *proto = json_string_value(json_object_get(v, "protocol")) ?: "tcp";
		unsigned c = (unsigned) json_integer_value(json_object_get(v, "container_port"));
		unsigned h = (unsigned) json_integer_value(json_object_get(v, "host_port"));
		unsigned r = (unsigned) json_integer_value(json_object_get(v, "range"));
		cleanup_free char *hp = NULL, *cp = NULL;
		char *n;
		if (r > 1) {
			hp = xasprintf("%u-%u", h, h + r - 1);
			cp = xasprintf("%u-%u", c, c + r - 1);
		} else {
			hp = xasprintf("%u", h);
			cp = xasprintf("%u", c);
		}
		n = xasprintf("%s%s%s%s%s:%s->%s/%s", out, *out ? ", " : "",
			      strchr(hip, ':') ? "[" : "", *hip ? hip : "0.0.0.0",
			      strchr(hip, ':') ? "]" : "", hp, cp, proto);
		free(out);
		out = n;
	}
	return out;
}

/* --- network connect / disconnect ---------------------------------------- */

/* "NAME[:ip=..,ip6=..,mac=..,alias=..,interface_name=..]" */
static char *
attach_value(const char *name, const struct pod_net_attach *a)
{
	char *out = xstrdup(name);
	char sep = ':';

#define ADD(key, val)                                                          \
	do {                                                                   \
		char *n_ = xasprintf("%s%c%s=%s", out, sep, key, val);         \
		free(out);                                                     \
		out = n_;                                                      \
		sep = ',';                                                     \
	} while (0)
	if (a->static_ip)
		ADD("ip", a->static_ip);
	if (a->static_ip6)
		ADD("ip6", a->static_ip6);
	if (a->static_mac)
		ADD("mac", a->static_mac);
	for (size_t i = 0; a->aliases && a->aliases[i]; i++)
		ADD("alias", a->aliases[i]);
	if (a->interface_name)
		ADD("interface_name", a->interface_name);
#undef ADD
	return out;
}

/* the container's networks, one value per network, with options */
static json_t *
network_values(const struct pod_ctr *c, struct pod_err **err)
{
	cleanup_(pod_net_mode_spec_release) struct pod_net_mode_spec spec = { 0 };
	cleanup_strv char **vals = json_strv(networks_of(c));
	json_t *out = json_array();

	if (vals[0] && pod_net_parse_mode((const char *const *) vals, &spec, err) < 0) {
		json_decref(out);
		return NULL;
	}
	if (!vals[0] && !json_is_array(json_object_get(c->data, "Networks")))
		json_array_append_new(out, json_string(pod_net_default_name()));
	for (size_t i = 0; i < spec.n_networks; i++) {
		cleanup_free char *v = attach_value(spec.networks[i].network ?:
						    pod_net_default_name(), &spec.networks[i]);
		json_array_append_new(out, pod_json_string(v));
	}
	return out;
}

static bool
value_is(json_t *v, const char *name)
{
	const char *s = json_string_value(v);
	size_t n = strlen(name);

	return s && strncmp(s, name, n) == 0 && (s[n] == '\0' || s[n] == ':');
}

static int
connect_locked(struct pod_engine *e, struct pod_ctr *c, const char *given,
	       const struct pod_net_attach *att, bool connect, struct pod_err **err)
{
	cleanup_json json_t *net = NULL, *vals = NULL;
	cleanup_free char *ns = pod_ctr_netns_path(e, c->id);
	const char *name;
	bool running = (c->state == POD_CTR_RUNNING || c->state == POD_CTR_PAUSED) &&
		       pod_ctr_process_alive(c) && access(ns, F_OK) == 0;
	bool found = false;
	json_t *v;
	size_t i;

	if (!STREQ(mode_of(c), "bridge"))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "container %s is not in bridge network mode (\"%s\"): it "
				   "cannot be connected to networks", c->id, mode_of(c));
	if (pod_net_inspect(e->store, att->network, &net, err) < 0)
		return -1;
	name = json_string_value(json_object_get(net, "name"));
	vals = network_values(c, err);
	if (!vals)
		return -1;
	json_array_foreach(vals, i, v)
		if (value_is(v, name)) {
			found = true;
			break;
		}
	if (connect && found)
		return pod_err_set(err, POD_E_EXISTS, 0,
				   "container %s is already connected to network \"%s\": network "
				   "is already connected", c->id, name);
	if (!connect && !found)
		return pod_err_set(err, POD_E_NOTFOUND, 0,
				   "container %s is not connected to network %s", given, name);
	if (connect) {
		struct pod_net_attach a = *att;
		cleanup_free char *val = NULL;
		a.network = name;
		if (running && pod_net_connect(e->store, c->id, ns, c->name, &a, err) < 0)
			return -1;
		val = attach_value(name, &a);
		json_array_append_new(vals, pod_json_string(val));
	} else {
		if (running && pod_net_disconnect(e->store, c->id, ns, name, err) < 0)
			return -1;
		json_array_remove(vals, i);
	}
	json_object_set(c->data, "Networks", vals);
	return pod_ctr_save(e, c, err);
}

static int
connect_common(struct pod_engine *e, const char *ctr, const struct pod_net_attach *att,
	       bool connect, struct pod_err **err)
{
	cleanup_ctr struct pod_ctr *c = NULL;
	cleanup_close int lock = -1;

	if (pod_ctr_lookup(e, ctr, &c, err) < 0)
		return -1;
	lock = pod_ctr_lock(e, c->id, err);
	if (lock < 0 || pod_ctr_reload(e, c, err) < 0)
		return -1;
	/* Podman names the container as given when it is not connected */
	return connect_locked(e, c, ctr, att, connect, err);
}

int
pod_ctr_net_connect(struct pod_engine *e, const char *ctr, const struct pod_net_attach *att,
		    struct pod_err **err)
{
	return connect_common(e, ctr, att, true, err);
}

int
pod_ctr_net_disconnect(struct pod_engine *e, const char *ctr, const char *network,
		       struct pod_err **err)
{
	struct pod_net_attach a = { .network = network };

	return connect_common(e, ctr, &a, false, err);
}
