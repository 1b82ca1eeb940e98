/*
 * imagestore.c - image rows, names, lookup, commit, removal and garbage
 * collection. Layer writing is in imagestore-layer.c, the JSON views in
 * imagestore-json.c.
 */
#include "core/fs.h"
#include "core/id.h"
#include "core/json.h"
#include "core/lock.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "image/digest.h"
#include "image/imagestore-int.h"
#include "image/imgmount.h"
#include "image/manifest.h"
#include "image/prune.h"
#include "image/reference.h"
#include "store/events.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define MT_DOCKER_LAYER_TAR "application/vnd.docker.image.rootfs.diff.tar"

/* ---- small helpers ---- */

static bool
is_hex64(const char *s)
{
	return s && pod_id_is_full(s);
}

const char *
pod_imagestore_hex(const char *id)
{
	if (!id)
		return NULL;
	if (pod_str_has_prefix(id, "sha256:"))
		id += 7;
	return is_hex64(id) ? id : NULL;
}

static char **
strv_from_json(json_t *a)
{
	char **v = xcalloc(1, sizeof(char *));
	size_t i;
	json_t *e;

	json_array_foreach(a, i, e) {
		if (json_is_string(e))
			v = pod_strv_push(v, xstrdup(json_string_value(e)));
	}
	return v;
}

static json_t *
json_from_strv(char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, pod_json_string(v[i]));
	return a;
}

/* ---- open, close, locks ---- */

int
pod_imagestore_open(struct pod_store *s, const char *driver, struct pod_imagestore **ret,
		    struct pod_err **err)
{
	const struct pod_paths *p = pod_store_paths(s);
	struct pod_imagestore *is = xcalloc(1, sizeof(*is));

	is->store = s;
	is->root = xstrdup(p->root);
	is->layers_dir = pod_path_join(p->root, "layers");
	is->locks_dir = pod_path_join(is->layers_dir, ".locks");
	is->blobs_dir = pod_path_join(p->root, "blobs/sha256");
	is->driver = xstrdup(driver && *driver ? driver : "overlay");
	is->userxattr = p->rootless;
	is->gc_lock = -1;
	*ret = is;
	return 0;
}

int
pod_imagestore_open_root(const char *root, const char *runroot, const char *driver,
			 bool readonly, struct pod_imagestore **ret, struct pod_err **err)
{
	struct pod_paths p = { 0 };
	struct pod_store *s = NULL;
	int rc;

	if (pod_paths_resolve(root, runroot, &p, err) < 0)
		return -1;
	rc = pod_store_open(&p, readonly ? POD_STORE_READONLY : 0, &s, err);
	pod_paths_release(&p);
	if (rc < 0)
		return -1;
	if (pod_imagestore_open(s, driver, ret, err) < 0) {
		pod_store_close(s);
		return -1;
	}
	(*ret)->owned_store = s;
	return 0;
}

struct pod_imagestore *
pod_imagestore_close(struct pod_imagestore *is)
{
	if (!is)
		return NULL;
	pod_lock_release(is->gc_lock);
	pod_store_close(is->owned_store);
	free(is->root);
	free(is->layers_dir);
	free(is->locks_dir);
	free(is->blobs_dir);
	free(is->driver);
	free(is);
	return NULL;
}

void
pod_imagestore_closep(struct pod_imagestore **is)
{
	*is = pod_imagestore_close(*is);
}

struct pod_store *
pod_imagestore_store(struct pod_imagestore *is)
{
	return is->store;
}

int
pod_imagestore_lock(struct pod_imagestore *is, const char *what, bool wait, struct pod_err **err)
{
	cleanup_free char *path = pod_path_join(is->locks_dir, what);

	if (pod_mkdir_p(is->locks_dir, 0700, err) < 0)
		return -1;
	return pod_lock_open(path, true, wait, err);
}

int
pod_imagestore_writing(struct pod_imagestore *is, struct pod_err **err)
{
	cleanup_free char *path = NULL;

	if (is->gc_lock >= 0)
		return 0;
	if (pod_store_is_readonly(is->store))
		return pod_err_set(err, POD_E_INVALID, EROFS, "the image store is read-only");
	if (pod_mkdir_p(is->locks_dir, 0700, err) < 0)
		return -1;
	path = pod_path_join(is->locks_dir, "gc");
	is->gc_lock = pod_lock_open(path, false, true, err);
	return is->gc_lock < 0 ? -1 : 0;
}

int
pod_imagestore_tmp_new(struct pod_imagestore *is, char **ret_name, int *ret_lock,
		       struct pod_err **err)
{
	for (int tries = 0; tries < 16; tries++) {
		char id[POD_ID_LEN + 1];
		cleanup_free char *name = NULL, *lname = NULL, *path = NULL;
		int fd;

		pod_id_new(id);
		id[16] = 0;
		name = xasprintf(".tmp-%s", id);
		lname = xasprintf("tmp-%s", id);
		fd = pod_imagestore_lock(is, lname, false, err);
		if (fd < 0)
			return -1;
		path = pod_path_join(is->layers_dir, name);
		if (mkdir(path, 0700) < 0) {
			pod_lock_release(fd);
			if (errno == EEXIST)
				continue;
			return pod_err_sys(err, "creating %s", path);
		}
		*ret_name = TAKE_PTR(name);
		*ret_lock = fd;
		return 0;
	}
	return pod_err_set(err, POD_E_GENERIC, EEXIST, "no free temporary layer name");
}

void
pod_imagestore_tmp_remove(struct pod_imagestore *is, const char *name)
{
	cleanup_free char *path = pod_path_join(is->layers_dir, name);
	cleanup_free char *lock = NULL;
	struct pod_err *e = NULL;

	if (pod_rm_rf(path, &e) < 0) {
		pod_debug("removing %s: %s", path, e->msg);
		pod_err_free(&e);
	}
	if (pod_str_has_prefix(name, ".tmp-")) {
		lock = xasprintf("%s/tmp-%s", is->locks_dir, name + 5);
		(void) unlink(lock);
	}
}

static int
layer_row_exists(struct pod_imagestore *is, const char *id, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st =
		pod_store_prepare(is->store, "SELECT 1 FROM layers WHERE id = ?1", err);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return pod_store_sqlite_err(is->store, err, "reading layer %s", id);
}

