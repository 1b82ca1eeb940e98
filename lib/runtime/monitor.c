/* monitor.c - pod-monitor: create and start through the runtime, copy I/O, record the exit */
#include "runtime/monitor_priv.h"
#include "runtime/cgroup.h"
#include "runtime/oci-internal.h"
#include "runtime/oci.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "core/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* the tail of the runtime's stderr kept for its error message */
#define RT_ERR_MAX 8192
#define MAX_ORPHANS 8

struct mon {
	const struct pod_monitor_opts *o;
	bool one_step;		/* our own runtime: `run --detach`, and the runner may delete */
	bool inproc;		/* ... and the same build's: run it in a child without exec */
	int sigfd;
	int sync_fd;
	int devnull;
	int out_fd;		/* stdout pipe or pty master */
	int err_fd;		/* stderr pipe */
	int in_fd;		/* stdin pipe, or a dup of the pty master */
	int console_fd;		/* listening console socket while creating */
	struct pod_monitor_log log;
	bool logging;
	bool log_failed;
	struct pod_monitor_attach at;
	char *tmpdir;
	char *console_path;
	char *pidfile;
	pid_t ctr_pid;
	bool exited;
	int ctr_status;
	int64_t finished_ns;
	int64_t oom_base;
	pid_t cmd_pid;
	bool cmd_done;
	int cmd_status;
	struct {
		pid_t pid;
		int status;
	} orphans[MAX_ORPHANS];
	size_t n_orphans;
	struct pod_strbuf rt_err;
	pid_t health_pid;	/* the running healthcheck, 0: none */
	int64_t health_next;	/* CLOCK_MONOTONIC ns of the next one */
	char inbuf[POD_MONITOR_BUF_SIZE];
	size_t in_off, in_len;
};

static int
exit_code_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void
reap(struct mon *m)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return;
		if (m->health_pid > 0 && pid == m->health_pid) {
			m->health_pid = 0;
		} else if (pid == m->cmd_pid) {
			m->cmd_done = true;
			m->cmd_status = status;
		} else if (m->ctr_pid > 0 && pid == m->ctr_pid) {
			m->exited = true;
			m->ctr_status = status;
			m->finished_ns = pod_now_ns();
			pod_debug("container %s (pid %d) exited with %d", m->o->cid, (int) pid,
				  exit_code_of(status));
		} else {
			/* may be the container before its pid is known; keep the latest few */
			size_t i = m->n_orphans < MAX_ORPHANS ? m->n_orphans++ : (size_t) pid % MAX_ORPHANS;
			m->orphans[i].pid = pid;
			m->orphans[i].status = status;
		}
	}
}

static void
handle_signals(struct mon *m)
{
	struct signalfd_siginfo si;

	while (read(m->sigfd, &si, sizeof(si)) == (ssize_t) sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			reap(m);
		else
			pod_debug("ignoring signal %u: the engine stops containers through the "
				  "runtime", si.ssi_signo);
	}
}

static int
move_fd(int src, int target)
{
	if (src == target)
		return fcntl(target, F_SETFD, 0);
	return dup2(src, target);
}

/* the runtime is the pod-oci installed beside this program (the same file) */
static bool
runtime_is_this_build(const char *runtime)
{
	cleanup_free char *ours = strchr(runtime, '/') ? pod_self_tool("pod-oci") : NULL;
	struct stat a, b;

	return ours && stat(ours, &a) == 0 && stat(runtime, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/*
 * `pod-oci run --detach` done by the library in the forked child, as the
 * pod-oci next to us would do it after its exec: the same code, without
 * loading a program. Its error goes to stderr as pod-oci prints it, and the
 * exit code is pod-oci's.
 */
static _Noreturn void
inproc_run(struct mon *m)
{
	const struct pod_monitor_opts *o = m->o;
	struct pod_oci_create_opts co = POD_OCI_CREATE_OPTS_INIT;
	cleanup_free char *root = o->runtime_root ? NULL : pod_oci_default_root();
	struct pod_err *e = NULL;
	int status = 0;

	co.pid_file = m->pidfile;
	co.console_socket = o->terminal ? m->console_path : NULL;
	if (pod_oci_run(o->runtime_root ? o->runtime_root : root, o->cid, o->bundle, &co, true,
			&status, &e) == 0)
		_exit(0);
	dprintf(2, "Error: %s\n", e->msg);
	_exit(e->kind == POD_E_NOTEXEC ? 126 : e->kind == POD_E_NOCMD ? 127 : 1);
}

/*
 * fork and exec argv with the given stdio; the child has default signals.
 * With inproc (the monitor) the child runs our runtime's `run --detach` itself.
 */
static pid_t
spawn_child(struct mon *inproc, char *const *argv, int in, int out, int errfd)
{
	pid_t pid = fork();
	sigset_t none;
	int e;

	if (pid != 0)
		return pid;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (move_fd(in, 0) < 0 || move_fd(out, 1) < 0 || move_fd(errfd, 2) < 0)
		_exit(127);
	if (inproc)
		inproc_run(inproc);
	execvp(argv[0], argv);
	e = errno;
	dprintf(2, "executing %s: %s\n", argv[0], pod_strerror(e));
	_exit(e == ENOENT ? 127 : 126);
}

static void
capture(struct mon *m, int fd)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		pod_strbuf_add(&m->rt_err, buf, (size_t) n);
		if (m->rt_err.len > RT_ERR_MAX) {
			size_t drop = m->rt_err.len - RT_ERR_MAX;
			memmove(m->rt_err.buf, m->rt_err.buf + drop, RT_ERR_MAX);
			pod_strbuf_truncate(&m->rt_err, RT_ERR_MAX);
		}
	}
}

