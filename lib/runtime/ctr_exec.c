/* ctr_exec.c - exec sessions: the process object, starting it, waiting, the session files */
#include "core/fs.h"
#include "core/id.h"
#include "core/json.h"
#include "core/log.h"
#include "runtime/caps.h"
#include "runtime/ctr-internal.h"
#include "runtime/ctr_exec.h"
#include "runtime/oci-internal.h"
#include "runtime/oci.h"
#include "runtime/specgen.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define RUNTIME_WAIT_NS (60LL * 1000000000)

/* --- session files ------------------------------------------------------- */

static char *
exec_dir(struct pod_engine *e, const char *id)
{
	return xasprintf("%s/containers/%s/exec", e->runroot, id);
}

static void
session_write(const char *path, json_t *rec)
{
	cleanup_free char *text = json_dumps(rec, JSON_COMPACT);
	struct pod_err *e = NULL;

	if (text && pod_write_file_replace(path, text, strlen(text), 0600, &e) < 0) {
		pod_debug("exec session %s: %s", path, e->msg);
		pod_err_free(&e);
	}
}

static void
session_ended(const char *path, json_t *rec, int code)
{
	json_object_set_new(rec, "Running", json_false());
	json_object_set_new(rec, "ExitCode", json_integer(code));
	session_write(path, rec);
}

struct sess {
	char *id;
	int64_t created;
};

static int
sess_cmp(const void *a, const void *b)
{
	const struct sess *x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}

json_t *
pod_ctr_exec_ids(struct pod_engine *e, const struct pod_ctr *c)
{
	cleanup_free char *dir = exec_dir(e, c->id);
	cleanup_free struct sess *v = NULL;
	json_t *out = json_array();
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return out;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		cleanup_free char *path = NULL, *text = NULL;
		cleanup_json json_t *rec = NULL;
		struct pod_err *err = NULL;

		if (len != POD_ID_LEN + 5 || !STREQ(de->d_name + POD_ID_LEN, ".json"))
			continue;
		path = pod_path_join(dir, de->d_name);
		if (pod_read_file(path, &text, NULL, 1u << 20, &err) < 0) {
			pod_err_free(&err);
			continue;
		}
		rec = json_loads(text, 0, NULL);
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n].id = xstrndup(de->d_name, POD_ID_LEN);
		v[n].created = json_integer_value(json_object_get(rec, "Created"));
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), sess_cmp);
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(out, json_string(v[i].id));
		free(v[i].id);
	}
	return out;
}

void
pod_ctr_exec_forget(struct pod_engine *e, const char *id)
{
	cleanup_free char *dir = exec_dir(e, id);
	struct pod_err *err = NULL;

	if (pod_rm_rf(dir, &err) < 0)
		pod_err_free(&err);
}

/* --- the process object -------------------------------------------------- */

static void
env_put(json_t *env, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t) (eq - kv) : strlen(kv);
	json_t *v;
	size_t i;

	json_array_foreach(env, i, v) {
		const char *s = json_string_value(v);
		if (s && strncmp(s, kv, klen) == 0 && s[klen] == '=') {
			json_array_set_new(env, i, pod_json_string(kv));
			return;
		}
	}
	json_array_append_new(env, pod_json_string(kv));
}

static const char *
env_get(json_t *env, const char *key)
{
	size_t klen = strlen(key);
	json_t *v;
	size_t i;

	json_array_foreach(env, i, v) {
		const char *s = json_string_value(v);
		if (s && strncmp(s, key, klen) == 0 && s[klen] == '=')
			return s + klen + 1;
	}
	return NULL;
}

static json_t *
caps_names(uint64_t mask)
{
	json_t *a = json_array();

	for (int n = 0; n < 64; n++)
		if (mask & (UINT64_C(1) << n) && pod_cap_name(n))
			json_array_append_new(a, json_string(pod_cap_name(n)));
	return a;
}

static uint64_t
caps_mask(json_t *names)
{
	uint64_t m = 0;
	json_t *v;
	size_t i;

	json_array_foreach(names, i, v) {
		int n = json_is_string(v) ? pod_cap_from_name(json_string_value(v)) : -1;
		if (n >= 0 && n < 64)
			m |= UINT64_C(1) << n;
	}
	return m;
}

/* every capability in our own bounding set: what --privileged can give */
static uint64_t
caps_ours(void)
{
	uint64_t m = 0;
	int last = pod_caps_last_cap();

	for (int n = 0; n <= last && n < 64; n++)
		if (prctl(PR_CAPBSET_READ, (unsigned long) n, 0, 0, 0) == 1)
			m |= UINT64_C(1) << n;
	return m;
}

/*
 * Podman's rule: the container's capabilities unless the exec names a user
 * or is privileged; then the bounding set is the container's (or all of
 * ours), and root gets it as effective and permitted while another user
 * gets none.
 */