/* moves layers/ID aside and removes it; the caller holds the layer lock */
static int
layer_dir_remove_locked(struct pod_imagestore *is, const char *id, struct pod_err **err)
{
	cleanup_free char *dir = pod_path_join(is->layers_dir, id);
	cleanup_free char *tmp = NULL;
	struct stat st;
	int tlock = -1;

	if (lstat(dir, &st) < 0)
		return errno == ENOENT ? 0 : pod_err_sys(err, "removing layer %s", id);
	if (pod_imagestore_tmp_new(is, &tmp, &tlock, err) < 0)
		return -1;
	cleanup_free char *tpath = pod_path_join(is->layers_dir, tmp);

	/* the fresh tmp dir is empty: rename(2) replaces an empty directory */
	if (rename(dir, tpath) < 0) {
		int e = errno;

		pod_imagestore_tmp_remove(is, tmp);
		pod_lock_release(tlock);
		errno = e;
		return pod_err_sys(err, "removing layer %s", id);
	}
	pod_imagestore_tmp_remove(is, tmp);
	pod_lock_release(tlock);
	return 0;
}

int
pod_imagestore_layer_rmdir(struct pod_imagestore *is, const char *id, bool wait,
			   struct pod_err **err)
{
	int rc;

	if (!wait)
		return layer_dir_remove_locked(is, id, err);
	cleanup_lock int lk = pod_imagestore_lock(is, id, true, err);

	if (lk < 0)
		return -1;
	rc = layer_row_exists(is, id, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return layer_dir_remove_locked(is, id, err);
}

/* ---- paths and blobs ---- */

char *
pod_imagestore_layer_dir(struct pod_imagestore *is, const char *layer_id)
{
	const char *hex = pod_imagestore_hex(layer_id);

	return xasprintf("%s/%s/diff", is->layers_dir, hex ? hex : layer_id);
}

char *
pod_imagestore_blob_path(struct pod_imagestore *is, const char *digest)
{
	const char *hex = pod_imagestore_hex(digest);

	return pod_path_join(is->blobs_dir, hex ? hex : digest);
}

int
pod_imagestore_read_blob(struct pod_imagestore *is, const char *digest, char **ret,
			 size_t *ret_len, struct pod_err **err)
{
	cleanup_free char *path = NULL;

	if (!pod_imagestore_hex(digest))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid digest \"%s\"", digest);
	path = pod_imagestore_blob_path(is, digest);
	return pod_read_file(path, ret, ret_len, POD_MANIFEST_MAX, err);
}

static int
write_blob(struct pod_imagestore *is, const char *data, size_t len, const char *digest,
	   struct pod_err **err)
{
	cleanup_free char *path = pod_imagestore_blob_path(is, digest);

	if (access(path, F_OK) == 0)
		return 0;
	if (pod_mkdir_p(is->blobs_dir, 0700, err) < 0)
		return -1;
	return pod_write_file_atomic(path, data, len, 0600, err);
}

/* ---- struct pod_image ---- */

struct pod_image *
pod_image_free(struct pod_image *img)
{
	if (!img)
		return NULL;
	free(img->id);
	pod_strv_free(img->names);
	free(img->digest);
	pod_strv_free(img->digests);
	free(img->manifest_type);
	free(img->config_digest);
	json_decref(img->config);
	free(img->top_layer);
	pod_strv_free(img->layers);
	pod_strv_free(img->diff_ids);
	pod_strv_free(img->names_history);
	free(img->driver);
	free(img);
	return NULL;
}

void
pod_image_freep(struct pod_image **img)
{
	*img = pod_image_free(*img);
}

void
pod_image_list_free(struct pod_image **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		pod_image_free(v[i]);
	free(v);
}

static char *
col_text(sqlite3_stmt *st, int i)
{
	const char *v = (const char *) sqlite3_column_text(st, i);

	return v ? xstrdup(v) : NULL;
}

static int
image_names(struct pod_imagestore *is, const char *id, char ***ret, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		is->store, "SELECT name FROM image_names WHERE image_id = ?1 ORDER BY rowid", err);
	cleanup_strv char **v = xcalloc(1, sizeof(char *));
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		v = pod_strv_push(v, col_text(st, 0));
	if (rc != SQLITE_DONE)
		return pod_store_sqlite_err(is->store, err, "reading the names of image %s", id);
	*ret = TAKE_PTR(v);
	return 0;
}

#define IMAGE_COLS "id, digest, manifest_type, config_digest, top_layer, size, created, data"

static int
image_from_row(struct pod_imagestore *is, sqlite3_stmt *st, struct pod_image **ret,
	       struct pod_err **err)
{
	cleanup_image struct pod_image *img = xcalloc(1, sizeof(*img));
	const char *data = (const char *) sqlite3_column_text(st, 7);
	cleanup_json json_t *d = data ? json_loads(data, 0, NULL) : NULL;
	cleanup_free char *cfg = NULL;
	size_t cfg_len = 0;

	img->id = col_text(st, 0);
	img->digest = col_text(st, 1);
	img->manifest_type = col_text(st, 2);
	img->config_digest = col_text(st, 3);
	img->top_layer = col_text(st, 4);
	img->size = sqlite3_column_int64(st, 5);
	img->created = sqlite3_column_int64(st, 6);
	img->digests = strv_from_json(json_object_get(d, "digests"));
	img->layers = strv_from_json(json_object_get(d, "layers"));
	img->diff_ids = strv_from_json(json_object_get(d, "diff_ids"));
	img->names_history = strv_from_json(json_object_get(d, "names_history"));
	img->stored = json_integer_value(json_object_get(d, "stored"));
	img->driver = xstrdup(json_string_value(json_object_get(d, "driver"))
				      ? json_string_value(json_object_get(d, "driver"))
				      : "overlay");
	if (!img->config_digest)
		img->config_digest = xasprintf("sha256:%s", img->id);
	if (image_names(is, img->id, &img->names, err) < 0)
		return -1;
	if (pod_imagestore_read_blob(is, img->config_digest, &cfg, &cfg_len, err) < 0)
		return pod_err_wrap(err, "reading the config of image %s", img->id);
	img->config = json_loadb(cfg, cfg_len, 0, NULL);
	if (!json_is_object(img->config)) {
		json_decref(img->config);
		img->config = json_object();
	}
	*ret = TAKE_PTR(img);
	return 0;
}

static int
not_known(const char *q, struct pod_err **err)
{
	return pod_err_set(err, POD_E_NOTFOUND, 0, "%s: image not known", q);
}

int
pod_image_get(struct pod_imagestore *is, const char *id, struct pod_image **ret,
	      struct pod_err **err)
{
	const char *hex = pod_imagestore_hex(id);
	cleanup_stmt sqlite3_stmt *st = NULL;
	int rc;

