/* containers_conf.c - containers.conf(5): defaults, file order, key-by-key overrides */
#include "config/internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h> /* isfinite */
#include <unistd.h>

#define OFF(f) offsetof(struct pod_config, f)

static const struct pod_cfg_field containers_fields[] = {
	{ "default_capabilities", POD_CFG_STRV, OFF(default_capabilities) },
	{ "default_sysctls", POD_CFG_STRV, OFF(default_sysctls) },
	{ "default_ulimits", POD_CFG_STRV, OFF(default_ulimits) },
	{ "env", POD_CFG_STRV, OFF(env) },
	{ "dns_servers", POD_CFG_STRV, OFF(dns_servers) },
	{ "dns_searches", POD_CFG_STRV, OFF(dns_searches) },
	{ "dns_options", POD_CFG_STRV, OFF(dns_options) },
	{ "pids_limit", POD_CFG_INT, OFF(pids_limit) },
	{ "shm_size", POD_CFG_STRING, OFF(shm_size) },
	{ "log_driver", POD_CFG_STRING, OFF(log_driver) },
	{ "log_size_max", POD_CFG_INT, OFF(log_size_max) },
	{ "tz", POD_CFG_STRING, OFF(tz) },
	{ "umask", POD_CFG_STRING, OFF(umask) },
	{ "init", POD_CFG_BOOL, OFF(init) },
	{ "init_path", POD_CFG_STRING, OFF(init_path) },
	{ "netns", POD_CFG_STRING, OFF(netns) },
	{ "userns", POD_CFG_STRING, OFF(userns) },
	{ "cgroupns", POD_CFG_STRING, OFF(cgroupns) },
	{ "ipcns", POD_CFG_STRING, OFF(ipcns) },
	{ "pidns", POD_CFG_STRING, OFF(pidns) },
	{ "utsns", POD_CFG_STRING, OFF(utsns) },
	{ "cgroups", POD_CFG_STRING, OFF(cgroups) },
	{ "seccomp_profile", POD_CFG_STRING, OFF(seccomp_profile) },
	{ "no_hosts", POD_CFG_BOOL, OFF(no_hosts) },
	{ "label", POD_CFG_BOOL, OFF(label) },
	{ "http_proxy", POD_CFG_BOOL, OFF(http_proxy) },
};

static const struct pod_cfg_field engine_fields[] = {
	{ "runtime", POD_CFG_STRING, OFF(runtime) },
	{ "hooks_dir", POD_CFG_STRV, OFF(hooks_dir) },
	{ "cgroup_manager", POD_CFG_STRING, OFF(cgroup_manager) },
	{ "events_logger", POD_CFG_STRING, OFF(events_logger) },
	{ "events_logfile_path", POD_CFG_STRING, OFF(events_logfile_path) },
	{ "tmp_dir", POD_CFG_STRING, OFF(tmp_dir) },
	{ "static_dir", POD_CFG_STRING, OFF(static_dir) },
	{ "volume_path", POD_CFG_STRING, OFF(volume_path) },
	{ "num_locks", POD_CFG_INT, OFF(num_locks) },
	{ "image_default_transport", POD_CFG_STRING, OFF(image_default_transport) },
	{ "infra_image", POD_CFG_STRING, OFF(infra_image) },
	{ "infra_command", POD_CFG_STRING, OFF(infra_command) },
	{ "stop_timeout", POD_CFG_INT, OFF(stop_timeout) },
	{ "helper_binaries_dir", POD_CFG_STRV, OFF(helper_binaries_dir) },
	{ "pull_policy", POD_CFG_STRING, OFF(pull_policy) },
	{ "detach_keys", POD_CFG_STRING, OFF(detach_keys) },
};

static const struct pod_cfg_field network_fields[] = {
	{ "network_backend", POD_CFG_STRING, OFF(network_backend) },
	{ "default_network", POD_CFG_STRING, OFF(default_network) },
	{ "default_subnet", POD_CFG_STRING, OFF(default_subnet) },
	{ "network_config_dir", POD_CFG_STRING, OFF(network_config_dir) },
};

