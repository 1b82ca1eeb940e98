/* plan.c - Kubernetes documents -> what `kube play` makes (see kube.h) */
#include "kube/kube.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>

#include "core/json.h"
#include "core/strbuf.h"
#include "runtime/ctr_net.h"
#include "runtime/specgen.h"

#define MAX_REPLICAS 100

struct plan {
	json_t *out;
	json_t *configmaps; /* name -> data object */
	json_t *secrets;    /* name -> decoded data object */
	const struct pod_kube_plan_opts *o;
};

static const char *
type_name(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "mapping";
	case JSON_ARRAY:
		return "sequence";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	default:
		return "null";
	}
}

static int
bad_type(const char *path, const char *key, const char *want, json_t *v, struct pod_err **err)
{
	return pod_err_set(err, POD_E_INVALID, 0, "%s%s%s: expected %s, got %s", path,
			   *path ? "." : "", key, want, type_name(v));
}

/* typed getters: absent or null leaves *ret alone and returns 0 */
static int
get_str(json_t *obj, const char *path, const char *key, const char **ret, struct pod_err **err)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad_type(path, key, "string", v, err);
	*ret = json_string_value(v);
	return 0;
}

static int
get_int(json_t *obj, const char *path, const char *key, int64_t *ret, struct pod_err **err)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return bad_type(path, key, "integer", v, err);
	*ret = json_integer_value(v);
	return 0;
}

static int
get_bool(json_t *obj, const char *path, const char *key, bool *ret, struct pod_err **err)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return bad_type(path, key, "boolean", v, err);
	*ret = json_is_true(v);
	return 0;
}

static int
get_obj(json_t *obj, const char *path, const char *key, json_t **ret, struct pod_err **err)
{
	json_t *v = json_object_get(obj, key);

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return bad_type(path, key, "mapping", v, err);
	*ret = v;
	return 0;
}

static int
get_arr(json_t *obj, const char *path, const char *key, json_t **ret, struct pod_err **err)
{
	json_t *v = json_object_get(obj, key);

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad_type(path, key, "sequence", v, err);
	*ret = v;
	return 0;
}

/* a sequence of strings as a new JSON array */
static int
get_strs(json_t *obj, const char *path, const char *key, json_t **ret, struct pod_err **err)
{
	json_t *a = NULL, *v;
	size_t i;

	*ret = NULL;
	if (get_arr(obj, path, key, &a, err) < 0)
		return -1;
	if (!a)
		return 0;
	json_array_foreach (a, i, v)
		if (!json_is_string(v)) {
			cleanup_free char *k = xasprintf("%s[%zu]", key, i);
			return bad_type(path, k, "string", v, err);
		}
	*ret = json_deep_copy(a);
	return 0;
}

/* a mapping of strings (labels, annotations, data) as a new object */
static int
get_strmap(json_t *obj, const char *path, const char *key, json_t **ret, struct pod_err **err)
{
	json_t *m = NULL, *v;
	const char *k;

	*ret = json_object();
	if (get_obj(obj, path, key, &m, err) < 0) {
		json_decref(*ret);
		*ret = NULL;
		return -1;
	}
	json_object_foreach (m, k, v) {
		if (!json_is_string(v)) {
			cleanup_free char *p = xasprintf("%s%s%s", path, *path ? "." : "", key);
			json_decref(*ret);
			*ret = NULL;
			return bad_type(p, k, "string", v, err);
		}
		json_object_set(*ret, k, v);
	}
	return 0;
}

static int
need_str(json_t *obj, const char *path, const char *key, const char **ret, struct pod_err **err)
{
	*ret = NULL;
	if (get_str(obj, path, key, ret, err) < 0)
		return -1;
	if (!*ret || !**ret)
		return pod_err_set(err, POD_E_INVALID, 0, "%s%s%s: missing", path, *path ? "." : "",
				   key);
	return 0;
}

bool
pod_kube_quantity(const char *s, int64_t scale, int64_t *ret)
{
	static const struct { const char *sfx; double mul; } sfx[] = {
		{ "Ki", 1024.0 }, { "Mi", 1048576.0 }, { "Gi", 1073741824.0 },
		{ "Ti", 1099511627776.0 }, { "Pi", 1125899906842624.0 },
		{ "Ei", 1152921504606846976.0 }, { "m", 1e-3 }, { "k", 1e3 }, { "M", 1e6 },
		{ "G", 1e9 }, { "T", 1e12 }, { "P", 1e15 }, { "E", 1e18 }, { "", 1.0 },
	};
	char *end = NULL;
	double v, r;

	if (!s || !*s || isspace((unsigned char) *s) || *s == '-')
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0 || strpbrk(s, "xXpPnN"))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(sfx); i++) {
		if (!STREQ(end, sfx[i].sfx))
			continue;
		r = ceil(v * sfx[i].mul * (double) scale);
		if (r > 9.2e18)
			return false;
		*ret = (int64_t) r;
		return true;
	}
	return false;
}

char *
pod_kube_dns_label(const char *name)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;

	for (const char *p = name; *p && sb.len < 63; p++) {
		char c = (char) tolower((unsigned char) *p);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			pod_strbuf_addch(&sb, c);
		else if (sb.len && sb.buf[sb.len - 1] != '-')
			pod_strbuf_addch(&sb, '-');
	}
	while (sb.len && sb.buf[sb.len - 1] == '-')
		pod_strbuf_truncate(&sb, sb.len - 1);
	if (!sb.len)
		pod_strbuf_adds(&sb, "pod");
	return pod_strbuf_detach(&sb);
}

static char *
base64_decode(const char *s, size_t *ret_len)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	uint32_t acc = 0;
	int bits = 0;

	for (const char *p = s; *p; p++) {
		const char *alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		const char *q;
		if (*p == '=' || isspace((unsigned char) *p))
			continue;
		q = strchr(alpha, *p);
		if (!q) {
			pod_strbuf_release(&sb);
			return NULL;
		}
		acc = (acc << 6) | (uint32_t) (q - alpha);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			pod_strbuf_addch(&sb, (char) ((acc >> bits) & 0xff));
		}
	}
	*ret_len = sb.len;
	return pod_strbuf_detach(&sb);
}

/* ---- ConfigMap, Secret, PersistentVolumeClaim ---- */

