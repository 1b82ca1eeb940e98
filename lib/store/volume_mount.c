/* volume_mount.c - mounting volumes with a type/device, copy-up and chown on first use */
#include "core/fs.h"
#include "core/strbuf.h"
#include "store/volume-internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

/* ---- mount(8)-style option strings ---- */

struct mopt {
	const char *name;
	unsigned long flag;
	bool clear;
};

static const struct mopt mount_flags[] = {
	{ "defaults", 0, false },
	{ "ro", MS_RDONLY, false },
	{ "rw", MS_RDONLY, true },
	{ "nosuid", MS_NOSUID, false },
	{ "suid", MS_NOSUID, true },
	{ "nodev", MS_NODEV, false },
	{ "dev", MS_NODEV, true },
	{ "noexec", MS_NOEXEC, false },
	{ "exec", MS_NOEXEC, true },
	{ "sync", MS_SYNCHRONOUS, false },
	{ "async", MS_SYNCHRONOUS, true },
	{ "dirsync", MS_DIRSYNC, false },
	{ "mand", MS_MANDLOCK, false },
	{ "nomand", MS_MANDLOCK, true },
	{ "noatime", MS_NOATIME, false },
	{ "atime", MS_NOATIME, true },
	{ "nodiratime", MS_NODIRATIME, false },
	{ "diratime", MS_NODIRATIME, true },
	{ "relatime", MS_RELATIME, false },
	{ "norelatime", MS_RELATIME, true },
	{ "strictatime", MS_STRICTATIME, false },
	{ "nostrictatime", MS_STRICTATIME, true },
	{ "lazytime", MS_LAZYTIME, false },
	{ "nolazytime", MS_LAZYTIME, true },
	{ "silent", MS_SILENT, false },
	{ "loud", MS_SILENT, true },
	{ "bind", MS_BIND, false },
	{ "rbind", MS_BIND | MS_REC, false },
};

/* options mount(8) itself consumes; the kernel never sees them */
static const char *const userspace_only[] = { "auto", "noauto", "nofail", "user", "nouser",
					      "users", "owner", "group", "_netdev", NULL };

static const char *const propagation[] = { "shared",  "rshared", "private", "rprivate",
					   "slave",   "rslave",	 "unbindable", "runbindable",
					   NULL };

int
pod_volume_parse_mount_options(const char *o, unsigned long *ret_flags, char **ret_data,
			       struct pod_err **err)
{
	cleanup_strbuf struct pod_strbuf data = POD_STRBUF_INIT;
	cleanup_free char *copy = xstrdup(o ? o : "");
	unsigned long flags = 0;
	char *save = NULL;

	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		bool done = false;

		for (size_t i = 0; i < ARRAY_SIZE(mount_flags) && !done; i++) {
			if (!STREQ(w, mount_flags[i].name))
				continue;
			if (mount_flags[i].clear)
				flags &= ~mount_flags[i].flag;
			else
				flags |= mount_flags[i].flag;
			done = true;
		}
		if (done || pod_strv_contains((char *const *) userspace_only, w) ||
		    pod_str_has_prefix(w, "x-") || pod_str_has_prefix(w, "comment="))
			continue;
		if (pod_strv_contains((char *const *) propagation, w))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "mount propagation option %s is not supported for "
					   "volumes",
					   w);
		if (STREQ(w, "remount") || STREQ(w, "move"))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "mount option %s is not supported for volumes", w);
		if (data.len)
			pod_strbuf_addch(&data, ',');
		pod_strbuf_adds(&data, w);
	}
	*ret_flags = flags;
	*ret_data = pod_strbuf_detach(&data);
	return 0;
}

/* ---- is it mounted ---- */

int
pod_volume_is_mounted(const char *path)
{
	struct statx stx;
	struct stat self, parent;
	cleanup_free char *up = NULL;

	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) == 0 &&
	    (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) ? 1 : 0;
	up = pod_path_join(path, "..");
	if (lstat(path, &self) < 0 || lstat(up, &parent) < 0)
		return -1;
	return self.st_dev != parent.st_dev || self.st_ino == parent.st_ino;
}

bool
pod_volume_needs_mount(const struct pod_volume *v)
{
	const char *type = json_string_value(json_object_get(v->options, "type"));
	const char *dev = json_string_value(json_object_get(v->options, "device"));

	return (type && *type) || (dev && *dev);
}

static int
read_count(struct pod_store *s, const char *name, int64_t *ret, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st =
		pod_store_prepare(s, "SELECT mount_count FROM volumes WHERE name = ?1", err);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return pod_err_set(err, POD_E_NOTFOUND, 0,
				   "no volume with name \"%s\" found: no such volume", name);
	if (rc != SQLITE_ROW)
		return pod_store_sqlite_err(s, err, "reading volume %s", name);
	*ret = sqlite3_column_int64(st, 0);
	return 0;
}

