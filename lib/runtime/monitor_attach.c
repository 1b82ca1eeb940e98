/* monitor_attach.c - the attach socket and ctl fifo of pod-monitor, and their client side */
#include "runtime/monitor_priv.h"
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* how long one slow client may hold up the output before it is dropped */
#define SEND_WAIT_MS 1000

int
pod_monitor_unix_addr(const char *dir, const char *name, struct sockaddr_un *sa,
		      int *ret_dirfd, struct pod_err **err)
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	*ret_dirfd = -1;
	n = snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/%s", dir, name);
	if (n >= 0 && (size_t) n < sizeof(sa->sun_path))
		return 0;
	int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return pod_err_sys(err, "opening %s", dir);
	n = snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", dfd, name);
	if (n < 0 || (size_t) n >= sizeof(sa->sun_path)) {
		close(dfd);
		return pod_err_set(err, POD_E_INVALID, ENAMETOOLONG, "socket name \"%s\" too long",
				   name);
	}
	*ret_dirfd = dfd;
	return 0;
}

int
pod_monitor_attach_open(struct pod_monitor_attach *a, const char *dir, struct pod_err **err)
{
	struct sockaddr_un sa;
	cleanup_close int dfd = -1;
	cleanup_close int fd = -1;

	a->attach_path = xasprintf("%s/attach", dir);
	a->ctl_path = xasprintf("%s/ctl", dir);
	if (pod_monitor_unix_addr(dir, "attach", &sa, &dfd, err) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return pod_err_sys(err, "creating the attach socket");
	if (unlink(a->attach_path) < 0 && errno != ENOENT)
		return pod_err_sys(err, "removing %s", a->attach_path);
	if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
		return pod_err_sys(err, "binding the attach socket %s", a->attach_path);
	if (listen(fd, 16) < 0)
		return pod_err_sys(err, "listening on %s", a->attach_path);
	if (unlink(a->ctl_path) < 0 && errno != ENOENT)
		return pod_err_sys(err, "removing %s", a->ctl_path);
	if (mkfifo(a->ctl_path, 0600) < 0)
		return pod_err_sys(err, "creating the ctl fifo %s", a->ctl_path);
	/* read-write: the fifo never reports EOF when a writer goes away */
	a->ctl_fd = open(a->ctl_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (a->ctl_fd < 0)
		return pod_err_sys(err, "opening %s", a->ctl_path);
	a->listen_fd = TAKE_FD(fd);
	return 0;
}

void
pod_monitor_attach_drop(struct pod_monitor_attach *a, size_t i)
{
	pod_debug("attach client %d gone", a->clients[i].fd);
	close(a->clients[i].fd);
	a->clients[i] = a->clients[--a->n_clients];
}

void
pod_monitor_attach_close(struct pod_monitor_attach *a)
{
	while (a->n_clients > 0)
		pod_monitor_attach_drop(a, a->n_clients - 1);
	free(a->clients);
	a->clients = NULL;
	if (a->listen_fd >= 0) {
		close(a->listen_fd);
		(void) unlink(a->attach_path);
	}
	if (a->ctl_fd >= 0) {
		close(a->ctl_fd);
		(void) unlink(a->ctl_path);
	}
	a->listen_fd = a->ctl_fd = -1;
	free(a->attach_path);
	free(a->ctl_path);
	a->attach_path = a->ctl_path = NULL;
}

void
pod_monitor_attach_accept(struct pod_monitor_attach *a)
{
	for (;;) {
		int fd = accept4(a->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				pod_warn("accepting an attach client: %s", pod_strerror(errno));
			return;
		}
		if (a->n_clients >= POD_MONITOR_MAX_CLIENTS) {
			pod_warn("too many attach clients (%d), refusing one",
				 POD_MONITOR_MAX_CLIENTS);
			close(fd);
			continue;
		}
		a->clients = xrealloc(a->clients, (a->n_clients + 1) * sizeof(*a->clients));
		a->clients[a->n_clients++] = (struct pod_monitor_client){ .fd = fd, .readable = true };
		pod_debug("attach client %d connected", fd);
	}
}

static bool
send_one(int fd, const char *msg, size_t len)
{
	for (int tries = 0; tries < 2; tries++) {
		ssize_t w = send(fd, msg, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w >= 0)
			return true;
		if (errno == EINTR) {
			tries--;
			continue;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return false;
		/* a full socket buffer: wait a little for this reader, then give up on it */
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		if (poll(&p, 1, SEND_WAIT_MS) <= 0)
			return false;
	}
	return false;
}

void
pod_monitor_attach_send(struct pod_monitor_attach *a, const char *msg, size_t len)
{
	for (size_t i = 0; i < a->n_clients;) {
		if (!send_one(a->clients[i].fd, msg, len)) {
			pod_monitor_attach_drop(a, i);
			continue;
		}
		i++;
	}
}

static bool
parse_int(const char **p, int *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(*p, &end, 10);
	if (end == *p || errno || v < 0 || v > 65535)
		return false;
	*ret = (int) v;
	*p = end;
	return true;
}

void
pod_monitor_ctl_read(struct pod_monitor_attach *a,
		     void (*cb)(void *data, int type, int x, int y), void *data)
{
	for (;;) {
		ssize_t n = read(a->ctl_fd, a->ctl_buf + a->ctl_len, sizeof(a->ctl_buf) - a->ctl_len);
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		a->ctl_len += (size_t) n;
		while ((nl = memchr(a->ctl_buf, '\n', a->ctl_len))) {
			const char *p = a->ctl_buf;
			int type, x, y;
			size_t used = (size_t) (nl - a->ctl_buf) + 1;

			*nl = '\0';
			if (parse_int(&p, &type) && parse_int(&p, &x) && parse_int(&p, &y) &&
			    (*p == '\0' || *p == '\r'))
				cb(data, type, x, y);
			else
				pod_warn("ignoring malformed ctl message \"%s\"", a->ctl_buf);
			memmove(a->ctl_buf, a->ctl_buf + used, a->ctl_len - used);
			a->ctl_len -= used;
		}
		if (a->ctl_len == sizeof(a->ctl_buf)) {
			pod_warn("ignoring an overlong ctl message");
			a->ctl_len = 0;
		}
	}
}

int
pod_monitor_attach_connect(const char *socket_dir, struct pod_err **err)
{
	struct sockaddr_un sa;
	cleanup_close int dfd = -1;
	cleanup_close int fd = -1;

	if (pod_monitor_unix_addr(socket_dir, "attach", &sa, &dfd, err) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return pod_err_sys(err, "creating a socket");
	if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
		return pod_err_sys(err, "connecting to %s/attach", socket_dir);
	return TAKE_FD(fd);
}

int
pod_monitor_resize(const char *socket_dir, unsigned height, unsigned width, struct pod_err **err)
{
	cleanup_free char *path = xasprintf("%s/ctl", socket_dir);
	cleanup_close int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	char line[64];
	int n;

	if (fd < 0)
		return pod_err_sys(err, "opening %s", path);
	if (height > 65535 || width > 65535)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid terminal size %ux%u", height,
				   width);
	n = snprintf(line, sizeof(line), "%d %u %u\n", POD_MONITOR_CTL_RESIZE, height, width);
	if (write(fd, line, (size_t) n) != n)
		return pod_err_sys(err, "writing to %s", path);
	return 0;
}
