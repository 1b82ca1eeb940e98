/* pod-healthcheck - run a container's healthcheck (`podman healthcheck run`) */
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "core/json.h"
#include "runtime/ctr_exec.h"

static int
run_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_ctr struct pod_ctr *c = NULL;
	enum pod_health_result r = POD_HEALTH_HEALTHY;
	static const char *const words[] = { "healthy", "unhealthy", "starting" };

	if (pod_cli_engine(&ctx->g, false, &e, err) < 0 ||
	    pod_ctr_lookup(e, ctx->args[0], &c, err) < 0 || pod_ctr_health_run(e, c, &r, err) < 0)
		return -1;
	if (!ctx->g.dispatched) {
		cleanup_json json_t *rec = json_pack("{s:s, s:s, s:s}", "Type", "healthcheck", "Id",
						     c->id, "Status", words[r]);
		if (pod_json_print_line(stdout, rec, err) < 0)
			return -1;
	} else if (r != POD_HEALTH_HEALTHY && pod_print_line(words[r], err) < 0) {
		return -1;
	}
	ctx->status = r == POD_HEALTH_HEALTHY ? 0 : 1;
	return 0;
}

static const struct pod_opt no_options[] = { POD_OPT_END };

static const struct pod_tool run_tool = {
	.name = "pod-healthcheck",
	.verb = "healthcheck run",
	.summary = "run the health check of a container",
	.description = "Runs the container's healthcheck once as an exec session and records "
		       "the result in its health state (inspect's State.Health). Prints "
		       "\"unhealthy\" (or \"starting\" within the start period) when the check "
		       "fails. The container's monitor runs it every --health-interval.",
	.usage = "CONTAINER",
	.examples = "podman healthcheck run mywebapp",
	.options = no_options,
	.min_args = 1,
	.max_args = 1,
	.run = run_run,
	.exit_status_doc = ".TP\n.B 0\nThe container is healthy.\n.TP\n.B 1\nThe check "
			   "failed.\n.TP\n.B 125\nNo such container, it does not run, it has no "
			   "healthcheck, or the check exceeded its timeout.",
};

static const struct pod_subverb subverbs[] = {
	{ "run", NULL, &run_tool },
	{ NULL, NULL, NULL },
};

static int
no_subverb(struct pod_ctx *ctx, struct pod_err **err)
{
	return pod_err_set(err, POD_E_INVALID, 0, "missing command '%s COMMAND'",
			   ctx->g.dispatched ? "podman healthcheck" : "pod-healthcheck");
}

static const struct pod_tool tool = {
	.name = "pod-healthcheck",
	.verb = "healthcheck",
	.summary = "Manage health checks on containers",
	.description = "Run health checks on containers.",
	.usage = "COMMAND",
	.options = no_options,
	.flags = POD_TOOL_SUBVERBS,
	.subverbs = subverbs,
	.run = no_subverb,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
