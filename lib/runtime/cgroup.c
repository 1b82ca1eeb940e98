/* cgroup.c - host detection, paths, and the back-end independent parts of a cgroup */
#include "runtime/cgroup-internal.h"
#include "core/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CGROUP_ROOT "/sys/fs/cgroup"

/* v1 controller names as they appear in mount options */
static const char *const v1_controllers[] = {
	"blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "hugetlb", "memory",
	"misc", "net_cls", "net_prio", "perf_event", "pids", "rdma",
};

/* --- small file helpers -------------------------------------------------- */

static char *
read_fd_all(int fd)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	char buf[4096];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;

			pod_strbuf_release(&sb);
			errno = saved;
			return NULL;
		}
		if (n == 0)
			break;
		pod_strbuf_add(&sb, buf, (size_t) n);
	}
	return pod_strbuf_detach(&sb);
}

static char *
read_path(const char *path)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	return read_fd_all(fd);
}

char *
pod_cgroup_read(const char *dir, const char *file, struct pod_err **err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, file);
	char *s = read_path(path);
	size_t n;

	if (!s) {
		pod_err_sys(err, "reading \"%s\"", path);
		return NULL;
	}
	n = strlen(s);
	while (n > 0 && s[n - 1] == '\n')
		s[--n] = '\0';
	return s;
}

bool
pod_cgroup_has_file(const char *dir, const char *file)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, file);

	return access(path, F_OK) == 0;
}

int
pod_cgroup_write(const char *dir, const char *file, const char *value, struct pod_err **err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, file);
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return pod_err_sys(err, "opening \"%s\"", path);
	return pod_cgroup_write_fd(fd, path, value, err);
}

int
pod_cgroup_write_fd(int fd, const char *path, const char *value, struct pod_err **err)
{
	size_t len = strlen(value);
	ssize_t n;

	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return pod_err_sys(err, "writing \"%s\" to \"%s\"", value, path);
	if ((size_t) n != len)
		return pod_err_set(err, POD_E_GENERIC, EIO, "writing \"%s\" to \"%s\": short write",
				   value, path);
	return 0;
}

int
pod_cgroup_writef(const char *dir, const char *file, struct pod_err **err, const char *fmt, ...)
{
	cleanup_free char *value = NULL;
	va_list ap;

	va_start(ap, fmt);
	value = pod_xvasprintf(fmt, ap);
	va_end(ap);
	return pod_cgroup_write(dir, file, value, err);
}

static bool
parse_u64(const char *s, uint64_t *ret)
{
	char *end = NULL;
	unsigned long long v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (STREQ(s, "max")) {
		*ret = POD_CGROUP_UNLIMITED;
		return true;
	}
	if (*s == '-') {
		/* v1 reports "-1" for some unlimited values */
		if (STREQ(s, "-1")) {
			*ret = POD_CGROUP_UNLIMITED;
			return true;
		}
		return false;
	}
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || (*end && *end != '\n' && *end != ' '))
		return false;
	/* v1 spells "no limit" as the largest page-aligned value below 2^63 */
	if (v >= (1ULL << 62))
		v = POD_CGROUP_UNLIMITED;
	*ret = v;
	return true;
}

int
pod_cgroup_read_u64(const char *dir, const char *file, uint64_t *ret, struct pod_err **err)
{
	cleanup_free char *s = pod_cgroup_read(dir, file, err);

	if (!s)
		return -1;
	if (!parse_u64(s, ret))
		return pod_err_set(err, POD_E_GENERIC, 0, "parsing \"%s/%s\": unexpected value \"%s\"",
				   dir, file, s);
	return 0;
}

bool
pod_cgroup_kv(const char *text, const char *key, uint64_t *ret)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, key, klen) == 0 && (p[klen] == ' ' || p[klen] == '\t')) {
			uint64_t v;

			if (parse_u64(p + klen + 1, &v)) {
				*ret = v;
				return true;
			}
			return false;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

void
pod_cgroup_sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long) (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int
pod_cgroup_json_int(json_t *obj, const char *what, const char *key, int64_t *ret,
		    struct pod_err **err)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return pod_err_set(err, POD_E_INVALID, 0, "%s.%s: expected an integer", what, key);
	*ret = (int64_t) json_integer_value(v);
	return 1;
}

int
pod_cgroup_json_array(json_t *obj, const char *what, const char *key, json_t **ret,
		      struct pod_err **err)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return pod_err_set(err, POD_E_INVALID, 0, "%s.%s: expected an array", what, key);
	*ret = v;
	return 0;
}

int
pod_cgroup_json_devnum(json_t *dev, const char *what, char **ret, struct pod_err **err)
{
	int64_t major = -1, minor = -1;

	if (!json_is_object(dev))
		return pod_err_set(err, POD_E_INVALID, 0, "%s: expected an object", what);
	if (pod_cgroup_json_int(dev, what, "major", &major, err) < 0 ||
	    pod_cgroup_json_int(dev, what, "minor", &minor, err) < 0)
		return -1;
	if (major < 0 || minor < 0 || major > UINT32_MAX || minor > UINT32_MAX)
		return pod_err_set(err, POD_E_INVALID, 0, "%s: a device needs major and minor numbers",
				   what);
	*ret = xasprintf("%" PRId64 ":%" PRId64, major, minor);
	return 0;
}