static void
exec_caps(json_t *proc, const struct pod_exec_opts *o, uint32_t uid)
{
	json_t *caps = json_object_get(proc, "capabilities");
	uint64_t bnd;

	if (!o->user && !o->privileged)
		return;
	bnd = o->privileged ? caps_ours() : caps_mask(json_object_get(caps, "bounding"));
	caps = json_object();
	json_object_set_new(caps, "bounding", caps_names(bnd));
	json_object_set_new(caps, "effective", caps_names(uid == 0 ? bnd : 0));
	json_object_set_new(caps, "permitted", caps_names(uid == 0 ? bnd : 0));
	json_object_set_new(proc, "capabilities", caps);
}

static int
exec_user(struct pod_ctr *c, const char *user, json_t *proc, char **ret_home,
	  struct pod_err **err)
{
	cleanup_close int rootfd = -1;
	cleanup_json json_t *gids = NULL;
	cleanup_free char *home = NULL;
	json_t *u = json_object_get(proc, "user");
	char path[64];
	uid_t uid;
	gid_t gid;

	snprintf(path, sizeof(path), "/proc/%d/root", (int) c->pid);
	rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return pod_err_sys(err, "opening the root of container %s", c->id);
	if (pod_specgen_resolve_user(rootfd, user, NULL, &uid, &gid, &gids, &home, err) < 0)
		return -1;
	if (!json_is_object(u)) {
		u = json_object();
		json_object_set_new(proc, "user", u);
	}
	json_object_set_new(u, "uid", json_integer(uid));
	json_object_set_new(u, "gid", json_integer(gid));
	if (json_array_size(gids))
		json_object_set(u, "additionalGids", gids);
	else
		json_object_del(u, "additionalGids");
	*ret_home = TAKE_PTR(home);
	return 0;
}

static json_t *
exec_process(struct pod_engine *e, struct pod_ctr *c, const struct pod_exec_opts *o,
	     json_t *spec_proc, struct pod_err **err)
{
	cleanup_json json_t *p = json_deep_copy(spec_proc);
	cleanup_free char *home = NULL;
	json_t *env;
	struct winsize ws;
	uint32_t uid;

	if (!json_is_object(p)) {
		pod_err_set(err, POD_E_GENERIC, 0, "container %s has no process in its spec", c->id);
		return NULL;
	}
	json_object_set_new(p, "args", pod_json_strv(o->args));
	json_object_set_new(p, "terminal", json_boolean(o->tty));
	json_object_del(p, "consoleSize");
	if (o->tty && isatty(STDIN_FILENO) && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_row)
		json_object_set_new(p, "consoleSize", json_pack("{s:i, s:i}", "height",
								(int) ws.ws_row, "width",
								(int) ws.ws_col));
	if (o->workdir && *o->workdir) {
		if (o->workdir[0] != '/') {
			pod_err_set(err, POD_E_INVALID, 0, "workdir \"%s\" must be an absolute path",
				    o->workdir);
			return NULL;
		}
		json_object_set_new(p, "cwd", pod_json_string(o->workdir));
	}
	if (o->user && exec_user(c, o->user, p, &home, err) < 0)
		return NULL;
	/* what the container was configured with: no HOSTNAME, HOME of the exec's user */
	env = pod_specgen_env(c->settings, json_object_get(c->data, "ImageConfig"), e->conf);
	for (size_t i = 0; o->env && o->env[i]; i++)
		env_put(env, o->env[i]);
	if (!env_get(env, "HOME")) {
		const char *h = home ? home : env_get(json_object_get(spec_proc, "env"), "HOME");
		cleanup_free char *kv = xasprintf("HOME=%s", h && *h ? h : "/");
		env_put(env, kv);
	}
	json_object_set_new(p, "env", env);
	uid = (uint32_t) json_integer_value(json_object_get(json_object_get(p, "user"), "uid"));
	exec_caps(p, o, uid);
	return TAKE_PTR(p);
}

/* --- starting the process ------------------------------------------------ */

struct xrun {
	const char *cid;
	const char *rt_path, *rt_root;
	const char *xdir, *sid;
	json_t *proc;
	unsigned preserve_fds;
	bool builtin;
	pid_t pid;   /* the exec'd process, our child */
	int master;  /* pty master with a terminal, else -1 */
	int err_fd;  /* external runtime without a terminal: the process's stderr, else -1 */
};

