/*
 * ctr_ns.h - joining namespaces: --ipc, --pid, --uts, --cgroupns and
 * --network container:ID / ns:PATH / host / private, as Podman does.
 *
 * Settings (see specgen.h): IpcNS, PidNS, UtsNS, CgroupNS hold the mode:
 * "private" (a new namespace; absent means the same), "host" (none of our
 * own), "container:ID" (the namespace of a running container, by its
 * /proc/PID/ns path) or "ns:PATH". Network ("container:ID", "ns:PATH") is
 * ctr_net.h's setting and joined the same way; a container that shares
 * another's network namespace also gets its /etc/hosts and
 * /etc/resolv.conf, and one that shares its UTS namespace its hostname.
 *
 * Create resolves container:NAME to the full ID and adds the ID to
 * Settings.Requires (ctr_depend.c): the target starts first and cannot be
 * removed while the container exists. Start resolves the paths; a target
 * that does not run is POD_E_STATE.
 *
 * Ownership: struct pod_ctr_ns is the caller's; release with
 * pod_ctr_ns_release().
 */
#ifndef POD_RUNTIME_CTR_NS_H
#define POD_RUNTIME_CTR_NS_H

#include "runtime/ctr.h"

struct pod_ctr_ns_flags {
	const char *ipc, *pid, *uts, *cgroupns; /* NULL: not given */
};

/* checks the values as Podman does and writes them into settings */
int pod_ctr_ns_settings(const struct pod_ctr_ns_flags *f, json_t *settings,
			struct pod_err **err);

/* at create: container:NAME -> container:ID, the IDs added to Requires */
int pod_ctr_ns_resolve(struct pod_engine *e, json_t *settings, struct pod_err **err);

struct pod_ctr_ns {
	json_t *join;	  /* {"ipc"|"pid"|"uts"|"cgroup"|"network": PATH or "host"} */
	char *net_rundir; /* run dir of the container whose network we share (hosts, resolv) */
	char *hostname;	  /* the hostname of the container whose UTS namespace we share */
	char *shm_path;	  /* the /dev/shm of the container whose IPC namespace we share */
};

/*
 * A pod's infra container keeps its /dev/shm in a tmpfs on the host
 * (RUNDIR/shm), bind-mounted into it and into every member that shares its
 * IPC namespace, so POSIX shared memory crosses members as in Podman (a
 * mount cannot be bound from another mount namespace). mount: *ret_path NULL
 * for any other container. unmount: lazily, at its cleanup.
 */
int pod_ctr_shm_mount(struct pod_engine *e, const struct pod_ctr *c, char **ret_path,
		      struct pod_err **err);
void pod_ctr_shm_unmount(struct pod_engine *e, const struct pod_ctr *c);

int pod_ctr_ns_setup(struct pod_engine *e, const struct pod_ctr *c, struct pod_ctr_ns *ret,
		     struct pod_err **err);
void pod_ctr_ns_release(struct pod_ctr_ns *n);

/*
 * A pod member sharing the infra's network: its name goes into the shared
 * /etc/hosts (127.0.0.1 NAME, as Podman adds it) so members reach each other
 * by name; once per name. When the member stops or is removed its line goes
 * again (Podman does the same); a hosts file already gone is no error. Both
 * edit the file in place under a lock, so concurrent members lose nothing.
 */
int pod_ctr_ns_hosts_add(const char *net_rundir, const char *name, struct pod_err **err);
int pod_ctr_ns_hosts_remove(const char *net_rundir, const char *name, struct pod_err **err);

/* inspect's HostConfig modes: "private", "host", "container:ID", "ns:PATH" */
const char *pod_ctr_ns_mode(const struct pod_ctr *c, const char *key);

#endif
