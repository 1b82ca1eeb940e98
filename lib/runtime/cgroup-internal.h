/*
 * cgroup-internal.h - shared between cgroup.c and the v1/v2 back-ends.
 * Private to lib/runtime's cgroup code.
 */
#ifndef POD_RUNTIME_CGROUP_INTERNAL_H
#define POD_RUNTIME_CGROUP_INTERNAL_H

#include "runtime/cgroup.h"

struct pod_cgroup;

struct cg_opt {
	bool set;
	int64_t v;
};

/* linux.resources, checked for types; json_t members are borrowed */
struct cg_res {
	struct cg_opt mem_limit, mem_reservation, mem_swap, mem_swappiness;
	struct cg_opt mem_oom_disable, mem_use_hierarchy; /* booleans as 0/1 */
	struct cg_opt cpu_shares, cpu_quota, cpu_period, cpu_idle;
	const char *cpus, *mems;
	struct cg_opt pids_limit;
	struct cg_opt blkio_weight, blkio_leaf_weight;
	json_t *weight_device;
	json_t *throttle[4]; /* read bps, write bps, read iops, write iops */
	json_t *hugepages, *devices, *unified;
	struct cg_opt net_classid;
	json_t *net_priorities;
};

extern const char *const pod_cgroup_throttle_keys[4];

int pod_cgroup_parse_res(json_t *resources, struct cg_res *ret, struct pod_err **err);

struct cg_ops {
	const char *name;
	/* resources may be a partial object; create is true the first time */
	int (*apply)(struct pod_cgroup *cg, const struct cg_res *res, bool create,
		     struct pod_err **err);
	int (*freeze)(struct pod_cgroup *cg, bool frozen, struct pod_err **err);
	int (*is_frozen)(struct pod_cgroup *cg, bool *ret, struct pod_err **err);
	int (*stats)(struct pod_cgroup *cg, struct pod_cgroup_stats *ret, struct pod_err **err);
	int (*oom_count)(struct pod_cgroup *cg, uint64_t *ret, struct pod_err **err);
	/* SIGKILL for everything at once when the kernel can; 0: done, 1: not available */
	int (*kill_fast)(struct pod_cgroup *cg, struct pod_err **err);
};

struct pod_cgroup {
	const struct cg_ops *ops;
	char *path;			/* normalized cgroupsPath */
	struct pod_cgroup_mount *mounts; /* with .dir set */
	size_t n_mounts;
};

extern const struct cg_ops pod_cgroup_v1_ops;
extern const struct cg_ops pod_cgroup_v2_ops;

/* helpers in cgroup.c */
const struct pod_cgroup_mount *pod_cgroup_find(const struct pod_cgroup *cg,
					       const char *controller);
int pod_cgroup_write(const char *dir, const char *file, const char *value, struct pod_err **err);
/* one write(2) of value to an open control file (path for messages) */
int pod_cgroup_write_fd(int fd, const char *path, const char *value, struct pod_err **err);
int pod_cgroup_writef(const char *dir, const char *file, struct pod_err **err, const char *fmt,
		      ...) POD_PRINTF(4, 5);
/* whole file, trailing newline removed; NULL with *err on failure */
char *pod_cgroup_read(const char *dir, const char *file, struct pod_err **err);
bool pod_cgroup_has_file(const char *dir, const char *file);
/* reads one number; "max" (or a v1 near-2^63 value) is POD_CGROUP_UNLIMITED */
int pod_cgroup_read_u64(const char *dir, const char *file, uint64_t *ret, struct pod_err **err);
/* "key value" lines (memory.stat, cpu.stat); false when absent */
bool pod_cgroup_kv(const char *text, const char *key, uint64_t *ret);
/*
 * An integer member of a resources object: 1 present, 0 absent or null,
 * -1 (with *err naming "what.key") when it is not an integer.
 */
int pod_cgroup_json_int(json_t *obj, const char *what, const char *key, int64_t *ret,
			struct pod_err **err);
/* An array member (NULL when absent); -1 when present but not an array. */
int pod_cgroup_json_array(json_t *obj, const char *what, const char *key, json_t **ret,
			  struct pod_err **err);
void pod_cgroup_sleep_ms(int ms);
/* the "M:m" of an OCI device entry (major, minor) */
int pod_cgroup_json_devnum(json_t *dev, const char *what, char **ret, struct pod_err **err);
/*
 * cgroup_bpf.c: replaces the eBPF device program of the v2 cgroup at dir
 * with one built from OCI linux.resources.devices (later rules win, no
 * match denies). An empty list removes the program.
 */
int pod_cgroup_bpf_devices(const char *dir, json_t *devices, struct pod_err **err);

#endif
