/*
 * extract.c - a push tar parser (ustar, GNU, PAX) that extracts into a layer
 * directory without ever leaving it. See layer.h for the rules.
 *
 * The parser is a state machine fed with whatever the decompressor produced:
 * a 512-byte header is collected, then the entry's data is streamed to the
 * file (or into a buffer for PAX/GNU meta entries, or skipped), then the
 * padding. Every path is cleaned lexically and its parent resolved from the
 * layer root with openat2(RESOLVE_IN_ROOT); the final component is created
 * with *at() calls that never follow it.
 */
#include "image/layer-internal.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define BLOCK 512

struct xattr {
	char *name;
	uint8_t *val;
	size_t len;
};

/* one tar entry, after the PAX and GNU meta entries before it are merged in */
struct ent {
	char type;
	char *path; /* as in the archive */
	char *link;
	uint64_t size;
	uint32_t mode;
	int64_t uid, gid;
	struct timespec mtime, atime;
	uint32_t devmajor, devminor;
	struct xattr *xattrs;
	size_t n_xattrs;
};

/* meta attributes waiting for the next real entry */
struct pending {
	char *path, *link; /* PAX path/linkpath */
	char *gnu_path, *gnu_link;
	bool has_size, has_uid, has_gid, has_mtime, has_atime;
	uint64_t size;
	int64_t uid, gid;
	struct timespec mtime, atime;
	struct xattr *xattrs;
	size_t n_xattrs;
};

struct dirmeta {
	char *path; /* cleaned, "" for the root */
	uint32_t mode;
	struct timespec ts[2];
};

enum state { ST_HEADER, ST_FILE, ST_META, ST_SKIP, ST_PAD, ST_END };

struct pod_tar_extract {
	int rootfd;
	struct pod_layer_opts o;
	enum state st;
	uint8_t hdr[BLOCK];
	size_t hdr_have;
	uint64_t offset; /* bytes consumed, for messages */
	uint64_t remain; /* data bytes left in the current entry */
	uint64_t pad;
	char meta_type;
	struct pod_strbuf meta;
	struct pending pend;
	/* the regular file being written */
	struct ent cur;
	char *cur_rel;
	int cur_fd;
	struct dirmeta *dirs;
	size_t n_dirs, alloc_dirs;
	uint64_t n_headers;
	char *cache_path; /* the last parent directory resolved, and its fd */
	int cache_fd;
	struct pod_pathset made;
	uint64_t entries, skipped_devices, skipped_xattrs;
	bool failed, finished;
};

/* ---- small helpers ---- */

static void
xattrs_free(struct xattr *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].val);
	}
	free(v);
}

static void
ent_release(struct ent *e)
{
	free(e->path);
	free(e->link);
	xattrs_free(e->xattrs, e->n_xattrs);
	memset(e, 0, sizeof(*e));
}

static void
pending_release(struct pending *p)
{
	free(p->path);
	free(p->link);
	free(p->gnu_path);
	free(p->gnu_link);
	xattrs_free(p->xattrs, p->n_xattrs);
	memset(p, 0, sizeof(*p));
}

static void POD_PRINTF(2, 3)
xlog(struct pod_tar_extract *x, const char *fmt, ...)
{
	cleanup_free char *msg = NULL;
	va_list ap;

	if (!x->o.log)
		return;
	va_start(ap, fmt);
	msg = pod_xvasprintf(fmt, ap);
	va_end(ap);
	x->o.log(x->o.log_ctx, msg);
}

static void
mark_made(struct pod_tar_extract *x, const char *rel)
{
	if (x->o.apply_whiteouts_by_delete)
		pod_pathset_add(&x->made, rel);
}

static void
cache_drop(struct pod_tar_extract *x)
{
	free(x->cache_path);
	x->cache_path = NULL;
	if (x->cache_fd >= 0)
		close(x->cache_fd);
	x->cache_fd = -1;
}

/* After a removal the cached parent may be gone (or reached through a
 * symlink that is gone): forget its path, but keep the fd open, the entry
 * being extracted may still be using it; get_parent() closes it. */
static void
cache_forget(struct pod_tar_extract *x)
{
	free(x->cache_path);
	x->cache_path = NULL;
}

/* ---- paths ---- */

/* Lexical clean: strip leading "/", drop "." and empty components, resolve
 * "..", refusing one that climbs above the root. "" is the root itself. */
static int
clean_path(struct pod_tar_extract *x, const char *in, const char *what, char **ret,
	   struct pod_err **err)
{
	size_t len = strlen(in), n = 0;
	cleanup_free char *out = xmalloc(len + 1);
	const char *p = in;

	if (len > x->o.max_name_len)
		return pod_err_set(err, POD_E_INVALID, 0, "%s too long (%zu bytes, limit %zu)",
				   what, len, x->o.max_name_len);
	while (*p) {
		const char *e;
		size_t cl;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchrnul(p, '/');
		cl = (size_t) (e - p);
		if (cl == 1 && p[0] == '.') {
			/* skip */
		} else if (cl == 2 && p[0] == '.' && p[1] == '.') {
			if (n == 0)
				return pod_err_set(err, POD_E_INVALID, 0,
						   "invalid %s \"%s\": breakout of the layer root",
						   what, in);
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--; /* the slash */
		} else {
			if (cl > NAME_MAX)
				return pod_err_set(err, POD_E_INVALID, 0,
						   "%s \"%.64s...\": a component is too long", what,
						   in);
			if (n)
				out[n++] = '/';
			memcpy(out + n, p, cl);
			n += cl;
		}
		p = e;
	}
	out[n] = '\0';
	*ret = TAKE_PTR(out);
	return 0;
}