/* c/common's default runtime search paths, for the runtimes we can drive */
static const char *const crun_paths[] = {
	"/usr/bin/crun",       "/usr/sbin/crun", "/usr/local/bin/crun",
	"/usr/local/sbin/crun", "/sbin/crun",	  "/bin/crun",
	"/run/current-system/sw/bin/crun",
};
static const char *const runc_paths[] = {
	"/usr/lib/cri-o-runc/sbin/runc", "/usr/sbin/runc", "/usr/bin/runc",
	"/usr/local/bin/runc",		 "/usr/local/sbin/runc", "/sbin/runc",
	"/bin/runc",			 "/run/current-system/sw/bin/runc",
};
static const char *const default_caps[] = {
	"CHOWN",	    "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",	      "NET_BIND_SERVICE",
	"SETFCAP",	    "SETGID",	    "SETPCAP", "SETUID", "SYS_CHROOT",
};
static const char *const default_pools[] = {
	"10.89.0.0/16", "10.90.0.0/15", "10.92.0.0/14", "10.96.0.0/11", "10.128.0.0/9",
};

static char **
strv_of(const char *const *a, size_t n)
{
	char **v = xcalloc(n + 1, sizeof(char *));
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = xstrdup(a[i]);
	return v;
}

static char **
strv_new(const char *first, ...)
{
	char **v = xcalloc(1, sizeof(char *));
	const char *s;
	va_list ap;

	va_start(ap, first);
	for (s = first; s; s = va_arg(ap, const char *))
		v = pod_strv_push(v, xstrdup(s));
	va_end(ap);
	return v;
}

static void
add_runtime(struct pod_config *c, const char *name, char **paths)
{
	size_t i;

	for (i = 0; i < c->n_runtimes; i++) {
		if (STREQ(c->runtimes[i].name, name)) {
			pod_strv_free(c->runtimes[i].paths);
			c->runtimes[i].paths = paths;
			return;
		}
	}
	c->runtimes = xrealloc(c->runtimes, (c->n_runtimes + 1) * sizeof(*c->runtimes));
	c->runtimes[c->n_runtimes].name = xstrdup(name);
	c->runtimes[c->n_runtimes].paths = paths;
	c->n_runtimes++;
}

static void
free_pools(struct pod_config *c)
{
	size_t i;

	for (i = 0; i < c->n_default_subnet_pools; i++)
		free(c->default_subnet_pools[i].base);
	free(c->default_subnet_pools);
	c->default_subnet_pools = NULL;
	c->n_default_subnet_pools = 0;
}

