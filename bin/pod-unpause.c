/* pod-unpause - resume the processes of paused containers (`podman unpause`) */
#include "cli/pause_tool.h"

static int
setup(struct pod_ctx *ctx, struct pod_err **err)
{
	return pod_cli_pause_setup(ctx, false, err);
}

static const struct pod_opt options[] = {
	POD_PAUSE_OPTIONS("Unpause all paused containers"),
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-unpause",
	.verb = "unpause",
	.summary = "Unpause the processes in one or more containers",
	.description = "Resumes every process of each paused container (thaws its cgroup); the state becomes running again. Prints each container as it was named.",
	.usage = "[options] CONTAINER [CONTAINER...]",
	.examples = "podman unpause mywebserver\npodman unpause 860a4b23\npodman unpause --all",
	.options = options,
	.flags = POD_TOOL_TARGETS,
	.target_type = "container",
	.setup = setup,
	.each_target = pod_cli_pause_each,
	.finish = pod_cli_pause_finish,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