static int
start_builtin(struct xrun *x, struct pod_err **err)
{
	cleanup_(pod_oci_process_freep) struct pod_oci_process *p = NULL;
	struct pod_oci_exec_opts xo = POD_OCI_EXEC_OPTS_INIT;
	int pair[2] = { -1, -1 };
	int status = 0, r;

	if (pod_oci_process_parse(x->proc, "process.json", &p, err) < 0)
		return -1;
	xo.process = p;
	xo.detach = true;
	xo.preserve_fds = x->preserve_fds;
	if (p->terminal) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
			return pod_err_sys(err, "socketpair");
		xo.console_fd = pair[1];
	}
	r = pod_oci_exec(x->rt_root, x->cid, &xo, &x->pid, &status, err);
	if (pair[1] >= 0)
		close(pair[1]);
	if (r == 0 && p->terminal && pod_rt_console_recv(pair[0], &x->master, err) < 0) {
		kill(x->pid, SIGKILL);
		(void) waitpid(x->pid, NULL, 0);
		r = -1;
	}
	if (pair[0] >= 0)
		close(pair[0]);
	if (r < 0 && (*err)->kind != POD_E_STATE) {
		/* the process's own failure, in Podman's words */
		cleanup_free char *msg = xstrdup((*err)->msg);
		pod_err_free(err);
		return pod_monitor_sync_error(x->rt_path, msg, err);
	}
	return r;
}

static int
listen_socket(const char *path, struct pod_err **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	cleanup_close int fd = -1;

	if (strlen(path) >= sizeof(sa.sun_path))
		return pod_err_set(err, POD_E_INVALID, 0, "console socket path %s is too long",
				   path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return pod_err_sys(err, "creating a socket");
	(void) unlink(path);
	if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(fd, 1) < 0)
		return pod_err_sys(err, "listening on %s", path);
	return TAKE_FD(fd);
}