static int
add_configmap(struct plan *pl, json_t *doc, const char *name, struct pod_err **err)
{
	cleanup_json json_t *data = NULL, *bin = NULL;
	const char *k;
	json_t *v;

	if (get_strmap(doc, "", "data", &data, err) < 0 ||
	    get_strmap(doc, "", "binaryData", &bin, err) < 0)
		return pod_err_wrap(err, "ConfigMap \"%s\"", name);
	json_object_foreach (bin, k, v) {
		size_t n = 0;
		cleanup_free char *raw = base64_decode(json_string_value(v), &n);
		if (!raw)
			return pod_err_set(err, POD_E_INVALID, 0, "ConfigMap \"%s\": binaryData.%s: "
					   "not base64", name, k);
		json_object_set_new(data, k, pod_json_stringn(raw, n));
	}
	json_object_set(pl->configmaps, name, data);
	return 0;
}

static int
add_secret(struct plan *pl, json_t *doc, const char *name, struct pod_err **err)
{
	cleanup_json json_t *data = NULL, *sdata = NULL;
	json_t *out = json_object(), *v;
	const char *k;

	json_object_set_new(pl->secrets, name, out);
	if (get_strmap(doc, "", "data", &data, err) < 0 ||
	    get_strmap(doc, "", "stringData", &sdata, err) < 0)
		return pod_err_wrap(err, "Secret \"%s\"", name);
	json_object_foreach (data, k, v) {
		size_t n = 0;
		cleanup_free char *raw = base64_decode(json_string_value(v), &n);
		if (!raw)
			return pod_err_set(err, POD_E_INVALID, 0, "Secret \"%s\": data.%s: not "
					   "base64", name, k);
		json_object_set_new(out, k, pod_json_stringn(raw, n));
	}
	json_object_update(out, sdata);
	return 0;
}

static json_t *
find_volume(json_t *vols, const char *name)
{
	size_t i;
	json_t *v;

	json_array_foreach (vols, i, v)
		if (STREQ(json_string_value(json_object_get(v, "Name")), name))
			return v;
	return NULL;
}

static int
add_pvc(struct plan *pl, json_t *doc, const char *name, struct pod_err **err)
{
	json_t *vols = json_object_get(pl->out, "Volumes");
	cleanup_json json_t *labels = NULL, *ann = NULL;
	json_t *md = json_object_get(doc, "metadata");
	json_t *opts = json_array();
	const char *driver = "local", *k;
	json_t *v;

	if (get_strmap(md, "metadata", "labels", &labels, err) < 0 ||
	    get_strmap(md, "metadata", "annotations", &ann, err) < 0) {
		json_decref(opts);
		return pod_err_wrap(err, "PersistentVolumeClaim \"%s\"", name);
	}
	/* Podman's volume.podman.io/ annotations */
	json_object_foreach (ann, k, v) {
		const char *val = json_string_value(v);
		if (STREQ(k, "volume.podman.io/driver"))
			driver = val;
		else if (STREQ(k, "volume.podman.io/device"))
			json_array_append_new(opts, json_sprintf("device=%s", val));
		else if (STREQ(k, "volume.podman.io/type"))
			json_array_append_new(opts, json_sprintf("type=%s", val));
		else if (STREQ(k, "volume.podman.io/uid"))
			json_array_append_new(opts, json_sprintf("uid=%s", val));
		else if (STREQ(k, "volume.podman.io/gid"))
			json_array_append_new(opts, json_sprintf("gid=%s", val));
		else if (STREQ(k, "volume.podman.io/mount-options"))
			json_array_append_new(opts, json_sprintf("o=%s", val));
	}
	if (find_volume(vols, name)) {
		json_decref(opts);
		return 0;
	}
	json_array_append_new(vols, json_pack("{s:s, s:O, s:s, s:o}", "Name", name, "Labels",
					      labels, "Driver", driver, "Options", opts));
	return 0;
}

/* ---- env ---- */

struct podctx {
	struct plan *pl;
	const char *pod;
	json_t *labels, *annotations;
	const char *hostname;
	json_t *volumes;   /* spec.volumes: name -> {kind, ...} resolved */
	json_t *pod_entry; /* the plan's pod object */
	int64_t pod_uid, pod_gid;
	bool pod_uid_set, pod_gid_set;
};

static int
lookup_key(struct podctx *pc, bool secret, const char *ref, const char *key, bool optional,
	   const char *path, const char **ret, struct pod_err **err)
{
	json_t *src = json_object_get(secret ? pc->pl->secrets : pc->pl->configmaps, ref);
	json_t *v = json_object_get(src, key);

	*ret = NULL;
	if (v) {
		*ret = json_string_value(v);
		return 0;
	}
	if (optional || (pc->pl->o && pc->pl->o->names_only))
		return 0;
	if (!src)
		return pod_err_set(err, POD_E_NOTFOUND, 0, "%s: %s \"%s\" not found", path,
				   secret ? "secret" : "configmap", ref);
	return pod_err_set(err, POD_E_NOTFOUND, 0, "%s: %s \"%s\" has no key \"%s\"", path,
			   secret ? "secret" : "configmap", ref, key);
}

static int
field_ref(struct podctx *pc, const char *fp, const char *path, const char **ret,
	  struct pod_err **err)
{
	char key[256];

	if (STREQ(fp, "metadata.name"))
		*ret = pc->pod;
	else if (STREQ(fp, "metadata.namespace"))
		*ret = "default";
	else if (STREQ(fp, "spec.nodeName") || STREQ(fp, "status.hostIP") ||
		 STREQ(fp, "status.podIP"))
		*ret = STREQ(fp, "spec.nodeName") ? pc->hostname : "";
	else if (sscanf(fp, "metadata.labels['%255[^']']", key) == 1 ||
		 sscanf(fp, "metadata.labels[\"%255[^\"]\"]", key) == 1)
		*ret = json_string_value(json_object_get(pc->labels, key)) ?: "";
	else if (sscanf(fp, "metadata.annotations['%255[^']']", key) == 1 ||
		 sscanf(fp, "metadata.annotations[\"%255[^\"]\"]", key) == 1)
		*ret = json_string_value(json_object_get(pc->annotations, key)) ?: "";
	else
		return pod_err_set(err, POD_E_INVALID, 0, "%s: unsupported fieldPath \"%s\"", path,
				   fp);
	return 0;
}

