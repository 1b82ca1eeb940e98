/* ctr_fs.c - mount/unmount with a user count, cp, export and diff */
#include "core/fs.h"
#include "core/strbuf.h"
#include "core/json.h"
#include "core/log.h"
#include "image/imagestore.h"
#include "runtime/ctr-internal.h"
#include "runtime/ctr_fs.h"
#include "runtime/specgen.h"
#include "store/volume.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* --- mount counter --------------------------------------------------------- */

static char *
count_path(struct pod_engine *e, const char *id)
{
	cleanup_free char *rundir = pod_ctr_rundir(e, id);

	return pod_path_join(rundir, "mounts");
}

int64_t
pod_ctr_mount_count(struct pod_engine *e, const struct pod_ctr *c)
{
	cleanup_free char *p = count_path(e, c->id);
	cleanup_free char *text = NULL;
	struct pod_err *e2 = NULL;
	int64_t n;

	if (access(p, F_OK) < 0)
		return 0;
	if (pod_read_file(p, &text, NULL, 64, &e2) < 0) {
		pod_err_free(&e2);
		return 0;
	}
	n = strtoll(text, NULL, 10);
	return n > 0 ? n : 0;
}

static int
set_count(struct pod_engine *e, const struct pod_ctr *c, int64_t n, struct pod_err **err)
{
	cleanup_free char *p = count_path(e, c->id);
	cleanup_free char *rundir = pod_ctr_rundir(e, c->id);
	char buf[32];

	if (n <= 0) {
		if (unlink(p) < 0 && errno != ENOENT)
			return pod_err_sys(err, "removing %s", p);
		return 0;
	}
	if (pod_mkdir_p(rundir, 0700, err) < 0)
		return -1;
	snprintf(buf, sizeof(buf), "%" PRId64 "\n", n);
	return pod_write_file_replace(p, buf, strlen(buf), 0600, err); /* runroot */
}

static bool
is_mountpoint(const char *path)
{
	struct stat a, b;
	cleanup_free char *parent = xasprintf("%s/..", path);

	if (stat(path, &a) < 0 || stat(parent, &b) < 0)
		return false;
	return a.st_dev != b.st_dev;
}

static bool
is_vfs(const struct pod_ctr *c)
{
	const char *d = pod_ctr_str(c, "Driver");

	return d && STREQ(d, "vfs");
}

static bool
runs(const struct pod_ctr *c)
{
	return c->state == POD_CTR_RUNNING || c->state == POD_CTR_PAUSED ||
	       c->state == POD_CTR_STOPPING;
}

bool
pod_ctr_is_mounted(struct pod_engine *e, const struct pod_ctr *c)
{
	cleanup_free char *root = NULL;

	if (is_vfs(c))
		return runs(c) || pod_ctr_mount_count(e, c) > 0;
	root = pod_ctr_rootfs(e, c);
	return is_mountpoint(root);
}

int
pod_ctr_mount(struct pod_engine *e, struct pod_ctr *c, char **ret_path, struct pod_err **err)
{
	cleanup_close int lock = pod_ctr_lock(e, c->id, err);

	if (lock < 0 || pod_ctr_reload(e, c, err) < 0)
		return -1;
	if (pod_ctr_rootfs_mount(e, c, err) < 0)
		return -1;
	if (set_count(e, c, pod_ctr_mount_count(e, c) + 1, err) < 0)
		return -1;
	pod_ctr_event(e, c, "mount", 0);
	*ret_path = pod_ctr_rootfs(e, c);
	return 0;
}

int
pod_ctr_unmount(struct pod_engine *e, struct pod_ctr *c, bool force, struct pod_err **err)
{
	cleanup_close int lock = pod_ctr_lock(e, c->id, err);
	int64_t n;

	if (lock < 0 || pod_ctr_reload(e, c, err) < 0)
		return -1;
	n = force ? 0 : pod_ctr_mount_count(e, c) - 1;
	if (set_count(e, c, n, err) < 0)
		return -1;
	if (n <= 0 && !runs(c) && pod_ctr_rootfs_unmount(e, c, err) < 0)
		return -1;
	pod_ctr_event(e, c, "unmount", 0);
	return 0;
}

/* --- holding the rootfs ---------------------------------------------------- */