struct pod_config *
pod_config_new_default(const struct pod_config_dirs *d)
{
	struct pod_config *c = xcalloc(1, sizeof(*c));
	size_t i;

	c->default_capabilities = strv_of(default_caps, ARRAY_SIZE(default_caps));
	c->default_sysctls = strv_new("net.ipv4.ping_group_range=0 0", NULL);
	c->default_ulimits = strv_new(NULL);
	c->env = strv_new("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			  "TERM=xterm", NULL);
	c->dns_servers = strv_new(NULL);
	c->dns_searches = strv_new(NULL);
	c->dns_options = strv_new(NULL);
	c->pids_limit = 2048;
	c->shm_size = xstrdup("65536k");
	c->shm_size_bytes = 64 << 20;
	c->log_driver = xstrdup("k8s-file");
	c->log_size_max = -1;
	c->tz = xstrdup("");
	c->umask = xstrdup("0022");
	c->init = false;
	c->init_path = xstrdup("/usr/libexec/podman/catatonit");
	c->netns = xstrdup("private");
	c->userns = xstrdup("host");
	c->cgroupns = xstrdup("private");
	c->ipcns = xstrdup("shareable");
	c->pidns = xstrdup("private");
	c->utsns = xstrdup("private");
	c->cgroups = xstrdup("enabled");
	c->seccomp_profile = xstrdup("/usr/share/containers/seccomp.json");
	c->no_hosts = false;
	c->label = true;
	c->http_proxy = true;

	c->runtime = xstrdup("crun");
	add_runtime(c, "crun", strv_of(crun_paths, ARRAY_SIZE(crun_paths)));
	add_runtime(c, "runc", strv_of(runc_paths, ARRAY_SIZE(runc_paths)));
	c->hooks_dir = strv_new("/usr/share/containers/oci/hooks.d", "/etc/containers/oci/hooks.d",
				NULL);
	c->cgroup_manager = xstrdup("systemd");
	c->events_logger = xstrdup("journald");
	c->events_logfile_path = xstrdup("");
	c->num_locks = 2048;
	c->image_default_transport = xstrdup("docker://");
	c->infra_image = xstrdup("");
	c->infra_command = xstrdup("");
	c->stop_timeout = 10;
	c->helper_binaries_dir = strv_new("/usr/local/libexec/podman", "/usr/local/lib/podman",
					  "/usr/libexec/podman", "/usr/lib/podman", NULL);
	c->pull_policy = xstrdup("missing");
	c->detach_keys = xstrdup("ctrl-p,ctrl-q");

	c->network_backend = xstrdup("");
	c->default_network = xstrdup("podman");
	c->default_subnet = xstrdup("10.88.0.0/16");
	c->n_default_subnet_pools = ARRAY_SIZE(default_pools);
	c->default_subnet_pools = xcalloc(ARRAY_SIZE(default_pools), sizeof(*c->default_subnet_pools));
	for (i = 0; i < ARRAY_SIZE(default_pools); i++) {
		c->default_subnet_pools[i].base = xstrdup(default_pools[i]);
		c->default_subnet_pools[i].size = 24;
	}

	if (d && d->rootless) {
		cleanup_free char *home = pod_config_home(d);
		cleanup_free char *data = NULL;
		const char *xdg_data = getenv("XDG_DATA_HOME");
		const char *rt = getenv("XDG_RUNTIME_DIR");

		data = xdg_data && *xdg_data ? xstrdup(xdg_data)
					     : xasprintf("%s/.local/share", home);
		c->tmp_dir = rt && *rt ? xasprintf("%s/libpod/tmp", rt)
				       : xasprintf("/tmp/podman-run-%u/libpod/tmp",
						   (unsigned) getuid());
		c->static_dir = xasprintf("%s/containers/storage/libpod", data);
		c->volume_path = xasprintf("%s/containers/storage/volumes", data);
		c->network_config_dir = xasprintf("%s/containers/storage/networks", data);
		free(c->cgroup_manager);
		/* without a systemd user session rootless Podman falls back to cgroupfs */
		c->cgroup_manager = xstrdup(rt && *rt ? "systemd" : "cgroupfs");
	} else {
		c->tmp_dir = xstrdup("/run/libpod");
		c->static_dir = xstrdup("/var/lib/containers/storage/libpod");
		c->volume_path = xstrdup("/var/lib/containers/storage/volumes");
		c->network_config_dir = xstrdup("/etc/containers/networks");
	}
	return c;
}

struct pod_config *
pod_config_free(struct pod_config *c)
{
	size_t i;

	if (!c)
		return NULL;
	pod_strv_free(c->default_capabilities);
	pod_strv_free(c->default_sysctls);
	pod_strv_free(c->default_ulimits);
	pod_strv_free(c->env);
	pod_strv_free(c->dns_servers);
	pod_strv_free(c->dns_searches);
	pod_strv_free(c->dns_options);
	free(c->shm_size);
	free(c->log_driver);
	free(c->tz);
	free(c->umask);
	free(c->init_path);
	free(c->netns);
	free(c->userns);
	free(c->cgroupns);
	free(c->ipcns);
	free(c->pidns);
	free(c->utsns);
	free(c->cgroups);
	free(c->seccomp_profile);
	free(c->runtime);
	for (i = 0; i < c->n_runtimes; i++) {
		free(c->runtimes[i].name);
		pod_strv_free(c->runtimes[i].paths);
	}
	free(c->runtimes);
	pod_strv_free(c->hooks_dir);
	free(c->cgroup_manager);
	free(c->events_logger);
	free(c->events_logfile_path);
	free(c->tmp_dir);
	free(c->static_dir);
	free(c->volume_path);
	free(c->image_default_transport);
	free(c->infra_image);
	free(c->infra_command);
	pod_strv_free(c->helper_binaries_dir);
	free(c->pull_policy);
	free(c->detach_keys);
	free(c->network_backend);
	free(c->default_network);
	free(c->default_subnet);
	free_pools(c);
	free(c->network_config_dir);
	pod_strv_free(c->files);
	free(c);
	return NULL;
}

void
pod_config_freep(struct pod_config **c)
{
	*c = pod_config_free(*c);
}

char *const *
pod_config_runtime_paths(const struct pod_config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n_runtimes; i++)
		if (STREQ(c->runtimes[i].name, name))
			return c->runtimes[i].paths;
	return NULL;
}

