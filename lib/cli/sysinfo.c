/* sysinfo.c - the data behind `podman version` and `podman info` */
#include "cli/sysinfo.h"
#include "cli/tool.h"
#include "config/config.h"
#include "core/fs.h"
#include "core/strbuf.h"
#include "store/store.h"


#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif

static json_t *
os_release(void)
{
	cleanup_free char *buf = NULL;
	size_t len = 0;
	json_t *d = json_pack("{s:s, s:s, s:s}", "codename", "", "distribution", "", "version", "");

	if (pod_read_file("/etc/os-release", &buf, &len, 65536, NULL) < 0)
		return d;
	for (char *line = buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		char *v = eq + 1;
		size_t vl = strlen(v);
		if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
			v[vl - 1] = '\0';
			v++;
		}
		if (STREQ(line, "ID"))
			json_object_set_new(d, "distribution", json_string(v));
		else if (STREQ(line, "VERSION_ID"))
			json_object_set_new(d, "version", json_string(v));
		else if (STREQ(line, "VERSION_CODENAME"))
			json_object_set_new(d, "codename", json_string(v));
	}
	return d;
}

static json_t *
cgroup_controllers(bool *ret_v2)
{
	struct statfs sfs;
	json_t *a = json_array();
	cleanup_free char *buf = NULL;
	size_t len = 0;

	*ret_v2 = statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
	if (*ret_v2) {
		if (pod_read_file("/sys/fs/cgroup/cgroup.controllers", &buf, &len, 65536, NULL) == 0) {
			char *save = NULL;
			for (char *w = strtok_r(buf, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
				json_array_append_new(a, json_string(w));
		}
		return a;
	}
	/* v1: each enabled hierarchy from /proc/self/cgroup ("N:ctrl,ctrl:/path") */
	if (pod_read_file("/proc/self/cgroup", &buf, &len, 65536, NULL) < 0)
		return a;
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c1 || !c2 || c2 == c1 + 1)
			continue;
		*c2 = '\0';
		char *s2 = NULL;
		for (char *w = strtok_r(c1 + 1, ",", &s2); w; w = strtok_r(NULL, ",", &s2)) {
			if (pod_str_has_prefix(w, "name="))
				continue;
			json_array_append_new(a, json_string(w));
		}
	}
	return a;
}

static char *
uptime_text(long secs)
{
	long h = secs / 3600, m = (secs % 3600) / 60, s = secs % 60;

	return xasprintf("%ldh %ldm %ld.00s (Approximately %.2f days)", h, m, s,
			 (double) secs / 86400.0);
}

static json_t *
cpu_utilization(void)
{
	cleanup_free char *buf = NULL;
	size_t len = 0;
	unsigned long long u = 0, n = 0, s = 0, idle = 0, io = 0, irq = 0, sirq = 0, st = 0;

	if (pod_read_file("/proc/stat", &buf, &len, 1 << 20, NULL) == 0)
		(void) sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &u, &n, &s, &idle,
			      &io, &irq, &sirq, &st);
	double total = (double) (u + n + s + idle + io + irq + sirq + st);
	if (total <= 0)
		total = 1;
	return json_pack("{s:f, s:f, s:f}", "userPercent", (double) ((u + n) * 10000 / (unsigned long long) total) / 100.0,
			 "systemPercent", (double) (s * 10000 / (unsigned long long) total) / 100.0,
			 "idlePercent", (double) (idle * 10000 / (unsigned long long) total) / 100.0);
}

static char *
caps_text(void)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	static const char *const caps[] = { "CAP_CHOWN",	    "CAP_DAC_OVERRIDE", "CAP_FOWNER",
					    "CAP_FSETID",	    "CAP_KILL",
					    "CAP_NET_BIND_SERVICE", "CAP_SETFCAP",
					    "CAP_SETGID",	    "CAP_SETPCAP",	"CAP_SETUID",
					    "CAP_SYS_CHROOT" };

	for (size_t i = 0; i < ARRAY_SIZE(caps); i++)
		pod_strbuf_addf(&sb, "%s%s", i ? "," : "", caps[i]);
	return pod_strbuf_detach(&sb);
}