static int
recv_console(struct mon *m, struct pod_err **err)
{
	cleanup_close int c = accept4(m->console_fd, NULL, NULL, SOCK_CLOEXEC);
	char data[512];
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;
	int fd = -1;

	if (c < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		return pod_err_sys(err, "accepting on the console socket");
	}
	if (recvmsg(c, &msg, MSG_CMSG_CLOEXEC) < 0)
		return pod_err_sys(err, "receiving the terminal from the runtime");
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	if (fd < 0)
		return pod_err_set(err, POD_E_GENERIC, 0,
				   "the runtime sent no terminal over the console socket");
	close_fd(&m->out_fd);
	m->out_fd = fd;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return pod_err_sys(err, "setting the terminal non-blocking");
	close_fd(&m->console_fd);
	(void) unlink(m->console_path);
	return 0;
}

static char **
runtime_argv(const struct pod_monitor_opts *o, const char *verb)
{
	char **v = pod_strv_push(NULL, xstrdup(o->runtime));

	if (o->runtime_root) {
		v = pod_strv_push(v, xstrdup("--root"));
		v = pod_strv_push(v, xstrdup(o->runtime_root));
	}
	for (size_t i = 0; o->runtime_args && o->runtime_args[i]; i++)
		v = pod_strv_push(v, xstrdup(o->runtime_args[i]));
	return pod_strv_push(v, xstrdup(verb));
}

/*
 * Runs one runtime command (takes take_argv; with inproc, our runtime's `run --detach`
 * in the child, see inproc_run) and waits for it, keeping the signal fd, the
 * console socket and the runtime's stderr serviced. errfd < 0: its stderr
 * goes to a private pipe; else to errfd, and cap_fd (the read end) is
 * captured. Returns the exit code (128+signal), or -1.
 */
static int
run_runtime(struct mon *m, char **take_argv, bool inproc, int in, int out, int errfd, int cap_fd,
	    struct pod_err **err)
{
	cleanup_strv char **argv = take_argv;
	int pipefd[2] = { -1, -1 };

	pod_strbuf_reset(&m->rt_err);
	if (errfd < 0) {
		if (pipe2(pipefd, O_CLOEXEC) < 0)
			return pod_err_sys(err, "creating a pipe");
		if (fcntl(pipefd[0], F_SETFL, O_NONBLOCK) < 0) {
			close(pipefd[0]);
			close(pipefd[1]);
			return pod_err_sys(err, "creating a pipe");
		}
		errfd = pipefd[1];
		cap_fd = pipefd[0];
	}
	if (pod_log_enabled(POD_LOG_DEBUG)) {
		cleanup_strbuf struct pod_strbuf cmd = POD_STRBUF_INIT;
		for (size_t i = 0; argv[i]; i++)
			pod_strbuf_addf(&cmd, "%s%s", i ? " " : "", argv[i]);
		pod_debug("running %s", cmd.buf);
	}
	m->cmd_done = false;
	m->cmd_pid = spawn_child(inproc ? m : NULL, argv, in, out, errfd);
	close_fd(&pipefd[1]);
	if (m->cmd_pid < 0) {
		close_fd(&pipefd[0]);
		return pod_err_sys(err, "fork");
	}
	while (!m->cmd_done) {
		struct pollfd p[3];
		nfds_t n = 0;

		p[n++] = (struct pollfd){ .fd = m->sigfd, .events = POLLIN };
		if (cap_fd >= 0)
			p[n++] = (struct pollfd){ .fd = cap_fd, .events = POLLIN };
		if (m->console_fd >= 0)
			p[n++] = (struct pollfd){ .fd = m->console_fd, .events = POLLIN };
		if (poll(p, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			close_fd(&pipefd[0]);
			return pod_err_sys(err, "poll");
		}
		for (nfds_t i = 0; i < n; i++) {
			if (!p[i].revents)
				continue;
			if (p[i].fd == m->sigfd) {
				handle_signals(m);
			} else if (p[i].fd == cap_fd) {
				capture(m, cap_fd);
			} else if (p[i].fd == m->console_fd && recv_console(m, err) < 0) {
				/* the runtime waits for us no more than we for it: kill it */
				kill(m->cmd_pid, SIGKILL);
				(void) waitpid(m->cmd_pid, NULL, 0);
				m->cmd_pid = -1;
				close_fd(&pipefd[0]);
				return -1;
			}
		}
	}
	m->cmd_pid = -1;
	if (cap_fd >= 0)
		capture(m, cap_fd);
	close_fd(&pipefd[0]);
	return exit_code_of(m->cmd_status);
}

static void
sync_report(struct mon *m, json_t *j)
{
	cleanup_free char *s = NULL;

	if (m->sync_fd < 0)
		return;
	s = json_dumps(j, JSON_COMPACT);
	if (s) {
		size_t len = strlen(s);
		char *p = s;
		while (len > 0) {
			ssize_t w = write(m->sync_fd, p, len);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				pod_warn("writing to the sync fd: %s", pod_strerror(errno));
				break;
			}
			p += w;
			len -= (size_t) w;
		}
	}
	close_fd(&m->sync_fd);
}

