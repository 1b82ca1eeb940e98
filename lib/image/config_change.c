/* config_change.c - Containerfile instructions given as --change (import, commit) */
#include "core/json.h"
#include "image/manifest.h"

#include <ctype.h>

/* CMD/ENTRYPOINT/VOLUME value: a JSON array of strings, else NULL */
static json_t *
json_strings(const char *v)
{
	json_t *a = json_loads(v, JSON_REJECT_DUPLICATES, NULL);
	size_t i;
	json_t *e;

	if (!json_is_array(a)) {
		json_decref(a);
		return NULL;
	}
	json_array_foreach(a, i, e) {
		if (!json_is_string(e)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *
obj_member(json_t *cfg, const char *key)
{
	json_t *o = json_object_get(cfg, key);

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(cfg, key, o);
	}
	return o;
}

static json_t *
arr_member(json_t *cfg, const char *key)
{
	json_t *a = json_object_get(cfg, key);

	if (!json_is_array(a)) {
		a = json_array();
		json_object_set_new(cfg, key, a);
	}
	return a;
}

/* one --change "INSTRUCTION VALUE" or "INSTRUCTION=VALUE", as Podman's GetImageConfig */
int
pod_image_config_apply_change(json_t *cfg, const char *change, struct pod_err **err)
{
	size_t n = strcspn(change, " =");
	cleanup_free char *ins = xstrndup(change, n);
	const char *v = change + n;

	for (char *p = ins; *p; p++)
		*p = (char) toupper((unsigned char) *p);
	if (*v)
		v++;
	while (*v == ' ')
		v++;
	if (STREQ(ins, "CMD") || STREQ(ins, "ENTRYPOINT")) {
		json_t *a = json_strings(v);

		if (!a)
			a = json_pack("[s, s, s]", "/bin/sh", "-c", v);
		json_object_set_new(cfg, STREQ(ins, "CMD") ? "Cmd" : "Entrypoint", a);
	} else if (STREQ(ins, "ENV")) {
		size_t k = strcspn(v, "= ");
		cleanup_free char *key = xstrndup(v, k);
		const char *val = v[k] ? v + k + 1 : "";
		json_t *env = arr_member(cfg, "Env");

		if (!*key)
			return pod_err_set(err, POD_E_INVALID, 0, "invalid ENV change \"%s\"", change);
		cleanup_free char *kv = xasprintf("%s=%s", key, val);

		json_array_append_new(env, pod_json_string(kv));
	} else if (STREQ(ins, "EXPOSE")) {
		json_t *ports = obj_member(cfg, "ExposedPorts");
		cleanup_free char *copy = xstrdup(v);
		char *save = NULL;

		for (char *p = strtok_r(copy, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
			cleanup_free char *k = strchr(p, '/') ? xstrdup(p) : xasprintf("%s/tcp", p);

			json_object_set_new(ports, k, json_object());
		}
	} else if (STREQ(ins, "LABEL")) {
		size_t k = strcspn(v, "= ");
		cleanup_free char *key = xstrndup(v, k);
		const char *val = v[k] ? v + k + 1 : "";

		if (!*key)
			return pod_err_set(err, POD_E_INVALID, 0, "invalid LABEL change \"%s\"",
					   change);
		json_object_set_new(obj_member(cfg, "Labels"), key, pod_json_string(val));
	} else if (STREQ(ins, "VOLUME")) {
		json_t *vols = obj_member(cfg, "Volumes");
		json_t *a = json_strings(v);

		if (a) {
			size_t i;
			json_t *e;

			json_array_foreach(a, i, e)
				json_object_set_new(vols, json_string_value(e), json_object());
			json_decref(a);
		} else {
			cleanup_free char *copy = xstrdup(v);
			char *save = NULL;

			for (char *p = strtok_r(copy, " ", &save); p; p = strtok_r(NULL, " ", &save))
				json_object_set_new(vols, p, json_object());
		}
	} else if (STREQ(ins, "ONBUILD")) {
		json_array_append_new(arr_member(cfg, "OnBuild"), pod_json_string(v));
	} else if (STREQ(ins, "STOPSIGNAL")) {
		json_object_set_new(cfg, "StopSignal", pod_json_string(v));
	} else if (STREQ(ins, "USER")) {
		json_object_set_new(cfg, "User", pod_json_string(v));
	} else if (STREQ(ins, "WORKDIR")) {
		json_object_set_new(cfg, "WorkingDir", pod_json_string(v));
	} else {
		return pod_err_set(err, POD_E_INVALID, 0, "invalid change \"%s\" - invalid instruction %s",
				   change, ins);
	}
	return 0;
}

