/* pod-stop - stop one or more containers (`podman stop`) */
#include "cli/ctr_more.h"
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "core/json.h"

static struct {
	bool all, ignore, time_set, latest;
	int64_t time;
	char *cidfile;
} opt = { .time = -1 };

static struct pod_engine *engine;

static int
stop_ctr(struct pod_ctx *ctx, struct pod_ctr *c, const char *as_given, struct pod_err **err)
{
	if (pod_ctr_stop(engine, c, opt.time_set ? opt.time : -1, err) < 0)
		return -1;
	if (!ctx->g.dispatched) {
		cleanup_json json_t *rec = json_pack("{s:s, s:s, s:[s]}", "Type", "container", "Id",
						     c->id, "Names", c->name);
		return pod_json_print_line(stdout, rec, err);
	}
	return pod_print_line(as_given, err);
}

static int
stop_one(struct pod_ctx *ctx, const char *target, struct pod_err **err)
{
	cleanup_ctr struct pod_ctr *c = NULL;

	if (pod_ctr_lookup(engine, target, &c, err) < 0) {
		if (opt.ignore && (*err)->kind == POD_E_NOTFOUND) {
			pod_err_free(err);
			return 0;
		}
		return -1;
	}
	return stop_ctr(ctx, c, target, err);
}

/* --all: one container at a time; a failure is reported and the walk goes on */
static int
stop_listed(struct pod_engine *e, struct pod_ctr *c, void *data, struct pod_err **err)
{
	cleanup_free char *id = xstrdup(c->id);
	struct pod_ctx *ctx = data;
	struct pod_err *e2 = NULL;

	if (c->state != POD_CTR_RUNNING && c->state != POD_CTR_PAUSED)
		return 0;
	if (stop_ctr(ctx, c, id, &e2) < 0) {
		pod_err_print(e2);
		pod_err_free(&e2);
		ctx->status = 125;
	}
	return 0;
}

static int
setup(struct pod_ctx *ctx, struct pod_err **err)
{
	if (opt.all && ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0,
				   "--all and containers cannot be used together");
	if (pod_cli_engine(&ctx->g, false, &engine, err) < 0)
		return -1;
	if (opt.latest && pod_cli_use_latest(ctx, engine, err) < 0)
		return -1;
	if (opt.all && pod_ctr_each(engine, 0, stop_listed, ctx, err) < 0)
		return -1;
	return 0;
}

static int
finish(struct pod_ctx *ctx, struct pod_err **err)
{
	engine = pod_engine_free(engine);
	return 0;
}

static const struct pod_opt options[] = {
	POD_OPT_BOOL('a', "all", &opt.all, "Stop all running containers"),
	POD_OPT_BOOL('i', "ignore", &opt.ignore,
		     "Ignore errors when a specified container is missing"),
	{ POD_OPT_T_UINT, 't', "time", "uint", &opt.time,
	  "Seconds to wait for stop before killing the container", NULL, 0, NULL, &opt.time_set },
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest container podman is aware of"),
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-stop",
	.verb = "stop",
	.summary = "Stop one or more containers",
	.description = "Stops each container with its stop signal (the image's STOPSIGNAL or "
		       "--stop-signal, else SIGTERM) and, after the timeout, SIGKILL; prints "
		       "each as it was named.",
	.usage = "[options] CONTAINER [CONTAINER...]",
	.examples = "podman stop ctrID\npodman stop --time 2 mywebserver 6e534f14da9d\n"
		    "podman stop -a",
	.options = options,
	.flags = POD_TOOL_TARGETS,
	.target_type = "container",
	.setup = setup,
	.each_target = stop_one,
	.finish = finish,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
