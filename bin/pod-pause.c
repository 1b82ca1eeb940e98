/* pod-pause - suspend every process of containers (`podman pause`) */
#include "cli/pause_tool.h"

static int
setup(struct pod_ctx *ctx, struct pod_err **err)
{
	return pod_cli_pause_setup(ctx, true, err);
}

static const struct pod_opt options[] = {
	POD_PAUSE_OPTIONS("Pause all running containers"),
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-pause",
	.verb = "pause",
	.summary = "Pause all the processes in one or more containers",
	.description = "Pauses every process of each container by freezing its cgroup (cgroup v1 freezer or v2 cgroup.freeze) through its OCI runtime; the state becomes paused until unpause. Prints each container as it was named.",
	.usage = "[options] CONTAINER [CONTAINER...]",
	.examples = "podman pause mywebserver\npodman pause 860a4b23\npodman pause --all",
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
