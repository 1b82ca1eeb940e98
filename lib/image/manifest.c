/*
 * manifest.c - parsing and building manifests and indexes.
 *
 * Everything here reads bytes a registry or an archive chose: sizes are
 * capped before jansson sees them, duplicate keys are refused, and each
 * field is type-checked. Unknown fields are ignored, as the specs require.
 */
#include "image/manifest.h"
#include "image/digest.h"
#include "image/internal.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <sys/utsname.h>
#include <time.h>

/* --- JSON field helpers, shared with imageconfig.c through internal use --- */

static int
load_object(const char *body, size_t len, size_t max, const char *what, json_t **ret,
	    struct pod_err **err)
{
	json_error_t jerr;
	json_t *root;

	if (len > max)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s too large: %zu bytes, the limit is %zu bytes", what, len,
				   max);
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return pod_err_set(err, POD_E_INVALID, 0, "parsing %s: %s (at byte %d)", what,
				   jerr.text, jerr.position);
	if (!json_is_object(root)) {
		json_decref(root);
		return pod_err_set(err, POD_E_INVALID, 0, "parsing %s: not a JSON object", what);
	}
	*ret = root;
	return 0;
}

/* optional string: absent or null leaves *ret NULL */
static int
opt_str(json_t *obj, const char *key, char **ret, const char *what, struct pod_err **err)
{
	json_t *v = json_object_get(obj, key);

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return pod_err_set(err, POD_E_INVALID, 0, "%s: field \"%s\" must be a string",
				   what, key);
	*ret = xstrdup(json_string_value(v));
	return 0;
}

static int
req_str(json_t *obj, const char *key, char **ret, const char *what, struct pod_err **err)
{
	if (opt_str(obj, key, ret, what, err) < 0)
		return -1;
	if (!*ret)
		return pod_err_set(err, POD_E_INVALID, 0, "%s: missing field \"%s\"", what, key);
	return 0;
}

/* optional array of strings; absent/null -> NULL, [] -> {NULL} */
static int
opt_strv(json_t *obj, const char *key, size_t max, char ***ret, const char *what,
	 struct pod_err **err)
{
	json_t *v = json_object_get(obj, key), *e;
	size_t i;
	char **out;

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s: field \"%s\" must be an array of strings", what, key);
	if (json_array_size(v) > max)
		return pod_err_set(err, POD_E_INVALID, 0, "%s: field \"%s\" has more than %zu entries",
				   what, key, max);
	out = xcalloc(json_array_size(v) + 1, sizeof(char *));
	json_array_foreach (v, i, e) {
		if (!json_is_string(e)) {
			pod_strv_free(out);
			return pod_err_set(err, POD_E_INVALID, 0,
					   "%s: field \"%s\" must be an array of strings", what,
					   key);
		}
		out[i] = xstrdup(json_string_value(e));
	}
	*ret = out;
	return 0;
}

/* optional object whose values are strings; returns a new reference or NULL */
static int
opt_string_map(json_t *obj, const char *key, json_t **ret, const char *what,
	       struct pod_err **err)
{
	json_t *v = json_object_get(obj, key), *e;
	const char *k;

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s: field \"%s\" must be an object of strings", what, key);
	json_object_foreach (v, k, e)
		if (!json_is_string(e))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "%s: field \"%s\": value of \"%s\" must be a string",
					   what, key, k);
	*ret = json_incref(v);
	return 0;
}

/* optional object used as a set ({"80/tcp":{}}): its keys */
static int
opt_keys(json_t *obj, const char *key, char ***ret, const char *what, struct pod_err **err)
{
	json_t *v = json_object_get(obj, key), *e;
	const char *k;
	char **out;
	size_t i = 0;

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return pod_err_set(err, POD_E_INVALID, 0, "%s: field \"%s\" must be an object",
				   what, key);
	out = xcalloc(json_object_size(v) + 1, sizeof(char *));
	json_object_foreach (v, k, e)
		out[i++] = xstrdup(k);
	*ret = out;
	return 0;
}

static int
opt_int(json_t *obj, const char *key, int64_t *ret, const char *what, struct pod_err **err)
{
	json_t *v = json_object_get(obj, key);

	*ret = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return pod_err_set(err, POD_E_INVALID, 0, "%s: field \"%s\" must be an integer",
				   what, key);
	*ret = json_integer_value(v);
	return 0;
}

/* --- descriptors --- */

static void
platform_free(struct pod_platform *p)
{
	if (!p)
		return;
	free(p->os);
	free(p->architecture);
	free(p->variant);
	free(p->os_version);
	free(p);
}

