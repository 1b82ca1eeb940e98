/* ctr_commit.c - `podman commit`: the container's changes as a new image layer */
#include "core/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "image/imagestore.h"
#include "image/manifest.h"
#include "runtime/cgroup.h"
#include "runtime/ctr-internal.h"
#include "runtime/ctr_fs.h"
#include "runtime/specgen.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static void
progress(const struct pod_commit_opts *o, const char *line)
{
	if (o->progress)
		o->progress(o->progress_ctx, line);
}

static int
feed_writer(int fd, struct pod_layer_writer *w, struct pod_err **err)
{
	char buf[1 << 16];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pod_err_sys(err, "reading the layer");
		if (n == 0)
			return 0;
		if (pod_layer_writer_write(w, buf, (size_t) n, err) < 0)
			return -1;
	}
}

struct vfs_layer {
	int rootfd;
	char **lowers;
	struct pod_tar_writer *w;
};

static int
vfs_entry(void *ctx, enum pod_change_kind kind, const char *path, struct pod_err **err)
{
	struct vfs_layer *v = ctx;
	const char *rel = path + 1;
	const char *slash = strrchr(rel, '/');
	cleanup_free char *dir = slash ? xstrndup(rel, (size_t) (slash - rel)) : xstrdup("/");
	cleanup_close int pfd = -1;

	if (kind == POD_CHANGE_DELETE)
		return pod_tar_writer_whiteout(v->w, rel, err);
	pfd = pod_openat_in_root(v->rootfd, dir, O_PATH | O_DIRECTORY, 0, err);
	if (pfd < 0)
		return -1;
	return pod_tar_writer_add(v->w, pfd, slash ? slash + 1 : rel, rel, err);
}

