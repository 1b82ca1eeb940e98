/* monitor_log.c - the k8s-file container log (Podman's and CRI's line format) */
#include "runtime/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define LOG_MODE 0600
/* iovecs gathered before one writev(): 3 per line */
#define LOG_IOV 48

size_t
pod_monitor_timestamp(int64_t ns, char *buf, size_t size)
{
	time_t sec = (time_t) (ns / 1000000000);
	long nsec = (long) (ns % 1000000000);
	struct tm tm;
	long off;
	char sign = '+';
	int n;

	if (nsec < 0) {
		nsec += 1000000000;
		sec--;
	}
	if (!localtime_r(&sec, &tm))
		memset(&tm, 0, sizeof(tm));
	off = tm.tm_gmtoff;
	if (off < 0) {
		sign = '-';
		off = -off;
	}
	n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ld%c%02ld:%02ld",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     nsec, sign, off / 3600, (off % 3600) / 60);
	if (n < 0)
		return 0;
	return (size_t) n < size ? (size_t) n : size - 1;
}

static int
open_append(const char *path, int64_t *ret_size, struct pod_err **err)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, LOG_MODE);

	if (fd < 0)
		return pod_err_sys(err, "opening log file %s", path);
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return pod_err_sys(err, "stat %s", path);
	}
	*ret_size = st.st_size;
	return fd;
}

int
pod_monitor_log_open(struct pod_monitor_log *l, const char *path, int64_t size_max,
		     struct pod_err **err)
{
	int64_t size = 0;
	int fd = open_append(path, &size, err);

	if (fd < 0)
		return -1;
	l->fd = fd;
	l->path = xstrdup(path);
	l->size_max = size_max;
	l->size = size;
	return 0;
}

int
pod_monitor_log_reopen(struct pod_monitor_log *l, struct pod_err **err)
{
	int64_t size = 0;
	int fd = open_append(l->path, &size, err);

	if (fd < 0)
		return -1;
	if (l->fd >= 0)
		close(l->fd);
	l->fd = fd;
	l->size = size;
	return 0;
}

int
pod_monitor_log_truncate(struct pod_monitor_log *l, struct pod_err **err)
{
	cleanup_free char *tmp = xasprintf("%s.tmp", l->path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOCTTY, LOG_MODE);

	if (fd < 0)
		return pod_err_sys(err, "opening log file %s", tmp);
	if (rename(tmp, l->path) < 0) {
		int e = errno;
		close(fd);
		(void) unlink(tmp);
		errno = e;
		return pod_err_sys(err, "renaming %s to %s", tmp, l->path);
	}
	if (l->fd >= 0)
		close(l->fd);
	l->fd = fd;
	l->size = 0;
	return 0;
}

void
pod_monitor_log_close(struct pod_monitor_log *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	free(l->path);
	l->path = NULL;
}

static int
flush_iov(struct pod_monitor_log *l, struct iovec *iov, int *n, struct pod_err **err)
{
	struct iovec *v = iov;
	int cnt = *n;

	while (cnt > 0) {
		ssize_t w = writev(l->fd, v, cnt);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return pod_err_sys(err, "writing log file %s", l->path);
		}
		while (cnt > 0 && (size_t) w >= v->iov_len) {
			w -= (ssize_t) v->iov_len;
			v++;
			cnt--;
		}
		if (cnt > 0) {
			v->iov_base = (char *) v->iov_base + w;
			v->iov_len -= (size_t) w;
		}
	}
	*n = 0;
	return 0;
}

int
pod_monitor_log_write(struct pod_monitor_log *l, enum pod_monitor_stream stream,
		      const char *buf, size_t len, int64_t now_ns, struct pod_err **err)
{
	char prefix[64];
	struct iovec iov[LOG_IOV];
	int n = 0;
	size_t plen, off = 0;

	if (l->fd < 0 || len == 0)
		return 0;
	plen = pod_monitor_timestamp(now_ns, prefix, sizeof(prefix));
	plen += (size_t) snprintf(prefix + plen, sizeof(prefix) - plen, " %s ",
				  stream == POD_MONITOR_STDERR ? "stderr" : "stdout");
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		bool partial = nl == NULL;
		size_t seg = partial ? len - off : (size_t) (nl - (buf + off)) + 1;
		size_t line = plen + 2 + seg + (partial ? 1 : 0);

		if (l->size_max > 0 && l->size + (int64_t) line > l->size_max && l->size > 0) {
			if (flush_iov(l, iov, &n, err) < 0 || pod_monitor_log_truncate(l, err) < 0)
				return -1;
		}
		if (n + 3 > LOG_IOV && flush_iov(l, iov, &n, err) < 0)
			return -1;
		iov[n++] = (struct iovec){ prefix, plen };
		iov[n++] = (struct iovec){ (void *) (partial ? "P " : "F "), 2 };
		iov[n++] = (struct iovec){ (void *) (buf + off), seg };
		if (partial) {
			if (n + 1 > LOG_IOV && flush_iov(l, iov, &n, err) < 0)
				return -1;
			iov[n++] = (struct iovec){ (void *) "\n", 1 };
		}
		l->size += (int64_t) line;
		off += seg;
	}
	return flush_iov(l, iov, &n, err);
}