static int
env_one(struct podctx *pc, json_t *e, const char *path, json_t *env, struct pod_err **err)
{
	const char *name = NULL, *value = NULL;
	json_t *from = NULL, *ref = NULL;
	cleanup_free char *rp = NULL;

	if (!json_is_object(e))
		return pod_err_set(err, POD_E_INVALID, 0, "%s: expected mapping, got %s", path,
				   type_name(e));
	if (need_str(e, path, "name", &name, err) < 0 || get_str(e, path, "value", &value, err) < 0 ||
	    get_obj(e, path, "valueFrom", &from, err) < 0)
		return -1;
	if (from) {
		bool optional = false, secret = false;
		const char *rn = NULL, *key = NULL;

		rp = xasprintf("%s.valueFrom", path);
		if (get_obj(from, rp, "configMapKeyRef", &ref, err) < 0)
			return -1;
		if (!ref) {
			if (get_obj(from, rp, "secretKeyRef", &ref, err) < 0)
				return -1;
			secret = ref != NULL;
		}
		if (ref) {
			cleanup_free char *p = xasprintf("%s.%s", rp, secret ? "secretKeyRef"
									      : "configMapKeyRef");
			if (need_str(ref, p, "name", &rn, err) < 0 ||
			    need_str(ref, p, "key", &key, err) < 0 ||
			    get_bool(ref, p, "optional", &optional, err) < 0 ||
			    lookup_key(pc, secret, rn, key, optional, p, &value, err) < 0)
				return -1;
			if (!value)
				return 0;
		} else {
			const char *fp = NULL;
			if (get_obj(from, rp, "fieldRef", &ref, err) < 0)
				return -1;
			if (!ref)
				return pod_err_set(err, POD_E_INVALID, 0, "%s: needs configMapKeyRef, "
						   "secretKeyRef or fieldRef", rp);
			cleanup_free char *p = xasprintf("%s.fieldRef", rp);
			if (need_str(ref, p, "fieldPath", &fp, err) < 0 ||
			    field_ref(pc, fp, p, &value, err) < 0)
				return -1;
		}
	}
	json_array_append_new(env, json_sprintf("%s=%s", name, value ? value : ""));
	return 0;
}

static int
env_from(struct podctx *pc, json_t *e, const char *path, json_t *env, struct pod_err **err)
{
	const char *prefix = "", *name = NULL, *k;
	bool optional = false, secret = false;
	json_t *ref = NULL, *src, *v;

	if (!json_is_object(e))
		return pod_err_set(err, POD_E_INVALID, 0, "%s: expected mapping, got %s", path,
				   type_name(e));
	if (get_str(e, path, "prefix", &prefix, err) < 0 ||
	    get_obj(e, path, "configMapRef", &ref, err) < 0)
		return -1;
	if (!ref) {
		if (get_obj(e, path, "secretRef", &ref, err) < 0)
			return -1;
		secret = true;
	}
	if (!ref)
		return pod_err_set(err, POD_E_INVALID, 0, "%s: needs configMapRef or secretRef",
				   path);
	cleanup_free char *p = xasprintf("%s.%s", path, secret ? "secretRef" : "configMapRef");
	if (need_str(ref, p, "name", &name, err) < 0 ||
	    get_bool(ref, p, "optional", &optional, err) < 0)
		return -1;
	src = json_object_get(secret ? pc->pl->secrets : pc->pl->configmaps, name);
	if (!src) {
		if (optional || (pc->pl->o && pc->pl->o->names_only))
			return 0;
		return pod_err_set(err, POD_E_NOTFOUND, 0, "%s: %s \"%s\" not found", p,
				   secret ? "secret" : "configmap", name);
	}
	json_object_foreach (src, k, v)
		json_array_append_new(env, json_sprintf("%s%s=%s", prefix, k, json_string_value(v)));
	return 0;
}

/* ---- volumes ---- */

static int
data_volume(struct plan *pl, const char *vname, const char *kind, json_t *src, json_t *items,
	    const char *path, struct pod_err **err)
{
	json_t *dv = json_object_get(pl->out, "DataVolumes");
	json_t *files = json_object(), *it;
	const char *k;
	size_t i;

	if (items) {
		json_array_foreach (items, i, it) {
			cleanup_free char *ip = xasprintf("%s.items[%zu]", path, i);
			const char *key = NULL, *fp = NULL;
			if (!json_is_object(it)) {
				json_decref(files);
				return pod_err_set(err, POD_E_INVALID, 0, "%s: expected mapping, got "
						   "%s", ip, type_name(it));
			}
			if (need_str(it, ip, "key", &key, err) < 0 ||
			    need_str(it, ip, "path", &fp, err) < 0) {
				json_decref(files);
				return -1;
			}
			if (fp[0] == '/' || strstr(fp, "..") || strchr(fp, '/')) {
				json_decref(files);
				return pod_err_set(err, POD_E_INVALID, 0, "%s.path: \"%s\" must be a "
						   "plain file name", ip, fp);
			}
			if (json_object_get(src, key))
				json_object_set(files, fp, json_object_get(src, key));
		}
	} else {
		json_object_foreach (src, k, it) {
			if (strchr(k, '/') || STREQ(k, ".") || STREQ(k, "..")) {
				json_decref(files);
				return pod_err_set(err, POD_E_INVALID, 0, "%s: key \"%s\" cannot be a "
						   "file name", path, k);
			}
			json_object_set(files, k, it);
		}
	}
	if (find_volume(dv, vname)) {
		json_decref(files);
		return 0;
	}
	json_array_append_new(dv, json_pack("{s:s, s:s, s:o}", "Name", vname, "Kind", kind,
					    "Files", files));
	return 0;
}