/* in the archiver child: the changes of a vfs rootfs as a layer tar */
static int
vfs_layer_tar(void *data, int out_fd, struct pod_err **err)
{
	struct vfs_layer *v = data;
	size_t n = pod_strv_len(v->lowers);
	cleanup_free int *fds = xcalloc(n + 1, sizeof(int));

	for (size_t i = 0; i < n; i++) {
		fds[i] = open(v->lowers[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fds[i] < 0)
			return pod_err_sys(err, "opening %s", v->lowers[i]);
	}
	v->w = pod_tar_writer_new(out_fd, err);
	if (!v->w)
		return -1;
	if (pod_ctr_vfs_changes(v->rootfd, fds, n, vfs_entry, v, err) < 0 ||
	    pod_tar_writer_finish(v->w, err) < 0)
		return -1;
	return 0;
}

/* the new layer: the upper dir (whiteouts as .wh. entries), or with squash
 * the whole merged tree */
static int
write_layer(struct pod_imagestore *is, int dirfd, bool squash, struct vfs_layer *vfs,
	    const char *parent, struct pod_layer_info *info, struct pod_err **err)
{
	struct pod_layer_add_opts lo = { .parent = squash ? NULL : parent };
	struct pod_ctr_tar_producer p = {
		.dirfd = dirfd,
		.mode = squash ? POD_TAR_PLAIN : POD_TAR_OVERLAY_UPPER,
	};
	cleanup_(pod_layer_writer_freep) struct pod_layer_writer *w = NULL;
	cleanup_close int in = -1, errfd = -1;
	pid_t pid;

	if (vfs && !squash) {
		p.fn = vfs_layer_tar;
		p.data = vfs;
	}
	if (pod_imagestore_layer_begin(is, &lo, &w, NULL, err) < 0)
		return -1;
	if (pod_ctr_tar_pipe(&p, &pid, &in, &errfd, err) < 0)
		return -1;
	if (feed_writer(in, w, err) < 0) {
		struct pod_err *e2 = NULL;

		close(TAKE_FD(in));
		if (pod_ctr_tar_pipe_wait(pid, errfd, &e2) < 0)
			pod_err_free(&e2);
		return -1;
	}
	if (pod_ctr_tar_pipe_wait(pid, errfd, err) < 0)
		return -1;
	return pod_layer_writer_commit(TAKE_PTR(w), info, err);
}

static void
set_strings(json_t *cfg, const char *key, json_t *v)
{
	if (json_is_array(v) && json_array_size(v))
		json_object_set(cfg, key, v);
}

/* what the container was created with becomes the image's defaults, as
 * Podman's commit does; --change is applied after */
static json_t *
new_config(const struct pod_ctr *c, const struct pod_image *img, const char *diff_id,
	   const struct pod_commit_opts *o, const char *created, struct pod_err **err)
{
	cleanup_json json_t *cfg = json_deep_copy(img->config);
	json_t *inner, *rootfs, *ids, *hist, *h, *labels;
	const char *s;

	if (!json_is_object(cfg))
		cfg = json_object();
	inner = json_object_get(cfg, "config");
	if (!json_is_object(inner)) {
		inner = json_object();
		json_object_set_new(cfg, "config", inner);
	}
	set_strings(inner, "Entrypoint", json_object_get(c->settings, "Entrypoint"));
	set_strings(inner, "Cmd", json_object_get(c->settings, "Command"));
	set_strings(inner, "Env", json_object_get(c->settings, "Env"));
	labels = json_object_get(c->settings, "Labels");
	if (json_is_object(labels) && json_object_size(labels)) {
		json_t *l = json_object_get(inner, "Labels");

		if (!json_is_object(l)) {
			l = json_object();
			json_object_set_new(inner, "Labels", l);
		}
		json_object_update(l, labels);
	}
	if ((s = pod_ctr_setting_str(c, "WorkingDir")) && *s)
		json_object_set_new(inner, "WorkingDir", pod_json_string(s));
	if ((s = pod_ctr_setting_str(c, "User")) && *s)
		json_object_set_new(inner, "User", pod_json_string(s));
	if (o->include_volumes) {
		size_t i;
		json_t *v;

		json_array_foreach(json_object_get(c->settings, "Volumes"), i, v) {
			struct pod_err *e2 = NULL;
			cleanup_json json_t *m = NULL;
			json_t *vols;

			if (!json_is_string(v) ||
			    !(m = pod_specgen_parse_volume(json_string_value(v), &e2))) {
				pod_err_free(&e2);
				continue;
			}
			vols = json_object_get(inner, "Volumes");
			if (!json_is_object(vols)) {
				vols = json_object();
				json_object_set_new(inner, "Volumes", vols);
			}
			json_object_set_new(vols, json_string_value(json_object_get(m, "destination")),
					    json_object());
		}
	}
	for (size_t i = 0; o->changes && o->changes[i]; i++)
		if (pod_image_config_apply_change(inner, o->changes[i], err) < 0)
			return NULL;

	json_object_set_new(cfg, "created", json_string(created));
	if (o->author && *o->author)
		json_object_set_new(cfg, "author", pod_json_string(o->author));
	if (!json_is_string(json_object_get(cfg, "architecture")))
		json_object_set_new(cfg, "architecture", json_string(pod_host_goarch()));
	if (!json_is_string(json_object_get(cfg, "os")))
		json_object_set_new(cfg, "os", json_string("linux"));
	rootfs = json_object();
	ids = json_array();
	if (!o->squash) {
		json_t *old = json_object_get(json_object_get(img->config, "rootfs"), "diff_ids");
		size_t i;
		json_t *v;

		json_array_foreach(old, i, v)
			if (json_is_string(v))
				json_array_append(ids, v);
	}
	json_array_append_new(ids, json_string(diff_id));
	json_object_set_new(rootfs, "type", json_string("layers"));
	json_object_set_new(rootfs, "diff_ids", ids);
	json_object_set_new(cfg, "rootfs", rootfs);
	hist = json_object_get(cfg, "history");
	if (o->squash || !json_is_array(hist)) {
		hist = json_array();
		json_object_set_new(cfg, "history", hist);
	}
	h = json_pack("{s:s, s:s}", "created", created, "created_by", "/bin/sh");
	if (o->author && *o->author)
		json_object_set_new(h, "author", pod_json_string(o->author));
	{
		const char *from = pod_ctr_str(c, "ImageName");
		cleanup_free char *cm = xasprintf("FROM %s", from && *from ? from : img->id);

		json_object_set_new(h, "comment", pod_json_string(cm));
	}
	json_array_append_new(hist, h);
	if (o->docker && o->message && *o->message)
		json_object_set_new(cfg, "comment", pod_json_string(o->message));
	return TAKE_PTR(cfg);
}

int
pod_ctr_commit(struct pod_engine *e, struct pod_ctr *c, const struct pod_commit_opts *o,
	       char **ret_id, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	cleanup_image struct pod_image *img = NULL;
	cleanup_free char *name = NULL, *created = NULL, *text = NULL, *id = NULL;
	cleanup_free char *dir = pod_ctr_dir(e, c->id), *cgpath = NULL, *line = NULL;
	cleanup_free char *upper = pod_path_join(dir, "upper");
	cleanup_json json_t *cfg = NULL;
	struct pod_cgroup *cg = NULL;
	struct pod_ctr_fs_hold h = { .lock = -1, .rootfd = -1 };
	struct pod_layer_info info;
	struct pod_image_commit ic = { 0 };
	char *names[2] = { NULL, NULL };
	cleanup_close int dirfd = -1;
	const char *driver = pod_ctr_str(c, "Driver");
	json_t *old_ids = NULL;
	bool vfs_driver = driver && STREQ(driver, "vfs");
	struct vfs_layer vfs = { .rootfd = -1 };
	int r = -1;

	if (o->name && *o->name && pod_image_normalize_name(o->name, &name, err) < 0)
		return -1;
	if (pod_imagestore_open(e->store, e->storage_driver, &is, err) < 0)
		return -1;
	if (pod_ctr_fs_hold(e, c, &h, err) < 0)
		return -1;
	if (pod_image_get(is, c->image_id, &img, err) < 0)
		goto out;
	old_ids = json_object_get(json_object_get(img->config, "rootfs"), "diff_ids");
	if (o->pause && c->state == POD_CTR_RUNNING && (cgpath = pod_ctr_cgroups_path(c))) {
		if (pod_cgroup_load(cgpath, &cg, err) < 0 || pod_cgroup_freeze(cg, true, err) < 0)
			goto out;
	}
	vfs.rootfd = h.rootfd;
	if (vfs_driver && pod_ctr_image_layer_dirs(e, c->image_id, &vfs.lowers, err) < 0)
		goto out;
	if (o->squash || vfs_driver) {
		dirfd = fcntl(h.rootfd, F_DUPFD_CLOEXEC, 3);
	} else {
		dirfd = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (dirfd < 0) {
		pod_err_sys(err, "opening %s", o->squash ? h.path : upper);
		goto out;
	}
	progress(o, "Getting image source signatures");
	if (write_layer(is, dirfd, o->squash, vfs_driver ? &vfs : NULL, img->top_layer, &info,
			err) < 0)
		goto out;
	if (cg) {
		struct pod_err *e2 = NULL;

		if (pod_cgroup_freeze(cg, false, &e2) < 0) {
			pod_warn("unpausing %s: %s", c->id, e2->msg);
			pod_err_free(&e2);
		}
		cg = pod_cgroup_free(cg);
	}
	if (!o->squash)
		for (size_t i = 0; i < json_array_size(old_ids); i++) {
			const char *d = json_string_value(json_array_get(old_ids, i));

			line = xasprintf("Copying blob %s", d ? d : "");
			progress(o, line);
			free(TAKE_PTR(line));
		}
	line = xasprintf("Copying blob %s", info.diff_id);
	progress(o, line);
	created = pod_format_rfc3339(pod_now_ns());
	cfg = new_config(c, img, info.diff_id, o, created, err);
	if (!cfg)
		goto out;
	text = json_dumps(cfg, JSON_COMPACT);
	names[0] = name;
	ic.config = text;
	ic.config_len = strlen(text);
	ic.manifest_type = o->docker ? POD_MT_DOCKER_MANIFEST : POD_MT_OCI_MANIFEST;
	ic.names = name ? names : NULL;
	if (pod_imagestore_commit_image(is, &ic, &id, err) < 0)
		goto out;
	free(line);
	line = xasprintf("Copying config sha256:%s", id);
	progress(o, line);
	progress(o, "Writing manifest to image destination");
	progress(o, "Storing signatures");
	pod_ctr_event(e, c, "commit", 0);
	*ret_id = TAKE_PTR(id);
	r = 0;
out:
	if (cg) {
		struct pod_err *e2 = NULL;

		if (pod_cgroup_freeze(cg, false, &e2) < 0)
			pod_err_free(&e2);
		pod_cgroup_free(cg);
	}
	pod_ctr_fs_release(e, c, &h);
	pod_strv_free(vfs.lowers);
	if (r < 0)
		pod_err_wrap(err, "committing container %s", c->id);
	return r;
}