/* reports a failed runtime command on the sync fd and as the error */
static int
runtime_failed(struct mon *m, const char *verb, int code, struct pod_err **err)
{
	cleanup_free char *msg = pod_monitor_runtime_message(m->rt_err.buf, m->rt_err.len);
	cleanup_json json_t *j = NULL;

	if (!*msg) {
		free(msg);
		msg = xasprintf("`%s %s` failed: exit status %d", m->o->runtime, verb, code);
	}
	j = json_pack("{s:i, s:o, s:s}", "pid", -1, "message", pod_json_string(msg), "runtime",
		      m->o->runtime);
	sync_report(m, j);
	return pod_monitor_sync_error(m->o->runtime, msg, err);
}

static void
delete_container(struct mon *m)
{
	char **argv = runtime_argv(m->o, "delete");
	struct pod_err *e = NULL;
	int code;

	argv = pod_strv_push(argv, xstrdup("--force"));
	argv = pod_strv_push(argv, xstrdup(m->o->cid));
	code = run_runtime(m, argv, false, m->devnull, m->devnull, -1, -1, &e);
	if (code < 0) {
		pod_warn("deleting container %s: %s", m->o->cid, e->msg);
		pod_err_free(&e);
	} else if (code != 0) {
		cleanup_free char *msg = pod_monitor_runtime_message(m->rt_err.buf, m->rt_err.len);
		pod_warn("deleting container %s: `%s delete` exited with %d: %s", m->o->cid,
			 m->o->runtime, code, msg);
	}
}

static int
write_atomic_str(const char *path, const char *s, struct pod_err **err)
{
	return pod_write_file_replace(path, s, strlen(s), 0644, err); /* runroot: no fsync */
}

static int64_t
oom_count(const char *cg)
{
	cleanup_strv char **paths = NULL;

	if (!cg)
		return -1;
	if (pod_str_has_prefix(cg, "/sys/")) {
		paths = pod_strv_push(paths, xasprintf("%s/memory.events", cg));
		paths = pod_strv_push(paths, xasprintf("%s/memory.oom_control", cg));
	} else {
		const char *rel = cg + strspn(cg, "/");
		paths = pod_strv_push(paths, xasprintf("/sys/fs/cgroup/%s/memory.events", rel));
		paths = pod_strv_push(paths,
				      xasprintf("/sys/fs/cgroup/unified/%s/memory.events", rel));
		paths = pod_strv_push(paths,
				      xasprintf("/sys/fs/cgroup/memory/%s/memory.oom_control", rel));
	}
	for (size_t i = 0; paths[i]; i++) {
		cleanup_free char *data = NULL;
		struct pod_err *e = NULL;
		const char *p;
		int64_t v = 0;

		if (pod_read_file(paths[i], &data, NULL, 8192, &e) < 0) {
			pod_err_free(&e);
			continue;
		}
		for (p = data; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
			char num[32];
			size_t n;
			const char *key = pod_str_has_prefix(p, "oom_kill ") ? "oom_kill " :
					  pod_str_has_prefix(p, "under_oom ") ? "under_oom " : NULL;
			if (!key)
				continue;
			p += strlen(key);
			n = strcspn(p, "\n");
			if (n >= sizeof(num))
				continue;
			memcpy(num, p, n);
			num[n] = '\0';
			int64_t x;
			if (pod_parse_int64(num, &x) && x > v)
				v = x;
		}
		return v;
	}
	return -1;
}

static int
setup_signals(struct mon *m, struct pod_err **err)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return pod_err_sys(err, "blocking signals");
	m->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (m->sigfd < 0)
		return pod_err_sys(err, "signalfd");
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static int
make_pipe(int p[2], bool nonblock_read, bool nonblock_write, struct pod_err **err)
{
	if (pipe2(p, O_CLOEXEC) < 0)
		return pod_err_sys(err, "creating a pipe");
	if (nonblock_read)
		(void) fcntl(p[0], F_SETFL, O_NONBLOCK);
	if (nonblock_write)
		(void) fcntl(p[1], F_SETFL, O_NONBLOCK);
	return 0;
}