/* --- pure helpers --------------------------------------------------------- */

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static char *
unescape_octal(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char) (((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

static bool
is_v1_controller(const char *opt)
{
	size_t i;

	if (pod_str_has_prefix(opt, "name=") && opt[5])
		return true;
	for (i = 0; i < ARRAY_SIZE(v1_controllers); i++)
		if (STREQ(opt, v1_controllers[i]))
			return true;
	return false;
}

static void
mount_release(struct pod_cgroup_mount *m)
{
	free(m->mount_point);
	free(m->root);
	free(m->options);
	pod_strv_free(m->controllers);
	free(m->dir);
	memset(m, 0, sizeof(*m));
}

void
pod_cgroup_mounts_free(struct pod_cgroup_mount *m, size_t n)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < n; i++)
		mount_release(&m[i]);
	free(m);
}

static char **
split(const char *s, char sep)
{
	char **v = xcalloc(1, sizeof(char *));
	const char *p = s;

	while (p && *p) {
		const char *e = strchr(p, sep);
		size_t len = e ? (size_t) (e - p) : strlen(p);

		if (len > 0)
			v = pod_strv_push(v, xstrndup(p, len));
		p = e ? e + 1 : NULL;
	}
	return v;
}

static int
parse_mountinfo_line(const char *line, struct pod_cgroup_mount *ret, bool *ret_ok,
		     struct pod_err **err)
{
	cleanup_strv char **f = split(line, ' ');
	size_t n = pod_strv_len(f), dash;
	const char *fstype, *super;
	cleanup_strv char **opts = NULL;
	char **ctrls;
	size_t i;

	*ret_ok = false;
	for (dash = 6; dash < n; dash++)
		if (STREQ(f[dash], "-"))
			break;
	if (n < 7 || dash + 3 >= n)
		return pod_err_set(err, POD_E_INVALID, 0, "mountinfo: malformed line \"%s\"", line);
	fstype = f[dash + 1];
	super = f[dash + 3];
	if (!STREQ(fstype, "cgroup") && !STREQ(fstype, "cgroup2"))
		return 0;
	memset(ret, 0, sizeof(*ret));
	ret->root = unescape_octal(f[3]);
	ret->mount_point = unescape_octal(f[4]);
	ret->options = xstrdup(super);
	ret->v2 = STREQ(fstype, "cgroup2");
	ctrls = xcalloc(1, sizeof(char *));
	if (!ret->v2) {
		opts = split(super, ',');
		for (i = 0; opts[i]; i++)
			if (is_v1_controller(opts[i]))
				ctrls = pod_strv_push(ctrls, xstrdup(opts[i]));
	}
	ret->controllers = ctrls;
	*ret_ok = true;
	return 0;
}

static bool
strv_equal_set(char *const *a, char *const *b)
{
	size_t i;

	if (pod_strv_len(a) != pod_strv_len(b))
		return false;
	for (i = 0; a[i]; i++)
		if (!pod_strv_contains(b, a[i]))
			return false;
	return true;
}

int
pod_cgroup_parse_mountinfo(const char *text, struct pod_cgroup_mount **ret, size_t *ret_n,
			   struct pod_err **err)
{
	struct pod_cgroup_mount *m = NULL;
	size_t n = 0, i;
	const char *p = text;

	while (p && *p) {
		const char *e = strchr(p, '\n');
		cleanup_free char *line = xstrndup(p, e ? (size_t) (e - p) : strlen(p));
		struct pod_cgroup_mount one;
		bool ok = false, dup = false;

		p = e ? e + 1 : NULL;
		if (!*line)
			continue;
		if (parse_mountinfo_line(line, &one, &ok, err) < 0) {
			pod_cgroup_mounts_free(m, n);
			return -1;
		}
		if (!ok)
			continue;
		/* a hierarchy mounted twice (bind mounts): the first one wins */
		for (i = 0; i < n && !dup; i++)
			dup = m[i].v2 == one.v2 && (one.v2 ? true : strv_equal_set(m[i].controllers,
										   one.controllers));
		if (dup || (!one.v2 && !one.controllers[0])) {
			mount_release(&one);
			continue;
		}
		m = xrealloc(m, (n + 1) * sizeof(*m));
		m[n++] = one;
	}
	*ret = m;
	*ret_n = n;
	return 0;
}

char *
pod_cgroup_parse_self(const char *text, const char *controller)
{
	const char *p = text;

	while (p && *p) {
		const char *e = strchr(p, '\n');
		cleanup_free char *line = xstrndup(p, e ? (size_t) (e - p) : strlen(p));
		char *c1 = strchr(line, ':'), *c2;

		p = e ? e + 1 : NULL;
		if (!c1)
			continue;
		c2 = strchr(c1 + 1, ':');
		if (!c2)
			continue;
		*c2 = '\0';
		if (!*controller) {
			if (!c1[1])
				return xstrdup(c2 + 1);
			continue;
		}
		{
			cleanup_strv char **ctrls = split(c1 + 1, ',');

			if (pod_strv_contains(ctrls, controller))
				return xstrdup(c2 + 1);
		}
	}
	return NULL;
}

int
pod_cgroup_validate_path(const char *cgroups_path, char **ret, struct pod_err **err)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	cleanup_strv char **parts = NULL;
	bool absolute;
	size_t i;

	if (!cgroups_path || !*cgroups_path)
		return pod_err_set(err, POD_E_INVALID, 0, "empty cgroups path");
	absolute = cgroups_path[0] == '/';
	if (!absolute && strchr(cgroups_path, ':'))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "invalid cgroups path \"%s\": the systemd \"slice:prefix:name\" "
				   "form needs the systemd cgroup manager, use a cgroupfs path",
				   cgroups_path);
	parts = split(cgroups_path, '/');
	for (i = 0; parts[i]; i++) {
		if (STREQ(parts[i], "."))
			continue;
		if (STREQ(parts[i], "..")) {
			pod_strbuf_release(&sb);
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid cgroups path \"%s\": \"..\" is not allowed",
					   cgroups_path);
		}
		if (sb.len > 0 || absolute)
			pod_strbuf_addch(&sb, '/');
		pod_strbuf_adds(&sb, parts[i]);
	}
	if (sb.len == 0) {
		pod_strbuf_release(&sb);
		return pod_err_set(err, POD_E_INVALID, 0,
				   "invalid cgroups path \"%s\": the root cgroup cannot be used",
				   cgroups_path);
	}
	*ret = pod_strbuf_detach(&sb);
	return 0;
}