static char *
find_helper(const char *name)
{
	char *p = pod_self_tool(name);

	if (p)
		return p;
	p = xasprintf("%s/%s", POD_LIBEXECDIR, name);
	if (access(p, X_OK) == 0)
		return p;
	free(p);
	return xstrdup("");
}

static json_t *
host_json(const struct pod_config *cfg)
{
	struct utsname u;
	struct sysinfo si;
	char hostname[256] = "";
	bool v2 = false;
	cleanup_free char *caps = caps_text();
	cleanup_free char *oci = find_helper("pod-oci");
	cleanup_free char *mon = find_helper("pod-monitor");
	cleanup_free char *up = NULL;

	uname(&u);
	sysinfo(&si);
	gethostname(hostname, sizeof(hostname) - 1);
	up = uptime_text(si.uptime);
	json_t *ctrls = cgroup_controllers(&v2);
	const char *runtime = cfg && cfg->runtime && *cfg->runtime ? cfg->runtime : "pod-oci";
	return json_pack(
		"{s:s, s:s, s:o, s:s, s:s, s:{s:s, s:s, s:s}, s:o, s:i, s:o, s:s, s:s,"
		" s:{s:n, s:n}, s:s, s:s, s:s, s:I, s:I, s:s, s:{s:s, s:s, s:s, s:s}, s:s,"
		" s:{s:s, s:b}, s:{s:b, s:s, s:b, s:b, s:s, s:b}, s:b, s:{s:s, s:s, s:s}, s:I,"
		" s:I, s:s, s:s}",
		"arch", pod_goarch(), "buildahVersion", "", "cgroupControllers", ctrls,
		"cgroupManager", "cgroupfs", "cgroupVersion", v2 ? "v2" : "v1", "conmon", "package",
		"podutils", "path", mon, "version", "pod-monitor version " POD_VERSION,
		"cpuUtilization", cpu_utilization(), "cpus", (int) sysconf(_SC_NPROCESSORS_ONLN),
		"distribution", os_release(), "eventLogger", "file", "hostname", hostname,
		"idMappings", "gidmap", "uidmap", "kernel", u.release, "linkmode", "dynamic",
		"logDriver", "k8s-file", "memFree", (json_int_t) si.freeram * si.mem_unit, "memTotal",
		(json_int_t) si.totalram * si.mem_unit, "networkBackend", "podutils", "ociRuntime",
		"name", runtime, "package", "podutils", "path", oci, "version",
		"pod-oci version " POD_VERSION, "os", "linux", "remoteSocket", "path",
		geteuid() == 0 ? "/run/podman/podman.sock" : "", "exists", false, "security",
		"apparmorEnabled", false, "capabilities", caps, "rootless", geteuid() != 0,
		"seccompEnabled", true, "seccompProfilePath", "", "selinuxEnabled", false,
		"serviceIsRemote", false, "slirp4netns", "executable", "", "package", "", "version",
		"", "swapFree", (json_int_t) si.freeswap * si.mem_unit, "swapTotal",
		(json_int_t) si.totalswap * si.mem_unit, "uptime", up, "variant", "");
}