/* spec.volumes -> name: {"Source": "HOST|NAME|", "Type": "bind|volume|anon"} */
static int
pod_volumes(struct podctx *pc, json_t *spec, struct pod_err **err)
{
	json_t *vols = NULL, *v;
	size_t i;

	if (get_arr(spec, "spec", "volumes", &vols, err) < 0)
		return -1;
	json_array_foreach (vols, i, v) {
		cleanup_free char *p = xasprintf("spec.volumes[%zu]", i);
		const char *name = NULL;
		json_t *hp = NULL, *ed = NULL, *pvc = NULL, *cm = NULL, *sec = NULL;

		if (!json_is_object(v))
			return pod_err_set(err, POD_E_INVALID, 0, "%s: expected mapping, got %s", p,
					   type_name(v));
		if (need_str(v, p, "name", &name, err) < 0 ||
		    get_obj(v, p, "hostPath", &hp, err) < 0 ||
		    get_obj(v, p, "emptyDir", &ed, err) < 0 ||
		    get_obj(v, p, "persistentVolumeClaim", &pvc, err) < 0 ||
		    get_obj(v, p, "configMap", &cm, err) < 0 || get_obj(v, p, "secret", &sec, err) < 0)
			return -1;
		if (hp) {
			cleanup_free char *hpp = xasprintf("%s.hostPath", p);
			const char *path = NULL, *type = "";
			if (need_str(hp, hpp, "path", &path, err) < 0 ||
			    get_str(hp, hpp, "type", &type, err) < 0)
				return -1;
			static const char *const types[] = { "", "DirectoryOrCreate", "Directory",
							     "FileOrCreate", "File", "Socket",
							     "CharDevice", "BlockDevice", NULL };
			size_t t;
			for (t = 0; types[t] && !STREQ(types[t], type); t++)
				;
			if (!types[t])
				return pod_err_set(err, POD_E_INVALID, 0, "%s.type: unknown hostPath "
						   "type \"%s\"", hpp, type);
			if (path[0] == '/') {
				json_array_append_new(json_object_get(pc->pl->out, "HostPaths"),
						      json_pack("{s:s, s:s}", "Path", path, "Type",
								type));
				json_object_set_new(pc->volumes, name, json_pack("{s:s, s:s}", "Type",
						    "bind", "Source", path));
			} else {
				/* Podman: a hostPath without "/" is a named volume */
				json_object_set_new(pc->volumes, name, json_pack("{s:s, s:s}", "Type",
						    "volume", "Source", path));
				if (!find_volume(json_object_get(pc->pl->out, "Volumes"), path))
					json_array_append_new(json_object_get(pc->pl->out, "Volumes"),
							      json_pack("{s:s, s:{}, s:s, s:[]}",
									"Name", path, "Labels",
									"Driver", "local", "Options"));
			}
		} else if (pvc) {
			cleanup_free char *pp = xasprintf("%s.persistentVolumeClaim", p);
			const char *claim = NULL;
			bool ro = false;
			if (need_str(pvc, pp, "claimName", &claim, err) < 0 ||
			    get_bool(pvc, pp, "readOnly", &ro, err) < 0)
				return -1;
			json_object_set_new(pc->volumes, name, json_pack("{s:s, s:s, s:b}", "Type",
					    "volume", "Source", claim, "ReadOnly", ro));
			if (!find_volume(json_object_get(pc->pl->out, "Volumes"), claim))
				json_array_append_new(json_object_get(pc->pl->out, "Volumes"),
						      json_pack("{s:s, s:{}, s:s, s:[]}", "Name", claim,
								"Labels", "Driver", "local",
								"Options"));
		} else if (cm || sec) {
			const char *kind = cm ? "configMap" : "secret";
			cleanup_free char *cp = xasprintf("%s.%s", p, kind);
			const char *ref = NULL;
			bool optional = false;
			json_t *items = NULL, *src;
			if (need_str(cm ? cm : sec, cp, cm ? "name" : "secretName", &ref, err) < 0 ||
			    get_bool(cm ? cm : sec, cp, "optional", &optional, err) < 0 ||
			    get_arr(cm ? cm : sec, cp, "items", &items, err) < 0)
				return -1;
			src = json_object_get(cm ? pc->pl->configmaps : pc->pl->secrets, ref);
			if (!src && !optional && !(pc->pl->o && pc->pl->o->names_only))
				return pod_err_set(err, POD_E_NOTFOUND, 0, "%s: %s \"%s\" not found",
						   cp, cm ? "configmap" : "secret", ref);
			if (!src) {
				json_object_set_new(pc->volumes, name, json_pack("{s:s}", "Type",
										 "none"));
				continue;
			}
			if (data_volume(pc->pl, ref, cm ? "ConfigMap" : "Secret", src, items, cp,
					err) < 0)
				return -1;
			json_object_set_new(pc->volumes, name, json_pack("{s:s, s:s, s:b}", "Type",
					    "volume", "Source", ref, "ReadOnly", 1));
		} else if (ed) {
			/* one volume the pod's containers share, removed with the pod */
			cleanup_free char *vn = xasprintf("%s-%s", pc->pod, name);
			json_array_append_new(json_object_get(pc->pod_entry, "EmptyDirs"),
					      json_string(vn));
			json_object_set_new(pc->volumes, name, json_pack("{s:s, s:s}", "Type",
					    "volume", "Source", vn));
		} else {
			return pod_err_set(err, POD_E_INVALID, 0, "%s: volume \"%s\": unsupported "
					   "volume source (hostPath, emptyDir, persistentVolumeClaim, "
					   "configMap and secret are supported)", p, name);
		}
	}
	return 0;
}

static int
volume_mounts(struct podctx *pc, json_t *c, const char *path, json_t *settings,
	      struct pod_err **err)
{
	json_t *mounts = NULL, *m, *out = json_array();
	size_t i;

	json_object_set_new(settings, "Volumes", out);
	if (get_arr(c, path, "volumeMounts", &mounts, err) < 0)
		return -1;
	json_array_foreach (mounts, i, m) {
		cleanup_free char *p = xasprintf("%s.volumeMounts[%zu]", path, i);
		const char *name = NULL, *dst = NULL, *sub = NULL;
		bool ro = false;
		json_t *vol;

		if (!json_is_object(m))
			return pod_err_set(err, POD_E_INVALID, 0, "%s: expected mapping, got %s", p,
					   type_name(m));
		if (need_str(m, p, "name", &name, err) < 0 ||
		    need_str(m, p, "mountPath", &dst, err) < 0 ||
		    get_bool(m, p, "readOnly", &ro, err) < 0 ||
		    get_str(m, p, "subPath", &sub, err) < 0)
			return -1;
		if (sub && *sub)
			return pod_err_set(err, POD_E_INVALID, 0, "%s.subPath: not supported", p);
		if (dst[0] != '/')
			return pod_err_set(err, POD_E_INVALID, 0, "%s.mountPath: \"%s\" is not an "
					   "absolute path", p, dst);
		vol = json_object_get(pc->volumes, name);
		if (!vol)
			return pod_err_set(err, POD_E_NOTFOUND, 0, "%s: volume \"%s\" is not defined "
					   "in spec.volumes", p, name);
		if (STREQ(json_string_value(json_object_get(vol, "Type")), "none"))
			continue;
		ro = ro || json_is_true(json_object_get(vol, "ReadOnly"));
		json_array_append_new(out, json_sprintf("%s:%s%s", json_string_value(
							json_object_get(vol, "Source")), dst,
						 ro ? ":ro" : ""));
	}
	return 0;
}

/* ---- containers ---- */

static int
caps(json_t *sc, const char *path, json_t *settings, struct pod_err **err)
{
	json_t *capobj = NULL;
	cleanup_free char *p = xasprintf("%s.securityContext", path);
	cleanup_free char *cp = xasprintf("%s.capabilities", p);
	static const char *const keys[] = { "add", "drop" };
	static const char *const setting[] = { "CapAdd", "CapDrop" };

	if (get_obj(sc, p, "capabilities", &capobj, err) < 0)
		return -1;
	for (size_t k = 0; k < 2; k++) {
		json_t *list = NULL, *v, *out = json_array();
		size_t i;
		if (get_strs(capobj, cp, keys[k], &list, err) < 0) {
			json_decref(out);
			return -1;
		}
		json_array_foreach (list, i, v) {
			const char *s = json_string_value(v);
			if (strncasecmp(s, "CAP_", 4) == 0 || strcasecmp(s, "ALL") == 0)
				json_array_append_new(out, json_string(s));
			else
				json_array_append_new(out, json_sprintf("CAP_%s", s));
		}
		json_decref(list);
		json_object_set_new(settings, setting[k], out);
	}
	return 0;
}