uint64_t
pod_cgroup_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t
pod_cgroup_blkio_to_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + ((weight - 10) * 9999) / 990;
}

char *
pod_cgroup_cpu_max(int64_t quota, uint64_t period)
{
	if (period == 0)
		period = 100000;
	if (quota <= 0)
		return xasprintf("max %" PRIu64, period);
	return xasprintf("%" PRId64 " %" PRIu64, quota, period);
}

int
pod_cgroup_swap_max(int64_t mem_limit, int64_t memsw, char **ret, struct pod_err **err)
{
	if (memsw == 0) {
		*ret = NULL;
		return 0;
	}
	if (memsw < 0) {
		*ret = xstrdup("max");
		return 0;
	}
	if (mem_limit <= 0)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "cannot set a swap limit without a memory limit");
	if (memsw < mem_limit)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "memory+swap limit (%" PRId64 ") must not be lower than the memory "
				   "limit (%" PRId64 ")", memsw, mem_limit);
	*ret = xasprintf("%" PRId64, memsw - mem_limit);
	return 0;
}

int
pod_cgroup_device_rule(json_t *dev, bool *ret_allow, char **ret, struct pod_err **err)
{
	const char *type = "a", *access = "rwm";
	json_t *allow, *v;
	int64_t major = -1, minor = -1;
	cleanup_free char *smaj = NULL, *smin = NULL;
	size_t i;

	if (!json_is_object(dev))
		return pod_err_set(err, POD_E_INVALID, 0, "linux.resources.devices: expected objects");
	allow = json_object_get(dev, "allow");
	if (!json_is_boolean(allow))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "linux.resources.devices: \"allow\" must be a boolean");
	v = json_object_get(dev, "type");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "linux.resources.devices: \"type\" must be a string");
		type = json_string_value(v);
		if (!*type)
			type = "a";
	}
	if (!STREQ(type, "a") && !STREQ(type, "b") && !STREQ(type, "c"))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid device type \"%s\"", type);
	v = json_object_get(dev, "access");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "linux.resources.devices: \"access\" must be a string");
		access = json_string_value(v);
		if (!*access)
			access = "rwm";
	}
	for (i = 0; access[i]; i++)
		if (!strchr("rwm", access[i]) || i >= 3)
			return pod_err_set(err, POD_E_INVALID, 0, "invalid device access \"%s\"",
					   access);
	if (pod_cgroup_json_int(dev, "linux.resources.devices", "major", &major, err) < 0 ||
	    pod_cgroup_json_int(dev, "linux.resources.devices", "minor", &minor, err) < 0)
		return -1;
	smaj = major < 0 ? xstrdup("*") : xasprintf("%" PRId64, major);
	smin = minor < 0 ? xstrdup("*") : xasprintf("%" PRId64, minor);
	*ret_allow = json_is_true(allow);
	*ret = xasprintf("%s %s:%s %s", type, smaj, smin, access);
	return 0;
}

/* --- the host ------------------------------------------------------------- */

static struct {
	bool loaded;
	int version;
	bool hybrid;
	struct pod_cgroup_mount *m;
	size_t n;
} host;

static void
fill_v2_controllers(struct pod_cgroup_mount *m)
{
	cleanup_free char *path = xasprintf("%s/cgroup.controllers", m->mount_point);
	cleanup_free char *text = read_path(path);

	pod_strv_free(m->controllers);
	m->controllers = split(text ? text : "", ' ');
	for (size_t i = 0; m->controllers[i]; i++) {
		char *nl = strchr(m->controllers[i], '\n');

		if (nl)
			*nl = '\0';
	}
}