/* split "a/b/c" into "a/b" and "c" (in place) */
static void
split_path(char *rel, const char **dir, const char **base)
{
	char *slash = strrchr(rel, '/');

	if (slash) {
		*slash = '\0';
		*dir = rel;
		*base = slash + 1;
	} else {
		*dir = "";
		*base = rel;
	}
}

static int
map_id(const struct pod_idmap *m, size_t n, int64_t id, const char *what, uint32_t *ret,
       struct pod_err **err)
{
	if (!n) {
		*ret = (uint32_t) id;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (id >= m[i].container_id && (uint64_t) id < (uint64_t) m[i].container_id + m[i].size) {
			uint64_t h = (uint64_t) m[i].host_id + (uint64_t) (id - m[i].container_id);

			if (h >= UINT32_MAX)
				break;
			*ret = (uint32_t) h;
			return 0;
		}
	}
	return pod_err_set(err, POD_E_INVALID, 0,
			   "container %s %" PRId64 " cannot be mapped to a host ID", what, id);
}

/* Opens the parent directory (cleaned path), creating missing components
 * 0755 owned by the mapped root. Returns a borrowed fd. */
static int
get_parent(struct pod_tar_extract *x, const char *dir, struct pod_err **err)
{
	cleanup_close int cur = -1;
	cleanup_free char *prefix = NULL;
	const char *p;
	int fd;

	if (!*dir)
		return x->rootfd;
	if (x->cache_path && STREQ(x->cache_path, dir))
		return x->cache_fd;
	cache_drop(x);
	fd = pod_image_open_in_root(x->rootfd, dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0 && errno != ENOENT)
		return pod_err_sys(err, "opening directory \"%s\"", dir);
	if (fd < 0) {
		uint32_t ruid = 0, rgid = 0;

		if (!x->o.no_chown &&
		    (map_id(x->o.uid_map, x->o.n_uid_map, 0, "UID", &ruid, err) < 0 ||
		     map_id(x->o.gid_map, x->o.n_gid_map, 0, "GID", &rgid, err) < 0))
			return -1;
		cur = fcntl(x->rootfd, F_DUPFD_CLOEXEC, 3);
		if (cur < 0)
			return pod_err_sys(err, "duplicating a descriptor");
		prefix = xstrdup(dir);
		p = dir;
		for (;;) {
			const char *e = strchrnul(p, '/');
			size_t plen = (size_t) (e - dir);
			cleanup_free char *comp = xstrndup(p, (size_t) (e - p));
			int nfd;

			prefix[plen] = '\0';
			nfd = pod_image_open_in_root(x->rootfd, prefix, O_RDONLY | O_DIRECTORY);
			if (nfd < 0 && errno == ENOENT) {
				if (mkdirat(cur, comp, 0755) == 0) {
					mark_made(x, prefix);
					if (!x->o.no_chown &&
					    fchownat(cur, comp, ruid, rgid, AT_SYMLINK_NOFOLLOW) < 0)
						return pod_err_sys(err, "chown \"%s\"", prefix);
				} else if (errno != EEXIST) {
					return pod_err_sys(err, "creating directory \"%s\"", prefix);
				}
				nfd = pod_image_open_in_root(x->rootfd, prefix, O_RDONLY | O_DIRECTORY);
			}
			if (nfd < 0)
				return pod_err_sys(err, "opening directory \"%s\"", prefix);
			close(cur);
			cur = nfd;
			if (!*e)
				break;
			prefix[plen] = '/';
			p = e + 1;
		}
		fd = TAKE_FD(cur);
	}
	x->cache_path = xstrdup(dir);
	x->cache_fd = fd;
	return fd;
}

/* Makes room for a new entry BASE in pfd. Returns 1 when an existing
 * directory is kept (want_dir), 0 when the name is free. */
static int
prepare_target(struct pod_tar_extract *x, int pfd, const char *base, const char *rel,
	       bool want_dir, struct pod_err **err)
{
	struct stat st;

	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return pod_err_sys(err, "checking \"%s\"", rel);
	}
	if (want_dir && S_ISDIR(st.st_mode))
		return 1;
	if (x->o.keep_types && want_dir != S_ISDIR(st.st_mode))
		return pod_err_set(err, POD_E_INVALID, 0, "\"%s\": %s", rel,
				   want_dir ? "exists but is not a directory"
					    : "exists and is a directory");
	cache_forget(x);
	if (pod_layer_remove_tree(pfd, base, err) < 0)
		return pod_err_wrap(err, "replacing \"%s\"", rel);
	return 0;
}

/* ---- metadata ---- */

static bool
xattr_forbidden(const char *name)
{
	/* overlay's own attributes would let a layer fake redirects, metacopy
	 * or opacity; only whiteout entries produce those */
	return pod_str_has_prefix(name, "trusted.overlay.") ||
	       pod_str_has_prefix(name, "user.overlay.");
}