static int
security(struct podctx *pc, json_t *c, const char *path, json_t *settings, struct pod_err **err)
{
	json_t *sc = NULL, *seccomp = NULL;
	cleanup_free char *p = xasprintf("%s.securityContext", path);
	bool priv = false, ro = false, escal = true;
	int64_t uid = pc->pod_uid, gid = pc->pod_gid;
	bool uid_set = pc->pod_uid_set, gid_set = pc->pod_gid_set;

	if (get_obj(c, path, "securityContext", &sc, err) < 0 || caps(sc, path, settings, err) < 0)
		return -1;
	if (sc && json_object_get(sc, "runAsUser") && !json_is_null(json_object_get(sc,
										    "runAsUser")))
		uid_set = true;
	if (sc && json_object_get(sc, "runAsGroup") && !json_is_null(json_object_get(sc,
										     "runAsGroup")))
		gid_set = true;
	if (get_bool(sc, p, "privileged", &priv, err) < 0 ||
	    get_bool(sc, p, "readOnlyRootFilesystem", &ro, err) < 0 ||
	    get_bool(sc, p, "allowPrivilegeEscalation", &escal, err) < 0 ||
	    get_int(sc, p, "runAsUser", &uid, err) < 0 || get_int(sc, p, "runAsGroup", &gid, err) < 0 ||
	    get_obj(sc, p, "seccompProfile", &seccomp, err) < 0)
		return -1;
	if ((uid_set && (uid < 0 || uid > UINT32_MAX)) || (gid_set && (gid < 0 || gid > UINT32_MAX)))
		return pod_err_set(err, POD_E_INVALID, 0, "%s: runAsUser/runAsGroup out of range", p);
	if (uid_set && gid_set)
		json_object_set_new(settings, "User", json_sprintf("%lld:%lld", (long long) uid,
								    (long long) gid));
	else if (uid_set)
		json_object_set_new(settings, "User", json_sprintf("%lld", (long long) uid));
	else if (gid_set)
		json_object_set_new(settings, "User", json_sprintf("0:%lld", (long long) gid));
	json_object_set_new(settings, "Privileged", json_boolean(priv));
	json_object_set_new(settings, "ReadOnly", json_boolean(ro));
	if (!escal)
		json_object_set_new(settings, "NoNewPrivileges", json_true());
	if (seccomp) {
		cleanup_free char *sp = xasprintf("%s.seccompProfile", p);
		const char *type = NULL, *local = NULL;
		if (need_str(seccomp, sp, "type", &type, err) < 0 ||
		    get_str(seccomp, sp, "localhostProfile", &local, err) < 0)
			return -1;
		if (STREQ(type, "Unconfined")) {
			json_object_set_new(settings, "SeccompProfile", json_string("unconfined"));
		} else if (STREQ(type, "Localhost")) {
			if (!local || !*local || strstr(local, ".."))
				return pod_err_set(err, POD_E_INVALID, 0, "%s.localhostProfile: needs a "
						   "profile path", sp);
			/* kubelet's seccomp root, as Podman's --seccomp-profile-root default */
			json_object_set_new(settings, "SeccompProfile",
					    local[0] == '/'
						    ? json_string(local)
						    : json_sprintf("/var/lib/kubelet/seccomp/%s", local));
		} else if (!STREQ(type, "RuntimeDefault")) {
			return pod_err_set(err, POD_E_INVALID, 0, "%s.type: unknown seccomp profile "
					   "type \"%s\"", sp, type);
		}
	}
	return 0;
}

static int
resources(json_t *c, const char *path, json_t *settings, struct pod_err **err)
{
	json_t *res = NULL, *lim = NULL, *req = NULL;
	cleanup_free char *rp = xasprintf("%s.resources", path);
	cleanup_free char *lp = xasprintf("%s.limits", rp);
	cleanup_free char *qp = xasprintf("%s.requests", rp);
	int64_t n;

	if (get_obj(c, path, "resources", &res, err) < 0 || get_obj(res, rp, "limits", &lim, err) < 0 ||
	    get_obj(res, rp, "requests", &req, err) < 0)
		return -1;
	struct { json_t *obj; const char *path, *key, *setting; int64_t scale; } q[] = {
		{ lim, lp, "memory", "Memory", 1 },
		{ lim, lp, "cpu", "CpuQuota", 100000 },
		{ req, qp, "memory", "MemoryReservation", 1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(q); i++) {
		json_t *v = json_object_get(q[i].obj, q[i].key);
		char buf[64];
		const char *s = buf;
		if (!v || json_is_null(v))
			continue;
		if (json_is_integer(v))
			snprintf(buf, sizeof(buf), "%lld", (long long) json_integer_value(v));
		else if (json_is_real(v))
			snprintf(buf, sizeof(buf), "%.17g", json_real_value(v));
		else if (json_is_string(v))
			s = json_string_value(v);
		else
			return bad_type(q[i].path, q[i].key, "quantity", v, err);
		if (!pod_kube_quantity(s, q[i].scale, &n))
			return pod_err_set(err, POD_E_INVALID, 0, "%s.%s: invalid quantity \"%s\"",
					   q[i].path, q[i].key, s);
		if (STREQ(q[i].setting, "Memory") && n > 0 && n < 6 * 1024 * 1024)
			return pod_err_set(err, POD_E_INVALID, 0, "%s.%s: minimum memory limit "
					   "allowed is 6MB", q[i].path, q[i].key);
		if (n == 0)
			continue;
		json_object_set_new(settings, q[i].setting, json_integer(n));
		if (STREQ(q[i].setting, "CpuQuota")) {
			json_object_set_new(settings, "CpuPeriod", json_integer(100000));
			json_object_set_new(settings, "NanoCpus", json_integer(n * 10000));
		}
	}
	return 0;
}

/* livenessProbe.exec -> Settings.Healthcheck (httpGet and tcpSocket probes are not played) */
static int
probe(json_t *c, const char *path, json_t *settings, struct pod_err **err)
{
	json_t *lp = NULL, *ex = NULL, *cmd = NULL, *test;
	cleanup_free char *p = xasprintf("%s.livenessProbe", path);
	cleanup_free char *ep = xasprintf("%s.exec", p);
	struct { const char *key; int64_t v, min, scale; const char *setting; } f[] = {
		{ "periodSeconds", 10, 1, 1000000000, "Interval" },
		{ "timeoutSeconds", 1, 1, 1000000000, "Timeout" },
		{ "initialDelaySeconds", 0, 0, 1000000000, "StartPeriod" },
		{ "failureThreshold", 3, 1, 1, "Retries" },
	};

	if (get_obj(c, path, "livenessProbe", &lp, err) < 0 || get_obj(lp, p, "exec", &ex, err) < 0)
		return -1;
	if (!ex)
		return 0;
	if (get_strs(ex, ep, "command", &cmd, err) < 0)
		return -1;
	if (!json_array_size(cmd)) {
		json_decref(cmd);
		return pod_err_set(err, POD_E_INVALID, 0, "%s.command: missing", ep);
	}
	test = json_pack("{s:[s]}", "Test", "CMD");
	json_array_extend(json_object_get(test, "Test"), cmd);
	json_decref(cmd);
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		if (get_int(lp, p, f[i].key, &f[i].v, err) < 0) {
			json_decref(test);
			return -1;
		}
		if (f[i].v < f[i].min || f[i].v > 86400 * 365) {
			json_decref(test);
			return pod_err_set(err, POD_E_INVALID, 0, "%s.%s: %lld is out of range", p,
					   f[i].key, (long long) f[i].v);
		}
		json_object_set_new(test, f[i].setting, json_integer(f[i].v * f[i].scale));
	}
	json_object_set_new(settings, "Healthcheck", test);
	return 0;
}

