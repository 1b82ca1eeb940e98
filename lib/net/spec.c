/* spec.c - parsing -p/--publish and --network values */
#include "net/internal.h"

#include <inttypes.h>

/* one port number, checked with Podman's words (Go's strconv.Atoi text included) */
static int
parse_port_number(const char *s, const char *what, uint16_t *ret, struct pod_err **err)
{
	const char *digits = s + (*s == '-' || *s == '+');
	int64_t n;

	if (!pod_parse_int64(s, &n)) {
		/* all digits, yet no number: too big for Go's int */
		bool big = *digits && strspn(digits, "0123456789") == strlen(digits);
		return pod_err_set(err, POD_E_INVALID, 0,
				   "parsing %s port: invalid port number: strconv.Atoi: parsing "
				   "\"%s\": %s", what, s, big ? "value out of range" : "invalid syntax");
	}
	if (n < 1 || n > 65535)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "parsing %s port: port numbers must be between 1 and 65535 "
				   "(inclusive), got %" PRId64, what, n);
	*ret = (uint16_t) n;
	return 0;
}

/* START[-END] as Podman parses it: END above START, both in 1..65535 */
static int
parse_port_range(const char *s, const char *what, uint16_t *ret_start, uint16_t *ret_len,
		 struct pod_err **err)
{
	const char *dash = strchr(s, '-');
	cleanup_free char *a = xstrndup(s, dash ? (size_t) (dash - s) : strlen(s));
	uint16_t lo, hi;

	if (dash && strchr(dash + 1, '-'))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "parsing %s port: invalid port format - port ranges are "
				   "formatted as startPort-stopPort", what);
	if (!*a)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "parsing %s port: port numbers cannot be negative", what);
	if (parse_port_number(a, what, &lo, err) < 0)
		return -1;
	hi = lo;
	if (dash) {
		if (!dash[1])
			return pod_err_set(err, POD_E_INVALID, 0,
					   "parsing %s port: must provide ending number for port "
					   "range", what);
		if (parse_port_number(dash + 1, what, &hi, err) < 0)
			return -1;
		if (hi <= lo)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "parsing %s port: the end port of a range must be higher "
					   "than the start port - %u is not higher than %u", what,
					   (unsigned) hi, (unsigned) lo);
	}
	*ret_start = lo;
	*ret_len = (uint16_t) (hi - lo + 1);
	return 0;
}

void
pod_net_port_release(struct pod_net_port *p)
{
	free(p->host_ip);
	p->host_ip = NULL;
}

