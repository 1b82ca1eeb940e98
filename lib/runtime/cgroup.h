/*
 * cgroup.h - a container's control group on cgroup v1 or v2.
 *
 * The host layout is detected once per process: v2 when /sys/fs/cgroup is a
 * cgroup2 mount, else v1 (hybrid when /sys/fs/cgroup/unified is cgroup2; the
 * unified tree then gets the same directory, and any controller bound there,
 * like hugetlb, is used from it). On v1 every hierarchy is found through
 * /proc/self/mountinfo, whatever its mount point or controller grouping
 * (cpu and cpuacct separate or as "cpu,cpuacct").
 *
 * Lifecycle: pod_cgroup_create() makes the directories (in every hierarchy
 * on v1), applies OCI linux.resources and adds a pid; a later command
 * re-opens it with pod_cgroup_load(). pod_cgroup_destroy() kills what is
 * left and removes the directories; pod_cgroup_free() only releases memory
 * (it never touches the kernel), so both are called to end a cgroup.
 *
 * Paths: cgroups_path is the OCI linux.cgroupsPath. An absolute path
 * ("/libpod_parent/libpod-ID") is relative to each hierarchy's root; a
 * relative one to the caller's own cgroup in that hierarchy. The systemd
 * "slice:prefix:name" form is rejected (there is no systemd manager here).
 *
 * Unlimited values read back as POD_CGROUP_UNLIMITED.
 */
#ifndef POD_RUNTIME_CGROUP_H
#define POD_RUNTIME_CGROUP_H

#include <jansson.h>
#include <sys/types.h>

#include "core/err.h"
#include "core/util.h"

#define POD_CGROUP_UNLIMITED UINT64_MAX

struct pod_cgroup;

struct pod_cgroup_stats {
	uint64_t cpu_usage_ns;	/* total CPU time */
	uint64_t cpu_user_ns;
	uint64_t cpu_system_ns;
	uint64_t mem_usage;	/* bytes, page cache included */
	uint64_t mem_limit;	/* POD_CGROUP_UNLIMITED when none */
	uint64_t mem_cache;	/* v1 "total_cache", v2 "file" */
	uint64_t mem_inactive_file; /* Docker's usage = mem_usage - mem_inactive_file */
	uint64_t swap_usage;	/* swap only (v1: memsw - mem) */
	uint64_t swap_limit;	/* swap only, POD_CGROUP_UNLIMITED when none */
	uint64_t pids_current;
	uint64_t pids_limit;	/* POD_CGROUP_UNLIMITED when none */
	uint64_t blkio_read_bytes;
	uint64_t blkio_write_bytes;
	uint64_t oom_kill;	/* processes killed by the OOM killer in this cgroup */
};

/*
 * One cgroup file system as seen in /proc/self/mountinfo, and, for a
 * struct pod_cgroup, the cgroup's directory in it (see pod_cgroup_mounts()).
 */
struct pod_cgroup_mount {
	char *mount_point;	/* "/sys/fs/cgroup/cpu" */
	char *root;		/* mountinfo "root" field, usually "/" */
	char *options;		/* super options, "rw,cpu" or "rw,name=systemd" */
	char **controllers;	/* v1: {"cpu", "cpuacct"} or {"name=systemd"}; v2: what
				 * cgroup.controllers lists (may be empty) */
	char *dir;		/* the cgroup's directory under mount_point; NULL in
				 * the host table */
	bool v2;
};

/* --- the cgroup object ------------------------------------------------- */

/* oci_resources: the linux.resources object or NULL; pid 0: add none yet. */
int pod_cgroup_create(const char *cgroups_path, json_t *oci_resources, pid_t pid,
		      struct pod_cgroup **ret, struct pod_err **err);
/* Re-open an existing cgroup; POD_E_NOTFOUND when it is not there. */
int pod_cgroup_load(const char *cgroups_path, struct pod_cgroup **ret, struct pod_err **err);
struct pod_cgroup *pod_cgroup_free(struct pod_cgroup *cg);
void pod_cgroup_freep(struct pod_cgroup **cg);

/* The same in two steps: the object (no file system change), then the directories. */
int pod_cgroup_new(const char *cgroups_path, struct pod_cgroup **ret, struct pod_err **err);
int pod_cgroup_make(struct pod_cgroup *cg, json_t *oci_resources, pid_t pid,
		    struct pod_err **err);

int pod_cgroup_add_pid(struct pod_cgroup *cg, pid_t pid, struct pod_err **err);
/* The calling process, which must be single-threaded, moves itself in (cheaper). */
int pod_cgroup_join_self(struct pod_cgroup *cg, bool v2_joined, struct pod_err **err);
/*
 * An O_PATH fd on the cgroup's v2 directory, for clone3's CLONE_INTO_CGROUP;
 * -1 when it has none (v1 only) or it cannot be opened.
 */
