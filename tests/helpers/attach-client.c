/*
 * attach-client - a test client for pod-monitor's attach socket.
 *
 *   attach-client [-i TEXT] [-e] [-u STRING] [-n N] [-t SECONDS] [-r FILE] SOCKET_DIR
 *
 * Connects to SOCKET_DIR/attach (SOCK_SEQPACKET), touches FILE (-r) once
 * connected, sends TEXT (-i) as the container's stdin, shuts down its
 * writing side (-e), then prints every message it receives as
 * "<stream digit>|<data>" until EOF, until the data received so far
 * contains STRING (-u), after N messages (-n), or until the timeout
 * (default 10 s; exit 2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
main(int argc, char **argv)
{
	const char *text = NULL, *until = NULL, *ready = NULL;
	int shut = 0, c, fd, dfd;
	long count = -1, timeout = 10, got = 0;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *seen = NULL;
	size_t seen_len = 0;
	long long deadline;

	while ((c = getopt(argc, argv, "i:eu:n:t:r:")) != -1) {
		switch (c) {
		case 'i': text = optarg; break;
		case 'e': shut = 1; break;
		case 'u': until = optarg; break;
		case 'n': count = strtol(optarg, NULL, 10); break;
		case 't': timeout = strtol(optarg, NULL, 10); break;
		case 'r': ready = optarg; break;
		default: return 64;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: attach-client [options] SOCKET_DIR\n");
		return 64;
	}
	dfd = open(argv[optind], O_PATH | O_DIRECTORY);
	if (dfd < 0) {
		perror(argv[optind]);
		return 1;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/attach", dfd);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
		perror("connect");
		return 1;
	}
	if (ready) {
		int r = open(ready, O_WRONLY | O_CREAT, 0644);
		if (r >= 0)
			close(r);
	}
	if (text && send(fd, text, strlen(text), MSG_NOSIGNAL) < 0) {
		perror("send");
		return 1;
	}
	if (shut)
		shutdown(fd, SHUT_WR);
	deadline = now_ms() + timeout * 1000;
	for (;;) {
		char buf[8193];
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0) {
			fprintf(stderr, "attach-client: timed out\n");
			return 2;
		}
		if (poll(&p, 1, (int) left) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("recv");
			return 1;
		}
		if (n == 0)
			break;
		printf("%d|%.*s", buf[0], (int) (n - 1), buf + 1);
		fflush(stdout);
		seen = realloc(seen, seen_len + (size_t) n);
		memcpy(seen + seen_len, buf + 1, (size_t) n - 1);
		seen_len += (size_t) n - 1;
		got++;
		if (until && memmem(seen, seen_len, until, strlen(until)))
			break;
		if (count >= 0 && got >= count)
			break;
	}
	free(seen);
	return 0;
}
