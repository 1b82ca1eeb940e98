/* monitor_spawn.c - the engine's side of pod-monitor: argv, detached spawn, sync, exit file */
#include "runtime/monitor.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define SYNC_MAX 65536
#define SYNC_CHILD_FD 3
/* fd 4 is the exec status pipe; the go pipe's read end is 5 */
#define GO_CHILD_FD 5

static const char *const driver_names[] = {
	[POD_MONITOR_LOG_K8S_FILE] = "k8s-file",
	[POD_MONITOR_LOG_NONE] = "none",
	[POD_MONITOR_LOG_PASSTHROUGH] = "passthrough",
};

int
pod_monitor_log_driver_parse(const char *s, enum pod_monitor_log_driver *ret,
			     struct pod_err **err)
{
	for (size_t i = 0; i < ARRAY_SIZE(driver_names); i++) {
		if (STREQ(s, driver_names[i])) {
			*ret = (enum pod_monitor_log_driver) i;
			return 0;
		}
	}
	return pod_err_set(err, POD_E_INVALID, 0,
			   "invalid log driver \"%s\": choose from k8s-file, none, passthrough", s);
}

const char *
pod_monitor_log_driver_name(enum pod_monitor_log_driver d)
{
	if ((size_t) d < ARRAY_SIZE(driver_names))
		return driver_names[d];
	return "unknown";
}

int
pod_monitor_opts_check(const struct pod_monitor_opts *o, struct pod_err **err)
{
	if (!o->cid || !*o->cid)
		return pod_err_set(err, POD_E_INVALID, 0, "a container ID (--cid) is required");
	if (strchr(o->cid, '/'))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid container ID \"%s\"", o->cid);
	if (!o->bundle || !*o->bundle)
		return pod_err_set(err, POD_E_INVALID, 0, "a bundle directory (--bundle) is required");
	if (!o->runtime || !*o->runtime)
		return pod_err_set(err, POD_E_INVALID, 0, "an OCI runtime (--runtime) is required");
	if ((size_t) o->log_driver >= ARRAY_SIZE(driver_names))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid log driver");
	if (o->log_driver == POD_MONITOR_LOG_K8S_FILE && (!o->log_path || !*o->log_path))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "the k8s-file log driver needs a log path (--log-path)");
	if (o->log_driver == POD_MONITOR_LOG_PASSTHROUGH && o->terminal)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "the passthrough log driver cannot be used with a terminal");
	if (o->exit_delay < 0)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid exit delay %" PRId64,
				   o->exit_delay);
	if (o->exit_command_args && o->exit_command_args[0] && !o->exit_command)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "exit command arguments given without an exit command");
	return 0;
}

static char **
push_opt(char **v, const char *name, const char *value)
{
	if (!value)
		return v;
	return pod_strv_push(v, xasprintf("--%s=%s", name, value));
}

char **
pod_monitor_argv(const char *path, const struct pod_monitor_opts *o, int sync_fd)
{
	char **v = pod_strv_push(NULL, xstrdup(path));

	v = push_opt(v, "cid", o->cid);
	v = push_opt(v, "name", o->name);
	v = push_opt(v, "bundle", o->bundle);
	v = push_opt(v, "runtime", o->runtime);
	v = push_opt(v, "runtime-root", o->runtime_root);
	for (size_t i = 0; o->runtime_args && o->runtime_args[i]; i++)
		v = push_opt(v, "runtime-arg", o->runtime_args[i]);
	v = push_opt(v, "exit-dir", o->exit_dir);
	v = push_opt(v, "persist-dir", o->persist_dir);
	v = push_opt(v, "log-driver", pod_monitor_log_driver_name(o->log_driver));
	v = push_opt(v, "log-path", o->log_path);
	if (o->log_size_max > 0)
		v = pod_strv_push(v, xasprintf("--log-size-max=%" PRId64, o->log_size_max));
	v = push_opt(v, "socket-dir", o->socket_dir);
	v = push_opt(v, "cgroup-path", o->cgroup_path);
	if (o->terminal)
		v = pod_strv_push(v, xstrdup("--terminal"));
	if (o->stdin_open)
		v = pod_strv_push(v, xstrdup("--stdin"));
	if (o->leave_stdin_open)
		v = pod_strv_push(v, xstrdup("--leave-stdin-open"));
	v = push_opt(v, "conmon-pidfile", o->conmon_pidfile);
	v = push_opt(v, "container-pidfile", o->container_pidfile);
	v = push_opt(v, "exit-command", o->exit_command);
	for (size_t i = 0; o->exit_command_args && o->exit_command_args[i]; i++)
		v = push_opt(v, "exit-command-arg", o->exit_command_args[i]);
	if (o->exit_delay > 0)
		v = pod_strv_push(v, xasprintf("--exit-delay=%" PRId64, o->exit_delay));
	if (o->runner_pid > 0)
		v = pod_strv_push(v, xasprintf("--runner=%" PRId64 ":%" PRIu64, o->runner_pid,
					       o->runner_start));
	v = push_opt(v, "log-level", o->log_level);
	if (o->health_interval_ms > 0 && o->health_command) {
		v = pod_strv_push(v, xasprintf("--health-interval-ms=%" PRId64,
					       o->health_interval_ms));
		v = push_opt(v, "health-command", o->health_command);
		for (size_t i = 0; o->health_command_args && o->health_command_args[i]; i++)
			v = push_opt(v, "health-command-arg", o->health_command_args[i]);
	}
	if (sync_fd >= 0)
		v = pod_strv_push(v, xasprintf("--sync-fd=%d", sync_fd));
	if (o->go_fd > 0)
		v = pod_strv_push(v, xasprintf("--go-fd=%d", o->go_fd));
	v = pod_strv_push(v, xstrdup("--start"));
	return v;
}

