/* hooks.c - runtime-spec hooks: state JSON on stdin, timeout, exit status */
#include "runtime/oci-internal.h"
#include "core/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define HOOK_OUTPUT_MAX 4096

static int
run_one(const struct pod_oci_hook *h, const char *stage, const char *state_json,
	struct pod_err **err)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	struct pod_strbuf output = POD_STRBUF_INIT;
	int64_t deadline = h->timeout > 0 ? pod_mono_ns() + (int64_t) h->timeout * 1000000000 : 0;
	size_t off = 0, len = strlen(state_json);
	bool timed_out = false;
	int status = 0, r = 0;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0 ||
	    pipe2(out, O_CLOEXEC) < 0) {
		r = pod_err_sys(err, "running %s hook %s", stage, h->path);
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		r = pod_err_sys(err, "running %s hook %s", stage, h->path);
		goto out;
	}
	if (pid == 0) {
		char *argv0[] = { h->path, NULL };
		char *envp0[] = { NULL };

		if (dup2(in[1], 0) < 0 || dup2(out[1], 1) < 0 || dup2(out[1], 2) < 0)
			_exit(127);
		execve(h->path, h->args && h->args[0] ? h->args : argv0, h->env ? h->env : envp0);
		dprintf(2, "exec %s: %s", h->path, pod_strerror(errno));
		_exit(127);
	}
	close(in[1]);
	in[1] = -1;
	close(out[1]);
	out[1] = -1;
	(void) fcntl(in[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		struct pollfd p[2] = { { .fd = out[0], .events = POLLIN },
				       { .fd = off < len ? in[0] : -1, .events = POLLOUT } };
		int timeout = -1;

		if (deadline) {
			int64_t left = deadline - pod_mono_ns();
			if (left <= 0) {
				timed_out = true;
				break;
			}
			timeout = (int) (left / 1000000) + 1;
		}
		if (out[0] < 0)
			break;
		if (poll(p, 2, timeout) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents & (POLLOUT | POLLERR | POLLHUP)) {
			ssize_t n = send(in[0], state_json + off, len - off, MSG_NOSIGNAL);
			if (n > 0)
				off += (size_t) n;
			else if (n < 0 && errno != EAGAIN)
				off = len; /* the hook does not read its stdin */
			if (off >= len)
				shutdown(in[0], SHUT_WR);
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			char buf[1024];
			ssize_t n = read(out[0], buf, sizeof(buf));
			if (n <= 0) {
				close(out[0]);
				out[0] = -1;
			} else if (output.len < HOOK_OUTPUT_MAX) {
				pod_strbuf_add(&output, buf, (size_t) n);
			}
		}
	}
	/* output closed: wait for the exit within what is left of the timeout */
	while (!timed_out) {
		pid_t w = waitpid(pid, &status, deadline ? WNOHANG : 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			r = pod_err_sys(err, "waiting for %s hook %s", stage, h->path);
			goto out;
		}
		if (deadline && pod_mono_ns() >= deadline)
			timed_out = true;
		else if (deadline)
			usleep(10000);
	}
	if (timed_out) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		r = pod_err_set(err, POD_E_GENERIC, 0, "%s hook %s: timed out after %d seconds",
				stage, h->path, h->timeout);
		goto out;
	}
	while (output.len && (output.buf[output.len - 1] == '\n'))
		pod_strbuf_truncate(&output, output.len - 1);
	if (WIFSIGNALED(status))
		r = pod_err_set(err, POD_E_GENERIC, 0, "%s hook %s: killed by signal %d%s%s", stage,
				h->path, WTERMSIG(status), output.len ? ": " : "", output.buf);
	else if (WEXITSTATUS(status) != 0)
		r = pod_err_set(err, POD_E_GENERIC, 0, "%s hook %s: exit status %d%s%s", stage,
				h->path, WEXITSTATUS(status), output.len ? ": " : "", output.buf);
	else
		pod_rt_debug("%s hook %s done", stage, h->path);
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	pod_strbuf_release(&output);
	return r;
}

int
pod_rt_hooks_run(const struct pod_oci_hook *hooks, size_t n, const char *stage,
	      const char *state_json, struct pod_err **err)
{
	for (size_t i = 0; i < n; i++)
		if (run_one(&hooks[i], stage, state_json, err) < 0)
			return -1;
	return 0;
}
