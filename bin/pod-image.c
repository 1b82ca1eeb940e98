/* pod-image - the image noun group: inspect, exists, history, prune, tree */
#include "cli/output.h"
#include "cli/table.h"
#include "cli/tool.h"
#include "core/human.h"
#include "core/id.h"
#include "core/json.h"
#include "image/imagestore.h"


#include <unistd.h>

static int
open_is(struct pod_ctx *ctx, bool ro, struct pod_imagestore **is, struct pod_err **err)
{
	return pod_imagestore_open_root(ctx->g.root, ctx->g.runroot, ctx->g.storage_driver, ro, is,
					err);
}

/* ---- inspect ---- */

static struct {
	char *format;
} iopt;

static const struct pod_opt inspect_options[] = {
	POD_OPT_STRING('f', "format", "string", &iopt.format,
		       "Format the output to a Go template or json"),
	POD_OPT_END
};

static int
inspect_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	cleanup_json json_t *all = json_array();
	struct pod_err *first = NULL;
	bool json_out = !iopt.format || !*iopt.format || pod_format_is_json(iopt.format);

	if (open_is(ctx, true, &is, err) < 0)
		return -1;
	for (size_t i = 0; ctx->args[i]; i++) {
		cleanup_image struct pod_image *img = NULL;
		struct pod_err *e = NULL;
		json_t *o;

		if (pod_image_lookup(is, ctx->args[i], &img, &e) < 0) {
			if (!first)
				first = e;
			else
				pod_err_free(&e);
			continue;
		}
		o = pod_image_inspect_json(is, img, err);
		if (!o) {
			pod_err_free(&first);
			return -1;
		}
		if (!ctx->g.dispatched && json_out) {
			json_t *rec = json_pack("{s:s}", "Type", "image");

			json_object_update(rec, o);
			json_decref(o);
			if (pod_json_print_line(stdout, rec, err) < 0) {
				json_decref(rec);
				pod_err_free(&first);
				return -1;
			}
			json_decref(rec);
			continue;
		}
		if (!json_out) {
			int rc = pod_output_one("inspect", iopt.format, o, stdout, err);

			json_decref(o);
			if (rc < 0) {
				pod_err_free(&first);
				return -1;
			}
			continue;
		}
		json_array_append_new(all, o);
	}
	if (ctx->g.dispatched && json_out) {
		cleanup_free char *s = pod_json_dumps_pretty(all);

		printf("%s\n", s);
	}
	if (first) {
		*err = first;
		return -1;
	}
	return 0;
}

static const struct pod_tool inspect_tool = {
	.name = "pod-image",
	.verb = "image inspect",
	.summary = "Display the configuration of an image",
	.description = "Displays the low-level information on an image identified by name or ID, "
		       "in the shape of `podman image inspect`: a JSON array (or a template "
		       "per image) through podman, one record per image as pod-image inspect.",
	.usage = "[options] IMAGE [IMAGE...]",
	.examples = "podman image inspect alpine\n"
		    "podman image inspect --format '{{.Id}} {{.Size}}' alpine",
	.options = inspect_options,
	.min_args = 1,
	.max_args = -1,
	.run = inspect_run,
};

/* ---- exists ---- */

static int
exists_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	int r;

	if (open_is(ctx, true, &is, err) < 0)
		return -1;
	r = pod_image_exists(is, ctx->args[0], err);
	if (r < 0)
		return -1;
	if (r == 0)
		ctx->status = 1;
	return 0;
}

static const struct pod_tool exists_tool = {
	.name = "pod-image",
	.verb = "image exists",
	.summary = "Check if an image exists in local storage",
	.description = "Checks if an image exists in local storage: exit status 0 when it does, 1 "
		       "when it does not; nothing is printed.",
	.usage = "IMAGE",
	.examples = "podman image exists ID\npodman image exists IMAGE && echo yes",
	.options = (const struct pod_opt[]){ POD_OPT_END },
	.min_args = 1,
	.max_args = 1,
	.run = exists_run,
	.exit_status_doc = "0  the image exists\n\n1  the image does not exist\n\n125  another "
			   "error occurred",
};

/* ---- prune ---- */

static struct {
	bool all, force;
	char **filter;
} popt;

static const struct pod_opt prune_options[] = {
	POD_OPT_BOOL('a', "all", &popt.all, "Remove all images not in use by containers, not just "
					    "dangling ones"),
	POD_OPT_BOOL('f', "force", &popt.force, "Do not prompt for confirmation"),
	POD_OPT_END
};

static int
prune_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	cleanup_strv char **removed = NULL;

	if (!popt.force) {
		char line[64] = "";

		printf("WARNING! This command removes all %s images.\n"
		       "Are you sure you want to continue? [y/N] ",
		       popt.all ? "images not used by containers" : "dangling");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y'))
			return 0;
	}
	if (open_is(ctx, false, &is, err) < 0)
		return -1;
	if (pod_image_prune(is, popt.all, &removed, err) < 0)
		return -1;
	for (size_t i = 0; removed[i]; i++) {
		if (ctx->g.dispatched) {
			if (pod_print_line(removed[i], err) < 0)
				return -1;
		} else {
			cleanup_json json_t *r = json_pack("{s:s, s:s, s:b}", "Type", "image", "Id",
							   removed[i], "Deleted", 1);

			if (pod_json_print_line(stdout, r, err) < 0)
				return -1;
		}
	}
	{
		struct pod_err *e = NULL;

		if (pod_imagestore_gc(is, &e) < 0)
			pod_err_free(&e);
	}
	return 0;
}