static int
load_host(struct pod_err **err)
{
	struct statfs sfs;
	cleanup_free char *text = NULL;
	struct pod_cgroup_mount *all = NULL;
	size_t n = 0, i, keep = 0;

	if (host.loaded)
		return 0;
	if (statfs(CGROUP_ROOT, &sfs) < 0)
		return pod_err_sys(err, "statfs \"%s\"", CGROUP_ROOT);
	host.version = sfs.f_type == CGROUP2_SUPER_MAGIC ? 2 : 1;
	if (host.version == 1 && statfs(CGROUP_ROOT "/unified", &sfs) == 0 &&
	    sfs.f_type == CGROUP2_SUPER_MAGIC)
		host.hybrid = true;
	text = read_path("/proc/self/mountinfo");
	if (!text)
		return pod_err_sys(err, "reading \"/proc/self/mountinfo\"");
	if (pod_cgroup_parse_mountinfo(text, &all, &n, err) < 0)
		return -1;
	/* v2: only the /sys/fs/cgroup mount; v1: every v1 hierarchy, plus the
	 * unified tree in hybrid mode */
	for (i = 0; i < n; i++) {
		bool want;

		if (host.version == 2)
			want = all[i].v2 && STREQ(all[i].mount_point, CGROUP_ROOT);
		else
			want = !all[i].v2 ||
			       (host.hybrid && STREQ(all[i].mount_point, CGROUP_ROOT "/unified"));
		if (!want) {
			mount_release(&all[i]);
			continue;
		}
		if (all[i].v2)
			fill_v2_controllers(&all[i]);
		all[keep++] = all[i];
	}
	if (keep == 0) {
		pod_cgroup_mounts_free(all, n);
		return pod_err_set(err, POD_E_GENERIC, 0,
				   "no cgroup file system is mounted under \"%s\"", CGROUP_ROOT);
	}
	host.m = all;
	host.n = keep;
	host.loaded = true;
	return 0;
}

int
pod_cgroup_version(struct pod_err **err)
{
	if (load_host(err) < 0)
		return 0;
	return host.version;
}

const char *
pod_cgroup_version_name(void)
{
	struct pod_err *e = NULL;
	int v = pod_cgroup_version(&e);

	pod_err_free(&e);
	return v == 2 ? "v2" : "v1";
}

bool
pod_cgroup_is_hybrid(void)
{
	struct pod_err *e = NULL;

	if (load_host(&e) < 0) {
		pod_err_free(&e);
		return false;
	}
	return host.hybrid;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

int
pod_cgroup_controllers(char ***ret, struct pod_err **err)
{
	char **v;
	size_t i, j;

	if (load_host(err) < 0)
		return -1;
	v = xcalloc(1, sizeof(char *));
	for (i = 0; i < host.n; i++)
		for (j = 0; host.m[i].controllers[j]; j++) {
			const char *c = host.m[i].controllers[j];

			if (pod_str_has_prefix(c, "name=") || pod_strv_contains(v, c))
				continue;
			v = pod_strv_push(v, xstrdup(c));
		}
	qsort(v, pod_strv_len(v), sizeof(char *), cmp_str);
	*ret = v;
	return 0;
}

/* --- the object ----------------------------------------------------------- */

static const struct cg_ops *
host_ops(void)
{
	return host.version == 2 ? &pod_cgroup_v2_ops : &pod_cgroup_v1_ops;
}

struct pod_cgroup *
pod_cgroup_free(struct pod_cgroup *cg)
{
	if (!cg)
		return NULL;
	free(cg->path);
	pod_cgroup_mounts_free(cg->mounts, cg->n_mounts);
	free(cg);
	return NULL;
}

void
pod_cgroup_freep(struct pod_cgroup **cg)
{
	*cg = pod_cgroup_free(*cg);
}

const char *
pod_cgroup_path(const struct pod_cgroup *cg)
{
	return cg->path;
}

const struct pod_cgroup_mount *
pod_cgroup_mounts(const struct pod_cgroup *cg, size_t *ret_n)
{
	*ret_n = cg->n_mounts;
	return cg->mounts;
}

const struct pod_cgroup_mount *
pod_cgroup_find(const struct pod_cgroup *cg, const char *controller)
{
	size_t i;

	/* v1 hierarchies first: in hybrid mode the unified tree holds only
	 * the controllers no v1 hierarchy took */
	for (i = 0; i < cg->n_mounts; i++)
		if (!cg->mounts[i].v2 && pod_strv_contains(cg->mounts[i].controllers, controller))
			return &cg->mounts[i];
	for (i = 0; i < cg->n_mounts; i++)
		if (cg->mounts[i].v2 &&
		    (!*controller || pod_strv_contains(cg->mounts[i].controllers, controller)))
			return &cg->mounts[i];
	return NULL;
}

const char *
pod_cgroup_dir(const struct pod_cgroup *cg, const char *controller)
{
	const struct pod_cgroup_mount *m = pod_cgroup_find(cg, controller);

	return m ? m->dir : NULL;
}

/* The cgroup's directory in one hierarchy. */
static char *
resolve_dir(const struct pod_cgroup_mount *m, const char *path, const char *self_text)
{
	cleanup_free char *cgpath = NULL;
	const char *rel;
	size_t rlen = strlen(m->root);

	if (path[0] == '/') {
		cgpath = xstrdup(path);
	} else {
		cleanup_free char *self = NULL;

		if (self_text)
			self = pod_cgroup_parse_self(self_text, m->v2 ? "" : m->controllers[0]);
		if (!self || STREQ(self, "/"))
			cgpath = xasprintf("/%s", path);
		else
			cgpath = xasprintf("%s/%s", self, path);
	}
	rel = cgpath;
	/* a mount of a sub-tree (cgroup namespace, bind mount) shows its root */
	if (!STREQ(m->root, "/") && strncmp(cgpath, m->root, rlen) == 0 &&
	    (cgpath[rlen] == '/' || cgpath[rlen] == '\0'))
		rel = cgpath + rlen;
	return xasprintf("%s%s", m->mount_point, rel);
}

static int
cgroup_new(const char *cgroups_path, struct pod_cgroup **ret, struct pod_err **err)
{
	cleanup_(pod_cgroup_freep) struct pod_cgroup *cg = NULL;
	cleanup_free char *norm = NULL, *self_text = NULL;
	size_t i;

	if (load_host(err) < 0)
		return -1;
	if (pod_cgroup_validate_path(cgroups_path, &norm, err) < 0)
		return -1;
	if (norm[0] != '/')
		self_text = read_path("/proc/self/cgroup");
	cg = xcalloc(1, sizeof(*cg));
	cg->ops = host_ops();
	cg->path = TAKE_PTR(norm);
	cg->mounts = xcalloc(host.n, sizeof(*cg->mounts));
	for (i = 0; i < host.n; i++) {
		struct pod_cgroup_mount *d = &cg->mounts[i];
		const struct pod_cgroup_mount *s = &host.m[i];
		size_t j;

		d->mount_point = xstrdup(s->mount_point);
		d->root = xstrdup(s->root);
		d->options = xstrdup(s->options);
		d->v2 = s->v2;
		d->controllers = xcalloc(1, sizeof(char *));
		for (j = 0; s->controllers[j]; j++)
			d->controllers = pod_strv_push(d->controllers, xstrdup(s->controllers[j]));
		d->dir = resolve_dir(s, cg->path, self_text);
		cg->n_mounts++;
	}
	*ret = TAKE_PTR(cg);
	return 0;
}

/* v2: turn on in `dir` every controller it has, for its children */
static void
enable_subtree(const struct pod_cgroup_mount *m, const char *dir)
{
	cleanup_free char *text = NULL;
	cleanup_strv char **ctrls = NULL;
	struct pod_err *e = NULL;
	size_t i;

	text = pod_cgroup_read(dir, "cgroup.controllers", &e);
	if (!text) {
		pod_err_free(&e);
		return;
	}
	ctrls = split(text, ' ');
	for (i = 0; ctrls[i]; i++) {
		/* EBUSY for a cgroup that has processes: children then lack
		 * that controller, which shows when a resource is set */
		if (pod_cgroup_writef(dir, "cgroup.subtree_control", &e, "+%s", ctrls[i]) < 0)
			pod_err_free(&e);
	}
}

/* v1 cpuset: a new cgroup starts with empty cpus and mems, and then takes no tasks */
static int
cpuset_inherit(const char *parent, const char *dir, struct pod_err **err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *cur = pod_cgroup_read(dir, files[i], err);
		cleanup_free char *up = NULL;

		if (!cur)
			return -1;
		if (*cur)
			continue;
		up = pod_cgroup_read(parent, files[i], err);
		if (!up)
			return -1;
		if (*up && pod_cgroup_write(dir, files[i], up, err) < 0)
			return -1;
	}
	return 0;
}

