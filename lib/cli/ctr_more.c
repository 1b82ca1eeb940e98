/* ctr_more.c - --label-file, --requires and -l/--latest (see ctr_more.h) */
#include "cli/ctr_more.h"
#include "core/fs.h"
#include "core/json.h"

#include <unistd.h>

static void
label_put(json_t *labels, const char *kv)
{
	const char *eq = strchr(kv, '=');
	cleanup_free char *k = eq ? xstrndup(kv, (size_t) (eq - kv)) : xstrdup(kv);

	json_object_set_new(labels, k, pod_json_string(eq ? eq + 1 : ""));
}

int
pod_ctr_labels_setting(json_t *settings, char *const *files, char *const *labels,
		       struct pod_err **err)
{
	json_t *out = json_object();

	for (size_t f = 0; files && files[f]; f++) {
		cleanup_free char *text = NULL;
		if (pod_read_file(files[f], &text, NULL, 16u << 20, err) < 0) {
			json_decref(out);
			return -1;
		}
		for (char *p = text, *nl; p && *p; p = nl ? nl + 1 : NULL) {
			size_t len;
			nl = strchr(p, '\n');
			if (nl)
				*nl = '\0';
			while (*p == ' ' || *p == '\t')
				p++;
			len = strlen(p);
			while (len && (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t'))
				p[--len] = '\0';
			if (!*p || *p == '#')
				continue;
			if (*p == '=') {
				json_decref(out);
				return pod_err_set(err, POD_E_INVALID, 0, "invalid label format: "
						   "\"%s\" in %s", p, files[f]);
			}
			label_put(out, p);
		}
	}
	for (size_t i = 0; labels && labels[i]; i++)
		label_put(out, labels[i]);
	json_object_set_new(settings, "Labels", out);
	return 0;
}

int
pod_ctr_requires_setting(json_t *settings, char *const *requires, struct pod_err **err)
{
	json_t *out = json_array();

	for (size_t i = 0; requires && requires[i]; i++) {
		cleanup_free char *copy = xstrdup(requires[i]);
		char *rest = copy, *w;
		while ((w = strsep(&rest, ","))) {
			if (!*w)
				continue;
			json_array_append_new(out, pod_json_string(w));
		}
	}
	if (!json_array_size(out)) {
		json_decref(out);
		return pod_err_set(err, POD_E_INVALID, 0, "--requires: no container given");
	}
	json_object_set_new(settings, "Requires", out);
	return 0;
}

int
pod_cli_latest_ctr(struct pod_engine *e, char **ret_id, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		e->store, "SELECT id FROM containers ORDER BY created DESC, rowid DESC LIMIT 1",
		err);
	int r;

	if (!st)
		return -1;
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*ret_id = xstrdup((const char *) sqlite3_column_text(st, 0));
		return 0;
	}
	if (r != SQLITE_DONE)
		return pod_store_sqlite_err(e->store, err, "finding the latest container");
	return pod_err_set(err, POD_E_NOTFOUND, 0, "no such container");
}

int
pod_cli_use_latest(struct pod_ctx *ctx, struct pod_engine *e, struct pod_err **err)
{
	char *id = NULL;

	if (ctx->args && ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0,
				   "--latest and containers cannot be used together");
	if (pod_cli_latest_ctr(e, &id, err) < 0)
		return -1;
	pod_strv_free(ctx->args);
	ctx->args = pod_strv_push(NULL, id);
	return 0;
}

json_t *
pod_ctr_volumes_setting(char *const *volumes, struct pod_err **err)
{
	json_t *out = json_array();

	for (size_t i = 0; volumes && volumes[i]; i++) {
		const char *v = volumes[i];
		if (v[0] == '.' && strchr(v, ':')) {
			cleanup_free char *cwd = getcwd(NULL, 0);
			cleanup_free char *abs = NULL;
			if (!cwd) {
				json_decref(out);
				pod_err_sys(err, "-v %s: getcwd", v);
				return NULL;
			}
			abs = pod_path_join(cwd, v);
			json_array_append_new(out, pod_json_string(abs));
			continue;
		}
		json_array_append_new(out, pod_json_string(v));
	}
	return out;
}