static char *
default_monitor_path(void)
{
	char *p = pod_self_tool("pod-monitor");

	return p ? p : xstrdup(POD_LIBEXECDIR "/pod-monitor");
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t) w;
	}
	return 0;
}

static ssize_t
read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, (char *) buf + got, len - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t) r;
	}
	return (ssize_t) got;
}

/* the monitor process: never returns */
static void
exec_monitor(const struct pod_monitor_opts *o, char **argv, int sync_w, int status_w, int go_r,
	     int log_fd)
{
	sigset_t all;
	int e;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	/* the monitor copies bytes: no locale files mapped into every monitor */
	setenv("LC_ALL", "C", 1);
	if (o->log_driver != POD_MONITOR_LOG_PASSTHROUGH) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
		    dup2(log_fd >= 0 ? log_fd : null, 2) < 0)
			goto fail;
	}
	/* out of the way first: any may sit on 3, 4 or 5 */
	int hs = fcntl(status_w, F_DUPFD_CLOEXEC, 10);
	if (hs < 0)
		goto fail;
	status_w = hs;
	sync_w = fcntl(sync_w, F_DUPFD_CLOEXEC, 10);
	if (go_r >= 0 && (go_r = fcntl(go_r, F_DUPFD_CLOEXEC, 10)) < 0)
		goto fail;
	if (sync_w < 0 || dup2(sync_w, SYNC_CHILD_FD) < 0 ||
	    dup3(status_w, SYNC_CHILD_FD + 1, O_CLOEXEC) < 0 ||
	    (go_r >= 0 && dup2(go_r, GO_CHILD_FD) < 0))
		goto fail;
	status_w = SYNC_CHILD_FD + 1;
	if (close_range(GO_CHILD_FD + (go_r >= 0), ~0U, 0) < 0) {
		for (int fd = GO_CHILD_FD + (go_r >= 0); fd < 1024; fd++)
			close(fd);
	}
	execv(argv[0], argv);
fail:
	e = errno;
	(void) write_all(status_w, &e, sizeof(e));
	_exit(127);
}

void
pod_monitor_spawn_abort(struct pod_monitor_early *s)
{
	/* the go pipe first: at its EOF the monitor leaves without creating anything */
	int *fds[] = { &s->go_fd, &s->status_fd, &s->sync_fd };
	int status;

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	while (s->mid > 0 && waitpid(s->mid, &status, 0) < 0 && errno == EINTR)
		;
	s->mid = -1;
	free(s->path);
	s->path = NULL;
}

int
pod_monitor_spawn_early(const struct pod_monitor_opts *o, struct pod_monitor_early *ret,
			struct pod_err **err)
{
	struct pod_monitor_opts oo = *o;
	cleanup_strv char **argv = NULL;
	cleanup_close int log_fd = -1;
	int sync_p[2] = { -1, -1 }, status_p[2] = { -1, -1 }, go_p[2] = { -1, -1 };
	cpu_set_t mask;
	bool have_mask;
	int here;
	pid_t mid;