/* mkdir -p of m->dir; *ret_created says whether the leaf is new */
static int
make_dirs(const struct pod_cgroup_mount *m, bool *ret_created, struct pod_err **err)
{
	size_t base = strlen(m->mount_point);
	cleanup_free char *cur = xstrdup(m->dir);
	char *p = cur + base;
	bool is_cpuset = !m->v2 && pod_strv_contains(m->controllers, "cpuset");

	*ret_created = false;
	while (*p == '/') {
		char *next = strchr(p + 1, '/');
		cleanup_free char *parent = xstrndup(cur, (size_t) (p - cur));
		bool created = false;

		if (next)
			*next = '\0';
		if (m->v2)
			enable_subtree(m, parent);
		if (mkdir(cur, 0755) == 0)
			created = true;
		else if (errno != EEXIST)
			return pod_err_sys(err, "creating cgroup directory \"%s\"", cur);
		if (created && is_cpuset && cpuset_inherit(parent, cur, err) < 0)
			return -1;
		*ret_created = created;
		if (!next)
			break;
		*next = '/';
		p = next;
	}
	return 0;
}

int
pod_cgroup_add_pid(struct pod_cgroup *cg, pid_t pid, struct pod_err **err)
{
	size_t i;

	for (i = 0; i < cg->n_mounts; i++)
		if (pod_cgroup_writef(cg->mounts[i].dir, "cgroup.procs", err, "%d", (int) pid) < 0)
			return pod_err_wrap(err, "adding process %d to cgroup \"%s\"", (int) pid,
					    cg->path);
	return 0;
}

/*
 * Moving a whole process (a pid, or "0" written to cgroup.procs) write-locks
 * the kernel's global cgroup_threadgroup_rwsem, and taking that lock waits
 * for an RCU grace period: 10-20 ms here for the first of the hierarchies.
 * A thread that moves itself ("0" written to a v1 "tasks" file) skips the
 * lock. For a single-threaded caller that is the same move, so the
 * container's init and exec'd processes join this way on cgroup v1.
 */
int
pod_cgroup_join_self(struct pod_cgroup *cg, bool v2_joined, struct pod_err **err)
{
	for (size_t i = 0; i < cg->n_mounts; i++) {
		const char *file = cg->mounts[i].v2 ? "cgroup.procs" : "tasks";
		if (cg->mounts[i].v2 && v2_joined)
			continue;
		if (pod_cgroup_write(cg->mounts[i].dir, file, "0", err) < 0)
			return pod_err_wrap(err, "joining cgroup \"%s\"", cg->path);
	}
	return 0;
}

