/*
 * specgen.h - a container's settings + its image's config -> the OCI
 * runtime spec (config.json, runtime-spec 1.0.2), as Podman builds it.
 *
 * Settings are a JSON object made once by create (keys below), stored in
 * the container's row and never changed:
 *
 *   Image, Command[], Entrypoint[] (absent: the image's), Env[] (-e,
 *   --env-file, --env-host, already merged), Labels{}, Annotations{},
 *   WorkingDir, User, GroupAdd[], Hostname, Tty, Interactive, CapAdd[],
 *   CapDrop[], Privileged, NoNewPrivileges, SeccompProfile ("", "unconfined"
 *   or a file), Ulimits["nofile=1:2"], ReadOnly, ReadOnlyTmpfs, Volumes[
 *   "HOST:CTR[:OPTS]", "NAME:CTR[:OPTS]", "/CTR"], VolumesFrom[], Mounts["type=...,..."], Tmpfs["CTR[:OPTS]"],
 *   ShmSize, Network ("bridge", "none", "host", ...; see ctr_net.h), IpcNS, PidNS, UtsNS,
 *   CgroupNS (ctr_ns.h), NoHosts, Memory, MemorySwap,
 *   MemoryReservation, CpuShares, CpuQuota, CpuPeriod, CpusetCpus,
 *   CpusetMems, PidsLimit, CgroupParent, Cgroups ("enabled", "disabled",
 *   "no-conmon"), Init, Rm, RestartPolicy, RestartRetries, StopSignal,
 *   StopTimeout, LogDriver, LogSizeMax, Umask, Sysctls[], HooksDirs[],
 *   Runtime, DetachKeys, CreateCommand[], Devices[{PathOnHost,
 *   PathInContainer, CgroupPermissions}] (pod --device; the host node is
 *   stat'ed at each start).
 *
 * The container's run files (hosts, hostname, resolv.conf, .containerenv)
 * are written by pod_specgen_write_runfiles() into the run directory and
 * bind-mounted by the spec. User names are resolved in the rootfs's
 * /etc/passwd and /etc/group, opened with RESOLVE_IN_ROOT.
 * Returned JSON is a new reference.
 */
#ifndef POD_RUNTIME_SPECGEN_H
#define POD_RUNTIME_SPECGEN_H

#include <jansson.h>
#include <sys/types.h>

#include "config/config.h"
#include "core/err.h"
#include "core/util.h"

struct pod_specgen_ctx {
	const char *id;
	const char *name;
	json_t *settings;	 /* borrowed */
	json_t *image_config;	 /* the image config's "config" object; may be NULL */
	const char *image_name;
	const char *image_id;
	const char *rootfs;	 /* host path of the mounted rootfs */
	const char *rundir;	 /* hosts, hostname, resolv.conf, .containerenv */
	const struct pod_config *conf;
	const char *init_path;	 /* pod-init, for Init */
	const char *cgroups_path; /* NULL: no cgroup (--cgroups=disabled) */
	int cgroup_version;	 /* 1 or 2 */
	const char *resolv_conf; /* host file to copy; NULL: /etc/resolv.conf */
	const char *hosts_file;	 /* host file for --network host; NULL: /etc/hosts */
	json_t *volume_mounts;	 /* OCI bind mounts of the container's volumes; may be NULL */
	const char *netns_path;	 /* network namespace to join (ctr_net.h); NULL: none */
	const char *net_hosts;	 /* /etc/hosts lines of the container's own addresses */
	char *const *net_nameservers; /* DNS servers of its dns-enabled networks */
	json_t *ns_join;	 /* namespaces to join (ctr_ns.h): {TYPE: PATH | "host"}; may be NULL */
	const char *net_rundir;	 /* hosts and resolv.conf come from there (shared netns) */
	const char *uts_hostname; /* the hostname of a joined UTS namespace */
	const char *shm_path;	 /* host tmpfs bind-mounted on /dev/shm (a pod's); NULL: own */
};

/* the process args (entrypoint + command) the container will run */
json_t *pod_specgen_args(json_t *settings, json_t *image_config);
/* the environment as configured (containers.conf, image, Env), without the
 * HOSTNAME and HOME that the container's own process gets: what `exec` starts from */
json_t *pod_specgen_env(json_t *settings, json_t *image_config, const struct pod_config *conf);
/* the hostname: Hostname, else the short ID (host's with --network host) */
char *pod_specgen_hostname(const struct pod_specgen_ctx *ctx);

int pod_specgen_write_runfiles(const struct pod_specgen_ctx *ctx, struct pod_err **err);
json_t *pod_specgen_generate(const struct pod_specgen_ctx *ctx, struct pod_err **err);

/*
 * -v HOST:CTR[:OPTS] / --tmpfs CTR[:OPTS] / --mount KEY=VAL,... -> an OCI mount object.
 * A named volume (-v NAME:CTR, --mount type=volume) gives {type "volume", source
 * NAME, destination, options as given}; an anonymous one (-v /CTR) source "".
 */
json_t *pod_specgen_parse_volume(const char *spec, struct pod_err **err);
json_t *pod_specgen_parse_tmpfs(const char *spec, struct pod_err **err);
json_t *pod_specgen_parse_mount(const char *spec, struct pod_err **err);
/* --ulimit NAME=SOFT[:HARD] -> {type: RLIMIT_NAME, soft, hard} */
json_t *pod_specgen_parse_ulimit(const char *spec, struct pod_err **err);
/* checks every setting that can be checked without the rootfs */
int pod_specgen_settings_check(json_t *settings, struct pod_err **err);

/*
 * OCI hooks from hooks.d directories (later directories win by file name).
 * Hooks of Podman's "precreate" stage run here, in file-name order: each
 * gets the spec on stdin and its stdout (a whole spec) replaces it.
 */
int pod_specgen_hooks(char *const *dirs, json_t *spec, struct pod_err **err);
/* runs precreate hooks (OCI hook objects: path, args, env, timeout) on spec */
int pod_specgen_precreate(json_t *hooks, json_t *spec, struct pod_err **err);

/* /etc/passwd and /etc/group lookups inside a rootfs (exposed for tests) */
int pod_specgen_resolve_user(int rootfd, const char *user, char *const *group_add, uid_t *ret_uid,
			     gid_t *ret_gid, json_t **ret_additional_gids, char **ret_home,
			     struct pod_err **err);

#endif
