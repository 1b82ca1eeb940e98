/*
 * hooks_precreate.c - Podman's "precreate" hook stage: before config.json
 * is written, each matching hook runs with the spec as JSON on its stdin;
 * what it prints on stdout (a whole spec) replaces it.
 */
#include "core/json.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "runtime/specgen.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_OUTPUT (64u << 20)

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char **
strv_of(json_t *a)
{
	char **v = xcalloc(1, sizeof(char *));
	json_t *x;
	size_t i;

	json_array_foreach(a, i, x)
		if (json_is_string(x))
			v = pod_strv_push(v, xstrdup(json_string_value(x)));
	return v;
}

/* runs one hook with text on stdin; *ret gets its stdout */
static int
run_filter(json_t *hook, const char *text, char **ret, struct pod_err **err)
{
	const char *path = json_string_value(json_object_get(hook, "path"));
	json_t *to = json_object_get(hook, "timeout");
	int64_t timeout_ms = json_is_integer(to) && json_integer_value(to) > 0 ?
				     (int64_t) json_integer_value(to) * 1000 : -1;
	int64_t deadline = timeout_ms > 0 ? mono_ms() + timeout_ms : 0;
	cleanup_strv char **args = strv_of(json_object_get(hook, "args"));
	cleanup_strv char **env = strv_of(json_object_get(hook, "env"));
	cleanup_close int in = memfd_create("precreate-spec", MFD_CLOEXEC);
	struct pod_strbuf out = POD_STRBUF_INIT;
	int pfd[2];
	pid_t pid;
	int st, r = 0;

	if (!args[0])
		args = pod_strv_push(args, xstrdup(path));
	if (in < 0)
		return pod_err_sys(err, "precreate hook %s: memfd", path);
	for (size_t off = 0, len = strlen(text); off < len;) {
		ssize_t n = write(in, text + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pod_err_sys(err, "precreate hook %s: writing its input", path);
		}
		off += (size_t) n;
	}
	if (lseek(in, 0, SEEK_SET) < 0)
		return pod_err_sys(err, "precreate hook %s: lseek", path);
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return pod_err_sys(err, "precreate hook %s: pipe", path);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return pod_err_sys(err, "precreate hook %s: fork", path);
	}
	if (pid == 0) {
		dup2(in, STDIN_FILENO);
		dup2(pfd[1], STDOUT_FILENO);
		execve(path, args, env);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		char buf[8192];
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		int wait_ms = -1;
		ssize_t n;
		if (deadline) {
			int64_t left = deadline - mono_ms();
			if (left <= 0) {
				kill(pid, SIGKILL);
				r = pod_err_set(err, POD_E_GENERIC, ETIMEDOUT,
						"precreate hook %s: timed out after %" PRId64 "s", path,
						timeout_ms / 1000);
				break;
			}
			wait_ms = (int) left;
		}
		if (poll(&p, 1, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			kill(pid, SIGKILL);
			r = pod_err_sys(err, "precreate hook %s: poll", path);
			break;
		}
		n = read(pfd[0], buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		if (out.len + (size_t) n > MAX_OUTPUT) {
			kill(pid, SIGKILL);
			r = pod_err_set(err, POD_E_GENERIC, 0, "precreate hook %s: output too large",
					path);
			break;
		}
		pod_strbuf_add(&out, buf, (size_t) n);
	}
	close(pfd[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			st = 0;
			break;
		}
	if (r == 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		r = pod_err_set(err, POD_E_GENERIC, 0, "precreate hook %s: %s %d", path,
				WIFEXITED(st) ? "exit status" : "killed by signal",
				WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	if (r < 0) {
		pod_strbuf_release(&out);
		return -1;
	}
	*ret = pod_strbuf_detach(&out);
	return 0;
}

int
pod_specgen_precreate(json_t *hooks, json_t *spec, struct pod_err **err)
{
	json_t *h;
	size_t i;

	json_array_foreach(hooks, i, h) {
		const char *path = json_string_value(json_object_get(h, "path"));
		cleanup_free char *text = json_dumps(spec, JSON_COMPACT);
		cleanup_free char *out = NULL;
		cleanup_json json_t *next = NULL;
		json_error_t je;

		if (run_filter(h, text, &out, err) < 0)
			return -1;
		next = json_loads(out ? out : "", 0, &je);
		if (!json_is_object(next))
			return pod_err_set(err, POD_E_INVALID, 0, "precreate hook %s: its output is "
					   "not a runtime spec: %s", path,
					   next ? "not a JSON object" : je.text);
		pod_debug("precreate hook %s replaced the spec", path);
		json_object_clear(spec);
		json_object_update(spec, next);
	}
	return 0;
}