	if (!hex)
		return not_known(id, err);
	st = pod_store_prepare(is->store, "SELECT " IMAGE_COLS " FROM images WHERE id = ?1", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return not_known(id, err);
	if (rc != SQLITE_ROW)
		return pod_store_sqlite_err(is->store, err, "reading image %s", hex);
	return image_from_row(is, st, ret, err);
}

int
pod_image_list(struct pod_imagestore *is, struct pod_image ***ret, size_t *ret_n,
	       struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		is->store,
		"SELECT " IMAGE_COLS " FROM images"
		" ORDER BY json_extract(data, '$.stored') DESC, id",
		err);
	struct pod_image **v = NULL;
	size_t n = 0;
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pod_image *img = NULL;

		if (image_from_row(is, st, &img, err) < 0) {
			pod_image_list_free(v, n);
			return -1;
		}
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = img;
	}
	if (rc != SQLITE_DONE) {
		pod_image_list_free(v, n);
		return pod_store_sqlite_err(is->store, err, "listing images");
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

bool
pod_image_is_intermediate(const struct pod_image *img, struct pod_image *const *all, size_t n)
{
	size_t len = pod_strv_len(img->layers);

	if (pod_strv_len(img->names) > 0 || len == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct pod_image *o = all[i];

		if (o == img || STREQ(o->id, img->id) || pod_strv_len(o->layers) <= len)
			continue;
		if (STREQ(o->layers[len - 1], img->layers[len - 1]))
			return true;
	}
	return false;
}

int
pod_image_containers(struct pod_imagestore *is, const struct pod_image *img, char ***ret,
		     struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		is->store, "SELECT id FROM containers WHERE image_id = ?1 ORDER BY created", err);
	cleanup_strv char **v = xcalloc(1, sizeof(char *));
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, img->id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		v = pod_strv_push(v, col_text(st, 0));
	if (rc != SQLITE_DONE)
		return pod_store_sqlite_err(is->store, err, "listing the containers of image %s",
					    img->id);
	*ret = TAKE_PTR(v);
	return 0;
}

int
pod_image_layer_dirs(struct pod_imagestore *is, const struct pod_image *img,
		     char ***ret_top_first, struct pod_err **err)
{
	size_t n = pod_strv_len(img->layers);
	cleanup_strv char **v = xcalloc(n + 1, sizeof(char *));

	for (size_t i = 0; i < n; i++) {
		char *d = pod_imagestore_layer_dir(is, img->layers[n - 1 - i]);
		struct stat st;

		if (stat(d, &st) < 0 || !S_ISDIR(st.st_mode)) {
			pod_err_sys(err, "layer %s of image %s", img->layers[n - 1 - i], img->id);
			free(d);
			return -1;
		}
		v[i] = d;
	}
	*ret_top_first = TAKE_PTR(v);
	return 0;
}

/* ---- lookup ---- */

/* 1 with *ret_id set, 0 none */
static int
id_by_name(struct pod_imagestore *is, const char *name, char **ret_id, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		is->store, "SELECT image_id FROM image_names WHERE name = ?1", err);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return pod_store_sqlite_err(is->store, err, "looking up \"%s\"", name);
	*ret_id = col_text(st, 0);
	return 1;
}

/* "repo" part of a stored name (without tag and digest) */
static char *
name_repo(const char *name)
{
	const char *at = strchr(name, '@');
	size_t n = at ? (size_t) (at - name) : strlen(name);
	const char *slash = memrchr(name, '/', n);
	const char *colon = memrchr(name, ':', n);

	if (colon && (!slash || colon > slash))
		n = (size_t) (colon - name);
	return xstrndup(name, n);
}

static const char *
name_tag(const char *name)
{
	const char *at = strchr(name, '@');
	size_t n = at ? (size_t) (at - name) : strlen(name);
	const char *slash = memrchr(name, '/', n);
	const char *colon = memrchr(name, ':', n);

	if (colon && (!slash || colon > slash))
		return colon + 1;
	return NULL;
}

/*
 * Stored names whose repository ends in "/PATH" with tag TAG (short-name
 * matching); more than one image is an ambiguity.
 */
static int
lookup_suffix(struct pod_imagestore *is, const char *q, const char *path, const char *tag,
	      const char *digest, char **ret_id, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		is->store, "SELECT name, image_id FROM image_names ORDER BY rowid", err);
	cleanup_free char *found = NULL, *suffix = xasprintf("/%s", path);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *) sqlite3_column_text(st, 0);
		const char *id = (const char *) sqlite3_column_text(st, 1);
		cleanup_free char *repo = name_repo(name);
		const char *t = name_tag(name);

		if (!pod_str_has_suffix(repo, suffix))
			continue;
		if (!digest && (!t || !STREQ(t, tag)))
			continue;
		if (digest) {
			cleanup_image struct pod_image *img = NULL;

			if (pod_image_get(is, id, &img, err) < 0)
				return -1;
			if (!pod_strv_contains(img->digests, digest))
				continue;
		}
		if (found && !STREQ(found, id))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "short name \"%s\" matches more than one image "
					   "(%.12s and %.12s): use a fully qualified name or an ID",
					   q, found, id);
		if (!found)
			found = xstrdup(id);
	}
	if (rc != SQLITE_DONE)
		return pod_store_sqlite_err(is->store, err, "looking up \"%s\"", q);
	if (!found)
		return 0;
	*ret_id = TAKE_PTR(found);
	return 1;
}

/* an image that has name's repository and the digest */
static int
lookup_digest(struct pod_imagestore *is, const struct pod_ref *r, const char *q, char **ret_id,
	      struct pod_err **err)
{
	cleanup_free char *repo_given = NULL;
	struct pod_ref noid = *r;
	cleanup_stmt sqlite3_stmt *st = NULL;
	int rc;

	noid.tag = NULL;
	noid.digest = NULL;
	repo_given = pod_ref_string(&noid);
	st = pod_store_prepare(is->store, "SELECT id FROM images ORDER BY id", err);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cleanup_image struct pod_image *img = NULL;

		if (pod_image_get(is, (const char *) sqlite3_column_text(st, 0), &img, err) < 0)
			return -1;
		if (!pod_strv_contains(img->digests, r->digest))
			continue;
		for (size_t i = 0; img->names[i]; i++) {
			cleanup_free char *repo = name_repo(img->names[i]);
			cleanup_free char *lh = xasprintf("localhost/%s", repo_given);
			cleanup_free char *dh = xasprintf("docker.io/%s%s",
							  strchr(repo_given, '/') ? "" : "library/",
							  repo_given);

			if (STREQ(repo, repo_given) || STREQ(repo, lh) ||
			    (!r->domain && STREQ(repo, dh))) {
				*ret_id = xstrdup(img->id);
				return 1;
			}
		}
	}
	if (rc != SQLITE_DONE)
		return pod_store_sqlite_err(is->store, err, "looking up \"%s\"", q);
	return 0;
}

