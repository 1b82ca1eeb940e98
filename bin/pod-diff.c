/* pod-diff - what changed in a container (or an image's top layer) (`podman diff`) */
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "core/json.h"
#include "runtime/ctr_fs.h"

static struct {
	char *format;
} opt;

static const struct pod_opt options[] = {
	POD_OPT_STRING(0, "format", "string", &opt.format, "Change the output format (json)"),
	POD_OPT_END
};

struct out {
	json_t *changed, *added, *deleted;
	bool json;
};

static int
on_change(void *ctx, char kind, const char *path, struct pod_err **err)
{
	struct out *o = ctx;

	if (!o->json) {
		printf("%c %s\n", kind, path);
		return 0;
	}
	json_array_append_new(kind == 'A' ? o->added : kind == 'C' ? o->changed : o->deleted,
			      pod_json_string(path));
	return 0;
}

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_ctr struct pod_ctr *c = NULL;
	cleanup_json json_t *obj = json_object();
	struct out o = { .json = opt.format && STREQ(opt.format, "json") };
	struct pod_err *e2 = NULL;
	int r;

	if (opt.format && *opt.format && !o.json)
		return pod_err_set(err, POD_E_INVALID, 0, "unsupported format \"%s\": only json",
				   opt.format);
	if (pod_cli_engine(&ctx->g, true, &e, err) < 0)
		return -1;
	o.changed = json_array();
	o.added = json_array();
	o.deleted = json_array();
	json_object_set_new(obj, "changed", o.changed);
	json_object_set_new(obj, "added", o.added);
	json_object_set_new(obj, "deleted", o.deleted);
	if (pod_ctr_lookup(e, ctx->args[0], &c, &e2) == 0) {
		r = pod_ctr_changes(e, c, on_change, &o, err);
	} else if (e2->kind == POD_E_NOTFOUND) {
		pod_err_free(&e2);
		r = pod_image_changes(e, ctx->args[0], on_change, &o, &e2);
		if (r < 0 && e2->kind == POD_E_NOTFOUND) {
			pod_err_free(&e2);
			return pod_err_set(err, POD_E_NOTFOUND, 0,
					   "%s not found: layer not known",
					   ctx->args[0]);
		}
		if (r < 0)
			*err = e2;
	} else {
		*err = e2;
		return -1;
	}
	if (r < 0)
		return -1;
	if (o.json) {
		cleanup_free char *text = NULL;

		/* Podman leaves empty lists out */
		if (!json_array_size(o.changed))
			json_object_del(obj, "changed");
		if (!json_array_size(o.added))
			json_object_del(obj, "added");
		if (!json_array_size(o.deleted))
			json_object_del(obj, "deleted");
		text = json_dumps(obj, JSON_INDENT(5));
		printf("%s\n", text);
	}
	return 0;
}

static const struct pod_tool tool = {
	.name = "pod-diff",
	.verb = "diff",
	.summary = "Display the changes to the object's file system",
	.description = "Lists what changed in CONTAINER's file system against its image, one "
		       "\"A PATH\" (added), \"C PATH\" (changed) or \"D PATH\" (deleted) line per "
		       "entry, sorted by path; a changed file's directories show as changed too. "
		       "Given an image, lists what its top layer changes over the layers below. "
		       "--format json prints {\"changed\": [...], \"added\": [...], \"deleted\": "
		       "[...]}. Overlay storage only.",
	.usage = "[options] {CONTAINER|IMAGE}",
	.examples = "podman diff ctrID\n"
		    "podman diff --format json ctrID",
	.options = options,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
