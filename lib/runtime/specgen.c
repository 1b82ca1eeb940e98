/* specgen.c - settings + image config -> config.json, as Podman 4.3 builds it */
#include "runtime/specgen.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "runtime/caps.h"
#include "runtime/seccomp_default.h"

#include <fcntl.h>
#include <inttypes.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *const masked_paths[] = {
	"/proc/acpi",	     "/proc/kcore",	 "/proc/keys",	    "/proc/latency_stats",
	"/proc/timer_list",  "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
	"/sys/firmware",     "/sys/fs/selinux",	 "/sys/dev/block",
};
static const char *const readonly_paths[] = {
	"/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static const char *
sstr(json_t *settings, const char *key)
{
	const char *s = json_string_value(json_object_get(settings, key));
	return s ? s : "";
}

static bool
sbool(json_t *settings, const char *key)
{
	return json_is_true(json_object_get(settings, key));
}

static int64_t
sint(json_t *settings, const char *key, int64_t dflt)
{
	json_t *v = json_object_get(settings, key);
	return json_is_integer(v) ? (int64_t) json_integer_value(v) : dflt;
}

static char **
strv_of(json_t *arr)
{
	char **v = pod_strv_push(NULL, NULL);
	json_t *x;
	size_t i;

	/* pod_strv_push(NULL, NULL) gives an empty vector */
	json_array_foreach(arr, i, x)
		if (json_is_string(x))
			v = pod_strv_push(v, xstrdup(json_string_value(x)));
	return v;
}

/* an entrypoint of [""] (--entrypoint "") means none */
static bool
empty_cmd(json_t *a)
{
	return !json_is_array(a) || json_array_size(a) == 0 ||
	       (json_array_size(a) == 1 && STREQ(json_string_value(json_array_get(a, 0)) ?: "", ""));
}

json_t *
pod_specgen_args(json_t *settings, json_t *image_config)
{
	json_t *ep = json_object_get(settings, "Entrypoint");
	json_t *cmd = json_object_get(settings, "Command");
	json_t *out = json_array();

	if (!ep)
		ep = json_object_get(image_config, "Entrypoint");
	if (!empty_cmd(ep))
		json_array_extend(out, ep);
	if (json_array_size(cmd) > 0)
		json_array_extend(out, cmd);
	else if (!json_object_get(settings, "Entrypoint"))
		json_array_extend(out, json_object_get(image_config, "Cmd"));
	return out;
}

/* KEY=VALUE list with later keys replacing earlier ones in place */
static void
env_set(json_t *env, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t) (eq - kv) : strlen(kv);
	json_t *v;
	size_t i;

	json_array_foreach(env, i, v) {
		const char *s = json_string_value(v);
		if (strncmp(s, kv, klen) == 0 && (s[klen] == '=' || s[klen] == '\0')) {
			json_array_set_new(env, i, pod_json_string(kv));
			return;
		}
	}
	json_array_append_new(env, pod_json_string(kv));
}

static bool
env_has(json_t *env, const char *key)
{
	size_t klen = strlen(key);
	json_t *v;
	size_t i;

	json_array_foreach(env, i, v) {
		const char *s = json_string_value(v);
		if (strncmp(s, key, klen) == 0 && s[klen] == '=')
			return true;
	}
	return false;
}

json_t *
pod_specgen_env(json_t *settings, json_t *image_config, const struct pod_config *conf)
{
	json_t *env = json_array(), *v;
	size_t i;

	if (conf && conf->env)
		for (size_t k = 0; conf->env[k]; k++)
			env_set(env, conf->env[k]);
	if (!env_has(env, "PATH"))
		env_set(env, DEFAULT_PATH);
	if (!env_has(env, "TERM"))
		env_set(env, "TERM=xterm");
	json_array_foreach(json_object_get(image_config, "Env"), i, v)
		if (json_is_string(v))
			env_set(env, json_string_value(v));
	env_set(env, "container=podman");
	json_array_foreach(json_object_get(settings, "Env"), i, v)
		if (json_is_string(v))
			env_set(env, json_string_value(v));
	return env;
}