static int
set_xattrs(struct pod_tar_extract *x, const struct ent *e, int fd, int pfd, const char *base,
	   const char *rel, struct pod_err **err)
{
	char procpath[64 + NAME_MAX];

	if (fd < 0)
		snprintf(procpath, sizeof(procpath), "/proc/self/fd/%d/%s", pfd, base);
	for (size_t i = 0; i < e->n_xattrs; i++) {
		const struct xattr *a = &e->xattrs[i];
		int r;

		if (xattr_forbidden(a->name)) {
			x->skipped_xattrs++;
			xlog(x, "layer: ignoring xattr %s on \"%s\"", a->name, rel);
			continue;
		}
		if (fd >= 0)
			r = fsetxattr(fd, a->name, a->val, a->len, 0);
		else
			r = lsetxattr(procpath, a->name, a->val, a->len, 0);
		if (r == 0)
			continue;
		if (errno == EPERM || errno == ENOTSUP || errno == EACCES) {
			x->skipped_xattrs++;
			xlog(x, "layer: cannot set xattr %s on \"%s\": %s", a->name, rel,
			     pod_strerror(errno));
			continue;
		}
		if (errno == EINVAL || errno == ERANGE || errno == E2BIG)
			return pod_err_set(err, POD_E_INVALID, errno,
					   "setting xattr \"%s\" on \"%s\": %s", a->name, rel,
					   pod_strerror(errno));
		return pod_err_sys(err, "setting xattr \"%s\" on \"%s\"", a->name, rel);
	}
	return 0;
}

enum { META_NO_MODE = 1 << 0, META_NO_TIMES = 1 << 1 };

/* owner, then mode (chown clears setuid), then xattrs (chown clears
 * security.capability), then times. fd < 0: by name in pfd, not following. */
static int
apply_meta(struct pod_tar_extract *x, const struct ent *e, int fd, int pfd, const char *base,
	   const char *rel, unsigned flags, struct pod_err **err)
{
	struct timespec ts[2] = { e->atime, e->mtime };

	if (!x->o.no_chown) {
		uint32_t uid, gid;
		int r;

		if (x->o.set_owner) {
			uid = x->o.owner_uid;
			gid = x->o.owner_gid;
		} else if (map_id(x->o.uid_map, x->o.n_uid_map, e->uid, "UID", &uid, err) < 0 ||
			   map_id(x->o.gid_map, x->o.n_gid_map, e->gid, "GID", &gid, err) < 0) {
			return pod_err_wrap(err, "\"%s\"", rel);
		}
		r = fd >= 0 ? fchown(fd, uid, gid) : fchownat(pfd, base, uid, gid, AT_SYMLINK_NOFOLLOW);
		if (r < 0)
			return pod_err_sys(err, "chown \"%s\" to %u:%u", rel, uid, gid);
	}
	if (!(flags & META_NO_MODE)) {
		int r = fd >= 0 ? fchmod(fd, e->mode) : fchmodat(pfd, base, e->mode, 0);

		if (r < 0)
			return pod_err_sys(err, "chmod \"%s\"", rel);
	}
	if (e->n_xattrs && set_xattrs(x, e, fd, pfd, base, rel, err) < 0)
		return -1;
	if (!(flags & META_NO_TIMES)) {
		int r = fd >= 0 ? futimens(fd, ts) : utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW);

		if (r < 0)
			return pod_err_sys(err, "setting times of \"%s\"", rel);
	}
	return 0;
}

static void
defer_dir(struct pod_tar_extract *x, const char *rel, const struct ent *e)
{
	struct dirmeta *d;

	if (x->n_dirs == x->alloc_dirs) {
		x->alloc_dirs = x->alloc_dirs ? x->alloc_dirs * 2 : 64;
		x->dirs = xrealloc(x->dirs, x->alloc_dirs * sizeof(*x->dirs));
	}
	d = &x->dirs[x->n_dirs++];
	d->path = xstrdup(rel);
	d->mode = e->mode;
	d->ts[0] = e->atime;
	d->ts[1] = e->mtime;
}

/* ---- entries ---- */

static int
do_whiteout(struct pod_tar_extract *x, int pfd, const char *dir, const char *base,
	    struct pod_err **err);

static int
do_dir(struct pod_tar_extract *x, const struct ent *e, int pfd, const char *base,
       const char *rel, struct pod_err **err)
{
	cleanup_close int fd = -1;
	int r;

	if (!*rel) {
		fd = fcntl(x->rootfd, F_DUPFD_CLOEXEC, 3);
	} else {
		r = prepare_target(x, pfd, base, rel, true, err);
		if (r < 0)
			return -1;
		if (r == 0 && mkdirat(pfd, base, 0700) < 0)
			return pod_err_sys(err, "creating directory \"%s\"", rel);
		fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return pod_err_sys(err, "opening directory \"%s\"", rel);
	/* mode and times once everything is inside: a read-only directory
	 * must still take its entries, and adding them changes its mtime */
	if (apply_meta(x, e, fd, -1, base, rel, META_NO_MODE | META_NO_TIMES, err) < 0)
		return -1;
	defer_dir(x, rel, e);
	return 0;
}

static int
do_hardlink(struct pod_tar_extract *x, const struct ent *e, int pfd, const char *base,
	    const char *rel, struct pod_err **err)
{
	cleanup_free char *target = NULL;
	cleanup_close int tpfd = -1;
	const char *tdir, *tbase;
	struct stat tst, st;

	if (clean_path(x, e->link ? e->link : "", "hardlink target", &target, err) < 0)
		return -1;
	if (!*target)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "invalid hardlink \"%s\": target is the layer root", rel);
	if (STREQ(target, rel))
		return 0;
	split_path(target, &tdir, &tbase);
	tpfd = pod_image_open_in_root(x->rootfd, tdir, O_PATH | O_DIRECTORY);
	if (tpfd < 0 || fstatat(tpfd, tbase, &tst, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return pod_err_set(err, POD_E_INVALID, errno,
					   "invalid hardlink \"%s\": target \"%s\" is not in the "
					   "layer", rel, e->link);
		return pod_err_sys(err, "hardlink \"%s\" to \"%s\"", rel, e->link);
	}
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_dev == tst.st_dev &&
	    st.st_ino == tst.st_ino)
		return 0;
	if (S_ISDIR(tst.st_mode))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "invalid hardlink \"%s\": target \"%s\" is a directory", rel,
				   e->link);
	if (prepare_target(x, pfd, base, rel, false, err) < 0)
		return -1;
	if (linkat(tpfd, tbase, pfd, base, 0) < 0)
		return pod_err_sys(err, "creating hardlink \"%s\" to \"%s\"", rel, e->link);
	return 0;
}