/* `RUNTIME exec --detach`: the process is re-parented to us (a subreaper) */
static int
start_external(struct xrun *x, struct pod_err **err)
{
	cleanup_free char *procfile = xasprintf("%s/%s.process.json", x->xdir, x->sid);
	cleanup_free char *pidfile = xasprintf("%s/%s.pid", x->xdir, x->sid);
	cleanup_free char *logfile = xasprintf("%s/%s.log", x->xdir, x->sid);
	cleanup_free char *sockdir = NULL, *sockpath = NULL;
	cleanup_free char *text = json_dumps(x->proc, JSON_COMPACT), *pidtext = NULL;
	cleanup_free char *logtext = NULL, *nfds = NULL;
	cleanup_strv char **argv = NULL;
	cleanup_close int lsock = -1, errw = -1;
	bool tty = json_is_true(json_object_get(x->proc, "terminal"));
	int errp[2] = { -1, -1 };
	int64_t deadline = pod_mono_ns() + RUNTIME_WAIT_NS;
	int status = 0, r = -1;
	int64_t pid = 0;
	pid_t rt;

	if (pod_write_file_replace(procfile, text, strlen(text), 0600, err) < 0)
		return -1;
	if (tty) {
		/* a socket path must be short: the run directory may not be */
		if (pod_mkdtemp(NULL, "/tmp", "pod-exec", &sockdir, err) < 0)
			goto out;
		sockpath = pod_path_join(sockdir, "console.sock");
		lsock = listen_socket(sockpath, err);
		if (lsock < 0)
			goto out;
	} else {
		/* the runtime prints its failure on stderr, which the process shares: sort
		 * the runtime's words out of the process's output through a pipe */
		if (pipe2(errp, O_CLOEXEC) < 0) {
			pod_err_sys(err, "pipe");
			goto out;
		}
		errw = errp[1];
	}
	argv = pod_strv_push(argv, xstrdup(x->rt_path));
	argv = pod_strv_push(argv, xstrdup("--root"));
	argv = pod_strv_push(argv, xstrdup(x->rt_root));
	argv = pod_strv_push(argv, xstrdup("--log"));
	argv = pod_strv_push(argv, xstrdup(logfile));
	argv = pod_strv_push(argv, xstrdup("--log-format"));
	argv = pod_strv_push(argv, xstrdup("json"));
	argv = pod_strv_push(argv, xstrdup("exec"));
	argv = pod_strv_push(argv, xstrdup("--process"));
	argv = pod_strv_push(argv, xstrdup(procfile));
	argv = pod_strv_push(argv, xstrdup("--pid-file"));
	argv = pod_strv_push(argv, xstrdup(pidfile));
	argv = pod_strv_push(argv, xstrdup("--detach"));
	if (tty) {
		argv = pod_strv_push(argv, xstrdup("--console-socket"));
		argv = pod_strv_push(argv, xstrdup(sockpath));
	}
	if (x->preserve_fds) {
		nfds = xasprintf("%u", x->preserve_fds);
		argv = pod_strv_push(argv, xstrdup("--preserve-fds"));
		argv = pod_strv_push(argv, xstrdup(nfds));
	}
	argv = pod_strv_push(argv, xstrdup(x->cid));
	(void) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	rt = fork();
	if (rt < 0) {
		pod_err_sys(err, "fork");
		goto out;
	}
	if (rt == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (errw >= 0)
			(void) dup2(errw, STDERR_FILENO);
		else if (null >= 0)
			(void) dup2(null, STDERR_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	if (errw >= 0)
		close(TAKE_FD(errw));
	for (;;) {
		pid_t w = waitpid(rt, &status, tty && x->master < 0 ? WNOHANG : 0);
		if (w == rt)
			break;
		if (w < 0 && errno != EINTR) {
			pod_err_sys(err, "waiting for %s", x->rt_path);
			goto out;
		}
		if (tty && x->master < 0) {
			struct pollfd p = { .fd = lsock, .events = POLLIN };
			if (poll(&p, 1, 10) > 0) {
				cleanup_close int conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
				if (conn >= 0 && pod_rt_console_recv(conn, &x->master, err) < 0)
					goto out;
			}
			if (pod_mono_ns() > deadline) {
				kill(rt, SIGKILL);
				pod_err_set(err, POD_E_GENERIC, ETIMEDOUT, "%s exec timed out",
					    x->rt_path);
				goto out;
			}
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		struct pod_err *e2 = NULL;
		cleanup_free char *msg = NULL;
		size_t len = 0;
		if (pod_read_file(logfile, &logtext, &len, 1u << 20, &e2) < 0) {
			pod_err_free(&e2);
			logtext = xstrdup("");
		}
		msg = pod_monitor_runtime_message(logtext, strlen(logtext));
		pod_monitor_sync_error(x->rt_path, msg, err);
		goto out;
	}
	if (pod_read_file(pidfile, &pidtext, NULL, 64, err) < 0)
		goto out;
	if (!pod_parse_int64(pidtext, &pid) || pid <= 0) {
		pod_err_set(err, POD_E_GENERIC, 0, "%s wrote a bad pid file", x->rt_path);
		goto out;
	}
	if (tty && x->master < 0) {
		pod_err_set(err, POD_E_GENERIC, 0, "%s sent no terminal", x->rt_path);
		kill((pid_t) pid, SIGKILL);
		goto out;
	}
	x->pid = (pid_t) pid;
	x->err_fd = TAKE_FD(errp[0]);
	r = 0;
out:
	if (errp[0] >= 0)
		close(errp[0]); /* the runtime's failure: its log has said it */
	(void) unlink(procfile);
	(void) unlink(pidfile);
	(void) unlink(logfile);
	if (sockpath)
		(void) unlink(sockpath);
	if (sockdir)
		(void) rmdir(sockdir);
	if (r < 0 && x->master >= 0) {
		close(x->master);
		x->master = -1;
	}
	return r;
}

static int
xrun_start(struct xrun *x, struct pod_err **err)
{
	x->master = -1;
	x->err_fd = -1;
	x->pid = -1;
	return x->builtin ? start_builtin(x, err) : start_external(x, err);
}

/* --- waiting ---------------------------------------------------------------- */

static int
reap(pid_t pid, int *ret_code)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	*ret_code = pod_oci_wait_code(status);
	return 0;
}

static bool
write_all(int fd, const unsigned char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		buf += w;
		len -= (size_t) w;
	}
	return true;
}

struct xwait {
	int64_t deadline; /* CLOCK_MONOTONIC ns: SIGKILL then; 0: none */
	bool timed_out;
	int master;
	int err_fd; /* copied to our stderr until EOF; -1: none */
	bool interactive;
	unsigned char keys[POD_DETACH_KEYS_MAX];
	size_t n_keys, matched;
};

/* stdin to the pty, watching for the detach keys; 1 when they were typed */
static int
pass_input(struct xwait *w, bool *in_open)
{
	unsigned char buf[4096], out[4096 + POD_DETACH_KEYS_MAX];
	size_t n_out = 0;
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		unsigned char eof = 4; /* the terminal's end of input */
		*in_open = false;
		(void) write_all(w->master, &eof, 1);
		return 0;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (w->n_keys && buf[i] == w->keys[w->matched]) {
			if (++w->matched == w->n_keys)
				return 1;
			continue;
		}
		for (size_t k = 0; k < w->matched; k++)
			out[n_out++] = w->keys[k];
		w->matched = 0;
		if (w->n_keys && buf[i] == w->keys[0]) {
			w->matched = 1;
			continue;
		}
		out[n_out++] = buf[i];
	}
	(void) write_all(w->master, out, n_out);
	return 0;
}

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

/*
 * Waits for pid, forwarding signals to it; with a pty copies between it and
 * our stdio. Returns 1 when detached, 0 with *ret_code when it ended.
 */