static json_t *
build_env(const struct pod_specgen_ctx *ctx, const char *hostname, const char *home)
{
	json_t *env = pod_specgen_env(ctx->settings, ctx->image_config, ctx->conf);

	if (!env_has(env, "HOSTNAME")) {
		cleanup_free char *h = xasprintf("HOSTNAME=%s", hostname);
		env_set(env, h);
	}
	if (!env_has(env, "HOME")) {
		cleanup_free char *h = xasprintf("HOME=%s", home);
		env_set(env, h);
	}
	return env;
}

static json_t *
caps_array(char *const *caps)
{
	json_t *a = json_array();

	for (size_t i = 0; caps && caps[i]; i++)
		json_array_append_new(a, json_string(caps[i]));
	return a;
}

static int
build_caps(const struct pod_specgen_ctx *ctx, bool root_user, json_t *process, char ***ret_caps,
	   struct pod_err **err)
{
	cleanup_strv char **add = strv_of(json_object_get(ctx->settings, "CapAdd"));
	cleanup_strv char **drop = strv_of(json_object_get(ctx->settings, "CapDrop"));
	cleanup_strv char **dflt = NULL;
	char *const *base;
	char **caps = NULL;

	if (ctx->conf && ctx->conf->default_capabilities) {
		base = ctx->conf->default_capabilities;
	} else {
		dflt = pod_caps_default();
		base = dflt;
	}
	if (pod_caps_compute(base, add, drop, sbool(ctx->settings, "Privileged"), &caps, err) < 0)
		return -1;
	if (sbool(ctx->settings, "Privileged") || pod_strv_contains(add, "ALL") ||
	    pod_strv_contains(add, "all")) {
		/* "all" is what we have: a capability outside our bounding set cannot be given */
		char **kept = pod_strv_push(NULL, NULL);
		for (size_t i = 0; caps && caps[i]; i++) {
			int n = pod_cap_from_name(caps[i]);
			if (n >= 0 && prctl(PR_CAPBSET_READ, (unsigned long) n, 0, 0, 0) == 1)
				kept = pod_strv_push(kept, xstrdup(caps[i]));
		}
		pod_strv_free(caps);
		caps = kept;
	}
	json_t *c = json_object();
	json_object_set_new(c, "bounding", caps_array(caps));
	if (root_user) {
		json_object_set_new(c, "effective", caps_array(caps));
		json_object_set_new(c, "permitted", caps_array(caps));
	} else {
		/* a non-root user gets only what was added explicitly, as Podman does */
		cleanup_strv char **added = NULL;
		for (size_t i = 0; add[i]; i++) {
			int n = pod_cap_from_name(add[i]);
			if (n >= 0 && pod_strv_contains(caps, pod_cap_name(n)))
				added = pod_strv_push(added, xstrdup(pod_cap_name(n)));
		}
		json_object_set_new(c, "effective", caps_array(added));
		json_object_set_new(c, "permitted", caps_array(added));
		json_object_set_new(c, "ambient", caps_array(added));
	}
	json_object_set_new(process, "capabilities", c);
	*ret_caps = caps;
	return 0;
}

static json_t *
rlimit_obj(const char *type, uint64_t soft, uint64_t hard)
{
	return json_pack("{s:s, s:I, s:I}", "type", type, "soft", (json_int_t) soft, "hard",
			 (json_int_t) hard);
}

static void
rlimit_set(json_t *rl, json_t *r)
{
	const char *type = json_string_value(json_object_get(r, "type"));
	json_t *v;
	size_t i;

	json_array_foreach(rl, i, v) {
		if (STREQ(json_string_value(json_object_get(v, "type")), type)) {
			json_array_set_new(rl, i, r);
			return;
		}
	}
	json_array_append_new(rl, r);
}

/* our own hard limit caps what the container may get (we cannot raise it) */
static void
rlimit_clamp(json_t *r, int resource)
{
	struct rlimit cur;
	uint64_t soft = (uint64_t) json_integer_value(json_object_get(r, "soft"));
	uint64_t hard = (uint64_t) json_integer_value(json_object_get(r, "hard"));

	if (geteuid() == 0 || getrlimit(resource, &cur) < 0 || cur.rlim_max == RLIM_INFINITY)
		return;
	if (hard > cur.rlim_max) {
		pod_debug("clamping %s hard limit %" PRIu64 " to %" PRIu64,
			  json_string_value(json_object_get(r, "type")), hard,
			  (uint64_t) cur.rlim_max);
		hard = cur.rlim_max;
	}
	if (soft > hard)
		soft = hard;
	json_object_set_new(r, "soft", json_integer((json_int_t) soft));
	json_object_set_new(r, "hard", json_integer((json_int_t) hard));
}

