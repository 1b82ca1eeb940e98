/* pod-create - create a container from a local image (`podman create`) */
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "core/fs.h"
#include "core/json.h"

#include <unistd.h>

static int tool_argc;
static char **tool_argv;

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_ctr struct pod_ctr *c = NULL;
	cleanup_json json_t *settings = NULL;

	if (pod_ctr_opt.cidfile && access(pod_ctr_opt.cidfile, F_OK) == 0)
		return pod_err_set(err, POD_E_EXISTS, 0,
				   "container id file exists. Ensure another container is not "
				   "using it or delete %s", pod_ctr_opt.cidfile);
	settings = pod_ctr_settings_from_opts(&pod_ctr_opt, ctx->args, &ctx->g, tool_argc,
					      tool_argv, err);
	if (!settings)
		return -1;
	if (pod_cli_engine(&ctx->g, false, &e, err) < 0)
		return -1;
	if (pod_cli_ensure_image(e, ctx->args[0], pod_ctr_opt.pull, pod_ctr_opt.quiet, err) < 0)
		return -1;
	if (pod_ctr_create(e, settings, &c, err) < 0)
		return -1;
	if (pod_ctr_opt.cidfile && pod_cli_write_cidfile(pod_ctr_opt.cidfile, c->id, err) < 0)
		return -1;
	if (!ctx->g.dispatched) {
		cleanup_json json_t *r = json_pack("{s:s, s:s, s:[s]}", "Type", "container", "Id",
						   c->id, "Names", c->name);
		return pod_json_print_line(stdout, r, err);
	}
	return pod_print_line(c->id, err);
}

static const struct pod_tool tool = {
	.name = "pod-create",
	.verb = "create",
	.summary = "Create but do not start a container",
	.description = "Creates a writable container layer over the specified image and prepares "
		       "it for running the specified command. The container ID is then printed "
		       "to STDOUT. The container can be started later with `podman start`.",
	.usage = "[options] IMAGE [COMMAND [ARG...]]",
	.examples = "podman create alpine ls\npodman create --annotation HELLO=WORLD alpine ls\n"
		    "podman create -t -i --name myctr alpine ls",
	.options = pod_create_options,
	.flags = POD_TOOL_STOP_AT_ARG,
	.min_args = 1,
	.max_args = -1,
	.run = run,
	.exit_status_doc = ".TP\n.B 0\nThe container was created.\n.TP\n.B 125\nThe command "
			   "failed: a bad flag, a missing image, a name in use, or an engine "
			   "error.",
};

int
main(int argc, char **argv)
{
	tool_argc = argc;
	tool_argv = argv;
	return pod_tool_main(&tool, argc, argv);
}
