/* ctr_pause.c - pause and unpause: the container's cgroup frozen through its runtime */
#include "core/fs.h"
#include "core/log.h"
#include "runtime/ctr-internal.h"
#include "runtime/ctr_exec.h"
#include "runtime/oci.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static bool
is_builtin(const char *rt_path)
{
	const char *base = strrchr(rt_path, '/');
	return STREQ(base ? base + 1 : rt_path, "pod-oci");
}

/* `RUNTIME --root R pause|resume ID`, its stderr kept for the error */
static int
runtime_pause(const char *rt_path, const char *rt_root, const char *id, bool pause,
	      struct pod_err **err)
{
	int p[2];
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	int status = 0;
	pid_t pid;

	if (is_builtin(rt_path))
		return pod_oci_pause(rt_root, id, pause, err);
	if (pipe2(p, O_CLOEXEC) < 0)
		return pod_err_sys(err, "pipe");
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return pod_err_sys(err, "fork");
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			(void) dup2(null, STDIN_FILENO);
			(void) dup2(null, STDOUT_FILENO);
		}
		(void) dup2(p[1], STDERR_FILENO);
		execl(rt_path, rt_path, "--root", rt_root, pause ? "pause" : "resume", id,
		      (char *) NULL);
		_exit(127);
	}
	close(p[1]);
	while (len < sizeof(buf) - 1) {
		n = read(p[0], buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t) n;
	}
	close(p[0]);
	buf[len] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	{
		cleanup_free char *msg = pod_monitor_runtime_message(buf, len);
		return pod_monitor_sync_error(rt_path, msg, err);
	}
}

static int
set_paused(struct pod_engine *e, struct pod_ctr *c, bool pause, struct pod_err **err)
{
	const char *rt_path = pod_ctr_str(c, "RuntimePath");
	const char *rt_root = pod_ctr_str(c, "RuntimeRoot");

	if (!rt_path || !rt_root)
		return pod_err_set(err, POD_E_STATE, 0, "container %s has no runtime state", c->id);
	if (runtime_pause(rt_path, rt_root, c->id, pause, err) < 0)
		return -1;
	c->state = pause ? POD_CTR_PAUSED : POD_CTR_RUNNING;
	if (pod_ctr_save(e, c, err) < 0)
		return -1;
	pod_ctr_event(e, c, pause ? "pause" : "unpause", 0);
	return 0;
}

int
pod_ctr_pause(struct pod_engine *e, struct pod_ctr *c, bool pause, struct pod_err **err)
{
	cleanup_close int lock = pod_ctr_lock(e, c->id, err);

	if (lock < 0 || pod_ctr_reload(e, c, err) < 0)
		return -1;
	if (pause && c->state == POD_CTR_PAUSED)
		return pod_err_set(err, POD_E_STATE, 0, "\"%s\" is already paused: container state "
				   "improper", c->id);
	/* Podman names the state here, not the container */
	if (pause && (c->state != POD_CTR_RUNNING || !pod_ctr_process_alive(c)))
		return pod_err_set(err, POD_E_STATE, 0, "\"%s\" is not running, can't pause: "
				   "container state improper",
				   pod_ctr_state_name(c->state == POD_CTR_RUNNING ? POD_CTR_EXITED :
						      c->state));
	if (!pause && c->state != POD_CTR_PAUSED)
		return pod_err_set(err, POD_E_STATE, 0, "\"%s\" is not paused, can't unpause: "
				   "container state improper", c->id);
	if (pause && !pod_ctr_str(c, "CgroupsPath"))
		return pod_err_set(err, POD_E_STATE, 0, "cannot pause container %s: it has no "
				   "cgroup (--cgroups=disabled)", c->id);
	return set_paused(e, c, pause, err);
}

int
pod_ctr_thaw_locked(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err)
{
	if (c->state != POD_CTR_PAUSED)
		return 0;
	return set_paused(e, c, false, err);
}
