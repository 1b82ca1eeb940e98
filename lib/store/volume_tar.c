/* volume_tar.c - volume export (tar of _data) and a confined import */
#include "core/strbuf.h"
#include "store/volume-internal.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

static int
ar_err(struct archive *a, struct pod_err **err, const char *what)
{
	const char *m = archive_error_string(a);

	return pod_err_set(err, POD_E_GENERIC, archive_errno(a), "%s: %s", what,
			   m ? m : "archive error");
}

/* ---- export ---- */

struct exp {
	struct archive *a;
	struct archive_entry_linkresolver *lr;
	struct pod_err **err;
};

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static char **
sorted_names(int fd)
{
	int dfd = dup(fd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	char **names = NULL;
	struct dirent *de;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return NULL;
	}
	rewinddir(d);
	names = xcalloc(1, sizeof(char *));
	while ((de = readdir(d)))
		if (!STREQ(de->d_name, ".") && !STREQ(de->d_name, ".."))
			names = pod_strv_push(names, xstrdup(de->d_name));
	closedir(d);
	qsort(names, pod_strv_len(names), sizeof(char *), name_cmp);
	return names;
}

static void
add_xattrs(struct archive_entry *e, int fd)
{
	ssize_t n = flistxattr(fd, NULL, 0);
	cleanup_free char *names = NULL;

	if (n <= 0)
		return;
	names = xmalloc((size_t) n);
	n = flistxattr(fd, names, (size_t) n);
	for (char *p = names; n > 0 && p < names + n; p += strlen(p) + 1) {
		ssize_t len = fgetxattr(fd, p, NULL, 0);
		cleanup_free char *val = NULL;

		if (len < 0)
			continue;
		val = xmalloc((size_t) len + 1);
		len = fgetxattr(fd, p, val, (size_t) len);
		if (len >= 0)
			archive_entry_xattr_add_entry(e, p, val, (size_t) len);
	}
}

static int
write_entry(struct exp *x, struct archive_entry *e, int fd, const char *path)
{
	char buf[65536];

	if (archive_write_header(x->a, e) != ARCHIVE_OK)
		return ar_err(x->a, x->err, path);
	if (fd < 0 || archive_entry_size(e) == 0)
		return 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pod_err_sys(x->err, "reading %s", path);
		}
		if (archive_write_data(x->a, buf, (size_t) n) != n)
			return ar_err(x->a, x->err, path);
	}
}

static int
export_dir(struct exp *x, int dirfd, const char *rel)
{
	cleanup_strv char **names = sorted_names(dirfd);

	if (!names)
		return pod_err_sys(x->err, "reading directory %s", rel[0] ? rel : ".");
	for (size_t i = 0; names[i]; i++) {
		cleanup_free char *path = rel[0] ? xasprintf("%s/%s", rel, names[i])
						 : xstrdup(names[i]);
		cleanup_close int fd = -1;
		struct archive_entry *e = NULL, *sparse = NULL;
		struct stat st;
		int rc;

		if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			return pod_err_sys(x->err, "stat %s", path);
		if (S_ISSOCK(st.st_mode))
			continue;
		e = archive_entry_new();
		archive_entry_copy_stat(e, &st);
		if (S_ISDIR(st.st_mode)) {
			cleanup_free char *dname = xasprintf("%s/", path);
			archive_entry_copy_pathname(e, dname);
		} else {
			archive_entry_copy_pathname(e, path);
		}
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX + 1];
			ssize_t n = readlinkat(dirfd, names[i], target, sizeof(target) - 1);
			if (n < 0) {
				archive_entry_free(e);
				return pod_err_sys(x->err, "reading link %s", path);
			}
			target[n] = '\0';
			archive_entry_copy_symlink(e, target);
		} else if (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) {
			fd = openat(dirfd, names[i],
				    O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
					    (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
			if (fd < 0) {
				archive_entry_free(e);
				return pod_err_sys(x->err, "opening %s", path);
			}
			add_xattrs(e, fd);
		}
		if (!S_ISDIR(st.st_mode))
			archive_entry_linkify(x->lr, &e, &sparse);
		/* a later hard link to an earlier file carries no data */
		rc = e ? write_entry(x, e, archive_entry_size(e) ? fd : -1, path) : 0;
		archive_entry_free(e);
		archive_entry_free(sparse);
		if (rc < 0)
			return -1;
		if (S_ISDIR(st.st_mode) && export_dir(x, fd, path) < 0)
			return -1;
	}
	return 0;
}