static int
write_count(struct pod_store *s, const char *name, int64_t n, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st =
		pod_store_prepare(s, "UPDATE volumes SET mount_count = ?2 WHERE name = ?1", err);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, n);
	if (sqlite3_step(st) != SQLITE_DONE)
		return pod_store_sqlite_err(s, err, "updating volume %s", name);
	return 0;
}

static int
do_mount(const struct pod_volume *v, struct pod_err **err)
{
	const char *type = json_string_value(json_object_get(v->options, "type"));
	const char *dev = json_string_value(json_object_get(v->options, "device"));
	const char *o = json_string_value(json_object_get(v->options, "o"));
	cleanup_free char *data = NULL;
	unsigned long flags = 0;
	bool bind;

	if (type && !*type)
		type = NULL;
	if (!dev || !*dev)
		dev = type;
	if (pod_volume_parse_mount_options(o, &flags, &data, err) < 0)
		return pod_err_wrap(err, "mounting volume %s", v->name);
	bind = (type && STREQ(type, "bind")) || (flags & MS_BIND);
	if (bind) {
		flags |= MS_BIND;
		type = NULL;
	}
	if (!dev)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "mounting volume %s: no device or type given", v->name);
	if (mount(dev, v->mountpoint, type, flags, *data && !bind ? data : NULL) < 0)
		return pod_err_sys(err, "mounting volume %s: mount %s on %s", v->name, dev,
				   v->mountpoint);
	/* a bind mount takes its flags from a second, remounting call */
	if (bind && (flags & ~(MS_BIND | MS_REC)) &&
	    mount(NULL, v->mountpoint, NULL, flags | MS_REMOUNT, NULL) < 0) {
		int e = errno;
		(void) umount2(v->mountpoint, MNT_DETACH);
		errno = e;
		return pod_err_sys(err, "mounting volume %s: remounting %s", v->name,
				   v->mountpoint);
	}
	return 0;
}

int
pod_volume_mount(struct pod_store *s, struct pod_volume *v, char **ret_path,
		 struct pod_err **err)
{
	int64_t count = 0;
	bool own, mounted_now = false;
	int m;

	if (!pod_volume_needs_mount(v)) {
		if (ret_path)
			*ret_path = xstrdup(v->mountpoint);
		return 0;
	}
	if (pod_volume_tx_begin(s, &own, err) < 0)
		return -1;
	if (read_count(s, v->name, &count, err) < 0)
		return pod_volume_tx_end(s, own, -1, err);
	m = pod_volume_is_mounted(v->mountpoint);
	if (m < 0) {
		pod_err_sys(err, "checking the mount of volume %s", v->name);
		return pod_volume_tx_end(s, own, -1, err);
	}
	if (!m) {
		/* a count without a mount is left from before a reboot */
		if (do_mount(v, err) < 0)
			return pod_volume_tx_end(s, own, -1, err);
		mounted_now = true;
		count = 0;
	}
	if (write_count(s, v->name, count + 1, err) < 0 ||
	    pod_volume_tx_end(s, own, 0, err) < 0) {
		if (own)
			pod_store_rollback(s);
		if (mounted_now)
			(void) umount2(v->mountpoint, MNT_DETACH);
		return -1;
	}
	v->mount_count = count + 1;
	if (ret_path)
		*ret_path = xstrdup(v->mountpoint);
	return 0;
}

int
pod_volume_unmount(struct pod_store *s, struct pod_volume *v, struct pod_err **err)
{
	int64_t count = 0;
	bool own;

	if (!pod_volume_needs_mount(v))
		return 0;
	if (pod_volume_tx_begin(s, &own, err) < 0)
		return -1;
	if (read_count(s, v->name, &count, err) < 0)
		return pod_volume_tx_end(s, own, -1, err);
	if (count <= 0) {
		v->mount_count = 0;
		return pod_volume_tx_end(s, own, 0, err);
	}
	if (count == 1 && pod_volume_is_mounted(v->mountpoint) == 1 &&
	    umount2(v->mountpoint, 0) < 0) {
		pod_err_sys(err, "unmounting volume %s", v->name);
		return pod_volume_tx_end(s, own, -1, err);
	}
	if (write_count(s, v->name, count - 1, err) < 0)
		return pod_volume_tx_end(s, own, -1, err);
	if (pod_volume_tx_end(s, own, 0, err) < 0)
		return -1;
	v->mount_count = count - 1;
	return 0;
}