int
pod_ctr_fs_hold(struct pod_engine *e, struct pod_ctr *c, struct pod_ctr_fs_hold *h,
		struct pod_err **err)
{
	*h = (struct pod_ctr_fs_hold){ .lock = -1, .rootfd = -1 };
	h->lock = pod_ctr_lock(e, c->id, err);
	if (h->lock < 0)
		return -1;
	if (pod_ctr_reload(e, c, err) < 0)
		goto fail;
	h->path = pod_ctr_rootfs(e, c);
	if (!is_vfs(c) && !is_mountpoint(h->path)) {
		if (pod_ctr_rootfs_mount(e, c, err) < 0)
			goto fail;
		h->mounted = true;
	}
	h->rootfd = open(h->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (h->rootfd < 0) {
		pod_err_sys(err, "opening the rootfs %s", h->path);
		goto fail;
	}
	return 0;
fail:
	pod_ctr_fs_release(e, c, h);
	return -1;
}

void
pod_ctr_fs_release(struct pod_engine *e, struct pod_ctr *c, struct pod_ctr_fs_hold *h)
{
	struct pod_err *e2 = NULL;

	if (h->rootfd >= 0)
		close(h->rootfd);
	h->rootfd = -1;
	if (h->mounted && pod_ctr_rootfs_unmount(e, c, &e2) < 0) {
		pod_warn("unmounting the rootfs of %s: %s", c->id, e2->msg);
		pod_err_free(&e2);
	}
	h->mounted = false;
	if (h->lock >= 0)
		close(h->lock);
	h->lock = -1;
	free(h->path);
	h->path = NULL;
}

/* --- a tar producer in a child ------------------------------------------- */

int
pod_ctr_tar_pipe(const struct pod_ctr_tar_producer *p, pid_t *ret_pid, int *ret_fd,
		 int *ret_errfd, struct pod_err **err)
{
	int data[2], ep[2];
	pid_t pid;

	if (pipe2(data, O_CLOEXEC) < 0)
		return pod_err_sys(err, "pipe");
	if (pipe2(ep, O_CLOEXEC) < 0) {
		close(data[0]);
		close(data[1]);
		return pod_err_sys(err, "pipe");
	}
	pid = fork();
	if (pid < 0) {
		close(data[0]);
		close(data[1]);
		close(ep[0]);
		close(ep[1]);
		return pod_err_sys(err, "fork");
	}
	if (pid == 0) {
		struct pod_err *e2 = NULL;
		int r;

		signal(SIGPIPE, SIG_DFL);
		close(data[0]);
		close(ep[0]);
		if (p->fn)
			r = p->fn(p->data, data[1], &e2);
		else if (p->mode < 0)
			r = pod_tar_write_entry(p->dirfd, p->name, p->opts, data[1], &e2);
		else
			r = pod_layer_tar_from_dir(p->dirfd, (enum pod_tar_mode) p->mode, data[1],
						   POD_COMPRESSION_NONE, NULL, &e2);
		if (r < 0) {
			size_t len = strlen(e2->msg);

			if (write(ep[1], e2->msg, len) < 0)
				_exit(2);
			_exit(1);
		}
		_exit(0);
	}
	close(data[1]);
	close(ep[1]);
	*ret_pid = pid;
	*ret_fd = data[0];
	*ret_errfd = ep[0];
	return 0;
}

int
pod_ctr_tar_pipe_wait(pid_t pid, int errfd, struct pod_err **err)
{
	char msg[4096];
	ssize_t n;
	int status = 0;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return pod_err_sys(err, "waiting for the archiver");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	n = read(errfd, msg, sizeof(msg) - 1);
	if (n > 0) {
		msg[n] = '\0';
		return pod_err_set(err, POD_E_GENERIC, 0, "%s", msg);
	}
	return pod_err_set(err, POD_E_GENERIC, 0, "the archiver failed");
}

/* --- path resolution ------------------------------------------------------ */

/* "/a/b" with ".", "..", empty components applied lexically ("/.." is "/") */
static char *
clean_abs(const char *path)
{
	cleanup_strv char **parts = xcalloc(1, sizeof(char *));
	cleanup_free char *copy = xstrdup(path);
	struct pod_strbuf sb = POD_STRBUF_INIT;
	char *save = NULL;

	for (char *p = strtok_r(copy, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		size_t n = pod_strv_len(parts);

		if (STREQ(p, "."))
			continue;
		if (STREQ(p, "..")) {
			if (n) {
				free(parts[n - 1]);
				parts[n - 1] = NULL;
			}
			continue;
		}
		parts = pod_strv_push(parts, xstrdup(p));
	}
	for (char **p = parts; *p; p++)
		pod_strbuf_addf(&sb, "/%s", *p);
	if (!sb.len)
		pod_strbuf_addch(&sb, '/');
	return pod_strbuf_detach(&sb);
}

struct resolved {
	int pfd;    /* the parent directory (O_PATH) */
	char *base; /* "." for the root itself */
	char *path; /* the resolved path, for messages */
	struct stat st;
	bool exists;
};

static void
resolved_release(struct resolved *r)
{
	if (r->pfd >= 0)
		close(r->pfd);
	free(r->base);
	free(r->path);
	*r = (struct resolved){ .pfd = -1 };
}

/*
 * Resolves path below rootfd, following symlinks (the final one too) as if
 * rootfd were "/". Missing final component: exists false. Missing parent:
 * ENOENT error.
 */
static int
resolve(int rootfd, const char *path, struct resolved *ret, struct pod_err **err)
{
	cleanup_free char *cur = clean_abs(path);

	*ret = (struct resolved){ .pfd = -1 };
	for (int hops = 0; hops < 40; hops++) {
		char *slash = strrchr(cur, '/');
		cleanup_free char *dir = xstrndup(cur, (size_t) (slash - cur));
		const char *base = slash + 1;
		char target[PATH_MAX];
		ssize_t n;
		int pfd;

		if (!*base) {
			pfd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
			if (pfd < 0)
				return pod_err_sys(err, "dup");
			ret->pfd = pfd;
			ret->base = xstrdup(".");
			ret->path = xstrdup("/");
			ret->exists = fstat(pfd, &ret->st) == 0;
			return 0;
		}
		pfd = pod_openat_in_root(rootfd, *dir ? dir : "/", O_PATH | O_DIRECTORY, 0, err);
		if (pfd < 0)
			return -1;
		if (fstatat(pfd, base, &ret->st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT) {
				close(pfd);
				return pod_err_sys(err, "stat %s", cur);
			}
			ret->pfd = pfd;
			ret->base = xstrdup(base);
			ret->path = TAKE_PTR(cur);
			ret->exists = false;
			return 0;
		}
		if (!S_ISLNK(ret->st.st_mode)) {
			ret->pfd = pfd;
			ret->base = xstrdup(base);
			ret->path = TAKE_PTR(cur);
			ret->exists = true;
			return 0;
		}
		n = readlinkat(pfd, base, target, sizeof(target) - 1);
		close(pfd);
		if (n < 0)
			return pod_err_sys(err, "reading the link %s", cur);
		target[n] = '\0';
		{
			char *next = target[0] == '/' ? xstrdup(target)
						      : xasprintf("%s/%s", dir, target);
			free(cur);
			cur = clean_abs(next);
			free(next);
		}
	}
	errno = ELOOP;
	return pod_err_sys(err, "resolving %s", path);
}

/* --- cp ------------------------------------------------------------------ */

struct side {
	struct pod_ctr *ctr;
	struct pod_ctr_fs_hold hold;
	int rootfd; /* the rootfs, or the host's "/" */
	char *path; /* absolute */
	bool held;
};

static bool
ends_with_dot(const char *p)
{
	size_t n = strlen(p);

	return STREQ(p, ".") || (n >= 2 && STREQ(p + n - 2, "/."));
}

/* a deeper mount than *best at dest holding path: take it */
static void
take_mount(const char *path, const char *dest_raw, const char *src, bool ro, size_t *best,
	   bool *found, char **ret_src, char **ret_rest, bool *ret_ro)
{
	cleanup_free char *dest = clean_abs(dest_raw);
	size_t dl = STREQ(dest, "/") ? 0 : strlen(dest);

	if (strncmp(path, dest, dl) != 0 || (path[dl] && path[dl] != '/') || (*found && dl < *best))
		return;
	free(*ret_src);
	free(*ret_rest);
	*ret_src = xstrdup(src);
	*ret_rest = xstrdup(path[dl] ? path + dl : "/");
	*ret_ro = ro;
	*best = dl;
	*found = true;
}

/* the container's volume whose destination holds path (data.VolumeMounts:
 * named and anonymous volumes, --volumes-from binds) */
static void
volume_for(struct pod_engine *e, const struct pod_ctr *c, const char *path, size_t *best,
	   bool *found, char **ret_src, char **ret_rest, bool *ret_ro)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(c->data, "VolumeMounts"), i, v) {
		const char *dest = json_string_value(json_object_get(v, "Destination"));
		const char *type = json_string_value(json_object_get(v, "Type"));
		bool ro = !json_is_true(json_object_get(v, "RW"));

		if (!dest || !type)
			continue;
		if (STREQ(type, "volume")) {
			cleanup_volume struct pod_volume *vol = NULL;
			struct pod_err *e2 = NULL;

			if (pod_volume_get(e->store, json_string_value(json_object_get(v, "Name")), &vol,
					   &e2) < 0) {
				pod_err_free(&e2);
				continue;
			}
			take_mount(path, dest, vol->mountpoint, ro, best, found, ret_src, ret_rest,
				   ret_ro);
		} else if (json_is_string(json_object_get(v, "Source"))) {
			take_mount(path, dest, json_string_value(json_object_get(v, "Source")), ro,
				   best, found, ret_src, ret_rest, ret_ro);
		}
	}
}