static int
lookup_id(struct pod_imagestore *is, const char *q, char **ret_id, struct pod_err **err)
{
	const char *hex = pod_str_has_prefix(q, "sha256:") ? q + 7 : q;
	cleanup_free char *found = NULL;
	struct pod_err *e = NULL;

	if (!pod_id_is_prefix(hex))
		return 0;
	if (pod_store_resolve(is->store, POD_OBJ_IMAGE, hex, &found, &e) < 0) {
		if (e->kind == POD_E_NOTFOUND) {
			pod_err_free(&e);
			return 0;
		}
		*err = e;
		return -1;
	}
	*ret_id = TAKE_PTR(found);
	return 1;
}

static int
resolve(struct pod_imagestore *is, const char *q, char **ret_id, struct pod_err **err)
{
	struct pod_ref r = { 0 };
	struct pod_err *e = NULL;
	const char *hex = pod_imagestore_hex(q);
	int rc;

	if (!q || !*q)
		return not_known(q ? q : "", err);
	/* a full ID, also as sha256:ID */
	if (hex) {
		cleanup_image struct pod_image *img = NULL;

		if (pod_image_get(is, hex, &img, &e) == 0) {
			*ret_id = xstrdup(img->id);
			return 0;
		}
		pod_err_free(&e);
		if (pod_str_has_prefix(q, "sha256:"))
			return not_known(q, err);
	}
	if ((rc = id_by_name(is, q, ret_id, err)) != 0)
		return rc < 0 ? -1 : 0;
	if (pod_ref_parse(q, &r, &e) == 0) {
		const char *tag = r.tag ? r.tag : "latest";
		cleanup_free char *cand = NULL;

		rc = 0;
		if (r.digest) {
			rc = lookup_digest(is, &r, q, ret_id, err);
		} else if (!r.domain) {
			cand = xasprintf("localhost/%s:%s", r.path, tag);
			rc = id_by_name(is, cand, ret_id, err);
			if (rc == 0) {
				free(cand);
				cand = xasprintf("docker.io/%s%s:%s",
						 strchr(r.path, '/') ? "" : "library/", r.path, tag);
				rc = id_by_name(is, cand, ret_id, err);
			}
			if (rc == 0)
				rc = lookup_id(is, q, ret_id, err);
			if (rc == 0)
				rc = lookup_suffix(is, q, r.path, tag, NULL, ret_id, err);
		} else {
			struct pod_ref n = { 0 };

			if (pod_ref_parse_normalized(q, &n, &e) == 0) {
				cand = pod_ref_string(&n);
				rc = id_by_name(is, cand, ret_id, err);
				pod_ref_release(&n);
			} else {
				pod_err_free(&e);
			}
		}
		pod_ref_release(&r);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	} else {
		pod_err_free(&e);
	}
	if ((rc = lookup_id(is, q, ret_id, err)) != 0)
		return rc < 0 ? -1 : 0;
	return not_known(q, err);
}

int
pod_image_lookup(struct pod_imagestore *is, const char *name_or_id, struct pod_image **ret,
		 struct pod_err **err)
{
	cleanup_free char *id = NULL;

	if (resolve(is, name_or_id, &id, err) < 0)
		return -1;
	return pod_image_get(is, id, ret, err);
}

int
pod_image_exists(struct pod_imagestore *is, const char *name_or_id, struct pod_err **err)
{
	cleanup_free char *id = NULL;
	struct pod_err *e = NULL;

	if (resolve(is, name_or_id, &id, &e) == 0)
		return 1;
	if (e->kind == POD_E_NOTFOUND) {
		pod_err_free(&e);
		return 0;
	}
	*err = e;
	return -1;
}

/* ---- names ---- */

int
pod_image_normalize_name(const char *name, char **ret, struct pod_err **err)
{
	struct pod_ref r = { 0 };
	char *s;

	if (pod_ref_parse(name, &r, err) < 0)
		return -1;
	if (r.digest) {
		pod_ref_release(&r);
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s: tag by digest not supported", name);
	}
	if (!r.domain) {
		r.domain = xstrdup("localhost");
	} else if (STREQ(r.domain, "docker.io") || STREQ(r.domain, "index.docker.io")) {
		free(r.domain);
		r.domain = xstrdup("docker.io");
		if (!strchr(r.path, '/')) {
			char *p = xasprintf("library/%s", r.path);

			free(r.path);
			r.path = p;
		}
	}
	if (!r.tag)
		r.tag = xstrdup("latest");
	s = pod_ref_string(&r);
	pod_ref_release(&r);
	*ret = s;
	return 0;
}

static int
exec_bind2(struct pod_imagestore *is, const char *sql, const char *a, const char *b,
	   struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(is->store, sql, err);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return pod_store_sqlite_err(is->store, err, "updating image names");
	return 0;
}

static json_t *
image_data(struct pod_imagestore *is, const char *id, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st =
		pod_store_prepare(is->store, "SELECT data FROM images WHERE id = ?1", err);
	const char *t;
	json_t *d;
	int rc;

	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		not_known(id, err);
		return NULL;
	}
	if (rc != SQLITE_ROW) {
		pod_store_sqlite_err(is->store, err, "reading image %s", id);
		return NULL;
	}
	t = (const char *) sqlite3_column_text(st, 0);
	d = t ? json_loads(t, 0, NULL) : NULL;
	if (!json_is_object(d)) {
		json_decref(d);
		d = json_object();
	}
	return d;
}

static int
image_data_set(struct pod_imagestore *is, const char *id, json_t *d, struct pod_err **err)
{
	cleanup_free char *t = json_dumps(d, JSON_COMPACT);

	return exec_bind2(is, "UPDATE images SET data = ?2 WHERE id = ?1", id, t, err);
}

