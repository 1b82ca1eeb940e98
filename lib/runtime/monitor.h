/*
 * monitor.h - pod-monitor, the supervisor of one running container (our conmon).
 *
 * The engine starts a container by spawning pod-monitor detached
 * (pod_monitor_spawn: setsid and a double fork, so the monitor is nobody's
 * child but the reaper's) and waits on the sync pipe (pod_monitor_wait_sync)
 * until the container runs or the runtime has failed. The monitor is told
 * everything on its command line and never touches the engine's database:
 *
 *   1. becomes a child subreaper, writes --conmon-pidfile;
 *   2. runs `RUNTIME [--root R] [ARGS] create --bundle B --pid-file F
 *      [--console-socket S] ID`, receiving the pty master over the console
 *      socket with -t, else handing the runtime pipes for stdout/stderr (and
 *      stdin with -i; /dev/null without), then `RUNTIME start ID`;
 *   3. reports {"pid": N} or {"pid": -1, "message": ...} on the sync fd;
 *   4. in one poll loop (no threads): copies output to the k8s-file log and
 *      to every client of the attach socket, client input to the container's
 *      stdin, resize requests from the ctl fifo to the pty;
 *   5. when the container exits: drains its output, notes the OOM flag,
 *      runs `RUNTIME delete --force ID`, writes the exit files atomically,
 *      waits --exit-delay seconds and runs the exit command.
 *
 * Attach protocol (conmon's): DIR/attach is a SOCK_SEQPACKET socket; every
 * message to a client is one byte of stream (2 stdout, 3 stderr) and up to
 * POD_MONITOR_BUF_SIZE bytes of output; with a terminal all output is
 * stream 2. A client's messages go to the container's stdin (with -i,
 * unprefixed). A client that shuts down its writing side (shutdown
 * SHUT_WR) closes the container's stdin unless leave_stdin_open (never with
 * a terminal), and keeps receiving output; a client that disconnects
 * (detaches) changes nothing for the container. DIR/ctl is a fifo of text lines
 * "1 HEIGHT WIDTH" (resize the pty) and "2 0 0" (reopen the log file).
 *
 * Everything returned is owned by the caller; strings in the option struct
 * are borrowed.
 */
#ifndef POD_RUNTIME_MONITOR_H
#define POD_RUNTIME_MONITOR_H

#include "core/err.h"
#include "core/util.h"

#include <sys/types.h>

/* conmon's STDIO_BUF_SIZE: largest output chunk in one attach message */
#define POD_MONITOR_BUF_SIZE 8192

enum pod_monitor_stream {
	POD_MONITOR_STDIN = 1,
	POD_MONITOR_STDOUT = 2,
	POD_MONITOR_STDERR = 3,
};

enum pod_monitor_log_driver {
	POD_MONITOR_LOG_K8S_FILE = 0,	/* log_path in Podman's k8s-file format */
	POD_MONITOR_LOG_NONE,		/* no log; attach still works */
	POD_MONITOR_LOG_PASSTHROUGH,	/* the container gets the monitor's stdio */
};

struct pod_monitor_opts {
	const char *monitor_path;	/* spawn: NULL = pod-monitor next to this program,
					 * else POD_LIBEXECDIR/pod-monitor */
	const char *cid;		/* required */
	const char *name;
	const char *bundle;		/* required */
	const char *runtime;		/* required: a path, or a name looked up in PATH */
	const char *runtime_root;	/* the runtime's --root */
	char *const *runtime_args;	/* global runtime options, before the verb */
	const char *exit_dir;		/* EXIT_DIR/CID gets the exit code */
	const char *persist_dir;	/* PERSIST_DIR/exit.json */
	const char *log_path;		/* required for k8s-file */
	enum pod_monitor_log_driver log_driver;
	int64_t log_size_max;		/* bytes; <= 0: unlimited */
	const char *socket_dir;		/* attach socket and ctl fifo; NULL: none */
	const char *cgroup_path;	/* container cgroup, for the OOM flag; NULL: none */
	bool terminal;			/* -t */
	bool stdin_open;		/* -i */
	bool leave_stdin_open;		/* a client's EOF does not close stdin */
	const char *conmon_pidfile;
	const char *container_pidfile;	/* the runtime's --pid-file */
	const char *exit_command;
	char *const *exit_command_args;
	int64_t exit_delay;		/* seconds before the exit command */
	/* the exit command is skipped while this process (pid, /proc start time)
	 * lives: `run --rm` cleans up and removes the container itself */
	int64_t runner_pid;
	uint64_t runner_start;
	const char *log_level;		/* the monitor's --log-level; NULL: default */
	const char *monitor_log;	/* spawn: file for the monitor's stderr; NULL: /dev/null
					 * (passthrough keeps the caller's stdio) */
	/* healthcheck: every health_interval_ms (> 0) while the container runs, the
	 * monitor runs HEALTH_COMMAND [ARGS] (one at a time, stdio on /dev/null) */
	int64_t health_interval_ms;
	const char *health_command;
	char *const *health_command_args;
	/* monitor: > 0, wait for a byte on this fd before creating the container;
	 * EOF: the engine gave up, leave having done nothing (the spawner sets it) */
	int go_fd;
};

struct pod_monitor_exit {
	int exit_code;		/* 128+signal when killed */
	int64_t finished_ns;	/* CLOCK_REALTIME */
	bool oom_killed;
	bool runtime_left;	/* the monitor left the runtime's delete to the runner */
};

/* "k8s-file", "none", "passthrough"; POD_E_INVALID for anything else */
int pod_monitor_log_driver_parse(const char *s, enum pod_monitor_log_driver *ret,
				 struct pod_err **err);