static int
do_node(struct pod_tar_extract *x, const struct ent *e, int pfd, const char *base,
	const char *rel, struct pod_err **err)
{
	mode_t kind = e->type == '3' ? S_IFCHR : e->type == '4' ? S_IFBLK : S_IFIFO;
	dev_t dev = kind == S_IFIFO ? 0 : makedev(e->devmajor, e->devminor);

	if (prepare_target(x, pfd, base, rel, false, err) < 0)
		return -1;
	if (mknodat(pfd, base, kind | 0600, dev) < 0) {
		if (errno == EPERM && kind != S_IFIFO) {
			x->skipped_devices++;
			xlog(x, "layer: skipping device node \"%s\" (no CAP_MKNOD)", rel);
			return 1;
		}
		return pod_err_sys(err, "creating \"%s\"", rel);
	}
	return apply_meta(x, e, -1, pfd, base, rel, 0, err);
}

static int
do_symlink(struct pod_tar_extract *x, const struct ent *e, int pfd, const char *base,
	   const char *rel, struct pod_err **err)
{
	if (!e->link || !*e->link)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid symlink \"%s\": empty target",
				   rel);
	if (strlen(e->link) > x->o.max_name_len)
		return pod_err_set(err, POD_E_INVALID, 0, "symlink target of \"%s\" too long", rel);
	if (prepare_target(x, pfd, base, rel, false, err) < 0)
		return -1;
	if (symlinkat(e->link, pfd, base) < 0)
		return pod_err_sys(err, "creating symlink \"%s\"", rel);
	return apply_meta(x, e, -1, pfd, base, rel, META_NO_MODE, err);
}

static int
begin_file(struct pod_tar_extract *x, struct ent *e, int pfd, const char *base,
	   const char *rel, struct pod_err **err)
{
	if (prepare_target(x, pfd, base, rel, false, err) < 0)
		return -1;
	x->cur_fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (x->cur_fd < 0)
		return pod_err_sys(err, "creating \"%s\"", rel);
	x->cur = *e;
	memset(e, 0, sizeof(*e));
	x->cur_rel = xstrdup(rel);
	return 0;
}

static int
finish_file(struct pod_tar_extract *x, struct pod_err **err)
{
	int r = apply_meta(x, &x->cur, x->cur_fd, -1, "", x->cur_rel, 0, err);

	if (close(x->cur_fd) < 0 && r == 0)
		r = pod_err_sys(err, "writing \"%s\"", x->cur_rel);
	x->cur_fd = -1;
	ent_release(&x->cur);
	free(x->cur_rel);
	x->cur_rel = NULL;
	return r;
}

/* Creates the entry. Returns 1 when its data must be written to x->cur_fd,
 * 0 when the data (if any) is to be skipped. */
static int
do_entry(struct pod_tar_extract *x, struct ent *e, struct pod_err **err)
{
	cleanup_free char *rel = NULL;
	const char *dir, *base;
	cleanup_free char *relcopy = NULL;
	int pfd, r;

	if (clean_path(x, e->path, "path", &rel, err) < 0)
		return -1;
	relcopy = xstrdup(rel);
	split_path(relcopy, &dir, &base);
	if (!*rel && e->type != '5')
		return pod_err_set(err, POD_E_INVALID, 0,
				   "invalid entry \"%s\": only a directory may name the layer root",
				   e->path);
	pfd = *rel ? get_parent(x, dir, err) : x->rootfd;
	if (pfd < 0)
		return pod_err_wrap(err, "extracting \"%s\"", rel);
	if (pod_str_has_prefix(base, ".wh."))
		return do_whiteout(x, pfd, dir, base, err) < 0 ? -1 : 0;
	switch (e->type) {
	case '0':
	case '7':
		r = begin_file(x, e, pfd, base, rel, err);
		if (r == 0) {
			mark_made(x, rel);
			x->entries++;
			return 1;
		}
		return -1;
	case '1':
		r = do_hardlink(x, e, pfd, base, rel, err);
		break;
	case '2':
		r = do_symlink(x, e, pfd, base, rel, err);
		break;
	case '3':
	case '4':
	case '6':
		r = do_node(x, e, pfd, base, rel, err);
		if (r == 1)
			return 0;
		break;
	case '5':
		r = do_dir(x, e, pfd, base, rel, err);
		break;
	default:
		return pod_err_set(err, POD_E_INVALID, 0, "unsupported tar entry type '%c' for \"%s\"",
				   e->type, e->path);
	}
	if (r < 0)
		return -1;
	mark_made(x, rel);
	x->entries++;
	return 0;
}

/* ---- whiteouts ---- */

static int
opaque_delete(struct pod_tar_extract *x, int dfd, const char *dirpath, unsigned depth,
	      struct pod_err **err)
{
	cleanup_strv char **names = NULL;
	struct dirent *de;
	DIR *d;
	int fd;