/* inside a transaction: name -> image id, recorded in its names history */
static int
assign_name(struct pod_imagestore *is, const char *id, const char *name, struct pod_err **err)
{
	cleanup_free char *owner = NULL;
	cleanup_json json_t *d = NULL;
	json_t *h, *nh;
	size_t i;
	json_t *e;
	int rc = id_by_name(is, name, &owner, err);

	if (rc < 0)
		return -1;
	if (rc > 0 && STREQ(owner, id))
		return 0;
	if (exec_bind2(is, "DELETE FROM image_names WHERE name = ?1", name, NULL, err) < 0 ||
	    exec_bind2(is, "INSERT INTO image_names (name, image_id) VALUES (?1, ?2)", name, id,
		       err) < 0)
		return -1;
	d = image_data(is, id, err);
	if (!d)
		return -1;
	h = json_object_get(d, "names_history");
	nh = json_array();
	json_array_append_new(nh, json_string(name));
	json_array_foreach(h, i, e) {
		if (json_is_string(e) && !STREQ(json_string_value(e), name))
			json_array_append(nh, e);
	}
	json_object_set_new(d, "names_history", nh);
	return image_data_set(is, id, d, err);
}

static void
image_event(struct pod_imagestore *is, const char *id, const char *name, const char *status)
{
	struct pod_event ev = { .type = "image", .status = status, .id = id, .name = name };

	pod_event_emit(is->store, &ev);
}

int
pod_image_tag(struct pod_imagestore *is, const struct pod_image *img, const char *name,
	      struct pod_err **err)
{
	cleanup_free char *n = NULL;

	if (pod_image_normalize_name(name, &n, err) < 0)
		return -1;
	if (pod_imagestore_writing(is, err) < 0 || pod_store_begin(is->store, true, err) < 0)
		return -1;
	if (assign_name(is, img->id, n, err) < 0) {
		pod_store_rollback(is->store);
		return -1;
	}
	if (pod_store_commit(is->store, err) < 0)
		return -1;
	image_event(is, img->id, name, "tag");
	return 0;
}

int
pod_image_untag(struct pod_imagestore *is, const struct pod_image *img, const char *name,
		struct pod_err **err)
{
	cleanup_free char *n = NULL;
	cleanup_free char *owner = NULL;
	int rc;

	if (name && pod_image_normalize_name(name, &n, err) < 0)
		return -1;
	if (pod_imagestore_writing(is, err) < 0 || pod_store_begin(is->store, true, err) < 0)
		return -1;
	if (!n) {
		if (exec_bind2(is, "DELETE FROM image_names WHERE image_id = ?1", img->id, NULL,
			       err) < 0)
			goto fail;
		if (pod_store_commit(is->store, err) < 0)
			return -1;
		for (size_t i = 0; img->names && img->names[i]; i++)
			image_event(is, img->id, img->names[i], "untag");
		return 0;
	}
	rc = id_by_name(is, n, &owner, err);
	if (rc < 0)
		goto fail;
	if (rc == 0 || !STREQ(owner, img->id)) {
		pod_store_rollback(is->store);
		return pod_err_set(err, POD_E_NOTFOUND, 0, "%s: tag not known", n);
	}
	if (exec_bind2(is, "DELETE FROM image_names WHERE name = ?1", n, NULL, err) < 0)
		goto fail;
	if (pod_store_commit(is->store, err) < 0)
		return -1;
	image_event(is, img->id, n, "untag");
	return 0;
fail:
	pod_store_rollback(is->store);
	return -1;
}

/* ---- commit ---- */

static char **
chain_ids(json_t *diff_ids)
{
	char **v = xcalloc(1, sizeof(char *));
	char prev[POD_DIGEST_BUF] = "";
	size_t i;
	json_t *e;

	json_array_foreach(diff_ids, i, e) {
		char c[POD_DIGEST_BUF];

		pod_chain_id(*prev ? prev : NULL, json_string_value(e), c);
		memcpy(prev, c, sizeof(prev));
		v = pod_strv_push(v, xstrdup(c + 7));
	}
	return v;
}

static int
build_manifest(struct pod_imagestore *is, const struct pod_image_commit *c, const char *cdigest,
	       bool docker_config, char **layer_ids, char **ret, char **ret_type,
	       struct pod_err **err)
{
	size_t n = pod_strv_len(layer_ids);
	struct pod_descriptor cfg = { 0 };
	struct pod_descriptor *l = xcalloc(n + 1, sizeof(*l));
	const char *type = c->manifest_type;
	bool docker;
	int rc = -1;

	if (!type)
		type = docker_config ? POD_MT_DOCKER_MANIFEST : POD_MT_OCI_MANIFEST;
	docker = STREQ(type, POD_MT_DOCKER_MANIFEST);
	if (!docker && !STREQ(type, POD_MT_OCI_MANIFEST)) {
		free(l);
		return pod_err_set(err, POD_E_INVALID, 0, "cannot build a manifest of type %s",
				   type);
	}
	cfg.media_type = (char *) (docker ? POD_MT_DOCKER_CONFIG : POD_MT_OCI_CONFIG);
	cfg.digest = (char *) cdigest;
	cfg.size = (int64_t) c->config_len;
	for (size_t i = 0; i < n; i++) {
		struct pod_layer_info info;
		bool plain;

		if (pod_imagestore_layer_get(is, layer_ids[i], &info, err) < 0)
			goto out;
		plain = STREQ(info.compressed_digest, info.diff_id);
		if (docker)
			l[i].media_type = (char *) (plain ? MT_DOCKER_LAYER_TAR : POD_MT_DOCKER_LAYER);
		else
			l[i].media_type = (char *) (plain ? POD_MT_OCI_LAYER : POD_MT_OCI_LAYER_GZIP);
		l[i].digest = xstrdup(info.compressed_digest);
		l[i].size = info.compressed_size ? info.compressed_size : info.size;
	}
	*ret = docker ? pod_manifest_build_docker(&cfg, l, n)
		      : pod_manifest_build_oci(&cfg, l, n, c->annotations);
	*ret_type = xstrdup(type);
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(l[i].digest);
	free(l);
	return rc;
}

static int
sum_layers(struct pod_imagestore *is, char **layer_ids, int64_t *ret, struct pod_err **err)
{
	int64_t total = 0;

	for (size_t i = 0; layer_ids[i]; i++) {
		struct pod_layer_info info;
		struct pod_err *e = NULL;

		if (pod_imagestore_layer_get(is, layer_ids[i], &info, &e) < 0) {
			if (e->kind != POD_E_NOTFOUND) {
				*err = e;
				return -1;
			}
			pod_err_free(&e);
			return pod_err_set(err, POD_E_STATE, 0,
					   "layer %s is not stored (was it removed meanwhile?)",
					   layer_ids[i]);
		}
		total += info.size;
	}
	*ret = total;
	return 0;
}