static int
build_rlimits(const struct pod_specgen_ctx *ctx, json_t *process, struct pod_err **err)
{
	json_t *rl = json_array(), *v;
	struct rlimit cur;
	size_t i;

	/* Podman as root raises nofile and nproc up to these, within our hard limits */
	if (getrlimit(RLIMIT_NOFILE, &cur) == 0) {
		uint64_t n = 1048576;
		if (cur.rlim_max != RLIM_INFINITY && cur.rlim_max < n)
			n = cur.rlim_max;
		rlimit_set(rl, rlimit_obj("RLIMIT_NOFILE", n, n));
	}
	if (getrlimit(RLIMIT_NPROC, &cur) == 0) {
		uint64_t n = 4194304;
		if (cur.rlim_max != RLIM_INFINITY && cur.rlim_max < n)
			n = cur.rlim_max;
		rlimit_set(rl, rlimit_obj("RLIMIT_NPROC", n, n));
	}
	for (size_t k = 0; ctx->conf && ctx->conf->default_ulimits && ctx->conf->default_ulimits[k];
	     k++) {
		json_t *r = pod_specgen_parse_ulimit(ctx->conf->default_ulimits[k], err);
		if (!r) {
			json_decref(rl);
			return pod_err_wrap(err, "containers.conf default_ulimits");
		}
		rlimit_set(rl, r);
	}
	json_array_foreach(json_object_get(ctx->settings, "Ulimits"), i, v) {
		json_t *r = pod_specgen_parse_ulimit(json_string_value(v), err);
		if (!r) {
			json_decref(rl);
			return -1;
		}
		rlimit_set(rl, r);
	}
	json_array_foreach(rl, i, v) {
		const char *t = json_string_value(json_object_get(v, "type"));
		int res = -1;
		if (STREQ(t, "RLIMIT_NOFILE"))
			res = RLIMIT_NOFILE;
		else if (STREQ(t, "RLIMIT_NPROC"))
			res = RLIMIT_NPROC;
		else if (STREQ(t, "RLIMIT_MEMLOCK"))
			res = RLIMIT_MEMLOCK;
		else if (STREQ(t, "RLIMIT_STACK"))
			res = RLIMIT_STACK;
		else if (STREQ(t, "RLIMIT_CORE"))
			res = RLIMIT_CORE;
		if (res >= 0)
			rlimit_clamp(v, res);
	}
	json_object_set_new(process, "rlimits", rl);
	return 0;
}

static json_t *
mnt(const char *dest, const char *type, const char *src, json_t *options)
{
	return json_pack("{s:s, s:s, s:s, s:o}", "destination", dest, "type", type, "source", src,
			 "options", options);
}