int
pod_volume_export(struct pod_store *s, const struct pod_volume *v, int fd,
		  struct pod_err **err)
{
	cleanup_close int dir = open(v->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct exp x = { .err = err };
	int rc = -1;

	(void) s;
	if (dir < 0)
		return pod_err_sys(err, "opening volume %s", v->mountpoint);
	x.a = archive_write_new();
	x.lr = archive_entry_linkresolver_new();
	archive_write_set_format_pax_restricted(x.a);
	archive_entry_linkresolver_set_strategy(x.lr, archive_format(x.a));
	archive_write_set_bytes_in_last_block(x.a, 1);
	if (archive_write_open_fd(x.a, fd) != ARCHIVE_OK) {
		ar_err(x.a, err, "writing archive");
		goto out;
	}
	if (export_dir(&x, dir, "") < 0)
		goto out;
	if (archive_write_close(x.a) != ARCHIVE_OK) {
		ar_err(x.a, err, "writing archive");
		goto out;
	}
	rc = 0;
out:
	archive_entry_linkresolver_free(x.lr);
	archive_write_free(x.a);
	return rc;
}

/* ---- import ---- */

/*
 * A path from the archive as components below the volume: "." and empty
 * components drop, a leading "/" is the volume's root, and ".." anywhere
 * is refused (Podman refuses entries that would leave the target).
 */
static int
clean_path(const char *in, char ***ret, struct pod_err **err)
{
	cleanup_free char *copy = xstrdup(in);
	cleanup_strv char **parts = xcalloc(1, sizeof(char *));
	char *save = NULL;

	for (char *w = strtok_r(copy, "/", &save); w; w = strtok_r(NULL, "/", &save)) {
		if (STREQ(w, "."))
			continue;
		if (STREQ(w, ".."))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "archive entry \"%s\" would be written outside the "
					   "volume: invalid argument",
					   in);
		parts = pod_strv_push(parts, xstrdup(w));
	}
	*ret = TAKE_PTR(parts);
	return 0;
}

/*
 * Opens the directory holding the last component, walking real
 * directories only (O_NOFOLLOW on every step, so a symlink planted by an
 * earlier entry cannot redirect a later one) and creating missing ones.
 */
static int
open_parent(int root, char **parts, bool create, const char *what, struct pod_err **err)
{
	int fd = dup(root);
	size_t n = pod_strv_len(parts);

	if (fd < 0)
		return pod_err_sys(err, "dup");
	for (size_t i = 0; i + 1 < n; i++) {
		int next;

		if (create && mkdirat(fd, parts[i], 0755) < 0 && errno != EEXIST) {
			pod_err_sys(err, "archive entry \"%s\": creating %s", what, parts[i]);
			close(fd);
			return -1;
		}
		next = openat(fd, parts[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			int e = errno;
			close(fd);
			if (e == ELOOP || e == ENOTDIR)
				return pod_err_set(err, POD_E_INVALID, e,
						   "archive entry \"%s\" would be written through "
						   "a symbolic link or a non-directory: invalid "
						   "argument",
						   what);
			errno = e;
			return pod_err_sys(err, "archive entry \"%s\": opening %s", what,
					   parts[i]);
		}
		close(fd);
		fd = next;
	}
	return fd;
}

struct dirmeta {
	char **parts;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	struct timespec mtime;
};

static int
set_xattrs(int fd, struct archive_entry *e)
{
	const char *name;
	const void *val;
	size_t len;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &val, &len) == ARCHIVE_OK)
		if (fsetxattr(fd, name, val, len, 0) < 0 && errno != ENOTSUP && errno != EPERM)
			return -1;
	return 0;
}