int
pod_imagestore_commit_image(struct pod_imagestore *is, const struct pod_image_commit *c,
			    char **ret_id, struct pod_err **err)
{
	cleanup_json json_t *cfg = NULL, *d = NULL;
	json_error_t jerr;
	json_t *diff_ids;
	char cdigest[POD_DIGEST_BUF], mdigest[POD_DIGEST_BUF], ldigest[POD_DIGEST_BUF] = "";
	cleanup_strv char **layers = NULL;
	cleanup_free char *built = NULL, *built_type = NULL;
	const char *manifest = c->manifest, *mtype = c->manifest_type;
	size_t mlen = c->manifest_len;
	const char *id;
	cleanup_lock int lk = -1;
	cleanup_free char *lname = NULL;
	int64_t size = 0, created = 0;
	size_t i;
	json_t *e;
	bool exists;

	cfg = json_loadb(c->config, c->config_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(cfg))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid image config: %s",
				   cfg ? "not an object" : jerr.text);
	diff_ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	if (diff_ids && !json_is_array(diff_ids))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid image config: bad rootfs");
	json_array_foreach(diff_ids, i, e) {
		if (!json_is_string(e) || !pod_digest_is_sha256(json_string_value(e)))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid image config: bad diff_id");
	}
	if (json_is_string(json_object_get(cfg, "created")))
		(void) pod_parse_rfc3339(json_string_value(json_object_get(cfg, "created")),
					 &created);
	pod_digest_buf(c->config, c->config_len, cdigest);
	id = cdigest + 7;
	layers = chain_ids(diff_ids);
	if (pod_imagestore_writing(is, err) < 0)
		return -1;
	if (!manifest) {
		bool docker_cfg = json_object_get(cfg, "container_config") ||
				  json_object_get(cfg, "docker_version");

		if (build_manifest(is, c, cdigest, docker_cfg, layers, &built, &built_type, err) <
		    0)
			return -1;
		manifest = built;
		mlen = strlen(built);
		mtype = built_type;
	}
	if (!mtype || !pod_manifest_type_known(mtype) || pod_manifest_type_is_index(mtype))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid manifest type \"%s\"",
				   mtype ? mtype : "");
	pod_digest_buf(manifest, mlen, mdigest);

	lname = xasprintf("image-%s", id);
	lk = pod_imagestore_lock(is, lname, true, err);
	if (lk < 0)
		return -1;
	if (write_blob(is, c->config, c->config_len, cdigest, err) < 0 ||
	    write_blob(is, manifest, mlen, mdigest, err) < 0)
		return -1;
	if (c->list) {
		pod_digest_buf(c->list, c->list_len, ldigest);
		if (write_blob(is, c->list, c->list_len, ldigest, err) < 0)
			return -1;
	}
	if (pod_store_begin(is->store, true, err) < 0)
		return -1;
	if (sum_layers(is, layers, &size, err) < 0)
		goto fail;
	size += (int64_t) (mlen + c->config_len);
	{
		struct pod_err *ge = NULL;

		d = image_data(is, id, &ge);
		exists = d != NULL;
		if (!d) {
			if (ge->kind != POD_E_NOTFOUND) {
				*err = ge;
				goto fail;
			}
			pod_err_free(&ge);
			d = json_object();
		}
	}
	{
		json_t *dg = json_object_get(d, "digests");
		bool have = false;

		if (!json_is_array(dg)) {
			dg = json_array();
			json_object_set_new(d, "digests", dg);
		}
		json_array_foreach(dg, i, e) {
			if (json_is_string(e) && STREQ(json_string_value(e), mdigest))
				have = true;
		}
		if (!have)
			json_array_append_new(dg, json_string(mdigest));
		have = !*ldigest;
		json_array_foreach(dg, i, e) {
			if (json_is_string(e) && STREQ(json_string_value(e), ldigest))
				have = true;
		}
		if (!have)
			json_array_append_new(dg, json_string(ldigest));
	}
	json_object_set_new(d, "layers", json_from_strv(layers));
	json_object_set(d, "diff_ids", diff_ids ? diff_ids : json_array());
	if (!exists) {
		json_object_set_new(d, "names_history", json_array());
		json_object_set_new(d, "stored", json_integer(pod_now_ns()));
		json_object_set_new(d, "driver", json_string(is->driver));
	}
	if (c->annotations && json_is_object(c->annotations))
		json_object_set(d, "annotations", c->annotations);
	{
		cleanup_free char *dt = json_dumps(d, JSON_COMPACT);
		size_t nl = pod_strv_len(layers);
		cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
			is->store,
			"INSERT INTO images (id, digest, manifest_type, config_digest, top_layer,"
			" size, created, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
			" ON CONFLICT(id) DO UPDATE SET digest = excluded.digest,"
			" manifest_type = excluded.manifest_type, size = excluded.size,"
			" data = excluded.data",
			err);

		if (!st)
			goto fail;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, *ldigest ? ldigest : mdigest, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, mtype, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, cdigest, -1, SQLITE_STATIC);
		if (nl)
			sqlite3_bind_text(st, 5, layers[nl - 1], -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 5);
		sqlite3_bind_int64(st, 6, size);
		sqlite3_bind_int64(st, 7, created);
		sqlite3_bind_text(st, 8, dt, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			pod_store_sqlite_err(is->store, err, "recording image %s", id);
			goto fail;
		}
	}
	for (i = 0; c->names && c->names[i]; i++)
		if (assign_name(is, id, c->names[i], err) < 0)
			goto fail;
	if (pod_store_commit(is->store, err) < 0)
		return -1;
	if (ret_id)
		*ret_id = xstrdup(id);
	return 0;
fail:
	pod_store_rollback(is->store);
	return -1;
}

/* ---- removal ---- */

void
pod_image_rm_report_release(struct pod_image_rm_report *r)
{
	pod_strv_free(r->untagged);
	r->untagged = NULL;
	r->deleted = false;
	r->layers_removed = 0;
}

const char *
pod_image_name_for(const struct pod_image *img, const char *given)
{
	cleanup_free char *n = NULL, *dn = NULL;
	struct pod_ref r = { 0 };
	struct pod_err *e = NULL;
	const char *hit = NULL;

	for (size_t i = 0; img->names[i]; i++)
		if (STREQ(img->names[i], given))
			return img->names[i];
	if (pod_image_normalize_name(given, &n, &e) < 0)
		pod_err_free(&e);
	if (pod_ref_parse_normalized(given, &r, &e) == 0) {
		dn = pod_ref_string(&r);
	} else {
		pod_err_free(&e);
	}
	for (size_t i = 0; img->names[i] && !hit; i++)
		if ((n && STREQ(img->names[i], n)) || (dn && STREQ(img->names[i], dn)))
			hit = img->names[i];
	/* short-name matching uses the path as typed, not docker.io's "library/" form */
	pod_ref_release(&r);
	if (pod_ref_parse(given, &r, &e) < 0)
		pod_err_free(&e);
	if (!hit && r.path) {
		cleanup_free char *suffix = xasprintf("/%s", r.path);
		const char *tag = r.tag ? r.tag : "latest";

		for (size_t i = 0; img->names[i] && !hit; i++) {
			cleanup_free char *repo = name_repo(img->names[i]);
			const char *t = name_tag(img->names[i]);

			if (pod_str_has_suffix(repo, suffix) && t && STREQ(t, tag))
				hit = img->names[i];
		}
	}
	pod_ref_release(&r);
	return hit;
}