/* the container's bind mount or volume whose destination holds path (the
 * deepest one); NULL when none. Malloc'd source, rest of the path and ro flag. */
static bool
bind_for(struct pod_engine *e, const struct pod_ctr *c, const char *path, char **ret_src,
	 char **ret_rest, bool *ret_ro)
{
	static const char *const keys[] = { "Volumes", "Mounts" };
	size_t best = 0;
	bool found = false;

	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		size_t i;
		json_t *v;

		json_array_foreach(json_object_get(c->settings, keys[k]), i, v) {
			struct pod_err *e2 = NULL;
			cleanup_json json_t *m = NULL;
			const char *type, *src;
			bool ro = false;
			json_t *o;
			size_t j;

			if (!json_is_string(v))
				continue;
			m = k == 0 ? pod_specgen_parse_volume(json_string_value(v), &e2)
				   : pod_specgen_parse_mount(json_string_value(v), &e2);
			if (!m) {
				pod_err_free(&e2);
				continue;
			}
			type = json_string_value(json_object_get(m, "type"));
			src = json_string_value(json_object_get(m, "source"));
			if (!type || !STREQ(type, "bind") || !src || src[0] != '/' ||
			    !json_is_string(json_object_get(m, "destination")))
				continue;
			json_array_foreach(json_object_get(m, "options"), j, o)
				if (json_is_string(o) && STREQ(json_string_value(o), "ro"))
					ro = true;
			take_mount(path, json_string_value(json_object_get(m, "destination")), src, ro,
				   &best, &found, ret_src, ret_rest, ret_ro);
		}
	}
	volume_for(e, c, path, &best, &found, ret_src, ret_rest, ret_ro);
	return found;
}