void
pod_descriptor_release(struct pod_descriptor *d)
{
	if (!d)
		return;
	free(d->media_type);
	free(d->digest);
	platform_free(d->platform);
	if (d->annotations)
		json_decref(d->annotations);
	memset(d, 0, sizeof(*d));
}

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void
pod_descriptor_copy(struct pod_descriptor *dst, const struct pod_descriptor *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->media_type = dup_or_null(src->media_type);
	dst->digest = dup_or_null(src->digest);
	dst->size = src->size;
	if (src->platform) {
		dst->platform = xcalloc(1, sizeof(*dst->platform));
		dst->platform->os = dup_or_null(src->platform->os);
		dst->platform->architecture = dup_or_null(src->platform->architecture);
		dst->platform->variant = dup_or_null(src->platform->variant);
		dst->platform->os_version = dup_or_null(src->platform->os_version);
	}
	if (src->annotations)
		dst->annotations = json_deep_copy(src->annotations);
}

static int
parse_platform(json_t *v, struct pod_platform **ret, const char *what, struct pod_err **err)
{
	struct pod_platform *p;
	json_t *features;

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return pod_err_set(err, POD_E_INVALID, 0, "%s: field \"platform\" must be an object",
				   what);
	p = xcalloc(1, sizeof(*p));
	if (req_str(v, "architecture", &p->architecture, what, err) < 0 ||
	    req_str(v, "os", &p->os, what, err) < 0 ||
	    opt_str(v, "variant", &p->variant, what, err) < 0 ||
	    opt_str(v, "os.version", &p->os_version, what, err) < 0) {
		platform_free(p);
		return -1;
	}
	features = json_object_get(v, "os.features");
	if (features && !json_is_null(features) && !json_is_array(features)) {
		platform_free(p);
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s: field \"os.features\" must be an array", what);
	}
	*ret = p;
	return 0;
}

static int
parse_descriptor(json_t *v, struct pod_descriptor *d, const char *what, struct pod_err **err)
{
	json_t *size, *urls;

	memset(d, 0, sizeof(*d));
	if (!json_is_object(v))
		return pod_err_set(err, POD_E_INVALID, 0, "%s: must be an object", what);
	if (req_str(v, "mediaType", &d->media_type, what, err) < 0 ||
	    req_str(v, "digest", &d->digest, what, err) < 0)
		goto fail;
	if (!pod_digest_valid(d->digest)) {
		pod_err_set(err, POD_E_INVALID, 0, "%s: invalid digest \"%s\"", what, d->digest);
		goto fail;
	}
	size = json_object_get(v, "size");
	if (!size || !json_is_integer(size) || json_integer_value(size) < 0) {
		pod_err_set(err, POD_E_INVALID, 0,
			    "%s: field \"size\" must be a non-negative integer", what);
		goto fail;
	}
	d->size = json_integer_value(size);
	urls = json_object_get(v, "urls");
	if (urls && !json_is_null(urls) && !json_is_array(urls)) {
		pod_err_set(err, POD_E_INVALID, 0, "%s: field \"urls\" must be an array", what);
		goto fail;
	}
	if (opt_string_map(v, "annotations", &d->annotations, what, err) < 0 ||
	    parse_platform(json_object_get(v, "platform"), &d->platform, what, err) < 0)
		goto fail;
	return 0;
fail:
	pod_descriptor_release(d);
	return -1;
}

static int
parse_descriptor_array(json_t *arr, size_t max, const char *key, struct pod_descriptor **ret,
		       size_t *ret_n, struct pod_err **err)
{
	struct pod_descriptor *ds;
	json_t *e;
	size_t i;

	if (!json_is_array(arr))
		return pod_err_set(err, POD_E_INVALID, 0, "field \"%s\" must be an array", key);
	if (json_array_size(arr) > max)
		return pod_err_set(err, POD_E_INVALID, 0, "field \"%s\" has %zu entries, the limit is %zu",
				   key, json_array_size(arr), max);
	ds = xcalloc(json_array_size(arr) + 1, sizeof(*ds));
	json_array_foreach (arr, i, e) {
		char what[64];

		snprintf(what, sizeof(what), "%s[%zu]", key, i);
		if (parse_descriptor(e, &ds[i], what, err) < 0) {
			while (i > 0)
				pod_descriptor_release(&ds[--i]);
			free(ds);
			return -1;
		}
	}
	*ret = ds;
	*ret_n = json_array_size(arr);
	return 0;
}

/* --- manifests --- */

bool
pod_manifest_type_known(const char *mt)
{
	return mt && (STREQ(mt, POD_MT_OCI_MANIFEST) || STREQ(mt, POD_MT_OCI_INDEX) ||
		      STREQ(mt, POD_MT_DOCKER_MANIFEST) || STREQ(mt, POD_MT_DOCKER_LIST));
}

bool
pod_manifest_type_is_index(const char *mt)
{
	return mt && (STREQ(mt, POD_MT_OCI_INDEX) || STREQ(mt, POD_MT_DOCKER_LIST));
}