int
pod_net_port_parse(const char *spec, struct pod_net_port *ret, struct pod_err **err)
{
	cleanup_free char *s = xstrdup(spec);
	cleanup_free char *host_ip = NULL;
	struct pod_net_port p = { 0 };
	char *proto, *rest, *last_colon;
	uint16_t hstart = 0, hlen = 0, cstart, clen;

	proto = strchr(s, '/');
	p.protocols = POD_NET_TCP;
	if (proto) {
		*proto++ = '\0';
		p.protocols = 0;
		cleanup_free char *list = xstrdup(proto);
		char *save = NULL;
		for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (STREQ(t, "tcp"))
				p.protocols |= POD_NET_TCP;
			else if (STREQ(t, "udp"))
				p.protocols |= POD_NET_UDP;
			else if (STREQ(t, "sctp"))
				p.protocols |= POD_NET_SCTP;
			else
				return pod_err_set(err, POD_E_INVALID, 0,
						   "unrecognized protocol \"%s\" in port mapping", t);
		}
		if (!p.protocols)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid port format \"%s\": no protocol", spec);
	}
	rest = s;
	if (rest[0] == '[') {
		char *close = strchr(rest, ']');
		if (!close || close[1] != ':')
			return pod_err_set(err, POD_E_INVALID, 0, "invalid IP address \"%s\"", spec);
		host_ip = xstrndup(rest + 1, (size_t) (close - rest - 1));
		rest = close + 2;
		last_colon = strchr(rest, ':');
		if (!last_colon)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid port format \"%s\": missing host port", spec);
		*last_colon = '\0';
		if (*rest && parse_port_range(rest, "host", &hstart, &hlen, err) < 0)
			return -1;
		rest = last_colon + 1;
	} else {
		char *c1 = strchr(rest, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2 && strchr(c2 + 1, ':'))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid port format \"%s\": too many colons (put IPv6 "
					   "addresses in brackets)", spec);
		if (c2) {
			host_ip = xstrndup(rest, (size_t) (c1 - rest));
			*c2 = '\0';
			if (c1[1] && parse_port_range(c1 + 1, "host", &hstart, &hlen, err) < 0)
				return -1;
			rest = c2 + 1;
		} else if (c1) {
			*c1 = '\0';
			if (parse_port_range(rest, "host", &hstart, &hlen, err) < 0)
				return -1;
			rest = c1 + 1;
		}
	}
	if (host_ip && *host_ip) {
		struct pod_net_ip ip;
		if (!pod_net_ip_parse(host_ip, &ip))
			return pod_err_set(err, POD_E_INVALID, 0, "invalid IP address \"%s\" in port mapping",
					   host_ip);
	}
	if (!*rest)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "must provide a non-empty container port to publish");
	if (parse_port_range(rest, "container", &cstart, &clen, err) < 0)
		return -1;
	if (hlen && hlen != clen)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "host and container port ranges have different lengths: %u vs %u",
				   (unsigned) hlen, (unsigned) clen);
	if ((uint32_t) cstart + clen - 1 > 65535 || (uint32_t) hstart + clen - 1 > 65535)
		return pod_err_set(err, POD_E_INVALID, 0, "port range exceeds 65535 in \"%s\"", spec);
	p.host_port = hstart;
	p.container_port = cstart;
	p.range = clen;
	p.host_ip = host_ip && *host_ip ? TAKE_PTR(host_ip) : NULL;
	*ret = p;
	return 0;
}

/* ---- --network ---- */

static void
attach_release(struct pod_net_attach *a)
{
	free((char *) a->network);
	free((char *) a->static_ip);
	free((char *) a->static_ip6);
	free((char *) a->static_mac);
	free((char *) a->interface_name);
	pod_strv_free((char **) a->aliases);
	memset(a, 0, sizeof(*a));
}

void
pod_net_mode_spec_release(struct pod_net_mode_spec *spec)
{
	for (size_t i = 0; i < spec->n_networks; i++)
		attach_release(&spec->networks[i]);
	free(spec->networks);
	free(spec->arg);
	memset(spec, 0, sizeof(*spec));
}

static struct pod_net_attach *
spec_add(struct pod_net_mode_spec *spec, const char *name)
{
	spec->networks = xrealloc(spec->networks, (spec->n_networks + 1) * sizeof(*spec->networks));
	struct pod_net_attach *a = &spec->networks[spec->n_networks++];
	memset(a, 0, sizeof(*a));
	a->network = STREQ(name, "bridge") ? NULL : xstrdup(name);
	return a;
}

static int
parse_attach_opts(struct pod_net_attach *a, const char *opts, struct pod_err **err)
{
	cleanup_free char *s = xstrdup(opts);
	char *save = NULL;

	for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '=');
		struct pod_net_ip ip;
		const char *net = a->network ? a->network : "bridge";
		/* Podman: "invalid option for network NAME: unknown bridge network option: K" */
		if (!eq)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid option for network %s: unknown bridge network "
					   "option: %s", net, t);
		*eq++ = '\0';
		if (STREQ(t, "ip") || STREQ(t, "ip6")) {
			if (!pod_net_ip_parse(eq, &ip))
				return pod_err_set(err, POD_E_INVALID, 0,
						   "invalid option for network %s: invalid ip address "
						   "\"%s\"", net, eq);
			if (ip.family == AF_INET) {
				free((char *) a->static_ip);
				a->static_ip = xstrdup(eq);
			} else {
				free((char *) a->static_ip6);
				a->static_ip6 = xstrdup(eq);
			}
		} else if (STREQ(t, "mac")) {
			free((char *) a->static_mac);
			a->static_mac = xstrdup(eq);
		} else if (STREQ(t, "alias")) {
			a->aliases = (const char *const *) pod_strv_push((char **) a->aliases,
									 xstrdup(eq));
		} else if (STREQ(t, "interface_name")) {
			free((char *) a->interface_name);
			a->interface_name = xstrdup(eq);
		} else {
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid option for network %s: unknown bridge network "
					   "option: %s", net, t);
		}
	}
	return 0;
}

