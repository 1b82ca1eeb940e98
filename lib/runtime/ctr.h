/*
 * ctr.h - the container engine: the container model, its row in the store,
 * and its lifecycle (create, start, stop, kill, cleanup, remove).
 *
 * An engine (struct pod_engine) is one open store plus the configuration
 * every command needs (containers.conf, paths, the storage driver, the OCI
 * runtime). A container (struct pod_ctr) is a copy of its row in the
 * containers table: queried fields in columns (state, pid, times, exit
 * code), everything else in the `data` JSON object:
 *
 *   Settings      everything create was told (see specgen.h), never changed
 *   ImageName     the image as resolved at create ("docker.io/library/x:latest")
 *   ImageConfig   the image's config object (Env, Cmd, Entrypoint, ...)
 *   Driver        "overlay" or "vfs"
 *   MonitorPid    pid of the container's pod-monitor while it runs
 *   OOMKilled, RestartCount, StoppedByUser, Error, OCIRuntime, CgroupsPath
 *
 * Files: $ROOT/containers/ID/{upper,work,merged | rootfs} and
 * $ROOT/containers/ID/userdata (the bundle: config.json, ctr.log);
 * $RUNROOT/containers/ID/ (lock, hosts, hostname, resolv.conf,
 * .containerenv, attach socket, pid files, exit.json).
 *
 * Locking: every lifecycle change holds the container's lock
 * ($RUNROOT/containers/ID/lock, flock) and re-reads the row under it.
 * Truthful state: pod_ctr_sync() (run by lookup and list) notices a
 * container whose process is gone while its row says running and records
 * its exit from the monitor's exit file (code -1 when there is none) and
 * cleans up after it.
 *
 * Ownership: pod_ctr_free() releases a container (NULL is fine);
 * pod_engine_free() closes the store. Returned strings and JSON references
 * are the caller's.
 */
#ifndef POD_RUNTIME_CTR_H
#define POD_RUNTIME_CTR_H

#include <jansson.h>
#include <sys/types.h>

#include "config/config.h"
#include "core/err.h"
#include "core/util.h"
#include "store/store.h"

enum pod_ctr_state {
	POD_CTR_CONFIGURED = 0,
	POD_CTR_CREATED,
	POD_CTR_RUNNING,
	POD_CTR_PAUSED,
	POD_CTR_STOPPING,
	POD_CTR_STOPPED,
	POD_CTR_EXITED,
	POD_CTR_REMOVING,
	POD_CTR_UNKNOWN,
};

struct pod_engine_opts {
	const char *root;	    /* NULL: $POD_ROOT or the default */
	const char *runroot;
	const char *storage_driver; /* "overlay", "vfs"; NULL: storage.conf, else overlay */
	const char *runtime;	    /* --runtime: name or path; NULL: containers.conf, else pod-oci */
	const char *hooks_dir;	    /* --hooks-dir; NULL: containers.conf / the defaults */
	const char *log_level;	    /* passed on to the monitor and the exit command */
	const char *tools_dir;	    /* where pod-oci, pod-monitor, pod-container are;
				     * NULL: beside this executable */
	bool readonly;		    /* open the store read-only (listing tools) */
};

struct pod_engine {
	struct pod_store *store;
	struct pod_config *conf;
	char *root, *runroot;
	char *storage_driver;
	char *runtime;		/* as configured: "pod-oci", "runc", or a path */
	char *hooks_dir;
	char *log_level;
	char *tools_dir;
	/* pod_ctr_create records this process as the runner: the one that waits for
	 * the container, cleans up and removes it (run --rm); no exit command then */
	bool create_as_runner;
};

struct pod_ctr {
	char *id;
	char *name;
	char *image_id;
	enum pod_ctr_state state;
	pid_t pid;
	int64_t created_ns, started_ns, finished_ns;
	bool has_exit_code;
	int exit_code;
	json_t *data;	  /* the row's data object (owned) */
	json_t *settings; /* data.Settings (borrowed from data) */
};

int pod_engine_open(const struct pod_engine_opts *o, struct pod_engine **ret,
		    struct pod_err **err);
struct pod_engine *pod_engine_free(struct pod_engine *e);
void pod_engine_freep(struct pod_engine **e);
#define cleanup_engine cleanup_(pod_engine_freep)

/* "pod-oci" beside the tools, a containers.conf runtimes path, or PATH; malloc'd */
char *pod_engine_runtime_path(struct pod_engine *e, const char *name, struct pod_err **err);
/* a tool beside this executable (pod-container, pod-init, ...); malloc'd */
char *pod_engine_tool_path(struct pod_engine *e, const char *tool);