static int
xwait(pid_t pid, struct xwait *w, int *ret_code, struct pod_err **err)
{
	cleanup_close int sfd = -1, pfd = -1;
	struct termios saved;
	bool raw = false, in_open = w->interactive && w->master >= 0, out_open = w->master >= 0;
	bool err_open = w->err_fd >= 0;
	bool exited = false;
	sigset_t mask, old;
	int rc = 0, status = 0;

	sigemptyset(&mask);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&mask, forwarded[i]);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	pfd = (int) syscall(SYS_pidfd_open, pid, 0);
	if (w->master >= 0 && w->interactive && isatty(STDIN_FILENO) &&
	    tcgetattr(STDIN_FILENO, &saved) == 0) {
		struct termios t = saved;
		/* output too: the container's pty already turned LF into CR LF */
		cfmakeraw(&t);
		raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
	}
	while (!exited || out_open || err_open) {
		struct pollfd p[5] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = exited ? -1 : pfd, .events = POLLIN },
			{ .fd = out_open ? w->master : -1, .events = POLLIN },
			{ .fd = in_open && !exited ? STDIN_FILENO : -1, .events = POLLIN },
			{ .fd = err_open ? w->err_fd : -1, .events = POLLIN },
		};
		int timeout = pfd < 0 && !exited ? 50 : -1;
		int n;

		if (exited)
			timeout = 100; /* a process of its own may still hold the pty: do not hang */
		if (!exited && w->deadline && !w->timed_out) {
			int64_t left = w->deadline - pod_mono_ns();
			if (left <= 0) {
				w->timed_out = true;
				(void) kill(pid, SIGKILL);
			} else if (timeout < 0 || left / 1000000 + 1 < timeout) {
				timeout = (int) (left / 1000000 + 1);
			}
		}
		n = poll(p, 5, timeout);
		if (n < 0 && errno != EINTR) {
			rc = pod_err_sys(err, "poll");
			break;
		}
		if (p[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == (ssize_t) sizeof(si)) {
				struct winsize ws;
				if (si.ssi_signo != SIGWINCH)
					(void) kill(pid, (int) si.ssi_signo);
				else if (w->master >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
					(void) ioctl(w->master, TIOCSWINSZ, &ws);
			}
		}
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			unsigned char buf[8192];
			ssize_t k = read(w->master, buf, sizeof(buf));
			if (k > 0)
				(void) write_all(STDOUT_FILENO, buf, (size_t) k);
			else if (k == 0 || (errno != EINTR && errno != EAGAIN))
				out_open = false;
		} else if (exited && !(p[2].revents & POLLIN)) {
			out_open = false;
		}
		if (p[4].revents & (POLLIN | POLLHUP | POLLERR)) {
			unsigned char buf[8192];
			ssize_t k = read(w->err_fd, buf, sizeof(buf));
			if (k > 0)
				(void) write_all(STDERR_FILENO, buf, (size_t) k);
			else if (k == 0 || (errno != EINTR && errno != EAGAIN))
				err_open = false;
		} else if (exited && n == 0) {
			err_open = false;
		}
		if (p[3].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (pass_input(w, &in_open) == 1) {
				rc = 1;
				break;
			}
		}
		if (!exited && (pfd < 0 || (p[1].revents & POLLIN))) {
			pid_t r = waitpid(pid, &status, WNOHANG);
			if (r == pid)
				exited = true;
			else if (r < 0 && errno != EINTR) {
				rc = pod_err_sys(err, "waiting for process %d", (int) pid);
				break;
			}
		}
	}
	if (raw)
		(void) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc == 0)
		*ret_code = w->timed_out ? -1 : pod_oci_wait_code(status);
	return rc;
}

/* --- detached sessions ---------------------------------------------------- */

/* the error of a failed start, through the report pipe: "KIND ERRNO MESSAGE" */
static void
report_err(int fd, const struct pod_err *e)
{
	dprintf(fd, "%d %d %s", (int) e->kind, e->errnum, e->msg);
}

static int
read_report(int fd, struct pod_err **err)
{
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	int kind = 0, errnum = 0, off = 0;

	while (len < sizeof(buf) - 1) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t) n;
	}
	buf[len] = '\0';
	if (len == 0)
		return pod_err_set(err, POD_E_GENERIC, 0, "the exec session's supervisor failed");
	if (STREQ(buf, "ok"))
		return 0;
	if (sscanf(buf, "%d %d %n", &kind, &errnum, &off) < 2 || kind < 0 || kind >= POD_E__MAX)
		return pod_err_set(err, POD_E_GENERIC, 0, "%s", buf);
	return pod_err_set(err, (enum pod_err_kind) kind, errnum, "%s", buf + off);
}

/*
 * The end of a session nobody is attached to: its code in the session file
 * and "exec_died" with it, unless the file is gone: `rm -f` forgot the
 * container's sessions before killing them, and Podman writes no
 * "exec_died" for those.
 */