	*ret = (struct pod_monitor_early){ .mid = -1, .status_fd = -1, .sync_fd = -1,
					   .go_fd = -1 };
	if (pod_monitor_opts_check(o, err) < 0)
		return -1;
	ret->path = o->monitor_path ? xstrdup(o->monitor_path) : default_monitor_path();
	oo.go_fd = GO_CHILD_FD;
	argv = pod_monitor_argv(ret->path, &oo, SYNC_CHILD_FD);
	if (o->monitor_log && o->log_driver != POD_MONITOR_LOG_PASSTHROUGH) {
		log_fd = open(o->monitor_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY,
			      0600);
		if (log_fd < 0) {
			pod_err_sys(err, "opening %s", o->monitor_log);
			goto fail;
		}
	}
	if (pipe2(sync_p, O_CLOEXEC) < 0 || pipe2(status_p, O_CLOEXEC) < 0 ||
	    pipe2(go_p, O_CLOEXEC) < 0) {
		pod_err_sys(err, "creating the monitor's pipes");
		goto fail;
	}
	have_mask = sched_getaffinity(0, sizeof(mask), &mask) == 0;
	here = sched_getcpu();
	mid = fork();
	if (mid < 0) {
		pod_err_sys(err, "fork");
		goto fail;
	}
	if (mid == 0) {
		pid_t pid;

		close(sync_p[0]);
		close(status_p[0]);
		close(go_p[1]);
		if (setsid() < 0)
			_exit(1);
		pid = fork();
		if (pid < 0)
			_exit(1);
		if (pid == 0) {
			if (have_mask)
				(void) sched_setaffinity(0, sizeof(mask), &mask);
			exec_monitor(&oo, argv, sync_p[1], status_p[1], go_p[0], log_fd);
		}
		_exit(write_all(status_p[1], &pid, sizeof(pid)) < 0 ? 1 : 0);
	}
	/*
	 * Off our CPU: the point of starting early is that the monitor gets
	 * going while we prepare the bundle, and a forked child waits on its
	 * parent's CPU (up to a millisecond here) before an idle one takes it.
	 * The monitor itself gets the whole mask back.
	 */
	if (have_mask && here >= 0 && CPU_ISSET(here, &mask) && CPU_COUNT(&mask) > 1) {
		cpu_set_t other = mask;
		CPU_CLR(here, &other);
		(void) sched_setaffinity(mid, sizeof(other), &other);
	}
	close(sync_p[1]);
	close(status_p[1]);
	close(go_p[0]);
	ret->mid = mid;
	ret->sync_fd = sync_p[0];
	ret->status_fd = status_p[0];
	ret->go_fd = go_p[1];
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (sync_p[i] >= 0)
			close(sync_p[i]);
		if (status_p[i] >= 0)
			close(status_p[i]);
		if (go_p[i] >= 0)
			close(go_p[i]);
	}
	free(ret->path);
	ret->path = NULL;
	return -1;
}

int
pod_monitor_spawn_go(struct pod_monitor_early *s, pid_t *ret_monitor_pid, int *ret_sync_fd,
		     struct pod_err **err)
{
	pid_t monitor = -1;
	int wstatus, child_errno = 0;
	ssize_t n;

	while (waitpid(s->mid, &wstatus, 0) < 0) {
		if (errno != EINTR) {
			pod_err_sys(err, "waiting for the monitor's parent");
			goto fail;
		}
	}
	s->mid = -1;
	n = read_full(s->status_fd, &monitor, sizeof(monitor));
	if (n != (ssize_t) sizeof(monitor) || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
		pod_err_set(err, POD_E_GENERIC, 0, "starting the container monitor %s: fork failed",
			    s->path);
		goto fail;
	}
	/* EOF once the monitor has exec'd (close-on-exec), an errno if it could not */
	n = read_full(s->status_fd, &child_errno, sizeof(child_errno));
	if (n == (ssize_t) sizeof(child_errno)) {
		(void) waitpid(monitor, NULL, WNOHANG);
		errno = child_errno;
		pod_err_sys(err, "executing the container monitor %s", s->path);
		goto fail;
	}
	/*
	 * A monitor that failed to set itself up has reported it on the sync
	 * pipe and left: its error is read from there, and the go finds no
	 * reader (EPIPE, with SIGPIPE ignored for the write).
	 */
	{
		struct sigaction ign = { .sa_handler = SIG_IGN }, old;
		int r, e;

		sigemptyset(&ign.sa_mask);
		(void) sigaction(SIGPIPE, &ign, &old);
		r = write_all(s->go_fd, "1", 1);
		e = errno;
		(void) sigaction(SIGPIPE, &old, NULL);
		if (r < 0 && e != EPIPE) {
			errno = e;
			pod_err_sys(err, "starting the container monitor %s", s->path);
			goto fail;
		}
	}
	close(s->go_fd);
	close(s->status_fd);
	s->go_fd = s->status_fd = -1;
	*ret_monitor_pid = monitor;
	*ret_sync_fd = s->sync_fd;
	s->sync_fd = -1;
	free(s->path);
	s->path = NULL;
	return 0;
fail:
	pod_monitor_spawn_abort(s);
	return -1;
}

