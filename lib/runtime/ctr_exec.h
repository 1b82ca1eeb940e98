/*
 * ctr_exec.h - exec sessions: one more process in a running container
 * (`podman exec`), and the healthcheck that runs through them.
 *
 * The process is the container's own process object from its stored spec
 * (bundle config.json) with the exec's args, env, cwd, user and terminal:
 * the same namespaces, cgroup, capabilities (fewer for a non-root user,
 * every one we hold with privileged), seccomp filter, no_new_privs and
 * rlimits. With the built-in runtime it is started in-process
 * (pod_oci_exec); with runc or crun by `RUNTIME exec --process FILE
 * --detach` and reaped as a child subreaper. Without a terminal the process
 * gets the caller's stdin, stdout and stderr; with one, the caller copies
 * between its stdio and the pty (detach keys, window size).
 *
 * A session is a file $RUNROOT/containers/ID/exec/SESSION.json
 * {ID, Command, Pid, Running, ExitCode, Detached, Tty, Created}: an
 * attached session's file is removed when its process ends; a detached
 * one stays (with its exit code) until the container starts again, as
 * Podman lists them in inspect's ExecIDs.
 */
#ifndef POD_RUNTIME_CTR_EXEC_H
#define POD_RUNTIME_CTR_EXEC_H

#include <jansson.h>

#include "runtime/ctr.h"

struct pod_exec_opts {
	char *const *args;	 /* required */
	char *const *env;	 /* KEY=VALUE, added or replaced in order */
	const char *user;	 /* NULL: the container's */
	const char *workdir;	 /* NULL: the container's */
	bool tty, interactive, detach, privileged;
	const char *detach_keys; /* NULL: ctrl-p,ctrl-q; "": none */
	unsigned preserve_fds;
	int out_fd;		 /* > 0: the process's stdout and stderr (stdin /dev/null); else ours */
	int64_t timeout_ns;	 /* > 0: SIGKILL after this long, exit code -1 */
};

/*
 * Runs an exec session. Without detach it waits: *ret_code is the
 * process's exit code (128+N when killed by signal N) and the return
 * value 0, or 1 when the user detached with the detach keys (the process
 * runs on). With detach *ret_session is the session ID and the process
 * runs on. A container that does not run is POD_E_STATE with Podman's
 * message; a missing command POD_E_NOCMD, a non-executable one
 * POD_E_NOTEXEC.
 */
int pod_ctr_exec(struct pod_engine *e, struct pod_ctr *c, const struct pod_exec_opts *o,
		 char **ret_session, int *ret_code, struct pod_err **err);

/*
 * pause / unpause (ctr_pause.c): the runtime's pause/resume (a frozen
 * cgroup); the state becomes paused / running. Podman's messages for a
 * container in another state (POD_E_STATE).
 */
int pod_ctr_pause(struct pod_engine *e, struct pod_ctr *c, bool pause, struct pod_err **err);

/*
 * Healthchecks (ctr_health.c). The effective check: Settings.Healthcheck
 * over the image's config.Healthcheck, defaults filled in (Interval 30s,
 * Timeout 30s, StartPeriod 0, Retries 3; Interval 0 when disabled); NULL
 * when there is none (or Test is ["NONE"]).
 */
json_t *pod_ctr_health_config(const struct pod_ctr *c);
enum pod_health_result {
	POD_HEALTH_HEALTHY,
	POD_HEALTH_UNHEALTHY, /* the check failed */
	POD_HEALTH_STARTING,  /* it failed within the start period */
};
/*
 * Runs the check once through an exec session and records it in data.Health
 * {Status, FailingStreak, Log[<= 5]} as Podman does; an unhealthy container
 * gets its --health-on-failure action. A check that exceeds its timeout is
 * POD_E_GENERIC "healthcheck command exceeded timeout of 30s" (recorded).
 */
int pod_ctr_health_run(struct pod_engine *e, struct pod_ctr *c, enum pod_health_result *ret,
		       struct pod_err **err);
/* "healthy", "unhealthy", "starting", or "" without a healthcheck */
const char *pod_ctr_health_status(const struct pod_ctr *c);
/* State.Health of inspect */
json_t *pod_ctr_health_inspect(const struct pod_ctr *c);

/* the IDs of the container's exec sessions, oldest first (inspect's ExecIDs) */
json_t *pod_ctr_exec_ids(struct pod_engine *e, const struct pod_ctr *c);
/* forgets every session (a container that starts again has none) */
void pod_ctr_exec_forget(struct pod_engine *e, const char *id);

#endif