static bool
is_schema1(const char *mt)
{
	return mt && (STREQ(mt, POD_MT_DOCKER_SCHEMA1) || STREQ(mt, POD_MT_DOCKER_SCHEMA1_SIGNED));
}

static int
err_schema1(struct pod_err **err)
{
	return pod_err_set(err, POD_E_INVALID, 0,
			   "unsupported manifest type: Docker schema 1 manifests (%s) are "
			   "deprecated and not supported; the image must be pushed again with "
			   "a current client",
			   POD_MT_DOCKER_SCHEMA1_SIGNED);
}

/* "Type; charset=utf-8" -> "type" */
static char *
content_type_base(const char *ct)
{
	size_t n;
	char *r, *p;

	while (*ct == ' ' || *ct == '\t')
		ct++;
	n = strcspn(ct, ";");
	while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	r = xstrndup(ct, n);
	for (p = r; *p; p++)
		*p = (char) tolower((unsigned char) *p);
	return r;
}

struct pod_manifest *
pod_manifest_free(struct pod_manifest *m)
{
	size_t i;

	if (!m)
		return NULL;
	free(m->media_type);
	pod_descriptor_release(&m->image.config);
	for (i = 0; i < m->image.n_layers; i++)
		pod_descriptor_release(&m->image.layers[i]);
	free(m->image.layers);
	for (i = 0; i < m->index.n_manifests; i++)
		pod_descriptor_release(&m->index.manifests[i]);
	free(m->index.manifests);
	if (m->annotations)
		json_decref(m->annotations);
	free(m);
	return NULL;
}

void
pod_manifest_freep(struct pod_manifest **m)
{
	if (m)
		*m = pod_manifest_free(*m);
}

static int
decide_media_type(json_t *root, const char *content_type, char **ret, struct pod_err **err)
{
	cleanup_free char *ct = content_type ? content_type_base(content_type) : NULL;
	json_t *mtv = json_object_get(root, "mediaType"), *sv = json_object_get(root, "schemaVersion");
	const char *body_mt = NULL;

	if (is_schema1(ct))
		return err_schema1(err);
	if (mtv && !json_is_null(mtv)) {
		if (!json_is_string(mtv))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "field \"mediaType\" must be a string");
		body_mt = json_string_value(mtv);
	}
	if (is_schema1(body_mt))
		return err_schema1(err);
	if (sv && json_is_integer(sv) && json_integer_value(sv) == 1)
		return err_schema1(err);
	if (!sv || !json_is_integer(sv))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "field \"schemaVersion\" must be an integer");
	if (json_integer_value(sv) != 2)
		return pod_err_set(err, POD_E_INVALID, 0, "unsupported manifest schemaVersion %lld",
				   (long long) json_integer_value(sv));
	if (pod_manifest_type_known(ct)) {
		if (body_mt && !STREQ(body_mt, ct))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "manifest has media type \"%s\" but was served as \"%s\"",
					   body_mt, ct);
		*ret = xstrdup(ct);
		return 0;
	}
	if (body_mt) {
		if (!pod_manifest_type_known(body_mt))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "unsupported manifest media type \"%s\"", body_mt);
		*ret = xstrdup(body_mt);
		return 0;
	}
	if (json_object_get(root, "manifests")) {
		*ret = xstrdup(POD_MT_OCI_INDEX);
		return 0;
	}
	if (json_object_get(root, "layers") || json_object_get(root, "config")) {
		*ret = xstrdup(POD_MT_OCI_MANIFEST);
		return 0;
	}
	if (json_object_get(root, "fsLayers") || json_object_get(root, "signatures"))
		return err_schema1(err);
	return pod_err_set(err, POD_E_INVALID, 0,
			   "unknown manifest format: no mediaType, layers or manifests");
}

static int
manifest_parse(const char *body, size_t len, const char *content_type,
	       struct pod_manifest **ret, struct pod_err **err)
{
	cleanup_jsonp json_t *root = NULL;
	cleanup_(pod_manifest_freep) struct pod_manifest *m = xcalloc(1, sizeof(*m));

