/* ctr_attach.c - the caller's terminal or stdio joined to a running container */
#include "core/fs.h"
#include "core/log.h"
#include "runtime/ctr-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#define MAX_KEYS POD_DETACH_KEYS_MAX

struct att {
	struct pod_engine *e;
	struct pod_ctr *c;
	const struct pod_attach_opts *o;
	char *rundir;
	int sock;
	int sigfd;
	int exitfd; /* inotify on the rundir: the monitor's exit.json appears there */
	bool stdin_done;
	unsigned char keys[MAX_KEYS];
	size_t n_keys, matched;
	bool from_socket; /* output comes from the socket (no k8s-file log) */
	struct ctr_log_follow *f;
	size_t sock_watch, stdin_watch, exit_watch;
};

/* "ctrl-p,ctrl-q" -> {0x10, 0x11}; Podman's detach key syntax */
int
pod_ctr_parse_detach_keys(const char *spec, unsigned char out[POD_DETACH_KEYS_MAX], size_t *ret_n,
			  struct pod_err **err)
{
	size_t n = 0;

	for (const char *p = spec; p && *p;) {
		const char *comma = strchrnul(p, ',');
		size_t len = (size_t) (comma - p);
		if (n == MAX_KEYS)
			return pod_err_set(err, POD_E_INVALID, 0, "too many detach keys");
		if (len == 1) {
			out[n++] = (unsigned char) p[0];
		} else if (len == 6 && strncmp(p, "ctrl-", 5) == 0) {
			char k = p[5];
			if (k >= 'a' && k <= 'z')
				out[n++] = (unsigned char) (k - 'a' + 1);
			else if (k >= '@' && k <= '_')
				out[n++] = (unsigned char) (k - '@');
			else
				goto bad;
		} else {
			goto bad;
		}
		p = *comma ? comma + 1 : NULL;
		continue;
bad:
		return pod_err_set(err, POD_E_INVALID, 0, "invalid detach keys: %s", spec);
	}
	*ret_n = n;
	return 0;
}

static bool
att_done(void *data)
{
	struct att *a = data;
	cleanup_free char *exit_file = pod_path_join(a->rundir, "exit.json");

	if (access(exit_file, F_OK) == 0)
		return true;
	return !pod_ctr_process_alive(a->c) && !pod_ctr_monitor_alive(a->c);
}

static int
send_input(struct att *a, const unsigned char *buf, size_t len)
{
	/* the socket went in this same round: the container has ended, input is moot */
	if (len == 0 || a->sock < 0)
		return 0;
	while (send(a->sock, buf, len, MSG_NOSIGNAL) < 0) {
		if (errno == EINTR)
			continue;
		return -1;
	}
	return 0;
}

static int
on_stdin(void *data, struct pod_err **err)
{
	struct att *a = data;
	unsigned char buf[4096], out[4096 + MAX_KEYS];
	size_t n_out = 0;
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		/* our stdin ended: the container's stdin ends too */
		a->stdin_done = true;
		a->f->watch[a->stdin_watch].fd = -1;
		if (a->sock >= 0)
			(void) shutdown(a->sock, SHUT_WR);
		return 0;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (a->n_keys && buf[i] == a->keys[a->matched]) {
			if (++a->matched == a->n_keys)
				return 1;
			continue;
		}
		/* a broken sequence: what was held back goes through after all */
		for (size_t k = 0; k < a->matched; k++)
			out[n_out++] = a->keys[k];
		a->matched = 0;
		if (a->n_keys && buf[i] == a->keys[0]) {
			a->matched = 1;
			continue;
		}
		out[n_out++] = buf[i];
		if (n_out >= 4096) {
			if (send_input(a, out, n_out) < 0)
				return pod_err_sys(err, "sending input to the container");
			n_out = 0;
		}
	}
	if (send_input(a, out, n_out) < 0 && errno != EPIPE)
		return pod_err_sys(err, "sending input to the container");
	return 0;
}

static void watch_rundir(struct att *a);
static int on_rundir(void *data, struct pod_err **err);

static int
on_socket(void *data, struct pod_err **err)
{
	struct att *a = data;
	char buf[POD_MONITOR_BUF_SIZE + 1];
	ssize_t n = recv(a->sock, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0)
		return 0; /* EAGAIN, EINTR; a broken socket reads 0 next */
	if (n == 0) {
		/* the monitor is gone, or has dropped us: watch the log and rundir instead */
		a->f->watch[a->sock_watch].fd = -1;
		close(a->sock);
		a->sock = -1;
		if (att_done(a))
			return 0; /* the usual end: exit.json is there */
		a->f->watch_wakes = false;
		watch_rundir(a);
		return 0;
	}
	if (a->from_socket && n > 1) {
		int fd = buf[0] == POD_MONITOR_STDERR ? STDERR_FILENO : STDOUT_FILENO;
		if ((fd == STDOUT_FILENO && a->o->stdout_on) || (fd == STDERR_FILENO &&
								  a->o->stderr_on))
			if (write(fd, buf + 1, (size_t) n - 1) < 0 && errno != EPIPE)
				return pod_err_sys(err, "writing output");
	}
	return 0;
}