/* v2 has no cheap self-move: a child is born in the cgroup (clone3 CLONE_INTO_CGROUP) */
int
pod_cgroup_v2_open(struct pod_cgroup *cg)
{
	for (size_t i = 0; i < cg->n_mounts; i++)
		if (cg->mounts[i].v2)
			return open(cg->mounts[i].dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return -1;
}

int
pod_cgroup_new(const char *cgroups_path, struct pod_cgroup **ret, struct pod_err **err)
{
	return cgroup_new(cgroups_path, ret, err);
}

int
pod_cgroup_make(struct pod_cgroup *cg, json_t *oci_resources, pid_t pid, struct pod_err **err)
{
	cleanup_free bool *created = NULL;
	struct cg_res res = { 0 };
	size_t i;

	if (oci_resources && !json_is_object(oci_resources) && !json_is_null(oci_resources))
		return pod_err_set(err, POD_E_INVALID, 0, "linux.resources: expected an object");
	if (json_is_object(oci_resources) && pod_cgroup_parse_res(oci_resources, &res, err) < 0)
		return pod_err_wrap(err, "creating cgroup \"%s\"", cg->path);
	created = xcalloc(cg->n_mounts, sizeof(bool));
	for (i = 0; i < cg->n_mounts; i++)
		if (make_dirs(&cg->mounts[i], &created[i], err) < 0)
			goto fail;
	if (json_is_object(oci_resources) && cg->ops->apply(cg, &res, true, err) < 0)
		goto fail;
	if (pid > 0 && pod_cgroup_add_pid(cg, pid, err) < 0)
		goto fail;
	return 0;
fail:
	for (i = cg->n_mounts; i-- > 0;)
		if (created[i])
			(void) rmdir(cg->mounts[i].dir);
	return pod_err_wrap(err, "creating cgroup \"%s\"", cg->path);
}

int
pod_cgroup_create(const char *cgroups_path, json_t *oci_resources, pid_t pid,
		  struct pod_cgroup **ret, struct pod_err **err)
{
	cleanup_(pod_cgroup_freep) struct pod_cgroup *cg = NULL;

	if (cgroup_new(cgroups_path, &cg, err) < 0 ||
	    pod_cgroup_make(cg, oci_resources, pid, err) < 0)
		return -1;
	*ret = TAKE_PTR(cg);
	return 0;
}

int
pod_cgroup_load(const char *cgroups_path, struct pod_cgroup **ret, struct pod_err **err)
{
	cleanup_(pod_cgroup_freep) struct pod_cgroup *cg = NULL;
	size_t i;
	bool any = false;

	if (cgroup_new(cgroups_path, &cg, err) < 0)
		return -1;
	for (i = 0; i < cg->n_mounts && !any; i++)
		any = access(cg->mounts[i].dir, F_OK) == 0;
	if (!any)
		return pod_err_set(err, POD_E_NOTFOUND, ENOENT, "cgroup \"%s\" not found",
				   cg->path);
	*ret = TAKE_PTR(cg);
	return 0;
}

int
pod_cgroup_update(struct pod_cgroup *cg, json_t *oci_resources, struct pod_err **err)
{
	struct cg_res res = { 0 };

	if (!oci_resources || json_is_null(oci_resources))
		return 0;
	if (!json_is_object(oci_resources))
		return pod_err_set(err, POD_E_INVALID, 0, "linux.resources: expected an object");
	if (pod_cgroup_parse_res(oci_resources, &res, err) < 0 ||
	    cg->ops->apply(cg, &res, false, err) < 0)
		return pod_err_wrap(err, "updating cgroup \"%s\"", cg->path);
	return 0;
}

int
pod_cgroup_freeze(struct pod_cgroup *cg, bool frozen, struct pod_err **err)
{
	if (cg->ops->freeze(cg, frozen, err) < 0)
		return pod_err_wrap(err, "%s cgroup \"%s\"", frozen ? "freezing" : "thawing",
				    cg->path);
	return 0;
}

int
pod_cgroup_is_frozen(struct pod_cgroup *cg, bool *ret, struct pod_err **err)
{
	return cg->ops->is_frozen(cg, ret, err);
}

/* the hierarchy whose cgroup.procs we list */
static const char *
procs_dir(const struct pod_cgroup *cg)
{
	static const char *const order[] = { "", "pids", "freezer", "memory", "cpu", "name=systemd" };
	size_t i;

	if (cg->ops == &pod_cgroup_v2_ops)
		return pod_cgroup_dir(cg, "");
	for (i = 1; i < ARRAY_SIZE(order); i++) {
		const struct pod_cgroup_mount *m = pod_cgroup_find(cg, order[i]);

		if (m && !m->v2)
			return m->dir;
	}
	return cg->n_mounts ? cg->mounts[0].dir : NULL;
}

static int
collect_pids(const char *dir, pid_t **v, size_t *n, int depth, struct pod_err **err)
{
	cleanup_free char *path = xasprintf("%s/cgroup.procs", dir);
	cleanup_free char *text = read_path(path);
	DIR *d;
	struct dirent *de;
	const char *p;

	if (!text) {
		if (errno == ENOENT && depth > 0)
			return 0; /* a child removed meanwhile */
		return pod_err_sys(err, "reading \"%s\"", path);
	}
	for (p = text; *p;) {
		int64_t pid;
		const char *e = strchr(p, '\n');
		cleanup_free char *line = xstrndup(p, e ? (size_t) (e - p) : strlen(p));

		p = e ? e + 1 : p + strlen(p);
		if (!*line)
			continue;
		if (!pod_parse_int64(line, &pid) || pid <= 0)
			return pod_err_set(err, POD_E_GENERIC, 0, "parsing \"%s\": bad pid \"%s\"",
					   path, line);
		*v = xrealloc(*v, (*n + 1) * sizeof(pid_t));
		(*v)[(*n)++] = (pid_t) pid;
	}
	if (depth > 32)
		return 0;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT && depth > 0 ? 0 : pod_err_sys(err, "opening \"%s\"", dir);
	while ((de = readdir(d))) {
		cleanup_free char *sub = NULL;

		if (de->d_type != DT_DIR || STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
			continue;
		sub = xasprintf("%s/%s", dir, de->d_name);
		if (collect_pids(sub, v, n, depth + 1, err) < 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

int
pod_cgroup_pids(struct pod_cgroup *cg, pid_t **ret, size_t *ret_n, struct pod_err **err)
{
	const char *dir = procs_dir(cg);
	pid_t *v = NULL;
	size_t n = 0;

	if (!dir)
		return pod_err_set(err, POD_E_GENERIC, 0, "cgroup \"%s\" has no hierarchy", cg->path);
	if (collect_pids(dir, &v, &n, 0, err) < 0) {
		free(v);
		return -1;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int
signal_all(struct pod_cgroup *cg, int sig, struct pod_err **err)
{
	cleanup_free pid_t *pids = NULL;
	size_t n = 0, i;

	if (pod_cgroup_pids(cg, &pids, &n, err) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return pod_err_sys(err, "sending signal %d to process %d", sig,
					   (int) pids[i]);
	return 0;
}

int
pod_cgroup_kill_all(struct pod_cgroup *cg, int sig, struct pod_err **err)
{
	struct pod_err *e = NULL;
	bool frozen = false, can_freeze;
	int r;

	if (sig == SIGKILL && cg->ops->kill_fast) {
		r = cg->ops->kill_fast(cg, err);
		if (r <= 0)
			return r;
	}
	if (sig != SIGKILL)
		return signal_all(cg, sig, err);
	/* freeze so nothing forks between listing and killing; a SIGKILLed
	 * task dies when thawed */
	can_freeze = cg->ops->is_frozen(cg, &frozen, &e) == 0;
	pod_err_free(&e);
	if (can_freeze && !frozen && cg->ops->freeze(cg, true, &e) < 0) {
		pod_err_free(&e);
		can_freeze = false;
	}
	r = signal_all(cg, sig, err);
	if (can_freeze && cg->ops->freeze(cg, false, r < 0 ? &e : err) < 0 && r == 0)
		r = -1;
	pod_err_free(&e);
	return r;
}

int
pod_cgroup_stats(struct pod_cgroup *cg, struct pod_cgroup_stats *ret, struct pod_err **err)
{
	struct pod_cgroup_stats st = {
		.mem_limit = POD_CGROUP_UNLIMITED,
		.swap_limit = POD_CGROUP_UNLIMITED,
		.pids_limit = POD_CGROUP_UNLIMITED,
	};

	if (cg->ops->stats(cg, &st, err) < 0)
		return pod_err_wrap(err, "reading statistics of cgroup \"%s\"", cg->path);
	*ret = st;
	return 0;
}

int
pod_cgroup_oom_count(struct pod_cgroup *cg, uint64_t *ret, struct pod_err **err)
{
	return cg->ops->oom_count(cg, ret, err);
}

/* rmdir children first; ENOENT is fine */
static int
remove_tree(const char *dir, struct pod_err **err)
{
	DIR *d;
	struct dirent *de;

	/* the usual cgroup has no children: its control files do not count */
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	if (errno != ENOTEMPTY && errno != EEXIST)
		return pod_err_sys(err, "removing cgroup \"%s\"", dir);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : pod_err_sys(err, "opening \"%s\"", dir);
	while ((de = readdir(d))) {
		cleanup_free char *sub = NULL;

		if (de->d_type != DT_DIR || STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
			continue;
		sub = xasprintf("%s/%s", dir, de->d_name);
		if (remove_tree(sub, err) < 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	if (rmdir(dir) < 0 && errno != ENOENT)
		return pod_err_sys(err, "removing cgroup \"%s\"", dir);
	return 0;
}

int
pod_cgroup_destroy(struct pod_cgroup *cg, struct pod_err **err)
{
	struct pod_err *e = NULL;
	int64_t deadline = pod_mono_ns() + 5 * 1000000000LL;
	size_t i;

	for (;;) {
		cleanup_free pid_t *pids = NULL;
		size_t n = 0;

		if (pod_cgroup_pids(cg, &pids, &n, &e) < 0) {
			/* nothing left to list: the directory is already gone */
			pod_err_free(&e);
			break;
		}
		if (n == 0)
			break;
		if (pod_cgroup_kill_all(cg, SIGKILL, &e) < 0)
			pod_err_free(&e);
		if (pod_mono_ns() > deadline)
			break;
		pod_cgroup_sleep_ms(10);
	}
	for (i = 0; i < cg->n_mounts; i++) {
		for (;;) {
			if (remove_tree(cg->mounts[i].dir, &e) == 0)
				break;
			if (e->errnum != EBUSY || pod_mono_ns() > deadline) {
				pod_err_set(err, e->kind, e->errnum, "%s", e->msg);
				pod_err_free(&e);
				return pod_err_wrap(err, "destroying cgroup \"%s\"", cg->path);
			}
			pod_err_free(&e);
			pod_cgroup_sleep_ms(10);
		}
	}
	return 0;
}

/* --- linux.resources -------------------------------------------------------- */

const char *const pod_cgroup_throttle_keys[4] = {
	"throttleReadBpsDevice",
	"throttleWriteBpsDevice",
	"throttleReadIOPSDevice",
	"throttleWriteIOPSDevice",
};

static int
get_int(json_t *obj, const char *what, const char *key, struct cg_opt *ret, struct pod_err **err)
{
	int r = pod_cgroup_json_int(obj, what, key, &ret->v, err);

	if (r < 0)
		return -1;
	ret->set = r > 0;
	return 0;
}

static int
get_bool(json_t *obj, const char *what, const char *key, struct cg_opt *ret, struct pod_err **err)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return pod_err_set(err, POD_E_INVALID, 0, "%s.%s: expected a boolean", what, key);
	ret->set = true;
	ret->v = json_is_true(v);
	return 0;
}

static int
get_str(json_t *obj, const char *what, const char *key, const char **ret, struct pod_err **err)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return pod_err_set(err, POD_E_INVALID, 0, "%s.%s: expected a string", what, key);
	if (*json_string_value(v))
		*ret = json_string_value(v);
	return 0;
}

static int
get_obj(json_t *obj, const char *what, const char *key, json_t **ret, struct pod_err **err)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return pod_err_set(err, POD_E_INVALID, 0, "%s.%s: expected an object", what, key);
	*ret = v;
	return 0;
}

int
pod_cgroup_parse_res(json_t *r, struct cg_res *ret, struct pod_err **err)
{
	struct cg_res res = { 0 };
	json_t *mem, *cpu, *pids, *bio, *net, *rdma;
	struct cg_opt rt_runtime = { 0 }, rt_period = { 0 }, ignored = { 0 };
	size_t i;

	if (get_obj(r, "linux.resources", "memory", &mem, err) < 0 ||
	    get_obj(r, "linux.resources", "cpu", &cpu, err) < 0 ||
	    get_obj(r, "linux.resources", "pids", &pids, err) < 0 ||
	    get_obj(r, "linux.resources", "blockIO", &bio, err) < 0 ||
	    get_obj(r, "linux.resources", "network", &net, err) < 0 ||
	    get_obj(r, "linux.resources", "rdma", &rdma, err) < 0 ||
	    get_obj(r, "linux.resources", "unified", &res.unified, err) < 0 ||
	    pod_cgroup_json_array(r, "linux.resources", "hugepageLimits", &res.hugepages, err) < 0 ||
	    pod_cgroup_json_array(r, "linux.resources", "devices", &res.devices, err) < 0)
		return -1;
	if (get_int(mem, "memory", "limit", &res.mem_limit, err) < 0 ||
	    get_int(mem, "memory", "reservation", &res.mem_reservation, err) < 0 ||
	    get_int(mem, "memory", "swap", &res.mem_swap, err) < 0 ||
	    get_int(mem, "memory", "swappiness", &res.mem_swappiness, err) < 0 ||
	    get_int(mem, "memory", "kernel", &ignored, err) < 0 ||
	    get_int(mem, "memory", "kernelTCP", &ignored, err) < 0 ||
	    get_bool(mem, "memory", "disableOOMKiller", &res.mem_oom_disable, err) < 0 ||
	    get_bool(mem, "memory", "useHierarchy", &res.mem_use_hierarchy, err) < 0)
		return -1;
	if (get_int(cpu, "cpu", "shares", &res.cpu_shares, err) < 0 ||
	    get_int(cpu, "cpu", "quota", &res.cpu_quota, err) < 0 ||
	    get_int(cpu, "cpu", "period", &res.cpu_period, err) < 0 ||
	    get_int(cpu, "cpu", "idle", &res.cpu_idle, err) < 0 ||
	    get_int(cpu, "cpu", "realtimeRuntime", &rt_runtime, err) < 0 ||
	    get_int(cpu, "cpu", "realtimePeriod", &rt_period, err) < 0 ||
	    get_str(cpu, "cpu", "cpus", &res.cpus, err) < 0 ||
	    get_str(cpu, "cpu", "mems", &res.mems, err) < 0)
		return -1;
	if ((rt_runtime.set && rt_runtime.v != 0) || (rt_period.set && rt_period.v != 0))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "realtime CPU scheduling (cpu.realtimeRuntime, "
				   "cpu.realtimePeriod) is not supported");
	if (get_int(pids, "pids", "limit", &res.pids_limit, err) < 0)
		return -1;
	if (get_int(bio, "blockIO", "weight", &res.blkio_weight, err) < 0 ||
	    get_int(bio, "blockIO", "leafWeight", &res.blkio_leaf_weight, err) < 0 ||
	    pod_cgroup_json_array(bio, "blockIO", "weightDevice", &res.weight_device, err) < 0)
		return -1;
	for (i = 0; i < 4; i++)
		if (pod_cgroup_json_array(bio, "blockIO", pod_cgroup_throttle_keys[i],
					  &res.throttle[i], err) < 0)
			return -1;
	if (get_int(net, "network", "classID", &res.net_classid, err) < 0 ||
	    pod_cgroup_json_array(net, "network", "priorities", &res.net_priorities, err) < 0)
		return -1;
	if (rdma && json_object_size(rdma) > 0)
		return pod_err_set(err, POD_E_INVALID, 0, "rdma cgroup limits are not supported");
	if (res.mem_swappiness.set && res.mem_swappiness.v != -1 &&
	    (res.mem_swappiness.v < 0 || res.mem_swappiness.v > 100))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "invalid memory swappiness %" PRId64 ": must be between 0 and 100",
				   res.mem_swappiness.v);
	*ret = res;
	return 0;
}