const char *pod_monitor_log_driver_name(enum pod_monitor_log_driver d);

/* checks required fields and combinations (POD_E_INVALID) */
int pod_monitor_opts_check(const struct pod_monitor_opts *o, struct pod_err **err);

/*
 * The pod-monitor command line for o, with argv[0] = path and
 * "--sync-fd SYNC_FD" when sync_fd >= 0. Free with pod_strv_free().
 */
char **pod_monitor_argv(const char *path, const struct pod_monitor_opts *o, int sync_fd);

/*
 * Starts pod-monitor detached: setsid, double fork (the monitor is
 * re-parented away from the caller), stdio on /dev/null (kept with
 * passthrough), every other fd closed, the sync pipe's write end as fd 3,
 * LC_ALL=C (it keeps locale files out of the monitor's memory).
 * Returns the monitor's pid and the sync pipe's read end (O_CLOEXEC), for
 * pod_monitor_wait_sync(). An exec failure of the monitor is reported here.
 */
int pod_monitor_spawn(const struct pod_monitor_opts *o, pid_t *ret_monitor_pid, int *ret_sync_fd,
		      struct pod_err **err);

/*
 * pod_monitor_spawn() in two steps. _early() forks and returns at once: the
 * monitor execs and sets itself up (pid file, log, attach socket) while the
 * caller still prepares the bundle, and waits for _go() before it runs the
 * runtime. _go() reports the monitor's exec as pod_monitor_spawn() does,
 * then lets it go on. _abort(), for a failure in between, makes it leave
 * having created nothing.
 */
struct pod_monitor_early {
	pid_t mid;	/* the short-lived middle child */
	int status_fd;	/* the monitor's pid, then EOF at its exec */
	int sync_fd;
	int go_fd;	/* write end of the go pipe */
	char *path;
};
int pod_monitor_spawn_early(const struct pod_monitor_opts *o, struct pod_monitor_early *ret,
			    struct pod_err **err);
int pod_monitor_spawn_go(struct pod_monitor_early *s, pid_t *ret_monitor_pid, int *ret_sync_fd,
			 struct pod_err **err);
void pod_monitor_spawn_abort(struct pod_monitor_early *s);

/*
 * Reads the monitor's report from fd (does not close it). On success
 * *ret_ctr_pid is the container's pid. A runtime failure becomes Podman's
 * error: "RUNTIME: MESSAGE: OCI runtime attempted to invoke a command that
 * was not found" (POD_E_NOCMD), "...: OCI permission denied"
 * (POD_E_NOTEXEC), else "...: OCI runtime error". timeout_ms < 0 waits
 * forever.
 */
int pod_monitor_wait_sync(int fd, int timeout_ms, pid_t *ret_ctr_pid, struct pod_err **err);

/*
 * Turns a runtime failure report into an error (used by wait_sync; exposed
 * for tests). runtime may be NULL for the monitor's own failures.
 */
int pod_monitor_sync_error(const char *runtime, const char *message, struct pod_err **err);

/*
 * The runtime's own message from what it printed on stderr: the last
 * error-level msg of logrus text or JSON lines, else the last non-empty
 * line (an "Error: " prefix dropped). Never NULL.
 */
char *pod_monitor_runtime_message(const char *text, size_t len);

/* Reads PERSIST_DIR/exit.json; POD_E_NOTFOUND when it is not there yet. */
int pod_monitor_read_exit(const char *persist_dir, struct pod_monitor_exit *ret,
			  struct pod_err **err);

/*
 * Runs the monitor for o in the calling process (pod-monitor's main): returns
 * 0 once the container has exited and the exit work is done, -1 when the
 * container could not be started (already reported on sync_fd when >= 0).
 * sync_fd is closed in both cases.
 */
int pod_monitor_run(const struct pod_monitor_opts *o, int sync_fd, struct pod_err **err);

/* Client side: connects to SOCKET_DIR/attach (any path length). */
int pod_monitor_attach_connect(const char *socket_dir, struct pod_err **err);
/* Client side: asks the monitor to resize the pty. */
int pod_monitor_resize(const char *socket_dir, unsigned height, unsigned width,
		       struct pod_err **err);

/*
 * The k8s-file log writer. Each chunk read from a stream becomes lines
 * "TIMESTAMP STREAM F TEXT\n" for complete lines and "TIMESTAMP STREAM P
 * TEXT\n" for the trailing part without a newline; the line that completes
 * it is F. TIMESTAMP is RFC 3339 local time with nine fraction digits and a
 * numeric offset. With size_max > 0 a line that would take the file past
 * size_max first starts the file afresh (conmon's behaviour: a new empty
 * file is renamed over the path, readers see the old file or the new one).
 */
struct pod_monitor_log {
	int fd;
	char *path;
	int64_t size_max;
	int64_t size;
};

int pod_monitor_log_open(struct pod_monitor_log *l, const char *path, int64_t size_max,
			 struct pod_err **err);
int pod_monitor_log_write(struct pod_monitor_log *l, enum pod_monitor_stream stream,
			  const char *buf, size_t len, int64_t now_ns, struct pod_err **err);
/* opens the path again for appending (after an outside rotation) */
int pod_monitor_log_reopen(struct pod_monitor_log *l, struct pod_err **err);
/* replaces the file with a new empty one */
int pod_monitor_log_truncate(struct pod_monitor_log *l, struct pod_err **err);
void pod_monitor_log_close(struct pod_monitor_log *l);

/* "2026-11-28T12:00:00.123456789+00:00" into buf (>= 36 bytes); returns its length */
size_t pod_monitor_timestamp(int64_t ns, char *buf, size_t size);

#endif