	if (load_object(body, len, POD_MANIFEST_MAX, "manifest", &root, err) < 0)
		return -1;
	if (decide_media_type(root, content_type, &m->media_type, err) < 0)
		return -1;
	if (opt_string_map(root, "annotations", &m->annotations, "manifest", err) < 0)
		return -1;
	if (pod_manifest_type_is_index(m->media_type)) {
		json_t *list = json_object_get(root, "manifests");

		m->kind = POD_MANIFEST_INDEX;
		if (json_object_get(root, "layers") || json_object_get(root, "config"))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "%s with \"layers\" or \"config\" is ambiguous",
					   m->media_type);
		if (!list)
			return pod_err_set(err, POD_E_INVALID, 0, "missing field \"manifests\"");
		if (parse_descriptor_array(list, POD_MANIFEST_MAX_ENTRIES, "manifests",
					   &m->index.manifests, &m->index.n_manifests, err) < 0)
			return -1;
	} else {
		json_t *config = json_object_get(root, "config");
		json_t *layers = json_object_get(root, "layers");

		m->kind = POD_MANIFEST_IMAGE;
		if (json_object_get(root, "manifests"))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "%s with \"manifests\" is ambiguous", m->media_type);
		if (!config)
			return pod_err_set(err, POD_E_INVALID, 0, "missing field \"config\"");
		if (!layers)
			return pod_err_set(err, POD_E_INVALID, 0, "missing field \"layers\"");
		if (parse_descriptor(config, &m->image.config, "config", err) < 0)
			return -1;
		if (parse_descriptor_array(layers, POD_MANIFEST_MAX_LAYERS, "layers",
					   &m->image.layers, &m->image.n_layers, err) < 0)
			return -1;
	}
	*ret = TAKE_PTR(m);
	return 0;
}

int
pod_manifest_parse(const char *body, size_t len, const char *content_type,
		   struct pod_manifest **ret, struct pod_err **err)
{
	if (manifest_parse(body, len, content_type, ret, err) < 0) {
		if (err && *err && !pod_str_has_prefix((*err)->msg, "unsupported manifest type") &&
		    !pod_str_has_prefix((*err)->msg, "parsing manifest") &&
		    !pod_str_has_prefix((*err)->msg, "manifest too large"))
			return pod_err_wrap(err, "parsing manifest");
		return -1;
	}
	return 0;
}

/* --- platform selection --- */

const char *
pod_host_goarch(void)
{
	static const struct {
		const char *machine, *goarch;
	} map[] = {
		{ "x86_64", "amd64" },	   { "amd64", "amd64" },     { "aarch64", "arm64" },
		{ "arm64", "arm64" },	   { "i386", "386" },	     { "i486", "386" },
		{ "i586", "386" },	   { "i686", "386" },	     { "ppc64le", "ppc64le" },
		{ "ppc64", "ppc64" },	   { "s390x", "s390x" },     { "riscv64", "riscv64" },
		{ "mips64", "mips64" },	   { "mips", "mips" },	     { "loongarch64", "loong64" },
	};
	static __thread char cached[sizeof(((struct utsname *) 0)->machine)];
	struct utsname u;
	size_t i;

	if (cached[0])
		return cached;
	if (uname(&u) < 0)
		return "amd64";
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (STREQ(u.machine, map[i].machine)) {
			snprintf(cached, sizeof(cached), "%s", map[i].goarch);
			return cached;
		}
	if (pod_str_has_prefix(u.machine, "arm"))
		snprintf(cached, sizeof(cached), "arm");
	else
		snprintf(cached, sizeof(cached), "%s", u.machine);
	return cached;
}

const char *
pod_host_arch_variant(void)
{
	static __thread char cached[8];
	struct utsname u;

	if (!STREQ(pod_host_goarch(), "arm"))
		return STREQ(pod_host_goarch(), "arm64") ? "v8" : "";
	if (cached[0])
		return cached;
	if (uname(&u) == 0 && pod_str_has_prefix(u.machine, "armv") && isdigit((unsigned char) u.machine[4]))
		snprintf(cached, sizeof(cached), "v%c", u.machine[4]);
	else
		snprintf(cached, sizeof(cached), "v7");
	return cached;
}

static bool
str_eq_null(const char *a, const char *b)
{
	return STREQ(a ? a : "", b ? b : "");
}