static int
ports(struct podctx *pc, json_t *c, const char *path, struct pod_err **err)
{
	json_t *list = NULL, *pt, *publish = json_object_get(pc->pod_entry, "Publish");
	size_t i;

	if (get_arr(c, path, "ports", &list, err) < 0)
		return -1;
	json_array_foreach (list, i, pt) {
		cleanup_free char *p = xasprintf("%s.ports[%zu]", path, i);
		int64_t cport = 0, hport = 0;
		const char *proto = "TCP", *ip = NULL;

		if (!json_is_object(pt))
			return pod_err_set(err, POD_E_INVALID, 0, "%s: expected mapping, got %s", p,
					   type_name(pt));
		if (get_int(pt, p, "containerPort", &cport, err) < 0 ||
		    get_int(pt, p, "hostPort", &hport, err) < 0 ||
		    get_str(pt, p, "protocol", &proto, err) < 0 ||
		    get_str(pt, p, "hostIP", &ip, err) < 0)
			return -1;
		if (cport < 1 || cport > 65535)
			return pod_err_set(err, POD_E_INVALID, 0, "%s.containerPort: %lld is not a "
					   "port", p, (long long) cport);
		if (hport < 0 || hport > 65535)
			return pod_err_set(err, POD_E_INVALID, 0, "%s.hostPort: %lld is not a port",
					   p, (long long) hport);
		if (strcasecmp(proto, "TCP") && strcasecmp(proto, "UDP") && strcasecmp(proto, "SCTP"))
			return pod_err_set(err, POD_E_INVALID, 0, "%s.protocol: unknown protocol "
					   "\"%s\"", p, proto);
		if (!hport)
			continue; /* Podman publishes only ports with a hostPort */
		cleanup_free char *lp = xstrdup(proto);
		for (char *q = lp; *q; q++)
			*q = (char) tolower((unsigned char) *q);
		json_array_append_new(publish, ip && *ip ? json_sprintf("%s:%lld:%lld/%s", ip,
								       (long long) hport,
								       (long long) cport, lp)
							 : json_sprintf("%lld:%lld/%s",
									(long long) hport,
									(long long) cport, lp));
	}
	return 0;
}

static int
container(struct podctx *pc, json_t *c, const char *path, json_t *ret_list,
	  struct pod_err **err)
{
	cleanup_json json_t *s = json_object();
	json_t *env = json_array(), *list = NULL, *cmd = NULL, *args = NULL, *x;
	const char *name = NULL, *image = NULL, *wd = NULL;
	bool tty = false, stdin_open = false;
	size_t i;

	json_object_set_new(s, "Env", env);
	if (!json_is_object(c))
		return pod_err_set(err, POD_E_INVALID, 0, "%s: expected mapping, got %s", path,
				   type_name(c));
	if (need_str(c, path, "name", &name, err) < 0 || need_str(c, path, "image", &image, err) < 0 ||
	    get_str(c, path, "workingDir", &wd, err) < 0 ||
	    get_strs(c, path, "command", &cmd, err) < 0)
		return -1;
	if (get_strs(c, path, "args", &args, err) < 0) {
		json_decref(cmd);
		return -1;
	}
	json_object_set_new(s, "Image", json_string(image));
	json_object_set_new(s, "Name", json_sprintf("%s-%s", pc->pod, name));
	if (cmd)
		json_object_set_new(s, "Entrypoint", cmd);
	json_object_set_new(s, "Command", args ? args : json_array());
	if (wd && *wd) {
		if (wd[0] != '/')
			return pod_err_set(err, POD_E_INVALID, 0, "%s.workingDir: \"%s\" must be "
					   "absolute", path, wd);
		json_object_set_new(s, "WorkingDir", json_string(wd));
	}
	if (get_bool(c, path, "tty", &tty, err) < 0 || get_bool(c, path, "stdin", &stdin_open, err) < 0)
		return -1;
	json_object_set_new(s, "Tty", json_boolean(tty));
	json_object_set_new(s, "Interactive", json_boolean(stdin_open));
	if (get_arr(c, path, "envFrom", &list, err) < 0)
		return -1;
	json_array_foreach (list, i, x) {
		cleanup_free char *p = xasprintf("%s.envFrom[%zu]", path, i);
		if (env_from(pc, x, p, env, err) < 0)
			return -1;
	}
	if (get_arr(c, path, "env", &list, err) < 0)
		return -1;
	json_array_foreach (list, i, x) {
		cleanup_free char *p = xasprintf("%s.env[%zu]", path, i);
		if (env_one(pc, x, p, env, err) < 0)
			return -1;
	}
	json_object_set(s, "Labels", pc->labels);
	json_object_set(s, "Annotations", pc->annotations);
	if (security(pc, c, path, s, err) < 0 || resources(c, path, s, err) < 0 ||
	    probe(c, path, s, err) < 0 ||
	    ports(pc, c, path, err) < 0 || volume_mounts(pc, c, path, s, err) < 0)
		return -1;
	json_object_set(s, "RestartPolicy", json_object_get(pc->pod_entry, "RestartPolicy"));
	if (pc->pl->o && pc->pl->o->log_driver)
		json_object_set_new(s, "LogDriver", json_string(pc->pl->o->log_driver));
	json_array_foreach (ret_list, i, x)
		if (STREQ(json_string_value(json_object_get(x, "Name")),
			  json_string_value(json_object_get(s, "Name"))))
			return pod_err_set(err, POD_E_INVALID, 0, "%s.name: container \"%s\" is "
					   "defined twice", path, name);
	json_array_append(ret_list, s);
	return 0;
}