int
pod_volume_chown(struct pod_store *s, struct pod_volume *v, uid_t uid, gid_t gid,
		 struct pod_err **err)
{
	if (!v->needs_chown)
		return 0;
	if (lchown(v->mountpoint, uid, gid) < 0)
		return pod_err_sys(err, "chowning volume %s to %u:%u", v->name, (unsigned) uid,
				   (unsigned) gid);
	v->needs_chown = false;
	return pod_volume_save_flags(s, v, err);
}

/* ---- copy-up ---- */

struct hardlink {
	dev_t dev;
	ino_t ino;
	char *path; /* relative to the destination root */
};

struct copy {
	int dst_root;
	struct hardlink *links;
	size_t nlinks;
	struct pod_err **err;
};

static int
copy_xattrs(int src, int dst, const char *what, struct pod_err **err)
{
	ssize_t n = flistxattr(src, NULL, 0);
	cleanup_free char *names = NULL;

	if (n < 0)
		return (errno == ENOTSUP || errno == ENODATA) ? 0
			: pod_err_sys(err, "listing xattrs of %s", what);
	if (n == 0)
		return 0;
	names = xmalloc((size_t) n);
	n = flistxattr(src, names, (size_t) n);
	if (n < 0)
		return pod_err_sys(err, "listing xattrs of %s", what);
	for (char *p = names; p < names + n; p += strlen(p) + 1) {
		ssize_t len = fgetxattr(src, p, NULL, 0);
		cleanup_free char *val = NULL;

		if (len < 0)
			continue;
		val = xmalloc((size_t) len + 1);
		len = fgetxattr(src, p, val, (size_t) len);
		if (len < 0)
			continue;
		if (fsetxattr(dst, p, val, (size_t) len, 0) < 0 && errno != ENOTSUP &&
		    errno != EPERM)
			return pod_err_sys(err, "setting xattr %s on %s", p, what);
	}
	return 0;
}

/* owner, then mode (chown clears set-id bits), xattrs, times */
static int
copy_meta(int src, int dst, const struct stat *st, const char *what, struct pod_err **err)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	if (fchown(dst, st->st_uid, st->st_gid) < 0)
		return pod_err_sys(err, "chowning %s", what);
	if (fchmod(dst, st->st_mode & 07777) < 0)
		return pod_err_sys(err, "chmoding %s", what);
	if (copy_xattrs(src, dst, what, err) < 0)
		return -1;
	if (futimens(dst, ts) < 0)
		return pod_err_sys(err, "setting times of %s", what);
	return 0;
}

static int
copy_data(int src, int dst, const char *what, struct pod_err **err)
{
	char buf[65536];

	for (;;) {
		ssize_t n = copy_file_range(src, NULL, dst, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
			return pod_err_sys(err, "copying %s", what);
		break;
	}
	for (;;) {
		ssize_t n = read(src, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pod_err_sys(err, "reading %s", what);
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(dst, buf + off, (size_t) (n - off));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return pod_err_sys(err, "writing %s", what);
			}
			off += w;
		}
	}
}

static int copy_dir(struct copy *c, int src, int dst, const char *rel);