static size_t
depth(const char *p)
{
	size_t n = 0;

	for (; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			n++;
	return n;
}

/* replaces a default mount with the same destination, else appends */
static void
mount_put(json_t *mounts, json_t *m)
{
	const char *d = json_string_value(json_object_get(m, "destination"));
	json_t *v;
	size_t i;

	json_array_foreach(mounts, i, v) {
		if (STREQ(json_string_value(json_object_get(v, "destination")), d)) {
			json_array_remove(mounts, i);
			break;
		}
	}
	json_array_append_new(mounts, m);
}

static int
build_mounts(const struct pod_specgen_ctx *ctx, json_t *spec, struct pod_err **err)
{
	json_t *s = ctx->settings;
	json_t *mounts = json_array(), *user = json_array(), *v;
	cleanup_free char *shm = NULL;
	bool readonly = sbool(s, "ReadOnly");
	int64_t shm_size = sint(s, "ShmSize", ctx->conf ? ctx->conf->shm_size_bytes : 64 << 20);
	size_t i;

	json_array_append_new(mounts, mnt("/proc", "proc", "proc",
					  json_pack("[s,s,s]", "nosuid", "noexec", "nodev")));
	json_array_append_new(mounts, mnt("/dev", "tmpfs", "tmpfs",
					  json_pack("[s,s,s,s]", "nosuid", "strictatime",
						    "mode=755", "size=65536k")));
	json_array_append_new(mounts, mnt("/sys", "sysfs", "sysfs",
					  json_pack("[s,s,s,s]", "nosuid", "noexec", "nodev",
						    "ro")));
	json_array_append_new(mounts, mnt("/dev/pts", "devpts", "devpts",
					  json_pack("[s,s,s,s,s,s]", "nosuid", "noexec",
						    "newinstance", "ptmxmode=0666", "mode=0620",
						    "gid=5")));
	json_array_append_new(mounts, mnt("/dev/mqueue", "mqueue", "mqueue",
					  json_pack("[s,s,s]", "nosuid", "noexec", "nodev")));
	shm = xasprintf("size=%" PRId64 "k", shm_size / 1024);
	if (ctx->shm_path)
		json_array_append_new(mounts, mnt("/dev/shm", "bind", ctx->shm_path,
						  json_pack("[s,s,s,s]", "rbind", "nosuid",
							    "noexec", "nodev")));
	else
		json_array_append_new(mounts, mnt("/dev/shm", "tmpfs", "shm",
						  json_pack("[s,s,s,s,s]", "nosuid", "noexec",
							    "nodev", "mode=1777", shm)));
	json_array_append_new(mounts, mnt("/sys/fs/cgroup", "cgroup", "cgroup",
					  json_pack("[s,s,s,s,s,s]", "rprivate", "nosuid", "noexec",
						    "nodev", "relatime",
						    sbool(s, "Privileged") ? "rw" : "ro")));
	if (readonly && (!json_object_get(s, "ReadOnlyTmpfs") || sbool(s, "ReadOnlyTmpfs"))) {
		static const char *const dirs[] = { "/tmp", "/var/tmp", "/run" };
		for (size_t k = 0; k < ARRAY_SIZE(dirs); k++)
			json_array_append_new(mounts,
					      mnt(dirs[k], "tmpfs", "tmpfs",
						  json_pack("[s,s,s,s]", "rw", "rprivate", "nosuid",
							    "nodev")));
	}
	/* the engine's run files */
	{
		static const char *const files[][2] = {
			{ "/etc/hostname", "hostname" },
			{ "/etc/hosts", "hosts" },
			{ "/etc/resolv.conf", "resolv.conf" },
			{ "/run/.containerenv", ".containerenv" },
		};
		for (size_t k = 0; k < ARRAY_SIZE(files); k++) {
			if (k == 1 && sbool(s, "NoHosts"))
				continue;
			/* a shared network namespace shares its hosts and resolv.conf */
			cleanup_free char *src = pod_path_join(
				(k == 1 || k == 2) && ctx->net_rundir ? ctx->net_rundir : ctx->rundir,
				files[k][1]);
			json_array_append_new(mounts, mnt(files[k][0], "bind", src,
							  json_pack("[s,s]", "bind", "rprivate")));
		}
	}
	if (sbool(s, "Init") && ctx->init_path)
		json_array_append_new(mounts, mnt("/run/podman-init", "bind", ctx->init_path,
						  json_pack("[s,s,s]", "bind", "rprivate", "ro")));

	json_array_foreach(json_object_get(s, "Tmpfs"), i, v) {
		json_t *m = pod_specgen_parse_tmpfs(json_string_value(v), err);
		if (!m)
			goto fail;
		json_array_append_new(user, m);
	}
	json_array_foreach(json_object_get(s, "Volumes"), i, v) {
		json_t *m = pod_specgen_parse_volume(json_string_value(v), err);
		if (!m)
			goto fail;
		json_array_append_new(user, m);
	}
	json_array_foreach(json_object_get(s, "Mounts"), i, v) {
		json_t *m = pod_specgen_parse_mount(json_string_value(v), err);
		if (!m)
			goto fail;
		json_array_append_new(user, m);
	}
	/* named and anonymous volumes come resolved by the engine (ctr_volumes.c) */
	for (size_t k = json_array_size(user); k > 0; k--)
		if (STREQ(json_string_value(json_object_get(json_array_get(user, k - 1), "type")),
			  "volume"))
			json_array_remove(user, k - 1);
	json_array_foreach(ctx->volume_mounts, i, v)
		json_array_append(user, v);
	/* user mounts go shallowest first so nested ones stay visible (a stable sort) */
	for (size_t a = 1; a < json_array_size(user); a++)
		for (size_t b = a; b > 0; b--) {
			json_t *x = json_array_get(user, b - 1), *y = json_array_get(user, b);
			if (depth(json_string_value(json_object_get(x, "destination"))) <=
			    depth(json_string_value(json_object_get(y, "destination"))))
				break;
			json_incref(x);
			json_array_set(user, b - 1, y);
			json_array_set_new(user, b, x);
		}
	json_array_foreach(user, i, v)
		mount_put(mounts, json_incref(v));
	json_decref(user);
	json_object_set_new(spec, "mounts", mounts);
	return 0;
fail:
	json_decref(user);
	json_decref(mounts);
	return -1;
}

static json_t *
default_devices(void)
{
	json_t *d = json_array();
	static const struct {
		const char *type;
		int64_t major, minor;
		const char *access;
	} allow[] = {
		{ "c", -1, -1, "m" },	{ "b", -1, -1, "m" },	{ "c", 1, 3, "rwm" },
		{ "c", 1, 8, "rwm" },	{ "c", 1, 7, "rwm" },	{ "c", 5, 0, "rwm" },
		{ "c", 1, 5, "rwm" },	{ "c", 1, 9, "rwm" },	{ "c", 5, 1, "rwm" },
		{ "c", 136, -1, "rwm" }, { "c", 5, 2, "rwm" }, { "c", 10, 200, "rwm" },
	};

	json_array_append_new(d, json_pack("{s:b, s:s}", "allow", 0, "access", "rwm"));
	for (size_t i = 0; i < ARRAY_SIZE(allow); i++) {
		json_t *e = json_pack("{s:b, s:s}", "allow", 1, "type", allow[i].type);
		if (allow[i].major >= 0)
			json_object_set_new(e, "major", json_integer(allow[i].major));
		if (allow[i].minor >= 0)
			json_object_set_new(e, "minor", json_integer(allow[i].minor));
		json_object_set_new(e, "access", json_string(allow[i].access));
		json_array_append_new(d, e);
	}
	return d;
}

/*
 * Settings.Devices [{PathOnHost, PathInContainer, CgroupPermissions}]: a
 * node in linux.devices with the host device's numbers and mode, and a
 * cgroup rule that lets the container use it ("" means rwm).
 */
static int
build_devices(const struct pod_specgen_ctx *ctx, json_t *linux_, struct pod_err **err)
{
	json_t *devs = json_object_get(ctx->settings, "Devices"), *d, *nodes;
	json_t *rules = json_object_get(json_object_get(linux_, "resources"), "devices");
	size_t i;

	if (!json_array_size(devs))
		return 0;
	nodes = json_array();
	json_array_foreach(devs, i, d) {
		const char *host = json_string_value(json_object_get(d, "PathOnHost"));
		const char *path = json_string_value(json_object_get(d, "PathInContainer"));
		const char *perms = json_string_value(json_object_get(d, "CgroupPermissions"));
		const char *type;
		struct stat st;

		if (!host || !path || stat(host, &st) < 0) {
			json_decref(nodes);
			return pod_err_sys(err, "stat %s", host ? host : "");
		}
		if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) {
			json_decref(nodes);
			return pod_err_set(err, POD_E_INVALID, 0, "%s is not a device", host);
		}
		type = S_ISCHR(st.st_mode) ? "c" : "b";
		json_array_append_new(nodes, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "path",
						       path, "type", type, "major",
						       (json_int_t) major(st.st_rdev), "minor",
						       (json_int_t) minor(st.st_rdev), "fileMode",
						       (json_int_t) (st.st_mode & 07777), "uid",
						       (json_int_t) st.st_uid, "gid",
						       (json_int_t) st.st_gid));
		if (json_is_array(rules))
			json_array_append_new(rules, json_pack("{s:b, s:s, s:I, s:I, s:s}", "allow", 1,
							       "type", type, "major",
							       (json_int_t) major(st.st_rdev), "minor",
							       (json_int_t) minor(st.st_rdev), "access",
							       perms && *perms ? perms : "rwm"));
	}
	json_object_set_new(linux_, "devices", nodes);
	return 0;
}