	if (depth > 1024)
		return pod_err_set(err, POD_E_INVALID, 0, "directory tree too deep at \"%s\"",
				   dirpath);
	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return pod_err_sys(err, "reading directory \"%s\"", dirpath);
	}
	names = xcalloc(1, sizeof(char *));
	while ((de = readdir(d)))
		if (!STREQ(de->d_name, ".") && !STREQ(de->d_name, ".."))
			names = pod_strv_push(names, xstrdup(de->d_name));
	closedir(d);
	for (char **n = names; *n; n++) {
		cleanup_free char *child = *dirpath ? xasprintf("%s/%s", dirpath, *n) : xstrdup(*n);
		cleanup_close int cfd = -1;
		struct stat st;

		if (!pod_pathset_has(&x->made, child)) {
			if (pod_layer_remove_tree(dfd, *n, err) < 0)
				return -1;
			continue;
		}
		if (fstatat(dfd, *n, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
			continue;
		cfd = openat(dfd, *n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0)
			return pod_err_sys(err, "opening directory \"%s\"", child);
		if (opaque_delete(x, cfd, child, depth + 1, err) < 0)
			return -1;
	}
	return 0;
}

static int
do_whiteout(struct pod_tar_extract *x, int pfd, const char *dir, const char *base,
	    struct pod_err **err)
{
	const char *name = base + 4;
	cleanup_free char *rel = NULL;

	if (STREQ(base, ".wh..wh..opq")) {
		const char *key = x->o.userxattr ? "user.overlay.opaque" : "trusted.overlay.opaque";

		cache_forget(x);
		if (x->o.apply_whiteouts_by_delete)
			return opaque_delete(x, pfd, dir, 0, err);
		if (fsetxattr(pfd, key, "y", 1, 0) < 0)
			return pod_err_sys(err, "marking \"%s\" opaque (%s)", *dir ? dir : "/", key);
		return 0;
	}
	if (!*name || STREQ(name, ".") || STREQ(name, ".."))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid whiteout \"%s%s%s\"", dir,
				   *dir ? "/" : "", base);
	rel = *dir ? xasprintf("%s/%s", dir, name) : xstrdup(name);
	if (x->o.apply_whiteouts_by_delete) {
		cache_forget(x);
		return pod_layer_remove_tree(pfd, name, err);
	}
	if (prepare_target(x, pfd, name, rel, false, err) < 0)
		return -1;
	if (mknodat(pfd, name, S_IFCHR | 0, makedev(0, 0)) < 0) {
		if (errno == EPERM)
			return pod_err_set(err, POD_E_GENERIC, EPERM,
					   "creating whiteout \"%s\": operation not permitted "
					   "(needs CAP_MKNOD or Linux 5.8; the vfs driver applies "
					   "whiteouts by deleting)",
					   rel);
		return pod_err_sys(err, "creating whiteout \"%s\"", rel);
	}
	x->entries++;
	return 0;
}

/* ---- header parsing ---- */