const char *pod_ctr_state_name(enum pod_ctr_state s);
enum pod_ctr_state pod_ctr_state_parse(const char *s);

struct pod_ctr *pod_ctr_free(struct pod_ctr *c);
void pod_ctr_freep(struct pod_ctr **c);
#define cleanup_ctr cleanup_(pod_ctr_freep)

/* Resolves a name, full ID or unique ID prefix, loads and syncs the row. */
int pod_ctr_lookup(struct pod_engine *e, const char *name_or_id, struct pod_ctr **ret,
		   struct pod_err **err);
/* Loads by full ID, no sync; POD_E_NOTFOUND when the row is gone. */
int pod_ctr_load(struct pod_engine *e, const char *id, struct pod_ctr **ret, struct pod_err **err);
/* Every container, synced, newest first. */
int pod_ctr_list(struct pod_engine *e, struct pod_ctr ***ret, size_t *ret_n, struct pod_err **err);
void pod_ctr_list_free(struct pod_ctr **v, size_t n);
/*
 * Every container's ID, newest first (pod_ctr_list's order), as a strv:
 * a tool that acts on every container (rm --all, prune) loads each in turn
 * (pod_ctr_load, pod_ctr_sync) instead of holding every row's data at once.
 */
int pod_ctr_list_ids(struct pod_engine *e, char ***ret, struct pod_err **err);
/*
 * Every container, synced, one at a time and in no particular order (the
 * caller sorts): fn gets each and owns it (frees it or keeps it), so a
 * listing need not hold every row's data at once. A row that needs a sync
 * comes after the others; a non-zero return from fn stops the walk and is
 * returned.
 */
int pod_ctr_list_each(struct pod_engine *e,
		      int (*fn)(struct pod_engine *e, struct pod_ctr *c, void *data,
				struct pod_err **err),
		      void *data, struct pod_err **err);

/*
 * Truthful state: a running/paused/stopping row whose process is gone is
 * cleaned up (see pod_ctr_cleanup). Takes the lock unless the caller holds it.
 */
int pod_ctr_sync(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err);

/* Takes the container's lock; returns the lock fd. */
int pod_ctr_lock(struct pod_engine *e, const char *id, struct pod_err **err);

/* Writes the row from c (columns and data) in one transaction. */
int pod_ctr_save(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err);

/* --- paths (malloc'd) --- */
char *pod_ctr_dir(struct pod_engine *e, const char *id);	/* $ROOT/containers/ID */
char *pod_ctr_bundle(struct pod_engine *e, const char *id);	/* .../userdata */
char *pod_ctr_rundir(struct pod_engine *e, const char *id);	/* $RUNROOT/containers/ID */
char *pod_ctr_rootfs(struct pod_engine *e, const struct pod_ctr *c); /* merged or rootfs */
char *pod_ctr_log_path(struct pod_engine *e, const struct pod_ctr *c);
char *pod_ctr_cgroups_path(const struct pod_ctr *c); /* NULL with --cgroups=disabled */

/* data field helpers */
const char *pod_ctr_str(const struct pod_ctr *c, const char *key);	  /* data.KEY */
const char *pod_ctr_setting_str(const struct pod_ctr *c, const char *key); /* Settings.KEY */
bool pod_ctr_setting_bool(const struct pod_ctr *c, const char *key);
int64_t pod_ctr_setting_int(const struct pod_ctr *c, const char *key, int64_t dflt);

/* --- lifecycle (ctr_run.c) --- */

/*
 * Creates a container from settings (see pod_specgen_settings_check): the
 * image must be in the store; makes the rootfs (vfs: copies the layers),
 * the bundle directory and the row. The name must be unique
 * (POD_E_EXISTS with Podman's message).
 */
int pod_ctr_create(struct pod_engine *e, json_t *settings, struct pod_ctr **ret,
		   struct pod_err **err);

/*
 * Starts a created or exited container: mounts the rootfs, writes the run
 * files and config.json, spawns pod-monitor and waits until the container
 * runs. A running container is left alone. With attach_fd_ret the caller
 * gets a connected attach socket (connected before the container starts).
 */
int pod_ctr_start(struct pod_engine *e, struct pod_ctr *c, int *attach_fd_ret,
		  struct pod_err **err);

/*
 * Marks the calling process as the container's attached runner (`run`
 * without -d): while it lives, cleanup leaves --rm removal to it, so it
 * can read the exit code first.
 */