static int
read_pidfile(const char *path, pid_t *ret, struct pod_err **err)
{
	cleanup_free char *data = NULL;
	int64_t v;

	if (pod_read_file(path, &data, NULL, 64, err) < 0)
		return pod_err_wrap(err, "reading the container's pid file");
	data[strcspn(data, "\n")] = '\0';
	if (!pod_parse_int64(data, &v) || v <= 0 || v > INT32_MAX)
		return pod_err_set(err, POD_E_GENERIC, 0, "invalid pid \"%s\" in %s", data, path);
	*ret = (pid_t) v;
	return 0;
}

static int
make_tmpdir(struct mon *m, struct pod_err **err)
{
	return pod_mkdtemp(NULL, "/tmp", "pod-monitor", &m->tmpdir, err);
}

static void
remove_tmpdir(struct mon *m)
{
	if (!m->tmpdir)
		return;
	if (m->console_path)
		(void) unlink(m->console_path);
	if (!m->o->container_pidfile && m->pidfile)
		(void) unlink(m->pidfile);
	(void) rmdir(m->tmpdir);
	free(m->tmpdir);
	m->tmpdir = NULL;
}

static int
open_console_socket(struct mon *m, struct pod_err **err)
{
	struct sockaddr_un sa;
	int dfd = -1;
	cleanup_close int fd = -1;
	int r;

	m->console_path = xasprintf("%s/console.sock", m->tmpdir);
	if (pod_monitor_unix_addr(m->tmpdir, "console.sock", &sa, &dfd, err) < 0)
		return -1;
	if (dfd >= 0) {
		close(dfd);
		return pod_err_set(err, POD_E_INVALID, ENAMETOOLONG,
				   "console socket path %s too long", m->console_path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return pod_err_sys(err, "creating the console socket");
	r = bind(fd, (struct sockaddr *) &sa, sizeof(sa));
	if (r < 0 || listen(fd, 1) < 0)
		return pod_err_sys(err, "binding the console socket %s", m->console_path);
	m->console_fd = TAKE_FD(fd);
	return 0;
}

/* create and start; on failure the sync fd has been told */
static int
create_and_start(struct mon *m, struct pod_err **err)
{
	const struct pod_monitor_opts *o = m->o;
	int in_p[2] = { -1, -1 }, out_p[2] = { -1, -1 }, err_p[2] = { -1, -1 };
	int c_in = m->devnull, c_out = m->devnull, c_err = -1, cap = -1;
	char **argv;
	int code;

	if ((o->terminal || !o->container_pidfile) && make_tmpdir(m, err) < 0)
		return -1;
	m->pidfile = o->container_pidfile ? xstrdup(o->container_pidfile) :
					    xasprintf("%s/pidfile", m->tmpdir);
	(void) unlink(m->pidfile);
	if (o->log_driver == POD_MONITOR_LOG_PASSTHROUGH) {
		c_in = o->stdin_open ? 0 : m->devnull;
		c_out = 1;
		c_err = 2;
	} else if (o->terminal) {
		if (open_console_socket(m, err) < 0)
			return -1;
	} else {
		if (make_pipe(out_p, true, false, err) < 0 || make_pipe(err_p, true, false, err) < 0)
			goto fail;
		if (o->stdin_open && make_pipe(in_p, false, true, err) < 0)
			goto fail;
		m->out_fd = TAKE_FD(out_p[0]);
		m->err_fd = TAKE_FD(err_p[0]);
		m->in_fd = TAKE_FD(in_p[1]);
		c_out = out_p[1];
		c_err = err_p[1];
		cap = m->err_fd;
		if (in_p[0] >= 0)
			c_in = in_p[0];
	}

	/*
	 * Our own runtime gets one `run --detach` (create and start): nothing
	 * happens between the two here, and it saves starting the runtime a
	 * second time. A container that ends at once is reaped meanwhile (see
	 * the orphans). Others get create and start, so that their errors read
	 * as they do under Podman ("runc create failed: ...").
	 * The OOM count before it starts: its cgroup is new (none is 0).
	 */
	m->oom_base = oom_count(o->cgroup_path);
	argv = runtime_argv(o, m->one_step ? "run" : "create");
	if (m->one_step)
		argv = pod_strv_push(argv, xstrdup("--detach"));
	argv = pod_strv_push(argv, xstrdup("--bundle"));
	argv = pod_strv_push(argv, xstrdup(o->bundle));
	argv = pod_strv_push(argv, xstrdup("--pid-file"));
	argv = pod_strv_push(argv, xstrdup(m->pidfile));
	if (o->terminal) {
		argv = pod_strv_push(argv, xstrdup("--console-socket"));
		argv = pod_strv_push(argv, xstrdup(m->console_path));
	}
	argv = pod_strv_push(argv, xstrdup(o->cid));
	/*
	 * The runtime's stderr is the container's: what is on it before the
	 * container runs is the runtime's error. With `run` the container may
	 * be writing already, so its output stays in the pipe for the log, and
	 * is read as the error only when the runtime failed (it never ran).
	 */
	code = run_runtime(m, argv, m->inproc, c_in, c_out, c_err, m->one_step ? -1 : cap, err);
	if (m->one_step && code > 0 && cap >= 0)
		capture(m, cap);
	/* the container holds its ends now */
	close_fd(&in_p[0]);
	close_fd(&out_p[1]);
	close_fd(&err_p[1]);
	if (code < 0)
		goto fail_sync;
	if (code != 0) {
		runtime_failed(m, m->one_step ? "run" : "create", code, err);
		goto fail_delete;
	}
	if (m->rt_err.len > 0)
		pod_debug("runtime create said: %.*s", (int) m->rt_err.len, m->rt_err.buf);
	if (o->terminal && m->out_fd < 0) {
		pod_err_set(err, POD_E_GENERIC, 0,
			    "the runtime did not send a terminal over the console socket");
		goto fail_sync_delete;
	}
	if (o->terminal) {
		m->in_fd = fcntl(m->out_fd, F_DUPFD_CLOEXEC, 3);
		if (m->in_fd < 0) {
			pod_err_sys(err, "dup");
			goto fail_sync_delete;
		}
	}
	if (read_pidfile(m->pidfile, &m->ctr_pid, err) < 0)
		goto fail_sync_delete;
	for (size_t i = 0; i < m->n_orphans; i++) {
		if (m->orphans[i].pid == m->ctr_pid) {
			m->exited = true;
			m->ctr_status = m->orphans[i].status;
			m->finished_ns = pod_now_ns();
		}
	}
	if (m->oom_base < 0 && oom_count(o->cgroup_path) >= 0)
		m->oom_base = 0;
	if (!m->one_step) {
		argv = runtime_argv(o, "start");
		argv = pod_strv_push(argv, xstrdup(o->cid));
		code = run_runtime(m, argv, false, m->devnull, m->devnull, -1, -1, err);
		if (code < 0)
			goto fail_sync_delete;
		if (code != 0) {
			runtime_failed(m, "start", code, err);
			goto fail_delete;
		}
	}
	remove_tmpdir(m);
	return 0;

fail_sync_delete:
	{
		cleanup_json json_t *j = json_pack("{s:i, s:o}", "pid", -1, "message",
						   pod_json_string((*err)->msg));
		sync_report(m, j);
	}
fail_delete:
	{
		struct pod_err *saved = TAKE_PTR(*err);
		delete_container(m);
		*err = saved;
	}
	goto fail;
fail_sync:
	{
		cleanup_json json_t *j = json_pack("{s:i, s:o}", "pid", -1, "message",
						   pod_json_string((*err)->msg));
		sync_report(m, j);
	}
fail:
	for (int i = 0; i < 2; i++) {
		close_fd(&in_p[i]);
		close_fd(&out_p[i]);
		close_fd(&err_p[i]);
	}
	remove_tmpdir(m);
	return -1;
}

/* reads one chunk of output; false at EOF or when nothing is ready */
static bool
pump_output(struct mon *m, int *fdp, enum pod_monitor_stream stream)
{
	char buf[1 + POD_MONITOR_BUF_SIZE];
	ssize_t n;

	do {
		n = read(*fdp, buf + 1, POD_MONITOR_BUF_SIZE);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return false;
	if (n <= 0) {
		/* EOF, or EIO from a pty whose other side is gone */
		if (fdp == &m->out_fd && m->o->terminal)
			pod_debug("terminal closed");
		close_fd(fdp);
		return false;
	}
	if (m->logging) {
		struct pod_err *e = NULL;
		if (pod_monitor_log_write(&m->log, stream, buf + 1, (size_t) n, pod_now_ns(), &e) <
		    0) {
			if (!m->log_failed)
				pod_warn("%s", e->msg);
			m->log_failed = true;
			pod_err_free(&e);
		}
	}
	buf[0] = (char) stream;
	pod_monitor_attach_send(&m->at, buf, (size_t) n + 1);
	return true;
}

static void
close_stdin(struct mon *m)
{
	if (m->o->terminal)
		return;
	close_fd(&m->in_fd);
	m->in_off = m->in_len = 0;
}

static void
flush_input(struct mon *m)
{
	while (m->in_off < m->in_len && m->in_fd >= 0) {
		ssize_t w = write(m->in_fd, m->inbuf + m->in_off, m->in_len - m->in_off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			pod_debug("container stdin: %s", pod_strerror(errno));
			close_stdin(m);
			m->in_off = m->in_len = 0;
			return;
		}
		m->in_off += (size_t) w;
	}
	m->in_off = m->in_len = 0;
}

static void
client_input(struct mon *m, size_t i)
{
	struct pod_monitor_client *c = &m->at.clients[i];
	ssize_t n = recv(c->fd, m->inbuf, sizeof(m->inbuf), MSG_DONTWAIT);

	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			pod_monitor_attach_drop(&m->at, i);
		return;
	}
	if (n == 0) {
		/*
		 * A client that is gone altogether (the peer closed: POLLHUP) has
		 * detached and leaves stdin alone; one that only shut down its
		 * writing side passes the EOF on, as `echo x | podman run -i` needs.
		 */
		struct pollfd p = { .fd = c->fd, .events = 0 };
		bool gone = poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR));

		if (gone) {
			pod_monitor_attach_drop(&m->at, i);
			return;
		}
		c->readable = false;
		(void) shutdown(c->fd, SHUT_RD);
		if (m->o->stdin_open && !m->o->leave_stdin_open) {
			pod_debug("attach client closed its input: closing the container's stdin");
			close_stdin(m);
		}
		return;
	}
	if (!m->o->stdin_open || m->in_fd < 0)
		return;
	m->in_off = 0;
	m->in_len = (size_t) n;
	flush_input(m);
}