static int
side_open(struct pod_engine *e, const struct pod_cp_end *end, struct side *s, struct side *other,
	  bool writing, struct pod_err **err)
{
	s->rootfd = -1;
	s->ctr = end->ctr;
	if (end->ctr) {
		cleanup_free char *cpath = clean_abs(end->path);
		cleanup_free char *src = NULL, *rest = NULL;
		bool ro = false;

		if (other && other->ctr && STREQ(other->ctr->id, end->ctr->id)) {
			s->rootfd = fcntl(other->rootfd, F_DUPFD_CLOEXEC, 3);
		} else {
			if (pod_ctr_fs_hold(e, end->ctr, &s->hold, err) < 0)
				return -1;
			s->held = true;
			s->rootfd = fcntl(s->hold.rootfd, F_DUPFD_CLOEXEC, 3);
		}
		if (s->rootfd < 0)
			return pod_err_sys(err, "dup");
		s->path = end->path[0] == '/' ? xstrdup(end->path) : xasprintf("/%s", end->path);
		if (!bind_for(e, end->ctr, cpath, &src, &rest, &ro))
			return 0;
		/* a bind mount: its host directory is the root (like the mount is) */
		if (writing && ro)
			return pod_err_set(err, POD_E_INVALID, EROFS,
					   "\"%s\" is on a read-only mount of container %s",
					   end->path, end->name);
		{
			struct stat st;
			int fd;

			if (stat(src, &st) < 0)
				return pod_err_sys(err, "bind mount source %s", src);
			if (!S_ISDIR(st.st_mode)) {
				/* a file: its directory, the file under its own name */
				char *slash = strrchr(src, '/');
				cleanup_free char *base = xstrdup(slash + 1);

				*slash = '\0';
				free(rest);
				rest = xasprintf("/%s", base);
				fd = open(*src ? src : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
			} else {
				fd = open(src, O_PATH | O_DIRECTORY | O_CLOEXEC);
			}
			if (fd < 0)
				return pod_err_sys(err, "opening bind mount source %s", src);
			close(s->rootfd);
			s->rootfd = fd;
			/* keep a trailing "/" or "/." of what was given */
			free(s->path);
			{
				size_t n = strlen(end->path);

				s->path = ends_with_dot(end->path) ? xasprintf("%s/.", rest)
					  : n && end->path[n - 1] == '/' ? xasprintf("%s/", rest)
									 : xstrdup(rest);
			}
		}
		return 0;
	}
	s->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->rootfd < 0)
		return pod_err_sys(err, "opening /");
	if (end->path[0] == '/') {
		s->path = xstrdup(end->path);
	} else {
		char cwd[PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd)))
			return pod_err_sys(err, "getcwd");
		s->path = xasprintf("%s/%s", cwd, end->path);
	}
	return 0;
}