/* Signals the container's process; POD_E_STATE when it does not run. */
int pod_ctr_kill(struct pod_engine *e, struct pod_ctr *c, int sig, struct pod_err **err);

/*
 * Stops: the stop signal (settings StopSignal, else SIGTERM), then SIGKILL
 * after timeout seconds (< 0: the container's StopTimeout); waits until it
 * has exited and is cleaned up. A container that does not run is fine.
 */
int pod_ctr_stop(struct pod_engine *e, struct pod_ctr *c, int64_t timeout, struct pod_err **err);

/*
 * `podman restart`: "restart", then a stop as above (its events are
 * Podman's "died" without "cleanup", and a pod's exit policy ignores it)
 * and a start.
 */
int pod_ctr_restart(struct pod_engine *e, struct pod_ctr *c, int64_t timeout,
		    struct pod_err **err);

/*
 * Records the exit (monitor exit file, or -1), unmounts, removes the
 * cgroup and the runtime's state, then applies the restart policy or
 * --rm. Safe to run any number of times.
 */
int pod_ctr_cleanup(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err);

/*
 * Removes a container: a running one only with force (stopped first with
 * timeout, < 0: its StopTimeout), else POD_E_STATE (Podman's exit 2).
 */
int pod_ctr_remove(struct pod_engine *e, struct pod_ctr *c, bool force, int64_t timeout,
		   struct pod_err **err);

int pod_ctr_rename(struct pod_engine *e, struct pod_ctr *c, const char *new_name,
		   struct pod_err **err);

/*
 * Waits until the container reaches one of the states (NULL: stopped or
 * exited), polling every interval_ns; *ret_code is the exit code (-1 when
 * it has none). A removed container is POD_E_NOTFOUND.
 */
int pod_ctr_wait(struct pod_engine *e, const char *id, const enum pod_ctr_state *conditions,
		 size_t n_conditions, int64_t interval_ns, int *ret_code, struct pod_err **err);

/*
 * Appends a container event ("create", "died", ...) to the events log
 * (store/events.h); exit_code is for "died". Best effort, never fails.
 */
void pod_ctr_event(struct pod_engine *e, const struct pod_ctr *c, const char *status,
		   int exit_code);

/* --- top (ctr_top.c) --- */

/* every argument (or comma-separated word) is a psgo descriptor ("pid", "%C") */
bool pod_ctr_top_descriptors_valid(char *const *args);
/*
 * The running container's processes, one row (array of strings) per
 * process, sorted by pid, one column per descriptor (NULL: Podman's
 * default "user pid ppid pcpu etime tty time args"); *ret_header holds the
 * column titles. From /proc of the processes in its cgroup (else in its pid
 * namespace). POD_E_STATE when it does not run.
 */
int pod_ctr_top(struct pod_engine *e, const struct pod_ctr *c, char *const *descriptors,
		json_t **ret_header, json_t **ret_rows, struct pod_err **err);
/* runs the container's own ps(1) with args inside its namespaces; ps's exit code */
int pod_ctr_top_ps(struct pod_engine *e, const struct pod_ctr *c, char *const *args,
		   struct pod_err **err);

/* --- stats (ctr_stats.c) --- */
struct pod_ctr_stats {
	bool running;		/* false: every figure is 0 */
	int64_t at_ns, started_ns; /* when sampled; when the container started */
	uint64_t cpu_ns;	/* CPU time used */
	uint64_t mem_usage;	/* bytes, inactive page cache left out (as Podman) */
	uint64_t mem_limit;	/* the cgroup's limit, at most the host's memory */
	uint64_t net_rx, net_tx; /* every interface of its network namespace but lo */
	uint64_t block_read, block_write;
	uint64_t pids;
};
/* one sample from the container's cgroup (v1 or v2) and network namespace */
int pod_ctr_stats(struct pod_engine *e, const struct pod_ctr *c, struct pod_ctr_stats *ret,
		  struct pod_err **err);

/* --- update (ctr_update.c) --- */
/*
 * Merges changes (Settings keys: Memory, MemorySwap, MemoryReservation,
 * CpuShares, CpuQuota, CpuPeriod, NanoCpus, CpusetCpus, CpusetMems,
 * PidsLimit) into the container's Settings, applies them to its cgroup
 * when it runs, and saves the row, so inspect and the next start use them.
 */
int pod_ctr_update(struct pod_engine *e, struct pod_ctr *c, json_t *changes,
		   struct pod_err **err);

/* Podman's "Up 2 seconds ago", "Exited (0) 3 seconds ago", "Created" */
char *pod_ctr_status_text(const struct pod_ctr *c, int64_t now_ns);

