/*
 * oci-internal.h - private to the OCI runtime in lib/runtime: the pieces the OCI runtime is made of.
 *
 * Functions prefixed oci_ run either in the runtime process (state, hooks,
 * console) or in the container's init before exec (mounts, devices, caps,
 * rlimits, seccomp). Those that run in the init never print; they return
 * -1 with *err set and the init reports the error over its sync socket.
 */
#ifndef POD_RUNTIME_INTERNAL_H
#define POD_RUNTIME_INTERNAL_H

#include <jansson.h>
#include <sys/types.h>

#include "core/err.h"
#include "runtime/spec.h"

static inline void
pod_rt_json_decrefp(json_t **j)
{
	if (*j)
		json_decref(*j);
}
#define cleanup_ojson cleanup_(pod_rt_json_decrefp)

/* log.c side of oci.c: debug lines when enabled, to the --log destination */
void pod_rt_debug(const char *fmt, ...) POD_PRINTF(1, 2);

/* spec.c */
const char *pod_oci_rlimit_name(int resource);

/* seccomp.c */
int pod_rt_seccomp_check(json_t *seccomp, const char *file, struct pod_err **err);
int pod_rt_seccomp_load(json_t *seccomp, struct pod_err **err);
/*
 * A filter compiled ahead (in the runtime, before the fork: the child only
 * loads it) and kept in CACHE_DIR/SHA256.bpf, keyed by the profile, the
 * libseccomp version and the machine, so a profile is compiled once per
 * runtime root. cache_dir NULL: compile only.
 */
struct pod_rt_bpf {
	struct sock_filter *insns;
	unsigned short len;
	unsigned flags; /* SECCOMP_FILTER_FLAG_* */
};
int pod_rt_seccomp_prepare(const char *cache_dir, json_t *seccomp, struct pod_rt_bpf *ret,
			   struct pod_err **err);
int pod_rt_seccomp_load_bpf(const struct pod_rt_bpf *b, struct pod_err **err);
void pod_rt_bpf_release(struct pod_rt_bpf *b);
json_t *pod_rt_seccomp_features(void);

/* capset.c */
int pod_rt_caps_drop_bounding(uint64_t keep, struct pod_err **err);
int pod_rt_caps_apply(const struct pod_oci_process *p, struct pod_err **err);
/* the user, groups and capabilities of p, in the order that keeps caps */
int pod_rt_set_identity(const struct pod_oci_process *p, struct pod_err **err);
json_t *pod_rt_caps_names(void);

/* rlimit.c */
int pod_rt_rlimits_apply(const struct pod_oci_process *p, struct pod_err **err);
int pod_rt_oom_score_adj(const struct pod_oci_process *p, struct pod_err **err);

/* mounts.c: rootfs work inside the container's mount namespace */
struct pod_rt_rootfs {
	const struct pod_oci_spec *spec;
	const char *rootfs; /* absolute host path */
	const char *bundle;
	int rootfd;	    /* O_PATH of the rootfs after the self-bind */
	bool userns;	    /* running in a new user namespace */
	bool new_netns, new_ipcns, new_cgroupns;
};
/* Resolves path inside rootfd (RESOLVE_IN_ROOT), creating missing
 * directories; the last component becomes a directory or, with as_file,
 * an empty file. Returns an O_PATH fd. */
int pod_rt_open_in_root(int rootfd, const char *path, bool create, bool as_file, int *ret,
		     struct pod_err **err);
int pod_rt_mkdir_in_root(int rootfd, const char *path, struct pod_err **err);
int pod_rt_rootfs_prepare(struct pod_rt_rootfs *r, struct pod_err **err);
int pod_rt_rootfs_mounts(struct pod_rt_rootfs *r, struct pod_err **err);
int pod_rt_rootfs_pivot(struct pod_rt_rootfs *r, bool no_pivot, struct pod_err **err);
int pod_rt_rootfs_finish(struct pod_rt_rootfs *r, struct pod_err **err);
/* a mount option list: flags to set/clear, propagation, data */
struct pod_rt_mount_opts {
	unsigned long flags, clear, prop;
	bool bind, rec;
	uint64_t attr_set, attr_clr; /* mount_setattr(AT_RECURSIVE): rro, rnosuid, ... */
	char *data;		     /* the options the kernel's file system parses */
};
int pod_rt_mount_options(char *const *options, struct pod_rt_mount_opts *ret, struct pod_err **err);
json_t *pod_rt_mount_option_names(void);