/* one pod from a pod spec (a Pod, or a Deployment's template) */
static int
add_pod(struct plan *pl, const char *kind, const char *pod, json_t *meta, json_t *spec,
	struct pod_err **err)
{
	cleanup_json json_t *labels = NULL, *ann = NULL, *vols = json_object();
	json_t *entry, *list = NULL, *x, *psc = NULL;
	const char *restart = "Always", *hostname = NULL;
	bool hostnet = false;
	size_t i;
	struct podctx pc = { .pl = pl, .pod = pod, .volumes = vols };

	if (get_strmap(meta, "metadata", "labels", &labels, err) < 0 ||
	    get_strmap(meta, "metadata", "annotations", &ann, err) < 0)
		return -1;
	if (!json_is_object(spec))
		return pod_err_set(err, POD_E_INVALID, 0, "spec: %s",
				   spec ? "expected mapping" : "missing");
	if (get_str(spec, "spec", "restartPolicy", &restart, err) < 0 ||
	    get_str(spec, "spec", "hostname", &hostname, err) < 0 ||
	    get_bool(spec, "spec", "hostNetwork", &hostnet, err) < 0 ||
	    get_obj(spec, "spec", "securityContext", &psc, err) < 0)
		return -1;
	if (get_int(psc, "spec.securityContext", "runAsUser", &pc.pod_uid, err) < 0 ||
	    get_int(psc, "spec.securityContext", "runAsGroup", &pc.pod_gid, err) < 0)
		return -1;
	pc.pod_uid_set = psc && json_is_integer(json_object_get(psc, "runAsUser"));
	pc.pod_gid_set = psc && json_is_integer(json_object_get(psc, "runAsGroup"));
	const char *policy = STREQ(restart, "Always")	   ? "always"
			     : STREQ(restart, "OnFailure") ? "on-failure"
			     : STREQ(restart, "Never")	   ? "no"
							   : NULL;
	if (!policy)
		return pod_err_set(err, POD_E_INVALID, 0, "spec.restartPolicy: unknown restart "
				   "policy \"%s\"", restart);
	pc.labels = labels;
	pc.annotations = ann;
	pc.hostname = hostname && *hostname ? hostname : pod;
	entry = json_pack("{s:s, s:s, s:O, s:O, s:s, s:s, s:[], s:[], s:s, s:[], s:[], s:[]}",
			  "Name", pod, "Kind", kind, "Labels", labels, "Annotations", ann,
			  "Hostname", pc.hostname, "Network", hostnet ? "host" : "bridge",
			  "Publish", "AddHosts", "RestartPolicy", policy, "EmptyDirs",
			  "InitContainers", "Containers");
	json_array_append_new(json_object_get(pl->out, "Pods"), entry);
	pc.pod_entry = entry;
	if (get_arr(spec, "spec", "hostAliases", &list, err) < 0)
		return -1;
	json_array_foreach (list, i, x) {
		cleanup_free char *p = xasprintf("spec.hostAliases[%zu]", i);
		const char *ip = NULL;
		json_t *names = NULL, *n;
		size_t j;
		if (!json_is_object(x))
			return pod_err_set(err, POD_E_INVALID, 0, "%s: expected mapping, got %s", p,
					   type_name(x));
		if (need_str(x, p, "ip", &ip, err) < 0 || get_strs(x, p, "hostnames", &names, err) < 0)
			return -1;
		json_array_foreach (names, j, n)
			json_array_append_new(json_object_get(entry, "AddHosts"),
					      json_sprintf("%s:%s", json_string_value(n), ip));
		json_decref(names);
	}
	if (pod_volumes(&pc, spec, err) < 0)
		return -1;
	if (get_arr(spec, "spec", "initContainers", &list, err) < 0)
		return -1;
	json_array_foreach (list, i, x) {
		cleanup_free char *p = xasprintf("spec.initContainers[%zu]", i);
		if (container(&pc, x, p, json_object_get(entry, "InitContainers"), err) < 0)
			return -1;
		/* an init container runs once to completion, whatever the pod's policy */
		json_object_set_new(json_array_get(json_object_get(entry, "InitContainers"), i),
				    "RestartPolicy", json_string("no"));
	}
	if (get_arr(spec, "spec", "containers", &list, err) < 0)
		return -1;
	if (!json_array_size(list))
		return pod_err_set(err, POD_E_INVALID, 0, "spec.containers: a pod needs at least "
				   "one container");
	json_array_foreach (list, i, x) {
		cleanup_free char *p = xasprintf("spec.containers[%zu]", i);
		if (container(&pc, x, p, json_object_get(entry, "Containers"), err) < 0)
			return -1;
	}
	return 0;
}

static int
add_workload(struct plan *pl, json_t *doc, const char *kind, const char *name,
	     struct pod_err **err)
{
	json_t *spec = NULL, *tmpl = NULL, *tmeta = NULL;
	int64_t replicas = 1;

	if (get_obj(doc, "", "spec", &spec, err) < 0)
		return -1;
	if (!spec)
		return pod_err_set(err, POD_E_INVALID, 0, "spec: missing");
	if (get_obj(spec, "spec", "template", &tmpl, err) < 0 ||
	    (STREQ(kind, "Deployment") && get_int(spec, "spec", "replicas", &replicas, err) < 0))
		return -1;
	if (!tmpl)
		return pod_err_set(err, POD_E_INVALID, 0, "spec.template: missing");
	if (replicas < 0 || replicas > MAX_REPLICAS)
		return pod_err_set(err, POD_E_INVALID, 0, "spec.replicas: %lld is out of range "
				   "(0-%d)", (long long) replicas, MAX_REPLICAS);
	if (get_obj(tmpl, "spec.template", "metadata", &tmeta, err) < 0)
		return -1;
	if (STREQ(kind, "DaemonSet")) {
		cleanup_free char *pod = xasprintf("%s-pod", name);
		return add_pod(pl, kind, pod, tmeta, json_object_get(tmpl, "spec"), err);
	}
	for (int64_t i = 0; i < replicas; i++) {
		cleanup_free char *pod = xasprintf("%s-pod-%lld", name, (long long) i);
		if (add_pod(pl, kind, pod, tmeta, json_object_get(tmpl, "spec"), err) < 0)
			return pod_err_wrap(err, "spec.template");
	}
	return 0;
}

