/*
 * changes.c - `podman diff` for an overlay container: walk the upper dir and
 * classify each entry against the lower layers.
 *
 * An upper entry is 'D' when it is a whiteout, 'C' when the merged view had
 * it before (some lower has it and nothing above hides it), else 'A'. An
 * opaque upper directory also reports 'D' for every lower child it hides.
 * Lower lookups never follow symlinks: overlayfs does not merge through
 * them either.
 */
#include "image/layer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

struct change {
	char kind;
	char *path;
};

struct walk {
	const int *lowers;
	size_t n_lower;
	struct change *v;
	size_t n, alloc;
};

static void
add(struct walk *w, char kind, const char *rel)
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
is_whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static bool
is_opaque(int fd)
{
	static const char *const keys[] = { "trusted.overlay.opaque", "user.overlay.opaque" };
	char v[4];

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (fgetxattr(fd, keys[i], v, sizeof(v)) == 1 && v[0] == 'y')
			return true;
	return false;
}

/* Does the merged lower view have rel? Top-most lower first; a whiteout or
 * an opaque parent ends the search. */
static bool
lower_has(const struct walk *w, const char *rel)
{
	cleanup_free char *dir = xstrdup(rel);
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : rel;

	if (slash)
		*slash = '\0';
	else
		dir[0] = '\0';
	for (size_t i = 0; i < w->n_lower; i++) {
		cleanup_close int pfd = open_beneath(w->lowers[i], dir, O_RDONLY | O_DIRECTORY);
		struct stat st;

		if (pfd < 0)
			continue;
		if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0)
			return !is_whiteout(&st);
		if (*dir && is_opaque(pfd))
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
list_names(int fd)
{
	char **v = xcalloc(1, sizeof(char *));
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
		if (!STREQ(de->d_name, ".") && !STREQ(de->d_name, ".."))
			v = pod_strv_push(v, xstrdup(de->d_name));
	closedir(d);
	qsort(v, pod_strv_len(v), sizeof(char *), cmp_str);
	return v;
}

/* an opaque upper dir hides the lower children it does not itself have */
static void
hidden_children(struct walk *w, const char *rel, char *const *upper_names)
{
	cleanup_strv char **seen = xcalloc(1, sizeof(char *));

	for (size_t i = 0; i < w->n_lower; i++) {
		cleanup_close int fd = open_beneath(w->lowers[i], rel, O_RDONLY | O_DIRECTORY);
		cleanup_strv char **names = NULL;

		if (fd < 0)
			continue;
		names = list_names(fd);
		for (char **n = names; *n; n++) {
			struct stat st;

			if (pod_strv_contains(seen, *n))
				continue;
			seen = pod_strv_push(seen, xstrdup(*n));
			if (fstatat(fd, *n, &st, AT_SYMLINK_NOFOLLOW) < 0 || is_whiteout(&st))
				continue;
			if (!pod_strv_contains(upper_names, *n)) {
				cleanup_free char *p = xasprintf("%s/%s", rel, *n);

				add(w, 'D', p);
			}
		}
		if (is_opaque(fd))
			break;
	}
}

static int
walk_upper(struct walk *w, int ufd, const char *rel, bool hidden, unsigned depth,
	   struct pod_err **err)
{
	cleanup_strv char **names = list_names(ufd);

	if (depth > 4096)
		return pod_err_set(err, POD_E_INVALID, 0, "directory tree too deep at \"/%s\"", rel);
	for (char **n = names; *n; n++) {
		cleanup_free char *path = *rel ? xasprintf("%s/%s", rel, *n) : xstrdup(*n);
		cleanup_close int cfd = -1;
		struct stat st;
		bool had, opq;

		if (fstatat(ufd, *n, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return pod_err_sys(err, "stat \"/%s\"", path);
		if (is_whiteout(&st)) {
			add(w, 'D', path);
			continue;
		}
		had = !hidden && lower_has(w, path);
		add(w, had ? 'C' : 'A', path);
		if (!S_ISDIR(st.st_mode))
			continue;
		cfd = openat(ufd, *n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0)
			return pod_err_sys(err, "opening \"/%s\"", path);
		opq = is_opaque(cfd);
		if (opq && had) {
			cleanup_strv char **un = list_names(cfd);

			hidden_children(w, path, un);
		}
		if (walk_upper(w, cfd, path, hidden || opq || !had, depth + 1, err) < 0)
			return -1;
	}
	return 0;
}

static int
cmp_change(const void *a, const void *b)
{
	return strcmp(((const struct change *) a)->path, ((const struct change *) b)->path);
}

int
pod_layer_changes(int upper_dirfd, const int *lower_dirfds, size_t n_lower,
		  pod_layer_change_fn cb, void *ctx, struct pod_err **err)
{
	struct walk w = { .lowers = lower_dirfds, .n_lower = n_lower };
	int r;

	r = walk_upper(&w, upper_dirfd, "", false, 0, err);
	if (r == 0) {
		qsort(w.v, w.n, sizeof(*w.v), cmp_change);
		for (size_t i = 0; i < w.n && r == 0; i++)
			r = cb(ctx, (enum pod_change_kind) w.v[i].kind, w.v[i].path, err);
	}
	for (size_t i = 0; i < w.n; i++)
		free(w.v[i].path);
	free(w.v);
	return r < 0 ? -1 : 0;
}