static json_t *
build_resources(const struct pod_specgen_ctx *ctx)
{
	json_t *s = ctx->settings, *r = json_object(), *mem = json_object(), *cpu = json_object();
	int64_t v;

	json_object_set_new(r, "devices", sbool(s, "Privileged") ?
						  json_pack("[{s:b, s:s}]", "allow", 1, "access",
							    "rwm") :
						  default_devices());
	if ((v = sint(s, "Memory", 0)) > 0)
		json_object_set_new(mem, "limit", json_integer(v));
	if ((v = sint(s, "MemoryReservation", 0)) > 0)
		json_object_set_new(mem, "reservation", json_integer(v));
	if ((v = sint(s, "MemorySwap", 0)) != 0)
		json_object_set_new(mem, "swap", json_integer(v));
	else if ((v = sint(s, "Memory", 0)) > 0)
		/* Podman: without --memory-swap, swap may be as large as memory */
		json_object_set_new(mem, "swap", json_integer(2 * v));
	if (json_object_size(mem))
		json_object_set(r, "memory", mem);
	if ((v = sint(s, "CpuShares", 0)) > 0)
		json_object_set_new(cpu, "shares", json_integer(v));
	if ((v = sint(s, "CpuQuota", 0)) != 0)
		json_object_set_new(cpu, "quota", json_integer(v));
	if ((v = sint(s, "CpuPeriod", 0)) > 0)
		json_object_set_new(cpu, "period", json_integer(v));
	if (*sstr(s, "CpusetCpus"))
		json_object_set_new(cpu, "cpus", json_string(sstr(s, "CpusetCpus")));
	if (*sstr(s, "CpusetMems"))
		json_object_set_new(cpu, "mems", json_string(sstr(s, "CpusetMems")));
	if (json_object_size(cpu))
		json_object_set(r, "cpu", cpu);
	v = sint(s, "PidsLimit", ctx->conf ? ctx->conf->pids_limit : 2048);
	if (v > 0)
		json_object_set_new(r, "pids", json_pack("{s:I}", "limit", (json_int_t) v));
	json_decref(mem);
	json_decref(cpu);
	return r;
}

