/* imagestore-json.c - Podman's JSON shapes for stored images */
#include "core/json.h"
#include "core/strbuf.h"
#include "image/imagestore-int.h"
#include "image/manifest.h"

static json_t *
strv_json(char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, pod_json_string(v[i]));
	return a;
}

/* repository of a name: without ":tag" and "@digest" */
static char *
repo_of(const char *name)
{
	const char *at = strchr(name, '@');
	size_t n = at ? (size_t) (at - name) : strlen(name);
	const char *slash = memrchr(name, '/', n);
	const char *colon = memrchr(name, ':', n);

	if (colon && (!slash || colon > slash))
		n = (size_t) (colon - name);
	return xstrndup(name, n);
}

json_t *
pod_image_repo_tags(const struct pod_image *img)
{
	json_t *a = json_array();

	for (size_t i = 0; img->names && img->names[i]; i++)
		if (!strchr(img->names[i], '@'))
			json_array_append_new(a, pod_json_string(img->names[i]));
	return a;
}

json_t *
pod_image_repo_digests(const struct pod_image *img)
{
	json_t *a = json_array();
	char **seen = xcalloc(1, sizeof(char *));

	for (size_t i = 0; img->names && img->names[i]; i++) {
		cleanup_free char *repo = repo_of(img->names[i]);

		for (size_t j = 0; img->digests && img->digests[j]; j++) {
			char *rd = xasprintf("%s@%s", repo, img->digests[j]);

			if (pod_strv_contains(seen, rd)) {
				free(rd);
				continue;
			}
			json_array_append_new(a, pod_json_string(rd));
			seen = pod_strv_push(seen, rd);
		}
	}
	pod_strv_free(seen);
	return a;
}

json_t *
pod_image_labels(const struct pod_image *img)
{
	json_t *l = json_object_get(json_object_get(img->config, "config"), "Labels");

	return json_is_object(l) && json_object_size(l) ? l : NULL;
}

static json_t *
created_json(const struct pod_image *img)
{
	const char *c = json_string_value(json_object_get(img->config, "created"));
	cleanup_free char *s = NULL;

	if (img->created) {
		s = pod_format_rfc3339(img->created);
		return json_string(s);
	}
	return json_string(c ? c : "0001-01-01T00:00:00Z");
}

json_t *
pod_image_inspect_json(struct pod_imagestore *is, const struct pod_image *img,
		       struct pod_err **err)
{
	json_t *cfg = img->config;
	json_t *inner = json_object_get(cfg, "config");
	json_t *hist = json_object_get(cfg, "history");
	json_t *o = json_object();
	json_t *gd = json_object(), *gdd = json_object();
	json_t *labels = pod_image_labels(img);
	const char *comment = "";
	size_t n = pod_strv_len(img->layers);
	json_t *annotations = NULL;

	if (json_is_array(hist) && json_array_size(hist) &&
	    json_is_string(json_object_get(json_array_get(hist, 0), "comment")))
		comment = json_string_value(json_object_get(json_array_get(hist, 0), "comment"));
	/* a Docker config's own comment (commit -m) wins, as in Podman */
	if (json_is_string(json_object_get(img->config, "comment")))
		comment = json_string_value(json_object_get(img->config, "comment"));
	json_object_set_new(o, "Id", json_string(img->id));
	json_object_set_new(o, "Digest", json_string(img->digest ? img->digest : ""));
	json_object_set_new(o, "RepoTags", pod_image_repo_tags(img));
	json_object_set_new(o, "RepoDigests", pod_image_repo_digests(img));
	json_object_set_new(o, "Parent", json_string(""));
	json_object_set_new(o, "Comment", pod_json_string(comment));
	json_object_set_new(o, "Created", created_json(img));
	json_object_set_new(o, "Config",
			    json_is_object(inner) ? json_deep_copy(inner) : json_object());
	json_object_set_new(o, "Version",
			    pod_json_string(json_string_value(json_object_get(cfg, "docker_version"))));
	json_object_set_new(o, "Author",
			    pod_json_string(json_string_value(json_object_get(cfg, "author"))));
	json_object_set_new(o, "Architecture",
			    pod_json_string(json_string_value(json_object_get(cfg, "architecture"))));
	json_object_set_new(o, "Os", pod_json_string(json_string_value(json_object_get(cfg, "os"))));
	if (json_is_string(json_object_get(cfg, "variant")))
		json_object_set(o, "Variant", json_object_get(cfg, "variant"));
	json_object_set_new(o, "Size", json_integer(img->size));
	json_object_set_new(o, "VirtualSize", json_integer(img->size));
	json_object_set_new(gd, "Name", json_string(img->driver ? img->driver : "overlay"));
	if (n) {
		if (n > 1) {
			struct pod_strbuf sb = POD_STRBUF_INIT;
			cleanup_free char *s = NULL;

			for (size_t i = n - 1; i-- > 0;) {
				cleanup_free char *d = pod_imagestore_layer_dir(is, img->layers[i]);

				pod_strbuf_addf(&sb, "%s%s", sb.len ? ":" : "", d);
			}
			s = pod_strbuf_detach(&sb);
			json_object_set_new(gdd, "LowerDir", json_string(s));
		}
		cleanup_free char *up = pod_imagestore_layer_dir(is, img->layers[n - 1]);
		cleanup_free char *work = xasprintf("%s/%s/work", is->layers_dir, img->layers[n - 1]);

		json_object_set_new(gdd, "UpperDir", json_string(up));
		json_object_set_new(gdd, "WorkDir", json_string(work));
	}
	json_object_set_new(gd, "Data", gdd);
	json_object_set_new(o, "GraphDriver", gd);
	json_object_set_new(o, "RootFS", json_pack("{s:s, s:o}", "Type", "layers", "Layers",
						   strv_json(img->diff_ids)));
	json_object_set_new(o, "Labels", labels ? json_deep_copy(labels) : json_null());
	{
		cleanup_free char *m = NULL;
		size_t mlen = 0;
		struct pod_err *e = NULL;

		if (img->digest && pod_imagestore_read_blob(is, img->digest, &m, &mlen, &e) == 0) {
			cleanup_json json_t *mj = json_loadb(m, mlen, 0, NULL);
			json_t *a = json_object_get(mj, "annotations");

			if (json_is_object(a))
				annotations = json_deep_copy(a);
		}
		pod_err_free(&e);
	}
	json_object_set_new(o, "Annotations", annotations ? annotations : json_object());
	json_object_set_new(o, "ManifestType",
			    json_string(img->manifest_type ? img->manifest_type : ""));
	json_object_set_new(o, "User", pod_json_string(json_string_value(
					       json_object_get(inner, "User"))));
	json_object_set_new(o, "History",
			    json_is_array(hist) ? json_deep_copy(hist) : json_array());
	json_object_set_new(o, "NamesHistory", strv_json(img->names_history));
	(void) err;
	return o;
}

