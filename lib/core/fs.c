/* fs.c - atomic writes, bounded reads, mkdir -p, rm -rf, confined paths */
#include "core/fs.h"
#include "core/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t) n;
	}
	return 0;
}

static char *
dir_of(const char *path)
{
	cleanup_free char *copy = xstrdup(path);

	return xstrdup(dirname(copy));
}

static int
write_file_renamed(const char *path, const void *data, size_t len, mode_t mode, bool sync,
		   struct pod_err **err)
{
	cleanup_free char *dir = dir_of(path);
	cleanup_free char *base = NULL;
	cleanup_free char *tmp = NULL;
	cleanup_close int fd = -1;
	cleanup_close int dfd = -1;
	const char *slash = strrchr(path, '/');

	base = xstrdup(slash ? slash + 1 : path);
	tmp = xasprintf("%s/.%s.XXXXXX", dir, base);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return pod_err_sys(err, "creating temporary file for %s", path);
	if (write_all(fd, data, len) < 0) {
		pod_err_sys(err, "writing %s", tmp);
		goto fail;
	}
	if (fchmod(fd, mode) < 0) {
		pod_err_sys(err, "setting mode of %s", tmp);
		goto fail;
	}
	if (sync && fsync(fd) < 0) {
		pod_err_sys(err, "syncing %s", tmp);
		goto fail;
	}
	if (rename(tmp, path) < 0) {
		pod_err_sys(err, "renaming %s to %s", tmp, path);
		goto fail;
	}
	if (!sync)
		return 0;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0)
		return pod_err_sys(err, "syncing directory %s", dir);
	return 0;
fail:
	(void) unlink(tmp);
	return -1;
}

int
pod_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      struct pod_err **err)
{
	return write_file_renamed(path, data, len, mode, true, err);
}

int
pod_write_file_replace(const char *path, const void *data, size_t len, mode_t mode,
		       struct pod_err **err)
{
	return write_file_renamed(path, data, len, mode, false, err);
}

int
pod_read_file(const char *path, char **ret, size_t *ret_len, size_t max, struct pod_err **err)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;
	cleanup_close int fd = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return pod_err_sys(err, "opening %s", path);
	for (;;) {
		ssize_t n;

		pod_strbuf_grow(&sb, 8192);
		n = read(fd, sb.buf + sb.len, sb.alloc - sb.len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pod_err_sys(err, "reading %s", path);
		}
		if (n == 0)
			break;
		if ((size_t) n > max - sb.len) {
			errno = EFBIG;
			return pod_err_sys(err, "reading %s", path);
		}
		sb.len += (size_t) n;
		sb.buf[sb.len] = '\0';
	}
	if (ret_len)
		*ret_len = sb.len;
	*ret = pod_strbuf_detach(&sb);
	return 0;
}

static int
mkdir_one(const char *path, mode_t mode, struct pod_err **err)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return pod_err_sys(err, "creating directory %s", path);
	if (stat(path, &st) < 0)
		return pod_err_sys(err, "creating directory %s", path);
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return pod_err_sys(err, "creating directory %s", path);
	}
	return 0;
}

int
pod_mkdtemp(const char *dir, const char *fallback, const char *prefix, char **ret,
	    struct pod_err **err)
{
	char *tmpl;

	if (!dir || !*dir)
		dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = fallback;
	tmpl = xasprintf("%s/%s-XXXXXX", dir, prefix);
	if (!mkdtemp(tmpl)) {
		free(tmpl);
		return pod_err_sys(err, "creating a temporary directory in %s", dir);
	}
	*ret = tmpl;
	return 0;
}

char *
pod_self_dir(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	self[n] = '\0';
	slash = strrchr(self, '/');
	return slash ? xstrndup(self, (size_t) (slash - self)) : NULL;
}

char *
pod_self_tool(const char *name)
{
	cleanup_free char *dir = pod_self_dir();
	char *p;

	if (!dir)
		return NULL;
	p = pod_path_join(dir, name);
	if (access(p, X_OK) == 0)
		return p;
	free(p);
	return NULL;
}

int
pod_mkdir_p(const char *path, mode_t mode, struct pod_err **err)
{
	cleanup_free char *copy = NULL;
	struct stat st;
	char *p;

	if (!*path) {
		errno = ENOENT;
		return pod_err_sys(err, "creating directory \"\"");
	}
	/* the usual case, an existing directory: one stat, not two calls per component */
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	copy = xstrdup(path);
	for (p = copy + 1; *p; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		if (mkdir_one(copy, mode, err) < 0)
			return -1;
		*p = '/';
	}
	return mkdir_one(copy, mode, err);
}