static bool
all_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* octal, or GNU base-256 when the high bit of the first byte is set */
static bool
parse_num(const uint8_t *f, size_t n, int64_t *ret)
{
	uint64_t v = 0;
	size_t i = 0;

	if (f[0] & 0x80) {
		uint8_t inv = (f[0] & 0x40) ? 0xff : 0;

		for (i = 0; i < n; i++) {
			uint8_t c = f[i] ^ inv;

			if (i == 0)
				c &= 0x7f;
			if (v >> 55)
				return false;
			v = (v << 8) | c;
		}
		if (v > INT64_MAX)
			return false;
		*ret = inv ? -(int64_t) v - 1 : (int64_t) v;
		return true;
	}
	while (i < n && (f[i] == ' ' || f[i] == '\0'))
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return false;
		v = v * 8 + (uint64_t) (f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return false;
	*ret = (int64_t) v;
	return true;
}

static char *
field_str(const uint8_t *f, size_t n)
{
	return xstrndup((const char *) f, strnlen((const char *) f, n));
}

static bool
checksum_ok(const uint8_t *h)
{
	int64_t want;
	uint64_t us = 0;
	int64_t ss = 0;

	if (!parse_num(h + 148, 8, &want))
		return false;
	for (size_t i = 0; i < BLOCK; i++) {
		uint8_t c = (i >= 148 && i < 156) ? ' ' : h[i];

		us += c;
		ss += (int8_t) c;
	}
	return (int64_t) us == want || ss == want;
}

static bool
parse_dec(const char *s, size_t n, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;

	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (max - (uint64_t) (s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t) (s[i] - '0');
	}
	*ret = v;
	return true;
}

/* PAX time: [-]SECONDS[.FRACTION] */
static bool
parse_pax_time(const char *s, size_t n, struct timespec *ret)
{
	bool neg = false;
	const char *dot;
	uint64_t sec = 0, nsec = 0;
	size_t ilen, i;

	if (n && s[0] == '-') {
		neg = true;
		s++;
		n--;
	}
	dot = memchr(s, '.', n);
	ilen = dot ? (size_t) (dot - s) : n;
	if (!parse_dec(s, ilen, INT64_MAX / 2, &sec))
		return false;
	if (dot) {
		size_t flen = n - ilen - 1;

		for (i = 0; i < flen; i++) {
			if (dot[1 + i] < '0' || dot[1 + i] > '9')
				return false;
			if (i < 9)
				nsec = nsec * 10 + (uint64_t) (dot[1 + i] - '0');
		}
		for (; i < 9; i++)
			nsec *= 10;
	}
	ret->tv_sec = (time_t) sec;
	ret->tv_nsec = (long) nsec;
	if (neg) {
		ret->tv_sec = -ret->tv_sec;
		if (nsec) {
			ret->tv_sec -= 1;
			ret->tv_nsec = 1000000000L - (long) nsec;
		}
	}
	return true;
}

static void
add_xattr(struct xattr **v, size_t *n, const char *name, const void *val, size_t len)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (STREQ((*v)[i].name, name))
			break;
	if (i == *n) {
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[i].name = xstrdup(name);
		(*n)++;
	} else {
		free((*v)[i].val);
	}
	(*v)[i].val = xmalloc(len ? len : 1);
	if (len)
		memcpy((*v)[i].val, val, len);
	(*v)[i].len = len;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* LIBARCHIVE.xattr.NAME: NAME is %-encoded, the value base64 */
static bool
libarchive_xattr(struct pending *p, const char *ename, size_t elen, const char *v, size_t vlen)
{
	cleanup_free char *name = xmalloc(elen + 1);
	cleanup_free uint8_t *val = xmalloc(vlen / 4 * 3 + 3);
	size_t n = 0, o = 0, i;
	uint32_t acc = 0;
	int bits = 0;

	for (i = 0; i < elen; i++) {
		if (ename[i] == '%' && i + 2 < elen &&
		    hexval(ename[i + 1]) >= 0 && hexval(ename[i + 2]) >= 0) {
			name[n++] = (char) (hexval(ename[i + 1]) * 16 + hexval(ename[i + 2]));
			i += 2;
		} else {
			name[n++] = ename[i];
		}
		if (!name[n - 1])
			return false;
	}
	name[n] = '\0';
	for (i = 0; i < vlen && v[i] != '='; i++) {
		static const char b64[] =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		const char *q = v[i] ? strchr(b64, v[i]) : NULL;

		if (!q)
			return false;
		acc = (acc << 6) | (uint32_t) (q - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			val[o++] = (uint8_t) (acc >> bits);
		}
	}
	if (!n)
		return false;
	add_xattr(&p->xattrs, &p->n_xattrs, name, val, o);
	return true;
}

static int
pax_record(struct pod_tar_extract *x, const char *k, size_t klen, const char *v, size_t vlen,
	   struct pod_err **err)
{
	struct pending *p = &x->pend;
	uint64_t u = 0;

#define KEY(s) (klen == sizeof(s) - 1 && memcmp(k, s, klen) == 0)
#define PREFIX(s) (klen > sizeof(s) - 1 && memcmp(k, s, sizeof(s) - 1) == 0)
	if (KEY("path") || KEY("linkpath")) {
		char **dst = KEY("path") ? &p->path : &p->link;

		if (memchr(v, '\0', vlen))
			return pod_err_set(err, POD_E_INVALID, 0, "invalid PAX %.*s: NUL byte",
					   (int) klen, k);
		free(*dst);
		*dst = vlen ? xstrndup(v, vlen) : NULL;
	} else if (KEY("size")) {
		p->has_size = vlen > 0;
		if (vlen && !parse_dec(v, vlen, INT64_MAX, &p->size))
			goto bad;
	} else if (KEY("uid") || KEY("gid")) {
		bool is_uid = KEY("uid");

		if (vlen && !parse_dec(v, vlen, UINT32_MAX - 1, &u))
			goto bad;
		if (is_uid) {
			p->has_uid = vlen > 0;
			p->uid = (int64_t) u;
		} else {
			p->has_gid = vlen > 0;
			p->gid = (int64_t) u;
		}
	} else if (KEY("mtime") || KEY("atime")) {
		bool is_m = KEY("mtime");
		struct timespec ts = { 0 };

		if (vlen && !parse_pax_time(v, vlen, &ts))
			goto bad;
		if (is_m) {
			p->has_mtime = vlen > 0;
			p->mtime = ts;
		} else {
			p->has_atime = vlen > 0;
			p->atime = ts;
		}
	} else if (PREFIX("SCHILY.xattr.")) {
		cleanup_free char *name = xstrndup(k + 13, klen - 13);

		if (strlen(name) != klen - 13)
			goto bad;
		add_xattr(&p->xattrs, &p->n_xattrs, name, v, vlen);
	} else if (PREFIX("LIBARCHIVE.xattr.")) {
		if (!libarchive_xattr(p, k + 17, klen - 17, v, vlen))
			goto bad;
	} else if (PREFIX("GNU.sparse.")) {
		return pod_err_set(err, POD_E_INVALID, 0, "sparse files are not supported in layers");
	}
	/* other keys (uname, gname, ctime, comment, charset, ...) do not matter here */
	return 0;
bad:
	return pod_err_set(err, POD_E_INVALID, 0, "invalid PAX record \"%.*s\"",
			   (int) (klen > 64 ? 64 : klen), k);
#undef KEY
#undef PREFIX
}

static int
parse_pax(struct pod_tar_extract *x, const char *d, size_t n, struct pod_err **err)
{
	size_t off = 0;

	while (off < n) {
		size_t i = off, reclen = 0, kvlen;
		const char *kv, *eq;

		if (d[off] == '\0' && all_zero((const uint8_t *) d + off, n - off))
			break; /* NUL padding some writers leave */
		while (i < n && d[i] >= '0' && d[i] <= '9' && i - off < 20)
			reclen = reclen * 10 + (size_t) (d[i++] - '0');
		if (i == off || i >= n || d[i] != ' ' || reclen < i - off + 3 || reclen > n - off ||
		    d[off + reclen - 1] != '\n')
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid PAX header at offset %" PRIu64, x->offset);
		kv = d + i + 1;
		kvlen = off + reclen - 1 - (i + 1);
		eq = memchr(kv, '=', kvlen);
		if (!eq || eq == kv)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid PAX header at offset %" PRIu64, x->offset);
		if (pax_record(x, kv, (size_t) (eq - kv), eq + 1, kvlen - (size_t) (eq - kv) - 1,
			       err) < 0)
			return -1;
		off += reclen;
	}
	return 0;
}

static void
start_data(struct pod_tar_extract *x, enum state st, uint64_t size)
{
	x->st = st;
	x->remain = size;
	x->pad = (BLOCK - size % BLOCK) % BLOCK;
}

static int data_done(struct pod_tar_extract *x, struct pod_err **err);

static int
on_header(struct pod_tar_extract *x, struct pod_err **err)
{
	const uint8_t *h = x->hdr;
	struct ent e = { 0 };
	bool ustar, gnu;
	int64_t num;
	char type;
	int r;

	if (all_zero(h, BLOCK)) {
		/* end of archive: what follows is only hashed */
		x->st = ST_END;
		return 0;
	}
	if (++x->n_headers > x->o.max_entries)
		return pod_err_set(err, POD_E_INVALID, 0, "too many entries in layer (limit %" PRIu64 ")",
				   x->o.max_entries);
	if (!checksum_ok(h))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "invalid tar header at offset %" PRIu64 ": checksum mismatch",
				   x->offset - BLOCK);
	ustar = memcmp(h + 257, "ustar\0", 6) == 0;
	gnu = memcmp(h + 257, "ustar  \0", 8) == 0;
	type = (char) h[156];
	if (type == '\0')
		type = '0';
	if (!parse_num(h + 124, 12, &num) || num < 0)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "invalid tar header at offset %" PRIu64 ": bad size", x->offset - BLOCK);
	e.size = (uint64_t) num;

	switch (type) {
	case 'x':
	case 'L':
	case 'K': {
		uint64_t limit = type == 'x' ? x->o.max_pax_size : x->o.max_name_len + 1;

		if (e.size > limit)
			return pod_err_set(err, POD_E_INVALID, 0, "%s too long (%" PRIu64 " bytes)",
					   type == 'x' ? "PAX header" : "GNU long name", e.size);
		x->meta_type = type;
		pod_strbuf_reset(&x->meta);
		start_data(x, ST_META, e.size);
		return e.size ? 0 : data_done(x, err);
	}
	case 'g':
	case 'V':
		/* global PAX headers and volume labels carry nothing we apply */
		start_data(x, ST_SKIP, e.size);
		return e.size ? 0 : data_done(x, err);
	case 'S':
		return pod_err_set(err, POD_E_INVALID, 0, "sparse files are not supported in layers");
	default:
		break;
	}

	/* a real entry: merge header fields with the pending meta data */
	if (x->pend.path)
		e.path = TAKE_PTR(x->pend.path);
	else if (x->pend.gnu_path)
		e.path = TAKE_PTR(x->pend.gnu_path);
	else if (ustar && h[345]) {
		cleanup_free char *pre = field_str(h + 345, 155);
		cleanup_free char *nm = field_str(h, 100);

		e.path = xasprintf("%s/%s", pre, nm);
	} else
		e.path = field_str(h, 100);
	if (x->pend.link)
		e.link = TAKE_PTR(x->pend.link);
	else if (x->pend.gnu_link)
		e.link = TAKE_PTR(x->pend.gnu_link);
	else
		e.link = field_str(h + 157, 100);
	e.type = type;
	if (!parse_num(h + 100, 8, &num))
		goto bad;
	e.mode = (uint32_t) num & 07777;
	if (!parse_num(h + 108, 8, &e.uid) || !parse_num(h + 116, 8, &e.gid) ||
	    !parse_num(h + 136, 12, &num))
		goto bad;
	e.mtime.tv_sec = (time_t) num;
	if (x->pend.has_uid)
		e.uid = x->pend.uid;
	if (x->pend.has_gid)
		e.gid = x->pend.gid;
	if (e.uid < 0 || e.uid >= UINT32_MAX || e.gid < 0 || e.gid >= UINT32_MAX)
		goto bad;
	if (x->pend.has_size)
		e.size = x->pend.size;
	if (x->pend.has_mtime)
		e.mtime = x->pend.mtime;
	e.atime = x->pend.has_atime ? x->pend.atime : e.mtime;
	if ((ustar || gnu) && (type == '3' || type == '4')) {
		int64_t ma, mi;

		if (!parse_num(h + 329, 8, &ma) || !parse_num(h + 337, 8, &mi) || ma < 0 ||
		    mi < 0 || ma > 0xfffff || mi > 0xfffff)
			goto bad;
		e.devmajor = (uint32_t) ma;
		e.devminor = (uint32_t) mi;
	}
	e.xattrs = TAKE_PTR(x->pend.xattrs);
	e.n_xattrs = x->pend.n_xattrs;
	x->pend.n_xattrs = 0;
	pending_release(&x->pend);
	/* v7/old GNU: a regular file whose name ends in "/" is a directory */
	if (type == '0' && *e.path && e.path[strlen(e.path) - 1] == '/')
		e.type = '5';
	if (!*e.path) {
		ent_release(&e);
		return pod_err_set(err, POD_E_INVALID, 0,
				   "invalid tar header at offset %" PRIu64 ": empty name",
				   x->offset - BLOCK);
	}
	r = do_entry(x, &e, err);
	if (r < 0) {
		ent_release(&e);
		return -1;
	}
	if (r == 1) {
		start_data(x, ST_FILE, x->cur.size);
		return x->cur.size ? 0 : data_done(x, err);
	}
	/* like Go's archive/tar, links, devices, fifos and directories have no
	 * data whatever their size field says; a whiteout's data is skipped */
	start_data(x, ST_SKIP, (e.type == '0' || e.type == '7') ? e.size : 0);
	ent_release(&e);
	return x->remain ? 0 : data_done(x, err);