json_t *
pod_image_history_json(struct pod_imagestore *is, const struct pod_image *img,
		       struct pod_err **err)
{
	json_t *hist = json_object_get(img->config, "history");
	json_t *out = json_array();
	size_t nh = json_array_size(hist);
	size_t nl = pod_strv_len(img->layers);
	size_t layer = 0;
	json_t **rows = xcalloc(nh + 1, sizeof(json_t *));

	for (size_t i = 0; i < nh; i++) {
		json_t *h = json_array_get(hist, i);
		bool empty = json_is_true(json_object_get(h, "empty_layer"));
		int64_t size = 0;
		json_t *r = json_object();
		const char *c;

		if (!empty && layer < nl) {
			struct pod_layer_info info;
			struct pod_err *e = NULL;

			if (pod_imagestore_layer_get(is, img->layers[layer], &info, &e) == 0)
				size = info.size;
			pod_err_free(&e);
			layer++;
		}
		json_object_set_new(r, "id", json_string("<missing>"));
		c = json_string_value(json_object_get(h, "created"));
		json_object_set_new(r, "created", json_string(c ? c : "0001-01-01T00:00:00Z"));
		json_object_set_new(r, "CreatedBy", pod_json_string(json_string_value(
							    json_object_get(h, "created_by"))));
		json_object_set_new(r, "size", json_integer(size));
		json_object_set_new(r, "comment", pod_json_string(json_string_value(
							  json_object_get(h, "comment"))));
		rows[i] = r;
	}
	if (!nh) {
		/* no history: one line for the image itself */
		json_t *r = json_object();
		cleanup_free char *c = pod_format_rfc3339(img->created);

		json_object_set_new(r, "id", json_string("<missing>"));
		json_object_set_new(r, "created", json_string(c));
		json_object_set_new(r, "CreatedBy", json_string(""));
		json_object_set_new(r, "size", json_integer(img->size));
		json_object_set_new(r, "comment", json_string(""));
		rows[0] = r;
		nh = 1;
	}
	/* newest first; the newest entry carries the image ID and tags */
	for (size_t i = nh; i-- > 0;) {
		if (i == nh - 1) {
			json_object_set_new(rows[i], "id", json_string(img->id));
			json_object_set_new(rows[i], "tags", pod_image_repo_tags(img));
		}
		json_array_append_new(out, rows[i]);
	}
	free(rows);
	(void) err;
	return out;
}

json_t *
pod_image_summary_json(const struct pod_image *img, int64_t containers)
{
	json_t *o = json_object();
	json_t *labels = pod_image_labels(img);
	cleanup_free char *created = pod_format_rfc3339(img->created);
	json_t *tags = pod_image_repo_tags(img);
	json_t *digests = pod_image_repo_digests(img);

	json_object_set_new(o, "Type", json_string("image"));
	json_object_set_new(o, "Id", json_string(img->id));
	json_object_set_new(o, "ParentId", json_string(""));
	json_object_set_new(o, "RepoTags", json_array_size(tags) ? tags : json_null());
	if (!json_array_size(tags))
		json_decref(tags);
	json_object_set_new(o, "RepoDigests", digests);
	json_object_set_new(o, "Size", json_integer(img->size));
	json_object_set_new(o, "SharedSize", json_integer(0));
	json_object_set_new(o, "VirtualSize", json_integer(img->size));
	json_object_set_new(o, "Labels", labels ? json_deep_copy(labels) : json_null());
	json_object_set_new(o, "Containers", json_integer(containers));
	json_object_set_new(o, "Names", img->names[0] ? strv_json(img->names) : json_null());
	json_object_set_new(o, "Digest", json_string(img->digest ? img->digest : ""));
	json_object_set_new(o, "History",
			    img->names_history[0] ? strv_json(img->names_history) : json_null());
	json_object_set_new(o, "Created", json_integer(img->created / 1000000000));
	json_object_set_new(o, "CreatedAt", json_string(created));
	return o;
}