int
pod_index_select(const struct pod_index *idx, const char *os, const char *arch,
		 const char *variant, const struct pod_descriptor **ret, struct pod_err **err)
{
	const char *wanted[8];
	size_t n_wanted = 0, w, i;
	bool any_variant = false;

	if (!os || !*os)
		os = "linux";
	if (!arch || !*arch)
		arch = pod_host_goarch();
	if (!variant || !*variant) {
		if (STREQ(arch, "arm64"))
			variant = "v8";
		else if (STREQ(arch, "arm"))
			variant = STREQ(pod_host_goarch(), "arm") ? pod_host_arch_variant() : "v7";
		else
			variant = "";
	}
	wanted[n_wanted++] = variant;
	if (STREQ(arch, "arm") && strlen(variant) == 2 && variant[0] == 'v' &&
	    variant[1] > '5' && variant[1] <= '8') {
		/* v7 hardware runs v6 and v5 code */
		for (char c = (char) (variant[1] - 1); c >= '5' && n_wanted < 6; c--) {
			static const char *older[] = { "v5", "v6", "v7" };

			wanted[n_wanted++] = older[c - '5'];
		}
		wanted[n_wanted++] = "";
	} else if (STREQ(arch, "arm64") || STREQ(arch, "arm")) {
		if (*variant)
			wanted[n_wanted++] = "";
	} else if (!*variant) {
		any_variant = true;
	}
	for (w = 0; w < n_wanted; w++)
		for (i = 0; i < idx->n_manifests; i++) {
			const struct pod_platform *p = idx->manifests[i].platform;

			if (p && STREQ(p->os, os) && STREQ(p->architecture, arch) &&
			    str_eq_null(p->variant, wanted[w])) {
				*ret = &idx->manifests[i];
				return 0;
			}
		}
	if (any_variant)
		for (i = 0; i < idx->n_manifests; i++) {
			const struct pod_platform *p = idx->manifests[i].platform;

			if (p && STREQ(p->os, os) && STREQ(p->architecture, arch)) {
				*ret = &idx->manifests[i];
				return 0;
			}
		}
	{
		struct pod_strbuf avail = POD_STRBUF_INIT;
		size_t shown = 0;

		for (i = 0; i < idx->n_manifests && shown < 32; i++) {
			const struct pod_platform *p = idx->manifests[i].platform;

			if (!p)
				continue;
			pod_strbuf_addf(&avail, "%s%s/%s%s%s", shown ? ", " : "", p->os,
					p->architecture, p->variant && *p->variant ? "/" : "",
					p->variant ? p->variant : "");
			shown++;
		}
		pod_err_set(err, POD_E_NOTFOUND, 0,
			    "no image found in manifest list for architecture %s, variant \"%s\", "
			    "OS %s (available: %s)",
			    arch, variant, os, shown ? avail.buf : "none");
		pod_strbuf_release(&avail);
		return -1;
	}
}

/* --- building --- */

json_t *
pod_descriptor_to_json(const struct pod_descriptor *d)
{
	json_t *o = json_object();

	json_object_set_new(o, "mediaType", json_string(d->media_type ? d->media_type : ""));
	json_object_set_new(o, "digest", json_string(d->digest ? d->digest : ""));
	json_object_set_new(o, "size", json_integer(d->size));
	if (d->annotations && json_object_size(d->annotations))
		json_object_set(o, "annotations", d->annotations);
	if (d->platform) {
		json_t *p = json_object();

		json_object_set_new(p, "architecture",
				    json_string(d->platform->architecture ? d->platform->architecture : ""));
		json_object_set_new(p, "os", json_string(d->platform->os ? d->platform->os : ""));
		if (d->platform->os_version)
			json_object_set_new(p, "os.version", json_string(d->platform->os_version));
		if (d->platform->variant && *d->platform->variant)
			json_object_set_new(p, "variant", json_string(d->platform->variant));
		json_object_set_new(o, "platform", p);
	}
	return o;
}

static char *
dump_compact(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);

	if (!s)
		abort(); /* jansson fails only on OOM (or invalid UTF-8 we never add) */
	json_decref(o);
	return s;
}

static char *
build_manifest(const char *mt, const struct pod_descriptor *config,
	       const struct pod_descriptor *layers, size_t n, json_t *annotations)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i;

	json_object_set_new(o, "schemaVersion", json_integer(2));
	json_object_set_new(o, "mediaType", json_string(mt));
	json_object_set_new(o, "config", pod_descriptor_to_json(config));
	for (i = 0; i < n; i++)
		json_array_append_new(arr, pod_descriptor_to_json(&layers[i]));
	json_object_set_new(o, "layers", arr);
	if (annotations && json_object_size(annotations))
		json_object_set(o, "annotations", annotations);
	return dump_compact(o);
}

char *
pod_manifest_build_oci(const struct pod_descriptor *config, const struct pod_descriptor *layers,
		       size_t n_layers, json_t *annotations)
{
	return build_manifest(POD_MT_OCI_MANIFEST, config, layers, n_layers, annotations);
}

char *
pod_manifest_build_docker(const struct pod_descriptor *config,
			  const struct pod_descriptor *layers, size_t n_layers)
{
	return build_manifest(POD_MT_DOCKER_MANIFEST, config, layers, n_layers, NULL);
}

char *
pod_index_build(const char *media_type, const struct pod_descriptor *manifests, size_t n,
		json_t *annotations)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i;

	json_object_set_new(o, "schemaVersion", json_integer(2));
	json_object_set_new(o, "mediaType", json_string(media_type));
	for (i = 0; i < n; i++)
		json_array_append_new(arr, pod_descriptor_to_json(&manifests[i]));
	json_object_set_new(o, "manifests", arr);
	if (annotations && json_object_size(annotations) &&
	    STREQ(media_type, POD_MT_OCI_INDEX))
		json_object_set(o, "annotations", annotations);
	return dump_compact(o);
}