static int
write_file(struct archive *a, int dir, const char *base, struct archive_entry *e,
	   const char *what, struct pod_err **err)
{
	cleanup_close int fd = -1;
	struct timespec ts[2] = { { 0, UTIME_OMIT },
				  { archive_entry_mtime(e), archive_entry_mtime_nsec(e) } };
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;

	fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return pod_err_sys(err, "creating %s", what);
	while ((r = archive_read_data_block(a, &buf, &size, &off)) == ARCHIVE_OK) {
		if (lseek(fd, off, SEEK_SET) < 0)
			return pod_err_sys(err, "writing %s", what);
		for (size_t done = 0; done < size;) {
			ssize_t w = write(fd, (const char *) buf + done, size - done);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return pod_err_sys(err, "writing %s", what);
			}
			done += (size_t) w;
		}
	}
	if (r != ARCHIVE_EOF)
		return ar_err(a, err, what);
	if (ftruncate(fd, archive_entry_size(e)) < 0 ||
	    fchown(fd, archive_entry_uid(e), archive_entry_gid(e)) < 0 ||
	    fchmod(fd, archive_entry_perm(e)) < 0 || set_xattrs(fd, e) < 0 ||
	    futimens(fd, ts) < 0)
		return pod_err_sys(err, "setting attributes of %s", what);
	return 0;
}

/* make room for a new entry: a non-directory in the way goes */
static int
clear_slot(int dir, const char *base, bool want_dir, const char *what, struct pod_err **err)
{
	struct stat st;

	if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : pod_err_sys(err, "stat %s", what);
	if (S_ISDIR(st.st_mode)) {
		if (want_dir)
			return 0;
		if (unlinkat(dir, base, AT_REMOVEDIR) < 0)
			return pod_err_sys(err, "replacing %s", what);
		return 0;
	}
	if (unlinkat(dir, base, 0) < 0)
		return pod_err_sys(err, "replacing %s", what);
	return 0;
}