/* a namespace entry: joined by path, none ("host"), or a new one */
static void
add_ns(json_t *ns, const struct pod_specgen_ctx *ctx, const char *type, bool dflt)
{
	const char *j = json_string_value(json_object_get(ctx->ns_join, type));

	if (j && STREQ(j, "host"))
		return;
	if (j)
		json_array_append_new(ns, json_pack("{s:s, s:s}", "type", type, "path", j));
	else if (dflt)
		json_array_append_new(ns, json_pack("{s:s}", "type", type));
}

static json_t *
build_namespaces(const struct pod_specgen_ctx *ctx)
{
	json_t *ns = json_array();
	const char *net = sstr(ctx->settings, "Network");
	const char *cg = sstr(ctx->settings, "CgroupNS");

	add_ns(ns, ctx, "pid", true);
	if (ctx->netns_path)
		json_array_append_new(ns, json_pack("{s:s, s:s}", "type", "network", "path",
						    ctx->netns_path));
	else
		add_ns(ns, ctx, "network", !STREQ(net, "host"));
	add_ns(ns, ctx, "ipc", true);
	add_ns(ns, ctx, "uts", true);
	json_array_append_new(ns, json_pack("{s:s}", "type", "mount"));
	add_ns(ns, ctx, "cgroup", ctx->cgroup_version == 2 ? !STREQ(cg, "host") :
							    STREQ(cg, "private"));
	return ns;
}

