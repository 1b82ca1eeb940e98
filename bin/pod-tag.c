/* pod-tag - add names to an image (`podman tag`, `podman image tag`) */
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
	for (size_t i = 1; ctx->args[i]; i++)
		if (pod_image_tag(is, img, ctx->args[i], err) < 0)
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
	.name = "pod-tag",
	.verb = "tag",
	.summary = "Add an additional name to a local image",
	.description = "Adds one or more additional names to a locally-stored image. A name "
		       "without a registry is stored as localhost/NAME, a name without a tag "
		       "gets :latest; a name another image had moves to this one.\n\nRun as "
		       "`podman tag` it prints nothing; as pod-tag, the image record with its "
		       "names.",
	.usage = "IMAGE TARGET_NAME [TARGET_NAME...]",
	.examples = "podman tag 0e3bbc2 fedora:latest\n"
		    "podman tag httpd myregistryhost:5000/fedora/httpd:v2",
	.options = (const struct pod_opt[]){ POD_OPT_END },
	.min_args = 2,
	.max_args = -1,
	.run = run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
