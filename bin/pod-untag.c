/* pod-untag - remove names from an image (`podman untag`, `podman image untag`) */
#include "cli/tool.h"
#include "core/json.h"
#include "image/imagestore.h"

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	cleanup_image struct pod_image *img = NULL;

	if (pod_imagestore_open_root(ctx->g.root, ctx->g.runroot, ctx->g.storage_driver, false,
				     &is, err) < 0)
		return -1;
	if (pod_image_lookup(is, ctx->args[0], &img, err) < 0)
		return -1;
	if (!ctx->args[1] && pod_image_untag(is, img, NULL, err) < 0)
		return -1;
	for (size_t i = 1; ctx->args[i]; i++)
		if (pod_image_untag(is, img, ctx->args[i], err) < 0)
			return -1;
	if (!ctx->g.dispatched) {
		cleanup_image struct pod_image *now = NULL;
		cleanup_json json_t *rec = NULL;

		if (pod_image_get(is, img->id, &now, err) < 0)
			return -1;
		rec = json_pack("{s:s, s:s, s:o}", "Type", "image", "Id", now->id, "Names",
				json_array());
		for (size_t i = 0; now->names[i]; i++)
			json_array_append_new(json_object_get(rec, "Names"),
					      json_string(now->names[i]));
		return pod_json_print_line(stdout, rec, err);
	}
	return 0;
}

static const struct pod_tool tool = {
	.name = "pod-untag",
	.verb = "untag",
	.summary = "Remove a name from a local image",
	.description = "Removes one or more names from a locally-stored image; without a name, "
		       "all of them. The image itself stays (as <none> when it has no name "
		       "left).\n\nRun as `podman untag` it prints nothing; as pod-untag, the "
		       "image record with its remaining names.",
	.usage = "IMAGE [IMAGE...]",
	.examples = "podman untag 0e3bbc2\npodman untag imageID:latest otherImageName:latest",
	.options = (const struct pod_opt[]){ POD_OPT_END },
	.min_args = 1,
	.max_args = -1,
	.run = run,
	.exit_code = { [POD_E_NOTFOUND] = 125 },
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