/* --- image configs --- */

static bool
digits(const char *s, size_t n, int *ret)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char) s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return true;
}

bool
pod_parse_rfc3339(const char *s, int64_t *ret_ns)
{
	struct tm tm = { 0 };
	int year, mon, day, hour, min, sec, oh, om;
	int64_t frac = 0, t;
	const char *p;
	time_t secs;

	if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':')
		return false;
	if (!digits(s, 4, &year) || !digits(s + 5, 2, &mon) || !digits(s + 8, 2, &day) ||
	    !digits(s + 11, 2, &hour) || !digits(s + 14, 2, &min) || !digits(s + 17, 2, &sec))
		return false;
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
		return false;
	p = s + 19;
	if (*p == '.') {
		int64_t scale = 100000000;

		p++;
		if (!isdigit((unsigned char) *p))
			return false;
		for (; isdigit((unsigned char) *p); p++) {
			frac += (*p - '0') * scale;
			scale /= 10;
		}
	}
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	secs = timegm(&tm);
	if (*p == 'Z' && p[1] == '\0') {
		t = (int64_t) secs;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':' &&
		   digits(p + 1, 2, &oh) && digits(p + 4, 2, &om) && oh < 24 && om < 60) {
		int64_t off = (int64_t) oh * 3600 + om * 60;

		t = (int64_t) secs + (*p == '+' ? -off : off);
	} else {
		return false;
	}
	/* ns since 1970 fit in int64 between 1677 and 2262 */
	if (t <= -9223372036LL || t >= 9223372035LL)
		return false;
	*ret_ns = t * 1000000000LL + frac;
	return true;
}

char *
pod_format_rfc3339(int64_t ns)
{
	int64_t s = ns / 1000000000LL, f = ns % 1000000000LL;
	time_t t;
	struct tm tm;
	char date[64], frac[16] = "";

	if (f < 0) {
		f += 1000000000LL;
		s--;
	}
	t = (time_t) s;
	if (!gmtime_r(&t, &tm))
		return xstrdup("1970-01-01T00:00:00Z");
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	if (f) {
		size_t n;

		snprintf(frac, sizeof(frac), ".%09lld", (long long) f);
		n = strlen(frac);
		while (n > 1 && frac[n - 1] == '0')
			frac[--n] = '\0';
	}
	return xasprintf("%s%sZ", date, frac);
}

static void
healthcheck_free(struct pod_healthcheck *h)
{
	if (!h)
		return;
	pod_strv_free(h->test);
	free(h);
}

struct pod_image_config *
pod_image_config_free(struct pod_image_config *c)
{
	size_t i;

	if (!c)
		return NULL;
	free(c->architecture);
	free(c->os);
	free(c->variant);
	free(c->os_version);
	free(c->author);
	free(c->created);
	free(c->config.user);
	pod_strv_free(c->config.env);
	pod_strv_free(c->config.entrypoint);
	pod_strv_free(c->config.cmd);
	free(c->config.working_dir);
	pod_strv_free(c->config.exposed_ports);
	pod_strv_free(c->config.volumes);
	if (c->config.labels)
		json_decref(c->config.labels);
	free(c->config.stop_signal);
	healthcheck_free(c->config.healthcheck);
	pod_strv_free(c->config.on_build);
	pod_strv_free(c->config.shell);
	pod_strv_free(c->diff_ids);
	for (i = 0; i < c->n_history; i++) {
		free(c->history[i].created);
		free(c->history[i].created_by);
		free(c->history[i].author);
		free(c->history[i].comment);
	}
	free(c->history);
	if (c->raw)
		json_decref(c->raw);
	free(c);
	return NULL;
}

void
pod_image_config_freep(struct pod_image_config **c)
{
	if (c)
		*c = pod_image_config_free(*c);
}

#define CFG_STRV_MAX 65536

static int
parse_healthcheck(json_t *v, struct pod_healthcheck **ret, struct pod_err **err)
{
	const char *what = "config.Healthcheck";
	struct pod_healthcheck *h;

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return pod_err_set(err, POD_E_INVALID, 0, "%s: must be an object", what);
	h = xcalloc(1, sizeof(*h));
	if (opt_strv(v, "Test", CFG_STRV_MAX, &h->test, what, err) < 0 ||
	    opt_int(v, "Interval", &h->interval, what, err) < 0 ||
	    opt_int(v, "Timeout", &h->timeout, what, err) < 0 ||
	    opt_int(v, "StartPeriod", &h->start_period, what, err) < 0 ||
	    opt_int(v, "Retries", &h->retries, what, err) < 0) {
		healthcheck_free(h);
		return -1;
	}
	*ret = h;
	return 0;
}