static void
detached_ended(struct pod_engine *eng, const struct pod_ctr *c, const char *path, json_t *rec,
	       int code)
{
	if (access(path, F_OK) < 0)
		return;
	session_ended(path, rec, code);
	pod_ctr_event(eng, c, "exec_died", code);
}

/*
 * -d: a supervisor (double fork, new session, stdio on /dev/null) starts
 * the process, reports, then waits for it to record its exit code and
 * write "exec_died". It is the one process that can see that code: the
 * process is its child (built-in runtime) or re-parented to it (runc and
 * crun's `exec --detach`, with the supervisor a child subreaper); the
 * caller has long returned. The event uses the container as it was at the
 * start (a forked process must not use the store's connection). With -t
 * it holds the pty's master and reads and discards the output (Podman's
 * conmon runs these sessions with log driver "none"), so the process
 * never blocks, gets EIO or a hangup for want of a reader.
 */
static int
run_detached(struct pod_engine *eng, const struct pod_ctr *c, struct xrun *x, bool keep_stdin,
	     const char *path, json_t *rec, int lock, struct pod_err **err)
{
	int rep[2];
	pid_t child;
	int status;

	if (pipe2(rep, O_CLOEXEC) < 0)
		return pod_err_sys(err, "pipe");
	child = fork();
	if (child < 0) {
		close(rep[0]);
		close(rep[1]);
		return pod_err_sys(err, "fork");
	}
	if (child == 0) {
		struct pod_err *e = NULL;
		struct xwait w = { .master = -1, .err_fd = -1 };
		int null, code = -1, in[2] = { -1, -1 };

		close(rep[0]);
		close(lock); /* a supervisor must not keep the container locked */
		if (setsid() < 0 || fork() != 0)
			_exit(0);
		null = open("/dev/null", O_RDWR);
		for (int fd = 0; fd < 3 && null >= 0; fd++)
			(void) dup2(null, fd);
		if (null > 2)
			close(null);
		/* -i: stdin stays open, never written (no one can attach to it), as
		 * Podman's conmon holds it; the process reads no end of input */
		if (keep_stdin && pipe2(in, O_CLOEXEC) == 0) {
			(void) dup2(in[0], STDIN_FILENO);
			close(in[0]);
		}
		if (xrun_start(x, &e) < 0) {
			report_err(rep[1], e);
			_exit(1);
		}
		json_object_set_new(rec, "Pid", json_integer(x->pid));
		session_write(path, rec);
		(void) !write(rep[1], "ok", 2);
		close(rep[1]);
		w.master = x->master;
		w.err_fd = x->err_fd;
		if (xwait(x->pid, &w, &code, &e) < 0)
			(void) reap(x->pid, &code);
		detached_ended(eng, c, path, rec, code);
		_exit(0);
	}
	close(rep[1]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	{
		int r = read_report(rep[0], err);
		close(rep[0]);
		return r;
	}
}

/*
 * -it with detach keys: the session may outlive us, and only the process's
 * parent (or the subreaper it is re-parented to) can see its exit code. So
 * a keeper forked here starts it, copies between the terminal and the pty,
 * and records the end, while we wait for its word ("C CODE", or "D" when
 * the keys were typed). After a detach it leaves our terminal and session
 * (setsid, stdio on /dev/null), reads and drops the output until the
 * process ends, and writes the session's code and "exec_died" with it, as
 * conmon lets Podman do. Without detach keys there is no keeper: the
 * process is our own child (one fork less).
 */
static int
run_keeper(struct pod_engine *eng, const struct pod_ctr *c, struct xrun *x, struct xwait *w,
	   const char *path, json_t *rec, int *lock, int *ret_code, struct pod_err **err)
{
	cleanup_close int sfd = -1;
	int rep[2] = { -1, -1 }, fin[2] = { -1, -1 };
	char buf[4096];
	size_t len = 0;
	sigset_t mask, old;
	pid_t k;
	int r = 0;

	if (pipe2(rep, O_CLOEXEC) < 0)
		return pod_err_sys(err, "pipe");
	if (pipe2(fin, O_CLOEXEC) < 0) {
		close(rep[0]);
		close(rep[1]);
		return pod_err_sys(err, "pipe");
	}
	k = fork();
	if (k < 0) {
		r = pod_err_sys(err, "fork");
		close(rep[1]);
		close(fin[1]);
		goto out;
	}
	if (k == 0) {
		struct pod_err *e = NULL;
		int code = -1, null;

		close(rep[0]);
		close(fin[0]);
		if (xrun_start(x, &e) < 0) {
			report_err(rep[1], e);
			_exit(1);
		}
		close(*lock); /* our caller's copy holds the flock until it hears from us */
		json_object_set_new(rec, "Pid", json_integer(x->pid));
		session_write(path, rec);
		(void) !write(rep[1], "ok", 2);
		close(rep[1]);
		w->master = x->master;
		w->err_fd = x->err_fd;
		r = xwait(x->pid, w, &code, &e);
		if (r < 0) {
			report_err(fin[1], e);
			(void) kill(x->pid, SIGKILL);
			(void) reap(x->pid, &code);
			(void) unlink(path);
			_exit(1);
		}
		if (r == 0) {
			(void) unlink(path);
			pod_ctr_event(eng, c, "exec_died", code);
			dprintf(fin[1], "C %d", code);
			_exit(0);
		}
		/* out of the caller's session first: when it (perhaps the session
		 * leader) exits, its terminal's hangup must not reach us */
		(void) setsid();
		(void) !write(fin[1], "D", 1);
		close(fin[1]);
		null = open("/dev/null", O_RDWR);
		for (int fd = 0; fd < 3 && null >= 0; fd++)
			(void) dup2(null, fd);
		{
			struct xwait drain = { .master = x->master, .err_fd = -1 };

			if (xwait(x->pid, &drain, &code, &e) < 0)
				(void) reap(x->pid, &code);
		}
		json_object_set_new(rec, "Detached", json_true());
		detached_ended(eng, c, path, rec, code);
		_exit(0);
	}
	close(TAKE_FD(rep[1]));
	close(TAKE_FD(fin[1]));
	r = read_report(rep[0], err);
	/* the container may stop while the session runs */
	close(TAKE_FD(*lock));
	if (r < 0) {
		(void) waitpid(k, NULL, 0);
		goto out;
	}
	/* signals sent to us go to the keeper, which passes them on; the
	 * terminal's own (SIGWINCH, SIGINT when not raw) reach it by themselves,
	 * as it is in our process group */
	sigemptyset(&mask);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&mask, forwarded[i]);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	for (;;) {
		struct pollfd p[2] = { { .fd = fin[0], .events = POLLIN },
				       { .fd = sfd, .events = POLLIN } };
		ssize_t n;

		if (poll(p, 2, -1) < 0 && errno != EINTR) {
			r = pod_err_sys(err, "poll");
			break;
		}
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == (ssize_t) sizeof(si))
				if (si.ssi_code != SI_KERNEL)
					(void) kill(k, (int) si.ssi_signo);
		}
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(fin[0], buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0 && len + (size_t) n < sizeof(buf) - 1) {
			len += (size_t) n;
			continue;
		}
		break;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	buf[len] = '\0';
	if (r < 0)
		goto out;
	if (STREQ(buf, "D")) {
		/* it runs on, ours until we exit */
		*ret_code = 0;
		r = 1;
		goto out;
	}
	(void) waitpid(k, NULL, 0);
	if (buf[0] == 'C' && sscanf(buf, "C %d", ret_code) == 1) {
		r = 0;
		goto out;
	}
	{
		/* the keeper's error, in report_err's words */
		int rfd[2];

		if (pipe2(rfd, O_CLOEXEC) < 0) {
			r = pod_err_sys(err, "pipe");
			goto out;
		}
		(void) !write(rfd[1], buf, len);
		close(rfd[1]);
		r = read_report(rfd[0], err);
		close(rfd[0]);
		if (r == 0)
			r = pod_err_set(err, POD_E_GENERIC, 0, "the exec session's keeper failed");
	}