/*
 * Once the attach socket is gone the end is seen when exit.json is renamed
 * into place, not at the next poll timeout. While the socket is there its
 * end is the end: the monitor closes it after writing exit.json.
 */
static void
watch_rundir(struct att *a)
{
	if (a->exitfd >= 0)
		return;
	a->exitfd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (a->exitfd >= 0 && inotify_add_watch(a->exitfd, a->rundir, IN_MOVED_TO | IN_CREATE) < 0) {
		close(a->exitfd);
		a->exitfd = -1;
	}
	a->f->watch[a->exit_watch].fd = a->exitfd;
}

/* something changed in the rundir: the stream loop looks at att_done() again */
static int
on_rundir(void *data, struct pod_err **err)
{
	struct att *a = data;
	char buf[4096];

	while (read(a->exitfd, buf, sizeof(buf)) > 0)
		;
	return 0;
}

static void
send_winsize(struct att *a)
{
	struct winsize ws;
	struct pod_err *e = NULL;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0)
		return;
	if (pod_monitor_resize(a->rundir, ws.ws_row, ws.ws_col, &e) < 0)
		pod_err_free(&e);
}

static int
on_signal(void *data, struct pod_err **err)
{
	struct att *a = data;
	struct signalfd_siginfo si;

	while (read(a->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGWINCH) {
			send_winsize(a);
			continue;
		}
		if (a->o->sig_proxy && a->c->pid > 0 && pod_ctr_process_alive(a->c))
			(void) kill(a->c->pid, (int) si.ssi_signo);
	}
	return 0;
}

int
pod_ctr_attach(struct pod_engine *e, struct pod_ctr *c, int attach_fd,
	       const struct pod_attach_opts *o, int64_t log_offset, struct pod_err **err)
{
	cleanup_free char *logpath = pod_ctr_log_path(e, c);
	const char *driver = pod_ctr_setting_str(c, "LogDriver");
	struct att a = { .e = e, .c = c, .o = o, .sock = attach_fd, .sigfd = -1, .exitfd = -1 };
	struct pod_log_opts lo = { .tail = -1, .out_fd = STDOUT_FILENO, .err_fd = STDERR_FILENO };
	struct ctr_log_follow f = { .done = att_done, .data = &a };
	struct termios saved;
	bool raw = false;
	sigset_t mask, oldmask;
	int rc;

	/* a fresh attach (`podman attach`); start's own attach is its event */
	if (attach_fd < 0)
		pod_ctr_event(e, c, "attach", 0);

	a.rundir = pod_ctr_rundir(e, c->id);
	a.from_socket = driver && *driver && !STREQ(driver, "k8s-file");
	if (pod_ctr_parse_detach_keys(o->detach_keys ? o->detach_keys : "ctrl-p,ctrl-q",
				      a.keys, &a.n_keys, err) < 0)
		goto fail;
	if (a.sock < 0) {
		a.sock = pod_monitor_attach_connect(a.rundir, err);
		if (a.sock < 0)
			goto fail;
	}
	if (!o->stdout_on)
		lo.out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (!o->stderr_on)
		lo.err_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	sigemptyset(&mask);
	if (o->tty)
		sigaddset(&mask, SIGWINCH);
	if (o->sig_proxy && !o->tty) {
		static const int fwd[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
		for (size_t i = 0; i < ARRAY_SIZE(fwd); i++)
			sigaddset(&mask, fwd[i]);
	}
	sigprocmask(SIG_BLOCK, &mask, &oldmask);
	a.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

	if (o->tty && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		struct termios t = saved;
		/* output too: the container's pty already turned LF into CR LF */
		cfmakeraw(&t);
		if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
			raw = true;
		send_winsize(&a);
	}
	f.watch[f.n_watch++] = (struct ctr_log_watch){ .fd = a.sigfd, .cb = on_signal };
	a.f = &f;
	a.exit_watch = f.n_watch;
	f.watch[f.n_watch++] = (struct ctr_log_watch){ .fd = -1, .cb = on_rundir };
	a.sock_watch = f.n_watch;
	f.watch[f.n_watch++] = (struct ctr_log_watch){ .fd = a.sock, .cb = on_socket };
	/* every chunk the monitor logs it also sends us, after writing it to the log */
	f.watch_wakes = true;
	a.stdin_watch = f.n_watch;
	if (o->stdin_open)
		f.watch[f.n_watch++] = (struct ctr_log_watch){ .fd = STDIN_FILENO, .cb = on_stdin };
	rc = pod_ctr_log_stream(a.from_socket ? NULL : logpath, log_offset, &lo, &f, err);
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	if (a.sigfd >= 0)
		close(a.sigfd);
	if (a.exitfd >= 0)
		close(a.exitfd);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	if (a.sock >= 0)
		close(a.sock);
	if (!o->stdout_on && lo.out_fd >= 0)
		close(lo.out_fd);
	if (!o->stderr_on && lo.err_fd >= 0)
		close(lo.err_fd);
	free(a.rundir);
	return rc;
fail:
	if (a.sock >= 0 && a.sock != attach_fd)
		close(a.sock);
	free(a.rundir);
	return -1;
}