/* devices.c */
int pod_rt_devices_create(struct pod_rt_rootfs *r, struct pod_err **err);
/* /dev/console from the pty slave, after pivot_root */
int pod_rt_console_bind(const char *slave_path, struct pod_err **err);

/* hooks.c */
int pod_rt_hooks_run(const struct pod_oci_hook *hooks, size_t n, const char *stage,
		  const char *state_json, struct pod_err **err);

/* console.c */
int pod_rt_console_connect(const char *path, int *ret, struct pod_err **err);
/* opens a pty pair in the current /dev; *ret_name is the slave path */
int pod_rt_pty_open(unsigned rows, unsigned cols, int *ret_master, int *ret_slave, char **ret_name,
		 struct pod_err **err);
int pod_rt_console_send(int sock, int master, const char *name, struct pod_err **err);
int pod_rt_console_recv(int sock, int *ret_master, struct pod_err **err);
/* copies stdin -> master and master -> stdout until pid exits; *status is
 * the wait status */
int pod_rt_console_proxy(int master, pid_t pid, int *ret_status, struct pod_err **err);
/* makes slave the controlling terminal and stdio of the caller */
int pod_rt_console_become(int slave, struct pod_err **err);

/* state.c */
int pod_rt_pid_start_time(pid_t pid, uint64_t *ret);
bool pod_rt_pid_alive(pid_t pid, uint64_t start_time);
char *pod_rt_rfc3339(int64_t ns);
int pod_rt_write_file_atomic(const char *path, const char *data, size_t len, mode_t mode,
			  struct pod_err **err);
int pod_rt_rm_rf(const char *path);
struct pod_oci_state;
int pod_rt_state_save(const char *dir, const struct pod_oci_state *s, struct pod_err **err);
char *pod_rt_owner_name(uid_t uid);


/* init.c: the sync protocol between the runtime and the container's init */
enum pod_rt_sync_type {
	OCI_SYNC_GO = 1,	/* runtime -> init: maps written, cgroup joined */
	OCI_SYNC_NS_READY,	/* init -> runtime: namespaces exist */
	OCI_SYNC_HOOKS_DONE,	/* runtime -> init: state JSON follows */
	OCI_SYNC_CREATED,	/* init -> runtime: blocked on the exec fifo */
	OCI_SYNC_ERROR,		/* init -> runtime: kind, errno, message */
};
int pod_rt_sync_send(int fd, int type, const void *data, size_t len);
int pod_rt_sync_send_err(int fd, const struct pod_err *e);
/* receives one message; an OCI_SYNC_ERROR becomes *err; EOF is type 0 */
int pod_rt_sync_recv(int fd, int *ret_type, char **ret_data, struct pod_err **err);

struct pod_rt_init {
	const struct pod_oci_spec *spec;
	const struct pod_oci_process *proc;
	const char *rootfs, *bundle;
	int sync_fd;
	int fifo_fd;	    /* create: the exec fifo, -1 for exec */
	int console_fd;	    /* where the pty master goes; -1: none */
	int *ns_fds;	    /* create: per spec namespace, -1 when new; exec: see below */
	int exec_ns_fds[8]; /* exec: fds to setns, user first, -1 terminated */
	int exec_root_fd;   /* exec: /proc/PID/root */
	bool no_pivot;
	unsigned preserve_fds;
	int unshare_flags;  /* namespaces the init unshares itself */
	const struct pod_rt_bpf *seccomp_bpf; /* the spec's filter, compiled; NULL: compile */
	struct pod_cgroup *exec_cgroup; /* exec: the process joins it itself, before setns */
	struct pod_cgroup *self_cgroup; /* create: init joins it itself, after GO */
	bool cgroup_v2_joined;		/* born in the v2 cgroup (clone3) */
	bool new_userns;
};
/* the container's init after clone (create); never returns */
void pod_rt_init_main(struct pod_rt_init *a) __attribute__((noreturn));
/* a process joining a container (exec); never returns */
void pod_rt_exec_main(struct pod_rt_init *a) __attribute__((noreturn));

#endif