out:
	if (rep[0] >= 0)
		close(rep[0]);
	if (fin[0] >= 0)
		close(fin[0]);
	return r;
}

/* --- the session ------------------------------------------------------------ */

static bool
is_builtin(const char *rt_path)
{
	const char *base = strrchr(rt_path, '/');
	return STREQ(base ? base + 1 : rt_path, "pod-oci");
}

static int
exec_session(struct pod_engine *e, struct pod_ctr *c, const struct pod_exec_opts *o,
	     char **ret_session, int *ret_code, struct pod_err **err)
{
	cleanup_close int lock = -1;
	cleanup_free char *bundle = NULL, *cfg = NULL, *xdir = NULL, *path = NULL;
	cleanup_free char *rt_path = NULL, *rt_root = NULL;
	cleanup_json json_t *spec = NULL, *proc = NULL, *rec = NULL;
	struct xwait w = { .master = -1, .err_fd = -1, .interactive = o->interactive };
	struct xrun x = { .preserve_fds = o->preserve_fds, .master = -1 };
	json_error_t jerr;
	json_t *cmd;
	char sid[POD_ID_LEN + 1];
	int r, code = 0;

	if (!o->args || !o->args[0])
		return pod_err_set(err, POD_E_INVALID, 0, "must provide a non-empty command to start "
				   "an exec session: invalid argument");
	if (pod_ctr_parse_detach_keys(o->detach_keys ? o->detach_keys : "ctrl-p,ctrl-q", w.keys,
				      &w.n_keys, err) < 0)
		return -1;
	lock = pod_ctr_lock(e, c->id, err);
	if (lock < 0 || pod_ctr_reload(e, c, err) < 0)
		return -1;
	if (c->state != POD_CTR_RUNNING || !pod_ctr_process_alive(c))
		return pod_err_set(err, POD_E_STATE, 0, "can only create exec sessions on running "
				   "containers: container state improper");
	if (!pod_ctr_str(c, "RuntimePath") || !pod_ctr_str(c, "RuntimeRoot"))
		return pod_err_set(err, POD_E_STATE, 0, "container %s has no runtime state", c->id);
	rt_path = xstrdup(pod_ctr_str(c, "RuntimePath"));
	rt_root = xstrdup(pod_ctr_str(c, "RuntimeRoot"));
	bundle = pod_ctr_bundle(e, c->id);
	cfg = pod_path_join(bundle, "config.json");
	spec = json_load_file(cfg, JSON_REJECT_DUPLICATES, &jerr);
	if (!spec)
		return pod_err_set(err, POD_E_GENERIC, 0, "reading %s: %s", cfg, jerr.text);
	proc = exec_process(e, c, o, json_object_get(spec, "process"), err);
	if (!proc)
		return -1;
	xdir = exec_dir(e, c->id);
	if (pod_mkdir_p(xdir, 0700, err) < 0)
		return -1;
	pod_id_new(sid);
	path = xasprintf("%s/%s.json", xdir, sid);
	cmd = pod_json_strv(o->args);
	rec = json_pack("{s:s, s:s, s:o, s:i, s:b, s:n, s:b, s:b, s:I}", "ID", sid, "ContainerID",
			c->id, "Command", cmd, "Pid", 0, "Running", 1, "ExitCode", "Detached",
			o->detach, "Tty", o->tty, "Created", (json_int_t) pod_now_ns());
	x.cid = c->id;
	x.rt_path = rt_path;
	x.rt_root = rt_root;
	x.xdir = xdir;
	x.sid = sid;
	x.proc = proc;
	x.builtin = is_builtin(rt_path);

	pod_ctr_event(e, c, "exec", 0);
	if (o->detach) {
		r = run_detached(e, c, &x, o->interactive && !o->tty, path, rec, lock, err);
		if (r < 0) {
			(void) unlink(path);
			return -1;
		}
		*ret_session = xstrdup(sid);
		*ret_code = 0;
		return 0;
	}
	if (o->timeout_ns > 0)
		w.deadline = pod_mono_ns() + o->timeout_ns;
	if (o->tty && o->interactive && w.n_keys) {
		r = run_keeper(e, c, &x, &w, path, rec, &lock, &code, err);
		if (r < 0)
			return -1;
		*ret_code = code;
		if (r == 0)
			*ret_session = xstrdup(sid);
		return r;
	}
	if (xrun_start(&x, err) < 0)
		return -1;
	json_object_set_new(rec, "Pid", json_integer(x.pid));
	session_write(path, rec);
	/* the container may stop while the session runs */
	close(TAKE_FD(lock));
	w.master = x.master;
	w.err_fd = x.err_fd;
	r = xwait(x.pid, &w, &code, err);
	if (x.err_fd >= 0)
		close(x.err_fd);
	if (x.master >= 0)
		close(x.master);
	(void) unlink(path);
	if (r < 0)
		return -1;
	pod_ctr_event(e, c, "exec_died", code);
	*ret_session = xstrdup(sid);
	*ret_code = code;
	return 0;
}

int
pod_ctr_exec(struct pod_engine *e, struct pod_ctr *c, const struct pod_exec_opts *o,
	     char **ret_session, int *ret_code, struct pod_err **err)
{
	int saved[3] = { -1, -1, -1 };
	int null, r;

	if (o->out_fd <= 0)
		return exec_session(e, c, o, ret_session, ret_code, err);
	/* the process inherits our stdio (the runtime's, with runc): lend it the file */
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	for (int fd = 0; fd < 3; fd++)
		saved[fd] = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (null < 0 || saved[0] < 0 || saved[1] < 0 || saved[2] < 0 ||
	    dup2(null, STDIN_FILENO) < 0 || dup2(o->out_fd, STDOUT_FILENO) < 0 ||
	    dup2(o->out_fd, STDERR_FILENO) < 0)
		r = pod_err_sys(err, "redirecting the exec session's output");
	else
		r = exec_session(e, c, o, ret_session, ret_code, err);
	for (int fd = 0; fd < 3; fd++) {
		if (saved[fd] >= 0) {
			(void) dup2(saved[fd], fd);
			close(saved[fd]);
		}
	}
	if (null >= 0)
		close(null);
	return r;
}