/* a directory that is the root of a mount, or on another device than dev */
static bool
is_mount_point(int dirfd, const char *name, dev_t dev, const struct stat *st)
{
	struct statx stx;

	if (st->st_dev != dev)
		return true;
	if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_TYPE, &stx) == 0 &&
	    (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	    (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return true;
	return false;
}

static int
rm_children(int dfd, const char *path, dev_t dev, struct pod_err **err)
{
	DIR *d;
	struct dirent *de;
	int fd2 = dup(dfd);
	int rc = 0;

	if (fd2 < 0)
		return pod_err_sys(err, "removing %s", path);
	d = fdopendir(fd2);
	if (!d) {
		close(fd2);
		return pod_err_sys(err, "removing %s", path);
	}
	while (rc == 0) {
		struct stat st;
		cleanup_free char *child = NULL;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				rc = pod_err_sys(err, "reading directory %s", path);
			break;
		}
		if (STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
			continue;
		child = pod_path_join(path, de->d_name);
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue;
			rc = pod_err_sys(err, "removing %s", child);
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			cleanup_close int cfd = -1;

			if (is_mount_point(dfd, de->d_name, dev, &st)) {
				rc = pod_err_set(err, POD_E_INUSE, EBUSY,
						 "removing %s: %s is a mount point", path, child);
				break;
			}
			cfd = openat(dfd, de->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd < 0) {
				rc = pod_err_sys(err, "removing %s", child);
				break;
			}
			rc = rm_children(cfd, child, dev, err);
			if (rc == 0 && unlinkat(dfd, de->d_name, AT_REMOVEDIR) < 0 &&
			    errno != ENOENT)
				rc = pod_err_sys(err, "removing %s", child);
		} else if (unlinkat(dfd, de->d_name, 0) < 0 && errno != ENOENT) {
			rc = pod_err_sys(err, "removing %s", child);
		}
	}
	closedir(d);
	return rc;
}

int
pod_rm_rf(const char *path, struct pod_err **err)
{
	cleanup_free char *parent = dir_of(path);
	cleanup_close int pfd = -1;
	cleanup_close int fd = -1;
	struct stat st, pst;
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return pod_err_sys(err, "removing %s", path);
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0 && errno != ENOENT)
			return pod_err_sys(err, "removing %s", path);
		return 0;
	}
	pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0 || fstat(pfd, &pst) < 0)
		return pod_err_sys(err, "removing %s", path);
	if (*base && !STREQ(base, ".") && !STREQ(base, "..") &&
	    is_mount_point(pfd, base, pst.st_dev, &st))
		return pod_err_set(err, POD_E_INUSE, EBUSY, "removing %s: it is a mount point",
				   path);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return pod_err_sys(err, "removing %s", path);
	}
	if (rm_children(fd, path, st.st_dev, err) < 0)
		return -1;
	if (rmdir(path) < 0 && errno != ENOENT)
		return pod_err_sys(err, "removing %s", path);
	return 0;
}

char *
pod_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (la == 1 && a[0] == '/')
		return xasprintf("/%s", b);
	if (!*b)
		return xstrndup(a, la);
	return xasprintf("%.*s/%s", (int) la, a, b);
}

int
pod_path_join_in_root(const char *root, const char *rel, char **ret, struct pod_err **err)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;
	const char *p = rel;

	/* sb holds the normalised relative path, components joined by '/' */
	while (*p) {
		const char *end = strchrnul(p, '/');
		size_t n = (size_t) (end - p);

		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* empty or "." component */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *last;

			if (sb.len == 0)
				return pod_err_set(err, POD_E_INVALID, 0,
						   "path \"%s\" is outside of \"%s\"", rel, root);
			last = memrchr(sb.buf, '/', sb.len);
			pod_strbuf_truncate(&sb, last ? (size_t) (last - sb.buf) : 0);
		} else {
			if (sb.len)
				pod_strbuf_addch(&sb, '/');
			pod_strbuf_add(&sb, p, n);
		}
		p = *end ? end + 1 : end;
	}
	*ret = pod_path_join(root, sb.buf);
	return 0;
}

int
pod_openat_in_root(int rootfd, const char *path, int flags, mode_t mode, struct pod_err **err)
{
	struct open_how how = {
		.flags = (uint64_t) (flags | O_CLOEXEC),
		.mode = (flags & (O_CREAT | __O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd, tries;

	if (!*path)
		path = ".";
	/* EAGAIN: a concurrent rename raced the lookup; the kernel asks for a retry */
	for (tries = 0; tries < 16; tries++) {
		fd = (int) syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != EAGAIN && errno != EINTR)
			break;
	}
	return pod_err_sys(err, "opening %s in container root", path);
}