static void
side_close(struct pod_engine *e, struct side *s)
{
	if (s->rootfd >= 0)
		close(s->rootfd);
	if (s->held)
		pod_ctr_fs_release(e, s->ctr, &s->hold);
	free(s->path);
}

static int
not_found(const struct pod_cp_end *end, struct pod_err **err)
{
	if (end->ctr)
		return pod_err_set(err, POD_E_NOTFOUND, ENOENT,
				   "\"%s\" could not be found on container %s: no such file or "
				   "directory",
				   end->path, end->name);
	return pod_err_set(err, POD_E_NOTFOUND, ENOENT,
			   "\"%s\" could not be found on the host: no such file or directory",
			   end->path);
}

static char *
given_base(const char *p)
{
	cleanup_free char *c = clean_abs(p);
	const char *s = strrchr(c, '/');

	return xstrdup(s[1] ? s + 1 : ".");
}

static int
user_ids(struct pod_ctr *c, int rootfd, uid_t *uid, gid_t *gid, struct pod_err **err)
{
	const char *user = pod_ctr_setting_str(c, "User");
	cleanup_json json_t *gids = NULL;
	cleanup_free char *home = NULL;

	if (!user || !*user)
		user = json_string_value(
			json_object_get(json_object_get(c->data, "ImageConfig"), "User"));
	if (!user)
		user = "";
	return pod_specgen_resolve_user(rootfd, user, NULL, uid, gid, &gids, &home, err);
}

static int
feed(int fd, struct pod_layer_sink *sink, struct pod_err **err)
{
	char buf[1 << 16];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pod_err_sys(err, "reading the archive");
		if (n == 0)
			return 0;
		if (pod_layer_sink_write(sink, buf, (size_t) n, err) < 0)
			return -1;
	}
}