static void
ctl_message(void *data, int type, int x, int y)
{
	struct mon *m = data;
	struct pod_err *e = NULL;

	switch (type) {
	case POD_MONITOR_CTL_RESIZE:
		if (m->o->terminal && m->in_fd >= 0) {
			struct winsize ws = { .ws_row = (unsigned short) x,
					      .ws_col = (unsigned short) y };
			if (ioctl(m->in_fd, TIOCSWINSZ, &ws) < 0)
				pod_warn("resizing the terminal: %s", pod_strerror(errno));
		}
		break;
	case POD_MONITOR_CTL_REOPEN_LOG:
		if (m->logging && pod_monitor_log_reopen(&m->log, &e) < 0) {
			pod_warn("%s", e->msg);
			pod_err_free(&e);
		}
		break;
	default:
		pod_warn("ignoring unknown ctl message type %d", type);
	}
}

/* starts the healthcheck when due (one at a time); the poll timeout until the next */
static int
health_tick(struct mon *m)
{
	const struct pod_monitor_opts *o = m->o;
	int64_t now, left;

	if (o->health_interval_ms <= 0 || !o->health_command)
		return -1;
	now = pod_mono_ns();
	if (!m->health_next)
		m->health_next = now + o->health_interval_ms * 1000000;
	if (now >= m->health_next) {
		if (m->health_pid <= 0) {
			cleanup_strv char **argv = NULL;
			argv = pod_strv_push(argv, xstrdup(o->health_command));
			for (size_t i = 0; o->health_command_args && o->health_command_args[i]; i++)
				argv = pod_strv_push(argv, xstrdup(o->health_command_args[i]));
			m->health_pid = spawn_child(NULL, argv, m->devnull, m->devnull, m->devnull);
			if (m->health_pid < 0)
				m->health_pid = 0;
		}
		m->health_next = now + o->health_interval_ms * 1000000;
	}
	left = (m->health_next - now) / 1000000 + 1;
	return left > INT32_MAX ? INT32_MAX : (int) left;
}

