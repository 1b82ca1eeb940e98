/* lock.c - flock helpers */
#include "core/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

int
pod_lock_open(const char *path, bool exclusive, bool wait, struct pod_err **err)
{
	cleanup_close int fd = -1;
	int op = (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB);

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return pod_err_sys(err, "opening lock file %s", path);
	while (flock(fd, op) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK)
			return pod_err_set(err, POD_E_INUSE, EWOULDBLOCK, "locking %s: %s", path,
					   pod_strerror(EWOULDBLOCK));
		return pod_err_sys(err, "locking %s", path);
	}
	return TAKE_FD(fd);
}

void
pod_lock_release(int fd)
{
	int saved = errno;

	if (fd >= 0) {
		(void) flock(fd, LOCK_UN);
		close(fd);
	}
	errno = saved;
}

void
pod_lock_releasep(int *fd)
{
	pod_lock_release(*fd);
	*fd = -1;
}
