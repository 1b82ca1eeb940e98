/*
 * ctr_depend.c - containers that require others (`--requires`): the
 * required ones start first, and a required container cannot be removed
 * while its dependents exist (Podman's `rm --depend` removes those first).
 */
#include "core/json.h"
#include "core/strbuf.h"
#include "runtime/ctr-internal.h"

#define MAX_DEPTH 32

int
pod_ctr_requires_resolve(struct pod_engine *e, json_t *settings, struct pod_err **err)
{
	json_t *req = json_object_get(settings, "Requires"), *ids, *v;
	size_t i;

	if (!json_array_size(req))
		return 0;
	ids = json_array();
	json_array_foreach(req, i, v) {
		cleanup_ctr struct pod_ctr *c = NULL;
		if (pod_ctr_lookup(e, json_string_value(v), &c, err) < 0) {
			json_decref(ids);
			return -1;
		}
		json_array_append_new(ids, json_string(c->id));
	}
	json_object_set_new(settings, "Requires", ids);
	return 0;
}

int
pod_ctr_dependents(struct pod_engine *e, const char *id, char ***ret, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		e->store, "SELECT id, data FROM containers WHERE instr(data, ?) > 0 ORDER BY "
			  "created DESC, id", err);
	cleanup_strv char **out = xcalloc(1, sizeof(char *));
	int r;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		cleanup_json json_t *data =
			json_loads((const char *) sqlite3_column_text(st, 1), 0, NULL);
		json_t *req = json_object_get(json_object_get(data, "Settings"), "Requires"), *v;
		size_t i;
		json_array_foreach(req, i, v)
			if (STREQ(json_string_value(v), id)) {
				out = pod_strv_push(out,
						    xstrdup((const char *) sqlite3_column_text(st, 0)));
				break;
			}
	}
	if (r != SQLITE_DONE)
		return pod_store_sqlite_err(e->store, err, "listing the dependents of %s", id);
	*ret = TAKE_PTR(out);
	return 0;
}

int
pod_ctr_check_no_dependents(struct pod_engine *e, const struct pod_ctr *c, struct pod_err **err)
{
	cleanup_strv char **deps = NULL;
	struct pod_strbuf sb;
	int r;

	if (pod_ctr_dependents(e, c->id, &deps, err) < 0)
		return -1;
	if (!deps[0])
		return 0;
	pod_strbuf_init(&sb);
	for (size_t i = 0; deps[i]; i++) {
		if (i)
			pod_strbuf_adds(&sb, ", ");
		pod_strbuf_adds(&sb, deps[i]);
	}
	r = pod_err_set(err, POD_E_EXISTS, 0,
			"container %s has dependent containers which must be removed before it: "
			"%s: container already exists",
			c->id, sb.buf);
	pod_strbuf_release(&sb);
	return r;
}

static int
start_requirements(struct pod_engine *e, const struct pod_ctr *c, int depth, struct pod_err **err)
{
	json_t *v;
	size_t i;

	if (depth > MAX_DEPTH)
		return pod_err_set(err, POD_E_INVALID, 0, "container %s: dependency chain too deep "
				   "(a cycle?)", c->id);
	json_array_foreach(json_object_get(c->settings, "Requires"), i, v) {
		cleanup_ctr struct pod_ctr *dep = NULL;
		if (pod_ctr_lookup(e, json_string_value(v), &dep, err) < 0)
			return pod_err_wrap(err, "starting the dependencies of %s", c->id);
		if (dep->state == POD_CTR_RUNNING)
			continue;
		if (start_requirements(e, dep, depth + 1, err) < 0)
			return -1;
		if (dep->state == POD_CTR_PAUSED)
			return pod_err_set(err, POD_E_STATE, 0, "dependency container %s is paused: "
					   "container state improper", dep->id);
		if (pod_ctr_start(e, dep, NULL, err) < 0)
			return pod_err_wrap(err, "starting dependency container %s", dep->id);
	}
	return 0;
}

int
pod_ctr_start_requirements(struct pod_engine *e, const struct pod_ctr *c, struct pod_err **err)
{
	return start_requirements(e, c, 0, err);
}