int pod_cgroup_v2_open(struct pod_cgroup *cg);
/* Applies a (partial) linux.resources object, as `update` does. */
int pod_cgroup_update(struct pod_cgroup *cg, json_t *oci_resources, struct pod_err **err);
/* Returns once the kernel reports the new state (FROZEN/THAWED, frozen 1/0). */
int pod_cgroup_freeze(struct pod_cgroup *cg, bool frozen, struct pod_err **err);
/* Whether the cgroup is frozen now. */
int pod_cgroup_is_frozen(struct pod_cgroup *cg, bool *ret, struct pod_err **err);
/* All pids in the cgroup and its children; *ret is yours to free. */
int pod_cgroup_pids(struct pod_cgroup *cg, pid_t **ret, size_t *ret_n, struct pod_err **err);
/* Signals every process (v2: cgroup.kill for SIGKILL when the kernel has it). */
int pod_cgroup_kill_all(struct pod_cgroup *cg, int sig, struct pod_err **err);
int pod_cgroup_stats(struct pod_cgroup *cg, struct pod_cgroup_stats *ret, struct pod_err **err);
int pod_cgroup_oom_count(struct pod_cgroup *cg, uint64_t *ret, struct pod_err **err);
/* Kills what is left (thawing first), then removes the directories in
 * every hierarchy, children first, retrying EBUSY for a short while. */
int pod_cgroup_destroy(struct pod_cgroup *cg, struct pod_err **err);

/* The normalized cgroups path as given ("/libpod_parent/libpod-ID"). */
const char *pod_cgroup_path(const struct pod_cgroup *cg);
/*
 * The directory of the cgroup for one controller ("memory", "cpu", "pids",
 * "name=systemd", or "" for the v2/unified tree); NULL when the host has no
 * such hierarchy. Borrowed.
 */
const char *pod_cgroup_dir(const struct pod_cgroup *cg, const char *controller);
/* The hierarchies of this cgroup with .dir set, for bind-mounting
 * /sys/fs/cgroup inside a container. Borrowed; valid until free. */
const struct pod_cgroup_mount *pod_cgroup_mounts(const struct pod_cgroup *cg, size_t *ret_n);

/* --- the host ------------------------------------------------------------ */

/* "v1" or "v2" (hybrid reads "v1"). */
const char *pod_cgroup_version_name(void);
/* 1 or 2; 0 with *err set when /sys/fs/cgroup is not a cgroup file system. */
int pod_cgroup_version(struct pod_err **err);
bool pod_cgroup_is_hybrid(void);
/* Controllers the host offers, sorted ("cpu", "cpuacct", "memory", ...). */
int pod_cgroup_controllers(char ***ret, struct pod_err **err);

/* --- pure helpers (unit-tested) ------------------------------------------ */

/* Parses mountinfo text into its cgroup and cgroup2 mounts. */
int pod_cgroup_parse_mountinfo(const char *text, struct pod_cgroup_mount **ret, size_t *ret_n,
			       struct pod_err **err);
void pod_cgroup_mounts_free(struct pod_cgroup_mount *m, size_t n);
/*
 * The caller's cgroup for one hierarchy, from /proc/self/cgroup text:
 * controller "" means the v2 line "0::/path". Returns NULL when absent.
 */
char *pod_cgroup_parse_self(const char *text, const char *controller);
/* Checks and cleans an OCI cgroupsPath (no "..", no systemd form). */
int pod_cgroup_validate_path(const char *cgroups_path, char **ret, struct pod_err **err);

/* v1 -> v2 value conversions (crun's mapping). */
uint64_t pod_cgroup_shares_to_weight(uint64_t shares);	/* cpu.shares -> cpu.weight */
uint64_t pod_cgroup_blkio_to_io_weight(uint64_t weight); /* blkio.weight -> io.weight */
/* cpu.max text: quota < 0 is "max"; period 0 means the default 100000. */
char *pod_cgroup_cpu_max(int64_t quota, uint64_t period);
/*
 * memory.swap.max from OCI memory.swap (mem+swap) and memory.limit: -1 is
 * "max"; a swap below the limit is an error.
 */
int pod_cgroup_swap_max(int64_t mem_limit, int64_t memsw, char **ret, struct pod_err **err);
/* One OCI linux.resources.devices[] entry as a v1 devices.allow/deny line
 * ("c 1:3 rwm", "a *:* rwm"). */
int pod_cgroup_device_rule(json_t *dev, bool *ret_allow, char **ret, struct pod_err **err);

#endif