int
pod_monitor_spawn(const struct pod_monitor_opts *o, pid_t *ret_monitor_pid, int *ret_sync_fd,
		  struct pod_err **err)
{
	struct pod_monitor_early s;

	if (pod_monitor_spawn_early(o, &s, err) < 0)
		return -1;
	return pod_monitor_spawn_go(&s, ret_monitor_pid, ret_sync_fd, err);
}

/* the first line of msg that contains a or b (case-insensitive), or NULL */
static char *
find_line(const char *msg, const char *a, const char *b)
{
	const char *hit = NULL, *ha = strcasestr(msg, a), *hb = b ? strcasestr(msg, b) : NULL;
	const char *start, *end;

	if (ha && (!hb || ha < hb))
		hit = ha;
	else
		hit = hb;
	if (!hit)
		return NULL;
	start = hit;
	while (start > msg && start[-1] != '\n')
		start--;
	end = strchrnul(hit, '\n');
	return xstrndup(start, (size_t) (end - start));
}

int
pod_monitor_sync_error(const char *runtime, const char *message, struct pod_err **err)
{
	cleanup_free char *line = NULL;
	const char *name, *msg = message ? message : "";
	size_t len;

	if (!runtime)
		return pod_err_set(err, POD_E_GENERIC, 0, "%s", *msg ? msg : "container monitor failed");
	name = strrchr(runtime, '/');
	name = name ? name + 1 : runtime;
	line = find_line(msg, "permission denied", "operation not permitted");
	if (line)
		return pod_err_set(err, POD_E_NOTEXEC, EACCES, "%s: %s: OCI permission denied", name,
				   line);
	line = find_line(msg, "executable file not found in", "no such file or directory");
	if (line)
		return pod_err_set(err, POD_E_NOCMD, ENOENT,
				   "%s: %s: OCI runtime attempted to invoke a command that was not "
				   "found", name, line);
	while (*msg == '\n')
		msg++;
	len = strlen(msg);
	while (len > 0 && msg[len - 1] == '\n')
		len--;
	return pod_err_set(err, POD_E_GENERIC, 0, "%s: %.*s: OCI runtime error", name, (int) len,
			   msg);
}

int
pod_monitor_wait_sync(int fd, int timeout_ms, pid_t *ret_ctr_pid, struct pod_err **err)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;
	cleanup_json json_t *j = NULL;
	int64_t deadline = timeout_ms >= 0 ? pod_mono_ns() + (int64_t) timeout_ms * 1000000 : 0;
	json_error_t jerr;
	json_int_t pid = 0;
	const char *message = NULL, *runtime = NULL;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int wait = -1, r;
		char buf[4096];
		ssize_t n;

		if (timeout_ms >= 0) {
			int64_t left = deadline - pod_mono_ns();
			if (left <= 0)
				return pod_err_set(err, POD_E_GENERIC, ETIMEDOUT,
						   "timed out waiting for the container monitor");
			wait = (int) ((left + 999999) / 1000000);
		}
		r = poll(&p, 1, wait);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return pod_err_sys(err, "waiting for the container monitor");
		}
		if (r == 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return pod_err_sys(err, "reading from the container monitor");
		}
		if (n == 0)
			break;
		if (sb.len + (size_t) n > SYNC_MAX)
			return pod_err_set(err, POD_E_GENERIC, 0,
					   "container monitor report too large");
		pod_strbuf_add(&sb, buf, (size_t) n);
	}
	if (sb.len == 0)
		return pod_err_set(err, POD_E_GENERIC, 0,
				   "container monitor exited without reporting the container's pid");
	j = json_loadb(sb.buf, sb.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j || json_unpack_ex(j, &jerr, 0, "{s:I, s?s, s?s}", "pid", &pid, "message", &message,
				 "runtime", &runtime) < 0)
		return pod_err_set(err, POD_E_GENERIC, 0, "invalid container monitor report: %s",
				   jerr.text);
	if (pid > 0) {
		*ret_ctr_pid = (pid_t) pid;
		return 0;
	}
	return pod_monitor_sync_error(runtime, message, err);
}

