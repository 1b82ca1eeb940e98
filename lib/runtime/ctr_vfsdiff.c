/*
 * ctr_vfsdiff.c - the changes of a vfs container: its rootfs (a full copy)
 * compared with the merged view of its image's layers.
 *
 * The lower view is merged as overlayfs would: the top-most layer that has
 * a name wins, a whiteout (char 0/0) hides it, an opaque directory hides
 * the layers below it. Lookups never follow symlinks. An entry is 'C' when
 * its type, mode, owner, size, mtime, device or link target differ; a
 * directory whose children changed has a new mtime and so shows as 'C' too,
 * as in Podman.
 */
#include "runtime/ctr_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

struct vchange {
	char kind;
	char *path;
};

struct vwalk {
	int rootfd;
	const int *lowers;
	size_t n_lower;
	struct vchange *v;
	size_t n, alloc;
};

static void
vadd(struct vwalk *w, char kind, const char *rel)
{
	if (w->n == w->alloc) {
		w->alloc = w->alloc ? w->alloc * 2 : 64;
		w->v = xrealloc(w->v, w->alloc * sizeof(*w->v));
	}
	w->v[w->n].kind = kind;
	w->v[w->n].path = xasprintf("/%s", rel);
	w->n++;
}

static int
open_beneath(int dfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t) (flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	do
		fd = syscall(SYS_openat2, dfd, *path ? path : ".", &how, sizeof(how));
	while (fd < 0 && (errno == EINTR || errno == EAGAIN));
	return (int) fd;
}

static bool
whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static bool
opaque(int fd)
{
	char v[4];

	return (fgetxattr(fd, "trusted.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y') ||
	       (fgetxattr(fd, "user.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y');
}

static void
split(const char *rel, char **dir, const char **base)
{
	const char *slash = strrchr(rel, '/');

	*dir = slash ? xstrndup(rel, (size_t) (slash - rel)) : xstrdup("");
	*base = slash ? slash + 1 : rel;
}

/* the merged lower entry at rel; false when none. With ret_layer the index
 * of the layer that has it. */
static bool
lower_stat(const struct vwalk *w, const char *rel, struct stat *ret, size_t *ret_layer)
{
	cleanup_free char *dir = NULL;
	const char *base;

	split(rel, &dir, &base);
	for (size_t i = 0; i < w->n_lower; i++) {
		cleanup_close int pfd = open_beneath(w->lowers[i], dir, O_RDONLY | O_DIRECTORY);

		if (pfd < 0)
			continue;
		if (fstatat(pfd, base, ret, AT_SYMLINK_NOFOLLOW) == 0) {
			if (whiteout(ret))
				return false;
			if (ret_layer)
				*ret_layer = i;
			return true;
		}
		if (*dir && opaque(pfd))
			return false;
	}
	return false;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static char **
names_of(int fd, char **v)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;

	if (dfd < 0)
		return v;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return v;
	}
	while ((de = readdir(d)))
		if (!STREQ(de->d_name, ".") && !STREQ(de->d_name, "..") &&
		    !pod_strv_contains(v, de->d_name))
			v = pod_strv_push(v, xstrdup(de->d_name));
	closedir(d);
	return v;
}

static bool
link_differs(int rfd, const char *rel, const struct vwalk *w, size_t layer)
{
	cleanup_free char *dir = NULL;
	const char *base;
	char a[PATH_MAX], b[PATH_MAX];
	ssize_t na, nb;
	cleanup_close int pfd = -1;

	split(rel, &dir, &base);
	pfd = open_beneath(w->lowers[layer], dir, O_RDONLY | O_DIRECTORY);
	if (pfd < 0)
		return true;
	na = readlinkat(rfd, base, a, sizeof(a));
	nb = readlinkat(pfd, base, b, sizeof(b));
	return na < 0 || na != nb || memcmp(a, b, (size_t) na) != 0;
}

static bool
differs(const struct stat *r, const struct stat *l)
{
	if ((r->st_mode & S_IFMT) != (l->st_mode & S_IFMT) || r->st_mode != l->st_mode ||
	    r->st_uid != l->st_uid || r->st_gid != l->st_gid)
		return true;
	if (S_ISDIR(r->st_mode))
		return r->st_mtim.tv_sec != l->st_mtim.tv_sec ||
		       r->st_mtim.tv_nsec != l->st_mtim.tv_nsec;
	return r->st_size != l->st_size || r->st_rdev != l->st_rdev ||
	       r->st_mtim.tv_sec != l->st_mtim.tv_sec || r->st_mtim.tv_nsec != l->st_mtim.tv_nsec;
}

/* rel is a directory in the rootfs (fd rfd); added: nothing below exists in
 * the lowers */
static int
vwalk_dir(struct vwalk *w, int rfd, const char *rel, bool added, unsigned depth,
	  struct pod_err **err)
{
	cleanup_strv char **names = names_of(rfd, xcalloc(1, sizeof(char *)));

	if (depth > 4096)
		return pod_err_set(err, POD_E_INVALID, 0, "directory tree too deep at \"/%s\"", rel);
	if (!added) {
		for (size_t i = 0; i < w->n_lower; i++) {
			cleanup_close int fd = open_beneath(w->lowers[i], rel, O_RDONLY | O_DIRECTORY);

			if (fd < 0)
				continue;
			names = names_of(fd, names);
			if (opaque(fd))
				break;
		}
	}
	qsort(names, pod_strv_len(names), sizeof(char *), cmp_str);
	for (char **n = names; *n; n++) {
		cleanup_free char *path = *rel ? xasprintf("%s/%s", rel, *n) : xstrdup(*n);
		struct stat rs, ls;
		size_t layer = 0;
		bool in_r = fstatat(rfd, *n, &rs, AT_SYMLINK_NOFOLLOW) == 0;
		bool in_l = !added && lower_stat(w, path, &ls, &layer);
		bool child_added = added;

		if (!in_r && !in_l)
			continue;
		if (!in_r) {
			vadd(w, 'D', path);
			continue;
		}
		if (!in_l) {
			vadd(w, 'A', path);
			child_added = true;
		} else if (differs(&rs, &ls) ||
			   (S_ISLNK(rs.st_mode) && link_differs(rfd, path, w, layer))) {
			vadd(w, 'C', path);
			if (!S_ISDIR(ls.st_mode))
				child_added = true;
		}
		if (S_ISDIR(rs.st_mode)) {
			cleanup_close int cfd =
				openat(rfd, *n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (cfd < 0)
				return pod_err_sys(err, "opening \"/%s\"", path);
			if (vwalk_dir(w, cfd, path, child_added, depth + 1, err) < 0)
				return -1;
		}
	}
	return 0;
}

static int
cmp_vchange(const void *a, const void *b)
{
	return strcmp(((const struct vchange *) a)->path, ((const struct vchange *) b)->path);
}

int
pod_ctr_vfs_changes(int rootfd, const int *lower_dirfds, size_t n_lower, pod_layer_change_fn cb,
		    void *ctx, struct pod_err **err)
{
	struct vwalk w = { .rootfd = rootfd, .lowers = lower_dirfds, .n_lower = n_lower };
	int r = vwalk_dir(&w, rootfd, "", false, 0, err);

	if (r == 0) {
		qsort(w.v, w.n, sizeof(*w.v), cmp_vchange);
		for (size_t i = 0; i < w.n && r == 0; i++)
			r = cb(ctx, (enum pod_change_kind) w.v[i].kind, w.v[i].path, err);
	}
	for (size_t i = 0; i < w.n; i++)
		free(w.v[i].path);
	free(w.v);
	return r < 0 ? -1 : 0;
}