static int
import_entry(struct archive *a, int root, struct archive_entry *e, struct dirmeta **dirs,
	     size_t *ndirs, struct pod_err **err)
{
	const char *what = archive_entry_pathname(e);
	cleanup_strv char **parts = NULL;
	cleanup_close int dir = -1;
	const char *base;
	mode_t type = archive_entry_filetype(e);
	const char *hl = archive_entry_hardlink(e);
	struct timespec ts[2] = { { 0, UTIME_OMIT },
				  { archive_entry_mtime(e), archive_entry_mtime_nsec(e) } };

	if (!what)
		return pod_err_set(err, POD_E_INVALID, 0, "archive entry without a name");
	if (clean_path(what, &parts, err) < 0)
		return -1;
	if (!parts[0]) {
		/* the volume's root itself: only its attributes */
		if (type == AE_IFDIR) {
			*dirs = xrealloc(*dirs, (*ndirs + 1) * sizeof(**dirs));
			(*dirs)[(*ndirs)++] = (struct dirmeta) {
				TAKE_PTR(parts), archive_entry_perm(e), archive_entry_uid(e),
				archive_entry_gid(e), ts[1]
			};
		}
		return 0;
	}
	dir = open_parent(root, parts, true, what, err);
	if (dir < 0)
		return -1;
	base = parts[pod_strv_len(parts) - 1];
	if (hl) {
		cleanup_strv char **tparts = NULL;
		cleanup_close int tdir = -1;

		if (clean_path(hl, &tparts, err) < 0)
			return -1;
		if (!tparts[0])
			return pod_err_set(err, POD_E_INVALID, 0,
					   "archive entry \"%s\": invalid hard link target", what);
		tdir = open_parent(root, tparts, false, hl, err);
		if (tdir < 0)
			return -1;
		if (clear_slot(dir, base, false, what, err) < 0)
			return -1;
		if (linkat(tdir, tparts[pod_strv_len(tparts) - 1], dir, base, 0) < 0)
			return pod_err_sys(err, "archive entry \"%s\": linking to %s", what, hl);
		return 0;
	}
	if (clear_slot(dir, base, type == AE_IFDIR, what, err) < 0)
		return -1;
	switch (type) {
	case AE_IFDIR:
		if (mkdirat(dir, base, 0700) < 0 && errno != EEXIST)
			return pod_err_sys(err, "creating %s", what);
		/* attributes at the end, once nothing more is written inside */
		*dirs = xrealloc(*dirs, (*ndirs + 1) * sizeof(**dirs));
		(*dirs)[(*ndirs)++] = (struct dirmeta) { TAKE_PTR(parts), archive_entry_perm(e),
							 archive_entry_uid(e), archive_entry_gid(e),
							 ts[1] };
		return 0;
	case AE_IFREG:
		return write_file(a, dir, base, e, what, err);
	case AE_IFLNK:
		if (symlinkat(archive_entry_symlink(e) ? archive_entry_symlink(e) : "", dir,
			      base) < 0)
			return pod_err_sys(err, "creating link %s", what);
		if (fchownat(dir, base, archive_entry_uid(e), archive_entry_gid(e),
			     AT_SYMLINK_NOFOLLOW) < 0)
			return pod_err_sys(err, "chowning %s", what);
		(void) utimensat(dir, base, ts, AT_SYMLINK_NOFOLLOW);
		return 0;
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		if (mknodat(dir, base, type | archive_entry_perm(e), archive_entry_rdev(e)) < 0)
			return pod_err_sys(err, "creating %s", what);
		if (fchownat(dir, base, archive_entry_uid(e), archive_entry_gid(e),
			     AT_SYMLINK_NOFOLLOW) < 0 ||
		    fchmodat(dir, base, archive_entry_perm(e), 0) < 0)
			return pod_err_sys(err, "setting attributes of %s", what);
		(void) utimensat(dir, base, ts, AT_SYMLINK_NOFOLLOW);
		return 0;
	default:
		return pod_err_set(err, POD_E_INVALID, 0,
				   "archive entry \"%s\": unsupported file type", what);
	}
}

static int
apply_dir(int root, const struct dirmeta *d, struct pod_err **err)
{
	cleanup_close int parent = -1, fd = -1;
	struct timespec ts[2] = { { 0, UTIME_OMIT }, d->mtime };
	size_t n = pod_strv_len(d->parts);

	if (n == 0) {
		fd = dup(root);
	} else {
		parent = open_parent(root, d->parts, false, d->parts[n - 1], err);
		if (parent < 0)
			return -1;
		fd = openat(parent, d->parts[n - 1], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return pod_err_sys(err, "opening %s", n ? d->parts[n - 1] : ".");
	if (fchown(fd, d->uid, d->gid) < 0 || fchmod(fd, d->mode) < 0 || futimens(fd, ts) < 0)
		return pod_err_sys(err, "setting attributes of %s", n ? d->parts[n - 1] : ".");
	return 0;
}

int
pod_volume_import(struct pod_store *s, const struct pod_volume *v, int fd,
		  struct pod_err **err)
{
	cleanup_close int root = open(v->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct archive *a = NULL;
	struct archive_entry *e;
	struct dirmeta *dirs = NULL;
	size_t ndirs = 0;
	int rc = -1, r;

	(void) s;
	if (root < 0)
		return pod_err_sys(err, "opening volume %s", v->mountpoint);
	a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK) {
		ar_err(a, err, "reading archive");
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if (import_entry(a, root, e, &dirs, &ndirs, err) < 0)
			goto out;
	}
	if (r != ARCHIVE_EOF) {
		ar_err(a, err, "reading archive");
		goto out;
	}
	/* deepest first, so setting a parent's mtime is the last touch */
	for (size_t i = ndirs; i-- > 0;)
		if (apply_dir(root, &dirs[i], err) < 0)
			goto out;
	rc = 0;
out:
	for (size_t i = 0; i < ndirs; i++)
		pod_strv_free(dirs[i].parts);
	free(dirs);
	archive_read_free(a);
	return rc;
}
