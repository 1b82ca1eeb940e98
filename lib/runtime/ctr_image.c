/* ctr_image.c - the image facts a container needs, read from the store's tables */
#include "core/fs.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "runtime/ctr-internal.h"

#include <errno.h>

#define CONFIG_MAX (8u << 20)
#define MAX_LAYERS 500

struct pod_ctr_image *
pod_ctr_image_free(struct pod_ctr_image *img)
{
	if (!img)
		return NULL;
	free(img->id);
	free(img->name);
	json_decref(img->config);
	pod_strv_free(img->layer_dirs);
	free(img->digest);
	json_decref(img->names);
	free(img);
	return NULL;
}

void
pod_ctr_image_freep(struct pod_ctr_image **img)
{
	*img = pod_ctr_image_free(*img);
}

/* "busybox" -> "busybox:latest"; a tag or digest is kept */
static char *
with_tag(const char *ref)
{
	const char *slash = strrchr(ref, '/');
	const char *last = slash ? slash + 1 : ref;

	if (strchr(last, ':') || strchr(ref, '@'))
		return xstrdup(ref);
	return xasprintf("%s:latest", ref);
}

static bool
has_domain(const char *ref)
{
	const char *slash = strchr(ref, '/');

	if (!slash)
		return false;
	for (const char *p = ref; p < slash; p++)
		if (*p == '.' || *p == ':')
			return true;
	return slash - ref == 9 && strncmp(ref, "localhost", 9) == 0;
}

static int
name_lookup(struct pod_engine *e, const char *name, char **ret_id, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st =
		pod_store_prepare(e->store, "SELECT image_id FROM image_names WHERE name = ?", err);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*ret_id = xstrdup((const char *) sqlite3_column_text(st, 0));
		return 1;
	}
	return 0;
}

/* a short name matches any stored name ending in "/NAME:TAG" when that is unique */
static int
short_name_lookup(struct pod_engine *e, const char *tagged, char **ret_id, char **ret_name,
		  struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		e->store, "SELECT name, image_id FROM image_names WHERE name LIKE ? ESCAPE '\\' "
			  "ORDER BY name",
		err);
	cleanup_free char *pat = NULL;
	struct pod_strbuf sb = POD_STRBUF_INIT;
	int found = 0;

	if (!st)
		return -1;
	pod_strbuf_adds(&sb, "%/");
	for (const char *p = tagged; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			pod_strbuf_addch(&sb, '\\');
		pod_strbuf_addch(&sb, *p);
	}
	pat = pod_strbuf_detach(&sb);
	sqlite3_bind_text(st, 1, pat, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *) sqlite3_column_text(st, 1);
		if (found && !STREQ(*ret_id, id)) {
			/* two different images: prefer localhost/, then docker.io/library/ */
			const char *n = (const char *) sqlite3_column_text(st, 0);
			if (pod_str_has_prefix(n, "localhost/") ||
			    (pod_str_has_prefix(n, "docker.io/library/") &&
			     !pod_str_has_prefix(*ret_name, "localhost/"))) {
				free(*ret_id);
				free(*ret_name);
				*ret_id = xstrdup(id);
				*ret_name = xstrdup(n);
			}
			continue;
		}
		if (!found) {
			*ret_id = xstrdup(id);
			*ret_name = xstrdup((const char *) sqlite3_column_text(st, 0));
			found = 1;
		}
	}
	return found;
}

