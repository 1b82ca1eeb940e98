/* pod-kill - signal one or more running containers (`podman kill`) */
#include "cli/ctr_more.h"
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "core/json.h"
#include "runtime/oci.h"

#include <signal.h>

static struct {
	bool all, latest;
	char *signal;
} opt;

static struct pod_engine *engine;
static int sig = SIGKILL;

static int
kill_ctr(struct pod_ctx *ctx, struct pod_ctr *c, const char *as_given, struct pod_err **err)
{
	if (pod_ctr_kill(engine, c, sig, err) < 0)
		return -1;
	if (!ctx->g.dispatched) {
		cleanup_json json_t *rec = json_pack("{s:s, s:s, s:[s]}", "Type", "container", "Id",
						     c->id, "Names", c->name);
		return pod_json_print_line(stdout, rec, err);
	}
	return pod_print_line(as_given, err);
}

static int
kill_one(struct pod_ctx *ctx, const char *target, struct pod_err **err)
{
	cleanup_ctr struct pod_ctr *c = NULL;

	if (pod_ctr_lookup(engine, target, &c, err) < 0)
		return -1;
	return kill_ctr(ctx, c, target, err);
}

/* --all: one container at a time; a failure is reported and the walk goes on */
static int
kill_listed(struct pod_engine *e, struct pod_ctr *c, void *data, struct pod_err **err)
{
	cleanup_free char *id = xstrdup(c->id);
	struct pod_ctx *ctx = data;
	struct pod_err *e2 = NULL;

	if (c->state != POD_CTR_RUNNING)
		return 0;
	if (kill_ctr(ctx, c, id, &e2) < 0) {
		pod_err_print(e2);
		pod_err_free(&e2);
		ctx->status = 125;
	}
	return 0;
}

static int
setup(struct pod_ctx *ctx, struct pod_err **err)
{
	if (opt.signal && pod_oci_parse_signal(opt.signal, &sig, err) < 0)
		return pod_err_wrap(err, "invalid signal");
	if (opt.all && ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0,
				   "--all and containers cannot be used together");
	if (pod_cli_engine(&ctx->g, false, &engine, err) < 0)
		return -1;
	if (opt.latest && pod_cli_use_latest(ctx, engine, err) < 0)
		return -1;
	if (opt.all && pod_ctr_each(engine, 0, kill_listed, ctx, err) < 0)
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
	POD_OPT_BOOL('a', "all", &opt.all, "Signal all running containers"),
	POD_OPT_STRING('s', "signal", "string", &opt.signal,
		       "Signal to send to the container (default \"KILL\")"),
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest container podman is aware of"),
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-kill",
	.verb = "kill",
	.summary = "Kill one or more running containers with a specific signal",
	.description = "Sends a signal (SIGKILL unless --signal says otherwise) to each "
		       "container's main process; prints each as it was named.",
	.usage = "[options] CONTAINER [CONTAINER...]",
	.examples = "podman kill mywebserver\npodman kill 860a4b23\n"
		    "podman kill --signal TERM ctrID",
	.options = options,
	.flags = POD_TOOL_TARGETS,
	.target_type = "container",
	.setup = setup,
	.each_target = kill_one,
	.finish = finish,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