/* --- volumes (ctr_volumes.c) --- */

/*
 * Removes the container's anonymous volumes (`rm -v`, `run --rm`); one
 * another container still uses is kept.
 */
int pod_ctr_remove_volumes(struct pod_engine *e, const struct pod_ctr *c, struct pod_err **err);
/* the container's volumes (and --volumes-from binds) as inspect's Mounts entries */
json_t *pod_ctr_volumes_inspect(struct pod_engine *e, const struct pod_ctr *c);
/* its volumes as HostConfig.Binds shows them: "NAME:/dst:rw,rprivate,nosuid,nodev,rbind" */
json_t *pod_ctr_volumes_binds(const struct pod_ctr *c);

/* --- dependencies (ctr_depend.c): Settings.Requires, container IDs --- */

/* resolves Settings.Requires names to IDs (each must exist) */
int pod_ctr_requires_resolve(struct pod_engine *e, json_t *settings, struct pod_err **err);
/* IDs of the containers that require id, newest first (a NULL-terminated vector) */
int pod_ctr_dependents(struct pod_engine *e, const char *id, char ***ret, struct pod_err **err);
/* POD_E_EXISTS with Podman's message when other containers require c */
int pod_ctr_check_no_dependents(struct pod_engine *e, const struct pod_ctr *c,
				struct pod_err **err);
/* starts what c requires (recursively) that is not running */
int pod_ctr_start_requirements(struct pod_engine *e, const struct pod_ctr *c,
			       struct pod_err **err);

/* --- records (ctr_json.c) --- */

/* Podman's `inspect` object (Type "container" added when record is true) */
json_t *pod_ctr_inspect_json(struct pod_engine *e, const struct pod_ctr *c);
/* Podman's `ps --format json` object; size adds Size {rw, rootFs} */
json_t *pod_ctr_ps_json(struct pod_engine *e, const struct pod_ctr *c, bool size, int64_t now_ns);
/* RFC 3339 with nanoseconds as Go's time.Time marshals it; malloc'd */
char *pod_time_rfc3339(int64_t ns);

/* --- images as the engine needs them (ctr_image.c) --- */
struct pod_ctr_image {
	char *id;
	char *name;	  /* the name that matched, or the first name; "" when none */
	json_t *config;	  /* the image config blob */
	char **layer_dirs; /* top first */
	int64_t size, created_ns;
	char *digest;
	json_t *names;	  /* array of every name */
};
/* POD_E_NOTFOUND "REF: image not known" */
int pod_ctr_image_lookup(struct pod_engine *e, const char *ref, struct pod_ctr_image **ret,
			 struct pod_err **err);
struct pod_ctr_image *pod_ctr_image_free(struct pod_ctr_image *img);
void pod_ctr_image_freep(struct pod_ctr_image **img);

/* --- logs (ctr_logs.c) --- */
struct pod_log_opts {
	bool follow;
	bool timestamps;
	int64_t since_ns, until_ns; /* 0: unbounded */
	int64_t tail;		    /* < 0: all */
	const char *prefix;	    /* written before every line (--names) */
	int out_fd, err_fd;	    /* where the streams go */
};
/*
 * Prints a container's k8s-file log. With follow, waits for more until the
 * container is not running (or removed) and the log is drained.
 */
int pod_ctr_logs(struct pod_engine *e, const struct pod_ctr *c, const struct pod_log_opts *o,
		 struct pod_err **err);

/* --- attach (ctr_attach.c) --- */
struct pod_attach_opts {
	bool stdin_open;	/* forward our stdin */
	bool tty;		/* raw mode, window size */
	bool sig_proxy;		/* forward signals (no tty) */
	const char *detach_keys; /* "ctrl-p,ctrl-q"; "" disables */
	bool stdout_on, stderr_on;
};
/*
 * Streams a running container's output to our stdout/stderr and our stdin
 * to it through attach_fd (or a new connection when -1) until it exits or
 * the user detaches. Output comes from the k8s-file log from byte
 * log_offset (< 0: its current end), so nothing written before the
 * attach socket was served is lost; with another log driver it comes from
 * the attach socket. Returns 1 when detached, 0 when the container ended.
 */
int pod_ctr_attach(struct pod_engine *e, struct pod_ctr *c, int attach_fd,
		   const struct pod_attach_opts *o, int64_t log_offset, struct pod_err **err);
/* the current size of the container's log (where a new attach starts) */
int64_t pod_ctr_log_size(struct pod_engine *e, const struct pod_ctr *c);

#endif