bad:
	ent_release(&e);
	return pod_err_set(err, POD_E_INVALID, 0, "invalid tar header at offset %" PRIu64,
			   x->offset - BLOCK);
}

static int
data_done(struct pod_tar_extract *x, struct pod_err **err)
{
	enum state was = x->st;

	x->st = x->pad ? ST_PAD : ST_HEADER;
	if (was == ST_FILE)
		return finish_file(x, err);
	if (was == ST_META) {
		const char *d = x->meta.buf;
		size_t n = x->meta.len;

		if (x->meta_type == 'x')
			return parse_pax(x, d, n, err);
		if (memchr(d, '\0', n))
			n = strlen(d);
		if (x->meta_type == 'L') {
			free(x->pend.gnu_path);
			x->pend.gnu_path = xstrndup(d, n);
		} else {
			free(x->pend.gnu_link);
			x->pend.gnu_link = xstrndup(d, n);
		}
	}
	return 0;
}

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t) w;
	}
	return 0;
}

int
pod_tar_extract_feed(struct pod_tar_extract *x, const void *buf, size_t len, struct pod_err **err)
{
	const uint8_t *p = buf;

	if (x->failed || x->finished)
		return pod_err_set(err, POD_E_STATE, 0, "layer extraction used after %s",
				   x->failed ? "an error" : "finish");
	while (len) {
		size_t n;

		if (x->st == ST_END) {
			x->offset += len;
			return 0;
		}
		if (x->st == ST_HEADER) {
			n = BLOCK - x->hdr_have;
			n = n < len ? n : len;
			memcpy(x->hdr + x->hdr_have, p, n);
			x->hdr_have += n;
			p += n;
			len -= n;
			x->offset += n;
			if (x->hdr_have == BLOCK) {
				x->hdr_have = 0;
				if (on_header(x, err) < 0)
					goto fail;
			}
			continue;
		}
		if (x->st == ST_PAD) {
			n = x->pad < len ? (size_t) x->pad : len;
			x->pad -= n;
			if (!x->pad)
				x->st = ST_HEADER;
		} else {
			n = x->remain < len ? (size_t) x->remain : len;
			if (x->st == ST_FILE && write_all(x->cur_fd, p, n) < 0) {
				pod_err_sys(err, "writing \"%s\"", x->cur_rel);
				goto fail;
			}
			if (x->st == ST_META)
				pod_strbuf_add(&x->meta, p, n);
			x->remain -= n;
			if (!x->remain && data_done(x, err) < 0)
				goto fail;
		}
		p += n;
		len -= n;
		x->offset += n;
	}
	return 0;
fail:
	x->failed = true;
	return -1;
}