/* the poll loop while the container runs */
static int
supervise(struct mon *m, struct pod_err **err)
{
	struct pollfd *p = NULL;
	size_t alloc = 0;

	while (!m->exited) {
		size_t n = 0, want = 6 + m->at.n_clients;
		size_t first_client;
		bool input_pending = m->in_len > m->in_off;

		if (want > alloc) {
			alloc = want;
			p = xrealloc(p, alloc * sizeof(*p));
		}
		p[n++] = (struct pollfd){ .fd = m->sigfd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = m->out_fd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = m->err_fd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = m->at.listen_fd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = m->at.ctl_fd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = input_pending ? m->in_fd : -1, .events = POLLOUT };
		first_client = n;
		for (size_t i = 0; i < m->at.n_clients; i++)
			p[n++] = (struct pollfd){ .fd = m->at.clients[i].fd,
						  .events = (m->at.clients[i].readable &&
							     !input_pending) ? POLLIN : 0 };
		if (poll(p, n, health_tick(m)) < 0) {
			if (errno == EINTR)
				continue;
			free(p);
			return pod_err_sys(err, "poll");
		}
		if (p[0].revents)
			handle_signals(m);
		if (p[1].revents && m->out_fd >= 0)
			pump_output(m, &m->out_fd, POD_MONITOR_STDOUT);
		if (p[2].revents && m->err_fd >= 0)
			pump_output(m, &m->err_fd, POD_MONITOR_STDERR);
		if (p[5].revents) {
			if (p[5].revents & (POLLERR | POLLHUP))
				close_stdin(m);
			else
				flush_input(m);
		}
		/* clients: walk backwards so drops (swap with the last) keep indexes valid */
		for (size_t k = n; k > first_client; k--) {
			size_t i = k - 1 - first_client;
			short re = p[k - 1].revents;
			if (!re || i >= m->at.n_clients || m->at.clients[i].fd != p[k - 1].fd)
				continue;
			if (m->at.clients[i].readable && (re & (POLLIN | POLLHUP)) &&
			    m->in_len == m->in_off)
				client_input(m, i);
			else if (!m->at.clients[i].readable && (re & (POLLHUP | POLLERR)))
				pod_monitor_attach_drop(&m->at, i);
		}
		if (p[3].revents)
			pod_monitor_attach_accept(&m->at);
		if (p[4].revents)
			pod_monitor_ctl_read(&m->at, ctl_message, m);
	}
	free(p);
	/* everything written before the exit is in the pipes: drain it */
	while (m->out_fd >= 0 && pump_output(m, &m->out_fd, POD_MONITOR_STDOUT))
		;
	while (m->err_fd >= 0 && pump_output(m, &m->err_fd, POD_MONITOR_STDERR))
		;
	return 0;
}