static int
parse_container_config(json_t *v, struct pod_image_config *c, struct pod_err **err)
{
	const char *what = "config";

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return pod_err_set(err, POD_E_INVALID, 0, "field \"config\" must be an object");
	if (opt_str(v, "User", &c->config.user, what, err) < 0 ||
	    opt_strv(v, "Env", CFG_STRV_MAX, &c->config.env, what, err) < 0 ||
	    opt_strv(v, "Entrypoint", CFG_STRV_MAX, &c->config.entrypoint, what, err) < 0 ||
	    opt_strv(v, "Cmd", CFG_STRV_MAX, &c->config.cmd, what, err) < 0 ||
	    opt_str(v, "WorkingDir", &c->config.working_dir, what, err) < 0 ||
	    opt_keys(v, "ExposedPorts", &c->config.exposed_ports, what, err) < 0 ||
	    opt_keys(v, "Volumes", &c->config.volumes, what, err) < 0 ||
	    opt_string_map(v, "Labels", &c->config.labels, what, err) < 0 ||
	    opt_str(v, "StopSignal", &c->config.stop_signal, what, err) < 0 ||
	    parse_healthcheck(json_object_get(v, "Healthcheck"), &c->config.healthcheck, err) < 0 ||
	    opt_strv(v, "OnBuild", CFG_STRV_MAX, &c->config.on_build, what, err) < 0 ||
	    opt_strv(v, "Shell", CFG_STRV_MAX, &c->config.shell, what, err) < 0)
		return -1;
	return 0;
}

static int
parse_rootfs(json_t *v, struct pod_image_config *c, struct pod_err **err)
{
	cleanup_free char *type = NULL;
	size_t i;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return pod_err_set(err, POD_E_INVALID, 0, "field \"rootfs\" must be an object");
	if (opt_str(v, "type", &type, "rootfs", err) < 0)
		return -1;
	if (type && !STREQ(type, "layers"))
		return pod_err_set(err, POD_E_INVALID, 0, "rootfs: unsupported type \"%s\"", type);
	if (opt_strv(v, "diff_ids", POD_MANIFEST_MAX_LAYERS, &c->diff_ids, "rootfs", err) < 0)
		return -1;
	for (i = 0; c->diff_ids && c->diff_ids[i]; i++)
		if (!pod_digest_valid(c->diff_ids[i]))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "rootfs: diff_ids[%zu]: invalid digest \"%s\"", i,
					   c->diff_ids[i]);
	c->n_diff_ids = i;
	return 0;
}

static int
parse_history(json_t *v, struct pod_image_config *c, struct pod_err **err)
{
	json_t *e;
	size_t i, non_empty = 0;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return pod_err_set(err, POD_E_INVALID, 0, "field \"history\" must be an array");
	if (json_array_size(v) > CFG_STRV_MAX)
		return pod_err_set(err, POD_E_INVALID, 0, "field \"history\" has too many entries");
	c->history = xcalloc(json_array_size(v) + 1, sizeof(*c->history));
	json_array_foreach (v, i, e) {
		struct pod_history *h = &c->history[i];
		json_t *empty;
		char what[48];

		snprintf(what, sizeof(what), "history[%zu]", i);
		c->n_history = i + 1;
		if (!json_is_object(e))
			return pod_err_set(err, POD_E_INVALID, 0, "%s: must be an object", what);
		if (opt_str(e, "created", &h->created, what, err) < 0 ||
		    opt_str(e, "created_by", &h->created_by, what, err) < 0 ||
		    opt_str(e, "author", &h->author, what, err) < 0 ||
		    opt_str(e, "comment", &h->comment, what, err) < 0)
			return -1;
		if (h->created && !pod_parse_rfc3339(h->created, &h->created_ns))
			h->created_ns = 0;
		empty = json_object_get(e, "empty_layer");
		if (empty && !json_is_null(empty) && !json_is_boolean(empty))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "%s: field \"empty_layer\" must be a boolean", what);
		h->empty_layer = empty && json_is_true(empty);
		if (!h->empty_layer)
			non_empty++;
	}
	c->history_mismatch = c->n_history > 0 && non_empty != c->n_diff_ids;
	return 0;
}

int
pod_image_config_parse(const char *body, size_t len, struct pod_image_config **ret,
		       struct pod_err **err)
{
	cleanup_(pod_image_config_freep) struct pod_image_config *c = xcalloc(1, sizeof(*c));
	const char *what = "image config";

