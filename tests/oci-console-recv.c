/*
 * oci-console-recv - test helper: the receiving end of an OCI console socket.
 *
 * Usage: oci-console-recv SOCKET-PATH
 * Listens on SOCKET-PATH, accepts one connection, receives the pty master
 * with SCM_RIGHTS (runc's --console-socket protocol), prints
 * "pty: yes" when the fd is a terminal, then copies what the container
 * writes to the pty to stdout until the pty closes. Exit 0 on success,
 * 1 when no terminal fd arrived.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char data[256], buf[4096];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	int ls, cs, fd;
	ssize_t n;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: oci-console-recv SOCKET-PATH\n");
		return 2;
	}
	memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
	ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(ls, 1) < 0) {
		perror("listen");
		return 2;
	}
	cs = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	if (cs < 0) {
		perror("accept");
		return 2;
	}
	n = recvmsg(cs, &msg, MSG_CMSG_CLOEXEC);
	c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (!c || c->cmsg_type != SCM_RIGHTS) {
		fprintf(stderr, "no fd received\n");
		return 1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	printf("pty: %s\n", isatty(fd) ? "yes" : "no");
	fflush(stdout);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (write(STDOUT_FILENO, buf, (size_t) n) != n)
			return 2;
	}
	return isatty(fd) ? 0 : 1;
}