int
pod_config_parse_size(const char *s, int64_t *ret)
{
	static const char units[] = "bkmgtp";
	char *end = NULL;
	const char *u;
	double v, mul = 1;

	if (!s || !*s || !(isdigit((unsigned char) s[0]) || s[0] == '.'))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return -1;
	if (*end) {
		u = strchr(units, tolower((unsigned char) *end));
		if (!u)
			return -1;
		for (const char *k = units; k < u; k++)
			mul *= 1024;
		end++;
		/* "64m", "64mb", "64MiB" */
		if (u != units && (*end == 'i' || *end == 'I'))
			end++;
		if (u != units && (*end == 'b' || *end == 'B'))
			end++;
		if (*end)
			return -1;
	}
	v *= mul;
	if (v >= 9.2e18)
		return -1;
	*ret = (int64_t) v;
	return 0;
}

static int
bad_value(struct pod_err **err, const char *prefix, const char *key, const char *what,
	  const char *val)
{
	return pod_err_set(err, POD_E_INVALID, 0, "%s: key \"%s\": invalid %s \"%s\"", prefix, key,
			   what, val);
}

static int
decode_runtimes(struct pod_config *c, const json_t *engine, const char *prefix,
		struct pod_err **err)
{
	const json_t *rt = engine ? json_object_get(engine, "runtimes") : NULL;
	const char *name;
	json_t *paths;

	if (!rt)
		return 0;
	if (!json_is_object(rt))
		return pod_cfg_type_err(err, prefix, "engine", "runtimes", rt, "table");
	json_object_foreach ((json_t *) rt, name, paths) {
		cleanup_free char *key = xasprintf("runtimes.%s", name);
		char **v = NULL;

		if (pod_cfg_strv(paths, prefix, "engine", key, &v, err) < 0)
			return -1;
		add_runtime(c, name, v);
	}
	return 0;
}

static int
decode_pools(struct pod_config *c, const json_t *network, const char *prefix,
	     struct pod_err **err)
{
	const json_t *pools = network ? json_object_get(network, "default_subnet_pools") : NULL;
	struct pod_config_subnet_pool *out;
	size_t i, n;
	json_t *e;

	if (!pools)
		return 0;
	if (!json_is_array(pools))
		return pod_cfg_type_err(err, prefix, "network", "default_subnet_pools", pools,
					"array of tables");
	n = json_array_size(pools);
	out = xcalloc(n + 1, sizeof(*out));
	json_array_foreach (pools, i, e) {
		json_t *size = json_object_get(e, "size");
		json_t *base = json_object_get(e, "base");

		if (!json_is_object(e)) {
			pod_cfg_type_err(err, prefix, "network", "default_subnet_pools", e, "table");
			goto fail;
		}
		if (!base) {
			pod_err_set(err, POD_E_INVALID, 0,
				    "%s: key \"network.default_subnet_pools\": entry %zu has no base",
				    prefix, i + 1);
			goto fail;
		}
		if (pod_cfg_string(base, prefix, "network", "default_subnet_pools.base",
				   &out[i].base, err) < 0)
			goto fail;
		if (size && !json_is_integer(size)) {
			pod_cfg_type_err(err, prefix, "network", "default_subnet_pools.size", size,
					 "integer");
			goto fail;
		}
		out[i].size = size ? json_integer_value(size) : 0;
	}
	free_pools(c);
	c->default_subnet_pools = out;
	c->n_default_subnet_pools = n;
	return 0;
fail:
	for (i = 0; i < n; i++)
		free(out[i].base);
	free(out);
	return -1;
}

static bool
umask_ok(const char *s)
{
	size_t i;

	if (!*s || strlen(s) > 4)
		return false;
	for (i = 0; s[i]; i++)
		if (s[i] < '0' || s[i] > '7')
			return false;
	return strtol(s, NULL, 8) <= 0777;
}