static const struct pod_tool prune_tool = {
	.name = "pod-image",
	.verb = "image prune",
	.summary = "Remove unused images",
	.description = "Removes dangling images (no name), or with --all every image no container "
		       "uses, and the layers only they used. Prints the removed image IDs.",
	.usage = "[options]",
	.examples = "podman image prune -f\npodman image prune -a -f",
	.options = prune_options,
	.flags = POD_TOOL_NO_ARGS,
	.run = prune_run,
};

/* ---- tree ---- */

static int
tree_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	cleanup_image struct pod_image *img = NULL;
	struct pod_image **all = NULL;
	size_t n_all = 0, nl;
	char sid[POD_ID_SHORT_LEN + 1];
	cleanup_free char *size = NULL;
	cleanup_json json_t *tags = NULL;
	cleanup_free char *tagtext = NULL;

	if (open_is(ctx, true, &is, err) < 0 || pod_image_lookup(is, ctx->args[0], &img, err) < 0)
		return -1;
	if (pod_image_list(is, &all, &n_all, err) < 0)
		return -1;
	pod_id_short(img->id, sid);
	size = pod_human_size_prec(img->size, 4, false);
	printf("Image ID: %s\n", sid);
	{
		struct pod_strbuf sb = POD_STRBUF_INIT;

		for (size_t i = 0; img->names[i]; i++)
			pod_strbuf_addf(&sb, "%s%s", i ? " " : "", img->names[i]);
		tagtext = pod_strbuf_detach(&sb);
	}
	printf("Tags:     [%s]\n", tagtext);
	printf("Size:     %s\n", size);
	printf("Image Layers\n");
	nl = pod_strv_len(img->layers);
	for (size_t i = 0; i < nl; i++) {
		struct pod_layer_info info;
		cleanup_free char *ls = NULL;
		struct pod_strbuf top = POD_STRBUF_INIT;
		cleanup_free char *toptext = NULL;

		if (pod_imagestore_layer_get(is, img->layers[i], &info, err) < 0) {
			pod_image_list_free(all, n_all);
			return -1;
		}
		for (size_t j = 0; j < n_all; j++) {
			size_t m = pod_strv_len(all[j]->layers);

			if (m && STREQ(all[j]->layers[m - 1], img->layers[i]))
				for (size_t k = 0; all[j]->names[k]; k++)
					pod_strbuf_addf(&top, "%s%s", top.len ? " " : "",
							all[j]->names[k]);
		}
		toptext = pod_strbuf_detach(&top);
		pod_id_short(img->layers[i], sid);
		ls = pod_human_size_prec(info.size, 4, false);
		printf("%s ID: %s Size: %7s%s%s%s\n", i + 1 == nl ? "└──" : "├──", sid, ls,
		       *toptext ? " Top Layer of: [" : "", toptext, *toptext ? "]" : "");
	}
	pod_image_list_free(all, n_all);
	(void) tags;
	return 0;
}

static const struct pod_tool tree_tool = {
	.name = "pod-image",
	.verb = "image tree",
	.summary = "Print layer hierarchy of an image in a tree format",
	.description = "Prints the layers of an image, bottom first, with their sizes and the "
		       "images whose top layer each one is.",
	.usage = "[options] IMAGE",
	.examples = "podman image tree docker.io/library/wordpress",
	.options = (const struct pod_opt[]){ POD_OPT_END },
	.min_args = 1,
	.max_args = 1,
	.run = tree_run,
};

static const struct pod_subverb subverbs[] = {
	{ "exists", NULL, &exists_tool },
	{ "inspect", NULL, &inspect_tool },
	{ "prune", NULL, &prune_tool },
	{ "tree", NULL, &tree_tool },
	{ NULL, NULL, NULL },
};

static int
group_run(struct pod_ctx *ctx, struct pod_err **err)
{
	if (ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0, "unrecognized command `%s %s`", ctx->g.prog,
				   ctx->args[0]);
	return pod_err_set(err, POD_E_INVALID, 0, "missing command '%s COMMAND'", ctx->g.prog);
}

static const struct pod_tool tool = {
	.name = "pod-image",
	.verb = "image",
	.summary = "Manage images",
	.description = "Manage images: inspect, exists, prune, tree. (`podman image ls`, `rm`, "
		       "`tag`, `untag`, `load`, `save`, `import`, `history` run pod-images, "
		       "pod-rmi, pod-tag, pod-untag, pod-load, pod-save, pod-import and "
		       "pod-history.)",
	.usage = "COMMAND",
	.examples = "podman image inspect busybox\npodman image exists busybox",
	.options = (const struct pod_opt[]){ POD_OPT_END },
	.flags = POD_TOOL_SUBVERBS,
	.max_args = -1,
	.subverbs = subverbs,
	.run = group_run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