static int
doc_kind(json_t *doc, size_t idx, const char **ret_kind, const char **ret_name,
	 struct pod_err **err)
{
	json_t *md = NULL;

	*ret_kind = NULL;
	*ret_name = NULL;
	if (!json_is_object(doc))
		return pod_err_set(err, POD_E_INVALID, 0, "document %zu: expected a mapping, got %s",
				   idx + 1, type_name(doc));
	if (need_str(doc, "", "kind", ret_kind, err) < 0 || get_obj(doc, "", "metadata", &md, err) < 0 ||
	    need_str(md, "metadata", "name", ret_name, err) < 0)
		return pod_err_wrap(err, "document %zu", idx + 1);
	return 0;
}

static bool
valid_name(const char *n)
{
	if (!*n || strlen(n) > 253 || !isalnum((unsigned char) n[0]))
		return false;
	for (const char *p = n; *p; p++)
		if (!isalnum((unsigned char) *p) && !strchr("_.-", *p))
			return false;
	return true;
}

json_t *
pod_kube_plan(json_t *docs, const struct pod_kube_plan_opts *o, struct pod_err **err)
{
	cleanup_json json_t *cms = json_object(), *secs = json_object();
	struct plan pl = {
		.out = json_pack("{s:[], s:[], s:[], s:[], s:[]}", "Volumes", "DataVolumes",
				 "HostPaths", "Pods", "Ignored"),
		.configmaps = cms, .secrets = secs, .o = o,
	};
	cleanup_json json_t *out = pl.out;
	json_t *doc;
	size_t i;

	if (!json_is_array(docs) || json_array_size(docs) == 0)
		return pod_err_set(err, POD_E_INVALID, 0, "YAML document does not contain any "
				   "supported kube kind"), NULL;
	if (o && o->log_driver && !STREQ(o->log_driver, "k8s-file") &&
	    !STREQ(o->log_driver, "none") && !STREQ(o->log_driver, "passthrough"))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid log driver: %s: invalid argument",
				   o->log_driver), NULL;
	/* ConfigMaps and Secrets first: pods anywhere in the file may use them */
	for (int pass = 0; pass < 3; pass++) {
		json_t *list = pass == 0 ? (o ? o->configmaps : NULL) : docs;
		json_array_foreach (list, i, doc) {
			const char *kind, *name;
			int rc = 0;
			if (doc_kind(doc, i, &kind, &name, err) < 0)
				return NULL;
			if (!valid_name(name))
				return pod_err_set(err, POD_E_INVALID, 0, "%s \"%s\": metadata.name: "
						   "not a valid name", kind, name), NULL;
			if (pass == 0 && !STREQ(kind, "ConfigMap"))
				return pod_err_set(err, POD_E_INVALID, 0, "--configmap: \"%s\" is a %s, "
						   "not a ConfigMap", name, kind), NULL;
			if (pass < 2) {
				if (STREQ(kind, "ConfigMap"))
					rc = add_configmap(&pl, doc, name, err);
				else if (STREQ(kind, "Secret"))
					rc = add_secret(&pl, doc, name, err);
			} else if (STREQ(kind, "Pod")) {
				json_t *spec = NULL;
				if (get_obj(doc, "", "spec", &spec, err) < 0)
					rc = -1;
				else
					rc = add_pod(&pl, kind, name, json_object_get(doc, "metadata"),
						     spec, err);
			} else if (STREQ(kind, "Deployment") || STREQ(kind, "DaemonSet")) {
				rc = add_workload(&pl, doc, kind, name, err);
			} else if (STREQ(kind, "PersistentVolumeClaim")) {
				rc = add_pvc(&pl, doc, name, err);
			} else if (!STREQ(kind, "ConfigMap") && !STREQ(kind, "Secret")) {
				json_array_append_new(json_object_get(out, "Ignored"),
						      json_sprintf("%s/%s", kind, name));
			}
			if (rc < 0)
				return pod_err_wrap(err, "%s \"%s\"", kind, name), NULL;
		}
	}
	/* the pods' network settings through the same checks as create's flags */
	json_array_foreach (json_object_get(out, "Pods"), i, doc) {
		const char *pname = json_string_value(json_object_get(doc, "Name"));
		for (size_t k = 0; k < i; k++)
			if (STREQ(pname, json_string_value(json_object_get(
						 json_array_get(json_object_get(out, "Pods"), k),
						 "Name"))))
				return pod_err_set(err, POD_E_INVALID, 0, "pod \"%s\" is defined "
						   "twice", pname), NULL;
		cleanup_strv char **publish = NULL, **hosts = NULL, **nets = NULL;
		cleanup_json json_t *probe = json_object();
		size_t j;
		json_t *v;
		json_array_foreach (json_object_get(doc, "Publish"), j, v)
			publish = pod_strv_push(publish, xstrdup(json_string_value(v)));
		json_array_foreach (json_object_get(doc, "AddHosts"), j, v)
			hosts = pod_strv_push(hosts, xstrdup(json_string_value(v)));
		if (STREQ(json_string_value(json_object_get(doc, "Network")), "host"))
			nets = pod_strv_push(nets, xstrdup("host"));
		else
			for (j = 0; o && o->networks && o->networks[j]; j++)
				nets = pod_strv_push(nets, xstrdup(o->networks[j]));
		struct pod_ctr_net_flags nf = { .networks = nets, .publish = publish,
						.add_host = hosts };
		if (pod_ctr_net_settings(&nf, probe, err) < 0)
			return pod_err_wrap(err, "pod \"%s\"",
					    json_string_value(json_object_get(doc, "Name"))), NULL;
		json_object_set(doc, "NetSettings", probe);
		json_array_foreach (json_object_get(doc, "Containers"), j, v) {
			cleanup_json json_t *chk = json_deep_copy(v);
			json_object_update(chk, probe);
			/* binds are checked when play has made the host paths */
			json_object_del(chk, "Volumes");
			if (pod_specgen_settings_check(chk, err) < 0)
				return pod_err_wrap(err, "container \"%s\"", json_string_value(
						    json_object_get(v, "Name"))), NULL;
		}
	}
	if (json_array_size(json_object_get(out, "Pods")) == 0 &&
	    json_array_size(json_object_get(out, "Volumes")) == 0)
		return pod_err_set(err, POD_E_INVALID, 0, "YAML document does not contain any "
				   "supported kube kind"), NULL;
	return TAKE_PTR(out);
}