/* Go's strconv.Unquote for the subset logrus writes */
static char *
unquote(const char *s, const char **ret_end)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;

	if (*s != '"') {
		size_t n = strcspn(s, " \n");
		*ret_end = s + n;
		return xstrndup(s, n);
	}
	for (s++; *s && *s != '"' && *s != '\n'; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			switch (*s) {
			case 'n': pod_strbuf_addch(&sb, '\n'); break;
			case 't': pod_strbuf_addch(&sb, '\t'); break;
			case 'r': pod_strbuf_addch(&sb, '\r'); break;
			default: pod_strbuf_addch(&sb, *s); break;
			}
		} else {
			pod_strbuf_addch(&sb, *s);
		}
	}
	*ret_end = *s == '"' ? s + 1 : s;
	return pod_strbuf_detach(&sb);
}

static bool
is_error_level(const char *level, size_t len)
{
	return (len == 5 && strncmp(level, "error", 5) == 0) ||
	       (len == 5 && strncmp(level, "fatal", 5) == 0) ||
	       (len == 5 && strncmp(level, "panic", 5) == 0);
}

/* the msg of an error-level logrus line (text or JSON), else NULL */
static char *
logrus_error(const char *line, size_t len)
{
	cleanup_free char *copy = xstrndup(line, len);

	if (copy[0] == '{') {
		cleanup_json json_t *j = json_loads(copy, 0, NULL);
		const char *level = NULL, *msg = NULL;
		if (j && json_unpack(j, "{s:s, s:s}", "level", &level, "msg", &msg) == 0 &&
		    is_error_level(level, strlen(level)))
			return xstrdup(msg);
		return NULL;
	}
	const char *lv = strstr(copy, "level=");
	const char *m = strstr(copy, " msg=");
	if (!lv || !m)
		return NULL;
	lv += strlen("level=");
	if (!is_error_level(lv, strcspn(lv, " ")))
		return NULL;
	const char *end;
	return unquote(m + strlen(" msg="), &end);
}

char *
pod_monitor_runtime_message(const char *text, size_t len)
{
	char *found = NULL;
	const char *last = NULL, *p = text, *stop = text + len;
	size_t last_len = 0;

	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t) (stop - p));
		size_t l = nl ? (size_t) (nl - p) : (size_t) (stop - p);
		char *m;

		if (l > 0 && p[l - 1] == '\r')
			l--;
		if (l > 0) {
			last = p;
			last_len = l;
			m = logrus_error(p, l);
			if (m) {
				free(found);
				found = m;
			}
		}
		p = nl ? nl + 1 : stop;
	}
	if (found)
		return found;
	if (!last)
		return xstrdup("");
	if (last_len >= 7 && strncmp(last, "Error: ", 7) == 0) {
		last += 7;
		last_len -= 7;
	}
	return xstrndup(last, last_len);
}

int
pod_monitor_read_exit(const char *persist_dir, struct pod_monitor_exit *ret,
		      struct pod_err **err)
{
	cleanup_free char *path = pod_path_join(persist_dir, "exit.json");
	cleanup_free char *data = NULL;
	cleanup_json json_t *j = NULL;
	json_error_t jerr;
	json_int_t code = 0, finished = 0;
	int oom = 0, left = 0;

	if (access(path, F_OK) < 0 && errno == ENOENT)
		return pod_err_set(err, POD_E_NOTFOUND, ENOENT, "no exit file %s", path);
	if (pod_read_file(path, &data, NULL, 4096, err) < 0)
		return -1;
	j = json_loads(data, JSON_REJECT_DUPLICATES, &jerr);
	if (!j || json_unpack_ex(j, &jerr, 0, "{s:I, s:I, s:b, s?b}", "exit_code", &code,
				 "finished_ns", &finished, "oom_killed", &oom, "runtime_left",
				 &left) < 0)
		return pod_err_set(err, POD_E_GENERIC, 0, "%s: %s", path, jerr.text);
	ret->exit_code = (int) code;
	ret->finished_ns = finished;
	ret->oom_killed = oom;
	ret->runtime_left = left;
	return 0;
}
