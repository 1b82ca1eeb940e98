/* pod-restart - restart one or more containers (`podman restart`) */
#include "cli/ctr_more.h"
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "core/json.h"

static struct {
	int64_t time;
	bool time_set, all, running, latest;
} opt = { .time = -1 };

static struct pod_engine *engine;

static int
setup_engine(struct pod_ctx *ctx, struct pod_err **err)
{
	return pod_cli_engine(&ctx->g, false, &engine, err);
}

static int
finish_engine(struct pod_ctx *ctx, struct pod_err **err)
{
	engine = pod_engine_free(engine);
	return 0;
}

static int
restart_one(struct pod_ctx *ctx, const char *target, struct pod_err **err)
{
	cleanup_ctr struct pod_ctr *c = NULL;

	if (pod_ctr_lookup(engine, target, &c, err) < 0)
		return -1;
	if (opt.running && c->state != POD_CTR_RUNNING)
		return 0;
	if (pod_ctr_restart(engine, c, opt.time_set ? opt.time : -1, err) < 0)
		return -1;
	if (!ctx->g.dispatched) {
		cleanup_json json_t *r = json_pack("{s:s, s:s}", "Type", "container", "Id", c->id);
		return pod_json_print_line(stdout, r, err);
	}
	return pod_print_line(c->id, err);
}

static int
restart_all(struct pod_ctx *ctx, struct pod_err **err)
{
	struct pod_ctr **v = NULL;
	size_t n = 0;

	if (!opt.all)
		return 0;
	if (pod_ctr_list(engine, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct pod_err *e2 = NULL;
		if (restart_one(ctx, v[i]->id, &e2) < 0) {
			pod_err_print(e2);
			ctx->status = 125;
			pod_err_free(&e2);
		}
	}
	pod_ctr_list_free(v, n);
	return 0;
}

static int
restart_setup(struct pod_ctx *ctx, struct pod_err **err)
{
	if (opt.all && ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0,
				   "--all and containers cannot be used together");
	if (setup_engine(ctx, err) < 0)
		return -1;
	if (opt.latest && pod_cli_use_latest(ctx, engine, err) < 0)
		return -1;
	return opt.all ? restart_all(ctx, err) : 0;
}

static const struct pod_opt restart_options[] = {
	POD_OPT_BOOL('a', "all", &opt.all, "Restart all non-running containers"),
	POD_OPT_BOOL(0, "running", &opt.running, "Restart only running containers when --all is "
		     "used"),
	{ POD_OPT_T_INT, 't', "time", "uint", &opt.time,
	  "Seconds to wait for stop before killing the container", NULL, 0, NULL, &opt.time_set },
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest container podman is aware of"),
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-restart",
	.verb = "restart",
	.summary = "Restart one or more containers",
	.description = "Stops (stop signal, then SIGKILL after the timeout) and starts again "
		       "each container, printing its ID.",
	.usage = "[options] CONTAINER [CONTAINER...]",
	.examples = "podman restart -l\npodman restart ff6cf1e5e77e 1ee6c9c31c8c\n"
		    "podman restart --all",
	.options = restart_options,
	.flags = POD_TOOL_TARGETS,
	.target_type = "container",
	.setup = restart_setup,
	.each_target = restart_one,
	.finish = finish_engine,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