int
pod_tar_extract_finish(struct pod_tar_extract *x, struct pod_layer_result *ret,
		       struct pod_err **err)
{
	if (x->failed || x->finished)
		return pod_err_set(err, POD_E_STATE, 0, "layer extraction used after %s",
				   x->failed ? "an error" : "finish");
	if (x->st != ST_END &&
	    (x->st != ST_HEADER || x->hdr_have || x->pend.path || x->pend.link ||
	     x->pend.gnu_path || x->pend.gnu_link || x->pend.n_xattrs)) {
		x->failed = true;
		return pod_err_set(err, POD_E_INVALID, 0,
				   "unexpected EOF in layer (after %" PRIu64 " bytes)", x->offset);
	}
	cache_drop(x);
	for (size_t i = 0; i < x->n_dirs; i++) {
		struct dirmeta *d = &x->dirs[i];
		cleanup_close int fd = pod_image_open_in_root(x->rootfd, d->path,
						    O_RDONLY | O_DIRECTORY | O_NOFOLLOW);

		if (fd < 0) {
			/* replaced or whited out by a later entry */
			if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
				continue;
			x->failed = true;
			return pod_err_sys(err, "opening directory \"%s\"", d->path);
		}
		if (fchmod(fd, d->mode) < 0 || futimens(fd, d->ts) < 0) {
			x->failed = true;
			return pod_err_sys(err, "setting metadata of \"%s\"", d->path);
		}
	}
	x->finished = true;
	ret->entries = x->entries;
	ret->skipped_devices = x->skipped_devices;
	ret->skipped_xattrs = x->skipped_xattrs;
	return 0;
}

struct pod_tar_extract *
pod_tar_extract_new(int dirfd, const struct pod_layer_opts *o, struct pod_err **err)
{
	struct pod_tar_extract *x;
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		pod_err_sys(err, "opening the layer directory");
		return NULL;
	}
	x = xcalloc(1, sizeof(*x));
	x->rootfd = fd;
	x->cur_fd = -1;
	x->cache_fd = -1;
	if (o)
		x->o = *o;
	if (!x->o.max_entries)
		x->o.max_entries = POD_LAYER_DEF_MAX_ENTRIES;
	if (!x->o.max_name_len)
		x->o.max_name_len = POD_LAYER_DEF_MAX_NAME;
	if (!x->o.max_pax_size)
		x->o.max_pax_size = POD_LAYER_DEF_MAX_PAX;
	pod_strbuf_init(&x->meta);
	return x;
}

struct pod_tar_extract *
pod_tar_extract_free(struct pod_tar_extract *x)
{
	if (!x)
		return NULL;
	if (x->cur_fd >= 0)
		close(x->cur_fd);
	ent_release(&x->cur);
	free(x->cur_rel);
	pending_release(&x->pend);
	pod_strbuf_release(&x->meta);
	for (size_t i = 0; i < x->n_dirs; i++)
		free(x->dirs[i].path);
	free(x->dirs);
	cache_drop(x);
	pod_pathset_release(&x->made);
	close(x->rootfd);
	free(x);
	return NULL;
}
