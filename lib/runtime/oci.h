/*
 * oci.h - the built-in OCI runtime (runc/crun semantics), as a library.
 *
 * State lives in ROOT/ID/ (ROOT defaults to /run/pod-oci; see
 * pod_oci_default_root()): state.json, a copy of config.json, and the exec
 * fifo while the container is "created".
 *
 * Lifecycle:
 *   pod_oci_create()  clones the container's init with its namespaces, sets
 *                     up mounts, /dev, pivot_root, hostname, sysctls, the
 *                     pty and rlimits, runs prestart/createRuntime/
 *                     createContainer hooks, then leaves the init blocked on
 *                     the exec fifo. The init is a child of the caller:
 *                     a caller that stays alive (a monitor) can waitpid() it;
 *                     when the caller exits it is reparented (to a subreaper
 *                     like conmon, or to pid 1). Returns its host pid.
 *   pod_oci_start()   releases the init: startContainer hooks run inside,
 *                     then seccomp, user, caps and exec; poststart hooks
 *                     run in the caller.
 *   pod_oci_kill()    signals the init (or every process with all).
 *   pod_oci_delete()  refuses a running container unless force (SIGKILL,
 *                     then waits for it), runs poststop hooks, removes the
 *                     cgroup and the state directory.
 *   pod_oci_state_get() reads the state; status comes from the pid itself,
 *                     so a dead init reads "stopped".
 *   pod_oci_exec()    starts one more process in a running container
 *                     (setns into all its namespaces); a child of the caller.
 *
 * The console: with process.terminal, the init opens a pty in the
 * container's devpts and sends the master fd with SCM_RIGHTS over
 * console_fd (already connected) or, when that is -1, over a new
 * connection to console_socket (runc's --console-socket protocol). The
 * pid file, when asked for, is written atomically with the host pid after
 * the init reports that it is ready (created) or the exec process started.
 *
 * No threads may run in a process that calls create, run or exec.
 */
#ifndef POD_RUNTIME_OCI_H
#define POD_RUNTIME_OCI_H

#include <jansson.h>
#include <sys/types.h>

#include "core/err.h"
#include "runtime/spec.h"

#define POD_OCI_DEFAULT_ROOT "/run/pod-oci"
#define POD_OCI_VERSION "1.1.0"

struct pod_oci_create_opts {
	const char *console_socket; /* path, or NULL */
	int console_fd;		    /* connected socket or -1; wins over the path */
	const char *pid_file;	    /* NULL: none */
	bool no_pivot;		    /* MS_MOVE + chroot instead of pivot_root */
	unsigned preserve_fds;	    /* fds 3..3+N-1 are passed on */
};
#define POD_OCI_CREATE_OPTS_INIT { .console_fd = -1 }

enum pod_oci_status {
	POD_OCI_CREATING,
	POD_OCI_CREATED,
	POD_OCI_RUNNING,
	POD_OCI_STOPPED,
	POD_OCI_PAUSED, /* running with its cgroup frozen (pod_oci_pause) */
};

struct pod_oci_state {
	char *id;
	pid_t pid; /* 0 while creating */
	enum pod_oci_status status;
	char *bundle;
	char *rootfs;
	int64_t created_ns;
	char *owner;
	json_t *annotations; /* object */
	char *cgroups_path;  /* NULL when none */
	uint64_t start_time; /* of the init, from /proc/PID/stat */
	bool no_poststop;    /* the config has no poststop hooks: delete need not read it */
};

/* ROOT for this user: /run/pod-oci, or $XDG_RUNTIME_DIR/pod-oci when not root */
char *pod_oci_default_root(void);
/* "container id must match ..." for bad ids */
int pod_oci_check_id(const char *id, struct pod_err **err);
const char *pod_oci_status_name(enum pod_oci_status s);

/* debug logging of the runtime (rlimit clamping, each setup step);
 * fd -1 disables; json selects {"level":...,"msg":...,"time":...} lines */