static void
write_exit_files(struct mon *m, int code, bool oom, bool runtime_left)
{
	const struct pod_monitor_opts *o = m->o;
	struct pod_err *e = NULL;

	if (o->persist_dir) {
		cleanup_free char *path = xasprintf("%s/exit.json", o->persist_dir);
		cleanup_free char *s = xasprintf("{\"exit_code\":%d,\"finished_ns\":%" PRId64
						 ",\"oom_killed\":%s%s}\n", code, m->finished_ns,
						 oom ? "true" : "false",
						 runtime_left ? ",\"runtime_left\":true" : "");
		if (write_atomic_str(path, s, &e) < 0) {
			pod_warn("writing the exit file: %s", e->msg);
			pod_err_free(&e);
		}
	}
	if (o->exit_dir) {
		cleanup_free char *path = xasprintf("%s/%s", o->exit_dir, o->cid);
		char s[16];
		snprintf(s, sizeof(s), "%d", code);
		if (write_atomic_str(path, s, &e) < 0) {
			pod_warn("writing the exit file: %s", e->msg);
			pod_err_free(&e);
		}
	}
}

static bool
runner_alive(const struct pod_monitor_opts *o)
{
	return o->runner_pid > 0 && pod_rt_pid_alive((pid_t) o->runner_pid, o->runner_start);
}

static void
run_exit_command(struct mon *m)
{
	const struct pod_monitor_opts *o = m->o;
	cleanup_strv char **argv = NULL;
	pid_t pid;
	int status;

	if (!o->exit_command)
		return;
	if (runner_alive(o)) {
		/* if it dies before its cleanup, the next command to look does it */
		pod_debug("the runner %" PRId64 " cleans up: no exit command", o->runner_pid);
		return;
	}
	if (o->exit_delay > 0) {
		struct timespec ts = { .tv_sec = (time_t) o->exit_delay };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	argv = pod_strv_push(NULL, xstrdup(o->exit_command));
	for (size_t i = 0; o->exit_command_args && o->exit_command_args[i]; i++)
		argv = pod_strv_push(argv, xstrdup(o->exit_command_args[i]));
	pod_debug("running the exit command %s", o->exit_command);
	pid = spawn_child(NULL, argv, m->devnull, 2, 2);
	if (pid < 0) {
		pod_warn("running the exit command %s: fork: %s", o->exit_command,
			 pod_strerror(errno));
		return;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			pod_warn("waiting for the exit command: %s", pod_strerror(errno));
			return;
		}
	}
	if (exit_code_of(status) != 0)
		pod_warn("exit command %s failed with exit code %d", o->exit_command,
			 exit_code_of(status));
}

/* marks every inherited fd but the standard ones and sync_fd close-on-exec */
static void
cloexec_inherited(int sync_fd)
{
	if (sync_fd < 0) {
		(void) close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
		return;
	}
	if (sync_fd > 3)
		(void) close_range(3, (unsigned) sync_fd - 1, CLOSE_RANGE_CLOEXEC);
	(void) close_range((unsigned) sync_fd + 1, ~0U, CLOSE_RANGE_CLOEXEC);
}

/* makes (or removes again) a cgroup as the runtime's create would, with no resources */
static bool
cgroup_ahead(const char *path, bool make)
{
	cleanup_(pod_cgroup_freep) struct pod_cgroup *cg = NULL;
	struct pod_err *e = NULL;

	if (pod_cgroup_new(path, &cg, &e) < 0 ||
	    (make ? pod_cgroup_make(cg, NULL, 0, &e) : pod_cgroup_destroy(cg, &e)) < 0) {
		pod_debug("cgroup %s ahead of the runtime: %s", path, e->msg);
		pod_err_free(&e);
		return false;
	}
	return true;
}

/* a byte from the engine: the bundle is ready; EOF (or an error): it gave up */
static bool
wait_go(int fd)
{
	char c;
	ssize_t n;

	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	return n == 1;
}