int
pod_net_parse_mode(const char *const *values, struct pod_net_mode_spec *ret, struct pod_err **err)
{
	struct pod_net_mode_spec spec = { .mode = POD_NET_MODE_DEFAULT };
	size_t n = 0;

	for (; values && values[n]; n++) {
		const char *v = values[n];
		enum pod_net_mode m = POD_NET_MODE_BRIDGE;

		if (STREQ(v, "none"))
			m = POD_NET_MODE_NONE;
		else if (STREQ(v, "host"))
			m = POD_NET_MODE_HOST;
		else if (STREQ(v, "private"))
			m = POD_NET_MODE_PRIVATE;
		else if (pod_str_has_prefix(v, "ns:"))
			m = POD_NET_MODE_NS;
		else if (pod_str_has_prefix(v, "container:"))
			m = POD_NET_MODE_CONTAINER;
		else if (STREQ(v, "slirp4netns") || pod_str_has_prefix(v, "slirp4netns:") ||
			 STREQ(v, "pasta") || pod_str_has_prefix(v, "pasta:")) {
			pod_net_mode_spec_release(&spec);
			return pod_err_set(err, POD_E_INVALID, 0,
					   "network mode \"%s\" is only supported for rootless "
					   "containers", v);
		}
		if (m != POD_NET_MODE_BRIDGE && n > 0) {
			pod_net_mode_spec_release(&spec);
			return pod_err_set(err, POD_E_INVALID, 0,
					   "can only set extra network names, selected mode %s "
					   "conflicts with bridge", v);
		}
		if (m != POD_NET_MODE_BRIDGE && values[1]) {
			pod_net_mode_spec_release(&spec);
			return pod_err_set(err, POD_E_INVALID, 0,
					   "can only set extra network names, selected mode %s "
					   "conflicts with bridge", v);
		}
		if (m == POD_NET_MODE_NS || m == POD_NET_MODE_CONTAINER) {
			const char *arg = strchr(v, ':') + 1;
			if (!*arg)
				return pod_err_set(err, POD_E_INVALID, 0,
						   "invalid network mode \"%s\": missing %s", v,
						   m == POD_NET_MODE_NS ? "path" : "container");
			spec.arg = xstrdup(arg);
		}
		if (m != POD_NET_MODE_BRIDGE) {
			spec.mode = m;
			continue;
		}
		spec.mode = POD_NET_MODE_BRIDGE;
		const char *colon = strchr(v, ':');
		if (!*v || v[0] == ':' || v[0] == ',') {
			pod_net_mode_spec_release(&spec);
			return pod_err_set(err, POD_E_INVALID, 0, "invalid network \"%s\"", v);
		}
		if (colon) {
			cleanup_free char *name = xstrndup(v, (size_t) (colon - v));
			struct pod_net_attach *a = spec_add(&spec, name);
			if (parse_attach_opts(a, colon + 1, err) < 0) {
				pod_net_mode_spec_release(&spec);
				return -1;
			}
		} else {
			cleanup_free char *list = xstrdup(v);
			char *save = NULL;
			for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
				spec_add(&spec, t);
		}
	}
	for (size_t i = 0; i < spec.n_networks; i++)
		for (size_t j = 0; j < i; j++) {
			const char *a = spec.networks[i].network, *b = spec.networks[j].network;
			if ((!a && !b) || (a && b && STREQ(a, b))) {
				pod_err_set(err, POD_E_INVALID, 0, "network \"%s\" given more than once",
					    a ? a : "bridge");
				pod_net_mode_spec_release(&spec);
				return -1;
			}
		}
	*ret = spec;
	return 0;
}
