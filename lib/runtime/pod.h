/*
 * pod.h - pods: groups of containers that share namespaces and are managed
 * together (`podman pod ...`), as Podman 4.3 has them.
 *
 * A pod is a row in the pods table (id, name, infra_id, created, data) and
 * its members are the containers whose pod_id column names it. data holds
 * Settings, everything `pod create` was told:
 *
 *   Name, Labels{}, Hostname, Infra (bool), InfraImage, InfraCommand[],
 *   InfraName, Share[] ("net", "ipc", "uts", "pid", "cgroup"), CgroupParent,
 *   ExitPolicy ("continue" | "stop"), Memory, CpuQuota, CpuPeriod,
 *   Volumes[], CreateCommand[], and the network settings of ctr_net.h
 *   (Network, Networks[], PortMappings[], Dns[], AddHosts[], ...), which
 *   belong to the infra container, as do Sysctls[], NoNewPrivileges,
 *   SeccompProfile (SecurityOpt[] keeps the --security-opt values) and
 *   Devices[] (specgen.h). Members see the sysctls through the namespaces
 *   they share and get the devices too, as Podman does.
 *
 * The infra container (Settings.PodInfra) runs the local
 * localhost/podman-pause:VERSION image, built on first use from the
 * pod-infra binary, and holds the shared namespaces; a member joins them
 * as container:INFRA (ctr_ns.h), so it requires the infra container: the
 * infra starts first and cannot be removed while members exist. Members
 * share the infra's ports, /etc/hosts and hostname (the pod's name unless
 * --hostname). The pod's cgroup is $CgroupParent/ID (default
 * /libpod_parent/ID); members are created below it, and --memory/--cpus
 * (and CpuShares, CpusetCpus, CpusetMems, MemorySwap, BlkioWeight,
 * ThrottleReadBpsDevice[], ThrottleWriteBpsDevice[] in OCI's form) limit
 * it as a whole. Settings.ShareParent false (--share-parent=false): no
 * pod cgroup, the containers go straight into $CgroupParent, unlimited.
 *
 * State is derived from the members, as Podman does: Created, Running,
 * Degraded, Stopped, Exited, Paused, Error.
 *
 * Ownership: pod_pod_free() releases a pod (NULL is fine); member vectors
 * from pod_pod_members() are freed with pod_ctr_list_free().
 */
#ifndef POD_RUNTIME_POD_H
#define POD_RUNTIME_POD_H

#include "runtime/ctr.h"

struct pod_pod {
	char *id;
	char *name;
	char *infra_id;	  /* NULL: no infra container */
	int64_t created_ns;
	json_t *data;	  /* owned */
	json_t *settings; /* data.Settings, borrowed */
};

struct pod_pod *pod_pod_free(struct pod_pod *p);
void pod_pod_freep(struct pod_pod **p);
#define cleanup_pod cleanup_(pod_pod_freep)
void pod_pod_list_free(struct pod_pod **v, size_t n);

/* name, full ID or unique prefix; POD_E_NOTFOUND with Podman's message */
int pod_pod_lookup(struct pod_engine *e, const char *name_or_id, struct pod_pod **ret,
		   struct pod_err **err);
/* every pod, newest first */
int pod_pod_list(struct pod_engine *e, struct pod_pod ***ret, size_t *ret_n,
		 struct pod_err **err);
/* the members, synced, oldest first (so the infra container comes first) */
int pod_pod_members(struct pod_engine *e, const struct pod_pod *p, struct pod_ctr ***ret,
		    size_t *ret_n, struct pod_err **err);
/*
 * The same for listings (pod ps, pod_pod_ps_json): every member's ID, name,
 * state and times, but only the infra container keeps its data (data and
 * settings are NULL for the others), so 1000 members cost little memory.
 */
int pod_pod_members_brief(struct pod_engine *e, const struct pod_pod *p, struct pod_ctr ***ret,
			  size_t *ret_n, struct pod_err **err);