int
pod_monitor_run(const struct pod_monitor_opts *o, int sync_fd, struct pod_err **err)
{
	struct mon m = {
		.o = o, .sigfd = -1, .sync_fd = sync_fd, .devnull = -1, .out_fd = -1, .err_fd = -1,
		.in_fd = -1, .console_fd = -1, .log = { .fd = -1 }, .at = POD_MONITOR_ATTACH_INIT,
		.ctr_pid = -1, .cmd_pid = -1, .oom_base = -1, .rt_err = POD_STRBUF_INIT,
	};
	int r = -1, code;
	bool oom = false, rt_left;

	cloexec_inherited(sync_fd);
	if (sync_fd >= 0 && fcntl(sync_fd, F_SETFD, FD_CLOEXEC) < 0) {
		pod_err_sys(err, "invalid sync fd %d", sync_fd);
		m.sync_fd = -1;
		return -1;
	}
	if (pod_monitor_opts_check(o, err) < 0)
		goto out_sync;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		pod_err_sys(err, "becoming a child subreaper");
		goto out_sync;
	}
	if (setup_signals(&m, err) < 0)
		goto out_sync;
	m.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (m.devnull < 0) {
		pod_err_sys(err, "opening /dev/null");
		goto out_sync;
	}
	if (o->conmon_pidfile) {
		char s[32];
		snprintf(s, sizeof(s), "%d", (int) getpid());
		if (write_atomic_str(o->conmon_pidfile, s, err) < 0)
			goto out_sync;
	}
	if (o->log_driver == POD_MONITOR_LOG_K8S_FILE) {
		if (pod_monitor_log_open(&m.log, o->log_path, o->log_size_max, err) < 0)
			goto out_sync;
		m.logging = true;
	}
	if (o->socket_dir && pod_monitor_attach_open(&m.at, o->socket_dir, err) < 0)
		goto out_sync;
	{
		const char *slash = strrchr(o->runtime, '/');
		m.one_step = STREQ(slash ? slash + 1 : o->runtime, "pod-oci");
		m.inproc = m.one_step && !(o->runtime_args && o->runtime_args[0]) &&
			   runtime_is_this_build(o->runtime);
	}
	if (o->go_fd > 0) {
		/*
		 * While the engine writes the bundle, our own runtime's cgroup
		 * directories are made here (its create finds them and applies
		 * the resources): ten mkdirs in cgroupfs, off the start's path.
		 */
		bool cg_made = m.inproc && o->cgroup_path && cgroup_ahead(o->cgroup_path, true);

		if (!wait_go(o->go_fd)) {
			/* the engine gave up before the bundle was ready: leave no trace */
			pod_debug("no go from the engine: not creating %s", o->cid);
			if (cg_made)
				(void) cgroup_ahead(o->cgroup_path, false);
			if (o->conmon_pidfile)
				(void) unlink(o->conmon_pidfile);
			r = 0;
			goto out;
		}
	}
	if (create_and_start(&m, err) < 0)
		goto out;
	{
		cleanup_json json_t *j = json_pack("{s:i}", "pid", (int) m.ctr_pid);
		sync_report(&m, j);
	}
	if (supervise(&m, err) < 0)
		goto out;
	code = exit_code_of(m.ctr_status);
	if (m.oom_base >= 0) {
		int64_t now = oom_count(o->cgroup_path);
		oom = now > m.oom_base;
	}
	pod_debug("container %s exited with %d%s", o->cid, code, oom ? " (OOM killed)" : "");
	close_fd(&m.out_fd);
	close_fd(&m.err_fd);
	close_fd(&m.in_fd);
	/*
	 * The `run --rm` waiting for the exit deletes the container from our
	 * own runtime in-process, which is quicker than starting it again here
	 * and lets it go on at once. Any other command that finds it so (the
	 * runner died) deletes it as well.
	 */
	rt_left = m.one_step && runner_alive(o);
	if (!rt_left)
		delete_container(&m);
	write_exit_files(&m, code, oom, rt_left);
	pod_monitor_attach_close(&m.at);
	pod_monitor_log_close(&m.log);
	run_exit_command(&m);
	r = 0;
	goto out;

out_sync:
	{
		cleanup_json json_t *j = json_pack("{s:i, s:o}", "pid", -1, "message",
						   pod_json_string((*err)->msg));
		sync_report(&m, j);
	}
out:
	close_fd(&m.sync_fd);
	close_fd(&m.out_fd);
	close_fd(&m.err_fd);
	close_fd(&m.in_fd);
	close_fd(&m.console_fd);
	close_fd(&m.devnull);
	close_fd(&m.sigfd);
	remove_tmpdir(&m);
	pod_monitor_attach_close(&m.at);
	pod_monitor_log_close(&m.log);
	free(m.console_path);
	free(m.pidfile);
	pod_strbuf_release(&m.rt_err);
	return r;
}
