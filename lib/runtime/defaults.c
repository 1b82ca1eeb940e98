/* defaults.c - `spec` (a default config.json) and `features` */
#include "runtime/oci.h"
#include "runtime/oci-internal.h"

#include <unistd.h>

static json_t *
strings(const char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *
mount_entry(const char *dest, const char *type, const char *src, const char *const *opts)
{
	return json_pack("{s:s,s:s,s:s,s:o}", "destination", dest, "type", type, "source", src,
			 "options", strings(opts));
}

json_t *
pod_oci_default_spec(bool rootless)
{
	static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL",
					    "CAP_NET_BIND_SERVICE", NULL };
	static const char *const env[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm",
		NULL
	};
	static const char *const o_proc[] = { NULL };
	static const char *const o_dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k",
					     NULL };
	static const char *const o_pts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666",
					     "mode=0620", "gid=5", NULL };
	static const char *const o_pts_rootless[] = { "nosuid", "noexec", "newinstance",
						      "ptmxmode=0666", "mode=0620", NULL };
	static const char *const o_shm[] = { "nosuid", "noexec", "nodev", "mode=1777",
					     "size=65536k", NULL };
	static const char *const o_mq[] = { "nosuid", "noexec", "nodev", NULL };
	static const char *const o_sys[] = { "nosuid", "noexec", "nodev", "ro", NULL };
	static const char *const o_sys_rootless[] = { "rbind", "nosuid", "noexec", "nodev", "ro",
						      NULL };
	static const char *const o_cg[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
	static const char *const masked[] = {
		"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
		"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
		"/proc/scsi", NULL
	};
	static const char *const readonly[] = { "/proc/bus", "/proc/fs", "/proc/irq",
						"/proc/sys", "/proc/sysrq-trigger", NULL };
	json_t *mounts = json_array(), *ns = json_array(), *lx, *process;

	json_array_append_new(mounts, mount_entry("/proc", "proc", "proc", o_proc));
	json_array_append_new(mounts, mount_entry("/dev", "tmpfs", "tmpfs", o_dev));
	json_array_append_new(mounts, mount_entry("/dev/pts", "devpts", "devpts",
						  rootless ? o_pts_rootless : o_pts));
	json_array_append_new(mounts, mount_entry("/dev/shm", "tmpfs", "shm", o_shm));
	json_array_append_new(mounts, mount_entry("/dev/mqueue", "mqueue", "mqueue", o_mq));
	if (rootless) {
		json_array_append_new(mounts, mount_entry("/sys", "none", "/sys", o_sys_rootless));
	} else {
		json_array_append_new(mounts, mount_entry("/sys", "sysfs", "sysfs", o_sys));
		json_array_append_new(mounts,
				      mount_entry("/sys/fs/cgroup", "cgroup", "cgroup", o_cg));
	}
	for (const char *const *t = (const char *const[]) { "pid", "network", "ipc", "uts", "mount",
							     NULL };
	     *t; t++)
		json_array_append_new(ns, json_pack("{s:s}", "type", *t));
	if (rootless)
		json_array_append_new(ns, json_pack("{s:s}", "type", "user"));
	else
		json_array_append_new(ns, json_pack("{s:s}", "type", "cgroup"));
	process = json_pack(
		"{s:b,s:{s:i,s:i},s:[s],s:o,s:s,s:{s:o,s:o,s:o},s:[{s:s,s:i,s:i}],s:b}", "terminal",
		1, "user", "uid", 0, "gid", 0, "args", "sh", "env", strings(env), "cwd", "/",
		"capabilities", "bounding", strings(caps), "effective", strings(caps), "permitted",
		strings(caps), "rlimits", "type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024,
		"noNewPrivileges", 1);
	lx = json_pack("{s:o,s:o,s:o}", "namespaces", ns, "maskedPaths", strings(masked),
			  "readonlyPaths", strings(readonly));
	if (rootless) {
		json_object_set_new(lx, "uidMappings",
				    json_pack("[{s:i,s:I,s:i}]", "containerID", 0, "hostID",
					      (json_int_t) geteuid(), "size", 1));
		json_object_set_new(lx, "gidMappings",
				    json_pack("[{s:i,s:I,s:i}]", "containerID", 0, "hostID",
					      (json_int_t) getegid(), "size", 1));
	} else {
		json_object_set_new(lx, "resources",
				    json_pack("{s:[{s:b,s:s}]}", "devices", "allow", 0, "access",
					      "rwm"));
	}
	return json_pack("{s:s,s:o,s:{s:s,s:b},s:s,s:o,s:o}", "ociVersion", POD_OCI_VERSION,
			 "process", process, "root", "path", "rootfs", "readonly", 1, "hostname",
			 "pod-oci", "mounts", mounts, "linux", lx);
}

json_t *
pod_oci_features(void)
{
	static const char *const hooks[] = { "prestart", "createRuntime", "createContainer",
					     "startContainer", "poststart", "poststop", NULL };
	static const char *const ns[] = { "cgroup", "ipc", "mount", "network", "pid", "user",
					  "uts", NULL };

	return json_pack("{s:s,s:s,s:o,s:o,s:{s:o,s:o,s:{s:b,s:b,s:b,s:b},s:o,s:{s:b},s:{s:b}},"
			 "s:{s:s}}",
			 "ociVersionMin", "1.0.0", "ociVersionMax", POD_OCI_VERSION, "hooks",
			 strings(hooks), "mountOptions", pod_rt_mount_option_names(), "linux",
			 "namespaces", strings(ns), "capabilities", pod_rt_caps_names(), "cgroup",
			 "v1", 1, "v2", 1, "systemd", 0, "systemdUser", 0, "seccomp",
			 pod_rt_seccomp_features(), "apparmor", "enabled", 0, "selinux", "enabled", 0,
			 "annotations", "io.github.podutils.runtime", "pod-oci");
}
