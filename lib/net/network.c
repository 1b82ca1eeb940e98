/*
 * network.c - network definitions: the networks table holds Podman's
 * inspect object in its data column; the default network is created on
 * first use.
 */
#include "net/internal.h"

#include "config/config.h"
#include "core/fs.h"
#include "core/id.h"
#include "core/json.h"
#include "core/sha256.h"
#include "store/events.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_NETWORK "podman"
#define DEFAULT_SUBNET "10.88.0.0/16"

static struct pod_config *net_config;

static const struct pod_config *
config(void)
{
	if (!net_config) {
		struct pod_err *e = NULL;
		struct pod_config_dirs d;
		if (pod_config_load(&net_config, &e) < 0) {
			/* a broken containers.conf is reported by the tools; use the defaults */
			pod_err_free(&e);
			pod_config_dirs_default(&d);
			net_config = pod_config_new_default(&d);
		}
	}
	return net_config;
}

const char *
pod_net_default_name(void)
{
	const char *n = config()->default_network;

	return n && *n ? n : DEFAULT_NETWORK;
}

static const char *
default_subnet(void)
{
	const char *n = config()->default_subnet;

	return n && *n ? n : DEFAULT_SUBNET;
}

char *
pod_net_rundir(struct pod_store *s, struct pod_err **err)
{
	char *dir = pod_path_join(pod_store_paths(s)->runroot, "net");

	if (pod_mkdir_p(dir, 0700, err) < 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* Go's time.RFC3339Nano in local time: fraction without trailing zeros */
static char *
rfc3339nano(int64_t ns)
{
	time_t sec = (time_t) (ns / 1000000000);
	long frac = (long) (ns % 1000000000);
	struct tm tm;
	char date[64], fbuf[16] = "", zone[48];

	localtime_r(&sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac) {
		snprintf(fbuf, sizeof(fbuf), ".%09ld", frac);
		size_t l = strlen(fbuf);
		while (fbuf[l - 1] == '0')
			fbuf[--l] = '\0';
	}
	if (tm.tm_gmtoff == 0) {
		snprintf(zone, sizeof(zone), "Z");
	} else {
		long off = tm.tm_gmtoff;
		char sign = off < 0 ? '-' : '+';
		if (off < 0)
			off = -off;
		snprintf(zone, sizeof(zone), "%c%02ld:%02ld", sign, off / 3600, (off / 60) % 60);
	}
	return xasprintf("%s%s%s", date, fbuf, zone);
}

static void
sha256_hex(const char *s, char ret[POD_ID_LEN + 1])
{
	pod_sha256_hex(s, strlen(s), ret);
}

/* ---- the object ---- */

struct pod_net_network *
pod_net_network_free(struct pod_net_network *n)
{
	if (!n)
		return NULL;
	free(n->name);
	free(n->id);
	free(n->driver);
	free(n->interface);
	free(n->subnets);
	free(n->macvlan_mode);
	json_decref(n->obj);
	free(n);
	return NULL;
}

void
pod_net_network_freep(struct pod_net_network **n)
{
	*n = pod_net_network_free(*n);
}

const struct pod_net_subnet *
pod_net_network_subnet(const struct pod_net_network *n, int family)
{
	for (size_t i = 0; i < n->n_subnets; i++)
		if (n->subnets[i].cidr.ip.family == family)
			return &n->subnets[i];
	return NULL;
}

static bool
parse_bool_opt(const char *v, bool *ret)
{
	if (STREQ(v, "true") || STREQ(v, "1") || STREQ(v, "t") || STREQ(v, "TRUE") ||
	    STREQ(v, "True") || STREQ(v, "T")) {
		*ret = true;
		return true;
	}
	if (STREQ(v, "false") || STREQ(v, "0") || STREQ(v, "f") || STREQ(v, "FALSE") ||
	    STREQ(v, "False") || STREQ(v, "F")) {
		*ret = false;
		return true;
	}
	return false;
}

int
pod_net_network_from_json(json_t *obj, struct pod_net_network **ret, struct pod_err **err)
{
	cleanup_network struct pod_net_network *n = xcalloc(1, sizeof(*n));
	const char *name = NULL, *id = NULL, *driver = NULL, *iface = NULL;
	json_t *subnets = NULL, *options = NULL;
	int ipv6 = 0, internal = 0, dns = 0;
	json_error_t je;

	if (json_unpack_ex(obj, &je, 0, "{s:s, s:s, s:s, s?s, s?o, s:b, s:b, s:b, s?o}", "name",
			   &name, "id", &id, "driver", &driver, "network_interface", &iface,
			   "subnets", &subnets, "ipv6_enabled", &ipv6, "internal", &internal,
			   "dns_enabled", &dns, "options", &options) < 0)
		return pod_err_set(err, POD_E_GENERIC, 0, "invalid network definition: %s", je.text);
	n->name = xstrdup(name);
	n->id = xstrdup(id);
	n->driver = xstrdup(driver);
	n->interface = xstrdup(iface ? iface : "");
	n->ipv6 = ipv6;
	n->internal = internal;
	n->dns = dns;
	size_t i;
	json_t *sj;
	n->subnets = xcalloc(json_array_size(subnets) + 1, sizeof(*n->subnets));
	json_array_foreach(subnets, i, sj) {
		struct pod_net_subnet *sub = &n->subnets[n->n_subnets];
		const char *cidr = NULL, *gw = NULL, *start = NULL, *end = NULL;
		if (json_unpack_ex(sj, &je, 0, "{s:s, s?s, s?{s:s, s:s}}", "subnet", &cidr, "gateway",
				   &gw, "lease_range", "start_ip", &start, "end_ip", &end) < 0 ||
		    !pod_net_cidr_parse(cidr, false, &sub->cidr))
			return pod_err_set(err, POD_E_GENERIC, 0,
					   "invalid subnet in network definition %s", name);
		if (gw && !pod_net_ip_parse(gw, &sub->gateway))
			return pod_err_set(err, POD_E_GENERIC, 0, "invalid gateway in network %s", name);
		if (start) {
			if (!pod_net_ip_parse(start, &sub->range_start) ||
			    !pod_net_ip_parse(end, &sub->range_end))
				return pod_err_set(err, POD_E_GENERIC, 0,
						   "invalid lease range in network %s", name);
			sub->has_range = true;
		}
		n->n_subnets++;
	}
	const char *k;
	json_t *v;
	json_object_foreach(options, k, v) {
		const char *sv = json_string_value(v);
		if (!sv)
			continue;
		if (STREQ(k, "mtu")) {
			int64_t m;
			if (pod_parse_int64(sv, &m) && m > 0 && m < 65536)
				n->mtu = (int) m;
		} else if (STREQ(k, "isolate")) {
			(void) parse_bool_opt(sv, &n->isolate);
		} else if (STREQ(k, "mode")) {
			n->macvlan_mode = xstrdup(sv);
		}
	}
	n->obj = json_incref(obj);
	*ret = TAKE_PTR(n);
	return 0;
}

static json_t *
subnet_json(const struct pod_net_subnet *sub)
{
	cleanup_free char *cidr = pod_net_cidr_strdup(&sub->cidr);
	char gw[POD_NET_IP_STRLEN];
	json_t *o;

	pod_net_ip_str(&sub->gateway, gw);
	o = json_pack("{s:s}", "subnet", cidr);
	if (sub->gateway.family)
		json_object_set_new(o, "gateway", json_string(gw));
	if (sub->has_range) {
		char a[POD_NET_IP_STRLEN], b[POD_NET_IP_STRLEN];
		pod_net_ip_str(&sub->range_start, a);
		pod_net_ip_str(&sub->range_end, b);
		json_object_set_new(o, "lease_range", json_pack("{s:s, s:s}", "start_ip", a,
								 "end_ip", b));
	}
	return o;
}

/* ---- reading ---- */

static int
row_to_object(sqlite3_stmt *st, json_t **ret, struct pod_err **err)
{
	const char *data = (const char *) sqlite3_column_text(st, 0);
	json_error_t je;
	json_t *o = json_loads(data ? data : "", JSON_REJECT_DUPLICATES, &je);

	if (!o || !json_is_object(o)) {
		json_decref(o);
		return pod_err_set(err, POD_E_GENERIC, 0, "corrupt network record: %s", je.text);
	}
	*ret = o;
	return 0;
}

static int
insert_network(struct pod_store *s, json_t *obj, int64_t created, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = NULL;
	cleanup_free char *data = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);

	st = pod_store_prepare(s, "INSERT INTO networks(name, id, driver, created, data) "
				  "VALUES(?, ?, ?, ?, ?)", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, json_string_value(json_object_get(obj, "name")), -1,
			  SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, json_string_value(json_object_get(obj, "id")), -1,
			  SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, json_string_value(json_object_get(obj, "driver")), -1,
			  SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, created);
	sqlite3_bind_text(st, 5, data, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		return pod_store_sqlite_err(s, err, "adding network %s",
					    json_string_value(json_object_get(obj, "name")));
	return 0;
}

static json_t *
default_network_object(int64_t created)
{
	char id[POD_ID_LEN + 1];
	struct pod_net_subnet sub = { 0 };
	cleanup_free char *ts = rfc3339nano(created);

	sha256_hex(pod_net_default_name(), id);
	if (!pod_net_cidr_parse(default_subnet(), true, &sub.cidr))
		(void) pod_net_cidr_parse(DEFAULT_SUBNET, true, &sub.cidr);
	pod_net_cidr_first(&sub.cidr, &sub.gateway);
	(void) pod_net_ip_add(&sub.gateway, 1);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:[o], s:b, s:b, s:b, s:{s:s}}", "name",
			 pod_net_default_name(), "id", id, "driver", "bridge", "network_interface",
			 "podman0", "created", ts, "subnets", subnet_json(&sub), "ipv6_enabled",
			 sub.cidr.ip.family == AF_INET6, "internal", false, "dns_enabled", false,
			 "ipam_options", "driver", "host-local");
}