static bool
given_is_id(const struct pod_image *img, const char *given)
{
	const char *h;

	if (!given)
		return true;
	h = pod_str_has_prefix(given, "sha256:") ? given + 7 : given;
	return pod_id_is_prefix(h) && pod_str_has_prefix(img->id, h);
}

/* 1 when no image and no other layer uses layer id */
static int
layer_unused(struct pod_imagestore *is, const char *id, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		is->store,
		"SELECT 1 FROM images, json_each(images.data, '$.layers') j WHERE j.value = ?1"
		" UNION ALL SELECT 1 FROM layers WHERE parent = ?1 LIMIT 1",
		err);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 1;
	if (rc == SQLITE_ROW)
		return 0;
	return pod_store_sqlite_err(is->store, err, "checking the users of layer %s", id);
}

/* in a transaction: deletes the rows of the unused layers among ids (top first) */
static int
delete_unused_layers(struct pod_imagestore *is, char *const *ids_bottom_first, char ***deleted,
		     struct pod_err **err)
{
	size_t n = pod_strv_len(ids_bottom_first);

	for (size_t i = n; i-- > 0;) {
		const char *id = ids_bottom_first[i];
		int rc = layer_unused(is, id, err);

		if (rc < 0)
			return -1;
		if (!rc)
			break; /* everything below is used through this one */
		if (exec_bind2(is, "DELETE FROM layers WHERE id = ?1", id, NULL, err) < 0)
			return -1;
		*deleted = pod_strv_push(*deleted, xstrdup(id));
	}
	return 0;
}

static int
inuse_err(const char *ctr, struct pod_err **err)
{
	return pod_err_set(err, POD_E_INUSE, 0,
			   "image used by %s: image is in use by a container: consider listing "
			   "external containers and force-removing image",
			   ctr);
}

static int
delete_image(struct pod_imagestore *is, const struct pod_image *img, size_t *ret_layers,
	     struct pod_err **err)
{
	cleanup_free char *lname = xasprintf("image-%s", img->id);
	cleanup_lock int lk = pod_imagestore_lock(is, lname, true, err);
	cleanup_strv char **deleted = xcalloc(1, sizeof(char *));
	cleanup_stmt sqlite3_stmt *st = NULL;
	int rc;

	if (lk < 0)
		return -1;
	if (pod_store_begin(is->store, true, err) < 0)
		return -1;
	st = pod_store_prepare(is->store, "DELETE FROM images WHERE id = ?1", err);
	if (!st)
		goto fail;
	sqlite3_bind_text(st, 1, img->id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		if (sqlite3_extended_errcode(pod_store_db(is->store)) ==
		    SQLITE_CONSTRAINT_FOREIGNKEY) {
			cleanup_strv char **ctrs = NULL;

			pod_store_rollback(is->store);
			if (pod_image_containers(is, img, &ctrs, err) < 0)
				return -1;
			return inuse_err(ctrs[0] ? ctrs[0] : "a container", err);
		}
		pod_store_sqlite_err(is->store, err, "removing image %s", img->id);
		goto fail;
	}
	if (sqlite3_changes(pod_store_db(is->store)) == 0) {
		pod_store_rollback(is->store);
		return not_known(img->id, err);
	}
	if (delete_unused_layers(is, img->layers, &deleted, err) < 0)
		goto fail;
	if (pod_store_commit(is->store, err) < 0)
		return -1;

	/*
	 * Rows are gone: now the files. An `image mount` of it goes first, as
	 * containers/storage unmounts a layer it deletes: Podman's rmi and prune
	 * remove a mounted image without a word. A mount that starts now finds
	 * no row (pod_image_mount checks under the mount lock).
	 */
	{
		struct pod_err *e = NULL;

		if (pod_image_unmount(pod_store_paths(is->store)->runroot, img->id, true, &e) < 0) {
			pod_warn("unmounting image %s: %s", img->id, e->msg);
			pod_err_free(&e);
		}
	}
	{
		cleanup_free char *p = pod_imagestore_blob_path(is, img->config_digest);

		(void) unlink(p);
	}
	for (size_t i = 0; img->digests[i]; i++) {
		cleanup_free char *p = NULL;

		if (!pod_imagestore_hex(img->digests[i]))
			continue;
		p = pod_imagestore_blob_path(is, img->digests[i]);
		(void) unlink(p);
	}
	for (size_t i = 0; deleted[i]; i++) {
		struct pod_err *e = NULL;

		if (pod_imagestore_layer_rmdir(is, deleted[i], true, &e) < 0) {
			pod_warn("removing layer %s: %s", deleted[i], e->msg);
			pod_err_free(&e);
		}
	}
	if (ret_layers)
		*ret_layers = pod_strv_len(deleted);
	return 0;
fail:
	pod_store_rollback(is->store);
	return -1;
}

int
pod_image_remove(struct pod_imagestore *is, const struct pod_image *img, const char *given,
		 bool force, pod_image_rm_container_fn rm_ctr, void *ctx,
		 struct pod_image_rm_report *ret, struct pod_err **err)
{
	size_t n_names = pod_strv_len(img->names);
	bool by_id = given_is_id(img, given);
	cleanup_strv char **ctrs = NULL;
	struct pod_image_rm_report r = { 0 };