static json_t *
strings_array(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static int
build_sysctls(const struct pod_specgen_ctx *ctx, json_t *linux_, struct pod_err **err)
{
	json_t *sys = json_object(), *v;
	bool host_net = STREQ(sstr(ctx->settings, "Network"), "host");
	size_t i;

	for (size_t k = 0; ctx->conf && ctx->conf->default_sysctls && ctx->conf->default_sysctls[k];
	     k++) {
		const char *kv = ctx->conf->default_sysctls[k];
		const char *eq = strchr(kv, '=');
		if (!eq)
			continue;
		cleanup_free char *key = xstrndup(kv, (size_t) (eq - kv));
		/* net.* sysctls need our own network namespace */
		if (host_net && pod_str_has_prefix(key, "net."))
			continue;
		json_object_set_new(sys, key, json_string(eq + 1));
	}
	json_array_foreach(json_object_get(ctx->settings, "Sysctls"), i, v) {
		const char *kv = json_string_value(v), *eq = kv ? strchr(kv, '=') : NULL;
		if (!eq) {
			json_decref(sys);
			return pod_err_set(err, POD_E_INVALID, 0, "%s is invalid, sysctl values must "
					   "be in the form of KEY=VALUE", kv ? kv : "");
		}
		cleanup_free char *key = xstrndup(kv, (size_t) (eq - kv));
		if (host_net && pod_str_has_prefix(key, "net.")) {
			json_decref(sys);
			return pod_err_set(err, POD_E_INVALID, 0, "sysctl %s can't be set since "
					   "Network Namespace set to host: invalid argument", key);
		}
		json_object_set_new(sys, key, json_string(eq + 1));
	}
	if (json_object_size(sys))
		json_object_set_new(linux_, "sysctl", sys);
	else
		json_decref(sys);
	return 0;
}

static int
umask_value(const struct pod_specgen_ctx *ctx, uint32_t *ret)
{
	const char *u = sstr(ctx->settings, "Umask");
	unsigned long v;
	char *end;

	if (!*u)
		u = ctx->conf && ctx->conf->umask ? ctx->conf->umask : "0022";
	v = strtoul(u, &end, 8);
	if (*end || v > 0777)
		return -1;
	*ret = (uint32_t) v;
	return 0;
}

json_t *
pod_specgen_generate(const struct pod_specgen_ctx *ctx, struct pod_err **err)
{
	json_t *s = ctx->settings;
	cleanup_json json_t *spec = json_object();
	cleanup_json json_t *args = pod_specgen_args(s, ctx->image_config);
	cleanup_json json_t *gids = NULL;
	cleanup_free char *hostname = pod_specgen_hostname(ctx), *home = NULL;
	cleanup_strv char **caps = NULL;
	cleanup_strv char **group_add = strv_of(json_object_get(s, "GroupAdd"));
	cleanup_close int rootfd = -1;
	const char *user = sstr(s, "User");
	const char *cwd = sstr(s, "WorkingDir");
	json_t *process, *linux_, *annotations, *v;
	uid_t uid;
	gid_t gid;
	uint32_t umask_v = 022;

	if (json_array_size(args) == 0)
		return pod_err_set(err, POD_E_INVALID, 0, "no command or entrypoint provided, and "
				   "no CMD or ENTRYPOINT from image"), NULL;
	if (!*user)
		user = json_string_value(json_object_get(ctx->image_config, "User")) ?: "";
	if (!*cwd)
		cwd = json_string_value(json_object_get(ctx->image_config, "WorkingDir")) ?: "";
	if (!*cwd)
		cwd = "/";
	rootfd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return pod_err_sys(err, "opening the rootfs %s", ctx->rootfs), NULL;
	if (pod_specgen_resolve_user(rootfd, user, group_add, &uid, &gid, &gids, &home, err) < 0)
		return NULL;
	if (umask_value(ctx, &umask_v) < 0)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid umask \"%s\"", sstr(s, "Umask")),
		       NULL;

	json_object_set_new(spec, "ociVersion", json_string("1.0.2-dev"));
	process = json_object();
	json_object_set_new(process, "terminal", json_boolean(sbool(s, "Tty")));
	{
		json_t *u = json_pack("{s:I, s:I, s:I}", "uid", (json_int_t) uid, "gid",
				      (json_int_t) gid, "umask", (json_int_t) umask_v);
		if (json_array_size(gids))
			json_object_set(u, "additionalGids", gids);
		json_object_set_new(process, "user", u);
	}
	if (sbool(s, "Init") && ctx->init_path) {
		json_t *a = json_pack("[s,s]", "/run/podman-init", "--");
		json_array_extend(a, args);
		json_object_set_new(process, "args", a);
	} else {
		json_object_set(process, "args", args);
	}
	json_object_set_new(process, "env", build_env(ctx, hostname, home));
	json_object_set_new(process, "cwd", pod_json_string(cwd));
	if (build_caps(ctx, uid == 0, process, &caps, err) < 0)
		return NULL;
	if (build_rlimits(ctx, process, err) < 0)
		return NULL;
	json_object_set_new(process, "noNewPrivileges", json_boolean(sbool(s, "NoNewPrivileges")));
	json_object_set_new(process, "oomScoreAdj", json_integer(0));
	json_object_set_new(spec, "process", process);
	json_object_set_new(spec, "root", json_pack("{s:s, s:b}", "path", ctx->rootfs, "readonly",
						    sbool(s, "ReadOnly")));
	/* a joined or the host's UTS namespace keeps its own name */
	if (!json_object_get(ctx->ns_join, "uts"))
		json_object_set_new(spec, "hostname", pod_json_string(hostname));
	if (build_mounts(ctx, spec, err) < 0)
		return NULL;

	annotations = json_object();
	json_object_set_new(annotations, "io.container.manager", json_string("libpod"));
	json_object_set_new(annotations, "io.podman.annotations.autoremove",
			    json_string(sbool(s, "Rm") ? "TRUE" : "FALSE"));
	json_object_set_new(annotations, "io.podman.annotations.init",
			    json_string(sbool(s, "Init") ? "TRUE" : "FALSE"));
	json_object_set_new(annotations, "io.podman.annotations.privileged",
			    json_string(sbool(s, "Privileged") ? "TRUE" : "FALSE"));
	{
		char sig[16];
		snprintf(sig, sizeof(sig), "%" PRId64, sint(s, "StopSignal", 15));
		json_object_set_new(annotations, "org.opencontainers.image.stopSignal",
				    json_string(sig));
	}
	{
		const char *k;
		json_object_foreach(json_object_get(s, "Annotations"), k, v)
			json_object_set(annotations, k, v);
	}
	json_object_set_new(spec, "annotations", annotations);

	linux_ = json_object();
	if (build_sysctls(ctx, linux_, err) < 0) {
		json_decref(linux_);
		return NULL;
	}
	if (ctx->cgroups_path) {
		json_object_set_new(linux_, "resources", build_resources(ctx));
		json_object_set_new(linux_, "cgroupsPath", json_string(ctx->cgroups_path));
	}
	if (build_devices(ctx, linux_, err) < 0) {
		json_decref(linux_);
		return NULL;
	}
	json_object_set_new(linux_, "namespaces", build_namespaces(ctx));
	if (!sbool(s, "Privileged")) {
		const char *prof = sstr(s, "SeccompProfile");
		json_t *sec = NULL;
		if (!*prof) {
			sec = pod_seccomp_default_profile((const char *const *) caps);
		} else if (!STREQ(prof, "unconfined")) {
			sec = pod_seccomp_profile_from_file(prof, (const char *const *) caps, err);
			if (!sec) {
				json_decref(linux_);
				return NULL;
			}
		}
		if (sec)
			json_object_set_new(linux_, "seccomp", sec);
		json_object_set_new(linux_, "maskedPaths",
				    strings_array(masked_paths, ARRAY_SIZE(masked_paths)));
		json_object_set_new(linux_, "readonlyPaths",
				    strings_array(readonly_paths, ARRAY_SIZE(readonly_paths)));
	}
	json_object_set_new(spec, "linux", linux_);

	{
		cleanup_strv char **dirs = strv_of(json_object_get(s, "HooksDirs"));
		char *const *use = dirs;
		if (!json_object_get(s, "HooksDirs"))
			use = ctx->conf ? ctx->conf->hooks_dir : NULL;
		if (pod_specgen_hooks(use, spec, err) < 0)
			return NULL;
	}
	return TAKE_PTR(spec);
}