static int
copy_entry(struct copy *c, int srcdir, int dstdir, const char *name, const char *rel)
{
	struct pod_err **err = c->err;
	cleanup_free char *path = rel[0] ? xasprintf("%s/%s", rel, name) : xstrdup(name);
	struct stat st;

	if (fstatat(srcdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return pod_err_sys(err, "stat %s", path);
	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
		for (size_t i = 0; i < c->nlinks; i++) {
			if (c->links[i].dev != st.st_dev || c->links[i].ino != st.st_ino)
				continue;
			if (linkat(c->dst_root, c->links[i].path, dstdir, name, 0) < 0)
				return pod_err_sys(err, "linking %s", path);
			return 0;
		}
		c->links = xrealloc(c->links, (c->nlinks + 1) * sizeof(*c->links));
		c->links[c->nlinks++] = (struct hardlink) { st.st_dev, st.st_ino, xstrdup(path) };
	}
	if (S_ISDIR(st.st_mode)) {
		cleanup_close int s = -1, d = -1;

		if (mkdirat(dstdir, name, 0700) < 0 && errno != EEXIST)
			return pod_err_sys(err, "creating %s", path);
		s = openat(srcdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		d = openat(dstdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s < 0 || d < 0)
			return pod_err_sys(err, "opening %s", path);
		if (copy_dir(c, s, d, path) < 0)
			return -1;
		return copy_meta(s, d, &st, path, err);
	}
	if (S_ISREG(st.st_mode)) {
		cleanup_close int s = openat(srcdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		cleanup_close int d = -1;

		if (s < 0)
			return pod_err_sys(err, "opening %s", path);
		d = openat(dstdir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			   0600);
		if (d < 0)
			return pod_err_sys(err, "creating %s", path);
		if (copy_data(s, d, path, err) < 0)
			return -1;
		return copy_meta(s, d, &st, path, err);
	}
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX + 1];
		ssize_t n = readlinkat(srcdir, name, target, sizeof(target) - 1);
		struct timespec ts[2] = { st.st_atim, st.st_mtim };

		if (n < 0)
			return pod_err_sys(err, "reading link %s", path);
		target[n] = '\0';
		if (symlinkat(target, dstdir, name) < 0)
			return pod_err_sys(err, "creating link %s", path);
		if (fchownat(dstdir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
			return pod_err_sys(err, "chowning %s", path);
		(void) utimensat(dstdir, name, ts, AT_SYMLINK_NOFOLLOW);
		return 0;
	}
	/* devices, fifos, sockets */
	if (mknodat(dstdir, name, st.st_mode, st.st_rdev) < 0)
		return pod_err_sys(err, "creating %s", path);
	{
		struct timespec ts[2] = { st.st_atim, st.st_mtim };
		if (fchownat(dstdir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fchmodat(dstdir, name, st.st_mode & 07777, 0) < 0)
			return pod_err_sys(err, "setting owner and mode of %s", path);
		(void) utimensat(dstdir, name, ts, AT_SYMLINK_NOFOLLOW);
	}
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static int
copy_dir(struct copy *c, int src, int dst, const char *rel)
{
	int fd = dup(src);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	cleanup_strv char **names = NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return pod_err_sys(c->err, "reading directory %s", rel[0] ? rel : ".");
	}
	rewinddir(d);
	names = xcalloc(1, sizeof(char *));
	while ((de = readdir(d))) {
		if (STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
			continue;
		names = pod_strv_push(names, xstrdup(de->d_name));
	}
	closedir(d);
	qsort(names, pod_strv_len(names), sizeof(char *), name_cmp);
	for (size_t i = 0; names[i]; i++)
		if (copy_entry(c, src, dst, names[i], rel) < 0)
			return -1;
	return 0;
}

static int
dir_is_empty(int fd)
{
	int dfd = dup(fd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;
	int empty = 1;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	rewinddir(d);
	while ((de = readdir(d)))
		if (!STREQ(de->d_name, ".") && !STREQ(de->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

int
pod_volume_copy_up(struct pod_store *s, struct pod_volume *v, const char *rootfs_dir,
		   const char *path_in_image, struct pod_err **err)
{
	cleanup_close int root = -1, src = -1, dst = -1;
	struct copy c = { .dst_root = -1, .err = err };
	struct stat st;
	int rc = -1, empty;

	if (!v->needs_copy_up)
		return 0;
	/* Podman clears the flag first: only the first user ever copies */
	v->needs_copy_up = false;
	if (pod_volume_save_flags(s, v, err) < 0)
		return -1;
	root = open(rootfs_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return pod_err_sys(err, "opening rootfs %s", rootfs_dir);
	src = pod_openat_in_root(root, path_in_image, O_RDONLY | O_DIRECTORY, 0, err);
	if (src < 0) {
		struct pod_err *e = *err;
		/* nothing at that path in the image (or not a directory): nothing to copy */
		if (e && (e->errnum == ENOENT || e->errnum == ENOTDIR)) {
			pod_err_free(err);
			return 0;
		}
		return pod_err_wrap(err, "copying up into volume %s", v->name);
	}
	dst = open(v->mountpoint, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dst < 0)
		return pod_err_sys(err, "opening volume %s", v->mountpoint);
	empty = dir_is_empty(dst);
	if (empty < 0)
		return pod_err_sys(err, "reading volume %s", v->mountpoint);
	if (!empty)
		return 0;
	if (fstat(src, &st) < 0)
		return pod_err_sys(err, "stat %s", path_in_image);
	c.dst_root = dst;
	if (copy_dir(&c, src, dst, "") == 0 && copy_meta(src, dst, &st, path_in_image, err) == 0)
		rc = 0;
	for (size_t i = 0; i < c.nlinks; i++)
		free(c.links[i].path);
	free(c.links);
	if (rc < 0)
		return pod_err_wrap(err, "copying up into volume %s", v->name);
	/* the image decides the owner: no chown afterwards */
	if (v->needs_chown) {
		v->needs_chown = false;
		return pod_volume_save_flags(s, v, err);
	}
	return 0;
}