	if (pod_imagestore_writing(is, err) < 0)
		return -1;
	if (!by_id && n_names > 1) {
		const char *name = pod_image_name_for(img, given);

		if (name) {
			if (pod_image_untag(is, img, name, err) < 0)
				return -1;
			r.untagged = xcalloc(2, sizeof(char *));
			r.untagged[0] = xstrdup(name);
			*ret = r;
			return 0;
		}
	}
	if (by_id && n_names > 1 && !force) {
		cleanup_free char *list = NULL;
		struct pod_strbuf sb = POD_STRBUF_INIT;

		for (size_t i = 0; i < n_names; i++)
			pod_strbuf_addf(&sb, "%s%s", i ? " " : "", img->names[i]);
		list = pod_strbuf_detach(&sb);
		return pod_err_set(err, POD_E_INVALID, 0,
				   "unable to delete image \"%s\" by ID with more than one tag "
				   "([%s]): please force removal",
				   img->id, list);
	}
	if (pod_image_containers(is, img, &ctrs, err) < 0)
		return -1;
	if (ctrs[0] && (!force || !rm_ctr))
		return inuse_err(ctrs[0], err);
	for (size_t i = 0; ctrs[i]; i++)
		if (rm_ctr(ctx, ctrs[i], err) < 0)
			return pod_err_wrap(err, "removing container %s of image %s", ctrs[i],
					    img->id);
	if (delete_image(is, img, &r.layers_removed, err) < 0)
		return -1;
	for (size_t i = 0; i < n_names; i++)
		image_event(is, img->id, img->names[i], "untag");
	{
		const char *name = given ? pod_image_name_for(img, given) : NULL;
		image_event(is, img->id, name ? name : n_names ? img->names[0] : given, "remove");
	}
	r.untagged = xcalloc(n_names + 1, sizeof(char *));
	for (size_t i = 0; i < n_names; i++)
		r.untagged[i] = xstrdup(img->names[i]);
	r.deleted = true;
	*ret = r;
	return 0;
}

int
pod_image_prune(struct pod_imagestore *is, bool all, char ***ret, struct pod_err **err)
{
	return pod_image_prune_where(is, all, NULL, NULL, ret, err);
}

/* ---- garbage collection ---- */

static int
gc_rows(struct pod_imagestore *is, char ***deleted, struct pod_err **err)
{
	for (;;) {
		cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
			is->store,
			"SELECT id FROM layers l WHERE state = 'incomplete' OR ("
			" NOT EXISTS (SELECT 1 FROM images, json_each(images.data, '$.layers') j"
			"  WHERE j.value = l.id)"
			" AND NOT EXISTS (SELECT 1 FROM layers c WHERE c.parent = l.id))",
			err);
		cleanup_strv char **ids = xcalloc(1, sizeof(char *));
		int rc;

		if (!st)
			return -1;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			ids = pod_strv_push(ids, col_text(st, 0));
		if (rc != SQLITE_DONE)
			return pod_store_sqlite_err(is->store, err, "listing unused layers");
		if (!ids[0])
			return 0;
		for (size_t i = 0; ids[i]; i++) {
			if (exec_bind2(is, "DELETE FROM layers WHERE id = ?1", ids[i], NULL, err) < 0)
				return -1;
			*deleted = pod_strv_push(*deleted, xstrdup(ids[i]));
		}
	}
}

int
pod_imagestore_gc(struct pod_imagestore *is, struct pod_err **err)
{
	cleanup_free char *gcpath = NULL;
	cleanup_lock int lk = -1;
	cleanup_strv char **deleted = xcalloc(1, sizeof(char *));
	struct pod_err *e = NULL;
	DIR *d;
	struct dirent *de;
	int removed = 0;
	bool had_writer_lock = is->gc_lock >= 0;

	if (pod_store_is_readonly(is->store) || pod_store_is_memory(is->store))
		return 0;
	if (pod_mkdir_p(is->locks_dir, 0700, err) < 0)
		return -1;
	/* our own shared lock would block the exclusive one */
	if (had_writer_lock) {
		pod_lock_release(is->gc_lock);
		is->gc_lock = -1;
	}
	gcpath = pod_path_join(is->locks_dir, "gc");
	lk = pod_lock_open(gcpath, true, false, &e);
	if (lk < 0) {
		pod_err_free(&e);
		goto out;
	}
	if (pod_store_begin(is->store, true, err) < 0)
		goto fail;
	if (gc_rows(is, &deleted, err) < 0) {
		pod_store_rollback(is->store);
		goto fail;
	}
	if (pod_store_commit(is->store, err) < 0)
		goto fail;
	removed += (int) pod_strv_len(deleted);

	d = opendir(is->layers_dir);
	if (!d) {
		if (errno == ENOENT)
			goto out;
		pod_err_sys(err, "reading %s", is->layers_dir);
		goto fail;
	}
	while ((de = readdir(d))) {
		const char *n = de->d_name;

		if (pod_str_has_prefix(n, ".tmp-")) {
			cleanup_free char *lname = xasprintf("tmp-%s", n + 5);
			int tl = pod_imagestore_lock(is, lname, false, &e);

			if (tl < 0) {
				pod_err_free(&e);
				continue;
			}
			pod_imagestore_tmp_remove(is, n);
			pod_lock_release(tl);
			removed++;
		} else if (is_hex64(n)) {
			int rc = layer_row_exists(is, n, &e);
			int ll;

			if (rc != 0) {
				pod_err_free(&e);
				continue;
			}
			ll = pod_imagestore_lock(is, n, false, &e);
			if (ll < 0) {
				pod_err_free(&e);
				continue;
			}
			if (layer_row_exists(is, n, &e) == 0 &&
			    layer_dir_remove_locked(is, n, &e) == 0)
				removed++;
			pod_err_free(&e);
			pod_lock_release(ll);
		}
	}
	closedir(d);

	/* blobs no image refers to */
	d = opendir(is->blobs_dir);
	if (d) {
		while ((de = readdir(d))) {
			cleanup_stmt sqlite3_stmt *st = NULL;
			cleanup_free char *dg = NULL;

			if (!is_hex64(de->d_name))
				continue;
			dg = xasprintf("sha256:%s", de->d_name);
			st = pod_store_prepare(
				is->store,
				"SELECT 1 FROM images WHERE id = ?1 UNION ALL"
				" SELECT 1 FROM images, json_each(images.data, '$.digests') j"
				" WHERE j.value = ?2 LIMIT 1",
				&e);
			if (!st) {
				pod_err_free(&e);
				continue;
			}
			sqlite3_bind_text(st, 1, de->d_name, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, dg, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_DONE) {
				cleanup_free char *p = pod_path_join(is->blobs_dir, de->d_name);

				if (unlink(p) == 0)
					removed++;
			}
		}
		closedir(d);
	}
out:
	pod_lock_release(lk);
	lk = -1;
	if (had_writer_lock && pod_imagestore_writing(is, err) < 0)
		return -1;
	return removed;
fail:
	pod_lock_release(lk);
	lk = -1;
	if (had_writer_lock) {
		struct pod_err *e2 = NULL;

		if (pod_imagestore_writing(is, &e2) < 0)
			pod_err_free(&e2);
	}
	return -1;
}