static json_int_t
count_rows(struct pod_store *st, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	json_int_t n = 0;

	if (!st)
		return 0;
	if (sqlite3_prepare_v2(pod_store_db(st), sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static json_t *
store_json(const struct pod_paths *p, struct pod_store *st, const char *driver)
{
	struct statfs sfs;
	json_int_t alloc = 0, used = 0;
	const char *backing = "unknown";
	cleanup_free char *vol = xasprintf("%s/volumes", p->root);
	struct pod_config_dirs dirs;
	pod_config_dirs_default(&dirs);
	cleanup_free char *conf = pod_storage_conf_path(&dirs);

	/* the root may not exist yet: measure the nearest existing parent */
	cleanup_free char *probe = xstrdup(p->root);
	while (statfs(probe, &sfs) < 0) {
		char *slash = strrchr(probe, '/');
		if (!slash || slash == probe) {
			snprintf(probe, 2, "/");
			if (statfs(probe, &sfs) < 0)
				memset(&sfs, 0, sizeof(sfs));
			break;
		}
		*slash = '\0';
	}
	alloc = (json_int_t) sfs.f_blocks * sfs.f_bsize;
	used = (json_int_t) (sfs.f_blocks - sfs.f_bfree) * sfs.f_bsize;
	switch ((unsigned long) sfs.f_type) {
	case 0xEF53:
		backing = "extfs";
		break;
	case 0x58465342:
		backing = "xfs";
		break;
	case 0x9123683E:
		backing = "btrfs";
		break;
	case 0x01021994:
		backing = "tmpfs";
		break;
	case OVERLAYFS_SUPER_MAGIC:
		backing = "overlayfs";
		break;
	}
	json_int_t ctr = count_rows(st, "SELECT count(*) FROM containers");
	json_int_t running = count_rows(st, "SELECT count(*) FROM containers WHERE state = 'running'");
	json_int_t paused = count_rows(st, "SELECT count(*) FROM containers WHERE state = 'paused'");
	return json_pack("{s:s, s:{s:I, s:I, s:I, s:I}, s:s, s:{}, s:s, s:I, s:I,"
			 " s:{s:s, s:s, s:s, s:s}, s:s, s:{s:I}, s:s, s:s}",
			 "configFile", conf ? conf : "", "containerStore", "number", ctr, "paused",
			 paused, "running", running, "stopped", ctr - running - paused,
			 "graphDriverName", driver, "graphOptions", "graphRoot", p->root,
			 "graphRootAllocated", alloc, "graphRootUsed", used, "graphStatus",
			 "Backing Filesystem", backing, "Native Overlay Diff", "true",
			 "Supports d_type", "true", "Using metacopy", "false", "imageCopyTmpDir",
			 "/var/tmp", "imageStore", "number",
			 count_rows(st, "SELECT count(*) FROM images"), "runRoot", p->runroot,
			 "volumePath", vol);
}

json_t *
pod_info_json(const struct pod_globals *g, struct pod_err **err)
{
	struct pod_paths paths = { 0 };
	struct pod_store *st = NULL;
	struct pod_config *cfg = NULL;
	struct pod_registries *regs = NULL;
	json_t *info = NULL;

	if (pod_config_load(&cfg, err) < 0)
		return NULL;
	if (pod_registries_load(&regs, err) < 0)
		goto out;
	if (pod_paths_resolve(g->root, g->runroot, &paths, err) < 0)
		goto out;
	if (pod_store_open(&paths, POD_STORE_READONLY, &st, err) < 0)
		goto out;
	json_t *search = json_array();
	for (size_t i = 0; regs->search && regs->search[i]; i++)
		json_array_append_new(search, json_string(regs->search[i]));
	json_t *registries = json_object();
	if (json_array_size(search))
		json_object_set_new(registries, "search", search);
	else
		json_decref(search);
	const char *driver = g->storage_driver && *g->storage_driver ? g->storage_driver : "overlay";
	info = json_pack("{s:o, s:{s:n, s:[sss], s:[ss], s:[s]}, s:o, s:o, s:o}", "host",
			 host_json(cfg), "plugins", "authorization", "log", "k8s-file", "none",
			 "passthrough", "network", "bridge", "macvlan", "volume", "local",
			 "registries", registries, "store", store_json(&paths, st, driver),
			 "version", pod_version_json());
out:
	pod_store_close(st);
	pod_paths_release(&paths);
	pod_registries_free(regs);
	pod_config_free(cfg);
	return info;
}