	if (load_object(body, len, POD_IMAGE_CONFIG_MAX, what, &c->raw, err) < 0)
		return -1;
	if (opt_str(c->raw, "architecture", &c->architecture, what, err) < 0 ||
	    opt_str(c->raw, "os", &c->os, what, err) < 0 ||
	    opt_str(c->raw, "variant", &c->variant, what, err) < 0 ||
	    opt_str(c->raw, "os.version", &c->os_version, what, err) < 0 ||
	    opt_str(c->raw, "author", &c->author, what, err) < 0 ||
	    opt_str(c->raw, "created", &c->created, what, err) < 0)
		return -1;
	if (c->created && !pod_parse_rfc3339(c->created, &c->created_ns))
		c->created_ns = 0;
	if (parse_container_config(json_object_get(c->raw, "config"), c, err) < 0 ||
	    parse_rootfs(json_object_get(c->raw, "rootfs"), c, err) < 0 ||
	    parse_history(json_object_get(c->raw, "history"), c, err) < 0) {
		if (err && *err && !pod_str_has_prefix((*err)->msg, "parsing"))
			pod_err_wrap(err, "parsing image config");
		return -1;
	}
	*ret = TAKE_PTR(c);
	return 0;
}

static json_t *
strv_json(char *const *v)
{
	json_t *a = json_array();

	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

static json_t *
set_json(char *const *v)
{
	json_t *o = json_object();

	for (; v && *v; v++)
		json_object_set_new(o, *v, json_object());
	return o;
}

static void
set_str(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(o, key, json_string(v));
}

char *
pod_image_config_build(const struct pod_image_config *c)
{
	json_t *o = json_object(), *cfg = json_object(), *rootfs = json_object();
	size_t i;

	if (c->created_ns) {
		char *t = pod_format_rfc3339(c->created_ns);

		json_object_set_new(o, "created", json_string(t));
		free(t);
	} else {
		set_str(o, "created", c->created);
	}
	set_str(o, "author", c->author);
	json_object_set_new(o, "architecture", json_string(c->architecture ? c->architecture : ""));
	json_object_set_new(o, "os", json_string(c->os ? c->os : ""));
	set_str(o, "os.version", c->os_version);
	set_str(o, "variant", c->variant);

	set_str(cfg, "User", c->config.user);
	if (c->config.exposed_ports)
		json_object_set_new(cfg, "ExposedPorts", set_json(c->config.exposed_ports));
	if (c->config.env)
		json_object_set_new(cfg, "Env", strv_json(c->config.env));
	if (c->config.entrypoint)
		json_object_set_new(cfg, "Entrypoint", strv_json(c->config.entrypoint));
	if (c->config.cmd)
		json_object_set_new(cfg, "Cmd", strv_json(c->config.cmd));
	if (c->config.volumes)
		json_object_set_new(cfg, "Volumes", set_json(c->config.volumes));
	set_str(cfg, "WorkingDir", c->config.working_dir);
	if (c->config.labels && json_object_size(c->config.labels))
		json_object_set(cfg, "Labels", c->config.labels);
	set_str(cfg, "StopSignal", c->config.stop_signal);
	if (c->config.healthcheck) {
		const struct pod_healthcheck *h = c->config.healthcheck;
		json_t *hc = json_object();

		if (h->test)
			json_object_set_new(hc, "Test", strv_json(h->test));
		if (h->interval)
			json_object_set_new(hc, "Interval", json_integer(h->interval));
		if (h->timeout)
			json_object_set_new(hc, "Timeout", json_integer(h->timeout));
		if (h->start_period)
			json_object_set_new(hc, "StartPeriod", json_integer(h->start_period));
		if (h->retries)
			json_object_set_new(hc, "Retries", json_integer(h->retries));
		json_object_set_new(cfg, "Healthcheck", hc);
	}
	if (c->config.on_build)
		json_object_set_new(cfg, "OnBuild", strv_json(c->config.on_build));
	if (c->config.shell)
		json_object_set_new(cfg, "Shell", strv_json(c->config.shell));
	json_object_set_new(o, "config", cfg);

	json_object_set_new(rootfs, "type", json_string("layers"));
	json_object_set_new(rootfs, "diff_ids", strv_json(c->diff_ids));
	json_object_set_new(o, "rootfs", rootfs);
	if (c->n_history) {
		json_t *hist = json_array();

		for (i = 0; i < c->n_history; i++) {
			const struct pod_history *h = &c->history[i];
			json_t *e = json_object();

			if (h->created_ns) {
				char *t = pod_format_rfc3339(h->created_ns);

				json_object_set_new(e, "created", json_string(t));
				free(t);
			} else {
				set_str(e, "created", h->created);
			}
			set_str(e, "created_by", h->created_by);
			set_str(e, "author", h->author);
			set_str(e, "comment", h->comment);
			if (h->empty_layer)
				json_object_set_new(e, "empty_layer", json_true());
			json_array_append_new(hist, e);
		}
		json_object_set_new(o, "history", hist);
	}
	return dump_compact(o);
}