/* the name of the pod with this ID (malloc'd), NULL when none */
char *pod_pod_name_of(struct pod_engine *e, const char *pod_id);

/* Podman's pod state from the members' states ("Created" for none) */
const char *pod_pod_state(struct pod_ctr *const *members, size_t n);

/*
 * Creates the pod row, its cgroup when it has limits, and its infra
 * container (building the infra image first when needed). The name must
 * be unique (POD_E_EXISTS with Podman's message). On failure nothing is
 * left.
 */
int pod_pod_create(struct pod_engine *e, json_t *settings, struct pod_pod **ret,
		   struct pod_err **err);

/*
 * `pod clone`: a new pod from p's settings with overrides (settings keys,
 * merged over p's; Name defaults to NAME-clone), and a copy of each member
 * (NAME-clone, the infra's too) joining the new pod.
 */
int pod_pod_clone(struct pod_engine *e, const struct pod_pod *p, json_t *overrides,
		  struct pod_pod **ret, struct pod_err **err);

/* the infra image's name, built into the store from pod-infra when missing */
int pod_pod_infra_image(struct pod_engine *e, char **ret_name, struct pod_err **err);

/*
 * For a container created with Settings.Pod (a pod name or ID, or
 * "new:NAME" which creates the pod with defaults): resolves the pod,
 * makes the settings join the infra's shared namespaces, takes the pod's
 * volumes and cgroup parent. Ports and networks on a container that shares
 * the pod's network are Podman's error. Called by pod_ctr_create().
 */
int pod_pod_ctr_settings(struct pod_engine *e, json_t *settings, struct pod_err **err);

/* starts the infra container, then the others, in creation order */
int pod_pod_start(struct pod_engine *e, const struct pod_pod *p, struct pod_err **err);
/* stops the members, then the infra (timeout < 0: each container's own) */
int pod_pod_stop(struct pod_engine *e, const struct pod_pod *p, int64_t timeout,
		 struct pod_err **err);
/* signals every running member; POD_E_STATE when none runs */
int pod_pod_kill(struct pod_engine *e, const struct pod_pod *p, int sig, struct pod_err **err);
/* freezes (or thaws) every running member; POD_E_STATE when none runs */
int pod_pod_pause(struct pod_engine *e, const struct pod_pod *p, bool pause,
		  struct pod_err **err);
/*
 * Removes the pod: its members (running ones only with force, else
 * POD_E_STATE), the infra container last, the cgroup, the row.
 */
int pod_pod_remove(struct pod_engine *e, const struct pod_pod *p, bool force, int64_t timeout,
		   struct pod_err **err);

/*
 * Called by a member's cleanup after it exited (its row saved): its line
 * leaves the pod's shared /etc/hosts, and with --exit-policy stop, the infra container stops when no other member runs.
 * Failures are logged, never returned.
 */
void pod_pod_member_exited(struct pod_engine *e, const struct pod_ctr *c);

/*
 * `rm --all` meeting an infra container: removes its pod (as pod_pod_remove
 * does), or the container alone when no pod names it any more.
 */
int pod_pod_remove_by_infra(struct pod_engine *e, struct pod_ctr *c, bool force,
			    int64_t timeout, struct pod_err **err);

/* the pod of an infra container (POD_E_STATE: "cannot be removed without removing the pod") */
int pod_pod_check_not_infra(struct pod_engine *e, const struct pod_ctr *c, struct pod_err **err);

/* the pod's cgroup parent and path ("/libpod_parent", "/libpod_parent/ID"); malloc'd */
char *pod_pod_cgroup_parent(const struct pod_pod *p);
char *pod_pod_cgroup_path(const struct pod_pod *p);

/* Podman's `pod inspect` object and `pod ps --format json` object */
json_t *pod_pod_inspect_json(struct pod_engine *e, const struct pod_pod *p,
			     struct pod_ctr *const *members, size_t n);
json_t *pod_pod_ps_json(struct pod_engine *e, const struct pod_pod *p,
			struct pod_ctr *const *members, size_t n);

#endif
