/*
 * layerfs.c - filesystem helpers for layers: resolving inside a root,
 * removing trees without following symlinks, a set of paths.
 */
#include "image/layer-internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int
pod_image_open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t) (flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int tries = 0;

	if (!*path)
		path = ".";
	for (;;) {
		long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

		if (fd >= 0)
			return (int) fd;
		/* EAGAIN: a concurrent rename made the kernel give up; retry */
		if ((errno == EAGAIN || errno == EINTR) && ++tries < 32)
			continue;
		return -1;
	}
}

static uint64_t
str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (uint8_t) *s) * 1099511628211ull;
	return h;
}

bool
pod_pathset_has(const struct pod_pathset *s, const char *p)
{
	if (!s->cap)
		return false;
	for (size_t i = str_hash(p) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (!s->slot[i])
			return false;
		if (STREQ(s->slot[i], p))
			return true;
	}
}

static void
pathset_add1(struct pod_pathset *s, const char *p)
{
	size_t i;

	if (pod_pathset_has(s, p))
		return;
	if ((s->n + 1) * 2 > s->cap) {
		struct pod_pathset n = { .cap = s->cap ? s->cap * 2 : 64 };

		n.slot = xcalloc(n.cap, sizeof(char *));
		for (i = 0; i < s->cap; i++) {
			size_t j;

			if (!s->slot[i])
				continue;
			for (j = str_hash(s->slot[i]) & (n.cap - 1); n.slot[j]; j = (j + 1) & (n.cap - 1))
				;
			n.slot[j] = s->slot[i];
		}
		n.n = s->n;
		free(s->slot);
		*s = n;
	}
	for (i = str_hash(p) & (s->cap - 1); s->slot[i]; i = (i + 1) & (s->cap - 1))
		;
	s->slot[i] = xstrdup(p);
	s->n++;
}

/* the path and all its parents */
void
pod_pathset_add(struct pod_pathset *s, const char *p)
{
	cleanup_free char *c = xstrdup(p);
	char *slash;

	if (!*c)
		return;
	pathset_add1(s, c);
	while ((slash = strrchr(c, '/'))) {
		*slash = '\0';
		pathset_add1(s, c);
	}
}

void
pod_pathset_release(struct pod_pathset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

/* ---- removal without following symlinks ---- */

/* Empties the directory fd (taken). Walks down by name with O_NOFOLLOW and
 * back up through "..", so only two descriptors are open at any depth. */
static int
empty_dir(int fd, struct pod_err **err)
{
	size_t depth = 0;

	for (;;) {
		int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		bool descended = false;
		struct dirent *de;
		DIR *d;

		if (dfd < 0 || !(d = fdopendir(dfd))) {
			if (dfd >= 0)
				close(dfd);
			close(fd);
			return pod_err_sys(err, "reading directory");
		}
		rewinddir(d);
		while ((errno = 0, de = readdir(d))) {
			const char *n = de->d_name;
			bool isdir = de->d_type == DT_DIR;

			if (STREQ(n, ".") || STREQ(n, ".."))
				continue;
			if (de->d_type == DT_UNKNOWN) {
				struct stat st;

				if (fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) == 0)
					isdir = S_ISDIR(st.st_mode);
			}
			if (!isdir) {
				if (unlinkat(fd, n, 0) < 0 && errno != ENOENT)
					goto fail_name;
				continue;
			}
			if (unlinkat(fd, n, AT_REMOVEDIR) == 0 || errno == ENOENT)
				continue;
			if (errno != ENOTEMPTY && errno != EEXIST)
				goto fail_name;
			dfd = openat(fd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (dfd < 0)
				goto fail_name;
			close(fd);
			fd = dfd;
			depth++;
			descended = true;
			break;
		}
		if (!descended && errno) {
			pod_err_sys(err, "reading directory");
			closedir(d);
			close(fd);
			return -1;
		}
		closedir(d);
		if (descended)
			continue;
		if (depth == 0) {
			close(fd);
			return 0;
		}
		dfd = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		if (dfd < 0)
			return pod_err_sys(err, "removing directory tree");
		fd = dfd;
		depth--;
		continue;
fail_name:
		pod_err_sys(err, "removing \"%s\"", de->d_name);
		closedir(d);
		close(fd);
		return -1;
	}
}

int
pod_layer_remove_tree(int dirfd, const char *name, struct pod_err **err)
{
	struct stat st;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return pod_err_sys(err, "removing \"%s\"", name);
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
			return pod_err_sys(err, "removing \"%s\"", name);
		return 0;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pod_err_sys(err, "removing \"%s\"", name);
	if (empty_dir(fd, err) < 0)
		return pod_err_wrap(err, "removing \"%s\"", name);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return pod_err_sys(err, "removing \"%s\"", name);
	return 0;
}