static int
copy_run(struct pod_engine *e, const struct pod_cp_end *src, const struct pod_cp_end *dst,
	 const struct pod_cp_opts *o, struct side *ss, struct side *ds, struct pod_err **err)
{
	struct resolved sr = { .pfd = -1 }, dr = { .pfd = -1 };
	struct pod_tar_entry_opts to = { 0 };
	struct pod_layer_opts lo = { .apply_whiteouts_by_delete = true };
	cleanup_free char *as = NULL;
	cleanup_close int srcfd = -1, xfd = -1, in = -1, errfd = -1;
	cleanup_(pod_layer_sink_freep) struct pod_layer_sink *sink = NULL;
	struct pod_layer_result res;
	bool stdin_src = !src->ctr && STREQ(src->path, "-");
	bool stdout_dst = !dst->ctr && STREQ(dst->path, "-");
	bool contents = false, src_dir = false;
	pid_t pid = -1;
	int r = -1;

	if (!stdin_src) {
		if (resolve(ss->rootfd, ss->path, &sr, err) < 0) {
			if ((*err)->errnum == ENOENT || (*err)->errnum == ENOTDIR) {
				pod_err_free(err);
				return not_found(src, err);
			}
			return -1;
		}
		if (!sr.exists) {
			r = not_found(src, err);
			goto out;
		}
		src_dir = S_ISDIR(sr.st.st_mode);
		contents = src_dir && (ends_with_dot(src->path) || STREQ(sr.base, "."));
		as = given_base(src->path);
		/* out of a container: the caller's files (into another container
		 * the owners go through, --archive decides there) */
		if (ss->ctr && !dst->ctr) {
			to.set_owner = true;
			to.uid = getuid();
			to.gid = getgid();
		}
	}
	if (stdout_dst) {
		if (contents) {
			srcfd = openat(sr.pfd, sr.base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (srcfd < 0) {
				r = pod_err_sys(err, "opening %s", sr.path);
				goto out;
			}
			r = pod_tar_write_entry(srcfd, NULL, &to, o->out_fd, err);
		} else {
			to.as = as;
			r = pod_tar_write_entry(sr.pfd, sr.base, &to, o->out_fd, err);
		}
		goto out;
	}

	if (resolve(ds->rootfd, ds->path, &dr, err) < 0) {
		if ((*err)->errnum == ENOENT || (*err)->errnum == ENOTDIR) {
			pod_err_free(err);
			r = not_found(dst, err);
		}
		goto out;
	}
	if (dr.exists && S_ISDIR(dr.st.st_mode)) {
		xfd = openat(dr.pfd, dr.base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	} else if (stdin_src) {
		r = dr.exists ? pod_err_set(err, POD_E_INVALID, 0,
					    "destination must be a directory when copying from "
					    "stdin")
			      : not_found(dst, err);
		goto out;
	} else if (dr.exists && src_dir) {
		r = pod_err_set(err, POD_E_INVALID, 0,
				"destination must be a directory when copying a directory");
		goto out;
	} else {
		size_t n = strlen(dst->path);

		if (!dr.exists && n && dst->path[n - 1] == '/') {
			r = not_found(dst, err);
			goto out;
		}
		/* a new (or overwritten) entry named after the destination */
		contents = false;
		free(as);
		as = xstrdup(dr.base);
		xfd = openat(dr.pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (xfd < 0) {
		r = pod_err_sys(err, "opening %s", dr.path);
		goto out;
	}
	lo.keep_types = !o->overwrite;
	if (dst->ctr && o->chown) {
		uid_t uid;
		gid_t gid;

		if (user_ids(dst->ctr, ds->rootfd, &uid, &gid, err) < 0)
			goto out;
		lo.set_owner = true;
		lo.owner_uid = uid;
		lo.owner_gid = gid;
	}
	sink = pod_layer_sink_new(xfd, &lo, err);
	if (!sink)
		goto out;
	if (stdin_src) {
		if (feed(o->in_fd, sink, err) < 0)
			goto out;
	} else {
		struct pod_ctr_tar_producer p = { .mode = -1, .opts = &to };

		if (contents) {
			srcfd = openat(sr.pfd, sr.base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (srcfd < 0) {
				r = pod_err_sys(err, "opening %s", sr.path);
				goto out;
			}
			p.dirfd = srcfd;
		} else {
			p.dirfd = sr.pfd;
			p.name = sr.base;
			to.as = as;
		}
		if (pod_ctr_tar_pipe(&p, &pid, &in, &errfd, err) < 0)
			goto out;
		if (feed(in, sink, err) < 0) {
			close(TAKE_FD(in));
			(void) pod_ctr_tar_pipe_wait(pid, errfd, &(struct pod_err *){ NULL });
			goto out;
		}
		close(TAKE_FD(in));
		if (pod_ctr_tar_pipe_wait(pid, errfd, err) < 0)
			goto out;
	}
	r = pod_layer_sink_finish(sink, &res, err);
out:
	resolved_release(&sr);
	resolved_release(&dr);
	return r;
}

int
pod_ctr_copy(struct pod_engine *e, const struct pod_cp_end *src, const struct pod_cp_end *dst,
	     const struct pod_cp_opts *o, struct pod_err **err)
{
	struct side ss = { .rootfd = -1 }, ds = { .rootfd = -1 };
	int r = -1;

	if (side_open(e, src, &ss, NULL, false, err) < 0 ||
	    side_open(e, dst, &ds, &ss, true, err) < 0)
		goto out;
	r = copy_run(e, src, dst, o, &ss, &ds, err);
	if (r < 0) {
		if (dst->ctr)
			pod_err_wrap(err, "copying to container %s", dst->name);
		else if (src->ctr)
			pod_err_wrap(err, "copying from container %s", src->name);
	}
out:
	side_close(e, &ds);
	side_close(e, &ss);
	return r;
}

/* --- export ------------------------------------------------------------- */

int
pod_ctr_export(struct pod_engine *e, struct pod_ctr *c, int out_fd, struct pod_err **err)
{
	struct pod_ctr_fs_hold h;
	int r;

	if (pod_ctr_fs_hold(e, c, &h, err) < 0)
		return -1;
	r = pod_tar_write_entry(h.rootfd, NULL, NULL, out_fd, err);
	pod_ctr_fs_release(e, c, &h);
	if (r < 0)
		return pod_err_wrap(err, "exporting container %s", c->id);
	return 0;
}

/* --- diff ------------------------------------------------------------------ */

struct change_cb {
	pod_ctr_change_fn cb;
	void *ctx;
};

static int
on_change(void *ctx, enum pod_change_kind kind, const char *path, struct pod_err **err)
{
	struct change_cb *c = ctx;

	return c->cb(c->ctx, (char) kind, path, err);
}

/* what the engine itself mounts over the rootfs is no change (as Podman) */
static int
on_ctr_change(void *ctx, enum pod_change_kind kind, const char *path, struct pod_err **err)
{
	static const char *const engine_paths[] = {
		"/dev",	 "/etc/hostname",      "/etc/hosts",   "/etc/resolv.conf", "/proc",
		"/run", "/run/.containerenv", "/run/secrets", "/sys",
	};

	for (size_t i = 0; i < ARRAY_SIZE(engine_paths); i++)
		if (STREQ(path, engine_paths[i]))
			return 0;
	return on_change(ctx, kind, path, err);
}

/* upper: an overlay upper dir, or with vfs the container's full rootfs */
static int
changes_over(const char *upper, char *const *lowers, bool vfs, pod_layer_change_fn fn,
	     pod_ctr_change_fn cb, void *ctx, struct pod_err **err)
{
	size_t n = pod_strv_len(lowers);
	cleanup_free int *fds = xcalloc(n + 1, sizeof(int));
	cleanup_close int ufd = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct change_cb cc = { cb, ctx };
	int r = -1;
	size_t i;

	if (ufd < 0)
		return pod_err_sys(err, "opening %s", upper);
	for (i = 0; i < n; i++) {
		fds[i] = open(lowers[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fds[i] < 0) {
			pod_err_sys(err, "opening %s", lowers[i]);
			goto out;
		}
	}
	r = vfs ? pod_ctr_vfs_changes(ufd, fds, n, fn, &cc, err)
		: pod_layer_changes(ufd, fds, n, fn, &cc, err);
out:
	while (i > 0)
		close(fds[--i]);
	return r;
}

int
pod_ctr_changes(struct pod_engine *e, struct pod_ctr *c, pod_ctr_change_fn cb, void *ctx,
		struct pod_err **err)
{
	cleanup_close int lock = -1;
	cleanup_strv char **lowers = NULL;
	cleanup_free char *dir = pod_ctr_dir(e, c->id);
	cleanup_free char *upper = pod_path_join(dir, is_vfs(c) ? "rootfs" : "upper");

	lock = pod_ctr_lock(e, c->id, err);
	if (lock < 0 || pod_ctr_reload(e, c, err) < 0)
		return -1;
	if (pod_ctr_image_layer_dirs(e, c->image_id, &lowers, err) < 0)
		return -1;
	if (access(upper, F_OK) < 0)
		return 0; /* never mounted: no change yet */
	return changes_over(upper, lowers, is_vfs(c), on_ctr_change, cb, ctx, err);
}

int
pod_image_changes(struct pod_engine *e, const char *image, pod_ctr_change_fn cb, void *ctx,
		  struct pod_err **err)
{
	cleanup_(pod_ctr_image_freep) struct pod_ctr_image *img = NULL;

	if (pod_ctr_image_lookup(e, image, &img, err) < 0)
		return -1;
	if (!img->layer_dirs[0])
		return 0;
	return changes_over(img->layer_dirs[0], img->layer_dirs + 1, false, on_change, cb, ctx,
			    err);
}