int
pod_ctr_image_layer_dirs(struct pod_engine *e, const char *image_id, char ***ret,
		     struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = NULL;
	cleanup_free char *layer = NULL;
	char **dirs = pod_strv_push(NULL, NULL);
	size_t n = 0;

	st = pod_store_prepare(e->store, "SELECT top_layer FROM images WHERE id = ?", err);
	if (!st)
		goto fail;
	sqlite3_bind_text(st, 1, image_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		pod_err_set(err, POD_E_NOTFOUND, 0, "%s: image not known", image_id);
		goto fail;
	}
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		layer = xstrdup((const char *) sqlite3_column_text(st, 0));
	pod_stmt_finalizep(&st);
	st = pod_store_prepare(e->store, "SELECT parent, state FROM layers WHERE id = ?", err);
	if (!st)
		goto fail;
	while (layer) {
		const char *state;
		if (++n > MAX_LAYERS) {
			pod_err_set(err, POD_E_GENERIC, 0, "image %s: too many layers", image_id);
			goto fail;
		}
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, layer, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_ROW) {
			pod_err_set(err, POD_E_NOTFOUND, 0, "image %s: layer %s not known", image_id,
				    layer);
			goto fail;
		}
		state = (const char *) sqlite3_column_text(st, 1);
		if (state && !STREQ(state, "ready")) {
			pod_err_set(err, POD_E_GENERIC, 0, "image %s: layer %s is incomplete",
				    image_id, layer);
			goto fail;
		}
		dirs = pod_strv_push(dirs, xasprintf("%s/layers/%s/diff", e->root, layer));
		free(layer);
		layer = sqlite3_column_type(st, 0) == SQLITE_NULL ?
				NULL :
				xstrdup((const char *) sqlite3_column_text(st, 0));
	}
	*ret = dirs;
	return 0;
fail:
	pod_strv_free(dirs);
	return -1;
}

int
pod_ctr_image_lookup(struct pod_engine *e, const char *ref, struct pod_ctr_image **ret,
		     struct pod_err **err)
{
	cleanup_(pod_ctr_image_freep) struct pod_ctr_image *img = xcalloc(1, sizeof(*img));
	cleanup_stmt sqlite3_stmt *st = NULL;
	cleanup_free char *id = NULL, *name = NULL, *tagged = with_tag(ref);
	cleanup_free char *blob = NULL, *text = NULL;
	struct pod_err *e2 = NULL;
	const char *config_digest;
	json_error_t je;
	int r;

	/* exact name (as typed, then with :latest), then ID, then short name */
	r = name_lookup(e, ref, &id, err);
	if (r == 0 && !STREQ(tagged, ref))
		r = name_lookup(e, tagged, &id, err);
	if (r < 0)
		return -1;
	if (r > 0) {
		name = xstrdup(r > 0 && !strchr(ref, ':') && !strchr(ref, '@') ? tagged : ref);
	} else if (pod_store_resolve(e->store, POD_OBJ_IMAGE, ref, &id, &e2) == 0) {
		name = xstrdup("");
	} else {
		pod_err_free(&e2);
		r = has_domain(ref) ? 0 : short_name_lookup(e, tagged, &id, &name, err);
		if (r < 0)
			return -1;
		if (r == 0)
			return pod_err_set(err, POD_E_NOTFOUND, 0, "%s: image not known", ref);
	}

	st = pod_store_prepare(e->store,
			       "SELECT config_digest, size, created, digest FROM images WHERE id = ?",
			       err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return pod_err_set(err, POD_E_NOTFOUND, 0, "%s: image not known", ref);
	config_digest = (const char *) sqlite3_column_text(st, 0);
	img->size = sqlite3_column_int64(st, 1);
	img->created_ns = sqlite3_column_int64(st, 2);
	if (sqlite3_column_type(st, 3) != SQLITE_NULL)
		img->digest = xstrdup((const char *) sqlite3_column_text(st, 3));
	if (config_digest && pod_str_has_prefix(config_digest, "sha256:")) {
		blob = xasprintf("%s/blobs/sha256/%s", e->root, config_digest + 7);
		if (pod_read_file(blob, &text, NULL, CONFIG_MAX, err) < 0)
			return pod_err_wrap(err, "reading the config of image %s", id);
		img->config = json_loads(text, 0, &je);
		if (!json_is_object(img->config))
			return pod_err_set(err, POD_E_GENERIC, 0, "image %s: corrupt config: %s", id,
					   je.text);
	} else {
		img->config = json_object();
	}
	pod_stmt_finalizep(&st);

	img->names = json_array();
	st = pod_store_prepare(e->store, "SELECT name FROM image_names WHERE image_id = ? "
					 "ORDER BY rowid", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(img->names,
				      pod_json_string((const char *) sqlite3_column_text(st, 0)));
	if (!*name && json_array_size(img->names))
		img->name = xstrdup(json_string_value(json_array_get(img->names, 0)));
	else
		img->name = TAKE_PTR(name);
	if (pod_ctr_image_layer_dirs(e, id, &img->layer_dirs, err) < 0)
		return -1;
	img->id = TAKE_PTR(id);
	*ret = TAKE_PTR(img);
	return 0;
}