void pod_oci_set_log(int fd, bool debug, bool json);
/* writes one error line to the log fd, if one is set */
void pod_oci_log_error(const char *msg);

int pod_oci_create(const char *root, const char *id, const char *bundle,
		   const struct pod_oci_create_opts *opts, pid_t *ret_pid, struct pod_err **err);
int pod_oci_start(const char *root, const char *id, struct pod_err **err);
int pod_oci_kill(const char *root, const char *id, int sig, bool all, struct pod_err **err);
int pod_oci_delete(const char *root, const char *id, bool force, struct pod_err **err);
/* `runc pause` / `runc resume`: freezes or thaws the container's cgroup (a
 * container without one cannot pause); "container not running" /
 * "container not paused" (POD_E_STATE) otherwise */
int pod_oci_pause(const char *root, const char *id, bool pause, struct pod_err **err);

/*
 * create + start; without detach it waits for the init, forwarding
 * signals to it and, when the process wants a terminal and no console
 * socket is given, copying between the caller's stdio and the pty; then
 * deletes the container. *ret_status is the exit code (128+N when killed
 * by signal N); with detach it is 0.
 */
int pod_oci_run(const char *root, const char *id, const char *bundle,
		const struct pod_oci_create_opts *opts, bool detach, int *ret_status,
		struct pod_err **err);

int pod_oci_state_get(const char *root, const char *id, struct pod_oci_state **ret,
		      struct pod_err **err);
/* runc's state JSON: ociVersion, id, pid, status, bundle, rootfs, created,
 * owner, annotations */
json_t *pod_oci_state_to_json(const struct pod_oci_state *s);
struct pod_oci_state *pod_oci_state_free(struct pod_oci_state *s);
void pod_oci_state_freep(struct pod_oci_state **s);
/* every container under root, sorted by id */
int pod_oci_list(const char *root, struct pod_oci_state ***ret, size_t *ret_n,
		 struct pod_err **err);
void pod_oci_state_list_free(struct pod_oci_state **v, size_t n);

struct pod_oci_exec_opts {
	/* the process: a full object (exec --process), or NULL to derive one
	 * from the container's process with the fields below */
	const struct pod_oci_process *process;
	char **args;	     /* required when process is NULL */
	char **env;	     /* KEY=VALUE, added or replaced */
	const char *cwd;     /* NULL: the container's */
	const char *user;    /* "UID[:GID]", NULL: the container's */
	char **caps;	     /* CAP_* added to every set */
	bool tty;	     /* allocate a pty (with process: its .terminal wins) */
	bool no_new_privs;   /* force no_new_privs on */
	const char *console_socket;
	int console_fd;
	const char *pid_file;
	bool detach;	     /* return once started */
	unsigned preserve_fds;
};
#define POD_OCI_EXEC_OPTS_INIT { .console_fd = -1 }

/*
 * Starts the process; *ret_pid is its host pid (a child of the caller).
 * Without detach it also waits (proxying a pty when tty and no console
 * socket) and *ret_status is the exit code; with detach *ret_status is 0.
 * A missing executable fails with POD_E_NOCMD, a non-executable one with
 * POD_E_NOTEXEC.
 */
int pod_oci_exec(const char *root, const char *id, const struct pod_oci_exec_opts *opts,
		 pid_t *ret_pid, int *ret_status, struct pod_err **err);

/* "KILL", "SIGKILL", "9" -> 9 */
int pod_oci_parse_signal(const char *s, int *ret, struct pod_err **err);

/* `runc spec`: a default config.json (rootless: user namespace mapping
 * the caller, /sys bound, no cgroup mount) */
json_t *pod_oci_default_spec(bool rootless);
/* `runc features` */
json_t *pod_oci_features(void);

/* exit code for a wait status: the code, or 128+signal */
int pod_oci_wait_code(int wstatus);

#endif
