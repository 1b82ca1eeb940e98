/* pod-rename - rename a container (`podman rename`) */
#include "cli/ctr_opts.h"
#include "cli/tool.h"

static const struct pod_opt no_options[] = { POD_OPT_END };

static int
rename_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_ctr struct pod_ctr *c = NULL;

	if (pod_cli_engine(&ctx->g, false, &e, err) < 0 ||
	    pod_ctr_lookup(e, ctx->args[0], &c, err) < 0)
		return -1;
	return pod_ctr_rename(e, c, ctx->args[1], err);
}

static const struct pod_tool tool = {
	.name = "pod-rename",
	.verb = "rename",
	.summary = "Rename an existing container",
	.description = "Gives a container a new name; its ID stays.",
	.usage = "CONTAINER NAME",
	.examples = "podman rename 8cd9afa5bf36 newname",
	.options = no_options,
	.min_args = 2,
	.max_args = 2,
	.run = rename_run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
