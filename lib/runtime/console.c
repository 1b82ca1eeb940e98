/* console.c - the pty of a terminal container and runc's console socket */
#include "runtime/oci-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int
pod_rt_console_connect(const char *path, int *ret, struct pod_err **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	cleanup_close int fd = -1;

	if (strlen(path) >= sizeof(sa.sun_path))
		return pod_err_set(err, POD_E_INVALID, 0, "console socket path %s is too long", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return pod_err_sys(err, "creating a socket");
	if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
		return pod_err_sys(err, "connecting to the console socket %s", path);
	*ret = TAKE_FD(fd);
	return 0;
}

int
pod_rt_pty_open(unsigned rows, unsigned cols, int *ret_master, int *ret_slave, char **ret_name,
	     struct pod_err **err)
{
	cleanup_close int master = -1, slave = -1;
	char name[128];
	int unlock = 0, n = 0;

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return pod_err_sys(err, "opening /dev/ptmx");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return pod_err_sys(err, "unlocking the pty");
	if (ioctl(master, TIOCGPTN, &n) < 0)
		return pod_err_sys(err, "getting the pty number");
	snprintf(name, sizeof(name), "/dev/pts/%d", n);
	/* TIOCGPTPEER opens the peer of this very master, whatever /dev/pts is */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return pod_err_sys(err, "opening %s", name);
	if (rows && cols) {
		struct winsize ws = { .ws_row = (unsigned short) rows,
				      .ws_col = (unsigned short) cols };
		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return pod_err_sys(err, "setting the console size");
	}
	*ret_master = TAKE_FD(master);
	*ret_slave = TAKE_FD(slave);
	*ret_name = xstrdup(name);
	return 0;
}

int
pod_rt_console_send(int sock, int master, const char *name, struct pod_err **err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *) name, .iov_len = strlen(name) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;

	memset(u.buf, 0, sizeof(u.buf));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof(int));
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return pod_err_sys(err, "sending the pty master to the console socket");
	}
	return 0;
}

int
pod_rt_console_recv(int sock, int *ret_master, struct pod_err **err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char data[256];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return pod_err_sys(err, "receiving the pty master");
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return pod_err_set(err, POD_E_GENERIC, 0, "receiving the pty master: no fd in the "
					  "message");
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	*ret_master = fd;
	return 0;
}

int
pod_rt_console_become(int slave, struct pod_err **err)
{
	if (setsid() < 0)
		return pod_err_sys(err, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return pod_err_sys(err, "making the pty the controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return pod_err_sys(err, "dup2 the pty to fd %d", fd);
	return 0;
}

static bool
copy_some(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));
	ssize_t off = 0;

	if (n <= 0)
		return n < 0 && (errno == EINTR || errno == EAGAIN);
	while (off < n) {
		ssize_t w = write(to, buf + off, (size_t) (n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		off += w;
	}
	return true;
}

int
pod_rt_console_proxy(int master, pid_t pid, int *ret_status, struct pod_err **err)
{
	struct termios saved, raw;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	bool in_open = true, out_open = true;
	int status = 0;

	if (tty) {
		struct winsize ws;

		raw = saved;
		cfmakeraw(&raw);
		raw.c_oflag = saved.c_oflag; /* keep output processing of the outer tty */
		(void) tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
			(void) ioctl(master, TIOCSWINSZ, &ws);
	}
	while (out_open) {
		struct pollfd p[2] = { { .fd = master, .events = POLLIN },
				       { .fd = in_open ? STDIN_FILENO : -1, .events = POLLIN } };

		if (poll(p, 2, 200) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
			out_open = copy_some(master, STDOUT_FILENO);
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			in_open = copy_some(STDIN_FILENO, master);
			if (!in_open && !tty) {
				/* end of input: send the terminal's EOF character */
				char eof = 4;
				(void) !write(master, &eof, 1);
			}
		}
		if (!(p[0].revents & POLLIN) && waitpid(pid, &status, WNOHANG) == pid) {
			pid = 0;
			break;
		}
	}
	if (tty)
		(void) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR)
				return pod_err_sys(err, "waiting for process %d", (int) pid);
		}
	}
	*ret_status = status;
	return 0;
}