/* adds the default network's row when missing (read-only stores: nothing) */
static int
ensure_default(struct pod_store *s, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = NULL;
	bool own_tx = false;

	if (pod_store_is_readonly(s))
		return 0;
	st = pod_store_prepare(s, "SELECT 1 FROM networks WHERE name = ?", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, pod_net_default_name(), -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		return 0;
	pod_stmt_finalizep(&st);
	if (!pod_store_in_transaction(s)) {
		if (pod_store_begin(s, true, err) < 0)
			return -1;
		own_tx = true;
	}
	int64_t now = pod_now_ns();
	cleanup_json json_t *o = default_network_object(now);
	struct pod_err *e = NULL;
	if (insert_network(s, o, now, &e) < 0) {
		if (e->kind != POD_E_EXISTS) {
			if (own_tx)
				pod_store_rollback(s);
			*err = e;
			return -1;
		}
		pod_err_free(&e);
	}
	if (own_tx)
		return pod_store_commit(s, err);
	return 0;
}

static int
lookup_object(struct pod_store *s, const char *name_or_id, json_t **ret, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = NULL;
	int r;

	if (ensure_default(s, err) < 0)
		return -1;
	st = pod_store_prepare(s, "SELECT data FROM networks WHERE name = ?1 OR id = ?1", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name_or_id, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		return row_to_object(st, ret, err);
	pod_stmt_finalizep(&st);
	if (!pod_id_is_prefix(name_or_id))
		goto notfound;
	st = pod_store_prepare(s, "SELECT data FROM networks WHERE substr(id, 1, length(?1)) = ?1",
			       err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name_or_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto notfound;
	json_t *o = NULL;
	if (row_to_object(st, &o, err) < 0)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		json_decref(o);
		return pod_err_set(err, POD_E_INVALID, 0,
				   "more than one result for network ID %s: network already exists",
				   name_or_id);
	}
	*ret = o;
	return 0;
notfound:
	return pod_err_set(err, POD_E_NOTFOUND, 0,
			   "unable to find network with name or ID %s: network not found",
			   name_or_id);
}

int
pod_net_inspect(struct pod_store *s, const char *name_or_id, json_t **ret, struct pod_err **err)
{
	json_t *o = NULL;

	if (lookup_object(s, name_or_id, &o, err) < 0)
		return -1;
	/* Podman shows the default network as created now: it has no file */
	if (STREQ(json_string_value(json_object_get(o, "name")), pod_net_default_name())) {
		cleanup_free char *ts = rfc3339nano(pod_now_ns());
		json_object_set_new(o, "created", json_string(ts));
	}
	*ret = o;
	return 0;
}

int
pod_net_network_load(struct pod_store *s, const char *name_or_id, struct pod_net_network **ret,
		     struct pod_err **err)
{
	cleanup_json json_t *o = NULL;

	if (!name_or_id)
		name_or_id = pod_net_default_name();
	if (lookup_object(s, name_or_id, &o, err) < 0)
		return -1;
	return pod_net_network_from_json(o, ret, err);
}

int
pod_net_list(struct pod_store *s, json_t **ret_array, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = NULL;
	cleanup_json json_t *arr = json_array();
	int r;

	if (ensure_default(s, err) < 0)
		return -1;
	st = pod_store_prepare(s, "SELECT data FROM networks ORDER BY name", err);
	if (!st)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = NULL;
		if (row_to_object(st, &o, err) < 0)
			return -1;
		if (STREQ(json_string_value(json_object_get(o, "name")), pod_net_default_name())) {
			cleanup_free char *ts = rfc3339nano(pod_now_ns());
			json_object_set_new(o, "created", json_string(ts));
		}
		json_array_append_new(arr, o);
	}
	if (r != SQLITE_DONE)
		return pod_store_sqlite_err(s, err, "listing networks");
	if (pod_store_is_memory(s) && json_array_size(arr) == 0)
		json_array_append_new(arr, default_network_object(pod_now_ns()));
	*ret_array = TAKE_PTR(arr);
	return 0;
}

/* ---- creating ---- */

static bool
valid_name(const char *n)
{
	if (!n || !*n || !((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z') ||
			   (n[0] >= '0' && n[0] <= '9')))
		return false;
	for (const char *p = n; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
			return false;
	return true;
}

struct used {
	struct pod_net_cidr *subnets;
	size_t n_subnets;
	char **names;	   /* network names */
	char **ifaces;	   /* network interfaces */
};

static void
used_release(struct used *u)
{
	free(u->subnets);
	pod_strv_free(u->names);
	pod_strv_free(u->ifaces);
}

static void
used_add_subnet(struct used *u, const struct pod_net_cidr *c)
{
	u->subnets = xrealloc(u->subnets, (u->n_subnets + 1) * sizeof(*u->subnets));
	u->subnets[u->n_subnets++] = *c;
}

static int
collect_used(struct pod_store *s, struct used *u, struct pod_err **err)
{
	cleanup_json json_t *all = NULL;
	size_t i;
	json_t *o;

	if (pod_net_list(s, &all, err) < 0)
		return -1;
	json_array_foreach(all, i, o) {
		cleanup_network struct pod_net_network *n = NULL;
		if (pod_net_network_from_json(o, &n, err) < 0)
			return -1;
		u->names = pod_strv_push(u->names, xstrdup(n->name));
		if (STREQ(n->driver, "bridge"))
			u->ifaces = pod_strv_push(u->ifaces, xstrdup(n->interface));
		for (size_t j = 0; j < n->n_subnets; j++)
			used_add_subnet(u, &n->subnets[j].cidr);
	}
	/* the host's own routes: a subnet there would shadow or be shadowed */
	cleanup_nl struct pod_nl *nl = NULL;
	struct pod_net_cidr *routes = NULL;
	size_t nr = 0;
	struct pod_err *e = NULL;
	if (pod_nl_open(-1, &nl, &e) < 0 || pod_nl_host_routes(nl, &routes, &nr, &e) < 0) {
		/* without netlink (a restricted sandbox) only the networks count */
		pod_err_free(&e);
		return 0;
	}
	for (size_t j = 0; j < nr; j++)
		used_add_subnet(u, &routes[j]);
	free(routes);
	return 0;
}

static bool
subnet_free(const struct used *u, const struct pod_net_cidr *c)
{
	for (size_t i = 0; i < u->n_subnets; i++)
		if (pod_net_cidr_overlaps(&u->subnets[i], c))
			return false;
	return true;
}

/*
 * Whether a candidate's gateway (its first host address) is already an
 * address of this host: bind succeeds only for a local address. Another
 * engine's bridge that is down, or a DNS server still listening there,
 * leaves no route, but the address would clash all the same.
 */
static bool
gateway_local(const struct pod_net_cidr *c)
{
	struct pod_net_ip gw;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool local;

	if (fd < 0)
		return false;
	pod_net_cidr_first(c, &gw);
	gw.a[3] |= 1;
	memcpy(&sa.sin_addr, gw.a, 4);
	local = bind(fd, (struct sockaddr *) &sa, sizeof(sa)) == 0 || errno == EADDRINUSE;
	close(fd);
	return local;
}

static int
next_free_v4(const struct used *u, struct pod_net_cidr *ret, struct pod_err **err)
{
	const struct pod_config *c = config();
	struct pod_config_subnet_pool defaults[] = {
		{ .base = (char *) "10.89.0.0/16", .size = 24 },
		{ .base = (char *) "10.90.0.0/15", .size = 24 },
		{ .base = (char *) "10.92.0.0/14", .size = 24 },
		{ .base = (char *) "10.96.0.0/11", .size = 24 },
		{ .base = (char *) "10.128.0.0/9", .size = 24 },
	};
	const struct pod_config_subnet_pool *pools = c->n_default_subnet_pools ?
						      c->default_subnet_pools : defaults;
	size_t np = c->n_default_subnet_pools ? c->n_default_subnet_pools : ARRAY_SIZE(defaults);

	for (size_t i = 0; i < np; i++) {
		struct pod_net_cidr pool, cand;
		if (!pod_net_cidr_parse(pools[i].base, true, &pool) || pools[i].size < pool.len ||
		    pools[i].size > pod_net_ip_len(&pool.ip) * 8)
			continue;
		for (uint64_t k = 0; pod_net_cidr_nth(&pool, (int) pools[i].size, k, &cand); k++)
			if (subnet_free(u, &cand) && !gateway_local(&cand)) {
				*ret = cand;
				return 0;
			}
	}
	return pod_err_set(err, POD_E_GENERIC, 0,
			   "could not find free subnet from subnet pools: subnet pools exhausted");
}

static int
next_free_v6(const struct used *u, struct pod_net_cidr *ret, struct pod_err **err)
{
	for (int tries = 0; tries < 1000; tries++) {
		struct pod_net_cidr c = { .ip = { .family = AF_INET6 }, .len = 64 };
		if (getrandom(c.ip.a + 1, 7, 0) != 7)
			return pod_err_sys(err, "getrandom");
		c.ip.a[0] = 0xfd;
		if (subnet_free(u, &c)) {
			*ret = c;
			return 0;
		}
	}
	return pod_err_set(err, POD_E_GENERIC, 0, "failed to get random ipv6 subnet");
}

static int
host_link_exists(const char *name)
{
	return if_nametoindex(name) != 0;
}

static char *
free_device_name(const struct used *u)
{
	for (unsigned i = 0; i < 100000; i++) {
		cleanup_free char *n = xasprintf("podman%u", i);
		if (!pod_strv_contains(u->names, n) && !pod_strv_contains(u->ifaces, n) &&
		    !host_link_exists(n))
			return TAKE_PTR(n);
	}
	return NULL;
}

static int
validate_options(const char *driver, const char *const *options, json_t *out,
		 char **ret_parent, struct pod_err **err)
{
	for (size_t i = 0; options && options[i]; i++) {
		const char *kv = options[i];
		const char *eq = strchr(kv, '=');
		cleanup_free char *k = xstrndup(kv, eq ? (size_t) (eq - kv) : strlen(kv));
		const char *v = eq ? eq + 1 : "";
		bool b;
		int64_t m;

		if (STREQ(k, "mtu")) {
			if (!pod_parse_int64(v, &m) || v[0] == '+')
				return pod_err_set(err, POD_E_INVALID, 0,
						   "strconv.Atoi: parsing \"%s\": invalid syntax", v);
			if (m < 0)
				return pod_err_set(err, POD_E_INVALID, 0,
						   "mtu %s is less than zero", v);
		} else if (STREQ(k, "isolate") && STREQ(driver, "bridge")) {
			if (!parse_bool_opt(v, &b))
				return pod_err_set(err, POD_E_INVALID, 0,
						   "strconv.ParseBool: parsing \"%s\": invalid syntax", v);
		} else if (STREQ(k, "vlan") && STREQ(driver, "bridge")) {
			return pod_err_set(err, POD_E_INVALID, 0,
					   "bridge network option vlan is not supported by podutils");
		} else if (STREQ(k, "parent") && STREQ(driver, "macvlan")) {
			free(*ret_parent);
			*ret_parent = xstrdup(v);
			continue;
		} else if (STREQ(k, "mode") && STREQ(driver, "macvlan")) {
			if (!STREQ(v, "bridge") && !STREQ(v, "private") && !STREQ(v, "vepa") &&
			    !STREQ(v, "passthru"))
				return pod_err_set(err, POD_E_INVALID, 0,
						   "unknown macvlan mode \"%s\"", v);
		} else {
			return pod_err_set(err, POD_E_INVALID, 0, "unsupported %s network option %s",
					   driver, k);
		}
		json_object_set_new(out, k, json_string(v));
	}
	return 0;
}

/* the interface of the default route, for macvlan without parent= */
static char *
default_route_iface(void)
{
	cleanup_fclose FILE *f = fopen("/proc/net/route", "re");
	char line[512];

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		char ifname[64];
		unsigned long dst, mask;
		if (sscanf(line, "%63s %lx %*x %*x %*d %*d %*d %lx", ifname, &dst, &mask) == 3 &&
		    dst == 0 && mask == 0)
			return xstrdup(ifname);
	}
	return NULL;
}

int
pod_net_create(struct pod_store *s, const struct pod_net_create_opts *o, json_t **ret_network,
	       struct pod_err **err)
{
	const char *driver = o->driver && *o->driver ? o->driver : "bridge";
	__attribute__((cleanup(used_release))) struct used u = { 0 };
	cleanup_free char *name = NULL, *iface = NULL, *parent = NULL, *ts = NULL;
	cleanup_free struct pod_net_subnet *subs = NULL;
	cleanup_json json_t *options = json_object(), *obj = NULL;
	size_t nsub = pod_strv_len((char *const *) o->subnets), i;
	size_t ngw = pod_strv_len((char *const *) o->gateways);
	size_t nrange = pod_strv_len((char *const *) o->ip_ranges);
	bool has_v4 = false, has_v6 = false;
	char id[POD_ID_LEN + 1];

	if (!STREQ(driver, "bridge") && !STREQ(driver, "macvlan"))
		return pod_err_set(err, POD_E_INVALID, 0, "unsupported driver %s: invalid argument",
				   driver);
	if (o->name && !valid_name(o->name))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "network name %s invalid: names must match "
				   "[a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument", o->name);
	if ((ngw || nrange) && !nsub)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "cannot set gateway or range without subnet");
	if (ngw > nsub)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "cannot set more gateways than subnets");
	if (nrange > nsub)
		return pod_err_set(err, POD_E_INVALID, 0, "cannot set more ranges than subnets");
	if (validate_options(driver, o->options, options, &parent, err) < 0)
		return -1;
	if (o->interface_name && *o->interface_name) {
		if (strlen(o->interface_name) >= IFNAMSIZ || strchr(o->interface_name, '/') ||
		    strchr(o->interface_name, ' '))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "interface name %s invalid", o->interface_name);
	}
	if (STREQ(driver, "macvlan") && !nsub)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "macvlan driver needs at least one subnet specified, DHCP is "
				   "not yet supported with netavark");

	if (pod_store_begin(s, true, err) < 0)
		return -1;
	if (collect_used(s, &u, err) < 0)
		goto fail;
	if (o->name) {
		name = xstrdup(o->name);
		if (pod_strv_contains(u.names, name)) {
			if (o->ignore) {
				pod_store_rollback(s);
				return pod_net_inspect(s, name, ret_network, err);
			}
			pod_err_set(err, POD_E_EXISTS, 0,
				    "network name %s already used: network already exists", name);
			goto fail;
		}
	}

	subs = xcalloc(nsub + 2, sizeof(*subs));
	for (i = 0; i < nsub; i++) {
		struct pod_net_subnet *sub = &subs[i];
		if (!pod_net_cidr_parse(o->subnets[i], true, &sub->cidr)) {
			pod_err_set(err, POD_E_INVALID, 0, "invalid CIDR address: %s",
				    o->subnets[i]);
			goto fail;
		}
		cleanup_free char *cs = pod_net_cidr_strdup(&sub->cidr);
		if (sub->cidr.ip.family == AF_INET6) {
			has_v6 = true;
		} else {
			has_v4 = true;
		}
		if (!subnet_free(&u, &sub->cidr)) {
			pod_err_set(err, POD_E_INVALID, 0,
				    "subnet %s is already used on the host or by another config", cs);
			goto fail;
		}
		for (size_t j = 0; j < i; j++)
			if (pod_net_cidr_overlaps(&subs[j].cidr, &sub->cidr)) {
				pod_err_set(err, POD_E_INVALID, 0, "subnet %s is used twice", cs);
				goto fail;
			}
		if (i < ngw && *o->gateways[i]) {
			if (!pod_net_ip_parse(o->gateways[i], &sub->gateway)) {
				pod_err_set(err, POD_E_INVALID, 0, "invalid argument \"%s\" for "
					    "\"--gateway\" flag: invalid string being converted to IP "
					    "address: %s", o->gateways[i], o->gateways[i]);
				goto fail;
			}
			if (!pod_net_cidr_contains(&sub->cidr, &sub->gateway)) {
				pod_err_set(err, POD_E_INVALID, 0, "gateway %s not in subnet %s",
					    o->gateways[i], cs);
				goto fail;
			}
		} else {
			pod_net_cidr_first(&sub->cidr, &sub->gateway);
			(void) pod_net_ip_add(&sub->gateway, 1);
		}
		if (i < nrange && *o->ip_ranges[i]) {
			struct pod_net_cidr r;
			if (!pod_net_cidr_parse(o->ip_ranges[i], true, &r)) {
				pod_err_set(err, POD_E_INVALID, 0, "invalid CIDR address: %s",
					    o->ip_ranges[i]);
				goto fail;
			}
			pod_net_cidr_first(&r, &sub->range_start);
			if (r.len < pod_net_ip_len(&r.ip) * 8)
				(void) pod_net_ip_add(&sub->range_start, 1);
			pod_net_cidr_last(&r, &sub->range_end);
			char a[POD_NET_IP_STRLEN];
			pod_net_ip_str(&sub->range_start, a);
			if (!pod_net_cidr_contains(&sub->cidr, &sub->range_start)) {
				pod_err_set(err, POD_E_INVALID, 0,
					    "lease range start ip %s not in subnet %s", a, cs);
				goto fail;
			}
			pod_net_ip_str(&sub->range_end, a);
			if (!pod_net_cidr_contains(&sub->cidr, &sub->range_end)) {
				pod_err_set(err, POD_E_INVALID, 0,
					    "lease range end ip %s not in subnet %s", a, cs);
				goto fail;
			}
			sub->has_range = true;
		}
	}
	if (!nsub || (o->ipv6 && !has_v4 && STREQ(driver, "bridge"))) {
		if (next_free_v4(&u, &subs[nsub].cidr, err) < 0)
			goto fail;
		pod_net_cidr_first(&subs[nsub].cidr, &subs[nsub].gateway);
		(void) pod_net_ip_add(&subs[nsub].gateway, 1);
		used_add_subnet(&u, &subs[nsub].cidr);
		nsub++;
		has_v4 = true;
	}
	if (o->ipv6 && !has_v6) {
		if (next_free_v6(&u, &subs[nsub].cidr, err) < 0)
			goto fail;
		pod_net_cidr_first(&subs[nsub].cidr, &subs[nsub].gateway);
		(void) pod_net_ip_add(&subs[nsub].gateway, 1);
		nsub++;
		has_v6 = true;
	}

	if (STREQ(driver, "bridge")) {
		if (o->interface_name && *o->interface_name) {
			iface = xstrdup(o->interface_name);
			if (pod_strv_contains(u.ifaces, iface)) {
				pod_err_set(err, POD_E_INVALID, 0,
					    "bridge name %s already in use", iface);
				goto fail;
			}
		} else {
			iface = free_device_name(&u);
		}
		if (!name)
			name = xstrdup(iface);
		if (pod_strv_contains(u.names, name)) {
			pod_err_set(err, POD_E_EXISTS, 0,
				    "network name %s already used: network already exists", name);
			goto fail;
		}
	} else {
		if (!parent)
			parent = default_route_iface();
		if (!parent || !*parent) {
			pod_err_set(err, POD_E_INVALID, 0,
				    "failed to get the default interface for macvlan; use -o parent=");
			goto fail;
		}
		if (!host_link_exists(parent)) {
			pod_err_set(err, POD_E_INVALID, 0,
				    "parent interface %s does not exist", parent);
			goto fail;
		}
		iface = xstrdup(parent);
		if (!name) {
			name = free_device_name(&u);
		}
	}

	pod_id_new(id);
	int64_t now = pod_now_ns();
	ts = rfc3339nano(now);
	json_t *sj = json_array();
	for (i = 0; i < nsub; i++)
		json_array_append_new(sj, subnet_json(&subs[i]));
	obj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:b, s:b}", "name", name, "id", id,
			"driver", driver, "network_interface", iface, "created", ts, "subnets", sj,
			"ipv6_enabled", has_v6, "internal", o->internal, "dns_enabled",
			!o->disable_dns);
	if (o->labels && o->labels[0]) {
		json_t *lj = json_object();
		for (i = 0; o->labels[i]; i++) {
			const char *eq = strchr(o->labels[i], '=');
			cleanup_free char *k = xstrndup(o->labels[i],
							eq ? (size_t) (eq - o->labels[i])
							   : strlen(o->labels[i]));
			json_object_set_new(lj, k, pod_json_string(eq ? eq + 1 : ""));
		}
		json_object_set_new(obj, "labels", lj);
	}
	if (json_object_size(options))
		json_object_set(obj, "options", options);
	if (o->dns_servers && o->dns_servers[0]) {
		json_t *dj = json_array();
		for (i = 0; o->dns_servers[i]; i++) {
			struct pod_net_ip ip;
			if (!pod_net_ip_parse(o->dns_servers[i], &ip)) {
				json_decref(dj);
				pod_err_set(err, POD_E_INVALID, 0, "invalid IP address \"%s\"",
					    o->dns_servers[i]);
				goto fail;
			}
			json_array_append_new(dj, json_string(o->dns_servers[i]));
		}
		json_object_set_new(obj, "network_dns_servers", dj);
	}
	json_object_set_new(obj, "ipam_options", json_pack("{s:s}", "driver", "host-local"));
	if (insert_network(s, obj, now, err) < 0)
		goto fail;
	if (pod_store_commit(s, err) < 0)
		return -1;
	{
		struct pod_event ev = {
			.type = "network", .status = "create",
			.id = json_string_value(json_object_get(obj, "id")),
			.network = json_string_value(json_object_get(obj, "name")),
		};
		pod_event_emit(s, &ev);
	}
	*ret_network = TAKE_PTR(obj);
	return 0;
fail:
	pod_store_rollback(s);
	return -1;
}

int
pod_net_network_delete_row(struct pod_store *s, const char *name, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(s, "DELETE FROM networks WHERE name = ?",
							   err);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return pod_store_sqlite_err(s, err, "removing network %s", name);
	return 0;
}