static int
apply_file(struct pod_config *c, const json_t *root, const char *path, struct pod_err **err)
{
	cleanup_free char *prefix = xasprintf("decode configuration %s", path);
	const json_t *containers = NULL, *engine = NULL, *network = NULL;

	if (pod_cfg_section(root, prefix, "containers", &containers, err) < 0 ||
	    pod_cfg_section(root, prefix, "engine", &engine, err) < 0 ||
	    pod_cfg_section(root, prefix, "network", &network, err) < 0)
		return -1;
	if (pod_cfg_decode(containers, prefix, "containers", containers_fields,
			   ARRAY_SIZE(containers_fields), c, err) < 0 ||
	    pod_cfg_decode(engine, prefix, "engine", engine_fields, ARRAY_SIZE(engine_fields), c,
			   err) < 0 ||
	    pod_cfg_decode(network, prefix, "network", network_fields, ARRAY_SIZE(network_fields),
			   c, err) < 0)
		return -1;
	if (decode_runtimes(c, engine, prefix, err) < 0 || decode_pools(c, network, prefix, err) < 0)
		return -1;
	if (json_is_string(json_object_get(engine, "runtime")))
		c->runtime_set = true;

	/* values checked when they are read, as c/common's Validate() does */
	if (containers && json_object_get(containers, "shm_size") &&
	    pod_config_parse_size(c->shm_size, &c->shm_size_bytes) < 0)
		return bad_value(err, prefix, "containers.shm_size", "size", c->shm_size);
	if (!umask_ok(c->umask))
		return bad_value(err, prefix, "containers.umask", "umask", c->umask);
	if (!STREQ(c->cgroup_manager, "systemd") && !STREQ(c->cgroup_manager, "cgroupfs"))
		return bad_value(err, prefix, "engine.cgroup_manager", "cgroup manager",
				 c->cgroup_manager);
	if (!STREQ(c->events_logger, "file") && !STREQ(c->events_logger, "journald") &&
	    !STREQ(c->events_logger, "none"))
		return bad_value(err, prefix, "engine.events_logger", "events logger",
				 c->events_logger);
	return 0;
}

int
pod_config_load_files(const struct pod_config_dirs *d, char *const *files,
		      struct pod_config **ret, struct pod_err **err)
{
	cleanup_(pod_config_freep) struct pod_config *c = pod_config_new_default(d);
	size_t i;

	c->files = xcalloc(1, sizeof(char *));
	for (i = 0; files && files[i]; i++) {
		cleanup_json json_t *root = NULL;
		bool missing = false;

		root = pod_cfg_parse(files[i], &missing, err);
		if (missing)
			continue;
		if (!root)
			return -1;
		if (apply_file(c, root, files[i], err) < 0)
			return -1;
		c->files = pod_strv_push(c->files, xstrdup(files[i]));
	}
	*ret = TAKE_PTR(c);
	return 0;
}

/* an environment variable naming a file that must exist */
static int
env_file(const char *var, char ***v, struct pod_err **err)
{
	const char *p = getenv(var);

	if (!p || !*p)
		return 0;
	if (!pod_cfg_exists(p))
		return pod_err_sys(err, "%s file: stat %s", var, p);
	*v = pod_strv_push(*v, xstrdup(p));
	return 0;
}

char **
pod_config_files(const struct pod_config_dirs *d, struct pod_err **err)
{
	cleanup_strv char **v = xcalloc(1, sizeof(char *));
	const char *only = getenv("CONTAINERS_CONF");

	if (only && *only) {
		if (env_file("CONTAINERS_CONF", &v, err) < 0)
			return NULL;
	} else {
		cleanup_free char *share = xasprintf("%s/containers.conf", d->share_dir);
		cleanup_free char *etc = xasprintf("%s/containers.conf", d->etc_dir);
		cleanup_free char *etc_d = xasprintf("%s/containers.conf.d", d->etc_dir);

		v = pod_strv_push(v, TAKE_PTR(share));
		v = pod_strv_push(v, TAKE_PTR(etc));
		if (pod_cfg_add_conf_dir(&v, etc_d, err) < 0)
			return NULL;
		if (d->rootless) {
			cleanup_free char *cfg = pod_cfg_config_home(d);
			cleanup_free char *user_d = xasprintf("%s/containers/containers.conf.d", cfg);

			v = pod_strv_push(v, xasprintf("%s/containers/containers.conf", cfg));
			if (pod_cfg_add_conf_dir(&v, user_d, err) < 0)
				return NULL;
		}
	}
	if (env_file("CONTAINERS_CONF_OVERRIDE", &v, err) < 0)
		return NULL;
	/* leave out what does not exist so callers can show the real list */
	{
		size_t i, j = 0;

		for (i = 0; v[i]; i++) {
			if (pod_cfg_exists(v[i]))
				v[j++] = v[i];
			else
				free(v[i]);
		}
		v[j] = NULL;
	}
	return TAKE_PTR(v);
}

int
pod_config_load_dirs(const struct pod_config_dirs *d, struct pod_config **ret,
		     struct pod_err **err)
{
	cleanup_strv char **files = pod_config_files(d, err);

	if (!files)
		return -1;
	return pod_config_load_files(d, files, ret, err);
}

int
pod_config_load(struct pod_config **ret, struct pod_err **err)
{
	struct pod_config_dirs d;

	pod_config_dirs_default(&d);
	return pod_config_load_dirs(&d, ret, err);
}
